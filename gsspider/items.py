"""What the spider hands to the pipelines. Dataclasses, so itemadapter and tests read them alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from gsspider.vocab import ROLE_OTHER
from parsers.records import Report


def now() -> str:
    """The time an item records (``fetched_at``, ``at``): UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class PageItem:
    """One fetch: every response the crawl received, report or not."""

    url: str
    site: str
    status: int
    fetched_at: str
    bytes: int
    content_hash: str | None
    content_type: str | None = None
    kind: str = ROLE_OTHER  # a ROLE_* of gsspider.vocab
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    referer: str | None = None
    # Where its body is in the WARC archive (gsspider.archive.Location.columns), when written.
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    warc_digest: str | None = None


@dataclass
class ReportItem:
    url: str
    site: str
    fetched_at: str
    report: Report
    attachment_of: str | None = None  # the article page that linked this document


@dataclass
class ErrorItem:
    url: str
    site: str
    error: str  # an ERROR_* of gsspider.vocab, http_error(status), a flag or an exception's name
    message: str
    at: str
    status: int | None = None


@dataclass
class SiteItem:
    """A site's state at the end of its crawl (or when it turns out to be blocked)."""

    url: str
    status: str  # a SITE_* of gsspider.vocab
    reason: str | None = None
    family: str | None = None
