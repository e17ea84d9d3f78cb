"""Helpers the report builders share: formatted tables, series labels, the cutoff chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from expressentry.reports.model import Chart, Column, Series, Table
from expressentry.reports.sources import PROGRAM_ORDER, RoundRecord, category_name

if TYPE_CHECKING:
    from expressentry.reports.strings import Strings
    from expressentry.rules.categories import CategoryBook

#: how a column's values are shown: text, int, num (one decimal), share (a fraction), date,
#: datetime (UTC)
Kind = str


def fmt(value: Any, kind: Kind, s: Strings) -> str:
    if value is None or value == "":
        return "—" if kind != "text" else ""
    if kind == "int":
        return s.int(int(value))
    if kind == "num":
        return s.num(float(value))
    if kind == "share":
        return s.share(float(value))
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if kind == "datetime":
        return s.datetime(value)
    return str(value)


def table(
    id: str,
    title: str | None,
    columns: Sequence[tuple[str, str, Kind]],
    rows: Iterable[dict[str, Any]],
    s: Strings,
    *,
    total: dict[str, Any] | None = None,
    note: str | None = None,
    compact: bool = False,
) -> Table:
    """A table with every cell formatted for the language; ``total`` is a plain row too."""
    rows = list(rows)
    cols = [Column(k, label, kind in ("int", "num", "share")) for k, label, kind in columns]
    kinds = {k: kind for k, _, kind in columns}

    def show(row: dict[str, Any]) -> dict[str, str]:
        return {k: fmt(row.get(k), kinds[k], s) for k in kinds}

    return Table(
        id=id,
        title=title,
        columns=cols,
        rows=rows,
        display=[show(r) for r in rows],
        note=note,
        total=show(total) if total is not None else None,
        compact=compact,
    )


def series_label(key: str, s: Strings, book: CategoryBook) -> str:
    """general, a program code or a category slug, in words."""
    if key == "general":
        return s.round_type("general")
    if key in PROGRAM_ORDER:
        return s(f"program.short.{key}")
    return category_name(key, book)


def series_order(keys: Iterable[str]) -> list[str]:
    """general first, then programs, then categories (alphabetically)."""
    keys = set(keys)
    head = [k for k in ("general", *PROGRAM_ORDER) if k in keys]
    return head + sorted(keys - set(head))


def cutoff_chart(
    id: str,
    title: str,
    records: Sequence[RoundRecord],
    s: Strings,
    book: CategoryBook,
    description: str = "",
) -> Chart | None:
    """The lowest CRS score invited in each round, one series per round type and category."""
    shown = [r for r in records if r.crs_cutoff is not None and r.invitations > 0]
    if not shown:
        return None
    by_key: dict[str, list[RoundRecord]] = {}
    for r in shown:
        by_key.setdefault(r.series_key, []).append(r)
    series = [
        Series(
            label=series_label(key, s, book),
            x=[r.date for r in by_key[key]],
            y=[r.crs_cutoff for r in by_key[key]],
            key=key,
        )
        for key in series_order(by_key)
    ]
    return Chart(
        id=id,
        title=title,
        kind="line",
        series=series,
        x_label=s("col.date"),
        y_label=s("col.crs_cutoff.short"),
        description=description or title,
    )


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
