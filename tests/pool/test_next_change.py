"""The next-change day of an assessment (``pool.changes``): never late. On every day before it,
the profile's assessment (CRS, programs, categories, eligibility) is the one of its date; and
the pool's column-wise path gives the same day as the single-profile path."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from expressentry.pool.assessment import assess_for_pool, assess_many
from expressentry.profile.model import parse_profile
from expressentry.simulation.synth import profiles

DAYS = (dt.date(2015, 6, 1), dt.date(2017, 3, 1), dt.date(2025, 3, 1), dt.date(2026, 1, 20))


def _held(a):
    return (a.crs, a.programs, a.categories, a.eligible, a.nominated, a.expires_on)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=100_000),
    as_of=st.sampled_from(DAYS),
    fractions=st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=4),
)
def test_an_assessment_holds_on_every_day_before_its_next_change(seed, as_of, fractions):
    docs = list(profiles(12, as_of, seed=seed))
    parsed = [parse_profile(d) for d in docs]
    submitted = [p.submitted_at.date() for p in parsed]  # type: ignore[union-attr]
    bulk = assess_many(parsed, submitted, as_of)
    for profile, day, a in zip(parsed, submitted, bulk, strict=True):
        single = assess_for_pool(profile, day, as_of)
        assert single.next_change == a.next_change
        assert as_of < a.next_change <= a.expires_on or a.expires_on <= as_of
        span = (a.next_change - as_of).days - 1
        # the day before the change, and days drawn in between
        checks = {a.next_change - dt.timedelta(days=1)}
        checks |= {as_of + dt.timedelta(days=round(f * span)) for f in fractions}
        for later in sorted(checks):
            if later <= as_of:
                continue
            assert _held(assess_for_pool(profile, day, later)) == _held(a), (
                profile.profile_id,
                later,
            )
