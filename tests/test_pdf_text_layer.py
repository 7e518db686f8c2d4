"""PDF text layers that do not read as printed: pages whose text is drawn turned and shown upright by
the page's /Rotate (what a virtual printer makes of a landscape table: in the page's own coordinates a
table row runs up or down the page), text drawn twice over itself (bold faked by printing it again a
hair apart), and fonts embedded without their map to Unicode (the text layer gives glyph numbers, not
the words)."""

from __future__ import annotations

import shutil

import pytest

from conftest import REAL, load_gold
from xxgk.api import parse
from xxgk.errors import MissingExtraError
from xxgk.model import cell_items

pdfium = pytest.importorskip("pypdfium2")

REAL_PDF = REAL / "004_hongze_qzf_2023.pdf"
# (content turn, /Rotate that shows it upright): a quarter anticlockwise, a quarter clockwise, a half
TURNS = {"anticlockwise": (1, 90), "clockwise": (3, 270), "upside_down": (2, 180)}


def _turned(src_path, out_path, pages: set[int], turn: str) -> None:
    """A copy of the PDF with the given pages (0-based) drawn turned inside a page that /Rotate shows
    upright; the other pages as they are."""
    quarters, rotate = TURNS[turn]
    src = pdfium.PdfDocument(str(src_path))
    dst = pdfium.PdfDocument.new()
    for i in range(len(src)):
        if i not in pages:
            dst.import_pages(src, pages=[i])
            continue
        w, h = src[i].get_size()
        drawn = src.page_as_xobject(i, dst).as_pageobject()
        if quarters == 1:  # (x, y) -> (h - y, x)
            matrix, size = pdfium.PdfMatrix(0, 1, -1, 0, h, 0), (h, w)
        elif quarters == 3:  # (x, y) -> (y, w - x)
            matrix, size = pdfium.PdfMatrix(0, -1, 1, 0, 0, w), (h, w)
        else:  # (x, y) -> (w - x, h - y)
            matrix, size = pdfium.PdfMatrix(-1, 0, 0, -1, w, h), (w, h)
        drawn.transform(matrix)
        page = dst.new_page(*size)
        page.insert_obj(drawn)
        page.gen_content()
        page.set_rotation(rotate)
    dst.save(str(out_path))
    src.close()


def _misread(record: dict, gold: dict) -> dict:
    got = dict(cell_items(record))
    return {k: (v, got.get(k)) for k, v in cell_items(gold) if got.get(k) != v}


@pytest.mark.parametrize("turn", sorted(TURNS))
@pytest.mark.parametrize("pages", [{2, 3}, {0, 1, 2, 3, 4}], ids=["table_pages", "every_page"])
def test_turned_pages_of_a_real_report_read_exactly(tmp_path, turn, pages):
    """004 (a real PDF) with its table pages, or all its pages, drawn turned: every cell, the year and
    the agency as the gold has them — not 'not a report', as reading the page's coordinates gave."""
    out = tmp_path / "turned.pdf"
    _turned(REAL_PDF, out, pages, turn)
    gold = load_gold(REAL / "gold" / "004_hongze_qzf_2023.json")
    record = parse(out)
    assert _misread(record, gold) == {}
    assert (record["year"], record["agency"]) == (gold["year"], gold["agency"])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.parametrize("turn", ["anticlockwise", "clockwise"])
def test_turned_pages_keep_blank_cells_in_their_columns(tmp_path, turn):
    """A generated report with blank cells, rendered by LibreOffice and every page turned: a blank is
    placed by where the numbers stand under the columns, across the turn — null, never a neighbour."""
    import random

    from xxgk.generate import blank_zeros, random_record
    from xxgk.render import render

    for seed in (5, 6):
        rng = random.Random(seed)
        record = blank_zeros(random_record(rng, "2021"), rng, "all" if seed % 2 else "some")
        src = render(record, "pdf", tmp_path / "upright.pdf")
        out = tmp_path / "turned.pdf"
        _turned(src, out, set(range(len(pdfium.PdfDocument(str(src))))), turn)
        assert _misread(parse(out), record) == {}


def _unmapped(out_path, pages: set[int], fonts: str = "") -> None:
    """004 with the given pages (0-based) taken from a copy whose fonts (those whose name holds `fonts`:
    all by default) lost their ToUnicode maps."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(str(REAL_PDF)))
    for page in writer.pages:
        for font in page["/Resources"].get_object().get("/Font", {}).values():
            if fonts in str(font.get_object().get("/BaseFont")):
                font.get_object().pop(NameObject("/ToUnicode"), None)
    garbled = out_path.with_suffix(".garbled.pdf")
    writer.write(str(garbled))
    src, bad = pdfium.PdfDocument(str(REAL_PDF)), pdfium.PdfDocument(str(garbled))
    out = pdfium.PdfDocument.new()
    for i in range(len(src)):
        out.import_pages(bad if i in pages else src, pages=[i])
    out.save(str(out_path))


@pytest.mark.parametrize("fonts", ["", "TimesNewRoman"], ids=["every_font", "the_numbers_font"])
def test_a_pdf_whose_fonts_lost_their_unicode_maps_is_read_by_ocr(tmp_path, fonts):
    """Fonts without ToUnicode: the text layer is glyph numbers — no word of a report in it (every font),
    or words whose every number is control characters (the numbers' font), which read as blank cells
    and false identity errors. The pages are OCR'd as a scan's are: every cell as the gold has it."""
    pytest.importorskip("rapidocr")
    out = tmp_path / "unmapped.pdf"
    _unmapped(out, set(range(5)), fonts)
    record = parse(out)
    assert record["source"]["format"] == "pdf-ocr"
    assert _misread(record, load_gold(REAL / "gold" / "004_hongze_qzf_2023.json")) == {}


@pytest.mark.parametrize("fonts", ["", "TimesNewRoman"], ids=["every_font", "the_numbers_font"])
def test_a_garbled_text_layer_without_ocr_says_so(tmp_path, no_ocr, fonts):
    out = tmp_path / "unmapped.pdf"
    _unmapped(out, set(range(5)), fonts)
    with pytest.raises(MissingExtraError, match=r"文字层是乱码.*xxgk\[ocr\]"):
        parse(out)


def test_garbled_table_pages_without_ocr_are_named_where_tables_are_missing(tmp_path, no_ocr):
    out = tmp_path / "unmapped.pdf"
    _unmapped(out, {2, 3})
    record = parse(out)
    missing_tables = [f["message"] for f in record["findings"] if f["rule"] == "S_TABLES"]
    assert any(m.startswith("未找到表三") for m in missing_tables)
    assert all("第 3、4 页的文字层是乱码" in m and "xxgk[ocr]" in m for m in missing_tables)


@pytest.mark.parametrize("offset", [0.0, 0.35, 0.8])
def test_text_drawn_twice_over_itself_reads_once(tmp_path, offset):
    """Every page of 004 drawn twice, the second copy `offset` points to the right (how bold is faked
    where the font has none): each character is read once — 21, not 2121; 洪泽区人民政府, not twice."""
    src = pdfium.PdfDocument(str(REAL_PDF))
    dst = pdfium.PdfDocument.new()
    for i in range(len(src)):
        page = dst.new_page(*src[i].get_size())
        for dx in (0.0, offset):
            drawn = src.page_as_xobject(i, dst).as_pageobject()
            drawn.transform(pdfium.PdfMatrix(1, 0, 0, 1, dx, 0))
            page.insert_obj(drawn)
        page.gen_content()
    out = tmp_path / "twice.pdf"
    dst.save(str(out))
    gold = load_gold(REAL / "gold" / "004_hongze_qzf_2023.json")
    record = parse(out)
    assert _misread(record, gold) == {}
    assert (record["year"], record["agency"]) == (gold["year"], gold["agency"])
