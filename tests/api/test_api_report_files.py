"""Reports as files over HTTP (issue 17): PDF from the API, CSV as one file per table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from expressentry.api import create_app
from site_fixture import Site, build_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    path: Path = tmp_path_factory.mktemp("reports-api") / "site.db"
    return build_site(f"sqlite:///{path}", size=150)


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    app = create_app(site.url, web=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.services.engine.dispose()


@pytest.fixture(scope="module")
def analyst(client: TestClient, site: Site) -> dict[str, str]:
    answer = client.post(
        "/api/login", json={"username": "analyst", "password": site.passwords["analyst"]}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_report_comes_as_pdf(client, analyst, lang) -> None:
    answer = client.get(
        f"/api/reports/parliament?year=2025&format=pdf&lang={lang}", headers=analyst
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    assert f'filename="parliament-2025-{lang}.pdf"' in answer.headers["content-disposition"]


def test_a_report_of_several_tables_is_one_csv_per_table(client, analyst) -> None:
    year = dt.date.today().year
    answer = client.get(f"/api/reports/year-end?year={year}&format=csv&lang=fr", headers=analyst)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    assert f"year-end-{year}-fr.zip" in answer.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    names = archive.namelist()
    assert len(names) > 3 and all(n.endswith(".csv") for n in names)
    for name in names:
        text = archive.read(name).decode("utf-8-sig")
        rows = list(csv.reader(text.splitlines()))
        header = rows[0]
        assert header and "table" not in header  # its own columns, not the long form
        assert all(len(row) == len(header) for row in rows)
    # the columns are labelled in the report's language
    assert any("Programme" in archive.read(n).decode("utf-8-sig").splitlines()[0] for n in names)


def test_a_report_of_one_table_stays_one_csv(client, analyst) -> None:
    answer = client.get("/api/reports/rounds?year=2024&format=csv", headers=analyst)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.text.splitlines()[0].startswith("number,date")
