"""Types every renderer shares: what it prints, and what a reader can see of each table row."""

from __future__ import annotations

from dataclasses import dataclass, field

# How a row's values can be read back from what was printed (see PrintedRow):
CELLS = "cells"  # grid cells after the label: the values are a run of consecutive cells, the rest is padding
DIGITS = "digits"  # number tokens whose digits may run together: split them into the row's cells
PLACED = "placed"  # values set under their column headers: each printed value's column is visible


@dataclass(frozen=True, slots=True)
class PrintedRow:
    """What a reader sees where one table row's values are printed.

    Property tests enumerate the readings a careful reader could take from `tokens` (without the
    extractor's code) to decide which cells a document leaves genuinely ambiguous.
    """

    table: str
    key: str
    cell_keys: tuple[str, ...]
    mode: str
    tokens: tuple[str, ...]


@dataclass(slots=True)
class Rendering:
    text: str
    layout: str
    rows: list[PrintedRow] = field(default_factory=list)
