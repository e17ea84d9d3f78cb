"""Shared request parameters: the as-of date, and reading a profile the way the CLI does."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import Query, Request

from expressentry.api.problems import ApiProblem, bad_input, decode_json, read_body
from expressentry.profile.model import Profile, ProfileError, as_of_problem, parse_profile
from expressentry.rules.tables import NotInForce
from expressentry.scoring.crs import CRS_EPOCH, BeforeExpressEntry


async def as_of_date(
    as_of: Annotated[
        str | None,
        Query(
            description="Assessment date (YYYY-MM-DD), from 2015-01-01 to five years after "
            "today; default: today.",
            max_length=40,
            json_schema_extra={"format": "date"},
            examples=["2025-06-01"],
        ),
    ] = None,
) -> dt.date:
    """The ``as_of`` query parameter as a date (today when absent)."""
    if as_of is None:
        return dt.date.today()
    try:
        if len(as_of) != 10:
            raise ValueError(as_of)
        on = dt.date.fromisoformat(as_of)
    except ValueError:
        raise bad_input([("as_of", f"{as_of!r} is not a date (YYYY-MM-DD)")]) from None
    if on < CRS_EPOCH:
        raise bad_input(
            [("as_of", f"{on.isoformat()} is before Express Entry began on 2015-01-01")]
        )
    if (problem := as_of_problem(on)) is not None:
        raise bad_input([("as_of", problem)])
    return on


def profile_from(data: Any, prefix: str = "", text: str | bytes | None = None) -> Profile:
    """Validate a decoded JSON value with the project's own ``parse_profile``.

    The value is re-encoded and parsed as JSON text, exactly as the CLI parses a file, so the
    field paths and reasons are the CLI's. ``prefix`` names where the profile sits in the body;
    ``text`` is the JSON text ``data`` was decoded from, when it is the whole body.
    """
    where = prefix or "(profile)"
    if not isinstance(data, dict):
        kind = "an array" if isinstance(data, list) else f"a {type(data).__name__} value"
        raise bad_input([(where, f"a profile is a JSON object, not {kind}")])
    try:
        return parse_profile(text if text is not None else json.dumps(data))
    except ProfileError as exc:
        errors = []
        for path, reason in exc.problems:
            if prefix:
                path = f"{prefix}.{path}" if path and not path.startswith("[") else prefix + path
            errors.append((path or where, reason))
        raise bad_input(errors) from None


async def profile_body(request: Request) -> Profile:
    """The request body as a profile of the exchange format."""
    raw = await read_body(request)
    return profile_from(decode_json(raw), text=raw)


def rules_problem(exc: Exception) -> ApiProblem:
    """A date-dependent rule failure (no rule in force, before Express Entry) as a 422."""
    if isinstance(exc, BeforeExpressEntry | NotInForce):
        return bad_input([("as_of", str(exc))])
    raise exc
