"""Accounts: users and their roles, passwords, sessions and the login rate limit.

Who may do what: a *candidate* sees and changes their own profile in the pool (``profile_id``),
an *officer* runs rounds and decides applications, an *analyst* reads reports. This module knows
the roles; what each role may do is decided where the action is.

- Passwords are hashed with argon2 (argon2-cffi's ``PasswordHasher``, its defaults: argon2id); a
  hash made with weaker parameters is replaced at the next successful login. The password itself
  is never stored, logged or put in an audit event.
- A session is a random token handed to the user once; the database keeps only its SHA-256, with
  its expiry time and a CSRF token. Sessions end at ``session_lifetime`` after login, at logout,
  when the password changes, or when the user is made inactive.
- Every login attempt is recorded (``login_attempts``). The throttle slows a guesser without
  denying the owner (OWASP Authentication Cheat Sheet, "Protect against automated attacks":
  throttling per account and address, exponential delays, and a lockout its owner can lift):
  - per (username, address) pair: after ``free_failures`` failed attempts since the user's last
    successful login (within ``pair_window``), each further attempt waits an exponentially
    growing delay after the last failure (``base_delay``, doubled each time, at most
    ``max_delay``). One address's failures never slow the owner at another address.
  - per username, from addresses it has never signed in from (within ``known_for``): with
    ``max_failures`` failures within ``window`` the account is locked for such addresses; the
    owner still signs in from an address they used before, and that success (or an officer's
    ``unlock``, or a new password) lifts the lock.
  - per address, whatever the username (one address trying many accounts): with
    ``client_max_failures`` failures within ``window``; users who signed in from that address
    before (the owners behind one proxy) are not held back.
  A throttled attempt is refused without the password being checked (``LoginThrottled``, with
  the seconds until the next attempt is considered); it is recorded with ``success`` NULL and
  does not count as a failure, so the delay ends when said.
- A wrong username and a wrong password give the same error, and both cost one argon2
  verification, so neither the message nor the time tells which usernames exist.
- Secret keys (``secret(name)``) are generated on first use and kept in the database
  (``settings``), never in the repository or in a configuration file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets as random_tokens
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from expressentry.pool.schema import login_attempts, sessions, settings, users
from expressentry.pool.service import as_utc, record_event, utcnow

ROLES: tuple[str, ...] = ("candidate", "officer", "analyst")

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
USERNAME_PATTERN = re.compile(r"[a-z0-9._-]{3,64}")
USERNAME_RULE = "must be 3 to 64 characters of a-z, 0-9, '.', '_' and '-'"
GENERIC_REFUSAL = "wrong username or password"

#: the hasher of every password (argon2id with argon2-cffi's default parameters)
_HASHER = PasswordHasher()


class AccountError(ValueError):
    """Bad input to an account operation: ``field`` names what is wrong and ``reason`` why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class LoginRefused(AccountError):
    """Wrong username or password (one message for both: it does not tell which)."""

    def __init__(self, field: str = "login", reason: str = GENERIC_REFUSAL) -> None:
        super().__init__(field, reason)


class LoginThrottled(AccountError):
    """Too many failed logins for this username and client; ``retry_after`` seconds until the
    next attempt is considered. ``locked``: the account is locked for addresses it never signed
    in from (the owner signs in from one they used, or an officer unlocks it)."""

    def __init__(self, retry_after: int, *, locked: bool = False) -> None:
        reason = f"too many failed attempts; try again in {retry_after} seconds"
        if locked:
            reason = (
                f"this account is locked after many failed attempts from addresses it never "
                f"signed in from; sign in from one you used before, try again in {retry_after} "
                "seconds, or ask an officer to unlock it"
            )
        super().__init__("login", reason)
        self.retry_after = retry_after
        self.locked = locked


@dataclass(frozen=True)
class User:
    pk: int
    username: str
    role: str
    profile_id: str | None
    active: bool


@dataclass(frozen=True)
class Session:
    """A logged-in user. ``token`` is the plain token (the cookie's value): ``login()`` makes
    it, ``session(token)`` returns the session with the same token."""

    token: str
    user: User
    expires_at: dt.datetime
    csrf_token: str


def token_hash(token: str) -> str:
    """What the database keeps of a session token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@cache
def _dummy_hash() -> str:
    """A hash that no password matches, verified against when the username is unknown so that
    a login takes as long for an unknown user as for a wrong password."""
    return _HASHER.hash(random_tokens.token_urlsafe(32))


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _user(row: Any) -> User:
    return User(
        pk=int(row.pk),
        username=row.username,
        role=row.role,
        profile_id=row.profile_id,
        active=bool(row.active),
    )


def _username(username: str) -> str:
    """The stored form of a username (lower case), or AccountError."""
    name = username.lower() if isinstance(username, str) else ""
    if not USERNAME_PATTERN.fullmatch(name):
        raise AccountError("username", USERNAME_RULE)
    return name


def _check_password(password: str) -> None:
    if not isinstance(password, str):
        raise AccountError("password", "must be text")
    if len(password) < MIN_PASSWORD:
        raise AccountError("password", f"must be at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError("password", f"must be at most {MAX_PASSWORD} characters")


def _check_role(role: str) -> str:
    value = role.strip().lower() if isinstance(role, str) else ""
    if value not in ROLES:
        raise AccountError("role", "must be one of " + ", ".join(ROLES))
    return value


def _check_profile_id(profile_id: str | None, role: str) -> str | None:
    if profile_id is None:
        return None
    from expressentry.profile.model import PROFILE_ID_PATTERN, PROFILE_ID_RULE

    if not isinstance(profile_id, str) or not profile_id.strip() or len(profile_id) > 200:
        raise AccountError("profile_id", "must be 1 to 200 characters")
    if not PROFILE_ID_PATTERN.fullmatch(profile_id.strip()):
        raise AccountError("profile_id", PROFILE_ID_RULE)
    if role != "candidate":
        raise AccountError("profile_id", "only a candidate's account is linked to a profile")
    return profile_id.strip()


def _check_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip() or len(actor) > 100:
        raise AccountError("actor", "must be 1 to 100 characters")
    return actor


class Accounts:
    """Users, passwords, sessions and the login rate limit, in the pool's database."""

    def __init__(
        self,
        engine: Engine,
        *,
        session_lifetime: dt.timedelta = dt.timedelta(hours=8),
        max_failures: int = 20,
        client_max_failures: int = 100,
        window: dt.timedelta = dt.timedelta(minutes=15),
        clock: Callable[[], dt.datetime] = utcnow,
        free_failures: int = 3,
        base_delay: dt.timedelta = dt.timedelta(seconds=1),
        max_delay: dt.timedelta = dt.timedelta(minutes=15),
        pair_window: dt.timedelta = dt.timedelta(hours=24),
        known_for: dt.timedelta = dt.timedelta(days=90),
    ) -> None:
        if session_lifetime <= dt.timedelta(0) or window <= dt.timedelta(0):
            raise ValueError("session_lifetime and window must be positive")
        if max_failures < 1 or client_max_failures < 1 or free_failures < 0:
            raise ValueError("max_failures and client_max_failures must be at least 1")
        if min(base_delay, max_delay, pair_window, known_for) <= dt.timedelta(0):
            raise ValueError("the delays and windows must be positive")
        self.engine = engine
        self.session_lifetime = session_lifetime
        self.max_failures = max_failures
        self.client_max_failures = client_max_failures
        self.window = window
        self.free_failures = free_failures
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.pair_window = pair_window
        self.known_for = known_for
        self._clock = clock
        self._secrets: dict[str, str] = {}

    def _now(self) -> dt.datetime:
        return as_utc(self._clock())

    # --- users -----------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        password: str,
        role: str,
        *,
        profile_id: str | None = None,
        actor: str = "system",
    ) -> User:
        """Create an active user; AccountError names the field that is wrong."""
        name = _username(username)
        _check_password(password)
        role = _check_role(role)
        profile_id = _check_profile_id(profile_id, role)
        actor = _check_actor(actor)
        password_hash = _HASHER.hash(password)  # slow on purpose: outside the transaction
        now = self._now()
        try:
            with self.engine.begin() as conn:
                self._check_free(conn, name, profile_id)
                pk = conn.execute(
                    insert(users)
                    .values(
                        username=name,
                        password_hash=password_hash,
                        role=role,
                        profile_id=profile_id,
                        created_at=now,
                        active=True,
                    )
                    .returning(users.c.pk)
                ).scalar_one()
                user = User(
                    pk=int(pk), username=name, role=role, profile_id=profile_id, active=True
                )
                record_event(
                    conn,
                    at=now,
                    actor=actor,
                    kind="user.add",
                    subject=f"user:{name}",
                    after={
                        "username": name,
                        "role": role,
                        "profile_id": profile_id,
                        "active": True,
                    },
                )
        except IntegrityError:
            # another writer took the username or the profile between the check and the insert
            with self.engine.connect() as conn:
                self._check_free(conn, name, profile_id)
            raise
        return user

    @staticmethod
    def _check_free(
        conn: Connection, name: str | None, profile_id: str | None, *, user_pk: int | None = None
    ) -> None:
        if name is not None:
            taken = conn.scalar(select(users.c.pk).where(users.c.username == name))
            if taken is not None:
                raise AccountError("username", "already taken")
        if profile_id is not None:
            owner = conn.scalar(select(users.c.pk).where(users.c.profile_id == profile_id))
            if owner is not None and owner != user_pk:
                raise AccountError("profile_id", "already linked to another user")

    def _existing(self, conn: Connection, username: str) -> Any:
        name = username.lower() if isinstance(username, str) else ""
        row = conn.execute(select(users).where(users.c.username == name)).first()
        if row is None:
            raise AccountError("username", "no such user")
        return row

    def set_password(self, username: str, password: str, *, actor: str = "system") -> None:
        """Change a user's password; the user's sessions end."""
        _check_password(password)
        actor = _check_actor(actor)
        password_hash = _HASHER.hash(password)
        now = self._now()
        with self.engine.begin() as conn:
            row = self._existing(conn, username)
            conn.execute(
                update(users).where(users.c.pk == row.pk).values(password_hash=password_hash)
            )
            ended = conn.execute(delete(sessions).where(sessions.c.user_pk == row.pk)).rowcount
            self._reset(conn, row.username, now)  # guesses of the old password no longer count
            record_event(
                conn,
                at=now,
                actor=actor,
                kind="user.password",
                subject=f"user:{row.username}",
                after={"password_changed": True, "sessions_ended": ended},
            )

    def link_profile(self, username: str, profile_id: str | None, *, actor: str = "system") -> User:
        """Link a candidate's account to their profile in the pool (None: unlink)."""
        actor = _check_actor(actor)
        now = self._now()
        with self.engine.begin() as conn:
            row = self._existing(conn, username)
            profile_id = _check_profile_id(profile_id, row.role)
            self._check_free(conn, None, profile_id, user_pk=row.pk)
            conn.execute(update(users).where(users.c.pk == row.pk).values(profile_id=profile_id))
            record_event(
                conn,
                at=now,
                actor=actor,
                kind="user.link",
                subject=f"user:{row.username}",
                before={"profile_id": row.profile_id},
                after={"profile_id": profile_id},
            )
            return _user(conn.execute(select(users).where(users.c.pk == row.pk)).one())

    def get(self, username: str) -> User | None:
        if not isinstance(username, str):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username.lower())).first()
        return None if row is None else _user(row)

    def users(self) -> list[User]:
        """Every user, by username."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(users).order_by(users.c.username)).all()
        return [_user(r) for r in rows]

    # --- logins and sessions ---------------------------------------------------------------

    def _retry_after(
        self, conn: Connection, name: str, client: str, now: dt.datetime
    ) -> tuple[int, bool] | None:
        """Seconds until this username and client may try again, and whether the account is
        locked (for this client), or None when they may try now."""
        a = login_attempts.c
        reset = conn.scalar(select(func.max(a.at)).where(a.username == name, a.success.is_(True)))
        reset = as_utc(reset) if reset is not None else None
        known = (
            conn.scalar(
                select(a.pk)
                .where(
                    a.username == name,
                    a.client == client,
                    a.success.is_(True),
                    a.at > now - self.known_for,
                )
                .limit(1)
            )
            is not None
        )
        waits: list[tuple[dt.timedelta, bool]] = []
        # the pair: an exponential delay after the free failures
        since = now - self.pair_window if reset is None else max(now - self.pair_window, reset)
        steps = math.ceil(math.log2(self.max_delay / self.base_delay)) + 1
        failures = conn.scalars(
            select(a.at)
            .where(a.username == name, a.client == client, a.success.is_(False), a.at > since)
            .order_by(a.at.desc())
            .limit(self.free_failures + steps)
        ).all()
        if len(failures) >= max(self.free_failures, 1):
            delay = min(self.max_delay, self.base_delay * 2 ** (len(failures) - self.free_failures))
            waits.append((as_utc(failures[0]) + delay - now, False))
        if not known:
            # the max-th most recent failure: when it leaves the window, fewer than max remain
            start = now - self.window
            for condition, since_, limit, locked in (
                (a.username == name, start if reset is None else max(start, reset),
                 self.max_failures, True),
                (a.client == client, start, self.client_max_failures, False),
            ):  # fmt: skip
                at = conn.scalar(
                    select(a.at)
                    .where(condition, a.success.is_(False), a.at > since_)
                    .order_by(a.at.desc())
                    .offset(limit - 1)
                    .limit(1)
                )
                if at is not None:
                    waits.append((as_utc(at) + self.window - now, locked))
        waits = [w for w in waits if w[0] > dt.timedelta(0)]
        if not waits:
            return None
        longest = max(w for w, _ in waits)
        return max(1, math.ceil(longest.total_seconds())), any(locked for _, locked in waits)

    @staticmethod
    def _attempt(
        conn: Connection, name: str, client: str, at: dt.datetime, success: bool | None
    ) -> None:
        conn.execute(
            insert(login_attempts).values(username=name, client=client, at=at, success=success)
        )

    def login(self, username: str, password: str, *, client: str = "unknown") -> Session:
        """A new session for the user, or LoginRefused (wrong username or password, or an
        inactive user), or LoginThrottled (too many failures)."""
        now = self._now()
        name = (username if isinstance(username, str) else "").strip().lower()[:64]
        client = (client if isinstance(client, str) and client else "unknown")[:100]
        if not isinstance(password, str) or len(password) > MAX_PASSWORD:
            password = ""  # matches no stored password; still costs one verification
        row = None
        token = csrf = ""
        expires_at = now
        with self.engine.begin() as conn:
            retry = self._retry_after(conn, name, client, now)
            if retry is not None:
                self._attempt(conn, name, client, now, None)
            elif USERNAME_PATTERN.fullmatch(name):
                row = conn.execute(select(users).where(users.c.username == name)).first()
        if retry is not None:
            raise LoginThrottled(retry[0], locked=retry[1])

        # one argon2 verification whether or not the user exists, outside any transaction
        stored = row.password_hash if row is not None else _dummy_hash()
        ok = _verify(stored, password) and row is not None and bool(row.active)
        new_hash = _HASHER.hash(password) if ok and _HASHER.check_needs_rehash(stored) else None

        with self.engine.begin() as conn:
            # failures recorded by concurrent attempts since the check count too
            retry = self._retry_after(conn, name, client, now)
            if retry is not None:
                self._attempt(conn, name, client, now, None)
            else:
                self._attempt(conn, name, client, now, ok)
                if ok and row is not None:
                    if new_hash is not None:
                        conn.execute(
                            update(users)
                            .where(users.c.pk == row.pk, users.c.password_hash == stored)
                            .values(password_hash=new_hash)
                        )
                    token = random_tokens.token_urlsafe(32)
                    csrf = random_tokens.token_urlsafe(32)
                    expires_at = now + self.session_lifetime
                    conn.execute(
                        insert(sessions).values(
                            token_hash=token_hash(token),
                            user_pk=row.pk,
                            created_at=now,
                            expires_at=expires_at,
                            csrf_token=csrf,
                        )
                    )
        if retry is not None:
            raise LoginThrottled(retry[0], locked=retry[1])
        if not ok or row is None:
            raise LoginRefused()
        return Session(token=token, user=_user(row), expires_at=expires_at, csrf_token=csrf)

    def session(self, token: str) -> Session | None:
        """The session of a token; None when it is unknown or expired or its user inactive."""
        if not isinstance(token, str) or not token or len(token) > 256:
            return None
        now = self._now()
        query = (
            select(
                sessions.c.expires_at,
                sessions.c.csrf_token,
                users.c.pk,
                users.c.username,
                users.c.role,
                users.c.profile_id,
                users.c.active,
            )
            .join(users, users.c.pk == sessions.c.user_pk)
            .where(
                sessions.c.token_hash == token_hash(token),
                sessions.c.expires_at > now,
                users.c.active.is_(True),
            )
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return Session(
            token=token,
            user=_user(row),
            expires_at=as_utc(row.expires_at),
            csrf_token=row.csrf_token,
        )

    def logout(self, token: str) -> None:
        """End the session of a token (nothing happens for an unknown token)."""
        if not isinstance(token, str) or not token:
            return
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash(token)))

    def purge_expired(self) -> int:
        """Remove expired sessions, and login attempts the throttle no longer reads (failures
        older than its windows, successes older than ``known_for``); how many rows."""
        now = self._now()
        a = login_attempts.c
        with self.engine.begin() as conn:
            ended = conn.execute(delete(sessions).where(sessions.c.expires_at <= now)).rowcount
            old = conn.execute(
                delete(login_attempts).where(
                    a.at <= now - max(self.window, self.pair_window),
                    or_(a.success.is_not(True), a.at <= now - self.known_for),
                )
            ).rowcount
        return int(ended) + int(old)

    def unlock(self, username: str, *, actor: str = "system") -> int:
        """Lift the throttle of a user's account (an officer, once the owner asked): the
        failures counted so far no longer count, for every address. Recorded as an attempt
        that resets the count (client ``(unlocked)``) and as a ``user.unlock`` event; returns
        how many failures no longer count."""
        actor = _check_actor(actor)
        now = self._now()
        with self.engine.begin() as conn:
            row = self._existing(conn, username)
            self._reset(conn, row.username, now)
            lifted = conn.scalar(
                select(func.count()).where(
                    login_attempts.c.username == row.username,
                    login_attempts.c.success.is_(False),
                    login_attempts.c.at > now - max(self.window, self.pair_window),
                )
            )
            record_event(
                conn,
                at=now,
                actor=actor,
                kind="user.unlock",
                subject=f"user:{row.username}",
                after={"failures_lifted": int(lifted or 0)},
            )
        return int(lifted or 0)

    @staticmethod
    def _reset(conn: Connection, name: str, now: dt.datetime) -> None:
        # a success row without a real address: it resets every count and makes none "known"
        conn.execute(
            insert(login_attempts).values(username=name, client="(unlocked)", at=now, success=True)
        )

    # --- secrets ---------------------------------------------------------------------------

    def secret(self, name: str) -> str:
        """A secret value (a signing key): generated on first use and kept in the database, the
        same afterwards, for every process that uses this database."""
        if name in self._secrets:
            return self._secrets[name]
        if not isinstance(name, str) or not name or len(name) > 80:
            raise AccountError("name", "must be 1 to 80 characters")
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as insert_absent
        else:
            from sqlalchemy.dialects.sqlite import insert as insert_absent
        candidate = random_tokens.token_urlsafe(32)
        with self.engine.begin() as conn:
            # two processes starting at once: the first insert wins, both read its value
            conn.execute(
                insert_absent(settings)
                .values(key=name, value=candidate)
                .on_conflict_do_nothing(index_elements=[settings.c.key])
            )
            value = conn.execute(
                select(settings.c.value).where(settings.c.key == name)
            ).scalar_one()
        self._secrets[name] = value
        return value
