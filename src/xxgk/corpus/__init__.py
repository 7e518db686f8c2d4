"""Corpus analysis over records: agency keys, cross-year rules, comparison, aggregation, indicators.

Pure functions over plain records, plus thin functions taking a `Store`. Names are loaded lazily so that
the store and ingest can import `xxgk.corpus.agency` without pulling in the audit (and without cycles).
The functions named like their module (`aggregate`, `compare`, `indicators`) are imported from the module,
e.g. `from xxgk.corpus.compare import compare`: a package attribute of that name is the submodule.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "agency_key": "agency",
    "check_parent": "aggregate",
    "Comparison": "compare",
    "CROSS_IDENTITIES": "crossyear",
    "apply_cross_year": "crossyear",
    "cross_year_findings": "crossyear",
    "reports_to_recheck": "crossyear",
    "INDICATORS": "indicators",
    "Indicator": "indicators",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'xxgk.corpus' has no attribute {name!r}")
    return getattr(import_module(f"xxgk.corpus.{_EXPORTS[name]}"), name)
