"""Record → HTML page in the national template (Jinja2, autoescaped: report text is untrusted)."""

from __future__ import annotations

from functools import cache
from typing import Any

from xxgk.render.document import override_note, parts, preamble, title


@cache
def _env():  # type: ignore[no-untyped-def]
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("xxgk.render", "templates"), autoescape=select_autoescape(["html", "j2"])
    )


def render_html(record: dict[str, Any]) -> str:
    template = _env().get_template("report.html.j2")
    return template.render(
        title=title(record), preamble=preamble(record), parts=parts(record), override=override_note(record)
    )
