"""The glued form in the round trips: rendered report pages flattened by ``text_content()``.

A report page (``demoportal.render``, real labels) is flattened as textContent flattens it: a
table row's cells joined with nothing between them, or the whole page on one line. Parsed back:

- no table-3 or table-4 cell ever holds a number other than the rendered one (None is allowed:
  the glued digits may not tell it apart);
- where every identity holds and blank cells leave a trace (&nbsp;, —), everything comes back;
- a check reported failed fails in the rendered tables, one reported passed passes.

``bench/glued.py`` measures the shares (exact / partly null / wrong) over many more tables.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.glued import BLANKS, FAMILIES, VARIANTS, compare, render_glued
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
@given(
    seed=st.integers(0, 2**32),
    variant=st.sampled_from(VARIANTS),
    blank=st.sampled_from(("&nbsp;", "—")),
    blanks=st.booleans(),
)
def test_consistent_glued_tables_come_back_whole(seed: int, variant: str, blank: str, blanks: bool) -> None:
    """Tables whose identities hold, every cell filled or blanks printed as —: all come back."""
    spec = FAMILIES["blanks —" if blanks else "consistent"](random.Random(seed))
    report = parse_report(render_glued(spec, variant, blank="—" if blanks else blank))
    verdict, _right, null, wrong = compare(report, spec)
    assert (verdict, null, wrong) == ("exact", 0, 0)
    assert report.source_form == "glued"
    assert report.templates.get("table3") == spec.template
    assert_checks_true(report, spec)
