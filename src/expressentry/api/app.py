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
from expressentry.api import history, models, problems, reference, scoring
from expressentry.api.problems import PROBLEM_MEDIA_TYPE, Problem
from expressentry.profile.model import Profile

#: problem statuses every operation may answer (others are added where they apply)
_COMMON_PROBLEMS = {
    "400": "Malformed request (e.g. the body is not JSON)",
    "404": "Not found",
    "413": "Request body too large",
    "422": "Invalid input: the errors name each field and the reason",
}


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
    components.update(_schemas_of(Problem, template))
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in doc.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in _COMMON_PROBLEMS.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": problem_ref}}
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    app.openapi_schema = doc
    return doc


def create_app() -> FastAPI:
    """The API application (stateless: every answer is computed from the request)."""
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
        ],
    )
    problems.install(app)
    app.include_router(scoring.router)
    app.include_router(reference.router)
    app.include_router(history.router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
