"""Exports round-trip: what is read back from csv, xlsx, parquet and jsonl equals the records, cell by cell."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import load_workbook

from conftest import SHARED
from xxgk.audit import audit_record
from xxgk.corpus.agency import agency_key
from xxgk.export import export, wide_columns
from xxgk.export import xlsx as xlsx_module
from xxgk.extract.template import load_template
from xxgk.generate.record import random_record
from xxgk.model import cell_items, get_cell
from xxgk.store.base import StoredReport

GOLD_PATHS = sorted((SHARED / "seeds" / "gold").glob("*.json")) + sorted(
    (SHARED / "real" / "gold").glob("*.json")
)
META = ["agency", "year", "template", "source_path"]


def _record(path: Path) -> dict[str, Any]:
    record = json.loads(path.read_text(encoding="utf-8"))
    record["findings"] = [f.as_dict() for f in audit_record(record)]
    return record


def _reports() -> list[StoredReport]:
    records = [_record(p) for p in GOLD_PATHS]
    records.append(random_record(random.Random(2020), "2019", year=2020))  # a second template in the mix
    records[-1]["findings"] = [f.as_dict() for f in audit_record(records[-1])]
    return [
        StoredReport(
            n + 1,
            f"语料/{n:03d}_{r['agency']}.txt",
            f"{n:064x}",
            "txt",
            r["agency"],
            agency_key(r["agency"]),
            r["year"],
            r["template"],
            "test",
            r,
            datetime(2024, 1, 1),
        )
        for n, r in enumerate(records)
    ]


REPORTS = _reports()


def _stream() -> Iterator[StoredReport]:
    """A one-shot generator, as store.iter_reports gives: export must not need a list."""
    yield from REPORTS


def _same(value: Any, got: Any) -> bool:
    if value is None or got in (None, ""):
        return value is None and got in (None, "")
    return Decimal(str(got)) == Decimal(str(value))


def _check_wide(rows: list[dict[str, Any]]) -> None:
    """Every row equals its report: metadata, every cell of its template, empty for other templates."""
    assert len(rows) == len(REPORTS)
    keys = [c.key for c in wide_columns()]
    for report, row in zip(REPORTS, rows, strict=True):
        assert str(row["agency"]) == report.agency and int(row["year"]) == report.year
        assert row["template"] == report.template and row["source_path"] == report.source_path
        own = dict(cell_items(report.record))
        for key in keys[len(META) :]:
            assert _same(own.get(key), row[key]), (report.agency, key, own.get(key), row[key])


def _check_long(rows: list[dict[str, Any]]) -> None:
    expected = [(r.id, k, v) for r in REPORTS for k, v in cell_items(r.record)]
    assert len(rows) == len(expected)
    by_cell = {(int(row["report"]), row["key"]): row for row in rows}
    for rid, key, value in expected:
        row = by_cell[(rid, key)]
        assert _same(value, row["value"]), (rid, key)
        assert str(row["agency"]) == REPORTS[rid - 1].agency


def test_wide_columns_follow_the_templates():
    keys = [c.key for c in wide_columns()]
    assert keys[: len(META)] == META
    t2021 = load_template("2021")
    own = [k for k in keys if k in t2021.cell_columns]
    assert own == [k for t in t2021.tables for k in t.cell_keys(include_optional=True)]
    assert set(load_template("2019").cell_keys()) <= set(keys) and len(keys) == len(set(keys))
    assert [c.key for c in wide_columns(["2021"])][len(META) :] == own


def test_csv_wide_round_trip(tmp_path):
    out = tmp_path / "wide.csv"
    assert export(_stream(), "csv", out) == len(REPORTS)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8 Chinese
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    _check_wide(rows)


def test_csv_labels_row(tmp_path):
    out = tmp_path / "labels.csv"
    export(_stream(), "csv", out, labels=True)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        header, labels, *rows = list(csv.reader(fh))
    assert len(rows) == len(REPORTS) and header == [c.key for c in wide_columns()]
    assert labels[:2] == ["机关", "年度"]
    assert labels[header.index("requests.total.total")] == "申请 · （七）总计 · 总计"


def test_csv_long_round_trip(tmp_path):
    out = tmp_path / "long.csv"
    n = export(_stream(), "csv", out, long=True)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert n == len(rows) and list(rows[0]) == ["report", "agency", "year", "key", "value"]
    _check_long(rows)


def test_jsonl_round_trip(tmp_path):
    wide, long, records = tmp_path / "w.jsonl", tmp_path / "l.jsonl", tmp_path / "r.jsonl"
    export(_stream(), "jsonl", wide)
    text = wide.read_text(encoding="utf-8")
    assert REPORTS[0].agency in text  # not ASCII-escaped
    _check_wide([json.loads(line) for line in text.splitlines()])
    export(_stream(), "jsonl", long, long=True)
    _check_long([json.loads(line) for line in long.read_text(encoding="utf-8").splitlines()])
    assert export(_stream(), "jsonl", records, what="records") == len(REPORTS)
    back = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    assert back == [r.record for r in REPORTS]


def test_parquet_round_trip(tmp_path):
    wide, long = tmp_path / "w.parquet", tmp_path / "l.parquet"
    assert export(_stream(), "parquet", wide) == len(REPORTS)
    con = duckdb.connect()
    cur = con.execute(f"SELECT * FROM read_parquet('{wide}')")
    names = [d[0] for d in cur.description]
    assert names == [c.key for c in wide_columns()]
    _check_wide([dict(zip(names, row, strict=True)) for row in cur.fetchall()])
    types = dict(
        con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{wide}')").fetchall()
    )
    assert types["year"] == "BIGINT" and types["requests.total.total"] == "DOUBLE"
    export(_stream(), "parquet", long, long=True)
    cur = con.execute(f"SELECT * FROM read_parquet('{long}')")
    names = [d[0] for d in cur.description]
    _check_long([dict(zip(names, row, strict=True)) for row in cur.fetchall()])


def test_parquet_empty_export_has_the_schema(tmp_path):
    out = tmp_path / "empty.parquet"
    assert export(iter(()), "parquet", out) == 0
    cur = duckdb.connect().execute(f"SELECT * FROM read_parquet('{out}')")
    assert cur.fetchall() == [] and [d[0] for d in cur.description] == [c.key for c in wide_columns()]


def _sheet_rows(ws) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    labels, keys, *data = [list(r) for r in ws.iter_rows(values_only=True)]
    width = len(keys)  # read-only rows stop at their last non-empty cell
    return labels, keys, [dict(zip(keys, row + [None] * (width - len(row)), strict=True)) for row in data]


def test_xlsx_round_trip(tmp_path):
    out = tmp_path / "corpus.xlsx"
    assert export(_stream(), "xlsx", out) == len(REPORTS)
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == ["报告", "主动公开", "申请", "复议诉讼", "问题"]
    merged: dict[int, dict[str, Any]] = {}
    for name in ("主动公开", "申请", "复议诉讼"):
        labels, keys, rows = _sheet_rows(wb[name])
        assert labels[:3] == ["报告编号", "机关", "年度"] and keys[:3] == ["report", "agency", "year"]
        for row in rows:
            merged.setdefault(row["report"], {}).update(row)
    rows = [{**merged[r.id], "template": r.template, "source_path": r.source_path} for r in REPORTS]
    _check_wide(rows)
    _, _, listing = _sheet_rows(wb["报告"])
    assert [(r["report"], r["agency"], r["errors"]) for r in listing] == [
        (r.id, r.agency, sum(f["severity"] == "error" for f in r.record["findings"])) for r in REPORTS
    ]
    _, _, issues = _sheet_rows(wb["问题"])
    expected = [(r.id, f["rule"], f["message"]) for r in REPORTS for f in r.record["findings"]]
    assert [(i["report"], i["rule"], i["message"]) for i in issues] == expected
    assert {i["severity"] for i in issues} <= {"错误", "警告", "提示"}


def test_xlsx_long_and_row_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_module, "EXCEL_MAX_ROWS", 502)  # 2 header rows + 500 data rows per sheet
    out = tmp_path / "long.xlsx"
    n = export(_stream(), "xlsx", out, long=True)
    wb = load_workbook(out, read_only=True)
    parts = [s for s in wb.sheetnames if s.startswith("单元格")]
    assert len(parts) == -(-n // 500) > 1
    rows = [row for name in parts for row in _sheet_rows(wb[name])[2]]
    _check_long(rows)
    assert rows[0]["label"] and "·" in rows[0]["label"]


def test_xlsx_text_is_never_a_formula(tmp_path):
    report = REPORTS[1]
    odd = StoredReport(**{**report.__dict__, "agency": '=HYPERLINK("x")', "id": 99})
    out = tmp_path / "odd.xlsx"
    export([odd], "xlsx", out)
    ws = load_workbook(out)["报告"]
    assert ws.cell(3, 2).value == odd.agency and ws.cell(3, 2).data_type == "s"


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "xlsx"])
def test_findings_export_filters_by_rule_and_severity(tmp_path, fmt):
    everything = [(r.id, f) for r in REPORTS for f in r.record["findings"]]
    rule = next(f["rule"] for _, f in everything if f["severity"] == "warning")
    for kwargs, keep in (
        ({}, lambda f: True),
        ({"rule": rule}, lambda f: f["rule"] == rule),
        ({"severity": "info"}, lambda f: f["severity"] == "info"),
    ):
        out = tmp_path / f"f.{fmt}"
        n = export(_stream(), fmt, out, what="findings", **kwargs)
        expected = [(rid, f["rule"], f["message"]) for rid, f in everything if keep(f)]
        assert n == len(expected) > 0
        assert [(int(r["report"]), r["rule"], r["message"]) for r in _read(fmt, out)] == expected


def _read(fmt: str, path: Path) -> list[dict[str, Any]]:
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if fmt == "parquet":
        cur = duckdb.connect().execute(f"SELECT * FROM read_parquet('{path}')")
        return [dict(zip([d[0] for d in cur.description], row, strict=True)) for row in cur.fetchall()]
    return _sheet_rows(load_workbook(path, read_only=True)["问题"])[2]


def test_findings_of_supplies_corpus_findings(tmp_path):
    extra = {"rule": "X_CARRY", "severity": "warning", "message": "跨年度", "cells": ["requests.carried_over.total"],
             "location": {"line": None}, "scope": "corpus"}  # fmt: skip
    out = tmp_path / "f.csv"
    n = export(_stream(), "csv", out, what="findings", findings_of=lambda r: [extra], rule="X_CARRY")
    rows = _read("csv", out)
    assert n == len(REPORTS) and {r["scope"] for r in rows} == {"corpus"}
    assert rows[0]["cells"] == "requests.carried_over.total"


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError):
        export(REPORTS, "xls", tmp_path / "x.xls")
    with pytest.raises(ValueError):
        export(REPORTS, "csv", tmp_path / "x.csv", what="records")


def test_a_cell_absent_from_the_template_is_empty(tmp_path):
    out = tmp_path / "w.csv"
    export(_stream(), "csv", out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    r2019 = next(i for i, r in enumerate(REPORTS) if r.template == "2019")
    r2021 = next(i for i, r in enumerate(REPORTS) if r.template == "2021")
    assert rows[r2021]["proactive.procurement.amount_yuan"] == ""
    assert rows[r2019]["proactive.fees.amount_10k_yuan"] == ""
    assert _same(
        get_cell(REPORTS[r2019].record, "proactive.procurement.amount_yuan"),
        rows[r2019]["proactive.procurement.amount_yuan"],
    )
