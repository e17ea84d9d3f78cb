"""The pool's tables (SQLAlchemy Core). Alembic migrations in ``pool/migrations`` create them.

Profiles are temporal: ``profile_states`` holds one row per state of a profile, valid from one
time to the next (``valid_to`` is NULL for the current state). Every change — an update, an
invitation, a decline, a withdrawal, an expiry — closes the current row and opens a new one, so
the pool as it stood at any moment (a round's time, for ``round verify``) can be read back.
Times are business times (the round's time, the submission time), in UTC.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite wants INTEGER PRIMARY KEY for its rowid alias; PostgreSQL gets BIGINT
Id = BigInteger().with_variant(Integer(), "sqlite")
Timestamp = DateTime(timezone=True)

#: program flags of a profile (bit mask): the programs whose minimum criteria it meets
PROGRAM_BITS = {"fsw": 1, "cec": 2, "fst": 4}

profiles = Table(
    "profiles",
    metadata,
    Column("pk", Id, primary_key=True, autoincrement=True),
    Column("profile_id", String(200), nullable=False, unique=True),
    Column("submitted_at", Timestamp, nullable=False),
)

profile_states = Table(
    "profile_states",
    metadata,
    Column("pk", Id, primary_key=True, autoincrement=True),
    Column("profile_pk", Id, ForeignKey("profiles.pk"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("valid_from", Timestamp, nullable=False),
    Column("valid_to", Timestamp, nullable=True),
    # in_pool | invited | applied | withdrawn | expired | ita_expired
    Column("status", String(20), nullable=False),
    Column("submitted_at", Timestamp, nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("document", Text, nullable=False),
    Column("crs", Integer, nullable=False),
    Column("crs_document", Text, nullable=False),
    Column("scored_on", Date, nullable=False),
    Column("rules_version", String(40), nullable=False),
    Column("programs", Integer, nullable=False),
    Column("nominated", Boolean, nullable=False),
    Column("category_mask", BigInteger, nullable=False),
    Column("categories", Text, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("reason", String(200), nullable=False),
    # the first day after ``scored_on`` on which the assessment can change by time alone (a
    # birthday, work accrued, a document expiring, the 12 months' end, a rule or category
    # version): a round re-assesses the profiles whose day has come (``pool.changes``). NULL
    # only in rows written before it existed: treated as due
    Column("next_change", Date, nullable=True),
    Index("ix_profile_states_profile", "profile_pk", "valid_from"),
    # the ranking of the current pool: highest CRS first, ties by submission time; it covers
    # every column a round filters on, so selection and counts read the index alone (SQLite
    # needs the columns of the index's own condition in it too, to read the index alone)
    Index(
        "ix_profile_states_ranking",
        text("crs DESC"),
        "submitted_at",
        "profile_pk",
        "expires_on",
        "programs",
        "nominated",
        "category_mask",
        "scored_on",
        "valid_to",
        "status",
        postgresql_where=text("valid_to IS NULL AND status = 'in_pool'"),
        sqlite_where=text("valid_to IS NULL AND status = 'in_pool'"),
    ),
    # the pool by the day each profile was scored (category rounds used it to find profiles
    # scored outside the category version in force; the next-change index below does that now,
    # since a category version's start is a next-change day)
    Index(
        "ix_profile_states_scored_on",
        "scored_on",
        postgresql_where=text("valid_to IS NULL AND status = 'in_pool'"),
        sqlite_where=text("valid_to IS NULL AND status = 'in_pool'"),
    ),
    # the pool by the day each assessment can next change: a round finds the profiles to
    # re-assess (usually few) without reading the pool
    Index(
        "ix_profile_states_next_change",
        "next_change",
        postgresql_where=text("valid_to IS NULL AND status = 'in_pool'"),
        sqlite_where=text("valid_to IS NULL AND status = 'in_pool'"),
    ),
    Index(
        "ix_profile_states_current",
        "profile_pk",
        unique=True,
        postgresql_where=text("valid_to IS NULL"),
        sqlite_where=text("valid_to IS NULL"),
    ),
)

#: a stable bit for every category version ("stem:2025") seen by the pool
category_bits = Table(
    "category_bits",
    metadata,
    Column("key", String(120), primary_key=True),
    Column("bit", Integer, nullable=False, unique=True),
)

rounds = Table(
    "rounds",
    metadata,
    Column("round_id", Integer, primary_key=True, autoincrement=False),
    Column("held_at", Timestamp, nullable=False),
    Column("round_type", String(20), nullable=False),  # general | program | category
    Column("program", String(10), nullable=True),  # cec | fsw | fst | pnp
    Column("category", String(120), nullable=True),  # slug
    Column("category_year", Integer, nullable=True),
    Column("size", Integer, nullable=False),
    Column("minimum_crs", Integer, nullable=True),
    Column("invitations", Integer, nullable=False),
    Column("lowest_crs", Integer, nullable=True),
    Column("tie_break", Timestamp, nullable=True),
    Column("rank_needed", Integer, nullable=True),
    Column("pool_size", Integer, nullable=False),
    Column("eligible", Integer, nullable=False),
    Column("distribution", Text, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("recorded_at", Timestamp, nullable=False),
)

itas = Table(
    "itas",
    metadata,
    Column("pk", Id, primary_key=True, autoincrement=True),
    Column("round_id", Integer, ForeignKey("rounds.round_id"), nullable=False),
    Column("profile_pk", Id, ForeignKey("profiles.pk"), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("crs", Integer, nullable=False),
    Column("program", String(10), nullable=False),
    Column("issued_at", Timestamp, nullable=False),
    Column("deadline", Date, nullable=False),
    # outstanding | applied | declined | expired
    Column("status", String(20), nullable=False),
    Column("responded_at", Timestamp, nullable=True),
    Column("crs_document", Text, nullable=False),
    UniqueConstraint("round_id", "profile_pk"),
    UniqueConstraint("round_id", "rank"),
    # the database itself refuses a second outstanding invitation for one candidate
    Index(
        "ix_itas_one_outstanding",
        "profile_pk",
        unique=True,
        postgresql_where=text("status = 'outstanding'"),
        sqlite_where=text("status = 'outstanding'"),
    ),
)

applications = Table(
    "applications",
    metadata,
    Column("pk", Id, primary_key=True, autoincrement=True),
    Column("ita_pk", Id, ForeignKey("itas.pk"), nullable=False, unique=True),
    Column("submitted_at", Timestamp, nullable=False),
    Column("document", Text, nullable=False),  # the verified profile
    Column("status", String(20), nullable=False),  # submitted | approved | refused
    Column("decided_at", Timestamp, nullable=True),
    Column("decision", Text, nullable=True),  # JSON: outcome, reasons, checks
)

events = Table(
    "events",
    metadata,
    Column("pk", Id, primary_key=True, autoincrement=True),
    Column("at", Timestamp, nullable=False),
    Column("recorded_at", Timestamp, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("kind", String(60), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Index("ix_events_subject", "subject", "pk"),
)

# --- accounts: who may do what (expressentry.accounts) ------------------------------------------

users = Table(
    "users",
    metadata,
    Column("pk", Id, primary_key=True, autoincrement=True),
    # lower-case, 3-64 characters of [a-z0-9._-]
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2 (PHC string); never the password
    Column("role", String(20), nullable=False),  # candidate | officer | analyst
    # a candidate's own profile in the pool
    Column("profile_id", String(200), nullable=True, unique=True),
    Column("created_at", Timestamp, nullable=False),
    Column("active", Boolean, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("pk", Id, primary_key=True, autoincrement=True),
    # sha256 (hex) of the session token; the token itself is never stored
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_pk", Id, ForeignKey("users.pk"), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("expires_at", Timestamp, nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Index("ix_sessions_expires_at", "expires_at"),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("pk", Id, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("client", String(100), nullable=False),
    Column("at", Timestamp, nullable=False),
    # True: the password was right; False: it was wrong (or no such user); NULL: refused as
    # throttled without checking the password
    Column("success", Boolean, nullable=True),
    Index("ix_login_attempts_username_at", "username", "at"),
    Index("ix_login_attempts_client_at", "client", "at"),
)

#: values the application generates on first start (secret keys), never kept in the repository
settings = Table(
    "settings",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("value", Text, nullable=False),
)
