"""The ``expressentry`` command line.

Imports of the rules and of Rich happen inside commands, so that starting the program stays fast.
Exit status: 0 on success, 2 on bad input (with a message naming the field and the reason).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

# the CLI loads no pydantic plugins; skipping their discovery saves a scan of installed packages
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer

from expressentry.cli.helpfmt import hide_flag_types

hide_flag_types()

if TYPE_CHECKING:
    from expressentry.profile.model import Profile

app = typer.Typer(
    name="expressentry",
    help="Express Entry rules as code: CRS scores, what-if, eligibility and categories. "
    "The pool, rounds, reports and the server share one database: `expressentry where` "
    "shows it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"


class InputError(Exception):
    """Bad input from the user: printed as ``error: ...`` with exit status 2."""


def _parse_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    from expressentry.profile.model import as_of_problem

    try:
        on = dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None
    if (problem := as_of_problem(on)) is not None:
        raise typer.BadParameter(problem, param_hint="'--as-of'")
    return on


AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="Assessment date (YYYY-MM-DD); default: today."),
]
AsJson = Annotated[
    bool,
    typer.Option(
        "--json", help="Print the result as JSON, in the exchange format (docs/profile-format.md)."
    ),
]
FileArg = Annotated[
    str,
    typer.Argument(help="A profile JSON file, a .jsonl file of profiles, or - for standard input."),
]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a profile file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def _is_jsonl(path: str, text: str) -> bool:
    if path.endswith(".jsonl"):
        return True
    if path != "-":
        return False
    # on standard input, more than one non-empty line that each hold an object means JSON Lines
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return True
    return False


def _profiles(path: str) -> Iterator[tuple[str, Profile | Exception]]:
    """(label, profile or the error) for every profile in the input."""
    from expressentry.profile.model import ProfileError, parse_profile

    text = _read(path)
    label = "<stdin>" if path == "-" else path
    if _is_jsonl(path, text):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{label}, line {number}"
            try:
                yield where, parse_profile(line, where)
            except ProfileError as exc:
                yield where, exc
        return
    try:
        yield label, parse_profile(text, label)
    except ProfileError as exc:
        yield label, exc


def _report(exc: Exception) -> None:
    for line in str(exc).splitlines():
        typer.echo(f"error: {line}", err=True)


def _run_each(path: str, handle: Any) -> None:
    """Call ``handle(label, profile)`` for every good profile; report bad ones; exit 2 if any."""
    from expressentry.rules.tables import NotInForce
    from expressentry.scoring.crs import BeforeExpressEntry
    from expressentry.scoring.whatif import WhatIfError

    bad = 0
    try:
        for label, item in _profiles(path):
            if isinstance(item, Exception):
                _report(item)
                bad += 1
                continue
            try:
                handle(label, item)
            except (BeforeExpressEntry, WhatIfError, NotInForce) as exc:
                typer.echo(f"error: {label}: {exc}", err=True)
                bad += 1
    except InputError as exc:
        _fail(str(exc))
    if bad:
        raise typer.Exit(2)


@app.command()
def score(
    file: FileArg,
    as_of: AsOf = None,
    as_json: AsJson = False,
    what_if: Annotated[
        list[str] | None,
        typer.Option(
            "--what-if",
            help="A change to try, key=value (repeatable): language.first=CLB9, "
            "language.french=NCLC7, canadian_work=3, education=masters, spouse.language=CLB7 ...",
        ),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show the fact and the rule behind every factor.")
    ] = False,
) -> None:
    """Score a profile with the Comprehensive Ranking System (CRS), with its breakdown."""
    on = _parse_date(as_of)
    from expressentry.scoring import crs

    def handle(label: str, profile: Profile) -> None:
        if what_if:
            from expressentry.scoring.whatif import what_if as run_what_if

            result = run_what_if(profile, on, what_if)
            if as_json:
                doc = {
                    "changes": list(result.changes),
                    "before": result.before.document(),
                    "after": result.after.document(),
                    "gain": result.gain,
                }
                typer.echo(json.dumps(doc))
            else:
                from expressentry.cli.render import print_what_if

                print_what_if(label, result)
            return
        result = crs.score(profile, on)
        if as_json:
            typer.echo(json.dumps(result.document()))
        else:
            from expressentry.cli.render import print_score

            print_score(label, profile, result, explain=explain)

    _run_each(file, handle)


@app.command()
def improve(
    file: FileArg,
    as_of: AsOf = None,
    as_json: AsJson = False,
    limit: Annotated[int, typer.Option(help="How many suggestions to list.", min=1)] = 10,
) -> None:
    """List the single changes that would add the most CRS points."""
    on = _parse_date(as_of)
    from expressentry.scoring.whatif import improve as run_improve

    def handle(label: str, profile: Profile) -> None:
        base, suggestions = run_improve(profile, on, limit=limit)
        if as_json:
            typer.echo(
                json.dumps(
                    {
                        "as_of": on.isoformat(),
                        "total": base.total,
                        "suggestions": [
                            {
                                "description": s.description,
                                "change": s.change,
                                "gain": s.gain,
                                "new_total": s.new_total,
                            }
                            for s in suggestions
                        ],
                    }
                )
            )
        else:
            from expressentry.cli.render import print_improve

            print_improve(label, base, suggestions)

    _run_each(file, handle)


@app.command()
def example(
    name: Annotated[str, typer.Argument(help="Which example profile to print.")] = "profile",
) -> None:
    """Print a shipped example profile (exchange format) to use as a starting point."""
    path = EXAMPLES_DIR / f"{name}.json"
    if not path.is_file():
        names = sorted(p.stem for p in EXAMPLES_DIR.glob("*.json"))
        _fail(f"no example named {name!r} (available: {', '.join(names)})")
    typer.echo(path.read_text(encoding="utf-8").rstrip())


def _add_pool_commands() -> None:
    from expressentry.cli.pool_commands import application_app, ita_app, pool_app, round_app

    app.add_typer(pool_app, name="pool")
    app.add_typer(round_app, name="round")
    app.add_typer(ita_app, name="ita")
    app.add_typer(application_app, name="application")
    from expressentry.cli.user_commands import user_app

    app.add_typer(user_app, name="user")
    from expressentry.cli import simulation_commands
    from expressentry.cli.history_commands import history_app

    app.add_typer(history_app, name="history")
    from expressentry.cli.report_commands import report_app

    app.add_typer(report_app, name="report")
    from expressentry.cli.serve_commands import serve

    app.command("serve")(serve)
    from expressentry.cli.where_commands import where

    app.command("where")(where)

    simulation_commands.register(app)


def run() -> None:
    """Entry point of the ``expressentry`` console script."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)


@app.command()
def eligibility(file: FileArg, as_of: AsOf = None, as_json: AsJson = False) -> None:
    """Program eligibility (FSW, CEC, FST) and every category in force, with the reasons."""
    on = _parse_date(as_of)
    from expressentry.eligibility.assess import assess

    def handle(label: str, profile: Profile) -> None:
        result = assess(profile, on)
        if as_json:
            typer.echo(json.dumps(result.document()))
        else:
            from expressentry.cli.render import print_eligibility

            print_eligibility(label, profile, result)

    _run_each(file, handle)


categories_app = typer.Typer(help="Categories for category-based rounds, as the Minister set them.")
app.add_typer(categories_app, name="categories")
noc_app = typer.Typer(help="The National Occupational Classification (NOC) 2021.")
app.add_typer(noc_app, name="noc")


@categories_app.command("list")
def categories_list(
    as_of: AsOf = None,
    all_versions: Annotated[
        bool, typer.Option("--all", help="Every version of every category, in force or not.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """The categories in force on a date (default: today)."""
    on = _parse_date(as_of)
    from expressentry.rules.categories import default_categories

    book = default_categories()
    versions = list(book) if all_versions else book.in_force(on)
    if as_json:
        for v in versions:
            typer.echo(json.dumps(_category_summary(v)))
        return
    from expressentry.cli.render import print_categories

    print_categories(versions, None if all_versions else on)


def _category_summary(v: Any) -> dict[str, Any]:
    from expressentry.eligibility.categories import describe

    return {
        "slug": v.slug,
        "official_name": v.official_name,
        "year": v.year,
        "effective_from": v.effective_from.isoformat(),
        "effective_to": v.effective_to.isoformat() if v.effective_to else None,
        "instruction_label": v.instruction_label,
        "priority": v.priority,
        "criteria": [describe(c) for c in v.criteria],
        "occupations": len(v.occupations()),
    }


@categories_app.command("show")
def categories_show(
    slug: Annotated[str, typer.Argument(help="The category's slug, e.g. stem.")],
    as_of: AsOf = None,
    filter_text: Annotated[
        str | None, typer.Option("--filter", help="Show only occupations matching this text.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """A category's rules and its occupation table (occupation, 2021 NOC code, TEER)."""
    on = _parse_date(as_of)
    from expressentry.rules.categories import default_categories, occupation_table

    book = default_categories()
    if slug not in book.slugs():
        _fail(f"no category {slug!r}; known categories: {', '.join(book.slugs())}")
    try:
        version = book.version_at(slug, on)
    except LookupError as exc:
        _fail(str(exc))
    rows = occupation_table(version, filter_text)
    if as_json:
        doc = _category_summary(version)
        doc["occupations"] = [{"occupation": o.title, "noc": o.code, "teer": o.teer} for o in rows]
        typer.echo(json.dumps(doc))
        return
    from expressentry.cli.render import print_category

    print_category(version, rows, filter_text)


@noc_app.command("search")
def noc_search(
    text: Annotated[str, typer.Argument(help="Words of the title, or the start of a code.")],
    as_json: AsJson = False,
) -> None:
    """Find NOC 2021 unit groups by title or code."""
    from expressentry.rules import noc

    hits = noc.search(text)
    if as_json:
        for g in hits:
            typer.echo(json.dumps({"noc": g.code, "title": g.title, "teer": g.teer}))
        return
    from expressentry.cli.render import print_noc

    print_noc(text, hits)


_add_pool_commands()
