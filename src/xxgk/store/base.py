"""The one small interface every corpus backend implements (DuckDB embedded, PostgreSQL shared).

The store keeps what ingest produced and what the corpus computed; it never parses. Everything above it
(corpus analysis, export, the web app) talks to `Store`, never to a driver, so both backends stay
interchangeable and are tested with the same suite.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, Self


@dataclass(frozen=True)
class Encoded:
    """A report's column values encoded ahead of time (by an ingest worker), so that the single writer
    only runs SQL: JSON encoding and flattening the cells cost more than DuckDB's insert itself.

    Everything is text or flat tuples: this is what travels from a worker to the writer, and text
    unpickles at memcpy speed where the record's nested dicts cost the writer's receiving thread more
    than the insert of the report."""

    record_json: str
    # the dotted cell keys and their values as JSON arrays (DuckDB reads a report's cells from these)
    cells_json: tuple[str, str]
    # record["findings"] as codec.EncodedFindings rows; None: the store encodes record["findings"]
    findings: tuple[tuple[str, str, str, str | None, str | None, str | None], ...] | None = None
    region: str | None = None

    @property
    def cell_keys(self) -> list[str]:
        return json.loads(self.cells_json[0])

    @property
    def cell_values(self) -> list[float | None]:
        return json.loads(self.cells_json[1])


class NewReport:
    """A parsed report ready to be stored (what a worker process returns to the writer).

    With `encoded` set, the record travels between processes as its JSON text only and is decoded on
    first use: the writer never needs it."""

    __slots__ = (
        "_record",
        "agency",
        "agency_key",
        "encoded",
        "format",
        "parser_version",
        "sha256",
        "source_path",
        "source_text",
        "template",
        "year",
    )

    def __init__(
        self,
        source_path: str,
        sha256: str,
        format: str,
        agency: str,
        agency_key: str,
        year: int | None,
        template: str,
        parser_version: str,
        record: dict[str, Any] | None = None,
        # the text the report was read from (text formats: decoded text, line numbers as in findings;
        # PDF: page texts separated by "\f"), so findings can be shown beside their source excerpt
        source_text: str | None = None,
        encoded: Encoded | None = None,  # see codec.encode; computed by the store when absent
    ) -> None:
        if record is None and encoded is None:
            raise ValueError("NewReport needs its record or its encoded form")
        self.source_path, self.sha256, self.format = source_path, sha256, format
        self.agency, self.agency_key, self.year = agency, agency_key, year
        self.template, self.parser_version = template, parser_version
        self._record, self.source_text, self.encoded = record, source_text, encoded

    @property
    def record(self) -> dict[str, Any]:
        if self._record is None:
            assert self.encoded is not None
            self._record = json.loads(self.encoded.record_json)
        return self._record

    def _fields(self, record: dict[str, Any] | None) -> dict[str, Any]:
        names = ("source_path", "sha256", "format", "agency", "agency_key", "year", "template")
        return {
            **{name: getattr(self, name) for name in names},
            "parser_version": self.parser_version,
            "record": record,
            "source_text": self.source_text,
            "encoded": self.encoded,
        }

    def replace(self, **changes: Any) -> NewReport:
        """A copy with some fields changed (as dataclasses.replace)."""
        return NewReport(**(self._fields(self._record) | changes))

    def __reduce__(self) -> tuple[Any, ...]:
        record = None if self.encoded is not None else self._record
        return (_rebuild, (self._fields(record),))

    def __repr__(self) -> str:
        return f"NewReport({self.source_path!r}, {self.sha256[:12]}…, {self.agency!r}, {self.year})"


def _rebuild(fields: dict[str, Any]) -> NewReport:
    return NewReport(**fields)


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
