"""A profile beside the real rounds of the last 12 months (issue 17: "is my score enough?")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from expressentry.profile.model import parse_profile
from expressentry.rounds.context import compare, recent_rounds
from expressentry.rounds.history import load_history
from expressentry.scoring.crs import score

ON = dt.date(2026, 8, 31)


def profile(**changes: Any) -> Any:
    data: dict[str, Any] = {
        "date_of_birth": "1996-03-10",
        "marital_status": "single",
        "education": [{"level": "bachelors", "country": "CA", "completed_on": "2020-05-01"}],
        "first_official_language": "english",
        "language_tests": [
            {
                "test": "celpip_general",
                "taken_on": "2025-09-01",
                "listening": 9,
                "reading": 9,
                "writing": 9,
                "speaking": 9,
            }
        ],
        "work_history": [
            {"noc": "21231", "country": "CA", "start": "2021-01-04", "hours_per_week": 40}
        ],
    }
    data.update(changes)
    return parse_profile(json.dumps(data))


def test_the_window_is_the_twelve_months_before_the_date() -> None:
    chosen = recent_rounds(None, ON)
    everything = load_history()
    expected = [r for r in everything if dt.date(2025, 8, 31) < r.date <= ON]
    assert sorted(r.draw_number for r in chosen) == sorted(r.draw_number for r in expected)
    assert chosen == sorted(chosen, key=lambda r: (r.date, r.number), reverse=True)
    assert len(chosen) > 20


def test_each_round_says_invited_or_why_not() -> None:
    candidate = profile()
    crs = score(candidate, ON).total
    result = compare(candidate, ON)
    assert result.crs == crs
    assert result.outcomes, "the shipped history has rounds in the window"
    kinds = {o.outcome for o in result.outcomes}
    # CEC met (Canadian work), no nomination: PNP rounds are not for this profile
    for o in result.outcomes:
        r = o.round
        assert o.margin == crs - r.crs_cutoff
        if r.round_type == "program" and r.program == "pnp":
            assert o.outcome == "not_eligible_program" and o.missing == "pnp"
        elif r.round_type == "program" and r.program == "cec":
            expected = "invited" if crs > r.crs_cutoff else "below_cutoff"
            if crs == r.crs_cutoff:
                expected = "tie"
            assert o.outcome == expected, r.draw_number
        elif r.category == "french_language_proficiency":
            assert o.outcome == "not_eligible_category"  # no French test
    assert "not_eligible_category" in kinds and "not_eligible_program" in kinds
    assert len(result.invited) + len(result.not_invited) == len(result.outcomes)


def test_a_score_below_every_cutoff_is_told_its_gap() -> None:
    weaker = profile(
        language_tests=[
            {
                "test": "celpip_general",
                "taken_on": "2025-09-01",
                "listening": 7,
                "reading": 7,
                "writing": 7,
                "speaking": 7,
            }
        ]
    )
    result = compare(weaker, ON)
    cec = [o for o in result.outcomes if o.round.program == "cec"]
    assert cec and all(o.outcome == "below_cutoff" and o.margin < 0 for o in cec)
    assert not result.invited


def test_a_tie_at_the_cutoff_is_its_own_outcome() -> None:
    candidate = profile()
    crs = score(candidate, ON).total
    cec = next(r for r in recent_rounds(None, ON) if r.program == "cec")
    history = [dataclasses.replace(cec, crs_cutoff=crs)]
    (only,) = compare(candidate, ON, history=history).outcomes
    assert only.outcome == "tie" and only.margin == 0


def test_the_document_is_json() -> None:
    doc = compare(profile(), ON).document()
    assert json.loads(json.dumps(doc))["rounds"] == len(doc["outcomes"])
