"""Summing reports: a summary report for a group of bodies, and a parent report against its children.

Blank stays unknown: blank + blank is blank; blank + a number is that number, and a finding names the
inputs that were blank, because such a sum may understate the truth. Sums are exact (Decimal), so the
fee amounts in 万元 do not pick up float noise. The summary is audited by the ordinary registry, so a
group whose members each balance gives a balanced summary, and one that does not is caught.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from xxgk.audit import audit_record
from xxgk.audit.context import fmt
from xxgk.extract.template import Template, load_template
from xxgk.model import Finding, Location, get_cell, set_cell

SCHEMA_VERSION = 1


def _common(records: Sequence[dict[str, Any]], what: str) -> tuple[int, Template]:
    """The year and template every record shares; ValueError otherwise (sums across templates are wrong)."""
    if not records:
        raise ValueError(f"{what}: no records")
    years = {r.get("year") for r in records}
    names = {r.get("template") for r in records}
    if len(years) != 1 or len(names) != 1:
        raise ValueError(
            f"{what}: records must share year and template, got {sorted(map(str, years))} / {sorted(map(str, names))}"
        )
    name = names.pop()
    if name not in ("2021", "2019"):
        raise ValueError(f"{what}: template {name!r} has no tables to sum")
    return int(years.pop()), load_template(name)  # type: ignore[arg-type]


def _cell_keys(template: Template, records: Sequence[dict[str, Any]]) -> list[str]:
    """Template cells, plus optional ones (other.unsplit) when any record has them, in template order."""
    keys = [k for t in template.tables for k in t.cell_keys(include_optional=True)]
    return [k for k in keys if any(_has(r, k) for r in records)]


def _has(record: dict[str, Any], key: str) -> bool:
    try:
        get_cell(record, key)
    except KeyError:
        return False
    return True


def _value(record: dict[str, Any], key: str) -> Decimal | None:
    try:
        value = get_cell(record, key)
    except KeyError:
        return None
    return None if value is None else Decimal(str(value))


def _plain(value: Decimal, amount: bool) -> int | float:
    return float(value) if amount else int(value)


def _label(record: dict[str, Any], n: int) -> str:
    return str(record.get("agency") or f"第{n + 1}份报告")


def _blank_finding(partial: dict[str, list[str]], records: Sequence[dict[str, Any]]) -> Finding:
    names = {_label(r, n): n for n, r in enumerate(records)}
    by_input: dict[str, list[str]] = {}
    for key, blanks in partial.items():
        for name in blanks:
            by_input.setdefault(name, []).append(key)
    listing = "、".join(
        f"{name}（{len(keys)} 格）" for name, keys in sorted(by_input.items(), key=lambda x: names[x[0]])
    )
    msg = f"汇总时有 {len(partial)} 个单元格在部分报告中空白，已按其余报告的数字合计，可能偏小：{listing}。"
    extra = {"blank_inputs": [{"agency": name, "cells": keys} for name, keys in by_input.items()]}
    return Finding("A_PARTIAL_SUM", "warning", msg, list(partial), Location(), extra)


def aggregate(records: Sequence[dict[str, Any]], agency: str, year: int | None = None) -> dict[str, Any]:
    """A summary record (record.md shape, no source, no sections) summing the three tables cell by cell.

    All records must share year and template. Its findings are the registry's audit of the sum, plus one
    A_PARTIAL_SUM warning listing the cells summed over only some inputs. `aggregate_of` names the inputs.
    """
    common_year, template = _common(records, "aggregate")
    summary: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "agency": agency,
        "year": common_year if year is None else year,
        "template": template.name,
    }
    partial: dict[str, list[str]] = {}
    for key in _cell_keys(template, records):
        values = [_value(r, key) for r in records]
        known = [v for v in values if v is not None]
        amount = template.column_of(key).type == "amount"
        set_cell(summary, key, _plain(sum(known, Decimal(0)), amount) if known else None)
        if known and len(known) < len(values):
            partial[key] = [
                _label(r, n) for n, (r, v) in enumerate(zip(records, values, strict=True)) if v is None
            ]
    summary["extras"] = []
    summary["aggregate_of"] = [
        {"agency": r.get("agency"), "year": r.get("year"), "source": (r.get("source") or {}).get("path")}
        for r in records
    ]
    findings = audit_record(summary)
    if partial:
        findings.append(_blank_finding(partial, records))
    summary["findings"] = [f.as_dict() for f in findings]
    return summary


def check_parent(parent: dict[str, Any], children: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A_PARENT_SUM: each parent cell against the sum of its children's (e.g. a city against its districts).

    One warning per differing cell. Cells where the parent or a child is blank are not assessable; they are
    listed in one info finding rather than one each, as S_BLANK_CELLS does.
    """
    _, template = _common([parent, *children], "check_parent")
    out: list[dict[str, Any]] = []
    unknown: list[str] = []
    for key in _cell_keys(template, [parent]):
        printed, parts = _value(parent, key), [_value(c, key) for c in children]
        if printed is None and all(p is None for p in parts):
            continue
        if printed is None or any(p is None for p in parts):
            unknown.append(key)
            continue
        total = sum(parts, Decimal(0))  # type: ignore[arg-type]
        if printed != total:
            msg = (
                f"“{template.label_of(key)}”：{parent.get('agency')}报告为 {fmt(printed)}，"
                f"{len(children)} 个下级报告合计 {fmt(total)}，相差 {fmt(printed - total)}。"
            )
            out.append(Finding("A_PARENT_SUM", "warning", msg, [key]).as_dict())
    if unknown:
        msg = f"有 {len(unknown)} 个单元格因上级或下级报告空白，无法核验与下级报告之和是否一致。"
        out.append(Finding("A_PARENT_SUM", "info", msg, unknown).as_dict())
    return out
