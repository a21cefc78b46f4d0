"""The glued form in the round trips: rendered report pages flattened by ``text_content()``.

A report page (``demoportal.render``, real labels) is flattened as textContent flattens it: a
table row's cells joined with nothing between them, or the whole page on one line. Parsed back:

- no table-3 or table-4 cell ever holds a number other than the rendered one (None is allowed:
  the glued digits may not tell it apart);
- where every identity holds and every cell is filled, everything comes back;
- a check reported failed fails in the rendered tables, one reported passed passes.

``bench/glued.py`` measures the shares (exact / partly null / wrong) over many more tables.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import replace

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bench.glued import BLANKS, FAMILIES, VARIANTS, compare, render_glued
from demoportal import labels as L
from demoportal.render import ReportSpec
from parsers import parse_report
from parsers.constants import TABLE3_COLUMNS, TABLE4_KEYS, TABLE4_OUTCOMES
from parsers.records import Report

from .test_parser_properties import expected_checks

GLUED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_verdicts(report: Report) -> dict[tuple[str, str], bool | None]:
    got: dict[tuple[str, str], bool | None] = {}
    for check in report.checks:
        got.setdefault((check.name, check.scope), check.passed)
    return got


def assert_never_wrong(report: Report, spec: ReportSpec) -> None:
    verdict, _right, _null, wrong = compare(report, spec)
    assert wrong == 0, verdict
    assert not report.has_flag("parser_error")


def assert_checks_true(report: Report, spec: ReportSpec) -> None:
    """Every verdict the report gives is the rendered tables' own (None: not computable)."""
    want = expected_checks(spec)
    for key, passed in _check_verdicts(report).items():
        if passed is not None:
            assert want.get(key) is passed, (key, passed, want.get(key))


@GLUED
@given(
    seed=st.integers(0, 2**32),
    family=st.sampled_from(sorted(FAMILIES)),
    variant=st.sampled_from(VARIANTS),
    blank=st.sampled_from(BLANKS),
    word_style=st.booleans(),
)
def test_glued_page_is_never_read_wrong(
    seed: int, family: str, variant: str, blank: str, word_style: bool
) -> None:
    """Any table, any blank style: cells come back as rendered or None, never as another number."""
    spec = FAMILIES[family](random.Random(seed))
    report = parse_report(render_glued(spec, variant, blank=blank, word_style=word_style))
    assert_never_wrong(report, spec)
    if blank:
        # An empty cell leaves no trace, so "no cut adds up" may only mean a cell vanished.
        assert_checks_true(report, spec)


def _numbers(digits: str, k: int) -> Iterator[tuple[tuple[int, ...], str]]:
    """Every way to read k numbers (no leading zeros) off the front of ``digits``, with the rest."""
    if k == 0:
        yield (), digits
        return
    longest = 1 if digits[:1] == "0" else len(digits)
    for size in range(1, longest + 1):
        for more, rest in _numbers(digits[size:], k - 1):
            yield (int(digits[:size]), *more), rest


def _summed(digits: str, parts: int) -> Iterator[tuple[tuple[int, ...], str]]:
    """Readings of ``parts`` numbers off the front whose last is the sum of the others."""
    for nums, rest in _numbers(digits, parts - 1):
        total = str(sum(nums))
        if rest.startswith(total):
            yield (*nums, int(total)), rest[len(total) :]


def _row_readings(spec: ReportSpec, row: str) -> list[dict[str, int]]:
    """Every cut of a table-3 row's glued digits that keeps the row's own total."""
    digits = "".join(str(spec.table3[row][c]) for c in TABLE3_COLUMNS)
    return [
        dict(zip(TABLE3_COLUMNS, nums, strict=True))
        for nums, rest in _summed(digits, len(TABLE3_COLUMNS))
        if not rest
    ]


def _table4_readings(spec: ReportSpec) -> list[dict[str, int]]:
    """Every cut of table 4's glued digits that keeps each group's total."""
    digits = "".join(str(spec.table4[k]) for k in TABLE4_KEYS)
    readings: list[tuple[int, ...]] = []

    def walk(rest: str, done: tuple[int, ...]) -> None:
        if len(done) == len(TABLE4_KEYS):
            if not rest:
                readings.append(done)
            return
        for nums, tail in _summed(rest, len(TABLE4_OUTCOMES)):
            walk(tail, done + nums)

    walk(digits, ())
    return [dict(zip(TABLE4_KEYS, nums, strict=True)) for nums in readings]


def ambiguous_cells(report: Report, spec: ReportSpec) -> set[tuple[str, str]]:
    """The cells of the rows the parser left null that another whole reading sets differently.

    Independent of the parser: every cut of those rows' rendered digits keeping each row's own
    total, combined, kept where every check of the rendered tables still passes.
    """
    rows = [r for r in spec.table3_rows if None in report.table3[r].values()]
    table4_null = None in report.table4.values()
    choices: list[list[tuple[str, dict[str, int]]]] = [[(r, x) for x in _row_readings(spec, r)] for r in rows]
    if table4_null:
        choices.append([("table4", x) for x in _table4_readings(spec)])
    assert math.prod(len(c) for c in choices) <= 200_000, "too many readings to check"
    want = expected_checks(spec)
    varying: set[tuple[str, str]] = set()
    for combo in itertools.product(*choices):
        table3 = {r: dict(v) for r, v in spec.table3.items()}
        table4 = dict(spec.table4)
        for where, reading in combo:
            (table4 if where == "table4" else table3[where]).update(reading)
        alt = replace(spec, table3=table3, table4=table4)
        if expected_checks(alt) != want:
            continue
        varying |= {(r, c) for r in rows for c in TABLE3_COLUMNS if table3[r][c] != spec.table3[r][c]}
        varying |= {("table4", k) for k in TABLE4_KEYS if table4[k] != spec.table4[k]}
    return varying


@GLUED
@given(seed=st.integers(0, 2**32), variant=st.sampled_from(VARIANTS), word_style=st.booleans())
# Two readings keep every identity: 1|15 or 11|5 in three rows whose columns move together.
@example(seed=3_390_153_106, variant="rows", word_style=False)
def test_consistent_glued_tables_come_back_whole(seed: int, variant: str, word_style: bool) -> None:
    """Tables whose identities hold, every cell filled: every cell is recovered, except a cell
    that another reading of the same digits, keeping every identity, sets differently.

    (With blank cells a run of marks such as "————" can stand for two to four cells, so a table
    of blanks and zeros may stay partly null; the test above still holds there.)
    """
    spec = FAMILIES["consistent"](random.Random(seed))
    report = parse_report(render_glued(spec, variant, word_style=word_style))
    _verdict, _right, null, wrong = compare(report, spec)
    assert wrong == 0
    if null:
        nulls = {(r, c) for r in spec.table3_rows for c in TABLE3_COLUMNS if report.table3[r][c] is None}
        nulls |= {("table4", k) for k in TABLE4_KEYS if report.table4[k] is None}
        unexplained = nulls - ambiguous_cells(report, spec)
        assert not unexplained, f"left null though the digits read one way only: {sorted(unexplained)}"
    assert report.source_form == "glued"
    assert report.templates.get("table3") == spec.template
    assert_checks_true(report, spec)


def test_the_ambiguity_oracle_tells_one_reading_from_two() -> None:
    """The oracle above can fail: it finds the known two readings, and none in a one-way row."""
    spec = FAMILIES["consistent"](random.Random(3_390_153_106))
    report = parse_report(render_glued(spec, "rows"))
    assert ("new_received", "social_welfare") in ambiguous_cells(report, spec)
    row = spec.table3_rows[1]
    spec.table3[row] = dict(zip(TABLE3_COLUMNS, (3, 0, 0, 0, 0, 0, 3), strict=True))
    report.table3[row]["natural_person"] = None  # as if the parser had left it null
    assert len(_row_readings(spec, row)) == 1
    assert (row, "natural_person") not in ambiguous_cells(report, spec)


_PIECES = st.sampled_from(
    (
        *L.TABLE3_ROW_LABELS.values(),
        *L.TABLE4_OUTCOME_LABELS,
        L.TABLE3_APPLICANTS,
        L.SECTION_HEADINGS["applications"],
        L.SECTION_HEADINGS["reviews_litigation"],
        "第二十条第(一)项",
        "规章",
        "行政规范性文件",
        "其他",
        "总计",
        "增",
        "减",
        ".",
        "—",
        "——",
        "/",
        "无",
        "\xa0",
        " ",
        "\n",
    )
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(
        st.one_of(_PIECES, st.integers(0, 10**12).map(str), st.text("0123456789", min_size=1, max_size=40)),
        max_size=120,
    )
)
def test_glued_shaped_input_never_breaks_the_parser(pieces: list[str]) -> None:
    """Labels, digit runs, marks and spaces glued in any order: a record, never an exception."""
    report = parse_report("".join(pieces))
    assert not report.has_flag("parser_error"), [f.message for f in report.flags]
    for row in report.table3.values():
        assert all(v is None or type(v) is int for v in row.values())
