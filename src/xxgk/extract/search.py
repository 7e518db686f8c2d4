"""Branch and bound over the readings of a table's rows (the solver's engine, see solve.py).

A complete assignment scores (hard, soft, -hints, cost), compared lexicographically. A partial one
has a lower bound on that score: identities already closed; identities still open but sure to break
(their open cells all sit on one side and cannot be negative, and the known side is already larger);
the hints the remaining rows could still match at best; the cost so far. Branches whose bound is
worse than the best complete assignment are cut. Rows that stand alone on one side of many
identities (（七）总计) are assigned first, so that such bounds bite early.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final

from xxgk.extract.template import Identity

if TYPE_CHECKING:
    from xxgk.extract.solve import RowChoice

Score = tuple[int, int, int, int]
Values = dict[str, Decimal | None]
_ZERO: Final = Decimal(0)


def assign_values(values: Values, keys: tuple[str, ...], read: tuple[Decimal | None, ...]) -> Values:
    """values.update(zip(keys, read)) as a loop: compiled, `zip(..., strict=True)` is a generic call
    costing more than the loop itself, and the search does this at every node."""
    for c, key in enumerate(keys):
        values[key] = read[c]
    return values


def side_total(values: Values, keys: tuple[str, ...]) -> tuple[Decimal, int]:
    """One side of an identity: the sum of its printed terms, and how many are blank. A plain loop: it
    runs for every identity of every candidate reading, and `None in terms` compares each Decimal
    with None the slow way."""
    total, blanks = _ZERO, 0
    for key in keys:
        value = values.get(key)
        if value is None:
            blanks += 1
        else:
            total += value
    return total, blanks


def evaluate(ident: Identity, values: Values) -> tuple[int, int]:
    """(hard, soft) violation of one identity under `values`; cells missing from `values` count as blank."""
    lhs, lhs_blank = side_total(values, ident.lhs)
    rhs, rhs_blank = side_total(values, ident.rhs)
    blanks = lhs_blank + rhs_blank
    if blanks == len(ident.lhs) + len(ident.rhs):
        return 0, 0
    broken = int(lhs != rhs)
    return (0, broken) if blanks else (broken, 0)


class Search:
    """Rows with one reading are fixed; the others are assigned in `order`."""

    def __init__(
        self,
        rows: list[RowChoice],
        identities: list[Identity],
        hints: dict[str, set[Decimal]],
        max_nodes: int,
        max_ties: int,
        max_checks: int,
    ):
        self.rows, self.hints = rows, hints
        self.max_nodes, self.max_ties, self.max_checks = max_nodes, max_ties, max_checks
        self.owner = {k: i for i, r in enumerate(rows) for k in r.keys}
        # a row that could not be read is unknown, not blank: its cells taken as 0 would vouch for
        # whatever reading of another row happens to add up with zeros
        unknown = {k for r in rows if len(r.readings) == 1 and r.readings[0].unknown for k in r.keys}
        self.identities = [
            ident
            for ident in identities
            if any(k in self.owner for k in ident.cells) and unknown.isdisjoint(ident.cells)
        ]
        self.fixed: Values = {}
        for r in rows:
            if len(r.readings) == 1:
                assign_values(self.fixed, r.keys, r.readings[0].values)
        weight = self._weights()
        self.order = sorted(
            (i for i, r in enumerate(rows) if len(r.readings) > 1),
            key=lambda i: (-weight.get(i, 0.0), len(rows[i].readings)),
        )
        self.rank = {row: n for n, row in enumerate(self.order)}
        self.closing: dict[int, list[Identity]] = {}  # identities checkable once that row is assigned
        for ident in self.identities:
            var_rows = {self.owner[k] for k in ident.cells if self._variable(k)}
            last = max(var_rows, key=lambda r: self.rank[r]) if var_rows else -1
            self.closing.setdefault(last, []).append(ident)
        self.bounded = [self._one_sided(depth) for depth in range(len(self.order))]
        self.hint_room = self._hint_room()
        self.local: dict[int, list[tuple[int, int, int]]] = {}  # per reading: own identities, hints
        self.tries: dict[int, list[int]] = {}  # readings in the order to try them: locally best first
        for i in self.order:
            self._localise(i)
        self.best: Score | None = None
        self.ties: list[dict[int, int]] = []
        self.nodes = 0
        self.checks = 0  # identities weighed so far: a node costs as many as close or bound there
        self.incomplete = False  # nodes ran out or ties overflowed: the optimum is not proven unique

    def _localise(self, i: int) -> None:
        """Identities lying wholly inside row i (its 总计 = Σ 申请人) depend on nothing else: score
        each reading once instead of at every visit, and try the readings that keep them first."""
        row, own = self.rows[i], set(self.rows[i].keys)
        local = [ident for ident in self.closing.get(i, []) if set(ident.cells) <= own]
        self.closing[i] = [ident for ident in self.closing.get(i, []) if not set(ident.cells) <= own]
        scores = []
        for j, reading in enumerate(row.readings):
            vals = assign_values({}, row.keys, reading.values)
            pairs = [evaluate(ident, vals) for ident in local]
            scores.append((sum(h for h, _ in pairs), sum(s for _, s in pairs), self._hits(row, j)))
        self.local[i] = scores
        self.tries[i] = sorted(range(len(row.readings)), key=lambda j: scores[j][:2])

    def _variable(self, key: str) -> bool:
        return key in self.owner and self.owner[key] in self.rank

    def _weights(self) -> dict[int, float]:
        """How strongly a row pins identities: it counts more where it stands alone on its side."""
        out: dict[int, float] = {}
        for ident in self.identities:
            for side in (ident.lhs, ident.rhs):
                side_rows = {self.owner[k] for k in side if k in self.owner}
                for r in side_rows:
                    out[r] = out.get(r, 0.0) + 1 / len(side_rows)
        return out

    def _one_sided(self, depth: int) -> list[tuple[tuple[str, ...], tuple[str, ...], int]]:
        """Identities still open after `depth` with all open cells on one side, never negative:
        (known lhs cells, known rhs cells, +1 if the rhs is the open side else -1)."""
        out = []
        for ident in self.identities:
            opened = {k for k in ident.cells if self._variable(k) and self.rank[self.owner[k]] > depth}
            open_l, open_r = any(k in opened for k in ident.lhs), any(k in opened for k in ident.rhs)
            if open_l == open_r:
                continue
            if any(v is not None and v < 0 for k in opened for v in self._possible(k)):
                continue
            known_l = tuple(k for k in ident.lhs if k not in opened)
            known_r = tuple(k for k in ident.rhs if k not in opened)
            out.append((known_l, known_r, 1 if open_r else -1))
        return out

    def _possible(self, key: str) -> list[Decimal | None]:
        row = self.rows[self.owner[key]]
        c = row.keys.index(key)
        return [r.values[c] for r in row.readings]

    def _hits(self, row: RowChoice, j: int) -> int:
        return sum(1 for c, v in enumerate(row.readings[j].values) if v in self.hints.get(row.keys[c], ()))

    def _hint_room(self) -> list[int]:
        """After depth d, at most how many hints the rows still to assign could match."""
        room = [0] * (len(self.order) + 1)
        for d in range(len(self.order) - 1, -1, -1):
            row = self.rows[self.order[d]]
            room[d] = room[d + 1] + max(self._hits(row, j) for j in range(len(row.readings)))
        return room

    def _certain(self, depth: int, values: Values) -> int:
        """How many open identities are already sure to break."""
        n = 0
        for known_l, known_r, sign in self.bounded[depth]:
            lhs, rhs = side_total(values, known_l)[0], side_total(values, known_r)[0]
            n += (rhs - lhs) * sign > 0
        return n

    def score(self, values: Values, assign: dict[int, int]) -> Score:
        hard = soft = 0
        for ident in self.identities:
            h, s = evaluate(ident, values)
            hard, soft = hard + h, soft + s
        hint = sum(1 for k, vs in self.hints.items() if values.get(k) in vs)
        cost = sum(self.rows[i].readings[j].cost for i, j in assign.items())
        return hard, soft, -hint, cost

    def run(self) -> None:
        values = dict(self.fixed)
        if not self.order:
            self.best, self.ties = self.score(values, {}), [{}]
            return
        fixed = [evaluate(ident, values) for ident in self.closing.get(-1, [])]
        hits = sum(1 for k, vs in self.hints.items() if k in self.fixed and self.fixed[k] in vs)
        start = (sum(h for h, _ in fixed), sum(s for _, s in fixed), hits, 0)
        self._walk(0, {}, values, start)

    def _walk(
        self, depth: int, assign: dict[int, int], values: Values, partial: tuple[int, int, int, int]
    ) -> None:
        """`partial` = (hard, soft) of the closed identities, hints matched and cost so far."""
        self.nodes += 1
        if depth == len(self.order):
            self._offer(dict(assign), values)
            return
        if self.nodes > self.max_nodes or self.checks > self.max_checks:
            self.incomplete = True
            return
        i = self.order[depth]
        row = self.rows[i]
        self.checks += len(self.tries[i]) * (len(self.closing.get(i, ())) + len(self.bounded[depth]))
        for j in self.tries[i]:
            reading = row.readings[j]
            assign_values(values, row.keys, reading.values)
            lh, ls, lhits = self.local[i][j]
            h, s, hits, cost = partial
            h, s = h + lh, s + ls
            for ident in self.closing.get(i, []):
                dh, ds = evaluate(ident, values)
                h, s = h + dh, s + ds
            hits, cost = hits + lhits, cost + reading.cost
            bound = (h, s + self._certain(depth, values), -(hits + self.hint_room[depth + 1]), cost)
            if self.best is None or bound <= self.best:
                assign[i] = j
                self._walk(depth + 1, assign, values, (h, s, hits, cost))
                del assign[i]

    def _offer(self, assign: dict[int, int], values: Values) -> None:
        s = self.score(values, assign)
        if self.best is None or s < self.best:
            self.best, self.ties = s, [assign]
            self.incomplete = self.nodes > self.max_nodes or self.checks > self.max_checks
        elif s == self.best:
            if len(self.ties) < self.max_ties:
                self.ties.append(assign)
            else:
                self.incomplete = True
