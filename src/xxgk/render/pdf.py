"""Record → PDF: the DOCX rendering (row merges drawn as borderless stacks) converted by LibreOffice
headless (one private profile per call)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from xxgk.ingest.libreoffice import convert


def render_pdf(record: dict[str, Any], out: Path) -> None:
    from xxgk.render.docx import render_docx

    with tempfile.TemporaryDirectory(prefix="xxgk-render-") as tmp:
        docx = Path(tmp) / "report.docx"
        render_docx(record, docx, row_merges=False)
        pdf = convert(docx, "pdf", Path(tmp))
        shutil.copyfile(pdf, out)
