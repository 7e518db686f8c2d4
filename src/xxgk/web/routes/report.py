"""报告: one stored report — its three tables in the template's layout, coloured by findings, the findings
with their source excerpts, and downloads (record JSON, XLSX, rendered DOCX)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import Request
from starlette.responses import Response

from xxgk.model.record import SECTION_TITLES
from xxgk.store import Store, StoredReport
from xxgk.web.context import PAGE_RESPONSES, Page, respond
from xxgk.web.downloads import attachment, produce, report_filename
from xxgk.web.errors import WebError
from xxgk.web.excerpt import stored_source_text
from xxgk.web.routes import page_router, state_of
from xxgk.web.state import WebState
from xxgk.web.views import finding_views, report_summary, table_views

router = page_router("报告")
SECTION_ORDER = tuple(SECTION_TITLES)


async def load_report(state: WebState, report_id: int) -> StoredReport:
    report = await state.store.read(lambda s: s.get_report(report_id))
    if report is None:
        raise WebError(404, f"找不到编号为 {report_id} 的报告。", "report_not_found")
    return report


def _neighbours(store: Store, report: StoredReport) -> dict[str, Any]:
    """The same agency's reports of the year before and after (for the carry-over check and comparing)."""
    out: dict[str, Any] = {"previous": None, "next": None}
    if report.year is None:
        return out
    for name, year in (("previous", report.year - 1), ("next", report.year + 1)):
        other = store.report_for(report.agency_key, year)
        if other is not None and other.id != report.id:
            out[name] = {"id": other.id, "year": other.year, "url": f"/reports/{other.id}"}
    return out


def _sections(record: dict[str, Any]) -> list[dict[str, str]]:
    sections = record.get("sections") or {}
    keys = [*SECTION_ORDER, *(k for k in sections if k not in SECTION_ORDER)]
    return [
        {
            "key": k,
            "title": (sections[k] or {}).get("title") or SECTION_TITLES.get(k, k),
            "text": (sections[k] or {}).get("text") or "",
        }
        for k in keys
        if k in sections
    ]


def _indicators(record: dict[str, Any]) -> list[dict[str, Any]]:
    from xxgk.corpus.indicators import INDICATORS, indicator_value

    return [
        {"name": i.name, "label": i.label, "unit": i.unit, "value": indicator_value(record, i)}
        for i in INDICATORS
    ]


def report_context(report: StoredReport, stored_findings: list[dict], text: str | None) -> dict[str, Any]:
    record = report.record
    findings = finding_views(stored_findings, text)
    base = f"/reports/{report.id}/download"
    return {
        "report": report_summary(report, stored_findings),
        "source": record.get("source") or {},
        "meta": {k: record.get(k) for k in ("published", "level", "region") if record.get(k)},
        "findings": findings,
        "tables": table_views(record, findings),
        "sections": _sections(record),
        "extras": record.get("extras") or [],
        "indicators": _indicators(record),
        "has_source_text": bool(text),
        "downloads": [
            {"label": "记录 JSON", "url": f"{base}/record.json"},
            {"label": "Excel（XLSX）", "url": f"{base}/report.xlsx"},
            {"label": "Word（DOCX）", "url": f"{base}/report.docx"},
        ],
    }


@router.get("/reports/{report_id:int}", responses=PAGE_RESPONSES, summary="报告页面")
async def report_page(request: Request, report_id: int) -> Response:
    state = state_of(request)
    report = await load_report(state, report_id)
    stored, neighbours, text = await state.store.read(
        lambda s: (s.findings(report_id), _neighbours(s, report), stored_source_text(s, report_id))
    )
    data = report_context(report, stored, text) | {"neighbours": neighbours}
    title = f"{report.agency or '（未识别机关）'} {report.year or ''} 年度报告"
    return respond(request, Page("report.html.j2", title, data))


@router.get("/reports/{report_id:int}/download/record.json", summary="下载标准记录（JSON）")
async def download_record(request: Request, report_id: int) -> Response:
    report = await load_report(state_of(request), report_id)
    content = json.dumps(report.record, ensure_ascii=False, indent=2).encode()
    return attachment(content, report_filename(report.agency, report.year, "json"), "json")


@router.get("/reports/{report_id:int}/download/report.xlsx", summary="下载统计表与问题（XLSX）")
async def download_xlsx(request: Request, report_id: int) -> Response:
    from xxgk.export import export

    state = state_of(request)
    report = await load_report(state, report_id)

    def write(store: Store) -> bytes:
        return produce(
            lambda p: export([report], "xlsx", p, findings_of=lambda r: store.findings(r.id)), "xlsx"
        )

    content = await state.store.read(write)
    return attachment(content, report_filename(report.agency, report.year, "xlsx"), "xlsx")


@router.get("/reports/{report_id:int}/download/report.docx", summary="下载按国家模板重排的报告（DOCX）")
async def download_docx(request: Request, report_id: int) -> Response:
    from xxgk.render import render

    report = await load_report(state_of(request), report_id)
    content = await asyncio.to_thread(produce, lambda p: render(report.record, "docx", p), "docx")
    return attachment(content, report_filename(report.agency, report.year, "docx"), "docx")
