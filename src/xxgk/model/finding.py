"""Findings are data: the audit returns them, the record carries them, nothing raises them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: Final[dict[str, int]] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Location:
    line: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        return {"line": self.line, "page": self.page, "table": self.table, "row": self.row, "col": self.col}


@dataclass(slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    cells: list[str] = field(default_factory=list)
    location: Location = field(default_factory=Location)
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. {"candidates": [...]} for S_AMBIGUOUS_CELLS

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "cells": list(self.cells),
            "location": self.location.as_dict(),
        }
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        known = {"rule", "severity", "message", "cells", "location"}
        return cls(
            rule=data["rule"],
            severity=data["severity"],
            message=data["message"],
            cells=list(data.get("cells", [])),
            location=Location(**(data.get("location") or {})),
            extra={k: v for k, v in data.items() if k not in known},
        )
