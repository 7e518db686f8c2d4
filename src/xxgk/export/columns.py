"""What an export row holds: the columns (machine key, Chinese label, type) and the row builders.

The cell columns come from the templates (data), in template order, the union of the templates asked for
(2021 first, then the 2019-only cells), so a script sees the same columns whatever the selection holds.
Every writer (csv, jsonl, parquet, xlsx) uses these builders, so the formats cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from xxgk.extract.template import TEMPLATE_NAMES, load_template
from xxgk.model import get_cell
from xxgk.store.base import StoredReport

TABLE_LABELS = {"proactive": "主动公开", "requests": "申请", "appeals": "复议诉讼"}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    type: str = "text"  # text | int | count | amount  (count/amount are table cells)

    @property
    def table(self) -> str | None:
        head = self.key.split(".", 1)[0]
        return head if head in TABLE_LABELS and "." in self.key else None


REPORT = Column("report", "报告编号", "int")
AGENCY = Column("agency", "机关", "text")
YEAR = Column("year", "年度", "int")
TEMPLATE = Column("template", "模板", "text")
SOURCE_PATH = Column("source_path", "来源文件", "text")
ROW_HEAD = (REPORT, AGENCY, YEAR)  # what every per-report row of a long table starts with

META_COLUMNS = (AGENCY, YEAR, TEMPLATE, SOURCE_PATH)
LONG_COLUMNS = (
    *ROW_HEAD,
    Column("key", "单元格", "text"),
    Column("value", "数值", "amount"),
)
FINDING_COLUMNS = (
    *ROW_HEAD,
    SOURCE_PATH,
    Column("scope", "范围", "text"),
    Column("rule", "规则", "text"),
    Column("severity", "严重程度", "text"),
    Column("message", "说明", "text"),
    Column("cells", "单元格", "text"),
    Column("line", "行", "int"),
    Column("page", "页", "int"),
)
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def cell_columns(templates: Sequence[str] | None = None) -> list[Column]:
    """One column per dotted cell key of the templates, in template order, optional rows included."""
    return list(_cell_columns(tuple(templates or TEMPLATE_NAMES)))


@cache
def _cell_columns(templates: tuple[str, ...]) -> tuple[Column, ...]:
    out: dict[str, Column] = {}
    for name in templates:
        if name not in TEMPLATE_NAMES:
            continue
        template = load_template(name)
        for table in template.tables:
            for key in table.cell_keys(include_optional=True):
                if key not in out:
                    label = f"{TABLE_LABELS[table.key]} · {template.label_of(key)}"
                    out[key] = Column(key, label, template.column_of(key).type)
    return tuple(out.values())


def wide_columns(templates: Sequence[str] | None = None) -> list[Column]:
    return [*META_COLUMNS, *cell_columns(templates)]


def _cell(record: dict[str, Any], key: str) -> Any:
    try:
        value = get_cell(record, key)
    except KeyError:
        return None
    return value if not isinstance(value, dict) else None


def meta_values(report: StoredReport) -> dict[str, Any]:
    """agency, year, template, source_path of a stored report (the store's columns, not the record's)."""
    return {
        "agency": report.agency,
        "year": report.year,
        "template": report.template,
        "source_path": report.source_path,
    }


def wide_row(report: StoredReport, columns: Sequence[Column]) -> dict[str, Any]:
    """The report as one row; a cell absent from its template (or a blank cell) is None."""
    meta = meta_values(report)
    return {c.key: meta[c.key] if c.key in meta else _cell(report.record, c.key) for c in columns}


def long_rows(report: StoredReport) -> Iterator[dict[str, Any]]:
    """One row per cell of the report's own template that the record has (blank cells: value None)."""
    for col in _cell_columns((report.template,)):
        try:
            value = get_cell(report.record, col.key)
        except KeyError:
            continue
        if isinstance(value, dict):
            continue
        yield {
            "report": report.id,
            "agency": report.agency,
            "year": report.year,
            "key": col.key,
            "value": value,
        }


def finding_rows(
    report: StoredReport,
    findings: Sequence[dict[str, Any]],
    rule: str | None = None,
    severity: str | None = None,
) -> Iterator[dict[str, Any]]:
    """One row per finding, optionally only one rule id and/or one severity; cells joined with ';'."""
    for f in findings:
        if (rule and f.get("rule") != rule) or (severity and f.get("severity") != severity):
            continue
        loc = f.get("location") or {}
        yield {
            "report": report.id,
            "agency": report.agency,
            "year": report.year,
            "source_path": report.source_path,
            "scope": f.get("scope", "report"),
            "rule": f.get("rule"),
            "severity": f.get("severity"),
            "message": f.get("message"),
            "cells": ";".join(f.get("cells") or []),
            "line": loc.get("line"),
            "page": loc.get("page"),
        }
