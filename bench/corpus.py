"""Corpus ingest and query speed: N generated reports → a fresh DuckDB, in one process and with 1 and 2
worker processes.

The reports are consistent records from `xxgk.generate` rendered in every text layout; agencies repeat
over four years (2021–2024) so cross-year findings run as in a real corpus. We time `xxgk.bulk.ingest`
end to end (discover, hash, parse, store, cross-year) and report reports/s with 2 workers, the speed-up,
and the p95 latency of the web app's corpus queries (stats, filtered listings, a filtered export).

Each configuration is timed `--rounds` times, in turn, and its fastest run kept (see best_times).
The speed-up is measured against ONE process doing all the work (`workers=0`: parse, store and
cross-year in the coordinator), the usual definition (serial time / parallel time). A one-worker pool is
not a one-core baseline: its coordinator stores and runs the cross-year steps on the second core while
the worker parses, so on a 2-core machine it already uses ~1.3 cores and 2 workers can gain at most the
rest. Its figure is printed too (`speedup over a 1-worker pool`). The machine's busy CPU is printed for
each run: at 2 workers it should be near 2 cores × wall time.
The machine's own ceiling for two processes (a pure-Python loop in one process, then in two) is
printed before the last line. Last line:
    ingest_per_s=… speedup_2=… query_p95_ms=…
Targets: 10 000 reports in < 90 s on a 2-core machine; speed-up ≥ 1.8 with 2 workers.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xxgk.bulk import ingest
from xxgk.store import ReportFilter, Store, open_store


def generate(folder: Path, n: int, seed: int) -> None:
    """n reports: n/4 distinct agencies × 4 consecutive years, layouts in turn."""
    from xxgk.generate import LAYOUTS, random_record, render_text
    from xxgk.generate.prose import random_sections

    rng = random.Random(seed)
    agencies = distinct_agencies(rng, (n + 3) // 4)
    for i in range(n):
        record = random_record(rng, year=2021 + i % 4)
        record["agency"] = agencies[i // 4]
        record["sections"] = random_sections(rng, record)
        text = render_text(record, LAYOUTS[i % len(LAYOUTS)], rng)
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"report_{i:06d}.txt").write_text(text, encoding="utf-8")


TOWN_CHARS = "安平新兴和东西南北城河山江湖桥庄阳宁丰华"


def distinct_agencies(rng: random.Random, n: int) -> list[str]:
    """n different agency names. The generator knows ~270 (region × body); beyond that, towns
    (舟山市安平镇人民政府), so that, as in a real corpus, an agency has one report a year."""
    from xxgk.generate.prose import random_agency

    names: dict[str, None] = {}
    while len(names) < n:
        name = random_agency(rng)
        if name in names:
            city = name[: name.find("市") + 1] or name[:3]
            town = "".join(rng.choice(TOWN_CHARS) for _ in range(rng.choice((2, 3))))
            name = f"{city}{town}镇人民政府"
        names[name] = None
    return list(names)


class Timer:
    """Accumulated seconds spent in a wrapped callable (the writer's share of an ingest)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t0

        return timed


def machine_busy_seconds() -> float:
    """CPU seconds all processes of this machine have spent so far (Linux /proc/stat; 0 elsewhere):
    the parsing workers are not our children, so our own rusage would not count them."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            ticks = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return 0.0
    idle = ticks[3] + ticks[4]
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def ingest_run(folder: Path, db: Path, workers: int) -> tuple[float, int]:
    """(seconds, reports stored) for one ingest into a fresh DuckDB. Also prints the single writer's
    share: its CPU seconds, and the time in put_reports and in the cross-year steps (starting a batch's
    job, storing its findings — waiting for it only when it is late)."""
    import xxgk.bulk.crossyear as crossyear

    store = open_store(db)
    put, cross = Timer(), Timer()
    store.put_reports = put.wrap(store.put_reports)  # type: ignore[method-assign]
    originals = crossyear.start_batch, crossyear.finish_batch
    crossyear.start_batch, crossyear.finish_batch = (cross.wrap(fn) for fn in originals)
    cpu, busy = time.process_time(), machine_busy_seconds()
    try:
        summary = ingest([folder], store, workers=workers)
    finally:
        crossyear.start_batch, crossyear.finish_batch = originals
        store.close()
    cpu, busy = time.process_time() - cpu, machine_busy_seconds() - busy
    assert summary.failed == 0, summary.failures[:3]
    print(
        f"workers={workers}: {summary.stored} reports in {summary.elapsed:.1f} s "
        f"({summary.stored / summary.elapsed:.1f}/s); machine busy {busy:.1f} CPU s; coordinator CPU {cpu:.1f} s, "
        f"in put_reports {put.seconds:.1f} s, in cross-year {cross.seconds:.1f} s",
        flush=True,
    )
    return summary.elapsed, summary.stored


def best_times(folder: Path, root: Path, rounds: int) -> dict[int, tuple[float, int]]:
    """(seconds, reports) of the fastest of `rounds` ingests with 0, 1 and 2 workers, taken in turn
    (0, 1, 2, 0, 1, 2, …): this machine's speed drifts by tens of percent over minutes, and timing each
    configuration once, one after the other, measured the drift as much as the speed-up."""
    best: dict[int, tuple[float, int]] = {}
    for _ in range(rounds):
        for workers in (0, 1, 2):
            db = root / f"w{workers}.duckdb"
            db.unlink(missing_ok=True)
            Path(f"{db}.wal").unlink(missing_ok=True)
            t, n = ingest_run(folder, db, workers)
            if workers not in best or t < best[workers][0]:
                best[workers] = (t, n)
    return best


def _spin(n: int) -> float:
    """Seconds for a pure-Python loop of n steps (the machine's own parallel ceiling, below)."""
    t0 = time.perf_counter()
    acc = 0
    for i in range(n):
        acc += i * i % 7
    return time.perf_counter() - t0


def machine_ceiling(rounds: int, steps: int = 20_000_000) -> float:
    """The speed-up this machine gives two processes of pure CPU work that share nothing: the ceiling
    for `speedup_2`. Virtual cores may share a physical one (two loops run 1.6-1.8x, not 2x, on the
    2-core machines measured). Best of `rounds`, one and two processes in turn."""
    from concurrent.futures import ProcessPoolExecutor

    one = two = float("inf")
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [1000, 1000]))  # start both workers
        for _ in range(rounds):
            t0 = time.perf_counter()
            _spin(steps), _spin(steps)
            one = min(one, time.perf_counter() - t0)
            t0 = time.perf_counter()
            list(pool.map(_spin, [steps, steps]))
            two = min(two, time.perf_counter() - t0)
    return one / two


def query_latencies(store: Store, folder: Path, repeat: int) -> dict[str, list[float]]:
    """ms per call of each corpus query the web app makes."""
    sample = store.find_reports(ReportFilter(limit=1))[0]
    queries: dict[str, Callable[[], Any]] = {
        "stats": lambda: store.stats(),
        "stats year": lambda: store.stats(ReportFilter(years=(2023,))),
        "stats severity": lambda: store.stats(ReportFilter(severity="error")),
        "find year page": lambda: store.find_reports(ReportFilter(years=(2022,), limit=50, offset=100)),
        "find agency like": lambda: store.find_reports(ReportFilter(agency_like=sample.agency[:3], limit=50)),
        "find rule by errors": lambda: store.find_reports(
            ReportFilter(severity="warning", order_by="-errors", limit=50)
        ),
        "count region": lambda: store.count_reports(ReportFilter(region=sample.agency[:2])),
    }
    export = _export_fn(store, folder)
    if export is not None:
        queries["export agency csv"] = export
    out: dict[str, list[float]] = {}
    for name, fn in queries.items():
        fn()  # warm-up
        out[name] = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            out[name].append((time.perf_counter() - t0) * 1000)
    return out


def _export_fn(store: Store, folder: Path) -> Callable[[], Any] | None:
    """A filtered export (one agency's reports, what the web app's download button does), if available."""
    try:
        from xxgk.export import export
    except ImportError:
        return None
    sample = store.find_reports(ReportFilter(limit=1))[0]
    flt = ReportFilter(agency_keys=(sample.agency_key,))
    return lambda: export(store.iter_reports(flt), "csv", folder / "selection.csv")


def full_export_seconds(store: Store, folder: Path) -> float | None:
    try:
        from xxgk.export import export
    except ImportError:
        return None
    t0 = time.perf_counter()
    export(store.iter_reports(), "csv", folder / "all.csv")
    return time.perf_counter() - t0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="reports to generate")
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--repeat", type=int, default=20, help="timed calls per query")
    ap.add_argument(
        "--rounds", type=int, default=3, help="ingests per configuration, taken in turn (best kept)"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-corpus-") as tmp:
        root = Path(tmp)
        folder = root / "reports"
        folder.mkdir()
        t0 = time.perf_counter()
        generate(folder, args.n, args.seed)
        print(f"generated {args.n} reports in {time.perf_counter() - t0:.1f} s", flush=True)
        best = best_times(folder, root, args.rounds)
        (t0, n0), (t1, n1), (t2, n2) = best[0], best[1], best[2]
        with open_store(root / "w2.duckdb", read_only=True) as store:
            latencies = query_latencies(store, root, args.repeat)
            full = full_export_seconds(store, root)
    for name, ms in latencies.items():
        print(f"  {name:<22} median {statistics.median(ms):7.1f} ms  p95 {p95(ms):7.1f} ms")
    if full is not None:
        print(f"full csv export of {n2} reports: {full:.1f} s")
    print(f"speedup over a 1-worker pool: {(n2 / t2) / (n1 / t1):.2f}")
    ceiling = machine_ceiling(args.rounds)
    speedup = (n2 / t2) / (n0 / t0)
    print(
        f"machine ceiling for 2 processes (pure CPU loop, best of {args.rounds}, measured now): {ceiling:.2f}"
    )
    every = [v for ms in latencies.values() for v in ms]
    print(f"ingest_per_s={n2 / t2:.1f} speedup_2={speedup:.2f} query_p95_ms={p95(every):.1f}")


if __name__ == "__main__":
    sys.exit(main())
