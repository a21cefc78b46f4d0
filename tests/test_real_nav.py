"""Real navigation pages (``tests/data/real-nav``, copied from the project's material): the link
toward each portal's 年报 column is chosen, and requested by the real crawler.

Each page is served at its own URL (or, where the material does not know it, a URL on the
right government's domain) by the loopback proxy of :mod:`demoportal.vhosts`, crawled with
``gsspider crawl PAGE_URL``, and the proxy's log must show the labelled ``toward_reports`` link
asked for: scored, chosen, admitted to the crawl's scope (most are on another host) and sent.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from demoportal import vhosts as vh
from gsspider.discovery import nav_choices
from gsspider.listreaders.base import anchors
from parsers.html import decode_html
from tests.conftest import crawl_via, rows

DATA = Path(__file__).parent / "data" / "real-nav"
ANSWERS = json.loads((DATA / "answers.json").read_text(encoding="utf-8"))
#: Where each page is served. The material's own URL where it has one; for the pages whose URL
#: is unknown, a page of the right government's domain (the links that matter are absolute).
#: 008 is an https site: served over http here (this proxy speaks no TLS); its 年报 link is an
#: absolute https URL, seen by the proxy as a CONNECT to the host.
SERVED_AT = {
    "001": "http://yjj.hefei.gov.cn/Jczd/",
    "002": "http://hf.ahga.gov.cn/",
    "003": "http://hf.ahga.gov.cn/index.html",
    "004": "http://hdzfxxgk.hd.gov.cn/",
    "005": "http://fgj.jieyang.gov.cn/web/index.action",
    "006": "http://fgj.jieyang.gov.cn/web/govpubPage.action",
    "007": "http://jyt.zj.gov.cn/art/2024/10/21/art_1543973_58942886.html",
    "008": "http://sctcm.sc.gov.cn/sctcm/gddt/article.shtml",
    "009": "http://whly.hebei.gov.cn/",
}
PAGES = sorted(ANSWERS)


def page_links(name: str) -> list[tuple[str, str]]:
    text, _ = decode_html((DATA / f"{name}.html").read_bytes(), None)
    return [(url, label) for url, label, _ in anchors(Selector(text=text), SERVED_AT[name])]


def test_material_is_complete():
    assert set(SERVED_AT) == set(ANSWERS) and len(PAGES) == 9


@pytest.mark.parametrize("name", PAGES)
def test_the_way_to_the_reports_is_chosen(name):
    chosen = nav_choices(page_links(name), "home")
    urls = [c.url for c in chosen]
    toward = ANSWERS[name]["toward_reports"]
    assert any(u in urls for u in toward), (toward, [(c.kind, c.label, c.url) for c in chosen])


@pytest.mark.crawl
@pytest.mark.parametrize("name", PAGES)
def test_the_crawler_requests_it(name, tmp_path):
    url = SERVED_AT[name]
    parts = urlsplit(url)
    body = (DATA / f"{name}.html").read_bytes()
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    hosts = {parts.netloc: {target: (200, {"Content-Type": "text/html; charset=utf-8"}, body)}}
    db = tmp_path / "g.db"
    with vh.VirtualHosts(hosts) as proxy:
        crawl_via(proxy, db, url)
        log = list(proxy.request_log)
    asked = {(r.host, r.target) for r in log}
    hits = []
    for toward in ANSWERS[name]["toward_reports"]:
        t = urlsplit(toward)
        if t.scheme == "https":  # through a tunnel: the proxy sees the host, the crawl the URL
            errors = {r["url"] for r in rows(db, "SELECT url FROM crawl_errors")}
            hits.append((t.netloc, "CONNECT") in {(r.host, r.method) for r in log} and toward in errors)
        else:
            hits.append((t.netloc, t.path + (f"?{t.query}" if t.query else "")) in asked)
    assert any(hits), (ANSWERS[name]["toward_reports"], sorted(asked))
