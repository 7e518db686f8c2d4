"""上传: one or many files (drag and drop, folders, zip archives), each ingested into the corpus.

The page's script sends one request per file so that each gets its own progress bar; a form post
without script sends them all at once. Either way every file gets its own outcome.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Request, UploadFile
from starlette.responses import Response

from xxgk.web.context import PAGE_RESPONSES, Page, respond
from xxgk.web.errors import WebError
from xxgk.web.routes import page_router, state_of
from xxgk.web.security import safe_upload_name
from xxgk.web.uploads import FileOutcome, ingest_upload

router = page_router("上传")
ACCEPT = ".pdf,.docx,.doc,.wps,.html,.htm,.txt,.md,.zip"


@router.get("/upload", responses=PAGE_RESPONSES, summary="上传页面")
async def upload_page(request: Request) -> Response:
    limit = state_of(request).settings.max_upload_bytes
    data = {"max_upload_bytes": limit, "max_upload_mb": max(1, limit // (1024 * 1024)), "accept": ACCEPT}
    return respond(request, Page("upload.html.j2", "上传报告", data))


@router.post("/upload", responses=PAGE_RESPONSES, summary="上传并入库一个或多个报告文件（可为 zip）")
async def upload(
    request: Request, files: Annotated[list[UploadFile], File(description="报告文件")]
) -> Response:
    """Each file is sniffed, parsed and stored; the answer lists every file's outcome.

    200 when at least one file was stored (or was already in the corpus); otherwise the status of the
    first problem (400 bad name, 413 too large, 415 not a document, 422 not a report) in the error shape.
    """
    state = state_of(request)
    outcomes: list[FileOutcome] = []
    for upload in files:
        outcomes += await _one(state, upload)
    data = _summary(outcomes)
    if not (data["stored"] or data["unchanged"]):
        first = next((o for o in outcomes if o.http_status >= 400), None)
        status = first.http_status if first else 400
        message = first.reason if first else "没有收到文件。"
        raise WebError(status, message, first.code if first else "no_file", details=data["files"])
    return respond(request, Page("upload_result.html.j2", "上传结果", data))


async def _one(state: Any, upload: UploadFile) -> list[FileOutcome]:
    try:
        name = safe_upload_name(upload.filename)
    except WebError as exc:
        return [
            FileOutcome(
                upload.filename or "", "rejected", exc.message, http_status=exc.status_code, code=exc.code
            )
        ]
    limit = state.settings.max_upload_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        reason = f"文件 {name} 超过大小上限（{limit // (1024 * 1024) or 1} MB），已拒绝。"
        return [FileOutcome(name, "rejected", reason, http_status=413, code="too_large")]
    return await ingest_upload(state, name, data)


def _summary(outcomes: list[FileOutcome]) -> dict[str, Any]:
    counts = {s: sum(o.status == s for o in outcomes) for s in ("stored", "unchanged", "failed", "rejected")}
    return {**counts, "total": len(outcomes), "files": [o.as_dict() for o in outcomes]}
