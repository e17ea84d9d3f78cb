"""Shared fixtures: the pool database (SQLite and PostgreSQL), profiles and synthetic pools.

``db_url`` runs a test once on a SQLite file and once on a fresh PostgreSQL database. The
PostgreSQL server is the one at ``EXPRESSENTRY_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``); each test gets its own database, created
with a unique name and dropped afterwards. Without a reachable server the PostgreSQL tests are
skipped, unless ``EXPRESSENTRY_REQUIRE_POSTGRES=1`` (``.ci/run``), when they fail.
"""

from __future__ import annotations

import atexit
import copy
import datetime as dt
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

# The tests never touch the data folder of the person running them: the default database
# (``EXPRESSENTRY_DATABASE_URL`` unset) and every default path go to a folder of this run.
os.environ.pop("EXPRESSENTRY_DATABASE_URL", None)
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="expressentry-tests-")
atexit.register(shutil.rmtree, os.environ["XDG_DATA_HOME"], True)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "profile.json"

POSTGRES_ENV = "EXPRESSENTRY_TEST_POSTGRES_URL"
REQUIRE_ENV = "EXPRESSENTRY_REQUIRE_POSTGRES"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"

#: every table of the pool's schema (for row counts)
TABLES = (
    "profiles",
    "profile_states",
    "category_bits",
    "rounds",
    "itas",
    "applications",
    "events",
)


# --- PostgreSQL ------------------------------------------------------------------------------


def postgres_admin_url() -> str:
    return os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES


def _libpq(url: str) -> str:
    """A URL psycopg accepts (no SQLAlchemy driver suffix)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


@cache
def _postgres_problem() -> str | None:
    """Why the PostgreSQL server cannot be used (None when it can); checked once a process."""
    import psycopg

    try:
        with psycopg.connect(_libpq(postgres_admin_url()), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip()}"
    return None


def require_postgres() -> str:
    """The admin URL of a usable server, or skip (fail under EXPRESSENTRY_REQUIRE_POSTGRES=1)."""
    problem = _postgres_problem()
    if problem is None:
        return postgres_admin_url()
    message = (
        f"PostgreSQL is not reachable at {postgres_admin_url()} ({problem}). To run the "
        f"PostgreSQL tests, start a server at 127.0.0.1:5432 (user postgres, trust auth) or set "
        f"{POSTGRES_ENV} to a server's URL (a role that may CREATE DATABASE)."
    )
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message} {REQUIRE_ENV}=1 makes these tests mandatory.", pytrace=False)
    pytest.skip(message)


def _create_database(admin: str, name: str, template: str | None = None) -> str:
    """Create a database (a copy of ``template``, or empty); its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(_libpq(admin), autocommit=True) as conn:
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{suffix}')
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def _drop_database(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(admin), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


class PostgresDatabases:
    """Fresh databases for the tests of one process, copied from a template that has the
    pool's schema (faster than migrating each one). A background thread creates the next
    database while a test runs, and drops used ones (``WITH (FORCE)``) behind it."""

    def __init__(self, admin: str) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from expressentry.pool.db import connect

        self.admin = admin
        self.template = _unique("ee_test_template")
        connect(_create_database(admin, self.template)).dispose()  # a template must be idle
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ee-test-db")
        self._next = self._executor.submit(self._create)

    def _create(self) -> str:
        name = _unique("ee_test")
        _create_database(self.admin, name, template=self.template)
        return name

    def take(self) -> str:
        """A fresh database's URL."""
        from sqlalchemy.engine import make_url

        name = self._next.result()
        self._next = self._executor.submit(self._create)
        return make_url(self.admin).set(database=name).render_as_string(hide_password=False)

    def release(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self._executor.submit(_drop_database, self.admin, make_url(url).database)

    def close(self) -> None:
        try:
            spare = self._next.result()
            self._executor.submit(_drop_database, self.admin, spare)
        finally:
            self._executor.shutdown(wait=True)
            _drop_database(self.admin, self.template)


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(require_postgres())
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture
def postgres_database(postgres_databases: PostgresDatabases) -> Iterator[str]:
    """A fresh PostgreSQL database with the pool's schema (its URL), dropped after the test."""
    url = postgres_databases.take()
    try:
        yield url
    finally:
        postgres_databases.release(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the pool's schema, copied for each test."""
    from expressentry.pool.db import connect

    path = tmp_path_factory.mktemp("template") / "pool.db"
    connect(f"sqlite:///{path}").dispose()
    return path


# --- the database under test -----------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty pool database (schema migrated): a SQLite file, or a fresh
    PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "pool.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def engine(db_url: str) -> Iterator[Any]:
    from expressentry.pool.db import connect

    eng = connect(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def pool(engine: Any) -> Any:
    from expressentry.pool.service import Pool

    return Pool(engine)


def row_counts(engine: Any) -> dict[str, int]:
    """Rows in every table of the pool (to prove that something wrote nothing)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return {t: conn.scalar(text(f'SELECT COUNT(*) FROM "{t}"')) for t in TABLES}


@pytest.fixture
def counts() -> Callable[[Any], dict[str, int]]:
    return row_counts


# --- profiles --------------------------------------------------------------------------------


SUBMITTED = "2026-06-01T09:00:00Z"


def profile_doc(profile_id: str, submitted_at: str = SUBMITTED, **overrides: Any) -> dict[str, Any]:
    """The example profile (examples/profile.json: meets FSW and CEC, and French-language
    proficiency) with its id, submission time and top-level fields replaced. A value of
    ``...`` removes the field."""
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["profile_id"] = profile_id
    doc["submitted_at"] = submitted_at
    for key, value in overrides.items():
        if value is ...:
            doc.pop(key, None)
        else:
            doc[key] = copy.deepcopy(value)
    return doc


def celpip(level: int, taken_on: str = "2025-01-10") -> dict[str, Any]:
    """A CELPIP-General result at one CLB level in every ability."""
    return {
        "test": "celpip_general",
        "taken_on": taken_on,
        "listening": level,
        "reading": level,
        "writing": level,
        "speaking": level,
    }


class Profiles:
    """Builders of profiles for the pool tests (a fixture, so every test folder can use it)."""

    example = staticmethod(profile_doc)
    celpip = staticmethod(celpip)

    @staticmethod
    def parse(doc: dict[str, Any]) -> Any:
        from expressentry.profile.model import parse_profile

        return parse_profile(doc)

    @staticmethod
    def with_english(
        profile_id: str, level: int, submitted_at: str = SUBMITTED, **overrides: Any
    ) -> dict[str, Any]:
        """The example with one English test at a CLB level (a way to set the CRS)."""
        overrides.setdefault("language_tests", [celpip(level)])
        return profile_doc(profile_id, submitted_at, **overrides)

    # the builders below take the submission time as their second argument, like ``example``

    @staticmethod
    def fsw_only(
        profile_id: str, submitted_at: str = SUBMITTED, **overrides: Any
    ) -> dict[str, Any]:
        """Meets FSW but not CEC: all work abroad."""
        work = [
            {
                "noc": "21231",
                "country": "IN",
                "start": "2017-07-01",
                "end": "2025-12-31",
                "hours_per_week": 40,
            }
        ]
        overrides.setdefault("work_history", work)
        return profile_doc(profile_id, submitted_at, **overrides)

    @staticmethod
    def cec_only(
        profile_id: str, submitted_at: str = SUBMITTED, **overrides: Any
    ) -> dict[str, Any]:
        """Meets CEC but not FSW: Canadian work only, and too little money for FSW's funds."""
        work = [
            {
                "noc": "21231",
                "country": "CA",
                "start": "2023-05-15",
                "end": None,
                "hours_per_week": 40,
            }
        ]
        overrides.setdefault("work_history", work)
        overrides.setdefault("settlement_funds_cad", 100)
        overrides.setdefault("authorized_to_work_in_canada", True)
        return profile_doc(profile_id, submitted_at, **overrides)

    @staticmethod
    def fst_only(
        profile_id: str, submitted_at: str = SUBMITTED, **overrides: Any
    ) -> dict[str, Any]:
        """Meets FST only: an electrician abroad with a certificate of qualification and CLB 5."""
        work = [
            {
                "noc": "72200",
                "country": "IN",
                "start": "2019-01-01",
                "end": None,
                "hours_per_week": 40,
            }
        ]
        overrides.setdefault("work_history", work)
        overrides.setdefault("language_tests", [celpip(5)])
        overrides.setdefault("certificate_of_qualification", {"noc": "72200", "issued_by": "ON"})
        return profile_doc(profile_id, submitted_at, **overrides)

    @staticmethod
    def nominated(
        profile_id: str, submitted_at: str = SUBMITTED, **overrides: Any
    ) -> dict[str, Any]:
        """The example with a provincial nomination (600 points)."""
        overrides.setdefault(
            "provincial_nomination", {"province": "ON", "nominated_on": "2026-05-01"}
        )
        return profile_doc(profile_id, submitted_at, **overrides)

    @staticmethod
    def ineligible(
        profile_id: str, submitted_at: str = SUBMITTED, **overrides: Any
    ) -> dict[str, Any]:
        """Meets no program: CLB 4 and little work."""
        overrides.setdefault("language_tests", [celpip(4)])
        overrides.setdefault(
            "work_history",
            [
                {
                    "noc": "21231",
                    "country": "IN",
                    "start": "2025-01-01",
                    "end": "2025-05-01",
                    "hours_per_week": 40,
                }
            ],
        )
        return profile_doc(profile_id, submitted_at, **overrides)


@pytest.fixture
def profiles() -> type[Profiles]:
    return Profiles


def synth_lines(count: int, as_of: dt.date = dt.date(2026, 11, 1), seed: int = 7) -> list[str]:
    from expressentry.simulation import synth

    return list(synth.jsonl(count, as_of, seed))


@pytest.fixture
def synth_pool() -> Callable[..., Any]:
    """``synth_pool(pool, count, as_of=date, seed=n)``: import synthetic profiles (drawn and
    scored as of ``as_of``, in this process); the import report."""

    def fill(
        pool: Any, count: int, as_of: dt.date = dt.date(2026, 11, 1), seed: int = 7, **kw: Any
    ) -> Any:
        kw.setdefault("workers", 1)
        return pool.import_lines(synth_lines(count, as_of, seed), as_of=as_of, **kw)

    return fill


def read_events(
    engine: Any, subject: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Audit events (oldest first), with before/after decoded."""
    from sqlalchemy import select

    from expressentry.pool.schema import events

    query = select(events).order_by(events.c.pk)
    if subject is not None:
        query = query.where(events.c.subject == subject)
    if kind is not None:
        query = query.where(events.c.kind == kind)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        {
            "kind": r.kind,
            "actor": r.actor,
            "subject": r.subject,
            "at": r.at,
            "recorded_at": r.recorded_at,
            "before": None if r.before is None else json.loads(r.before),
            "after": None if r.after is None else json.loads(r.after),
        }
        for r in rows
    ]


@pytest.fixture
def audit() -> Callable[..., list[dict[str, Any]]]:
    """``audit(engine, subject=None, kind=None)``: the audit events, oldest first."""
    return read_events
