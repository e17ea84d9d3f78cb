"""A year-end report of a year not over (issue 17): facts as of the day, the projection apart,
and no database path in what people read."""

from __future__ import annotations

import datetime as dt

import pytest

from expressentry.pool.db import connect
from expressentry.pool.service import Pool
from expressentry.reports import build
from expressentry.reports.render import render

TODAY = dt.datetime(2025, 11, 1, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def engine(system_db: str):  # type: ignore[no-untyped-def]
    engine = connect(system_db)
    Pool(engine).expire_due(TODAY, actor="test")  # what the system does every day
    yield engine
    engine.dispose()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_pool_of_the_day_is_a_fact_and_the_year_end_a_projection(engine, lang) -> None:
    report = build(
        "year-end", year=2025, source="system", engine=engine, lang=lang, generated_at=TODAY
    )
    data = report.data
    assert data["in_progress"] is True and data["as_of"] == "2025-11-01T15:30:00Z"
    # the pool today is what `pool stats` counts
    assert data["pool"]["count"] == Pool(engine).stats(at=TODAY)["in_pool"]
    # the projection only loses the profiles expiring before December 31
    assert data["pool_projection"]["count"] <= data["pool"]["count"]
    text = render(report, "md").decode()
    if lang == "en":
        assert "The year 2025 is not over" in text and "November 1, 2025 at 15:30 UTC" in text
        assert "Candidates in the pool today, November 1, 2025" in text
        assert "Projection: candidates still in the pool on December 31, 2025" in text
        assert "in the pool on December 31, 2025:** " not in text
    else:
        assert "L'année 2025 n'est pas terminée" in text and "Projection" in text
        assert "aujourd'hui, le 1er novembre 2025" in text


def test_a_past_year_has_no_projection(engine) -> None:
    after = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    report = build("year-end", year=2025, source="system", engine=engine, generated_at=after)
    assert report.data["in_progress"] is False and report.data["pool_projection"] is None
    text = render(report, "md").decode()
    assert "Candidates in the pool on December 31, 2025" in text and "Projection" not in text


@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv"])
def test_no_report_shows_the_database_path(engine, system_db: str, fmt: str) -> None:
    path = system_db.removeprefix("sqlite:///")
    for kind in ("year-end", "rounds", "categories"):
        report = build(kind, year=2025, source="system", engine=engine, generated_at=TODAY)
        data = render(report, fmt)
        assert path.encode() not in data and b"sqlite:" not in data, kind
