"""Schemathesis against the app's own OpenAPI document, in process: no 5xx, answers conform."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from expressentry.api import create_app

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,  # the profile model is strict: what its schema refuses, it refuses
]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_document(case):
    case.call_and_validate(checks=CHECKS)


# --- the same, logged in: candidates', officers' and analysts' operations on a real database ---


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str]]:
    from site_fixture import build_site

    site = build_site(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'site.db'}", size=120)
    app = create_app(site.url, web=False)
    return app, site.passwords


@pytest.fixture(scope="module")
def tokens(signed_in: tuple[Any, dict[str, str]]) -> dict[str, str]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    app, passwords = signed_in
    client = TestClient(app)
    out = {}
    for role in ("officer", "analyst", "candidate"):
        answer = client.post("/api/login", json={"username": role, "password": passwords[role]})
        out[role] = answer.json()["token"]
    return out


def fuzz(operation: Any, headers: dict[str, str]) -> None:
    from hypothesis import given

    @given(case=operation.as_strategy())
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_signed_in_operations_conform(signed_in, tokens) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", signed_in[0])
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        tags = set(operation.definition.raw.get("tags", ()))
        if not tags & {"candidate", "officer", "analyst", "accounts"}:
            continue  # the public operations are fuzzed above
        if operation.path == "/api/logout":
            continue  # it would end the token the other cases use
        role = "candidate" if "candidate" in tags else "analyst" if "analyst" in tags else "officer"
        fuzz(operation, {"Authorization": f"Bearer {tokens[role]}"})
        checked += 1
    assert checked >= 15
