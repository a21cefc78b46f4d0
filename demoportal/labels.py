"""Every printed label of a rendered annual report, in one place.

Keys come from :mod:`parsers.constants`; the strings are the official labels as printed in the seed
reports (seed 000 for the 2019 layout, seed 003 for the 2021 layout), in their ASCII-punctuation form.
:func:`fullwidth` gives the form most HTML pages print (（一）… ，…).
"""

from __future__ import annotations

from parsers.constants import (
    SECTION_KEYS,
    TABLE3_DENIED,
    TABLE3_NOT_PROCESSED,
    TABLE3_OTHER_2021,
    TABLE3_UNABLE,
)

# --- table 3 -------------------------------------------------------------------
TABLE3_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
TABLE3_APPLICANTS = "申请人情况"
TABLE3_NATURAL_PERSON = "自然人"
TABLE3_LEGAL_PERSON = "法人或其他组织"
TABLE3_TOTAL = "总计"
TABLE3_ORG_LABELS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
TABLE3_RESULTS = "三、本年度办理结果"

TABLE3_ROW_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "(一)予以公开",
    "partially_granted": "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
    "denied_state_secret": "1.属于国家秘密",
    "denied_law_prohibited": "2.其他法律行政法规禁止公开",
    "denied_security_stability": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_admin_query": "8.属于行政查询事项",
    "unable_not_held": "1.本机关不掌握相关政府信息",
    "unable_needs_creation": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "not_processed_petition": "1.信访举报投诉类申请",
    "not_processed_duplicate": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_excessive": "4.无正当理由大量反复申请",
    "not_processed_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_misc": "3.其他",
    "other": "(六)其他处理",
    "total_processed": "(七)总计",
    "carried_forward": "四、结转下年度继续办理",
}

#: Rows printed under a group label (rowspan in the official layout): group label -> row keys.
TABLE3_GROUPS = {
    "(三)不予公开": TABLE3_DENIED,
    "(四)无法提供": TABLE3_UNABLE,
    "(五)不予处理": TABLE3_NOT_PROCESSED,
    "(六)其他处理": TABLE3_OTHER_2021,
}

#: Rows whose label spans the whole three-column label area.
TABLE3_FULL_WIDTH_ROWS = ("new_received", "carried_over", "carried_forward")

# --- table 4 -------------------------------------------------------------------
TABLE4_REVIEW = "行政复议"
TABLE4_LITIGATION = "行政诉讼"
TABLE4_LITIGATION_GROUPS = ("未经复议直接起诉", "复议后起诉")
TABLE4_OUTCOME_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

# --- table 2 -------------------------------------------------------------------
TABLE2_CONTENT = "信息内容"
TABLE2_ITEM_LABELS = {
    "20(1)": "第二十条第(一)项",
    "20(5)": "第二十条第(五)项",
    "20(6)": "第二十条第(六)项",
    "20(8)": "第二十条第(八)项",
    "20(9)": "第二十条第(九)项",
}
#: Column labels where the printed form differs from ``constants.TABLE2_COLUMNS``.
TABLE2_PRINTED_COLUMNS = {"本年收费金额": "本年收费金额(单位:万元)"}

# --- sections --------------------------------------------------------------------
SECTION_HEADINGS = dict(
    zip(
        SECTION_KEYS,
        (
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
        ),
        strict=True,
    )
)

#: The free-form layout of reports under the 2008 regulations.
PRE2019_HEADINGS = (
    "一、概述",
    "二、主动公开政府信息情况",
    "三、依申请公开政府信息情况",
    "四、政府信息公开的收费及减免情况",
    "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
    "六、政府信息公开工作存在的主要问题及改进情况",
    "七、其他需要报告的事项",
    "八、政府信息公开情况统计表",
)
#: The old statistics table: (indicator, unit); its numbers are not table 3 and must never be read as such.
PRE2019_STAT_ROWS = (
    ("一、主动公开情况", ""),
    ("(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)", "条"),
    ("其中:主动公开规范性文件数", "条"),
    ("制发规范性文件总数", "件"),
    ("二、回应解读情况", ""),
    ("(一)回应公众关注热点或重大舆情数(不同方式回应同一热点或舆情计1次)", "次"),
    ("三、依申请公开情况", ""),
    ("(一)收到申请数", "件"),
    ("(二)申请办结数", "件"),
    ("(三)申请答复数", "件"),
    ("四、行政复议数量", "件"),
    ("五、行政诉讼数量", "件"),
    ("六、因政府信息公开工作被举报投诉数量", "件"),
    ("七、依申请公开信息收取的费用", "万元"),
    ("八、机构建设和保障经费情况", ""),
    ("1.专职人员数(不包括政府公报及政府网站工作人员数)", "人"),
)
PRE2019_STAT_HEADER = ("统计指标", "单位", "统计数")

TITLE_SUFFIX = "年政府信息公开工作年度报告"

_FULLWIDTH = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "："})


def fullwidth(label: str) -> str:
    """The label with full-width brackets, commas and colons, as most HTML reports print it."""
    return label.translate(_FULLWIDTH)
