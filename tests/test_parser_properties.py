"""Property tests of ``parse_report``: rendered tables read back exactly, bad input never crashes.

a. A table-3 matrix and table-4 vector (identity-respecting specs from ``random_spec``, and
   arbitrary matrices that break the identities) rendered in every form the renderer knows — bare
   tables as HTML/pipe/lines, whole report texts, report bodies, article pages — parse back to the
   same numbers, blanks as None, and the checks fail exactly where the identities fail.
b. Arbitrary bytes, text and HTML-ish markup never raise, and give a JSON-serialisable record.
c. Cell values (full-width digits, 增/减/+/-, 万元/元, blanks) normalise to the right value.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from demoportal import labels as L
from demoportal.render import (
    BODY_FORMS,
    PageChrome,
    ReportSpec,
    random_spec,
    render_report_body,
    render_report_page,
    render_report_text,
    render_table3_html,
    render_table3_lines,
    render_table3_pipe,
    render_table4_html,
    render_table4_lines,
    render_table4_pipe,
)
from parsers import parse_report
from parsers.constants import (
    CHECK_TABLE3_BALANCE,
    CHECK_TABLE3_COLUMN_SUM,
    CHECK_TABLE3_RESULT_SUM,
    CHECK_TABLE4_GROUP_SUM,
    TABLE2_COLUMNS,
    TABLE3_COLUMNS,
    TABLE3_OTHER_2021,
    TABLE3_PART_COLUMNS,
    TABLE3_RESULT_ROWS,
    TABLE3_ROWS,
    TABLE4_GROUPS,
    TABLE4_KEYS,
    TABLE4_OUTCOMES,
    TEMPLATE_2019,
    TEMPLATE_2021,
)
from parsers.records import Report
from parsers.values import parse_value

# Every example parses one whole document (10-30 ms); these budgets keep the file under ~40 s.
ROUND_TRIP = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALUES = settings(max_examples=200, deadline=None)

LAYOUTS = (TEMPLATE_2019, TEMPLATE_2021)
Table3 = dict[str, dict[str, int | None]]
Table4 = dict[str, int | None]

# --- the numbers ---------------------------------------------------------------------------------


def _cell(blanks: bool) -> st.SearchStrategy[int | None]:
    """0..99999, or (about one cell in eight) a blank. Shrinks towards filled zeros."""
    value = st.integers(0, 99_999)
    if not blanks:
        return value
    return st.tuples(value, st.integers(0, 7)).map(lambda t: None if t[1] == 7 else t[0])


class Case:
    """A spec to render, with a short repr so that Hypothesis' falsifying examples stay readable:
    table-3 rows that are all zero are left out of the repr."""

    def __init__(self, spec: ReportSpec, origin: str) -> None:
        self.spec = spec
        self.origin = origin

    def __repr__(self) -> str:
        s = self.spec
        rows = {
            row: [s.table3[row][c] for c in TABLE3_COLUMNS]
            for row in s.table3_rows
            if any(s.table3[row][c] != 0 for c in TABLE3_COLUMNS)
        }
        table4 = [s.table4[k] for k in TABLE4_KEYS]
        return (
            f"Case({self.origin}, template={s.template!r}, fullwidth={s.fullwidth}, "
            f"table3_nonzero_rows={rows!r}, table4={table4!r})"
        )


def _arbitrary_case(blanks: bool) -> st.SearchStrategy[Case]:
    """A whole report whose table 3 / table 4 are arbitrary: the identities mostly break."""

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        template = draw(st.sampled_from(LAYOUTS))
        base = random_spec(random.Random(draw(st.integers(0, 2**16))), template=template)
        cell = _cell(blanks)
        table3 = {row: {col: draw(cell) for col in TABLE3_COLUMNS} for row in base.table3_rows}
        table4 = {key: draw(cell) for key in TABLE4_KEYS}
        spec = replace(base, table3=table3, table4=table4, fullwidth=draw(st.booleans()))
        return Case(spec, "arbitrary")

    return build()


def _generated_case(blanks: bool) -> st.SearchStrategy[Case]:
    """A realistic report from ``random_spec``: identities hold, or break where a defect is put."""

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        seed = draw(st.integers(0, 2**32))
        template = draw(st.sampled_from(LAYOUTS))
        rate = draw(st.sampled_from((0.3, 0.8))) if blanks else 0.0
        defect = draw(st.sampled_from((None, "total_mismatch")))
        spec = random_spec(random.Random(seed), template=template, blanks=rate, defect=defect)
        return Case(spec, f"random_spec(Random({seed}), blanks={rate}, defect={defect!r})")

    return build()


def cases(blanks: bool) -> st.SearchStrategy[Case]:
    return st.one_of(_arbitrary_case(blanks), _generated_case(blanks))


# --- the forms -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    body: bytes | str
    content_type: str | None = None


_T3_HEADING = L.SECTION_HEADINGS["applications"]
_T4_HEADING = L.SECTION_HEADINGS["reviews_litigation"]
_T5_HEADING = L.SECTION_HEADINGS["problems"]


def _html_tables(spec: ReportSpec, blank: str, word_style: bool) -> Doc:
    t3 = render_table3_html(spec, blank=blank, word_style=word_style)
    t4 = render_table4_html(spec, blank=blank, word_style=word_style)
    body = f"<p>{_T3_HEADING}</p>\n{t3}\n<p>{_T4_HEADING}</p>\n{t4}\n<p>{_T5_HEADING}</p>\n<p>无。</p>"
    return Doc(f"<html><body><div>{body}</div></body></html>")


def _text_tables(spec: ReportSpec, t3: str, t4: str) -> Doc:
    return Doc(f"{spec.title}\n{_T3_HEADING}\n{t3}\n{_T4_HEADING}\n{t4}\n{_T5_HEADING}\n无。\n")


def _page(body_form: str, spec: ReportSpec, draw: st.DrawFn) -> Doc:
    charset = draw(st.sampled_from(("utf-8", "gbk")))
    chrome = PageChrome(site_name="青川县人民政府", site_domain="www.qc.gov.cn", charset=charset)
    page = render_report_page(
        spec,
        cms=draw(st.sampled_from(("trs", "plain"))),
        site_name=chrome.site_name,
        column_name="政府信息公开年报",
        url="http://www.qc.gov.cn/zwgk/xxgknb/202103/t20210331_1.html",
        index_number="11510000MB1234567X/2021-00013",
        body_form=body_form,
        blank=draw(st.sampled_from(("&nbsp;", ""))),
        word_style=draw(st.booleans()),
        chrome=chrome,
        extra_meta=draw(st.booleans()),
        metadata_block=draw(st.booleans()),
    )
    return Doc(page.encode(charset, "xmlcharrefreplace"), f"text/html; charset={charset}")


def _body(form: str, spec: ReportSpec, draw: st.DrawFn) -> Doc:
    blank = draw(st.sampled_from(("&nbsp;", "")))
    return Doc(render_report_body(spec, form, blank=blank, word_style=draw(st.booleans())))


#: form name -> (spec, draw) -> document. Bare tables, whole texts, bodies and whole pages.
FORMS: dict[str, Callable[[ReportSpec, st.DrawFn], Doc]] = {
    "table-html-nbsp": lambda s, d: _html_tables(s, "&nbsp;", False),
    "table-html-empty-td": lambda s, d: _html_tables(s, "", False),
    "table-html-word-style": lambda s, d: _html_tables(s, d(st.sampled_from(("&nbsp;", ""))), True),
    "table-pipe": lambda s, d: _text_tables(s, render_table3_pipe(s), render_table4_pipe(s)),
    "table-lines": lambda s, d: _text_tables(s, render_table3_lines(s), render_table4_lines(s)),
    "text-pipe": lambda s, d: Doc(render_report_text(s, "pipe").encode("utf-8"), "text/plain"),
    "text-lines": lambda s, d: Doc(render_report_text(s, "lines")),
    **{f"body-{form}": partial(_body, form) for form in BODY_FORMS},
    **{f"page-{form}": partial(_page, form) for form in BODY_FORMS},
}


# --- what the parser must give back ------------------------------------------------------------------


def _sum(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _other_row(spec: ReportSpec) -> dict[str, int | None]:
    """The ``other`` row a parser reports: the 2019 row, or the sum of the three 2021 rows."""
    if spec.template == TEMPLATE_2019:
        return spec.table3["other"]
    return {col: _sum([spec.table3[row][col] for row in TABLE3_OTHER_2021]) for col in TABLE3_COLUMNS}


def expected_checks(spec: ReportSpec) -> dict[tuple[str, str], bool | None]:
    """(check name, scope) -> passed, computed from the spec alone: None where a cell is blank."""
    t3, t4 = spec.table3, spec.table4
    other = _other_row(spec)

    def cell(row: str, col: str) -> int | None:
        return other[col] if row == "other" else t3[row][col]

    def verdict(expected: int | None, actual: int | None) -> bool | None:
        return None if expected is None or actual is None else expected == actual

    out: dict[tuple[str, str], bool | None] = {}
    if any(v is not None for row in t3.values() for v in row.values()):
        for col in TABLE3_COLUMNS:
            inflow = _sum([cell("new_received", col), cell("carried_over", col)])
            outflow = _sum([cell("total_processed", col), cell("carried_forward", col)])
            out[(CHECK_TABLE3_BALANCE, col)] = verdict(inflow, outflow)
            results = _sum([cell(row, col) for row in TABLE3_RESULT_ROWS])
            out[(CHECK_TABLE3_RESULT_SUM, col)] = verdict(cell("total_processed", col), results)
        for row in spec.table3_rows:
            parts = _sum([t3[row][c] for c in TABLE3_PART_COLUMNS])
            out[(CHECK_TABLE3_COLUMN_SUM, row)] = verdict(t3[row]["total"], parts)
    if any(v is not None for v in t4.values()):
        for group in TABLE4_GROUPS:
            parts = _sum([t4[f"{group}_{o}"] for o in TABLE4_OUTCOMES[:4]])
            out[(CHECK_TABLE4_GROUP_SUM, group)] = verdict(t4[f"{group}_total"], parts)
    return out


def assert_tables_read_back(report: Report, spec: ReportSpec) -> None:
    got = {row: dict(report.table3[row]) for row in spec.table3_rows}
    assert got == spec.table3, _diff3(got, spec.table3)
    if spec.template == TEMPLATE_2021:
        assert report.table3["other"] == _other_row(spec), "other must be the sum of the three 2021 rows"
    else:
        for row in TABLE3_OTHER_2021:
            assert set(report.table3[row].values()) == {None}, f"2019 layout has no row {row}"
    assert report.templates.get("table3") == spec.template
    assert dict(report.table4) == spec.table4


def assert_checks_follow_identities(report: Report, spec: ReportSpec) -> None:
    got: dict[tuple[str, str], bool | None] = {}
    for check in report.checks:
        got.setdefault((check.name, check.scope), check.passed)
    want = expected_checks(spec)
    assert got == want, {
        k: (got.get(k, "missing"), want.get(k, "absent"))
        for k in got.keys() | want.keys()
        if got.get(k, "missing") != want.get(k, "absent")
    }
    assert report.has_flag("checks_failed") == any(v is False for v in want.values())


def _diff3(got: Table3, want: Table3) -> str:
    rows = [
        f"{row}: got {[got[row][c] for c in TABLE3_COLUMNS]} want {[want[row][c] for c in TABLE3_COLUMNS]}"
        for row in want
        if got[row] != want[row]
    ]
    return "\n".join(rows)


def _round_trip(form: str, spec: ReportSpec, draw: st.DrawFn) -> None:
    doc = FORMS[form](spec, draw)
    report = parse_report(doc.body, content_type=doc.content_type)
    assert_tables_read_back(report, spec)
    assert_checks_follow_identities(report, spec)


# --- a. round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("form", sorted(FORMS))
@ROUND_TRIP
@given(case=cases(blanks=False), data=st.data())
def test_filled_tables_read_back(form: str, case: Case, data: st.DataObject) -> None:
    """Every cell filled in: the numbers come back as published, identities or not."""
    _round_trip(form, case.spec, data.draw)


@pytest.mark.parametrize("form", sorted(FORMS))
@ROUND_TRIP
@given(case=cases(blanks=True), data=st.data())
def test_tables_with_blank_cells_read_back(form: str, case: Case, data: st.DataObject) -> None:
    """Unfilled cells (&nbsp;, empty <td>, empty between pipes, a line of —) come back as None."""
    _round_trip(form, case.spec, data.draw)


#: A table cell of 4+ digits: between pipes, or alone on an indented line of the lines form.
_TABLE_NUMBER = re.compile(r"(\| |^ {6})(\d{4,})(?= \||$)", re.M)


@ROUND_TRIP
@given(case=cases(blanks=False), form=st.sampled_from(("pipe", "lines")), commas=st.booleans())
def test_fullwidth_digits_read_back(case: Case, form: str, commas: bool) -> None:
    """A whole report printed with full-width digits (and thousands commas) reads the same numbers."""
    spec = case.spec
    text = render_report_text(spec, form)
    if commas:
        text = _TABLE_NUMBER.sub(lambda m: f"{m.group(1)}{int(m.group(2)):,}", text)
    text = text.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    report = parse_report(text)
    assert_tables_read_back(report, spec)
    assert_checks_follow_identities(report, spec)


# --- b. nothing crashes ----------------------------------------------------------------------------


def assert_sane(report: Report) -> None:
    assert isinstance(report, Report)
    json.dumps(report.to_dict(), ensure_ascii=False, allow_nan=False)
    assert tuple(report.table3) == TABLE3_ROWS
    for row in report.table3.values():
        assert tuple(row) == TABLE3_COLUMNS
        assert all(v is None or type(v) is int for v in row.values())
    assert tuple(report.table4) == TABLE4_KEYS
    assert all(v is None or type(v) is int for v in report.table4.values())


def assert_no_internal_error(report: Report) -> None:
    """``parse_report`` turns an internal exception into a ``parser_error`` flag; none should occur."""
    errors = [f.message for f in report.flags if f.code == "parser_error"]
    assert not errors, errors


CONTENT_TYPES = st.sampled_from(
    (
        None,
        "text/html",
        "text/html; charset=gbk",
        "text/plain; charset=utf-8",
        "application/pdf",
        "bogus/;;charset=",
    )
)
URLS = st.sampled_from(
    (None, "http://www.a.gov.cn/x.html", "http://www.a.gov.cn/art/2021/3/31/art_1_2.pdf", "::")
)


@FUZZ
@given(
    body=st.binary(max_size=4000),
    content_type=CONTENT_TYPES,
    url=URLS,
    encoding=st.sampled_from((None, "gbk", "nope")),
)
def test_arbitrary_bytes(
    body: bytes, content_type: str | None, url: str | None, encoding: str | None
) -> None:
    report = parse_report(body, url=url, content_type=content_type, encoding=encoding)
    assert_sane(report)
    assert_no_internal_error(report)


@FUZZ
@given(body=st.text(max_size=3000), content_type=CONTENT_TYPES)
def test_arbitrary_text(body: str, content_type: str | None) -> None:
    report = parse_report(body, content_type=content_type)
    assert_sane(report)
    assert_no_internal_error(report)


_TAGS = (
    "html",
    "head",
    "body",
    "meta",
    "title",
    "div",
    "p",
    "span",
    "br",
    "table",
    "tbody",
    "thead",
    "tr",
    "td",
    "th",
    "pre",
    "font",
    "a",
    "img",
    "script",
    "style",
    "iframe",
    "ul",
    "li",
    "h1",
    "strong",
    "o:p",
    "?xml",
)
_ATTRS = st.sampled_from(
    (
        ("rowspan", "abc"),
        ("colspan", "999999"),
        ("rowspan", "999999"),
        ("colspan", "0"),
        ("colspan", "-3"),
        ("rowspan", ""),
        ("colspan", "2"),
        ("rowspan", "3"),
        ("class", "TRS_Editor"),
        ("id", "zoom"),
        ("class", "article-content"),
        ("style", "display:none"),
        ("name", "PubDate"),
        ("content", "2021-13-45"),
        ("http-equiv", "Content-Type"),
        ("charset", "gbk"),
        ("name", "ArticleTitle"),
        ("src", "a.png"),
        ("href", "javascript:void(0)"),
    )
)
_WORDS = st.sampled_from(
    (
        *L.SECTION_HEADINGS.values(),
        *L.TABLE3_ROW_LABELS.values(),
        *L.TABLE4_OUTCOME_LABELS,
        L.TABLE3_APPLICANTS,
        "行政复议",
        "行政诉讼",
        "青川县人民政府2021年政府信息公开工作年度报告",
        "索引号：",
        "发布日期：2021年3月5日",
        "0",
        "7",
        "12",
        "99999",
        "１２",
        "增15",
        "减3",
        "14185.58万元",
        "—",
        "/",
        "无",
        "&nbsp;",
        "&#0;",
        "&amp;",
        "&#xD800;",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        " | ",
        "\n",
        "\x00",
        "\x1f",
        "\x0b",
        "\ufeff",
        "</html>",
        "<html><body>",
        "𠀀",
        "ｱ",
        "9" * 60,
        "1" * 5000 + ".5",
    )
)
_TEXT = st.one_of(_WORDS, st.text(max_size=20))


@st.composite
def html_ish(draw: st.DrawFn, depth: int = 0) -> str:
    """Random tags with random attributes around random report-ish text; some never closed."""
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 4 else 0))):
        if draw(st.booleans()):
            parts.append(draw(_TEXT))
            continue
        tag = draw(st.sampled_from(_TAGS))
        attrs = "".join(f' {k}="{v}"' for k, v in draw(st.lists(_ATTRS, max_size=3)))
        inner = draw(html_ish(depth + 1))
        close = draw(st.sampled_from((f"</{tag}>", "", "</td>", "</table>", "</html>")))
        parts.append(f"<{tag}{attrs}>{inner}{close}")
    return "".join(parts)


@FUZZ
@given(markup=html_ish(), as_bytes=st.booleans())
# Found by longer runs: text after a stray </html> holding a control character.
@example(markup="<html></html>a\x1fb", as_bytes=False)
def test_arbitrary_html(markup: str, as_bytes: bool) -> None:
    body: bytes | str = markup.encode("utf-8", "surrogatepass") if as_bytes else markup
    report = parse_report(body, content_type="text/html")
    assert_sane(report)
    assert_no_internal_error(report)


@FUZZ
@given(case=_generated_case(blanks=True), data=st.data())
def test_mangled_report_pages(case: Case, data: st.DataObject) -> None:
    """A real-looking page cut short, or with random markup spliced in anywhere, still parses."""
    page = render_report_page(case.spec, site_name="青川县人民政府", column_name="年报")
    at = data.draw(st.integers(0, len(page)))
    if data.draw(st.booleans()):
        page = page[:at]
    else:
        page = page[:at] + data.draw(html_ish()) + page[at:]
    report = parse_report(page.encode("utf-8", "surrogatepass"), content_type="text/html; charset=utf-8")
    assert_sane(report)
    assert_no_internal_error(report)


_ROW_LABELS = st.sampled_from(
    (
        *L.TABLE3_ROW_LABELS.values(),
        *TABLE2_COLUMNS[TEMPLATE_2019],
        *TABLE2_COLUMNS[TEMPLATE_2021],
        *L.TABLE4_OUTCOME_LABELS,
        *L.TABLE2_ITEM_LABELS.values(),
        "本年收费金额(单位:万元)",
        "采购总金额",
        *(label for label, _ in L.PRE2019_STAT_ROWS),
    )
)
_HOSTILE_VALUES = st.one_of(
    st.integers(0, 99_999).map(str),
    st.sampled_from(
        ("", "—", "/", "无", "&nbsp;", "增15", "减33", "+1", "-1", "0.5", "１２", "1,234", "14185.58万元")
    ),
    st.integers(1, 6000).map(lambda n: "9" * n),  # beyond int()'s 4300-digit limit, beyond float range
    st.integers(300, 500).map(lambda n: "9" * n + ".5"),
    st.integers(0, 10**30).map(lambda n: f"增{n}"),
)


@st.composite
def report_shaped(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """Section headings in order, each followed by table rows: a label and hostile cell values."""
    headings = list(L.SECTION_HEADINGS.values()) if draw(st.booleans()) else list(L.PRE2019_HEADINGS)
    blocks: list[str] = []
    rows: list[list[str]] = []
    for heading in headings:
        if draw(st.integers(0, 4)) == 0:
            continue
        blocks.append(heading)
        for _ in range(draw(st.integers(0, 6))):
            cells = [draw(_ROW_LABELS)] if draw(st.integers(0, 3)) else []
            cells += draw(st.lists(_HOSTILE_VALUES, max_size=17))
            rows.append(cells)
            blocks.append("\x1f".join(cells))
    return blocks, rows


@FUZZ
@given(shape=report_shaped(), joiner=st.sampled_from((" | ", "  ", "\n", "")), html=st.booleans())
# Found by this test: numbers beyond int()'s 4300-digit limit, and beyond float range.
@example(shape=(["八、政府信息公开情况统计表", "9" * 4301], []), joiner=" | ", html=False)
@example(shape=(["二、主动公开政府信息情况", "规章\x1f" + "9" * 309 + ".5"], []), joiner=" | ", html=False)
def test_report_shaped_input(shape: tuple[list[str], list[list[str]]], joiner: str, html: bool) -> None:
    """Headings and row labels in place, cell values hostile: huge numbers, odd signs, blanks."""
    blocks, _ = shape
    if html:
        parts = []
        for block in blocks:
            if "\x1f" in block or block not in L.SECTION_HEADINGS.values():
                cells = "".join(f"<td>{c}</td>" for c in block.split("\x1f"))
                parts.append(f"<table><tr>{cells}</tr></table>")
            else:
                parts.append(f"<p>{block}</p>")
        body = '<html><body><div class="TRS_Editor">' + "".join(parts) + "</div></body></html>"
    else:
        body = "青川县2021年政府信息公开工作年度报告\n" + "\n".join(b.replace("\x1f", joiner) for b in blocks)
    report = parse_report(body)
    assert_sane(report)
    assert_no_internal_error(report)


def _deep(open_tag: str, close_tag: str, n: int, middle: str) -> str:
    return open_tag * n + middle + close_tag * n


_TABLE3_ROW = "<tr><td>(一)予以公开</td>" + "<td>1</td>" * 7 + "</tr>"
DEEP = {
    "div": _deep("<div>", "</div>", 2000, "三、收到和处理政府信息公开申请情况"),
    "div-unclosed": _deep('<div class="TRS_Editor">', "", 2000, "一、总体情况"),
    "span-in-td": "<table><tr><td>" + _deep("<span>", "</span>", 2000, "7") + "</td></tr></table>",
    "nested-tables": _deep(
        "<table><tr><td>", "</td></tr></table>", 2000, "<table>" + _TABLE3_ROW + "</table>"
    ),
    "nested-tables-unclosed": _deep('<table><tr><td rowspan="abc" colspan="999999">', "", 2000, _TABLE3_ROW),
    "mixed": _deep("<div><p><font><table><tbody><tr><td><span>", "", 500, "本年新收 | 1 | 2"),
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deeply_nested_markup(name: str) -> None:
    page = f"<html><body><h1>青川县2021年政府信息公开工作年度报告</h1>{DEEP[name]}</body></html>"
    for body in (page, page.encode("utf-8")):
        report = parse_report(body, content_type="text/html")
        assert_sane(report)
        assert_no_internal_error(report)


# --- c. cell values --------------------------------------------------------------------------------

_FULLWIDTH_DIGITS = str.maketrans("0123456789.,+-", "０１２３４５６７８９．，＋－")
_SPACES = st.sampled_from(("", " ", "\u00a0", "\u3000", "&nbsp;", " \t"))


@VALUES
@given(n=st.integers(0, 10**12), fullwidth=st.booleans(), pad=_SPACES, commas=st.booleans())
def test_counts(n: int, fullwidth: bool, pad: str, commas: bool) -> None:
    text = f"{n:,}" if commas else str(n)
    if fullwidth:
        text = text.translate(_FULLWIDTH_DIGITS)
    v = parse_value(pad + text + pad)
    assert v is not None and not v.blank
    assert v.value == n and type(v.value) is int


@VALUES
@given(
    n=st.integers(0, 10**9),
    sign=st.sampled_from(("增", "减", "+", "-", "增加", "减少", "＋", "－")),
    fullwidth=st.booleans(),
    gap=st.sampled_from(("", " ")),
)
def test_signed_changes(n: int, sign: str, fullwidth: bool, gap: str) -> None:
    digits = str(n).translate(_FULLWIDTH_DIGITS) if fullwidth else str(n)
    v = parse_value(f"{sign}{gap}{digits}")
    assert v is not None and not v.blank
    assert v.value == (-n if sign in ("减", "-", "减少", "－") else n)


@VALUES
@given(cents=st.integers(0, 10**12), unit=st.sampled_from(("万元", "元", "亿元")), fullwidth=st.booleans())
def test_money(cents: int, unit: str, fullwidth: bool) -> None:
    text = f"{cents // 100}.{cents % 100:02d}"
    if fullwidth:
        text = text.translate(_FULLWIDTH_DIGITS)
    v = parse_value(text + unit)
    assert v is not None and not v.blank
    assert v.unit == unit
    assert round(v.value * 100) == cents  # type: ignore[operator]
    whole = parse_value(f"{cents}{unit}")
    assert whole is not None and whole.value == cents and whole.unit == unit


@VALUES
@given(
    token=st.sampled_from(("", "—", "——", "-", "--", "/", "无", "&nbsp;", "\u00a0", "\u3000", "－", "／")),
    left=_SPACES,
    right=_SPACES,
)
def test_blanks(token: str, left: str, right: str) -> None:
    v = parse_value(left + token + right)
    assert v is not None, "a blank cell is a value (null), not a label"
    assert v.blank and v.value is None


@VALUES
@given(
    label=st.sampled_from((*L.TABLE3_ROW_LABELS.values(), "总计", "商业企业", "单位：万元", "合计", "abc"))
)
def test_labels_are_not_values(label: str) -> None:
    assert parse_value(label) is None


def test_spec_strategies_are_valid() -> None:
    """The generated specs print every row of their layout (guards the oracle above)."""
    spec = random_spec(random.Random(0), template=TEMPLATE_2021)
    assert tuple(spec.table3) == spec.table3_rows
    assert set(spec.table4) == set(TABLE4_KEYS)
