"""Bad input: a year with no data gives an empty report that says so (exit 0); an unknown year
format, an unknown format, an unwritable output path and the like exit 2 with
``error: --OPTION: reason``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def stderr_of(result: Any) -> str:
    try:
        return result.stderr
    except ValueError:  # an older runner mixes the streams
        return result.output


@pytest.mark.parametrize(
    ("args", "option", "words"),
    [
        (["rounds", "--year", "20x4"], "--year", "'20x4' is not a year"),
        (["rounds", "--year", "24"], "--year", "is not a year"),
        (["categories", "--year", "2024-01"], "--year", "is not a year"),
        (["rounds", "--format", "docx"], "--format", "'docx' is not a report format"),
        (["rounds", "--format", "xlsx", "--out", "x.xlsx"], "--format", "md, html, csv, json, pdf"),
        (["rounds", "--source", "web"], "--source", "'web' is not a source"),
        (["year-end", "--year", "2024", "--source", "history"], "--source", "year-end"),
        (["year-end"], "--year", "needs a year"),
        (["parliament"], "--year", "needs a year"),
        (["rounds", "--year", "2024", "--format", "pdf"], "--out", "needs a file"),
        (["rounds", "--lang", "xx"], "--lang", "'xx' is not a report language"),
    ],
)
def test_errors_name_the_option(report_cli: Any, args: list[str], option: str, words: str) -> None:
    result = report_cli(*args)
    assert result.exit_code == 2
    message = stderr_of(result)
    assert message.startswith(f"error: {option}: "), message
    assert words in message


def test_output_folder_missing(report_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "folder" / "r.html"
    result = report_cli("rounds", "--year", "2024", "--out", str(out))
    assert result.exit_code == 2
    assert stderr_of(result).startswith("error: --out: cannot write")
    assert "does not exist" in stderr_of(result)
    assert not out.parent.exists()


def test_output_below_a_file(report_cli: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    result = report_cli("rounds", "--year", "2024", "--out", str(blocker / "r.csv"))
    assert result.exit_code == 2
    assert stderr_of(result).startswith("error: --out: ")
    assert "is not a folder" in stderr_of(result)


def test_output_is_a_folder(report_cli: Any, tmp_path: Path) -> None:
    result = report_cli("rounds", "--year", "2024", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert stderr_of(result).startswith("error: --out: ") and "is a folder" in stderr_of(result)


def test_output_not_writable(
    report_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder the process may not write in (simulated: the tests may run as root)."""
    import os

    real = os.access
    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: False if Path(p) == locked else real(p, mode, **kw)
    )
    result = report_cli("rounds", "--year", "2024", "--out", str(locked / "r.html"))
    assert result.exit_code == 2
    assert "error: --out: cannot write" in stderr_of(result)
    assert "permission denied" in stderr_of(result)


def test_missing_database(report_cli: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    result = report_cli("year-end", "--year", "2025", "--db", url)
    assert result.exit_code == 2
    assert stderr_of(result).startswith("error: --db: no database at")
    assert not (tmp_path / "none.db").exists()  # a report does not create a database


def test_bad_database_url(report_cli: Any) -> None:
    result = report_cli("rounds", "--db", "nonsense")
    assert result.exit_code == 2
    assert stderr_of(result).startswith("error: --db: ")


# --- a year without data ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["rounds", "--year", "1999"], "no rounds of invitations in 1999"),
        (["categories", "--year", "2014"], "no rounds of invitations in 2014"),
        (["parliament", "--year", "2022"], "no category for category-based selection"),
    ],
)
def test_history_year_without_data(report_cli: Any, args: list[str], words: str) -> None:
    result = report_cli(*args, "--format", "json")
    assert result.exit_code == 0, stderr_of(result)
    doc = json.loads(result.stdout)
    assert doc["empty"] is True
    assert words in doc["message"]


def test_empty_report_in_every_format(report_cli: Any, tmp_path: Path) -> None:
    for fmt in ("md", "html", "csv", "json"):
        out = tmp_path / f"r.{fmt}"
        result = report_cli("rounds", "--year", "2030", "--out", str(out))
        assert result.exit_code == 0, stderr_of(result)
        assert "empty report (no data)" in result.stdout
        text = out.read_text(encoding="utf-8")
        if fmt == "csv":
            assert text.splitlines()[0].startswith("number,date,held_at")
            assert len(text.splitlines()) == 1  # the header only
        else:
            assert "no rounds of invitations in 2030" in text


def test_system_year_without_data(report_cli: Any, system_db: str) -> None:
    result = report_cli("year-end", "--year", "2019", "--db", system_db, "--format", "json")
    assert result.exit_code == 0, stderr_of(result)
    doc = json.loads(result.stdout)
    assert doc["empty"] is True and "no data for 2019" in doc["message"]
    result = report_cli("rounds", "--year", "2019", "--db", system_db, "--format", "md")
    assert result.exit_code == 0, stderr_of(result)
    assert "No data: no rounds of invitations were held in 2019 in this database." in result.stdout
