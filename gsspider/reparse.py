"""Re-parsing archived bytes (issue 12): the parser run again over what the WARC archive holds,
without a request. Used by ``gsspider reparse`` and by a re-crawl that meets a report stored by an
older parser (:class:`gsspider.recrawl.RecrawlMiddleware`)."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
from packaging.version import InvalidVersion, Version
from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes

from gsspider import archive, storage
from parsers import __version__ as PARSER_VERSION

logger = logging.getLogger(__name__)


def parser_is_older(stored: str | None, installed: str = PARSER_VERSION) -> bool:
    """Whether a report stored with parser version ``stored`` was read by an older parser than the
    installed one (an unknown or unreadable stored version counts as older)."""
    if not stored:
        return True
    try:
        return Version(stored) < Version(installed)
    except InvalidVersion:
        return stored != installed


# --- gsspider reparse ---------------------------------------------------------------------------

#: Outcomes of one report's re-parse (the summary's lines).
CHANGED = "changed"  # its values changed: the previous ones are a version (reason re-parse)
UNCHANGED = "unchanged"
NEWLY_READABLE = "newly readable"  # a listed document stored unread now reads as a report
NO_RECORD = "no archived record"  # nothing to read: not archived, the record missing or damaged


@dataclass
class Outcome:
    """What ``gsspider reparse`` did, per outcome, and how long it took."""

    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    missing: list[str] = field(default_factory=list)

    @property
    def reparsed(self) -> int:
        return sum(n for k, n in self.counts.items() if k != NO_RECORD)


def candidates(db: sqlite_utils.Database, *, everything: bool = False) -> list[dict[str, Any]]:
    """The stored reports to parse again: every one with ``everything``; else those a parser older
    than the installed one stored, and every listed document stored unreadable (``is_report`` 0)."""
    rows = [
        dict(r)
        for r in db.query(
            "SELECT url, site, fetched_at, attachment_of, parser_version, is_report, version FROM reports ORDER BY url"
        )
    ]
    if everything:
        return rows
    return [r for r in rows if r["is_report"] != 1 or parser_is_older(r["parser_version"])]


def response_of(stored: archive.Stored, url: str) -> Response:
    """The archived response as Scrapy gives it to the spider (Content-Encoding undone)."""
    kept = [(k, v) for k, v in stored.headers if k.lower() not in _TRANSFER_HEADERS]
    headers = Headers()
    for name, value in kept:
        headers.appendlist(name, value)
    body = stored.body
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    return cls(url=url, status=stored.status or 200, headers=headers, body=body)


_TRANSFER_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}


def reparse_one(db: sqlite_utils.Database, row: dict[str, Any], directory: Path) -> str:
    """Parse one stored report again from its archived bytes and store it (one transaction)."""
    from gsspider.spiders.reports import flag_js_bound, readable, report_of

    stored = archive.stored_response(db, row["url"], directory)
    if stored is None:
        return NO_RECORD
    response = response_of(stored, row["url"])
    report = report_of(response)
    if isinstance(response, TextResponse) and not row["attachment_of"]:
        # what the crawl saw of the page around the report (its attachments were followed, or not)
        flag_js_bound(report, response.text)
    if not readable(report):
        report.is_report = False  # as the crawl stores a listed document it cannot read
    storage.store_report(
        db,
        report,
        url=row["url"],
        site=row["site"],
        fetched_at=row["fetched_at"],
        attachment_of=row["attachment_of"],
        reason=storage.REASON_REPARSE,
    )
    after = db.execute("SELECT version, is_report FROM reports WHERE url = ?", [row["url"]]).fetchone()
    if row["is_report"] != 1 and after[1] == 1:
        return NEWLY_READABLE
    if after[0] != row["version"]:
        return CHANGED
    return UNCHANGED


def reparse(
    db: sqlite_utils.Database,
    *,
    everything: bool = False,
    directory: Path | None = None,
    progress: Callable[[int, int, Outcome], None] | None = None,
) -> Outcome:
    """Re-parse the :func:`candidates` from the archive; no request is made."""
    where = archive.db_archive_dir(db) if directory is None else directory
    todo = candidates(db, everything=everything)
    outcome = Outcome()
    started = time.perf_counter()
    for done, row in enumerate(todo, 1):
        try:
            result = reparse_one(db, row, where)
        except Exception as exc:  # one report's trouble is reported, the rest go on
            logger.error("reparse: %s failed: %s: %s", row["url"], type(exc).__name__, exc)
            result = "failed"
        outcome.counts[result] += 1
        if result == NO_RECORD:
            outcome.missing.append(row["url"])
        if progress is not None:
            progress(done, len(todo), outcome)
    outcome.seconds = time.perf_counter() - started
    if outcome.reparsed:
        from gsspider import research

        research.refresh(db)  # bodies, late marks, cross-year checks and coverage follow the new values
    return outcome
