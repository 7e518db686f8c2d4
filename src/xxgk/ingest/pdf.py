"""PDF with a text layer → positioned lines, through pypdfium2's character boxes.

Each visual line becomes a paragraph whose text places every cell at a character column proportional
to its x position — the shape `pdftotext -layout` gives — so PDF tables flow through the same
extraction as layout text: rows by label, blank cells by column position, tables continued across
pages simply continue. Page numbers go into provenance; page footers (-3-) are dropped.
"""

from __future__ import annotations

import hashlib
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

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


def _glyphs(textpage) -> tuple[list[Glyph], bool]:  # type: ignore[no-untyped-def]
    """Tokens of the text layer (runs pdfium separates by spaces or line breaks) with their boxes.

    One box query per end of a token instead of per character (each query is a ctypes call, the
    bulk of reading a page): the tokens are what cells are made of, and pdfium already breaks runs at
    visual gaps. A one-character token — most counts in the tables — takes one query.
    """
    n = textpage.count_chars()
    text = textpage.get_text_range(0, n) if n else ""
    frame = _reading_frame(textpage, text)
    charbox = textpage.get_charbox if frame is None else lambda i: frame(textpage.get_charbox(i))
    out: list[Glyph] = []
    i, end = 0, min(len(text), n)
    while i < end:
        if text[i].isspace():
            i += 1
            continue
        j = i
        while j < end and not text[j].isspace():
            j += 1
        left, bottom, right, top = first = charbox(i)
        last = charbox(j - 1) if j - 1 > i else first  # one character: one query
        if j - 1 > i and abs((last[1] + last[3]) - (bottom + top)) > (top - bottom):
            for k in range(i, j):  # a run pdfium did not break although it changes line: per character
                box = charbox(k)
                out.append(Glyph(text[k], box[0], box[2], box[1], box[3]))
        else:
            out.append(Glyph(text[i:j], left, max(right, last[2]), min(bottom, last[1]), max(top, last[3])))
        i = j
    glyphs = _drawn_once([g for g in out if g.right - g.left > 0 or g.top - g.bottom > 0])
    return glyphs, frame is None and _cut_at_the_edge(glyphs, textpage.page.get_cropbox())


def _cut_at_the_edge(glyphs: list[Glyph], box: Box) -> bool:
    """Whether a run of text crosses the page's left or right edge: the page was laid out wider than it
    is printed (a table wider than its page), and what lies beyond the edge is not in the document."""
    left, _, right, _ = box
    return any(
        g.left < right - 1 < right + 1 < g.right or g.left < left - 1 < left + 1 < g.right for g in glyphs
    )


def _drawn_once(glyphs: list[Glyph]) -> list[Glyph]:
    """The glyphs without those drawn again over themselves: bold faked by printing a run twice, a
    hair apart, gives the text layer every character twice ('洪泽区洪泽区'; 21 read as 2121). A repeat is
    the same text whose box lies within a point of an earlier one's; cells with equal numbers stand a
    column apart. Glyphs are bucketed by centre (two-point cells), so a page is checked in linear time;
    a page where no two glyphs of the same text share a rounded position (nearly every page: a layer
    drawn twice gives many that do) is returned as it is, at the cost of one set."""
    if len({(g.ch, round(g.left), round(g.bottom)) for g in glyphs}) == len(glyphs):
        return glyphs
    seen: dict[tuple[str, int, int], Glyph] = {}
    out: list[Glyph] = []
    for g in glyphs:
        x, y = int((g.left + g.right) // 4), int((g.bottom + g.top) // 4)
        if any(_repeats(g, seen.get((g.ch, x + dx, y + dy))) for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
            continue
        seen[(g.ch, x, y)] = g
        out.append(g)
    return out


def _repeats(g: Glyph, earlier: Glyph | None) -> bool:
    return (
        earlier is not None
        and abs(g.left - earlier.left) <= 1
        and abs(g.right - earlier.right) <= 1
        and abs(g.bottom - earlier.bottom) <= 1
        and abs(g.top - earlier.top) <= 1
    )


Box = tuple[float, float, float, float]  # left, bottom, right, top


def _reading_frame(textpage, text: str) -> Callable[[Box], Box] | None:  # type: ignore[no-untyped-def]
    """How to turn the page's boxes so its text reads left to right, top down; None when it already
    does. A landscape table printed through a virtual printer keeps a portrait page: its text is drawn
    turned a quarter and the page's /Rotate turns it back for the eye, so in the page's own coordinates
    a table row runs up or down the page. The turn is that of most characters (a sample of a dozen),
    in quarters clockwise as pdfium measures angles."""
    import pypdfium2.raw as pdfium_c

    end = min(len(text), textpage.count_chars())
    sample = [i for i in range(0, end, max(end // 12, 1)) if not text[i].isspace()]
    quarters = Counter(
        round(angle / (math.pi / 2)) % 4
        for i in sample
        if (angle := pdfium_c.FPDFText_GetCharAngle(textpage.raw, i)) >= 0
    )
    turn = quarters.most_common(1)[0][0] if quarters else 0
    if turn == 0:
        return None
    page_left, page_bottom, page_right, page_top = textpage.page.get_cropbox()
    if turn == 3:  # text runs up the page: lines follow one another to the right
        return lambda b: (b[1] - page_bottom, page_right - b[2], b[3] - page_bottom, page_right - b[0])
    if turn == 1:  # text runs down the page: lines follow one another to the left
        return lambda b: (page_top - b[3], b[0] - page_left, page_top - b[1], b[2] - page_left)
    return lambda b: (page_right - b[2], page_top - b[3], page_right - b[0], page_top - b[1])  # upside down


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
    ordered = _absorb_thin_lines(sorted(lines, key=lambda t: -(t.lo + t.hi) / 2))
    return [sorted(line.members, key=lambda g: g.left) for line in ordered]


def _absorb_thin_lines(ordered: list[_Line]) -> list[_Line]:
    """A line whose whole span lies inside a neighbour's is part of it: a thin glyph (一, a dash) met
    before its line had grown past a high one (the opening quote of “三安全一稳定”) started a line
    of its own, and 3.危及“三安全一稳定” lost its 一."""
    out: list[_Line] = []
    for line in ordered:
        if out and _inside(line, out[-1]):
            out[-1].members += line.members
        elif out and _inside(out[-1], line):
            line.members += out[-1].members
            out[-1] = line
        else:
            out.append(line)
    return out


def _inside(inner: _Line, outer: _Line) -> bool:
    return outer.lo <= inner.lo and inner.hi <= outer.hi and (inner.hi - inner.lo) < (outer.hi - outer.lo)


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
        read = [_glyphs(pdf[n].get_textpage()) for n in range(len(pdf))]
        pages = [glyphs for glyphs, _ in read]
        garbled = [n for n, glyphs in enumerate(pages) if _garbled(glyphs)]
        for n in garbled:  # as good as no text layer: their text is not the words printed
            pages[n] = []
        groupers: list[Grouper] = [group_lines] * len(pages)
        meta: dict[str, str] = {}
        if cut := [str(n) for n, (_, edge) in enumerate(read, 1) if edge]:
            meta["cut_pages"] = ",".join(cut)  # for extraction: which columns a number is, is not shown
        if not any(len(g) >= MIN_CHARS_PER_PAGE for g in pages):
            from xxgk.ingest.ocr import group_rows, ocr_pages  # a scan: no text layer on any page

            why = "PDF 的文字层是乱码（字体缺少编码映射）" if garbled else "这是扫描件（没有文字层）"
            pages, fmt, groupers = ocr_pages(pdf, path, why), "pdf-ocr", [group_rows] * len(pages)
        else:
            fmt = _read_pictured_pages(pdf, pages, groupers, meta, garbled)
        blocks: list[Paragraph] = []
        unit = char_unit(pages)
        for page_no, (glyphs, grouper) in enumerate(zip(pages, groupers, strict=True), 1):
            add_page_lines(blocks, glyphs, page_no, unit, grouper)
    finally:
        pdf.close()
    source = Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format=fmt)
    return Document(blocks=list(blocks), source=source, meta=meta)


def _read_pictured_pages(
    pdf, pages: list[list[Glyph]], groupers: list[Grouper], meta: dict[str, str], garbled: list[int]
) -> str:  # type: ignore[no-untyped-def]
    """Pages of a text PDF read by OCR when it is installed (the format becomes pdf-ocr): those whose
    text layer is garbled, and those that hold a picture and (almost) no text — a table pasted as a
    screenshot, or scanned pages bound in — when the text lacks a statistics table (a last page
    holding the signature and a seal is not read). Without the extra their numbers go to
    `meta["garbled_pages"]` and `meta["image_pages"]`, for the audit to say why tables are missing."""
    pictured = [
        n
        for n, g in enumerate(pages)
        if n not in garbled and len(g) < MIN_CHARS_PER_PAGE and _has_picture(pdf[n])
    ]
    if not pictured and not garbled:
        return "pdf"
    from xxgk.ingest.ocr import group_rows, ocr_available, ocr_page, read_pictures

    text = "".join(g.ch for glyphs in pages for g in glyphs)
    images = ",".join(str(n + 1) for n in pictured)
    unread = [n for n in garbled if not ocr_available()]
    if unread:
        meta["garbled_pages"] = ",".join(str(n + 1) for n in unread)
    read = [n for n in garbled if n not in unread]
    if pictured and read_pictures(text, meta, "image_pages", images):
        read = sorted(read + pictured)
    for n in read:
        pages[n], groupers[n] = ocr_page(pdf[n]), group_rows
    return "pdf-ocr" if read else "pdf"


_UNWRITTEN = re.compile(  # characters no report's text is written in: what an unmapped font gives
    r"[^\s\x20-\x7e\u00b7\u00d7\u00f7\u2000-\u206f\u2160-\u217f\u2460-\u24ff"
    r"\u2e80-\u2fdf\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
)


_GLYPH_NUMBERS: Final = re.compile(r"[\x10-\x1d]+")  # glyphs 16–29 of a Latin font: - . / 0–9 :


def _garbled(glyphs: list[Glyph]) -> bool:
    """A page whose text layer is not the words printed: a font embedded without its map to Unicode
    (no ToUnicode) gives its glyph numbers — control characters, scripts from all over the table. In a
    report nearly every character is CJK, ASCII or CJK punctuation; on such a page most are not. When
    only the font of the numbers is so embedded (Times New Roman, as 公文 set numbers, keeps its digits
    at glyphs 19–28), the words read and every number is control characters: three such tokens mark
    the page, whose numbers would otherwise read as blank cells."""
    text = "".join(g.ch for g in glyphs)
    if len(text) < MIN_CHARS_PER_PAGE or not _UNWRITTEN.search(text):
        return False
    numbers = sum(1 for g in glyphs if _GLYPH_NUMBERS.fullmatch(g.ch))
    return numbers >= 3 or len(_UNWRITTEN.findall(text)) > 0.3 * len(text)


def _has_picture(page) -> bool:  # type: ignore[no-untyped-def]
    import pypdfium2.raw as pdfium_c

    return next(iter(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))), None) is not None
