"""Pages that real portals serve and that must not cost a report: malformed links, redirects off
the portal, attachments with names that say nothing, a withdrawn file behind a generic 403, and a
callback that fails. A tiny 127.0.0.1 portal per test, crawled in a subprocess, bounded in time."""

from __future__ import annotations

import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from demoportal.attachments import report_pdf
from demoportal.render import random_spec, render_report_page
from tests.conftest import GSSPIDER, rows, run

HTML = "text/html; charset=utf-8"
PUBLISHER = "某某县人民政府"


class Portal:
    """Routes (path -> (status, headers, body)) on two servers: the portal and an 'other' host."""

    def __init__(self):
        self.routes: dict[tuple[str, str], tuple[int, dict[str, str], bytes]] = {}
        self.log: list[tuple[str, str]] = []
        self.servers = {name: self._serve(name) for name in ("site", "other")}

    def _serve(self, name: str) -> ThreadingHTTPServer:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                portal.log.append((name, self.path))
                status, headers, body = portal.routes.get(
                    (name, self.path), (404, {"Content-Type": HTML}, b"<html><body>404</body></html>")
                )
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def url(self, name: str, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.servers[name].server_port}{path}"

    def page(self, path: str, html: str, name: str = "site") -> None:
        self.routes[(name, path)] = (200, {"Content-Type": HTML}, html.encode("utf-8"))

    def close(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()


def _report(year: int) -> bytes:
    spec = random_spec(random.Random(year), year=year, publisher=PUBLISHER)
    return render_report_page(spec, site_name=PUBLISHER, column_name="政府信息公开年报").encode("utf-8")


def _pdf(year: int) -> bytes:
    return report_pdf(random_spec(random.Random(year), year=year, publisher=PUBLISHER))


def _title(year: int) -> str:
    return f"{PUBLISHER}{year}年政府信息公开工作年度报告"


def _wrapper(year: int, link: str) -> str:
    return f"<html><head><title>{_title(year)}</title></head><body><h1>{_title(year)}</h1><p>详见附件。</p>{link}</body></html>"


@pytest.fixture
def portal():
    p = Portal()
    p.page(
        "/",
        "<html><head><title>某某县人民政府</title></head><body><a href='/xxgk/index.html'>政府信息公开</a></body></html>",
    )
    p.routes[("site", "/robots.txt")] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /admin/\n",
    )
    p.page(
        "/xxgk/index.html", "<html><body><a href='/xxgk/ndbg/list.html'>政府信息公开年报</a></body></html>"
    )
    yield p
    p.close()


def _list(portal: Portal, items: list[tuple[str, str]]) -> None:
    lis = "".join(f"<li><a href='{href}'>{title}</a><span>2025-01-20</span></li>" for href, title in items)
    portal.page(
        "/xxgk/ndbg/list.html",
        f"<html><head><title>政府信息公开年报</title></head><body><ul>{lis}</ul></body></html>",
    )


def _crawl(portal: Portal, tmp_path: Path) -> Path:
    db = tmp_path / "robust.db"
    host = portal.url("site").split("//")[1].rstrip("/")
    settings = {
        "GSSPIDER_ALLOW_PRIVATE_HOSTS": host,
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "RETRY_TIMES": "0",
        "DOWNLOAD_TIMEOUT": "5",
        "LOG_LEVEL": "WARNING",
        "GSSPIDER_PROGRESS_INTERVAL": "0",
    }
    args = [*GSSPIDER, "crawl", portal.url("site"), "--db", str(db)]
    for k, v in settings.items():
        args += ["-s", f"{k}={v}"]
    run(args, timeout=120)
    return db


@pytest.mark.crawl
def test_a_malformed_link_costs_nothing(portal, tmp_path):
    items = []
    for year in (2024, 2023, 2022):
        portal.routes[("site", f"/xxgk/ndbg/r{year}.html")] = (200, {"Content-Type": HTML}, _report(year))
        items.append((f"/xxgk/ndbg/r{year}.html", _title(year)))
    items.insert(1, ("http://[siteurl]/xxgk/old.html", "某某县人民政府关于某事项的公告"))
    _list(portal, items)
    db = _crawl(portal, tmp_path)
    years = {r["report_year"] for r in rows(db, "SELECT report_year FROM reports WHERE is_report = 1")}
    assert years == {2024, 2023, 2022}
    assert not rows(db, "SELECT * FROM crawl_errors WHERE error = 'callback_error'")


@pytest.mark.crawl
def test_redirects_off_the_portal_are_recorded(portal, tmp_path):
    portal.routes[("site", "/xxgk/ndbg/r2020.html")] = (
        302,
        {"Location": portal.url("other", "/moved/r2020.html")},
        b"",
    )
    portal.routes[("other", "/moved/r2020.html")] = (200, {"Content-Type": HTML}, _report(2020))
    portal.page(
        "/xxgk/ndbg/w2019.html",
        _wrapper(2019, f"<a href='/attach/download.do?fileId=9'>{_title(2019)}.pdf</a>"),
    )
    portal.routes[("site", "/attach/download.do?fileId=9")] = (
        302,
        {"Location": portal.url("other", "/f/r2019.pdf")},
        b"",
    )
    _list(portal, [("/xxgk/ndbg/r2020.html", _title(2020)), ("/xxgk/ndbg/w2019.html", _title(2019))])
    db = _crawl(portal, tmp_path)
    errors = {r["url"]: r for r in rows(db, "SELECT * FROM crawl_errors WHERE error = 'offsite_redirect'")}
    assert portal.url("site", "/xxgk/ndbg/r2020.html") in errors
    assert portal.url("site", "/attach/download.do?fileId=9") in errors
    assert (
        portal.url("other", "/moved/r2020.html")
        in errors[portal.url("site", "/xxgk/ndbg/r2020.html")]["message"]
    )
    assert not [p for name, p in portal.log if name == "other"]  # never asked


@pytest.mark.crawl
@pytest.mark.parametrize("name", ["附件1", "点击下载", "报告全文.pdf", "P020250120334455.pdf"])
def test_attachments_whose_names_say_nothing_are_followed(portal, tmp_path, name):
    portal.page(
        "/xxgk/ndbg/w2024.html",
        _wrapper(
            2024,
            f"<p>附件：<a href='./P0202501.pdf'>{name}</a></p>"
            "<p><a href='./sqb.doc'>政府信息公开申请表.doc</a></p>",
        ),
    )
    portal.routes[("site", "/xxgk/ndbg/P0202501.pdf")] = (
        200,
        {"Content-Type": "application/pdf"},
        _pdf(2024),
    )
    _list(portal, [("/xxgk/ndbg/w2024.html", _title(2024))])
    db = _crawl(portal, tmp_path)
    [report] = rows(db, "SELECT * FROM reports WHERE is_report = 1")
    assert report["url"] == portal.url("site", "/xxgk/ndbg/P0202501.pdf")
    assert report["attachment_of"] == portal.url("site", "/xxgk/ndbg/w2024.html")
    cells = rows(
        db, "SELECT count(*) AS n FROM cells WHERE report_url = ? AND table_name = 'table3'", (report["url"],)
    )
    assert cells[0]["n"] > 50
    assert ("site", "/xxgk/ndbg/sqb.doc") not in portal.log  # the application form is not the report


@pytest.mark.crawl
def test_a_withdrawn_file_behind_a_generic_403_does_not_block_the_site(portal, tmp_path):
    portal.page(
        "/xxgk/ndbg/w2019.html", _wrapper(2019, "<a href='/attach/download.do?fileId=9'>P020200120.pdf</a>")
    )
    portal.routes[("site", "/attach/download.do?fileId=9")] = (
        403,
        {"Content-Type": HTML},
        b"<html><body><h1>Whitelabel Error Page</h1><div>Access Denied</div></body></html>",
    )
    portal.routes[("site", "/xxgk/ndbg/r2024.html")] = (200, {"Content-Type": HTML}, _report(2024))
    _list(portal, [("/xxgk/ndbg/w2019.html", _title(2019)), ("/xxgk/ndbg/r2024.html", _title(2024))])
    db = _crawl(portal, tmp_path)
    [site] = rows(db, "SELECT status, reason FROM sites")
    assert site["status"] == "ok"
    assert {r["report_year"] for r in rows(db, "SELECT report_year FROM reports WHERE is_report = 1")} == {
        2024
    }
    errors = rows(db, "SELECT error, message FROM crawl_errors")
    assert any(e["error"] == "http_403" and "attachment" in e["message"] for e in errors)


def test_a_failing_callback_becomes_a_crawl_error():
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from gsspider.items import ErrorItem
    from gsspider.middlewares import CallbackErrorMiddleware

    mw = CallbackErrorMiddleware.from_crawler(get_crawler())
    request = Request("http://127.0.0.1:1/x.html", meta={"site": "http://127.0.0.1:1/"})
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    [item] = mw.process_spider_exception(response, ValueError("odd bytes"), None)
    assert isinstance(item, ErrorItem)
    assert (
        item.error == "callback_error" and "odd bytes" in item.message and item.site == "http://127.0.0.1:1/"
    )
