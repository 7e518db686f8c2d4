"""`xxgk serve`: the web app over a corpus (loopback by default; elsewhere only with XXGK_TOKEN).

Registered on the main typer app by an import at the bottom of app.py (this module imports `app` from
there, so app.py must not import it at its top).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from xxgk.cli.app import app
from xxgk.errors import XxgkError


@app.command()
def serve(
    db: Annotated[
        str, typer.Option("--db", help="语料库：DuckDB 文件路径，或 postgresql://… 地址（使用 PostgreSQL）")
    ] = "./xxgk.duckdb",
    host: Annotated[
        str, typer.Option("--host", help="监听地址；非本机回环地址时必须设置 XXGK_TOKEN")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="解析上传文件的进程数（0 表示用线程）")] = 0,
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", help="单次上传大小上限（MB）")] = 100,
) -> None:
    """启动网页应用（上传、报告、语料库、机关、总览、对比、填报）与 API。"""
    import uvicorn

    from xxgk.web.app import create_app
    from xxgk.web.security import InsecureBindError

    token = os.environ.get("XXGK_TOKEN")
    try:
        web = create_app(
            db,
            token,
            host=host,
            max_upload_bytes=max_upload_mb * 1024 * 1024,
            parse_workers=workers or 2,
            parse_processes=workers > 0,
            test_mode=os.environ.get("XXGK_TEST_MODE") == "1",
        )
    except InsecureBindError as exc:
        sys.stderr.write(f"{exc}\n")
        raise typer.Exit(2) from None
    except XxgkError as exc:
        sys.stderr.write(exc.message + "\n")
        raise typer.Exit(2) from None
    shown = f"[{host}]" if ":" in host else host
    sys.stderr.write(f"xxgk 网页应用：http://{shown}:{port}/ （语料库 {db}；按 Ctrl+C 停止）\n")
    uvicorn.run(web, host=host, port=port, log_level="warning")
