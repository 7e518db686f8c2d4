"""Text-family reader (.txt, .md, text handed over as a string): lines → paragraphs and table grids.

Recognised grids: tab-separated rows (PDF/Word exports), one-cell-per-line blocks separated by blank
lines (DOCX→text), and markdown pipe tables. Everything else is a paragraph; the extractor tokenises
paragraphs itself (run-together web text, pdftotext -layout columns).
"""

from __future__ import annotations

import re
from typing import Final

from xxgk.ingest.clean import clean_text, is_page_footer
from xxgk.model import Cell, Document, Paragraph, Provenance, Row, Source, Table

_PIPE_SEPARATOR: Final = re.compile(r"^\s*\|?[\s:|\-]+\|?\s*$")


def _kind(line: str) -> str:
    if "\t" in line:
        return "tab"  # a lone tab is an empty cell, not a blank line
    stripped = line.strip()
    if not stripped:
        return "blank"
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return "pipe"
    return "text"


def _one_cell(line: str) -> bool:
    """A line of a one-cell-per-line block: a tab, then the cell's text."""
    return line.startswith("\t") and line.count("\t") == 1


def _pipe_parts(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return body.split("|")


def _cells(parts: list[str], lineno: int, table: int, row: int) -> list[Cell]:
    return [Cell(p.strip(), Provenance(lineno, None, table, row, i + 1, i)) for i, p in enumerate(parts)]


def _block_end(lines: list[str], start: int, kind: str) -> int:
    """Index after the last line of the grid starting at `start` (blank lines inside are allowed)."""
    end = i = start
    while i < len(lines):
        k = _kind(lines[i])
        if k == kind:
            end = i + 1
        elif k != "blank":
            break
        i += 1
    return end


def _grid(lines: list[str], start: int, end: int, kind: str, table_no: int) -> Table:
    rows: list[Row] = []
    nonblank = [i for i in range(start, end) if _kind(lines[i]) != "blank"]
    per_line = kind == "tab" and sum(_one_cell(lines[i]) for i in nonblank) >= 0.8 * len(nonblank)
    if per_line:
        group: list[Cell] = []
        for i in range(start, end + 1):
            if i < end and _kind(lines[i]) != "blank":
                n = len(group)
                group.append(
                    Cell(lines[i].strip(), Provenance(i + 1, None, table_no, len(rows) + 1, n + 1, n))
                )
            elif group:
                rows.append(
                    Row(group, Provenance(line=group[0].prov.line, table=table_no, row=len(rows) + 1))
                )
                group = []
    else:
        for i in nonblank:
            if kind == "pipe" and _PIPE_SEPARATOR.match(lines[i]):
                continue
            if is_page_footer(lines[i]):  # its pattern reads tabs as the spaces they stand for
                continue
            parts = _pipe_parts(lines[i]) if kind == "pipe" else lines[i].split("\t")
            rows.append(
                Row(
                    _cells(parts, i + 1, table_no, len(rows) + 1),
                    Provenance(line=i + 1, table=table_no, row=len(rows) + 1),
                )
            )
    return Table(rows, Provenance(line=start + 1, table=table_no))


def text_to_document(text: str, source: Source) -> Document:
    """Build the document model from decoded text; line numbers are 1-based in the original text."""
    lines = clean_text(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Paragraph | Table] = []
    i, table_no = 0, 0
    while i < len(lines):
        kind = _kind(lines[i])
        if kind in ("pipe", "tab"):
            end = _block_end(lines, i, kind)
            table_no += 1
            blocks.append(_grid(lines, i, end, kind, table_no))
            i = end
            continue
        if kind == "text" and not is_page_footer(lines[i]):
            indent = len(lines[i]) - len(lines[i].lstrip())  # layout text: the column matters
            blocks.append(Paragraph(lines[i].strip(), Provenance(line=i + 1, x=indent)))
        i += 1
    return Document(blocks=blocks, source=source)
