"""What a failed request amounts to: the ``crawl_errors`` row it makes, or only a count.

A pure reading of the exception a request's errback receives (Scrapy's, Twisted's and the
project's own :mod:`gsspider.middlewares` refusals), with what the request was for. The spider
decides what to do about it (block a site, count it for a site); this says what it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from gsspider.middlewares import OffsiteRequest, RedirectLoop, Skipped
from gsspider.replay import NotArchived
from gsspider.vocab import (
    ERROR_DNS,
    ERROR_NOT_ARCHIVED,
    ERROR_OFFSITE_LINK,
    ERROR_OFFSITE_REDIRECT,
    ERROR_REDIRECT_LOOP,
    ERROR_ROBOTS_FORBIDDEN,
    ERROR_TIMEOUT,
    ERROR_TOO_LARGE,
    REPORT_ROLES,
    ROLE_ATTACHMENT,
    http_error,
)


@dataclass(frozen=True, slots=True)
class FailedRequest:
    """A failure as the crawl records it."""

    url: str  # the URL the row names (for a redirect off the portal: the page that redirected)
    kind: str | None  # the crawl_errors kind; None: no error, only counted
    message: str = ""
    status: int | None = None
    counter: str | None = None  # a gsspider/… stat the failure counts, error or not


def describe_failure(
    exc: BaseException,
    *,
    url: str,
    role: str,
    redirect_urls: Sequence[str] = (),
    attachment_of: str | None = None,
    download_limit: int = 0,
) -> FailedRequest:
    """What a request for ``url`` (asked as ``role``) that failed with ``exc`` amounts to.

    ``redirect_urls`` are the URLs the request was redirected from, ``attachment_of`` the page
    that linked an attachment, ``download_limit`` the size limit the download had.
    """
    if isinstance(exc, OffsiteRequest):
        if not redirect_urls:
            # The spider's own links are checked before they become requests; one refused here
            # (a private address, a start URL) is still said.
            return FailedRequest(url, ERROR_OFFSITE_LINK, str(exc))
        # A page of the portal redirected off it: nothing is fetched, but say what was lost.
        return FailedRequest(
            redirect_urls[0],
            ERROR_OFFSITE_REDIRECT,
            f"{role} page redirects off the portal to {url}: not followed",
        )
    if isinstance(exc, Skipped):
        return FailedRequest(url, None, counter=f"skipped/{type(exc).__name__}")
    if isinstance(exc, HttpError):
        status = exc.response.status
        message = f"HTTP {status}"
        if role == ROLE_ATTACHMENT and status in (403, 404, 410):
            message += (
                f" for the attachment of {attachment_of} (a download link that expired or was withdrawn?)"
            )
        return FailedRequest(url, http_error(status), message, status)
    if isinstance(exc, (DownloadCancelledError, CancelledError)) and "max size" in str(exc):
        message = f"larger than the download limit of {download_limit} bytes: {exc}"
        return FailedRequest(url, ERROR_TOO_LARGE, message)
    if isinstance(exc, RedirectLoop):
        return FailedRequest(url, ERROR_REDIRECT_LOOP, str(exc))
    if isinstance(exc, (TimeoutError, TCPTimedOutError)) or "timeout" in type(exc).__name__.lower():
        return FailedRequest(url, ERROR_TIMEOUT, str(exc) or "timed out")
    if isinstance(exc, NotArchived):  # a crawl from an archive never goes to the network instead
        return FailedRequest(url, ERROR_NOT_ARCHIVED, str(exc))
    if isinstance(exc, DNSLookupError):
        return FailedRequest(url, ERROR_DNS, str(exc))
    if type(exc) is IgnoreRequest and "robots.txt" in str(exc):
        if role not in REPORT_ROLES:
            return FailedRequest(url, None, counter=ERROR_ROBOTS_FORBIDDEN)
        # A listed report (or its file) that robots.txt forbids: obeyed, and said.
        return FailedRequest(
            url,
            ERROR_ROBOTS_FORBIDDEN,
            f"{role} forbidden by robots.txt: not fetched",
            counter=ERROR_ROBOTS_FORBIDDEN,
        )
    return FailedRequest(url, type(exc).__name__.lower(), str(exc) or repr(exc))
