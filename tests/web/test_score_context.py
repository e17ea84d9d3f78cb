"""The score result and the candidate's page answer "is my score enough?": the breakdown and
the real rounds of the last 12 months they would and would not have been invited in, with the
reason, in English and French (issue 17)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from markupsafe import escape

from conftest import csrf_of
from expressentry.profile.model import parse_profile
from expressentry.rounds.context import compare
from expressentry.web.i18n import translator

FORM = {
    "as_of": "2026-08-31",
    "date_of_birth": "1996-03-10",
    "education_level": "bachelors",
    "education_country": "CA",
    "education_completed_on": "2020-05-01",
    "lang1_test": "celpip_general",
    "lang1_taken_on": "2025-09-01",
    "lang1_listening": "9",
    "lang1_reading": "9",
    "lang1_writing": "9",
    "lang1_speaking": "9",
    "canada_noc": "21231",
    "canada_start": "2021-01-04",
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_score_result_shows_the_recent_rounds(browser_client, lang) -> None:
    t = translator(lang)
    token = csrf_of(browser_client.get(f"/score?lang={lang}").text)
    page = browser_client.post("/score", data={"csrf_token": token, **FORM})
    assert page.status_code == 200, page.text[:500]
    html = page.text
    assert 'id="recent-rounds"' in html
    rows = re.findall(r'<tr class="outcome-([a-z_]+)" data-round="([0-9a-z]+)">', html)
    from expressentry.web.forms import profile_from_form

    expected = compare(profile_from_form(FORM), dt.date(2026, 8, 31))
    assert rows == [(o.outcome, o.round.draw_number) for o in expected.outcomes]
    assert str(escape(t("rounds_context.outcome.not_eligible_category"))) in html
    assert "Non invité" in html if lang == "fr" else "Not invited" in html
    invited = len(expected.invited)
    assert f"{invited} " in html
    assert str(escape(t("rounds_context.title"))) in html


def test_the_candidate_page_shows_the_breakdown_and_the_rounds(as_user, site) -> None:
    candidate = as_user("candidate")
    html = candidate.get("/candidate").text
    assert 'id="own-score"' in html and 'id="breakdown"' in html
    assert 'id="recent-rounds"' in html
    total = int(re.search(r'id="total">(\d+)<', html).group(1))
    crs = int(re.search(r'id="crs">(\d+)<', html).group(1))
    assert total == crs
    # the rounds are compared with the score shown, on the day the pool assessed it
    summary = re.search(r'<p id="recent-rounds-summary">([^<]+)</p>', html).group(1)
    assert f"With your score of {crs}," in summary
    profile_doc = candidate.get("/api/me/profile")
    if profile_doc.status_code == 200:  # the page's cookie also opens the API
        profile = parse_profile(json.dumps(profile_doc.json()["profile"]))
        assert compare(profile, dt.date.today()).outcomes
