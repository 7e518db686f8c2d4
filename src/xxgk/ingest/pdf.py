"""PDF with a text layer → positioned lines, through pypdfium2's character boxes.

Each visual line becomes a paragraph whose text places every cell at a character column proportional
to its x position — the shape `pdftotext -layout` gives — so PDF tables flow through the same
extraction as layout text: rows by label, blank cells by column position, tables continued across
pages simply continue. Page numbers go into provenance; page footers (-3-) are dropped.
"""

from __future__ import annotations

import hashlib
import statistics
from dataclasses import dataclass

from xxgk.errors import MissingExtraError, UnreadableError
from xxgk.ingest.clean import clean_text, is_page_footer
from xxgk.model import Document, Paragraph, Provenance, Source

MAX_PAGES = 200
MIN_CHARS_PER_PAGE = 20  # fewer on every page: a scan without a text layer


@dataclass(slots=True)
class Glyph:
    ch: str
    left: float
    right: float
    bottom: float
    top: float


def _glyphs(textpage) -> list[Glyph]:  # type: ignore[no-untyped-def]
    n = textpage.count_chars()
    text = textpage.get_text_range(0, n) if n else ""
    out: list[Glyph] = []
    for i, ch in enumerate(text[:n]):
        if ch.isspace():
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        if right - left <= 0 and top - bottom <= 0:
            continue
        out.append(Glyph(ch, left, right, bottom, top))
    return out


def _lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Group glyphs into visual lines: a glyph joins a line when their vertical spans overlap by half."""
    lines: list[tuple[float, float, list[Glyph]]] = []
    for g in sorted(glyphs, key=lambda g: (-(g.top + g.bottom) / 2, g.left)):
        h = max(g.top - g.bottom, 1.0)
        for n, (lo, hi, members) in enumerate(lines):
            overlap = min(hi, g.top) - max(lo, g.bottom)
            if overlap > 0.5 * min(h, hi - lo):
                members.append(g)
                lines[n] = (min(lo, g.bottom), max(hi, g.top), members)
                break
        else:
            lines.append((g.bottom, g.top, [g]))
    return [sorted(m, key=lambda g: g.left) for _, _, m in sorted(lines, key=lambda t: -(t[0] + t[1]) / 2)]


def _layout_line(line: list[Glyph], unit: float) -> str:
    """Cells (glyph runs split at wide gaps) placed at columns ∝ x; at least two spaces between cells."""
    heights = [g.top - g.bottom for g in line if g.top > g.bottom]
    gap_min = 0.6 * (statistics.median(heights) if heights else 10.0)
    out = ""
    prev: Glyph | None = None
    for g in line:
        if prev is not None and g.left - prev.right > gap_min:
            col = max(round(g.left / unit), len(out) + 2)
            out += " " * (col - len(out))
        elif prev is None:
            out += " " * round(g.left / unit)
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


def read_pdf(data: bytes, path: str) -> Document:
    pdf = _open(data, path)
    try:
        if len(pdf) == 0:
            raise UnreadableError(path, "PDF 没有页面")
        if len(pdf) > MAX_PAGES:
            raise UnreadableError(path, f"PDF 页数过多（{len(pdf)} 页，上限 {MAX_PAGES} 页）")
        blocks: list[Paragraph] = []
        text_pages = 0
        for page_no in range(1, len(pdf) + 1):
            page = pdf[page_no - 1]
            glyphs = _glyphs(page.get_textpage())
            text_pages += len(glyphs) >= MIN_CHARS_PER_PAGE
            widths = [g.right - g.left for g in glyphs if "\u4e00" <= g.ch <= "\u9fff"]
            unit = (statistics.median(widths) if widths else 10.0) / 2
            for line in _lines(glyphs):
                text = clean_text(_layout_line(line, unit)).rstrip()
                if text.strip() and not is_page_footer(text):
                    blocks.append(Paragraph(text, Provenance(line=len(blocks) + 1, page=page_no)))
        if text_pages == 0:
            raise MissingExtraError(
                path, "这是扫描件（没有文字层），需要安装 OCR 组件：pip install 'xxgk[ocr]'"
            )
    finally:
        pdf.close()
    source = Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format="pdf")
    return Document(blocks=list(blocks), source=source)
