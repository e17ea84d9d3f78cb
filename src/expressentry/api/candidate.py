"""A candidate's own profile: create, update, withdraw; see its score, standing and invitations.

A candidate sees only their own profile: ``GET /api/profiles/{id}`` answers 404 for anyone
else's, exactly as for a profile that does not exist, so ids cannot be probed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from expressentry.api.auth import AnyUser, Candidate
from expressentry.api.deps import Services, services
from expressentry.api.params import profile_from
from expressentry.api.problems import ApiProblem, bad_input, decode_json, not_found, read_body
from expressentry.api.scoring import PROFILE_BODY
from expressentry.pool.service import PoolError, utcnow
from expressentry.pool.standing import standing

router = APIRouter(prefix="/api", tags=["candidate"])


def candidate_profile_id(username: str) -> str:
    """The pool id given to a candidate's profile created through the interface."""
    return f"cand-{username}"


def profile_view(svc: Services, profile_id: str) -> dict[str, Any]:
    """Everything a candidate may see of their profile (and an officer of any profile)."""
    shown = svc.pool.show(profile_id, with_profile=True)
    shown["standing"] = standing(svc.engine, profile_id)
    shown["invitations"] = [
        {k: v for k, v in ita.items() if k != "crs_breakdown"}
        for ita in svc.invitations.list(profile_id=profile_id)
    ]
    return shown


def _own(user: Any) -> str:
    if not user.profile_id:
        raise not_found("you have no profile yet: create one with POST /api/me/profile")
    return str(user.profile_id)


def pool_problem(exc: PoolError) -> ApiProblem:
    field, _, reason = str(exc).partition(": ")
    if not reason:
        field, reason = "(profile)", str(exc)
    return ApiProblem(409, "conflict", "Conflict", str(exc), [(field, reason)])


def save_own_profile(svc: Services, user: Any, profile: Any) -> Any:
    """Create the candidate's profile (it enters the pool, submitted now, if it meets a
    program's criteria, and is linked to the user) or update it; the pool's ``SubmitResult``.
    A ``PoolError`` says why the pool refused the change."""
    own = user.profile_id or candidate_profile_id(user.username)
    if user.profile_id:
        profile = profile.model_copy(update={"profile_id": own, "submitted_at": None})
        return svc.pool.update(profile, actor=user.username)
    now = utcnow()
    profile = profile.model_copy(update={"profile_id": own, "submitted_at": now})
    result = svc.pool.submit(profile, at=now, actor=user.username)
    if result.entered:
        svc.accounts.link_profile(user.username, own, actor=user.username)
    return result


async def _profile(request: Request, user: Any) -> Any:
    raw = await read_body(request)
    data = decode_json(raw)
    profile = profile_from(data, text=raw)
    wanted = profile.profile_id
    own = user.profile_id or candidate_profile_id(user.username)
    if wanted is not None and wanted != own:
        raise bad_input([("profile_id", f"your profile's id is {own!r}; leave it out or use it")])
    return profile.model_copy(update={"profile_id": own, "submitted_at": None})


@router.get("/me/profile", summary="My profile: score, programs, categories, standing")
def get_my_profile(request: Request, user: Candidate) -> JSONResponse:
    return JSONResponse(profile_view(services(request), _own(user)))


@router.post(
    "/me/profile",
    status_code=201,
    openapi_extra=PROFILE_BODY,
    summary="Create my profile: it enters the pool if it meets a program's criteria",
)
async def create_my_profile(request: Request, user: Candidate) -> JSONResponse:
    from starlette.concurrency import run_in_threadpool

    if user.profile_id:
        raise ApiProblem(
            409,
            "conflict",
            "Conflict",
            "you already have a profile; update it with PUT /api/me/profile",
        )
    profile = await _profile(request, user)
    svc = services(request)
    try:
        result = await run_in_threadpool(save_own_profile, svc, user, profile)
    except PoolError as exc:
        raise pool_problem(exc) from None
    if not result.entered:
        raise ApiProblem(
            422,
            "not-eligible",
            "Not eligible for Express Entry",
            "the profile meets the minimum criteria of no program, so it cannot enter the pool",
            [("(profile)", reason) for reason in result.reasons],
        )
    view = await run_in_threadpool(profile_view, svc, result.profile_id)
    return JSONResponse(view, status_code=201)


@router.put("/me/profile", openapi_extra=PROFILE_BODY, summary="Update my profile (rescored)")
async def update_my_profile(request: Request, user: Candidate) -> JSONResponse:
    from starlette.concurrency import run_in_threadpool

    own = _own(user)
    profile = await _profile(request, user)
    svc = services(request)
    try:
        await run_in_threadpool(save_own_profile, svc, user, profile)
    except PoolError as exc:
        raise pool_problem(exc) from None
    return JSONResponse(await run_in_threadpool(profile_view, svc, own))


@router.delete("/me/profile", status_code=204, summary="Withdraw my profile from the pool")
def withdraw_my_profile(request: Request, user: Candidate) -> Response:
    try:
        services(request).pool.withdraw(_own(user), actor=user.username)
    except PoolError as exc:
        raise pool_problem(exc) from None
    return Response(status_code=204)


@router.get("/me/invitations", summary="My invitations to apply")
def my_invitations(request: Request, user: Candidate) -> JSONResponse:
    if not user.profile_id:
        return JSONResponse({"invitations": []})
    return JSONResponse(
        {"invitations": services(request).invitations.list(profile_id=user.profile_id)}
    )


def _answer(request: Request, user: Any, answer: str) -> dict[str, Any]:
    from expressentry.rounds.itas import ItaError

    own = _own(user)
    svc = services(request)
    try:
        if answer == "apply":
            application = svc.invitations.apply(own, actor=user.username)
            return {"profile_id": own, "answer": "applied", "application": application}
        svc.invitations.decline(own, actor=user.username)
    except (ItaError, PoolError) as exc:
        raise pool_problem(exc) from None
    return {"profile_id": own, "answer": "declined"}


@router.post("/me/invitations/apply", summary="Apply for permanent residence (my open ITA)")
def apply_to_invitation(request: Request, user: Candidate) -> JSONResponse:
    return JSONResponse(_answer(request, user, "apply"))


@router.post("/me/invitations/decline", summary="Decline my open invitation to apply")
def decline_invitation(request: Request, user: Candidate) -> JSONResponse:
    return JSONResponse(_answer(request, user, "decline"))


@router.get("/profiles/{profile_id}", summary="A profile in the pool (officers; a candidate: own)")
def get_profile(request: Request, profile_id: str, user: AnyUser) -> JSONResponse:
    allowed = user.role == "officer" or (user.role == "candidate" and user.profile_id == profile_id)
    if not allowed or len(profile_id) > 200:
        raise not_found(f"no profile {profile_id!r}", "profile_id")
    try:
        return JSONResponse(profile_view(services(request), profile_id))
    except PoolError:
        raise not_found(f"no profile {profile_id!r}", "profile_id") from None
