"""Zeros printed as dashes in a table with a signed column (2019 表二's 本年增/减).

In web text the cells of a row run together, so a dash for a zero cell glued to the digits after it
looks like a minus sign — and in a report that prints dashes so may any minus ('行政事业性收费 -8'):
'行政处罚2-2' under 上一年项目数量 · 本年增/减 · 处理决定数量 is 2 · -2 and a blank,
or 2 · 0 · 2. Where no column is signed the minus can only be a dash (dashrows.dash_zeros, in read_table).
Where one is, both readings stand — but only in a report that prints zeros as dashes somewhere, as
the whole table must be read before that is known: once every table is read, `admit_dashes` adds the
dash readings, for the identities, the prose's figures or an abstention to settle; and where no
table shows a blank cell, a reading that needs one gives way to the dashes (`fill_without_blanks`).
"""

from __future__ import annotations

from xxgk.extract.dashrows import dash_variant, mark_minus_as_dash
from xxgk.extract.numbers import ZERO_WORDS
from xxgk.extract.readings import Reading, plausible_signs, row_readings
from xxgk.extract.rows import LogicalRow
from xxgk.extract.tables import ReadTable, shows_blanks, signed_columns
from xxgk.extract.template import Template


def prints_dashes(read: ReadTable) -> bool:
    """The table holds a zero printed as a word (a dash, a slash, 无), alone or split off a run."""
    return any(slot.raw in ZERO_WORDS for row in read.mapped.values() for slot in row.values)


def admit_dashes(read: ReadTable, template: Template) -> None:
    """Add the dash readings of each signed row of text whose minus signs may be dashes — all of
    them, unless the layout placed the row's numbers by column positions ('其他对外管理服务事项
    -132，300' is 0 · 1 · 32,300 too). The table shows blank cells only if a row lacks cells whichever
    way its minus signs are read."""
    blanks = False
    for choice, (si, row) in zip(read.choices, sorted(read.mapped.items()), strict=True):
        arity = len(choice.keys)
        signed = signed_columns(template, read.table.rows[si].columns)
        text_row = not row.explicit and any(signed)
        if text_row and not any(r.how == "aligned" for r in choice.readings):
            mark_minus_as_dash(row)
        if not text_row or not any(slot.glued for slot in row.slots):
            blanks = blanks or shows_blanks(row, arity)
            continue
        variant, origin = dash_variant(row.slots)
        dashed = row_readings(variant, arity, False, None, template.row_identities[choice.keys])
        choice.readings = plausible_signs(_merged(choice.readings, dashed, origin), signed)
        dashed_row = LogicalRow(row.label, row.last_label, variant, row.prov)
        blanks = blanks or (shows_blanks(row, arity) and shows_blanks(dashed_row, arity))
    read.shows_blanks = blanks


def _merged(readings: list[Reading], dashed: list[Reading], origin: list[int]) -> list[Reading]:
    """Both readings of the row, the dash ones pointing at the printed token they divide."""
    for reading in dashed:
        reading.sources = tuple(None if s is None else origin[s] for s in reading.sources)
    known = [r for r in readings if not r.unknown]
    seen = {r.values for r in known}
    extra = [r for r in dashed if not r.unknown and r.values not in seen]
    return known + extra if known or extra else readings


def fill_without_blanks(read: ReadTable, template: Template) -> None:
    """In a report that shows no blank cell, a signed row whose minus signs read as dashes fill every
    cell is read so, not with a cell left blank ('2-2' = 2 · 0 · 2, not 2 · -2 · blank)."""
    for choice, (si, row) in zip(read.choices, sorted(read.mapped.items()), strict=True):
        if row.explicit or not any(slot.glued for slot in row.slots):
            continue
        if any(signed_columns(template, read.table.rows[si].columns)):
            filled = [r for r in choice.readings if None not in r.values]
            choice.readings = filled or choice.readings
