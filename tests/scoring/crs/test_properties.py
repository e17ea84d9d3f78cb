"""Property tests of the CRS over generated profiles (``tests/scoring/strategies.py``).

Arithmetic and caps are checked on every kind of profile. The two monotonicity properties about
language run on profiles with at most one result per official language and a declared first
official language: with several results, or no declaration, the code picks a result and a first
language by first-language points alone, and a better band can then lower the total (see the
xfail cases in ``cases/core/first_language.yaml`` and ``cases/spouse/language.yaml``).
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from expressentry.profile.facts import derive
from expressentry.profile.model import parse_profile
from expressentry.scoring import crs

from ..strategies import job, profile_cases, profiles, scale_values
from .test_golden import assert_document_shape

#: examples per property; raise it to search harder (CRS_PROPERTY_EXAMPLES=5000 pytest ...)
PROPERTY = settings(
    max_examples=int(os.environ.get("CRS_PROPERTY_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

#: every kind of profile: several results per language, first language declared or not
any_case = profile_cases(one_per_language=False, declare_first_language=False)
any_profile = profiles(one_per_language=False, declare_first_language=False)
#: at most one result per language (one for the spouse) and a declared first language
plain_case = profile_cases()

MAXIMA = {
    "single": {
        "age": 110,
        "education": 150,
        "first_language": 136,
        "second_language": 24,
        "canadian_work": 80,
    },
    "with_spouse": {
        "age": 100,
        "education": 140,
        "first_language": 128,
        "second_language": 22,
        "canadian_work": 70,
    },
}


def _score(data: dict[str, Any], as_of: dt.date) -> crs.Score:
    return crs.score(parse_profile(data), as_of)


@PROPERTY
@given(any_profile)
def test_total_is_the_sum_of_the_block_totals(case: tuple[Any, dt.date]) -> None:
    profile, as_of = case
    s = crs.score(profile, as_of)
    doc = s.document()
    assert_document_shape(doc)
    assert doc["as_of"] == as_of.isoformat()
    assert s.total == sum(doc[block]["total"] for block in crs_blocks())
    assert 0 <= s.total <= 1200


def crs_blocks() -> tuple[str, ...]:
    return ("core", "spouse", "transferability", "additional")


@PROPERTY
@given(any_profile)
def test_block_totals_are_the_sum_of_their_parts_except_where_capped(
    case: tuple[Any, dt.date],
) -> None:
    profile, as_of = case
    doc = crs.score(profile, as_of).document()
    for block in crs_blocks():
        parts = {k: v for k, v in doc[block].items() if k != "total"}
        assert all(v >= 0 for v in parts.values()), (block, parts)
        if block == "transferability":
            assert doc[block]["total"] == min(sum(parts.values()), 100), doc[block]
        elif block == "additional":
            assert doc[block]["total"] == min(sum(parts.values()), 600), doc[block]
        else:
            assert doc[block]["total"] == sum(parts.values()), doc[block]


@PROPERTY
@given(any_profile)
def test_caps_and_maxima_hold(case: tuple[Any, dt.date]) -> None:
    profile, as_of = case
    s = crs.score(profile, as_of)
    doc = s.document()
    with_spouse = s.facts is not None and s.facts.with_spouse
    column = "with_spouse" if with_spouse else "single"
    for part, most in MAXIMA[column].items():
        assert doc["core"][part] <= most, (column, part, doc["core"])
    assert doc["core"]["total"] <= (460 if with_spouse else 500)
    assert doc["core"]["total"] + doc["spouse"]["total"] <= 500
    spouse = doc["spouse"]
    assert spouse["education"] <= 10 and spouse["language"] <= 20
    assert spouse["canadian_work"] <= 10 and spouse["total"] <= 40
    if not with_spouse:
        assert spouse == {"total": 0, "education": 0, "language": 0, "canadian_work": 0}
    c = doc["transferability"]
    assert c["education"] <= 50 and c["foreign_work"] <= 50 and c["certificate"] <= 50
    assert c["total"] <= 100
    d = doc["additional"]
    assert d["total"] <= 600
    assert d["french"] <= 50 and d["canadian_education"] <= 30 and d["sibling"] <= 15
    assert d["job_offer"] in (0, 50, 200, 600) and d["provincial_nomination"] in (0, 600)
    if as_of >= dt.date(2025, 3, 25):
        assert d["job_offer"] == 0


@PROPERTY
@given(any_profile)
def test_scoring_is_deterministic(case: tuple[Any, dt.date]) -> None:
    profile, as_of = case
    first = crs.score(profile, as_of)
    assert crs.score(profile, as_of) == first
    assert crs.score_facts(derive(profile, as_of)) == first
    again = parse_profile(profile.model_dump_json())  # the same profile, through JSON
    assert crs.score(again, as_of).document() == first.document()


def _language_results(data: dict[str, Any]) -> list[dict[str, Any]]:
    out = list(data.get("language_tests") or [])
    if data.get("spouse"):
        out.extend(data["spouse"].get("language_tests") or [])
    return out


@PROPERTY
@given(plain_case, st.data())
def test_a_better_band_in_one_ability_never_lowers_the_total(
    case: tuple[dict[str, Any], dt.date], data: st.DataObject
) -> None:
    profile, as_of = case
    results = _language_results(profile)
    assume(results)
    i = data.draw(st.integers(0, len(results) - 1), label="result")
    result = results[i]
    taken_on = dt.date.fromisoformat(result["taken_on"])
    ability = data.draw(st.sampled_from(("listening", "reading", "writing", "speaking")))
    higher = [v for v in scale_values(result["test"], taken_on, ability) if v > result[ability]]
    assume(higher)
    better = copy.deepcopy(profile)
    _language_results(better)[i][ability] = data.draw(st.sampled_from(higher), label="new score")
    before, after = _score(profile, as_of), _score(better, as_of)
    assert after.total >= before.total, (before.document(), after.document())


@st.composite
def canadian_job(draw: st.DrawFn, as_of: dt.date) -> dict[str, Any]:
    return job(draw, as_of, country="CA")


@PROPERTY
@given(any_case, st.data())
def test_adding_canadian_work_never_lowers_the_total(
    case: tuple[dict[str, Any], dt.date], data: st.DataObject
) -> None:
    profile, as_of = case
    extra = data.draw(canadian_job(as_of), label="added job")
    more = copy.deepcopy(profile)
    more["work_history"] = [*more.get("work_history", []), extra]
    before, after = _score(profile, as_of), _score(more, as_of)
    assert after.total >= before.total, (extra, before.document(), after.document())
    assert after.document()["core"]["canadian_work"] >= before.document()["core"]["canadian_work"]


@PROPERTY
@given(any_case)
def test_an_accompanying_spouse_is_scored_with_spouse_only_when_not_a_citizen(
    case: tuple[dict[str, Any], dt.date],
) -> None:
    data, as_of = case
    s = _score(data, as_of)
    spouse = data.get("spouse")
    expected = (
        spouse is not None
        and data["marital_status"] in ("married", "common_law")
        and spouse.get("accompanying", True)
        and not spouse.get("canadian_citizen_or_pr", False)
    )
    assert s.facts is not None and s.facts.with_spouse == expected
