"""Real web "text versions" and conversions (tests/data/real_pages/SOURCES.tsv): what each shows
that the seeds do not, asserted on the record the parser makes of the page as published."""

from __future__ import annotations

from pathlib import Path

from xxgk.api import parse
from xxgk.generate import cells

PAGES = Path(__file__).parent / "data" / "real_pages"


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


def test_the_notice_a_report_cites_is_not_the_report_naming_itself():
    """'根据《…关于编制公布2021年政府信息公开工作年度报告有关事项的通知》…现编制完成2022年度…': the 2021
    is the year of another document's subject, so no S_YEAR_MENTIONS."""
    record = parse(PAGES / "jjf_2022.txt")
    assert record["year"] == 2022
    assert "S_YEAR_MENTIONS" not in _rules(record)


def test_a_covering_letters_title_names_the_agency_without_its_verb():
    """'…苏平片区管理局关于报送2020年度政府信息公开工作年度报告的函'."""
    record = parse(PAGES / "spp_2020.txt")
    assert (record["agency"], record["year"]) == ("平潭综合实验区苏平片区管理局", 2020)


def test_a_fee_section_of_its_own_states_the_fee_and_each_reply_is_no_count():
    """This layout gives 信息处理费 a section (五、信息处理费收取情况, with a small table) before 六 问题:
    the fee is stated, so no S_FEE_REPORTED, only the order differs from the template; '确保每一份答复都
    合法合规' is no count of replies (it made N_PROCESSED read 1)."""
    record = parse(PAGES / "jjp_2025.txt")
    assert record["sections"]["other"]["title"] == "五、信息处理费收取情况"
    rules = _rules(record)
    assert "S_FEE_REPORTED" not in rules and "N_PROCESSED" not in rules
    assert [f["message"] for f in record["findings"] if f["rule"] == "S_SECTIONS"] == [
        "各部分的顺序与模板不一致。"
    ]
    assert record["appeals"]["review"] == dict.fromkeys(record["appeals"]["review"], 0)


def test_a_section_numbered_without_its_comma_still_starts_it():
    """'…传真：23156377）。一总体情况2020年，我局…': the overview is found, not taken for the preamble."""
    record = parse(PAGES / "jjp_2020.txt")
    assert record["sections"]["overview"]["title"] == "一总体情况"
    assert "S_SECTIONS" not in _rules(record)


def test_a_conversion_printing_each_row_as_a_table_of_its_own_reads_every_cell():
    """Each row of 表三 under a '### 一、本年新收…' heading with a header of numbered column names ('类别 |
    数据1 | … | 数据6 | 总计'), each group of 表四 as a table of its own: every cell is read, and every
    identity of the report holds (the audit finds nothing to say about its arithmetic)."""
    record = parse(PAGES / "shuyang_2025.txt")
    values = cells(record)
    assert len(values) == 200 and None not in values.values()
    assert record["requests"]["new_received"]["total"] == 713
    assert record["requests"]["granted"] == {
        "natural_person": 290,
        "commercial": 1,
        "research": 0,
        "social_welfare": 0,
        "legal_service": 3,
        "other_org": 0,
        "total": 294,
    }
    assert [g["total"] for g in record["appeals"].values()] == [61, 3, 10]
    assert not [f for f in record["findings"] if f["rule"][0] in "TS"], record["findings"]


def test_one_figure_for_two_kinds_of_reply_is_not_the_count_of_either():
    """'依申请公开及不予公开373份' counts both kinds of document together: it states no 不予公开 count to
    hold against 表三 (where 不予公开 is 0)."""
    record = parse(PAGES / "zhz_2019.txt")
    assert "N_OUTCOMES" not in _rules(record)


def test_a_saved_government_web_page_reads_its_tables_and_keeps_blank_columns_blank():
    """The page as a browser saved it: navigation, Word-made markup (<o:p>), three tables. 表三 prints
    only 自然人 and 总计; the five 法人或其他组织 columns are blank on the page, so null, never 0."""
    record = parse(PAGES / "shuyang_fgj_2023.html")
    assert (record["agency"], record["year"], record["template"]) == ("沭阳县发展和改革局", 2023, "2021")
    assert record["source"]["format"] == "html"
    assert record["proactive"]["normative_documents"] == {"issued": 8, "repealed": 0, "in_force": 18}
    assert record["requests"]["granted"] == {
        "natural_person": 26,
        "commercial": None,
        "research": None,
        "social_welfare": None,
        "legal_service": None,
        "other_org": None,
        "total": 26,
    }
    assert record["appeals"]["review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}
    blank = next(f for f in record["findings"] if f["rule"] == "S_BLANK_CELLS")
    assert len(blank["cells"]) == 25 * 5
    assert not [f for f in record["findings"] if f["severity"] == "error"]


def test_a_page_that_frames_its_article_in_a_layout_table_reads_the_tables_nested_in_it():
    """The page jjf_2021.txt was made from: the CMS frames the article in a one-cell table, the three
    statistics tables nested in that cell. Read as the page's own flow, every table is found, and the
    page shows which cell the text version lost from （一） and （二）: their 总计, printed blank."""
    record = parse(PAGES / "jjf_2021.html")
    assert "S_TABLES" not in _rules(record)
    assert record["proactive"]["normative_documents"] == {"issued": 5, "repealed": 0, "in_force": 5}
    blank = next(f for f in record["findings"] if f["rule"] == "S_BLANK_CELLS")
    assert blank["cells"] == ["requests.granted.total", "requests.partial.total"]
    values = cells(record)
    assert all(v == 0 for k, v in values.items() if k[0] in "ra" and k not in blank["cells"])  # 表三、表四
    text = parse(PAGES / "jjf_2021.txt")  # the text version: those two rows abstain, the rest agrees
    assert all(cells(text)[k] in (v, None) for k, v in values.items())


def test_a_text_version_abstains_only_where_its_web_page_shows_it_had_to():
    """The Pingtan 2023 report as a web page and as the text made from it. The text runs 表二's cells
    together ('行政规范性文件77132470'): the prose names 77 (制发), the other two divide several ways and stay
    null; the page prints 77 | 132 | 470. Every cell the text reads agrees with the page."""
    page, text = parse(PAGES / "pt2023.html"), parse(PAGES / "pt2023.txt")
    assert page["proactive"]["normative_documents"] == {"issued": 77, "repealed": 132, "in_force": 470}
    assert text["proactive"]["normative_documents"] == {"issued": 77, "repealed": None, "in_force": None}
    on_page, in_text = cells(page), cells(text)
    assert None not in on_page.values()
    assert [k for k, v in in_text.items() if v != on_page[k]] == [
        "proactive.normative_documents.repealed",
        "proactive.normative_documents.in_force",
    ]


def test_section_six_titled_without_yao_is_found_and_states_the_fee():
    """'六、其他需报告的事项本年度未产生…信息处理费用' (需报告, no 要), in a report printed on one line: the
    section went unrecognised, so S_SECTIONS reported it missing and S_FEE_REPORTED found no statement."""
    record = parse(PAGES / "htp_2025.txt")
    assert record["sections"]["other"]["title"].startswith("六、其他需报告的事项")
    assert not {"S_SECTIONS", "S_FEE_REPORTED"} & set(_rules(record))


def test_a_row_whose_total_is_printed_0_is_read_as_printed_not_hidden_behind_a_blank():
    """'100 0 0 00' under seven columns (1 and six 0s: the report's 总计 column is 0 throughout): every
    division breaks 总计＝各类申请人之和, and readings that invent a blank 总计 only hide that — they are
    no evidence. The row is read as printed and the audit reports the broken sum; before, 21 cells of
    表三 abstained and P_EMPTY_TABLES claimed the tables were empty."""
    record = parse(PAGES / "lyy_2025.txt")
    assert record["requests"]["new_received"] == {
        "natural_person": 1, "commercial": 0, "research": 0, "social_welfare": 0,
        "legal_service": 0, "other_org": 0, "total": 0,
    }  # fmt: skip
    assert record["requests"]["unavailable"]["not_held"]["natural_person"] == 1
    assert sum(v is None for v in cells(record).values()) == 0
    broken = [f for f in record["findings"] if f["rule"] == "T3_ROW_TOTAL"]
    assert len(broken) == 3 and all(f["severity"] == "error" for f in broken)
    assert not {"P_EMPTY_TABLES", "S_AMBIGUOUS_CELLS"} & set(_rules(record))


def test_a_row_run_into_prose_that_opens_with_a_year_keeps_its_own_digits():
    """'四、结转下年度继续办理20000022025年，我局共收到…' and '行政事业性收费02025年，我局…': the prose
    after the row opens with a year, and the row's digits ran into it. Read as one run, the 2025 made
    the row unreadable (7 cells null) and the fee blank; the year before 年 is the prose's."""
    record = parse(PAGES / "scj_2025.txt")
    assert record["requests"]["carried_forward"]["natural_person"] == 2
    assert record["requests"]["carried_forward"]["total"] == 2
    assert record["proactive"]["fees"]["amount_10k_yuan"] == 0
    # 表四 '10000100000000000': 17 digits for 15 cells divide one way only, 10 upheld of 10
    assert record["appeals"]["review"] == {
        "upheld": 10,
        "corrected": 0,
        "other": 0,
        "pending": 0,
        "total": 10,
    }
    assert "S_BLANK_CELLS" not in _rules(record)


def test_section_five_titled_with_de_wenti_starts_its_section():
    """'五、政府信息公开存在的问题及改进措施' (存在的问题, without 主要), on one line with the rest: the
    section went unrecognised and S_SECTIONS reported it missing."""
    record = parse(PAGES / "nyn_2020.txt")
    assert record["sections"]["problems"]["title"].startswith("五、政府信息公开存在的问题及改进措施")
    assert "S_SECTIONS" not in _rules(record)
