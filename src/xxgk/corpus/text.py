"""Section text: the normal form used to measure copying, and character diffs for highlighting.

Similarity is rapidfuzz's normalised Indel similarity (2·LCS / (len a + len b)), the same quantity as
difflib's `SequenceMatcher.ratio`, but computed exactly: difflib's matcher is a heuristic (it finds
longest blocks greedily, not the longest common subsequence) and, with its default autojunk, treats
characters that occur in more than 1% of a text of 200+ characters as junk — in Chinese prose that is
的, 政, 府, 信, 息, 公, 开 …, so its ratio for two reports can swing by tens of points. rapidfuzz is a
declared dependency, exact and bit-parallel fast, which matters when a whole corpus is compared.

Chinese has no word boundaries, so diffs are per character; short equal runs between two changes are
folded into the change so a highlighted diff reads as phrases, not confetti.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rapidfuzz.distance import Indel

# Years and numbers are masked so that "2021年…收到申请49件" and "2022年…收到申请63件" compare equal.
_ARABIC_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CHINESE_NUMBER = re.compile(r"[〇零○一二三四五六七八九十百千万亿两]{2,}")
NUMBER_MASK = "\ue000"  # a private-use character: cannot collide with text that survives normalisation

# Below this many normalised characters a section is boilerplate ("无。", "本年度无其他事项"): identical
# short texts prove nothing about copying.
MIN_COMPARABLE_CHARS = 50

# Equal runs shorter than this between two changes are merged into the change.
_MIN_EQUAL_RUN = 2


class _Dropped(dict[int, int | None]):
    """A `str.translate` table deleting punctuation, separators, symbols and control characters
    (Unicode categories P*, Z*, S*, C*) but the number mask, filled the first time a character is met:
    translate then runs in C, where a per-character `unicodedata.category` test in Python made X_COPY
    the largest part of the cross-year rules in a bulk ingest."""

    def __missing__(self, code: int) -> int | None:
        char = chr(code)
        kept = char == NUMBER_MASK or unicodedata.category(char)[0] not in "PZSC"
        self[code] = code if kept else None
        return self[code]


_DROPPED = _Dropped()


def normalize_text(text: str) -> str:
    """NFKC, years and numbers masked, whitespace and punctuation removed: what 照搬 leaves unchanged."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _ARABIC_NUMBER.sub(NUMBER_MASK, text)
    text = _CHINESE_NUMBER.sub(NUMBER_MASK, text)
    return text.translate(_DROPPED)


def values_differ(a: Any, b: Any) -> bool:
    """Two printed cell values differ (blank ≠ 0; 3 = 3.0). Numbers compare exactly as they are (an int
    and a float compare by value in Python); anything else through Decimal, as printed."""
    if a is None or b is None:
        return a is not b
    if type(a) in _NUMBERS and type(b) in _NUMBERS:
        return bool(a != b)
    return Decimal(str(a)) != Decimal(str(b))


_NUMBERS = (int, float)


def similarity(a: str, b: str) -> float | None:
    """Similarity in [0, 1] of two section texts after `normalize_text`; None when either is too short."""
    na, nb = normalize_text(a), normalize_text(b)
    if min(len(na), len(nb)) < MIN_COMPARABLE_CHARS:
        return None
    return float(Indel.normalized_similarity(na, nb))


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of a diff: `equal` text (a == b), `delete` (only in a), `insert` (only in b), `replace`."""

    op: str
    a: str
    b: str

    def as_dict(self) -> dict[str, str]:
        return {"op": self.op, "a": self.a, "b": self.b}


def _change(a: str, b: str) -> Segment:
    if not a:
        return Segment("insert", "", b)
    if not b:
        return Segment("delete", a, "")
    return Segment("replace", a, b)


def diff_segments(a: str, b: str) -> list[Segment]:
    """Character diff of the raw texts as segments; concatenating the `a` (`b`) parts gives back a (b)."""
    out: list[Segment] = []
    pending: list[int] | None = None  # [a_start, a_end, b_start, b_end] of the change being collected
    ops = list(Indel.opcodes(a, b))
    for n, op in enumerate(ops):
        short_gap = op.src_end - op.src_start < _MIN_EQUAL_RUN and n + 1 < len(ops)
        if op.tag != "equal" or (pending is not None and short_gap):
            if pending is None:
                pending = [op.src_start, op.src_end, op.dest_start, op.dest_end]
            pending[1], pending[3] = op.src_end, op.dest_end
            continue
        if pending is not None:
            out.append(_change(a[pending[0] : pending[1]], b[pending[2] : pending[3]]))
            pending = None
        out.append(Segment("equal", a[op.src_start : op.src_end], b[op.dest_start : op.dest_end]))
    if pending is not None:
        out.append(_change(a[pending[0] : pending[1]], b[pending[2] : pending[3]]))
    return out
