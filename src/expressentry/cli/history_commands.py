"""``expressentry history``: the real record of every round of invitations since 2015.

The rounds come from IRCC's rounds file (shipped with the package, or a newer copy imported
with ``history import FILE``). ``list`` and ``show`` print them as canada.ca does.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from expressentry.rounds.history import HistoricalRound

history_app = typer.Typer(
    help="The real rounds of invitations since 2015, from IRCC's rounds file.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object per line.")]


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _console() -> Console:
    from rich.console import Console

    return Console()


def spelled_date(value: dt.date) -> str:
    """canada.ca's way: "August 7, 2026"."""
    return f"{value:%B} {value.day}, {value.year}"


def spelled_time(value: dt.datetime) -> str:
    """canada.ca's way: "August 7, 2026 at 10:08:20 UTC"."""
    when = value.astimezone(dt.UTC)
    return f"{spelled_date(when.date())} at {when:%H:%M:%S} UTC"


def _load() -> tuple[HistoricalRound, ...]:
    from expressentry.rounds.history import HistoryError, load_history

    try:
        return load_history()
    except HistoryError as exc:
        fail(str(exc))


@history_app.command("list")
def history_list(
    year: Annotated[int | None, typer.Option("--year", help="Rounds of this year.")] = None,
    round_type: Annotated[
        str | None, typer.Option("--type", help="general, program or category.")
    ] = None,
    program: Annotated[
        str | None, typer.Option("--program", help="cec, fsw, fst or pnp (program rounds).")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="A category slug, e.g. stem (category rounds).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the latest N rounds.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Rounds of invitations, newest first, as canada.ca lists them."""
    from expressentry.rounds.history import HistoryError, active_file, rounds

    history = _load()
    try:
        found = rounds(year, round_type, program, category, history=history)
    except HistoryError as exc:
        fail(str(exc))
    found.reverse()
    if limit is not None:
        found = found[:limit]
    if as_json:
        for r in found:
            typer.echo(json.dumps(r.document()))
        return
    console = _console()
    if not found:
        console.print("No rounds match.")
        return
    from rich.table import Table

    total = sum(r.invitations for r in found)
    table = Table(
        title="Express Entry rounds of invitations",
        caption=f"{len(found)} rounds, {total:,} invitations. Source: IRCC ({active_file().name})",
    )
    table.add_column("#", justify="right")
    table.add_column("Date")
    table.add_column("Round type", overflow="fold", ratio=2)
    table.add_column("Invitations issued", justify="right", overflow="fold")
    # canada.ca's heading, folded rather than cut at a narrow terminal
    table.add_column(
        "CRS score of lowest-ranked candidate invited", justify="right", overflow="fold"
    )
    table.add_column("Tie-breaking rule")
    for r in found:
        table.add_row(
            r.draw_number,
            spelled_date(r.date),
            r.name,
            f"{r.invitations:,}",
            str(r.crs_cutoff),
            spelled_time(r.tie_break) if r.tie_break else "-",
        )
    console.print(table)


@history_app.command("show")
def history_show(
    number: Annotated[str, typer.Argument(help="The round's number, e.g. 250 or 91a.")],
    as_json: JsonOption = False,
) -> None:
    """One round: its figures as published and the pool's CRS score distribution."""
    from expressentry.rounds.history import HistoryError, get

    history = _load()
    try:
        found = get(number, history=history)
    except HistoryError as exc:
        fail(str(exc))
    if as_json:
        for r in found:
            typer.echo(json.dumps(r.document()))
        return
    console = _console()
    for i, r in enumerate(found):
        if i:
            console.print()
        _print_round(console, r)


@history_app.command("import")
def history_import(
    file: Annotated[str, typer.Argument(help="IRCC's rounds file (ee_rounds_123_en.json).")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Import even if the file lacks rounds of the shipped one."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Check a newer copy of IRCC's rounds file and make it the active history.

    Get the file from https://www.canada.ca/content/dam/ircc/documents/json/ee_rounds_123_en.json
    """
    from expressentry.rounds.history import HistoryError, import_file

    try:
        report = import_file(file, allow_missing=force)
    except HistoryError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(report.document()))
        return
    latest = report.latest
    added = len(report.added)
    typer.echo(
        f"imported {report.rounds} rounds from {file}, up to round {latest.draw_number} "
        f"of {latest.date.isoformat()}"
    )
    if added:
        shown = ", ".join(report.added[:10]) + (" ..." if added > 10 else "")
        typer.echo(
            f"{added} round{'s' if added != 1 else ''} added to the shipped history: {shown}"
        )
    else:
        typer.echo("no round added to the shipped history")
    if report.changed:
        typer.echo(
            f"{len(report.changed)} rounds differ from the shipped history: "
            + ", ".join(report.changed[:10])
            + (" ..." if len(report.changed) > 10 else "")
        )
    if report.missing:
        typer.echo(f"{len(report.missing)} rounds of the shipped history are not in the file")
    typer.echo(f"now the active history (saved to {report.saved_to})")


@history_app.command("reset")
def history_reset() -> None:
    """Forget the imported file: the history shipped with the package is active again."""
    from expressentry.rounds.history import remove_import

    if remove_import():
        typer.echo("imported history removed; the shipped history is active")
    else:
        typer.echo("no imported history; the shipped history is active")


def _print_round(console: Console, r: HistoricalRound) -> None:
    from rich.markup import escape
    from rich.table import Table

    from expressentry.rounds.bands import BANDS

    what = r.round_type
    if r.program:
        what += f", {r.program.upper()}"
    if r.category:
        what += f", {r.category}" + (f" version {r.category_version}" if r.category_version else "")
    console.print(f"[bold]Round #{r.draw_number}[/bold] — {spelled_date(r.date)}")
    fields = [
        ("Round type", f"{r.name} ({what})"),
        ("Date and time of round", spelled_time(r.held_at)),
        ("Number of invitations issued", f"{r.invitations:,}"),
        ("Rank required to be invited to apply", f"{r.rank_needed:,} or above"),
        ("CRS score of lowest-ranked candidate invited", str(r.crs_cutoff)),
        ("Tie-breaking rule", spelled_time(r.tie_break) if r.tie_break else "not published"),
        ("Programs covered", ", ".join(p.upper() for p in r.eligible_programs)),
    ]
    for label, value in fields:
        console.print(f"  {label}: {escape(value)}")
    for note in r.notes:
        console.print(f"  [yellow]Note:[/yellow] {escape(note)}")
    if r.distribution is None or r.distribution_date is None:
        console.print("  No CRS score distribution of the pool was published with this round.")
        return
    console.print(
        "[bold]CRS score distribution of candidates in the pool as of "
        f"{spelled_date(r.distribution_date)}[/bold]"
    )
    table = Table()
    table.add_column("CRS score range")
    table.add_column("Number of candidates", justify="right")
    for label, low, high in BANDS:
        sub = high - low == 9  # the ten-point rows inside 451-500 and 401-450
        table.add_row(("  " if sub else "") + label, f"{r.distribution[label]:,}")
    table.add_section()
    table.add_row("[bold]Total[/bold]", f"[bold]{r.distribution['total']:,}[/bold]")
    console.print(table)
