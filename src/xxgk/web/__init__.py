"""The web app (`xxgk serve`): FastAPI + server-rendered Jinja2 pages + htmx, ECharts charts.

Only this package and `xxgk.cli` import FastAPI; everything else stays usable without a web stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(*args: Any, **kwargs: Any) -> FastAPI:
    """See `xxgk.web.app.create_app` (imported lazily so `import xxgk.web` stays cheap)."""
    from xxgk.web.app import create_app as build

    return build(*args, **kwargs)


__all__ = ["create_app"]
