"""Cell values as printed: counts, signed changes, amounts with units, zero-words and blanks."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from xxgk.extract.labels import MINUS, nfkc

ZERO_WORDS = frozenset({"-", "—", "–", "－", "/", "／", "无", "——", "--", "\\"})
_NUMBER = re.compile(
    r"^(?P<sign>[-+−])?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"\s*(?P<unit>万元|元|件|项|个|人次|次)?$"
)


@lru_cache(maxsize=65536)
def parse_value(raw: str) -> tuple[bool, Decimal | None, str | None]:
    """(is_value, value, unit). Blank → (True, None, None); label text → (False, None, None).

    Values are Decimal so that fee amounts stay exact; the record turns counts into int.
    """
    text = nfkc(raw).strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return True, None, None
    if text in ZERO_WORDS:
        return True, Decimal(0), None
    m = _NUMBER.match(text)
    if not m:
        return False, None, None
    digits = m.group("num").replace(",", "")
    frac = m.group("frac")
    try:
        value = Decimal(f"{digits}.{frac}" if frac else digits)
    except InvalidOperation:  # pragma: no cover - the regex only admits digits
        return False, None, None
    if m.group("sign") in MINUS:
        value = -value
    return True, value, m.group("unit")


def is_number(raw: str) -> bool:
    ok, value, _ = parse_value(raw)
    return ok and value is not None


def to_json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
