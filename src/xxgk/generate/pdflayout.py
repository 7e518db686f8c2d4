"""`pdftotext -layout` output: every line a row of characters, table columns aligned by spaces.

What the real thing does and this imitates: prose wrapped at a fixed width with page footers (-4-)
between pages, including inside tables; table headers over several lines, column words stacked
(商业/企业, 结果/维持); the outer group label of 表三 printed down the first column one character per
line (三/、/本/年/度/…); long row labels wrapped inside their column, the values on the label's first,
middle or last line (distortion `valign`); blank cells simply absent — only their horizontal
position tells which column a printed number belongs to, so a reader places every value exactly.
Distortions: wrap (narrow label columns), footer, valign, indent (the whole table shifted right),
spread (short labels spread evenly across their cell, Word's 分散对齐: '规      章', '（  七  ）  总  计').
"""

from __future__ import annotations

import random
from typing import Any

from xxgk.generate.base import PLACED, PrintedRow, Rendering
from xxgk.generate.model import (
    APPEAL_GROUP_LABELS,
    APPEAL_LEAVES,
    COL_LABELS,
    NOTE,
    Style,
    TableRow,
    appeal_row,
    proactive_groups,
    request_rows,
)
from xxgk.generate.prose import preamble, title_lines

PAGE_LINES = 44


class Canvas:
    """Lines of characters; text is written at a character column, spaces fill the gaps."""

    def __init__(self, indent: int = 0) -> None:
        self.rows: list[list[str]] = []
        self.indent = indent

    def put(self, row: int, x: int, text: str) -> None:
        while len(self.rows) <= row:
            self.rows.append([])
        line, x = self.rows[row], x + self.indent
        line.extend(" " * (x + len(text) - len(line)))
        line[x : x + len(text)] = list(text)

    def centre(self, row: int, centre: float, text: str) -> None:
        self.put(row, max(0, round(centre - len(text) / 2)), text)

    def lines(self) -> list[str]:
        return ["".join(r).rstrip() for r in self.rows]


def _chunks(text: str, width: int) -> list[str]:
    """Cut a label into lines of at most `width` characters (never inside a number)."""
    out, rest = [], text
    while len(rest) > width:
        cut = width
        while 0 < cut < len(rest) and rest[cut - 1].isdigit() and rest[cut].isdigit():
            cut -= 1
        out.append(rest[: cut or width])
        rest = rest[cut or width :]
    return [*out, rest] if rest else out


def _stack(word: str, width: int) -> list[str]:
    """A column word stacked in pieces that fit the column (商业企业 → 商业/企业)."""
    return [word] if len(word) <= width - 2 else _chunks(word, 2)


def _values(canvas: Canvas, row: int, centres: list[float], values: tuple[str, ...]) -> None:
    for c, v in zip(centres, values, strict=True):
        if v:
            canvas.centre(row, c, v)


class _Layout:
    def __init__(self, rng: random.Random, dist: frozenset[str]) -> None:
        self.rng = rng
        self.dist = dist
        self.valign = rng.choice(("top", "middle", "bottom")) if "valign" in dist else "top"
        self.gap = rng.choice((0, 1)) if rng.random() < 0.5 else 0
        self.indent = rng.randint(0, 6) if "indent" in dist else 0
        self.spread = "spread" in dist and rng.random() < 0.5
        self.group_width = 12

    def spaced(self, label: str, width: int) -> str:
        """The label spread evenly over `width` characters (distortion `spread`), if it is short."""
        if not self.spread or not 1 < len(label) <= 12 or len(label) >= width:
            return label
        gap = (width - len(label)) // (len(label) - 1)
        return (" " * gap).join(label) if gap else label

    def value_line(self, height: int) -> int:
        return {"top": 0, "middle": (height - 1) // 2, "bottom": height - 1}[self.valign]

    def proactive(self, record: dict[str, Any], style: Style) -> tuple[list[str], list[PrintedRow]]:
        canvas, printed, y = Canvas(self.indent), [], 0
        spacing = self.rng.randint(14, 18)
        for group in proactive_groups(record, style, self.rng.random() < 0.3):
            centres = [18 + spacing * j + spacing / 2 for j in range(len(group.columns) - 1)]
            canvas.put(y, 14, group.heading)
            canvas.put(y + 2, 7, group.columns[0])
            for c, word in zip(centres, group.columns[1:], strict=True):
                canvas.centre(y + 2, c, word)
            y += 4
            for row in group.rows:
                canvas.put(y, 0, self.spaced(row.labels[0], 17))
                _values(canvas, y, centres, row.values)
                printed.append(PrintedRow(row.table, row.key, row.cell_keys, PLACED, row.values))
                y += 2
        return canvas.lines(), printed

    def _request_header(self, canvas: Canvas, centres: list[float], spacing: int) -> int:
        canvas.centre(0, (centres[0] + centres[-1]) / 2, "申请人情况")
        canvas.centre(1, (centres[1] + centres[5]) / 2, "法人或其他组织")
        for k, piece in enumerate(_chunks(NOTE, 28)):
            canvas.put(2 + k, 0, piece)
        depth = 0
        for j, word in enumerate(COL_LABELS):
            pieces = _stack(word, spacing)
            top = 2 if j in (0, 6) else 3
            for k, piece in enumerate(pieces):
                canvas.centre(top + k, centres[j], piece)
            depth = max(depth, top + len(pieces))
        return depth + 1

    def _row_lines(self, row: TableRow, narrow: int | None) -> tuple[int, int, list[str]]:
        """(label x, label line width, label lines) of one 表三 row; `narrow`: the item labels' width
        where the label column is narrow (wrapped inside template words: '1.申请人无正' | '当理由…')."""
        if len(row.labels) == 1:
            x = 3 if row.key == "total" else 0
            return x, 30 - x, _chunks(row.labels[0], 30 - x)
        if len(row.labels) == 2:
            return 3, 26, _chunks(row.labels[1], narrow + 2 if narrow else 26)
        return 16, 13, _chunks(row.labels[2], narrow or 13)

    def requests(self, record: dict[str, Any], style: Style) -> tuple[list[str], list[PrintedRow], list[int]]:
        canvas = Canvas(self.indent)
        spacing = self.rng.randint(5, 8)
        centres = [34 + spacing * j + spacing / 2 for j in range(7)]
        y = self._request_header(canvas, centres, spacing)
        narrow = self.rng.randint(5, 10) if "wrap" in self.dist and self.rng.random() < 0.7 else None
        # a narrow group column wraps （六）其他处理 beside the item labels ('（六）其' / '他处理')
        self.group_width = self.rng.choice((4, 5, 12)) if narrow else 12
        rows, printed, breaks = request_rows(record, style), [], []
        block = [i for i, r in enumerate(rows) if len(r.labels) > 1]
        top = end = y
        sub: dict[str, int] = {}
        for i, row in enumerate(rows):
            x, _, pieces = self._row_lines(row, narrow)
            if i == block[0]:
                top = y
            if len(row.labels) == 3 and row.labels[1]:
                sub[row.labels[1]] = y
            for k, piece in enumerate(pieces):
                canvas.put(y + k, x, self.spaced(piece, 33 - x) if len(row.labels) == 1 else piece)
            _values(canvas, y + self.value_line(len(pieces)), centres, row.values)
            printed.append(PrintedRow(row.table, row.key, row.cell_keys, PLACED, row.values))
            y += len(pieces)
            if i == block[-1]:
                end = y
            breaks.append(y)
            y += self.gap
        self._group_labels(canvas, rows, top, end, sub)
        return canvas.lines(), printed, breaks

    def _group_labels(
        self, canvas: Canvas, rows: list[TableRow], top: int, end: int, sub: dict[str, int]
    ) -> None:
        """三、本年度办理结果 down the first column; each （三）… group label beside its first item."""
        outer = next(r.labels[0] for r in rows if len(r.labels) == 2 and r.labels[0])
        start = top + max(0, (end - top - len(outer)) // 2)
        for k, ch in enumerate(outer):
            canvas.put(start + k, 0, ch)
        for label, line in sub.items():
            for k, piece in enumerate(_chunks(label, self.group_width)):
                canvas.put(line + k, 3, piece)

    def appeals(self, record: dict[str, Any], style: Style) -> tuple[list[str], list[PrintedRow]]:
        canvas = Canvas(self.indent)
        spacing = self.rng.randint(5, 7)
        centres = [2 + spacing * j + spacing / 2 for j in range(15)]
        canvas.centre(0, (centres[0] + centres[4]) / 2, "行政复议")
        canvas.centre(0, (centres[5] + centres[14]) / 2, "行政诉讼")
        canvas.centre(1, (centres[5] + centres[9]) / 2, APPEAL_GROUP_LABELS[1])
        canvas.centre(1, (centres[10] + centres[14]) / 2, APPEAL_GROUP_LABELS[2])
        for j, c in enumerate(centres):
            for k, piece in enumerate(_stack(APPEAL_LEAVES[j % 5], spacing)):
                canvas.centre(2 + k, c, piece)
        row = appeal_row(record, style)
        _values(canvas, 5, centres, row.values)
        return canvas.lines(), [PrintedRow(row.table, row.key, row.cell_keys, PLACED, row.values)]


def _wrap_prose(text: str, width: int = 36) -> list[str]:
    lines = []
    for para in text.split("\n"):
        pieces = _chunks(para, width)
        lines += [("    " if k == 0 else "") + p for k, p in enumerate(pieces)]
    return lines


def _paginate(lines: list[str], rng: random.Random, footers: bool, breakable: set[int]) -> list[str]:
    """Insert page footers (-N-) roughly every PAGE_LINES lines, only after lines in `breakable`."""
    out, page, since = [], 1, 0
    for i, line in enumerate(lines):
        out.append(line)
        since += 1
        if footers and since >= PAGE_LINES and i in breakable:
            out += ["", "", " " * rng.randint(20, 40) + f"-{page}-", ""]
            page, since = page + 1, 0
    return out


def render_layout(record: dict[str, Any], rng: random.Random, dist: frozenset[str]) -> Rendering:
    style, lay = Style.random(rng, "thousands" in dist, "zeros" in dist), _Layout(rng, dist)
    lines = [" " * 16 + t for t in title_lines(record, rng, two_lines=rng.random() < 0.5)]
    lines += _wrap_prose(preamble(record, rng))
    breakable: set[int] = set()
    rows: list[PrintedRow] = []
    for key, section in record["sections"].items():
        lines.append("     " + section["title"])
        body = _wrap_prose(section["text"])
        breakable.update(range(len(lines), len(lines) + len(body)))
        lines += body
        table: list[str] = []
        if key == "proactive":
            table, printed = lay.proactive(record, style)
        elif key == "requests":
            table, printed, ends = lay.requests(record, style)
            breakable.update(len(lines) + e for e in ends)  # the table starts after one blank line
        elif key == "appeals":
            table, printed = lay.appeals(record, style)
        if table:
            lines += ["", *table, ""]
            rows += printed
    return Rendering("\n".join(_paginate(lines, rng, "footer" in dist, breakable)) + "\n", "layout", rows)
