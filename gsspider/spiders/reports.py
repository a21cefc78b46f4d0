"""The one generic spider: home page → 信息公开 → 年报 column → list pages → report pages.

It navigates only: links are scored by :mod:`gsspider.discovery`, lists read by
:mod:`gsspider.listreaders`, report bytes handed to :func:`parsers.parse_report`, and the
results to the pipelines as items.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import Any

import scrapy
from parsel import Selector
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from gsspider import antibot, archive, browser, discovery
from gsspider import settings as defaults
from gsspider.attachments import find_attachments, frames, is_other_document, js_bound_viewer, url_kind
from gsspider.failures import describe_failure
from gsspider.items import ErrorItem, PageItem, ReportItem, SiteItem, now
from gsspider.listreaders import ListPage, RequestSpec, read_api, read_list
from gsspider.listreaders.base import ListReadError, anchors
from gsspider.middlewares import header as _header
from gsspider.pages import is_truncated, read_meta_refresh
from gsspider.scope import SiteBook, SiteState, host_port
from gsspider.sites import SiteEntry, load_registry, normalise_url
from gsspider.vocab import (
    ERROR_BLOCKED,
    ERROR_BROWSER_UNAVAILABLE,
    ERROR_LIST_UNREADABLE,
    ERROR_MALFORMED,
    ERROR_NOT_PARSED,
    ERROR_OFFSITE_LINK,
    ERROR_OFFSITE_REDIRECT,
    ERROR_SOFT_404,
    FLAG_JS_BOUND,
    NAV_ROLES,
    OFFSITE_ERRORS,
    RENDER_ROLES,
    REPORT_ROLES,
    ROLE_API,
    ROLE_ATTACHMENT,
    ROLE_COLUMN,
    ROLE_DEPARTMENT,
    ROLE_HOME,
    ROLE_LIST,
    ROLE_OTHER,
    ROLE_REPORT,
    ROLE_SECTION,
    SITE_BLOCKED,
    STORED_UNREAD_FLAGS,
)
from parsers import parse_report
from parsers.constants import FLAG_TABLE3_MISSING
from parsers.html import decode_html
from parsers.records import Report

_PRIORITY = {ROLE_ATTACHMENT: 30, ROLE_REPORT: 30, ROLE_LIST: 20, ROLE_COLUMN: 20, ROLE_API: 20}


class ReportsSpider(scrapy.Spider):
    name = "reports"
    # Meta refreshes are read by the spider itself, to tell soft 404s from moved pages. (Scrapy
    # types custom_settings as an instance variable: a ClassVar here is a type error.)
    custom_settings: dict[str, Any] | None = {"METAREFRESH_ENABLED": False}  # noqa: RUF012
    # From the crawl's settings (from_crawler); a setting not given falls back to gsspider.settings.
    site_budget: int
    nav_budget: int
    max_nav_depth: int
    attachment_maxsize: int
    max_api_requests: int
    render_enabled: bool
    render_unavailable: str

    def __init__(self, urls: str | list[str] | None = None, sites: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = urls
        self._sites_path = sites
        #: The crawl's sites, their state and their hosts: the one owner, read by every component
        #: through :func:`gsspider.scope.book_of`.
        self.book = SiteBook()
        self._pending_items: list = []  # items found while starting (yielded by start())

    def crawl_args(self) -> dict[str, Any]:
        """What this crawl was asked to crawl, as the ``crawls`` table records it."""
        return {"urls": self._urls, "sites": self._sites_path}

    # --- set-up --------------------------------------------------------------
    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.site_budget = s.getint("GSSPIDER_SITE_BUDGET", defaults.GSSPIDER_SITE_BUDGET)
        spider.nav_budget = s.getint("GSSPIDER_NAV_BUDGET", defaults.GSSPIDER_NAV_BUDGET)
        spider.max_nav_depth = s.getint("GSSPIDER_MAX_NAV_DEPTH", defaults.GSSPIDER_MAX_NAV_DEPTH)
        spider.attachment_maxsize = s.getint(
            "GSSPIDER_ATTACHMENT_MAXSIZE", defaults.GSSPIDER_ATTACHMENT_MAXSIZE
        )
        spider.max_api_requests = s.getint("GSSPIDER_MAX_API_REQUESTS", defaults.GSSPIDER_MAX_API_REQUESTS)
        # Rendering through a browser is on when crawl set-up installed scrapy-playwright's handler
        # (gsspider.runner does so when a site of the crawl has ``render``); else the reason it is not.
        handlers = s.getdict("DOWNLOAD_HANDLERS")
        spider.render_enabled = handlers.get("http") == browser.HANDLER
        spider.render_unavailable = s.get("GSSPIDER_RENDER_UNAVAILABLE") or ""
        entries: list[SiteEntry] = []
        urls = spider._urls
        if isinstance(urls, str):
            urls = [u for u in urls.split(",") if u.strip()]
        extra_starts: list[str] = []
        for u in urls or []:
            url = normalise_url(u)
            if any(e.host == SiteEntry(url=url).host for e in entries):
                extra_starts.append(url)  # a further start page of a portal already named
            else:
                entries.append(SiteEntry(url=url))
        registry = spider._sites_path or (None if urls else s.get("GSSPIDER_SITES"))
        if registry:
            known = {e.url for e in entries}
            entries += [e for e in load_registry(registry) if e.url not in known]
        for entry in entries:
            spider.book.add(entry)
        for url in extra_starts:
            state = spider.book.site_for(url)
            if state is not None:
                state.extra_starts.append(url)
        return spider

    async def start(self):
        for req in self.start_requests():
            yield req
        while self._pending_items:
            yield self._pending_items.pop(0)

    def start_requests(self):
        if not self.book:
            self.logger.error("no sites to crawl: give urls=… or a site registry")
        for state in self.book:
            if state.entry.render and not self.render_enabled:
                why = self.render_unavailable or "rendering is not enabled in this crawl's settings"
                self.logger.warning("%s needs a browser: %s; crawled without one", state.entry.url, why)
                self._pending_items.append(
                    ErrorItem(state.entry.url, state.entry.url, ERROR_BROWSER_UNAVAILABLE, why, now())
                )
            for url in [state.entry.url, *state.extra_starts]:
                if req := self._request(state, url, self.parse_nav, role=ROLE_HOME, depth=0):
                    yield req

    # --- requests ------------------------------------------------------------
    def _request(
        self,
        state: SiteState,
        url: str,
        callback,
        *,
        role: str,
        depth: int,
        spec: RequestSpec | None = None,
        **meta,
    ) -> Request | None:
        if state.blocked:
            return None
        if state.requests >= (state.entry.budget or self.site_budget):
            self.crawler.stats.inc_value("gsspider/budget_exhausted")
            return None
        if role in NAV_ROLES:
            if state.nav_pages >= self.nav_budget or depth > self.max_nav_depth:
                return None
            state.nav_pages += 1
        state.requests += 1
        state.visited.add(host_port(url))
        meta = {"site": state.entry.url, "role": role, "depth": depth, **meta}
        if state.entry.render and self.render_enabled and role in RENDER_ROLES:
            # Only navigation and list pages: report pages and files keep the server's own bytes.
            meta = {**browser.render_meta(), **meta}
        if role == ROLE_ATTACHMENT or (role == ROLE_REPORT and url_kind(url)):
            # Files (linked from a page, or listed directly) have their own size limit.
            meta.setdefault("download_maxsize", self.attachment_maxsize)
        kwargs: dict = {
            "callback": callback,
            "errback": self.on_error,
            "meta": meta,
            "priority": _PRIORITY.get(role, 0),
        }
        if spec is None:
            return Request(url, **kwargs)
        meta["list_spec"] = asdict(spec)
        if spec.formdata is not None:
            return scrapy.FormRequest(
                url, method=spec.method, formdata=spec.formdata, headers=spec.headers, **kwargs
            )
        return Request(url, method=spec.method, body=spec.body or b"", headers=spec.headers or None, **kwargs)

    def _page_item(self, response: Response, role: str) -> PageItem:
        return PageItem(
            url=(response.meta.get("redirect_urls") or [response.url])[0],  # the URL that was asked for
            site=response.meta["site"],
            status=response.status,
            fetched_at=now(),
            bytes=len(response.body),
            content_hash=hashlib.sha256(response.body).hexdigest(),
            content_type=_header(response, b"Content-Type"),
            kind=role,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            final_url=response.url,
            referer=_header(response.request, b"Referer") if response.request else None,
            **archive.location_fields(response.meta),
        )

    # --- callbacks -----------------------------------------------------------
    def _arrive(self, response: Response):
        """What every callback does first: the site's state, a repaired decoding, anti-bot check.

        Returns (state, response, items); ``response`` is None when the site turned out blocked.
        """
        state = self.book.sites[response.meta["site"]]
        items: list = []
        if isinstance(response, TextResponse):
            response = _redecoded(response)
        if response.meta.get("playwright") and self.book.site_for(response.url) is not state:
            # Chromium follows redirects itself (Playwright cannot intercept them): a rendered
            # page that ended up off the portal is not read.
            asked = response.request.url if response.request is not None else response.url
            items.append(
                self._error(
                    state,
                    asked,
                    ERROR_OFFSITE_REDIRECT,
                    f"rendered page ended off the portal at {response.url}",
                    None,
                )
            )
            return state, None, items
        if response.meta.get("playwright") and response.status == 200:
            # A page the browser rendered has passed any challenge; its DOM may still hold the
            # vendor's injected scripts, which must not read as a block.
            return state, response, items
        block = antibot.detect(response.status, antibot.headers_of(response), response.body)
        if block is not None:
            blocked = self._block_site(state, response.url, block, response.status, response.meta.get("role"))
            if blocked is not None:
                items.append(self._page_item(response, response.meta.get("role", ROLE_OTHER)))
                return state, None, items + blocked
        return state, response, items

    def _block_site(
        self, state: SiteState, url: str, block: antibot.Block, status: int | None, role: str | None
    ) -> list | None:
        """Stop asking a site that answers with an anti-bot challenge; say so once, with the reason.

        瑞数 and 加速乐 challenges are unmistakable: one blocks the site. A generic WAF page on a
        single report or file URL may be that file's own refusal (a withdrawn attachment behind
        the firewall's error page), so it blocks the site only on a navigation or list page, or on
        the second such answer. Returns None when this answer does not block the site.
        """
        if state.blocked:
            return []
        if block.vendor == antibot.WAF and role in REPORT_ROLES:
            state.waf_hits += 1
            if state.waf_hits < 2:
                return None
        state.blocked = block.reason
        self.crawler.stats.inc_value(f"gsspider/blocked/{block.vendor}")
        self.logger.warning("%s is blocked: %s", state.entry.url, block.message)
        return [
            ErrorItem(url, state.entry.url, ERROR_BLOCKED, f"{block.reason}: {block.message}", now(), status),
            SiteItem(state.entry.url, SITE_BLOCKED, block.reason, state.entry.family or None),
        ]

    def parse_nav(self, response: Response):
        """Home, 信息公开 section and department pages: find the 年报 columns."""
        state, response, items = self._arrive(response)
        yield from items
        if response is None:
            return
        role, depth = response.meta["role"], response.meta["depth"]
        if not isinstance(response, TextResponse) or discovery.page_names_report(
            response.body, response.url, response.encoding
        ):
            # A redirect or a deep start URL can land straight on a report (or a document).
            yield from self._article(response, state)
            return
        yield self._page_item(response, role)
        yield from self._check_html(response, state)
        refresh = self._meta_refresh(response, state)
        if refresh is not None:
            yield from refresh
            return
        sel = Selector(text=response.text)
        links = anchors(sel, response.url)
        callbacks = {
            discovery.REPORT: (self.parse_article, ROLE_REPORT),
            discovery.COLUMN: (self.parse_list, ROLE_COLUMN),
            discovery.SECTION: (self.parse_nav, ROLE_SECTION),
            discovery.DEPARTMENT: (self.parse_nav, ROLE_DEPARTMENT),
        }
        for choice in discovery.nav_choices(((url, text) for url, text, _ in links), role):
            callback, as_role = callbacks[choice.kind]
            label = choice.label if choice.kind != discovery.REPORT else ""
            if req := self._follow(
                state, choice.url, callback, role=as_role, depth=depth + 1, label=label, via=response.url
            ):
                yield req
        # Script-driven directories (gkmlpt) list their columns as hash links to the page itself,
        # so the page is its own list: let the list readers see it for API calls.
        yield from self._read_list(response, state, depth, items_only=False, sel=sel)

    def parse_list(self, response: Response):
        """A 年报 column and its further pages: report items and pagination."""
        state, response, items = self._arrive(response)
        yield from items
        if response is None:
            return
        depth = response.meta["depth"]
        if not isinstance(response, TextResponse) or discovery.page_names_report(
            response.body, response.url, response.encoding
        ):
            yield from self._article(response, state)
            return
        yield self._page_item(response, response.meta["role"])
        yield from self._check_html(response, state)
        refresh = self._meta_refresh(response, state)
        if refresh is not None:
            yield from refresh
            return
        yield from self._read_list(response, state, depth)

    def parse_api(self, response: Response):
        """The answer to a list script's API request (Hanweb dataproxy XML, TRS / gkmlpt JSON)."""
        state, response, items = self._arrive(response)
        yield from items
        if response is None:
            return
        yield self._page_item(response, ROLE_API)
        spec = RequestSpec(**response.meta["list_spec"])
        try:
            page = read_api(spec, response.body, _header(response, b"Content-Type"))
        except ListReadError as exc:
            yield self._list_error(response, state, str(exc))
            return
        if page.error:
            yield self._list_error(response, state, page.error)
        yield from self._list_page(page, state, response.meta["depth"])

    def _error(self, state: SiteState, url: str, kind: str, message: str, status: int | None) -> ErrorItem:
        """One ``crawl_errors`` row, counted for the site and in the stats."""
        state.errors += 1
        self.crawler.stats.inc_value(f"gsspider/errors/{kind}")
        return ErrorItem(url, state.entry.url, kind, message, now(), status)

    def _list_error(self, response: Response, state: SiteState, message: str) -> ErrorItem:
        return self._error(
            state,
            response.url,
            ERROR_LIST_UNREADABLE,
            f"list answer could not be read: {message}",
            response.status,
        )

    def _read_list(
        self,
        response: TextResponse,
        state: SiteState,
        depth: int,
        items_only: bool = True,
        sel: Selector | None = None,
    ):
        sel = sel or Selector(text=response.text)  # one parse of the page for the readers and frames
        try:
            page = read_list(response.url, response.text, hint=state.entry.family or None, sel=sel)
        except ListReadError as exc:
            yield self._list_error(response, state, str(exc))
            return
        if not items_only and not page.requests:
            return  # a navigation page with no list machinery: its links were scored already
        if page.error:
            yield self._list_error(response, state, page.error)
        yield from self._list_page(page, state, depth)
        if items_only and not (page.items or page.pages or page.requests):
            # An empty shell: old portals show their lists through frames.
            for url in frames(sel, response.url):
                if req := self._follow(state, url, self.parse_list, role=ROLE_LIST, depth=depth + 1):
                    yield req

    def _list_page(self, page: ListPage, state: SiteState, depth: int):
        """Follow what one list page (static or API answer) offers: reports, sub-columns, pages, calls."""
        self.crawler.stats.inc_value(f"gsspider/list_family/{page.family}")
        for item in page.items:
            kind = discovery.classify_list_item(item.title)
            if (
                kind == discovery.MAYBE
                and discovery.classify_link(item.title, item.url).kind == discovery.COLUMN
            ):
                kind = discovery.COLUMN  # "XX局政府信息公开年报": a sub-column, not a report
            if kind in (discovery.REPORT, discovery.MAYBE):
                if req := self._follow(
                    state,
                    item.url,
                    self.parse_article,
                    role=ROLE_REPORT,
                    depth=depth + 1,
                    list_title=item.title,
                    list_date=item.date,
                ):
                    yield req
            elif (
                kind == discovery.COLUMN
                or discovery.classify_link(item.title, item.url).kind == discovery.COLUMN
            ):
                if req := self._follow(state, item.url, self.parse_list, role=ROLE_COLUMN, depth=depth + 1):
                    yield req
            else:
                self.crawler.stats.inc_value("gsspider/list_items_skipped")
        for url in page.pages:
            if req := self._follow(state, url, self.parse_list, role=ROLE_LIST, depth=depth):
                yield req
        for spec in page.requests[: self.max_api_requests]:
            if req := self._follow(state, spec.url, self.parse_api, role=ROLE_API, depth=depth, spec=spec):
                yield req
        if len(page.requests) > self.max_api_requests:
            self.crawler.stats.inc_value("gsspider/api_requests_capped")

    def parse_article(self, response: Response):
        """A report page (or attachment): hand the bytes to the parser."""
        state, response, items = self._arrive(response)
        yield from items
        if response is not None:
            yield from self._article(response, state)

    def _article(self, response: Response, state: SiteState):
        role = response.meta.get("role")
        yield self._page_item(response, ROLE_ATTACHMENT if role == ROLE_ATTACHMENT else ROLE_REPORT)
        page = response if isinstance(response, TextResponse) else None
        if page is not None:
            yield from self._check_html(page, state)
            refresh = self._meta_refresh(page, state)
            if refresh is not None:
                yield from refresh
                return
        report = report_of(response)
        listed_title = response.meta.get("list_title") or ""
        listed_as_report = discovery.classify_list_item(listed_title) == discovery.REPORT
        if page is not None and role != ROLE_ATTACHMENT:
            followed = yield from self._attachments(page, state, report, listed_as_report)
            if followed:
                return  # the report is in its attachments; this page is only their wrapper
        flagged = unread_flags(report)
        if readable(report):
            state.reports += 1
            self.crawler.stats.inc_value("gsspider/reports")
            yield self._report_item(response, state, report)
            return
        if flagged and (report.is_report or listed_as_report or role == ROLE_ATTACHMENT):
            # Listed (or linked) as a report but not readable here: stored with its flags, never
            # counted as parsed, and named in crawl_errors.
            # is_report = 1 means "read as a report": the flags say what this one is instead.
            report.is_report = False
            codes = ", ".join(sorted(flagged))
            self.crawler.stats.inc_value("gsspider/reports_unread")
            yield self._report_item(response, state, report)
            yield self._error(
                state,
                response.url,
                sorted(flagged)[0],
                f"{codes}: " + "; ".join(f.message for f in report.flags if f.code in flagged),
                response.status,
            )
            return
        if listed_as_report or role == ROLE_ATTACHMENT:
            # Listed as a report but did not read as one: say so, never drop it silently.
            reasons = "; ".join(f.message for f in report.flags) or "no report content"
            yield self._error(
                state, response.url, ERROR_NOT_PARSED, f"listed as a report but {reasons}", response.status
            )
        self.crawler.stats.inc_value("gsspider/not_reports")
        if page is not None and role == ROLE_REPORT:
            # Not a report after all: maybe a sub-column listing reports.
            yield from self._read_list(page, state, page.meta.get("depth", 0))

    def _report_item(self, response: Response, state: SiteState, report: Report) -> ReportItem:
        return ReportItem(
            url=response.url,
            site=state.entry.url,
            fetched_at=now(),
            report=report,
            attachment_of=response.meta.get("attachment_of"),
        )

    def _attachments(self, response: TextResponse, state: SiteState, report: Report, listed: bool):
        """Follow a report page's document attachments when the page itself lacks the tables.

        Returns (as the generator's value) whether the page handed its report over to attachments.
        A page whose document is bound only by JavaScript gets the ``js_bound_attachment`` flag.
        """
        codes = {f.code for f in report.flags}
        reportish = report.is_report or listed
        if not reportish or (report.is_report and FLAG_TABLE3_MISSING not in codes and report.table3):
            return False
        sel = Selector(text=response.text)
        followed = 0
        for att in find_attachments(sel, response.url):
            if is_other_document(att.name):
                continue  # 申请表.doc, 指南.pdf …: a document that is not the report
            req = self._follow(
                state,
                att.url,
                self.parse_article,
                role=ROLE_ATTACHMENT,
                depth=response.meta.get("depth", 0) + 1,
                via=response.url,
                attachment_of=response.url,
                list_title=response.meta.get("list_title") or report.title or att.name,
                attachment_kind=att.kind,
            )
            if isinstance(req, Request):
                followed += 1
            if req is not None:
                yield req
        if followed:
            self.crawler.stats.inc_value("gsspider/attachments_followed", followed)
            return True
        flag_js_bound(report, response.text)
        return False

    def _check_html(self, response: TextResponse, state: SiteState):
        """A truncated or broken page is recorded; its content is still used."""
        if is_truncated(response.body, _header(response, b"Content-Type")):
            yield self._error(
                state,
                response.url,
                ERROR_MALFORMED,
                "HTML ends before </html> (truncated page); read as far as it goes",
                response.status,
            )

    def _follow(
        self,
        state: SiteState,
        url: str,
        callback,
        *,
        role: str,
        depth: int,
        label: str = "",
        via: str = "",
        **meta,
    ) -> Request | ErrorItem | None:
        """The request for a link of ``state``'s pages, or the ``offsite_link`` error it is instead.

        A navigation link with a 政务公开 / 信息公开 / 年报 label (``label``, on page ``via``) may
        admit the part of another host it leads to (:meth:`gsspider.scope.SiteBook.admit_link`).
        A link to another portal of this crawl is that portal's business: skipped, not an error.
        """
        url = url.split("#")[0]
        owner = self.book.site_for(url)
        if owner is None and label and via:
            admission = self.book.admit_link(state, url, label=label, via=via)
            if admission is not None:
                owner = state
                self.crawler.stats.inc_value("gsspider/hosts_admitted")
                self.logger.info(
                    "%s: %s admitted under %s (navigation link %r on %s)",
                    state.url,
                    admission.host,
                    admission.prefix,
                    label,
                    via,
                )
        if owner is not state:
            self.crawler.stats.inc_value("gsspider/offsite_links_skipped")
            if owner is not None:
                return None
            origin = f" on {via}" if via else ""
            return self._error(
                state,
                url,
                ERROR_OFFSITE_LINK,
                f"{role} link{origin} leads off the portal: not followed",
                None,
            )
        return self._request(state, url, callback, role=role, depth=depth, **meta)

    def _meta_refresh(self, response: TextResponse, state: SiteState):
        refresh = read_meta_refresh(response.body, response.url, response.text)
        if refresh is None:
            return None
        if refresh.soft_404:
            return [
                self._error(
                    state,
                    response.url,
                    ERROR_SOFT_404,
                    "page answers 200 but says it does not exist (meta refresh)",
                    response.status,
                )
            ]
        target = refresh.target
        if target is None:
            return []
        callback = {
            ROLE_REPORT: self.parse_article,
            ROLE_LIST: self.parse_list,
            ROLE_COLUMN: self.parse_list,
        }.get(response.meta["role"], self.parse_nav)
        req = self._follow(state, target, callback, role=response.meta["role"], depth=response.meta["depth"])
        return [req] if req else []

    # --- errors ----------------------------------------------------------------
    def on_error(self, failure):
        request = failure.request
        site = request.meta.get("site", "")
        state = self.book.get(site)
        exc = failure.value
        role = request.meta.get("role", ROLE_OTHER)
        if isinstance(exc, HttpError):
            response = exc.response
            yield self._page_item(response, role)
            block = antibot.detect(response.status, antibot.headers_of(response), response.body)
            if block is not None and state is not None:
                blocked = self._block_site(state, request.url, block, response.status, role)
                if blocked is not None:
                    yield from blocked
                    return
        failed = describe_failure(
            exc,
            url=request.url,
            role=role,
            redirect_urls=request.meta.get("redirect_urls") or (),
            attachment_of=request.meta.get("attachment_of"),
            download_limit=request.meta.get("download_maxsize")
            or self.crawler.settings.getint("DOWNLOAD_MAXSIZE"),
        )
        if failed.counter:
            self.crawler.stats.inc_value(f"gsspider/{failed.counter}")
        if failed.kind is None:
            return
        if state is not None:
            yield self._error(state, failed.url, failed.kind, failed.message, failed.status)
        elif failed.kind not in OFFSITE_ERRORS:
            # A request of no site of this crawl: said, counted for no site.
            self.crawler.stats.inc_value(f"gsspider/errors/{failed.kind}")
            yield ErrorItem(failed.url, site, failed.kind, failed.message, now(), failed.status)

    def closed(self, reason: str) -> None:
        for state in self.book:
            self.crawler.stats.set_value(f"gsspider/site_reports/{state.entry.url}", state.reports)


def report_of(response: Response) -> Report:
    """The parser's reading of a report page or file (the crawl's, and ``gsspider reparse``'s from
    the archive: one path, so both read the same bytes the same way)."""
    page = _redecoded(response) if isinstance(response, TextResponse) else None
    return parse_report(
        response.body,
        url=response.url,
        content_type=_header(response, b"Content-Type"),
        encoding=page.encoding if page is not None else None,
    )


def flag_js_bound(report: Report, text: str) -> None:
    """Flag a report page without its tables whose document only a script binds (no link to follow)."""
    viewer = js_bound_viewer(text)
    if viewer and (FLAG_TABLE3_MISSING in {f.code for f in report.flags} or not report.table3):
        report.flag(
            FLAG_JS_BOUND, f"the report document is bound only by JavaScript ({viewer}…): no link to follow"
        )


def unread_flags(report: Report) -> set[str]:
    """The flags that make a listed document stored unread (a scan, a broken file)."""
    return {f.code for f in report.flags} & STORED_UNREAD_FLAGS


def readable(report: Report) -> bool:
    """Whether a parse is stored as a report (``is_report`` 1): read as one, its year known, and
    nothing in it unread."""
    return bool(report.is_report and report.report_year and not unread_flags(report))


def _redecoded(response: TextResponse) -> TextResponse:
    """The response decoded by what its bytes are when the declared charset is wrong.

    Portals serve GBK under ``Content-Type: …; charset=utf-8``; Scrapy trusts the header and
    decodes with replacement characters, so the page's links and titles come out as mojibake.
    A body that does not decode strictly by its declared charset is decoded as the parser
    decodes pages (:func:`parsers.html.decode_html`: UTF-8, the declarations, the ``<meta>``
    charset, GB18030).
    """
    try:
        response.body.decode(response.encoding)
        return response
    except (UnicodeDecodeError, LookupError):
        pass
    _, encoding = decode_html(response.body, response.encoding)
    return response if encoding == response.encoding.lower() else response.replace(encoding=encoding)
