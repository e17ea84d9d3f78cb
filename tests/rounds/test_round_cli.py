"""The command line: ``pool import``, ``round preview|run|show|list|verify``, ``ita`` and
``application``, and bad input (exit status 2, a message naming the field).

Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from expressentry.cli.main import app

AT = "2026-11-20T12:00:00Z"
ROUND_KEYS = {"round_id", "invitations", "lowest_crs", "tie_break", "invited"}

runner = CliRunner()


def cli(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def stderr_of(result) -> str:
    try:
        return result.stderr
    except ValueError:  # an older runner mixes the streams
        return result.output


@pytest.fixture
def jsonl(tmp_path: Path, profiles) -> Path:
    """A JSON Lines file of the ranked profiles (see tests/rounds/conftest.py), with a bad line."""
    docs = [
        profiles.with_english("t-late", 9, submitted_at="2026-06-03T09:00:00Z"),
        profiles.example("hi", "2026-06-05T09:00:00Z"),
        profiles.with_english("t-mid", 9, submitted_at="2026-06-02T09:00:00Z"),
        profiles.with_english("low", 7, submitted_at="2026-06-04T09:00:00Z"),
        profiles.with_english("t-early", 9, submitted_at="2026-06-01T09:00:00Z"),
        profiles.nominated("pn", "2026-06-06T09:00:00Z"),
        profiles.fst_only("fst", "2026-06-07T09:00:00Z"),
    ]
    lines = [json.dumps(d) for d in docs]
    lines.insert(3, json.dumps({**docs[0], "profile_id": "typo", "familly_size": 2}))
    path = tmp_path / "pool.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def imported(db_url: str, jsonl: Path) -> str:
    result = cli("pool", "import", str(jsonl), "--db", db_url, "--as-of", "2026-06-10", "--json")
    assert result.exit_code == 2, result.output  # one bad line
    return db_url


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def round_args(*extra: str, kind: str = "general", size: int = 3) -> list[str]:
    return ["--type", kind, "--size", str(size), "--at", AT, *extra, "--json"]


def test_pool_import_reports_bad_lines_by_number(db_url: str, jsonl: Path) -> None:
    result = cli("pool", "import", str(jsonl), "--db", db_url, "--as-of", "2026-06-10", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {"imported": 7, "refused": 0, "bad_lines": 1}
    err = stderr_of(result)
    assert f"error: {jsonl}, line 4: familly_size: unknown field" in err
    listed = cli("pool", "list", "--db", db_url, "--json")
    assert listed.exit_code == 0
    assert len(json.loads(listed.stdout)) == 7
    # a second import of the same file: every line is reported, nothing is lost or doubled
    again = cli("pool", "import", str(jsonl), "--db", db_url, "--as-of", "2026-06-10", "--json")
    assert again.exit_code == 2
    assert json.loads(again.stdout) == {"imported": 0, "refused": 0, "bad_lines": 8}
    assert stderr_of(again).count("is already in the pool") == 7
    stats = json.loads(cli("pool", "stats", "--db", db_url, "--json").stdout)
    assert stats["in_pool"] == 7


def test_pool_import_of_a_clean_file_exits_0(db_url: str, tmp_path: Path, profiles) -> None:
    path = tmp_path / "good.jsonl"
    path.write_text(json.dumps(profiles.example("only")) + "\n", encoding="utf-8")
    result = cli("pool", "import", str(path), "--db", db_url, "--as-of", "2026-06-10")
    assert result.exit_code == 0, result.output
    assert "imported 1 profiles" in result.stdout
    missing = cli("pool", "import", str(tmp_path / "nope.jsonl"), "--db", db_url)
    assert missing.exit_code == 2
    assert "nope.jsonl" in stderr_of(missing)


def test_round_preview_and_run_print_the_round_document(imported: str) -> None:
    db = imported
    preview = cli("round", "preview", *round_args("--db", db))
    assert preview.exit_code == 0, preview.output
    doc = json.loads(preview.stdout)
    assert set(doc) == ROUND_KEYS
    assert doc == {
        "round_id": 1,
        "invitations": 3,
        "lowest_crs": doc["lowest_crs"],
        "tie_break": "2026-06-01T09:00:00Z",
        "invited": ["pn", "hi", "t-early"],
    }
    assert isinstance(doc["lowest_crs"], int)

    run = cli("round", "run", *round_args("--round-id", "12", "--db", db))
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout) == doc | {"round_id": 12}
    # the same round again: the same answer, no second set of invitations
    again = cli("round", "run", *round_args("--round-id", "12", "--db", db))
    assert again.exit_code == 0
    assert json.loads(again.stdout) == json.loads(run.stdout)
    itas = json_lines(cli("ita", "list", "--db", db, "--json").stdout)
    assert [i["profile_id"] for i in itas] == ["pn", "hi", "t-early"]

    shown = json.loads(cli("round", "show", "12", "--db", db, "--json").stdout)
    assert shown["invited"] == doc["invited"]
    assert shown["rank_needed"] == 3
    assert shown["distribution"]["total"] == shown["pool_size"] == 7
    listed = json_lines(cli("round", "list", "--db", db, "--json").stdout)
    assert [r["round_id"] for r in listed] == [12]
    verify = cli("round", "verify", "12", "--db", db, "--json")
    assert verify.exit_code == 0
    assert json.loads(verify.stdout)["ok"] is True


def test_program_and_category_rounds_from_the_command_line(imported: str) -> None:
    db = imported
    cec = cli(
        "round", "preview", *round_args("--program", "CEC", "--db", db, kind="program", size=10)
    )
    assert cec.exit_code == 0, cec.output
    assert json.loads(cec.stdout)["invited"] == ["pn", "hi", "t-early", "t-mid", "t-late", "low"]
    fst = cli("round", "run", *round_args("--program", "fst", "--db", db, kind="program", size=10))
    assert json.loads(fst.stdout)["invited"] == ["fst"]
    french = cli(
        "round",
        "run",
        *round_args("--category", "french_language_proficiency", "--db", db, kind="category"),
    )
    assert french.exit_code == 0, french.output
    assert json.loads(french.stdout)["invited"] == ["pn", "hi"]  # the only ones with TEF


def test_the_database_can_come_from_the_environment(imported: str) -> None:
    env = {"EXPRESSENTRY_DATABASE_URL": imported}
    result = cli("round", "preview", *round_args(size=1), env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["invited"] == ["pn"]


BAD = [
    (["--type", "general", "--size", "0", "--at", AT], "size: a round invites at least one"),
    (["--type", "general", "--size", "-2", "--at", AT], "size:"),
    (["--type", "category", "--category", "nope", "--size", "5", "--at", AT], "category: 'nope'"),
    (
        [
            "--type",
            "category",
            "--category",
            "education",
            "--size",
            "5",
            "--at",
            "2024-11-20T12:00:00Z",
        ],
        "category: category 'education' is not in force on 2024-11-20",
    ),
    (["--type", "general", "--size", "5", "--at", "2026-13-45"], "'--at'"),
    (["--type", "general", "--size", "5", "--at", "2026-11-20T12:00"], "'--at'"),
    (["--type", "program", "--size", "5", "--at", AT], "program: a program round needs one of"),
    (["--type", "special", "--size", "5", "--at", AT], "type: 'special'"),
]


def test_bad_round_input_exits_2_naming_the_field(imported: str) -> None:
    for args, message in BAD:
        for command in ("preview", "run"):
            result = cli("round", command, *args, "--db", imported, "--json")
            assert result.exit_code == 2, (args, result.output)
            assert message in " ".join(stderr_of(result).split()), (args, stderr_of(result))
            assert result.stdout == "" or "{" not in result.stdout
    rounds = cli("round", "list", "--db", imported, "--json")
    assert rounds.stdout == ""
    # a round in the past of one already held
    assert cli("round", "run", *round_args("--db", imported)).exit_code == 0
    past = cli(
        "round",
        "run",
        "--type",
        "general",
        "--size",
        "1",
        "--at",
        "2026-11-19T12:00:00Z",
        "--db",
        imported,
        "--json",
    )
    assert past.exit_code == 2
    assert "at: 2026-11-19T12:00:00Z is before round 1" in stderr_of(past)
    other = cli("round", "run", *round_args("--round-id", "1", "--db", imported, size=4))
    assert other.exit_code == 2
    assert "round_id: round 1 was already held" in stderr_of(other)


def test_itas_and_applications_from_the_command_line(
    imported: str, tmp_path: Path, profiles
) -> None:
    db = imported
    assert cli("round", "run", *round_args("--db", db)).exit_code == 0  # pn, hi, t-early
    declined = cli("ita", "decline", "hi", "--at", "2026-11-21T00:00:00Z", "--db", db)
    assert declined.exit_code == 0, declined.output
    accepted = cli("ita", "accept", "pn", "--at", "2026-11-21T00:00:00Z", "--db", db)
    assert accepted.exit_code == 0, accepted.output
    weaker = tmp_path / "verified.json"
    weaker.write_text(json.dumps(profiles.with_english("t-early", 7)), encoding="utf-8")
    submitted = cli(
        "application",
        "submit",
        "t-early",
        "--profile",
        str(weaker),
        "--at",
        "2026-11-21T00:00:00Z",
        "--db",
        db,
    )
    assert submitted.exit_code == 0, submitted.output
    ok = cli("application", "decide", "1", "--at", "2026-11-22T00:00:00Z", "--db", db, "--json")
    assert json.loads(ok.stdout)["outcome"] == "approved"
    refused = cli(
        "application", "decide", "2", "--at", "2026-11-22T00:00:00Z", "--db", db, "--json"
    )
    decision = json.loads(refused.stdout)
    assert decision["outcome"] == "refused"
    assert "below the round's lowest score" in decision["reasons"][0]
    inadmissible = cli("application", "decide", "2", "--inadmissible", "--db", db)
    assert inadmissible.exit_code == 2
    assert "already decided" in stderr_of(inadmissible)
    statuses = {
        r["profile_id"]: r["status"]
        for r in json_lines(cli("ita", "list", "--db", db, "--json").stdout)
    }
    assert statuses == {"pn": "applied", "hi": "declined", "t-early": "applied"}
    expired = cli("ita", "expire-due", "--at", "2027-03-01T00:00:00Z", "--db", db)
    assert expired.exit_code == 0
    assert "0 invitations expired" in expired.stdout
    shown = json.loads(cli("pool", "show", "hi", "--db", db, "--json").stdout)
    assert shown["status"] == "in_pool"
    assert [h["reason"] for h in shown["history"]] == [
        "imported",
        "rescored",  # as of the round's day
        "invited: round 1",
        "declined",
    ]
