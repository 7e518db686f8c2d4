"""Record → findings, through a registry of rules (see registry.py)."""

from __future__ import annotations

from xxgk.audit.registry import RULES, audit_extraction, audit_record

__all__ = ["RULES", "audit_extraction", "audit_record"]
