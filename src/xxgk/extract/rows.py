"""Units inside a table region → logical rows: label text followed by value slots.

One mechanism serves every layout: a grid row is a sequence of cells, a paragraph is a sequence of
tokens; both become pieces (label text, value, blank cell) and a label after values starts a new row.
That is what recovers rows from web text where a whole table is one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from xxgk.extract.labels import MINUS, normalize, remember
from xxgk.extract.numbers import ZERO_WORDS, parse_value
from xxgk.extract.units import Unit
from xxgk.extract.zerowords import in_a_run, wu_in_label, zero_words_at
from xxgk.model import Provenance

# a full-width comma before three digits groups thousands as the ASCII one does ('29，386', typed in
# full-width mode); before anything else it is punctuation
_TOKEN: Final = re.compile(
    r"(?P<num>[-+−]?\d(?:[\d,]|，(?=\d{3}))*(?:\.\d+)?(?:\s*(?:万元|元))?)|(?P<ws>\s+)|(?P<text>[^\d\s]+)"
)
GROUP_MARKS: Final = (",", "，")
# a decimal point set apart from its digits ('22  .  35': a table printed with its letters spaced):
# a point alone is no cell
_SPACED_POINT: Final = re.compile(r"(?<![\d.．])(\d+) {1,3}[.．] {1,3}(\d+)(?![\d.．])")


def _close_point(m: re.Match[str]) -> str:
    """'22  .  35' → '22.35    ': the same length, so every later token keeps its column."""
    number = f"{m.group(1)}.{m.group(2)}"
    return number + " " * (len(m.group()) - len(number))


# digits whose commas cannot all group one number's thousands ('1510,664'): cells run together, one of
# them printed with a thousands separator (本年增/减 -15 · 处理决定 10,664)
_GROUPED_RUN: Final = re.compile(r"^[-−]?\d+(?:[,，]\d+)+$")
_MARKER_STOPS: Final = (".", "、", "．")
# digits so followed are prose (2023年, 第7条, 45%) or markup (AsciiDoc's span '3+|'), never a cell's count
_NOT_A_VALUE_AFTER: Final = (
    "年",
    "月",
    "日",
    "条",
    "号",
    "页",
    "%",
    "％",
    "周",
    "岁",
    "时",
    "届",
    "次会",
    "+",
)
_VALUE_UNIT_AFTER: Final = re.compile(r"^(件|项|个)")


@dataclass(slots=True, init=False)
class Slot:
    raw: str
    value: Decimal | None  # None: a blank cell
    unit: str | None
    prov: Provenance
    whole: bool  # the number filled its cell, or its line, alone: one number, never digits run together
    glued: bool  # a minus sign in a run of cells with no spaces: a sign, or a dash for a zero ('91-1-92')

    def __init__(
        self,
        raw: str,
        value: Decimal | None,
        unit: str | None,
        prov: Provenance,
        whole: bool = False,
        glued: bool = False,
    ) -> None:
        self.raw, self.value, self.unit, self.prov, self.whole = raw, value, unit, prov, whole
        self.glued = glued

    @property
    def splittable(self) -> bool:
        """Plain digits, or a minus sign and digits: what adjacent cells run together leave
        (行政处罚2648-18538 is 26 · -185 · 38 or another cut, the sign opening the next cell) — with
        thousands separators, which bind the digits around them into one cell's number."""
        digits = self.raw[1:] if self.raw[:1] in MINUS else self.raw
        if self.value is None or self.unit is not None:
            return False
        return digits.isdigit() or _GROUPED_RUN.match(digits) is not None

    @property
    def digits(self) -> int:
        """How many digits the token prints: the most cells it can fill (a zero word fills one)."""
        return sum(1 for ch in self.raw if ch.isdigit()) or int(self.value is not None)


@dataclass(slots=True, init=False)
class LogicalRow:
    label: str  # normalised, all label pieces joined
    last_label: str  # normalised, the last label piece (the most specific one)
    slots: list[Slot]
    prov: Provenance
    explicit: bool  # from a grid: blank slots are real cells
    margin: str  # a lone character set apart before the label (a vertically printed group label)
    _values: list[Slot] | None

    def __init__(
        self,
        label: str = "",
        last_label: str = "",
        slots: list[Slot] | None = None,
        prov: Provenance | None = None,
        explicit: bool = False,
        margin: str = "",
    ) -> None:
        self.label, self.last_label, self.slots = label, last_label, [] if slots is None else slots
        self.prov = Provenance() if prov is None else prov
        self.explicit, self.margin, self._values = explicit, margin, None

    @property
    def values(self) -> list[Slot]:
        """The slots holding a value. Computed once: the row builders below never read it, and rows
        are not changed once built, while matching reads it hundreds of times per table."""
        if self._values is None:
            self._values = [s for s in self.slots if s.value is not None]
        return self._values


def _text_pieces(text: str, base: Provenance) -> list[tuple[str, str, Provenance]]:
    """Tokenise a paragraph: ('text'|'value'|'margin', raw, prov)."""
    line, page, x0 = base.line, base.page, base.x or 0
    return [
        (kind, tok, Provenance(line=line, page=page, x=base.x if pos < 0 else x0 + pos))
        for kind, tok, pos in _classify(text)
    ]


_CLASSIFIED: Final[dict[str, tuple[tuple[str, str, int], ...]]] = {}


def _classify(text: str) -> tuple[tuple[str, str, int], ...]:
    """(kind, raw, offset) of each token; offset -1 for a margin character. List markers glued to
    digits go to the label. Remembered: row labels and cells recur in every report."""
    found = _CLASSIFIED.get(text)
    return found if found is not None else remember(_CLASSIFIED, text, _tokens(text))


def _tokens(text: str) -> tuple[tuple[str, str, int], ...]:
    if "." in text or "．" in text:
        text = _SPACED_POINT.sub(_close_point, text)
    raw = [(m.lastgroup or "", m.group(), m.start()) for m in _TOKEN.finditer(text)]
    out: list[tuple[str, str, int]] = []
    if _margin_char(raw):  # one character of a group label printed down the first column
        out.append(("margin", raw[0][1], -1))
        raw = raw[2:]
    for i, (kind, tok, pos) in enumerate(raw):
        if kind == "ws":
            continue
        if kind == "num":
            nxt = raw[i + 1][1] if i + 1 < len(raw) and raw[i + 1][0] == "text" else ""
            signed = tok[:1] in MINUS
            if _digit_run(tok[1:] if signed else tok) and _marker_stop_at(text, pos + len(tok)):
                if len(tok) > 1:  # '00000002.其他…' = value '0000000' + marker '2.'; '-52.' = '-5' + '2.'
                    out.append(("glued" if signed and len(tok) > 2 else "value", tok[:-1], pos))
                out.append(("text", tok[-1], pos))
                continue
            if nxt.startswith("年") and _ends_in_year(tok):  # '…结转下年度继续办理20000022025年，我局…'
                out.append(("value", tok[:-4], pos))  # the row's digits, then the prose's year
                out.append(("text", tok[-4:], pos + len(tok) - 4))
                continue
            if nxt.startswith(_NOT_A_VALUE_AFTER):
                out.append(("text", tok, pos))
                continue
        if kind == "text" and wu_in_label(raw, i):
            out.append(("text", tok, pos))
            continue
        if kind == "text" and tok.strip() in ZERO_WORDS and _standalone(text, pos, len(tok)):
            out.append(("value", tok, pos))
            continue
        if kind == "text" and (split := zero_words_at(text, pos, tok)):
            out.extend(split)
            continue
        if kind == "num":
            kind = "glued" if tok[:1] in MINUS and in_a_run(text, pos, len(tok)) else "value"
        out.append((kind, tok, pos))
    return tuple(out)


def _ends_in_year(tok: str) -> bool:
    """Digits longer than a year whose last four are one (19xx, 20xx), before 年: the prose that
    follows a table row with nothing between opens with a year, and the row's digits run into it."""
    return _digit_run(tok) and len(tok) > 4 and tok[-4:].isdigit() and tok[-4:-2] in ("19", "20")


def _digit_run(tok: str) -> bool:
    """Digits, perhaps grouped by thousands separators: a row's numbers with nothing between them."""
    return tok.isdigit() or (tok[:1].isdigit() and _GROUPED_RUN.match(tok) is not None)


def _marker_stop_at(text: str, end: int) -> bool:
    """A list marker's stop follows the digits ('2.其他', '3、'), not a decimal point ('2.5')."""
    return text[end : end + 1] in _MARKER_STOPS and not text[end + 1 : end + 2].isdecimal()


def _margin_char(raw: list[tuple[str, str, int]]) -> bool:
    """'三      （一）予以公开 …': a lone character set apart at the start of a line is a group label
    printed vertically (pdftotext -layout); it belongs to no row's label."""
    return (
        len(raw) >= 3
        and raw[0][0] == "text"
        and len(raw[0][1]) == 1
        and raw[0][1] not in ZERO_WORDS
        and raw[1][0] == "ws"
        and len(raw[1][1]) >= 2
    )


def _standalone(text: str, pos: int, n: int) -> bool:
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + n] if pos + n < len(text) else " "
    return before.isspace() and after.isspace()


def _cell_pieces(unit: Unit) -> list[tuple[str, str, Provenance]]:
    """A grid row's pieces. The positions a cell spans (colspan, gridSpan) are that cell, not blank
    cells of their own: kept as blanks, they would leave the row a blank too many and where its numbers
    sit a guess (行政事业性收费 | blank | 4 spanning two columns)."""
    assert unit.row is not None
    out: list[tuple[str, str, Provenance]] = []
    for cell in unit.row.cells:
        if cell.spanned:
            continue
        text = cell.text.strip()
        ok, _, _ = parse_value(text)
        if not text:
            out.append(("blank", "", cell.prov))
        elif ok:
            out.append(("whole", text, cell.prov))
        else:
            out.extend(_text_pieces(text, cell.prov))
    return out


def _add_value(row: LogicalRow, raw: str, prov: Provenance, kind: str = "value") -> bool:
    slot = value_slot(raw, prov, kind)
    if slot is not None:
        row.slots.append(slot)
    return slot is not None


def value_slot(raw: str, prov: Provenance, kind: str = "value") -> Slot | None:
    """A value piece as a slot ('whole': it filled its cell alone), or None when it is no number."""
    whole = kind == "whole"
    ok, value, unit = parse_value(raw)
    if not (ok and value is not None) and not whole and _GROUPED_RUN.match(raw):
        ok, value, unit = True, _run_value(raw), None  # only its divisions are numbers (splits.py)
    return Slot(raw, value, unit, prov, whole, kind == "glued") if ok and value is not None else None


def _run_value(raw: str) -> Decimal:
    plain = "".join(ch for ch in raw if ch.isdigit())
    return -Decimal(plain) if raw[:1] in MINUS else Decimal(plain)


def pieces_to_rows(pieces: list[tuple[str, str, Provenance]], explicit: bool) -> list[LogicalRow]:
    rows: list[LogicalRow] = []
    cur: LogicalRow | None = None
    has_values = False  # does `cur` hold a value yet (a label after values starts a new row)
    labels: list[str] = []
    for kind, raw, prov in pieces:
        if kind == "text":
            if cur is None or has_values:
                cur = LogicalRow(prov=prov, explicit=explicit)
                rows.append(cur)
                labels, has_values = [], False
            cur.slots.clear()  # blanks between label cells are merged label cells, not values
            labels.append(raw)
            cur.label = normalize("".join(labels))
            piece = normalize(raw)
            if piece.strip("()（）.、"):
                # a list marker's digits are a token of their own ('2' '.没有现成…'): the piece goes on it
                glued = cur.last_label.isdigit() and len(cur.last_label) <= 2 and piece[:1] in ".、"
                cur.last_label = cur.last_label + piece if glued else piece
        elif kind == "margin":
            cur = LogicalRow(prov=prov, explicit=explicit, margin=raw)
            rows.append(cur)
            labels, has_values = [], False
        elif kind == "blank":
            if cur is not None:
                cur.slots.append(Slot("", None, None, prov))
        else:
            if cur is None:
                cur = LogicalRow(prov=prov, explicit=explicit)
                rows.append(cur)
            has_values = _add_value(cur, raw, prov, kind) or has_values
    return rows


_NUMBERED_NAME: Final = re.compile(r"^(\D*\D)(\d{1,2})$")


def _word_then_digit(cell: str) -> bool:
    return len(cell) > 1 and cell[-1].isdigit() and not cell[0].isdigit()


def _may_be_numbered(first: str, second: str) -> bool:
    """A cheap look at a row's first two cells before `numbered_names`: nearly every row is a label
    and numbers."""
    return _word_then_digit(first) or _word_then_digit(second)


def numbered_names(cells: list[str]) -> bool:
    """Column names a converter numbered ('数据1 数据2 … 数据6', '列1 列2 列3'): one word, then 1, 2, 3 …
    in turn, in three cells or more. A header, not a label with a value in each cell: no data row
    prints the same word in every cell."""
    numbered = [m for m in map(_NUMBERED_NAME.match, cells) if m is not None]
    if len(numbered) < 3 or len({m.group(1) for m in numbered}) != 1:
        return False
    return [int(m.group(2)) for m in numbered] == list(range(1, len(numbered) + 1))


def _grid_rows(unit: Unit) -> list[LogicalRow]:
    """A grid row; one without any label text keeps its leading empty cells: they are blank values
    (表四's single row printed with its first cells empty), not merged label cells. A row of numbered
    column names is all label."""
    assert unit.row is not None
    cells = unit.row.cells
    if (
        len(cells) >= 3
        and _may_be_numbered(cells[0].text.strip(), cells[1].text.strip())
        and numbered_names([c.text.strip() for c in cells])
    ):
        return pieces_to_rows([("text", unit.text, unit.prov)], explicit=True)
    pieces = _cell_pieces(unit)
    if any(kind == "text" for kind, _, _ in pieces) or all(kind == "blank" for kind, _, _ in pieces):
        return pieces_to_rows(pieces, explicit=True)
    row = LogicalRow(prov=unit.prov, explicit=True)
    for kind, raw, prov in pieces:
        if kind == "blank":
            row.slots.append(Slot("", None, None, prov))
        else:
            _add_value(row, raw, prov, kind)
    return [row]


def units_to_rows(units: list[Unit]) -> list[LogicalRow]:
    if _cell_per_line(units):
        pieces = [p for unit in units for p in _whole(_text_pieces(unit.text, unit.prov))]
        return pieces_to_rows(pieces, explicit=False)
    rows: list[LogicalRow] = []
    for unit in units:
        if unit.kind == "row":
            rows.extend(_grid_rows(unit))
        else:
            rows.extend(pieces_to_rows(_text_pieces(unit.text, unit.prov), explicit=False))
    return rows


def _whole(pieces: list[tuple[str, str, Provenance]]) -> list[tuple[str, str, Provenance]]:
    """A line holding one number and nothing else holds one cell's number."""
    if len(pieces) == 1 and pieces[0][0] == "value":
        return [("whole", pieces[0][1], pieces[0][2])]
    return pieces


def _cell_per_line(units: list[Unit]) -> bool:
    """A table exported one cell per line with nothing between rows (LibreOffice's text export): the
    numbers stand on lines of their own, one each, apart from their labels. Such a region is read as
    one stream, where a label after numbers starts the next row, as in web text; read line by line,
    every number would sit on a row of its own, apart from its label."""
    if len(units) < 8 or any(unit.kind == "row" for unit in units):
        return False
    lone = mixed = 0
    for unit in units:
        kinds = [kind for kind, _, _ in _classify(unit.text)]
        if kinds == ["value"]:
            lone += 1
        elif "value" in kinds:
            mixed += 1
    return lone >= 2 and mixed <= 0.2 * (lone + mixed)
