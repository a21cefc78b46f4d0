"""Progress on long crawls: a line every ``GSSPIDER_PROGRESS_INTERVAL`` seconds on stderr."""

from __future__ import annotations

import sys

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from gsspider import settings as defaults


class CrawlProgress:
    def __init__(self, stats, interval: float):
        self.stats = stats
        self.interval = interval
        self.task = None

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat(
            "GSSPIDER_PROGRESS_INTERVAL", defaults.GSSPIDER_PROGRESS_INTERVAL
        )
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler.stats, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        get = self.stats.get_value
        errors = sum(v for k, v in self.stats.get_stats().items() if k.startswith("gsspider/errors/"))
        return (
            f"gsspider: {get('response_received_count', 0)} pages, {get('gsspider/reports', 0)} reports, "
            f"{errors} errors"
        )

    def spider_opened(self, spider):
        self.task = task.LoopingCall(lambda: print(self.line(), file=sys.stderr, flush=True))
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider, reason):
        if self.task and self.task.running:
            self.task.stop()
