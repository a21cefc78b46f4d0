"""Re-parsing archived bytes (issue 12): the parser run again over what the WARC archive holds,
without a request. Used by ``gsspider reparse`` and by a re-crawl that meets a report stored by an
older parser (:class:`gsspider.recrawl.RecrawlMiddleware`)."""

from __future__ import annotations

from packaging.version import InvalidVersion, Version

from parsers import __version__ as PARSER_VERSION


def parser_is_older(stored: str | None, installed: str = PARSER_VERSION) -> bool:
    """Whether a report stored with parser version ``stored`` was read by an older parser than the
    installed one (an unknown or unreadable stored version counts as older)."""
    if not stored:
        return True
    try:
        return Version(stored) < Version(installed)
    except InvalidVersion:
        return stored != installed
