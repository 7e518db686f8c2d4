"""Choose one reading per row so that the template's identities hold.

Order of evidence: identities that can be checked (hard), identities with blanks taken as 0 (soft),
figures stated in the narrative, then the layout prior (reading cost). Readings still tied after all
of that make the cells on which they differ ambiguous: null, with the candidates listed.

Readings of one row that differ only in where a blank sits (same numbers, blanks read as 0, same
cost, same narrative hints) weigh the same for every identity; the search treats each such class
as one reading and the cells on which its members differ are reported as ambiguous afterwards.
Without that, a blank-heavy table makes the search enumerate every equivalent placement.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import product
from math import prod
from typing import Final

from xxgk.extract.readings import Reading
from xxgk.extract.search import Score, Search, assign_values, evaluate
from xxgk.extract.template import Identity

MAX_NODES: Final = 200_000
MAX_CHECKS: Final = 400_000  # identities weighed in one search: ~1 s; beyond, the cells stay open
MAX_TIES: Final = 64
_ZERO: Final = Decimal(0)
__all__ = ["RowChoice", "Score", "Solution", "solve"]


@dataclass(slots=True, init=False)
class RowChoice:
    keys: tuple[str, ...]  # cell key of each column
    readings: list[Reading]

    def __init__(self, keys: tuple[str, ...], readings: list[Reading]) -> None:
        self.keys, self.readings = keys, readings


@dataclass(slots=True, init=False)
class Solution:
    values: dict[str, Decimal | None]
    chosen: dict[int, int]  # row index → reading index (first best assignment)
    ambiguous: dict[str, list[Decimal | None]]
    candidates: list[dict[str, Decimal | None]]
    score: Score

    def __init__(
        self, values: dict[str, Decimal | None], chosen: dict[int, int], score: Score = (0, 0, 0, 0)
    ) -> None:
        self.values, self.chosen, self.score, self.ambiguous, self.candidates = values, chosen, score, {}, []


def _prune_locally(rows: list[RowChoice], identities: list[Identity]) -> None:
    """Keep, in each row, the readings that break the fewest identities lying wholly inside that row."""
    for row in rows:
        if len(row.readings) < 2:
            continue
        keys = set(row.keys)
        local = [ident for ident in identities if set(ident.cells) <= keys]
        if not local:
            continue
        scored = []
        for r in row.readings:
            vals = assign_values({}, row.keys, r.values)
            scored.append(sum(evaluate(ident, vals)[0] for ident in local))
        low = min(scored)
        row.readings = [r for r, s in zip(row.readings, scored, strict=True) if s == low]


def _classes(row: RowChoice, hints: dict[str, set[Decimal]]) -> list[list[int]]:
    """Reading indices grouped by what the search can tell apart: numbers (blanks as 0), cost, hints."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for j, r in enumerate(row.readings):
        hinted = tuple(v in hints[row.keys[c]] for c, v in enumerate(r.values) if row.keys[c] in hints)
        key = (tuple(v or _ZERO for v in r.values), r.cost, hinted)
        groups.setdefault(key, []).append(j)
    return list(groups.values())


def _expand(ties: list[dict[int, int]], classes: list[list[list[int]]]) -> list[dict[int, int]]:
    """Tied assignments over class representatives → assignments over the rows' own readings."""
    out: list[dict[int, int]] = []
    for tie in ties:
        members = [cls[tie.get(i, 0)] if cls else [0] for i, cls in enumerate(classes)]
        for combo in product(*members):
            out.append(dict(enumerate(combo)))
            if len(out) >= MAX_TIES:
                return out
    return out


def _unsettled(rows: list[RowChoice], order: list[int]) -> set[str]:
    out: set[str] = set()
    for i in order:
        for c, key in enumerate(rows[i].keys):
            if len({r.values[c] for r in rows[i].readings}) > 1:
                out.add(key)
    return out


def _values(rows: list[RowChoice], assign: dict[int, int]) -> dict[str, Decimal | None]:
    out: dict[str, Decimal | None] = {}
    for i, row in enumerate(rows):
        j = assign.get(i, 0)
        if row.readings:
            assign_values(out, row.keys, row.readings[j].values)
    return out


def _differing(rows: list[RowChoice], classes: list[list[list[int]]], ties: list[dict[int, int]]) -> set[str]:
    """Cells that differ between tied assignments, or between members of a chosen class."""
    out: set[str] = set()
    tie_values = [
        _values(rows, {i: cls[t.get(i, 0)][0] for i, cls in enumerate(classes) if cls}) for t in ties
    ]
    for k in tie_values[0] if tie_values else {}:
        if len({v.get(k) for v in tie_values}) > 1:
            out.add(k)
    for tie in ties:
        for i, cls in enumerate(classes):
            members = cls[tie.get(i, 0)] if cls else []
            for c, key in enumerate(rows[i].keys):
                if len({rows[i].readings[j].values[c] for j in members}) > 1:
                    out.add(key)
    return out


def solve(rows: list[RowChoice], identities: list[Identity], hints: dict[str, set[Decimal]]) -> Solution:
    if all(len(r.readings) <= 1 for r in rows):  # nothing to choose: most tables of most reports
        return Solution(values=_values(rows, {}), chosen=dict.fromkeys(range(len(rows)), 0))
    if prod(len(r.readings) for r in rows) > MAX_NODES:
        _prune_locally(rows, identities)
    for row in rows:  # the layout's favourite first: a good bound is found at the first leaf
        row.readings.sort(key=lambda r: r.cost)
    classes = [_classes(row, hints) for row in rows]
    reduced = [
        RowChoice(row.keys, [row.readings[c[0]] for c in cls]) for row, cls in zip(rows, classes, strict=True)
    ]
    search = Search(reduced, identities, hints, MAX_NODES, MAX_TIES, MAX_CHECKS)
    search.run()
    samples = _expand(search.ties, classes) or [{}]
    values = _values(rows, samples[0])
    chosen = {i: samples[0].get(i, 0) for i in range(len(rows))}
    sol = Solution(values=values, chosen=chosen, score=search.best or (0, 0, 0, 0))
    differing = _differing(rows, classes, search.ties)
    if search.incomplete:  # not every tie was seen: any cell a searched row could change is open
        differing |= _unsettled(rows, search.order)
    if differing:
        all_values = [_values(rows, a) for a in samples]
        keys = [k for k in values if k in differing]
        for k in keys:
            sol.ambiguous[k] = list(dict.fromkeys(v.get(k) for v in all_values))
            sol.values[k] = None
        sol.candidates = [{k: v.get(k) for k in keys} for v in all_values]
    return sol
