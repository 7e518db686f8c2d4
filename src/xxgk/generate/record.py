"""Random consistent records: canonical report dicts (spec/record.md) whose template identities all hold.

Property tests render them into text and parse them back; mutation tests break one cell; benchmarks
need many realistic reports. Every draw comes from the `random.Random` passed in, so one seed always
gives the same record (hypothesis can drive it through `st.randoms()` or an integer seed).

The magnitudes imitate real reports: most 表三 cells are 0, 自然人 carries most applications, a few
outcome rows are used at all, 表四 is usually empty, and the fee is a decimal in 万元.
"""

from __future__ import annotations

import copy
import random
from decimal import Decimal
from typing import Any

from xxgk.extract.template import load_template
from xxgk.generate.prose import random_agency, random_sections
from xxgk.model import cell_items, set_cell

APPL = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
APPEAL_GROUPS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_PARTS = ("upheld", "corrected", "other", "pending")

# how often each outcome row is used (relative weight when it is used at all)
_OUTCOME_WEIGHT = {
    "granted": 30,
    "partial": 8,
    "withheld.state_secret": 0.3,
    "withheld.law_prohibited": 1,
    "withheld.three_safety_one_stability": 0.5,
    "withheld.third_party": 1,
    "withheld.internal_affairs": 1,
    "withheld.process_info": 1.5,
    "withheld.enforcement_file": 1.5,
    "withheld.admin_query": 2,
    "unavailable.not_held": 20,
    "unavailable.needs_creation": 3,
    "unavailable.still_unclear": 2,
    "not_processed.petition": 4,
    "not_processed.repeated": 2,
    "not_processed.publication": 0.5,
    "not_processed.excessive": 0.3,
    "not_processed.confirmation": 0.5,
    "other.no_correction": 2,
    "other.unpaid_fee": 0.2,
    "other.other": 8,
    "other.unsplit": 8,
}


def _small(rng: random.Random, p_zero: float, high: int) -> int:
    """0 with probability p_zero, else a count skewed towards small values (at most `high`)."""
    if rng.random() < p_zero:
        return 0
    return min(high, max(1, int(rng.paretovariate(1.2))))


def _log_count(rng: random.Random, p_zero: float, high: int) -> int:
    """A count spread over orders of magnitude (licences, penalties): 0, 7, 350, 182790 …"""
    if rng.random() < p_zero:
        return 0
    return int(10 ** rng.uniform(0, high))


def _fee(rng: random.Random) -> float:
    """本年收费金额 in 万元 with up to four decimals (0.4025, 710.824, 22943.1665); a float, as in a
    parsed record (JSON numbers), printed back exactly by `amount_text`."""
    if rng.random() < 0.3:
        return 0.0
    places = rng.choice((0, 1, 2, 2, 3, 4, 4))
    return max(0.01, round(10 ** rng.uniform(-2, 4.5), places))


def _applicants(rng: random.Random, scale: int) -> dict[str, int]:
    """New applications per applicant column: 自然人 dominant, organisations mostly 0."""
    natural = _small(rng, 0.1, scale) if rng.random() < 0.7 else int(10 ** rng.uniform(1, 3.4))
    out = {"natural_person": min(natural, scale)}
    for col, p_zero in zip(APPL[1:], (0.6, 0.92, 0.9, 0.8, 0.75), strict=True):
        out[col] = _small(rng, p_zero, max(1, scale // 10))
    return out


def _distribute(rng: random.Random, total: int, rows: list[str]) -> dict[str, int]:
    """Spread `total` processed applications over the outcome rows a report actually uses."""
    used = [r for r in rows if rng.random() < min(0.9, _OUTCOME_WEIGHT[r] / 10)] or [rows[0]]
    weights = [_OUTCOME_WEIGHT[r] for r in used]
    counts = dict.fromkeys(rows, 0)
    for r in rng.choices(used, weights, k=total):
        counts[r] += 1
    return counts


def _requests(rng: random.Random, results: list[str], scale: int) -> dict[str, dict[str, int]]:
    """表三 built so that T3_BALANCE, T3_ROW_TOTAL and T3_RESULTS_SUM hold by construction."""
    rows: dict[str, dict[str, int]] = {r: {} for r in ["new_received", "carried_over", *results, "total"]}
    rows["carried_forward"] = {}
    new = _applicants(rng, scale)
    for col in APPL:
        carried = _small(rng, 0.75, max(1, new[col] // 4 + 1))
        forward = min(new[col] + carried, _small(rng, 0.65, max(1, new[col] // 4 + 1)))
        processed = new[col] + carried - forward
        rows["new_received"][col], rows["carried_over"][col] = new[col], carried
        rows["total"][col], rows["carried_forward"][col] = processed, forward
        for r, n in _distribute(rng, processed, results).items():
            rows[r][col] = n
    for row in rows.values():
        row["total"] = sum(row[c] for c in APPL)
    return rows


def _appeals(rng: random.Random) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for group, p_empty in zip(APPEAL_GROUPS, (0.45, 0.55, 0.75), strict=True):
        empty = rng.random() < p_empty
        parts = {
            p: 0 if empty else _small(rng, z, 12)
            for p, z in zip(APPEAL_PARTS, (0.3, 0.7, 0.6, 0.6), strict=True)
        }
        out[group] = {**parts, "total": sum(parts.values())}
    return out


def _proactive_2021(rng: random.Random) -> dict[str, dict[str, Any]]:
    zero_rules = rng.random() < 0.8
    rules = [0, 0, 0] if zero_rules else [_small(rng, 0.4, 9), _small(rng, 0.7, 5), _small(rng, 0.2, 80)]
    issued, repealed = _small(rng, 0.25, 120), _small(rng, 0.5, 60)
    return {
        "rules": dict(zip(("issued", "repealed", "in_force"), rules, strict=True)),
        "normative_documents": {
            "issued": issued,
            "repealed": repealed,
            "in_force": issued + _small(rng, 0.1, 900),
        },
        "licensing": {"decisions": _log_count(rng, 0.15, 6)},
        "penalty": {"decisions": _log_count(rng, 0.15, 6)},
        "coercion": {"decisions": _log_count(rng, 0.4, 4)},
        "fees": {"amount_10k_yuan": _fee(rng)},
    }


def _items(rng: random.Random) -> dict[str, int]:
    prev = _log_count(rng, 0.2, 3)
    return {"prev_year_items": prev, "change": rng.randint(-min(prev, 20), 20) if rng.random() < 0.5 else 0}


def _proactive_2019(rng: random.Random) -> dict[str, dict[str, Any]]:
    def docs(high: int) -> dict[str, int]:
        made = _small(rng, 0.4, high)
        return {"newly_made": made, "newly_published": made, "total_published": made + _small(rng, 0.2, 500)}

    out: dict[str, dict[str, Any]] = {"rules": docs(5), "normative_documents": docs(80)}
    for key in ("licensing", "other_services", "penalty", "coercion"):
        out[key] = {**_items(rng), "decisions": _log_count(rng, 0.2, 5)}
    out["fees"] = _items(rng)
    amount = 0.0 if rng.random() < 0.4 else round(10 ** rng.uniform(3, 8), 2)
    out["procurement"] = {"projects": 0 if amount == 0 else rng.randint(1, 60), "amount_yuan": amount}
    return out


def random_record(
    rng: random.Random, template: str = "2021", *, year: int | None = None, scale: int | None = None
) -> dict[str, Any]:
    """A consistent canonical record: every identity of `template` holds and no cell is blank.

    Counts are ints and amounts floats, as in a parsed record (JSON-ready).
    `scale` caps the larger counts (default: drawn per record, mostly small).
    """
    spec = load_template(template)
    if year is None:
        year = rng.randint(2021, 2024) if template == "2021" else rng.choice((2019, 2020))
    scale = scale if scale is not None else rng.choice((5, 20, 60, 200, 1500))
    results = list(spec.sets["RESULTS"])
    agency = random_agency(rng)
    record: dict[str, Any] = {
        "schema_version": 1,
        "agency": agency,
        "year": year,
        "template": template,
        "proactive": _proactive_2021(rng) if template == "2021" else _proactive_2019(rng),
        "requests": {},
        "appeals": _appeals(rng),
    }
    for key, row in _requests(rng, results, scale).items():
        set_cell(record["requests"], key, row)
    record["sections"] = random_sections(rng, record)
    record["findings"] = []
    record["extras"] = []
    return record


def blank_zeros(record: dict[str, Any], rng: random.Random, style: str | None = None) -> dict[str, Any]:
    """A copy where some zero cells are printed blank (null): every zero ("all", as many PDF exports
    do), a random share of them ("some"), or whole all-zero rows ("rows"). Only zeros are blanked,
    so every identity still holds when blanks are read as 0 — the document stays consistent."""
    out = copy.deepcopy(record)
    style = style or rng.choice(("all", "some", "rows"))
    rate = rng.uniform(0.2, 0.8)
    by_row: dict[str, list[tuple[str, Any]]] = {}
    for key, value in cell_items(out):
        by_row.setdefault(key.rsplit(".", 1)[0], []).append((key, value))
    for cells in by_row.values():
        if style == "rows":
            if all(v == 0 for _, v in cells) and rng.random() < 0.6:
                for key, _ in cells:
                    set_cell(out, key, None)
            continue
        for key, value in cells:
            if value == 0 and (style == "all" or rng.random() < rate):
                set_cell(out, key, None)
    return out


def amount_text(value: float | int) -> str:
    """How an amount is printed: the shortest exact decimal, no exponent (710.824, 0.01, 0)."""
    text = format(Decimal(repr(float(value))).normalize(), "f")
    return text[:-2] if text.endswith(".0") else text


def cells(record: dict[str, Any]) -> dict[str, Any]:
    """The record's table cells by dotted key (a shorthand for tests and benchmarks)."""
    return dict(cell_items(record))
