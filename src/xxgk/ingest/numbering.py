"""Word automatic list numbering (numbering.xml) rendered as text: 一、 （一） 1. …"""

from __future__ import annotations

import zipfile
from typing import Final

W: Final = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN: Final = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (list numbers stay small)."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def _format(n: int, fmt: str) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "ideographTraditional",
        "japaneseCounting",
        "chineseLegalSimplified",
    ):
        return chinese(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return chr(0x2460 + n - 1) if 0 < n <= 20 else str(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "bullet" or fmt == "none":
        return ""
    return str(n)


def child(el, tag: str):  # type: ignore[no-untyped-def]
    """The first child element with this tag, or None. Walking the children is several times faster
    than lxml's find(), which goes through ElementPath."""
    for node in el:
        if node.tag == tag:
            return node
    return None


class Numbering:
    def __init__(self, levels: dict[str, dict[int, tuple[str, str, int]]]) -> None:
        self.levels = levels  # numId → ilvl → (numFmt, lvlText, start)
        self.counters: dict[str, dict[int, int]] = {}

    @classmethod
    def from_zip(cls, zf: zipfile.ZipFile) -> Numbering:
        if "word/numbering.xml" not in zf.namelist():
            return cls({})
        from lxml import etree

        root = etree.fromstring(zf.read("word/numbering.xml"), parser=etree.XMLParser(resolve_entities=False))
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for a in root.findall(f"{W}abstractNum"):
            lv: dict[int, tuple[str, str, int]] = {}
            for lvl in a.findall(f"{W}lvl"):
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                lv[int(lvl.get(f"{W}ilvl", "0"))] = (
                    fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{W}val", "") if text is not None else "",
                    int(start.get(f"{W}val", "1")) if start is not None else 1,
                )
            abstract[a.get(f"{W}abstractNumId", "")] = lv
        levels = {}
        for num in root.findall(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None:
                levels[num.get(f"{W}numId", "")] = abstract.get(ref.get(f"{W}val", ""), {})
        return cls(levels)

    def prefix(self, p) -> str:  # type: ignore[no-untyped-def]
        """The number text Word would show before paragraph `p` ('' when it is not numbered)."""
        if not self.levels:
            return ""
        p_pr = child(p, f"{W}pPr")
        num_pr = child(p_pr, f"{W}numPr") if p_pr is not None else None
        if num_pr is None:
            return ""
        num_id_el, ilvl_el = child(num_pr, f"{W}numId"), child(num_pr, f"{W}ilvl")
        num_id = num_id_el.get(f"{W}val", "") if num_id_el is not None else ""
        ilvl = int(ilvl_el.get(f"{W}val", "0")) if ilvl_el is not None else 0
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counts = self.counters.setdefault(num_id, {})
        _, text, start = levels[ilvl]
        counts[ilvl] = counts.get(ilvl, start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        out = text
        for k in range(ilvl + 1):
            k_fmt = levels.get(k, ("decimal", "", 1))[0]
            out = out.replace(f"%{k + 1}", _format(counts.get(k, levels.get(k, ("", "", 1))[2]), k_fmt))
        return out
