"""The programs API: result shapes, the shared helpers and edge inputs."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from expressentry.eligibility.programs import (
    Criterion,
    FswResult,
    ProgramResult,
    assess_programs,
    fst_trade_codes,
    proof_of_funds_required,
)
from expressentry.profile.facts import derive
from expressentry.profile.model import parse_profile
from expressentry.rules.tables import default_rulebook
from expressentry.scoring.crs import BeforeExpressEntry

AS_OF = dt.date(2025, 6, 1)

PROFILE = {
    "date_of_birth": "1996-01-15",
    "education": [
        {
            "level": "bachelors",
            "country": "IN",
            "completed_on": "2017-05-31",
            "eca": {"issued_on": "2024-01-10"},
        }
    ],
    "language_tests": [
        {
            "test": "ielts_general",
            "taken_on": "2025-01-10",
            "listening": 8.0,
            "reading": 7.0,
            "writing": 7.0,
            "speaking": 7.0,
        }
    ],
    "work_history": [
        {"noc": "21231", "country": "IN", "start": "2022-05-01", "end": None, "hours_per_week": 40}
    ],
    "settlement_funds_cad": 20000,
}


def profile(**changes: object):
    return parse_profile({**PROFILE, **changes})


def test_document_has_the_spec_shape() -> None:
    doc = assess_programs(profile(), AS_OF).document()
    assert list(doc) == ["fsw", "cec", "fst"]
    assert list(doc["fsw"]) == ["eligible", "points", "reasons"]
    assert list(doc["cec"]) == ["eligible", "reasons"]
    assert list(doc["fst"]) == ["eligible", "reasons"]
    assert doc["fsw"] == {"eligible": True, "points": 68, "reasons": []}
    assert doc["cec"]["eligible"] is False and doc["cec"]["reasons"]


def test_reasons_are_the_details_of_the_unmet_criteria() -> None:
    result = assess_programs(profile(settlement_funds_cad=None), AS_OF)
    for program in (result.fsw, result.cec, result.fst):
        assert program.reasons == [c.detail for c in program.criteria if not c.met]
        assert program.eligible is (not program.reasons)
        assert all(isinstance(c, Criterion) and c.detail for c in program.criteria)


def test_results_are_frozen() -> None:
    result = assess_programs(profile(), AS_OF)
    assert isinstance(result.fsw, FswResult) and isinstance(result.cec, ProgramResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.fsw.eligible = False  # type: ignore[misc]
    with pytest.raises(AttributeError):
        result.fsw.criteria[0].met = False  # type: ignore[misc]


def test_grid_breakdown_adds_up_to_points() -> None:
    result = assess_programs(profile(relative_in_canada=True), AS_OF)
    assert result.fsw.grid is not None and result.fsw.adaptability is not None
    assert sum(result.fsw.grid.values()) == result.fsw.points == 73
    assert result.fsw.adaptability["relative"] == 5


def test_given_facts_are_used_and_must_match_the_date() -> None:
    p = profile()
    facts = derive(p, AS_OF)
    assert assess_programs(p, AS_OF, facts=facts) == assess_programs(p, AS_OF)
    with pytest.raises(ValueError, match="facts are as of"):
        assess_programs(p, dt.date(2025, 6, 2), facts=facts)


def test_before_express_entry_is_an_error() -> None:
    with pytest.raises(BeforeExpressEntry):
        assess_programs(profile(), dt.date(2014, 12, 31))


def test_proof_of_funds_before_the_first_table_cannot_be_checked() -> None:
    p = profile(
        work_history=[
            {
                "noc": "21231",
                "country": "IN",
                "start": "2016-01-01",
                "end": None,
                "hours_per_week": 40,
            }
        ],
        language_tests=[{**PROFILE["language_tests"][0], "taken_on": "2019-01-10"}],
        education=[{**PROFILE["education"][0], "eca": {"issued_on": "2018-01-10"}}],
    )
    fsw = assess_programs(p, dt.date(2019, 6, 1)).fsw
    funds = fsw.criterion("proof_of_funds")
    assert not funds.met and "cannot be checked" in funds.detail and "2020-02-26" in funds.detail


def test_proof_of_funds_required_beyond_seven() -> None:
    table = default_rulebook()["programs.proof_of_funds"].at(AS_OF)
    assert proof_of_funds_required(table, 1) == 14690
    assert proof_of_funds_required(table, 7) == 38875
    assert proof_of_funds_required(table, 9) == 38875 + 2 * 3958


@pytest.mark.parametrize(
    ("code", "trade"),
    [
        ("72310", True),  # carpenters (Major Group 72)
        ("72600", False),  # air pilots (Sub-Major Group 726, excluded)
        ("73300", True),  # transport truck drivers (Major Group 73)
        ("83100", True),  # Major Group 83 (new in the NOC 2021 list)
        ("93200", False),  # aircraft assemblers (Sub-Major Group 932, excluded)
        ("63200", True),  # cooks (Minor Group 6320)
        ("62200", True),  # chefs (Unit Group 62200)
        ("62100", False),  # retail sales supervisors (Major Group 62, not listed)
        ("21231", False),
    ],
)
def test_fst_trades(code: str, trade: bool) -> None:
    value = default_rulebook()["programs.fst_trades"].at(AS_OF)
    codes = fst_trade_codes(tuple(value["include"]), tuple(value["exclude"]))
    assert (code in codes) is trade


def test_job_offer_problems_are_named() -> None:
    p = profile(
        work_history=[
            {
                "noc": "72310",
                "country": "MX",
                "start": "2022-01-01",
                "end": None,
                "hours_per_week": 40,
            }
        ],
        job_offer={"noc": "72310", "lmia": False, "full_time": False, "duration_months": 12},
    )
    reason = assess_programs(p, AS_OF).fst.criterion("job_offer_or_certificate").detail
    assert "it is not full time" in reason
    assert "it needs a positive LMIA or an LMIA exemption" in reason


def test_no_language_test_at_all() -> None:
    result = assess_programs(profile(language_tests=[]), AS_OF)
    assert not result.express_entry_eligible
    assert "no language test result" in result.cec.criterion("language").detail


def test_declared_first_language_without_a_test() -> None:
    detail = assess_programs(profile(first_official_language="french"), AS_OF).fsw.criterion(
        "language"
    )
    assert not detail.met
    assert "NCLC 7 needed" in detail.detail and "in french" in detail.detail
