"""Issue 14 over HTTP: strict request bodies, round times in a window (no 500 at the calendar's
end), cancelling a round (API and the officer's page, in both languages), Allow headers,
GET /api/rounds/preview, and the documented 200 of a round already run."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from expressentry.api import create_app
from site_fixture import Site, build_site


@pytest.fixture
def site(tmp_path) -> Site:
    return build_site(f"sqlite:///{tmp_path / 'site.db'}", size=150)


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    app = create_app(site.url)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.services.engine.dispose()


def bearer(client: TestClient, site: Site, username: str) -> dict[str, str]:
    answer = client.post(
        "/api/login", json={"username": username, "password": site.passwords[username]}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def fields(answer: Any) -> dict[str, str]:
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.text
    return {e["field"]: e["reason"] for e in answer.json()["errors"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"round_type": "general", "size": 5, "minimum_crs": False}, "minimum_crs"),
        ({"round_type": "general", "size": True}, "size"),
        ({"round_type": "general", "size": "5"}, "size"),
        ({"round_type": "general", "size": 5.0}, "size"),
        ({"round_type": "general", "size": 5, "round_id": "7"}, "round_id"),
        ({"round_type": "general", "size": 5, "at": 1700000000}, "at"),
    ],
)
def test_round_bodies_are_strict(client, site, body, field) -> None:
    officer = bearer(client, site, "officer")
    for path in ("/api/rounds/preview", "/api/rounds"):
        answer = client.post(path, json=body, headers=officer)
        assert answer.status_code == 422, answer.text
        assert field in fields(answer)
    assert client.get("/api/rounds", headers=officer).json()["rounds"][-1]["round_id"] == (
        site.round_id
    )


def test_a_decision_body_is_strict(client, site) -> None:
    officer = bearer(client, site, "officer")
    answer = client.post("/api/applications/1/decision", json={"admissible": 1}, headers=officer)
    assert answer.status_code == 422 and "admissible" in fields(answer)


@pytest.mark.parametrize(
    "at", ["9999-12-31T23:59:59-12:00", "2062-12-04T00:00:00Z", "0001-01-01T00:00:00+12:00"]
)
def test_round_times_outside_the_window_are_refused_not_500(client, site, at) -> None:
    officer = bearer(client, site, "officer")
    for path in ("/api/rounds/preview", "/api/rounds"):
        answer = client.post(
            path, json={"round_type": "general", "size": 1, "at": at}, headers=officer
        )
        assert answer.status_code == 422, answer.text
        reason = fields(answer)["at"]
        assert "too far ahead" in reason or "before Express Entry" in reason
    # the form of the officer's page says the same
    page = _page_client(client, site)
    html = page.post(
        "/officer/rounds",
        data={
            "csrf_token": _csrf(page.get("/officer/rounds").text),
            "round_type": "general",
            "size": "1",
            "at": at[:19],
            "action": "run",
        },
    )
    assert html.status_code == 422
    assert "too far ahead" in html.text or "before Express Entry" in html.text


def test_an_officer_cancels_a_round_over_the_api(client, site) -> None:
    officer = bearer(client, site, "officer")
    ran = client.post("/api/rounds", json={"round_type": "general", "size": 3}, headers=officer)
    assert ran.status_code == 201
    round_id = ran.json()["round_id"]
    # the analyst may not; an older round cannot be; a reason is needed
    analyst = bearer(client, site, "analyst")
    assert (
        client.post(
            f"/api/rounds/{round_id}/cancel", json={"reason": "x"}, headers=analyst
        ).status_code
        == 403
    )
    older = client.post(
        f"/api/rounds/{site.round_id}/cancel", json={"reason": "x"}, headers=officer
    )
    assert older.status_code == 409 and "not the latest round" in fields(older)["round_id"]
    empty = client.post(f"/api/rounds/{round_id}/cancel", json={"reason": ""}, headers=officer)
    assert empty.status_code == 422 and "reason" in fields(empty)
    done = client.post(
        f"/api/rounds/{round_id}/cancel", json={"reason": "size 3 was a typo"}, headers=officer
    )
    assert done.status_code == 200, done.text
    assert done.json()["invitations_removed"] == 3
    assert client.get(f"/api/rounds/{round_id}", headers=officer).status_code == 404
    again = client.post(f"/api/rounds/{round_id}/cancel", json={"reason": "x"}, headers=officer)
    assert again.status_code == 404
    events = client.get(f"/api/audit?subject=round:{round_id}", headers=officer).json()["events"]
    assert events[0]["kind"] == "round.cancelled" and events[0]["actor"] == "officer"
    assert events[0]["after"]["reason"] == "size 3 was a typo"


def test_the_200_of_a_round_already_run_is_documented(client, site) -> None:
    officer = bearer(client, site, "officer")
    body = {"round_type": "general", "size": 2, "round_id": 50}
    assert client.post("/api/rounds", json=body, headers=officer).status_code == 201
    again = client.post("/api/rounds", json=body, headers=officer)  # no "at": a retry
    assert again.status_code == 200 and again.json()["already_run"] is True
    responses = client.get("/openapi.json").json()["paths"]["/api/rounds"]["post"]["responses"]
    assert "already run" in responses["200"]["description"]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/me/profile", {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"}),
        ("/api/rounds", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("/api/rounds/preview", {"POST", "OPTIONS"}),
        ("/api/score", {"POST", "OPTIONS"}),
    ],
)
def test_options_and_405_name_every_allowed_method(client, path, allowed) -> None:
    options = client.options(path)
    assert options.status_code == 204
    assert set(options.headers["allow"].split(", ")) == allowed
    wrong = client.patch(path)
    assert wrong.status_code == 405
    assert set(wrong.headers["allow"].split(", ")) == allowed


def test_get_of_the_preview_is_405_not_422(client, site) -> None:
    officer = bearer(client, site, "officer")
    answer = client.get("/api/rounds/preview", headers=officer)
    assert answer.status_code == 405
    assert answer.headers["allow"] == "OPTIONS, POST"


# --- the officer's page -------------------------------------------------------------------


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _page_client(client: TestClient, site: Site) -> TestClient:
    token = _csrf(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"csrf_token": token, "username": "officer", "password": site.passwords["officer"]},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    return client


@pytest.mark.parametrize(
    ("lang", "done"),
    [("en", "was cancelled: 10 invitations removed"), ("fr", "a été annulée : 10 invitations")],
)
def test_an_officer_cancels_a_round_on_its_page(client, site, lang, done) -> None:
    page = _page_client(client, site)
    shown = page.get(f"/officer/rounds/{site.round_id}?lang={lang}")
    assert shown.status_code == 200 and 'id="cancel-round"' in shown.text
    refused = page.post(
        f"/officer/rounds/{site.round_id}/cancel",
        data={"csrf_token": _csrf(shown.text), "reason": " "},
    )
    assert refused.status_code == 409 and "say why the round is cancelled" in refused.text
    answer = page.post(
        f"/officer/rounds/{site.round_id}/cancel",
        data={"csrf_token": _csrf(shown.text), "reason": "held by mistake"},
    )
    assert answer.status_code == 200, answer.text
    assert done in answer.text
    assert page.get(f"/officer/rounds/{site.round_id}").status_code == 404


def test_an_officer_unlocks_an_account_over_the_api(client, site) -> None:
    for _ in range(3):
        client.post("/api/login", json={"username": "analyst", "password": "x" * 12})
    throttled = client.post(
        "/api/login", json={"username": "analyst", "password": site.passwords["analyst"]}
    )
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    officer = bearer(client, site, "officer")
    answer = client.post("/api/users/analyst/unlock", headers=officer)
    assert answer.status_code == 200 and answer.json()["failures_lifted"] == 3
    assert bearer(client, site, "analyst")
    assert client.post("/api/users/nobody/unlock", headers=officer).status_code == 404
    events = client.get("/api/audit?subject=user:analyst", headers=officer).json()["events"]
    assert events[0]["kind"] == "user.unlock" and events[0]["actor"] == "officer"
