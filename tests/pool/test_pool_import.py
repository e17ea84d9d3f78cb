"""Importing JSON Lines: good lines are imported, every bad line is reported, none is lost."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from expressentry.pool.assessment import assess_for_pool
from expressentry.profile.model import parse_profile


def line(doc: dict) -> str:
    return json.dumps(doc)


@pytest.mark.parametrize("workers", [1, 2])
def test_import_reports_every_bad_line_and_loses_none(
    pool, engine, profiles, audit, counts, workers
) -> None:
    pool.submit(profiles.parse(profiles.example("in-pool")))
    no_id = profiles.example("x")
    del no_id["profile_id"]
    no_time = profiles.example("no-time")
    del no_time["submitted_at"]
    typo = profiles.example("typo")
    typo["setlement_funds_cad"] = 1
    lines = [
        line(profiles.example("g-1", "2026-06-01T09:00:00Z")),  # 1 good
        '{"profile_id": "broken", ',  # 2 not JSON
        line(typo),  # 3 unknown field
        line(no_id),  # 4 no profile_id
        line(no_time),  # 5 no submitted_at
        line(profiles.with_english("g-2", 8, submitted_at="2026-06-02T09:00:00Z")),  # 6 good
        "",  # 7 blank: skipped
        line(profiles.with_english("g-1", 9)),  # 8 duplicate of line 1
        line(profiles.example("in-pool")),  # 9 already in the pool
        line(profiles.ineligible("weak")),  # 10 meets no program
        line(profiles.example("bad-date", date_of_birth="1996-02-30")),  # 11 bad date
        line(profiles.with_english("g-3", 10, submitted_at="2026-06-03T09:00:00Z")),  # 12 good
        line(profiles.with_english("g-4", 7, submitted_at="2026-06-04T09:00:00Z")),  # 13 good
    ]
    before = counts(engine)
    report = pool.import_lines(
        lines, as_of=dt.date(2026, 6, 10), batch=2, actor="loader", workers=workers
    )

    assert report.imported == 4
    assert report.refused == 1
    problems = dict(report.problems)
    assert len(problems) == len(report.problems) == report.bad == 8  # one report a line
    assert sorted(problems) == [2, 3, 4, 5, 8, 9, 10, 11]
    assert "not valid JSON" in problems[2] or "json" in problems[2].lower()
    assert "setlement_funds_cad" in problems[3] and "unknown field" in problems[3]
    assert problems[4].startswith("profile_id:")
    assert problems[5].startswith("submitted_at:")
    assert "'g-1' appears twice in the file" in problems[8]
    assert "'in-pool' is already in the pool" in problems[9]
    assert problems[10].startswith("not eligible for any program")
    assert "date_of_birth" in problems[11]
    # none lost: every line that is not blank is either imported or reported
    non_blank = {n for n, text in enumerate(lines, start=1) if text.strip()}
    imported = {1, 6, 12, 13}
    assert imported | set(problems) == non_blank
    assert not imported & set(problems)

    in_pool = {r["profile_id"]: r for r in pool.list(limit=100)}
    assert set(in_pool) == {"in-pool", "g-1", "g-2", "g-3", "g-4"}
    assert in_pool["g-1"]["submitted_at"] == "2026-06-01T09:00:00+00:00"
    assert in_pool["g-3"]["submitted_at"] == "2026-06-03T09:00:00+00:00"
    assert pool.history("g-2")[0]["reason"] == "imported"
    assert pool.history("g-2")[0]["actor"] == "loader"
    after = counts(engine)
    assert after["profiles"] - before["profiles"] == 4
    assert after["profile_states"] - before["profile_states"] == 4
    events = audit(engine, "pool", kind="pool.imported")
    assert sum(e["after"]["profiles"] for e in events) == 4
    assert {e["actor"] for e in events} == {"loader"}


def test_imported_profiles_are_stored_as_a_submit_would_store_them(pool) -> None:
    """Scored as of the import's date (or the submission date when later), in two worker
    processes, in line order."""
    from expressentry.simulation import synth

    as_of = dt.date(2026, 11, 1)
    docs = list(synth.profiles(120, as_of, seed=11))
    report = pool.import_lines([json.dumps(d) for d in docs], as_of=as_of, workers=2)
    assert report.imported + report.bad == len(docs)
    # the pool on the import's day: every profile as it was assessed
    on_the_day = dt.datetime.combine(as_of, dt.time(23, 59), dt.UTC)
    assert report.imported == pool.stats(at=on_the_day)["by_status"]["in_pool"]
    assert 30 <= report.imported <= 110  # synth: about 60 % meet a program
    assert all(reason.startswith("not eligible") for _, reason in report.problems)
    refused_lines = {n for n, _ in report.problems}
    for number, doc in enumerate(docs, start=1):
        profile = parse_profile(doc)
        submitted = profile.submitted_at.astimezone(dt.UTC).date()
        on = max(as_of, submitted)
        a = assess_for_pool(profile, submitted, on, pool.rulebook, pool.categories)
        assert a.eligible == (number not in refused_lines), doc["profile_id"]
        if a.eligible:
            shown = pool.show(doc["profile_id"])
            assert shown["crs"] == a.crs
            assert shown["scored_on"] == on.isoformat()
            assert shown["expires_on"] == a.expires_on.isoformat()
            assert shown["categories"] == list(a.categories)
            assert shown["submitted_at"] == profile.submitted_at.astimezone(dt.UTC).isoformat()


def test_lines_are_numbered_across_the_workers_chunks() -> None:
    """The workers assess the file in chunks: bad lines far apart keep their numbers, and the
    results come back in line order."""
    from expressentry.pool.importer import ImportRow, Problem, import_rows
    from expressentry.simulation import synth

    lines = list(synth.jsonl(40, dt.date(2026, 11, 1), seed=5))
    bad = {1: "{", 6: "[]", 7: '{"profile_id": "z"}', 33: "not json", 40: '{"nope": 1}'}
    for number, text in bad.items():
        lines[number - 1] = text
    lines.insert(20, "   ")  # a blank line 21: skipped, but it counts in the numbering
    results = list(import_rows(lines, dt.date(2026, 11, 1), workers=2, chunk=5))
    numbers = [r.number for r in results]
    assert numbers == sorted(numbers) == [n for n in range(1, 42) if n != 21]
    problems = {r.number for r in results if isinstance(r, Problem) and not r.refused}
    assert problems == {1, 6, 7, 34, 41}
    for r in results:
        if isinstance(r, ImportRow):
            assert r.profile_id == f"s-{r.number - (r.number > 21):07d}"
    serial = list(import_rows(lines, dt.date(2026, 11, 1), workers=1))
    assert [(r.number, type(r)) for r in serial] == [(r.number, type(r)) for r in results]


def test_the_pool_takes_new_profiles_after_a_bulk_import(pool, profiles, synth_pool) -> None:
    """The bulk path writes explicit keys (COPY on PostgreSQL): later writes must not collide."""
    first = synth_pool(pool, 60, seed=3)
    second = pool.import_lines(
        [line(profiles.with_english(f"late-{i}", 8)) for i in range(3)],
        as_of=dt.date(2026, 6, 10),
        batch=2,
        workers=1,
    )
    assert second.imported == 3
    assert pool.submit(profiles.parse(profiles.example("after-import"))).entered
    pool.update(
        profiles.parse(profiles.with_english("late-1", 10)),
        at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC),
    )
    assert pool.stats()["in_pool"] == first.imported + 4
    assert pool.show("late-1")["version"] == 2


def _stored_states(engine) -> dict[str, dict]:
    """Every profile's current state as stored (but its keys and the actor and reason)."""
    from sqlalchemy import select

    from expressentry.pool.schema import profile_states, profiles
    from expressentry.pool.service import as_utc

    skip = {"pk", "profile_pk", "actor", "reason"}
    with engine.connect() as conn:
        rows = conn.execute(
            select(profiles.c.profile_id, profiles.c.submitted_at, profile_states)
            .join(profile_states, profile_states.c.profile_pk == profiles.c.pk)
            .where(profile_states.c.valid_to.is_(None))
        ).all()
    return {
        r.profile_id: {
            k: as_utc(v) if isinstance(v, dt.datetime) else v
            for k, v in r._mapping.items()
            if k not in skip
        }
        for r in rows
    }


@pytest.mark.parametrize("workers", [1, 2])
def test_the_bulk_import_stores_what_submitting_one_profile_at_a_time_stores(
    db_url, engine, tmp_path, workers
) -> None:
    """The import validates, scores and checks chunks of lines column-wise and writes them in
    bulk (COPY on PostgreSQL): each state row equals the one ``submit`` writes for the same
    profile, scored the same day. Some profiles are submitted after the import's date, so they
    are scored on their own submission day (several scoring days in one chunk)."""
    from expressentry.pool.db import connect
    from expressentry.pool.service import Pool
    from expressentry.simulation import synth

    as_of = dt.date(2026, 9, 1)
    docs = list(synth.profiles(400, dt.date(2026, 11, 1), seed=21))
    later = sum(d["submitted_at"][:10] > as_of.isoformat() for d in docs)
    assert 20 <= later < len(docs)
    bulk = Pool(engine)
    report = bulk.import_lines(
        [json.dumps(d) for d in docs], as_of=as_of, workers=workers, batch=150
    )
    assert report.imported > 100 and report.imported + report.bad == len(docs)

    single = Pool(connect(f"sqlite:///{tmp_path / 'single.db'}"))
    try:
        for doc in docs:
            profile = parse_profile(doc)
            submitted = profile.submitted_at.astimezone(dt.UTC)
            day = max(as_of, submitted.date())
            single.submit(profile, at=max(submitted, dt.datetime.combine(day, dt.time(), dt.UTC)))
        expected = _stored_states(single.engine)
    finally:
        single.engine.dispose()
    stored = _stored_states(engine)
    assert set(stored) == set(expected)
    for profile_id, row in stored.items():
        assert row == expected[profile_id], profile_id
    assert {n for n, _ in report.problems} == {
        n for n, d in enumerate(docs, start=1) if d["profile_id"] not in expected
    }


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_bulk_import_leaves_postgresql_analyzed_and_all_visible(
    engine, pool, synth_pool, monkeypatch
) -> None:
    """After a bulk load the tables are vacuumed and analyzed: the statistics count the rows
    and the visibility map lets a round read the ranking index alone (an index-only scan)."""
    from sqlalchemy import text

    from expressentry.pool import service

    monkeypatch.setattr(service, "BULK_LOAD_ROWS", 50)
    report = synth_pool(pool, 120, seed=5)
    assert report.imported >= 50
    with engine.connect() as conn:
        tuples, visible = conn.execute(
            text("SELECT reltuples, relallvisible FROM pg_class WHERE relname = 'profile_states'")
        ).one()
    assert tuples == report.imported
    assert visible > 0


# --- the indexes a first load builds at its end ------------------------------------------------


def _index_definitions(engine) -> dict[str, str]:
    """Every index of the pool's states, by name, as the database holds its definition."""
    from sqlalchemy import text

    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = 'profile_states' AND sql IS NOT NULL"
                )
            )
        else:
            rows = conn.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'profile_states'"
                )
            )
        return {name: " ".join(sql.split()) for name, sql in rows}


def _statements(engine) -> list[str]:
    """The statements the engine runs from now on (a list that fills as they run)."""
    from sqlalchemy import event

    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_a_first_load_builds_the_ranking_indexes_at_its_end_as_the_schema_defines_them(
    engine, pool, profiles, synth_pool
) -> None:
    """Into an empty pool, the import drops the ranking indexes and builds them once, after the
    rows: the same indexes as the migrations make, and rounds use them as before."""
    from expressentry.pool.bulk import DEFERRED_INDEXES

    migrated = _index_definitions(engine)
    assert set(DEFERRED_INDEXES) <= set(migrated)
    ran = _statements(engine)
    first = synth_pool(pool, 80, seed=7)
    assert first.imported > 40
    dropped = [s for s in ran if s.lstrip().upper().startswith("DROP INDEX")]
    assert {name for name in DEFERRED_INDEXES if any(name in s for s in dropped)} == set(
        DEFERRED_INDEXES
    )
    assert _index_definitions(engine) == migrated

    # a second load into the pool, now not empty, keeps every index while it writes
    ran.clear()
    second = pool.import_lines(
        [line(profiles.with_english(f"second-{i}", 8)) for i in range(4)],
        as_of=dt.date(2026, 11, 1),
        workers=1,
    )
    assert second.imported == 4
    assert not [s for s in ran if "INDEX" in s.upper()]
    assert _index_definitions(engine) == migrated


def test_a_first_load_that_fails_still_builds_its_indexes(
    engine, pool, profiles, monkeypatch
) -> None:
    """However the load ends (here a write that fails in its second batch), the indexes it
    dropped are built again, and the batch that failed wrote nothing."""
    from expressentry.pool.service import Pool

    migrated = _index_definitions(engine)
    calls = {"n": 0}
    real = Pool._write_batch

    def failing(self, conn, pending, actor, report, *rest):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the disk is full")
        return real(self, conn, pending, actor, report, *rest)

    monkeypatch.setattr(Pool, "_write_batch", failing)
    lines = [line(profiles.with_english(f"load-{i}", 9)) for i in range(6)]
    with pytest.raises(RuntimeError, match="disk is full"):
        pool.import_lines(lines, as_of=dt.date(2026, 6, 10), batch=3, workers=1)
    assert _index_definitions(engine) == migrated
    assert pool.stats()["in_pool"] == 3


def test_indexes_a_killed_load_left_missing_are_built_when_the_pool_is_opened(db_url) -> None:
    """A load killed between its writes leaves the ranking indexes dropped (and the pool whole):
    opening the database builds them again."""
    from sqlalchemy import text

    from expressentry.pool.bulk import DEFERRED_INDEXES
    from expressentry.pool.db import connect

    engine = connect(db_url)
    try:
        migrated = _index_definitions(engine)
        with engine.begin() as conn:
            for name in DEFERRED_INDEXES:
                conn.execute(text(f"DROP INDEX {name}"))
        assert not set(DEFERRED_INDEXES) & set(_index_definitions(engine))
    finally:
        engine.dispose()
    engine = connect(db_url)
    try:
        assert _index_definitions(engine) == migrated
    finally:
        engine.dispose()


def test_the_ids_already_in_the_pool_are_found_among_thousands(engine, pool, profiles) -> None:
    """The import's look-up of profile_ids already stored sends them as one parameter: any
    text, any number of them."""
    from sqlalchemy import insert

    from expressentry.pool.bulk import existing
    from expressentry.pool.schema import profiles as profiles_table

    odd = ['quote\'s "id"', "é-ü-ß 名前", "comma,and;semicolon", "x" * 200]
    # such ids are outside the profile_id alphabet (issue 14): an import refuses them by line
    report = pool.import_lines(
        [line(profiles.with_english(pid, 8)) for pid in odd], as_of=dt.date(2026, 6, 10), workers=1
    )
    assert report.imported == 1 and [n for n, _ in report.problems] == [1, 2, 3]
    assert all("not a valid profile_id" in reason for _, reason in report.problems)
    # the look-up itself takes any text: rows stored before the alphabet existed
    with engine.begin() as conn:
        for pid in odd[:3]:
            conn.execute(
                insert(profiles_table).values(
                    profile_id=pid, submitted_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
                )
            )
    asked = [f"absent-{i}" for i in range(12_000)] + odd[::-1]
    with engine.connect() as conn:
        assert existing(conn, profiles_table, "profile_id", asked) == set(odd)
        assert existing(conn, profiles_table, "profile_id", []) == set()


#: imports a file in batches of 10 in this process, and hangs (writing MARKER) in the middle of
#: its second batch, after the states are written and before the batch commits
HANGING_IMPORT = """
import datetime as dt, sys, time
import expressentry.pool.bulk as bulk
from expressentry.pool.db import connect
from expressentry.pool.service import Pool

url, path, marker = sys.argv[1:4]
original = bulk.insert_tuples
written = []

def insert_tuples(conn, table, columns, rows):
    original(conn, table, columns, rows)
    if table.name == "profile_states":
        written.append(len(rows))
        if len(written) == 2:
            open(marker, "w").write("hanging")
            time.sleep(600)  # until killed

bulk.insert_tuples = insert_tuples
with open(path) as lines:
    Pool(connect(url)).import_lines(lines, as_of=dt.date(2026, 6, 10), batch=10, workers=1)
"""


def test_an_import_killed_in_a_batch_keeps_the_batches_before_and_its_indexes_come_back(
    db_url, tmp_path, profiles
) -> None:
    """A first load killed in the middle of its second batch: the first batch stays whole, the
    second leaves nothing, opening the pool builds the ranking indexes the load had dropped, and
    importing the file again brings in the rest."""
    import subprocess
    import sys
    import time

    from expressentry.pool.db import connect
    from expressentry.pool.service import Pool

    engine = connect(db_url)
    migrated = _index_definitions(engine)
    engine.dispose()
    path = tmp_path / "pool.jsonl"
    path.write_text("".join(line(profiles.with_english(f"k-{i}", 9)) + "\n" for i in range(25)))
    marker = tmp_path / "marker"
    proc = subprocess.Popen(
        [sys.executable, "-c", HANGING_IMPORT, db_url, str(path), str(marker)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"the import ended before its second batch: {proc.communicate()}")
        assert time.monotonic() < deadline, "the import never reached its second batch"
        time.sleep(0.02)
    proc.kill()
    proc.wait(timeout=30)

    engine = connect(db_url)  # opening the pool builds the indexes again
    try:
        assert _index_definitions(engine) == migrated
        pool = Pool(engine)
        assert pool.stats()["in_pool"] == 10
        with path.open() as lines:
            again = pool.import_lines(lines, as_of=dt.date(2026, 6, 10), workers=1)
        assert again.imported == 15
        assert [n for n, _ in again.problems] == list(range(1, 11))  # already in the pool
        assert pool.stats()["in_pool"] == 25
        assert _index_definitions(engine) == migrated
    finally:
        engine.dispose()


def test_bulk_writes_convert_each_value_as_sqlalchemy_would(tmp_path) -> None:
    """SQLite's bulk insert converts each distinct date and time once: values repeated in a
    batch, equal instants in two zones, dates and naive times are each stored as SQLAlchemy
    stores them one at a time."""
    from sqlalchemy import Column, Date, DateTime, Integer, MetaData, Table, create_engine, insert

    from expressentry.pool.bulk import insert_tuples

    metadata = MetaData()
    table = Table("t", metadata, Column("n", Integer), Column("at", DateTime), Column("day", Date))
    engine = create_engine(f"sqlite:///{tmp_path / 'values.db'}")
    metadata.create_all(engine)
    noon = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    same_instant = noon.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    rows = [
        (1, noon, dt.date(2026, 6, 1)),
        (2, same_instant, dt.date(2026, 6, 1)),
        (3, noon, dt.date(2026, 6, 2)),
        (4, noon.replace(tzinfo=None), None),
        (5, None, dt.date(2026, 6, 1)),
    ]
    with engine.begin() as conn:
        insert_tuples(conn, table, ["n", "at", "day"], rows)
        conn.execute(insert(table), [{"n": 10 + n, "at": a, "day": d} for n, a, d in rows])
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT n, at, day FROM t ORDER BY n").all()
    engine.dispose()
    assert [tuple(r[1:]) for r in stored[:5]] == [tuple(r[1:]) for r in stored[5:]]
    assert stored[0][1] != stored[1][1]  # each zone's wall-clock time, as SQLAlchemy writes it
