"""Synthetic pools, cutoff prediction, replayed rounds and the demo."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from expressentry.cli.main import app
from expressentry.profile.model import parse_profile
from expressentry.scoring.crs import score
from expressentry.simulation import pools
from expressentry.simulation.predict import predict, predict_cutoff, size_for_cutoff
from expressentry.simulation.simulate import check_general_rounds, schedule_for, simulate, summary

ON = dt.date(2025, 6, 1)
runner = CliRunner()


def test_band_counts_follow_the_shares_and_add_up() -> None:
    target = pools.published(ON)
    counts = pools.band_counts(target, 10_000)
    assert sum(counts.values()) == 10_000
    for label, share in target.shares().items():
        assert abs(counts[label] - share * 10_000) <= 1


def test_a_synthetic_pool_matches_the_published_distribution_band_by_band() -> None:
    target = pools.published(ON)
    docs = list(pools.pool_documents(1500, ON, seed=3, reservoir_size=4000))
    got = pools.distribution_of([score(parse_profile(d), ON).total for d in docs])
    assert got == pools.band_counts(target, 1500)
    assert len({d["profile_id"] for d in docs}) == 1500
    assert all(parse_profile(d).submitted_at.date() <= ON for d in docs)  # type: ignore[union-attr]


def test_a_synthetic_pool_is_reproducible_for_a_seed() -> None:
    first = list(pools.pool_jsonl(200, ON, seed=5, reservoir_size=2000))
    again = list(pools.pool_jsonl(200, ON, seed=5, reservoir_size=2000))
    other = list(pools.pool_jsonl(200, ON, seed=6, reservoir_size=2000))
    assert first == again
    assert first != other


COUNTS = {"601-1200": 100, "501-600": 1000, "491-500": 500, "481-490": 500}


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        # 100 candidates spread evenly over the 600 scores of the top band
        (50, (906, 601, 1200, "601-1200")),
        (100, (606, 601, 1200, "601-1200")),
        (101, (600, 501, 600, "501-600")),
        (1100, (501, 501, 600, "501-600")),
        (1350, (496, 491, 500, "491-500")),
    ],
)
def test_predicted_cutoff_walks_down_the_bands(size: int, expected: tuple) -> None:
    assert predict_cutoff(COUNTS, size) == expected


def test_round_size_for_a_target_cutoff() -> None:
    assert size_for_cutoff(COUNTS, 601) == (100, 100)
    assert size_for_cutoff(COUNTS, 501) == (1100, 1100)
    assert size_for_cutoff(COUNTS, 496) == (1100 + 250, 1600)


def test_prediction_from_the_published_distribution() -> None:
    p = predict(3000, ON)
    assert p.low <= p.predicted_cutoff <= p.high
    assert p.document().keys() == {"predicted_cutoff", "low", "high"}


def test_real_general_rounds_since_2022_land_in_their_published_band() -> None:
    """The issue's check: at least 35 of the 37 general rounds since 2022."""
    checks = check_general_rounds(reservoir_size=6000)
    assert len(checks) == 37
    assert sum(c.same_band for c in checks) >= 35
    assert sum(c.predicted_same_band for c in checks) >= 35


def test_a_replayed_schedule_reports_each_round() -> None:
    schedule = schedule_for(2025)[:8]
    results = simulate(schedule, pool_size=20_000, seed=2, reservoir_size=3000)
    assert [r.round.draw_number for r in results] == [r.draw_number for r in schedule]
    assert all(r.simulated_cutoff is not None for r in results)
    s = summary(results)
    assert s["rounds"] == 8 and s["compared"] == 8


def test_predict_cutoff_command_prints_the_json_of_the_issue() -> None:
    result = runner.invoke(
        app, ["predict-cutoff", "--distribution-date", "2025-06-01", "--size", "2000", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"predicted_cutoff", "low", "high", "method"} <= set(doc)
    assert doc["low"] <= doc["predicted_cutoff"] <= doc["high"]
    bad = runner.invoke(app, ["predict-cutoff", "--distribution-date", "2025-06-01", "--size", "0"])
    assert bad.exit_code == 2 and "--size" in bad.stderr


def test_pool_synth_writes_reproducible_json_lines(tmp_path) -> None:
    out = tmp_path / "pool.jsonl"
    args = [
        "pool",
        "synth",
        "--size",
        "50",
        "--as-of",
        "2025-06-01",
        "--seed",
        "4",
        "--out",
        str(out),
    ]
    assert runner.invoke(app, args).exit_code == 0
    first = out.read_text()
    assert runner.invoke(app, args).exit_code == 0
    assert out.read_text() == first
    lines = first.splitlines()
    assert len(lines) == 50
    assert all(parse_profile(line).profile_id for line in lines)


def test_the_demo_runs_a_year_of_rounds_up_to_today(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = runner.invoke(app, ["demo", "--size", "300", "--db", url, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout.splitlines()[-1])
    assert doc["rounds"] > 40
    assert doc["invitations"] > 0
    assert doc["invitations_by_round_type"]
    assert doc["to"] == dt.date.today().isoformat()
    assert {login["username"] for login in doc["logins"]} >= {"officer", "candidate"}
    again = runner.invoke(app, ["demo", "--size", "300", "--db", url])
    assert again.exit_code == 2 and "only in an empty database" in again.stderr


def test_the_demo_schedule_repeats_the_last_weeks_after_the_last_published_round() -> None:
    from expressentry.simulation.demo import schedule

    now = dt.datetime(2026, 12, 4, 12, tzinfo=dt.UTC)
    rounds = schedule(now)
    assert rounds[0].held_at >= now - dt.timedelta(days=365)
    assert now - rounds[-1].held_at < dt.timedelta(days=21)
    repeated = [r for r in rounds if any(n.startswith("demo:") for n in r.notes)]
    assert repeated and all(r.held_at > dt.datetime(2026, 8, 7, tzinfo=dt.UTC) for r in repeated)
    assert [r.held_at for r in rounds] == sorted(r.held_at for r in rounds)
