"""Recognising the printed row labels of tables 2-4 and the section headings.

Matching is on ``text.key_form`` (Simplified, half-width, no punctuation) by distinctive
keywords rather than whole labels, because PDF extraction breaks labels across lines and loses
glyphs ("其他法律行政止公开"). Numbering ("1.", "(三)") is never relied on.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import key_form

#: row key -> keywords (key form); the first keyword that occurs wins, rows tried in order.
TABLE3_ROW_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("new_received", ("本年新收",)),
    ("carried_over", ("上年结转",)),
    ("carried_forward", ("结转下年",)),
    ("granted", ("予以公开",)),
    ("partially_granted", ("部分公开",)),
    ("denied_state_secret", ("国家秘密",)),
    ("denied_law_prohibited", ("法律行政法规禁止", "其他法律行政", "法规禁止公开", "行政止公开")),
    ("denied_security_stability", ("三安全一稳定", "危及三安全", "三安全")),
    ("denied_third_party", ("第三方合法权益", "保护第三方")),
    ("denied_internal_affairs", ("内部事务",)),
    ("denied_process_info", ("过程性信息", "四类过程")),
    ("denied_enforcement_file", ("执法案卷",)),
    ("denied_admin_query", ("行政查询",)),
    ("unable_not_held", ("不掌握",)),
    ("unable_needs_creation", ("另行制作", "没有现成")),
    ("unable_unclear", ("仍不明确", "补正后申请")),
    ("not_processed_petition", ("信访举报", "举报投诉", "信访")),
    ("not_processed_duplicate", ("重复申请",)),
    ("not_processed_publication", ("公开出版物",)),
    ("not_processed_excessive", ("大量反复",)),
    ("not_processed_confirmation", ("确认或重新出具", "要求行政机关确认", "重新出具")),
    ("other_no_correction", ("逾期不补正", "无正当理由逾期", "逾期不补")),
    ("other_no_fee", ("未按收费", "缴纳费用", "逾期未缴费", "收费通知")),
    ("other", ("其他处理",)),
)
_OTHER_MISC_RE = re.compile(r"^(?:\(?[3三]\)?)其他$")
_TOTAL_RE = re.compile(r"^\(?七\)?总计$|^七总计")

#: Group headers that are not rows themselves.
TABLE3_GROUP_KEYWORDS = ("本年度办理结果", "不予公开", "无法提供", "不予处理", "申请人情况")


@lru_cache(maxsize=65536)
def match_table3_row(label: str) -> str | None:
    """The table-3 row key a printed label names, or None.

    Cached: every report prints the same national row labels, and a miss tries some forty
    keywords.
    """
    k = key_form(label)
    if not k:
        return None
    if _TOTAL_RE.match(k):
        return "total_processed"
    if _OTHER_MISC_RE.match(k):
        return "other_misc"
    for key, words in TABLE3_ROW_KEYWORDS:
        for w in words:
            if w in k:
                # "(三)不予公开" alone is a group header, "予以公开" must not match it.
                return key
    return None


TABLE2_ROW_LABELS = (
    "行政规范性文件",
    "规范性文件",
    "规章",
    "行政许可",
    "其他对外管理服务事项",
    "行政处罚",
    "行政强制",
    "行政事业性收费",
    "政府集中采购",
)


@lru_cache(maxsize=65536)
def match_table2_row(label: str) -> str | None:
    """The table-2 row a printed label names, or None (cached like :func:`match_table3_row`)."""
    k = key_form(label)
    if not k or len(k) > 14:
        return None
    for name in TABLE2_ROW_LABELS:
        if k == name or (k.startswith(name) and len(k) - len(name) <= 2):
            return name
    return None


# --- section headings ----------------------------------------------------------
_HEADING_RE = re.compile(r"^\s*([一二三四五六七八九十]{1,2})\s*[、.．,，]\s*(.+)$")
SECTION_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("overview", ("总体情况", "概述", "基本情况", "总体概况")),
    ("proactive_disclosure", ("主动公开政府信息情况", "主动公开情况", "主动公开政府信息")),
    ("applications", ("收到和处理", "依申请公开", "申请情况")),
    ("reviews_litigation", ("行政复议", "行政诉讼")),
    ("problems", ("存在的主要问题", "存在问题", "主要问题", "改进情况", "改进措施")),
    ("other_matters", ("其他需要报告", "其他事项")),
)
CN_NUMERALS = "一二三四五六七八九十"


def match_section_heading(line: str) -> tuple[str, str, int] | None:
    """(section key, numeral, order) for a heading line like '三、收到和处理政府信息公开申请情况'."""
    m = _HEADING_RE.match(line)
    return _section_heading(line, m) if m else None


def _section_heading(line: str, m: re.Match[str]) -> tuple[str, str, int] | None:
    if len(line.strip()) > 48:
        return None
    numeral, rest = m.group(1), key_form(m.group(2))
    for key, words in SECTION_KEYWORDS:
        if any(w in rest for w in words):
            order = CN_NUMERALS.index(numeral[0]) + 1 if len(numeral) == 1 else 10
            return key, numeral, order
    return None


def match_any_heading(line: str) -> tuple[str, str, int] | None:
    """A standard section heading, or another top-level numbered heading (key "unknown").

    Numbered table rows ("四、结转下年度继续办理") are not headings. The numbering pattern is
    matched once for both kinds: this runs on every line of a report.
    """
    m = _HEADING_RE.match(line)
    if not m:
        return None
    hit = _section_heading(line, m)
    if hit:
        return hit
    if not 4 <= len(line.strip()) <= 48 or len(m.group(1)) != 1:
        return None
    if match_table3_row(line) or any(w in key_form(line) for w in TABLE3_GROUP_KEYWORDS):
        return None
    return "unknown", m.group(1), CN_NUMERALS.index(m.group(1)) + 1
