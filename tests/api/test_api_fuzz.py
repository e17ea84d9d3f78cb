"""Issue 14: a bounded fuzz test. Every field of the profile format (at every depth) gets
hostile values (far dates and times, infinities and NaN, huge and negative numbers, text with
control and bidirectional characters, wrong types); every scoring operation and the Python
layer answer 200 or a problem naming a field, never a 5xx and never a traceback. Then every
operation of the API, logged in with each role, on a real database (schemathesis)."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from expressentry.api import create_app

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "profile.json").read_text(encoding="utf-8")
)
EXAMPLE["certificate_of_qualification"] = {"noc": "72310", "issued_by": "ON"}
EXAMPLE["job_offer"] = {"noc": "21231", "lmia": True, "full_time": True, "duration_months": 12}
EXAMPLE["provincial_nomination"] = {"province": "ON", "nominated_on": "2025-01-10"}


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place of the document a value sits (leaves, and the containers themselves)."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


PATHS = _paths(EXAMPLE)
FIELDS = sorted({p[-1] for p in PATHS if isinstance(p[-1], str)})

BIG = "<big number>"
HOSTILE_TEXT = [
    "9999-12-31", "0001-01-01", "2100-12-31", "1900-01-01", "2014-06-01", "2062-12-04",
    "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z",
    "c-\u202e0123", "a\x00b", "\u200f\u202a", "１２３４５", "NaN", "1e400", "", " ", "21231 ",
    "x" * 5000,
]  # fmt: skip
hostile = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([BIG, "-" + BIG]),  # numbers of 4,401 digits (written in by hand)
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=20),
    st.dates().map(dt.date.isoformat),
    st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.isoformat()),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(FIELDS), st.integers(), max_size=2),
)


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


@st.composite
def hostile_profiles(draw: Any) -> str:
    doc = copy.deepcopy(EXAMPLE)
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3, unique=True)):
        with contextlib.suppress(KeyError, IndexError, TypeError):  # a container replaced
            _set(doc, path, draw(hostile))
    # Python's json writes NaN and Infinity as such; it cannot write 4,401 digits
    return json.dumps(doc, allow_nan=True).replace(f'"{BIG}"', "1" + "0" * 4400)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(), raise_server_exceptions=False)


def _answer_is_sound(answer: Any, what: str) -> None:
    assert answer.status_code < 500, (what, answer.status_code, answer.text[:500])
    assert "Traceback" not in answer.text
    if answer.status_code >= 400:
        assert answer.headers["content-type"].startswith("application/problem+json"), what
        body = answer.json()
        assert body["errors"] and all(e["field"] for e in body["errors"]), body


def test_every_profile_field_with_hostile_values_is_answered_or_refused(client) -> None:
    from expressentry.eligibility.assess import assess
    from expressentry.profile.model import ProfileError, parse_profile
    from expressentry.scoring.crs import score
    from expressentry.scoring.whatif import improve

    assert len(PATHS) > 60  # the example holds every field of the format

    @given(text=hostile_profiles(), change=st.sampled_from(["canadian_work=2", "age=30"]))
    @settings(
        max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(text: str, change: str) -> None:
        headers = {"content-type": "application/json"}
        for path in ("/api/score", "/api/eligibility", "/api/improve"):
            _answer_is_sound(client.post(path, content=text, headers=headers), text[:300])
        what_if = '{"profile": ' + text + ', "changes": ["' + change + '"]}'
        _answer_is_sound(client.post("/api/what-if", content=what_if, headers=headers), text)
        try:
            profile = parse_profile(text)
        except ProfileError as exc:
            assert exc.problems and all(path for path, _ in exc.problems)
            return
        on = dt.date.today()
        score(profile, on)
        assess(profile, on)
        improve(profile, on)

    check()


# --- every operation, logged in with each role ----------------------------------------------


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str]]:
    from site_fixture import build_site

    site = build_site(f"sqlite:///{tmp_path_factory.mktemp('fuzz14') / 'site.db'}", size=120)
    app = create_app(site.url, web=False)
    tokens = {}
    with TestClient(app) as c:
        for role in ("officer", "analyst", "candidate"):
            answer = c.post("/api/login", json={"username": role, "password": site.passwords[role]})
            tokens[role] = answer.json()["token"]
    return app, tokens


def test_every_operation_with_every_role_gives_no_server_error(signed_in) -> None:
    import schemathesis
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        status_code_conformance,
    )

    app, tokens = signed_in
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance]
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [o for o in operations if o.path != "/api/logout"]  # it would end the tokens
    assert len(operations) >= 25
    checked = 0
    for token in tokens.values():
        for operation in operations:
            _fuzz(operation, {"Authorization": f"Bearer {token}"}, checks)
            checked += 1
    assert checked == 3 * len(operations)


def _fuzz(operation: Any, headers: dict[str, str], checks: list[Any]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=checks)
        # a report may be a PDF or a ZIP of CSV files: look for a traceback in the bytes
        assert b"Traceback" not in response.content

    check()
