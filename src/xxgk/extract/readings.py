"""Candidate readings of one row: which printed value goes to which template column.

A reading never alters a printed number: it only decides where blank cells were (blank alignment) or
where run-together digits divide (digit splits). Choosing between readings is the solver's job.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations, pairwise
from math import comb
from typing import Final

from xxgk.extract.rows import Slot
from xxgk.extract.splits import (
    MAX_READINGS,
    Local,
    Reading,
    blank_splits,
    breaks_local,
    crowded,
    digit_splits,
    identity_splits,
    unreadable,
)

MAX_TWINS: Final = 8  # readings with blank cells a row may add before it abstains (the solver's search
# grows as their product over the rows), counted as the solver does: blanks read as 0
__all__ = [
    "Local",
    "Reading",
    "blank_splits",
    "breaks_local",
    "distinct",
    "plausible_signs",
    "row_readings",
    "too_many",
    "unreadable",
    "weighable_blank_splits",
]


def row_readings(
    slots: list[Slot],
    arity: int,
    explicit: bool,
    guide: list[float] | None = None,
    local: tuple[Local, ...] = (),
    grid: list[int] | None = None,
) -> list[Reading]:
    """`guide`: x-centres of the row's columns (layout text), to place numbers of a row with blanks.

    `grid`: the grid column of each of the row's columns, for a grid row with padding cells.
    `local`: the template's identities lying wholly inside this row (表四's 总计 of each group). When
    run-together digits allow too many divisions to list, only divisions meeting them are listed —
    what the solver would keep anyway — and the row abstains only if those are still too many.
    """
    numeric = [i for i, s in enumerate(slots) if s.value is not None]
    if len(numeric) == arity:
        vals = tuple(slots[i].value for i in numeric)
        return [Reading(vals, 0, tuple(numeric), "direct")]
    if len(numeric) > arity:
        return [crowded(arity)]
    if explicit and len(slots) >= arity:
        return _blank_align(slots, arity, grid)
    aligned = _aligned(slots, numeric, arity, guide) if guide else None
    if aligned is not None:
        return [_unless_misplaced(aligned, slots, numeric, arity, local)]
    divisible, pruned = _divisions(slots, numeric, arity)
    if numeric and all(slots[i].whole for i in numeric):
        return _whole_numbers(slots, numeric, arity, divisible and not pruned)
    if divisible and not _spaced(slots, numeric):
        if pruned and not local:
            return [unreadable(arity)]  # too many digits run together to enumerate: abstain
        splits = (
            identity_splits(slots, numeric, arity, local) if pruned else digit_splits(slots, numeric, arity)
        )
        if len(splits) > MAX_READINGS or (pruned and not splits):
            return [unreadable(arity)]  # the identities leave too many divisions, or none: abstain
        if splits and local and all(breaks_local(r.values, local) for r in splits):
            return _or_blank_cells(slots, numeric, arity, local, splits, pruned)
        if splits:
            return splits
    if any(_leading_zero(slots[i]) for i in numeric):
        return _around_blanks(slots, arity, local)
    return _placements(slots, numeric, arity)


def _leading_zero(slot: Slot) -> bool:
    """'01': no printed number starts with 0 — the digits of several cells run together."""
    digits = slot.raw.lstrip("-−")
    return slot.splittable and len(digits) > 1 and digits[0] == "0" and digits.isdigit()


def _around_blanks(slots: list[Slot], arity: int, local: tuple[Local, ...]) -> list[Reading]:
    """Fewer digits than cells, one run of which cannot be a number ('行政规范性文件01' under three
    columns): its digits are divided and placed around blank cells, every way the row's own sums allow,
    for the table's identities to choose — or the row abstains when they are too many to weigh."""
    twins = weighable_blank_splits(slots, arity, local)
    return twins or [unreadable(arity)]


def _divisions(slots: list[Slot], numeric: list[int], arity: int) -> tuple[bool, bool]:
    """(whether the row's digits are enough to fill its cells, whether their divisions are too many to
    list)."""
    digits = sum(slots[i].digits for i in numeric if slots[i].splittable)
    enough = bool(numeric) and digits + sum(1 for i in numeric if not slots[i].splittable) >= arity
    return enough, comb(max(digits - 1, 0), max(arity - len(numeric), 0)) > MAX_READINGS


def _whole_numbers(slots: list[Slot], numeric: list[int], arity: int, divisible: bool) -> list[Reading]:
    """Every number filled its cell or its line alone, and the row has fewer than its columns: the
    missing cells are blank ones the export lost (a one-cell-per-line text drops empty cells), so the
    numbers are placed, and the table's identities choose. Dividing a number's digits among cells is
    kept as a costlier reading, for a number two merged cells left (a PDF→Word table)."""
    placed = _placements(slots, numeric, arity)
    if not divisible:
        return placed
    splits = digit_splits(slots, numeric, arity)
    return distinct(placed + [Reading(r.values, r.cost + 1, r.sources, r.how, r.parts) for r in splits])


def _or_blank_cells(
    slots: list[Slot],
    numeric: list[int],
    arity: int,
    local: tuple[Local, ...],
    splits: list[Reading],
    pruned: bool,
) -> list[Reading]:
    """Every division breaks the row's own sums: the numbers may stand apart for blank cells instead
    (a layout that squeezed its columns to one space), or the run may hold fewer numbers than cells
    ('281213…' for 2, 8, 1, 2, 13 and a blank later). Those readings join the divisions, costlier, for
    the table's identities to decide — if they meet the row's sums with blanks as 0: a blank that only
    hides a broken sum is no evidence ('100 0 0 00' under seven columns, its 总计 printed 0). Where none
    does, or they are too many to weigh, or the digits were too many to list every division (`pruned`:
    the fewest-breaking were kept), the report's arithmetic may simply be wrong: its numbers are read
    as printed."""
    apart = [
        r
        for r in (_placements(slots, numeric, arity, cost=1) if len(numeric) > 1 else [])
        if not breaks_local(r.values, local, blank_as_zero=True)
    ]
    twins = None if pruned else weighable_blank_splits(slots, arity, local, cost=1)
    return splits + apart if twins is None else distinct(splits + apart + twins)


def weighable_blank_splits(
    slots: list[Slot], arity: int, local: tuple[Local, ...], cost: int = 0
) -> list[Reading] | None:
    """`blank_splits`, or None where they are more than the solver can weigh (or than the walk lists)."""
    twins = blank_splits(slots, arity, local, cost)
    return None if twins is None or too_many(twins) else twins


def too_many(twins: list[Reading]) -> bool:
    """Whether blank-cell readings are too many for the solver to weigh. Readings that differ only in
    which 0 is left blank weigh the same for every identity: the solver takes them as one."""
    return len({tuple(v or 0 for v in r.values) for r in twins}) > MAX_TWINS


def distinct(readings: list[Reading]) -> list[Reading]:
    """The first reading of each set of values."""
    seen: dict[tuple[Decimal | None, ...], Reading] = {}
    for r in readings:
        seen.setdefault(r.values, r)
    return list(seen.values())


def plausible_signs(readings: list[Reading], signed: tuple[bool, ...]) -> list[Reading]:
    """Drop digit splits that cut a minus sign into a column that cannot be negative, when another
    split does not: the sign opens the 本年增/减 cell. A printed negative is never dropped (direct
    readings pass untouched and the audit reports it)."""
    if not any(r.how == "digit-split" for r in readings):
        return readings
    kept = [
        r
        for r in readings
        if r.how != "digit-split" or all(signed[c] or v is None or v >= 0 for c, v in enumerate(r.values))
    ]
    return kept or readings


def _spaced(slots: list[Slot], numeric: list[int]) -> bool:
    """Numbers set apart by two or more spaces (layout text): separate cells, never digits of
    adjacent cells run together — those run together only where nothing separates them."""
    xs = [(slots[i].prov.x, len(slots[i].raw)) for i in numeric]
    if len(xs) < 2 or any(x is None for x, _ in xs):
        return False
    return all(b - (a + n) >= 2 for (a, n), (b, _) in pairwise(xs))  # type: ignore[operator]


def _blank_align(slots: list[Slot], arity: int, grid: list[int] | None = None) -> list[Reading]:
    """Keep `arity` slots in order, dropping only blank ones; prefer keeping the cells that sit in
    the table's columns (`grid`), then drops at the row's edges."""
    n = len(slots)
    blanks = [i for i, s in enumerate(slots) if s.value is None]
    best: dict[tuple[Decimal | None, ...], Reading] = {}
    for dropped in combinations(blanks, n - arity):
        drop = set(dropped)
        kept = [i for i in range(n) if i not in drop]
        cost = sum(1 for i in drop if kept[0] < i < kept[-1])
        if grid is not None:
            cost += (n + 1) * sum(1 for i, col in zip(kept, grid, strict=True) if slots[i].prov.col != col)
        values = tuple(slots[i].value for i in kept)
        if values not in best or cost < best[values].cost:
            best[values] = Reading(values, cost, tuple(kept), "blank-align")
        if len(best) > MAX_READINGS:
            break
    return list(best.values())


def _aligned(slots: list[Slot], numeric: list[int], arity: int, guide: list[float]) -> Reading | None:
    """Each number in the column whose centre is nearest, when every number is clearly under a
    different column (within half the narrowest gap); else None (no position evidence)."""
    gaps = [b - a for a, b in pairwise(guide)]
    tolerance = min(gaps) / 2 if gaps else float("inf")
    values: list[Decimal | None] = [None] * arity
    sources: list[int | None] = [None] * arity
    for i in numeric:
        x = slots[i].prov.x
        if x is None:
            return None
        centre = x + len(slots[i].raw) / 2
        c = min(range(arity), key=lambda k: abs(guide[k] - centre))
        spans = sum(1 for g in guide if x <= g <= x + len(slots[i].raw))  # digits of two cells run together
        if abs(guide[c] - centre) >= tolerance or sources[c] is not None or spans > 1:
            return None
        values[c], sources[c] = slots[i].value, i
    return Reading(tuple(values), 0, tuple(sources), "aligned")


def _unless_misplaced(
    aligned: Reading, slots: list[Slot], numeric: list[int], arity: int, local: tuple[Local, ...]
) -> Reading:
    """Numbers placed by position that break the row's own sums (blanks as 0) where another order of
    placing them meets those sums: the positions may have misled (`pdftotext -layout` squeezes a
    table's CJK header words, so its columns drift) as well as the report's arithmetic be wrong. The
    row abstains rather than guess either way; where no placement meets the sums, it is read as placed
    and the audit reports the arithmetic."""
    if not local or not breaks_local(aligned.values, local, blank_as_zero=True):
        return aligned
    placed = _placements(slots, numeric, arity)
    adds_up = any(not breaks_local(r.values, local, blank_as_zero=True) for r in placed)
    return unreadable(arity) if adds_up else aligned


def _placements(slots: list[Slot], numeric: list[int], arity: int, cost: int = 0) -> list[Reading]:
    """Fewer values than columns and no cell structure: every order-keeping placement is possible."""
    out = []
    for cols in combinations(range(arity), len(numeric)):
        values: list[Decimal | None] = [None] * arity
        sources: list[int | None] = [None] * arity
        for c, i in zip(cols, numeric, strict=True):
            values[c], sources[c] = slots[i].value, i
        out.append(Reading(tuple(values), cost, tuple(sources), "placement"))
    return out
