"""The pool over time (issue 13): a round ranks on scores and eligibility as of its own day, a
profile leaves the pool only when it should, and ``round verify`` checks both. Every test runs on
SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import insert, select, update

from expressentry.pool.schema import itas as ita_table
from expressentry.pool.schema import profile_states
from expressentry.pool.schema import profiles as profile_table
from expressentry.profile.model import parse_profile
from expressentry.scoring.crs import score

UTC = dt.UTC


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T12:00:00+00:00")


def import_docs(pool, docs, as_of: dt.date):
    report = pool.import_lines([json.dumps(d) for d in docs], as_of=as_of, workers=1)
    assert report.imported == len(docs), report.problems
    return report


def foreign_masters(eca: str) -> list[dict]:
    """Education abroad only: a master's degree with an ECA issued on ``eca``."""
    return [{"level": "masters", "country": "IN", "completed_on": "2020-06-30",
             "eca": {"issued_on": eca}}]  # fmt: skip


def state(pool, profile_id: str) -> dict:
    return pool.show(profile_id)


# --- 1. stale scores decide rounds -------------------------------------------------------------


def test_a_round_ranks_by_the_scores_of_its_own_day(pool, rounds, request_for, profiles) -> None:
    """The issue's case: identical but for the birth year, both 584 when imported on
    2026-01-15; on 2026-07-01 the 1999 one scores 594 and the 1996 one 589 (ongoing Canadian
    work has accrued, ages have changed): the round invites the 1999 one."""
    older = profiles.example("b1996", "2026-01-10T09:00:00Z", date_of_birth="1996-04-02")
    younger = profiles.example("b1999", "2026-01-11T09:00:00Z", date_of_birth="1999-04-02")
    import_docs(pool, [older, younger], dt.date(2026, 1, 15))
    assert state(pool, "b1996")["crs"] == state(pool, "b1999")["crs"] == 584
    day = dt.date(2026, 7, 1)
    assert [score(profiles.parse(d), day).total for d in (older, younger)] == [589, 594]

    preview = rounds.preview(request_for("general", 1, at=at("2026-07-01")))
    assert [(i.profile_id, i.crs) for i in preview.invited] == [("b1999", 594)]
    # a preview writes nothing: the stored assessments are still those of January
    assert state(pool, "b1999")["scored_on"] == "2026-01-15"

    result = rounds.run(request_for("general", 1, at=at("2026-07-01"), round_id=1))
    assert [(i.profile_id, i.crs) for i in result.invited] == [("b1999", 594)]
    # the re-assessment is stored, as a new state with its reason, from the round's time
    shown = state(pool, "b1996")
    assert (shown["crs"], shown["scored_on"], shown["status"]) == (589, "2026-07-01", "in_pool")
    assert pool.history("b1996")[-1]["reason"] == "rescored"
    report = rounds.verify(1)
    assert report.ok, report.problems


def test_a_round_after_a_birthday_ranks_by_the_new_age(pool, rounds, request_for, profiles):
    # 1996-04-02: 29 on the import day, 30 at the round: age points 100 -> 95 (with spouse)
    doc = profiles.fsw_only("birthday", "2026-03-01T09:00:00Z", date_of_birth="1996-04-02")
    other = profiles.fsw_only("steady", "2026-03-02T09:00:00Z", date_of_birth="1998-01-01")
    import_docs(pool, [doc, other], dt.date(2026, 3, 10))
    before = state(pool, "birthday")["crs"]
    assert before == state(pool, "steady")["crs"]
    assert state(pool, "birthday")["next_change"] == "2026-04-02"
    result = rounds.run(request_for("general", 1, at=at("2026-04-02"), round_id=1))
    assert [i.profile_id for i in result.invited] == ["steady"]
    assert state(pool, "birthday")["crs"] == before - 5
    assert rounds.verify(1).ok


# --- 2. a document's expiry is not the profile's ------------------------------------------------


def test_a_cec_candidate_whose_eca_expires_stays_and_is_invited(
    pool, rounds, request_for, profiles
) -> None:
    doc = profiles.cec_only("cec", "2026-06-01T09:00:00Z", education=foreign_masters("2021-08-01"))
    import_docs(pool, [doc], dt.date(2026, 6, 1))
    shown = state(pool, "cec")
    # 12 months from submission, not the ECA's last day
    assert shown["expires_on"] == "2027-06-01" > shown["submitted_at"][:10]
    assert shown["next_change"] <= "2026-08-01"
    eca = [d for d in shown["documents"] if d["document"] == "eca"]
    assert eca == [{"person": "principal", "document": "eca", "name": "masters",
                    "issued_on": "2021-08-01", "stops_counting_on": "2026-08-01"}]  # fmt: skip
    tests = {(d["person"], d["stops_counting_on"]) for d in shown["documents"]
             if d["document"] == "language_test"}  # fmt: skip
    assert tests == {("principal", "2027-01-10"), ("principal", "2027-03-01"),
                     ("spouse", "2027-02-01")}  # fmt: skip

    result = rounds.run(request_for("program", 5, program="cec", at=at("2026-08-02"), round_id=1))
    assert [(i.profile_id, i.program) for i in result.invited] == [("cec", "cec")]
    # its education points went with the ECA
    profile = profiles.parse(doc)
    assert result.invited[0].crs == score(profile, dt.date(2026, 8, 2)).total < shown["crs"]
    assert rounds.verify(1).ok


def test_an_fsw_only_candidate_whose_eca_expires_leaves_that_day_with_the_reason(
    pool, rounds, request_for, profiles, audit, engine
) -> None:
    doc = profiles.fsw_only("fsw", "2026-06-01T09:00:00Z", education=foreign_masters("2021-08-01"))
    import_docs(pool, [doc], dt.date(2026, 6, 1))
    assert state(pool, "fsw")["programs"] == ["fsw"]
    # the day before, it is still in the pool; on the ECA's fifth anniversary it is not
    assert rounds.preview(request_for("general", 5, at=at("2026-07-31"))).invitations == 1
    result = rounds.run(request_for("general", 5, at=at("2026-08-01"), round_id=1))
    assert result.invited == [] and result.pool_size == 0
    shown = state(pool, "fsw")
    assert (shown["status"], shown["programs"]) == ("ineligible", [])
    assert pool.history("fsw")[-1]["reason"] == "ineligible"
    (event,) = audit(engine, "profile:fsw", kind="profile.ineligible")
    assert any("ECA" in r for r in event["after"]["reasons"])
    assert rounds.verify(1).ok


def test_a_candidate_whose_language_result_expires_leaves(pool, rounds, request_for, profiles):
    doc = profiles.example(
        "test-expires", "2026-06-01T09:00:00Z", language_tests=[profiles.celpip(9, "2024-07-01")]
    )
    import_docs(pool, [doc], dt.date(2026, 6, 1))
    assert state(pool, "test-expires")["next_change"] <= "2026-07-01"
    result = rounds.run(request_for("general", 5, at=at("2026-07-01"), round_id=1))
    assert result.invited == []
    assert state(pool, "test-expires")["status"] == "ineligible"


# --- 3. rescoring and rounds never keep or invite a profile that meets no program ---------------


def _funds_case(profiles) -> dict:
    """FSW only, a family of two with $18,500: enough until 2025-07-06 ($18,288), not from
    2025-07-07 ($19,001)."""
    work = [{"noc": "21231", "country": "IN", "start": "2017-07-01", "end": "2025-03-31",
             "hours_per_week": 40}]  # fmt: skip
    return profiles.fsw_only(
        "funds",
        "2025-05-01T09:00:00Z",
        work_history=work,
        settlement_funds_cad=18500,
        family_size=2,
        authorized_to_work_in_canada=False,
    )


def test_a_rescoring_takes_a_profile_that_meets_no_program_out_of_the_pool(
    pool, rounds, request_for, profiles
) -> None:
    import_docs(pool, [_funds_case(profiles)], dt.date(2025, 6, 1))
    assert state(pool, "funds")["programs"] == ["fsw"]
    pool.rescore(dt.date(2025, 7, 10))
    shown = state(pool, "funds")
    assert (shown["status"], shown["programs"]) == ("ineligible", [])
    result = rounds.run(request_for("general", 10, at=at("2025-07-11"), round_id=1))
    assert result.invited == []
    assert rounds.verify(1).ok


def test_a_round_without_a_rescoring_takes_the_new_funds_rule_into_account(
    pool, rounds, request_for, profiles
) -> None:
    import_docs(pool, [_funds_case(profiles)], dt.date(2025, 6, 1))
    assert state(pool, "funds")["next_change"] <= "2025-07-07"
    result = rounds.run(request_for("general", 10, at=at("2025-07-11"), round_id=1))
    assert result.invited == []
    assert state(pool, "funds")["status"] == "ineligible"


def test_pool_statistics_hold_on_their_day(pool, profiles) -> None:
    import_docs(pool, [_funds_case(profiles)], dt.date(2025, 6, 1))
    assert pool.stats(at=at("2025-07-01"))["in_pool"] == 1
    assert pool.stats(at=at("2025-07-11"))["in_pool"] == 0
    # statistics write nothing
    assert state(pool, "funds")["status"] == "in_pool"


def test_verify_finds_an_invitation_under_a_program_the_profile_does_not_meet(
    pool, rounds, request_for, profiles, engine
) -> None:
    import_docs(pool, [profiles.fsw_only("fsw", "2026-06-01T09:00:00Z")], dt.date(2026, 6, 1))
    rounds.run(request_for("general", 1, at=at("2026-06-10"), round_id=1))
    assert rounds.verify(1).ok
    with engine.begin() as conn:
        conn.execute(update(ita_table).values(program="cec"))
    report = rounds.verify(1)
    assert not report.ok
    assert any("invited under CEC" in p for p in report.problems)


def test_verify_finds_a_round_ranked_on_stale_assessments(
    pool, rounds, request_for, profiles, engine
) -> None:
    import_docs(pool, [profiles.example("a", "2026-06-01T09:00:00Z")], dt.date(2026, 6, 1))
    rounds.run(request_for("general", 1, at=at("2026-06-10"), round_id=1))
    # as a round held without re-assessment would have left it
    with engine.begin() as conn:
        conn.execute(update(profile_states).values(next_change=dt.date(2026, 6, 5)))
    report = rounds.verify(1)
    assert not report.ok
    assert any("not valid on 2026-06-10" in p for p in report.problems)


def test_a_database_of_an_earlier_version_gets_next_change_days_that_are_due(
    tmp_path, profiles
) -> None:
    """Upgraded from revision 0004: every state is due on its scoring day, so the first round
    re-assesses it (and gives it the expiry of 12 months from submission)."""
    from alembic import command
    from alembic.config import Config

    from expressentry.pool.db import MIGRATIONS, connect
    from expressentry.pool.service import Pool
    from expressentry.rounds.service import RoundRequest, Rounds

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = connect(url, migrate_schema=False)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
    doc = profiles.example("old", "2026-06-01T09:00:00Z")
    with engine.begin() as conn:
        conn.execute(
            insert(profile_table), {"pk": 1, "profile_id": "old", "submitted_at": at("2026-06-01")}
        )
        conn.exec_driver_sql(
            "INSERT INTO profile_states (profile_pk, version, valid_from, status, submitted_at, "
            "expires_on, document, crs, crs_document, scored_on, rules_version, programs, "
            "nominated, category_mask, categories, actor, reason) VALUES (1, 1, "
            "'2026-06-01 09:00:00.000000', 'in_pool', '2026-06-01 09:00:00.000000', "
            f"'2026-11-02', '{json.dumps(doc)}', 1, '{{}}', '2026-06-01', 'x', 3, 0, 0, '[]', "
            "'import', 'imported')"
        )
    engine.dispose()
    engine = connect(url)  # migrates to the head
    try:
        with engine.connect() as conn:
            (next_change,) = conn.execute(select(profile_states.c.next_change)).one()
        assert next_change == dt.date(2026, 6, 1)
        pool = Pool(engine)
        req = RoundRequest(at=at("2026-06-10"), round_type="general", size=1, round_id=1)
        result = Rounds(pool).run(req)
        want = score(parse_profile(doc), dt.date(2026, 6, 10)).total
        assert [(i.profile_id, i.crs) for i in result.invited] == [("old", want)]
        assert Rounds(pool).verify(1).ok
    finally:
        engine.dispose()
