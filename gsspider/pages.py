"""What an HTML page says about itself before it is read: cut short, or sent elsewhere.

Pure functions over a response's bytes and headers. The spider records a truncated page and
still reads it; a page that refreshes elsewhere is followed, unless it is a soft 404 (a 200
answer that says the page does not exist and sends the reader back home).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsel import Selector

from gsspider.listreaders.base import safe_urljoin

_META_REFRESH_RE = re.compile(
    rb"<meta[^>]+http-equiv\s*=\s*[\"']?refresh[\"']?[^>]*content\s*=\s*[\"']?\s*\d*\s*;?\s*url\s*=\s*([^\"'>\s]+)",
    re.I,
)
_SOFT_404_RE = re.compile("页面不存在|页面未找到|找不到该页面|404|已删除|不存在或已")
#: A soft 404 says little: a page with more text than this is a page, whatever it mentions.
_SOFT_404_MAX_TEXT = 400
#: Where a meta refresh is looked for, and where an HTML page's start and end are.
_REFRESH_BYTES = 4096
_START_BYTES = 200
_END_BYTES = 2048


def is_truncated(body: bytes, content_type: str | None) -> bool:
    """An HTML page that starts as a whole document (``<html``) and ends before ``</html>``."""
    return (
        "html" in (content_type or "").lower()
        and body.lstrip()[:_START_BYTES].lower().find(b"<html") != -1
        and b"</html>" not in body[-_END_BYTES:].lower()
    )


@dataclass(frozen=True, slots=True)
class Refresh:
    """A ``<meta http-equiv="refresh">`` of a page: where it sends the reader, or that it is a soft 404."""

    target: str | None  # the absolute URL; None when the URL given cannot be joined
    soft_404: bool = False


def read_meta_refresh(body: bytes, url: str, text: str) -> Refresh | None:
    """The page's meta refresh (``body`` its bytes, ``text`` their decoding), or None without one."""
    m = _META_REFRESH_RE.search(body[:_REFRESH_BYTES])
    if not m:
        return None
    words = " ".join(Selector(text=text).xpath("//body//text()").getall())
    if len(words.strip()) < _SOFT_404_MAX_TEXT and _SOFT_404_RE.search(words):
        return Refresh(None, soft_404=True)
    return Refresh(safe_urljoin(url, m.group(1).decode("latin-1").strip("'\"")))
