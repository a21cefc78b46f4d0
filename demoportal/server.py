"""The HTTP layer: every simulated site on its own 127.0.0.1 port, started and stopped together.

A distinct port is a distinct origin, which is what a crawler treats as a distinct domain.
Stdlib only (``http.server`` + ``threading``); no scrapy, no twisted.
"""

from __future__ import annotations

import hashlib
import json
import random
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple

from .articles import report_article
from .builders import DEFAULT_YEARS, build_sites
from .families import FAMILIES
from .model import Article, Site
from .pages import Resource, blocked_resource, make_request, not_found, site_routes

TRUTH_PATH = "/__truth__.json"
#: How often an idle server checks for shutdown; bounds how long stop() waits per server.
_POLL_INTERVAL = 0.05
#: Largest request body the portal reads (POST forms are small).
_MAX_REQUEST_BODY = 1 << 20


class RequestRecord(NamedTuple):
    site: str  # base URL of the site, e.g. "http://127.0.0.1:41234"
    method: str
    path: str  # request target as sent (path and query)
    status: int


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 15  # idle keep-alive connections are closed after this many seconds

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_REQUEST_BODY:
            self.close_connection = True
            self._write(
                Resource(status=413, render=lambda: "Request Entity Too Large", content_type="text/plain"),
                True,
            )
            return
        self._answer(send_body=True, body=self.rfile.read(length) if length else b"")

    def _answer(self, send_body: bool, body: bytes = b"") -> None:
        resource = self.server.lookup(self.path)
        try:
            if resource.handler is not None:
                resource = resource.handler(make_request(self.command, self.path, body))
            elif self.command not in resource.methods:
                resource = Resource(
                    status=405, render=lambda: "Method Not Allowed", content_type="text/plain"
                )
            if resource.stream is None:
                resource.body()  # render now: a portal bug is a 500 here, not a dropped connection
        except Exception as exc:  # pragma: no cover - a bug in the portal itself
            message = f"portal error: {type(exc).__name__}: {exc}"
            resource = Resource(status=500, render=lambda: message, content_type="text/plain")
        if body:
            self.server.portal._record_body(self.server.base_url, self.path, body)
        if resource.delay:
            self.server.portal._stopping.wait(resource.delay)
        validators: list[tuple[str, str]] = []
        not_modified = False
        if self.command in ("GET", "HEAD") and resource.status == 200 and resource.stream is None:
            # Like a real static server: ETag (hash of the bytes) and Last-Modified (when the bytes
            # last changed), and 304 to a matching If-None-Match / If-Modified-Since.
            etag, modified = self.server.validators(self.path, resource.body())
            validators = [("ETag", etag), ("Last-Modified", formatdate(modified, usegmt=True))]
            not_modified = _not_modified(self.headers, etag, modified)
        self._write(resource, send_body, validators, not_modified)

    def _write(
        self,
        resource: Resource,
        send_body: bool,
        validators: Sequence[tuple[str, str]] = (),
        not_modified: bool = False,
    ) -> None:
        streamed = resource.stream is not None
        data = b"" if streamed or not_modified else resource.body()
        status = 304 if not_modified else resource.status
        self.server.portal._record(RequestRecord(self.server.base_url, self.command, self.path, status))
        self.server.portal._record_transfer(
            self.server.base_url, self.path, status, resource.length if streamed else len(data)
        )
        self.server_version = resource.server or type(self).server_version
        try:
            self.send_response(status)
            for name, value in resource.headers():
                if not_modified and name == "Content-Type":
                    continue
                self.send_header(name, value)
            for name, value in validators:
                self.send_header(name, value)
            if not not_modified:
                self.send_header("Content-Length", str(resource.length if streamed else len(data)))
            self.end_headers()
            if not send_body or not_modified:
                return
            if streamed:
                assert resource.stream is not None
                for chunk in resource.stream():
                    if self.server.portal._stopping.is_set():
                        self.close_connection = True
                        break
                    self.wfile.write(chunk)
            else:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the portal keeps its own request log


def _not_modified(headers: Any, etag: str, modified: float) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    none_match = headers.get("If-None-Match")
    if none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in none_match.split(",")]
        return "*" in tags or etag in tags
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return int(modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
    return False


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # crawlers open many connections at once

    def __init__(self, portal: TestPortal, site: Site, host: str) -> None:
        super().__init__((host, 0), _Handler)
        self.portal = portal
        self.site = site
        self.base_url = f"http://{host}:{self.server_address[1]}"
        self.routes = site_routes(site, self.base_url)
        self.blocked = blocked_resource(site) if site.blocked else None
        self.routes[TRUTH_PATH] = Resource(
            render=lambda: json.dumps(portal.site_truth(self.base_url), ensure_ascii=False, indent=1),
            content_type="application/json",
        )
        self.missing = not_found(site)
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        #: request target -> (ETag, Last-Modified): a body's time changes when its bytes do.
        self._validators: dict[str, tuple[str, float]] = {}
        self._validators_lock = threading.Lock()

    def validators(self, target: str, body: bytes) -> tuple[str, float]:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        with self._validators_lock:
            known = self._validators.get(target)
            if known is None or known[0] != etag:
                # First answer: the portal's publication time; a changed body: now.
                known = (etag, self.portal.published_at if known is None else max(time.time(), known[1] + 1))
                self._validators[target] = known
            return known

    def rebuild(self) -> None:
        """Routes again from the (edited) site model; bodies re-render on the next request."""
        routes = site_routes(self.site, self.base_url)
        routes[TRUTH_PATH] = self.routes[TRUTH_PATH]
        self.routes = routes

    def lookup(self, target: str) -> Resource:
        if self.blocked is not None and target != TRUTH_PATH:
            return self.blocked
        resource = self.routes.get(target)
        if resource is not None:
            return resource
        bare, _, query = target.partition("?")
        resource = self.routes.get(bare) if query else None
        if resource is not None and not resource.query_sensitive:
            return resource
        return self.missing

    # Keep track of open connections so stop() can cut idle keep-alive ones.
    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@dataclass
class PortalSite:
    """A running site: the model plus where it is served."""

    site: Site
    base_url: str  # "http://127.0.0.1:PORT", no trailing slash
    server: _SiteServer
    thread: threading.Thread

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def key(self) -> str:
        return self.site.key

    @property
    def kind(self) -> str:
        return self.site.kind

    @property
    def name(self) -> str:
        return self.site.name

    @property
    def publisher(self) -> str:
        return self.site.publisher


class TestPortal:
    """A deterministic set of simulated government portals on 127.0.0.1.

    >>> with TestPortal() as portal:            # doctest: +SKIP
    ...     start = portal.sites[0].base_url
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        n_sites: int = 6,
        seed: int = 0,
        years: Sequence[int] = DEFAULT_YEARS,
        reports_per_site: int | None = None,
        *,
        slow_seconds: float = 3.0,
        host: str = "127.0.0.1",
        bulk: int = 0,
        families: Sequence[str] = (),
    ) -> None:
        """``n_sites`` sites cycle through the six demo kinds; each group named in ``families``
        (``ALL_FAMILIES``: hanweb, trs_api, gkmlpt, attachments, blocked; or "all") adds its sites
        after them. ``bulk`` gives every unblocked site about that many extra pages (news, notices,
        policy files, 法定主动公开 sub-columns, a site map), none a report."""
        self.seed = seed
        self.host = host
        self.models = build_sites(
            seed=seed,
            n_sites=n_sites,
            years=years,
            reports_per_site=reports_per_site,
            slow_seconds=slow_seconds,
            families=families,
            bulk=bulk,
        )
        self.sites: list[PortalSite] = []
        self.request_log: list[RequestRecord] = []
        #: (site base URL, request target, body) of every request that carried a body (POST forms)
        self.request_bodies: list[tuple[str, str, bytes]] = []
        #: (site base URL, request target, status, body bytes sent) of every answer
        self.transfers: list[tuple[str, str, int, int]] = []
        self._log_lock = threading.Lock()
        self._stopping = threading.Event()
        #: Last-Modified of every body not edited since the portal was built (whole seconds)
        self.published_at = float(int(time.time()) - 86400)

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> TestPortal:
        if self.sites:
            return self
        self._stopping.clear()
        try:
            for model in self.models:
                server = _SiteServer(self, model, self.host)
                thread = threading.Thread(
                    target=server.serve_forever,
                    kwargs={"poll_interval": _POLL_INTERVAL},
                    name=f"portal-{model.key}",
                    daemon=True,
                )
                thread.start()
                self.sites.append(PortalSite(model, server.base_url, server, thread))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop every site: no new connections, slow answers cut short, bounded by ``timeout``."""
        self._stopping.set()
        deadline = time.monotonic() + timeout
        stoppers = [threading.Thread(target=s.server.shutdown, daemon=True) for s in self.sites]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join(max(0.0, deadline - time.monotonic()))
        for running in self.sites:
            running.server.server_close()
            running.server.close_connections()
        for running in self.sites:
            running.thread.join(max(0.0, deadline - time.monotonic()))
        self.sites = []

    def __enter__(self) -> TestPortal:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what is there --------------------------------------------------------------------

    def _running(self) -> list[PortalSite]:
        if not self.sites:
            raise RuntimeError("the portal is not running: use `with TestPortal() as portal:` or start()")
        return self.sites

    def ground_truth(self) -> list[dict[str, Any]]:
        """Every report the portal serves, one dict each.

        Keys: site_url, url, kind ("report"), title, published, column, form (how the body is
        printed), report_year, publisher, template, table3 (row -> column -> value as rendered,
        None for pre-2019 reports and where the published form carries no readable table), table4
        (the 15 keys, None where absent or incomplete), identities_hold, source ("rendered" or
        "seed:<id>"), format (html, pdf, docx, doc, wps, image_pdf, image_html), attachment_of (the
        article page that links the file, else None), expected_status (parsed, needs_ocr,
        unsupported, flagged, error), expected_flags (what a crawler should report) and obstacle
        (None, expiring_link, oversized, truncated, zip_bomb, js_bound, misdeclared_charset).
        JS-bound reports also carry attachment_url (the file the script would load).
        """
        return [record for s in self._running() for record in s.site.report_truth(s.base_url)]

    def noise(self) -> list[dict[str, Any]]:
        """Every non-report URL linked from the portal, with title and kind (notice, statistics,
        final_accounts, interpretation, guide, rules, proactive, news, policy, sitemap, apply,
        offsite, not_found, server_error, redirect, redirect_loop, soft_404, slow, malformed,
        robots_disallowed, viewer), plus the list-API answers broken on purpose (invalid_xml, xxe,
        malformed_json; with method and form) and the XXE probe URL (xxe_probe: never to be asked)."""
        return [record for s in self._running() for record in s.site.noise_truth(s.base_url)]

    def noise_urls(self) -> list[str]:
        return [record["url"] for record in self.noise()]

    def site_expectations(self) -> list[dict[str, Any]]:
        """Per site: what a crawl should end with. Keys: site_url, key, kind, family, level, charset,
        header_charset (what Content-Type declares), expected_status ("ok" | "blocked") and reason
        (None | "ruishu-412" | "ruishu-200" | "jiasule-521" | "waf")."""
        return [s.site.expectation(s.base_url) for s in self._running()]

    def minimum_requests(self) -> dict[str, dict[str, int]]:
        """Per site URL: requests a crawler must make to reach every report (home + section +
        navigation + static list pages + API/POST list calls + report pages + attachment downloads),
        and their total. A blocked site needs only its home page (total 1)."""
        return {s.base_url + "/": s.site.minimum_requests() for s in self._running()}

    def site_truth(self, base_url: str) -> dict[str, Any]:
        """What ``/__truth__.json`` of one site says."""
        running = next(s for s in self._running() if s.base_url == base_url)
        site = running.site
        return {
            "site": {
                "url": base_url + "/",
                "key": site.key,
                "kind": site.kind,
                "level": site.profile.level,
                "name": site.name,
                "publisher": site.publisher,
                "charset": site.charset,
                "family": site.profile.family,
                "expected_status": "blocked" if site.blocked else "ok",
                "reason": site.blocked,
            },
            "reports": site.report_truth(base_url),
            "noise": site.noise_truth(base_url),
            "minimum_requests": site.minimum_requests(),
        }

    # --- what was asked -------------------------------------------------------------------

    def _record(self, record: RequestRecord) -> None:
        with self._log_lock:
            self.request_log.append(record)

    def _record_transfer(self, site: str, target: str, status: int, size: int) -> None:
        with self._log_lock:
            self.transfers.append((site, target, status, size))

    def _record_body(self, site: str, target: str, body: bytes) -> None:
        with self._log_lock:
            self.request_bodies.append((site, target, body))

    def requested(self, url: str) -> bool:
        """Whether anything requested ``url`` (absolute, on one of the portal's sites)."""
        with self._log_lock:
            log = list(self.request_log)
        return any(record.site + record.path == url for record in log)

    # --- changing it between crawls -------------------------------------------------------

    def _find_article(self, url: str) -> tuple[PortalSite, Any, Article]:
        for running in self._running():
            if url.startswith(running.base_url + "/"):
                path = url[len(running.base_url) :]
                for column, article in running.site.articles():
                    if article.path == path and article.href is None:
                        return running, column, article
        raise KeyError(f"no article at {url}")

    def edit_report(self, url: str, delta: int = 1, column: str = "natural_person") -> dict[str, Any]:
        """Correct a published report in place: table 3's 新收 and 结转 of ``column`` (and their
        总计) grow by ``delta``, so every identity still holds. The page's bytes, ETag and
        Last-Modified change; ground truth follows. Returns the new truth record."""
        running, _column, article = self._find_article(url)
        spec = article.spec
        if spec is None or not spec.table3 or article.attachment is not None:
            raise ValueError(f"{url}: not an editable rendered HTML report")
        if column not in spec.table3["new_received"]:
            raise ValueError(f"no table-3 column {column!r}: {sorted(spec.table3['new_received'])}")
        for row in ("new_received", "carried_forward"):
            for col in (column, "total"):
                spec.table3[row][col] = (spec.table3[row].get(col) or 0) + delta
        running.server.rebuild()
        return next(t for t in running.site.report_truth(running.base_url) if t["url"] == url)

    def add_report(self, site: int | str, year: int, *, published: str | None = None) -> dict[str, Any]:
        """Publish a new report of ``year`` on a site (index or base URL) in its main report column,
        newest first as lists are; list pages and ground truth follow. Returns its truth record."""
        sites = self._running()
        running = (
            sites[site] if isinstance(site, int) else next(s for s in sites if s.base_url == site.rstrip("/"))
        )
        model = running.site
        main = next(c for c in model.columns if c.role == "reports")
        next_id = max(a.id for _, a in model.articles()) + 1
        rng = random.Random(f"added/{model.key}/{next_id}")
        article = report_article(next_id, rng, model.publisher, year, model.profile)
        if published:
            article.published = published
            assert article.spec is not None
            article.spec.published = published
        main.articles.append(article)
        main.articles.sort(key=lambda a: (a.published, a.id), reverse=True)
        main._pages = None
        main._positions = None
        FAMILIES[main.family].assign_paths(main)
        running.server.rebuild()
        return next(
            t for t in model.report_truth(running.base_url) if t["url"] == running.base_url + article.path
        )
