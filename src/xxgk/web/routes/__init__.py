"""One module per page; each exposes `router`. Every router checks CSRF on form posts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from xxgk.web.security import csrf_protect
from xxgk.web.state import WebState


def page_router(tag: str) -> APIRouter:
    return APIRouter(tags=[tag], dependencies=[Depends(csrf_protect)])


def state_of(request: Request) -> WebState:
    return request.app.state.xxgk
