"""No internals on the pages (issue 17, items 4 and 6): the score page says why a credential
gives no points and that a job has not started, advises the ECA, names the rules by their date,
and words the explanation and the suggestions in the page's language; dates and times are
written for people."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from markupsafe import escape

from conftest import csrf_of
from expressentry.web.i18n import translator
from expressentry.web.pages import date_text, datetime_text, plural_form

FORM = {
    "as_of": "2026-06-01",
    "date_of_birth": "1994-05-10",
    "education_level": "masters",
    "education_country": "IN",
    "education_completed_on": "2018-06-30",
    "lang1_test": "ielts_general",
    "lang1_taken_on": "2025-03-01",
    "lang1_listening": "8",
    "lang1_reading": "7",
    "lang1_writing": "7",
    "lang1_speaking": "7",
    "foreign_noc": "21231",
    "foreign_country": "IN",
    "foreign_start": "2019-01-01",
    "foreign_end": "2024-12-31",
    "canada_noc": "21232",
    "canada_start": "2026-09-01",
}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_score_page_words_its_explanation(browser_client, lang) -> None:
    t = translator(lang)
    token = csrf_of(browser_client.get(f"/score?lang={lang}").text)
    page = browser_client.post("/score", data={"csrf_token": token, **FORM})
    assert page.status_code == 200
    html = page.text
    text = text_of(html)
    # the rules by their date, not their id
    assert "crs-2025-03-25" not in html
    since = date_text(dt.date(2025, 3, 25), lang)
    assert (
        str(
            escape(t("explain.rules_since", date=date_text(dt.date(2026, 6, 1), lang), since=since))
        )
        in html
    )
    # why education gives 0, and the job not yet started, beside the breakdown
    notes = re.search(r'<ul id="score-notes"[^>]*>(.*?)</ul>', html, re.S)
    assert notes
    country = "India" if lang == "en" else "Inde"
    assert country in notes.group(1)
    assert "21232" in notes.group(1) and date_text(dt.date(2026, 9, 1), lang) in notes.group(1)
    # the ECA is advised, in words
    eca = "educational credential assessment (ECA)" if lang == "en" else "(EDE)"
    suggestions = re.search(r'<table id="suggestions">(.*?)</table>', html, re.S).group(1)
    assert eca in text_of(suggestions).replace("&#39;", "'")
    # no internal names: slugs of levels, block/factor ids, "(10 years)"
    for internal in ("core / ", "first_language", " masters", "two or more level", "(10 years)"):
        assert internal not in text, internal
    assert t("block.core") in text_of(html.split('class="trace"')[1])


def test_dates_and_times_for_people() -> None:
    moment = dt.datetime(2026, 1, 5, 13, 19, 19, tzinfo=dt.UTC)
    assert datetime_text(moment, "en") == "January 5, 2026 at 13:19 UTC"
    assert datetime_text(moment, "fr") == "5 janvier 2026 à 13 h 19 UTC"
    assert datetime_text("2026-01-05T13:19:19+00:00", "en") == "January 5, 2026 at 13:19 UTC"
    assert datetime_text("2026-01-05T13:19:19Z", "fr").startswith("5 janvier 2026")
    assert plural_form(1, "en") == "one" and plural_form(0, "en") == "many"
    assert plural_form(0, "fr") == "one" and plural_form(2, "fr") == "many"


def test_officer_pages_show_no_raw_timestamps(as_user, site) -> None:
    officer = as_user("officer")
    for path in (f"/officer/rounds/{site.round_id}", "/officer/itas", "/officer/applications"):
        for lang in ("en", "fr"):
            text = text_of(officer.get(f"{path}?lang={lang}").text)
            assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text), (path, lang)


def test_the_pool_page_lists_the_categories_in_force_from_the_data(as_user, site) -> None:
    """Every category version in force today, skilled military recruits too (no profile may
    meet it yet), and no expired version."""
    from expressentry.rules.categories import default_categories

    t = translator("en")
    html = as_user("officer").get("/officer").text
    table = re.search(r'<table id="per-category">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(\d{4})</td>', table)
    in_force = default_categories().in_force(dt.date.today())
    assert rows == [(str(escape(t(f"category.{v.slug}"))), str(v.year)) for v in in_force]
    assert "skilled_military_recruits" in {v.slug for v in in_force}
    expired = {
        (v.slug, v.year)
        for slug in default_categories().slugs()
        for v in default_categories().versions(slug)
    } - {(v.slug, v.year) for v in in_force}
    assert expired and not any(
        str(year) == y and t(f"category.{s}") == n for s, year in expired for n, y in rows
    )


def test_unknown_profiles_and_applications_are_not_found_pages(as_user) -> None:
    officer = as_user("officer")
    for path in ("/officer/profiles/no-such-profile", "/officer/applications/999999"):
        page = officer.get(path)
        assert page.status_code == 404 and '<html lang="en">' in page.text, path


def test_invitations_list_newest_first(as_user, site) -> None:
    officer = as_user("officer")
    html = officer.get("/officer/itas").text
    table = re.search(r'<table id="itas-table">(.*?)</table>', html, re.S).group(1)
    rounds = [int(r) for r in re.findall(r'href="/officer/rounds/(\d+)"', table)]
    assert rounds and rounds == sorted(rounds, reverse=True)
    profiles = re.findall(r'href="/officer/profiles/([^"]+)"', table)
    assert len(profiles) == len(rounds)  # each invitee links to the profile
