"""Loading category files: a new category is data only; bad data is rejected with file and line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from expressentry.rules.categories import (
    CATEGORIES_DIR,
    CRITERIA,
    AttestationCriterion,
    CategoryBook,
    CategoryDataError,
    Criterion,
    Where,
    occupation_table,
)
from expressentry.rules.tables import RuleDataError

CONSTRUCTION = """\
slug: construction
official_name: Construction occupations
year: 2027
instruction_label: null
effective_from: 2027-01-01
effective_to: null
priority: true
reference:
  title: "Express Entry: Category-based selection"
  citation: Ministerial Instructions establishing the category (example)
last_verified_on: 2027-01-01
economic_goal: Address labour shortages in residential construction.
selection_rationale: Example category for the loader tests.
consultation_notes: None (test data).
criteria:
  - kind: occupation_experience
    occupations:
      - "72310"
      - "72300"
      - "70010"
    single_occupation: true
    minimum_months: 12
    full_time_hours_per_week: 30
    part_time_equivalent: true
    continuous: false
    window_years: 3
    location: anywhere
  - kind: language
    language: first_official
    minimum: 5
    abilities: [speaking, listening]
notes:
  - An example added by the tests.
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped category data."""
    target = tmp_path / "categories"
    shutil.copytree(CATEGORIES_DIR, target)
    return target


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` once in ``path``; returns the line where ``new`` starts."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text[: text.index(new)].count("\n") + 1


def _rejected(data_dir: Path) -> str:
    with pytest.raises(CategoryDataError) as info:
        CategoryBook.load(data_dir)
    return str(info.value)


def test_a_new_category_is_one_data_file(data_dir: Path) -> None:
    _write(data_dir / "2027" / "construction.yaml", CONSTRUCTION)
    book = CategoryBook.load(data_dir)
    on = dt.date(2027, 6, 1)
    in_force = {v.slug: v for v in book.in_force(on)}
    assert "construction" in in_force
    version = book.version_at("construction", on)
    assert version is in_force["construction"] and version.priority
    assert [o.code for o in version.occupations()] == ["72310", "72300", "70010"]
    assert occupation_table(version, "carp")[0].title == "Carpenters"  # title from NOC 2021
    assert version.occupations()[2].teer == 0
    language = version.criteria[1]
    assert language.abilities == ("listening", "speaking")  # type: ignore[attr-defined]
    assert book.slugs()[-1] == "construction"
    assert "construction" not in {v.slug for v in book.in_force(dt.date(2026, 12, 31))}


def test_category_errors_are_rule_data_errors() -> None:
    assert issubclass(CategoryDataError, RuleDataError)
    assert issubclass(CategoryDataError, ValueError)


def test_unknown_criterion_kind(data_dir: Path) -> None:
    line = _edit(
        data_dir / "2023" / "stem.yaml",
        "kind: occupation_experience",
        "kind: occupation_experiance",
    )
    message = _rejected(data_dir)
    assert "stem.yaml" in message and f"line {line})" in message
    assert "occupation_experiance" in message and "language" in message  # lists the known kinds


def test_unknown_top_level_field(data_dir: Path) -> None:
    line = _edit(
        data_dir / "2025" / "education.yaml", "priority: true", "priority: true\ncolour: red"
    )
    message = _rejected(data_dir)
    assert "education.yaml" in message and f"line {line + 1})" in message and "'colour'" in message


def test_unknown_criterion_field(data_dir: Path) -> None:
    line = _edit(data_dir / "2026" / "trades.yaml", "window_years: 3", "window_year: 3")
    message = _rejected(data_dir)
    assert "trades.yaml" in message and f"line {line})" in message and "'window_year'" in message


def test_missing_criterion_field(data_dir: Path) -> None:
    _edit(data_dir / "2026" / "trades.yaml", "    window_years: 3", "    # no window")
    message = _rejected(data_dir)
    assert "trades.yaml" in message and "'window_years'" in message and "line " in message


def test_wrong_field_type(data_dir: Path) -> None:
    line = _edit(data_dir / "2023" / "trades.yaml", "minimum_months: 6", "minimum_months: six")
    message = _rejected(data_dir)
    assert "trades.yaml" in message and f"line {line})" in message and "minimum_months" in message


def test_inline_noc_code_not_in_noc_2021(data_dir: Path) -> None:
    path = _write(data_dir / "2027" / "construction.yaml", CONSTRUCTION)
    line = _edit(path, '- "72300"', '- "72399"')
    message = _rejected(data_dir)
    assert "construction.yaml" in message and f"line {line})" in message
    assert "'72399' is not a NOC 2021 unit group" in message


def test_unquoted_noc_code(data_dir: Path) -> None:
    path = _write(data_dir / "2027" / "construction.yaml", CONSTRUCTION)
    line = _edit(path, '- "72300"', "- 00012")
    message = _rejected(data_dir)
    assert "construction.yaml" in message and f"line {line})" in message and "quoted" in message


def test_duplicate_noc_code(data_dir: Path) -> None:
    path = _write(data_dir / "2027" / "construction.yaml", CONSTRUCTION)
    first = _edit(path, '- "72300"', '- "72310"')  # the line of the first 72310
    message = _rejected(data_dir)
    assert f"line {first + 1})" in message and "NOC code 72310 is listed twice" in message


def test_csv_noc_code_not_in_noc_2021(data_dir: Path) -> None:
    csv_line = _edit(data_dir / "2025_stem.csv", "21331,Geological", "21339,Geological")
    yaml_line = _edit(
        data_dir / "2025" / "stem.yaml", "{file: 2025_stem.csv}", "{file: 2025_stem.csv} "
    )
    message = _rejected(data_dir)
    assert f"2025_stem.csv (line {csv_line})" in message and "'21339'" in message
    assert f"stem.yaml (line {yaml_line})" in message  # and where the file is listed


def test_csv_teer_must_match_the_code(data_dir: Path) -> None:
    csv_line = _edit(
        data_dir / "2025_stem.csv",
        "63100,Insurance agents and brokers,3",
        "63100,Insurance agents and brokers,1",
    )
    message = _rejected(data_dir)
    assert f"2025_stem.csv (line {csv_line})" in message and "TEER" in message


def test_occupation_file_that_does_not_exist(data_dir: Path) -> None:
    line = _edit(
        data_dir / "2024" / "transport.yaml",
        "{file: 2024_transport.csv}",
        "{file: 2024_transprt.csv}",
    )
    message = _rejected(data_dir)
    assert (
        "transport.yaml" in message and f"line {line})" in message and "does not exist" in message
    )


def test_occupation_file_outside_the_folder(data_dir: Path) -> None:
    _edit(data_dir / "2024" / "transport.yaml", "{file: 2024_transport.csv}", "{file: ../x.csv}")
    assert "must be a .csv file in" in _rejected(data_dir)


def test_end_before_start(data_dir: Path) -> None:
    line = _edit(
        data_dir / "2023" / "stem.yaml", "effective_to: 2023-12-31", "effective_to: 2023-01-01"
    )
    message = _rejected(data_dir)
    assert "stem.yaml" in message and f"line {line})" in message
    assert "2023-01-01 is before effective_from 2023-05-31" in message


def test_overlapping_versions_of_one_slug(data_dir: Path) -> None:
    line = _edit(
        data_dir / "2024" / "stem.yaml", "effective_from: 2024-01-01", "effective_from: 2023-12-01"
    )
    message = _rejected(data_dir)
    assert f"2024/stem.yaml (line {line})" in message
    assert "overlaps" in message and "2023/stem.yaml" in message


def test_a_second_open_ended_version_overlaps(data_dir: Path) -> None:
    text = (data_dir / "2026" / "stem.yaml").read_text().replace("year: 2026", "year: 2027")
    text = text.replace("effective_from: 2026-02-18", "effective_from: 2027-01-01")
    _write(data_dir / "2027" / "stem.yaml", text)
    message = _rejected(data_dir)
    assert "2027/stem.yaml" in message and "overlaps" in message and "open-ended" in message


def test_slug_must_match_the_file_name(data_dir: Path) -> None:
    line = _edit(data_dir / "2023" / "stem.yaml", "slug: stem", "slug: steam")
    message = _rejected(data_dir)
    assert "stem.yaml" in message and f"line {line})" in message and "'steam'" in message


def test_year_must_match_the_folder(data_dir: Path) -> None:
    line = _edit(data_dir / "2023" / "stem.yaml", "year: 2023", "year: 2024")
    message = _rejected(data_dir)
    assert "stem.yaml" in message and f"line {line})" in message and "folder" in message


def test_duplicate_key(data_dir: Path) -> None:
    line = _edit(
        data_dir / "2023" / "stem.yaml", "priority: false", "priority: false\npriority: true"
    )
    message = _rejected(data_dir)
    assert "stem.yaml" in message and f"line {line + 1})" in message and "duplicate" in message


def test_invalid_yaml(data_dir: Path) -> None:
    _edit(data_dir / "2023" / "stem.yaml", "priority: false", "priority: [false")
    message = _rejected(data_dir)
    assert "stem.yaml" in message and "not valid YAML" in message and "line " in message


def test_reference_needs_an_href_or_citation(data_dir: Path) -> None:
    path = _write(data_dir / "2027" / "construction.yaml", CONSTRUCTION)
    _edit(path, "  citation: Ministerial Instructions establishing the category (example)\n", "")
    message = _rejected(data_dir)
    assert "construction.yaml" in message and "href or a citation" in message


def test_language_abilities_are_checked(data_dir: Path) -> None:
    path = _write(data_dir / "2027" / "construction.yaml", CONSTRUCTION)
    line = _edit(path, "abilities: [speaking, listening]", "abilities: [speaking, singing]")
    message = _rejected(data_dir)
    assert f"line {line})" in message and "abilities" in message


def test_files_outside_a_year_folder_are_rejected(data_dir: Path) -> None:
    _write(data_dir / "stray.yaml", CONSTRUCTION)
    assert "stray.yaml" in _rejected(data_dir)


def test_a_new_kind_of_criterion_is_one_class() -> None:
    try:

        @dataclasses.dataclass(frozen=True, kw_only=True)
        class MinimumAge(Criterion, kind="test_minimum_age"):
            years: int = dataclasses.field(metadata={"min": 18})
            note: str | None = None

        assert CRITERIA["test_minimum_age"] is MinimumAge
        where = Where(Path("x.yaml"), 7)
        assert MinimumAge.from_data({"kind": "test_minimum_age", "years": 21}, where).years == 21
        with pytest.raises(
            CategoryDataError, match=r"x\.yaml \(line 7\): years: must be at least 18"
        ):
            MinimumAge.from_data({"kind": "test_minimum_age", "years": 16}, where)
    finally:
        CRITERIA.pop("test_minimum_age", None)


def test_attestation_criterion_reads_its_text() -> None:
    where = Where(Path("x.yaml"), 3)
    criterion = AttestationCriterion.from_data(
        {"kind": "attestation", "text": "Holds a licence."}, where
    )
    assert criterion.text == "Holds a licence." and criterion.note is None
    with pytest.raises(CategoryDataError, match="needs the field 'text'"):
        AttestationCriterion.from_data({"kind": "attestation"}, where)
