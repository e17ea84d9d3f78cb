"""The pages, through the app in process: each role's pages in both languages, forms with
CSRF, errors as pages, the occupation table's paging. (The browser tests drive the same pages
in Chromium.)"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from markupsafe import escape

from conftest import csrf_of, log_in
from expressentry.web.i18n import translator

PUBLIC = ["/", "/score", "/eligibility", "/categories", "/categories/stem", "/login"]
OFFICER = [
    "/officer",
    "/officer/rounds",
    "/officer/itas",
    "/officer/itas?status=outstanding",
    "/officer/applications",
    "/analyst",
    "/analyst/history",
    "/analyst/history?year=2024",
    "/analyst/reports/rounds?year=2024",
    "/analyst/reports/categories?year=2024&source=history",
    "/analyst/reports/parliament?year=2024",
]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_public_pages_in_both_languages(browser_client, lang) -> None:
    t = translator(lang)
    for path in PUBLIC:
        page = browser_client.get(f"{path}?lang={lang}")
        assert page.status_code == 200, path
        assert f'<html lang="{lang}">' in page.text
        other = "fr" if lang == "en" else "en"
        assert f'class="lang-toggle" href="{path}?lang={other}"' in page.text, path
        assert t("site.name") in page.text
    assert t("score.title") in browser_client.get(f"/score?lang={lang}").text


def test_the_language_is_remembered(browser_client) -> None:
    browser_client.get("/?lang=fr")
    assert '<html lang="fr">' in browser_client.get("/categories").text
    assert '<html lang="en">' in browser_client.get("/categories?lang=en").text
    assert '<html lang="en">' in browser_client.get("/score").text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_officer_pages(as_user, site, lang) -> None:
    officer = as_user("officer")
    for path in [*OFFICER, f"/officer/rounds/{site.round_id}"]:
        sep = "&" if "?" in path else "?"
        page = officer.get(f"{path}{sep}lang={lang}")
        assert page.status_code == 200, (path, page.text[:300])
        assert f'<html lang="{lang}">' in page.text
    dashboard = officer.get("/officer").text
    assert "<svg" in dashboard and 'id="pool-size"' in dashboard


def test_the_pages_a_role_may_not_see(as_user, browser_client) -> None:
    candidate = as_user("candidate")
    for path in ("/officer", "/officer/rounds", "/analyst"):
        assert candidate.get(path).status_code == 403
    analyst = as_user("analyst")
    assert analyst.get("/officer/itas").status_code == 403
    assert analyst.get("/analyst").status_code == 200
    visitor = browser_client.get("/officer/itas?status=applied", follow_redirects=False)
    assert visitor.status_code == 303
    assert visitor.headers["location"] == "/login?next=/officer/itas%3Fstatus%3Dapplied"


def test_login_goes_home_or_back_but_never_off_site(browser_client, site) -> None:
    answer = log_in(browser_client, "officer", site.passwords["officer"])
    assert answer.headers["location"] == "/officer"
    assert "HttpOnly" in answer.headers["set-cookie"]
    assert "samesite=lax" in answer.headers["set-cookie"].lower()
    token = csrf_of(browser_client.get("/").text)
    browser_client.post("/logout", data={"csrf_token": token})
    for target, expected in (
        ("/officer/itas", "/officer/itas"),
        ("//evil.example/", "/officer"),
        ("https://evil.example/", "/officer"),
    ):
        token = csrf_of(browser_client.get("/login").text)
        answer = browser_client.post(
            "/login",
            data={
                "csrf_token": token,
                "username": "officer",
                "password": site.passwords["officer"],
                "next": target,
            },
            follow_redirects=False,
        )
        assert answer.headers["location"] == expected
        browser_client.post("/logout", data={"csrf_token": csrf_of(browser_client.get("/").text)})


def test_a_wrong_password_is_refused_on_the_page(browser_client) -> None:
    answer = log_in(browser_client, "officer", "not the password")
    assert answer.status_code == 401
    assert translator("en")("login.refused") in answer.text


def test_forms_need_the_csrf_token(browser_client, as_user) -> None:
    answer = browser_client.post("/score", data={"date_of_birth": "1990-01-01"})
    assert answer.status_code == 403
    assert translator("en")("error.csrf") in answer.text
    officer = as_user("officer")
    forged = officer.post(
        "/officer/rounds",
        data={"round_type": "general", "size": "1", "action": "run", "csrf_token": "forged"},
    )
    assert forged.status_code == 403
    assert "ran=1" not in str(forged.url)


def test_oversized_forms_are_refused(browser_client) -> None:
    token = csrf_of(browser_client.get("/score").text)
    answer = browser_client.post("/score", data={"csrf_token": token, "profile_json": "x" * 70_000})
    assert answer.status_code == 413


def test_score_page_shows_breakdown_and_errors(browser_client) -> None:
    token = csrf_of(browser_client.get("/score").text)
    form = {
        "csrf_token": token,
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
    page = browser_client.post("/score", data=form)
    assert page.status_code == 200
    total = int(re.search(r'id="total">(\d+)<', page.text).group(1))
    assert f"Your CRS score: {total}" in page.text
    assert 'id="suggestions"' in page.text and 'id="category-results"' in page.text
    bad = browser_client.post("/score", data={**form, "lang1_listening": "ten"})
    assert bad.status_code == 422
    assert 'href="#f-lang1_listening"' in bad.text and 'aria-invalid="true"' in bad.text
    assert 'value="ten"' in bad.text  # what was typed is kept


def test_category_table_pages_like_canada_ca(browser_client) -> None:
    import datetime as dt

    from expressentry.rules.categories import default_categories, occupation_table

    rows = occupation_table(default_categories().version_at("stem", dt.date.today()))
    page = browser_client.get("/categories/stem?lang=en").text
    assert f"Showing 1 to 10 of {len(rows)} entries" in page
    second = browser_client.get("/categories/stem?size=10&page=2").text
    assert f"Showing 11 to {min(20, len(rows))} of {len(rows)} entries" in second
    wide = browser_client.get("/categories/stem?size=25").text
    assert f"Showing 1 to {min(25, len(rows))} of {len(rows)} entries" in wide
    filtered = browser_client.get("/categories/stem?filter=engineer").text
    shown = re.findall(r"<tr><td>([^<]+)</td><td>(\d{5})</td>", filtered)
    assert shown and all("engineer" in title.lower() for title, _ in shown)
    assert f"(filtered from {len(rows)} total entries)" in filtered
    by_teer = browser_client.get("/categories/stem?sort=teer&order=desc").text
    teers = [int(x) for x in re.findall(r"<td>\d{5}</td><td>(\d)</td>", by_teer)]
    assert teers == sorted(teers, reverse=True)
    assert browser_client.get("/categories/astronauts").status_code == 404
    assert browser_client.get("/categories/stem?page=999").status_code == 200  # clamped


def test_officer_previews_then_runs_a_round_from_the_page(as_user) -> None:
    officer = as_user("officer")
    token = csrf_of(officer.get("/officer/rounds").text)
    before = officer.get("/officer/rounds").text.count("/officer/rounds/")
    preview = officer.post(
        "/officer/rounds",
        data={"csrf_token": token, "round_type": "general", "size": "2", "action": "preview"},
    )
    assert preview.status_code == 200
    assert 'id="preview-invitations">2<' in preview.text
    assert officer.get("/officer/rounds").text.count("/officer/rounds/") == before
    bad = officer.post(
        "/officer/rounds",
        data={
            "csrf_token": token,
            "round_type": "category",
            "category": "",
            "size": "2",
            "action": "run",
        },
    )
    assert bad.status_code == 422 and 'href="#f-category"' in bad.text
    # the reason names the categories in force in the page's words, never "None" or slugs
    from expressentry.rules.categories import default_categories

    t = translator("en")
    assert "None" not in bad.text and "is not a category" not in bad.text
    in_force = default_categories().in_force(dt.date.today())
    listed = ", ".join(str(escape(t(f"category.{v.slug}"))) for v in in_force)
    assert listed in bad.text
    # "Run the round" asks for a confirmation first, with the list of invitees; nothing is run
    asked = officer.post(
        "/officer/rounds",
        data={"csrf_token": token, "round_type": "general", "size": "2", "action": "run"},
    )
    assert asked.status_code == 200 and 'id="confirm-run"' in asked.text
    assert asked.text.count('href="/officer/profiles/') == 2
    assert officer.get("/officer/rounds").text.count("/officer/rounds/") == before
    at = re.search(r'name="at" value="([^"]+)"', asked.text.split('id="confirm-run"')[1])
    assert at
    ran = officer.post(
        "/officer/rounds",
        data={
            "csrf_token": token,
            "round_type": "general",
            "size": "2",
            "at": at.group(1),
            "action": "run",
            "confirm": "yes",
        },
    )
    assert re.search(r"/officer/rounds/\d+\?ran=1$", str(ran.url))
    assert 'id="round-invitations">2<' in ran.text


def test_security_headers(browser_client) -> None:
    page = browser_client.get("/score")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    api = browser_client.get("/api/categories")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in api.headers


def test_unknown_pages_are_pages_and_unknown_api_paths_are_problems(browser_client) -> None:
    page = browser_client.get("/nowhere?lang=fr")
    assert page.status_code == 404 and escape(translator("fr")("error.not_found")) in page.text
    api = browser_client.get("/api/nowhere")
    assert api.status_code == 404 and api.headers["content-type"].startswith(
        "application/problem+json"
    )


def test_report_and_history_pages_are_well_formed(as_user) -> None:
    analyst = as_user("analyst")
    report = analyst.get("/analyst/reports/rounds?year=2024&lang=fr").text
    assert report.count("<main") == 1  # the report's own <main> is not nested in the page's
    history = analyst.get("/analyst/history?year=2024&lang=fr").text
    # the cutoff chart names categories as the page does, not by their slugs
    name = translator("fr")("category.french_language_proficiency")  # wrapped in the legend
    assert str(escape(" ".join(name.split()[:3]))) in history
    assert "french language proficiency" not in history
