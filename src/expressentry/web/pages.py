"""Shared machinery of the pages: the language, the logged-in user, CSRF, rendering.

Pages are server-rendered Jinja2 templates that work without JavaScript (a small script only
enhances them). Every page is in English and French: ``?lang=fr`` on any address gives the
French page and is remembered in a cookie; every page has the toggle to the other language.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from expressentry.web.i18n import LANGUAGES, pick_language, translator

HERE = Path(__file__).parent
LANG_COOKIE = "ee_lang"
CSRF_COOKIE = "ee_csrf"
#: form bodies are small: a profile form is a few KiB
MAX_FORM_BYTES = 64 * 1024


class PageError(Exception):
    """Answer with an error page (status, message key)."""

    def __init__(self, status: int, key: str, **values: Any) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.values = values


class LoginNeeded(Exception):
    """Send the browser to the login page, then back."""


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = number
    env.filters["date"] = date_text
    env.filters["datetime"] = datetime_text
    env.globals.update(_form_helpers())
    from expressentry.web.pool_model import globals_

    env.globals.update(globals_())
    return env


def _form_helpers() -> dict[str, Any]:
    """What the profile form's macros call: field labels, the tests' scales, countries."""
    from expressentry.profile.countries import names
    from expressentry.web.explained import language_scales
    from expressentry.web.forms import field_label

    return {
        "field_label": field_label,
        "language_scales": language_scales,
        "country_names": lambda t: names(t.lang),
    }


def number(value: Any, lang: str = "en") -> str:
    """A number the language's way (the reports' formats: "1,234" or "1 234")."""
    from expressentry.reports.strings import Strings

    if isinstance(value, float) and not value.is_integer():
        return Strings(lang).num(value)
    return Strings(lang).int(None if value is None else int(value))


def date_text(value: Any, lang: str = "en") -> str:
    """A date the language's way ("November 25, 2026", "25 novembre 2026"); ISO text too."""
    from expressentry.reports.strings import Strings

    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    return Strings(lang).date(value or None)


def datetime_text(value: Any, lang: str = "en") -> str:
    """A date and time the language's way, in UTC ("December 4, 2026 at 13:19 UTC",
    "4 décembre 2026 à 13 h 19 UTC"); ISO text too."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return date_text(value, lang)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    day = date_text(value.date(), lang)
    if lang == "fr":
        return f"{day} à {value.hour} h {value.minute:02d} UTC"
    return f"{day} at {value.hour:02d}:{value.minute:02d} UTC"


def plural_form(count: int, lang: str) -> str:
    """``one`` or ``many``: French treats 0 and 1 as singular, English only 1 (CLDR rules)."""
    return "one" if count == 1 or (lang == "fr" and count == 0) else "many"


def language(request: Request) -> str:
    if not hasattr(request.state, "lang"):
        request.state.lang = pick_language(
            request.query_params.get("lang"),
            request.cookies.get(LANG_COOKIE),
            request.headers.get("accept-language"),
        )
    return request.state.lang  # type: ignore[no-any-return]


def session_of(request: Request) -> Any:
    """The logged-in session from the cookie (pages never take bearer tokens)."""
    if hasattr(request.state, "page_session"):
        return request.state.page_session
    from expressentry.api.auth import SESSION_COOKIE
    from expressentry.api.deps import services

    token = request.cookies.get(SESSION_COOKIE)
    session = None
    if token and len(token) <= 200:
        session = services(request).accounts.session(token)
    request.state.page_session = session
    return session


def csrf_token(request: Request) -> str:
    """The token forms carry: the session's when logged in, else the visitor's cookie."""
    session = session_of(request)
    if session is not None:
        return str(session.csrf_token)
    if not hasattr(request.state, "csrf"):
        request.state.csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    return request.state.csrf  # type: ignore[no-any-return]


async def read_form(request: Request) -> dict[str, str]:
    """The posted form (urlencoded), size-limited, CSRF-checked."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise PageError(413, "error.too_large")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_FORM_BYTES:
            raise PageError(413, "error.too_large")
    from urllib.parse import parse_qsl

    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=300)
    except (UnicodeDecodeError, ValueError):
        raise PageError(400, "error.bad_form") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        form.setdefault(key, value)
    given = form.pop("csrf_token", "")
    expected = csrf_token(request)
    if not (given and hmac.compare_digest(given.encode(), expected.encode())):
        raise PageError(403, "error.csrf")
    return form


def lang_url(request: Request, lang: str) -> str:
    params = dict(request.query_params)
    params["lang"] = lang
    return f"{request.url.path}?{urlencode(params)}"


def require_role(request: Request, *roles: str) -> Any:
    session = session_of(request)
    if session is None:
        raise LoginNeeded()
    if session.user.role not in roles:
        raise PageError(403, "error.forbidden", role=" / ".join(roles))
    return session.user


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = language(request)
    t = translator(lang)
    other = "fr" if lang == "en" else "en"
    session = session_of(request)
    page = (
        environment()
        .get_template(template)
        .render(
            request=request,
            lang=lang,
            t=t,
            other_lang=other,
            other_lang_url=lang_url(request, other),
            user=session.user if session else None,
            csrf=csrf_token(request),
            path=request.url.path,
            num=lambda v: number(v, lang),
            day=lambda v: date_text(v, lang),
            when=lambda v: datetime_text(v, lang),
            # ``tn("form.problems", n, ...)``: the message ``form.problems.one`` or ``.many``
            tn=lambda key, count, **values: t(
                f"{key}.{plural_form(int(count), lang)}", count=number(count, lang), **values
            ),
            **context,
        )
    )
    response = HTMLResponse(page, status_code=status_code)
    finish(request, response)
    return response


def finish(request: Request, response: Response) -> None:
    """Remember the language and the visitor's CSRF token; tighten the headers."""
    secure = request.url.scheme == "https"
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(
            LANG_COOKIE, chosen, max_age=365 * 86400, samesite="lax", httponly=True, secure=secure
        )
    if getattr(request.state, "csrf", None) and not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(
            CSRF_COOKIE, request.state.csrf, samesite="strict", httponly=True, secure=secure
        )


def redirect(request: Request, to: str) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303)
    finish(request, response)
    return response
