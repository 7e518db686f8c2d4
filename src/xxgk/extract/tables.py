"""Extract one statistics table: region → logical rows → template rows → readings → solved values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xxgk.extract.columns import column_guides, grid_guides
from xxgk.extract.dashrows import prepare_row
from xxgk.extract.extras import added_rows, drop_subtotal_columns
from xxgk.extract.match import data_rows, match_rows, numbers_of_no_row
from xxgk.extract.naming import is_header
from xxgk.extract.numbers import ZERO_WORDS
from xxgk.extract.readings import (
    Local,
    Reading,
    blank_splits,
    breaks_local,
    distinct,
    plausible_signs,
    row_readings,
    unreadable,
    weighable_blank_splits,
)
from xxgk.extract.rows import LogicalRow, Slot, units_to_rows
from xxgk.extract.solve import RowChoice, Solution, solve
from xxgk.extract.splits import UNPLACED, apart
from xxgk.extract.template import TableSpec, Template
from xxgk.extract.units import Unit
from xxgk.model import Provenance


@dataclass(slots=True, init=False)
class CellTrace:
    """Why a cell holds its value (what `xxgk explain` prints). The classes of this module write
    their __init__: compiled, a dataclass's generated one runs as Python, once per table or cell."""

    key: str
    raw: str | None
    prov: Provenance | None
    row_label: str
    row_readings: list[Reading]  # shared by the cells of one row
    kept: int

    def __init__(
        self,
        key: str,
        raw: str | None = None,
        prov: Provenance | None = None,
        row_label: str = "",
        row_readings: list[Reading] | None = None,
        kept: int = 0,
    ) -> None:
        self.key, self.raw, self.prov, self.row_label = key, raw, prov, row_label
        self.row_readings, self.kept = [] if row_readings is None else row_readings, kept

    @property
    def readings(self) -> list[dict[str, object]]:
        """The row's readings for a person (built on demand: explain is rare, parsing is not)."""
        why = "唯一读法" if len(self.row_readings) == 1 else "勾稽关系、叙述数字与版式综合判断后保留"
        return [
            _describe(r, k == self.kept, why if k == self.kept else "未保留")
            for k, r in enumerate(self.row_readings[:50])
        ]


@dataclass(slots=True, init=False)
class _TraceInputs:
    table: TableSpec
    mapped: dict[int, LogicalRow]
    choices: list[RowChoice]
    solution: Solution

    def __init__(
        self, table: TableSpec, mapped: dict[int, LogicalRow], choices: list[RowChoice], solution: Solution
    ) -> None:
        self.table, self.mapped, self.choices, self.solution = table, mapped, choices, solution


@dataclass(slots=True, init=False)
class TableResult:
    key: str
    values: dict[str, Decimal | None]
    trace_inputs: _TraceInputs | None
    missing_rows: list[str]
    unsplit: bool
    ambiguous: dict[str, list[Decimal | None]]
    crowded: set[str]  # cells of rows whose numbers are not known to be theirs (among `ambiguous`)
    scrambled: bool  # row names printed apart from the numbers: every cell unknown (all `ambiguous`)
    candidates: list[dict[str, Decimal | None]]
    prov: Provenance | None
    extras: list[dict[str, Any]]  # rows the report adds (小计), as record.md's `extras`
    _trace: dict[str, CellTrace] | None

    def __init__(
        self,
        key: str,
        values: dict[str, Decimal | None],
        trace_inputs: _TraceInputs | None,
        missing_rows: list[str],
        unsplit: bool = False,
    ) -> None:
        self.key, self.values, self.trace_inputs, self.missing_rows = key, values, trace_inputs, missing_rows
        self.unsplit, self.ambiguous, self.candidates, self.crowded = unsplit, {}, [], set()
        self.scrambled = False
        self.prov, self.extras, self._trace = None, [], None

    @property
    def trace(self) -> dict[str, CellTrace]:
        """Where each cell came from. Built on first use (explain, a finding's location): most
        parses never ask, and building it costs as much as matching the rows."""
        if self._trace is None:
            t = self.trace_inputs
            self._trace = {} if t is None else _trace(t.table, t.mapped, t.choices, t.solution)
        return self._trace


def _cell_keys(table: TableSpec, row_index: int) -> tuple[str, ...]:
    return table.rows[row_index].keys


def _flow_row(rows: list[LogicalRow], table: TableSpec, arity: int) -> LogicalRow | None:
    """表四: the values after the header, across physical rows, until a full set is read. Header
    rows between them are passed over: a conversion may print each group (行政复议, 行政诉讼·未经复议直接
    起诉, …) as a table of its own, with its own heading and column names."""
    slots: list[Slot] = []
    first: LogicalRow | None = None
    for row in rows:
        if is_header(row, table):
            continue
        if not row.values:
            if first is not None:
                break
            continue
        if first is not None and row.label:  # numbers under a label of their own: the next table
            break
        first = first or row
        slots.extend(row.slots)
        if sum(1 for s in slots if s.value is not None) >= arity:
            break
    if first is None:
        return None
    return LogicalRow(first.label, first.last_label, slots, first.prov, first.explicit)


def _choices(
    table: TableSpec,
    template: Template,
    mapped: dict[int, LogicalRow],
    guides: dict[int, list[float]],
    grids: dict[int, list[int]],
    cut: bool = False,
) -> list[RowChoice]:
    out = []
    for si, row in sorted(mapped.items()):
        columns = table.rows[si].columns
        local = template.row_identities[_cell_keys(table, si)]
        if row.values and not row.explicit and numbers_of_no_row(row, table):  # text copied out of order
            readings = [apart(len(columns))]
        elif cut and not row.explicit and len(row.values) < len(columns):
            readings = [unreadable(len(columns))]  # the cells beyond the page's edge were never printed
        else:
            readings = row_readings(
                row.slots, len(columns), row.explicit, guides.get(si), local, grids.get(si)
            )
        signed = signed_columns(template, columns)
        out.append(RowChoice(_cell_keys(table, si), plausible_signs(readings, signed)))
    return out


def signed_columns(template: Template, columns: tuple[str, ...]) -> tuple[bool, ...]:
    return tuple(template.columns[c].signed if c in template.columns else False for c in columns)


def _confirm_all(read: ReadTable, template: Template, hints: dict[str, set[Decimal]]) -> None:
    """The report leaves cells blank (in this table or another): readings made on the premise that no
    cell is blank must be confirmed, row by row."""
    rows = [row for _, row in sorted(read.mapped.items())]
    for choice, row in zip(read.choices, rows, strict=True):
        local = template.row_identities[choice.keys]
        if not local:
            _settle_alone(choice, row, hints)
            continue
        _confirm(choice, local, "digit-split")
        if _glued(row):
            _confirm(choice, local, "placement", blank_as_zero=True)
            _add_blank_splits(choice, row, local)


def shows_blanks(row: LogicalRow, arity: int) -> bool:
    """A row printed with no number, or with fewer plain digits than cells: the table leaves cells
    blank; a zero printed as a word is one cell. (A decimal or otherwise unsplittable token may stand
    for several cells: no evidence.)"""
    if not row.values:
        return True
    countable = all(s.splittable or s.raw in ZERO_WORDS for s in row.values)
    return countable and sum(s.digits for s in row.values) < arity


def _settle_alone(choice: RowChoice, row: LogicalRow, hints: dict[str, set[Decimal]]) -> None:
    """A run of digits divided on the premise that no cell is blank, in a row no identity checks (表二):
    the divisions around blank cells are as possible ('113' is 1, 1, 3 or 11, 3 and a blank…). The
    run stands if it divides one way only ('000'), or the prose's figures pick one division
    ('8855698': 制发88件 … 现行有效698件); otherwise the row abstains."""
    if not choice.readings or any(r.how != "digit-split" for r in choice.readings):
        return
    twins = blank_splits(row.slots, len(choice.keys), ())
    if twins is None:
        choice.readings = [unreadable(len(choice.keys))]
        return
    readings = distinct(choice.readings + twins)
    hits = [
        sum(1 for k, v in zip(choice.keys, r.values, strict=True) if v is not None and v in hints.get(k, ()))
        for r in readings
    ]
    best = [r for r, h in zip(readings, hits, strict=True) if h == max(hits)]
    choice.readings = best if len(best) == 1 else [unreadable(len(choice.keys))]


def _glued(row: LogicalRow) -> bool:
    """A number of several plain digits: one cell's number, or the digits of several run together."""
    return any(s.splittable and s.digits > 1 for s in row.values)


def _confirm(choice: RowChoice, local: tuple[Local, ...], how: str, blank_as_zero: bool = False) -> None:
    """In a table that shows blank cells elsewhere, readings made on the premise that no cell is blank
    stand only where the row's own sums confirm them, else the row abstains — never a guess:
    - digit splits divide a run into one number per cell, but a run may hold fewer numbers than cells
      ('117' for 1, 17 and a blank);
    - placing a run of digits whole presumes it is one cell's number ('予以公开20002' is 2, 0, 0, 0, 2
      around two blanks: 20002 in any one cell breaks 总计 with blanks counted as 0)."""
    if not choice.readings or any(r.how != how for r in choice.readings):
        return
    confirmed = [r for r in choice.readings if local and not breaks_local(r.values, local, blank_as_zero)]
    choice.readings = confirmed or [unreadable(len(choice.keys))]


def _add_blank_splits(choice: RowChoice, row: LogicalRow, local: tuple[Local, ...]) -> None:
    """A division confirmed on the premise that no cell is blank may have a twin that leaves one
    blank and meets the same sums: both become candidates (see `blank_splits`)."""
    if not choice.readings or any(r.how != "digit-split" for r in choice.readings):
        return
    twins = weighable_blank_splits(row.slots, len(choice.keys), local)
    if twins is None:
        choice.readings = [unreadable(len(choice.keys))]
        return
    choice.readings = distinct(choice.readings + twins)


# How a reading was made, for people (`xxgk explain`); `how` stays the stable machine id.
METHODS: dict[str, str] = {
    "direct": "按原样逐格读取",
    "blank-align": "按空白单元格对齐",
    "aligned": "按版面列位置对齐",
    "digit-split": "连写数字逐格拆分（无空白格）",
    "blank-split": "连写数字拆分（含空白格）",
    "placement": "整数放入某一列（其余空白）",
    "unreadable": "无法可靠拆分",
    "crowded": "数字多于列数，无法确定哪些属于本行",
    "apart": "数字印在列名或多个行名之后，不属于本行",
}


def _describe(reading: Reading, kept: bool, why: str) -> dict[str, object]:
    return {
        "values": [None if v is None else str(v) for v in reading.values],
        "how": reading.how,
        "method": METHODS.get(reading.how, reading.how),
        "kept": kept,
        "why": why,
    }


def _trace(
    table: TableSpec, mapped: dict[int, LogicalRow], choices: list[RowChoice], sol: Solution
) -> dict[str, CellTrace]:
    traces: dict[str, CellTrace] = {}
    for ri, (_, row) in enumerate(sorted(mapped.items())):
        choice = choices[ri]
        j = sol.chosen.get(ri, 0)
        reading = choice.readings[j] if choice.readings else None
        for c, key in enumerate(choice.keys):
            t = CellTrace(key, None, row.prov, row.label, choice.readings, j)
            if reading is not None and reading.sources[c] is not None:
                slot = row.slots[reading.sources[c]]  # type: ignore[index]
                t.raw, t.prov = (reading.parts[c] if reading.parts else slot.raw), slot.prov
            traces[key] = t
    return traces


@dataclass(slots=True, init=False)
class ReadTable:
    """A table's rows mapped onto the template, with each row's candidate readings: everything but
    the premise of blank cells, which may come from another table of the report (`solve_table`)."""

    table: TableSpec
    units: list[Unit]
    rows: list[LogicalRow]
    mapped: dict[int, LogicalRow]
    spec_to_obs: dict[int, int]
    column_extras: list[dict[str, Any]]
    choices: list[RowChoice]
    shows_blanks: bool  # a row printed with fewer numbers than cells: the report leaves cells blank
    scrambled: bool  # the row names stand apart from the numbers: no cell can be read

    def __init__(self, table: TableSpec, units: list[Unit], rows: list[LogicalRow]) -> None:
        self.table, self.units, self.rows = table, units, rows
        self.mapped, self.spec_to_obs, self.column_extras, self.choices = {}, {}, [], []
        self.shows_blanks, self.scrambled = False, False


def read_table(
    units: list[Unit],
    table: TableSpec,
    template: Template,
    dash_pairs: bool = False,
    cut_pages: frozenset[int] = frozenset(),
) -> ReadTable:
    """Rows of the table's region, mapped onto the template, and their readings. `dash_pairs`: the
    report prints '——' for a zero cell (zerowords.dash_pairs). `cut_pages`: PDF pages whose text runs
    past the page's edge — a row of a table printed there with fewer numbers than cells may have lost
    the rest, on that page or the next."""
    logical = units_to_rows(units)  # tokenise the region once
    read = ReadTable(table, units, data_rows(logical, table))
    if table.flow:
        flow = _flow_row(logical, table, len(table.rows[0].columns))
        read.mapped = {0: flow} if flow is not None else {}
    else:
        matched = match_rows(read.rows, table)
        read.spec_to_obs, read.scrambled = matched or {}, matched is None
        mapped = {si: read.rows[o] for si, o in read.spec_to_obs.items()}
        read.mapped, read.column_extras = drop_subtotal_columns(units, table, mapped)
    for si, row in read.mapped.items():
        columns = table.rows[si].columns
        prepare_row(row, len(columns), any(signed_columns(template, columns)), dash_pairs)
    guides = column_guides(units, table, template.columns, read.mapped)
    grids = grid_guides(units, table, template.columns, read.mapped)
    cut = any(u.prov.page in cut_pages for u in units)  # and so are its rows on the pages after
    read.choices = _choices(table, template, read.mapped, guides, grids, cut)
    read.shows_blanks = any(
        shows_blanks(row, len(choice.keys))
        for choice, (_, row) in zip(read.choices, sorted(read.mapped.items()), strict=True)
    )
    return read


def solve_table(
    read: ReadTable, template: Template, hints: dict[str, set[Decimal]], blanks_seen: bool = False
) -> TableResult:
    """Choose each row's reading. `blanks_seen`: another table of the report shows blank cells."""
    table, mapped, choices = read.table, read.mapped, read.choices
    if read.shows_blanks or blanks_seen:
        _confirm_all(read, template, hints)
    idents = [i for i in template.identities if i.cells[0].startswith(table.key + ".")]
    sol = solve(choices, idents, hints)
    values: dict[str, Decimal | None] = dict.fromkeys(table.cell_keys(), None)
    values.update(sol.values)
    # 表四 printed with its header but no value row is blank, not missing
    missing = (
        []
        if table.flow or read.scrambled
        else [
            table.rows[si].key
            for si in range(len(table.rows))
            if si not in mapped and not table.rows[si].optional
        ]
    )
    result = TableResult(table.key, values, _TraceInputs(table, mapped, choices, sol), missing)
    result.ambiguous, result.candidates = sol.ambiguous, sol.candidates
    if read.scrambled:
        result.scrambled = True
        result.ambiguous.update({k: [] for k in table.cell_keys()})
    for choice in choices:  # digits too long to divide: as undetermined as an ambiguous split
        if len(choice.readings) == 1 and choice.readings[0].unknown:
            result.ambiguous.update({k: [] for k in choice.keys})
            if choice.readings[0].how in UNPLACED:
                result.crowded.update(choice.keys)
    result.prov = read.units[0].prov if read.units else None
    result.extras = added_rows(read.rows, table, read.spec_to_obs) + read.column_extras
    _apply_unsplit(result, table, mapped)
    return result


def extract_table(
    units: list[Unit], table: TableSpec, template: Template, hints: dict[str, set[Decimal]]
) -> TableResult:
    """One table on its own (a report's tables are read together: see `xxgk.extract.extract`)."""
    return solve_table(read_table(units, table, template), template, hints)


def _apply_unsplit(result: TableResult, table: TableSpec, mapped: dict[int, LogicalRow]) -> None:
    """A 2021 report printing （六）其他处理 as one row: sub-rows are 0 when it is all zeros, else null."""
    for si, spec in enumerate(table.rows):
        if not spec.optional or si not in mapped:
            continue
        result.unsplit = True
        keys = [k for k in result.values if k.startswith(f"{table.key}.{spec.key}.")]
        all_zero = all(result.values.get(k) == 0 for k in keys)
        for sub in spec.replaces:
            for col in spec.columns:
                result.values[f"{table.key}.{sub}.{col}"] = Decimal(0) if all_zero else None
            result.missing_rows = [m for m in result.missing_rows if m != sub]
