"""Crawl scope on host names, through the real Scrapy engine: a loopback proxy plays the web.

The crawler runs as a user runs it (``gsspider crawl URL``, a subprocess) with ``http_proxy``
pointing at :class:`demoportal.vhosts.VirtualHosts`, which answers for named hosts and logs
every request by host. The assertions are on that log: a foreign host sees nothing, robots.txt
included; another body's unit on a shared platform sees nothing; the county's sibling host and
its bureau's unit are crawled.
"""

from __future__ import annotations

import json

import pytest

from demoportal import vhosts as vh
from tests.conftest import crawl_via, rows

pytestmark = pytest.mark.crawl  # runs a crawl or a server: not in the fast lane


@pytest.fixture(scope="module")
def world():
    return vh.county_world()


@pytest.fixture(scope="module")
def county(world, tmp_path_factory):
    """One crawl of the county's home page; the proxy's log and the database it left."""
    db = tmp_path_factory.mktemp("county") / "gsspider.db"
    with vh.VirtualHosts(world.hosts) as proxy:
        proc = crawl_via(proxy, db, f"http://{vh.COUNTY}/")
        log = list(proxy.request_log)
    return db, log, proc


def test_foreign_host_sees_no_request_at_all(county):
    _, log, proc = county
    assert [r for r in log if r.host == vh.EVIL] == [], proc.stderr[-2000:]
    # The crawl did go somewhere: the county, its sibling host and its bureau's unit.
    assert {r.host for r in log} >= {vh.COUNTY, vh.COUNTY_ZWGK, vh.CITY_PLATFORM}


def test_each_refusal_is_recorded_with_its_target(world, county):
    db, _, _ = county
    errors = rows(db, "SELECT url, error, message, count FROM crawl_errors")
    for kind, url, target in world.refusals:
        match = [e for e in errors if e["error"] == kind and e["url"] == url]
        assert match, f"no {kind} row for {url}: {errors}"
        assert target in match[0]["message"], match[0]
        assert match[0]["count"] >= 1


def test_reports_on_the_sibling_host_and_the_bureau_unit_only(world, county):
    db, log, _ = county
    stored = {r["url"] for r in rows(db, "SELECT url FROM reports WHERE is_report = 1")}
    assert stored == world.expected[f"http://{vh.COUNTY}/"]
    # Another body's unit on the shared platform, and the platform's own front page: never asked.
    platform = [r for r in log if r.host == vh.CITY_PLATFORM]
    assert platform and all(r.target.startswith(vh.OWN_UNIT) or r.target == "/robots.txt" for r in platform)
    for url in world.others:
        assert url not in stored


def test_sites_row_says_which_hosts_and_why(county):
    db, _, _ = county
    (site,) = rows(db, "SELECT url, status, reports, hosts FROM sites")
    assert site["status"] == "ok" and site["reports"] == 5
    hosts = {h["host"]: h for h in json.loads(site["hosts"])}
    assert hosts[vh.COUNTY]["reason"] == "seed"
    assert hosts["*.xx-county.gov.cn"]["reason"] == "registrable domain"
    assert vh.COUNTY_ZWGK in hosts["*.xx-county.gov.cn"]["visited"]
    unit = hosts[vh.CITY_PLATFORM]
    assert unit["reason"] == "navigation link" and unit["prefix"] == f"{vh.OWN_UNIT}zfxxgknb/"
    assert unit["label"] == "某某县财政局政府信息公开年报" and unit["via"] == f"http://{vh.COUNTY_ZWGK}/"
    assert vh.EVIL not in hosts


def test_relocated_host_is_followed_to_its_new_home(world, tmp_path):
    db = tmp_path / "town.db"
    with vh.VirtualHosts(world.hosts) as proxy:
        crawl_via(proxy, db, f"http://{vh.OLD_TOWN}/")
        assert not proxy.requests_to(vh.EVIL)
    stored = {r["url"] for r in rows(db, "SELECT url FROM reports WHERE is_report = 1")}
    assert stored == world.expected[f"http://{vh.OLD_TOWN}/"]
    (site,) = rows(db, "SELECT hosts FROM sites")
    reasons = {h["host"]: h["reason"] for h in json.loads(site["hosts"])}
    assert reasons[vh.NEW_TOWN] == "relocation"


def test_a_seed_on_the_platform_itself_is_a_different_site(world, tmp_path):
    """Two seeds of one crawl: each link admitted belongs to the crawl that admitted it."""
    db = tmp_path / "two.db"
    with vh.VirtualHosts(world.hosts) as proxy:
        crawl_via(proxy, db, f"http://{vh.COUNTY}/", f"http://{vh.CITY_PLATFORM}/")
        assert not proxy.requests_to(vh.EVIL)
    by_site: dict[str, set[str]] = {}
    for r in rows(db, "SELECT site, url FROM reports WHERE is_report = 1"):
        by_site.setdefault(r["site"], set()).add(r["url"])
    county_urls = world.expected[f"http://{vh.COUNTY}/"]
    platform = by_site[f"http://{vh.CITY_PLATFORM}/"]
    # The platform crawl stores every unit's reports; the county keeps its sibling host's.
    assert world.others <= platform
    assert {u for u in county_urls if vh.COUNTY_ZWGK in u} <= by_site[f"http://{vh.COUNTY}/"]
