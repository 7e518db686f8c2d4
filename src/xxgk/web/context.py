"""One context object per page, rendered as HTML or returned as JSON by the same URL.

A route builds a `Page` (template name + a JSON-ready dict) and hands it to `respond`. The template sees
exactly that dict (plus request-level values such as the CSRF token), and a client asking for JSON —
`Accept: application/json`, or the `.json` twin of the URL — gets the same dict. So the JSON API cannot
drift from what the page shows, and page tests can assert on data instead of scraping HTML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from fastapi import Request
from jinja2 import Environment, PackageLoader
from starlette.responses import HTMLResponse, Response

JSON_TWIN_FLAG = "xxgk.json_twin"  # set in the ASGI scope by the gateway when the URL ended in .json

NAV = (
    ("/", "总览"),
    ("/upload", "上传"),
    ("/corpus", "语料库"),
    ("/agencies", "机关"),
    ("/compare", "对比"),
    ("/draft", "填报"),
    ("/docs", "API 文档"),
)


@dataclass
class Page:
    """What a route hands to `respond`: the template and its whole context (JSON-ready)."""

    template: str
    title: str
    data: dict[str, Any] = field(default_factory=dict)
    status: int = 200


def wants_json(request: Request) -> bool:
    """JSON when the URL was a `.json` twin, or when the client prefers JSON to HTML."""
    if request.scope.get(JSON_TWIN_FLAG):
        return True
    accept = request.headers.get("accept", "")
    if "application/json" not in accept:
        return False
    return "text/html" not in accept or accept.index("application/json") < accept.index("text/html")


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any, **kwargs: Any) -> str:
    """JSON as the API returns it; Jinja's `tojson` passes its own options (sort_keys) through."""
    return json.dumps(data, ensure_ascii=False, default=_default, **kwargs)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(to_json(data), status, headers, media_type="application/json")


@cache
def environment() -> Environment:
    """Autoescaping is on for every template: report text, agency names and file names are untrusted."""
    env = Environment(loader=PackageLoader("xxgk.web", "templates"), autoescape=True)
    env.policies["json.dumps_function"] = to_json
    env.filters["num"] = format_number
    env.filters["pct"] = format_percent
    return env


def format_number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return f"{int(value):,}" if isinstance(value, int | float) else str(value)


def format_percent(value: Any, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}%"


def render_html(request: Request, template: str, data: dict[str, Any], status: int = 200) -> HTMLResponse:
    state = getattr(request.app.state, "xxgk", None)
    settings = getattr(state, "settings", None)
    ctx = {
        **data,
        "ctx": data,
        "nav": NAV,
        "path": request.url.path,
        "csrf_token": getattr(request.state, "csrf", ""),
        "auth_required": bool(settings and settings.token),
        "test_mode": bool(settings and settings.test_mode),
    }
    html = environment().get_template(template).render(ctx)
    return HTMLResponse(html, status)


def respond(request: Request, page: Page) -> Response:
    """The page as HTML, or its context as JSON (see module docstring)."""
    if wants_json(request):
        return json_response(
            {"page": page.template.split(".")[0], "title": page.title, **page.data}, page.status
        )
    return render_html(request, page.template, {"title": page.title, **page.data}, page.status)


PAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "页面（text/html），或同一上下文的 JSON（Accept: application/json，或在路径后加 .json）",
        "content": {"text/html": {}, "application/json": {}},
    }
}
