"""List families: how a CMS names a column's list pages and articles, and how it prints a list.

Each family is a small object with the same methods; :data:`FAMILIES` maps a column's ``family``
key to it. Static families (``trs``, ``paged``) only print HTML pages; dynamic ones (``hanweb``,
``trs_api``, ``gkmlpt``) also answer API requests (``answer``), which :mod:`.pages` routes to them.
A list page of kind ``"api"`` is a request the page's own script would make (method, target, form).
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

if TYPE_CHECKING:
    from .model import Article, Column


@dataclass
class PortalListPage:
    """One page of a column's list: a static page, or one API call of a script-driven list."""

    path: str  # request target (path and query) the site links, announces or its script requests
    number: int  # 0-based
    count: int  # pages in the column
    items: list[Article]
    aliases: tuple[str, ...] = field(default=())  # other targets that serve the same page
    kind: str = "static"  # "static": an HTML page; "api": an XML/JSON answer to a script's request
    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()  # POST form fields the script sends
    #: How this answer is broken on purpose: "invalid_xml", "xxe", "invalid_json" (None: well-formed).
    defect: str | None = None


class ListFamily(Protocol):
    name: str

    def assign_paths(self, column: Column) -> None:
        """Give every article of the column its URL path."""

    def pages(self, column: Column) -> list[PortalListPage]:
        """The column's list pages and API calls, first page first."""

    def entry(self, column: Column) -> str:
        """The target other pages link to for this column."""

    def item_href(self, column: Column, article: Article) -> str:
        """The href a list page prints for the article."""

    def list_block(self, column: Column, page: PortalListPage) -> str:
        """The HTML of the list and its pager (the page chrome is added by the caller)."""


def _chunks(column: Column) -> list[list[Article]]:
    size = max(column.page_size, 1)
    items = column.articles
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def _items_html(
    column: Column,
    page: PortalListPage,
    family: ListFamily,
    date_first: bool,
    items: list[Article] | None = None,
) -> str:
    lines = ['<ul class="list">']
    for article in page.items if items is None else items:
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
        ext = column.options.get("ext", "html")
        for article in column.articles:
            if article.href is None:
                day = article.published.replace("-", "")
                article.path = f"{column.path}{day[:6]}/t{day}_{article.id}.{ext}"

    def pages(self, column: Column) -> list[PortalListPage]:
        ext = column.options.get("ext", "html")
        chunks = _chunks(column)
        return [
            PortalListPage(
                path=f"{column.path}index.{ext}" if n == 0 else f"{column.path}index_{n}.{ext}",
                number=n,
                count=len(chunks),
                items=items,
                aliases=(column.path,) if n == 0 else (),
            )
            for n, items in enumerate(chunks)
        ]

    def entry(self, column: Column) -> str:
        return column.pages()[0].path

    def item_href(self, column: Column, article: Article) -> str:
        return article.href or "./" + article.path.removeprefix(column.path)

    def list_block(self, column: Column, page: PortalListPage) -> str:
        # Some templates pass the numbers literally, some through the variables; both are real.
        ext = column.options.get("ext", "html")
        if column.options.get("pager") == "literal":
            call = f'createPageHTML({page.count}, {page.number}, "index", "{ext}");'
        else:
            call = f'createPageHTML(countPage, currentPage, "index", "{ext}");'
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

    def pages(self, column: Column) -> list[PortalListPage]:
        list_file = self._list_file(column)
        chunks = _chunks(column)
        return [
            PortalListPage(
                path=f"{column.path}{list_file}" if n == 0 else f"{column.path}{list_file}?page={n + 1}",
                number=n,
                count=len(chunks),
                items=items,
                aliases=(f"{column.path}{list_file}?page=1", column.path) if n == 0 else (),
            )
            for n, items in enumerate(chunks)
        ]

    def entry(self, column: Column) -> str:
        return column.pages()[0].path

    def item_href(self, column: Column, article: Article) -> str:
        return article.href or article.path.removeprefix(column.path)

    def list_block(self, column: Column, page: PortalListPage) -> str:
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


# --- lists built only by JavaScript (a browser is needed) -------------------------------------


class JsRenderFamily(PagedFamily):
    """A ``?page=N`` list whose items and pager exist only after the page's script runs.

    Like single-page-app portals (Vue/React fronts): the static HTML holds an empty ``<ul>`` and
    the list as base64 JSON decoded by ``atob`` after ``DOMContentLoaded`` — no ``<a>`` to an
    article, no pager link, no URL a static reader could pick out of the script. Only a crawler
    that renders the page (the registry's ``render`` hint) sees the reports.
    """

    name = "jsrender"

    def list_block(self, column: Column, page: PortalListPage) -> str:
        import base64

        list_file = self._list_file(column)
        current, last = page.number + 1, page.count
        data = {
            "items": [
                {"t": article.title, "h": self.item_href(column, article), "d": article.published}
                for article in page.items
            ],
            "next": f"{list_file}?page={current + 1}" if current < last else "",
            "prev": f"{list_file}?page={current - 1}" if current > 1 else "",
        }
        blob = base64.b64encode(json.dumps(data, ensure_ascii=False).encode("utf-8")).decode("ascii")
        script = (
            "<script>\n"
            "document.addEventListener('DOMContentLoaded', function () {\n"
            f"  var d = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob('{blob}'), c => c.charCodeAt(0))));\n"
            "  var ul = document.getElementById('jslist');\n"
            "  d.items.forEach(function (it) {\n"
            "    var li = document.createElement('li'), a = document.createElement('a'), s = document.createElement('span');\n"
            "    a.href = it.h; a.title = it.t; a.textContent = it.t; s.className = 'date'; s.textContent = it.d;\n"
            "    li.appendChild(s); li.appendChild(a); ul.appendChild(li);\n"
            "  });\n"
            "  var pg = document.getElementById('jspager');\n"
            "  [['上一页', d.prev], ['下一页', d.next]].forEach(function (p) {\n"
            "    if (!p[1]) return; var a = document.createElement('a'); a.href = p[1]; a.textContent = p[0]; pg.appendChild(a);\n"
            "  });\n"
            "});\n"
            "</script>"
        )
        return (
            f'<ul class="list" id="jslist"></ul>\n<div class="pagination" id="jspager">'
            f"<span>共{last}页 当前第{current}页</span></div>\n{script}"
        )


# --- Hanweb (大汉 JCMS) jpage lists ------------------------------------------------------------

HANWEB_PROXY = "/module/web/jpage/dataproxy.jsp"


def _short(title: str, limit: int = 30) -> str:
    """What a list prints for a long title (the ``title`` attribute keeps it whole)."""
    return title if len(title) <= limit else title[: limit - 2] + "..."


def hanweb_record(article: Article) -> str:
    """One ``<record>`` of a jpage datastore: an ``<li>`` in CDATA, as JCMS prints it."""
    title = html.escape(article.title)
    return (
        f'<record><![CDATA[\n<li><a href="{html.escape(article.href or article.path)}" title="{title}" '
        f'target="_blank">{html.escape(_short(article.title))}</a><span>{article.published}</span></li>]]></record>'
    )


class HanwebFamily:
    """Hanweb columns ``/col/colNNN/index.html``: the first group of records inside
    ``<script type="text/xml"><datastore>``, later groups only from ``dataproxy.jsp`` by POST.

    Column options: ``code`` (columnid), ``unitid``, ``webid``, ``webname``, ``per_page``,
    ``group_size`` (records per request = per_page * group_size), ``defects`` (PortalListPage.number of a
    dataproxy call, 1-based -> "invalid_xml" | "xxe").
    """

    name = "hanweb"

    def _group(self, column: Column) -> int:
        return int(column.options.get("per_page", 15)) * int(column.options.get("group_size", 3))

    def assign_paths(self, column: Column) -> None:
        code = column.options["code"]
        for article in column.articles:
            if article.href is None:
                year, month, day = (int(part) for part in article.published.split("-"))
                article.path = f"/art/{year}/{month}/{day}/art_{code}_{article.id}.html"

    def form(self, column: Column) -> tuple[tuple[str, str], ...]:
        """The POST fields the page's script sends (read from its ``ajaxParam``)."""
        o = column.options
        return (
            ("col", "1"),
            ("appid", "1"),
            ("webid", str(o["webid"])),
            ("path", "/"),
            ("columnid", str(o["code"])),
            ("sourceContentType", "1"),
            ("unitid", str(o["unitid"])),
            ("webname", str(o["webname"])),
            ("permissiontype", "0"),
        )

    def pages(self, column: Column) -> list[PortalListPage]:
        group = self._group(column)
        per_page = int(column.options.get("per_page", 15))
        items = column.articles
        groups = [items[i : i + group] for i in range(group, len(items), group)]
        count = 1 + len(groups)
        defects = column.options.get("defects", {})
        out = [PortalListPage(f"{column.path}index.html", 0, count, items[:group], aliases=(column.path,))]
        for number, chunk in enumerate(groups, start=1):
            start = group * number + 1
            target = f"{HANWEB_PROXY}?startrecord={start}&endrecord={start + group - 1}&perpage={per_page}"
            out.append(
                PortalListPage(
                    target,
                    number,
                    count,
                    chunk,
                    kind="api",
                    method="POST",
                    form=self.form(column),
                    defect=defects.get(number),
                )
            )
        return out

    def entry(self, column: Column) -> str:
        return f"{column.path}index.html"

    def item_href(self, column: Column, article: Article) -> str:
        return article.href or article.path

    def list_block(self, column: Column, page: PortalListPage) -> str:
        o = column.options
        unitid = o["unitid"]
        total = len(column.articles)
        group_size = int(o.get("group_size", 3))
        per_page = int(o.get("per_page", 15))
        webname = str(o["webname"])
        nextgroup = (
            f"{HANWEB_PROXY}?page=1&webid={o['webid']}&path=/&columnid={o['code']}&unitid={unitid}"
            f"&webname={quote(quote(webname))}&permissiontype=0"
        )
        records = "\n".join(hanweb_record(a) for a in page.items)
        ajax = ",".join(f"'{k}':'{v}'" if not v.isdigit() else f"'{k}':{v}" for k, v in self.form(column))
        return "\n".join(
            [
                f'<div id="{unitid}"><script type="text/xml"><datastore>',
                f'<nextgroup><![CDATA[<a href="{html.escape(nextgroup)}"></a>]]></nextgroup>',
                "<recordset>",
                records,
                "</recordset>",
                "</datastore></script></div>",
                '<script language="javascript" src="/module/web/jpage/jquery.page.min.js"></script>',
                '<script type="text/javascript">',
                "$(document).ready(function(){",
                f"\t$('#{unitid}').jpage({{",
                f"\t\tdataStore: $('#{unitid}').find('datastore'),",
                f"\t\tproxyUrl: '{HANWEB_PROXY}',",
                f"\t\ttotalRecord: {total},",
                f"\t\tperPage: {per_page},",
                f"\t\tgroupSize: {group_size},",
                "\t\tbarPosition: 'bottom',",
                "\t\tajaxType: 'post',",
                f"\t\tajaxParam: {{{ajax}}},",
                "\t\tshowMode: 'full'",
                "\t});",
                "});",
                "</script>",
            ]
        )

    def answer(self, column: Column, start: int, end: int, defect: str | None, probe_url: str = "") -> str:
        """The dataproxy.jsp XML for records ``start``..``end`` (1-based, inclusive)."""
        total = len(column.articles)
        chosen = column.articles[max(start, 1) - 1 : max(end, 0)]
        records = "\n".join(hanweb_record(a) for a in chosen)
        head = '<?xml version="1.0" encoding="UTF-8"?>\n'
        if defect == "invalid_xml":
            # What a JSP error halfway through the answer leaves: an unclosed record and stray markup.
            cut = records[: max(len(records) * 2 // 3, 1)]
            return f"{head}<datastore><totalrecord>{total}</totalrecord><recordset>\n{cut}\n<br>&nbsp;</p"
        if defect == "xxe":
            doctype = (
                "<!DOCTYPE datastore [\n"
                '<!ENTITY passwd SYSTEM "file:///etc/passwd">\n'
                f'<!ENTITY probe SYSTEM "{probe_url}">\n'
                "]>\n"
            )
            return (
                f"{head}{doctype}<datastore><totalrecord>{total}</totalrecord>"
                f"<webname>&passwd;&probe;</webname><recordset>\n{records}\n</recordset></datastore>"
            )
        return f"{head}<datastore><totalrecord>{total}</totalrecord><recordset>\n{records}\n</recordset></datastore>"


# --- TRS 动静结合 (Fujian intensive platform) ---------------------------------------------------

TRS_API_PATH = "/fjdzapp/search"
TRS_API_CHANNEL = "229105"
TRS_API_SORT = "-docorderpri,-docreltime"

#: The list script Fujian templates include; it posts ``listConfig`` (plus page/prepage) to the API.
TRS_API_SCRIPT = """/* list2.trsapi.js: 动静结合 list loader */
function loadList(cfg, page){
  var data = {channelid: cfg.channelid, sortfield: cfg.sortfield, classsql: cfg.classsql,
    classcol: cfg.classcol, classnum: cfg.classnum, classsort: cfg.classsort, cache: cfg.cache,
    page: page, prepage: cfg.pageSize};
  $.ajax({url: cfg.url, type: 'POST', data: data, dataType: 'json', success: function(res){
    var html = '';
    for (var i = 0; i < res.data.length; i++) {
      var d = res.data[i];
      html += '<li><a href="' + d.docpuburl + '" target="_blank" title="' + d.doctitle + '">' + d.doctitle
        + '</a><span>' + d.docreltime.substring(0, 10) + '</span></li>';
    }
    $('#docList').html(html);
    renderPager(cfg, page, res.pageCount);
  }});
}
function renderPager(cfg, page, count){
  var html = '';
  for (var i = 1; i <= count; i++) {
    html += i == page ? '<span>' + i + '</span>' : '<a href="javascript:loadList(listConfig,' + i + ')">' + i + '</a>';
  }
  $('#pagination').html(html);
}
"""


class TrsApiFamily:
    """TRS lists rendered statically for the first ``page_size`` items only; the rest come from
    ``POST /fjdzapp/search`` (form: channelid, sortfield, classsql=chnlid=N, …, page, prepage) as JSON.

    Column options: ``chnlid``, ``page_size`` (10), ``ext`` ("htm"), ``defects`` (PortalListPage.number of
    an API page -> "invalid_json"; that call has ``page=number+1``).
    """

    name = "trs_api"

    def assign_paths(self, column: Column) -> None:
        TrsFamily().assign_paths(column)

    def _size(self, column: Column) -> int:
        return int(column.options.get("page_size", 10))

    def form(self, column: Column, page: int, prepage: int | None = None) -> tuple[tuple[str, str], ...]:
        return (
            ("channelid", TRS_API_CHANNEL),
            ("sortfield", TRS_API_SORT),
            ("classsql", f"chnlid={column.options['chnlid']}"),
            ("classcol", "publishyear"),
            ("classnum", "100"),
            ("classsort", "0"),
            ("cache", "true"),
            ("page", str(page)),
            ("prepage", str(prepage or self._size(column))),
        )

    def pages(self, column: Column) -> list[PortalListPage]:
        size = self._size(column)
        ext = column.options.get("ext", "htm")
        items = column.articles
        count = max(1, math.ceil(len(items) / size))
        defects = column.options.get("defects", {})
        out = [PortalListPage(f"{column.path}index.{ext}", 0, count, items[:size], aliases=(column.path,))]
        for number in range(1, count):
            out.append(
                PortalListPage(
                    TRS_API_PATH,
                    number,
                    count,
                    items[number * size : (number + 1) * size],
                    kind="api",
                    method="POST",
                    form=self.form(column, number + 1),
                    defect=defects.get(number),
                )
            )
        return out

    def entry(self, column: Column) -> str:
        return column.pages()[0].path

    def item_href(self, column: Column, article: Article) -> str:
        return article.href or "./" + article.path.removeprefix(column.path)

    def list_block(self, column: Column, page: PortalListPage) -> str:
        config = "\n".join(
            [
                "var listConfig = {",
                f"    url: '{TRS_API_PATH}',",
                f"    channelid: '{TRS_API_CHANNEL}',",
                f"    sortfield: '{TRS_API_SORT}',",
                f"    classsql: 'chnlid={column.options['chnlid']}',",
                "    classcol: 'publishyear',",
                "    classnum: '100',",
                "    classsort: '0',",
                "    cache: 'true',",
                f"    pageSize: {self._size(column)},",
                f"    recordCount: '{len(column.articles)}'",
                "};",
            ]
        )
        items = _items_html(column, page, self, date_first=False).replace(
            '<ul class="list">', '<ul class="list" id="docList">', 1
        )
        return (
            f'{items}\n<div id="pagination"></div>\n'
            '<script type="text/javascript" src="/static/js/list2.trsapi.js"></script>\n'
            f'<script type="text/javascript">\n{config}\n$(function(){{ renderPager(listConfig, 1, '
            f"Math.ceil(listConfig.recordCount / listConfig.pageSize)); }});\n</script>"
        )

    def answer(self, column: Column, page: int, prepage: int, base_url: str, defect: str | None) -> str:
        total = len(column.articles)
        prepage = max(1, min(prepage, 500))
        count = math.ceil(total / prepage) if total else 0
        chosen = column.articles[(page - 1) * prepage : page * prepage] if page >= 1 else []
        data = [
            {
                "docid": str(a.id),
                "doctitle": a.title,
                "docpuburl": a.href or base_url + a.path,
                "docreltime": f"{a.published} 09:30:00",
                "chnlname": column.name,
                "fileNum": "",
            }
            for a in chosen
        ]
        body = json.dumps(
            {"page": page, "pageCount": count, "prepage": prepage, "recordCount": total, "data": data},
            ensure_ascii=False,
        )
        if defect == "invalid_json":
            return body[: max(len(body) * 3 // 5, 1)]  # the connection to the search backend dropped
        return body


# --- gkmlpt (广东 政府信息公开目录平台) -------------------------------------------------------

GKMLPT_INDEX = "/gkmlpt/index"


class GkmlptFamily:
    """Guangdong's directory platform: no static lists at all. ``/gkmlpt/index`` carries the SID in
    ``window._CONFIG`` and the column tree as ``index#<columnId>`` links; lists are JSON from
    ``GET /gkmlpt/api/all/<columnId>?page=N&sid=<SID>``; articles ``/gkmlpt/content/A/B/post_<id>.html``.

    Column options: ``code`` (columnId), ``sid``, ``page_size`` (10).
    """

    name = "gkmlpt"

    def assign_paths(self, column: Column) -> None:
        for article in column.articles:
            if article.href is None:
                i = article.id
                article.path = f"/gkmlpt/content/{i // 1_000_000}/{i // 1000}/post_{i}.html"

    def _size(self, column: Column) -> int:
        return int(column.options.get("page_size", 10))

    def pages(self, column: Column) -> list[PortalListPage]:
        size = self._size(column)
        items = column.articles
        count = max(1, math.ceil(len(items) / size))
        code, sid = column.options["code"], column.options["sid"]
        return [
            PortalListPage(
                f"/gkmlpt/api/all/{code}?page={n + 1}&sid={sid}",
                n,
                count,
                items[n * size : (n + 1) * size],
                kind="api",
            )
            for n in range(count)
        ]

    def entry(self, column: Column) -> str:
        return f"{GKMLPT_INDEX}#{column.options['code']}"

    def item_href(self, column: Column, article: Article) -> str:
        return article.href or f"{article.path}#{column.options['code']}"

    def list_block(self, column: Column, page: PortalListPage) -> str:
        raise ValueError("gkmlpt columns have no static list pages")

    def answer(self, column: Column, page: int, base_url: str, publisher: str) -> str:
        size = self._size(column)
        chosen = column.articles[(page - 1) * size : page * size] if page >= 1 else []
        articles: list[dict[str, Any]] = [
            {
                "id": a.id,
                "title": a.title,
                "url": a.href or base_url + self.item_href(column, a),
                "created_at": f"{a.published} 09:30:00",
                "publisher": column.owner or publisher,
                "identifier": "",
                "document_number": "",
            }
            for a in chosen
        ]
        return json.dumps(
            {
                "total": len(column.articles),
                "page": page,
                "size": size,
                "classify": {"id": column.options["code"], "name": column.name},
                "articles": articles,
            },
            ensure_ascii=False,
        )


FAMILIES: dict[str, ListFamily] = {
    family.name: family
    for family in (
        TrsFamily(),
        PagedFamily(),
        JsRenderFamily(),
        HanwebFamily(),
        TrsApiFamily(),
        GkmlptFamily(),
    )
}
