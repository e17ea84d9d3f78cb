"""Charts drawn with matplotlib (the Agg renderer, no display needed), as PNG or SVG.

matplotlib is imported inside the functions, so that the command line's other commands do not
pay for it. Figures are made with the object API (``matplotlib.figure.Figure``), never pyplot:
no global state, no GUI backend.
"""

from __future__ import annotations

import io
import re
import zlib
from typing import Any

from expressentry.reports.model import Chart

#: fixed colours, so that a category or program has the same colour in every chart
COLOURS: dict[str, str] = {
    "general": "#4d4d4d",
    "program": "#1f77b4",
    "category": "#d62728",
    "invitations": "#1f5f99",
    "candidates": "#2a7f62",
    "cec": "#1f77b4",
    "fsw": "#17becf",
    "fst": "#8c564b",
    "pnp": "#9467bd",
    "french_language_proficiency": "#e377c2",
    "healthcare": "#2ca02c",
    "healthcare_and_social_services": "#98df8a",
    "stem": "#ff7f0e",
    "trades": "#bcbd22",
    "transport": "#7f7f7f",
    "agriculture_and_agri_food": "#8c6d31",
    "education": "#d62728",
    "physicians_with_canadian_work_experience": "#393b79",
    "senior_managers_with_canadian_work_experience": "#ad494a",
    "researchers_with_canadian_work_experience": "#6b6ecf",
    "skilled_military_recruits": "#637939",
}
_SPARE = ("#aec7e8", "#ffbb78", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5")

_STYLE = {
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,  # grid lines behind the bars
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "svg.fonttype": "none",  # text stays text: smaller files, selectable words
    "svg.hashsalt": "expressentry",  # the same chart gives the same file
    "font.family": "DejaVu Sans",
}


def colour(key: str | None, index: int) -> str:
    if key and key in COLOURS:
        return COLOURS[key]
    seed = zlib.crc32((key or str(index)).encode())
    return _SPARE[seed % len(_SPARE)]


def _figure(chart: Chart) -> Any:
    from matplotlib.figure import Figure

    legend_rows = 0
    if len(chart.series) > 1:
        columns = _legend_columns(chart)
        lines = [min(3, 1 + len(s.label) // 31) for s in chart.series]
        legend_rows = sum(max(lines[i : i + columns]) for i in range(0, len(lines), columns))
    height = 3.6 + 0.2 * legend_rows
    if chart.kind == "hbar":
        height = max(2.2, 0.9 + 0.32 * len(chart.categories or chart.series[0].x))
    return Figure(figsize=(7.6, height), dpi=100, layout="constrained")


def _draw(chart: Chart) -> Any:
    fig = _figure(chart)
    ax = fig.add_subplot()
    fig.suptitle(chart.title, fontsize=11, fontweight="bold", x=0.01, ha="left")
    if chart.kind == "line":
        import matplotlib.dates as mdates

        for i, s in enumerate(chart.series):
            ax.plot(
                s.x,
                s.y,
                marker="o",
                markersize=3,
                linewidth=1.1,
                label=s.label,
                color=colour(s.key, i),
            )
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    elif chart.kind in ("bar", "stacked"):
        labels = chart.categories or [str(x) for x in chart.series[0].x]
        positions = range(len(labels))
        bottom = [0.0] * len(labels)
        n = len(chart.series)
        width = 0.8 if chart.kind == "stacked" else 0.8 / max(n, 1)
        for i, s in enumerate(chart.series):
            values = [float(v or 0) for v in s.y]
            if chart.kind == "stacked":
                ax.bar(
                    positions,
                    values,
                    width,
                    bottom=bottom,
                    label=s.label,
                    color=colour(s.key, i),
                )
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
            else:
                offset = (i - (n - 1) / 2) * width
                ax.bar(
                    [p + offset for p in positions],
                    values,
                    width,
                    label=s.label,
                    color=colour(s.key, i),
                )
        # zero-height segments leave sticky edges at the top of a stack: set the limits here
        tops = (
            bottom
            if chart.kind == "stacked"
            else [float(v or 0) for s in chart.series for v in s.y]
        )
        ax.set_ylim(0, max(tops, default=0) * 1.06 or 1)
        ax.set_xticks(list(positions), labels)
        if max((len(label) for label in labels), default=0) > 8 and len(labels) > 6:
            ax.tick_params(axis="x", labelrotation=45)
            for tick in ax.get_xticklabels():
                tick.set_horizontalalignment("right")
        ax.grid(axis="x", visible=False)
        ax.yaxis.set_major_locator(_integers())
        ax.yaxis.set_major_formatter(_thousands())
    elif chart.kind == "hbar":
        s = chart.series[0]
        labels = chart.categories or [str(x) for x in s.x]
        values = [float(v or 0) for v in s.y]
        positions = list(range(len(labels)))[::-1]
        bars = ax.barh(positions, values, color=colour(s.key, 0), height=0.65)
        ax.set_yticks(positions, [_wrap(label) for label in labels])
        ax.bar_label(bars, labels=[f"{int(v):,}" for v in values], padding=3, fontsize=8)
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_locator(_integers())
        ax.xaxis.set_major_formatter(_thousands())
        ax.set_xlim(0, max(values, default=1) * 1.15 or 1)
    if chart.x_label:
        ax.set_xlabel(chart.x_label)
    if chart.y_label:
        ax.set_ylabel(chart.y_label)
    if len(chart.series) > 1:
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(
            handles,
            [_wrap(label, 30) for label in labels],
            loc="outside lower center",
            ncols=_legend_columns(chart),
            frameon=False,
        )
    return fig


def _legend_columns(chart: Chart) -> int:
    longest = max(len(s.label) for s in chart.series)
    columns = 4 if longest <= 18 else 3 if longest <= 26 else 2
    return min(columns, len(chart.series))


def _wrap(label: str, width: int = 34) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) or label


def _integers() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True, min_n_ticks=3)


def _thousands() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{int(v):,}" if v == int(v) else f"{v:,.1f}")


def png(chart: Chart, dpi: int = 150) -> bytes:
    """The chart as a PNG image."""
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        fig = _draw(chart)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def svg(chart: Chart) -> str:
    """The chart as an SVG document."""
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        fig = _draw(chart)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


_ID = re.compile(r'\bid="([^"]+)"')


def inline_svg(chart: Chart) -> str:
    """The chart as an ``<svg>`` element to put in an HTML page: no XML prolog, every id
    prefixed with the chart's id (several charts on a page must not share ids), scalable."""
    text = svg(chart)
    start = text.find("<svg")
    text = text[start:]
    prefix = f"{chart.id}-"
    text = _ID.sub(lambda m: f'id="{prefix}{m[1]}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m[1]})", text)
    text = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{prefix}{m[1]}"', text)
    text = re.sub(r'(?<![:\w])href="#([^"]+)"', lambda m: f'href="#{prefix}{m[1]}"', text)
    # let the page size it: keep the viewBox, drop the fixed size
    text = re.sub(r'(<svg[^>]*?)\swidth="[^"]+"', r"\1", text, count=1)
    text = re.sub(r'(<svg[^>]*?)\sheight="[^"]+"', r"\1", text, count=1)
    return text.replace(
        "<svg", f'<svg role="img" aria-label="{_attr(chart.description or chart.title)}"', 1
    )


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
