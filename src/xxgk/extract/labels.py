"""Label normalisation: what a printed label looks like before it is compared with the template."""

from __future__ import annotations

import re
import unicodedata
from typing import Final, TypeVar

_CN_NUM: Final = "一二三四五六七八九十"
MINUS: Final = ("-", "−")  # a printed minus: ASCII hyphen or U+2212
# list markers (1. / 1、 / (一) / 三、 / ①), wherever a numbered item starts
MARKERS: Final = re.compile(
    rf"(?:[{_CN_NUM}]+[、.]|\([{_CN_NUM}\d]+\)|(?<![\d.])\d{{1,2}}[.、](?!\d)|[①②③④⑤⑥⑦⑧⑨])"
)
# the list marker of a 表三 group (（四）, (六)): before 无法提供, or beside a wrapped item label
GROUP_MARKER: Final = re.compile(r"[（(][一二三四五六七八九十]+[）)]")
_MD: Final = re.compile(r"^[#>*\-\s]+|\*\*|__")


# NFKC without its cost on Chinese prose (~25x faster): the characters that NFKC changes and that
# reports print (full-width forms, ideographic space, circled numbers, Kangxi radicals, CJK compatibility
# ideographs, …) are replaced one by one, and the result is accepted only when it is NFKC-normalised.
# That is exact: replacing a character by its NFKC form keeps the string compatibility-equivalent, so a
# normalised result is the string's NFKC form; anything else (combining marks…) takes the full path.
_NFKC_RANGES: Final = (
    (0xA0, 0xC0),
    (0x2000, 0x2070),
    (0x2100, 0x2190),
    (0x2460, 0x2500),
    (0x2E80, 0x2FE0),
    (0x3000, 0x3040),
    (0x3200, 0x3400),
    (0xF900, 0xFB00),
    (0xFE30, 0xFE70),
    (0xFF00, 0xFFF0),
)
_NFKC_MAP: Final = {
    chr(cp): unicodedata.normalize("NFKC", chr(cp))
    for lo, hi in _NFKC_RANGES
    for cp in range(lo, hi)
    if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
}
_NFKC_CHANGES: Final = re.compile("[" + "".join(re.escape(c) for c in sorted(_NFKC_MAP)) + "]")
_NFKC_COMMON: Final = tuple((c, _NFKC_MAP[c]) for c in "，（）：；！？　％")  # plain replace: no callback
_LABEL_MAP: Final = {**dict.fromkeys("“”\"'‘’「」『』", ""), "【": "(", "】": ")", "〔": "(", "〕": ")"}
_LABEL_CHANGES: Final = re.compile("[" + "".join(re.escape(c) for c in _LABEL_MAP) + "]")


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), fast on Chinese text."""
    out = text
    for char, folded in _NFKC_COMMON:
        if char in out:
            out = out.replace(char, folded)
    if _NFKC_CHANGES.search(out):
        out = _NFKC_CHANGES.sub(lambda m: _NFKC_MAP[m[0]], out)
    return out if unicodedata.is_normalized("NFKC", out) else unicodedata.normalize("NFKC", text)


K = TypeVar("K")
V = TypeVar("V")


MEMO_TEXT: Final = 200  # longer text (prose, a web page's one-line table) never recurs: not remembered


def remember(table: dict[K, V], key: K, value: V) -> V:
    """Store a computed value in a bounded memo table (emptied when full) and return it. For the hot
    pure functions whose inputs recur across reports; read with `table.get(key)` first. Text keys
    longer than MEMO_TEXT are not stored, which bounds the tables' memory (65536 short keys)."""
    if isinstance(key, str) and len(key) > MEMO_TEXT:
        return value
    if len(table) >= 65536:
        table.clear()
    table[key] = value
    return value


_NORMALIZED: Final[dict[str, str]] = {}


def normalize(text: str) -> str:
    """NFKC (full-width, Kangxi radicals), no whitespace, no quotes, ASCII brackets. Labels recur in
    every report: remembered (a plain memo table, called natively from compiled code)."""
    found = _NORMALIZED.get(text)
    return found if found is not None else remember(_NORMALIZED, text, _normalized(text))


def _normalized(text: str) -> str:
    text = "".join(nfkc(text).split())
    if _LABEL_CHANGES.search(text):
        text = _LABEL_CHANGES.sub(lambda m: _LABEL_MAP[m[0]], text)
    return text


_STRIPPED: Final[dict[str, str]] = {}


def strip_markers(label: str) -> str:
    """A normalised label without list markers or markdown emphasis: '(六)其他处理' → '其他处理'."""
    found = _STRIPPED.get(label)
    return found if found is not None else remember(_STRIPPED, label, MARKERS.sub("", _MD.sub("", label)))


def is_heading_like(text: str) -> bool:
    return len(text) <= 60 and not text.endswith(("。", "；"))
