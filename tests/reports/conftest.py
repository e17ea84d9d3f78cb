"""Fixtures for the reports tests: a small pool database with a year of rounds, invitations,
applications and decisions (SQLite, built once per test process)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

UTC = dt.UTC
#: the rounds held in the small database (time, type, size, fields)
ROUNDS = (
    (dt.datetime(2025, 6, 10, 14, 0, tzinfo=UTC), "general", 20, {}),
    (
        dt.datetime(2025, 7, 8, 14, 0, tzinfo=UTC),
        "category",
        10,
        {"category": "french_language_proficiency"},
    ),
    (dt.datetime(2025, 8, 5, 14, 0, tzinfo=UTC), "program", 15, {"program": "cec"}),
    (
        dt.datetime(2025, 9, 2, 14, 0, tzinfo=UTC),
        "category",
        5,
        {"category": "healthcare_and_social_services"},
    ),
    (dt.datetime(2025, 10, 1, 14, 0, tzinfo=UTC), "program", 10, {"program": "pnp"}),
)


def build_system_db(url: str, size: int = 300) -> dict[str, Any]:
    """Import synthetic profiles, hold the rounds, then answer some invitations: every fifth
    declined, the others applied for; two in three of those decided (one in seven of the
    decisions inadmissible). What was done, for the tests to compare with."""
    from expressentry.pool.db import connect
    from expressentry.pool.service import Pool
    from expressentry.rounds.itas import Invitations
    from expressentry.rounds.service import RoundRequest, Rounds
    from expressentry.simulation import synth

    engine = connect(url)
    try:
        pool = Pool(engine)
        as_of = dt.date(2025, 6, 1)
        imported = pool.import_lines(synth.jsonl(size, as_of, seed=3), as_of=as_of, workers=1)
        rounds, invitations = Rounds(pool), Invitations(pool)
        done: dict[str, Any] = {
            "imported": imported.imported,
            "invitations": 0,
            "applied": 0,
            "declined": 0,
            "decided": 0,
            "refused": 0,
            "days": [],
            "rounds": [],
        }
        k = 0
        for at, kind, n, fields in ROUNDS:
            result = rounds.run(RoundRequest(at=at, round_type=kind, size=n, **fields))
            done["rounds"].append(result)
            done["invitations"] += result.invitations
            for j, invitee in enumerate(result.invited[:8]):
                when = at + dt.timedelta(days=5 + j)
                k += 1
                if k % 5 == 4:
                    invitations.decline(invitee.profile_id, at=when)
                    done["declined"] += 1
                    continue
                application = invitations.apply(invitee.profile_id, at=when)
                done["applied"] += 1
                if k % 3 != 2:
                    admissible = k % 7 != 0
                    invitations.decide(
                        application, admissible=admissible, at=when + dt.timedelta(days=10 + j)
                    )
                    done["decided"] += 1
                    done["refused"] += not admissible
                    done["days"].append(10 + j)
        return done
    finally:
        engine.dispose()


@pytest.fixture(name="build_system_db")
def build_system_db_fixture() -> Callable[..., dict[str, Any]]:
    """``build_system_db(url, size=300)``: fill an empty pool database (see the function)."""
    return build_system_db


@pytest.fixture(scope="session")
def system_db_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("reports") / "pool.db"
    done = build_system_db(f"sqlite:///{path}")
    return path, done


@pytest.fixture
def system_db(system_db_template: tuple[Path, dict[str, Any]], tmp_path: Path) -> str:
    """The URL of a copy of the small database (a test may write to it)."""
    path = tmp_path / "pool.db"
    shutil.copyfile(system_db_template[0], path)
    return f"sqlite:///{path}"


@pytest.fixture
def system_done(system_db_template: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    return system_db_template[1]


@pytest.fixture
def report_cli() -> Callable[..., Any]:
    """``report_cli("rounds", "--year", "2024")``: the result of ``expressentry report ...``."""
    from expressentry.cli.report_commands import report_app

    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(report_app, list(args), catch_exceptions=False)

    return invoke
