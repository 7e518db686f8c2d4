"""Where a table's columns sit on the page, for rows printed with blank cells left out.

Layout-preserving text (`pdftotext -layout`, the PDF reader) sets every number under its column; a
row with fewer numbers than cells tells which cells are blank only through horizontal position. The
guide for a row is the x-centres of its columns, taken from the nearest complete row of the same
kind (numbers printed in every cell) or else from the nearest header block above it: the column
words (自然人, 商业/企业 stacked, 结果/维持 …) matched by their distinctive pieces and ordered left to
right. Positions are in characters of the line (Provenance.x).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

from xxgk.extract.labels import normalize
from xxgk.extract.numbers import ZERO_WORDS
from xxgk.extract.rows import LogicalRow
from xxgk.extract.template import ColumnSpec, TableSpec
from xxgk.extract.units import Unit

_WORD: Final = re.compile(r"\S+")
_HAS_DIGIT: Final = re.compile(r"\d")
SAME_COLUMN: Final = 2.0  # header pieces whose centres are this close belong to one column
COLUMN_JITTER: Final = 1.5  # numbers of one column: centres this close (digits and widths vary)


def _values_line(text: str) -> bool:
    """A line of numbers, not of column names: it has digits, or a word printed for zero standing
    alone ('政府集中采购      -')."""
    return _HAS_DIGIT.search(text) is not None or any(w in ZERO_WORDS for w in _WORD.findall(text))


@dataclass(slots=True, init=False)
class _Token:
    text: str  # normalised
    centre: float

    def __init__(self, text: str, centre: float) -> None:
        self.text, self.centre = text, centre


def _leaf(label: str) -> str:
    return normalize(label.split("·")[-1])


Block = tuple[int, list[_Token]]  # (last line, header words) of a run of digit-free lines


def _blocks(units: list[Unit], words: Callable[[Unit], list[_Token] | None]) -> list[Block]:
    """Runs of consecutive units that `words` reads as header words (None ends a run)."""
    blocks: list[Block] = []
    run: list[_Token] = []
    last = -1
    for unit in units:
        found = None if _values_line(unit.text) else words(unit)
        if found is None:
            if run:
                blocks.append((last, run))
            run = []
            continue
        run += found
        last = unit.prov.line or unit.prov.row or last
    if run:
        blocks.append((last, run))
    return blocks


def _text_words(unit: Unit) -> list[_Token] | None:
    """A layout text line's words, each at its character centre."""
    if unit.kind != "text" or unit.prov.x is None:
        return None
    base = unit.prov.x
    return [
        _Token(normalize(m.group()), base + m.start() + len(m.group()) / 2) for m in _WORD.finditer(unit.text)
    ]


def _clusters(centres: list[float]) -> list[float]:
    out: list[list[float]] = []
    for c in sorted(centres):
        if out and c - out[-1][-1] <= SAME_COLUMN:
            out[-1].append(c)
        else:
            out.append([c])
    return [sum(g) / len(g) for g in out]


def _from_header(tokens: list[_Token], leaves: list[str]) -> list[float] | None:
    """Column centres from header words: each leaf by the pieces no other leaf of the row contains."""
    distinct = list(dict.fromkeys(leaves))

    def names(token: str, leaf: str) -> bool:
        """A piece of the word, or (for words long enough not to sit inside a group heading such
        as 法人或其他组织) the word with more around it (本年处理决定数量 for 处理决定数量)."""
        return bool(token) and (token in leaf or (len(leaf) >= 4 and leaf in token))

    found: dict[str, list[float]] = {}
    for leaf in distinct:
        own = [
            t.centre
            for t in tokens
            if names(t.text, leaf) and not any(names(t.text, other) for other in distinct if other != leaf)
        ]
        found[leaf] = _clusters(own)
        if len(found[leaf]) != leaves.count(leaf):
            return None
    seen: dict[str, int] = {}
    guide = []
    for leaf in leaves:
        guide.append(found[leaf][seen.get(leaf, 0)])
        seen[leaf] = seen.get(leaf, 0) + 1
    return guide if all(a < b for a, b in pairwise(guide)) else None


def _centres(row: LogicalRow) -> list[float] | None:
    if any(s.prov.x is None for s in row.values):
        return None
    return [float(s.prov.x) + len(s.raw) / 2 for s in row.values]  # type: ignore[arg-type]


def _from_full_rows(
    row: LogicalRow, columns: tuple[str, ...], peers: list[tuple[tuple[str, ...], LogicalRow]]
) -> list[float] | None:
    """The nearest row of the same columns with a number in every cell (`peers` are all full)."""
    line = row.prov.line or 0
    full = [(abs((p.prov.line or 0) - line), p) for cols, p in peers if cols == columns]
    for _, peer in sorted(full, key=lambda t: t[0]):
        centres = _centres(peer)
        if centres is not None and all(a < b for a, b in pairwise(centres)):
            return centres
    return None


def _from_values(rows: list[LogicalRow], arity: int) -> list[float] | None:
    """Column centres from where the numbers of every row sharing the columns stand: as many tight
    clusters as columns, well apart. A table with blank cells in every row has no complete row, and
    header words may not sit over their numbers (`pdftotext -layout` sets CJK one column a character,
    digits by their own width); the numbers under one column line up across rows whatever the header."""
    centres = sorted(c for row in rows for c in (_centres(row) or ()))
    groups: list[list[float]] = []
    for c in centres:
        if groups and c - groups[-1][-1] <= COLUMN_JITTER:
            groups[-1].append(c)
        else:
            groups.append([c])
    if len(groups) != arity or any(len(g) < 2 or g[-1] - g[0] > 2 * COLUMN_JITTER for g in groups):
        return None  # a column no two rows agree on is no evidence
    guide = [sum(g) / len(g) for g in groups]
    return guide if all(b - a >= 3 * COLUMN_JITTER for a, b in pairwise(guide)) else None


def column_guides(
    units: list[Unit], table: TableSpec, columns: dict[str, ColumnSpec], mapped: dict[int, LogicalRow]
) -> dict[int, list[float]]:
    """Spec-row index → x-centre of each of its columns, for text rows that left cells out: from the
    nearest complete row, else from the numbers of all rows, else from the header words."""
    short = (not r.explicit and 0 < len(r.values) < len(table.rows[si].columns) for si, r in mapped.items())
    if not any(short) or not _laid_out([r for r in mapped.values() if not r.explicit], units):
        return {}
    blocks = _blocks(units, _text_words)
    peers = [
        (cols, r)
        for si, r in mapped.items()
        if not r.explicit and len(r.values) == len(cols := table.rows[si].columns)
    ]
    by_columns: dict[tuple[str, ...], list[LogicalRow]] = {}
    for si, r in mapped.items():
        if not r.explicit and r.values:
            by_columns.setdefault(table.rows[si].columns, []).append(r)
    from_values: dict[tuple[str, ...], list[float] | None] = {}
    out: dict[int, list[float]] = {}
    for si, row in mapped.items():
        cols = table.rows[si].columns
        if row.explicit or not row.values or len(row.values) >= len(cols) or _centres(row) is None:
            continue
        guide = _from_full_rows(row, cols, peers)
        if guide is None:
            if cols not in from_values:
                from_values[cols] = _from_values(by_columns[cols], len(cols))
            guide = from_values[cols]
        if guide is None:
            leaves = [_leaf(columns[c].label) for c in cols]
            line = row.prov.line or 0
            above = [tokens for last, tokens in reversed(blocks) if last < line]
            guide = next((g for g in (_from_header(t, leaves) for t in above) if g is not None), None)
            if guide is not None and not _under(guide, by_columns[cols]):
                guide = None
        if guide is not None:
            out[si] = guide
    return out


def _laid_out(rows: list[LogicalRow], units: list[Unit]) -> bool:
    """Whether the table was set out with spaces: some row prints a number two or more spaces after
    what precedes it on its line (a label, another number, the margin). Text that parts everything
    by one space (`pdftotext -raw`, text copied from a page) keeps no column positions — a number's
    place there is the length of the label before it, no evidence of which cells are blank."""
    wanted = {s.prov.line for row in rows for s in row.values}
    lines: dict[int, str] = {}
    for unit in units:
        n, x = unit.prov.line, unit.prov.x
        if unit.kind == "text" and n is not None and n in wanted and x is not None:
            lines[n] = lines.get(n, "").ljust(int(x)) + unit.text
    for row in rows:
        for slot in row.values:
            line = lines.get(slot.prov.line or -1, "")
            x = -1 if slot.prov.x is None else int(slot.prov.x)
            if 2 <= x <= len(line) and line[x - 2 : x].isspace():
                return True
    return False


def _under(guide: list[float], rows: list[LogicalRow]) -> bool:
    """Whether every number of these rows stands close under one of the header's columns. Text whose
    header words do not sit over their numbers (`pdftotext -layout` packs a line's CJK words one
    column a character and pushes what follows to the right) would put numbers under wrong columns."""
    near = min((b - a for a, b in pairwise(guide)), default=0.0) / 4
    return all(min(abs(g - c) for g in guide) <= near for row in rows for c in (_centres(row) or ()))


GRID_STEP: Final = 10.0  # a grid column as a header "centre": far beyond SAME_COLUMN from its neighbours


def _grid_words(unit: Unit) -> list[_Token] | None:
    """A grid row's cell texts, each at its column (scaled by GRID_STEP)."""
    if unit.kind != "row" or unit.row is None or any(c.prov.col is None for c in unit.row.cells):
        return None
    return [_Token(normalize(c.text), GRID_STEP * c.prov.col) for c in unit.row.cells if c.text.strip()]  # type: ignore[operator]


def _evidence(row: LogicalRow, arity: int) -> tuple[int, ...] | None:
    """Where a grid row shows the table's columns: its cells when it has exactly one per column, or
    its numbers when it has a number in every column."""
    cells = row.slots if len(row.slots) == arity else row.values if len(row.values) == arity else None
    if cells is None or any(s.prov.col is None for s in cells):
        return None
    cols = tuple(s.prov.col for s in cells)
    return cols if all(a < b for a, b in pairwise(cols)) else None  # type: ignore[return-value,operator]


def grid_guides(
    units: list[Unit], table: TableSpec, columns: dict[str, ColumnSpec], mapped: dict[int, LogicalRow]
) -> dict[int, list[int]]:
    """Spec-row index → grid column of each of its columns, for grid rows with more cells than columns.

    A markdown conversion pads a merged cell with empty cells (`| （二）部分公开 |  |  | 0 |`): which
    empty cell is padding only the table's columns can tell. They are trusted only where the table is
    a true grid: the header rows above name each column's position (自然人 … 总计) and every row that
    shows the columns (one cell or one number per column) shows them there. Tab-separated text, where
    merged cells shift rows differently, fails that and gets no guide: the layout prior decides.
    """
    padded = [
        si
        for si, row in mapped.items()
        if row.explicit
        and len(row.slots) > len(table.rows[si].columns)
        and all(s.prov.col is not None for s in row.slots)
    ]
    if not padded:
        return {}
    shown: dict[tuple[str, ...], set[tuple[int, ...]]] = {}
    for si, row in mapped.items():
        cols = table.rows[si].columns
        if row.explicit and (seen := _evidence(row, len(cols))) is not None:
            shown.setdefault(cols, set()).add(seen)
    blocks: list[Block] | None = None
    found: dict[tuple[tuple[str, ...], int], list[int] | None] = {}  # (columns, header block) → guide
    out: dict[int, list[int]] = {}
    for si in padded:
        row, cols = mapped[si], table.rows[si].columns
        if len(shown.get(cols, ())) > 1:
            continue  # rows disagree on where the columns are: not a true grid
        blocks = _blocks(units, _grid_words) if blocks is None else blocks
        line = row.prov.line or row.prov.row or 0
        above = sum(1 for last, _ in blocks if last < line)
        if (cols, above) not in found:
            leaves = [_leaf(columns[c].label) for c in cols]
            found[cols, above] = _header_guide(blocks[:above], leaves)
        guide = found[cols, above]
        if guide is not None and shown.get(cols, set()) <= {tuple(guide)}:
            out[si] = guide
    return out


def _header_guide(above: list[Block], leaves: list[str]) -> list[int] | None:
    """The columns named by the nearest header block (of those above the row) that names them all."""
    headers = (_from_header(tokens, leaves) for _, tokens in reversed(above))
    guide = next((g for g in headers if g is not None), None)
    return None if guide is None else [round(g / GRID_STEP) for g in guide]
