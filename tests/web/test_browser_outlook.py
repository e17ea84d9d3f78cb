"""The invitation outlook in a real browser (Chromium through Playwright): the score result
shows it with its chart and assumptions (the French page is checked in ``test_pool_model_pages``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from test_browser import (  # the browser tests' site, server, browser and helpers
    EN,
    browser,
    fill_score_form,
    live,
    new_context,
    page,
    submit_form,
)

__all__ = ["browser", "live", "new_context", "page"]  # fixtures used by name


def test_the_score_result_shows_the_outlook_with_its_chart(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/score")
    fill_score_form(page, dt.date(2026, 8, 10))
    answer = submit_form(page, "/score", EN("score.submit"))
    assert answer.status == 200
    outlook = page.locator("#outlook")
    expect(outlook.locator("h2")).to_have_text(EN("outlook.title"))
    cells = outlook.locator("#outlook-table td")
    expect(cells).to_have_count(4)
    values = [int(re.sub(r"\D", "", cells.nth(i).inner_text())) for i in range(4)]
    assert values == sorted(values) and all(0 <= v <= 100 for v in values)
    expect(outlook.locator("svg")).to_be_visible()
    expect(page.locator("#outlook-assumptions")).to_be_visible()
    expect(page.locator("#outlook-table tbody th").first).to_have_text(EN("outlook.within.1"))
