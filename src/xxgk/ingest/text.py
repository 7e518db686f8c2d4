"""Text-family reader (.txt, .md, text handed over as a string): lines → paragraphs and table grids.

Recognised grids: tab-separated rows (PDF/Word exports), one-cell-per-line blocks separated by blank
lines (DOCX→text), markdown pipe tables, and HTML tables inside the text (PDF→markdown converters write
tables with merged cells as `<table>` markup, on one line or several). Everything else is a paragraph;
the extractor tokenises paragraphs itself (run-together web text, pdftotext -layout columns). Markup
elsewhere (`<br>`, `<p>`, `&nbsp;`) is taken for what it means, never read as text: the digits of
`colspan="3"` are not a cell.
"""

from __future__ import annotations

import html
import re
from typing import Final

from xxgk.errors import UnreadableError
from xxgk.ingest.clean import BLOCK_TAGS, clean_text, is_page_footer
from xxgk.ingest.linked import PictureReader, in_folder, page_folder, picture_reader
from xxgk.ingest.piped import has_piped_tables, piped_grid
from xxgk.model import Cell, Document, Paragraph, Provenance, Row, Source, Table

MAX_ROW_CELLS: Final = 300  # cells one table row may have (a report's widest, 表四, has 15)
MAX_GRID_CELLS: Final = 200_000  # cells all of a text's tables may have (a report has ~400)
_PIPE_SEPARATOR: Final = re.compile(r"^\s*\|?[\s:|\-]+\|?\s*$")
_TABLE_TAG: Final = re.compile(r"<(/?)table\b[^>]*>", re.I)
_TAG: Final = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
_PICTURE: Final = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)|<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.I)


def _kind(line: str, markdown: bool = False, piped: bool = False) -> str:
    """'html', 'tab', 'blank', 'piped', 'pipe' or 'text'. `markdown`: the text has markdown tables, so
    a line with a '|' is a table row even without the outer pipes (GFM allows leaving them out, and
    html2text does), and a delimiter or rule line (`---|---`, `---`) is no text. `piped`: the text
    writes cells as 'text |' (ingest/piped.py), so a line ending in a pipe is a table line."""
    if "<" in line and _TABLE_TAG.search(line):
        return "html"
    if "\t" in line:
        return "tab"  # a lone tab is an empty cell, not a blank line
    stripped = line.strip()
    if not stripped:
        return "blank"
    if piped and stripped.endswith("|"):
        return "piped"
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return "pipe"
    if markdown and "-" in stripped and _PIPE_SEPARATOR.match(stripped):
        return "blank"
    if markdown and "|" in stripped:
        return "pipe"
    return "text"


def _has_markdown_tables(lines: list[str]) -> bool:
    """A GFM delimiter row (`---|---`, `| :-- | --: |`) anywhere in the text."""
    return any("|" in line and "-" in line and _PIPE_SEPARATOR.match(line) for line in lines)


def _dash_cells(line: str, delimited: bool) -> bool:
    """'| - |  | - |' is cells, zeros printed as dashes among blanks, not a delimiter row: a delimiter
    cell is never empty, and GFM has one delimiter row, under the header, that converters write '---'
    (so '| - | - |' after it is a row of zeros too)."""
    parts = [part.strip() for part in _pipe_parts(line)]
    return "" in parts or (delimited and all(part in ("-", "--") for part in parts))


def _one_cell(line: str) -> bool:
    """A line of a one-cell-per-line block: a tab, then the cell's text (spaces before the tab are a
    converter's indentation of every line, not a cell)."""
    return line.lstrip(" \u3000\xa0").startswith("\t") and line.count("\t") == 1


def _pipe_parts(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return body.split("|")


def _cells(parts: list[str], lineno: int, table: int, row: int) -> list[Cell]:
    return [
        Cell(_plain(p).strip(), Provenance(lineno, None, table, row, i + 1, i)) for i, p in enumerate(parts)
    ]


def _plain(text: str) -> str:
    """Text with its markup resolved: every tag a space (a line break between two numbers must not run
    them together), entities decoded. Most text has no '<' or '&' and is returned as it is."""
    if "<" in text and _TAG.search(text):
        text = _TAG.sub(" ", text)
    return clean_text(html.unescape(text)) if "&" in text else text  # &nbsp; is a space like U+00A0


def _text_lines(line: str) -> list[str]:
    """A text line's paragraphs: one, or several where block markup (`<p>`, `<br>`) breaks it."""
    if "<" not in line or not _TAG.search(line):
        return [_plain(line)]
    pieces, last = [], 0
    for m in _TAG.finditer(line):
        if m.group(2).lower() in BLOCK_TAGS:
            pieces.append(line[last : m.start()])
            last = m.end()
    pieces.append(line[last:])
    return [_plain(p) for p in pieces]


def _block_end(lines: list[str], start: int, kind: str, markdown: bool, piped: bool) -> int:
    """Index after the last line of the grid starting at `start` (blank lines inside are allowed)."""
    end = i = start
    while i < len(lines):
        k = _kind(lines[i], markdown, piped)
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
        delimited = False
        for i in nonblank:
            if kind == "pipe" and _PIPE_SEPARATOR.match(lines[i]) and not _dash_cells(lines[i], delimited):
                delimited = True
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


def _html_end(lines: list[str], start: int) -> int:
    """Index after the line that closes the table opened on line `start` (nested tables counted); the
    end of the text when it is never closed."""
    depth = 0
    for i in range(start, len(lines)):
        for m in _TABLE_TAG.finditer(lines[i]):
            depth += -1 if m.group(1) else 1
        if depth <= 0:
            return i + 1
    return len(lines)


def _html_blocks(lines: list[str], start: int, end: int, table_no: int, path: str) -> list[Paragraph | Table]:
    """The HTML tables on lines start..end as grids (cells keep their line), with the text before the
    first and after the last table on those lines as paragraphs."""
    from lxml import etree

    from xxgk.ingest.html import table_grid

    fragment = "\n".join(lines[start:end])
    tags = list(_TABLE_TAG.finditer(fragment))
    closes = [m for m in tags if m.group(1)]
    before = fragment[: tags[0].start()]
    after = fragment[closes[-1].end() :] if closes else ""
    root = etree.fromstring(fragment, etree.HTMLParser(remove_comments=True, remove_pis=True))
    tables = [t for t in root.iter("table") if next(t.iterancestors("table"), None) is None]
    blocks: list[Paragraph | Table] = [
        Paragraph(p.strip(), Provenance(line=start + 1)) for p in _text_lines(before)
    ]
    try:
        blocks += [table_grid(t, table_no + k, line_base=start + 1) for k, t in enumerate(tables)]
    except ValueError as exc:
        raise UnreadableError(path, "文本中的 HTML 表格过大") from exc
    blocks += [Paragraph(p.strip(), Provenance(line=end)) for p in _text_lines(after)]
    return [b for b in blocks if not isinstance(b, Paragraph) or b.text]


def _guard_size(block: list[str], cells: int, path: str) -> int:
    """The cells of the text's tables so far, this block counted (separators + 1 per line: a bound
    found without building anything). A text of endless tabs or pipes is no report's table, and its
    grid would take gigabytes: refused before it is built."""
    for line in block:
        row = line.count("\t") + line.count("|") + 1
        if row > MAX_ROW_CELLS:
            raise UnreadableError(path, f"文本中的表格过大（一行 {row} 个单元格，上限 {MAX_ROW_CELLS}）")
        cells += row
    if cells > MAX_GRID_CELLS:
        raise UnreadableError(path, f"文本中的表格过大（超过 {MAX_GRID_CELLS} 个单元格）")
    return cells


def text_to_document(text: str, source: Source) -> Document:
    """Build the document model from decoded text; line numbers are 1-based in the original text."""
    lines = clean_text(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    markdown = _has_markdown_tables(lines)
    piped = not markdown and has_piped_tables(lines)
    blocks: list[Paragraph | Table] = []
    i, table_no, cells = 0, 0, 0
    while i < len(lines):
        kind = _kind(lines[i], markdown, piped)
        if kind in ("pipe", "tab", "piped"):
            end = _block_end(lines, i, kind, markdown, piped)
            table_no += 1
            cells = _guard_size(lines[i:end], cells, source.path)
            if kind == "piped":
                blocks.append(piped_grid(lines, i, end, table_no))
            else:
                blocks.append(_grid(lines, i, end, kind, table_no))
            i = end
            continue
        if kind == "html":
            end = _html_end(lines, i)
            found = _html_blocks(lines, i, end, table_no + 1, source.path)
            table_no += sum(isinstance(b, Table) for b in found)
            blocks += found
            i = end
            continue
        if kind == "text" and not is_page_footer(lines[i]):
            indent = len(lines[i]) - len(lines[i].lstrip())  # layout text: the column matters
            for piece in _text_lines(lines[i]):
                if piece.strip():
                    blocks.append(Paragraph(piece.strip(), Provenance(line=i + 1, x=indent)))
        i += 1
    meta: dict[str, str] = {}
    if "![" in text or "<img" in text.lower():
        blocks = _with_pictures(blocks, lines, source.path, meta)
    return Document(blocks=blocks, source=source, meta=meta)


def _with_pictures(
    blocks: list[Paragraph | Table], lines: list[str], path: str, meta: dict[str, str]
) -> list[Paragraph | Table]:
    """The OCR'd lines of the pictures the text links to (a conversion that kept its tables as
    pictures: pandoc's `![](media/image3.png)`, an `<img>`), after the blocks of the picture's line,
    when the text lacks the tables and the pictures are on this machine (`linked.picture_reader`)."""
    found = [
        (i + 1, m.group(1) or m.group(2)) for i, line in enumerate(lines) for m in _PICTURE.finditer(line)
    ]
    read = (
        picture_reader("\n".join(lines), [src for _, src in found], in_folder(page_folder(path)), meta)
        if found
        else None
    )
    if read is None:
        return blocks
    out: list[Paragraph | Table] = []
    for block in blocks:
        while found and (block.prov.line or 0) > found[0][0]:
            out += _picture_paragraphs(read, *found.pop(0))
        out.append(block)
    for line, src in found:
        out += _picture_paragraphs(read, line, src)
    return out


def _picture_paragraphs(read: PictureReader, line: int, src: str) -> list[Paragraph]:
    return [Paragraph(text, Provenance(line=line, confidence=conf)) for text, conf in read(src)]
