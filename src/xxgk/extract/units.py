"""Document → a flat sequence of units (paragraph pieces and grid rows) with section headings marked.

Web "text versions" put a whole report on one line; such paragraphs are cut at section headings so
that every table and section can be located in the same way as in a well-formed document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from xxgk.extract.labels import normalize
from xxgk.model import Document, Paragraph, Provenance, Row

# (key, cores): a heading is a list marker followed (within a few characters) by one of the cores.
SECTIONS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("overview", ("总体情况", "概述", "基本情况")),
    ("proactive", ("主动公开政府信息情况", "主动公开政府信息", "主动公开情况")),
    ("requests", ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请", "依申请公开政府信息情况")),
    (
        "appeals",
        (
            "政府信息公开行政复议、行政诉讼情况",
            "行政复议、行政诉讼",
            "行政复议和行政诉讼",
            "行政复议与行政诉讼",
            "行政复议及行政诉讼",
            "行政复议、提起行政诉讼",
            "行政法复议",
            "被申请行政复议",
        ),
    ),
    (
        "problems",
        (
            "存在的主要问题及改进情况",
            "存在的主要问题和改进情况",
            "存在的主要问题",
            "主要问题和改进措施",
            "主要问题及改进",
            "存在问题及改进",
            "存在问题和改进",
            "存在的问题及改进",
            "存在的问题和改进",
        ),
    ),
    (
        "other",
        (
            "其他需要报告的事项",
            "其他需要报告事项",
            "其他需报告的事项",
            "其他需报告事项",
            "需要说明的其他事项",
            "其他需要说明的事项",
            "其他需说明事项",
            # 六's content, given a section of its own (and a small table) in some provinces' layout
            "信息处理费收取情况",
        ),
    ),
)
# Full section names that may follow their numeral with no 、 ('。一总体情况2020年，…').
BARE_MARKED: Final = (
    "总体情况",
    "主动公开政府信息",
    "收到和处理政府信息公开申请",
    "存在的主要问题",
    "其他需要报告的事项",
)
SECTION_ORDER: Final = {key: i for i, (key, _) in enumerate(SECTIONS)}
_CN: Final = "一二三四五六七八九十"


@dataclass(slots=True, init=False)
class Unit:
    kind: str  # "text" or "row"
    text: str
    norm: str
    prov: Provenance
    row: Row | None
    section: str | None  # set when the unit starts with a section heading
    heading: str  # the heading text itself

    def __init__(self, kind: str, text: str, norm: str, prov: Provenance, row: Row | None = None) -> None:
        self.kind, self.text, self.norm, self.prov, self.row = kind, text, norm, prov, row
        self.section, self.heading = None, ""


# a table's last cell, a zero printed as a dash or a slash, may run into the next heading ('－三、收到…')
_ZERO_MARKS: Final = r"\-—–－/／"


def _heading_pattern() -> re.Pattern[str]:
    cores = sorted({c for _, cs in SECTIONS for c in cs}, key=len, reverse=True)
    alt = "|".join(re.escape(c) for c in cores)
    bare = "|".join(BARE_MARKED)
    return re.compile(
        rf"(?:^|(?<=[\s。；：:）)\]】\d元件项%％{_ZERO_MARKS}]))[#*\s]*"
        rf"(?P<marker>[{_CN}][、.．]|第[{_CN}]部分[、:：]?|[{_CN}](?={bare}))\s*\**\s*"
        rf"(?P<title>[^\s。，,；、]{{0,10}}?(?:{alt})[^\s。，,；]{{0,8}}?(?:情况|事项|措施)?)"
    )


_HEADING: Final = _heading_pattern()
GLUED_CORE_MIN: Final = 7


def _glued_heading_pattern() -> re.Pattern[str]:
    """A heading run into the text before it ('…继续办理四、政府信息公开行政复议、行政诉讼情况': a blank
    last row of a web page's table, then the next section). With nothing to set it apart, only a
    section's full name counts, never a short one ('总体情况') that prose may follow a list marker with."""
    cores = sorted({c for _, cs in SECTIONS for c in cs if len(c) >= GLUED_CORE_MIN}, key=len, reverse=True)
    alt = "|".join(re.escape(c) for c in cores)
    return re.compile(
        rf"(?<=[\u4e00-\u9fff{_ZERO_MARKS}])(?P<marker>[{_CN}]、)(?P<title>[^\s。，,；、]{{0,10}}?(?:{alt})(?:情况|事项)?)"
    )


_GLUED_HEADING: Final = _glued_heading_pattern()


_NORMALIZED_CORES: Final = tuple((key, tuple(normalize(c) for c in cores)) for key, cores in SECTIONS)


def _section_of(title: str) -> str | None:
    n = normalize(title)
    for key, cores in _NORMALIZED_CORES:
        for core in cores:
            if core in n:
                return key
    return None


# 三、 (or 三．), 第三部分, or 一 right before a full section name, written to begin with one character
# class: `re` then skips ahead to such a character instead of trying each alternative at every position
_MARKER_HINT: Final = re.compile(
    rf"[{_CN}第](?:(?<=[{_CN}])[、.．]|(?<=第)[{_CN}]部分|(?<=[{_CN}])(?={'|'.join(BARE_MARKED)}))"
)


def _may_head(text: str) -> bool:
    """A cheap test before the marker search: most paragraphs hold none of these."""
    return "、" in text or "部分" in text or "情况" in text or "事项" in text or "．" in text or "." in text


def _heading_cuts(text: str) -> list[int]:
    r"""Where headings start (their list marker), as `_HEADING.finditer` finds them, but tried only
    at list markers: the pattern has no literal start and costs a backtracking attempt at every
    position of a web page's one-line text. A heading starts at its marker or just before it, on
    markdown marks or spaces (`[#*\s]*`), and headings do not overlap."""
    cuts: list[int] = []
    end = 0
    for hint in _MARKER_HINT.finditer(text):
        marker = start = hint.start()
        if marker < end:
            continue
        while start > end and (text[start - 1] in "#*" or text[start - 1].isspace()):
            start -= 1
        for at in range(start, marker + 1):
            m = _HEADING.match(text, at)
            if m is not None:
                cuts.append(m.start("marker"))
                end = m.end()
                break
        else:
            m = _GLUED_HEADING.match(text, marker)
            if m is not None:
                cuts.append(marker)
                end = m.end()
    return cuts


def _split_paragraph(p: Paragraph) -> list[Unit]:
    text = p.text
    # most paragraphs have no list marker at all
    has_marker = _may_head(text) and _MARKER_HINT.search(text) is not None
    cuts = _heading_cuts(text) if has_marker else []
    if not cuts or cuts[0] != 0:
        cuts = [0, *cuts]
    units: list[Unit] = []
    ends = [*cuts[1:], len(text)]
    for n, a in enumerate(cuts):
        b = ends[n]
        raw = text[a:b]
        piece = raw.strip()
        if not piece:
            continue
        x = (p.prov.x or 0) + a + len(raw) - len(raw.lstrip())  # the piece's character column
        unit = Unit("text", piece, normalize(piece), Provenance(line=p.prov.line, page=p.prov.page, x=x))
        m = (_HEADING.match(piece) or _GLUED_HEADING.match(text, a)) if has_marker else None
        if m and (len(piece) <= 40 or b - a < len(text)):
            unit.section = _section_of(m["title"])
            unit.heading = (m["marker"] + m["title"]).strip()
        units.append(unit)
    return units


def document_to_units(doc: Document) -> list[Unit]:
    units: list[Unit] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            units.extend(_split_paragraph(block))
            continue
        for row in block.rows:
            text = "\t".join(c.text for c in row.cells)
            unit = Unit("row", text, normalize(text), row.prov, row=row)
            if len([c for c in row.cells if c.text]) == 1:  # a heading that sits inside a table cell
                m = _HEADING.match(text.strip())
                if m and len(text.strip()) <= 40:
                    unit.section, unit.heading = _section_of(m["title"]), (m["marker"] + m["title"]).strip()
            units.append(unit)
    return units
