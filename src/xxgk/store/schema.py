"""Schema migrations: an ordered list of steps, applied on open, recorded in `schema_migrations`.

A step is a tuple of statements; a statement is either SQL both engines accept (most of them) or a
mapping dialect name → SQL where they differ ("" = nothing to do on that engine). Steps are append-only:
never edit a released step, add a new one, so a database created by any earlier version upgrades in place.

Physical design notes, per engine:
- No foreign keys: DuckDB turns an update of a referenced row into delete+insert and would refuse it; the
  store deletes dependent rows itself, inside the same transaction.
- `cells` is the big table (~200 rows per report). PostgreSQL needs its (report_id, key) index; DuckDB
  does not (rows arrive clustered by report, so min/max zone maps already find a report's cells) and an
  ART index over tens of millions of rows would only slow bulk loads and cost memory. Since step 5 DuckDB
  has no secondary index at all (see there); only its primary keys and `sha256 UNIQUE` remain.
- `record` is JSON (not JSONB) on PostgreSQL so the record comes back with its keys in record order,
  exactly as on DuckDB — exports and cell_items() rely on that order.
- `parsed_at` is a naive TIMESTAMP holding UTC, written by the store, so both engines return the same value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

Statement = str | Mapping[str, str]


@dataclass(frozen=True)
class Migration:
    version: int
    summary: str
    statements: tuple[Statement, ...]

    def sql_for(self, dialect: str) -> list[str]:
        """The statements to run on that engine, in order."""
        out = [s if isinstance(s, str) else s[dialect] for s in self.statements]
        return [s for s in out if s.strip()]


MIGRATIONS_TABLE = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "corpus tables: reports, cells, findings, agencies, agency_aliases",
        (
            "CREATE SEQUENCE reports_id_seq",
            """CREATE TABLE reports (
                id BIGINT PRIMARY KEY DEFAULT nextval('reports_id_seq'),
                source_path TEXT NOT NULL,
                sha256 TEXT NOT NULL UNIQUE,
                format TEXT NOT NULL,
                agency TEXT NOT NULL,
                agency_key TEXT NOT NULL,
                year INTEGER,
                template TEXT NOT NULL,
                parser_version TEXT NOT NULL,
                region TEXT,
                record JSON NOT NULL,
                parsed_at TIMESTAMP NOT NULL
            )""",
            "CREATE INDEX reports_agency_key ON reports (agency_key)",
            "CREATE INDEX reports_year ON reports (year)",
            "CREATE TABLE cells (report_id BIGINT NOT NULL, key TEXT NOT NULL, value DOUBLE PRECISION)",
            {"duckdb": "", "postgres": "CREATE UNIQUE INDEX cells_report_key ON cells (report_id, key)"},
            """CREATE TABLE findings (
                report_id BIGINT NOT NULL,
                scope TEXT NOT NULL CHECK (scope IN ('report', 'corpus')),
                seq INTEGER NOT NULL,
                rule TEXT NOT NULL,
                severity TEXT NOT NULL,
                message TEXT NOT NULL,
                cells JSON,
                location JSON,
                extra JSON
            )""",
            "CREATE INDEX findings_report ON findings (report_id)",
            "CREATE INDEX findings_rule ON findings (rule)",
            "CREATE INDEX findings_severity ON findings (severity)",
            "CREATE TABLE agencies (key TEXT PRIMARY KEY, name TEXT NOT NULL)",
            "CREATE TABLE agency_aliases (alias_key TEXT PRIMARY KEY, agency_key TEXT NOT NULL)",
            "CREATE INDEX agency_aliases_target ON agency_aliases (agency_key)",
        ),
    ),
    Migration(
        2,
        "sources: the text a report was read from, for excerpts beside its findings",
        ("CREATE TABLE sources (report_id BIGINT PRIMARY KEY, text TEXT NOT NULL)",),
    ),
    Migration(
        3,
        "cross_year_pending: reports stored whose cross-year findings are not stored yet (a killed ingest)",
        ("CREATE TABLE cross_year_pending (report_id BIGINT PRIMARY KEY)",),
    ),
    Migration(
        4,
        "DuckDB: the long texts (records, sources) compressed with ZSTD",
        # DuckDB compresses strings with FSST by default, made for short strings: on report texts (UTF-8
        # Chinese, kilobytes each) it shrinks little and its checkpoint is the slowest step of a bulk
        # ingest. ZSTD makes these columns several times smaller (10 000 generated reports: 75 → 23
        # MB in all) and checkpoints them ~8x faster. DuckDB cannot change a column's compression in
        # place: the tables are rebuilt.
        # PostgreSQL already compresses long values (TOAST): nothing to do there.
        tuple(
            {"duckdb": sql, "postgres": ""}
            for sql in (
                """CREATE TABLE reports_v4 (
                    id BIGINT PRIMARY KEY DEFAULT nextval('reports_id_seq'),
                    source_path TEXT NOT NULL,
                    sha256 TEXT NOT NULL UNIQUE,
                    format TEXT NOT NULL,
                    agency TEXT NOT NULL,
                    agency_key TEXT NOT NULL,
                    year INTEGER,
                    template TEXT NOT NULL,
                    parser_version TEXT NOT NULL,
                    region TEXT,
                    record JSON USING COMPRESSION zstd NOT NULL,
                    parsed_at TIMESTAMP NOT NULL
                )""",
                "INSERT INTO reports_v4 SELECT * FROM reports ORDER BY id",
                "DROP TABLE reports",
                "ALTER TABLE reports_v4 RENAME TO reports",
                "CREATE INDEX reports_agency_key ON reports (agency_key)",
                "CREATE INDEX reports_year ON reports (year)",
                "CREATE TABLE sources_v4 (report_id BIGINT PRIMARY KEY, text TEXT USING COMPRESSION zstd NOT NULL)",
                "INSERT INTO sources_v4 SELECT * FROM sources ORDER BY report_id",
                "DROP TABLE sources",
                "ALTER TABLE sources_v4 RENAME TO sources",
            )
        ),
    ),
    Migration(
        5,
        "DuckDB: no secondary indexes",
        # DuckDB answers a selective filter on an indexed column by fetching the rows one at a time through
        # the ART index, and each fetch decompresses the ZSTD block of the record: listing one year of a
        # 4 000-report corpus took 2.7 s instead of 23 ms. Its zone maps and hash joins serve every query
        # here without them, and each index costs the single writer an insert per row. PostgreSQL keeps its.
        tuple(
            {"duckdb": f"DROP INDEX IF EXISTS {name}", "postgres": ""}
            for name in (
                "reports_agency_key",
                "reports_year",
                "findings_report",
                "findings_rule",
                "findings_severity",
                "agency_aliases_target",
            )
        ),
    ),
)

LATEST = MIGRATIONS[-1].version


def pending(applied: set[int]) -> list[Migration]:
    """Steps not yet recorded, in order."""
    return [m for m in MIGRATIONS if m.version not in applied]
