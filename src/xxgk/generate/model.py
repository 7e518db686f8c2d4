"""The printed form of the three tables, shared by every renderer: labels, header words, value strings.

A renderer decides *where* things go (tabs, pipes, lines, character columns); this module decides
*what* is printed: the national template's label texts in one of the spellings seen in the wild
(（一）/(一), 1./1、, 国家秘密/国家机密, 只计/只记, quotes or none), and each cell's value as text
('' for a blank cell).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Any

from xxgk.generate.record import APPL, amount_text
from xxgk.model import get_cell

COL_LABELS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
APPEAL_LEAVES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
APPEAL_GROUP_LABELS = ("行政复议", "未经复议直接起诉", "复议后起诉")
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_CN = "一二三四五六七八九"
# what reports print for a zero cell instead of 0 (record.md: each reads as 0); '——' is what a Chinese
# input method types for a dash
ZERO_WORDS = ("-", "—", "——", "－", "/", "／", "无")


@dataclass(frozen=True, slots=True)
class Style:
    """One document's spelling of the template's labels."""

    bracket: tuple[str, str]  # （一） or (一)
    bracket_gap: str  # "" or " " after the closing bracket
    item_sep: str  # "1." / "1. " / "1、"
    secret: str  # 国家秘密 / 国家机密
    only: str  # 只计 / 只记
    quotes: tuple[str, str]  # “三安全一稳定”, "三安全一稳定" or none
    normative: str  # 行政规范性文件 / 规范性文件
    joiner: str  # 、 or ，between the two halves of the （六） labels
    thousands: str = ""  # a thousands separator in counts from 1000 on: "", "," or "，" (full-width input)
    zero: str = ""  # the word printed for a zero cell: "" (the digit 0) or one of ZERO_WORDS

    @classmethod
    def random(cls, rng: random.Random, thousands: bool = False, zeros: bool = False) -> Style:
        """A random spelling; with `thousands`, counts may be printed grouped ('1,364'); with `zeros`,
        zero cells may be printed as a dash, a slash or 无. Drawn last, so the other choices are the
        same either way."""
        style = cls(
            bracket=rng.choice((("（", "）"), ("(", ")"))),
            bracket_gap=rng.choice(("", "", " ")),
            item_sep=rng.choice((".", ".", ". ", "、")),
            secret=rng.choice(("国家秘密", "国家秘密", "国家机密")),
            only=rng.choice(("只计", "只计", "只记")),
            quotes=rng.choice((("“", "”"), ("“", "”"), ('"', '"'), ("", ""))),
            normative=rng.choice(("行政规范性文件", "规范性文件")),
            joiner=rng.choice(("、", "，")),
        )
        if thousands:
            style = replace(style, thousands=rng.choice(("", ",", "，")))
        if zeros:
            style = replace(style, zero=rng.choice(ZERO_WORDS))
        return style

    def group(self, n: int, text: str) -> str:
        return f"{self.bracket[0]}{_CN[n - 1]}{self.bracket[1]}{self.bracket_gap}{text}"

    def item(self, n: int, text: str) -> str:
        return f"{n}{self.item_sep}{text}"


@dataclass(slots=True)
class TableRow:
    """One printed row: label parts (outermost first, '' where a merged cell repeats the group) and
    the value texts of its cells in template order ('' = blank)."""

    table: str
    key: str  # row key within the table ("" for 表四)
    labels: tuple[str, ...]
    values: tuple[str, ...]
    cell_keys: tuple[str, ...]


@dataclass(slots=True)
class Group:
    """One block of 表二: 第二十条第（x）项, its column header, its rows."""

    heading: str
    columns: tuple[str, ...]
    rows: list[TableRow] = field(default_factory=list)


_PROACTIVE_GROUPS = {
    "2021": (
        ("一", ("rules", "normative_documents")),
        ("五", ("licensing",)),
        ("六", ("penalty", "coercion")),
        ("八", ("fees",)),
    ),
    "2019": (
        ("一", ("rules", "normative_documents")),
        ("五", ("licensing", "other_services")),
        ("六", ("penalty", "coercion")),
        ("八", ("fees",)),
        ("九", ("procurement",)),
    ),
}
_PROACTIVE_COLUMNS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_10k_yuan": "本年收费金额（单位：万元）",
    "newly_made": "本年新制作数量",
    "newly_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prev_year_items": "上一年项目数量",
    "change": "本年增/减",
    "projects": "采购项目数量",
    "amount_yuan": "采购总金额",
}
_PROACTIVE_LABELS = {
    "rules": "规章",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
_AMOUNTS = ("amount_10k_yuan", "amount_yuan")


def value_text(
    value: Any, column: str = "", unit_suffix: bool = False, thousands: str = "", zero: str = ""
) -> str:
    """A cell as printed: '' for blank, `zero` (when set) for a zero, the exact decimal for amounts
    (optionally with 万元), counts grouped by `thousands` when it is a separator."""
    if value is None:
        return ""
    if zero and value == 0:
        return zero
    if column in _AMOUNTS:
        text = amount_text(value)
        return f"{text} 万元" if unit_suffix and column == "amount_10k_yuan" else text
    return f"{int(value):,}".replace(",", thousands) if thousands else str(int(value))


def proactive_groups(record: dict[str, Any], style: Style, unit_suffix: bool = False) -> list[Group]:
    """表二 as printed: one group per 第二十条 item; the fee may carry its unit (710.824 万元)."""
    out = []
    for number, keys in _PROACTIVE_GROUPS[record["template"]]:
        cols = tuple(record["proactive"][keys[0]])
        words = [_PROACTIVE_COLUMNS[c] for c in cols]
        if record["template"] == "2019":  # the 2019 form says 处理决定数量, without 本年
            words = [
                w.removeprefix("本年") if c == "decisions" else w for c, w in zip(cols, words, strict=True)
            ]
        group = Group(f"第二十条第（{number}）项", ("信息内容", *words))
        for key in keys:
            row = record["proactive"][key]
            label = style.normative if key == "normative_documents" else _PROACTIVE_LABELS[key]
            values = tuple(value_text(row[c], c, unit_suffix, style.thousands, style.zero) for c in cols)
            cell_keys = tuple(f"proactive.{key}.{c}" for c in cols)
            group.rows.append(TableRow("proactive", key, (label,), values, cell_keys))
        out.append(group)
    return out


_WITHHELD = (
    ("state_secret", "属于{secret}"),
    ("law_prohibited", "其他法律行政法规禁止公开"),
    ("three_safety_one_stability", "危及{q0}三安全一稳定{q1}"),
    ("third_party", "保护第三方合法权益"),
    ("internal_affairs", "属于三类内部事务信息"),
    ("process_info", "属于四类过程性信息"),
    ("enforcement_file", "属于行政执法案卷"),
    ("admin_query", "属于行政查询事项"),
)
_UNAVAILABLE = (
    ("not_held", "本机关不掌握相关政府信息"),
    ("needs_creation", "没有现成信息需要另行制作"),
    ("still_unclear", "补正后申请内容仍不明确"),
)
_NOT_PROCESSED = (
    ("petition", "信访举报投诉类申请"),
    ("repeated", "重复申请"),
    ("publication", "要求提供公开出版物"),
    ("excessive", "无正当理由大量反复申请"),
    ("confirmation", "要求行政机关确认或重新出具已获取信息"),
)
_OTHER = (
    ("no_correction", "申请人无正当理由逾期不补正{j}行政机关不再处理其政府信息公开申请"),
    ("unpaid_fee", "申请人逾期未按收费通知要求缴纳费用{j}行政机关不再处理其政府信息公开申请"),
    ("other", "其他"),
)


def _request_labels(s: Style, template: str) -> list[tuple[str, tuple[str, ...]]]:
    """(row key, label parts) of 表三: depth 1 (一、…), 2 (group, （一）…) or 3 (_, group, 1.…)."""
    rows: list[tuple[str, tuple[str, ...]]] = [
        ("new_received", ("一、本年新收政府信息公开申请数量",)),
        ("carried_over", ("二、上年结转政府信息公开申请数量",)),
        ("granted", ("三、本年度办理结果", s.group(1, "予以公开"))),
        ("partial", ("", s.group(2, f"部分公开（区分处理的，{s.only}这一情形，不计其他情形）"))),
    ]
    groups = [(3, "不予公开", "withheld", _WITHHELD), (4, "无法提供", "unavailable", _UNAVAILABLE)]
    groups.append((5, "不予处理", "not_processed", _NOT_PROCESSED))
    if template == "2021":
        groups.append((6, "其他处理", "other", _OTHER))
    fill = {"secret": s.secret, "q0": s.quotes[0], "q1": s.quotes[1], "j": s.joiner}
    for n, title, prefix, items in groups:
        for i, (key, text) in enumerate(items, start=1):
            head = s.group(n, title) if i == 1 else ""
            rows.append((f"{prefix}.{key}", ("", head, s.item(i, text.format(**fill)))))
    if template != "2021":
        rows.append(("other.unsplit", ("", s.group(6, "其他处理"))))
    rows.append(("total", (s.group(7, "总计"),)))
    rows.append(("carried_forward", ("四、结转下年度继续办理",)))
    return rows


def request_rows(record: dict[str, Any], style: Style) -> list[TableRow]:
    """表三's data rows in template order."""
    cols = (*APPL, "total")
    out = []
    for key, labels in _request_labels(style, record["template"]):
        row = get_cell(record["requests"], key)
        values = tuple(value_text(row[c], thousands=style.thousands, zero=style.zero) for c in cols)
        out.append(TableRow("requests", key, labels, values, tuple(f"requests.{key}.{c}" for c in cols)))
    return out


def appeal_row(record: dict[str, Any], style: Style | None = None) -> TableRow:
    """表四's single data row: the three groups' five cells each, in print order."""
    keys, values = [], []
    for group in ("review", "litigation_direct", "litigation_after_review"):
        for part in ("upheld", "corrected", "other", "pending", "total"):
            keys.append(f"appeals.{group}.{part}")
            values.append(value_text(record["appeals"][group][part], zero=style.zero if style else ""))
    return TableRow("appeals", "", (), tuple(values), tuple(keys))
