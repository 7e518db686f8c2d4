"""What one running web app holds: settings, the store behind a single thread, the parsing pool.

DuckDB admits one writer and its connection must not be used by two threads at once, so every store
call — reads included — goes through `StoreGateway`, which owns the connection on one dedicated thread.
Parsing is CPU work that needs no store, so it runs in a separate pool and never blocks the writer.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

from xxgk.store import Store, is_postgres_url, open_store

T = TypeVar("T")
DEFAULT_MAX_UPLOAD = 100 * 1024 * 1024  # bytes per request; a report is rarely above 20 MB


@dataclass
class Settings:
    """Everything `create_app` was asked for; immutable once the app runs."""

    store_url: str
    token: str | None = None
    host: str = "127.0.0.1"
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    parse_workers: int = 2  # threads (or processes when `parse_processes`) that parse uploads
    parse_processes: bool = False
    parse_timeout: float = 120.0
    test_mode: bool = False  # charts without animation, for stable screenshots
    allowed_hosts: tuple[str, ...] = ()  # Host headers accepted; empty = loopback names when on loopback
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))


class StoreGateway:
    """Runs every store call on one thread, in submission order (DuckDB: one connection, one writer)."""

    def __init__(self, url: str) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xxgk-store")
        self._store: Store = self._executor.submit(open_store, url).result()  # fail fast: locked file
        self.url = url
        self.generation = 0  # bumped after every write: caches keyed on it stay correct

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(self._store, *args))

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return await self.read(fn, *args)
        finally:
            self.generation += 1

    def close(self) -> None:
        self._executor.submit(self._store.close).result()
        self._executor.shutdown(wait=True)


class ExpectedAgencies:
    """The list of agencies expected to submit (uploaded as CSV on the dashboard).

    Kept beside a DuckDB file (`<db>.expected.json`) so it survives restarts; in memory for PostgreSQL
    and `:memory:` stores.
    """

    def __init__(self, store_url: str) -> None:
        plain_file = not is_postgres_url(store_url) and store_url != ":memory:"
        self.path = Path(f"{store_url}.expected.json") if plain_file else None
        self.names: list[str] = []
        if self.path is not None and self.path.exists():
            try:
                self.names = [str(n) for n in json.loads(self.path.read_text(encoding="utf-8"))]
            except (OSError, ValueError):
                self.names = []

    def replace(self, names: list[str]) -> None:
        self.names = names
        if self.path is not None:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)


class WebState:
    """Attached to `app.state.xxgk`; routes reach everything through it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = StoreGateway(settings.store_url)
        self.parser: Executor = _parse_pool(settings)
        self.expected = ExpectedAgencies(settings.store_url)
        self.cache: dict[str, tuple[int, Any]] = {}  # name -> (store generation, value)
        self.closed = False

    def restart_parser(self) -> None:
        """Replace a broken parsing pool; requests already waiting on the old one fail on their own."""
        broken, self.parser = self.parser, _parse_pool(self.settings)
        broken.shutdown(wait=False, cancel_futures=True)

    async def cached(self, name: str, build: Callable[[], Awaitable[Any]]) -> Any:
        """A value computed from the corpus, recomputed only after the corpus changed."""
        hit = self.cache.get(name)
        if hit is not None and hit[0] == self.store.generation:
            return hit[1]
        generation = self.store.generation
        value = await build()
        self.cache[name] = (generation, value)
        return value

    def close(self) -> None:
        """Idempotent: the lifespan and a test fixture may both call it."""
        if self.closed:
            return
        self.closed = True
        self.parser.shutdown(wait=True, cancel_futures=True)
        self.store.close()


def _parse_pool(settings: Settings) -> Executor:
    workers = max(1, settings.parse_workers)
    if settings.parse_processes:
        # spawn, not fork: forking a process that already runs threads can deadlock in the child
        return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="xxgk-parse")
