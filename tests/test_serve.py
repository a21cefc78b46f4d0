"""``gsspider serve``: the demo database in Datasette on 127.0.0.1, read as JSON and in the
system's headless Chromium — a canned query's rows, a facet, search, a report's link, the chart."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from gsspider import browser
from tests.conftest import GSSPIDER, ROOT

pytestmark = pytest.mark.crawl  # runs a crawl or a server: not in the fast lane

START_TIMEOUT = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def served(demo_db):
    db = demo_db
    port = _free_port()
    proc = subprocess.Popen(
        [*GSSPIDER, "serve", "--db", str(db), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                _get(base + "/-/versions.json")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"gsspider serve did not start: {out[-2000:]}")
                time.sleep(0.3)
        yield base + "/demo"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # gsspider serve and its Datasette
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def test_canned_queries_facets_and_search_as_json(served):
    mismatches = _get(served + "/cross_year_mismatches.json?_shape=array")
    assert {(m["body"], m["report_year"], m["column_key"]) for m in mismatches} == {
        ("临白县人民政府", 2024, "natural_person"),
        ("临白县人民政府", 2024, "total"),
    }
    matrix = _get(served + "/coverage_matrix.json?level=&_shape=array")
    assert len(matrix) == 17 and {"2018", "2024", "found", "missing"} <= set(matrix[0])
    education = next(r for r in matrix if r["body"] == "临白县教育局")
    assert education["2023"] == "late"
    failing = _get(served + "/failing_checks.json?_shape=array")
    assert failing and all(r["report_year"] == 2022 for r in failing)
    reports = _get(served + "/reports.json?_facet=report_year&_size=0")
    facet = {f["value"]: f["count"] for f in reports["facet_results"]["report_year"]["results"]}
    assert facet[2024] == 12 and facet[2018] == 2
    search = _get(served + "/reports.json?_shape=array&_search=" + urllib.parse.quote("教育局"))
    assert search and all("教育局" in (r["publisher"] or "") + (r["title"] or "") for r in search)
    panel = _get(served + "/panel.json?_shape=array&_size=max")
    assert len(panel) == 77 and isinstance(panel[1]["t3_new_received"], int | None)


def test_in_headless_chromium(served, tmp_path):
    chromium = browser.find_chromium()
    if chromium is None:
        pytest.skip("no Chromium (scripts/setup-dev.sh installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            page = b.new_page()
            page.set_default_timeout(15000)
            page.goto(served + "/cross_year_mismatches")
            cells = page.locator("table.rows-and-columns tbody tr")
            assert cells.count() == 2
            assert "临白县人民政府" in cells.first.inner_text()
            page.goto(served + "/reports")  # the facets come from the metadata
            facet = page.locator(".facet-info[data-column=report_year]")
            assert facet.count() == 1 and "2024" in facet.inner_text()
            assert page.locator(".facet-info[data-column=level]").count() == 1
            # a report's row (its own page in Datasette) links to the report's page on the portal
            page.locator("td.col-url a").first.click()
            link = page.locator("td.col-url a").first
            href = link.get_attribute("href") or ""
            assert href.startswith("http://127.0.0.1:") and href == link.inner_text()
            page.goto(served)
            assert page.locator("svg[aria-label='coverage per year'] rect").count() > 10
            page.screenshot(path=str(tmp_path / "datasette.png"))
        finally:
            b.close()
