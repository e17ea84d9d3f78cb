"""Is my score enough? A posted profile beside the real rounds of the last 12 months (no login,
nothing stored): the same comparison as the score page's (``expressentry.rounds.context``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from expressentry.api.params import as_of_date, profile_body, rules_problem
from expressentry.api.scoring import PROFILE_BODY
from expressentry.profile.model import Profile
from expressentry.rounds.context import OUTCOMES, compare
from expressentry.rules.tables import NotInForce
from expressentry.scoring.crs import BeforeExpressEntry

router = APIRouter(prefix="/api", tags=["score"])

AsOf = Annotated[dt.date, Depends(as_of_date)]
ProfileBody = Annotated[Profile, Depends(profile_body)]


class RoundOutcomeDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    round: str = Field(description="IRCC's round number")
    date: str = Field(json_schema_extra={"format": "date"})
    round_type: str
    program: str | None
    category: str | None
    crs_cutoff: int = Field(description="The lowest CRS score invited")
    invitations: int
    tie_break: str | None
    outcome: str = Field(description="One of: " + ", ".join(OUTCOMES))
    margin: int = Field(description="The profile's CRS minus the round's cutoff")
    missing: str | None = Field(description="The program or category the profile does not meet")


class RecentRoundsAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    as_of: str = Field(json_schema_extra={"format": "date"})
    since: str = Field(json_schema_extra={"format": "date"})
    crs: int
    rounds: int
    invited: int
    outcomes: list[RoundOutcomeDoc]


@router.post(
    "/recent-rounds",
    response_model=RecentRoundsAnswer,
    openapi_extra=PROFILE_BODY,
    summary="The last 12 months' real rounds the profile would and would not have been invited in",
)
async def post_recent_rounds(profile: ProfileBody, on: AsOf) -> JSONResponse:
    """Each round IRCC held in the 12 months up to ``as_of``, newest first, with the outcome
    for the profile as it stands on ``as_of``: invited, a tie at the cutoff, a score below the
    cutoff, or not eligible for the round's program or category."""
    try:
        doc = compare(profile, on).document()
    except (BeforeExpressEntry, NotInForce) as exc:
        raise rules_problem(exc) from None
    return JSONResponse(doc)
