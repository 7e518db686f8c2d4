"""Candidate readings of one row: which printed value goes to which template column.

A reading never alters a printed number: it only decides where blank cells were (blank alignment) or
where run-together digits divide (digit splits). Choosing between readings is the solver's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations, pairwise
from math import comb
from typing import Final

from xxgk.extract.labels import MINUS, remember
from xxgk.extract.rows import Slot

MAX_READINGS: Final = 20000
MAX_NODES: Final = 50_000  # cuts the identity-guided division may visit before abstaining
_SIGNS: Final = "".join(MINUS)
_ZERO: Final = Decimal(0)


@dataclass(slots=True, init=False)
class Reading:
    values: tuple[Decimal | None, ...]
    cost: int  # layout implausibility (blank alignment only): interior cells dropped
    sources: tuple[int | None, ...]  # slot index each column was read from
    how: str  # "direct", "blank-align", "digit-split", "placement", "extra-dropped"
    parts: tuple[str, ...]  # the digit strings of each column, for digit splits

    def __init__(
        self,
        values: tuple[Decimal | None, ...],
        cost: int,
        sources: tuple[int | None, ...],
        how: str,
        parts: tuple[str, ...] = (),
    ) -> None:
        self.values, self.cost, self.sources, self.how, self.parts = values, cost, sources, how, parts


Local = tuple[tuple[int, ...], tuple[int, ...]]  # an identity inside one row: Σ lhs = Σ rhs, by column


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
        return _drop_extras(slots, numeric, arity)
    if explicit and len(slots) >= arity:
        return _blank_align(slots, arity, grid)
    aligned = _aligned(slots, numeric, arity, guide) if guide else None
    if aligned is not None:
        return [aligned]
    digits = sum(len(slots[i].raw) for i in numeric if slots[i].splittable)
    if (
        numeric
        and not _spaced(slots, numeric)
        and digits + sum(1 for i in numeric if not slots[i].splittable) >= arity
    ):
        pruned = comb(max(digits - 1, 0), max(arity - len(numeric), 0)) > MAX_READINGS
        if pruned and not local:
            return [unreadable(arity)]  # too many digits run together to enumerate: abstain
        splits = (
            _identity_splits(slots, numeric, arity, local) if pruned else _digit_splits(slots, numeric, arity)
        )
        if len(splits) > MAX_READINGS or (pruned and not splits):
            return [unreadable(arity)]  # the identities leave too many divisions, or none: abstain
        if splits and len(numeric) > 1 and local and all(breaks_local(r.values, local) for r in splits):
            # every division breaks the row's own sums: the numbers may stand apart for blank cells
            # instead (a layout that squeezed columns to one space); the table's identities decide
            return splits + _placements(slots, numeric, arity, cost=1)
        if splits:
            return splits
    return _placements(slots, numeric, arity)


def breaks_local(
    values: tuple[Decimal | None, ...], local: tuple[Local, ...], blank_as_zero: bool = False
) -> bool:
    """Whether a reading breaks one of the identities inside its row (all of whose terms it fills,
    unless blank cells count as 0)."""
    for lhs, rhs in local:
        left, right = _total(values, lhs, blank_as_zero), _total(values, rhs, blank_as_zero)
        if left is not None and right is not None and left != right:
            return True
    return False


def _total(
    values: tuple[Decimal | None, ...], columns: tuple[int, ...], blank_as_zero: bool
) -> Decimal | None:
    """Σ of those columns, None if one is blank and blanks do not count (a loop, not `sum`: compiled,
    `sum` is typed int)."""
    total = _ZERO
    for c in columns:
        v = values[c]
        if v is None:
            if not blank_as_zero:
                return None
            continue
        total += v
    return total


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


def unreadable(arity: int) -> Reading:
    """The row's digits cannot be divided with any confidence: every cell null (never a guess)."""
    return Reading((None,) * arity, 0, (None,) * arity, "unreadable")


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


def _drop_extras(slots: list[Slot], numeric: list[int], arity: int) -> list[Reading]:
    out = []
    for kept in combinations(numeric, arity):
        out.append(
            Reading(tuple(slots[i].value for i in kept), len(numeric) - arity, tuple(kept), "extra-dropped")
        )
        if len(out) > MAX_READINGS:
            break
    return out


_SPLITS: Final[dict[tuple[str, int], tuple[tuple[str, ...], ...]]] = {}


def _splits_of(token: str, parts: int) -> tuple[tuple[str, ...], ...]:
    """All ways to cut a digit string into `parts` numbers without leading zeros (remembered: the
    same tails recur for every cut of a long run of digits). A leading minus stays on the first."""
    found = _SPLITS.get((token, parts))
    return found if found is not None else remember(_SPLITS, (token, parts), _cut(token, parts))


def _cut(token: str, parts: int) -> tuple[tuple[str, ...], ...]:
    if token[:1] in MINUS:
        return tuple((token[0] + first, *rest) for first, *rest in _splits_of(token[1:], parts))
    if parts == 1:
        return ((token,),) if token == "0" or not token.startswith("0") else ()
    out: list[tuple[str, ...]] = []
    for cut in range(1, len(token) - parts + 2):
        head = token[:cut]
        if len(head) > 1 and head.startswith("0"):
            break
        out.extend((head, *rest) for rest in _splits_of(token[cut:], parts - 1))
    return tuple(out)


def _digit_splits(slots: list[Slot], numeric: list[int], arity: int) -> list[Reading]:
    tokens = [slots[i] for i in numeric]
    splittable = [tok.splittable for tok in tokens]  # read once: the walk visits each token often
    digits = [len(tok.raw.lstrip(_SIGNS)) if ok else 1 for tok, ok in zip(tokens, splittable, strict=True)]
    if sum(digits) == arity:  # one digit a column (web text's rows of zeros and ones): one cut only
        return [_digit_per_column(tokens, splittable, numeric)]
    # columns the tokens from t on can still fill: a cut leaving more columns than that is a dead end
    room = [sum(digits[t:]) for t in range(len(tokens) + 1)]
    out: list[Reading] = []

    def walk(t: int, remaining: int, acc: list[tuple[str, int]]) -> None:
        if len(out) > MAX_READINGS:
            return
        if t == len(tokens):
            if remaining == 0:
                out.append(_split_reading(acc, tokens, numeric))
            return
        raw = tokens[t].raw
        least = max(1, remaining - room[t + 1])
        for k in range(least, min(digits[t], remaining - (len(tokens) - t - 1)) + 1):
            for piece in _splits_of(raw, k) if splittable[t] else ((raw,),):
                walk(t + 1, remaining - k, acc + [(p, t) for p in piece])

    walk(0, arity, [])
    return out


def _split_reading(acc: list[tuple[str, int]], tokens: list[Slot], numeric: list[int]) -> Reading:
    """One division: (digit piece, token index) per column."""
    vals = tuple(_decimal(p) if tokens[i].splittable else tokens[i].value for p, i in acc)
    return Reading(vals, 0, tuple(numeric[i] for _, i in acc), "digit-split", tuple(p for p, _ in acc))


class _TooMany(Exception):
    """The identity-guided division visited more cuts than MAX_NODES: abstain."""


def _identity_splits(
    slots: list[Slot], numeric: list[int], arity: int, local: tuple[Local, ...]
) -> list[Reading]:
    """Divisions of run-together digits that break the fewest of the row's own identities: those
    meeting all of them, else (the report's arithmetic is wrong) those breaking one, and so on — the
    solver would keep no others. [] when the walk exceeds its budget: the row then abstains."""
    for slack in range(len(local) + 1):
        try:
            found = _SplitWalk(slots, numeric, arity, local, slack).run()
        except _TooMany:
            return []
        if found:
            return found
    return []


class _SplitWalk:
    """Cuts one column at a time, so an identity is checked as soon as its last column is cut: a
    group that fails prunes every longer cut at once. `slack`: identities a division may break."""

    def __init__(
        self, slots: list[Slot], numeric: list[int], arity: int, local: tuple[Local, ...], slack: int
    ):
        self.tokens = [slots[i] for i in numeric]
        self.numeric, self.arity, self.slack = numeric, arity, slack
        width = [len(tok.raw.lstrip(_SIGNS)) if tok.splittable else 1 for tok in self.tokens]
        self.later = [sum(width[t + 1 :]) for t in range(len(self.tokens))]  # columns later tokens can fill
        self.due: list[list[Local]] = [[] for _ in range(arity + 1)]
        for lhs, rhs in local:
            self.due[max(lhs + rhs) + 1].append((lhs, rhs))
        self.out: list[Reading] = []
        self.nodes = 0

    def run(self) -> list[Reading]:
        self._walk(0, 0, [], [], 0)
        return self.out

    def _walk(self, t: int, pos: int, acc: list[tuple[str, int]], vals: list[Decimal], broken: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES or len(self.out) > MAX_READINGS:
            raise _TooMany
        tokens = self.tokens
        if t == len(tokens):
            if len(acc) == self.arity:
                self.out.append(_split_reading(acc, tokens, self.numeric))
            return
        for piece, end in _next_pieces(tokens[t], pos):
            cols = self.arity - len(acc) - 1
            left = len(tokens) - t - 1 + (end < len(tokens[t].raw))  # tokens still owing a column
            if not left <= cols <= self.later[t] + len(tokens[t].raw) - end:
                continue
            nv = [*vals, _decimal(piece) if tokens[t].splittable else tokens[t].value or _ZERO]
            now = broken + sum(
                sum(nv[c] for c in lhs) != sum(nv[c] for c in rhs) for lhs, rhs in self.due[len(nv)]
            )
            if now <= self.slack:
                done = end == len(tokens[t].raw)
                self._walk(t + 1 if done else t, 0 if done else end, [*acc, (piece, t)], nv, now)


def _next_pieces(token: Slot, pos: int) -> list[tuple[str, int]]:
    """The column pieces a token can give from `pos`: (piece, end). A minus sign opens the first;
    no piece but "0" itself starts with 0; a token that cannot split is one piece."""
    raw = token.raw
    if not token.splittable:
        return [(raw, len(raw))]
    body = pos + (1 if pos == 0 and raw[:1] in MINUS else 0)
    if raw[body : body + 1] == "0":
        return [(raw[pos : body + 1], body + 1)]
    return [(raw[pos:end], end) for end in range(body + 1, len(raw) + 1)]


def _digit_per_column(tokens: list[Slot], splittable: list[bool], numeric: list[int]) -> Reading:
    """The one division when the row has as many digits as columns: each digit its own cell, a
    minus sign staying with its token's first digit, a token that cannot split kept whole."""
    parts: list[str] = []
    values: list[Decimal | None] = []
    sources: list[int] = []
    for tok, ok, source in zip(tokens, splittable, numeric, strict=True):
        if not ok:
            parts.append(tok.raw)
            values.append(tok.value)
            sources.append(source)
            continue
        sign = tok.raw[0] if tok.raw[0] in MINUS else ""
        for n, digit in enumerate(tok.raw[len(sign) :]):
            parts.append(sign + digit if n == 0 else digit)
            values.append(_decimal(parts[-1]))
            sources.append(source)
    return Reading(tuple(values), 0, tuple(sources), "digit-split", tuple(parts))


_DECIMALS: Final[dict[str, Decimal]] = {}


def _decimal(digits: str) -> Decimal:
    """A digit piece as a number (remembered: the same pieces recur in every candidate reading)."""
    found = _DECIMALS.get(digits)
    return found if found is not None else remember(_DECIMALS, digits, Decimal(digits.replace("−", "-")))
