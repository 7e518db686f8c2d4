"""PostgreSQL backend (`--db postgresql://…`): the shared corpus several writers may use at once.

Needs the optional extra `xxgk[postgres]` (psycopg 3). Unlike DuckDB, any number of processes may open
and write concurrently: ingest workers can store their own results directly. Each call is one
transaction; concurrent `put_reports` of the same files serialise on the report rows (written in sha256
order, so they cannot deadlock), and concurrent opens of a fresh database serialise their migrations on
a transaction-scoped advisory lock, so exactly one of them creates the tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from xxgk.errors import MissingExtraError, XxgkError
from xxgk.store.queries import POSTGRES
from xxgk.store.sql_store import SqlStore

if TYPE_CHECKING:
    import psycopg

# pg_advisory_xact_lock key for migrations: any fixed bigint unlikely to collide with other apps' locks.
MIGRATION_LOCK = 0x78_78_67_6B_5F_6D_69_67  # b"xxgk_mig"


def redact(url: str) -> str:
    """The URL without its password, for messages and `Store.url`."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        reason = '需要安装 PostgreSQL 支持：pip install "xxgk[postgres]"'
        raise MissingExtraError("PostgreSQL", reason) from exc
    return psycopg


class PostgresStore(SqlStore):
    dialect = POSTGRES

    def __init__(self, url: str, read_only: bool = False) -> None:
        self.url = redact(url)
        self._conn = _connect(url, self.url)
        try:
            if read_only:
                self._conn.execute("SET default_transaction_read_only = on")
            super().__init__(migrate=not read_only)
        except BaseException:
            self._conn.close()
            raise

    def _execute(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        cur = self._conn.execute(sql, params or None)
        return cur.fetchall() if cur.description else []

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._conn.transaction():
            yield

    def _lock_schema(self) -> None:
        self._rows("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK])

    def close(self) -> None:
        self._conn.close()


def _connect(url: str, shown: str) -> psycopg.Connection[Any]:
    """Autocommit connection: transactions are opened explicitly, one per store call."""
    psycopg = _psycopg()
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError as exc:
        raise XxgkError(shown, f"无法连接 PostgreSQL 数据库（{str(exc).strip()}）") from exc
