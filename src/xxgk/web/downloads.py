"""Files the app hands out: record JSON, XLSX, rendered DOCX/HTML, corpus exports.

Each is written to a private temporary folder, read back and deleted before the response leaves, so no
download path is ever built from user input and nothing accumulates on disk.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from starlette.responses import Response

MEDIA_TYPES = {
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}


def attachment(content: bytes, filename: str, ext: str) -> Response:
    """A download with an ASCII fallback name and the real (possibly Chinese) name per RFC 6266."""
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in filename)
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        content,
        media_type=MEDIA_TYPES.get(ext, "application/octet-stream"),
        headers={"content-disposition": disposition},
    )


def produce(write: Callable[[Path], object], ext: str) -> bytes:
    """Run `write(path)` on a fresh temporary path and return the bytes it wrote."""
    with tempfile.TemporaryDirectory(prefix="xxgk-dl-") as tmp:
        path = Path(tmp) / f"out.{ext}"
        write(path)
        return path.read_bytes()


def report_filename(agency: str | None, year: int | None, ext: str) -> str:
    """“郑州市公安局2021年政府信息公开工作年度报告.docx”, with characters unsafe in file names removed."""
    base = f"{agency or '报告'}{year or ''}年政府信息公开工作年度报告" if year else f"{agency or '报告'}"
    safe = "".join(ch for ch in base if ch not in '\\/:*?"<>|\r\n\t')[:120]
    return f"{safe or 'report'}.{ext}"
