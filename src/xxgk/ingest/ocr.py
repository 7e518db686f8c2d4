"""Scanned PDFs (no text layer) → OCR boxes positioned like a text layer, with their confidence.

Optional: `pip install 'xxgk[ocr]'` (rapidocr + onnxruntime; the models ship inside the wheel, nothing
is downloaded). The boxes go through the same line and column building as a text PDF.
"""

from __future__ import annotations

import logging
from functools import cache

from xxgk.errors import MissingExtraError
from xxgk.ingest.pdf import Glyph

SCALE = 2.0  # 144 dpi: enough for table digits, affordable on two cores
MIN_SCORE = 0.5


@cache
def _engine():  # type: ignore[no-untyped-def]
    from rapidocr import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR()


def _page_boxes(engine, page) -> list[Glyph]:  # type: ignore[no-untyped-def]
    import numpy as np

    height = page.get_height()
    image = np.asarray(page.render(scale=SCALE).to_pil().convert("RGB"))
    result = engine(image)
    out: list[Glyph] = []
    if result.boxes is None:
        return out
    for box, text, score in zip(result.boxes, result.txts, result.scores, strict=False):
        if not text.strip() or score < MIN_SCORE:
            continue
        xs, ys = [p[0] / SCALE for p in box], [p[1] / SCALE for p in box]
        out.append(Glyph(text.strip(), min(xs), max(xs), height - max(ys), height - min(ys), float(score)))
    return out


def ocr_pages(pdf, path: str) -> list[list[Glyph]]:  # type: ignore[no-untyped-def]
    try:
        engine = _engine()
    except ImportError as exc:
        raise MissingExtraError(
            path, "这是扫描件（没有文字层），需要安装 OCR 组件：pip install 'xxgk[ocr]'"
        ) from exc
    return [_page_boxes(engine, pdf[n]) for n in range(len(pdf))]
