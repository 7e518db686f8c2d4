"""A normalised agency key, so that one body's reports line up across years.

Titles vary from year to year ("XX市人民政府2021年政府信息公开工作年度报告", "XX市人民政府 二〇二二年度
政府信息公开年度报告", "（XX市人民政府）2023年度工作报告"), but the body is the same. The key removes what
varies (years, the report-kind words, spaces, punctuation, brackets) and keeps what names the body.

It never merges different bodies: 人民政府办公室 and 人民政府 stay distinct, and no region prefix is added
or dropped (淮安市洪泽区人民政府 vs 洪泽区人民政府 is for the store's alias table, a person's decision).
"""

from __future__ import annotations

import re
import unicodedata

# Years: Arabic (2021年, 2021年度, a bare 2021 next to the title words) and Chinese (二〇二一年度).
_ARABIC_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:年度|年)?(?!\d)")
_CHINESE_YEAR = re.compile(r"[〇零○OΟ一二三四五六七八九]{4}(?:年度|年)")

# Report-kind words, longest first so that the longer phrase wins over its own tail.
_REPORT_WORDS = tuple(
    sorted(
        (
            "政府信息公开工作年度报告",
            "政府信息公开年度工作报告",
            "政府信息公开工作报告",
            "政府信息公开年度报告",
            "信息公开工作年度报告",
            "信息公开年度报告",
            "政务公开工作年度报告",
            "工作年度报告",
            "年度报告",
            "工作报告",
        ),
        key=len,
        reverse=True,
    )
)
_REPORT_RE = re.compile("|".join(map(re.escape, _REPORT_WORDS)))
_TRAILING_REPORT = re.compile(r"(?:年报|报告)$")
_LEADING_ABOUT = re.compile(r"^关于")
_TRAILING_OF = re.compile(r"的$")

# Common short forms of a government body's name, expanded so both spellings give one key. Only at the end
# of the name, where they cannot be part of a longer word; 办公室 is kept, so the office stays distinct.
_SHORT_FORMS = (
    (re.compile(r"(?:人民)?政府办(?:公室)?$"), "人民政府办公室"),
    (re.compile(r"(?<!人民)政府$"), "人民政府"),
)


def _drop_punctuation(text: str) -> str:
    """Remove whitespace, punctuation (brackets, quotes, dots, dashes) and symbols; keep letters and digits."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


def agency_key(name: str) -> str:
    """The key that groups one body's reports: deterministic, idempotent, empty only for an empty name."""
    text = _drop_punctuation(unicodedata.normalize("NFKC", name or ""))
    text = _REPORT_RE.sub("", text)  # before the years: "2023年度报告" is a year and 年度报告, not 2023年度
    text = _CHINESE_YEAR.sub("", text)
    text = _ARABIC_YEAR.sub("", text)
    text = _TRAILING_REPORT.sub("", text)
    text = _LEADING_ABOUT.sub("", text)
    text = _TRAILING_OF.sub("", text)
    for pattern, full in _SHORT_FORMS:
        text = pattern.sub(full, text)
    return text
