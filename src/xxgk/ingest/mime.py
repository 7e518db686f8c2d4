"""Web pages packed in MIME archives: MHTML files (a browser's "网页，单个文件", .mht/.mhtml) and the
alternative-format chunks of a DOCX (w:altChunk, what "export to Word" tools write: the report is an
HTML page or an MHT archive inside the package, document.xml only a reference to it).

The archive's HTML page is read by the HTML reader; its pictures come from the archive's own parts
(by Content-Location), so tables pasted as pictures are read as those of a page saved with its folder.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
from typing import Final
from urllib.parse import urljoin

from xxgk.errors import UnreadableError
from xxgk.model import Document

_HTML_START: Final = (b"<!doctype", b"<html", b"<?xml", b"<body", b"<div", b"<p", b"<table", b"<meta")
MAX_MHTML_BYTES: Final = 100 * 1024 * 1024  # a page saved with its pictures; parsing takes a few times this


def is_mhtml(data: bytes) -> bool:
    head = data[:4096].lower()
    return b"mime-version:" in head and b"multipart/related" in head


def _archive(data: bytes) -> tuple[bytes, str, dict[str, bytes]] | None:
    """(the first HTML page, its Content-Location, every other part by Content-Location); the page's
    charset, named in its MIME header, is put in a meta element for the HTML reader."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    page: tuple[bytes, str] | None = None
    parts: dict[str, bytes] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        location = (part.get("Content-Location") or "").strip()
        if page is None and part.get_content_type() == "text/html":
            charset = part.get_content_charset()
            meta = f'<meta charset="{charset}">'.encode("ascii", "ignore") if charset else b""
            page = (meta + payload, location)
        elif location:
            parts[location] = payload
    return None if page is None else (page[0], page[1], parts)


def chunk_html(data: bytes) -> bytes | None:
    """An altChunk's HTML: the part itself, or the page of an MHT archive. None for chunks of other
    kinds (RTF, plain text, DOCX)."""
    head = data[:1024].lstrip().lower()
    if head.startswith(_HTML_START):
        return data
    if b"mime-version" not in head and b"content-type" not in head:
        return None
    found = _archive(data)
    return found[0] if found is not None else None


def read_mhtml(data: bytes, path: str) -> Document:
    """An MHTML page: read as the web page it holds (format html), its pictures from the archive."""
    from xxgk.ingest.html import read_page
    from xxgk.ingest.linked import picture_bytes

    if len(data) > MAX_MHTML_BYTES:
        raise UnreadableError(
            path, f"网页存档过大（{len(data) // 1024 // 1024} MB，上限 {MAX_MHTML_BYTES // 1024 // 1024} MB）"
        )
    found = _archive(data)
    if found is None:
        raise UnreadableError(path, "MHTML 网页存档中没有网页内容")
    html, base, parts = found

    def fetch(src: str | None) -> bytes | None:
        if not src:
            return None
        if src.startswith("data:"):
            return picture_bytes(src, None)
        return parts.get(urljoin(base, src)) or parts.get(src)

    doc = read_page(html, path, fetch)
    doc.source.sha256 = hashlib.sha256(data).hexdigest()
    return doc
