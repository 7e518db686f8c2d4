"""Bytes → Document. The reader is chosen by sniffing the content, never by the file extension."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xxgk.errors import UnreadableError
from xxgk.ingest.decode import ascii_head, decode_text
from xxgk.ingest.mime import is_mhtml
from xxgk.ingest.office import is_rtf
from xxgk.ingest.text import text_to_document
from xxgk.ingest.zipped import is_odt
from xxgk.model import Document, Source

MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Reader:
    name: str
    sniff: Callable[[bytes], bool]
    read: Callable[[bytes, str], Document]


def _unsupported(kind: str) -> Callable[[bytes, str], Document]:
    def read(data: bytes, path: str) -> Document:
        raise UnreadableError(path, f"这是 {kind} 文件，本版本尚不能读取该格式")

    return read


def _read_text(data: bytes, path: str) -> Document:
    text = decode_text(data, path)
    fmt = "md" if path.lower().endswith((".md", ".markdown")) else "txt"
    return text_to_document(text, Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format=fmt))


def _is_html(data: bytes) -> bool:
    head = ascii_head(data).lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head[:512]


def _read_pdf(data: bytes, path: str) -> Document:
    from xxgk.ingest.pdf import read_pdf

    return read_pdf(data, path)


def _read_zip(data: bytes, path: str) -> Document:
    """DOCX, or an OpenDocument text through LibreOffice; other containers are refused by name."""
    from xxgk.ingest.docx import read_docx

    return _read_office(data, path) if is_odt(data) else read_docx(data, path)


def _read_html(data: bytes, path: str) -> Document:
    from xxgk.ingest.html import read_html

    return read_html(data, path)


def _read_mhtml(data: bytes, path: str) -> Document:
    from xxgk.ingest.mime import read_mhtml

    return read_mhtml(data, path)


def _read_office(data: bytes, path: str) -> Document:
    from xxgk.ingest.office import read_office

    return read_office(data, path)


READERS: list[Reader] = [
    Reader("pdf", lambda d: b"%PDF" in d[:1024], _read_pdf),
    Reader("zip", lambda d: d.startswith(b"PK\x03\x04"), _read_zip),
    Reader("doc", lambda d: d.startswith(b"\xd0\xcf\x11\xe0"), _read_office),
    Reader("rtf", is_rtf, _read_office),
    Reader("mhtml", is_mhtml, _read_mhtml),
    Reader("html", _is_html, _read_html),
    Reader(
        "image",
        lambda d: d.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")),
        _unsupported("图片"),
    ),
    Reader("text", lambda d: True, _read_text),
]


def read_bytes(data: bytes, path: str = "<bytes>") -> Document:
    if len(data) > MAX_BYTES:
        raise UnreadableError(
            path, f"文件过大（{len(data) // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB）"
        )
    for reader in READERS:
        if reader.sniff(data):
            return reader.read(data, path)
    raise UnreadableError(path, "无法识别文件格式")  # pragma: no cover - text accepts everything


def read_path(path: str | Path) -> Document:
    """Read a file into the document model, or raise UnreadableError naming it."""
    p = Path(path)
    try:
        if p.is_dir():
            raise UnreadableError(str(path), "这是一个目录，不是文件")
        if p.stat().st_size > MAX_BYTES:
            raise UnreadableError(str(path), "文件过大")
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise UnreadableError(str(path), "文件不存在") from exc
    except PermissionError as exc:
        raise UnreadableError(str(path), "没有读取权限") from exc
    except IsADirectoryError as exc:
        raise UnreadableError(str(path), "这是一个目录，不是文件") from exc
    return read_bytes(data, str(path))


def read_string(text: str, name: str = "<text>") -> Document:
    """Text you already hold (e.g. a web page's text version) → document model."""
    data = text.encode("utf-8")
    return text_to_document(text, Source(path=name, sha256=hashlib.sha256(data).hexdigest(), format="txt"))


__all__ = ["READERS", "Reader", "read_bytes", "read_path", "read_string"]
