"""Uploaded bytes → the corpus: content sniffing, archives, parsing in the pool, one writer.

The pieces are those of bulk ingest (`xxgk.bulk`): `parse_one` (never raises; a bad file becomes a Chinese
reason), `read_archive` (zip-bomb limits, GBK member names), `put_reports` (idempotent on sha256) and the
cross-year pass. They are driven per file here instead of through `ingest_uploads`, because the web app
needs (a) parsing to run in parallel *outside* the single store thread, so fifty uploads do not queue their
parsing behind each other's writes, and (b) every file's own outcome with its report id, including files
the corpus already had, to link each progress row to its report page.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import zipfile
from concurrent.futures import BrokenExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from xxgk.bulk import Failure, ZipLimits, parse_one
from xxgk.bulk.discover import read_archive
from xxgk.ingest.zipped import is_document, is_odt, zip_kind
from xxgk.store import NewReport, Store
from xxgk.web.errors import WebError
from xxgk.web.state import WebState

IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"RIFF")
BINARY_MAGIC = (b"\x7fELF", b"MZ", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf", b"BZh", b"\xfd7zXZ")


@dataclass
class FileOutcome:
    """What became of one uploaded file (or archive member); `reason` is Chinese when it failed."""

    name: str
    status: str  # stored | unchanged | failed | rejected
    reason: str = ""
    report_id: int | None = None
    agency: str = ""
    year: int | None = None
    template: str = ""
    errors: int = 0
    warnings: int = 0
    http_status: int = 200  # what a rejection alone would answer (400 name, 413 size, 415 type, 422 parse)
    code: str = ""  # stable error code for programs: bad_name, too_large, unsupported_type, not_a_report …

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["url"] = f"/reports/{self.report_id}" if self.report_id else None
        return out


def sniff(data: bytes, name: str) -> str:
    """The file's kind from its bytes (never its extension): pdf, docx, zip, doc, html or text.

    Refuses (WebError 415) what cannot be a report: empty files, images, executables and compressed
    formats other than zip, and binary data that is no known document format.
    """
    head = data[:4096]
    if not data.strip():
        raise WebError(415, f"文件 {name} 是空文件。", "empty_file")
    if b"%PDF" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _is_one_document(data) else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if data.startswith(IMAGE_MAGIC):
        raise WebError(
            415, f"文件 {name} 是图片，请上传 PDF、Word、HTML 或文本格式的报告。", "unsupported_type"
        )
    if data.startswith(BINARY_MAGIC):
        raise WebError(
            415, f"文件 {name} 是程序或压缩文件，不是报告（压缩包请使用 zip 格式）。", "unsupported_type"
        )
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise WebError(415, f"文件 {name} 是无法识别的二进制文件，不是报告。", "unsupported_type")
    lowered = head.lstrip().lower()
    return "html" if lowered.startswith((b"<!doctype html", b"<html")) else "text"


def _is_one_document(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        return False
    return is_odt(data) or is_document(zip_kind(names))


def expand_zip(name: str, data: bytes, limits: ZipLimits) -> list[tuple[str, bytes] | FileOutcome]:
    """The archive's members as (name!member, bytes), or a refusal; limits checked before unpacking."""
    with tempfile.TemporaryDirectory(prefix="xxgk-upload-") as tmp:
        path = Path(tmp) / "upload.zip"
        path.write_bytes(data)
        prefix = f"{path}!"
        out: list[tuple[str, bytes] | FileOutcome] = []
        for item in read_archive(path, limits):
            if isinstance(item, Failure):
                reason = item.reason.replace(str(path), name)
                out.append(
                    FileOutcome(
                        item.source.replace(str(path), name),
                        "failed",
                        reason,
                        http_status=422,
                        code="bad_archive",
                    )
                )
            else:
                out.append((f"{name}!{item.name.removeprefix(prefix)}", item.read()))
        return out


def parse_upload(name: str, data: bytes, version: str, timeout: float | None) -> Any:
    """Runs in the parsing pool (top-level, so a process pool can pickle it); the outcome carries the
    source text the store keeps for finding excerpts."""
    return parse_one(name, data, version, timeout)


def store_report(store: Store, report: NewReport) -> tuple[str, int]:
    """Runs on the store thread: insert (or replace) the report; `unchanged` when this parser version
    already stored these bytes. Cross-year findings are refreshed for new reports."""
    unchanged = store.stored_versions([report.sha256]).get(report.sha256) == report.parser_version
    report_id = store.put_reports([report])[0]  # idempotent upsert: also how an unchanged file finds its id
    if not unchanged:
        try:
            from xxgk.corpus.crossyear import apply_cross_year
        except ImportError:
            pass
        else:
            apply_cross_year(store, [report_id])
    return ("unchanged" if unchanged else "stored"), report_id


async def ingest_file(state: WebState, name: str, data: bytes) -> FileOutcome:
    """Parse one file in the pool, then store it through the single writer."""
    import xxgk

    settings = state.settings
    loop = asyncio.get_running_loop()
    job = loop.run_in_executor(
        state.parser, parse_upload, name, data, xxgk.PARSER_VERSION, settings.parse_timeout
    )
    try:
        outcome = await asyncio.wait_for(job, settings.parse_timeout + 5)
    except TimeoutError:
        return FileOutcome(name, "failed", f"处理文件 {name} 超时，已跳过。", http_status=422, code="timeout")
    except BrokenExecutor:  # a parsing process died (out of memory, a crash in C code): start a fresh pool
        state.restart_parser()
        reason = f"解析文件 {name} 的进程意外退出，文件未入库，请重试。"
        return FileOutcome(name, "failed", reason, http_status=503, code="worker_crashed")
    if isinstance(outcome, Failure):
        code = "not_a_report" if "不是政府信息公开工作年度报告" in outcome.reason else "unreadable"
        return FileOutcome(name, "failed", outcome.reason, http_status=422, code=code)
    status, report_id = await state.store.write(store_report, outcome)
    findings = outcome.record.get("findings") or []
    return FileOutcome(
        name,
        status,
        report_id=report_id,
        agency=outcome.agency,
        year=outcome.year,
        template=outcome.template,
        errors=sum(f.get("severity") == "error" for f in findings),
        warnings=sum(f.get("severity") == "warning" for f in findings),
    )


async def ingest_upload(state: WebState, name: str, data: bytes) -> list[FileOutcome]:
    """One uploaded file: refused, or ingested (a zip archive: each member)."""
    try:
        kind = sniff(data, name)
    except WebError as exc:
        return [FileOutcome(name, "rejected", exc.message, http_status=exc.status_code, code=exc.code)]
    if kind != "zip":
        return [await ingest_file(state, name, data)]
    limit = state.settings.max_upload_bytes  # a web server keeps archives in memory: tighter than the CLI
    limits = ZipLimits(max_member_bytes=limit, max_total_bytes=4 * limit)
    members = await asyncio.to_thread(expand_zip, name, data, limits)
    if not members:
        return [
            FileOutcome(name, "failed", f"压缩包 {name} 中没有文件。", http_status=422, code="empty_archive")
        ]
    parsed = iter(
        await asyncio.gather(*(ingest_file(state, *m) for m in members if not isinstance(m, FileOutcome)))
    )
    return [m if isinstance(m, FileOutcome) else next(parsed) for m in members]
