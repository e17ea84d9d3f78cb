"""``expressentry where``: the data folder and the database every command and the server read.

One database serves everything: ``expressentry serve`` builds the demo in it on first start,
and ``pool``, ``round``, ``ita``, ``application``, ``report`` and ``user`` read and write it
unless given ``--db URL`` (or ``EXPRESSENTRY_DATABASE_URL``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

ORIGINS = {
    "--db": "given with --db",
    "EXPRESSENTRY_DATABASE_URL": "from EXPRESSENTRY_DATABASE_URL",
    "default": "the default (--db URL or EXPRESSENTRY_DATABASE_URL choose another)",
}


def describe(db: str | None = None) -> dict[str, Any]:
    """Where the data is and what the database holds (without creating it)."""
    from sqlalchemy import func, select

    from expressentry.accounts.demo import logins_file
    from expressentry.pool.db import (
        DatabaseError,
        connect,
        data_folder,
        resolve_url,
        sqlite_file,
        url_origin,
    )
    from expressentry.pool.schema import profile_states, profiles, rounds, users

    url = resolve_url(db)
    path = sqlite_file(url)
    doc: dict[str, Any] = {
        "data_folder": str(data_folder()),
        "database": url,
        "origin": url_origin(db),
        "exists": path.is_file() if path is not None else None,
        "logins_file": None,
        "profiles": None,
        "in_pool": None,
        "rounds": None,
        "users": None,
    }
    logins = logins_file(url)
    if logins is not None and logins.is_file():
        doc["logins_file"] = str(logins)
    if path is not None and not path.is_file():
        return doc
    try:
        engine = connect(url)
    except DatabaseError as exc:
        doc["error"] = str(exc)
        return doc
    try:
        with engine.connect() as conn:
            doc["exists"] = True
            doc["profiles"] = conn.scalar(select(func.count()).select_from(profiles))
            doc["in_pool"] = conn.scalar(
                select(func.count()).where(
                    profile_states.c.valid_to.is_(None), profile_states.c.status == "in_pool"
                )
            )
            doc["rounds"] = conn.scalar(select(func.count()).select_from(rounds))
            doc["users"] = conn.scalar(select(func.count()).select_from(users))
    finally:
        engine.dispose()
    return doc


def lines(doc: dict[str, Any]) -> list[str]:
    """The description as a person reads it."""
    out = [
        f"Data folder: {doc['data_folder']}",
        f"Database:    {doc['database']}",
        f"             {ORIGINS[doc['origin']]}",
    ]
    if doc.get("error"):
        out.append(f"             cannot be opened: {doc['error']}")
    elif not doc["exists"]:
        out.append(
            "             not created yet: `expressentry serve` (or `expressentry demo`) builds "
            "the demo there"
        )
    else:
        out.append(
            f"Holds:       {doc['profiles']:,} profiles ({doc['in_pool']:,} in the pool now), "
            f"{doc['rounds']:,} rounds, {doc['users']:,} users"
        )
    if doc["logins_file"]:
        out.append(f"Demo logins: {doc['logins_file']}")
    out.append(
        "Every command (pool, round, ita, application, report, user) and `expressentry serve` "
        "use this database unless given --db."
    )
    return out


def where(
    db: Annotated[
        str | None,
        typer.Option("--db", help="A database URL to describe instead of the default."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print it as one JSON object.")] = False,
) -> None:
    """Show the data folder and the database that every command and the server use."""
    doc = describe(db)
    if as_json:
        typer.echo(json.dumps(doc))
        return
    for line in lines(doc):
        typer.echo(line)
