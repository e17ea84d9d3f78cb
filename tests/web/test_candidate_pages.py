"""The candidate's pages: a new candidate creates a profile with the form; an invited candidate
sees the invitation, and declines or applies. Each test builds its own site (they change it)."""

from __future__ import annotations

import re
import warnings

import pytest

from conftest import csrf_of, log_in
from site_fixture import build_site

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from expressentry.api import create_app


@pytest.fixture
def fresh(tmp_path):
    site = build_site(f"sqlite:///{tmp_path / 'site.db'}", size=120)
    app = create_app(site.url)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield site, client
    app.state.services.engine.dispose()


def test_a_new_candidate_creates_and_updates_a_profile(fresh) -> None:
    site, client = fresh
    assert log_in(client, "newcomer", site.passwords["newcomer"]).status_code == 303
    page = client.get("/candidate")
    assert "Create your profile" in page.text
    form = {
        "csrf_token": csrf_of(page.text),
        "date_of_birth": "1994-05-01",
        "marital_status": "single",
        "education_level": "masters",
        "education_country": "CA",
        "lang1_test": "celpip_general",
        "lang1_taken_on": "2025-09-01",
        "lang1_listening": "9",
        "lang1_reading": "9",
        "lang1_writing": "9",
        "lang1_speaking": "9",
        "canada_noc": "21231",
        "canada_start": "2023-01-02",
    }
    saved = client.post("/candidate/profile", data=form)
    assert saved.status_code == 200 and str(saved.url).endswith("/candidate?saved=1")
    crs = int(re.search(r'id="crs">(\d+)<', saved.text).group(1))
    assert re.search(r'id="rank">\d+ of \d+<', saved.text)
    assert 'id="status">In the pool<' in saved.text
    # the form comes back filled: update it
    assert 'value="1994-05-01"' in saved.text
    form["csrf_token"] = csrf_of(saved.text)
    form["sibling_in_canada"] = "on"
    again = client.post("/candidate/profile", data=form)
    assert int(re.search(r'id="crs">(\d+)<', again.text).group(1)) == crs + 15
    withdrawn = client.post("/candidate/withdraw", data={"csrf_token": csrf_of(again.text)})
    assert 'id="status">Withdrawn<' in withdrawn.text


def test_a_profile_meeting_no_program_is_not_stored(fresh) -> None:
    site, client = fresh
    log_in(client, "newcomer", site.passwords["newcomer"])
    page = client.get("/candidate")
    refused = client.post(
        "/candidate/profile",
        data={"csrf_token": csrf_of(page.text), "date_of_birth": "1990-01-01"},
    )
    assert refused.status_code == 422
    assert "cannot enter the pool" in refused.text
    assert "Create your profile" in client.get("/candidate").text


@pytest.mark.parametrize(("action", "status"), [("apply", "Applied"), ("decline", "Declined")])
def test_the_invited_candidate_answers(fresh, action, status) -> None:
    site, client = fresh
    log_in(client, "candidate", site.passwords["candidate"])
    page = client.get("/candidate?lang=en")
    assert 'class="ita-status">Open<' in page.text
    answered = client.post(f"/candidate/{action}", data={"csrf_token": csrf_of(page.text)})
    assert answered.status_code == 200
    assert f'class="ita-status">{status}<' in answered.text
    again = client.post(f"/candidate/{action}", data={"csrf_token": csrf_of(answered.text)})
    assert again.status_code == 409
