"""SQL text shared by both backends, written once in the subset DuckDB and PostgreSQL both accept.

Every query uses `?` placeholders; `Dialect.sql` turns them into psycopg's `%s`. Lists travel as one array
parameter unnested server-side (`IN (SELECT unnest(?::TEXT[]))`), which both engines plan well and which
keeps statements identical whatever the list length — no string-built `IN (?, ?, …)` and no chunking.
Substring matches use `strpos`, not LIKE, so user text needs no escaping and no literal `%` reaches
psycopg (it would read one as a placeholder).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xxgk.store.base import ReportFilter

ARRAY_PARAM = re.compile(r"unnest\(\?::(\w+)\[\]\)")


@dataclass(frozen=True)
class Dialect:
    name: str  # "duckdb" | "postgres": selects dialect-specific migration statements
    placeholder: str  # "?" (DuckDB) or "%s" (psycopg)
    json_arrays: bool  # send list parameters as JSON text (see `sql`)

    def sql(self, text: str) -> str:
        """The query in this driver's parameter style.

        DuckDB converts a Python list parameter element by element, ~5× slower than parsing the same list
        as JSON with its own reader; at ~200 cells a report that dominated bulk ingest, so there each
        `unnest(?::T[])` becomes `unnest(from_json(?, '["T"]'))` and `params` sends lists as JSON text.
        """
        if self.json_arrays:
            text = ARRAY_PARAM.sub(r"""unnest(from_json(?, '["\1"]'))""", text)
        if self.placeholder == "?":
            return text
        if "%" in text:  # pragma: no cover - guards future edits: psycopg would treat it as a placeholder
            raise ValueError(f"literal % in shared SQL: {text}")
        return text.replace("?", self.placeholder)

    def params(self, values: Sequence[Any]) -> list[Any]:
        if not self.json_arrays:
            return [list(v) if isinstance(v, Native) else v for v in values]
        return [
            json.dumps(v, ensure_ascii=False) if isinstance(v, list) and not isinstance(v, Native) else v
            for v in values
        ]


class Native(list):
    """A list parameter sent as a list even to DuckDB, for `unnest(CAST(? AS TEXT[]))`, which `sql` leaves
    alone: for a few long texts (records, source texts) DuckDB's list conversion beats escaping them into
    one JSON text and parsing it back."""

    __slots__ = ()


DUCKDB = Dialect("duckdb", "?", json_arrays=True)
POSTGRES = Dialect("postgres", "%s", json_arrays=False)

# The canonical agency of a report: the alias table applied (kept flat, one hop).
CANON = "COALESCE(al.agency_key, r.agency_key)"
BASE_FROM = (
    "reports r LEFT JOIN agency_aliases al ON al.alias_key = r.agency_key "
    f"LEFT JOIN agencies ag ON ag.key = {CANON}"
)
REPORT_COLUMNS = (
    f"r.id, r.source_path, r.sha256, r.format, r.agency, {CANON}, r.year, r.template, "
    "r.parser_version, r.record, r.parsed_at"
)
FINDING_COUNTS = (
    "LEFT JOIN (SELECT report_id, count(*) AS n_findings, "
    "count(CASE WHEN severity = 'error' THEN 1 END) AS n_errors "
    "FROM findings GROUP BY report_id) fc ON fc.report_id = r.id"
)
ORDER_COLUMNS = {
    "agency": CANON,
    "year": "r.year",
    "parsed_at": "r.parsed_at",
    "findings": "COALESCE(fc.n_findings, 0)",
    "errors": "COALESCE(fc.n_errors, 0)",
}
FINDING_COLUMNS = "rule, severity, message, cells, location, extra, scope"

# --- writing ----------------------------------------------------------------------------------
INSERT_REPORTS = """
INSERT INTO reports (source_path, sha256, format, agency, agency_key, year, template, parser_version,
                     region, record, parsed_at)
SELECT unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::TEXT[]),
       unnest(?::INTEGER[]), unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::TEXT[]),
       unnest(CAST(? AS TEXT[]))::JSON, ?::TIMESTAMP
"""
# the same, replacing a stored report of that content (a new parser version)
UPSERT_REPORTS = (
    INSERT_REPORTS
    + """ON CONFLICT (sha256) DO UPDATE SET
    source_path = excluded.source_path, format = excluded.format, agency = excluded.agency,
    agency_key = excluded.agency_key, year = excluded.year, template = excluded.template,
    parser_version = excluded.parser_version, region = excluded.region, record = excluded.record,
    parsed_at = excluded.parsed_at
"""
)
IDS_BY_SHA = "SELECT sha256, id FROM reports WHERE sha256 IN (SELECT unnest(?::TEXT[]))"
VERSIONS_BY_SHA = "SELECT sha256, parser_version FROM reports WHERE sha256 IN (SELECT unnest(?::TEXT[]))"
# The redundant BETWEEN lets DuckDB's min/max zone maps skip every row group of older reports, so storing
# new reports (fresh ids above all stored ones) does not scan the whole cells table.
DELETE_CELLS = (
    "DELETE FROM cells WHERE report_id BETWEEN ? AND ? AND report_id IN (SELECT unnest(?::BIGINT[]))"
)
DELETE_FINDINGS = (
    "DELETE FROM findings WHERE scope = ? AND report_id BETWEEN ? AND ? "
    "AND report_id IN (SELECT unnest(?::BIGINT[]))"
)
INSERT_CELLS = """
INSERT INTO cells (report_id, key, value)
SELECT unnest(?::BIGINT[]), unnest(?::TEXT[]), unnest(?::FLOAT8[])
"""
# DuckDB only: reports whose cells have the same keys (a template's) in one statement — the keys once,
# each report's values as a JSON array (codec.cell_groups); the keys and values are the worker's JSON text.
INSERT_CELLS_GROUP = """
INSERT INTO cells (report_id, key, value)
SELECT report_id, unnest(from_json(?, '["VARCHAR"]')), unnest(vals) FROM (
    SELECT unnest(from_json(?, '["BIGINT"]')) AS report_id, unnest(from_json(?, '[["DOUBLE"]]')) AS vals)
"""
INSERT_FINDINGS = """
INSERT INTO findings (report_id, scope, seq, rule, severity, message, cells, location, extra)
SELECT unnest(?::BIGINT[]), ?, unnest(?::INTEGER[]), unnest(?::TEXT[]), unnest(?::TEXT[]),
       unnest(?::TEXT[]), unnest(?::TEXT[])::JSON, unnest(?::TEXT[])::JSON, unnest(?::TEXT[])::JSON
"""
# Stored reports wait here until their cross-year findings are stored: a killed ingest is repaired by the next.
INSERT_PENDING = (
    "INSERT INTO cross_year_pending (report_id) SELECT unnest(?::BIGINT[]) ON CONFLICT (report_id) DO NOTHING"
)
DELETE_PENDING = "DELETE FROM cross_year_pending WHERE report_id IN (SELECT unnest(?::BIGINT[]))"
PENDING_IDS = "SELECT report_id FROM cross_year_pending ORDER BY report_id"
DELETE_SOURCES = (
    "DELETE FROM sources WHERE report_id BETWEEN ? AND ? AND report_id IN (SELECT unnest(?::BIGINT[]))"
)
INSERT_SOURCES = "INSERT INTO sources (report_id, text) SELECT unnest(?::BIGINT[]), unnest(CAST(? AS TEXT[]))"
SOURCE_TEXT = "SELECT text FROM sources WHERE report_id = ?"
EXISTING_IDS = "SELECT id FROM reports WHERE id IN (SELECT unnest(?::BIGINT[]))"
CANONICAL_KEY = "SELECT agency_key FROM agency_aliases WHERE alias_key = ?"
UPSERT_ALIAS = """
INSERT INTO agency_aliases (alias_key, agency_key) VALUES (?, ?)
ON CONFLICT (alias_key) DO UPDATE SET agency_key = excluded.agency_key
"""
UPSERT_AGENCY_NAME = (
    "INSERT INTO agencies (key, name) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET name = excluded.name"
)

# --- reading ----------------------------------------------------------------------------------
REPORTS_BY_IDS = f"SELECT {REPORT_COLUMNS} FROM {BASE_FROM} WHERE r.id IN (SELECT unnest(?::BIGINT[]))"
# (id, canonical agency, year, parsed_at) of the reports of some agencies (given by any of their keys: the
# alias table is applied on both sides) in some years: what the cross-year step decides its pairs on.
REPORT_YEARS = f"""
SELECT r.id, {CANON}, r.year, r.parsed_at FROM reports r LEFT JOIN agency_aliases al ON al.alias_key = r.agency_key
WHERE r.year IN (SELECT unnest(?::INTEGER[])) AND {CANON} IN (
    SELECT COALESCE(a.agency_key, k.key) FROM (SELECT unnest(?::TEXT[]) AS key) k
    LEFT JOIN agency_aliases a ON a.alias_key = k.key)
"""
RECORD_TEXTS = "SELECT id, CAST(record AS TEXT) FROM reports WHERE id IN (SELECT unnest(?::BIGINT[]))"
CELLS_OF = "SELECT key, value FROM cells WHERE report_id = ?"
FINDINGS_OF = f"SELECT {FINDING_COLUMNS} FROM findings WHERE report_id = ? {{scope}} ORDER BY scope DESC, seq"
# ORDER: report-scope findings first, each scope in the order its findings were given
ALIASES = "SELECT agency_key, alias_key FROM agency_aliases ORDER BY alias_key"


def where(flt: ReportFilter, agency_keys: list[str]) -> tuple[str, list[Any]]:
    """WHERE condition over BASE_FROM for a filter; agency_keys are already resolved to canonical keys."""
    parts: list[str] = []
    params: list[Any] = []
    for column, values, cast in (
        ("r.year", list(flt.years), "INTEGER"),
        ("r.template", list(flt.templates), "TEXT"),
        (CANON, agency_keys, "TEXT"),
    ):
        if values:
            parts.append(f"{column} IN (SELECT unnest(?::{cast}[]))")
            params.append(values)
    if flt.agency_like:
        parts.append(agency_like_condition())
        params += [flt.agency_like] * 3
    if flt.region:
        parts.append("(strpos(COALESCE(r.region, ''), ?) > 0 OR strpos(r.agency, ?) > 0)")
        params += [flt.region] * 2
    found = [(c, v) for c, v in (("f.rule", flt.rule), ("f.severity", flt.severity)) if v is not None]
    if found:  # one finding must match both when both are given
        tests = "".join(f" AND {column} = ?" for column, _ in found)
        parts.append(f"EXISTS (SELECT 1 FROM findings f WHERE f.report_id = r.id{tests})")
        params += [value for _, value in found]
    return (" AND ".join(parts) or "TRUE"), params


def agency_like_condition() -> str:
    """Case-folded substring of the printed agency, the canonical key or the display name (3 params)."""
    return (
        "(strpos(lower(r.agency), lower(?)) > 0 OR strpos(lower(" + CANON + "), lower(?)) > 0 "
        "OR strpos(lower(COALESCE(ag.name, '')), lower(?)) > 0)"
    )


def order(order_by: str) -> tuple[str, bool]:
    """ORDER BY clause and whether it needs the FINDING_COUNTS join; ties broken by agency, year, id."""
    descending = order_by.startswith("-")
    name = order_by.removeprefix("-")
    if name not in ORDER_COLUMNS:
        raise ValueError(f"unknown order_by {order_by!r}; expected one of {sorted(ORDER_COLUMNS)}")
    direction = "DESC" if descending else "ASC"
    keys = [f"{ORDER_COLUMNS[name]} {direction} NULLS LAST"]
    keys += [f"{ORDER_COLUMNS[k]} ASC NULLS LAST" for k in ("agency", "year") if k != name]
    keys.append(f"r.id {direction}")  # "-parsed_at": the later insert of one batch comes first
    return "ORDER BY " + ", ".join(keys), name in ("findings", "errors")


def select_reports(
    flt: ReportFilter, agency_keys: list[str], columns: str = REPORT_COLUMNS
) -> tuple[str, list[Any]]:
    """Ordered, paged SELECT of `columns` for a filter."""
    cond, params = where(flt, agency_keys)
    order_sql, counts = order(flt.order_by)
    sql = f"SELECT {columns} FROM {BASE_FROM} {FINDING_COUNTS if counts else ''} WHERE {cond} {order_sql}"
    if flt.limit is not None:
        sql += " LIMIT ?"
        params.append(flt.limit)
    if flt.offset:
        sql += " OFFSET ?"
        params.append(flt.offset)
    return sql, params


def count_reports(flt: ReportFilter, agency_keys: list[str]) -> tuple[str, list[Any]]:
    cond, params = where(flt, agency_keys)
    return f"SELECT count(*) FROM {BASE_FROM} WHERE {cond}", params


def selected_ids(flt: ReportFilter, agency_keys: list[str]) -> tuple[str, list[Any]]:
    """Sub-select of the report ids in a selection (no order, no paging), for the statistics queries."""
    cond, params = where(flt, agency_keys)
    return f"SELECT r.id FROM {BASE_FROM} WHERE {cond}", params


def stats_by_year_template(flt: ReportFilter, agency_keys: list[str]) -> tuple[str, list[Any]]:
    cond, params = where(flt, agency_keys)
    sql = (
        f"SELECT r.year, r.template, count(*) FROM {BASE_FROM} WHERE {cond} "
        "GROUP BY r.year, r.template ORDER BY r.year NULLS LAST, r.template"
    )
    return sql, params


def stats_by_rule(flt: ReportFilter, agency_keys: list[str]) -> tuple[str, list[Any]]:
    ids, params = selected_ids(flt, agency_keys)
    sql = (
        "SELECT f.rule, f.severity, count(*), count(DISTINCT f.report_id) FROM findings f "
        f"WHERE f.report_id IN ({ids}) GROUP BY f.rule, f.severity "
        "ORDER BY count(*) DESC, f.rule, f.severity"
    )
    return sql, params


def stats_worst_agencies(flt: ReportFilter, agency_keys: list[str], top: int) -> tuple[str, list[Any]]:
    cond, params = where(flt, agency_keys)
    errors = "count(CASE WHEN f.severity = 'error' THEN 1 END)"
    warnings = "count(CASE WHEN f.severity = 'warning' THEN 1 END)"
    sql = (
        f"SELECT {CANON} AS k, {errors}, {warnings} FROM {BASE_FROM} JOIN findings f ON f.report_id = r.id "
        f"WHERE {cond} GROUP BY {CANON} HAVING {errors} + {warnings} > 0 "
        f"ORDER BY {errors} DESC, {warnings} DESC, k LIMIT ?"
    )
    return sql, [*params, top]


def agency_rows(like: str | None, keys: list[str] | None = None) -> tuple[str, list[Any]]:
    """One row per report (canonical key, printed agency, year, display override), oldest first, so the
    last row of a key carries the name its latest report uses. `like` selects whole agencies."""
    parts: list[str] = []
    params: list[Any] = []
    if like:
        parts.append(f"{CANON} IN (SELECT {CANON} FROM {BASE_FROM} WHERE {agency_like_condition()})")
        params += [like] * 3
    if keys is not None:
        parts.append(f"{CANON} IN (SELECT unnest(?::TEXT[]))")
        params.append(keys)
    sql = (
        f"SELECT {CANON}, r.agency, r.year, ag.name FROM {BASE_FROM} WHERE {' AND '.join(parts) or 'TRUE'} "
        f"ORDER BY {CANON}, r.year NULLS FIRST, r.parsed_at, r.id"
    )
    return sql, params
