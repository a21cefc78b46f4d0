"""List readers, one small module per CMS family, chosen by detection on the page's content.

Each module has ``FAMILY``, ``detect(html) -> bool`` and ``read(url, html, sel) -> ListPage``.
A site-registry hint (``family``) puts that family first.
"""

from __future__ import annotations

from parsel import Selector

from . import paged, trs
from .base import ListItem, ListPage, RequestSpec

#: Most specific first; ``paged`` is the fallback and always matches.
READERS = (trs, paged)
FAMILIES = {r.FAMILY: r for r in READERS}


def read_list(url: str, html: str, hint: str | None = None, sel: Selector | None = None) -> ListPage:
    sel = sel or Selector(text=html)
    readers = list(READERS)
    if hint in FAMILIES:
        readers.insert(0, FAMILIES[hint])
    for reader in readers:
        if reader.detect(html):
            page = reader.read(url, html, sel)
            if reader is not paged:
                # A family reader may not see plain next links; add them.
                extra = paged.read(url, html, sel).pages
                page.pages = list(dict.fromkeys(page.pages + extra))
            return page
    return paged.read(url, html, sel)


__all__ = ["FAMILIES", "READERS", "ListItem", "ListPage", "RequestSpec", "read_list"]
