"""A candidate's invitation outlook for a posted profile (or a CRS and what it meets)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from expressentry.api import models
from expressentry.api.params import as_of_date, profile_from, rules_problem
from expressentry.api.problems import bad_input, decode_json, read_body
from expressentry.rules.tables import NotInForce
from expressentry.scoring.crs import BeforeExpressEntry

router = APIRouter(prefix="/api", tags=["scoring"])

AsOf = Annotated[dt.date, Depends(as_of_date)]

OUTLOOK_BODY = {
    "requestBody": {
        "required": True,
        "description": (
            "A profile of the exchange format, or a CRS with the programs, nomination and "
            "categories it meets"
        ),
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Profile"},
                        {"$ref": "#/components/schemas/OutlookCandidate"},
                    ]
                }
            }
        },
    }
}


@router.post(
    "/outlook",
    response_model=models.OutlookDocument,
    openapi_extra=OUTLOOK_BODY,
    summary="Invitation outlook: probability of an invitation within 1, 3, 6 and 12 months",
)
async def post_outlook(request: Request, on: AsOf) -> JSONResponse:
    """The probability of an invitation within 1, 3, 6 and 12 months as of ``as_of``, under
    the round pattern of the 12 months before it and the pool model's cutoffs, with the
    assumptions it rests on."""
    from expressentry.analysis.outlook import (
        Outlook,
        cached_pattern,
        candidate_from_profile,
        candidate_from_values,
    )
    from expressentry.analysis.predict import PredictionError
    from expressentry.rounds.history import load_history

    raw = await read_body(request)
    data = decode_json(raw)
    if isinstance(data, dict) and "crs" in data:
        try:
            candidate = candidate_from_values(data)
        except ValueError as exc:
            field, _, reason = str(exc).partition(": ")
            raise bad_input([(field, reason)]) from None
    else:
        profile = profile_from(data, text=raw)
        try:
            candidate = candidate_from_profile(profile, on)
        except (BeforeExpressEntry, NotInForce) as exc:
            raise rules_problem(exc) from None
    try:
        pattern = cached_pattern(load_history(), on)
    except PredictionError as exc:
        raise bad_input([("as_of", str(exc).removeprefix("--as-of: "))]) from None
    doc = Outlook(candidate, pattern.probabilities(candidate), pattern.basis).document()
    return JSONResponse(doc)
