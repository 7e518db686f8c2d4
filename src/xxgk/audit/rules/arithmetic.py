"""勾稽关系: the template's identities (data), non-negativity, and subtotals a report adds."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from xxgk.audit.context import Context, fmt
from xxgk.audit.registry import rule
from xxgk.extract.numbers import to_json_number
from xxgk.extract.search import side_total
from xxgk.extract.template import Identity
from xxgk.model import Finding


def _binding_label(ctx: Context, ident: Identity) -> str:
    if ident.binding in ctx.template.columns if ctx.template else False:  # a column of 表三
        return f"“{ctx.template.columns[ident.binding].label}”列" if ctx.template else ident.binding
    if ident.rule == "T3_ROW_TOTAL":
        return f"“{ctx.label(f'requests.{ident.binding}.total').split(' · ')[0]}”行"
    if ident.rule == "T4_BLOCK":
        return "“" + ctx.label(f"appeals.{ident.binding}.total").split("·")[0] + "”"
    return ident.binding


def _identity_finding(ctx: Context, ident: Identity) -> Finding | None:
    table = ident.cells[0].split(".", 1)[0]
    if not ctx.has_table(table):
        return None
    (lhs, lhs_blank), (rhs, rhs_blank) = side_total(ctx.values, ident.lhs), side_total(ctx.values, ident.rhs)
    if not lhs_blank + rhs_blank and lhs == rhs:
        return None
    where = _binding_label(ctx, ident)
    if lhs_blank or rhs_blank:
        blanks = [k for k in (*ident.lhs, *ident.rhs) if ctx.values.get(k) is None]
        if len(blanks) == len(ident.cells):
            return None  # nothing printed at all: reported once by S_BLANK_CELLS
        return Finding(
            ident.rule,
            "info",
            f"{where}无法核验“{ident.text}”：{len(blanks)} 个单元格空白。",
            list(ident.cells),
            ctx.location(blanks[0]),
        )
    message = f"{where}不满足“{ident.text}”：左边为 {fmt(lhs)}，右边为 {fmt(rhs)}，相差 {fmt(lhs - rhs)}。"
    return Finding(ident.rule, "error", message, list(ident.cells), ctx.location(ident.lhs[0]))


@rule(
    "T3_BALANCE",
    "T3_ROW_TOTAL",
    "T3_RESULTS_SUM",
    "T4_BLOCK",
    doc="Every identity of the template, one finding per broken (or unassessable) equation instance.",
)
def identities(ctx: Context) -> Iterator[Finding]:
    if ctx.template is None:
        return
    for ident in ctx.template.identities:
        f = _identity_finding(ctx, ident)
        if f is not None:
            yield f


@rule(
    "NONNEG", doc="Counts are non-negative integers (2019 本年增/减 may be negative); fees are non-negative."
)
def non_negative(ctx: Context) -> Iterator[Finding]:
    if ctx.template is None:
        return
    for key, value in ctx.values.items():
        number = to_json_number(value)  # memoised: Decimal comparisons cost ~10x more, per cell
        if number is None:
            continue
        col = ctx.template.column_of(key)
        problem = None
        if number < 0 and not col.signed:
            problem = f"“{ctx.label(key)}”为负数（{fmt(value)}）。"
        elif (col.signed or col.type == "count") and not isinstance(number, int):
            problem = f"“{ctx.label(key)}”应为整数，表中为 {fmt(value)}。"
        if problem:
            yield Finding("NONNEG", "error", problem, [key], ctx.location(key))


@rule(
    "T_EXTRA_SUBTOTAL",
    doc="A 小计 row a report adds to 表三 equals the sum of the group's rows, column by column.",
)
def extra_subtotals(ctx: Context) -> Iterator[Finding]:
    for extra in ctx.record.get("extras") or []:
        group = extra.get("subtotal_of")
        if not group or extra.get("table") != "requests" or ctx.template is None:
            continue
        rows = [r for r in ctx.template.sets["RESULTS"] if r.startswith(group + ".")]
        for col, printed in (extra.get("values") or {}).items():
            if printed is None or col not in ctx.template.sets["COLS"]:
                continue
            parts = [v for v in (ctx.value(f"requests.{r}.{col}") for r in rows) if v is not None]
            if len(parts) < len(rows):
                continue
            total = sum(parts, Decimal(0))
            if Decimal(str(printed)) != total:
                keys = [f"requests.{r}.{col}" for r in rows]
                msg = f"“{extra['label']}”为 {printed}，不等于所含各行之和 {fmt(total)}。"
                yield Finding("T_EXTRA_SUBTOTAL", "error", msg, keys, ctx.location(keys[0]))
