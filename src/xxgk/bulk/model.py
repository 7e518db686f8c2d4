"""Plain data passed between discovery, the parsing workers and the single writer.

Everything here is picklable (it crosses process and Dask boundaries) and holds no open resources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Source:
    """One file to ingest: on disk (`path`, read when needed) or already in memory (`data`).

    `name` is what people see and what the record keeps as source path: the path as given, or
    `archive.zip!inner/path.docx` for an archive member, or an upload's file name.
    """

    name: str
    path: Path | None = None
    data: bytes | None = None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()

    def payload(self) -> bytes | str:
        """What a worker receives: the bytes, or the path when the worker can read the file itself
        (cheaper than pickling the bytes through a pipe)."""
        return self.data if self.data is not None else str(self.path)


@dataclass(frozen=True)
class Failure:
    """A file that could not be stored; `reason` is one Chinese sentence naming the file."""

    source: str
    reason: str

    def snapshot(self, total: int, current: str = "") -> IngestProgress:
        return IngestProgress(
            total, self.total, self.stored, self.unchanged, self.duplicate, self.failed, self.elapsed, current
        )

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "reason": self.reason}


@dataclass(frozen=True)
class IngestProgress:
    """Snapshot handed to the progress callback whenever a file settles or a batch is stored."""

    total: int  # files found (known after discovery)
    done: int  # settled so far: stored + unchanged + duplicate + failed
    stored: int
    unchanged: int
    duplicate: int
    failed: int
    elapsed: float
    current: str = ""  # the file that just settled

    @property
    def rate(self) -> float:
        """Files settled per second so far."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0


@dataclass
class IngestSummary:
    """What an ingest run did. `duplicate` counts files whose bytes equal another file of the same run
    (stored once, under the first name); they are not failures."""

    stored: int = 0
    unchanged: int = 0
    duplicate: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    report_ids: dict[str, int] = field(default_factory=dict)  # source name -> id, for stored files
    elapsed: float = 0.0

    @property
    def total(self) -> int:
        return self.stored + self.unchanged + self.duplicate + self.failed

    @property
    def rate(self) -> float:
        """Files settled per second over the whole run."""
        return self.total / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def snapshot(self, total: int, current: str = "") -> IngestProgress:
        return IngestProgress(
            total, self.total, self.stored, self.unchanged, self.duplicate, self.failed, self.elapsed, current
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "stored": self.stored,
            "unchanged": self.unchanged,
            "duplicate": self.duplicate,
            "failed": self.failed,
            "total": self.total,
            "failures": [f.as_dict() for f in self.failures],
            "elapsed_s": round(self.elapsed, 3),
            "rate_per_s": round(self.rate, 2),
        }
