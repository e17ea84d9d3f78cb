"""Faults and concurrency: a round killed between its writes leaves nothing behind; two
processes holding rounds at once never invite one candidate twice."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from expressentry.pool.schema import itas as ita_table
from expressentry.pool.schema import profile_states
from expressentry.pool.schema import rounds as round_table

AT_TEXT = "2026-11-20T12:00:00Z"
EXPRESSENTRY = Path(sys.executable).with_name("expressentry")

#: holds a round in this process, and hangs (writing MARKER) at one point between its writes
HANGING_ROUND = textwrap.dedent(
    """
    import datetime as dt, os, sys, time
    from sqlalchemy import event
    from expressentry.pool.db import connect
    from expressentry.pool.service import Pool
    import expressentry.rounds.service as service

    url, marker, point, size, round_id = sys.argv[1:6]

    def hang():
        with open(marker, "w") as fh:
            fh.write("hanging")
        # until killed, or until the test creates the release file
        for _ in range(6000):
            if os.path.exists(marker + ".release"):
                return
            time.sleep(0.05)

    engine = connect(url)
    if point == "after-round-row":
        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("INSERT INTO ROUNDS"):
                hang()
    elif point == "after-itas":
        original = service.insert_rows
        def insert_rows(conn, table, rows):
            original(conn, table, rows)
            if table.name == "itas":
                hang()
        service.insert_rows = insert_rows
    elif point == "between-state-writes":
        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("UPDATE PROFILE_STATES"):
                hang()
    elif point == "before-event":
        def record_event(conn, **kwargs):
            hang()
        service.record_event = record_event
    else:
        raise SystemExit(f"unknown point {point}")

    request = service.RoundRequest(
        at=dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC),
        round_type="general",
        size=int(size),
        round_id=int(round_id),
    )
    result = service.Rounds(Pool(engine)).run(request)
    print(result.invitations)
    """
)


def start_hanging_round(
    url: str, tmp_path: Path, point: str, size: int, round_id: int
) -> tuple[subprocess.Popen, Path]:
    """A process holding a round, stopped at ``point`` inside its transaction; it goes on when
    the marker's ``.release`` file appears."""
    marker = tmp_path / f"marker-{point}-{round_id}"
    args = [sys.executable, "-c", HANGING_ROUND, url, str(marker), point, str(size), str(round_id)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not marker.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the round process ended before the hang point: {out}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the round process never reached its hang point")
        time.sleep(0.02)
    return proc, marker


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def advisory_waiters(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(
            text(
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        )


def invited_states(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(
            select(func.count()).where(
                profile_states.c.status == "invited", profile_states.c.valid_to.is_(None)
            )
        )


# --- (a) a crash in the middle of a round ------------------------------------------------------


POINTS = ["after-round-row", "after-itas", "between-state-writes", "before-event"]


@pytest.mark.parametrize(
    ("db_url", "point"),
    [("postgresql", p) for p in POINTS] + [("sqlite", "between-state-writes")],
    indirect=["db_url"],
)
def test_a_round_killed_between_its_writes_leaves_no_partial_round(
    db_url, engine, pool, rounds, request_for, synth_pool, counts, tmp_path, point
) -> None:
    synth_pool(pool, 150, seed=2)
    size = 40
    expected = rounds.preview(request_for("general", size, round_id=9))
    assert expected.invitations == size
    before = counts(engine)

    proc, _ = start_hanging_round(db_url, tmp_path, point, size, round_id=9)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert counts(engine) == before
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(round_table)) == 0
        assert conn.scalar(select(func.count()).select_from(ita_table)) == 0
    assert invited_states(engine) == 0

    # the round can then be held, whole
    result = rounds.run(request_for("general", size, round_id=9))
    assert not result.already_run
    assert result.document() == expected.document()
    assert invited_states(engine) == size
    assert rounds.verify(9).ok


# --- (b) two rounds at once --------------------------------------------------------------------


def round_run(url: str, size: int, round_id: int, at: str = AT_TEXT) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(EXPRESSENTRY),
            "round",
            "run",
            "--type",
            "general",
            "--size",
            str(size),
            "--at",
            at,
            "--round-id",
            str(round_id),
            "--db",
            url,
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return json.loads(out)


def assert_no_double_invitations(engine, expected_total: int) -> None:
    with engine.connect() as conn:
        twice = conn.execute(
            select(ita_table.c.profile_pk)
            .where(ita_table.c.status == "outstanding")
            .group_by(ita_table.c.profile_pk)
            .having(func.count() > 1)
        ).all()
        total = conn.scalar(select(func.count()).select_from(ita_table))
        distinct = conn.scalar(select(func.count(ita_table.c.profile_pk.distinct())))
        recorded = conn.scalar(select(func.sum(round_table.c.invitations)))
    assert twice == []
    assert total == distinct == recorded == expected_total
    assert invited_states(engine) == expected_total


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_processes_holding_rounds_at_once_never_invite_twice(
    db_url, engine, pool, rounds, request_for, synth_pool
) -> None:
    synth_pool(pool, 300, seed=4)
    size = 50
    top = [i.profile_id for i in rounds.preview(request_for("general", 2 * size)).invited]
    assert len(top) == 2 * size
    first, second = round_run(db_url, size, 101), round_run(db_url, size, 102)
    docs = [finish(first), finish(second)]
    assert [d["invitations"] for d in docs] == [size, size]
    a, b = (set(d["invited"]) for d in docs)
    assert not a & b
    assert_no_double_invitations(engine, 2 * size)
    # whichever ran first took the top of the pool, the other the next candidates
    earlier, later = sorted(docs, key=lambda d: top.index(d["invited"][0]))
    assert earlier["invited"] == top[:size]
    assert later["invited"] == top[size:]
    for round_id in (101, 102):
        assert rounds.verify(round_id).ok


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_round_waits_for_one_in_progress(
    db_url, engine, pool, rounds, request_for, synth_pool, tmp_path
) -> None:
    """Round 201 is stopped inside its transaction (after writing its ITAs) while round 202
    starts: 202 waits, then invites the next candidates."""
    synth_pool(pool, 300, seed=4)
    size = 30
    expected_first = rounds.preview(request_for("general", size, round_id=201)).document()
    holder, marker = start_hanging_round(db_url, tmp_path, "after-itas", size, 201)
    waiter = round_run(db_url, size, 202)
    # the waiter is queued on the rounds lock while 201 is open
    wait_for(lambda: advisory_waiters(engine) == 1)
    assert waiter.poll() is None
    Path(f"{marker}.release").touch()
    _, err = holder.communicate(timeout=120)
    assert holder.returncode == 0, err
    second = finish(waiter)
    first = rounds.show(201).document()
    assert first == expected_first
    assert not set(first["invited"]) & set(second["invited"])
    assert second["lowest_crs"] <= first["lowest_crs"]
    assert_no_double_invitations(engine, 2 * size)
    assert rounds.verify(201).ok and rounds.verify(202).ok


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_same_round_id_from_two_processes_at_once_is_one_round(
    db_url, engine, pool, synth_pool
) -> None:
    synth_pool(pool, 200, seed=6)
    size = 25
    procs = [round_run(db_url, size, 77) for _ in range(2)]
    docs = [finish(p) for p in procs]
    assert docs[0] == docs[1]
    assert docs[0]["round_id"] == 77 and docs[0]["invitations"] == size
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(round_table)) == 1
    assert_no_double_invitations(engine, size)
