"""The services behind the API and the pages: one pool database, opened on first use.

The public endpoints (score, eligibility, categories, history) need no database; everything that
stores or reads profiles, rounds and users does. The database URL is the app's ``database_url``,
else ``EXPRESSENTRY_DATABASE_URL``, else the SQLite file in the user's data folder.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING

from fastapi import Request

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from expressentry.accounts.service import Accounts
    from expressentry.pool.service import Pool
    from expressentry.rounds.itas import Invitations
    from expressentry.rounds.service import Rounds


class Services:
    def __init__(self, database_url: str | None = None) -> None:
        from expressentry.pool.db import resolve_url

        self.database_url = resolve_url(database_url)
        self._lock = threading.Lock()

    @cached_property
    def engine(self) -> Engine:
        from expressentry.pool.db import connect

        with self._lock:  # one migration at a time, even under threads
            return connect(self.database_url)

    @cached_property
    def pool(self) -> Pool:
        from expressentry.pool.service import Pool

        return Pool(self.engine)

    @cached_property
    def rounds(self) -> Rounds:
        from expressentry.rounds.service import Rounds

        return Rounds(self.pool)

    @cached_property
    def invitations(self) -> Invitations:
        from expressentry.rounds.itas import Invitations

        return Invitations(self.pool)

    @cached_property
    def accounts(self) -> Accounts:
        from expressentry.accounts.service import Accounts

        return Accounts(self.engine)


def services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]
