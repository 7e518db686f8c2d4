"""Narrative ↔ table rules (N_*): numbers the prose states must agree with the tables.

Which clause states which cells is data (extract/templates/narrative.toml); these rules only judge.
They are lenient by design: a concept is flagged only when none of its statements agrees with any
reading of the tables, and not at all when a reading needs a blank cell (a blank is unknown, and
S_BLANK_CELLS already reports it). A false alarm costs a user's trust as much as a miss.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Final

from xxgk.audit.context import Context, fmt
from xxgk.audit.registry import rule
from xxgk.extract.narrative import Concept, Figure, spec
from xxgk.model import Finding, Location

N_RULES: Final = ("N_RECEIVED", "N_PROCESSED", "N_CARRIED", "N_OUTCOMES", "N_PERCENT", "N_APPEALS")
_ROUNDINGS: Final = (ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN)

Reading = tuple[tuple[str, ...], Decimal | None]  # (cells summed, their sum or None when one is blank)


def _expand(ctx: Context, pattern: str, scope: tuple[str, ...]) -> list[str] | None:
    """The cells a key pattern names in this record; None when the template has no such cell."""
    if "{g}" in pattern:
        keys = [pattern.format(g=g) for g in scope]
    elif "*" in pattern:
        rx = re.compile(re.escape(pattern).replace(r"\*", r"[^.]+"))
        keys = [k for k in ctx.values if rx.fullmatch(k)]
    else:
        keys = [pattern]
    return keys if keys and all(k in ctx.values for k in keys) else None


def _reading(ctx: Context, patterns: tuple[str, ...], scope: tuple[str, ...]) -> Reading | None:
    cells: list[str] = []
    for pattern in patterns:
        keys = _expand(ctx, pattern, scope)
        if keys is None:
            return None
        cells.extend(keys)
    values = [v for v in (ctx.value(k) for k in cells) if v is not None]
    if len(values) < len(cells):
        return tuple(cells), None
    return tuple(cells), sum(values, Decimal(0))


def readings(ctx: Context, cells: tuple[tuple[str, ...], ...], scope: tuple[str, ...] = ()) -> list[Reading]:
    """Every reading of a concept's cells this record can evaluate (blank ones with value None)."""
    out = [_reading(ctx, r, scope) for r in cells]
    return [r for r in out if r is not None]


def agrees(stated: Decimal, share: Decimal) -> bool:
    """A printed percentage agrees when the share, rounded to the printed decimals, gives it
    (half-up, half-even or cut off: a report is not wrong for rounding differently)."""
    exponent = stated.as_tuple().exponent
    quantum = Decimal(1).scaleb(min(exponent, 0) if isinstance(exponent, int) else 0)
    return any(share.quantize(quantum, rounding=r) == stated for r in _ROUNDINGS)


def _shares(ctx: Context, counts: list[Reading]) -> list[Reading]:
    """count / denominator × 100 for every reading of the count and every denominator meant."""
    out: list[Reading] = []
    for cells, count in counts:
        for den_cells, den in readings(ctx, spec().share_of):
            if count is None or den is None:
                out.append((cells + den_cells, None))
            elif den > 0:
                out.append((cells + den_cells, count * 100 / den))
    return out


def _verdict(ctx: Context, c: Concept, f: Figure) -> tuple[str, list[Reading]]:
    """'ok', 'unknown' (a blank cell or nothing to compare with) or 'mismatch', with the readings."""
    found = readings(ctx, c.cells, f.scope)
    if f.percent:
        found = _shares(ctx, found)
    if not found or any(v is None for _, v in found):
        return "unknown", found
    same = (lambda v: agrees(f.value, v)) if f.percent else (lambda v: v == f.value)
    return ("ok" if any(same(v) for _, v in found) else "mismatch"), found


def _message(c: Concept, f: Figure, found: list[Reading]) -> str:
    if f.percent:
        digits = max(-f.value.as_tuple().exponent, 0)  # type: ignore[operator]
        share = found[0][1] or Decimal(0)
        computed = fmt(share.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
        return (
            f"正文“{f.clause}”所述比例 {fmt(f.value)}% 与表中{c.label}的占比不符（按表计算为 {computed}%）。"
        )
    values = " 或 ".join(dict.fromkeys(fmt(v) for _, v in found))
    return f"正文“{f.clause}”所述 {fmt(f.value)} 与表中{c.label}不符（表中为 {values}）。"


def _judge(ctx: Context, c: Concept, figs: list[Figure]) -> Finding | None:
    """One finding per concept, only when every statement of it disagrees with every reading."""
    first: tuple[Figure, list[Reading]] | None = None
    for f in figs:
        verdict, found = _verdict(ctx, c, f)
        if verdict != "mismatch":
            return None
        first = first or (f, found)
    if first is None:
        return None
    f, found = first
    cells = list(dict.fromkeys(k for keys, _ in found for k in keys))
    rule_id = "N_PERCENT" if f.percent else (c.rule or c.key)
    return Finding(rule_id, "warning", _message(c, f, found), cells, Location(line=f.line))


@rule(*N_RULES, doc="Counts, shares and appeal outcomes stated in the prose agree with 表三 and 表四.")
def narrative_against_tables(ctx: Context) -> Iterator[Finding]:
    if ctx.template is None or not ctx.figures:
        return
    by_key = {c.key: c for c in spec().concepts if c.rule}
    groups: dict[tuple[str, bool], list[Figure]] = {}
    for f in ctx.figures:
        if f.concept in by_key:
            groups.setdefault((f.concept, f.percent), []).append(f)
    for (key, _), figs in groups.items():
        finding = _judge(ctx, by_key[key], figs)
        if finding is not None:
            yield finding
