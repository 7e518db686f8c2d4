"""Scanned PDFs: OCR boxes grouped into table rows by their vertical centres, and a real report that was
rasterised reads back cell for cell."""

from __future__ import annotations

import io

import pytest

from conftest import REAL, as_mhtml, load_gold
from xxgk.api import parse
from xxgk.ingest.ocr import group_rows
from xxgk.ingest.pdf import Glyph
from xxgk.model import cell_items


def _box(text: str, left: float, right: float, centre: float, height: float = 16.0) -> Glyph:
    return Glyph(text, left, right, centre - height / 2, centre + height / 2)


def _texts(rows: list[list[Glyph]]) -> list[list[str]]:
    return [[g.ch for g in row] for row in rows]


def test_rows_by_centre_not_by_overlap():
    """A short label box sits a little off its row's digit boxes; a vertical merged-cell label spans
    several rows. Each label still lands on its own row, and the spanning label stands alone."""
    boxes = [
        _box("2.其他法律", 179, 271, 234.2, 13.5),
        *[_box("0", x, x + 12, 234.4) for x in (320, 350, 378)],
        _box("3.危及", 179, 276, 211.9, 13.0),
        *[_box("0", x, x + 12, 213.4) for x in (320, 350, 378)],
        _box("三、本年度办理结果", 83, 98, 190.7, 94.5),
        _box("5.属于三类", 179, 279, 174.4, 13.0),
        *[_box("1", x, x + 12, 173.7) for x in (320, 350, 378)],
    ]
    assert _texts(group_rows(boxes)) == [
        ["2.其他法律", "0", "0", "0"],
        ["3.危及", "0", "0", "0"],
        ["三、本年度办理结果"],
        ["5.属于三类", "1", "1", "1"],
    ]


def test_wrapped_label_keeps_its_first_line_with_the_numbers():
    boxes = [
        _box("（二）部分公开（区分处理的，只计这一情形，不", 106, 309, 286.9, 13.0),
        *[_box("4", x, x + 12, 280.9) for x in (320, 350)],
        _box("计其他情形）", 101, 156, 273.7, 15.5),
    ]
    assert _texts(group_rows(boxes)) == [
        ["（二）部分公开（区分处理的，只计这一情形，不", "4", "4"],
        ["计其他情形）"],
    ]


@pytest.mark.parametrize("dpi", [150])
def test_rasterised_real_report_reads_every_cell(tmp_path, dpi):
    """004 (a real county report) rendered to page images and read back through OCR: every cell,
    including the 不予公开 rows beside the vertical 本年度办理结果 label."""
    pytest.importorskip("rapidocr")
    pdfium = pytest.importorskip("pypdfium2")
    src = pdfium.PdfDocument(str(REAL / "004_hongze_qzf_2023.pdf"))
    pages = [src[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(src))]
    src.close()
    scan = tmp_path / "scan.pdf"
    pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=dpi)
    record = parse(scan)
    assert record["source"]["format"] == "pdf-ocr"
    assert _misread_004(record) == {}


def test_pages_scanned_sideways_are_read_upright(tmp_path):
    """004 scanned with its two table pages fed sideways (a landscape table through a portrait
    scanner), one turned each way: read in the orientation the engine is surer of, every cell as the
    gold has it — rows top down, not bottom up, and no label taken for a column."""
    pytest.importorskip("rapidocr")
    pdfium = pytest.importorskip("pypdfium2")
    from PIL import Image

    src = pdfium.PdfDocument(str(REAL / "004_hongze_qzf_2023.pdf"))
    pages = [src[i].render(scale=150 / 72).to_pil().convert("RGB") for i in range(len(src))]
    src.close()
    pages[2] = pages[2].transpose(Image.Transpose.ROTATE_90)
    pages[3] = pages[3].transpose(Image.Transpose.ROTATE_270)
    scan = tmp_path / "scan.pdf"
    pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=150)
    record = parse(scan)
    assert record["source"]["format"] == "pdf-ocr"
    assert _misread_004(record) == {}


def _misread_004(record: dict) -> dict:
    """Cells of the real 004 the record does not hold as its gold does: {key: (gold, read)}."""
    expected = dict(cell_items(load_gold(REAL / "gold" / "004_hongze_qzf_2023.json")))
    got = dict(cell_items(record))
    return {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}


def _page_picture(src, i: int, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
    """Page i of a PDF as a 150 dpi picture (PDF or PNG bytes)."""
    buf = io.BytesIO()
    src[i].render(scale=150 / 72).to_pil().convert("RGB").save(buf, format=fmt, resolution=150)
    return buf.getvalue()


def _with_pictured_pages(tmp_path, pictured: set[int]):
    """004 (a real text PDF) with the given pages (0-based) replaced by their rendered pictures: a
    report whose tables were pasted as screenshots, or scanned pages bound into a text PDF."""
    pdfium = pytest.importorskip("pypdfium2")
    src = pdfium.PdfDocument(str(REAL / "004_hongze_qzf_2023.pdf"))
    out = pdfium.PdfDocument.new()
    for i in range(len(src)):
        if i not in pictured:
            out.import_pages(src, pages=[i])
            continue
        out.import_pages(pdfium.PdfDocument(_page_picture(src, i, "PDF")))
    path = tmp_path / "mixed.pdf"
    out.save(str(path))
    src.close()
    return path


def test_pictured_pages_are_read_by_ocr(tmp_path):
    """Pages 3 and 4 of 004 (the end of 表二, all of 表三 and 表四) as pictures, pages 1, 2 and 5 text:
    the picture pages are OCR'd and the tables read across the change, every cell as the gold has it."""
    pytest.importorskip("rapidocr")
    record = parse(_with_pictured_pages(tmp_path, {2, 3}))
    assert record["source"]["format"] == "pdf-ocr"
    assert _misread_004(record) == {}


def test_pictured_pages_without_ocr_are_named_where_tables_are_missing(tmp_path, no_ocr):
    """Without the OCR extra the text pages are still read, and each missing table or row says which
    pages are pictures and what to install — not a bare 'not found'."""
    record = parse(_with_pictured_pages(tmp_path, {2, 3}))
    assert record["source"]["format"] == "pdf"
    assert record["proactive"]["rules"] == {"issued": 0, "repealed": 0, "in_force": 0}  # on page 2, text
    missing_tables = [f["message"] for f in record["findings"] if f["rule"] == "S_TABLES"]
    assert any(m.startswith("未找到表三") for m in missing_tables)
    assert all("第 3、4 页是图片" in m and "xxgk[ocr]" in m for m in missing_tables)


def _docx_with_pictured_pages(tmp_path, pictured: set[int]):
    """004 as a Word document: the text lines of its pages as paragraphs, the given pages (0-based)
    pasted in as pictures — a report whose tables were pasted as screenshots."""
    pdfium = pytest.importorskip("pypdfium2")
    docx = pytest.importorskip("docx")
    from docx.shared import Cm

    from xxgk.ingest import read_path
    from xxgk.model import Paragraph

    pdf_path = REAL / "004_hongze_qzf_2023.pdf"
    lines = [b for b in read_path(pdf_path).blocks if isinstance(b, Paragraph)]
    src = pdfium.PdfDocument(str(pdf_path))
    out = docx.Document()
    for i in range(len(src)):
        if i not in pictured:
            for b in lines:
                if b.prov.page == i + 1:
                    out.add_paragraph(b.text)
            continue
        out.add_picture(io.BytesIO(_page_picture(src, i, "PNG")), width=Cm(16))
    src.close()
    path = tmp_path / "pictured.docx"
    out.save(str(path))
    return path


def test_pictures_in_a_docx_are_read_by_ocr_where_its_tables_are(tmp_path):
    """The table pages of 004 pasted into a Word document as pictures: their OCR'd lines stand where the
    pictures stand, every cell as the gold has it."""
    pytest.importorskip("rapidocr")
    record = parse(_docx_with_pictured_pages(tmp_path, {2, 3}))
    assert record["source"]["format"] == "docx"
    assert _misread_004(record) == {}


def test_pictures_in_a_docx_without_ocr_are_named_where_tables_are_missing(tmp_path, no_ocr):
    record = parse(_docx_with_pictured_pages(tmp_path, {2, 3}))
    missing_tables = [f["message"] for f in record["findings"] if f["rule"] == "S_TABLES"]
    assert any(m.startswith("未找到表三") for m in missing_tables)
    assert all("文档中有 2 张图片未识别" in m and "xxgk[ocr]" in m for m in missing_tables)


def test_a_picture_beside_tables_printed_as_text_is_not_ocrd(tmp_path, monkeypatch):
    """A seal or a logo in a report whose three tables are text: nothing to read, and OCR is not run."""
    import xxgk.ingest.ocr as ocr

    def refuse(data):
        raise AssertionError("OCR run on a report whose tables are text")

    monkeypatch.setattr(ocr, "picture_lines", refuse)
    path = _docx_with_pictured_pages(tmp_path, {4})  # the last page (prose and signature) as a picture
    assert _misread_004(parse(path)) == {}


def test_a_pictured_last_page_beside_text_tables_is_not_ocrd(tmp_path, monkeypatch):
    """The last page (the closing prose, the signature) as a picture, as a seal stamped over it makes it
    in many published PDFs: the three tables are text, so nothing is OCR'd and the format stays pdf."""
    import xxgk.ingest.ocr as ocr

    def refuse(page):
        raise AssertionError("OCR run on a PDF whose tables are text")

    monkeypatch.setattr(ocr, "ocr_page", refuse)
    record = parse(_with_pictured_pages(tmp_path, {4}))
    assert record["source"]["format"] == "pdf"
    assert _misread_004(record) == {}


def _page_with_pictures(tmp_path, pictured: set[int], link: str, kind: str = "html"):
    """004 as a web page (kind="html"), a markdown conversion (kind="md") or a page saved as a single
    file (kind="mhtml", its pictures parts of the archive): the text lines of its pages as paragraphs,
    the given pages (0-based) as pictures — saved beside it in `页面_files/` as a browser or pandoc does
    (link="file"), inside it (link="data"), or left on the web server (link="web": only the page was
    saved; in an MHTML, where the site's own address of the picture is its part's)."""
    import base64

    pdfium = pytest.importorskip("pypdfium2")
    from xxgk.ingest import read_path
    from xxgk.model import Paragraph

    pdf_path = REAL / "004_hongze_qzf_2023.pdf"
    lines = [b for b in read_path(pdf_path).blocks if isinstance(b, Paragraph)]
    src = pdfium.PdfDocument(str(pdf_path))
    folder = tmp_path / "页面_files"
    folder.mkdir()
    para, picture = (
        ("{}\n", "![]({})\n") if kind == "md" else ("<p>{}</p>", '<p><img src="{}" width="600"></p>')
    )
    body = [] if kind == "md" else ['<div class="nav"><img src="logo.png">首页 &gt; 年报</div><div>']
    parts: dict[str, bytes] = {}
    for i in range(len(src)):
        if i not in pictured:
            body += [para.format(b.text) for b in lines if b.prov.page == i + 1]
            continue
        png = _page_picture(src, i, "PNG")
        (folder / f"第{i + 1}页.png").write_bytes(png)
        url = {
            "file": f"./%E9%A1%B5%E9%9D%A2_files/第{i + 1}页.png"
            if kind == "html"
            else f"页面_files/第{i + 1}页.png",
            "data": "data:image/png;base64," + base64.b64encode(png).decode(),
            "web": f"/images/p{i + 1}.png"
            if kind == "mhtml"
            else f"http://www.example.gov.cn/images/p{i + 1}.png",
        }[link]
        parts[f"http://www.example.gov.cn/images/p{i + 1}.png"] = png
        body.append(picture.format(url))
    src.close()
    path = tmp_path / f"页面.{kind}"
    page = '<html><head><meta charset="utf-8"><title>年报</title></head><body>{}</div></body></html>'
    text = "\n".join(body) if kind == "md" else page.format("\n".join(body))
    if kind == "mhtml":
        path.write_bytes(as_mhtml(text.encode(), "http://www.example.gov.cn/art/2024/1/20/art_1.html", parts))
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("kind", "link"),
    [("html", "file"), ("html", "data"), ("md", "file"), ("mhtml", "web"), ("mhtml", "data")],
)
def test_pictures_linked_from_a_saved_page_are_read_by_ocr(tmp_path, kind, link):
    """A web page whose tables are pictures (as many government pages carry them), saved with its
    pictures, and a markdown conversion that kept them as pictures: they are OCR'd where they stand,
    every cell as the gold has it."""
    pytest.importorskip("rapidocr")
    record = parse(_page_with_pictures(tmp_path, {2, 3}, link, kind))
    assert record["source"]["format"] == ("html" if kind == "mhtml" else kind)
    assert _misread_004(record) == {}


@pytest.mark.parametrize("kind", ["html", "md"])
def test_pictures_of_a_page_saved_without_them_are_named(tmp_path, kind):
    """Only the page was saved (its pictures are addresses on the web server): nothing is fetched, and
    each missing table says the pictures are not here and how to save them."""
    record = parse(_page_with_pictures(tmp_path, {2, 3}, "web", kind))
    missing_tables = [f["message"] for f in record["findings"] if f["rule"] == "S_TABLES"]
    assert any(m.startswith("未找到表三") for m in missing_tables)
    assert all(
        "网页中有 2 张图片不在网页所在的文件夹中" in m and "xxgk[ocr]" not in m for m in missing_tables
    )


def test_pictures_in_a_web_page_without_ocr_are_named(tmp_path, no_ocr):
    record = parse(_page_with_pictures(tmp_path, {2, 3}, "file"))
    missing_tables = [f["message"] for f in record["findings"] if f["rule"] == "S_TABLES"]
    assert any(m.startswith("未找到表三") for m in missing_tables)
    assert all("文档中有 2 张图片未识别" in m and "xxgk[ocr]" in m for m in missing_tables)


def test_a_page_links_only_to_pictures_in_its_own_folder(tmp_path):
    """A page is data: a link out of its folder (../, an absolute path) is never read."""
    from xxgk.ingest.linked import picture_bytes

    (tmp_path / "secret.png").write_bytes(b"\x89PNG secret")
    page = tmp_path / "site"
    (page / "img").mkdir(parents=True)
    (page / "img" / "a.png").write_bytes(b"\x89PNG a")
    assert picture_bytes("img/a.png", page) == b"\x89PNG a"
    assert picture_bytes("./img/a.png?v=2#top", page) == b"\x89PNG a"
    assert picture_bytes("../secret.png", page) is None
    assert picture_bytes(str(tmp_path / "secret.png"), page) is None
    assert picture_bytes("file:///etc/passwd", page) is None
    assert picture_bytes("img/missing.png", page) is None
    assert picture_bytes("img/a.png", None) is None  # a page that is no file here (an upload)
    assert picture_bytes("data:image/png;base64,iVBORw==", None) == b"\x89PNG"


def test_a_mirrored_page_links_to_pictures_anywhere_in_its_site(tmp_path):
    """A site mirrored by wget or HTTrack keeps its paths under a folder named after the host: a page in
    www.example.gov.cn/art/2024/1/ reaches www.example.gov.cn/u/cms/ by ../ or from the site's root
    (/u/cms/…) — and still nothing outside the site's folder."""
    from xxgk.ingest.linked import picture_bytes

    site = tmp_path / "mirror" / "www.example.gov.cn"
    page = site / "art" / "2024" / "1"
    page.mkdir(parents=True)
    (site / "u" / "cms").mkdir(parents=True)
    (site / "u" / "cms" / "p3.png").write_bytes(b"\x89PNG 3")
    (tmp_path / "mirror" / "other.png").write_bytes(b"\x89PNG other")
    assert picture_bytes("../../../u/cms/p3.png", page) == b"\x89PNG 3"
    assert picture_bytes("/u/cms/p3.png", page) == b"\x89PNG 3"
    assert picture_bytes("../../../../other.png", page) is None
    assert picture_bytes("/../other.png", page) is None


def test_a_huge_picture_is_ocrd_shrunk(monkeypatch):
    """A picture larger than MAX_PICTURE_SIDE on a side reaches the engine shrunk, its shape kept: OCR
    time grows with the area, and a 12000-pixel scan pasted into a page must not take minutes."""
    from PIL import Image

    import xxgk.ingest.ocr as ocr

    seen: list[tuple[int, ...]] = []

    class Engine:
        def __call__(self, image, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(image.shape)
            return type("Result", (), {"boxes": None, "txts": (), "scores": ()})()

    monkeypatch.setattr(ocr, "_engine", lambda: Engine())
    buf = io.BytesIO()
    Image.new("RGB", (12000, 3000), "white").save(buf, format="PNG")
    assert ocr.picture_lines(buf.getvalue()) == []
    assert seen == [(ocr.MAX_PICTURE_SIDE // 4, ocr.MAX_PICTURE_SIDE, 3)]


def test_an_mhtml_archive_too_large_is_refused(tmp_path, monkeypatch):
    import xxgk.ingest.mime as mime
    from conftest import as_mhtml
    from xxgk.errors import UnreadableError

    monkeypatch.setattr(mime, "MAX_MHTML_BYTES", 10_000)
    path = tmp_path / "big.mhtml"
    path.write_bytes(as_mhtml(b"<html><body>" + b"x" * 20_000 + b"</body></html>", "http://a.gov.cn/", {}))
    with pytest.raises(UnreadableError, match="网页存档过大"):
        parse(path)
