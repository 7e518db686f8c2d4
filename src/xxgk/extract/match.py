"""Map logical rows onto the template's rows: labels first, then row order for rows without labels."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from itertools import pairwise
from typing import Final

from rapidfuzz import fuzz

from xxgk.extract.labels import GROUP_MARKER, normalize
from xxgk.extract.naming import is_header, is_subtotal, label_scores, names_row, top_score
from xxgk.extract.rows import LogicalRow
from xxgk.extract.runon import split_heading_tails, split_run_together_labels
from xxgk.extract.template import RowSpec, TableSpec

FUZZY_MIN: Final = 85
_ITEM_MARKER: Final = re.compile(r"\d{1,2}[.、．](?!\d)")
WRAP_LINES: Final = 8  # label-only lines a label may continue over (numbers on its last line, or none)
_NUMBERED: Final = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d{1,2}[.、](?!\d)|[①-⑨])"
)


def _fuzzy_score(row: LogicalRow, spec: RowSpec) -> int:
    if spec.exact or not row.label:
        return 0
    best = max((fuzz.partial_ratio(c, row.label) for c in spec.cores if len(c) >= 5), default=0)
    return 1 if best >= FUZZY_MIN else 0


def _joined(before: list[LogicalRow], body: LogicalRow, after: list[LogicalRow]) -> LogicalRow:
    label = "".join(p.label for p in [*before, body, *after])
    # the most specific label cell: where the wrapped label began, continued by the lines after it
    last = before[0].last_label + "".join(p.label for p in [*before[1:], body]) if before else body.last_label
    last += "".join(p.label for p in after)
    return LogicalRow(label, last, body.slots, body.prov, body.explicit)


def _column_joined(before: list[LogicalRow], body: LogicalRow, after: list[LogicalRow]) -> LogicalRow | None:
    """The same lines joined by their last label cells alone, or None where that is the same join: a
    group label printed on the lines to the left ('（六）其  2.申请人…缴纳费' / '他处理  用、行政机关…')
    is not part of the row's label, and '缴纳费' + '他处理' + '用' would name nothing."""
    pieces = [*before, body, *after]
    if all(p.last_label == p.label or not p.last_label for p in pieces):
        return None
    label = "".join(p.last_label or p.label for p in pieces)
    return LogicalRow(label, label, body.slots, body.prov, body.explicit)


def _best_join(
    before: list[LogicalRow], body: LogicalRow, after: list[LogicalRow], table: TableSpec
) -> tuple[LogicalRow, int]:
    """The join of these lines and how well it names a row: whole lines, or their label cells in the
    row's own column where only that names one better."""
    joined = _joined(before, body, after)
    score = _naming_score(joined, table)
    column = _column_joined(before, body, after)
    if column is not None:
        column_score = _naming_score(column, table)
        if column_score > score:
            return column, column_score
    return joined, score


def _naming_score(row: LogicalRow, table: TableSpec) -> int:
    return top_score(label_scores(row, table))


def join_wrapped(rows: list[LogicalRow], table: TableSpec) -> list[LogicalRow]:
    """A label wrapped over several lines comes back as label-only lines beside the row's numbers
    ('5.要求行政机' + '关确认或重新出具已获取信息'; or head lines above a value line). A row whose
    label names no template row takes up to WRAP_LINES label-only lines before it and three after it
    (a blank row's numbered head: WRAP_LINES after; those after must not start a new numbered row)
    when the joined label names one; the join with the
    fewest lines wins, then the best-naming one, then lines after before lines before. A row named
    only by a short word the template matches exactly ('2.其他' over '法律行政法' / '规禁止公开': not
    3.其他) takes the lines after it where they name a row by its own words."""
    out = list(rows)
    i = 0
    while i < len(out):
        row = out[i]
        short = _named_by_a_short_word(row, table)
        head = (  # a blank row's label
            _weak(row)
            and _starts_numbered(row)
            and (short or not names_row(row, table))
            and not is_header(row, table)
        )
        short = short and (head or bool(row.values))
        if not (head or short or _joinable(row, table)):
            i += 1
            continue
        # a label may wrap over many lines of a narrow column, its numbers on the last or none; the
        # fewest lines that name a row win
        before = [] if head or short or _starts_numbered(row) else _run(out, i, -1, table, WRAP_LINES)
        after = _run(out, i, 1, table, WRAP_LINES if head else 3)
        best = _best_wrap(row, before, after, table, short)
        if best is not None:
            nb, na, joined = best
            out[i - nb : i + na + 1] = [joined]
            i -= nb
        i += 1
    return out


def _best_wrap(
    row: LogicalRow, before: list[LogicalRow], after: list[LogicalRow], table: TableSpec, short: bool
) -> tuple[int, int, LogicalRow] | None:
    """(lines before, lines after, joined row) of the best join of `row` with its label-only
    neighbours (see join_wrapped), None where no join names a row (by its own words, if `short`)."""
    best: tuple[tuple[int, int, int], int, int, LogicalRow] | None = None
    for nb in range(len(before) + 1):
        for na in range(len(after) + 1):
            if nb + na == 0:
                continue
            pieces = [*before[len(before) - nb :], *after[:na]]
            joined, score = _best_join(before[len(before) - nb :], row, after[:na], table)
            # after a short word, lines that name a row themselves are that row printed blank
            if short and (_named_by_a_short_word(joined, table) or any(names_row(p, table) for p in pieces)):
                continue
            rank = (nb + na, -score, nb)
            # a grid row with cells of its own that names its row as well alone is that row printed
            # blank, not a wrapped label (地方性法规 7 7 7 above a blank 行政规范性文件 row)
            if any(
                p.explicit and p.slots and _naming_score(p, table) >= score and not _runs_on(joined, p, table)
                for p in pieces
            ):
                continue
            if score > 0 and (best is None or rank < best[0]):
                best = (rank, nb, na, joined)
    return None if best is None else best[1:]


def _named_by_a_short_word(row: LogicalRow, table: TableSpec) -> bool:
    """The label names rows, and only rows the template matches by an exact short word (其他)."""
    scores = label_scores(row, table)
    return top_score(scores) > 0 and all(
        spec.exact for spec, s in zip(table.rows, scores, strict=True) if s > 0
    )


def _runs_on(joined: LogicalRow, piece: LogicalRow, table: TableSpec) -> bool:
    """The joined label follows the printed label of the row the piece names further than the piece
    alone ('2.申请人' + '逾期未按收费通知…' is that label wrapped; '地方性法规' + '行政规范性文件' is not)."""
    scores = label_scores(piece, table)
    label = normalize(table.rows[scores.index(top_score(scores))].label)
    return _common(joined.label, label) > _common(piece.label, label)


def _common(a: str, b: str) -> int:
    """Length of the longest run of characters `a` and `b` share."""
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


def _joinable(row: LogicalRow, table: TableSpec) -> bool:
    """A row that could own a wrapped label: it holds cells, names no template row, and is either
    labelled itself or holds several numbers (a lone number on a line is not a row by itself)."""
    has_cells = bool(row.values) or (row.explicit and bool(row.slots))
    own = bool(row.label or row.margin) or len(row.values) >= 2
    return (
        has_cells
        and own
        and not is_header(row, table)
        and not names_row(row, table)
        and not is_subtotal(row, table)
    )


def _run(rows: list[LogicalRow], i: int, step: int, table: TableSpec, limit: int = 3) -> list[LogicalRow]:
    """Up to `limit` consecutive label-only lines before (step -1) or after (step 1) row i, in order."""
    out: list[LogicalRow] = []
    j = i + step
    while 0 <= j < len(rows) and len(out) < limit and _fragment(rows[j], table):
        if rows[j].explicit != rows[i].explicit and not rows[i].label:
            break  # a label line beside an unlabelled grid row: printed apart, not one wrapped label
        numbered = _starts_numbered(rows[j])
        if step > 0 and numbered and not _beside_group_label(rows[j]):  # the next row's own label
            break
        out.append(rows[j])
        if numbered:  # going up, a numbered line is where this row's label began
            break
        j += step
    return out if step > 0 else out[::-1]


def _beside_group_label(row: LogicalRow) -> bool:
    """A line whose numbered start is a group label printed beside the row above's wrapped label
    ('（五）   不     版物' under '3.要求提' / '供公开出'): its own label cell opens no row."""
    return (
        row.last_label != row.label
        and GROUP_MARKER.match(row.label) is not None
        and _ITEM_MARKER.search(row.label) is None
    )


def _fragment(row: LogicalRow, table: TableSpec) -> bool:
    return bool(row.label) and not row.values and not is_header(row, table) and not is_subtotal(row, table)


def _starts_numbered(row: LogicalRow) -> bool:
    """The row's label, or its last label cell ('其他处理' + '2.申请人…'), starts with a list marker."""
    return bool(_NUMBERED.match(row.label) or _NUMBERED.match(row.last_label))


def data_rows(rows: list[LogicalRow], table: TableSpec) -> list[LogicalRow]:
    """Rows that can carry values: with numbers, grid rows with blank cells, and label-only lines
    that name a template row (a row printed blank in a text layout); no header rows."""
    return [
        r
        for r in join_wrapped(split_heading_tails(split_run_together_labels(rows, table), table), table)
        if (r.values or (r.label and ((r.explicit and r.slots) or names_row(r, table))))
        and not is_header(r, table)
    ]


def _weak(row: LogicalRow) -> bool:
    """A label-only text line: a row printed blank, or a wrapped label's stray line."""
    return not row.values and not row.explicit


def match_rows(rows: list[LogicalRow], table: TableSpec) -> dict[int, int] | None:
    """spec-row index → observed-row index. A row with values wins a label over a blank one; label-only
    text lines only take the template rows nothing else took (see _fill_gaps, _fill_blank_rows).
    None when the table's row names stand apart from its numbers (see _belies): no row can be read."""
    pairs: list[tuple[int, int, int]] = []
    for o, row in enumerate(rows):
        if _weak(row) or is_subtotal(row, table):
            continue
        scores = label_scores(row, table)
        if not top_score(scores) and row.values:
            scores = tuple(_fuzzy_score(row, spec) for spec in table.rows)
        bonus = 1000 if row.values else 0
        # best score first, then the earlier row (then the earlier template row, as the stable sort of
        # these (score, row) keys had it): plain tuples sort natively, a key function is called per item
        pairs.extend((-(s + (bonus if s > 1 else 0)), o, si) for si, s in enumerate(scores) if s > 0)
    pairs.sort()
    spec_to_obs: dict[int, int] = {}
    used: set[int] = set()
    for _, o, si in pairs:
        if si not in spec_to_obs and o not in used:
            spec_to_obs[si] = o
            used.add(o)
    if not _fill_gaps(rows, table, spec_to_obs, used):
        return None
    _fill_blank_rows(rows, table, spec_to_obs, used)
    return spec_to_obs


def _claims(
    rows: list[LogicalRow], table: TableSpec, obs: range, free: list[int], used: set[int]
) -> dict[int, int]:
    """Label-only lines in `obs` that name one of the `free` template rows: spec → observed."""
    out: dict[int, int] = {}
    for o in obs:
        if o in used or not _weak(rows[o]):
            continue
        all_scores = label_scores(rows[o], table)
        scores = [(all_scores[s], s) for s in free if s not in out]
        best = max(scores, default=(0, -1))
        if best[0] > 0:
            out[best[1]] = o
    return out


def _fill_gaps(rows: list[LogicalRow], table: TableSpec, spec_to_obs: dict[int, int], used: set[int]) -> bool:
    """Rows printed without labels take the free template rows between their labelled neighbours,
    in order — only where their number equals the number of free rows, so no row is guessed. A free
    row that a label-only line names (printed blank) is not waiting for values. False when the
    column names printed beside such rows belie the order: the table was dumped column by column."""
    anchors = sorted(spec_to_obs.items())
    bounds = [(-1, -1), *anchors, (len(table.rows), len(rows))]
    for (s0, o0), (s1, o1) in pairwise(bounds):
        if o1 <= o0:
            continue
        free = [s for s in range(s0 + 1, s1) if not table.rows[s].optional and s not in spec_to_obs]
        loose = [
            o
            for o in range(o0 + 1, o1)
            if o not in used and rows[o].values and not is_subtotal(rows[o], table)
        ]
        if free and len(loose) != len(free):
            claims = _claims(rows, table, range(o0 + 1, o1), free, used)
            rest = [s for s in free if s not in claims]
            if len(rest) == len(loose):
                merged = sorted([*zip(rest, loose, strict=True), *claims.items()])
                if all(a[1] < b[1] for a, b in pairwise(merged)):
                    free, loose = [s for s, _ in merged], [o for _, o in merged]
        if free and len(loose) != len(free):  # stray numbers: keep the rows as wide as the template's
            loose = [o for o in loose if len(rows[o].values) == len(table.rows[free[0]].columns)]
        if not free or len(free) != len(loose):
            continue
        if any(_belies(rows[o], table.rows[s], table) for s, o in zip(free, loose, strict=True)):
            return False
        for s, o in zip(free, loose, strict=True):
            spec_to_obs[s] = o
            used.add(o)
    return True


def _belies(row: LogicalRow, spec: RowSpec, table: TableSpec) -> bool:
    """The row's label names a column the template row does not have ('第二十条第(五)项上一年项目数量
    本年增/减' above numbers that order alone would give to 规范性文件): the row names were printed
    apart from the numbers — a table dumped column by column — and order is no evidence of which
    row any number is — not here, nor beside the row names printed elsewhere in the table."""
    return any(name in row.label and column not in spec.columns for column, name in table.column_names)


MANY_NAMES: Final = 3  # row names one label may hold before its numbers are nobody's


def numbers_of_no_row(row: LogicalRow, table: TableSpec) -> bool:
    """Numbers after a label that is no row's, where part of a table was printed column by column:
    row names, then the table's column words ('…2.其他法律行政法规禁止公开(四)无法提供法人或其他组织
    商业企业科研机构 142 0 71' — the numbers stand under the column words), or a block of several row
    names that does not end in one (a run of blank rows' labels ends in the name of the row the
    numbers are, and is cut there before matching)."""
    label = row.label
    headed = any(h in label for h in table.header)
    if not headed and len(label) < 12 * MANY_NAMES:
        return False
    ends = {
        si: label.rfind(c) + len(c)
        for si, spec in enumerate(table.rows)
        if not spec.exact
        for c in spec.cores
        if c in label
    }
    last = max(ends.values(), default=-1)
    if headed and last > 0 and any(label.find(h, last) >= 0 for h in table.header):
        return True
    return len(ends) >= MANY_NAMES


def _fill_blank_rows(
    rows: list[LogicalRow], table: TableSpec, spec_to_obs: dict[int, int], used: set[int]
) -> None:
    """Template rows still unmapped take a label-only line naming them, if it sits in order
    between the rows mapped around them: the row was printed with every cell blank."""
    for s in range(len(table.rows)):
        if s in spec_to_obs or table.rows[s].optional:
            continue
        lo = max((o for k, o in spec_to_obs.items() if k < s), default=-1)
        hi = min((o for k, o in spec_to_obs.items() if k > s), default=len(rows))
        claims = _claims(rows, table, range(lo + 1, hi), [s], used)
        if s in claims:
            spec_to_obs[s] = claims[s]
            used.add(claims[s])
