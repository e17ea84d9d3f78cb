"""``expressentry serve``: the web interface and the HTTP API under uvicorn.

On first start (an empty database) it builds the demo: a pool, a year of real rounds, a round
held today and demo users, whose logins it prints (and prints again on later starts).
"""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer


def default_site_url() -> str:
    """The server's default database: the one every command reads (``expressentry where``)."""
    from expressentry.pool.db import default_url

    return default_url()


def prepare_site(url: str, *, demo: bool = True, demo_size: int = 3000) -> None:
    """What ``serve`` does before it listens: say which database it uses, build the demo in
    an empty one, print the demo logins. ``expressentry demo`` does the same and stops."""
    from expressentry.accounts import demo as site_demo
    from expressentry.cli.render import progress_bar
    from expressentry.pool.db import DatabaseError, connect

    typer.echo(f"Database: {url}")
    typer.echo("  (every expressentry command reads it without --db; see `expressentry where`)")
    try:
        engine = connect(url)
    except DatabaseError as exc:
        typer.echo(f"error: --db: {exc}", err=True)
        raise typer.Exit(2) from None
    empty = site_demo.is_empty(engine)
    engine.dispose()
    if empty and demo:
        typer.echo("First start: building the demo (a pool, a year of rounds, demo users)...")
        started = time.monotonic()
        with progress_bar(True) as step:
            site_demo.prepare(url, size=demo_size, progress=step)
        typer.echo(f"Demo built in {time.monotonic() - started:.0f} s.")
    logins = site_demo.saved_logins(url)
    if logins:
        typer.echo("Demo logins (username / password, role):")
        for login in logins:
            extra = f", profile {login.profile_id}" if login.profile_id else ""
            typer.echo(f"  {login.username} / {login.password}  ({login.role}{extra})")


def server_options(
    host: str, port: int, workers: int, forwarded_allow_ips: str | None
) -> dict[str, object]:
    """uvicorn's settings. Forwarded headers (X-Forwarded-For, X-Forwarded-Proto) are read only
    from the proxies named in ``forwarded_allow_ips`` (addresses or networks, comma-separated;
    ``*`` for any): by default none, for uvicorn would trust them from 127.0.0.1 and a local
    client rotating X-Forwarded-For would escape the login throttle of its address."""
    trusted = (forwarded_allow_ips or "").strip()
    return {
        "host": host,
        "port": port,
        "workers": workers,
        "access_log": False,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
    }


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL; default: the database every command reads, expressentry.db "
            "in your data folder unless the environment names another (expressentry where "
            "shows it).",
        ),
    ] = None,
    no_demo: Annotated[
        bool,
        typer.Option("--no-demo", help="Start on an empty database without building the demo."),
    ] = False,
    demo_size: Annotated[int, typer.Option("--demo-size", min=200, help="Demo pool size.")] = 3000,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="Proxies whose X-Forwarded-For and X-Forwarded-Proto are trusted (addresses or "
            "networks, comma-separated; '*' for any). Default: none, the client's own address "
            "counts.",
        ),
    ] = None,
) -> None:
    """Start the web interface and the HTTP API (documentation at /docs)."""
    import uvicorn

    from expressentry.pool.db import ENV_VAR

    url = db or os.environ.get(ENV_VAR) or default_site_url()
    prepare_site(url, demo=not no_demo, demo_size=demo_size)
    os.environ[ENV_VAR] = url  # the app (and every worker) opens this database
    address = f"http://{host}:{port}/"
    typer.echo(f"Express Entry on {address} (API documentation: {address}docs)")
    uvicorn.run(
        "expressentry.api.app:create_app",
        factory=True,
        **server_options(host, port, workers, forwarded_allow_ips),  # type: ignore[arg-type]
    )
