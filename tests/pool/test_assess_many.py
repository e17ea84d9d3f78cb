"""The pool's bulk (column-wise) assessment equals the one-profile assessment, field by field."""

from __future__ import annotations

import datetime as dt

import pytest

from expressentry.pool.assessment import assess_for_pool, assess_many
from expressentry.profile.model import parse_profile
from expressentry.simulation.synth import profiles


@pytest.mark.parametrize("as_of", [dt.date(2018, 3, 1), dt.date(2025, 6, 1), dt.date(2026, 11, 1)])
def test_bulk_assessment_equals_single_assessment(as_of: dt.date) -> None:
    docs = list(profiles(1500, as_of, seed=as_of.year))
    parsed = [parse_profile(d) for d in docs]
    submitted = [p.submitted_at.date() for p in parsed]  # type: ignore[union-attr]
    bulk = assess_many(parsed, submitted, as_of)
    single = [assess_for_pool(p, s, as_of) for p, s in zip(parsed, submitted, strict=True)]
    assert bulk == single
    if as_of.year >= 2023:  # categories began in 2023
        assert any(a.categories for a in bulk)
