"""The score form and the profile format: form to profile and back, errors named by field."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from expressentry.profile.model import parse_profile
from expressentry.scoring.crs import score
from expressentry.web.forms import (
    FIELDS,
    FormProblems,
    fits_form,
    form_from_profile,
    profile_from_form,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "profile.json"

BASE = {
    "date_of_birth": "1994-03-01",
    "marital_status": "single",
    "education_level": "masters",
    "education_country": "IN",
    "education_completed_on": "2019-06-30",
    "education_eca_issued_on": "2024-02-01",
    "lang1_test": "ielts_general",
    "lang1_taken_on": "2025-02-01",
    "lang1_listening": "8",
    "lang1_reading": "7",
    "lang1_writing": "7",
    "lang1_speaking": "7",
    "canada_noc": "21231",
    "canada_start": "2023-01-09",
    "canada_hours": "40",
}


def test_the_form_gives_the_profile_it_describes() -> None:
    profile = profile_from_form(BASE)
    assert profile.date_of_birth == dt.date(1994, 3, 1)
    assert profile.education[0].eca is not None
    assert profile.language_tests[0].listening == 8.0
    assert profile.work_history[0].country == "CA"
    # the same profile written by hand scores the same
    by_hand = parse_profile(
        json.dumps(
            {
                "date_of_birth": "1994-03-01",
                "education": [
                    {
                        "level": "masters",
                        "country": "IN",
                        "completed_on": "2019-06-30",
                        "eca": {"issued_on": "2024-02-01"},
                    }
                ],
                "language_tests": [
                    {
                        "test": "ielts_general",
                        "taken_on": "2025-02-01",
                        "listening": 8,
                        "reading": 7,
                        "writing": 7,
                        "speaking": 7,
                    }
                ],
                "work_history": [
                    {"noc": "21231", "country": "CA", "start": "2023-01-09", "hours_per_week": 40}
                ],
            }
        )
    )
    on = dt.date(2025, 6, 1)
    assert score(profile, on).total == score(by_hand, on).total


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"lang1_listening": "abc"}, "lang1_listening", "not a number"),
        ({"lang1_listening": "12"}, "lang1_listening", "scale"),
        ({"canada_noc": "99999"}, "canada_noc", "NOC"),
        ({"date_of_birth": ""}, "date_of_birth", "date of birth"),
        ({"lang1_taken_on": ""}, "lang1_taken_on", "date"),
        ({"canada_start": ""}, "canada_start", "started"),
        ({"education_country": "Narnia"}, "education_country", "not a country we know"),
        ({"canada_end": "2020-01-01"}, "canada_end", "before start"),
        ({"family_size": "2.5"}, "family_size", "whole number"),
        ({"marital_status": "married", "date_of_birth": "2999-01-01"}, "date_of_birth", "future"),
    ],
)
def test_each_problem_is_named_by_its_form_field(change, field, words) -> None:
    with pytest.raises(FormProblems) as caught:
        profile_from_form({**BASE, **change})
    assert field in caught.value.problems, caught.value.problems
    assert words.lower() in caught.value.problems[field].lower()


def test_a_pasted_profile_takes_the_place_of_the_form() -> None:
    text = EXAMPLE.read_text()
    assert profile_from_form({"profile_json": text}) == parse_profile(text)
    with pytest.raises(FormProblems) as caught:
        profile_from_form({"profile_json": "{not json"})
    assert "profile_json" in caught.value.problems


def test_spouse_fields_count_only_with_a_spouse() -> None:
    single = profile_from_form({**BASE, "spouse_education_level": "bachelors"})
    assert single.spouse is None
    married = profile_from_form({**BASE, "marital_status": "married", "spouse_accompanying": "on"})
    assert married.spouse is not None and married.spouse.accompanying


def test_form_from_profile_round_trips() -> None:
    profile = profile_from_form({**BASE, "lang1_listening": "8.5", "sibling_in_canada": "on"})
    values = form_from_profile(profile)
    assert set(values) <= set(FIELDS)
    assert profile_from_form(values) == profile
    assert fits_form(profile)


def test_a_richer_profile_does_not_fit_the_form() -> None:
    example = parse_profile(EXAMPLE.read_text())
    assert not fits_form(example)  # two foreign credentials, several jobs: edit it as JSON
