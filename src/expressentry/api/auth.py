"""Who may do what: log in, log out, and the role each operation needs.

A client logs in with ``POST /api/login`` and sends the token it gets as
``Authorization: Bearer TOKEN``; the web pages keep the same token in an HttpOnly, SameSite
cookie instead. A request that relies on the cookie and changes something must also carry the
session's CSRF token (``X-CSRF-Token`` for the API, a hidden field on the pages), so another
site cannot make a browser act for its user. Tokens expire; the database keeps only their hash.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from expressentry.api.deps import services
from expressentry.api.problems import ApiProblem, bad_input, decode_json, read_body

SESSION_COOKIE = "ee_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

router = APIRouter(prefix="/api", tags=["accounts"])


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class LoginAnswer(BaseModel):
    token: str
    token_type: str = "bearer"
    expires_at: str
    username: str
    role: str
    csrf_token: str


class Me(BaseModel):
    username: str
    role: str
    profile_id: str | None
    expires_at: str


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def current_session(request: Request) -> Any:
    """The request's session (bearer token first, then the cookie), or None; cached per request."""
    if hasattr(request.state, "session"):
        return request.state.session
    token, via = None, None
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        token, via = header[7:].strip(), "bearer"
    elif cookie := request.cookies.get(SESSION_COOKIE):
        token, via = cookie, "cookie"
    session = None
    if token and len(token) <= 200:
        session = services(request).accounts.session(token)
        if session is None and via == "bearer":
            raise ApiProblem(
                401,
                "unauthorized",
                "Unauthorized",
                "the token is unknown or has expired; log in again",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
    request.state.session = session
    request.state.auth_via = via if session else None
    return session


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def require(*roles: str) -> Callable[..., Any]:
    """A dependency: the logged-in user, who must have one of ``roles``."""

    def dependency(request: Request) -> Any:
        session = current_session(request)
        if session is None:
            raise ApiProblem(
                401,
                "unauthorized",
                "Unauthorized",
                "log in first: POST /api/login, then send Authorization: Bearer TOKEN",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if session.user.role not in roles:
            raise ApiProblem(
                403,
                "forbidden",
                "Forbidden",
                f"this needs the role {' or '.join(roles)}; you are logged in as a "
                f"{session.user.role}",
            )
        if (
            request.state.auth_via == "cookie"
            and request.method not in SAFE_METHODS
            and not csrf_ok(session.csrf_token, request.headers.get(CSRF_HEADER))
        ):
            raise ApiProblem(
                403,
                "csrf",
                "Forbidden",
                "a request authenticated by the session cookie needs the X-CSRF-Token header",
            )
        return session.user

    return dependency


Candidate = Annotated[Any, Depends(require("candidate"))]
Officer = Annotated[Any, Depends(require("officer"))]
Staff = Annotated[Any, Depends(require("officer", "analyst"))]
AnyUser = Annotated[Any, Depends(require("candidate", "officer", "analyst"))]


def login_problem(exc: Exception) -> ApiProblem:
    from expressentry.accounts.service import LoginThrottled

    if isinstance(exc, LoginThrottled):
        return ApiProblem(
            429,
            "too-many-attempts",
            "Too many login attempts",
            str(exc.reason),  # type: ignore[attr-defined]
            [(exc.field, exc.reason)],  # type: ignore[attr-defined]
            headers={"Retry-After": str(exc.retry_after)},
        )
    return ApiProblem(
        401,
        "login-refused",
        "Login refused",
        "the username or the password is wrong",
        headers={"WWW-Authenticate": "Bearer"},
    )


@router.post(
    "/login",
    response_model=LoginAnswer,
    summary="Log in: a bearer token that expires",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/LoginRequest"}}
            },
        }
    },
    responses={
        401: {"description": "Wrong username or password"},
        429: {"description": "Too many attempts"},
    },
)
async def login(request: Request) -> JSONResponse:
    """Exchange a username and password for a token (send it as ``Authorization: Bearer``)."""
    from starlette.concurrency import run_in_threadpool

    from expressentry.accounts.service import AccountError

    data = decode_json(await read_body(request, limit=16 * 1024))
    if not isinstance(data, dict):
        raise bad_input([("(body)", 'expected {"username": ..., "password": ...}')])
    errors = [(k, "unknown field (expected username and password)") for k in data]
    errors = [e for e in errors if e[0] not in {"username", "password"}]
    for key, longest in (("username", 64), ("password", 1024)):
        if not isinstance(data.get(key), str):
            errors.append((key, "this field is required (text)"))
        elif len(data[key]) > longest:
            errors.append((key, f"at most {longest} characters"))
    if errors:
        raise bad_input(errors)
    accounts = services(request).accounts
    try:
        session = await run_in_threadpool(
            accounts.login, data["username"], data["password"], client=client_address(request)
        )
    except AccountError as exc:  # refused or throttled
        raise login_problem(exc) from None
    return JSONResponse(
        {
            "token": session.token,
            "token_type": "bearer",
            "expires_at": session.expires_at.isoformat(),
            "username": session.user.username,
            "role": session.user.role,
            "csrf_token": session.csrf_token,
        }
    )


@router.post("/logout", status_code=204, summary="Log out: the token stops working")
def logout(request: Request, _: AnyUser) -> Response:
    session = current_session(request)
    services(request).accounts.logout(session.token)
    return Response(status_code=204)


@router.get("/me", response_model=Me, summary="Who is logged in")
def me(request: Request, user: AnyUser) -> JSONResponse:
    session = current_session(request)
    return JSONResponse(
        {
            "username": user.username,
            "role": user.role,
            "profile_id": user.profile_id,
            "expires_at": session.expires_at.isoformat(),
        }
    )
