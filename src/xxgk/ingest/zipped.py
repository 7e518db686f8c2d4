"""What a ZIP container holds: DOCX, an OpenDocument text, an OFD, a spreadsheet, or an archive of files.

Many formats are ZIP inside. Users hand us all of them under report-like names (OFD is the national
fixed-layout format some sites publish beside or instead of PDF; an .xlsx of the tables; a .zip of a
year's reports), so each gets its own reader or its own reason, never "the DOCX is broken".
"""

from __future__ import annotations

from typing import Final

ODT_MIMETYPE: Final = b"application/vnd.oasis.opendocument.text"

# container kind → the reason it is not read, for kinds no reader takes
REFUSALS: Final = {
    "ofd": "这是 OFD 版式文件，本版本尚不能读取；请用 OFD 阅读器（数科、福昕等）另存为 PDF 后再处理",
    "xlsx": "这是 Excel 工作簿，不是年度报告文档；请处理报告全文（PDF、Word 或网页）",
    "pptx": "这是 PowerPoint 演示文稿，不是年度报告文档",
    "archive": "这是 ZIP 压缩包，不是单个报告；请用 xxgk ingest 处理压缩包（逐个读取其中的报告）",
}


def is_odt(data: bytes) -> bool:
    """An OpenDocument text (.odt, which WPS and LibreOffice save): by the format's own signature, an
    uncompressed first member named `mimetype` holding the media type, read without unzipping."""
    return (
        data.startswith(b"PK\x03\x04") and data[30:38] == b"mimetype" and data[38:80].startswith(ODT_MIMETYPE)
    )


def zip_kind(names: list[str]) -> str:
    """The container's kind from its member names."""
    members = set(names)
    if "word/document.xml" in members or (
        "[Content_Types].xml" in members and any(n.startswith("word/") for n in members)
    ):
        return "docx"
    if "OFD.xml" in members or "ofd.xml" in members:
        return "ofd"
    if "xl/workbook.xml" in members:
        return "xlsx"
    if "ppt/presentation.xml" in members:
        return "pptx"
    return "archive"


def is_document(kind: str) -> bool:
    """A single document (read or refused as one), not an archive of files to open one by one."""
    return kind != "archive"
