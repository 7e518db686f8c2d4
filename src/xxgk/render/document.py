"""What a rendered report says, in order: title, preamble, six sections, tables after their headings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xxgk.model.record import SECTION_TITLES
from xxgk.render.layout import Grid, table_grids

SECTION_ORDER = tuple(SECTION_TITLES.items())  # (key, standard heading)
PLACEHOLDER = "（本部分内容待填写。）"


@dataclass(slots=True)
class Part:
    heading: str
    paragraphs: list[str]
    grid: Grid | None = None


def title(record: dict[str, Any]) -> str:
    return f"{record.get('agency') or ''}{record.get('year') or ''}年政府信息公开工作年度报告"


def preamble(record: dict[str, Any]) -> str:
    year = record.get("year") or ""
    return (
        "本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室关于政府信息公开"
        f"工作年度报告格式的要求编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    )


def parts(record: dict[str, Any]) -> list[Part]:
    """The sections as the record holds them (standard headings and a placeholder where one is missing)."""
    sections = record.get("sections") or {}
    grids = table_grids(record)
    out = []
    for key, heading in SECTION_ORDER:
        sec = sections.get(key) or {}
        text = (sec.get("text") or "").strip()
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
        has_table = key in grids and isinstance(record.get(key), dict)
        if not paragraphs and not has_table:
            paragraphs = [PLACEHOLDER]
        out.append(Part(heading, paragraphs, grids[key] if has_table else None))
    return out


def override_note(record: dict[str, Any]) -> str | None:
    """The statement a draft carries when it is produced despite error findings (填报 override)."""
    note = record.get("override")
    return f"【说明】本报告在存在核验错误的情况下强制生成：{note}" if note else None
