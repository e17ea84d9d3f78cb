"""The ranking index covers what rounds filter on, so a round reads the index alone.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CURRENT = "valid_to IS NULL AND status = 'in_pool'"
COVERING = [
    sa.text("crs DESC"),
    "submitted_at",
    "profile_pk",
    "expires_on",
    "programs",
    "nominated",
    "category_mask",
    "scored_on",
]


def upgrade() -> None:
    op.drop_index("ix_profile_states_ranking", table_name="profile_states")
    op.create_index(
        "ix_profile_states_ranking",
        "profile_states",
        COVERING,
        postgresql_where=sa.text(CURRENT),
        sqlite_where=sa.text(CURRENT),
    )


def downgrade() -> None:
    op.drop_index("ix_profile_states_ranking", table_name="profile_states")
    op.create_index(
        "ix_profile_states_ranking",
        "profile_states",
        [sa.text("crs DESC"), "submitted_at", "profile_pk"],
        postgresql_where=sa.text(CURRENT),
        sqlite_where=sa.text(CURRENT),
    )
