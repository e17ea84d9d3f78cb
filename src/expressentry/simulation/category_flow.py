"""Each category's share of the pool by score, fitted on the category's own rounds.

IRCC publishes the pool's distribution, not how many of its candidates meet a category. The
pool model (``analysis.model``) gives the arrivals per day at every score, A(x), and the
clearing history; a category's candidates are a share r(b) of the arrivals in each band b. Its
own rounds empty them: a round of the category invites every eligible candidate above its
cutoff (half of those at it, the tie-break), the other rounds remove the share of the pool
they invited (the pool model's clearing events). So a category's candidates at score x, just
before a round at time t, number

    n(x, t) = r(b) A(x) E(x, t)

with E the category's exposure: the surviving days of its arrivals within the 12 months before
t. A round of size N at cutoff c then says ``sum over x >= c of n(x, t) = N``, linear in the
shares r; the shares are the least-squares fit (relative errors, between 0 and 1, smooth from
band to band) over the category's rounds. The first pool's share in each band is the fitted
candidates' count over the model's count there; the arrivals' share is r(b).

This is a calibration on the rounds replayed (the issue allows it: "so that replaying the real
rounds on a synthetic pool gives their real cutoffs"), not a prediction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from expressentry.rounds.history import HistoricalRound

#: the weight of smoothness between neighbouring bands and of the pull towards the
#: category's one overall share (both relative to one round's squared relative error)
SMOOTHNESS = 0.05
PRIOR = 0.01
#: no band's candidates more than this share of its pool
MAX_SHARE = 0.95
#: the nominees' band keeps the generator's mix (PNP rounds draw on it)
TOP = 600


@dataclass(frozen=True)
class CategoryFlow:
    """A category's fitted shares: of the arrivals and of the first pool, per band label."""

    slug: str
    arrival_share: dict[str, float]
    stock_share: dict[str, float]
    rounds: tuple[str, ...]
    #: the fit's relative error per round (fitted candidates at or above the cutoff / N - 1)
    residuals: tuple[float, ...]

    def document(self) -> dict[str, object]:
        return {
            "rounds": list(self.rounds),
            "arrival_share": {k: round(v, 4) for k, v in self.arrival_share.items()},
            "stock_share": {k: round(v, 4) for k, v in self.stock_share.items()},
            "fit_relative_error": [round(v, 3) for v in self.residuals],
        }


def _exposure(model, k: int, t: float, slug: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The category's exposure at time ``t`` from the first ``k`` rounds' clearing events."""
    from expressentry.analysis.model import MAX_SCORE, exposure_of

    start = t - model.lifetime
    own = f"category:{slug}"
    events = []
    for j in range(k):
        tj = model.times[j]
        if not start <= tj < t:
            continue
        if model.kinds[j] == own:
            c = max(0, min(MAX_SCORE, model.rounds[j].crs_cutoff))
            events += [(tj, c + 1, MAX_SCORE, 0.0), (tj, c, c, 0.5)]
        else:
            events += [e for e in model.events(j) if start <= e[0] < t]
    return exposure_of(events, start, t)


def _arrivals(p, on: dt.date) -> np.ndarray | None:  # type: ignore[no-untyped-def]
    """A(x): the pool model's arrivals per day at every score on ``on`` (none above 600)."""
    k = p.model.rounds_before(on)
    snap = p.model.latest_snapshot(k)
    if snap is None:
        return None
    rate = p.model.arrival_rate(snap, k, p.slope(k, "forecast")).copy()
    rate[TOP + 1 :] = 0.0
    return rate


def _box_least_squares(
    m: np.ndarray, y: np.ndarray, smooth: float, prior: float, r0: float
) -> np.ndarray:
    """min |m r - y|^2 + smooth |D r|^2 + prior |r - r0|^2 with 0 <= r <= MAX_SHARE
    (coordinate descent: the problem is small and convex)."""
    n = m.shape[1]
    d = np.diff(np.eye(n), axis=0)
    h = m.T @ m + smooth * d.T @ d + prior * np.eye(n)
    g = m.T @ y + prior * r0
    r = np.full(n, r0)
    for _ in range(500):
        for b in range(n):
            if h[b, b] <= 0:
                continue
            value = (g[b] - h[b] @ r + h[b, b] * r[b]) / h[b, b]
            r[b] = min(MAX_SHARE, max(0.0, value))
    return r


def fit(
    history: Sequence[HistoricalRound],
    rounds_of: Sequence[HistoricalRound],
    slug: str,
    start: dt.date,
) -> CategoryFlow | None:
    """The shares of ``slug``'s candidates, fitted on its rounds ``rounds_of``; the first
    pool's on ``start``. None if none of its rounds is in the model's history."""
    from expressentry.analysis.model import BAND_INDEX, PARTITION, day_number
    from expressentry.analysis.predict import predictor_for
    from expressentry.simulation.calibrate import model_density

    p = predictor_for(history)
    model = p.model
    index = {r.draw_number: j for j, r in enumerate(model.rounds)}
    nbands = len(PARTITION)
    rows, used = [], []
    for r in rounds_of:
        j = index.get(r.draw_number)
        rate = _arrivals(p, r.date)
        if j is None or rate is None or r.invitations <= 0:
            continue
        k = model.rounds_before(r.date)
        exposure = _exposure(model, k, model.times[j], slug)
        c = max(0, min(TOP, r.crs_cutoff))
        w = np.zeros(len(rate))
        w[c + 1 :] = 1.0
        w[c] = 0.5
        rows.append(np.bincount(BAND_INDEX, weights=w * rate * exposure, minlength=nbands))
        rows[-1] = rows[-1] / r.invitations
        used.append(r.draw_number)
    if not rows:
        return None
    m = np.array(rows)
    totals = m.sum(axis=1)
    r0 = float(min(MAX_SHARE, totals.sum() / max((totals**2).sum(), 1e-12)))
    # the penalties are per round of the fit
    shares = _box_least_squares(
        m, np.ones(len(rows)), SMOOTHNESS * len(rows), PRIOR * len(rows), r0
    )
    residuals = tuple(float(v) for v in m @ shares - 1.0)
    labels = [label for label, _lo, _hi in PARTITION]
    arrival = {label: float(shares[i]) for i, (label, _lo, hi) in enumerate(PARTITION) if hi <= TOP}
    # the first pool: the fitted candidates over the model's count, band by band
    stock = dict(arrival)
    density = model_density(history, start)
    rate = _arrivals(p, start)
    if density is not None and rate is not None:
        k = model.rounds_before(start)
        exposure = _exposure(model, k, day_number(start) + 0.5, slug)
        fitted = np.bincount(
            BAND_INDEX, weights=shares[BAND_INDEX] * rate * exposure, minlength=nbands
        )
        have = np.bincount(BAND_INDEX, weights=density, minlength=nbands)
        for i, label in enumerate(labels):
            if label in stock and have[i] > 0:
                stock[label] = float(min(MAX_SHARE, fitted[i] / have[i]))
    return CategoryFlow(slug, arrival, stock, tuple(used), residuals)


def calibrate_by_band(
    crs: np.ndarray,
    flags: dict[str, np.ndarray],
    base: np.ndarray,
    shares: dict[str, dict[str, float]],
    passes: int = 8,
    keep: Sequence[str] = (),
) -> tuple[np.ndarray, dict[str, dict[str, float]]]:
    """Weights so that, inside each band (up to 600), the weighted share of the profiles with
    each flag is its share there (iterative proportional fitting over the overlapping flags),
    while the flags named in ``keep`` keep the share ``base`` gives them in each band (CEC's
    calibration); and the shares reached."""
    from expressentry.simulation.calibrate import FACTOR_RANGE
    from expressentry.simulation.pools import PARTITION

    w = base.astype(float).copy()
    bands = [(label, (crs >= lo) & (crs <= hi)) for label, lo, hi in PARTITION if hi <= TOP]
    shares = dict(shares)
    for key in keep:
        if key in flags and key not in shares:
            shares[key] = {
                label: float(w[inside & flags[key]].sum() / w[inside].sum())
                for label, inside in bands
                if w[inside].sum() > 0
            }
    factor = {(key, label): 1.0 for key in shares for label, _ in bands}
    for _ in range(passes):
        for key, by_band in shares.items():
            flag = flags[key]
            for label, inside in bands:
                want = by_band.get(label)
                total = w[inside].sum()
                have = w[inside & flag].sum()
                if want is None or total <= 0 or have <= 0:
                    continue
                share = have / total
                want = min(max(want, 1e-4), 0.999)
                if share >= 1:
                    continue
                change = (want / (1 - want)) / (share / (1 - share))
                new = float(np.clip(factor[key, label] * change, *FACTOR_RANGE))
                w[inside & flag] *= new / factor[key, label]
                factor[key, label] = new
    reached: dict[str, dict[str, float]] = {}
    for key in (k for k in shares if k not in keep):
        reached[key] = {}
        for label, inside in bands:
            total = w[inside].sum()
            if total > 0:
                reached[key][label] = float(w[inside & flags[key]].sum() / total)
    return w, reached
