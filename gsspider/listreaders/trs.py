"""TRS WCM static lists: ``index.html``, ``index_1.html``…, pages announced only in JS.

The pager is a script call ``createPageHTML(countPage, currentPage, "index", "html")`` (newer
templates: ``createPageHTML("divId", countPage, currentPage, "index", "html", rowCount)``) or a
``var countPage = N``; page i is ``index_i.html`` and page 0 ``index.html``. No ``<a>`` tag
links pages 2+, so a plain link extractor stops at page one.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from parsel import Selector

from .base import ListPage, generic_items

FAMILY = "trs"
_CALL_RE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_COUNT_RE = re.compile(r"var\s+countPage\s*=\s*(\d+)")
MAX_PAGES = 500


def detect(html: str) -> bool:
    return "createPageHTML" in html or bool(_COUNT_RE.search(html))


def _pager_args(html: str) -> tuple[int, str, str] | None:
    """(page count, file prefix, suffix)."""
    m = _CALL_RE.search(html)
    if m:
        args = [a.strip().strip("'\"") for a in m.group(1).split(",")]
        nums = [a for a in args if a.isdigit()]
        words = [a for a in args if a and not a.isdigit()]
        count = int(nums[0]) if nums else None
        prefix = next(
            (w for w in words if w in ("index", "list") or w.startswith(("index", "list"))), "index"
        )
        suffix = next((w for w in words if w in ("html", "htm", "shtml", "jhtml")), "html")
        if count is None:
            m2 = _COUNT_RE.search(html)
            count = int(m2.group(1)) if m2 else None
        if count is not None:
            return count, prefix, suffix
    m2 = _COUNT_RE.search(html)
    if m2:
        return int(m2.group(1)), "index", "html"
    return None


def page_urls(url: str, html: str) -> list[str]:
    args = _pager_args(html)
    if not args:
        return []
    count, prefix, suffix = args
    count = min(count, MAX_PAGES)
    return [urljoin(url, f"{prefix}.{suffix}" if i == 0 else f"{prefix}_{i}.{suffix}") for i in range(count)]


def read(url: str, html: str, sel: Selector | None = None) -> ListPage:
    sel = sel or Selector(text=html)
    pages = [p for p in page_urls(url, html) if p != url]
    return ListPage(FAMILY, generic_items(sel, url), pages)
