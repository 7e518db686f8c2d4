"""Word automatic list numbering (numbering.xml) rendered as text: 一、 （一） 1. …"""

from __future__ import annotations

import zipfile
from typing import Final

W: Final = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Strict Open XML (ISO 29500 Strict, Word's "Strict Open XML Document") names the same elements in
# other namespaces; its parts are read with the transitional names the readers look for.
_STRICT: Final = (
    (
        b"http://purl.oclc.org/ooxml/wordprocessingml/main",
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
)


def read_part(zf: zipfile.ZipFile, name: str) -> bytes:
    """A part of the package, Strict namespaces given their transitional names."""
    data = zf.read(name)
    if b"http://purl.oclc.org/ooxml/" in data[:4096]:
        for strict, transitional in _STRICT:
            data = data.replace(strict, transitional)
    return data


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


def _level(lvl) -> tuple[str, str, int]:  # type: ignore[no-untyped-def]
    """(numFmt, lvlText, start) of one w:lvl."""
    fmt, text, start = "decimal", "", 1
    for prop in lvl:
        if prop.tag == f"{W}numFmt":
            fmt = prop.get(f"{W}val", "decimal")
        elif prop.tag == f"{W}lvlText":
            text = prop.get(f"{W}val", "")
        elif prop.tag == f"{W}start":
            start = int(prop.get(f"{W}val", "1"))
    return fmt, text, start


class Numbering:
    def __init__(self, levels: dict[str, dict[int, tuple[str, str, int]]]) -> None:
        self.levels = levels  # numId → ilvl → (numFmt, lvlText, start)
        self.counters: dict[str, dict[int, int]] = {}

    @classmethod
    def from_zip(cls, zf: zipfile.ZipFile) -> Numbering:
        if "word/numbering.xml" not in zf.namelist():
            return cls({})
        from lxml import etree

        root = etree.fromstring(
            read_part(zf, "word/numbering.xml"), parser=etree.XMLParser(resolve_entities=False)
        )
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        refs: dict[str, str] = {}  # numId → abstractNumId
        for el in root:  # children walked directly: findall() goes through ElementPath
            if el.tag == f"{W}abstractNum":
                abstract[el.get(f"{W}abstractNumId", "")] = {
                    int(lvl.get(f"{W}ilvl", "0")): _level(lvl) for lvl in el if lvl.tag == f"{W}lvl"
                }
            elif el.tag == f"{W}num":
                ref = child(el, f"{W}abstractNumId")
                if ref is not None:
                    refs[el.get(f"{W}numId", "")] = ref.get(f"{W}val", "")
        levels = {num_id: abstract.get(ref, {}) for num_id, ref in refs.items()}
        return cls(levels)

    def prefix(self, num_pr) -> str:  # type: ignore[no-untyped-def]
        """The number text Word would show before the paragraph whose w:numPr this is ('' for None).
        Called once per paragraph in document order: the counters advance as Word's do."""
        if not self.levels or num_pr is None:
            return ""
        num_id_el, ilvl_el = child(num_pr, f"{W}numId"), child(num_pr, f"{W}ilvl")
        num_id = num_id_el.get(f"{W}val", "") if num_id_el is not None else ""
        try:
            ilvl = int(ilvl_el.get(f"{W}val", "0")) if ilvl_el is not None else 0
        except ValueError:
            ilvl = 0
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
