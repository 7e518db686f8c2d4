"""Figures stated in the prose ("收到政府信息公开申请 75 件"), classified by concept (narrative.toml).

The extractor uses them only to choose between readings of a printed table; the audit compares them
with the tables (N_* rules). They never replace a printed cell.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from xxgk.extract.units import Unit

_CLAUSE = re.compile(r"[^，。；;,！？\n]+")
_NUM = re.compile(
    r"(?P<n>\d[\d,]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)\s*(?P<unit>%|％|件|宗|起|人次|条|个|项|份|次)?"
)
_CN_DIGITS = "零〇一二两三四五六七八九十百千万"


@dataclass(frozen=True, slots=True)
class Concept:
    key: str
    all: tuple[str, ...]
    any: tuple[str, ...]
    none: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]
    hint: bool
    unit: str | None


@dataclass(frozen=True, slots=True)
class Figure:
    concept: str
    value: Decimal
    clause: str
    line: int | None
    percent: bool = False


@cache
def concepts() -> tuple[Concept, ...]:
    raw: dict[str, Any] = tomllib.loads(
        resources.files("xxgk.extract.templates").joinpath("narrative.toml").read_text(encoding="utf-8")
    )
    return tuple(
        Concept(
            c["key"],
            tuple(c.get("all", ())),
            tuple(c.get("any", ())),
            tuple(c.get("none", ())),
            tuple(tuple(r) for r in c.get("cells", ())),
            bool(c.get("hint", False)),
            c.get("unit"),
        )
        for c in raw["concepts"]
    )


def _to_number(token: str) -> Decimal | None:
    if token[0].isdigit():
        return Decimal(token.replace(",", ""))
    if not all(ch in _CN_DIGITS for ch in token) or token in ("万", "千", "百"):
        return None
    import cn2an  # imported lazily: it is slow to import and rarely needed

    try:
        return Decimal(str(cn2an.cn2an(token.replace("〇", "零"), "smart")))
    except (ValueError, KeyError):
        return None


def _figure_in(clause: str, concept: Concept) -> tuple[Decimal, bool] | None:
    words = [w for w in (*concept.all, *concept.any) if w in clause]
    anchor = max((clause.rfind(w) + len(w) for w in words), default=0)
    after = [m for m in _NUM.finditer(clause, anchor) if _plausible(m, concept)]
    before = [m for m in _NUM.finditer(clause[:anchor]) if _plausible(m, concept)]
    m = after[0] if after else (before[-1] if before else None)
    if m is None:
        return None
    value = _to_number(m["n"])
    return None if value is None else (value, m["unit"] in ("%", "％"))


def _plausible(m: re.Match[str], concept: Concept) -> bool:
    unit = m["unit"]
    if unit in ("%", "％"):
        return concept.unit == "%"
    if concept.unit == "%":
        return False
    tail = m.string[m.end() : m.end() + 1]
    return not tail.startswith(("年", "月", "日", "号", "期", "部", "类", "批", "次会"))


def _matches(clause: str, c: Concept) -> bool:
    return (
        all(w in clause for w in c.all)
        and (not c.any or any(w in clause for w in c.any))
        and not any(w in clause for w in c.none)
    )


def figures(units: list[Unit]) -> list[Figure]:
    """Every concept figure stated in prose units (table rows are not prose)."""
    out: list[Figure] = []
    known = concepts()
    for unit in units:
        if unit.kind != "text":
            continue
        for m in _CLAUSE.finditer(unit.text):
            clause = m.group().strip()
            if not any(ch.isdigit() or ch in _CN_DIGITS for ch in clause):
                continue
            for c in known:
                if _matches(clause, c):
                    found = _figure_in(clause, c)
                    if found:
                        out.append(Figure(c.key, found[0], clause, unit.prov.line, found[1]))
    return out


def hints(found: list[Figure]) -> dict[str, set[Decimal]]:
    """Cell → values the prose states for it, from the concepts that may guide extraction."""
    by_key = {c.key: c for c in concepts()}
    out: dict[str, set[Decimal]] = {}
    for f in found:
        c = by_key[f.concept]
        if c.hint and len(c.cells) == 1 and len(c.cells[0]) == 1:
            out.setdefault(c.cells[0][0], set()).add(f.value)
    return out
