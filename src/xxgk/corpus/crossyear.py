"""The "across years" rules (audit-rules.md, X_*): a report against the same agency's previous report.

The numeric rules are identities between two records, declared once as data (`CROSS_IDENTITIES`) and
expanded over the template's sets and rows, like the single-report identities in the templates. Blank
cells are unknown: an instance with some blank terms gets one info finding saying 无法核验 (audit-rules.md,
"Blank cells are unknown"); an instance whose terms are all blank gets none (S_BLANK_CELLS covers it).
Findings are plain dicts in record.md's shape, about the *current* report: `cells` are its keys, and
`previous_cells` names the previous report's keys used.

`apply_cross_year` stores them as corpus-scope findings. A report's findings depend on its predecessor,
so when a report is (re)inserted, the following year's report must be re-checked too:
`reports_to_recheck` adds it, and `apply_cross_year(store, new_ids)` does so by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xxgk.audit.context import fmt
from xxgk.corpus.text import similarity, values_differ
from xxgk.extract.template import Template, load_template
from xxgk.model import Finding, Location, get_cell
from xxgk.model.record import cell_items
from xxgk.store.base import Store, StoredReport

CUR, PREV = "cur", "prev"

COPY_THRESHOLD = 0.9
COPY_SECTIONS = {"overview": "一、总体情况", "problems": "五、存在的主要问题及改进情况"}


@dataclass(frozen=True, slots=True)
class Term:
    side: str  # CUR or PREV: which report the cell is read from
    pattern: str  # dotted key with "{x}" standing for the member
    sign: int = 1


@dataclass(frozen=True, slots=True)
class CrossIdentity:
    """Σ lhs = Σ rhs between this year's and last year's records, one instance per member of `each`.

    `each` is either a template set name (e.g. "COLS") or, prefixed "rows:", the 表二 rows having all the
    listed columns (e.g. "rows:issued,repealed,in_force"), so the rule follows the template data.
    """

    rule: str
    severity: str
    text: str
    each: str
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    templates: tuple[str, ...] | None = None  # both reports must use one of these; None: any with tables


CROSS_IDENTITIES: tuple[CrossIdentity, ...] = (
    CrossIdentity(
        "X_CARRY",
        "warning",
        "本年上年结转＝上年结转下年度继续办理",
        "COLS",
        (Term(CUR, "requests.carried_over.{x}"),),
        (Term(PREV, "requests.carried_forward.{x}"),),
    ),
    CrossIdentity(
        "X_IN_FORCE",
        "info",
        "现行有效件数＝上年现行有效件数＋本年制发件数－本年废止件数",
        "rows:issued,repealed,in_force",
        (Term(CUR, "proactive.{x}.in_force"),),
        (
            Term(PREV, "proactive.{x}.in_force"),
            Term(CUR, "proactive.{x}.issued"),
            Term(CUR, "proactive.{x}.repealed", -1),
        ),
        ("2021",),
    ),
    CrossIdentity(
        "X_ITEMS_2019",
        "warning",
        "上一年项目数量＝上年报告的上一年项目数量＋上年报告的本年增/减",
        "rows:prev_year_items,change",
        (Term(CUR, "proactive.{x}.prev_year_items"),),
        (Term(PREV, "proactive.{x}.prev_year_items"), Term(PREV, "proactive.{x}.change")),
        ("2019",),
    ),
)


def _template(record: dict[str, Any]) -> Template | None:
    name = record.get("template")
    return load_template(name) if name in ("2021", "2019") else None


def _members(ident: CrossIdentity, template: Template) -> tuple[str, ...]:
    if not ident.each.startswith("rows:"):
        return template.sets[ident.each]
    wanted = set(ident.each.removeprefix("rows:").split(","))
    return tuple(r.key for r in template.table("proactive").rows if wanted <= set(r.columns))


def _where(ident: CrossIdentity, template: Template, member: str) -> str:
    if member in template.columns:
        return f"“{template.columns[member].label}”列"
    if ident.each.startswith("rows:"):
        return f"“{template.table('proactive').row(member).label}”行"
    return member


def _value(record: dict[str, Any], key: str) -> Decimal | None:
    value = get_cell(record, key)  # KeyError when the table or row is absent: instance skipped
    return None if value is None else Decimal(str(value))


def _identity_finding(
    ident: CrossIdentity, member: str, records: dict[str, dict[str, Any]], template: Template
) -> dict[str, Any] | None:
    years = {side: records[side].get("year") for side in (CUR, PREV)}
    terms = [(t, t.pattern.format(x=member)) for t in ident.lhs + ident.rhs]
    try:
        values = [_value(records[t.side], key) for t, key in terms]
    except KeyError:
        return None
    cells = [key for t, key in terms if t.side == CUR]
    previous_cells = [key for t, key in terms if t.side == PREV]
    where = _where(ident, template, member)
    extra = {"previous_year": years[PREV], "previous_cells": previous_cells}
    blanks = sum(v is None for v in values)
    if blanks == len(values):
        return None
    if blanks:
        msg = f"{where}无法核验跨年度关系（{ident.text}，{years[CUR]}年与{years[PREV]}年报告）：{blanks} 个单元格空白。"
        return Finding(ident.rule, "info", msg, cells, Location(), extra).as_dict()
    signed = [t.sign * v for (t, _), v in zip(terms, values, strict=True) if v is not None]
    lhs, rhs = sum(signed[: len(ident.lhs)], Decimal(0)), sum(signed[len(ident.lhs) :], Decimal(0))
    if lhs == rhs:
        return None
    parts = "，".join(
        f"{years[t.side]}年报告“{template.label_of(key)}”为 {fmt(v)}"
        for (t, key), v in zip(terms, values, strict=True)
    )
    msg = f"{where}不满足跨年度关系（{ident.text}）：{parts}；左边 {fmt(lhs)}，右边 {fmt(rhs)}，相差 {fmt(lhs - rhs)}。"
    return Finding(ident.rule, ident.severity, msg, cells, Location(), extra).as_dict()  # type: ignore[arg-type]


def identity_findings(current: dict[str, Any], previous: dict[str, Any]) -> list[dict[str, Any]]:
    """X_CARRY, X_IN_FORCE, X_ITEMS_2019: one finding per broken (or unassessable) instance."""
    cur_t, prev_t = _template(current), _template(previous)
    if cur_t is None or prev_t is None:
        return []
    records = {CUR: current, PREV: previous}
    out: list[dict[str, Any]] = []
    for ident in CROSS_IDENTITIES:
        if ident.templates and not {cur_t.name, prev_t.name} <= set(ident.templates):
            continue
        for member in _members(ident, cur_t):
            finding = _identity_finding(ident, member, records, cur_t)
            if finding is not None:
                out.append(finding)
    return out


def copy_findings(current: dict[str, Any], previous: dict[str, Any]) -> list[dict[str, Any]]:
    """X_COPY: section 一 or 五 nearly identical to last year's (years and numbers masked)."""
    out: list[dict[str, Any]] = []
    for key, default_title in COPY_SECTIONS.items():
        cur = (current.get("sections") or {}).get(key) or {}
        prev = (previous.get("sections") or {}).get(key) or {}
        score = similarity(cur.get("text") or "", prev.get("text") or "")
        if score is None or score < COPY_THRESHOLD:
            continue
        title = cur.get("title") or default_title
        msg = (
            f"{current.get('year')}年报告“{title}”与{previous.get('year')}年报告的同一部分高度相似"
            f"（相似度 {score * 100:.1f}%，已忽略年份和数字），疑似照搬上年内容。"
        )
        extra = {"previous_year": previous.get("year"), "section": key, "similarity": round(score, 4)}
        out.append(Finding("X_COPY", "warning", msg, [], Location(), extra).as_dict())
    return out


def same_tables_findings(current: dict[str, Any], previous: dict[str, Any]) -> list[dict[str, Any]]:
    """X_SAME_TABLES: every table cell identical to last year's, and something was actually reported.

    Tables that are all blank or all zero are not flagged: a small body with no activity two years running
    prints the same empty tables honestly (P_EMPTY_TABLES and S_BLANK_CELLS speak to those).
    """
    if current.get("template") != previous.get("template") or _template(current) is None:
        return []
    items = cell_items(current)
    if _tables_differ(items, cell_items(previous)):
        return []
    cur = dict(items)
    if not any(v for v in cur.values()):
        return []
    reported = [k for k, v in cur.items() if v is not None]
    msg = (
        f"{current.get('year')}年报告三张统计表的全部 {len(cur)} 个单元格与{previous.get('year')}年报告"
        f"完全相同（其中 {len(reported)} 个已填报），疑似照搬上年数据。"
    )
    extra = {"previous_year": previous.get("year")}
    return [Finding("X_SAME_TABLES", "warning", msg, reported, Location(), extra).as_dict()]


def _tables_differ(cur: list[tuple[str, Any]], prev: list[tuple[str, Any]]) -> bool:
    """Whether the two reports' tables differ in any cell or in their set of cells. Cells of one template
    come in one order, so the lists are compared in step and most pairs stop at their first cells;
    only lists in different orders are compared as mappings."""
    if not cur or len(cur) != len(prev):
        return True
    for (key, value), (prev_key, prev_value) in zip(cur, prev, strict=True):
        if key != prev_key:
            a, b = dict(cur), dict(prev)
            return a.keys() != b.keys() or any(values_differ(a[k], b[k]) for k in a)
        if values_differ(value, prev_value):
            return True
    return False


def cross_year_findings(current: dict[str, Any], previous: dict[str, Any]) -> list[dict[str, Any]]:
    """Every X_* finding of `current` against `previous`, the same agency's report of the year before.

    Raises ValueError when the years are not consecutive: the rules compare one year with the next, and
    a silent empty answer would hide a wrong pairing.
    """
    cy, py = current.get("year"), previous.get("year")
    if not isinstance(cy, int) or not isinstance(py, int) or cy != py + 1:
        raise ValueError(f"cross-year rules need consecutive years, got {py} and {cy}")
    return (
        identity_findings(current, previous)
        + copy_findings(current, previous)
        + same_tables_findings(current, previous)
    )


def reports_to_recheck(store: Store, report_ids: Iterable[int]) -> list[int]:
    """The reports plus, for each, the same agency's report of the following year (its check used ours)."""
    seen: dict[int, None] = {}
    for rid in report_ids:
        seen[rid] = None
        report = store.get_report(rid)
        if report is not None and report.year is not None:
            following = store.report_for(report.agency_key, report.year + 1)
            if following is not None:
                seen[following.id] = None
    return list(seen)


def _findings_for(store: Store, report: StoredReport) -> list[dict[str, Any]]:
    if report.year is None:
        return []
    previous = store.report_for(report.agency_key, report.year - 1)
    if previous is None or previous.year != report.year - 1:
        return []
    return cross_year_findings(report.record, previous.record)


def _all_ids(store: Store) -> Iterator[int]:
    # ids first, then one report at a time: writing findings while a backend cursor streams is unsafe
    return iter([r.id for r in store.iter_reports()])


def apply_cross_year(
    store: Store, report_ids: Sequence[int] | None = None, include_following: bool = True
) -> int:
    """Recompute and store the corpus-scope X_* findings; returns how many findings were stored.

    `report_ids=None` re-checks the whole corpus. Given ids (e.g. those `put_reports` just returned),
    the following year's report of each agency is re-checked too unless `include_following` is False.
    A report without a previous-year report gets its corpus findings cleared.
    """
    if report_ids is None:
        ids: Iterable[int] = _all_ids(store)
    else:
        ids = reports_to_recheck(store, report_ids) if include_following else list(report_ids)
    stored = 0
    for rid in ids:
        report = store.get_report(rid)
        if report is None:
            continue
        findings = _findings_for(store, report)
        store.replace_corpus_findings(rid, findings)
        stored += len(findings)
    return stored
