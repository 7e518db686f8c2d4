"""Find where each statistics table and each section sits in the unit sequence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from xxgk.extract.template import Template
from xxgk.extract.units import SECTION_ORDER, Unit

TABLE_SECTION: Final = {"proactive": "proactive", "requests": "requests", "appeals": "appeals"}


@dataclass(slots=True)
class Region:
    start: int
    end: int  # exclusive


def _first(units: list[Unit], start: int, markers: tuple[str, ...]) -> int | None:
    for i in range(start, len(units)):
        if any(m in units[i].norm for m in markers):
            return i
    return None


def locate_tables(units: list[Unit], template: Template) -> dict[str, Region]:
    """Each table runs from its first start marker to the next table or the next later section."""
    starts: dict[str, int] = {}
    cursor = 0
    for table in template.tables:
        i = _first(units, cursor, table.start)
        if i is not None:
            starts[table.key] = i
            cursor = i
    regions: dict[str, Region] = {}
    keys = [t.key for t in template.tables if t.key in starts]
    for n, key in enumerate(keys):
        start = starts[key]
        end = starts[keys[n + 1]] if n + 1 < len(keys) else len(units)
        order = SECTION_ORDER[TABLE_SECTION[key]]
        for j in range(start + 1, end):
            sec = units[j].section
            if sec is not None and SECTION_ORDER[sec] > order:
                end = j
                break
        regions[key] = Region(start, end)
    return regions


def locate_sections(units: list[Unit]) -> list[tuple[str, int]]:
    """(section key, unit index) of each heading, keeping the first of each key in document order."""
    seen: set[str] = set()
    out: list[tuple[str, int]] = []
    for i, unit in enumerate(units):
        if unit.section and unit.section not in seen:
            seen.add(unit.section)
            out.append((unit.section, i))
    return out
