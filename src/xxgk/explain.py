"""Why a cell holds its value: where it was printed, the raw text, the readings considered."""

from __future__ import annotations

from typing import Any

from xxgk.extract import Extraction, TableResult
from xxgk.model import get_cell


class UnknownCellError(KeyError):
    """The key is not a cell of the report's template."""


def _why_open(res: TableResult, key: str) -> str:
    """Why a cell the table could not settle is null, in the words of the S_AMBIGUOUS_CELLS finding."""
    if res.scrambled:
        return "该表的行名与数字分开印出（表格文字可能是按列导出的），无法确定各数属于哪一行，故置空"
    if key in res.crowded:
        return "该行印出的数字无法确定属于该行（数字多于列数，或印在列名、多个行名之后），故置空"
    if None in res.ambiguous[key]:
        return "该行数字少于列数（有单元格空白），各数可放入的列有多种同样成立的读法，故置空"
    return "数字连写，有多种同样成立的拆分，故置空"


def explain_cell(ex: Extraction, key: str) -> dict[str, Any]:
    if ex.template is None or key not in ex.template.cell_keys():
        raise UnknownCellError(key)
    table = key.split(".", 1)[0]
    res = ex.tables.get(table)
    try:
        value = get_cell(ex.record, key)
    except KeyError:
        value = None
    trace = res.trace.get(key) if res else None
    location = trace.prov.as_location() if trace and trace.prov else None
    readings = trace.readings if trace else []
    why = "该表未找到" if res is None else ("该行未找到" if trace is None else "")
    if res is not None and key in res.ambiguous:
        why = _why_open(res, key)
    return {
        "key": key,
        "label": ex.template.label_of(key),
        "value": value,
        "location": location,
        "raw": trace.raw if trace else None,
        "row_label": trace.row_label if trace else None,
        "readings": readings,
        "note": why,
    }
