"""Mutation tests: in a consistent report, changing any one numeric cell of 表三 or 表四 yields an
error finding under a T3_/T4_ rule that names that cell — and the changed number is read back as
printed, never "repaired"; the report as generated yields no error finding at all."""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from xxgk.api import parse_text
from xxgk.generate import cells, random_record, render
from xxgk.model import get_cell, set_cell

LAYOUTS = ("tab", "markdown")
RECORD_SEED = 20240131
ARITHMETIC = ("T3_", "T4_")


def _record(seed: int = RECORD_SEED) -> dict:
    return random_record(random.Random(seed))  # no blank cells: every identity can be checked


def _parse(record: dict, layout: str, seed: int = RECORD_SEED) -> dict:
    # the same renderer seed gives the same layout choices, so only the changed cell differs
    return parse_text(render(record, layout, random.Random(seed + 1)).text, f"mutant.{layout}")


CELL_KEYS = [k for k in cells(_record()) if k.startswith(("requests.", "appeals."))]


def test_every_cell_of_tables_three_and_four_is_covered():
    assert len(CELL_KEYS) == 175 + 15


def _caught(parsed: dict, key: str) -> list[dict]:
    return [
        f
        for f in parsed["findings"]
        if f["severity"] == "error" and f["rule"].startswith(ARITHMETIC) and key in f["cells"]
    ]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_consistent_report_has_no_error(layout):
    record = _record()
    parsed = _parse(record, layout)
    assert [f["rule"] for f in parsed["findings"] if f["severity"] == "error"] == []
    assert cells(parsed) == cells(record)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("key", CELL_KEYS)
def test_changing_one_cell_is_caught(layout, key):
    record = _record()
    changed = get_cell(record, key) + 1
    set_cell(record, key, changed)
    parsed = _parse(record, layout)
    assert cells(parsed)[key] == changed  # read as printed
    assert _caught(parsed, key), [f["rule"] for f in parsed["findings"]]


@settings(
    max_examples=int(os.environ.get("XXGK_PROPERTY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 2**32 - 1),
    layout=st.sampled_from(("tab", "markdown", "cell_per_line", "layout")),
    pick=st.integers(0, len(CELL_KEYS) - 1),
    delta=st.integers(1, 50),
    down=st.booleans(),
)
def test_any_change_in_any_report_is_caught(seed, layout, pick, delta, down):
    record = _record(seed)
    key = CELL_KEYS[pick]
    value = get_cell(record, key)
    changed = value - delta if down and value >= delta else value + delta
    note(f"seed={seed} layout={layout} {key}: {value} -> {changed}")
    assert _caught(_parse(record, layout, seed), key) == []
    set_cell(record, key, changed)
    parsed = _parse(record, layout, seed)
    assert cells(parsed)[key] == changed
    assert _caught(parsed, key)
