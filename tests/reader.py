"""An independent reader for generated documents: which cells does a rendering leave ambiguous?

It works from what the renderer says it printed (xxgk.generate.PrintedRow), never from the parser:
it enumerates every reading a careful person could take of each printed row — where padding cells
could be (grid layouts), every way to cut run-together digits without leading zeros (web text) —
keeps the combinations that satisfy the template's identities (spec/audit-rules.md, written out
here again, blanks counted as 0), and reports the cells on which the surviving readings differ.
Those, and only those, a parser may return as null instead of the printed value.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xxgk.generate import CELLS, PLACED, PrintedRow

APPL = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
COLS = (*APPL, "total")
MAX_COMBINATIONS = 5_000
Value = Decimal | None


# one printed number: a sign, no leading zeros, thousands grouped or not, decimals and a money unit;
# or a word printed for zero (a dash, a slash, 无)
ZERO_WORDS = ("-", "—", "——", "－", "/", "／", "无")
NUMBER = re.compile(
    r"-?(?:0|[1-9]\d{0,2}(?:[,，]\d{3})+|[1-9]\d*)(?:\.\d+)?(?:\s*(?:万元|元))?|——|[-—－/／无]"
)


def parse(text: str) -> Value:
    if text.strip() in ZERO_WORDS:
        return Decimal(0)
    text = text.replace("万元", "").replace("元", "").replace(",", "").replace("，", "").strip()
    return Decimal(text) if text else None


def _windows(tokens: tuple[str, ...], arity: int) -> Iterator[tuple[Value, ...]]:
    """The values are `arity` consecutive cells; every cell outside them must be empty padding."""
    for s in range(len(tokens) - arity + 1):
        if all(not t for i, t in enumerate(tokens) if not s <= i < s + arity):
            yield tuple(parse(t) for t in tokens[s : s + arity])


def _cuts(token: str, parts: int) -> Iterator[tuple[str, ...]]:
    """Every way to cut a run-together token into `parts` printed numbers (a minus sign starts one)."""
    if parts == 1:
        if NUMBER.fullmatch(token):
            yield (token,)
        return
    for cut in range(1, len(token) - parts + 2):
        head = token[:cut]
        if NUMBER.fullmatch(head):
            for rest in _cuts(token[cut:], parts - 1):
                yield (head, *rest)


def _splits(tokens: tuple[str, ...], arity: int) -> Iterator[tuple[Value, ...]]:
    """Every way to cut the printed tokens into `arity` numbers."""
    if not tokens:
        if arity == 0:
            yield ()
        return
    head, rest = tokens[0], tokens[1:]
    for k in range(1, min(len(head), arity - len(rest)) + 1):
        for piece in _cuts(head, k):
            for tail in _splits(rest, arity - k):
                yield (*(parse(p) for p in piece), *tail)


def alternatives(row: PrintedRow) -> list[tuple[Value, ...]]:
    arity = len(row.cell_keys)
    if row.mode == PLACED:
        return [tuple(parse(t) for t in row.tokens)]
    found = _windows(row.tokens, arity) if row.mode == CELLS else _splits(row.tokens, arity)
    return list(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class Identity:
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    def holds(self, values: dict[str, Value]) -> bool:
        side = lambda keys: sum((values.get(k) or Decimal(0) for k in keys), Decimal(0))  # noqa: E731
        return side(self.lhs) == side(self.rhs)


def identities(record: dict[str, Any]) -> list[Identity]:
    """T3_BALANCE, T3_ROW_TOTAL, T3_RESULTS_SUM, T4_BLOCK for the record's rows."""
    req = record["requests"]
    rows: list[str] = []  # 'granted', 'withheld.state_secret', … (a group nests its sub-rows)
    for name, node in req.items():
        rows += [name] if "natural_person" in node else [f"{name}.{sub}" for sub in node]
    results = [r for r in rows if r not in ("new_received", "carried_over", "total", "carried_forward")]
    out = [Identity((f"requests.{r}.total",), tuple(f"requests.{r}.{a}" for a in APPL)) for r in rows]
    for c in COLS:
        out.append(
            Identity(
                (f"requests.new_received.{c}", f"requests.carried_over.{c}"),
                (f"requests.total.{c}", f"requests.carried_forward.{c}"),
            )
        )
        out.append(Identity((f"requests.total.{c}",), tuple(f"requests.{r}.{c}" for r in results)))
    for g in ("review", "litigation_direct", "litigation_after_review"):
        parts = tuple(f"appeals.{g}.{p}" for p in ("upheld", "corrected", "other", "pending"))
        out.append(Identity((f"appeals.{g}.total",), parts))
    return out


@dataclass(slots=True)
class Verdict:
    may_be_null: set[str]  # cells a parser may leave null: the surviving readings disagree there
    truth_readable: bool  # the printed truth is among the readings (a sanity check of the renderer)


def _consistent(
    fixed: dict[str, Value],
    open_rows: list[tuple[PrintedRow, list[tuple[Value, ...]]]],
    idents: list[Identity],
) -> Iterator[dict[str, Value]]:
    """Every combination of the open rows' readings under which all identities hold."""
    open_keys = {k for row, _ in open_rows for k in row.cell_keys}
    touched = [i for i in idents if open_keys & set(i.lhs + i.rhs)]
    for choice in itertools.product(*(alt for _, alt in open_rows)):
        values = dict(fixed)
        for (row, _), alt in zip(open_rows, choice, strict=True):
            values.update(zip(row.cell_keys, alt, strict=True))
        if all(i.holds(values) for i in touched):
            yield values


def judge(record: dict[str, Any], printed: list[PrintedRow], truth: dict[str, Any]) -> Verdict:
    """Which cells the rendering leaves genuinely ambiguous (independently of the parser)."""
    idents = identities(record)
    alts = [alternatives(row) for row in printed]
    for n, row in enumerate(printed):  # identities wholly inside one row prune its own readings
        local = [i for i in idents if set(i.lhs + i.rhs) <= set(row.cell_keys)]
        alts[n] = [
            a for a in alts[n] if all(i.holds(dict(zip(row.cell_keys, a, strict=True))) for i in local)
        ]
    truth_readable = all(
        tuple(None if truth[k] is None else Decimal(str(truth[k])) for k in row.cell_keys) in alt
        for row, alt in zip(printed, alts, strict=True)
    )
    may: set[str] = set()
    fixed: dict[str, Value] = {}
    open_rows = []
    for row, alt in zip(printed, alts, strict=True):
        zeroed = {tuple(v or 0 for v in a) for a in alt}
        if len(alt) == 1 or len(zeroed) == 1:
            # one reading, or readings that differ only in where a blank sits: no identity can tell
            may.update(k for c, k in enumerate(row.cell_keys) if len({a[c] for a in alt}) > 1)
            fixed.update(zip(row.cell_keys, alt[0] if alt else (None,) * len(row.cell_keys), strict=True))
        else:
            open_rows.append((row, alt))
    combos = 1
    for _, alt in open_rows:
        combos *= len(alt)
    if combos > MAX_COMBINATIONS:  # too many to list: every cell of those rows may abstain
        may.update(k for row, _ in open_rows for k in row.cell_keys)
        return Verdict(may, truth_readable)
    seen: dict[str, set[Value]] = {}
    for values in _consistent(fixed, open_rows, idents):
        for row, _ in open_rows:
            for k in row.cell_keys:
                seen.setdefault(k, set()).add(values[k])
    may.update(k for k, vs in seen.items() if len(vs) > 1)
    return Verdict(may, truth_readable)
