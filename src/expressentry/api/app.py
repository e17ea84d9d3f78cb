"""The HTTP API: ``create_app()`` builds the FastAPI application.

Public endpoints (no login, nothing stored): score, eligibility, what-if and improve for a
posted profile; categories with their occupation tables; NOC search; the history of rounds.
OpenAPI at ``/openapi.json``, documentation at ``/docs``. Every error is an RFC 9457 problem
document (``application/problem+json``) naming the field.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from expressentry import __version__ as _version
from expressentry.api import (
    auth,
    candidate,
    history,
    models,
    officer,
    outlook,
    problems,
    reference,
    rounds_context,
    scoring,
)
from expressentry.api.deps import Services
from expressentry.api.problems import PROBLEM_MEDIA_TYPE, Problem
from expressentry.profile.model import Profile

#: problem statuses every operation may answer (others are added where they apply)
_COMMON_PROBLEMS = {
    "400": "Malformed request (e.g. the body is not JSON)",
    "404": "Not found",
    "413": "Request body too large",
    "422": "Invalid input: the errors name each field and the reason",
}


_SECURED_TAGS = {"candidate", "officer", "analyst"}
_SECURED_PATHS = {"/api/logout", "/api/me"}


def _schemas_of(model: type, ref_template: str) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=ref_template)  # type: ignore[attr-defined]
    defs = schema.pop("$defs", {})
    return {model.__name__: schema, **defs}


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    template = "#/components/schemas/{model}"
    components.update(_schemas_of(Profile, template))
    components.update(_schemas_of(models.WhatIfRequest, template))
    components.update(_schemas_of(models.OutlookCandidate, template))
    components.update(_schemas_of(Problem, template))
    components.update(_schemas_of(auth.LoginRequest, template))
    components.update(_schemas_of(officer.RoundBody, template))
    components.update(_schemas_of(officer.DecisionBody, template))
    components.update(_schemas_of(officer.CancelBody, template))
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    doc["components"]["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "The token from POST /api/login (it expires)",
        }
    }
    for path, path_item in doc.get("paths", {}).items():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            if _SECURED_TAGS & set(operation.get("tags", ())) or path in _SECURED_PATHS:
                operation["security"] = [{"bearer": []}]
                responses.setdefault("401", {"description": "Not logged in, or the token expired"})
                responses.setdefault("403", {"description": "The user's role may not do this"})
            if operation.get("tags") in (["candidate"], ["officer"]):
                responses.setdefault("409", {"description": "Conflicts with the current state"})
            for status, description in _COMMON_PROBLEMS.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": problem_ref}}
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    app.openapi_schema = doc
    return doc


def create_app(database_url: str | None = None, *, web: bool = True) -> FastAPI:
    """The application: the HTTP API under ``/api`` and (with ``web``) the pages.

    Public endpoints compute every answer from the request; the rest use the pool database
    at ``database_url`` (default: ``EXPRESSENTRY_DATABASE_URL``, else the SQLite file in the
    user's data folder), opened on first use.
    """
    app = FastAPI(
        title="Express Entry rules as code",
        version=_version,
        description=(
            "Canada's Express Entry system as code: CRS scores, what-if, eligibility, "
            "categories and their occupation tables, NOC 2021 search and the rounds history. "
            "Every answer echoes the as-of date and the rule versions used; errors are "
            "RFC 9457 problem documents naming the field."
        ),
        openapi_tags=[
            {"name": "scoring", "description": "A posted profile: nothing is stored"},
            {"name": "reference", "description": "Categories and NOC 2021"},
            {"name": "history", "description": "Rounds of invitations as IRCC published them"},
            {"name": "accounts", "description": "Log in and out (bearer tokens that expire)"},
            {"name": "candidate", "description": "A candidate's own profile and invitations"},
            {"name": "officer", "description": "The pool, rounds, ITAs, applications, audit"},
            {"name": "analyst", "description": "Reports (analysts and officers)"},
        ],
    )
    app.state.services = Services(database_url)
    problems.install(app)
    app.include_router(scoring.router)
    app.include_router(rounds_context.router)
    app.include_router(outlook.router)
    app.include_router(reference.router)
    app.include_router(history.router)
    app.include_router(auth.router)
    app.include_router(candidate.router)
    app.include_router(officer.router)
    app.include_router(officer.analyst_router)
    if web:
        from expressentry.web import install as install_web

        install_web(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
