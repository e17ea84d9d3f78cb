"""Where the figures of a report come from: IRCC's published rounds, or this system's database.

Both give the rounds as ``RoundRecord``: the fields canada.ca publishes for a round (number,
date and time, type, invitations, lowest score, tie-breaking rule, rank needed, the pool's
distribution), so that every report treats real and simulated rounds alike.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from expressentry.reports.strings import Strings
    from expressentry.rounds.history import HistoricalRound
    from expressentry.rules.categories import CategoryBook

UTC = dt.UTC
PROGRAM_ORDER = ("cec", "fsw", "fst", "pnp")
ROUND_TYPES = ("general", "program", "category")


def year_span(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The year as [start, end) in UTC."""
    return dt.datetime(year, 1, 1, tzinfo=UTC), dt.datetime(year + 1, 1, 1, tzinfo=UTC)


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class RoundRecord:
    """One round as published."""

    number: str
    date: dt.date
    held_at: dt.datetime
    round_type: str  #: general, program or category
    program: str | None
    category: str | None
    category_version: str | None
    name: str  #: the round type as canada.ca names it
    invitations: int
    crs_cutoff: int | None
    tie_break: dt.datetime | None
    rank_needed: int | None
    distribution_date: dt.date | None
    distribution: dict[str, int] | None
    size: int | None = None  #: system rounds: the size asked for
    pool_size: int | None = None
    eligible: int | None = None

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def order(self) -> tuple[dt.date, dt.datetime, int, str]:
        digits = "".join(c for c in self.number if c.isdigit())
        return (self.date, self.held_at, int(digits or 0), self.number)

    @property
    def series_key(self) -> str:
        """general, cec, fsw, fst, pnp or the category's slug."""
        if self.round_type == "program":
            return self.program or "program"
        if self.round_type == "category":
            return self.category or "category"
        return "general"

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "number": self.number,
            "date": self.date.isoformat(),
            "held_at": _iso(self.held_at),
            "round_type": self.round_type,
            "program": self.program,
            "category": self.category,
            "category_version": self.category_version,
            "name": self.name,
            "invitations": self.invitations,
            "crs_cutoff": self.crs_cutoff,
            "tie_break": _iso(self.tie_break),
            "rank_needed": self.rank_needed,
            "distribution_date": self.distribution_date.isoformat()
            if self.distribution_date
            else None,
            "distribution": dict(self.distribution) if self.distribution is not None else None,
        }
        if self.pool_size is not None:
            doc.update(size=self.size, pool_size=self.pool_size, eligible=self.eligible)
        return doc


def category_name(slug: str, book: CategoryBook) -> str:
    """The category's official name (of its latest version), or the slug in words."""
    try:
        return book.versions(slug)[-1].official_name
    except LookupError:
        return slug.replace("_", " ").capitalize()


# --- IRCC's history ------------------------------------------------------------------------------


def _from_history(r: HistoricalRound) -> RoundRecord:
    return RoundRecord(
        number=r.draw_number,
        date=r.date,
        held_at=r.held_at,
        round_type=r.round_type,
        program=r.program,
        category=r.category,
        category_version=r.category_version,
        name=r.name,
        invitations=r.invitations,
        crs_cutoff=r.crs_cutoff,
        tie_break=r.tie_break,
        rank_needed=r.rank_needed,
        distribution_date=r.distribution_date,
        distribution=dict(r.distribution) if r.distribution is not None else None,
    )


class HistorySource:
    """IRCC's rounds history (the active file: shipped or imported)."""

    kind = "history"

    def __init__(self, history: Sequence[HistoricalRound] | None = None) -> None:
        from expressentry.rounds.history import load_history

        self._rounds = sorted(
            (_from_history(r) for r in (history if history is not None else load_history())),
            key=lambda r: r.order,
        )

    def records(self, year: int | None = None) -> list[RoundRecord]:
        return [r for r in self._rounds if year is None or r.year == year]

    def years(self) -> list[int]:
        return sorted({r.year for r in self._rounds})

    def invited_programs(self, year: int | None) -> dict[str, int] | None:
        """Invitations by the program invited under: not published round by round."""
        return None

    def span(self) -> tuple[str, str]:
        years = self.years()
        return (str(years[0]), str(years[-1])) if years else ("—", "—")

    def text(self, s: Strings) -> str:
        if not self._rounds:
            return s("common.source.history.short")
        first, last = self._rounds[0], self._rounds[-1]
        return s(
            "common.source.history",
            first=first.number,
            last=last.number,
            first_date=first.date.isoformat(),
            last_date=last.date.isoformat(),
        )

    def short(self, s: Strings) -> str:
        return s("common.source.history.short")


# --- this system's database ----------------------------------------------------------------------


def _as_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SystemSource:
    """The rounds held in this system's pool database."""

    kind = "system"

    def __init__(self, engine: Engine, book: CategoryBook, strings: Strings) -> None:
        self.engine = engine
        self.book = book
        self.s = strings

    def _name(self, round_type: str, program: str | None, category: str | None, year: Any) -> str:
        if round_type == "program":
            return self.s.program(program)
        if round_type == "category" and category:
            name = category_name(category, self.book)
            return self.s("round.name.category", name=name, year=year) if year else name
        return self.s.round_type("general")

    def records(self, year: int | None = None) -> list[RoundRecord]:
        from sqlalchemy import select

        from expressentry.pool.schema import rounds

        query = select(rounds).order_by(rounds.c.held_at, rounds.c.round_id)
        if year is not None:
            start, end = year_span(year)
            query = query.where(rounds.c.held_at >= start, rounds.c.held_at < end)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        out = []
        for r in rows:
            held_at = _as_utc(r.held_at)
            assert held_at is not None
            distribution = json.loads(r.distribution) if r.distribution else None
            out.append(
                RoundRecord(
                    number=str(r.round_id),
                    date=held_at.date(),
                    held_at=held_at,
                    round_type=r.round_type,
                    program=r.program,
                    category=r.category,
                    category_version=str(r.category_year) if r.category_year else None,
                    name=self._name(r.round_type, r.program, r.category, r.category_year),
                    invitations=r.invitations,
                    crs_cutoff=r.lowest_crs,
                    tie_break=_as_utc(r.tie_break),
                    rank_needed=r.rank_needed,
                    distribution_date=held_at.date() if distribution else None,
                    distribution=distribution,
                    size=r.size,
                    pool_size=r.pool_size,
                    eligible=r.eligible,
                )
            )
        return out

    def years(self) -> list[int]:
        return sorted({r.year for r in self.records()})

    def invited_programs(self, year: int | None) -> dict[str, int]:
        """Invitations by the program each candidate was invited under (every round)."""
        from sqlalchemy import func, select

        from expressentry.pool.schema import itas

        query = select(itas.c.program, func.count()).group_by(itas.c.program)
        if year is not None:
            start, end = year_span(year)
            query = query.where(itas.c.issued_at >= start, itas.c.issued_at < end)
        with self.engine.connect() as conn:
            found = dict(conn.execute(query).all())
        return {p: int(found.get(p, 0)) for p in PROGRAM_ORDER}

    def span(self) -> tuple[str, str]:
        years = self.years()
        return (str(years[0]), str(years[-1])) if years else ("—", "—")

    def text(self, s: Strings) -> str:
        return s("common.source.system")

    def short(self, s: Strings) -> str:
        return s("common.source.system.short")


def _safe_url(engine: Engine) -> str:
    """The database URL without a password."""
    return engine.url.render_as_string(hide_password=True)


Source = HistorySource | SystemSource
