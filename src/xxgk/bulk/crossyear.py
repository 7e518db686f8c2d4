"""Cross-year findings for one stored batch: a constant number of queries, the rules run in the workers.

The rules are xxgk.corpus.crossyear's (`cross_year_findings`, a pure function of two records); only the
data access and the place of computation differ from its `apply_cross_year`, which looks reports up one
by one (about nine statements a report, ~50 ms on DuckDB: four times the parse itself). Here one query
fetches every report the batch touches — its agencies in the years y-1, y, y+1 — the (current, previous)
pairs are evaluated by the parsing workers (`compute`), and one transaction stores the findings. The
single writer thus only reads and writes, which is what keeps it from capping the ingest rate.

Semantics are apply_cross_year's: a report is checked against its agency's latest-parsed report of the
previous year; the following year's reports are re-checked, since they were checked against us.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from xxgk.store.base import NewReport, ReportFilter, Store, StoredReport

Pair = tuple[dict[str, Any], dict[str, Any]]  # (current record, previous year's record)
Findings = list[dict[str, Any]]
Compute = Callable[[Callable[[list[Pair]], list[Findings]], list[list[Pair]]], list[list[Findings]]]
CHUNK = 32  # pairs per task
log = logging.getLogger(__name__)


def available() -> bool:
    try:
        import xxgk.corpus.crossyear  # noqa: F401
    except ImportError:
        return False
    return True


def apply_batch(
    store: Store, ids: Sequence[int], batch: Sequence[NewReport], compute: Compute | None = None
) -> int:
    """Recompute and store the corpus findings the stored batch affects; returns how many were stored.

    `compute(fn, chunks)` runs `fn` over the chunks of pairs, e.g. on the worker pool; default: here."""
    reports = _neighbourhood(store, batch)
    pairs: dict[int, Pair] = {}
    findings: dict[int, Findings] = {}
    latest = _latest(reports)
    by_id = {r.id: r for r in reports}
    for rid in _targets(reports, ids):
        report = by_id.get(rid)
        previous = (
            None
            if report is None or report.year is None
            else latest.get((report.agency_key, report.year - 1))
        )
        if report is None or previous is None:
            findings[rid] = []
        else:
            pairs[rid] = (report.record, previous.record)
    keys = list(pairs)
    chunks = [[pairs[k] for k in keys[i : i + CHUNK]] for i in range(0, len(keys), CHUNK)]
    results = (compute or _here)(findings_for_pairs, chunks)
    findings.update(zip(keys, (f for chunk in results for f in chunk), strict=True))
    _store(store, findings)
    return sum(len(f) for f in findings.values())


def findings_for_pairs(pairs: list[Pair]) -> list[Findings]:
    """Worker task. A failing rule is a bug, logged; it must not stop the ingest of a whole corpus."""
    from xxgk.corpus.crossyear import cross_year_findings

    out: list[Findings] = []
    for current, previous in pairs:
        try:
            out.append(cross_year_findings(current, previous))
        except Exception:
            log.exception("cross-year rules failed on %s", (current.get("source") or {}).get("path"))
            out.append([])
    return out


def _here(fn: Callable[[list[Pair]], list[Findings]], chunks: list[list[Pair]]) -> list[list[Findings]]:
    return [fn(chunk) for chunk in chunks]


def _neighbourhood(store: Store, batch: Sequence[NewReport]) -> list[StoredReport]:
    """The stored reports of the batch's agencies in the years y-1 … y+1, latest parsed first."""
    keys = tuple(sorted({r.agency_key for r in batch if r.year is not None}))
    years = tuple(sorted({r.year + d for r in batch if r.year is not None for d in (-1, 0, 1)}))
    if not keys:
        return []
    return store.find_reports(ReportFilter(agency_keys=keys, years=years, order_by="-parsed_at"))


def _latest(reports: Sequence[StoredReport]) -> dict[tuple[str, int], StoredReport]:
    latest: dict[tuple[str, int], StoredReport] = {}
    for report in reports:  # newest first
        if report.year is not None:
            latest.setdefault((report.agency_key, report.year), report)
    return latest


def _targets(reports: Sequence[StoredReport], ids: Sequence[int]) -> list[int]:
    """The batch, then every report of a following year of the batch's (agency, year)s — all of them,
    not only the latest: a corpus may hold two versions of one agency's year, and each was checked
    against what was the previous year's latest report."""
    stored = set(ids)
    batch_keys = {(r.agency_key, r.year) for r in reports if r.id in stored}
    targets = dict.fromkeys(ids)
    for report in reports:
        if report.year is not None and (report.agency_key, report.year - 1) in batch_keys:
            targets[report.id] = None
    return list(targets)


def _store(store: Store, findings: dict[int, Findings]) -> None:
    """One transaction when the backend offers it, else one per report."""
    many = getattr(store, "replace_corpus_findings_many", None)
    if many is not None:
        many(findings)
        return
    for rid, found in findings.items():
        store.replace_corpus_findings(rid, found)
