"""Python values ↔ column values, identical for both backends.

The drivers differ in what they hand back — psycopg parses JSON columns, DuckDB returns the text — so
every value read goes through `load_json`, and every row becomes a `StoredReport` here, in one place.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from xxgk.model.record import cell_items
from xxgk.store.base import Encoded, NewReport, StoredReport
from xxgk.store.queries import Native

FINDING_FIELDS = ("rule", "severity", "message", "cells", "location")


def _default(value: Any) -> Any:
    """Decimals (exact money in the record) become JSON numbers; nothing else unknown is accepted."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dump_json(value: Any) -> str | None:
    """Compact UTF-8 JSON text (Chinese kept readable in the database); None stays NULL."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default)


def load_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def utc_now() -> datetime:
    """Naive UTC for the TIMESTAMP column (see schema.py)."""
    return datetime.now(UTC).replace(tzinfo=None)


def cell_value(value: Any) -> float | None:
    """Numbers are stored as DOUBLE; anything else (blank, a stray string) is NULL, never 0."""
    if type(value) is int or type(value) is float:  # the common case, checked cheaply first
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


def read_cell(value: float | None) -> float | int | None:
    """Counts come back as int; the fee amount keeps its fraction."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def encode(record: dict[str, Any]) -> Encoded:
    """What the writer stores of a record, ready for the SQL (see Encoded)."""
    items = cell_items(record)
    region = record.get("region")
    return Encoded(
        dump_json(record) or "null",
        (
            json.dumps([key for key, _ in items], ensure_ascii=False),
            json.dumps([cell_value(value) for _, value in items]),
        ),
        encode_findings(record.get("findings") or []),
        region if isinstance(region, str) else None,
    )


def report_findings(report: NewReport) -> Sequence[Any]:
    """The report-scope findings to store: finding dicts, or the rows the worker pre-encoded."""
    enc = report.encoded
    if enc is not None and enc.findings is not None:
        return enc.findings
    return report.record.get("findings") or []


def _encoded(report: NewReport) -> Encoded:
    return report.encoded or encode(report.record)


def report_columns(reports: Sequence[NewReport]) -> list[list[Any]]:
    """Column arrays (one list per column of UPSERT_REPORTS, in order) for reports."""
    return [
        [r.source_path for r in reports],
        [r.sha256 for r in reports],
        [r.format for r in reports],
        [r.agency for r in reports],
        [r.agency_key for r in reports],
        [r.year for r in reports],
        [r.template for r in reports],
        [r.parser_version for r in reports],
        [_encoded(r).region for r in reports],
        Native(_encoded(r).record_json for r in reports),  # long texts: see queries.Native
    ]


def cell_columns(ids: Sequence[int], reports: Sequence[NewReport]) -> list[list[Any]]:
    """(report_id[], key[], value[]) for every dotted cell key of the three tables."""
    id_column: list[int] = []
    keys: list[str] = []
    values: list[float | None] = []
    for report_id, report in zip(ids, reports, strict=True):
        enc = _encoded(report)
        report_keys = enc.cell_keys
        id_column += [report_id] * len(report_keys)
        keys += report_keys
        values += enc.cell_values
    return [id_column, keys, values]


class EncodedFindings(tuple):
    """Findings already turned into FINDING rows (rule, severity, message, cells, location, extra JSON
    text) by `encode_findings` — in an ingest worker, so the single writer does not JSON-encode them.
    Accepted wherever the store takes a report's findings, as a sequence of finding dicts is."""

    __slots__ = ()


def encode_findings(findings: Sequence[dict[str, Any]]) -> EncodedFindings:
    """Keys beyond the record.md shape (e.g. S_AMBIGUOUS_CELLS "candidates") go to `extra`, so a finding
    reads back exactly as it was given. "scope" is the store's own column and is not kept in `extra`."""
    if isinstance(findings, EncodedFindings):
        return findings
    rows = []
    for finding in findings:
        extra = {k: v for k, v in finding.items() if k not in (*FINDING_FIELDS, "scope")}
        rows.append(
            (
                str(finding["rule"]),
                str(finding["severity"]),
                str(finding.get("message", "")),
                dump_json(finding.get("cells", [])),
                dump_json(finding.get("location")),
                dump_json(extra or None),
            )
        )
    return EncodedFindings(rows)


def cell_groups(ids: Sequence[int], reports: Sequence[NewReport]) -> list[list[str]]:
    """[keys, report_id[], value[][]] JSON texts per set of cell keys, for queries.INSERT_CELLS_GROUP.

    A batch holds a few key sets (one per template), so DuckDB reads each set's keys once instead of once
    a report; the texts are the worker's (Encoded.cells_json), the writer only joins them."""
    groups: dict[str, tuple[list[int], list[str]]] = {}
    for report_id, report in zip(ids, reports, strict=True):
        keys, values = _encoded(report).cells_json
        group = groups.setdefault(keys, ([], []))
        group[0].append(report_id)
        group[1].append(values)
    return [[keys, json.dumps(rids), "[" + ",".join(vals) + "]"] for keys, (rids, vals) in groups.items()]


def finding_columns(by_report: Sequence[tuple[int, Sequence[dict[str, Any]]]]) -> list[list[Any]]:
    """(report_id[], seq[], rule[], severity[], message[], cells[], location[], extra[]) arrays; each
    report's findings as dicts or as `EncodedFindings`."""
    out: list[list[Any]] = [[] for _ in range(8)]
    report_ids, seqs, *rest = out
    for report_id, findings in by_report:
        rows = encode_findings(findings)
        if not rows:
            continue
        report_ids += [report_id] * len(rows)
        seqs += range(len(rows))
        for column, values in zip(rest, zip(*rows, strict=True), strict=True):
            column += values
    return out


def read_finding(row: Sequence[Any]) -> dict[str, Any]:
    """A FINDING_COLUMNS row as the record.md finding plus its "scope"."""
    rule, severity, message, cells, location, extra, scope = row
    finding: dict[str, Any] = {
        "rule": rule,
        "severity": severity,
        "message": message,
        "cells": load_json(cells) or [],
        "location": load_json(location),
    }
    finding.update(load_json(extra) or {})
    finding["scope"] = scope
    return finding


def read_report(row: Sequence[Any]) -> StoredReport:
    """A REPORT_COLUMNS row as a StoredReport."""
    rid, source_path, sha256, fmt, agency, key, year, template, version, record, parsed_at = row
    return StoredReport(
        id=int(rid),
        source_path=source_path,
        sha256=sha256,
        format=fmt,
        agency=agency,
        agency_key=key,
        year=year,
        template=template,
        parser_version=version,
        record=load_json(record),
        parsed_at=parsed_at.replace(tzinfo=UTC),
    )
