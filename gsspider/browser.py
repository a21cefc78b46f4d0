"""Optional rendering through a real browser, for the few portals whose report lists exist only
after JavaScript runs (the site registry's ``render`` column).

scrapy-playwright replaces Scrapy's http/https download handler, but only requests whose meta
has ``playwright: True`` go to the browser; every other request (robots.txt, report pages,
PDF attachments, all the other sites) falls through to Scrapy's ordinary HTTP/1.1 handler, so
turning this on for one site costs the others nothing.  The browser is launched lazily, on the
first rendered request.

The browser is the system Chromium (Debian's ``chromium`` package), not one downloaded by
``playwright install``: that download needs the open internet.  Playwright's wheel already bundles
its driver, so ``pip install -e '.[browser]'`` plus ``apt-get install chromium`` is all it takes.

Nothing here imports scrapy-playwright or playwright at module load: the rest of the project
must work (and its tests must collect) without them.  :func:`browser_settings` raises
:class:`BrowserUnavailable` when either piece is missing, so the caller can record a crawl error
for the sites that need rendering and keep crawling the others.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from typing import Any
from urllib.parse import urlsplit

#: Environment variable naming the Chromium (or Chrome) executable to use.
CHROMIUM_ENV = "GSSPIDER_CHROMIUM"
#: Where Debian's ``chromium`` package puts it; looked at before ``$PATH``.
SYSTEM_CHROMIUM = "/usr/bin/chromium"
#: Executable names tried on ``$PATH`` when neither of the above is there.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")

#: Chromium flags.  ``--no-sandbox``: the crawler often runs as root in a container, where
#: Chromium's sandbox refuses to start.  The rest stop Chromium's own background traffic
#: (component updates, sync, QUIC probes, first-run pings): on a closed network those connections
#: are refused and only slow start-up, and on an open one they are not ours to make.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: Bound on one navigation (and on the browser's start), in milliseconds.  A portal that cannot
#: render a list page in this time gives a download error for that page, not a stuck crawl.
NAVIGATION_TIMEOUT_MS = 30_000
#: After the ``load`` event, how long to wait for the network to go quiet (the XHR that fills a
#: JS-built list) before taking the DOM as it stands.
SETTLE_TIMEOUT_MS = 5_000
#: Pages open at once in the one browser context.  Chromium pages are heavy, and the sites that
#: need rendering are few: keep it small whatever ``CONCURRENT_REQUESTS`` says.
MAX_PAGES = 4

#: Resource types the browser does not fetch: they never change the DOM a list reader sees, and
#: skipping them spares the portal's bandwidth.
SKIPPED_RESOURCES = frozenset({"image", "media", "font"})

HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

INSTALL_HINT = (
    "install the browser extra and the system Chromium: "
    "pip install -e '.[browser]' && apt-get install -y chromium "
    f"(or set {CHROMIUM_ENV} to a Chromium/Chrome executable); "
    "do not run `playwright install`, the system Chromium is used"
)


class BrowserUnavailable(RuntimeError):
    """Rendering was asked for but scrapy-playwright, playwright or Chromium is missing."""


def find_chromium() -> str | None:
    """The Chromium executable to drive: ``$GSSPIDER_CHROMIUM``, else ``/usr/bin/chromium``, else
    the first of :data:`CHROMIUM_NAMES` on ``$PATH``; ``None`` when there is none.

    A ``$GSSPIDER_CHROMIUM`` that names nothing executable gives ``None`` rather than a silent
    fall-back to another browser: the setting was meant, so its failure should show.
    """
    wanted = os.environ.get(CHROMIUM_ENV, "").strip()
    if wanted:
        return _executable(wanted)
    if found := _executable(SYSTEM_CHROMIUM):
        return found
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    return None


def _executable(path: str) -> str | None:
    found = shutil.which(path)  # accepts a path too; checks it is an executable file
    return found if found and os.path.isfile(found) else None


def missing_packages() -> list[str]:
    """The Python packages rendering needs that are not installed."""
    return [name for name in ("scrapy_playwright", "playwright") if importlib.util.find_spec(name) is None]


def browser_settings(
    chromium_path: str | None = None, *, navigation_timeout_ms: int = NAVIGATION_TIMEOUT_MS
) -> dict[str, Any]:
    """Scrapy settings that route ``playwright``-marked requests through headless Chromium.

    Merge them into the crawl's settings (``Settings.update(..., priority="cmdline")`` or one
    ``set`` each) before the crawler is created.  ``DOWNLOAD_HANDLERS`` is merged by Scrapy with
    ``DOWNLOAD_HANDLERS_BASE``, so only http and https change.

    Raises :class:`BrowserUnavailable`, with how to install, when scrapy-playwright, playwright or
    Chromium is missing.
    """
    if missing := missing_packages():
        raise BrowserUnavailable(f"browser rendering needs {', '.join(missing)}: {INSTALL_HINT}")
    path = _executable(chromium_path) if chromium_path else find_chromium()
    if path is None:
        where = chromium_path or os.environ.get(CHROMIUM_ENV) or f"{SYSTEM_CHROMIUM} or on PATH"
        raise BrowserUnavailable(f"browser rendering needs Chromium, not found at {where}: {INSTALL_HINT}")
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        # scrapy-playwright needs the asyncio reactor.  Scrapy >= 2.13 installs it by default;
        # naming it keeps older Scrapy (pyproject allows >= 2.11) and stray overrides right.
        "TWISTED_REACTOR": ASYNCIO_REACTOR,
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": path,
            "headless": True,
            "args": list(LAUNCH_ARGS),
            "timeout": navigation_timeout_ms,  # bound on the browser's start
        },
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": navigation_timeout_ms,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": MAX_PAGES,
        "PLAYWRIGHT_ABORT_REQUEST": "gsspider.browser.skip_resource",
    }


def _http_netloc(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    return parts.netloc.lower() if parts.scheme in ("http", "https") else None


def _page_netloc(request: Any) -> str | None:
    """The host:port of the page a browser request belongs to, or None when it cannot be told.

    A frame's own URL first; an ``about:blank`` or ``srcdoc`` frame belongs to its parent; last,
    the top-level page. A navigation that Chromium followed from a redirect belongs to the URL the
    crawl asked for (the first of the chain).
    """
    if request.is_navigation_request():
        first = request
        while first.redirected_from is not None:
            first = first.redirected_from
        if first is not request:
            return _http_netloc(first.url)
    frame = request.frame
    while frame is not None:
        netloc = _http_netloc(frame.url)
        if netloc:
            return netloc
        frame = frame.parent_frame
    return _http_netloc(request.frame.page.url)


def skip_resource(request: Any) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST`` predicate: drop images, media and fonts (see
    :data:`SKIPPED_RESOURCES`), and whatever a rendered page asks of another host.

    The browser's own requests (a page's scripts, XHR, frames, redirects it follows) do not pass
    the crawl's scope middleware; keeping them on the page's host and port is the same rule the
    crawl applies to its own. What cannot be tied to a page (a worker's request) is dropped.
    """
    if request.resource_type in SKIPPED_RESOURCES:
        return True
    target = _http_netloc(request.url)
    if target is None:
        return False  # data:, blob:, about:blank — nothing leaves the browser
    try:
        page = _page_netloc(request)
    except Exception:  # a service worker's request has no frame
        return True
    if page is None:
        # The crawl's own first navigation of a fresh tab (about:blank): the scope middleware
        # already let this URL through.
        return not request.is_navigation_request()
    return page != target


async def settle(page: Any, timeout_ms: int = SETTLE_TIMEOUT_MS) -> None:
    """Wait until the page's network is quiet, at most ``timeout_ms``.

    A page method rather than ``wait_until="networkidle"`` on the navigation: portals with a
    polling counter or a hanging analytics beacon never go idle, and their list should still be
    read as it stands instead of the whole page failing on a timeout.
    """
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.wait_for_load_state("networkidle", timeout=timeout_ms)
    except PlaywrightTimeout:
        pass


def render_meta(
    *, settle_timeout_ms: int = SETTLE_TIMEOUT_MS, navigation_timeout_ms: int = NAVIGATION_TIMEOUT_MS
) -> dict[str, Any]:
    """Request meta that sends one request through the browser: navigate, wait for ``load``
    (bounded), give the page's scripts up to ``settle_timeout_ms`` to finish their requests, and
    return the DOM as HTML.

    A fresh dict each call: scrapy-playwright edits the goto kwargs in place.  Meant for HTML
    pages (home, navigation, list pages); report pages and attachments are better fetched plainly,
    so that their bytes and content hash are the server's, not a re-serialised DOM.
    """
    try:
        from scrapy_playwright.page import PageMethod
    except ImportError as exc:
        raise BrowserUnavailable(f"browser rendering needs scrapy-playwright: {INSTALL_HINT}") from exc
    return {
        "playwright": True,
        "playwright_page_goto_kwargs": {"wait_until": "load", "timeout": navigation_timeout_ms},
        "playwright_page_methods": [PageMethod(settle, settle_timeout_ms)],
    }
