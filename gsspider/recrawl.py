"""Re-crawls and resumes: fetch only what changed, lose nothing, survive interruption.

:class:`RecrawlMiddleware` (downloader) works from what the database holds for a URL:

- a report page whose report is stored and was validated within the site's freshness interval
  (registry ``freshness_days``, else ``GSSPIDER_FRESHNESS_DAYS``) is not requested at all
  (:class:`Fresh`);
- everything else that is stored is revalidated: ``If-None-Match`` / ``If-Modified-Since`` from the
  stored ETag / Last-Modified. A 304 (or a 200 with the stored hash) for a stored report means the
  report stands: it is not parsed again (:class:`Unchanged`). A 304 for a navigation or list page
  is answered from the page's stored body (zlib, ``pages.body``), so the spider still reads the
  links it needs; such responses carry the header ``X-Gsspider-From-Store: 304``;
- resume: every crawl is a row of ``crawls``; ``GSSPIDER_RESUME`` continues the newest unfinished
  one. A page stored in that crawl is answered from the store without a request (navigation and
  lists: stored body, header ``X-Gsspider-From-Store: resume``; reports: :class:`AlreadyDone`). A
  report counts as stored only when its row, cells and checks are committed (one transaction in
  :func:`gsspider.storage.store_report`) *and* its hash is the page's: a crawl killed between the
  page and the report fetches it again.

Seasons (``--year``, ``--since``) are :mod:`gsspider.season`.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes
from sqlite_utils import Database

from gsspider import archive, storage
from gsspider import settings as defaults
from gsspider.middlewares import Skipped
from gsspider.middlewares import header as _header
from gsspider.reparse import parser_is_older
from gsspider.scope import book_of

logger = logging.getLogger(__name__)

FROM_STORE = "X-Gsspider-From-Store"


class Unchanged(Skipped):
    """The server says 304, or sent the stored bytes again: the stored report stands."""


class Fresh(Skipped):
    """A stored report validated within its site's freshness interval: not requested."""


class AlreadyDone(Skipped):
    """Resume: the report was stored by the crawl being resumed."""


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class RecrawlMiddleware:
    def __init__(self, crawler, path: str):
        self.crawler = crawler
        self.stats = crawler.stats
        s = crawler.settings
        self.path = path
        self.freshness_days = s.getfloat("GSSPIDER_FRESHNESS_DAYS", defaults.GSSPIDER_FRESHNESS_DAYS)
        self.conditional = s.getbool("GSSPIDER_CONDITIONAL_REQUESTS", defaults.GSSPIDER_CONDITIONAL_REQUESTS)
        self.resume = s.getbool("GSSPIDER_RESUME", defaults.GSSPIDER_RESUME)
        self.body_max = s.getint("GSSPIDER_STORE_BODY_MAX", defaults.GSSPIDER_STORE_BODY_MAX)
        self.warc_dir = archive.archive_dir(path, s.get("GSSPIDER_WARC_DIR", defaults.GSSPIDER_WARC_DIR))
        self.db: Database | None = None
        self.crawl_id: int | None = None
        self.spider = None
        #: Reports counted by this middleware (stored URL), so that an alias is not counted twice.
        self._counted: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if not s.getbool("GSSPIDER_SQLITE_ENABLED", defaults.GSSPIDER_SQLITE_ENABLED):
            raise NotConfigured("GSSPIDER_SQLITE_ENABLED is off: nothing stored to re-crawl against")
        mw = cls(crawler, s.get("GSSPIDER_DB", defaults.GSSPIDER_DB))
        crawler.signals.connect(mw.spider_opened, signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signals.spider_closed)
        return mw

    # --- crawl bookkeeping ---------------------------------------------------------------
    def spider_opened(self, spider) -> None:
        self.spider = spider
        self.db = storage.open_db(self.path)
        if self.resume:
            row = storage.unfinished_crawl(self.db)
            if row is not None:
                self.crawl_id = int(row["id"])
                storage.resume_crawl(self.db, self.crawl_id)
                logger.info("resuming crawl %d (started %s)", self.crawl_id, row["started"])
                self.stats.set_value("gsspider/crawl_id", self.crawl_id)
                self.stats.set_value("gsspider/resumed", 1)
                return
            logger.warning("--resume: no unfinished crawl in %s; starting a new one", self.path)
        s = self.crawler.settings
        args = {
            **spider.crawl_args(),
            "season_year": s.get("GSSPIDER_SEASON_YEAR") or None,
            "since": s.get("GSSPIDER_SINCE") or None,
            "freshness_days": self.freshness_days,
        }
        self.crawl_id = storage.start_crawl(self.db, args)
        self.stats.set_value("gsspider/crawl_id", self.crawl_id)

    def spider_closed(self, spider, reason) -> None:
        if self.db is None:
            return
        if self.crawl_id is not None:
            storage.finish_crawl(self.db, self.crawl_id, reason)
        self.db.close()
        self.db = None

    # --- requests ------------------------------------------------------------------------
    def _stored(self, url: str) -> dict[str, Any] | None:
        """The stored row for ``url``, its body decompressed and checked against its hash (``body``
        None when missing or damaged). A database error means "nothing stored": fetch normally."""
        if self.db is None:
            return None
        try:
            row = storage.stored_page(self.db, url)
        except sqlite3.Error as exc:
            self._db_error("read", url, exc)
            return None
        if row is not None and row["body"] is not None:
            body = storage.decompress(row["body"])
            if body is None or hashlib.sha256(body).hexdigest() != row["content_hash"]:
                self.stats.inc_value("gsspider/recrawl/stored_body_damaged")
                body = None
            row["body"] = body
        return row

    def _archived(self, row: dict[str, Any]) -> dict[str, Any] | None:
        """``row`` with its body read back from the WARC archive (Content-Encoding undone), or None
        when it has no record or the record is missing or damaged."""
        if not row.get("warc_file"):
            return None
        stored = archive.load(
            archive.resolve(self.warc_dir, row["warc_file"]),
            row["warc_offset"],
            row["warc_length"],
            row["warc_digest"],
        )
        if stored is None:
            self.stats.inc_value("gsspider/recrawl/archive_record_missing")
            return None
        return {**row, "body": stored.body}

    def _reparse(self, request: Request, row: dict[str, Any]) -> Response | None:
        """A stored report read by an older parser is parsed again from its archived bytes (the
        spider gets them as the response): a parser fix reaches it even on a 304."""
        if not row["report_hash"] or row["report_hash"] != row["content_hash"]:
            return None
        if not parser_is_older(row.get("report_parser_version")):
            return None
        found = self._archived(row)
        if found is None:
            return None
        self.stats.inc_value("gsspider/recrawl/reparsed_from_archive")
        return self._from_store(request, found, "reparse")

    def _db_error(self, what: str, url: str, exc: Exception) -> None:
        self.stats.inc_value("gsspider/recrawl/db_errors")
        logger.warning(
            "re-crawl store: could not %s %s: %s (fetched as if nothing were stored)", what, url, exc
        )

    def _freshness(self, request: Request) -> float:
        state = self._state(request)
        days = getattr(getattr(state, "entry", None), "freshness_days", None)
        return self.freshness_days if days is None else float(days)

    def _state(self, request: Request):
        book = book_of(self.crawler)
        return book.get(request.meta.get("site")) if book is not None else None

    def _count_report(self, request: Request, row: dict[str, Any]) -> None:
        # An unchanged stored report is a report of this crawl too (site status, summary); a stored
        # document that did not read as a report (scan, broken file: is_report = 0) is not.
        if row.get("report_is_report") != 1:
            return
        # Once per report: an old URL redirecting to the report's (``final_url``) is the same one.
        key = row.get("final_url") or row.get("url") or request.url
        if key in self._counted:
            return
        self._counted.add(key)
        state = self._state(request)
        if state is not None:
            state.reports += 1

    def process_request(self, request: Request, spider=None):
        try:
            return self._process_request(request)
        except IgnoreRequest:
            raise
        except Exception as exc:  # a bug or odd data here must not cost the page
            self._db_error("look up", request.url, exc)
            return None

    def process_response(self, request: Request, response: Response, spider=None):
        try:
            return self._process_response(request, response)
        except IgnoreRequest:
            raise
        except Exception as exc:
            self._db_error("handle the answer of", request.url, exc)
            return response

    def _process_request(self, request: Request):
        if "site" not in request.meta or request.method not in ("GET", "HEAD") or self.db is None:
            return None  # robots.txt, POST list APIs, requests of other spiders
        # A redirect copies the headers of the request it replaces: validators are per URL.
        request.headers.pop(b"If-None-Match", None)
        request.headers.pop(b"If-Modified-Since", None)
        row = self._stored(request.url)
        if row is None:
            return None
        # A URL whose stored body is a stored report is a report page, whatever led to it.
        report_stored = bool(row["report_hash"]) and row["report_hash"] == row["content_hash"]
        if self.crawl_id is not None and row["crawl_id"] == self.crawl_id:
            # Already stored by this crawl (a resumed crawl walks the same pages again).
            if row["body"] is not None:
                self.stats.inc_value("gsspider/recrawl/from_store_resume")
                return self._from_store(request, row, "resume")
            if report_stored:
                self.stats.inc_value("gsspider/recrawl/already_done")
                self._count_report(request, row)
                raise AlreadyDone(f"{request.url}: stored by this crawl")
        if report_stored:
            days = self._freshness(request)
            last = _parse_time(row["validated_at"] or row["fetched_at"])
            if days > 0 and last is not None and datetime.now(UTC) - last < timedelta(days=days):
                self._mark(request.url, validated=False)
                if (again := self._reparse(request, row)) is not None:
                    return again
                self.stats.inc_value("gsspider/recrawl/fresh")
                self._count_report(request, row)
                raise Fresh(f"{request.url}: validated {row['validated_at'] or row['fetched_at']}")
        if (
            not self.conditional
            or row["status"] != 200
            or request.meta.get("playwright")  # a browser-rendered page is rendered again
            or request.meta.get("gsspider_unconditional")
        ):
            return None
        if row["body"] is not None or report_stored or row["warc_file"]:  # a 304 can be answered
            if row["etag"]:
                request.headers[b"If-None-Match"] = row["etag"].encode("latin-1")
            if row["last_modified"]:
                request.headers[b"If-Modified-Since"] = row["last_modified"].encode("latin-1")
        return None

    def _process_response(self, request: Request, response: Response):
        if "site" not in request.meta or request.method not in ("GET", "HEAD") or self.db is None:
            return response
        if response.headers.get(FROM_STORE):
            return response  # built here from the store
        if response.status == 304:
            row = self._stored(request.url)
            if row is None:
                return response
            self.stats.inc_value("gsspider/recrawl/not_modified")
            self._mark(request.url, validated=True)
            if (again := self._reparse(request, row)) is not None:
                return again
            if row["report_hash"] and row["report_hash"] == row["content_hash"]:
                self._count_report(request, row)
                raise Unchanged(f"{request.url}: 304 Not Modified")
            if row["body"] is None:
                row = self._archived(row) or row
            if row["body"] is not None:
                return self._from_store(request, row, "304")
            if request.meta.get("gsspider_unconditional"):
                # Already asked plainly and still a 304 (a broken cache or proxy answers 304 to
                # anything): pass it on (the spider records an http_304 error), never ask again.
                self.stats.inc_value("gsspider/recrawl/unconditional_304")
                return response
            # Nothing usable stored to answer the 304 with (damaged, dropped): ask again, plainly,
            # once.
            self.stats.inc_value("gsspider/recrawl/refetched")
            retry = request.replace(dont_filter=True)
            retry.meta["gsspider_unconditional"] = True
            return retry
        if response.status != 200:
            return response
        digest = hashlib.sha256(response.body).hexdigest()
        row = self._stored(request.url)
        if row is not None and row["report_hash"] == digest:
            self.stats.inc_value("gsspider/recrawl/same_hash")
            self._mark(
                request.url,
                validated=True,
                etag=_header(response, b"ETag"),
                last_modified=_header(response, b"Last-Modified"),
                **archive.location_fields(request.meta),
            )
            if parser_is_older(row.get("report_parser_version")):
                self.stats.inc_value("gsspider/recrawl/reparsed")
                return response  # the same bytes, read by a newer parser
            self._count_report(request, row)
            raise Unchanged(f"{request.url}: same bytes as stored")
        body = storage.compress(response.body) if len(response.body) <= self.body_max else None
        extra = {"kind": request.meta.get("role")} if row is None else {}  # the spider names kinds
        self._write(
            request.url,
            site=request.meta.get("site"),
            status=response.status,
            content_hash=digest,
            content_type=_header(response, b"Content-Type"),
            **extra,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            final_url=response.url,
            body=body,
            crawl_id=self.crawl_id,
            validated_at=storage.now(),
            fetched_at=storage.now(),
            **archive.location_fields(request.meta),
        )
        return response

    def _mark(self, url: str, *, validated: bool, **fields: Any) -> None:
        if self.db is None:
            return
        if validated:
            fields["validated_at"] = storage.now()
        fields = {k: v for k, v in fields.items() if v is not None or k == "validated_at"}
        self._write(url, crawl_id=self.crawl_id, **fields)

    def _write(self, url: str, **fields: Any) -> None:
        if self.db is None:
            return
        try:
            storage.mark_page(self.db, url, **fields)
        except sqlite3.Error as exc:
            self._db_error("record", url, exc)

    def _from_store(self, request: Request, row: dict[str, Any], how: str) -> Response:
        body = row["body"] or b""
        headers = Headers({FROM_STORE: how})
        for column, name in (
            ("content_type", "Content-Type"),
            ("etag", "ETag"),
            ("last_modified", "Last-Modified"),
        ):
            if row[column]:
                headers[name] = row[column]
        url = row["final_url"] or request.url
        if url != request.url and "redirect_urls" not in request.meta:
            request.meta["redirect_urls"] = [request.url]
        cls = responsetypes.from_args(headers=headers, url=url, body=body)
        self.stats.inc_value("gsspider/recrawl/from_store")
        return cls(url=url, status=200, headers=headers, body=body, request=request)
