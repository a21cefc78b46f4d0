"""Running a crawl from Python or the CLI: the project settings with overrides, the browser when a
registry site needs one, one CrawlerProcess. What the crawl stored is summarised by :mod:`gsspider.summary`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from gsspider import settings as default_settings


def make_settings(db: str | Path | None = None, **overrides: Any) -> Settings:
    s = Settings()
    s.setmodule(default_settings, priority="project")
    if db is not None:
        s.set("GSSPIDER_DB", str(db), priority="cmdline")
    for key, value in overrides.items():
        s.set(key, value, priority="cmdline")
    return s


def run_crawl(
    urls: list[str] | None = None,
    *,
    db: str | Path,
    sites: str | None = None,
    settings: dict[str, Any] | None = None,
    spider_kwargs: dict[str, Any] | None = None,
    spider: str | type = "reports",
) -> dict[str, Any]:
    """Crawl in this process (blocking) and return Scrapy's final stats.

    Twisted's reactor starts once per process: call this once, or run it in a subprocess.
    """
    s = make_settings(db, **(settings or {}))
    enable_browser(s, sites or (None if urls else s.get("GSSPIDER_SITES")))
    process = CrawlerProcess(s)
    crawler = process.create_crawler(spider)  # a distributed crawl's own spider class (gsspider.distributed)
    process.crawl(crawler, urls=urls or None, sites=sites, **(spider_kwargs or {}))
    process.start()
    return dict(crawler.stats.get_stats())


def enable_browser(s: Settings, registry: str | None) -> bool:
    """Install scrapy-playwright's download handler when a registry site of this crawl has ``render``.

    Must run before the crawler process exists (the handler and reactor are chosen then). When the
    browser cannot be had, the reason goes to ``GSSPIDER_RENDER_UNAVAILABLE``: the spider records a
    ``browser_unavailable`` error for those sites and crawls them plainly; nothing else changes.
    """
    if s.get("GSSPIDER_BROWSER") == "off" or not registry:
        return False
    from gsspider.browser import BrowserUnavailable, browser_settings
    from gsspider.sites import load_registry

    if not any(e.render for e in load_registry(registry)):
        return False
    try:
        s.update(browser_settings(), priority="cmdline")
    except BrowserUnavailable as exc:
        s.set("GSSPIDER_RENDER_UNAVAILABLE", str(exc), priority="cmdline")
        return False
    return True
