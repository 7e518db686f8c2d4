"""Map logical rows onto the template's rows: labels first, then row order for rows without labels."""

from __future__ import annotations

from itertools import pairwise

from rapidfuzz import fuzz

from xxgk.extract.labels import strip_markers
from xxgk.extract.rows import LogicalRow
from xxgk.extract.template import RowSpec, TableSpec

FUZZY_MIN = 85


def label_score(row: LogicalRow, spec: RowSpec) -> int:
    """How well a printed label names a template row (0 = not at all); longer cores score higher."""
    if not row.label:
        return 0
    if spec.exact:
        bare = {strip_markers(row.label), strip_markers(row.last_label)}
        return next((len(c) + 20 for c in spec.cores if c in bare), 0)
    return next((len(c) * 2 for c in spec.cores if c in row.label), 0)


def _fuzzy_score(row: LogicalRow, spec: RowSpec) -> int:
    if spec.exact or not row.label:
        return 0
    best = max((fuzz.partial_ratio(c, row.label) for c in spec.cores if len(c) >= 5), default=0)
    return 1 if best >= FUZZY_MIN else 0


def is_header(row: LogicalRow, table: TableSpec) -> bool:
    return not row.values and any(h in row.label for h in table.header)


def data_rows(rows: list[LogicalRow], table: TableSpec) -> list[LogicalRow]:
    """Rows that can carry values: with numbers, or grid rows with blank cells; no header rows."""
    return [r for r in rows if (r.values or (r.explicit and r.slots and r.label)) and not is_header(r, table)]


def match_rows(rows: list[LogicalRow], table: TableSpec) -> dict[int, int]:
    """spec-row index → observed-row index."""
    pairs = []
    for o, row in enumerate(rows):
        scores = [label_score(row, spec) for spec in table.rows]
        if not any(scores) and row.values:
            scores = [_fuzzy_score(row, spec) for spec in table.rows]
        pairs.extend((s, o, si) for si, s in enumerate(scores) if s > 0)
    pairs.sort(key=lambda p: (-p[0], p[1]))
    spec_to_obs: dict[int, int] = {}
    used: set[int] = set()
    for _, o, si in pairs:
        if si not in spec_to_obs and o not in used:
            spec_to_obs[si] = o
            used.add(o)
    _fill_gaps(rows, table, spec_to_obs, used)
    return spec_to_obs


def _fill_gaps(rows: list[LogicalRow], table: TableSpec, spec_to_obs: dict[int, int], used: set[int]) -> None:
    """Rows printed without labels take the free template rows between their labelled neighbours,
    in order — only where their number equals the number of free rows, so no row is guessed."""
    anchors = sorted(spec_to_obs.items())
    bounds = [(-1, -1), *anchors, (len(table.rows), len(rows))]
    for (s0, o0), (s1, o1) in pairwise(bounds):
        if o1 <= o0:
            continue
        free = [s for s in range(s0 + 1, s1) if not table.rows[s].optional and s not in spec_to_obs]
        loose = [o for o in range(o0 + 1, o1) if o not in used and rows[o].values]
        if free and len(loose) != len(free):  # stray numbers: keep the rows as wide as the template's
            loose = [o for o in loose if len(rows[o].values) == len(table.rows[free[0]].columns)]
        if free and len(free) == len(loose):
            for s, o in zip(free, loose, strict=True):
                spec_to_obs[s] = o
                used.add(o)
