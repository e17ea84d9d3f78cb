"""The day each stored assessment can next change (issue 13).

* ``profile_states.next_change``: the first day after ``scored_on`` on which the assessment can
  change by time alone. Rows written before it existed get their ``scored_on``: they are due, so
  the first round after the upgrade re-assesses them (and gives them the expiry of 12 months
  from submission, which an older version confused with a document's expiry).
* An index of the current pool by that day, so a round finds the profiles due without reading
  the pool.

Revision ID: 0005_i13
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_i13"
down_revision = "0004"
branch_labels = None
depends_on = None

CURRENT = "valid_to IS NULL AND status = 'in_pool'"


def upgrade() -> None:
    op.add_column("profile_states", sa.Column("next_change", sa.Date, nullable=True))
    op.execute("UPDATE profile_states SET next_change = scored_on")
    op.create_index(
        "ix_profile_states_next_change",
        "profile_states",
        ["next_change"],
        postgresql_where=sa.text(CURRENT),
        sqlite_where=sa.text(CURRENT),
    )


def downgrade() -> None:
    op.drop_index("ix_profile_states_next_change", table_name="profile_states")
    with op.batch_alter_table("profile_states") as batch:
        batch.drop_column("next_change")
