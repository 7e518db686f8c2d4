"""机关: the list of agencies (searchable), and one agency across its years — the carry-over chain
(上年结转 ↔ 结转下年度), trend charts, and how much of sections 一/五 was copied from last year."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from starlette.responses import Response

from xxgk.corpus.indicators import BY_NAME, indicator_value
from xxgk.store import ReportFilter, Store, StoredReport
from xxgk.web import charts, stats
from xxgk.web.context import PAGE_RESPONSES, Page, respond
from xxgk.web.errors import WebError
from xxgk.web.routes import page_router, state_of
from xxgk.web.views import report_summary

router = page_router("机关")
TREND_RATES = ("disclosure_rate", "completion_rate", "review_correction_rate")


def _agency_list(store: Store, like: str) -> list[dict[str, Any]]:
    return [
        {
            "key": a.key,
            "name": a.name,
            "years": list(a.years),
            "aliases": list(a.aliases),
            "url": f"/agencies/{a.key}",
        }
        for a in store.agencies(like or None)
    ]


@router.get("/agencies", responses=PAGE_RESPONSES, summary="机关列表（可按名称部分搜索）")
async def agencies(
    request: Request, q: Annotated[str, Query(description="机关名称（部分匹配）")] = ""
) -> Response:
    rows = await state_of(request).store.read(_agency_list, q.strip())
    return respond(request, Page("agencies.html.j2", "机关", {"q": q, "agencies": rows}))


def _latest_per_year(reports: list[StoredReport]) -> list[StoredReport]:
    """One report per year (the latest parsed), oldest year first; yearless reports are listed apart."""
    by_year: dict[int, StoredReport] = {}
    for r in reports:
        if r.year is not None and (r.year not in by_year or r.parsed_at > by_year[r.year].parsed_at):
            by_year[r.year] = r
    return [by_year[y] for y in sorted(by_year)]


def _trends(years: list[StoredReport]) -> dict[str, Any]:
    labels = [r.year for r in years]
    flow = {name: [stats.cell(r.record, key) for r in years] for key, name in stats.REQUEST_SERIES}
    appeals = {
        "行政复议": [stats.cell(r.record, "appeals.review.total") for r in years],
        "行政诉讼（未经复议）": [stats.cell(r.record, "appeals.litigation_direct.total") for r in years],
        "行政诉讼（复议后）": [stats.cell(r.record, "appeals.litigation_after_review.total") for r in years],
    }
    rates = {
        BY_NAME[n].label: [_rounded(indicator_value(r.record, BY_NAME[n])) for r in years]
        for n in TREND_RATES
    }
    return {
        "requests": charts.lines("申请办理情况（总计列）", labels, flow),
        "appeals": charts.bars("行政复议与行政诉讼", labels, appeals),
        "rates": charts.lines("公开率、办结率与复议纠错率", labels, rates, unit="%"),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _agency(store: Store, key: str) -> dict[str, Any] | None:
    reports = store.find_reports(ReportFilter(agency_keys=(key,), order_by="year"))
    if not reports:
        return None
    info = next((a for a in store.agencies(reports[-1].agency) if a.key == reports[-1].agency_key), None)
    years = _latest_per_year(reports)
    cross = {r.id: [f for f in store.findings(r.id, "corpus")] for r in years}
    return {
        "agency": {
            "key": reports[-1].agency_key,
            "name": info.name if info else reports[-1].agency,
            "aliases": list(info.aliases) if info else [],
        },
        "reports": [report_summary(r, store.findings(r.id)) for r in reports],
        "chain": stats.carry_chain(years),
        "copy": stats.copy_rates(years),
        "cross_findings": [
            {"report_id": rid, "year": next(r.year for r in years if r.id == rid), **f}
            for rid, fs in cross.items()
            for f in fs
        ],
        "charts": _trends(years),
    }


@router.get("/agencies/{key}", responses=PAGE_RESPONSES, summary="机关页面：历年报告、结转链条、趋势、照搬率")
async def agency_page(request: Request, key: str) -> Response:
    data = await state_of(request).store.read(_agency, key)
    if data is None:
        raise WebError(404, f"语料库中没有机关“{key}”的报告。", "agency_not_found")
    return respond(request, Page("agency.html.j2", data["agency"]["name"], data))
