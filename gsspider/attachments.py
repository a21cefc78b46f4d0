"""Report attachments on article pages: links to PDF/DOC/DOCX/WPS/XLS(X) files, and JS-bound viewers.

What real pages print (see ``shared/real-pages`` and the primer):

- TRS: ``<a href="./P020250329…pdf" OLDSRC="/protect/P0…pdf" title="….pdf">….pdf</a>`` after the body;
- Hanweb: ``<a href="/module/download/downfile.jsp?classid=0&filename=<hex>.pdf">….pdf</a>``;
- download services whose URL names no type: ``/attach/download.do?fileId=…&token=…`` with the
  file name (``….pdf``) as the link text or title;
- PDF viewers bound only by JavaScript: ``<iframe src="/pdfjs/web/viewer.html?file={{qzbFile}}">``,
  the file URL filled in at run time from an API call — there is no link to follow, so the page is
  flagged ``js_bound_attachment``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from parsel import Selector

from gsspider.listreaders.base import safe_urljoin

DOC_TYPES = ("pdf", "docx", "doc", "wps", "xlsx", "xls", "et", "ofd")
_EXT_RE = re.compile(r"\.(" + "|".join(DOC_TYPES) + r")(?=$|[?#&;\s\"'）)])", re.I)
_VIEWER_RE = re.compile(
    r"""(?:viewer\.html?|pdfjs[^"'\s]*|preview[^"'\s]*)\?file=\s*(\{\{[^}]*\}\}|\$\{[^}]*\}|["']\s*\+)""",
    re.I,
)
#: Attachment names of documents a report page may carry that are not the report itself. Anything
#: else is followed (附件1, 点击下载, 全文.pdf say nothing of what they are).
_NOT_THE_REPORT_RE = re.compile(
    "申请表|申请书|登记表|委托书|指南|目录|决算|预算|统计年报|政策解读|图解|模板|样表|样本|说明书"
)


@dataclass(frozen=True, slots=True)
class Attachment:
    url: str
    name: str  # the file name or link text, as printed
    kind: str  # pdf | docx | doc | wps | xls | xlsx | et | ofd


def _kind_of(*texts: str) -> str | None:
    for text in texts:
        if not text:
            continue
        m = _EXT_RE.search(unquote(text))
        if m:
            return m.group(1).lower()
    return None


def url_kind(url: str) -> str | None:
    """The document type a URL names in its path or query (``….pdf``, ``downfile.jsp?filename=….doc``)."""
    parts = urlsplit(url)
    kind = _kind_of(parts.path)
    if kind:
        return kind
    for values in parse_qs(parts.query).values():  # downfile.jsp?filename=….pdf
        kind = _kind_of(*values)
        if kind:
            return kind
    return None


def find_attachments(sel: Selector, base_url: str) -> list[Attachment]:
    """Every document link of the page, in page order, each URL once."""
    out: dict[str, Attachment] = {}
    for a in sel.xpath("//a[@href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        joined = safe_urljoin(base_url, href)
        if joined is None:
            continue
        url = joined.split("#")[0]
        text = " ".join("".join(a.xpath(".//text()").getall()).split())
        title = (a.attrib.get("title") or "").strip()
        kind = url_kind(url) or _kind_of(title, text)
        if kind and url not in out:
            out[url] = Attachment(url, title or text or url.rsplit("/", 1)[-1], kind)
    # A document shown in the page through a frame: <iframe src="….pdf">, <embed>, <object data>.
    for src in sel.xpath("//iframe/@src | //embed/@src | //object/@data").getall():
        src = src.strip()
        if not src or "{{" in src or src.lower().startswith(("javascript:", "about:")):
            continue
        joined = safe_urljoin(base_url, src)
        if joined is None:
            continue
        url = joined.split("#")[0]
        inner = parse_qs(urlsplit(url).query).get("file", [""])[0]  # viewer.html?file=/files/a.pdf
        if inner and url_kind(inner):
            url = safe_urljoin(base_url, inner) or url
        kind = url_kind(url)
        if kind and url not in out:
            out[url] = Attachment(url, url.rsplit("/", 1)[-1], kind)
    return list(out.values())


def is_other_document(name: str) -> bool:
    """The attachment's name says it is another document (申请表.doc, 指南.pdf …), not the report."""
    return bool(_NOT_THE_REPORT_RE.search(name))


def frames(sel: Selector, base_url: str) -> list[str]:
    """HTML pages a page shows through ``<iframe>``/``<frame>`` (old portals frame their lists)."""
    out = []
    for src in sel.xpath("//iframe/@src | //frame/@src").getall():
        src = src.strip()
        if not src or "{{" in src or src.lower().startswith(("javascript:", "about:", "data:")):
            continue
        joined = safe_urljoin(base_url, src)
        if joined is None:
            continue
        url = joined.split("#")[0]
        if url_kind(url) is None and "?file=" not in url and url not in out:
            out.append(url)
    return out


def js_bound_viewer(html: str) -> str | None:
    """The viewer URL template when the page binds its document only at run time, else None."""
    m = _VIEWER_RE.search(html)
    return m.group(0) if m else None
