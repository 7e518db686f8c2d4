"""Trailing-pipe text: what some web-page-to-text converters make of an HTML table.

Every cell is written as its text followed by ' |' (an empty cell as a lone '|'); lines do not start
with a pipe the way markdown rows do. Two shapes are found in the wild:

    row per line     信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
                     一、本年新收政府信息公开申请数量 | 0 | | | | | | 0 |
                     | (二)部分公开… | | | | | | | 0 |        (a leading pipe: an empty first cell)

    cell per line    一、本年新收政府信息公开申请数量 |      (the cells hold paragraphs, so each
                     |                                       starts a line; '|' is an empty cell)
                     0 |
                     ||                                      (the row's merged-away positions)

The second shape has no row breaks. A line of two or more pipes closes a row, and the row's cells plus
those pipes give the table's width; a row without such a line ends when it reaches that width. Before
any width is known, a label after a number or an empty cell starts a new row. In both shapes the
merged-away positions are not cells: a run of them is dropped, and a single one (a lone '|', written
like an empty cell) is told apart by the table's other rows (`_without_single_positions`). A third
shape is markdown-like: '|' alone opens a row and each cell follows on an indented line of its own.
"""

from __future__ import annotations

import re
from typing import Final

from xxgk.model import Cell, Provenance, Row, Table

MIN_LINES: Final = 6  # lines of 'text |' before a text is taken to be written this way
_PIPES_ONLY: Final = re.compile(r"^\|+$")
_VALUE: Final = re.compile(  # what a value cell may hold: a number (signed, with a unit) or a zero-word
    r"^(?:[增减][加少]?|[-+−])?[\d.,，\s]*(?:万元|元|件|项|个|人次|次)?$|^[/／\\\-—－–无\s]+$"
)


def has_piped_tables(lines: list[str]) -> bool:
    """Enough lines that end a cell with ' |' without starting with a pipe (markdown rows do)."""
    count = 0
    for line in lines:
        s = line.strip()
        if len(s) > 1 and s.endswith("|") and not s.startswith("|"):
            count += 1
            if count >= MIN_LINES:
                return True
    return False


def piped_grid(lines: list[str], start: int, end: int, table_no: int) -> Table:
    """The grid of the trailing-pipe block on lines start..end (blank lines skipped)."""
    raw = [(i + 1, lines[i].rstrip()) for i in range(start, end) if lines[i].strip()]
    numbered = [(n, s.strip()) for n, s in raw]
    singles = sum(s.count("|") == 1 or bool(_PIPES_ONLY.match(s)) for _, s in numbered)
    if _opened(raw):
        rows = _rows_from_openers(raw)
    elif singles >= 0.6 * len(numbered):
        rows = _rows_from_cells(numbered)
    else:
        rows = _rows_from_lines(numbered)
    return Table(
        [_row(cells, table_no, r + 1) for r, cells in enumerate(rows) if cells],
        Provenance(line=start + 1, table=table_no),
    )


def _opened(raw: list[tuple[int, str]]) -> bool:
    """Markdown-like rows whose cells start with a paragraph: '|' alone at the start of a line opens
    a row, and every cell follows on a line of its own, indented ('  规章  |', an empty one '   |')."""
    return bool(raw) and raw[0][1] == "|" and all(s == "|" or s[0].isspace() for _, s in raw)


def _rows_from_openers(raw: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Rows of the markdown-like shape: a lone '|' starts the next row."""
    rows: list[list[tuple[int, str]]] = []
    closed: list[bool] = []
    for line, text in raw:
        if text == "|":
            rows.append([])
            closed.append(False)
            continue
        every, kept = text.split("|")[:-1], _row_pieces(text)
        rows[-1] += [(line, p.strip()) for p in kept]
        closed[-1] = closed[-1] or len(kept) < len(every)
    return _without_single_positions(rows, closed)


def _rows_from_lines(numbered: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Rows of the row-per-line shape."""
    pieces = [(n, s.split("|")[:-1], _row_pieces(s)) for n, s in numbered]
    return _without_single_positions(
        [[(n, p.strip()) for p in kept] for n, _, kept in pieces],
        [len(kept) < len(every) for _, every, kept in pieces],
    )


def _row_pieces(line: str) -> list[str]:
    """The cells of a row-per-line row. Pipes run together at its end ('行政许可 | 460 | ||') are the
    row's merged-away positions, not empty cells (those are written '| |'): dropped."""
    pieces = line.split("|")[:-1]
    end = len(pieces)
    while end > 1 and pieces[end - 1] == "":
        end -= 1
    if end < len(pieces) and end > 1 and not pieces[end - 1].strip():
        end -= 1  # the space between the last cell's pipe and the run
    return pieces[:end]


def _row(cells: list[tuple[int, str]], table_no: int, row_no: int) -> Row:
    return Row(
        [
            Cell(text, Provenance(line, None, table_no, row_no, c + 1, c))
            for c, (line, text) in enumerate(cells)
        ],
        Provenance(line=cells[0][0], table=table_no, row=row_no),
    )


def _rows_from_cells(numbered: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Rows of the cell-per-line shape (see the module docstring)."""
    rows: list[list[tuple[int, str]]] = []
    closed: list[bool] = []  # did a line of merged-away positions end the row
    row: list[tuple[int, str]] = []
    width: int | None = None
    for line, text in numbered:
        if _PIPES_ONLY.match(text) and len(text) > 1:  # merged-away positions: the row is complete
            width = len(row) + len(text)
            rows.append(row)
            closed.append(True)
            row = []
            continue
        for cell in [p.strip() for p in text.split("|")[:-1]] or [text]:
            if width is None and row and _starts_row(cell, row[-1][1]):
                rows.append(row)
                closed.append(False)
                row = []
            row.append((line, cell))
            if width is not None and len(row) >= width:
                rows.append(row)
                closed.append(False)
                row = []
    rows.append(row)
    closed.append(False)
    return _without_single_positions(rows, closed)


def _without_single_positions(
    rows: list[list[tuple[int, str]]], closed: list[bool]
) -> list[list[tuple[int, str]]]:
    """A lone '|' ending a row may be an empty cell or the row's one merged-away position. The rows a
    line of pipes closed say how many cells follow the labels in this table; where they all agree, a
    row with one cell more than that, the last a lone '|', ends in a merged-away position: dropped."""
    counts = {len(r) - _labels(r) for r, c in zip(rows, closed, strict=True) if c and len(r) > _labels(r)}
    if len(counts) != 1:
        return rows
    (count,) = counts
    return [
        r[:-1] if not c and r and not r[-1][1] and len(r) - _labels(r) == count + 1 else r
        for r, c in zip(rows, closed, strict=True)
    ]


def _labels(row: list[tuple[int, str]]) -> int:
    """How many cells open the row before its first value or empty cell."""
    return next((i for i, (_, text) in enumerate(row) if _VALUE.match(text)), len(row))


def _starts_row(cell: str, previous: str) -> bool:
    """Without a known width: a label right after a number or an empty cell begins the next row."""
    return bool(cell) and not _VALUE.match(cell) and (not previous or bool(_VALUE.match(previous)))
