"""List readers for the script-driven families (Hanweb, TRS 动静结合, gkmlpt), on saved bytes.

The bytes in ``tests/data/lists`` were captured from the local test portal (``capture.py`` there;
ports replaced by 127.0.0.1:8000) plus a piece of a real TRS page. One test crawls the local portal
on 127.0.0.1 with the readers alone, to count requests against the portal's minimum.
"""

from __future__ import annotations

import json
import math
import re
import socket
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gsspider import listreaders
from gsspider.listreaders import ListReadError, RequestSpec, gkmlpt, hanweb, read_api, read_list, trs_api
from gsspider.listreaders.base import js_object

LISTS = Path(__file__).parent / "data" / "lists"
PAGES = Path(__file__).parent / "data" / "pages"
INDEX = json.loads((LISTS / "index.json").read_text(encoding="utf-8"))
ENTRIES = {e["name"]: e for e in INDEX["responses"]}
NEW_FAMILIES = (hanweb, trs_api, gkmlpt)


def saved(name: str) -> tuple[str, bytes]:
    """(url, raw bytes) of a saved response."""
    return ENTRIES[name]["url"], (LISTS / name).read_bytes()


def page(name: str) -> tuple[str, str]:
    url, body = saved(name)
    return url, body.decode("utf-8")


def page_text(name: str) -> str:
    return (LISTS / name).read_bytes().decode("utf-8")


def spec_for(name: str, family: str) -> RequestSpec:
    e = ENTRIES[name]
    return RequestSpec(url=e["url"], method=e["method"], formdata=e["form"], kind="api", family=family)


# --- detection ----------------------------------------------------------------------------------

DETECTED = {
    "hanweb-main-column.html": "hanweb",
    "hanweb-second-column.html": "hanweb",
    "trs_api-main-column.html": "trs_api",
    "trs_api-second-column.html": "trs_api",
    "gkmlpt-index.html": "gkmlpt",
}
NOT_DETECTED = [
    "hanweb-article.html",
    "hanweb-section.html",
    "trs_api-section.html",
    "gkmlpt-article.html",
    "trs-county-column.html",
    "paged-city-column.html",
    "real-002-trs-pager.html",
]


@pytest.mark.parametrize("name,family", DETECTED.items())
def test_each_family_detects_its_own_page_and_no_other(name, family):
    _, html = page(name)
    assert {r.FAMILY for r in NEW_FAMILIES if r.detect(html)} == {family}
    assert read_list(ENTRIES[name]["url"], html).family == family


@pytest.mark.parametrize("name", NOT_DETECTED)
def test_no_script_family_claims_article_section_trs_or_paged_pages(name):
    html = page_text(name)
    assert not any(r.detect(html) for r in NEW_FAMILIES)


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.html")), ids=lambda p: p.name)
def test_no_script_family_claims_a_real_article_page(path):
    html = path.read_bytes().decode("utf-8", errors="replace")
    assert not any(r.detect(html) for r in NEW_FAMILIES)


def test_trs_and_paged_pages_read_as_before():
    url, html = page("trs-county-column.html")
    got = read_list(url, html)
    assert got.family == "trs" and not got.requests and got.error is None
    assert got.pages == [url.replace("index.html", f"index_{i}.html") for i in range(1, len(got.pages) + 1)]
    url, html = page("paged-city-column.html")
    got = read_list(url, html)
    assert got.family == "paged" and not got.requests
    assert got.pages and all("page=" in p for p in got.pages)
    # The real Shanxi TRS pager (createPageHTML of a 1-page article) is still TRS, not a script family.
    assert (
        read_list(
            "http://www.shanxi.gov.cn/a/t20190918_693227.shtml", page_text("real-002-trs-pager.html")
        ).family
        == "trs"
    )


def test_readers_are_registered_most_specific_first():
    families = [r.FAMILY for r in listreaders.READERS]
    assert families == ["hanweb", "trs_api", "gkmlpt", "trs", "paged"]


# --- Hanweb -------------------------------------------------------------------------------------


def test_hanweb_static_records_and_dataproxy_posts():
    url, html = page("hanweb-main-column.html")
    got = hanweb.read(url, html)
    e = ENTRIES["hanweb-main-column.html"]
    per_page, group = e["per_page"], e["per_page"] * e["group_size"]
    assert len(got.items) == group  # the static datastore holds the first P*G records
    first = got.items[0]
    assert first.url == "http://127.0.0.1:8000/art/2025/4/30/art_1228995393_509030.html"
    assert first.title == "玉西县2024年统计年报" and first.date == "2025-04-30"
    assert all(i.url.startswith("http://127.0.0.1:8000/art/") and i.date for i in got.items)
    starts = list(range(group + 1, e["total"] + 1, group))
    assert [r.url for r in got.requests] == [
        f"http://127.0.0.1:8000/module/web/jpage/dataproxy.jsp?startrecord={s}&endrecord={s + group - 1}&perpage={per_page}"
        for s in starts
    ]
    assert all(r.method == "POST" and r.kind == "api" and r.family == "hanweb" for r in got.requests)
    # The exact form the page's script posts (as the portal recorded it for call k=1).
    assert got.requests[0].formdata == ENTRIES["hanweb-main-proxy-k1.xml"]["form"]
    assert got.requests[0].formdata == {
        "col": "1",
        "appid": "1",
        "webid": "370",
        "path": "/",
        "columnid": "1228995393",
        "sourceContentType": "1",
        "unitid": "96393",
        "webname": "玉西县人民政府门户网站",
        "permissiontype": "0",
    }
    assert got.requests[0].url == ENTRIES["hanweb-main-proxy-k1.xml"]["url"]


def test_hanweb_second_column_group_arithmetic():
    url, html = page("hanweb-second-column.html")
    got = hanweb.read(url, html)
    assert [(q["startrecord"], q["endrecord"], q["perpage"]) for q in map(_query, got.requests)] == [
        (["11"], ["20"], ["5"]),
        (["21"], ["30"], ["5"]),
    ]


def _query(spec: RequestSpec) -> dict[str, list[str]]:
    return parse_qs(urlsplit(spec.url).query)


def test_hanweb_cut_title_comes_from_the_title_attribute():
    record = (
        '<li><a href="/art/2024/2/1/art_1_2.html" title="某某县人民政府办公室关于2023年度政府信息公开工作年度报告的发布说明" '
        'target="_blank">某某县人民政府办公室关于2023年度政府信息公开工...</a><span>2024-02-01</span></li>'
    )
    item = hanweb.record_item(record, "http://h.test/col/col1/index.html")
    assert item.title == "某某县人民政府办公室关于2023年度政府信息公开工作年度报告的发布说明"
    assert item.url == "http://h.test/art/2024/2/1/art_1_2.html" and item.date == "2024-02-01"


def test_hanweb_template_without_proxyurl_ajaxparam_or_groupsize():
    """Some templates call ``jpage({totalRecord, perPage})`` only: the nextgroup link gives path and
    fields, the static group its size."""
    url, html = page("hanweb-main-column.html")
    html = re.sub(r"\t\tajaxParam: \{[^}]*\},\n", "", html)
    html = html.replace("\t\tproxyUrl: '/module/web/jpage/dataproxy.jsp',\n", "").replace(
        "\t\tgroupSize: 2,\n", ""
    )
    got = hanweb.read(url, html)
    assert [_query(r)["startrecord"] for r in got.requests] == [["5"], ["9"], ["13"], ["17"], ["21"]]
    assert got.requests[0].url.startswith("http://127.0.0.1:8000/module/web/jpage/dataproxy.jsp?")
    assert got.requests[0].formdata["columnid"] == "1228995393"
    assert got.requests[0].formdata["unitid"] == "96393"
    assert got.requests[0].formdata["webname"] == "玉西县人民政府门户网站"  # %-encoded twice in the link


def test_hanweb_valid_answer():
    got = read_api(
        spec_for("hanweb-main-proxy-k1.xml", "hanweb"), saved("hanweb-main-proxy-k1.xml")[1], "text/xml"
    )
    assert got.family == "hanweb" and got.error is None and not got.requests
    assert len(got.items) == 4
    assert all(i.url.startswith("http://127.0.0.1:8000/art/") and i.date for i in got.items)


def test_hanweb_invalid_xml_salvages_complete_records_and_says_so():
    spec = spec_for("hanweb-second-proxy-k1-invalid.xml", "hanweb")
    body = saved("hanweb-second-proxy-k1-invalid.xml")[1]
    got = read_api(spec, body, "text/xml; charset=utf-8")
    assert got.error and "malformed XML" in got.error
    complete = body.count(b"]]></record>")
    assert 0 < len(got.items) == complete < body.count(b"<record>")
    assert all(i.url.startswith("http://127.0.0.1:8000/art/") and i.title and i.date for i in got.items)


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0" encoding="UTF-8"?>\n<datastore><totalrecord>29</totalrecord><recordset>\n<record><![CDATA[\n<li><a href="/art/',
        b"<html><body>HTTP Status 500 - java.lang.NullPointerException</body></html",
        b"",
    ],
    ids=["cut-in-first-record", "error-page", "empty"],
)
def test_hanweb_unsalvageable_answer_raises_list_read_error(body):
    with pytest.raises(ListReadError):
        read_api(spec_for("hanweb-second-proxy-k1-invalid.xml", "hanweb"), body, "text/xml")


@pytest.fixture
def no_network(monkeypatch):
    """Any socket connection or file read of /etc/passwd during the test fails it."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    real_open = open

    def guarded_open(file, *args, **kwargs):
        if "passwd" in str(file):
            attempts.append(file)
            raise AssertionError("external entity file read")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", guarded_open)
    return attempts


def test_hanweb_xxe_answer_is_refused_without_resolving(no_network):
    _, body = saved("hanweb-second-proxy-k2-xxe.xml")
    assert b'<!ENTITY probe SYSTEM "http://127.0.0.1:8000/xxe/probe.dtd">' in body
    with pytest.raises(ListReadError, match="DTD"):
        read_api(spec_for("hanweb-second-proxy-k2-xxe.xml", "hanweb"), body, "text/xml")
    assert no_network == []


def test_hanweb_entities_are_refused_by_the_parser_too(no_network):
    """An internal-entity bomb, and a DTD hidden past the regex (UTF-16), still never expand."""
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b"<datastore><totalrecord>1</totalrecord><recordset><record><![CDATA[<li>&b;</li>]]></record></recordset></datastore>"
    )
    utf16 = _XXE_UTF16
    for body in (bomb, utf16):
        with pytest.raises(ListReadError):
            hanweb.read_api(spec_for("hanweb-second-proxy-k2-xxe.xml", "hanweb"), body, "text/xml")
    assert no_network == []


_XXE_UTF16 = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY p SYSTEM "file:///etc/passwd">]>'
    "<datastore><webname>&p;</webname><recordset></recordset></datastore>"
).encode("utf-16")


HANWEB_PAGE = page("hanweb-main-column.html")


@given(
    total=st.integers(min_value=0, max_value=3000),
    per_page=st.integers(min_value=1, max_value=40),
    group_size=st.integers(min_value=1, max_value=6),
)
def test_hanweb_requests_cover_every_record_exactly_once(total, per_page, group_size):
    group = per_page * group_size
    assume(total <= group * (hanweb.MAX_REQUESTS + 1))
    url, html = HANWEB_PAGE
    html = (
        html.replace("totalRecord: 21,", f"totalRecord: {total},")
        .replace("perPage: 2,", f"perPage: {per_page},")
        .replace("groupSize: 2,", f"groupSize: {group_size},")
    )
    covered = list(range(1, min(total, group) + 1))  # the static datastore's group
    for spec in hanweb.read(url, html).requests:
        q = _query(spec)
        start, end = int(q["startrecord"][0]), int(q["endrecord"][0])
        assert end - start + 1 == group and q["perpage"] == [str(per_page)]
        covered += range(start, min(end, total) + 1)
    assert covered == list(range(1, total + 1))


def test_hanweb_request_count_is_capped():
    assert len(hanweb.group_ranges(10**7, 15 * 3)) == hanweb.MAX_REQUESTS


# --- TRS 动静结合 --------------------------------------------------------------------------------

TRS_FORM = {
    "channelid": "229105",
    "sortfield": "-docorderpri,-docreltime",
    "classsql": "chnlid=42586",
    "classcol": "publishyear",
    "classnum": "100",
    "classsort": "0",
    "cache": "true",
}


def test_trs_api_static_items_and_one_big_page_request():
    url, html = page("trs_api-main-column.html")
    got = trs_api.read(url, html)
    assert len(got.items) == ENTRIES["trs_api-main-column.html"]["page_size"]
    assert got.items[0].url == "http://127.0.0.1:8000/zwgk/zfxxgkzl/gkndbg/202502/t20250203_172017.htm"
    assert (
        got.items[0].title == "丰西县教育局2024年政府信息公开工作年度报告"
        and got.items[0].date == "2025-02-03"
    )
    (spec,) = got.requests
    assert spec.url == "http://127.0.0.1:8000/fjdzapp/search"
    assert spec.method == "POST" and spec.kind == "api" and spec.family == "trs_api"
    assert spec.formdata == TRS_FORM | {"page": "1", "prepage": "500"}
    # The captured answer to exactly this request:
    assert ENTRIES["trs_api-main-page1-500.json"]["form"] == spec.formdata


@pytest.mark.parametrize(
    "variant",
    [
        lambda h: h.replace("recordCount: '21'", "recordCount: '10'"),
        lambda h: h.replace("recordCount: '21'", "recordCount: '7'"),
    ],
    ids=["exactly-one-page", "fewer-than-a-page"],
)
def test_trs_api_no_request_when_the_static_page_holds_everything(variant):
    url, html = page("trs_api-main-column.html")
    assert trs_api.read(url, variant(html)).requests == []


def test_trs_api_config_with_quoted_keys_and_double_quotes():
    url, html = page("trs_api-main-column.html")
    config = html[html.index("var listConfig") : html.index("};", html.index("var listConfig")) + 2]
    quoted = re.sub(r"^(\s+)(\w+):", r'\1"\2":', config, flags=re.M).replace("'", '"')
    assert '"url": "/fjdzapp/search"' in quoted
    got = trs_api.read(url, html.replace(config, quoted))
    assert trs_api.detect(html.replace(config, quoted))
    assert got.requests[0].formdata == TRS_FORM | {"page": "1", "prepage": "500"}


def test_trs_api_valid_big_page_answer():
    spec = spec_for("trs_api-main-page1-500.json", "trs_api")
    got = read_api(spec, saved("trs_api-main-page1-500.json")[1], "application/json")
    assert got.error is None and not got.requests
    assert len(got.items) == ENTRIES["trs_api-main-column.html"]["total"]
    assert got.items[0].date == "2025-02-03" and got.items[0].url.endswith("t20250203_172017.htm")


def test_trs_api_page_one_asks_the_rest_at_the_page_size_the_server_answers():
    spec = spec_for("trs_api-main-page1-500.json", "trs_api")
    answer = json.loads(saved("trs_api-main-page1-500.json")[1])
    capped = answer | {"prepage": 10, "pageCount": 3, "data": answer["data"][:10]}
    got = read_api(spec, json.dumps(capped, ensure_ascii=False).encode(), "application/json")
    assert [(r.formdata["page"], r.formdata["prepage"]) for r in got.requests] == [("2", "10"), ("3", "10")]
    assert all(r.formdata.items() >= TRS_FORM.items() for r in got.requests)
    # A later page never asks again.
    later = spec_for("trs_api-main-page2-10.json", "trs_api")
    assert read_api(later, saved("trs_api-main-page2-10.json")[1], None).requests == []


def test_trs_api_truncated_big_page_salvages_and_reasks_the_rest_in_small_pages():
    spec = spec_for("trs_api-second-page1-500-truncated.json", "trs_api")
    body = saved("trs_api-second-page1-500-truncated.json")[1]
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    got = read_api(spec, body, "application/json")
    assert got.error and "malformed JSON" in got.error
    assert len(got.items) == 17 and all(i.url.startswith("http://127.0.0.1:8000/") for i in got.items)
    # Records 18..29 lost: pages 2 and 3 of 10 hold them.
    assert [(r.formdata["page"], r.formdata["prepage"]) for r in got.requests] == [("2", "10"), ("3", "10")]
    assert got.requests[0].formdata["classsql"] == "chnlid=42587"


def test_trs_api_truncated_small_page_salvages_without_more_requests():
    got = read_api(
        spec_for("trs_api-second-page2-10-truncated.json", "trs_api"),
        saved("trs_api-second-page2-10-truncated.json")[1],
        "application/json",
    )
    assert got.error and len(got.items) == 5 and got.requests == []
    ok = read_api(
        spec_for("trs_api-second-page3-10.json", "trs_api"), saved("trs_api-second-page3-10.json")[1], None
    )
    assert ok.error is None and len(ok.items) == 9


@pytest.mark.parametrize("body", [b"", b"<html>502 Bad Gateway</html>", b'{"page": 1, "da', b"[1, 2]"])
def test_trs_api_unusable_answer_raises_list_read_error(body):
    with pytest.raises(ListReadError):
        read_api(spec_for("trs_api-main-page1-500.json", "trs_api"), body, "application/json")


# --- gkmlpt -------------------------------------------------------------------------------------


def test_gkmlpt_index_asks_page_one_of_report_columns_only():
    url, html = page("gkmlpt-index.html")
    got = gkmlpt.read(url, html)
    e = ENTRIES["gkmlpt-index.html"]
    assert got.items == []  # the tree's hash links are the page itself
    assert [r.url for r in got.requests] == [
        f"http://127.0.0.1:8000/gkmlpt/api/all/{c}?page=1&sid={e['sid']}" for c in e["report_columns"]
    ]
    assert all(r.method == "GET" and r.kind == "api" and r.family == "gkmlpt" for r in got.requests)
    # 指南, 制度, 法定主动公开内容 are columns too, but not report columns.
    assert "6319" not in " ".join(r.url for r in got.requests)


def test_gkmlpt_page_one_gives_items_and_the_remaining_pages():
    spec = spec_for("gkmlpt-api-page1.json", "gkmlpt")
    got = read_api(spec, saved("gkmlpt-api-page1.json")[1], "application/json")
    total = ENTRIES["gkmlpt-index.html"]["total"]
    assert len(got.items) == 10 and got.error is None
    assert all(
        "#" not in i.url and re.search(r"/gkmlpt/content/\d+/\d+/post_\d+\.html$", i.url) for i in got.items
    )
    assert got.items[0].date == "2025-03-21"
    assert [r.url for r in got.requests] == [
        f"http://127.0.0.1:8000/gkmlpt/api/all/6322?page={n}&sid=449036"
        for n in range(2, math.ceil(total / 10) + 1)
    ]
    last = read_api(spec_for("gkmlpt-api-page3.json", "gkmlpt"), saved("gkmlpt-api-page3.json")[1], None)
    assert len(last.items) == total - 20 and last.requests == []


@pytest.mark.parametrize("name", ["gkmlpt-api-bad-sid.json"])
def test_gkmlpt_sid_error_raises_list_read_error(name):
    assert ENTRIES[name]["status"] == 400
    with pytest.raises(ListReadError, match="invalid sid"):
        read_api(spec_for(name, "gkmlpt"), saved(name)[1], ENTRIES[name]["content_type"])


@pytest.mark.parametrize("body", [b"", b'{"total": 21, "articl', b"null", b'{"total": 3}'])
def test_gkmlpt_unusable_answer_raises_list_read_error(body):
    with pytest.raises(ListReadError):
        read_api(spec_for("gkmlpt-api-page1.json", "gkmlpt"), body, "application/json")


# --- shared pieces -----------------------------------------------------------------------------


def test_read_api_routes_by_family_and_refuses_unknown_ones():
    with pytest.raises(ListReadError, match="family"):
        read_api(RequestSpec(url="http://h.test/x", family=""), b"{}", None)
    with pytest.raises(ListReadError):
        read_api(RequestSpec(url="http://h.test/x", family="paged"), b"{}", None)


def test_js_object_reads_template_literals():
    assert js_object(
        "var c = {a: 'x', \"b\": \"y\", 'n': 12, f: $('#u').find('d'), o: {k: 1}};", r"var c\s*="
    ) == {
        "a": "x",
        "b": "y",
        "n": "12",
        "f": "$('#u').find('d')",
        "o": "{k: 1}",
    }
    assert js_object("no object here", r"var c\s*=") is None


# --- against the local portal -------------------------------------------------------------------


# --- broken numbers and URLs in answers (review findings) -------------------------------------

BAD_URL = "http://[::1"


def test_trs_api_huge_page_count_builds_no_more_than_the_cap(monkeypatch):
    built = []
    real = trs_api.page_spec

    def counting(*args):
        built.append(args)
        return real(*args)

    monkeypatch.setattr(trs_api, "page_spec", counting)
    spec = real("http://h.test/fjdzapp/search", {"channelid": "1"}, 1, 500)
    body = json.dumps({"page": 1, "pageCount": 3_000_000, "data": []}).encode()
    got = read_api(spec, body, "application/json")
    assert len(got.requests) == trs_api.MAX_REQUESTS
    assert len(built) <= trs_api.MAX_REQUESTS + 1  # clamped before building, not after


def test_trs_api_huge_record_count_is_clamped_not_overflowing():
    spec = trs_api.page_spec("http://h.test/fjdzapp/search", {"channelid": "1"}, 1, 500)
    body = b'{"page": 1, "recordCount": %s, "data": []}' % (b"9" * 400)
    got = read_api(spec, body, "application/json")
    assert 0 < len(got.requests) <= trs_api.MAX_REQUESTS
    # a truncated answer whose head still names a huge count
    cut = (
        b'{"page": 1, "prepage": 500, "recordCount": %s, "data": [{"doctitle": "a", "docpuburl": "/a.htm"}, {"doc'
        % (b"9" * 400)
    )
    got = read_api(spec, cut, "application/json")
    assert got.error and len(got.items) == 1 and 0 < len(got.requests) <= trs_api.MAX_REQUESTS


def test_gkmlpt_huge_total_is_clamped_not_overflowing():
    spec = RequestSpec(url="http://h.test/gkmlpt/api/all/1?page=1&sid=2", kind="api", family="gkmlpt")
    body = b'{"total": %s, "page": 1, "size": 10, "articles": []}' % (b"9" * 400)
    assert len(read_api(spec, body, "application/json").requests) == gkmlpt.MAX_REQUESTS - 1


def test_unparseable_urls_in_answers_are_skipped_not_fatal():
    g = RequestSpec(url="http://h.test/gkmlpt/api/all/1?page=1&sid=2", kind="api", family="gkmlpt")
    articles = [{"url": BAD_URL, "title": "x"}, {"url": {"a": 1}}, {"url": "/gkmlpt/content/1/post_1.html#1"}]
    got = read_api(g, json.dumps({"total": 3, "page": 1, "size": 10, "articles": articles}).encode(), None)
    assert [i.url for i in got.items] == ["http://h.test/gkmlpt/content/1/post_1.html"]
    t = trs_api.page_spec("http://h.test/fjdzapp/search", {"channelid": "1"}, 2, 10)
    data = [{"doctitle": "x", "docpuburl": BAD_URL}, {"doctitle": "y", "docpuburl": "/y.htm"}]
    got = read_api(t, json.dumps({"page": 2, "data": data}).encode(), None)
    assert [i.url for i in got.items] == ["http://h.test/y.htm"]
    h = RequestSpec(url="http://h.test/module/web/jpage/dataproxy.jsp?startrecord=46", family="hanweb")
    records = "".join(
        f"<record><![CDATA[<li><a href='{href}' title='某县2023年政府信息公开工作年度报告'>t</a></li>]]></record>"
        for href in (BAD_URL, "/art/2024/1/1/art_1_1.html")
    )
    body = f"<datastore><recordset>{records}</recordset></datastore>".encode()
    assert [i.url for i in read_api(h, body, None).items] == ["http://h.test/art/2024/1/1/art_1_1.html"]


def test_unparseable_urls_in_pages_are_skipped_not_fatal():
    url, html = page("trs_api-main-column.html")
    first = re.search(r'<ul class="list" id="docList">\s*<li><a href="([^"]+)"', html).group(1)
    broken = html.replace(f'href="{first}"', f'href="{BAD_URL}"', 1)
    got = read_list(url, broken)
    assert got.family == "trs_api" and got.items and BAD_URL not in " ".join(i.url for i in got.items)
    bad_api = re.sub(r"url:\s*'/fjdzapp/search'", f"url: '{BAD_URL}'", html)
    assert bad_api != html
    assert read_list(url, bad_api).requests == []
    url, html = page("hanweb-main-column.html")
    bad_proxy = html.replace("'/module/web/jpage/dataproxy.jsp'", f"'{BAD_URL}'")
    assert bad_proxy != html
    got = read_list(url, bad_proxy)
    assert got.family == "hanweb" and got.items and got.requests == []
    url, html = page("gkmlpt-index.html")
    bad_base = re.sub(r'API_BASE:\s*"[^"]*"', f'API_BASE: "{BAD_URL}"', html)
    assert bad_base != html
    assert read_list(url, bad_base).requests == []


def test_a_reader_that_fails_raises_list_read_error_naming_family_and_exception(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("reader bug")

    url, html = page("hanweb-main-column.html")
    monkeypatch.setattr(hanweb, "read", boom)
    with pytest.raises(ListReadError, match=r"hanweb.*RuntimeError: reader bug"):
        read_list(url, html)
    monkeypatch.setattr(gkmlpt, "read_api", boom)
    spec = spec_for("gkmlpt-api-page1.json", "gkmlpt")
    with pytest.raises(ListReadError, match=r"gkmlpt.*RuntimeError: reader bug"):
        read_api(spec, saved("gkmlpt-api-page1.json")[1], None)


def _fetch(spec: RequestSpec) -> tuple[bytes, str]:
    assert spec.url.startswith("http://127.0.0.1:")
    data = urlencode(spec.formdata).encode() if spec.formdata is not None else None
    request = urllib.request.Request(spec.url, data=data, method=spec.method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.read(), answer.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.read(), error.headers.get("Content-Type", "")


@pytest.mark.crawl
def test_readers_alone_find_every_report_within_the_portal_minimum():
    """Report columns' entry pages read, every request the readers ask followed: every listed
    report found, API requests <= the portal's minimum, the XXE probe never requested."""
    from demoportal import TestPortal

    with TestPortal(n_sites=0, families=("hanweb", "trs_api", "gkmlpt")) as portal:
        minimum = portal.minimum_requests()
        for site in portal.sites:
            if site.site.profile.family == "gkmlpt":
                entries = {"/gkmlpt/index"}  # the columns exist only as hash links there
            else:
                entries = {c.pages()[0].path for c in site.site.report_columns()}
            found: set[str] = set()
            queue: list[RequestSpec] = []
            for path in entries:
                body, _ = _fetch(RequestSpec(url=site.url(path)))
                got = read_list(site.url(path), body.decode("utf-8"))
                found |= {i.url for i in got.items}
                queue += got.requests
            asked = 0
            while queue:
                spec = queue.pop(0)
                asked += 1
                body, ctype = _fetch(spec)
                try:
                    got = read_api(spec, body, ctype)
                except ListReadError:
                    continue
                found |= {i.url for i in got.items}
                queue += got.requests
            truth = {
                t["attachment_of"] or t["url"]  # a PDF report is listed by its article page
                for t in portal.ground_truth()
                if t["site_url"] == site.base_url + "/"
            }
            assert truth <= found, site.kind
            assert asked <= minimum[site.base_url + "/"]["api_requests"], site.kind
            if site.site.xxe_probe_path:
                assert not portal.requested(site.url(site.site.xxe_probe_path))
