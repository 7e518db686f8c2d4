"""Derived indicators (公开率, 纠错率, 结转率 …), each defined once as data.

A term may be a pattern (`requests.withheld.*.total`) expanded against the record's template, so the
不予公开 rows are not listed by hand and a template change is a data change. An indicator is None when
any term is blank (blank is unknown, never 0), when a cell is absent (legacy reports, a missing table) or
when the denominator is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fnmatch import fnmatchcase
from functools import cache
from typing import Any

from xxgk.extract.template import load_template
from xxgk.model import get_cell


@dataclass(frozen=True, slots=True)
class Indicator:
    name: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    unit: str = "%"  # "%": the ratio times 100


_TOTAL = ("requests.total.total",)
_LITIGATION = ("appeals.litigation_direct", "appeals.litigation_after_review")

INDICATORS: tuple[Indicator, ...] = (
    Indicator("disclosure_rate", "公开率", ("requests.granted.total", "requests.partial.total"), _TOTAL),
    Indicator("granted_rate", "予以公开率", ("requests.granted.total",), _TOTAL),
    Indicator("withheld_rate", "不予公开率", ("requests.withheld.*.total",), _TOTAL),
    Indicator("unavailable_rate", "无法提供率", ("requests.unavailable.*.total",), _TOTAL),
    Indicator("not_processed_rate", "不予处理率", ("requests.not_processed.*.total",), _TOTAL),
    Indicator("other_rate", "其他处理率", ("requests.other.*.total",), _TOTAL),
    Indicator(
        "completion_rate",
        "办结率",
        _TOTAL,
        ("requests.new_received.total", "requests.carried_over.total"),
    ),
    Indicator(
        "carry_forward_rate",
        "结转率",
        ("requests.carried_forward.total",),
        ("requests.new_received.total", "requests.carried_over.total"),
    ),
    Indicator(
        "natural_person_share",
        "自然人申请占比",
        ("requests.new_received.natural_person",),
        ("requests.new_received.total",),
    ),
    Indicator(
        "review_correction_rate", "复议纠错率", ("appeals.review.corrected",), ("appeals.review.total",)
    ),
    Indicator(
        "litigation_correction_rate",
        "诉讼纠错率",
        tuple(f"{g}.corrected" for g in _LITIGATION),
        tuple(f"{g}.total" for g in _LITIGATION),
    ),
    Indicator(
        "dispute_rate",
        "复议诉讼发生率",
        ("appeals.review.total", *(f"{g}.total" for g in _LITIGATION)),
        _TOTAL,
    ),
)

BY_NAME: dict[str, Indicator] = {i.name: i for i in INDICATORS}


@cache
def _expand(template: str, pattern: str) -> tuple[str, ...]:
    if "*" not in pattern:
        return (pattern,)
    if template not in ("2021", "2019"):
        return ()
    return tuple(k for k in load_template(template).cell_keys() if fnmatchcase(k, pattern))


def _sum(record: dict[str, Any], patterns: tuple[str, ...]) -> Decimal | None:
    keys = [k for p in patterns for k in _expand(str(record.get("template")), p)]
    if not keys:
        return None
    total = Decimal(0)
    for key in keys:
        try:
            value = get_cell(record, key)
        except KeyError:
            return None
        if value is None:
            return None
        total += Decimal(str(value))
    return total


def indicator_value(record: dict[str, Any], indicator: Indicator) -> float | None:
    """One indicator of one record, or None when not computable (blank term, absent cell, zero base)."""
    num, den = _sum(record, indicator.numerator), _sum(record, indicator.denominator)
    if num is None or den is None or den == 0:
        return None
    ratio = num / den * (100 if indicator.unit == "%" else 1)
    return float(ratio)


def indicators(record: dict[str, Any]) -> dict[str, float | None]:
    """Every indicator of `record`, by name, in definition order."""
    return {i.name: indicator_value(record, i) for i in INDICATORS}
