"""Reports: round records, invitations by category, the year-end report, the report to Parliament.

``build(kind, year=..., source=...)`` assembles a report from IRCC's published rounds history or
from this system's database; ``render.write(report, fmt, path)`` writes it as Markdown, HTML, PDF,
CSV or JSON. Every word comes from ``reports.strings`` (bilingual-ready).

Only the standard library is imported here; matplotlib, SQLAlchemy and WeasyPrint are imported
when a report needs them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from expressentry.reports.render import FORMATS, SUFFIXES, ReportError
from expressentry.reports.strings import Strings, languages

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from expressentry.reports.model import Report
    from expressentry.rounds.history import HistoricalRound
    from expressentry.rules.categories import CategoryBook

KINDS = ("rounds", "categories", "year-end", "parliament")
SOURCES = ("history", "system")

__all__ = ["FORMATS", "KINDS", "SOURCES", "SUFFIXES", "ReportError", "build", "languages"]


def build(
    kind: str,
    *,
    year: int | None = None,
    source: str = "history",
    engine: Engine | None = None,
    lang: str = "en",
    book: CategoryBook | None = None,
    history: list[HistoricalRound] | None = None,
    generated_at: dt.datetime | None = None,
) -> Report:
    """Assemble a report. ``source="system"`` needs ``engine`` (the pool database)."""
    from expressentry.reports.sources import HistorySource, SystemSource
    from expressentry.rules.categories import default_categories

    if kind not in KINDS:
        raise ReportError("report", f"{kind!r} is not a report; use one of {', '.join(KINDS)}")
    s = Strings(lang)
    book = book or default_categories()
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    if source not in SOURCES:
        raise ReportError("--source", s("error.source", value=source))
    if kind == "year-end":
        if source != "system":
            raise ReportError("--source", s("error.year_end.source"))
        if year is None:
            raise ReportError("--year", s("error.year.required", kind=kind))
        assert engine is not None
        from expressentry.reports import year_end

        return year_end.build(engine, year, s, book, generated_at)
    src = SystemSource(engine, book, s) if source == "system" else HistorySource(history)  # type: ignore[arg-type]
    if kind == "rounds":
        from expressentry.reports import rounds

        return rounds.build(src, year, s, book, generated_at)
    if kind == "categories":
        from expressentry.reports import invitations

        return invitations.build(src, year, s, book, generated_at)
    if year is None:
        raise ReportError("--year", s("error.year.required", kind=kind))
    from expressentry.reports import parliament

    return parliament.build(src, year, s, book, generated_at)
