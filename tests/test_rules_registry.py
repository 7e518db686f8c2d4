"""The audit registry covers every single-report rule of the spec, and findings keep their shape."""

from __future__ import annotations

import re

from conftest import SHARED
from xxgk.audit.registry import RULES, _load_rules

CORPUS_ONLY = {"X_CARRY", "X_COPY", "X_SAME_TABLES", "X_IN_FORCE", "X_ITEMS_2019"}


def spec_rule_ids() -> set[str]:
    text = (SHARED / "spec" / "audit-rules.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", text, flags=re.M))


def test_every_single_report_rule_is_registered():
    _load_rules()
    registered = {rule_id for r in RULES for rule_id in r.ids}
    expected = spec_rule_ids() - CORPUS_ONLY
    assert expected, "could not read rule ids from the spec"
    assert expected - registered == set()


def test_every_registered_rule_is_in_the_spec_and_documented():
    _load_rules()
    spec = spec_rule_ids()
    for r in RULES:
        assert set(r.ids) <= spec
        assert r.doc, f"rule {r.ids} has no doc"
