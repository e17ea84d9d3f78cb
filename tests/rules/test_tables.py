"""Every shipped rule table is dated and referenced; the loader rejects tables that are not."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from expressentry.rules.tables import (
    NotInForce,
    RuleBook,
    RuleDataError,
    default_rulebook,
    parse_table,
)

BOOK = default_rulebook()


@pytest.mark.parametrize("name", BOOK.names())
def test_every_version_has_an_effective_date_and_a_reference(name: str) -> None:
    table = BOOK[name]
    assert table.description.strip()
    assert table.last_verified_on <= dt.date.today()
    for version in table.versions:
        assert isinstance(version.effective_from, dt.date)
        assert version.reference.title
        assert version.reference.href or version.reference.citation


GOOD = """
description: a test table
last_verified_on: 2026-11-25
versions:
  - effective_from: 2015-01-01
    reference: {title: MI, citation: s. 1}
    value: 1
  - effective_from: 2020-01-01
    effective_to: 2020-12-31
    reference: {title: MI, citation: s. 2}
    value: 2
"""


def test_version_in_force_by_date() -> None:
    table = parse_table(GOOD, "t")
    assert table.at(dt.date(2015, 1, 1)) == 1
    assert table.at(dt.date(2019, 12, 31)) == 1
    assert table.at(dt.date(2020, 1, 1)) == 2
    assert table.at(dt.date(2020, 12, 31)) == 2
    with pytest.raises(NotInForce):
        table.at(dt.date(2021, 1, 1))
    with pytest.raises(NotInForce):
        table.at(dt.date(2014, 12, 31))


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD.replace("    reference: {title: MI, citation: s. 1}\n", ""), "reference"),
        (GOOD.replace("  - effective_from: 2015-01-01\n", "  - note: x\n"), "effective_from"),
        (GOOD.replace("citation: s. 1", "title2: x"), "href or a citation"),
        (GOOD.replace("effective_to: 2020-12-31", "effective_to: 2019-12-31"), "before"),
        (GOOD.replace("2020-01-01", "2014-01-01"), "increasing"),
        (GOOD.replace("value: 2", "valu: 2"), "unknown field"),
        (GOOD + "extra: 1\n", "unknown top-level"),
        (GOOD.replace("value: 1", "value: 1\n    note: a\n    note: b"), "appears twice"),
    ],
)
def test_malformed_tables_are_rejected_with_file_and_line(broken: str, message: str) -> None:
    with pytest.raises(RuleDataError) as err:
        parse_table(textwrap.dedent(broken), "t", None)
    assert message in str(err.value)


def test_error_names_the_line_of_the_bad_version(tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("    reference: {title: MI, citation: s. 2}\n", ""))
    with pytest.raises(RuleDataError, match=r"bad\.yaml: versions\[1\] \(line 8\)"):
        parse_table(path.read_text(), "bad", path)


def test_tables_load_lazily_and_check_parses_everything(tmp_path) -> None:
    (tmp_path / "crs").mkdir()
    (tmp_path / "crs" / "good.yaml").write_text(GOOD)
    (tmp_path / "crs" / "bad.yaml").write_text("description: x\n")
    book = RuleBook.load(tmp_path)
    assert book["crs.good"].at(dt.date(2016, 1, 1)) == 1
    with pytest.raises(RuleDataError, match=r"bad\.yaml"):
        book.check()
