"""Advice that names the real cause (issue 17, item 4): an ECA for a foreign credential that does
not count, why education gives no points, a job that has not started yet, and a what-if that
leaves the profile meeting no program."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from expressentry.profile.facts import derive
from expressentry.profile.model import parse_profile
from expressentry.scoring.crs import score
from expressentry.scoring.explain import explain
from expressentry.scoring.whatif import improve, what_if

ON = dt.date(2026, 6, 1)


def profile(**changes: Any) -> Any:
    data: dict[str, Any] = {
        "date_of_birth": "1994-05-10",
        "marital_status": "single",
        "education": [{"level": "masters", "country": "IN", "completed_on": "2018-06-30"}],
        "first_official_language": "english",
        "language_tests": [
            {
                "test": "ielts_general",
                "taken_on": "2025-03-01",
                "listening": 8,
                "reading": 7,
                "writing": 7,
                "speaking": 7,
            }
        ],
        "work_history": [
            {
                "noc": "21231",
                "country": "IN",
                "start": "2019-01-01",
                "end": "2024-12-31",
                "hours_per_week": 40,
            }
        ],
    }
    data.update(changes)
    return parse_profile(json.dumps(data))


def test_a_foreign_masters_without_eca_is_advised_an_eca_not_a_new_degree() -> None:
    _, suggestions = improve(profile(), ON, limit=0)
    by_change = {s.change: s for s in suggestions}
    eca = by_change["education=masters"]
    assert eca.message == "get_eca"
    assert dict(eca.values) == {"level": "masters", "country": "IN"}
    assert "ECA" in eca.description and "India" in eca.description
    # the points are those the ECA brings: the same profile with an ECA
    with_eca = profile(
        education=[
            {
                "level": "masters",
                "country": "IN",
                "completed_on": "2018-06-30",
                "eca": {"issued_on": "2024-01-10"},
            }
        ]
    )
    assert eca.new_total == score(with_eca, ON).total
    # no "complete a credential" at or below the level already held
    for level in ("one_year", "two_year", "bachelors", "two_or_more"):
        assert f"education={level}" not in by_change, level
    assert by_change["education=doctoral"].message == "education"


def test_an_expired_eca_is_advised_a_new_one() -> None:
    old = profile(
        education=[
            {
                "level": "bachelors",
                "country": "NG",
                "completed_on": "2012-06-30",
                "eca": {"issued_on": "2019-01-10"},
            }
        ]
    )
    _, suggestions = improve(old, ON, limit=0)
    renew = next(s for s in suggestions if s.change == "education=bachelors")
    assert renew.message == "renew_eca"
    assert "Nigeria" in renew.description


def test_the_breakdown_says_why_education_gives_no_points() -> None:
    lines = explain(score(profile(), ON))
    education = next(x for x in lines if (x.block, x.factor) == ("core", "education"))
    assert education.points == 0
    assert "master's degree" in education.fact
    assert "India" in education.fact
    assert "no educational credential assessment" in education.fact
    facts = derive(profile(), ON)
    assert facts.principal.uncounted_education == (("masters", "no_eca", "IN"),)


def test_a_job_starting_later_is_reported_not_dropped() -> None:
    later = profile(
        work_history=[
            {
                "noc": "21231",
                "country": "IN",
                "start": "2019-01-01",
                "end": "2024-12-31",
                "hours_per_week": 40,
            },
            {"noc": "21232", "country": "CA", "start": "2026-09-01", "hours_per_week": 40},
        ]
    )
    facts = derive(later, ON)
    assert facts.principal.future_work == (("21232", "CA", dt.date(2026, 9, 1)),)
    assert facts.principal.canadian_work_years == 0
    work = next(
        x for x in explain(score(later, ON)) if (x.block, x.factor) == ("core", "canadian_work")
    )
    assert "21232" in work.fact and "2026-09-01" in work.fact
    # the same job once it has started is counted and no longer reported
    assert derive(later, dt.date(2027, 10, 1)).principal.future_work == ()


def test_a_what_if_that_loses_every_program_says_so() -> None:
    eligible = profile(
        education=[
            {
                "level": "masters",
                "country": "IN",
                "completed_on": "2018-06-30",
                "eca": {"issued_on": "2024-01-10"},
            }
        ],
        settlement_funds_cad=30000,
        family_size=1,
    )
    result = what_if(eligible, ON, ["language.first=3"])
    assert result.programs_before  # FSW met now
    assert result.programs_after == ()
    assert result.loses_every_program
    better = what_if(eligible, ON, ["language.first=10"])
    assert not better.loses_every_program
    assert better.programs_after == better.programs_before
