"""The site the page tests use: built once per test process on a SQLite file."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from expressentry.api import create_app
from site_fixture import Site, build_site


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    path: Path = tmp_path_factory.mktemp("site") / "site.db"
    return build_site(f"sqlite:///{path}")


@pytest.fixture(scope="session")
def site_app(site: Site) -> Any:
    return create_app(site.url)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def log_in(client: TestClient, username: str, password: str) -> Any:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password},
        follow_redirects=False,
    )


@pytest.fixture
def browser_client(site_app: Any) -> Iterator[TestClient]:
    with TestClient(site_app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def as_user(site: Site, site_app: Any) -> Any:
    """``as_user("officer")``: a client logged in through the login page."""
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        client = TestClient(site_app, raise_server_exceptions=False)
        clients.append(client)
        answer = log_in(client, username, site.passwords[username])
        assert answer.status_code == 303, answer.text
        return client

    yield make
    for client in clients:
        client.close()
