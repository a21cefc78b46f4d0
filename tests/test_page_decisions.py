"""What the crawler decides about a fetched page or a failed request, on saved bytes.

Each decision is a pure function the spider calls (it only navigates): whether a page's own
title names a report (:func:`gsspider.discovery.page_names_report`), whether an HTML page was
cut short or refreshes elsewhere (:mod:`gsspider.pages`), whether an attachment is another
document than the report (:func:`gsspider.attachments.is_other_document`), and what a failed
request amounts to (:func:`gsspider.failures.describe_failure`). The crawls of the test portal
check the same decisions end to end.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from gsspider.attachments import is_other_document
from gsspider.discovery import page_names_report
from gsspider.failures import FailedRequest, describe_failure
from gsspider.middlewares import OffsiteRequest, RedirectLoop, Skipped
from gsspider.pages import Refresh, is_truncated, read_meta_refresh
from parsers.html import parse_html
from parsers.metadata import read_metadata, read_page_title

DATA = Path(__file__).parent / "data"
LIST_URLS = {
    e["name"]: e["url"] for e in json.loads((DATA / "lists" / "index.json").read_text("utf-8"))["responses"]
}
NAV_URLS = {
    f"{k}.html": v["url"]
    for k, v in json.loads((DATA / "real-nav" / "answers.json").read_text("utf-8")).items()
}
PAGE_URLS = {
    f"{p.name.split('.')[0]}.html": json.loads(p.read_text("utf-8"))["url"]
    for p in (DATA / "pages").glob("*.expected.json")
}


def saved(name: str) -> tuple[str, bytes]:
    """(url, raw bytes) of a saved page, ``dir/file``."""
    folder, file = name.split("/")
    urls = {"lists": LIST_URLS, "real-nav": NAV_URLS, "pages": PAGE_URLS}[folder]
    url = urls.get(file) or ""
    if not url.startswith("http"):  # a page whose URL is not known
        url = "http://example.gov.cn/index.html"
    return url, (DATA / folder / file).read_bytes()


# --- the page's own title ---------------------------------------------------------------------

#: Saved pages: does the page's own title (ArticleTitle, else <title>) name a report?
TITLES = [
    ("lists/gkmlpt-article.html", True),  # ArticleTitle 南花区财政局2024年政府信息公开工作年度报告
    ("lists/hanweb-article.html", False),  # 玉西县2024年统计年报: statistics, not the report
    ("lists/hanweb-main-column.html", False),  # 政府信息公开年报_玉西县…: the column
    ("lists/hanweb-second-column.html", False),
    ("lists/trs_api-main-column.html", False),  # 政府信息公开年度报告_丰西县…: the column
    ("lists/trs-county-column.html", False),
    ("lists/paged-city-column.html", False),
    ("lists/gkmlpt-index.html", False),
    ("lists/hanweb-section.html", False),
    ("lists/real-002-trs-pager.html", False),  # a piece of a page: no title at all
    *((f"pages/00{i}.html", False) for i in range(1, 8)),  # real articles, none a report
    *((f"real-nav/00{i}.html", False) for i in range(1, 10)),  # real home and section pages
]


@pytest.mark.parametrize("name,expected", TITLES)
def test_a_saved_pages_own_title_says_whether_it_is_a_report(name, expected):
    url, body = saved(name)
    assert page_names_report(body, url, "utf-8") is expected


REPORT_TITLE = "某某县2024年政府信息公开工作年度报告"
SMALL_TITLES = [
    # <title> alone: the site and column names after it are not the title.
    (f"<html><head><title>{REPORT_TITLE}_年度报告_某某县人民政府门户网站</title></head></html>", True),
    (f"<html><head><title>{REPORT_TITLE} - 某某县人民政府</title></head></html>", True),
    (f"<html><head><title>{REPORT_TITLE}｜某某县人民政府</title></head></html>", True),
    # ArticleTitle before <title>, either way round.
    (
        f'<html><head><meta name="ArticleTitle" content="{REPORT_TITLE}"><title>某某县人民政府</title></head></html>',
        True,
    ),
    (
        f'<html><head><meta name="ArticleTitle" content="通知公告"><title>{REPORT_TITLE}</title></head></html>',
        False,
    ),
    # A template placeholder is no title: <title> speaks.
    (
        f'<html><head><meta name="ArticleTitle" content="${{title}}"><title>{REPORT_TITLE}</title></head></html>',
        True,
    ),
    ("<html><head><title>政府信息公开年报_某某县人民政府</title></head></html>", False),  # the column
    ("<html><head><title>无标题文档</title></head></html>", False),
    ("<html><body><h1>" + REPORT_TITLE + "</h1></body></html>", False),  # a heading is not the page's title
    # The title is read from the head of the page only.
    ("<html><head>" + " " * 9000 + f"<title>{REPORT_TITLE}</title></head></html>", False),
]


@pytest.mark.parametrize("html,expected", SMALL_TITLES)
def test_a_pages_own_title(html, expected):
    assert page_names_report(html.encode("utf-8"), "http://a.gov.cn/art/1.html", "utf-8") is expected


def test_a_gbk_title_is_read_in_the_pages_encoding():
    body = f"<html><head><title>{REPORT_TITLE}</title></head></html>".encode("gbk")
    assert page_names_report(body, "http://a.gov.cn/1.html", "gbk")
    assert not page_names_report(body, "http://a.gov.cn/1.html", "no-such-codec")


@pytest.mark.parametrize("name", [f"pages/00{i}.html" for i in range(1, 8)])
def test_the_page_title_is_the_one_read_metadata_reads_from_the_head(name):
    url, body = saved(name)
    root = parse_html(body)
    md = read_metadata(root, url=url)
    if md.provenance.get("page_title") in ("meta:ArticleTitle", "title"):
        assert read_page_title(root) == md.page_title
    else:  # a heading in the body gave the document's title; the page's own is its <title>
        assert read_page_title(root)


# --- truncated pages ------------------------------------------------------------------------------

#: (saved page, share of its bytes kept, truncated?)
TRUNCATED = [
    *((f"pages/00{i}.html", 1.0, False) for i in range(1, 8)),
    *((f"real-nav/00{i}.html", 1.0, False) for i in range(1, 10)),
    ("lists/gkmlpt-article.html", 1.0, False),
    ("pages/001.html", 0.5, True),
    ("pages/004.html", 0.9, True),
    ("real-nav/004.html", 0.5, True),
    ("lists/gkmlpt-article.html", 0.5, True),
    ("lists/hanweb-section.html", 0.9, True),
    # Two documents in one file: cut after the first </html>, the page still seems whole.
    ("pages/007.html", 0.5, False),
    # JSP templates open with directives: no <html in the first 200 bytes, so never said cut.
    ("real-nav/002.html", 0.5, False),
    ("real-nav/005.html", 0.5, False),
    # A piece of a page (no <html at all) is not a truncated page.
    ("lists/real-002-trs-pager.html", 0.5, False),
]


@pytest.mark.parametrize("name,share,expected", TRUNCATED)
def test_a_saved_page_cut_short_is_truncated(name, share, expected):
    _, body = saved(name)
    assert is_truncated(body[: int(len(body) * share)], "text/html; charset=utf-8") is expected


@pytest.mark.parametrize(
    "content_type,expected",
    [
        ("text/html", True),
        ("TEXT/HTML; charset=GBK", True),
        ("application/xhtml+xml", True),
        ("text/plain", False),
        (None, False),
    ],
)
def test_only_html_is_said_truncated(content_type, expected):
    _, body = saved("pages/001.html")
    assert is_truncated(body[:5000], content_type) is expected


# --- meta refresh and soft 404 ----------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n, _ in TITLES])
def test_saved_pages_have_no_meta_refresh(name):
    url, body = saved(name)
    assert read_meta_refresh(body, url, body.decode("utf-8", "replace")) is None


SOFT_404 = (
    '<!DOCTYPE html><html><head><meta charset="utf-8">'
    '<meta http-equiv="refresh" content="0;url=/"><title>页面不存在</title></head>'
    "<body><p>页面不存在，即将返回首页……</p></body></html>"
)
LONG_TEXT = "本页介绍了本局的机构职能与联系方式。" * 30
REFRESHES = [
    (SOFT_404, Refresh(None, soft_404=True)),
    (SOFT_404.replace("页面不存在", "该信息已删除"), Refresh(None, soft_404=True)),
    (
        '<html><head><meta http-equiv="refresh" content="0; URL=/xxgk/ndbg/"></head><body>跳转中</body></html>',
        Refresh("http://a.gov.cn/xxgk/ndbg/"),
    ),
    (
        "<html><head><meta http-equiv=Refresh content='3;url=../new/index.html'></head><body></body></html>",
        Refresh("http://a.gov.cn/xxgk/new/index.html"),
    ),
    # A page with a refresh and much text is a page, whatever it mentions.
    (
        f'<html><head><meta http-equiv="refresh" content="0;url=/new/"></head><body>{LONG_TEXT}404</body></html>',
        Refresh("http://a.gov.cn/new/"),
    ),
    # A refresh to a URL that cannot be joined: nothing to follow.
    (
        '<html><head><meta http-equiv="refresh" content="0;url=http://[bad"></head><body>跳转</body></html>',
        Refresh(None),
    ),
    # A refresh that only reloads the page (no url=) sends nowhere.
    ('<html><head><meta http-equiv="refresh" content="300"></head><body>页面不存在</body></html>', None),
]


@pytest.mark.parametrize("html,expected", REFRESHES)
def test_meta_refresh(html, expected):
    body = html.encode("utf-8")
    assert read_meta_refresh(body, "http://a.gov.cn/xxgk/old/index.html", html) == expected


def test_a_refresh_is_looked_for_in_the_head_only():
    html = "<html><head>" + " " * 5000 + '<meta http-equiv="refresh" content="0;url=/"></head></html>'
    assert read_meta_refresh(html.encode(), "http://a.gov.cn/", html) is None


# --- attachments that are not the report -------------------------------------------------------

ATTACHMENT_NAMES = [
    ("政府信息公开申请表.doc", True),
    ("依申请公开申请书.docx", True),
    ("政府信息公开指南.pdf", True),
    ("政府信息公开目录.xls", True),
    ("2024年部门决算.pdf", True),
    ("2025年部门预算.pdf", True),
    ("2024年统计年报.xls", True),
    ("《2024年年报》政策解读.pdf", True),
    ("一图读懂2024年年报（图解）.pdf", True),
    ("授权委托书.doc", True),
    ("申请样表.doc", True),
    # Names that say nothing of what they are, or say report: followed.
    ("附件1.pdf", False),
    ("点击下载", False),
    ("全文.pdf", False),
    ("P020250329512345678901.pdf", False),
    (REPORT_TITLE + ".pdf", False),
    ("report2024.docx", False),
]


@pytest.mark.parametrize("name,expected", ATTACHMENT_NAMES)
def test_attachment_names_of_other_documents(name, expected):
    assert is_other_document(name) is expected


# --- failed requests --------------------------------------------------------------------------

URL = "http://a.gov.cn/art/1.html"
PAGE = "http://a.gov.cn/art/0.html"


def http_error(status: int) -> HttpError:
    _, body = saved("pages/006.html")
    response = HtmlResponse(URL, status=status, body=body, request=Request(URL))
    return HttpError(response, "Ignoring non-200 response")


class ResponseNeverReceivedTimeout(Exception):  # any exception whose name says timeout
    pass


#: (exception, role, redirect_urls, what the crawl records)
FAILURES = [
    (
        OffsiteRequest(f"{URL}: private or loopback address"),
        "report",
        (),
        FailedRequest(URL, "offsite_link", f"{URL}: private or loopback address"),
    ),
    (
        OffsiteRequest("off"),
        "list",
        (PAGE,),
        FailedRequest(PAGE, "offsite_redirect", f"list page redirects off the portal to {URL}: not followed"),
    ),
    (Skipped("fresh"), "report", (), FailedRequest(URL, None, counter="skipped/Skipped")),
    (http_error(500), "list", (), FailedRequest(URL, "http_500", "HTTP 500", 500)),
    (http_error(404), "report", (), FailedRequest(URL, "http_404", "HTTP 404", 404)),
    (
        http_error(410),
        "attachment",
        (),
        FailedRequest(
            URL,
            "http_410",
            f"HTTP 410 for the attachment of {PAGE} (a download link that expired or was withdrawn?)",
            410,
        ),
    ),
    (http_error(500), "attachment", (), FailedRequest(URL, "http_500", "HTTP 500", 500)),
    (
        DownloadCancelledError(
            "Cancelling download of x: expected response size (9) larger than download max size (8)."
        ),
        "attachment",
        (),
        FailedRequest(
            URL,
            "too_large",
            "larger than the download limit of 8 bytes: Cancelling download of x: "
            "expected response size (9) larger than download max size (8).",
        ),
    ),
    (
        CancelledError("max size reached"),
        "report",
        (),
        FailedRequest(URL, "too_large", "larger than the download limit of 8 bytes: max size reached"),
    ),
    (CancelledError(), "report", (), FailedRequest(URL, "cancellederror", "CancelledError()")),
    (
        RedirectLoop(f"redirect loop: {URL} -> {PAGE} -> {URL}"),
        "list",
        (PAGE,),
        FailedRequest(URL, "redirect_loop", f"redirect loop: {URL} -> {PAGE} -> {URL}"),
    ),
    (TimeoutError(), "list", (), FailedRequest(URL, "timeout", "User timeout caused connection failure.")),
    (TCPTimedOutError(), "list", (), FailedRequest(URL, "timeout", "TCP connection timed out.")),
    (ResponseNeverReceivedTimeout(), "list", (), FailedRequest(URL, "timeout", "timed out")),
    (DNSLookupError("a.gov.cn"), "home", (), FailedRequest(URL, "dns", "DNS lookup failed: a.gov.cn.")),
    (
        IgnoreRequest("Forbidden by robots.txt"),
        "list",
        (),
        FailedRequest(URL, None, counter="robots_forbidden"),
    ),
    (
        IgnoreRequest("Forbidden by robots.txt"),
        "report",
        (),
        FailedRequest(
            URL, "robots_forbidden", "report forbidden by robots.txt: not fetched", counter="robots_forbidden"
        ),
    ),
    (
        IgnoreRequest("Forbidden by robots.txt"),
        "attachment",
        (),
        FailedRequest(
            URL,
            "robots_forbidden",
            "attachment forbidden by robots.txt: not fetched",
            counter="robots_forbidden",
        ),
    ),
    (IgnoreRequest("other"), "report", (), FailedRequest(URL, "ignorerequest", "other")),
    (ValueError(), "report", (), FailedRequest(URL, "valueerror", "ValueError()")),
]


@pytest.mark.parametrize("exc,role,redirects,expected", FAILURES, ids=lambda v: type(v).__name__)
def test_what_a_failed_request_amounts_to(exc, role, redirects, expected):
    got = describe_failure(
        exc, url=URL, role=role, redirect_urls=redirects, attachment_of=PAGE, download_limit=8
    )
    assert got == expected
