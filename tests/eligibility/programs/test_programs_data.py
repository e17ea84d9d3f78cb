"""The program rule tables (``rules/data/programs``): every version is dated and cited."""

from __future__ import annotations

import datetime as dt

import pytest

from expressentry.rules.tables import DATA_DIR, RuleBook, default_rulebook

PROGRAM_TABLES = sorted(p.stem for p in (DATA_DIR / "programs").glob("*.yaml"))
EXPECTED = {"cec", "eca_validity", "fst", "fst_trades", "fsw", "fsw_grid", "proof_of_funds"}


def test_every_expected_table_is_there() -> None:
    assert set(PROGRAM_TABLES) >= EXPECTED


@pytest.mark.parametrize("stem", PROGRAM_TABLES)
def test_every_version_has_an_effective_date_and_a_reference(stem: str) -> None:
    table = default_rulebook()[f"programs.{stem}"]
    assert table.description.strip()
    assert table.last_verified_on == dt.date(2026, 11, 25)
    assert table.versions
    for version in table.versions:
        assert isinstance(version.effective_from, dt.date)
        assert version.reference.title.strip()
        assert version.reference.href or version.reference.citation
        assert version.value is not None


@pytest.mark.parametrize("stem", PROGRAM_TABLES)
def test_versions_are_in_date_order(stem: str) -> None:
    starts = [v.effective_from for v in default_rulebook()[f"programs.{stem}"].versions]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_tables_load_in_a_fresh_rulebook() -> None:
    book = RuleBook.load(DATA_DIR)
    for stem in EXPECTED:
        assert book[f"programs.{stem}"].at(dt.date(2025, 6, 1)) is not None


def test_programs_are_in_force_from_the_start_of_express_entry() -> None:
    book = default_rulebook()
    for stem in ("cec", "fst", "fst_trades", "fsw", "fsw_grid"):
        assert book[f"programs.{stem}"].versions[0].effective_from <= dt.date(2015, 1, 1)


def test_proof_of_funds_tables_are_complete_and_rising() -> None:
    versions = default_rulebook()["programs.proof_of_funds"].versions
    previous = None
    for v in versions:
        amounts = v.value["amounts"]
        assert sorted(amounts) == list(range(1, 8))
        assert all(amounts[n] < amounts[n + 1] for n in range(1, 7))
        assert v.value["each_additional"] > 0
        if previous is not None:
            assert all(amounts[n] > previous[n] for n in amounts), v.effective_from
        previous = amounts


def test_proof_of_funds_dates_from_the_research() -> None:
    table = default_rulebook()["programs.proof_of_funds"]
    assert table.at(dt.date(2024, 5, 27))["amounts"][1] == 13757
    assert table.at(dt.date(2024, 5, 28))["amounts"][1] == 14690
    assert table.at(dt.date(2025, 7, 6))["amounts"][1] == 14690
    assert table.at(dt.date(2025, 7, 7))["amounts"][1] == 15263
    assert table.at(dt.date(2025, 7, 7))["each_additional"] == 4112
    assert table.at(dt.date(2020, 6, 1))["amounts"][1] == 12960


def test_fsw_grid_maximums_add_up_to_100() -> None:
    grid = default_rulebook()["programs.fsw_grid"].at(dt.date(2025, 6, 1))
    language = 4 * max(grid["language"]["first_per_ability"].values())
    language += grid["language"]["second_points"]
    total = (
        language
        + max(grid["education"].values())
        + max(grid["experience"].values())
        + max(grid["age"].values())
        + grid["arranged_employment"]
        + grid["adaptability"]["cap"]
    )
    assert (language, total, grid["pass_mark"]) == (28, 100, 67)
