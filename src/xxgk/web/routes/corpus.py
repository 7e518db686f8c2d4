"""语料库: filter (year, template, region/agency, rule, severity), search agency names, sort, page, export.

The query string is the selection: the page, its JSON twin and the export all read the same parameters
into one `ReportFilter`, so an export always holds exactly what the page listed (all pages of it).
"""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from starlette.responses import Response

from xxgk.store import ReportFilter, Store
from xxgk.web.context import PAGE_RESPONSES, Page, respond
from xxgk.web.downloads import attachment, produce
from xxgk.web.errors import WebError
from xxgk.web.routes import page_router, state_of
from xxgk.web.views import SEVERITY_LABEL, report_summary

router = page_router("语料库")
SORTS = {
    "agency": "机关名称",
    "-year": "年度（新→旧）",
    "year": "年度（旧→新）",
    "-errors": "错误数（多→少）",
    "-findings": "问题数（多→少）",
    "-parsed_at": "入库时间（新→旧）",
}
SORT_COLUMNS = ("agency", "year", "errors", "findings", "parsed_at")
PER_PAGE = (20, 50, 100)
EXPORT_FORMATS = {"csv": "CSV", "xlsx": "Excel（XLSX）", "jsonl": "JSON Lines"}


class Selection:
    """The corpus query string, validated, and the ReportFilter it means."""

    def __init__(
        self,
        year: list[str],
        template: list[str],
        agency: str,
        region: str,
        rule: str,
        severity: str,
        sort: str,
    ) -> None:
        if sort.removeprefix("-") not in SORT_COLUMNS:
            raise WebError(422, f"不支持的排序方式“{sort}”。", "bad_sort")
        if severity and severity not in SEVERITY_LABEL:
            raise WebError(
                422, f"不支持的严重程度“{severity}”（可选 error、warning、info）。", "bad_severity"
            )
        if any(y.strip() and not y.strip().isdigit() for y in year):
            raise WebError(422, "年度必须是四位数字。", "bad_year")
        self.params = {
            "year": [int(y) for y in year if y.strip()],
            "template": [t for t in template if t.strip()],
            "agency": agency.strip(),
            "region": region.strip(),
            "rule": rule.strip().upper(),
            "severity": severity,
            "sort": sort,
        }

    def filter(self, limit: int | None = None, offset: int = 0) -> ReportFilter:
        p = self.params
        return ReportFilter(
            years=tuple(p["year"]),
            templates=tuple(p["template"]),
            agency_like=p["agency"] or None,
            region=p["region"] or None,
            rule=p["rule"] or None,
            severity=p["severity"] or None,
            order_by=p["sort"],
            limit=limit,
            offset=offset,
        )

    def query(self, **changes: Any) -> str:
        """This selection's query string with some parameters changed (for links: pages, export)."""
        merged = {k: v for k, v in {**self.params, **changes}.items() if v not in ("", [], None)}
        return urlencode(merged, doseq=True)


def selection(
    year: Annotated[list[str], Query(description="年度，可多选")] = [],  # noqa: B006  (FastAPI's list idiom)
    template: Annotated[list[str], Query(description="模板：2021、2019、legacy")] = [],  # noqa: B006
    agency: Annotated[str, Query(description="机关名称（部分匹配）")] = "",
    region: Annotated[str, Query(description="地区（部分匹配）")] = "",
    rule: Annotated[str, Query(description="规则编号，如 T3_BALANCE")] = "",
    severity: Annotated[str, Query(description="严重程度：error、warning、info")] = "",
    sort: Annotated[
        str, Query(description="排序：agency、year、errors、findings、parsed_at，前加 - 为倒序")
    ] = "agency",
) -> Selection:
    return Selection(year, template, agency, region, rule, severity, sort)


def _listing(store: Store, sel: Selection, page: int, per_page: int) -> dict[str, Any]:
    total = store.count_reports(sel.filter())
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    reports = store.find_reports(sel.filter(per_page, (page - 1) * per_page))
    rows = [report_summary(r, store.findings(r.id)) for r in reports]
    return {"total": total, "page": page, "pages": pages, "per_page": per_page, "rows": rows}


def _options(store: Store) -> dict[str, Any]:
    """What the filter menus offer: the years, templates and rules the corpus actually has."""
    stats = store.stats()
    return {
        "years": sorted(
            {s["year"] for s in stats["by_year_template"] if s["year"] is not None}, reverse=True
        ),
        "templates": sorted({s["template"] for s in stats["by_year_template"] if s["template"]}),
        "rules": sorted({s["rule"] for s in stats["by_rule"]}),
        "severities": SEVERITY_LABEL,
        "sorts": SORTS,
        "per_page": PER_PAGE,
        "formats": EXPORT_FORMATS,
    }


@router.get("/corpus", responses=PAGE_RESPONSES, summary="语料库：筛选、搜索、排序、分页")
async def corpus_page(
    request: Request,
    sel: Annotated[Selection, Depends(selection)],
    page: Annotated[int, Query(ge=1, description="页码")] = 1,
    per_page: Annotated[int, Query(description="每页条数：20、50、100")] = 20,
) -> Response:
    if per_page not in PER_PAGE:
        raise WebError(422, f"每页条数只能是 {'、'.join(map(str, PER_PAGE))}。", "bad_per_page")
    state = state_of(request)
    data = await state.store.read(_listing, sel, page, per_page)
    data["options"] = await state.cached("corpus_options", lambda: state.store.read(_options))
    data["selection"] = sel.params
    data["links"] = _links(sel, data["page"], data["pages"], per_page)
    return respond(request, Page("corpus.html.j2", "语料库", data))


@router.get("/corpus/download/export.{fmt}", summary="导出当前筛选结果（全部页）：csv、xlsx、jsonl")
async def corpus_export(
    request: Request, fmt: str, sel: Annotated[Selection, Depends(selection)]
) -> Response:
    from xxgk.export import export

    if fmt not in EXPORT_FORMATS:
        raise WebError(404, f"不支持的导出格式“{fmt}”（可选 {'、'.join(EXPORT_FORMATS)}）。", "bad_format")

    def write(store: Store) -> bytes:
        reports = store.iter_reports(sel.filter())
        return produce(lambda p: export(reports, fmt, p, findings_of=lambda r: store.findings(r.id)), fmt)

    content = await state_of(request).store.read(write)
    return attachment(content, f"xxgk-语料库导出.{fmt}", fmt)


def _links(sel: Selection, page: int, pages: int, per_page: int) -> dict[str, Any]:
    def at(n: int) -> str:
        return f"/corpus?{sel.query(page=n, per_page=per_page)}"

    window = range(max(1, page - 3), min(pages, page + 3) + 1)
    return {
        "previous": at(page - 1) if page > 1 else None,
        "next": at(page + 1) if page < pages else None,
        "pages": [{"n": n, "url": at(n), "current": n == page} for n in window],
        "exports": {fmt: f"/corpus/download/export.{fmt}?{sel.query()}" for fmt in EXPORT_FORMATS},
    }
