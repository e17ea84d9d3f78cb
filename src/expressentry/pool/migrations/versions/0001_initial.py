"""The pool: profiles and their states, rounds, invitations, applications, events.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "profiles",
        sa.Column("pk", Id, primary_key=True, autoincrement=True),
        sa.Column("profile_id", sa.String(200), nullable=False),
        sa.Column("submitted_at", Ts, nullable=False),
        sa.UniqueConstraint("profile_id", name="uq_profiles_profile_id"),
    )
    op.create_table(
        "profile_states",
        sa.Column("pk", Id, primary_key=True, autoincrement=True),
        sa.Column("profile_pk", Id, sa.ForeignKey("profiles.pk"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("valid_from", Ts, nullable=False),
        sa.Column("valid_to", Ts, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("submitted_at", Ts, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("crs", sa.Integer, nullable=False),
        sa.Column("crs_document", sa.Text, nullable=False),
        sa.Column("scored_on", sa.Date, nullable=False),
        sa.Column("rules_version", sa.String(40), nullable=False),
        sa.Column("programs", sa.Integer, nullable=False),
        sa.Column("nominated", sa.Boolean, nullable=False),
        sa.Column("category_mask", sa.BigInteger, nullable=False),
        sa.Column("categories", sa.Text, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
    )
    op.create_index("ix_profile_states_profile", "profile_states", ["profile_pk", "valid_from"])
    current = sa.text("valid_to IS NULL AND status = 'in_pool'")
    op.create_index(
        "ix_profile_states_ranking",
        "profile_states",
        [sa.text("crs DESC"), "submitted_at", "profile_pk"],
        postgresql_where=current,
        sqlite_where=current,
    )
    op.create_index(
        "ix_profile_states_current",
        "profile_states",
        ["profile_pk"],
        unique=True,
        postgresql_where=sa.text("valid_to IS NULL"),
        sqlite_where=sa.text("valid_to IS NULL"),
    )
    op.create_table(
        "category_bits",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("bit", sa.Integer, nullable=False),
        sa.UniqueConstraint("bit", name="uq_category_bits_bit"),
    )
    op.create_table(
        "rounds",
        sa.Column("round_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("held_at", Ts, nullable=False),
        sa.Column("round_type", sa.String(20), nullable=False),
        sa.Column("program", sa.String(10), nullable=True),
        sa.Column("category", sa.String(120), nullable=True),
        sa.Column("category_year", sa.Integer, nullable=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("minimum_crs", sa.Integer, nullable=True),
        sa.Column("invitations", sa.Integer, nullable=False),
        sa.Column("lowest_crs", sa.Integer, nullable=True),
        sa.Column("tie_break", Ts, nullable=True),
        sa.Column("rank_needed", sa.Integer, nullable=True),
        sa.Column("pool_size", sa.Integer, nullable=False),
        sa.Column("eligible", sa.Integer, nullable=False),
        sa.Column("distribution", sa.Text, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("recorded_at", Ts, nullable=False),
    )
    op.create_table(
        "itas",
        sa.Column("pk", Id, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.round_id"), nullable=False),
        sa.Column("profile_pk", Id, sa.ForeignKey("profiles.pk"), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("crs", sa.Integer, nullable=False),
        sa.Column("program", sa.String(10), nullable=False),
        sa.Column("issued_at", Ts, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("responded_at", Ts, nullable=True),
        sa.Column("crs_document", sa.Text, nullable=False),
        sa.UniqueConstraint("round_id", "profile_pk", name="uq_itas_round_id_profile_pk"),
        sa.UniqueConstraint("round_id", "rank", name="uq_itas_round_id_rank"),
    )
    op.create_index(
        "ix_itas_one_outstanding",
        "itas",
        ["profile_pk"],
        unique=True,
        postgresql_where=sa.text("status = 'outstanding'"),
        sqlite_where=sa.text("status = 'outstanding'"),
    )
    op.create_table(
        "applications",
        sa.Column("pk", Id, primary_key=True, autoincrement=True),
        sa.Column("ita_pk", Id, sa.ForeignKey("itas.pk"), nullable=False),
        sa.Column("submitted_at", Ts, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_at", Ts, nullable=True),
        sa.Column("decision", sa.Text, nullable=True),
        sa.UniqueConstraint("ita_pk", name="uq_applications_ita_pk"),
    )
    op.create_table(
        "events",
        sa.Column("pk", Id, primary_key=True, autoincrement=True),
        sa.Column("at", Ts, nullable=False),
        sa.Column("recorded_at", Ts, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("before", sa.Text, nullable=True),
        sa.Column("after", sa.Text, nullable=True),
    )
    op.create_index("ix_events_subject", "events", ["subject", "pk"])


def downgrade() -> None:
    for table in ("events", "applications", "itas", "rounds", "category_bits"):
        op.drop_table(table)
    op.drop_table("profile_states")
    op.drop_table("profiles")
