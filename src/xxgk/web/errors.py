"""One error shape for the API and clear Chinese error pages for people.

Every error leaves the app as `{"error": {"status": 404, "code": "not_found", "message": "…", "details":
[…]}}` for JSON clients, or as the error page in the site's layout for browsers. The message is always one
Chinese sentence a person can act on; `code` is stable for programs.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from xxgk.web.context import json_response, render_html, wants_json

log = logging.getLogger("xxgk.web")

DEFAULT_MESSAGES = {
    400: ("bad_request", "请求无效。"),
    401: ("unauthorized", "需要登录：请先输入访问令牌。"),
    403: ("forbidden", "禁止访问。"),
    404: ("not_found", "找不到该页面或资源。"),
    405: ("method_not_allowed", "不支持该请求方法。"),
    413: ("too_large", "上传内容过大。"),
    415: ("unsupported_type", "不支持的文件类型。"),
    422: ("invalid", "请求参数无效。"),
    500: ("internal", "服务器内部错误，请稍后重试；如反复出现，请报告此问题。"),
}


class WebError(HTTPException):
    """An HTTP error with a stable code and a Chinese message (and optional per-item details)."""

    def __init__(
        self, status: int, message: str, code: str | None = None, details: list[Any] | None = None
    ) -> None:
        super().__init__(status_code=status, detail=message)
        self.code = code or DEFAULT_MESSAGES.get(status, ("error", ""))[0]
        self.message = message
        self.details = details or []


def error_body(status: int, message: str, code: str | None = None, details: list[Any] | None = None) -> dict:
    code = code or DEFAULT_MESSAGES.get(status, ("error", ""))[0]
    return {"error": {"status": status, "code": code, "message": message, "details": details or []}}


def error_response(
    request: Request, status: int, message: str, code: str | None = None, details: list[Any] | None = None
) -> Response:
    """JSON for API clients, the Chinese error page for browsers (same wording in both)."""
    body = error_body(status, message, code, details)
    if wants_json(request):
        return json_response(body, status)
    ctx = {"title": f"出错了（{status}）", **body["error"]}
    return render_html(request, "error.html.j2", ctx, status)


def _validation_message(exc: RequestValidationError) -> tuple[str, list[Any]]:
    details = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path"))
        details.append({"field": where, "problem": str(err.get("msg", ""))})
    names = "、".join(d["field"] for d in details if d["field"]) or "请求"
    return f"参数无效：请检查 {names}。", details


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, WebError):
            return error_response(request, exc.status_code, exc.message, exc.code, exc.details)
        code, default = DEFAULT_MESSAGES.get(exc.status_code, ("error", "请求失败。"))
        message = exc.detail if isinstance(exc.detail, str) and _is_chinese(exc.detail) else default
        response = error_response(request, exc.status_code, message, code)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        message, details = _validation_message(exc)
        return error_response(request, 422, message, "invalid", details)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, DEFAULT_MESSAGES[500][1], "internal")


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
