"""Synthetic pools drawn from the pool model: density inside bands, calibrated shares."""

from __future__ import annotations

import datetime as dt

import numpy as np

from expressentry.simulation import pools
from expressentry.simulation.calibrate import band_normalized, calibrate, density_weights

ON = dt.date(2025, 6, 1)


def test_density_weights_make_the_scores_inside_a_band_follow_the_density() -> None:
    crs = np.array([501] * 10 + [600] * 10)
    density = np.zeros(1201)
    density[501], density[600] = 9.0, 1.0
    w = density_weights(crs, density)
    share_low = w[crs == 501].sum() / w.sum()
    assert abs(share_low - 0.9) < 1e-9


def test_calibration_reaches_the_target_share_above_the_cutoff() -> None:
    rng = np.random.default_rng(3)
    crs = rng.integers(350, 560, size=4000)
    flag = rng.random(4000) < 0.02  # the generator's French speakers: too few
    counts = {label: 0 for label, _, _ in pools.PARTITION}
    for x in crs:
        counts[pools.band_of(int(x))] += 1
    w = calibrate(
        crs, {"french": flag}, np.ones(len(crs)), counts, {"french": 0.1}, {"french": 420}
    )
    assert w.factors["french"] > 1
    pool = band_normalized(crs, w.value, counts)
    above = crs >= 420
    assert abs(pool[above & flag].sum() / pool[above].sum() - 0.1) < 0.01
    assert abs(w.reached["french"] - 0.1) < 0.01


def test_pool_documents_draw_by_the_weights_inside_each_band() -> None:
    by_band = pools.reservoir(ON, 1, 2000)
    weights: list[float] = []
    favourite = {}
    for label, _, _ in pools.PARTITION:
        band = by_band[label]
        weights += [1.0 if i == 0 else 0.0 for i in range(len(band))]
        if band:
            favourite[label] = band[0].crs
    docs = list(pools.pool_documents(300, ON, 1, reservoir_size=2000, weights=weights))
    from expressentry.profile.model import parse_profile
    from expressentry.scoring.crs import score

    scores = {score(parse_profile(d), ON).total for d in docs}
    assert scores <= set(favourite.values())
