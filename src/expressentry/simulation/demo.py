"""The demo: the real system at a smaller scale, in the embedded database, up to today.

It covers the twelve months before ``now``:

- **People**: every profile is a distinct synthetic person (``synth``), drawn *without
  replacement* from reservoirs of scored profiles (``pools.reservoir``); a band that runs out is
  refilled from a reservoir of another seed, never by copying a person. The pool at the start
  follows the distribution IRCC published nearest to it, band by band.
- **Arrivals every day**: each day brings new profiles (the pool's yearly turnover spread over
  the days, in the bands published nearest that day), plus the people the rounds draw on: every
  kind of round (provincial nominees, each category) gets a daily flow of people who meet it,
  one and a half times the invitations it issues at the demo's scale, so that rounds find more
  eligible candidates than they invite, as the real ones do. A person keeps their history: their
  dates (birth, tests, studies, work) move with their arrival day.
- **Expiries**: profiles leave the pool 12 months after submission; invitations expire unanswered.
- **Rounds**: IRCC's real rounds of the twelve months (general, program and category), with sizes
  scaled to the pool; after the last published round, the rounds of its last 13 weeks repeat,
  13 weeks later, up to today (the demo's stand-in for rounds not yet published).
- **Answers**: invited candidates apply (80%), decline (10%) or let the invitation lapse, 5 to 50
  days after the round; only answers due by ``now`` are given, so recent invitations are open.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from expressentry.rounds.history import HistoricalRound

#: the demo's window: the year before ``now``
WINDOW = dt.timedelta(days=365)
#: after the last published round, its last 13 weeks repeat (whole weeks keep the weekdays)
CYCLE = dt.timedelta(weeks=13)
#: people who meet a round's criteria arrive at this multiple of its invitations
FLOW = 1.5
#: the share of a round's arrivals who answer by applying, declining (else: no answer)
ANSWERS = (0.8, 0.9)
#: the date fields of a profile document, moved with a person's arrival
DATE_KEYS = (
    "date_of_birth",
    "taken_on",
    "completed_on",
    "issued_on",
    "start",
    "end",
    "nominated_on",
)


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
    start: dt.date | None = None
    end: dt.date | None = None
    #: invitations still open at the end (profile ids)
    outstanding: list[str] = field(default_factory=list)


def demo_database() -> Path:
    """The database the demo is built in by default: the one every command reads."""
    from expressentry.pool.db import default_url

    return Path(default_url().removeprefix("sqlite:///"))


def schedule(now: dt.datetime) -> list[HistoricalRound]:
    """The rounds of the year before ``now``: IRCC's, then its last 13 weeks repeated."""
    from expressentry.rounds.history import load_history

    kinds = ("general", "program", "category")
    real = sorted(
        (r for r in load_history() if r.round_type in kinds and r.held_at < now),
        key=lambda r: r.held_at,
    )
    if not real:
        raise LookupError("history: no rounds before the demo's date")
    start = now - WINDOW
    rounds = [r for r in real if r.held_at >= start]
    last = real[-1].held_at
    cycle = [r for r in real if r.held_at > last - CYCLE]
    shift = CYCLE
    while cycle and last + dt.timedelta(days=1) < now:
        for r in cycle:
            held = r.held_at + shift
            if held >= now - dt.timedelta(hours=2):
                break
            if held >= start:
                rounds.append(
                    dataclasses.replace(
                        r,
                        held_at=held,
                        date=held.date(),
                        tie_break=None,
                        distribution=None,
                        distribution_date=None,
                        notes=(*r.notes, f"demo: repeats round {r.draw_number}"),
                    )
                )
        else:
            shift += CYCLE
            continue
        break
    return sorted(rounds, key=lambda r: r.held_at)


class People:
    """Distinct synthetic people by CRS band, each handed out once."""

    def __init__(self, as_of: dt.date, seed: int, chunk: int = 8_000) -> None:
        from expressentry.simulation.pools import PARTITION

        self.as_of, self.seed, self.chunk = as_of, seed, chunk
        self.free: dict[str, list[dict[str, Any]]] = {label: [] for label, _, _ in PARTITION}
        self.refills = 0
        self.rng = random.Random(seed)
        self.number = 0
        self._refill()

    def _refill(self) -> None:
        from expressentry.simulation.pools import reservoir

        # another seed, other people: the reservoirs of two seeds share no profile
        by_band = reservoir(self.as_of, self.seed * 1000 + self.refills, self.chunk)
        self.refills += 1
        for label, items in by_band.items():
            docs = [json.loads(json.dumps(s.document)) for s in items]
            self.rng.shuffle(docs)
            self.free[label][:0] = docs

    def take(self, band: str) -> dict[str, Any] | None:
        """A person of that band not handed out before (None if no reservoir reaches it)."""
        for _ in range(4):
            if self.free[band]:
                self.number += 1
                doc = self.free[band].pop()
                doc["profile_id"] = f"d-{self.number:06d}"
                return doc
            self._refill()
        return None


def _shift(node: Any, days: int) -> Any:
    """The document with every date moved by ``days`` (a person arriving later)."""
    if isinstance(node, dict):
        return {
            k: (
                (dt.date.fromisoformat(v) + dt.timedelta(days=days)).isoformat()
                if k in DATE_KEYS and isinstance(v, str)
                else _shift(v, days)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_shift(v, days) for v in node]
    return node


def _latest_date(doc: dict[str, Any]) -> dt.date:
    dates = [t["taken_on"] for t in doc.get("language_tests", ())]
    for credential in doc.get("education", ()):
        dates.append(credential["completed_on"])
        if credential.get("eca"):
            dates.append(credential["eca"]["issued_on"])
    nomination = doc.get("provincial_nomination")
    if nomination:
        dates.append(nomination["nominated_on"])
    return max((dt.date.fromisoformat(d) for d in dates), default=dt.date(2015, 1, 1))


def _arrive(doc: dict[str, Any], when: dt.datetime, reservoir_date: dt.date) -> dict[str, Any]:
    """The person submits their profile at ``when``: their dates move with them."""
    doc = _shift(doc, (when.date() - reservoir_date).days)
    floor = _latest_date(doc)
    if when.date() <= floor:
        when = dt.datetime.combine(floor + dt.timedelta(days=1), when.timetz())
    doc["submitted_at"] = when.isoformat().replace("+00:00", "Z")
    return doc


def _meeting(
    doc: dict[str, Any], round_: HistoricalRound, rng: random.Random
) -> dict[str, Any] | None:
    """The person made one who meets ``round_``'s criteria (a nominee, a listed occupation, a
    French test, a job offer...); None if the rules say they still do not."""
    from expressentry.eligibility.assess import assess
    from expressentry.profile.model import ProfileError, parse_profile
    from expressentry.rules.categories import (
        CredentialCriterion,
        JobOfferCriterion,
        LanguageCriterion,
        OccupationExperienceCriterion,
        default_categories,
    )

    day = dt.date.fromisoformat(doc["submitted_at"][:10])
    if round_.program == "pnp":
        doc["provincial_nomination"] = {
            "province": rng.choice(("ON", "BC", "AB", "SK", "MB", "NS", "NB", "PE", "NL")),
            "nominated_on": day.isoformat(),
        }
    elif round_.round_type == "category":
        version = default_categories().version_at(round_.category or "", round_.date)
        for c in version.criteria:
            if isinstance(c, OccupationExperienceCriterion):
                code = rng.choice(c.occupations.occupations).code
                start = day - dt.timedelta(days=rng.randint(400, 1000))
                jobs = [
                    j
                    for j in doc.get("work_history", ())
                    if j.get("end") and j["end"] < start.isoformat()
                ]
                country = "CA" if c.location == "canada" else rng.choice(("CA", "IN", "PH"))
                doc["work_history"] = [
                    {
                        "noc": code,
                        "country": country,
                        "start": start.isoformat(),
                        "end": None,
                        "hours_per_week": 40,
                    },
                    *jobs,
                ]
                if country == "CA":
                    doc["authorized_to_work_in_canada"] = True
            elif isinstance(c, JobOfferCriterion):
                offer_noc = doc["work_history"][0]["noc"] if doc.get("work_history") else "40042"
                doc["job_offer"] = {
                    "noc": offer_noc,
                    "employer": c.employer,
                    "duration_months": max(c.minimum_months, 36),
                }
            elif isinstance(c, CredentialCriterion):
                for credential in doc.get("education", ()):
                    if credential["level"] in ("secondary", "one_year"):
                        credential["level"] = "two_year"
            elif isinstance(c, LanguageCriterion) and c.language == "french":
                taken = day - dt.timedelta(days=rng.randint(20, 300))
                doc["language_tests"] = [
                    t
                    for t in doc["language_tests"]
                    if t["test"] not in ("tef_canada", "tcf_canada")
                ] + [
                    {
                        "test": "tef_canada",
                        "taken_on": max(taken, dt.date(2023, 12, 11)).isoformat(),
                        "listening": 503,
                        "reading": 503,
                        "writing": 512,
                        "speaking": 518,
                    }
                ]
    try:
        profile = parse_profile(json.dumps(doc))
    except ProfileError:
        return None
    result = assess(profile, round_.date).document()
    if not result["express_entry_eligible"]:
        return None
    if round_.program == "pnp":
        return doc
    slug = round_.category or ""
    if round_.round_type == "category" and not result["categories"].get(slug, {}).get("eligible"):
        return None
    return doc


def _scaled(r: HistoricalRound, size: int, real_total: int) -> int:
    return max(1, round(r.invitations * size / real_total))


def _flows(rounds: list[HistoricalRound], size: int, real_total: int) -> dict[str, float]:
    """People per day who meet each kind of round (provincial nominees, each category)."""
    flows: Counter[str] = Counter()
    for r in rounds:
        if r.program == "pnp" or r.round_type == "category":
            flows[_kind(r)] += FLOW * _scaled(r, size, real_total)
    return {kind: total / WINDOW.days for kind, total in flows.items()}


def _kind(r: HistoricalRound) -> str:
    if r.category:
        return f"category: {r.category}"
    return f"program: {r.program}" if r.program else "general"


def run_demo(
    *,
    size: int = 3000,
    seed: int = 1,
    url: str | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoSummary:
    """Build the demo in the database at ``url`` (default: the one every command reads)."""
    from expressentry.pool.db import connect
    from expressentry.pool.service import Pool
    from expressentry.rounds.itas import Invitations
    from expressentry.rounds.service import RoundError, RoundRequest, Rounds
    from expressentry.simulation.pools import band_counts, published

    now = now or dt.datetime.now(dt.UTC)
    rounds_ = schedule(now)
    start = now - WINDOW
    url = url or f"sqlite:///{demo_database()}"
    engine = connect(url)
    pool = Pool(engine)
    rng = random.Random(seed)
    people = People(start.date(), seed)
    target = published(start.date())
    real_total = target.total or size
    summary = DemoSummary(url, now.year, 0, 0, start=start.date(), end=now.date())

    # the pool at the start: profiles submitted in the 330 days before it, band by band
    initial = []
    for band, count in band_counts(target, size).items():
        for _ in range(count):
            doc = people.take(band)
            if doc is None:
                break
            when = start - dt.timedelta(seconds=rng.randint(86400, 330 * 86400))
            initial.append(_arrive(doc, when, start.date()))
    rng.shuffle(initial)
    if progress:
        progress("importing profiles", 0, len(initial))
    summary.profiles += len(initial)
    summary.imported += pool.import_lines(
        [json.dumps(d) for d in initial], as_of=start.date(), workers=1
    ).imported
    if progress:
        progress("importing profiles", len(initial), len(initial))

    base = size / WINDOW.days
    flows = _flows(rounds_, size, real_total)
    examples = {_kind(r): r for r in rounds_ if _kind(r) in flows}
    owed: Counter[str] = Counter()
    rounds = Rounds(pool)
    invitations = Invitations(pool)
    pending: list[tuple[str, dt.datetime, str]] = []
    day = start.date()
    month = None
    for i, r in enumerate([*rounds_, None], start=1):
        until = r.held_at if r is not None else now
        arrivals: list[dict[str, Any]] = []
        while dt.datetime.combine(day, dt.time(), dt.UTC) < until:
            shares = published(day).shares()
            bands, weights = zip(*shares.items(), strict=True)
            owed["general"] += base
            for kind in flows:
                owed[kind] += flows[kind]
            for kind in ("general", *flows):
                while owed[kind] >= 1:
                    owed[kind] -= 1
                    when = dt.datetime.combine(day, dt.time(), dt.UTC) + dt.timedelta(
                        seconds=rng.randint(0, 86399)
                    )
                    if when >= until:
                        when = until - dt.timedelta(seconds=rng.randint(60, 3600))
                    for _ in range(5):  # a few people, until one meets the round
                        doc = people.take(rng.choices(bands, weights)[0])
                        if doc is None:
                            continue
                        doc = _arrive(doc, when, start.date())
                        if kind != "general":
                            doc = _meeting(doc, examples[kind], rng)
                        if doc is not None and doc["submitted_at"] < _iso(until):
                            arrivals.append(doc)
                            break
            day += dt.timedelta(days=1)
        if arrivals:
            summary.profiles += len(arrivals)
            summary.imported += pool.import_lines(
                [json.dumps(d) for d in arrivals],
                as_of=(until - dt.timedelta(seconds=1)).date(),
                workers=1,
            ).imported
        _answer_due(invitations, pending, until, summary)
        invitations.expire_due(until)
        pool.expire_due(until)
        if r is None:
            break
        if month != (r.date.year, r.date.month):  # scores follow birthdays and rules monthly
            month = (r.date.year, r.date.month)
            pool.rescore(r.date, actor="demo system")
        request = RoundRequest(
            at=r.held_at,
            round_type=r.round_type,
            size=_scaled(r, size, real_total),
            program=r.program,
            category=r.category,
        )
        try:
            result = rounds.run(request, actor="demo officer")
        except RoundError as exc:
            summary.rounds.append(
                {"round": r.label, "date": r.date.isoformat(), "skipped": str(exc)}
            )
            continue
        summary.invitations_by_category[_kind(r) if r.round_type != "general" else "general"] += (
            result.invitations
        )
        for invitee in result.invited:
            summary.invitations_by_program[invitee.program] += 1
            roll = rng.random()
            answer = "apply" if roll < ANSWERS[0] else "decline" if roll < ANSWERS[1] else None
            when = r.held_at + dt.timedelta(days=rng.randint(5, 50))
            if answer is not None:
                pending.append((invitee.profile_id, when, answer))
        summary.rounds.append(
            {
                "round": result.round_id,
                "date": r.date.isoformat(),
                "type": r.label,
                "invitations": result.invitations,
                "eligible": result.eligible,
                "lowest_crs": result.lowest_crs,
                "real_invitations": r.invitations,
                "real_lowest_crs": r.crs_cutoff,
                "repeats": next(
                    (
                        n.removeprefix("demo: repeats round ")
                        for n in r.notes
                        if n.startswith("demo:")
                    ),
                    None,
                ),
            }
        )
        if progress:
            progress("rounds of invitations", i, len(rounds_))
    summary.outstanding = [p for p, _, answer in pending if answer != "decide"]
    summary.applications["waiting for a decision"] = sum(1 for *_, a in pending if a == "decide")
    engine.dispose()
    return summary


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _answer_due(
    invitations: object, pending: list, until: dt.datetime, summary: DemoSummary
) -> None:
    """Give the answers and decisions due by ``until``, in time order; an application is
    decided 1 to 20 days after it is made (later, if that is after ``until``)."""
    from expressentry.pool.service import PoolError

    while True:
        due = sorted((p for p in pending if p[1] <= until), key=lambda p: p[1])
        if not due:
            return
        for item in due:
            pending.remove(item)
            subject, when, answer = item
            try:
                if answer == "decline":
                    invitations.decline(subject, at=when, actor="demo candidate")  # type: ignore[attr-defined]
                    summary.applications["declined"] += 1
                elif answer == "apply":
                    pk = invitations.apply(subject, at=when, actor="demo candidate")  # type: ignore[attr-defined]
                    decided = when + dt.timedelta(days=rng_days(subject))
                    pending.append((pk, decided, "decide"))
                else:
                    decision = invitations.decide(  # type: ignore[attr-defined]
                        subject, admissible=True, at=when, actor="demo officer"
                    )
                    summary.applications[decision.outcome] += 1
            except PoolError:
                summary.applications["not answered in time"] += 1


def rng_days(profile_id: str) -> int:
    """Days from an application to its decision: 1 to 20, fixed per profile."""
    return 1 + sum(map(ord, profile_id)) % 20
