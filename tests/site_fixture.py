"""A small site for the page, API and browser tests: a pool, a round held an hour ago, users.

``build_site(url)`` imports synthetic profiles, holds a general round an hour ago (so some
candidates hold an open invitation), and creates an officer, an analyst, a candidate who holds
one of those invitations and a candidate with no profile yet. Passwords are made per run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Site:
    url: str
    passwords: dict[str, str] = field(default_factory=dict)
    invited: list[str] = field(default_factory=list)
    round_id: int = 0


def build_site(url: str, size: int = 300) -> Site:
    from expressentry.accounts.demo import add_users
    from expressentry.pool.db import connect
    from expressentry.pool.service import Pool
    from expressentry.rounds.service import RoundRequest, Rounds
    from expressentry.simulation.pools import pool_jsonl

    now = dt.datetime.now(dt.UTC)
    engine = connect(url)
    pool = Pool(engine)
    as_of = now.date() - dt.timedelta(days=30)
    pool.import_lines(list(pool_jsonl(size, as_of, 7)), as_of=as_of, workers=1)
    held = Rounds(pool).run(
        RoundRequest(at=now - dt.timedelta(hours=1), round_type="general", size=10),
        actor="setup officer",
    )
    site = Site(url, invited=[i.profile_id for i in held.invited], round_id=held.round_id)
    for login in add_users(engine, site.invited[0], actor="test setup"):
        site.passwords[login.username] = login.password
    engine.dispose()
    return site
