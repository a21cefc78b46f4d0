"""The panel's columns: name, short name (Stata's 32 characters), meaning in Chinese and English,
source table / row / column, unit and type. ``gsspider export --panel`` writes it beside the panel.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from parsers.constants import TABLE2_COLUMNS, TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_KEYS

#: Column types: count (integer, nullable), amount (decimal), text, date, flag (0/1), share (0–1).
COUNT, AMOUNT, TEXT, DATE, FLAG, SHARE, INT = "count", "amount", "text", "date", "flag", "share", "integer"

TABLE3_ROW_LABELS = {
    "new_received": ("本年新收政府信息公开申请数量", "new applications received this year"),
    "carried_over": ("上年结转政府信息公开申请数量", "applications carried over from last year"),
    "granted": ("予以公开", "granted in full"),
    "partially_granted": ("部分公开（区分处理的）", "granted in part"),
    "denied_state_secret": ("不予公开：属于国家秘密", "denied: state secret"),
    "denied_law_prohibited": ("不予公开：其他法律行政法规禁止公开", "denied: prohibited by law"),
    "denied_security_stability": ("不予公开：危及“三安全一稳定”", "denied: security and stability"),
    "denied_third_party": ("不予公开：保护第三方合法权益", "denied: third-party rights"),
    "denied_internal_affairs": ("不予公开：属于三类内部事务信息", "denied: internal affairs"),
    "denied_process_info": ("不予公开：属于四类过程性信息", "denied: process information"),
    "denied_enforcement_file": ("不予公开：属于行政执法案卷", "denied: enforcement file"),
    "denied_admin_query": ("不予公开：属于行政查询事项", "denied: administrative query"),
    "unable_not_held": ("无法提供：本机关不掌握相关政府信息", "unable: information not held"),
    "unable_needs_creation": ("无法提供：没有现成信息需要另行制作", "unable: would need to be created"),
    "unable_unclear": ("无法提供：补正后申请内容仍不明确", "unable: request unclear after correction"),
    "not_processed_petition": ("不予处理：信访举报投诉类申请", "not processed: petition or complaint"),
    "not_processed_duplicate": ("不予处理：重复申请", "not processed: duplicate"),
    "not_processed_publication": ("不予处理：要求提供公开出版物", "not processed: publication requested"),
    "not_processed_excessive": ("不予处理：无正当理由大量反复申请", "not processed: excessive requests"),
    "not_processed_confirmation": (
        "不予处理：要求行政机关确认或重新出具已获取信息",
        "not processed: confirmation of information held",
    ),
    "other_no_correction": ("其他处理：申请人无正当理由逾期不补正", "other: applicant did not correct"),
    "other_no_fee": ("其他处理：申请人逾期未按收费通知要求缴纳费用", "other: fee not paid"),
    "other_misc": ("其他处理：其他", "other: miscellaneous"),
    "other": ("其他处理（合计）", "other handling (sum of the other rows, or the 2019 single row)"),
    "total_processed": ("总计", "total processed"),
    "carried_forward": ("结转下年度继续办理", "carried forward to next year"),
}
TABLE3_COLUMN_LABELS = {
    "natural_person": ("自然人", "natural persons", "np"),
    "commercial": ("商业企业", "commercial enterprises", "com"),
    "research": ("科研机构", "research institutions", "res"),
    "social_welfare": ("社会公益组织", "social welfare organisations", "sw"),
    "legal_services": ("法律服务机构", "legal service agencies", "ls"),
    "other_org": ("其他", "other organisations", "oo"),
    "total": ("总计", "total", "tot"),
}
TABLE4_GROUP_LABELS = {
    "review": ("行政复议", "administrative review", "rv"),
    "litigation_direct": ("行政诉讼（未经复议直接起诉）", "litigation without prior review", "ld"),
    "litigation_after_review": ("行政诉讼（复议后起诉）", "litigation after review", "lr"),
}
TABLE4_OUTCOME_LABELS = {
    "upheld": ("结果维持", "upheld"),
    "corrected": ("结果纠正", "corrected"),
    "other": ("其他结果", "other outcome"),
    "pending": ("尚未审结", "pending"),
    "total": ("总计", "total"),
}
TABLE2_ROW_SLUGS = {
    "规章": ("gz", "rules"),
    "规范性文件": ("gfxwj", "normative documents (2019)"),
    "行政规范性文件": ("xzgfxwj", "administrative normative documents"),
    "行政许可": ("xzxk", "administrative licensing"),
    "其他对外管理服务事项": ("qtfw", "other external management services"),
    "行政处罚": ("xzcf", "administrative penalties"),
    "行政强制": ("xzqz", "administrative compulsion"),
    "行政事业性收费": ("sf", "administrative fees"),
    "政府集中采购": ("cg", "government centralised procurement"),
}
TABLE2_COLUMN_SLUGS = {
    "本年新制作数量": ("made", "made this year"),
    "本年新公开数量": ("pub", "published this year"),
    "对外公开总数量": ("ttl", "published in total"),
    "上一年项目数量": ("prev", "items the year before"),
    "本年增/减": ("chg", "change this year"),
    "处理决定数量": ("dec", "decisions"),
    "采购项目数量": ("items", "procurement items"),
    "采购总金额": ("amt", "procurement amount"),
    "本年制发件数": ("issued", "issued this year"),
    "本年废止件数": ("repealed", "repealed this year"),
    "现行有效件数": ("inforce", "in force"),
    "本年处理决定数量": ("dec", "decisions this year"),
    "本年收费金额": ("fee", "fees collected this year"),
}
#: Table-2 columns that are money (万元), not counts.
AMOUNT_COLUMNS = frozenset({"采购总金额", "本年收费金额"})


@dataclass(frozen=True)
class Column:
    name: str
    short: str  # at most 32 ASCII characters (Stata)
    label_zh: str
    label_en: str
    source: str  # table/row/column, or the reports / checks column it comes from
    unit: str
    type: str

    def as_row(self) -> dict[str, str]:
        return asdict(self)


def _report_columns() -> list[Column]:
    c = Column
    return [
        c("body_id", "body_id", "报告主体编号", "reporting body id (bodies.id)", "bodies.id", "", INT),
        c("body", "body", "报告主体", "reporting body (newest name)", "bodies.name", "", TEXT),
        c(
            "publisher",
            "publisher",
            "发布机构（报告所载）",
            "publisher as the report prints it",
            "reports.publisher",
            "",
            TEXT,
        ),
        c("region", "region", "地区", "region", "bodies.region", "", TEXT),
        c(
            "region_code",
            "region_code",
            "行政区划代码",
            "administrative division code",
            "bodies.region_code",
            "",
            TEXT,
        ),
        c("level", "level", "层级", "level (city, county, town, department …)", "bodies.level", "", TEXT),
        c("site", "site", "网站", "site crawled", "reports.site", "", TEXT),
        c("year", "year", "报告年度", "year reported on", "reports.report_year", "", INT),
        c("template", "template", "模板", "template (2019, 2021, pre-2019)", "reports.template", "", TEXT),
        c(
            "published_date",
            "published_date",
            "发布日期",
            "publication date",
            "reports.published_date",
            "",
            DATE,
        ),
        c(
            "late",
            "late",
            "逾期发布",
            "published after 31 March of the next year (1), on time (0)",
            "reports.late",
            "",
            FLAG,
        ),
        c(
            "edition",
            "edition",
            "版次",
            "editions of the same body and year (1: only one)",
            "reports",
            "",
            INT,
        ),
        c("url", "url", "网址", "report URL", "reports.url", "", TEXT),
        c(
            "content_hash",
            "content_hash",
            "内容哈希",
            "sha256 of the report bytes",
            "reports.content_hash",
            "",
            TEXT,
        ),
        c("fetched_at", "fetched_at", "抓取时间", "fetch time (UTC)", "reports.fetched_at", "", TEXT),
    ]


def _tail_columns() -> list[Column]:
    c = Column
    return [
        c(
            "checks_passed",
            "checks_passed",
            "通过的勾稽校验数",
            "own checks passed",
            "checks (scope ≠ cross_year)",
            "",
            COUNT,
        ),
        c(
            "checks_failed",
            "checks_failed",
            "未通过的勾稽校验数",
            "own checks failed",
            "checks (scope ≠ cross_year)",
            "",
            COUNT,
        ),
        c(
            "checks_unknown",
            "checks_unknown",
            "无法计算的校验数",
            "own checks not computable (blank cells)",
            "checks",
            "",
            COUNT,
        ),
        c(
            "cross_year_failed",
            "cross_year_failed",
            "跨年结转不一致数",
            "columns whose 上年结转 ≠ last year's 结转下年度",
            "checks (scope cross_year)",
            "",
            COUNT,
        ),
        c(
            "narrative_repeat",
            "narrative_repeat",
            "文字重复率",
            "share of narrative repeated from the body's previous report",
            "reports.narrative_repeat",
            "share",
            SHARE,
        ),
        c(
            "not_applicable",
            "not_applicable",
            "不适用单元格",
            "cells marked 不适用 or / (names of the panel columns)",
            "cells.mark",
            "",
            TEXT,
        ),
        c("flags", "flags", "标记", "parser flags (codes, ;-separated)", "reports.flags", "", TEXT),
    ]


def table3_column(row: str, column: str) -> str:
    return f"t3_{row}_{column}"


def table4_column(key: str) -> str:
    return f"t4_{key}"


def table2_column(row: str, column: str) -> str | None:
    r, c = TABLE2_ROW_SLUGS.get(row), TABLE2_COLUMN_SLUGS.get(column)
    return f"t2_{r[0]}_{c[0]}" if r and c else None


def columns() -> list[Column]:
    """Every panel column, in order."""
    out = _report_columns()
    for i, row in enumerate(TABLE3_ROWS):
        zh, en = TABLE3_ROW_LABELS[row]
        for column in TABLE3_COLUMNS:
            czh, cen, cshort = TABLE3_COLUMN_LABELS[column]
            out.append(
                Column(
                    table3_column(row, column),
                    f"t3_{i:02d}_{cshort}",
                    f"表三 {zh} · {czh}",
                    f"table 3: {en} — {cen}",
                    f"table3/{row}/{column}",
                    "件",
                    COUNT,
                )
            )
    for key in TABLE4_KEYS:
        group, outcome = next((g, key[len(g) + 1 :]) for g in TABLE4_GROUP_LABELS if key.startswith(g + "_"))
        gzh, gen, gshort = TABLE4_GROUP_LABELS[group]
        ozh, oen = TABLE4_OUTCOME_LABELS[outcome]
        out.append(
            Column(
                table4_column(key),
                f"t4_{gshort}_{outcome}",
                f"表四 {gzh} · {ozh}",
                f"table 4: {gen} — {oen}",
                f"table4/{key}/value",
                "件",
                COUNT,
            )
        )
    seen: set[str] = set()
    for layout in TABLE2_COLUMNS.values():
        for row, cols in layout.items():
            for col in cols:
                name = table2_column(row, col)
                if name is None or name in seen:
                    continue
                seen.add(name)
                amount = col in AMOUNT_COLUMNS
                out.append(
                    Column(
                        name,
                        name[:32],
                        f"表二 {row} · {col}",
                        f"table 2: {TABLE2_ROW_SLUGS[row][1]} — {TABLE2_COLUMN_SLUGS[col][1]}",
                        f"table2/{row}/{col}",
                        "万元" if amount else ("项/件" if "数" in col else ""),
                        AMOUNT if amount else COUNT,
                    )
                )
    return [*out, *_tail_columns()]
