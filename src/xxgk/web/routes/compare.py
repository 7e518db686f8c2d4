"""对比: two reports side by side — their tables with differing cells highlighted, the section texts with
deletions and insertions marked, and the indicators. Typically last year's report against this year's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from markupsafe import escape
from starlette.responses import Response

from xxgk.corpus.compare import compare
from xxgk.store import ReportFilter, Store
from xxgk.web.context import PAGE_RESPONSES, Page, respond
from xxgk.web.errors import WebError
from xxgk.web.routes import page_router, state_of
from xxgk.web.views import report_summary, table_views

router = page_router("对比")
MAX_CHOICES = 2000


def side_html(segments: Any, side: str) -> str:
    """One side of a text diff: a's text with its removed parts in <del>, or b's with added parts in <ins>.
    Every piece of report text is escaped; only the markers are markup."""
    parts = []
    for seg in segments:
        text = seg.a if side == "a" else seg.b
        if not text:
            continue
        if seg.op == "equal":
            parts.append(str(escape(text)))
        else:
            tag = "del" if side == "a" else "ins"
            parts.append(f"<{tag}>{escape(text)}</{tag}>")
    return "".join(parts)


def _choices(store: Store) -> list[dict[str, Any]]:
    reports = store.find_reports(ReportFilter(order_by="agency", limit=MAX_CHOICES))
    return [
        {"id": r.id, "label": f"{r.agency or '（未识别机关）'} · {r.year or '年度不详'}"} for r in reports
    ]


def _compare(store: Store, a_id: int, b_id: int) -> dict[str, Any]:
    a, b = store.get_report(a_id), store.get_report(b_id)
    missing = [str(i) for i, r in ((a_id, a), (b_id, b)) if r is None]
    if missing or a is None or b is None:
        raise WebError(404, f"找不到编号为 {'、'.join(missing)} 的报告。", "report_not_found")
    result = compare(a.record, b.record)
    differing = {c.key: "diff" for c in result.cells}
    sections = [
        {
            "key": s.key,
            "title": s.title,
            "similarity": s.similarity,
            "html_a": side_html(s.segments, "a"),
            "html_b": side_html(s.segments, "b"),
        }
        for s in result.sections
    ]
    data = result.as_dict()
    data.pop("sections")
    return {
        "a": report_summary(a),
        "b": report_summary(b),
        "comparison": data,
        "tables_a": table_views(a.record, marks=differing),
        "tables_b": table_views(b.record, marks=differing),
        "sections": sections,
    }


@router.get("/compare", responses=PAGE_RESPONSES, summary="对比两份报告")
async def compare_page(
    request: Request,
    a: Annotated[int | None, Query(description="左侧报告编号（通常为上年）")] = None,
    b: Annotated[int | None, Query(description="右侧报告编号（通常为本年）")] = None,
) -> Response:
    state = state_of(request)
    data: dict[str, Any] = {"selected": {"a": a, "b": b}, "choices": await state.store.read(_choices)}
    if a is not None and b is not None:
        data |= await state.store.read(_compare, a, b)
    return respond(request, Page("compare.html.j2", "对比两份报告", data))
