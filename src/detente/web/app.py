"""The FastAPI application: middleware (limits, same-origin writes, security headers), error
answers, the API and the pages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import detente
from detente.jsonutil import plain
from detente.web.service import ApiError, Workbench
from detente.web.settings import Settings

log = logging.getLogger("detente.web")

HERE = Path(__file__).parent

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
             "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
             "frame-ancestors 'none'")


class _BodyTooLarge(StarletteHTTPException):
    """A streamed body passed the limit (answered 413 by the HTTP error handler)."""


class GuardMiddleware:
    """Request-level limits and protections, before any route runs.

    * bodies over ``max_body`` bytes get 413 (by ``Content-Length``, or while streaming);
    * unknown ``Host`` names get 400 when ``allowed_hosts`` is set (DNS rebinding);
    * writes (POST, PUT, DELETE, PATCH) from another origin get 403, so a web page the user
      visits cannot drive the local workbench;
    * every answer carries ``X-Content-Type-Options`` and ``Referrer-Policy``, pages a
      content security policy.
    """

    def __init__(self, app: ASGIApp, max_body: int,
                 allowed_hosts: tuple[str, ...] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if self.allowed is not None and _hostname(host) not in self.allowed:
            await _plain_error(send, 400, "unknown_host", f"host {host!r} is not served here; "
                               "open the workbench at the address `detente serve` printed")
            return
        method = scope.get("method", "GET")
        if method in ("POST", "PUT", "DELETE", "PATCH"):
            origin = headers.get("origin")
            foreign = bool(origin) and urlsplit(origin or "").netloc.lower() != host.lower()
            if headers.get("sec-fetch-site") == "cross-site" or foreign:
                await _plain_error(send, 403, "cross_origin", "requests from other web sites "
                                   "are refused; use the workbench's own pages")
                return
        length = headers.get("content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                too_big = False
            if too_big:
                await _plain_error(send, 413, "too_large", _too_large(self.max_body))
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _BodyTooLarge(413, _too_large(self.max_body))
            return message

        page = not scope.get("path", "").startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"same-origin")]
                names = {k.lower() for k, _ in message.get("headers", [])}
                if page and b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", _PAGE_CSP.encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _BodyTooLarge:
            if not started:
                await _plain_error(send, 413, "too_large", _too_large(self.max_body))


def _hostname(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _too_large(limit: int) -> str:
    return (f"the request body is larger than the limit of {limit:,} bytes; send a smaller "
            "scenario, or start the server with a larger --max-body")


async def _plain_error(send: Send, status: int, code: str, detail: str) -> None:
    import json

    body = json.dumps({"detail": detail, "code": code}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"x-content-type-options", b"nosniff")]})
    await send({"type": "http.response.body", "body": body})


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the workbench app.

    Parameters
    ----------
    settings
        Limits and the data folder (default: :class:`Settings` defaults, the per-user
        folder).

    Returns
    -------
    FastAPI
        The app; ``app.state.workbench`` holds the database and the run manager. Runs still
        unfinished when the app shuts down are marked ``interrupted``.
    """
    from detente.web import api, pages

    settings = settings or Settings()
    workbench = Workbench(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        workbench.warm_up()
        try:
            yield
        finally:
            workbench.close()

    app = FastAPI(
        title="detente workbench",
        version=detente.__version__,
        description="Edit conflict scenarios, run detente's analyses and read the results. "
                    "Errors are JSON objects `{detail, code}` whose `detail` is one line "
                    "saying what is wrong and how to fix it.",
        lifespan=lifespan,
        docs_url=None,  # served below from the package's own copy of Swagger UI (no CDN)
        redoc_url=None,
    )
    app.state.workbench = workbench
    app.state.settings = settings

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        if _is_api(request):
            return api.error_response(exc)
        return pages.error_page(request, exc.status, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        detail = "; ".join(_describe(e) for e in errors[:3]) or "invalid request"
        if _is_api(request):
            return JSONResponse({"detail": detail, "code": "invalid_request",
                                 "errors": plain(errors, unknown_as_text=True)}, status_code=422)
        return pages.error_page(request, 422, detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail)
        code = f"http_{exc.status_code}"
        if exc.status_code == 413:
            code = "too_large"
        if exc.status_code == 404:
            detail = f"{request.url.path}: no such page; start from the scenario list at /"
        elif exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        if _is_api(request):
            return JSONResponse({"detail": detail, "code": code},
                                status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        return pages.error_page(request, exc.status_code, detail)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:  # pragma: no cover
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        detail = f"internal error ({type(exc).__name__}); see the server log"
        if _is_api(request):
            return JSONResponse({"detail": detail, "code": "internal"}, status_code=500)
        return pages.error_page(request, 500, detail)

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _mount_api_docs(app)
    app.add_middleware(GuardMiddleware, max_body=settings.max_body_bytes,
                       allowed_hosts=settings.allowed_hosts)
    return app


def _mount_api_docs(app: FastAPI) -> None:
    """Serve Swagger UI at ``/api/docs`` from the ``swagger-ui-bundle`` package (works offline).

    Without that package the page is not offered (its link then answers 404) rather than
    loading scripts from a CDN.
    """
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # pragma: no cover - the [web] extra installs it
        return
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse

    assets = "/api/docs/assets"
    app.mount(assets, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get("/api/docs", include_in_schema=False)
    async def _swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - API",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon-32x32.png",
        )


def _describe(err: Any) -> str:
    loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body",)) or "request"
    return f"{loc}: {err.get('msg', 'invalid')}"
