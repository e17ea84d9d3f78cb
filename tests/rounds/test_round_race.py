"""Issue 14: a round runs while candidates withdraw, update, decline and apply, in real
concurrent threads, on SQLite and PostgreSQL. Rounds and changes of profiles serialize on one
lock, so every change either happens before the round (which sees it) or waits for it (and is
then refused in words when the round invited the profile meanwhile): never a unique
violation, never a traceback; the round verifies, and every profile has one current state."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from sqlalchemy import func, select

from expressentry.pool.schema import profile_states
from expressentry.pool.service import PoolError
from expressentry.rounds.itas import Invitations
from expressentry.rounds.service import RoundRequest, Rounds

UTC = dt.UTC


def _changed(pool: Any, profile_id: str) -> Any:
    from expressentry.profile.model import parse_profile

    doc = pool.show(profile_id, with_profile=True)["profile"]
    doc["sibling_in_canada"] = not doc.get("sibling_in_canada", False)
    return parse_profile(doc)


def test_a_round_survives_candidates_withdrawing_updating_declining_and_applying(
    pool, engine, synth_pool
) -> None:
    today = dt.date.today()
    report = synth_pool(pool, 2400, as_of=today - dt.timedelta(days=30), seed=14)
    assert report.imported > 1000
    rounds, invitations = Rounds(pool), Invitations(pool)
    now = dt.datetime.now(UTC)
    first = rounds.run(RoundRequest(at=now - dt.timedelta(hours=1), round_type="general", size=80))
    invited = [i.profile_id for i in first.invited]
    ahead = [r["profile_id"] for r in pool.list("in_pool", limit=200)]
    plan: list[tuple[str, str]] = (
        [("withdraw", p) for p in ahead[0:60:2]]
        + [("update", p) for p in ahead[1:60:2]]
        + [("decline", p) for p in invited[:40]]
        + [("apply", p) for p in invited[40:80]]
    )
    lanes = [plan[i::4] for i in range(4)]
    start = threading.Barrier(len(lanes) + 1)
    errors: list[BaseException] = []
    refused: list[str] = []
    done: dict[str, Any] = {}

    def candidate(lane: list[tuple[str, str]]) -> None:
        start.wait()
        for action, profile_id in lane:
            try:
                if action == "withdraw":
                    pool.withdraw(profile_id)
                elif action == "update":
                    pool.update(_changed(pool, profile_id))
                elif action == "decline":
                    invitations.decline(profile_id)
                else:
                    invitations.apply(profile_id)
            except PoolError as exc:  # a refusal in words: the round invited it meanwhile
                refused.append(f"{action} {profile_id}: {exc}")
            except BaseException as exc:
                errors.append(exc)
            time.sleep(0.002)

    def officer() -> None:
        start.wait()
        time.sleep(0.01)  # candidates are already changing profiles when the round starts
        try:
            done["round"] = rounds.run(
                RoundRequest(
                    at=dt.datetime.now(UTC), at_default=True, round_type="general", size=600
                ),
                actor="officer",
            )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=candidate, args=(lane,)) for lane in lanes]
    threads.append(threading.Thread(target=officer))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    result = done["round"]
    assert result.invitations == 600
    assert rounds.verify(result.round_id).ok, rounds.verify(result.round_id).problems
    for line in refused:
        assert "invited" in line or "no outstanding invitation" in line, line
    with engine.connect() as conn:
        doubled = conn.execute(
            select(profile_states.c.profile_pk)
            .where(profile_states.c.valid_to.is_(None))
            .group_by(profile_states.c.profile_pk)
            .having(func.count() > 1)
        ).all()
    assert doubled == []
    chosen = {i.profile_id for i in result.invited}
    for action, profile_id in plan:
        status = pool.show(profile_id)["status"]
        if action == "withdraw":
            assert status == ("invited" if profile_id in chosen else "withdrawn")
        elif action == "apply":
            assert status == "applied"
