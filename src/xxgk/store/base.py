"""The one small interface every corpus backend implements (DuckDB embedded, PostgreSQL shared).

The store keeps what ingest produced and what the corpus computed; it never parses. Everything above it
(corpus analysis, export, the web app) talks to `Store`, never to a driver, so both backends stay
interchangeable and are tested with the same suite.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, Self


@dataclass(frozen=True)
class Encoded:
    """A report's column values encoded ahead of time (by an ingest worker), so that the single writer
    only runs SQL: JSON encoding and flattening the cells cost more than DuckDB's insert itself."""

    record_json: str
    cell_keys: tuple[str, ...]
    cell_values: tuple[float | None, ...]
    # record["findings"] as codec.EncodedFindings rows; None: the store encodes record["findings"]
    findings: tuple[tuple[str, str, str, str | None, str | None, str | None], ...] | None = None
    # cell_keys and cell_values as JSON arrays (DuckDB reads a report's cells from these); None: encoded
    # by the store
    cells_json: tuple[str, str] | None = None


@dataclass(frozen=True)
class NewReport:
    """A parsed report ready to be stored (what a worker process returns to the writer)."""

    source_path: str
    sha256: str
    format: str
    agency: str
    agency_key: str
    year: int | None
    template: str
    parser_version: str
    record: dict[str, Any]
    # the text the report was read from (text formats: decoded text, line numbers as in findings;
    # PDF: page texts separated by "\f"), so findings can be shown beside their source excerpt
    source_text: str | None = None
    encoded: Encoded | None = None  # see codec.encode; computed by the store when absent


@dataclass(frozen=True)
class StoredReport:
    id: int
    source_path: str
    sha256: str
    format: str
    agency: str
    agency_key: str  # canonical key: the alias table already applied
    year: int | None
    template: str
    parser_version: str
    record: dict[str, Any]
    parsed_at: datetime  # timezone-aware UTC: when this parser version's record was stored


@dataclass(frozen=True)
class ReportFilter:
    """Selection used by listing, export, stats and the web corpus page. Empty fields select everything.

    When both `rule` and `severity` are given, one finding must match both (“T3_BALANCE errors”).
    `order_by`, `limit` and `offset` only shape listings: counting and statistics ignore them, so a
    paged list can show its total.
    """

    years: tuple[int, ...] = ()
    templates: tuple[str, ...] = ()
    agency_keys: tuple[str, ...] = ()  # canonical keys, exact
    agency_like: str | None = None  # partial match on agency name or key (Chinese substring)
    region: str | None = None  # substring of record["region"] or of the agency name
    rule: str | None = None  # reports having at least one finding with this rule
    severity: str | None = None  # reports having at least one finding of this severity
    order_by: str = "agency"  # agency | year | findings | errors | parsed_at (prefix '-' for descending)
    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True)
class AgencyInfo:
    key: str
    name: str  # display name (latest report's agency, or the renamed name)
    years: tuple[int, ...]
    aliases: tuple[str, ...] = field(default=())


class Store(Protocol):
    """Every method is one transaction; a crash between calls loses nothing already returned."""

    url: str

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    # --- ingest -----------------------------------------------------------------------------
    def stored_versions(self, sha256s: Sequence[str]) -> dict[str, str]:
        """sha256 → parser_version for those already stored (ingest skips unchanged ones)."""
        ...

    def put_reports(self, reports: Sequence[NewReport]) -> list[int]:
        """Insert, or replace in place when the sha256 exists (new parser version); one transaction.

        Replaces the report's cells and its `report`-scope findings (taken from record["findings"]);
        corpus-scope findings and the id survive. Returns the report ids in input order.
        """
        ...

    # --- reading ----------------------------------------------------------------------------
    def get_report(self, report_id: int) -> StoredReport | None: ...

    def find_reports(self, flt: ReportFilter = ReportFilter()) -> list[StoredReport]: ...

    def count_reports(self, flt: ReportFilter = ReportFilter()) -> int:
        """Size of the whole selection (limit and offset ignored: the total a paged list shows)."""
        ...

    def iter_reports(self, flt: ReportFilter = ReportFilter(), batch: int = 500) -> Iterator[StoredReport]:
        """Stream reports without loading the whole corpus (export of 100k reports)."""
        ...

    def report_for(self, agency_key: str, year: int) -> StoredReport | None:
        """The agency's report for that year (latest parsed if several), aliases applied."""
        ...

    def source_text(self, report_id: int) -> str | None:
        """The text stored with the report (see NewReport.source_text), or None."""
        ...

    def cells(self, report_id: int) -> dict[str, float | int | None]:
        """Dotted cell key → value (integral values come back as int; blank cells as None)."""
        ...

    def findings(self, report_id: int, scope: str | None = None) -> list[dict[str, Any]]:
        """Findings as record.md shapes plus "scope": "report" (single-report audit) or "corpus"."""
        ...

    # --- corpus findings (cross-year rules) -------------------------------------------------
    def replace_corpus_findings(self, report_id: int, findings: Sequence[dict[str, Any]]) -> None: ...

    def replace_corpus_findings_many(self, by_report: Mapping[int, Sequence[dict[str, Any]]]) -> None:
        """The same for many reports in one transaction: a corpus pass over 100k reports would
        otherwise pay one commit per report."""
        ...

    # --- agencies ---------------------------------------------------------------------------
    def agencies(self, like: str | None = None) -> list[AgencyInfo]: ...

    def rename_agency(self, key: str, name: str) -> None: ...

    def merge_agencies(self, alias_key: str, into_key: str) -> None:
        """Record alias_key → into_key; every report of alias_key now answers as into_key."""
        ...

    # --- statistics -------------------------------------------------------------------------
    def stats(self, flt: ReportFilter = ReportFilter()) -> dict[str, Any]:
        """{"by_year_template": [{year, template, reports}], "by_rule": [{rule, severity, findings,
        reports}], "worst_agencies": [{agency_key, agency, errors, warnings}]} for the selection.

        worst_agencies: the 20 agencies with most error findings (then warnings), ignoring agencies
        with neither; findings of both scopes count."""
        ...
