"""Synthetic pools whose CRS distribution matches a published one, band by band.

IRCC publishes, with each round, the number of candidates in the pool per CRS band. A synthetic
pool for a date takes the distribution published nearest to it and fills every band with that
band's share of synthetic profiles:

1. a *reservoir* of distinct synthetic profiles (``synth.profiles``) is generated and scored
   once per seed and date, and sorted into IRCC's bands by its real CRS (the rules of
   ``scoring.crs``; nothing is assumed about scores);
2. each band of the pool is drawn from the reservoir's profiles in that band, as often as the
   band's share asks. A profile drawn more than once gets its own identifier and submission
   time, so the pool is as large as asked while its scores, programs and categories follow the
   reservoir's (that is the limit of its variety, and the reason the reservoir is large).

Bands the reservoir cannot fill (no synthetic profile scores there) are reported, not faked.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from expressentry.rounds.bands import BANDS
from expressentry.simulation import synth

#: IRCC's bands without the subtotal rows: a partition of 0..1200
PARTITION: tuple[tuple[str, int, int], ...] = tuple(
    b for b in BANDS if b[0] not in ("451-500", "401-450")
)


def band_of(crs: int) -> str:
    for label, low, high in PARTITION:
        if low <= crs <= high:
            return label
    raise ValueError(crs)


@dataclass(frozen=True)
class Distribution:
    """A published pool distribution: candidates per band (a partition) on a date."""

    date: dt.date
    counts: dict[str, int]
    source: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def shares(self) -> dict[str, float]:
        total = self.total or 1
        return {label: self.counts.get(label, 0) / total for label, _, _ in PARTITION}


def published(on: dt.date) -> Distribution:
    """The distribution IRCC published nearest to ``on`` (the real rounds history)."""
    from expressentry.rounds.history import load_history

    with_distribution = [
        r for r in load_history() if r.distribution and r.distribution_date is not None
    ]
    if not with_distribution:
        raise LookupError("the rounds history has no published distribution")
    nearest = min(
        with_distribution,
        key=lambda r: (abs((r.distribution_date - on).days), r.number),  # type: ignore[operator]
    )
    assert nearest.distribution is not None and nearest.distribution_date is not None
    counts = {label: nearest.distribution.get(label, 0) for label, _, _ in PARTITION}
    return Distribution(
        nearest.distribution_date, counts, f"round {nearest.draw_number} ({nearest.date})"
    )


@dataclass(frozen=True)
class Scored:
    document: dict
    crs: int


@lru_cache(maxsize=4)
def reservoir(as_of: dt.date, seed: int, size: int = 20_000) -> dict[str, tuple[Scored, ...]]:
    """Distinct synthetic profiles scored as of ``as_of``, by band: only profiles that meet a
    program's minimum criteria, since the published distribution is of the pool."""
    from expressentry.eligibility.programs import eligible_programs
    from expressentry.profile.facts import derive
    from expressentry.profile.model import parse_profile
    from expressentry.scoring.crs import score_facts

    out: dict[str, list[Scored]] = {label: [] for label, _, _ in PARTITION}
    rng = random.Random(seed * 7919 + 1)
    for number, doc in enumerate(synth.profiles(size, as_of, seed), start=1):
        # a share of nominees fills the 601+ band, where only nominated candidates score
        if rng.random() < 0.02 and not doc.get("provincial_nomination"):
            doc["provincial_nomination"] = {
                "province": "ON",
                "nominated_on": doc["submitted_at"][:10],
            }
        doc["profile_id"] = f"r-{number:07d}"
        profile = parse_profile(doc)
        facts = derive(profile, as_of)
        if not any(eligible_programs(profile, facts)):
            continue
        crs = score_facts(facts).total
        out[band_of(crs)].append(Scored(doc, crs))
    return {label: tuple(items) for label, items in out.items()}


def band_counts(target: Distribution, size: int) -> dict[str, int]:
    """How many profiles each band gets in a pool of ``size`` (largest remainders)."""
    shares = target.shares()
    exact = {label: shares[label] * size for label in shares}
    counts = {label: int(value) for label, value in exact.items()}
    short = size - sum(counts.values())
    for label in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[:short]:
        counts[label] += 1
    return counts


@dataclass
class SynthReport:
    size: int
    target: Distribution
    counts: dict[str, int]
    unfilled: dict[str, int]


def pool_documents(
    size: int,
    as_of: dt.date,
    seed: int = 1,
    target: Distribution | None = None,
    reservoir_size: int = 20_000,
    report: SynthReport | None = None,
    draw_seed: int | None = None,
    reservoir_date: dt.date | None = None,
    weights: Sequence[float] | None = None,
) -> Iterator[dict]:
    """``size`` profile documents whose CRS bands follow ``target`` (default: published nearest
    to ``as_of``), submitted within the year before ``as_of``. Reproducible for a seed.

    ``weights``: a draw weight per reservoir profile, in the order of ``reservoir_order`` (the
    pool model's density and calibrated shares: ``synth_weights``); default: even in a band."""
    target = target or published(as_of)
    counts = band_counts(target, size)
    # one reservoir serves many draws (e.g. weekly arrivals): pass its date and a draw seed
    pools = reservoir(reservoir_date or as_of, seed, reservoir_size)
    rng = random.Random(seed if draw_seed is None else draw_seed)
    unfilled = {label: n for label, n in counts.items() if n and not pools[label]}
    if report is not None:
        report.size, report.target, report.counts, report.unfilled = size, target, counts, unfilled
    plan: list[str] = [label for label, n in counts.items() if pools[label] for _ in range(n)]
    rng.shuffle(plan)
    start = dt.datetime.combine(as_of, dt.time(12), dt.UTC)
    cumulative: dict[str, list[float]] = {}
    if weights is not None:
        position = 0
        for label, _, _ in PARTITION:
            band = [max(0.0, float(w)) for w in weights[position : position + len(pools[label])]]
            position += len(pools[label])
            if sum(band) > 0:
                cumulative[label] = list(itertools.accumulate(band))
    for number, label in enumerate(plan, start=1):
        if label in cumulative:
            base = rng.choices(pools[label], cum_weights=cumulative[label])[0].document
        else:
            base = rng.choice(pools[label]).document
        doc = dict(base)
        doc["profile_id"] = f"s-{seed}-{number:07d}"
        submitted = start - dt.timedelta(seconds=rng.randint(0, 330 * 86400))
        # keep the submission after the tests, ECA and credentials the profile rests on
        floor = _latest_date(base)
        if submitted.date() < floor:
            submitted = dt.datetime.combine(floor, dt.time(12), dt.UTC) + dt.timedelta(
                seconds=rng.randint(0, 86399)
            )
        doc["submitted_at"] = submitted.isoformat().replace("+00:00", "Z")
        yield doc


def _latest_date(doc: dict) -> dt.date:
    dates = [t["taken_on"] for t in doc.get("language_tests", ())]
    nomination = doc.get("provincial_nomination")
    if nomination:
        dates.append(nomination["nominated_on"])
    return max((dt.date.fromisoformat(d) for d in dates), default=dt.date(2015, 1, 1))


def pool_jsonl(size: int, as_of: dt.date, seed: int = 1, **kwargs: object) -> Iterator[str]:
    for doc in pool_documents(size, as_of, seed, **kwargs):  # type: ignore[arg-type]
        yield json.dumps(doc, separators=(",", ":"))


def distribution_of(scores: Sequence[int]) -> dict[str, int]:
    out = {label: 0 for label, _, _ in PARTITION}
    for crs in scores:
        out[band_of(crs)] += 1
    return out


def synth_weights(
    as_of: dt.date, seed: int = 1, reservoir_size: int = 20_000, report: dict | None = None
) -> list[float] | None:
    """Draw weights for ``pool_documents`` from the pool model: scores inside each band from
    its density on ``as_of``, and the shares of CEC and of each category's candidates those of
    the rounds of the 12 months before (``simulation.calibrate``). None before the first
    published distribution."""
    import numpy as np

    from expressentry.rounds.history import load_history
    from expressentry.simulation.simulate import _calibrated_weights, build_reservoir, category_key

    history = load_history()
    recent = [
        r
        for r in history
        if as_of - dt.timedelta(days=365) <= r.date < as_of and r.round_type != "general"
    ]
    if not recent:
        return None
    category_dates: dict[str, dt.date] = {}
    for r in recent:
        if r.round_type == "category":
            try:
                category_dates.setdefault(category_key(r), r.date)
            except LookupError:
                continue
    res = build_reservoir(as_of, seed, reservoir_size, category_dates)
    first, _ = _calibrated_weights(res, recent, as_of, published(as_of), report)
    if first is None:
        return None
    return [float(w) for w in np.asarray(first)]
