"""The ``expressentry`` command: documents, many profiles, standard input and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from expressentry.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "profile.json"
SCORE_KEYS = {"total", "as_of", "core", "spouse", "transferability", "additional"}

runner = CliRunner()


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_score_json_is_the_score_document() -> None:
    result = run("score", str(EXAMPLE), "--as-of", "2025-06-01", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == SCORE_KEYS
    assert doc["as_of"] == "2025-06-01"
    assert doc["total"] == sum(doc[b]["total"] for b in SCORE_KEYS - {"total", "as_of"})
    assert set(doc["core"]) == {
        "total",
        "age",
        "education",
        "first_language",
        "second_language",
        "canadian_work",
    }
    assert set(doc["additional"]) == {
        "total",
        "provincial_nomination",
        "job_offer",
        "french",
        "canadian_education",
        "sibling",
    }


def test_score_table_for_people() -> None:
    result = run("score", str(EXAMPLE), "--as-of", "2025-06-01", "--explain")
    assert result.exit_code == 0, result.output
    assert "Core / human capital" in result.stdout
    assert "Total" in result.stdout
    assert "crs.core.age" in result.stdout


def test_score_reads_standard_input() -> None:
    result = run("score", "-", "--as-of", "2025-06-01", "--json", stdin=EXAMPLE.read_text())
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"] > 0


def _jsonl(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "pool.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_score_jsonl_gives_one_document_per_line(tmp_path: Path) -> None:
    profile = json.loads(EXAMPLE.read_text())
    lines = []
    for i in range(3):
        profile["profile_id"] = f"c-{i}"
        lines.append(json.dumps(profile))
    result = run("score", str(_jsonl(tmp_path, lines)), "--as-of", "2025-06-01", "--json")
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(docs) == 3
    assert all(set(d) == SCORE_KEYS for d in docs)


def test_jsonl_with_a_bad_line_scores_the_others_and_names_the_line(tmp_path: Path) -> None:
    good = EXAMPLE.read_text().replace("\n", " ")
    path = _jsonl(tmp_path, [good, '{"date_of_birth": "1990-01-01", "hourz": 3}', good])
    result = run("score", str(path), "--as-of", "2025-06-01", "--json")
    assert result.exit_code == 2
    assert len(result.stdout.splitlines()) == 2
    assert "line 2" in result.stderr and "hourz" in result.stderr


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {
                "language_tests": [
                    {
                        "test": "ielts_general",
                        "taken_on": "2025-01-01",
                        "listening": 9.5,
                        "reading": 7,
                        "writing": 7,
                        "speaking": 7,
                    }
                ]
            },
            "language_tests[0].listening",
        ),
        (
            {
                "work_history": [
                    {
                        "noc": "21231",
                        "country": "CA",
                        "start": "2024-01-01",
                        "end": "2023-01-01",
                        "hours_per_week": 40,
                    }
                ]
            },
            "work_history[0]",
        ),
        (
            {
                "work_history": [
                    {"noc": "99999", "country": "CA", "start": "2024-01-01", "hours_per_week": 40}
                ]
            },
            "work_history[0].noc",
        ),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"marital_status": "single"}, "spouse"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_bad_profiles_exit_2_naming_the_field(tmp_path: Path, change: dict, field: str) -> None:
    profile = json.loads(EXAMPLE.read_text())
    profile.update(change)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(profile))
    result = run("score", str(path), "--json")
    assert result.exit_code == 2
    assert f"error: {path}: {field}" in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_and_invalid_json_are_clear_errors(tmp_path: Path) -> None:
    result = run("score", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "no such file" in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run("score", str(bad))
    assert result.exit_code == 2 and "JSON" in result.stderr


def test_bad_as_of_date_is_a_usage_error() -> None:
    result = run("score", str(EXAMPLE), "--as-of", "2025-13-01")
    assert result.exit_code == 2


def test_before_express_entry_is_refused() -> None:
    result = run("score", str(EXAMPLE), "--as-of", "2014-06-01", "--json")
    assert result.exit_code == 2 and "2015-01-01" in result.stderr


def test_what_if_reports_the_change() -> None:
    result = run(
        "score",
        str(EXAMPLE),
        "--as-of",
        "2025-06-01",
        "--json",
        "--what-if",
        "language.first=CLB10",
        "--what-if",
        "canadian_work=3",
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["gain"] == doc["after"]["total"] - doc["before"]["total"] > 0


def test_unknown_what_if_key_is_an_error() -> None:
    result = run("score", str(EXAMPLE), "--what-if", "charisma=10")
    assert result.exit_code == 2 and "charisma" in result.stderr


def test_improve_lists_changes_with_gains() -> None:
    result = run("improve", str(EXAMPLE), "--as-of", "2025-06-01", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    gains = [s["gain"] for s in doc["suggestions"]]
    assert gains == sorted(gains, reverse=True) and all(g > 0 for g in gains)


def test_eligibility_json_is_the_eligibility_document() -> None:
    result = run("eligibility", str(EXAMPLE), "--as-of", "2025-06-01", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"as_of", "express_entry_eligible", "programs", "categories"}
    assert set(doc["programs"]) == {"fsw", "cec", "fst"}
    assert "stem" in doc["categories"]


def test_categories_list_show_and_noc_search() -> None:
    result = run("categories", "list", "--as-of", "2025-06-01", "--json")
    assert result.exit_code == 0, result.output
    slugs = {json.loads(line)["slug"] for line in result.stdout.splitlines()}
    assert {"stem", "french_language_proficiency", "education"} <= slugs
    assert "transport" not in slugs  # removed for 2025
    result = run(
        "categories", "show", "stem", "--as-of", "2025-06-01", "--filter", "civil", "--json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["occupations"]
    assert {r["noc"] for r in rows} == {"21300", "22300"}
    result = run("categories", "show", "nonsense")
    assert result.exit_code == 2 and "no category" in result.stderr
    result = run("noc", "search", "registered nurses", "--json")
    assert json.loads(result.stdout.splitlines()[0])["noc"] == "31301"


def test_the_installed_command_runs() -> None:
    exe = Path(sys.executable).parent / "expressentry"
    out = subprocess.run(
        [str(exe), "score", str(EXAMPLE), "--as-of", "2025-06-01", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["as_of"] == "2025-06-01"
