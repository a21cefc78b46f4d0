"""The local test portal and the report renderer behind it."""

from __future__ import annotations

import io
import json
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demoportal import TestPortal, build_sites
from demoportal import labels as L
from demoportal.render import (
    BLANK_LINE,
    ReportSpec,
    random_spec,
    render_report_page,
    render_report_text,
    render_table2_pipe,
    render_table3_html,
    render_table3_lines,
    render_table3_pipe,
    render_table4_html,
    render_table4_lines,
    render_table4_pipe,
    table_problems,
)
from demoportal.seeds import seed_text, seed_truth
from parsers.constants import TABLE3_COLUMNS, TABLE4_KEYS, TEMPLATE_2019, TEMPLATE_2021

pytestmark = pytest.mark.crawl  # runs a crawl or a server: not in the fast lane

TIMEOUT = 5
ANSWERS = Path(__file__).parent / "data" / "seeds" / "answers.json"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# Never through an environment proxy: the portal is on 127.0.0.1.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_RAW_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def fetch(url: str, *, follow: bool = True, method: str = "GET"):
    """(status, headers, body bytes, final url); HTTP errors are answers too."""
    opener = _OPENER if follow else _RAW_OPENER
    try:
        with opener.open(urllib.request.Request(url, method=method), timeout=TIMEOUT) as response:
            return response.status, response.headers, response.read(), response.url
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), url


@pytest.fixture(scope="module")
def portal():
    with TestPortal() as running:
        yield running


def _hrefs(base: str, body: bytes) -> set[str]:
    doc = lxml.html.fromstring(body)
    return {urljoin(base, href) for href in doc.xpath("//a/@href")}


# --- ground truth ------------------------------------------------------------------------


def test_ground_truth_covers_several_years_per_site(portal):
    truth = portal.ground_truth()
    assert truth
    by_site = {}
    for record in truth:
        assert record["kind"] == "report"
        by_site.setdefault(record["site_url"], set()).add(record["report_year"])
    assert set(by_site) == {s.base_url + "/" for s in portal.sites}
    for years in by_site.values():
        assert len(years) >= 5
    assert {r["template"] for r in truth} == {"2019", "2021", "pre-2019"}
    assert any(r["source"].startswith("seed:") for r in truth)
    assert [r["identities_hold"] for r in truth].count(False) == 1  # the one defective report
    assert len({r["url"] for r in truth}) == len(truth)


def test_every_report_is_served_with_its_numbers(portal):
    """Each truth URL answers 200 with the title, and HTML tables hold exactly the truth's table 3."""
    for record in portal.ground_truth():
        status, headers, body, _ = fetch(record["url"])
        assert status == 200, record["url"]
        charset = headers.get_content_charset()
        text = body.decode(charset)
        assert record["title"] in text
        if record["form"] == "html" and record["table3"] is not None:
            assert _table3_from_html(text) == record["table3"], record["url"]


def test_truth_json_is_served_per_site(portal):
    running = portal.sites[1]
    status, _, body, _ = fetch(running.url("/__truth__.json"))
    assert status == 200
    data = json.loads(body)
    assert data["reports"] == [r for r in portal.ground_truth() if r["site_url"] == running.base_url + "/"]
    assert data["minimum_requests"] == portal.minimum_requests()[running.base_url + "/"]


def test_noise_is_disjoint_from_reports(portal):
    reports = {r["url"] for r in portal.ground_truth()}
    noise = portal.noise()
    assert reports.isdisjoint(portal.noise_urls())
    kinds = Counter(n["kind"] for n in noise)
    for kind in ("notice", "statistics", "final_accounts", "offsite", "not_found", "redirect", "soft_404"):
        assert kinds[kind] >= 1, kind
    titles = [n["title"] for n in noise]
    assert any("关于做好" in t and "年度报告编制发布工作的通知" in t for t in titles)
    assert any(t.endswith("统计年报") for t in titles)


def test_minimum_requests(portal):
    minimum = portal.minimum_requests()
    for running in portal.sites:
        counts = minimum[running.base_url + "/"]
        assert counts["report_pages"] == len(running.site.reports())
        assert counts["total"] == sum(v for k, v in counts.items() if k != "total")
    county = next(s for s in portal.sites if s.kind == "county")
    assert minimum[county.base_url + "/"]["navigation"] == 1


def test_same_seed_same_portal():
    def snapshot(seed):
        sites = build_sites(seed=seed)
        return [s.report_truth("http://x") for s in sites], [s.noise_truth("http://x") for s in sites]

    assert snapshot(7) == snapshot(7)
    assert snapshot(7) != snapshot(8)


def test_bench_set_has_a_thousand_reports_and_stops_promptly():
    with TestPortal(n_sites=50, reports_per_site=20, slow_seconds=0) as bench:
        assert len(bench.ground_truth()) >= 1000
        assert len({s.base_url for s in bench.sites}) == 50
        assert fetch(bench.sites[-1].url("/"))[0] == 200
        started = time.monotonic()
    assert time.monotonic() - started < 2.0


# --- navigation and list families ------------------------------------------------------------


def test_home_links_section_offsite_and_admin(portal):
    origins = {s.base_url for s in portal.sites}
    for running in portal.sites:
        status, _, body, url = fetch(running.url("/"))
        assert status == 200
        hrefs = _hrefs(url, body)
        assert running.url(running.site.section_path) in hrefs
        offsite = {h for h in hrefs if not h.startswith(running.base_url)}
        assert "http://www.example.gov.cn/" in offsite and any(
            h.startswith("http://127.0.0.1:1/") for h in offsite
        )
        assert not any(h.startswith(origin) for h in offsite for origin in origins)
        assert running.url("/admin/login.html") in hrefs
        doc = lxml.html.fromstring(body)
        assert doc.xpath(f'//a[@href="{running.site.section_path}"]/text()')[0] in (
            "政府信息公开",
            "信息公开",
            "政务公开",
        )


def test_section_links_report_columns(portal):
    names = set()
    for running in portal.sites:
        _, _, body, url = fetch(running.url(running.site.section_path))
        hrefs = _hrefs(url, body)
        for column in running.site.columns:
            assert running.url(column.first_page) in hrefs
        names |= {c.name for c in running.site.report_columns()}
    assert {"政府信息公开年报", "年度报告", "信息公开年报", "政务公开年报"} <= names


def test_trs_later_pages_only_via_create_page_html(portal):
    seen_multi_page = 0
    for running in portal.sites:
        for column in running.site.report_columns():
            if column.family != "trs":
                continue
            pages = column.pages()
            status, _, first, url = fetch(running.url(pages[0].path))
            assert status == 200
            text = first.decode()
            assert f"var countPage = {len(pages)}" in text
            assert "createPageHTML(" in text
            if len(pages) < 2:
                continue
            seen_multi_page += 1
            assert "index_1.html" not in text  # built by the JS at run time only
            for later in pages[1:]:
                assert running.url(later.path) not in _hrefs(url, first)
                status, _, body, _ = fetch(running.url(later.path))
                assert status == 200
                titles = [a.title for a in later.items]
                assert titles and all(t in body.decode() for t in titles)
            assert fetch(running.url(column.path + f"index_{len(pages)}.html"))[0] == 404
    assert seen_multi_page >= 2


def test_trs_article_urls_and_body(portal):
    county = next(s for s in portal.sites if s.kind == "county")
    column = county.site.report_columns()[0]
    article = next(a for a in column.articles if a.is_report and a.spec and a.spec.template == TEMPLATE_2021)
    day = article.published.replace("-", "")
    assert article.path == f"{column.path}{day[:6]}/t{day}_{article.id}.html"
    _, _, body, _ = fetch(county.url(article.path))
    doc = lxml.html.fromstring(body)
    assert doc.xpath('//div[@class="TRS_Editor"]')
    assert doc.xpath('//meta[@name="ArticleTitle"]/@content') == [article.title]


def test_paged_list_is_deep_and_walked_by_next_links(portal):
    city = next(s for s in portal.sites if s.kind == "city")
    column = city.site.report_columns()[0]
    assert len(column.pages()) >= 5 and 6 <= column.page_size <= 10
    url, titles, visited = city.url(column.first_page), [], 0
    while url:
        status, _, body, _ = fetch(url)
        assert status == 200
        visited += 1
        doc = lxml.html.fromstring(body)
        titles += doc.xpath('//ul[@class="list"]/li/a/@title')
        nxt = doc.xpath('//div[@class="pagination"]/a[text()="下一页"]/@href')
        url = urljoin(url, nxt[0]) if nxt else None
    assert visited == len(column.pages())
    assert titles == [a.title for a in column.articles]
    assert fetch(city.url(column.first_page + "?page=99"))[0] == 404


def test_gbk_site_is_really_gbk(portal):
    legacy = next(s for s in portal.sites if s.site.charset == "gbk")
    for path in ("/", legacy.site.report_columns()[0].first_page, legacy.site.reports()[0][1].path):
        status, headers, body, _ = fetch(legacy.url(path))
        assert status == 200
        assert headers.get_content_charset() == "gbk"
        text = body.decode("gbk")
        assert "charset=gbk" in text and legacy.site.publisher in text
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")


# --- noise and traps -------------------------------------------------------------------------------


def _trap(running, kind):
    return next(t for t in running.site.traps if t.kind == kind)


def test_errors_and_redirects(portal):
    running = portal.sites[0]
    assert fetch(running.url("/no/such/page.html"))[0] == 404
    assert fetch(running.url(_trap(running, "not_found").path))[0] == 404
    status, _, body, _ = fetch(running.url(_trap(running, "server_error").path))
    assert status == 500

    redirect = _trap(running, "redirect")
    status, headers, _, _ = fetch(running.url(redirect.path), follow=False)
    assert status == 301 and headers["Location"] == redirect.target
    status, _, _, final = fetch(running.url(redirect.path))
    assert status == 200 and final == running.url(redirect.target)
    assert final in {r["url"] for r in portal.ground_truth()}

    loop = _trap(running, "redirect_loop")
    status, headers, _, _ = fetch(running.url(loop.path), follow=False)
    assert status == 302 and headers["Location"] == loop.target
    status, headers, _, _ = fetch(running.url(loop.target), follow=False)
    assert status == 302 and headers["Location"] == loop.path
    assert fetch(running.url(loop.path))[0] in (301, 302)  # urllib gives up on the loop

    status, _, body, _ = fetch(running.url(_trap(running, "soft_404").path))
    assert status == 200 and "页面不存在" in body.decode() and 'http-equiv="refresh"' in body.decode()

    status, _, body, _ = fetch(running.url(_trap(running, "malformed").path))
    assert status == 200 and b"</html>" not in body

    status, _, body, _ = fetch(running.url("/robots.txt"))
    assert status == 200 and "Disallow: /admin/" in body.decode()
    assert fetch(running.url("/"), method="HEAD")[0] == 200


def test_slow_url_is_linked_once(portal):
    slow = [(s, t) for s in portal.sites for t in s.site.traps if t.kind == "slow"]
    assert len(slow) == 1 and slow[0][1].delay >= 3


def test_request_log(portal):
    running = portal.sites[2]
    fetch(running.url("/robots.txt"))
    assert portal.requested(running.url("/robots.txt"))
    assert (running.base_url, "GET", "/robots.txt", 200) in portal.request_log
    assert not portal.requested(running.url("/admin/never-linked.html"))


def test_stop_is_prompt_even_with_a_slow_request_in_flight():
    portal = TestPortal(n_sites=3).start()
    running = next(s for s in portal.sites if any(t.kind == "slow" for t in s.site.traps))
    threading.Thread(target=fetch, args=(running.url("/slow/index.html"),), daemon=True).start()
    time.sleep(0.2)
    started = time.monotonic()
    portal.stop()
    assert time.monotonic() - started < 2.0
    with pytest.raises(OSError):
        _OPENER.open(running.url("/"), timeout=1)


# --- the renderer -----------------------------------------------------------------------------


def _label_keys(spec: ReportSpec) -> dict[str, str]:
    return {spec.label(L.TABLE3_ROW_LABELS[key]): key for key in spec.table3_rows}


def _table3_from_html(text: str) -> dict[str, dict[str, int | None]]:
    """Rows of the page's table 3: label cell, then seven value cells (blank -> None)."""
    doc = lxml.html.fromstring(text)
    labels = {L.TABLE3_ROW_LABELS[k]: k for k in L.TABLE3_ROW_LABELS} | {
        L.fullwidth(L.TABLE3_ROW_LABELS[k]): k for k in L.TABLE3_ROW_LABELS
    }
    table = {}
    for row in doc.xpath('//table[@class="table3"]//tr'):
        cells = [cell.text_content().strip() for cell in row.xpath("./td")]
        if len(cells) >= 8 and cells[-8] in labels:
            key = labels[cells[-8]]
            table[key] = dict(zip(TABLE3_COLUMNS, (int(c) if c else None for c in cells[-7:]), strict=True))
    return table


def _expected_text(value):
    return "" if value is None else str(value)


specs = st.builds(
    lambda seed, year, blanks, fullwidth: random_spec(
        random.Random(seed), year=year, blanks=blanks, fullwidth=fullwidth
    ),
    st.integers(0, 2**32),
    st.integers(2019, 2024),
    st.sampled_from([0.0, 0.5, 1.0]),
    st.booleans(),
)


@settings(max_examples=25, deadline=None)
@given(specs)
def test_random_spec_identities_hold(spec):
    assert spec.template == (TEMPLATE_2019 if spec.year <= 2020 else TEMPLATE_2021)
    assert tuple(spec.table3) == spec.table3_rows
    assert all(tuple(row) == TABLE3_COLUMNS for row in spec.table3.values())
    assert tuple(spec.table4) == TABLE4_KEYS
    assert all(v is None or v >= 0 for row in spec.table3.values() for v in row.values())
    assert table_problems(spec.table3, spec.table4, spec.template) == []


def test_defect_breaks_the_identities():
    spec = random_spec(random.Random(3), year=2022, defect="total_mismatch")
    assert table_problems(spec.table3, spec.table4, spec.template)


@settings(max_examples=20, deadline=None)
@given(specs)
def test_three_table_forms_hold_every_value(spec):
    labels = _label_keys(spec)
    # HTML
    assert _table3_from_html(render_table3_html(spec)) == spec.table3
    html4 = lxml.html.fromstring(render_table4_html(spec))
    last_row = [c.text_content().strip() for c in html4.xpath("//tr")[-1].xpath("./td")]
    assert last_row == [_expected_text(spec.table4[k]) for k in TABLE4_KEYS]
    # pipe: label then the seven values, padding after
    seen = set()
    for line in render_table3_pipe(spec).splitlines():
        tokens = [t.strip() for t in line.split("|")]
        for index, token in enumerate(tokens):
            if token in labels:
                key = labels[token]
                seen.add(key)
                assert tokens[index + 1 : index + 8] == [
                    _expected_text(spec.table3[key][c]) for c in TABLE3_COLUMNS
                ]
    assert seen == set(spec.table3_rows)
    last = [t.strip() for t in render_table4_pipe(spec).splitlines()[-1].split("|")]
    assert last[:15] == [_expected_text(spec.table4[k]) for k in TABLE4_KEYS]
    # lines: blank cells are "—", never dropped
    lines = render_table3_lines(spec).splitlines()
    for key in spec.table3_rows:
        start = lines.index(spec.label(L.TABLE3_ROW_LABELS[key])) + 1
        values = [spec.table3[key][c] for c in TABLE3_COLUMNS]
        assert lines[start : start + 7] == [BLANK_LINE if v is None else str(v) for v in values]
    assert render_table4_lines(spec).splitlines()[-15:] == [
        BLANK_LINE if spec.table4[k] is None else str(spec.table4[k]) for k in TABLE4_KEYS
    ]


def _seed_spec(seed_id: str) -> ReportSpec:
    truth = seed_truth()[seed_id]
    return ReportSpec(
        publisher=truth["publisher"],
        year=truth["report_year"],
        template=truth["template"],
        table3=truth["table3"],
        table4=truth["table4"],
    )


def test_pipe_form_is_exactly_the_seeds():
    """Seed 000's table 3 and seed 003's tables 2 and 4, line for line (where the seeds print our labels)."""
    text000 = seed_text("000_84d29601319eacdc").splitlines()
    start = text000.index("三、收到和处理政府信息公开申请情况") + 1
    table3 = render_table3_pipe(_seed_spec("000_84d29601319eacdc")).splitlines()
    assert text000[start : start + len(table3)] == table3

    text003 = seed_text("003_5d8db5c6007b71c2").splitlines()
    start = text003.index("四、政府信息公开行政复议、行政诉讼情况") + 1
    table4 = render_table4_pipe(_seed_spec("003_5d8db5c6007b71c2")).splitlines()
    assert text003[start : start + len(table4)] == table4

    spec003 = _seed_spec("003_5d8db5c6007b71c2")
    spec003.table2 = json.loads(ANSWERS.read_text(encoding="utf-8"))["003_5d8db5c6007b71c2.txt"][
        "active_disclosure"
    ]
    start = text003.index("二、主动公开政府信息情况") + 1
    table2 = render_table2_pipe(spec003).splitlines()
    assert text003[start : start + len(table2)] == table2


def test_whole_report_text_forms():
    spec = random_spec(random.Random(11), year=2023, publisher="青川县人民政府")
    for form in ("pipe", "lines"):
        text = render_report_text(spec, form)
        assert text.splitlines()[0] == "青川县人民政府2023年政府信息公开工作年度报告"
        positions = [text.index(heading) for heading in L.SECTION_HEADINGS.values()]
        assert positions == sorted(positions)
        assert spec.label(L.TABLE3_ROW_LABELS["other_no_fee"]) in text
    legacy = random_spec(random.Random(11), year=2018)
    assert legacy.template == "pre-2019" and not legacy.table3
    assert L.TABLE3_ROW_LABELS["new_received"] not in render_report_text(legacy, "pipe")


def test_report_page_markup():
    spec = random_spec(random.Random(5), year=2020, publisher="白石镇人民政府")
    page = render_report_page(
        spec,
        cms="trs",
        site_name="白石镇人民政府网站",
        column_name="政府信息公开年报",
        index_number="1/2021-00001",
    )
    doc = lxml.html.fromstring(page)
    assert doc.xpath('//div[@class="TRS_Editor"]//table[@class="table3"]')
    metas = {m.get("name"): m.get("content") for m in doc.xpath("//meta[@name]")}
    assert metas["ArticleTitle"] == spec.title and metas["PubDate"].startswith(spec.published)
    assert {"SiteName", "ColumnName", "ContentSource"} <= set(metas)
    assert "索引号" in page and "1/2021-00001" in page and "发布机构" in page
    plain = render_report_page(spec, cms="plain", site_name="x", column_name="y", extra_meta=False)
    doc = lxml.html.fromstring(plain)
    assert doc.xpath('//div[@id="zoom"]//table[@class="table4"]')
    assert not doc.xpath('//meta[@name="ArticleTitle"]')


# --- bulk -------------------------------------------------------------------------------------------

_COUNT_PAGE = re.compile(r"var countPage = (\d+)")
_PAGER_EXT = re.compile(r'createPageHTML\([^)]*"index", "(\w+)"\)')


def _reachable(running, limit=3000):
    """Pages answering 200 that a link-following crawler reaches from the home page (TRS pagers
    expanded from ``countPage``, as a crawler that reads them does)."""
    origin = running.base_url
    seen, ok, queue = set(), set(), [running.url("/")]
    while queue and len(seen) < limit:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, headers, body, _ = fetch(url, follow=False)
        if status != 200 or "html" not in (headers.get_content_type() or ""):
            continue
        ok.add(url)
        text = body.decode(headers.get_content_charset() or "utf-8", errors="replace")
        links = {urljoin(url, href) for href in lxml.html.fromstring(body).xpath("//a/@href")}
        count, ext = _COUNT_PAGE.search(text), _PAGER_EXT.search(text)
        if count and ext:
            links |= {urljoin(url, f"index_{i}.{ext.group(1)}") for i in range(1, int(count.group(1)))}
        for link in links:
            link = link.split("#")[0]
            if link.startswith(origin + "/") and "/admin/" not in link and link not in seen:
                queue.append(link)
    return ok


def test_bulk_adds_reachable_pages_and_no_reports():
    with TestPortal(slow_seconds=0) as plain, TestPortal(slow_seconds=0, bulk=50) as bulky:

        def paths(records):
            return sorted(r["url"].removeprefix(r["site_url"].rstrip("/")) for r in records)

        assert paths(bulky.ground_truth()) == paths(plain.ground_truth())
        assert list(bulky.minimum_requests().values()) == list(plain.minimum_requests().values())
        truth = {r["url"] for r in bulky.ground_truth()}
        noise = bulky.noise()
        kinds = Counter(n["kind"] for n in noise)
        for kind in ("news", "notice", "policy", "proactive", "sitemap", "apply"):
            assert kinds[kind] >= 1, kind
        mentions = [n for n in noise if "年度报告" in n["title"] or "年报" in n["title"]]
        assert {"news", "notice", "policy"} <= {n["kind"] for n in mentions}  # 年报 words in non-reports
        for small, big in zip(plain.sites, bulky.sites, strict=True):
            before = {u.removeprefix(small.base_url) for u in _reachable(small)}
            after = {u.removeprefix(big.base_url) for u in _reachable(big)}
            added = after - before
            assert len(added) >= 50, (big.kind, len(before), len(after))
            bulk_pages = {
                n["url"].removeprefix(big.base_url) for n in noise if n["site_url"] == big.base_url + "/"
            }
            bulk_pages |= {
                target
                for column in (*big.site.bulk_columns, *big.site.proactive_columns)
                for page in column.pages()
                for target in (page.path, *page.aliases)
            }
            assert added <= bulk_pages, sorted(added - bulk_pages)[:5]
            assert not {big.base_url + path for path in added} & truth


def test_bulk_portal_is_cheap_and_stops_promptly():
    started = time.monotonic()
    with TestPortal(n_sites=50, reports_per_site=20, slow_seconds=0, bulk=300) as big:
        assert time.monotonic() - started < 5.0
        running = big.sites[7]
        column = running.site.bulk_columns[0]
        assert len(column.pages()) >= 5
        for article in column.articles[:: max(1, len(column.articles) // 10)]:
            status, _, body, _ = fetch(running.url(article.path))
            assert status == 200 and article.title in body.decode(running.site.charset)
        assert len(big.noise()) > 50 * 200
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 2.0


# --- issue-4 kinds: dynamic list families, attachments, blocked sites ----------------------------


def post(url: str, form) -> tuple:
    data = urllib.parse.urlencode(list(form)).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def families():
    with TestPortal(n_sites=0, families="all", slow_seconds=0) as running:
        yield running


def _site(portal, kind):
    return next(s for s in portal.sites if s.kind == kind)


def _truth(portal, running):
    return [r for r in portal.ground_truth() if r["site_url"] == running.base_url + "/"]


def test_families_are_added_after_the_demo_kinds():
    kinds = [s.kind for s in build_sites(n_sites=6, families=("hanweb", "blocked"))]
    assert kinds == [
        "city",
        "county",
        "town",
        "town-legacy",
        "town-plain",
        "street",
        "hanweb",
        "ruishu-412",
        "ruishu-200",
        "jiasule-521",
        "waf-403",
        "gbk-misdeclared",
    ]
    with pytest.raises(ValueError):
        build_sites(families=("nope",))


_RECORD_HREF = re.compile(r'<record><!\[CDATA\[\s*<li><a href="([^"]+)" title="([^"]+)"')


def test_hanweb_lists_only_in_datastore_and_dataproxy_posts(families):
    running = _site(families, "hanweb")
    main = running.site.report_columns()[0]
    pages = main.pages()
    assert main.first_page.startswith("/col/col") and len(pages) >= 4  # the static page + >= 3 posts
    status, _, body, url = fetch(running.url(main.first_page))
    text = body.decode()
    assert status == 200 and '<script type="text/xml"><datastore>' in text
    assert "<nextgroup><![CDATA[" in text and "<recordset>" in text
    assert not any("/art/" in href for href in _hrefs(url, body))  # items only inside the script
    assert f"totalRecord: {len(main.articles)}" in text and "perPage:" in text
    unitid = main.options["unitid"]
    assert f"'columnid':{main.options['code']}" in text and f"'unitid':{unitid}" in text
    titles = [title for _, title in _RECORD_HREF.findall(text)]
    for page in pages[1:]:
        assert page.method == "POST" and page.path.startswith("/module/web/jpage/dataproxy.jsp?startrecord=")
        status, headers, answer = post(running.url(page.path), page.form)
        assert status == 200 and headers.get_content_type() == "text/xml"
        tree = ET.fromstring(answer)
        assert tree.findtext("totalrecord") == str(len(main.articles))
        records = [ET.fromstring("<x>" + r.text + "</x>").find(".//a") for r in tree.iter("record")]
        titles += [a.get("title") for a in records]
        assert all(
            re.fullmatch(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html", a.get("href")) for a in records
        )
    assert titles == [a.title for a in main.articles]
    assert fetch(running.url(pages[1].path))[0] == 405  # GET is not how the script asks
    wrong = [(k, "1") if k == "columnid" else (k, v) for k, v in pages[1].form]
    assert b"<totalrecord>0</totalrecord>" in post(running.url(pages[1].path), wrong)[2]
    assert any(body for site, target, body in families.request_bodies if target == pages[1].path)
    # a report page in Hanweb markup
    report = next(a for a in main.articles if a.is_report and a.attachment is None)
    text = fetch(running.url(report.path))[2].decode()
    assert "<!--ZJEG_RSS.content.begin-->" in text and "<!--ZJEG_RSS.content.end-->" in text
    assert f'<meta name="ArticleTitle" content="{report.title}">' in text and 'name="Maketime"' in text


def test_hanweb_broken_answers(families):
    running = _site(families, "hanweb")
    second = running.site.report_columns()[1]
    defects = {page.defect: page for page in second.pages() if page.defect}
    assert set(defects) == {"invalid_xml", "xxe"}
    assert all(not a.is_report for page in defects.values() for a in page.items)  # nothing to lose
    status, _, answer = post(running.url(defects["invalid_xml"].path), defects["invalid_xml"].form)
    assert status == 200
    with pytest.raises(ET.ParseError):
        ET.fromstring(answer)
    status, _, answer = post(running.url(defects["xxe"].path), defects["xxe"].form)
    probe = running.url(running.site.xxe_probe_path)
    assert b'<!ENTITY passwd SYSTEM "file:///etc/passwd">' in answer and probe.encode() in answer
    import defusedxml.ElementTree as safe_xml
    from defusedxml import EntitiesForbidden

    with pytest.raises(EntitiesForbidden):
        safe_xml.fromstring(answer)
    assert not families.requested(probe)
    noise = {n["kind"]: n for n in families.noise() if n["site_url"] == running.base_url + "/"}
    assert noise["xxe"]["method"] == "POST" and noise["xxe_probe"]["url"] == probe
    assert noise["invalid_xml"]["form"]["columnid"] == str(second.options["code"])


def test_hanweb_download_is_a_text_pdf(families):
    import pdfplumber

    running = _site(families, "hanweb")
    record = next(r for r in _truth(families, running) if r["format"] == "pdf")
    assert "/module/download/downfile.jsp?classid=0&filename=" in record["url"]
    assert record["expected_status"] == "parsed" and record["table3"]
    status, headers, body, _ = fetch(record["url"])
    assert status == 200 and headers.get_content_type() == "application/pdf"
    assert "filename*=UTF-8''" in headers["Content-Disposition"]
    page_text = fetch(record["attachment_of"])[2].decode()
    assert html_escape(record["url"].removeprefix(running.base_url)) in page_text
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert record["publisher"] in text


def html_escape(text: str) -> str:
    return text.replace("&", "&amp;")


def test_trs_api_first_ten_static_rest_from_json(families):
    running = _site(families, "trs-api")
    main = running.site.report_columns()[0]
    pages = main.pages()
    assert len(pages) >= 3 and main.first_page.endswith("/index.htm")
    status, _, body, _ = fetch(running.url(main.first_page))
    text = body.decode()
    static = lxml.html.fromstring(body).xpath('//ul[@id="docList"]/li/a/@title')
    assert static == [a.title for a in main.articles[:10]]
    for needle in (
        "list2.trsapi.js",
        "channelid: '229105'",
        f"classsql: 'chnlid={main.options['chnlid']}'",
        f"recordCount: '{len(main.articles)}'",
        "pageSize: 10",
        "url: '/fjdzapp/search'",
    ):
        assert needle in text, needle
    titles = list(static)
    for page in pages[1:]:
        assert page.method == "POST" and page.path == "/fjdzapp/search"
        status, headers, answer = post(running.url(page.path), page.form)
        data = json.loads(answer)
        assert status == 200 and headers.get_content_type() == "application/json"
        assert data["recordCount"] == len(main.articles) and data["pageCount"] == len(pages)
        titles += [d["doctitle"] for d in data["data"]]
        assert all(d["docpuburl"].startswith(running.base_url + main.path) for d in data["data"])
        assert all(fetch(d["docpuburl"])[0] == 200 for d in data["data"][:2])
    assert titles == [a.title for a in main.articles]
    # the same query by GET works too, and a bigger prepage gets more at once
    query = urllib.parse.urlencode(
        [(k, "30" if k == "prepage" else "1" if k == "page" else v) for k, v in pages[1].form]
    )
    assert len(json.loads(fetch(running.url(f"/fjdzapp/search?{query}"))[2])["data"]) == min(
        30, len(main.articles)
    )
    second = running.site.report_columns()[1]
    broken = next(page for page in second.pages() if page.defect)
    assert broken.defect == "invalid_json" and not any(a.is_report for a in broken.items)
    status, _, answer = post(running.url(broken.path), broken.form)
    assert status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer)


def test_gkmlpt_index_sid_and_json_lists(families):
    running = _site(families, "gkmlpt")
    site = running.site
    status, _, body, _ = fetch(running.url("/"))
    assert "/gkmlpt/index" in body.decode()
    status, _, body, _ = fetch(running.url("/gkmlpt/index"))
    text = body.decode()
    assert f'window._CONFIG = {{SID: "{site.sid}"' in text
    main = site.report_columns()[0]
    assert f'href="/gkmlpt/index#{main.options["code"]}"' in text
    titles = []
    for number, page in enumerate(main.pages(), start=1):
        assert page.path == f"/gkmlpt/api/all/{main.options['code']}?page={number}&sid={site.sid}"
        status, _, answer, _ = fetch(running.url(page.path))
        data = json.loads(answer)
        assert status == 200 and data["total"] == len(main.articles)
        for article in data["articles"]:
            assert {"title", "url", "created_at"} <= set(article)
            assert re.fullmatch(
                re.escape(running.base_url)
                + r"/gkmlpt/content/\d+/\d+/post_\d+\.html#"
                + str(main.options["code"]),
                article["url"],
            )
            titles.append(article["title"])
    assert titles == [a.title for a in main.articles]
    assert fetch(running.url(f"/gkmlpt/api/all/{main.options['code']}?page=1&sid=1"))[0] == 400
    report = _truth(families, running)[0]
    assert "/gkmlpt/content/" in report["url"] and fetch(report["url"])[0] == 200


def _attachment(portal, kind):
    running = _site(portal, "attachments")
    for _column, article in running.site.reports():
        if article.attachment is not None and article.attachment.kind == kind:
            record = next(r for r in _truth(portal, running) if r["title"] == article.title)
            return running, article, record
    raise AssertionError(kind)


def test_attachment_truth(families):
    running = _site(families, "attachments")
    records = _truth(families, running)
    by_format = Counter(r["format"] for r in records)
    assert by_format["pdf"] >= 5 and by_format["docx"] >= 3
    assert {"doc", "wps", "image_pdf", "image_html"} <= set(by_format)
    obstacles = {r["obstacle"] for r in records}
    assert {"expiring_link", "oversized", "truncated", "zip_bomb", "js_bound"} <= obstacles
    for record in records:
        if record["attachment_of"]:
            assert record["attachment_of"].startswith(running.base_url)
            assert record["url"] != record["attachment_of"]
        if record["expected_status"] != "parsed":
            assert record["table3"] is None and record["expected_flags"]
    minimum = families.minimum_requests()[running.base_url + "/"]
    assert minimum["attachments"] == sum(1 for r in records if r["attachment_of"])
    assert minimum["report_pages"] == len(records)


def test_attachment_text_pdf_and_docx(families):
    import docx
    import pdfplumber

    _, article, record = _attachment(families, "pdf")
    status, headers, body, _ = fetch(record["url"])
    assert status == 200 and body.startswith(b"%PDF-") and headers.get_content_type() == "application/pdf"
    assert urljoin(record["attachment_of"], "./" + record["url"].rsplit("/", 1)[-1]) == record["url"]
    page = fetch(record["attachment_of"])[2]
    assert record["url"] in _hrefs(record["attachment_of"], page)
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        text = "\n".join(p.extract_text(layout=True) or "" for p in pdf.pages)
    assert article.title in text.replace(" ", "").replace("\n", "")
    row = record["table3"]["new_received"]
    numbers = " ".join(str(row[c]) for c in TABLE3_COLUMNS)
    line = next(line for line in text.splitlines() if "本年新收" in line)
    assert re.sub(r"\s+", " ", line.split("数量", 1)[1]).strip() == numbers  # the cells in columns

    _, article, record = _attachment(families, "docx")
    status, _, body, _ = fetch(record["url"])
    document = docx.Document(io.BytesIO(body))
    assert len(document.tables) == 3
    cells = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    label = L.fullwidth(L.TABLE3_ROW_LABELS["granted"])
    row = next(r for r in cells if label in r)
    assert row[-7:] == [_expected_text(record["table3"]["granted"][c]) for c in TABLE3_COLUMNS]


def test_attachment_unreadable_kinds(families):
    import pdfplumber

    for kind in ("doc", "wps"):
        _, _, record = _attachment(families, kind)
        body = fetch(record["url"])[2]
        assert body.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and record["url"].endswith("." + kind)
        assert record["expected_flags"] == ["unsupported_document"]
    _, _, record = _attachment(families, "image_pdf")
    with pdfplumber.open(io.BytesIO(fetch(record["url"])[2])) as pdf:
        assert all(not (p.extract_text() or "").strip() and len(p.images) == 1 for p in pdf.pages)
    assert "needs_ocr" in record["expected_flags"]
    _, _, record = _attachment(families, "image_html")
    assert (
        record["url"].endswith(".html")
        and "（图片版）" in record["title"]
        and record["attachment_of"] is None
    )
    doc = lxml.html.fromstring(fetch(record["url"])[2])
    content = doc.xpath('//div[@class="TRS_Editor"]')[0]
    assert not content.text_content().strip() and len(content.xpath(".//img")) == 2
    image = urljoin(record["url"], content.xpath(".//img/@src")[0])
    assert fetch(image)[2].startswith(b"\x89PNG")
    _, _, record = _attachment(families, "truncated_pdf")
    body = fetch(record["url"])[2]
    assert body.startswith(b"%PDF-") and b"%%EOF" not in body
    with pytest.raises(Exception):  # noqa: B017 - pdfminer raises its own types
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            "".join(p.extract_text() or "" for p in pdf.pages)
    _, _, record = _attachment(families, "zip_bomb")
    body = fetch(record["url"])[2]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        inflated = sum(info.file_size for info in archive.infolist())
    assert len(body) < 1 << 20 and inflated > 256 << 20


def test_attachment_obstacles(families):
    _, _, record = _attachment(families, "js_bound")
    assert record["expected_flags"] == ["js_bound_attachment"] and record["url"].endswith(".html")
    body = fetch(record["url"])[2]
    assert b"viewer.html?file={{qzbFile}}" in body
    assert record["attachment_url"] not in _hrefs(record["url"], body)

    _, _, record = _attachment(families, "expiring_pdf")
    assert fetch(record["url"], method="HEAD")[0] == 200  # a HEAD does not use the token up
    status, _, body, _ = fetch(record["url"])
    assert status == 200 and body.startswith(b"%PDF-")
    assert fetch(record["url"])[0] == 403

    _, _, record = _attachment(families, "oversized")
    status, headers, _, _ = fetch(record["url"], method="HEAD")
    assert status == 200 and int(headers["Content-Length"]) > 64 << 20
    with _OPENER.open(record["url"], timeout=TIMEOUT) as response:
        assert response.read(4096).startswith(b"%PDF-")  # and hang up: nothing else is sent eagerly


def test_blocked_sites_answer_every_request(families):
    expectations = {e["kind"]: e for e in families.site_expectations()}
    cases = {
        "ruishu-412": (412, [b"$_ts", b"r='m'"], None),
        "ruishu-200": (200, [b"$_ts", b"r='m'"], None),
        "jiasule-521": (
            521,
            [b"document.cookie=('_')+('_')+('j')", b"location.href=location.pathname"],
            "__jsluid_s=",
        ),
        "waf-403": (403, ["您的访问被拦截".encode(), b"WAF"], None),
    }
    for kind, (status, needles, cookie) in cases.items():
        running = _site(families, kind)
        assert expectations[kind]["expected_status"] == "blocked" and expectations[kind]["reason"]
        assert (
            not _truth(families, running)
            and families.minimum_requests()[running.base_url + "/"]["total"] == 1
        )
        for path in ("/", "/robots.txt", running.site.section_path):
            got, headers, body, _ = fetch(running.url(path), follow=False)
            assert got == status, (kind, path)
            assert all(needle in body for needle in needles), kind
            if cookie:
                assert headers["Set-Cookie"].startswith(cookie)
    assert expectations["ruishu-412"]["reason"] == "ruishu-412"
    assert expectations["waf-403"]["reason"] == "waf"
    assert expectations["gbk-misdeclared"]["expected_status"] == "ok"


def test_misdeclared_gbk_site(families):
    running = _site(families, "gbk-misdeclared")
    records = _truth(families, running)
    assert records and all(r["obstacle"] == "misdeclared_charset" for r in records)
    for url, meta in ((running.url("/"), b"charset=gb2312"), (records[0]["url"], None)):
        status, headers, body, _ = fetch(url)
        assert status == 200 and headers.get_content_charset() == "utf-8"
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        assert running.site.publisher in body.decode("gbk")
        assert (meta in body) if meta else (b"charset=" not in body)


def test_attachments_are_the_same_bytes_every_run():
    from demoportal.pages import site_routes

    def files():
        site = build_sites(n_sites=0, families="attachments")[0]
        routes = site_routes(site, "http://x")
        chosen = [
            a.attachment for _, a in site.reports() if a.attachment and a.attachment.kind in ("pdf", "docx")
        ]
        return [routes[attachment.path].body() for attachment in chosen[:2]]

    assert files() == files()


def test_importing_the_portal_needs_no_scrapy():
    import subprocess
    import sys

    code = "import sys, demoportal; print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_stop_is_prompt_while_a_huge_download_stalls():
    import socket

    portal = TestPortal(n_sites=0, families="attachments").start()
    record = next(r for r in portal.ground_truth() if r["obstacle"] == "oversized")
    parts = urllib.parse.urlsplit(record["url"])
    with socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT) as client:
        client.sendall(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        assert client.recv(64).startswith(b"HTTP/1.1 200")
        time.sleep(0.3)  # the client reads no more: the server's writes fill the socket buffer
        started = time.monotonic()
        portal.stop()
        assert time.monotonic() - started < 2.0
