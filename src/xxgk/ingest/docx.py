"""DOCX → paragraphs and table grids, read from the WordprocessingML body in document order.

Merged cells (gridSpan, vMerge continuation) become empty cells, never copies; automatic list numbering
(一、 （一） 1.) is rendered from numbering.xml, because section and row labels rely on it; headers and
footers are not part of the body and so are ignored. A 1-column wrapper table is read as body text.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from typing import Any, Final

from lxml import etree

from xxgk.errors import UnreadableError
from xxgk.ingest.clean import clean_text
from xxgk.ingest.numbering import Numbering, read_part
from xxgk.ingest.zipped import REFUSALS, zip_kind
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
    names = zf.namelist()
    if "word/document.xml" not in names:
        raise UnreadableError(
            path, REFUSALS.get(zip_kind(names), "ZIP 文件中没有 Word 文档内容（word/document.xml）")
        )
    return zf


_T: Final = f"{W}t"
_TAB: Final = f"{W}tab"
_BR: Final = f"{W}br"
_CR: Final = f"{W}cr"
_P: Final = f"{W}p"
_TC: Final = f"{W}tc"
_TR: Final = f"{W}tr"
_TBL: Final = f"{W}tbl"
_NUMPR: Final = f"{W}numPr"
_SPAN: Final = f"{W}gridSpan"
_VMERGE: Final = f"{W}vMerge"
_VAL: Final = f"{W}val"
_R: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_BLIP: Final = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"  # a picture (DrawingML)
_IMAGEDATA: Final = "{urn:schemas-microsoft-com:vml}imagedata"  # a picture (VML, older documents)
_ALTCHUNK: Final = f"{W}altChunk"  # a whole document embedded (HTML, MHT) where it stands
_TAGS: Final = (_P, _T, _TAB, _BR, _CR, _TC, _TR, _TBL, _NUMPR, _SPAN, _VMERGE, _BLIP, _IMAGEDATA, _ALTCHUNK)
PictureReader = Callable[[str], list[tuple[str, float]]]


class _Para:
    """A paragraph: its runs' text, and paragraphs or tables of text boxes inside it, in order."""

    __slots__ = ("chunk", "el", "num_pr", "parts", "pictures", "prefix")

    def __init__(self, el: Any) -> None:
        self.el: Any = el
        self.chunk = ""  # the relationship id of the document embedded here (w:altChunk)
        self.num_pr: Any = None  # its own w:numPr
        self.prefix = ""  # the list number Word shows, once numbered
        self.parts: list[str | _Para | _Tbl] = []
        self.pictures: list[str] = []  # relationship ids of the pictures it holds

    def text(self) -> str:
        return self.prefix + "".join(p if isinstance(p, str) else _flat(p) for p in self.parts)


class _Cell:
    """A table cell (or the body): its paragraphs and tables in order; span and merge."""

    __slots__ = ("cont", "el", "items", "span")

    def __init__(self, el: Any) -> None:
        self.el: Any = el
        self.span, self.cont = 1, False
        self.items: list[_Para | _Tbl] = []


class _Row:
    __slots__ = ("cells",)

    def __init__(self) -> None:
        self.cells: list[_Cell] = []


class _Tbl:
    __slots__ = ("rows",)

    def __init__(self) -> None:
        self.rows: list[_Row] = []


def _flat(item: _Para | _Tbl) -> str:
    """The text of a text box's paragraph or table, run into the paragraph that holds it."""
    if isinstance(item, _Para):
        return item.text()
    return "".join(_flat(i) for row in item.rows for cell in row.cells for i in cell.items)


def _structure(body: Any) -> tuple[_Cell, list[_Para]]:
    """The body as nested paragraphs, tables, rows and cells, from one pass over the elements that
    matter (lxml's iter() filters by tag in C: no proxy and no Python step for run properties and the
    like). Each element's container is its nearest ancestor already seen; a run's text belongs to the
    paragraph begun last, which is exact because a text box's paragraphs run into their paragraph.
    Returns the body and its paragraphs in document order (for numbering)."""
    root = _Cell(body)
    owners: dict[Any, Any] = {body: root}
    order: list[_Para] = []
    para: _Para | None = None
    cell: _Cell | None = None
    for el in body.iter(_TAGS):
        tag = el.tag  # most frequent first
        if tag == _T:
            if para is not None:
                para.parts.append(el.text or "")
        elif tag == _P:
            para = _Para(el)
            _place(el, para, owners)
            order.append(para)
        elif tag == _TC:
            row_of = _owner(el, owners)
            if isinstance(row_of, _Row):
                owners[el] = cell = _Cell(el)
                row_of.cells.append(cell)
        elif tag == _TR:
            table = _owner(el, owners)
            if isinstance(table, _Tbl):
                owners[el] = row = _Row()
                table.rows.append(row)
        elif tag == _TBL:
            _place(el, _Tbl(), owners)
        elif tag in (_TAB, _BR, _CR):
            if para is not None:
                para.parts.append(" " if tag == _TAB else "\n")
        elif tag == _ALTCHUNK:
            para = _chunk(el, owners)
        elif tag in (_BLIP, _IMAGEDATA):
            if para is not None:
                para.pictures.append(el.get(f"{_R}embed") or el.get(f"{_R}id") or "")
        else:
            _property(el, para, cell)
    return root, order


def _place(el: Any, item: _Para | _Tbl, owners: dict[Any, Any]) -> None:
    """Put a paragraph or table into its container: a cell, the body, or a paragraph (a text box)."""
    owner = _owner(el, owners)
    if isinstance(owner, _Para):
        owner.parts.append(item)
    elif isinstance(owner, _Cell):
        owner.items.append(item)
    owners[el] = item


def _chunk(el: Any, owners: dict[Any, Any]) -> _Para:
    """An embedded document (w:altChunk), placed as an empty paragraph that names it."""
    para = _Para(el)
    para.chunk = el.get(f"{_R}id") or ""
    _place(el, para, owners)
    return para


def _owner(el: Any, owners: dict[Any, Any]) -> Any:
    parent = el.getparent()
    while parent is not None and parent not in owners:
        parent = parent.getparent()
    return owners.get(parent) if parent is not None else None


def _property(el: Any, para: _Para | None, cell: _Cell | None) -> None:
    """w:numPr of the paragraph, w:gridSpan / w:vMerge of the cell — their own (pPr / tcPr directly
    under them), not a tracked change's record of former ones."""
    tag = el.tag
    props = el.getparent()
    holder = props.getparent() if props is not None else None
    if tag == _NUMPR:
        if para is not None and holder is para.el:
            para.num_pr = el
    elif cell is not None and holder is cell.el:
        if tag == _SPAN:
            try:
                cell.span = max(1, min(int(el.get(_VAL, "1")), 50))
            except ValueError:
                cell.span = 1
        else:
            cell.cont = el.get(_VAL, "continue") != "restart"


class _Emitter:
    """Paragraphs and grids into blocks: a layout wrapper (no row of two cells) gives back its contents
    as body text; a data table becomes a grid, followed by the tables nested in its cells."""

    def __init__(
        self, pictures: PictureReader | None = None, zf: zipfile.ZipFile | None = None, path: str = ""
    ) -> None:
        self.blocks: list[Paragraph | Table] = []
        self.tables = 0
        self.pictures = pictures
        self.zf, self.path = zf, path

    def items(self, items: list[_Para | _Tbl]) -> None:
        for item in items:
            if isinstance(item, _Para):
                self.paragraph(item.text())
                self.picture_text(item)
                if item.chunk:
                    self.embedded(item.chunk)
            else:
                self.table(item)

    def embedded(self, rid: str) -> None:
        """The blocks of the HTML or MHT document embedded here (w:altChunk); other kinds are skipped."""
        from xxgk.ingest.html import embedded_blocks
        from xxgk.ingest.mime import chunk_html

        target = _relationships(self.zf).get(rid) if self.zf is not None else None
        try:
            html = chunk_html(self.zf.read(target)) if self.zf is not None and target else None
        except KeyError:  # a relationship to a part the package lacks
            html = None
        if html is None:
            return
        blocks = embedded_blocks(html, self.path, self.tables)
        self.tables += sum(isinstance(b, Table) for b in blocks)
        for block in blocks:
            if isinstance(block, Paragraph):  # numbered in this document's sequence
                block = Paragraph(block.text, Provenance(line=len(self.blocks) + 1))
            self.blocks.append(block)

    def picture_text(self, para: _Para) -> None:
        """The OCR'd lines of the paragraph's pictures, where they stand (lower confidence)."""
        read = self.pictures
        if read is None:
            return
        for rid in para.pictures:
            for text, conf in read(rid):
                self.blocks.append(Paragraph(text, Provenance(line=len(self.blocks) + 1, confidence=conf)))

    def paragraph(self, text: str) -> None:
        for line in clean_text(text).split("\n"):
            if line.strip():
                self.blocks.append(Paragraph(line.strip(), Provenance(line=len(self.blocks) + 1)))

    def table(self, table: _Tbl) -> None:
        if all(len(row.cells) <= 1 for row in table.rows):
            for row in table.rows:
                for cell in row.cells:
                    self.items(cell.items)
            return
        self.tables += 1
        no = self.tables
        rows: list[Row] = []
        for r, row in enumerate(table.rows, 1):
            out: list[Cell] = []
            for cell in row.cells:
                col = len(out)
                out.append(
                    Cell("" if cell.cont else _cell_text(cell), Provenance(None, None, no, r, col + 1, col))
                )
                for k in range(1, cell.span):
                    out.append(Cell("", Provenance(None, None, no, r, col + k + 1, col + k), spanned=True))
            rows.append(Row(out, Provenance(table=no, row=r)))
        self.blocks.append(Table(rows, Provenance(table=no)))
        for row in table.rows:
            for cell in row.cells:
                for item in cell.items:
                    if isinstance(item, _Tbl):
                        self.table(item)


def _cell_text(cell: _Cell) -> str:
    texts = (item.text().strip() for item in cell.items if isinstance(item, _Para))
    return clean_text("\n".join(t for t in texts if t))


def read_docx(data: bytes, path: str) -> Document:
    zf = check_zip(data, path)
    try:
        root = etree.fromstring(
            read_part(zf, "word/document.xml"),
            parser=etree.XMLParser(resolve_entities=False, huge_tree=False),
        )
    except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile) as exc:
        raise UnreadableError(path, "DOCX 内容已损坏，无法解析") from exc
    body = root.find(f"{W}body")
    if body is None:
        raise UnreadableError(path, "DOCX 中没有正文")
    structure, paragraphs = _structure(body)
    _number(paragraphs, zf, path)
    meta: dict[str, str] = {}
    pictures = sum(len(p.pictures) for p in paragraphs)
    emitter = _Emitter(_picture_reader(zf, body, meta, pictures) if pictures else None, zf, path)
    emitter.items(structure.items)
    source = Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format="docx")
    return Document(blocks=emitter.blocks, source=source, meta=meta)


def _picture_reader(zf: zipfile.ZipFile, body: Any, meta: dict[str, str], count: int) -> PictureReader | None:
    """OCR for the document's pictures where `read_pictures` wants it (`meta["pictures"]`: how many
    went unread without the extra)."""
    from xxgk.ingest.ocr import picture_lines, read_pictures

    if not read_pictures("".join(body.itertext()), meta, "pictures", str(count)):
        return None
    targets = _relationships(zf)

    def read(rid: str) -> list[tuple[str, float]]:
        try:
            return picture_lines(zf.read(targets[rid]))
        except KeyError:  # no such relationship, or no such part in the container
            return []

    return read


def _relationships(zf: zipfile.ZipFile) -> dict[str, str]:
    """Relationship id → the part it points to inside the container (word/media/image1.png)."""
    try:
        rels = etree.fromstring(
            zf.read("word/_rels/document.xml.rels"), parser=etree.XMLParser(resolve_entities=False)
        )
    except (KeyError, etree.XMLSyntaxError):
        return {}
    out: dict[str, str] = {}
    for rel in rels:
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External" and target:
            out[rel.get("Id", "")] = target.lstrip("/") if target.startswith("/") else f"word/{target}"
    return out


def _number(paragraphs: list[_Para], zf: zipfile.ZipFile, path: str) -> None:
    """List numbers, in document order as Word counts; numbering.xml is read only when a paragraph is
    numbered (most reports number nothing, and the file is as large as a short report's body)."""
    if all(p.num_pr is None for p in paragraphs):
        return
    try:
        numbering = Numbering.from_zip(zf)
    except (etree.XMLSyntaxError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UnreadableError(path, "DOCX 内容已损坏，无法解析") from exc
    for p in paragraphs:
        p.prefix = numbering.prefix(p.num_pr)
