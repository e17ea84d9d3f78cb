"""The pages in a real browser: the app under uvicorn, driven by Chromium through Playwright.

One site (``build_site``: a pool, a round held an hour ago, users) and one server per test module
(per worker under pytest-xdist: each gets its own port), one browser for the module, a fresh
browser context (cookies, language) per test. Every test reads what a visitor sees and checks it
against the rules and services themselves (the CRS, the occupation tables, the pool, the audit
log). Skipped without /usr/bin/chromium, unless ``EXPRESSENTRY_REQUIRE_BROWSER=1`` (then it fails).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from browser_fixtures import (
    COLORS_JS,
    REQUIRE_ENV,
    browser_problem,
    contrast_ratio,
    launch_chromium,
    live_server,
)

from expressentry.web.i18n import translator
from expressentry.web.pages import number
from site_fixture import Site, build_site

EN = translator("en")
FR = translator("fr")


@dataclass
class Live:
    base: str
    site: Site
    services: Any  # expressentry.api.deps.Services on the same database as the server


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    problem = browser_problem()
    if problem is not None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{problem}; {REQUIRE_ENV}=1 makes the browser tests mandatory.")
        pytest.skip(f"browser tests skipped: {problem}")
    from expressentry.api import create_app
    from expressentry.api.deps import Services

    path = tmp_path_factory.mktemp("browser-site") / "site.db"
    site = build_site(f"sqlite:///{path}")
    services = Services(site.url)
    with live_server(create_app(site.url)) as base:
        yield Live(base, site, services)
    services.engine.dispose()


@pytest.fixture(scope="module")
def browser(live: Live) -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser: Any, live: Live) -> Iterator[Callable[[], Any]]:
    """``new_context()``: a fresh browser context (no cookies), English, 1280 px wide."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(
            base_url=live.base, locale="en-US", viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[[], Any]) -> Iterator[Any]:
    """A page whose script errors fail the test."""
    pg = new_context().new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    assert not errors, f"script errors in the page: {errors}"


def log_in(page: Any, live: Live, username: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(live.site.passwords[username])
    page.get_by_role("button", name=EN("login.submit")).click()
    expect(page.locator("nav.menu .account")).to_contain_text(username)


def label(key: str) -> dict[str, Any]:
    """``get_by_label`` arguments for a form field, its English label from the catalog."""
    return {"text": EN(f"field.{key}"), "exact": True}


# --- the score form ---------------------------------------------------------------------------

PROFILE: dict[str, Any] = {
    "date_of_birth": "1994-05-10",
    "marital_status": "single",
    "sibling_in_canada": False,
    "education": [
        {
            "level": "bachelors",
            "country": "IN",
            "completed_on": "2016-06-30",
            "eca": {"issued_on": "2024-02-01"},
        }
    ],
    "first_official_language": "english",
    "language_tests": [
        {
            "test": "ielts_general",
            "taken_on": "2025-03-01",
            "listening": 8.0,
            "reading": 7.0,
            "writing": 7.0,
            "speaking": 7.5,
        }
    ],
    "work_history": [
        {"noc": "21231", "country": "CA", "start": "2023-05-15", "end": None, "hours_per_week": 40}
    ],
}


def fill_score_form(page: Any, as_of: dt.date, listening: str = "8") -> None:
    """Fill the score form, by label, with PROFILE."""
    test = PROFILE["language_tests"][0]
    credential = PROFILE["education"][0]
    page.get_by_label(**label("as_of")).fill(as_of.isoformat())
    page.get_by_label(**label("date_of_birth")).fill(PROFILE["date_of_birth"])
    page.get_by_label(**label("marital_status")).select_option(PROFILE["marital_status"])
    page.get_by_label(**label("education_level")).select_option(credential["level"])
    page.get_by_label(**label("education_country")).fill(credential["country"])
    page.get_by_label(**label("education_completed_on")).fill(credential["completed_on"])
    page.get_by_label(**label("education_eca_issued_on")).fill(credential["eca"]["issued_on"])
    page.get_by_label(**label("first_official_language")).select_option("english")
    page.get_by_label(**label("lang1_test")).select_option(test["test"])
    page.get_by_label(**label("lang1_taken_on")).fill(test["taken_on"])
    page.get_by_label(**label("lang1_listening")).fill(listening)
    for ability in ("reading", "writing", "speaking"):
        page.get_by_label(**label(f"lang1_{ability}")).fill(f"{test[ability]:g}")
    job = PROFILE["work_history"][0]
    page.get_by_label(**label("canada_noc")).fill(job["noc"])
    page.get_by_label(**label("canada_start")).fill(job["start"])
    page.get_by_label(**label("canada_hours")).fill(str(job["hours_per_week"]))


def submit_form(page: Any, path: str, button: str) -> Any:
    """Click a form's submit button; the answer to the POST."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith(path)
    ) as answer:
        page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    return answer.value


def test_score_form_gives_the_crs_and_its_breakdown(page: Any) -> None:
    from playwright.sync_api import expect

    from expressentry.profile.model import parse_profile
    from expressentry.scoring.crs import score

    today = dt.date.today()
    expected = score(parse_profile(json.dumps(PROFILE)), today).document()

    page.goto("/score")
    fill_score_form(page, today)
    answer = submit_form(page, "/score", EN("score.submit"))
    assert answer.status == 200

    expect(page.locator("#total")).to_have_text(str(expected["total"]))
    expect(page.locator("#result-title")).to_have_text(EN("score.result", total=expected["total"]))
    # the breakdown, read row by row: a block's row, then its factors
    blocks = {EN(f"block.{b}"): b for b in ("core", "spouse", "transferability", "additional")}
    factors = {EN(k): k for k in EN.messages if k.startswith("factor.")}
    shown: dict[str, dict[str, int]] = {}
    current = ""
    for row in page.locator("#breakdown tbody tr").all():
        name = row.locator("th").inner_text().strip()
        points = int(row.locator("td").inner_text().strip())
        if "block" in (row.get_attribute("class") or ""):
            current = blocks[name]
            shown[current] = {"total": points}
        else:
            shown[current][factors[name].removeprefix("factor.")] = points
    assert shown == {b: expected[b] for b in blocks.values()}
    # the rows add up: the blocks to the total, the factors to their block (less any cap)
    assert sum(block["total"] for block in shown.values()) == expected["total"]
    for name, block in shown.items():
        parts = sum(v for k, v in block.items() if k != "total")
        if name in ("core", "spouse"):
            assert parts == block["total"], name
        else:  # transferability and additional points are capped
            assert parts >= block["total"], name
    # the page focuses its result, and the what-if table and the programs follow it
    expect(page.locator("#result")).to_be_focused()
    expect(page.locator("#suggestions tbody tr").first).to_be_visible()
    expect(page.locator("#category-results")).to_be_visible()
    # the form keeps what was typed
    expect(page.get_by_label(**label("canada_noc"))).to_have_value("21231")


def test_a_bad_value_is_named_beside_its_field(page: Any) -> None:
    """An IELTS band of 12 (the browser lets it through): the summary links to the field."""
    from playwright.sync_api import expect

    page.goto("/score")
    fill_score_form(page, dt.date.today(), listening="12")
    answer = submit_form(page, "/score", EN("score.submit"))
    assert answer.status == 422

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text(EN("form_problems.one"))
    link = summary.locator('a[href="#f-lang1_listening"]')
    expect(link).to_have_text(EN("field.lang1_listening"))
    field = page.locator("#f-lang1_listening")
    expect(field).to_have_attribute("aria-invalid", "true")
    # the error, after the hint of the test's scale
    expect(field).to_have_attribute(
        "aria-describedby", re.compile(r"^h-lang1-scales e-lang1_listening$")
    )
    expect(page.locator("#e-lang1_listening")).to_be_visible()
    expect(field).to_have_value("12")
    expect(page.locator("#breakdown")).to_have_count(0)
    link.click()
    assert page.evaluate("location.hash") == "#f-lang1_listening"


def test_text_in_a_number_field_is_refused_without_a_crash(page: Any) -> None:
    """Letters where a number belongs (a browser without number inputs sends them as typed)."""
    from playwright.sync_api import expect

    page.goto("/score")
    fill_score_form(page, dt.date.today())
    page.locator("#f-lang1_listening").evaluate("el => { el.type = 'text'; el.value = 'abc'; }")
    answer = submit_form(page, "/score", EN("score.submit"))
    assert answer.status == 422

    expect(page.locator('.error-summary a[href="#f-lang1_listening"]')).to_be_visible()
    expect(page.locator("#e-lang1_listening")).to_have_text(
        EN("form_reason.not_number", value="abc")
    )
    expect(page.locator("h1")).to_have_text(EN("score.title"))


# --- the occupation table ---------------------------------------------------------------------


def showing(first: int, last: int, total: int, listed: int | None = None) -> str:
    text = EN("table.showing", first=number(first), last=number(last), total=number(total))
    if listed is not None:
        text += " " + EN("table.filtered", listed=number(listed))
    return text


def test_stem_occupation_table_filters_sizes_and_pages(page: Any) -> None:
    from playwright.sync_api import expect

    from expressentry.rules.categories import default_categories, occupation_table

    version = default_categories().version_at("stem", dt.date.today())
    everything = occupation_table(version)
    engineers = occupation_table(version, "engineer")
    n = len(everything)
    assert n > 10, "the STEM table must have a second page for this test"
    assert 0 < len(engineers) < n

    page.goto("/categories/stem")
    info = page.locator("#table-info")
    rows = page.locator("#occupation-table tbody tr")
    expect(info).to_have_text(showing(1, 10, n))
    expect(rows).to_have_count(10)
    expect(rows.first.locator("td").first).to_have_text(everything[0].title)

    # Next and Previous
    page.locator('nav.pager a[rel="next"]').click()
    expect(info).to_have_text(showing(11, min(20, n), n))
    expect(rows).to_have_count(min(20, n) - 10)
    expect(rows.first.locator("td").first).to_have_text(everything[10].title)
    expect(page.locator('nav.pager span[aria-current="page"]')).to_have_text("2")
    page.locator('nav.pager a[rel="prev"]').click()
    expect(info).to_have_text(showing(1, 10, n))
    expect(page.locator('nav.pager a[rel="prev"]')).to_have_count(0)

    # the filter narrows the rows as you type (the script submits the form)
    page.locator("#filter").press_sequentially("engineer")
    expect(info).to_have_text(showing(1, min(10, len(engineers)), len(engineers), listed=n))
    expect(rows).to_have_count(min(10, len(engineers)))
    for text in rows.all_inner_texts():
        assert "engineer" in text.lower(), text
    assert {r.locator("td").nth(1).inner_text() for r in rows.all()} == {
        o.code for o in engineers[:10]
    }
    expect(page.locator("#filter")).to_have_value("engineer")

    # 25 entries a page (the select submits the form), without the filter
    page.goto("/categories/stem")
    expect(info).to_have_text(showing(1, 10, n))
    page.locator("#size").select_option("25")
    expect(info).to_have_text(showing(1, min(25, n), n))
    expect(rows).to_have_count(min(25, n))
    expect(page.locator("#size")).to_have_value("25")
    if n > 25:
        page.locator('nav.pager a[rel="next"]').click()
        expect(info).to_have_text(showing(26, min(50, n), n))
        page.locator('nav.pager a[rel="prev"]').click()
        expect(info).to_have_text(showing(1, 25, n))
    else:  # one page: Next is not a link
        expect(page.locator('nav.pager a[rel="next"]')).to_have_count(0)
        expect(page.locator('nav.pager span[aria-disabled="true"]')).to_have_count(2)


# --- French -----------------------------------------------------------------------------------


def test_language_toggle_switches_to_french_and_is_remembered(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    toggle = page.locator("a.lang-toggle")
    expect(toggle).to_have_text(EN("nav.other_language"))
    expect(toggle).to_have_attribute("hreflang", "fr")
    toggle.click()

    expect(html).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text(FR("home.title"))
    expect(page).to_have_title(f"{FR('home.title')} – {FR('site.name')}")
    expect(page.locator("a.lang-toggle")).to_have_text(FR("nav.other_language"))
    # another page, reached by a plain link (no ?lang=): still French (the cookie)
    page.get_by_role("link", name=FR("nav.categories"), exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/categories$"))
    expect(html).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text(FR("categories.title"))
    page.goto("/score")
    expect(page.get_by_label(FR("field.date_of_birth"), exact=True)).to_be_visible()
    # ?lang=en brings English back, and that is remembered too
    page.goto("/categories?lang=en")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(EN("categories.title"))
    page.goto("/")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(EN("home.title"))


# --- the officer ------------------------------------------------------------------------------


def test_officer_previews_then_runs_a_round(page: Any, live: Live) -> None:
    from playwright.sync_api import expect

    from expressentry.rounds.service import RoundRequest

    svc = live.services
    log_in(page, live, "officer")
    expect(page).to_have_url(f"{live.base}/officer")
    expect(page.locator("figure.chart svg")).to_be_visible()
    expect(page.locator("#pool-size")).to_have_text(number(svc.pool.stats()["in_pool"]))
    expect(page.locator("#distribution tbody tr").first).to_be_visible()
    expect(page.locator("#per-category tbody tr").first).to_be_visible()

    page.get_by_role("link", name=EN("nav.rounds"), exact=True).click()
    expect(page.locator("h1")).to_have_text(EN("rounds.title"))
    held = page.locator("#rounds-table tbody tr")
    before = len(svc.rounds.list())
    expect(held).to_have_count(before)
    at = dt.datetime.fromisoformat(page.locator("#f-at").input_value()).replace(tzinfo=dt.UTC)

    # a preview writes nothing
    page.locator("#f-round_type").select_option("general")
    page.locator("#f-size").fill("3")
    answer = submit_form(page, "/officer/rounds", EN("rounds.preview"))
    assert answer.status == 200
    expected = svc.rounds.preview(RoundRequest(at=at, round_type="general", size=3))
    expect(page.locator("#preview-invitations")).to_have_text(number(expected.invitations))
    assert expected.invitations == 3
    expect(page.locator("#preview-lowest")).to_have_text(str(expected.lowest_crs))
    expect(held).to_have_count(before)
    assert len(svc.rounds.list()) == before

    # a category round of 5 (fewer if fewer are eligible)
    request = RoundRequest(at=at, round_type="category", size=5, category="stem")
    expected = svc.rounds.preview(request)
    page.locator("#f-round_type").select_option("category")
    page.locator("#f-category").select_option("stem")
    page.locator("#f-size").fill("5")
    submit_form(page, "/officer/rounds", EN("rounds.run"))
    # "Run the round" asks first; nothing is run until the officer confirms
    expect(page.locator("#confirm-run")).to_be_visible()
    assert len(svc.rounds.list()) == before
    page.locator("#confirm-run-button").click()
    ran = re.compile(r"/officer/rounds/(\d+)\?ran=1$")
    expect(page).to_have_url(ran)
    match = ran.search(page.url)
    assert match
    round_id = int(match.group(1))
    assert round_id == max(r["round_id"] for r in svc.rounds.list())
    expect(page.locator("h1")).to_have_text(EN("round.title", id=round_id))
    expect(page.locator("#round-invitations")).to_have_text(number(expected.invitations))
    expect(page.locator("#invited tbody tr")).to_have_count(expected.invitations)
    shown = page.locator("#invited tbody tr td:nth-child(2)").all_inner_texts()
    assert shown == [i.profile_id for i in expected.invited]
    assert len(svc.rounds.list()) == before + 1

    # the audit log names the officer
    login = page.request.post(
        "/api/login",
        data={"username": "officer", "password": live.site.passwords["officer"]},
    )
    assert login.ok, login.text()
    audit = page.request.get(
        f"/api/audit?subject=round:{round_id}",
        headers={"Authorization": f"Bearer {login.json()['token']}"},
    )
    assert audit.ok, audit.text()
    runs = [e for e in audit.json()["events"] if e["kind"] == "round.run"]
    assert [e["actor"] for e in runs] == ["officer"]


# --- the candidate ----------------------------------------------------------------------------


def test_candidate_applies_and_the_officer_sees_the_application(
    page: Any, live: Live, new_context: Callable[[], Any]
) -> None:
    from playwright.sync_api import expect

    svc = live.services
    profile_id = live.site.invited[0]
    invitee = next(
        i for i in svc.rounds.show(live.site.round_id).invited if i.profile_id == profile_id
    )
    log_in(page, live, "candidate")
    expect(page).to_have_url(f"{live.base}/candidate")
    expect(page.locator("#status")).to_have_text(EN("status.invited"))
    expect(page.locator("#crs")).to_have_text(str(invitee.crs))
    # an invited profile has left the pool's ranking: no rank is shown
    expect(page.locator("#rank")).to_have_count(0)
    row = page.locator("#invitations tbody tr").filter(
        has=page.get_by_role("cell", name=str(live.site.round_id), exact=True)
    )
    expect(row).to_have_count(1)
    expect(row.locator(".ita-status")).to_have_text(EN("ita.outstanding"))
    expect(row.locator("td.num")).to_have_text(str(invitee.crs))

    page.get_by_role("button", name=EN("candidate.apply")).click()
    expect(page).to_have_url(f"{live.base}/candidate?done=apply")
    expect(page.locator(".notice")).to_have_text(EN("candidate.done.apply"))
    expect(row.locator(".ita-status")).to_have_text(EN("ita.applied"))
    expect(page.locator("#status")).to_have_text(EN("status.applied"))
    expect(page.get_by_role("button", name=EN("candidate.apply"))).to_have_count(0)

    officer = new_context().new_page()
    log_in(officer, live, "officer")
    officer.goto("/officer/applications")
    mine = officer.locator("#applications-table tbody tr").filter(has_text=profile_id)
    expect(mine).to_have_count(1)
    expect(mine.locator("td").nth(4)).to_have_text(EN("application.submitted"))
    expect(mine.get_by_role("link", name=EN("decision.review"))).to_be_visible()


# --- accessibility ----------------------------------------------------------------------------


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/score")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_have_text(EN("nav.skip"))
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is hidden"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # the next Tab goes on inside main, not back to the menu
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


#: in the page: the form controls with no label of their own (``label[for=id]`` with text)
UNLABELLED_JS = """
() => [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
  .filter((el) => {
    const labels = el.id ? document.querySelectorAll(`label[for="${CSS.escape(el.id)}"]`) : [];
    return labels.length !== 1 || !labels[0].textContent.trim();
  })
  .map((el) => el.outerHTML.slice(0, 120))
"""


@pytest.mark.parametrize("path", ["/score", "/eligibility", "/login", "/categories/stem"])
def test_every_form_control_has_a_label(page: Any, path: str) -> None:
    page.goto(path)
    controls = page.locator("input:not([type=hidden]), select, textarea")
    assert controls.count() >= (50 if path == "/score" else 1)  # /score: every CRS factor
    unlabelled = page.evaluate(UNLABELLED_JS)
    assert not unlabelled, f"controls without a label on {path}: {unlabelled}"
    # a control given a bare id is found (the check can fail)
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=x>')")
    assert page.evaluate(UNLABELLED_JS) == ['<input id="x">']


CONTRAST = [
    ("/", "body", "body text"),
    ("/", "main .lead", "lead paragraph"),
    ("/", "main a", "a link in the page"),
    ("/", "header.site .brand", "site name on the header"),
    ("/", "header.site .tagline", "tagline on the header"),
    ("/", "nav.menu a", "menu link"),
    ("/", "footer.site p", "footer text"),
    ("/score", "button.primary", "primary button"),
    ("/score", ".hint", "hint text"),
    ("/categories", "a.button", "secondary button"),
]


def test_text_contrast_meets_wcag_aa(page: Any) -> None:
    weak = []
    loaded = ""
    for path, selector, what in CONTRAST:
        if path != loaded:
            page.goto(path)
            loaded = path
        colors = page.evaluate(COLORS_JS, selector)
        assert colors is not None, f"{selector} is not on {path}"
        assert not colors["translucent"], f"{what}: translucent background {colors}"
        ratio = contrast_ratio(colors["color"], colors["background"])
        if ratio < 4.5:
            weak.append(f"{what} ({selector} on {path}): {ratio:.2f} {colors}")
    assert not weak, "contrast below 4.5:1: " + "; ".join(weak)


def test_contrast_ratio_itself() -> None:
    """The helper gives WCAG's reference values (so the test above can fail)."""
    assert contrast_ratio("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21.0)
    assert contrast_ratio("rgb(119, 119, 119)", "rgb(255, 255, 255)") == pytest.approx(
        4.48, abs=0.01
    )
    assert contrast_ratio("rgb(51, 51, 51)", "rgb(255, 255, 255)") == pytest.approx(12.63, abs=0.01)


def test_officer_walks_from_preview_to_a_confirmed_run_and_a_recorded_decision(
    page: Any, live: Live
) -> None:
    """Issue 17: the preview lists who would be invited; "Run the round" asks for a
    confirmation; the invitees link to their profiles; an application has a decision page with
    the verified profile's recomputed score and its category eligibility; the decision needs an
    explicit finding and reasons, and is recorded."""
    from playwright.sync_api import expect

    from expressentry.rounds.service import RoundRequest
    from expressentry.scoring.crs import score

    svc = live.services
    log_in(page, live, "officer")
    page.goto("/officer/rounds")
    before = len(svc.rounds.list())
    at = dt.datetime.fromisoformat(page.locator("#f-at").input_value()).replace(tzinfo=dt.UTC)
    page.locator("#f-round_type").select_option("category")
    page.locator("#f-category").select_option("stem")
    page.locator("#f-size").fill("4")

    # the preview: how many, and who, in rank order, each linked to the profile
    expected = svc.rounds.preview(
        RoundRequest(at=at, round_type="category", category="stem", size=4)
    )
    assert expected.invitations >= 1, "the site has STEM candidates"
    assert submit_form(page, "/officer/rounds", EN("rounds.preview")).status == 200
    invitees = page.locator("#preview-invitees tbody tr")
    expect(invitees).to_have_count(expected.invitations)
    names = page.locator("#preview-invitees tbody tr td:nth-child(2)").all_inner_texts()
    assert names == [i.profile_id for i in expected.invited]
    expect(page.locator("#confirm-run")).to_have_count(0)

    # Run: a confirmation naming the number invited; still nothing written
    submit_form(page, "/officer/rounds", EN("rounds.run"))
    confirm = page.locator("#confirm-run")
    expect(confirm).to_be_visible()
    count = expected.invitations
    word = "one" if count == 1 else "many"
    expect(page.locator("#confirm-run-button")).to_have_text(
        EN(f"round_confirm.run.{word}", count=number(count))
    )
    expect(page.locator("#preview-invitees tbody tr")).to_have_count(count)
    assert len(svc.rounds.list()) == before
    page.locator("#confirm-run-button").click()
    ran = re.compile(r"/officer/rounds/(\d+)\?ran=1$")
    expect(page).to_have_url(ran)
    round_id = int(ran.search(page.url).group(1))  # type: ignore[union-attr]
    assert len(svc.rounds.list()) == before + 1
    held = svc.rounds.show(round_id)
    assert [i.profile_id for i in held.invited] == [i.profile_id for i in expected.invited]
    # no raw ISO timestamps on the page
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", page.locator("main").inner_text())

    # an invitee's profile, from the round page
    first = held.invited[0]
    page.get_by_role("link", name=first.profile_id, exact=True).first.click()
    expect(page).to_have_url(f"{live.base}/officer/profiles/{first.profile_id}")
    expect(page.locator("#crs")).to_have_text(str(first.crs))
    expect(page.locator("#breakdown")).to_be_visible()

    # the invitee applies; the officer opens the application from the paged list
    application = svc.invitations.apply(first.profile_id, actor="candidate")
    page.goto("/officer/applications")
    expect(page.locator("#applications-count")).to_be_visible()
    row = page.locator("#applications-table tbody tr").filter(has_text=first.profile_id)
    row.get_by_role("link", name=EN("decision.review")).click()
    expect(page).to_have_url(f"{live.base}/officer/applications/{application}")
    detail = svc.invitations.application(application)
    from expressentry.profile.model import parse_profile

    verified = parse_profile(json.dumps(detail["profile"]))
    on = dt.datetime.fromisoformat(detail["issued_at"]).date()
    expect(page.locator("#recomputed-crs")).to_have_text(str(score(verified, on).total))
    expect(page.locator("#claimed-crs")).to_have_text(str(first.crs))
    expect(page.locator("#round-lowest")).to_have_text(str(held.lowest_crs))
    expect(page.locator("#round-category")).to_contain_text(EN("category.stem"))
    expect(page.locator("#category-results")).to_be_visible()

    # a decision is not one click: with no finding and no reasons, both are asked for
    page.get_by_role("button", name=EN("decision_form.record")).click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#e-admissible")).to_have_text(EN("decision_form.choose"))
    expect(page.locator("#e-finding")).to_have_text(EN("decision_form.reasons_needed"))
    assert svc.invitations.application(application)["status"] == "submitted"
    page.get_by_label(EN("decision_form.yes")).check()
    page.get_by_label(EN("decision_form.reasons")).fill("Documents verified; no concerns.")
    page.get_by_role("button", name=EN("decision_form.record")).click()
    expect(page).to_have_url(f"{live.base}/officer/applications/{application}?decided=1")
    expect(page.locator("#decided")).to_have_text(EN("decision.recorded"))
    recorded = svc.invitations.application(application)
    assert recorded["status"] in ("approved", "refused")
    expect(page.locator("#outcome")).to_have_text(EN(f"application.{recorded['status']}"))
    expect(page.locator("#finding")).to_have_text("Documents verified; no concerns.")
    checks = page.locator("#decision-checks li")
    expect(checks.first).to_have_text(
        EN("decision.check_program_met", program=EN(f"program.{first.program}"))
        if recorded["decision"]["checks"]["program"]["met"]
        else EN("decision.check_program_not_met", program=EN(f"program.{first.program}"))
    )
    expect(checks.last).to_have_text(EN("decision_form.yes"))
    # the same page in French words the checks from the French catalog
    page.goto(f"/officer/applications/{application}?lang=fr")
    expect(page.locator("#decision-checks li").last).to_have_text(FR("decision_form.yes"))
    assert recorded["decision"]["checks"]["admissibility"] == {
        "admissible": True,
        "finding": "Documents verified; no concerns.",
    }


def test_the_profile_form_folds_what_does_not_apply(page: Any) -> None:
    """Issue 17: the spouse section only for a spouse, further jobs behind "Add another job",
    only the chosen test's scale; every problem reported at once, with a plural heading."""
    from playwright.sync_api import expect

    page.goto("/score")
    spouse = page.locator("#fs-spouse")
    expect(spouse).to_be_hidden()
    page.get_by_label(**label("marital_status")).select_option("married")
    expect(spouse).to_be_visible()
    page.get_by_label(**label("marital_status")).select_option("single")
    expect(spouse).to_be_hidden()

    more = page.locator("#fs-more_work")
    expect(more).to_be_hidden()
    page.get_by_role("button", name=EN("jobs.add")).click()
    expect(more).to_be_visible()
    expect(page.locator("#f-canada_2_noc")).to_be_focused()

    scales = page.locator("#h-lang1-scales li")
    expect(scales).to_have_count(5)
    page.get_by_label(**label("lang1_test")).select_option("tcf_canada")
    expect(page.locator("#h-lang1-scales li:visible")).to_have_count(1)
    expect(page.locator("#h-lang1-scales li:visible")).to_contain_text("TCF Canada")

    # a second job abroad, a country by its French name, and two problems at once
    fill_score_form(page, dt.date.today())
    page.get_by_label(**label("date_of_birth")).fill("")
    page.get_by_label(**label("lang1_test")).select_option("ielts_general")
    page.get_by_label(**label("lang1_reading")).fill("9.5")
    page.locator("#f-foreign_2_noc").fill("21231")
    page.locator("#f-foreign_2_country").fill("Inde")
    page.locator("#f-foreign_2_start").fill("2015-01-05")
    page.locator("#f-foreign_2_end").fill("2016-12-31")
    answer = submit_form(page, "/score", EN("score.submit"))
    assert answer.status == 422
    summary = page.locator(".error-summary")
    expect(summary.locator("h2")).to_have_text(EN("form_problems.many", count=2))
    expect(summary.locator('a[href="#f-date_of_birth"]')).to_be_visible()
    expect(summary.locator('a[href="#f-lang1_reading"]')).to_be_visible()
    # the further job the visitor typed stays shown (not folded away) and kept
    expect(more).to_be_visible()
    expect(page.locator("#f-foreign_2_country")).to_have_value("Inde")
