"""The source text around a finding's location, shown beside the tables when a finding is clicked.

Source text comes from the store (`Store.source_text(id)`: the text findings point into, line N being
`location.line` N; a PDF's lines are numbered through the whole document). Pages may also be separated by
form feeds, which start a new page but not a new line. Without stored text (reports ingested before the
store kept it), the page says so instead of showing nothing.
"""

from __future__ import annotations

from typing import Any

CONTEXT_LINES = 3
PAGE_LINES = 24  # a page without a usable line number: its first lines, enough to recognise it


def stored_source_text(store: Any, report_id: int) -> str | None:
    """The report's source text, or None when absent (or the store is older than source texts)."""
    read = getattr(store, "source_text", None)
    text = read(report_id) if callable(read) else None
    return text if isinstance(text, str) and text else None


def numbered_lines(text: str) -> list[tuple[int, int, str]]:
    """(line number, page number, text) for every line; pages are separated by form feeds."""
    out: list[tuple[int, int, str]] = []
    page = 1
    for n, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        page += line.count("\f")
        out.append((n, page, line.replace("\f", "")))
    return out


def excerpt(text: str | None, location: dict[str, Any] | None, context: int = CONTEXT_LINES) -> dict | None:
    """`{"where", "lines": [{"no", "text", "focus"}]}` around location.line (kept within location.page
    when the text has pages); None when there is no text or the location points nowhere in it."""
    if not text or not location:
        return None
    line, page = location.get("line"), location.get("page")
    lines = numbered_lines(text)
    paged = isinstance(page, int) and "\f" in text
    if paged:
        lines = [item for item in lines if item[1] == page]
    numbers = {n for n, _, _ in lines}
    if isinstance(line, int) and line in numbers:
        window = [item for item in lines if abs(item[0] - line) <= context]
    elif paged:
        window, line = lines[:PAGE_LINES], None
    else:
        return None
    if not window:
        return None
    indent = min((len(t) - len(t.lstrip()) for _, _, t in window if t.strip()), default=0)
    window = [(n, p, t[indent:]) for n, p, t in window]  # layout text (PDF) is deeply indented
    where = "，".join(w for w in (f"第 {page} 页" if paged else "", f"第 {line} 行" if line else "") if w)
    return {"where": where, "lines": [{"no": n, "text": t, "focus": n == line} for n, _, t in window]}
