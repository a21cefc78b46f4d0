"""Scoring links toward the 信息公开 → 年报 columns, and list items toward reports.

Pure functions over (anchor text, URL, context text): the spider decides what to request from
these scores, so the crawl touches home, section, column, list and report pages and little else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from gsspider.vocab import ROLE_DEPARTMENT, ROLE_HOME, ROLE_SECTION
from parsers.html import parse_html
from parsers.identity import is_notice_title, looks_like_report_title
from parsers.metadata import read_page_title
from parsers.text import key_form

# What a link or a list item probably leads to (the spider requests each kind in its role).
SECTION = "section"
COLUMN = "column"
REPORT = "report"
DEPARTMENT = "department"
OTHER = "other"
MAYBE = "maybe"  # a list item that looks like a report but names no year: fetched to decide
NOTICE = "notice"  # a list item about reports (a notice, a training, 统计年报): not one

_SECTION_WORDS = ("政府信息公开", "信息公开", "政务公开", "公开目录", "信息公开目录")
_SECTION_URL_RE = re.compile(r"(xxgk|zwgk|gkml|zfxxgk|govinfo|openness|xxgkml|public)", re.I)
_COLUMN_WORDS = (
    "政府信息公开年报",
    "信息公开年报",
    "政务公开年报",
    "信息公开年度报告",
    "年度报告",
    "工作年报",
    "年报",
)
_COLUMN_URL_RE = re.compile(r"(ndbg|gknb|xxgknb|zwgknb|nianbao|annual|ndgzbg)", re.I)
_COLUMN_NEGATIVE = ("统计年报", "统计", "决算", "预算", "财务", "审计", "企业年报", "年报公示")
#: 信息公开 pages that never lead to reports: the guide, rules, the application form.
_SECTION_NEGATIVE = ("指南", "制度", "规定", "申请", "须知", "办法", "意见箱", "平台")
_DEPARTMENT_RE = re.compile(r"(人民政府|政府办公室|局|委员会|委|办公室|中心|镇|乡|街道|管委会)$")
_YEAR_RE = re.compile(r"(19|20)\d{2}|[〇○零一二三四五六七八九]{4}")
_SKIP_URL_RE = re.compile(r"^(javascript:|mailto:|tel:|#)", re.I)


@dataclass(frozen=True, slots=True)
class LinkScore:
    kind: str
    score: float


def classify_link(text: str, url: str) -> LinkScore:
    """What a link probably leads to, from its anchor text first and its URL second."""
    if not url or _SKIP_URL_RE.match(url):
        return LinkScore(OTHER, 0.0)
    k = key_form(text or "")
    path = urlsplit(url).path
    if k and looks_like_report_title(k) and _YEAR_RE.search(k):
        return LinkScore(REPORT, 1.0)
    if k and any(w in k for w in _COLUMN_WORDS) and not any(n in k for n in _COLUMN_NEGATIVE):
        # "XX县卫生健康委员会政府信息公开年报" is a column however long its body's name.
        if len(k) <= 16 or (len(k) <= 32 and not _YEAR_RE.search(k)):
            return LinkScore(COLUMN, 0.9)
    if not k and _COLUMN_URL_RE.search(path):
        return LinkScore(COLUMN, 0.5)
    if any(n in k for n in _SECTION_NEGATIVE):
        return LinkScore(OTHER, 0.0)
    if k and any(w in k for w in _SECTION_WORDS) and len(k) <= 14:
        return LinkScore(SECTION, 0.8 if k.startswith(("政府信息公开", "信息公开", "政务公开")) else 0.6)
    # URL words decide only for links whose text says little (icons, "更多", "进入").
    if len(k) <= 4 and _COLUMN_URL_RE.search(path):
        return LinkScore(COLUMN, 0.4)
    if len(k) <= 4 and _SECTION_URL_RE.search(path):
        return LinkScore(SECTION, 0.3)
    if k and 2 < len(k) <= 16 and _DEPARTMENT_RE.search(k):
        return LinkScore(DEPARTMENT, 0.2)
    return LinkScore(OTHER, 0.0)


def classify_list_item(title: str) -> str:
    """report | maybe (report-like, no year: fetch to decide) | notice | other."""
    if not title:
        return OTHER
    if looks_like_report_title(title):
        return REPORT if _YEAR_RE.search(key_form(title)) else MAYBE
    if is_notice_title(title):
        return NOTICE
    return OTHER


#: A page names itself in its head: its title is read from this many bytes of it.
HEAD_BYTES = 8192


def page_names_report(body: bytes, url: str, encoding: str) -> bool:
    """The page's own title (:func:`parsers.metadata.read_page_title`) names a report.

    A redirect or a deep start URL can land a navigation or list request straight on a report;
    the title tells before the page is read as a list.
    """
    try:
        head = body[:HEAD_BYTES].decode(encoding, "replace")
    except LookupError:
        return False
    title = read_page_title(parse_html(head))
    if not title:
        return False
    return classify_link(title, url).kind == REPORT


#: Sections followed from one page, best first: enough for a portal's 政务公开 and its
#: 信息公开 platform, few enough that a home page's menu does not become a crawl of the site.
MAX_SECTIONS = 4


@dataclass(frozen=True, slots=True)
class NavChoice:
    """A link of a navigation page the crawler follows: as what, where, with which label."""

    kind: str  # REPORT, COLUMN, SECTION or DEPARTMENT
    url: str
    label: str
    score: float


def nav_choices(links: Iterable[tuple[str, str]], role: str) -> list[NavChoice]:
    """The links of a home, section or department page the crawler follows, in order.

    ``links`` are (absolute URL, anchor text). Report links first, then 年报 columns (best
    first), then the best :data:`MAX_SECTIONS` sections (from a home or section page, or from a
    department page with no column), then departments (from a section page). A URL is chosen once,
    as the first of these it qualifies for (a 指南 link and a 年报 link to the same page: a column).
    """
    reports: list[NavChoice] = []
    columns: list[NavChoice] = []
    sections: list[NavChoice] = []
    departments: list[NavChoice] = []
    for url, text in links:
        score = classify_link(text, url)
        choice = NavChoice(score.kind, url, text, score.score)
        if score.kind == REPORT:
            reports.append(choice)
        elif score.kind == COLUMN:
            columns.append(choice)
        elif score.kind == SECTION:
            sections.append(choice)
        elif score.kind == DEPARTMENT and role in (ROLE_SECTION, ROLE_DEPARTMENT):
            departments.append(choice)
    by_score = lambda c: -c.score  # noqa: E731 - stable: page order among equal scores
    chosen = reports + sorted(columns, key=by_score)
    if role in (ROLE_HOME, ROLE_SECTION) or (not columns and role == ROLE_DEPARTMENT):
        chosen += _distinct(sorted(sections, key=by_score), {c.url for c in chosen})[:MAX_SECTIONS]
    if role == ROLE_SECTION:
        chosen += departments
    return _distinct(chosen, set())


def _distinct(choices: list[NavChoice], seen: set[str]) -> list[NavChoice]:
    out = []
    for choice in choices:
        if choice.url not in seen:
            seen.add(choice.url)
            out.append(choice)
    return out
