"""What a list reader returns, and the generic reading every family starts from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from parsel import Selector

_DATE_RE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_PAGER_TEXT_RE = re.compile(r"^(下一页|下页|后页|尾页|末页|>|>>|»|›|\d{1,4})$")
_SKIP_HREF_RE = re.compile(r"^\s*(javascript:|mailto:|tel:|#)", re.I)


@dataclass(slots=True)
class ListItem:
    url: str
    title: str
    date: str | None = None


@dataclass(slots=True)
class RequestSpec:
    """A request a list reader needs that is not a plain GET of a link (e.g. a POST to an API)."""

    url: str
    method: str = "GET"
    formdata: dict[str, str] | None = None
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    kind: str = "list"  # list | api


@dataclass(slots=True)
class ListPage:
    family: str
    items: list[ListItem] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # further list pages to GET
    requests: list[RequestSpec] = field(default_factory=list)


def iso_date(text: str) -> str | None:
    m = _DATE_RE.search(text or "")
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def anchors(sel: Selector, base_url: str) -> list[tuple[str, str, str]]:
    """(absolute url, anchor text, text of the enclosing list row) for every usable link."""
    out = []
    for a in sel.xpath("//a[@href]"):
        href = a.attrib.get("href", "")
        if not href or _SKIP_HREF_RE.match(href):
            continue
        text = " ".join("".join(a.xpath(".//text()").getall()).split())
        if not text:
            text = (a.attrib.get("title") or "").strip()
        row = a.xpath("ancestor::*[self::li or self::tr or self::dd or self::p][1]")
        row_text = " ".join("".join(row[0].xpath(".//text()").getall()).split()) if row else ""
        out.append((urljoin(base_url, href.strip()), text, row_text))
    return out


def generic_items(sel: Selector, base_url: str) -> list[ListItem]:
    """Links that look like list entries: inside a list row, with a title of some length."""
    items = []
    seen = set()
    for url, text, row_text in anchors(sel, base_url):
        if len(text) < 6 or url in seen:
            continue
        seen.add(url)
        title = (
            sel.xpath(f'//a[@href and normalize-space(.)="{text}"]/@title').get() if '"' not in text else None
        )
        items.append(ListItem(url, title if title and len(title) > len(text) else text, iso_date(row_text)))
    return items


def pager_links(sel: Selector, base_url: str) -> list[str]:
    """Pagination links in plain HTML (下一页, page numbers, ?page=N)."""
    pages = []
    base = urlsplit(base_url)
    for url, text, _ in anchors(sel, base_url):
        parts = urlsplit(url)
        if parts.netloc != base.netloc:
            continue
        if _PAGER_TEXT_RE.match(text) or re.search(r"[?&](page|pageNo|pageIndex|p|pn)=\d+", parts.query):
            if url.split("#")[0] != base_url.split("#")[0]:
                pages.append(url.split("#")[0])
    return list(dict.fromkeys(pages))
