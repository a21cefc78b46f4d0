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

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.glued import BLANKS, FAMILIES, VARIANTS, compare, render_glued
from demoportal import labels as L
from demoportal.render import ReportSpec
from parsers import parse_report
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


@GLUED
@given(seed=st.integers(0, 2**32), variant=st.sampled_from(VARIANTS), word_style=st.booleans())
def test_consistent_glued_tables_come_back_whole(seed: int, variant: str, word_style: bool) -> None:
    """Tables whose identities hold, every cell filled: every cell is recovered.

    (With blank cells a run of marks such as "————" can stand for two to four cells, so a table
    of blanks and zeros may stay partly null; the test above still holds there.)
    """
    spec = FAMILIES["consistent"](random.Random(seed))
    report = parse_report(render_glued(spec, variant, word_style=word_style))
    verdict, _right, null, wrong = compare(report, spec)
    assert (verdict, null, wrong) == ("exact", 0, 0)
    assert report.source_form == "glued"
    assert report.templates.get("table3") == spec.template
    assert_checks_true(report, spec)


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
