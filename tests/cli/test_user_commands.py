"""``expressentry user add|list|passwd`` (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from expressentry.accounts import Accounts, LoginRefused
from expressentry.cli.main import app
from expressentry.pool.db import connect

runner = CliRunner()
PASSWORD = "correct horse battery"


def cli(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def stderr_of(result) -> str:
    try:
        return result.stderr
    except ValueError:
        return result.output


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = connect(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


def failed_cleanly(result, message: str) -> None:
    """Exit status 2 and one line ``error: FIELD: reason``, no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    err = stderr_of(result)
    assert message in err
    assert "Traceback" not in result.output and "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        line for line in err.splitlines() if line.strip()
    ][-1:]


def test_add_list_and_passwd(db_url: str, engine: Engine) -> None:
    db = ["--db", db_url]
    added = cli("user", "add", "Olga", "--role", "officer", "--password-stdin", *db, input=PASSWORD)
    assert added.exit_code == 0, added.output
    assert "olga" in added.stdout and "officer" in added.stdout
    candidate = cli(
        "user",
        "add",
        "carol",
        "--role",
        "candidate",
        "--profile",
        "c-000042",
        "--password-stdin",
        "--actor",
        "olga",
        *db,
        input=PASSWORD + "\n",
    )
    assert candidate.exit_code == 0, candidate.output

    listed = cli("user", "list", "--json", *db)
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout) == [
        {"username": "carol", "role": "candidate", "profile_id": "c-000042", "active": True},
        {"username": "olga", "role": "officer", "profile_id": None, "active": True},
    ]
    table = cli("user", "list", *db)
    assert table.exit_code == 0 and "c-000042" in table.stdout

    accounts = Accounts(engine)
    # the password read from standard input is the one set (without its line end)
    assert accounts.login("olga", PASSWORD).user.role == "officer"
    assert accounts.login("carol", PASSWORD).user.profile_id == "c-000042"
    with engine.connect() as conn:
        audit = conn.execute(text("SELECT actor, kind, subject FROM events ORDER BY pk")).all()
    assert [tuple(r) for r in audit] == [
        ("admin", "user.add", "user:olga"),
        ("olga", "user.add", "user:carol"),
    ]

    changed = cli("user", "passwd", "OLGA", "--password-stdin", *db, input="a new long password\n")
    assert changed.exit_code == 0, changed.output
    with pytest.raises(LoginRefused):
        accounts.login("olga", PASSWORD)
    assert accounts.login("olga", "a new long password").user.username == "olga"


def test_add_prompts_twice_for_the_password(db_url: str, engine: Engine) -> None:
    added = cli(
        "user",
        "add",
        "alice",
        "--role",
        "analyst",
        "--db",
        db_url,
        input="first try password\nsecond try password\n" + PASSWORD + "\n" + PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    assert "do not match" in added.output
    assert PASSWORD not in added.output  # hidden input
    assert Accounts(engine).login("alice", PASSWORD).user.role == "analyst"


def test_bad_input_exits_2_naming_the_field(db_url: str, engine: Engine) -> None:
    db = ["--db", db_url]
    bad_role = cli("user", "add", "bob", "--role", "admin", "--password-stdin", *db, input=PASSWORD)
    failed_cleanly(bad_role, "error: role: must be one of candidate, officer, analyst")
    # the role is checked before any password is asked for
    prompted = cli("user", "add", "bob", "--role", "superuser", *db, input="")
    failed_cleanly(prompted, "error: role:")
    assert "Password" not in prompted.output

    bad_name = cli(
        "user", "add", "b!", "--role", "officer", "--password-stdin", *db, input=PASSWORD
    )
    failed_cleanly(bad_name, "error: username: must be 3 to 64 characters")
    short = cli("user", "add", "bob", "--role", "officer", "--password-stdin", *db, input="short\n")
    failed_cleanly(short, "error: password: must be at least 10 characters")
    empty = cli("user", "add", "bob", "--role", "officer", "--password-stdin", *db, input="")
    failed_cleanly(empty, "error: password: nothing on standard input")
    not_candidate = cli(
        "user",
        "add",
        "bob",
        "--role",
        "officer",
        "--profile",
        "c-1",
        "--password-stdin",
        *db,
        input=PASSWORD,
    )
    failed_cleanly(not_candidate, "error: profile_id: only a candidate")
    assert json.loads(cli("user", "list", "--json", *db).stdout) == []

    bob = cli("user", "add", "bob", "--role", "officer", "--password-stdin", *db, input=PASSWORD)
    assert bob.exit_code == 0, bob.output
    again = cli("user", "add", "BOB", "--role", "analyst", "--password-stdin", *db, input=PASSWORD)
    failed_cleanly(again, "error: username: already taken")
    nobody = cli("user", "passwd", "nobody", "--password-stdin", *db, input=PASSWORD)
    failed_cleanly(nobody, "error: username: no such user")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM users")).scalar_one() == 1


def test_bad_database_exits_2(tmp_path) -> None:
    result = cli("user", "list", "--db", "mysql://nowhere/db")
    failed_cleanly(result, "error: unsupported database")
