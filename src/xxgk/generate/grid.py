"""Grid layouts: tab-separated rows (seeds 000/001/004), one cell per line (002), markdown pipes (003).

All three print the same grid: label cells (merged cells left empty), then the values, padded to the
table's width with empty cells before or after the values, the way exports turn merged cells into
extra or missing cells. Distortions:
  merge       the padding falls differently per row kind (cells before vs after the values)
  drift       (markdown) single rows drift one cell left or right of their header
  page_break  (tab) a run of rows loses its merged group cells and the column count changes
  split_group (tab) a group label is split across two rows: '(四)' above, '无法提供' below
  wrap        (tab) a long label wraps onto a continuation line holding only the rest of the label
  footer      (tab) a page footer line (-3-) between two rows
"""

from __future__ import annotations

import random
from typing import Any

from xxgk.generate.base import CELLS, PrintedRow
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

Line = list[str] | str  # a grid row (cells) or a raw line (footer, blank)
LABEL_COLS = 3


def _cells(labels: tuple[str, ...], values: tuple[str, ...], before: int, after: int) -> list[str]:
    return [*labels, *([""] * before), *values, *([""] * after)]


def _printed(row: TableRow, before: int, after: int) -> PrintedRow:
    tokens = ("",) * before + row.values + ("",) * after
    return PrintedRow(row.table, row.key, row.cell_keys, CELLS, tokens)


def _pads(layout: str, rng: random.Random, dist: frozenset[str]) -> dict[int, tuple[int, int]]:
    """(cells before, cells after the values) for rows with 1, 2 or 3 label cells."""
    if layout == "cell_per_line":
        return {1: (0, 0), 2: (0, 0), 3: (0, 0)}
    pads = {1: (1, 1), 2: (0, 1), 3: (0, 0)}
    if "merge" in dist:
        for depth in (1, 2):
            free = LABEL_COLS - depth + rng.choice((0, 0, 1))
            after = rng.randint(0, free)
            pads[depth] = (free - after, after)
    return pads


def _wrap(row: TableRow, rng: random.Random) -> tuple[TableRow, Line] | None:
    """Cut a long last label; the rest goes on a continuation line in the same label column."""
    label = row.labels[-1]
    if len(label) < 14:
        return None
    cut = rng.randint(6, len(label) - 4)
    head = TableRow(row.table, row.key, (*row.labels[:-1], label[:cut]), row.values, row.cell_keys)
    tail: list[str] = [""] * (len(row.labels) - 1) + [label[cut:]]
    if rng.random() < 0.5:
        tail += [""] * (len(row.values) + LABEL_COLS - len(tail))
    return head, tail


def _reflow(row: TableRow) -> TableRow:
    """After a page break the merged group cells are gone: the label starts in the first column."""
    labels = tuple(p for p in row.labels if p) or row.labels
    return TableRow(row.table, row.key, labels, row.values, row.cell_keys)


def _split_group(rows: list[TableRow], rng: random.Random) -> None:
    """'(四)' stays with the group's first row, '无法提供' moves to the second row's group cell."""
    firsts = [
        i for i, r in enumerate(rows[:-1]) if len(r.labels) == 3 and r.labels[1] and not rows[i + 1].labels[1]
    ]
    for i in rng.sample(firsts, k=min(len(firsts), rng.randint(1, 2))):
        group = rows[i].labels[1]
        cut = group.find(")") + 1 or group.find("）") + 1
        if cut <= 0:
            continue
        rows[i] = TableRow(
            "requests", rows[i].key, (group[:cut], rows[i].labels[2]), rows[i].values, rows[i].cell_keys
        )
        nxt = rows[i + 1]
        rows[i + 1] = TableRow(
            "requests", nxt.key, ("", group[cut:].strip(), nxt.labels[2]), nxt.values, nxt.cell_keys
        )


def _request_header(layout: str) -> list[Line]:
    if layout == "cell_per_line":
        return [
            [NOTE, "申请人情况"],
            ["", "自然人", "法人或其他组织", "总计"],
            ["", "", *COL_LABELS[1:6], ""],
        ]
    return [
        [NOTE, "", "申请人情况", "", "", "", "", "", "总计", ""],
        ["", "", "自然人", "法人或其他组织", "", "", "", "", "", ""],
        ["", "", "", *COL_LABELS[1:6], "", ""],
    ]


def _padding(
    labels: int,
    pads: dict[int, tuple[int, int]],
    reflowed: bool,
    layout: str,
    rng: random.Random,
    drift: bool,
) -> tuple[int, int]:
    """(empty cells before, after the values) of one row with `labels` label cells."""
    width = LABEL_COLS + 7
    before, after = (1, max(0, width - labels - 8)) if reflowed else pads[labels]
    if layout == "markdown":  # a pipe table keeps its width: padding moves, it never appears
        before = min(before, width - labels - 7)
        after = width - labels - 7 - before
    if drift and rng.random() < 0.15:
        shift = rng.choice((-1, 1))
        if (shift < 0 and before) or (shift > 0 and after):
            before, after = before + shift, after - shift
    return before, after


def request_grid(
    record: dict[str, Any], style: Style, rng: random.Random, layout: str, dist: frozenset[str]
) -> tuple[list[Line], list[PrintedRow]]:
    lines = _request_header(layout)
    tab = layout == "tab"
    rows = request_rows(record, style)
    if "split_group" in dist and tab:
        _split_group(rows, rng)
    pads = _pads(layout, rng, dist)
    brk = rng.randint(4, len(rows) - 3) if "page_break" in dist and tab else -1
    brk_end = brk + rng.randint(2, 6) if brk >= 0 else -1
    printed = []
    for i, row in enumerate(rows):
        if i == brk:
            lines.append("")
        if "footer" in dist and tab and rng.random() < 0.06:
            lines += ["", f"-{rng.randint(2, 9)}-", ""]
        reflowed = brk <= i < brk_end
        row = _reflow(row) if reflowed else row
        before, after = _padding(len(row.labels), pads, reflowed, layout, rng, "drift" in dist)
        wrapped = _wrap(row, rng) if "wrap" in dist and tab and rng.random() < 0.2 else None
        row, tail = wrapped if wrapped else (row, None)
        lines.append(_cells(row.labels, row.values, before, after))
        printed.append(_printed(row, before, after))
        if tail is not None:
            lines.append(tail)
    return lines, printed


def proactive_grid(
    record: dict[str, Any], style: Style, rng: random.Random, layout: str, dist: frozenset[str]
) -> tuple[list[Line], list[PrintedRow]]:
    width = 1 + max(len(g.columns) - 1 for g in proactive_groups(record, style))
    unit = rng.random() < 0.3
    pad_cut = rng.randint(1, 4) if "page_break" in dist and layout == "tab" else 99
    lines: list[Line] = []
    printed = []
    for n, group in enumerate(proactive_groups(record, style, unit)):
        padded = layout != "cell_per_line" and n < pad_cut
        fill = (lambda cells: cells + [""] * (width - len(cells))) if padded else (lambda cells: cells)
        lines.append(fill([group.heading]))
        lines.append(fill(list(group.columns)))
        for row in group.rows:
            cells = fill([row.labels[0], *row.values])
            lines.append(cells)
            after = len(cells) - 1 - len(row.values)
            printed.append(_printed(row, 0, after))
    return lines, printed


def appeal_grid(
    record: dict[str, Any], style: Style, rng: random.Random, layout: str
) -> tuple[list[Line], list[PrintedRow]]:
    row = appeal_row(record, style)
    if layout == "cell_per_line":
        lines: list[Line] = [
            ["行政复议", "行政诉讼"],
            [*APPEAL_LEAVES, APPEAL_GROUP_LABELS[1], APPEAL_GROUP_LABELS[2]],
            ["", "", "", "", "", *APPEAL_LEAVES, *APPEAL_LEAVES],
        ]
    else:
        spaced = [w[:2] + " " + w[2:] if len(w) == 4 and rng.random() < 0.5 else w for w in APPEAL_LEAVES]
        lines = [
            ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
            [*spaced, APPEAL_GROUP_LABELS[1], "", "", "", "", APPEAL_GROUP_LABELS[2], "", "", "", ""],
            ["", "", "", "", "", *spaced, *spaced],
        ]
    if any(row.values) or rng.random() < 0.5:
        lines.append(list(row.values))
    return lines, [_printed(row, 0, 0)]


def grid_tables(
    record: dict[str, Any], style: Style, rng: random.Random, layout: str, dist: frozenset[str]
) -> dict[str, tuple[list[Line], list[PrintedRow]]]:
    """The three tables as grid lines, with what a reader sees of each data row."""
    return {
        "proactive": proactive_grid(record, style, rng, layout, dist),
        "requests": request_grid(record, style, rng, layout, dist),
        "appeals": appeal_grid(record, style, rng, layout),
    }


def serialise(lines: list[Line], layout: str) -> list[str]:
    """Grid lines → text lines for one table in the given layout."""
    out: list[str] = []
    if layout == "cell_per_line":
        for line in lines:
            if isinstance(line, list):
                out += [f"\t{c}" for c in line] + [""]
        return out
    if layout == "markdown":
        width = max(len(line) for line in lines if isinstance(line, list))
        for n, line in enumerate(line for line in lines if isinstance(line, list)):
            cells = line + [""] * (width - len(line))
            out.append("| " + " | ".join(cells) + " |")
            if n == 0:
                out.append("|" + "---|" * width)
        return out
    return [line if isinstance(line, str) else "\t".join(line) for line in lines]
