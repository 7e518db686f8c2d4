"""Cross-year findings for one stored batch: a constant number of queries, the rules run in the workers.

The rules are xxgk.corpus.crossyear's (`cross_year_findings`, a pure function of two records); only the
data access and the place of computation differ from its `apply_cross_year`, which looks reports up one
by one (about nine statements a report, ~50 ms on DuckDB: four times the parse itself). Here one query
lists the reports the batch touches — its agencies in the years y-1, y, y+1 — by (id, agency, year,
parsed_at) only; the (current, previous) pairs are decided on that, their records travel as JSON text
(the batch's own straight from memory, the others fetched undecoded), the parsing workers (`compute`)
decode them, run the rules and encode the findings, and one transaction stores them. The single writer
thus neither decodes records nor encodes findings, which is what keeps it from capping the ingest rate;
nor does it wait for the rules: ingest starts a batch's job (`start_batch`) and stores its findings
(`finish_batch`) once it is done, batches in order, while the next files are stored.

Semantics are apply_cross_year's: a report is checked against its agency's latest-parsed report of the
previous year; the following year's reports are re-checked, since they were checked against us.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from xxgk.store.base import NewReport, ReportFilter, Store, StoredReport
from xxgk.store.codec import EncodedFindings, encode, encode_findings

Pair = tuple[dict[str, Any], dict[str, Any]]  # (current record, previous year's record)
Findings = Sequence[dict[str, Any]]  # or codec.EncodedFindings
Compute = Callable[[Callable[[list[Pair]], list[Findings]], list[list[Pair]]], list[list[Findings]]]
Submit = Callable[[Callable[[Any], Any], list[Any]], Any]  # (fn, chunks) → a job: .done(), .result()
CHUNK = 32  # pairs per task
log = logging.getLogger(__name__)


def available() -> bool:
    try:
        import xxgk.corpus.crossyear  # noqa: F401
    except ImportError:
        return False
    return True


class Done:
    """Side work already computed (the synchronous case of a job)."""

    def __init__(self, results: list[Any]) -> None:
        self.results = results

    def done(self) -> bool:
        return True

    def result(self) -> list[Any]:
        return self.results


@dataclass
class Pending:
    """A stored batch whose cross-year findings are being computed: what is known without the rules
    (reports with no previous year: none) and, in `job`, the rest in the order of `keys`."""

    findings: dict[int, Findings]
    keys: list[int]
    job: Any  # .done() → bool, .result() → list of chunk results (pool.Job or Done)


def apply_batch(
    store: Store, ids: Sequence[int], batch: Sequence[NewReport], compute: Compute | None = None
) -> int:
    """Recompute and store the corpus findings the stored batch affects; returns how many were stored.

    `compute(fn, chunks)` runs `fn` over the chunks of pairs, e.g. on the worker pool; default: here.
    Ingest uses `start_batch` and `finish_batch` instead, so that the writer goes on storing while the
    rules run. Stores without `report_years` and `record_texts` (the SQL stores offer them): see
    `_apply_loaded`."""
    if not _queries_metadata(store):
        return _apply_loaded(store, ids, batch, compute)
    run = compute or _here
    return finish_batch(store, start_batch(store, ids, batch, lambda fn, chunks: Done(run(fn, chunks))))


def repair_pending(store: Store, compute: Compute | None = None) -> int:
    """Cross-year findings for the reports a killed ingest stored but did not finish (the store lists
    them until their findings are stored); returns how many reports were repaired."""
    pending_of = getattr(store, "cross_year_pending", None)
    ids = pending_of() if pending_of is not None else []
    batch = [r for r in (store.get_report(i) for i in ids) if r is not None]
    if not batch:
        return 0
    as_new = [
        NewReport(
            r.source_path,
            r.sha256,
            r.format,
            r.agency,
            r.agency_key,
            r.year,
            r.template,
            r.parser_version,
            r.record,
        )
        for r in batch
    ]
    apply_batch(store, [r.id for r in batch], as_new, compute)
    return len(batch)


def start_batch(store: Store, ids: Sequence[int], batch: Sequence[NewReport], submit: Submit) -> Pending:
    """Decide the batch's (current, previous year) pairs and submit the rules over them.

    The writer reads no record at all: one query returns (id, agency, year, parsed_at) of the
    neighbourhood, the pairs are decided on that, and only the records of paired reports outside the
    batch are fetched, as JSON text; the batch's own are the text just stored. The workers decode both."""
    if not _queries_metadata(store):
        _apply_loaded(store, ids, batch, lambda fn, chunks: submit(fn, chunks).result())
        return Pending({}, [], Done([]))
    findings, pairs = _pairs(store, ids, batch)
    own = {rid: _encoded(report).record_json for rid, report in zip(ids, batch, strict=True)}
    needed = {i for pair in pairs.items() for i in pair}
    texts = {i: own[i] for i in needed if i in own}
    missing = sorted(needed - texts.keys())
    if missing:
        texts.update(store.record_texts(missing))  # type: ignore[attr-defined]
    keys_in_order = list(pairs)
    text_pairs = [(texts[k], texts[pairs[k]]) for k in keys_in_order]
    chunks = [text_pairs[i : i + CHUNK] for i in range(0, len(text_pairs), CHUNK)]
    return Pending(findings, keys_in_order, submit(findings_for_texts, chunks))


def finish_batch(store: Store, pending: Pending) -> int:
    """Store a started batch's findings (waiting for its job); returns how many were stored. Batches
    must finish in the order they started: a later batch may re-check a report with more neighbours."""
    found = (f for chunk in pending.job.result() for f in chunk)
    pending.findings.update(zip(pending.keys, found, strict=True))
    if pending.findings:
        _store(store, pending.findings)
    return sum(len(f) for f in pending.findings.values())


def _pairs(
    store: Store, ids: Sequence[int], batch: Sequence[NewReport]
) -> tuple[dict[int, Findings], dict[int, int]]:
    """(findings of the targets with no previous year — none —, target → its previous year's report)."""
    keys = sorted({r.agency_key for r in batch if r.year is not None})
    years = sorted({r.year + d for r in batch if r.year is not None for d in (-1, 0, 1)})
    rows: list[tuple[int, str, int, Any]] = store.report_years(keys, years) if keys else []  # type: ignore[attr-defined]
    latest: dict[tuple[str, int], tuple[Any, int]] = {}  # (agency, year) → (parsed_at, id) of the latest
    by_id: dict[int, tuple[str, int]] = {}
    for rid, key, year, parsed_at in rows:
        by_id[rid] = (key, year)
        if (parsed_at, rid) > latest.get((key, year), (parsed_at, -1)):
            latest[(key, year)] = (parsed_at, rid)
    batch_keys = {by_id[rid] for rid in ids if rid in by_id}
    targets = dict.fromkeys(ids)
    for rid, (key, year) in by_id.items():
        if (key, year - 1) in batch_keys:
            targets[rid] = None
    findings: dict[int, Findings] = {}
    pairs: dict[int, int] = {}  # report → previous year's report
    for rid in targets:
        key_year = by_id.get(rid)
        previous = None if key_year is None else latest.get((key_year[0], key_year[1] - 1))
        if previous is None:
            findings[rid] = []
        else:
            pairs[rid] = previous[1]
    return findings, pairs


def _apply_loaded(
    store: Store, ids: Sequence[int], batch: Sequence[NewReport], compute: Compute | None = None
) -> int:
    """apply_batch for any `Store`: the neighbourhood's records loaded with `find_reports`."""
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


def findings_for_texts(pairs: list[tuple[str, str]]) -> list[EncodedFindings]:
    """Worker task on records as stored JSON text: decoding the records and encoding the findings for
    the store are the workers' job, not the writer's."""
    found = findings_for_pairs([(json.loads(current), json.loads(previous)) for current, previous in pairs])
    return [encode_findings(f) for f in found]


def _queries_metadata(store: Store) -> bool:
    """The store lists reports by (id, agency, year) and hands records over as text (the SQL stores)."""
    return (
        getattr(store, "report_years", None) is not None and getattr(store, "record_texts", None) is not None
    )


def _here(fn: Callable[[list[Pair]], list[Findings]], chunks: list[list[Pair]]) -> list[list[Findings]]:
    return [fn(chunk) for chunk in chunks]


def _encoded(report: NewReport) -> Any:
    return report.encoded or encode(report.record)


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
