"""Dates as Chinese government pages print them, normalised to ISO ``YYYY-MM-DD``.

Pages mix ``2024-03-05``, ``2024/3/5``, ``2024年3月5日``, full-width digits and, in formal
documents, Chinese numerals (``二〇二一年一月十二日``). Everything here returns ``None`` rather
than guess: an impossible date (month 13, 30 February) is more likely a serial number than a
typo, and a wrong publication date is worse than none.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata

__all__ = ["cn_year_to_digits", "date_from_url", "parse_date", "parse_datetime"]

#: Earliest and latest years accepted in text. Government web pages start in the 1990s but
#: documents they carry can be older.
MIN_YEAR, MAX_YEAR = 1949, 2099
#: URLs are only trusted for the web era, so ids like ``/1234/5/6/`` are not read as dates.
MIN_URL_YEAR = 1995

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0, "一": 1, "二": 2, "两": 2}
_CN_DIGITS.update({"三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_CN_DIGITS.update({str(d): d for d in range(10)})
# A year in numerals is read digit by digit (二〇二一); month and day use 十 (十二, 三十一).
# ``O``/``o`` stand in for 〇 on some pages, so the year run must hold at least one CJK digit.
_CN_YEAR = re.compile(r"[〇○零ＯOo0-9一二三四五六七八九]{4}(?=\s*年)")
_CN_MONTH_DAY = re.compile(r"(?<=[年月])\s*([零〇○一二两三四五六七八九十]{1,3})\s*(?=[月日号])")

_DATE = re.compile(
    r"(?<![\d])(?P<y>\d{4})\s*(?P<s1>[-/.年])\s*(?P<m>\d{1,2})\s*(?P<s2>[-/.月])\s*(?P<d>\d{1,2})(?!\d)\s*[日号]?"
)
_COMPACT = re.compile(r"(?<![\d])(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?!\d)")
_TIME = re.compile(r"^[\sT\-－,，]*(?P<h>\d{1,2})\s*[:：时點点]\s*(?P<mi>\d{1,2})(?!\d)")

_URL_PATTERNS = (
    # TRS: .../201909/t20190918_693227.shtml
    re.compile(r"(?:^|[/_])t(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})_\d+"),
    # Hanweb: /art/2021/1/4/art_123_456.html; also /2021/01/04/
    re.compile(r"/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),
    # gov.cn and many others: /2023-12/01/content_1755244.html, /202312/01/
    re.compile(r"/(?P<y>\d{4})-?(?P<m>\d{2})/(?P<d>\d{2})/"),
    # /20231201/ and /2023-12-01/ folders
    re.compile(r"/(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})/"),
)


def _cn_number(run: str) -> int | None:
    """Read 1-31 written with 十 (十二, 二十, 三十一) or as plain digits (一, 〇五)."""
    if "十" in run:
        tens, _, units = run.partition("十")
        if "十" in units or len(tens) > 1 or len(units) > 1:
            return None
        return _CN_DIGITS.get(tens, 0 if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    value = 0
    for ch in run:
        value = value * 10 + _CN_DIGITS[ch]
    return value


def _year_digits(m: re.Match[str]) -> str:
    run = m.group(0)
    return run if run.isascii() else "".join(str(_CN_DIGITS[c]) for c in run)


def cn_year_to_digits(s: str) -> str:
    """Years written in numerals before 年 (``二〇二三年``, ``二O二三年``) as ASCII digits.

    The one reading of numeral years: dates, report titles and list titles all use it.
    """
    return _CN_YEAR.sub(_year_digits, s)


def _arabic(s: str) -> str:
    """Fold full-width forms and Chinese numerals in dates to ASCII digits."""

    def month_day(m: re.Match[str]) -> str:
        value = _cn_number(m.group(1))
        return m.group(0) if value is None else str(value)

    s = cn_year_to_digits(unicodedata.normalize("NFKC", s))
    return _CN_MONTH_DAY.sub(month_day, s)


def _iso(y: str | int, m: str | int, d: str | int, min_year: int = MIN_YEAR) -> str | None:
    try:
        day = _dt.date(int(y), int(m), int(d))
    except ValueError:
        return None
    if not min_year <= day.year <= MAX_YEAR:
        return None
    return day.isoformat()


def _find(s: str) -> tuple[str, str] | None:
    """Return (iso date, rest of the string after it), or None."""
    for m in _DATE.finditer(s):
        # 2024年3-5 or 2024-3月5 are not dates; the two separators must agree in kind.
        if (m["s1"] == "年") != (m["s2"] == "月"):
            continue
        if m["s1"] != "年" and m["s1"] != m["s2"]:
            continue
        iso = _iso(m["y"], m["m"], m["d"])
        if iso:
            return iso, s[m.end() :]
    for m in _COMPACT.finditer(s):
        iso = _iso(m["y"], m["m"], m["d"])
        if iso:
            return iso, s[m.end() :]
    return None


def parse_datetime(s: str | None) -> tuple[str | None, str | None]:
    """The first date in ``s`` as ISO, and the ``HH:MM`` that directly follows it, if any."""
    if not s:
        return None, None
    found = _find(_arabic(s))
    if not found:
        return None, None
    iso, rest = found
    t = _TIME.match(rest)
    if t and int(t["h"]) < 24 and int(t["mi"]) < 60:
        return iso, f"{int(t['h']):02d}:{int(t['mi']):02d}"
    return iso, None


def parse_date(s: str | None) -> str | None:
    """The first valid date in ``s`` as ``YYYY-MM-DD``, else None."""
    return parse_datetime(s)[0]


def date_from_url(url: str | None) -> str | None:
    """The publication date CMSs write into article URLs, as ISO; None when only a month is there.

    A bare ``/201909/`` folder names a month, not a day; inventing the 1st would be a guess, so it
    is not returned.
    """
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    for pattern in _URL_PATTERNS:
        for m in pattern.finditer(path):
            iso = _iso(m["y"], m["m"], m["d"], min_year=MIN_URL_YEAR)
            if iso:
                return iso
    return None
