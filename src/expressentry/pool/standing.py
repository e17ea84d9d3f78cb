"""A candidate's standing in the pool: rank by the tie-breaking rule, and the CRS band.

The rank is the place the profile would take in a general round held now: highest CRS first,
ties broken by the date and time the profile was submitted (Ministerial Instructions on rounds
of invitations), and the band is the row of the distribution IRCC publishes with each round.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, and_, func, or_, select

from expressentry.pool.schema import profile_states, profiles
from expressentry.rounds.bands import BANDS


def band_of(crs: int) -> str:
    """The narrowest published band holding ``crs`` (ten-point rows between 401 and 500)."""
    rows = [(high - low, label) for label, low, high in BANDS if low <= crs <= high]
    return min(rows)[1]


def standing(engine: Engine, profile_id: str) -> dict[str, Any] | None:
    """Rank among profiles in the pool, the pool's size and the CRS band; None if not in the
    pool (invited, withdrawn, expired...)."""
    current = profile_states.c
    with engine.connect() as conn:
        me = conn.execute(
            select(current.profile_pk, current.crs, current.submitted_at, current.status)
            .join(profiles, profiles.c.pk == current.profile_pk)
            .where(profiles.c.profile_id == profile_id, current.valid_to.is_(None))
        ).first()
        if me is None or me.status != "in_pool":
            return None
        in_pool = and_(current.valid_to.is_(None), current.status == "in_pool")
        ahead = conn.scalar(
            select(func.count()).where(
                in_pool,
                or_(
                    current.crs > me.crs,
                    and_(
                        current.crs == me.crs,
                        or_(
                            current.submitted_at < me.submitted_at,
                            and_(
                                current.submitted_at == me.submitted_at,
                                current.profile_pk < me.profile_pk,
                            ),
                        ),
                    ),
                ),
            )
        )
        size = conn.scalar(select(func.count()).where(in_pool))
    return {"rank": int(ahead or 0) + 1, "in_pool": int(size or 0), "band": band_of(me.crs)}
