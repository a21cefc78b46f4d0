"""A pure, deterministic renderer of annual reports (政府信息公开工作年度报告).

Used by the local test portal, by benchmarks and by property tests: a :class:`ReportSpec` holds the
numbers, the renderer prints them in the forms reports really arrive in:

* HTML ``<table>`` markup with the official rowspan/colspan layout (the lossless form);
* "pipe" text: each table row's cells joined with `` | `` and padded with ``|`` to the table's
  grid width, exactly like seeds 000/003 (blank cells are empty strings between pipes);
* "lines" text: one cell per line like seeds 001/004. A blank cell is printed as a line holding
  ``—`` (:data:`BLANK_LINE`), because an empty line would vanish and shift every later cell — real
  documents print ``—`` for an unfilled cell too;
* a whole article page as a government portal serves it (guideline metas, 索引号 block, chrome).

Everything is a function of the spec (and the page arguments): no clock, no global randomness.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from parsers.constants import (
    TABLE2_COLUMNS,
    TABLE2_ITEMS,
    TABLE3_COLUMNS,
    TABLE3_DENIED,
    TABLE3_NOT_PROCESSED,
    TABLE3_OTHER_2021,
    TABLE3_PART_COLUMNS,
    TABLE3_ROWS_SINGLE_OTHER,
    TABLE3_ROWS_THREE_OTHER,
    TABLE3_UNABLE,
    TABLE4_GROUPS,
    TABLE4_KEYS,
    TABLE4_OUTCOMES,
    TEMPLATE_2019,
    TEMPLATE_2021,
    TEMPLATE_PRE_2019,
)

from . import labels as L
from .seeds import adapt_paragraph, narrative_pools

Value = int | str | None

#: How a blank cell is printed in the one-cell-per-line form.
BLANK_LINE = "—"
#: Text forms of a whole report.
TEXT_FORMS = ("pipe", "lines")
#: How a report's body is put into an HTML page: tables as markup, pipe text in ``<pre>``, or
#: every line of a text form as its own ``<p>``.
BODY_FORMS = ("html", "pipe-pre", "pipe-p", "lines-p")
#: Page templates: TRS WCM (body in ``div.TRS_Editor``), a plain CMS (body in ``div#zoom``) or
#: Hanweb JCMS (body in ``div#zoom`` between ``<!--ZJEG_RSS.content.begin/end-->``, its meta set).
PAGE_CMS = ("trs", "plain", "hanweb")

_LINES_INDENT = "      "


# --- the spec ----------------------------------------------------------------------


@dataclass
class ReportSpec:
    """What one report says. Table values are ints, or None for a blank (unfilled) cell."""

    publisher: str
    year: int  # the year reported on
    template: str = TEMPLATE_2019  # "2019" | "2021" | "pre-2019"
    #: row key -> column key -> value; rows as printed for the template (empty for pre-2019).
    table3: dict[str, dict[str, int | None]] = field(default_factory=dict)
    #: the 15 ``TABLE4_KEYS`` -> value (empty for pre-2019).
    table4: dict[str, int | None] = field(default_factory=dict)
    #: row label (规章, 行政许可…) -> values as printed: ints, or strings like "增15", "14185.58万元".
    table2: dict[str, list[Value]] = field(default_factory=dict)
    paragraphs: list[str] = field(default_factory=list)  # 一、总体情况
    problems: list[str] = field(default_factory=list)  # 五、存在的主要问题及改进情况
    other_matters: list[str] = field(default_factory=lambda: ["无。"])  # 六、其他需要报告的事项
    published: str = ""  # ISO date; defaults to 31 March of the following year
    title: str = ""  # defaults to "{publisher}{year}年政府信息公开工作年度报告"
    #: Print labels with full-width punctuation (（一）予以公开), as most HTML pages do.
    fullwidth: bool = False
    #: Values of the pre-2019 statistics table, aligned with ``labels.PRE2019_STAT_ROWS``.
    legacy_stats: list[int | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.title:
            self.title = f"{self.publisher}{self.year}{L.TITLE_SUFFIX}"
        if not self.published:
            self.published = f"{self.year + 1}-03-31"

    @property
    def table3_rows(self) -> tuple[str, ...]:
        """Row keys as printed: three 其他处理 rows for the 2021 layout, one for 2019, none before."""
        if self.template == TEMPLATE_2021:
            return TABLE3_ROWS_THREE_OTHER
        if self.template == TEMPLATE_2019:
            return TABLE3_ROWS_SINGLE_OTHER
        return ()

    def label(self, text: str) -> str:
        return L.fullwidth(text) if self.fullwidth else text


# --- table grids -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class _Grid:
    rows: list[list[_Cell]]
    width: int  # columns of the full grid (sum of the first row's colspans)
    name: str  # CSS class of the HTML table


def _value_text(value: Value) -> str:
    return "" if value is None else str(value)


def _table3_grid(spec: ReportSpec) -> _Grid:
    lab = spec.label
    rows: list[list[_Cell]] = [
        [_Cell(lab(L.TABLE3_NOTE), rowspan=3, colspan=3), _Cell(L.TABLE3_APPLICANTS, colspan=7)],
        [
            _Cell(L.TABLE3_NATURAL_PERSON, rowspan=2),
            _Cell(L.TABLE3_LEGAL_PERSON, colspan=5),
            _Cell(L.TABLE3_TOTAL, rowspan=2),
        ],
        [_Cell(text) for text in L.TABLE3_ORG_LABELS],
    ]
    keys = spec.table3_rows
    result_keys = keys[2:-1]  # granted … (七)总计
    groups = {members[0]: (label, members) for label, members in L.TABLE3_GROUPS.items()}
    grouped = {key for _, members in groups.values() for key in members}
    for key in keys:
        row: list[_Cell] = []
        if key == result_keys[0]:
            row.append(_Cell(lab(L.TABLE3_RESULTS), rowspan=len(result_keys)))
        if key in groups:
            group_label, members = groups[key]
            row.append(_Cell(lab(group_label), rowspan=len(members)))
        span = 3 if key in L.TABLE3_FULL_WIDTH_ROWS else 1 if key in grouped else 2
        row.append(_Cell(lab(L.TABLE3_ROW_LABELS[key]), colspan=span))
        values = spec.table3.get(key, {})
        row.extend(_Cell(_value_text(values.get(column))) for column in TABLE3_COLUMNS)
        rows.append(row)
    return _Grid(rows, width=10, name="table3")


def _table4_grid(spec: ReportSpec) -> _Grid:
    outcomes = [_Cell(text) for text in L.TABLE4_OUTCOME_LABELS]
    rows = [
        [_Cell(L.TABLE4_REVIEW, colspan=5), _Cell(L.TABLE4_LITIGATION, colspan=10)],
        [_Cell(text, rowspan=2) for text in L.TABLE4_OUTCOME_LABELS]
        + [_Cell(text, colspan=5) for text in L.TABLE4_LITIGATION_GROUPS],
        outcomes + outcomes,
        [_Cell(_value_text(spec.table4.get(key))) for key in TABLE4_KEYS],
    ]
    return _Grid(rows, width=15, name="table4")


def _table2_layout(template: str) -> list[tuple[str, list[str]]]:
    """(item key, row labels) in printed order for the template."""
    items: dict[str, list[str]] = {}
    for row in TABLE2_COLUMNS[template]:
        items.setdefault(TABLE2_ITEMS[row], []).append(row)
    return list(items.items())


def _table2_grid(spec: ReportSpec) -> _Grid:
    columns = TABLE2_COLUMNS[spec.template]
    rows: list[list[_Cell]] = []
    for item, row_labels in _table2_layout(spec.template):
        rows.append([_Cell(spec.label(L.TABLE2_ITEM_LABELS[item]), colspan=4)])
        headers = [spec.label(L.TABLE2_PRINTED_COLUMNS.get(c, c)) for c in columns[row_labels[0]]]
        rows.append([_Cell(L.TABLE2_CONTENT), *_spread(headers, 3)])
        for row_label in row_labels:
            values = [_value_text(v) for v in spec.table2.get(row_label, [None] * len(columns[row_label]))]
            rows.append([_Cell(row_label), *_spread(values, 3)])
    return _Grid(rows, width=4, name="table2")


def _legacy_grid(spec: ReportSpec) -> _Grid:
    rows = [[_Cell(text) for text in L.PRE2019_STAT_HEADER]]
    values = spec.legacy_stats or [None] * len(L.PRE2019_STAT_ROWS)
    for (indicator, unit), value in zip(L.PRE2019_STAT_ROWS, values, strict=True):
        cells = [_Cell(spec.label(indicator))]
        if unit:
            cells += [_Cell(unit), _Cell(_value_text(value))]
        else:
            cells += [_Cell("—"), _Cell("—")]
        rows.append(cells)
    return _Grid(rows, width=3, name="legacy-stats")


def _spread(texts: list[str], width: int) -> list[_Cell]:
    """Cells for ``texts`` filling ``width`` columns; the last cell takes the remaining span."""
    cells = [_Cell(text) for text in texts]
    if len(cells) < width:
        cells[-1] = _Cell(texts[-1], colspan=width - len(cells) + 1)
    return cells


# --- grid printers --------------------------------------------------------------------


def _grid_html(grid: _Grid, *, blank: str, word_style: bool) -> str:
    out = [f'<table class="{grid.name}" border="1" cellspacing="0" cellpadding="0" width="100%">', "<tbody>"]
    for row in grid.rows:
        cells = []
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            text = html.escape(cell.text, quote=False) if cell.text else blank
            if word_style and cell.text:
                text = f'<p style="text-align:center;"><span style="font-family:宋体;font-size:14px;">{text}</span></p>'
            cells.append(f"<td{attrs}>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def _grid_pipe(grid: _Grid) -> list[str]:
    """Rows as text extractors print them: ``a | b | `` plus one ``|`` per missing grid cell.

    The last row gets no padding, and trailing spaces are stripped (seed 000: ``… | 1 |``).
    """
    lines = []
    for index, row in enumerate(grid.rows):
        line = " | ".join(cell.text for cell in row) + " | "
        if index < len(grid.rows) - 1:
            line += "|" * (grid.width - len(row))
        lines.append(line.rstrip())
    return lines


def _grid_lines(grid: _Grid) -> list[str]:
    return [cell.text or BLANK_LINE for row in grid.rows for cell in row]


def render_table3_html(spec: ReportSpec, *, blank: str = "&nbsp;", word_style: bool = False) -> str:
    """Table 3 as the official HTML layout (rowspan/colspan); blank cells hold ``blank``."""
    return _grid_html(_table3_grid(spec), blank=blank, word_style=word_style)


def render_table4_html(spec: ReportSpec, *, blank: str = "&nbsp;", word_style: bool = False) -> str:
    return _grid_html(_table4_grid(spec), blank=blank, word_style=word_style)


def render_table2_html(spec: ReportSpec, *, blank: str = "&nbsp;", word_style: bool = False) -> str:
    return _grid_html(_table2_grid(spec), blank=blank, word_style=word_style)


def render_table3_pipe(spec: ReportSpec) -> str:
    return "\n".join(_grid_pipe(_table3_grid(spec)))


def render_table4_pipe(spec: ReportSpec) -> str:
    return "\n".join(_grid_pipe(_table4_grid(spec)))


def render_table2_pipe(spec: ReportSpec) -> str:
    return "\n".join(_grid_pipe(_table2_grid(spec)))


def render_table3_lines(spec: ReportSpec) -> str:
    """One cell per line; a blank cell is a line holding ``—`` so later cells keep their place."""
    return "\n".join(_grid_lines(_table3_grid(spec)))


def render_table4_lines(spec: ReportSpec) -> str:
    return "\n".join(_grid_lines(_table4_grid(spec)))


def render_table2_lines(spec: ReportSpec) -> str:
    return "\n".join(_grid_lines(_table2_grid(spec)))


# --- whole report --------------------------------------------------------------------------


def _intro(spec: ReportSpec) -> str:
    if spec.template == TEMPLATE_PRE_2019:
        return spec.label(
            f"本报告根据《中华人民共和国政府信息公开条例》(以下简称《条例》)要求,由{spec.publisher}编制。"
            f"本报告中所列数据的统计期限自{spec.year}年1月1日起至{spec.year}年12月31日止。"
        )
    return spec.label(
        f"本报告根据《中华人民共和国政府信息公开条例》(以下简称《条例》)和有关规定编制。"
        "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
        f"本报告所列数据的统计期限自{spec.year}年1月1日起至{spec.year}年12月31日止。"
        f"如对本报告有疑问,请与{spec.publisher}办公室联系。"
    )


def _blocks(spec: ReportSpec) -> list[tuple[str, str | _Grid]]:
    """The report as a sequence of ("title"|"para"|"heading", text) and ("table", grid) blocks."""
    blocks: list[tuple[str, str | _Grid]] = [("title", spec.title), ("para", _intro(spec))]
    if spec.template == TEMPLATE_PRE_2019:
        headings = L.PRE2019_HEADINGS
        paragraphs = spec.paragraphs or [""]
        split = max(1, len(paragraphs) - 1)
        blocks.append(("heading", headings[0]))
        blocks += [("para", p) for p in paragraphs[:split] if p]
        for heading in headings[1:5]:
            blocks.append(("heading", heading))
            blocks.append(("para", spec.label(_PRE2019_FILLER[heading])))
        blocks.append(("heading", headings[5]))
        blocks += [("para", p) for p in (paragraphs[split:] + spec.problems) if p]
        blocks += [("heading", headings[6])] + [("para", p) for p in spec.other_matters]
        blocks += [("heading", headings[7]), ("table", _legacy_grid(spec))]
        return blocks
    h = L.SECTION_HEADINGS
    blocks.append(("heading", h["overview"]))
    blocks += [("para", p) for p in spec.paragraphs]
    blocks += [("heading", h["proactive_disclosure"]), ("table", _table2_grid(spec))]
    blocks += [("heading", h["applications"]), ("table", _table3_grid(spec))]
    blocks += [("heading", h["reviews_litigation"]), ("table", _table4_grid(spec))]
    blocks.append(("heading", h["problems"]))
    blocks += [("para", p) for p in spec.problems]
    blocks.append(("heading", h["other_matters"]))
    blocks += [("para", p) for p in spec.other_matters]
    return blocks


#: The report as blocks: ("title" | "para" | "heading", text) and ("table", grid), in printed order.
report_blocks = _blocks

_PRE2019_FILLER = {
    L.PRE2019_HEADINGS[
        1
    ]: "全年主动公开政府信息情况详见统计表。主动公开的政府信息均通过政府门户网站、政务服务中心、档案馆和图书馆等渠道同步公开。",
    L.PRE2019_HEADINGS[2]: "全年依申请公开政府信息工作依法办理,均在法定期限内予以答复。",
    L.PRE2019_HEADINGS[3]: "本年度未收取政府信息公开检索、复制、邮寄等费用。",
    L.PRE2019_HEADINGS[4]: "因政府信息公开申请行政复议、提起行政诉讼的情况详见统计表。",
}


def render_report_text(spec: ReportSpec, form: str = "pipe") -> str:
    """The whole report as extracted text: ``form`` "pipe" (seeds 000/003) or "lines" (seeds 001/004).

    In the lines form every line after the title is indented and followed by an empty line, as a
    browser's text copy of seed 001 gives it.
    """
    if form not in TEXT_FORMS:
        raise ValueError(f"unknown text form {form!r}; expected one of {TEXT_FORMS}")
    lines: list[str] = []
    for _kind, content in _blocks(spec):
        if isinstance(content, _Grid):
            lines += _grid_pipe(content) if form == "pipe" else _grid_lines(content)
        else:
            lines.append(content)
    if form == "pipe":
        return "\n".join(lines) + "\n"
    return lines[0] + "\n" + "".join(f"{_LINES_INDENT}{line}\n\n" for line in lines[1:])


def render_report_body(
    spec: ReportSpec, form: str = "html", *, blank: str = "&nbsp;", word_style: bool = False
) -> str:
    """The report's body HTML (what sits inside ``div.TRS_Editor`` / ``div#zoom``), without the title."""
    if form not in BODY_FORMS:
        raise ValueError(f"unknown body form {form!r}; expected one of {BODY_FORMS}")
    if form in ("pipe-p", "lines-p"):
        text = render_report_text(spec, form.removesuffix("-p"))
        lines = [line.strip() for line in text.splitlines()[1:] if line.strip()]
        return "\n".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)
    out = []
    for kind, content in _blocks(spec)[1:]:
        if isinstance(content, _Grid):
            if form == "pipe-pre":
                out.append("<pre>" + html.escape("\n".join(_grid_pipe(content)), quote=False) + "</pre>")
            else:
                out.append(_grid_html(content, blank=blank, word_style=word_style))
        elif kind == "heading":
            out.append(f"<p><strong>{html.escape(content, quote=False)}</strong></p>")
        else:
            out.append(f'<p style="text-indent:2em;">{html.escape(content, quote=False)}</p>')
    return "\n".join(out)


# --- article pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class PageChrome:
    """What a portal puts around every article: site identity, navigation, footer."""

    site_name: str
    site_domain: str = ""
    site_code: str = ""  # 网站标识码 (SiteIDCode)
    nav: tuple[tuple[str, str], ...] = (("/", "首页"),)  # (href, text)
    breadcrumb: tuple[tuple[str, str], ...] = ()  # (href, text) after 首页
    footer_org: str = ""
    charset: str = "utf-8"  # what the page's <meta> declares; "" for no declaration


def render_article_page(
    *,
    title: str,
    body_html: str,
    published: str,
    chrome: PageChrome,
    column_name: str,
    url: str = "",
    cms: str = "trs",
    publisher: str = "",
    index_number: str = "",
    topic: str = "",
    document_number: str = "",
    extra_meta: bool = True,
    metadata_block: bool = True,
    time_of_day: str = "09:30",
    appendix_html: str = "",
    related_html: str = "",
) -> str:
    """A full article page: guideline ``<meta>`` set, 索引号 block, navigation, body, footer.

    ``cms="trs"`` puts the body in ``div.TRS_Editor``, ``"plain"`` in ``div#zoom``, ``"hanweb"`` in
    Hanweb's markup. ``appendix_html`` (附件 links) follows the body, ``related_html`` the article.
    """
    if cms not in PAGE_CMS:
        raise ValueError(f"unknown cms {cms!r}; expected one of {PAGE_CMS}")
    if cms == "hanweb":
        return _hanweb_article_page(
            title=title,
            body_html=body_html + appendix_html,
            published=published,
            chrome=chrome,
            column_name=column_name,
            url=url,
            publisher=publisher,
            time_of_day=time_of_day,
            related_html=related_html,
        )
    esc = html.escape
    head = []
    if chrome.charset:
        head.append(f'<meta http-equiv="Content-Type" content="text/html; charset={chrome.charset}">')
    head.append(f"<title>{esc(title)}_{esc(column_name)}_{esc(chrome.site_name)}</title>")
    if extra_meta:
        metas = {
            "SiteName": chrome.site_name,
            "SiteDomain": chrome.site_domain,
            "SiteIDCode": chrome.site_code,
            "ColumnName": column_name,
            "ColumnType": column_name,
            "ArticleTitle": title,
            "PubDate": f"{published} {time_of_day}",
            "ContentSource": publisher,
            "Keywords": "政府信息公开,年度报告" if "年度报告" in title else "",
            "Url": url,
        }
        head += [f'<meta name="{name}" content="{esc(value)}">' for name, value in metas.items()]
    nav = "".join(f'<li><a href="{esc(href)}">{esc(text)}</a></li>' for href, text in chrome.nav)
    crumbs = " &gt; ".join(
        f'<a href="{esc(href)}">{esc(text)}</a>' for href, text in (("/", "首页"), *chrome.breadcrumb)
    )
    block = ""
    if metadata_block:
        fields = (
            ("索引号", index_number),
            ("发布机构", publisher),
            ("主题分类", topic),
            ("成文日期", published),
            ("发布日期", published),
            ("文号", document_number),
        )
        cells = "".join(f"<tr><th>{name}：</th><td>{esc(value)}</td></tr>" for name, value in fields)
        block = f'<div class="xxgk-info"><table class="xxgk-table">{cells}</table></div>'
    body_open = '<div class="TRS_Editor">' if cms == "trs" else '<div id="zoom">'
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            *head,
            '<link rel="stylesheet" href="/css/common.css">',
            "</head>",
            "<body>",
            f'<div class="header"><div class="logo">{esc(chrome.site_name)}</div>'
            f'<ul class="nav">{nav}</ul></div>',
            f'<div class="position">当前位置：{crumbs}</div>',
            '<div class="main">',
            block,
            '<div class="article">',
            f'<h1 class="article-title">{esc(title)}</h1>',
            f'<div class="article-info">发布时间：{esc(published)}　来源：{esc(publisher)}'
            "　【字体：<span>大</span> <span>中</span> <span>小</span>】</div>",
            f'<div class="article-content">{body_open}',
            body_html,
            "</div></div>",
            *([appendix_html] if appendix_html else []),
            '<div class="article-tools"><a href="javascript:window.print()">打印本页</a>'
            ' <a href="javascript:window.close()">关闭窗口</a></div>',
            *([related_html] if related_html else []),
            "</div></div>",
            f'<div class="footer"><p>主办单位：{esc(chrome.footer_org or chrome.site_name)}</p>'
            f"<p>网站标识码：{esc(chrome.site_code)}　ICP备案号：京ICP备00000000号</p></div>",
            "</body>",
            "</html>",
        ]
    )


def _hanweb_article_page(
    *,
    title: str,
    body_html: str,
    published: str,
    chrome: PageChrome,
    column_name: str,
    url: str,
    publisher: str,
    time_of_day: str,
    related_html: str,
) -> str:
    """A Hanweb JCMS article page, after real-pages/001.html: its meta set and content markers."""
    esc = html.escape
    head = []
    if chrome.charset:
        head.append(f'<meta http-equiv="Content-Type" content="text/html; charset={chrome.charset}">')
    head += [
        '<script language="javascript" src="/module/jslib/jquery/jquery.js"></script>',
        "<!--GS_0001_D7-->",
        '<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">',
        f"<title>{esc(title)}</title>",
    ]
    metas = {
        "Maketime": f"{published} {time_of_day}:00",
        "SiteName": chrome.site_name,
        "SiteDomain": chrome.site_domain,
        "SiteIDCode": chrome.site_code,
        "Image": "",
        "ColumnName": column_name,
        "ColumnType": "",
        "ArticleTitle": title,
        "PubDate": f"{published} {time_of_day}",
        "author": "",
        "description": title,
        "keywords": "",
        "contentSource": publisher,
        "url": url,
    }
    head += [f'<meta name="{name}" content="{esc(value)}">' for name, value in metas.items()]
    crumbs = "".join(
        f'<td> &gt;<a href="{esc(href)}">{esc(text)}</a></td>' for href, text in chrome.breadcrumb
    )
    return "\n".join(
        [
            "<html><head>",
            *head,
            "</head>",
            "<body>",
            f'<div class="header"><div class="logo">{esc(chrome.site_name)}</div></div>',
            '<!--当前位置开始--><div class="position"><table><tbody><tr><td><a href="/">首页</a></td>'
            f"{crumbs}</tr></tbody></table></div><!--当前位置结束-->",
            '<div class="wz-con bt-box-1200">',
            '  <div class="con">',
            f'\t\t<p class="con-title"> <!--<$[标题]>begin-->{esc(title)}<!--<$[标题]>end--></p>',
            '\t\t<div class="small-title clearfix">',
            f"\t\t\t\t<span>发布日期：{esc(published)}</span>",
            "\t\t\t\t<span>浏览次数： </span>",
            f"\t\t\t\t<span>信息来源：<!--<$[信息来源]>begin-->{esc(publisher)}<!--<$[信息来源]>end--></span>",
            "\t\t</div>",
            '\t\t<div class="main-txt" id="zoom">',
            '\t\t\t\t<!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">'
            + body_html
            + '<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end-->',
            "\t\t</div>",
            '\t\t<div class="main-word"><span class="printer" onclick="javascrpit:window.print()">打印</span>'
            '<span class="close" onclick="javascrpit:window.close()">关闭</span></div>',
            related_html,
            "  </div>",
            "</div>",
            f'<div class="footer"><p>主办单位：{esc(chrome.footer_org or chrome.site_name)}</p>'
            f"<p>网站标识码：{esc(chrome.site_code)}</p></div>",
            "</body></html>",
        ]
    )


def render_report_page(
    spec: ReportSpec,
    *,
    cms: str = "trs",
    site_name: str,
    column_name: str,
    url: str = "",
    index_number: str = "",
    extra_meta: bool = True,
    metadata_block: bool = True,
    body_form: str = "html",
    blank: str = "&nbsp;",
    word_style: bool = False,
    chrome: PageChrome | None = None,
) -> str:
    """A report as a portal's article page, its tables as HTML (or as text, per ``body_form``)."""
    chrome = chrome or PageChrome(site_name=site_name)
    return render_article_page(
        title=spec.title,
        body_html=render_report_body(spec, body_form, blank=blank, word_style=word_style),
        published=spec.published,
        chrome=chrome,
        column_name=column_name,
        url=url,
        cms=cms,
        publisher=spec.publisher,
        index_number=index_number,
        topic="政务公开,年报",
        extra_meta=extra_meta,
        metadata_block=metadata_block,
    )


# --- random reports -------------------------------------------------------------------------

_PLACE_CHARS = list("青川临江东岭南浦西陵北屏清源云溪白石丰宁安平永和长乐新桥石门")
_PUBLISHER_SUFFIXES = ("县人民政府", "市人民政府", "镇人民政府", "县财政局")

#: Rough shares of processed applications per result row (others get the remainder).
_RESULT_WEIGHTS = {
    "granted": 45,
    "partially_granted": 12,
    "denied_state_secret": 1,
    "denied_law_prohibited": 1,
    "denied_security_stability": 1,
    "denied_third_party": 2,
    "denied_internal_affairs": 2,
    "denied_process_info": 3,
    "denied_enforcement_file": 1,
    "denied_admin_query": 2,
    "unable_not_held": 15,
    "unable_needs_creation": 3,
    "unable_unclear": 2,
    "not_processed_petition": 3,
    "not_processed_duplicate": 2,
    "not_processed_publication": 1,
    "not_processed_excessive": 1,
    "not_processed_confirmation": 1,
    "other": 3,
    "other_no_correction": 1,
    "other_no_fee": 1,
    "other_misc": 1,
}


def template_for_year(year: int) -> str:
    """The layout a report on ``year`` normally uses (real reports deviate; the renderer does not care)."""
    if year <= 2018:
        return TEMPLATE_PRE_2019
    return TEMPLATE_2019 if year <= 2020 else TEMPLATE_2021


def place_of(publisher: str) -> str:
    """The place part of a body's name: 青川县人民政府 -> 青川县, 青川县财政局 -> 青川县."""
    for index, char in enumerate(publisher):
        if char in "省市县区镇乡" and index >= 1:
            return publisher[: index + 1]
    if "街道" in publisher:
        return publisher[: publisher.index("街道") + 2]
    return publisher


def _split(rng: random.Random, total: int, keys: tuple[str, ...]) -> dict[str, int]:
    """``total`` shared out over ``keys`` by rough weights; the first key takes the remainder."""
    shares = dict.fromkeys(keys, 0)
    remaining = total
    weight_left = sum(_RESULT_WEIGHTS[k] for k in keys)
    for key in keys[1:]:
        if remaining <= 0:
            break
        expected = remaining * _RESULT_WEIGHTS[key] / max(weight_left, 1)
        # Rare outcomes are mostly zero in real reports, not a thin spread over every row.
        rare = _RESULT_WEIGHTS[key] <= 3 and rng.random() < 0.6
        take = 0 if rare else min(remaining, int(expected * rng.uniform(0.0, 2.0) + rng.random()))
        shares[key] = take
        remaining -= take
        weight_left -= _RESULT_WEIGHTS[key]
    shares[keys[0]] += remaining
    return shares


def _random_table3(rng: random.Random, rows: tuple[str, ...]) -> dict[str, dict[str, int | None]]:
    scale = rng.choice((0, 2, 5, 12, 30, 80, 200, 600))
    new = {
        "natural_person": rng.randint(0, scale),
        "commercial": rng.randint(0, max(scale // 6, 1)) if rng.random() < 0.5 else 0,
        "research": rng.randint(0, 2) if rng.random() < 0.1 else 0,
        "social_welfare": rng.randint(0, 2) if rng.random() < 0.1 else 0,
        "legal_services": rng.randint(0, max(scale // 10, 1)) if rng.random() < 0.3 else 0,
        "other_org": rng.randint(0, 3) if rng.random() < 0.3 else 0,
    }
    result_keys = rows[2:-2]  # granted … the 其他处理 rows
    table: dict[str, dict[str, int | None]] = {key: {} for key in rows}
    for column in TABLE3_PART_COLUMNS:
        carried_over = rng.randint(0, max(new[column] // 8, 0)) if rng.random() < 0.4 else 0
        available = new[column] + carried_over
        carried_forward = rng.randint(0, available // 6) if rng.random() < 0.5 else 0
        processed = available - carried_forward
        shares = _split(rng, processed, result_keys)
        values = {
            "new_received": new[column],
            "carried_over": carried_over,
            "total_processed": processed,
            "carried_forward": carried_forward,
            **shares,
        }
        for key in rows:
            table[key][column] = values[key]
    for key in rows:
        table[key]["total"] = sum(table[key][c] or 0 for c in TABLE3_PART_COLUMNS)
    return table


def _random_table4(rng: random.Random) -> dict[str, int | None]:
    table: dict[str, int | None] = {}
    for group in TABLE4_GROUPS:
        outcomes = [rng.randint(0, 6) if rng.random() < 0.35 else 0 for _ in TABLE4_OUTCOMES[:-1]]
        for outcome, value in zip(TABLE4_OUTCOMES[:-1], outcomes, strict=True):
            table[f"{group}_{outcome}"] = value
        table[f"{group}_total"] = sum(outcomes)
    return table


def _change(rng: random.Random) -> Value:
    delta = rng.choice((0, 0, 1, 3, 15, 33, 192))
    if delta == 0:
        return 0
    return f"{rng.choice('增减')}{delta}"


def _random_table2(rng: random.Random, template: str) -> dict[str, list[Value]]:
    made = rng.randint(0, 40)
    if template == TEMPLATE_2019:
        items = rng.randint(0, 900)
        return {
            "规章": [0, 0, 0],
            "规范性文件": [made, made, made + rng.randint(0, 300)],
            "行政许可": [items, _change(rng), rng.randint(0, 50000)],
            "其他对外管理服务事项": [rng.randint(0, 1500), _change(rng), rng.randint(0, 500)],
            "行政处罚": [rng.randint(0, 2000), _change(rng), rng.randint(0, 2500)],
            "行政强制": [rng.randint(0, 100), _change(rng), rng.randint(0, 200)],
            "行政事业性收费": [rng.randint(0, 20), _change(rng)],
            "政府集中采购": [rng.randint(0, 400), f"{rng.randint(0, 5_000_000) / 100:.2f}万元"],
        }
    return {
        "规章": [0, 0, 0],
        "行政规范性文件": [made, rng.randint(0, 5), made + rng.randint(0, 300)],
        "行政许可": [rng.randint(0, 50000)],
        "行政处罚": [rng.randint(0, 2500)],
        "行政强制": [rng.randint(0, 200)],
        "行政事业性收费": [rng.choice((0, f"{rng.randint(0, 2_000_000) / 100:.2f}"))],
    }


def _blank_zeros(rng: random.Random, spec: ReportSpec, rate: float) -> None:
    """Leave zero cells unfilled with probability ``rate``, as real reports often do."""
    for row in spec.table3.values():
        for column, value in row.items():
            if value == 0 and rng.random() < rate:
                row[column] = None
    for key, value in spec.table4.items():
        if value == 0 and rng.random() < rate:
            spec.table4[key] = None


def random_spec(
    rng: random.Random, *, blanks: float = 0.0, defect: str | None = None, **overrides: object
) -> ReportSpec:
    """A realistic random report whose tables obey their identities.

    Table 3 balances per column (新收 + 结转 = 总计 + 结转下年), its 总计 column is the sum of the
    six applicant columns, its result rows add up to (七)总计, and every table-4 group's outcomes add
    up to its total. ``blanks`` is the chance a zero cell is left unfilled (None, read as 0 by the
    identities). ``defect="total_mismatch"`` raises the (七)总计 cell of the 总计 column by a few, so the
    result-sum and balance checks fail there, as in real reports. ``overrides`` replace spec fields
    (publisher, year, template, fullwidth, published…); the template follows the year unless given.
    """
    year = int(overrides.pop("year", rng.randint(2019, 2024)))  # type: ignore[call-overload]
    template = str(overrides.pop("template", template_for_year(year)))
    publisher = str(
        overrides.pop(
            "publisher", rng.choice(_PLACE_CHARS) + rng.choice(_PLACE_CHARS) + rng.choice(_PUBLISHER_SUFFIXES)
        )
    )
    place = place_of(publisher)
    pools = narrative_pools()
    overview = rng.sample(pools["overview"], k=min(len(pools["overview"]), rng.randint(2, 5)))
    problems = rng.sample(pools["problems"], k=min(len(pools["problems"]), rng.randint(1, 3)))
    published = date(year + 1, 1, 5) + timedelta(days=rng.randint(0, 84))
    spec = ReportSpec(
        publisher=publisher,
        year=year,
        template=template,
        paragraphs=[adapt_paragraph(s, p, year=year, place=place) for s, p in overview],
        problems=[adapt_paragraph(s, p, year=year, place=place) for s, p in problems],
        other_matters=[rng.choice(("无。", "本年度未收取信息处理费。", f"{year}年度无其他需要报告的事项。"))],
        published=published.isoformat(),
        fullwidth=rng.random() < 0.5,
    )
    if template == TEMPLATE_PRE_2019:
        spec.legacy_stats = [rng.randint(0, 5000) if unit else None for _, unit in L.PRE2019_STAT_ROWS]
    else:
        spec.table3 = _random_table3(rng, spec.table3_rows)
        spec.table4 = _random_table4(rng)
        spec.table2 = _random_table2(rng, template)
        if blanks:
            _blank_zeros(rng, spec, blanks)
        if defect == "total_mismatch":
            spec.table3["total_processed"]["total"] = (
                spec.table3["total_processed"]["total"] or 0
            ) + rng.randint(1, 6)
        elif defect is not None:
            raise ValueError(f"unknown defect {defect!r}")
    return replace(spec, **overrides) if overrides else spec  # type: ignore[arg-type]


#: Result rows of each template that add up to (七)总计.
RESULT_ROWS = {
    TEMPLATE_2019: (
        "granted",
        "partially_granted",
        *TABLE3_DENIED,
        *TABLE3_UNABLE,
        *TABLE3_NOT_PROCESSED,
        "other",
    ),
    TEMPLATE_2021: (
        "granted",
        "partially_granted",
        *TABLE3_DENIED,
        *TABLE3_UNABLE,
        *TABLE3_NOT_PROCESSED,
        *TABLE3_OTHER_2021,
    ),
}


def table_problems(
    table3: dict[str, dict[str, int | None]], table4: dict[str, int | None], template: str
) -> list[str]:
    """The identities a table 3 / table 4 breaks, as readable strings (empty: all hold).

    Blank cells count as 0 here: the renderer only ever blanks zeros.
    """

    def cell(row: str, column: str) -> int:
        return table3.get(row, {}).get(column) or 0

    problems = []
    for column in TABLE3_COLUMNS:
        inflow = cell("new_received", column) + cell("carried_over", column)
        outflow = cell("total_processed", column) + cell("carried_forward", column)
        if inflow != outflow:
            problems.append(f"balance {column}: {inflow} != {outflow}")
        results = sum(cell(row, column) for row in RESULT_ROWS[template])
        if results != cell("total_processed", column):
            problems.append(f"results {column}: {results} != {cell('total_processed', column)}")
    for row in table3:
        parts = sum(cell(row, column) for column in TABLE3_PART_COLUMNS)
        if parts != cell(row, "total"):
            problems.append(f"columns {row}: {parts} != {cell(row, 'total')}")
    for group in TABLE4_GROUPS:
        outcomes = sum(table4.get(f"{group}_{o}") or 0 for o in TABLE4_OUTCOMES[:-1])
        if table4 and outcomes != (table4.get(f"{group}_total") or 0):
            problems.append(f"table4 {group}: {outcomes} != {table4.get(f'{group}_total')}")
    return problems
