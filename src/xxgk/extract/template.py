"""The national templates, loaded from data files (templates/*.toml) into frozen specs.

Adding a label variant or a template is a data change; this module only validates and expands.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

from xxgk.extract.labels import normalize

TEMPLATE_NAMES: Final = ("2021", "2019")


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str
    label: str
    type: str = "count"  # "count" (int) or "amount" (exact decimal)
    unit: str | None = None
    signed: bool = False


@dataclass(frozen=True, slots=True)
class RowSpec:
    key: str  # relative to the table, e.g. "withheld.state_secret" ("" for a table that is one row)
    label: str
    cores: tuple[str, ...]  # normalised label cores, longest first
    columns: tuple[str, ...]
    exact: bool = False  # the label (without markers) must equal a core, not merely contain it
    optional: bool = False
    replaces: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()  # full dotted cell key of each column, e.g. requests.total.natural_person


@dataclass(frozen=True, slots=True)
class TableSpec:
    key: str
    title: str
    start: tuple[str, ...]
    header: tuple[str, ...]
    rows: tuple[RowSpec, ...]
    flow: bool = False  # values flow through physical rows in print order (表四)
    subtotals: tuple[str, ...] = ()  # labels of rows a report adds (小计): kept apart from template rows
    required_keys: tuple[str, ...] = ()  # cell keys of the non-optional rows, in print order
    all_keys: tuple[str, ...] = ()
    # (column key, normalised label) of the table's columns named by 4+ characters (short names such as
    # 其他 and 总计 are row labels too): header words printed beside a row's numbers name its columns
    column_names: tuple[tuple[str, str], ...] = ()

    def row(self, key: str) -> RowSpec:
        return next(r for r in self.rows if r.key == key)

    def cell_keys(self, include_optional: bool = False) -> list[str]:
        return list(self.all_keys if include_optional else self.required_keys)


@dataclass(frozen=True, slots=True)
class Identity:
    """One equation instance: Σ lhs = Σ rhs, e.g. T3_BALANCE for column 自然人."""

    rule: str
    text: str
    binding: str  # the member of `each` this instance is for (a column, row or group key)
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    @property
    def cells(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    notice: str
    first_year: int
    last_year: int
    markers: tuple[str, ...]
    columns: dict[str, ColumnSpec]
    tables: tuple[TableSpec, ...]
    identities: tuple[Identity, ...]
    sets: dict[str, tuple[str, ...]]
    cell_columns: dict[str, ColumnSpec]
    cell_labels: dict[str, str]
    # identities lying wholly inside one template row, as (lhs, rhs) column positions, by the row's keys
    row_identities: dict[tuple[str, ...], tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]]

    def table(self, key: str) -> TableSpec:
        return next(t for t in self.tables if t.key == key)

    def cell_keys(self) -> list[str]:
        return [k for t in self.tables for k in t.required_keys]

    def column_of(self, cell_key: str) -> ColumnSpec:
        return self.cell_columns[cell_key]

    def label_of(self, cell_key: str) -> str:
        """Human label of a cell, e.g. '（七）总计 · 自然人'."""
        return self.cell_labels.get(cell_key, cell_key)


def _row(data: dict[str, Any], default_columns: tuple[str, ...], table_key: str) -> RowSpec:
    cores = sorted({normalize(c) for c in data.get("cores", [])}, key=len, reverse=True)
    columns = tuple(data.get("columns", default_columns))
    return RowSpec(
        keys=tuple(".".join(p for p in (table_key, data["key"], col) if p) for col in columns),
        key=data["key"],
        label=data["label"],
        cores=tuple(cores),
        columns=columns,
        exact=bool(data.get("exact", False)),
        optional=bool(data.get("optional", False)),
        replaces=tuple(data.get("replaces", ())),
    )


def _table(
    data: dict[str, Any],
    rows: list[dict[str, Any]],
    columns: dict[str, ColumnSpec],
    cols: tuple[str, ...] = (),
) -> TableSpec:
    specs = tuple(_row(r, cols, data["key"]) for r in rows)
    used = dict.fromkeys(c for r in specs for c in r.columns)
    names = tuple((c, normalize(columns[c].label)) for c in used if len(normalize(columns[c].label)) >= 4)
    return TableSpec(
        key=data["key"],
        title=data["title"],
        start=tuple(normalize(s) for s in data.get("start", [])),
        header=tuple(normalize(s) for s in data.get("header", [])),
        rows=specs,
        flow=bool(data.get("flow", False)),
        subtotals=tuple(normalize(s) for s in data.get("subtotals", [])),
        required_keys=tuple(k for r in specs if not r.optional for k in r.keys),
        all_keys=tuple(k for r in specs for k in r.keys),
        column_names=names,
    )


_TERM: Final = re.compile(r"^(?P<pattern>\S+) for (?P<var>\w+) in (?P<set>\w+)$")


def _expand_term(term: str, env: dict[str, str], sets: dict[str, tuple[str, ...]]) -> list[str]:
    m = _TERM.match(term)
    if not m:
        return [term.format(**env)]
    return [m["pattern"].format(**env, **{m["var"]: v}) for v in sets[m["set"]]]


def _identities(items: list[dict[str, Any]], sets: dict[str, tuple[str, ...]]) -> tuple[Identity, ...]:
    out: list[Identity] = []
    for item in items:
        var, _, set_name = item["each"].partition(" in ")
        for member in sets[set_name.strip()]:
            env = {var.strip(): member}
            lhs = [k for t in item["lhs"] for k in _expand_term(t, env, sets)]
            rhs = [k for t in item["rhs"] for k in _expand_term(t, env, sets)]
            out.append(Identity(item["rule"], item["text"], member, tuple(lhs), tuple(rhs)))
    return tuple(out)


def _inside(
    keys: tuple[str, ...], identities: tuple[Identity, ...]
) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """The identities whose every cell is in one row (表四's 总计 of each group), by column position."""
    at = {k: c for c, k in enumerate(keys)}
    return tuple(
        (tuple(at[k] for k in i.lhs), tuple(at[k] for k in i.rhs))
        for i in identities
        if all(k in at for k in i.cells)
    )


def _read(name: str) -> dict[str, Any]:
    text = resources.files("xxgk.extract.templates").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


_LOADED: Final[dict[str, Template]] = {}


def load_template(name: str) -> Template:
    """The template called `name` ("2021" or "2019"), validated and with identities expanded; built
    once (a plain dict rather than a functools cache: compiled callers read it natively)."""
    found = _LOADED.get(name)
    if found is None:
        found = _LOADED[name] = _build_template(name)
    return found


def _build_template(name: str) -> Template:
    if name not in TEMPLATE_NAMES:
        raise KeyError(f"unknown template {name!r}")
    common, own = _read("common.toml"), _read(f"t{name}.toml")
    sets = {k: tuple(v) for k, v in {**common["sets"], **own["sets"]}.items()}
    req = common["requests"]
    request_rows = req["rows"] + own.get("requests_other", []) + req["tail"]
    sets["REQUEST_ROWS"] = tuple(r["key"] for r in request_rows if not r.get("optional"))
    columns = {
        k: ColumnSpec(k, v["label"], v.get("type", "count"), v.get("unit"), bool(v.get("signed", False)))
        for k, v in {**common["columns"], **own["columns"]}.items()
    }
    tables = (
        _table(own["proactive"], own["proactive"]["rows"], columns),
        _table(req, request_rows, columns, sets[req["columns"]]),
        _table(common["appeals"], common["appeals"]["rows"], columns),
    )
    cell_columns = {
        key: columns[col]
        for t in tables
        for row in t.rows
        for key, col in zip(row.keys, row.columns, strict=True)
    }
    cell_labels = {
        key: f"{row.label} · {columns[col].label}" if row.key else columns[col].label
        for t in tables
        for row in t.rows
        for key, col in zip(row.keys, row.columns, strict=True)
    }
    identities = _identities(common["identities"], sets)
    return Template(
        row_identities={row.keys: _inside(row.keys, identities) for t in tables for row in t.rows},
        cell_columns=cell_columns,
        cell_labels=cell_labels,
        name=own["name"],
        notice=own["notice"],
        first_year=int(own["first_year"]),
        last_year=int(own.get("last_year", 9999)),
        markers=tuple(normalize(m) for m in own["markers"]),
        columns=columns,
        tables=tables,
        identities=identities,
        sets=sets,
    )
