"""Scanned PDFs (no text layer) → OCR boxes positioned like a text layer, with their confidence.

Optional: `pip install 'xxgk[ocr]'` (rapidocr + onnxruntime; the models ship inside the wheel, nothing
is downloaded). The boxes go through the same line and column building as a text PDF.
"""

from __future__ import annotations

import io
import logging
import statistics
from functools import cache

from xxgk.errors import MissingExtraError
from xxgk.ingest.pdf import Glyph

SCALE = 2.0  # 144 dpi: enough for table digits, affordable on two cores
MIN_SCORE = 0.5
ROW_TOLERANCE = 0.5  # boxes whose vertical centres lie within this many median box heights share a row
MAX_PICTURE_SIDE = 4000  # pixels: a larger picture is OCR'd shrunk to this (time grows with its area)
SPAN_HEIGHT = 2.5  # a box this many median heights tall, and taller than wide, is vertical text


def _centre(g: Glyph) -> float:
    return (g.top + g.bottom) / 2


def group_rows(boxes: list[Glyph]) -> list[list[Glyph]]:
    """Group OCR boxes into visual rows by their vertical centres (top down, each row left to right).

    OCR boxes are whole cells, not characters, and their heights vary with the text (a label box is
    shorter than a digit box beside it), so overlap-based grouping drifts: a box joins the row whose
    running centre lies within `ROW_TOLERANCE` median box heights of its own centre, else starts a row.
    Vertical text (a merged cell's label written top to bottom, read as one tall box spanning several
    table rows) would pull those rows together; it stands on a line of its own at its centre instead.
    """
    heights = [g.top - g.bottom for g in boxes if g.top > g.bottom]
    median = statistics.median(heights) if heights else 1.0
    tolerance = ROW_TOLERANCE * median

    def spans_rows(g: Glyph) -> bool:
        h = g.top - g.bottom
        return h > SPAN_HEIGHT * median and h > 2 * (g.right - g.left)

    rows: list[tuple[float, list[Glyph]]] = []
    for g in sorted(boxes, key=lambda g: (-_centre(g), g.left)):
        if spans_rows(g):
            continue
        c = _centre(g)
        if rows and rows[-1][0] - c <= tolerance:
            centre, members = rows[-1]
            members.append(g)
            rows[-1] = ((centre * (len(members) - 1) + c) / len(members), members)
        else:
            rows.append((c, [g]))
    rows += [(_centre(g), [g]) for g in boxes if spans_rows(g)]
    rows.sort(key=lambda r: -r[0])
    return [sorted(members, key=lambda g: g.left) for _, members in rows]


@cache
def _engine():  # type: ignore[no-untyped-def]
    from rapidocr import RapidOCR

    quiet = logging.getLogger("RapidOCR")
    quiet.setLevel(logging.WARNING)
    logging.disable(logging.INFO)  # its constructor resets its logger and reports each model it loads
    try:
        engine = RapidOCR()
    finally:
        logging.disable(logging.NOTSET)
    quiet.setLevel(logging.WARNING)
    return engine


def _page_boxes(engine, page) -> list[Glyph]:  # type: ignore[no-untyped-def]
    import numpy as np

    return _image_boxes(engine, np.asarray(page.render(scale=SCALE).to_pil().convert("RGB")), SCALE)


def _image_boxes(engine, image, scale: float) -> list[Glyph]:  # type: ignore[no-untyped-def]
    """An image's OCR boxes in reading orientation. A page scanned sideways (a landscape table fed
    through a portrait scanner) is read again turned a quarter each way, without the engine's
    upside-down check: the turn whose text the engine is surer of stands upright (an upside-down
    turn scores low), and its boxes run top down in that frame."""
    boxes = _boxes(engine(image), image.shape[0] / scale, scale)
    if not _sideways(boxes):
        return boxes
    import numpy as np

    turns = [np.rot90(image, k) for k in (1, 3)]
    results = [engine(turned, use_cls=False) for turned in turns]
    best = max((0, 1), key=lambda i: sum(results[i].scores or ()))
    return _boxes(results[best], turns[best].shape[0] / scale, scale)


def _sideways(boxes: list[Glyph]) -> bool:
    """Most words stand in boxes taller than wide: lines of text running up or down the image. (A
    digit's box is taller than wide, and a vertical group label's, but they are single characters or
    few: words are boxes of two characters or more.)"""
    words = [g for g in boxes if len(g.ch) >= 2]
    tall = sum(1 for g in words if g.top - g.bottom > 1.5 * (g.right - g.left))
    return tall >= 5 and tall > 0.5 * len(words)


def _boxes(result, height: float, scale: float) -> list[Glyph]:  # type: ignore[no-untyped-def]
    """OCR results → boxes in the page's units (`scale` pixels each), y up like a PDF text layer."""
    out: list[Glyph] = []
    if result.boxes is None:
        return out
    for box, text, score in zip(result.boxes, result.txts, result.scores, strict=False):
        if not text.strip() or score < MIN_SCORE:
            continue
        xs, ys = [p[0] / scale for p in box], [p[1] / scale for p in box]
        out.append(Glyph(text.strip(), min(xs), max(xs), height - max(ys), height - min(ys), float(score)))
    return out


def picture_lines(data: bytes) -> list[tuple[str, float]]:
    """A picture's text (a table pasted into a document as a screenshot) as layout lines, each with the
    lowest confidence of its boxes — the shape a PDF page gives, so the same extraction reads it. An
    image that cannot be decoded gives no lines: it is a picture, not the report's text."""
    import numpy as np
    from PIL import Image

    from xxgk.ingest.clean import clean_text
    from xxgk.ingest.pdf import char_unit, layout_line

    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.thumbnail((MAX_PICTURE_SIDE, MAX_PICTURE_SIDE))  # in place, keeping its shape
            image = np.asarray(picture.convert("RGB"))
    except (OSError, ValueError, Image.DecompressionBombError):
        return []
    boxes = _image_boxes(_engine(), image, 1.0)
    unit = char_unit([boxes])
    lines = [
        (clean_text(layout_line(row, unit)).rstrip(), min(g.confidence for g in row))
        for row in group_rows(boxes)
    ]
    return [(text, conf) for text, conf in lines if text.strip()]


def ocr_available() -> bool:
    """Whether the OCR extra is installed (its engine loads)."""
    try:
        _engine()
    except ImportError:
        return False
    return True


def tables_in_text(text: str) -> bool:
    """Whether a document's text holds the statistics tables' words (so its pictures are not tables)."""
    from xxgk.ingest.clean import TABLE_WORDS, clean_text

    folded = clean_text(text)  # Kangxi radical look-alikes folded, as the extraction sees them
    return all(w in folded for w in TABLE_WORDS)


def read_pictures(text: str, meta: dict[str, str], key: str, where: str) -> bool:
    """Whether a text document's pictures are to be OCR'd: its text lacks a statistics table (pasted as
    a screenshot, or scanned pages bound in) and the extra is installed. A report whose tables are text
    OCRs nothing (a seal, a logo). Without the extra, `meta[key] = where` tells the audit which pictures
    went unread, so that the missing tables' findings can say why."""
    if tables_in_text(text):
        return False
    if not ocr_available():
        meta[key] = where
        return False
    return True


def ocr_page(page) -> list[Glyph]:  # type: ignore[no-untyped-def]
    """One page's OCR boxes; the extra must be installed (`ocr_available`)."""
    return _page_boxes(_engine(), page)


def ocr_pages(pdf, path: str, why: str = "这是扫描件（没有文字层）") -> list[list[Glyph]]:  # type: ignore[no-untyped-def]
    """Every page's OCR boxes; without the extra, `why` the pages must be OCR'd and what to install."""
    try:
        engine = _engine()
    except ImportError as exc:
        raise MissingExtraError(path, f"{why}，需要安装 OCR 组件：pip install 'xxgk[ocr]'") from exc
    return [_page_boxes(engine, pdf[n]) for n in range(len(pdf))]
