"""`xxgk` commands. Each one calls a library function and turns its result into output and exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from xxgk.errors import XxgkError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="政府信息公开工作年度报告：解析、核验、解释。"
)
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="输出格式：text（给人看）或 json（给程序用）")]


def _dump(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _fail(exc: XxgkError) -> None:
    sys.stderr.write(exc.message + "\n")
    raise typer.Exit(2)


@app.command()
def parse(file: Annotated[Path, typer.Argument(help="报告文件")]) -> None:
    """把一份报告解析为标准记录（JSON）。"""
    from xxgk.api import parse as parse_file

    try:
        record = parse_file(file)
    except XxgkError as exc:
        _fail(exc)
        return
    _dump(record)


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="一个或多个报告文件")],
    fmt: FormatOpt = "text",
) -> None:
    """核验报告：按严重程度列出问题及其位置；有错误时退出码为 1。"""
    from xxgk.api import parse as parse_file
    from xxgk.cli.output import print_check

    results: list[dict[str, Any]] = []
    unreadable = False
    for path in files:
        try:
            record = parse_file(path)
            results.append({"path": str(path), "findings": record["findings"], "record": record})
        except XxgkError as exc:
            unreadable = True
            results.append({"path": str(path), "error": exc.message})
            sys.stderr.write(exc.message + "\n")
    if fmt == "json":
        _dump([{k: v for k, v in r.items() if k != "record"} for r in results])
    else:
        print_check(results)
    errors = any(f["severity"] == "error" for r in results for f in r.get("findings", []))
    raise typer.Exit(2 if unreadable else 1 if errors else 0)


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="报告文件")],
    cell_key: Annotated[str, typer.Argument(help="单元格键，如 requests.total.total")],
    fmt: FormatOpt = "text",
) -> None:
    """说明某个单元格的值从何而来：位置、原文、考虑过的读法。"""
    from xxgk.api import parse_extraction
    from xxgk.cli.output import print_explain
    from xxgk.explain import UnknownCellError, explain_cell

    try:
        info = explain_cell(parse_extraction(file), cell_key)
    except XxgkError as exc:
        _fail(exc)
        return
    except UnknownCellError:
        sys.stderr.write(f"模板中没有单元格“{cell_key}”（示例：requests.total.total）。\n")
        raise typer.Exit(1) from None
    if fmt == "json":
        _dump(info)
    else:
        print_explain(info)


@app.command()
def render(
    record_file: Annotated[Path, typer.Argument(help="标准记录 JSON 文件（xxgk parse 的输出）")],
    to: Annotated[str, typer.Option("--to", help="docx、html、md 或 pdf")] = "docx",
    out: Annotated[Path, typer.Option("-o", "--out", help="输出文件")] = Path("report.docx"),
) -> None:
    """按国家年报格式把标准记录生成为报告文档。"""
    from xxgk.render import FORMATS
    from xxgk.render import render as render_record

    if to not in FORMATS:
        sys.stderr.write(f"不支持的格式“{to}”，可选：{'、'.join(FORMATS)}。\n")
        raise typer.Exit(2)
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            raise ValueError("not an object")
    except (OSError, UnicodeDecodeError, ValueError):
        sys.stderr.write(f"无法读取记录文件 {record_file}：不是有效的 JSON 记录。\n")
        raise typer.Exit(2) from None
    try:
        render_record(record, to, out)
    except XxgkError as exc:
        _fail(exc)


def main() -> None:
    app()


from xxgk.cli import analysis as _analysis  # noqa: E402,F401
from xxgk.cli import corpus as _corpus  # noqa: E402,F401
from xxgk.cli import serve as _serve  # noqa: E402,F401
