"""Anti-bot answers recognised by their bytes; ordinary pages (real ones included) are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from demoportal import obstacles
from gsspider import antibot

PAGES = Path(__file__).parent / "data" / "pages"


def _headers(answer: obstacles.BlockAnswer) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"server": [answer.server]}
    for name, value in answer.headers:
        out.setdefault(name.lower(), []).append(value)
    return out


@pytest.mark.parametrize(
    ("reason", "vendor"),
    [("ruishu-412", "ruishu"), ("ruishu-200", "ruishu"), ("jiasule-521", "jiasule"), ("waf", "waf")],
)
def test_portal_block_answers(reason, vendor):
    answer = obstacles.block_answer(reason, "seed")
    block = antibot.detect(answer.status, _headers(answer), answer.body.encode("utf-8"))
    assert block is not None
    assert block.vendor == vendor
    assert block.reason == reason
    assert str(answer.status) in block.message


def test_ruishu_202_is_named_by_its_status():
    answer = obstacles.ruishu("x", 202)
    block = antibot.detect(202, _headers(answer), answer.body.encode())
    assert block is not None and block.reason == "ruishu-202"


def test_jiasule_cookie_alone_on_a_normal_page_is_not_a_block():
    # Sites behind 加速乐 set __jsluid on every real page too; only the challenge is a block.
    body = "<html><body><h1>2024年政府信息公开工作年度报告</h1><p>正文</p></body></html>".encode()
    assert antibot.detect(200, {"set-cookie": ["__jsluid_s=abc; path=/"]}, body) is None


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("*.html")))
def test_real_pages_are_not_blocks(name):
    assert antibot.detect(200, {}, (PAGES / name).read_bytes()) is None


def test_plain_404_and_500_are_not_blocks():
    assert antibot.detect(404, {"server": ["nginx"]}, b"<html><body>404 Not Found</body></html>") is None
    assert antibot.detect(500, {}, b"Internal Server Error") is None
    assert antibot.detect(403, {"server": ["nginx"]}, b"<html><body>403 Forbidden</body></html>") is None


def test_script_mentioning_ts_without_rm_tags_is_not_ruishu():
    body = (
        b"<html><script>var $_ts = window['$_ts'];</script><body>" + "正文".encode() * 50 + b"</body></html>"
    )
    assert antibot.detect(200, {}, body) is None


@pytest.mark.parametrize(
    ("status", "headers", "body"),
    [
        (
            403,
            {"server": ["AliyunOSS"]},
            b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
        ),
        (403, {}, b"<html><body><h1>Whitelabel Error Page</h1><p>Access Denied</p></body></html>"),
        (503, {}, "<html><body>非法请求，系统维护中</body></html>".encode()),
        (429, {}, b"Request Denied: too many requests"),
        # a site whose every answer says Server: WAF, here a real (long, linked) 403 page
        (403, {"server": ["WAF"]}, b"<html><body>" + b'<a href="/">home</a>' * 300 + b"</body></html>"),
    ],
)
def test_generic_refusals_are_not_blocks(status, headers, body):
    assert antibot.detect(status, headers, body) is None


def test_short_page_under_a_waf_server_is_a_block():
    block = antibot.detect(403, {"server": ["yunsuo_waf"]}, b"<html><body>Forbidden</body></html>")
    assert block is not None and block.vendor == "waf"
