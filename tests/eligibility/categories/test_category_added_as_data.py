"""A category the Minister establishes is a data file: it is evaluated with no code change."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from expressentry.eligibility.assess import assess
from expressentry.eligibility.categories import assess_categories, context
from expressentry.profile.facts import derive
from expressentry.profile.model import Profile, parse_profile
from expressentry.rules.categories import CATEGORIES_DIR, CategoryBook, default_categories

NEW_CATEGORY = """\
slug: aerospace
official_name: "Aerospace occupations"
year: 2026
instruction_label: null
effective_from: 2026-09-01
effective_to: null
priority: false
reference:
  title: "A test category"
  citation: "Not a real Ministerial Instruction: a fixture for the tests"
last_verified_on: 2026-11-25
economic_goal: Address labour shortages in aerospace.
selection_rationale: A test fixture.
consultation_notes: None.
criteria:
  - kind: language
    language: english
    minimum: 7
    abilities: all
  - kind: occupation_experience
    occupations: ['21390', '22313']   # inline: aerospace engineers; avionics technicians
    single_occupation: true
    minimum_months: 9
    full_time_hours_per_week: 30
    part_time_equivalent: true
    continuous: false
    window_years: 2
    location: canada
notes:
  - A category written for the tests.
"""

AS_OF = dt.date(2026, 10, 1)


@pytest.fixture
def book(tmp_path: Path) -> CategoryBook:
    data = tmp_path / "categories"
    shutil.copytree(CATEGORIES_DIR, data)
    (data / "2026" / "aerospace.yaml").write_text(NEW_CATEGORY, encoding="utf-8")
    return CategoryBook.load(data)


def _profile(*, country: str = "CA", start: str = "2025-12-01", writing: float = 7.0) -> Profile:
    return parse_profile(
        {
            "date_of_birth": "1990-01-01",
            "language_tests": [
                {
                    "test": "ielts_general",
                    "taken_on": "2026-01-10",
                    "listening": 8.0,
                    "reading": 7.0,
                    "writing": writing,
                    "speaking": 7.0,
                }
            ],
            "work_history": [
                {"noc": "21390", "country": country, "start": start, "hours_per_week": 40}
            ],
        }
    )


def _results(book: CategoryBook, profile: Profile, as_of: dt.date = AS_OF) -> dict[str, object]:
    ctx = context(profile, as_of, derive(profile, as_of).principal, 5)
    return {r.slug: r for r in assess_categories(ctx, book)}


def test_the_new_file_is_loaded_beside_the_shipped_ones(book: CategoryBook) -> None:
    assert "aerospace" in book.slugs()
    assert "aerospace" not in default_categories().slugs()
    shipped = {v.slug for v in default_categories().in_force(AS_OF)}
    assert {v.slug for v in book.in_force(AS_OF)} == shipped | {"aerospace"}
    version = book.version_at("aerospace", AS_OF)
    (criterion,) = [c for c in version.criteria if c.kind == "occupation_experience"]
    assert criterion.occupations.file is None  # listed inline, not in a CSV file
    assert criterion.occupations.codes() == {"21390", "22313"}


def test_the_new_category_is_evaluated(book: CategoryBook) -> None:
    result = _results(book, _profile())["aerospace"]
    assert result.eligible, result.summary
    assert result.year == 2026
    assert "9 months in 21390 Aerospace engineers in Canada" in result.summary
    assert "CLB 9+ in all four English abilities" in result.summary


def test_each_criterion_of_the_new_category_can_fail(book: CategoryBook) -> None:
    abroad = _results(book, _profile(country="US"))["aerospace"]
    assert abroad.reasons == [
        "no paid work in a listed occupation in Canada: the work in 21390 was outside Canada"
    ]
    short = _results(book, _profile(start="2026-02-01"))["aerospace"]
    assert short.reasons == [
        "7 months of full-time-equivalent work in 21390 in Canada within the past 2 years; "
        "9 months (need not be continuous) needed"
    ]
    weak = _results(book, _profile(writing=5.5))["aerospace"]
    assert weak.reasons == ["CLB 7 needed in all four English abilities; writing is CLB 6"]


def test_not_in_force_before_its_date(book: CategoryBook) -> None:
    assert "aerospace" not in _results(book, _profile(), dt.date(2026, 8, 31))


def test_the_eligibility_document_holds_the_new_category(book: CategoryBook) -> None:
    doc = assess(_profile(), AS_OF, categories=book).document()
    assert doc["categories"]["aerospace"] == {"eligible": True, "reasons": []}
    assert set(doc["categories"]) == {v.slug for v in book.in_force(AS_OF)}
    assert "aerospace" not in assess(_profile(), AS_OF).document()["categories"]


def test_notes_are_optional(tmp_path: Path) -> None:
    data = tmp_path / "categories"
    (data / "2026").mkdir(parents=True)
    text = NEW_CATEGORY.replace("notes:\n  - A category written for the tests.\n", "")
    assert "\nnotes:" not in text
    (data / "2026" / "aerospace.yaml").write_text(text, encoding="utf-8")
    assert CategoryBook.load(data).slugs() == ["aerospace"]
