"""The parsing step of ingest, run in worker processes or on Dask workers.

`parse_one` is a top-level function (picklable by reference) that never raises for bad input: a bad
file becomes a `Failure` with a Chinese reason, so one file cannot stop a run of ten thousand. An
unexpected exception is a bug in xxgk, but it is reported the same way and ingest goes on.
"""

from __future__ import annotations

import hashlib
import signal
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from xxgk.bulk.model import Failure
from xxgk.errors import XxgkError
from xxgk.store.base import NewReport
from xxgk.store.codec import encode

Outcome = NewReport | Failure
DEFAULT_TIMEOUT = 120.0  # seconds per file; OCR of a long scanned PDF is the slowest legitimate case


class FileTimeout(Exception):
    """Raised inside the worker by the alarm when one file takes longer than the limit."""


def parse_one(
    name: str, data: bytes | str | Path, parser_version: str | None = None, timeout: float | None = None
) -> Outcome:
    """(source name, bytes or path) → NewReport, or Failure with a Chinese reason. Never raises.

    `parser_version` is passed by the coordinator so every worker stamps the version it decided on;
    `timeout` arms a per-file alarm where signals are available (a worker process's main thread).
    """
    try:
        payload = data if isinstance(data, bytes) else Path(data).read_bytes()
    except OSError as exc:
        return Failure(name, f"无法处理文件 {name}：无法读取（{exc.strerror or exc}）。")
    try:
        with _time_limit(timeout):
            record, source_text = _parse(payload, name)
        return to_new_report(name, payload, record, parser_version, source_text)
    except FileTimeout:
        return Failure(name, f"处理文件 {name} 超时（超过 {timeout:g} 秒），已跳过。")
    except XxgkError as exc:
        return Failure(name, exc.message)
    except Exception as exc:
        return Failure(
            name,
            f"处理文件 {name} 时发生内部错误（{type(exc).__name__}: {exc}），已跳过；这是 xxgk 的缺陷，请报告。",
        )


def parse_batch(
    batch: Sequence[tuple[str, bytes | str]], parser_version: str | None = None, timeout: float | None = None
) -> list[Outcome]:
    """Several files in one task (Dask: fewer, larger tasks keep the scheduler's overhead low)."""
    return [parse_one(name, data, parser_version, timeout) for name, data in batch]


def _parse(data: bytes, name: str) -> tuple[dict[str, Any], str]:
    """The record, and the text its findings' locations point into (kept for excerpts)."""
    from xxgk.api import parse_bytes_extraction

    ex = parse_bytes_extraction(data, name)
    return ex.record, ex.document.source_text()


def to_new_report(
    name: str,
    data: bytes,
    record: dict[str, Any],
    parser_version: str | None = None,
    source_text: str | None = None,
) -> NewReport:
    """The row the writer stores; the agency key is computed here so the writer stays cheap."""
    import xxgk

    agency = str(record.get("agency") or "")
    year = record.get("year")
    return NewReport(
        source_path=name,
        sha256=hashlib.sha256(data).hexdigest(),
        format=str((record.get("source") or {}).get("format") or ""),
        agency=agency,
        agency_key=agency_key(agency),
        year=year if isinstance(year, int) else None,
        template=str(record.get("template") or ""),
        parser_version=parser_version or xxgk.PARSER_VERSION,
        record=record,
        source_text=source_text,
        encoded=encode(record),  # here, in parallel, rather than in the single writer
    )


def agency_key(agency: str) -> str:
    """The corpus's canonical key when xxgk.corpus is installed; otherwise a plain normal form."""
    try:
        from xxgk.corpus.agency import agency_key as canonical
    except ImportError:
        return "".join(unicodedata.normalize("NFKC", agency).split())
    return canonical(agency)


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """SIGALRM-based limit; a no-op off the main thread (Dask runs tasks in threads) or on Windows.
    The coordinator keeps its own, harder limit for code stuck in C where the alarm cannot land."""
    usable = (
        seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise FileTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
