"""The re-crawl store, in process (RecrawlMiddleware, SeasonMiddleware, `crawl --resume`): a 304 to a plain request is not asked again, ``--year`` keeps
listed-but-unreadable documents, stored unreadable documents are not counted as reports, bytes
that change without the report changing make no new version, ``--resume`` keeps the interrupted
crawl's freshness interval. In-process, against temporary databases: no network."""

from __future__ import annotations

import argparse
import random
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from demoportal.render import random_spec, render_report_page
from gsspider import commands, storage
from gsspider.items import ReportItem
from gsspider.recrawl import Fresh, RecrawlMiddleware, Unchanged
from gsspider.scope import SiteBook
from gsspider.season import Season, SeasonMiddleware
from gsspider.sites import SiteEntry
from parsers import parse_report

SITE = "http://127.0.0.1:9/"
PUBLISHER = "某某县人民政府"


def report_body(year: int, seed: int = 1) -> bytes:
    spec = random_spec(random.Random(seed), year=year, publisher=PUBLISHER)
    return render_report_page(spec, site_name=PUBLISHER, column_name="政府信息公开年报").encode("utf-8")


def parsed(body: bytes, url: str):
    return parse_report(body, url=url, content_type="text/html; charset=utf-8", encoding="utf-8")


def middleware(db: Path, **settings) -> tuple[RecrawlMiddleware, SimpleNamespace]:
    crawler = get_crawler(settings_dict={"GSSPIDER_DB": str(db), **settings})
    mw = RecrawlMiddleware(crawler, str(db))
    book = SiteBook()
    book.add(SiteEntry(url=SITE))
    spider = SimpleNamespace(book=book, sites=book.sites, crawl_args=lambda: {"urls": [SITE], "sites": None})
    crawler.spider = spider  # components reach the crawl's sites through crawler.spider
    mw.spider_opened(spider)
    return mw, spider


# --- finding 5: a 304 with nothing stored is asked again plainly, once -----------------------------


def test_304_to_the_unconditional_retry_is_passed_on_not_asked_again(tmp_path):
    db = tmp_path / "g.db"
    url = SITE + "xxgk/ndbg/list.html"
    con = storage.open_db(db)
    # a list page stored without a body (too big to keep): a 304 cannot be answered from the store
    storage.mark_page(con, url, site=SITE, status=200, content_hash="0" * 64, kind="list", etag='"e"')
    con.close()
    mw, _spider = middleware(db)
    try:
        request = Request(url, meta={"site": SITE, "role": "list"})
        assert mw.process_request(request) is None
        retry = mw.process_response(request, Response(url, status=304, request=request))
        assert isinstance(retry, Request) and retry.meta.get("gsspider_unconditional")
        assert retry.dont_filter
        assert mw.process_request(retry) is None
        assert b"If-None-Match" not in retry.headers
        # the server answers 304 to the plain request too (a broken cache): passed on, not re-asked
        again = Response(url, status=304, request=retry)
        out = mw.process_response(retry, again)
        assert out is again
        assert mw.stats.get_value("gsspider/recrawl/refetched") == 1
    finally:
        mw.spider_closed(None, "finished")


# --- finding 6: --year keeps listed-but-unreadable documents --------------------------------------


def unreadable_item(url: str) -> ReportItem:
    report = parsed(b"%PDF-1.4 broken", url)
    report.is_report = False
    report.report_year = None
    return ReportItem(url=url, site=SITE, fetched_at=storage.now(), report=report)


def season_filter(list_title: str | None, item: ReportItem, year: int = 2023) -> list:
    crawler = get_crawler()
    mw = SeasonMiddleware(Season(year=year), crawler.stats)
    meta = {"role": "attachment", "list_title": list_title}
    response = Response(item.url, request=Request(item.url, meta=meta))
    return list(mw.process_spider_output(response, [item]))


def test_year_keeps_an_unreadable_document_listed_for_that_year_or_no_year():
    url = SITE + "attach/P020240120.pdf"
    assert season_filter(f"{PUBLISHER}2023年政府信息公开工作年度报告", unreadable_item(url))
    assert season_filter("政府信息公开工作年度报告", unreadable_item(url))
    assert season_filter(None, unreadable_item(url))
    # listed for another year: not this season's
    assert not season_filter(f"{PUBLISHER}2022年政府信息公开工作年度报告", unreadable_item(url))


def test_year_still_drops_reports_of_other_years():
    url = SITE + "xxgk/ndbg/c1.html"
    report = parsed(report_body(2022), url)
    assert report.is_report and report.report_year == 2022
    item = ReportItem(url=url, site=SITE, fetched_at=storage.now(), report=report)
    assert not season_filter("政府信息公开工作年度报告", item)
    assert season_filter("政府信息公开工作年度报告", item, year=2022)


# --- finding 7: stored unreadable documents are not reports of a re-crawl -------------------------


def store(db: Path, url: str, body: bytes, *, is_report: bool) -> None:
    con = storage.open_db(db)
    report = parsed(body, url)
    report.is_report = is_report
    storage.store_report(con, report, url=url, site=SITE, fetched_at=storage.now())
    storage.mark_page(
        con,
        url,
        site=SITE,
        status=200,
        content_hash=report.content_hash,
        kind="report",
        etag='"e"',
        fetched_at=storage.now(),
        validated_at=storage.now(),
    )
    con.close()


@pytest.mark.parametrize("is_report", [True, False])
def test_fresh_and_unchanged_count_only_stored_reports(tmp_path, is_report):
    db = tmp_path / "g.db"
    url = SITE + "xxgk/ndbg/c1.html"
    store(db, url, report_body(2023), is_report=is_report)
    con = storage.open_db(db)
    assert storage.stored_page(con, url)["report_is_report"] == int(is_report)
    con.close()
    expected = 1 if is_report else 0
    # Fresh: validated within the interval, not requested
    mw, spider = middleware(db)
    try:
        with pytest.raises(Fresh):
            mw.process_request(Request(url, meta={"site": SITE, "role": "report"}))
        assert spider.sites[SITE].reports == expected
    finally:
        mw.spider_closed(None, "finished")
    # Unchanged: revalidated, 304
    mw, spider = middleware(db, GSSPIDER_FRESHNESS_DAYS=0)
    mw.freshness_days = 0
    try:
        request = Request(url, meta={"site": SITE, "role": "report"})
        assert mw.process_request(request) is None
        assert request.headers.get(b"If-None-Match") == b'"e"'
        with pytest.raises(Unchanged):
            mw.process_response(request, Response(url, status=304, request=request))
        assert spider.sites[SITE].reports == expected
    finally:
        mw.spider_closed(None, "finished")


def test_a_stored_report_reached_by_two_urls_counts_once(tmp_path):
    """An old URL that redirected to the report (stored with ``final_url``) and the report's own
    URL are both Fresh on a re-crawl: one report, not two."""
    db = tmp_path / "g.db"
    url = SITE + "xxgk/ndbg/c1.html"
    store(db, url, report_body(2023), is_report=True)
    con = storage.open_db(db)
    row = storage.stored_page(con, url)
    old = SITE + "old/ndbg.html"
    storage.mark_page(
        con,
        old,
        site=SITE,
        status=200,
        content_hash=row["content_hash"],
        final_url=url,
        kind="report",
        fetched_at=storage.now(),
        validated_at=storage.now(),
    )
    con.close()
    mw, spider = middleware(db)
    try:
        for u in (old, url):
            with pytest.raises(Fresh):
                mw.process_request(Request(u, meta={"site": SITE, "role": "report"}))
        assert spider.sites[SITE].reports == 1
    finally:
        mw.spider_closed(None, "finished")


# --- finding 8: changed bytes, same report: no new version ---------------------------------------


def versions(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT report_url, version FROM report_versions").fetchall()
    finally:
        con.close()


def test_bytes_that_change_without_the_report_update_in_place(tmp_path):
    db = tmp_path / "g.db"
    url = SITE + "xxgk/ndbg/c1.html"
    body = report_body(2023)
    con = storage.open_db(db)
    first = parsed(body, url)
    storage.store_report(con, first, url=url, site=SITE, fetched_at="2025-01-01T00:00:00+00:00")
    # the same article with a different CSRF token in its head: other bytes, the same report
    token = body.replace(b"</head>", b'<meta name="csrf-token" content="a81f3c"></head>', 1)
    assert token != body
    second = parsed(token, url)
    assert second.content_hash != first.content_hash
    storage.store_report(con, second, url=url, site=SITE, fetched_at="2025-02-01T00:00:00+00:00")
    row = con.execute("SELECT content_hash, fetched_at, version FROM reports WHERE url = ?", [url]).fetchone()
    assert row == (second.content_hash, "2025-02-01T00:00:00+00:00", 1)
    con.close()
    assert versions(db) == []
    # a report that really changed still gets a new version
    con = storage.open_db(db)
    edited = parsed(report_body(2023, seed=2), url)
    storage.store_report(con, edited, url=url, site=SITE, fetched_at="2025-03-01T00:00:00+00:00")
    assert con.execute("SELECT version FROM reports WHERE url = ?", [url]).fetchone()[0] == 2
    con.close()
    assert versions(db) == [(url, 1)]


# --- finding 11: --resume keeps the interrupted crawl's freshness interval -----------------------


def resume_settings(tmp_path, monkeypatch, *argv: str) -> dict:
    db = tmp_path / "g.db"
    con = storage.open_db(db)
    storage.start_crawl(con, {"urls": [SITE], "sites": None, "freshness_days": 0.0})
    con.close()
    seen: dict = {}

    def fake_run_crawl(urls, *, db, sites, settings):
        seen.update(urls=urls, settings=dict(settings))
        return {"finish_reason": "finished"}

    import gsspider.runner

    monkeypatch.setattr(gsspider.runner, "run_crawl", fake_run_crawl)
    parser = argparse.ArgumentParser()
    commands.register(parser.add_subparsers())
    args = parser.parse_args(["crawl", "--resume", "--db", str(db), "-q", *argv])
    assert args.func(args) == 0
    assert seen["urls"] == [SITE]
    return seen["settings"]


def test_resume_restores_the_interrupted_crawls_freshness_days(tmp_path, monkeypatch):
    assert resume_settings(tmp_path, monkeypatch)["GSSPIDER_FRESHNESS_DAYS"] == 0.0


def test_resume_freshness_days_given_now_wins(tmp_path, monkeypatch):
    assert resume_settings(tmp_path, monkeypatch, "--freshness-days", "7")["GSSPIDER_FRESHNESS_DAYS"] == 7.0
    explicit = resume_settings(tmp_path, monkeypatch, "-s", "GSSPIDER_FRESHNESS_DAYS=3")
    assert explicit["GSSPIDER_FRESHNESS_DAYS"] == "3"
