"""填报 (drafting form): the three tables as inputs in the template's layout, live identity checks that
name the broken equation while the user types (htmx posts the form to /draft/check), the six sections
as text areas, and the compliant report as DOCX/HTML — only when no error remains, or with an explicit
override whose reason is written into the document.

The checks are the audit's own (`audit_record`): the form is turned into a plain record and audited
exactly like a parsed report, so the form cannot accept what `xxgk check` would reject.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import Query, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from xxgk.audit import audit_record
from xxgk.extract.template import ColumnSpec, Template, load_template
from xxgk.model import set_cell
from xxgk.render.document import SECTION_ORDER
from xxgk.web.context import PAGE_RESPONSES, Page, respond
from xxgk.web.downloads import attachment, produce, report_filename
from xxgk.web.errors import WebError
from xxgk.web.routes import page_router, state_of
from xxgk.web.views import SEVERITY_RANK, finding_views, severity_counts, table_views

router = page_router("填报")
CELL_PREFIX = "cell:"
SECTION_PREFIX = "section:"
ZERO_MARKS = {"-", "—", "－", "/", "无"}
INTEGER = re.compile(r"^-?\d+$")
UNMARKED = {
    "S_BLANK_CELLS"
}  # blank inputs are already drawn hatched; colouring all of them would hide errors
DOWNLOAD_FORMATS = {"docx": "Word（DOCX）", "html": "网页（HTML）"}


def parse_value(raw: str, column: ColumnSpec) -> tuple[int | float | None, str | None]:
    """A typed cell → (value, problem). Blank stays None (unknown); 0 - — / 无 mean 0, as in a report."""
    text = unicodedata.normalize("NFKC", raw or "").replace(",", "").strip()
    if not text:
        return None, None
    if text in ZERO_MARKS:
        return 0, None
    if column.type == "amount":
        try:
            amount = Decimal(text.removesuffix("万元"))
        except InvalidOperation:
            return None, "不是有效的金额"
        return (float(amount), None) if amount >= 0 else (None, "金额不能为负数")
    if not INTEGER.match(text):
        return None, "不是整数"
    value = int(text)
    if value < 0 and not column.signed:
        return None, "不能为负数"
    return value, None


def _template(name: str | None) -> Template:
    return load_template(name if name in ("2021", "2019") else "2021")


def record_from_form(form: FormData | dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The form as a canonical record, plus findings for entries that are not numbers or missing titles."""
    template = _template(str(form.get("template") or "2021"))
    year_text = str(form.get("year") or "").strip()
    record: dict[str, Any] = {
        "schema_version": 1,
        "agency": str(form.get("agency") or "").strip(),
        "year": int(year_text) if year_text.isdigit() else None,
        "template": template.name,
        "sections": {},
        "extras": [],
        "findings": [],
    }
    problems = _meta_problems(record, year_text)
    for key in template.cell_keys():
        raw = str(form.get(CELL_PREFIX + key) or "")
        value, problem = parse_value(raw, template.column_of(key))
        set_cell(record, key, value)
        if problem:
            message = f"“{template.label_of(key)}”填写的“{raw.strip()[:20]}”{problem}。"
            problems.append({"rule": "F_INPUT", "severity": "error", "message": message, "cells": [key]})
    for key, heading in SECTION_ORDER:
        text = str(form.get(SECTION_PREFIX + key) or "").strip()
        if text:
            record["sections"][key] = {"title": heading, "text": text}
    return record, problems


def _meta_problems(record: dict[str, Any], year_text: str) -> list[dict[str, Any]]:
    out = []
    if not record["agency"]:
        out.append(
            {
                "rule": "F_AGENCY",
                "severity": "error",
                "message": "请填写机关名称（报告标题中的机关）。",
                "cells": [],
            }
        )
    if record["year"] is None or not 2000 <= record["year"] <= 2100:
        shown = f"“{year_text}”" if year_text else ""
        out.append(
            {
                "rule": "F_YEAR",
                "severity": "error",
                "message": f"年度{shown}无效：请填写四位数年份。",
                "cells": [],
            }
        )
    return out


def check(form: FormData | dict[str, Any]) -> dict[str, Any]:
    """The live check: every finding of the drafted record, and which cells to mark."""
    record, problems = record_from_form(form)
    findings = finding_views(problems + [f.as_dict() for f in audit_record(record)])
    marks: dict[str, str] = {}
    for f in reversed(findings):  # errors last, so the worst severity wins
        if f["severity"] != "info" and f["rule"] not in UNMARKED:
            marks.update(dict.fromkeys(f["cells"], f["severity"]))
    counts = severity_counts(findings)
    return {
        "record": record,
        "findings": findings,
        "counts": counts,
        "can_download": counts["error"] == 0,
        "marks": marks,
    }


def _form_values(record: dict[str, Any] | None) -> dict[str, Any]:
    """Initial form values (from a stored report when drafting from it)."""
    if not record:
        return {}
    from xxgk.model.record import cell_items

    values: dict[str, Any] = {
        "agency": record.get("agency") or "",
        "year": record.get("year") or "",
        "template": record.get("template"),
    }
    values |= {CELL_PREFIX + k: "" if v is None else v for k, v in cell_items(record)}
    for key, _ in SECTION_ORDER:
        values[SECTION_PREFIX + key] = ((record.get("sections") or {}).get(key) or {}).get("text") or ""
    return values


@router.get("/draft", responses=PAGE_RESPONSES, summary="填报表单")
async def draft_page(
    request: Request,
    template: Annotated[str, Query(description="模板：2021 或 2019")] = "2021",
    from_report: Annotated[int | None, Query(alias="from", description="以某份已入库报告为底稿")] = None,
) -> Response:
    source = None
    if from_report is not None:
        stored = await state_of(request).store.read(lambda s: s.get_report(from_report))
        if stored is None:
            raise WebError(404, f"找不到编号为 {from_report} 的报告。", "report_not_found")
        source = stored.record
    values = _form_values(source) or {"template": template, "year": ""}
    result = check(values)
    tables = table_views({"template": result["record"]["template"]}, include_missing=True)
    data = {
        "values": values,
        "template": result["record"]["template"],
        "tables": tables,
        "sections": [{"key": k, "title": t, "name": SECTION_PREFIX + k} for k, t in SECTION_ORDER],
        "check": {k: v for k, v in result.items() if k != "record"},
        "formats": DOWNLOAD_FORMATS,
        "cell_prefix": CELL_PREFIX,
        "labels": _template(result["record"]["template"]).cell_labels,
    }
    return respond(request, Page("draft.html.j2", "填报年度报告", data))


@router.post("/draft/check", responses=PAGE_RESPONSES, summary="核验填报内容（勾稽关系等），逐项指出错误")
async def draft_check(request: Request) -> Response:
    result = check(await request.form())
    data = {k: v for k, v in result.items() if k != "record"}
    return respond(request, Page("draft_check.html.j2", "核验结果", data))


@router.post("/draft/download", summary="下载合规报告（无错误时；或勾选强制生成并说明理由）")
async def draft_download(request: Request) -> Response:
    form = await request.form()
    fmt = str(form.get("format") or "docx")
    if fmt not in DOWNLOAD_FORMATS:
        raise WebError(422, f"不支持的格式“{fmt}”（可选 docx、html）。", "bad_format")
    result = check(form)
    record = result["record"]
    errors = [f for f in result["findings"] if SEVERITY_RANK.get(f["severity"]) == 0]
    if errors:
        reason = str(form.get("override_reason") or "").strip()
        if form.get("override") != "on" or not reason:
            details = [{"rule": f["rule"], "message": f["message"]} for f in errors]
            message = f"报告还有 {len(errors)} 个错误，不能生成合规报告：请改正，或勾选“强制生成”并填写理由。"
            raise WebError(422, message, "draft_has_errors", details)
        record["override"] = (
            f"{reason}（生成时仍有 {len(errors)} 个错误：{'；'.join(f['message'] for f in errors[:5])}）"
        )
    from xxgk.render import render

    content = await asyncio.to_thread(produce, lambda p: render(record, fmt, p), fmt)
    return attachment(content, report_filename(record["agency"], record["year"], fmt), fmt)
