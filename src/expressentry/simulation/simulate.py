"""Replaying a schedule of rounds against a synthetic pool that evolves, week by week.

The pool starts as a synthetic pool matched to the distribution IRCC published nearest to the
first round (``simulation.pools``). Each week new profiles arrive (as many per band as the pool
model's flow into it: ``simulation.calibrate``; with ``calibrated=False``, a year's turnover
spread over 52 weeks in the bands of the distribution published nearest that week; each
category's candidates among them at its share per band, ``simulation.category_flow``), profiles
more than 12 months old expire, and each round invites the eligible candidates with the highest CRS (ties by
submission time) — who then leave the pool. Each round's simulated cutoff is reported next to the
real one.

The pool is held as numpy columns (CRS, submission time, program flags, nomination, a flag per
category version); every profile's values come from the single-profile rules, computed once for
the distinct profiles of the reservoir.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from expressentry.rounds.history import HistoricalRound
from expressentry.simulation.pools import PARTITION, band_counts, band_of, published

PROGRAM_BITS = {"fsw": 1, "cec": 2, "fst": 4}
#: what the calibrated replay adjusts (``simulation.calibrate``)
CALIBRATE_CEC = True
DENSITY_WEIGHTS = True
#: arrivals each week in the pool model's flow per band (else: the published stock's shares)
FLOW_ARRIVALS = True
#: each category's share of the stock and of the arrivals per band, fitted on its rounds
#: (``simulation.category_flow``); else one share at or above its median cutoff
CATEGORY_FLOW = True
WEEK = dt.timedelta(days=7)


@dataclass
class Reservoir:
    """Distinct synthetic profiles with everything a round needs to know about them."""

    crs: np.ndarray  # int16
    programs: np.ndarray  # int8 bit mask
    nominated: np.ndarray  # bool
    bands: dict[str, np.ndarray]  # band label -> indices into the reservoir
    categories: dict[str, np.ndarray] = field(default_factory=dict)  # "slug:year" -> bool


def build_reservoir(
    as_of: dt.date,
    seed: int,
    size: int,
    category_dates: dict[str, dt.date],
    progress: Callable[[int, int], None] | None = None,
) -> Reservoir:
    """Score and assess the reservoir's profiles (programs and every category version named in
    ``category_dates``, each as of a date inside its period)."""
    from expressentry.eligibility.categories import context, meets
    from expressentry.eligibility.programs import eligible_programs
    from expressentry.profile.facts import derive
    from expressentry.profile.model import parse_profile
    from expressentry.rules.categories import default_categories
    from expressentry.rules.tables import default_rulebook
    from expressentry.scoring.crs import score_facts
    from expressentry.simulation.pools import reservoir

    book = default_categories()
    rulebook = default_rulebook()
    by_band = reservoir(as_of, seed, size)
    docs = [s.document for label, _, _ in PARTITION for s in by_band[label]]
    n = len(docs)
    crs = np.zeros(n, dtype=np.int16)
    programs = np.zeros(n, dtype=np.int8)
    nominated = np.zeros(n, dtype=bool)
    flags = {key: np.zeros(n, dtype=bool) for key in category_dates}
    versions = {key: book.version_at(key.split(":")[0], on) for key, on in category_dates.items()}
    eca_years = rulebook["programs.eca_validity"].at(as_of)["years"]
    for i, doc in enumerate(docs):
        profile = parse_profile(doc)
        facts = derive(profile, as_of)
        crs[i] = score_facts(facts).total
        fsw, cec, fst = eligible_programs(profile, facts)
        met = {"fsw": fsw, "cec": cec, "fst": fst}
        programs[i] = sum(bit for name, bit in PROGRAM_BITS.items() if met[name])
        nominated[i] = facts.provincial_nomination
        for key, on in category_dates.items():
            on_facts = facts if on == as_of else derive(profile, on)
            ctx = context(profile, on, on_facts.principal, eca_years, explain=False)
            flags[key][i] = meets(versions[key], ctx)
        if progress is not None and i % 500 == 0:
            progress(i, n)
    if progress is not None:  # the reservoir holds the profiles that met a program: n of them
        progress(n, n)
    bands: dict[str, list[int]] = {label: [] for label, _, _ in PARTITION}
    for i, value in enumerate(crs):
        bands[band_of(int(value))].append(i)
    return Reservoir(
        crs, programs, nominated, {k: np.array(v, dtype=np.int64) for k, v in bands.items()}, flags
    )


@dataclass
class SimulatedRound:
    round: HistoricalRound
    size: int
    simulated_cutoff: int | None
    eligible: int
    pool_size: int

    @property
    def real_band(self) -> str:
        return band_of(self.round.crs_cutoff)

    @property
    def simulated_band(self) -> str | None:
        return band_of(self.simulated_cutoff) if self.simulated_cutoff is not None else None

    @property
    def same_band(self) -> bool:
        return self.simulated_band == self.real_band

    def document(self) -> dict[str, object]:
        return {
            "draw_number": self.round.draw_number,
            "date": self.round.date.isoformat(),
            "round": self.round.label,
            "invitations": self.size,
            "real_cutoff": self.round.crs_cutoff,
            "simulated_cutoff": self.simulated_cutoff,
            "real_band": self.real_band,
            "simulated_band": self.simulated_band,
            "same_band": self.same_band,
            "eligible": self.eligible,
            "pool_size": self.pool_size,
        }


class Pool:
    """The simulated pool: reservoir indices with their own submission times."""

    def __init__(
        self,
        reservoir: Reservoir,
        rng: np.random.Generator,
        weights: np.ndarray | None = None,
        arrival_weights: np.ndarray | None = None,
    ) -> None:
        self.r = reservoir
        self.rng = rng
        #: draw weights of the reservoir's profiles (``simulation.calibrate``): for the first
        #: pool, and for the arrivals; None draws evenly inside each band
        self.weights = weights
        self.arrival_weights = arrival_weights if arrival_weights is not None else weights
        self.index = np.zeros(0, dtype=np.int64)
        self.submitted = np.zeros(0, dtype=np.int64)  # seconds since the epoch
        self.active = np.zeros(0, dtype=bool)

    def add(
        self,
        counts: dict[str, int],
        start: dt.datetime,
        span: dt.timedelta,
        weights: np.ndarray | None = None,
    ) -> None:
        parts, times = [], []
        for label, n in counts.items():
            choices = self.r.bands[label]
            if n <= 0 or len(choices) == 0:
                continue
            p = None
            if weights is not None:
                w = weights[choices]
                p = w / w.sum() if w.sum() > 0 else None
            parts.append(self.rng.choice(choices, size=n, p=p))
            offset = self.rng.integers(0, max(int(span.total_seconds()), 1), size=n)
            times.append(int(start.timestamp()) + offset)
        if not parts:
            return
        self.index = np.concatenate([self.index, *parts])
        self.submitted = np.concatenate([self.submitted, *times])
        self.active = np.concatenate([self.active, np.ones(sum(len(p) for p in parts), dtype=bool)])

    def expire(self, now: dt.datetime) -> None:
        self.active &= self.submitted > int((now - dt.timedelta(days=365)).timestamp())

    def size(self) -> int:
        return int(self.active.sum())

    def invite(self, r: HistoricalRound, size: int) -> tuple[int | None, int]:
        """Invite the top ``size`` eligible candidates; (lowest CRS invited, eligible count)."""
        index = self.index
        mask = self.active & (self.submitted < int(r.held_at.timestamp()))
        if r.round_type == "program":
            if r.program == "pnp":
                mask &= self.r.nominated[index]
            else:
                mask &= (self.r.programs[index] & PROGRAM_BITS[r.program or "fsw"]) != 0
        elif r.round_type == "category":
            flags = self.r.categories.get(category_key(r))
            mask &= flags[index] if flags is not None else False
        eligible = np.flatnonzero(mask)
        if len(eligible) == 0 or size <= 0:
            return None, 0
        crs = self.r.crs[index[eligible]].astype(np.int64)
        order = np.lexsort((self.submitted[eligible], -crs))
        chosen = eligible[order[:size]]
        self.active[chosen] = False
        return int(self.r.crs[index[chosen]].min()), len(eligible)


def category_key(r: HistoricalRound) -> str:
    from expressentry.rules.categories import default_categories

    version = default_categories().version_at(r.category or "", r.date)
    return f"{version.slug}:{version.year}"


def schedule_for(
    year: int, kinds: Sequence[str] = ("general", "program", "category")
) -> list[HistoricalRound]:
    from expressentry.rounds.history import rounds

    return sorted((r for r in rounds(year=year) if r.round_type in kinds), key=lambda r: r.held_at)


def simulate(
    schedule: Sequence[HistoricalRound],
    pool_size: int = 250_000,
    seed: int = 1,
    reservoir_size: int = 20_000,
    progress: Callable[[str, int, int], None] | None = None,
    calibrated: bool = True,
    report: dict | None = None,
) -> list[SimulatedRound]:
    """Replay ``schedule`` (rounds in time order) against an evolving synthetic pool.

    ``calibrated``: the pool is drawn from the pool model (scores inside bands from its density,
    CEC and category shares calibrated on the rounds replayed: ``simulation.calibrate``); else
    evenly from the reservoir inside each band. ``report`` receives the calibration."""
    if not schedule:
        return []
    start = schedule[0].held_at
    category_dates: dict[str, dt.date] = {}
    for r in schedule:
        if r.round_type == "category":
            try:
                key = category_key(r)
            except LookupError:
                continue
            category_dates.setdefault(key, r.date)

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress("assessing profiles", done, total)

    reservoir = build_reservoir(start.date(), seed, reservoir_size, category_dates, step)
    rng = np.random.default_rng(seed)
    first = published(start.date())
    weights = arrivals = None
    if calibrated:
        weights, arrivals = _calibrated_weights(
            reservoir, schedule, start.date(), first, report, pool_size
        )
    pool = Pool(reservoir, rng, weights, arrivals)
    pool.add(
        band_counts(first, pool_size),
        start - dt.timedelta(days=330),
        dt.timedelta(days=330),
        pool.weights,
    )
    weekly = max(pool_size // 52, 1)
    now = start
    out = []
    for i, r in enumerate(schedule, start=1):
        while now + WEEK <= r.held_at:
            counts = _weekly(now.date(), pool_size / (first.total or pool_size), rng)
            if not calibrated or not FLOW_ARRIVALS or counts is None:
                counts = band_counts(published(now.date()), weekly)
            pool.add(counts, now, WEEK, pool.arrival_weights)
            now += WEEK
            pool.expire(now)
        real_total = first.total or pool_size
        size = max(1, round(r.invitations * pool_size / real_total))
        cutoff, eligible = pool.invite(r, size)
        out.append(SimulatedRound(r, size, cutoff, eligible, pool.size()))
        if progress is not None:
            progress("rounds", i, len(schedule))
    return out


def _calibrated_weights(
    reservoir: Reservoir,
    schedule: Sequence[HistoricalRound],
    on: dt.date,
    first: object,
    report: dict | None,
    pool_size: int = 250_000,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Draw weights for the first pool (the model's density) and for arrivals (its arrival
    shape), with CEC and category factors calibrated on the schedule's rounds."""
    from expressentry.rounds.history import load_history
    from expressentry.simulation.calibrate import (
        arrival_density,
        calibrate,
        density_weights,
        invited_shares,
        model_density,
    )
    from expressentry.simulation.category_flow import calibrate_by_band

    history = load_history()
    density = model_density(history, on)
    shape = arrival_density(history, on)
    if density is None or shape is None:
        return None, None
    crs = reservoir.crs.astype(np.int64)
    # one factor per category (its instruction versions' criteria overlap: French is NCLC 7 in
    # every version), from the flags of the versions the schedule holds
    flags: dict[str, np.ndarray] = {}
    for key, value in reservoir.categories.items():
        slug = key.split(":")[0]
        flags[slug] = flags[slug] | value if slug in flags else value.copy()
    if CALIBRATE_CEC:
        flags["cec"] = (reservoir.programs & PROGRAM_BITS["cec"]) != 0

    def key_of(r: HistoricalRound) -> str | None:
        if r.round_type == "program" and r.program == "cec":
            return "cec"
        if r.round_type == "category":
            return r.category if r.category in flags else None
        return None

    # the 601-1200 band keeps the generator's mix: it is the nominees' (PNP rounds draw on it)
    below = crs <= 600
    flags = {key: value & below for key, value in flags.items()}
    targets, cutoffs = invited_shares(history, schedule, key_of)
    flows = _category_flows(history, schedule, flags, on) if CATEGORY_FLOW else {}
    counts = dict(first.counts)  # type: ignore[attr-defined]
    first_base = density_weights(crs, density) if DENSITY_WEIGHTS else np.ones(len(crs))
    start = calibrate(crs, flags, first_base, counts, _without(targets, flows), cutoffs)
    if flows:
        start.value, reached = calibrate_by_band(
            crs, flags, start.value, {k: f.stock_share for k, f in flows.items()}, keep=("cec",)
        )
        _shares_above(start, crs, flags, counts, cutoffs, flows)
        if report is not None:
            report["categories"] = {k: f.document() for k, f in flows.items()}
            report["first_pool_by_band"] = _rounded(reached)
    if report is not None:
        report["first_pool"] = start.document()
    # arrivals: as many of each key's candidates arrive above its cutoff as its rounds invite
    # (the rounds of a category would otherwise empty it: the stock share is not the flow's)
    base = (
        density_weights(crs, shape * np.maximum(density, 0).sum() / max(shape.sum(), 1e-9))
        if DENSITY_WEIGHTS
        else np.ones(len(crs))
    )
    from expressentry.simulation.calibrate import weekly_arrivals

    weeks = max(1.0, (schedule[-1].date - schedule[0].date).days / 7)
    total = sum(counts.values()) or 1
    scale = pool_size / total
    # a week's arrivals per band: the model's flow, or the published stock's shares
    flow_bands = weekly_arrivals(history, on, scale) if FLOW_ARRIVALS else None
    if flow_bands is None:
        flow_bands = {label: pool_size / 52 * n / total for label, n in counts.items()}
    flow: dict[str, float] = {}
    for key, cutoff in cutoffs.items():
        invited = sum(r.invitations for r in schedule if key_of(r) == key) * scale
        arriving_above = sum(n for (_label, lo, _hi), n in _bands(flow_bands) if lo >= cutoff)
        arriving_above += sum(
            n * (hi - cutoff + 1) / (hi - lo + 1)
            for (_label, lo, hi), n in _bands(flow_bands)
            if lo < cutoff <= hi
        )
        if arriving_above > 0:
            flow[key] = min(0.95, max(targets.get(key, 0.0), invited / weeks / arriving_above))
    arrival = calibrate(crs, flags, base, counts, _without(flow, flows), cutoffs)
    arriving = arrival.value
    if flows:
        arrival.value, reached = calibrate_by_band(
            crs, flags, arriving, {k: f.arrival_share for k, f in flows.items()}, keep=("cec",)
        )
        arriving = arrival.value
        _shares_above(arrival, crs, flags, counts, cutoffs, flows)
        if report is not None:
            report["arrival_by_band"] = _rounded(reached)
    if report is not None:
        report["arrival"] = arrival.document()
    return start.value, arriving


def _category_flows(
    history: Sequence[HistoricalRound],
    schedule: Sequence[HistoricalRound],
    flags: dict[str, np.ndarray],
    on: dt.date,
) -> dict[str, Any]:
    """Each category's fitted shares per band (``simulation.category_flow``), for the
    categories whose candidates the reservoir flags."""
    from expressentry.simulation.category_flow import fit

    out = {}
    for slug in sorted({r.category for r in schedule if r.round_type == "category"}):
        if slug is None or slug not in flags:
            continue
        own = [r for r in schedule if r.round_type == "category" and r.category == slug]
        flow = fit(history, own, slug, on)
        if flow is not None:
            out[slug] = flow
    return out


def _shares_above(
    weights: Any,
    crs: np.ndarray,
    flags: dict[str, np.ndarray],
    counts: dict[str, int],
    cutoffs: dict[str, int],
    flows: dict[str, Any],
) -> None:
    """Record, for each fitted category, its share of the weighted pool at or above its
    rounds' median cutoff (what the calibration reports for every key)."""
    from expressentry.simulation.calibrate import band_normalized

    pool = band_normalized(crs, weights.value, counts)
    for key in flows:
        above = crs >= cutoffs.get(key, 0)
        total = pool[above].sum()
        weights.reached[key] = float(pool[above & flags[key]].sum() / total) if total else 0.0


def _without(targets: dict[str, float], flows: dict[str, Any]) -> dict[str, float]:
    return {k: v for k, v in targets.items() if k not in flows}


def _rounded(reached: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {k: {b: round(v, 4) for b, v in by.items()} for k, by in reached.items()}


def _weekly(on: dt.date, scale: float, rng: np.random.Generator) -> dict[str, int] | None:
    """A week's arrivals per band from the pool model's flow (rounded at random, so that
    small bands get their share over the weeks)."""
    from expressentry.rounds.history import load_history
    from expressentry.simulation.calibrate import weekly_arrivals

    expected = weekly_arrivals(load_history(), on, scale)
    if expected is None:
        return None
    return {
        label: int(np.floor(n)) + int(rng.random() < n - np.floor(n))
        for label, n in expected.items()
    }


def kind_of_round(r: HistoricalRound) -> str:
    """general, cec, fsw, fst, pnp or category: the kinds a replay is reported by."""
    if r.round_type == "program":
        return r.program or "program"
    return r.round_type


def summary_by_kind(results: Sequence[SimulatedRound]) -> dict[str, dict[str, object]]:
    """``summary`` per kind of round."""
    groups: dict[str, list[SimulatedRound]] = {}
    for s in results:
        groups.setdefault(kind_of_round(s.round), []).append(s)
    return {kind: summary(items) for kind, items in sorted(groups.items())}


def _bands(counts: dict[str, Any]) -> list[tuple[tuple[str, int, int], Any]]:
    return [((label, lo, hi), counts.get(label, 0)) for label, lo, hi in PARTITION]


def summary(results: Sequence[SimulatedRound]) -> dict[str, object]:
    compared = [s for s in results if s.simulated_cutoff is not None]
    errors = [abs(s.simulated_cutoff - s.round.crs_cutoff) for s in compared]  # type: ignore[operator]
    return {
        "rounds": len(results),
        "compared": len(compared),
        "same_band": sum(s.same_band for s in compared),
        "mean_absolute_error": round(sum(errors) / len(errors), 1) if errors else None,
    }


@dataclass(frozen=True)
class GeneralRoundCheck:
    round: HistoricalRound
    simulated_cutoff: int
    predicted_cutoff: int

    @property
    def same_band(self) -> bool:
        return band_of(self.simulated_cutoff) == band_of(self.round.crs_cutoff)

    @property
    def predicted_same_band(self) -> bool:
        return band_of(self.predicted_cutoff) == band_of(self.round.crs_cutoff)


def check_general_rounds(
    since: dt.date = dt.date(2022, 1, 1), seed: int = 1, reservoir_size: int = 20_000
) -> list[GeneralRoundCheck]:
    """Replay every real general round since ``since`` that has a published distribution,
    against a synthetic pool of the same size synthesized to that round's distribution; and
    predict its cutoff from the distribution alone."""
    from expressentry.rounds.history import rounds
    from expressentry.simulation.pools import Distribution, reservoir
    from expressentry.simulation.predict import predict_cutoff

    chosen = [
        r
        for r in rounds(round_type="general")
        if r.date >= since and r.distribution and r.distribution_date is not None
    ]
    rng = np.random.default_rng(seed)
    out = []
    by_band = reservoir(since, seed, reservoir_size)
    scores = {
        label: np.array([s.crs for s in items], dtype=np.int64) for label, items in by_band.items()
    }
    for r in chosen:
        assert r.distribution is not None and r.distribution_date is not None
        counts = {label: r.distribution.get(label, 0) for label, _, _ in PARTITION}
        target = Distribution(r.distribution_date, counts, f"round {r.draw_number}")
        parts = [
            rng.choice(scores[label], size=n)
            for label, n in band_counts(target, target.total).items()
            if n and len(scores[label])
        ]
        pool = np.sort(np.concatenate(parts))[::-1]
        simulated = int(pool[min(r.invitations, len(pool)) - 1])
        predicted = predict_cutoff(counts, r.invitations)[0]
        out.append(GeneralRoundCheck(r, simulated, predicted))
    return out
