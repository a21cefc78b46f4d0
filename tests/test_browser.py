"""Rendering through the system Chromium (gsspider.browser), against a page on 127.0.0.1 whose
report list exists only after JavaScript runs.

The crawl runs in a subprocess of its own session (Twisted's reactor starts once per process, and
the session lets the test kill Chromium with it); the whole test is bounded well under a minute.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gsspider import browser

pytestmark = pytest.mark.crawl  # runs a crawl or a server: not in the fast lane

ROOT = Path(__file__).resolve().parents[1]
CRAWL_TIMEOUT = 50
LINK_TEXT = "2024年政府信息公开工作年度报告"

# The list is built by /app.js from /api/list.json, fetched after a delay: after the load event,
# so the rendered DOM only has it if render_meta() waits for the network to go quiet.
LIST_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>年报</title></head>
<body><img src="/logo.png" alt=""><ul id="list"></ul><script src="/app.js"></script></body></html>
"""
APP_JS = """
setTimeout(function () {
  fetch("/api/list.json").then(function (r) { return r.json(); }).then(function (items) {
    var ul = document.getElementById("list");
    items.forEach(function (it) {
      var a = document.createElement("a");
      a.href = it.href;
      a.textContent = it.title;
      var li = document.createElement("li");
      li.appendChild(a);
      ul.appendChild(li);
    });
  });
}, 300);
"""
ROUTES = {
    "/list.html": ("text/html; charset=utf-8", LIST_PAGE),
    "/app.js": ("application/javascript", APP_JS),
    "/api/list.json": ("application/json", json.dumps([{"href": "/r/1.html", "title": LINK_TEXT}])),
    "/logo.png": ("image/png", ""),
}

SPIDER = textwrap.dedent(
    """
    import json, sys

    import scrapy
    from scrapy.crawler import CrawlerProcess

    from gsspider.browser import browser_settings, render_meta

    base, out = sys.argv[1], sys.argv[2]
    results = []


    class Probe(scrapy.Spider):
        name = "probe"

        async def start(self):
            yield scrapy.Request(base + "/list.html", meta=render_meta(), callback=self.parse)
            yield scrapy.Request(base + "/list.html?plain=1", callback=self.parse)

        def parse(self, response):
            results.append({
                "url": response.url,
                "flags": response.flags,
                "links": response.xpath("//a/@href").getall(),
                "texts": response.xpath("//a/text()").getall(),
            })


    settings = {
        **browser_settings(navigation_timeout_ms=15000),
        "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "DOWNLOAD_TIMEOUT": 15,
        "RETRY_ENABLED": False,
        "CLOSESPIDER_TIMEOUT": 40,
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(Probe)
    process.crawl(crawler)
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("playwright/")}
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"results": results, "stats": stats}, fh, ensure_ascii=False)
    """
)


class _Handler(BaseHTTPRequestHandler):
    seen: list[str]

    def do_GET(self):
        self.seen.append(self.path)
        route = ROUTES.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404)
            return
        ctype, text = route
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    seen: list[str] = []
    handler = type("Handler", (_Handler,), {"seen": seen})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _settings_or_skip() -> dict:
    try:
        return browser.browser_settings()
    except browser.BrowserUnavailable as exc:
        pytest.skip(str(exc))


def test_js_built_list_is_rendered_and_plain_requests_stay_plain(server, tmp_path):
    _settings_or_skip()
    base, seen = server
    script = tmp_path / "probe.py"
    script.write_text(SPIDER, encoding="utf-8")
    out = tmp_path / "out.json"
    proc = subprocess.Popen(
        [sys.executable, str(script), base, str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: Chromium and the driver die with it
    )
    try:
        _, stderr = proc.communicate(timeout=CRAWL_TIMEOUT)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever of the group is left, always
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)
    assert proc.returncode == 0, stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    by_url = {r["url"].removeprefix(base): r for r in data["results"]}
    assert set(by_url) == {"/list.html", "/list.html?plain=1"}, (by_url, stderr[-3000:])

    rendered, plain = by_url["/list.html"], by_url["/list.html?plain=1"]
    assert "playwright" in rendered["flags"]
    assert rendered["links"] == ["/r/1.html"]
    assert rendered["texts"] == [LINK_TEXT]
    assert "playwright" not in plain["flags"]
    assert plain["links"] == []

    # The browser fetched the page's script and its XHR, skipped the image; Scrapy's own
    # handler fetched the plain request (one fetch of each, no browser behind it).
    assert seen.count("/list.html") == 1
    assert seen.count("/list.html?plain=1") == 1
    assert seen.count("/app.js") == 1
    assert seen.count("/api/list.json") == 1
    assert "/logo.png" not in seen
    assert data["stats"].get("playwright/page_count") == 1


def test_missing_chromium_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv(browser.CHROMIUM_ENV, str(tmp_path / "no-such-chromium"))
    assert browser.find_chromium() is None
    with pytest.raises(browser.BrowserUnavailable, match="apt-get install -y chromium"):
        browser.browser_settings()
    with pytest.raises(browser.BrowserUnavailable, match="not found at /nowhere/chromium"):
        browser.browser_settings("/nowhere/chromium")


def test_missing_packages_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(browser, "missing_packages", lambda: ["scrapy_playwright"])
    with pytest.raises(browser.BrowserUnavailable, match=r"needs scrapy_playwright: .*\.\[browser\]"):
        browser.browser_settings()


def test_chromium_from_environment(monkeypatch, tmp_path):
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv(browser.CHROMIUM_ENV, str(fake))
    assert browser.find_chromium() == str(fake)
    if not browser.missing_packages():
        assert browser.browser_settings()["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"] == str(fake)


def test_settings_and_meta_shape():
    settings = _settings_or_skip()
    assert set(settings["DOWNLOAD_HANDLERS"]) == {"http", "https"}
    assert "--no-sandbox" in settings["PLAYWRIGHT_LAUNCH_OPTIONS"]["args"]
    assert settings["PLAYWRIGHT_LAUNCH_OPTIONS"]["headless"] is True
    first, second = browser.render_meta(), browser.render_meta()
    assert first["playwright"] is True
    assert first["playwright_page_goto_kwargs"] is not second["playwright_page_goto_kwargs"]


class _Page:
    def __init__(self, url: str):
        self.url = url


class _Frame:
    def __init__(self, url: str, parent=None, page_url: str = "about:blank"):
        self.url, self.parent_frame, self.page = url, parent, _Page(page_url)


class _Req:
    def __init__(self, url, frame, resource_type="script", navigation=False, redirected_from=None):
        self.url, self.frame, self.resource_type = url, frame, resource_type
        self._navigation, self.redirected_from = navigation, redirected_from

    def is_navigation_request(self):
        return self._navigation


PAGE = "http://127.0.0.1:8000/xxgk/list.html"


def test_browser_requests_stay_on_the_page_host():
    top = _Frame(PAGE, page_url=PAGE)
    assert not browser.skip_resource(_Req("http://127.0.0.1:8000/js/app.js", top))
    assert browser.skip_resource(_Req("http://cdn.example.com/jquery.js", top))
    assert browser.skip_resource(_Req("http://127.0.0.1:8001/api", top))  # another port: another site
    assert browser.skip_resource(_Req("http://127.0.0.1:8000/a.png", top, "image"))
    assert not browser.skip_resource(_Req("data:text/plain,x", top))


def test_the_first_navigation_of_a_fresh_tab_is_the_crawls_own():
    blank = _Frame("about:blank")
    assert not browser.skip_resource(_Req(PAGE, blank, "document", navigation=True))
    assert browser.skip_resource(_Req("http://other.example/x.js", blank))  # not a navigation


def test_an_about_blank_iframe_belongs_to_its_parent():
    top = _Frame(PAGE, page_url=PAGE)
    child = _Frame("about:blank", parent=top, page_url=PAGE)
    assert browser.skip_resource(_Req("http://127.0.0.1:9/from-blank-iframe.js", child))
    assert not browser.skip_resource(_Req("http://127.0.0.1:8000/own.js", child))


def test_a_redirect_followed_by_the_browser_stays_on_the_first_host():
    blank = _Frame("about:blank")
    first = _Req(PAGE, blank, "document", navigation=True)
    off = _Req(
        "http://127.0.0.1:9/redirected-nav.html", blank, "document", navigation=True, redirected_from=first
    )
    on = _Req("http://127.0.0.1:8000/moved.html", blank, "document", navigation=True, redirected_from=first)
    assert browser.skip_resource(off)
    assert not browser.skip_resource(on)


def test_a_request_tied_to_no_page_is_dropped():
    class Worker(_Req):
        @property
        def frame(self):
            raise RuntimeError("service worker request has no frame")

        @frame.setter
        def frame(self, value):
            pass

    assert browser.skip_resource(Worker("http://127.0.0.1:8000/sw-data", None))
