"""End-to-end crawls of the local test portal (127.0.0.1 only), each in a subprocess, bounded in time."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from demoportal import TestPortal
from gsspider.sites import normalise_url
from parsers import parse_report
from tests.conftest import GSSPIDER, crawl, local_settings, rows, run

pytestmark = pytest.mark.crawl  # runs a crawl or a server: not in the fast lane


@pytest.fixture(scope="module")
def portal():
    with TestPortal(seed=0) as p:
        yield p


@pytest.fixture(scope="module")
def crawled(portal, tmp_path_factory):
    db = tmp_path_factory.mktemp("crawl") / "gsspider.db"
    crawl(portal, db)
    return db


def test_finds_every_report_and_nothing_else(portal, crawled):
    truth = {t["url"]: t for t in portal.ground_truth()}
    stored = {r["url"]: r for r in rows(crawled, "SELECT * FROM reports WHERE is_report = 1")}
    assert set(stored) == set(truth)
    for url, t in truth.items():
        assert stored[url]["report_year"] == t["report_year"], url
        assert stored[url]["publisher"] == t["publisher"], url
    noise = set(portal.noise_urls())
    assert not noise & set(stored)


def test_stored_cells_equal_parser_output_and_truth(portal, crawled):
    import urllib.request

    truth = [t for t in portal.ground_truth() if t["table3"]]
    assert len(truth) > 20
    for t in truth[:: max(1, len(truth) // 15)]:
        with urllib.request.urlopen(t["url"], timeout=5) as resp:
            report = parse_report(resp.read(), url=t["url"], content_type=resp.headers.get("Content-Type"))
        cells = rows(
            crawled,
            "SELECT row_key, column_key, value FROM cells WHERE report_url = ? AND table_name = 'table3'",
            (t["url"],),
        )
        stored = {(c["row_key"], c["column_key"]): c["value"] for c in cells}
        for row, cols in report.table3.items():
            for col, value in cols.items():
                assert stored.get((row, col)) == value, (t["url"], row, col)
        for row, cols in t["table3"].items():
            for col, value in cols.items():
                assert report.table3[row][col] == value, (t["url"], row, col)


def test_gbk_site_reads_correctly(portal, crawled):
    gbk = next(s for s in portal.sites if s.kind == "town-legacy")
    stored = rows(
        crawled,
        "SELECT title, publisher, encoding FROM reports WHERE site = ?",
        (normalise_url(gbk.base_url),),
    )
    assert stored
    for r in stored:
        assert r["encoding"] in ("gb18030", "gbk")
        assert gbk.publisher in r["title"]


def test_sites_and_provenance(portal, crawled):
    sites = {r["url"]: r for r in rows(crawled, "SELECT * FROM sites")}
    assert set(sites) == {normalise_url(s.base_url) for s in portal.sites}
    assert all(s["status"] == "ok" for s in sites.values())
    for r in rows(
        crawled,
        "SELECT r.url, r.content_hash, p.content_hash AS page_hash FROM reports r JOIN pages p ON p.url = r.url",
    ):
        assert r["content_hash"] == r["page_hash"]


def test_never_leaves_the_portal(portal, crawled):
    hosts = {urlsplit(s.base_url).netloc for s in portal.sites}
    for r in rows(crawled, "SELECT url FROM pages"):
        assert urlsplit(r["url"]).netloc in hosts, r["url"]
    # A link off the portal is recorded with its target, and nothing else names a foreign URL.
    for r in rows(crawled, "SELECT url, error FROM crawl_errors"):
        assert urlsplit(r["url"]).netloc in hosts or r["error"] == "offsite_link", r
    assert not any("/admin/" in rec.path for rec in portal.request_log)  # robots.txt Disallow


def test_full_text_search(crawled):
    hits = rows(
        crawled,
        "SELECT r.url, r.publisher FROM reports r JOIN reports_fts f ON f.rowid = r.rowid WHERE reports_fts MATCH ?",
        ('"临白县财政局"',),
    )
    assert hits and all("临白县财政局" in h["publisher"] for h in hits)


def test_recrawl_with_scrapy_command_adds_no_rows(portal, crawled, tmp_path):
    db = tmp_path / "twice.db"
    db.write_bytes(crawled.read_bytes())
    tables = ("reports", "cells", "checks", "pages", "sites", "crawl_errors")
    before = {t: rows(db, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in tables}
    urls = ",".join(s.base_url for s in portal.sites)
    run(
        [
            "scrapy",
            "crawl",
            "reports",
            "-a",
            f"urls={urls}",
            "-s",
            f"GSSPIDER_DB={db}",
            *local_settings(portal),
        ]
    )
    after = {t: rows(db, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in tables}
    assert after == before


def test_errors_are_recorded_and_the_crawl_goes_on(portal, tmp_path):
    db = tmp_path / "errors.db"
    city = next(s for s in portal.sites if s.kind == "city")
    slow = next(n["url"] for n in portal.noise() if n["kind"] == "slow")
    slow_site = next(s for s in portal.sites if slow.startswith(s.base_url))
    traps = {n["kind"]: n["url"] for n in portal.noise() if n["url"].startswith(city.base_url)}
    starts = [
        city.base_url,
        traps["server_error"],
        traps["redirect_loop"],
        traps["soft_404"],
        traps["not_found"],
    ]
    malformed = [
        n["url"] for n in portal.noise() if n["kind"] == "malformed" and n["url"].startswith(city.base_url)
    ]
    starts += malformed
    urls = starts + ([slow_site.base_url, slow] if slow_site is not city else [slow])
    crawl(portal, db, urls, DOWNLOAD_TIMEOUT="1")
    errors = {r["error"] for r in rows(db, "SELECT error FROM crawl_errors")}
    assert {"http_500", "redirect_loop", "soft_404", "http_404", "timeout"} <= errors
    if malformed:
        assert "malformed" in errors
    truth = {t["url"] for t in portal.ground_truth() if t["site_url"] == city.base_url}
    stored = {
        r["url"] for r in rows(db, "SELECT url FROM reports WHERE site = ?", (normalise_url(city.base_url),))
    }
    assert truth <= stored


def test_export_csv_and_jsonl(crawled, tmp_path):
    out = tmp_path / "cells.csv"
    run(
        [
            *GSSPIDER,
            "export",
            "--table",
            "cells",
            "--format",
            "csv",
            "--out",
            str(out),
            "--db",
            str(crawled),
        ]
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("report_url,table_name,row_key,column_key,value")
    assert len(lines) > 100
    proc = run(
        [
            *GSSPIDER,
            "export",
            "--table",
            "reports",
            "--format",
            "jsonl",
            "--db",
            str(crawled),
        ]
    )
    first = json.loads(proc.stdout.splitlines()[0])
    assert {"url", "report_year", "publisher", "content_hash", "fetched_at"} <= set(first)
