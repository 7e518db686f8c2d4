"""Labels run together in web text: one text row holding the labels of several template rows, blank
rows among them (their labels alone), or a blank row's label run into a heading of the table."""

from __future__ import annotations

from itertools import pairwise
from typing import Final

from xxgk.extract.labels import MARKERS, MEMO_TEXT, remember
from xxgk.extract.naming import best_row, label_scores, names_row
from xxgk.extract.rows import LogicalRow
from xxgk.extract.template import TableSpec

_ITEM_STARTS: Final[dict[str, tuple[int, ...]]] = {}


def _item_starts(label: str) -> tuple[int, ...]:
    """Where numbered items start in a label, after its first character (labels recur: remembered)."""
    found = _ITEM_STARTS.get(label)
    if found is None:
        found = remember(
            _ITEM_STARTS, label, tuple(m.start() for m in MARKERS.finditer(label) if m.start() > 0)
        )
    return found


_STARTS: Final[dict[tuple[int, str], tuple[int, ...]]] = {}


def _starts(label: str, table: TableSpec) -> tuple[int, ...]:
    """Where a run-together label may be cut: its numbered items, or its last two row names (and the
    items between them: what comes before the first is a heading, '第二十条第(六)项…数量').
    Remembered per table: labels recur in every report, and the row names are tried one by one."""
    key = (id(table), label)
    found = _STARTS.get(key)
    if found is None:
        items, core = _item_starts(label), _last_core_start(label, table)
        core = tuple(_marker_before(label, c, items) for c in core)
        found = tuple(sorted({*(i for i in items if i > core[0]), *core})) if core else items
        if len(label) <= MEMO_TEXT:
            remember(_STARTS, key, found)
    return found


def _marker_before(label: str, start: int, items: tuple[int, ...]) -> int:
    """A row name's start moved back onto the list marker right before it ('3.' of '3.危及…')."""
    for i in (0, *items):
        if i < start and MARKERS.fullmatch(label, i, start):
            return i
    return start


def _last_core_start(label: str, table: TableSpec) -> tuple[int, ...]:
    """Where the label's last two row names start, when it ends with one row's name and names another
    row before it ('…数量行政处罚行政强制' from '行政处罚 [blank] 行政强制 26'); else ()."""
    bare = label.rstrip(":：")
    ends = [
        (len(c), si)
        for si, spec in enumerate(table.rows)
        if not spec.exact
        for c in spec.cores
        if bare.endswith(c)
    ]
    if not ends:
        return ()
    length, own = max(ends)
    start = len(bare) - length
    head = bare[:start]
    before = [
        (head.rfind(c) + len(c), len(c), head.rfind(c))
        for si, spec in enumerate(table.rows)
        if si != own and not spec.exact
        for c in spec.cores
        if c in head
    ]
    return (max(before)[2], start) if before else ()


def split_run_together_labels(rows: list[LogicalRow], table: TableSpec) -> list[LogicalRow]:
    """Web text prints a blank row as its label alone, so consecutive labels run together before the
    next numbers ('2.申请人逾期未按收费…申请3.其他(七)总计5000005'). The numbers belong to the last
    numbered item; the items before it become label-only rows (printed blank). Split only when the
    whole label would name another row than its last item does."""
    out: list[LogicalRow] = []
    for row in rows:
        starts = _starts(row.label, table) if row.values else ()
        if not starts:
            out.append(row)
            continue
        tail = row.label[starts[-1] :]
        own = best_row(label_scores(LogicalRow(tail, tail), table))
        pieces = [row.label[a:b] for a, b in pairwise([0, *starts])]
        if own is None or (
            own == best_row(label_scores(row, table)) and not _names_other(pieces, own, table)
        ):
            out.append(row)
            continue
        for piece in pieces:
            out.append(LogicalRow(piece, piece, [], row.prov, False))
        out.append(LogicalRow(tail, tail, row.slots, row.prov, row.explicit, row.margin))
    return out


def split_heading_tails(rows: list[LogicalRow], table: TableSpec) -> list[LogicalRow]:
    """Web text runs a blank row's label into a heading of the table, after it ('规范性文件第二十条第(五)项
    信息内容…') or before it ('…现行有效件数规章' from '规章 [blank] 规范性文件 150'): as a whole the piece
    is a heading, and the blank row would be lost. A row name among the heading words becomes that row,
    printed blank; so does each of several blank rows whose labels run together (`_blank_item_cuts`)."""
    out: list[LogicalRow] = []
    for row in rows:
        cuts = _heading_word_cuts(row, table) or _blank_item_cuts(row, table)
        if not cuts:
            out.append(row)
            continue
        for a, b in pairwise([0, *cuts, len(row.label)]):
            piece = row.label[a:b]
            out.append(LogicalRow(piece, piece, [], row.prov, False))
    return out


def _blank_item_cuts(row: LogicalRow, table: TableSpec) -> list[int]:
    """Several blank rows' labels run together ('(二)部分公开…(三)不予公开1.属于国家秘密2.其他法律…'):
    cut at the numbered items, a group's label staying with its first item ('(三)不予公开' + '1.…'),
    where every piece names a row of its own (the first may be a heading)."""
    if row.values or row.explicit:
        return []
    label = row.label
    bounds = [0, *(i for i in _item_starts(label) if i > 0), len(label)]
    if len(bounds) < 3:
        return []
    names = [best_row(label_scores(LogicalRow(label[a:b], label[a:b]), table)) for a, b in pairwise(bounds)]
    starts = [bounds[k] for k in range(len(names)) if k == 0 or names[k - 1] not in (None, names[k])]
    if names[-1] is None and len(starts) > 1:  # a group's label whose items follow in the next row
        starts.pop()
    groups = [label[a:b] for a, b in pairwise([*starts, len(label)])]
    named = [best_row(label_scores(LogicalRow(g, g), table)) for g in groups]
    if len(groups) < 2 or None in named[1:] or len(set(named)) < len(named):
        return []
    return starts[1:]


def _heading_word_cuts(row: LogicalRow, table: TableSpec) -> list[int]:
    """Where a label-only text row divides into heading words and the row names between them."""
    if row.values or row.explicit:
        return []
    label = row.label
    covered = [False] * len(label)
    for h in table.header:
        at = label.find(h)
        while at >= 0:
            covered[at : at + len(h)] = [True] * len(h)
            at = label.find(h, at + 1)
    if not any(covered):
        return []
    cuts: list[int] = []
    start = None
    for i in range(len(label) + 1):
        inside = i < len(label) and not covered[i]
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            piece = label[start:i]
            if names_row(LogicalRow(piece, piece), table):  # with the names run together in it
                inner = [start + c for c in _starts(piece, table) if c > 0]
                cuts += [c for c in (start, *inner, i) if 0 < c < len(label)]
            start = None
    return cuts


def _names_other(pieces: list[str], own: int, table: TableSpec) -> bool:
    """Whether the label before the last item names another row on its own ('规章' in '…规章规范性文件'
    from '规章 [blank] 规范性文件 150'), whichever row the whole label names best."""
    return any(best_row(label_scores(LogicalRow(p, p), table)) not in (None, own) for p in pieces)
