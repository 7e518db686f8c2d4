"""Figures the dashboard and the agency page show, computed from records (pure functions, no store).

Blank is unknown, never 0: a sum adds the reports that state a number and says how many did not, and a
rate is only given when all its terms are known.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from xxgk.model import get_cell

OUTCOMES = (
    ("granted", "予以公开"),
    ("partial", "部分公开"),
    ("withheld", "不予公开"),
    ("unavailable", "无法提供"),
    ("not_processed", "不予处理"),
    ("other", "其他处理"),
)
APPEAL_GROUPS = (
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼（未经复议）"),
    ("litigation_after_review", "行政诉讼（复议后）"),
)
REQUEST_SERIES = (
    ("requests.new_received.total", "本年新收"),
    ("requests.carried_over.total", "上年结转"),
    ("requests.total.total", "办理结果总计"),
    ("requests.carried_forward.total", "结转下年度"),
)


def cell(record: dict[str, Any], key: str) -> int | float | None:
    """A cell's value, or None when blank or absent (legacy report, missing table)."""
    try:
        value = get_cell(record, key)
    except KeyError:
        return None
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def outcome_total(record: dict[str, Any], group: str) -> int | None:
    """The 总计 column of one outcome row or group (all its sub-rows); None if any part is blank."""
    node = (record.get("requests") or {}).get(group)
    if not isinstance(node, dict):
        return None
    rows = [node] if "total" in node else [v for v in node.values() if isinstance(v, dict)]
    values = [r.get("total") for r in rows]
    if not values or any(v is None for v in values):
        return None
    return int(sum(values))


def rate(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(float(Decimal(str(numerator)) / Decimal(str(denominator)) * 100), 1)


def _add(acc: dict[str, Any], name: str, value: float | None) -> None:
    if value is None:
        acc["unknown"][name] = acc["unknown"].get(name, 0) + 1
    else:
        acc[name] = acc.get(name, 0) + value


def by_year(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per year: report count, request flow sums, outcome sums, appeal sums and correction rates."""
    years: dict[int, dict[str, Any]] = {}
    for record in records:
        year = record.get("year")
        if not isinstance(year, int) or record.get("template") not in ("2021", "2019"):
            continue
        acc = years.setdefault(year, {"year": year, "reports": 0, "unknown": {}})
        acc["reports"] += 1
        for key, _ in REQUEST_SERIES:
            _add(acc, key, cell(record, key))
        for group, _ in OUTCOMES:
            _add(acc, f"outcome.{group}", outcome_total(record, group))
        for group, _ in APPEAL_GROUPS:
            for part in ("total", "corrected"):
                _add(acc, f"appeals.{group}.{part}", cell(record, f"appeals.{group}.{part}"))
    out = []
    for year in sorted(years):
        acc = years[year]
        lit_total = sum(
            acc.get(f"appeals.{g}.total", 0) for g in ("litigation_direct", "litigation_after_review")
        )
        lit_corr = sum(
            acc.get(f"appeals.{g}.corrected", 0) for g in ("litigation_direct", "litigation_after_review")
        )
        acc["review_correction_rate"] = rate(
            acc.get("appeals.review.corrected", 0), acc.get("appeals.review.total")
        )
        acc["litigation_total"] = lit_total
        acc["litigation_correction_rate"] = rate(lit_corr, lit_total)
        out.append(acc)
    return out


def outcome_mix(years: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outcome sums over all years, as [{name, label, value}] (the pie)."""
    return [
        {"name": group, "label": label, "value": sum(y.get(f"outcome.{group}", 0) for y in years)}
        for group, label in OUTCOMES
    ]


def carry_chain(reports: list[Any]) -> list[dict[str, Any]]:
    """Each consecutive pair of years: 上年 结转下年度 against 本年 上年结转, total column and per column."""
    from xxgk.extract.template import load_template

    chain = []
    by_year = {r.year: r for r in reports if r.year is not None}
    for year in sorted(by_year)[1:]:
        cur, prev = by_year[year], by_year.get(year - 1)
        link: dict[str, Any] = {"year": year, "previous_year": year - 1, "report_id": cur.id}
        if prev is None:
            chain.append(link | {"status": "missing", "label": f"缺少 {year - 1} 年报告"})
            continue
        cols = load_template("2021").sets["COLS"]
        pairs = [
            (
                cell(prev.record, f"requests.carried_forward.{c}"),
                cell(cur.record, f"requests.carried_over.{c}"),
            )
            for c in cols
        ]
        known = [(a, b) for a, b in pairs if a is not None and b is not None]
        broken = sum(a != b for a, b in known)
        forward, over = pairs[-1]
        status = "unknown" if len(known) < len(pairs) else "broken" if broken else "ok"
        label = {"ok": "一致", "broken": f"{broken} 列不一致", "unknown": "部分空白，无法完全核验"}[status]
        chain.append(
            link
            | {
                "status": status,
                "label": label,
                "carried_forward": forward,
                "carried_over": over,
                "previous_id": prev.id,
            }
        )
    return chain


def copy_rates(reports: list[Any]) -> list[dict[str, Any]]:
    """Similarity of sections 一 and 五 with last year's (years and numbers masked), as X_COPY measures."""
    from xxgk.corpus.text import similarity

    by_year = {r.year: r for r in reports if r.year is not None}
    out = []
    for year in sorted(by_year):
        prev = by_year.get(year - 1)
        if prev is None:
            continue
        row: dict[str, Any] = {"year": year, "previous_year": year - 1}
        for key in ("overview", "problems"):
            a = ((prev.record.get("sections") or {}).get(key) or {}).get("text") or ""
            b = ((by_year[year].record.get("sections") or {}).get(key) or {}).get("text") or ""
            score = similarity(a, b)
            row[key] = None if score is None else round(score * 100, 1)
        out.append(row)
    return out
