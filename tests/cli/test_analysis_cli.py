"""``expressentry predict-cutoff`` and ``backtest``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from expressentry.cli.main import app
from ircc_decoys import decoy, ircc_document

runner = CliRunner()


def test_predict_cutoff_prints_the_document_of_the_issue() -> None:
    result = runner.invoke(
        app, ["predict-cutoff", "--size", "3000", "--distribution-date", "2024-03-20", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"predicted_cutoff", "low", "high", "method"} <= set(doc)
    assert doc["method"] == "ensemble" and doc["mode"] == "nowcast"
    assert doc["low"] <= doc["predicted_cutoff"] <= doc["high"]


def test_predict_cutoff_for_a_program_and_a_category_round_in_words() -> None:
    cec = runner.invoke(
        app,
        [
            "predict-cutoff",
            "--size",
            "3000",
            "--type",
            "program",
            "--program",
            "cec",
            "--at",
            "2026-09-01",
        ],
    )
    assert cec.exit_code == 0, cec.output
    assert cec.stdout.startswith("Forecast of a CEC round of 3,000 invitations on 2026-09-01")
    assert "Carried forward through rounds" in cec.stdout
    fr = runner.invoke(
        app,
        [
            "predict-cutoff",
            "--size",
            "1500",
            "--category",
            "stem",
            "--at",
            "2026-09-01",
            "--lang",
            "fr",
        ],
    )
    assert fr.exit_code == 0, fr.output
    assert fr.stdout.startswith(
        "Prévision d'une ronde de la catégorie stem de 1\u202f500 invitations"
    )
    assert "intervalle à 80 %" in fr.stdout


def test_predict_cutoff_reads_another_history_file(tmp_path) -> None:
    path = tmp_path / "rounds.json"
    path.write_text(json.dumps(decoy(ircc_document(), "288")), encoding="utf-8")
    args = ["predict-cutoff", "--size", "2850", "--at", "2024-03-12", "--json"]
    shipped = runner.invoke(app, args)
    other = runner.invoke(app, [*args, "--history", str(path)])
    assert shipped.exit_code == other.exit_code == 0
    assert json.loads(other.stdout) == json.loads(shipped.stdout)
    later = runner.invoke(
        app,
        [
            "predict-cutoff",
            "--size",
            "2850",
            "--at",
            "2026-01-10",
            "--json",
            "--history",
            str(path),
        ],
    )
    assert later.exit_code == 0
    assert json.loads(later.stdout) != json.loads(
        runner.invoke(
            app, ["predict-cutoff", "--size", "2850", "--at", "2026-01-10", "--json"]
        ).stdout
    )


def test_predict_cutoff_refuses_bad_options_by_name(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    for args, field in [
        (["--size", "0"], "--size"),
        (["--size", "10", "--type", "program"], "--program"),
        (["--size", "10", "--at", "2026-13-01"], "--at"),
        (["--size", "10", "--method", "magic"], "--method"),
        (["--size", "10", "--lang", "de"], "--lang"),
        (["--size", "10", "--history", str(bad)], "--history"),
        (["--size", "10", "--history", str(tmp_path / "none.json")], "--history"),
    ]:
        result = runner.invoke(app, ["predict-cutoff", *args])
        assert result.exit_code == 2, (args, result.output)
        assert f"error: {field}:" in result.stderr
        assert "Traceback" not in result.output


def test_backtest_prints_the_figures_and_draws_the_chart(tmp_path) -> None:
    chart = tmp_path / "backtest.svg"
    result = runner.invoke(app, ["backtest", "--kind", "general", "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    assert "General rounds of 2022-2024 with a distribution" in result.stdout
    assert "Backtest, Forecast: general" in result.stdout
    assert chart.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    doc = json.loads(
        runner.invoke(app, ["backtest", "--kind", "cec", "--from", "2024", "--json"]).stdout
    )
    assert {r["kind"] for r in doc["rows"]} == {"cec"}
    assert min(r["year"] for r in doc["rows"] if r["year"] != "all") == 2024
    bad = runner.invoke(app, ["backtest", "--kind", "lottery"])
    assert bad.exit_code == 2 and "error: --kind:" in bad.stderr


def test_the_analysis_catalogs_have_the_same_keys_and_placeholders() -> None:
    import string

    from expressentry.analysis.strings import MESSAGES

    assert MESSAGES["en"].keys() == MESSAGES["fr"].keys()
    for key, message in MESSAGES["en"].items():
        names = {n for _, n, _, _ in string.Formatter().parse(message) if n}
        french = {n for _, n, _, _ in string.Formatter().parse(MESSAGES["fr"][key]) if n}
        assert names == french, key


def test_pool_model_prints_the_pool_per_band_and_kind_with_its_basis() -> None:
    result = runner.invoke(app, ["pool-model", "--at", "2026-08-10", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert len(doc["scores"]) == 1201
    assert abs(sum(doc["scores"]) - sum(doc["pool"].values())) < 1
    assert doc["basis"]["snapshot"]["date"] == "2026-08-03"
    assert doc["kinds"]["pnp"]["bands"]["501-600"] == 0
    stem = doc["kinds"].get("category:french_language_proficiency")
    assert stem and 0 < stem["share"] < 1
    words = runner.invoke(app, ["pool-model", "--at", "2026-08-10", "--lang", "fr"])
    assert words.exit_code == 0 and "Le modèle du bassin au 2026-08-10" in words.stdout
    early = runner.invoke(app, ["pool-model", "--at", "2020-01-01"])
    assert early.exit_code == 2 and "error: --at:" in early.stderr
