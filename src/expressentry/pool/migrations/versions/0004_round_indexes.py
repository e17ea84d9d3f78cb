"""Indexes for rounds on a large pool.

* The ranking index also holds ``valid_to`` and ``status``, the columns of its own condition:
  SQLite reads a partial index alone (a covering index) only when every column the query names
  is in it, so without them each round's count of the pool read every row of the table.
* An index of the pool by the day each profile was scored, so a category round finds the
  profiles whose categories were checked outside the category version in force (usually none)
  without reading the pool.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CURRENT = "valid_to IS NULL AND status = 'in_pool'"
RANKING: list[sa.TextClause | str] = [
    sa.text("crs DESC"),
    "submitted_at",
    "profile_pk",
    "expires_on",
    "programs",
    "nominated",
    "category_mask",
    "scored_on",
]


def _ranking(columns: list[sa.TextClause | str]) -> None:
    op.drop_index("ix_profile_states_ranking", table_name="profile_states")
    op.create_index(
        "ix_profile_states_ranking",
        "profile_states",
        columns,
        postgresql_where=sa.text(CURRENT),
        sqlite_where=sa.text(CURRENT),
    )


def upgrade() -> None:
    _ranking([*RANKING, "valid_to", "status"])
    op.create_index(
        "ix_profile_states_scored_on",
        "profile_states",
        ["scored_on"],
        postgresql_where=sa.text(CURRENT),
        sqlite_where=sa.text(CURRENT),
    )


def downgrade() -> None:
    op.drop_index("ix_profile_states_scored_on", table_name="profile_states")
    _ranking(RANKING)
