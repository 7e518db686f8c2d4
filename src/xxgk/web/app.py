"""`create_app`: the web app over a corpus store (`xxgk serve`).

Pages are server-rendered (Jinja2, autoescaped) with htmx for the live parts and ECharts for charts, both
vendored under /static so the app works offline. Every page's context is also its JSON API (see
context.py); the OpenAPI description is at /openapi.json and browsable at /docs (vendored Swagger UI).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, Response

from xxgk import __version__
from xxgk.web.context import json_response, render_html
from xxgk.web.errors import install_error_handlers
from xxgk.web.gate import Gate
from xxgk.web.routes import agency, auth, compare, corpus, dashboard, draft, report, upload
from xxgk.web.security import Sessions, check_bind, session_secret
from xxgk.web.state import DEFAULT_MAX_UPLOAD, Settings, WebState

STATIC = Path(__file__).parent / "static"
DESCRIPTION = """政府信息公开工作年度报告语料库的网页与 API。

每个页面同时是 API：同一地址加 `Accept: application/json` 请求头（或在路径后加 `.json`，如
`/reports/5.json`、`/corpus.json?year=2021`、`/index.json`）即返回页面所用的同一上下文（JSON）。

错误一律为 `{"error": {"status", "code", "message", "details"}}`，`message` 为中文。
表单提交（POST）须带 CSRF 令牌：先 GET 任一页面取得 `xxgk_csrf` Cookie，再把同一值放在
`X-CSRF-Token` 请求头或 `csrf_token` 表单字段中；使用 `Authorization: Bearer <令牌>` 的请求无需 CSRF。
"""


def create_app(
    store_url: str | Path,
    token: str | None = None,
    *,
    host: str = "127.0.0.1",
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    parse_workers: int = 2,
    parse_processes: bool = False,
    test_mode: bool = False,
    allowed_hosts: tuple[str, ...] = (),
) -> FastAPI:
    """The app over the store at `store_url` (DuckDB path or postgresql:// URL), opened now.

    `host` is where the server will listen: anything but loopback requires `token`, else
    InsecureBindError (its message is Chinese, for the command line). `test_mode` switches chart
    animation off for screenshots.
    """
    token = (token or "").strip() or None
    check_bind(host, token)
    settings = Settings(
        store_url=str(store_url),
        token=token,
        host=host,
        max_upload_bytes=max_upload_bytes,
        parse_workers=parse_workers,
        parse_processes=parse_processes,
        test_mode=test_mode,
        allowed_hosts=allowed_hosts,
    )
    return build_app(settings)


def build_app(settings: Settings) -> FastAPI:
    """The app for settings already checked (create_app checks them): state, routes, error handling, gate."""
    state = WebState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="xxgk 政府信息公开年报",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.xxgk = state
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (dashboard, upload, report, corpus, agency, compare, draft, auth):
        app.include_router(module.router)
    _add_system_routes(app)
    sessions = Sessions(session_secret(settings.token, settings.secret))
    app.add_middleware(Gate, settings=settings, sessions=sessions)
    return app


def _add_system_routes(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        return render_html(request, "docs.html.j2", {"title": "API 文档"})

    @app.get("/healthz", tags=["系统"], summary="存活检查")
    async def healthz() -> Response:
        return json_response({"status": "ok", "version": __version__})
