"""Rows and columns a report adds to a table (小计): kept apart from the template's cells, as `extras`.

record.md: such rows and columns never replace the canonical cells; T_EXTRA_SUBTOTAL checks a 小计 row
against its group, S_EXTRA_ROWS lists them. Left among the template's rows, a 小计 row would be taken
for a wrapped label's numbers, and a 小计 column would leave every row one number too long.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import takewhile
from typing import Any

from xxgk.extract.naming import is_subtotal
from xxgk.extract.numbers import parse_value, to_json_number
from xxgk.extract.readings import row_readings
from xxgk.extract.rows import LogicalRow
from xxgk.extract.template import TableSpec
from xxgk.extract.units import Unit
from xxgk.model import Row


def added_rows(rows: list[LogicalRow], table: TableSpec, spec_to_obs: dict[int, int]) -> list[dict[str, Any]]:
    """Rows a report adds, as `extras`: 小计 rows, labelled by the group they close (the group of the
    template row printed just before: （三）不予公开 after 8.属于行政查询事项) so T_EXTRA_SUBTOTAL can check
    them, and labelled grid rows the template lacks (地方性法规). Kept only when their numbers read one
    way, in the columns of the template row before them: an extra is never guessed."""
    out: list[dict[str, Any]] = []
    taken = set(spec_to_obs.values())
    for o, row in enumerate(rows):
        subtotal = is_subtotal(row, table)
        if o in taken or not (subtotal or (row.explicit and row.label and row.values)):
            continue
        before = [si for si, ob in spec_to_obs.items() if ob < o]
        if not before:
            continue
        spec = table.rows[max(before, key=spec_to_obs.__getitem__)]
        group = spec.key.split(".")[0] if subtotal and "." in spec.key else ""
        readings = row_readings(row.slots, len(spec.columns), row.explicit)
        if (subtotal and not group) or len(readings) != 1:
            continue
        extra: dict[str, Any] = {"table": table.key, "label": row.label}
        if subtotal:
            head = next(r for r in table.rows if r.key.startswith(group + "."))
            extra.update(label=head.label.split(" ")[0] + row.label, subtotal_of=group)  # （三）不予公开小计
        extra["values"] = {
            c: None if v is None else to_json_number(v)
            for c, v in zip(spec.columns, readings[0].values, strict=True)
        }
        extra["location"] = (row.slots[0].prov if row.slots else row.prov).as_location()  # its first cell
        out.append(extra)
    return out


def drop_subtotal_columns(
    units: list[Unit], table: TableSpec, mapped: dict[int, LogicalRow]
) -> tuple[dict[int, LogicalRow], list[dict[str, Any]]]:
    """A 小计 column a report adds to a table grid (法人或其他组织 · 小计), found by its header cell: its
    cells are taken out of every row that has one at that grid column, before the rows are read, and
    kept as an extra; without that, each row has a number too many and its reading is a guess."""
    headers = list(takewhile(lambda row: not any(_numeric(c.text) for c in row.cells), _grid_rows(units)))
    columns = {
        cell.prov.x
        for row in headers
        for cell in row.cells
        if cell.text.strip() in table.subtotals and cell.prov.x is not None
    }
    if not columns:
        return mapped, []
    kept: dict[int, LogicalRow] = {}
    printed: dict[str, Any] = {}
    for si, row in mapped.items():
        inside = [s for s in row.slots if row.explicit and s.prov.x in columns]
        rest = [s for s in row.slots if s.prov.x not in columns]
        arity = len(table.rows[si].columns)
        fits = len(rest) >= arity and sum(s.value is not None for s in rest) <= arity
        if not inside or not fits:  # only where the row then holds its template's cells
            kept[si] = row
            continue
        kept[si] = LogicalRow(row.label, row.last_label, rest, row.prov, True, row.margin)
        value = inside[0].value
        printed[table.rows[si].key] = None if value is None else to_json_number(value)
    extra = {"table": table.key, "label": "小计", "kind": "column", "values": printed, "location": {}}
    return kept, [extra] if printed else []


def _numeric(text: str) -> bool:
    ok, value, _ = parse_value(text.strip())
    return ok and value is not None


def _grid_rows(units: list[Unit]) -> Iterator[Row]:
    return (unit.row for unit in units if unit.row is not None)
