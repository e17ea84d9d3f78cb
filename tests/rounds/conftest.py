"""Fixtures for the rounds tests: a small pool whose ranking is known."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

UTC = dt.UTC
#: the round time of the issue's example
AT = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def rounds(pool: Any) -> Any:
    from expressentry.rounds.service import Rounds

    return Rounds(pool)


@pytest.fixture
def invitations(pool: Any) -> Any:
    from expressentry.rounds.itas import Invitations

    return Invitations(pool)


@pytest.fixture
def request_for() -> Any:
    """``request_for(type, size, at=AT, **fields)``: a RoundRequest."""
    from expressentry.rounds.service import RoundRequest

    def make(round_type: str = "general", size: int = 10, at: dt.datetime = AT, **kw: Any) -> Any:
        return RoundRequest(at=at, round_type=round_type, size=size, **kw)

    return make


@pytest.fixture
def ranked_pool(pool: Any, profiles: Any) -> dict[str, int]:
    """Five profiles in the pool on AT, and three that are not; their CRS by profile_id.

    Ranking on AT: hi (590), then three tied at 528 by submission time — t-early, t-mid,
    t-late (entered in the opposite order) — then low (476). The scores are those of AT's day
    (``score``, the single-profile path), which a round on AT ranks by.
    """
    from expressentry.scoring.crs import score

    docs = [
        profiles.with_english("t-late", 9, submitted_at="2026-06-03T09:00:00Z"),
        profiles.example("hi", "2026-06-05T09:00:00Z"),
        profiles.with_english("t-mid", 9, submitted_at="2026-06-02T09:00:00Z"),
        profiles.with_english("low", 7, submitted_at="2026-06-04T09:00:00Z"),
        profiles.with_english("t-early", 9, submitted_at="2026-06-01T09:00:00Z"),
        # not in the pool on AT: submitted after the round, expired, withdrawn
        profiles.nominated("after", "2026-11-21T09:00:00Z"),
        profiles.example(
            "old", "2025-06-01T09:00:00Z", language_tests=[profiles.celpip(10, "2025-05-01")]
        ),
        profiles.nominated("gone", "2026-06-01T08:00:00Z"),
    ]
    scores = {}
    for doc in docs:
        result = pool.submit(profiles.parse(doc))
        assert result.entered, result.reasons
        scores[doc["profile_id"]] = score(profiles.parse(doc), AT.date()).total
    pool.withdraw("gone", at=dt.datetime(2026, 7, 1, tzinfo=UTC))
    assert scores["t-early"] == scores["t-mid"] == scores["t-late"]
    assert scores["hi"] > scores["t-early"] > scores["low"]
    return scores
