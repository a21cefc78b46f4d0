"""What each path of a simulated site answers: the site's pages as :class:`Resource` objects.

:func:`site_routes` maps request targets (path plus query) to resources; the HTTP layer only looks
them up and writes them out. Bodies are rendered lazily, on first request, and kept (bulk pages are
rendered on every request instead, to keep a large portal small). A resource with a ``handler``
answers per request (API endpoints, POST forms, one-time download links).
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import parse_qs, quote

from . import attachments as files
from . import bulk as B
from .families import (
    FAMILIES,
    GKMLPT_INDEX,
    HANWEB_PROXY,
    TRS_API_PATH,
    TRS_API_SCRIPT,
    GkmlptFamily,
    HanwebFamily,
    PortalListPage,
    TrsApiFamily,
)
from .model import OFFSITE_LINKS, Article, Column, PortalAttachment, Site, Trap
from .obstacles import block_answer
from .render import PageChrome, render_article_page, render_report_page
from .seeds import seed_text, seed_truth


@dataclass(frozen=True)
class Request:
    """What a handler sees of one request."""

    method: str
    target: str  # path and query as sent
    path: str
    query: dict[str, str]
    form: dict[str, str]


def make_request(method: str, target: str, body: bytes = b"") -> Request:
    path, _, query = target.partition("?")

    def first(values: dict[str, list[str]]) -> dict[str, str]:
        return {key: items[0] for key, items in values.items()}

    form = first(parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)) if body else {}
    return Request(method, target, path, first(parse_qs(query, keep_blank_values=True)), form)


@dataclass
class Resource:
    """One response: status, headers and a (lazily rendered) body, or a per-request handler."""

    status: int = 200
    render: Callable[[], str] | None = None  # a text body
    content_type: str = "text/html"
    charset: str | None = "utf-8"  # how the text is encoded
    location: str | None = None  # redirects
    delay: float = 0.0  # seconds to wait before answering
    truncate: float | None = None  # keep only this share of the body (a malformed page)
    #: The resource depends on its query string: other queries on the same path are not it.
    query_sensitive: bool = False
    data: Callable[[], bytes] | None = None  # a binary body (instead of ``render``)
    stream: Callable[[], Iterator[bytes]] | None = None  # a body too large to hold: chunks …
    length: int = 0  # … and their total, sent as Content-Length
    handler: Callable[[Request], Resource] | None = None  # answers per request
    methods: tuple[str, ...] = ("GET", "HEAD")  # what a plain resource accepts (else 405)
    header_charset: str | None = None  # what Content-Type declares, if not ``charset`` (a lie)
    extra_headers: tuple[tuple[str, str], ...] = ()
    server: str | None = None  # the Server header, if not nginx
    keep: bool = True  # keep the rendered body (False: render on every request)
    _body: bytes | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _make(self) -> bytes:
        if self.data is not None:
            return self.data()
        text = self.render() if self.render else ""
        data = text.encode(self.charset or "utf-8", errors="xmlcharrefreplace")
        if self.truncate is not None:
            data = data[: int(len(data) * self.truncate)]
            # Cut on a character boundary: the page is malformed HTML, not undecodable bytes.
            data = data.decode(self.charset or "utf-8", errors="ignore").encode(self.charset or "utf-8")
        return data

    def body(self) -> bytes:
        if not self.keep:
            return self._make()
        with self._lock:
            if self._body is None:
                self._body = self._make()
            return self._body

    def headers(self) -> list[tuple[str, str]]:
        declared = self.header_charset or self.charset
        content_type = self.content_type + (f"; charset={declared}" if declared else "")
        out = [("Content-Type", content_type)]
        if self.location:
            out.append(("Location", self.location))
        out.extend(self.extra_headers)
        return out


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_CONTENT_TYPES = {"pdf": PDF, "docx": DOCX, "doc": "application/msword", "wps": "application/octet-stream"}


def site_routes(site: Site, base_url: str = "") -> dict[str, Resource]:
    """Every request target the site answers, and how. ``base_url`` is where the site is served
    (JSON APIs print absolute URLs, the XXE answer points back at the site)."""
    charset = site.charset
    header_charset = site.profile.header_charset
    routes: dict[str, Resource] = {}

    def page(render: Callable[[], str], *, query_sensitive: bool = False, keep: bool = True) -> Resource:
        return Resource(
            render=render,
            charset=charset,
            query_sensitive=query_sensitive,
            header_charset=header_charset,
            keep=keep,
        )

    home = page(lambda: render_home(site))
    routes["/"] = routes["/index.html"] = home
    if site.profile.family == "gkmlpt":
        routes[GKMLPT_INDEX] = page(lambda: render_gkmlpt_index(site))
    else:
        routes[site.section_path] = page(lambda: render_section(site))
    if site.directory_path:
        routes[site.directory_path] = page(lambda: render_directory(site))
    for column in site.all_columns():
        bulk = bool(column.options.get("related"))
        for list_page in column.pages():
            if list_page.kind != "static":
                continue
            resource = page(
                partial(render_list, site, column, list_page),
                query_sensitive=column.family == "paged",
                keep=not bulk,
            )
            for target in (list_page.path, *list_page.aliases):
                routes[target] = resource
        for article in column.articles:
            if article.href is None:
                routes[article.path] = page(partial(render_article, site, column, article), keep=not bulk)
            if article.attachment is not None:
                routes.update(_attachment_routes(site, article, article.attachment))
    routes.update(_api_routes(site, base_url))
    if site.sitemap_path:
        routes[site.sitemap_path] = page(lambda: render_sitemap(site), keep=False)
    if site.apply_path:
        routes[site.apply_path] = page(lambda: render_apply(site), keep=False)
    for trap in site.traps:
        routes[trap.path] = _trap_resource(site, trap, routes.get(trap.path))
        if trap.kind == "redirect_loop":  # and back again
            routes[trap.target] = Resource(status=302, location=trap.path, render=lambda: "", charset=charset)
    routes["/robots.txt"] = Resource(
        render=lambda: "User-agent: *\nDisallow: /admin/\nDisallow: /cgi-bin/\n", content_type="text/plain"
    )
    routes["/css/common.css"] = Resource(
        render=lambda: "body{font-family:SimSun,serif}.TRS_Editor p{line-height:2}\n", content_type="text/css"
    )
    return routes


def blocked_resource(site: Site) -> Resource:
    """The anti-bot answer a blocked site gives to every request."""
    assert site.blocked
    answer = block_answer(site.blocked, f"{site.key}/{site.site_code}")
    return Resource(
        status=answer.status,
        render=lambda: answer.body,
        extra_headers=answer.headers,
        server=answer.server,
    )


def not_found(site: Site) -> Resource:
    return Resource(
        status=404,
        render=lambda: _error_page(site, "404 页面不存在", "您访问的页面不存在或已被删除。"),
        charset=site.charset,
        header_charset=site.profile.header_charset,
    )


def _text(status: int, text: str, content_type: str = "text/plain") -> Resource:
    return Resource(status=status, render=lambda: text, content_type=content_type)


# --- dynamic lists --------------------------------------------------------------------------


def _intersects(pages: list[PortalListPage], column: Column, first: int, last: int) -> str | None:
    """The defect of any deliberately broken API page whose items overlap records first..last (1-based)."""
    offset = 0
    for page in pages:
        size = len(page.items)
        if page.defect and offset + 1 <= last and first <= offset + size:
            return page.defect
        offset += size
    return None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _api_routes(site: Site, base_url: str) -> dict[str, Resource]:
    routes: dict[str, Resource] = {}
    by_family: dict[str, list[Column]] = {}
    for column in site.all_columns():
        by_family.setdefault(column.family, []).append(column)

    if "hanweb" in by_family:
        family = FAMILIES["hanweb"]
        assert isinstance(family, HanwebFamily)
        columns = {str(c.options["code"]): c for c in by_family["hanweb"]}
        probe = base_url + site.xxe_probe_path if site.xxe_probe_path else "http://127.0.0.1:1/probe.dtd"

        def dataproxy(request: Request) -> Resource:
            if request.method != "POST":
                return _text(405, "HTTP method GET is not supported by this URL")
            column = columns.get(request.form.get("columnid", ""))
            if column is None or str(column.options["unitid"]) != request.form.get("unitid", ""):
                xml = '<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>0</totalrecord><recordset></recordset></datastore>'
                return Resource(render=lambda: xml, content_type="text/xml", keep=False)
            start = _int(request.query.get("startrecord"), 1)
            end = _int(request.query.get("endrecord"), start + 44)
            defect = _intersects(column.pages(), column, start, end)
            xml = family.answer(column, start, end, defect, probe)
            return Resource(render=lambda: xml, content_type="text/xml", keep=False)

        routes[HANWEB_PROXY] = Resource(handler=dataproxy, methods=("GET", "HEAD", "POST"))
        routes["/module/web/jpage/jquery.page.min.js"] = _text(
            200,
            "/* jpage: posts ajaxParam to proxyUrl?startrecord=&endrecord=&perpage= */\n",
            "application/javascript",
        )
        if site.xxe_probe_path:
            routes[site.xxe_probe_path] = _text(
                200, "<!-- resolved an external entity: this must never happen -->\n"
            )

    if "trs_api" in by_family:
        trs_api = FAMILIES["trs_api"]
        assert isinstance(trs_api, TrsApiFamily)
        channels = {f"chnlid={c.options['chnlid']}": c for c in by_family["trs_api"]}

        def search(request: Request) -> Resource:
            params = request.query | request.form
            column = channels.get(params.get("classsql", "").replace(" ", ""))
            if column is None:
                body = json.dumps({"page": 1, "pageCount": 0, "prepage": 10, "recordCount": 0, "data": []})
                return Resource(render=lambda: body, content_type="application/json", keep=False)
            number = _int(params.get("page"), 1)
            prepage = _int(params.get("prepage"), int(column.options.get("page_size", 10)))
            first, last = (number - 1) * prepage + 1, number * prepage
            defect = _intersects(column.pages(), column, first, last)
            body = trs_api.answer(column, number, prepage, base_url, defect)
            return Resource(render=lambda: body, content_type="application/json", keep=False)

        routes[TRS_API_PATH] = Resource(handler=search, methods=("GET", "HEAD", "POST"))
        routes["/static/js/list2.trsapi.js"] = _text(200, TRS_API_SCRIPT, "application/javascript")

    if "gkmlpt" in by_family:
        gkmlpt = FAMILIES["gkmlpt"]
        assert isinstance(gkmlpt, GkmlptFamily)
        for column in by_family["gkmlpt"]:

            def listing(request: Request, column: Column = column) -> Resource:
                if request.query.get("sid") != site.sid:
                    body = json.dumps({"error": "invalid sid", "total": 0, "articles": []})
                    return Resource(
                        status=400, render=lambda: body, content_type="application/json", keep=False
                    )
                body = gkmlpt.answer(column, _int(request.query.get("page"), 1), base_url, site.publisher)
                return Resource(render=lambda: body, content_type="application/json", keep=False)

            routes[f"/gkmlpt/api/all/{column.options['code']}"] = Resource(handler=listing)
        routes["/gkmlpt/static/js/app.js"] = _text(
            200,
            "/* gkmlpt: GET /gkmlpt/api/all/<columnId>?page=N&sid=_CONFIG.SID */\n",
            "application/javascript",
        )
    return routes


# --- attachments ------------------------------------------------------------------------------


def _attachment_routes(site: Site, article: Article, attachment: PortalAttachment) -> dict[str, Resource]:
    spec = article.spec
    assert spec is not None
    kind = attachment.kind
    routes: dict[str, Resource] = {}
    disposition = (("Content-Disposition", f"attachment; filename*=UTF-8''{quote(attachment.filename)}"),)

    def binary(make: Callable[[], bytes], content_type: str, **kw: object) -> Resource:
        return Resource(data=make, content_type=content_type, charset=None, **kw)  # type: ignore[arg-type]

    if kind == "pdf" or kind == "js_bound":
        query = "?" in attachment.path
        routes[attachment.path] = binary(
            partial(files.report_pdf, spec),
            PDF,
            query_sensitive=query,
            extra_headers=disposition if query else (),
        )
    elif kind == "docx":
        routes[attachment.path] = binary(partial(files.report_docx, spec), DOCX)
    elif kind in ("doc", "wps"):
        text = f"{spec.publisher}{spec.year}年政府信息公开工作年度报告"
        routes[attachment.path] = binary(
            partial(files.ole_document, article.title, text), _CONTENT_TYPES[kind]
        )
    elif kind == "image_pdf":
        routes[attachment.path] = binary(partial(files.image_pdf, article.title, 2, article.id % 7), PDF)
    elif kind == "image_html":
        for number, path in enumerate((attachment.path, *attachment.extra_paths)):
            routes[path] = binary(partial(files.png_image, 420, 594, article.id % 7 + number), "image/png")
    elif kind == "truncated_pdf":
        routes[attachment.path] = binary(partial(files.truncated_pdf, spec), PDF)
    elif kind == "zip_bomb":
        routes[attachment.path] = binary(files.zip_bomb_docx, DOCX)
    elif kind == "oversized":
        routes[attachment.path] = Resource(
            stream=files.oversized_chunks, length=files.OVERSIZED_BYTES, content_type=PDF, charset=None
        )
    elif kind == "expiring_pdf":
        routes[attachment.path] = _expiring(partial(files.report_pdf, spec), attachment)
    if kind == "js_bound":
        info = json.dumps(
            {"code": 200, "data": {"fileUrl": attachment.path, "fileName": article.title + ".pdf"}},
            ensure_ascii=False,
        )
        routes[f"/api/attach/info?docId={article.id}"] = Resource(
            render=lambda: info, content_type="application/json", query_sensitive=True
        )
        routes["/pdfjs/web/viewer.html"] = Resource(
            render=lambda: (
                '<!DOCTYPE html><html><head><meta charset="utf-8"><title>PDF.js viewer</title>'
                '<script src="viewer.js"></script></head><body><div id="viewerContainer"></div></body></html>'
            )
        )
    return routes


def _expiring(make: Callable[[], bytes], attachment: PortalAttachment) -> Resource:
    """A download link whose token works once: the first GET gets the file, every later one 403."""
    used = threading.Event()
    lock = threading.Lock()
    expired = '<html><head><meta charset="utf-8"><title>403</title></head><body>下载链接已失效，请刷新页面后重试。</body></html>'
    disposition = (("Content-Disposition", f"attachment; filename*=UTF-8''{quote(attachment.filename)}"),)

    def answer(request: Request) -> Resource:
        with lock:
            if used.is_set():
                return Resource(status=403, render=lambda: expired, keep=False)
            if request.method == "GET":
                used.set()
        return Resource(data=make, content_type=PDF, charset=None, extra_headers=disposition, keep=False)

    return Resource(handler=answer, query_sensitive=True)


# --- traps ------------------------------------------------------------------------------------


def _trap_resource(site: Site, trap: Trap, existing: Resource | None) -> Resource:
    charset = site.charset
    header_charset = site.profile.header_charset
    if trap.kind == "not_found":
        return not_found(site)
    if trap.kind == "server_error":
        return Resource(
            status=500,
            render=lambda: _error_page(site, "500 Internal Server Error", "服务器内部错误，请稍后再试。"),
            charset=charset,
            header_charset=header_charset,
        )
    if trap.kind in ("redirect", "redirect_loop"):
        status = 301 if trap.kind == "redirect" else 302
        return Resource(status=status, location=trap.target, render=lambda: "", charset=charset)
    if trap.kind == "soft_404":
        return Resource(render=lambda: _soft_404(site), charset=charset, header_charset=header_charset)
    if trap.kind == "slow":
        return Resource(
            render=lambda: _simple_page(site, trap.text, "直播回看。"), charset=charset, delay=trap.delay
        )
    if trap.kind == "malformed":
        assert existing is not None, "a malformed trap truncates an existing page"
        return Resource(render=existing.render, charset=charset, truncate=0.6, header_charset=header_charset)
    if trap.kind == "robots_disallowed":
        return Resource(render=lambda: _admin_page(site), charset=charset, header_charset=header_charset)
    raise ValueError(f"unknown trap kind {trap.kind!r}")


# --- page chrome ------------------------------------------------------------------------


def _chrome(site: Site, breadcrumb: tuple[tuple[str, str], ...] = ()) -> PageChrome:
    return PageChrome(
        site_name=site.name,
        site_domain=site.domain,
        site_code=site.site_code,
        nav=(("/", "首页"), (site.section_path, site.section_name), (site.news.first_page, "新闻动态")),
        breadcrumb=breadcrumb,
        footer_org=f"{site.publisher}办公室",
        charset=site.meta_charset(article=True),
    )


def _frame(site: Site, title: str, content: str, *, column_name: str = "", extra_head: str = "") -> str:
    """A non-article page of the site: header, navigation, content, footer."""
    chrome = _chrome(site)
    esc = html.escape
    metas = []
    if site.meta_charset():
        metas.append(f'<meta http-equiv="Content-Type" content="text/html; charset={site.meta_charset()}">')
    metas += [
        f"<title>{esc(title)}</title>",
        f'<meta name="SiteName" content="{esc(site.name)}">',
        f'<meta name="SiteDomain" content="{esc(site.domain)}">',
        f'<meta name="SiteIDCode" content="{esc(site.site_code)}">',
    ]
    if column_name:
        metas.append(f'<meta name="ColumnName" content="{esc(column_name)}">')
    nav_items = list(chrome.nav) + [(c.first_page, c.name) for c in site.bulk_columns]
    nav = "".join(f'<li><a href="{esc(href)}">{esc(text)}</a></li>' for href, text in nav_items)
    footer_links = f'<p><a href="{site.sitemap_path}">网站地图</a></p>' if site.sitemap_path else ""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            *metas,
            '<link rel="stylesheet" href="/css/common.css">',
            extra_head,
            "</head>",
            "<body>",
            f'<div class="header"><div class="logo">{esc(site.name)}</div><ul class="nav">{nav}</ul></div>',
            f'<div class="main">{content}</div>',
            f'<div class="footer">{footer_links}<p>主办单位：{esc(site.publisher)}办公室</p>'
            f"<p>网站标识码：{esc(site.site_code)}　ICP备案号：京ICP备00000000号</p></div>",
            "</body>",
            "</html>",
        ]
    )


def _links(items: list[tuple[str, str]], css: str) -> str:
    lis = "".join(f'<li><a href="{html.escape(href)}">{html.escape(text)}</a></li>' for href, text in items)
    return f'<ul class="{css}">{lis}</ul>'


def render_home(site: Site) -> str:
    news = [(a.path, a.title) for a in site.news.articles[:5]]
    traps = [(t.path, t.text) for t in site.traps if t.kind not in ("malformed", "robots_disallowed")]
    admin = [(t.path, t.text) for t in site.traps if t.kind == "robots_disallowed"]
    blocks = []
    for column in site.bulk_columns[:2]:
        latest = [(a.path, a.title) for a in column.articles[:6]]
        blocks += [
            f'<div class="news"><h2>{html.escape(column.name)}</h2>',
            _links(latest, "news-list"),
            f'<a class="more" href="{html.escape(column.first_page)}">更多&gt;&gt;</a></div>',
        ]
    content = "\n".join(
        [
            f'<div class="banner"><h1>{html.escape(site.name)}</h1></div>',
            f'<div class="gk-entry"><a href="{site.section_path}" class="xxgk">{site.section_name}</a></div>',
            '<div class="news"><h2>新闻动态</h2>',
            _links(news, "news-list"),
            f'<a class="more" href="{site.news.first_page}">更多&gt;&gt;</a></div>',
            *blocks,
            '<div class="zt"><h2>专题专栏</h2>',
            _links(traps, "zt-list"),
            "</div>",
            '<div class="friend-links"><h2>友情链接</h2>',
            _links(list(OFFSITE_LINKS), "links"),
            "</div>",
            f'<div class="tools">{_links(admin, "admin")}</div>',
        ]
    )
    return _frame(site, site.name, content)


def render_section(site: Site) -> str:
    items = [(c.first_page, c.name) for c in site.columns]
    if site.directory_path:
        items.append((site.directory_path, "部门信息公开"))
    parts = [f"<h2>{html.escape(site.section_name)}</h2>", _links(items, "gk-columns")]
    if site.proactive_columns:
        parts += [
            "<h3>法定主动公开内容</h3>",
            _links([(c.first_page, c.name) for c in site.proactive_columns], "gk-sub"),
        ]
    if site.apply_path:
        parts.append(_links([(site.apply_path, "依申请公开")], "gk-apply"))
    parts += [
        '<div class="gk-links">',
        _links([(OFFSITE_LINKS[1][0], OFFSITE_LINKS[1][1])], "links"),
        "</div>",
    ]
    return _frame(site, f"{site.section_name}_{site.name}", "\n".join(parts), column_name=site.section_name)


def render_gkmlpt_index(site: Site) -> str:
    """Guangdong's 政府信息公开目录: the column tree as ``index#<columnId>`` links, the SID in a script."""
    tree = [c for c in site.all_columns() if c.family == "gkmlpt"]
    items = "".join(
        f'<li class="classify-item"><a href="{GKMLPT_INDEX}#{c.options["code"]}" data-id="{c.options["code"]}">'
        f"{html.escape(c.name)}</a></li>"
        for c in tree
    )
    config = f'{{SID: "{site.sid}", SITE_NAME: "{html.escape(site.name)}", API_BASE: "/gkmlpt/api", PAGE_SIZE: 10}}'
    content = "\n".join(
        [
            '<div id="app" class="gkmlpt">',
            f'<div class="classify-tree"><h2>{html.escape(site.section_name)}</h2><ul>{items}</ul></div>',
            '<div class="gkmlpt-list" id="list"><!-- filled by app.js --></div>',
            "</div>",
            f"<script>window._CONFIG = {config};</script>",
            '<script src="/gkmlpt/static/js/app.js"></script>',
        ]
    )
    return _frame(site, f"{site.section_name}_{site.name}", content, column_name=site.section_name)


def render_directory(site: Site) -> str:
    items = [(c.first_page, f"{d.publisher}{c.name}") for d in site.departments for c in d.columns]
    content = f"<h2>部门信息公开</h2>\n{_links(items, 'dept-columns')}"
    return _frame(site, f"部门信息公开_{site.name}", content, column_name="部门信息公开")


def render_list(site: Site, column: Column, page: PortalListPage) -> str:
    family = FAMILIES[column.family]
    block = family.list_block(column, page)
    crumbs = f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="{site.section_path}">{site.section_name}</a> &gt; {html.escape(column.name)}</div>'
    content = f'{crumbs}\n<div class="list-box"><h2>{html.escape(column.name)}</h2>\n{block}\n</div>'
    return _frame(site, f"{column.name}_{site.name}", content, column_name=column.name)


def render_sitemap(site: Site) -> str:
    """网站地图: every column of the site, report columns included."""
    groups = [
        ("新闻中心", [site.news, *site.bulk_columns]),
        (site.section_name, [c for c in site.columns]),
        ("法定主动公开内容", site.proactive_columns),
        ("部门信息公开", [c for d in site.departments for c in d.columns]),
    ]
    parts = ["<h2>网站地图</h2>"]
    for name, columns in groups:
        if columns:
            parts += [
                f"<h3>{html.escape(name)}</h3>",
                _links([(c.first_page, c.name) for c in columns], "sitemap"),
            ]
    return _frame(site, f"网站地图_{site.name}", "\n".join(parts))


def render_apply(site: Site) -> str:
    form = (
        '<form method="post" action="/ysqgk/submit.do"><input name="name"><textarea name="content"></textarea>'
        '<button type="submit">提交申请</button></form>'
    )
    text = (
        f"<p>公民、法人或者其他组织可以向{html.escape(site.publisher)}申请获取相关政府信息。"
        "申请人可通过在线申请、信函申请、当面申请等方式提出。</p>"
    )
    return _frame(
        site, f"依申请公开_{site.name}", f"<h2>依申请公开</h2>{text}{form}", column_name="依申请公开"
    )


def _related(site: Site, column: Column, article: Article) -> str:
    """相关文章 and 上一篇/下一篇 of a bulk article: more links into the same column."""
    items = column.articles
    position = column.position(article)
    picks = [items[(position + step) % len(items)] for step in (3, 7, 11) if len(items) > 1]
    links = [(a.path, a.title) for a in picks if a is not article]
    near = []
    if position > 0:
        near.append(
            f'<p>上一篇：<a href="{html.escape(items[position - 1].path)}">{html.escape(items[position - 1].title)}</a></p>'
        )
    if position + 1 < len(items):
        near.append(
            f'<p>下一篇：<a href="{html.escape(items[position + 1].path)}">{html.escape(items[position + 1].title)}</a></p>'
        )
    return f'<div class="related">{"".join(near)}<h3>相关文章</h3>{_links(links, "related-list")}</div>'


def _appendix(site: Site, article: Article, attachment: PortalAttachment) -> tuple[str, str]:
    """(body, appendix) of an attachment-only report's page."""
    esc = html.escape
    kind = attachment.kind
    intro = (
        f'<p style="text-indent:2em;">根据《中华人民共和国政府信息公开条例》要求，现将《{esc(article.title)}》'
        "予以公布，详见附件。</p>"
    )
    if kind == "image_html":
        images = "".join(
            f'<p style="text-align:center;"><img src="./{esc(path.rsplit("/", 1)[-1])}" border="0" '
            f'OLDSRC="{esc(path.rsplit("/", 1)[-1])}" /></p>'
            for path in (attachment.path, *attachment.extra_paths)
        )
        return images, ""
    if kind == "js_bound":
        body = (
            '<div id="app">'
            '<p>附件：<a href="javascript:void(0);" @click="preview(qzbFile)">{{ fileName }}</a></p>'
            '<iframe src="/pdfjs/web/viewer.html?file={{qzbFile}}" width="100%" height="900" frameborder="0"></iframe>'
            "</div>\n"
            '<script src="/js/vue.min.js"></script>\n'
            "<script>new Vue({el: '#app', data: {qzbFile: '', fileName: ''}, created: function () {"
            f"var vm = this; $.getJSON('/api/attach/info', {{docId: '{article.id}'}}, function (res) {{"
            "vm.qzbFile = res.data.fileUrl; vm.fileName = res.data.fileName; });"
            "}, methods: {preview: function (f) { window.open('/pdfjs/web/viewer.html?file=' + f); }}});</script>"
        )
        return intro, body
    href = attachment.path
    if site.profile.family == "trs" and "?" not in href:
        href = "./" + href.rsplit("/", 1)[-1]
    link = f'<a href="{esc(href)}" target="_blank" title="{esc(attachment.filename)}">{esc(attachment.filename)}</a>'
    if site.cms == "hanweb":
        return intro + f"<p>附件：{link}</p>", ""
    oldsrc = (
        f' OLDSRC="/protect/{esc(href.rsplit("/", 1)[-1])}"'
        if site.profile.family == "trs" and "?" not in href
        else ""
    )
    link = link.replace(' target="_blank"', f'{oldsrc} target="_blank"', 1)
    return intro, f'<div class="fj"><p>附件：</p><ul><li>{link}</li></ul></div>'


def render_article(site: Site, column: Column, article: Article) -> str:
    crumbs = ((site.section_path, site.section_name), (column.first_page, column.name))
    chrome = _chrome(site, crumbs)
    if article.spec is not None and article.attachment is None:
        return render_report_page(
            article.spec,
            cms=site.cms,
            site_name=site.name,
            column_name=column.name,
            url=article.path,
            index_number=site.index_number(article),
            extra_meta=article.extra_meta,
            metadata_block=article.metadata_block,
            body_form=article.body_form,
            blank=article.blank,
            word_style=article.word_style,
            chrome=chrome,
        )
    publisher = column.owner or site.publisher
    appendix = related = ""
    if article.attachment is not None:
        assert article.spec is not None
        publisher = article.spec.publisher
        body, appendix = _appendix(site, article, article.attachment)
    elif article.seed_id is not None:
        publisher = seed_truth()[article.seed_id]["publisher"]
        lines = [line.strip() for line in seed_text(article.seed_id).splitlines()]
        body = "\n".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)
    else:
        text = article.text or (
            B.article_text(article.id, site.place, int(article.published[:4])) if article.bulk else ""
        )
        body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in text.splitlines())
        if article.table:
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
                for row in article.table
            )
            body += f'\n<table border="1" cellspacing="0">{rows}</table>'
        if article.bulk:
            related = _related(site, column, article)
    return render_article_page(
        title=article.title,
        body_html=body,
        published=article.published,
        chrome=chrome,
        column_name=column.name,
        url=article.path,
        cms=site.cms,
        publisher=publisher,
        index_number=site.index_number(article),
        topic="政务公开" if column.role != "news" else "",
        extra_meta=article.extra_meta,
        metadata_block=article.metadata_block and column.role != "news",
        appendix_html=appendix,
        related_html=related,
    )


def _meta(site: Site) -> str:
    charset = site.meta_charset()
    return f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""


def _error_page(site: Site, title: str, message: str) -> str:
    return (
        f"<!DOCTYPE html><html><head>{_meta(site)}"
        f"<title>{title}</title></head><body><h1>{title}</h1><p>{message}</p>"
        '<p><a href="/">返回首页</a></p></body></html>'
    )


def _soft_404(site: Site) -> str:
    return (
        f"<!DOCTYPE html><html><head>{_meta(site)}"
        '<meta http-equiv="refresh" content="0;url=/"><title>页面不存在</title></head>'
        "<body><p>页面不存在，即将返回首页……</p></body></html>"
    )


def _simple_page(site: Site, title: str, text: str) -> str:
    return _frame(site, f"{title}_{site.name}", f"<h2>{html.escape(title)}</h2><p>{html.escape(text)}</p>")


def _admin_page(site: Site) -> str:
    form = (
        '<form method="post" action="/admin/login.do"><input name="u"><input name="p" type="password"></form>'
    )
    return _frame(site, "后台管理登录", f"<h2>后台管理登录</h2>{form}")
