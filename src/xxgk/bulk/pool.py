"""Parsing engines: where `parse_one` runs. The coordinator (run.py) only sees outcomes stream back.

`ProcessEngine` keeps a bounded window of files in flight in a process pool, so memory stays flat
whatever the corpus size. Two safety nets beyond the worker's own alarm:

* no file settles for `hard_timeout` seconds (code stuck in C, where the alarm cannot land): the pool is
  killed and the files that were in flight are re-run one at a time in a fresh single-worker pool, so
  the culprit alone is reported as 超时 and the innocent ones are parsed;
* a worker process dies (a crash in a native library, the OOM killer): same isolation, the culprit is
  reported as 异常退出.

Workers start from a fork server (clean process, xxgk preloaded), not by forking the coordinator, which
holds database connections and the progress bar's thread. Each worker exits when the coordinator dies,
so a `kill -9` of ingest leaves no orphans behind.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Generic, TypeVar

from xxgk.bulk.model import Failure
from xxgk.bulk.worker import Outcome, parse_batch, parse_one
from xxgk.errors import XxgkError

T = TypeVar("T")
R = TypeVar("R")
# Files queued per worker: enough work to keep the workers busy while the single writer is away storing a
# batch (~0.5 s for 200 reports); payloads are paths, or bytes for archive members and uploads.
WINDOW_PER_WORKER = 32
BATCH_FILES = 8
BATCH_BYTES = 256 * 1024
PRELOAD = ["xxgk.bulk.worker", "xxgk.bulk.crossyear", "xxgk.api"]
START_TIMEOUT = 60.0  # seconds for a fresh pool to run its first task


@dataclass(frozen=True)
class WorkItem:
    name: str
    payload: bytes | str  # bytes, or a path the worker reads itself
    size: int = 0  # bytes: small files travel several to a task


class _Batches:
    """Work items grouped into tasks: up to BATCH_FILES files of BATCH_BYTES in all, so that the pool's
    per-task cost (pickling, pipes, wake-ups, futures — about a tenth of a small report's parse, paid by
    the coordinator) is shared; a large file (a PDF, a scan) makes a task of its own."""

    def __init__(self, items: Iterator[WorkItem]) -> None:
        self.items = items
        self.carry: WorkItem | None = None

    def next(self) -> list[WorkItem]:
        batch: list[WorkItem] = []
        size = 0
        while len(batch) < BATCH_FILES:
            item = self.carry if self.carry is not None else next(self.items, None)
            self.carry = None
            if item is None:
                break
            if batch and size + item.size > BATCH_BYTES:
                self.carry = item
                break
            batch.append(item)
            size += item.size
        return batch


class Job(Generic[R]):
    """Side work submitted to a pool: `result()` waits for it, and computes it here instead when the
    pool broke, stalled or was stopped, so a lost worker never loses a batch's findings."""

    def __init__(
        self,
        fn: Callable[[T], R],
        chunks: Sequence[T],
        futures: list[Future[R]] | None,
        timeout: float | None,
    ) -> None:
        self.fn, self.chunks, self.futures, self.timeout = fn, chunks, futures, timeout
        self._results: list[R] | None = None if futures is not None else [fn(c) for c in chunks]

    def done(self) -> bool:
        return self.futures is None or all(f.done() for f in self.futures)

    def result(self) -> list[R]:
        if self._results is None:
            assert self.futures is not None
            try:
                self._results = [f.result(timeout=self.timeout) for f in self.futures]
            except (BrokenProcessPool, TimeoutError, CancelledError):
                self._results = [self.fn(c) for c in self.chunks]
        return self._results


class InProcessEngine:
    """Parse in the calling process: a few web uploads, debugging, or `workers=0`."""

    def __init__(self, parser_version: str, timeout: float | None) -> None:
        self.parser_version, self.timeout = parser_version, timeout

    def run(self, items: Iterable[WorkItem]) -> Iterator[Outcome]:
        for item in items:
            yield parse_one(item.name, item.payload, self.parser_version, self.timeout)

    def map(self, fn: Callable[[T], R], chunks: Sequence[T]) -> list[R]:
        return [fn(chunk) for chunk in chunks]

    def submit(self, fn: Callable[[T], R], chunks: Sequence[T]) -> Job[R]:
        return Job(fn, chunks, None, None)


class WorkerStartError(XxgkError):
    """Worker processes cannot start at all (not one file's fault): stop instead of failing every file."""

    @property
    def message(self) -> str:
        return f"无法启动解析进程：{self.reason}。可改用 --workers 0 在本进程内解析。"


class ProcessEngine:
    """Parse in `workers` processes with at most `window` files in flight."""

    def __init__(
        self, workers: int, parser_version: str, timeout: float | None, hard_timeout: float | None = None
    ) -> None:
        self.workers = max(1, workers)
        self.window = self.workers * WINDOW_PER_WORKER
        self.parser_version, self.timeout = parser_version, timeout
        if hard_timeout is None and timeout is not None:
            hard_timeout = timeout * 1.5 + 10
        self.hard_timeout = hard_timeout
        self._pool: ProcessPoolExecutor | None = None  # the parsing pool while `run` is live
        self._side: ProcessPoolExecutor | None = None  # the writer's side work (`map`)

    def map(self, fn: Callable[[T], R], chunks: Sequence[T]) -> list[R]:
        return self.submit(fn, chunks).result()

    def submit(self, fn: Callable[[T], R], chunks: Sequence[T]) -> Job[R]:
        """Side work for the writer (the cross-year rules), so the single writer only reads and writes
        and need not wait: it collects the job's results later.

        It runs in a second pool of the same size: in the parsing pool it would queue behind the whole
        window of files. The OS shares the cores between both pools. Once parsing is over (the last
        batch) it still goes there if that pool is running, so the tail of an ingest uses every core;
        here instead when that pool breaks or stalls, or was never needed (a few files)."""
        if (self._pool is not None or self._side is not None) and chunks:
            try:
                self._side = self._side or _start_pool(self.workers)
                return Job(fn, chunks, [self._side.submit(fn, chunk) for chunk in chunks], self.hard_timeout)
            except (BrokenProcessPool, WorkerStartError):
                self.close()
        return Job(fn, chunks, None, None)

    def close(self) -> None:
        """Stop the side pool (after the writer has collected every job)."""
        if self._side is not None:
            _kill(self._side)
            self._side = None

    def run(self, items: Iterable[WorkItem]) -> Iterator[Outcome]:
        todo = _Batches(iter(items))
        inflight: dict[Future[list[Outcome]], list[WorkItem]] = {}
        # Futures report here when they settle: waiting on the queue costs the writer O(1) a task, where
        # `concurrent.futures.wait` over the whole window installs and removes a waiter on each future.
        # Futures of a killed pool may still report; they are no longer in `inflight` and are ignored.
        settled: queue.SimpleQueue[Future[list[Outcome]]] = queue.SimpleQueue()
        pool = self._pool = _start_pool(self.workers)
        try:
            while True:
                suspects = self._fill(pool, todo, inflight, settled.put)
                if not inflight and not suspects:
                    pool.shutdown(wait=True)
                    return
                if not suspects:
                    done = _settled(settled, inflight, self.hard_timeout)
                    stalled = not done  # nothing settled within the hard limit: someone is stuck
                    for future in done:
                        batch = inflight.pop(future)
                        try:
                            yield from future.result()
                        except BrokenProcessPool:
                            suspects += batch
                    if not stalled and not suspects:
                        continue
                suspects += [item for batch in inflight.values() for item in batch]
                inflight.clear()
                self._pool = None
                _kill(pool)
                yield from self._isolate(suspects)
                pool = self._pool = _start_pool(self.workers)
        finally:
            self._pool = None
            _kill(pool)

    def _fill(
        self,
        pool: ProcessPoolExecutor,
        todo: _Batches,
        inflight: dict[Future[list[Outcome]], list[WorkItem]],
        on_settled: Callable[[Future[list[Outcome]]], None],
    ) -> list[WorkItem]:
        """Top up the window (counted in files); returns the batch whose submission found the pool
        broken, if any."""
        while sum(len(batch) for batch in inflight.values()) < self.window:
            batch = todo.next()
            if not batch:
                return []
            work = [(item.name, item.payload) for item in batch]
            try:
                future = pool.submit(parse_batch, work, self.parser_version, self.timeout)
            except BrokenProcessPool:
                return batch
            inflight[future] = batch
            future.add_done_callback(on_settled)
        return []

    def _isolate(self, suspects: list[WorkItem]) -> Iterator[Outcome]:
        """Re-run each suspect alone so only the file that hangs or crashes is reported."""
        for item in suspects:
            pool = _start_pool(1)
            try:
                future = pool.submit(parse_one, item.name, item.payload, self.parser_version, self.timeout)
                done, _ = wait([future], timeout=self.hard_timeout)
                if not done:
                    yield Failure(
                        item.name,
                        f"处理文件 {item.name} 超时（超过 {self.hard_timeout:g} 秒无响应），已跳过。",
                    )
                else:
                    yield future.result()
            except BrokenProcessPool:
                yield Failure(
                    item.name, f"处理文件 {item.name} 时处理进程异常退出（解析库崩溃或内存不足），已跳过。"
                )
            finally:
                _kill(pool)


def _settled(
    settled: queue.SimpleQueue[Future[Outcome]], inflight: dict, timeout: float | None
) -> list[Future[Outcome]]:
    """The in-flight futures that have settled: waits up to `timeout` for the first, then takes whatever
    else has already settled. Empty when nothing settled in time."""
    done: list[Future[Outcome]] = []
    block = True
    while True:
        try:
            future = settled.get(timeout=timeout) if block else settled.get_nowait()
        except queue.Empty:
            return done
        if future in inflight:
            done.append(future)
            block = False


def _start_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose workers are known to start (one round trip), so a systemic failure raises once
    instead of being blamed on every file in turn."""
    pool = ProcessPoolExecutor(workers, mp_context=_context(), initializer=_watch_parent)
    try:
        pool.submit(os.getpid).result(timeout=START_TIMEOUT)
    except (BrokenProcessPool, TimeoutError, OSError) as exc:
        _kill(pool)
        raise WorkerStartError("<workers>", f"{type(exc).__name__}: {exc}") from exc
    return pool


def _context() -> multiprocessing.context.BaseContext:
    """Fork server where possible: workers start clean, not as copies of a coordinator that holds a
    database connection and a progress-bar thread. `python -` (main read from stdin) cannot be
    re-imported by such workers, so it falls back to fork."""
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context()
    if main_file is not None and not os.path.exists(main_file):
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop the pool now: a wedged worker would make a polite shutdown wait forever."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=5)


def _watch_parent() -> None:
    """Worker initializer: exit as soon as the coordinator is gone (kill -9), instead of waiting forever
    on a task queue nobody will feed."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(0)
