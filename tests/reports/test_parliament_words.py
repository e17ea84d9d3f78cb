"""The report to Parliament speaks to people (issue 17): no notes kept for the data's
maintainers ("read in outline only", "(as read)", "effective_to (...) is the day before...")."""

from __future__ import annotations

import re

import pytest

from expressentry.reports import build
from expressentry.reports.render import render

INTERNAL = (
    "read in outline only",
    "(as read)",
    "was not read)",
    "effective_to",
    "effective_from",
    "Provenance",
    "kept out of the reports",
    "(slug ",
)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_the_report_holds_no_maintainers_notes(lang: str, year: int) -> None:
    text = render(build("parliament", year=year, lang=lang), "md").decode()
    found = [phrase for phrase in INTERNAL if phrase in text]
    assert not found, found
    # no snake_case identifiers of the data files either
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", re.sub(r"\(https?://[^)]*\)", "", text))


def test_the_french_report_says_which_texts_are_quoted_in_english() -> None:
    text = render(build("parliament", year=2025, lang="fr"), "md").decode()
    assert "rédigés en anglais seulement" in text
    english = render(build("parliament", year=2025, lang="en"), "md").decode()
    assert "written in English" not in english


def test_the_data_keeps_its_notes() -> None:
    doc = build("parliament", year=2025).document()
    assert any(c["notes"] for c in doc["categories"])
