"""The crawler's vocabulary, named once: page roles, ``crawl_errors`` kinds, site statuses.

These strings are written to the database (``pages.kind``, ``crawl_errors.error``,
``sites.status``) and passed between components (a request's ``meta["role"]``), so every
module, test and document uses these names, never its own spelling. The parser's own names
(table keys, check names, report flags) are in :mod:`parsers.constants`.
"""

from __future__ import annotations

from parsers.constants import (
    FLAG_IMAGE_ONLY,
    FLAG_NEEDS_OCR,
    FLAG_UNREADABLE_DOCUMENT,
    FLAG_UNSUPPORTED_DOCUMENT,
)

# --- roles: what a request is for (``meta["role"]``, ``pages.kind``) ---------------------------
ROLE_HOME = "home"  # a site's start page
ROLE_SECTION = "section"  # a 政务公开 / 信息公开 page
ROLE_DEPARTMENT = "department"  # a department's page under a section
ROLE_COLUMN = "column"  # a 年报 column's first page
ROLE_LIST = "list"  # a further page of a column, or a frame of one
ROLE_API = "api"  # a list script's API request
ROLE_REPORT = "report"  # a listed or linked report (page or file)
ROLE_ATTACHMENT = "attachment"  # a report page's document
ROLE_OTHER = "other"  # a request of no role (a page item without one)

#: Navigation pages: they count against the nav budget and depth.
NAV_ROLES = frozenset({ROLE_HOME, ROLE_SECTION, ROLE_DEPARTMENT})
#: Pages whose bytes may be a report (or a report file); everything else is navigation or a list.
REPORT_ROLES = frozenset({ROLE_REPORT, ROLE_ATTACHMENT})
#: Pages that are lists, and a list's further pages (static pages, API calls).
LIST_ROLES = frozenset({ROLE_COLUMN, ROLE_LIST, ROLE_API})
PAGING_ROLES = frozenset({ROLE_LIST, ROLE_API})
#: Pages rendered through a browser for sites marked ``render`` (report pages and files keep
#: the server's own bytes).
RENDER_ROLES = NAV_ROLES | {ROLE_COLUMN, ROLE_LIST}

# --- crawl_errors kinds ------------------------------------------------------------------------
ERROR_BLOCKED = "blocked"  # an anti-bot challenge: the site is no longer asked
ERROR_BROWSER_UNAVAILABLE = "browser_unavailable"  # a site needs rendering this crawl cannot do
ERROR_CALLBACK = "callback_error"  # the crawler's code failed on the page's bytes
ERROR_DNS = "dns"
ERROR_LIST_UNREADABLE = "list_unreadable"  # a list answer the list readers could not read
ERROR_MALFORMED = "malformed"  # HTML cut short (read as far as it goes)
ERROR_NOT_PARSED = "not_parsed"  # listed as a report, did not read as one
ERROR_NOT_ARCHIVED = "not_archived"  # a crawl from an archive: the archive holds no answer to it
ERROR_OFFSITE_LINK = "offsite_link"  # a link off the portal: not followed
ERROR_OFFSITE_REDIRECT = "offsite_redirect"  # a redirect off the portal: not followed
ERROR_REDIRECT_LOOP = "redirect_loop"
ERROR_ROBOTS_FORBIDDEN = "robots_forbidden"  # a report robots.txt forbids: obeyed, and said
ERROR_SOFT_404 = "soft_404"  # a 200 answer that says the page does not exist
ERROR_TIMEOUT = "timeout"
ERROR_TOO_LARGE = "too_large"  # larger than the download limit
#: Errors about where a link or redirect leads: said only for a site of the crawl.
OFFSITE_ERRORS = frozenset({ERROR_OFFSITE_LINK, ERROR_OFFSITE_REDIRECT})


def http_error(status: int) -> str:
    """The kind of an HTTP error answer: ``http_404``, ``http_500`` …"""
    return f"http_{status}"


# Besides these, a crawl_errors kind is a flag of a listed report stored unread (below), or the
# lower-cased name of an exception no rule names (``connectionrefusederror``).

# --- site statuses (``sites.status``) --------------------------------------------------------
SITE_OK = "ok"  # reports found
SITE_NO_REPORTS = "no_reports"
SITE_BLOCKED = "blocked"  # an anti-bot challenge stopped the crawl of the site

# --- flags the crawler adds to a report ------------------------------------------------------
#: A report page whose document is bound only by JavaScript: there is no link to follow.
FLAG_JS_BOUND = "js_bound_attachment"

#: A document listed (or linked) as a report that carries one of these was fetched but cannot be
#: read here: it is stored with its flags, never counted as parsed, and named in crawl_errors, so
#: nothing listed is lost silently. Not :data:`parsers.constants.UNREADABLE_FLAGS`, which says an
#: input was not read as a report at all (``gsspider parse``): that set also holds "not a report"
#: outcomes (empty, binary, not_a_report, parser_error), which the crawl records as ``not_parsed``,
#: and lacks what only a crawl meets (OCR needed, a JavaScript-bound document).
STORED_UNREAD_FLAGS = frozenset(
    {FLAG_NEEDS_OCR, FLAG_IMAGE_ONLY, FLAG_UNSUPPORTED_DOCUMENT, FLAG_UNREADABLE_DOCUMENT, FLAG_JS_BOUND}
)

# --- coverage marks: one body, one year (``coverage.status``, gsspider.coverage) ----------------
COVERAGE_FOUND = "found"  # a report read as one, published by the deadline (or undated)
COVERAGE_LATE = "late"  # found, published after 31 March of the next year
COVERAGE_UNREADABLE = "unreadable"  # listed, stored with its flags, not read as a report
COVERAGE_MISSING = "missing"  # the site was crawled after the year ended; no report
COVERAGE_BLOCKED = "site blocked"  # an anti-bot challenge stopped the site's crawl
COVERAGE_NOT_CHECKED = "not checked"  # the site was not crawled after the year ended
COVERAGE_STATUSES = (
    COVERAGE_FOUND,
    COVERAGE_LATE,
    COVERAGE_UNREADABLE,
    COVERAGE_MISSING,
    COVERAGE_BLOCKED,
    COVERAGE_NOT_CHECKED,
)
#: Marks that count as a report found (in totals and "found vs expected").
COVERAGE_PRESENT = frozenset({COVERAGE_FOUND, COVERAGE_LATE})
