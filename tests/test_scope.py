"""What belongs to a portal (:mod:`gsspider.scope`), decided on URLs alone; and link classes.

The scope guard itself is tested through the real Scrapy engine: ``test_scope_hosts.py`` (named
hosts through a loopback proxy) and ``test_crawl_e2e.py`` (loopback ports)."""

from __future__ import annotations

import pytest
from scrapy.http import Request, Response

from gsspider.discovery import COLUMN, REPORT, SECTION, classify_link, classify_list_item
from gsspider.middlewares import RedirectLoop, RedirectLoopMiddleware, is_private_host
from gsspider.scope import SiteBook, claimed_domain, registrable_domain
from gsspider.sites import SiteEntry


def _book(*urls: str, domains: str = "") -> SiteBook:
    book = SiteBook()
    for url in urls:
        book.add(SiteEntry(url=url, domains=tuple(d for d in domains.split(",") if d)))
    return book


@pytest.mark.parametrize(
    ("host", "domain", "claimed"),
    [
        ("www.hefei.gov.cn", "hefei.gov.cn", "hefei.gov.cn"),
        ("zwgk.hefei.gov.cn", "hefei.gov.cn", ""),  # a sibling host claims only itself
        ("hefei.gov.cn", "hefei.gov.cn", "hefei.gov.cn"),
        ("gjj.beijing.gov.cn", "beijing.gov.cn", ""),  # a bureau does not claim its city
        ("www.gov.cn", "www.gov.cn", "www.gov.cn"),  # gov.cn is a public suffix: "www" is the name
        ("www.example.com.cn:8080", "example.com.cn", "example.com.cn"),
        ("127.0.0.1:8001", "", ""),
        ("localhost", "", ""),
    ],
)
def test_registrable_domain(host, domain, claimed):
    assert registrable_domain(host) == domain
    assert claimed_domain(host) == claimed


@pytest.mark.parametrize(
    ("url", "owner"),
    [
        ("http://www.xx.gov.cn/a.html", "http://www.xx.gov.cn/"),
        ("http://zwgk.xx.gov.cn/ndbg/", "http://www.xx.gov.cn/"),  # same registrable domain
        ("http://xx.gov.cn/", "http://www.xx.gov.cn/"),
        ("http://www.yy.gov.cn/", None),  # another government
        ("http://xx.gov.cn.evil.com/", None),  # a look-alike suffix
        ("http://127.0.0.1:8001/xxgk/", "http://127.0.0.1:8001/"),  # a loopback seed: host and port
        ("http://127.0.0.1:8002/", None),
        ("http://gjj.bj.gov.cn/zwgk/", "http://gjj.bj.gov.cn/"),
        ("http://zfxxgk.bj.gov.cn/110094/", None),  # the bureau does not own its city's hosts
        ("http://zfxxgk.hd.gov.cn/", "http://www.hd.gov.cn/"),  # registry ``domains``
    ],
)
def test_site_for(url, owner):
    book = _book("http://www.xx.gov.cn/", "http://127.0.0.1:8001/", "http://gjj.bj.gov.cn/")
    book.add(SiteEntry(url="http://www.hd.gov.cn/", domains=("zfxxgk.hd.gov.cn",)))
    state = book.site_for(url)
    assert (state.url if state else None) == owner


def test_a_labelled_link_admits_its_path_on_a_shared_platform():
    book = _book("http://gjj.bj.gov.cn/")
    state = book.get("http://gjj.bj.gov.cn/")
    column = "http://zfxxgk.bj.gov.cn/110094/zfxxgknb/list.shtml"
    # Unlabelled, or labelled but not from the site's own pages, or not a government host: nothing.
    assert book.admit_link(state, column, label="更多", via="http://gjj.bj.gov.cn/") is None
    assert book.admit_link(state, "http://evil.example.com/x/", label="信息公开", via=state.url) is None
    assert (
        book.admit_link(state, "http://www.gov.cn/zhengce/xxgk/", label="国务院信息公开", via=state.url)
        is None
    )
    admission = book.admit_link(state, column, label="政府信息公开年报", via="http://gjj.bj.gov.cn/zwgk/")
    assert admission is not None and admission.prefix == "/110094/zfxxgknb/"
    assert book.site_for("http://zfxxgk.bj.gov.cn/110094/zfxxgknb/2024/t1.html") is state
    assert book.site_for("http://zfxxgk.bj.gov.cn/110095/zfxxgknb/list.shtml") is None  # another body
    assert book.site_for("http://zfxxgk.bj.gov.cn/") is None
    # A page reached through the admission cannot admit further.
    assert book.admit_link(state, "http://zfxxgk.bj.gov.cn/110095/", label="信息公开", via=column) is None
    assert book.knows_host("http://zfxxgk.bj.gov.cn/robots.txt")


def test_unit_parameters_are_part_of_the_admission():
    book = _book("http://www.hf.gov.cn/")
    state = book.get("http://www.hf.gov.cn/")
    url = "http://xxgk.other.gov.cn/public/spage.xp?doAction=sindex&unitid=123&frame=nb"
    admission = book.admit_link(state, url, label="政务公开", via=state.url)
    assert admission is not None and admission.params == (("unitid", "123"),)
    assert book.site_for("http://xxgk.other.gov.cn/public/list.xp?unitid=123&page=2") is state
    assert book.site_for("http://xxgk.other.gov.cn/public/list.xp?unitid=124") is None


def test_relocation_admits_the_new_host_and_its_domain():
    book = _book("http://www.old.gov.cn/")
    state = book.get("http://www.old.gov.cn/")
    assert book.admit_relocation(state, "http://evil.example.com/", via=state.url) is None
    assert book.admit_relocation(state, "http://www.new.gov.cn/", via=state.url) is not None
    assert book.site_for("http://xxgk.new.gov.cn/ndbg/") is state


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
