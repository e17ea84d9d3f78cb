"""The web demo: a pool with the year of rounds up to today, and demo users.

``expressentry serve`` calls ``prepare`` on first start (an empty database): the pool and the
rounds come from the simulation demo (IRCC's real rounds of the last twelve months, scaled, up
to today); four users are created: an officer, an analyst, a candidate who holds an open
invitation of the latest rounds, and a candidate without a profile yet. Their passwords are
generated here, never shipped: they are written next to the database (readable by its owner
only) so that later starts can print them again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

DEMO_USERS = (
    ("officer", "officer"),
    ("analyst", "analyst"),
    ("candidate", "candidate"),
    ("newcomer", "candidate"),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str
    profile_id: str | None = None


def is_empty(engine: Engine) -> bool:
    from expressentry.pool.schema import profiles, users

    with engine.connect() as conn:
        return not conn.scalar(select(func.count()).select_from(users)) and not conn.scalar(
            select(func.count()).select_from(profiles)
        )


def logins_file(url: str) -> Path | None:
    """Where the demo logins are kept: beside a SQLite file (None for a server database)."""
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None
    return Path(url.removeprefix("sqlite:///") + ".logins.json")


def prepare(
    url: str,
    *,
    size: int = 3000,
    seed: int = 1,
    now: dt.datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    summary: list | None = None,
) -> list[DemoLogin]:
    """Fill an empty database with the demo and create the demo users; their logins."""
    from expressentry.pool.db import connect
    from expressentry.pool.service import Pool
    from expressentry.rounds.itas import Invitations
    from expressentry.rounds.service import RoundRequest, Rounds
    from expressentry.simulation.demo import run_demo

    now = now or dt.datetime.now(dt.UTC)
    built = run_demo(size=size, seed=seed, url=url, now=now, progress=progress)
    if summary is not None:  # the caller wants the demo's summary too
        summary.append(built)
    engine = connect(url)
    pool = Pool(engine)
    invitations = Invitations(pool)
    # bring the pool up to today: expiries, then scores under today's rules
    invitations.expire_due(now, actor="demo system")
    pool.expire_due(now, actor="demo system")
    pool.rescore(now.date(), actor="demo system")
    open_now = {i["profile_id"] for i in invitations.list(status="outstanding")}
    invited = next((p for p in reversed(built.outstanding) if p in open_now), None)
    if invited is None:  # no open invitation (a tiny demo): hold a round now
        held = Rounds(pool).run(
            RoundRequest(
                at=now - dt.timedelta(hours=1), round_type="general", size=max(size // 100, 10)
            ),
            actor="demo officer",
        )
        invited = held.invited[0].profile_id if held.invited else None
    logins = add_users(engine, invited)
    path = logins_file(url)
    if path is not None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump([login.__dict__ for login in logins], fh, indent=1)
    engine.dispose()
    return logins


def add_users(engine: Engine, invited: str | None, actor: str = "demo setup") -> list[DemoLogin]:
    """The demo users, with generated passwords; the candidate holds the profile ``invited``."""
    from expressentry.accounts.service import Accounts

    accounts = Accounts(engine)
    logins = []
    for username, role in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        profile_id = invited if username == "candidate" else None
        accounts.add_user(username, password, role, profile_id=profile_id, actor=actor)
        logins.append(DemoLogin(username, role, password, profile_id))
    return logins


def saved_logins(url: str) -> list[DemoLogin]:
    path = logins_file(url)
    if path is None or not path.exists():
        return []
    try:
        return [DemoLogin(**item) for item in json.loads(path.read_text(encoding="utf-8"))]
    except (ValueError, TypeError):
        return []
