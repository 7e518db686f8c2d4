"""The six sections as {title, text}: from their headings, in document order."""

from __future__ import annotations

import re

from xxgk.extract.locate import locate_sections
from xxgk.extract.units import Unit

_MD = re.compile(r"^[#>\s]+|\*\*")


def extract_sections(units: list[Unit]) -> tuple[dict[str, dict[str, str]], dict[str, int | None]]:
    """(sections, heading line of each) — a section runs to the next recognised heading."""
    heads = locate_sections(units)
    sections: dict[str, dict[str, str]] = {}
    lines: dict[str, int | None] = {}
    for n, (key, i) in enumerate(heads):
        end = heads[n + 1][1] if n + 1 < len(heads) else len(units)
        head = units[i]
        first = head.text[len(head.heading) :] if head.text.startswith(head.heading) else ""
        rest = _MD.sub("", first).strip(" *#：:")
        body = [rest] if rest else []
        body += [_MD.sub("", u.text).strip() for u in units[i + 1 : end] if u.kind == "text"]
        sections[key] = {"title": _MD.sub("", head.heading).strip(), "text": "\n".join(b for b in body if b)}
        lines[key] = head.prov.line
    return sections, lines
