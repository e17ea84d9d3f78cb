"""Rounds of invitations: selection, round types, checks, idempotence, preview, the published
record and verify. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import delete, select, update

from expressentry.pool.schema import itas as ita_table
from expressentry.pool.schema import profile_states
from expressentry.rounds.bands import BANDS
from expressentry.rounds.service import RoundError

UTC = dt.UTC
AT = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def iso(value: dt.datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- selection ---------------------------------------------------------------------------------


def test_selection_ranks_by_crs_then_by_submission_time(rounds, request_for, ranked_pool) -> None:
    full = rounds.preview(request_for("general", 10))
    assert full.invited and [i.profile_id for i in full.invited] == [
        "hi",
        "t-early",
        "t-mid",
        "t-late",
        "low",
    ]
    assert [i.rank for i in full.invited] == [1, 2, 3, 4, 5]
    assert [i.crs for i in full.invited] == [
        ranked_pool[p] for p in ("hi", "t-early", "t-mid", "t-late", "low")
    ]
    assert full.pool_size == full.eligible == 5  # after, old (expired) and gone are not counted

    # the cut falls inside the tie: the earlier submissions win
    result = rounds.run(request_for("general", 3, round_id=1))
    doc = result.document()
    assert doc == {
        "round_id": 1,
        "invitations": 3,
        "lowest_crs": ranked_pool["t-mid"],
        "tie_break": "2026-06-02T09:00:00Z",
        "invited": ["hi", "t-early", "t-mid"],
    }
    assert result.rank_needed == 3


def test_a_profile_with_an_outstanding_invitation_is_not_invited_again(
    rounds, request_for, ranked_pool
) -> None:
    first = rounds.run(request_for("general", 2))
    second = rounds.run(request_for("general", 2, at=AT + dt.timedelta(hours=1)))
    assert first.document()["invited"] == ["hi", "t-early"]
    assert second.document()["invited"] == ["t-mid", "t-late"]
    assert second.round_id == first.round_id + 1
    assert second.pool_size == 3


def test_general_round_invites_under_pnp_then_cec_then_fsw_then_fst(
    pool, rounds, invitations, request_for, profiles
) -> None:
    docs = {
        "pnp": profiles.nominated("nominee"),  # also meets CEC and FSW
        "cec-fsw": profiles.example("both"),
        "cec": profiles.cec_only("cec"),
        "fsw": profiles.fsw_only("fsw"),
        "fst": profiles.fst_only("fst"),
        "fsw-fst": profiles.fst_only("trade-and-fsw", language_tests=[profiles.celpip(9)]),
    }
    for doc in docs.values():
        assert pool.submit(profiles.parse(doc)).entered
    assert pool.show("nominee")["programs"] == ["fsw", "cec"]
    assert pool.show("trade-and-fsw")["programs"] == ["fsw", "fst"]
    result = rounds.run(request_for("general", 10))
    assert {i.profile_id: i.program for i in result.invited} == {
        "nominee": "pnp",
        "both": "cec",
        "cec": "cec",
        "fsw": "fsw",
        "fst": "fst",
        "trade-and-fsw": "fsw",
    }
    # the ITAs carry it too
    assert {r["profile_id"]: r["program"] for r in invitations.list()} == {
        i.profile_id: i.program for i in result.invited
    }


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        ("cec", {"nominee", "both", "cec"}),
        ("fsw", {"nominee", "both", "fsw", "trade-and-fsw"}),
        ("fst", {"fst", "trade-and-fsw"}),
        ("pnp", {"nominee"}),
    ],
)
def test_program_round_invites_only_that_programs_candidates(
    pool, rounds, invitations, request_for, profiles, program, expected
) -> None:
    for doc in (
        profiles.nominated("nominee"),
        profiles.example("both"),
        profiles.cec_only("cec"),
        profiles.fsw_only("fsw"),
        profiles.fst_only("fst"),
        profiles.fst_only("trade-and-fsw", language_tests=[profiles.celpip(9)]),
    ):
        assert pool.submit(profiles.parse(doc)).entered
    result = rounds.run(request_for("program", 10, program=program))
    assert {i.profile_id for i in result.invited} == expected
    assert result.eligible == len(expected)
    assert result.pool_size == 6
    assert {i.program for i in result.invited} == {program}
    assert {r["program"] for r in invitations.list()} == {program}
    assert result.record()["program"] == program


# --- category rounds ---------------------------------------------------------------------------


@pytest.fixture
def trades_pool(pool, profiles) -> None:
    """A cook (on the 2025 trades list, not on 2026's) and an electrician (on both)."""
    cook_work = [
        {"noc": "63200", "country": "CA", "start": "2022-01-01", "end": None, "hours_per_week": 40}
    ]
    for doc in (
        profiles.example("cook", "2025-06-01T09:00:00Z", work_history=cook_work),
        profiles.fst_only("electrician", submitted_at="2025-06-01T10:00:00Z"),
        profiles.example("french", "2025-06-01T11:00:00Z"),
    ):
        assert pool.submit(profiles.parse(doc)).entered


def test_category_round_takes_the_category_version_in_force_on_its_date(
    rounds, request_for, trades_pool
) -> None:
    in_2025 = rounds.preview(
        request_for("category", 10, category="trades", at=dt.datetime(2025, 10, 1, tzinfo=UTC))
    )
    assert in_2025.category_year == 2025
    assert {i.profile_id for i in in_2025.invited} == {"cook", "electrician"}

    in_2026 = rounds.run(
        request_for("category", 10, category="trades", at=dt.datetime(2026, 3, 1, tzinfo=UTC))
    )
    assert in_2026.category_year == 2026
    assert [i.profile_id for i in in_2026.invited] == ["electrician"]  # cooks left the list
    record = rounds.show(in_2026.round_id).record()
    assert (record["round_type"], record["category"], record["category_year"]) == (
        "category",
        "trades",
        2026,
    )
    assert record["eligible"] == 1 and record["pool_size"] == 3


CATEGORY_REFUSALS = [
    ({"category": "education", "at": dt.datetime(2024, 11, 20, tzinfo=UTC)}, "not in force"),
    ({"category": "healthcare"}, "not in force on 2026-11-20"),
    ({"category": "no_such_category"}, "'no_such_category' is not a category"),
    ({"category": None}, "a category round needs a category"),
]


def test_a_refused_category_lists_only_the_categories_in_force(rounds, request_for) -> None:
    """Not "None is not a category; known: <every category ever>" (issue 17)."""
    from expressentry.rules.categories import default_categories

    at = dt.datetime(2026, 11, 20, tzinfo=UTC)
    in_force = {v.slug for v in default_categories().in_force(at.date())}
    expired = set(default_categories().slugs()) - in_force
    assert expired, "some categories are no longer in force"
    with pytest.raises(RoundError) as caught:
        rounds.preview(request_for("category", 5, category=None, at=at))
    listed = set(str(caught.value).split(": ")[-1].rstrip(")").split(", "))
    assert listed == in_force
    assert "None" not in str(caught.value)


def test_category_round_refused_outside_validity_or_unknown(
    engine, rounds, request_for, ranked_pool, counts
) -> None:
    before = counts(engine)
    for fields, message in CATEGORY_REFUSALS:
        for hold in (rounds.preview, rounds.run):
            with pytest.raises(RoundError, match=rf"^category: .*{message}"):
                hold(request_for("category", 5, **fields))
    assert counts(engine) == before


# --- bad requests ------------------------------------------------------------------------------


BAD_REQUESTS = [
    ({"size": 0}, r"^size: a round invites at least one candidate \(got 0\)"),
    ({"size": -3}, r"^size: .*\(got -3\)"),
    ({"round_type": "lottery"}, r"^type: 'lottery' is not one of general, program, category"),
    ({"round_type": "program", "program": "xyz"}, r"^program: a program round needs one of"),
    ({"round_type": "program"}, r"^program: a program round needs one of"),
    ({"program": "cec"}, r"^program: only a program round names a program"),
    ({"category": "stem"}, r"^category: only a category round names a category"),
    ({"minimum_crs": 1300}, r"^minimum: 1300 is not a CRS score"),
    ({"round_id": 0}, r"^round_id: 0 is not a round number"),
]


def test_bad_round_requests_are_refused_with_the_field_named(
    engine, rounds, request_for, ranked_pool, counts
) -> None:
    before = counts(engine)
    for fields, message in BAD_REQUESTS:
        for hold in (rounds.preview, rounds.run):
            with pytest.raises(RoundError, match=message):
                hold(request_for(**({"round_type": "general", "size": 5} | fields)))
    assert counts(engine) == before


def test_a_round_before_an_already_run_round_is_refused(
    engine, rounds, request_for, ranked_pool, counts
) -> None:
    rounds.run(request_for("general", 1, round_id=7))
    before = counts(engine)
    earlier = request_for("general", 1, at=AT - dt.timedelta(minutes=1), round_id=8)
    for hold in (rounds.preview, rounds.run):
        with pytest.raises(RoundError, match=r"^at: 2026-11-20T11:59:00Z is before round 7"):
            hold(earlier)
    assert counts(engine) == before
    # at the same time or later is fine
    assert rounds.run(request_for("general", 1, round_id=8)).document()["invited"] == ["t-early"]


def test_minimum_crs_stops_the_round_early(rounds, request_for, ranked_pool) -> None:
    cut = ranked_pool["t-early"]
    result = rounds.run(request_for("general", 10, minimum_crs=cut))
    assert [i.profile_id for i in result.invited] == ["hi", "t-early", "t-mid", "t-late"]
    assert result.eligible == 4
    assert result.pool_size == 5
    assert result.record()["minimum_crs"] == cut
    nobody = rounds.preview(request_for("general", 10, minimum_crs=1200))
    assert nobody.invited == []
    assert nobody.document()["lowest_crs"] is None and nobody.document()["tie_break"] is None


# --- run: one transaction, idempotent ----------------------------------------------------------


def test_running_the_same_round_twice_invites_once(
    pool, engine, rounds, request_for, ranked_pool, counts, profiles
) -> None:
    first = rounds.run(request_for("general", 2, round_id=42))
    assert first.written and not first.already_run
    after_first = counts(engine)
    # a newcomer with a top score, submitted before the round: a re-run must not re-select
    pool.submit(profiles.parse(profiles.nominated("newcomer", "2026-11-19T09:00:00Z")))
    after_newcomer = counts(engine)
    again = rounds.run(request_for("general", 2, round_id=42))
    assert again.already_run
    assert again.document() == first.document()
    assert again.record() == first.record()
    assert counts(engine) == after_newcomer
    assert after_first["itas"] == 2 and after_first["rounds"] == 1

    for changed in (
        {"size": 3},
        {"at": AT + dt.timedelta(hours=1)},
        {"round_type": "program", "program": "cec"},
        {"minimum_crs": 400},
    ):
        fields = {"round_type": "general", "size": 2, "round_id": 42} | changed
        with pytest.raises(RoundError, match=r"^round_id: round 42 was already held"):
            rounds.run(request_for(**fields))
    assert counts(engine) == after_newcomer


def test_the_round_and_its_invitations_are_stored(
    engine, rounds, invitations, request_for, ranked_pool, audit
) -> None:
    result = rounds.run(request_for("general", 3), actor="minister")
    itas = invitations.list()
    assert [(r["round_id"], r["rank"], r["profile_id"]) for r in itas] == [
        (result.round_id, 1, "hi"),
        (result.round_id, 2, "t-early"),
        (result.round_id, 3, "t-mid"),
    ]
    assert {r["status"] for r in itas} == {"outstanding"}
    with engine.connect() as conn:
        invited_states = conn.execute(
            select(profile_states.c.reason, profile_states.c.actor).where(
                profile_states.c.valid_to.is_(None), profile_states.c.status == "invited"
            )
        ).all()
    assert len(invited_states) == 3
    assert set(invited_states) == {(f"invited: round {result.round_id}", "minister")}
    (event,) = audit(engine, f"round:{result.round_id}")
    assert event["kind"] == "round.run"
    assert event["actor"] == "minister"
    assert event["after"]["invited"] == ["hi", "t-early", "t-mid"]
    assert event["after"]["lowest_crs"] == result.lowest_crs
    assert [r["round_id"] for r in rounds.list()] == [result.round_id]


# --- preview -----------------------------------------------------------------------------------


def test_preview_writes_nothing_and_equals_the_run(
    engine, rounds, request_for, ranked_pool, counts
) -> None:
    before = counts(engine)
    preview = rounds.preview(request_for("general", 3))
    assert counts(engine) == before
    assert not preview.written
    run = rounds.run(request_for("general", 3))
    assert preview.document() == run.document()
    assert preview.record() == run.record()


def test_category_preview_writes_nothing_and_equals_the_run(
    pool, engine, rounds, request_for, profiles, counts
) -> None:
    """The profiles were scored in 2025: the 2026 round re-assesses their categories; a preview
    does it in a transaction it rolls back, and the run must still find them."""
    for i in range(3):
        pool.submit(profiles.parse(profiles.example(f"f-{i}", f"2025-12-0{i + 1}T09:00:00Z")))
    request = request_for(
        "category",
        2,
        category="french_language_proficiency",
        at=dt.datetime(2026, 3, 1, 12, tzinfo=UTC),
    )
    before = counts(engine)
    preview = rounds.preview(request)
    assert counts(engine) == before
    assert preview.category_year == 2026
    assert preview.document()["invited"] == ["f-0", "f-1"]
    run = rounds.run(request)
    assert run.document() == preview.document()
    assert run.record() == preview.record()
    assert rounds.verify(run.round_id).ok


# --- the published record ----------------------------------------------------------------------


def test_published_record_of_a_round_on_a_synthetic_pool(
    pool, rounds, request_for, synth_pool
) -> None:
    synth_pool(pool, 300, seed=21)
    result = rounds.run(request_for("general", 40, round_id=3))
    # the pool at the round, as the round re-assessed it (invited, or still in the pool)
    in_pool_at_round = [
        p
        for p in pool.list(None, limit=1000)
        if p["status"] in ("in_pool", "invited")
        and dt.datetime.fromisoformat(p["submitted_at"]) < AT
        and dt.date.fromisoformat(p["expires_on"]) > AT.date()
    ]
    assert len(in_pool_at_round) > 60
    record = rounds.show(3).record()
    assert record == result.record()
    assert record["invitations"] == 40
    invited = result.invited
    last = invited[-1]
    assert record["lowest_crs"] == last.crs == min(i.crs for i in invited)
    assert record["tie_break"] == iso(last.submitted_at)
    assert record["rank_needed"] == 40 == last.rank
    # invited in rank order; nobody left behind outranks the last invitee
    keys = [(-i.crs, i.submitted_at) for i in invited]
    assert keys == sorted(keys)
    invited_ids = {i.profile_id for i in invited}
    for p in in_pool_at_round:
        if p["profile_id"] not in invited_ids:
            behind = (-p["crs"], dt.datetime.fromisoformat(p["submitted_at"]))
            assert behind > (-last.crs, last.submitted_at)
    # the distribution: the pool at the round, in IRCC's bands
    dist = record["distribution"]
    assert dist["total"] == record["pool_size"] == len(in_pool_at_round)
    broad = ["601-1200", "501-600", "451-500", "401-450", "351-400", "301-350", "0-300"]
    assert sum(dist[b] for b in broad) == dist["total"]
    assert (
        sum(dist[b] for b in ("491-500", "481-490", "471-480", "461-470", "451-460"))
        == dist["451-500"]
    )
    assert (
        sum(dist[b] for b in ("441-450", "431-440", "421-430", "411-420", "401-410"))
        == dist["401-450"]
    )
    for label, low, high in BANDS:
        assert dist[label] == sum(1 for p in in_pool_at_round if low <= p["crs"] <= high)


# --- verify ------------------------------------------------------------------------------------


def test_verify_holds_after_later_changes_to_the_pool(
    pool, engine, rounds, invitations, request_for, ranked_pool, profiles
) -> None:
    general = rounds.run(request_for("general", 2))
    later = AT + dt.timedelta(days=1)
    # after the round: an update that would have won, a withdrawal, a decline, a newcomer
    pool.update(profiles.parse(profiles.nominated("low")), at=later)
    pool.withdraw("t-late", at=later)
    invitations.decline("t-early", at=later)
    pool.submit(profiles.parse(profiles.nominated("newcomer", "2026-11-22T09:00:00Z")))
    report = rounds.verify(general.round_id)
    assert report.ok, report.problems
    assert report.checked == 5

    # a second round after those changes, then an expiry run and a rescoring later still
    second = rounds.run(request_for("general", 5, at=later + dt.timedelta(days=2)))
    assert {i.profile_id for i in second.invited} == {
        "after",
        "newcomer",
        "low",
        "t-early",
        "t-mid",
    }
    invitations.apply("after", at=later + dt.timedelta(days=3))
    # "old" (12 months over on 2026-06-01) already left at the first round, which re-assessed it
    assert pool.show("old")["status"] == "expired"
    assert pool.history("old")[-1]["reason"] == "expired"
    assert pool.expire_due(dt.datetime(2027, 2, 1, tzinfo=UTC)) == 0
    assert invitations.expire_due(dt.datetime(2027, 2, 1, tzinfo=UTC)) == 5  # all but "after"
    pool.rescore(dt.date(2027, 2, 1))
    for round_id in (general.round_id, second.round_id):
        report = rounds.verify(round_id)
        assert report.ok, report.problems


def test_verify_finds_a_tampered_round(engine, rounds, request_for, ranked_pool) -> None:
    result = rounds.run(request_for("general", 3))
    assert rounds.verify(result.round_id).ok
    with engine.begin() as conn:
        conn.execute(update(ita_table).where(ita_table.c.rank == 3).values(crs=ita_table.c.crs + 1))
    report = rounds.verify(result.round_id)
    assert not report.ok
    assert any("differ from the recorded ones from rank 3" in p for p in report.problems)
    with engine.begin() as conn:
        conn.execute(delete(ita_table).where(ita_table.c.rank == 3))
    report = rounds.verify(result.round_id)
    assert any("3 invitations; 2 ITAs found" in p for p in report.problems)
    with pytest.raises(RoundError, match="round_id: no round 999"):
        rounds.verify(999)


def test_verify_uses_the_stored_scores_and_documents(
    engine, rounds, request_for, ranked_pool
) -> None:
    result = rounds.run(request_for("general", 1))
    # the stored score of the invitee no longer matches its stored profile
    with engine.begin() as conn:
        conn.execute(
            update(profile_states)
            .where(profile_states.c.crs == ranked_pool["hi"])
            .values(crs=profile_states.c.crs + 50)
        )
        conn.execute(update(ita_table).values(crs=ita_table.c.crs + 50))
    from expressentry.pool.schema import rounds as round_table

    with engine.begin() as conn:
        conn.execute(update(round_table).values(lowest_crs=round_table.c.lowest_crs + 50))
    report = rounds.verify(result.round_id)
    assert not report.ok
    assert any("stored CRS" in p and "hi" in p for p in report.problems)
    assert json.dumps(report.problems)


def test_verify_holds_after_a_rescoring_as_of_the_rounds_own_day(
    pool, rounds, request_for, profiles
) -> None:
    """``pool rescore --as-of <the day of a round>`` run after that round: the rescored states
    must not rewrite the pool as it stood at the round."""
    # born 1996-08-01: 29 when submitted, 30 on the round's day (fewer age points)
    for i in range(4):
        doc = profiles.with_english(f"r-{i}", 8 + i % 2, date_of_birth="1996-08-01")
        pool.submit(profiles.parse(doc))
    before = rounds.run(request_for("general", 2))
    assert rounds.verify(before.round_id).ok
    assert [h["reason"] for h in pool.history("r-0")][:2] == ["submitted", "rescored"]
    # the round re-assessed the pool as of its day already: nothing is left to change
    assert pool.rescore(AT.date()) == 0
    report = rounds.verify(before.round_id)
    assert report.ok, report.problems
    assert rounds.show(before.round_id).document() == before.document()


def test_a_category_round_reassesses_profiles_scored_before_its_category_version(
    engine, pool, rounds, request_for, synth_pool, counts
) -> None:
    """Profiles scored on 1 February 2026 had their categories checked against the 2025
    versions; a French-language round on 2 March 2026 (the 2026 version, from 6 February)
    re-assesses every one of them in the pool first, as of the round's day, exactly as
    ``assess_for_pool`` does for one profile."""
    from expressentry.pool.assessment import assess_for_pool
    from expressentry.pool.service import as_utc
    from expressentry.profile.model import parse_profile

    at = dt.datetime(2026, 3, 2, 12, tzinfo=UTC)
    synth_pool(pool, 200, as_of=dt.date(2026, 2, 1), seed=8)
    category = "french_language_proficiency"
    request = request_for("category", 8, at=at, category=category, round_id=1)
    s = profile_states.c
    in_pool_at_round = (
        s.valid_to.is_(None),
        s.status == "in_pool",
        s.submitted_at < at,
        s.expires_on > at.date(),
    )
    with engine.connect() as conn:
        stale = set(
            conn.scalars(
                select(s.profile_pk).where(*in_pool_at_round, s.scored_on < dt.date(2026, 2, 6))
            )
        )
        fresh = set(
            conn.scalars(
                select(s.profile_pk).where(*in_pool_at_round, s.scored_on >= dt.date(2026, 2, 6))
            )
        )
        # every profile whose assessment can have changed by the round's day (a new category
        # version is such a change): the round re-assesses exactly these
        due = set(
            conn.scalars(select(s.profile_pk).where(*in_pool_at_round, s.next_change <= at.date()))
        )
    assert len(stale) > 50
    assert stale <= due
    before = counts(engine)
    preview = rounds.preview(request)
    assert counts(engine) == before  # the preview's re-assessment is rolled back
    result = rounds.run(request)
    assert result.document() == preview.document()
    assert result.invitations == 8 < result.eligible
    with engine.connect() as conn:
        rows = conn.execute(
            select(profile_states).where(s.reason.in_(("rescored", "ineligible", "expired")))
        ).all()
        # the due ones that did not change were only marked scored on the round's day
        scored = {
            pk: day
            for pk, day in conn.execute(
                select(s.profile_pk, s.scored_on).where(s.valid_to.is_(None))
            )
            if pk in due
        }
    left = {r.profile_pk for r in rows if r.reason != "rescored"}
    assert result.pool_size == len(stale) + len(fresh) - len(left)
    assert {r.profile_pk for r in rows} <= due
    assert set(scored) == due and all(day == at.date() for day in scored.values())
    for row in rows:
        assert row.scored_on == at.date() and row.actor == "officer"
        assert as_utc(row.valid_from) == at
        submitted = as_utc(row.submitted_at).date()
        a = assess_for_pool(parse_profile(row.document), submitted, at.date())
        assert (row.crs, row.programs, row.expires_on) == (a.crs, a.programs, a.expires_on)
        assert json.loads(row.categories) == list(a.categories)
        assert row.crs_document == a.crs_document
    assert 0 < sum(f"{category}:2026" in json.loads(r.categories) for r in rows) <= result.eligible
    assert rounds.verify(1).ok
