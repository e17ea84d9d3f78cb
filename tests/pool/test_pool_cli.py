"""``expressentry pool submit|update|withdraw|expire-due|rescore|list|show|stats``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from expressentry.cli.main import app

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, list(args))


def stderr_of(result) -> str:
    try:
        return result.stderr
    except ValueError:
        return result.output


def write(tmp_path: Path, name: str, doc: dict) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_pool_commands(db_url: str, tmp_path: Path, profiles) -> None:
    db = ["--db", db_url]
    first = write(tmp_path, "a.json", profiles.example("a"))
    entered = cli("pool", "submit", first, *db, "--actor", "cli-user", "--json")
    assert entered.exit_code == 0, entered.output
    doc = json.loads(entered.stdout)
    assert doc["entered"] is True and doc["crs"] == 589 and doc["reasons"] == []

    duplicate = cli("pool", "submit", first, *db)
    assert duplicate.exit_code == 2
    assert "profile_id: 'a' is already in the pool" in stderr_of(duplicate)

    weak = write(tmp_path, "w.json", profiles.ineligible("w"))
    refused = cli("pool", "submit", weak, *db, "--json")
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["entered"] is False
    assert json.loads(refused.stdout)["reasons"]

    changed = write(tmp_path, "a2.json", profiles.with_english("a", 8, "2026-10-01T00:00:00Z"))
    updated = cli("pool", "update", changed, "--at", "2026-07-01T00:00:00Z", *db, "--json")
    assert updated.exit_code == 0, updated.output
    assert json.loads(updated.stdout)["crs"] == 499
    shown = json.loads(cli("pool", "show", "a", *db, "--json").stdout)
    assert shown["submitted_at"] == "2026-06-01T09:00:00+00:00"
    assert [h["version"] for h in shown["history"]] == [1, 2]
    assert shown["history"][0]["actor"] == "cli-user"

    rescored = cli("pool", "rescore", "--as-of", "2026-11-01", *db)
    assert rescored.exit_code == 0, rescored.output
    assert "profiles changed" in rescored.stdout

    cli("pool", "submit", write(tmp_path, "b.json", profiles.example("b")), *db)
    withdrawn = cli("pool", "withdraw", "b", "--at", "2026-07-02T00:00:00Z", *db)
    assert withdrawn.exit_code == 0
    again = cli("pool", "withdraw", "b", "--at", "2026-07-03T00:00:00Z", *db)
    assert again.exit_code == 2
    assert "withdrawn" in stderr_of(again)

    stats = json.loads(cli("pool", "stats", *db, "--json").stdout)
    assert stats["by_status"] == {"in_pool": 1, "withdrawn": 1}
    listed = json.loads(cli("pool", "list", "--status", "all", *db, "--json").stdout)
    assert {r["profile_id"] for r in listed} == {"a", "b"}

    # 12 months after its submission on 2026-06-01
    expired = cli("pool", "expire-due", "--at", "2027-06-01T00:00:00Z", *db)
    assert expired.exit_code == 0
    assert "1 profiles expired" in expired.stdout
    unknown = cli("pool", "show", "nobody", *db)
    assert unknown.exit_code == 2
    assert "no profile 'nobody'" in stderr_of(unknown)
    bad_at = cli("pool", "withdraw", "a", "--at", "yesterday", *db)
    assert bad_at.exit_code == 2
    assert "'--at'" in stderr_of(bad_at)
