"""The `Store` implementation both backends share; a backend only supplies a connection.

A subclass provides `dialect`, `_execute` (run one statement, return its rows) and `_transaction` (a
context manager around one database transaction). Everything else — migrations, upserts, filters,
aliases, statistics — lives here once, so DuckDB and PostgreSQL cannot drift apart.

Crash safety comes from transactions alone: every public method that writes runs in exactly one
transaction, so a process killed at any moment leaves either the state before or after that call.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any, Self

from xxgk.errors import XxgkError
from xxgk.store import codec, queries, schema
from xxgk.store.base import AgencyInfo, NewReport, ReportFilter, StoredReport
from xxgk.store.queries import Dialect

WORST_AGENCIES = 20
EVERYTHING = ReportFilter()


class SqlStore(ABC):
    dialect: Dialect
    url: str

    def __init__(self, migrate: bool = True) -> None:
        self._depth = 0
        self._lock = threading.RLock()  # one connection: threads (e.g. the web app's) take turns
        if migrate:
            self._migrate()
        else:
            self._check_version()

    # --- backend hooks ----------------------------------------------------------------------
    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Run one statement already in the driver's parameter style; rows, or [] when it returns none."""

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[None]:
        """BEGIN … COMMIT, ROLLBACK when the block raises."""

    def _lock_schema(self) -> None:
        """Serialise concurrent migrations (PostgreSQL); DuckDB's file lock already admits one writer."""
        return None

    @abstractmethod
    def close(self) -> None: ...

    # --- helpers ----------------------------------------------------------------------------
    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._execute(self.dialect.sql(sql), self.dialect.params(params))

    @contextmanager
    def _tx(self) -> Iterator[None]:
        """One transaction per public call; helpers called inside it join the caller's transaction."""
        with self._lock:
            if self._depth:
                yield
                return
            self._depth += 1
            try:
                with self._transaction():
                    yield
            finally:
                self._depth -= 1

    def _migrate(self) -> None:
        """Apply pending steps in one transaction; a crash mid-way leaves the old schema intact."""
        with self._tx():
            self._lock_schema()
            self._rows(schema.MIGRATIONS_TABLE)
            applied = {int(v) for (v,) in self._rows("SELECT version FROM schema_migrations")}
            if applied and max(applied) > schema.LATEST:
                reason = f"数据库结构版本 {max(applied)} 高于本程序支持的 {schema.LATEST}，请升级 xxgk"
                raise XxgkError(self.url, reason)
            for step in schema.pending(applied):
                for statement in step.sql_for(self.dialect.name):
                    self._rows(statement)
                self._rows(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    [step.version, codec.utc_now()],
                )

    def _check_version(self) -> None:
        """A read-only open cannot migrate, so it insists on the schema this code was written for."""
        try:
            version = self._rows("SELECT max(version) FROM schema_migrations")[0][0]
        except Exception as exc:
            raise XxgkError(self.url, "这不是 xxgk 语料库（缺少 schema_migrations 表）") from exc
        if version != schema.LATEST:
            reason = (
                f"数据库结构版本 {version} 与本程序的 {schema.LATEST} 不同，请先以写入方式打开一次完成升级"
            )
            raise XxgkError(self.url, reason)

    def _canonical(self, key: str) -> str:
        rows = self._rows(queries.CANONICAL_KEY, [key])
        return rows[0][0] if rows else key

    def _canonical_keys(self, flt: ReportFilter) -> list[str]:
        """Filter keys resolved through the alias table, so an old key still selects its reports."""
        return sorted({self._canonical(k) for k in flt.agency_keys})

    # --- ingest -----------------------------------------------------------------------------
    def stored_versions(self, sha256s: Sequence[str]) -> dict[str, str]:
        if not sha256s:
            return {}
        return dict(self._rows(queries.VERSIONS_BY_SHA, [list(sha256s)]))

    def put_reports(self, reports: Sequence[NewReport]) -> list[int]:
        # The last copy of a sha256 wins; rows are written in sha256 order so that concurrent PostgreSQL
        # writers lock shared rows in the same order and cannot deadlock.
        unique = sorted({r.sha256: r for r in reports}.values(), key=lambda r: r.sha256)
        if not unique:
            return []
        shas = [r.sha256 for r in unique]
        with self._tx():
            # DuckDB has one writer (this process, and `_tx` holds the lock): when none of the batch is
            # stored yet — a first ingest — a plain insert, with nothing old to delete, does.
            fresh = self.dialect.name == "duckdb" and not self._rows(queries.IDS_BY_SHA, [shas])
            sql = queries.INSERT_REPORTS if fresh else queries.UPSERT_REPORTS
            self._rows(sql, [*codec.report_columns(unique), codec.utc_now()])
            # Old rows are deleted only now that the upsert holds the report rows: a concurrent writer of
            # the same file (PostgreSQL) has committed by then, and its rows are the ones replaced.
            id_of = dict(self._rows(queries.IDS_BY_SHA, [shas]))
            ids = [int(id_of[r.sha256]) for r in unique]
            if not fresh:
                self._rows(queries.DELETE_CELLS, [min(ids), max(ids), ids])
            if self.dialect.json_arrays:  # DuckDB: the workers' JSON, joined (see Dialect.sql)
                for group in codec.cell_groups(ids, unique):
                    self._rows(queries.INSERT_CELLS_GROUP, group)
            else:
                self._insert(queries.INSERT_CELLS, codec.cell_columns(ids, unique))
            findings = [(i, codec.report_findings(r)) for i, r in zip(ids, unique, strict=True)]
            self._replace_findings("report", findings, old=not fresh)
            self._replace_sources(ids, unique, old=not fresh)
            self._rows(queries.INSERT_PENDING, [ids])
        return [int(id_of[r.sha256]) for r in reports]

    def _insert(self, sql: str, columns: list[list[Any]], *scalars: Any) -> None:
        """Run a set-based INSERT of column arrays (first array = report ids); skipped when empty."""
        if columns[0]:
            first, *rest = columns
            self._rows(sql, [first, *scalars, *rest])

    def _replace_findings(
        self, scope: str, by_report: Sequence[tuple[int, Sequence[dict[str, Any]]]], old: bool = True
    ) -> None:
        """`old`: the reports may have findings of this scope already, to be deleted first."""
        ids = [rid for rid, _ in by_report]
        if old:
            self._rows(queries.DELETE_FINDINGS, [scope, min(ids), max(ids), ids])
        self._insert(queries.INSERT_FINDINGS, codec.finding_columns(by_report), scope)

    def _replace_sources(self, ids: Sequence[int], reports: Sequence[NewReport], old: bool = True) -> None:
        if old:
            self._rows(queries.DELETE_SOURCES, [min(ids), max(ids), list(ids)])
        kept = [(i, r.source_text) for i, r in zip(ids, reports, strict=True) if r.source_text is not None]
        self._insert(queries.INSERT_SOURCES, [[i for i, _ in kept], queries.Native(t for _, t in kept)])

    # --- reading ----------------------------------------------------------------------------
    def source_text(self, report_id: int) -> str | None:
        rows = self._rows(queries.SOURCE_TEXT, [report_id])
        return rows[0][0] if rows else None

    def get_report(self, report_id: int) -> StoredReport | None:
        found = self._reports_by_ids([report_id])
        return found[0] if found else None

    def _reports_by_ids(self, ids: Sequence[int]) -> list[StoredReport]:
        """Reports in the order of `ids` (missing ids skipped)."""
        by_id = {r.id: r for r in map(codec.read_report, self._rows(queries.REPORTS_BY_IDS, [list(ids)]))}
        return [by_id[i] for i in ids if i in by_id]

    def find_reports(self, flt: ReportFilter = EVERYTHING) -> list[StoredReport]:
        with self._tx():
            sql, params = queries.select_reports(flt, self._canonical_keys(flt))
            return [codec.read_report(row) for row in self._rows(sql, params)]

    def count_reports(self, flt: ReportFilter = EVERYTHING) -> int:
        with self._tx():
            sql, params = queries.count_reports(flt, self._canonical_keys(flt))
            return int(self._rows(sql, params)[0][0])

    def iter_reports(self, flt: ReportFilter = EVERYTHING, batch: int = 500) -> Iterator[StoredReport]:
        # Only the ordered ids are held (8 bytes a report); records are fetched `batch` at a time and no
        # cursor stays open, so the caller may use the store between batches (e.g. cells()).
        with self._tx():
            sql, params = queries.select_reports(flt, self._canonical_keys(flt), columns="r.id")
            ids = [int(rid) for (rid,) in self._rows(sql, params)]
        for start in range(0, len(ids), max(batch, 1)):
            yield from self._reports_by_ids(ids[start : start + batch])

    def report_for(self, agency_key: str, year: int) -> StoredReport | None:
        flt = ReportFilter(agency_keys=(agency_key,), years=(year,), order_by="-parsed_at", limit=1)
        found = self.find_reports(flt)
        return found[0] if found else None

    def report_years(
        self, agency_keys: Sequence[str], years: Sequence[int]
    ) -> list[tuple[int, str, int, datetime]]:
        """(id, canonical agency key, year, parsed_at) of the agencies' reports in those years, no record:
        the cross-year step of bulk ingest decides what to compare on these alone."""
        if not agency_keys or not years:
            return []
        rows = self._rows(queries.REPORT_YEARS, [list(years), list(agency_keys)])
        return [(int(rid), key, int(year), parsed_at) for rid, key, year, parsed_at in rows]

    def record_texts(self, ids: Sequence[int]) -> dict[int, str]:
        """id → the stored record as JSON text, undecoded (the ingest workers decode it)."""
        if not ids:
            return {}
        return {int(rid): text for rid, text in self._rows(queries.RECORD_TEXTS, [list(ids)])}

    def cells(self, report_id: int) -> dict[str, float | int | None]:
        return {key: codec.read_cell(value) for key, value in self._rows(queries.CELLS_OF, [report_id])}

    def findings(self, report_id: int, scope: str | None = None) -> list[dict[str, Any]]:
        if scope is None:
            rows = self._rows(queries.FINDINGS_OF.format(scope=""), [report_id])
        else:
            rows = self._rows(queries.FINDINGS_OF.format(scope="AND scope = ?"), [report_id, scope])
        return [codec.read_finding(row) for row in rows]

    # --- corpus findings --------------------------------------------------------------------
    def replace_corpus_findings(self, report_id: int, findings: Sequence[dict[str, Any]]) -> None:
        self.replace_corpus_findings_many({report_id: findings})

    def replace_corpus_findings_many(self, by_report: Mapping[int, Sequence[dict[str, Any]]]) -> None:
        if not by_report:
            return
        with self._tx():
            known = {int(i) for (i,) in self._rows(queries.EXISTING_IDS, [list(by_report)])}
            missing = sorted(set(by_report) - known)
            if missing:
                raise KeyError(f"no stored report with id {missing[:5]}")
            self._replace_findings("corpus", sorted(by_report.items()))
            self._rows(queries.DELETE_PENDING, [list(by_report)])

    def cross_year_pending(self) -> list[int]:
        """Reports stored by an ingest that was killed before their cross-year findings were stored."""
        return [int(rid) for (rid,) in self._rows(queries.PENDING_IDS)]

    # --- agencies ---------------------------------------------------------------------------
    def agencies(self, like: str | None = None) -> list[AgencyInfo]:
        with self._tx():
            sql, params = queries.agency_rows(like)
            rows = self._rows(sql, params)
            aliases: dict[str, list[str]] = {}
            for target, alias in self._rows(queries.ALIASES):
                aliases.setdefault(target, []).append(alias)
        return _agency_infos(rows, aliases)

    def rename_agency(self, key: str, name: str) -> None:
        with self._tx():
            self._rows(queries.UPSERT_AGENCY_NAME, [self._canonical(key), name])

    def merge_agencies(self, alias_key: str, into_key: str) -> None:
        # The alias table stays flat (alias → canonical, one hop): earlier aliases of alias_key are
        # re-pointed, and merging b into a after a into b reverses the earlier merge instead of looping.
        if alias_key == into_key:
            return
        with self._tx():
            target = self._canonical(into_key)
            if target == alias_key:
                self._rows("DELETE FROM agency_aliases WHERE alias_key = ?", [into_key])
                target = into_key
            self._rows(queries.UPSERT_ALIAS, [alias_key, target])
            self._rows("UPDATE agency_aliases SET agency_key = ? WHERE agency_key = ?", [target, alias_key])

    def _display_names(self, keys: list[str]) -> dict[str, str]:
        if not keys:
            return {}
        return {a.key: a.name for a in _agency_infos(self._rows(*queries.agency_rows(None, keys)), {})}

    # --- statistics -------------------------------------------------------------------------
    def stats(self, flt: ReportFilter = EVERYTHING) -> dict[str, Any]:
        with self._tx():
            keys = self._canonical_keys(flt)
            by_year = self._rows(*queries.stats_by_year_template(flt, keys))
            by_rule = self._rows(*queries.stats_by_rule(flt, keys))
            worst = self._rows(*queries.stats_worst_agencies(flt, keys, WORST_AGENCIES))
            names = self._display_names([k for k, *_ in worst])
        return {
            "by_year_template": [{"year": y, "template": t, "reports": int(n)} for y, t, n in by_year],
            "by_rule": [
                {"rule": r, "severity": s, "findings": int(n), "reports": int(m)} for r, s, n, m in by_rule
            ],
            "worst_agencies": [
                {"agency_key": k, "agency": names.get(k, k), "errors": int(e), "warnings": int(w)}
                for k, e, w in worst
            ],
        }


def _agency_infos(rows: Sequence[tuple[Any, ...]], aliases: Mapping[str, list[str]]) -> list[AgencyInfo]:
    """Fold agency_rows() (oldest report first) into one AgencyInfo per canonical key, sorted by key."""
    seen: dict[str, tuple[str, set[int]]] = {}
    for key, agency, year, override in rows:
        _, years = seen.get(key, ("", set()))
        if year is not None:
            years.add(int(year))
        seen[key] = (override or agency, years)
    return [
        AgencyInfo(key=k, name=name, years=tuple(sorted(years)), aliases=tuple(aliases.get(k, ())))
        for k, (name, years) in sorted(seen.items())
    ]
