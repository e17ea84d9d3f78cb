"""Each category's share of the pool by band, fitted on its own rounds; the replay it gives."""

from __future__ import annotations

import datetime as dt

import numpy as np

from expressentry.rounds.history import load_history
from expressentry.simulation import pools
from expressentry.simulation.category_flow import MAX_SHARE, calibrate_by_band, fit
from expressentry.simulation.simulate import schedule_for, simulate, summary_by_kind


def test_the_fitted_shares_give_the_french_rounds_their_sizes_at_their_cutoffs() -> None:
    history = load_history()
    french = [
        r for r in schedule_for(2025, ("category",)) if r.category == "french_language_proficiency"
    ]
    flow = fit(history, french, "french_language_proficiency", dt.date(2025, 1, 7))
    assert flow is not None
    assert list(flow.rounds) == [r.draw_number for r in french]
    # candidates at or above each round's cutoff within a fifth of the round's size
    assert all(abs(e) < 0.2 for e in flow.residuals), flow.residuals
    assert all(0 <= v <= MAX_SHARE for v in flow.arrival_share.values())
    # French speakers arrive mostly at the scores the French rounds reach, not at the top
    assert flow.arrival_share["401-410"] > 2 * flow.arrival_share["491-500"]
    # the rounds of 2024 had emptied the high scores: the first pool holds few of them there
    assert flow.stock_share["481-490"] < flow.arrival_share["481-490"]


def test_calibration_by_band_reaches_each_share_and_keeps_the_kept_flag() -> None:
    rng = np.random.default_rng(5)
    crs = rng.integers(380, 520, size=6000)
    french = rng.random(6000) < 0.05
    health = rng.random(6000) < 0.1
    cec = rng.random(6000) < 0.5
    flags = {"french": french, "health": health, "cec": cec}
    want = {
        "french": {"401-410": 0.4, "491-500": 0.02},
        "health": {"401-410": 0.05, "491-500": 0.3},
    }
    base = np.ones(len(crs))
    w, reached = calibrate_by_band(crs, flags, base, want, keep=("cec",))
    for key, by_band in want.items():
        for label, share in by_band.items():
            assert abs(reached[key][label] - share) < 0.01
    for _label, lo, hi in pools.PARTITION:
        inside = (crs >= lo) & (crs <= hi)
        if inside.sum() > 100:
            before = cec[inside].mean()
            after = w[inside & cec].sum() / w[inside].sum()
            assert abs(after - before) < 0.01


def test_the_calibrated_replay_beats_the_even_draw_on_the_category_rounds() -> None:
    schedule = schedule_for(2025)
    calibrated = summary_by_kind(simulate(schedule, 25_000, 1, reservoir_size=5000))
    even = summary_by_kind(simulate(schedule, 25_000, 1, reservoir_size=5000, calibrated=False))
    c, e = calibrated["category"], even["category"]
    assert c["compared"] == e["compared"] == 19
    assert c["same_band"] >= 10 and c["same_band"] > e["same_band"]  # type: ignore[operator]
    assert c["mean_absolute_error"] < e["mean_absolute_error"]  # type: ignore[operator]
    # the category calibration costs the CEC rounds nothing
    assert calibrated["cec"]["same_band"] >= even["cec"]["same_band"]  # type: ignore[operator]
