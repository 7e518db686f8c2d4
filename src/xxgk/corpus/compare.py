"""Two reports side by side: which cells differ, how the prose changed, how the indicators moved.

Typically last year's and this year's report of one agency, or two agencies of the same year. The result
is data (`Comparison.as_dict()` is JSON-ready); the web page turns the text segments into <del>/<ins>.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import Any

from xxgk.corpus.indicators import INDICATORS, indicator_value
from xxgk.corpus.text import Segment, diff_segments, similarity, values_differ
from xxgk.extract.template import load_template
from xxgk.model.record import SECTION_TITLES, cell_items

SECTION_ORDER = tuple(SECTION_TITLES)
META_KEYS = ("agency", "year", "template", "level", "region", "published")


@dataclass(frozen=True, slots=True)
class CellDiff:
    key: str
    label: str
    a: int | float | None
    b: int | float | None
    delta: int | float | None  # b − a; None when either side is blank or absent

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "a": self.a, "b": self.b, "delta": self.delta}


@dataclass(frozen=True, slots=True)
class SectionDiff:
    key: str
    title: str
    similarity: float | None  # percent, on text with years and numbers masked (as X_COPY measures)
    segments: tuple[Segment, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "similarity": self.similarity,
            "segments": [s.as_dict() for s in self.segments],
        }


@dataclass(slots=True)
class Comparison:
    a: dict[str, Any]  # metadata of each side
    b: dict[str, Any]
    cells: list[CellDiff] = field(default_factory=list)  # only the cells that differ
    cells_compared: int = 0
    sections: list[SectionDiff] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "same_template": self.a.get("template") == self.b.get("template"),
            "cells_compared": self.cells_compared,
            "cells": [c.as_dict() for c in self.cells],
            "sections": [s.as_dict() for s in self.sections],
            "indicators": self.indicators,
        }


def _meta(record: dict[str, Any]) -> dict[str, Any]:
    meta = {k: record.get(k) for k in META_KEYS}
    meta["source_path"] = (record.get("source") or {}).get("path")
    return meta


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _delta(a: Any, b: Any) -> int | float | None:
    if a is None or b is None:
        return None
    return _number(Decimal(str(b)) - Decimal(str(a)))


def _label(key: str, *templates: Any) -> str:
    for name in templates:
        if name in ("2021", "2019") and key in load_template(name).cell_columns:
            return load_template(name).label_of(key)
    return key


def cell_diffs(a: dict[str, Any], b: dict[str, Any]) -> tuple[list[CellDiff], int]:
    """Differing cells in a's order then b's extra keys, and how many keys were compared.

    A key present on one side only (different templates) counts as a difference with None on the other.
    """
    cells_a, cells_b = dict(cell_items(a)), dict(cell_items(b))
    keys = list(cells_a) + [k for k in cells_b if k not in cells_a]
    out = [
        CellDiff(
            k,
            _label(k, a.get("template"), b.get("template")),
            cells_a.get(k),
            cells_b.get(k),
            _delta(cells_a.get(k), cells_b.get(k)),
        )
        for k in keys
        if k not in cells_a or k not in cells_b or values_differ(cells_a[k], cells_b[k])
    ]
    return out, len(keys)


def section_diffs(a: dict[str, Any], b: dict[str, Any]) -> list[SectionDiff]:
    """Per section present on either side: similarity (percent, masked) and character diff segments."""
    sa, sb = a.get("sections") or {}, b.get("sections") or {}
    out: list[SectionDiff] = []
    for key in [*SECTION_ORDER, *(k for k in {**sa, **sb} if k not in SECTION_ORDER)]:
        if key not in sa and key not in sb:
            continue
        ta, tb = (sa.get(key) or {}).get("text") or "", (sb.get(key) or {}).get("text") or ""
        title = (sa.get(key) or sb.get(key) or {}).get("title") or SECTION_TITLES.get(key, key)
        score = similarity(ta, tb)
        pct = None if score is None else round(score * 100, 1)
        out.append(SectionDiff(key, title, pct, tuple(diff_segments(ta, tb))))
    return out


def compare(a: dict[str, Any], b: dict[str, Any]) -> Comparison:
    """Compare record `a` (e.g. last year) with record `b` (e.g. this year)."""
    cells, compared = cell_diffs(a, b)
    indicators = []
    for ind in INDICATORS:
        va, vb = indicator_value(a, ind), indicator_value(b, ind)
        delta = None if va is None or vb is None else vb - va
        indicators.append(
            {"name": ind.name, "label": ind.label, "unit": ind.unit, "a": va, "b": vb, "delta": delta}
        )
    return Comparison(_meta(a), _meta(b), cells, compared, section_diffs(a, b), indicators)


def segments_html(segments: tuple[Segment, ...] | list[Segment], side: str = "b") -> str:
    """The diff as HTML: unchanged text escaped, deletions in <del>, insertions in <ins>.

    side="b" shows b's text with a's deleted parts struck through (the usual "what changed" view).
    """
    parts: list[str] = []
    for s in segments:
        if s.op == "equal":
            parts.append(escape(s.a if side == "a" else s.b))
            continue
        if s.a:
            parts.append(f"<del>{escape(s.a)}</del>")
        if s.b and side == "b":
            parts.append(f"<ins>{escape(s.b)}</ins>")
    return "".join(parts)
