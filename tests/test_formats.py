"""Documents in and out: every gold record rendered to each format parses back cell for cell, and
hostile files end in a clear error within bounded time."""

from __future__ import annotations

import io
import shutil
import time
import zipfile

import pytest

from conftest import REAL, SEEDS, load_gold, print_with_chromium
from xxgk.api import parse
from xxgk.errors import MissingExtraError, UnreadableError, XxgkError
from xxgk.ingest import read_path
from xxgk.model import cell_items
from xxgk.render import render

GOLDS = sorted(SEEDS.glob("gold/*.json")) + sorted(REAL.glob("gold/*.json"))
HAS_LO = shutil.which("soffice") is not None
FORMATS = ["html", "md", "docx"] + (["pdf"] if HAS_LO else [])


def _cells(record: dict) -> dict:
    return dict(cell_items(record))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("gold_path", GOLDS, ids=[g.stem for g in GOLDS])
def test_render_then_parse_round_trips(tmp_path, gold_path, fmt):
    gold = load_gold(gold_path)
    out = tmp_path / f"report.{fmt}"
    render(gold, fmt, out)
    back = parse(out)
    assert back["source"]["format"] == fmt
    assert (back["agency"], back["year"], back["template"]) == (
        gold["agency"],
        gold["year"],
        gold["template"],
    )
    expected = _cells(gold)
    got = _cells(back)
    assert {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v} == {}


def test_real_pdf_reads_exactly():
    gold = load_gold(REAL / "gold" / "004_hongze_qzf_2023.json")
    record = parse(REAL / "004_hongze_qzf_2023.pdf")
    got = _cells(record)
    abstain = set(gold.get("_abstain_ok", []))
    assert {
        k: (v, got.get(k))
        for k, v in _cells(gold).items()
        if got.get(k) != v and not (k in abstain and got.get(k) is None)
    } == {}
    rules = {f["rule"] for f in record["findings"] if f["severity"] == "error"}
    assert "T4_BLOCK" in rules  # the printed 表四 totals really are wrong
    assert not rules & {"T3_BALANCE", "T3_ROW_TOTAL", "T3_RESULTS_SUM"}
    loc = next(f for f in record["findings"] if f["rule"] == "T4_BLOCK")["location"]
    assert loc["page"] == 4


def test_blank_cells_stay_blank_in_every_format(tmp_path):
    gold = load_gold(SEEDS / "gold" / "000_5f1914cbe288c934.json")  # many blank cells
    for fmt in ("html", "docx", "md"):
        out = tmp_path / f"r.{fmt}"
        render(gold, fmt, out)
        assert parse(out)["requests"]["carried_over"]["total"] is None


def _docx_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<" + b"a" * (300 * 1024 * 1024) + b"/>")
    return buf.getvalue()


HOSTILE = {
    "empty.pdf": b"",
    "corrupt.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF",
    "image.pdf": b"\x89PNG\r\n\x1a\n" + bytes(500),
    "corrupt.docx": b"PK\x03\x04" + bytes(300),
    "empty.html": b"<html><body></body></html>",
    "no_page.mhtml": b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
    b"Content-Type: image/png\r\n\r\nxx\r\n--b--\r\n",
    "truncated.mhtml": b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
    b"Content-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\nPGh0bWw+PGJvZHk+",
    "garbage.rtf": b"{\\rtf1\\ansi " + bytes(range(256)) * 4,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_fail_clearly(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    t0 = time.perf_counter()
    with pytest.raises(XxgkError) as err:
        parse(path)
    assert str(path) in err.value.message
    assert time.perf_counter() - t0 < 10


def test_docx_zip_bomb_is_refused_unopened(tmp_path):
    path = tmp_path / "bomb.docx"
    path.write_bytes(_docx_bomb())
    t0 = time.perf_counter()
    with pytest.raises(UnreadableError, match="压缩炸弹"):
        read_path(path)
    assert time.perf_counter() - t0 < 5


def test_huge_html_is_refused(tmp_path):
    path = tmp_path / "huge.html"
    with path.open("wb") as fh:
        fh.write(b"<html><body>")
        chunk = ("<p>" + "政府信息公开" * 1000 + "</p>").encode()
        for _ in range(200 * 1024 * 1024 // len(chunk)):
            fh.write(chunk)
    t0 = time.perf_counter()
    with pytest.raises(UnreadableError, match="过大"):
        read_path(path)
    assert time.perf_counter() - t0 < 10


@pytest.mark.parametrize(
    "table",
    [
        "\t" * 2000 + "\n",
        "规章\t1\t2\t3\n" * 100_000,
        "|" + " 0 |" * 2000 + "\n",
        "行政许可 | 0 |\n" * 200_000,
    ],
    ids=["wide tab row", "endless tab rows", "wide pipe row", "endless pipe rows"],
)
def test_a_text_of_endless_table_cells_is_refused(tmp_path, table):
    """10 MB of tabs built a grid of 10 million cells (2 GB, half a minute): refused before building."""
    path = tmp_path / "cells.txt"
    path.write_text("某局2023年政府信息公开工作年度报告\n一、总体情况\n" + table * 3, encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(UnreadableError, match="表格过大"):
        read_path(path)
    assert time.perf_counter() - t0 < 10


def test_encrypted_pdf(tmp_path):
    pikepdf = pytest.importorskip("pypdf")
    writer = pikepdf.PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(UnreadableError, match="加密"):
        read_path(path)


def _blank_scan(tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    path = tmp_path / "scan.pdf"
    pdf.save(str(path))
    return path


def test_scanned_pdf_without_ocr_says_so(tmp_path, no_ocr):
    with pytest.raises(MissingExtraError, match="扫描件"):
        read_path(_blank_scan(tmp_path))


@pytest.mark.parametrize("gold_path", GOLDS[:2] + GOLDS[-1:], ids=lambda p: p.stem)
def test_html_page_framing_its_article_in_a_layout_table(tmp_path, gold_path):
    """CMS pages frame the article in a one-cell table (or a column of one-cell rows), the statistics
    tables nested in it: the frame is layout, its contents the page's own flow."""
    gold = load_gold(gold_path)
    page = tmp_path / "page.html"
    render(gold, "html", page)
    body = page.read_text(encoding="utf-8")
    frame = '<table width="100%"><tr><td>站点导航</td></tr><tr><td class="article">'
    body = body.replace("<body>", "<body>" + frame, 1).replace("</body>", "</td></tr></table></body>", 1)
    page.write_text(body, encoding="utf-8")
    assert _cells(parse(page)) == _cells(gold)


@pytest.mark.skipif(not HAS_LO, reason="LibreOffice not installed")
def test_ocr_reads_a_rasterised_report(tmp_path):
    pytest.importorskip("rapidocr")
    pdfium = pytest.importorskip("pypdfium2")
    gold = load_gold(SEEDS / "gold" / "003_29ee529a4ac3a460.json")
    text_pdf = tmp_path / "text.pdf"
    render(gold, "pdf", text_pdf)
    src = pdfium.PdfDocument(str(text_pdf))
    pages = [src[i].render(scale=2).to_pil().convert("RGB") for i in range(len(src))]
    scan = tmp_path / "scan.pdf"
    pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=144)
    record = parse(scan)
    assert record["source"]["format"] == "pdf-ocr"
    expected, got = _cells(gold), _cells(record)
    right = sum(1 for k, v in expected.items() if got.get(k) == v)
    assert right / len(expected) >= 0.9, f"OCR read {right}/{len(expected)} cells"


def test_html_page_with_chrome_and_gbk(tmp_path):
    gold = load_gold(SEEDS / "gold" / "003_29ee529a4ac3a460.json")
    page = tmp_path / "page.html"
    render(gold, "html", page)
    body = page.read_text(encoding="utf-8")
    chrome = (
        '<div class="nav">首页 > 政务公开 > 年报</div><div class="toolbar">字号：大 中 小 打印 关闭</div>'
    )
    related = '<div class="related">相关链接：2020年政府信息公开工作年度报告</div>'
    body = body.replace(
        '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    )
    body = (
        body.replace("<body>", "<body>" + chrome)
        .replace("</body>", related + "</body>")
        .replace(">86<", ">8&nbsp;6<", 1)
    )
    page.write_bytes(body.encode("gb18030"))
    record = parse(page)
    assert record["requests"]["new_received"]["natural_person"] == 86
    assert _cells(record) == _cells(gold)


@pytest.mark.skipif(not HAS_LO, reason="LibreOffice not installed")
def test_doc_via_libreoffice(tmp_path):
    from xxgk.ingest.libreoffice import convert

    gold = load_gold(SEEDS / "gold" / "003_29ee529a4ac3a460.json")
    docx = tmp_path / "r.docx"
    render(gold, "docx", docx)
    doc = convert(docx, "doc:MS Word 97", tmp_path)
    record = parse(doc)
    assert record["source"]["format"] == "doc"
    assert _cells(record) == _cells(gold)


@pytest.mark.skipif(not HAS_LO, reason="LibreOffice not installed")
@pytest.mark.parametrize("name", ["r.rtf", "r.doc"])
def test_rtf_via_libreoffice(tmp_path, name):
    """RTF, as office systems export "Word" files (often named .doc): read by its content, tables kept —
    not taken for text and refused as no report."""
    from xxgk.ingest.libreoffice import convert

    gold = load_gold(REAL / "gold" / "004_hongze_qzf_2023.json")
    docx = tmp_path / "r.docx"
    render(gold, "docx", docx)
    rtf = convert(docx, "rtf", tmp_path).rename(tmp_path / name)
    record = parse(rtf)
    assert record["source"]["format"] == "doc"
    assert _cells(record) == _cells(gold)


@pytest.mark.skipif(not HAS_LO, reason="LibreOffice not installed")
@pytest.mark.parametrize("name", ["r.odt", "r.docx"])
def test_opendocument_text_via_libreoffice(tmp_path, name):
    """An .odt (WPS and LibreOffice save it) is read by its signature, whatever its name — not refused as
    a broken DOCX."""
    from xxgk.ingest.libreoffice import convert

    gold = load_gold(SEEDS / "gold" / "001_302792f9bc6a194e.json")
    docx = tmp_path / "src.docx"
    render(gold, "docx", docx)
    odt = convert(docx, "odt", tmp_path).rename(tmp_path / name)
    record = parse(odt)
    assert record["source"]["format"] == "doc"
    assert _cells(record) == _cells(gold)


def _encrypted_docx(path) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    gold = load_gold(SEEDS / "gold" / "001_302792f9bc6a194e.json")
    render(gold, "docx", path)
    out = io.BytesIO()
    with open(path, "rb") as f:
        OOXMLFile(f).encrypt("secret", out)
    return out.getvalue()


def _workbook(path) -> bytes:
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("表三").write(0, 0, "自然人")
    book.save(str(path))
    return path.read_bytes()


@pytest.mark.parametrize(("make", "reason"), [(_encrypted_docx, "已加密"), (_workbook, "Excel 工作簿")])
@pytest.mark.parametrize("soffice", [True, False])
def test_compound_files_that_are_no_word_document_are_named(tmp_path, monkeypatch, make, reason, soffice):
    """A DOCX with an open password (an OLE file around an encrypted package) or an .xls named .doc:
    the reason says which, with LibreOffice or without — not "corrupt" or "install LibreOffice"."""
    if not soffice:
        monkeypatch.setattr("xxgk.ingest.libreoffice.soffice", lambda: None)
    path = tmp_path / "report.doc"
    path.write_bytes(make(tmp_path / "made"))
    with pytest.raises(UnreadableError) as err:
        parse(path)
    assert str(path) in err.value.message and reason in err.value.message


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


CONTAINERS = {
    "OFD 版式文件": {"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"},
    "Excel 工作簿": {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"},
    "PowerPoint": {"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<presentation/>"},
    "ZIP 压缩包": {"2023/a.pdf": b"%PDF-1.4", "2023/b.docx": b"PK"},
}


@pytest.mark.parametrize("kind", sorted(CONTAINERS))
def test_zip_containers_that_are_no_word_document_are_named(tmp_path, kind):
    """An OFD, a workbook or an archive of reports given as one report: the reason names what it is."""
    path = tmp_path / "report.docx"
    path.write_bytes(_zip(CONTAINERS[kind]))
    with pytest.raises(UnreadableError) as err:
        parse(path)
    assert str(path) in err.value.message and kind in err.value.message


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_page_saved_as_unicode_is_read_as_a_web_page(tmp_path, codec):
    """A page Windows saved "as Unicode" (UTF-16, with or without a byte-order mark): sniffed as HTML —
    its tables as grids, format html — not read as text that happens to hold markup."""
    gold = load_gold(REAL / "gold" / "004_hongze_qzf_2023.json")
    page = render(gold, "html", tmp_path / "page.html").read_text(encoding="utf-8")
    path = tmp_path / "unicode.htm"
    path.write_bytes(page.encode(codec))
    record = parse(path)
    assert record["source"]["format"] == "html"
    assert _cells(record) == _cells(gold)


@pytest.mark.parametrize("charset", ["utf-8", "gb18030"])
def test_a_page_saved_as_a_single_file_reads_as_the_page(tmp_path, charset):
    """Every gold report as a web page saved "as a single file" (MHTML, the page quoted-printable in the
    charset its MIME header names): read as the page it holds, cell for cell."""
    from conftest import as_mhtml

    for gold_path in GOLDS:
        gold = load_gold(gold_path)
        page = render(gold, "html", tmp_path / "page.html").read_text(encoding="utf-8")
        page = page.replace('charset="utf-8"', "").replace("charset=utf-8", "")  # the MIME header names it
        path = tmp_path / f"{gold_path.stem}.mhtml"
        path.write_bytes(
            as_mhtml(page.encode(charset), "http://www.example.gov.cn/art/2024/1/20/art_1.html", {}, charset)
        )
        record = parse(path)
        assert record["source"]["format"] == "html"
        assert (record["agency"], record["year"]) == (gold["agency"], gold["year"])
        assert _cells(record) == _cells(gold), gold_path.stem


GENERATED = [("html", s) for s in range(6)] + [("md", s) for s in range(6)] + [("docx", s) for s in range(6)]


def _generated(seed: int) -> dict:
    import random

    from xxgk.generate import random_record

    return random_record(random.Random(1000 + seed), template="2019" if seed % 3 == 2 else "2021")


def _round_trip(tmp_path, record: dict, fmt: str):
    from xxgk.api import parse_extraction

    out = tmp_path / f"generated.{fmt}"
    render(record, fmt, out)
    ex = parse_extraction(out)
    back = ex.record
    assert (back["agency"], back["year"], back["template"]) == (
        record["agency"],
        record["year"],
        record["template"],
    )
    got = _cells(back)
    assert {k: (v, got.get(k)) for k, v in _cells(record).items() if got.get(k) != v} == {}
    return ex


@pytest.mark.parametrize(("fmt", "seed"), GENERATED)
def test_generated_records_round_trip(tmp_path, fmt, seed):
    _round_trip(tmp_path, _generated(seed), fmt)


@pytest.mark.skipif(not HAS_LO, reason="LibreOffice not installed")
@pytest.mark.parametrize("seed", [0, 2])
def test_generated_pdf_with_page_break_inside_requests_table(tmp_path, seed):
    """Prose of varying length before 表三 moves the page break through the table; every position reads back."""
    record = _generated(seed)
    split_seen = False
    for paragraphs in (0, 6, 12, 18):
        record.setdefault("sections", {})["requests"] = {
            "title": "三、收到和处理政府信息公开申请情况",
            "text": "\n".join(
                ["本年度依申请公开工作依法规范开展，答复及时，未发生因答复不当引发的纠纷。"] * paragraphs
            ),
        }
        ex = _round_trip(tmp_path, record, "pdf")
        pages = {t.prov.page for t in ex.tables["requests"].trace.values() if t.prov is not None}
        split_seen |= len(pages) >= 2
    assert split_seen, "no rendering broke 表三 across pages"


@pytest.mark.skipif(not HAS_LO, reason="LibreOffice not installed")
def test_generated_pdf_with_blank_cells_reads_exactly(tmp_path):
    """Blank cells in a PDF are read by position; 表三 continued on a page with prose (wider glyphs)
    keeps the columns of its first page, so a blank is never read as its neighbour's number."""
    import random

    from xxgk.generate import blank_zeros, random_record

    for seed in range(5, 11):
        rng = random.Random(seed)
        record = blank_zeros(random_record(rng, "2021"), rng, "all" if seed % 2 else "some")
        _round_trip(tmp_path, record, "pdf")


@pytest.mark.skipif(not HAS_LO, reason="LibreOffice not installed")
def test_rendered_pdf_keeps_every_row_when_a_merged_label_crosses_a_page(tmp_path):
    """LibreOffice drops whole rows when a vertically merged cell (（三）不予公开 over 8 rows) crosses a
    page break; the PDF is laid out with such cells drawn as borderless stacks, so every row prints."""
    import random

    from docx import Document

    from xxgk.generate import blank_zeros, random_record
    from xxgk.render.docx import render_docx

    rng = random.Random(121)
    record = blank_zeros(random_record(rng, "2019"), rng, "all")
    render_docx(record, tmp_path / "for-pdf.docx", row_merges=False)
    assert "w:vMerge" not in Document(str(tmp_path / "for-pdf.docx")).element.xml
    for paragraphs in (0, 4, 8):
        record.setdefault("sections", {})["requests"] = {
            "title": "三、收到和处理政府信息公开申请情况",
            "text": "\n".join(["本年度依申请公开工作依法规范开展，答复及时。"] * paragraphs),
        }
        _round_trip(tmp_path, record, "pdf")


def _with_subtotal_rows(page: bytes) -> bytes:
    """The page with a 小计 row after each group of 表三 (不予公开, 无法提供, 不予处理), summing the group's
    printed numbers column by column (a column with no number stays blank), as some reports add."""
    from lxml import etree
    from lxml import html as lxml_html

    doc = lxml_html.fromstring(page)
    for group in ("withheld", "unavailable", "not_processed"):
        cells = doc.xpath(f'//td[starts-with(@data-key, "requests.{group}.")]')
        columns: dict[str, list[str]] = {}
        for td in cells:
            columns.setdefault(td.get("data-key").rsplit(".", 1)[1], []).append(td.text_content().strip())
        row = etree.SubElement(etree.Element("tbody"), "tr")
        etree.SubElement(row, "td").text = "小计"
        for printed in columns.values():
            numbers = [int(v) for v in printed if v.isdigit()]
            etree.SubElement(row, "td").text = str(sum(numbers)) if numbers else ""
        cells[-1].getparent().addnext(row)
        first = cells[0].getparent()
        for td in first.xpath("td[@rowspan]") + doc.xpath('//td[normalize-space()="三、本年度办理结果"]'):
            td.set("rowspan", str(int(td.get("rowspan")) + 1))
    return lxml_html.tostring(doc, encoding="utf-8")


def _edited_page(tmp_path, gold: dict, edit):
    """The gold record rendered as an HTML page, then edited as some reports print it."""
    page = tmp_path / "report.html"
    render(gold, "html", page)
    page.write_bytes(edit(page.read_bytes()))
    return page


@pytest.mark.parametrize("gold_path", GOLDS, ids=[g.stem for g in GOLDS])
def test_subtotal_rows_a_report_adds_take_no_template_row(tmp_path, gold_path):
    """Even after a row printed blank: '8.属于行政查询事项' with empty cells, then '小计 0 0 …', is two
    rows, not one wrapped label holding the subtotal's numbers."""
    gold = load_gold(gold_path)
    page = _edited_page(tmp_path, gold, _with_subtotal_rows)
    assert page.read_text(encoding="utf-8").count("<td>小计</td>") == 3
    back = parse(page)
    assert _cells(back) == _cells(gold)
    assert [e["subtotal_of"] for e in back["extras"]] == ["withheld", "unavailable", "not_processed"]
    assert not [f for f in back["findings"] if f["rule"] == "T_EXTRA_SUBTOTAL"]


def test_a_wrong_subtotal_row_is_reported_and_kept_as_printed(tmp_path):
    gold = load_gold(GOLDS[-1])
    page = tmp_path / "report.html"
    render(gold, "html", page)
    with_rows = _with_subtotal_rows(page.read_bytes()).decode("utf-8")
    head, tail = with_rows.split("<td>小计</td><td>", 1)
    printed, rest = tail.split("<", 1)
    page.write_text(f"{head}<td>小计</td><td>{int(printed) + 1}<{rest}", encoding="utf-8")
    back = parse(page)
    assert _cells(back) == _cells(gold)
    assert back["extras"][0]["values"]["natural_person"] == int(printed) + 1
    (finding,) = [f for f in back["findings"] if f["rule"] == "T_EXTRA_SUBTOTAL"]
    assert finding["severity"] == "error" and "（三）不予公开" in finding["message"]
    assert finding["cells"][0] == "requests.withheld.state_secret.natural_person"


ORG_COLUMNS = ("commercial", "research", "social_welfare", "legal_service", "other_org")


def _with_subtotal_column(page: bytes) -> bytes:
    """The page with a 小计 column after 其他 under 法人或其他组织 in 表三, each row's printed org numbers
    summed (blank when the row prints none), as some reports add."""
    from lxml import etree
    from lxml import html as lxml_html

    doc = lxml_html.fromstring(page)
    (table,) = [t for t in doc.iter("table") if "申请人情况" in t.text_content()]
    for th in table.iter("th"):
        text = th.text_content().strip()
        if text in ("法人或其他组织", "申请人情况"):
            th.set("colspan", str(int(th.get("colspan")) + 1))
        elif text == "其他":
            th.addnext(etree.Element("th"))
            th.getnext().text = "小计"
    for td in table.xpath('.//td[starts-with(@data-key, "requests.") and contains(@data-key, ".other_org")]'):
        row = td.get("data-key")[: -len("other_org")]
        printed = [table.xpath(f'string(.//td[@data-key="{row}{c}"])').strip() for c in ORG_COLUMNS]
        numbers = [int(v) for v in printed if v.isdigit()]
        td.addnext(etree.Element("td"))
        td.getnext().text = str(sum(numbers)) if numbers else ""
    return lxml_html.tostring(doc, encoding="utf-8")


@pytest.mark.parametrize("gold_path", GOLDS, ids=[g.stem for g in GOLDS])
def test_subtotal_column_a_report_adds_is_kept_apart(tmp_path, gold_path):
    gold = load_gold(gold_path)
    page = _edited_page(tmp_path, gold, _with_subtotal_column)
    assert page.read_text(encoding="utf-8").count("<th>小计</th>") == 1
    back = parse(page)
    assert _cells(back) == _cells(gold)
    (extra,) = [e for e in back["extras"] if e.get("kind") == "column"]
    for row, printed in extra["values"].items():
        numbers = [v for c in ORG_COLUMNS if (v := _cells(gold)[f"requests.{row}.{c}"]) is not None]
        assert printed == (sum(numbers) if numbers else None), row
    assert len(extra["values"]) >= 20


def _with_rows_the_template_lacks(page: bytes) -> bytes:
    """表二 with rows some reports add: 地方性法规 after 规章, 行政确认 after 行政处罚, numbers in every cell."""
    from lxml import etree
    from lxml import html as lxml_html

    doc = lxml_html.fromstring(page)
    for label, after in (("地方性法规", "proactive.rules."), ("行政确认", "proactive.penalty.")):
        cells = doc.xpath(f'//td[starts-with(@data-key, "{after}")]')
        row = etree.Element("tr")
        etree.SubElement(row, "td").text = label
        for td in cells:
            etree.SubElement(row, "td", {k: v for k, v in td.attrib.items() if k == "colspan"}).text = "7"
        cells[0].getparent().addnext(row)
    return lxml_html.tostring(doc, encoding="utf-8")


@pytest.mark.parametrize("gold_path", GOLDS, ids=[g.stem for g in GOLDS])
def test_rows_the_template_lacks_never_fill_a_row_printed_blank(tmp_path, gold_path):
    """'地方性法规 7 7 7' then a blank '行政规范性文件' row: two rows, not one wrapped label."""
    gold = load_gold(gold_path)
    page = _edited_page(tmp_path, gold, _with_rows_the_template_lacks)
    assert "<td>地方性法规</td><td>7</td>" in page.read_text(encoding="utf-8")
    back = parse(page)
    assert _cells(back) == _cells(gold)
    added = {e["label"]: e["values"] for e in back["extras"]}
    assert added == {
        "地方性法规": dict.fromkeys(("issued", "repealed", "in_force"), 7),
        "行政确认": {"decisions": 7},
    }
    assert len([f for f in back["findings"] if f["rule"] == "S_EXTRA_ROWS"]) == 2


@pytest.mark.parametrize("fmt", ["html", "docx", "md"])
@pytest.mark.parametrize("template", ["2019", "2021"])
def test_blank_cells_beside_merged_cells_read_exactly(tmp_path, fmt, template):
    """A position a merged cell spans is that cell, not a blank of its own: '行政事业性收费 | blank | 4'
    with the 4 spanning two columns, or a label spanning two columns before blank cells, read exactly
    instead of coming back ambiguous. Markdown keeps no spans, only padding cells: there the header's
    columns, confirmed by every row that shows them, tell padding from blank cells."""
    import random

    from xxgk.generate import blank_zeros, random_record

    for seed in range(8):
        rng = random.Random(seed)
        record = blank_zeros(random_record(rng, template), rng, "some")
        out = tmp_path / f"report{seed}.{fmt}"
        render(record, fmt, out)
        back = parse(out)
        assert _cells(back) == _cells(record), seed


def _title_in_head_only(page: bytes) -> bytes:
    """As many CMS pages print a report: no heading in the article (the title is only the page's
    <title>), an opening sentence that mentions 本报告 and the year, and header cells that span two
    rows printed as a cell over an empty one."""
    from lxml import etree
    from lxml import html as lxml_html

    doc = lxml_html.fromstring(page)
    heading = doc.find(".//h1")
    intro = etree.Element("p")
    intro.text = "根据《中华人民共和国政府信息公开条例》规定编制本报告。本报告中所列数据统计期限为2021年1月1日至12月31日。"
    heading.getparent().replace(heading, intro)
    for row in doc.xpath("//tr[th[@rowspan='2']]"):
        below, at = row.getnext(), 0
        for cell in row:
            if cell.get("rowspan") == "2":
                del cell.attrib["rowspan"]
                below.insert(at, etree.Element("th"))
                at += 1
            else:
                at += int(cell.get("colspan", "1"))
    return lxml_html.tostring(doc, encoding="utf-8")


@pytest.mark.parametrize("gold_path", GOLDS[-3:], ids=[g.stem for g in GOLDS[-3:]])
def test_page_titled_only_in_its_head(tmp_path, gold_path):
    """The agency comes from the page's <title>, not from the opening sentence that mentions the report;
    the empty cells under the headers take no column of their own."""
    gold = load_gold(gold_path)
    page = _edited_page(tmp_path, gold, _title_in_head_only)
    assert b"<h1>" not in page.read_bytes() and page.read_text(encoding="utf-8").count("<th></th>") == 7
    back = parse(page)
    assert back["agency"] == gold["agency"]
    assert _cells(back) == _cells(gold)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium not installed")
@pytest.mark.parametrize("seed", [1, 2, 5])
def test_pdf_printed_by_a_browser_reads_exactly(tmp_path, seed):
    """A second PDF producer: the HTML rendering printed by headless Chromium, whose table sizes its
    columns to their words (自/然/人 one character a line, 其他 and 总计 side by side). Header words are
    placed by their middle, as the numbers under them are, so blank cells keep their columns."""
    import random

    from xxgk.generate import blank_zeros, random_record

    rng = random.Random(seed)
    record = blank_zeros(random_record(rng, "2021"), rng, "some" if seed % 3 == 1 else "all")
    page, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    render(record, "html", page)
    print_with_chromium(page, pdf)
    back = parse(pdf)
    assert (back["agency"], back["year"]) == (record["agency"], record["year"])
    assert _cells(back) == _cells(record)


PRINT_STYLES = {
    "large type": "@page { size: A4; margin: 25mm } body, td, th { font-size: 15pt !important }",
    "A5 page": "@page { size: A5; margin: 12mm } body { font-size: 10pt }",
    "cells justified": "td { text-align: justify !important; text-align-last: justify !important }",
}


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium not installed")
@pytest.mark.parametrize(
    ("seed", "style"),
    [(3, "large type"), (6, "large type"), (8, "A5 page"), (3, "cells justified"), (5, "cells justified")],
)
def test_pdf_printed_by_a_browser_in_large_type_or_on_a_small_page_reads_exactly(tmp_path, seed, style):
    """Printed larger or on a smaller page, 表三's label columns wrap hard: '1.申请人无正' | '当理由…' (its
    无 opens 无正当理由, no zero cell), '（六）其' | '他处理' beside the lines of a wrapped item label,
    rows printed blank over several lines. With cells justified (Word's 分散对齐) a short label's
    characters stand apart ('规   章'). Every row is found and every cell read exactly."""
    import random

    from xxgk.generate import blank_zeros, random_record

    rng = random.Random(seed)
    record = blank_zeros(random_record(rng, "2021"), rng, "rows")
    page, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    render(record, "html", page)
    html = page.read_text(encoding="utf-8")
    page.write_text(
        html.replace("</head>", f"<style>{PRINT_STYLES[style]}</style></head>", 1), encoding="utf-8"
    )
    print_with_chromium(page, pdf)
    back = parse(pdf)
    got, expected = _cells(back), _cells(record)
    assert [f["message"] for f in back["findings"] if f["rule"] == "S_TABLES"] == []
    if style != "cells justified":
        assert got == expected
        return
    # justified, a lone number sits at the left of its cell, under header words spread across theirs:
    # where 表四 prints a row's first cells blank, which columns its numbers are is not shown — those
    # cells abstain, with a finding; nothing is misread, and 表二 and 表三 read exactly
    assert [k for k, v in got.items() if v is not None and v != expected[k]] == []
    abstained = {k for k, v in got.items() if v is None and expected[k] is not None}
    assert all(k.startswith("appeals.") for k in abstained)
    assert abstained <= {c for f in back["findings"] if f["rule"] == "S_AMBIGUOUS_CELLS" for c in f["cells"]}


@pytest.mark.skipif(not HAS_LO, reason="LibreOffice not installed")
def test_a_table_wider_than_its_page_is_not_read_into_the_wrong_columns(tmp_path):
    """A report laid out for A4 converted on A5 pages: 表三 runs past the right edge and the PDF holds
    only its first five columns, the header word 现行有效件数 cut in two. Its rows, on that page and the
    next, print fewer numbers than cells with no blanks among them: placed by the sums of their
    neighbours, three were read into 总计 before. They abstain, and the finding says why."""
    import random

    from docx import Document as WordDocument
    from docx.shared import Mm

    from xxgk.generate import random_record
    from xxgk.ingest.libreoffice import convert

    record = random_record(random.Random(11), "2021")
    docx = tmp_path / "report.docx"
    render(record, "docx", docx)
    word = WordDocument(str(docx))
    for section in word.sections:
        section.page_width, section.page_height = Mm(148), Mm(210)
    word.save(str(docx))
    back = parse(convert(docx, "pdf", tmp_path))
    got, expected = _cells(back), _cells(record)
    assert [k for k, v in got.items() if v is not None and v != expected[k]] == []
    assert all(got[k] is None for k in expected if k.startswith("requests."))
    (finding,) = [f for f in back["findings"] if f["rule"] == "S_AMBIGUOUS_CELLS"]
    assert "超出页面边界" in finding["message"]
    assert {k for k in expected if k.startswith("requests.")} <= set(finding["cells"])


@pytest.mark.skipif(
    not HAS_LO or shutil.which("pdftotext") is None, reason="LibreOffice or pdftotext missing"
)
@pytest.mark.parametrize("seed", [4, 19, 25])
def test_pdftotext_layout_text_with_blank_cells_in_every_row(tmp_path, seed):
    """`pdftotext -layout` of a report whose 表三 has a blank in every row: no complete row shows
    where the columns are, and the header words (one text column a CJK character) stand left of the
    numbers under them. The numbers of all the rows line up by column: 表三 reads exactly, and
    nothing anywhere is read into a wrong cell."""
    import random
    import subprocess

    from xxgk.generate import blank_zeros, random_record

    rng = random.Random(seed)
    record = blank_zeros(random_record(rng, "2021"), rng, "some")
    pdf, text = tmp_path / "report.pdf", tmp_path / "report.txt"
    render(record, "pdf", pdf)
    subprocess.run(["pdftotext", "-layout", str(pdf), str(text)], check=True, timeout=60)
    expected, got = _cells(record), _cells(parse(text))
    assert {k: v for k, v in got.items() if k.startswith("requests.")} == {
        k: v for k, v in expected.items() if k.startswith("requests.")
    }
    assert [k for k, v in got.items() if v is not None and v != expected[k]] == []
