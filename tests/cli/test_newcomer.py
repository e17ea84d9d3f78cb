"""The newcomer's path (issue 17): the README's first command builds the demo, and then the
CLI reads that same demo without ``--db``; the demo looks like the real system, smaller.

``expressentry serve`` runs as the README says, on a fresh data folder, with only the server's
listening left out (uvicorn is replaced): everything it does before it listens is tested.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from expressentry.cli.main import app

runner = CliRunner()


@dataclass
class Built:
    data: Path
    output: str
    listened: dict


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    data = tmp_path_factory.mktemp("xdg")
    listened: dict = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_DATA_HOME", str(data))
        mp.delenv("EXPRESSENTRY_DATABASE_URL", raising=False)
        import uvicorn

        mp.setattr(uvicorn, "run", lambda *a, **k: listened.update(k, app=a[0]))
        result = runner.invoke(app, ["serve"])
        assert result.exit_code == 0, result.output
        yield Built(data, result.output, listened)


@pytest.fixture
def at_home(built: Built, monkeypatch: pytest.MonkeyPatch) -> Built:
    monkeypatch.setenv("XDG_DATA_HOME", str(built.data))
    monkeypatch.delenv("EXPRESSENTRY_DATABASE_URL", raising=False)
    return built


def _db(built: Built) -> Path:
    return built.data / "expressentry" / "expressentry.db"


def _engine(built: Built):  # type: ignore[no-untyped-def]
    from expressentry.pool.db import connect

    return connect(f"sqlite:///{_db(built)}")


def test_serve_says_which_database_it_uses_and_builds_the_demo_there(at_home: Built) -> None:
    assert f"Database: sqlite:///{_db(at_home)}" in at_home.output
    assert "Demo logins" in at_home.output
    assert at_home.listened["app"] == "expressentry.api.app:create_app"
    # the server is started on that database
    import os

    assert os.environ.get("EXPRESSENTRY_DATABASE_URL") in (None, f"sqlite:///{_db(at_home)}")


def test_where_names_the_one_database(at_home: Built) -> None:
    result = runner.invoke(app, ["where", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["database"] == f"sqlite:///{_db(at_home)}"
    assert doc["origin"] == "default" and doc["exists"] is True
    assert doc["profiles"] > 1000 and doc["rounds"] > 40 and doc["users"] == 4
    text = runner.invoke(app, ["where"]).stdout
    assert str(_db(at_home)) in text and "unless given --db" in text


def test_the_cli_reads_the_demo_without_db(at_home: Built) -> None:
    logins = json.loads(Path(str(_db(at_home)) + ".logins.json").read_text())
    profile_id = next(login["profile_id"] for login in logins if login["profile_id"])
    shown = runner.invoke(app, ["pool", "show", profile_id, "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["profile_id"] == profile_id
    preview = runner.invoke(app, ["round", "preview", "--type", "general", "--size", "5", "--json"])
    assert preview.exit_code == 0, preview.output
    assert json.loads(preview.stdout)["invitations"] == 5
    year = str(dt.datetime.now(dt.UTC).date().year)
    report = runner.invoke(app, ["report", "year-end", "--year", year, "--format", "json"])
    assert report.exit_code == 0, report.output
    assert "No data" not in report.stdout
    assert json.loads(report.stdout)


def test_a_reading_command_does_not_create_a_database(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("EXPRESSENTRY_DATABASE_URL", raising=False)
    result = runner.invoke(app, ["pool", "show", "x-1"])
    assert result.exit_code == 2
    assert "no database at" in result.stderr and "expressentry serve" in result.stderr
    assert not (tmp_path / "expressentry" / "expressentry.db").exists()
    doc = json.loads(runner.invoke(app, ["where", "--json"]).stdout)
    assert doc["exists"] is False and not (tmp_path / "expressentry" / "expressentry.db").exists()


def test_the_demo_is_made_of_distinct_people(at_home: Built) -> None:
    from sqlalchemy import func

    from expressentry.pool.schema import profile_states

    first = select(func.min(profile_states.c.pk)).group_by(profile_states.c.profile_pk)
    with _engine(at_home).connect() as conn:
        docs = conn.execute(
            select(profile_states.c.document).where(profile_states.c.pk.in_(first))
        ).scalars()
        people = Counter()
        for text in docs:
            doc = json.loads(text)
            doc.pop("profile_id", None)
            doc.pop("submitted_at", None)
            people[json.dumps(doc, sort_keys=True)] += 1
    assert sum(people.values()) > 3000
    assert people.most_common(1)[0][1] == 1


def test_people_arrive_every_day_and_profiles_expire(at_home: Built) -> None:
    from expressentry.pool.schema import profile_states, profiles

    today = dt.datetime.now(dt.UTC).date()
    with _engine(at_home).connect() as conn:
        days = {
            (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).date()
            for t in conn.execute(select(profiles.c.submitted_at)).scalars()
        }
        statuses = Counter(
            conn.execute(
                select(profile_states.c.status).where(profile_states.c.valid_to.is_(None))
            ).scalars()
        )
    year = [today - dt.timedelta(days=n) for n in range(1, 360)]
    assert all(day in days for day in year), [d for d in year if d not in days][:5]
    assert statuses["expired"] > 100 and statuses["in_pool"] > 1500
    assert statuses["invited"] > 0 and statuses["applied"] > 0


def test_rounds_of_every_recent_kind_up_to_today_find_candidates(at_home: Built) -> None:
    from expressentry.pool.schema import rounds
    from expressentry.rounds.history import load_history

    with _engine(at_home).connect() as conn:
        held = [dict(r._mapping) for r in conn.execute(select(rounds))]
    assert held
    kinds = Counter()
    for r in held:
        kind = r.get("category") or r.get("program") or r["round_type"]
        kinds[kind] += 1
        assert r["eligible"] >= r["invitations"] > 0, r
    last = max(r["held_at"] for r in held)
    last = last if last.tzinfo else last.replace(tzinfo=dt.UTC)
    assert dt.datetime.now(dt.UTC) - last < dt.timedelta(days=21)
    # every kind of round IRCC held in the year before its last published round
    published = load_history()
    end = max(r.held_at for r in published)
    recent = {
        (r.category or r.program or r.round_type)
        for r in published
        if r.held_at > end - dt.timedelta(days=240)
        and r.round_type in ("general", "program", "category")
    }
    assert recent <= set(kinds), recent - set(kinds)
    pnp = [r for r in held if r.get("program") == "pnp"]
    assert pnp and min(r["eligible"] for r in pnp) > 0
    assert kinds["skilled_military_recruits"] > 0
