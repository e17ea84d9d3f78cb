"""Score, eligibility, what-if and improve for a posted profile (no login, nothing stored)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from expressentry.api import models
from expressentry.api.params import as_of_date, profile_body, profile_from, rules_problem
from expressentry.api.problems import bad_input, decode_json, read_body
from expressentry.eligibility.assess import assess
from expressentry.profile.facts import derive
from expressentry.profile.model import Profile
from expressentry.rules.categories import default_categories
from expressentry.rules.tables import NotInForce, default_rulebook
from expressentry.scoring.crs import BeforeExpressEntry, Score, score, score_facts, tables_at
from expressentry.scoring.explain import explain
from expressentry.scoring.whatif import WhatIfError, apply_change, improve, programs_met

router = APIRouter(prefix="/api", tags=["scoring"])

AsOf = Annotated[dt.date, Depends(as_of_date)]
ProfileBody = Annotated[Profile, Depends(profile_body)]

PROFILE_BODY = {
    "requestBody": {
        "required": True,
        "description": "A profile of the exchange format (shared/spec/profile-format.md)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}},
    }
}
WHAT_IF_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WhatIfRequest"}}},
    }
}


def rules_version(on: dt.date) -> str:
    """The CRS rule set in force on ``on``."""
    return tables_at(default_rulebook(), on)["crs.versions"]["id"]


def score_document(result: Score, with_trace: bool = False) -> dict[str, Any]:
    """The spec's score document, plus ``rules_version`` and (on request) ``trace``."""
    doc = result.document()
    doc["rules_version"] = result.rules_version
    if with_trace:
        doc["trace"] = [dataclasses.asdict(line) for line in explain(result)]
    return doc


@router.post(
    "/score",
    response_model=models.ScoreDocument,
    response_model_exclude_none=True,
    openapi_extra=PROFILE_BODY,
    summary="CRS score of a profile",
)
async def post_score(
    profile: ProfileBody,
    on: AsOf,
    explain_: Annotated[
        bool, Query(alias="explain", description="Add the trace of every rule applied")
    ] = False,
) -> JSONResponse:
    """The score document of the spec for the posted profile, as of ``as_of``."""
    try:
        result = score(profile, on)
    except (BeforeExpressEntry, NotInForce) as exc:
        raise rules_problem(exc) from None
    return JSONResponse(score_document(result, explain_))


@router.post(
    "/eligibility",
    response_model=models.EligibilityDocument,
    openapi_extra=PROFILE_BODY,
    summary="Program and category eligibility of a profile",
)
async def post_eligibility(profile: ProfileBody, on: AsOf) -> JSONResponse:
    """The eligibility document of the spec for the posted profile, as of ``as_of``."""
    try:
        doc = assess(profile, on).document()
        doc["rules_version"] = rules_version(on)
    except (BeforeExpressEntry, NotInForce) as exc:
        raise rules_problem(exc) from None
    doc["category_versions"] = {v.slug: v.year for v in default_categories().in_force(on)}
    return JSONResponse(doc)


def _what_if_body(data: Any) -> tuple[Profile, list[str]]:
    if not isinstance(data, dict):
        raise bad_input([("(body)", 'expected a JSON object {"profile": {...}, "changes": [...]}')])
    errors = [(key, "unknown field (expected profile and changes)") for key in data]
    errors = [e for e in errors if e[0] not in {"profile", "changes"}]
    for key in ("profile", "changes"):
        if key not in data:
            errors.append((key, "this field is required"))
    changes = data.get("changes")
    if "changes" in data:
        if not isinstance(changes, list):
            errors.append(("changes", "expected a list of key=value strings"))
        elif not changes:
            errors.append(("changes", "give at least one change, e.g. language.first=CLB9"))
        elif len(changes) > 50:
            errors.append(("changes", "at most 50 changes"))
        else:
            errors.extend(
                (f"changes[{i}]", "expected a string key=value")
                for i, c in enumerate(changes)
                if not isinstance(c, str)
            )
    if errors:
        raise bad_input(errors)
    return profile_from(data["profile"], prefix="profile"), changes  # type: ignore[return-value]


@router.post(
    "/what-if",
    response_model=models.WhatIfAnswer,
    openapi_extra=WHAT_IF_BODY,
    summary="How the score changes with one or more changes",
)
async def post_what_if(request: Request, on: AsOf) -> JSONResponse:
    """The score before and after applying every change together, and the gain."""
    profile, changes = _what_if_body(decode_json(await read_body(request)))
    try:
        facts = derive(profile, on)
        changed = facts
        for i, change in enumerate(changes):
            try:
                changed = apply_change(changed, change)
            except WhatIfError as exc:
                raise bad_input([(f"changes[{i}]", str(exc))]) from None
        before, after = score_facts(facts), score_facts(changed)
        programs_before = programs_met(profile, facts)
        programs_after = programs_met(profile, changed)
    except (BeforeExpressEntry, NotInForce) as exc:
        raise rules_problem(exc) from None
    return JSONResponse(
        {
            "as_of": on.isoformat(),
            "rules_version": before.rules_version,
            "changes": changes,
            "before": score_document(before),
            "after": score_document(after),
            "gain": after.total - before.total,
            "programs_before": list(programs_before),
            "programs_after": list(programs_after),
        }
    )


@router.post(
    "/improve",
    response_model=models.ImproveAnswer,
    openapi_extra=PROFILE_BODY,
    summary="The single changes that would add the most points",
)
async def post_improve(
    profile: ProfileBody,
    on: AsOf,
    limit: Annotated[int, Query(ge=1, le=50, description="How many suggestions")] = 10,
) -> JSONResponse:
    """Single changes that add CRS points, most points first."""
    try:
        base, suggestions = improve(profile, on, limit=limit)
    except (BeforeExpressEntry, NotInForce) as exc:
        raise rules_problem(exc) from None
    return JSONResponse(
        {
            "as_of": on.isoformat(),
            "rules_version": base.rules_version,
            "total": base.total,
            "suggestions": [
                {**dataclasses.asdict(s), "values": dict(s.values)} for s in suggestions
            ],
        }
    )
