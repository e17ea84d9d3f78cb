"""Bulk writes: PostgreSQL's COPY, SQLite's executemany, in the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Engine,
    Index,
    Table,
    any_,
    func,
    inspect,
    literal,
    select,
    text,
)

#: SQLite's page cache while a bulk load runs, in KiB (the default is 2 MiB): the ranking index
#: takes its entries in score order, not in key order, and each one finds its page in the cache
BULK_CACHE_KIB = 256 * 1024


def lock_writes(conn: Connection, name: str) -> None:
    """Serialize writers of one kind (rounds, imports) for the rest of the transaction.

    PostgreSQL takes a transaction-scoped advisory lock; SQLite already holds its database-wide
    write lock from BEGIN IMMEDIATE.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


def lock_pool(conn: Connection, *, exclusive: bool) -> None:
    """Rounds and the changes of profiles' states serialize on one lock, for the rest of the
    transaction: a round (``exclusive``) waits for the changes in progress, and a change
    (shared: changes do not wait for each other) waits for the round in progress, then sees it.
    Without it, on PostgreSQL a round could close a state that a candidate's withdrawal or
    update had just closed and open a second current state for the profile (a unique
    violation of ``ix_profile_states_current``). SQLite's BEGIN IMMEDIATE already serializes
    every writer.
    """
    if conn.dialect.name == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        conn.execute(text(f"SELECT {function}(hashtext('pool-states'))"))


@contextmanager
def bulk_load(conn: Connection) -> Iterator[None]:
    """Settings of the connection for a bulk load (outside a transaction), undone afterwards."""
    if conn.dialect.name != "sqlite":
        yield
        return
    # on the driver's connection: through SQLAlchemy, a statement would begin a transaction
    raw = conn.connection.driver_connection
    (before,) = raw.execute("PRAGMA cache_size").fetchone()
    raw.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={int(before)}")


#: the indexes of the pool's states that a load into an empty pool builds once, at the end, from
#: the rows (a sort), instead of entry by entry as each batch is written: the ranking index takes
#: its entries in score order, not in key order. The unique indexes stay, for they keep the pool
#: whole while it loads (one profile per profile_id, one current state per profile).
DEFERRED_INDEXES = (
    "ix_profile_states_ranking",
    "ix_profile_states_scored_on",
    "ix_profile_states_profile",
    "ix_profile_states_next_change",
)


def _deferred(table: Table) -> list[Index]:
    return [index for index in table.indexes if index.name in DEFERRED_INDEXES]


@contextmanager
def indexes_built_after(conn: Connection, table: Table, first: Table) -> Iterator[bool]:
    """When ``first`` has no rows (a pool's first load), drop ``table``'s deferred indexes for
    the load and build them after it, however the load ends; yields whether they were dropped.

    A process killed in the middle leaves them missing: :func:`repair_indexes`, run whenever
    the database is opened, builds them again. Until then the pool is whole and rounds are
    right, only slower.
    """
    with conn.begin():
        lock_writes(conn, "profiles")
        if conn.execute(select(first.c[0]).limit(1)).first() is not None:
            indexes = []
        else:
            indexes = _deferred(table)
            for index in indexes:
                index.drop(conn, checkfirst=True)
    try:
        yield bool(indexes)
    finally:
        if indexes:
            if conn.in_transaction():  # a batch's failure has been rolled back already
                conn.rollback()
            with conn.begin():
                for index in indexes:
                    index.create(conn, checkfirst=True)


def repair_indexes(conn: Connection, table: Table) -> list[str]:
    """Build the deferred indexes of ``table`` that are missing (a load was killed before it
    could build them); returns their names."""
    present = {index["name"] for index in inspect(conn).get_indexes(table.name)}
    missing = [index for index in _deferred(table) if index.name not in present]
    for index in missing:
        index.create(conn, checkfirst=True)
    return [str(index.name) for index in missing]


def after_bulk_load(engine: Engine, tables: Sequence[Table]) -> None:
    """On PostgreSQL, vacuum and analyze tables that a bulk load filled: the visibility map
    lets rounds read the ranking index alone (an index-only scan), and the statistics let the
    planner choose it. Without them, the first rounds after an import of a million profiles
    read each profile's row (autovacuum comes later, on its own schedule)."""
    if engine.dialect.name != "postgresql":
        return
    names = ", ".join(f'"{t.name}"' for t in tables)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")  # VACUUM is no transaction
        conn.exec_driver_sql(f"VACUUM (ANALYZE) {names}")


def among(
    conn: Connection, column: ColumnElement[Any], values: Sequence[Any]
) -> ColumnElement[bool]:
    """``column IN values`` with the values as one parameter (an array on PostgreSQL, a JSON
    array on SQLite), not an IN list of thousands of parameters, which costs more to build and
    parse than the query costs to run, and has a limit on SQLite."""
    if conn.dialect.name == "postgresql":
        return column == any_(literal(list(values), ARRAY(column.type)))
    each = func.json_each(literal(json.dumps(list(values)))).table_valued("value")
    return column.in_(select(each.c.value))


def existing(conn: Connection, table: Table, column: str, values: Sequence[str]) -> set[str]:
    """Which of ``values`` the column ``column`` of ``table`` already holds."""
    if not values:
        return set()
    c = table.c[column]
    return set(conn.scalars(select(c).where(among(conn, c, values))))


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows given as mappings (every row with the same keys)."""
    if not rows:
        return
    columns = list(rows[0])
    insert_tuples(conn, table, columns, [tuple(row[c] for c in columns) for row in rows])


def insert_tuples(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows given as tuples of Python values in the order of ``columns``: COPY on
    PostgreSQL, one executemany on SQLite (values converted as SQLAlchemy stores them)."""
    if not rows:
        return
    quoted = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name != "postgresql":
        processors = [table.c[c].type._cached_bind_processor(conn.dialect) for c in columns]
        if any(processors):
            # a batch repeats its dates and times (the day scored, the submission time in
            # several columns): each distinct value of a column type is converted once (with
            # its zone: equal instants in two zones are written as their own wall-clock times)
            memos: dict[type, dict[Any, Any]] = {}
            convert = [
                (i, p, memos.setdefault(type(table.c[columns[i]].type), {}))
                for i, p in enumerate(processors)
                if p is not None
            ]
            converted = []
            for row in rows:
                values = list(row)
                for i, p, done in convert:
                    value = values[i]
                    if value is None:
                        continue
                    key = (value, getattr(value, "tzinfo", None))
                    stored = done.get(key)
                    if stored is None:
                        stored = done[key] = p(value)
                    values[i] = stored
                converted.append(tuple(values))
            rows = converted
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', rows)
        return
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
    if "pk" in columns:
        # explicit keys were written: move the sequence past them
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'pk'), "
                f'(SELECT MAX(pk) FROM "{table.name}"))'
            )
        )
