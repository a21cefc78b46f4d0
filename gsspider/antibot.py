"""Anti-bot answers, recognised by their byte patterns so a blocked site is never "no reports".

What plain HTTP clients get from protected Chinese government portals:

- 瑞数 (Ruishu / RS, "rs6"): HTTP 412 — or 200/202 on some deployments — whose body is a bootstrap
  page: ``<meta … content="<long blob>" r='m'>``, ``<script … r='m'>$_ts=window['$_ts'];…``, and a
  ``<script src="/<dir>/<name>.<hex>.js" r='m'>``; a cookie whose name ends in ``S`` (``…S=``) or
  ``T``. The real page only comes after the browser runs the vendor's VM and sends its cookies.
- 加速乐 / 知道创宇 (Jiasule): HTTP 521, ``Set-Cookie: __jsluid_s=…`` (or ``__jsluid_h``), a body
  that computes ``document.cookie=('_')+('_')+('j')…`` (``__jsl_clearance_s``) and reloads the page.
- a generic web application firewall: HTTP 403/405/406/418/429/503 with a block page
  (「您的访问被拦截」, 「Web应用防火墙」, 「安全狗」, 「云盾」 …), or a short page without links under a
  ``Server: WAF``-like header. Generic refusals ("Access Denied", 「非法请求」) are not blocks.

None of them can be passed without running the vendor's JavaScript, so the crawler stops asking
the site and reports it as ``blocked`` with the reason (the ``reason`` codes below).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RUISHU = "ruishu"
JIASULE = "jiasule"
WAF = "waf"

_RUISHU_TS_RE = re.compile(rb"\$_ts\s*=\s*window\[\s*['\"]\$_ts['\"]\s*\]|\$_ts\.(?:cd|nsd|lcd)\b")
_RUISHU_META_RE = re.compile(rb"<meta[^>]{0,200}?\br\s*=\s*['\"]?m['\"]?[\s/>]", re.I)
_RUISHU_SCRIPT_RE = re.compile(rb"<script[^>]{0,300}?\br\s*=\s*['\"]?m['\"]?[\s/>]", re.I)
_JSL_COOKIE_RE = re.compile(r"__jsluid_[sh]=|__jsl_clearance", re.I)
_JSL_BODY_RE = re.compile(
    rb"document\.cookie\s*=\s*(?:\(\s*['\"]_['\"]\s*\)\s*\+\s*){2}|__jsl_clearance|"
    rb"location\.href\s*=\s*location\.pathname\s*\+\s*location\.search"
)
#: What WAF block pages say. Only phrases that name a block by a firewall: generic refusals
#: ("Access Denied", "非法请求", a Tomcat/Spring 403, an object store's AccessDenied) are a page's
#: or a file's own answer, not a site-wide block.
_WAF_BODY_RE = re.compile(
    "您的访问被拦截|访问被拦截|请求被拦截|已被.{0,12}防火墙.{0,8}拦截|被.{0,6}安全防护.{0,6}拦截|"
    "(?:网站|应用|Web应用|web应用)防火墙|安全狗|云盾|创宇盾|云锁|护卫神|"
    "Web Application Firewall|Forbidden by WAF|Blocked by WAF",
    re.I,
)
#: Server headers of WAF products; with a block status they count only on a short page that is
#: not a site's real content (some sites send such a header on every answer).
_WAF_SERVERS = ("waf", "safedog", "yundun", "yunsuo", "cloudwaf")
_WAF_SHORT_PAGE = 4096
_BLOCK_STATUSES = {403, 405, 406, 418, 429, 503}


@dataclass(frozen=True, slots=True)
class Block:
    vendor: str  # ruishu | jiasule | waf
    reason: str  # code for summaries: ruishu-412, ruishu-200, jiasule-521, waf
    message: str


def detect(status: int, headers: dict[str, list[str]] | None, body: bytes) -> Block | None:
    """The anti-bot answer this response is, or None for an ordinary page.

    ``headers``: lower-case names to lists of values (as :func:`headers_of` gives). Looks at most
    at the first 64 KiB of the body: challenge pages are small, real pages need not be scanned.
    """
    head = body[:65536]
    headers = headers or {}
    cookies = " ".join(headers.get("set-cookie", []))
    server = " ".join(headers.get("server", [])).lower()
    if _RUISHU_TS_RE.search(head) and (_RUISHU_META_RE.search(head) or _RUISHU_SCRIPT_RE.search(head)):
        return Block(
            RUISHU,
            f"ruishu-{status}",
            f"瑞数 (Ruishu) anti-bot challenge: HTTP {status}, a $_ts bootstrap script and r='m' tags;"
            " the site serves its pages only to a browser that runs the vendor's script",
        )
    if status == 521 or _JSL_COOKIE_RE.search(cookies) or (status >= 400 and _JSL_BODY_RE.search(head)):
        if status == 521 or _JSL_BODY_RE.search(head):
            return Block(
                JIASULE,
                f"jiasule-{status}",
                f"加速乐 / 知道创宇 (Jiasule) anti-bot challenge: HTTP {status}"
                + (", __jsluid cookie" if _JSL_COOKIE_RE.search(cookies) else "")
                + "; the page is served only after a script sets __jsl_clearance",
            )
    if status in _BLOCK_STATUSES:
        text = head.decode("utf-8", "replace")
        waf_server = any(s in server for s in _WAF_SERVERS) and len(body) <= _WAF_SHORT_PAGE
        if _WAF_BODY_RE.search(text) or (waf_server and b"<a " not in head.lower()):
            return Block(
                WAF,
                WAF,
                f"web application firewall block: HTTP {status}"
                + (f", Server: {server}" if server else "")
                + "; the site refuses this client",
            )
    return None


def headers_of(obj) -> dict[str, list[str]]:
    """Scrapy ``Headers`` (bytes) as lower-case str names to lists of str values."""
    out: dict[str, list[str]] = {}
    if obj is None:
        return out
    for name, values in obj.headers.items():
        key = name.decode("latin-1").lower()
        out[key] = [v.decode("latin-1") for v in values]
    return out
