"""Figures stated in the prose ("收到政府信息公开申请 75 件"), classified by concept (narrative.toml).

The extractor uses them only to choose between readings of a printed table; the audit compares them
with the tables (N_* rules). They never replace a printed cell. What counts as a statement of which
concept is data (narrative.toml); this module only reads prose into sentences and clauses, finds the
number a concept's keywords point at, and checks the clause is about the concept's subject.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any, Final

from xxgk.extract.units import Unit

_SENTENCE: Final = re.compile(r"[^。！？!?]+[。！？!?]*")
# clauses end at ，；, and before a parenthesis that adds a part ("24 件（含上年结转 1 件）"); an ASCII
# comma before a digit groups thousands. Ordinary characters are taken as runs (`[…]+` inside the
# repeat): `re` loops over one class natively, but enters an alternation once per character.
_CLAUSE: Final = re.compile(
    r"(?:[^，；;！？\n,（(]+|,(?=\d)|[（(](?!含|包括|其中))+|[（(](?:[^，；;！？\n,]+|,(?=\d))+"
)
# a number in Arabic digits or Chinese numerals, and its unit; written to begin with one character
# class, so that `re` skips ahead to a digit instead of trying both alternatives at every position
_CN_DIGITS: Final = "零〇一二两三四五六七八九十百千万"
_NUM: Final = re.compile(
    rf"(?P<n>[\d{_CN_DIGITS}](?:(?<=\d)[\d,]*(?:\.\d+)?|(?<!\d)[{_CN_DIGITS}]*))\s*"
    r"(?P<unit>%|％|件|宗|起|人次|条|个|项|份|次|例)?"
)
_HAS_NUMBER: Final = re.compile(rf"[\d{_CN_DIGITS}]")
_BAD_TAIL: Final = ("年", "月", "日", "号", "期", "部", "类", "批", "次会")
# numbers in a row, or seven digits run together (\d first: `re` skips to a digit before trying)
_TABULAR: Final = re.compile(r"\d(?:\s+\d+\s+\d+\s+\d|\d{6,})")
_LINE_END = tuple("。！？；：:!?;")
_SUBHEADING: Final = re.compile(
    r"^\s*[#*\s]*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、])"
)
_SHARE_LEAD: Final = ("占", "比例", "比重")


@dataclass(frozen=True, slots=True)
class Concept:
    key: str
    all: tuple[frozenset[str], ...]  # every entry must match; an entry is a set of alternatives
    none: frozenset[str]
    cells: tuple[tuple[str, ...], ...]
    hint: bool = False
    rule: str | None = None
    label: str = ""
    about: str | None = None
    units: tuple[str, ...] = ()
    share: bool = False
    value: Decimal | None = None

    @property
    def scoped(self) -> bool:
        return any("{g}" in cell for reading in self.cells for cell in reading)


@dataclass(slots=True, init=False)
class Figure:
    """A figure stated in prose. Not to be changed once read (the written __init__: compiled, a
    dataclass's generated one runs as Python, and prose yields many)."""

    concept: str
    value: Decimal
    clause: str
    line: int | None
    percent: bool
    scope: tuple[str, ...]  # the groups `{g}` stands for (scoped concepts)

    def __init__(
        self,
        concept: str,
        value: Decimal,
        clause: str,
        line: int | None,
        percent: bool = False,
        scope: tuple[str, ...] = (),
    ) -> None:
        self.concept, self.value, self.clause, self.line = concept, value, clause, line
        self.percent, self.scope = percent, scope


@dataclass(frozen=True, slots=True)
class Subject:
    words: tuple[str, ...]
    section: str | None


@dataclass(frozen=True, slots=True)
class Spec:
    """narrative.toml, compiled once: concepts in order, their keywords as one prefilter regex."""

    concepts: tuple[Concept, ...]
    subjects: dict[str, Subject]
    scopes: dict[str, tuple[str, ...]]
    share_of: tuple[tuple[str, ...], ...]
    table_words: tuple[str, ...]
    not_counts: tuple[str, ...]  # what follows a counting word when it is no count (15 个工作日)
    keys: re.Pattern[str]  # the words a concept's first entry needs: the cheap prefilter
    within: dict[str, frozenset[str]]  # keyword → the keywords it contains (itself included)
    by_word: dict[str, frozenset[int]]  # keyword → the concepts (indices) whose first entry has it

    def starts(self, text: str) -> list[tuple[int, str]]:
        """(position, longest keyword) wherever a concept's keyword starts; the shorter ones starting
        there are inside it (`within`). Searching again from each start + 1 finds overlapping ones, and
        unlike a lookahead tried at every position, a search skips the characters no keyword starts
        with without entering the pattern."""
        out: list[tuple[int, str]] = []
        m = self.keys.search(text)
        while m is not None:
            out.append((m.start(), m.group()))
            m = self.keys.search(text, m.start() + 1)
        return out

    def candidates(self, clause: str) -> list[Concept]:
        """The concepts a clause may state, in file order: only these are tested."""
        found: set[int] = set()
        for _, word in self.starts(clause):
            for w in self.within[word]:
                found |= self.by_word[w]
        return [self.concepts[i] for i in sorted(found)]


def _concept(c: dict[str, Any], defaults: dict[str, Any]) -> Concept:
    audited = "rule" in c
    entries = [frozenset(w.split("|")) for w in c.get("all", ())]
    if c.get("any"):
        entries.append(frozenset(c["any"]))
    none = frozenset(c.get("none", ())) | frozenset(defaults.get("exclude", ()) if audited else ())
    return Concept(
        key=c["key"],
        all=tuple(entries),
        none=none,
        cells=tuple(tuple(r) for r in c.get("cells", ())),
        hint=bool(c.get("hint", False)),
        rule=c.get("rule"),
        label=c.get("label", c["key"]),
        about=c.get("about"),
        units=tuple(c.get("units", defaults.get("units", ()) if audited else ())),
        share=bool(c.get("share", False)),
        value=Decimal(str(c["value"])) if "value" in c else None,
    )


def _trie_pattern(words: list[str]) -> str:
    """The words as one regex in trie form ('办(?:理(?:中|完(?:成|毕))?|结)?'): `re` tries the branches of
    a flat alternation one by one at every position, a trie only the branch of the next character.
    Greedy optional tails make it match the longest word at a position, as a longest-first
    alternation does."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_node(trie)


def _trie_node(node: dict[str, Any]) -> str:
    branches = [re.escape(ch) + _trie_node(sub) for ch, sub in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" not in node:
        return body
    one_char = len(branches) == 1 and len(branches[0]) == 1
    return body + "?" if one_char or len(branches) > 1 else f"(?:{body})?"


_SPEC: Final[dict[str, Spec]] = {}


def spec() -> Spec:
    """narrative.toml, compiled once. Kept in a plain dict, not a functools cache: compiled code reads
    a dict natively, while a cached function is a generic call, and prose asks hundreds of times."""
    found = _SPEC.get("")
    if found is None:
        found = _SPEC[""] = _load_spec()
    return found


def _load_spec() -> Spec:
    raw: dict[str, Any] = tomllib.loads(
        resources.files("xxgk.extract.templates").joinpath("narrative.toml").read_text(encoding="utf-8")
    )
    defaults = raw.get("defaults", {})
    known = tuple(_concept(c, defaults) for c in raw["concepts"])
    first = sorted({w for c in known for w in c.all[0]}, key=len, reverse=True)
    alternatives = _trie_pattern(first)
    return Spec(
        concepts=known,
        subjects={
            k: Subject(tuple(v["words"]), v.get("section")) for k, v in raw.get("subjects", {}).items()
        },
        scopes={k: tuple(v) for k, v in raw.get("scopes", {}).items()},
        share_of=tuple(tuple(r) for r in defaults.get("share_of", ())),
        table_words=tuple(defaults.get("table_words", ())),
        not_counts=tuple(defaults.get("not_counts", ())),
        keys=re.compile(alternatives),
        within={w: frozenset(v for v in first if v in w) for w in first},
        by_word={w: frozenset(i for i, c in enumerate(known) if w in c.all[0]) for w in first},
    )


def concepts() -> tuple[Concept, ...]:
    return spec().concepts


# -- numbers ----------------------------------------------------------------------------------------


def _to_number(token: str) -> Decimal | None:
    if token[0].isdigit():
        return Decimal(token.replace(",", ""))
    if not all(ch in _CN_DIGITS for ch in token) or token in ("万", "千", "百"):
        return None
    import cn2an  # imported lazily: it is slow to import and rarely needed

    try:
        return Decimal(str(cn2an.cn2an(token.replace("〇", "零"), "smart")))
    except (ValueError, KeyError):
        return None


def _plausible(m: re.Match[str], concept: Concept) -> bool:
    """A count the concept can mean: not a date, an ordinal (第二十条), a distributive (每一份答复), a
    duration or a percentage."""
    unit, text = m["unit"], m.string
    if unit in ("%", "％") or (m.start() > 0 and text[m.start() - 1] in "第每"):
        return False
    tail = text[m.end() : m.end() + 3]
    if concept.units:
        return unit in concept.units and not tail.startswith(spec().not_counts)
    return not tail.startswith(_BAD_TAIL)


def _anchor(clause: str, concept: Concept) -> int:
    end = 0  # the end of the last keyword (a loop: compiled, `max(..., default=0)` is a generic call)
    for entry in concept.all:
        for w in entry:
            at = clause.rfind(w)
            if at >= 0 and at + len(w) > end:
                end = at + len(w)
    return end


def _count_in(clause: str, concept: Concept) -> tuple[Decimal, int] | None:
    """The number the keywords point at: the first after the last keyword, else the last before it."""
    anchor = _anchor(clause, concept)
    m = None
    for after in _NUM.finditer(clause, anchor):
        if _plausible(after, concept):
            m = after
            break
    if m is None:  # only then the numbers before the keyword are read
        for before in _NUM.finditer(clause[:anchor]):
            if _plausible(before, concept):
                m = before
    if m is None:
        return None
    value = _to_number(m["n"])
    return None if value is None else (value, m.start())


def _share_in(clause: str) -> tuple[Decimal, int] | None:
    for m in _NUM.finditer(clause):
        if m["unit"] in ("%", "％") and m["n"][0].isdigit():
            return Decimal(m["n"].replace(",", "")), m.start()
    return None


# -- prose as paragraphs, sentences and clauses --------------------------------------------------------


@dataclass(slots=True, init=False)
class _Para:
    """Prose units joined back into one paragraph (converters wrap lines mid-sentence)."""

    text: str
    section: str | None
    starts: list[int]
    lines: list[int | None]
    topic: str  # the sub-heading above, e.g. （二）依申请公开情况

    def __init__(self, text: str, section: str | None, starts: list[int], lines: list[int | None]) -> None:
        self.text, self.section, self.starts, self.lines, self.topic = text, section, starts, lines, ""

    def line_at(self, pos: int) -> int | None:
        return self.lines[max(bisect_right(self.starts, pos) - 1, 0)]


def _continues(prev: Unit | None, unit: Unit) -> bool:
    if prev is None or unit.section or prev.prov.line is None or unit.prov.line != prev.prov.line + 1:
        return False
    text = prev.text.strip()
    return not text.endswith(_LINE_END) and not (len(text) <= 20 and _SUBHEADING.match(text))


def _paragraphs(units: list[Unit]) -> list[_Para]:
    out: list[_Para] = []
    section: str | None = None
    prev: Unit | None = None
    for unit in units:
        if unit.kind != "text":
            prev = None
            continue
        section = unit.section or section
        if out and _continues(prev, unit):
            para = out[-1]
            para.starts.append(len(para.text))
            para.lines.append(unit.prov.line)
            para.text += unit.text.strip()
        else:
            out.append(_Para(unit.text.strip(), section, [0], [unit.prov.line]))
        prev = unit
    topic = ""
    for para in out:
        para.topic = topic
        if len(para.text) <= 30 and "。" not in para.text and _SUBHEADING.match(para.text):
            topic = para.text
    return out


def _clauses(sentence: str) -> list[tuple[int, str]]:
    """Clauses (，；), each cut at 、 where both sides hold a number ("予以公开 3 件、部分公开 1 件")."""
    out: list[tuple[int, str]] = []
    for m in _CLAUSE.finditer(sentence):
        start, pending = m.start(), ""
        for piece in m.group().split("、"):
            text = f"{pending}、{piece}" if pending else piece
            if _HAS_NUMBER.search(piece):
                out.append((start, text))
                start, pending = start + len(text) + 1, ""
            else:
                pending = text
        if pending:
            out.append((start, pending))
    return out


# -- clause → figure ------------------------------------------------------------------------------------


@dataclass(slots=True, init=False)
class _Where:
    para: _Para
    offset: int  # of the sentence in the paragraph
    sentence: str
    before: str  # the previous sentence of the paragraph

    def __init__(self, para: _Para, offset: int, sentence: str, before: str) -> None:
        self.para, self.offset, self.sentence, self.before = para, offset, sentence, before


def _matches(clause: str, c: Concept) -> bool:
    return all(any(w in clause for w in entry) for entry in c.all) and not any(w in clause for w in c.none)


def _about(c: Concept, upto: str, where: _Where) -> bool:
    """The statement is about the concept's subject: said so in its sentence up to the clause, in the
    sentence before, in the sub-heading above, or by the section it stands in."""
    if c.about is None:
        return True
    subject = spec().subjects[c.about]
    if subject.section and where.para.section == subject.section:
        return True
    return any(w in t for t in (upto, where.before, where.para.topic) for w in subject.words)


def _scope(clause: str, upto: str, where: _Where) -> tuple[str, ...]:
    """The groups a scoped statement is about: named in the clause, else earlier in its sentence, else
    in the sentence before ("行政复议 2 件，均获维持" is about 行政复议 only)."""
    for text in (clause, upto, where.before):
        named = tuple(g for g, words in spec().scopes.items() if any(w in text for w in words))
        if named:
            return named
    return ()


def _concept_figures(c: Concept, clause: str, nxt: str, pos: int, where: _Where) -> list[Figure]:
    scope = _scope(clause, where.sentence[: pos + len(clause)], where) if c.scoped else ()
    if c.scoped and not scope:
        return []
    text = clause.strip().rstrip("。！？!? ")
    found = _count_in(clause, c)
    if c.value is not None:  # "未发生行政复议" states 0; "行政复议 1 件（尚无结果）" states a count
        found = None if found else (c.value, 0)
    line = where.para.line_at(where.offset + pos + (found[1] if found else 0))
    out = [Figure(c.key, found[0], text, line, False, scope)] if found else []
    if c.share:
        share = _share_in(clause)
        if share is None and nxt.lstrip().startswith(_SHARE_LEAD) and not spec().keys.search(nxt):
            share = _share_in(nxt)
            text = f"{text}，{nxt.strip().rstrip('。！？!? ')}"
        if share:
            out.append(Figure(c.key, share[0], text, line, True, scope))
    return out


def _clause_figures(clause: str, nxt: str, pos: int, where: _Where) -> list[Figure]:
    """The first concept (file order) that the clause states and is about takes the clause."""
    known = spec()
    if not known.keys.search(clause) or _TABULAR.search(clause):
        return []
    if any(w in clause for w in known.table_words):
        return []
    upto = where.sentence[: pos + len(clause)]
    for c in known.candidates(clause):
        if _matches(clause, c) and _about(c, upto, where):
            found = _concept_figures(c, clause, nxt, pos, where)
            if found:
                return found
    return []


def _para_figures(para: _Para) -> Iterator[Figure]:
    before = ""
    keys = spec().keys
    if not keys.search(para.text):  # no concept's keyword anywhere: no sentence to read
        return
    for sm in _SENTENCE.finditer(para.text):
        sentence = sm.group()
        if keys.search(sentence):
            where = _Where(para, sm.start(), sentence, before)
            clauses = _clauses(sentence)
            for i, (pos, clause) in enumerate(clauses):
                nxt = clauses[i + 1][1] if i + 1 < len(clauses) else ""
                yield from _clause_figures(clause, nxt, pos, where)
        before = sentence


def figures(units: list[Unit]) -> list[Figure]:
    """Every concept figure stated in prose units (table rows and tables printed as text are not prose)."""
    return [f for para in _paragraphs(units) for f in _para_figures(para)]


def hints(found: list[Figure]) -> dict[str, set[Decimal]]:
    """Cell → values the prose states for it, from the concepts that may guide extraction."""
    by_key = {c.key: c for c in concepts()}
    out: dict[str, set[Decimal]] = {}
    for f in found:
        c = by_key[f.concept]
        if c.hint and not f.percent and len(c.cells) == 1 and len(c.cells[0]) == 1:
            out.setdefault(c.cells[0][0], set()).add(f.value)
    return out
