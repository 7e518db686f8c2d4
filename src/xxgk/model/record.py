"""Helpers for the canonical record (see spec/record.md): a plain JSON-ready dict with dotted cell keys."""

from __future__ import annotations

from typing import Any, Final

TABLE_KEYS: Final = ("proactive", "requests", "appeals")
# the six sections of the national template, in print order, with their standard headings
SECTION_TITLES: Final[dict[str, str]] = {
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}


def get_cell(record: dict[str, Any], key: str) -> Any:
    """Value at a dotted key such as ``requests.total.total``; KeyError if the path does not exist."""
    node: Any = record
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(key)
        node = node[part]
    return node


def set_cell(record: dict[str, Any], key: str, value: Any) -> None:
    node = record
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def cell_items(record: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every (dotted key, value) of the three statistics tables, in record order (a list: built in one
    loop, where nested generators cost a frame switch per cell on every level)."""
    out: list[tuple[str, Any]] = []
    for table in TABLE_KEYS:
        node = record.get(table)
        if isinstance(node, dict):
            _walk(node, table, out)
    return out


def _walk(node: dict[str, Any], prefix: str, out: list[tuple[str, Any]]) -> None:
    for k, v in node.items():
        key = f"{prefix}.{k}"
        if isinstance(v, dict):
            _walk(v, key, out)
        else:
            out.append((key, v))
