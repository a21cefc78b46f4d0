"""What a list reader returns, and the generic reading every family starts from.

Errors: a reader that cannot use an API answer at all raises :class:`ListReadError` (the spider
records a crawl error, no items). A reader that salvaged records from a broken answer returns them
with ``ListPage.error`` set (the spider records the error *and* uses the items).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from parsers.dates import parse_date

_PAGER_TEXT_RE = re.compile(r"^(下一页|下页|后页|尾页|末页|>|>>|»|›|\d{1,4})$")
_SKIP_HREF_RE = re.compile(r"^\s*(javascript:|mailto:|tel:|#)", re.I)
#: The URL a ``javascript:`` link goes to, when it says so plainly: ``window.location='…'``,
#: ``location.href="…"``, ``window.open('…')`` (portals wrap outbound links in confirm() boxes).
_SCRIPT_TARGET_RE = re.compile(
    r"""(?:(?:window|self|top|document)\.)?location(?:\.href)?\s*=\s*(['"])(?P<a>[^'"]+)\1"""
    r"""|window\.open\(\s*(['"])(?P<b>[^'"]+)\3""",
    re.I,
)


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
    #: The reader whose ``read_api`` parses the answer (``listreaders.read_api`` routes by it).
    family: str = ""


@dataclass(slots=True)
class ListPage:
    family: str
    items: list[ListItem] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # further list pages to GET
    requests: list[RequestSpec] = field(default_factory=list)
    #: Set when the answer was broken but some records were salvaged (``items`` holds them).
    error: str | None = None


class ListReadError(ValueError):
    """An API answer a reader cannot use at all: malformed beyond salvage, a DTD/entity declaration
    (refused, never resolved), an error object (e.g. gkmlpt's 400 ``{"error": "invalid sid"}``).
    The message says which answer and why; the spider records it as a crawl error."""


_JS_KEY_RE = re.compile(r"""\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([A-Za-z_$][\w$]*))\s*:\s*""")


def _js_string(text: str, pos: int) -> tuple[str, int]:
    """The JS string literal starting at ``text[pos]`` (a quote), unescaped simply, and the end."""
    quote, out, i = text[pos], [], pos + 1
    while i < len(text) and text[i] != quote:
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out), i + 1


def js_object(text: str, start: str) -> dict[str, str] | None:
    """The flat JS object literal after the regex ``start`` (e.g. ``var listConfig\\s*=``), as
    str -> str. Templates write keys bare or quoted and values in ' or " or as bare numbers /
    expressions (``totalRecord: 21``); nested objects are kept as their source text."""
    m = re.search(start + r"\s*\{", text)
    if not m:
        return None
    out: dict[str, str] = {}
    pos = m.end()
    while pos < len(text):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "}":
            return out
        k = _JS_KEY_RE.match(text, pos)
        if not k:
            return out  # not a literal we understand; keep what was read
        key = next(g for g in k.groups() if g is not None)
        pos = k.end()
        if pos < len(text) and text[pos] in "'\"":
            begin = pos
            value, pos = _js_string(text, pos)
            rest = text[pos : pos + 200].lstrip()
            if rest and rest[0] not in ",}":  # 'a' + b: an expression, kept as source text
                value, pos = _js_expression(text, begin)
        else:
            value, pos = _js_expression(text, pos)
        out[key] = value
    return out


def _js_expression(text: str, pos: int) -> tuple[str, int]:
    """Source text of a value up to the next ``,`` or ``}`` outside brackets and strings
    (``$('#u').find('datastore')``, ``{'col':1}``, ``21``)."""
    depth, begin = 0, pos
    while pos < len(text):
        ch = text[pos]
        if ch in "'\"":
            _, pos = _js_string(text, pos)
            continue
        if ch in ",}" and depth == 0:
            break
        depth += 1 if ch in "([{" else -1 if ch in ")]}" else 0
        pos += 1
    return text[begin:pos].strip(), pos


def to_int(value: str | None, default: int | None = None) -> int | None:
    """``'21'``, ``21``, ``"21"`` -> 21; anything else -> ``default``."""
    try:
        return int(str(value).strip().strip("'\""))
    except (TypeError, ValueError):
        return default


def safe_urljoin(base: str, href: str) -> str | None:
    """``urljoin``, or None for an href Python cannot parse.

    Real pages carry unfilled template placeholders (``http://[siteurl]/…``) and broken brackets
    (``http://[``): ``urljoin`` raises ``ValueError`` on them, and one such link must not cost the
    page its other links.
    """
    try:
        url = urljoin(base, href)
        urlsplit(url).port  # noqa: B018 - raises ValueError on a malformed host or port
    except ValueError:
        return None
    return url


def script_target(href: str) -> str | None:
    """The URL of a ``javascript:`` href that only sends the browser somewhere, or None.

    >>> script_target("javascript:if(confirm('leave?'))window.location='http://zwgk.x.gov.cn/a?b=1'")
    'http://zwgk.x.gov.cn/a?b=1'
    >>> script_target("javascript:void(0)") is None
    True
    """
    m = _SCRIPT_TARGET_RE.search(href)
    if m is None:
        return None
    target = (m.group("a") or m.group("b") or "").strip()
    return target if target and not _SKIP_HREF_RE.match(target) else None


def anchors(sel: Selector, base_url: str) -> list[tuple[str, str, str]]:
    """(absolute url, anchor text, text of the enclosing list row) for every usable link."""
    out = []
    for a in sel.xpath("//a[@href]"):
        href = a.attrib.get("href", "")
        if href.lstrip()[:11].lower() == "javascript:":
            href = script_target(href) or ""
        if not href or _SKIP_HREF_RE.match(href):
            continue
        text = " ".join("".join(a.xpath(".//text()").getall()).split())
        if not text:
            text = (a.attrib.get("title") or "").strip()
        row = a.xpath("ancestor::*[self::li or self::tr or self::dd or self::p][1]")
        row_text = " ".join("".join(row[0].xpath(".//text()").getall()).split()) if row else ""
        url = safe_urljoin(base_url, href.strip())
        if url is not None:
            out.append((url, text, row_text))
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
        items.append(ListItem(url, title if title and len(title) > len(text) else text, parse_date(row_text)))
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
