"""The analyst's report choices (issue 17): years that have something, PDF and CSV files."""

from __future__ import annotations

import datetime as dt
import re


def _years(html: str, kind: str) -> list[int]:
    select = re.search(rf'<select id="year-{kind}" name="year">(.*?)</select>', html, re.S)
    assert select, kind
    return [int(y) for y in re.findall(r'<option value="(\d{4})"', select.group(1))]


def test_the_parliament_year_picker_offers_only_years_with_categories(as_user) -> None:
    html = as_user("analyst").get("/analyst").text
    this_year = dt.date.today().year
    assert _years(html, "parliament") == list(range(this_year, 2022, -1))
    rounds = _years(html, "rounds")
    assert rounds[-1] == 2015 and rounds[0] >= 2026  # the whole history
    assert "/analyst/reports/parliament" in html


def test_a_report_page_offers_pdf_and_the_csv_as_it_is(as_user) -> None:
    analyst = as_user("analyst")
    page = analyst.get("/analyst/reports/parliament?year=2025").text
    link = re.search(r'<a href="(/api/reports/parliament\?format=pdf[^"]*)" download>PDF</a>', page)
    assert link, page[:2000]
    pdf = analyst.get(link.group(1).replace("&amp;", "&"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    year = dt.date.today().year
    year_end = analyst.get(f"/analyst/reports/year-end?year={year}").text
    assert "CSV (ZIP: one file per table)" in year_end
    assert "sqlite:" not in year_end  # no server database path on the page
    french = analyst.get(f"/analyst/reports/year-end?year={year}&lang=fr").text
    assert "CSV (ZIP : un fichier par tableau)" in french
