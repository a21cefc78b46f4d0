"""Hanweb (大汉 JCMS) columns ``/col/colNNN/index.html``: lists held in a script, later groups by POST.

What real bytes look like: the first group of records sits in
``<div id="UNITID"><script type="text/xml"><datastore><recordset><record><![CDATA[<li><a href=…
title="FULL TITLE">TITLE cut to ~28 chars + "..."</a><span>2025-03-15</span></li>]]></record>…``,
which an HTML link extractor never sees (script content is text). The page's
``$('#UNITID').jpage({proxyUrl: '/module/web/jpage/dataproxy.jsp', totalRecord: T, perPage: P,
groupSize: G, ajaxParam: {'col':1,'appid':1,'webid':W,'columnid':C,'unitid':U,…}})`` call then
POSTs ``ajaxParam`` (urlencoded) to ``proxyUrl?startrecord=S&endrecord=E&perpage=P`` with
``S = P*G*k + 1``, ``E = S + P*G - 1`` for k = 1, 2, … while ``S <= T``; a GET answers 405.

The answer is XML, ``<datastore><totalrecord>T</totalrecord><recordset><record><![CDATA[<li>…]]>``,
parsed with defusedxml: a DTD is refused outright (an answer that declares entities is hostile or
broken; nothing in it is used), so ``SYSTEM`` entities are never fetched. Malformed XML (a JSP
error halfway through leaves a record cut mid-CDATA) is read tolerantly: the complete
``<record>``s before the cut are returned with ``ListPage.error`` set; none -> :class:`ListReadError`.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException
from parsel import Selector

from parsers.dates import parse_date

from .base import ListItem, ListPage, ListReadError, RequestSpec, js_object, safe_urljoin, to_int

FAMILY = "hanweb"
#: Where JCMS serves further groups when a template's jpage call names no proxyUrl.
PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
#: A column of 200 groups is already ~9000 records at the usual 15 x 3; more is a broken number.
MAX_REQUESTS = 200

_DATASTORE_RE = re.compile(
    r"<script[^>]*type=[\"']text/xml[\"'][^>]*>\s*<datastore>(.*?)</datastore>", re.S | re.I
)
_NEXTGROUP_RE = re.compile(r"<nextgroup>\s*<!\[CDATA\[\s*<a[^>]*href=[\"']([^\"']+)", re.I)
_TRAILING_DATE_RE = re.compile(r"\s*[\[(（]?(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[\])）]?\s*$")
_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_TOTAL_RE = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")
_DTD_RE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
_ENCODING_RE = re.compile(rb"""<\?xml[^>]*encoding=["']([\w-]+)["']""")


def detect(html: str) -> bool:
    if "<datastore>" in html and _DATASTORE_RE.search(html):
        return True
    return ".jpage(" in html and "proxyUrl" in html


def record_item(fragment: str, base_url: str) -> ListItem | None:
    """One record's ``<li><a href title>text</a><span>date</span></li>``: the full title from
    ``title`` when the text is cut ("..."), the date from the row's text."""
    sel = Selector(text=fragment)
    a = sel.xpath("//a[@href]")
    if not a:
        return None
    href = a[0].attrib["href"].strip()
    text = " ".join("".join(a[0].xpath(".//text()").getall()).split())
    text = _TRAILING_DATE_RE.sub("", text) or text  # some templates put the date inside the <a>
    full = " ".join((a[0].attrib.get("title") or "").split())
    cut = text.endswith(("...", "…"))
    title = full if full and (cut or len(full) > len(text)) else text or full
    date = parse_date(" ".join(sel.xpath("//span//text()").getall())) or parse_date(
        " ".join(sel.xpath("//text()").getall())
    )
    link = safe_urljoin(base_url, href)
    return ListItem(link, title, date) if link is not None else None


def _items(fragments: list[str], base_url: str) -> list[ListItem]:
    items = []
    for fragment in fragments:
        if (item := record_item(fragment, base_url)) is not None:
            items.append(item)
    return items


def group_ranges(total: int, group: int, limit: int = MAX_REQUESTS) -> list[tuple[int, int]]:
    """The (startrecord, endrecord) pairs the page's script asks after the static first group of
    ``group`` (= perPage * groupSize) records: ``S = group*k + 1``, ``E = S + group - 1``, k = 1…"""
    group = max(group, 1)
    return [(group * k + 1, group * (k + 1)) for k in range(1, limit + 1) if group * k + 1 <= total]


def _nextgroup(html: str) -> tuple[str, dict[str, str]] | None:
    """(path, query fields) of the datastore's ``<nextgroup>`` link: the same fields as ajaxParam
    (``page`` aside), used when a template leaves ajaxParam out."""
    m = _NEXTGROUP_RE.search(html)
    if not m:
        return None
    try:
        parts = urlsplit(unescape(m.group(1)))
    except ValueError:  # "http://[": no usable link
        return None
    fields = {k: unquote(v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"}
    return parts.path, fields  # webname is %-encoded twice in the link: parse_qsl + unquote


def requests_for(url: str, html: str, static_count: int = 0) -> list[RequestSpec]:
    """The dataproxy POSTs of the page's ``jpage({...})`` call. Templates vary: without
    ``proxyUrl`` the ``<nextgroup>`` path (else JCMS's fixed path) is used, without ``ajaxParam``
    the nextgroup's query fields, without ``groupSize`` the size of the static first group."""
    call = js_object(html, r"\.jpage\s*\(")
    if not call:
        return []
    nextgroup = _nextgroup(html)
    proxy_path = call.get("proxyUrl") or (nextgroup[0] if nextgroup else "") or PROXY_PATH
    param = js_object(call.get("ajaxParam", ""), "") or (nextgroup[1] if nextgroup else {})
    per_page = to_int(call.get("perPage"), 15) or 15
    total = to_int(call.get("totalRecord"), 0) or 0
    if (group_size := to_int(call.get("groupSize"))) is not None and group_size > 0:
        group = per_page * group_size
    else:
        group = static_count or per_page * 3
    proxy = safe_urljoin(url, proxy_path)
    if proxy is None:
        return []
    joiner = "&" if "?" in proxy else "?"
    return [
        RequestSpec(
            url=f"{proxy}{joiner}startrecord={start}&endrecord={end}&perpage={per_page}",
            method="POST",
            formdata=dict(param),
            kind="api",
            family=FAMILY,
        )
        for start, end in group_ranges(total, group)
    ]


def read(url: str, html: str, sel: Selector | None = None) -> ListPage:
    fragments = []
    for store in _DATASTORE_RE.findall(html):
        fragments += _RECORD_RE.findall(store)
    return ListPage(FAMILY, _items(fragments, url), [], requests_for(url, html, len(fragments)))


def _decode(body: bytes, content_type: str | None) -> str:
    m = _ENCODING_RE.search(body[:200])
    charset = m.group(1).decode() if m else None
    if not charset and content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=")[-1].split(";")[0].strip()
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def read_api(spec: RequestSpec, body: bytes, content_type: str | None = None) -> ListPage:
    """Items of one dataproxy answer. DTD/entities -> ListReadError (never resolved); malformed XML
    -> the complete records before the damage with ``error`` set (none salvaged -> ListReadError)."""
    root_at = body.find(b"<datastore")
    if _DTD_RE.search(body[: root_at if root_at >= 0 else len(body)]):
        raise ListReadError(
            f"hanweb dataproxy answer {spec.url} declares a DTD/entities: refused, not resolved"
        )
    try:
        root = DET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:  # belt and braces: _DTD_RE should have caught it
        raise ListReadError(f"hanweb dataproxy answer {spec.url} refused: {exc}") from exc
    except ParseError as exc:
        text = _decode(body, content_type)
        fragments = _RECORD_RE.findall(text)
        if not fragments:
            raise ListReadError(f"hanweb dataproxy answer {spec.url} is not XML: {exc}") from exc
        return ListPage(
            FAMILY,
            _items(fragments, spec.url),
            error=f"hanweb dataproxy answer {spec.url} is malformed XML ({exc}); "
            f"{len(fragments)} complete records salvaged",
        )
    if root.tag != "datastore":
        raise ListReadError(f"hanweb dataproxy answer {spec.url}: root <{root.tag}>, not <datastore>")
    fragments = [r.text or "" for r in root.iter("record")]
    return ListPage(FAMILY, _items(fragments, spec.url))
