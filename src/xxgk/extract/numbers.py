"""Cell values as printed: counts, signed changes, amounts with units, zero-words and blanks."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

from xxgk.extract.labels import MINUS, nfkc, remember

ZERO_WORDS: Final = frozenset({"-", "—", "–", "－", "/", "／", "无", "——", "--", "\\"})
_NUMBER: Final = re.compile(
    r"^(?P<sign>[-+−]|增加?|减少?)?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"\s*(?P<unit>万元|元|件|项|个|人次|次)?$"
)


_PARSED: Final[dict[str, tuple[bool, Decimal | None, str | None]]] = {}


def parse_value(raw: str) -> tuple[bool, Decimal | None, str | None]:
    """(is_value, value, unit). Blank → (True, None, None); label text → (False, None, None).

    Values are Decimal so that fee amounts stay exact; the record turns counts into int. Cells recur
    across reports: remembered.
    """
    found = _PARSED.get(raw)
    return found if found is not None else remember(_PARSED, raw, _parse_value(raw))


def _parse_value(raw: str) -> tuple[bool, Decimal | None, str | None]:
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
    sign = m.group("sign")
    if sign and (sign in MINUS or sign[0] == "减"):  # 本年增/减 may be printed '减4' (2019 template)
        value = -value
    return True, value, m.group("unit")


def is_number(raw: str) -> bool:
    ok, value, _ = parse_value(raw)
    return ok and value is not None


_JSON_NUMBERS: Final[dict[Decimal, int | float]] = {}


def to_json_number(value: Decimal | None) -> int | float | None:
    """A value as the record holds it: int when integral, else float. Remembered per value (a dict
    lookup is ~8x cheaper than the Decimal arithmetic, and reports repeat small numbers)."""
    if value is None:
        return None
    out = _JSON_NUMBERS.get(value)
    if out is None:
        out = remember(
            _JSON_NUMBERS, value, int(value) if value == value.to_integral_value() else float(value)
        )
    return out
