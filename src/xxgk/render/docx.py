"""Record → DOCX with the official merged-cell tables; Chinese fonts set for East Asian text too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xxgk.render.document import override_note, parts, preamble, title
from xxgk.render.layout import Grid, dense

FONT = "宋体"


def _font(run, size: float | None = None, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def _paragraph(doc, text: str, size: float = 12, bold: bool = False, center: bool = False) -> None:  # type: ignore[no-untyped-def]
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), size, bold)


# column widths (cm) by table width: label columns wide enough for one-line labels, values narrow
WIDTHS = {4: (5.0, 3.4, 3.4, 3.4), 10: (1.6, 2.3, 5.2) + (0.95,) * 7, 15: (1.06,) * 15}


def _set_widths(table, width: int) -> None:  # type: ignore[no-untyped-def]
    from docx.shared import Cm

    widths = WIDTHS.get(width, (15.2 / width,) * width)
    table.autofit = False
    for column, w in zip(table.columns, widths, strict=False):
        column.width = Cm(w)  # the grid LibreOffice reads
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=False):
            cell.width = Cm(w)


def _open_edges(cell, top: bool, bottom: bool) -> None:  # type: ignore[no-untyped-def]
    """Hide a cell's top and/or bottom border, so stacked cells read as one merged cell."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tcBorders")
    for edge, hidden in (("top", top), ("bottom", bottom)):
        if hidden:
            line = OxmlElement(f"w:{edge}")
            line.set(qn("w:val"), "nil")
            borders.append(line)
    cell._tc.get_or_add_tcPr().append(borders)


def _stack(table, r: int, c: int, cell) -> object:  # type: ignore[no-untyped-def]
    """A cell spanning rows drawn as cells stacked without borders between them, text in the first.

    For PDF output only: LibreOffice (7.x) drops whole table rows when a vertically merged cell
    crosses a page break (表三's group labels), so the PDF is laid out from a DOCX without vMerge."""
    for k in range(cell.rowspan):
        part = table.cell(r + k, c)
        if cell.colspan > 1:
            part = part.merge(table.cell(r + k, c + cell.colspan - 1))
        _open_edges(part, top=k > 0, bottom=k < cell.rowspan - 1)
    return table.cell(r, c)


def _table(doc, grid: Grid, row_merges: bool = True) -> None:  # type: ignore[no-untyped-def]
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    rows = dense(grid)
    width = len(rows[0])
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    _set_widths(table, width)
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while c < width and rows[r][c] is not cell:
                c += 1
            target = table.cell(r, c)
            if cell.rowspan > 1 and not row_merges:
                target = _stack(table, r, c, cell)
            elif cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            para = target.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(para.add_run(cell.text), 8 if width >= 10 else 10, cell.header)
            c += cell.colspan


def render_docx(record: dict[str, Any], out: Path, row_merges: bool = True) -> None:
    """`row_merges=False` draws cells spanning rows as borderless stacks (the PDF path: see _stack)."""
    from docx import Document

    doc = Document()
    _paragraph(doc, title(record), 18, bold=True, center=True)
    note = override_note(record)
    if note:
        _paragraph(doc, note, 12, bold=True)
    _paragraph(doc, preamble(record))
    for part in parts(record):
        _paragraph(doc, part.heading, 14, bold=True)
        for p in part.paragraphs:
            _paragraph(doc, p)
        if part.grid:
            _table(doc, part.grid, row_merges)
    doc.save(str(out))
