"""Real web "text versions" from one site's archive (tests/data/pingtan/SOURCES.tsv): what each shows
that the seeds do not, asserted on the record the parser makes of the page as published."""

from __future__ import annotations

from pathlib import Path

from xxgk.api import parse

PAGES = Path(__file__).parent / "data" / "pingtan"


def _rules(record: dict) -> list[str]:
    return [f["rule"] for f in record["findings"]]


def test_section_four_titled_with_yu_starts_its_section_and_every_row_is_found():
    """'四、政府信息公开行政复议与行政诉讼情况' (与, not 、) and a sentence between 三's heading and 表三:
    the tables were lost (every 表三 row reported missing) while 四 went unrecognised."""
    record = parse(PAGES / "jjf_2021.txt")
    assert "S_TABLES" not in _rules(record)
    assert record["sections"]["appeals"]["title"].startswith("四、政府信息公开行政复议与行政诉讼")
    assert record["requests"]["new_received"] == dict.fromkeys(record["requests"]["new_received"], 0)
    assert record["appeals"]["review"]["total"] == 0
    # （一）予以公开 and （二）部分公开 print six zeros for seven cells: which one is blank is unknown
    ambiguous = next(f for f in record["findings"] if f["rule"] == "S_AMBIGUOUS_CELLS")
    assert set(ambiguous["cells"]) == {
        f"requests.{row}.{col}" for row in ("granted", "partial") for col in record["requests"]["granted"]
    }
    assert "少于列数" in ambiguous["message"]


def test_a_signature_date_after_an_attachment_titled_statistics_is_not_the_period():
    """'附件：…2018年度政府信息公开工作统计数据 平潭综合实验区公安局2019年1月7日': the date it is signed, not
    the period of the statistics, so no S_YEAR_MENTIONS; the older format is recognised, not force-fitted."""
    record = parse(PAGES / "gaj_2018.txt")
    assert (record["template"], record["year"]) == ("legacy", 2018)
    assert "S_YEAR_MENTIONS" not in _rules(record)


def test_a_row_the_report_leaves_out_is_reported_missing_not_blank():
    """表二 prints only 规范性文件 under 第二十条第（一）项: S_TABLES names the 规章 row; its cells are not
    listed again as blank cells."""
    record = parse(PAGES / "htp_2023.txt")
    missing = [f for f in record["findings"] if f["rule"] == "S_TABLES" and "规章" in f["message"]]
    assert len(missing) == 1 and missing[0]["severity"] == "error"
    assert record["proactive"]["rules"] == {"issued": None, "repealed": None, "in_force": None}
    assert record["proactive"]["normative_documents"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert "S_BLANK_CELLS" not in _rules(record)
