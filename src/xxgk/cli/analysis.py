"""Corpus commands over a store: `export`, `stats`, `agencies`, `compare`, `aggregate`, `indicators`.

Each is a thin layer over a library function of the same name (xxgk.export.export, Store.stats,
Store.agencies, xxgk.corpus.compare.compare, xxgk.corpus.aggregate.aggregate,
xxgk.corpus.indicators.indicators). Registered on the main app by an import at the bottom of app.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from xxgk.cli.app import app
from xxgk.errors import XxgkError

if TYPE_CHECKING:
    from xxgk.store.base import ReportFilter, Store

DbOpt = Annotated[
    str, typer.Option("--db", help="语料库：DuckDB 文件路径，或 postgresql://… 地址（使用 PostgreSQL）")
]
YearOpt = Annotated[list[int] | None, typer.Option("--year", help="年度（可重复）")]
TemplateOpt = Annotated[
    list[str] | None, typer.Option("--template", help="模板：2021、2019 或 legacy（可重复）")
]
AgencyOpt = Annotated[str | None, typer.Option("--agency", help="机关名称（部分匹配）")]
RuleOpt = Annotated[str | None, typer.Option("--rule", help="只要有此规则问题的报告，如 T3_BALANCE")]
SeverityOpt = Annotated[
    str | None, typer.Option("--severity", help="只要有此级别问题的报告：error、warning、info")
]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="输出格式：text（给人看）或 json（给程序用）")]


def _dump(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def _fail(message: str, code: int = 2) -> None:
    Console(stderr=True, soft_wrap=True).print(escape(message))
    raise typer.Exit(code)


@contextmanager
def _store(db: str, read_only: bool = False) -> Iterator[Store]:
    from xxgk.store import open_store

    try:
        store = open_store(db, read_only=read_only)
    except XxgkError as exc:
        _fail(exc.message)
        raise  # unreachable: _fail exits
    try:
        yield store
    finally:
        store.close()


def _filter(
    year: list[int] | None,
    template: list[str] | None,
    agency: str | None,
    rule: str | None = None,
    severity: str | None = None,
) -> ReportFilter:
    from xxgk.store.base import ReportFilter

    return ReportFilter(
        years=tuple(year or ()),
        templates=tuple(template or ()),
        agency_like=agency,
        rule=rule,
        severity=severity,
        order_by="year",
    )


@app.command()
def export(
    out: Annotated[Path, typer.Option("--output", "-o", help="输出文件")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv、xlsx、parquet 或 jsonl")] = "csv",
    long: Annotated[bool, typer.Option("--long", help="长表：每个单元格一行（report、key、value）")] = False,
    findings: Annotated[bool, typer.Option("--findings", help="导出问题清单而不是单元格")] = False,
    db: DbOpt = "./xxgk.duckdb",
    year: YearOpt = None,
    template: TemplateOpt = None,
    agency: AgencyOpt = None,
    rule: RuleOpt = None,
    severity: SeverityOpt = None,
) -> None:
    """导出语料库：宽表（每份报告一行）或长表（每个单元格一行），可按年度、机关、模板、规则、级别筛选。"""
    from xxgk.export import FORMATS
    from xxgk.export import export as run_export

    if fmt not in FORMATS:
        _fail(f"不支持的导出格式：{fmt}（可用：{'、'.join(FORMATS)}）")
    with _store(db, read_only=True) as store:
        flt = _filter(year, template, agency, rule, severity)
        n = run_export(
            store.iter_reports(flt),
            fmt,
            out,
            long,
            what="findings" if findings else "cells",
            findings_of=lambda r: store.findings(r.id),
            rule=rule if findings else None,
            severity=severity if findings else None,
        )
    Console(stderr=True).print(f"已导出 {n} 行到 {escape(str(out))}")


@app.command()
def stats(
    db: DbOpt = "./xxgk.duckdb",
    year: YearOpt = None,
    template: TemplateOpt = None,
    agency: AgencyOpt = None,
    fmt: FormatOpt = "text",
) -> None:
    """语料库统计：按年度和模板的报告数、按规则和级别的问题数、问题最多的机关。"""
    with _store(db, read_only=True) as store:
        result = store.stats(_filter(year, template, agency))
    if fmt == "json":
        _dump(result)
        return
    console = Console()
    for part, title, headers, keys in STATS_TABLES:
        _table(console, title, headers, result[part], keys)


STATS_TABLES = (  # (part of Store.stats, title, column headers, keys)
    ("by_year_template", "报告数", ("年度", "模板", "报告"), ("year", "template", "reports")),
    ("by_rule", "问题", ("规则", "级别", "问题数", "报告数"), ("rule", "severity", "findings", "reports")),
    ("worst_agencies", "问题最多的机关", ("机关", "错误", "警告"), ("agency", "errors", "warnings")),
)


def _table(
    console: Console, title: str, headers: tuple[str, ...], rows: list[dict[str, Any]], keys: tuple[str, ...]
) -> None:
    table = Table(title=title, title_justify="left")
    for h in headers:
        table.add_column(h)
    for row in rows:
        table.add_row(*(escape("" if row.get(k) is None else str(row.get(k))) for k in keys))
    console.print(table)


@app.command()
def agencies(
    db: DbOpt = "./xxgk.duckdb",
    like: Annotated[str | None, typer.Option("--like", help="按名称部分匹配")] = None,
    rename: Annotated[
        tuple[str, str] | None, typer.Option("--rename", help="改名：机关键 新名称", show_default=False)
    ] = None,
    merge: Annotated[
        tuple[str, str] | None, typer.Option("--merge", help="合并：别名键 并入的机关键", show_default=False)
    ] = None,
    fmt: FormatOpt = "text",
) -> None:
    """列出机关（跨年度归并后的机关键、名称、年度、别名），或改名、合并机关。"""
    with _store(db, read_only=rename is None and merge is None) as store:
        if rename:
            store.rename_agency(*rename)
        if merge:
            store.merge_agencies(*merge)
        found = store.agencies(like)
    if fmt == "json":
        _dump(
            [
                {"key": a.key, "name": a.name, "years": list(a.years), "aliases": list(a.aliases)}
                for a in found
            ]
        )
        return
    table = Table(title=f"机关（{len(found)}）", title_justify="left")
    for h in ("机关键", "名称", "年度", "别名"):
        table.add_column(h)
    for a in found:
        table.add_row(
            escape(a.key), escape(a.name), "、".join(map(str, a.years)), escape("、".join(a.aliases))
        )
    Console().print(table)


def _record(ref: str, db: str) -> dict[str, Any]:
    """A report given as a file (parsed now) or as a report id in the store."""
    if Path(ref).is_file():
        from xxgk.api import parse

        try:
            return parse(ref)
        except XxgkError as exc:
            _fail(exc.message)
    if ref.isdigit():
        with _store(db, read_only=True) as store:
            report = store.get_report(int(ref))
        if report is not None:
            return report.record
    _fail(f"找不到报告：{ref}（既不是文件，也不是语料库中的报告编号）")
    raise AssertionError  # unreachable


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="报告 A：文件路径或语料库中的报告编号")],
    b: Annotated[str, typer.Argument(help="报告 B：文件路径或语料库中的报告编号")],
    db: DbOpt = "./xxgk.duckdb",
    fmt: FormatOpt = "text",
) -> None:
    """比较两份报告：不同的单元格、各部分文字的相似度与差异。"""
    from xxgk.corpus.compare import compare as run_compare

    result = run_compare(_record(a, db), _record(b, db)).as_dict()
    if fmt == "json":
        _dump(result)
        return
    console = Console()
    console.print(f"比较了 {result['cells_compared']} 个单元格，{len(result['cells'])} 个不同")
    rows = [{**c, "a": c.get("a"), "b": c.get("b")} for c in result["cells"]]
    _table(console, "不同的单元格", ("单元格", "A", "B", "差值"), rows, ("label", "a", "b", "delta"))
    sections = [
        {**s, "pct": "" if s.get("similarity") is None else f"{s['similarity']}%"} for s in result["sections"]
    ]
    _table(console, "各部分文字相似度", ("部分", "相似度"), sections, ("title", "pct"))


@app.command()
def aggregate(
    name: Annotated[str, typer.Option("--name", help="汇总记录的机关名称，如 某市各部门汇总")],
    year: Annotated[int, typer.Option("--year", help="年度")],
    agency: Annotated[list[str] | None, typer.Option("--agency", help="参与汇总的机关键（可重复）")] = None,
    like: Annotated[str | None, typer.Option("--like", help="参与汇总的机关名称部分匹配")] = None,
    parent: Annotated[str | None, typer.Option("--parent", help="上级机关键：核对其报告与下级合计")] = None,
    db: DbOpt = "./xxgk.duckdb",
) -> None:
    """汇总多个机关同一年度的统计表为一份记录（同样核验）；可用 --parent 核对上级报告与下级之和。"""
    from xxgk.corpus.aggregate import aggregate as run_aggregate
    from xxgk.corpus.aggregate import check_parent
    from xxgk.store.base import ReportFilter

    with _store(db, read_only=True) as store:
        flt = ReportFilter(years=(year,), agency_keys=tuple(agency or ()), agency_like=like)
        children = [r.record for r in store.find_reports(flt) if r.agency_key != parent]
        parent_report = store.report_for(parent, year) if parent else None
    if not children:
        _fail(f"{year} 年没有符合条件的报告可汇总。")
    try:
        summary = run_aggregate(children, name, year)
        if parent_report is not None:
            summary["parent_check"] = check_parent(parent_report.record, children)
    except ValueError as exc:
        _fail(f"无法汇总：{exc}")
    _dump(summary)


@app.command()
def indicators(
    report: Annotated[str, typer.Argument(help="报告：文件路径或语料库中的报告编号")],
    db: DbOpt = "./xxgk.duckdb",
    fmt: FormatOpt = "text",
) -> None:
    """派生指标：公开率、复议纠错率、结转率等（每个指标只定义一次）。"""
    from xxgk.corpus.indicators import INDICATORS
    from xxgk.corpus.indicators import indicators as compute

    values = compute(_record(report, db))
    if fmt == "json":
        _dump(values)
        return
    rows = [
        {
            "label": ind.label,
            "value": "无法计算" if values.get(ind.name) is None else f"{values[ind.name]:.2f}%",
        }
        for ind in INDICATORS
    ]
    _table(Console(), "派生指标", ("指标", "数值"), rows, ("label", "value"))
