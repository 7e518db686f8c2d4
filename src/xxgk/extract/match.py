"""Map logical rows onto the template's rows: labels first, then row order for rows without labels."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from itertools import pairwise
from typing import Final

from rapidfuzz import fuzz

from xxgk.extract.labels import MARKERS, MEMO_TEXT, normalize, remember, strip_markers
from xxgk.extract.rows import LogicalRow
from xxgk.extract.template import RowSpec, TableSpec

FUZZY_MIN: Final = 85
_NUMBERED: Final = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d{1,2}[.、](?!\d)|[①-⑨])"
)


def label_score(row: LogicalRow, spec: RowSpec) -> int:
    """How well a printed label names a template row (0 = not at all); longer cores score higher."""
    if not row.label:
        return 0
    if spec.exact:
        bare = {strip_markers(row.label), strip_markers(row.last_label)}
        return next((len(c) + 20 for c in spec.cores if c in bare), 0)
    return next((len(c) * 2 for c in spec.cores if c in row.label), 0)


_SCORES: Final[dict[tuple[int, str, str], tuple[int, ...]]] = {}


def label_scores(row: LogicalRow, table: TableSpec) -> tuple[int, ...]:
    """label_score against every row of `table`, memoised: the same labels recur in every report."""
    key = (id(table), row.label, row.last_label)
    found = _SCORES.get(key)
    if found is None:
        if len(_SCORES) > 200_000:
            _SCORES.clear()
        found = _SCORES[key] = tuple(label_score(row, spec) for spec in table.rows)
    return found


def _fuzzy_score(row: LogicalRow, spec: RowSpec) -> int:
    if spec.exact or not row.label:
        return 0
    best = max((fuzz.partial_ratio(c, row.label) for c in spec.cores if len(c) >= 5), default=0)
    return 1 if best >= FUZZY_MIN else 0


def is_header(row: LogicalRow, table: TableSpec) -> bool:
    return not row.values and any(h in row.label for h in table.header)


def is_subtotal(row: LogicalRow, table: TableSpec) -> bool:
    """A row the report adds to sum a group (小计, 合计): it takes no template row and joins no label,
    whatever row it follows (a blank '8.属于行政查询事项' + '小计 0 0 0' is not one wrapped row)."""
    label = row.label.rstrip(":：")
    return bool(label) and label.endswith(table.subtotals)


def names_row(row: LogicalRow, table: TableSpec) -> bool:
    return _top(label_scores(row, table)) > 0


def _top(scores: tuple[int, ...]) -> int:
    """The best of some label scores (never negative), 0 for none: `max(..., default=0)` as a loop,
    since compiled code makes a builtin called with a keyword a generic call, thousands a report."""
    top = 0
    for score in scores:
        if score > top:
            top = score
    return top


def _joined(before: list[LogicalRow], body: LogicalRow, after: list[LogicalRow]) -> LogicalRow:
    label = "".join(p.label for p in [*before, body, *after])
    # the most specific label cell: where the wrapped label began, continued by the lines after it
    last = before[0].last_label + "".join(p.label for p in [*before[1:], body]) if before else body.last_label
    last += "".join(p.label for p in after)
    return LogicalRow(label, last, body.slots, body.prov, body.explicit)


def _naming_score(row: LogicalRow, table: TableSpec) -> int:
    return _top(label_scores(row, table))


def join_wrapped(rows: list[LogicalRow], table: TableSpec) -> list[LogicalRow]:
    """A label wrapped over several lines comes back as label-only lines beside the row's numbers
    ('5.要求行政机' + '关确认或重新出具已获取信息'; or head lines above a value line). A row whose
    label names no template row takes up to three label-only lines before and/or after it (those
    after must not start a new numbered row) when the joined label names one; the join with the
    fewest lines wins, then the best-naming one, then lines after before lines before."""
    out = list(rows)
    i = 0
    while i < len(out):
        row = out[i]
        head = _weak(row) and _starts_numbered(row) and not names_row(row, table)  # a blank row's label
        if not (head or _joinable(row, table)):
            i += 1
            continue
        before = [] if head or _starts_numbered(row) else _run(out, i, -1, table)
        after = _run(out, i, 1, table)
        best: tuple[tuple[int, int, int], int, int, LogicalRow] | None = None
        for nb in range(len(before) + 1):
            for na in range(len(after) + 1):
                if nb + na == 0:
                    continue
                pieces = [*before[len(before) - nb :], *after[:na]]
                joined = _joined(before[len(before) - nb :], row, after[:na])
                score = _naming_score(joined, table)
                rank = (nb + na, -score, nb)
                # a grid row with cells of its own that names its row as well alone is that row printed
                # blank, not a wrapped label (地方性法规 7 7 7 above a blank 行政规范性文件 row)
                if any(
                    p.explicit
                    and p.slots
                    and _naming_score(p, table) >= score
                    and not _runs_on(joined, p, table)
                    for p in pieces
                ):
                    continue
                if score > 0 and (best is None or rank < best[0]):
                    best = (rank, nb, na, joined)
        if best is not None:
            _, nb, na, joined = best
            out[i - nb : i + na + 1] = [joined]
            i -= nb
        i += 1
    return out


def _runs_on(joined: LogicalRow, piece: LogicalRow, table: TableSpec) -> bool:
    """The joined label follows the printed label of the row the piece names further than the piece
    alone ('2.申请人' + '逾期未按收费通知…' is that label wrapped; '地方性法规' + '行政规范性文件' is not)."""
    scores = label_scores(piece, table)
    label = normalize(table.rows[scores.index(_top(scores))].label)
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
        if step > 0 and numbered:  # the next row's own label
            break
        out.append(rows[j])
        if numbered:  # going up, a numbered line is where this row's label began
            break
        j += step
    return out if step > 0 else out[::-1]


def _fragment(row: LogicalRow, table: TableSpec) -> bool:
    return bool(row.label) and not row.values and not is_header(row, table) and not is_subtotal(row, table)


def _starts_numbered(row: LogicalRow) -> bool:
    """The row's label, or its last label cell ('其他处理' + '2.申请人…'), starts with a list marker."""
    return bool(_NUMBERED.match(row.label) or _NUMBERED.match(row.last_label))


def _best(scores: tuple[int, ...]) -> int | None:
    top = _top(scores)
    return scores.index(top) if top > 0 else None


_ITEM_STARTS: Final[dict[str, tuple[int, ...]]] = {}


def _item_starts(label: str) -> tuple[int, ...]:
    """Where numbered items start in a label, after its first character (labels recur: remembered)."""
    found = _ITEM_STARTS.get(label)
    if found is None:
        found = remember(
            _ITEM_STARTS, label, tuple(m.start() for m in MARKERS.finditer(label) if m.start() > 0)
        )
    return found


_STARTS: Final[dict[tuple[int, str], tuple[int, ...]]] = {}


def _starts(label: str, table: TableSpec) -> tuple[int, ...]:
    """Where a run-together label may be cut: its numbered items, or its last two row names (and the
    items between them: what comes before the first is a heading, '第二十条第(六)项…数量').
    Remembered per table: labels recur in every report, and the row names are tried one by one."""
    key = (id(table), label)
    found = _STARTS.get(key)
    if found is None:
        items, core = _item_starts(label), _last_core_start(label, table)
        found = tuple(sorted({*(i for i in items if i > core[0]), *core})) if core else items
        if len(label) <= MEMO_TEXT:
            remember(_STARTS, key, found)
    return found


def _last_core_start(label: str, table: TableSpec) -> tuple[int, ...]:
    """Where the label's last two row names start, when it ends with one row's name and names another
    row before it ('…数量行政处罚行政强制' from '行政处罚 [blank] 行政强制 26'); else ()."""
    bare = label.rstrip(":：")
    ends = [
        (len(c), si)
        for si, spec in enumerate(table.rows)
        if not spec.exact
        for c in spec.cores
        if bare.endswith(c)
    ]
    if not ends:
        return ()
    length, own = max(ends)
    start = len(bare) - length
    head = bare[:start]
    before = [
        (head.rfind(c) + len(c), len(c), head.rfind(c))
        for si, spec in enumerate(table.rows)
        if si != own and not spec.exact
        for c in spec.cores
        if c in head
    ]
    return (max(before)[2], start) if before else ()


def split_run_together_labels(rows: list[LogicalRow], table: TableSpec) -> list[LogicalRow]:
    """Web text prints a blank row as its label alone, so consecutive labels run together before the
    next numbers ('2.申请人逾期未按收费…申请3.其他(七)总计5000005'). The numbers belong to the last
    numbered item; the items before it become label-only rows (printed blank). Split only when the
    whole label would name another row than its last item does."""
    out: list[LogicalRow] = []
    for row in rows:
        starts = _starts(row.label, table) if row.values else ()
        if not starts:
            out.append(row)
            continue
        tail = row.label[starts[-1] :]
        own = _best(label_scores(LogicalRow(tail, tail), table))
        if own is None or own == _best(label_scores(row, table)):
            out.append(row)
            continue
        cuts = [0, *starts]
        for a, b in pairwise(cuts):
            piece = row.label[a:b]
            out.append(LogicalRow(piece, piece, [], row.prov, False))
        out.append(LogicalRow(tail, tail, row.slots, row.prov, row.explicit, row.margin))
    return out


def data_rows(rows: list[LogicalRow], table: TableSpec) -> list[LogicalRow]:
    """Rows that can carry values: with numbers, grid rows with blank cells, and label-only lines
    that name a template row (a row printed blank in a text layout); no header rows."""
    return [
        r
        for r in join_wrapped(split_run_together_labels(rows, table), table)
        if (r.values or (r.label and ((r.explicit and r.slots) or names_row(r, table))))
        and not is_header(r, table)
    ]


def _weak(row: LogicalRow) -> bool:
    """A label-only text line: a row printed blank, or a wrapped label's stray line."""
    return not row.values and not row.explicit


def match_rows(rows: list[LogicalRow], table: TableSpec) -> dict[int, int]:
    """spec-row index → observed-row index. A row with values wins a label over a blank one; label-only
    text lines only take the template rows nothing else took (see _fill_gaps, _fill_blank_rows)."""
    pairs: list[tuple[int, int, int]] = []
    for o, row in enumerate(rows):
        if _weak(row) or is_subtotal(row, table):
            continue
        scores = label_scores(row, table)
        if not _top(scores) and row.values:
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
    _fill_gaps(rows, table, spec_to_obs, used)
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


def _fill_gaps(rows: list[LogicalRow], table: TableSpec, spec_to_obs: dict[int, int], used: set[int]) -> None:
    """Rows printed without labels take the free template rows between their labelled neighbours,
    in order — only where their number equals the number of free rows, so no row is guessed. A free
    row that a label-only line names (printed blank) is not waiting for values."""
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
        if free and len(free) == len(loose):
            for s, o in zip(free, loose, strict=True):
                spec_to_obs[s] = o
                used.add(o)


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
