"""The corpus store: `open_store(url)` picks the backend from the URL; callers only see `Store`.

None → `./xxgk.duckdb`; `postgresql://…` or `postgres://…` → PostgreSQL (extra `xxgk[postgres]`);
anything else is a DuckDB file path (`:memory:` works for throwaway stores).
"""

from __future__ import annotations

from pathlib import Path

from xxgk.store.base import AgencyInfo, NewReport, ReportFilter, Store, StoredReport

DEFAULT_URL = "xxgk.duckdb"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

__all__ = [
    "DEFAULT_URL",
    "AgencyInfo",
    "NewReport",
    "ReportFilter",
    "Store",
    "StoredReport",
    "is_postgres_url",
    "open_store",
]


def is_postgres_url(url: str | Path | None) -> bool:
    return isinstance(url, str) and url.startswith(POSTGRES_SCHEMES)


def open_store(url: str | Path | None = None, *, read_only: bool = False) -> Store:
    """Open (creating and migrating when needed) the corpus at `url`.

    read_only opens an existing DuckDB file without taking the writer lock (several readers may share
    it while nobody writes) and skips migrations; on PostgreSQL it makes every transaction read-only.
    """
    if url is None:
        url = DEFAULT_URL
    if is_postgres_url(url):
        from xxgk.store.postgres_store import PostgresStore

        return PostgresStore(str(url), read_only=read_only)
    from xxgk.store.duckdb_store import DuckDBStore

    return DuckDBStore(url, read_only=read_only)
