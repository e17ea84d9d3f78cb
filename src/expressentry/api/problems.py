"""RFC 9457 problem documents: every error of the API, never a bare 500 for bad input.

A problem document is ``application/problem+json`` with ``type``, ``title``, ``status``,
``detail`` and, for bad input, ``errors``: a list of ``{field, reason}`` naming the field path
the way the CLI names it (``language_tests[0].listening``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
#: the largest request body accepted (a profile is a few KiB)
MAX_BODY_BYTES = 256 * 1024

_TYPE_BASE = "urn:expressentry:problem:"

log = logging.getLogger(__name__)


class FieldError(BaseModel):
    field: str = Field(description="The field path, e.g. language_tests[0].listening or as_of")
    reason: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(description="A URI naming the kind of problem")
    title: str
    status: int
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


class ApiProblem(Exception):
    """Raise to answer with a problem document."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str,
        errors: Iterable[tuple[str, str]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers


def problem_response(
    status: int,
    kind: str,
    title: str,
    detail: str,
    errors: Sequence[tuple[str, str]] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {
        "type": kind if kind == "about:blank" else _TYPE_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
        "errors": [{"field": f, "reason": r} for f, r in errors],
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def bad_input(errors: Sequence[tuple[str, str]], detail: str | None = None) -> ApiProblem:
    """A 422: the request was well-formed JSON but a value is not acceptable."""
    if detail is None:
        detail = "; ".join(f"{f}: {r}" for f, r in errors[:5])
        if len(errors) > 5:
            detail += f"; and {len(errors) - 5} more"
    return ApiProblem(422, "invalid-input", "Invalid input", detail, errors)


def not_found(detail: str, field: str | None = None) -> ApiProblem:
    errors = [(field, detail)] if field else []
    return ApiProblem(404, "not-found", "Not found", detail, errors)


# --- reading a JSON body -----------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, refusing bodies over ``limit`` bytes (413) before reading them all."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise ApiProblem(
                400, "bad-request", "Bad request", "Content-Length is not a number"
            ) from None
        if size > limit:
            raise too_large(limit)
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(limit: int) -> ApiProblem:
    return ApiProblem(
        413,
        "body-too-large",
        "Request body too large",
        f"the request body is larger than {limit // 1024} KiB",
        [("(body)", f"larger than the limit of {limit} bytes")],
    )


def decode_json(raw: bytes, where: str = "(body)") -> Any:
    """Decode a JSON body; a 400 problem naming the line and column when it is not JSON."""
    if not raw.strip():
        raise ApiProblem(
            400,
            "malformed-json",
            "Malformed JSON",
            "the request body is empty; a JSON document is expected",
            [(where, "empty body")],
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiProblem(
            400,
            "malformed-json",
            "Malformed JSON",
            "the request body is not UTF-8 text",
            [(where, f"not UTF-8 text (byte {exc.start})")],
        ) from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        reason = f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise ApiProblem(
            400, "malformed-json", "Malformed JSON", reason, [(where, reason)]
        ) from None
    except (ValueError, RecursionError) as exc:
        reason = f"not valid JSON: {exc}" if isinstance(exc, ValueError) else "nested too deeply"
        raise ApiProblem(
            400, "malformed-json", "Malformed JSON", reason, [(where, reason)]
        ) from None


# --- handlers ----------------------------------------------------------------------------------

_HTTP_TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Request body too large",
    415: "Unsupported media type",
}


def _loc_path(loc: Sequence[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] in {"query", "path", "header", "cookie", "body"}:
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(request)"


def field_errors(
    errors: Iterable[Any], missing: str = "this field is required"
) -> list[tuple[str, str]]:
    """Pydantic's errors as (field path, reason) pairs."""
    out = []
    for err in errors:
        reason = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if err.get("type") == "missing":
            reason = missing
        out.append((_loc_path(err.get("loc", ())), reason))
    return out


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the application answers at the request's path (Starlette
    names only the first route's), with HEAD where GET is, and OPTIONS."""
    from starlette.routing import Match

    methods: set[str] = set()
    routes = request.app.router.routes
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in routes):
            methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods | {"OPTIONS"}) if methods else []


def install(app: FastAPI) -> None:
    """Answer every error with a problem document."""

    @app.exception_handler(ApiProblem)
    async def _problem(_: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(
            exc.status, exc.kind, exc.title, exc.detail, exc.errors, exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = field_errors(exc.errors(), missing="this parameter is required")
        problem = bad_input(errors)
        return problem_response(422, problem.kind, problem.title, problem.detail, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        title = _HTTP_TITLES.get(exc.status_code, "Error")
        detail = exc.detail if isinstance(exc.detail, str) else title
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405 and (allowed := allowed_methods(request)):
            allow = ", ".join(allowed)
            if request.method == "OPTIONS":  # RFC 9110 9.3.7: the methods of the resource
                return Response(status_code=204, headers={"Allow": allow})
            headers = {**(headers or {}), "Allow": allow}
        return problem_response(exc.status_code, "about:blank", title, detail, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(
            500, "internal-error", "Internal error", "an unexpected error occurred; it was logged"
        )
