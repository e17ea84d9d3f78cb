"""``expressentry serve``: the HTTP API under uvicorn (the lead registers the command)."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
) -> None:
    """Start the HTTP API (OpenAPI documentation at /docs)."""
    import uvicorn

    typer.echo(f"Express Entry API on http://{host}:{port}/ (documentation: /docs)")
    uvicorn.run(
        "expressentry.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
    )
