"""Every format writes a valid file: CSV parses, JSON parses, HTML is one self-contained page
with its charts inline, Markdown has its tables and linked charts, PDF is a PDF."""

from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from expressentry.reports import build
from expressentry.reports.render import to_html, to_markdown, write


@pytest.fixture(scope="module")
def rounds_2024() -> Any:
    return build("rounds", year=2024)


class _Page(HTMLParser):
    """Tags, external references and ids of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)
            external = name in ("src", "href") and tag in ("img", "script", "link")
            if external and value and not value.startswith("data:"):
                self.external.append(value)


def parse_page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def test_csv_parses(rounds_2024: Any, tmp_path: Path) -> None:
    out = tmp_path / "rounds.csv"
    write(rounds_2024, "csv", out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 52
    first = rows[0]
    assert first["number"] == "279" and first["date"] == "2024-01-10"
    assert first["held_at"] == "2024-01-10T16:59:13Z"
    assert first["crs_cutoff"] == "546" and first["tie_break"] == "2023-12-31T18:23:22Z"
    assert first["rank_needed"] == "1510"
    assert int(first["dist_total"]) == 212_157
    bands = ["dist_601_1200", "dist_501_600", "dist_451_500", "dist_401_450"]
    bands += ["dist_351_400", "dist_301_350", "dist_0_300"]
    assert sum(int(first[b]) for b in bands) == int(first["dist_total"])


def test_json_parses(rounds_2024: Any, tmp_path: Path) -> None:
    out = tmp_path / "rounds.json"
    write(rounds_2024, "json", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["report"] == "rounds" and doc["year"] == 2024 and doc["empty"] is False
    assert len(doc["rounds"]) == 52
    last = doc["rounds"][-1]
    assert last["number"] == "330" and last["program"] == "pnp"
    assert set(last) >= {"held_at", "tie_break", "rank_needed", "distribution", "crs_cutoff"}
    assert last["distribution"]["total"] == 221_310


def test_html_is_self_contained_with_inline_charts(rounds_2024: Any, tmp_path: Path) -> None:
    out = tmp_path / "rounds.html"
    write(rounds_2024, "html", out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    page = parse_page(text)
    assert "svg" in page.tags  # the chart, inline
    assert page.external == []  # no stylesheet, script or image to fetch
    assert len(page.ids) == len(set(page.ids)), "ids must be unique on the page"
    assert "<style>" in text and "98,903" in text
    assert text.count("<tr>") >= 52


def test_two_charts_on_a_page_share_no_ids(tmp_path: Path) -> None:
    report = build("categories")  # every year: four charts
    text = to_html(report)
    page = parse_page(text)
    assert page.tags.count("svg") >= 3
    assert len(page.ids) == len(set(page.ids))
    # every url(#id) points at an id of the page
    for ref in re.findall(r"url\(#([^)]+)\)", text):
        assert ref in page.ids


def test_markdown_has_tables_and_chart_files(rounds_2024: Any, tmp_path: Path) -> None:
    out = tmp_path / "rounds.md"
    write(rounds_2024, "md", out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Rounds of invitations, 2024")
    assert "| No. | Date and time of round |" in text
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links == ["rounds_charts/cutoffs.svg"]
    charts = tmp_path / "rounds_charts"
    assert (charts / "cutoffs.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert (charts / "cutoffs.png").read_bytes().startswith(b"\x89PNG")


def test_markdown_to_standard_output_has_no_chart_links(rounds_2024: Any) -> None:
    text = to_markdown(rounds_2024)
    assert "![" not in text and "| 279 |" in text


def test_pdf(tmp_path: Path, report_cli: Any) -> None:
    out = tmp_path / "rounds-2016.pdf"
    result = report_cli("rounds", "--year", "2016", "--out", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"%%EOF" in data[-1024:]
    assert "wrote rounds report" in result.stdout


def test_format_from_the_file_suffix(report_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    result = report_cli("categories", "--year", "2025", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["years"]["2025"]["invitations"] == 113_998


def connect_db(url: str):  # type: ignore[no-untyped-def]
    from expressentry.pool.db import connect

    return connect(url)


def test_multi_table_csv_is_one_csv_per_table_in_a_zip(system_db: str, tmp_path) -> None:
    import io
    import zipfile

    from expressentry.reports.render import csv_is_archive, render

    engine = connect_db(system_db)
    try:
        report = build("year-end", year=2025, source="system", engine=engine)
    finally:
        engine.dispose()
    assert csv_is_archive(report)
    archive = zipfile.ZipFile(io.BytesIO(render(report, "csv")))
    tables = {name.split("-", 1)[1].removesuffix(".csv"): name for name in archive.namelist()}
    assert {"pool_crs", "inv_program", "inv_noc", "eligibility"} <= set(tables)
    rows = list(csv.reader(archive.read(tables["inv_program"]).decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "Program" and all(len(r) == len(rows[0]) for r in rows)


def test_the_cli_writes_the_csv_of_several_tables_as_a_zip(report_cli, system_db, tmp_path) -> None:
    import zipfile

    bad = report_cli("year-end", "--year", "2025", "--db", system_db, "--format", "csv")
    assert bad.exit_code == 2 and "ZIP archive of one CSV file per table" in bad.output
    named = report_cli(
        "year-end",
        "--year",
        "2025",
        "--db",
        system_db,
        "--out",
        str(tmp_path / "y.csv"),
        "--format",
        "csv",
    )
    assert named.exit_code == 2 and ".zip" in named.output
    out = tmp_path / "year-end.zip"
    result = report_cli("year-end", "--year", "2025", "--db", system_db, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(zipfile.ZipFile(out).namelist()) > 5
