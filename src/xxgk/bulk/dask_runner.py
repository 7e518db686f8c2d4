"""Parsing on a Dask distributed cluster (`xxgk ingest --scheduler tcp://host:8786`).

Only the parsing moves: files are read here and shipped as bytes (cluster workers may not see this
machine's disks), results come back to the same single writer as with the process pool. Files travel
in small batches, a bounded number in flight, so a corpus larger than memory streams through.

Dask runs tasks in threads, where the worker's per-file alarm cannot fire, so the time limit is the
coordinator's: a batch still unfinished after `hard_timeout` × its size is reported as 超时 and
cancelled, and ingest goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from xxgk.bulk.model import Failure
from xxgk.bulk.pool import WorkItem
from xxgk.bulk.worker import Outcome, parse_batch
from xxgk.errors import MissingExtraError

BATCH_FILES = 8
BATCH_BYTES = 4 * 1024**2
SCATTER_BYTES = 2 * 1024**2  # larger batches go through scatter, not inside the task message
TICK = 2.0  # seconds between deadline checks
WINDOW_PER_THREAD = 4  # batches queued per worker thread: work for while the writer stores a batch


class DaskMissingError(MissingExtraError):
    @property
    def message(self) -> str:
        return f'使用 Dask 集群（{self.path}）需要安装可选组件：pip install "xxgk[distributed]"。'


def require_distributed(scheduler: Any) -> Any:
    """The `distributed` module, or a MissingExtraError telling how to install it."""
    try:
        import distributed
    except ImportError as exc:
        raise DaskMissingError(str(scheduler), "未安装 distributed") from exc
    return distributed


class DaskEngine:
    """Parse batches on a cluster given by address or by an existing `distributed.Client`."""

    def __init__(self, scheduler: Any, parser_version: str, timeout: float | None) -> None:
        self.distributed = require_distributed(scheduler)
        self.owned = not isinstance(scheduler, self.distributed.Client)
        self.client = self.distributed.Client(scheduler) if self.owned else scheduler
        self.parser_version = parser_version
        self.hard_timeout = None if timeout is None else timeout * 1.5 + 10

    def map(self, fn: Callable[[Any], Any], chunks: Sequence[Any]) -> list[Any]:
        """Side work for the writer (cross-year rules) on the cluster, ahead of the queued parsing (the
        writer waits for it); here if the cluster fails."""
        if len(chunks) > 1:
            try:
                return list(self.client.gather(self.client.map(fn, chunks, pure=False, priority=10)))
            except Exception:  # a lost worker must not lose the batch's findings
                pass
        return [fn(chunk) for chunk in chunks]

    def run(self, items: Iterable[WorkItem]) -> Iterator[Outcome]:
        try:
            yield from self._run(items)
        finally:
            if self.owned:
                self.client.close()

    def _run(self, items: Iterable[WorkItem]) -> Iterator[Outcome]:
        window = sum(self.client.nthreads().values()) * WINDOW_PER_THREAD
        batches = _batches(items)
        inflight: dict[Any, tuple[list[tuple[str, bytes]], float]] = {}
        while True:
            while len(inflight) < window and (batch := next(batches, None)) is not None:
                if isinstance(batch, Failure):
                    yield batch
                    continue
                inflight[self._submit(batch)] = (batch, time.monotonic())
            if not inflight:
                return
            yield from self._collect(inflight)

    def _submit(self, batch: list[tuple[str, bytes]]) -> Any:
        payload: Any = batch
        if sum(len(data) for _, data in batch) > SCATTER_BYTES:
            payload = self.client.scatter(batch, hash=False)
        return self.client.submit(parse_batch, payload, self.parser_version, None, pure=False)

    def _collect(self, inflight: dict[Any, tuple[list[tuple[str, bytes]], float]]) -> Iterator[Outcome]:
        """Outcomes of the batches that finished within one tick; overdue batches become 超时."""
        try:
            done = self.distributed.wait(list(inflight), timeout=TICK, return_when="FIRST_COMPLETED").done
        except TimeoutError:
            done = set()
        for future in done:
            batch, _ = inflight.pop(future)
            yield from _outcomes(future, batch)
        if self.hard_timeout is None:
            return
        now = time.monotonic()
        for future, (batch, submitted) in list(inflight.items()):
            if now - submitted > self.hard_timeout * len(batch):
                del inflight[future]
                future.cancel()
                for name, _ in batch:
                    yield Failure(
                        name,
                        f"处理文件 {name} 超时（所在批次超过 {self.hard_timeout * len(batch):g} 秒未完成），已跳过。",
                    )


def _outcomes(future: Any, batch: list[tuple[str, bytes]]) -> list[Outcome]:
    try:
        return list(future.result())
    except Exception as exc:  # a worker died (KilledWorker) or the task itself broke
        reason = f"{type(exc).__name__}: {exc}"
        return [
            Failure(name, f"在 Dask 集群上处理文件 {name} 失败（{reason}），已跳过。") for name, _ in batch
        ]


def _batches(items: Iterable[WorkItem]) -> Iterator[list[tuple[str, bytes]] | Failure]:
    """(name, bytes) batches of at most BATCH_FILES files or BATCH_BYTES; unreadable files as Failures."""
    batch: list[tuple[str, bytes]] = []
    size = 0
    for item in items:
        try:
            data = item.payload if isinstance(item.payload, bytes) else _read(item.payload)
        except OSError as exc:
            yield Failure(item.name, f"无法处理文件 {item.name}：无法读取（{exc.strerror or exc}）。")
            continue
        if batch and (len(batch) >= BATCH_FILES or size + len(data) > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append((item.name, data))
        size += len(data)
    if batch:
        yield batch


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()
