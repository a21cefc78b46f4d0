"""Anti-bot answers as real portals give them: 瑞数 (Ruishu), 加速乐 (Jiasule / 知道创宇), a WAF block.

Each answer is what a plain HTTP client gets on every request to a protected site; none can be
passed without running the vendor's JavaScript, so a crawler must report the site as blocked, with
the reason, and never as "no reports". Bodies are deterministic per seed string.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

#: reason -> HTTP status of the answer
BLOCK_STATUS = {"ruishu-412": 412, "ruishu-200": 200, "jiasule-521": 521, "waf": 403}


@dataclass(frozen=True)
class BlockAnswer:
    status: int
    body: str
    headers: tuple[tuple[str, str], ...]
    server: str


def _hex(seed: str, n: int) -> str:
    out = ""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}/{counter}".encode()).hexdigest()
        counter += 1
    return out[:n]


def _letters(seed: str, n: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._"
    digest = _hex(seed, 2 * n)
    return "".join(alphabet[int(digest[i : i + 2], 16) % len(alphabet)] for i in range(0, 2 * n, 2))


def ruishu(seed: str, status: int) -> BlockAnswer:
    """瑞数: an empty-looking page of ``$_ts`` bootstrap scripts and a ``<meta … r='m'>`` blob."""
    cookie = f"{_letters(seed + 'c', 14)}S"
    meta_id = _letters(seed + "m", 12)
    script_dir = _letters(seed + "d", 10)
    script = _letters(seed + "s", 8)
    body = (
        "<!DOCTYPE html>\n<html><head>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
        '<meta http-equiv="Expires" content="0">\n'
        '<meta http-equiv="Cache-Control" content="no-cache">\n'
        '<meta http-equiv="Pragma" content="no-cache">\n'
        f'<meta id="{meta_id}" content="{_letters(seed + "blob", 420)}" r=\'m\'>\n'
        "<script type=\"text/javascript\" r='m'>"
        f"$_ts=window['$_ts'];if(!$_ts)$_ts={{}};$_ts.nsd={int(_hex(seed, 5), 16)};"
        f'$_ts.cd="{_letters(seed + "cd", 600)}";if($_ts.lcd)$_ts.lcd();</script>\n'
        f'<script type="text/javascript" charset="utf-8" src="/{script_dir}/{script}.{_hex(seed, 7)}.js" r=\'m\'></script>\n'
        "</head>\n<body>\n<script type=\"text/javascript\" r='m'>$_ts.cp&&$_ts.cp();</script>\n</body></html>\n"
    )
    headers = (
        (
            "Set-Cookie",
            f"{cookie}={_letters(seed + 'v', 64)}; Path=/; expires=Fri, 01 Jan 2100 00:00:00 GMT; HttpOnly",
        ),
        ("Cache-Control", "no-cache, no-store"),
    )
    return BlockAnswer(status, body, headers, "nginx")


def jiasule(seed: str) -> BlockAnswer:
    """加速乐: HTTP 521, a ``__jsluid_s`` cookie and a script that computes ``__jsl_clearance_s``."""
    letters = "+".join(f"('{c}')" for c in "__jsl_clearance_s=")
    value = _hex(seed + "clearance", 10)
    parts = "+".join(f"(-~[]+[]+'{d}')" if d.isdigit() else f"('{d}')" for d in value)
    body = (
        f"<script>document.cookie={letters}+({parts})+('|-1|1|')"
        f"+('{_letters(seed + 'k', 24)}')+';Max-age=3600;path=/';"
        "location.href=location.pathname+location.search</script>"
    )
    headers = (
        ("Set-Cookie", f"__jsluid_s={_hex(seed + 'luid', 32)}; max-age=31536000; path=/; HttpOnly"),
        ("Cache-Control", "no-cache"),
    )
    return BlockAnswer(521, body, headers, "jsl")


def waf(seed: str) -> BlockAnswer:
    """A generic web application firewall's block page."""
    event = _hex(seed + "event", 24)
    body = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>访问被拦截</title></head>\n'
        '<body><div class="waf-box">\n<h1>您的访问被拦截</h1>\n'
        "<p>您的请求疑似攻击行为，已被网站应用防火墙（WAF）拦截。</p>\n"
        f"<p>事件ID：{event}</p>\n"
        "<p>如果您是网站管理员，请登录WAF控制台查看拦截详情；如您认为这是误报，请联系网站管理员。</p>\n"
        "</div></body></html>\n"
    )
    return BlockAnswer(403, body, (("X-Waf-Event-Id", event),), "WAF")


def block_answer(reason: str, seed: str) -> BlockAnswer:
    if reason in ("ruishu-412", "ruishu-200"):
        return ruishu(seed, BLOCK_STATUS[reason])
    if reason == "jiasule-521":
        return jiasule(seed)
    if reason == "waf":
        return waf(seed)
    raise ValueError(f"unknown block reason {reason!r}")
