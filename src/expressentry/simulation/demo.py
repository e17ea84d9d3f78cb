"""The demo: a realistic pool in the embedded database and a year of real rounds, scaled.

The pool is synthesized to the distribution IRCC published before the year's first round and
imported through the real import path; then the year's real schedule of general, program and
category rounds is run with the real system (sizes scaled to the pool), invited candidates apply,
decline or let their invitation expire, and applications are decided.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from expressentry.rounds.history import HistoricalRound


@dataclass
class DemoSummary:
    database: str
    year: int
    profiles: int
    imported: int
    rounds: list[dict[str, object]] = field(default_factory=list)
    invitations_by_category: Counter[str] = field(default_factory=Counter)
    invitations_by_program: Counter[str] = field(default_factory=Counter)
    applications: Counter[str] = field(default_factory=Counter)


def demo_database() -> Path:
    from expressentry.pool.db import default_url

    return Path(default_url().removeprefix("sqlite:///")).with_name("demo.db")


def run_demo(
    *,
    year: int = 2025,
    size: int = 5000,
    seed: int = 1,
    url: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoSummary:
    from expressentry.pool.db import connect
    from expressentry.pool.service import Pool
    from expressentry.rounds.itas import Invitations
    from expressentry.rounds.service import RoundError, Rounds
    from expressentry.simulation.pools import pool_jsonl, published
    from expressentry.simulation.simulate import schedule_for

    schedule = schedule_for(year)
    if not schedule:
        raise LookupError(f"year: no rounds in the history for {year}")
    if url is None:
        path = demo_database()
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
        url = f"sqlite:///{path}"
    engine = connect(url)
    pool = Pool(engine)
    start = schedule[0].held_at - dt.timedelta(days=1)
    lines = list(pool_jsonl(size, start.date(), seed))
    if progress:
        progress("importing profiles", 0, size)
    report = pool.import_lines(lines, as_of=start.date())
    if progress:
        progress("importing profiles", size, size)
    summary = DemoSummary(url, year, size, report.imported)
    rounds = Rounds(pool)
    invitations = Invitations(pool)
    rng = random.Random(seed)
    real_total = published(start.date()).total or size
    pending: list[tuple[str, dt.datetime, str]] = []  # (profile, when, answer)
    week = start
    weekly = max(size // 52, 1)
    month = None
    for i, r in enumerate(schedule, start=1):
        _answer_due(invitations, pending, r.held_at, summary)
        # new profiles arrive every week; a year's turnover spread over 52 weeks
        while week + dt.timedelta(days=7) <= r.held_at:
            arrivals = _arrivals(
                weekly, week, seed, start.date(), draw=i * 1000 + len(summary.rounds)
            )
            summary.imported += pool.import_lines(arrivals, as_of=week.date(), workers=1).imported
            summary.profiles += weekly
            week += dt.timedelta(days=7)
        invitations.expire_due(r.held_at)
        pool.expire_due(r.held_at)
        if month != (r.date.year, r.date.month):  # scores follow birthdays and rules monthly
            month = (r.date.year, r.date.month)
            pool.rescore(r.date, actor="demo system")
        request = _request(r, size, real_total)
        try:
            result = rounds.run(request, actor="demo officer")
        except RoundError as exc:
            summary.rounds.append(
                {"round": r.label, "date": r.date.isoformat(), "skipped": str(exc)}
            )
            continue
        key = (
            f"category: {r.category}"
            if r.category
            else (f"program: {r.program}" if r.program else "general")
        )
        summary.invitations_by_category[key] += result.invitations
        for invitee in result.invited:
            summary.invitations_by_program[invitee.program] += 1
            roll = rng.random()
            answer = "apply" if roll < 0.8 else "decline" if roll < 0.9 else "ignore"
            when = r.held_at + dt.timedelta(days=rng.randint(5, 50))
            if answer != "ignore":
                pending.append((invitee.profile_id, when, answer))
        summary.rounds.append(
            {
                "round": result.round_id,
                "date": r.date.isoformat(),
                "type": r.label,
                "invitations": result.invitations,
                "lowest_crs": result.lowest_crs,
                "real_lowest_crs": r.crs_cutoff,
            }
        )
        if progress:
            progress("rounds of invitations", i, len(schedule))
    _answer_due(invitations, pending, dt.datetime.max.replace(tzinfo=dt.UTC), summary)
    engine.dispose()
    return summary


def _arrivals(count: int, week: dt.datetime, seed: int, start: dt.date, draw: int) -> list[str]:
    """Profiles submitted during the week starting at ``week`` (from the demo's reservoir)."""
    import json

    from expressentry.simulation.pools import pool_documents, published

    rng = random.Random(draw)
    docs = pool_documents(
        count,
        week.date(),
        seed,
        target=published(week.date()),
        draw_seed=draw,
        reservoir_date=start,
    )
    out = []
    for number, doc in enumerate(docs, start=1):
        doc["profile_id"] = f"w-{week.date().isoformat()}-{number:05d}"
        submitted = week + dt.timedelta(seconds=rng.randint(0, 7 * 86400 - 1))
        doc["submitted_at"] = submitted.isoformat().replace("+00:00", "Z")
        out.append(json.dumps(doc))
    return out


def _request(r: HistoricalRound, size: int, real_total: int) -> object:
    from expressentry.rounds.service import RoundRequest

    scaled = max(1, round(r.invitations * size / real_total))
    return RoundRequest(
        at=r.held_at,
        round_type=r.round_type,
        size=scaled,
        program=r.program,
        category=r.category,
    )


def _answer_due(
    invitations: object, pending: list, until: dt.datetime, summary: DemoSummary
) -> None:
    from expressentry.pool.service import PoolError

    due = sorted((p for p in pending if p[1] <= until), key=lambda p: p[1])
    for item in due:
        pending.remove(item)
        profile_id, when, answer = item
        try:
            if answer == "decline":
                invitations.decline(profile_id, at=when, actor="demo candidate")  # type: ignore[attr-defined]
                summary.applications["declined"] += 1
            else:
                pk = invitations.apply(profile_id, at=when, actor="demo candidate")  # type: ignore[attr-defined]
                decision = invitations.decide(  # type: ignore[attr-defined]
                    pk, admissible=True, at=when + dt.timedelta(days=1), actor="demo officer"
                )
                summary.applications[decision.outcome] += 1
        except PoolError:
            summary.applications["not answered in time"] += 1
