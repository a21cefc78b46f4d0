"""Downloader middlewares: keep the crawl on its portals, and name redirect loops."""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from gsspider.scope import book_of, host_port
from gsspider.vocab import ERROR_CALLBACK, ROLE_HOME

logger = logging.getLogger(__name__)


def header(obj: Request | Response | None, name: bytes) -> str | None:
    """A request's or response's header as text (latin-1, as HTTP sends it), or None."""
    if obj is None:
        return None
    value = obj.headers.get(name)
    return value.decode("latin-1") if value else None


class OffsiteRequest(IgnoreRequest):
    """A request outside the crawl's portals, refused before any connection."""


class RedirectLoop(IgnoreRequest):
    pass


class Skipped(IgnoreRequest):
    """A request deliberately not sent (fresh copy stored, outside the season, ...).

    The spider's errback drops these quietly: they are not errors. Subclasses name the reason.
    """


def is_private_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0].strip("[]") if not host.startswith("[") else host[1:].split("]")[0]
    if name in ("localhost",) or name.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified


class SiteScopeMiddleware:
    """Every request must belong to the portal that asked for it, at every hop, redirects included.

    The crawl's :class:`gsspider.scope.SiteBook` (reached through ``crawler.spider``: Scrapy ≥ 2.13
    passes no ``spider`` to this method) says which site a URL belongs to; a request whose URL is
    not its own site's (``meta["site"]``) is refused before any connection. Scope is by host *and
    port*, so two local test portals on 127.0.0.1 are two sites; a private or loopback address is
    allowed only when it is a seed's own host or listed in ``GSSPIDER_ALLOW_PRIVATE_HOSTS``.

    Two requests without a site of their own are let through: ``robots.txt`` of a host some site
    was admitted to (Scrapy's RobotsTxtMiddleware asks for it before the page). And a site's start
    page that redirects to a new government host (an old host moved to a new one) admits that
    host for the site: the relocation.
    """

    def __init__(self, crawler, allow_private: list[str]):
        self.crawler = crawler
        self.stats = crawler.stats
        self.allow_private = {h.lower() for h in allow_private}
        self.refused = 0

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler, crawler.settings.getlist("GSSPIDER_ALLOW_PRIVATE_HOSTS"))
        crawler.signals.connect(mw.spider_closed, signals.spider_closed)
        return mw

    def process_request(self, request: Request, spider=None):
        url = request.url
        host = host_port(url)
        book = book_of(self.crawler)
        if book is not None:
            state = book.get(request.meta.get("site"))
            if state is None:
                if not (_is_robots(request) and book.knows_host(url)):
                    self._refuse(url, "outside the crawl's portals")
            elif not book.allows(state, url) and not self._relocated(book, state, request):
                self._refuse(url, f"outside the portal {state.url}")
        # Past this point the URL belongs to a portal (when the spider keeps a book of them).
        seed_host = book is not None and host in book.seed_hosts
        if is_private_host(host) and host not in self.allow_private and not seed_host:
            self._refuse(url, "private or loopback address")
        return None

    def _relocated(self, book, state, request: Request) -> bool:
        """A start page of the site redirected here, to a host no site has: the portal moved."""
        chain = request.meta.get("redirect_urls") or []
        if not chain or request.meta.get("depth") != 0 or request.meta.get("role") != ROLE_HOME:
            return False
        if book.site_for(request.url) is not None:
            return False
        admission = book.admit_relocation(state, request.url, via=chain[0])
        if admission is None:
            return False
        logger.info("%s moved to %s (start page %s redirects there)", state.url, admission.host, chain[0])
        self.stats.inc_value("gsspider/hosts_relocated")
        return True

    def _refuse(self, url: str, why: str) -> None:
        self.refused += 1
        self.stats.inc_value("gsspider/offsite_refused")
        logger.debug("refused %s: %s", url, why)
        raise OffsiteRequest(f"{url}: {why}")

    def spider_closed(self, spider=None) -> None:
        if self.refused:
            logger.info("refused %d requests outside the portals", self.refused)


def _is_robots(request: Request) -> bool:
    return urlsplit(request.url).path == "/robots.txt" and bool(request.meta.get("dont_obey_robotstxt"))


class RedirectLoopMiddleware:
    """Sees 3xx responses before Scrapy's RedirectMiddleware and stops a chain that comes back on itself."""

    def process_response(self, request: Request, response: Response, spider=None):
        location = response.headers.get(b"Location")
        if response.status in (301, 302, 303, 307, 308) and location:
            target = response.urljoin(location.decode("latin-1"))
            chain = [*request.meta.get("redirect_urls", []), request.url]
            if target in chain:
                raise RedirectLoop(f"redirect loop: {' -> '.join([*chain, target])}")
        return response


class CallbackErrorMiddleware:
    """A spider callback that raises on some page's bytes costs that page, never the crawl, and is said.

    Scrapy logs a callback's exception and drops the rest of its output; here the exception also
    becomes a ``crawl_errors`` row (``callback_error``, with the exception) for the page, so a
    report on a page the code could not handle is not lost silently.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_exception(self, response: Response, exception: Exception, spider=None):
        from gsspider.items import ErrorItem, now

        site = response.meta.get("site", "") if response.request is not None else ""
        logger.error("callback failed on %s", response.url, exc_info=exception)
        self.stats.inc_value(f"gsspider/errors/{ERROR_CALLBACK}")
        book = book_of(self.crawler)
        state = book.get(site) if book is not None else None
        if state is not None:
            state.errors += 1
        message = f"the crawler could not handle this page: {type(exception).__name__}: {exception}"
        return [
            ErrorItem(
                response.url,
                site,
                ERROR_CALLBACK,
                message[:2000],
                now(),
                response.status,
            )
        ]
