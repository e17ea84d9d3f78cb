"""The history of rounds of invitations, as IRCC published them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from expressentry.api import models
from expressentry.api.problems import bad_input, not_found
from expressentry.rounds import history

router = APIRouter(prefix="/api/history", tags=["history"])


def _fields_of(message: str, given: dict[str, str | int | None]) -> list[str]:
    """The filters a HistoryError is about: those given that the message names."""
    named = [
        name
        for name in ("type", "program", "category", "year")
        if given.get(name) is not None and ("round type" if name == "type" else name) in message
    ]
    return named or [k for k, v in given.items() if v is not None] or ["(query)"]


@router.get("/rounds", response_model=models.RoundList, summary="Rounds of invitations")
async def get_rounds(
    year: Annotated[int | None, Query(ge=2015, le=2100)] = None,
    type_: Annotated[
        str | None,
        Query(alias="type", max_length=40, description="general, program or category"),
    ] = None,
    category: Annotated[
        str | None, Query(max_length=100, description="A category's slug, e.g. stem")
    ] = None,
    program: Annotated[str | None, Query(max_length=40, description="cec, fsw, fst or pnp")] = None,
) -> JSONResponse:
    """Rounds matching every filter given, oldest first."""
    try:
        found = history.rounds(year, type_, program, category)
    except history.HistoryError as exc:
        given = {"type": type_, "program": program, "category": category, "year": year}
        raise bad_input([(name, str(exc)) for name in _fields_of(str(exc), given)]) from None
    return JSONResponse({"total": len(found), "rounds": [r.document() for r in found]})


@router.get("/rounds/{number}", response_model=models.RoundList, summary="One round by its number")
async def get_round(
    number: Annotated[str, Path(max_length=20, description="The round's number: 250 or 91a")],
) -> JSONResponse:
    """The round with that number (``91`` gives both 91a and 91b)."""
    try:
        found = history.get(number)
    except history.UnknownRound as exc:
        raise not_found(str(exc), "number") from None
    return JSONResponse({"total": len(found), "rounds": [r.document() for r in found]})
