"""The crawl never leaves its portals and never reaches private addresses through off-site links."""

from __future__ import annotations

import pytest
from scrapy.http import Request, Response

from gsspider.discovery import COLUMN, REPORT, SECTION, classify_link, classify_list_item
from gsspider.middlewares import (
    OffsiteRequest,
    RedirectLoop,
    RedirectLoopMiddleware,
    SiteScopeMiddleware,
    is_private_host,
)


class FakeSpider:
    def __init__(self, hosts: set[str]):
        self.seed_hosts = hosts

    def site_for(self, url: str):
        from gsspider.middlewares import host_port

        return "site" if host_port(url) in self.seed_hosts else None


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8001/xxgk/index.html", True),  # the seed's own loopback host
        ("http://127.0.0.1:1/admin", False),  # another port on loopback: another site
        ("http://10.0.0.5/internal", False),  # private range from an off-site link
        ("http://192.168.1.1/", False),
        ("http://localhost:8001/", False),
        ("http://www.example.gov.cn/", False),  # off-site public host
    ],
)
def test_scope(url, allowed):
    mw = SiteScopeMiddleware(allow_private=[])
    spider = FakeSpider({"127.0.0.1:8001"})
    if allowed:
        assert mw.process_request(Request(url), spider) is None
    else:
        with pytest.raises(OffsiteRequest):
            mw.process_request(Request(url), spider)


def test_private_host_detection():
    assert is_private_host("127.0.0.1:80") and is_private_host("10.1.2.3") and is_private_host("[::1]:8080")
    assert is_private_host("localhost") and not is_private_host("www.gov.cn")


def test_redirect_loop_is_named():
    mw = RedirectLoopMiddleware()
    req = Request("http://h/b", meta={"redirect_urls": ["http://h/a"]})
    resp = Response("http://h/b", status=302, headers={"Location": "/a"}, request=req)
    with pytest.raises(RedirectLoop):
        mw.process_response(req, resp, None)
    ok = Response("http://h/b", status=302, headers={"Location": "/c"}, request=req)
    assert mw.process_response(req, ok, None) is ok


@pytest.mark.parametrize(
    ("text", "url", "kind"),
    [
        ("政府信息公开", "/xxgk/", SECTION),
        ("政务公开", "/zwgk/", SECTION),
        ("政府信息公开指南", "/xxgk/zn/", "other"),
        ("政府信息公开年报", "/xxgk/ndbg/", COLUMN),
        ("临白县卫生健康委员会政府信息公开年报", "/bm03/", COLUMN),
        ("2021年统计年报", "/tjnb/", "other"),
        ("磐安县人民政府2020年政府信息公开工作年报", "/t.html", REPORT),
        ("更多", "/xxgk/ndbg/index.html", COLUMN),
    ],
)
def test_link_classes(text, url, kind):
    assert classify_link(text, url).kind == kind


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("厦门市同安区莲花镇人民政府2020年政府信息公开工作年度报告", "report"),
        ("关于做好2021年政府信息公开工作年度报告编制发布工作的通知", "notice"),
        ("关于公布2022年政府信息公开工作年度报告审核结果的通报", "notice"),
        ("玉山镇召开2024年度政府信息公开工作年度报告编制培训会", "notice"),
        ("图解：临白县人民政府2024年政府信息公开工作年度报告", "notice"),
        ("2021年统计年报", "notice"),
        ("临白县财政局政府信息公开工作年度报告", "maybe"),
    ],
)
def test_list_item_classes(title, kind):
    assert classify_list_item(title) == kind
