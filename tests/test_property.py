"""Property tests: random consistent reports, rendered in every text layout with the distortions seen
in the wild, parse back cell for cell — or come back null exactly where the printed document is
genuinely ambiguous, as an independent reader (tests/reader.py) decides from what was printed.

Also: agency, year and template round-trip; every abstention is flagged (S_AMBIGUOUS_CELLS); a blank
never becomes 0; a consistent report raises no error finding.
"""

from __future__ import annotations

import math
import os
import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from reader import alternatives, judge
from xxgk.api import parse_text
from xxgk.generate import CELLS, DIGITS, DISTORTIONS, PrintedRow, blank_zeros, cells, random_record, render

EXAMPLES = int(os.environ.get("XXGK_PROPERTY_EXAMPLES", "40"))  # raise it for a deeper run
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BLANK_STYLES = (None, "all", "some", "rows")
MISSING = "<missing>"


def _same(expected: object, got: object) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return isinstance(got, int | float) and math.isclose(float(expected), float(got), abs_tol=1e-9)  # type: ignore[arg-type]


def _document(
    seed: int, layout: str, template: str, blanks: str | None, distortions: frozenset[str] | None = None
) -> tuple[dict, object]:
    rng = random.Random(seed)
    record = random_record(rng, template)
    if blanks:
        record = blank_zeros(record, rng, blanks)
    return record, render(record, layout, rng, distortions)


def check_round_trip(record: dict, rendering) -> None:  # type: ignore[no-untyped-def]
    parsed = parse_text(rendering.text, "generated.txt")
    truth, got = cells(record), cells(parsed)
    verdict = judge(record, rendering.rows, truth)
    assert verdict.truth_readable, "the renderer printed something the record does not say"
    wrong = {
        k: (v, got.get(k, MISSING))
        for k, v in truth.items()
        if not _same(v, got.get(k, MISSING))
        and not (got.get(k, MISSING) is None and k in verdict.may_be_null)
    }
    assert wrong == {}
    assert (parsed["agency"], parsed["year"], parsed["template"]) == (
        record["agency"],
        record["year"],
        record["template"],
    )
    abstained = {k for k, v in truth.items() if v is not None and got.get(k) is None}
    flagged = {k for f in parsed["findings"] if f["rule"] == "S_AMBIGUOUS_CELLS" for k in f["cells"]}
    assert abstained <= flagged
    errors = [(f["rule"], f["message"]) for f in parsed["findings"] if f["severity"] == "error"]
    assert errors == []


def _run(
    seed: int, layout: str, template: str, blanks: str | None, distortions: frozenset[str] | None = None
) -> None:
    note(f"seed={seed} layout={layout} template={template} blanks={blanks} distortions={distortions}")
    record, rendering = _document(seed, layout, template, blanks, distortions)
    check_round_trip(record, rendering)


SEEDS = st.integers(0, 2**32 - 1)


def _distortions(layout: str) -> st.SearchStrategy[frozenset[str] | None]:
    """All of the layout's distortions (the default), or any subset of them."""
    return st.none() | st.frozensets(st.sampled_from(sorted(DISTORTIONS[layout])))


@pytest.mark.parametrize("layout", ["tab", "cell_per_line", "markdown", "layout"])
@SETTINGS
@given(data=st.data(), seed=SEEDS, blanks=st.sampled_from(BLANK_STYLES))
def test_grid_and_layout_text_round_trip(layout, data, seed, blanks):
    distortions = data.draw(_distortions(layout)) if DISTORTIONS[layout] else None
    _run(seed, layout, "2021", blanks, distortions)


@SETTINGS
@given(seed=SEEDS, distortions=_distortions("webtext"))
def test_web_text_round_trips(seed, distortions):
    """Run-together digits: only cells with several identity-consistent splits may come back null.
    Blank cells cannot be shown in web text at all (the digits close up), so none are drawn here."""
    _run(seed, "webtext", "2021", None, distortions)


@pytest.mark.parametrize("layout", ["tab", "cell_per_line", "markdown", "layout"])
@settings(max_examples=max(15, EXAMPLES // 3), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=SEEDS, blanks=st.sampled_from(BLANK_STYLES))
def test_2019_template_round_trips(layout, seed, blanks):
    _run(seed, layout, "2019", blanks)


@settings(max_examples=max(15, EXAMPLES // 3), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=SEEDS, distortions=_distortions("webtext"))
def test_2019_web_text_round_trips(seed, distortions):
    """2019 表二 run together: signed 本年增/减 (行政处罚2648-18538), 采购总金额 with decimals after the
    project count; sections glued to the tables (…元三、收到…)."""
    _run(seed, "webtext", "2019", None, distortions)


@pytest.mark.parametrize("layout", sorted(DISTORTIONS))
@settings(max_examples=max(10, EXAMPLES // 4), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=SEEDS)
def test_undistorted_layouts_parse_exactly(layout, seed):
    """Without distortions and blanks nothing is ambiguous except run-together digits."""
    rng = random.Random(seed)
    record = random_record(rng)
    rendering = render(record, layout, rng, distortions=())
    parsed = cells(parse_text(rendering.text))
    verdict = judge(record, rendering.rows, cells(record))
    if layout != "webtext":
        assert verdict.may_be_null == set()
    assert {
        k for k, v in cells(record).items() if not _same(v, parsed.get(k)) and k not in verdict.may_be_null
    } == set()


# -- the independent reader itself ----------------------------------------------------------------


def test_reader_splits_run_together_digits():
    row = PrintedRow("appeals", "", ("a", "b", "c"), DIGITS, ("1203",))
    assert set(alternatives(row)) == {
        (Decimal(1), Decimal(20), Decimal(3)),
        (Decimal(12), Decimal(0), Decimal(3)),
    }


def test_reader_places_padding_at_the_edges_only():
    row = PrintedRow("proactive", "rules", ("a", "b", "c"), CELLS, ("", "1", "", "2", ""))
    assert alternatives(row) == [(Decimal(1), None, Decimal(2))]


# -- a genuinely ambiguous document ---------------------------------------------------------------


def test_ambiguous_run_together_appeals_abstain_with_candidates():
    """表四 '1100011…' reads as 11/0/0/0/11 or 1/10/0/0/11: both satisfy 总计 = 维持+纠正+其他+未审结."""
    rng = random.Random(7)
    record = random_record(rng)
    record["appeals"]["review"] = {"upheld": 11, "corrected": 0, "other": 0, "pending": 0, "total": 11}
    record["appeals"]["litigation_direct"] = {
        "upheld": 1,
        "corrected": 1,
        "other": 0,
        "pending": 0,
        "total": 2,
    }
    record["appeals"]["litigation_after_review"] = dict.fromkeys(
        ("upheld", "corrected", "other", "pending", "total"), 0
    )
    for section in record["sections"].values():  # no prose figures that could settle it
        section["text"] = "具体情况见下表。"
    rendering = render(record, "webtext", rng, distortions=())
    verdict = judge(record, rendering.rows, cells(record))
    assert {"appeals.review.upheld", "appeals.review.corrected"} <= verdict.may_be_null
    parsed = parse_text(rendering.text)
    got = cells(parsed)
    assert got["appeals.review.upheld"] is None and got["appeals.review.corrected"] is None
    assert got["appeals.review.total"] == 11
    finding = next(f for f in parsed["findings"] if f["rule"] == "S_AMBIGUOUS_CELLS")
    assert {"appeals.review.upheld", "appeals.review.corrected"} <= set(finding["cells"])
    readings = {(c["appeals.review.upheld"], c["appeals.review.corrected"]) for c in finding["candidates"]}
    assert readings == {(11, 0), (1, 10)}
