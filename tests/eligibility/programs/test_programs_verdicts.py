"""The pool's verdict-only path (``eligible_programs``) against the explained path
(``assess_programs``): the same three verdicts on every golden case, on generated profiles and
on a synthetic pool.

``PROGRAM_VERDICT_EXAMPLES`` raises the number of generated profiles.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_programs_cases import _json_default, case_paths, load_case

from expressentry.eligibility.programs import _rules_at, assess_programs, eligible_programs
from expressentry.profile.facts import add_years, derive
from expressentry.profile.model import Profile, parse_profile
from expressentry.rules.tables import default_rulebook
from expressentry.simulation import synth
from scoring.strategies import CODES, FOREIGN_COUNTRIES, date_between, iso, pick, profile_cases


def explained(profile: Profile, as_of: dt.date) -> tuple[bool, bool, bool]:
    result = assess_programs(profile, as_of)
    return result.fsw.eligible, result.cec.eligible, result.fst.eligible


def verdicts(profile: Profile, as_of: dt.date) -> tuple[bool, bool, bool]:
    return eligible_programs(profile, derive(profile, as_of))


@pytest.mark.parametrize("path", case_paths(), ids=lambda p: p.stem)
def test_every_golden_case_has_the_same_verdicts(path: Path) -> None:
    case = load_case(path)
    profile = parse_profile(json.dumps(case["profile"], default=_json_default))
    for on in [case["as_of"], *(case.get("also_as_of") or {})]:
        assert verdicts(profile, on) == explained(profile, on), f"{path.stem} as of {on}"


def test_the_golden_cases_have_both_verdicts_of_each_program() -> None:
    """So the comparison above covers a pass and a failure of FSW, CEC and FST."""
    seen = set()
    for path in case_paths():
        case = load_case(path)
        profile = parse_profile(json.dumps(case["profile"], default=_json_default))
        seen.add(verdicts(profile, case["as_of"]))
    for program in range(3):
        assert {v[program] for v in seen} == {True, False}


# --- generated profiles -----------------------------------------------------------------------

FUNDS = (0, 5_000, 14_690, 14_690.99, 15_263, 19_007, 25_000, 40_000, 100_000)


#: IELTS General Training results (listening, reading, writing, speaking) of CLB 5 to 10
IELTS_BY_CLB = {
    5: (5.0, 4.0, 5.0, 5.0),
    6: (5.5, 5.0, 5.5, 5.5),
    7: (6.0, 6.0, 6.0, 6.0),
    8: (7.5, 6.5, 6.5, 6.5),
    9: (8.0, 7.0, 7.0, 7.0),
    10: (8.5, 8.0, 7.5, 7.5),
}


def _strengthen(draw: st.DrawFn, doc: dict[str, Any], as_of: dt.date) -> None:
    """Make ``doc`` a candidate near the programs' minimums: a valid English result, a
    bachelor's degree with a valid ECA, and skilled work of a few months to a few years."""
    listening, reading, writing, speaking = IELTS_BY_CLB[draw(st.integers(5, 10))]
    taken = date_between(draw, add_years(as_of, -2) + dt.timedelta(days=1), as_of)
    doc["language_tests"] = [
        {"test": "ielts_general", "taken_on": iso(taken), "listening": listening,
         "reading": reading, "writing": writing, "speaking": speaking},
    ]  # fmt: skip
    doc["first_official_language"] = "english"
    issued = date_between(draw, add_years(as_of, -4), as_of)
    doc["education"] = [
        {"level": "bachelors", "country": "IN", "completed_on": iso(issued - dt.timedelta(400)),
         "eca": {"issued_on": iso(issued)}},
    ]  # fmt: skip
    start = as_of - dt.timedelta(days=draw(st.integers(100, 1600)))
    doc["work_history"] = [
        {"noc": pick(draw, ("21231", "13110", "31301", "41200")),
         "country": "CA" if draw(st.booleans()) else "IN", "start": iso(start), "end": None,
         "hours_per_week": pick(draw, (20.0, 30.0, 40.0))},
    ]  # fmt: skip
    doc["settlement_funds_cad"] = pick(draw, FUNDS[-3:])


@st.composite
def program_profiles(draw: st.DrawFn) -> tuple[dict[str, Any], dt.date]:
    """Profiles of every kind (``profile_cases``), with what only the programs read: settlement
    funds near the amounts of the tables, family size, authorization to work, Quebec, a relative
    or study in Canada, and often years of work in a skilled trade. Half are "strong"
    candidates (a recent IELTS result of CLB 5 to 10, a degree with its ECA, continuous skilled
    work), so that passes of FSW and CEC are as common as failures."""
    doc, as_of = draw(profile_cases())
    if draw(st.booleans()):
        _strengthen(draw, doc, as_of)
    if draw(st.booleans()):
        doc["settlement_funds_cad"] = pick(draw, FUNDS)
    if draw(st.booleans()):
        doc["family_size"] = (2 if doc.get("spouse") else 1) + draw(st.integers(0, 6))
    for key, one_in in (
        ("authorized_to_work_in_canada", 3),
        ("intends_to_live_in_quebec", 8),
        ("relative_in_canada", 4),
        ("studied_in_canada", 4),
    ):
        if draw(st.integers(1, one_in)) == 1:
            doc[key] = True
    if draw(st.booleans()):  # work in a skilled trade, often long enough for FST
        trades = sorted(_rules_at(default_rulebook(), as_of).trades)
        start = date_between(draw, add_years(as_of, -6), as_of)
        end = min(start + dt.timedelta(days=draw(st.integers(300, 1500))), as_of)
        trade = pick(draw, trades)
        doc["work_history"] = [
            *doc.get("work_history", []),
            {
                "noc": trade,
                "country": "CA" if draw(st.booleans()) else pick(draw, FOREIGN_COUNTRIES),
                "start": iso(start),
                "end": iso(end),
                "hours_per_week": pick(draw, (20.0, 30.0, 40.0)),
            },
        ]
        if draw(st.booleans()):
            doc["certificate_of_qualification"] = {
                "noc": trade if draw(st.integers(1, 4)) > 1 else pick(draw, CODES),
                "issued_by": "ON",
            }
        if draw(st.booleans()):
            doc["job_offer"] = {
                "noc": trade,
                "lmia": draw(st.booleans()),
                "lmia_exempt": draw(st.booleans()),
                "full_time": True,
                "duration_months": 12,
            }
    return doc, as_of


@settings(
    max_examples=int(os.environ.get("PROGRAM_VERDICT_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(program_profiles())
def test_generated_profiles_have_the_same_verdicts(case: tuple[dict[str, Any], dt.date]) -> None:
    doc, as_of = case
    profile = parse_profile(doc)
    assert verdicts(profile, as_of) == explained(profile, as_of), json.dumps(doc)


@pytest.mark.parametrize("as_of", [dt.date(2019, 6, 1), dt.date(2023, 3, 1), dt.date(2026, 11, 1)])
def test_a_synthetic_pool_has_the_same_verdicts(as_of: dt.date) -> None:
    seen = set()
    for doc in synth.profiles(1500, as_of, seed=as_of.year):
        profile = parse_profile(doc)
        got = verdicts(profile, as_of)
        assert got == explained(profile, as_of), doc["profile_id"]
        seen.add(got)
    assert (False, False, False) in seen and (False, True, False) in seen


def test_a_date_before_express_entry_is_refused_as_the_explained_path_refuses_it() -> None:
    import dataclasses

    from expressentry.scoring.crs import BeforeExpressEntry

    profile = parse_profile({"date_of_birth": "1990-01-01"})
    facts = dataclasses.replace(derive(profile, dt.date(2015, 1, 1)), as_of=dt.date(2014, 12, 31))
    with pytest.raises(BeforeExpressEntry):
        eligible_programs(profile, facts)
