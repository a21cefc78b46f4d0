"""List families: how a CMS names a column's list pages and articles, and how it prints a list.

Each family is a small object with the same four methods; :data:`FAMILIES` maps a column's
``family`` key to it. A new list mechanism (Hanweb datastore XML, a TRS JSON API, gkmlpt) is a new
class registered here, plus whatever extra routes it needs in :func:`.pages.site_routes`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .sites import Article, Column


@dataclass
class ListPage:
    """One page of a column's list."""

    path: str  # request target (path and query) the site links or announces
    number: int  # 0-based
    count: int  # pages in the column
    items: list[Article]
    aliases: tuple[str, ...] = field(default=())  # other targets that serve the same page


class ListFamily(Protocol):
    name: str

    def assign_paths(self, column: Column) -> None:
        """Give every article of the column its URL path."""

    def pages(self, column: Column) -> list[ListPage]:
        """The column's list pages, first page first."""

    def item_href(self, column: Column, article: Article) -> str:
        """The href a list page prints for the article."""

    def list_block(self, column: Column, page: ListPage) -> str:
        """The HTML of the list and its pager (the page chrome is added by the caller)."""


def _chunks(column: Column) -> list[list[Article]]:
    size = max(column.page_size, 1)
    items = column.articles
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def _items_html(column: Column, page: ListPage, family: ListFamily, date_first: bool) -> str:
    lines = ['<ul class="list">']
    for article in page.items:
        href = html.escape(family.item_href(column, article))
        title = html.escape(article.title)
        link = f'<a href="{href}" target="_blank" title="{title}">{title}</a>'
        day = f'<span class="date">{article.published}</span>'
        lines.append(f"<li>{day}{link}</li>" if date_first else f"<li>{link}{day}</li>")
    lines.append("</ul>")
    return "\n".join(lines)


# --- TRS WCM --------------------------------------------------------------------------------

#: The pager function TRS templates define inline; it builds page links at run time only, so
#: page 2+ of a list (index_1.html …) appear in no ``<a>`` tag of the static HTML.
TRS_PAGER_FUNCTION = """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount <= 1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  function pageUrl(i){ return i == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt; }
  if(nCurrIndex == 0){
    document.write("<span>首页</span> <span>上一页</span> ");
  } else {
    document.write("<a href=\\"" + pageUrl(0) + "\\">首页</a> ");
    document.write("<a href=\\"" + pageUrl(nCurrIndex - 1) + "\\">上一页</a> ");
  }
  if(nCurrIndex >= _nPageCount - 1){
    document.write("<span>下一页</span> <span>尾页</span>");
  } else {
    document.write("<a href=\\"" + pageUrl(nCurrIndex + 1) + "\\">下一页</a> ");
    document.write("<a href=\\"" + pageUrl(_nPageCount - 1) + "\\">尾页</a>");
  }
}"""


class TrsFamily:
    """TRS static lists: ``index.html``, ``index_1.html`` …; articles ``./YYYYMM/tYYYYMMDD_<docid>.html``."""

    name = "trs"

    def assign_paths(self, column: Column) -> None:
        for article in column.articles:
            if article.href is None:
                day = article.published.replace("-", "")
                article.path = f"{column.path}{day[:6]}/t{day}_{article.id}.html"

    def pages(self, column: Column) -> list[ListPage]:
        chunks = _chunks(column)
        return [
            ListPage(
                path=f"{column.path}index.html" if n == 0 else f"{column.path}index_{n}.html",
                number=n,
                count=len(chunks),
                items=items,
                aliases=(column.path,) if n == 0 else (),
            )
            for n, items in enumerate(chunks)
        ]

    def item_href(self, column: Column, article: Article) -> str:
        return article.href or "./" + article.path.removeprefix(column.path)

    def list_block(self, column: Column, page: ListPage) -> str:
        # Some templates pass the numbers literally, some through the variables; both are real.
        if column.options.get("pager") == "literal":
            call = f'createPageHTML({page.count}, {page.number}, "index", "html");'
        else:
            call = 'createPageHTML(countPage, currentPage, "index", "html");'
        script = "\n".join(
            [
                '<script type="text/javascript">',
                TRS_PAGER_FUNCTION,
                f"var currentPage = {page.number};//所在页从0开始",
                "var prevPage = currentPage-1;//上一页",
                "var nextPage = currentPage+1;//下一页",
                f"var countPage = {page.count}//共多少页",
                call,
                "</script>",
            ]
        )
        return _items_html(column, page, self, date_first=False) + f'\n<div class="page">{script}</div>'


# --- ?page=N lists --------------------------------------------------------------------------------


class PagedFamily:
    """Server-side lists ``list.html?page=N`` with real ``<a>`` pager links; articles per a pattern."""

    name = "paged"

    def _list_file(self, column: Column) -> str:
        return column.options.get("list_file", "list.html")

    def assign_paths(self, column: Column) -> None:
        pattern = column.options.get("article", "content_{id}.html")
        for article in column.articles:
            if article.href is None:
                article.path = column.path + pattern.format(id=article.id)

    def pages(self, column: Column) -> list[ListPage]:
        list_file = self._list_file(column)
        chunks = _chunks(column)
        return [
            ListPage(
                path=f"{column.path}{list_file}" if n == 0 else f"{column.path}{list_file}?page={n + 1}",
                number=n,
                count=len(chunks),
                items=items,
                aliases=(f"{column.path}{list_file}?page=1", column.path) if n == 0 else (),
            )
            for n, items in enumerate(chunks)
        ]

    def item_href(self, column: Column, article: Article) -> str:
        return article.href or article.path.removeprefix(column.path)

    def list_block(self, column: Column, page: ListPage) -> str:
        list_file = self._list_file(column)
        current, last = page.number + 1, page.count

        def link(number: int, text: str, enabled: bool) -> str:
            return f'<a href="{list_file}?page={number}">{text}</a>' if enabled else f"<span>{text}</span>"

        pager = " ".join(
            [
                f"<span>共{last}页 当前第{current}页</span>",
                link(1, "首页", current > 1),
                link(current - 1, "上一页", current > 1),
                link(current + 1, "下一页", current < last),
                link(last, "尾页", current < last),
            ]
        )
        return _items_html(column, page, self, date_first=True) + f'\n<div class="pagination">{pager}</div>'


FAMILIES: dict[str, ListFamily] = {family.name: family for family in (TrsFamily(), PagedFamily())}
