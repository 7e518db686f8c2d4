"""Templates as data: detection of 2021 / 2019 / legacy reports and the shape of each template."""

from __future__ import annotations

from pathlib import Path

from xxgk.api import parse
from xxgk.extract.template import load_template

DATA = Path(__file__).parent / "data"


def test_template_cell_counts():
    t21, t19 = load_template("2021"), load_template("2019")
    assert len(t21.table("requests").cell_keys()) == 25 * 7
    assert len(t21.table("appeals").cell_keys()) == 15
    assert len(t19.table("requests").cell_keys()) == 23 * 7  # （六）其他处理 is one row
    assert "proactive.procurement.amount_yuan" in t19.cell_keys()
    assert "proactive.fees.amount_10k_yuan" in t21.cell_keys()


def test_identities_are_expanded_from_data():
    rules = {}
    for ident in load_template("2021").identities:
        rules.setdefault(ident.rule, []).append(ident)
    assert len(rules["T3_BALANCE"]) == 7 and len(rules["T3_RESULTS_SUM"]) == 7
    assert len(rules["T3_ROW_TOTAL"]) == 25 and len(rules["T4_BLOCK"]) == 3
    results_sum = rules["T3_RESULTS_SUM"][0]
    assert len(results_sum.rhs) == 21 and "requests.other.unsplit.natural_person" not in results_sum.rhs


def test_legacy_report_is_recognised_not_force_fitted():
    record = parse(DATA / "legacy_2015.txt")
    assert record["template"] == "legacy"
    assert record["year"] == 2015 and record["agency"] == "某某县人民政府"
    assert not {"proactive", "requests", "appeals"} & set(record)
    assert "overview" in record["sections"]
