"""`xxgk ingest`: many report files into the corpus store, with a progress bar and a summary.

A thin layer over `xxgk.bulk.ingest`; registered on the main typer app by an import at the bottom of
app.py (this module imports `app` from there, so it must not be imported by app.py's top).
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from xxgk.cli.app import app
from xxgk.errors import XxgkError

if TYPE_CHECKING:  # importing xxgk.bulk at start-up would slow every other command
    from xxgk.bulk.model import IngestProgress, IngestSummary

DbOpt = Annotated[
    str, typer.Option("--db", help="语料库：DuckDB 文件路径，或 postgresql://… 地址（使用 PostgreSQL）")
]


@app.command()
def ingest(
    paths: Annotated[
        list[str], typer.Argument(help="报告文件、文件夹、通配符（如 'reports/**/*.pdf'）或 .zip 压缩包")
    ],
    db: DbOpt = "./xxgk.duckdb",
    workers: Annotated[
        int | None, typer.Option("--workers", help="解析进程数（默认等于 CPU 核数；0 表示在本进程内解析）")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask 调度器地址（如 tcp://10.0.0.5:8786），在集群上解析"),
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", help="每个事务写入的报告数")] = 200,
    timeout: Annotated[float, typer.Option("--timeout", help="单个文件的解析时限（秒）")] = 120.0,
    fmt: Annotated[str, typer.Option("--format", "-f", help="摘要格式：text 或 json")] = "text",
) -> None:
    """批量入库：解析文件并存入语料库；未变化的文件跳过。有文件失败时退出码为 1。"""
    from xxgk.bulk import ingest as run_ingest
    from xxgk.store import open_store

    err = Console(stderr=True, soft_wrap=True)
    try:
        store = open_store(db)
    except XxgkError as exc:
        err.print(escape(exc.message))
        raise typer.Exit(2) from None
    try:
        with _ProgressBar(err) as bar:
            summary = run_ingest(
                paths, store, workers, scheduler, bar.update, batch_size=batch_size, timeout=timeout
            )
    except XxgkError as exc:
        err.print(escape(exc.message))
        raise typer.Exit(2) from None
    finally:
        store.close()
    if fmt == "json":
        sys.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        print_summary(summary, db)
    raise typer.Exit(0 if summary.ok else 1)


class _ProgressBar:
    """rich progress bar on stderr (stdout stays clean for the summary), fed by IngestProgress."""

    def __init__(self, console: Console) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("入库"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(
                "新入库 {task.fields[stored]} · 未变 {task.fields[unchanged]} · 失败 {task.fields[failed]}"
            ),
            TextColumn("{task.fields[rate]:.1f} 份/秒"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.task = self.progress.add_task("ingest", total=None, stored=0, unchanged=0, failed=0, rate=0.0)

    def __enter__(self) -> _ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, p: IngestProgress) -> None:
        self.progress.update(
            self.task,
            total=p.total,
            completed=p.done,
            stored=p.stored,
            unchanged=p.unchanged + p.duplicate,
            failed=p.failed,
            rate=p.rate,
        )


def print_summary(summary: IngestSummary, db: str) -> None:
    """Per-file failures with their Chinese reasons, then one line of counts."""
    out = Console(highlight=False, soft_wrap=True)
    if summary.failures:
        out.print(f"[bold red]失败 {summary.failed} 个文件：[/]")
        for failure in summary.failures:
            out.print(f"  [red]✗[/] {escape(failure.reason)}")
    dup = f"，内容重复 {summary.duplicate}" if summary.duplicate else ""
    out.print(
        f"共 {summary.total} 个文件：新入库 {summary.stored}，未变化跳过 {summary.unchanged}{dup}，"
        f"失败 {summary.failed}；用时 {summary.elapsed:.1f} 秒（{summary.rate:.1f} 份/秒）；语料库 {escape(db)}。"
    )
