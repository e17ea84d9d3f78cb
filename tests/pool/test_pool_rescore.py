"""Bulk rescoring of a whole pool: a page at a time, in worker processes, with the same result
as assessing each profile alone."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from expressentry.pool.assessment import assess_for_pool
from expressentry.pool.importer import categories_json
from expressentry.pool.schema import profile_states, profiles
from expressentry.pool.service import as_utc
from expressentry.profile.model import parse_profile

IMPORTED_ON = dt.date(2026, 11, 1)
#: seven months on: ages, language results and ECAs have moved, and so have scores and expiries
RESCORED_ON = dt.date(2027, 6, 1)


def _current(engine) -> dict[str, dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(profiles.c.profile_id, profile_states)
            .join(profile_states, profile_states.c.profile_pk == profiles.c.pk)
            .where(profile_states.c.valid_to.is_(None))
        ).all()
    return {r.profile_id: dict(r._mapping) for r in rows}


@pytest.mark.parametrize(("workers", "batch"), [(1, 10_000), (2, 7)])
def test_a_rescoring_stores_what_assessing_each_profile_alone_gives(
    pool, engine, synth_pool, audit, workers, batch
) -> None:
    """In one page or in pages of 7 assessed by two processes: every profile's stored score,
    programs, categories and expiry are those of ``assess_for_pool`` on the day; the changed
    ones have a new state and an event each, the others are only marked scored that day."""
    report = synth_pool(pool, 60, as_of=IMPORTED_ON, seed=11)
    before = _current(engine)
    told: list[tuple[int, int]] = []
    changed = pool.rescore(
        RESCORED_ON,
        actor="rules",
        batch=batch,
        workers=workers,
        progress=lambda done, total: told.append((done, total)),
    )
    after = _current(engine)
    assert set(after) == set(before) and len(after) == report.imported
    # told of every page written, up to the whole pool
    pages = -(-len(after) // batch)
    assert told == [(min(i * batch, len(after)), len(after)) for i in range(1, pages + 1)]

    moved = set()
    for profile_id, row in after.items():
        profile = parse_profile(row["document"])
        submitted = as_utc(row["submitted_at"]).date()
        want = assess_for_pool(profile, submitted, RESCORED_ON, pool.rulebook, pool.categories)
        assert row["scored_on"] == RESCORED_ON
        assert row["rules_version"] == want.rules_version
        got = (row["crs"], row["programs"], row["categories"], row["expires_on"])
        assert got == (want.crs, want.programs, categories_json(want.categories), want.expires_on)
        # the breakdown: the day's, or the same points as of the day it was written
        stored, wanted = json.loads(row["crs_document"]), json.loads(want.crs_document)
        assert {**stored, "as_of": None} == {**wanted, "as_of": None}
        old = before[profile_id]
        # one that meets no program any more, or whose 12 months are over, leaves the pool
        status = "in_pool"
        if want.expires_on <= RESCORED_ON:
            status = "expired"
        elif not want.eligible:
            status = "ineligible"
        assert row["status"] == status
        assert row["next_change"] == want.next_change
        if (old["crs"], old["programs"], old["categories"], old["expires_on"]) != got or (
            status != "in_pool"
        ):
            moved.add(profile_id)
            reason = "rescored" if status == "in_pool" else status
            assert row["reason"] == reason and row["actor"] == "rules"
            assert row["version"] == old["version"] and row["pk"] != old["pk"]
            assert stored == wanted
            (event,) = audit(engine, f"profile:{profile_id}", kind=f"profile.{reason}")
            assert (event["before"]["crs"], event["after"]["crs"]) == (old["crs"], row["crs"])
            assert event["after"]["categories"] == json.loads(row["categories"])
        else:
            assert row["pk"] == old["pk"]  # the same state, only marked scored that day
            assert not audit(engine, f"profile:{profile_id}", kind="profile.rescored")
    assert changed == len(moved) > 0
    assert len(moved) < len(after)  # some profiles did not change
    (event,) = audit(engine, "pool", kind="pool.rescored")
    assert event["after"] == {"as_of": "2027-06-01", "profiles": len(after), "changed": changed}
