"""Record → a report in the national template: docx, html, md or pdf."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xxgk.render.docx import render_docx
from xxgk.render.html import render_html
from xxgk.render.markdown import render_markdown
from xxgk.render.pdf import render_pdf

FORMATS = ("docx", "html", "md", "pdf")


def render(record: dict[str, Any], to: str, out: str | Path) -> Path:
    """Write the report; raises ValueError for an unknown format, MissingExtraError for PDF without LibreOffice."""
    out = Path(out)
    if to == "html":
        out.write_text(render_html(record), encoding="utf-8")
    elif to == "md":
        out.write_text(render_markdown(record), encoding="utf-8")
    elif to == "docx":
        render_docx(record, out)
    elif to == "pdf":
        render_pdf(record, out)
    else:
        raise ValueError(f"unknown format {to!r}; choose one of {', '.join(FORMATS)}")
    return out


__all__ = ["FORMATS", "render", "render_docx", "render_html", "render_markdown", "render_pdf"]
