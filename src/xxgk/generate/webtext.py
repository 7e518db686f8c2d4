"""Web "text versions" (like real/008): the whole report body on one line, each table run together.

Adjacent cells lose their separators: 规章000行政规范性文件8855698, 一、本年新收政府信息公开申请数量
713000074二、上年结转…; 表四 is either fifteen space-separated numbers or one digit string
(distortion `spaced_appeals` chooses per document). Blank cells cannot be shown at all (the digits
simply close up), so property tests feed this layout records without blanks.
Distortion `unit`: the fee carries its unit (9116.36万元). Distortion `glued`: a crawler dropped the
separators between sections too, so a heading follows a table's last digit directly (…1200000五、存在…).
"""

from __future__ import annotations

import random
from typing import Any

from xxgk.generate.base import DIGITS, PrintedRow, Rendering
from xxgk.generate.model import (
    APPEAL_GROUP_LABELS,
    APPEAL_LEAVES,
    COL_LABELS,
    NOTE,
    Style,
    TableRow,
    appeal_row,
    proactive_groups,
    request_rows,
)
from xxgk.generate.prose import preamble, title_lines


def _sep(rng: random.Random) -> str:
    return rng.choice(("", "", " "))


def _row(row: TableRow, rng: random.Random, spaced: bool = False) -> tuple[str, PrintedRow]:
    tokens = tuple(v for v in row.values if v) if spaced else ("".join(row.values),)
    label = " ".join(p for p in row.labels if p)
    text = f"{label}{_sep(rng)}{' '.join(tokens)}{_sep(rng)}"
    return text, PrintedRow(row.table, row.key, row.cell_keys, DIGITS, tokens)


def _proactive(
    record: dict[str, Any], style: Style, rng: random.Random, unit: bool
) -> tuple[str, list[PrintedRow]]:
    parts, printed = [], []
    for group in proactive_groups(record, style, unit):
        parts.append(f"{group.heading}{_sep(rng)}{' '.join(group.columns)}{_sep(rng)}")
        for row in group.rows:
            # one number per row (licences, the fee) is never split; a fee keeps its decimals
            text, pr = _row(row, rng, spaced=len(row.values) == 1)
            parts.append(text)
            printed.append(pr)
    return "".join(parts), printed


def _requests(record: dict[str, Any], style: Style, rng: random.Random) -> tuple[str, list[PrintedRow]]:
    head = f"{NOTE} 申请人情况 自然人 法人或其他组织 总计 商业 企业 科研 机构 社会公益组织 法律服务机构 其他 "
    if rng.random() < 0.5:
        head = f"{NOTE}{_sep(rng)}申请人情况 {' '.join(COL_LABELS)} "
    parts, printed = [head], []
    for row in request_rows(record, style):
        text, pr = _row(row, rng)
        parts.append(text)
        printed.append(pr)
    return "".join(parts), printed


def _appeals(
    record: dict[str, Any], style: Style, rng: random.Random, spaced: bool
) -> tuple[str, list[PrintedRow]]:
    leaves = "".join(APPEAL_LEAVES)
    head = f"行政复议 行政诉讼 {leaves} {APPEAL_GROUP_LABELS[1]} {APPEAL_GROUP_LABELS[2]} {leaves}{leaves} "
    row = appeal_row(record, style)
    text, pr = _row(row, rng, spaced=spaced)
    return head + text, [pr]


def _figures_prose(record: dict[str, Any]) -> str:
    """Web versions state their table figures in 总体情况 (the tables follow their headings directly)."""
    return "".join(
        record["sections"][k]["text"].replace("\n", "") for k in ("proactive", "requests", "appeals")
    )


def render_webtext(record: dict[str, Any], rng: random.Random, dist: frozenset[str]) -> Rendering:
    style = Style.random(rng, "thousands" in dist, "zeros" in dist)
    title = title_lines(record, rng)[0]
    year = record["year"]
    meta = [
        f"标题: {title}",
        f"发布时间: {year + 1}-0{rng.randint(1, 3)}-1{rng.randint(0, 9)} 15:07",
        "=" * 20 + " 正文 " + "=" * 20,
    ]
    spaced = "spaced_appeals" in dist and rng.random() < 0.5
    tables = {
        "proactive": _proactive(record, style, rng, "unit" in dist and rng.random() < 0.5),
        "requests": _requests(record, style, rng),
        "appeals": _appeals(record, style, rng, spaced),
    }
    glued = "glued" in dist and rng.random() < 0.5
    body, rows = preamble(record, rng), []
    for key, section in record["sections"].items():
        text = section["text"].replace("\n", "")
        if key == "overview":
            text += _figures_prose(record)
        if key in tables:
            text, printed = tables[key]
            rows += printed
        body += f"{_sep(rng) if glued else ' '}{section['title']}{_sep(rng)}{text}"
    return Rendering("\n".join([*meta, body]) + "\n", "webtext", rows)
