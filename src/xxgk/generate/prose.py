"""Plausible Chinese prose for generated reports: agency names, the preamble and the six sections.

The prose matters to the parser in three ways, so it imitates real reports there: the title and the
统计期限 give agency and year, section 六 must state 信息处理费, and figures stated in the text
("本年制发行政规范性文件 88 件") are hints the extractor may use to choose between readings. Every
figure stated here is true of the record, and no sentence looks like a section heading.
"""

from __future__ import annotations

import random
from typing import Any

_REGIONS = (
    "海东市",
    "中卫市",
    "舟山市定海区",
    "平潭综合实验区",
    "淮安市洪泽区",
    "郑州市",
    "上海市",
    "长沙县",
    "成都市武侯区",
    "兰州新区",
    "大理白族自治州",
    "惠州市惠阳区",
    "嘉兴市南湖区",
    "西宁市城北区",
    "宜昌市",
)
_BODIES = (
    "公安局",
    "人民政府",
    "人民政府办公室",
    "财政局",
    "教育局",
    "卫生健康委员会",
    "自然资源和规划局",
    "科学技术委员会",
    "生态环境局",
    "市场监督管理局",
    "住房和城乡建设局",
    "交通运输局",
    "民政局",
    "司法局",
    "应急管理局",
    "统计局",
    "税务局",
    "退役军人事务局",
)
_OVERVIEW = (
    "{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "围绕中心工作，不断完善政务公开制度机制，持续提升政务公开质量。",
    "全年通过门户网站主动公开政府信息{n1}条，通过政务新媒体发布信息{n2}条，阅读量累计{n3}万次。",
    "严格执行信息发布保密审查制度，坚持先审查、后公开，全年未发生失泄密事件。",
    "进一步规范依申请公开办理流程，统一登记、审核、答复各环节的要求，确保依法依规按时答复。",
    "加强政府网站和政务新媒体建设管理，定期开展内容检查，及时更新栏目信息。",
    "组织开展政务公开业务培训{n4}次，参训人员{n5}人次，工作人员业务能力明显提升。",
)
_PROBLEMS = (
    "一是公开内容的深度和广度还需拓展，部分栏目更新不够及时；二是政策解读形式较为单一；三是工作人员多为兼职，业务能力有待提高。",
    "针对上述问题，下一步将采取以下措施：一是加强统筹协调，压实公开责任；二是丰富政策解读方式，提高解读质量；三是加大培训力度，提升队伍素质。",
)


def random_agency(rng: random.Random) -> str:
    """An issuing body as a title names it, e.g. 舟山市定海区公安局 (no year, no 年度报告)."""
    return rng.choice(_REGIONS) + rng.choice(_BODIES)


def preamble(record: dict[str, Any], rng: random.Random) -> str:
    """编制依据 and 统计期限 — the period states the report's year, as real preambles do."""
    year, agency = record["year"], record["agency"]
    period = rng.choice(
        (
            f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
            f"本年度报告中使用数据统计期限为{year}年1月1日至{year}年12月31日。",
            f"本报告所列数据统计时限为{year}年1月1日至{year}年12月31日。",
        )
    )
    return (
        f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级有关要求，编制本报告。{period}"
        f"如对本报告有任何疑问，请与{agency}办公室联系（电话：0{rng.randint(100, 999)}-{rng.randint(2000000, 8999999)}）。"
    )


def _nonzero(text: str, value: Any) -> str:
    return text.format(v=value) if isinstance(value, int) and value > 0 else ""


def _requests_text(record: dict[str, Any]) -> str:
    req = record["requests"]
    parts = [
        _nonzero("本年度共新收政府信息公开申请{v}件", req["new_received"]["total"]),
        _nonzero("上年结转{v}件", req["carried_over"]["total"]),
        _nonzero("结转下年度继续办理{v}件", req["carried_forward"]["total"]),
    ]
    said = "，".join(p for p in parts if p)
    return (said + "。" if said else "本年度未收到政府信息公开申请。") + "所有申请均在法定期限内答复。"


def _proactive_text(record: dict[str, Any]) -> str:
    docs = record["proactive"].get("normative_documents", {})
    if "issued" not in docs:
        return "本年度主动公开政府信息情况如下。"
    parts = [
        _nonzero("本年制发行政规范性文件{v}件", docs["issued"]),
        _nonzero("废止规范性文件{v}件", docs["repealed"]),
        _nonzero("现行有效规范性文件{v}件", docs["in_force"]),
    ]
    said = "，".join(p for p in parts if p)
    return (said + "。" if said else "") + "具体情况如下。"


def _appeals_text(record: dict[str, Any]) -> str:
    app = record["appeals"]
    review = app["review"]["total"]
    lit = app["litigation_direct"]["total"] + app["litigation_after_review"]["total"]
    if not review and not lit:
        return "本年度未发生因政府信息公开工作引起的行政复议、行政诉讼案件。"
    return f"本年度因政府信息公开工作被申请行政复议{review}件，被提起行政诉讼{lit}件。"


def _fee_text(rng: random.Random, year: int) -> str:
    if rng.random() < 0.7:
        return rng.choice(("本年度未收取信息处理费。", f"{year}年，本机关未收取政府信息公开信息处理费。"))
    return f"本年度依法收取信息处理费{rng.randint(1, 30) * 100}元。"


# Headings of 四 and 五 as agencies word them (template.md); the first is the template's own.
_APPEALS_TITLES = (
    "四、政府信息公开行政复议、行政诉讼情况",
    "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况",
    "四、政府信息公开行政复议和行政诉讼情况",
    "四、政府信息公开行政复议与行政诉讼情况",
)
_PROBLEMS_TITLES = (
    "五、存在的主要问题及改进情况",
    "五、政府信息公开工作存在的主要问题及改进情况",
    "五、存在的主要问题和改进措施",
)


def random_sections(rng: random.Random, record: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The six sections {title, text}; table sections hold the prose printed before their table.
    The wording of the headings is drawn from a generator of the agency's own (an agency keeps its
    wording), so that every other draw, and every report generated before, stays as it was."""
    year, agency = record["year"], record["agency"]
    nums = {f"n{i}": rng.randint(12, 3000) for i in range(1, 6)}
    overview = "\n".join(s.format(year=year, agency=agency, **nums) for s in rng.sample(_OVERVIEW, k=4))
    wording = random.Random(agency)
    return {
        "overview": {"title": "一、总体情况", "text": overview},
        "proactive": {"title": "二、主动公开政府信息情况", "text": _proactive_text(record)},
        "requests": {"title": "三、收到和处理政府信息公开申请情况", "text": _requests_text(record)},
        "appeals": {"title": wording.choice(_APPEALS_TITLES), "text": _appeals_text(record)},
        "problems": {"title": wording.choice(_PROBLEMS_TITLES), "text": "\n".join(_PROBLEMS)},
        "other": {"title": "六、其他需要报告的事项", "text": _fee_text(rng, year)},
    }


def title_lines(record: dict[str, Any], rng: random.Random, two_lines: bool = False) -> list[str]:
    """The report's title as printed: agency and year in one of the usual orders."""
    agency, year = record["agency"], record["year"]
    tail = rng.choice(("年政府信息公开工作年度报告", "年度政府信息公开工作年度报告"))
    if two_lines:
        return [agency, f"{year}{tail}"]
    if not agency.endswith("政府") and rng.random() < 0.25:
        return [f"{year}年{agency}政府信息公开工作年度报告"]
    return [f"{agency}{rng.choice(('', ' '))}{year}{rng.choice(('', ' '))}{tail}"]
