"""The report to Parliament: categories from the category data files, their goals, reasons and
instructions, the invitations per category, consultations and the occupation lists."""

from __future__ import annotations

from typing import Any

import pytest

from expressentry.reports import build
from expressentry.reports.render import to_html, to_markdown
from expressentry.rules.categories import default_categories


@pytest.fixture(scope="module")
def report_2023() -> Any:
    return build("parliament", year=2023)


def test_categories_come_from_the_data_files(report_2023: Any) -> None:
    doc = report_2023.document()
    book = default_categories()
    expected = [(v.slug, v.year) for v in book if v.year == 2023]
    assert [(c["slug"], c["year"]) for c in doc["categories"]] == expected
    assert len(expected) == 6
    for c in doc["categories"]:
        version = next(v for v in book.versions(c["slug"]) if v.year == c["year"])
        assert c["economic_goal"] == version.economic_goal
        assert c["selection_rationale"] == version.selection_rationale
        assert c["consultation_notes"] == version.consultation_notes
        assert c["effective_from"] == "2023-05-31" and c["established_in_year"]
        assert c["criteria"] and all(isinstance(x, str) and x for x in c["criteria"])


def test_occupation_lists_are_annexed(report_2023: Any) -> None:
    doc = report_2023.document()
    counts = {c["slug"]: len(c["occupations"]) for c in doc["categories"]}
    assert counts == {
        "agriculture_and_agri_food": 3,
        "french_language_proficiency": 0,
        "healthcare": 35,
        "stem": 24,
        "trades": 10,
        "transport": 10,
    }
    annexes = {c["slug"]: c["annex"] for c in doc["categories"]}
    assert annexes["french_language_proficiency"] is None
    assert sorted(a for a in annexes.values() if a) == ["A1", "A2", "A3", "A4", "A5"]
    tables = {t.id: t for t in report_2023.tables()}
    stem = next(c for c in doc["categories"] if c["slug"] == "stem")
    annex = tables[f"annex_{stem['annex']}"]
    assert [r["noc"] for r in annex.rows][:3] == ["20010", "20011", "20012"]


def test_invitations_per_category(report_2023: Any) -> None:
    inv = report_2023.document()["invitations"]
    assert inv["total"] == 110_266
    assert inv["category_total"] == 25_870 and inv["category_rounds"] == 17
    assert inv["by_category"]["stem"]["invitations"] == 6400
    assert inv["by_category"]["french_language_proficiency"]["rounds"] == 6
    csv_rows = {r["category"]: r for r in report_2023.csv_rows}
    assert csv_rows["transport"]["invitations"] == 1670


def test_the_words_a_reader_needs(report_2023: Any) -> None:
    text = to_markdown(report_2023)
    assert "10.3(1)(h.1)" in text  # the legal basis
    assert "Economic goal" in text and "Why the category was chosen" in text
    assert "NCLC 7 or higher in all four abilities of French" in text  # criteria in words
    assert "2022-2023 consultations" in text  # consultation notes
    assert "Annex A1" in text
    html = to_html(report_2023)
    assert html.count("<svg") == 2  # invitations per category, lowest score invited


def test_a_year_of_changes_lists_both_versions() -> None:
    """2025: the 2024 instructions were in force until February 26, the 2025 ones after."""
    doc = build("parliament", year=2025).document()
    stem = [(c["year"], c["established_in_year"]) for c in doc["categories"] if c["slug"] == "stem"]
    assert stem == [(2024, False), (2025, True)]
    by_category = doc["invitations"]["by_category"]
    assert by_category["stem"]["rounds"] == 0  # no STEM round in 2025: reported as zero
    assert by_category["education"]["invitations"] == 3500
    physicians = [c for c in doc["categories"] if c["slug"].startswith("physicians")]
    assert physicians and physicians[0]["effective_from"] == "2025-12-08"


def test_parliament_from_the_system(system_db: str) -> None:
    from expressentry.pool.db import connect

    engine = connect(system_db)
    try:
        doc = build("parliament", year=2025, source="system", engine=engine).document()
    finally:
        engine.dispose()
    inv = doc["invitations"]
    assert inv["by_category"]["french_language_proficiency"]["invitations"] == 10
    assert inv["by_category"]["healthcare_and_social_services"]["invitations"] == 5
    assert doc["source"] == "system"
