"""Officers run the pool: statistics, rounds (preview and run), ITAs, applications and decisions.
Analysts (and officers) read the reports. Every officer action is recorded in the audit log with
the officer's username as the actor.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from expressentry.api.auth import Officer, Staff
from expressentry.api.candidate import pool_problem
from expressentry.api.deps import services
from expressentry.api.problems import ApiProblem, bad_input, decode_json, not_found, read_body
from expressentry.pool.service import PoolError, as_utc, utcnow

router = APIRouter(prefix="/api", tags=["officer"])
analyst_router = APIRouter(prefix="/api", tags=["analyst"])


class RoundBody(BaseModel):
    """A round of invitations to preview or run."""

    # strict: false is not 0, "5" is not 5 (only the time is text, as JSON has no time type)
    model_config = ConfigDict(extra="forbid", strict=True)
    round_type: Literal["general", "program", "category"]
    size: int = Field(ge=1, le=1_000_000, description="Invitations to issue, at most")
    program: Literal["cec", "fsw", "fst", "pnp"] | None = None
    category: str | None = Field(default=None, max_length=120, description="Category slug")
    minimum_crs: int | None = Field(default=None, ge=0, le=1200)
    round_id: int | None = Field(default=None, ge=1, le=1_000_000)
    at: dt.datetime | None = Field(
        default=None,
        description="When the round is held (UTC if no offset), from 2015-01-01 to five "
        "minutes ahead (a preview: a year ahead); default: now",
    )


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    admissible: bool = Field(description="The admissibility finding (medical, security...)")
    finding: str = Field(default="", max_length=2000)


class CancelBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    reason: str = Field(
        min_length=1, max_length=500, description="Why the round is cancelled (in the audit log)"
    )


def _body(model: type[BaseModel], data: Any) -> Any:
    import json

    from pydantic import ValidationError

    from expressentry.api.problems import field_errors

    if not isinstance(data, dict):
        raise bad_input([("(body)", "expected a JSON object")])
    try:
        # validated as the JSON it came as: strict types, with times as ISO 8601 text
        return model.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        raise bad_input(field_errors(exc.errors())) from None


def _round_request(body: RoundBody) -> Any:
    from expressentry.rounds.service import RoundRequest

    at = body.at or utcnow()
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    # the service checks the time before converting it: 9999-12-31T23:59:59-12:00 is past
    # the calendar's end in UTC
    return RoundRequest(
        at=at,
        at_default=body.at is None,
        round_type=body.round_type,
        size=body.size,
        program=body.program,
        category=body.category,
        round_id=body.round_id,
        minimum_crs=body.minimum_crs,
    )


def round_error(exc: Exception) -> tuple[str, str]:
    """The field and reason of a refused round, named as the request names its fields."""
    field, _, reason = str(exc).partition(": ")
    if not reason:
        return "(round)", str(exc)
    return {"type": "round_type", "minimum": "minimum_crs"}.get(field, field), reason


def round_problem(exc: Exception) -> ApiProblem:
    return bad_input([round_error(exc)])


def round_answer(result: Any, *, preview: bool) -> dict[str, Any]:
    return {
        **result.record(),
        "preview": preview,
        "already_run": result.already_run,
        "invited": [
            {
                "rank": i.rank,
                "profile_id": i.profile_id,
                "crs": i.crs,
                "submitted_at": i.submitted_at.isoformat(),
                "program": i.program,
            }
            for i in result.invited
        ],
    }


ROUND_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RoundBody"}}},
    }
}


@router.get("/pool/stats", summary="The pool: size, CRS distribution, eligible per category")
def pool_stats(request: Request, _: Officer) -> JSONResponse:
    return JSONResponse(services(request).pool.stats())


@router.get("/pool/profiles", summary="The top of the pool, by the ranking rule")
def pool_profiles(
    request: Request,
    _: Officer,
    status: Annotated[
        Literal["in_pool", "invited", "applied", "withdrawn", "expired", "ita_expired"] | None,
        Query(),
    ] = "in_pool",
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> JSONResponse:
    return JSONResponse({"profiles": services(request).pool.list(status, limit)})


@router.post(
    "/rounds/preview", openapi_extra=ROUND_BODY, summary="Preview a round: nothing is written"
)
async def preview_round(request: Request, _: Officer) -> JSONResponse:
    from starlette.concurrency import run_in_threadpool

    from expressentry.rounds.service import RoundError

    body = _body(RoundBody, decode_json(await read_body(request)))
    try:
        result = await run_in_threadpool(services(request).rounds.preview, _round_request(body))
    except (RoundError, PoolError) as exc:
        raise round_problem(exc) from None
    return JSONResponse(round_answer(result, preview=True))


@router.post(
    "/rounds",
    openapi_extra=ROUND_BODY,
    status_code=201,
    summary="Run a round: issue the ITAs",
    responses={
        200: {
            "description": "This round (the same round_id and parameters, or the same round_id "
            "without at) was already run: its record, unchanged, with already_run true; no "
            "invitation is issued twice"
        },
        201: {"description": "The round was held: its record and its invitations"},
    },
)
async def run_round(request: Request, user: Officer) -> JSONResponse:
    from starlette.concurrency import run_in_threadpool

    from expressentry.rounds.service import RoundError

    body = _body(RoundBody, decode_json(await read_body(request)))
    try:
        result = await run_in_threadpool(
            services(request).rounds.run, _round_request(body), actor=user.username
        )
    except (RoundError, PoolError) as exc:
        raise round_problem(exc) from None
    return JSONResponse(
        round_answer(result, preview=False), status_code=200 if result.already_run else 201
    )


@router.get("/rounds", summary="The rounds held by this system")
def list_rounds(request: Request, _: Staff) -> JSONResponse:
    return JSONResponse({"rounds": services(request).rounds.list()})


#: a round's number; the paths take digits only (``{round_id:int}``), so GET /rounds/preview
#: is the 405 of the preview's path, not a 422 about a round number
RoundId = Annotated[int, Path(ge=1, le=1_000_000)]


@router.post(
    "/rounds/{round_id:int}/cancel",
    summary="Cancel the latest round, held by mistake, before any invitation is answered",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/CancelBody"}}
            },
        }
    },
)
async def cancel_round(request: Request, round_id: RoundId, user: Officer) -> JSONResponse:
    """The round's invitations and record are removed and its invitees are back in the pool
    as they stood; the audit log keeps the whole round, who cancelled it and why."""
    from starlette.concurrency import run_in_threadpool

    from expressentry.rounds.service import RoundError

    body = _body(CancelBody, decode_json(await read_body(request)))
    try:
        done = await run_in_threadpool(
            services(request).rounds.cancel, round_id, reason=body.reason, actor=user.username
        )
    except RoundError as exc:
        if str(exc).startswith(f"round_id: no round {round_id}"):
            raise not_found(f"no round {round_id}", "round_id") from None
        raise ApiProblem(409, "conflict", "Conflict", str(exc), [round_error(exc)]) from None
    return JSONResponse(done)


@router.get("/rounds/{round_id:int}", summary="A round's published record and its invitations")
def get_round(request: Request, round_id: RoundId, _: Staff) -> JSONResponse:
    from expressentry.rounds.service import RoundError

    try:
        result = services(request).rounds.show(round_id)
    except RoundError:
        raise not_found(f"no round {round_id}", "round_id") from None
    return JSONResponse(round_answer(result, preview=False))


@router.get("/rounds/{round_id:int}/verify", summary="Replay a round from the pool's history")
def verify_round(request: Request, round_id: RoundId, _: Staff) -> JSONResponse:
    from expressentry.rounds.service import RoundError

    try:
        report = services(request).rounds.verify(round_id)
    except RoundError:
        raise not_found(f"no round {round_id}", "round_id") from None
    return JSONResponse(
        {
            "round_id": round_id,
            "ok": report.ok,
            "checked": report.checked,
            "problems": list(report.problems),
        }
    )


@router.get("/itas", summary="Invitations to apply")
def list_itas(
    request: Request,
    _: Officer,
    status: Annotated[
        Literal["outstanding", "applied", "declined", "expired"] | None, Query()
    ] = None,
    round_id: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> JSONResponse:
    rows = services(request).invitations.list(status=status, round_id=round_id)
    return JSONResponse(
        {
            "total": len(rows),
            "itas": [{k: v for k, v in r.items() if k != "crs_breakdown"} for r in rows[:limit]],
        }
    )


@router.get("/applications", summary="Applications for permanent residence and decisions")
def list_applications(request: Request, _: Officer) -> JSONResponse:
    return JSONResponse({"applications": services(request).invitations.applications()})


@router.post(
    "/applications/{application}/decision",
    summary="Decide an application (program, accuracy, category, admissibility)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/DecisionBody"}}
            },
        }
    },
)
async def decide_application(
    request: Request, application: Annotated[int, Path(ge=1, le=10**12)], user: Officer
) -> JSONResponse:
    from starlette.concurrency import run_in_threadpool

    from expressentry.rounds.itas import ItaError

    body = _body(DecisionBody, decode_json(await read_body(request)))
    try:
        decision = await run_in_threadpool(
            services(request).invitations.decide,
            application,
            admissible=body.admissible,
            finding=body.finding,
            actor=user.username,
        )
    except ItaError as exc:
        if "no application" in str(exc):
            raise not_found(str(exc), "application") from None
        raise pool_problem(exc) from None
    return JSONResponse(decision.document())


@router.post(
    "/users/{username}/unlock",
    summary="Lift the login throttle of an account, once its owner asked (audited)",
)
async def unlock_user(
    request: Request, username: Annotated[str, Path(max_length=64)], user: Officer
) -> JSONResponse:
    from starlette.concurrency import run_in_threadpool

    from expressentry.accounts.service import AccountError

    try:
        lifted = await run_in_threadpool(
            services(request).accounts.unlock, username, actor=user.username
        )
    except AccountError as exc:
        raise not_found(f"no user {username!r}", "username") from exc
    return JSONResponse({"username": username.lower(), "failures_lifted": lifted})


@router.get("/audit", summary="The audit log: who did what, when")
def audit_log(
    request: Request,
    _: Officer,
    subject: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> JSONResponse:
    import json

    from sqlalchemy import select

    from expressentry.pool.schema import events

    query = select(events).order_by(events.c.pk.desc()).limit(limit)
    if subject:
        query = query.where(events.c.subject == subject)
    with services(request).engine.connect() as conn:
        rows = conn.execute(query).all()
    return JSONResponse(
        {
            "events": [
                {
                    "at": as_utc(r.at).isoformat(),
                    "actor": r.actor,
                    "kind": r.kind,
                    "subject": r.subject,
                    "before": json.loads(r.before) if r.before else None,
                    "after": json.loads(r.after) if r.after else None,
                }
                for r in rows
            ]
        }
    )


@analyst_router.get(
    "/reports/{kind}",
    summary="A report: rounds, categories, year-end, parliament",
    responses={
        200: {
            "description": "The report in the format asked for",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/markdown": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
def get_report(
    request: Request,
    kind: Literal["rounds", "categories", "year-end", "parliament"],
    _: Staff,
    year: Annotated[int | None, Query(ge=2015, le=2100)] = None,
    source: Annotated[Literal["history", "system"], Query()] = "history",
    lang: Annotated[Literal["en", "fr"], Query()] = "en",
    format: Annotated[Literal["json", "md", "html", "csv", "pdf"], Query()] = "json",
) -> Response:
    from expressentry import reports
    from expressentry.reports.render import ReportError, file_name, media_type, render

    engine = services(request).engine if source == "system" or kind == "year-end" else None
    if kind == "year-end":
        source = "system"
    if lang not in reports.languages():
        raise bad_input([("lang", f"reports are written in {', '.join(reports.languages())}")])
    try:
        report = reports.build(kind, year=year, source=source, engine=engine, lang=lang)
        body = render(report, format)
    except ReportError as exc:
        _field, _, reason = str(exc).partition(": ")
        raise bad_input([(exc.option.lstrip("-"), reason or str(exc))]) from None
    headers = {}
    if media_type(report, format) in ("application/pdf", "application/zip"):
        # a file to keep: the browser saves it under a name that says what it is
        headers["Content-Disposition"] = f'attachment; filename="{file_name(report, format)}"'
    return Response(body, media_type=media_type(report, format), headers=headers)
