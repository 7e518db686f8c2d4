"""Rich rendering of command results for people (Chinese)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

SEVERITY = {"error": ("错误", "bold red"), "warning": ("警告", "yellow"), "info": ("提示", "cyan")}


def _where(loc: dict[str, Any] | None) -> str:
    if not loc:
        return ""
    parts = []
    if loc.get("page"):
        parts.append(f"第{loc['page']}页")
    if loc.get("line"):
        parts.append(f"第{loc['line']}行")
    if loc.get("table"):
        parts.append(f"表格{loc['table']}")
    if loc.get("row"):
        parts.append(f"第{loc['row']}行")
    if loc.get("col"):
        parts.append(f"第{loc['col']}列")
    return " ".join(parts)


def print_check(results: list[dict[str, Any]]) -> None:
    console = Console()
    for res in results:
        if "error" in res:
            console.print(f"[bold red]✗ {res['path']}[/]：{res['error']}")
            continue
        rec = res["record"]
        findings = res["findings"]
        counts = {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITY}
        title = f"{rec.get('agency') or '（未识别机关）'} {rec.get('year') or ''} 年度报告（{rec.get('template')} 版）"
        console.print(f"\n[bold]{res['path']}[/] — {title}")
        console.print(f"  错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}")
        for sev, (name, style) in SEVERITY.items():
            group = [f for f in findings if f["severity"] == sev]
            if not group:
                continue
            table = Table(
                show_header=True, header_style=style, title=f"{name}（{len(group)}）", title_justify="left"
            )
            table.add_column("规则", no_wrap=True)
            table.add_column("说明")
            table.add_column("位置", no_wrap=True)
            for f in group:
                table.add_row(f["rule"], f["message"], _where(f.get("location")))
            console.print(table)


def print_explain(info: dict[str, Any]) -> None:
    console = Console()
    console.print(
        f"[bold]{info['key']}[/]（{info['label']}） = [bold]{info['value'] if info['value'] is not None else '空白'}[/]"
    )
    if info.get("location"):
        console.print(
            f"位置：{_where(info['location'])}　原文：{info.get('raw')!r}　所在行标签：{info.get('row_label')}"
        )
    if info.get("note"):
        console.print(f"说明：{info['note']}")
    for r in info.get("readings", []):
        mark = "✓ 保留" if r["kept"] else "  "
        console.print(f"  {mark} {r.get('method', r['how'])}：{r['values']} — {r['why']}")
