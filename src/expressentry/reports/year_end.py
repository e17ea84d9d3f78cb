"""The Express Entry year-end report, from this system's database.

For one calendar year (UTC): the profiles submitted, the pool at the end of the year, the CRS
distributions, the rounds held, who was invited (by program, round type and category, CRS
score, primary occupation and its TEER, education, first official language level, country of
most recent work), category eligibility among the candidates, what became of the invitations,
and the applications decided with their processing times.

The pool is temporal (one row per state of a profile), so the pool "on December 31" is read as
it stood then, whatever happened after. A year that is not over is reported as of the moment
the report is made: its figures are facts of the year to date, the pool is the pool of that day
(as ``pool stats`` counts it), and the pool on December 31 is given apart, as a projection
(the candidates of today whose profile is still valid then, if nobody arrives, is invited or
withdraws).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from expressentry.reports.common import cutoff_chart, share, table
from expressentry.reports.model import Chart, Facts, Paragraph, Report, Section, Series
from expressentry.reports.rounds import BROAD_BANDS
from expressentry.reports.sources import (
    PROGRAM_ORDER,
    SystemSource,
    _as_utc,
    category_name,
    year_span,
)
from expressentry.rounds.bands import distribution

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from expressentry.reports.strings import Strings
    from expressentry.rules.categories import CategoryBook

TOP_OCCUPATIONS = 15
TOP_COUNTRIES = 10
ITA_STATUSES = ("outstanding", "applied", "declined", "expired")
CHECKS = ("program", "category", "accuracy", "admissibility")
LANGUAGE_LOW, LANGUAGE_HIGH = 5, 10


def _slugs(categories_json: str) -> set[str]:
    """The categories of a state ("stem:2025", ...) as slugs."""
    try:
        keys = json.loads(categories_json or "[]")
    except ValueError:
        return set()
    return {str(k).split(":", 1)[0] for k in keys}


def _count_slugs(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Candidates per category slug from (categories JSON, count) groups."""
    counts: Counter[str] = Counter()
    for text, n in rows:
        for slug in _slugs(text):
            counts[slug] += n
    return dict(sorted(counts.items()))


# --- reading the database ------------------------------------------------------------------------


def _submitted(conn: Connection, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    from sqlalchemy import func, select

    from expressentry.pool.schema import events, profile_states, profiles

    s = profile_states.c
    # each profile's first state: as submitted (later states copy its version number)
    first = (
        select(func.min(s.pk))
        .join(profiles, profiles.c.pk == s.profile_pk)
        .where(profiles.c.submitted_at >= start, profiles.c.submitted_at < end)
        .group_by(s.profile_pk)
    )
    rows = conn.execute(
        select(s.crs, s.programs, s.nominated, s.categories).where(
            s.pk.in_(first.scalar_subquery())
        )
    ).all()
    refused = conn.scalar(
        select(func.count()).where(
            events.c.kind == "profile.refused", events.c.at >= start, events.c.at < end
        )
    )
    from expressentry.pool.schema import PROGRAM_BITS

    programs = {p: sum(1 for r in rows if r.programs & bit) for p, bit in PROGRAM_BITS.items()}
    programs["pnp"] = sum(1 for r in rows if r.nominated)
    crs = Counter(r.crs for r in rows)
    return {
        "count": len(rows),
        "refused": int(refused or 0),
        "crs_distribution": distribution(crs.items()),
        "programs": {p: programs[p] for p in PROGRAM_ORDER},
        "categories": _count_slugs(Counter(r.categories for r in rows).items()),
    }


def _reassess_due(engine: Engine, conn: Connection, at: dt.datetime) -> None:
    from expressentry.pool.service import Pool

    pool = Pool(engine)
    if pool.due_count(conn, at):
        pool.reassess_due(conn, at, actor="report")


def _pool_at(conn: Connection, at: dt.datetime, last_day: dt.date) -> dict[str, Any]:
    from sqlalchemy import func, or_, select

    from expressentry.pool.schema import profile_states

    s = profile_states.c
    current = [
        s.valid_from <= at,
        or_(s.valid_to.is_(None), s.valid_to > at),
        s.status == "in_pool",
        s.submitted_at < at,
        s.expires_on > last_day,
        s.programs != 0,
    ]
    crs = conn.execute(select(s.crs, func.count()).where(*current).group_by(s.crs)).all()
    cats = conn.execute(
        select(s.categories, func.count()).where(*current).group_by(s.categories)
    ).all()
    dist = distribution((int(c), int(n)) for c, n in crs)
    return {
        "as_of": last_day.isoformat(),
        "count": dist["total"],
        "crs_distribution": dist,
        "categories": _count_slugs((c, int(n)) for c, n in cats),
    }


def _primary_job(profile: Any) -> Any:
    """The most recent job: the one ending last (a current job ends "now"), then started last."""
    jobs = list(profile.work_history)
    if not jobs:
        return None
    far = dt.date.max
    return max(jobs, key=lambda j: (j.end or far, j.start))


def _invitee(document: str | None, on: dt.date) -> dict[str, Any]:
    """What the report tells about an invited candidate, from the profile as invited."""
    from expressentry.profile.facts import derive
    from expressentry.profile.model import ProfileError, parse_profile
    from expressentry.rules import noc

    out: dict[str, Any] = {
        "noc": None,
        "teer": None,
        "education": None,
        "language": None,
        "country": None,
    }
    if not document:
        return out
    try:
        profile = parse_profile(document)
    except (ProfileError, ValueError):
        return out
    job = _primary_job(profile)
    if job is not None:
        out["noc"] = job.noc
        group = noc.lookup(job.noc)
        out["teer"] = group.teer if group else int(job.noc[1])
        out["country"] = job.country
    try:
        facts = derive(profile, on)
    except Exception:  # a profile the rules cannot read is counted as unknown, not fatal
        return out
    out["education"] = facts.principal.education
    levels = facts.principal.first_levels
    out["language"] = min(levels) if levels else None
    return out


def _invitations(conn: Connection, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    from sqlalchemy import String, and_, cast, literal, select

    from expressentry.pool.schema import itas, profile_states, rounds

    s = profile_states.c
    reason = literal("invited: round ", String) + cast(itas.c.round_id, String)
    rows = conn.execute(
        select(
            itas.c.round_id,
            itas.c.program,
            itas.c.crs,
            itas.c.status,
            itas.c.issued_at,
            rounds.c.round_type,
            rounds.c.category,
            s.document,
        )
        .join(rounds, rounds.c.round_id == itas.c.round_id)
        .outerjoin(profile_states, and_(s.profile_pk == itas.c.profile_pk, s.reason == reason))
        .where(itas.c.issued_at >= start, itas.c.issued_at < end)
        .order_by(itas.c.round_id, itas.c.rank)
    ).all()
    out = []
    for r in rows:
        issued = _as_utc(r.issued_at)
        assert issued is not None
        out.append(
            {
                "round_id": r.round_id,
                "program": r.program,
                "crs": r.crs,
                "status": r.status,
                "round_type": r.round_type,
                "category": r.category,
                **_invitee(r.document, issued.date()),
            }
        )
    return out


def _days(a: dt.datetime | None, b: dt.datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return (_as_utc(b) - _as_utc(a)).total_seconds() / 86400  # type: ignore[operator]


def _percentile(values: list[float], q: float) -> float | None:
    """The smallest value with at least ``q`` of the values at or below it."""
    if not values:
        return None
    import math

    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


def _applications(conn: Connection, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    from sqlalchemy import or_, select

    from expressentry.pool.schema import applications, itas

    a = applications.c
    rows = conn.execute(
        select(a.submitted_at, a.decided_at, a.status, a.decision, itas.c.issued_at)
        .join(itas, itas.c.pk == a.ita_pk)
        .where(
            or_(
                (a.submitted_at >= start) & (a.submitted_at < end),
                (a.decided_at >= start) & (a.decided_at < end),
            )
        )
    ).all()

    def within(value: dt.datetime | None) -> bool:
        v = _as_utc(value)
        return v is not None and start <= v < end

    received = [r for r in rows if within(r.submitted_at)]
    decided = [r for r in rows if within(r.decided_at)]
    times = [d for r in decided if (d := _days(r.submitted_at, r.decided_at)) is not None]
    to_apply = [d for r in received if (d := _days(r.issued_at, r.submitted_at)) is not None]
    outcomes = Counter(r.status for r in decided)
    refusals: Counter[str] = Counter()
    for r in decided:
        if r.status != "refused" or not r.decision:
            continue
        checks = json.loads(r.decision).get("checks", {})
        for name in CHECKS:
            check = checks.get(name) or {}
            met = check.get("admissible") if name == "admissibility" else check.get("met")
            if met is False:
                refusals[name] += 1

    def rounded(v: float | None) -> float | None:
        return round(v, 1) if v is not None else None

    return {
        "received": len(received),
        "received_pending": sum(1 for r in received if r.status == "submitted"),
        "decided": len(decided),
        "outcomes": {k: outcomes.get(k, 0) for k in ("approved", "refused")},
        "processing_days": {
            "median": rounded(statistics.median(times)) if times else None,
            "mean": rounded(statistics.fmean(times)) if times else None,
            "p80": rounded(_percentile(times, 0.8)),
            "max": rounded(max(times)) if times else None,
        },
        "ita_to_application_days_median": rounded(statistics.median(to_apply))
        if to_apply
        else None,
        "refusals_by_check": {k: refusals.get(k, 0) for k in CHECKS},
    }


# --- building the report -------------------------------------------------------------------------


def _count_table(
    id: str,
    title: str,
    label: str,
    counts: list[tuple[str, int]],
    total: int,
    s: Strings,
    note: str | None = None,
    extra: tuple[str, str] | None = None,
    extras: list[str] | None = None,
) -> Any:
    columns = [("label", label, "text")]
    if extra:
        columns.insert(0, (extra[0], extra[1], "text"))
    columns += [("count", s("common.count"), "int"), ("share", s("col.share"), "share")]
    rows = []
    for i, (key, n) in enumerate(counts):
        row = {"label": key, "count": n, "share": share(n, total)}
        if extra and extras is not None:
            row[extra[0]] = extras[i]
        rows.append(row)
    return table(
        id,
        title,
        columns,
        rows,
        s,
        total={"label": s("common.total"), "count": total, "share": 1.0 if total else None},
        note=note,
    )


def _band_rows(dist: dict[str, int]) -> list[tuple[str, int]]:
    return [(b, dist.get(b, 0)) for b in BROAD_BANDS]


def _breakdowns(invited: list[dict[str, Any]], s: Strings, book: CategoryBook) -> dict[str, Any]:
    from expressentry.profile.model import EDUCATION_ORDER
    from expressentry.rules import noc

    n = len(invited)
    by_program = Counter(i["program"] for i in invited)
    by_round: Counter[str] = Counter()
    for i in invited:
        by_round[i["category"] if i["round_type"] == "category" else i["round_type"]] += 1
    nocs = Counter(i["noc"] for i in invited if i["noc"])
    top = nocs.most_common(TOP_OCCUPATIONS)
    teers = Counter(i["teer"] for i in invited)
    education = Counter(i["education"] for i in invited)
    language: Counter[str] = Counter()
    for i in invited:
        level = i["language"]
        if level is None:
            language["none"] += 1
        elif level < LANGUAGE_LOW:
            language[f"<{LANGUAGE_LOW}"] += 1
        elif level >= LANGUAGE_HIGH:
            language[f"{LANGUAGE_HIGH}+"] += 1
        else:
            language[str(level)] += 1
    countries = Counter(i["country"] or "?" for i in invited)
    top_countries = countries.most_common(TOP_COUNTRIES)
    return {
        "count": n,
        "by_program": {p: by_program.get(p, 0) for p in ("pnp", "cec", "fsw", "fst")},
        "by_round": dict(
            sorted(by_round.items(), key=lambda kv: (kv[0] not in ("general", "program"), kv[0]))
        ),
        "by_crs": {
            b: c for b, c in _band_rows(distribution(Counter(i["crs"] for i in invited).items()))
        },
        "by_noc": [
            {
                "noc": code,
                "title": (noc.lookup(code).title if noc.lookup(code) else code),
                "count": c,
            }
            for code, c in top
        ],
        "by_noc_other": n - sum(c for _, c in top),
        "by_teer": {str(t): teers.get(t, 0) for t in range(6) if teers.get(t)},
        "by_teer_unknown": teers.get(None, 0),
        "by_education": {
            level: education[level] for level in EDUCATION_ORDER if education.get(level)
        },
        "by_education_unknown": education.get(None, 0),
        "by_language": dict(language),
        "by_country": dict(top_countries),
        "by_country_other": n - sum(c for _, c in top_countries),
    }


def _language_rows(by_language: dict[str, int], s: Strings) -> list[tuple[str, int]]:
    rows = []
    if by_language.get(f"<{LANGUAGE_LOW}"):
        rows.append((s("language.level.low", level=LANGUAGE_LOW), by_language[f"<{LANGUAGE_LOW}"]))
    for level in range(LANGUAGE_LOW, LANGUAGE_HIGH):
        if by_language.get(str(level)):
            rows.append((s("language.level", level=level), by_language[str(level)]))
    if by_language.get(f"{LANGUAGE_HIGH}+"):
        rows.append(
            (s("language.level.top", level=LANGUAGE_HIGH), by_language[f"{LANGUAGE_HIGH}+"])
        )
    if by_language.get("none"):
        rows.append((s("language.none"), by_language["none"]))
    return rows


def _round_label(key: str, s: Strings, book: CategoryBook) -> str:
    if key in ("general", "program"):
        return s.round_type(key)
    return f"{s.round_type('category')}: {category_name(key, book)}"


def build(
    engine: Engine, year: int, s: Strings, book: CategoryBook, generated_at: dt.datetime
) -> Report:
    start, year_end = year_span(year)
    last_day = dt.date(year, 12, 31)
    # a year not over is read up to now: facts of the year to date, and a projection apart
    in_progress = start <= generated_at < year_end
    end = generated_at if in_progress else year_end
    source = SystemSource(engine, book, s)
    with engine.connect() as conn, conn.begin() as trans:
        if in_progress:
            # the pool of the day as `pool stats` counts it: the profiles whose assessment has
            # changed by now are re-assessed, in this transaction, rolled back below
            _reassess_due(engine, conn, end)
        submitted = _submitted(conn, start, end)
        projection = _pool_at(conn, end, last_day) if in_progress else None
        pool = _pool_at(conn, end, end.date()) if in_progress else _pool_at(conn, end, last_day)
        invited = _invitations(conn, start, end)
        apps = _applications(conn, start, end)
        trans.rollback()
    records = source.records(year)
    inv = _breakdowns(invited, s, book)
    itas_status = Counter(i["status"] for i in invited)
    data = {
        "period": {"start": start.date().isoformat(), "end": last_day.isoformat()},
        "as_of": end.isoformat().replace("+00:00", "Z"),
        "in_progress": in_progress,
        "submitted": submitted,
        "pool": pool,
        "pool_projection": projection,
        "rounds": [r.document() for r in records],
        "invitations": inv,
        "itas": {k: itas_status.get(k, 0) for k in ITA_STATUSES},
        "applications": apps,
    }
    report = Report(
        kind="year-end",
        title=s("year_end.title", year=year),
        subtitle=s("year_end.subtitle"),
        year=year,
        source="system",
        source_text=source.text(s),
        generated_at=generated_at,
        lang=s.lang,
        sections=[],
        data=data,
    )
    empty = not (
        submitted["count"]
        or submitted["refused"]
        or pool["count"]
        or records
        or invited
        or apps["received"]
        or apps["decided"]
    )
    if empty:
        report.empty = True
        report.empty_message = s("year_end.empty", year=year)
        report.sections.append(
            Section("empty", s("year_end.section.summary")).add(
                Paragraph(s("common.empty", message=report.empty_message))
            )
        )
        return report
    day = s.date(end.date() if in_progress else last_day)

    # the year at a glance
    glance = Section("summary", s("year_end.section.summary"))
    if in_progress:
        glance.add(
            Paragraph(
                s(
                    "year_end.in_progress",
                    year=year,
                    date=day,
                    time=end.strftime("%H:%M"),
                    end=s.date(last_day),
                )
            )
        )
    projected: list[tuple[str, str]] = []
    if projection is not None:
        projected.append(
            (s("year_end.summary.projection", date=s.date(last_day)), s.int(projection["count"]))
        )
    report.sections.append(
        glance.add(
            Facts(
                [
                    (s("year_end.summary.submitted"), s.int(submitted["count"])),
                    (s("year_end.summary.refused"), s.int(submitted["refused"])),
                    (
                        s(
                            "year_end.summary.in_pool_today"
                            if in_progress
                            else "year_end.summary.in_pool",
                            date=day,
                        ),
                        s.int(pool["count"]),
                    ),
                    *projected,
                    (s("year_end.summary.rounds"), s.int(len(records))),
                    (s("year_end.summary.invitations"), s.int(len(invited))),
                    (s("year_end.summary.applications"), s.int(apps["received"])),
                    (s("year_end.summary.decisions"), s.int(apps["decided"])),
                    (s("year_end.summary.approved"), s.int(apps["outcomes"]["approved"])),
                    (s("year_end.summary.refused_apps"), s.int(apps["outcomes"]["refused"])),
                ]
            )
        )
    )

    # profiles submitted
    sub = Section("submitted", s("year_end.section.submitted", year=year))
    if submitted["count"]:
        sub.add(
            _count_table(
                "submitted_crs",
                None,
                s("col.band"),
                _band_rows(submitted["crs_distribution"]),
                submitted["count"],
                s,
                note=s("year_end.section.submitted.note"),
            ),
            table(
                "submitted_programs",
                s("year_end.section.submitted_programs"),
                [
                    ("label", s("col.program"), "text"),
                    ("count", s("common.count"), "int"),
                    ("share", s("col.share"), "share"),
                ],
                (
                    {
                        "label": s("year_end.program.pnp") if p == "pnp" else s.program(p),
                        "count": n,
                        "share": share(n, submitted["count"]),
                    }
                    for p, n in submitted["programs"].items()
                ),
                s,
            ),
        )
    else:
        sub.add(Paragraph(s("year_end.none.submitted", year=year), muted=True))
    report.sections.append(sub)

    # the pool at the end of the year
    pool_section = Section("pool", s("year_end.section.pool", date=day))
    if pool["count"]:
        dist = pool["crs_distribution"]
        pool_section.add(
            Paragraph(
                s(
                    "year_end.section.pool.note_today"
                    if in_progress
                    else "year_end.section.pool.note"
                ),
                muted=True,
            ),
            _count_table("pool_crs", None, s("col.band"), _band_rows(dist), pool["count"], s),
            Chart(
                id="pool_crs",
                title=s("year_end.section.pool", date=day),
                kind="bar",
                categories=list(reversed(BROAD_BANDS)),
                series=[
                    Series(
                        s("common.candidates"),
                        list(reversed(BROAD_BANDS)),
                        [dist.get(b, 0) for b in reversed(BROAD_BANDS)],
                        key="candidates",
                    )
                ],
                x_label=s("col.band"),
                y_label=s("common.candidates"),
                description=s("year_end.section.pool", date=day),
            ),
        )
    else:
        pool_section.add(Paragraph(s("year_end.none.pool", date=day), muted=True))
    report.sections.append(pool_section)

    # category eligibility
    slugs = sorted(set(pool["categories"]) | set(submitted["categories"]))
    elig = Section("eligibility", s("year_end.section.eligibility"))
    elig.add(
        Paragraph(s("year_end.section.eligibility.note"), muted=True),
        table(
            "eligibility",
            None,
            [
                ("label", s("col.category"), "text"),
                ("submitted", s("col.eligible_submitted", year=year), "int"),
                ("submitted_share", s("col.share"), "share"),
                ("pool", s("col.eligible_pool", date=day), "int"),
                ("pool_share", s("col.in_pool_share"), "share"),
            ],
            (
                {
                    "label": category_name(slug, book),
                    "submitted": submitted["categories"].get(slug, 0),
                    "submitted_share": share(
                        submitted["categories"].get(slug, 0), submitted["count"]
                    ),
                    "pool": pool["categories"].get(slug, 0),
                    "pool_share": share(pool["categories"].get(slug, 0), pool["count"]),
                }
                for slug in slugs
            ),
            s,
        ),
    )
    if pool["categories"]:
        names = [category_name(k, book) for k in pool["categories"]]
        elig.add(
            Chart(
                id="eligible_by_category",
                title=s("year_end.chart.eligible", date=day),
                kind="hbar",
                categories=names,
                series=[
                    Series(
                        s("common.candidates"),
                        names,
                        list(pool["categories"].values()),
                        key="candidates",
                    )
                ],
                x_label=s("common.candidates"),
                description=s("year_end.section.eligibility"),
            )
        )
    report.sections.append(elig)

    # rounds
    rounds_section = Section("rounds", s("year_end.section.rounds", year=year))
    if records:
        rounds_section.add(
            table(
                "rounds",
                None,
                [
                    ("number", s("col.number"), "text"),
                    ("held_at", s("col.held_at"), "datetime"),
                    ("name", s("col.round_type"), "text"),
                    ("invitations", s("col.invitations"), "int"),
                    ("crs_cutoff", s("col.crs_cutoff.short"), "int"),
                    ("eligible", s("col.eligible"), "int"),
                ],
                (
                    {
                        "number": r.number,
                        "held_at": r.held_at,
                        "name": r.name,
                        "invitations": r.invitations,
                        "crs_cutoff": r.crs_cutoff,
                        "eligible": r.eligible,
                    }
                    for r in records
                ),
                s,
                compact=True,
            ),
            cutoff_chart("cutoffs", s("rounds.section.cutoffs"), records, s, book),
        )
    else:
        rounds_section.add(Paragraph(s("year_end.none.rounds", year=year), muted=True))
    report.sections.append(rounds_section)

    # invitations
    n = inv["count"]
    inv_section = Section("invitations", s("year_end.section.invitations", year=year))
    report.sections.append(inv_section)
    if not n:
        inv_section.add(Paragraph(s("year_end.none.invitations", year=year), muted=True))
    else:
        inv_section.add(
            _count_table(
                "inv_program",
                s("year_end.inv.program"),
                s("col.program"),
                [(s.program(p), c) for p, c in inv["by_program"].items()],
                n,
                s,
                note=s("categories.section.invited_program.note"),
            ),
            _count_table(
                "inv_round",
                s("year_end.inv.round"),
                s("col.round_type"),
                [(_round_label(k, s, book), c) for k, c in inv["by_round"].items()],
                n,
                s,
            ),
            _count_table(
                "inv_crs",
                s("year_end.inv.crs"),
                s("col.band"),
                list(inv["by_crs"].items()),
                n,
                s,
            ),
        )
        noc_rows = [(o["title"], o["count"]) for o in inv["by_noc"]]
        codes = [o["noc"] for o in inv["by_noc"]]
        if inv["by_noc_other"]:
            noc_rows.append((s("common.other"), inv["by_noc_other"]))
            codes.append("")
        inv_section.add(
            _count_table(
                "inv_noc",
                s("year_end.inv.noc", n=TOP_OCCUPATIONS),
                s("col.title"),
                noc_rows,
                n,
                s,
                note=s("year_end.inv.noc.note"),
                extra=("noc", s("col.noc")),
                extras=codes,
            ),
            _count_table(
                "inv_teer",
                s("year_end.inv.teer"),
                s("col.teer"),
                [(s("teer.label", teer=t), c) for t, c in inv["by_teer"].items()]
                + (
                    [(s("common.unknown"), inv["by_teer_unknown"])]
                    if inv["by_teer_unknown"]
                    else []
                ),
                n,
                s,
            ),
            _count_table(
                "inv_education",
                s("year_end.inv.education"),
                s("col.education"),
                [(s(f"education.{k}"), c) for k, c in inv["by_education"].items()]
                + (
                    [(s("common.unknown"), inv["by_education_unknown"])]
                    if inv["by_education_unknown"]
                    else []
                ),
                n,
                s,
            ),
            _count_table(
                "inv_language",
                s("year_end.inv.language"),
                s("col.language"),
                _language_rows(inv["by_language"], s),
                n,
                s,
            ),
            _count_table(
                "inv_country",
                s("year_end.inv.country"),
                s("col.country"),
                list(inv["by_country"].items())
                + (
                    [(s("common.other"), inv["by_country_other"])]
                    if inv["by_country_other"]
                    else []
                ),
                n,
                s,
                note=s("year_end.inv.country.note"),
            ),
        )
        by_round = inv["by_round"]
        inv_section.add(
            Chart(
                id="invitations_by_round",
                title=s("year_end.inv.round"),
                kind="hbar",
                categories=[_round_label(k, s, book) for k in by_round],
                series=[
                    Series(
                        s("common.invitations"),
                        [_round_label(k, s, book) for k in by_round],
                        list(by_round.values()),
                        key="invitations",
                    )
                ],
                x_label=s("common.invitations"),
                description=s("year_end.inv.round"),
            )
        )
        report.sections.append(
            Section("itas", s("year_end.section.itas", year=year), level=3).add(
                _count_table(
                    "itas",
                    None,
                    s("col.status"),
                    [(s(f"year_end.ita.{k}"), data["itas"][k]) for k in ITA_STATUSES],
                    n,
                    s,
                )
            )
        )

    # applications
    app_section = Section("applications", s("year_end.section.applications"))
    times = apps["processing_days"]
    app_section.add(
        Facts(
            [
                (s("year_end.summary.applications"), s.int(apps["received"])),
                (s("year_end.summary.decisions"), s.int(apps["decided"])),
                (s("year_end.measure.ita_to_app"), s.num(apps["ita_to_application_days_median"])),
            ]
        )
    )
    if apps["decided"]:
        app_section.add(
            _count_table(
                "app_outcomes",
                s("year_end.apps.outcomes", year=year),
                s("col.outcome"),
                [(s(f"year_end.outcome.{k}"), c) for k, c in apps["outcomes"].items()],
                apps["decided"],
                s,
            ),
            table(
                "app_times",
                s("year_end.apps.times"),
                [("label", s("col.measure"), "text"), ("value", s("col.days"), "num")],
                [
                    {"label": s("year_end.measure.median"), "value": times["median"]},
                    {"label": s("year_end.measure.mean"), "value": times["mean"]},
                    {"label": s("year_end.measure.p80"), "value": times["p80"]},
                    {"label": s("year_end.measure.max"), "value": times["max"]},
                ],
                s,
                note=s("year_end.apps.note", year=year),
            ),
        )
        refused = apps["outcomes"]["refused"]
        if refused:
            app_section.add(
                table(
                    "app_refusals",
                    s("year_end.apps.refusals"),
                    [
                        ("label", s("col.check"), "text"),
                        ("count", s("common.count"), "int"),
                        ("share", s("col.share"), "share"),
                    ],
                    (
                        {
                            "label": s(f"year_end.check.{k}"),
                            "count": c,
                            "share": share(c, refused),
                        }
                        for k, c in apps["refusals_by_check"].items()
                    ),
                    s,
                )
            )
    else:
        app_section.add(Paragraph(s("year_end.apps.none", year=year), muted=True))
    report.sections.append(app_section)
    return report
