"""Render a record as the text of a report, in one of the layouts found in the wild.

    render(record, layout, rng, distortions) -> Rendering(text, layout, rows)
    render_text(...) -> str

`rows` says what a reader sees of each table row (base.PrintedRow), so tests can work out which
cells a rendering leaves genuinely ambiguous without asking the parser. Blank cells are whatever the
record holds as null (see record.blank_zeros); a layout that cannot show a blank (webtext) simply
prints nothing there.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from xxgk.generate.base import PrintedRow, Rendering
from xxgk.generate.grid import grid_tables, serialise
from xxgk.generate.model import Style
from xxgk.generate.pdflayout import render_layout
from xxgk.generate.prose import preamble, title_lines
from xxgk.generate.webtext import render_webtext

LAYOUTS = ("tab", "cell_per_line", "markdown", "webtext", "layout")
DISTORTIONS: dict[str, frozenset[str]] = {
    "tab": frozenset({"merge", "page_break", "split_group", "wrap", "footer", "thousands", "zeros"}),
    "cell_per_line": frozenset({"thousands", "zeros"}),
    "markdown": frozenset({"merge", "drift", "thousands", "zeros"}),
    "webtext": frozenset({"spaced_appeals", "unit", "glued", "thousands", "zeros"}),
    "layout": frozenset({"wrap", "footer", "valign", "indent", "spread", "thousands", "zeros"}),
}
TABLE_SECTIONS = ("proactive", "requests", "appeals")


def _line_document(
    record: dict[str, Any], layout: str, rng: random.Random, dist: frozenset[str]
) -> Rendering:
    """tab, cell_per_line, markdown: prose lines, section headings, tables as grids."""
    style = Style.random(rng, "thousands" in dist, "zeros" in dist)
    tables = grid_tables(record, style, rng, layout, dist)
    mark = {"markdown": ("# ", "## "), "tab": rng.choice((("", ""), ("## ", "### ")))}.get(layout, ("", ""))
    lines = [mark[0] + t for t in title_lines(record, rng)] + ["", preamble(record, rng), ""]
    rows: list[PrintedRow] = []
    for key, section in record["sections"].items():
        lines += [mark[1] + section["title"], ""]
        lines += [p for p in section["text"].split("\n") if p] + [""]
        if key in TABLE_SECTIONS:
            grid, printed = tables[key]
            lines += [*serialise(grid, layout), ""]
            rows += printed
    return Rendering("\n".join(lines) + "\n", layout, rows)


def render(
    record: dict[str, Any], layout: str, rng: random.Random, distortions: Iterable[str] | None = None
) -> Rendering:
    """The record as report text in `layout`; `distortions` defaults to every one the layout knows."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    dist = DISTORTIONS[layout] if distortions is None else frozenset(distortions) & DISTORTIONS[layout]
    if layout == "webtext":
        return render_webtext(record, rng, dist)
    if layout == "layout":
        return render_layout(record, rng, dist)
    return _line_document(record, layout, rng, dist)


def render_text(
    record: dict[str, Any], layout: str, rng: random.Random, distortions: Iterable[str] | None = None
) -> str:
    return render(record, layout, rng, distortions).text
