""".doc / .wps (OLE compound files), RTF and OpenDocument text → DOCX through LibreOffice headless, then
the DOCX reader."""

from __future__ import annotations

import tempfile
from pathlib import Path

from xxgk.errors import MissingExtraError, UnreadableError
from xxgk.ingest.zipped import is_odt
from xxgk.model import Document


def is_rtf(data: bytes) -> bool:
    """RTF by its signature: office systems export "Word" files as RTF, often named .doc."""
    return data.lstrip()[:5] == b"{\\rtf"


# OLE streams naming what a compound file holds when it is no Word document: a DOCX saved with an open
# password is an OLE file around an "EncryptedPackage"; .xls/.et hold a "Workbook", .ppt its own stream.
# A Word document's own "WordDocument" stream wins: it may embed a workbook as an object.
_OLE_REFUSALS = (
    ("EncryptedPackage", "文件已加密（设置了打开密码），请去除密码后再处理"),
    ("Workbook", "这是 Excel 工作簿，不是年度报告文档；请处理报告全文（PDF、Word 或网页）"),
    ("PowerPoint Document", "这是 PowerPoint 演示文稿，不是年度报告文档"),
)


def ole_refusal(data: bytes) -> str | None:
    """Why an OLE compound file is not read as a word-processor document, or None when it is one."""
    if "WordDocument".encode("utf-16-le") in data:
        return None
    return next((why for name, why in _OLE_REFUSALS if name.encode("utf-16-le") in data), None)


def read_office(data: bytes, path: str) -> Document:
    from xxgk.ingest.docx import read_docx
    from xxgk.ingest.libreoffice import convert, soffice

    refusal = ole_refusal(data) if data.startswith(b"\xd0\xcf\x11\xe0") else None
    if refusal:
        raise UnreadableError(path, refusal)
    if soffice() is None:
        raise MissingExtraError(
            path, "读取 .doc/.wps/.rtf/.odt 需要安装 LibreOffice（apt-get install libreoffice-writer-nogui）"
        )
    suffix = ".wps" if path.lower().endswith(".wps") else ".doc"
    if is_rtf(data):  # an RTF or ODT is a word-processor document ("doc") to its users, whatever its name
        suffix = ".rtf"
    elif is_odt(data):
        suffix = ".odt"
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
