"""总览 (dashboard): applications by year, outcome mix, 复议/诉讼 and 纠错率, most frequent findings, and
which expected agencies have not yet submitted a report for a year (list uploaded as CSV)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import File, Query, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from xxgk.store import Store
from xxgk.web import charts, stats
from xxgk.web.context import PAGE_RESPONSES, Page, json_response, respond, wants_json
from xxgk.web.errors import WebError
from xxgk.web.routes import page_router, state_of
from xxgk.web.state import WebState

router = page_router("总览")
NAME_COLUMNS = ("机关", "机关名称", "单位", "单位名称", "名称", "agency", "name")
MAX_EXPECTED = 20_000


def _corpus_figures(store: Store) -> dict[str, Any]:
    """Everything on the dashboard that depends only on the corpus (cached between writes)."""
    years = stats.by_year(r.record for r in store.iter_reports())
    summary = store.stats()
    return {
        "reports": sum(y["reports"] for y in summary["by_year_template"]),
        "agencies": len(store.agencies()),
        "years": years,
        "by_year_template": summary["by_year_template"],
        "by_rule": summary["by_rule"][:12],
        "worst_agencies": summary["worst_agencies"][:10],
    }


def _charts(fig: dict[str, Any]) -> dict[str, Any]:
    years = fig["years"]
    labels = [y["year"] for y in years]
    return {
        "applications": charts.bars(
            "申请数量（按年度）",
            labels,
            {name: [y.get(key) for y in years] for key, name in stats.REQUEST_SERIES[:2]},
            stack=True,
        ),
        "outcomes": charts.pie(
            "办理结果构成（全部年度）", [(o["label"], o["value"]) for o in stats.outcome_mix(years)]
        ),
        "appeals": charts.bars(
            "行政复议与行政诉讼（按年度）",
            labels,
            {
                "行政复议": [y.get("appeals.review.total") for y in years],
                "行政诉讼": [y["litigation_total"] for y in years],
            },
        ),
        "correction": charts.lines(
            "纠错率（按年度）",
            labels,
            {
                "复议纠错率": [y["review_correction_rate"] for y in years],
                "诉讼纠错率": [y["litigation_correction_rate"] for y in years],
            },
            unit="%",
        ),
        "findings": charts.horizontal_bars(
            "最常见的问题（规则）",
            [(f"{r['rule']}（{r['severity']}）", r["findings"]) for r in fig["by_rule"]],
        ),
    }


def _submission(store: Store, names: list[str], year: int | None) -> dict[str, Any]:
    """Expected agencies against the corpus for `year`: who has a report, who has not yet."""
    from xxgk.corpus.agency import agency_key

    rows = []
    for name in names:
        report = store.report_for(agency_key(name), year) if year is not None else None
        rows.append(
            {"agency": name, "submitted": report is not None, "report_id": report.id if report else None}
        )
    missing = [r for r in rows if not r["submitted"]]
    return {
        "year": year,
        "expected": len(rows),
        "submitted": len(rows) - len(missing),
        "missing": missing,
        "rows": rows,
    }


async def dashboard_context(state: WebState, year: int | None) -> dict[str, Any]:
    fig = await state.cached("dashboard", lambda: state.store.read(_corpus_figures))
    known_years = [y["year"] for y in fig["years"]] or sorted(
        {y["year"] for y in fig["by_year_template"] if y["year"]}
    )
    chosen = year if year is not None else (known_years[-1] if known_years else None)
    names = list(state.expected.names)
    submission = await state.store.read(_submission, names, chosen)
    return {**fig, "charts": _charts(fig), "submission": submission, "known_years": known_years}


@router.get("/", responses=PAGE_RESPONSES, summary="总览（仪表盘）")
async def dashboard(
    request: Request, year: Annotated[int | None, Query(description="“尚未提交”按此年度统计")] = None
) -> Response:
    data = await dashboard_context(state_of(request), year)
    return respond(request, Page("dashboard.html.j2", "总览", data))


@router.get("/dashboard", include_in_schema=False)
async def dashboard_alias(request: Request, year: int | None = None) -> Response:
    return await dashboard(request, year)


def parse_expected(data: bytes) -> list[str]:
    """Agency names from a CSV (UTF-8 with or without BOM, or GBK as Excel writes it): the column headed
    机关/名称/agency if there is one, else the first column; blanks and repeats dropped."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise WebError(422, "无法读取名单文件：请使用 UTF-8 或 GBK 编码的 CSV。", "bad_csv")
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows:
        raise WebError(422, "名单文件是空的：请每行填写一个机关名称。", "bad_csv")
    header = [c.strip().lower() for c in rows[0]]
    col = next((header.index(n) for n in NAME_COLUMNS if n in header), None)
    body = rows[1:] if col is not None else rows
    names = [r[col or 0].strip() for r in body if len(r) > (col or 0) and r[col or 0].strip()]
    unique = list(dict.fromkeys(names))
    if len(unique) > MAX_EXPECTED:
        raise WebError(422, f"名单过长（{len(unique)} 个机关，上限 {MAX_EXPECTED} 个）。", "bad_csv")
    return unique


@router.post("/expected", summary="上传应报送机关名单（CSV）")
async def upload_expected(
    request: Request, file: Annotated[UploadFile, File(description="CSV：每行一个机关名称")]
) -> Response:
    names = parse_expected(await file.read(5 * 1024 * 1024))
    state_of(request).expected.replace(names)
    if wants_json(request):
        return json_response({"expected": len(names), "names": names})
    return RedirectResponse("/#submission", status_code=303)
