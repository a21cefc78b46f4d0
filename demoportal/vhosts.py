"""Named hosts on loopback: an HTTP proxy that answers for virtual hosts, as the web would.

Tests on 127.0.0.1 ports cannot show host-name rules (a registrable domain, a sibling
``zwgk.`` host, a city-wide platform shared by many bodies). :class:`VirtualHosts` is a
loopback HTTP proxy: the crawler is pointed at it through ``http_proxy`` (Scrapy's
HttpProxyMiddleware reads the environment) and asks for ``http://www.xx-county.gov.cn/``; the
proxy answers from its table of hosts, and logs every request by host, so a test can assert
that a foreign host saw nothing at all, ``robots.txt`` included. A host it does not serve gets
``502`` (and is logged): nothing leaves the machine.

:func:`county_world` is the world issue 9 describes: a county portal whose 政务公开 platform is
on a sibling host, whose finance bureau's 年报 column is one unit of a city-wide platform that
holds other bodies' columns too, foreign links and redirects off the portal at every level, and
an old town host that moved to a new one. Stdlib only, plus the portal's report renderer.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from .render import random_spec, render_report_page

#: What a path answers: (status, headers, body). Keys are the request target (path and query).
Answer = tuple[int, dict[str, str], bytes]
_POLL_INTERVAL = 0.05


class ProxyRecord(NamedTuple):
    host: str  # host[:port] as asked for
    method: str
    target: str  # path and query
    status: int


def page(html: str, status: int = 200) -> Answer:
    return status, {"Content-Type": "text/html; charset=utf-8"}, html.encode("utf-8")


def redirect(location: str, status: int = 302) -> Answer:
    return status, {"Location": location, "Content-Type": "text/html"}, b"moved"


def links_page(title: str, links: Iterable[tuple[str, str]], extra: str = "") -> Answer:
    """A plain navigation page: a title and its labelled links."""
    items = "\n".join(f'<li><a href="{href}">{label}</a></li>' for label, href in links)
    return page(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1><ul>{items}</ul>{extra}</body></html>"
    )


def list_page(title: str, items: Iterable[tuple[str, str, str]]) -> Answer:
    """A 年报 column: (title, href, date) rows, in the plain list shape most CMSs print."""
    rows = "\n".join(f'<li><a href="{href}" title="{t}">{t}</a><span>{d}</span></li>' for t, href, d in items)
    return page(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><div class='list'><ul>{rows}</ul></div></body></html>"
    )


class _Handler(BaseHTTPRequestHandler):
    server: _ProxyServer
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 15

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_CONNECT(self) -> None:
        """An https request: logged by host, refused (this proxy does not speak TLS)."""
        host = self.path.lower().removesuffix(":443")
        self.server.vhosts._record(ProxyRecord(host, "CONNECT", "", 403))
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.close_connection = True

    def _answer(self, send_body: bool) -> None:
        target = self.path
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            host = parts.netloc.lower()
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        else:  # asked directly, not as a proxy: the Host header names the site
            host = (self.headers.get("Host") or "").lower()
        host = host.removesuffix(":80")
        status, headers, body = self.server.vhosts.answer(host, target)
        self.server.vhosts._record(ProxyRecord(host, self.command, target, status))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, vhosts: VirtualHosts) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.vhosts = vhosts


@dataclass
class VirtualHosts:
    """A loopback proxy serving ``hosts``: host → target → answer (or a callable of the target)."""

    hosts: dict[str, dict[str, Answer]]
    request_log: list[ProxyRecord] = field(default_factory=list)
    fallback: Callable[[str, str], Answer | None] | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: _ProxyServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> VirtualHosts:
        self._server = _ProxyServer(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": _POLL_INTERVAL}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=2)

    def __enter__(self) -> VirtualHosts:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def proxy_url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def environ(self, base: dict[str, str]) -> dict[str, str]:
        """``base`` with the proxy as ``http_proxy`` and ``https_proxy``, and no exceptions."""
        env = {k: v for k, v in base.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy")}
        env["http_proxy"] = env["https_proxy"] = self.proxy_url
        return env

    # --- answers and log ---------------------------------------------------------------
    def answer(self, host: str, target: str) -> Answer:
        site = self.hosts.get(host)
        if site is None:
            return 502, {"Content-Type": "text/plain"}, b"unknown host"
        if target in site:
            return site[target]
        if target == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"
        return 404, {"Content-Type": "text/html"}, b"<html><body>404 Not Found</body></html>"

    def _record(self, record: ProxyRecord) -> None:
        with self._lock:
            self.request_log.append(record)

    def requests_to(self, host: str) -> list[ProxyRecord]:
        with self._lock:
            return [r for r in self.request_log if r.host == host]

    def requested(self, url: str) -> bool:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        with self._lock:
            return any(r.host == parts.netloc and r.target == target for r in self.request_log)


# --- the world of issue 9 ------------------------------------------------------------------

COUNTY = "www.xx-county.gov.cn"
COUNTY_ZWGK = "zwgk.xx-county.gov.cn"
CITY_PLATFORM = "zfxxgk.some-city.gov.cn"
EVIL = "evil.example.com"
OLD_TOWN = "www.old-town.gov.cn"
NEW_TOWN = "www.new-town.gov.cn"
#: The county finance bureau's unit on the city platform, and another body's unit there.
OWN_UNIT = "/330102/"
OTHER_UNIT = "/330103/"


@dataclass
class World:
    """The hosts, and what a correct crawl of each seed must and must not store."""

    hosts: dict[str, dict[str, Answer]]
    #: seed URL → report URLs a crawl of that seed must store (and no others)
    expected: dict[str, set[str]]
    #: report URLs of other bodies: a crawl of any seed here must never request them
    others: set[str]
    #: (error kind, URL the row names, target named in its message) a crawl of the county records
    refusals: list[tuple[str, str, str]]


def _report_page(rng: random.Random, url: str, publisher: str, year: int, site_name: str) -> Answer:
    spec = random_spec(rng, publisher=publisher, year=year)
    html = render_report_page(spec, cms="trs", site_name=site_name, column_name="政府信息公开年报", url=url)
    return page(html)


def county_world(seed: int = 9) -> World:
    rng = random.Random(seed)
    county_name = "某某县人民政府"
    hosts: dict[str, dict[str, Answer]] = {
        h: {} for h in (COUNTY, COUNTY_ZWGK, CITY_PLATFORM, EVIL, NEW_TOWN)
    }
    hosts[OLD_TOWN] = {}
    expected: dict[str, set[str]] = {f"http://{COUNTY}/": set(), f"http://{OLD_TOWN}/": set()}
    others: set[str] = set()
    refusals: list[tuple[str, str, str]] = []
    evil = f"http://{EVIL}"

    # The county's home page: its 政务公开 platform on the sibling host, and links off the portal.
    hosts[COUNTY]["/"] = links_page(
        f"{county_name}门户网站",
        [
            ("政务公开", f"http://{COUNTY_ZWGK}/"),
            ("政府信息公开", "/xxgk/"),  # a nav link that redirects off the portal
            ("信息公开专栏", f"{evil}/xxgk/"),  # a foreign host with an admitting label: not gov.cn
            ("某某县2020年政府信息公开工作年度报告", "/ndbg2020.html"),  # a report link that redirects away
            ("某某县2019年政府信息公开工作年度报告", f"{evil}/ndbg2019.html"),  # a report link off the portal
            ("友情链接", f"{evil}/"),
        ],
    )
    hosts[COUNTY]["/xxgk/"] = redirect(f"{evil}/xxgk/index.html")
    hosts[COUNTY]["/ndbg2020.html"] = redirect(f"{evil}/ndbg2020.html")
    refusals += [
        ("offsite_redirect", f"http://{COUNTY}/xxgk/", f"{evil}/xxgk/index.html"),
        ("offsite_redirect", f"http://{COUNTY}/ndbg2020.html", f"{evil}/ndbg2020.html"),
        ("offsite_link", f"{evil}/xxgk/", ""),
        ("offsite_link", f"{evil}/ndbg2019.html", ""),
    ]

    # The sibling 政务公开 host: the county's own 年报 column, and the bureau's column on the city platform.
    zwgk = f"http://{COUNTY_ZWGK}"
    bureau_column = f"http://{CITY_PLATFORM}{OWN_UNIT}zfxxgknb/list.html"
    hosts[COUNTY_ZWGK]["/"] = links_page(
        f"{county_name}政务公开",
        [
            ("政府信息公开年报", "/zfxxgknb/index.html"),
            ("某某县财政局政府信息公开年报", bureau_column),
            ("首页", f"http://{COUNTY}/"),
        ],
    )
    items = []
    for year in (2022, 2023, 2024):
        url = f"{zwgk}/zfxxgknb/{year + 1}03/t{year}.html"
        hosts[COUNTY_ZWGK][urlsplit(url).path] = _report_page(rng, url, county_name, year, "某某县政务公开")
        items.append((f"{county_name}{year}年政府信息公开工作年度报告", url, f"{year + 1}-03-20"))
        expected[f"http://{COUNTY}/"].add(url)
    # A listed report that moved off the portal.
    hosts[COUNTY_ZWGK]["/zfxxgknb/202203/t2021.html"] = redirect(f"{evil}/t2021.html")
    items.append(
        (f"{county_name}2021年政府信息公开工作年度报告", f"{zwgk}/zfxxgknb/202203/t2021.html", "2022-03-01")
    )
    refusals.append(("offsite_redirect", f"{zwgk}/zfxxgknb/202203/t2021.html", f"{evil}/t2021.html"))
    hosts[COUNTY_ZWGK]["/zfxxgknb/index.html"] = list_page("政府信息公开年报", items)

    # The city-wide platform: every body's columns under its unit path.
    platform = f"http://{CITY_PLATFORM}"
    units = {OWN_UNIT: "某某县财政局", OTHER_UNIT: "某市交通运输局", "/330101/": "某市人民政府"}
    hosts[CITY_PLATFORM]["/"] = links_page(
        "某市政府信息公开平台",
        [(f"{name}政府信息公开年报", f"{unit}zfxxgknb/list.html") for unit, name in units.items()],
    )
    for unit, name in units.items():
        unit_items = []
        for year in (2023, 2024):
            url = f"{platform}{unit}zfxxgknb/{year}/t{year}.html"
            hosts[CITY_PLATFORM][urlsplit(url).path] = _report_page(
                rng, url, name, year, "某市政府信息公开平台"
            )
            unit_items.append((f"{name}{year}年政府信息公开工作年度报告", url, f"{year + 1}-03-25"))
            (expected[f"http://{COUNTY}/"] if unit == OWN_UNIT else others).add(url)
        if unit == OWN_UNIT:
            # The bureau's list also shows a neighbouring body's report ("相关链接"): not its own.
            other = f"{platform}{OTHER_UNIT}zfxxgknb/2024/t2024.html"
            unit_items.append(("某市交通运输局2024年政府信息公开工作年度报告", other, "2025-03-25"))
            refusals.append(("offsite_link", other, ""))
        hosts[CITY_PLATFORM][f"{unit}zfxxgknb/list.html"] = list_page(f"{name}政府信息公开年报", unit_items)

    # A town that moved: the old host's every page redirects to the new host.
    hosts[OLD_TOWN]["/"] = redirect(f"http://{NEW_TOWN}/", 301)
    town = "某某镇人民政府"
    hosts[NEW_TOWN]["/"] = links_page(f"{town}门户网站", [("政府信息公开年报", "/ndbg/")])
    town_items = []
    for year in (2023, 2024):
        url = f"http://{NEW_TOWN}/ndbg/t{year}.html"
        hosts[NEW_TOWN][urlsplit(url).path] = _report_page(rng, url, town, year, town)
        town_items.append((f"{town}{year}年政府信息公开工作年度报告", url, f"{year + 1}-03-10"))
        expected[f"http://{OLD_TOWN}/"].add(url)
    hosts[NEW_TOWN]["/ndbg/"] = list_page("政府信息公开年报", town_items)

    # The foreign host answers everything (so that a request to it would succeed and be seen).
    for path in ("/", "/xxgk/", "/xxgk/index.html", "/ndbg2019.html", "/ndbg2020.html", "/t2021.html"):
        hosts[EVIL][path] = _report_page(rng, evil + path, county_name, 2019, "evil")
    return World(hosts, expected, others, refusals)
