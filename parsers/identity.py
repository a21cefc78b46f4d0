"""Who and when: the report's title, the year it reports on, its body, region and level."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .dates import cn_year_to_digits
from .text import key_form

_HAN = r"\u4e00-\u9fff"
_TITLE_HINT_RE = re.compile(r"(信息公开|政务公开).{0,12}(年度报告|年报|工作报告)|(年度报告|年报)")
_NOT_REPORT_RE = re.compile(
    r"关于做好|关于开展|编制|报送|通知|统计年报|统计公报|决算|预算|报表|年鉴|征求意见|解读|图解|一图读懂|问答|审计|召开|培训|会议|部署|工作要点|通报|审核|考核|评估|检查|抽查|公示|测评"
)
_YEAR_IN_TITLE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*度?")
_PERIOD_RE = re.compile(r"统计期限.{0,6}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_ANY_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_PUBLISHER_TAIL_RE = re.compile(r"(关于)?(印发)?$")
_PLACE_SUFFIXES = ("自治区", "省", "市", "州", "盟", "地区")
_FUNCTION_CHARS = set("由在对于为据的是和与及向经按布盖告将从被至自即请报含全本我该年")


def year_in_title(title: str | None) -> int | None:
    """The year a title names (``2023年``, ``２０２３年度``, ``二〇二三年``), or None."""
    if not title:
        return None
    m = _YEAR_IN_TITLE_RE.search(cn_year_to_digits(unicodedata.normalize("NFKC", title)))
    return int(m.group(1)) if m else None


def looks_like_report_title(title: str) -> bool:
    k = key_form(title)
    return bool(_TITLE_HINT_RE.search(k)) and not _NOT_REPORT_RE.search(k)


def is_notice_title(title: str) -> bool:
    return bool(_NOT_REPORT_RE.search(key_form(title)))


_STRONG_TITLE_RE = re.compile(r"(?:19|20)\d{2}年.{0,40}?(信息公开|政务公开).{0,12}?(年度报告|年报|工作报告)")


def find_title(lines: list[str], page_title: str | None = None) -> str | None:
    """A report title from the page's own title or the first lines (PDF titles span lines)."""
    if page_title and _TITLE_HINT_RE.search(key_form(page_title)):
        return page_title.strip()
    head = [re.sub(r"\s+", "", cn_year_to_digits(line)) for line in lines[:12]]
    for i, k in enumerate(head):
        if len(k) <= 70 and _STRONG_TITLE_RE.search(k):
            prev = head[i - 1] if i else ""
            # A layout title whose body name sits on the line above the year.
            if (
                re.match(r"^(?:19|20)\d{2}年", k)
                and prev
                and len(prev) <= 24
                and re.fullmatch(rf"[{_HAN}（）()]+", prev)
            ):
                return prev + k
            return k
    for i in range(len(head)):  # a title broken over two or three layout lines
        joined = ""
        for k in head[i : i + 3]:
            joined += k
            if len(joined) > 70:
                break
            if _STRONG_TITLE_RE.search(joined):
                return joined
    return None


def find_year(title: str | None, text: str, published: str | None = None) -> int | None:
    named = year_in_title(title)
    if named is not None:
        return named
    head = cn_year_to_digits(text[:6000])
    m = _PERIOD_RE.search(head)
    if m:
        return int(m.group(1))
    years = _ANY_YEAR_RE.findall(head[:1500])
    if years:
        counts = Counter(years)
        best = max(counts.values())
        for y in years:  # the earliest of the most frequent
            if counts[y] == best:
                return int(y)
    if published and published[:4].isdigit():
        return int(published[:4]) - 1
    return None


def publisher_from_title(title: str) -> str | None:
    t = re.sub(r"\s+", "", cn_year_to_digits(title))
    t = re.sub(r"^关于(印发|公布|发布)?", "", t)
    m = re.match(rf"^([{_HAN}（）()]+?)(?:(?:19|20)\d{{2}})", t)
    if m:
        name = m.group(1)
    else:
        m = re.match(rf"^(?:(?:19|20)\d{{2}})年度?([{_HAN}（）()]+?)(?:政府信息公开|政务公开|信息公开)", t)
        if not m:
            return None
        name = m.group(1)
    name = _PUBLISHER_TAIL_RE.sub("", name).rstrip("的")
    return name or None


def qualify_publisher(publisher: str, text: str) -> str:
    """'洪泽区人民政府' → '淮安市洪泽区人民政府' when the body names it with its city."""
    counts: Counter[str] = Counter()
    for m in re.finditer(re.escape(publisher), text):
        before = text[max(0, m.start() - 5) : m.start()]
        for suffix in _PLACE_SUFFIXES:
            if not before.endswith(suffix):
                continue
            stem = before[: -len(suffix)]
            name = stem[-2:]
            if len(stem) >= 3 and stem[-3] not in _FUNCTION_CHARS and re.match(rf"[{_HAN}]", stem[-3]):
                name = stem[-3:]
            if (
                len(name) == 2
                and all(re.match(rf"[{_HAN}]", c) for c in name)
                and name[0] not in _FUNCTION_CHARS
            ):
                counts[name + suffix] += 1
            elif len(name) == 3 and all(re.match(rf"[{_HAN}]", c) for c in name):
                counts[name + suffix] += 1
    if not counts:
        return publisher
    prefix = counts.most_common(1)[0][0]
    if publisher.startswith(prefix):
        return publisher
    return prefix + publisher


_SCOPE_RE = re.compile(r"全(市|县|区|省|州|镇|乡)")


def publisher_from_text(text: str) -> str | None:
    """For reports without a title (seed 002): the place the report keeps naming, at its own scope."""
    head = text[:20000]
    scopes = Counter(_SCOPE_RE.findall(head))
    if not scopes:
        return None
    scope = scopes.most_common(1)[0][0]
    names = Counter(re.findall(rf"([{_HAN}]{{2,3}}{scope})", head))
    for name, _ in names.most_common(10):
        stem = name[:-1]
        if stem[0] in _FUNCTION_CHARS or stem.startswith(("我", "全", "本", "各", "该", "市", "县")):
            continue
        if len(stem) == 3 and names.get(stem[1:] + scope, 0) > names[name]:
            continue
        return name
    return None


def region_of(publisher: str | None) -> str | None:
    if not publisher:
        return None
    p = re.sub(r"(人民政府|政府).*$", "", publisher)
    p = re.sub(r"(办事处)$", "", p)
    m = re.match(rf"^([{_HAN}]*?(?:自治区|省|自治州|市|州|盟|地区|自治县|县|旗|区|镇|乡|苏木|街道))+", p)
    return m.group(0) if m else None


def level_of(publisher: str | None) -> str:
    if not publisher:
        return "unknown"
    p = publisher
    if "街道" in p and (p.endswith("办事处") or p.endswith("街道")):
        return "street"
    if re.search(r"(办公室|办公厅|局|委员会|委|办|中心|厅|署|队|所|院|会|站|处|部)$", p) and not p.endswith(
        "人民政府"
    ):
        return "department"
    place = re.sub(r"(人民政府|政府)$", "", p)
    if place.endswith(("镇", "乡", "苏木")):
        return "town"
    if place.endswith("街道"):
        return "street"
    if place.endswith(("自治区", "省")) and len(place) <= 8:
        return "province"
    if place.endswith("区"):
        return "district"
    if place.endswith(("县", "旗", "自治县")):
        return "county"
    if place.endswith(("市", "州", "盟", "地区")):
        return "city"
    return "unknown"
