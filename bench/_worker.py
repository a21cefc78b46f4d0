"""One crawl in its own process (Twisted's reactor starts once per process); writes stats as JSON.

Usage: python bench/_worker.py {gsspider|baseline} URLS_FILE DB STATS_JSON [NAME=VALUE ...]
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gsspider.runner import make_settings


class BreadthFirstBaseline(CrawlSpider):
    """A plain breadth-first CrawlSpider: follow every in-site link, keep every page."""

    name = "baseline"

    def __init__(self, urls: list[str], *args, **kwargs):
        self.start_urls = urls
        self.netlocs = {urlsplit(u).netloc for u in urls}
        self.fetched: list[str] = []
        self.rules = (Rule(LinkExtractor(), callback="parse_page", follow=True, process_links="in_site"),)
        super().__init__(*args, **kwargs)

    def in_site(self, links):
        return [link for link in links if urlsplit(link.url).netloc in self.netlocs]

    def parse_start_url(self, response):
        return self.parse_page(response)

    def parse_page(self, response):
        self.fetched.append(response.url)
        return []


def main() -> None:
    kind, urls_file, db, stats_file, *pairs = sys.argv[1:]
    urls = Path(urls_file).read_text().split()
    overrides = dict(p.split("=", 1) for p in pairs)
    hosts = [urlsplit(u).netloc for u in urls]
    base = {
        "GSSPIDER_ALLOW_PRIVATE_HOSTS": hosts,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,  # every local site shares 127.0.0.1
        "DOWNLOAD_TIMEOUT": 10,
        "RETRY_TIMES": 0,
        "LOG_LEVEL": "ERROR",
        "GSSPIDER_PROGRESS_INTERVAL": 0,
    }
    base.update(overrides)
    settings = make_settings(db, **base)
    if kind == "baseline":
        settings.set("ITEM_PIPELINES", {}, priority="cmdline")
        settings.set("EXTENSIONS", {}, priority="cmdline")
        settings.set("LOGSTATS_INTERVAL", 30.0, priority="cmdline")
        settings.set("DOWNLOADER_MIDDLEWARES", {}, priority="cmdline")
        settings.set("DEPTH_PRIORITY", 1, priority="cmdline")  # breadth first
        settings.set("SCHEDULER_DISK_QUEUE", "scrapy.squeues.PickleFifoDiskQueue", priority="cmdline")
        settings.set("SCHEDULER_MEMORY_QUEUE", "scrapy.squeues.FifoMemoryQueue", priority="cmdline")
    process = CrawlerProcess(settings)
    if kind == "baseline":
        crawler = process.create_crawler(BreadthFirstBaseline)
        process.crawl(crawler, urls=urls)
    else:
        crawler = process.create_crawler("reports")
        process.crawl(crawler, urls=urls)
    t0 = time.perf_counter()
    process.start()
    elapsed = time.perf_counter() - t0
    stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}
    stats["elapsed"] = elapsed
    stats["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if kind == "baseline":
        stats["fetched_urls"] = crawler.spider.fetched
    Path(stats_file).write_text(json.dumps(stats, default=str))


if __name__ == "__main__":
    main()
