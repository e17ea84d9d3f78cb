"""``expressentry report``: round records, invitations by category, the year-end report and the
report to Parliament, as Markdown, HTML, PDF, CSV or JSON.

    expressentry report rounds --year 2024 --format csv --out rounds-2024.csv
    expressentry report categories --year 2023 --format json
    expressentry report year-end --year 2025 --db sqlite:///pool.db --out year-end-2025.pdf
    expressentry report parliament --year 2025 --out parliament-2025.html

Figures come from IRCC's published rounds (``--source history``, the default) or from this
system's database (``--source system``, the default when ``--db`` is given, and the only source
of the year-end report). Bad input exits with status 2 and ``error: --OPTION: reason``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

report_app = typer.Typer(
    help="Reports: round records, invitations by category, the year-end report and the report "
    "to Parliament (Markdown, HTML, PDF, CSV or JSON).",
    no_args_is_help=True,
)

YearOption = Annotated[
    str | None,
    typer.Option(
        "--year", help="The calendar year (YYYY); rounds and categories: all years if left out."
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="md, html, csv, json or pdf; default: from the --out file's suffix (.zip: csv), "
        "else md. A report of several tables gives one CSV per table in a ZIP archive.",
    ),
]
OutOption = Annotated[
    str | None,
    typer.Option("--out", help="The file to write; default: standard output (not for pdf)."),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///FILE or postgresql://...) for --source system; default: "
        "EXPRESSENTRY_DATABASE_URL or the SQLite file in your data folder.",
    ),
]
SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="history (IRCC's published rounds) or system (this system's database); default: "
        "system with --db or for year-end, else history.",
    ),
]
LangOption = Annotated[str, typer.Option("--lang", help="The report's language (en).")]

_YEAR = re.compile(r"\d{4}\Z")


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _year(value: str | None, strings: object) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if not _YEAR.match(text):
        fail(f"--year: {strings('error.year', value=value)}")  # type: ignore[operator]
    return int(text)


def _engine(db: str | None) -> Engine:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from expressentry.pool.db import DatabaseError, connect, resolve_url

    url = resolve_url(db)
    try:
        parsed = make_url(url)
    except ArgumentError:
        fail(f"--db: {url!r} is not a database URL (sqlite:///FILE or postgresql://...)")
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:" or not Path(database).expanduser().is_file():
            fail(
                f"--db: no database at {database or url!r} (a report reads an existing pool; "
                "`expressentry serve` or `expressentry demo` builds the demo in the default one, "
                "`expressentry where` shows it)"
            )
    try:
        return connect(url)
    except DatabaseError as exc:
        fail(f"--db: {exc}")


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 10_000 else f"{n / 1024:,.0f} KB"


def _run(
    kind: str,
    year: str | None,
    fmt: str | None,
    out: str | None,
    db: str | None,
    source: str | None,
    lang: str,
) -> None:
    from expressentry.reports import FORMATS, SUFFIXES, ReportError, build, languages
    from expressentry.reports.render import chart_folder, check_output, render, write
    from expressentry.reports.strings import Strings

    if lang not in languages():
        fail(f"--lang: {Strings('en')('error.lang', value=lang, langs=', '.join(languages()))}")
    s = Strings(lang)
    target = None if out in (None, "-") else Path(out)  # type: ignore[arg-type]
    if fmt is not None:
        fmt = fmt.strip().lower()
        if fmt not in FORMATS:
            fail(f"--format: {s('error.format', value=fmt, formats=', '.join(FORMATS))}")
    else:
        fmt = SUFFIXES.get(target.suffix.lower(), "md") if target is not None else "md"
    number = _year(year, s)
    if source is not None:
        source = source.strip().lower()
        if source not in ("history", "system"):
            fail(f"--source: {s('error.source', value=source)}")
    else:
        source = "system" if (db is not None or kind == "year-end") else "history"
    if kind == "year-end" and source != "system":
        fail(f"--source: {s('error.year_end.source')}")
    if number is None and kind in ("year-end", "parliament"):
        fail(f"--year: {s('error.year.required', kind=kind)}")
    if target is None and fmt == "pdf":
        fail(f"--out: {s('error.out.pdf')}")
    try:
        if target is not None:
            check_output(target, s)
        engine = _engine(db) if source == "system" else None
        try:
            from expressentry.rounds.history import HistoryError

            try:
                report = build(kind, year=number, source=source, engine=engine, lang=lang)
            except HistoryError as exc:
                fail(f"history: {exc}")
            from expressentry.reports.render import csv_is_archive

            if (
                fmt == "csv"
                and csv_is_archive(report)
                and (target is None or target.suffix.lower() != ".zip")
            ):
                fail(f"--out: {s('error.out.archive', kind=kind, tables=len(report.tables()))}")
            if target is None:
                data = render(report, fmt)
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
                return
            size = write(report, fmt, target)
        finally:
            if engine is not None:
                engine.dispose()
    except ReportError as exc:
        fail(str(exc))
    what = "empty report (no data)" if report.empty else "report"
    read = ""
    if source == "system":
        from expressentry.pool.db import resolve_url

        read = f" from {resolve_url(db)}"
    typer.echo(f"wrote {kind} {what} to {target} ({fmt}, {_size(size)}){read}")
    if fmt == "md" and report.charts():
        typer.echo(f"charts (PNG and SVG) in {chart_folder(target)}")


@report_app.command("rounds")
def report_rounds(
    year: YearOption = None,
    fmt: FormatOption = None,
    out: OutOption = None,
    db: DbOption = None,
    source: SourceOption = None,
    lang: LangOption = "en",
) -> None:
    """Rounds of invitations as published: number, date and time, type, invitations, lowest
    CRS, tie-breaking rule, rank needed and the pool's distribution."""
    _run("rounds", year, fmt, out, db, source, lang)


@report_app.command("categories")
def report_categories(
    year: YearOption = None,
    fmt: FormatOption = None,
    out: OutOption = None,
    db: DbOption = None,
    source: SourceOption = None,
    lang: LangOption = "en",
) -> None:
    """Invitations by year, and by category, program and round type."""
    _run("categories", year, fmt, out, db, source, lang)


@report_app.command("year-end")
def report_year_end(
    year: YearOption = None,
    fmt: FormatOption = None,
    out: OutOption = None,
    db: DbOption = None,
    source: SourceOption = None,
    lang: LangOption = "en",
) -> None:
    """The year-end report of this system's data: profiles, the pool, invitations, applications."""
    _run("year-end", year, fmt, out, db, source, lang)


@report_app.command("parliament")
def report_parliament(
    year: YearOption = None,
    fmt: FormatOption = None,
    out: OutOption = None,
    db: DbOption = None,
    source: SourceOption = None,
    lang: LangOption = "en",
) -> None:
    """The report to Parliament on category-based selection: categories, goals, instructions,
    invitations per category, consultations, occupation lists."""
    _run("parliament", year, fmt, out, db, source, lang)
