"""Issue 14: the commands that read a profile refuse out-of-range dates and numbers by field
(exit status 2, no traceback); --as-of is bounded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from expressentry.cli.main import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "profile.json"
runner = CliRunner()


def _err(result) -> str:  # type: ignore[no-untyped-def]
    try:
        return result.stderr
    except ValueError:
        return result.output


@pytest.fixture
def far_job(tmp_path: Path) -> Path:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["spouse"]["work_history"][0]["end"] = "9999-12-31"
    path = tmp_path / "far.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [["score"], ["improve"], ["eligibility"], ["pool", "submit"]],
    ids=["score", "improve", "eligibility", "pool submit"],
)
def test_a_job_ending_in_9999_is_refused_by_field(far_job, tmp_path, command) -> None:
    extra = ["--db", f"sqlite:///{tmp_path / 'p.db'}"] if command[0] == "pool" else []
    result = runner.invoke(app, [*command, str(far_job), *extra])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "spouse.work_history[0].end: 9999-12-31 is outside the dates" in _err(result)


def test_as_of_far_ahead_is_refused() -> None:
    result = runner.invoke(app, ["score", str(EXAMPLE), "--as-of", "9999-12-31"])
    assert result.exit_code == 2
    assert "five years ahead" in " ".join(_err(result).split())
