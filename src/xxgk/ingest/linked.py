"""Pictures a web page or a markdown conversion links to, OCR'd where the tables are in them.

Government pages often carry the statistics tables as pictures. A page saved with its pictures (a
browser's "网页，全部" puts them in a `页面名_files/` folder beside it; wget mirrors keep the site's
paths) has them locally; `data:` pictures travel inside the page. Nothing is ever fetched: a picture
on a web server is reported as not here, so the audit can say why a table is missing.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit

MAX_PICTURE_BYTES: Final = 20 * 1024 * 1024
PictureReader = Callable[[str | None], list[tuple[str, float]]]


Fetch = Callable[[str | None], bytes | None]  # a link → the picture's bytes, None when not here


def in_folder(folder: Path | None) -> Fetch:
    """Links resolved in a page's folder (`picture_bytes`)."""
    return lambda src: picture_bytes(src, folder)


def picture_reader(
    text: str, srcs: Iterable[str | None], fetch: Fetch, meta: dict[str, str]
) -> PictureReader | None:
    """OCR for a document's linked pictures where its text lacks a statistics table and `fetch` finds
    them here; None when nothing is to be read. For the audit to say why tables are missing:
    `meta["remote_pictures"]`, how many are not here (only their address was saved);
    `meta["pictures"]`, how many went unread without the OCR extra."""
    from xxgk.ingest.ocr import ocr_available, picture_lines, tables_in_text

    if tables_in_text(text):
        return None
    local = {src: fetch(src) for src in srcs}
    here = sum(1 for data in local.values() if data is not None)
    if here < len(local):
        meta["remote_pictures"] = str(len(local) - here)
    if not here:
        return None
    if not ocr_available():
        meta["pictures"] = str(here)
        return None

    def read(src: str | None) -> list[tuple[str, float]]:
        data = local.get(src)
        return picture_lines(data) if data is not None else []

    return read


def page_folder(path: str) -> Path | None:
    """The folder a page's relative links start from, when the page is a file on this machine."""
    try:
        p = Path(path)
        return p.resolve().parent if p.is_file() else None
    except (OSError, ValueError):  # a name that is no path (an upload's name, "<bytes>")
        return None


def picture_bytes(src: str | None, folder: Path | None) -> bytes | None:
    """The picture `src` points to, or None when it is not on this machine (a web address, a file
    outside the page's site, a broken link). Links never leave the page's folder — or, in a mirror of
    the site (wget, HTTrack), the site's folder, against which a link from the site's root (/u/cms/…)
    resolves too: a page is data, and must not make us read arbitrary files."""
    src = (src or "").strip()
    if src.startswith("data:"):
        return _data_uri(src)
    parts = urlsplit(src)
    if not src or parts.scheme or parts.netloc or folder is None:
        return None
    root, link = site_folder(folder), unquote(parts.path)
    try:
        target = ((root / link.lstrip("/")) if link.startswith("/") else (folder / link)).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return None
        if target.stat().st_size > MAX_PICTURE_BYTES:
            return None
        return target.read_bytes()
    except (OSError, ValueError):
        return None


_HOST: Final = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?$", re.I)


def site_folder(folder: Path) -> Path:
    """The folder of the site mirror holding the page — mirrors name it after the host
    (www.example.gov.cn/art/2024/…) — else the page's own folder."""
    return next((p for p in (folder, *folder.parents) if _HOST.match(p.name)), folder)


def _data_uri(src: str) -> bytes | None:
    header, _, payload = src.partition(",")
    if ";base64" not in header or len(payload) > MAX_PICTURE_BYTES * 4 // 3 + 4:
        return None
    try:
        return base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError):
        return None
