"""Reading one cell's text into a value: counts, signed changes, money, blanks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .text import to_halfwidth

#: What portals put in a cell that was not filled in. Kept distinct from 0.
BLANK_TOKENS = frozenset({"", "-", "--", "—", "——", "－", "/", "\\", "无", "空", "nbsp", "&nbsp;", "—-", "…"})
#: A cell printed as "does not apply": no value, like a blank, and stored with its own mark
#: (``cells.mark = 'not_applicable'``, as "/" is) rather than as a plain blank.
NOT_APPLICABLE_TOKENS = frozenset({"不适用", "不涉及"})
BLANK_TOKENS = BLANK_TOKENS | NOT_APPLICABLE_TOKENS

_NUMBER_RE = re.compile(
    r"^(?P<sign>[+\-增减]|增加|减少)?\s*(?P<num>\d{1,3}(?:,\d{3}){1,5}(?:\.\d{1,6})?|\d{1,18}(?:\.\d{1,6})?)\s*(?P<unit>万元|亿元|元|件|个|条|项|次|人|%)?$"
)


@dataclass(frozen=True, slots=True)
class CellValue:
    value: int | float | None
    unit: str | None
    blank: bool
    raw: str


@lru_cache(maxsize=65536)
def clean_cell(raw: str) -> str:
    s = to_halfwidth(raw).replace("\u00a0", " ").replace("\u3000", " ").replace("&nbsp;", " ")
    return " ".join(s.split())


def is_blank(raw: str) -> bool:
    return clean_cell(raw) in BLANK_TOKENS


@lru_cache(maxsize=65536)
def parse_value(raw: str) -> CellValue | None:
    """The value of a cell, or None when the text is not a value at all (a label)."""
    s = clean_cell(raw)
    if s in BLANK_TOKENS:
        return CellValue(None, None, True, raw)
    m = _NUMBER_RE.match(s.replace(" ", ""))
    if not m:
        return None
    num_text = m.group("num").replace(",", "")
    number: int | float = float(num_text) if "." in num_text else int(num_text)
    sign = m.group("sign")
    if sign in ("-", "减", "减少"):
        number = -number
    return CellValue(number, m.group("unit"), False, raw)


def is_value(raw: str) -> bool:
    return parse_value(raw) is not None
