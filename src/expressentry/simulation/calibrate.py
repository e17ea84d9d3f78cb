"""Synthetic pools drawn from the pool model: scores inside each band from the model's
density, and the shares of CEC candidates and of each category's candidates calibrated on
what the real rounds invited.

A reservoir holds distinct synthetic profiles, each with its real CRS, programs, nomination and
categories. A pool draws from it band by band in the published counts; here each profile is
drawn with a *weight*:

- inside a band, in proportion to the pool model's density at its score over the reservoir's
  count at that score (so the scores inside a band follow the model, not the generator);
- times a factor for each category it meets and for CEC, chosen so that among the weighted
  pool at or above a round's cutoff the share eligible for the round is the share the pool
  model says the real rounds invited (N_j / G_j(c_j), the model's count at or above the
  cutoff; the median over the calibrated rounds), and among the arrivals the share that keeps
  up with what the rounds invite each week (a category's rounds would otherwise empty it: the
  stock's share is not the flow's). French speakers at NCLC 7 are calibrated as the
  French-language category; the 601-1200 band keeps the generator's own mix of nominees.
  A category with rounds to fit on gets a share per band instead, of the stock and of the
  arrivals, fitted on the clearing history of its rounds (``simulation.category_flow``).
- Each week's arrivals per band are the model's flow (each band's count per day of exposure),
  not the published stock's shares: a band that rounds keep emptying holds few candidates but
  receives many.

This is a calibration on the rounds replayed (the issue's question: can a synthetic pool give
the real cutoffs?), not a prediction: ``analysis.predict`` is the honest forecast.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from expressentry.rounds.history import HistoricalRound
from expressentry.simulation.pools import PARTITION, band_of

#: how many passes of proportional fitting (the categories overlap)
PASSES = 4
#: no factor beyond these (a share the generator cannot reach is left as close as it gets)
FACTOR_RANGE = (1 / 50, 50.0)


@dataclass
class Weights:
    """A weight per reservoir profile, and how it was chosen."""

    value: np.ndarray
    factors: dict[str, float] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    reached: dict[str, float] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        return {
            "factors": {k: round(v, 3) for k, v in self.factors.items()},
            "target_shares": {k: round(v, 4) for k, v in self.targets.items()},
            "reached_shares": {k: round(v, 4) for k, v in self.reached.items()},
        }


def density_weights(crs: np.ndarray, density: np.ndarray) -> np.ndarray:
    """Within each band, weights that make the reservoir's scores follow ``density`` (a count
    per score 0..1200): density(x) / (reservoir profiles at x)."""
    scores = np.clip(crs.astype(np.int64), 0, len(density) - 1)
    per_score = np.bincount(scores, minlength=len(density)).astype(float)
    w = density[scores] / np.maximum(per_score[scores], 1.0)
    # 601-1200 keeps the generator's own mix: the model's density there is of nominees, but the
    # reservoir's low 601+ scores are mostly job-offer points (before 2025-03-25), not nominees
    w[scores > 600] = 1.0
    # a band where the model has no mass at the reservoir's scores keeps even weights
    for _label, lo, hi in PARTITION:
        inside = (scores >= lo) & (scores <= hi)
        if inside.any() and w[inside].sum() <= 0:
            w[inside] = 1.0
    return w


def band_normalized(crs: np.ndarray, w: np.ndarray, counts: dict[str, int]) -> np.ndarray:
    """Weights scaled so that each band's weights add up to its count in ``counts``: the
    expected pool."""
    out = np.zeros_like(w)
    labels = np.array([band_of(int(x)) for x in crs])
    for label, _lo, _hi in PARTITION:
        inside = labels == label
        total = w[inside].sum()
        if inside.any() and total > 0:
            out[inside] = w[inside] * counts.get(label, 0) / total
    return out


def model_density(history: Sequence[HistoricalRound], on: dt.date) -> np.ndarray | None:
    """The pool model's count at every score on ``on`` (from the latest snapshot published
    before it, carried forward), or None before the first snapshot."""
    from expressentry.analysis.model import day_number
    from expressentry.analysis.predict import predictor_for

    p = predictor_for(history)
    k = p.model.rounds_before(on)
    snap = p.model.latest_snapshot(k)
    if snap is None:
        return None
    shape = p.slope(k, "forecast")
    return p.model.state(snap, k, day_number(on) + 0.5, shape).counts


def arrival_density(history: Sequence[HistoricalRound], on: dt.date) -> np.ndarray | None:
    """The shape of arrivals inside each band (the model's a(x)), as a per-score weight."""
    from expressentry.analysis.predict import predictor_for

    p = predictor_for(history)
    k = p.model.rounds_before(on)
    if p.model.latest_snapshot(k) is None:
        return None
    return p.model.arrival_shape(p.slope(k, "forecast"))


def invited_shares(
    history: Sequence[HistoricalRound], schedule: Sequence[HistoricalRound], key_of: Any
) -> tuple[dict[str, float], dict[str, int]]:
    """For each key (a category version, or "cec"), the median share of the pool at or above
    its rounds' cutoffs that they invited (the pool model's nowcast), and the median cutoff."""
    from expressentry.analysis.predict import predictor_for

    p = predictor_for(history)
    index = {r.draw_number: j for j, r in enumerate(p.model.rounds)}
    shares: dict[str, list[float]] = {}
    cutoffs: dict[str, list[int]] = {}
    for r in schedule:
        key = key_of(r)
        j = index.get(r.draw_number)
        if key is None or j is None:
            continue
        k = p.model.rounds_before(r.date)
        share = p.implied_share(j, "nowcast", p.slope(k, "nowcast"))
        if share is None:
            continue
        shares.setdefault(key, []).append(share)
        cutoffs.setdefault(key, []).append(r.crs_cutoff)
    return (
        {k: statistics.median(v) for k, v in shares.items()},
        {k: int(statistics.median(v)) for k, v in cutoffs.items()},
    )


def calibrate(
    crs: np.ndarray,
    flags: dict[str, np.ndarray],
    base: np.ndarray,
    counts: dict[str, int],
    targets: dict[str, float],
    cutoffs: dict[str, int],
) -> Weights:
    """Factors per flag (iterative proportional fitting) so that, in the expected pool, the
    share of profiles with the flag at or above its cutoff is its target share."""
    factors = {k: 1.0 for k in targets if k in flags}
    w = base.copy()
    for _ in range(PASSES):
        for key in factors:
            w = base.copy()
            for other, f in factors.items():
                w = np.where(flags[other], w * f, w)
            pool = band_normalized(crs, w, counts)
            above = crs >= cutoffs[key]
            total = pool[above].sum()
            have = pool[above & flags[key]].sum()
            if total <= 0 or have <= 0:
                continue
            share = have / total
            want = min(max(targets[key], 1e-4), 0.999)
            # the factor that turns the flag's odds into the target's
            change = (want / (1 - want)) / (share / (1 - share)) if share < 1 else 1.0
            factors[key] = float(np.clip(factors[key] * change, *FACTOR_RANGE))
    w = base.copy()
    for key, f in factors.items():
        w = np.where(flags[key], w * f, w)
    pool = band_normalized(crs, w, counts)
    reached = {}
    for key in factors:
        above = crs >= cutoffs[key]
        total = pool[above].sum()
        reached[key] = float(pool[above & flags[key]].sum() / total) if total > 0 else 0.0
    return Weights(w, factors, {k: targets[k] for k in factors}, reached)


def weekly_arrivals(
    history: Sequence[HistoricalRound], on: dt.date, scale: float
) -> dict[str, float] | None:
    """A week's arrivals per band on ``on``, as the pool model estimates them (each band's
    count per day of exposure: the flow, not the stock), times ``scale``; None before the
    first published distribution."""
    from expressentry.analysis.predict import predictor_for

    p = predictor_for(history)
    k = p.model.rounds_before(on)
    snap = p.model.latest_snapshot(k)
    if snap is None:
        return None
    rate = p.model.arrival_rate(snap, k, p.slope(k, "forecast"))
    return {label: float(rate[lo : hi + 1].sum()) * 7 * scale for label, lo, hi in PARTITION}
