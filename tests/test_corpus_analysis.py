"""Corpus analysis on the real gold records: agency keys, X_* rules, comparison, aggregation, indicators."""

from __future__ import annotations

import copy
import itertools
import json
import random
import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHARED
from xxgk.api import parse
from xxgk.audit import audit_record
from xxgk.corpus.agency import agency_key
from xxgk.corpus.aggregate import aggregate, check_parent
from xxgk.corpus.compare import compare, segments_html
from xxgk.corpus.crossyear import (
    apply_cross_year,
    cross_year_findings,
    reports_to_recheck,
)
from xxgk.corpus.indicators import INDICATORS, indicators
from xxgk.corpus.text import NUMBER_MASK, normalize_text, similarity, values_differ
from xxgk.extract.template import load_template
from xxgk.generate.record import random_record
from xxgk.model import cell_items, get_cell, set_cell
from xxgk.store.base import StoredReport

GOLD_PATHS = sorted((SHARED / "seeds" / "gold").glob("*.json")) + sorted(
    (SHARED / "real" / "gold").glob("*.json")
)
COLS = load_template("2021").sets["COLS"]


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


GOLD = [_load(p) for p in GOLD_PATHS]


def _complete(record: dict[str, Any]) -> bool:
    """No blank cell and no error finding: the records whose sums must stay consistent."""
    no_blank = all(v is not None for _, v in cell_items(record))
    return no_blank and not any(f.severity == "error" for f in audit_record(record))


COMPLETE = [r for r in GOLD if _complete(r)]


def _doc_of(gold_path: Path) -> Path | None:
    for suffix in (".txt", ".md"):
        doc = gold_path.parent.parent / f"{gold_path.stem}{suffix}"
        if doc.exists():
            return doc
    return None


PARSED = [parse(doc) for doc in filter(None, map(_doc_of, GOLD_PATHS))]


def _next_year(record: dict[str, Any]) -> dict[str, Any]:
    """A copy one year later whose 上年结转 is the previous 结转下年度 (X_CARRY holds)."""
    nxt = copy.deepcopy(record)
    nxt["year"] = record["year"] + 1
    nxt["requests"]["carried_over"] = copy.deepcopy(record["requests"]["carried_forward"])
    return nxt


def _rules(findings: list[dict[str, Any]], rule: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["rule"] == rule]


def test_fixtures_are_real():
    assert len(GOLD) >= 5 and len(COMPLETE) >= 3 and len(PARSED) >= 5
    assert len({r["agency"] for r in COMPLETE}) == len(COMPLETE)


# --- agency keys ------------------------------------------------------------------------------------


def _variants(agency: str, year: int) -> list[str]:
    cn_digits = str.maketrans("0123456789", "〇一二三四五六七八九")
    fullwidth = str.maketrans("0123456789", "０１２３４５６７８９")
    return [
        agency,
        f"{agency}{year}年政府信息公开工作年度报告",
        f"{agency} {year} 年度政府信息公开工作年度报告",
        f"{agency}{str(year).translate(cn_digits)}年度政府信息公开工作年度报告",
        f"关于{agency}{str(year).translate(fullwidth)}年度政府信息公开工作报告",
        f"《{agency}{year}年政府信息公开年度报告》",
        f"（{agency}）{year}年度工作报告",
        f"{agency}\u3000{year}年年度报告",
    ]


@pytest.mark.parametrize("record", GOLD, ids=[r["agency"] for r in GOLD])
def test_agency_key_variants_of_one_body_agree(record):
    keys = {agency_key(v) for v in _variants(record["agency"], record["year"])}
    assert len(keys) == 1
    key = keys.pop()
    assert key and str(record["year"]) not in key and "报告" not in key
    assert agency_key(key) == key


def test_agency_key_keeps_different_bodies_apart():
    gov, office = agency_key("淮安市洪泽区人民政府"), agency_key("淮安市洪泽区人民政府办公室")
    assert gov != office
    assert agency_key("洪泽区政府2022年政府信息公开工作年度报告") == agency_key("洪泽区人民政府")
    assert agency_key("洪泽区政府办") == agency_key("洪泽区人民政府办公室 2023年度报告")
    keys = {agency_key(r["agency"]) for r in GOLD}
    assert len(keys) == len({r["agency"] for r in GOLD})
    assert agency_key("舟山市公安局") != agency_key("舟山市公安局定海分局")


# --- X_CARRY ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("record", COMPLETE, ids=[r["agency"] for r in COMPLETE])
def test_x_carry_fires_exactly_for_the_changed_column(record):
    nxt = _next_year(record)
    assert _rules(cross_year_findings(nxt, record), "X_CARRY") == []
    for col in COLS:
        broken = copy.deepcopy(nxt)
        broken["requests"]["carried_over"][col] += 3
        carry = _rules(cross_year_findings(broken, record), "X_CARRY")
        assert len(carry) == 1
        finding = carry[0]
        assert finding["severity"] == "warning"
        assert finding["cells"] == [f"requests.carried_over.{col}"]
        assert finding["previous_cells"] == [f"requests.carried_forward.{col}"]
        assert str(record["year"]) in finding["message"] and str(nxt["year"]) in finding["message"]
        assert "相差 3" in finding["message"]


def test_x_carry_blank_is_not_assessable():
    record = COMPLETE[0]
    nxt = _next_year(record)
    prev = copy.deepcopy(record)
    prev["requests"]["carried_forward"]["commercial"] = None
    carry = _rules(cross_year_findings(nxt, prev), "X_CARRY")
    assert [(f["severity"], f["cells"]) for f in carry] == [("info", ["requests.carried_over.commercial"])]
    assert "无法核验" in carry[0]["message"]
    nxt["requests"]["carried_over"]["commercial"] = None  # both blank: nothing to say (S_BLANK_CELLS does)
    assert _rules(cross_year_findings(nxt, prev), "X_CARRY") == []


def test_cross_year_needs_consecutive_years():
    record = COMPLETE[0]
    later = copy.deepcopy(record)
    later["year"] = record["year"] + 2
    with pytest.raises(ValueError):
        cross_year_findings(later, record)
    with pytest.raises(ValueError):
        cross_year_findings(record, record)


def test_legacy_previous_year_only_gets_text_rules():
    record = PARSED[0]
    legacy = {k: v for k, v in record.items() if k not in ("proactive", "requests", "appeals")}
    legacy["template"], legacy["year"] = "legacy", record["year"] - 1
    rules = {f["rule"] for f in cross_year_findings(record, legacy)}
    assert rules == {"X_COPY"}


# --- X_COPY -----------------------------------------------------------------------------------------

FILLER = "我们认真贯彻落实有关要求并取得良好效果，群众满意度持续提升，工作机制更加健全规范。"


def _copy_keys(record: dict[str, Any]) -> list[str]:
    """The sections X_COPY looks at (一 and 五) that this parsed report has."""
    return [k for k in ("overview", "problems") if k in record["sections"]]


def _with_sections(record: dict[str, Any], year: int, edit) -> dict[str, Any]:
    out = copy.deepcopy(record)
    out["year"] = year
    for key in _copy_keys(record):
        out["sections"][key]["text"] = edit(record["sections"][key]["text"])
    return out


def _shift_numbers(text: str) -> str:
    return "".join(str((int(ch) + 1) % 10) if ch.isdigit() else ch for ch in text)


@pytest.mark.parametrize("record", PARSED, ids=[r["agency"] for r in PARSED])
def test_x_copy_on_sections_copied_with_new_numbers(record):
    nxt = _with_sections(record, record["year"] + 1, _shift_numbers)
    copies = _rules(cross_year_findings(nxt, record), "X_COPY")
    assert _copy_keys(record) and {f["section"] for f in copies} == set(_copy_keys(record))
    for f in copies:
        assert f["severity"] == "warning" and f["similarity"] == 1.0
        assert "100.0%" in f["message"] and str(record["year"]) in f["message"]


@pytest.mark.parametrize("record", PARSED, ids=[r["agency"] for r in PARSED])
def test_x_copy_states_the_similarity_and_respects_the_threshold(record):
    for key in _copy_keys(record):
        base = normalize_text(record["sections"][key]["text"])
        # inserting k characters into a text of n gives exactly 2n / (2n + k)
        k_in = int(len(base) * 0.15)  # about 93%: copied
        k_out = int(len(base) * 0.3) + 1  # about 87%: not copied
        for k, flagged in ((k_in, True), (k_out, False)):
            insert = (FILLER * (k // len(FILLER) + 1))[:k]
            expected = 2 * len(base) / (2 * len(base) + len(normalize_text(insert)))
            nxt = copy.deepcopy(record)
            nxt["year"] = record["year"] + 1
            nxt["sections"][key]["text"] = insert + record["sections"][key]["text"]
            hits = [f for f in _rules(cross_year_findings(nxt, record), "X_COPY") if f["section"] == key]
            assert bool(hits) is flagged and (expected >= 0.9) is flagged
            if hits:
                assert hits[0]["similarity"] == pytest.approx(expected, abs=1e-4)
                assert f"{expected * 100:.1f}%" in hits[0]["message"]


def test_x_copy_silent_between_different_reports():
    for a, b in itertools.permutations(PARSED, 2):
        b = copy.deepcopy(b)
        b["year"] = a["year"] + 1
        assert _rules(cross_year_findings(b, a), "X_COPY") == []


def test_similarity_masks_years_and_numbers_only():
    text = PARSED[0]["sections"]["overview"]["text"]
    assert similarity(text, _shift_numbers(text)) == 1.0
    assert similarity(text, text[: len(text) // 2]) < 0.9
    assert similarity("无。", "无。") is None  # too short to mean anything


def _normalize_reference(text: str) -> str:
    """normalize_text as first written: a per-character category test (the definition it must keep)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\d+(?:[.,]\d+)*", NUMBER_MASK, text)
    text = re.sub(r"[〇零○一二三四五六七八九十百千万亿两]{2,}", NUMBER_MASK, text)
    return "".join(ch for ch in text if ch == NUMBER_MASK or unicodedata.category(ch)[0] not in "PZSC")


@given(st.text())
def test_normalize_text_keeps_its_definition_on_arbitrary_text(text):
    assert normalize_text(text) == _normalize_reference(text)


@pytest.mark.parametrize("record", PARSED, ids=[r["agency"] for r in PARSED])
def test_normalize_text_keeps_its_definition_on_real_sections(record):
    for section in record["sections"].values():
        text = section.get("text") or ""
        assert normalize_text(text) == _normalize_reference(text)


@given(st.one_of(st.none(), st.integers(), st.floats(allow_nan=False)), st.one_of(st.none(), st.integers()))
def test_values_differ_is_exact_decimal_comparison(a, b):
    expected = (a is not b) if a is None or b is None else Decimal(str(a)) != Decimal(str(b))
    assert values_differ(a, b) == expected


# --- X_SAME_TABLES, X_IN_FORCE, X_ITEMS_2019 -------------------------------------------------------------


@pytest.mark.parametrize("record", COMPLETE, ids=[r["agency"] for r in COMPLETE])
def test_x_same_tables(record):
    same = copy.deepcopy(record)
    same["year"] = record["year"] + 1
    hits = _rules(cross_year_findings(same, record), "X_SAME_TABLES")
    assert len(hits) == 1 and hits[0]["severity"] == "warning"
    assert len(hits[0]["cells"]) == len(list(cell_items(record)))
    same["appeals"]["review"]["total"] += 1
    assert _rules(cross_year_findings(same, record), "X_SAME_TABLES") == []


def test_x_same_tables_ignores_empty_tables():
    empty = copy.deepcopy(COMPLETE[0])
    for key, _ in list(cell_items(empty)):
        set_cell(empty, key, None)
    nxt = copy.deepcopy(empty)
    nxt["year"] += 1
    assert cross_year_findings(nxt, empty) == []


@pytest.mark.parametrize("record", COMPLETE, ids=[r["agency"] for r in COMPLETE])
def test_x_in_force(record):
    nxt = _next_year(record)
    rows = ("rules", "normative_documents")
    for row in rows:
        cells = nxt["proactive"][row]
        cells["issued"], cells["repealed"] = cells["issued"] + 2, 1
        cells["in_force"] = record["proactive"][row]["in_force"] + cells["issued"] - cells["repealed"]
    assert _rules(cross_year_findings(nxt, record), "X_IN_FORCE") == []
    nxt["proactive"]["normative_documents"]["in_force"] -= 5  # 清理: a signal, not an error
    hits = _rules(cross_year_findings(nxt, record), "X_IN_FORCE")
    assert [(f["severity"], f["cells"][0]) for f in hits] == [
        ("info", "proactive.normative_documents.in_force")
    ]
    assert "相差 -5" in hits[0]["message"]


def test_x_items_2019_over_the_template_rows():
    rng = random.Random(2019)
    prev = random_record(rng, "2019", year=2019)
    cur = random_record(rng, "2019", year=2020)
    rows = [r.key for r in load_template("2019").table("proactive").rows if "change" in r.columns]
    for row in rows:
        cur["proactive"][row]["prev_year_items"] = (
            prev["proactive"][row]["prev_year_items"] + prev["proactive"][row]["change"]
        )
    assert _rules(cross_year_findings(cur, prev), "X_ITEMS_2019") == []
    for row in rows:
        broken = copy.deepcopy(cur)
        broken["proactive"][row]["prev_year_items"] += 1
        hits = _rules(cross_year_findings(broken, prev), "X_ITEMS_2019")
        assert [(f["severity"], f["cells"][0]) for f in hits] == [
            ("warning", f"proactive.{row}.prev_year_items")
        ]
    # the 2021 rule does not apply across templates, X_CARRY does
    after = _next_year(COMPLETE[0])
    after["year"] = 2021
    rules = {f["rule"] for f in cross_year_findings(after, cur)}
    assert "X_IN_FORCE" not in rules and "X_ITEMS_2019" not in rules


# --- apply_cross_year over a store ------------------------------------------------------------------


class MemoryStore:
    """The part of the Store protocol the cross-year functions use, over a dict."""

    def __init__(self, records: list[dict[str, Any]]):
        self.reports = {n + 1: _stored(n + 1, r) for n, r in enumerate(records)}
        self.corpus: dict[int, list[dict[str, Any]]] = {}

    def get_report(self, report_id: int) -> StoredReport | None:
        return self.reports.get(report_id)

    def iter_reports(self, flt: Any = None, batch: int = 500):
        yield from self.reports.values()

    def report_for(self, key: str, year: int) -> StoredReport | None:
        hits = [r for r in self.reports.values() if r.agency_key == key and r.year == year]
        return hits[-1] if hits else None

    def replace_corpus_findings(self, report_id: int, findings) -> None:
        self.corpus[report_id] = list(findings)


def _stored(rid: int, record: dict[str, Any]) -> StoredReport:
    return StoredReport(
        rid,
        f"{rid}.txt",
        f"{rid:064x}",
        "txt",
        record["agency"],
        agency_key(record["agency"]),
        record["year"],
        record["template"],
        "test",
        record,
        datetime(2024, 1, 1),
    )


def test_apply_cross_year_and_recheck_of_the_following_year():
    first, other = COMPLETE[0], COMPLETE[1]
    second = _next_year(first)
    second["agency"] = f"{first['agency']}{second['year']}年政府信息公开工作年度报告"
    second["requests"]["carried_over"]["total"] += 1
    store = MemoryStore([first, second, other])
    stored = apply_cross_year(store)
    assert set(store.corpus) == {1, 2, 3}
    assert store.corpus[1] == [] and store.corpus[3] == []
    assert [f["cells"] for f in _rules(store.corpus[2], "X_CARRY")] == [["requests.carried_over.total"]]
    assert stored == len(store.corpus[2])
    # re-inserting the first year re-checks the second
    assert reports_to_recheck(store, [1]) == [1, 2]
    store.corpus.clear()
    apply_cross_year(store, [1])
    assert set(store.corpus) == {1, 2} and _rules(store.corpus[2], "X_CARRY")
    store.corpus.clear()
    apply_cross_year(store, [1], include_following=False)
    assert set(store.corpus) == {1}


# --- compare ----------------------------------------------------------------------------------------


def test_compare_lists_exactly_the_differing_cells():
    for a, b in itertools.permutations(COMPLETE, 2):
        result = compare(a, b)
        va, vb = dict(cell_items(a)), dict(cell_items(b))
        expected = {k for k in va if Decimal(str(va[k])) != Decimal(str(vb[k]))}
        assert {c.key for c in result.cells} == expected
        for c in result.cells:
            assert Decimal(str(c.delta)) == Decimal(str(vb[c.key])) - Decimal(str(va[c.key]))
        data = result.as_dict()
        assert json.loads(json.dumps(data, ensure_ascii=False)) == data
        assert data["a"]["agency"] == a["agency"] and data["cells_compared"] == len(va)


def test_compare_sections_and_highlight():
    a, b = PARSED[0], PARSED[1]
    same = compare(a, a)
    assert same.cells == []
    assert all(s.similarity in (None, 100.0) for s in same.sections)
    result = compare(a, b)
    by_key = {s.key: s for s in result.sections}
    for key in set(_copy_keys(a)) & set(_copy_keys(b)):
        segs = by_key[key].segments
        assert "".join(s.a for s in segs) == a["sections"][key]["text"]
        assert "".join(s.b for s in segs) == b["sections"][key]["text"]
        assert by_key[key].similarity < 90
        assert {s.op for s in segs} >= {"equal", "replace"}
    html = segments_html(
        compare(
            {"sections": {"other": {"text": "收费<0>元"}}}, {"sections": {"other": {"text": "收费<1>元"}}}
        )
        .sections[0]
        .segments
    )
    assert html == "收费&lt;<del>0</del><ins>1</ins>&gt;元"


# --- aggregate and parent checks --------------------------------------------------------------------


def test_aggregate_is_the_cellwise_sum_and_audits_clean():
    parts = COMPLETE[:3]
    summary = aggregate(parts, agency="合计")
    assert summary["year"] == parts[0]["year"] and summary["template"] == "2021"
    for key, value in cell_items(parts[0]):
        total = sum(Decimal(str(get_cell(p, key))) for p in parts)
        assert Decimal(str(get_cell(summary, key))) == total
        assert type(get_cell(summary, key)) is type(value)
    rules = {(f["rule"], f["severity"]) for f in summary["findings"]}
    assert not any(sev == "error" for _, sev in rules)
    assert not {r for r, _ in rules} & {
        "T3_BALANCE",
        "T3_ROW_TOTAL",
        "T3_RESULTS_SUM",
        "T4_BLOCK",
        "A_PARTIAL_SUM",
    }


def test_aggregate_blank_cells_and_its_audit():
    a, b = copy.deepcopy(COMPLETE[0]), copy.deepcopy(COMPLETE[1])
    a["requests"]["granted"]["research"] = None
    a["appeals"]["review"]["pending"] = b["appeals"]["review"]["pending"] = None
    summary = aggregate([a, b], agency="合计")
    assert summary["requests"]["granted"]["research"] == b["requests"]["granted"]["research"]
    assert summary["appeals"]["review"]["pending"] is None
    partial = _rules(summary["findings"], "A_PARTIAL_SUM")
    assert len(partial) == 1 and partial[0]["cells"] == ["requests.granted.research"]
    assert a["agency"] in partial[0]["message"] and b["agency"] not in partial[0]["message"]
    # the registry audits the sum: a broken input shows up as a broken summary
    b["requests"]["total"]["total"] += 1
    broken = aggregate([COMPLETE[0], b], agency="合计")
    assert any(f["rule"] == "T3_BALANCE" and f["severity"] == "error" for f in broken["findings"])


def test_aggregate_refuses_mixed_years_and_templates():
    other_year = copy.deepcopy(COMPLETE[1])
    other_year["year"] += 1
    with pytest.raises(ValueError):
        aggregate([COMPLETE[0], other_year], agency="合计")
    with pytest.raises(ValueError):
        aggregate(
            [COMPLETE[0], random_record(random.Random(1), "2019", year=COMPLETE[0]["year"])], agency="合计"
        )


def test_check_parent():
    children = COMPLETE[:3]
    parent = aggregate(children, agency="上级")
    assert check_parent(parent, children) == []
    parent["requests"]["granted"]["total"] += 4
    hits = check_parent(parent, children)
    assert [(f["rule"], f["severity"], f["cells"]) for f in hits] == [
        ("A_PARENT_SUM", "warning", ["requests.granted.total"])
    ]
    assert "相差 4" in hits[0]["message"]
    blank_child = copy.deepcopy(children[0])
    blank_child["proactive"]["fees"]["amount_10k_yuan"] = None
    hits = check_parent(parent, [blank_child, *children[1:]])
    info = [f for f in hits if f["severity"] == "info"]
    assert len(info) == 1 and info[0]["cells"] == ["proactive.fees.amount_10k_yuan"]


# --- indicators -------------------------------------------------------------------------------------


def _total(record: dict[str, Any], group: str) -> Decimal:
    return sum((Decimal(row["total"]) for row in record["requests"][group].values()), Decimal(0))


@pytest.mark.parametrize("record", COMPLETE, ids=[r["agency"] for r in COMPLETE])
def test_indicators_against_the_table(record):
    req, rev = record["requests"], record["appeals"]["review"]
    got = indicators(record)
    assert set(got) == {i.name for i in INDICATORS}
    total = Decimal(req["total"]["total"])

    def share(num: Decimal, den: Decimal) -> float | None:
        return None if den == 0 else float(num / den * 100)

    assert got["disclosure_rate"] == share(Decimal(req["granted"]["total"] + req["partial"]["total"]), total)
    assert got["withheld_rate"] == share(_total(record, "withheld"), total)
    assert got["unavailable_rate"] == share(_total(record, "unavailable"), total)
    base = Decimal(req["new_received"]["total"] + req["carried_over"]["total"])
    assert got["carry_forward_rate"] == share(Decimal(req["carried_forward"]["total"]), base)
    assert got["review_correction_rate"] == share(Decimal(rev["corrected"]), Decimal(rev["total"]))


def test_indicators_blank_or_zero_base_is_none():
    record = copy.deepcopy(COMPLETE[0])
    record["requests"]["partial"]["total"] = None
    record["appeals"]["review"]["corrected"], record["appeals"]["review"]["total"] = 0, 0
    got = indicators(record)
    assert got["disclosure_rate"] is None and got["review_correction_rate"] is None
    assert got["granted_rate"] is not None or record["requests"]["total"]["total"] == 0
    assert all(v is None for v in indicators({"template": "legacy", "year": 2015}).values())


def test_indicator_terms_exist_in_both_templates():
    rng = random.Random(7)
    for name in ("2021", "2019"):
        record = random_record(rng, name, scale=200)
        record["requests"]["total"]["total"] = max(record["requests"]["total"]["total"], 1)
        keys = set(load_template(name).cell_keys())
        for ind in INDICATORS:
            for term in ind.numerator + ind.denominator:
                assert "*" in term or term in keys, (name, ind.name, term)
        assert indicators(record)["withheld_rate"] is not None
