"""Whole real reports against their hand-read answers (tests/data/*/answers.json)."""

from __future__ import annotations

import json

import pytest

from parsers import parse_report
from parsers.constants import (
    FLAG_TABLE3_MISSING,
    FLAG_TABLE4_INCOMPLETE,
    TABLE4_KEYS,
    TEMPLATE_PRE_2019,
)

from .conftest import DATA, load_answers

SEEDS = load_answers("seeds")
REAL = load_answers("real-reports")
COLUMNS = {
    "applications_total_column": "total",
    "applications_natural_person": "natural_person",
    "applications_commercial": "commercial",
    "applications_legal_services": "legal_services",
}
CASES = [("seeds", n, a) for n, a in SEEDS.items()] + [("real-reports", n, a) for n, a in REAL.items()]


@pytest.fixture(scope="module")
def parsed():
    cache = {}

    def get(folder: str, name: str):
        if (folder, name) not in cache:
            cache[(folder, name)] = parse_report((DATA / folder / name).read_bytes())
        return cache[(folder, name)]

    return get


@pytest.mark.parametrize(("folder", "name", "answer"), CASES, ids=[c[1] for c in CASES])
def test_identity(parsed, folder, name, answer):
    r = parsed(folder, name)
    assert r.report_year == answer["report_year"]
    assert r.is_report
    expected_publisher = answer["publisher"].split(" (")[0]
    assert r.publisher == expected_publisher
    assert r.template == answer["template"].split(" ")[0]
    if answer.get("title"):
        assert r.title == answer["title"]


@pytest.mark.parametrize(("folder", "name", "answer"), CASES, ids=[c[1] for c in CASES])
def test_table3(parsed, folder, name, answer):
    r = parsed(folder, name)
    compared = 0
    for field, column in COLUMNS.items():
        for row, value in answer.get(field, {}).items():
            assert r.table3[row][column] == value, (row, column)
            compared += 1
    if answer["template"] != TEMPLATE_PRE_2019:
        assert compared >= 6
    if answer.get("identity_holds"):
        balance = [c for c in r.checks if c.name == "table3_balance"]
        assert balance and all(c.passed for c in balance)


@pytest.mark.parametrize(("folder", "name", "answer"), CASES, ids=[c[1] for c in CASES])
def test_table4(parsed, folder, name, answer):
    r = parsed(folder, name)
    expected = answer.get("reviews_litigation")
    if isinstance(expected, list):
        assert [r.table4[k] for k in TABLE4_KEYS] == expected


@pytest.mark.parametrize(("name", "answer"), list(SEEDS.items()), ids=list(SEEDS))
def test_table2(parsed, name, answer):
    r = parsed("seeds", name)
    for row, values in answer.get("active_disclosure", {}).items():
        facts = [f for f in r.table2 if f.row == row]
        assert len(facts) == len(values), row
        for fact, want in zip(facts, values, strict=True):
            assert fact.column is not None
            if isinstance(want, str):
                number = float(want.split()[0].replace("万元", ""))
                assert fact.value == pytest.approx(number)
                if "万元" in want:
                    assert fact.unit == "万元"
                else:
                    assert fact.unit is None
            else:
                assert fact.value == want


def test_seed_002_pre2019_invents_nothing(parsed):
    r = parsed("seeds", "002_2c7573db75c79bd6.txt")
    assert r.template == TEMPLATE_PRE_2019
    assert not r.has_table3 and not r.has_table4 and r.table2 == []
    assert r.has_flag(FLAG_TABLE3_MISSING)
    assert r.sections and r.sections[0].key == "overview"


def test_seed_004_table4_flagged_not_shifted(parsed):
    r = parsed("seeds", "004_d4f694ae76a36438.txt")
    assert r.has_flag(FLAG_TABLE4_INCOMPLETE)
    assert all(v is None for v in r.table4.values())
    flag = next(f for f in r.flags if f.code == FLAG_TABLE4_INCOMPLETE)
    assert "13 cells" in flag.message


def test_seed_004_metadata_block(parsed):
    m = parsed("seeds", "004_d4f694ae76a36438.txt").metadata
    want = SEEDS["004_d4f694ae76a36438.txt"]["metadata"]
    for key, value in want.items():
        assert getattr(m, key) == value, key


def test_seed_001_published(parsed):
    m = parsed("seeds", "001_e5f035dbe7594dbe.txt").metadata
    date, time = SEEDS["001_e5f035dbe7594dbe.txt"]["published"].split()
    assert (m.published_date, m.published_time) == (date, time)


def test_013_merged_table4_cells_resolved_by_identity(parsed):
    r = parsed("real-reports", "013.txt")
    assert r.table4["review_upheld"] == 72 and r.table4["review_corrected"] == 64
    assert r.has_flag("merged_digits_split")
    assert all(c.passed for c in r.checks if c.name == "table4_group_sum")


def test_sections_in_order(parsed):
    r = parsed("seeds", "003_5d8db5c6007b71c2.txt")
    assert [s.key for s in r.sections] == [
        "overview",
        "proactive_disclosure",
        "applications",
        "reviews_litigation",
        "problems",
        "other_matters",
    ]
    assert "存在" in r.sections[4].heading


def test_record_is_json_serialisable(parsed):
    r = parsed("seeds", "000_84d29601319eacdc.txt")
    data = json.loads(json.dumps(r.to_dict(), ensure_ascii=False))
    assert data["table3"]["new_received"]["total"] == 18
    assert len(data["table4"]) == 15
    assert {
        "title",
        "report_year",
        "publisher",
        "level",
        "template",
        "metadata",
        "table2",
        "checks",
        "flags",
    } <= set(data)


def test_html_body_text_comes_from_trafilatura(monkeypatch):
    """The body text of an HTML page is trafilatura's (guards against it silently returning None)."""
    import random

    import trafilatura

    from gsspider.portal.render import random_spec, render_report_page

    results = []
    original = trafilatura.extract

    def spy(*args, **kwargs):
        out = original(*args, **kwargs)
        results.append(out)
        return out

    monkeypatch.setattr(trafilatura, "extract", spy)
    page = render_report_page(
        random_spec(random.Random(7)), cms="trs", site_name="某县人民政府", column_name="年报"
    )
    report = parse_report(page.encode("utf-8"))
    assert results and results[0]
    assert report.text == results[0]
    assert "总体情况" in report.text


def test_an_all_blank_row_is_blank_cells_not_a_missing_row():
    rows = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "(一)予以公开"]
    cells = ["<td>0</td>" * 7, "<td>0</td>" * 7, "<td></td>" * 7]
    html = (
        "<p>三、收到和处理政府信息公开申请情况</p><table>"
        + "".join(f"<tr><td>{label}</td>{tds}</tr>" for label, tds in zip(rows, cells, strict=True))
        + "</table>"
    )
    r = parse_report(html)
    assert r.table3["new_received"]["total"] == 0
    assert all(v is None for v in r.table3["granted"].values())
    blank = next(f for f in r.flags if f.code == "blank_cells")
    assert "granted.total" in blank.message
    missing = next(f for f in r.flags if f.code == "table3_incomplete")
    assert "granted" not in missing.message.split(": ", 1)[1].split(", ")
