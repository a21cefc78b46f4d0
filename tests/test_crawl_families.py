"""End-to-end crawls of the issue-4 portal kinds: Hanweb, TRS 动静结合, gkmlpt, attachment-only
reports, anti-bot blocked sites and a mis-declared GBK site (127.0.0.1 only, bounded in time)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from demoportal import ALL_FAMILIES, TestPortal
from gsspider.summary import format_summary, summary
from tests.conftest import crawl, rows

pytestmark = pytest.mark.crawl  # runs a crawl or a server: not in the fast lane


@pytest.fixture(scope="module")
def portal():
    with TestPortal(n_sites=0, families=ALL_FAMILIES, seed=0) as p:
        yield p


@pytest.fixture(scope="module")
def crawled(portal, tmp_path_factory):
    db = tmp_path_factory.mktemp("families") / "gsspider.db"
    proc = crawl(portal, db)
    return db, proc


def _truth(portal, status=None):
    return [t for t in portal.ground_truth() if status is None or t["expected_status"] == status]


def _flags(row) -> set[str]:
    return {f["code"] for f in json.loads(row["flags"] or "[]")}


def test_every_parsed_report_is_found_with_its_numbers(portal, crawled):
    db, _ = crawled
    truth = _truth(portal, "parsed")
    formats = {t["format"] for t in truth}
    assert {"html", "pdf", "docx"} <= formats
    stored = {r["url"]: r for r in rows(db, "SELECT * FROM reports WHERE is_report = 1")}
    missing = [t["url"] for t in truth if t["url"] not in stored]
    assert not missing
    for t in truth:
        r = stored[t["url"]]
        assert r["report_year"] == t["report_year"], t["url"]
        assert r["publisher"] == t["publisher"], t["url"]
        assert r["attachment_of"] == t["attachment_of"], t["url"]
        if t["table3"] is None:
            continue
        cells = rows(
            db,
            "SELECT row_key, column_key, value FROM cells WHERE report_url = ? AND table_name = 'table3'",
            (t["url"],),
        )
        got = {(c["row_key"], c["column_key"]): c["value"] for c in cells}
        for row, cols in t["table3"].items():
            for col, value in cols.items():
                assert got.get((row, col)) == value, (t["format"], t["url"], row, col)


def test_nothing_but_reports_counts_as_parsed(portal, crawled):
    db, _ = crawled
    parsed = {t["url"] for t in _truth(portal, "parsed")}
    stored = {r["url"] for r in rows(db, "SELECT url FROM reports WHERE is_report = 1")}
    assert stored - parsed == set()
    noise = set(portal.noise_urls())
    assert not noise & {r["url"] for r in rows(db, "SELECT url FROM reports")}


def test_attachments_keep_url_type_size_and_hash(portal, crawled):
    db, _ = crawled
    for t in _truth(portal, "parsed"):
        if not t["attachment_of"]:
            continue
        [page] = rows(db, "SELECT * FROM pages WHERE url = ?", (t["url"],))
        assert page["kind"] == "attachment"
        assert page["bytes"] > 1000 and len(page["content_hash"]) == 64
        assert page["content_type"] and (
            "pdf" in page["content_type"]
            or "word" in page["content_type"]
            or "officedocument" in page["content_type"]
        )
        [report] = rows(db, "SELECT content_hash FROM reports WHERE url = ?", (t["url"],))
        assert report["content_hash"] == page["content_hash"]


def test_unreadable_documents_are_stored_with_their_flags_not_counted(portal, crawled):
    db, _ = crawled
    seen = 0
    for t in portal.ground_truth():
        if t["expected_status"] not in ("needs_ocr", "unsupported", "flagged"):
            continue
        found = rows(db, "SELECT * FROM reports WHERE url = ?", (t["url"],))
        assert found, (t["expected_status"], t["url"])
        assert set(t["expected_flags"]) <= _flags(found[0]), (t["url"], _flags(found[0]))
        assert found[0]["is_report"] == 0 or "js_bound_attachment" in _flags(found[0])
        seen += 1
    assert seen >= 4  # image PDF, 图片版 page, DOC, WPS, JS-bound viewer


def test_broken_attachments_are_crawl_errors(portal, crawled):
    db, _ = crawled
    errors = {(r["url"], r["error"]) for r in rows(db, "SELECT url, error FROM crawl_errors")}
    broken = _truth(portal, "error")
    assert {t["obstacle"] for t in broken} >= {"oversized", "truncated", "zip_bomb"}
    for t in broken:
        assert (t["url"], t["expected_flags"][0]) in errors, (t["obstacle"], t["url"])


def test_blocked_sites_are_blocked_with_their_reason_never_no_reports(portal, crawled):
    db, _ = crawled
    sites = {r["url"]: r for r in rows(db, "SELECT * FROM sites")}
    for exp in portal.site_expectations():
        row = sites[exp["site_url"]]
        assert row["status"] == ("blocked" if exp["expected_status"] == "blocked" else "ok"), exp
        if exp["expected_status"] == "blocked":
            assert row["reason"] == exp["reason"]
    text = format_summary(summary(db))
    for exp in portal.site_expectations():
        if exp["expected_status"] == "blocked":
            assert f"BLOCKED ({exp['reason']})" in text


def test_blocked_sites_are_asked_once(portal, crawled):
    blocked = {
        urlsplit(e["site_url"]).netloc
        for e in portal.site_expectations()
        if e["expected_status"] == "blocked"
    }
    for netloc in blocked:
        asked = [
            r for r in portal.request_log if urlsplit(r.site).netloc == netloc and r.path != "/__truth__.json"
        ]
        assert 1 <= len(asked) <= 2, asked  # robots.txt and/or the home page, then nothing


def test_misdeclared_gbk_site_reads_correctly(portal, crawled):
    db, _ = crawled
    truth = [t for t in portal.ground_truth() if t["obstacle"] == "misdeclared_charset"]
    assert truth
    stored = {r["url"]: r for r in rows(db, "SELECT * FROM reports WHERE is_report = 1")}
    for t in truth:
        assert stored[t["url"]]["publisher"] == t["publisher"]
        assert "\ufffd" not in stored[t["url"]]["title"]


def test_broken_list_answers_are_errors_and_xxe_is_never_resolved(portal, crawled):
    db, _ = crawled
    probe = [n["url"] for n in portal.noise() if n["kind"] == "xxe_probe"]
    assert probe and not any(portal.requested(u) for u in probe)
    errors = rows(db, "SELECT url, error, message FROM crawl_errors WHERE error = 'list_unreadable'")
    broken_kinds = {
        n["kind"] for n in portal.noise() if n["kind"] in ("invalid_xml", "xxe", "malformed_json")
    }
    assert len(errors) >= len(broken_kinds) - 1  # refused XXE answers may be salvaged or refused
    assert errors


def test_requests_stay_near_the_minimum(portal, crawled):
    minimum = portal.minimum_requests()
    by_site: dict[str, int] = {}
    for rec in portal.request_log:
        if rec.path in ("/robots.txt", "/__truth__.json"):
            continue
        by_site[rec.site] = by_site.get(rec.site, 0) + 1
    total_min = sum(m["total"] for m in minimum.values())
    total = sum(by_site.values())
    assert total <= 1.3 * total_min, (total, total_min, by_site, minimum)
