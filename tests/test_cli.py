"""The command-line contract of spec/cli.md: outputs and exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REAL, ROOT, SEEDS

EXAMPLE = ROOT / "examples" / "zhongwei_police_2021.txt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xxgk", *args], capture_output=True, text=True, encoding="utf-8"
    )


def test_parse_prints_record_unescaped():
    proc = run("parse", str(EXAMPLE))
    assert proc.returncode == 0
    assert "中卫市公安局" in proc.stdout  # ensure_ascii off
    assert json.loads(proc.stdout)["requests"]["total"]["total"] == 2


def test_parse_exits_zero_whatever_the_findings():
    proc = run("parse", str(SEEDS / "000_5f1914cbe288c934.txt"))
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["findings"]


def test_unreadable_file_is_one_chinese_sentence_and_exit_2(tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02binary\xff" * 50)
    proc = run("parse", str(bad))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert str(bad) in proc.stderr and "二进制" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_not_a_report_exit_2(tmp_path):
    other = tmp_path / "notice.txt"
    other.write_text("关于做好秋季防火工作的通知\n各单位：请做好防火工作。\n", encoding="utf-8")
    proc = run("parse", str(other))
    assert proc.returncode == 2
    assert "不是政府信息公开工作年度报告" in proc.stderr


def test_missing_file_exit_2(tmp_path):
    proc = run("parse", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2 and "不存在" in proc.stderr


def test_check_exit_codes(tmp_path):
    assert run("check", str(EXAMPLE)).returncode == 0
    # a report whose printed 表四 totals are wrong has error findings → 1
    broken = tmp_path / "broken.txt"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "(七) 总计\t\t2\t0\t0\t0\t0\t0\t2", "(七) 总计\t\t3\t0\t0\t0\t0\t0\t2"
    )
    broken.write_text(text, encoding="utf-8")
    assert run("check", str(broken)).returncode == 1
    assert run("check", str(EXAMPLE), str(tmp_path / "missing.txt")).returncode == 2


def test_check_json_lists_findings_per_file():
    proc = run(
        "check",
        "--format",
        "json",
        str(SEEDS / "000_5f1914cbe288c934.txt"),
        str(REAL / "008_pingtan_2022.txt"),
    )
    data = json.loads(proc.stdout)
    assert [d["path"] for d in data] == [
        str(SEEDS / "000_5f1914cbe288c934.txt"),
        str(REAL / "008_pingtan_2022.txt"),
    ]
    assert "S_BLANK_CELLS" in {f["rule"] for f in data[0]["findings"]}


def test_check_text_groups_by_severity():
    proc = run("check", str(SEEDS / "000_5f1914cbe288c934.txt"))
    assert "警告" in proc.stdout and "S_YEAR_MENTIONS" in proc.stdout


def test_explain_names_line_and_readings():
    proc = run(
        "explain",
        "--format",
        "json",
        str(REAL / "008_pingtan_2022.txt"),
        "proactive.normative_documents.issued",
    )
    info = json.loads(proc.stdout)
    assert info["value"] == 88
    assert info["location"]["line"] == 10
    kept = [r for r in info["readings"] if r["kept"]]
    assert len(kept) == 1 and len(info["readings"]) > 1  # 8855698 splits many ways; the narrative chose
    assert kept[0]["how"] == "digit-split" and kept[0]["method"] == "连写数字逐格拆分（无空白格）"


def test_explain_in_text_says_how_each_reading_was_made_in_chinese():
    proc = run("explain", str(REAL / "008_pingtan_2022.txt"), "proactive.normative_documents.issued")
    assert "✓ 保留 连写数字逐格拆分" in proc.stdout and "digit-split" not in proc.stdout


def test_explain_unknown_key_exit_1():
    proc = run("explain", str(EXAMPLE), "requests.nonsense.total")
    assert proc.returncode == 1
