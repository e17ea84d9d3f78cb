"""The CLI at 80 columns (issue 17): tables keep their key columns whole, help speaks words,
progress reaches its end."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from expressentry.cli import render

EXPRESSENTRY = str(Path(sys.executable).parent / "expressentry")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "profile.json"


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> Console:
    console = Console(width=80, record=True, force_terminal=False, color_system=None)
    monkeypatch.setattr(render, "console", console)
    return console


def _lines(console: Console) -> list[str]:
    text = console.export_text()
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "…" not in text
    return lines


def test_improve_shows_each_command_whole(narrow: Console) -> None:
    from expressentry.profile.model import load_profile
    from expressentry.scoring.whatif import improve

    base, suggestions = improve(load_profile("x", EXAMPLE.read_text()), dt.date(2026, 11, 1))
    render.print_improve("x", base, suggestions)
    text = "\n".join(_lines(narrow))
    for s in suggestions:
        assert f"--what-if '{s.change}'" in text


def test_itas_keep_their_status_and_times(narrow: Console) -> None:
    rows = [
        {
            "ita": n,
            "round_id": 48,
            "profile_id": f"d-{n:06d}",
            "rank": n,
            "crs": 512,
            "program": "cec",
            "issued_at": "2026-11-20T12:00:00+00:00",
            "deadline": "2027-01-19",
            "status": status,
        }
        for n, status in enumerate(("outstanding", "ita_expired", "applied"), start=1)
    ]
    render.print_rows("Invitations to apply", rows, keep=("profile_id", "status", "deadline"))
    lines = _lines(narrow)
    for row in rows:
        line = next(line for line in lines if row["profile_id"] in line)
        assert row["status"] in line and "2026-11-20 12:00" in line and "2027-01-19" in line
    assert any("(UTC)" in line for line in lines)


def test_simulated_rounds_keep_their_dates(narrow: Console) -> None:
    rows = [
        {
            "round": "3" + str(n),
            "date": f"2025-0{n}-1{n}",
            "type": "category: healthcare_and_social_services (v2)",
            "invited": 4000,
            "real cutoff": 510,
            "simulated": 498,
            "same band": "yes",
        }
        for n in range(1, 6)
    ]
    render.print_rows("Simulated", rows, keep=("round", "date", "real cutoff", "simulated"))
    lines = _lines(narrow)
    for row in rows:
        assert any(row["date"] in line and "510" in line for line in lines)


def test_the_reservoir_progress_reaches_its_total() -> None:
    from expressentry.simulation.simulate import build_reservoir

    calls: list[tuple[int, int]] = []
    build_reservoir(
        dt.date(2025, 6, 1), 5, 800, {}, lambda done, total: calls.append((done, total))
    )
    done, total = calls[-1]
    assert done == total > 0 and all(d <= t for d, t in calls)


@pytest.mark.parametrize(
    "command", [[], ["score"], ["pool", "show"], ["report", "year-end"], ["serve"], ["demo"]]
)
def test_help_speaks_words_at_80_columns(command: list[str]) -> None:
    env = dict(os.environ, COLUMNS="80", TERM="dumb")
    out = subprocess.run(
        [EXPRESSENTRY, *command, "--help"], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "<bool>" not in out and "<str>" not in out and "<int" not in out
    assert "of the spec" not in out
    assert "…" not in out
