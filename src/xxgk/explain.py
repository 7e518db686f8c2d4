"""Why a cell holds its value: where it was printed, the raw text, the readings considered."""

from __future__ import annotations

from typing import Any

from xxgk.extract import Extraction
from xxgk.model import get_cell


class UnknownCellError(KeyError):
    """The key is not a cell of the report's template."""


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
        why = "数字连写，有多种同样成立的拆分，故置空"
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
