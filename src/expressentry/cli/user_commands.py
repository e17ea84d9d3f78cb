"""``expressentry user add|list|passwd``: the accounts of candidates, officers and analysts.

The database is ``--db URL`` or ``EXPRESSENTRY_DATABASE_URL``, as for the pool. Passwords are
typed twice at a hidden prompt, or read from the first line of standard input with
``--password-stdin`` (for scripts); they are never taken as an argument, where other users of the
machine and the shell's history would see them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from expressentry.cli.pool_commands import ActorOption, DbOption, JsonOption, fail

if TYPE_CHECKING:
    from expressentry.accounts.service import Accounts, User

user_app = typer.Typer(
    help="User accounts: candidates, officers and analysts.", no_args_is_help=True
)

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input instead of a prompt.",
    ),
]


@contextmanager
def opened(db: str | None) -> Iterator[Accounts]:
    """The accounts, with bad input turned into one line naming the field and exit status 2."""
    from expressentry.accounts.service import AccountError, Accounts
    from expressentry.pool.db import DatabaseError, connect

    try:
        engine = connect(db)
    except DatabaseError as exc:
        fail(str(exc))
    try:
        yield Accounts(engine)
    except AccountError as exc:
        fail(str(exc))
    finally:
        engine.dispose()


def read_password(from_stdin: bool) -> str:
    """The new password: the first line of standard input, or typed twice at a hidden prompt."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            fail("password: nothing on standard input (give it as the first line)")
        return password
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="3 to 64 characters of a-z, 0-9, . _ -")],
    role: Annotated[str, typer.Option("--role", help="candidate, officer or analyst.")],
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="A candidate's own profile in the pool (profile_id)."),
    ] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    actor: ActorOption = "admin",
    as_json: JsonOption = False,
) -> None:
    """Create a user with a role (and, for a candidate, the profile that is theirs)."""
    from expressentry.accounts.service import AccountError, _check_role, _username

    # check what can be checked before asking for a password
    try:
        _username(username)
        _check_role(role)
    except AccountError as exc:
        fail(str(exc))
    password = read_password(password_stdin)
    with opened(db) as accounts:
        user = accounts.add_user(username, password, role, profile_id=profile, actor=actor)
    if as_json:
        typer.echo(json.dumps(_doc(user)))
    else:
        linked = f", profile {user.profile_id}" if user.profile_id else ""
        typer.echo(f"added {user.username} ({user.role}{linked})")


@user_app.command("list")
def user_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every user, by username, with role, profile and whether the account is active."""
    with opened(db) as accounts:
        rows = [_doc(u) for u in accounts.users()]
    if as_json:
        typer.echo(json.dumps(rows))
        return
    from expressentry.cli.render import print_rows

    print_rows("Users", rows)


@user_app.command("passwd")
def user_passwd(
    username: Annotated[str, typer.Argument(help="Whose password to change.")],
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    actor: ActorOption = "admin",
) -> None:
    """Set a user's password (the user's sessions end)."""
    with opened(db) as accounts:
        if accounts.get(username) is None:
            fail(f"username: no such user {username!r}")
        password = read_password(password_stdin)
        accounts.set_password(username, password, actor=actor)
    typer.echo(f"password of {username.lower()} changed")


@user_app.command("unlock")
def user_unlock(
    username: Annotated[str, typer.Argument(help="Whose sign-in to unlock.")],
    db: DbOption = None,
    actor: ActorOption = "admin",
) -> None:
    """Lift the login throttle of an account (its failed attempts no longer count), once its
    owner asked: recorded in the audit log."""
    with opened(db) as accounts:
        lifted = accounts.unlock(username, actor=actor)
    typer.echo(f"{username.lower()} unlocked: {lifted} failed attempts no longer count")


def _doc(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "role": user.role,
        "profile_id": user.profile_id,
        "active": user.active,
    }
