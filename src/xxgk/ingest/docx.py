"""DOCX → paragraphs and table grids, read from the WordprocessingML body in document order.

Merged cells (gridSpan, vMerge continuation) become empty cells, never copies; automatic list numbering
(一、 （一） 1.) is rendered from numbering.xml, because section and row labels rely on it; headers and
footers are not part of the body and so are ignored. A 1-column wrapper table is read as body text.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any, Final

from xxgk.errors import UnreadableError
from xxgk.ingest.clean import clean_text
from xxgk.ingest.numbering import Numbering
from xxgk.model import Cell, Document, Paragraph, Provenance, Row, Source, Table

W: Final = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_UNZIPPED: Final = 200 * 1024 * 1024
MAX_RATIO: Final = 200


def check_zip(data: bytes, path: str) -> zipfile.ZipFile:
    """Open the container, refusing zip bombs before anything is decompressed."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableError(path, "文件已损坏（不是有效的 ZIP/DOCX 容器）") from exc
    total = sum(i.file_size for i in zf.infolist())
    packed = max(sum(i.compress_size for i in zf.infolist()), 1)
    if total > MAX_UNZIPPED or total / packed > MAX_RATIO:
        raise UnreadableError(path, "DOCX 解压后体积异常（疑似压缩炸弹），已拒绝处理")
    if "word/document.xml" not in zf.namelist():
        raise UnreadableError(path, "ZIP 文件中没有 Word 文档内容（word/document.xml）")
    return zf


_T: Final = f"{W}t"
_TAB: Final = f"{W}tab"
_BR: Final = f"{W}br"
_CR: Final = f"{W}cr"
_P: Final = f"{W}p"
_TC: Final = f"{W}tc"
_TR: Final = f"{W}tr"
_TBL: Final = f"{W}tbl"
_TCPR: Final = f"{W}tcPr"
_SPAN: Final = f"{W}gridSpan"
_VMERGE: Final = f"{W}vMerge"
_VAL: Final = f"{W}val"


def _para_text(p, numbering: Numbering) -> str:  # type: ignore[no-untyped-def]
    parts: list[str] = [numbering.prefix(p)]
    for node in p.iter(_T, _TAB, _BR, _CR):
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        else:
            parts.append(" " if tag == _TAB else "\n")
    return "".join(parts)


def _cell(tc, numbering: Numbering) -> tuple[str, int, bool]:  # type: ignore[no-untyped-def]
    """(text, gridSpan, is a vertical-merge continuation), from one pass over the cell's children:
    lxml's find() goes through ElementPath, several times slower than walking the children."""
    paras: list[str] = []
    span, cont = 1, False
    for child in tc:
        tag = child.tag
        if tag == _P:
            text = _para_text(child, numbering).strip()
            if text:
                paras.append(text)
        elif tag == _TCPR:
            for prop in child:
                if prop.tag == _SPAN:
                    try:
                        span = max(1, min(int(prop.get(_VAL, "1")), 50))
                    except ValueError:
                        span = 1
                elif prop.tag == _VMERGE:
                    cont = prop.get(_VAL, "continue") != "restart"
    return "\n".join(paras), span, cont


class _Reader:
    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.blocks: list[Paragraph | Table] = []
        self.tables = 0

    def body(self, parent) -> None:  # type: ignore[no-untyped-def]
        for child in parent:
            if child.tag == _P:
                for line in clean_text(_para_text(child, self.numbering)).split("\n"):
                    if line.strip():
                        self.blocks.append(Paragraph(line.strip(), Provenance(line=len(self.blocks) + 1)))
            elif child.tag == _TBL:
                self.table(child)
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    self.body(content)

    def table(self, tbl) -> None:  # type: ignore[no-untyped-def]
        trs = [[tc for tc in tr if tc.tag == _TC] for tr in tbl if tr.tag == _TR]
        if all(len(tcs) <= 1 for tcs in trs):  # a layout wrapper, not a data table
            for tc in (tc for tcs in trs for tc in tcs):
                self.body(tc)
            return
        self.tables += 1
        rows: list[Row] = []
        nested: list[Any] = []
        for r, tcs in enumerate(trs, 1):
            cells: list[Cell] = []
            for tc in tcs:
                text, span, cont = _cell(tc, self.numbering)
                col = len(cells)
                cells.append(
                    Cell(
                        "" if cont else clean_text(text), Provenance(None, None, self.tables, r, col + 1, col)
                    )
                )
                cells.extend(
                    Cell("", Provenance(None, None, self.tables, r, col + k + 1, col + k))
                    for k in range(1, span)
                )
                nested.extend(child for child in tc if child.tag == _TBL)
            rows.append(Row(cells, Provenance(table=self.tables, row=r)))
        self.blocks.append(Table(rows, Provenance(table=self.tables)))
        for inner in nested:
            self.table(inner)


def read_docx(data: bytes, path: str) -> Document:
    zf = check_zip(data, path)
    from lxml import etree

    try:
        root = etree.fromstring(
            zf.read("word/document.xml"), parser=etree.XMLParser(resolve_entities=False, huge_tree=False)
        )
        numbering = Numbering.from_zip(zf)
    except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile) as exc:
        raise UnreadableError(path, "DOCX 内容已损坏，无法解析") from exc
    body = root.find(f"{W}body")
    if body is None:
        raise UnreadableError(path, "DOCX 中没有正文")
    reader = _Reader(numbering)
    reader.body(body)
    source = Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format="docx")
    return Document(blocks=reader.blocks, source=source)
