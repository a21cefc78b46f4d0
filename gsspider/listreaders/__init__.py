"""List readers, one small module per CMS family, chosen by detection on the page's content.

Each module has ``FAMILY``, ``detect(html) -> bool`` and ``read(url, html, sel) -> ListPage``.
A site-registry hint (``family``) puts that family first.

Script-driven families (``hanweb``, ``trs_api``, ``gkmlpt``) also return ``ListPage.requests``:
the API calls the page's script would make, each a :class:`RequestSpec` with ``kind="api"`` and
``family`` set. Their answers go to :func:`read_api`, which may ask further requests in turn.
Errors: :class:`ListReadError` when an answer is unusable (no items); ``ListPage.error`` when it
was broken but records were salvaged (use the items, record the error).
"""

from __future__ import annotations

from parsel import Selector

from . import gkmlpt, hanweb, paged, trs, trs_api
from .base import ListItem, ListPage, ListReadError, RequestSpec

#: Most specific first; ``paged`` is the fallback and always matches. The script-driven families
#: come before ``trs``: a 动静结合 page is a TRS page too, and a generic pager may sit beside jpage.
READERS = (hanweb, trs_api, gkmlpt, trs, paged)
FAMILIES = {r.FAMILY: r for r in READERS}


def _failed(family: str, url: str, exc: Exception) -> ListReadError:
    return ListReadError(f"{family} list reader failed on {url}: {type(exc).__name__}: {exc}")


def read_list(url: str, html: str, hint: str | None = None, sel: Selector | None = None) -> ListPage:
    """The list page ``url`` as its family's reader reads it (``paged`` when none detects it).

    A reader that fails on the page (a bug, data it did not expect) raises :class:`ListReadError`
    naming the family and the exception: one bad page never kills the spider's callback."""
    sel = sel or Selector(text=html)
    readers = list(READERS)
    if hint in FAMILIES:
        readers.insert(0, FAMILIES[hint])
    reader = paged
    try:
        for reader in readers:
            if reader.detect(html):
                break
        else:
            reader = paged
        page = reader.read(url, html, sel)
        if reader is not paged:
            # A family reader may not see plain next links; add them.
            extra = paged.read(url, html, sel).pages
            page.pages = list(dict.fromkeys(page.pages + extra))
        return page
    except ListReadError:
        raise
    except Exception as exc:
        raise _failed(reader.FAMILY, url, exc) from exc


def read_api(spec: RequestSpec, body: bytes, content_type: str | None = None) -> ListPage:
    """Read the answer to a request a reader asked for, with the reader named by ``spec.family``.

    Raises :class:`ListReadError` for an unusable answer (or an unknown family, or a reader that
    failed on it); a salvaged broken answer comes back with ``error`` set. The result may hold
    further ``requests``.
    """
    reader = FAMILIES.get(spec.family)
    if reader is None or not hasattr(reader, "read_api"):
        raise ListReadError(f"no list reader reads API answers of family {spec.family!r} ({spec.url})")
    try:
        return reader.read_api(spec, body, content_type)
    except ListReadError:
        raise
    except Exception as exc:
        raise _failed(spec.family, spec.url, exc) from exc


__all__ = [
    "FAMILIES",
    "READERS",
    "ListItem",
    "ListPage",
    "ListReadError",
    "RequestSpec",
    "read_api",
    "read_list",
]
