"""From IRCC's real rounds history the reports reproduce the published figures: 110,266
invitations in 2023 and 98,903 in 2024 (Express Entry year-end reports), and the invitations per
category and year (research notes, categories.md section 5)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from expressentry.reports import build

ROOT = Path(__file__).resolve().parents[2]
SHARED_CSV = ROOT.parent / "shared" / "data" / "categories" / "invitations_by_category_by_year.csv"

#: IRCC's annual totals
TOTALS = {2023: 110_266, 2024: 98_903}

#: (year, category): (rounds, invitations), from invitations_by_category_by_year.csv
PER_CATEGORY = {
    (2023, "agriculture_and_agri_food"): (2, 1000),
    (2023, "french_language_proficiency"): (6, 8700),
    (2023, "healthcare"): (3, 5600),
    (2023, "stem"): (2, 6400),
    (2023, "trades"): (2, 2500),
    (2023, "transport"): (2, 1670),
    (2024, "agriculture_and_agri_food"): (1, 150),
    (2024, "french_language_proficiency"): (11, 23000),
    (2024, "healthcare"): (3, 10250),
    (2024, "stem"): (1, 4500),
    (2024, "trades"): (2, 3600),
    (2024, "transport"): (1, 975),
    (2025, "education"): (2, 3500),
    (2025, "french_language_proficiency"): (9, 48000),
    (2025, "healthcare_and_social_services"): (7, 14500),
    (2025, "trades"): (1, 1250),
    (2026, "french_language_proficiency"): (9, 45500),
    (2026, "healthcare_and_social_services"): (2, 8000),
    (2026, "physicians_with_canadian_work_experience"): (2, 662),
    (2026, "senior_managers_with_canadian_work_experience"): (2, 750),
    (2026, "skilled_military_recruits"): (1, 4),
    (2026, "trades"): (1, 3000),
    (2026, "transport"): (1, 300),
}
#: invitations in category-based rounds per year (categories.md: 25,870; 42,475; 67,250)
CATEGORY_TOTALS = {2023: (17, 25_870), 2024: (19, 42_475), 2025: (19, 67_250)}


@pytest.fixture(scope="module")
def all_years() -> dict[str, Any]:
    return build("categories").document()


@pytest.mark.parametrize("year", sorted(TOTALS))
def test_annual_totals(year: int) -> None:
    doc = build("categories", year=year).document()
    figures = doc["years"][str(year)]
    assert figures["invitations"] == TOTALS[year]
    by_type = figures["round_type"]
    assert sum(v["invitations"] for v in by_type.values()) == TOTALS[year]


@pytest.mark.parametrize("year", sorted(TOTALS))
def test_annual_totals_in_the_rounds_report(year: int) -> None:
    report = build("rounds", year=year)
    assert report.data["summary"]["invitations"] == TOTALS[year]
    assert sum(row["invitations"] for row in report.csv_rows or []) == TOTALS[year]


def test_per_category_figures(all_years: dict[str, Any]) -> None:
    found = {
        (int(year), slug): (v["rounds"], v["invitations"])
        for year, figures in all_years["years"].items()
        for slug, v in figures["category"].items()
    }
    assert found == PER_CATEGORY


@pytest.mark.parametrize("year", sorted(CATEGORY_TOTALS))
def test_category_round_totals(all_years: dict[str, Any], year: int) -> None:
    v = all_years["years"][str(year)]["round_type"]["category"]
    assert (v["rounds"], v["invitations"]) == CATEGORY_TOTALS[year]


@pytest.mark.skipif(not SHARED_CSV.is_file(), reason="shared research data not beside the repo")
def test_per_category_figures_match_the_research_csv(all_years: dict[str, Any]) -> None:
    with SHARED_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        figures = all_years["years"][row["year"]]
        v = figures["category"][row["category_slug"]]
        assert (v["rounds"], v["invitations"]) == (int(row["rounds"]), int(row["invitations"]))
        assert figures["invitations"] == int(row["all_rounds_invitations_that_year"])


def test_categories_csv_from_the_cli(report_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "categories-2024.csv"
    result = report_cli("categories", "--year", "2024", "--out", str(out))
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["dimension"] == "total")
    assert int(total["invitations"]) == 98_903
    categories = {r["key"]: int(r["invitations"]) for r in rows if r["dimension"] == "category"}
    assert categories == {slug: n for (y, slug), (_, n) in PER_CATEGORY.items() if y == 2024}
    by_type = [r for r in rows if r["dimension"] == "round_type"]
    assert sum(int(r["invitations"]) for r in by_type) == 98_903


def test_categories_json_from_the_cli(report_cli: Any) -> None:
    result = report_cli("categories", "--year", "2023", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["report"] == "categories" and doc["source"] == "history"
    assert doc["years"]["2023"]["invitations"] == 110_266
    assert doc["years"]["2023"]["program"] == {
        "fsw": {"rounds": 1, "invitations": 3300},
        "pnp": {"rounds": 5, "invitations": 4396},
    }


def test_parliament_invitations_per_category() -> None:
    doc = build("parliament", year=2024).document()
    by_category = doc["invitations"]["by_category"]
    for (year, slug), (rounds, invitations) in PER_CATEGORY.items():
        if year == 2024:
            assert (by_category[slug]["rounds"], by_category[slug]["invitations"]) == (
                rounds,
                invitations,
            )
    assert doc["invitations"]["total"] == 98_903
    assert doc["invitations"]["category_total"] == 42_475
