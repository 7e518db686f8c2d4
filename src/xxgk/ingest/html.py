"""HTML pages from government sites → paragraphs and table grids (lxml).

Spans become empty cells (never copies of the merged value); site chrome (navigation, 字号/打印/关闭,
related links, scripts) is dropped; GB2312/GBK pages are decoded as GB18030, their superset.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

from lxml import etree

from xxgk.errors import UnreadableError
from xxgk.ingest.clean import BLOCK_TAGS, clean_text, is_page_footer
from xxgk.ingest.decode import decode_text
from xxgk.ingest.linked import Fetch, PictureReader, in_folder, page_folder, picture_reader
from xxgk.model import Cell, Document, Paragraph, Provenance, Row, Source, Table

MAX_HTML_BYTES: Final = 20 * 1024 * 1024
MAX_CELLS: Final = 20_000
_CHARSET: Final = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB: Final = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "hz-gb-2312"}
_DROP: Final = (
    "script",
    "style",
    "noscript",
    "iframe",
    "nav",
    "header",
    "footer",
    "form",
    "select",
    "button",
    "head",
)
_CHROME: Final = re.compile(
    r"nav|menu|footer|header|breadcrumb|share|toolbar|sidebar|related|xgxx|fenxiang|dayin", re.I
)
_WS: Final = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def decode_html(data: bytes, path: str) -> str:
    m = _CHARSET.search(data[:4096])
    if m:
        label = m.group(1).decode("ascii", "ignore").lower()
        codec = "gb18030" if label in _GB else label
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, path)


def _is_chrome(el) -> bool:  # type: ignore[no-untyped-def]
    ident = f"{el.get('class', '')} {el.get('id', '')}"
    return bool(ident.strip()) and bool(_CHROME.search(ident)) and el.tag not in ("table", "tr", "td", "th")


def _text(el) -> str:  # type: ignore[no-untyped-def]
    """A cell's text. libxml2's text serialisation, not itertext(): a Python iterator per cell costs
    about five times as much, and most cells are a bare text node with no children at all."""
    raw = (
        (el.text or "") if len(el) == 0 else etree.tostring(el, method="text", encoding=str, with_tail=False)
    )
    if raw.isdigit() or not raw:  # a bare count, or nothing: most cells of the statistics tables
        return raw
    return _WS.sub(" ", raw).strip()


def table_grid(table, table_no: int, line_base: int | None = None) -> Table:  # type: ignore[no-untyped-def]
    """Expand rowspan/colspan into a rectangular grid; spanned positions are empty cells.
    `line_base`: the table sits in a text file (a markdown conversion's HTML table) from that line on,
    so cells point to their line there; on a web page cells are located by table, row and column."""
    taken: dict[tuple[int, int], bool] = {}
    rows: list[Row] = []
    trs = _rows_of(table)
    for r, tr in enumerate(trs):
        row_line = line = _line(tr, line_base)
        cells: list[Cell] = []
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while taken.get((r, c)):
                cells.append(Cell("", Provenance(line, table=table_no, row=r + 1, col=c + 1, x=c)))
                c += 1
            rs, cs = _span(td.get("rowspan")), _span(td.get("colspan"))
            line = _line(td, line_base)
            cells.append(Cell(_text(td), Provenance(line, table=table_no, row=r + 1, col=c + 1, x=c)))
            for dr in range(rs):
                for dc in range(cs):
                    if dr or dc:
                        taken[(r + dr, c + dc)] = True
            for dc in range(1, cs):
                cells.append(
                    Cell(
                        "",
                        Provenance(line, table=table_no, row=r + 1, col=c + dc + 1, x=c + dc),
                        spanned=True,
                    )
                )
            c += cs
            if len(taken) > MAX_CELLS:
                raise ValueError("table too large")
        rows.append(Row(cells, Provenance(row_line, table=table_no, row=r + 1)))
    return Table(rows, Provenance(line_base, table=table_no))


def _line(el, line_base: int | None) -> int | None:  # type: ignore[no-untyped-def]
    """The element's line in the text file holding the table (None on a web page)."""
    return None if line_base is None else line_base + (el.sourceline or 1) - 1


def _rows_of(table) -> list:  # type: ignore[no-untyped-def]
    """The table's own rows, in order, not those of a table nested in a cell (whose text stays in that
    cell). Without nested tables (nearly always) that is every <tr> below; otherwise each row's owner
    decides."""
    if table.find(".//table") is None:
        return list(table.iter("tr"))
    return [tr for tr in table.iter("tr") if _owner(tr) is table]


def _is_wrapper(table) -> bool:  # type: ignore[no-untyped-def]
    """A layout table (no row of two cells: a CMS page that frames the whole article in one cell, the
    statistics tables nested inside): its contents are read as the page's own flow, as a DOCX wrapper
    table is. A data table always has a row of two cells or more."""
    return all(sum(1 for td in tr if td.tag in ("td", "th")) <= 1 for tr in _rows_of(table))


def _owner(tr):  # type: ignore[no-untyped-def]
    el = tr.getparent()
    while el is not None and el.tag != "table":
        el = el.getparent()
    return el


def _span(raw: str | None) -> int:
    if raw is None:  # no rowspan/colspan attribute: nearly every cell
        return 1
    try:
        return max(1, min(int(raw or 1), 50))
    except ValueError:
        return 1


class _Walker:
    """Document order: a table is one block; text in block elements becomes paragraphs. A class, not
    closures: compiled, a method call is native while calling a closure is a generic call, and the
    walk makes one per element."""

    def __init__(self, blocks: list[Paragraph | Table], pictures: PictureReader | None = None) -> None:
        self.blocks = blocks
        self.buf: list[str] = []
        self.tables = 0
        self.pictures: list[str | None] = []  # the article's <img src>, in order
        self.read = pictures

    def picture(self, src: str | None) -> None:
        """A picture in the article: its OCR'd lines where it stands, when it is read (lower confidence)."""
        self.pictures.append(src)
        if self.read is None:
            return
        self.flush()
        for text, conf in self.read(src):
            self.blocks.append(Paragraph(text, Provenance(line=len(self.blocks) + 1, confidence=conf)))

    def flush(self) -> None:
        text = _WS.sub(" ", "".join(self.buf)).strip()
        self.buf.clear()
        for line in text.split("\n"):
            if line.strip() and not is_page_footer(line):
                self.blocks.append(Paragraph(line.strip(), Provenance(line=len(self.blocks) + 1)))

    def visit(self, el) -> None:  # type: ignore[no-untyped-def]
        buf = self.buf
        if not isinstance(el.tag, str) or el.tag in _DROP or _is_chrome(el):
            if el.tail:
                buf.append(el.tail)
            return
        if el.tag == "img":
            self.picture(el.get("src"))
        elif el.tag == "table" and not _is_wrapper(el):
            self.flush()
            self.tables += 1
            self.blocks.append(table_grid(el, self.tables))
        else:
            block = el.tag in BLOCK_TAGS
            if block:
                buf.append("\n")
            buf.append(el.text or "")
            for child in el:
                self.visit(child)
            if block:
                buf.append("\n")
        if el.tail:
            buf.append(el.tail)


_TITLE_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")


def _titled(text: str) -> bool:
    """A heading naming the report and its year; a sentence that mentions 本报告 is not one."""
    named = "报告" in text or "年报" in text
    return named and "。" not in text and len(text) <= 80 and _TITLE_YEAR.search(text) is not None


def _parse(data: bytes, path: str):  # type: ignore[no-untyped-def]
    """The page's root element and the element to walk (its body)."""
    if len(data) > MAX_HTML_BYTES:
        raise UnreadableError(
            path, f"网页过大（{len(data) // 1024 // 1024} MB，上限 {MAX_HTML_BYTES // 1024 // 1024} MB）"
        )
    text = clean_text(decode_html(data, path))
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:  # plain lxml elements: lxml.html's element classes cost a Python lookup per element
        root = etree.fromstring(text, etree.HTMLParser(remove_comments=True, remove_pis=True))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise UnreadableError(path, "网页无法解析") from exc
    if root is None:
        raise UnreadableError(path, "网页无法解析")
    body = root.find("body")
    return root, (body if body is not None else root)


def embedded_blocks(data: bytes, path: str, tables_before: int) -> list[Paragraph | Table]:
    """An HTML document embedded in another (a DOCX's altChunk, what "export to Word" tools write) as
    blocks, its tables numbered after the `tables_before` of the document that holds it."""
    return _walk(_parse(data, path)[1], path, tables_before=tables_before).blocks


def read_html(data: bytes, path: str) -> Document:
    """A web page; its pictures, where its tables are in them, from its own folder."""
    return read_page(data, path, in_folder(page_folder(path)))


def read_page(data: bytes, path: str, fetch: Fetch) -> Document:
    """A web page whose pictures `fetch` finds (in its folder, or in the archive that holds it)."""
    root, top = _parse(data, path)
    meta: dict[str, str] = {}
    walked = _walk(top, path)
    if walked.pictures:
        reader = picture_reader(_all_text(walked.blocks), walked.pictures, fetch, meta)
        if reader is not None:  # the tables are pictures on this machine: read again, OCR'ing them
            walked = _walk(top, path, reader)
    blocks = walked.blocks
    title = root.findtext(".//title")
    if title and not any(isinstance(b, Paragraph) and _titled(b.text) for b in blocks[:30]):
        blocks.insert(0, Paragraph(_WS.sub(" ", title).strip(), Provenance(line=0)))
    source = Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format="html")
    return Document(blocks=blocks, source=source, meta=meta)


def _walk(top, path: str, pictures: PictureReader | None = None, tables_before: int = 0) -> _Walker:  # type: ignore[no-untyped-def]
    walker = _Walker([], pictures)
    walker.tables = tables_before
    try:
        walker.visit(top)
        walker.flush()
    except ValueError as exc:
        raise UnreadableError(path, "网页中的表格过大") from exc
    return walker


def _all_text(blocks: list[Paragraph | Table]) -> str:
    cells = (c.text for b in blocks if isinstance(b, Table) for row in b.rows for c in row.cells)
    return "".join(b.text for b in blocks if isinstance(b, Paragraph)) + "".join(cells)
