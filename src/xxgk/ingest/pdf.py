"""PDF with a text layer → positioned lines, through pypdfium2's character boxes.

Each visual line becomes a paragraph whose text places every cell at a character column proportional
to its x position — the shape `pdftotext -layout` gives — so PDF tables flow through the same
extraction as layout text: rows by label, blank cells by column position, tables continued across
pages simply continue. Page numbers go into provenance; page footers (-3-) are dropped.
"""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from xxgk.errors import MissingExtraError, UnreadableError
from xxgk.ingest.clean import clean_text, is_page_footer
from xxgk.model import Document, Paragraph, Provenance, Source

MAX_PAGES = 200
MIN_CHARS_PER_PAGE = 20  # fewer on every page: a scan without a text layer


@dataclass(slots=True)
class Glyph:
    """A positioned piece of text: one character of a text layer, or one OCR box (PDF points, y up)."""

    ch: str
    left: float
    right: float
    bottom: float
    top: float
    confidence: float = 1.0


def _glyphs(textpage) -> list[Glyph]:  # type: ignore[no-untyped-def]
    """Tokens of the text layer (runs pdfium separates by spaces or line breaks) with their boxes.

    One box query per end of a token instead of per character (each query is a ctypes call, the
    bulk of reading a page): the tokens are what cells are made of, and pdfium already breaks runs at
    visual gaps. A one-character token — most counts in the tables — takes one query.
    """
    n = textpage.count_chars()
    text = textpage.get_text_range(0, n) if n else ""
    out: list[Glyph] = []
    i, end = 0, min(len(text), n)
    while i < end:
        if text[i].isspace():
            i += 1
            continue
        j = i
        while j < end and not text[j].isspace():
            j += 1
        left, bottom, right, top = first = textpage.get_charbox(i)
        last = textpage.get_charbox(j - 1) if j - 1 > i else first  # one character: one query
        if j - 1 > i and abs((last[1] + last[3]) - (bottom + top)) > (top - bottom):
            for k in range(i, j):  # a run pdfium did not break although it changes line: per character
                box = textpage.get_charbox(k)
                out.append(Glyph(text[k], box[0], box[2], box[1], box[3]))
        else:
            out.append(Glyph(text[i:j], left, max(right, last[2]), min(bottom, last[1]), max(top, last[3])))
        i = j
    return [g for g in out if g.right - g.left > 0 or g.top - g.bottom > 0]


@dataclass(slots=True)
class _Line:
    lo: float
    hi: float
    members: list[Glyph]


def _window(lines: list[_Line], centre: float, reach: float) -> int:
    """Index of the first line that could still overlap a glyph at `centre` (lines run top down)."""
    start = len(lines)
    while start > 0 and (lines[start - 1].lo + lines[start - 1].hi) / 2 - centre <= reach:
        start -= 1
    return start


def group_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Group glyphs into visual lines: a glyph joins the first line whose vertical span overlaps its own
    by half.

    Glyphs come top to bottom, so only the last few lines can overlap a glyph: those whose centre lies
    within half the tallest line plus half the glyph. Scanning just those keeps a dense page linear.
    """
    lines: list[_Line] = []
    tallest = 0.0
    for g in sorted(glyphs, key=lambda g: (-(g.top + g.bottom) / 2, g.left)):
        h = max(g.top - g.bottom, 1.0)
        start = _window(lines, (g.top + g.bottom) / 2, (tallest + h) / 2)
        for line in lines[start:]:
            if min(line.hi, g.top) - max(line.lo, g.bottom) > 0.5 * min(h, line.hi - line.lo):
                line.members.append(g)
                line.lo, line.hi = min(line.lo, g.bottom), max(line.hi, g.top)
                tallest = max(tallest, line.hi - line.lo)
                break
        else:
            lines.append(_Line(g.bottom, g.top, [g]))
            tallest = max(tallest, h)
    ordered = sorted(lines, key=lambda t: -(t.lo + t.hi) / 2)
    return [sorted(line.members, key=lambda g: g.left) for line in ordered]


def layout_line(line: list[Glyph], unit: float) -> str:
    """Cells (glyph runs split at wide gaps) placed at columns ∝ x; at least two spaces between cells.

    A run is placed so that its middle character sits at its middle on the page: a CJK character is
    two columns wide on the page (the unit is half of one) but one in the text, so a run placed by its
    left edge would put the middle of a header word (社会公/益组织) left of the numbers under it."""
    heights = [g.top - g.bottom for g in line if g.top > g.bottom]
    gap_min = 0.6 * (statistics.median(heights) if heights else 10.0)
    out = ""
    prev: Glyph | None = None
    for g in line:
        start = max(round((g.left + g.right) / (2 * unit) - len(g.ch) / 2), 0)
        if prev is not None and g.left - prev.right > gap_min:
            col = max(start, len(out) + 2)
            out += " " * (col - len(out))
        elif prev is None:
            out += " " * start
        out += g.ch
        prev = g
    return out


def _open(data: bytes, path: str):  # type: ignore[no-untyped-def]
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingExtraError(path, "读取 PDF 需要 pypdfium2（pip install pypdfium2）") from exc
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise UnreadableError(path, "PDF 已加密，需要密码才能打开") from exc
        raise UnreadableError(path, "PDF 文件已损坏或格式不正确") from exc


Grouper = Callable[[list[Glyph]], list[list[Glyph]]]


def char_unit(pages: list[list[Glyph]]) -> float:
    """Half the median width of a CJK glyph over the whole document: one text column.

    One unit for every page, so a table continued on a page of prose (wider glyphs) keeps the same
    columns as on its first page: a per-page unit shifted columns and made blank cells look like
    their neighbours' numbers.
    """
    widths = [
        (g.right - g.left) / len(g.ch)
        for glyphs in pages
        for g in glyphs
        if any("\u4e00" <= c <= "\u9fff" for c in g.ch)
    ]
    return (statistics.median(widths) if widths else 10.0) / 2


def add_page_lines(
    blocks: list[Paragraph], glyphs: list[Glyph], page_no: int, unit: float, grouper: Grouper = group_lines
) -> None:
    """One page's glyphs (or OCR boxes) → layout paragraphs; page footers dropped.

    `grouper` builds the visual lines: `group_lines` for a text layer, the OCR row grouping for a scan.
    """
    for line in grouper(glyphs):
        text = clean_text(layout_line(line, unit)).rstrip()
        if text.strip() and not is_page_footer(text):
            conf = min(g.confidence for g in line)
            blocks.append(Paragraph(text, Provenance(line=len(blocks) + 1, page=page_no, confidence=conf)))


def read_pdf(data: bytes, path: str) -> Document:
    pdf = _open(data, path)
    try:
        if len(pdf) == 0:
            raise UnreadableError(path, "PDF 没有页面")
        if len(pdf) > MAX_PAGES:
            raise UnreadableError(path, f"PDF 页数过多（{len(pdf)} 页，上限 {MAX_PAGES} 页）")
        pages = [_glyphs(pdf[n].get_textpage()) for n in range(len(pdf))]
        groupers: list[Grouper] = [group_lines] * len(pages)
        meta: dict[str, str] = {}
        if not any(len(g) >= MIN_CHARS_PER_PAGE for g in pages):
            from xxgk.ingest.ocr import group_rows, ocr_pages  # a scan: no text layer on any page

            pages, fmt, groupers = ocr_pages(pdf, path), "pdf-ocr", [group_rows] * len(pages)
        else:
            fmt = _read_pictured_pages(pdf, pages, groupers, meta)
        blocks: list[Paragraph] = []
        unit = char_unit(pages)
        for page_no, (glyphs, grouper) in enumerate(zip(pages, groupers, strict=True), 1):
            add_page_lines(blocks, glyphs, page_no, unit, grouper)
    finally:
        pdf.close()
    source = Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format=fmt)
    return Document(blocks=list(blocks), source=source, meta=meta)


def _read_pictured_pages(pdf, pages: list[list[Glyph]], groupers: list[Grouper], meta: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    """Pages of a text PDF that hold a picture and (almost) no text — a table pasted as a screenshot, or
    scanned pages bound in — when the text lacks a statistics table (a last page holding the signature
    and a seal is not read). They are read by OCR when it is installed (the format becomes pdf-ocr);
    without it their numbers go to `meta["image_pages"]`, for the audit to say why tables are missing."""
    pictured = [n for n, g in enumerate(pages) if len(g) < MIN_CHARS_PER_PAGE and _has_picture(pdf[n])]
    if not pictured:
        return "pdf"
    from xxgk.ingest.ocr import group_rows, ocr_page, read_pictures

    text = "".join(g.ch for glyphs in pages for g in glyphs)
    if not read_pictures(text, meta, "image_pages", ",".join(str(n + 1) for n in pictured)):
        return "pdf"
    for n in pictured:
        pages[n], groupers[n] = ocr_page(pdf[n]), group_rows
    return "pdf-ocr"


def _has_picture(page) -> bool:  # type: ignore[no-untyped-def]
    import pypdfium2.raw as pdfium_c

    return next(iter(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))), None) is not None
