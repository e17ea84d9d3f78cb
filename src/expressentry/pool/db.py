"""Database connections: SQLite (a file, WAL mode) by default, PostgreSQL in production.

The URL comes from ``--db URL`` or ``EXPRESSENTRY_DATABASE_URL``; without either, the one SQLite
file in the user's data folder (``expressentry.db``), which every command and the server share:
``expressentry serve`` builds the demo there and ``pool``, ``round``, ``report``... read it.
Opening a database brings its schema up to date with Alembic.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENV_VAR = "EXPRESSENTRY_DATABASE_URL"
MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseError(RuntimeError):
    """The database cannot be opened or used; the message says why and what to do."""


#: the one default database, in the data folder
DEFAULT_FILE = "expressentry.db"


def data_folder() -> Path:
    """Where expressentry keeps its data: ``$XDG_DATA_HOME/expressentry`` (the XDG base
    directory rule), by default ``~/.local/share/expressentry``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "expressentry"


def default_url() -> str:
    return f"sqlite:///{data_folder() / DEFAULT_FILE}"


def resolve_url(url: str | None = None) -> str:
    return url or os.environ.get(ENV_VAR) or default_url()


def url_origin(url: str | None = None) -> str:
    """What chose the database: ``--db``, the environment variable, or the default."""
    if url:
        return "--db"
    return ENV_VAR if os.environ.get(ENV_VAR) else "default"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # take the write lock when the transaction starts, so two writers queue instead of failing
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def connect(url: str | None = None, *, migrate_schema: bool = True) -> Engine:
    """An engine for the pool database, with its schema migrated to the latest revision."""
    url = resolve_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"{url!r} is not a database URL (sqlite:///FILE or postgresql://...)"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"check_same_thread": False})
        # SQLite's driver opens transactions lazily and never for reads; take control of them
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None

        event.listen(engine, "begin", _sqlite_begin)
    elif parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True)
    else:
        raise DatabaseError(
            f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL"
        )
    if migrate_schema:
        migrate(engine)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (in one transaction)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            # a bulk load killed before it built its deferred indexes again
            from expressentry.pool.bulk import repair_indexes
            from expressentry.pool.schema import profile_states

            repair_indexes(connection, profile_states)
    except Exception as exc:  # connection refused, permission denied, ...
        if isinstance(exc, DatabaseError):
            raise
        raise DatabaseError(f"cannot open the database {engine.url!r}: {exc}") from exc
