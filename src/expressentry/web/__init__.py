"""The web interface: server-rendered pages in English and French (Jinja2, no build step)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

STATIC = Path(__file__).parent / "static"

#: headers on every answer: no framing, no sniffing, scripts and styles from this site only
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
)


def is_page(path: str) -> bool:
    """Whether an address is one of the pages (not the API, its documentation or a file)."""
    return not path.startswith(("/api", "/docs", "/redoc", "/openapi", "/static"))


def install(app: FastAPI) -> None:
    """Add the pages, their static files and their error pages to the app."""
    from expressentry.web.pages import LoginNeeded, PageError, render
    from expressentry.web.routes import router

    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    api_http_handler = app.exception_handlers[StarletteHTTPException]

    def error_page(request: Request, status: int, key: str, **values: object) -> Response:
        from expressentry.web.i18n import translator
        from expressentry.web.pages import language

        message = translator(language(request))(key, **values)
        return render(request, "error.html", status, status=status, message=message)

    @app.exception_handler(PageError)
    async def _page_error(request: Request, exc: PageError) -> Response:
        return error_page(request, exc.status, exc.key, **exc.values)

    @app.exception_handler(LoginNeeded)
    async def _login(request: Request, _: LoginNeeded) -> Response:
        from urllib.parse import quote

        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if is_page(request.url.path) and exc.status_code in (404, 405):
            return error_page(request, exc.status_code, "error.not_found")
        return await api_http_handler(request, exc)  # type: ignore[no-any-return]

    app.add_middleware(SecurityHeaders)


_API_HEADERS = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
_PAGE_HEADERS = [
    *_API_HEADERS,
    (b"content-security-policy", PAGE_CSP.encode()),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Adds the security headers to every answer (a plain ASGI middleware: no extra task per
    request, so the API keeps its speed)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _PAGE_HEADERS if is_page(scope.get("path", "")) else _API_HEADERS

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in present
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
