"""Categories with their rules and occupation tables, and NOC 2021 search."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse

from expressentry.api import models
from expressentry.api.params import as_of_date
from expressentry.api.problems import not_found
from expressentry.api.scoring import rules_version
from expressentry.eligibility.categories import describe
from expressentry.rules import noc
from expressentry.rules.categories import (
    CategoryNotInForce,
    CategoryVersion,
    Occupation,
    UnknownCategory,
    default_categories,
    occupation_table,
)
from expressentry.rules.tables import Reference

router = APIRouter(prefix="/api", tags=["reference"])

AsOf = Annotated[dt.date, Depends(as_of_date)]


def _reference(ref: Reference) -> dict[str, Any]:
    return {"title": ref.title, "href": ref.href, "citation": ref.citation}


def _summary(v: CategoryVersion) -> dict[str, Any]:
    return {
        "slug": v.slug,
        "name": v.official_name,
        "year": v.year,
        "effective_from": v.effective_from.isoformat(),
        "effective_to": v.effective_to.isoformat() if v.effective_to else None,
        "priority": v.priority,
        "rules": [describe(c) for c in v.criteria],
        "occupations": len(v.occupations()),
        "reference": _reference(v.reference),
    }


@router.get("/categories", response_model=models.CategoryList, summary="Categories in force")
async def get_categories(on: AsOf) -> JSONResponse:
    """Every category in force on ``as_of``, with its rules in words."""
    return JSONResponse(
        {
            "as_of": on.isoformat(),
            "rules_version": rules_version(on),
            "categories": [_summary(v) for v in default_categories().in_force(on)],
        }
    )


_SORT_KEYS = {
    "noc": lambda o: o.code,
    "occupation": lambda o: (noc.fold(o.title), o.code),
    "teer": lambda o: (o.teer, o.code),
}


def page_of(
    rows: list[Occupation],
    page: int,
    page_size: int,
    sort: str | None,
    order: str,
) -> dict[str, Any]:
    """One page of a table, with the numbers of "showing 1 to 10 of 11 entries"."""
    if sort is not None:
        rows = sorted(rows, key=_SORT_KEYS[sort], reverse=order == "desc")
    elif order == "desc":
        rows = rows[::-1]
    total = len(rows)
    pages = max(1, math.ceil(total / page_size))
    start = (page - 1) * page_size
    shown = rows[start : start + page_size]
    return {
        "total": total,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "first": start + 1 if shown else 0,
        "last": start + len(shown) if shown else 0,
        "items": [{"occupation": o.title, "noc": o.code, "teer": o.teer} for o in shown],
    }


@router.get(
    "/categories/{slug}",
    response_model=models.CategoryDetail,
    summary="A category's rules and occupation table",
)
async def get_category(
    slug: Annotated[str, Path(max_length=100, description="The category's slug, e.g. stem")],
    on: AsOf,
    filter_: Annotated[
        str,
        Query(
            alias="filter",
            max_length=200,
            description="Keep rows whose NOC code contains it or whose title has all its words",
        ),
    ] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000, description="Rows per page")] = 10,
    sort: Annotated[
        Literal["noc", "occupation", "teer"] | None,
        Query(description="Sort column; default: the order of the published table"),
    ] = None,
    order: Annotated[Literal["asc", "desc"], Query()] = "asc",
) -> JSONResponse:
    """The rules of the category in force on ``as_of``, in words, and its occupation table."""
    book = default_categories()
    try:
        version = book.version_at(slug, on)
    except (UnknownCategory, CategoryNotInForce) as exc:
        raise not_found(str(exc), "slug") from None
    rows = occupation_table(version, filter_)
    table = {
        "filter": filter_,
        "sort": sort,
        "order": order,
        "listed": len(version.occupations()),
        **page_of(rows, page, page_size, sort, order),
    }
    return JSONResponse(
        {
            "as_of": on.isoformat(),
            "rules_version": rules_version(on),
            **_summary(version),
            "official_name": version.official_name,
            "economic_goal": version.economic_goal,
            "table": table,
        }
    )


@router.get("/noc", response_model=models.NocAnswer, summary="Search NOC 2021 unit groups")
async def get_noc(
    q: Annotated[
        str, Query(min_length=1, max_length=200, description="A code prefix or words of a title")
    ],
    limit: Annotated[int, Query(ge=1, le=600)] = 20,
) -> JSONResponse:
    """Unit groups whose code starts with ``q`` or whose title contains every word of it."""
    hits = noc.search(q, limit=limit)
    return JSONResponse(
        {
            "query": q,
            "classification": "NOC 2021",
            "count": len(hits),
            "items": [
                {
                    "code": g.code,
                    "title": g.title,
                    "teer": g.teer,
                    "broad_category": g.broad_category,
                    "major_group": g.major_group,
                    "skilled": g.skilled,
                }
                for g in hits
            ],
        }
    )
