"""``expressentry pool show``: the day a profile leaves the pool for time, and, apart, the
documents it relies on and the day each stops counting, in English and French; ``pool stats
--at``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from expressentry.cli.main import app

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, list(args))


def test_pool_show_lists_documents_apart_from_the_profiles_expiry(db_url, tmp_path, profiles):
    foreign_only = [{"level": "masters", "country": "IN", "completed_on": "2020-06-30",
                     "eca": {"issued_on": "2021-08-01"}}]  # fmt: skip
    doc = profiles.cec_only("cec", "2026-06-01T09:00:00Z", education=foreign_only)
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert cli("pool", "submit", str(path), "--db", db_url).exit_code == 0

    shown = json.loads(cli("pool", "show", "cec", "--db", db_url, "--json").stdout)
    assert shown["expires_on"] == "2027-06-01"
    assert {d["document"]: d["stops_counting_on"] for d in shown["documents"]
            if d["person"] == "principal" and d["document"] == "eca"} == {"eca": "2026-08-01"}  # fmt: skip

    english = cli("pool", "show", "cec", "--db", db_url)
    assert english.exit_code == 0, english.output
    assert "Leaves the pool for time on 2027-06-01" in english.stdout
    assert "Documents and the day each stops counting" in english.stdout
    assert "2026-08-01" in english.stdout
    french = cli("pool", "show", "cec", "--db", db_url, "--lang", "fr")
    assert french.exit_code == 0, french.output
    assert "Quitte le bassin pour cause de durée le 2027-06-01" in french.stdout
    assert "Documents et le jour où chacun cesse de compter" in french.stdout
    bad = cli("pool", "show", "cec", "--db", db_url, "--lang", "de")
    assert bad.exit_code == 2

    # still in the pool after its ECA stops counting: it meets CEC, which needs none
    stats = cli("pool", "stats", "--at", "2026-08-02T12:00:00Z", "--db", db_url, "--json")
    assert json.loads(stats.stdout)["in_pool"] == 1
    assert json.loads(stats.stdout)["as_of"] == "2026-08-02T12:00:00Z"
