"""Charts of the pages, drawn by the reports' chart code (matplotlib, inline SVG)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from expressentry.reports.charts import inline_svg
from expressentry.reports.model import Chart, Series
from expressentry.rounds.bands import BANDS
from expressentry.web.i18n import translator

#: the broad bands, lowest first (the ten-point rows are parts of 401-450 and 451-500)
BROAD = [label for label, low, high in BANDS if high - low > 9][::-1]


def distribution_svg(distribution: dict[str, int], lang: str) -> str:
    """The pool's CRS distribution as bars, one per broad band."""
    t = translator(lang)
    counts = [distribution.get(label, 0) for label in BROAD]
    chart = Chart(
        id="crs-distribution",
        title=t("chart.distribution.title"),
        kind="bar",
        series=[Series(label=t("chart.candidates"), x=BROAD, y=counts, key="general")],
        x_label=t("chart.crs_band"),
        y_label=t("chart.candidates"),
        categories=BROAD,
        description=t("chart.distribution.title"),
    )
    return inline_svg(chart)


def cutoffs_svg(rounds: Sequence[Any], lang: str) -> str | None:
    """The lowest CRS score invited in each round, one line per kind of round."""
    t = translator(lang)
    by_kind: dict[str, list[Any]] = {}
    for r in rounds:
        if r.invitations > 0 and r.crs_cutoff is not None:
            key = r.category or r.program or "general"
            by_kind.setdefault(key, []).append(r)
    if not by_kind:
        return None
    order = sorted(by_kind, key=lambda k: (k != "general", -len(by_kind[k]), k))
    series = [
        Series(
            label=_label(t, key),
            x=[r.date for r in sorted(by_kind[key], key=lambda r: r.date)],
            y=[r.crs_cutoff for r in sorted(by_kind[key], key=lambda r: r.date)],
            key=key,
        )
        for key in order
    ]
    chart = Chart(
        id="cutoffs",
        title=t("chart.cutoffs.title"),
        kind="line",
        series=series,
        x_label=t("chart.date"),
        y_label=t("chart.cutoff"),
        description=t("chart.cutoffs.title"),
    )
    return inline_svg(chart)


def _label(t: Any, key: str) -> str:
    """A series' name: a program or the general rounds, else the category's name."""
    for prefix in ("kind.", "category."):
        if prefix + key in t:
            return str(t(prefix + key))
    return key.replace("_", " ")
