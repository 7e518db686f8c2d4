"""The ASGI layer every request passes first: size limit, Host check, login, CSRF cookie, `.json` twins,
security headers.

Pure ASGI (not Starlette's BaseHTTPMiddleware) so the request body streams through untouched and can be
counted: an upload without Content-Length is cut off as soon as it passes the limit, before it is spooled
to disk.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xxgk.web.context import JSON_TWIN_FLAG, wants_json
from xxgk.web.errors import WebError, error_response
from xxgk.web.security import (
    CSRF_COOKIE,
    LOOPBACK_NAMES,
    SESSION_COOKIE,
    Sessions,
    is_loopback,
    new_csrf_token,
    token_matches,
)
from xxgk.web.state import Settings

PUBLIC_PREFIXES = ("/static/", "/login", "/healthz")
NO_TWIN = ("/static/", "/openapi.json")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        b"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    ),
]


class TooLarge(WebError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            413, f"上传内容超过大小上限（{limit // (1024 * 1024) or 1} MB），已拒绝。", "too_large"
        )


class Gate:
    def __init__(self, app: ASGIApp, settings: Settings, sessions: Sessions) -> None:
        self.app, self.settings, self.sessions = app, settings, sessions
        loopback = is_loopback(settings.host)
        self.hosts = settings.allowed_hosts or (LOOPBACK_NAMES if loopback else ())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        _json_twin(scope)
        conn = HTTPConnection(scope)
        csrf = conn.cookies.get(CSRF_COOKIE) or new_csrf_token()
        scope.setdefault("state", {})["csrf"] = csrf
        refusal = self._refusal(scope, conn)
        send = _with_headers(send, None if conn.cookies.get(CSRF_COOKIE) else _csrf_cookie(csrf, scope))
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, self._limited(scope, receive), send)

    def _refusal(self, scope: Scope, conn: HTTPConnection) -> Response | None:
        """A response that ends the request here (wrong Host, not logged in, body too large), or None."""
        request = Request(scope)
        host = _host_name(conn.headers.get("host") or "")
        if self.hosts and host not in self.hosts:
            return error_response(request, 400, f"不接受主机名“{host}”的请求（仅限本机访问）。", "bad_host")
        length = conn.headers.get("content-length")
        if length and length.isdigit() and int(length) > self.settings.max_upload_bytes:
            exc = TooLarge(self.settings.max_upload_bytes)
            return error_response(request, 413, exc.message, exc.code)
        if self.settings.token and not self._authenticated(scope, conn):
            return self._login_required(request)
        return None

    def _authenticated(self, scope: Scope, conn: HTTPConnection) -> bool:
        path = scope["path"]
        if path.startswith(PUBLIC_PREFIXES):
            return True
        auth = conn.headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and token_matches(auth[7:].strip(), self.settings.token or ""):
            scope["xxgk.bearer"] = True
            return True
        return self.sessions.valid(conn.cookies.get(SESSION_COOKIE))

    def _login_required(self, request: Request) -> Response:
        if wants_json(request) or request.method != "GET":
            return error_response(
                request, 401, "需要登录：请先输入访问令牌，或使用 Authorization: Bearer 令牌。"
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    def _limited(self, scope: Scope, receive: Receive) -> Receive:
        """Count body bytes as they arrive; stop at the limit even without a Content-Length."""
        limit, seen = self.settings.max_upload_bytes, 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(limit)
            return message

        return counted


def _host_name(header: str) -> str:
    """The Host header without its port ("[::1]:8000" → "[::1]")."""
    header = header.strip().lower()
    if header.startswith("["):
        return header.split("]")[0] + "]"
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _json_twin(scope: Scope) -> None:
    """`/reports/5.json` → `/reports/5` answered as JSON (the page's context)."""
    path: str = scope["path"]
    if not path.endswith(".json") or path.startswith(NO_TWIN) or "/download/" in path:
        return
    stripped = path[: -len(".json")]
    if stripped in ("/index", "/dashboard"):
        stripped = "/"
    scope["path"] = stripped
    scope["raw_path"] = stripped.encode()
    scope[JSON_TWIN_FLAG] = True


def _csrf_cookie(value: str, scope: Scope) -> bytes:
    secure = "; Secure" if scope.get("scheme") == "https" else ""
    return f"{CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict{secure}".encode()


def _with_headers(send: Send, cookie: bytes | None) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers: list[Any] = list(message.get("headers", []))
            names = {name.lower() for name, _ in headers}
            headers += [(k, v) for k, v in SECURITY_HEADERS if k not in names]
            if cookie is not None:
                headers.append((b"set-cookie", cookie))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped
