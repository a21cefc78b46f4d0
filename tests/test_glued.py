"""Glued cells, piece by piece: cutting digit runs, finding rows, narrowing by identities.

The whole-report round trips are in ``test_glued_properties.py``, the real fixtures in
``test_glued_fixtures.py``.
"""

from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import parse_report
from parsers.constants import (
    CHECK_TABLE3_COLUMN_SUM,
    CHECK_TABLE3_RESULT_SUM,
    FLAG_GLUED_CELLS,
    FLAG_GLUED_UNORDERED,
    FLAG_MERGED_DIGITS_SPLIT,
    FLAG_TABLE2_ROW_AMBIGUOUS,
    FLAG_TABLE3_ROW_AMBIGUOUS,
    TABLE3_COLUMNS,
    TABLE3_ROWS_SINGLE_OTHER,
    TABLE3_ROWS_THREE_OTHER,
    TABLE4_KEYS,
)
from parsers.glued import looks_glued, merge_failed_checks, read_glued, tokenize
from parsers.glued_split import Block, Budget, Run, count_cuts, free_blocks, readings, summed_blocks
from parsers.records import Check

# --- cutting digit runs --------------------------------------------------------------------------


def brute_force(digits: str, sizes: tuple[int, ...], summed: bool) -> list[tuple[int, ...]]:
    """Every cut of ``digits`` into sum(sizes) cells without leading zeros (blocks adding up)."""
    n, cells = len(digits), sum(sizes)
    out = []
    for cuts in itertools.combinations(range(1, n), cells - 1):
        parts = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, n), strict=True)]
        if any(len(p) > 1 and p[0] == "0" for p in parts):
            continue
        values = [int(p) for p in parts]
        starts = list(itertools.accumulate((0, *sizes)))[:-1]
        if summed and any(
            sum(values[s : s + k - 1]) != values[s + k - 1] for s, k in zip(starts, sizes, strict=True)
        ):
            continue
        out.append(tuple(values))
    return sorted(out)


@settings(max_examples=300, deadline=None)
@given(digits=st.text("0000112345678 9", min_size=7, max_size=13).map(lambda s: s.replace(" ", "")))
def test_row_cuts_are_every_cut_that_adds_up(digits: str) -> None:
    if len(digits) < 7:
        return
    got = readings(Run((digits,)), summed_blocks(7))
    assert got is not None
    assert sorted(got) == brute_force(digits, (7,), True)
    assert count_cuts(Run((digits,)), 7) == len(brute_force(digits, (7,), False))


@settings(max_examples=100, deadline=None)
@given(digits=st.text("00001123", min_size=15, max_size=18))
def test_table4_cuts_are_every_cut_where_each_group_adds_up(digits: str) -> None:
    got = readings(Run((digits,)), summed_blocks(5, 3))
    assert got is not None
    assert sorted(got) == brute_force(digits, (5, 5, 5), True)


def test_the_issue_example_row_cuts_one_way() -> None:
    assert readings(Run(("21710000218",)), summed_blocks(7)) == [(217, 1, 0, 0, 0, 0, 218)]


def test_a_row_can_add_up_more_than_one_way() -> None:
    got = readings(Run(("86181003108",)), summed_blocks(7))
    assert sorted(got or []) == [(86, 1, 8, 10, 0, 3, 108), (86, 18, 1, 0, 0, 3, 108)]


def test_groups_kept_apart_and_blank_marks_are_cells() -> None:
    assert readings(Run(("217", "1", "", "000218")), summed_blocks(7)) == [(217, 1, None, 0, 0, 0, 218)]
    # A cell never spans two groups.
    assert readings(Run(("21", "7100002", "18")), summed_blocks(7)) == []


def test_no_cell_has_a_leading_zero() -> None:
    assert count_cuts(Run(("05",)), 1) == 0
    assert readings(Run(("0000000",)), free_blocks(7)) == [(0,) * 7]


def test_a_search_that_runs_out_of_budget_is_unknown_not_empty() -> None:
    budget = Budget(50)
    run = Run(("".join(str(v) for v in (53211, 40982, 77613, 23, 99812, 4411, 99999)),))
    assert readings(run, summed_blocks(7), budget=budget) is None
    assert budget.left <= 0
    # Without that budget the same run has a definite answer (here: no cut adds up).
    assert readings(run, summed_blocks(7), longest=6) == []


def test_too_many_readings_is_unknown() -> None:
    assert readings(Run(("1" * 20,)), free_blocks(3), limit=5) is None


# --- finding the rows ------------------------------------------------------------------------------

_2021_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "三、本年度办理结果（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "（三）不予公开1．属于国家秘密",
    "denied_law_prohibited": "2．其他法律行政法规禁止公开",
    "denied_security_stability": "3．危及“三安全一稳定”",
    "denied_third_party": "4．保护第三方合法权益",
    "denied_internal_affairs": "5．属于三类内部事务信息",
    "denied_process_info": "6．属于四类过程性信息",
    "denied_enforcement_file": "7．属于行政执法案卷",
    "denied_admin_query": "8．属于行政查询事项",
    "unable_not_held": "（四）无法提供1．本机关不掌握相关政府信息",
    "unable_needs_creation": "2．没有现成信息需要另行制作",
    "unable_unclear": "3．补正后申请内容仍不明确",
    "not_processed_petition": "（五）不予处理1．信访举报投诉类申请",
    "not_processed_duplicate": "2．重复申请",
    "not_processed_publication": "3．要求提供公开出版物",
    "not_processed_excessive": "4．无正当理由大量反复申请",
    "not_processed_confirmation": "5．要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "（六）其他处理1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_no_fee": "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_misc": "3．其他",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
_HEAD = (
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益 组织 法律服务 机构 其他"
)
_T4 = (
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
)


def zero_table(rows: tuple[str, ...]) -> dict[str, list[int | None]]:
    return {row: [0] * 7 for row in rows}


def issue_table() -> dict[str, list[int | None]]:
    """The issue's example: 217 natural persons and 1 company, 71 granted, the rest not held."""
    t = zero_table(TABLE3_ROWS_THREE_OTHER)
    t["new_received"] = [217, 1, 0, 0, 0, 0, 218]
    t["granted"] = [71, 0, 0, 0, 0, 0, 71]
    t["unable_not_held"] = [146, 1, 0, 0, 0, 0, 147]
    t["total_processed"] = [217, 1, 0, 0, 0, 0, 218]
    return t


def glue(table: dict[str, list[int | None]], t4: list[int] | None = None, sep: str = "") -> str:
    """The table-3 text with cells joined by nothing (``sep`` between rows), table 4 after it."""
    rows = [
        _2021_LABELS[r] + "".join("—" if v is None else str(v) for v in vals) for r, vals in table.items()
    ]
    t4_digits = "".join(str(v) for v in (t4 or [0] * 15))
    return _HEAD + sep.join(rows) + sep + _T4 + t4_digits + "五、存在的主要问题及改进情况无。"


def table3_of(text: str) -> dict[str, list[int | None]]:
    report = parse_report(text)
    return {row: [report.table3[row][c] for c in TABLE3_COLUMNS] for row in TABLE3_ROWS_THREE_OTHER}


@pytest.mark.parametrize("sep", ["", "\n"])
def test_the_issue_example_reads_back(sep: str) -> None:
    table = issue_table()
    report = parse_report(glue(table, sep=sep))
    assert {row: [report.table3[row][c] for c in TABLE3_COLUMNS] for row in table} == table
    assert report.source_form == "glued"
    assert report.has_flag(FLAG_GLUED_CELLS) and report.has_flag(FLAG_MERGED_DIGITS_SPLIT)
    assert report.templates["table3"] == "2021"
    assert all(c.passed for c in report.checks)
    assert [report.table4[k] for k in TABLE4_KEYS] == [0] * 15


def test_labels_split_by_stray_spaces_still_match() -> None:
    table = issue_table()
    text = (
        glue(table)
        .replace("本年度办理结果", "本年度办 理结果 ")
        .replace("保护第三方合法权益", "保护第三方\n合法 权益")
    )
    assert table3_of(text) == table


def test_sub_row_numbers_glued_onto_digits_are_not_cells() -> None:
    table = issue_table()
    table["denied_state_secret"] = [2, 0, 0, 0, 0, 0, 2]
    table["granted"] = [69, 0, 0, 0, 0, 0, 69]
    text = glue(table).replace("．", "")  # "…00000002其他法律…": no stop after the number
    assert table3_of(text) == table


def test_rows_that_cut_several_ways_stay_null_and_flagged() -> None:
    # Every row on its own, no identity between rows to narrow it: 86 18 1 0 0 3 108 or 86 1 8 10 0 3 108.
    text = _HEAD + _2021_LABELS["new_received"] + "86181003108" + _2021_LABELS["carried_over"] + "0000000"
    text += _2021_LABELS["granted"] + "0000000" + _T4 + "0" * 15 + "五、存在的主要问题"
    glued = read_glued(text)
    assert glued is not None
    row = glued.table3.table["new_received"]
    assert [row[c] for c in TABLE3_COLUMNS] == [86, None, None, None, 0, 3, 108]
    assert any(f.code == FLAG_TABLE3_ROW_AMBIGUOUS and f.scope == "new_received" for f in glued.table3.flags)


def test_identities_between_rows_tell_the_readings_apart() -> None:
    table = zero_table(TABLE3_ROWS_THREE_OTHER)
    # 86181003108 alone is 86 18 1 0 0 3 108 or 86 1 8 10 0 3 108; the result rows, each one
    # reading only, sum to the first, and the balance carries it to new_received.
    table["new_received"] = [86, 18, 1, 0, 0, 3, 108]
    table["granted"] = [86, 0, 0, 0, 0, 0, 86]
    table["partially_granted"] = [0, 18, 0, 0, 0, 3, 21]
    table["unable_not_held"] = [0, 0, 1, 0, 0, 0, 1]
    table["total_processed"] = [86, 18, 1, 0, 0, 3, 108]
    assert readings(Run(("018000321",)), summed_blocks(7)) == [(0, 18, 0, 0, 0, 3, 21)]
    assert table3_of(glue(table)) == table


def test_rows_that_read_alike_everywhere_stay_null() -> None:
    """Three rows with the same two readings, and either choice meets every identity: null."""
    table = zero_table(TABLE3_ROWS_THREE_OTHER)
    table["new_received"] = table["granted"] = table["total_processed"] = [86, 18, 1, 0, 0, 3, 108]
    got = table3_of(glue(table))
    for row in ("new_received", "granted", "total_processed"):
        assert got[row] == [86, None, None, None, 0, 3, 108]


def test_a_report_that_does_not_add_up_still_comes_out() -> None:
    table = issue_table()
    table["total_processed"] = [217, 1, 0, 0, 0, 0, 221]  # (七)总计 3 too many, as printed
    report = parse_report(glue(table))
    got = {row: [report.table3[row][c] for c in TABLE3_COLUMNS] for row in table}
    for row, values in table.items():
        assert all(g is None or g == w for g, w in zip(got[row], values, strict=True)), row
    assert got["granted"] == table["granted"]
    failed = {(c.name, c.scope) for c in report.checks if c.passed is False}
    assert (CHECK_TABLE3_COLUMN_SUM, "total_processed") in failed
    assert (CHECK_TABLE3_RESULT_SUM, "total") in failed
    assert report.has_flag("checks_failed")


def test_a_2019_table_with_one_other_row() -> None:
    table = {row: [0] * 7 for row in TABLE3_ROWS_SINGLE_OTHER}
    table["new_received"] = table["granted"] = table["total_processed"] = [12, 3, 0, 0, 0, 0, 15]
    labels = {**_2021_LABELS, "other": "（六）其他处理"}
    text = _HEAD + "".join(labels[r] + "".join(map(str, v)) for r, v in table.items()) + _T4 + "0" * 15
    report = parse_report(text)
    assert {r: [report.table3[r][c] for c in TABLE3_COLUMNS] for r in table} == table
    assert report.templates["table3"] == "2019"


def test_digits_before_their_labels_are_not_given_to_any_row() -> None:
    """PDF layout order glued: a row's digits stand before its label. Nothing is guessed."""
    table = issue_table()
    text = glue(table, sep="\n")
    lines = text.split("\n")
    # Move the digits of (四)1 to a line of their own before its label.
    k = next(i for i, line in enumerate(lines) if "不掌握" in line)
    label, digits = lines[k][: lines[k].index("信息") + 2], lines[k][lines[k].index("信息") + 2 :]
    lines[k : k + 1] = [digits, label]
    report = parse_report("\n".join(lines))
    assert report.has_flag(FLAG_GLUED_UNORDERED)
    assert not report.has_table3


def test_table4_cut_by_its_group_sums() -> None:
    t4 = [1, 0, 1, 0, 2, 5, 0, 0, 3, 8, 1, 0, 0, 0, 1]
    report = parse_report(glue(issue_table(), t4=t4))
    assert [report.table4[k] for k in TABLE4_KEYS] == t4


def test_table4_fifteen_digits_that_do_not_add_up_stay_null() -> None:
    """Fifteen digits cut one way only, but a group does not add up: a cell may have vanished."""
    t4 = [1, 0, 1, 0, 3, 5, 0, 0, 3, 8, 1, 0, 0, 0, 1]
    report = parse_report(glue(issue_table(), t4=t4))
    assert not report.has_table4
    assert any(
        c.name == "table4_group_sum" and c.scope == "review" and c.passed is False for c in report.checks
    )


def test_table2_rows_read_where_the_digits_cut_one_way() -> None:
    text = (
        "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
        "规章000行政规范性文件6233440第二十条第（五）项信息内容本年处理决定数量行政许可27387"
    )
    glued = read_glued(text + glue(issue_table()))
    assert glued is not None
    facts = {(f.row, f.column): f.value for f in glued.table2.facts}
    assert facts[("规章", "本年制发件数")] == 0 and facts[("规章", "现行有效件数")] == 0
    assert facts[("行政许可", "本年处理决定数量")] == 27387
    assert facts[("行政规范性文件", "本年制发件数")] is None  # 6 23 3440? 62 3 3440? …
    assert any(f.code == FLAG_TABLE2_ROW_AMBIGUOUS for f in glued.table2.flags)


def test_blank_marks_are_blank_cells() -> None:
    table = issue_table()
    table["carried_over"] = [None] * 7
    table["denied_state_secret"] = [None, 0, None, None, None, None, None]
    report = parse_report(glue(table))
    got = {row: [report.table3[row][c] for c in TABLE3_COLUMNS] for row in table}
    assert got == table
    assert report.has_flag("blank_cells")


def test_tokens_keep_digits_apart_only_where_the_text_does() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("社会公益 组织217 1—0")]
    assert kinds == [
        ("text", "社会公益 组织"),
        ("num", "217"),
        ("space", " "),
        ("num", "1"),
        ("mark", "—"),
        ("num", "0"),
    ]


def test_narrative_numbers_are_not_a_glued_table() -> None:
    text = "本年新收政府信息公开申请18件，其中予以公开16件。" * 3
    assert not looks_glued(text)
    assert read_glued(text) is None
    pipe = "一、本年新收政府信息公开申请数量 | 18 | 0 | 0 | 0 | 0 | 0 | 18\n(一)予以公开 | 16 | 0 | 0 | 0 | 0 | 0 | 16"
    assert not looks_glued(pipe)


def test_known_failures_replace_checks_that_could_not_be_computed() -> None:
    computed = [
        Check("table3_column_sum", "granted", None, None, None),
        Check("table3_balance", "total", 3, 3, True),
    ]
    known = [Check("table3_column_sum", "granted", None, None, False, "fails for every cut")]
    merged = merge_failed_checks(computed, known)
    assert [c.passed for c in merged] == [False, True]


def test_random_five_digit_tables_cost_bounded_time_and_come_out_null() -> None:
    import random

    rng = random.Random(4)
    rows = {r: [rng.randint(0, 99_999) for _ in range(7)] for r in TABLE3_ROWS_THREE_OTHER}
    text = glue(rows, t4=[rng.randint(0, 99_999) for _ in range(15)])
    parse_report(text)  # warm caches and imports
    start = time.perf_counter()
    report = parse_report(text + " ")
    assert time.perf_counter() - start < 2.0
    got = [report.table3[r][c] for r in rows for c in TABLE3_COLUMNS]
    assert all(g is None or g == w for g, w in zip(got, [v for r in rows for v in rows[r]], strict=True))
    assert not report.has_flag("parser_error")


def test_blocks_are_plain_data() -> None:
    assert summed_blocks(5, 3) == (Block(5, True),) * 3
