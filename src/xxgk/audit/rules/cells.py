"""Cell rules of spec/audit-rules.md: blank cells, cells that could not be fixed, rows and columns
beyond the template."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from xxgk.audit.context import Context
from xxgk.audit.registry import rule
from xxgk.audit.rules.structure import TABLE_NAMES
from xxgk.model import Finding, Location


def _skipped(ctx: Context) -> set[str]:
    """Cells not to list as blank: ambiguous ones, those of rows not found (S_TABLES names the row),
    and sub-rows of a merged （六）其他处理 row."""
    out: set[str] = set()
    for key in ("proactive", "requests", "appeals"):
        res = ctx.table_result(key)
        if res is None:
            continue
        out.update(res.ambiguous)
        if ctx.template is None:
            continue
        table = ctx.template.table(key)
        out.update(f"{key}.{row}.{c}" for row in res.missing_rows for c in table.row(row).columns)
        if res.unsplit:
            row = next(r for r in table.rows if r.optional)
            out.update(f"{key}.{sub}.{c}" for sub in row.replaces for c in row.columns)
    return out


@rule("S_BLANK_CELLS", doc="Blank cells in found tables, listed in one finding (the template expects 0).")
def blank_cells(ctx: Context) -> Iterator[Finding]:
    skip = _skipped(ctx)
    blank = [
        k for k, v in ctx.values.items() if v is None and k not in skip and ctx.has_table(k.split(".")[0])
    ]
    if blank:
        msg = f"统计表中有 {len(blank)} 个单元格空白（模板要求无数据时填 0），如：{'、'.join(ctx.label(k) for k in blank[:3])}。"
        yield Finding("S_BLANK_CELLS", "warning", msg, blank, ctx.location(blank[0]))


@rule(
    "S_AMBIGUOUS_CELLS",
    doc="Cells whose digits ran together and admit several readings: null, with the candidates.",
)
def ambiguous_cells(ctx: Context) -> Iterator[Finding]:
    keys: list[str] = []
    crowded: list[str] = []
    scrambled: list[str] = []
    candidates: list[dict[str, int | float | None]] = []
    parts: list[str] = []
    for table in ("proactive", "requests", "appeals"):
        res = ctx.table_result(table)
        if res and res.scrambled:
            scrambled.extend(res.ambiguous)
            parts.append(
                f"{TABLE_NAMES[table]}的行名与数字分开印出（表格文字可能是按列导出的），"
                f"无法确定各数属于哪一行，{len(res.ambiguous)} 个单元格未读取"
            )
        elif res and res.ambiguous:
            keys.extend(k for k in res.ambiguous if k not in res.crowded)
            crowded.extend(k for k in res.ambiguous if k in res.crowded)
            candidates.extend({k: _num(v) for k, v in c.items()} for c in res.candidates)
    if keys:
        parts.append(_ambiguous_message(ctx, keys, candidates))
    if crowded:
        names = "、".join(ctx.label(k) for k in crowded[:3])
        parts.append(
            f"{len(crowded)} 个单元格所在行印出的数字无法确定属于该行（数字多于列数，或印在列名、多个行名之后；"
            f"表格文字的顺序可能被打乱）：{names}"
        )
    if parts:
        cells = scrambled + keys + crowded
        yield Finding(
            "S_AMBIGUOUS_CELLS",
            "warning",
            "；".join(parts) + "。",
            cells,
            ctx.location(cells[0]),
            {"candidates": candidates},
        )


def _ambiguous_message(ctx: Context, keys: list[str], candidates: list[dict[str, int | float | None]]) -> str:
    # a reading that leaves a cell blank: the row printed fewer numbers than it has cells
    blanks = any(v is None for c in candidates for v in c.values())
    how = f"有 {len(candidates)} 种同样成立的读法" if candidates else "可能的读法过多，无法逐一核验"
    names = "、".join(ctx.label(k) for k in keys[:3])
    if cut := _cut_pages(ctx):
        return f"{len(keys)} 个单元格无法确定：{cut}：{names}"
    if blanks:
        return (
            f"{len(keys)} 个单元格所在行的数字少于列数（有单元格空白），{how}，无法确定各数所在的列：{names}"
        )
    return f"{len(keys)} 个单元格的数字连在一起，{how}，无法确定：{names}"


def _cut_pages(ctx: Context) -> str:
    """Why the rows of a PDF page may have lost cells: its text runs past the page's edge ('' if not)."""
    meta = ctx.extraction.document.meta if ctx.extraction is not None else {}
    pages = meta.get("cut_pages")
    if not pages:
        return ""
    where = "、".join(pages.split(","))
    return f"第 {where} 页的文字超出页面边界（表格比页面宽），超出部分的单元格没有印出，这些页上缺数字的行无法确定各数所在的列"


def _num(v: Decimal | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


@rule("S_EXTRA_ROWS", doc="Rows or columns a report adds beyond the template (kept in `extras`).")
def extra_rows(ctx: Context) -> Iterator[Finding]:
    for extra in ctx.record.get("extras") or []:
        table = TABLE_NAMES.get(extra.get("table", ""), "统计表")
        yield Finding(
            "S_EXTRA_ROWS",
            "info",
            f"{table}中有模板以外的{'列' if extra.get('kind') == 'column' else '行'}“{extra.get('label', '')}”。",
            [],
            Location(**extra.get("location", {})),
        )
