"""The shipped category data, checked against the research index and IRCC's round records."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from expressentry.rules import noc
from expressentry.rules.categories import (
    CATEGORIES_DIR,
    CategoryNotInForce,
    CategoryVersion,
    CredentialCriterion,
    JobOfferCriterion,
    LanguageCriterion,
    OccupationExperienceCriterion,
    UnknownCategory,
    default_categories,
    occupation_table,
)

# categories_index.csv is a copy of the research index: an independent check of the YAML files
INDEX = list(
    csv.DictReader((Path(__file__).parent / "categories_index.csv").open(encoding="utf-8"))
)
ROUNDS = list(csv.DictReader((CATEGORIES_DIR / "category_rounds_2023_2026.csv").open()))

#: a date inside each year on which every category of that year's index rows is in force
YEAR_DATES = {
    2023: dt.date(2023, 7, 1),
    2024: dt.date(2024, 7, 1),
    2025: dt.date(2025, 12, 15),  # after the physicians category of 2025-12-08
    2026: dt.date(2026, 7, 1),
}


def _version(slug: str, year: int) -> CategoryVersion:
    (version,) = [v for v in default_categories().versions(slug) if v.year == year]
    return version


def _codes(slug: str, on: dt.date) -> set[str]:
    return {o.code for o in default_categories().version_at(slug, on).occupations()}


@pytest.mark.parametrize("year", sorted(YEAR_DATES))
def test_categories_in_force_each_year_match_the_index(year: int) -> None:
    expected = {row["category_slug"] for row in INDEX if int(row["year"]) == year}
    in_force = default_categories().in_force(YEAR_DATES[year])
    assert {v.slug for v in in_force} == expected
    assert len(in_force) == len(expected)  # one version per category


def test_physicians_category_starts_2025_12_08() -> None:
    book = default_categories()
    slugs = {v.slug for v in book.in_force(dt.date(2025, 12, 7))}
    assert "physicians_with_canadian_work_experience" not in slugs
    assert (
        book.version_at("physicians_with_canadian_work_experience", dt.date(2025, 12, 8)).year
        == 2025
    )


@pytest.mark.parametrize("row", INDEX, ids=lambda r: f"{r['year']}-{r['category_slug']}")
def test_each_version_matches_its_index_row(row: dict[str, str]) -> None:
    version = _version(row["category_slug"], int(row["year"]))
    assert version.official_name == row["official_name"]
    assert version.in_force(YEAR_DATES[version.year])
    if not row["round_name_label"].startswith("("):  # "(no round held in 2025)"
        assert version.instruction_label == row["round_name_label"]
    if not row["occupation_count"]:  # French: a language category
        assert version.occupations() == ()
        (language,) = version.criteria_of(LanguageCriterion)
        assert (language.language, language.minimum) == ("french", 7)
        assert language.abilities == ("listening", "speaking", "reading", "writing")
        return
    assert len(version.occupations()) == int(row["occupation_count"])
    (experience,) = version.criteria_of(OccupationExperienceCriterion)
    assert experience.occupations.file == row["occupations_file"]
    assert experience.minimum_months == int(row["min_experience_months"])
    if row["experience_must_be_continuous"] in ("yes", "no"):
        assert experience.continuous is (row["experience_must_be_continuous"] == "yes")
    location = {"Canada or abroad": "anywhere", "Canada only": "canada"}
    if row["experience_location"] in location:
        assert experience.location == location[row["experience_location"]]
    assert (experience.window_years, experience.full_time_hours_per_week) == (3, 30)
    assert experience.single_occupation and experience.part_time_equivalent


@pytest.mark.parametrize("row", ROUNDS, ids=lambda r: f"round-{r['round_number']}")
def test_every_category_round_falls_in_a_version_with_its_label(row: dict[str, str]) -> None:
    version = default_categories().version_at(
        row["category_slug"], dt.date.fromisoformat(row["date"])
    )
    assert version.instruction_label == row["round_name"]


def test_invitation_totals_sum_the_rounds() -> None:
    totals: Counter[tuple[str, str]] = Counter()
    counts: Counter[tuple[str, str]] = Counter()
    for r in ROUNDS:
        key = (r["date"][:4], r["category_slug"])
        totals[key] += int(r["invitations"])
        counts[key] += 1
    with (CATEGORIES_DIR / "invitations_by_category_by_year.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert {(r["year"], r["category_slug"]): int(r["invitations"]) for r in rows} == totals
    assert {(r["year"], r["category_slug"]): int(r["rounds"]) for r in rows} == counts


def test_every_listed_occupation_is_the_noc_2021_unit_group() -> None:
    for version in default_categories():
        for occupation in version.occupations():
            group = noc.lookup(occupation.code)
            assert group is not None
            assert (occupation.title, occupation.teer) == (group.title, group.teer)


def test_2024_lists_repeat_2023() -> None:
    for slug in ("healthcare", "stem", "trades", "transport", "agriculture_and_agri_food"):
        assert _version(slug, 2024).occupations() == _version(slug, 2023).occupations()


def test_42203_moved_from_healthcare_to_education_in_2025() -> None:
    for year in (2023, 2024):
        on = YEAR_DATES[year]
        assert "42203" in _codes("healthcare", on)
    for year in (2025, 2026):
        on = YEAR_DATES[year]
        assert "42203" in _codes("education", on)
        assert "42203" not in _codes("healthcare_and_social_services", on)


def test_63201_moved_from_agriculture_to_trades_in_2026() -> None:
    for year in (2023, 2024, 2025):
        on = YEAR_DATES[year]
        assert "63201" in _codes("agriculture_and_agri_food", on)
        assert "63201" not in _codes("trades", on)
    assert "63201" in _codes("trades", YEAR_DATES[2026])
    assert "63200" in _codes("trades", YEAR_DATES[2025])  # cooks: trades in 2025 only
    assert "63200" not in _codes("trades", YEAR_DATES[2026])
    with pytest.raises(CategoryNotInForce):
        default_categories().version_at("agriculture_and_agri_food", YEAR_DATES[2026])


def test_physicians_are_in_two_categories() -> None:
    on = YEAR_DATES[2026]
    doctors = {"31100", "31101", "31102"}
    assert _codes("physicians_with_canadian_work_experience", on) == doctors
    assert doctors <= _codes("healthcare_and_social_services", on)


def test_experience_rules_by_year() -> None:
    six = _version("stem", 2023).criteria_of(OccupationExperienceCriterion)[0]
    assert (six.minimum_months, six.continuous, six.minimum_hours) == (6, True, 780)
    twelve = _version("stem", 2026).criteria_of(OccupationExperienceCriterion)[0]
    assert (twelve.minimum_months, twelve.continuous, twelve.minimum_hours) == (12, False, 1560)
    for slug in (
        "physicians_with_canadian_work_experience",
        "senior_managers_with_canadian_work_experience",
        "researchers_with_canadian_work_experience",
    ):
        (experience,) = _version(slug, 2026).criteria_of(OccupationExperienceCriterion)
        assert experience.location == "canada"


def test_skilled_military_recruits_need_a_caf_offer_and_a_credential() -> None:
    version = _version("skilled_military_recruits", 2026)
    assert {c.kind for c in version.criteria} == {
        "attestation",
        "occupation_experience",
        "job_offer",
        "credential",
    }
    (offer,) = version.criteria_of(JobOfferCriterion)
    assert (offer.employer, offer.minimum_months) == ("Canadian Armed Forces", 36)
    (credential,) = version.criteria_of(CredentialCriterion)
    assert (credential.minimum_years, credential.eca_required_if_foreign) == (2, True)


def test_priority_categories_2025() -> None:
    on = YEAR_DATES[2025]
    priority = {v.slug for v in default_categories().in_force(on) if v.priority}
    assert priority == {
        "french_language_proficiency",
        "healthcare_and_social_services",
        "trades",
        "education",
    }


def test_every_version_cites_a_reference_and_says_why() -> None:
    for version in default_categories():
        assert version.reference.title and (version.reference.href or version.reference.citation)
        assert version.economic_goal and version.selection_rationale and version.consultation_notes
        assert version.source.name == f"{version.slug}.yaml"


def test_version_at_explains_when_a_category_is_in_force() -> None:
    with pytest.raises(CategoryNotInForce) as info:
        default_categories().version_at("transport", dt.date(2025, 6, 1))
    message = str(info.value)
    assert "'transport'" in message and "2025-06-01" in message
    assert "2023-05-31 to 2025-02-26 and from 2026-02-18" in message
    with pytest.raises(LookupError, match="2023-05-30"):
        default_categories().version_at("stem", dt.date(2023, 5, 30))
    with pytest.raises(UnknownCategory, match="'stm'"):
        default_categories().version_at("stm", dt.date(2025, 6, 1))


def test_in_force_order_is_stable() -> None:
    book = default_categories()
    on = YEAR_DATES[2026]
    slugs = [v.slug for v in book.in_force(on)]
    assert slugs == [s for s in book.slugs() if s in slugs]
    assert book.slugs()[:6] == sorted(book.slugs()[:6])  # the 2023 categories, by slug


@given(st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2027, 12, 31)))
def test_in_force_and_version_at_agree(on: dt.date) -> None:
    book = default_categories()
    in_force = {v.slug: v for v in book.in_force(on)}
    for slug in book.slugs():
        if slug in in_force:
            assert book.version_at(slug, on) is in_force[slug]
        else:
            with pytest.raises(CategoryNotInForce):
                book.version_at(slug, on)


def test_occupation_table_keeps_table_order() -> None:
    version = _version("healthcare", 2023)
    with (CATEGORIES_DIR / "2023_healthcare.csv").open() as fh:
        assert [o.code for o in occupation_table(version)] == [
            r["noc_code"] for r in csv.DictReader(fh)
        ]
    assert occupation_table(version, "") == occupation_table(version)
    assert occupation_table(version)[-1].row() == (
        "Instructors of persons with disabilities",
        "42203",
        2,
    )


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("carpenters", ["72310"]),
        ("CARPENTERS", ["72310"]),
        ("ÉLECTRICIANS", ["72200", "72201"]),
        ("électric", ["72200", "72201", "72422"]),
        ("7231", ["72310", "72311"]),
        ("  roofers  ", ["73110"]),
        ("machining inspectors", ["72100"]),
        ("nothing like this", []),
    ],
)
def test_occupation_table_filter(text: str, codes: list[str]) -> None:
    version = _version("trades", 2025)
    assert [o.code for o in occupation_table(version, text)] == codes
