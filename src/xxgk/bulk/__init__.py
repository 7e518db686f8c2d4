"""Bulk ingest of many report files into the corpus store (`xxgk ingest`, the web app's uploads).

Library surface: `ingest(paths, store, …)`, `ingest_uploads([(name, bytes)], store)`, `discover(paths)`,
and the data they return (`IngestSummary`, `IngestProgress`, `Failure`).
"""

from xxgk.bulk.discover import Discovery, ZipLimits, discover
from xxgk.bulk.model import Failure, IngestProgress, IngestSummary, Source
from xxgk.bulk.run import ingest, ingest_sources, ingest_uploads
from xxgk.bulk.worker import parse_one

__all__ = [
    "Discovery",
    "Failure",
    "IngestProgress",
    "IngestSummary",
    "Source",
    "ZipLimits",
    "discover",
    "ingest",
    "ingest_sources",
    "ingest_uploads",
    "parse_one",
]
