"""Charts of the pool model: a backtest's predicted ranges against the real cutoffs, and a
candidate's invitation outlook (matplotlib; PNG, SVG, or SVG inline in a page).

The words come from the caller (already in the reader's language).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib

from expressentry.reports.charts import _STYLE, colour


def _figure(width: float = 9.0, height: float = 4.2) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _save(fig: Any, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "png":
        fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    else:
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def backtest_chart(cases: Sequence[Any], labels: dict[str, str], fmt: str = "svg") -> bytes:
    """Each round's predicted 80% range (a bar), prediction (a tick) and real cutoff (a dot),
    by date. ``cases``: backtest cases of one method and mode."""
    with matplotlib.rc_context(_STYLE):
        fig = _figure()
        ax = fig.add_subplot()
        ordered = sorted(cases, key=lambda c: c.date)
        dates = [c.date for c in ordered]
        ax.vlines(
            dates,
            [c.low for c in ordered],
            [c.high for c in ordered],
            colors=colour("general", 0),
            alpha=0.45,
            linewidth=3,
            label=labels["range"],
        )
        ax.scatter(
            dates,
            [c.predicted for c in ordered],
            marker="_",
            s=40,
            color=colour("general", 0),
            label=labels["predicted"],
        )
        covered = [c.low <= c.real <= c.high for c in ordered]
        ax.scatter(
            dates,
            [c.real for c in ordered],
            s=10,
            color=["#26374a" if ok else "#d3080c" for ok in covered],
            label=labels["real"],
            zorder=3,
        )
        ax.set_title(labels["title"])
        ax.set_ylabel(labels.get("y", "CRS"))
        ax.legend(loc="upper left", fontsize="small")
        return _save(fig, fmt)


def outlook_chart(
    probabilities: dict[str, float], labels: dict[str, str], fmt: str = "svg"
) -> bytes:
    """The probability of an invitation within 1, 3, 6 and 12 months, as bars."""
    with matplotlib.rc_context(_STYLE):
        fig = _figure(5.5, 3.0)
        ax = fig.add_subplot()
        months = list(probabilities)
        values = [100 * probabilities[m] for m in months]
        ax.bar([labels.get(f"m{m}", m) for m in months], values, color=colour("general", 0))
        for i, v in enumerate(values):
            ax.text(i, v + 2, f"{v:.0f}%", ha="center", fontsize="small")
        ax.set_ylim(0, 110)
        ax.set_ylabel(labels["y"])
        ax.set_title(labels["title"])
        return _save(fig, fmt)


def inline(svg: bytes, chart_id: str, description: str) -> str:
    """An SVG document as an ``<svg>`` element for a page (ids prefixed, scalable)."""
    import re
    from html import escape

    text = svg.decode("utf-8")
    text = text[text.find("<svg") :]
    prefix = f"{chart_id}-"
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m[1]}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m[1]})", text)
    text = re.sub(r'(?<![:\w])href="#([^"]+)"', lambda m: f'href="#{prefix}{m[1]}"', text)
    text = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{prefix}{m[1]}"', text)
    text = re.sub(r'(<svg[^>]*?)\swidth="[^"]+"', r"\1", text, count=1)
    text = re.sub(r'(<svg[^>]*?)\sheight="[^"]+"', r"\1", text, count=1)
    return text.replace("<svg", f'<svg role="img" aria-label="{escape(description)}"', 1)
