"""The Excel export: a workbook people open, filter and print — Chinese headers, one sheet per table.

Sheets: 报告 (one row per report: metadata and finding counts), 主动公开 / 申请 / 复议诉讼 (the three tables,
one row per report) and 问题 (one row per finding). Row 1 holds the Chinese labels, row 2 the machine keys
(so a script can still read the workbook); panes are frozen below them. The workbook is written in
openpyxl's write-only mode, which streams every sheet to disk: memory stays flat for a large corpus. A
sheet that reaches Excel's row limit continues on a new sheet (申请2, …).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from xxgk.export.columns import (
    AGENCY,
    FINDING_COLUMNS,
    LONG_COLUMNS,
    REPORT,
    ROW_HEAD,
    SEVERITY_LABELS,
    SOURCE_PATH,
    TABLE_LABELS,
    TEMPLATE,
    YEAR,
    Column,
    cell_columns,
    finding_rows,
    long_rows,
    wide_row,
)
from xxgk.store.base import StoredReport

EXCEL_MAX_ROWS = 1_048_576
HEADER_ROWS = 2
REPORT_COLUMNS = (
    REPORT,
    AGENCY,
    Column("agency_key", "机关标识", "text"),
    YEAR,
    TEMPLATE,
    Column("format", "格式", "text"),
    SOURCE_PATH,
    Column("errors", "错误数", "int"),
    Column("warnings", "警告数", "int"),
    Column("infos", "提示数", "int"),
)
_BOLD = Font(bold=True)
_GREY = Font(color="808080", size=8)

FindingsOf = Callable[[StoredReport], Sequence[dict[str, Any]]]


class _Sheet:
    """A write-only sheet with the two header rows, continued on a new sheet at Excel's row limit."""

    def __init__(self, wb: Workbook, name: str, columns: Sequence[Column], max_rows: int | None = None):
        self.wb, self.name, self.columns = wb, name, list(columns)
        self.max_rows = max_rows or EXCEL_MAX_ROWS
        self.part, self.rows = 0, 0
        self.ws: WriteOnlyWorksheet = self._open()

    def _open(self) -> WriteOnlyWorksheet:
        self.part += 1
        ws = self.wb.create_sheet(self.name if self.part == 1 else f"{self.name}{self.part}")
        ws.freeze_panes = "A3"
        ws.append([self._cell(ws, c.label, _BOLD) for c in self.columns])
        ws.append([self._cell(ws, c.key, _GREY) for c in self.columns])
        self.rows = HEADER_ROWS
        return ws

    @staticmethod
    def _cell(ws: WriteOnlyWorksheet, value: Any, font: Font | None = None) -> WriteOnlyCell:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text, never a formula
        if font is not None:
            cell.font = font
        return cell

    def append(self, row: dict[str, Any]) -> None:
        if self.rows >= self.max_rows:
            self.ws = self._open()
        self.ws.append([self._cell(self.ws, row.get(c.key)) for c in self.columns])
        self.rows += 1


def _report_row(report: StoredReport, findings: Sequence[dict[str, Any]]) -> dict[str, Any]:
    counts = {s: sum(1 for f in findings if f.get("severity") == s) for s in SEVERITY_LABELS}
    return {
        "report": report.id,
        "agency": report.agency,
        "agency_key": report.agency_key,
        "year": report.year,
        "template": report.template,
        "format": report.format,
        "source_path": report.source_path,
        "errors": counts["error"],
        "warnings": counts["warning"],
        "infos": counts["info"],
    }


def _table_sheets(wb: Workbook, templates: Sequence[str] | None) -> dict[str, _Sheet]:
    cells = cell_columns(templates)
    sheets = {}
    for table, name in TABLE_LABELS.items():
        own = [Column(c.key, c.label.split(" · ", 1)[1], c.type) for c in cells if c.table == table]
        sheets[table] = _Sheet(wb, name, [*ROW_HEAD, *own])
    return sheets


def _add_findings(sheet: _Sheet, report: StoredReport, findings: Sequence[dict[str, Any]], **flt: Any) -> int:
    n = 0
    for row in finding_rows(report, findings, **flt):
        row["severity"] = SEVERITY_LABELS.get(row["severity"], row["severity"])
        sheet.append(row)
        n += 1
    return n


def write_xlsx(
    path: Path,
    reports: Iterable[StoredReport],
    findings_of: FindingsOf,
    long: bool = False,
    what: str = "cells",
    templates: Sequence[str] | None = None,
    rule: str | None = None,
    severity: str | None = None,
) -> int:
    """Write the workbook; returns the data rows written (reports, cells when long, or findings)."""
    wb = Workbook(write_only=True)
    if what == "findings":
        issues = _Sheet(wb, "问题", FINDING_COLUMNS)
        count = sum(_add_findings(issues, r, findings_of(r), rule=rule, severity=severity) for r in reports)
    else:
        count = _write_reports(wb, reports, findings_of, long, templates, rule=rule, severity=severity)
    wb.save(path)
    return count


def _write_reports(
    wb: Workbook,
    reports: Iterable[StoredReport],
    findings_of: FindingsOf,
    long: bool,
    templates: Sequence[str] | None,
    **flt: Any,
) -> int:
    """报告, then the three table sheets (wide) or one 单元格 sheet (long), then 问题."""
    listing = _Sheet(wb, "报告", REPORT_COLUMNS)
    tables = {} if long else _table_sheets(wb, templates)
    cells = _Sheet(wb, "单元格", [*LONG_COLUMNS, Column("label", "名称", "text")]) if long else None
    issues = _Sheet(wb, "问题", FINDING_COLUMNS)
    count = 0
    for report in reports:
        findings = findings_of(report)
        listing.append(_report_row(report, findings))
        _add_findings(issues, report, findings, **flt)
        if cells is not None:
            count += _add_long(cells, report)
        else:
            for sheet in tables.values():
                sheet.append({**wide_row(report, sheet.columns), "report": report.id})
            count += 1
    return count


def _add_long(sheet: _Sheet, report: StoredReport) -> int:
    labels = {c.key: c.label for c in cell_columns([report.template])}
    n = 0
    for row in long_rows(report):
        sheet.append({**row, "label": labels.get(row["key"])})
        n += 1
    return n
