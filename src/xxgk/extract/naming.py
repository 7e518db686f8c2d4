"""How well a printed label names a template row: the scores every later step builds on."""

from __future__ import annotations

from typing import Final

from xxgk.extract.labels import normalize, strip_markers
from xxgk.extract.rows import LogicalRow
from xxgk.extract.template import RowSpec, TableSpec


def label_score(row: LogicalRow, spec: RowSpec) -> int:
    """How well a printed label names a template row (0 = not at all); longer cores score higher.
    A label spread across its cell (分散对齐: '规   章', '行   政   许   可   182790') has its first
    character set apart like a vertical group label's (rows._margin_char): where the rest names
    nothing, the label is read with it."""
    if not row.label:
        return 0
    score = _score(row.label, row.last_label, spec)
    if score or not row.margin:
        return score
    whole = normalize(row.margin) + row.label
    return _score(whole, whole, spec)


def _score(label: str, last_label: str, spec: RowSpec) -> int:
    if spec.exact:
        bare = {strip_markers(label), strip_markers(last_label)}
        return next((len(c) + 20 for c in spec.cores if c in bare), 0)
    return next((len(c) * 2 for c in spec.cores if c in label), 0)


_SCORES: Final[dict[tuple[int, str, str, str], tuple[int, ...]]] = {}


def label_scores(row: LogicalRow, table: TableSpec) -> tuple[int, ...]:
    """label_score against every row of `table`, memoised: the same labels recur in every report."""
    key = (id(table), row.label, row.last_label, row.margin)
    found = _SCORES.get(key)
    if found is None:
        if len(_SCORES) > 200_000:
            _SCORES.clear()
        found = _SCORES[key] = tuple(label_score(row, spec) for spec in table.rows)
    return found


def is_header(row: LogicalRow, table: TableSpec) -> bool:
    return not row.values and any(h in row.label for h in table.header)


def is_subtotal(row: LogicalRow, table: TableSpec) -> bool:
    """A row the report adds to sum a group (小计, 合计): it takes no template row and joins no label,
    whatever row it follows (a blank '8.属于行政查询事项' + '小计 0 0 0' is not one wrapped row)."""
    label = row.label.rstrip(":：")
    return bool(label) and label.endswith(table.subtotals)


def names_row(row: LogicalRow, table: TableSpec) -> bool:
    """Whether the label names any row of the table."""
    return top_score(label_scores(row, table)) > 0


def top_score(scores: tuple[int, ...]) -> int:
    """The best of some label scores (never negative), 0 for none: `max(..., default=0)` as a loop,
    since compiled code makes a builtin called with a keyword a generic call, thousands a report."""
    top = 0
    for score in scores:
        if score > top:
            top = score
    return top


def best_row(scores: tuple[int, ...]) -> int | None:
    """The template row (index) that a label's scores name best, None for none."""
    top = top_score(scores)
    return scores.index(top) if top > 0 else None
