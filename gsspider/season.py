"""Seasons: a crawl narrowed to the reports on one year (``GSSPIDER_SEASON_YEAR``, ``--year``) or to
what was published since a date (``GSSPIDER_SINCE``, ``--since``).

:class:`SeasonMiddleware` (spider) drops report requests whose list title names another year (or
whose list date is outside the season) and stops following a list's further pages (role ``list``
or ``api``) once the page's last dated report entry is older than the season. Dates and years are
read by :mod:`parsers.dates` and :func:`parsers.identity.year_in_title`, as the parser reads them.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from gsspider.items import ReportItem
from gsspider.vocab import LIST_ROLES, PAGING_ROLES, REPORT_ROLES
from parsers.dates import parse_date
from parsers.identity import year_in_title

logger = logging.getLogger(__name__)


def as_date(value: Any) -> date | None:
    """A date from a ``date``/``datetime`` or from text in any form :func:`parsers.dates.parse_date`
    reads (``2025-03-05 09:30``, ``２０２５年３月５日``, ``二〇二五年三月五日``); None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    iso = parse_date(str(value)) if value else None
    return date.fromisoformat(iso) if iso else None


class Season:
    """What a season crawl keeps: reports on ``year`` (published from December of that year on),
    or anything published on or after ``since``."""

    def __init__(self, year: int | None = None, since: date | None = None):
        self.year = year
        self.since = since
        floors = [d for d in (since, date(year, 12, 1) if year else None) if d is not None]
        #: entries dated before this cannot be in the season (lists are newest first)
        self.floor = max(floors) if floors else None

    def keeps_entry(self, title: str | None, listed: date | None) -> bool:
        named = year_in_title(title)
        if self.year is not None and named is not None and named != self.year:
            return False
        return not (listed is not None and self.floor is not None and listed < self.floor)

    def keeps_report_year(self, year: int | None) -> bool:
        return self.year is None or year == self.year


class SeasonMiddleware:
    def __init__(self, season: Season, stats):
        self.season = season
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        year = int(s.get("GSSPIDER_SEASON_YEAR") or 0) or None
        since_text = (s.get("GSSPIDER_SINCE") or "").strip()
        since = as_date(since_text) if since_text else None
        if since_text and since is None:
            logger.error("GSSPIDER_SINCE=%r is not a date (YYYY-MM-DD): ignored", since_text)
        if year is None and since is None:
            raise NotConfigured  # no season: off, silently (with a message Scrapy would warn on every crawl)
        return cls(Season(year, since), crawler.stats)

    def _keeps_item(self, response: Response, item: ReportItem) -> bool:
        report = item.report
        if self.season.keeps_report_year(report.report_year):
            return True
        if report.is_report or report.report_year is not None:
            return False
        # Listed but unreadable (a scan, a broken file, DOC/WPS): stored with is_report = 0 and no
        # year of its own, so the list title (carried on to attachments) decides.
        named = year_in_title(response.meta.get("list_title"))
        return named is None or named == self.season.year

    def _filter(self, response: Response, outputs: list[Any]) -> list[Any]:
        season = self.season
        kept: list[Any] = []
        dates: list[date] = []
        paging: list[Request] = []
        for out in outputs:
            if isinstance(out, Request):
                role = out.meta.get("role")
                if role in REPORT_ROLES:
                    listed = as_date(out.meta.get("list_date"))
                    if listed is not None:
                        dates.append(listed)
                    if not season.keeps_entry(out.meta.get("list_title"), listed):
                        self.stats.inc_value("gsspider/season/reports_skipped")
                        continue
                elif role in PAGING_ROLES and response.meta.get("role") in LIST_ROLES:
                    paging.append(out)
                    continue
            elif isinstance(out, ReportItem) and not self._keeps_item(response, out):
                self.stats.inc_value("gsspider/season/reports_other_year")
                continue
            kept.append(out)
        # Lists are newest first: once the last dated entry is older than the season, so is every
        # later page.
        if paging and dates and season.floor is not None and dates[-1] < season.floor:
            self.stats.inc_value("gsspider/season/lists_stopped")
            self.stats.inc_value("gsspider/season/pages_skipped", len(paging))
        else:
            kept += paging
        return kept

    def process_spider_output(self, response, result, spider=None):
        yield from self._filter(response, list(result))

    async def process_spider_output_async(self, response, result, spider=None):
        outputs = [out async for out in result]
        for out in self._filter(response, outputs):
            yield out
