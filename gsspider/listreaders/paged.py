"""Plain paginated lists: ``?page=N``, ``list_N.html``, 下一页 links present as ``<a>`` tags."""

from __future__ import annotations

from parsel import Selector

from .base import ListPage, generic_items, pager_links

FAMILY = "paged"


def detect(html: str) -> bool:
    return True  # the fallback family: whatever links the page shows


def read(url: str, html: str, sel: Selector | None = None) -> ListPage:
    sel = sel or Selector(text=html)
    return ListPage(FAMILY, generic_items(sel, url), pager_links(sel, url))
