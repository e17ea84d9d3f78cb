"""Profiles in the pool: submit, update, withdraw, expiry, history, rescoring, audit events.

Every test runs on SQLite and on PostgreSQL (the ``db_url`` fixture).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from sqlalchemy import select

from expressentry.pool.schema import profile_states
from expressentry.pool.schema import profiles as identities
from expressentry.pool.service import PoolError

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


# --- submit ------------------------------------------------------------------------------------


def test_submit_enters_the_pool_with_its_score_programs_and_categories(
    pool, engine, profiles, audit
) -> None:
    result = pool.submit(profiles.parse(profiles.example("c-1")), actor="alice")
    assert result.entered
    assert result.reasons == ()
    assert result.crs == 589
    assert "french_language_proficiency:2026" in result.categories

    shown = pool.show("c-1")
    assert shown["status"] == "in_pool"
    assert shown["crs"] == 589 == shown["score"]["total"]
    assert shown["programs"] == ["fsw", "cec"]
    assert shown["submitted_at"] == "2026-06-01T09:00:00+00:00"
    assert shown["scored_on"] == "2026-06-01"
    assert shown["expires_on"] == "2027-06-01"  # 12 months after submission
    # the CELPIP result stops counting on 2027-01-10, and is listed with the other documents
    assert {
        (d["person"], d["document"], d["name"], d["stops_counting_on"]) for d in shown["documents"]
    } == {
        ("principal", "language_test", "celpip_general", "2027-01-10"),
        ("principal", "language_test", "tef_canada", "2027-03-01"),
        ("principal", "eca", "masters", "2029-11-02"),
        ("spouse", "language_test", "ielts_general", "2027-02-01"),
    }
    assert "2026-06-01" < shown["next_change"] <= "2027-01-10"
    assert [r["profile_id"] for r in pool.list()] == ["c-1"]

    (event,) = audit(engine, "profile:c-1")
    assert event["kind"] == "profile.submitted"
    assert event["actor"] == "alice"
    assert event["after"]["crs"] == 589


def test_submit_refused_with_reasons_when_no_program_is_met(
    pool, engine, profiles, audit, counts
) -> None:
    result = pool.submit(profiles.parse(profiles.ineligible("c-2")))
    assert not result.entered
    assert result.reasons
    joined = " ".join(result.reasons)
    for program in ("FSW:", "CEC:", "FST:"):
        assert program in joined
    assert "CLB 7" in joined
    with pytest.raises(PoolError, match="no profile 'c-2'"):
        pool.show("c-2")
    assert counts(engine)["profiles"] == 0
    (event,) = audit(engine, "profile:c-2")
    assert event["kind"] == "profile.refused"
    assert event["after"]["reasons"] == list(result.reasons)


def test_submit_duplicate_profile_id_is_a_clear_error(pool, engine, profiles, counts) -> None:
    pool.submit(profiles.parse(profiles.example("c-3")))
    before = counts(engine)
    other = profiles.with_english("c-3", 7, submitted_at="2026-06-05T09:00:00Z")
    with pytest.raises(PoolError, match=r"profile_id: 'c-3' is already in the pool; use update"):
        pool.submit(profiles.parse(other))
    assert counts(engine) == before
    assert pool.show("c-3")["crs"] == 589


def test_submit_needs_a_profile_id(pool, profiles) -> None:
    doc = profiles.example("x")
    del doc["profile_id"]
    with pytest.raises(PoolError, match="profile_id"):
        pool.submit(profiles.parse(doc))


# --- update ------------------------------------------------------------------------------------


def test_update_rescores_and_never_changes_the_submission_time(
    pool, engine, profiles, audit
) -> None:
    pool.submit(profiles.parse(profiles.example("c-4")))
    # the new document claims another submission time: it must be ignored
    new = profiles.with_english("c-4", 7, submitted_at="2026-09-01T00:00:00Z")
    result = pool.update(profiles.parse(new), at=at("2026-07-01T10:00:00Z"), actor="bob")
    assert result.entered
    assert result.crs == 475

    shown = pool.show("c-4")
    assert shown["crs"] == 475
    assert shown["version"] == 2
    assert shown["submitted_at"] == "2026-06-01T09:00:00+00:00"
    assert shown["scored_on"] == "2026-07-01"
    assert shown["categories"] == []  # no French test any more
    with engine.connect() as conn:
        current = conn.execute(
            select(profile_states.c.document, profile_states.c.submitted_at)
            .join(identities, identities.c.pk == profile_states.c.profile_pk)
            .where(identities.c.profile_id == "c-4", profile_states.c.valid_to.is_(None))
        ).one()
        identity = conn.execute(
            select(identities.c.submitted_at).where(identities.c.profile_id == "c-4")
        ).scalar_one()
    assert json.loads(current.document)["submitted_at"].startswith("2026-06-01T09:00:00")
    for stamp in (current.submitted_at, identity):
        assert stamp.replace(tzinfo=stamp.tzinfo or UTC) == at("2026-06-01T09:00:00Z")

    updated = [e for e in audit(engine, "profile:c-4") if e["kind"] == "profile.updated"]
    assert len(updated) == 1
    assert updated[0]["actor"] == "bob"
    assert updated[0]["before"]["crs"] == 589
    assert updated[0]["after"]["crs"] == 475
    assert updated[0]["before"]["version"] == 1 and updated[0]["after"]["version"] == 2


def test_update_that_no_longer_meets_a_program_takes_the_profile_out(pool, profiles) -> None:
    pool.submit(profiles.parse(profiles.example("c-5")))
    result = pool.update(profiles.parse(profiles.ineligible("c-5")), at=at("2026-07-01T00:00:00Z"))
    assert not result.entered
    assert result.reasons
    assert pool.show("c-5")["status"] == "ineligible"
    assert pool.list() == []


def test_update_of_an_unknown_profile_is_an_error(pool, profiles) -> None:
    with pytest.raises(PoolError, match="no profile 'nobody'"):
        pool.update(profiles.parse(profiles.example("nobody")), at=at("2026-07-01T00:00:00Z"))


def test_update_before_the_last_change_is_refused(pool, profiles) -> None:
    pool.submit(profiles.parse(profiles.example("c-6")))
    with pytest.raises(PoolError, match="before the profile's last change"):
        pool.update(profiles.parse(profiles.example("c-6")), at=at("2026-05-01T00:00:00Z"))


# --- withdraw ----------------------------------------------------------------------------------


def test_withdraw_takes_the_profile_out_and_is_recorded(pool, engine, profiles, audit) -> None:
    pool.submit(profiles.parse(profiles.example("c-7")))
    pool.withdraw("c-7", at=at("2026-08-01T00:00:00Z"), actor="carol")
    assert pool.show("c-7")["status"] == "withdrawn"
    assert pool.list() == []
    assert pool.list(status="withdrawn")[0]["profile_id"] == "c-7"
    event = audit(engine, "profile:c-7", kind="profile.withdrawn")[0]
    assert event["actor"] == "carol"
    assert event["before"]["status"] == "in_pool"
    assert event["after"]["status"] == "withdrawn"
    with pytest.raises(PoolError, match="withdrawn"):
        pool.withdraw("c-7", at=at("2026-08-02T00:00:00Z"))
    with pytest.raises(PoolError, match="only a profile in the pool can be updated"):
        pool.update(profiles.parse(profiles.example("c-7")), at=at("2026-08-02T00:00:00Z"))


# --- expiry ------------------------------------------------------------------------------------


def test_profile_expires_twelve_months_after_submission(pool, engine, profiles, audit) -> None:
    doc = profiles.example(
        "c-8", "2025-06-01T09:00:00Z", language_tests=[profiles.celpip(9, "2025-05-01")]
    )
    pool.submit(profiles.parse(doc))
    assert pool.show("c-8")["expires_on"] == "2026-06-01"
    assert pool.expire_due(at("2026-05-31T23:59:59Z")) == 0
    assert pool.show("c-8")["status"] == "in_pool"
    assert pool.expire_due(at("2026-06-01T00:00:00Z"), actor="cron") == 1
    assert pool.show("c-8")["status"] == "expired"
    assert pool.expire_due(at("2026-06-02T00:00:00Z")) == 0  # once only
    event = audit(engine, "profile:c-8", kind="profile.expired")[0]
    assert event["actor"] == "cron"
    assert (event["before"]["status"], event["after"]["status"]) == ("in_pool", "expired")


def test_profile_leaves_for_time_twelve_months_after_submission(pool, profiles) -> None:
    # submitted 2025-06-01 with a result taken 2023-12-15: the result stops counting on
    # 2025-12-15, which ends every program's language criterion, not the profile's 12 months
    doc = profiles.example(
        "c-9", "2025-06-01T09:00:00Z", language_tests=[profiles.celpip(9, "2023-12-15")]
    )
    pool.submit(profiles.parse(doc))
    shown = pool.show("c-9")
    assert shown["expires_on"] == "2026-06-01"
    assert shown["next_change"] <= "2025-12-15"
    (test,) = [
        d
        for d in shown["documents"]
        if d["person"] == "principal" and d["document"] == "language_test"
    ]
    assert test["stops_counting_on"] == "2025-12-15"
    # from that day the profile meets no program: not in the pool (a round takes it out)
    assert pool.stats(at=at("2025-12-14T12:00:00Z"))["in_pool"] == 1
    assert pool.stats(at=at("2025-12-15T12:00:00Z"))["in_pool"] == 0
    # expiry for time is the 12 months' end
    assert pool.expire_due(at("2026-05-31T12:00:00Z")) == 0
    assert pool.expire_due(at("2026-06-01T00:00:00Z")) == 1
    assert pool.show("c-9")["status"] == "expired"


def test_an_eca_that_stops_counting_does_not_end_a_cec_profile(pool, profiles) -> None:
    foreign_only = [
        {
            "level": "masters",
            "country": "IN",
            "completed_on": "2020-06-30",
            "eca": {"issued_on": "2021-07-01"},
        }
    ]
    # the example meets CEC (Canadian work), which needs no ECA
    doc = profiles.example("c-10", "2025-09-01T09:00:00Z", education=foreign_only)
    pool.submit(profiles.parse(doc))
    shown = pool.show("c-10")
    assert shown["expires_on"] == "2026-09-01"  # 12 months, not five years after the ECA
    assert shown["expires_on"] > shown["submitted_at"][:10]
    assert [d["stops_counting_on"] for d in shown["documents"] if d["document"] == "eca"] == [
        "2026-07-01"
    ]
    assert pool.stats(at=at("2026-07-01T12:00:00Z"))["in_pool"] == 1
    assert pool.expire_due(at("2026-07-01T12:00:00Z")) == 0


# --- history -----------------------------------------------------------------------------------


def test_history_keeps_every_version(pool, engine, profiles) -> None:
    pool.submit(profiles.parse(profiles.example("c-11")))
    pool.update(profiles.parse(profiles.with_english("c-11", 8)), at=at("2026-07-01T00:00:00Z"))
    pool.update(profiles.parse(profiles.with_english("c-11", 10)), at=at("2026-08-01T00:00:00Z"))
    pool.withdraw("c-11", at=at("2026-09-01T00:00:00Z"))
    history = pool.history("c-11")
    assert [(h["version"], h["status"], h["reason"], h["crs"]) for h in history] == [
        (1, "in_pool", "submitted", 589),
        (2, "in_pool", "updated", 499),
        (3, "in_pool", "updated", 539),
        (3, "withdrawn", "withdrawn", 539),
    ]
    # the states follow each other without gaps; the last is current
    for earlier, later in itertools.pairwise(history):
        assert earlier["valid_to"] == later["valid_from"]
    assert history[-1]["valid_to"] is None
    assert history[0]["valid_from"] == "2026-06-01T09:00:00+00:00"
    # every version's document is kept
    with engine.connect() as conn:
        docs = conn.scalars(
            select(profile_states.c.document)
            .join(identities, identities.c.pk == profile_states.c.profile_pk)
            .where(identities.c.profile_id == "c-11")
            .order_by(profile_states.c.pk)
        ).all()
    tests = [json.loads(d)["language_tests"][0]["listening"] for d in docs]
    assert tests == [9, 8, 10, 10]


# --- rescoring and stats -----------------------------------------------------------------------


def test_rescore_recomputes_scores_and_records_the_change(pool, engine, profiles, audit) -> None:
    from expressentry.pool.assessment import assess_for_pool

    # c-12 is 29 when submitted and 30 on the rescoring date (fewer age points)
    docs = {
        "c-12": profiles.with_english("c-12", 9, date_of_birth="1996-08-01"),
        "c-13": profiles.with_english("c-13", 9),
    }
    for doc in docs.values():
        pool.submit(profiles.parse(doc))
    before = {r["profile_id"]: r["crs"] for r in pool.list()}
    changed = pool.rescore(dt.date(2026, 11, 1), actor="rules-2026")
    after = {r["profile_id"]: r["crs"] for r in pool.list()}
    expected = {
        pid: assess_for_pool(
            profiles.parse(doc), dt.date(2026, 6, 1), dt.date(2026, 11, 1), pool.rulebook
        ).crs
        for pid, doc in docs.items()
    }
    assert after == expected
    moved = [p for p in before if before[p] != after[p]]
    assert "c-12" in moved
    assert changed == len(moved)
    for pid in moved:
        history = pool.history(pid)
        assert history[-1]["reason"] == "rescored"
        assert history[-1]["actor"] == "rules-2026"
        assert pool.show(pid)["scored_on"] == "2026-11-01"
        assert pool.show(pid)["submitted_at"] == "2026-06-01T09:00:00+00:00"
        # every rescored profile has its own event with the score before and after
        (event,) = audit(engine, f"profile:{pid}", kind="profile.rescored")
        assert (event["before"]["crs"], event["after"]["crs"]) == (before[pid], after[pid])
        assert event["actor"] == "rules-2026"
    (event,) = audit(engine, "pool", kind="pool.rescored")
    assert event["after"]["changed"] == changed
    assert event["actor"] == "rules-2026"
    # rescoring again as of the same date changes nothing
    assert pool.rescore(dt.date(2026, 11, 1)) == 0


def test_stats_count_the_pool_in_bands(pool, profiles) -> None:
    for i, level in enumerate((7, 8, 9, 10)):
        pool.submit(profiles.parse(profiles.with_english(f"c-2{i}", level)))
    pool.submit(profiles.parse(profiles.example("c-30")))
    pool.withdraw("c-30", at=at("2026-07-01T00:00:00Z"))
    stats = pool.stats()
    assert stats["in_pool"] == 4
    assert stats["by_status"] == {"in_pool": 4, "withdrawn": 1}
    assert stats["distribution"]["total"] == 4
    assert stats["distribution"]["451-500"] == 2  # 475 and 499
    assert stats["distribution"]["501-600"] == 2  # 527 and 539
