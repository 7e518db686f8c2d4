"""Reports as other tools convert them to text, read back cell for cell:
- markdown that keeps tables as HTML (PDF→markdown converters write a table with merged cells as
  `<table>` markup): the tables are read as grids, and markup never becomes text;
- markdown pipe tables without the outer pipes (html2text);
- LibreOffice's text export: one cell per line, empty cells as empty lines, nothing between rows;
- web-page-to-text converters that end every cell with ' |', a row per line or a cell per line.

The documents are built the way those tools build them, from every gold record rendered as a web page
by xxgk's renderer.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import GOLD_CASES, REAL, SEEDS, load_gold, print_with_chromium
from xxgk.api import parse, parse_extraction, parse_text
from xxgk.explain import explain_cell
from xxgk.generate import blank_zeros, random_record
from xxgk.model import cell_items
from xxgk.render import render

GOLDS = sorted(SEEDS.glob("gold/*.json")) + sorted(REAL.glob("gold/*.json"))
STYLES = ("one_line", "page_wrapper", "indented", "line_breaks_in_labels", "text_around")


def _bare(table: etree._Element, style: str) -> str:
    for el in table.iter():
        for name in [n for n in el.attrib if n not in ("rowspan", "colspan")]:
            del el.attrib[name]
    if style == "indented":  # one element per line
        etree.indent(table)
        return lxml_html.tostring(table, encoding="unicode")
    markup = re.sub(r">\s+<", "><", lxml_html.tostring(table, encoding="unicode"))
    if style == "page_wrapper":
        return f"<html><body>{markup}</body></html>"
    if style == "line_breaks_in_labels":
        return markup.replace("）", "）<br>")
    if style == "text_around":
        return f"统计情况如下：{markup}（单位：件）"
    return markup


def to_markdown(page: bytes, style: str) -> str:
    """A rendered web page as a PDF→markdown converter writes it."""
    body = lxml_html.fromstring(page).find("body")
    out = []
    for el in body.iter():
        if el.tag in ("h1", "h2", "h3"):
            out.append("## " + el.text_content().strip())
        elif el.tag == "p" and next(el.iterancestors("table"), None) is None:
            out.append(el.text_content().strip())
        elif el.tag == "table":
            out.append(_bare(el, style))
    return "\n\n".join(x for x in out if x)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("gold_path", GOLDS, ids=[g.stem for g in GOLDS])
def test_markdown_with_html_tables_reads_every_cell(tmp_path, gold_path, style):
    gold = load_gold(gold_path)
    page = tmp_path / "report.html"
    render(gold, "html", page)
    md = tmp_path / "report.md"
    md.write_text(to_markdown(page.read_bytes(), style), encoding="utf-8")
    back = parse(md)
    assert (back["agency"], back["year"], back["template"]) == (
        gold["agency"],
        gold["year"],
        gold["template"],
    )
    assert dict(cell_items(back)) == dict(cell_items(gold))


def test_cells_of_an_html_table_point_to_their_line(tmp_path):
    gold = load_gold(GOLDS[0])
    page = tmp_path / "report.html"
    render(gold, "html", page)
    md = tmp_path / "report.md"
    md.write_text(to_markdown(page.read_bytes(), "indented"), encoding="utf-8")
    lines = md.read_text(encoding="utf-8").split("\n")
    told = explain_cell(parse_extraction(md), "requests.total.total")
    line = told["location"]["line"]
    assert lines[line - 1].strip() == f"<td>{told['raw']}</td>"
    assert told["raw"] == str(gold["requests"]["total"]["total"])
    assert "总计" in "".join(lines[line - 9 : line])  # the row's label cell, a few lines before


def test_markup_outside_tables_is_read_for_what_it_means():
    """Block tags break paragraphs, inline tags and entities are not text, and the digits inside
    attributes (colspan="3", width="100") are never numbers."""
    from xxgk.ingest import read_string

    doc = read_string(
        "<p>一、总体情况</p><p>本年度收到申请&nbsp;12&nbsp;件。</p>\n"
        '| 行政许可<br>（件） | <span style="width:100px">3053</span> |\n'
        "| --- | --- |\n"
        '<div class="x3">二、主动公开政府信息情况</div>'
    )
    texts = [b.text for b in doc.blocks if hasattr(b, "text")]
    assert texts == ["一、总体情况", "本年度收到申请 12 件。", "二、主动公开政府信息情况"]
    (table,) = [b for b in doc.blocks if not hasattr(b, "text")]
    assert [c.text for c in table.rows[0].cells] == ["行政许可 （件）", "3053"]


def without_outer_pipes(markdown: str) -> str:
    """Pipe tables as html2text writes them: no leading or trailing '|', a hard break ('  ') after
    each row."""
    out = []
    for line in markdown.split("\n"):
        if line.startswith("|") and line.endswith("|"):
            line = line[1:-1] + "  "
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("gold_path", GOLDS, ids=[g.stem for g in GOLDS])
def test_pipe_tables_without_outer_pipes(tmp_path, gold_path):
    gold = load_gold(gold_path)
    rendered = tmp_path / "rendered.md"
    render(gold, "md", rendered)
    md = tmp_path / "report.md"
    md.write_text(without_outer_pipes(rendered.read_text(encoding="utf-8")), encoding="utf-8")
    lines = md.read_text(encoding="utf-8").split("\n")
    assert any(line.lstrip().startswith("行政许可 |") for line in lines)  # the layout under test
    back = parse(md)
    assert dict(cell_items(back)) == dict(cell_items(gold))


def one_cell_per_line(page: bytes) -> str:
    """A rendered web page as LibreOffice exports a document to text: paragraphs as lines, each table
    cell on a line of its own (an empty cell an empty line), no mark where a row ends."""
    body = lxml_html.fromstring(page).find("body")
    out = []
    for el in body.iter():
        heading_or_cell = el.tag in ("h1", "h2", "h3", "td", "th")
        if heading_or_cell or (el.tag == "p" and next(el.iterancestors("table"), None) is None):
            out.append(el.text_content().strip())
    return "\n".join(out)


@pytest.mark.parametrize("gold_path", GOLDS, ids=[g.stem for g in GOLDS])
def test_one_cell_per_line_without_row_marks(tmp_path, gold_path):
    """Blank cells vanish among the empty lines, so where the identities cannot place a number the cell
    is null and listed as ambiguous; a number is never put in the wrong cell."""
    gold = load_gold(gold_path)
    page = tmp_path / "report.html"
    render(gold, "html", page)
    text = one_cell_per_line(page.read_bytes())
    assert "\n行政许可\n" in text  # the layout under test
    back = parse_text(text, "report.txt")
    expected, got = dict(cell_items(gold)), dict(cell_items(back))
    ambiguous = {k for f in back["findings"] if f["rule"] == "S_AMBIGUOUS_CELLS" for k in f["cells"]}
    wrong = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}
    assert all(got.get(k) is None and k in ambiguous for k in wrong), wrong
    assert len(wrong) <= 0.05 * len(expected)


def test_one_cell_per_line_never_divides_a_number_alone_on_its_line(tmp_path):
    """A number alone on its line is one cell's number. Where a row lacks cells (their blanks vanished
    among the empty lines), its numbers are placed for the identities to choose, never cut into digits
    to fill the row ('行政许可 / 18 / 5' is not 1 · 8 · 5): a cell is right or null, never wrong."""
    page = tmp_path / "report.html"
    for seed in range(30):
        rng = random.Random(seed)
        record = blank_zeros(random_record(rng, "2019" if seed % 2 else "2021"), rng, "some")
        render(record, "html", page)
        back = parse_text(one_cell_per_line(page.read_bytes()), "report.txt")
        got = dict(cell_items(back))
        wrong = {k: (v, got[k]) for k, v in cell_items(record) if got.get(k) is not None and got[k] != v}
        assert not wrong, (seed, wrong)


def test_a_search_too_large_leaves_its_cells_open(tmp_path):
    """One cell per line, a 2019 report with blank cells: most rows lack cells, and weighing every
    placement of their numbers against the identities took over a minute. The search stops at its
    budget (test_extract_layout); what it could not settle stays open and is listed, nothing is guessed."""
    rng = random.Random(3)
    record = blank_zeros(random_record(rng, "2019"), rng, "some")
    page = tmp_path / "report.html"
    render(record, "html", page)
    back = parse_text(one_cell_per_line(page.read_bytes()), "report.txt")
    got = dict(cell_items(back))
    assert all(got[k] in (None, v) for k, v in cell_items(record))
    ambiguous = {k for f in back["findings"] if f["rule"] == "S_AMBIGUOUS_CELLS" for k in f["cells"]}
    lost = {k for k, v in cell_items(record) if v is not None and got[k] is None}
    assert lost and lost <= ambiguous
    assert len(lost) < 0.5 * len(got)


def _with_rowspan_blanks(rows: list[list[etree._Element]]) -> list[list[str]]:
    """Each row's cell texts, with an empty cell wherever a cell above reaches down (rowspan)."""
    below: dict[int, int] = {}  # column → rows a cell above still covers
    out = []
    for row in rows:
        texts: list[str] = []
        for td in [*row, None]:
            while below.get(len(texts), 0) > 0:
                below[len(texts)] -= 1
                texts.append("")
            if td is None:
                break
            start = len(texts)
            texts += [" ".join(td.text_content().split())] + [""] * (int(td.get("colspan", 1)) - 1)
            for col in range(start, len(texts)):
                below[col] = int(td.get("rowspan", 1)) - 1
        out.append(texts)
    return out


def trailing_pipes(page: bytes, shape: str) -> str:
    """A rendered web page as some web-page-to-text converters write it: each cell's text followed by
    ' |' (an empty cell a lone '|'), in one of five shapes:
      rows    one row per line;
      padded  likewise, plus a pipe for each position the row's merges took away (the table's width
              less the row's cells);
      spans   one row per line, a merged cell's other positions written as empty cells;
      cells   the cells hold paragraphs: every cell on a line of its own, then the row's pipes for
              its merged-away positions on one line; nothing else marks where a row ends;
      bare    cells on lines of their own, without those lines of pipes;
      opened  markdown-like rows ('| ' opens one) whose cells start with a paragraph: each cell on a
              line of its own (an empty one '   |'), the row's merged-away positions after the last."""
    body = lxml_html.fromstring(page).find("body")
    out = []
    for el in body.iter():
        if el.tag in ("h1", "h2", "h3") or (el.tag == "p" and next(el.iterancestors("table"), None) is None):
            out.append(el.text_content().strip())
        elif el.tag == "table":
            rows = [[td for td in tr if td.tag in ("td", "th")] for tr in el.iter("tr")]
            if shape == "spans":
                out += [" | ".join(texts) + " |" for texts in _with_rowspan_blanks(rows)]
                continue
            width = max(sum(int(td.get("colspan", 1)) for td in row) for row in rows)
            for row in rows:
                texts = [" ".join(td.text_content().split()) for td in row]
                if shape == "opened":  # '| ' opens a row; each cell's paragraph breaks the line
                    out += ["| ", *(f" {t}  |" for t in texts)]
                    out[-1] += " " + "|" * (width - len(texts)) if width > len(texts) else ""
                    continue
                if shape in ("rows", "padded"):
                    pad = " " + "|" * (width - len(texts)) if shape == "padded" and width > len(texts) else ""
                    out.append(" | ".join(texts) + " |" + pad)
                    continue
                out += [f"{t} |" if t else "|" for t in texts]
                if width > len(texts) and shape == "cells":
                    out.append("|" * (width - len(texts)))
    return "\n".join(out)


@pytest.mark.parametrize("shape", ["rows", "padded", "spans", "cells", "bare", "opened"])
@pytest.mark.parametrize("gold_path", GOLDS, ids=[g.stem for g in GOLDS])
def test_cells_ending_in_a_pipe(tmp_path, gold_path, shape):
    gold = load_gold(gold_path)
    page = tmp_path / "report.html"
    render(gold, "html", page)
    text = trailing_pipes(page.read_bytes(), shape)
    assert ("\n行政许可 |\n" in text) == (shape in ("cells", "bare"))  # the layout under test
    assert ("\n 行政许可  |\n" in text) == (shape == "opened")
    back = parse_text(text, "report.txt")
    assert (back["agency"], back["year"], back["template"]) == (
        gold["agency"],
        gold["year"],
        gold["template"],
    )
    assert dict(cell_items(back)) == dict(cell_items(gold))


@pytest.mark.parametrize("shape", ["padded", "cells", "opened"])
def test_cells_ending_in_a_pipe_with_blank_cells(tmp_path, shape):
    """A lone '|' ending a row is an empty cell or the row's one merged-away position; where blank cells
    leave the identities unable to choose, the table's other rows tell which."""
    page = tmp_path / "report.html"
    for seed in range(16):
        rng = random.Random(seed)
        record = blank_zeros(random_record(rng, "2021" if seed % 3 else "2019"), rng, "some")
        render(record, "html", page)
        back = parse_text(trailing_pipes(page.read_bytes(), shape), "report.txt")
        assert dict(cell_items(back)) == dict(cell_items(record)), seed


HAS_PDFTOTEXT = shutil.which("pdftotext") is not None


def _pdftotext(pdf: Path, *options: str) -> str:
    done = subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, timeout=60, check=True)
    return done.stdout.decode("utf-8")


def _misread(back: dict, record: dict) -> list[str]:
    """Cells read as a number the record does not hold there (null is an honest 'cannot tell')."""
    expected = dict(cell_items(record))
    return [k for k, v in cell_items(back) if v is not None and v != expected[k]]


@pytest.mark.skipif(
    not HAS_PDFTOTEXT or shutil.which("soffice") is None, reason="pdftotext or LibreOffice missing"
)
@pytest.mark.parametrize("seed", [1, 3])
def test_pdftotext_raw_text_gives_no_number_a_column_by_where_it_stands(tmp_path, seed):
    """`pdftotext -raw` parts every number by one space and drops blank cells: where a number stands on
    its line is the length of the label before it, not its column. The real 004 record with blank
    cells, rendered to PDF and copied out that way: no number lands in a wrong cell."""
    record = blank_zeros(load_gold(REAL / "gold" / "004_hongze_qzf_2023.json"), random.Random(seed), "some")
    pdf = tmp_path / "report.pdf"
    render(record, "pdf", pdf)
    back = parse_text(_pdftotext(pdf, "-raw"), "report.txt")
    assert _misread(back, record) == []
    rows: dict[str, list[str]] = {}
    for key, value in cell_items(record):
        if not key.startswith("appeals."):  # 表四 prints its fifteen cells as one row
            rows.setdefault(key.rsplit(".", 1)[0], []).append(key if value is not None else "")
    complete = [k for keys in rows.values() if all(keys) for k in keys]
    got = dict(cell_items(back))
    assert len(complete) > 20 and [k for k in complete if got[k] is None] == []  # complete rows still read


@pytest.mark.skipif(not HAS_PDFTOTEXT, reason="pdftotext missing")
def test_pdftotext_plain_text_of_the_real_pdf():
    """Plain `pdftotext` of the real 004 PDF prints much of 表三 column by column: a row label followed
    by a run of numbers far longer than the row. No number is kept from such a run (which of them are
    the row's own is unknown), and the finding says why those cells are empty."""
    pdf = REAL / "004_hongze_qzf_2023.pdf"
    back = parse_text(_pdftotext(pdf), "004.txt")
    assert _misread(back, load_gold(REAL / "gold" / "004_hongze_qzf_2023.json")) == []
    (finding,) = [f for f in back["findings"] if f["rule"] == "S_AMBIGUOUS_CELLS"]
    assert "数字多于列数" in finding["message"]
    assert "requests.partial.natural_person" in finding["cells"]


@pytest.mark.skipif(
    not HAS_PDFTOTEXT or shutil.which("chromium") is None, reason="pdftotext or Chromium missing"
)
@pytest.mark.parametrize("seed", [1, 4])
def test_pdftotext_plain_text_of_a_table_dumped_column_by_column(tmp_path, seed):
    """Plain `pdftotext` of a Chromium-printed 2019 report prints 表二's row names in one block and
    its numbers under column names elsewhere ('第二十条第(五)项 上一年项目数量 本年增/减 10 374'):
    the column names beside the numbers belie any order of rows, so 表二 is not read at all —
    with a finding that says so — and nothing in the report is read into a wrong cell."""
    record = random_record(random.Random(seed), "2019")
    page, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    render(record, "html", page)
    print_with_chromium(page, pdf)
    back = parse_text(_pdftotext(pdf), "report.txt")
    assert _misread(back, record) == []
    assert all(v is None for k, v in cell_items(back) if k.startswith("proactive."))
    (finding,) = [f for f in back["findings"] if f["rule"] == "S_AMBIGUOUS_CELLS"]
    assert "表二（主动公开政府信息情况）的行名与数字分开印出" in finding["message"]
    assert not [f for f in back["findings"] if f["rule"] == "S_TABLES" and "表二" in f["message"]]
    text = tmp_path / "report.txt"
    text.write_text(_pdftotext(pdf), encoding="utf-8")
    assert "行名与数字分开印出" in explain_cell(parse_extraction(text), "proactive.rules.newly_made")["note"]


@pytest.mark.parametrize("indent", ["  ", "\u3000\u3000"], ids=["spaces", "ideographic"])
@pytest.mark.parametrize(("doc", "gold_path"), GOLD_CASES, ids=[d.stem for d, _ in GOLD_CASES])
def test_every_line_indented_by_the_converter(doc, gold_path, indent):
    """Some converters indent every line of their output (paragraph indentation applied to all):
    before a one-cell-per-line table's tab as well. The indentation is no cell and no text."""
    text = "\n".join(indent + line for line in doc.read_text(encoding="utf-8").split("\n"))
    back, gold = parse_text(text, doc.name), load_gold(gold_path)
    expected = dict(cell_items(gold))
    open_cells = set(gold.get("_abstain_ok", []))
    assert {k: v for k, v in cell_items(back) if k not in open_cells} == {
        k: v for k, v in expected.items() if k not in open_cells
    }
    assert (back["agency"], back["year"]) == (gold["agency"], gold["year"])


@pytest.mark.skipif(
    not HAS_PDFTOTEXT or shutil.which("soffice") is None, reason="pdftotext or LibreOffice missing"
)
@pytest.mark.parametrize(("seed", "template"), [(1, "2019"), (7, "2021")])
def test_pdftotext_plain_text_with_row_names_in_one_block(tmp_path, seed, template):
    """Plain `pdftotext` of a rendered report prints the start of 表三 as one block of row names (and
    column words) followed by the first column's numbers: those numbers are no row's, whichever row
    the block names best. Rows printed with their own numbers are still read; nothing is misread."""
    record = random_record(random.Random(seed), template)
    pdf = tmp_path / "report.pdf"
    render(record, "pdf", pdf)
    back = parse_text(_pdftotext(pdf), "report.txt")
    assert _misread(back, record) == []
    assert sum(v is not None for k, v in cell_items(back) if k.startswith("requests.")) >= 80
    (finding,) = [f for f in back["findings"] if f["rule"] == "S_AMBIGUOUS_CELLS"]
    assert "印在列名、多个行名之后" in finding["message"]
    text = tmp_path / "report.txt"
    text.write_text(_pdftotext(pdf), encoding="utf-8")
    unplaced = finding["cells"][-1]  # the unplaced cells come last
    assert "无法确定属于该行" in explain_cell(parse_extraction(text), unplaced)["note"]


@pytest.mark.parametrize(("doc", "gold_path"), GOLD_CASES, ids=[d.stem for d, _ in GOLD_CASES])
def test_a_span_marker_after_a_label_is_no_number(doc, gold_path):
    """AsciiDoc writes a merged cell's span before its pipe (`|行政许可 3+|550`, as pandoc converts a
    report): '3+' is markup, never the row's number. Every label before a cell separator so marked:
    no cell reads other than the gold (one may stay open)."""
    text = re.sub(r"([\u4e00-\u9fff）)])([\t|])", r"\1 2+\2", doc.read_text(encoding="utf-8"))
    back, gold = parse_text(text, doc.name), load_gold(gold_path)
    got = dict(cell_items(back))
    assert {k: (v, got[k]) for k, v in cell_items(gold) if got.get(k) is not None and got[k] != v} == {}
