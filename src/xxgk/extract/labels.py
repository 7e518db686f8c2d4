"""Label normalisation: what a printed label looks like before it is compared with the template."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})
_SPACE = re.compile(r"\s+")
_CN_NUM = "一二三四五六七八九十"
MINUS = ("-", "−")  # a printed minus: ASCII hyphen or U+2212
# List markers: 一、  (一)  1.  1、  1．  (1)  ①
# list markers (1. / 1、 / (一) / 三、 / ①), wherever a numbered item starts
MARKERS = re.compile(rf"(?:[{_CN_NUM}]+[、.]|\([{_CN_NUM}\d]+\)|(?<![\d.])\d{{1,2}}[.、](?!\d)|[①②③④⑤⑥⑦⑧⑨])")
_MD = re.compile(r"^[#>*\-\s]+|\*\*|__")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """NFKC (full-width, Kangxi radicals), no whitespace, no quotes, ASCII brackets."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_QUOTES).translate(_BRACKETS)
    return _SPACE.sub("", text)


@lru_cache(maxsize=65536)
def strip_markers(label: str) -> str:
    """A normalised label without list markers or markdown emphasis: '(六)其他处理' → '其他处理'."""
    return MARKERS.sub("", _MD.sub("", label))


def is_heading_like(text: str) -> bool:
    return len(text) <= 60 and not text.endswith(("。", "；"))
