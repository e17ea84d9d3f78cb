"""The first official language of a profile that does not declare one (profile format: "the
language whose test gives more first-language points"), by the table that applies to it."""

from __future__ import annotations

import datetime as dt

from expressentry.profile.facts import derive
from expressentry.profile.model import parse_profile
from expressentry.scoring.crs import score

ON = dt.date(2026, 6, 1)
#: CLB 4, 4, 6, 9 (listening, reading, writing, speaking): 52 points single, 49 with a spouse
ENGLISH = {"test": "celpip_general", "taken_on": "2026-01-10",
           "listening": 4, "reading": 4, "writing": 6, "speaking": 9}  # fmt: skip
#: NCLC 4, 4, 4, 10 on TEF Canada (chart of 2023-12-11): 52 single, 50 with a spouse
FRENCH = {"test": "tef_canada", "taken_on": "2026-01-10",
          "listening": 306, "reading": 306, "writing": 268, "speaking": 556}  # fmt: skip


def _profile(married: bool, first: str | None = None) -> dict:
    doc = {
        "date_of_birth": "1994-03-01",
        "marital_status": "married" if married else "single",
        "education": [{"level": "bachelors", "country": "CA", "completed_on": "2018-05-01"}],
        "language_tests": [ENGLISH, FRENCH],
    }
    if married:
        doc["spouse"] = {"accompanying": True, "canadian_citizen_or_pr": False}
    if first:
        doc["first_official_language"] = first
    return doc


def test_with_an_accompanying_spouse_the_with_spouse_table_chooses() -> None:
    profile = parse_profile(_profile(married=True))
    assert derive(profile, ON).with_spouse
    assert derive(profile, ON).principal.first_language == "french"
    # and French first is indeed the better total for this profile
    totals = {
        lang: score(parse_profile(_profile(married=True, first=lang)), ON).total
        for lang in ("english", "french")
    }
    assert totals["french"] > totals["english"]
    assert score(profile, ON).total == totals["french"]


def test_a_single_profile_ranks_by_the_single_table() -> None:
    # 52 points each by the single table: a tie goes to English, as before
    profile = parse_profile(_profile(married=False))
    assert derive(profile, ON).principal.first_language == "english"


def test_a_spouse_who_does_not_accompany_is_scored_single() -> None:
    doc = _profile(married=True)
    doc["spouse"]["accompanying"] = False
    assert derive(parse_profile(doc), ON).principal.first_language == "english"
