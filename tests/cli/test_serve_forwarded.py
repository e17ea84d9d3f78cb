"""Issue 14: forwarded headers are trusted only from the proxies given to
``serve --forwarded-allow-ips`` (none by default). A real uvicorn server on a free port, with
the settings ``serve`` gives it, answers an app that echoes the client address it sees."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn

from expressentry.cli.serve_commands import server_options


async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    host = (scope.get("client") or ("?", 0))[0]
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": host.encode()})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(forwarded_allow_ips: str | None) -> Iterator[int]:
    port = free_port()
    options = server_options("127.0.0.1", port, 1, forwarded_allow_ips)
    options.pop("workers")
    server = uvicorn.Server(uvicorn.Config(echo, log_level="warning", **options))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def seen(port: int, forwarded: str) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/", headers={"X-Forwarded-For": forwarded}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.read().decode()


def test_forwarded_headers_are_ignored_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    with served(None) as port:
        assert {seen(port, f"203.0.113.{i}") for i in range(10)} == {"127.0.0.1"}


def test_forwarded_headers_are_read_from_a_configured_proxy() -> None:
    with served("127.0.0.1") as port:
        assert seen(port, "203.0.113.7") == "203.0.113.7"


def test_a_proxy_that_is_not_configured_is_not_trusted() -> None:
    with served("10.1.2.3") as port:
        assert seen(port, "203.0.113.7") == "127.0.0.1"
