"""Bulk ingest (`xxgk ingest`, xxgk.bulk): discovery, skipping, failures, crash safety, Dask.

Real documents (shared/seeds, shared/real) plus generated reports give many distinct files. The crash
test SIGKILLs a real `python -m xxgk ingest` several times mid-run and checks every file ends up stored
exactly once.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import xxgk
from conftest import REAL, SEEDS, new_pg_database
from xxgk.bulk import Failure, ZipLimits, discover, ingest, ingest_uploads, parse_one
from xxgk.bulk import worker as bulk_worker
from xxgk.bulk.discover import member_name
from xxgk.cli.app import app
from xxgk.generate import LAYOUTS, random_record, render_text
from xxgk.store import NewReport, open_store

REPORT_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".doc")
REAL_FILES = sorted(
    p for d in (SEEDS, REAL) for p in d.iterdir() if p.is_file() and p.suffix in REPORT_SUFFIXES
)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def generated(n: int, seed: int) -> list[tuple[str, bytes]]:
    """n distinct generated reports (name, bytes) spread over every text layout."""
    rng = random.Random(seed)
    return [
        (f"gen_{seed}_{i:04d}.txt", render_text(random_record(rng), LAYOUTS[i % len(LAYOUTS)], rng).encode())
        for i in range(n)
    ]


def write(folder: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files:
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the real reports and 30 generated ones (some in a nested folder)."""
    root = tmp_path_factory.mktemp("corpus")
    write(root, [(p.name, p.read_bytes()) for p in REAL_FILES])
    files = generated(30, seed=1)
    write(root, files[:20])
    write(root / "nested" / "deeper", files[20:])
    return root


def corpus_hashes(root: Path) -> set[str]:
    return {sha(p.read_bytes()) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def duck(tmp_path: Path):
    store = open_store(tmp_path / "corpus.duckdb")
    yield store
    store.close()


# --- discovery ---------------------------------------------------------------------------------


def gbk_zip(members: dict[str, bytes]) -> bytes:
    """A zip as Chinese Windows tools write it: GBK names, UTF-8 flag (0x800) unset. zipfile would set
    the flag for any non-ASCII name, so ASCII placeholders of the same byte length are patched."""
    buf = io.BytesIO()
    patches = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(members.items()):
            raw = name.encode("gbk")
            placeholder = f"{i:02d}".encode() + b"#" * (len(raw) - 2)
            zf.writestr(placeholder.decode(), data)
            patches.append((placeholder, raw))
    out = buf.getvalue()
    for placeholder, raw in patches:
        assert out.count(placeholder) == 2  # local header + central directory
        out = out.replace(placeholder, raw)
    return out


def test_discovery_of_files_folders_globs_and_zips(tmp_path: Path, corpus: Path):
    reports = generated(3, seed=2)
    (tmp_path / "a.zip").write_bytes(gbk_zip({"年报/政府信息公开工作年度报告2022.txt": reports[0][1]}))
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as zf:  # UTF-8 names, flag set by zipfile
        zf.writestr("2023/区教育局年报.txt", reports[1][1])
        zf.writestr("__MACOSX/2023/._区教育局年报.txt", b"\x00\x05\x16\x07")
        zf.writestr("2023/", b"")
    write(tmp_path / "loose", [("one.txt", reports[2][1]), (".hidden.txt", b"x")])

    found = discover([corpus, f"{tmp_path}/*.zip", tmp_path / "loose", corpus / "nested"])
    names = [s.name for s in found.sources]
    assert not found.failures
    assert len(names) == len(REAL_FILES) + 30 + 2 + 2  # nested given twice is listed once
    assert f"{tmp_path}/a.zip!年报/政府信息公开工作年度报告2022.txt" in names
    assert f"{tmp_path}/b.zip!2023/区教育局年报.txt" in names
    assert str(tmp_path / "loose" / ".hidden.txt") in names  # the parser decides, not the file name
    member = next(s for s in found.sources if s.name.startswith(f"{tmp_path}/a.zip!"))
    assert member.read() == reports[0][1]

    recursive = discover([f"{corpus}/**/*.txt"])
    assert {s.name for s in recursive.sources} >= {str(corpus / "nested" / "deeper" / "gen_1_0025.txt")}
    missing = discover([tmp_path / "nope.pdf", f"{tmp_path}/*.docx"])
    assert [f.reason for f in missing.failures] == [
        f"无法处理文件 {tmp_path / 'nope.pdf'}：文件不存在。",
        f"没有与“{tmp_path}/*.docx”匹配的文件。",
    ]


def test_a_saved_web_pages_own_folder_is_part_of_the_page(tmp_path: Path):
    """页面.html with 页面_files/ beside it (as a browser saves a page): one source, the page — its
    pictures are read with it — while a folder of the same kind with no page beside it is walked."""
    write(tmp_path, [("页面.html", b"<html></html>"), ("其他.txt", b"x")])
    write(tmp_path / "页面_files", [("1.png", b"\x89PNG"), ("style.css", b"p{}")])
    write(tmp_path / "孤立_files", [("报告.txt", b"x")])
    names = sorted(Path(s.name).relative_to(tmp_path).as_posix() for s in discover([tmp_path]).sources)
    assert names == ["其他.txt", "孤立_files/报告.txt", "页面.html"]


def test_member_names_in_gbk_utf8_and_cp437():
    info = zipfile.ZipInfo("x")
    info.filename = "政务公开.txt".encode("gbk").decode("cp437")
    assert member_name(info) == "政务公开.txt"
    info.filename = "政务公开.txt".encode().decode("cp437")  # UTF-8 without the flag
    assert member_name(info) == "政务公开.txt"
    info.filename = "r\u00e9sum\u00e9.txt".encode("cp437").decode("cp437")
    assert member_name(info).endswith(".txt")


def test_zip_bombs_are_refused_before_decompressing(tmp_path: Path):
    bomb = tmp_path / "bomb.zip"  # 210 MB of zeros, ~1 MB on disk: beyond the 200 MB per-file limit
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open("报告.txt", "w") as fh,
    ):
        for _ in range(210):
            fh.write(bytes(1 << 20))
    found = discover([bomb])
    assert not found.sources
    assert "拒绝展开压缩包" in found.failures[0].reason and "超过单个文件上限" in found.failures[0].reason

    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(30):
            zf.writestr(f"{i}.txt", b"1")
    refused = discover([many], ZipLimits(max_members=20)).failures[0].reason
    assert "成员文件 30 个，超过上限 20 个" in refused
    total = discover([many], ZipLimits(max_total_bytes=10)).failures[0].reason
    assert "疑似压缩炸弹" in total


# --- the worker --------------------------------------------------------------------------------


def test_worker_turns_every_problem_into_a_chinese_failure(monkeypatch: pytest.MonkeyPatch):
    name, data = generated(1, seed=3)[0]
    report = parse_one(name, data, parser_version="v-test")
    assert isinstance(report, NewReport)
    assert (report.sha256, report.format, report.parser_version) == (sha(data), "txt", "v-test")
    assert report.agency and report.agency_key and report.year and report.record["source"]["path"] == name

    assert parse_one("空.txt", b"").reason == "无法处理文件 空.txt：文件为空。"
    assert "图片" in parse_one("scan.pdf", PNG).reason
    assert "无法读取" in parse_one("gone.txt", "/nonexistent/gone.txt").reason

    def boom(data: bytes, name: str) -> dict:
        raise KeyError("oops")

    monkeypatch.setattr(bulk_worker, "_parse", boom)
    bug = parse_one("坏.txt", data)
    assert isinstance(bug, Failure) and "坏.txt" in bug.reason and "内部错误" in bug.reason

    monkeypatch.setattr(bulk_worker, "_parse", lambda data, name: time.sleep(5))
    slow = parse_one("慢.txt", data, timeout=0.2)
    assert slow.reason == "处理文件 慢.txt 超时（超过 0.2 秒），已跳过。"


# --- ingest ------------------------------------------------------------------------------------


@pytest.fixture(params=["duckdb", "postgres"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "duckdb":
        store = open_store(tmp_path / "corpus.duckdb")
    else:
        url = new_pg_database(request)
        store = open_store(url)
    yield store
    store.close()


def test_ingest_stores_each_report_once_and_skips_unchanged(any_store, corpus: Path, monkeypatch):
    seen = []
    first = ingest([corpus], any_store, workers=2, progress=seen.append)
    n = len(REAL_FILES) + 30
    assert (first.stored, first.unchanged, first.failed) == (n, 0, 0), first.failures
    assert seen[-1].done == seen[-1].total == n and seen[-1].stored == n
    hashes = corpus_hashes(corpus)
    assert set(any_store.stored_versions(list(hashes))) == hashes
    pdf = next(p for p in REAL_FILES if p.suffix == ".pdf")
    stored = any_store.get_report(first.report_ids[str(corpus / pdf.name)])
    assert stored.format == "pdf" and stored.record["source"]["sha256"] == sha(pdf.read_bytes())
    assert stored.parser_version == xxgk.PARSER_VERSION

    def must_not_parse(data: bytes, name: str) -> dict:
        raise AssertionError(f"unchanged file parsed again: {name}")

    monkeypatch.setattr(bulk_worker, "_parse", must_not_parse)
    again = ingest([corpus], any_store, workers=0)
    assert (again.stored, again.unchanged, again.failed) == (0, n, 0)


def test_new_parser_version_reparses_in_place(duck, corpus: Path, monkeypatch: pytest.MonkeyPatch):
    first = ingest([corpus / "nested"], duck, workers=2)
    assert first.stored == 10
    monkeypatch.setattr(xxgk, "PARSER_VERSION", "999.0")
    second = ingest([corpus / "nested"], duck, workers=2)
    assert (second.stored, second.unchanged) == (10, 0)
    assert second.report_ids == first.report_ids  # replaced in place: same ids, no new rows
    assert duck.count_reports() == 10
    assert {r.parser_version for r in duck.find_reports()} == {"999.0"}
    assert ingest([corpus / "nested"], duck, workers=0).unchanged == 10


def test_uploads_and_duplicates(duck):
    files = generated(3, seed=4)
    summary = ingest_uploads([*files, ("copy.txt", files[0][1]), ("空.txt", b"")], duck)
    assert (summary.stored, summary.duplicate, summary.failed) == (3, 1, 1)
    assert set(summary.report_ids) == {name for name, _ in files}
    assert summary.as_dict()["failures"] == [
        {"source": "空.txt", "reason": "无法处理文件 空.txt：文件为空。"}
    ]


def test_cli_reports_failures_in_chinese_and_exits_1(tmp_path: Path, corpus: Path):
    bad = tmp_path / "bad"
    write(bad, [("空报告.txt", b""), ("noise.bin", random.Random(5).randbytes(3000)), ("扫描件.pdf", PNG)])
    good = write(tmp_path / "good", generated(4, seed=6))
    db = tmp_path / "cli.duckdb"
    runner = CliRunner()
    result = runner.invoke(
        app, ["ingest", str(bad), str(tmp_path / "good"), "--db", str(db), "--workers", "2"]
    )
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert f"无法处理文件 {bad / '空报告.txt'}：文件为空。" in out
    assert f"{bad / 'noise.bin'}" in out and "二进制" in out
    assert f"{bad / '扫描件.pdf'}" in out and "图片" in out
    assert "新入库 4，未变化跳过 0，失败 3" in out and "Traceback" not in result.output

    again = runner.invoke(app, ["ingest", *map(str, good), "--db", str(db), "--format", "json"])
    assert again.exit_code == 0, again.output
    assert '"unchanged": 4' in again.stdout


def test_batched_cross_year_matches_the_corpus_rules(duck, tmp_path: Path):
    """Agencies over four years (one year in two versions), stored in small batches in shuffled order:
    the findings must equal a full `apply_cross_year` recomputation from scratch."""
    from xxgk.corpus.crossyear import apply_cross_year
    from xxgk.generate.prose import random_agency, random_sections

    rng = random.Random(9)
    files = []
    for agency in [random_agency(rng) for _ in range(4)]:
        for year in (2021, 2022, 2023, 2023, 2024):
            record = random_record(rng, year=year)
            record["agency"] = agency
            record["sections"] = random_sections(rng, record)
            files.append((f"{rng.randrange(10**9):09d}.txt", render_text(record, "tab", rng).encode()))
    write(tmp_path / "years", files)
    summary = ingest([tmp_path / "years"], duck, workers=2, batch_size=3)
    assert summary.stored == 20
    ids = sorted(summary.report_ids.values())
    incremental = {i: duck.findings(i, "corpus") for i in ids}
    assert sum(map(len, incremental.values())) > 0
    apply_cross_year(duck)
    assert {i: duck.findings(i, "corpus") for i in ids} == incremental


def test_rerun_computes_the_cross_year_findings_a_killed_run_left_out(duck, tmp_path: Path):
    """A run killed between storing a batch and storing its cross-year findings (simulated: the writer's
    put_reports alone) leaves the reports listed as pending; the next ingest computes exactly the
    findings a complete run gives."""
    from xxgk.corpus.crossyear import apply_cross_year
    from xxgk.generate.prose import random_agency, random_sections

    rng = random.Random(21)
    files = []
    for agency in [random_agency(rng) for _ in range(3)]:
        for year in (2021, 2022, 2023):
            record = random_record(rng, year=year)
            record["agency"] = agency
            record["sections"] = random_sections(rng, record)
            files.append((f"{agency}{year}.txt", render_text(record, "tab", rng).encode()))
    paths = write(tmp_path / "years", files)
    ids = duck.put_reports([parse_one(p.name, p.read_bytes()) for p in paths])
    assert sorted(duck.cross_year_pending()) == sorted(ids)
    assert all(duck.findings(i, "corpus") == [] for i in ids)

    again = ingest([tmp_path / "years"], duck, workers=0)
    assert again.unchanged == 9 and duck.cross_year_pending() == []
    repaired = {i: duck.findings(i, "corpus") for i in ids}
    assert sum(map(len, repaired.values())) > 0
    apply_cross_year(duck)
    assert {i: duck.findings(i, "corpus") for i in ids} == repaired


def test_side_job_lost_with_its_pool_is_computed_here():
    """The writer's cross-year job must not be lost when the side pool dies or is stopped under it."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from xxgk.bulk.pool import Job

    lost: Future[int] = Future()
    lost.set_exception(BrokenProcessPool("worker died"))
    job = Job(sum, [[1, 2], [3]], [lost, lost], timeout=1.0)
    assert job.done() and job.result() == [3, 3]


def test_batch_cross_year_reads_metadata_only_and_matches_the_loaded_path(duck):
    """The SQL stores' path (pairs decided on (id, agency, year, parsed_at), records sent as JSON text)
    gives the same findings as the generic path that loads every record, aliases included."""
    from xxgk.bulk import crossyear
    from xxgk.generate.prose import random_agency, random_sections

    rng = random.Random(12)
    old, new = random_agency(rng), random_agency(rng)
    files = []
    for agency, year in ((old, 2021), (old, 2022), (new, 2023), (new, 2023), (new, 2024), (old, 2025)):
        record = random_record(rng, year=year)
        record["agency"] = agency
        record["sections"] = random_sections(rng, record)
        files.append((f"{agency}{year}_{len(files)}.txt", render_text(record, "tab", rng).encode()))
    reports = [parse_one(name, data, xxgk.PARSER_VERSION) for name, data in files]
    ids = duck.put_reports(reports)
    duck.merge_agencies(reports[0].agency_key, reports[2].agency_key)
    batch = [reports[1], reports[3], reports[5]]
    batch_ids = [ids[1], ids[3], ids[5]]

    def corpus() -> dict[int, list]:
        return {i: duck.findings(i, "corpus") for i in ids}

    crossyear.apply_batch(duck, batch_ids, batch)
    fast = corpus()
    assert sum(map(len, fast.values())) > 0
    duck.replace_corpus_findings_many({i: [] for i in ids})
    crossyear._apply_loaded(duck, batch_ids, batch)
    assert corpus() == fast


def test_pool_survives_a_hung_file_and_a_killed_worker(tmp_path: Path):
    from xxgk.bulk.pool import ProcessEngine, WorkItem

    items = [WorkItem(name, data) for name, data in generated(12, seed=10)]
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # reading it blocks forever, where the worker's alarm is not armed
    engine = ProcessEngine(2, "v", timeout=5, hard_timeout=1.5)
    outcomes = []
    for outcome in engine.run([*items[:6], WorkItem("pipe.txt", str(fifo)), *items[6:]]):
        if len(outcomes) == 2:  # a worker dies (native crash, OOM killer): nobody innocent is blamed
            os.kill(next(iter(engine._pool._processes)), signal.SIGKILL)
        outcomes.append(outcome)
    failures = [o for o in outcomes if isinstance(o, Failure)]
    assert [f.reason for f in failures] == ["处理文件 pipe.txt 超时（超过 1.5 秒无响应），已跳过。"]
    assert sorted(o.source_path for o in outcomes if isinstance(o, NewReport)) == sorted(
        i.name for i in items
    )
    assert "不是普通文件" in discover([fifo]).failures[0].reason  # discovery never hands a pipe over


def test_small_files_share_a_task_and_large_ones_travel_alone():
    from xxgk.bulk.pool import BATCH_BYTES, BATCH_FILES, WorkItem, _Batches

    sizes = [BATCH_BYTES // 3] * 3 + [BATCH_BYTES * 4] + [1000] * (BATCH_FILES + 2)
    batches = _Batches(iter([WorkItem(f"f{i}", b"", size) for i, size in enumerate(sizes)]))
    shapes = []
    while batch := batches.next():
        shapes.append([item.size for item in batch])
    third = BATCH_BYTES // 3
    assert shapes == [[third] * 3, [BATCH_BYTES * 4], [1000] * BATCH_FILES, [1000, 1000]]


def test_per_file_time_limit_in_worker_processes(duck):
    summary = ingest_uploads(generated(3, seed=11), duck, workers=2, timeout=0.001)
    assert summary.failed == 3 and all("超时" in f.reason for f in summary.failures)


# --- crash safety: the real kill -9 ------------------------------------------------------------


def _count(db: Path, hashes: set[str]) -> int:
    """Reports stored so far (opening the store also replays and checkpoints DuckDB's WAL)."""
    with open_store(db) as store:
        stored = store.stored_versions(list(hashes))
        assert store.count_reports() == len(stored)  # nothing stored twice, nothing foreign
        return len(stored)


def _run_and_kill(cmd: list[str], db: Path, wal_growth: int, extra: float) -> bool:
    """Start ingest, SIGKILL it once its WAL grew by `wal_growth` bytes (some batches committed) plus
    `extra` seconds (so the kill lands anywhere, also inside a batch). False if it finished first."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wal = db.with_name(db.name + ".wal")
    base = last = wal.stat().st_size if wal.exists() else 0
    deadline = time.monotonic() + 60
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            size = wal.stat().st_size if wal.exists() else 0
            base = 0 if size < last else base  # checkpointed on open: the WAL starts again
            last = size
            if size - base >= wal_growth:
                break
            time.sleep(0.005)
        time.sleep(extra)
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        return killed
    finally:
        # workers exit by themselves when the coordinator dies; make sure before the next run
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def test_kill_9_then_rerun_stores_every_file_exactly_once(tmp_path: Path):
    files = write(tmp_path / "reports", generated(150, seed=7))
    hashes = {sha(p.read_bytes()) for p in files}
    db = tmp_path / "kill.duckdb"
    cmd = [sys.executable, "-m", "xxgk", "ingest", str(tmp_path / "reports"), "--db", str(db)]
    cmd += ["--batch-size", "10", "--workers", "2"]
    rng = random.Random()
    counts = []
    for growth in (0, 150_000, 400_000, 700_000):  # ~190 kB of WAL per committed batch of 10
        killed = _run_and_kill(cmd, db, growth, rng.uniform(0.0, 0.3))
        counts.append((killed, _count(db, hashes) if db.exists() else 0))
    print("kill -9 rounds (killed, stored so far):", counts)
    assert any(killed and 0 < n < 150 for killed, n in counts), counts  # some kills landed mid-run
    final = subprocess.run([*cmd, "--format", "json"], capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert f'"unchanged": {counts[-1][1]}' in final.stdout
    assert f'"stored": {150 - counts[-1][1]}' in final.stdout
    assert _count(db, hashes) == 150
    with open_store(db) as store:  # no cross-year findings lost to a kill either
        assert store.cross_year_pending() == []


# --- Dask --------------------------------------------------------------------------------------


def test_dask_cluster_stores_the_same_records_as_the_process_pool(tmp_path: Path, corpus: Path):
    distributed = pytest.importorskip("distributed")
    paths = [corpus / "nested", *sorted(corpus.glob("*.txt"))[:6]]
    with open_store(tmp_path / "pool.duckdb") as pool_store:
        ingest(paths, pool_store, workers=2)
        by_pool = {r.sha256: r.record for r in pool_store.find_reports()}
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
        open_store(tmp_path / "dask.duckdb") as dask_store,
    ):
        summary = ingest(paths, dask_store, scheduler=client)
        by_dask = {r.sha256: r.record for r in dask_store.find_reports()}
        address = ingest(paths, dask_store, scheduler=cluster.scheduler_address)  # by address
    assert summary.stored == len(by_pool) == 16 and not summary.failures
    assert by_dask == by_pool
    assert address.unchanged == 16


def test_dask_missing_is_a_chinese_install_hint(monkeypatch: pytest.MonkeyPatch, duck):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import now raises ImportError
    with pytest.raises(xxgk.errors.MissingExtraError) as err:
        ingest([], duck, scheduler="tcp://127.0.0.1:1")
    assert 'pip install "xxgk[distributed]"' in err.value.message
