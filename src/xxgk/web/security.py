"""Who may talk to the app, and what they may send.

- Loopback by default. Binding to any other address requires a token (`XXGK_TOKEN`): people log in once
  and get a signed session cookie; programs send `Authorization: Bearer <token>`.
- On loopback, the Host header must be a loopback name, so a web page cannot reach the app through DNS
  rebinding.
- Every form post carries a CSRF token (double submit: an HttpOnly, SameSite=Strict cookie and the same
  value in a form field or the `X-CSRF-Token` header). Bearer-authenticated requests need none: a browser
  never adds that header by itself.
- Upload names are labels, never paths on this machine; names that try to climb (`..`) or are absolute
  are refused all the same, so a stored source path can never be mistaken for one.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import unicodedata

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from xxgk.web.errors import WebError

SESSION_COOKIE = "xxgk_session"
CSRF_COOKIE = "xxgk_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE = 12 * 3600
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DRIVE = re.compile(r"^[A-Za-z]:")


class InsecureBindError(Exception):
    """Raised when asked to listen beyond loopback without a token; the message is for people."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and `localhost`; anything else (0.0.0.0, a LAN address) is exposed."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    if not is_loopback(host) and not (token and token.strip()):
        raise InsecureBindError(
            f"拒绝在 {host} 上启动：监听本机回环以外的地址时必须设置访问令牌（环境变量 XXGK_TOKEN）。"
        )


def token_matches(given: str | None, token: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())  # type: ignore[union-attr]


def session_secret(token: str | None, fallback: bytes) -> bytes:
    """Derived from the token, so sessions survive a restart and die when the token changes."""
    if not token:
        return fallback
    return hashlib.sha256(b"xxgk-session:" + token.encode()).digest()


class Sessions:
    """Signed, timed session cookies (no server-side state to lose or to share between workers)."""

    def __init__(self, secret: bytes) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="xxgk-session")

    def issue(self) -> str:
        return self._signer.dumps({"auth": True, "n": secrets.token_hex(8)})

    def valid(self, cookie: str | None) -> bool:
        if not cookie:
            return False
        try:
            data = self._signer.loads(cookie, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return False
        return isinstance(data, dict) and data.get("auth") is True


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


async def csrf_protect(request: Request) -> None:
    """FastAPI dependency for every router: unsafe methods must echo the CSRF cookie."""
    if request.method not in UNSAFE_METHODS or request.scope.get("xxgk.bearer"):
        return
    expected = request.cookies.get(CSRF_COOKIE)
    given = request.headers.get(CSRF_HEADER)
    if not given and _is_form(request):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise WebError(403, "安全校验失败（CSRF 令牌缺失或不匹配）：请刷新页面后重试。", "csrf")


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded"))


def safe_upload_name(name: str | None) -> str:
    """The upload's relative name, cleaned; WebError(400) for names that are absolute or climb."""
    raw = unicodedata.normalize("NFC", name or "").replace("\\", "/").strip()
    if not raw:
        raise WebError(400, "上传的文件没有文件名。", "bad_name")
    if any(unicodedata.category(ch) == "Cc" for ch in raw):
        raise WebError(400, "文件名含有控制字符，已拒绝。", "bad_name")
    parts = raw.split("/")
    if raw.startswith("/") or _DRIVE.match(raw) or ".." in parts:
        raise WebError(400, f"文件名“{raw}”含有路径跳转（绝对路径或“..”），已拒绝。", "path_traversal")
    clean = "/".join(p for p in parts if p not in ("", "."))
    if not clean or len(clean) > 1024 or any(len(p) > 255 for p in parts):
        raise WebError(400, "文件名无效或过长。", "bad_name")
    return clean
