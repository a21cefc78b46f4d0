"""The local test portal and the report renderer behind it."""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gsspider.portal import TestPortal, build_sites
from gsspider.portal import labels as L
from gsspider.portal.render import (
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
from gsspider.portal.seeds import seed_text, seed_truth
from parsers.constants import TABLE3_COLUMNS, TABLE4_KEYS, TEMPLATE_2019, TEMPLATE_2021

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
