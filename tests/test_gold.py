"""Every cell of every readable seed and real report equals its hand-read gold record."""

from __future__ import annotations

import math

import pytest

from conftest import GOLD_CASES, load_gold
from xxgk.api import parse
from xxgk.model import cell_items


def _same(gold: object, got: object) -> bool:
    if gold is None or got is None:
        return gold is None and got is None
    return isinstance(got, int | float) and math.isclose(float(gold), float(got), abs_tol=1e-6)  # type: ignore[arg-type]


@pytest.mark.parametrize(("doc", "gold_path"), GOLD_CASES, ids=[d.name for d, _ in GOLD_CASES])
def test_cells_match_gold(doc, gold_path):
    gold = load_gold(gold_path)
    record = parse(doc)
    got = dict(cell_items(record))
    abstain = set(gold.get("_abstain_ok", []))
    wrong = {
        k: (g, got.get(k, "<missing>"))
        for k, g in cell_items(gold)
        if not _same(g, got.get(k)) and not (k in abstain and got.get(k) is None)
    }
    assert wrong == {}
    for meta in ("agency", "year", "template"):
        assert record[meta] == gold[meta]


@pytest.mark.parametrize(("doc", "gold_path"), GOLD_CASES, ids=[d.name for d, _ in GOLD_CASES])
def test_expected_findings(doc, gold_path):
    expect = load_gold(gold_path).get("_expect_findings") or {}
    findings = parse(doc)["findings"]
    rules = {f["rule"] for f in findings}
    alarming = {f["rule"] for f in findings if f["severity"] in ("error", "warning")}
    assert set(expect.get("must", [])) <= rules
    assert not (set(expect.get("must_not", [])) & alarming)


@pytest.mark.parametrize(("doc", "gold_path"), GOLD_CASES, ids=[d.name for d, _ in GOLD_CASES])
def test_record_shape(doc, gold_path):
    record = parse(doc)
    assert record["schema_version"] == 1
    assert set(record["source"]) >= {"path", "sha256", "format"}
    assert record["source"]["format"] in ("txt", "md")
    for f in record["findings"]:
        assert set(f) >= {"rule", "severity", "message", "cells", "location"}
        assert f["severity"] in ("error", "warning", "info")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f["message"])


def test_web_text_with_sections_glued_to_the_tables_reads_as_printed(tmp_path):
    """A crawl that dropped every separator puts a section heading right after a table's last digit
    (…0000000五、存在的主要问题…) or unit (…895.90元三、收到…): the heading still ends the table."""
    doc, gold_path = next((d, g) for d, g in GOLD_CASES if d.name.startswith("008_"))
    text = doc.read_text(encoding="utf-8")
    glued = text.replace(" 三、收到和处理", "三、收到和处理").replace(
        " 五、存在的主要问题", "五、存在的主要问题"
    )
    assert glued.count("三、收到和处理") == text.count("三、收到和处理") and glued != text
    variant = tmp_path / doc.name
    variant.write_text(glued, encoding="utf-8")
    record, gold = parse(variant), load_gold(gold_path)
    got = dict(cell_items(record))
    assert {k: (g, got.get(k)) for k, g in cell_items(gold) if not _same(g, got.get(k))} == {}
    assert {"proactive", "requests", "problems"} <= {k for k, v in record["sections"].items() if v}


def test_web_text_row_printed_blank_leaves_its_label_before_the_next_row(tmp_path):
    """Web text prints a blank row as its label alone: '…申请3.其他 0200002'. The numbers belong to the
    last item (3.其他); the row before it is blank, never given the numbers of the next one."""
    doc, gold_path = next((d, g) for d, g in GOLD_CASES if d.name.startswith("008_"))
    text = doc.read_text(encoding="utf-8")
    blanked = text.replace("政府信息公开申请 00000003.其他 0200002", "政府信息公开申请3.其他 0200002")
    assert blanked != text
    variant = tmp_path / doc.name
    variant.write_text(blanked, encoding="utf-8")
    record, gold = parse(variant), load_gold(gold_path)
    got = dict(cell_items(record))
    blank_row = "requests.other.unpaid_fee."
    expected = {k: (None if k.startswith(blank_row) else g) for k, g in cell_items(gold)}
    assert {k: (e, got.get(k)) for k, e in expected.items() if not _same(e, got.get(k))} == {}
    assert not [f for f in record["findings"] if f["rule"] == "S_TABLES"]


def test_a_table_added_after_table_four_does_not_lend_it_digits(tmp_path):
    """Some agencies add a 信息处理费收取情况 table after 表四; its numbers are not 表四's. With 表四
    run together (011021000100000) borrowing them would make the split ambiguous."""
    doc, gold_path = next((d, g) for d, g in GOLD_CASES if d.name.startswith("008_"))
    text = doc.read_text(encoding="utf-8")
    spaced = "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0 五、存在的主要问题"
    assert spaced in text
    extra = "五、信息处理费收取情况通知收取件数通知收取金额（元）实际收取金额（元）信息处理费收取情况000"
    variant = tmp_path / doc.name
    variant.write_text(text.replace(spaced, f"011021000100000{extra}六、存在的主要问题"), encoding="utf-8")
    record, gold = parse(variant), load_gold(gold_path)
    assert record["appeals"] == gold["appeals"]
    assert not [f for f in record["findings"] if f["rule"] == "S_AMBIGUOUS_CELLS"]
