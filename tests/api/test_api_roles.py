"""Who may do what, over HTTP, on SQLite and PostgreSQL: log in, candidates' own profiles,
officers' rounds and decisions (with the actor in the audit log), analysts' reports."""

from __future__ import annotations

import json
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
def site(db_url: str) -> Site:
    return build_site(db_url, size=150)


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    app = create_app(site.url, web=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.services.engine.dispose()


def token(client: TestClient, site: Site, username: str) -> dict[str, str]:
    answer = client.post(
        "/api/login", json={"username": username, "password": site.passwords[username]}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["role"] and body["token_type"] == "bearer"
    return {"Authorization": f"Bearer {body['token']}"}


def problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return answer.json()


def test_login_refuses_a_wrong_password_and_then_throttles(client, site) -> None:
    import time

    # three free failures per username and address, then delays that double (issue 14): five
    # failures counted (waiting out each delay) leave a delay of 4 s after the last one
    counted = 0
    while counted < 5:
        answer = client.post("/api/login", json={"username": "officer", "password": "x" * 12})
        if answer.status_code == 429:
            time.sleep(int(answer.headers["Retry-After"]))
            continue
        assert problem(answer, 401)["title"] == "Login refused"
        counted += 1
    answer = client.post(
        "/api/login", json={"username": "officer", "password": site.passwords["officer"]}
    )
    body = problem(answer, 429)
    assert int(answer.headers["Retry-After"]) > 0
    assert body["errors"][0]["field"] == "login"


def test_bad_login_bodies_are_problems_naming_the_field(client) -> None:
    assert problem(client.post("/api/login", content=b"{"), 400)["errors"][0]["field"] == "(body)"
    fields = {
        e["field"] for e in problem(client.post("/api/login", json={"user": "a"}), 422)["errors"]
    }
    assert fields == {"user", "username", "password"}
    long = problem(client.post("/api/login", json={"username": "a" * 65, "password": "p"}), 422)
    assert long["errors"][0]["field"] == "username"


def test_a_token_is_needed_and_must_be_valid(client) -> None:
    answer = client.get("/api/pool/stats")
    problem(answer, 401)
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    problem(client.get("/api/pool/stats", headers={"Authorization": "Bearer nope"}), 401)


def test_roles_are_enforced(client, site) -> None:
    candidate = token(client, site, "candidate")
    analyst = token(client, site, "analyst")
    for path in ("/api/pool/stats", "/api/itas", "/api/applications", "/api/audit"):
        assert problem(client.get(path, headers=candidate), 403)["title"] == "Forbidden"
        problem(client.get(path, headers=analyst), 403)
    run = {"round_type": "general", "size": 1}
    problem(client.post("/api/rounds", json=run, headers=candidate), 403)
    problem(client.post("/api/rounds", json=run, headers=analyst), 403)
    assert client.get("/api/reports/rounds?year=2024", headers=analyst).status_code == 200
    problem(client.get("/api/reports/rounds", headers=candidate), 403)


def test_a_candidate_sees_only_their_own_profile(client, site) -> None:
    mine, other = site.invited[0], site.invited[1]
    candidate = token(client, site, "candidate")
    me = client.get("/api/me/profile", headers=candidate)
    assert me.status_code == 200
    body = me.json()
    assert body["profile_id"] == mine and body["status"] == "invited"
    assert body["invitations"][0]["status"] == "outstanding"
    assert client.get(f"/api/profiles/{mine}", headers=candidate).status_code == 200
    # another's profile and a profile that does not exist answer the same
    assert problem(client.get(f"/api/profiles/{other}", headers=candidate), 404) == problem(
        client.get("/api/profiles/nobody", headers=candidate), 404
    ) | {
        "detail": f"no profile {other!r}",
        "errors": [{"field": "profile_id", "reason": f"no profile {other!r}"}],
    }
    officer = token(client, site, "officer")
    assert client.get(f"/api/profiles/{other}", headers=officer).json()["profile_id"] == other


def test_a_new_candidate_creates_updates_and_withdraws_a_profile(client, site, example) -> None:
    newcomer = token(client, site, "newcomer")
    problem(client.get("/api/me/profile", headers=newcomer), 404)
    example.pop("profile_id")
    created = client.post("/api/me/profile", json=example, headers=newcomer)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["profile_id"] == "cand-newcomer" and body["status"] == "in_pool"
    assert body["standing"]["rank"] >= 1 and body["standing"]["in_pool"] >= body["standing"]["rank"]
    again = client.post("/api/me/profile", json=example, headers=newcomer)
    problem(again, 409)
    # someone else's id cannot be taken
    taken = problem(
        client.put(
            "/api/me/profile", json={**example, "profile_id": site.invited[1]}, headers=newcomer
        ),
        422,
    )
    assert taken["errors"][0]["field"] == "profile_id"
    example["sibling_in_canada"] = True
    updated = client.put("/api/me/profile", json=example, headers=newcomer)
    assert updated.status_code == 200
    assert updated.json()["crs"] >= body["crs"]
    assert updated.json()["version"] == body["version"] + 1
    assert client.delete("/api/me/profile", headers=newcomer).status_code == 204
    assert client.get("/api/me/profile", headers=newcomer).json()["status"] == "withdrawn"
    problem(client.put("/api/me/profile", json=example, headers=newcomer), 409)


def test_a_profile_that_meets_no_program_is_refused(client, site) -> None:
    newcomer = token(client, site, "newcomer")
    body = problem(
        client.post("/api/me/profile", json={"date_of_birth": "1990-01-01"}, headers=newcomer), 422
    )
    assert body["title"] == "Not eligible for Express Entry" and body["errors"]
    problem(client.get("/api/me/profile", headers=newcomer), 404)


def test_officer_runs_a_round_and_the_audit_log_names_them(client, site) -> None:
    officer = token(client, site, "officer")
    stats = client.get("/api/pool/stats", headers=officer).json()
    preview = client.post(
        "/api/rounds/preview", json={"round_type": "general", "size": 4}, headers=officer
    )
    assert preview.status_code == 200 and preview.json()["preview"] is True
    assert [i["rank"] for i in preview.json()["invited"]] == [1, 2, 3, 4]
    again = client.get("/api/pool/stats", headers=officer).json()
    # nothing written (each answer says the time it holds at)
    assert {**again, "as_of": None} == {**stats, "as_of": None}
    ran = client.post("/api/rounds", json={"round_type": "general", "size": 4}, headers=officer)
    assert ran.status_code == 201, ran.text
    record = ran.json()
    assert [i["profile_id"] for i in record["invited"]] == [
        i["profile_id"] for i in preview.json()["invited"]
    ]
    assert (
        client.get(f"/api/rounds/{record['round_id']}", headers=officer).json()["invitations"] == 4
    )
    assert client.get(f"/api/rounds/{record['round_id']}/verify", headers=officer).json()["ok"]
    events = client.get("/api/audit?limit=50", headers=officer).json()["events"]
    assert any(e["actor"] == "officer" and e["kind"].startswith("round") for e in events), events[
        :3
    ]
    itas = client.get(f"/api/itas?round_id={record['round_id']}", headers=officer).json()
    assert itas["total"] == 4


def test_bad_round_requests_name_the_field(client, site) -> None:
    officer = token(client, site, "officer")
    cases = [
        ({"round_type": "general", "size": 0}, "size"),
        ({"round_type": "weekly", "size": 5}, "round_type"),
        ({"round_type": "category", "size": 5, "category": "astronauts"}, "category"),
        ({"round_type": "program", "size": 5}, "program"),
        ({"round_type": "general", "size": 5, "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        answer = problem(client.post("/api/rounds", json=body, headers=officer), 422)
        assert field in {e["field"] for e in answer["errors"]}, (body, answer)
    assert (
        client.get("/api/rounds", headers=officer).json()["rounds"][-1]["round_id"] == site.round_id
    )


def test_candidate_applies_and_officer_decides(client, site) -> None:
    candidate = token(client, site, "candidate")
    applied = client.post("/api/me/invitations/apply", headers=candidate)
    assert applied.status_code == 200, applied.text
    application = applied.json()["application"]
    problem(client.post("/api/me/invitations/apply", headers=candidate), 409)
    officer = token(client, site, "officer")
    decided = client.post(
        f"/api/applications/{application}/decision",
        json={"admissible": True, "finding": ""},
        headers=officer,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["outcome"] in {"approved", "refused"}
    problem(
        client.post(
            f"/api/applications/{application}/decision", json={"admissible": True}, headers=officer
        ),
        409,
    )
    problem(
        client.post(
            "/api/applications/999999/decision", json={"admissible": True}, headers=officer
        ),
        404,
    )
    events = client.get(f"/api/audit?subject=profile:{site.invited[0]}", headers=officer).json()
    actors = {(e["kind"], e["actor"]) for e in events["events"]}
    assert ("application.submitted", "candidate") in actors
    assert ("application.decided", "officer") in actors


def test_logout_ends_the_token(client, site) -> None:
    officer = token(client, site, "officer")
    assert client.get("/api/me", headers=officer).json()["role"] == "officer"
    assert client.post("/api/logout", headers=officer).status_code == 204
    problem(client.get("/api/me", headers=officer), 401)


def test_a_cookie_session_needs_the_csrf_header_to_change_anything(client, site) -> None:
    answer = client.post(
        "/api/login", json={"username": "officer", "password": site.passwords["officer"]}
    )
    body = answer.json()
    client.cookies.set("ee_session", body["token"])
    try:
        assert client.get("/api/pool/stats").status_code == 200  # reading is safe
        run = {"round_type": "general", "size": 1}
        assert problem(client.post("/api/rounds/preview", json=run), 403)["type"].endswith("csrf")
        ok = client.post(
            "/api/rounds/preview", json=run, headers={"X-CSRF-Token": body["csrf_token"]}
        )
        assert ok.status_code == 200
    finally:
        client.cookies.clear()


def test_reports_in_both_languages_and_formats(client, site) -> None:
    analyst = token(client, site, "analyst")
    english = client.get("/api/reports/rounds?year=2024&format=json", headers=analyst)
    french = client.get("/api/reports/rounds?year=2024&format=json&lang=fr", headers=analyst)
    assert json.loads(english.text)["title"] != json.loads(french.text)["title"]
    csv = client.get("/api/reports/categories?year=2024&format=csv", headers=analyst)
    assert csv.headers["content-type"].startswith("text/csv") and "," in csv.text
    problem(client.get("/api/reports/year-end", headers=analyst), 422)
