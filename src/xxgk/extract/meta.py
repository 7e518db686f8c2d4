"""agency, year and template: from the title block, the 统计期限 and the table vocabulary."""

from __future__ import annotations

import re
from collections import Counter
from typing import Final

from xxgk.extract.labels import normalize
from xxgk.extract.template import TEMPLATE_NAMES, load_template
from xxgk.extract.units import Unit

_YEAR: Final = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?")
_TITLE_TAIL: Final = re.compile(
    r"(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:情况)?的?(?:年度)?(?:报告|年报).*$"
)
# 关于2023年度政府信息公开工作的年度报告; 某局关于报送《2020年度…年度报告》的函
_ABOUT: Final = re.compile(r"^关于|关于(?:报送|上报|呈报|印发|公布|发布|提交|转发)?《?$")
_PREFIX: Final = re.compile(r"^(?:标题|题目|title)\s*[:：]\s*", re.I)
_PERIOD: Final = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_NAMED: Final = re.compile(  # 现公布区统计局2023年政府信息公开工作年度报告 / 现发布《…》
    r"(?:公布|发布|编制|编制了|现将|特将|形成)《?([\u4e00-\u9fff（）()]{2,40}?)"
    r"(?:19|20)\d{2}\s*年度?(?:政府)?信息公开工作的?年度报告"
)
# a line holding a full stop, or announcing what follows (…现将我办2022年度政府信息公开情况报告如下：),
# is prose that mentions the report, not its title
_PROSE: Final = re.compile(r"。|如下|[:：]$")
LEGACY_MARKERS = tuple(normalize(m) for m in ("指标名称", "计量单位", "历年累计", "本年度", "概述"))


def _clean(line: str) -> str:
    line = _PREFIX.sub("", line.strip().lstrip("#").strip().replace("**", ""))
    return re.sub(r"\s+", "", line)


def _title_window(units: list[Unit]) -> tuple[str, str]:
    """(title text, the line before it) — the title may be wrapped over two or three short lines."""
    head = [u for u in units[:40] if u.kind == "text"]
    for j, unit in enumerate(head):
        if (
            not ("报告" in unit.text or "年报" in unit.text)
            or len(unit.text) > 80
            or _PROSE.search(unit.text.strip())
        ):
            continue
        for width in (1, 2, 3):
            i = j - width + 1
            lines = [_clean(u.text) for u in head[max(i, 0) : j + 1]]
            if i < 0 or any(len(t) > 80 or _PROSE.search(t) for t in lines):
                break
            joined = "".join(lines)
            if ("信息公开" in joined or "政务公开" in joined) and _YEAR.search(joined):
                prev = _clean(head[i - 1].text) if i > 0 and len(head[i - 1].text) <= 40 else ""
                return joined, prev
    return "", ""


def detect_agency_year(units: list[Unit]) -> tuple[str | None, int | None]:
    title, prev = _title_window(units)
    year = None
    agency = None
    if title:
        m = _YEAR.search(title)
        if m:
            year = int(m.group(1))
            rest = (title[: m.start()] + " " + title[m.end() :]).strip()
            agency = _ABOUT.sub("", _TITLE_TAIL.sub("", rest).strip().replace(" ", "")) or None
        if not agency and prev and not _YEAR.search(prev):
            agency = re.sub(r"文件$", "", prev) or None
    if not title:
        agency = _named_in_prose(units)
    if year is None:
        year = _year_from_period(units)
    return agency, year


def _named_in_prose(units: list[Unit]) -> str | None:
    """A page that starts without a title often names its report in the first sentence: '现公布区统计局
    2023年政府信息公开工作年度报告', '特编制湛江市…办公室2023年…' — the agency as that name gives it."""
    for unit in [u for u in units[:12] if u.kind == "text"][:6]:
        m = _NAMED.search(re.sub(r"\s+", "", unit.text))
        if m:
            return None if m.group(1).startswith(("我", "本")) else m.group(1)  # 现将我局…: no name
    return None


def _year_from_period(units: list[Unit]) -> int | None:
    text = "\n".join(u.text for u in units[:60])
    m = _PERIOD.search(text)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in _YEAR.findall(text))
    return years.most_common(1)[0][0] if years else None


def detect_template(norm_text: str, year: int | None) -> str | None:
    """The template the document uses; None when nothing suggests an annual report at all."""
    counts = {name: sum(1 for m in load_template(name).markers if m in norm_text) for name in TEMPLATE_NAMES}
    best = max(counts, key=lambda k: counts[k])
    if counts[best] >= 2:
        return best
    tables = any(
        m in norm_text for m in ("收到和处理政府信息公开申请", "本年新收政府信息公开申请", "申请人情况")
    )
    if tables and year is not None:
        return "2021" if year >= 2021 else "2019" if year >= 2019 else "legacy"
    if tables:
        return "2021"
    if sum(1 for m in LEGACY_MARKERS if m in norm_text) >= 2 or (year is not None and year <= 2018):
        return "legacy"
    return None
