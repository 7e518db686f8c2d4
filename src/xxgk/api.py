"""The library surface the CLI and web app call: one function per command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xxgk.audit import audit_extraction
from xxgk.extract import Extraction, extract
from xxgk.ingest import read_bytes, read_path, read_string
from xxgk.model import Document


def _audited(doc: Document) -> Extraction:
    """Extract the record and fill in its findings."""
    ex = extract(doc)
    ex.record["findings"] = [f.as_dict() for f in audit_extraction(ex)]
    return ex


def parse_extraction(path: str | Path) -> Extraction:
    """Read, extract and audit one file; the record's findings are filled in."""
    return _audited(read_path(path))


def parse(path: str | Path) -> dict[str, Any]:
    """The canonical record of one report file (spec/record.md), findings included."""
    return parse_extraction(path).record


def parse_bytes_extraction(data: bytes, name: str = "<bytes>") -> Extraction:
    """As parse_extraction, for bytes already in memory (uploads, archive members, ingest workers)."""
    return _audited(read_bytes(data, name))


def parse_bytes(data: bytes, name: str = "<bytes>") -> dict[str, Any]:
    return parse_bytes_extraction(data, name).record


def parse_text(text: str, name: str = "<text>") -> dict[str, Any]:
    return _audited(read_string(text, name)).record
