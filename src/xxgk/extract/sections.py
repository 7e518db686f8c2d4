"""The six sections as {title, text}: from their headings, in document order."""

from __future__ import annotations

import re
from typing import Final

from xxgk.extract.locate import locate_sections
from xxgk.extract.units import Unit

_MD: Final = re.compile(r"^[#>\s]+|\*\*")


def _unmarked(text: str) -> str:
    """Without markdown heading/quote marks and emphasis (checked first: most text has none)."""
    if "#" in text or ">" in text or "**" in text or text[:1].isspace():
        return _MD.sub("", text)
    return text


def extract_sections(units: list[Unit]) -> tuple[dict[str, dict[str, str]], dict[str, int | None]]:
    """(sections, heading line of each) — a section runs to the next recognised heading."""
    heads = locate_sections(units)
    sections: dict[str, dict[str, str]] = {}
    lines: dict[str, int | None] = {}
    for n, (key, i) in enumerate(heads):
        end = heads[n + 1][1] if n + 1 < len(heads) else len(units)
        head = units[i]
        first = head.text[len(head.heading) :] if head.text.startswith(head.heading) else ""
        rest = _unmarked(first).strip(" *#：:")
        body = [rest] if rest else []
        body += [_unmarked(u.text).strip() for u in units[i + 1 : end] if u.kind == "text"]
        sections[key] = {"title": _unmarked(head.heading).strip(), "text": "\n".join(b for b in body if b)}
        lines[key] = head.prov.line
    return sections, lines
