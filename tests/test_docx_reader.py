"""The DOCX reader on hand-written WordprocessingML: every structure it interprets, checked block by block."""

from __future__ import annotations

import io
import zipfile

import pytest

from docx_fixture import W_NS, structured_docx
from xxgk.errors import UnreadableError
from xxgk.ingest import read_bytes
from xxgk.model import Paragraph, Table


def _blocks(data: bytes) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for block in read_bytes(data, "structured.docx").blocks:
        if isinstance(block, Paragraph):
            out.append(("p", block.text))
        else:
            assert isinstance(block, Table)
            out.append(("table", [[c.text for c in row.cells] for row in block.rows]))
    return out


def test_structures_become_paragraphs_and_grids():
    assert _blocks(structured_docx()) == [
        ("p", "一、总体情况"),  # numbering.xml: chineseCounting "%1、"
        ("p", "（一）主动公开"),
        ("p", "（二）依申请公开"),
        ("p", "内容控件中的段落"),  # a content control at body level
        ("p", "二、政府信息公开"),  # level 0 continues, level 1 restarts below it
        ("p", "第一行"),  # a line break splits a body paragraph
        ("p", "第二行"),
        ("p", "保留"),  # field codes and deleted text are not text
        ("p", "包装表格中的说明"),  # a one-column wrapper gives back its contents
        (
            "table",
            [
                ["项目", "合计", "", "备注"],  # gridSpan: the spanned position is an empty cell
                ["申请", "12", "3", "第一段\n第二段"],
                ["", "4", "5 6", "外"],  # vMerge continuation empty; content control in a cell; tab
            ],
        ),
        ("table", [["内1", "内2"]]),  # a table nested in a cell follows its table
        ("p", "表后段落"),
    ]


def _strict(data: bytes) -> bytes:
    """The package as Word saves a "Strict Open XML Document": the same parts, other namespaces."""
    names = {
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main": b"http://purl.oclc.org/ooxml/wordprocessingml/main",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships": b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            part = src.read(info)
            for transitional, strict in names.items():
                part = part.replace(transitional, strict)
            out.writestr(info, part)
    return buf.getvalue()


def test_strict_open_xml_reads_as_transitional():
    strict = _strict(structured_docx())
    body = zipfile.ZipFile(io.BytesIO(strict)).read("word/document.xml")
    assert b"purl.oclc.org" in body and W_NS.encode() not in body  # the test means something
    assert _blocks(strict) == _blocks(structured_docx())


def test_cells_carry_table_row_and_column():
    tables = [b for b in read_bytes(structured_docx(), "s.docx").blocks if isinstance(b, Table)]
    assert [t.prov.table for t in tables] == [1, 2]
    cell = tables[0].rows[1].cells[3]
    assert (cell.prov.table, cell.prov.row, cell.prov.col) == (1, 2, 4)


def test_malformed_numbering_is_a_clear_error():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        numbered = '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:p>'
        zf.writestr(
            "word/document.xml", f'<w:document xmlns:w="{W_NS}"><w:body>{numbered}</w:body></w:document>'
        )
        zf.writestr(
            "word/numbering.xml",
            f'<w:numbering xmlns:w="{W_NS}"><w:abstractNum><w:lvl w:ilvl="x"/></w:abstractNum></w:numbering>',
        )
    with pytest.raises(UnreadableError, match="DOCX 内容已损坏"):
        read_bytes(buf.getvalue(), "bad.docx")


def _alt_chunk_docx(html: bytes, kind: str) -> bytes:
    """A DOCX as "export to Word" tools write it (html-docx-js and the like): document.xml holds only a
    w:altChunk; the report is an MHT archive (quoted-printable HTML) or an HTML part in the package."""
    import quopri

    r_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    body = '<w:p><w:r><w:t>导出时间：2024-01-20</w:t></w:r></w:p><w:altChunk r:id="htmlChunk"/>'
    document = f'<w:document xmlns:w="{W_NS}" xmlns:r="{r_ns}"><w:body>{body}</w:body></w:document>'
    if kind == "mht":
        part, name = (
            b'MIME-Version: 1.0\nContent-Type: multipart/related;\n    type="text/html";\n'
            b'    boundary="----=mhtDocumentPart"\n\n\n------=mhtDocumentPart\n'
            b'Content-Type: text/html;\n    charset="utf-8"\nContent-Transfer-Encoding: quoted-printable\n'
            b"Content-Location: file:///C:/fake/document.html\n\n"
            + quopri.encodestring(html)
            + b"\n\n------=mhtDocumentPart--\n",
            "afchunk.mht",
        )
    else:
        part, name = html, "afchunk.html"
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Type="{r_ns}/aFChunk" Target="/word/{name}" Id="htmlChunk"/></Relationships>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", document)
        zf.writestr("word/_rels/document.xml.rels", rels)
        zf.writestr(f"word/{name}", part)
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["mht", "html"])
def test_a_report_embedded_as_an_alt_chunk_reads_as_its_page(tmp_path, kind):
    """Every gold report rendered as a web page and embedded whole in a DOCX: the record read from the
    DOCX equals the gold, cell for cell — not 'not a report' from an empty body."""
    from conftest import REAL, SEEDS, load_gold
    from xxgk.api import parse
    from xxgk.model import cell_items
    from xxgk.render import render

    for gold_path in sorted(SEEDS.glob("gold/*.json")) + sorted(REAL.glob("gold/*.json")):
        gold = load_gold(gold_path)
        page = render(gold, "html", tmp_path / f"{gold_path.stem}.html")
        path = tmp_path / f"{gold_path.stem}.docx"
        path.write_bytes(_alt_chunk_docx(page.read_bytes(), kind))
        record = parse(path)
        assert record["source"]["format"] == "docx"
        assert (record["agency"], record["year"]) == (gold["agency"], gold["year"])
        assert dict(cell_items(record)) == dict(cell_items(gold)), gold_path.stem
