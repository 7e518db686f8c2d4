"""登录: only when the app runs with a token (required off loopback). A person enters the token once and
gets a signed session cookie; programs send `Authorization: Bearer <token>` instead."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from xxgk.web.context import PAGE_RESPONSES, Page, respond
from xxgk.web.routes import page_router, state_of
from xxgk.web.security import SESSION_COOKIE, SESSION_MAX_AGE, Sessions, session_secret, token_matches

router = page_router("登录")


def _safe_next(target: str) -> str:
    """Only local paths: `next=https://evil.example` or `//evil.example` must not redirect away."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@router.get("/login", responses=PAGE_RESPONSES, summary="登录页面")
async def login_page(request: Request, next: str = "/") -> Response:
    enabled = bool(state_of(request).settings.token)
    return respond(request, Page("login.html.j2", "登录", {"next": _safe_next(next), "enabled": enabled}))


@router.post("/login", summary="用访问令牌登录，获得会话 Cookie")
async def login(
    request: Request, token: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
) -> Response:
    settings = state_of(request).settings
    if not settings.token or not token_matches(token.strip(), settings.token):
        data = {
            "next": _safe_next(next),
            "enabled": bool(settings.token),
            "error": "访问令牌不正确，请重试。",
        }
        return respond(request, Page("login.html.j2", "登录", data, status=401))
    response = RedirectResponse(_safe_next(next), status_code=303)
    cookie = Sessions(session_secret(settings.token, settings.secret)).issue()
    secure = request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE, cookie, max_age=SESSION_MAX_AGE, httponly=True, samesite="strict", secure=secure
    )
    return response


@router.post("/logout", summary="退出登录")
async def logout(request: Request) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
