"""The pool model on the pages: the invitation outlook (score result, candidate's own page),
the predicted cutoff of a previewed round, and the backtest on the analysts' page."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from conftest import csrf_of, log_in
from expressentry.web.i18n import catalog, placeholders, translator

FORM = {
    "as_of": "2025-06-01",
    "date_of_birth": "1995-01-01",
    "education_level": "bachelors",
    "education_country": "CA",
    "lang1_test": "celpip_general",
    "lang1_taken_on": "2025-01-01",
    "lang1_listening": "9",
    "lang1_reading": "9",
    "lang1_writing": "9",
    "lang1_speaking": "9",
    "canada_noc": "21231",
    "canada_start": "2022-01-01",
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_score_result_shows_the_outlook_with_its_assumptions_and_chart(
    browser_client, lang
) -> None:
    t = translator(lang)
    token = csrf_of(browser_client.get(f"/score?lang={lang}").text)
    page = browser_client.post("/score", data={**FORM, "csrf_token": token})
    assert page.status_code == 200
    html = page.text
    assert 'id="outlook"' in html and str(escape(t("outlook.title"))) in html
    section = html[html.index('id="outlook"') :]
    cells = re.findall(r'data-months="(\d+)">(\d+)', section)
    assert [m for m, _ in cells] == ["1", "3", "6", "12"]
    values = [int(v) for _, v in cells]
    assert values == sorted(values) and all(0 <= v <= 100 for v in values)
    assert 'id="outlook-assumptions"' in section and "<svg" in section
    assert str(escape(t("outlook.caveat").split(":")[0])) in section


def test_the_outlook_is_higher_for_a_higher_score(browser_client) -> None:
    def six_months(form: dict) -> int:
        token = csrf_of(browser_client.get("/score?lang=en").text)
        html = browser_client.post("/score", data={**form, "csrf_token": token}).text
        return int(re.search(r'data-months="6">(\d+)', html).group(1))

    weaker = {
        **FORM,
        "lang1_listening": "7",
        "lang1_reading": "7",
        "lang1_writing": "7",
        "lang1_speaking": "7",
    }
    assert six_months(weaker) <= six_months(FORM)


def test_the_candidate_s_own_page_shows_the_outlook(site, browser_client) -> None:
    log_in(browser_client, "candidate", site.passwords["candidate"])
    page = browser_client.get("/candidate?lang=fr")
    assert page.status_code == 200
    assert 'id="outlook"' in page.text
    assert str(escape(translator("fr")("outlook.title"))) in page.text


def test_the_round_preview_states_the_predicted_cutoff(as_user) -> None:
    officer = as_user("officer")
    token = csrf_of(officer.get("/officer/rounds").text)
    preview = officer.post(
        "/officer/rounds",
        data={
            "csrf_token": token,
            "round_type": "general",
            "size": "2",
            "action": "preview",
        },
    )
    assert preview.status_code == 200
    section = preview.text[preview.text.index('id="predicted-cutoff"') :]
    low, predicted, high = (
        int(x) for x in re.search(r"about (\d+), 80% range (\d+) to (\d+)", section).group(2, 1, 3)
    )
    assert low <= predicted <= high


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_analysts_page_shows_the_backtest_and_its_chart(as_user, lang) -> None:
    page = as_user("analyst").get(f"/analyst?lang={lang}")
    assert page.status_code == 200
    section = page.text[page.text.index('id="backtest"') :]
    assert str(escape(translator(lang)("backtest.title"))) in section
    assert "<svg" in section and 'id="backtest-table"' in section


def test_the_issue_12_messages_exist_in_both_languages() -> None:
    en, fr = catalog("en"), catalog("fr")
    for key in [k for k in en if k.split(".")[0] in ("outlook", "prediction", "backtest")]:
        assert key in fr, key
        assert placeholders(en[key]) == placeholders(fr[key]), key
