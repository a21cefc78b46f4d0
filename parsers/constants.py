"""The project's one vocabulary: table keys, templates, check and flag names.

Parser, storage, export and docs import these; nothing else spells them.
The table-3/4 keys are the public data dictionary of ``docs/annual-reports.md``.
"""

from __future__ import annotations

# --- templates -------------------------------------------------------------
TEMPLATE_2019 = "2019"
TEMPLATE_2021 = "2021"
TEMPLATE_PRE_2019 = "pre-2019"
TEMPLATE_NONE = "none"
TEMPLATES = (TEMPLATE_2019, TEMPLATE_2021, TEMPLATE_PRE_2019, TEMPLATE_NONE)

# --- levels ------------------------------------------------------------------
LEVELS = ("province", "city", "county", "district", "town", "street", "department", "unknown")

# --- table 3 -------------------------------------------------------------------
TABLE3_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_services",
    "other_org",
    "total",
)
TABLE3_ORG_COLUMNS = TABLE3_COLUMNS[1:6]
TABLE3_PART_COLUMNS = TABLE3_COLUMNS[:6]

TABLE3_DENIED = (
    "denied_state_secret",
    "denied_law_prohibited",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_query",
)
TABLE3_UNABLE = ("unable_not_held", "unable_needs_creation", "unable_unclear")
TABLE3_NOT_PROCESSED = (
    "not_processed_petition",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirmation",
)
TABLE3_OTHER_2021 = ("other_no_correction", "other_no_fee", "other_misc")

#: The rows every layout prints before (六)其他处理.
_TABLE3_HEAD = ("new_received", "carried_over")
_TABLE3_RESULTS_BEFORE_OTHER = (
    "granted",
    "partially_granted",
    *TABLE3_DENIED,
    *TABLE3_UNABLE,
    *TABLE3_NOT_PROCESSED,
)
_TABLE3_TAIL = ("total_processed", "carried_forward")

#: Result rows that add up to ``total_processed`` (``other`` stands for the
#: single 2019 row, or the sum of the three 2021 rows).
TABLE3_RESULT_ROWS = (*_TABLE3_RESULTS_BEFORE_OTHER, "other")

#: Row order as printed, for each layout of the 其他处理 rows.
TABLE3_ROWS_SINGLE_OTHER = (*_TABLE3_HEAD, *_TABLE3_RESULTS_BEFORE_OTHER, "other", *_TABLE3_TAIL)
TABLE3_ROWS_THREE_OTHER = (*_TABLE3_HEAD, *_TABLE3_RESULTS_BEFORE_OTHER, *TABLE3_OTHER_2021, *_TABLE3_TAIL)
#: Every table-3 row key, in output order.
TABLE3_ROWS = (*_TABLE3_HEAD, *_TABLE3_RESULTS_BEFORE_OTHER, *TABLE3_OTHER_2021, "other", *_TABLE3_TAIL)

# --- table 4 -------------------------------------------------------------------
TABLE4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
TABLE4_OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
TABLE4_KEYS = tuple(f"{g}_{o}" for g in TABLE4_GROUPS for o in TABLE4_OUTCOMES)

# --- table 2 -------------------------------------------------------------------
#: Column labels per template and row, as the official layouts print them.
TABLE2_COLUMNS = {
    TEMPLATE_2019: {
        "规章": ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
        "规范性文件": ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
        "行政许可": ("上一年项目数量", "本年增/减", "处理决定数量"),
        "其他对外管理服务事项": ("上一年项目数量", "本年增/减", "处理决定数量"),
        "行政处罚": ("上一年项目数量", "本年增/减", "处理决定数量"),
        "行政强制": ("上一年项目数量", "本年增/减", "处理决定数量"),
        "行政事业性收费": ("上一年项目数量", "本年增/减"),
        "政府集中采购": ("采购项目数量", "采购总金额"),
    },
    TEMPLATE_2021: {
        "规章": ("本年制发件数", "本年废止件数", "现行有效件数"),
        "行政规范性文件": ("本年制发件数", "本年废止件数", "现行有效件数"),
        "行政许可": ("本年处理决定数量",),
        "行政处罚": ("本年处理决定数量",),
        "行政强制": ("本年处理决定数量",),
        "行政事业性收费": ("本年收费金额",),
    },
}
#: The item (第二十条第(X)项) each table-2 row belongs to.
TABLE2_ITEMS = {
    "规章": "20(1)",
    "规范性文件": "20(1)",
    "行政规范性文件": "20(1)",
    "行政许可": "20(5)",
    "其他对外管理服务事项": "20(5)",
    "行政处罚": "20(6)",
    "行政强制": "20(6)",
    "行政事业性收费": "20(8)",
    "政府集中采购": "20(9)",
}

# --- sections ----------------------------------------------------------------
SECTION_KEYS = (
    "overview",
    "proactive_disclosure",
    "applications",
    "reviews_litigation",
    "problems",
    "other_matters",
)

# --- checks ------------------------------------------------------------------
CHECK_TABLE3_BALANCE = "table3_balance"
CHECK_TABLE3_COLUMN_SUM = "table3_column_sum"
CHECK_TABLE3_RESULT_SUM = "table3_result_sum"
CHECK_TABLE4_GROUP_SUM = "table4_group_sum"
CHECKS = (CHECK_TABLE3_BALANCE, CHECK_TABLE3_COLUMN_SUM, CHECK_TABLE3_RESULT_SUM, CHECK_TABLE4_GROUP_SUM)

# --- flags -------------------------------------------------------------------
FLAG_EMPTY_DOCUMENT = "empty_document"
FLAG_NOT_A_REPORT = "not_a_report"
FLAG_IMAGE_ONLY = "image_only"
FLAG_BINARY_INPUT = "binary_input"
FLAG_TABLE2_MISSING = "table2_missing"
FLAG_TABLE3_MISSING = "table3_missing"
FLAG_TABLE4_MISSING = "table4_missing"
FLAG_TABLE2_ROW_INCOMPLETE = "table2_row_incomplete"
FLAG_TABLE3_INCOMPLETE = "table3_incomplete"
FLAG_TABLE3_ROW_INCOMPLETE = "table3_row_incomplete"
FLAG_TABLE3_ROW_AMBIGUOUS = "table3_row_ambiguous"
FLAG_TABLE3_ROW_DUPLICATE = "table3_row_duplicate"
FLAG_TABLE3_SINGLE_OTHER_ROW = "table3_single_other_row"
FLAG_TABLE4_INCOMPLETE = "table4_incomplete"
FLAG_TABLE4_AMBIGUOUS = "table4_ambiguous"
FLAG_MERGED_DIGITS_SPLIT = "merged_digits_split"
FLAG_BLANK_CELLS = "blank_cells"
FLAG_CHECKS_FAILED = "checks_failed"
FLAG_NEEDS_OCR = "needs_ocr"
FLAG_ENCODING_GUESSED = "encoding_guessed"
FLAG_PARSER_ERROR = "parser_error"
FLAG_UNREADABLE_DOCUMENT = "unreadable_document"
FLAG_UNSUPPORTED_DOCUMENT = "unsupported_document"
#: Flags that mean the input could not be read as a report at all.
UNREADABLE_FLAGS = (
    FLAG_EMPTY_DOCUMENT,
    FLAG_BINARY_INPUT,
    FLAG_NOT_A_REPORT,
    FLAG_PARSER_ERROR,
    FLAG_UNREADABLE_DOCUMENT,
    FLAG_UNSUPPORTED_DOCUMENT,
    FLAG_IMAGE_ONLY,
)
#: Tables read from text whose cells were glued together ("21710000218"); see parsers.glued.
FLAG_GLUED_CELLS = "glued_cells"
#: Glued digits that no row label precedes (PDF layout order): table 3 is left unread.
FLAG_GLUED_UNORDERED = "glued_rows_unordered"
FLAG_TABLE2_ROW_AMBIGUOUS = "table2_row_ambiguous"
