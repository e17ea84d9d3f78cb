"""``expressentry pool synth``, ``simulate``, ``plan`` and ``demo``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from expressentry.cli.pool_commands import DbOption, fail, opened, pool_app
from expressentry.cli.render import progress_bar

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


@pool_app.command("synth")
def pool_synth(
    size: Annotated[int, typer.Option("--size", min=1, help="How many profiles.")],
    as_of: Annotated[str, typer.Option("--as-of", help="The pool's date (YYYY-MM-DD).")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same pool.")] = 1,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write JSON Lines here (default: standard output).")
    ] = None,
    into_db: Annotated[
        bool, typer.Option("--into-db", help="Import into the pool database instead.")
    ] = False,
    db: DbOption = None,
    even: Annotated[
        bool,
        typer.Option("--even", help="Draw evenly inside each band (no pool-model calibration)."),
    ] = False,
) -> None:
    """Synthesize valid, varied profiles whose CRS bands match the distribution IRCC published
    nearest to the date. Inside each band, scores follow the pool model's density, and the
    shares of CEC and of each category's candidates those the rounds of the year before
    invited (--even: drawn evenly)."""
    from expressentry.simulation.pools import SynthReport, pool_jsonl, published, synth_weights

    on = _date(as_of, "--as-of")
    try:
        target = published(on)
    except LookupError as exc:
        fail(str(exc))
    report = SynthReport(0, target, {}, {})
    calibration: dict = {}
    weights = None if even else synth_weights(on, seed, report=calibration)
    lines = pool_jsonl(size, on, seed, target=target, report=report, weights=weights)
    if into_db:
        with opened(db, create=True) as pool:
            result = pool.import_lines(lines, as_of=on)
        typer.echo(f"imported {result.imported} synthetic profiles ({result.bad} not eligible)")
    elif out is not None:
        try:
            with out.open("w", encoding="utf-8") as fh:
                for line in lines:
                    fh.write(line + "\n")
        except OSError as exc:
            fail(f"--out: {out}: cannot be written ({exc.strerror})")
    else:
        for line in lines:
            typer.echo(line)
    typer.echo(
        f"matched to the distribution of {target.date} ({target.source}, {target.total:,} candidates)",
        err=True,
    )
    if report.unfilled:
        typer.echo(f"bands the generator could not fill: {report.unfilled}", err=True)
    if calibration.get("first_pool"):
        shares = calibration["first_pool"]["reached_shares"]
        typer.echo(
            "drawn from the pool model; shares at or above the rounds' cutoffs: "
            + ", ".join(f"{k} {v:.1%}" for k, v in sorted(shares.items())),
            err=True,
        )


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_command)
    # predict-cutoff is the pool model's (cli.analysis_commands); its old method: --method uniform
    from expressentry.cli import analysis_commands

    analysis_commands.register(app)
    app.command("plan")(plan_command)
    app.command("demo")(demo_command)


def simulate_command(
    schedule: Annotated[
        int, typer.Option("--schedule", help="Replay the real rounds of this year.")
    ],
    pool_size: Annotated[int, typer.Option("--pool-size", min=1000)] = 250_000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    even: Annotated[
        bool,
        typer.Option(
            "--even",
            help="Draw the pool evenly inside each band (no pool-model density or calibration).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Replay a year's real rounds against an evolving synthetic pool; compare the cutoffs.

    By default the pool is drawn from the pool model: scores inside each band from its density,
    and the shares of CEC and of each category's candidates calibrated on what the year's
    rounds invited."""
    from expressentry.simulation.simulate import schedule_for, simulate, summary, summary_by_kind

    rounds = schedule_for(schedule)
    if not rounds:
        fail(f"--schedule: no rounds in the history for {schedule}")
    calibration: dict = {}
    with progress_bar(not as_json) as step:
        results = simulate(
            rounds, pool_size, seed, progress=step, calibrated=not even, report=calibration
        )
    if as_json:
        for r in results:
            typer.echo(json.dumps(r.document()))
        typer.echo(
            json.dumps(
                {
                    "summary": summary(results),
                    "by_kind": summary_by_kind(results),
                    "calibration": calibration,
                }
            )
        )
        return
    from expressentry.cli.render import print_rows

    print_rows(
        f"Simulated rounds of {schedule} (pool of {pool_size:,}, seed {seed})",
        [
            {
                "round": d["draw_number"],
                "date": d["date"],
                "type": d["round"],
                "invited": d["invitations"],
                "real cutoff": d["real_cutoff"],
                "simulated": d["simulated_cutoff"],
                "same band": "yes" if d["same_band"] else "no",
            }
            for d in (r.document() for r in results)
        ],
        keep=("round", "date", "real cutoff", "simulated"),
    )
    for kind, k in summary_by_kind(results).items():
        typer.echo(
            f"{kind}: {k['same_band']} of {k['compared']} in the real cutoff's band; "
            f"mean absolute error {k['mean_absolute_error']} points"
        )
    s = summary(results)
    typer.echo(
        f"{s['same_band']} of {s['compared']} simulated cutoffs in the real cutoff's band; "
        f"mean absolute error {s['mean_absolute_error']} points"
    )


def plan_command(
    date: Annotated[str, typer.Option("--date", help="The round's date (YYYY-MM-DD).")],
    category: Annotated[
        str | None, typer.Option("--category", help="A category slug; none for a general round.")
    ] = None,
    size: Annotated[
        int | None, typer.Option("--size", help="Predict the cutoff of a round this size.")
    ] = None,
    target_cutoff: Annotated[
        int | None, typer.Option("--target-cutoff", help="How many invitations reach this CRS.")
    ] = None,
    pool_size: Annotated[int, typer.Option("--pool-size", min=1000)] = 250_000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    as_json: JsonOption = False,
) -> None:
    """For a category and a date: the eligible candidates and their CRS distribution, the cutoff
    a round size would reach, and the round size a target cutoff needs."""
    from expressentry.simulation.plan import plan

    on = _date(date, "--date")
    try:
        result = plan(
            on, category, size=size, target_cutoff=target_cutoff, pool_size=pool_size, seed=seed
        )
    except (LookupError, ValueError) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result))
        return
    from expressentry.cli.render import print_rows

    typer.echo(
        f"{result['what']} on {result['date']}: {result['eligible']:,} eligible candidates "
        f"({result['basis']})"
    )
    print_rows(
        "Eligible candidates per CRS band",
        [{"CRS score range": k, "candidates": v} for k, v in result["distribution"].items()],
    )
    if "prediction" in result:
        p = result["prediction"]
        typer.echo(
            f"A round of {size:,}: lowest CRS about {p['predicted_cutoff']} "
            f"(between {p['low']} and {p['high']})."
        )
    if "model_prediction" in result:
        from expressentry.cli.analysis_commands import prediction_lines

        model = result["model_prediction"]
        if "problem" in model:
            typer.echo(f"Pool model: {model['problem']}")
        else:
            for line in prediction_lines(model, "en"):
                typer.echo(line)
    if "size_needed" in result:
        n = result["size_needed"]
        typer.echo(
            f"To reach CRS {target_cutoff}: about {n['estimate']:,} invitations "
            f"(at most {n['at_most']:,})."
        )


def demo_command(
    size: Annotated[int, typer.Option("--size", min=200, help="Profiles in the demo pool.")] = 3000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Build the demo that `expressentry serve` builds on first start, and stop: a pool of
    distinct synthetic people arriving every day, the last twelve months of rounds up to today,
    and the demo users. Only in an empty database."""
    from expressentry.accounts import demo as site_demo
    from expressentry.pool.db import DatabaseError, connect, resolve_url

    url = resolve_url(db)
    try:
        engine = connect(url)
    except DatabaseError as exc:
        fail(f"--db: {exc}")
    empty = site_demo.is_empty(engine)
    engine.dispose()
    if not empty:
        fail(
            f"--db: {url} already holds profiles or users; the demo is built only in an empty "
            "database (give another with --db)"
        )
    summary_box: list = []
    with progress_bar(not as_json) as step:
        try:
            logins = site_demo.prepare(
                url, size=size, seed=seed, progress=step, summary=summary_box
            )
        except LookupError as exc:
            fail(str(exc))
    summary = summary_box[0]
    held = [r for r in summary.rounds if "skipped" not in r]
    doc = {
        "database": summary.database,
        "from": summary.start.isoformat() if summary.start else None,
        "to": summary.end.isoformat() if summary.end else None,
        "profiles": summary.profiles,
        "imported": summary.imported,
        "rounds": len(held),
        "invitations": sum(summary.invitations_by_category.values()),
        "invitations_by_round_type": dict(summary.invitations_by_category),
        "invitations_by_program": dict(summary.invitations_by_program),
        "applications": dict(summary.applications),
        "round_list": held,
        "logins": [login.__dict__ for login in logins],
    }
    if as_json:
        typer.echo(json.dumps(doc))
        return
    from expressentry.cli.render import print_rows

    typer.echo(
        f"Demo pool: {summary.imported:,} of {summary.profiles:,} synthetic profiles entered the pool "
        f"from {doc['from']} to {doc['to']} ({summary.database})."
    )
    print_rows(
        "Rounds of the last twelve months, scaled to the pool",
        [
            {
                "date": r["date"],
                "type": r["type"],
                "eligible": r["eligible"],
                "invited": r["invitations"],
                "lowest CRS": r["lowest_crs"],
                "real": r["real_lowest_crs"] if not r["repeats"] else f"(as #{r['repeats']})",
            }
            for r in held
        ],
        keep=("date", "eligible", "invited"),
    )
    print_rows(
        "Invitations by round type and category",
        [
            {"round type": k, "invitations": v}
            for k, v in sorted(summary.invitations_by_category.items())
        ],
    )
    print_rows(
        "Answers and decisions",
        [{"outcome": k, "count": v} for k, v in sorted(summary.applications.items())],
    )
    typer.echo("Demo logins (username / password, role):")
    for login in logins:
        extra = f", profile {login.profile_id}" if login.profile_id else ""
        typer.echo(f"  {login.username} / {login.password}  ({login.role}{extra})")
    typer.echo("Explore it: expressentry round list" + (f" --db {db}" if db else ""))
