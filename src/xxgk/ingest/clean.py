"""Character clean-up every reader applies: Kangxi radicals and full-width digits/letters folded,
odd spaces unified; CJK punctuation is left as printed (labels are NFKC-normalised when matched)."""

from __future__ import annotations

import re
import unicodedata
from typing import Final


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = [(0x2E80, 0x2EF4), (0x2F00, 0x2FD6), (0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)]
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
