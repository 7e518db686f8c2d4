"""Choose one reading per row so that the template's identities hold.

Order of evidence: identities that can be checked (hard), identities with blanks taken as 0 (soft),
figures stated in the narrative, then the layout prior (reading cost). Readings still tied after all
of that make the cells on which they differ ambiguous: null, with the candidates listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from math import prod

from xxgk.extract.readings import Reading
from xxgk.extract.template import Identity

MAX_NODES = 200_000
MAX_TIES = 64
Score = tuple[int, int, int, int]


@dataclass(slots=True)
class RowChoice:
    keys: tuple[str, ...]  # cell key of each column
    readings: list[Reading]


@dataclass(slots=True)
class Solution:
    values: dict[str, Decimal | None]
    chosen: dict[int, int]  # row index → reading index (first best assignment)
    ambiguous: dict[str, list[Decimal | None]] = field(default_factory=dict)
    candidates: list[dict[str, Decimal | None]] = field(default_factory=list)
    score: Score = (0, 0, 0, 0)


def _evaluate(ident: Identity, values: dict[str, Decimal | None]) -> tuple[int, int]:
    """(hard, soft) violation of one identity under `values`; cells missing from `values` count as blank."""
    lhs = [values.get(k) for k in ident.lhs]
    rhs = [values.get(k) for k in ident.rhs]
    if all(v is None for v in lhs + rhs):
        return 0, 0
    total = sum((v or Decimal(0)) for v in lhs) - sum((v or Decimal(0)) for v in rhs)
    if any(v is None for v in lhs + rhs):
        return 0, int(total != 0)
    return int(total != 0), 0


class _Search:
    def __init__(self, rows: list[RowChoice], identities: list[Identity], hints: dict[str, set[Decimal]]):
        self.rows = rows
        self.hints = hints
        self.owner = {k: i for i, r in enumerate(rows) for k in r.keys}
        rel = [ident for ident in identities if any(k in self.owner for k in ident.cells)]
        self.identities = rel
        self.rows_of = [frozenset(self.owner[k] for k in ident.cells if k in self.owner) for ident in rel]
        self.order = sorted(range(len(rows)), key=lambda i: len(rows[i].readings))
        self.best: Score | None = None
        self.ties: list[dict[int, int]] = []
        self.nodes = 0

    def values_of(self, assign: dict[int, int]) -> dict[str, Decimal | None]:
        out: dict[str, Decimal | None] = {}
        for i, j in assign.items():
            out.update(zip(self.rows[i].keys, self.rows[i].readings[j].values, strict=True))
        return out

    def score(self, assign: dict[int, int]) -> Score:
        values = self.values_of(assign)
        hard = soft = 0
        for ident in self.identities:
            h, s = _evaluate(ident, values)
            hard, soft = hard + h, soft + s
        hint = sum(1 for k, vs in self.hints.items() if values.get(k) in vs)
        cost = sum(self.rows[i].readings[j].cost for i, j in assign.items())
        return hard, soft, -hint, cost

    def partial_hard(self, assign: dict[int, int]) -> int:
        values = self.values_of(assign)
        return sum(
            _evaluate(ident, values)[0]
            for ident, rows in zip(self.identities, self.rows_of, strict=True)
            if rows <= assign.keys()
        )

    def run(self, depth: int = 0, assign: dict[int, int] | None = None) -> None:
        assign = {} if assign is None else assign
        self.nodes += 1
        if depth == len(self.order):
            self._offer(dict(assign))
            return
        if self.nodes > MAX_NODES:
            return
        i = self.order[depth]
        for j in range(len(self.rows[i].readings)):
            assign[i] = j
            if (
                len(self.rows[i].readings) == 1
                or self.best is None
                or self.partial_hard(assign) <= self.best[0]
            ):
                self.run(depth + 1, assign)
            del assign[i]

    def _offer(self, assign: dict[int, int]) -> None:
        s = self.score(assign)
        if self.best is None or s < self.best:
            self.best, self.ties = s, [assign]
        elif s == self.best and len(self.ties) < MAX_TIES:
            self.ties.append(assign)


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
            vals = dict(zip(row.keys, r.values, strict=True))
            scored.append(sum(_evaluate(ident, vals)[0] for ident in local))
        low = min(scored)
        row.readings = [r for r, s in zip(row.readings, scored, strict=True) if s == low]


def solve(rows: list[RowChoice], identities: list[Identity], hints: dict[str, set[Decimal]]) -> Solution:
    if prod(len(r.readings) for r in rows) > MAX_NODES:
        _prune_locally(rows, identities)
    search = _Search(rows, identities, hints)
    search.run()
    best = search.ties
    values = search.values_of(best[0])
    sol = Solution(values=values, chosen=best[0], score=search.best or (0, 0, 0, 0))
    if len(best) > 1:
        all_values = [search.values_of(a) for a in best]
        differing = [k for k in values if len({v.get(k) for v in all_values}) > 1]
        for k in differing:
            sol.ambiguous[k] = [v.get(k) for v in all_values]
            sol.values[k] = None
        sol.candidates = [{k: v.get(k) for k in differing} for v in all_values]
    return sol
