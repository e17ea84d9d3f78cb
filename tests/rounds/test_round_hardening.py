"""Issue 14: a round's time lies in a window around the present; the latest round, held by
mistake, can be cancelled before any answer (audited); a retry by round number needs no time;
an invited profile "cannot be withdrawn". On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from typer.testing import CliRunner

from expressentry.cli.main import app

runner = CliRunner()


def cli(*args: str) -> Any:
    return runner.invoke(app, list(args))


def stderr_of(result: Any) -> str:
    try:
        return result.stderr
    except ValueError:
        return result.output


UTC = dt.UTC
AT = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CALENDAR_END = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=-12)))


def _now() -> dt.datetime:
    return dt.datetime.now(UTC)


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(2062, 12, 4, tzinfo=UTC),
        CALENDAR_END,
        "tomorrow",
        dt.datetime(2014, 6, 1, tzinfo=UTC),
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=12))),
    ],
)
def test_a_round_outside_the_window_is_refused_and_freezes_nothing(
    rounds, ranked_pool, request_for, pool, profiles, at
) -> None:
    from expressentry.rounds.service import RoundError

    when = _now() + dt.timedelta(days=1) if at == "tomorrow" else at
    with pytest.raises(RoundError, match=r"^at: .*(too far ahead|before Express Entry)"):
        rounds.run(request_for("general", 1, at=when))
    if at != "tomorrow":  # a preview may look a year ahead
        with pytest.raises(RoundError, match=r"^at: "):
            rounds.preview(request_for("general", 1, at=when))
    assert rounds.list() == []
    # nothing was frozen: a round now and a change now are both accepted
    assert rounds.run(request_for("general", 1, at=_now())).invitations == 1
    pool.update(
        profiles.parse(profiles.with_english("low", 8, submitted_at="2026-06-04T09:00:00Z"))
    )


def test_a_preview_may_look_a_month_ahead(rounds, ranked_pool, request_for) -> None:
    result = rounds.preview(request_for("general", 2, at=_now() + dt.timedelta(days=30)))
    assert result.invitations == 2 and not result.written


def test_a_round_held_by_mistake_is_cancelled_and_audited(
    rounds, ranked_pool, request_for, pool, audit, engine
) -> None:
    before = {pid: pool.show(pid) for pid in ranked_pool}
    history = {pid: pool.history(pid) for pid in before}
    first = rounds.run(request_for("general", 3))
    assert {pool.show(p)["status"] for p in ("hi", "t-early", "t-mid")} == {"invited"}
    # the round wrote the invitees' states and those of the profiles it re-assessed first
    written = [pid for pid in before if pool.history(pid) != history[pid]]
    done = rounds.cancel(first.round_id, reason="held with the wrong size", actor="ofc-1")
    assert done["invitations_removed"] == 3 and done["profiles_restored"] == len(written)
    assert rounds.list() == []
    for pid, shown in before.items():
        assert pool.show(pid) == shown  # the state from before the round, current again
        assert pool.history(pid) == history[pid]
    (event,) = audit(engine, f"round:{first.round_id}", kind="round.cancelled")
    assert event["actor"] == "ofc-1"
    assert event["after"]["reason"] == "held with the wrong size"
    assert event["before"]["invited"] == ["hi", "t-early", "t-mid"]
    assert event["before"]["invitations"] == 3
    # the round can be held again, as it should have been
    again = rounds.run(request_for("general", 2))
    assert [i.profile_id for i in again.invited] == ["hi", "t-early"]
    assert rounds.verify(again.round_id).ok


def test_a_round_in_the_future_held_before_the_window_existed_can_be_cancelled(
    rounds, ranked_pool, request_for, pool, engine, profiles
) -> None:
    """A round already stored in 2062 (as the issue found one) is removed, and the pool lives."""
    from expressentry.rounds.service import Rounds, round_time_problem

    held = request_for("general", 1, at=dt.datetime(2062, 12, 4, tzinfo=UTC))
    # store it as the old version did: without the window check
    import expressentry.rounds.service as service

    original = service.round_time_problem
    service.round_time_problem = lambda at, preview: None
    try:
        stuck = Rounds(pool).run(held)
    finally:
        service.round_time_problem = original
    assert round_time_problem(held.at, preview=False) is not None
    from expressentry.pool.service import PoolError

    # the 2062 round re-assessed the pool as of its day: every profile's 12 months were over
    assert pool.show("low")["status"] == "expired"
    # frozen: the pool as of 2062 is the current one, so a withdrawal today is refused
    with pytest.raises(PoolError, match="is expired; it cannot be withdrawn"):
        pool.withdraw("low")
    rounds.cancel(stuck.round_id, reason="dated 2062 by mistake")
    assert pool.show("low")["status"] == "in_pool"
    pool.withdraw("low")
    assert rounds.run(request_for("general", 1, at=_now())).invitations == 1


def test_only_the_latest_unanswered_round_can_be_cancelled(
    rounds, ranked_pool, request_for, invitations
) -> None:
    from expressentry.rounds.service import RoundError

    first = rounds.run(request_for("general", 1))
    second = rounds.run(request_for("general", 1, at=AT + dt.timedelta(days=1)))
    with pytest.raises(RoundError, match="not the latest round"):
        rounds.cancel(first.round_id, reason="x")
    with pytest.raises(RoundError, match="no round 99"):
        rounds.cancel(99, reason="x")
    with pytest.raises(RoundError, match=r"^reason: "):
        rounds.cancel(second.round_id, reason="  ")
    invitations.decline(second.invited[0].profile_id, at=AT + dt.timedelta(days=2))
    with pytest.raises(RoundError, match="were answered"):
        rounds.cancel(second.round_id, reason="too late")
    assert len(rounds.list()) == 2


def test_a_retry_by_round_number_without_a_time_is_the_same_round(
    rounds, ranked_pool, request_for
) -> None:
    from expressentry.rounds.service import RoundError

    first = rounds.run(request_for("general", 2, round_id=7))
    retry = rounds.run(request_for("general", 2, at=_now(), round_id=7, at_default=True))
    assert retry.already_run and retry.round_id == 7
    assert [i.profile_id for i in retry.invited] == [i.profile_id for i in first.invited]
    with pytest.raises(RoundError, match="other parameters"):
        rounds.run(request_for("general", 2, at=_now(), round_id=7))  # a time given differs


def test_an_invited_profile_cannot_be_withdrawn_in_good_english(
    rounds, ranked_pool, request_for, pool
) -> None:
    from expressentry.pool.service import PoolError

    rounds.run(request_for("general", 1))
    with pytest.raises(PoolError) as info:
        pool.withdraw("hi")
    assert str(info.value) == "profile 'hi' is invited; it cannot be withdrawn"


def test_the_cli_bounds_the_time_retries_without_it_and_cancels(db_url, profiles, tmp_path) -> None:
    docs = [profiles.example("hi", "2026-06-05T09:00:00Z"), profiles.with_english("b", 9)]
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n", encoding="utf-8")
    assert cli("pool", "import", str(path), "--db", db_url, "--as-of", "2026-06-10").exit_code == 0
    base = ["round", "run", "--type", "general", "--size", "1", "--db", db_url]
    future = cli(*base, "--at", "2062-12-04T00:00:00Z")
    assert future.exit_code == 2 and "error: at: " in stderr_of(future)
    assert "too far ahead" in stderr_of(future)
    end = cli(*base, "--at", "9999-12-31T23:59:59-12:00")
    assert end.exit_code == 2 and "Traceback" not in stderr_of(end)
    assert "calendar" in " ".join(stderr_of(end).split())
    ran = cli(*base, "--at", "2026-11-20T12:00:00Z", "--round-id", "5", "--json")
    assert ran.exit_code == 0, ran.output
    retry = cli(*base, "--round-id", "5", "--json")
    assert retry.exit_code == 0, stderr_of(retry)
    assert json.loads(retry.stdout) == json.loads(ran.stdout)
    cancelled = cli("round", "cancel", "5", "--reason", "a test round", "--db", db_url)
    assert cancelled.exit_code == 0, stderr_of(cancelled)
    assert "round 5 cancelled: 1 invitations removed" in cancelled.stdout
    listed = cli("round", "list", "--db", db_url, "--json")
    assert listed.stdout.strip() in ("", "[]")
    missing = cli("round", "cancel", "5", "--reason", "again", "--db", db_url)
    assert missing.exit_code == 2 and "no round 5" in stderr_of(missing)
