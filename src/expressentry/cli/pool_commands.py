"""``expressentry pool|round|ita|application``: the pool and rounds of invitations, in a database.

The database is ``--db URL`` or ``EXPRESSENTRY_DATABASE_URL``; by default a SQLite file in the
user's data folder.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from expressentry.pool.service import Pool

T = TypeVar("T")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///FILE or postgresql://USER@HOST/DB); "
        "default: EXPRESSENTRY_DATABASE_URL or a SQLite file in your data folder.",
    ),
]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="When it happens (ISO 8601 with a zone, e.g. 2026-11-20T12:00:00Z); default: now.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ActorOption = Annotated[
    str, typer.Option("--actor", help="Who does this (recorded in the audit log).")
]

pool_app = typer.Typer(help="Profiles in the Express Entry pool.", no_args_is_help=True)
round_app = typer.Typer(help="Rounds of invitations.", no_args_is_help=True)
ita_app = typer.Typer(help="Invitations to apply (ITAs).", no_args_is_help=True)
application_app = typer.Typer(
    help="Applications for permanent residence and decisions.", no_args_is_help=True
)


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def parse_at(value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date and time (e.g. 2026-11-20T12:00:00Z)", param_hint="'--at'"
        ) from None
    if when.tzinfo is None:
        raise typer.BadParameter(f"{value!r} has no time zone (add Z for UTC)", param_hint="'--at'")
    try:
        return when.astimezone(dt.UTC)
    except OverflowError:  # 9999-12-31T23:59:59-12:00 is past the calendar's end in UTC
        raise typer.BadParameter(
            f"{value!r} is past the end of the calendar in UTC", param_hint="'--at'"
        ) from None


def require_database(db: str | None) -> None:
    """Fail (status 2) when the SQLite file ``db`` names does not exist, rather than create
    an empty database that would answer "no profile" or "no data"."""
    from expressentry.pool.db import resolve_url, sqlite_file, url_origin

    path = sqlite_file(resolve_url(db))
    if path is not None and not path.is_file():
        where = "--db: " if url_origin(db) == "--db" else ""
        fail(
            f"{where}no database at {path}: `expressentry serve` (or `expressentry demo`) "
            "builds the demo there, `expressentry pool import FILE` fills it; "
            "`expressentry where` shows which database each command reads"
        )


@contextmanager
def opened(db: str | None, *, create: bool = False) -> Iterator[Pool]:
    """The pool, with domain errors turned into clear messages and exit status 2. Only a
    command that adds profiles (``create``) makes a new database."""
    from expressentry.pool.db import DatabaseError, connect
    from expressentry.pool.service import Pool, PoolError
    from expressentry.profile.model import ProfileError

    if not create:
        require_database(db)
    try:
        engine = connect(db)
    except DatabaseError as exc:
        fail(str(exc))
    try:
        yield Pool(engine)
    except (PoolError, ProfileError, LookupError) as exc:
        fail(str(exc))
    finally:
        engine.dispose()


def emit(doc: Any, as_json: bool, render: Callable[[], None]) -> None:
    if as_json:
        typer.echo(json.dumps(doc, default=str))
    else:
        render()


def _load_profile(path: str) -> Any:
    from expressentry.cli.main import InputError, _read
    from expressentry.profile.model import ProfileError, load_profile

    try:
        text = _read(path)
        return load_profile(path if path != "-" else "<stdin>", text)
    except (InputError, ProfileError) as exc:
        for line in str(exc).splitlines():
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(2) from None


# --- pool ----------------------------------------------------------------------------------------


@pool_app.command("submit")
def pool_submit(
    file: Annotated[str, typer.Argument(help="A profile JSON file (with its profile_id), or -.")],
    db: DbOption = None,
    at: AtOption = None,
    actor: ActorOption = "candidate",
    as_json: JsonOption = False,
) -> None:
    """Submit a profile: it enters the pool if it meets a program's minimum criteria."""
    profile = _load_profile(file)
    with opened(db, create=True) as pool:
        result = pool.submit(profile, at=parse_at(at) if at else None, actor=actor)
    doc = {
        "profile_id": result.profile_id,
        "entered": result.entered,
        "crs": result.crs,
        "reasons": list(result.reasons),
        "categories": list(result.categories),
    }
    emit(
        doc,
        as_json,
        lambda: typer.echo(
            f"{result.profile_id}: entered the pool with {result.crs} points"
            if result.entered
            else f"{result.profile_id}: refused — " + "; ".join(result.reasons)
        ),
    )
    if not result.entered:
        raise typer.Exit(1)


@pool_app.command("update")
def pool_update(
    file: Annotated[str, typer.Argument(help="The profile's new content (same profile_id), or -.")],
    db: DbOption = None,
    at: AtOption = None,
    actor: ActorOption = "candidate",
    as_json: JsonOption = False,
) -> None:
    """Update a profile in the pool: it is rescored; its submission time does not change."""
    profile = _load_profile(file)
    with opened(db) as pool:
        result = pool.update(profile, at=parse_at(at), actor=actor)
    doc = {
        "profile_id": result.profile_id,
        "in_pool": result.entered,
        "crs": result.crs,
        "reasons": list(result.reasons),
    }
    emit(doc, as_json, lambda: typer.echo(f"{result.profile_id}: updated, {result.crs} points"))


@pool_app.command("withdraw")
def pool_withdraw(
    profile_id: str,
    db: DbOption = None,
    at: AtOption = None,
    actor: ActorOption = "candidate",
) -> None:
    """Withdraw a profile from the pool."""
    with opened(db) as pool:
        pool.withdraw(profile_id, at=parse_at(at), actor=actor)
    typer.echo(f"{profile_id}: withdrawn")


@pool_app.command("expire-due")
def pool_expire_due(
    db: DbOption = None, at: AtOption = None, actor: ActorOption = "system"
) -> None:
    """Profiles past their 12 months (or their test's or ECA's validity) leave the pool."""
    with opened(db) as pool:
        n = pool.expire_due(parse_at(at), actor=actor)
    typer.echo(f"{n} profiles expired")


@pool_app.command("import")
def pool_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="A JSON Lines file: one profile a line, each with profile_id and submitted_at."
        ),
    ],
    db: DbOption = None,
    actor: ActorOption = "import",
    as_json: JsonOption = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Score and check profiles as of this date (default: today)."),
    ] = None,
) -> None:
    """Import many profiles. Good lines are imported; every bad line is reported by number."""
    on = _date_option(as_of)
    try:
        handle = file.open(encoding="utf-8")
    except OSError as exc:
        fail(f"{file}: cannot be read ({exc.strerror})")
    from expressentry.cli.render import progress_bar, read_with_progress

    # at a terminal, a bar for the file read so far (a million profiles take a minute or two)
    with handle, opened(db, create=True) as pool, progress_bar(not as_json) as step:
        try:
            size = file.stat().st_size
            lines = read_with_progress(handle, size, step) if size else handle
            report = pool.import_lines(lines, actor=actor, as_of=on, source=file.name)
        except UnicodeDecodeError:
            fail(f"{file}: not a UTF-8 text file")
    for number, reason in report.problems:
        typer.echo(f"error: {file}, line {number}: {reason}", err=True)
    doc = {"imported": report.imported, "refused": report.refused, "bad_lines": report.bad}
    emit(
        doc,
        as_json,
        lambda: typer.echo(f"imported {report.imported} profiles; {report.bad} lines not imported"),
    )
    if report.bad:
        raise typer.Exit(2)


def _date_option(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@pool_app.command("rescore")
def pool_rescore(
    as_of: Annotated[str, typer.Option("--as-of", help="Rescore as of this date (YYYY-MM-DD).")],
    db: DbOption = None,
    actor: ActorOption = "system",
) -> None:
    """Recompute every profile's score, programs and categories (after a rule change)."""
    try:
        on = dt.date.fromisoformat(as_of)
    except ValueError:
        raise typer.BadParameter(f"{as_of!r} is not a date (YYYY-MM-DD)") from None
    from expressentry.cli.render import progress_bar

    with opened(db) as pool, progress_bar() as step:
        n = pool.rescore(
            on, actor=actor, progress=lambda done, total: step("Rescoring", done, total)
        )
    typer.echo(f"{n} profiles changed")


@pool_app.command("list")
def pool_list(
    db: DbOption = None,
    status: Annotated[
        str,
        typer.Option(help="in_pool, invited, applied, withdrawn, expired, ita_expired, or all."),
    ] = "in_pool",
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: JsonOption = False,
) -> None:
    """Profiles in rank order (highest CRS first, then earliest submission)."""
    with opened(db) as pool:
        rows = pool.list(None if status == "all" else status, limit)
    from expressentry.cli.render import print_rows

    emit(rows, as_json, lambda: print_rows("Profiles", rows))


@pool_app.command("show")
def pool_show(
    profile_id: str,
    db: DbOption = None,
    as_json: JsonOption = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the text: en or fr.")] = "en",
) -> None:
    """A profile's current state, score and categories, the documents it relies on and the day
    each stops counting, and its history."""
    from expressentry.web.i18n import LANGUAGES, catalog

    if lang not in LANGUAGES:
        fail(f"--lang: {lang!r} is not one of {', '.join(LANGUAGES)}")
    with opened(db) as pool:
        doc = pool.show(profile_id)
        doc["history"] = pool.history(profile_id)
    from expressentry.cli.render import print_documents, print_rows

    def render() -> None:
        hidden = ("history", "score", "documents")
        typer.echo(json.dumps({k: v for k, v in doc.items() if k not in hidden}, indent=2))
        print_documents(doc, catalog(lang))
        print_rows("History", doc["history"])

    emit(doc, as_json, render)


@pool_app.command("stats")
def pool_stats(db: DbOption = None, at: AtOption = None, as_json: JsonOption = False) -> None:
    """Pool size by status, the CRS distribution in IRCC's bands, and eligibility per category,
    as of a time (default: now): profiles whose assessment can have changed by then count as
    re-assessed on that day (nothing is written)."""
    when = parse_at(at)
    with opened(db) as pool:
        doc = pool.stats(at=when)
    from expressentry.cli.render import print_stats

    emit(doc, as_json, lambda: print_stats(doc))


# --- rounds --------------------------------------------------------------------------------------


RoundType = Annotated[str, typer.Option("--type", help="general, program or category.")]
ProgramOpt = Annotated[
    str | None, typer.Option("--program", help="cec, fsw, fst or pnp (program rounds).")
]
CategoryOpt = Annotated[
    str | None, typer.Option("--category", help="A category slug (category rounds).")
]
SizeOpt = Annotated[int, typer.Option("--size", help="Number of invitations.")]
RoundIdOpt = Annotated[
    int | None, typer.Option("--round-id", help="The round's number (default: next).")
]
MinimumOpt = Annotated[int | None, typer.Option("--minimum", help="Invite no one below this CRS.")]


def _request(
    round_type: str,
    program: str | None,
    category: str | None,
    size: int,
    at: str | None,
    round_id: int | None,
    minimum: int | None,
) -> Any:
    from expressentry.rounds.service import RoundRequest

    return RoundRequest(
        at=parse_at(at),
        at_default=at is None,
        round_type=round_type,
        size=size,
        program=program.lower() if program else None,
        category=category,
        round_id=round_id,
        minimum_crs=minimum,
    )


def _print_round(result: Any, as_json: bool, preview: bool) -> None:
    from expressentry.cli.render import print_round

    emit(result.document(), as_json, lambda: print_round(result, preview=preview))


@round_app.command("preview")
def round_preview(
    round_type: RoundType,
    size: SizeOpt,
    program: ProgramOpt = None,
    category: CategoryOpt = None,
    at: AtOption = None,
    round_id: RoundIdOpt = None,
    minimum: MinimumOpt = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who would be invited, and the cutoff, without writing anything."""
    from expressentry.rounds.service import Rounds

    req = _request(round_type, program, category, size, at, round_id, minimum)
    with opened(db) as pool:
        result = Rounds(pool).preview(req)
    _print_round(result, as_json, preview=True)


@round_app.command("run")
def round_run(
    round_type: RoundType,
    size: SizeOpt,
    program: ProgramOpt = None,
    category: CategoryOpt = None,
    at: AtOption = None,
    round_id: RoundIdOpt = None,
    minimum: MinimumOpt = None,
    db: DbOption = None,
    actor: ActorOption = "officer",
    as_json: JsonOption = False,
) -> None:
    """Hold a round of invitations (one transaction; running the same round again is a no-op)."""
    from expressentry.rounds.service import Rounds

    req = _request(round_type, program, category, size, at, round_id, minimum)
    with opened(db) as pool:
        result = Rounds(pool).run(req, actor=actor)
    _print_round(result, as_json, preview=False)


@round_app.command("cancel")
def round_cancel(
    round_id: Annotated[int, typer.Argument(help="The round's number.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why it is cancelled (recorded in the audit log).")
    ],
    db: DbOption = None,
    actor: ActorOption = "officer",
    as_json: JsonOption = False,
) -> None:
    """Cancel the latest round, held by mistake, before any of its invitations is answered:
    its ITAs and record are removed, its invitees are back in the pool as they stood, and the
    audit log keeps the whole round with who cancelled it and why."""
    from expressentry.rounds.service import Rounds

    with opened(db) as pool:
        done = Rounds(pool).cancel(round_id, reason=reason, actor=actor)
    emit(
        done,
        as_json,
        lambda: typer.echo(
            f"round {round_id} cancelled: {done['invitations_removed']} invitations removed, "
            f"{done['profiles_restored']} profiles back as they stood before it"
        ),
    )


@round_app.command("list")
def round_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Rounds held, in time order."""
    from expressentry.rounds.service import Rounds

    with opened(db) as pool:
        rows = Rounds(pool).list()
    from expressentry.cli.render import print_rows

    if as_json:
        for row in rows:
            typer.echo(json.dumps(row))
        return
    print_rows("Rounds of invitations", rows)


@round_app.command("show")
def round_show(round_id: int, db: DbOption = None, as_json: JsonOption = False) -> None:
    """A round's published record: invitations, lowest CRS, tie-break, rank, distribution."""
    from expressentry.rounds.service import Rounds

    with opened(db) as pool:
        result = Rounds(pool).show(round_id)
    from expressentry.cli.render import print_round

    emit(
        result.record() | {"invited": [i.profile_id for i in result.invited]},
        as_json,
        lambda: print_round(result, preview=False),
    )


@round_app.command("verify")
def round_verify(round_id: int, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Recompute a round from the stored pool history and check it matches what was recorded."""
    from expressentry.rounds.service import Rounds

    with opened(db) as pool:
        report = Rounds(pool).verify(round_id)
    doc = {
        "round_id": report.round_id,
        "ok": report.ok,
        "candidates": report.checked,
        "problems": report.problems,
    }
    emit(
        doc,
        as_json,
        lambda: typer.echo(
            f"round {round_id}: verified, {report.checked} candidates recomputed"
            if report.ok
            else f"round {round_id}: MISMATCH\n" + "\n".join(report.problems)
        ),
    )
    if not report.ok:
        raise typer.Exit(1)


# --- ITAs and applications ----------------------------------------------------------------------


@ita_app.command("list")
def ita_list(
    db: DbOption = None,
    status: Annotated[
        str | None, typer.Option(help="outstanding, applied, declined or expired.")
    ] = None,
    round_id: Annotated[int | None, typer.Option("--round-id")] = None,
    profile_id: Annotated[str | None, typer.Option("--profile-id")] = None,
    as_json: JsonOption = False,
) -> None:
    """Invitations to apply, with the CRS breakdown at the round."""
    from expressentry.rounds.itas import Invitations

    with opened(db) as pool:
        rows = Invitations(pool).list(status, round_id, profile_id)
    from expressentry.cli.render import print_rows

    if as_json:
        for row in rows:
            typer.echo(json.dumps(row))
        return
    print_rows(
        "Invitations to apply",
        [{k: v for k, v in r.items() if k != "crs_breakdown"} for r in rows],
        keep=("profile_id", "status", "deadline"),
    )


@ita_app.command("accept")
def ita_accept(
    profile_id: str,
    db: DbOption = None,
    at: AtOption = None,
    actor: ActorOption = "candidate",
) -> None:
    """Accept the invitation by applying with the profile as it stood (see application submit)."""
    from expressentry.rounds.itas import Invitations

    with opened(db) as pool:
        pk = Invitations(pool).apply(profile_id, at=parse_at(at), actor=actor)
    typer.echo(f"{profile_id}: application {pk} submitted")


@ita_app.command("decline")
def ita_decline(
    profile_id: str,
    db: DbOption = None,
    at: AtOption = None,
    actor: ActorOption = "candidate",
) -> None:
    """Decline the invitation: the profile returns to the pool for the rest of its validity."""
    from expressentry.rounds.itas import Invitations

    with opened(db) as pool:
        Invitations(pool).decline(profile_id, at=parse_at(at), actor=actor)
    typer.echo(f"{profile_id}: invitation declined")


@ita_app.command("expire-due")
def ita_expire_due(db: DbOption = None, at: AtOption = None, actor: ActorOption = "system") -> None:
    """Invitations past their deadline expire; those profiles leave the pool."""
    from expressentry.rounds.itas import Invitations

    with opened(db) as pool:
        n = Invitations(pool).expire_due(parse_at(at), actor=actor)
    typer.echo(f"{n} invitations expired")


@application_app.command("submit")
def application_submit(
    profile_id: str,
    file: Annotated[
        str | None,
        typer.Option("--profile", help="The verified profile (JSON); default: as invited."),
    ] = None,
    db: DbOption = None,
    at: AtOption = None,
    actor: ActorOption = "candidate",
) -> None:
    """Submit the application for permanent residence for an outstanding invitation."""
    from expressentry.rounds.itas import Invitations

    verified = _load_profile(file) if file else None
    with opened(db) as pool:
        pk = Invitations(pool).apply(profile_id, verified, at=parse_at(at), actor=actor)
    typer.echo(f"{profile_id}: application {pk} submitted")


@application_app.command("decide")
def application_decide(
    application: int,
    admissible: Annotated[
        bool, typer.Option("--admissible/--inadmissible", help="The admissibility finding.")
    ] = True,
    finding: Annotated[str, typer.Option(help="The admissibility finding, in words.")] = "",
    db: DbOption = None,
    at: AtOption = None,
    actor: ActorOption = "officer",
    as_json: JsonOption = False,
) -> None:
    """Decide an application: program and category eligibility on the verified facts, accuracy
    of the CRS against the round's cutoff, and admissibility."""
    from expressentry.rounds.itas import Invitations

    with opened(db) as pool:
        decision = Invitations(pool).decide(
            application, admissible=admissible, finding=finding, at=parse_at(at), actor=actor
        )
    emit(
        decision.document(),
        as_json,
        lambda: typer.echo(
            f"application {application} ({decision.profile_id}): {decision.outcome}"
            + ("".join(f"\n  - {r}" for r in decision.reasons))
        ),
    )


@application_app.command("list")
def application_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Applications and their decisions."""
    from expressentry.rounds.itas import Invitations

    with opened(db) as pool:
        rows = Invitations(pool).applications()
    from expressentry.cli.render import print_rows

    if as_json:
        for row in rows:
            typer.echo(json.dumps(row))
        return
    print_rows("Applications", [{k: v for k, v in r.items() if k != "decision"} for r in rows])
