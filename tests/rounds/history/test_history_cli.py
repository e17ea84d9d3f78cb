"""``expressentry history list|show|import|reset``, on a test-local Typer app.

Commands print rounds as canada.ca does. Errors go to stderr as ``error: ...`` with exit status 2.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from expressentry.cli.history_commands import history_app
from expressentry.rounds.bands import BANDS

app = typer.Typer()
app.add_typer(history_app, name="history")
runner = CliRunner()
WIDE = {"COLUMNS": "220"}

JSON_KEYS = {"draw_number", "date", "round_type", "category", "invitations", "crs_cutoff"}
JSON_KEYS |= {"tie_break", "program", "held_at", "distribution", "notes"}


def cli(*args: str) -> Any:
    return runner.invoke(app, ["history", *args], env=WIDE)


def stderr_of(result: Any) -> str:
    try:
        return result.stderr
    except ValueError:  # an older runner mixes the streams
        return result.output


def json_lines(result: Any) -> list[dict[str, Any]]:
    assert result.exit_code == 0, (result.output, stderr_of(result))
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_list_json_every_round() -> None:
    docs = json_lines(cli("list", "--json"))
    assert len(docs) == 435
    assert all(set(d) >= JSON_KEYS for d in docs)
    assert docs[0]["draw_number"] == "434"  # newest first, as canada.ca
    assert docs[-1]["draw_number"] == "1"
    for d in docs:
        assert d["tie_break"] is None or (d["tie_break"].endswith("Z") and "T" in d["tie_break"])
    assert sum(1 for d in docs if d["tie_break"] is None) == 76
    first = docs[-1]
    assert first == first | {
        "date": "2015-01-31",
        "round_type": "general",
        "category": None,
        "invitations": 779,
        "crs_cutoff": 886,
        "tie_break": None,
    }


def test_list_json_filters() -> None:
    docs = json_lines(cli("list", "--year", "2023", "--type", "category", "--json"))
    assert len(docs) == 17
    assert sum(d["invitations"] for d in docs) == 25_870
    assert {d["round_type"] for d in docs} == {"category"}
    assert json_lines(cli("list", "--year", "2024", "--json"))
    assert sum(d["invitations"] for d in json_lines(cli("list", "--year", "2024", "--json"))) == (
        98_903
    )
    stem = json_lines(cli("list", "--category", "stem", "--json"))
    assert [d["draw_number"] for d in stem] == ["293", "274", "254"]
    assert {d["category"] for d in stem} == {"stem"}
    fst = json_lines(cli("list", "--program", "fst", "--json"))
    assert len(fst) == 7 and {d["program"] for d in fst} == {"fst"}
    assert len(json_lines(cli("list", "--type", "program", "--program", "CEC", "--json"))) == 66
    assert len(json_lines(cli("list", "--limit", "3", "--json"))) == 3
    assert json_lines(cli("list", "--year", "2014", "--json")) == []


def test_list_table() -> None:
    result = cli("list", "--year", "2026", "--limit", "5")
    assert result.exit_code == 0, stderr_of(result)
    out = result.stdout
    for header in ("#", "Date", "Round type", "Invitations issued", "Tie-breaking rule"):
        assert header in out
    assert "CRS score of lowest-ranked candidate invited" in out
    assert "August 7, 2026" in out
    assert "Transport Occupations, 2026-Version 2" in out
    assert "October 11, 2025 at 14:55:49 UTC" in out
    assert "5,000" in out
    assert "5 rounds, 8,811 invitations" in out
    assert out.index("434") < out.index("433") < out.index("430")


def test_list_table_empty_and_without_tie_break() -> None:
    assert "No rounds match." in cli("list", "--year", "2014").stdout
    out = cli("list", "--year", "2015", "--limit", "1").stdout
    assert "December" in out and " - " in out  # 2015 rounds published no tie-break


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--type", "lottery"],
            "error: unknown round type 'lottery' (general, program or category)",
        ),
        (["--program", "ee"], "error: unknown program 'ee' (cec, fsw, fst or pnp)"),
        (["--category", "plumbers"], "error: unknown category 'plumbers' (known: "),
        (["--type", "general", "--category", "stem"], "selects category rounds, not general"),
        (["--program", "cec", "--category", "stem"], "either a program round or a category"),
    ],
)
def test_list_errors(args: list[str], message: str) -> None:
    result = cli("list", *args)
    assert result.exit_code == 2
    assert message in stderr_of(result)
    assert result.stdout == ""


def test_list_bad_year_is_a_usage_error() -> None:
    result = cli("list", "--year", "twenty")
    assert result.exit_code == 2


def test_show_with_distribution() -> None:
    result = cli("show", "247")
    assert result.exit_code == 0, stderr_of(result)
    out = result.stdout
    assert "Round #247 — April 26, 2023" in out
    assert "No Program Specified (general)" in out
    assert "Date and time of round: April 26, 2023 at 18:10:04 UTC" in out
    assert "Number of invitations issued: 3,500" in out
    assert "Rank required to be invited to apply: 3,500 or above" in out
    assert "CRS score of lowest-ranked candidate invited: 483" in out
    assert "Tie-breaking rule: April 22, 2023 at 19:46:58 UTC" in out
    assert "Note: 451-500 subranges sum 55687 != 55867" in out
    assert "CRS score distribution of candidates in the pool as of April 26, 2023" in out
    # every band, in canada.ca's order, then the total
    table = out[out.index("CRS score range") :]
    positions = [table.index(f" {label} ") for label, _, _ in BANDS]
    assert positions == sorted(positions)
    assert "  491-500 " in table  # the ten-point rows are indented under their band
    assert "55,867" in table and "230,189" in table
    assert table.index("Total") > positions[-1]


def test_show_without_distribution() -> None:
    out = cli("show", "100").stdout
    assert "Round #100" in out
    assert "No CRS score distribution of the pool was published with this round." in out


def test_show_round_91() -> None:
    out = cli("show", "91").stdout
    assert "Round #91a — May 30, 2018" in out and "Round #91b — May 30, 2018" in out
    assert "Federal Skilled Trades (program, FST)" in out
    assert "Provincial Nominee Program (program, PNP)" in out
    only = cli("show", "91b").stdout
    assert "Round #91b" in only and "Round #91a" not in only


def test_show_category_round() -> None:
    out = cli("show", "434").stdout
    assert "Transport Occupations, 2026-Version 2 (category, transport version 2026-2)" in out
    assert "Programs covered: FSW, CEC, FST" in out


def test_show_json() -> None:
    (doc,) = json_lines(cli("show", "434", "--json"))
    assert doc["draw_number"] == "434"
    assert doc["tie_break"] == "2025-10-11T14:55:49Z"
    assert list(doc["distribution"]) == [label for label, _, _ in BANDS] + ["total"]
    assert doc["distribution"]["total"] == 229_100
    assert len(json_lines(cli("show", "91", "--json"))) == 2


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("999", "error: no round 999 in the history (rounds 1 to 434)"),
        ("91c", "error: no round 91c in the history"),
        ("abc", "error: 'abc' is not a round number (e.g. 250 or 91a)"),
    ],
)
def test_show_errors(number: str, message: str) -> None:
    result = cli("show", number)
    assert result.exit_code == 2
    assert message in stderr_of(result)


def test_import_and_list(
    doc: dict[str, Any],
    new_round: Callable[..., dict[str, Any]],
    write_json: Callable[..., Path],
    data_home: Path,
) -> None:
    doc["rounds"].insert(0, new_round())
    source = write_json(doc)
    result = cli("import", str(source))
    assert result.exit_code == 0, stderr_of(result)
    out = " ".join(result.stdout.split())
    assert f"imported 436 rounds from {source}, up to round 435 of 2026-08-12" in out
    assert "1 round added to the shipped history: 435" in out
    assert "now the active history (saved to " in out
    assert (data_home / "expressentry" / "ee_rounds.json").is_file()
    (latest,) = json_lines(cli("list", "--limit", "1", "--json"))
    assert latest["draw_number"] == "435"
    assert "Round #435 — August 12, 2026" in cli("show", "435").stdout
    again = json_lines(cli("import", str(source), "--json"))[0]
    assert again["added"] == ["435"] and again["previous_rounds"] == 436
    reset = cli("reset")
    assert "imported history removed" in reset.stdout
    assert json_lines(cli("list", "--limit", "1", "--json"))[0]["draw_number"] == "434"
    assert "no imported history" in cli("reset").stdout


def test_import_the_shipped_file_adds_nothing(write_json: Callable[..., Path], doc: Any) -> None:
    result = cli("import", str(write_json(doc)))
    assert result.exit_code == 0
    assert "no round added to the shipped history" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not json", ": not JSON ("),
        ('["a", "list"]', ": not IRCC's rounds file: expected an object with a 'rounds' list"),
        (
            '{"rounds": [{"drawNumber": "7"}]}',
            ": round 7: drawDate, drawName, drawSize, drawCRS, drawText2, ",
        ),
    ],
)
def test_import_errors(content: str, message: str, write_json: Callable[..., Path]) -> None:
    source = write_json(content, "bad.json")
    result = cli("import", str(source))
    assert result.exit_code == 2
    assert f"error: {source}{message}" in stderr_of(result)
    assert result.stdout == ""


def test_import_bad_value(
    doc: dict[str, Any], write_json: Callable[..., Path], raw_round: Callable[..., Any]
) -> None:
    doc["rounds"][0]["drawCutOff"] = "Smarch 3, 2026 at 10:00:00 UTC"
    source = write_json(doc)
    result = cli("import", str(source))
    assert result.exit_code == 2
    assert f"error: {source}: round 434: drawCutOff: 'Smarch 3, 2026 at 10:00:00 UTC': " in (
        stderr_of(result)
    )


def test_import_missing_file(tmp_path: Path) -> None:
    result = cli("import", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "nope.json: no such file" in stderr_of(result)


def test_import_older_file_needs_force(
    doc: dict[str, Any], write_json: Callable[..., Path]
) -> None:
    doc["rounds"] = doc["rounds"][5:]
    source = write_json(doc)
    refused = cli("import", str(source))
    assert refused.exit_code == 2
    assert "lacks 5 rounds of the shipped history" in stderr_of(refused)
    assert "--force" in stderr_of(refused)
    forced = cli("import", str(source), "--force")
    assert forced.exit_code == 0
    assert "5 rounds of the shipped history are not in the file" in forced.stdout
