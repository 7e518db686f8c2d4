"""Templates as data: detection of 2021 / 2019 / legacy reports and the shape of each template."""

from __future__ import annotations

from pathlib import Path

import pytest

from xxgk.api import parse
from xxgk.extract.template import load_template

DATA = Path(__file__).parent / "data"


def test_template_cell_counts():
    t21, t19 = load_template("2021"), load_template("2019")
    assert len(t21.table("requests").cell_keys()) == 25 * 7
    assert len(t21.table("appeals").cell_keys()) == 15
    assert len(t19.table("requests").cell_keys()) == 23 * 7  # （六）其他处理 is one row
    assert "proactive.procurement.amount_yuan" in t19.cell_keys()
    assert "proactive.fees.amount_10k_yuan" in t21.cell_keys()


def test_identities_are_expanded_from_data():
    rules = {}
    for ident in load_template("2021").identities:
        rules.setdefault(ident.rule, []).append(ident)
    assert len(rules["T3_BALANCE"]) == 7 and len(rules["T3_RESULTS_SUM"]) == 7
    assert len(rules["T3_ROW_TOTAL"]) == 25 and len(rules["T4_BLOCK"]) == 3
    results_sum = rules["T3_RESULTS_SUM"][0]
    assert len(results_sum.rhs) == 21 and "requests.other.unsplit.natural_person" not in results_sum.rhs


def test_legacy_report_is_recognised_not_force_fitted():
    record = parse(DATA / "legacy_2015.txt")
    assert record["template"] == "legacy"
    assert record["year"] == 2015 and record["agency"] == "某某县人民政府"
    assert not {"proactive", "requests", "appeals"} & set(record)
    assert "overview" in record["sections"]


TITLES = {
    "北京市朝阳区人民政府2023年政府信息公开工作年度报告": "北京市朝阳区人民政府",
    "2023年北京市朝阳区人民政府政府信息公开工作年度报告": "北京市朝阳区人民政府",
    "北京市司法局关于2023年度政府信息公开工作的年度报告": "北京市司法局",
    "关于北京市朝阳区2023年政府信息公开工作年度报告": "北京市朝阳区",
    "北京市朝阳区人民政府政府信息公开工作年度报告（2023年）": "北京市朝阳区人民政府",
    "北京市朝阳区教育委员会2023年政府信息公开年报": "北京市朝阳区教育委员会",
    "上海市浦东新区人民政府办公室 2023 年政务公开工作年度报告": "上海市浦东新区人民政府办公室",
}


@pytest.mark.parametrize("title", TITLES)
def test_agency_is_the_title_without_year_and_report_words(title):
    """The agency as the title prints it, whatever order and wording the title uses; the opening
    sentence that mentions 本报告 is never taken for the title."""
    from xxgk.api import parse_text

    text = (
        f"{title}\n根据《中华人民共和国政府信息公开条例》编制本报告。本报告中所列数据统计期限为2023年1月1日至12月31日。\n"
        "一、总体情况\n2023年，本机关认真贯彻《条例》。\n三、收到和处理政府信息公开申请情况\n"
        "本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n"
    )
    record = parse_text(text)
    assert (record["agency"], record["year"]) == (TITLES[title], 2023)
    assert parse_text(text.split("\n", 1)[1])["agency"] is None


@pytest.mark.parametrize(
    ("period", "fires"),
    [
        ("本报告中所列数据统计期限为2023年1月1日至12月31日。", False),
        ("本报告中所列数据统计期限为2022年1月1日至12月31日。", True),  # a copied period
        ("数据统计时间为2022年1月—12月。", True),
    ],
)
def test_year_mentions_checks_the_period_not_a_signature_date(period: str, fires: bool):
    """The period is a range that opens in January; the signature date under an attachment titled
    '…统计数据' (published the next January) is not the period and must not be flagged."""
    from xxgk.api import parse_text

    text = (
        f"某某县公安局2023年政府信息公开工作年度报告\n{period}\n一、总体情况\n2023年，本局认真贯彻《条例》。\n"
        "三、收到和处理政府信息公开申请情况\n本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n"
        "六、其他需要报告的事项\n附件：某某县公安局2023年度政府信息公开工作统计数据 某某县公安局2024年1月7日\n"
    )
    rules = [f["rule"] for f in parse_text(text)["findings"]]
    assert ("S_YEAR_MENTIONS" in rules) is fires


@pytest.mark.parametrize(
    ("title", "published", "late"),
    [
        ("某某县公安局2023年政府信息公开工作年度报告", "2024-01-30", False),
        ("某某县公安局2023年政府信息公开工作年度报告", "2024-02-20", True),  # a department: 31 January
        ("某某县人民政府2023年政府信息公开工作年度报告", "2024-03-20", False),  # a government: 31 March
        ("某某县人民政府2023年政府信息公开工作年度报告", "2024-04-02", True),
    ],
)
def test_deadline_depends_on_who_publishes(title: str, published: str, late: bool):
    from xxgk.api import parse_text

    text = (
        f"发布时间: {published}\n{title}\n本报告中所列数据统计期限为2023年1月1日至12月31日。\n"
        "一、总体情况\n2023年，本机关认真贯彻《条例》。\n三、收到和处理政府信息公开申请情况\n"
        "本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n"
    )
    assert ("D_DEADLINE" in [f["rule"] for f in parse_text(text)["findings"]]) is late


@pytest.mark.parametrize(("published", "late"), [("2016-02-20", False), ("2016-04-05", True)])
def test_reports_before_2019_had_31_march_for_every_body(published: str, late: bool):
    """The 2007 条例 (第三十一条) gave every 行政机关 until 31 March; 31 January for departments came with
    the 2019 revision (第四十九条)."""
    from xxgk.api import parse_text

    text = f"发布时间: {published}\n" + (DATA / "legacy_2015.txt").read_text(encoding="utf-8").replace(
        "某某县人民政府", "某某县教育局"
    )
    findings = [f for f in parse_text(text)["findings"] if f["rule"] == "D_DEADLINE"]
    assert bool(findings) is late
    assert all("第三十一条" in f["message"] for f in findings)
