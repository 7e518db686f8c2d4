""".doc / .wps (OLE compound files) and RTF → DOCX through LibreOffice headless, then the DOCX reader."""

from __future__ import annotations

import tempfile
from pathlib import Path

from xxgk.errors import MissingExtraError, UnreadableError
from xxgk.model import Document


def is_rtf(data: bytes) -> bool:
    """RTF by its signature: office systems export "Word" files as RTF, often named .doc."""
    return data.lstrip()[:5] == b"{\\rtf"


def read_office(data: bytes, path: str) -> Document:
    from xxgk.ingest.docx import read_docx
    from xxgk.ingest.libreoffice import convert, soffice

    if soffice() is None:
        raise MissingExtraError(
            path, "读取 .doc/.wps/.rtf 需要安装 LibreOffice（apt-get install libreoffice-writer-nogui）"
        )
    suffix = ".wps" if path.lower().endswith(".wps") else ".doc"
    if is_rtf(data):  # an RTF is a word-processor document ("doc") to its users, whatever its name
        suffix = ".rtf"
    with tempfile.TemporaryDirectory(prefix="xxgk-office-") as tmp:
        src = Path(tmp) / ("input" + suffix)
        src.write_bytes(data)
        try:
            out = convert(src, "docx:MS Word 2007 XML", Path(tmp) / "out")
        except MissingExtraError as exc:
            raise UnreadableError(path, "LibreOffice 无法转换该文件（可能已损坏或加密）") from exc
        doc = read_docx(out.read_bytes(), path)
    doc.source.format = "wps" if suffix == ".wps" else "doc"
    return doc
