"""The candidate's form as people fill it (issue 17, item 8): every problem at once, countries
by name in English or French, several jobs in Canada and abroad, the spouse only when there is
one, each test's scale, and an occupation search page."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from conftest import csrf_of
from expressentry.profile.countries import country_code, country_name
from expressentry.web.forms import FormProblems, fits_form, form_from_profile, profile_from_form
from expressentry.web.i18n import translator

BASE = {
    "date_of_birth": "1994-03-01",
    "marital_status": "single",
    "education_level": "masters",
    "education_country": "IN",
    "education_completed_on": "2019-06-30",
    "education_eca_issued_on": "2024-02-01",
    "lang1_test": "ielts_general",
    "lang1_taken_on": "2025-02-01",
    "lang1_listening": "8",
    "lang1_reading": "7",
    "lang1_writing": "7",
    "lang1_speaking": "7",
}


def test_every_problem_at_once() -> None:
    """A missing date of birth does not hide a reading score off the IELTS scale."""
    with pytest.raises(FormProblems) as caught:
        profile_from_form(
            {**BASE, "date_of_birth": "", "lang1_reading": "9.5", "foreign_noc": "21231"}
        )
    problems = caught.value.problems
    assert {"date_of_birth", "lang1_reading", "foreign_start", "foreign_country"} <= set(problems)
    assert "scale" in problems["lang1_reading"]
    # in the order of the form
    names = list(problems)
    assert (
        names.index("date_of_birth") < names.index("lang1_reading") < names.index("foreign_start")
    )


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("India", "IN"),
        ("inde", "IN"),
        ("IN", "IN"),
        ("États-Unis", "US"),
        ("etats unis", "US"),
        ("United States of America", "US"),
        ("Côte d’Ivoire", "CI"),
        ("Royaume-Uni", "GB"),
    ],
)
def test_countries_by_name_in_either_language(typed, code) -> None:
    assert country_code(typed) == code
    profile = profile_from_form({**BASE, "education_country": typed})
    assert profile.education[0].country == code


def test_country_names_read_both_ways() -> None:
    assert country_code("Narnia") is None
    assert country_name("IN", "en") == "India" and country_name("IN", "fr") == "Inde"


def test_several_jobs_in_canada_and_abroad() -> None:
    form = {
        **BASE,
        "canada_noc": "21231",
        "canada_start": "2020-01-06",
        "canada_end": "2021-01-01",
        "canada_2_noc": "21232",
        "canada_2_start": "2021-02-01",
        "canada_2_hours": "20",
        "foreign_noc": "21231",
        "foreign_country": "Inde",
        "foreign_start": "2015-01-05",
        "foreign_end": "2018-12-31",
        "foreign_2_noc": "21211",
        "foreign_2_country": "Philippines",
        "foreign_2_start": "2012-01-02",
        "foreign_2_end": "2014-12-31",
        "foreign_3_noc": "21211",
        "foreign_3_country": "FR",
        "foreign_3_start": "2010-01-04",
        "foreign_3_end": "2011-06-30",
    }
    profile = profile_from_form(form)
    jobs = [(j.noc, j.country, j.hours_per_week) for j in profile.work_history]
    assert jobs == [
        ("21231", "CA", 40),
        ("21232", "CA", 20),
        ("21231", "IN", 40),
        ("21211", "PH", 40),
        ("21211", "FR", 40),
    ]
    # and back: a stored profile with five jobs fills the form, which holds all of them
    values = form_from_profile(profile)
    assert values["foreign_3_country"] == "FR" and values["canada_2_hours"] == "20"
    assert fits_form(profile, values)
    # a problem in a further job is named by its field
    with pytest.raises(FormProblems) as caught:
        profile_from_form({**form, "foreign_2_start": ""})
    assert set(caught.value.problems) == {"foreign_2_start"}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_form_page_hints_scales_and_folds_the_spouse(browser_client, lang) -> None:
    t = translator(lang)
    html = browser_client.get(f"/score?lang={lang}").text
    # each test's scale, from the language charts, under each test
    hint = re.search(r'<div class="hint scales" id="h-lang1-scales">(.*?)</div>', html, re.S)
    assert hint and 'data-test="tcf_canada"' in hint.group(1)
    assert ("0 à 20" if lang == "fr" else "0 to 20") in hint.group(1)
    assert 'aria-describedby="h-lang1-scales"' in html
    # the spouse section is marked for the script and says when it applies
    assert "data-spouse-only" in html and str(escape(t("spouse_section.hint"))) in html
    # countries by name: a list of names in the page's language
    assert '<option value="Inde">' in html if lang == "fr" else '<option value="India">' in html
    # the occupation search is a page, not raw JSON
    assert 'href="/occupations"' in html and "/api/noc" not in html


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_occupation_search_page(browser_client, lang) -> None:
    t = translator(lang)
    page = browser_client.get(f"/occupations?q=infirmi&lang={lang}")
    assert page.status_code == 200
    codes = dict(re.findall(r"<td><code>(\d{5})</code></td><td>([^<]+)</td>", page.text))
    assert "31301" in codes  # found by a word of the French title, in both languages
    if lang == "fr":
        assert codes["31301"].startswith("Infirmiers autorisés")
    else:
        assert codes["31301"] == "Registered nurses and registered psychiatric nurses"
    english = browser_client.get(f"/occupations?q=software&lang={lang}").text
    assert "21231" in english
    by_code = browser_client.get(f"/occupations?q=2123&lang={lang}").text
    assert by_code.count("<code>2123") >= 2
    empty = browser_client.get(f"/occupations?lang={lang}")
    assert empty.status_code == 200 and t("occupations.title") in empty.text


def test_the_form_reasons_are_in_the_page_language(browser_client) -> None:
    fr = translator("fr")
    token = csrf_of(browser_client.get("/score?lang=fr").text)
    page = browser_client.post(
        "/score", data={"csrf_token": token, **BASE, "date_of_birth": "", "lang1_reading": "x"}
    )
    assert page.status_code == 422
    assert str(escape(fr("form_reason.need_birth"))) in page.text
    assert str(escape(fr("form_reason.not_number", value="x"))) in page.text
    assert str(escape(fr("form_problems.many", count=2))) in page.text
    assert "give the date of birth" not in page.text


def test_a_bad_date_of_assessment_is_worded_in_french(browser_client) -> None:
    fr = translator("fr")
    token = csrf_of(browser_client.get("/score?lang=fr").text)
    early = browser_client.post("/score", data={"csrf_token": token, **BASE, "as_of": "2014-05-01"})
    assert early.status_code == 422
    assert str(escape(fr("form_reason.before_express_entry"))) in early.text
    bad = browser_client.post("/score", data={"csrf_token": token, **BASE, "as_of": "demain"})
    assert str(escape(fr("form_reason.not_date", value="demain"))) in bad.text
