"""Accounts: users and roles, argon2 passwords, sessions, the login rate limit, secrets.

Every test runs on SQLite and on PostgreSQL (the ``db_url`` fixture); passwords are hashed with
the real argon2 parameters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, inspect, select, text, update

from expressentry.accounts import (
    ROLES,
    AccountError,
    Accounts,
    LoginRefused,
    LoginThrottled,
    Session,
    User,
)
from expressentry.accounts import service as accounts_service
from expressentry.pool.db import connect
from expressentry.pool.schema import login_attempts, metadata, sessions, settings, users

PASSWORD = "correct horse battery"
T0 = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
ACCOUNT_TABLES = ("users", "sessions", "login_attempts", "settings")


class Clock:
    """An injected clock that tests move by hand."""

    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = connect(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(engine: Engine, clock: Clock) -> Accounts:
    return Accounts(engine, clock=clock)


def stored_user(engine: Engine, username: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(users).where(users.c.username == username)).one()


def attempts(engine: Engine) -> list[tuple[str, str, bool | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                login_attempts.c.username, login_attempts.c.client, login_attempts.c.success
            ).order_by(login_attempts.c.pk)
        ).all()
    return [(r.username, r.client, None if r.success is None else bool(r.success)) for r in rows]


def raw_events(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT actor, kind, subject, before, after FROM events")).all()


# --- schema ----------------------------------------------------------------------------------


def test_migration_matches_the_tables_and_goes_down_and_up(engine: Engine) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext

    from expressentry.pool.db import MIGRATIONS

    def differences() -> list[Any]:
        with engine.connect() as conn:
            found = compare_metadata(MigrationContext.configure(conn), metadata)
        return [d for d in found if any(t in repr(d) for t in ACCOUNT_TABLES)]

    assert set(ACCOUNT_TABLES) <= set(inspect(engine).get_table_names())
    assert differences() == []
    indexes = {i["name"] for i in inspect(engine).get_indexes("login_attempts")}
    assert {"ix_login_attempts_username_at", "ix_login_attempts_client_at"} <= indexes
    assert "ix_sessions_expires_at" in {i["name"] for i in inspect(engine).get_indexes("sessions")}

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    assert not set(ACCOUNT_TABLES) & set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert set(ACCOUNT_TABLES) <= set(inspect(engine).get_table_names())


# --- users -----------------------------------------------------------------------------------


def test_password_is_stored_as_an_argon2_hash(accounts: Accounts, engine: Engine) -> None:
    user = accounts.add_user("Alice", PASSWORD, "officer")
    assert user == User(pk=user.pk, username="alice", role="officer", profile_id=None, active=True)
    row = stored_user(engine, "alice")
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    assert PasswordHasher().verify(row.password_hash, PASSWORD)
    assert not PasswordHasher().check_needs_rehash(row.password_hash)
    # the same password twice gives two hashes (a random salt each)
    accounts.add_user("bob", PASSWORD, "analyst")
    assert stored_user(engine, "bob").password_hash != row.password_hash
    assert row.created_at is not None and bool(row.active) is True


def test_get_and_users(accounts: Accounts) -> None:
    assert accounts.users() == []
    assert accounts.get("alice") is None
    carol = accounts.add_user("carol", PASSWORD, "candidate", profile_id="c-000001")
    alice = accounts.add_user("alice", PASSWORD, "officer")
    assert accounts.get("ALICE") == alice
    assert accounts.get("carol") == carol
    assert carol.profile_id == "c-000001" and carol.role == "candidate"
    assert [u.username for u in accounts.users()] == ["alice", "carol"]
    assert ROLES == ("candidate", "officer", "analyst")


@pytest.mark.parametrize(
    ("kwargs", "field", "reason"),
    [
        ({"role": "admin"}, "role", "must be one of candidate, officer, analyst"),
        ({"role": ""}, "role", "must be one of candidate, officer, analyst"),
        ({"username": "al"}, "username", "must be 3 to 64"),
        ({"username": "a" * 65}, "username", "must be 3 to 64"),
        ({"username": "al ice"}, "username", "must be 3 to 64"),
        ({"username": "alice@example.com"}, "username", "must be 3 to 64"),
        ({"username": "élise"}, "username", "must be 3 to 64"),
        ({"password": "123456789"}, "password", "at least 10 characters"),
        ({"password": "x" * 1025}, "password", "at most 1024 characters"),
        ({"role": "officer", "profile_id": "c-1"}, "profile_id", "only a candidate"),
        ({"role": "candidate", "profile_id": ""}, "profile_id", "1 to 200 characters"),
        ({"role": "candidate", "profile_id": "c-\u202e1"}, "profile_id", "beginning with a letter"),
        ({"actor": ""}, "actor", "1 to 100 characters"),
    ],
)
def test_bad_input_names_the_field(
    accounts: Accounts, engine: Engine, kwargs: dict[str, Any], field: str, reason: str
) -> None:
    args: dict[str, Any] = {"username": "alice", "password": PASSWORD, "role": "candidate"}
    args.update(kwargs)
    with pytest.raises(AccountError) as caught:
        accounts.add_user(args.pop("username"), args.pop("password"), args.pop("role"), **args)
    assert caught.value.field == field
    assert reason in caught.value.reason
    assert str(caught.value) == f"{field}: {caught.value.reason}"
    assert accounts.users() == []
    assert raw_events(engine) == []


def test_limits_of_usernames_and_passwords_are_accepted(accounts: Accounts) -> None:
    assert accounts.add_user("a.b", "x" * 10, "analyst").username == "a.b"
    assert accounts.add_user("z" * 64, "y" * 1024, "officer").username == "z" * 64
    assert accounts.add_user("Mixed_Case-1", PASSWORD, "Officer").username == "mixed_case-1"
    assert accounts.get("mixed_case-1").role == "officer"  # type: ignore[union-attr]


def test_duplicates_are_refused(accounts: Accounts) -> None:
    accounts.add_user("alice", PASSWORD, "candidate", profile_id="c-1")
    with pytest.raises(AccountError, match=r"^username: already taken$"):
        accounts.add_user("ALICE", PASSWORD, "officer")
    with pytest.raises(AccountError) as caught:
        accounts.add_user("bob", PASSWORD, "candidate", profile_id="c-1")
    assert caught.value.field == "profile_id"
    assert [u.username for u in accounts.users()] == ["alice"]


def test_link_profile(accounts: Accounts) -> None:
    accounts.add_user("carol", PASSWORD, "candidate")
    accounts.add_user("dave", PASSWORD, "candidate", profile_id="c-2")
    accounts.add_user("olga", PASSWORD, "officer")
    linked = accounts.link_profile("Carol", "c-1")
    assert linked.profile_id == "c-1" and accounts.get("carol") == linked
    assert accounts.link_profile("carol", "c-1").profile_id == "c-1"  # again: no conflict
    with pytest.raises(AccountError, match=r"^profile_id: already linked"):
        accounts.link_profile("carol", "c-2")
    with pytest.raises(AccountError, match=r"^profile_id: only a candidate"):
        accounts.link_profile("olga", "c-3")
    with pytest.raises(AccountError, match=r"^username: no such user"):
        accounts.link_profile("nobody", "c-3")
    assert accounts.link_profile("carol", None).profile_id is None
    assert accounts.link_profile("dave", "c-1").profile_id == "c-1"  # free again


def test_changes_are_audited_without_the_password(accounts: Accounts, engine: Engine) -> None:
    accounts.add_user("carol", PASSWORD, "candidate", actor="officer:olga")
    new_password = "a brand new secret phrase"
    accounts.set_password("carol", new_password, actor="carol")
    accounts.link_profile("carol", "c-7", actor="officer:olga")
    rows = raw_events(engine)
    assert [(r.actor, r.kind, r.subject) for r in rows] == [
        ("officer:olga", "user.add", "user:carol"),
        ("carol", "user.password", "user:carol"),
        ("officer:olga", "user.link", "user:carol"),
    ]
    assert json.loads(rows[0].after) == {
        "username": "carol",
        "role": "candidate",
        "profile_id": None,
        "active": True,
    }
    assert json.loads(rows[2].before) == {"profile_id": None}
    assert json.loads(rows[2].after) == {"profile_id": "c-7"}
    stored_hash = stored_user(engine, "carol").password_hash
    for row in rows:
        for value in (row.before, row.after):
            assert value is None or not any(
                secret in value for secret in (PASSWORD, new_password, stored_hash, "$argon2")
            )


# --- logins and sessions ---------------------------------------------------------------------


def test_login_gives_a_session_that_only_its_token_opens(
    accounts: Accounts, engine: Engine
) -> None:
    alice = accounts.add_user("alice", PASSWORD, "officer")
    session = accounts.login("ALICE", PASSWORD, client="203.0.113.5")
    assert isinstance(session, Session)
    assert session.user == alice
    assert session.expires_at == T0 + dt.timedelta(hours=8)
    assert len(session.token) >= 40 and 20 <= len(session.csrf_token) <= 64
    assert accounts.session(session.token) == session

    with engine.connect() as conn:
        row = conn.execute(select(sessions)).one()
    assert row.token_hash == hashlib.sha256(session.token.encode()).hexdigest()
    assert session.token not in {str(v) for v in row}
    assert row.csrf_token == session.csrf_token

    second = accounts.login("alice", PASSWORD)
    assert second.token != session.token and second.csrf_token != session.csrf_token
    assert accounts.session("not-a-token") is None
    assert accounts.session("") is None
    assert accounts.session(row.token_hash) is None  # the stored hash is not a token
    assert attempts(engine) == [("alice", "203.0.113.5", True), ("alice", "unknown", True)]


def test_wrong_password_and_unknown_user_are_refused_alike(
    accounts: Accounts, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts.add_user("alice", PASSWORD, "officer")

    verified: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            verified.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(accounts_service, "_HASHER", CountingHasher())
    errors = []
    for username, password in [
        ("alice", "wrong password!"),
        ("mallory", PASSWORD),
        ("x", PASSWORD),  # not even a valid username
        ("alice", "p" * 5000),  # longer than any password
    ]:
        with pytest.raises(LoginRefused) as caught:
            accounts.login(username, password)
        errors.append((type(caught.value), str(caught.value), caught.value.field))
    assert len(set(errors)) == 1
    assert errors[0][1] == "login: wrong username or password"
    # one argon2 verification per attempt, known user or not
    assert len(verified) == 4
    assert all(h.startswith("$argon2id$") for h in verified)
    assert attempts(engine) == [
        ("alice", "unknown", False),
        ("mallory", "unknown", False),
        ("x", "unknown", False),
        ("alice", "unknown", False),
    ]
    with engine.connect() as conn:
        assert conn.execute(select(sessions)).all() == []


def test_session_expires(accounts: Accounts, clock: Clock, engine: Engine) -> None:
    accounts.add_user("alice", PASSWORD, "analyst")
    session = accounts.login("alice", PASSWORD)
    clock.advance(hours=8, seconds=-1)
    assert accounts.session(session.token) == session
    # the successful login attempt is kept: it makes the address known (issue 14)
    assert accounts.purge_expired() == 0
    assert accounts.session(session.token) == session
    clock.advance(seconds=1)
    assert accounts.session(session.token) is None
    assert accounts.purge_expired() == 1  # the session
    with engine.connect() as conn:
        assert conn.execute(select(sessions)).all() == []


def test_session_lifetime_is_configurable(engine: Engine, clock: Clock) -> None:
    short = Accounts(engine, clock=clock, session_lifetime=dt.timedelta(minutes=30))
    short.add_user("alice", PASSWORD, "analyst")
    session = short.login("alice", PASSWORD)
    assert session.expires_at == T0 + dt.timedelta(minutes=30)
    clock.advance(minutes=30)
    assert short.session(session.token) is None


def test_logout_ends_only_that_session(accounts: Accounts) -> None:
    accounts.add_user("alice", PASSWORD, "officer")
    first = accounts.login("alice", PASSWORD)
    second = accounts.login("alice", PASSWORD)
    accounts.logout(first.token)
    assert accounts.session(first.token) is None
    assert accounts.session(second.token) == second
    accounts.logout(first.token)  # again: nothing happens
    accounts.logout("unknown-token")
    assert accounts.session(second.token) == second


def test_new_password_ends_sessions(accounts: Accounts) -> None:
    accounts.add_user("alice", PASSWORD, "officer")
    accounts.add_user("bob", PASSWORD, "officer")
    session = accounts.login("alice", PASSWORD)
    other = accounts.login("bob", PASSWORD)
    accounts.set_password("Alice", "the new password")
    assert accounts.session(session.token) is None
    assert accounts.session(other.token) == other
    with pytest.raises(LoginRefused):
        accounts.login("alice", PASSWORD)
    assert accounts.login("alice", "the new password").user.username == "alice"
    with pytest.raises(AccountError, match=r"^password: must be at least"):
        accounts.set_password("alice", "short")
    with pytest.raises(AccountError, match=r"^username: no such user"):
        accounts.set_password("nobody", "the new password")


def test_inactive_user_has_no_session_and_cannot_log_in(accounts: Accounts, engine: Engine) -> None:
    accounts.add_user("alice", PASSWORD, "officer")
    session = accounts.login("alice", PASSWORD)
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.username == "alice").values(active=False))
    assert accounts.session(session.token) is None
    with pytest.raises(LoginRefused, match="wrong username or password"):
        accounts.login("alice", PASSWORD)


def test_weak_hash_is_replaced_at_login(accounts: Accounts, engine: Engine) -> None:
    accounts.add_user("alice", PASSWORD, "officer")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.username == "alice").values(password_hash=weak))
    with pytest.raises(LoginRefused):
        accounts.login("alice", "not the password")
    assert stored_user(engine, "alice").password_hash == weak  # only a right password rehashes
    accounts.login("alice", PASSWORD)
    rehashed = stored_user(engine, "alice").password_hash
    assert rehashed != weak
    assert not PasswordHasher().check_needs_rehash(rehashed)
    assert PasswordHasher().verify(rehashed, PASSWORD)
    accounts.login("alice", PASSWORD)
    assert stored_user(engine, "alice").password_hash == rehashed  # no rehash needed now


# --- the login rate limit --------------------------------------------------------------------


def refuse(accounts: Accounts, username: str, client: str = "unknown") -> None:
    with pytest.raises(LoginRefused):
        accounts.login(username, "not the password", client=client)


def throttled(
    accounts: Accounts, username: str, password: str, client: str = "unknown", locked: bool = False
) -> int:
    with pytest.raises(LoginThrottled) as caught:
        accounts.login(username, password, client=client)
    error = caught.value
    assert isinstance(error, AccountError) and error.field == "login"
    assert isinstance(error.retry_after, int)
    assert error.locked is locked
    if locked:
        assert "locked" in str(error) and "ask an officer to unlock it" in str(error)
    else:
        assert (
            str(error)
            == f"login: too many failed attempts; try again in {error.retry_after} seconds"
        )
    return error.retry_after


def test_failures_of_a_username_and_address_bring_exponential_delays(
    engine: Engine, clock: Clock
) -> None:
    """Three free failures, then 1 s, 2 s, 4 s... after the last one, at most 15 minutes."""
    accounts = Accounts(engine, clock=clock)
    accounts.add_user("alice", PASSWORD, "officer")
    attacker = "198.51.100.1"
    for _ in range(3):
        refuse(accounts, "alice", client=attacker)
    assert throttled(accounts, "alice", "guess", client=attacker) == 1
    waits = []
    for _ in range(12):
        clock.advance(seconds=waits[-1] if waits else 1)
        refuse(accounts, "alice", client=attacker)
        waits.append(throttled(accounts, "alice", "guess", client=attacker))
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]
    # throttled attempts are refused without the password being checked, not counted
    assert throttled(accounts, "alice", PASSWORD, client=attacker) == 900
    # the owner at another address is not slowed down at all
    assert accounts.login("alice", PASSWORD, client="203.0.113.9").user.username == "alice"
    # ... and that success resets the count everywhere (the attacker starts again at three)
    clock.advance(seconds=1)
    for _ in range(3):
        refuse(accounts, "alice", client=attacker)
    assert throttled(accounts, "alice", "guess", client=attacker) == 1


def test_five_wrong_passwords_no_longer_lock_the_owner_out(engine: Engine, clock: Clock) -> None:
    """The issue's attack: five failures every 15 minutes kept `officer` locked, even against
    the right password. Now the owner, at an address they used before, signs in."""
    accounts = Accounts(engine, clock=clock)
    accounts.add_user("officer", PASSWORD, "officer")
    accounts.login("officer", PASSWORD, client="10.0.0.5")  # the owner's usual address
    for round_ in range(4):
        for i in range(5):
            refuse(accounts, "officer", client=f"192.0.2.{round_ * 5 + i}")
        assert accounts.login("officer", PASSWORD, client="10.0.0.5").user.role == "officer"
        clock.advance(minutes=15)


def test_many_failures_lock_the_account_for_unknown_addresses_only(
    engine: Engine, clock: Clock
) -> None:
    accounts = Accounts(engine, clock=clock, max_failures=4, window=dt.timedelta(minutes=10))
    accounts.add_user("alice", PASSWORD, "officer")
    accounts.login("alice", PASSWORD, client="10.0.0.5")
    clock.advance(minutes=1)
    for i in range(4):  # a distributed guesser: one failure from each address
        refuse(accounts, "alice", client=f"192.0.2.{i}")
        clock.advance(seconds=30)
    # T0+3min: locked for every address alice never signed in from, until the oldest of the
    # four failures (T0+1min) leaves the window (T0+11min)
    assert throttled(accounts, "alice", PASSWORD, client="192.0.2.99", locked=True) == 8 * 60
    # the owner at her own address signs in, and that lifts the lock
    assert accounts.login("alice", PASSWORD, client="10.0.0.5").user.username == "alice"
    assert accounts.login("alice", PASSWORD, client="192.0.2.99").user.username == "alice"


def test_an_officer_lifts_the_lock(engine: Engine, clock: Clock) -> None:
    accounts = Accounts(engine, clock=clock, max_failures=3)
    accounts.add_user("bob", PASSWORD, "candidate")  # has never signed in: no known address
    for i in range(3):
        refuse(accounts, "bob", client=f"192.0.2.{i}")
    assert throttled(accounts, "bob", PASSWORD, client="198.51.100.7", locked=True) > 0
    assert accounts.unlock("bob", actor="officer") == 3
    assert accounts.login("bob", PASSWORD, client="198.51.100.7").user.username == "bob"
    unlocks = [r for r in raw_events(engine) if r.kind == "user.unlock"]
    assert [(r.actor, r.subject) for r in unlocks] == [("officer", "user:bob")]
    with pytest.raises(AccountError, match="no such user"):
        accounts.unlock("nobody")


def test_a_new_password_lifts_the_lock(engine: Engine, clock: Clock) -> None:
    accounts = Accounts(engine, clock=clock, max_failures=3)
    accounts.add_user("bob", PASSWORD, "candidate")
    for i in range(3):
        refuse(accounts, "bob", client=f"192.0.2.{i}")
    throttled(accounts, "bob", PASSWORD, client="198.51.100.7", locked=True)
    accounts.set_password("bob", PASSWORD + "-2")
    assert accounts.login("bob", PASSWORD + "-2", client="198.51.100.7").user.username == "bob"


def test_too_many_failures_from_an_address_spare_its_known_users(
    engine: Engine, clock: Clock
) -> None:
    """One address trying many accounts is held back; the users who signed in from it before
    (everyone behind one proxy) are not."""
    accounts = Accounts(
        engine, clock=clock, max_failures=10, client_max_failures=3, window=dt.timedelta(minutes=5)
    )
    accounts.add_user("alice", PASSWORD, "officer")
    accounts.add_user("carol", PASSWORD, "analyst")
    proxy = "192.0.2.66"
    accounts.login("carol", PASSWORD, client=proxy)
    for name in ("root", "admin", "alice"):  # one failure each: below the username limit
        refuse(accounts, name, client=proxy)
        clock.advance(seconds=30)
    assert throttled(accounts, "alice", PASSWORD, client=proxy) == 5 * 60 - 90
    assert throttled(accounts, "nobody", PASSWORD, client=proxy) == 5 * 60 - 90
    assert accounts.login("carol", PASSWORD, client=proxy).user.username == "carol"
    # the same user from another client logs in
    assert accounts.login("alice", PASSWORD, client="192.0.2.7").user.username == "alice"
    clock.now = T0 + dt.timedelta(minutes=5)  # the first failure leaves the window
    assert accounts.login("alice", PASSWORD, client=proxy).user.username == "alice"


def test_purge_keeps_what_the_throttle_reads(engine: Engine, clock: Clock) -> None:
    accounts = Accounts(engine, clock=clock, window=dt.timedelta(minutes=15))
    accounts.add_user("alice", PASSWORD, "officer")
    accounts.login("alice", PASSWORD, client="10.0.0.5")
    for _ in range(3):
        refuse(accounts, "mallory")
    throttled(accounts, "mallory", PASSWORD)
    assert len(attempts(engine)) == 5
    clock.advance(hours=1)
    assert accounts.purge_expired() == 0  # the failures count for a day, for the delays
    clock.advance(hours=24)
    assert accounts.purge_expired() == 4 + 1  # and alice's expired session
    assert attempts(engine) == [("alice", "10.0.0.5", True)]  # a known address, kept 90 days
    refuse(accounts, "mallory")  # one failure: not throttled


# --- secrets ---------------------------------------------------------------------------------


def test_secret_is_made_once_and_kept(engine: Engine, db_url: str) -> None:
    first = Accounts(engine).secret("session-key")
    assert len(first) >= 40
    other_engine = connect(db_url)
    try:
        assert Accounts(other_engine).secret("session-key") == first
    finally:
        other_engine.dispose()
    second = Accounts(engine).secret("csrf-key")
    assert second != first
    with engine.connect() as conn:
        stored = dict(conn.execute(select(settings.c.key, settings.c.value)).all())
    assert stored == {"session-key": first, "csrf-key": second}
    with pytest.raises(AccountError, match=r"^name:"):
        Accounts(engine).secret("")


def test_secret_made_at_once_by_many_is_one(engine: Engine) -> None:
    barrier = threading.Barrier(4)
    values: list[str] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait()
            values.append(Accounts(engine).secret("race"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(values) == 4 and len(set(values)) == 1
