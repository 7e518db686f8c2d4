"""The corpus commands (`stats`, `agencies`, `compare`, `aggregate`, `indicators`, `export`) on a store
holding the real seeds and reports."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import REAL, SEEDS, new_pg_database
from xxgk.api import parse
from xxgk.bulk import ingest
from xxgk.cli import app
from xxgk.store import open_store

REPORTS = sorted(
    p for folder in (SEEDS, REAL) for p in folder.iterdir() if p.suffix in (".txt", ".md", ".pdf")
)
runner = CliRunner()


def fresh_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "postgres":
        return new_pg_database(request)
    return str(tmp_path_factory.mktemp("corpus") / "xxgk.duckdb")


def ingested(url: str) -> str:
    with open_store(url) as store:
        summary = ingest([str(p) for p in REPORTS], store, workers=0)
    assert summary.failed == 0 and summary.stored == len(REPORTS)
    return url


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def db(request, tmp_path_factory) -> str:
    """The same corpus in each store: every command must answer the same on DuckDB and PostgreSQL."""
    return ingested(fresh_url(request, tmp_path_factory))


@pytest.fixture(params=["duckdb", "postgres"])
def scratch_db(request, tmp_path_factory) -> str:
    """A corpus a test may change."""
    return ingested(fresh_url(request, tmp_path_factory))


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_stats_counts_reports_and_findings(db):
    stats = json.loads(run("stats", "--db", db, "--format", "json"))
    assert sum(r["reports"] for r in stats["by_year_template"]) == len(REPORTS)
    expected = {}
    for p in REPORTS:
        for f in parse(p)["findings"]:
            expected[(f["rule"], f["severity"])] = expected.get((f["rule"], f["severity"]), 0) + 1
    assert {(r["rule"], r["severity"]): r["findings"] for r in stats["by_rule"]} == expected


def test_year_filter_narrows_stats(db):
    stats = json.loads(run("stats", "--db", db, "--year", "2021", "--format", "json"))
    years = {p: parse(p)["year"] for p in REPORTS}
    assert sum(r["reports"] for r in stats["by_year_template"]) == sum(1 for y in years.values() if y == 2021)


def test_compare_two_files_lists_differing_cells():
    a, b = REPORTS[0], REPORTS[1]
    out = json.loads(run("compare", str(a), str(b), "--format", "json"))
    ra, rb = parse(a), parse(b)
    diffs = {c["key"] for c in out["cells"]}
    assert diffs and all(_cell(ra, k) != _cell(rb, k) for k in diffs), (
        "every listed cell really differs between the two records"
    )
    assert out["cells_compared"] >= len(diffs)


def _cell(record: dict, key: str):
    node = record
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def test_compare_a_report_with_itself_finds_nothing(db):
    out = json.loads(run("compare", "1", "1", "--db", db, "--format", "json"))
    assert out["cells"] == [] and all(s["similarity"] in (100.0, None) for s in out["sections"])


def test_agencies_merge_and_rename(scratch_db):
    found = json.loads(run("agencies", "--db", scratch_db, "--format", "json"))
    a, b = found[0]["key"], found[1]["key"]
    run("agencies", "--db", scratch_db, "--merge", a, b, "--rename", b, "合并后的机关")
    after = {x["key"]: x for x in json.loads(run("agencies", "--db", scratch_db, "--format", "json"))}
    assert a not in after and after[b]["name"] == "合并后的机关" and a in after[b]["aliases"]


def test_aggregate_sums_a_year(db):
    summary = json.loads(run("aggregate", "--db", db, "--year", "2021", "--name", "汇总"))
    records = [parse(p) for p in REPORTS]
    records = [r for r in records if r["year"] == 2021]
    key = "requests.new_received.total"
    values = [_cell(r, key) for r in records if _cell(r, key) is not None]
    assert _cell(summary, key) == sum(values)
    assert len(summary["aggregate_of"]) == len(records)


def test_indicators_of_a_file():
    path = REPORTS[0]
    out = json.loads(run("indicators", str(path), "--format", "json"))
    rec = parse(path)
    total = rec["requests"]["total"]["total"]
    granted = rec["requests"]["granted"]["total"] + rec["requests"]["partial"]["total"]
    assert out["disclosure_rate"] == pytest.approx(100 * granted / total)


def test_export_csv_long_and_xlsx(db, tmp_path):
    out = tmp_path / "cells.csv"
    run("export", "--db", db, "-f", "csv", "--long", "-o", str(out))
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["report"] for r in rows} == {str(i) for i in range(1, len(REPORTS) + 1)}
    xlsx = tmp_path / "corpus.xlsx"
    run("export", "--db", db, "-f", "xlsx", "-o", str(xlsx))
    assert len(openpyxl.load_workbook(xlsx, read_only=True).sheetnames) >= 4


def test_unknown_report_reference_is_a_clear_error(db):
    result = runner.invoke(app, ["compare", "999", "1", "--db", db])
    assert result.exit_code == 2 and "找不到报告" in result.output
