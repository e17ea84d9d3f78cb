"""Screenshots of the pages, for the documentation: ``python docs/screenshots/take.py [--all]``.

Builds the small demo site of the tests (``tests/site_fixture.py``: a pool of 300 synthetic
profiles, a general round held an hour ago, an officer, an analyst and a candidate holding an
invitation) on a SQLite file in a temporary folder, serves the app under uvicorn on a free port
(``tests/web/browser_fixtures.py``) and saves full-page PNGs, 1280 px wide, with the system's
Chromium (/usr/bin/chromium, or EXPRESSENTRY_CHROMIUM). A page whose PNG would pass MAX_BYTES is
cropped to the viewport. By default only the screenshots kept in the repository (``KEPT``) are
written; ``--all`` writes one of every page. ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "web")]

from browser_fixtures import browser_problem, launch_chromium, live_server  # noqa: E402

from site_fixture import Site, build_site  # noqa: E402

WIDTH, HEIGHT = 1280, 900
#: above this a full-page PNG is replaced by the viewport alone (the files are committed)
MAX_BYTES = 400_000
#: the screenshots kept in docs/screenshots/
KEPT = (
    "score-result",
    "score-fr",
    "category-stem-filtered",
    "candidate",
    "officer",
    "rounds-preview",
    "round",
    "history",
)

PROFILE_FORM = {
    "f-date_of_birth": "1994-05-10",
    "f-marital_status": "single",
    "f-education_level": "masters",
    "f-education_country": "IN",
    "f-education_completed_on": "2018-06-30",
    "f-education_eca_issued_on": "2024-02-01",
    "f-first_official_language": "english",
    "f-lang1_test": "ielts_general",
    "f-lang1_taken_on": "2025-03-01",
    "f-lang1_listening": "8.5",
    "f-lang1_reading": "7",
    "f-lang1_writing": "7",
    "f-lang1_speaking": "7.5",
    "f-canada_noc": "21231",
    "f-canada_start": "2023-05-15",
    "f-canada_hours": "40",
    "f-foreign_noc": "21231",
    "f-foreign_country": "IN",
    "f-foreign_start": "2019-01-01",
    "f-foreign_end": "2022-12-31",
}


def fill_profile(page: Any) -> None:
    for ident, value in PROFILE_FORM.items():
        field = page.locator(f"#{ident}")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def submit(page: Any, selector: str = "main form button.primary") -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def log_in(page: Any, site: Site, username: str) -> None:
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(site.passwords[username])
    submit(page)


class Camera:
    def __init__(self, out: Path, wanted: set[str] | None) -> None:
        self.out = out
        self.wanted = wanted
        self.taken: list[tuple[str, int, bool]] = []

    def shoot(self, page: Any, name: str) -> None:
        if self.wanted is not None and name not in self.wanted:
            return
        page.evaluate("document.activeElement && document.activeElement.blur()")
        png = page.screenshot(full_page=True, type="png", animations="disabled")
        cropped = len(png) > MAX_BYTES
        if cropped:
            png = page.screenshot(full_page=False, type="png", animations="disabled")
        path = self.out / f"{name}.png"
        path.write_bytes(png)
        self.taken.append((name, len(png), cropped))


def tour(browser: Any, base: str, site: Site, camera: Camera) -> None:
    """Visit every page, the way a visitor would, and photograph each."""

    def context(locale: str = "en-CA") -> Any:
        return browser.new_context(
            base_url=base, locale=locale, viewport={"width": WIDTH, "height": HEIGHT}
        )

    visitor = context().new_page()
    visitor.goto("/")
    camera.shoot(visitor, "home")
    visitor.goto("/score")
    visitor.locator("#f-as_of").fill(dt.date.today().isoformat())
    fill_profile(visitor)
    submit(visitor)
    camera.shoot(visitor, "score-result")
    french = context("fr-CA").new_page()  # French date fields too
    french.goto("/score?lang=fr")
    fill_profile(french)
    submit(french)
    camera.shoot(french, "score-fr")
    visitor.goto("/categories")
    camera.shoot(visitor, "categories")
    visitor.goto("/categories/stem?filter=engineer#occupations")
    camera.shoot(visitor, "category-stem-filtered")
    visitor.goto("/categories/stem?page=2#occupations")
    camera.shoot(visitor, "category-stem-page-2")
    visitor.goto("/eligibility")
    fill_profile(visitor)
    submit(visitor)
    camera.shoot(visitor, "eligibility-result")
    visitor.goto("/login")
    camera.shoot(visitor, "login")

    candidate = context().new_page()
    log_in(candidate, site, "candidate")
    camera.shoot(candidate, "candidate")

    officer = context().new_page()
    log_in(officer, site, "officer")
    camera.shoot(officer, "officer")
    officer.goto("/officer/rounds")
    officer.locator("#f-round_type").select_option("general")
    officer.locator("#f-size").fill("5")
    submit(officer, "button[value=preview]")
    camera.shoot(officer, "rounds-preview")
    officer.goto(f"/officer/rounds/{site.round_id}")
    camera.shoot(officer, "round")
    officer.goto("/officer/itas")
    camera.shoot(officer, "itas")
    submit(candidate, "form[action='/candidate/apply'] button")
    officer.goto("/officer/applications")
    camera.shoot(officer, "applications")

    analyst = context().new_page()
    log_in(analyst, site, "analyst")
    camera.shoot(analyst, "analyst")
    analyst.goto("/analyst/reports/rounds?year=2025&source=history")
    camera.shoot(analyst, "report")
    analyst.goto("/analyst/history?year=2025")
    camera.shoot(analyst, "history")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every page, not only the kept ones")
    parser.add_argument("--out", type=Path, default=HERE, help="folder of the PNGs")
    args = parser.parse_args(argv)
    problem = browser_problem()
    if problem:
        print(f"cannot take screenshots: {problem}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from expressentry.api import create_app

    args.out.mkdir(parents=True, exist_ok=True)
    camera = Camera(args.out, None if args.all else set(KEPT))
    with tempfile.TemporaryDirectory(prefix="ee-screens-") as tmp:
        site = build_site(f"sqlite:///{Path(tmp) / 'site.db'}")
        with live_server(create_app(site.url)) as base, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                tour(browser, base, site, camera)
            finally:
                browser.close()
    for name, size, cropped in camera.taken:
        print(f"{name}.png {size / 1000:.0f} kB{' (viewport only)' if cropped else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
