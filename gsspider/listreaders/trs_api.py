"""TRS 动静结合 lists (Fujian's intensive platform): 10 items in the HTML, the rest from a JSON API.

What real bytes look like: the page prints the first ``pageSize`` items as
``<ul class="list" id="docList"><li><a href="./202502/t20250203_172017.htm" title="…">…</a>
<span class="date">2025-02-03</span></li>…``, includes ``list2.trsapi.js`` and declares
``var listConfig = {url: '/fjdzapp/search', channelid: '229105', sortfield: '-docorderpri,-docreltime',
classsql: 'chnlid=NNNNN', classcol, classnum, classsort, cache, pageSize: 10, recordCount: 'T'}``
(keys bare or quoted, values in ' or "). The script POSTs those fields plus ``page=N&prepage=pageSize``
for pages 2…; the answer is ``{"page", "pageCount", "prepage", "recordCount", "data": [{"doctitle",
"docpuburl" (absolute), "docreltime": "2023-01-18 09:30:00", …}]}``.

Fewer requests: the API honours ``prepage`` up to 500, so :func:`read` asks ``page=1&prepage=500``
once (the static items come back again; duplicates are the spider's to drop) and :func:`read_api`,
answering page 1, asks pages 2… at the page size the answer reports, if there are more. A column of
``recordCount <= pageSize`` needs no request at all.

A truncated answer (the search backend dropped the connection) is read tolerantly: the complete
``data`` objects before the cut are returned with ``ListPage.error`` set, and if the request was a
big page, the records after the salvaged ones are asked again in pages of :data:`FALLBACK_PAGE_SIZE`
(those are not retried further). Nothing salvageable -> :class:`ListReadError`.
"""

from __future__ import annotations

import json
import re

from parsel import Selector

from parsers.dates import parse_date

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

FAMILY = "trs_api"
#: The largest ``prepage`` the platform honours.
MAX_PREPAGE = 500
#: Page size for re-asking what a broken big page lost (the platform's own default).
FALLBACK_PAGE_SIZE = 10
MAX_REQUESTS = 200
#: The ``listConfig`` fields the script posts as they are (``page`` and ``prepage`` are added).
FORM_FIELDS = ("channelid", "sortfield", "classsql", "classcol", "classnum", "classsort", "cache")

_CONFIG_START = r"""(?:var|let|const|window\.)\s*listConfig\s*="""
_HEAD_RE = {
    key: re.compile(rf'"{key}"\s*:\s*"?(\d+)') for key in ("page", "prepage", "recordCount", "pageCount")
}


def list_config(html: str) -> dict[str, str] | None:
    """The page's ``listConfig`` if it drives the TRS search API (has a url and a channel or query)."""
    if "listConfig" not in html:
        return None
    config = js_object(html, _CONFIG_START)
    if not config or not config.get("url"):
        return None
    if not ("channelid" in config or "classsql" in config):
        return None
    return config


def detect(html: str) -> bool:
    return list_config(html) is not None


def _static_items(sel: Selector, url: str) -> list[ListItem]:
    items = []
    for li in sel.xpath('//ul[@id="docList"]//li'):
        a = li.xpath(".//a[@href]")
        if not a:
            continue
        text = " ".join("".join(a[0].xpath(".//text()").getall()).split())
        full = " ".join((a[0].attrib.get("title") or "").split())
        title = full if full and len(full) >= len(text) else text
        date = parse_date(" ".join(li.xpath(".//span//text()").getall())) or parse_date(
            " ".join(li.xpath(".//text()").getall())
        )
        link = safe_urljoin(url, a[0].attrib["href"].strip())
        if link is not None:
            items.append(ListItem(link, title, date))
    return items


def page_spec(api_url: str, form: dict[str, str], page: int, prepage: int) -> RequestSpec:
    return RequestSpec(
        url=api_url,
        method="POST",
        formdata={**form, "page": str(page), "prepage": str(prepage)},
        kind="api",
        family=FAMILY,
    )


def read(url: str, html: str, sel: Selector | None = None) -> ListPage:
    sel = sel or Selector(text=html)
    items = _static_items(sel, url) or generic_items(sel, url)
    config = list_config(html)
    requests = []
    if config is not None:
        size = to_int(config.get("pageSize"), 10) or 10
        total = to_int(config.get("recordCount"))
        form = {k: config[k] for k in FORM_FIELDS if k in config}
        # recordCount missing or not a number: ask anyway, the answer says how many there are.
        api = safe_urljoin(url, config["url"])
        if api is not None and (total is None or total > size):
            requests.append(page_spec(api, form, 1, max(size, MAX_PREPAGE)))
    return ListPage(FAMILY, items, [], requests)


def _item(doc: dict, base_url: str) -> ListItem | None:
    href = str(doc.get("docpuburl") or doc.get("url") or "").strip()
    if not href:
        return None
    link = safe_urljoin(base_url, href)
    if link is None:
        return None
    title = " ".join(str(doc.get("doctitle") or doc.get("title") or "").split())
    return ListItem(link, title, parse_date(str(doc.get("docreltime") or "")))


def _salvage(text: str) -> list[dict]:
    """The complete objects of the ``data`` array before the point where the text breaks off."""
    m = re.search(r'"data"\s*:\s*\[', text)
    if not m:
        return []
    decoder, pos = json.JSONDecoder(), m.end()
    out: list[dict] = []
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            return out
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return out
        if isinstance(obj, dict):
            out.append(obj)


def _form_int(spec: RequestSpec, key: str, default: int) -> int:
    return to_int((spec.formdata or {}).get(key), default) or default


def read_api(spec: RequestSpec, body: bytes, content_type: str | None = None) -> ListPage:
    """Items of one search answer; answering page 1 also asks the remaining pages. Truncated JSON ->
    salvaged objects with ``error`` set (+ re-asks in small pages); nothing usable -> ListReadError."""
    page = _form_int(spec, "page", 1)
    prepage = _form_int(spec, "prepage", FALLBACK_PAGE_SIZE)
    form = {k: v for k, v in (spec.formdata or {}).items() if k not in ("page", "prepage")}
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as exc:
        docs = _salvage(text)
        heads = {key: int(m.group(1)) for key, rx in _HEAD_RE.items() if (m := rx.search(text[:300]))}
        total = heads.get("recordCount")
        if not docs and total is None:
            raise ListReadError(f"trs_api answer {spec.url} page {page} is not JSON: {exc}") from exc
        requests = []
        if total is not None and prepage > FALLBACK_PAGE_SIZE:
            # Re-ask what the broken big page held after the salvaged objects, in small pages.
            first = (page - 1) * prepage + len(docs) + 1
            last = min(page * prepage, total)
            if first <= last:
                low = _ceil_div(first, FALLBACK_PAGE_SIZE)
                high = min(_ceil_div(last, FALLBACK_PAGE_SIZE), low + MAX_REQUESTS - 1)
                requests += [page_spec(spec.url, form, n, FALLBACK_PAGE_SIZE) for n in range(low, high + 1)]
            if page == 1:
                requests += _more_pages(spec.url, form, total, prepage)
        return ListPage(
            FAMILY,
            [i for d in docs if (i := _item(d, spec.url)) is not None],
            [],
            requests[:MAX_REQUESTS],
            error=f"trs_api answer {spec.url} page {page} is malformed JSON ({exc}); "
            f"{len(docs)} complete records salvaged",
        )
    if not isinstance(answer, dict) or not isinstance(answer.get("data", []), list):
        raise ListReadError(f"trs_api answer {spec.url} page {page}: not a search result object")
    if answer.get("error") or (answer.get("msg") and not answer.get("data")):
        raise ListReadError(
            f"trs_api answer {spec.url} page {page}: {answer.get('error') or answer.get('msg')}"
        )
    docs = [d for d in answer.get("data") or [] if isinstance(d, dict)]
    requests = []
    if page == 1:
        size = to_int(answer.get("prepage"), prepage) or prepage  # the server may cap prepage
        total = to_int(answer.get("recordCount"))
        if total is not None:
            requests = _more_pages(spec.url, form, total, size)
        elif (count := to_int(answer.get("pageCount"))) is not None:
            # Clamped before building: a broken pageCount (3,000,000) must not cost the memory.
            requests = [
                page_spec(spec.url, form, n, size) for n in range(2, min(count, MAX_REQUESTS + 1) + 1)
            ]
    return ListPage(
        FAMILY,
        [i for d in docs if (i := _item(d, spec.url)) is not None],
        [],
        requests[:MAX_REQUESTS],
    )


def _ceil_div(a: int, b: int) -> int:
    """Integer ceiling of a / b (no float: a broken count of 400 digits overflows a float)."""
    return -(-a // b)


def _more_pages(api_url: str, form: dict[str, str], total: int, size: int) -> list[RequestSpec]:
    if size <= 0:
        return []
    count = min(_ceil_div(total, size), MAX_REQUESTS)
    return [page_spec(api_url, form, n, size) for n in range(2, count + 1)]
