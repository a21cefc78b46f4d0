"""gkmlpt (广东 政府信息公开目录平台): no static lists at all; JSON keyed by the page's SID.

What real bytes look like: ``/gkmlpt/index`` prints the column tree as hash links
``<a href="/gkmlpt/index#6322" data-id="6322">政府信息公开年报</a>`` (a link extractor sees one URL,
the page itself) and ``<script>window._CONFIG = {SID: "449036", API_BASE: "/gkmlpt/api",
PAGE_SIZE: 10};</script>``. The app then GETs ``<API_BASE>/all/<columnId>?page=N&sid=<SID>``:
``{"total": 21, "page": 1, "size": 10, "classify": {…}, "articles": [{"title", "url":
"…/gkmlpt/content/0/278/post_278011.html#6322", "created_at": "2025-03-21 09:30:00", …}]}``; a missing
or wrong ``sid`` answers 400 ``{"error": "invalid sid", …}``.

:func:`read` asks page 1 of every column whose title reads as a report column
(:func:`gsspider.discovery.classify_link`); :func:`read_api`, answering page 1, asks pages
2…ceil(total/size). Article URLs lose their ``#<column>`` fragment (one article, one URL).
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from parsers.dates import parse_date

from .. import discovery
from .base import (
    ListItem,
    ListPage,
    ListReadError,
    RequestSpec,
    generic_items,
    js_object,
    safe_urljoin,
    to_int,
)

FAMILY = "gkmlpt"
MAX_REQUESTS = 200
DEFAULT_API_BASE = "/gkmlpt/api"

_CONFIG_START = r"window\._CONFIG\s*="
_COLUMN_HREF_RE = re.compile(r"#(\d+)\s*$")


def config(html: str) -> dict[str, str] | None:
    """``window._CONFIG`` when it carries a SID."""
    if "_CONFIG" not in html:
        return None
    found = js_object(html, _CONFIG_START)
    return found if found and found.get("SID") else None


def detect(html: str) -> bool:
    return config(html) is not None


def report_columns(sel: Selector, url: str) -> list[tuple[str, str]]:
    """(column id, title) of the tree's links that lead to reports (年报 / 年度报告 columns)."""
    out: dict[str, str] = {}
    for a in sel.xpath("//a[@href]"):
        href = a.attrib["href"]
        m = _COLUMN_HREF_RE.search(href)
        column = a.attrib.get("data-id") or (m.group(1) if m else "")
        if not column.isdigit():
            continue
        text = " ".join("".join(a.xpath(".//text()").getall()).split()) or a.attrib.get("title", "")
        link = safe_urljoin(url, href)
        if link is None:
            continue
        kind = discovery.classify_link(text, link).kind
        if kind == discovery.COLUMN and column not in out:
            out[column] = text
    return list(out.items())


def _page_url(base: str, page: int) -> str:
    """``base`` with its ``page`` parameter set to ``page`` (kept in place, the rest untouched)."""
    parts = urlsplit(base)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k == "page" for k, _ in query):
        query.insert(0, ("page", ""))
    query = [(k, str(page) if k == "page" else v) for k, v in query]
    return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


def read(url: str, html: str, sel: Selector | None = None) -> ListPage:
    sel = sel or Selector(text=html)
    cfg = config(html) or {}
    here = url.split("#")[0]
    # The tree's hash links are the page itself, not list items.
    items = [i for i in generic_items(sel, url) if i.url.split("#")[0] != here]
    requests = []
    api = safe_urljoin(url, (cfg.get("API_BASE") or DEFAULT_API_BASE).rstrip("/") + "/")
    if cfg.get("SID") and api is not None:
        for column, _title in report_columns(sel, url)[:MAX_REQUESTS]:
            target = urljoin(api, f"all/{column}") + "?" + urlencode({"page": 1, "sid": cfg["SID"]})
            requests.append(RequestSpec(url=target, method="GET", kind="api", family=FAMILY))
    return ListPage(FAMILY, items, [], requests)


def read_api(spec: RequestSpec, body: bytes, content_type: str | None = None) -> ListPage:
    """Items of one column page; page 1 also asks pages 2…ceil(total/size).
    ``{"error": …}`` (the 400 of a wrong sid) or anything not a list object -> ListReadError."""
    try:
        answer = json.loads(body.decode("utf-8", errors="replace").lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ListReadError(f"gkmlpt answer {spec.url} is not JSON: {exc}") from exc
    if not isinstance(answer, dict):
        raise ListReadError(f"gkmlpt answer {spec.url}: not an object")
    if answer.get("error"):
        raise ListReadError(f"gkmlpt answer {spec.url} refused: {answer['error']}")
    articles = answer.get("articles")
    if not isinstance(articles, list):
        raise ListReadError(f"gkmlpt answer {spec.url}: no articles list")
    items = []
    for doc in articles:
        if not isinstance(doc, dict) or not isinstance(doc.get("url"), str) or not doc["url"].strip():
            continue
        link = safe_urljoin(spec.url, doc["url"].strip())
        if link is None:
            continue  # "http://[::1": not a URL; the column's other articles stand
        link = link.split("#")[0]
        title = " ".join(str(doc.get("title") or "").split())
        items.append(
            ListItem(link, title, parse_date(str(doc.get("created_at") or doc.get("publish_time") or "")))
        )
    requests = []
    page = to_int(answer.get("page"), None) or to_int(
        dict(parse_qsl(urlsplit(spec.url).query)).get("page"), 1
    )
    total, size = to_int(answer.get("total"), 0) or 0, to_int(answer.get("size"), 0) or len(articles)
    if page == 1 and size > 0:
        # Integer ceiling, clamped: a broken total of 400 digits overflows a float.
        count = min(-(-total // size), MAX_REQUESTS)
        requests = [
            RequestSpec(url=_page_url(spec.url, n), method="GET", kind="api", family=FAMILY)
            for n in range(2, count + 1)
        ]
    return ListPage(FAMILY, items, [], requests)
