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
