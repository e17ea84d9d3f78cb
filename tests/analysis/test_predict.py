"""Cutoff prediction: honest (walk-forward), calibrated, and as good as the issue asks."""

from __future__ import annotations

import datetime as dt

import pytest

from expressentry.analysis.backtest import run
from expressentry.analysis.predict import (
    METHODS,
    PredictionError,
    predict_round,
)
from expressentry.rounds.history import load_shipped, parse_ircc
from ircc_decoys import decoy, ircc_document


@pytest.fixture(scope="module")
def history():
    return load_shipped()


@pytest.fixture(scope="module")
def backtest(history):
    return run(history)


def _round(history, number: str):
    return next(r for r in history if r.draw_number == number)


def _alone_on_its_day(history, r) -> bool:
    return sum(1 for other in history if other.date == r.date) == 1


@pytest.mark.parametrize(
    ("number", "kwargs"),
    [
        ("250", {}),  # general, 2023
        ("288", {}),  # general, 2024
        ("359", {"program": "cec"}),  # CEC, 2025
        ("357", {"category": "healthcare_and_social_services"}),  # category, 2025
        ("406", {"program": "pnp"}),  # PNP, 2026
    ],
)
@pytest.mark.parametrize("method", METHODS)
def test_a_prediction_never_reads_its_round_s_cutoff_or_any_later_round(
    history, number, kwargs, method
) -> None:
    r = _round(history, number)
    assert r.program == kwargs.get("program", r.program)
    assert r.category == kwargs.get("category", r.category)
    assert _alone_on_its_day(history, r)
    decoyed = tuple(parse_ircc(decoy(ircc_document(), number)))
    changed = _round(decoyed, number)
    assert changed.crs_cutoff != r.crs_cutoff and changed.tie_break != r.tie_break
    later = [x for x in decoyed if x.date > r.date]
    assert later and any(x.crs_cutoff != _round(history, x.draw_number).crs_cutoff for x in later)
    for nowcast in (True, False):
        options = dict(kwargs, at=r.date, method=method)
        if nowcast:
            options["distribution_date"] = r.distribution_date
        real = predict_round(history, r.invitations, **options).document()
        fake = predict_round(decoyed, r.invitations, **options).document()
        assert fake == real


def test_a_decoy_before_the_round_does_change_the_prediction(history) -> None:
    """The honesty test can fail: decoying an earlier round changes the answer."""
    r = _round(history, "250")
    earlier = _round(history, "249")
    decoyed = tuple(parse_ircc(decoy(ircc_document(), "249")))
    assert earlier.date < r.date
    real = predict_round(history, r.invitations, at=r.date)
    fake = predict_round(decoyed, r.invitations, at=r.date)
    assert fake.document() != real.document()


def test_the_issue_s_checks_on_the_37_general_rounds_of_2022_2024(backtest) -> None:
    checks = {(c["mode"], c["method"]): c for c in backtest.checks()}
    nowcast = checks[("nowcast", "stock-flow")]
    assert nowcast["rounds"] == 37
    assert nowcast["mae"] <= 3
    assert nowcast["coverage"] >= 0.7
    assert nowcast["mean_width"] <= 25
    assert checks[("nowcast", "ensemble")]["mae"] <= 3
    assert checks[("forecast", "stock-flow")]["mae"] <= 7
    assert checks[("forecast", "ensemble")]["mae"] <= 7
    # the baselines, as the research note measured them
    assert checks[("nowcast", "persistence")]["mae"] == pytest.approx(10.5, abs=0.1)
    assert checks[("nowcast", "uniform")]["mae"] == pytest.approx(28.1, abs=0.1)


def test_the_backtest_compares_methods_on_the_same_rounds(backtest) -> None:
    rows = [r for r in backtest.rows() if r["mode"] == "nowcast" and r["kind"] == "cec"]
    by_year: dict = {}
    for row in rows:
        by_year.setdefault(row["year"], set()).add(row["rounds"])
    assert all(len(counts) == 1 for counts in by_year.values())
    # before 2022 no distribution: only persistence (and the ensemble, which falls back to it)
    early = [r for r in backtest.rows() if r["mode"] == "forecast" and r["year"] == 2019]
    assert {r["method"] for r in early} == {"ensemble", "persistence"}


def test_every_prediction_states_its_range_snapshot_and_rounds(history) -> None:
    p = predict_round(history, 3000, distribution_date=dt.date(2024, 3, 20))
    doc = p.document()
    assert doc["mode"] == "nowcast"
    assert doc["low"] <= doc["predicted_cutoff"] <= doc["high"]
    assert doc["snapshot"]["date"] <= "2024-03-20"
    assert (
        doc["at"] == (dt.date.fromisoformat(doc["snapshot"]["date"]) + dt.timedelta(1)).isoformat()
    )
    assert doc["rounds_read"] > 0 and doc["last_round"]
    forecast = predict_round(history, 3000, at=dt.date(2026, 9, 1), program="cec").document()
    assert forecast["mode"] == "forecast" and forecast["program"] == "cec"
    assert forecast["carried_through"]  # the rounds since the latest snapshot


def test_uniform_keeps_the_earlier_band_walk(history) -> None:
    from expressentry.simulation.predict import predict_cutoff

    p = predict_round(history, 2000, distribution_date=dt.date(2025, 6, 1), method="uniform")
    r = next(
        x
        for x in history
        if x.distribution_date == dt.date.fromisoformat(p.document()["snapshot"]["date"])
    )
    assert r.distribution is not None
    expected = predict_cutoff(r.distribution, 2000)
    assert (p.predicted_cutoff, p.low, p.high) == expected[:3]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"round_type": "lottery"}, "--type"),
        ({"program": "xyz"}, "--program"),
        ({"round_type": "program"}, "--program"),
        ({"round_type": "category"}, "--category"),
        ({"category": "astronauts"}, "--category"),
        ({"program": "cec", "category": "stem"}, "--category"),
        ({"round_type": "general", "program": "cec"}, "--type"),
        ({"method": "crystal-ball"}, "--method"),
        ({"distribution_date": dt.date(2020, 1, 1)}, "--distribution-date"),
        ({"at": dt.date(2019, 1, 1), "method": "stock-flow"}, "--at"),
    ],
)
def test_a_question_that_cannot_be_answered_names_the_option(history, kwargs, field) -> None:
    with pytest.raises(PredictionError, match=rf"^{field}:"):
        predict_round(history, 1000, **kwargs)


def test_a_round_invites_someone(history) -> None:
    with pytest.raises(PredictionError, match=r"^--size:"):
        predict_round(history, 0)


def test_plan_states_the_pool_model_s_prediction() -> None:
    from expressentry.simulation.plan import plan

    out = plan(dt.date(2025, 6, 1), size=2000)
    model = out["model_prediction"]
    assert model["mode"] == "forecast" and model["method"] == "ensemble"
    assert model["low"] <= model["predicted_cutoff"] <= model["high"]
    assert model["snapshot"]["date"] < "2025-06-01"
