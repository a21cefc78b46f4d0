"""What each path of a simulated site answers: the site's pages as :class:`Resource` objects.

:func:`site_routes` maps request targets (path plus query) to resources; the HTTP layer only looks
them up and writes them out. Bodies are rendered lazily, on first request, and kept.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from .families import FAMILIES, ListPage
from .render import PageChrome, render_article_page, render_report_page
from .seeds import seed_text, seed_truth
from .sites import OFFSITE_LINKS, Article, Column, Site, Trap


@dataclass
class Resource:
    """One response: status, headers and a (lazily rendered) body."""

    status: int = 200
    render: Callable[[], str] | None = None
    content_type: str = "text/html"
    charset: str | None = "utf-8"
    location: str | None = None  # redirects
    delay: float = 0.0  # seconds to wait before answering
    truncate: float | None = None  # keep only this share of the body (a malformed page)
    #: The resource depends on its query string: other queries on the same path are not it.
    query_sensitive: bool = False
    _body: bytes | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def body(self) -> bytes:
        with self._lock:
            if self._body is None:
                text = self.render() if self.render else ""
                data = text.encode(self.charset or "utf-8", errors="xmlcharrefreplace")
                if self.truncate is not None:
                    data = data[: int(len(data) * self.truncate)]
                    # Cut on a character boundary: the page is malformed HTML, not undecodable bytes.
                    data = data.decode(self.charset or "utf-8", errors="ignore").encode(
                        self.charset or "utf-8"
                    )
                self._body = data
            return self._body

    def headers(self) -> list[tuple[str, str]]:
        content_type = self.content_type + (f"; charset={self.charset}" if self.charset else "")
        out = [("Content-Type", content_type)]
        if self.location:
            out.append(("Location", self.location))
        return out


def site_routes(site: Site) -> dict[str, Resource]:
    """Every request target the site answers, and how."""
    charset = site.charset
    routes: dict[str, Resource] = {}

    def page(render: Callable[[], str], *, query_sensitive: bool = False) -> Resource:
        return Resource(render=render, charset=charset, query_sensitive=query_sensitive)

    home = page(lambda: render_home(site))
    routes["/"] = routes["/index.html"] = home
    routes[site.section_path] = page(lambda: render_section(site))
    if site.directory_path:
        routes[site.directory_path] = page(lambda: render_directory(site))
    for column in site.all_columns():
        for list_page in column.pages():
            resource = page(
                partial(render_list, site, column, list_page), query_sensitive=column.family == "paged"
            )
            for target in (list_page.path, *list_page.aliases):
                routes[target] = resource
        for article in column.articles:
            if article.href is None:
                routes[article.path] = page(partial(render_article, site, column, article))
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


def not_found(site: Site) -> Resource:
    return Resource(
        status=404,
        render=lambda: _error_page(site, "404 页面不存在", "您访问的页面不存在或已被删除。"),
        charset=site.charset,
    )


def _trap_resource(site: Site, trap: Trap, existing: Resource | None) -> Resource:
    charset = site.charset
    if trap.kind == "not_found":
        return not_found(site)
    if trap.kind == "server_error":
        return Resource(
            status=500,
            render=lambda: _error_page(site, "500 Internal Server Error", "服务器内部错误，请稍后再试。"),
            charset=charset,
        )
    if trap.kind in ("redirect", "redirect_loop"):
        status = 301 if trap.kind == "redirect" else 302
        return Resource(status=status, location=trap.target, render=lambda: "", charset=charset)
    if trap.kind == "soft_404":
        return Resource(render=lambda: _soft_404(site), charset=charset)
    if trap.kind == "slow":
        return Resource(
            render=lambda: _simple_page(site, trap.text, "直播回看。"), charset=charset, delay=trap.delay
        )
    if trap.kind == "malformed":
        assert existing is not None, "a malformed trap truncates an existing page"
        return Resource(render=existing.render, charset=charset, truncate=0.6)
    if trap.kind == "robots_disallowed":
        return Resource(render=lambda: _admin_page(site), charset=charset)
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
        charset=site.charset,
    )


def _frame(site: Site, title: str, content: str, *, column_name: str = "", extra_head: str = "") -> str:
    """A non-article page of the site: header, navigation, content, footer."""
    chrome = _chrome(site)
    esc = html.escape
    metas = [
        f'<meta http-equiv="Content-Type" content="text/html; charset={site.charset}">',
        f"<title>{esc(title)}</title>",
        f'<meta name="SiteName" content="{esc(site.name)}">',
        f'<meta name="SiteDomain" content="{esc(site.domain)}">',
        f'<meta name="SiteIDCode" content="{esc(site.site_code)}">',
    ]
    if column_name:
        metas.append(f'<meta name="ColumnName" content="{esc(column_name)}">')
    nav = "".join(f'<li><a href="{esc(href)}">{esc(text)}</a></li>' for href, text in chrome.nav)
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
            f'<div class="footer"><p>主办单位：{esc(site.publisher)}办公室</p>'
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
    content = "\n".join(
        [
            f'<div class="banner"><h1>{html.escape(site.name)}</h1></div>',
            f'<div class="gk-entry"><a href="{site.section_path}" class="xxgk">{site.section_name}</a></div>',
            '<div class="news"><h2>新闻动态</h2>',
            _links(news, "news-list"),
            f'<a class="more" href="{site.news.first_page}">更多&gt;&gt;</a></div>',
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
    content = "\n".join(
        [
            f"<h2>{html.escape(site.section_name)}</h2>",
            _links(items, "gk-columns"),
            '<div class="gk-links">',
            _links([(OFFSITE_LINKS[1][0], OFFSITE_LINKS[1][1])], "links"),
            "</div>",
        ]
    )
    return _frame(site, f"{site.section_name}_{site.name}", content, column_name=site.section_name)


def render_directory(site: Site) -> str:
    items = [(c.first_page, f"{d.publisher}{c.name}") for d in site.departments for c in d.columns]
    content = f"<h2>部门信息公开</h2>\n{_links(items, 'dept-columns')}"
    return _frame(site, f"部门信息公开_{site.name}", content, column_name="部门信息公开")


def render_list(site: Site, column: Column, page: ListPage) -> str:
    family = FAMILIES[column.family]
    block = family.list_block(column, page)
    crumbs = f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="{site.section_path}">{site.section_name}</a> &gt; {html.escape(column.name)}</div>'
    content = f'{crumbs}\n<div class="list-box"><h2>{html.escape(column.name)}</h2>\n{block}\n</div>'
    return _frame(site, f"{column.name}_{site.name}", content, column_name=column.name)


def render_article(site: Site, column: Column, article: Article) -> str:
    crumbs = ((site.section_path, site.section_name), (column.first_page, column.name))
    chrome = _chrome(site, crumbs)
    if article.spec is not None:
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
    if article.seed_id is not None:
        publisher = seed_truth()[article.seed_id]["publisher"]
        lines = [line.strip() for line in seed_text(article.seed_id).splitlines()]
        body = "\n".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)
    else:
        body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in article.text.splitlines())
        if article.table:
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
                for row in article.table
            )
            body += f'\n<table border="1" cellspacing="0">{rows}</table>'
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
    )


def _error_page(site: Site, title: str, message: str) -> str:
    return (
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={site.charset}">'
        f"<title>{title}</title></head><body><h1>{title}</h1><p>{message}</p>"
        '<p><a href="/">返回首页</a></p></body></html>'
    )


def _soft_404(site: Site) -> str:
    return (
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={site.charset}">'
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
