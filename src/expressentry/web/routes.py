"""The pages: check your score, categories and who is eligible, and the candidate's, officer's
and analyst's pages. Each handler reads its input, calls the services and renders a template;
the rules themselves live in the rules layer, reached through the same services as the API.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from expressentry.api.deps import services
from expressentry.web import charts
from expressentry.web.forms import FORM, FormProblems, form_from_profile, profile_from_form
from expressentry.web.pages import (
    PageError,
    finish,
    language,
    read_form,
    redirect,
    render,
    require_role,
    session_of,
)

router = APIRouter(include_in_schema=False)

PAGE_SIZES = (10, 25, 50, 100)


# --- public: home, score, eligibility, categories ----------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html")


def _as_of(form: dict[str, str]) -> tuple[dt.date, dict[str, str]]:
    from expressentry.scoring.crs import CRS_EPOCH

    raw = form.get("as_of", "").strip()
    if not raw:
        return dt.date.today(), {}
    try:
        on = dt.date.fromisoformat(raw)
    except ValueError:
        return dt.date.today(), {"as_of": f"{raw!r} is not a date (YYYY-MM-DD)"}
    if on < CRS_EPOCH:
        return on, {"as_of": "Express Entry began on 2015-01-01"}
    from expressentry.profile.model import as_of_problem

    if (problem := as_of_problem(on)) is not None:
        return dt.date.today(), {"as_of": problem}
    return on, {}


def _assess_form(form: dict[str, str], what: str) -> dict[str, Any]:
    """Score (and assess) the profile a form describes; problems by field otherwise."""
    from expressentry.eligibility.assess import assess
    from expressentry.rules.tables import NotInForce
    from expressentry.scoring.crs import BeforeExpressEntry, score
    from expressentry.scoring.explain import explain
    from expressentry.scoring.whatif import improve

    on, problems = _as_of(form)
    try:
        profile = profile_from_form(form)
    except FormProblems as exc:
        problems.update(exc.problems)
    if problems:
        return {"problems": problems, "as_of": on}
    try:
        result = score(profile, on)
        out: dict[str, Any] = {"as_of": on, "score": result, "problems": {}}
        if what == "score":
            out["trace"] = explain(result)
            out["suggestions"] = improve(profile, on, limit=5)[1]
        out["eligibility"] = assess(profile, on)
    except (BeforeExpressEntry, NotInForce) as exc:
        return {"problems": {"as_of": str(exc)}, "as_of": on}
    return out


async def _assessed_page(request: Request, what: str) -> HTMLResponse:
    """The score or eligibility page with the result of the posted form."""
    form = await read_form(request)
    result = await run_in_threadpool(_assess_form, form, what)
    status = 422 if result["problems"] else 200
    return render(request, f"{what}.html", status, form=FORM, values=form, result=result)


@router.get("/score", response_class=HTMLResponse)
def score_page(request: Request) -> HTMLResponse:
    return render(request, "score.html", form=FORM, values={}, result=None)


@router.post("/score", response_class=HTMLResponse)
async def score_post(request: Request) -> HTMLResponse:
    return await _assessed_page(request, "score")


@router.get("/eligibility", response_class=HTMLResponse)
def eligibility_page(request: Request) -> HTMLResponse:
    return render(request, "eligibility.html", form=FORM, values={}, result=None)


@router.post("/eligibility", response_class=HTMLResponse)
async def eligibility_post(request: Request) -> HTMLResponse:
    return await _assessed_page(request, "eligibility")


@router.get("/categories", response_class=HTMLResponse)
def categories_page(request: Request) -> HTMLResponse:
    from expressentry.eligibility.categories import describe
    from expressentry.rules.categories import default_categories

    on = dt.date.today()
    versions = default_categories().in_force(on)
    return render(
        request,
        "categories.html",
        on=on,
        categories=[
            {"v": v, "rules": [describe(c) for c in v.criteria], "listed": len(v.occupations())}
            for v in versions
        ],
    )


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value or default)
    except ValueError:
        return default
    return min(max(number, low), high)


@router.get("/categories/{slug}", response_class=HTMLResponse)
def category_page(request: Request, slug: str) -> HTMLResponse:
    from expressentry.api.reference import page_of
    from expressentry.eligibility.categories import describe
    from expressentry.rules.categories import (
        CategoryNotInForce,
        UnknownCategory,
        default_categories,
        occupation_table,
    )

    q = request.query_params
    on = dt.date.today()
    if q.get("as_of"):
        try:
            on = dt.date.fromisoformat(q["as_of"])
        except ValueError:
            raise PageError(400, "error.bad_date", value=q["as_of"][:40]) from None
    try:
        version = default_categories().version_at(slug[:100], on)
    except (UnknownCategory, CategoryNotInForce):
        raise PageError(404, "error.no_category", slug=slug[:100]) from None
    filter_text = q.get("filter", "")[:200]
    size = _int(q.get("size"), 10, 1, 100)
    if size not in PAGE_SIZES:
        size = 10
    sort = q.get("sort") if q.get("sort") in ("noc", "occupation", "teer") else None
    order = "desc" if q.get("order") == "desc" else "asc"
    rows = occupation_table(version, filter_text)
    pages = max(1, -(-len(rows) // size))
    page = _int(q.get("page"), 1, 1, pages)
    table = page_of(rows, page, size, sort, order)

    def link(**changes: Any) -> str:
        from urllib.parse import urlencode

        params = {"filter": filter_text, "size": size, "page": page, "sort": sort, "order": order}
        params.update(changes)
        params = {k: v for k, v in params.items() if v not in (None, "")}
        return f"{request.url.path}?{urlencode(params)}"

    return render(
        request,
        "category.html",
        v=version,
        on=on,
        rules=[describe(c) for c in version.criteria],
        table=table,
        filter_text=filter_text,
        size=size,
        sizes=PAGE_SIZES,
        sort=sort,
        order=order,
        link=link,
        listed=len(version.occupations()),
    )


# --- logging in and out -------------------------------------------------------------------------

HOME_OF = {"candidate": "/candidate", "officer": "/officer", "analyst": "/analyst"}


def _safe_next(target: str | None) -> str | None:
    # only paths on this site: never //host or a scheme (open redirect)
    if target and re.fullmatch(r"/[A-Za-z0-9/_\-.?=&%]*", target) and not target.startswith("//"):
        return target
    return None


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html", next=_safe_next(request.query_params.get("next")))


@router.post("/login", response_class=HTMLResponse)
async def login_post(request: Request) -> Response:
    from expressentry.accounts.service import AccountError, LoginThrottled
    from expressentry.api.auth import SESSION_COOKIE, client_address

    form = await read_form(request)
    accounts = services(request).accounts
    username = form.get("username", "")[:64]
    try:
        session = await run_in_threadpool(
            accounts.login,
            username,
            form.get("password", "")[:1024],
            client=client_address(request),
        )
    except LoginThrottled as exc:
        response = render(
            request,
            "login.html",
            429,
            error="i14.login_locked" if exc.locked else "login.throttled",
            retry=exc.retry_after,
            username=username,
            next=_safe_next(form.get("next")),
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AccountError:
        return render(
            request,
            "login.html",
            401,
            error="login.refused",
            username=username,
            next=_safe_next(form.get("next")),
        )
    target = _safe_next(form.get("next")) or HOME_OF[session.user.role]
    response = RedirectResponse(target, status_code=303)
    lifetime = int((session.expires_at - dt.datetime.now(dt.UTC)).total_seconds())
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=max(lifetime, 1),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    finish(request, response)
    return response


@router.post("/logout")
async def logout_post(request: Request) -> Response:
    from expressentry.api.auth import SESSION_COOKIE

    await read_form(request)
    session = session_of(request)
    if session is not None:
        await run_in_threadpool(services(request).accounts.logout, session.token)
    response = redirect(request, "/")
    response.delete_cookie(SESSION_COOKIE)
    return response


# --- candidate ----------------------------------------------------------------------------------


def _candidate_view(request: Request, user: Any) -> dict[str, Any]:
    from expressentry.api.candidate import profile_view
    from expressentry.profile.model import parse_profile
    from expressentry.web.forms import fits_form

    if not user.profile_id:
        return {"view": None, "values": {}, "fits": True}
    view = profile_view(services(request), user.profile_id)
    profile = parse_profile(view["profile"])
    values = form_from_profile(profile)
    return {"view": view, "values": values, "fits": fits_form(profile, values)}


@router.get("/candidate", response_class=HTMLResponse)
def candidate_page(request: Request) -> HTMLResponse:
    user = require_role(request, "candidate")
    data = _candidate_view(request, user)
    return render(request, "candidate.html", form=FORM, problems={}, **data)


@router.post("/candidate/profile", response_class=HTMLResponse)
async def candidate_profile_post(request: Request) -> Response:
    from expressentry.api.candidate import save_own_profile
    from expressentry.pool.service import PoolError

    user = require_role(request, "candidate")
    form = await read_form(request)
    try:
        profile = profile_from_form(form)
    except FormProblems as exc:
        data = await run_in_threadpool(_candidate_view, request, user)
        data["values"] = form
        return render(request, "candidate.html", 422, form=FORM, problems=exc.problems, **data)
    try:
        result = await run_in_threadpool(save_own_profile, services(request), user, profile)
    except PoolError as exc:
        data = await run_in_threadpool(_candidate_view, request, user)
        data["values"] = form
        return render(
            request, "candidate.html", 409, form=FORM, problems={"_form": str(exc)}, **data
        )
    if not result.entered and not user.profile_id:
        data = await run_in_threadpool(_candidate_view, request, user)
        data["values"] = form
        return render(
            request,
            "candidate.html",
            422,
            form=FORM,
            problems={},
            not_eligible=list(result.reasons),
            **data,
        )
    return redirect(request, "/candidate?saved=1")


@router.post("/candidate/{action}", response_class=HTMLResponse)
async def candidate_action(request: Request, action: str) -> Response:
    from expressentry.pool.service import PoolError

    if action not in ("withdraw", "apply", "decline"):
        raise PageError(404, "error.not_found")
    user = require_role(request, "candidate")
    await read_form(request)
    if not user.profile_id:
        raise PageError(404, "error.not_found")
    svc = services(request)
    call = {
        "withdraw": svc.pool.withdraw,
        "apply": svc.invitations.apply,
        "decline": svc.invitations.decline,
    }[action]
    try:
        await run_in_threadpool(call, user.profile_id, actor=user.username)
    except PoolError as exc:
        data = await run_in_threadpool(_candidate_view, request, user)
        return render(
            request, "candidate.html", 409, form=FORM, problems={"_form": str(exc)}, **data
        )
    return redirect(request, f"/candidate?done={action}")


# --- officer ------------------------------------------------------------------------------------


@router.get("/officer", response_class=HTMLResponse)
def officer_page(request: Request) -> HTMLResponse:
    require_role(request, "officer")
    svc = services(request)
    stats = svc.pool.stats()
    lang = language(request)
    return render(
        request,
        "officer.html",
        stats=stats,
        chart=charts.distribution_svg(stats["distribution"], lang),
        category_names=_category_names(),
    )


def _category_names() -> dict[str, str]:
    from expressentry.rules.categories import default_categories

    book = default_categories()
    return {v.slug: v.official_name for s in book.slugs() for v in book.versions(s)}


def _round_form_context(request: Request) -> dict[str, Any]:
    from expressentry.rules.categories import default_categories

    book = default_categories()
    now = dt.datetime.now(dt.UTC)
    return {
        "categories": [(v.slug, v.official_name) for v in book.in_force(now.date())],
        "rounds": services(request).rounds.list()[::-1],
        "now": now.strftime("%Y-%m-%dT%H:%M"),
    }


@router.get("/officer/rounds", response_class=HTMLResponse)
def officer_rounds(request: Request) -> HTMLResponse:
    require_role(request, "officer")
    return render(
        request, "rounds.html", values={}, problems={}, result=None, **_round_form_context(request)
    )


@router.post("/officer/rounds", response_class=HTMLResponse)
async def officer_round_post(request: Request) -> Response:
    from expressentry.api.officer import round_error
    from expressentry.pool.service import PoolError
    from expressentry.rounds.service import RoundError, RoundRequest

    user = require_role(request, "officer")
    form = await read_form(request)
    problems: dict[str, str] = {}
    round_type = form.get("round_type", "")
    if round_type not in ("general", "program", "category"):
        problems["round_type"] = "choose general, program or category"
    size = form.get("size", "").strip()
    if (
        not (size.isascii() and size.isdigit() and len(size) <= 7)
        or not 1 <= int(size) <= 1_000_000
    ):
        problems["size"] = "a whole number from 1 to 1,000,000"
    minimum = form.get("minimum_crs", "").strip()
    if minimum and (
        not (minimum.isascii() and minimum.isdigit() and len(minimum) <= 4) or int(minimum) > 1200
    ):
        problems["minimum_crs"] = "a CRS score from 0 to 1,200"
    try:
        at = dt.datetime.fromisoformat(form.get("at", "").strip()) if form.get("at") else None
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
    except ValueError:
        problems["at"] = "a date and time (YYYY-MM-DDTHH:MM)"
        at = None
    result = None
    action = "run" if form.get("action") == "run" else "preview"
    if not problems:
        req = RoundRequest(
            at=at or dt.datetime.now(dt.UTC),
            at_default=at is None,
            round_type=round_type,
            size=int(size),
            program=(form.get("program") or None) if round_type == "program" else None,
            category=(form.get("category") or None) if round_type == "category" else None,
            minimum_crs=int(minimum) if minimum else None,
        )
        rounds = services(request).rounds
        try:
            if action == "run":
                result = await run_in_threadpool(rounds.run, req, actor=user.username)
                return redirect(request, f"/officer/rounds/{result.round_id}?ran=1")
            result = await run_in_threadpool(rounds.preview, req)
        except (RoundError, PoolError) as exc:
            field, reason = round_error(exc)
            problems["_form" if field == "(round)" else field] = reason
    context = await run_in_threadpool(_round_form_context, request)
    return render(
        request,
        "rounds.html",
        422 if problems else 200,
        values=form,
        problems=problems,
        result=result,
        **context,
    )


@router.get("/officer/rounds/{round_id}", response_class=HTMLResponse)
def officer_round(request: Request, round_id: int) -> HTMLResponse:
    from expressentry.rounds.service import RoundError

    require_role(request, "officer", "analyst")
    try:
        result = services(request).rounds.show(round_id)
    except RoundError:
        raise PageError(404, "error.not_found") from None
    return render(
        request,
        "round.html",
        r=result,
        record=result.record(),
        category_names=_category_names(),
        ran=request.query_params.get("ran") == "1",
    )


@router.post("/officer/rounds/{round_id}/cancel", response_class=HTMLResponse)
async def officer_round_cancel(request: Request, round_id: int) -> Response:
    """Issue 14: cancel the latest round, held by mistake (the service says when it cannot)."""
    from expressentry.rounds.service import RoundError

    user = require_role(request, "officer")
    form = await read_form(request)
    rounds = services(request).rounds
    try:
        done = await run_in_threadpool(
            rounds.cancel, round_id, reason=form.get("reason", "")[:500], actor=user.username
        )
    except RoundError as exc:
        try:
            result = await run_in_threadpool(rounds.show, round_id)
        except RoundError:
            raise PageError(404, "error.not_found") from None
        return render(
            request,
            "round.html",
            409,
            r=result,
            record=result.record(),
            category_names=_category_names(),
            ran=False,
            cancel_problem=str(exc).partition(": ")[2] or str(exc),
        )
    return redirect(
        request, f"/officer/rounds?cancelled={round_id}&removed={done['invitations_removed']}"
    )


@router.get("/officer/itas", response_class=HTMLResponse)
def officer_itas(request: Request) -> HTMLResponse:
    require_role(request, "officer")
    status = request.query_params.get("status") or None
    if status not in (None, "outstanding", "applied", "declined", "expired"):
        status = None
    rows = services(request).invitations.list(status=status)
    page = _int(request.query_params.get("page"), 1, 1, max(1, -(-len(rows) // 50)))
    return render(
        request,
        "itas.html",
        itas=rows[(page - 1) * 50 : page * 50],
        total=len(rows),
        page=page,
        pages=max(1, -(-len(rows) // 50)),
        status=status,
    )


@router.get("/officer/applications", response_class=HTMLResponse)
def officer_applications(request: Request) -> HTMLResponse:
    require_role(request, "officer")
    rows = services(request).invitations.applications()
    return render(request, "applications.html", applications=rows[::-1])


@router.post("/officer/applications/{application}", response_class=HTMLResponse)
async def officer_decide(request: Request, application: int) -> Response:
    from expressentry.rounds.itas import ItaError

    user = require_role(request, "officer")
    form = await read_form(request)
    try:
        await run_in_threadpool(
            services(request).invitations.decide,
            application,
            admissible=form.get("admissible") == "yes",
            finding=form.get("finding", "")[:2000],
            actor=user.username,
        )
    except ItaError as exc:
        raise PageError(409, "error.conflict", detail=str(exc)) from None
    return redirect(request, "/officer/applications")


# --- analyst ------------------------------------------------------------------------------------

REPORT_KINDS = ("rounds", "categories", "year-end", "parliament")


@router.get("/analyst", response_class=HTMLResponse)
def analyst_page(request: Request) -> HTMLResponse:
    require_role(request, "analyst", "officer")
    years = sorted({int(r["date"][:4]) for r in services(request).rounds.list()}, reverse=True)
    return render(request, "analyst.html", kinds=REPORT_KINDS, years=years)


@router.get("/analyst/reports/{kind}", response_class=HTMLResponse)
def analyst_report(request: Request, kind: str) -> HTMLResponse:
    from expressentry import reports
    from expressentry.reports.render import ReportError, to_html

    require_role(request, "analyst", "officer")
    if kind not in REPORT_KINDS:
        raise PageError(404, "error.not_found")
    q = request.query_params
    year = int(q["year"]) if q.get("year", "").isdigit() else None
    source = "system" if kind == "year-end" or q.get("source") == "system" else "history"
    lang = language(request)
    if lang not in reports.languages():
        lang = "en"
    try:
        report = reports.build(
            kind, year=year, source=source, engine=services(request).engine, lang=lang
        )
    except ReportError as exc:
        raise PageError(422, "error.report", detail=str(exc)) from None
    html = to_html(report)
    body = html[html.find("<body>") + 6 : html.rfind("</body>")]
    # the page has its own <main>: the report's becomes a plain division
    body = body.replace("<main>", '<div class="report-main">').replace("</main>", "</div>")
    return render(
        request,
        "report.html",
        kind=kind,
        year=year,
        source=source,
        report=report,
        body=body,
    )


@router.get("/analyst/history", response_class=HTMLResponse)
def analyst_history(request: Request) -> HTMLResponse:
    from expressentry.rounds.history import load_history

    require_role(request, "analyst", "officer")
    history = load_history()
    years = sorted({r.year for r in history}, reverse=True)
    q = request.query_params
    year = int(q["year"]) if q.get("year", "").isdigit() and int(q["year"]) in years else None
    shown = [r for r in history if year is None or r.year == year]
    lang = language(request)
    return render(
        request,
        "history.html",
        rounds=shown[::-1],
        years=years,
        year=year,
        chart=charts.cutoffs_svg(shown, lang),
    )
