"""Record → Markdown. Pipe tables cannot merge cells, so spanned positions are printed empty."""

from __future__ import annotations

from typing import Any

from xxgk.render.document import override_note, parts, preamble, title
from xxgk.render.layout import Grid, dense


def _table(grid: Grid) -> list[str]:
    rows = dense(grid)
    width = len(rows[0])
    lines = []
    for n, row in enumerate(rows):
        cells = ["" if c is None else c.text.replace("|", "｜") for c in row]
        lines.append("| " + " | ".join(cells) + " |")
        if n == 0:
            lines.append("|" + "---|" * width)
    return lines


def render_markdown(record: dict[str, Any]) -> str:
    out = [f"# {title(record)}", ""]
    note = override_note(record)
    if note:
        out += [f"**{note}**", ""]
    out += [preamble(record), ""]
    for part in parts(record):
        out += [f"## {part.heading}", ""]
        out += [p + "\n" for p in part.paragraphs]
        if part.grid:
            out += [*_table(part.grid), ""]
    return "\n".join(out) + "\n"
