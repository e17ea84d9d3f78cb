"""Reports on this system's own data: the year-end report, the rounds it held and the invitations
by category, on a small SQLite pool (see conftest.build_system_db)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from expressentry.pool.db import connect
from expressentry.reports import build


@pytest.fixture
def engine(system_db: str) -> Any:
    eng = connect(system_db)
    yield eng
    eng.dispose()


@pytest.fixture
def year_end(engine: Any) -> dict[str, Any]:
    return build("year-end", year=2025, source="system", engine=engine).document()


def test_year_end_counts_match_the_database(
    year_end: dict[str, Any], engine: Any, system_done: dict[str, Any]
) -> None:
    from expressentry.pool.schema import itas, profiles

    with engine.connect() as conn:
        submitted_2025 = conn.scalar(
            select(func.count()).where(profiles.c.submitted_at >= "2025-01-01")
        )
        issued = conn.scalar(select(func.count()).select_from(itas))
    assert year_end["report"] == "year-end" and year_end["empty"] is False
    assert year_end["submitted"]["count"] == submitted_2025
    assert year_end["submitted"]["crs_distribution"]["total"] == submitted_2025
    assert year_end["invitations"]["count"] == issued == system_done["invitations"]
    assert len(year_end["rounds"]) == 5
    assert sum(r["invitations"] for r in year_end["rounds"]) == issued


def test_year_end_invitation_breakdowns_add_up(year_end: dict[str, Any]) -> None:
    inv = year_end["invitations"]
    n = inv["count"]
    assert sum(inv["by_program"].values()) == n
    assert sum(inv["by_round"].values()) == n
    assert sum(inv["by_crs"].values()) == n
    assert sum(o["count"] for o in inv["by_noc"]) + inv["by_noc_other"] == n
    assert sum(inv["by_teer"].values()) + inv["by_teer_unknown"] == n
    assert sum(inv["by_education"].values()) + inv["by_education_unknown"] == n
    assert sum(inv["by_language"].values()) == n
    assert sum(inv["by_country"].values()) + inv["by_country_other"] == n
    assert inv["by_round"]["french_language_proficiency"] == 10
    assert inv["by_round"]["general"] == 20
    assert all(len(o["noc"]) == 5 and o["title"] for o in inv["by_noc"])
    # the ITAs' outcomes as recorded
    assert sum(year_end["itas"].values()) == n


def test_year_end_applications(year_end: dict[str, Any], system_done: dict[str, Any]) -> None:
    apps = year_end["applications"]
    assert apps["received"] == system_done["applied"]
    assert apps["decided"] == system_done["decided"]
    assert apps["outcomes"]["refused"] == system_done["refused"]
    assert apps["outcomes"]["approved"] == system_done["decided"] - system_done["refused"]
    assert apps["refusals_by_check"]["admissibility"] == system_done["refused"]
    days = sorted(system_done["days"])
    assert apps["processing_days"]["max"] == max(days)
    assert apps["processing_days"]["median"] == pytest.approx(
        (days[(len(days) - 1) // 2] + days[len(days) // 2]) / 2
    )
    assert year_end["itas"]["declined"] == system_done["declined"]
    assert year_end["itas"]["applied"] == system_done["applied"]


def test_year_end_pool_and_category_eligibility(year_end: dict[str, Any], engine: Any) -> None:
    pool = year_end["pool"]
    assert pool["as_of"] == "2025-12-31"
    assert pool["crs_distribution"]["total"] == pool["count"]
    assert 0 < pool["count"] < year_end["submitted"]["count"] + 300
    assert all(n <= pool["count"] for n in pool["categories"].values())
    assert "french_language_proficiency" in year_end["submitted"]["categories"]


def test_year_end_html_has_its_charts(engine: Any, tmp_path: Path) -> None:
    from expressentry.reports.render import write

    report = build("year-end", year=2025, source="system", engine=engine)
    ids = {c.id for c in report.charts()}
    assert {"pool_crs", "eligible_by_category", "cutoffs", "invitations_by_round"} <= ids
    out = tmp_path / "ye.html"
    write(report, "html", out)
    text = out.read_text(encoding="utf-8")
    assert text.count("<svg") == len(ids)
    assert "Who was invited in 2025" in text and "Processing times" in text


def test_year_end_from_the_cli(report_cli: Any, system_db: str, tmp_path: Path) -> None:
    out = tmp_path / "ye.json"
    result = report_cli("year-end", "--year", "2025", "--db", system_db, "--out", str(out))
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["source"] == "system" and doc["year"] == 2025
    # the file people read names no database; the command tells its user which it read
    assert "sqlite:" not in json.dumps(doc) and doc["source_text"] == "this system's database"
    assert f"from {system_db}" in result.output


def test_system_rounds_as_published(engine: Any, system_done: dict[str, Any]) -> None:
    doc = build("rounds", year=2025, source="system", engine=engine).document()
    rounds = doc["rounds"]
    assert [r["number"] for r in rounds] == ["1", "2", "3", "4", "5"]
    for held, record in zip(system_done["rounds"], rounds, strict=True):
        assert record["invitations"] == held.invitations
        assert record["crs_cutoff"] == held.lowest_crs
        assert record["rank_needed"] == held.rank_needed
        assert record["distribution"] == held.distribution
        assert record["eligible"] == held.eligible
    assert rounds[1]["name"] == "French-language proficiency (2025 instructions)"
    assert rounds[2]["name"] == "Canadian Experience Class"


def test_system_invitations_by_category_and_program(engine: Any) -> None:
    doc = build("categories", year=2025, source="system", engine=engine).document()
    y = doc["years"]["2025"]
    assert y["invitations"] == sum(v["invitations"] for v in y["round_type"].values())
    assert y["category"]["french_language_proficiency"]["invitations"] == 10
    assert set(y["program"]) == {"cec", "pnp"}
    # every invitation names the program it was issued under
    assert sum(y["invited_program"].values()) == y["invitations"]


def test_db_implies_the_system_source(report_cli: Any, system_db: str) -> None:
    result = report_cli("rounds", "--year", "2025", "--db", system_db, "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith("size,pool_size,eligible")
    assert len(lines) == 6


def test_year_end_on_sqlite_and_postgresql(db_url: str, build_system_db: Any) -> None:
    """The report's queries (temporal pool, invited states, applications) on both databases."""
    done = build_system_db(db_url, size=150)
    engine = connect(db_url)
    try:
        doc = build("year-end", year=2025, source="system", engine=engine).document()
        rounds = build("rounds", year=2025, source="system", engine=engine).document()
    finally:
        engine.dispose()
    assert doc["invitations"]["count"] == done["invitations"]
    assert doc["applications"]["decided"] == done["decided"]
    assert doc["itas"]["declined"] == done["declined"]
    assert all(o["noc"] for o in doc["invitations"]["by_noc"])
    assert sum(r["invitations"] for r in rounds["rounds"]) == done["invitations"]
