"""The rule registry: each rule is a function (Context) → findings, registered under its rule ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from xxgk.audit.context import Context
from xxgk.extract import Extraction
from xxgk.model import Finding
from xxgk.model.finding import SEVERITY_ORDER

RuleFn = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    ids: tuple[str, ...]
    fn: RuleFn
    doc: str


RULES: Final[list[Rule]] = []


def rule(*ids: str, doc: str) -> Callable[[RuleFn], RuleFn]:
    """Register a rule under its ids. `doc` says what it checks (not a docstring: the rules are compiled
    with mypyc, which drops docstrings)."""

    def register(fn: RuleFn) -> RuleFn:
        RULES.append(Rule(ids, fn, doc))
        return fn

    return register


def _load_rules() -> None:
    from xxgk.audit.rules import arithmetic, cells, narrative, structure  # noqa: F401  (registration)


def audit_extraction(ex: Extraction, select: set[str] | None = None) -> list[Finding]:
    """All findings of the single-report rules, errors first."""
    _load_rules()
    ctx = Context.from_extraction(ex)
    out: list[Finding] = []
    for r in RULES:
        if select is None or select & set(r.ids):
            out.extend(r.fn(ctx))
    out.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.rule))
    return out


def audit_record(record: dict) -> list[Finding]:  # type: ignore[type-arg]
    """Audit a record that has no source document (e.g. typed into the 填报 form): table rules only."""
    _load_rules()
    ctx = Context.from_record(record)
    out: list[Finding] = []
    for r in RULES:
        out.extend(r.fn(ctx))
    out.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.rule))
    return out
