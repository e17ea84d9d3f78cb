"""The pages: check your score, categories and who is eligible, and the candidate's, officer's
and analyst's pages. Each handler reads its input, calls the services and renders a template;
the rules themselves live in the rules layer, reached through the same services as the API.
"""

from __future__ import annotations

import datetime as dt
import json
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
    date_text,
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
    from expressentry.web.forms import Reason

    try:
        on = dt.date.fromisoformat(raw)
    except ValueError:
        text = f"{raw!r} is not a date (YYYY-MM-DD)"
        return dt.date.today(), {"as_of": Reason(text, "form_reason.not_date", value=raw[:40])}
    if on < CRS_EPOCH:
        text = "Express Entry began on 2015-01-01"
        return on, {"as_of": Reason(text, "form_reason.before_express_entry")}
    from expressentry.profile.model import AS_OF_DAYS_AHEAD, as_of_problem

    if (problem := as_of_problem(on)) is not None:
        latest = dt.date.today() + dt.timedelta(days=AS_OF_DAYS_AHEAD)
        reason = Reason(problem, "form_reason.too_far_ahead", latest=latest)
        return dt.date.today(), {"as_of": reason}
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
            from expressentry.rounds.context import compare

            out["trace"] = explain(result)
            out["suggestions"] = improve(profile, on, limit=5)[1]
            out["rounds_context"] = compare(profile, on)
        out["eligibility"] = assess(profile, on)
    except (BeforeExpressEntry, NotInForce) as exc:
        return {"problems": {"as_of": str(exc)}, "as_of": on}
    return out


async def _assessed_page(request: Request, what: str) -> HTMLResponse:
    """The score or eligibility page with the result of the posted form."""
    form = await read_form(request)
    result = await run_in_threadpool(_assess_form, form, what)
    if result.get("score") is not None and what == "score":
        _in_words(result, language(request))
    status = 422 if result["problems"] else 200
    return render(request, f"{what}.html", status, form=FORM, values=form, result=result)


def _in_words(result: dict[str, Any], lang: str) -> None:
    """The explanation, the suggestions and the rules' date in the page's language."""
    from expressentry.rules.tables import default_rulebook
    from expressentry.web import explained
    from expressentry.web.i18n import translator

    t = translator(lang)
    score = result["score"]
    result["trace_text"] = explained.trace(result["trace"], score.facts, t, lang)
    result["notes"] = explained.notes(score.facts, t, lang)
    result["suggestion_text"] = [explained.suggestion(s, t, lang) for s in result["suggestions"]]
    since = default_rulebook()["crs.versions"].version_at(score.as_of).effective_from
    result["rules_since"] = since


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


@router.get("/occupations", response_class=HTMLResponse)
def occupations_page(request: Request) -> HTMLResponse:
    """Search NOC 2021 by code or by words of the English or French title; each unit group
    with its TEER and whether its work is skilled for Express Entry today."""
    from expressentry.profile.facts import is_skilled
    from expressentry.rules import noc

    q = request.query_params.get("q", "")[:100]
    hits = noc.search_both(q) if q.strip() else []
    shown, page, pages = _paged(hits, request.query_params.get("page"), 25)
    french = noc.french_titles()
    today = dt.date.today()
    rows = [
        {
            "code": g.code,
            "title": french.get(g.code, g.title) if language(request) == "fr" else g.title,
            "teer": g.teer,
            "skilled": is_skilled(g.code, today),
        }
        for g in shown
    ]
    from urllib.parse import urlencode

    return render(
        request,
        "occupations.html",
        q=q,
        rows=rows,
        total=len(hits),
        page=page,
        pages=pages,
        pager_query=urlencode({"q": q}) + "&" if q else "",
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
    from expressentry.rounds.context import compare

    view = profile_view(services(request), user.profile_id)
    profile = parse_profile(view["profile"])
    values = form_from_profile(profile)
    return {
        "view": view,
        "values": values,
        "fits": fits_form(profile, values),
        # the score the pool holds, on the day it was assessed: the numbers on the page agree
        "rounds_context": compare(profile, dt.date.fromisoformat(view["scored_on"])),
    }


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
    from expressentry.rules.categories import default_categories

    # every category version in force today, from the data (one no profile meets yet too: it
    # has no bit in the pool, so the pool's own counts leave it out); expired versions are not
    counted = stats["eligible_by_category"]
    in_force = [
        (v.slug, v.year, counted.get(f"{v.slug}:{v.year}", 0))
        for v in default_categories().in_force(dt.date.today())
    ]
    return render(
        request,
        "officer.html",
        stats=stats,
        chart=charts.distribution_svg(stats["distribution"], lang),
        category_names=_category_names(),
        categories_in_force=in_force,
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


def _round_problems(form: dict[str, str], lang: str) -> tuple[dict[str, str], Any]:
    """The round form's problems by field, in the page's language, and the round's time."""
    from expressentry.rules.categories import (
        CategoryNotInForce,
        UnknownCategory,
        default_categories,
    )
    from expressentry.web.i18n import translator

    t = translator(lang)
    problems: dict[str, str] = {}
    round_type = form.get("round_type", "")
    if round_type not in ("general", "program", "category"):
        problems["round_type"] = t("round_form.type")
    size = form.get("size", "").strip()
    if (
        not (size.isascii() and size.isdigit() and len(size) <= 7)
        or not 1 <= int(size) <= 1_000_000
    ):
        problems["size"] = t("round_form.size")
    minimum = form.get("minimum_crs", "").strip()
    if minimum and (
        not (minimum.isascii() and minimum.isdigit() and len(minimum) <= 4) or int(minimum) > 1200
    ):
        problems["minimum_crs"] = t("round_form.minimum")
    at = None
    try:
        at = dt.datetime.fromisoformat(form.get("at", "").strip()) if form.get("at") else None
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
    except ValueError:
        problems["at"] = t("round_form.at")
    on = (at or dt.datetime.now(dt.UTC)).date()
    if round_type == "program" and form.get("program") not in ("cec", "fsw", "fst", "pnp"):
        problems["program"] = t("round_form.program")
    if round_type == "category":
        slug = form.get("category") or ""
        book = default_categories()
        names = ", ".join(t("category." + v.slug) for v in book.in_force(on))
        if not slug:
            problems["category"] = t("round_form.category", date=date_text(on, lang), known=names)
        else:
            try:
                book.version_at(slug[:100], on)
            except (UnknownCategory, CategoryNotInForce):
                problems["category"] = t(
                    "round_form.category_not_in_force",
                    date=date_text(on, lang),
                    known=names,
                )
    return problems, at


@router.post("/officer/rounds", response_class=HTMLResponse)
async def officer_round_post(request: Request) -> Response:
    """Preview a round; "Run the round" previews it again and asks for a confirmation that
    names how many will be invited; only the confirmed form (``confirm=yes``, with the time
    previewed) runs it."""
    from expressentry.api.officer import round_error
    from expressentry.pool.service import PoolError
    from expressentry.rounds.service import RoundError, RoundRequest

    user = require_role(request, "officer")
    form = await read_form(request)
    problems, at = _round_problems(form, language(request))
    round_type = form.get("round_type", "")
    result = None
    action = "run" if form.get("action") == "run" else "preview"
    confirming = False
    if not problems:
        minimum = form.get("minimum_crs", "").strip()
        req = RoundRequest(
            at=at or dt.datetime.now(dt.UTC),
            at_default=at is None,
            round_type=round_type,
            size=int(form["size"]),
            program=(form.get("program") or None) if round_type == "program" else None,
            category=(form.get("category") or None) if round_type == "category" else None,
            minimum_crs=int(minimum) if minimum else None,
        )
        rounds = services(request).rounds
        try:
            if action == "run" and form.get("confirm") == "yes":
                result = await run_in_threadpool(rounds.run, req, actor=user.username)
                return redirect(request, f"/officer/rounds/{result.round_id}?ran=1")
            result = await run_in_threadpool(rounds.preview, req)
            confirming = action == "run"
            # the confirmation runs the round at the time previewed: the same invitees
            form = {**form, "at": req.at.strftime("%Y-%m-%dT%H:%M:%S")}
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
        confirming=confirming,
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


def _paged(rows: list[Any], page: str | None, size: int = 50) -> tuple[list[Any], int, int]:
    """The rows of one page, the page number and the number of pages."""
    pages = max(1, -(-len(rows) // size))
    number = _int(page, 1, 1, pages)
    return rows[(number - 1) * size : number * size], number, pages


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
    # newest first: the latest round's invitations open the first page, in rank order
    rows.sort(key=lambda r: (-r["round_id"], r["rank"]))
    shown, page, pages = _paged(rows, request.query_params.get("page"))
    return render(
        request, "itas.html", itas=shown, total=len(rows), page=page, pages=pages, status=status
    )


@router.get("/officer/profiles/{profile_id}", response_class=HTMLResponse)
def officer_profile(request: Request, profile_id: str) -> HTMLResponse:
    """A profile as an officer sees it: its state, score breakdown, programs, categories,
    invitations and applications (invitees link here)."""
    from expressentry.api.candidate import profile_view
    from expressentry.pool.service import PoolError

    require_role(request, "officer")
    svc = services(request)
    try:
        view = profile_view(svc, profile_id[:100])
    except PoolError:
        raise PageError(404, "error.not_found") from None
    applications = [a for a in svc.invitations.applications() if a["profile_id"] == profile_id]
    return render(request, "officer_profile.html", view=view, applications=applications)


@router.get("/officer/applications", response_class=HTMLResponse)
def officer_applications(request: Request) -> HTMLResponse:
    require_role(request, "officer")
    status = request.query_params.get("status") or None
    if status not in (None, "submitted", "approved", "refused"):
        status = None
    rows = [
        a
        for a in services(request).invitations.applications()[::-1]
        if status is None or a["status"] == status
    ]
    shown, page, pages = _paged(rows, request.query_params.get("page"))
    return render(
        request,
        "applications.html",
        applications=shown,
        total=len(rows),
        page=page,
        pages=pages,
        status=status,
    )


def _decision_context(request: Request, application: int) -> dict[str, Any]:
    """The application, its verified profile, the profile's score recomputed as of the
    invitation and its program and category eligibility on that day."""
    from expressentry.eligibility.assess import assess
    from expressentry.profile.model import parse_profile
    from expressentry.rounds.itas import ItaError
    from expressentry.scoring.crs import score

    svc = services(request)
    try:
        app = svc.invitations.application(application)
    except ItaError:
        raise PageError(404, "error.not_found") from None
    verified = parse_profile(app["profile"])
    on = dt.datetime.fromisoformat(app["issued_at"]).date()
    recomputed = score(verified, on, svc.pool.rulebook)
    eligibility = assess(verified, on, svc.pool.rulebook, svc.pool.categories)
    category = next((c for c in eligibility.categories if c.slug == app["category"]), None)
    return {
        "app": app,
        "on": on,
        "verified": verified,
        "recomputed": recomputed,
        "eligibility": eligibility,
        "round_category": category,
        "document": json.dumps(app["profile"], indent=2, ensure_ascii=False),
    }


@router.get("/officer/applications/{application}", response_class=HTMLResponse)
def officer_application(request: Request, application: int) -> HTMLResponse:
    require_role(request, "officer")
    context = _decision_context(request, application)
    return render(
        request,
        "decision.html",
        problems={},
        values={},
        decided=request.query_params.get("decided") == "1",
        **context,
    )


@router.post("/officer/applications/{application}", response_class=HTMLResponse)
async def officer_decide(request: Request, application: int) -> Response:
    """Record a decision: the officer's finding on admissibility (yes or no, chosen) and the
    reasons, always written; the checks of the rules are recorded with them."""
    from expressentry.rounds.itas import ItaError
    from expressentry.web.i18n import translator

    user = require_role(request, "officer")
    form = await read_form(request)
    t = translator(language(request))
    problems: dict[str, str] = {}
    admissible = form.get("admissible", "")
    if admissible not in ("yes", "no"):
        problems["admissible"] = t("decision_form.choose")
    reasons = form.get("finding", "").strip()[:2000]
    if not reasons:
        problems["finding"] = t("decision_form.reasons_needed")
    if problems:
        context = await run_in_threadpool(_decision_context, request, application)
        return render(
            request,
            "decision.html",
            422,
            problems=problems,
            values=form,
            decided=False,
            **context,
        )
    try:
        await run_in_threadpool(
            services(request).invitations.decide,
            application,
            admissible=admissible == "yes",
            finding=reasons,
            actor=user.username,
        )
    except ItaError as exc:
        raise PageError(409, "error.conflict", detail=str(exc)) from None
    return redirect(request, f"/officer/applications/{application}?decided=1")


# --- analyst ------------------------------------------------------------------------------------

REPORT_KINDS = ("rounds", "categories", "year-end", "parliament")


@router.get("/analyst", response_class=HTMLResponse)
def analyst_page(request: Request) -> HTMLResponse:
    require_role(request, "analyst", "officer")
    from expressentry.reports.parliament import parliament_years
    from expressentry.rounds.history import load_history

    years = sorted({int(r["date"][:4]) for r in services(request).rounds.list()}, reverse=True)
    history = sorted({r.date.year for r in load_history()} | set(years), reverse=True)
    # each report offers the years it has something for: the report to Parliament only the
    # years with categories (from 2023), the year-end report the years of this system's rounds
    years_by_kind = {
        "rounds": history,
        "categories": history,
        "year-end": years,
        "parliament": parliament_years(),
    }
    return render(
        request, "analyst.html", kinds=REPORT_KINDS, years=years, years_by_kind=years_by_kind
    )


@router.get("/analyst/reports/{kind}", response_class=HTMLResponse)
def analyst_report(request: Request, kind: str) -> HTMLResponse:
    from expressentry import reports
    from expressentry.reports.render import ReportError, csv_is_archive, to_html

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
        csv_archive=csv_is_archive(report),
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
