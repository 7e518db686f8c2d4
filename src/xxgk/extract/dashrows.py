"""Rows holding zero cells printed as dashes, once the row's number of cells is known (read_table):
a minus that is a dash, a run of dashes that is several cells, a pair that is one ('——').

zerowords.py finds the words in a line's text; here they are weighed against the row they sit in.
"""

from __future__ import annotations

from decimal import Decimal

from xxgk.extract.labels import MINUS
from xxgk.extract.numbers import ZERO_WORDS
from xxgk.extract.rows import LogicalRow, Slot, value_slot


def prepare_row(row: LogicalRow, arity: int, signed: bool, dash_pairs: bool) -> None:
    """`signed`: a column of the row may be negative; `dash_pairs`: the report prints '——' for a zero."""
    if dash_pairs:
        pair_dashes(row)
    else:
        split_dash_runs(row, arity)
    if not signed:
        dash_zeros(row, arity)


def pair_dashes(row: LogicalRow) -> None:
    """'12————3' in a report whose dashes all come in pairs: two zero cells, one '——' each."""
    slots: list[Slot] = []
    for slot in row.slots:
        last = slots[-1] if slots else None
        if slot.raw == "—" and last is not None and last.raw == "—" and _next_to(last, slot):
            slots[-1] = Slot("——", Decimal(0), None, last.prov)
        else:
            slots.append(slot)
    if len(slots) != len(row.slots):
        row.slots, row._values = slots, None


def _next_to(left: Slot, right: Slot) -> bool:
    lx, rx = left.prov.x, right.prov.x
    return lx is not None and rx is not None and left.prov.line == right.prov.line and rx == lx + 1


def dash_zeros(row: LogicalRow, arity: int) -> None:
    """In a row with no signed column, a minus in a run of cells is a zero cell printed as a dash, its
    digits the next cell ('91-1-92' = 91 · 0 · 1 · 0 · 92): no count there is negative. So is one set
    apart by spaces ('规范性文件 -11' = 0 · 1 · 1) where the row lacks cells without it."""
    mark_short_minus(row, arity)
    if any(slot.glued for slot in row.slots):
        row.slots, row._values = dash_variant(row.slots)[0], None


def mark_short_minus(row: LogicalRow, arity: int) -> None:
    """A minus set apart by spaces may be a dash too, in a row of text that lacks cells without it."""
    if not row.explicit and _most_cells(row) < arity:
        mark_minus_as_dash(row)


def mark_minus_as_dash(row: LogicalRow) -> None:
    """Read every minus sign before digits of the row (not a number filling its cell) as possibly a
    dash: `dash_variant` divides it off."""
    for slot in row.values:
        if slot.raw[:1] in MINUS and slot.splittable and not slot.whole:
            slot.glued = True


def _most_cells(row: LogicalRow) -> int:
    """The most cells the row's numbers can fill: a digit each in runs, one for any other token."""
    return sum(s.digits if s.splittable else 1 for s in row.values)


def split_dash_runs(row: LogicalRow, arity: int) -> None:
    """'政府集中采购 --' under two columns: a run of dashes that is one zero word ('--', '——') is read
    as one dash per cell where that, and only that, gives the row as many cells as it has."""
    runs = [s for s in row.values if len(s.raw) > 1 and s.raw in ZERO_WORDS]
    if row.explicit or not runs:
        return
    cells = _most_cells(row)
    if cells >= arity or cells + sum(len(s.raw) - 1 for s in runs) != arity:
        return
    slots: list[Slot] = []
    for slot in row.slots:
        if slot in runs:
            slots += [Slot(ch, Decimal(0), None, slot.prov) for ch in slot.raw]
        else:
            slots.append(slot)
    row.slots, row._values = slots, None


def dash_variant(slots: list[Slot]) -> tuple[list[Slot], list[int]]:
    """The slots with each glued minus read as a dash for a zero cell, and the index in `slots` that
    each new slot comes from."""
    out: list[Slot] = []
    origin: list[int] = []
    for i, slot in enumerate(slots):
        digits = value_slot(slot.raw[1:], slot.prov) if slot.glued else None
        if digits is None:
            out.append(slot)
            origin.append(i)
        else:
            out += [Slot(slot.raw[:1], Decimal(0), None, slot.prov), digits]
            origin += [i, i]
    return out, origin
