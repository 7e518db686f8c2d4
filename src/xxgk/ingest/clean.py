"""Character clean-up every reader applies: Kangxi radicals, compatibility ideographs and full-width
digits/letters folded, odd spaces unified; CJK punctuation is left as printed (labels are
NFKC-normalised when matched)."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# CJK Radicals Supplement → the ideograph it stands for, from Unicode's EquivalentUnifiedIdeograph.txt
# (U+2E81…U+2EF3; U+2E80 has none). PDF text layers write common characters with these look-alikes
# (人⺠政府 for 人民政府, ⻓ for 长) and NFKC folds only two of them. The Kangxi Radicals block needs no
# table: NFKC maps each of its characters to its ideograph.
RADICAL_SUPPLEMENT: Final = """
⺁厂 ⺂乛 ⺃乚 ⺄乙 ⺅亻 ⺆冂 ⺇𠘨 ⺈刀 ⺉刂 ⺊卜 ⺋㔾 ⺌小
⺍小 ⺎兀 ⺏尣 ⺐尢 ⺑𡯂 ⺒巳 ⺓幺 ⺔彑 ⺕𫜹 ⺖忄 ⺗心 ⺘扌
⺙攵 ⺛旡 ⺜日 ⺝月 ⺞歺 ⺟母 ⺠民 ⺡氵 ⺢氺 ⺣灬 ⺤爫 ⺥爫
⺦丬 ⺧牛 ⺨犭 ⺩王 ⺪𤴔 ⺫目 ⺬示 ⺭礻 ⺮𥫗 ⺯糹 ⺰纟 ⺱罓
⺲罒 ⺳㓁 ⺴冗 ⺵𦉫 ⺶羊 ⺷𦍌 ⺸𦍋 ⺹耂 ⺺肀 ⺻聿 ⺼肉 ⺽𦥑
⺾艹 ⺿艹 ⻀艹 ⻁虎 ⻂衤 ⻃覀 ⻄西 ⻅见 ⻆角 ⻇𧢲 ⻈讠 ⻉贝
⻊𧾷 ⻋车 ⻌辶 ⻍辶 ⻎辶 ⻏邑 ⻐钅 ⻑長 ⻒镸 ⻓长 ⻔门 ⻕𨸏
⻖阝 ⻗雨 ⻘青 ⻙韦 ⻚页 ⻛风 ⻜飞 ⻝食 ⻞𩙿 ⻟飠 ⻠饣 ⻡𩠐
⻢马 ⻣骨 ⻤鬼 ⻥鱼 ⻦鸟 ⻧卤 ⻨麦 ⻩黄 ⻪黾 ⻫斉 ⻬齐 ⻭歯
⻮齿 ⻯竜 ⻰龙 ⻱龜 ⻲亀 ⻳龟
"""


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord(pair[0]): pair[1] for pair in RADICAL_SUPPLEMENT.split()}
    # Kangxi radicals, CJK compatibility ideographs (a font's duplicate 例 or 金 a text layer may give:
    # each is one unified ideograph), full-width digits and letters
    ranges = [(0x2F00, 0x2FD6), (0xF900, 0xFADA), (0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)]
    for lo, hi in ranges:
        for cp in range(lo, hi):
            folded = unicodedata.normalize("NFKC", chr(cp))
            if folded != chr(cp):
                table[cp] = folded
    for cp in (0x00A0, 0x2002, 0x2003, 0x2009, 0x200B, 0x3000, 0xFEFF):
        table[cp] = " " if cp not in (0x200B, 0xFEFF) else ""
    table[0xFF0E] = "."  # full-width full stop inside numbers: 710．824
    return table


_FOLD: Final = _fold_table()

# HTML elements that begin a new line of text: the HTML reader breaks paragraphs at them, and so does
# the text reader where a conversion left such markup in a line.
BLOCK_TAGS: Final = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "section",
        "article",
        "td",
        "th",
        "tr",
        "br",
        "pre",
        "center",
        "blockquote",
        "hr",
    ]
)
# Words only the three statistics tables print (表二's column head, 表三's, 表四's): when one is missing
# from a document's text, its tables may be pictures (pasted screenshots, scanned pages)
TABLE_WORDS: Final = ("信息内容", "申请人情况", "复议后起诉")
_FOOTER: Final = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)


_FOLDABLE: Final = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_FOLD)) + "]")


def clean_text(text: str) -> str:
    """Fold each character that needs folding, one `str.replace` per distinct character: a text holds
    few of them (the ideographic space, a full-width digit…), and `str.translate` with a dict table
    looks up every character of the text. No folded form is itself foldable, so the order is free."""
    m = _FOLDABLE.search(text)
    while m is not None:
        char = m.group()
        text = text.replace(char, _FOLD[ord(char)])
        m = _FOLDABLE.search(text, m.start())
    return text


def is_page_footer(line: str) -> bool:
    """Page numbers such as '-4-', '第 4 页 共 6 页' that PDF conversions leave inside tables."""
    last = line.rstrip()[-1:]  # every footer ends in a digit, 页 or a dash: most lines are out at once
    return (last.isdigit() or last in "-—–－页") and bool(_FOOTER.match(line))
