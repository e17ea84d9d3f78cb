"""Bulk writes: PostgreSQL's COPY, SQLite's executemany, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert, text


def lock_writes(conn: Connection, name: str) -> None:
    """Serialize writers of one kind (rounds, imports) for the rest of the transaction.

    PostgreSQL takes a transaction-scoped advisory lock; SQLite already holds its database-wide
    write lock from BEGIN IMMEDIATE.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    raw = conn.connection.driver_connection
    quoted = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(tuple(row[c] for c in columns))
    if "pk" in columns:
        # explicit keys were written: move the sequence past them
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'pk'), "
                f'(SELECT MAX(pk) FROM "{table.name}"))'
            )
        )
