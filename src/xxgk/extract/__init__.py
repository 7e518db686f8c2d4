"""Document → canonical record (spec/record.md), keeping what `xxgk explain` needs to justify it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from xxgk.errors import NotAReportError
from xxgk.extract.dashes import admit_dashes, fill_without_blanks, prints_dashes
from xxgk.extract.labels import remember
from xxgk.extract.locate import Region, locate_tables
from xxgk.extract.meta import detect_agency_year, detect_template
from xxgk.extract.narrative import Figure, figures, hints
from xxgk.extract.numbers import to_json_number
from xxgk.extract.sections import extract_sections
from xxgk.extract.tables import TableResult, read_table, solve_table
from xxgk.extract.template import Template, load_template
from xxgk.extract.units import Unit, document_to_units
from xxgk.extract.zerowords import dash_pairs
from xxgk.model import Document

SCHEMA_VERSION: Final = 1
REPORT_WORDS: Final = ("政府信息公开", "年度报告")


@dataclass(slots=True)
class Extraction:
    record: dict[str, Any]
    document: Document
    units: list[Unit]
    template: Template | None
    tables: dict[str, TableResult] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    section_lines: dict[str, int | None] = field(default_factory=dict)


def _is_report(norm_text: str, title_found: bool, n_sections: int, template: str | None) -> bool:
    if template is None:
        return False
    has_tables = any(w in norm_text for w in ("本年新收政府信息公开申请", "申请人情况", "勾稽关系"))
    return has_tables or (title_found and n_sections >= 3) or (template == "legacy" and title_found)


_PATHS: Final[dict[str, tuple[tuple[str, ...], str]]] = {}


def _path(key: str) -> tuple[tuple[str, ...], str]:
    """'requests.withheld.state_secret.total' → (('withheld', 'state_secret'), 'total'), remembered."""
    found = _PATHS.get(key)
    if found is None:
        parts = key.split(".")[1:]
        found = remember(_PATHS, key, (tuple(parts[:-1]), parts[-1]))
    return found


def _table_record(template: Template, result: TableResult) -> dict[str, Any]:
    """The table's nested JSON object: counts as int, the fee amount (万元/元) as float."""
    out: dict[str, Any] = {}
    columns = template.cell_columns
    for key, value in result.values.items():
        parents, leaf = _path(key)
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        if value is not None:
            value = float(value) if columns[key].type == "amount" else to_json_number(value)  # type: ignore[assignment]
        node[leaf] = value
    return out


def _prose_units(units: list[Unit], regions: dict[str, Region]) -> list[Unit]:
    inside = {i for r in regions.values() for i in range(r.start + 1, r.end)}
    return [u for i, u in enumerate(units) if i not in inside]


def extract(doc: Document) -> Extraction:
    """Read the record out of a document; raises NotAReportError when it is not an annual report."""
    units = document_to_units(doc)
    norm_text = "".join(u.norm for u in units)
    agency, year = detect_agency_year(units)
    template_name = detect_template(norm_text, year)
    sections, section_lines = extract_sections(units)
    title_found = agency is not None or all(w in norm_text[:400] for w in REPORT_WORDS)
    if not _is_report(norm_text, title_found, len(sections), template_name):
        raise NotAReportError(doc.source.path, "未找到年度报告的标题、章节或统计表")
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "agency": agency,
        "year": year,
        "template": template_name,
    }
    template = load_template(template_name) if template_name in ("2021", "2019") else None
    result = Extraction(record, doc, units, template, section_lines=section_lines)
    regions = locate_tables(units, template) if template else {}
    result.regions = regions
    result.figures = figures(_prose_units(units, regions))
    if template is not None:
        _extract_tables(result, template, hints(result.figures))
    record["sections"] = sections
    record["findings"] = []
    record["source"] = {"path": doc.source.path, "sha256": doc.source.sha256, "format": doc.source.format}
    record["extras"] = [extra for table in result.tables.values() for extra in table.extras]
    if doc.meta.get("published"):
        record["published"] = doc.meta["published"]
    return result


def _extract_tables(result: Extraction, template: Template, guide: dict[str, set[Decimal]]) -> None:
    """Every table found. A report that leaves cells blank in one table may leave them blank in any:
    all are read first, then solved knowing whether any of them shows blank cells."""
    regions = result.regions
    units = {
        t.key: result.units[regions[t.key].start : regions[t.key].end]
        for t in template.tables
        if t.key in regions
    }
    pairs = dash_pairs([unit.text for region in units.values() for unit in region])
    cut = frozenset(int(n) for n in result.document.meta.get("cut_pages", "").split(",") if n)
    read = [read_table(units[t.key], t, template, pairs, cut) for t in template.tables if t.key in units]
    dashes = any(prints_dashes(r) for r in read)  # zeros printed as words: a minus may be a dash
    if dashes:
        for r in read:
            admit_dashes(r, template)
    blanks = any(r.shows_blanks for r in read)
    if dashes and not blanks:
        for r in read:
            fill_without_blanks(r, template)
    for r in read:
        result.tables[r.table.key] = solve_table(r, template, guide, blanks)
        result.record[r.table.key] = _table_record(template, result.tables[r.table.key])


__all__ = ["Extraction", "extract"]
