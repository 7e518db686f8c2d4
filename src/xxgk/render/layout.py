"""The national template's tables as a grid of (text, rowspan, colspan, cell key) — one source for every
output format. Built from the template data, so 2019 and 2021 records render in their own layout."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xxgk.extract.template import Template, load_template
from xxgk.model import get_cell

# 第二十条 items of 表二, by proactive row key (the template lists the rows; the print groups them)
PROACTIVE_ITEMS = {
    "rules": "第二十条第（一）项",
    "normative_documents": "第二十条第（一）项",
    "licensing": "第二十条第（五）项",
    "other_services": "第二十条第（五）项",
    "penalty": "第二十条第（六）项",
    "coercion": "第二十条第（六）项",
    "fees": "第二十条第（八）项",
    "procurement": "第二十条第（九）项",
}
TABLE_TITLES = {
    "proactive": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
}
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(slots=True)
class GridCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None  # the record cell shown here (None for labels)
    header: bool = False


Grid = list[list[GridCell]]


def format_value(value: Any) -> str:
    """A cell as the record holds it: blank stays blank, decimals exact, no trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, float | Decimal):
        d = Decimal(str(value)).normalize()
        return format(d, "f") if d != d.to_integral_value() else str(int(d))
    return str(value)


def _value(record: dict[str, Any], key: str) -> str:
    try:
        return format_value(get_cell(record, key))
    except KeyError:
        return ""


def proactive_grid(record: dict[str, Any], template: Template) -> Grid:
    table = template.table("proactive")
    width = max(len(r.columns) for r in table.rows) + 1
    grid: Grid = []
    item = None
    for row in table.rows:
        if PROACTIVE_ITEMS.get(row.key) != item:
            item = PROACTIVE_ITEMS.get(row.key, "")
            grid.append([GridCell(item, colspan=width, header=True)])
            span = width - len(row.columns)
            head = [GridCell("信息内容", header=True)]
            head += [GridCell(template.columns[c].label, header=True) for c in row.columns[:-1]]
            head.append(GridCell(template.columns[row.columns[-1]].label, colspan=span, header=True))
            grid.append(head)
        cells = [GridCell(row.label)]
        keys = [f"proactive.{row.key}.{c}" for c in row.columns]
        cells += [GridCell(_value(record, k), key=k) for k in keys[:-1]]
        cells.append(GridCell(_value(record, keys[-1]), colspan=width - len(row.columns), key=keys[-1]))
        grid.append(cells)
    return grid


def _request_header() -> Grid:
    appl = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    return [
        [
            GridCell(BALANCE_NOTE, rowspan=3, colspan=3, header=True),
            GridCell("申请人情况", colspan=7, header=True),
        ],
        [
            GridCell("自然人", rowspan=2, header=True),
            GridCell("法人或其他组织", colspan=5, header=True),
            GridCell("总计", rowspan=2, header=True),
        ],
        [GridCell(a, header=True) for a in appl],
    ]


def _groups(template: Template) -> list[tuple[str, list[tuple[str, str]]]]:
    """Rows of 表三 grouped as printed: (group label, [(row key, sub label)]); '' = a top-level row."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for row in template.table("requests").rows:
        if row.optional:
            continue
        group, _, sub = row.label.partition(" ")
        if row.label[0] in "一二四":
            out.append(("", [(row.key, row.label)]))
        elif sub:
            out.append((group, [(row.key, sub)]))
        elif row.label[0] in "0123456789" and out and out[-1][0]:
            out[-1][1].append((row.key, row.label))
        else:
            out.append((row.label, [(row.key, "")]))
    return out


def requests_grid(record: dict[str, Any], template: Template) -> Grid:
    cols = template.sets["COLS"]
    grid = _request_header()
    groups = _groups(template)
    results = [g for g in groups if g[0]]
    n_results = sum(len(rows) for _, rows in results)
    first_result = True
    for group, rows in groups:
        for n, (key, sub) in enumerate(rows):
            cells: list[GridCell] = []
            if not group:
                cells.append(GridCell(sub, colspan=3))
            else:
                if first_result:
                    cells.append(GridCell("三、本年度办理结果", rowspan=n_results))
                    first_result = False
                if not sub:
                    cells.append(GridCell(group, colspan=2))
                else:
                    if n == 0:
                        cells.append(GridCell(group, rowspan=len(rows)))
                    cells.append(GridCell(sub))
            cells += [
                GridCell(_value(record, f"requests.{key}.{c}"), key=f"requests.{key}.{c}") for c in cols
            ]
            grid.append(cells)
    return grid


def appeals_grid(record: dict[str, Any], template: Template) -> Grid:
    parts = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    keys = template.table("appeals").cell_keys()
    return [
        [GridCell("行政复议", colspan=5, header=True), GridCell("行政诉讼", colspan=10, header=True)],
        [GridCell(p, rowspan=2, header=True) for p in parts]
        + [
            GridCell("未经复议直接起诉", colspan=5, header=True),
            GridCell("复议后起诉", colspan=5, header=True),
        ],
        [GridCell(p, header=True) for p in parts * 2],
        [GridCell(_value(record, k), key=k) for k in keys],
    ]


def table_grids(record: dict[str, Any]) -> dict[str, Grid]:
    """表二/三/四 of a record in the layout of its own template (2021 when it names none)."""
    name = record.get("template") if record.get("template") in ("2019", "2021") else "2021"
    template = load_template(str(name))
    return {
        "proactive": proactive_grid(record, template),
        "requests": requests_grid(record, template),
        "appeals": appeals_grid(record, template),
    }


def dense(grid: Grid) -> list[list[GridCell | None]]:
    """The grid with spans expanded: None where a merged cell covers the position (for flat formats)."""
    width = max(sum(c.colspan for c in row) for row in grid)
    out: list[list[GridCell | None]] = []
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(grid):
        line: list[GridCell | None] = []
        c = 0
        for cell in row:
            while (r, c) in covered:
                line.append(None)
                c += 1
            line.append(cell)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if dr or dc:
                        covered.add((r + dr, c + dc))
            line.extend([None] * (cell.colspan - 1))
            c += cell.colspan
        while len(line) < width:
            line.append(None)
        out.append(line)
    return out
