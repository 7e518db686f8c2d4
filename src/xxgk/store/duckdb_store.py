"""DuckDB backend: the default corpus, one embedded file (`./xxgk.duckdb`), nothing to install or run.

One writer process. DuckDB locks the file for the process that opens it read-write; a second process
(another `xxgk ingest`, or `xxgk serve` while ingesting) gets a clear error instead of a corrupt file.
Bulk ingest is therefore shaped around a single writer: worker processes (or Dask workers) only parse and
return `NewReport`s; the one process holding this store writes them with `put_reports` in batches. Several
read-only processes may share a file nobody is writing (`open_store(path, read_only=True)`). Use the
PostgreSQL backend when several processes must write at once.

Crash safety: each `put_reports` (and every other writing call) is one committed transaction; DuckDB's
write-ahead log replays committed ones on the next open and drops the one a `kill -9` interrupted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb

from xxgk.errors import XxgkError
from xxgk.store.queries import DUCKDB
from xxgk.store.sql_store import SqlStore

DEFAULT_PATH = Path("xxgk.duckdb")
BULK_CHECKPOINT = "256MB"


class DuckDBStore(SqlStore):
    dialect = DUCKDB

    def __init__(self, path: str | Path = DEFAULT_PATH, read_only: bool = False) -> None:
        self.url = str(path)
        self._conn = _connect(self.url, read_only)
        try:
            super().__init__(migrate=not read_only)
        except BaseException:
            self._conn.close()
            raise

    def _execute(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        result = self._conn.execute(sql, params)
        return result.fetchall() if result.description else []

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._conn.begin()
        try:
            yield
        except BaseException:
            self._conn.rollback()
            raise
        self._conn.commit()

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """Many write transactions in a row (ingest). DuckDB checkpoints after every 16 MB of log by
        default, and a checkpoint costs more the larger the file: in a 10 000-report ingest they took a
        quarter of the time. Checkpoint every 256 MB instead (the log replayed after a crash stays that
        small), and once at the end. And one DuckDB thread: a batch insert gains nothing from more, while
        the parsing workers need every core (with DuckDB's default of one thread per core, the writer's
        share of a 2-worker ingest took a third longer)."""
        with self._lock:
            self._conn.execute(f"SET checkpoint_threshold = '{BULK_CHECKPOINT}'")
            self._conn.execute("SET threads = 1")
        try:
            yield
        finally:  # never masking what ended the ingest: an unfinished checkpoint is redone on next open
            with self._lock, suppress(duckdb.Error):
                self._conn.execute("RESET checkpoint_threshold")
                self._conn.execute("RESET threads")
                self._conn.execute("CHECKPOINT")

    def close(self) -> None:
        self._conn.close()


def _connect(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the file, turning DuckDB's lock and version errors into one Chinese sentence."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            reason = "数据库正被另一个进程写入（DuckDB 只允许一个写入进程），请等其结束或改用 PostgreSQL"
        else:
            reason = f"无法打开 DuckDB 数据库（{exc}）"
        raise XxgkError(path, reason) from exc
