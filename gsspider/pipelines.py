"""Pipelines: validate items and store them in SQLite (see :mod:`gsspider.storage`)."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict

from scrapy.exceptions import NotConfigured

from gsspider import settings as defaults
from gsspider import storage
from gsspider.items import ErrorItem, PageItem, ReportItem, SiteItem, now
from gsspider.scope import book_of

logger = logging.getLogger(__name__)


class SQLitePipeline:
    def __init__(self, path: str, crawler=None):
        self.path = path
        self.crawler = crawler
        self.db = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("GSSPIDER_SQLITE_ENABLED", defaults.GSSPIDER_SQLITE_ENABLED):
            raise NotConfigured("GSSPIDER_SQLITE_ENABLED is off")
        return cls(crawler.settings.get("GSSPIDER_DB", defaults.GSSPIDER_DB), crawler)

    def open_spider(self, spider=None):
        self.db = storage.open_db(self.path)
        logger.info("storing into %s", self.path)

    def close_spider(self, spider=None):
        if self.db is not None:
            book = book_of(self.crawler)
            for state in book or ():
                storage.store_site(
                    self.db,
                    {
                        "url": state.entry.url,
                        "name": state.entry.name,
                        "family": state.entry.family,
                        "status": state.status(),
                        "reason": state.blocked,
                        "last_crawled": now(),
                        "pages": state.requests,
                        "reports": state.reports,
                        "errors": state.errors,
                        "hosts": json.dumps(state.host_rows(), ensure_ascii=False),
                    },
                )
            self.db.close()

    def process_item(self, item, spider=None):
        db = self.db
        if isinstance(item, ReportItem):
            storage.store_report(
                db,
                item.report,
                url=item.url,
                site=item.site,
                fetched_at=item.fetched_at,
                attachment_of=item.attachment_of,
            )
        elif isinstance(item, PageItem):
            storage.store_page(
                db, {k: v for k, v in asdict(item).items() if v is not None or not k.startswith("warc_")}
            )
        elif isinstance(item, ErrorItem):
            storage.store_error(db, asdict(item))
        elif isinstance(item, SiteItem):
            storage.store_site(
                db, {"url": item.url, "status": item.status, "reason": item.reason, "family": item.family}
            )
        return item
