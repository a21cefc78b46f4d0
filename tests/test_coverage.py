"""Coverage of the demo database against the portal's ground truth, every body × year cell; the
planted cross-year mismatch, missing year and late report found; the command's three forms."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date

import pytest

from demoportal import TestPortal
from gsspider import bodies, coverage, research, storage, vocab
from tests.conftest import GSSPIDER, crawl, rows, run

pytestmark = pytest.mark.crawl  # runs a crawl or a server: not in the fast lane

DEADLINE_MONTH_DAY = "03-31"


@pytest.fixture(scope="module")
def truth(demo_truth):
    return demo_truth


def expected_cells(truth) -> tuple[list[int], dict[tuple[str, int], str]]:
    """The oracle: from the portal's own records, not from the crawler's database."""
    years = sorted({t["report_year"] for t in truth})
    span = list(range(years[0], years[-1] + 1))
    cells = {(t["publisher"], y): vocab.COVERAGE_MISSING for t in truth for y in span}
    for t in truth:
        key = (t["publisher"], t["report_year"])
        if t["expected_status"] != "parsed":
            cells[key] = vocab.COVERAGE_UNREADABLE
        elif t["published"] > f"{t['report_year'] + 1}-{DEADLINE_MONTH_DAY}":
            cells[key] = vocab.COVERAGE_LATE
        else:
            cells[key] = vocab.COVERAGE_FOUND
    return span, cells


def test_coverage_matches_ground_truth_every_cell(demo_db, truth):
    years, expected = expected_cells(truth)
    db = storage.open_db(demo_db)
    cov = research.refresh(db)["coverage"]
    db.close()
    assert cov.years == years
    got = {(row.name, year): cell.status for row in cov.rows for year, cell in row.cells.items()}
    assert got == expected
    statuses = set(expected.values())
    # the demo plants what coverage must tell apart
    assert {vocab.COVERAGE_FOUND, vocab.COVERAGE_LATE, vocab.COVERAGE_MISSING} <= statuses
    # a body that skipped a year in the middle of its run (planted), not only bodies with one report
    skipped = [
        name
        for (name, year), status in expected.items()
        if status == vocab.COVERAGE_MISSING
        and expected.get((name, year - 1)) in vocab.COVERAGE_PRESENT
        and expected.get((name, year + 1)) in vocab.COVERAGE_PRESENT
    ]
    assert skipped
    totals = cov.totals()
    for year in years:
        assert totals[year]["present"] == sum(
            1 for (_, y), s in expected.items() if y == year and s in vocab.COVERAGE_PRESENT
        )
    # the stored table says the same
    stored = rows(
        demo_db, "SELECT b.name, c.year, c.status FROM coverage c JOIN bodies b ON b.id = c.body_id"
    )
    assert {(r["name"], r["year"]): r["status"] for r in stored} == expected


def _carry_oracle(truth):
    """Cross-year mismatches from the portal's own tables: (publisher, year, column)."""
    tables = {(t["publisher"], t["report_year"]): t["table3"] for t in truth if t["table3"]}
    out = set()
    for (publisher, year), t3 in tables.items():
        prev = tables.get((publisher, year - 1))
        if prev is None:
            continue
        for column, value in t3["carried_over"].items():
            before = prev["carried_forward"].get(column)
            if value is not None and before is not None and value != before:
                out.add((publisher, year, column))
    return out


def test_planted_cross_year_mismatch_is_found(demo_db, truth):
    oracle = _carry_oracle(truth)
    assert ("临白县人民政府", 2024, "natural_person") in oracle  # the plant, read from the portal
    found = {
        (r["name"], r["report_year"], r["column_key"])
        for r in rows(
            demo_db,
            "SELECT b.name, r.report_year, c.column_key FROM checks c JOIN reports r ON r.url = c.report_url"
            " JOIN bodies b ON b.id = r.body_id WHERE c.scope = 'cross_year' AND c.passed = 0",
        )
    }
    assert found == oracle
    check = rows(
        demo_db,
        "SELECT c.*, r.report_year FROM checks c JOIN reports r ON r.url = c.report_url"
        " WHERE c.scope = 'cross_year' AND c.passed = 0 AND c.column_key = 'natural_person'",
    )[0]
    other = rows(demo_db, "SELECT report_year FROM reports WHERE url = ?", (check["other_report_url"],))
    assert other[0]["report_year"] == check["report_year"] - 1
    assert check["actual"] - check["expected"] == 2
    # every other consecutive pair agrees (the portal chains its years)
    agreeing = rows(demo_db, "SELECT count(*) AS n FROM checks WHERE scope = 'cross_year' AND passed = 1")
    assert agreeing[0]["n"] > 100
    # the end-of-crawl summary shows it, and gsspider demo names the next step
    out = (demo_db.parent / "demo.out").read_text(encoding="utf-8")
    assert "cross-year mismatches: 1: 临白县人民政府 2024 natural_person" in out
    assert "late reports: 1" in out and "gsspider serve --db" in out


def test_coverage_command_forms(demo_db, truth, tmp_path):
    years, expected = expected_cells(truth)
    out = run(
        [*GSSPIDER, "coverage", "--db", str(demo_db), "--format", "csv", "--years", f"{years[0]}-{years[-1]}"]
    )
    table = list(csv.DictReader(io.StringIO(out.stdout)))
    assert {(r["body"], y): r[str(y)] for r in table for y in years} == expected
    page = tmp_path / "coverage.html"
    run([*GSSPIDER, "coverage", "--db", str(demo_db), "--format", "html", "--out", str(page)])
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert "src=" not in html and "<link" not in html  # self-contained
    assert "临白县财政局" in html and 'class="late' in html
    text = run([*GSSPIDER, "coverage", "--db", str(demo_db), "--years", "2023-2026"]).stdout
    assert "2026" in text and "not checked" in text
    bad = run_fail([*GSSPIDER, "coverage", "--db", str(demo_db), "--years", "20x9"])
    assert bad.returncode == 2 and "--years" in bad.stderr


def run_fail(args):
    import subprocess

    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def test_not_checked_and_future_years(demo_db, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(demo_db, copy)
    db = storage.open_db(copy)
    site = next(db.query("SELECT site FROM reports WHERE publisher = '乐宁镇人民政府'"))["site"]
    # as if this site had last been crawled in June 2023: 2023 and 2024 were not checked there
    db.execute("UPDATE sites SET last_crawled = '2023-06-01T00:00:00' WHERE url = ?", [site])
    db.execute("UPDATE pages SET fetched_at = '2023-06-01T00:00:00' WHERE site = ?", [site])
    db.execute("DELETE FROM reports WHERE site = ? AND report_year >= 2023", [site])
    this_year = date.today().year
    bodies.assign_bodies(db)
    cov = coverage.matrix(db, [2022, 2023, 2024, this_year])
    row = next(r for r in cov.rows if r.name == "乐宁镇人民政府")
    assert row.cells[2022].status == vocab.COVERAGE_FOUND
    assert row.cells[2023].status == row.cells[2024].status == vocab.COVERAGE_NOT_CHECKED
    # nobody can have reported on the current year yet: not checked everywhere
    assert {r.cells[this_year].status for r in cov.rows} == {vocab.COVERAGE_NOT_CHECKED}
    db.close()


def test_blocked_sites_are_site_blocked(tmp_path):
    with TestPortal(seed=0, n_sites=1, families=("blocked",)) as portal:
        db_path = tmp_path / "blocked.db"
        crawl(portal, db_path)
        expectations = portal.site_expectations()
    db = storage.open_db(db_path)
    cov = research.refresh(db)["coverage"]
    by_site = {}
    for row in cov.rows:
        by_site.setdefault(row.site, []).append(row)
    for site in expectations:
        got = by_site[site["site_url"]]
        statuses = {c.status for r in got for c in r.cells.values()}
        if site["expected_status"] == "blocked":
            assert statuses == {vocab.COVERAGE_BLOCKED}, site["key"]
        else:
            assert vocab.COVERAGE_BLOCKED not in statuses, site["key"]
    db.close()
