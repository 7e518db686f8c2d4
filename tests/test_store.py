"""The corpus store: every test runs against DuckDB (a temp file) and PostgreSQL (a private server).

Records are the real gold records; findings are attached per test where a rule is needed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from conftest import REAL, ROOT, SEEDS, new_pg_database
from xxgk.errors import MissingExtraError, XxgkError
from xxgk.model.record import cell_items
from xxgk.store import NewReport, ReportFilter, Store, open_store
from xxgk.store.schema import MIGRATIONS

GOLD_FILES = sorted((SEEDS / "gold").glob("*.json")) + sorted((REAL / "gold").glob("*.json"))
ERR = {"rule": "T3_BALANCE", "severity": "error", "message": "总计不平衡", "cells": ["requests.total.total"]}
WARN = {"rule": "S_BLANK_CELLS", "severity": "warning", "message": "有空白单元格", "cells": []}


def gold_record(path: Path) -> dict[str, Any]:
    """A gold record as the parser would emit it (test-only `_…` annotations dropped)."""
    record = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in record.items() if not k.startswith("_")}


def new_report(name: str, record: dict[str, Any], version: str = "1", **over: Any) -> NewReport:
    fields: dict[str, Any] = {
        "source_path": f"/corpus/{name}.txt",
        "sha256": hashlib.sha256(name.encode()).hexdigest(),
        "format": "txt",
        "agency": record["agency"],
        "agency_key": record["agency"],
        "year": record["year"],
        "template": record["template"],
        "parser_version": version,
        "record": record,
    }
    return NewReport(**(fields | over))


def corpus() -> list[NewReport]:
    """The gold records (5× 2021, 2022, 2023, 2024) plus a 2019-template 2020 report of 郑州市公安局."""
    reports = []
    for i, path in enumerate(GOLD_FILES):
        record = gold_record(path)
        record["findings"] = [ERR, WARN] if i % 3 == 0 else ([WARN] if i % 3 == 1 else [])
        reports.append(new_report(path.stem, record))
    extra = copy.deepcopy(next(r.record for r in reports if r.agency == "郑州市公安局"))
    extra.update(year=2020, template="2019", region="河南省郑州市", findings=[ERR, ERR])
    reports.append(new_report("zhengzhou_2020", extra))
    return reports


# --- fixtures -----------------------------------------------------------------------------------
@pytest.fixture(params=["duckdb", "postgres"])
def store_url(request, tmp_path) -> str:
    """A fresh, empty corpus URL: a DuckDB file, or a new database on the session's PostgreSQL server."""
    if request.param == "duckdb":
        return str(tmp_path / "corpus.duckdb")
    return new_pg_database(request)


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


@pytest.fixture
def loaded(store) -> tuple[Store, list[NewReport], list[int]]:
    reports = corpus()
    return store, reports, store.put_reports(reports)


def scalar(store: Any, sql: str, params: list[Any] | None = None) -> Any:
    return store._rows(sql, params or [])[0][0]


# --- ingest -------------------------------------------------------------------------------------
def test_insert_reads_back_exactly(loaded):
    store, reports, ids = loaded
    assert len(set(ids)) == len(reports) == store.count_reports() == 9
    for rid, new in zip(ids, reports, strict=True):
        got = store.get_report(rid)
        assert got is not None
        assert json.dumps(got.record, ensure_ascii=False) == json.dumps(new.record, ensure_ascii=False)
        assert (got.sha256, got.agency_key, got.year, got.template) == (
            new.sha256,
            new.agency,
            new.year,
            new.template,
        )
        assert got.parsed_at.tzinfo == UTC
        assert store.cells(rid) == dict(cell_items(new.record))
        assert [f["rule"] for f in store.findings(rid)] == [f["rule"] for f in new.record["findings"]]
    assert store.get_report(10_000) is None


def test_cell_values_keep_type_and_blanks(loaded):
    store, reports, ids = loaded
    cells = store.cells(ids[0])  # 海东市公安局: blanks and a fractional fee
    assert cells["proactive.fees.amount_10k_yuan"] == pytest.approx(710.824)
    assert type(cells["proactive.licensing.decisions"]) is int
    assert cells["proactive.rules.issued"] is None
    per_report = len(list(cell_items(reports[0].record)))
    assert scalar(store, "SELECT count(*) FROM cells") == per_report * len(reports)


def test_stored_versions(loaded):
    store, reports, _ = loaded
    assert store.stored_versions([reports[0].sha256, "0" * 64]) == {reports[0].sha256: "1"}
    assert store.stored_versions([]) == {}
    assert store.put_reports([]) == []


def test_new_parser_version_replaces_in_place(loaded):
    store, reports, ids = loaded
    store.replace_corpus_findings(ids[0], [{"rule": "C_YEAR_JUMP", "severity": "warning", "message": "跳变"}])
    record = copy.deepcopy(reports[0].record)
    record["requests"]["new_received"]["total"] = 4242
    record["findings"] = [{**WARN, "location": {"line": 3}}]
    again = store.put_reports([new_report(GOLD_FILES[0].stem, record, version="2")])
    assert again == [ids[0]]
    got = store.get_report(ids[0])
    assert got.parser_version == "2" and got.record["requests"]["new_received"]["total"] == 4242
    assert store.cells(ids[0])["requests.new_received.total"] == 4242
    assert store.count_reports() == len(reports)
    assert scalar(store, "SELECT count(*) FROM cells WHERE report_id = ?", [ids[0]]) == len(
        store.cells(ids[0])
    )
    assert [(f["rule"], f["location"]) for f in store.findings(ids[0], "report")] == [
        ("S_BLANK_CELLS", {"line": 3})
    ]
    assert [f["rule"] for f in store.findings(ids[0], "corpus")] == ["C_YEAR_JUMP"]
    assert store.stored_versions([reports[0].sha256]) == {reports[0].sha256: "2"}


def test_duplicate_sha_in_one_batch_last_wins(store):
    first, second = (gold_record(GOLD_FILES[0]) for _ in range(2))
    second["year"] = 1999
    ids = store.put_reports([new_report("x", first), new_report("x", second, year=1999)])
    assert ids[0] == ids[1] and store.get_report(ids[0]).year == 1999 and store.count_reports() == 1


def test_finding_extra_keys_round_trip(store):
    record = gold_record(GOLD_FILES[0])
    ambiguous = {"rule": "S_AMBIGUOUS_CELLS", "severity": "error", "message": "数字粘连", "cells": ["a.b"]}
    ambiguous |= {"location": {"line": 9, "page": None}, "candidates": [{"a.b": 69}, {"a.b": 6}]}
    record["findings"] = [ambiguous]
    [rid] = store.put_reports([new_report("amb", record)])
    assert store.findings(rid) == [{**ambiguous, "scope": "report"}]


# --- reading ------------------------------------------------------------------------------------
def keys_of(store: Store, **flt: Any) -> list[tuple[str, int | None]]:
    return [(r.agency_key, r.year) for r in store.find_reports(ReportFilter(**flt))]


def test_filters(loaded):
    store, reports, _ = loaded
    assert len(keys_of(store, years=(2021,))) == 5
    assert keys_of(store, templates=("2019",)) == [("郑州市公安局", 2020)]
    assert keys_of(store, agency_keys=("郑州市公安局",)) == [("郑州市公安局", 2020), ("郑州市公安局", 2021)]
    assert {k for k, _ in keys_of(store, agency_like="公安")} == {
        "海东市公安局", "中卫市公安局", "经开区公安分局", "郑州市公安局", "舟山市公安局定海分局",
    }  # fmt: skip
    assert keys_of(store, region="河南") == [("郑州市公安局", 2020)]
    assert keys_of(store, region="舟山") == [("舟山市公安局定海分局", 2021)]  # agency name matches too
    with_error = {(r.agency, r.year) for r in reports if ERR in r.record["findings"]}
    assert set(keys_of(store, rule="T3_BALANCE")) == with_error
    assert set(keys_of(store, severity="error")) == with_error
    assert keys_of(store, rule="T3_BALANCE", severity="warning") == []  # one finding must match both
    assert keys_of(store, years=(2021,), agency_like="郑州", severity="error") == [("郑州市公安局", 2021)]
    assert store.count_reports(ReportFilter(agency_like="不存在")) == 0


def test_order_and_paging(loaded):
    store, reports, _ = loaded
    years = [y for _, y in keys_of(store, order_by="year")]
    assert years == sorted(years) and [y for _, y in keys_of(store, order_by="-year")] == sorted(
        years, reverse=True
    )
    agencies = [k for k, _ in keys_of(store)]
    assert agencies == sorted(agencies)
    errors = [
        sum(f["severity"] == "error" for f in store.findings(r.id))
        for r in store.find_reports(ReportFilter(order_by="-errors"))
    ]
    assert errors == sorted(errors, reverse=True) and errors[0] == 2
    counts = [len(store.findings(r.id)) for r in store.find_reports(ReportFilter(order_by="findings"))]
    assert counts == sorted(counts)
    assert len({r.id for r in store.find_reports(ReportFilter(order_by="-parsed_at"))}) == len(reports)
    everything = keys_of(store, order_by="-year")
    assert keys_of(store, order_by="-year", limit=4, offset=2) == everything[2:6]
    assert keys_of(store, order_by="-year", offset=7) == everything[7:]
    assert store.count_reports(ReportFilter(limit=2, offset=1)) == len(reports)
    streamed = [r.id for r in store.iter_reports(ReportFilter(order_by="-year", offset=1), batch=2)]
    assert streamed == [r.id for r in store.find_reports(ReportFilter(order_by="-year", offset=1))]
    with pytest.raises(ValueError):
        store.find_reports(ReportFilter(order_by="size"))


# --- agencies -----------------------------------------------------------------------------------
def test_merge_and_rename(loaded):
    store, _, _ = loaded
    store.merge_agencies("经开区公安分局", "郑州市公安局")
    assert "经开区公安分局" not in {a.key for a in store.agencies()}
    assert keys_of(store, agency_keys=("郑州市公安局",), years=(2021,)) == [("郑州市公安局", 2021)] * 2
    assert keys_of(store, agency_keys=("经开区公安分局",), years=(2021,)) == [("郑州市公安局", 2021)] * 2
    [zz] = store.agencies(like="经开区")  # an alias's printed name still finds its agency
    assert (zz.key, zz.years, zz.aliases, zz.name) == (
        "郑州市公安局",
        (2020, 2021),
        ("经开区公安分局",),
        "郑州市公安局",
    )
    report = store.report_for("郑州市公安局", 2021)
    assert report is not None and report.agency_key == "郑州市公安局"
    assert store.report_for("经开区公安分局", 2021).agency_key == "郑州市公安局"
    assert store.report_for("郑州市公安局", 1990) is None
    store.rename_agency("经开区公安分局", "郑州市公安局（含经开区）")  # renaming an alias renames its agency
    assert store.agencies(like="含经开区")[0].name == "郑州市公安局（含经开区）"
    worst = {w["agency_key"]: w for w in store.stats()["worst_agencies"]}
    assert worst["郑州市公安局"]["agency"] == "郑州市公安局（含经开区）" and "经开区公安分局" not in worst


def test_merge_chains_stay_flat_and_reverse(loaded):
    store, _, _ = loaded
    store.merge_agencies("中卫市公安局", "海东市公安局")
    store.merge_agencies("海东市公安局", "上海市科委")  # the earlier alias follows its agency
    assert keys_of(store, agency_keys=("中卫市公安局",)) == [("上海市科委", 2021)] * 2 + [
        ("上海市科委", 2024)
    ]
    assert store.agencies(like="科委")[0].aliases == ("中卫市公安局", "海东市公安局")
    store.merge_agencies("上海市科委", "海东市公安局")  # reverse: 海东 becomes the canonical key again
    [info] = store.agencies(like="科委")
    assert info.key == "海东市公安局" and info.aliases == ("上海市科委", "中卫市公安局")
    store.merge_agencies("海东市公安局", "海东市公安局")  # no-op
    assert len(store.agencies()) == len(GOLD_FILES) - 2


# --- statistics and corpus findings -------------------------------------------------------------
def test_stats(loaded):
    store, reports, _ = loaded
    stats = store.stats()
    assert stats["by_year_template"] == [
        {"year": 2020, "template": "2019", "reports": 1},
        {"year": 2021, "template": "2021", "reports": 5},
        {"year": 2022, "template": "2021", "reports": 1},
        {"year": 2023, "template": "2021", "reports": 1},
        {"year": 2024, "template": "2021", "reports": 1},
    ]
    n_err = sum(f == ERR for r in reports for f in r.record["findings"])
    n_err_reports = sum(ERR in r.record["findings"] for r in reports)
    n_warn = sum(WARN in r.record["findings"] for r in reports)
    expected = [
        {"rule": "T3_BALANCE", "severity": "error", "findings": n_err, "reports": n_err_reports},
        {"rule": "S_BLANK_CELLS", "severity": "warning", "findings": n_warn, "reports": n_warn},
    ]
    assert stats["by_rule"] == sorted(expected, key=lambda r: (-r["findings"], r["rule"]))
    worst = stats["worst_agencies"]
    assert worst[0]["agency_key"] == "郑州市公安局" and worst[0]["errors"] >= 2
    assert [(w["errors"], w["warnings"]) for w in worst] == sorted(
        ((w["errors"], w["warnings"]) for w in worst), reverse=True
    )
    only_2020 = store.stats(ReportFilter(years=(2020,), limit=0))
    assert only_2020["by_rule"] == [{"rule": "T3_BALANCE", "severity": "error", "findings": 2, "reports": 1}]
    assert only_2020["worst_agencies"] == [
        {"agency_key": "郑州市公安局", "agency": "郑州市公安局", "errors": 2, "warnings": 0}
    ]


def test_corpus_findings_are_replaced(loaded):
    store, _, ids = loaded
    jump = {
        "rule": "C_YEAR_JUMP",
        "severity": "warning",
        "message": "同比跳变",
        "cells": ["requests.total.total"],
    }
    store.replace_corpus_findings(ids[1], [jump, {**jump, "severity": "error"}])
    store.replace_corpus_findings(ids[1], [{**jump, "message": "第二次"}])
    assert [f["message"] for f in store.findings(ids[1], scope="corpus")] == ["第二次"]
    assert [f["scope"] for f in store.findings(ids[1])] == ["report", "corpus"]
    assert keys_of(store, rule="C_YEAR_JUMP") == [(store.get_report(ids[1]).agency_key, 2021)]
    store.replace_corpus_findings_many({ids[1]: [], ids[2]: [jump]})
    assert store.findings(ids[1], scope="corpus") == [] and len(store.findings(ids[2], scope="corpus")) == 1
    with pytest.raises(KeyError):  # one unknown id: the whole call is rolled back
        store.replace_corpus_findings_many({ids[2]: [], 10_000: [jump]})
    assert len(store.findings(ids[2], scope="corpus")) == 1


# --- schema and durability ----------------------------------------------------------------------
def test_source_text_kept_and_replaced(store):
    a, b = corpus()[:2]
    text = "第一行\n（七）总计\t12\t3\n"
    ids = store.put_reports([a.replace(source_text=text), b])
    assert store.source_text(ids[0]) == text
    assert store.source_text(ids[1]) is None
    store.put_reports([a.replace(parser_version="2", source_text="新的文本")])
    assert store.source_text(ids[0]) == "新的文本"


def test_migrations_applied_once_and_reopen(store_url):
    with open_store(store_url) as first:
        first.put_reports(corpus()[:2])
        applied = first._rows("SELECT version, applied_at FROM schema_migrations ORDER BY version")
    assert [v for v, _ in applied] == [m.version for m in MIGRATIONS]
    with open_store(store_url) as again:
        assert again._rows("SELECT version, applied_at FROM schema_migrations ORDER BY version") == applied
        assert again.count_reports() == 2
        again._rows("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", [999, applied[0][1]])
    with pytest.raises(XxgkError, match="升级"):
        open_store(store_url)


def test_duckdb_upgrade_to_zstd_texts_keeps_every_row(tmp_path, monkeypatch):
    """A corpus written before migration 4 (records and sources under DuckDB's default compression)
    upgrades on open: the same reports, ids, cells, findings and texts, then the long texts in ZSTD and
    new reports still numbered after the old ones."""
    import xxgk.store.schema as schema

    path = tmp_path / "old.duckdb"
    reports = corpus()
    texts = {r.sha256: f"{r.agency}\n（七）总计\t{i}\n" for i, r in enumerate(reports)}
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", MIGRATIONS[:3])
        m.setattr(schema, "LATEST", 3)
        with open_store(path) as old:
            ids = old.put_reports([r.replace(source_text=texts[r.sha256]) for r in reports])
            before = [(old.get_report(i), old.cells(i), old.findings(i), old.source_text(i)) for i in ids]
    with open_store(path) as upgraded:
        assert [
            (upgraded.get_report(i), upgraded.cells(i), upgraded.findings(i), upgraded.source_text(i))
            for i in ids
        ] == before
        extra = new_report("after_upgrade", reports[0].record)
        assert upgraded.put_reports([extra]) == [max(ids) + 1]
        upgraded._rows("CHECKPOINT")
        for table, column in (("reports", "record"), ("sources", "text")):
            kinds = {
                c
                for (c,) in upgraded._rows(
                    f"SELECT compression FROM pragma_storage_info('{table}') WHERE column_name = ?", [column]
                )
            }
            assert "ZSTD" in kinds, (table, kinds)
        versions = [v for (v,) in upgraded._rows("SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == [m.version for m in MIGRATIONS]


def run_threads(target: Any, args: list[tuple[Any, ...]]) -> None:
    """Run target(*a) for each a at once; re-raise the first failure."""
    errors: list[BaseException] = []

    def guarded(*a: Any) -> None:
        try:
            target(*a)
        except BaseException as exc:  # pragma: no cover - re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=a) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_postgres_concurrent_opens_and_writers(request):
    """Workers may open a fresh database and write the same files at once: one migration, no deadlock."""
    url = new_pg_database(request)

    def open_and_put(seed: int) -> None:
        reports = corpus()
        random.Random(seed).shuffle(reports)
        own = new_report(f"own{seed}", reports[0].record)
        with open_store(url) as s:
            s.put_reports([*reports, own])
            s.put_reports(reports[:3])

    run_threads(open_and_put, [(seed,) for seed in range(6)])
    with open_store(url) as s:
        assert scalar(s, "SELECT count(*) FROM schema_migrations") == len(MIGRATIONS)
        assert s.count_reports() == len(corpus()) + 6
        assert_consistent(s)


CHILD = r"""
import json, sys, time
from pathlib import Path
from xxgk.store import NewReport, open_store
url, mode, *paths = sys.argv[1:]
records = [json.loads(Path(p).read_text(encoding="utf-8")) for p in paths]

def batch(tag, n):
    rs = [records[i % len(records)] for i in range(n)]
    return [NewReport(f"{tag}/{i}", f"{tag}-{i:06d}", "txt", r["agency"], r["agency"], r["year"],
                      r["template"], "1", r) for i, r in enumerate(rs)]

store = open_store(url)
store.put_reports(batch("A", 5))
print("A", flush=True)
if mode == "mid":
    real = store._execute
    def stalled(sql, params):
        rows = real(sql, params)
        if "INSERT INTO cells" in sql:
            print("mid", flush=True)
            time.sleep(120)
        return rows
    store._execute = stalled
    store.put_reports(batch("B", 100))
else:
    for k in range(100_000):
        store.put_reports(batch(f"L{k}", 12))
        print(f"L{k}", flush=True)
"""


def kill_child_during_ingest(url: str, mode: str) -> None:
    """Run CHILD and SIGKILL it inside a put_reports ("mid") or at a random moment between/within batches."""
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    args = [sys.executable, "-c", CHILD, url, mode, *map(str, GOLD_FILES)]
    child = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env)
    try:
        wanted = "mid" if mode == "mid" else "L2"
        for line in child.stdout:
            if line.strip() == wanted:
                break
        else:  # pragma: no cover - the child died on its own
            raise AssertionError(f"child exited early with {child.wait()}")
        if mode != "mid":
            time.sleep(random.uniform(0, 0.3))
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()


def assert_consistent(store: Any) -> dict[str, int]:
    """Every report has exactly its cells, nothing dangles; returns report counts per batch tag."""
    expected = sum(len(list(cell_items(r.record))) for r in store.iter_reports())
    assert scalar(store, "SELECT count(*) FROM cells") == expected
    assert scalar(store, "SELECT count(*) FROM cells WHERE report_id NOT IN (SELECT id FROM reports)") == 0
    tags: dict[str, int] = {}
    for r in store.iter_reports():
        tag = r.source_path.split("/")[0]
        tags[tag] = tags.get(tag, 0) + 1
    return tags


@pytest.mark.parametrize("mode", ["mid", "random"])
def test_kill_9_leaves_whole_batches(store_url, mode):
    kill_child_during_ingest(store_url, mode)
    with open_store(store_url) as s:
        tags = assert_consistent(s)
    assert tags.pop("A") == 5
    if mode == "mid":
        assert tags == {}  # killed before COMMIT: none of batch B
    else:
        assert set(tags.values()) == {12}  # every batch whole
        assert sorted(tags) == sorted(f"L{k}" for k in range(len(tags))) and len(tags) >= 3


# --- opening ------------------------------------------------------------------------------------
def test_open_store_defaults_to_duckdb_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open_store(None) as s:
        s.put_reports(corpus()[:1])
    assert (tmp_path / "xxgk.duckdb").exists()
    with open_store(tmp_path / "xxgk.duckdb", read_only=True) as s:
        assert s.count_reports() == 1
        with pytest.raises(Exception, match="read-only"):
            s.put_reports(corpus()[1:2])


def test_duckdb_second_writer_process_is_refused(tmp_path):
    path = tmp_path / "locked.duckdb"
    open_store(path).close()
    holder = "import sys, time; from xxgk.store import open_store; s = open_store(sys.argv[1]); print('ok', flush=True); time.sleep(60)"
    child = subprocess.Popen([sys.executable, "-c", holder, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ok"
        with pytest.raises(XxgkError, match="一个写入进程"):
            open_store(path)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()


def test_postgres_without_psycopg_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingExtraError, match=r'pip install "xxgk\[postgres\]"'):
        open_store("postgresql://nobody@127.0.0.1:1/none")


def test_report_years_and_record_texts_for_the_bulk_cross_year_step(loaded):
    """What bulk ingest's cross-year step reads instead of whole reports: metadata with the alias table
    applied, and records as undecoded JSON text."""
    store, reports, ids = loaded
    zz = next(r for r in reports if r.agency == "郑州市公安局")
    other = next(r for r in reports if r.agency_key != zz.agency_key and r.year is not None)
    store.merge_agencies(other.agency_key, zz.agency_key)
    years = sorted({r.year for r in reports if r.year is not None})
    rows = store.report_years([other.agency_key], years)
    expected = {
        i for i, r in zip(ids, reports, strict=True) if r.agency_key in (zz.agency_key, other.agency_key)
    }
    assert {rid for rid, *_ in rows} == expected
    assert {key for _, key, *_ in rows} == {zz.agency_key}
    assert all(isinstance(year, int) and parsed_at is not None for _, _, year, parsed_at in rows)
    texts = store.record_texts(ids[:3])
    assert {i: json.loads(t) for i, t in texts.items()} == {i: store.get_report(i).record for i in ids[:3]}
    assert store.report_years([], years) == [] and store.record_texts([]) == {}


def test_duckdb_lists_a_year_by_scanning_not_through_an_index(tmp_path, monkeypatch):
    """A corpus made before migration 5 loses its secondary indexes on open. With them, DuckDB fetched a
    selective filter's rows one by one through the index, each fetch decompressing a ZSTD block of
    records (a year of a 4 000-report corpus listed in 2.7 s instead of 23 ms)."""
    import xxgk.store.schema as schema
    from xxgk.store import queries
    from xxgk.store.queries import DUCKDB

    path = tmp_path / "v4.duckdb"
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", MIGRATIONS[:4])
        m.setattr(schema, "LATEST", 4)
        with open_store(path) as old:
            old.put_reports(corpus())
            assert old._rows("SELECT count(*) FROM duckdb_indexes()")[0][0] == 6
    with open_store(path) as upgraded:
        assert upgraded._rows("SELECT index_name FROM duckdb_indexes()") == []
        sql, params = queries.select_reports(ReportFilter(years=(2022,), limit=50), [])
        plan = "\n".join(
            row[1] for row in upgraded._rows("EXPLAIN ANALYZE " + DUCKDB.sql(sql), DUCKDB.params(params))
        )
        assert "Index Scan" not in plan and "Sequential Scan" in plan, plan
        assert {r.year for r in upgraded.find_reports(ReportFilter(years=(2022,)))} == {2022}
