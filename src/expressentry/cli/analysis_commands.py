"""``expressentry predict-cutoff``, ``backtest``, ``outlook`` and ``pool-model``: the pool model's
answers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from expressentry.cli.pool_commands import fail

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
HistoryOption = Annotated[
    Path | None,
    typer.Option(
        "--history",
        help="Read the rounds from this file in IRCC's JSON format instead of the active history.",
    ),
]
LangOption = Annotated[str, typer.Option("--lang", help="The language of the output (en, fr).")]


def register(app: typer.Typer) -> None:
    app.command("predict-cutoff")(predict_cutoff_command)
    app.command("backtest")(backtest_command)
    app.command("outlook")(outlook_command)
    app.command("pool-model")(pool_model_command)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date (YYYY-MM-DD)")
    raise AssertionError  # fail exits


def _lang(lang: str) -> str:
    from expressentry.analysis.strings import LANGUAGES

    if lang not in LANGUAGES:
        fail(f"--lang: unknown language {lang!r} ({', '.join(LANGUAGES)})")
    return lang


def load_rounds(path: Path | None) -> tuple[Any, ...]:
    """The rounds of ``--history FILE`` (IRCC's JSON format), else the active history."""
    from expressentry.rounds.history import HistoryError, load_history, parse_ircc

    try:
        if path is None:
            return load_history()
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            fail(f"--history: {path}: no such file")
        except IsADirectoryError:
            fail(f"--history: {path}: is a folder, not IRCC's rounds file")
        except OSError as exc:
            fail(f"--history: {path}: cannot be read ({exc.strerror})")
        return tuple(parse_ircc(data))
    except HistoryError as exc:
        fail(f"--history: {exc}")
    raise AssertionError


def number(lang: str, value: int) -> str:
    text = f"{value:,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def kind_words(lang: str, kind: str) -> str:
    from expressentry.analysis.strings import text

    if kind == "general":
        return text(lang, "kind.general")
    if kind.startswith("category:"):
        return text(lang, "kind.category", category=kind.split(":", 1)[1])
    return text(lang, "kind.program", program=text(lang, f"family.{kind}"))


def prediction_lines(doc: dict[str, Any], lang: str) -> list[str]:
    """A prediction document in words."""
    from expressentry.analysis.strings import text

    kind = (
        "general"
        if doc["round_type"] == "general"
        else doc["program"]
        if doc["round_type"] == "program"
        else f"category:{doc['category']}"
    )
    key = "predict.uniform_line" if doc["method"] == "uniform" else "predict.line"
    lines = [
        text(
            lang,
            key,
            mode=text(lang, f"mode.{doc['mode']}"),
            kind=kind_words(lang, kind),
            size=number(lang, doc["size"]),
            at=doc["at"],
            method=text(lang, f"method.{doc['method']}"),
            predicted=doc["predicted_cutoff"],
            low=doc["low"],
            high=doc["high"],
        )
    ]
    snap = doc.get("snapshot")
    if snap:
        lines.append(
            text(
                lang,
                "predict.basis",
                snapshot=snap["date"],
                source=snap["round"],
                rounds=doc["rounds_read"],
                first=doc.get("first_round") or "-",
                last=doc.get("last_round") or "-",
            )
        )
    if doc.get("carried_through"):
        lines.append(text(lang, "predict.carried", rounds=", ".join(doc["carried_through"])))
    if "residuals" in doc:
        lines.append(
            text(
                lang,
                "predict.range",
                n=doc["residuals"],
                whose=doc["range_from"],
                widened=text(lang, "predict.widened") if doc.get("widened") else "",
            )
        )
    return lines


def predict_cutoff_command(
    size: Annotated[int, typer.Option("--size", help="Invitations in the round.")],
    round_type: Annotated[
        str | None, typer.Option("--type", help="general, program or category.")
    ] = None,
    program: Annotated[
        str | None, typer.Option("--program", help="cec, fsw, fst or pnp (a program round).")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="A category slug (a category round).")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="The round's date (default: the day after the snapshot)."),
    ] = None,
    distribution_date: Annotated[
        str | None,
        typer.Option(
            "--distribution-date",
            help="Nowcast from the distribution published as of this date (else a forecast).",
        ),
    ] = None,
    history: HistoryOption = None,
    method: Annotated[
        str,
        typer.Option("--method", help="ensemble (default), stock-flow, persistence or uniform."),
    ] = "ensemble",
    lang: LangOption = "en",
    as_json: JsonOption = False,
) -> None:
    """Predict the lowest CRS a round of SIZE invitations would invite, with an 80% range."""
    from expressentry.analysis.predict import PredictionError, predict_round

    lang = _lang(lang)
    on = _date(at, "--at")
    published = _date(distribution_date, "--distribution-date")
    rounds = load_rounds(history)
    try:
        p = predict_round(
            rounds,
            size,
            round_type=round_type,
            program=program,
            category=category,
            at=on,
            distribution_date=published,
            method=method,
        )
    except PredictionError as exc:
        fail(str(exc))
    doc = p.document()
    if as_json:
        typer.echo(json.dumps(doc))
        return
    for line in prediction_lines(doc, lang):
        typer.echo(line)


def _rows_table(title: str, rows: list[dict[str, Any]], lang: str) -> None:
    from expressentry.analysis.strings import text
    from expressentry.cli.render import print_rows

    columns = (
        "year",
        "method",
        "rounds",
        "mae",
        "bias",
        "worst",
        "worst_round",
        "coverage",
        "mean_width",
    )
    print_rows(
        title,
        [
            {
                text(lang, f"column.{c}"): (
                    text(lang, "year.all") if c == "year" and row[c] == "all" else row.get(c)
                )
                for c in columns
            }
            for row in rows
        ],
    )


def backtest_command(
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="general, cec, pnp or category (also fsw, fst); default all."),
    ] = None,
    from_year: Annotated[
        int | None, typer.Option("--from", help="Replay the rounds of this year on.")
    ] = None,
    history: HistoryOption = None,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Plot predicted ranges against real cutoffs (.svg or .png)."),
    ] = None,
    outlook: Annotated[
        bool,
        typer.Option(
            "--outlook",
            help="Also check the invitation outlook's calibration (reliability and Brier score).",
        ),
    ] = False,
    lang: LangOption = "en",
    as_json: JsonOption = False,
) -> None:
    """Replay every round walk-forward: MAE, bias, worst error, 80% coverage and mean width
    per year and round kind, for each method next to the baselines, nowcast and forecast."""
    from expressentry.analysis.backtest import run
    from expressentry.analysis.predict import DEFAULT_METHOD, MODES, PredictionError
    from expressentry.analysis.strings import text

    lang = _lang(lang)
    if chart is not None and chart.suffix.lower() not in (".svg", ".png"):
        fail(f"--chart: {chart}: write a .svg or a .png file")
    rounds = load_rounds(history)
    try:
        result = run(rounds, family=kind, from_year=from_year)
    except PredictionError as exc:
        fail(str(exc))
    if chart is not None:
        from expressentry.reports.backtest_chart import backtest_chart

        cases = result.select(mode="nowcast", method=DEFAULT_METHOD)
        labels = {
            "title": text(
                lang,
                "backtest.chart_title",
                method=text(lang, f"method.{DEFAULT_METHOD}"),
                mode=text(lang, "mode.nowcast"),
            ),
            "real": text(lang, "backtest.chart_real"),
            "range": text(lang, "backtest.chart_range"),
            "predicted": text(lang, "backtest.chart_predicted"),
        }
        try:
            chart.write_bytes(backtest_chart(cases, labels, chart.suffix.lower()[1:]))
        except OSError as exc:
            fail(f"--chart: {chart}: cannot be written ({exc.strerror})")
    calibration = None
    if outlook:
        from expressentry.analysis.outlook import calibrate

        calibration = calibrate(rounds).document()
    if as_json:
        doc = result.document()
        if calibration is not None:
            doc["outlook"] = calibration
        typer.echo(json.dumps(doc))
        return
    rows = result.rows()
    checks = result.checks() if kind in (None, "general") and (from_year or 0) <= 2022 else []
    for mode in MODES:
        if checks:
            _rows_table(
                f"{text(lang, f'mode.{mode}')}: {text(lang, 'backtest.checks')}",
                [r for r in checks if r["mode"] == mode],
                lang,
            )
        for family in dict.fromkeys(r["kind"] for r in rows if r["mode"] == mode):
            _rows_table(
                text(
                    lang,
                    "backtest.title",
                    mode=text(lang, f"mode.{mode}"),
                    kind=text(lang, f"family.{family}"),
                ),
                [r for r in rows if r["mode"] == mode and r["kind"] == family],
                lang,
            )
    typer.echo(
        text(
            lang,
            "backtest.summary",
            cases=number(lang, len(result.cases)),
            history=result.history_rounds,
            last=result.last_round,
            seconds=f"{result.seconds:.1f}",
        )
    )
    if calibration is not None:
        print_calibration(calibration, lang)
    if chart is not None:
        typer.echo(text(lang, "backtest.chart", path=chart))


def percent(lang: str, value: float) -> str:
    text = f"{100 * value:.0f}"
    return f"{text}\u00a0%" if lang == "fr" else f"{text}%"


def outlook_lines(doc: dict[str, Any], lang: str, who: str) -> list[str]:
    from expressentry.analysis.strings import text

    p = doc["probability"]
    return [
        text(
            lang,
            "outlook.line",
            who=who,
            crs=doc["crs"],
            m1=percent(lang, p["1"]),
            m3=percent(lang, p["3"]),
            m6=percent(lang, p["6"]),
            m12=percent(lang, p["12"]),
        )
    ]


def assumptions_line(basis: dict[str, Any], lang: str) -> str:
    from expressentry.analysis.strings import text

    snap = basis.get("snapshot")
    return text(
        lang,
        "outlook.assumptions",
        start=basis["pattern_from"],
        end=basis["as_of"],
        rounds=basis["pattern_rounds"],
        kinds=", ".join(
            f"{text(lang, f'family.{k}')} {n}" for k, n in sorted(basis["pattern_by_kind"].items())
        ),
        snapshot=snap["date"] if snap else text(lang, "outlook.no_snapshot"),
        simulations=number(lang, basis["simulations"]),
    )


def outlook_command(
    file: Annotated[
        str, typer.Argument(help="A profile JSON file, a .jsonl file of profiles, or - (stdin).")
    ],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day of the outlook (default: today).")
    ] = None,
    history: HistoryOption = None,
    lang: LangOption = "en",
    as_json: JsonOption = False,
) -> None:
    """The probability of an invitation within 1, 3, 6 and 12 months for each profile, under
    the round pattern of the last 12 months and the pool model's cutoffs."""
    from expressentry.analysis.outlook import candidate_from_profile, pattern
    from expressentry.analysis.predict import PredictionError
    from expressentry.cli.main import _run_each

    lang = _lang(lang)
    on = _date(as_of, "--as-of") or dt.date.today()
    rounds = load_rounds(history)
    try:
        pat = pattern(rounds, on)
    except PredictionError as exc:
        fail(str(exc))
    shown = False

    def handle(label: str, profile: Any) -> None:
        nonlocal shown
        from expressentry.analysis.outlook import Outlook

        candidate = candidate_from_profile(profile, on)
        doc = Outlook(candidate, pat.probabilities(candidate), pat.basis).document()
        if as_json:
            typer.echo(json.dumps(doc))
            return
        for line in outlook_lines(doc, lang, candidate.profile_id or label):
            typer.echo(line)
        shown = True

    _run_each(file, handle)
    if shown:
        typer.echo(assumptions_line(pat.basis, lang))


def print_calibration(doc: dict[str, Any], lang: str) -> None:
    from expressentry.analysis.strings import text

    _plain_table(
        text(lang, "outlook.calibration", months=doc["horizon_months"]),
        doc["reliability"],
        ("from", "to", "candidates", "mean_probability", "invited_share"),
        lang,
    )
    for period in ("all", "2025-2026"):
        b = doc["brier"][period]
        if b.get("candidates"):
            typer.echo(
                text(
                    lang,
                    "outlook.brier",
                    period=text(lang, "year.all") if period == "all" else period,
                    outlook=b["outlook"],
                    baseline=b["baseline"],
                    candidates=number(lang, b["candidates"]),
                    share=percent(lang, b["invited_share"]),
                )
            )
    typer.echo(text(lang, "outlook.baseline"))


def _plain_table(
    title: str, rows: list[dict[str, Any]], columns: tuple[str, ...], lang: str
) -> None:
    from expressentry.analysis.strings import text
    from expressentry.cli.render import print_rows

    print_rows(title, [{text(lang, f"column.{c}"): row.get(c) for c in columns} for row in rows])


def pool_model_command(
    at: Annotated[
        str | None,
        typer.Option("--at", help="The day (default: the day after the latest distribution)."),
    ] = None,
    history: HistoryOption = None,
    lang: LangOption = "en",
    as_json: JsonOption = False,
) -> None:
    """The pool model on a day: candidates per CRS band for the whole pool and, with the
    calibrated shares, for each program, nominees and each category with rounds."""
    from expressentry.analysis.predict import PredictionError, pool_by_kind
    from expressentry.analysis.strings import text

    lang = _lang(lang)
    on = _date(at, "--at")
    rounds = load_rounds(history)
    try:
        doc = pool_by_kind(rounds, on)
    except PredictionError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(doc))
        return
    from expressentry.cli.render import print_rows

    kinds = list(doc["kinds"])
    print_rows(
        text(lang, "model.title", at=doc["at"]),
        [
            {
                text(lang, "column.band"): label,
                text(lang, "column.pool"): round(doc["pool"][label]),
                **{k.split(":")[-1]: round(doc["kinds"][k]["bands"][label]) for k in kinds},
            }
            for label in doc["pool"]
        ],
    )
    snap = doc["basis"]["snapshot"]
    typer.echo(
        text(
            lang,
            "predict.basis",
            snapshot=snap["date"],
            source=snap["round"],
            rounds=doc["basis"]["rounds_read"],
            first=doc["basis"].get("first_round") or "-",
            last=doc["basis"].get("last_round") or "-",
        )
    )
    typer.echo(
        text(
            lang,
            "model.shares",
            shares=", ".join(
                f"{k.split(':')[-1]} {percent(lang, v['share'])}" for k, v in doc["kinds"].items()
            ),
        )
    )
