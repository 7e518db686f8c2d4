"""What a rule sees: the record, its template, and (when parsed from a file) where each cell came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xxgk.extract import Extraction
from xxgk.extract.narrative import Figure
from xxgk.extract.tables import TableResult
from xxgk.extract.template import Template, load_template
from xxgk.model import Location, get_cell


@dataclass(slots=True)
class Context:
    record: dict[str, Any]
    template: Template | None
    extraction: Extraction | None = None
    values: dict[str, Decimal | None] = field(default_factory=dict)

    @classmethod
    def from_extraction(cls, ex: Extraction) -> Context:
        ctx = cls(ex.record, ex.template, ex)
        for res in ex.tables.values():
            ctx.values.update(res.values)
        return ctx

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Context:
        name = record.get("template")
        template = load_template(name) if name in ("2021", "2019") else None
        ctx = cls(record, template)
        if template:
            for key in template.cell_keys():
                try:
                    v = get_cell(record, key)
                except KeyError:
                    continue
                ctx.values[key] = None if v is None else Decimal(str(v))
        return ctx

    # -- tables -------------------------------------------------------------------------------------
    def has_table(self, key: str) -> bool:
        return isinstance(self.record.get(key), dict)

    def table_result(self, key: str) -> TableResult | None:
        return self.extraction.tables.get(key) if self.extraction else None

    def value(self, key: str) -> Decimal | None:
        return self.values.get(key)

    def label(self, key: str) -> str:
        return self.template.label_of(key) if self.template else key

    # -- locations ----------------------------------------------------------------------------------
    def location(self, key: str) -> Location:
        """Where a cell was printed (line/page/table/row/col), or an empty location."""
        table = key.split(".", 1)[0]
        res = self.table_result(table)
        if res is None:
            return Location()
        trace = res.trace.get(key)
        prov = trace.prov if trace and trace.prov else res.prov
        if prov is None:
            return Location()
        return Location(prov.line, prov.page, prov.table, prov.row, prov.col)

    def table_location(self, table: str) -> Location:
        res = self.table_result(table)
        if res is None or res.prov is None:
            return Location()
        p = res.prov
        return Location(p.line, p.page, p.table, None, None)

    def section_location(self, key: str) -> Location:
        if not self.extraction:
            return Location()
        return Location(line=self.extraction.section_lines.get(key))

    # -- narrative ----------------------------------------------------------------------------------
    @property
    def figures(self) -> list[Figure]:
        return self.extraction.figures if self.extraction else []

    def section_text(self, key: str) -> str:
        sec = (self.record.get("sections") or {}).get(key) or {}
        return f"{sec.get('title', '')}\n{sec.get('text', '')}"

    def full_text(self) -> str:
        if self.extraction:
            return "\n".join(u.text for u in self.extraction.units)
        return "\n".join(self.section_text(k) for k in (self.record.get("sections") or {}))


def fmt(value: Decimal | None) -> str:
    """A value as a person reads it in a message."""
    if value is None:
        return "空白"
    return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
