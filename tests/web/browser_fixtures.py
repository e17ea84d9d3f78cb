"""Helpers of the browser tests and of ``docs/screenshots/take.py``: the real app under uvicorn
in a background thread, Chromium (the Debian package, never a downloaded one) and WCAG contrast.

``live_server(app)`` listens on a socket bound to port 0 (the kernel picks a free port), so test
processes running side by side (pytest-xdist) never clash. ``launch_chromium(playwright)`` starts
the system's Chromium with a fresh profile.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: the Debian package's Chromium (``playwright install`` downloads are not used)
CHROMIUM = Path(os.environ.get("EXPRESSENTRY_CHROMIUM", "/usr/bin/chromium"))
#: EXPRESSENTRY_REQUIRE_BROWSER=1 turns "no browser" from a skip into a failure
REQUIRE_ENV = "EXPRESSENTRY_REQUIRE_BROWSER"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: how long to wait for the server to answer its first request (seconds)
START_WAIT = 30.0


def browser_problem() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    if not CHROMIUM.exists():
        return (
            f"Chromium is not installed at {CHROMIUM} (apt-get install chromium, or set "
            f"EXPRESSENTRY_CHROMIUM to a Chromium binary)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"the playwright package is not installed ({exc}); pip install -e '.[test]'"
    return None


def launch_chromium(playwright: Any) -> Any:
    """The system's Chromium, headless, with a fresh profile."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread; yields its base URL
    (``http://127.0.0.1:PORT``) once it answers, and stops it afterwards."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    failure: list[BaseException] = []

    def serve() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported to the waiting thread below
            failure.append(exc)

    thread = threading.Thread(target=serve, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base, server, thread, failure)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=START_WAIT)
        sock.close()


def _wait_until_answering(
    base: str, server: Any, thread: threading.Thread, failure: list[BaseException]
) -> None:
    ready = threading.Event()
    deadline_checks = int(START_WAIT / 0.05)
    for _ in range(deadline_checks):
        if failure or not thread.is_alive():
            raise RuntimeError(f"the server at {base} did not start: {failure!r}")
        if server.started:
            try:
                with urllib.request.urlopen(f"{base}/static/site.css", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
        ready.wait(0.05)
    raise RuntimeError(f"the server at {base} did not answer within {START_WAIT:.0f} s")


# --- contrast (WCAG 2.1) ----------------------------------------------------------------------

_RGB = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)")


def parse_color(css: str) -> tuple[float, float, float, float]:
    """``rgb(r, g, b)`` / ``rgba(r, g, b, a)`` (what getComputedStyle gives) as r, g, b, alpha."""
    match = _RGB.fullmatch(css.strip())
    if not match:
        raise ValueError(f"not an rgb() colour: {css!r}")
    r, g, b, a = match.groups()
    alpha = 1.0 if a is None else (float(a[:-1]) / 100 if a.endswith("%") else float(a))
    return float(r), float(g), float(b), alpha


def _channel(value: float) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(css: str) -> float:
    r, g, b, _ = parse_color(css)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two opaque colours (1 to 21)."""
    for css in (foreground, background):
        if parse_color(css)[3] < 1:
            raise ValueError(f"{css!r} is not opaque: blend it first")
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


#: in the page: the text colour of the first element matching a selector, and the background
#: colour behind it (the first ancestor-or-self with an opaque background; white by default)
COLORS_JS = """
(selector) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  let node = el;
  let background = "rgb(255, 255, 255)";
  while (node && node.nodeType === 1) {
    const bg = getComputedStyle(node).backgroundColor;
    const m = bg.match(/rgba?\\(([^)]+)\\)/);
    const parts = m ? m[1].split(/[\\s,\\/]+/).filter(Boolean) : [];
    const alpha = parts.length > 3 ? parseFloat(parts[3]) : 1;
    if (m && alpha >= 1) { background = bg; break; }
    if (m && alpha > 0) { return {color: getComputedStyle(el).color, background: bg, translucent: true}; }
    node = node.parentElement;
  }
  return {color: getComputedStyle(el).color, background: background, translucent: false};
}
"""
