"""Zero cells printed as words — a dash, a slash, 无 (record.md: each reads as 0) — where the cells of a
row run together with nothing between them: web text, where a whole table is one line.

A word standing alone between spaces is read by rows._tokens itself; here are the words glued to
digits or to label text ('17／／／210', '予以公开／2', '规章———规范性文件'), and the minus signs that
may be a dash for a zero cell rather than a sign ('91-1-92').
"""

from __future__ import annotations

import re
from typing import Final

from xxgk.extract.labels import GROUP_MARKER

_ZERO_CHARS: Final = frozenset("-—–－/／无")  # each alone a word printed for a zero cell (ZERO_WORDS)
# the template's words that open with 无 (（四）无法提供, 申请人无正当理由…): there 无 is no zero cell
_WU_WORDS: Final = ("法", "正当")
_WU_AFTER: Final = ("申请人", "）", ")", ".", "、")  # what those words follow in the template's labels
# zero words between two labels; not the slash of 本年增/减 (a 2019 header)
# (无 before 法 or 正当, or before 正 where a line's end cuts 无正当 short, opens a template word)
_INNER_ZEROS: Final = re.compile(r"[-—–－]+|[/／]{2,}|(?<!增)[/／](?!减)|无+(?!法|正当|正$)")


def zero_words_at(text: str, pos: int, tok: str) -> list[tuple[str, str, int]]:
    """Zero cells printed as words with nothing between them and the digits or the label around them
    ('17／／／210', '予以公开／2', '…1／（二）部分公开'): the dashes, slashes and 无 opening a text token
    after a number or a space, and those closing one before a number or a space, one cell each (a
    report that types '——' for one is recognised later: dash_pairs). Inside label text, between two
    labels: see _INNER_ZEROS.
    无 opening a template word stays in the label (无法提供, 无正当理由). [] when the token holds none."""
    before = text[pos - 1] if pos else ""
    after = text[pos + len(tok)] if pos + len(tok) < len(text) else " "
    head = _zero_run(tok) if before.isdigit() or before.isspace() else 0
    while head and tok[head - 1] == "无" and _opens_template_word(tok[head:]):
        head -= 1
    tail = _zero_run(tok[::-1]) if head < len(tok) and (after.isdigit() or after.isspace()) else 0
    cut = (
        tok[:-1].endswith("申请人")  # 1.申请人无 | 正当理由…
        or GROUP_MARKER.fullmatch(tok[:-1]) is not None  # （四）无 | 法提供 beside an item's label
        or (pos + len(tok) == len(text) and tok[:-1].endswith(_WU_AFTER))
    )
    if tail == 1 and tok[-1] == "无" and cut:
        tail = 0  # '1.申请人无' | '正当理由…': a label wrapped inside a template word, numbers after or not
    stop = len(tok) - tail
    inner = [m for m in _INNER_ZEROS.finditer(tok, head, stop) if m.start() > 0 and m.end() < stop]
    if not head and not tail and not inner:
        return []
    out = [("value", ch, pos + i) for i, ch in enumerate(tok[:head])]
    at = head
    for m in inner:  # 规章———规范性文件: a row of zeros between two labels
        out.append(("text", tok[at : m.start()], pos + at))
        out.extend(("value", ch, pos + m.start() + i) for i, ch in enumerate(m.group()))
        at = m.end()
    if at < stop:
        out.append(("text", tok[at:stop], pos + at))
    return out + [("value", ch, pos + stop + i) for i, ch in enumerate(tok[stop:])]


def wu_in_label(tokens: list[tuple[str, str, int]], i: int) -> bool:
    """A 无 set apart by spaces that is label text, not a zero cell: after a bare group marker, which no
    row's label is ('（四）   无' | '法提供': a group label wrapped and spread), or before the rest of a
    template word ('无 法 提 供', a label spread evenly across its cell: 分散对齐). `tokens`: a line's
    (kind, text, offset), spaces included."""
    if tokens[i][1] != "无":
        return False
    prev = next((t for kind, t, _ in reversed(tokens[:i]) if kind != "ws"), "")
    nxt = next((t for kind, t, _ in tokens[i + 1 :] if kind != "ws"), "")
    return GROUP_MARKER.fullmatch(prev) is not None or nxt.startswith(("法", "正"))


def _opens_template_word(rest: str) -> bool:
    """无 + `rest` opens one of the template's 无 words, whole or cut short by the end of a line ('无正' |
    '当理由…' is 无正当理由 wrapped, not a zero cell before a label 正…)."""
    return rest.startswith(_WU_WORDS) or (bool(rest) and any(w.startswith(rest) for w in _WU_WORDS))


def _zero_run(tok: str) -> int:
    end = 0
    while end < len(tok) and tok[end] in _ZERO_CHARS:
        end += 1
    return end


def in_a_run(text: str, pos: int, n: int) -> bool:
    """Something printed right before or after the token, no space between: cells run together."""
    before = text[pos - 1] if pos else " "
    after = text[pos + n] if pos + n < len(text) else " "
    return not (before.isspace() and after.isspace())


_EM_DASHES: Final = re.compile("—+")


def dash_pairs(texts: list[str]) -> bool:
    """The report prints '——' for a zero cell (what a Chinese input method types for a dash): its
    tables hold em dashes, and always an even number together. Run together, '————' is then two
    cells, not four."""
    runs = [len(m.group()) for text in texts for m in _EM_DASHES.finditer(text)]
    return bool(runs) and all(n % 2 == 0 for n in runs)
