"""Structure, template, units, plausibility and timeliness rules of spec/audit-rules.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Final

from xxgk.audit.context import Context, fmt
from xxgk.audit.registry import rule
from xxgk.extract.numbers import parse_value
from xxgk.extract.units import SECTION_ORDER, SECTIONS
from xxgk.model import Finding, Location
from xxgk.model.finding import Severity
from xxgk.model.record import SECTION_TITLES

TABLE_NAMES: Final = {
    "proactive": "表二（主动公开政府信息情况）",
    "requests": "表三（收到和处理政府信息公开申请情况）",
    "appeals": "表四（行政复议、行政诉讼情况）",
}
_PROSE_EVIDENCE: Final = {
    "overview": ("总体情况", "概述"),
    "problems": ("问题", "不足"),
    "other": ("其他需要报告", "其他事项"),
}


def _prose_present(ctx: Context, key: str) -> bool:
    """A prose section without a recognised heading still counts when a short line names it."""
    if ctx.extraction is None:
        return False
    words = _PROSE_EVIDENCE.get(key, ())
    return any(len(u.text) <= 30 and any(w in u.text for w in words) for u in ctx.extraction.units)


@rule(
    "S_SECTIONS", doc="The six sections, in order; a table section counts as present when its table is found."
)
def sections_present(ctx: Context) -> Iterator[Finding]:
    if ctx.record.get("template") == "legacy":
        return
    sections = ctx.record.get("sections") or {}
    for key, _ in SECTIONS:
        if key in sections:
            continue
        if key in TABLE_NAMES and ctx.has_table(key):
            continue
        if key not in TABLE_NAMES and _prose_present(ctx, key):
            continue
        severity: Severity = "error" if key in TABLE_NAMES else "warning"
        yield Finding("S_SECTIONS", severity, f"缺少“{SECTION_TITLES[key]}”部分。", [], Location())
    lines = [(ctx.extraction.section_lines.get(k) or 0) if ctx.extraction else 0 for k in sections]
    order = [SECTION_ORDER[k] for k in sections]
    if order != sorted(order) and all(lines):
        yield Finding(
            "S_SECTIONS",
            "warning",
            "各部分的顺序与模板不一致。",
            [],
            ctx.section_location(next(iter(sections))),
        )


@rule(
    "S_TABLES",
    doc="表二、表三、表四 found and every canonical row mapped; a merged （六）其他处理 row is named.",
)
def tables_present(ctx: Context) -> Iterator[Finding]:
    if ctx.template is None:
        return
    why = _pictured_pages(ctx)
    for table in ctx.template.tables:
        if not ctx.has_table(table.key):
            yield Finding("S_TABLES", "error", f"未找到{TABLE_NAMES[table.key]}。{why}", [], Location())
            continue
        res = ctx.table_result(table.key)
        if res is None:
            continue
        for key in res.missing_rows:
            label = table.row(key).label
            cells = [f"{table.key}.{key}.{c}" for c in table.row(key).columns]
            msg = f"{TABLE_NAMES[table.key]}中未找到“{label}”行。{why}"
            yield Finding("S_TABLES", "error", msg, cells, ctx.table_location(table.key))
        if res.unsplit:
            msg = "表三把“（六）其他处理”印成一行（2019 年版格式），2021 年版应分为三行。"
            yield Finding(
                "S_TABLES",
                "warning",
                msg,
                [k for k in res.values if ".other." in k],
                ctx.table_location(table.key),
            )


def _pictured_pages(ctx: Context) -> str:
    """Why a table may be missing: pages of a PDF, or pictures in a DOCX or a web page, left unread —
    without OCR, or (a web page saved without its pictures) because they are not on this machine."""
    meta = ctx.extraction.document.meta if ctx.extraction is not None else {}
    if meta.get("image_pages") or meta.get("garbled_pages"):
        images, garbled = meta.get("image_pages"), meta.get("garbled_pages")
        where = "，".join(
            ([f"第 {'、'.join(images.split(','))} 页是图片（没有文字层）"] if images else [])
            + (
                [f"第 {'、'.join(garbled.split(','))} 页的文字层是乱码（字体缺少编码映射）"]
                if garbled
                else []
            )
        )
    elif meta.get("pictures"):
        where = f"文档中有 {meta['pictures']} 张图片未识别"
    else:
        where = ""
    why = f"{where}，表格可能在其中：需要安装 OCR 组件才能识别（pip install 'xxgk[ocr]'）。" if where else ""
    if meta.get("remote_pictures"):
        why += (
            f"网页中有 {meta['remote_pictures']} 张图片不在网页所在的文件夹中（只保存了网页，没有保存图片），表格可能在其中："
            "请把网页连同图片一起保存（浏览器“网页，全部”）后再读取。"
        )
    return why


@rule("S_TEMPLATE_YEAR", doc="2021+ reports use the 2021 template; 2019–2020 reports the 2019 one.")
def template_year(ctx: Context) -> Iterator[Finding]:
    year, template = ctx.record.get("year"), ctx.record.get("template")
    if not isinstance(year, int) or template not in ("2019", "2021"):
        return
    if year >= 2021 and template == "2019":
        yield Finding(
            "S_TEMPLATE_YEAR",
            "error",
            f"{year} 年度报告仍使用 2019 年版格式，应使用国办公开办函〔2021〕30号格式。",
        )
    elif year < 2021 and template == "2021":
        yield Finding(
            "S_TEMPLATE_YEAR", "warning", f"{year} 年度报告使用了 2021 年版格式，当年应使用 2019 年版格式。"
        )


_SELF: Final = re.compile(r"((?:19|20)\d{2})\s*年\s*度?\s*(?:政府信息公开|政务公开)(?:工作)?\s*年度报告")
# A period runs from January to some end (至/到/—): the date must open a range, so that a signature date
# after an attachment titled "…统计数据" ("统计数据 某局2019年1月7日") is not read as the period.
_PERIOD: Final = re.compile(
    r"(?:统计期限|统计时限|统计周期|统计时间|统计期间|数据统计|统计数据)[^。；]{0,30}?((?:19|20)\d{2})\s*年\s*1\s*月"
    r"(?=[^。；]{0,12}?(?:至|到|[—－~～-]))"
)


def _cited(text: str, m: re.Match[str]) -> bool:
    """The year is that of another document cited in 《》, whose title goes on past the report's name
    (《…关于编制公布2021年政府信息公开工作年度报告有关事项的通知》), not this report naming itself
    (现将《海东市 2020 年政府信息公开年度报告》予以公布)."""
    if text.rfind("《", 0, m.start()) <= text.rfind("》", 0, m.start()):
        return False
    close = text.find("》", m.end())
    return close > m.end() and bool(text[m.end() : close].strip())


def _preamble(ctx: Context) -> list[tuple[str, int | None]]:
    if ctx.extraction is None:
        return []
    out = []
    for unit in ctx.extraction.units:
        if unit.section:
            break
        out.append((unit.text, unit.prov.line))
    return out


@rule(
    "S_YEAR_MENTIONS",
    doc="Where the report names itself or its period, the year agrees with the report's year.",
)
def year_mentions(ctx: Context) -> Iterator[Finding]:
    year = ctx.record.get("year")
    if not isinstance(year, int) or ctx.extraction is None:
        return
    # every wording of _PERIOD says 统计: a substring test skips the regex on most paragraphs
    period = [(u.text, u.prov.line) for u in ctx.extraction.units if u.kind == "text" and "统计" in u.text]
    seen: set[tuple[int, int | None]] = set()
    for pattern, texts in ((_SELF, _preamble(ctx)), (_PERIOD, period)):
        for text, line in texts:
            for m in pattern.finditer(text):
                said = int(m.group(1))
                if said != year and (said, line) not in seen and not _cited(text, m):
                    seen.add((said, line))
                    msg = f"报告称“{m.group(0).strip()}”，与报告年度 {year} 不一致。"
                    yield Finding("S_YEAR_MENTIONS", "warning", msg, [], Location(line=line))


_FEE: Final = re.compile(r"处理费|收费|收取费用|费用")


@rule("S_FEE_REPORTED", doc="2021+ reports state in section 六 whether 信息处理费 was collected.")
def fee_reported(ctx: Context) -> Iterator[Finding]:
    if ctx.record.get("template") != "2021":
        return
    sections = ctx.record.get("sections") or {}
    text = ctx.section_text("other") if "other" in sections else ""
    if not _FEE.search(text):
        where = ctx.section_location("other")
        yield Finding(
            "S_FEE_REPORTED", "warning", "“六、其他需要报告的事项”未说明信息处理费的收取情况。", [], where
        )


@rule(
    "U_FEE_UNIT",
    doc="行政事业性收费 is in 万元: a bare 元 in the cell, or more than 1,000,000 万元, is suspicious.",
)
def fee_unit(ctx: Context) -> Iterator[Finding]:
    key = "proactive.fees.amount_10k_yuan"
    value = ctx.value(key)
    if value is None or ctx.record.get("template") != "2021":
        return
    res = ctx.table_result("proactive")
    raw = res.trace[key].raw if res and key in res.trace else None
    unit = parse_value(raw)[2] if raw else None
    if unit == "元":
        yield Finding(
            "U_FEE_UNIT",
            "warning",
            f"行政事业性收费单元格写的是“{raw}”，该栏单位应为万元。",
            [key],
            ctx.location(key),
        )
    elif value > 1_000_000:
        yield Finding(
            "U_FEE_UNIT",
            "warning",
            f"行政事业性收费 {fmt(value)} 万元过大，可能把“元”填进了“万元”栏。",
            [key],
            ctx.location(key),
        )


_ACTIVITY: Final = ("received", "processed", "review_total", "litigation_total", "appeals_total")


@rule("P_EMPTY_TABLES", doc="All tables empty or zero while the prose reports applications or cases.")
def empty_tables(ctx: Context) -> Iterator[Finding]:
    if not ctx.values or any(
        v not in (None, 0) for k, v in ctx.values.items() if not k.startswith("proactive")
    ):
        return
    if any((res := ctx.table_result(t)) and res.ambiguous for t in ("requests", "appeals")):
        return  # cells that could not be read are unknown, not empty
    stated = [f for f in ctx.figures if f.concept in _ACTIVITY and f.value > 0]
    if stated:
        f = stated[0]
        msg = f"表三、表四全部为空或 0，但正文写有“{f.clause}”。"
        yield Finding("P_EMPTY_TABLES", "warning", msg, [], Location(line=f.line))


_PUBLISHED: Final = re.compile(
    r"(?:发布时间|发布日期|成文日期|公开日期|发文日期)\s*[:：]\s*((?:19|20)\d{2})[-年/.](\d{1,2})[-月/.](\d{1,2})"
)


def published_date(ctx: Context) -> date | None:
    raw = ctx.record.get("published")
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            return None
    for text, _ in _preamble(ctx)[:15]:
        m = _PUBLISHED.search(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def agency_level(agency: str | None) -> str | None:
    """'government' for a 人民政府's own report, 'department' for its 部门; None when unclear."""
    if not agency:
        return None
    if agency.endswith(("人民政府", "政府")) and "办公" not in agency:
        return "government"
    if agency.endswith(("局", "委", "委员会", "厅", "办", "办公室", "中心", "分局", "院")):
        return "department"
    return None


@rule(
    "D_DEADLINE",
    doc="Departments publish by 31 January, local governments by 31 March of the next year (before 2019: all by 31 March).",
)
def deadline(ctx: Context) -> Iterator[Finding]:
    year, published = ctx.record.get("year"), published_date(ctx)
    if not isinstance(year, int) or published is None:
        return
    level = ctx.record.get("level") or agency_level(ctx.record.get("agency"))
    if year <= 2018:  # published under the 2007 条例: every 行政机关 by 31 March (第三十一条)
        due, who, article = date(year + 1, 3, 31), "行政机关", "2007 年条例第三十一条"
    elif level == "department":
        due, who, article = date(year + 1, 1, 31), "政府部门", "条例第四十九条"
    else:
        due, who, article = date(year + 1, 3, 31), "地方人民政府", "条例第四十九条"
    if published > due:
        msg = f"报告发布于 {published.isoformat()}，晚于{who}的法定期限 {due.isoformat()}（{article}）。"
        yield Finding("D_DEADLINE", "warning", msg, [], Location())
