"""Crawling from a WARC archive instead of the network (issue 12): ``gsspider crawl --from-warc DIR``.

:class:`ArchiveIndex` reads an archive directory (the ``*.warc.gz`` files :mod:`gsspider.archive`
writes, or any gzip-per-record WARC/1.1 files of ``request`` + ``response``/``revisit`` records)
and keys every response on **(method, URL, sha1 of the request body)**: a request record is paired
with its response through ``WARC-Concurrent-To``, so two POSTs of a list API to one URL with
different form bodies (page 1, page 2) are two entries. A ``revisit`` is resolved to the
response record holding the body (``WARC-Refers-To-Target-URI`` + payload digest); its own status
and headers are served with that body. When one key was archived more than once (a re-crawl into
the same archive), the latest record wins. A truncated or damaged record is skipped by
:func:`gsspider.archive.scan`, never served.

:class:`ReplayMiddleware` (a downloader middleware after the archive writer, ``GSSPIDER_FROM_WARC``)
answers every request from the index and never touches the network: the response carries the
status, headers and payload as the server sent them (HttpCompressionMiddleware decodes on the way
back), and ``request.meta[archive.META_LOCATION]`` names its record, so the archive writer writes
nothing and the ``pages`` row points at the record it came from (an absolute path). A request the
archive does not hold fails with :class:`NotArchived` (the spider's errback records a
``not_archived`` error naming the URL); robots.txt requests are served from the archive too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes

from gsspider import archive
from gsspider import settings as defaults

logger = logging.getLogger(__name__)

#: ``Response.flags`` of a response served from the archive (Scrapy's log shows it).
FLAG = "warc"

#: archive.record_key: the URL of a GET, else method, URL and the request body's sha1.
Key = str


class NotArchived(IgnoreRequest):
    """A request the archive holds no response for: replay never goes to the network instead."""


@dataclass(frozen=True)
class Hit:
    """What a key is answered with: the record holding the body (``location``, the ``pages``
    row's pointer) and, for a revisit, the revisit record whose status and headers are served."""

    location: archive.Location
    revisit: archive.Location | None = None


class ArchiveIndex:
    """Every archived response of a directory, by (method, URL, request body sha1)."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory).resolve()
        self.entries: dict[Key, Hit] = {}
        self.files = sorted(self.directory.glob("*.warc.gz"))
        self.unpaired = 0  # responses with no request record (indexed as GET with an empty body)
        self.unresolved = 0  # revisits whose original record is not in the archive

    @classmethod
    def build(cls, directory: str | Path) -> ArchiveIndex:
        index = cls(directory)
        index.add(archive.scan(index.directory, index.files))
        return index

    def _location(self, entry: archive.Entry) -> archive.Location:
        path = archive.resolve(self.directory, entry.file).resolve()
        return archive.Location(str(path), entry.offset, entry.length, entry.digest or "", entry.date)

    def add(self, entries: Iterable[archive.Entry]) -> None:
        bodies: dict[tuple[str, str], archive.Entry] = {}  # (url, digest) -> its response record
        answers: dict[str, archive.Entry] = {}  # record id -> response / revisit, waiting for its request
        order: list[str] = []
        asked: dict[str, Key] = {}
        for entry in entries:
            if entry.rec_type == "response":
                bodies[(entry.url, entry.digest or "")] = entry
                answers[entry.record_id] = entry
                order.append(entry.record_id)
            elif entry.rec_type == "revisit":
                answers[entry.record_id] = entry
                order.append(entry.record_id)
            elif entry.rec_type == "request" and entry.concurrent_to and entry.key:
                asked[entry.concurrent_to] = entry.key
        for record_id in order:  # archive order: a key archived again later wins
            answer = answers[record_id]
            key = asked.get(record_id)
            if key is None:
                self.unpaired += 1
                key = archive.record_key("GET", answer.url)
            if answer.rec_type == "response":
                self.entries[key] = Hit(self._location(answer))
                continue
            original = bodies.get((answer.refers_to or answer.url, answer.digest or ""))
            if original is None:
                self.unresolved += 1
                logger.warning(
                    "replay: revisit of %s refers to %s (%s), not in the archive: not served",
                    answer.url,
                    answer.refers_to,
                    answer.digest,
                )
                continue
            self.entries[key] = Hit(self._location(original), self._location(answer))

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, method: str, url: str, body: bytes | None = None) -> Hit | None:
        return self.entries.get(archive.record_key(method, url, body or b""))

    def response(self, request: Request) -> Response | None:
        """The archived answer to ``request`` as Scrapy's downloader would have returned it, or None."""
        hit = self.get(request.method, request.url, request.body)
        if hit is None:
            return None
        loc = hit.location
        stored = archive.load(loc.file, loc.offset, loc.length, loc.digest or None)
        if stored is None:  # changed or damaged since the index was built
            return None
        status, pairs = stored.status, stored.headers
        if hit.revisit is not None:
            try:
                revisit = archive.record_at(hit.revisit.file, hit.revisit.offset, hit.revisit.length)
                status, pairs = archive.http_of(revisit)
            except Exception as exc:
                logger.warning(
                    "replay: revisit of %s unreadable (%s): the original's headers", request.url, exc
                )
        headers = Headers()
        for name, value in pairs:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=request.url)
        request.meta[archive.META_LOCATION] = loc
        return cls(
            url=request.url, status=status, headers=headers, body=stored.raw, request=request, flags=[FLAG]
        )


class ReplayMiddleware:
    """Downloader middleware: with ``GSSPIDER_FROM_WARC`` set, every request is answered from that
    archive; nothing goes to the network."""

    def __init__(self, index: ArchiveIndex, stats: Any = None, maxsize: int = 0):
        self.index = index
        self.stats = stats
        self.maxsize = maxsize  # DOWNLOAD_MAXSIZE: a record bigger than this crawl's limit is refused as one

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReplayMiddleware:
        directory = crawler.settings.get("GSSPIDER_FROM_WARC", defaults.GSSPIDER_FROM_WARC)
        if not directory:
            raise NotConfigured("GSSPIDER_FROM_WARC is not set: the crawl uses the network")
        index = ArchiveIndex.build(directory)
        if not index.files:
            raise ValueError(f"GSSPIDER_FROM_WARC: no *.warc.gz files in {directory}")
        logger.info(
            "replay: %d responses in %d WARC file(s) of %s; no request goes to the network",
            len(index),
            len(index.files),
            index.directory,
        )
        mw = cls(index, crawler.stats, crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        if crawler.stats is not None:
            crawler.stats.set_value("gsspider/replay/indexed", len(index))
            crawler.stats.set_value("gsspider/replay/unresolved_revisits", index.unresolved)
        crawler.signals.connect(mw.spider_closed, signals.spider_closed)
        return mw

    def spider_closed(self, spider: Any = None) -> None:
        if self.stats is None:
            return
        served = self.stats.get_value("gsspider/replay/served", 0)
        missing = self.stats.get_value("gsspider/replay/not_archived", 0)
        logger.info("replay: %d responses served from the archive, %d requests not in it", served, missing)

    def process_request(self, request: Request, spider: Any = None) -> Response:
        response = self.index.response(request)
        if response is None:
            if self.stats is not None:
                self.stats.inc_value("gsspider/replay/not_archived")
            raise NotArchived(f"not in the archive {self.index.directory}: {request.method} {request.url}")
        limit = request.meta.get("download_maxsize", self.maxsize)
        if limit and len(response.body) > limit:  # as the download handler refuses it
            request.meta.pop(archive.META_LOCATION, None)
            raise DownloadCancelledError(
                f"Received {len(response.body)} bytes which is larger than download max size ({limit})"
                f" in request {request} (from the archive)"
            )
        if self.stats is not None:
            self.stats.inc_value("gsspider/replay/served")
        return response
