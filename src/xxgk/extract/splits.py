"""A row's candidate readings (`Reading`) and the divisions of run-together digits into them.

Web text and squeezed layouts print a row's numbers with nothing between them ('10117000118'). The
divisions never alter a digit: they only decide where one cell's number ends and the next begins,
and where blank cells sit; choosing between them is the solver's job (see readings.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from xxgk.extract.labels import MINUS, remember
from xxgk.extract.rows import GROUP_MARKS, Slot

MAX_READINGS: Final = 20000
MAX_NODES: Final = 50_000  # cuts a guided division may visit before abstaining
UNPLACED: Final = ("crowded", "apart")  # readings of rows whose printed numbers are not known to be theirs
_ZERO: Final = Decimal(0)


@dataclass(slots=True, init=False)
class Reading:
    values: tuple[Decimal | None, ...]
    cost: int  # layout implausibility (blank alignment only): interior cells dropped
    sources: tuple[int | None, ...]  # slot index each column was read from
    how: str  # direct, blank-align, aligned, digit-split, blank-split, placement; unknown: unreadable,
    # crowded (more numbers than cells), apart (numbers printed under column names, not after the row's)
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

    @property
    def unknown(self) -> bool:
        """The row could not be read: its cells are unknown, not blank."""
        return self.how == "unreadable" or self.how in UNPLACED


Local = tuple[tuple[int, ...], tuple[int, ...]]  # an identity inside one row: Σ lhs = Σ rhs, by column


def blank_splits(
    slots: list[Slot], arity: int, local: tuple[Local, ...], cost: int = 0
) -> list[Reading] | None:
    """Divisions of a row's run-together digits into FEWER numbers than cells, placed in order
    around blank cells, that meet the row's own sums with blanks counted as 0 ('10117000118' is
    1, 0, 117, 0, 0, 0, 118 with no blank, or 101, 17, 0, 0, ·, 0, 118 with one). Where both stand,
    the table's identities must choose. None when the walk exceeds its budget: the row abstains."""
    numeric = [i for i, s in enumerate(slots) if s.value is not None]
    try:
        return _Walk(slots, numeric, arity, local, blanks=True, cost=cost).run()
    except _TooMany:
        return None


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


def _total(values: Sequence[Decimal | None], columns: tuple[int, ...], blank_as_zero: bool) -> Decimal | None:
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


def unreadable(arity: int) -> Reading:
    """The row's digits cannot be divided with any confidence: every cell null (never a guess)."""
    return Reading((None,) * arity, 0, (None,) * arity, "unreadable")


def crowded(arity: int) -> Reading:
    """The row prints more numbers than it has cells: which of them are its own is unknown (a table
    whose text came out column by column puts a whole block of numbers after one label), so every
    cell is null — keeping any `arity` of them would be a guess the identities cannot check when
    they are zeros."""
    return Reading((None,) * arity, 0, (None,) * arity, UNPLACED[0])


def apart(arity: int) -> Reading:
    """The row's numbers follow column words printed after its name, or a block of several row
    names: no number is known to be the row's (see match.numbers_of_no_row)."""
    return Reading((None,) * arity, 0, (None,) * arity, UNPLACED[1])


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
        return ((token,),) if is_piece(token) else ()
    out: list[tuple[str, ...]] = []
    for cut in range(1, len(token) - parts + 2):
        head = token[:cut]
        if len(head) > 1 and head.startswith("0"):
            break
        if is_piece(head) and token[cut] not in GROUP_MARKS:
            out.extend((head, *rest) for rest in _splits_of(token[cut:], parts - 1))
    return tuple(out)


def is_piece(digits: str) -> bool:
    """One cell's number: "0", digits not starting with 0, or thousands grouped ('10,664': a head of one
    to three digits, then groups of three)."""
    if digits.isdigit():
        return digits == "0" or digits[0] != "0"
    head, *groups = digits.replace("，", ",").split(",")
    return (
        1 <= len(head) <= 3
        and head.isdigit()
        and head[0] != "0"
        and all(len(g) == 3 and g.isdigit() for g in groups)
    )


def digit_splits(slots: list[Slot], numeric: list[int], arity: int) -> list[Reading]:
    tokens = [slots[i] for i in numeric]
    splittable = [tok.splittable for tok in tokens]  # read once: the walk visits each token often
    digits = [tok.digits if ok else 1 for tok, ok in zip(tokens, splittable, strict=True)]
    grouped = any(mark in tok.raw for tok in tokens for mark in GROUP_MARKS)
    if sum(digits) == arity and not grouped:  # one digit a column (web text's 0s and 1s): one cut only
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


def identity_splits(
    slots: list[Slot], numeric: list[int], arity: int, local: tuple[Local, ...]
) -> list[Reading]:
    """Divisions of run-together digits that break the fewest of the row's own identities: those
    meeting all of them, else (the report's arithmetic is wrong) those breaking one, and so on — the
    solver would keep no others. [] when the walk exceeds its budget: the row then abstains."""
    for slack in range(len(local) + 1):
        try:
            found = _Walk(slots, numeric, arity, local, slack).run()
        except _TooMany:
            return []
        if found:
            return found
    return []


class _Walk:
    """Cells left to right, each the next piece of the digits — or, with `blanks`, a blank cell. An
    identity is checked as soon as its last cell is decided, so a group that fails prunes every longer
    walk at once. `slack`: identities a reading may break (blank cells count as 0)."""

    def __init__(
        self,
        slots: list[Slot],
        numeric: list[int],
        arity: int,
        local: tuple[Local, ...],
        slack: int = 0,
        blanks: bool = False,
        cost: int = 0,
    ) -> None:
        self.tokens = [slots[i] for i in numeric]
        self.numeric, self.arity, self.slack, self.blanks, self.cost = numeric, arity, slack, blanks, cost
        self.how = "blank-split" if blanks else "digit-split"
        width = [tok.digits if tok.splittable else 1 for tok in self.tokens]
        self.later = [sum(width[t + 1 :]) for t in range(len(self.tokens))]  # cells later tokens can fill
        self.due: list[list[Local]] = [[] for _ in range(arity)]  # identities by their last cell
        for lhs, rhs in local:
            self.due[max(lhs + rhs)].append((lhs, rhs))
        self.out: list[Reading] = []
        self.nodes = 0

    def run(self) -> list[Reading]:
        self._walk(0, 0, [], [], [], 0)
        return self.out

    def _walk(
        self,
        t: int,
        pos: int,
        vals: list[Decimal | None],
        src: list[int | None],
        parts: list[str],
        broken: int,
    ) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES or len(self.out) > MAX_READINGS:
            raise _TooMany
        c = len(vals)
        if c == self.arity:
            if t == len(self.tokens) and (not self.blanks or None in vals):
                self.out.append(Reading(tuple(vals), self.cost, tuple(src), self.how, tuple(parts)))
            return
        for value, source, piece, next_t, next_pos in self._options(t, pos, c):
            nv = [*vals, value]
            now = broken + sum(_total(nv, lhs, True) != _total(nv, rhs, True) for lhs, rhs in self.due[c])
            if now <= self.slack:
                self._walk(next_t, next_pos, nv, [*src, source], [*parts, piece], now)

    def _options(self, t: int, pos: int, c: int) -> list[tuple[Decimal | None, int | None, str, int, int]]:
        """What cell c can hold: (value, slot, piece, next token, position in it) — leaving every token
        still owed a cell of its own, and (no blanks) no more cells than digits left to fill them."""
        tokens, after = self.tokens, self.arity - c - 1
        out: list[tuple[Decimal | None, int | None, str, int, int]] = []
        if self.blanks and len(tokens) - t <= after:
            out.append((None, None, "", t, pos))
        if t == len(tokens):
            return out
        tok = tokens[t]
        for piece, end in _next_pieces(tok, pos):
            done = end == len(tok.raw)
            fits = len(tokens) - t - done <= after
            if fits and (self.blanks or after <= self.later[t] + len(tok.raw) - end):
                value = _decimal(piece) if tok.splittable else tok.value
                out.append((value, self.numeric[t], piece, t + done, 0 if done else end))
        return out


def _next_pieces(token: Slot, pos: int) -> list[tuple[str, int]]:
    """The column pieces a token can give from `pos`: (piece, end). A minus sign opens the first;
    no piece but "0" itself starts with 0; a token that cannot split is one piece."""
    raw = token.raw
    if not token.splittable:
        return [(raw, len(raw))]
    body = pos + (1 if pos == 0 and raw[:1] in MINUS else 0)
    if raw[body : body + 1] == "0":
        return [(raw[pos : body + 1], body + 1)]
    ends = range(body + 1, len(raw) + 1)
    if not any(mark in raw for mark in GROUP_MARKS):
        return [(raw[pos:end], end) for end in ends]
    return [
        (raw[pos:end], end)
        for end in ends
        if raw[end : end + 1] not in GROUP_MARKS and is_piece(raw[body:end])
    ]


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
    return (
        found
        if found is not None
        else remember(_DECIMALS, digits, Decimal(digits.replace("−", "-").replace(",", "").replace("，", "")))
    )
