"""Export stored reports to csv, xlsx, parquet or jsonl (cli.md: `xxgk export`).

Wide by default: one row per report — `agency`, `year`, `template`, `source_path`, then one column per
dotted cell key in template order (the union of the templates; a cell its template lacks is empty).
`long=True`: one row per cell (`report`, `agency`, `year`, `key`, `value`). `what="findings"`: one row
per finding, optionally one rule id or severity only. `what="records"` (jsonl only): the canonical
record per line, unchanged.

`reports` is any iterable (typically `store.iter_reports(flt)`); csv, jsonl and parquet stream it, xlsx
uses openpyxl's write-only mode, so a corpus is never held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from xxgk.export.columns import (
    FINDING_COLUMNS,
    LONG_COLUMNS,
    Column,
    cell_columns,
    finding_rows,
    long_rows,
    wide_columns,
    wide_row,
)
from xxgk.export.writers import write_csv, write_jsonl, write_parquet
from xxgk.export.xlsx import write_xlsx
from xxgk.store.base import StoredReport

FORMATS = ("csv", "xlsx", "parquet", "jsonl")
WHATS = ("cells", "findings", "records")

__all__ = ["FORMATS", "WHATS", "Column", "cell_columns", "export", "wide_columns"]


def record_findings(report: StoredReport) -> list[dict[str, Any]]:
    """The findings the record carries (single-report audit); pass `lambda r: store.findings(r.id)` for corpus ones too."""
    return list(report.record.get("findings") or [])


def _rows(
    reports: Iterable[StoredReport],
    what: str,
    long: bool,
    columns: Sequence[Column],
    findings_of: Callable[[StoredReport], Sequence[dict[str, Any]]],
    rule: str | None,
    severity: str | None,
) -> Iterator[dict[str, Any]]:
    for report in reports:
        if what == "records":
            yield report.record
        elif what == "findings":
            yield from finding_rows(report, findings_of(report), rule, severity)
        elif long:
            yield from long_rows(report)
        else:
            yield wide_row(report, columns)


def export(
    reports: Iterable[StoredReport],
    fmt: str,
    out: Path,
    long: bool = False,
    *,
    what: str = "cells",
    templates: Sequence[str] | None = None,
    findings_of: Callable[[StoredReport], Sequence[dict[str, Any]]] | None = None,
    rule: str | None = None,
    severity: str | None = None,
    labels: bool = False,
) -> int:
    """Write `reports` to `out` in `fmt`; returns the data rows written (reports, cells or findings).

    `templates` restricts the wide cell columns (the caller may pass the templates its selection holds,
    e.g. from `store.stats`); by default every known template's cells are columns, so the header is the
    same whatever the selection. `findings_of` supplies findings (default: those in the record; the CLI
    passes `lambda r: store.findings(r.id)` to include corpus-scope X_* findings). `labels` adds the Chinese labels as a
    second csv header row (xlsx always has them).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if what not in WHATS:
        raise ValueError(f"unknown export content {what!r}; expected one of {', '.join(WHATS)}")
    if what == "records" and fmt != "jsonl":
        raise ValueError("whole records can only be exported as jsonl")
    out = Path(out)
    get_findings = findings_of or record_findings
    if fmt == "xlsx":
        return write_xlsx(out, reports, get_findings, long, what, templates, rule, severity)
    if what == "findings":
        columns: Sequence[Column] = FINDING_COLUMNS
    else:
        columns = LONG_COLUMNS if long else wide_columns(templates)
    rows = _rows(reports, what, long, columns, get_findings, rule, severity)
    if fmt == "jsonl":
        return write_jsonl(out, rows)
    if fmt == "csv":
        return write_csv(out, columns, rows, labels)
    return write_parquet(out, columns, rows)
