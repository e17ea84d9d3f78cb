"""A property of rounds over time (issue 13): for generated pools and a year of rounds, every
round invites exactly the top N, by the CRS each profile scores on the round's day through the
single-profile path (highest first) and then by submission time (earliest first), among the
profiles eligible for the round on that day — whatever was stored when the pool was imported.
On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expressentry.pool.assessment import assess_for_pool
from expressentry.pool.db import connect
from expressentry.pool.service import Pool
from expressentry.profile.model import parse_profile
from expressentry.rounds.service import PROGRAM_BITS, RoundRequest, Rounds, invitation_program
from expressentry.scoring.crs import score
from expressentry.simulation import synth

UTC = dt.UTC
#: pools drawn on these days: across the 2025-03-25 and 2025-07-07 rule changes, and the 2026
#: categories of 2026-02-06; each with a year of rounds that all lie in the past (a round is
#: held at most five minutes after now)
STARTS = (dt.date(2024, 6, 1), dt.date(2025, 3, 1), dt.date(2025, 11, 15))

rounds_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=365),  # days after the pool's day
        st.integers(min_value=1, max_value=6),  # size
        st.sampled_from(("general", "general", "cec", "fsw")),
    ),
    min_size=2,
    max_size=6,
)


def _database(backend: str, request: pytest.FixtureRequest, tmp_path) -> tuple[str, object]:
    if backend == "sqlite":
        path = tmp_path / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}", None
    databases = request.getfixturevalue("postgres_databases")
    url = databases.take()
    return url, lambda: databases.release(url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    size=st.integers(min_value=15, max_value=35),
    start=st.sampled_from(STARTS),
    schedule=rounds_strategy,
)
def test_every_round_invites_the_top_n_of_its_own_day(
    backend, request, tmp_path, seed, size, start, schedule
) -> None:
    url, release = _database(backend, request, tmp_path)
    engine = connect(url)
    try:
        pool = Pool(engine)
        lines = list(synth.jsonl(size, start, seed))
        pool.import_lines(lines, as_of=start, workers=1)
        imported = {p["profile_id"] for p in pool.list(None, limit=10_000)}
        # the model: each imported profile, in import order (the last tie-break)
        order = [json.loads(line)["profile_id"] for line in lines]
        docs = {json.loads(line)["profile_id"]: parse_profile(line) for line in lines}
        universe = [pid for pid in order if pid in imported]
        gone: set[str] = set()  # invited, left for time, or left meeting no program
        rounds = Rounds(pool)
        days = sorted({offset for offset, _, _ in schedule})
        kinds = {offset: (n, kind) for offset, n, kind in schedule}
        for number, offset in enumerate(days, start=1):
            day = start + dt.timedelta(days=offset)
            at = dt.datetime.combine(day, dt.time(12), UTC)
            n, kind = kinds[offset]
            eligible = []
            for rank_key, pid in enumerate(universe):
                if pid in gone:
                    continue
                profile = docs[pid]
                submitted = profile.submitted_at.astimezone(UTC)  # type: ignore[union-attr]
                if submitted >= at:
                    continue
                a = assess_for_pool(profile, submitted.date(), day)
                if a.expires_on <= day or not a.eligible:
                    gone.add(pid)  # it leaves the pool, for good
                    continue
                if kind != "general" and not a.programs & PROGRAM_BITS[kind]:
                    continue
                crs = score(profile, day).total
                assert crs == a.crs
                eligible.append((-crs, submitted, rank_key, pid, a))
            expected = sorted(eligible)[:n]
            req = RoundRequest(
                at=at,
                round_type="general" if kind == "general" else "program",
                program=None if kind == "general" else kind,
                size=n,
                round_id=number,
            )
            result = rounds.run(req)
            assert [(i.profile_id, i.crs) for i in result.invited] == [
                (pid, -neg) for neg, _, _, pid, _ in expected
            ], (day, kind)
            for invitee, (_, _, _, _, a) in zip(result.invited, expected, strict=True):
                want = kind if kind != "general" else invitation_program(a.programs, a.nominated)
                assert invitee.program == want
            gone |= {i.profile_id for i in result.invited}
            report = rounds.verify(number)
            assert report.ok, report.problems
    finally:
        engine.dispose()
        if release is not None:
            release()
