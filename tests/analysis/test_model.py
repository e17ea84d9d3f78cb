"""The stock-flow model: clearing events, exposure, density, carry-forward."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from expressentry.analysis.model import (
    MAX_SCORE,
    PARTITION,
    PoolModel,
    Shape,
    conformal_half_width,
    day_number,
    largest_cutoff,
    remove_from_top,
    uniform_density,
)
from expressentry.rounds.history import load_shipped


@pytest.fixture(scope="module")
def model() -> PoolModel:
    return PoolModel(load_shipped())


def _index(model: PoolModel, draw_number: str) -> int:
    return next(j for j, r in enumerate(model.rounds) if r.draw_number == draw_number)


def test_a_general_round_clears_above_its_cutoff_and_at_it_before_the_tie_break(model) -> None:
    j = _index(model, "237")
    r = model.rounds[j]
    (whole, tied) = model.events(j)
    assert whole == (day_number(r.date) + 0.5, r.crs_cutoff + 1, MAX_SCORE, 0.0)
    assert tied[1:] == (r.crs_cutoff, r.crs_cutoff, 0.0)
    assert tied[0] == pytest.approx(day_number(r.tie_break))


def test_a_program_round_removes_its_share_of_the_candidates_at_or_above_its_cutoff(model) -> None:
    j = next(j for j, k in enumerate(model.kinds) if k == "cec" and model.rounds[j].year == 2025)
    ((_t, lo, hi, m),) = model.events(j)
    r = model.rounds[j]
    assert (lo, hi) == (r.crs_cutoff, MAX_SCORE)
    assert 0.0 <= m < 1.0  # some, not all, of the candidates above the cutoff were invited


def test_exposure_above_the_last_general_cutoff_is_the_days_since_that_round(model) -> None:
    # round 238's snapshot (2023-01-18) follows general round 237 (2023-01-11, cutoff 507)
    snap = model.own_snapshots[_index(model, "238")]
    before = model.rounds[_index(model, "237")]
    exposure = model.exposure(snap)
    days = day_number(snap.date) - (day_number(before.date) + 0.5)
    assert exposure[550] == pytest.approx(days)
    # scores no round reached within the year hold a year of arrivals
    assert exposure[200] == pytest.approx(365)


def test_the_density_adds_up_to_the_published_bands_at_the_snapshot(model) -> None:
    j = _index(model, "300")
    snap = model.own_snapshots[j]
    state = model.state(snap, model.rounds_before(snap.date), day_number(snap.date), Shape())
    for (label, _, _), published in zip(PARTITION, snap.counts, strict=True):
        assert state.band_counts()[label] == pytest.approx(published)
    # inside 501-600 the density is not even: a general round emptied its top
    assert state.counts[501:511].sum() > 3 * state.counts[591:601].sum()


def test_carrying_forward_through_a_general_round_leaves_only_arrivals_above_it(model) -> None:
    # round 237's snapshot (2023-01-11) carried to round 238 (2023-01-18) through round 237
    j = _index(model, "238")
    snap = model.own_snapshots[_index(model, "237")]
    state = model.state(snap, model.rounds_before(model.rounds[j].date), model.times[j], Shape())
    assert state.carried_through == ("237",)
    published_above = sum(
        n for (label, lo, _), n in zip(PARTITION, snap.counts, strict=True) if lo >= 601
    )
    above = state.counts[508:].sum()
    assert 0 < above < published_above  # a week of arrivals, not the stock that was invited


def test_a_snapshot_published_again_under_a_later_date_keeps_its_first_date(model) -> None:
    first = model.own_snapshots[_index(model, "251")]
    again = model.own_snapshots[_index(model, "252")]
    assert first is not None and again is not None
    assert again.counts == first.counts
    assert again.date == first.date


def test_every_state_says_which_snapshot_and_rounds_it_read(model) -> None:
    j = _index(model, "300")
    snap = model.own_snapshots[j]
    state = model.state(snap, model.rounds_before(model.rounds[j].date), model.times[j], Shape())
    basis = state.basis()
    assert basis["snapshot"]["round"] == "300"
    assert basis["rounds_read"] == model.rounds_before(model.rounds[j].date)
    assert basis["last_round"] == model.rounds[j - 1].draw_number


def test_remove_from_top_takes_candidates_from_the_highest_scores() -> None:
    counts = np.zeros(MAX_SCORE + 1)
    counts[700] = 5
    counts[650] = 10
    remove_from_top(counts, 8, 601)
    assert counts[700] == 0 and counts[650] == 7
    remove_from_top(counts, 100, 601)
    assert counts[601:].sum() == 0


def test_largest_cutoff_and_conformal_half_width() -> None:
    at_or_above = np.cumsum(uniform_density(_snapshot())[::-1])[::-1]
    assert largest_cutoff(at_or_above, 1) >= 601
    assert largest_cutoff(at_or_above, 10**9) == 0
    # the ceil(0.8 * 11) = 9th smallest of 10 residuals
    assert conformal_half_width([1, -2, 3, -4, 5, -6, 7, -8, 9, -10]) == 9
    assert conformal_half_width([1, 2]) == 2


def _snapshot():
    from expressentry.analysis.model import Snapshot

    return Snapshot(dt.date(2025, 1, 1), (100,) * len(PARTITION), "x", dt.date(2025, 1, 2))
