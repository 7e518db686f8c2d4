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
_SIGNS: Final = "".join(MINUS)


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


def row_readings(
    slots: list[Slot], arity: int, explicit: bool, guide: list[float] | None = None
) -> list[Reading]:
    """`guide`: x-centres of the row's columns (layout text), to place numbers of a row with blanks."""
    numeric = [i for i, s in enumerate(slots) if s.value is not None]
    if len(numeric) == arity:
        vals = tuple(slots[i].value for i in numeric)
        return [Reading(vals, 0, tuple(numeric), "direct")]
    if len(numeric) > arity:
        return _drop_extras(slots, numeric, arity)
    if explicit and len(slots) >= arity:
        return _blank_align(slots, arity)
    aligned = _aligned(slots, numeric, arity, guide) if guide else None
    if aligned is not None:
        return [aligned]
    digits = sum(len(slots[i].raw) for i in numeric if slots[i].splittable)
    if (
        numeric
        and not _spaced(slots, numeric)
        and digits + sum(1 for i in numeric if not slots[i].splittable) >= arity
    ):
        if comb(max(digits - 1, 0), max(arity - len(numeric), 0)) > MAX_READINGS:
            return [unreadable(arity)]  # too many digits run together to enumerate: abstain
        splits = _digit_splits(slots, numeric, arity)
        if splits:
            return splits
    return _placements(slots, numeric, arity)


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


def _blank_align(slots: list[Slot], arity: int) -> list[Reading]:
    """Keep `arity` slots in order, dropping only blank ones; prefer drops at the row's edges."""
    n = len(slots)
    blanks = [i for i, s in enumerate(slots) if s.value is None]
    best: dict[tuple[Decimal | None, ...], Reading] = {}
    for dropped in combinations(blanks, n - arity):
        drop = set(dropped)
        kept = [i for i in range(n) if i not in drop]
        interior = sum(1 for i in drop if kept[0] < i < kept[-1])
        values = tuple(slots[i].value for i in kept)
        if values not in best or interior < best[values].cost:
            best[values] = Reading(values, interior, tuple(kept), "blank-align")
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


def _placements(slots: list[Slot], numeric: list[int], arity: int) -> list[Reading]:
    """Fewer values than columns and no cell structure: every order-keeping placement is possible."""
    out = []
    for cols in combinations(range(arity), len(numeric)):
        values: list[Decimal | None] = [None] * arity
        sources: list[int | None] = [None] * arity
        for c, i in zip(cols, numeric, strict=True):
            values[c], sources[c] = slots[i].value, i
        out.append(Reading(tuple(values), 0, tuple(sources), "placement"))
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
                vals = tuple(_decimal(p) if splittable[i] else tokens[i].value for p, i in acc)
                out.append(
                    Reading(
                        vals, 0, tuple(numeric[i] for _, i in acc), "digit-split", tuple(p for p, _ in acc)
                    )
                )
            return
        raw = tokens[t].raw
        least = max(1, remaining - room[t + 1])
        for k in range(least, min(digits[t], remaining - (len(tokens) - t - 1)) + 1):
            for piece in _splits_of(raw, k) if splittable[t] else ((raw,),):
                walk(t + 1, remaining - k, acc + [(p, t) for p in piece])

    walk(0, arity, [])
    return out


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
