"""Bulk ingest: many report files → the corpus store, in parallel, idempotent and crash-safe.

The flow is a pipeline that never holds the corpus in memory:

    discover PATHs → hash each file → ask the store which hashes it already has (same parser version:
    skip without parsing) → parse the rest in workers → ONE writer (this process) stores them in batches

One writer because DuckDB takes one; a batch is one `put_reports` transaction, and sha256 is unique in
the store, so a run killed at any moment (kill -9) loses at most the batch in the air, and re-running
stores every file exactly once. Cross-year findings are computed for each stored batch (bulk/crossyear.py)
rather than at the end, on the side workers while the next batches are stored, and stored in a second
transaction once done; a kill in between leaves those batches (at most MAX_JOBS + 1) without their
cross-year findings, and the store lists them (`cross_year_pending`) until the next run computes them.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from xxgk.bulk import crossyear
from xxgk.bulk.discover import DEFAULT_LIMITS, ZipLimits, discover
from xxgk.bulk.model import Failure, IngestProgress, IngestSummary, Source
from xxgk.bulk.pool import InProcessEngine, ProcessEngine, WorkItem
from xxgk.bulk.worker import DEFAULT_TIMEOUT, Outcome
from xxgk.store.base import NewReport, Store

ProgressFn = Callable[[IngestProgress], None]
DEFAULT_BATCH = 200  # reports per transaction
MAX_WAIT = 2.0  # seconds a parsed report may wait for its batch (keeps progress honest on slow files)
HASH_CHUNK = 500  # hashes per `stored_versions` query
MAX_JOBS = 2  # stored batches whose cross-year findings may still be computing


class Engine(Protocol):
    def run(self, items: Iterable[WorkItem]) -> Iterator[Outcome]: ...

    def map(self, fn: Callable[[Any], Any], chunks: Sequence[Any]) -> list[Any]: ...


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    workers: int | None = None,
    scheduler: Any = None,
    progress: ProgressFn | None = None,
    *,
    batch_size: int = DEFAULT_BATCH,
    timeout: float | None = DEFAULT_TIMEOUT,
    cross_year: bool = True,
    limits: ZipLimits = DEFAULT_LIMITS,
) -> IngestSummary:
    """Store every report found under `paths` (files, folders, globs, .zip archives).

    `workers`: parsing processes (default: one per CPU; 0 parses in this process). `scheduler`: a Dask
    scheduler address ("tcp://host:8786") or a `distributed.Client`, to parse on a cluster instead.
    `progress` is called with an `IngestProgress` whenever files settle.
    """
    t0 = time.perf_counter()
    found = discover(paths, limits)
    return ingest_sources(
        found.sources,
        store,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        failures=found.failures,
        batch_size=batch_size,
        timeout=timeout,
        cross_year=cross_year,
        started=t0,
    )


def ingest_uploads(
    uploads: Iterable[tuple[str, bytes]],
    store: Store,
    workers: int = 0,
    progress: ProgressFn | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> IngestSummary:
    """Store files already in memory (the web app's uploads). Parsed in this process by default: a few
    files do not repay starting worker processes. `summary.report_ids` maps each stored name to its id."""
    sources = [Source(name, data=data) for name, data in uploads]
    return ingest_sources(sources, store, workers=workers, progress=progress, timeout=timeout)


def ingest_sources(
    sources: Sequence[Source],
    store: Store,
    *,
    workers: int | None = None,
    scheduler: Any = None,
    progress: ProgressFn | None = None,
    failures: Sequence[Failure] = (),
    batch_size: int = DEFAULT_BATCH,
    timeout: float | None = DEFAULT_TIMEOUT,
    cross_year: bool = True,
    started: float | None = None,
) -> IngestSummary:
    """The pipeline behind `ingest` and `ingest_uploads`, on sources already discovered."""
    import xxgk

    tally = _Tally(len(sources) + len(failures), progress, started)
    for failure in failures:
        tally.fail(failure)
    version = xxgk.PARSER_VERSION  # read now, not at import: a test may change it
    engine = _engine(workers, scheduler, version, timeout)
    writer = _Writer(store, tally, batch_size, engine if cross_year and crossyear.available() else None)
    if writer.cross_year is not None:
        crossyear.repair_pending(store)  # what a killed run stored without its cross-year findings
    # a bulk of files: let the store write for throughput (DuckDB: fewer checkpoints, one at the end)
    bulk = getattr(store, "bulk_writes", None) if len(sources) >= batch_size else None
    try:
        with bulk() if bulk is not None else nullcontext():
            for outcome in engine.run(_plan(sources, store, version, tally)):
                if isinstance(outcome, Failure):
                    tally.fail(outcome)
                else:
                    writer.add(outcome)
            writer.flush()
            writer.collect()
    finally:
        close = getattr(engine, "close", None)
        if close is not None:
            close()
    tally.summary.elapsed = time.perf_counter() - tally.started
    return tally.summary


def _engine(workers: int | None, scheduler: Any, version: str, timeout: float | None) -> Engine:
    if scheduler is not None:
        from xxgk.bulk.dask_runner import DaskEngine

        return DaskEngine(scheduler, version, timeout)
    if workers == 0:
        return InProcessEngine(version, timeout)
    return ProcessEngine(workers or os.cpu_count() or 1, version, timeout)


def _plan(sources: Sequence[Source], store: Store, version: str, tally: _Tally) -> Iterator[WorkItem]:
    """Hash every source and yield only those the store lacks (or holds from another parser version).
    Lazy, chunk by chunk: hashing and the store queries overlap with parsing in the workers."""
    seen: set[str] = set()
    for chunk in _chunks(sources, HASH_CHUNK):
        hashed: list[tuple[Source, str, int]] = []
        for source in chunk:
            try:
                data = source.read()
                digest = hashlib.sha256(data).hexdigest()
            except OSError as exc:
                tally.fail(
                    Failure(source.name, f"无法处理文件 {source.name}：无法读取（{exc.strerror or exc}）。")
                )
                continue
            if digest in seen:
                tally.settle("duplicate", source.name)
                continue
            seen.add(digest)
            hashed.append((source, digest, len(data)))
        stored = store.stored_versions([digest for _, digest, _ in hashed])
        for source, digest, size in hashed:
            if stored.get(digest) == version:
                tally.settle("unchanged", source.name)
            else:
                yield WorkItem(source.name, source.payload(), size)


def _chunks(items: Sequence[Source], size: int) -> Iterator[Sequence[Source]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class _Tally:
    """The summary being built, plus the progress callback fed from it."""

    def __init__(self, total: int, progress: ProgressFn | None, started: float | None) -> None:
        self.summary = IngestSummary()
        self.total, self.progress = total, progress
        self.started = time.perf_counter() if started is None else started

    def settle(self, kind: str, name: str, count: int = 1) -> None:
        setattr(self.summary, kind, getattr(self.summary, kind) + count)
        if self.progress is not None:
            self.summary.elapsed = time.perf_counter() - self.started
            self.progress(self.summary.snapshot(self.total, name))

    def fail(self, failure: Failure) -> None:
        self.summary.failures.append(failure)
        self.settle("failed", failure.source)


class _Writer:
    """The single writer: parsed reports wait here until a batch is full or has waited MAX_WAIT.

    A stored batch's cross-year rules run as a job on the engine's side workers while the writer goes
    on; their findings are stored when done, batches in order, at most MAX_JOBS behind."""

    def __init__(self, store: Store, tally: _Tally, batch_size: int, cross_year: Engine | None) -> None:
        """`cross_year`: the engine whose workers evaluate the cross-year rules, or None to skip them."""
        self.store, self.tally = store, tally
        self.batch_size, self.cross_year = max(1, batch_size), cross_year
        self.pending: list[NewReport] = []
        self.jobs: deque[crossyear.Pending] = deque()
        self.last = time.perf_counter()

    def add(self, report: NewReport) -> None:
        self.pending.append(report)
        if len(self.pending) >= self.batch_size or time.perf_counter() - self.last >= MAX_WAIT:
            self.flush()
        elif self.jobs and self.jobs[0].job.done():
            self.collect()

    def flush(self) -> None:
        self.last = time.perf_counter()
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        ids = self.store.put_reports(batch)
        self.tally.summary.report_ids.update((r.source_path, i) for r, i in zip(batch, ids, strict=True))
        if self.cross_year is not None:
            self.jobs.append(crossyear.start_batch(self.store, ids, batch, _submitter(self.cross_year)))
            self.collect(keep=MAX_JOBS)
        self.tally.settle("stored", batch[-1].source_path, len(batch))

    def collect(self, keep: int = 0) -> None:
        """Store the findings of finished jobs, oldest first; wait for the oldest while more than `keep`
        are in flight."""
        while self.jobs and (len(self.jobs) > keep or self.jobs[0].job.done()):
            crossyear.finish_batch(self.store, self.jobs.popleft())


def _submitter(engine: Engine) -> crossyear.Submit:
    submit = getattr(engine, "submit", None)
    if submit is not None:
        return submit
    return lambda fn, chunks: crossyear.Done(engine.map(fn, chunks))
