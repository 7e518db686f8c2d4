"""Label normalisation: the fast NFKC is exactly unicodedata's NFKC, on any text."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEEDS, SHARED
from xxgk.extract.labels import nfkc, normalize

# characters reports print, characters NFKC changes, and combining marks that force the full path
_REPORT_CHARS = st.sampled_from(
    [
        *"一二三（）()，,。：；！？\u3000 \t%％①②⑴㈠⼀⾦ＡＢ１２３４５６７８９０“”【】〔〕…·—－",
        "\u0301",
        "\u0323",
        "ﬁ",
        "㎡",
        "Ⅳ",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_REPORT_CHARS, st.characters()), max_size=30).map("".join))
def test_fast_nfkc_equals_unicodedata(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_fast_nfkc_on_real_reports():
    files = [*SEEDS.glob("*.txt"), *(SHARED / "real").glob("*.txt"), *(SHARED / "real").glob("*.md")]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert nfkc(text) == unicodedata.normalize("NFKC", text), path.name


def test_normalize_label_forms():
    assert normalize(" （一）“予以公开”\t") == "(一)予以公开"
    assert normalize("【三】⼀、本年新收") == "(三)一、本年新收"
    assert normalize("Ｅ\u0301") == "É"  # a combining mark takes the exact path
