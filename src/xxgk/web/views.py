"""Records and findings → the plain data the templates draw (and the JSON twins return).

The tables come from `xxgk.render.layout`, the one data-driven description of the national template's
printed layout (merged cells included), so the report page, the comparison and the drafting form show a
2019 or 2021 report in its own layout without hard-coding any of it here.
"""

from __future__ import annotations

from typing import Any

from xxgk.render.layout import TABLE_TITLES, Grid, table_grids
from xxgk.web.excerpt import excerpt

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
TABLE_NAMES = {"proactive": "表二", "requests": "表三", "appeals": "表四"}


def location_label(location: dict[str, Any] | None) -> str:
    """“第 52 行”, “第 3 页”, “表 7 第 4 行第 8 列” — whatever the location knows, in Chinese."""
    loc = location or {}
    parts = []
    if loc.get("page"):
        parts.append(f"第 {loc['page']} 页")
    if loc.get("line"):
        parts.append(f"第 {loc['line']} 行")
    if not parts and loc.get("table"):
        cell = f"表格 {loc['table']}"
        if loc.get("row"):
            cell += f" 第 {loc['row']} 行"
        if loc.get("col"):
            cell += f"第 {loc['col']} 列"
        parts.append(cell)
    return "，".join(parts)


def finding_views(findings: list[dict[str, Any]], text: str | None = None) -> list[dict[str, Any]]:
    """Findings in display order (errors first), numbered, each with its source excerpt if available."""
    ordered = sorted(findings, key=lambda f: (SEVERITY_RANK.get(f.get("severity", ""), 3), f.get("rule", "")))
    out = []
    for n, f in enumerate(ordered):
        location = f.get("location") or {}
        out.append(
            {
                "index": n,
                "rule": f.get("rule", ""),
                "severity": f.get("severity", "info"),
                "severity_label": SEVERITY_LABEL.get(f.get("severity", ""), f.get("severity", "")),
                "message": f.get("message", ""),
                "cells": list(f.get("cells") or []),
                "location": location,
                "where": location_label(location),
                "scope": f.get("scope", "report"),
                "excerpt": excerpt(text, location),
            }
        )
    return out


def severity_counts(findings: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        counts[f.get("severity", "info")] = counts.get(f.get("severity", "info"), 0) + 1
    return counts


def _cell_index(findings: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    by_cell: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        for key in f["cells"]:
            by_cell.setdefault(key, []).append(f)
    return by_cell


def _cell_view(cell: Any, by_cell: dict[str, list[dict[str, Any]]], marks: dict[str, str]) -> dict[str, Any]:
    hits = by_cell.get(cell.key or "", [])
    worst = min((SEVERITY_RANK.get(f["severity"], 3) for f in hits), default=None)
    return {
        "text": cell.text,
        "rowspan": cell.rowspan,
        "colspan": cell.colspan,
        "key": cell.key,
        "header": cell.header,
        "blank": bool(cell.key) and cell.text == "",
        "severity": next((s for s, r in SEVERITY_RANK.items() if r == worst), None),
        "findings": [f["index"] for f in hits],
        "mark": marks.get(cell.key or "", ""),
    }


def _grid_view(
    grid: Grid, by_cell: dict[str, list[dict[str, Any]]], marks: dict[str, str]
) -> list[list[dict]]:
    return [[_cell_view(cell, by_cell, marks) for cell in row] for row in grid]


def table_views(
    record: dict[str, Any],
    findings: list[dict[str, Any]] | None = None,
    marks: dict[str, str] | None = None,
    include_missing: bool = False,
) -> list[dict[str, Any]]:
    """表二/三/四 as rows of cells, each cell carrying its key, blankness, worst finding and finding numbers.

    `findings` must be `finding_views` output (numbered). `marks` adds a class per cell key (e.g. "diff").
    A table the record lacks is listed with `present: False` (legacy reports, a table not found), unless
    `include_missing` draws it empty (the drafting form).
    """
    by_cell = _cell_index(findings or [])
    grids = table_grids(record)
    out = []
    for key, grid in grids.items():
        present = include_missing or isinstance(record.get(key), dict)
        out.append(
            {
                "key": key,
                "name": TABLE_NAMES[key],
                "title": TABLE_TITLES[key],
                "present": present,
                "rows": _grid_view(grid, by_cell, marks or {}) if present else [],
            }
        )
    return out


def report_summary(report: Any, findings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The facts every list shows about a stored report."""
    found = findings if findings is not None else list(report.record.get("findings") or [])
    return {
        "id": report.id,
        "agency": report.agency,
        "agency_key": report.agency_key,
        "year": report.year,
        "template": report.template,
        "format": report.format,
        "source_path": report.source_path,
        "sha256": report.sha256,
        "parsed_at": report.parsed_at,
        "counts": severity_counts(found),
        "url": f"/reports/{report.id}",
    }
