"""ECharts options as plain data: part of the page context (so the JSON twin has them too), drawn by
static/app.js from a `<script type="application/json">` block — no inline script, no CDN.

Category axes keep the order given (template order, years ascending) and show every label (`interval: 0`);
animation is switched off by app.js in test mode so screenshots show the final bars.
"""

from __future__ import annotations

from typing import Any

PALETTE = ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d"]


def _base(title: str) -> dict[str, Any]:
    return {
        "color": PALETTE,
        "title": {"text": title, "left": "left", "textStyle": {"fontSize": 14, "fontWeight": 600}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 48, "right": 24, "top": 56, "bottom": 36, "containLabel": True},
    }


def bars(
    title: str, categories: list[Any], series: dict[str, list[Any]], stack: bool = False
) -> dict[str, Any]:
    return _base(title) | {
        "legend": {"top": 24, "type": "scroll"},
        "xAxis": {"type": "category", "data": [str(c) for c in categories], "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": name, "type": "bar", "data": data, **({"stack": "total"} if stack else {})}
            for name, data in series.items()
        ],
    }


def lines(title: str, categories: list[Any], series: dict[str, list[Any]], unit: str = "") -> dict[str, Any]:
    axis: dict[str, Any] = {"type": "value"}
    if unit:
        axis["axisLabel"] = {"formatter": "{value}" + unit}
    return _base(title) | {
        "legend": {"top": 24, "type": "scroll"},
        "xAxis": {"type": "category", "data": [str(c) for c in categories], "axisLabel": {"interval": 0}},
        "yAxis": axis,
        "series": [
            {"name": name, "type": "line", "data": data, "connectNulls": False, "symbolSize": 8}
            for name, data in series.items()
        ],
    }


def pie(title: str, items: list[tuple[str, Any]]) -> dict[str, Any]:
    return {
        "color": PALETTE,
        "title": {"text": title, "left": "left", "textStyle": {"fontSize": 14, "fontWeight": 600}},
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        "legend": {"bottom": 0, "type": "scroll"},
        "series": [
            {
                "type": "pie",
                "radius": ["38%", "66%"],
                "center": ["50%", "52%"],
                "label": {"formatter": "{b}\n{d}%"},
                "data": [{"name": n, "value": v} for n, v in items],
            }
        ],
    }


def horizontal_bars(title: str, items: list[tuple[str, Any]]) -> dict[str, Any]:
    """Most frequent findings: longest bar on top."""
    ordered = list(reversed(items))
    return _base(title) | {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [n for n, _ in ordered], "axisLabel": {"interval": 0}},
        "series": [
            {"type": "bar", "data": [v for _, v in ordered], "label": {"show": True, "position": "right"}}
        ],
    }
