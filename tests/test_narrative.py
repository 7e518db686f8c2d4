"""N_* rules: numbers stated in the prose against 表三 and 表四 (spec/audit-rules.md, "Narrative against tables").

Synthetic reports are real reports with ONE number of the prose changed, so every case shows that the
rule reads that statement: moving the number off every reading of the table must raise the rule, and a
rewording that keeps a reading (Chinese numerals, new + carried over, a rounded share) must not.
"""

from __future__ import annotations

import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOLD_CASES, REAL, SEEDS
from xxgk.api import parse, parse_extraction, parse_text
from xxgk.audit.rules.narrative import N_RULES, agrees
from xxgk.extract.narrative import _CLAUSE, _NUM, _TABULAR, concepts, figures, spec
from xxgk.extract.units import document_to_units
from xxgk.ingest import read_string

S000 = SEEDS / "000_5f1914cbe288c934.txt"  # 上年结转 row printed blank
S003 = SEEDS / "003_29ee529a4ac3a460.txt"  # 受理 86, 上年结转 5, 予以公开 31 … 结转下年度 1
S004 = SEEDS / "004_ba95e0a0e75cb4d5.txt"  # 未发生行政复议诉讼事项, 表四 all zero
R008 = REAL / "008_pingtan_2022.txt"  # 收到 75 = 74 new + 1 carried; 行政复议 2 (one corrected)
R014 = REAL / "014_shanghai_kewei_2024.md"  # line-wrapped prose; 行政复议 1 件 未被纠错


def alarms(record: dict) -> set[str]:
    return {f["rule"] for f in record["findings"] if f["rule"] in N_RULES and f["severity"] != "info"}


def variant(path: Path, old: str, new: str) -> dict:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    return parse_text(text.replace(old, new, 1), path.name)


def prose_figures(text: str) -> list[tuple[str, Decimal, bool]]:
    units = document_to_units(read_string(text, "snippet.txt"))
    return [(f.concept, f.value, f.percent) for f in figures(units)]


# -- (a) the real reports: statements read, and none flagged -------------------------------------------


@pytest.mark.parametrize(("doc", "gold_path"), GOLD_CASES, ids=[d.name for d, _ in GOLD_CASES])
def test_real_reports_raise_no_narrative_alarm(doc, gold_path):
    assert alarms(parse(doc)) == set()


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (
            S003,
            {"received": 86, "carried_over": 5, "granted": 31, "partial": 14, "withheld": 4}
            | {"unavailable": 25, "other_handling": 15, "carried_forward": 1},
        ),
        (R008, {"received": 75, "litigation_total": 1, "review_total": 2}),
        (
            R014,
            {"review_total": 1, "appeals_not_corrected": 0, "litigation_total": 0, "received": 34}
            | {"carried_over": 2, "granted": 9, "withheld": 2, "unavailable": 10, "other_handling": 14},
        ),
    ],
    ids=["003", "008", "014"],
)
def test_real_statements_are_read(doc, expected):
    """Guards (a) against passing vacuously: the statements the gold notes name are all found."""
    read = {f.concept: int(f.value) for f in parse_extraction(doc).figures if not f.percent}
    assert {k: read.get(k) for k in expected} == expected


def test_activity_concepts_exist_for_p_empty_tables():
    keys = {c.key for c in concepts()}
    assert {"received", "processed", "review_total", "litigation_total"} <= keys


# -- (b) synthetic reports: one number changed ---------------------------------------------------------

CASES = [
    # (document, prose as printed, prose changed, rule, fires)
    (S003, "受理依申请公开 86 件", "受理依申请公开 87 件", "N_RECEIVED", True),
    (S003, "受理依申请公开 86 件", "受理依申请公开 91 件", "N_RECEIVED", False),  # 86 new + 5 carried
    (S003, "受理依申请公开 86 件", "受理依申请公开八十六件", "N_RECEIVED", False),
    (S003, "受理依申请公开 86 件", "新收政府信息公开申请 85 件", "N_RECEIVED", True),
    (S003, "均按时办结。", "办结 88 件。", "N_PROCESSED", True),
    (S003, "均按时办结。", "办结九十件。", "N_PROCESSED", False),
    (S003, "上年结转政府信息公开申请 5 件", "上年结转政府信息公开申请 6 件", "N_CARRIED", True),
    (S003, "结转下年度继续办 1 件", "结转下年度继续办 2 件", "N_CARRIED", True),
    (S003, "结转下年度继续办 1 件", "顺延至下一年度办理 1 件", "N_CARRIED", False),
    (S003, "予以公开 31 件", "予以公开 30 件", "N_OUTCOMES", True),
    (S003, "予以公开 31 件", "同意公开 31 件", "N_OUTCOMES", False),
    (S003, "不予公开 4 件", "不予公开四件", "N_OUTCOMES", False),  # 8 withheld rows sum to 4
    (S003, "不予公开 4 件", "不予公开五件", "N_OUTCOMES", True),
    (S003, "无法提供 25 件", "无法提供 24 件", "N_OUTCOMES", True),
    (S003, "其他处理 15 件", "其他处理 16 件", "N_OUTCOMES", True),
    (S003, "予以公开 31 件", "予以公开 31 件，占 34.07%", "N_PERCENT", False),  # 31 / (86 + 5)
    (S003, "予以公开 31 件", "予以公开 31 件，占比34.4%", "N_PERCENT", False),  # 31 / 90 processed
    (S003, "予以公开 31 件", "予以公开 31 件，占 40%", "N_PERCENT", True),
    (S003, "部分公开 14 件", "部分公开 14 件（占 15.56%）", "N_PERCENT", False),  # 14 / 90
    (S003, "部分公开 14 件", "部分公开 14 件（占 15.7%）", "N_PERCENT", True),
    (S003, "均按时办结。", "均按时办结，未发生行政复议、行政诉讼。", "N_APPEALS", True),  # 表四 has cases
    (S004, "未发生行政复议诉讼事项", "发生行政复议 1 件", "N_APPEALS", True),
    (S004, "且未发生行政复议、行政诉讼情况", "且行政复议均被维持", "N_APPEALS", False),
    (R008, "行政复议案件2件", "行政复议案件3件", "N_APPEALS", True),
    (R008, "行政复议案件2件", "行政复议案件2件，均获维持", "N_APPEALS", True),  # one was corrected
    (R008, "行政诉讼案件1件", "行政诉讼案件一件", "N_APPEALS", False),
    (R008, "收到政府信息公开申请75件", "收到政府信息公开申请76件", "N_RECEIVED", True),
    (  # "…收到和处理政府信息公开申请情况等六个部分" counts the report's parts, not requests
        R008,
        "2022年，全区收到政府信息公开申请75件，",
        "本报告包括总体情况、收到和处理政府信息公开申请情况等六个部分。2022年，全区",
        "N_RECEIVED",
        False,
    ),
    (R014, "有 1 件涉及", "有 2 件涉及", "N_APPEALS", True),
    (R014, "行政诉讼数为\n0 件", "行政诉讼数为\n1 件", "N_APPEALS", True),  # number on the wrapped line
    (R014, "不予公开答复 2\n件", "不予公开答复 3\n件", "N_OUTCOMES", True),
    (R014, "不予处理 0 件", "不予处理 1 件", "N_OUTCOMES", True),
]


@pytest.mark.parametrize(
    ("doc", "old", "new", "rule_id", "fires"),
    CASES,
    ids=[
        f"{i:02d}-{d.name[:3]}-{r}-{'fires' if on else 'quiet'}" for i, (d, _, _, r, on) in enumerate(CASES)
    ],
)
def test_one_number_changed(doc, old, new, rule_id, fires):
    assert (rule_id in alarms(variant(doc, old, new))) is fires


def test_finding_names_statement_table_and_line():
    record = variant(S003, "予以公开 31 件", "予以公开 30 件")
    (finding,) = [f for f in record["findings"] if f["rule"] == "N_OUTCOMES"]
    assert finding["severity"] == "warning"
    assert "予以公开 30 件" in finding["message"] and "31" in finding["message"]
    assert finding["cells"][0] == "requests.granted.total"
    assert finding["location"]["line"] == 15


def test_blank_cell_is_not_assessable():
    """000 prints 上年结转 blank: "收到 50 件" might be 49 new + a blank carried over — no warning."""
    anchor = "规范政府信息公开申请办理工作，"
    for said in ("49", "50"):
        record = variant(S000, anchor, f"{anchor}全年收到政府信息公开申请 {said} 件，")
        assert "N_RECEIVED" not in alarms(record)


def test_other_subjects_are_not_request_counts():
    added = "受理依申请公开 86 件，收到人大代表建议 33 件、政协提案 12 件，官方微博发布信息 1839 条"
    assert alarms(variant(S003, "受理依申请公开 86 件", added)) == set()


# -- the extractor on its own ----------------------------------------------------------------------------


def test_subheading_gives_the_subject_and_chinese_numerals_count():
    text = "（二）依申请公开情况\n\n本年度共收到一百四十七件，办结一百四十五件，结转下年度二件。"
    assert prose_figures(text) == [
        ("received", Decimal(147), False),
        ("processed", Decimal(145), False),
        ("carried_forward", Decimal(2), False),
    ]


def test_parenthesised_part_and_breakdowns():
    text = (
        "2025年，本机关共受理政府信息公开申请24件（含上年结转1件），其中网上申请20件。"
        "予以公开4件，占16.7%，无法提供19件，另处理重复申请1件。"
    )
    assert prose_figures(text) == [
        ("received", Decimal(24), False),
        ("carried_over", Decimal(1), False),
        ("granted", Decimal(4), False),
        ("granted", Decimal("16.7"), True),
        ("unavailable", Decimal(19), False),
    ]


def test_without_subject_nothing_is_read():
    text = "全年收到群众来电 300 件，办结网民留言 230 条，受理行政许可 1200 件，在 15 个工作日内答复。"
    assert prose_figures(text) == []


def test_tables_printed_as_text_are_not_prose():
    text = "三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量 713000074二、上年结转政府信息公开申请数量 1000001"
    assert prose_figures(text) == []


@pytest.mark.parametrize(
    ("stated", "count", "total", "ok"),
    [
        ("34.07", 31, 91, True),
        ("34.1", 31, 91, True),
        ("34", 31, 91, True),
        ("34.08", 31, 91, False),
        ("66.6", 2, 3, True),  # cut off rather than rounded: not an error
        ("66.7", 2, 3, True),
        ("66.8", 2, 3, False),
        ("100", 5, 5, True),
    ],
)
def test_percentages_agree_when_rounded_as_printed(stated, count, total, ok):
    assert agrees(Decimal(stated), Decimal(count) * 100 / Decimal(total)) is ok


def test_figures_stay_fast():
    """figures() runs on every report: a long one-line web text must take well under a millisecond-ish
    budget per report (generous bound, to catch a quadratic regression, not to benchmark)."""
    ex = parse_extraction(R008)
    units = [u for u in ex.units if u.kind == "text"] * 20
    start = time.perf_counter()
    figures(units)
    assert time.perf_counter() - start < 0.5


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet="".join(sorted(set("".join(spec().keys.pattern)) - set("(?:|)"))) + "的和年", max_size=40
    )
)
def test_keyword_trie_finds_the_longest_keyword_at_each_position(text):
    """The trie-form keyword regex, searched again from each keyword's start, finds what a
    longest-first alternation of the words finds at every position."""
    words = sorted(_keywords(), key=len, reverse=True)
    flat = re.compile("(?=(" + "|".join(re.escape(w) for w in words) + "))")
    assert spec().starts(text) == [(m.start(), m.group(1)) for m in flat.finditer(text)]


def _keywords() -> set[str]:
    return {w for c in concepts() for w in c.all[0]}


@given(st.text("，；;！？\n,（(）)含包括其中12ab收到申请件 、", max_size=40))
def test_clauses_cut_as_one_character_at_a_time_would(text):
    """The clause pattern takes runs of ordinary characters at once; the cuts are those of the
    pattern that takes them one by one."""
    one_by_one = re.compile(
        r"(?:[^，；;！？\n,（(]|,(?=\d)|[（(](?!含|包括|其中))+|[（(](?:[^，；;！？\n,]|,(?=\d))+"
    )
    assert [m.span() for m in _CLAUSE.finditer(text)] == [m.span() for m in one_by_one.finditer(text)]


@given(st.text("0123456789 \t件", max_size=30))
def test_tabular_pattern_finds_what_the_plain_alternation_finds(text):
    plain = re.compile(r"\d\s+\d+\s+\d+\s+\d|\d{7,}")
    assert [m.span() for m in _TABULAR.finditer(text)] == [m.span() for m in plain.finditer(text)]


@given(st.text("0123456789,. 件人次%％零一二两十百万年第a", max_size=25))
def test_number_pattern_finds_what_the_plain_alternation_finds(text):
    plain = re.compile(
        r"(?P<n>\d[\d,]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)\s*(?P<unit>%|％|件|宗|起|人次|条|个|项|份|次|例)?"
    )
    found = [(m.span(), m["n"], m["unit"]) for m in _NUM.finditer(text)]
    assert found == [(m.span(), m["n"], m["unit"]) for m in plain.finditer(text)]
