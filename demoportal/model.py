"""The simulated portals as data: sites, their columns, list pages' articles, attachments and traps.

Nothing here speaks HTTP or draws a random number. :mod:`.builders` fills these objects from a seed,
:mod:`.kinds` says what each kind of portal looks like (:class:`SiteProfile`), :mod:`.truth` says
what a crawl of a site should end with, :mod:`.pages` turns a site into responses per path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .families import FAMILIES, PortalListPage
from .render import ReportSpec

#: Off-site origins linked from every portal. Nothing listens on port 1; example.gov.cn is not ours.
OFFSITE_LINKS = (
    ("http://www.example.gov.cn/", "中国政府网"),
    ("http://127.0.0.1:1/zwgk/index.html", "上级政府信息公开平台"),
)


@dataclass
class Article:
    """One page in a column: a report or not (``kind`` says which)."""

    id: int
    title: str
    published: str  # ISO date
    kind: str  # "report" or a noise kind: notice, statistics, final_accounts, interpretation, guide, news…
    spec: ReportSpec | None = None  # rendered reports
    seed_id: str | None = None  # reports whose body is a real seed text
    body_form: str = "html"  # render.BODY_FORMS, or "seed-p" for seed texts
    text: str = ""  # body of a non-report, paragraphs separated by newlines
    table: tuple[tuple[str, ...], ...] = ()  # a small table some non-reports carry
    extra_meta: bool = True
    metadata_block: bool = True
    blank: str = "&nbsp;"  # how blank table cells are written
    word_style: bool = False  # Word-pasted cell markup
    href: str | None = None  # set for items that link off-site instead of to a page of ours
    path: str = ""  # set by the column's list family
    #: the report is published as this file (or image page, or JS-bound viewer) instead of HTML tables
    attachment: PortalAttachment | None = None
    bulk: bool = False  # a bulk page: its body is written on request (bulk.article_text)

    @property
    def is_report(self) -> bool:
        return self.kind == "report"


@dataclass
class PortalAttachment:
    """How the portal publishes an attachment-only report; see :data:`.truth.ATTACHMENT_KINDS`."""

    kind: str
    path: str = ""  # request target of the file (image pages: of the first image)
    filename: str = ""  # the link text / download name
    extra_paths: tuple[str, ...] = ()  # further images of a 图片版 page


@dataclass
class Column:
    """A 栏目: a list (one or many pages) of articles, newest first."""

    key: str
    name: str
    path: str  # the column's directory, e.g. "/zwgk/zfxxgknb/"
    family: str  # key of families.FAMILIES
    page_size: int
    role: str  # "reports" | "guide" | "rules" | "proactive" | "news"
    articles: list[Article] = field(default_factory=list)
    owner: str = ""  # the body the column belongs to
    #: family options: list file name, article URL pattern, TRS pager style, API codes.
    options: dict[str, Any] = field(default_factory=dict)
    _pages: list[PortalListPage] | None = field(default=None, repr=False, compare=False)
    _positions: dict[int, int] | None = field(default=None, repr=False, compare=False)

    def pages(self) -> list[PortalListPage]:
        """The list pages (and API calls) once the articles are final; computed once."""
        if self._pages is None:
            self._pages = FAMILIES[self.family].pages(self)
        return self._pages

    @property
    def first_page(self) -> str:
        """Where links to the column point (the first list page, or a gkmlpt ``index#id``)."""
        return FAMILIES[self.family].entry(self)

    def position(self, article: Article) -> int:
        if self._positions is None:
            self._positions = {id(a): i for i, a in enumerate(self.articles)}
        return self._positions[id(article)]


@dataclass
class Department:
    """A body with its own sub-column under the site's 部门信息公开 directory."""

    publisher: str
    columns: list[Column]


@dataclass
class Trap:
    """A link that leads somewhere unhelpful; the crawler must survive it (or never follow it)."""

    kind: str  # not_found | server_error | redirect | redirect_loop | soft_404 | slow | malformed | robots_disallowed
    path: str
    text: str  # anchor text on the home page
    target: str = ""  # redirect target path
    delay: float = 0.0


@dataclass(frozen=True)
class SiteProfile:
    """What distinguishes one kind of portal: level, CMS family, paths and names."""

    kind: str
    level: str  # constants.LEVELS
    place_suffix: str  # 市 / 县 / 镇 / 街道
    publisher_suffix: str  # 人民政府 / 办事处
    site_suffix: str  # 门户网站 / 网站
    family: str
    cms: str  # article page template: "trs" | "plain"
    section: tuple[str, str]  # (directory, anchor text of the 政府信息公开 link)
    report_column: tuple[str, str]  # (directory key, column name)
    page_size: int
    department_names: tuple[str, ...]
    charset: str = "utf-8"
    departments: int = 0  # bodies besides the site's own that publish reports here
    department_columns: bool = False  # departments get their own sub-columns (else they share the column)
    options: dict[str, Any] = field(default_factory=dict)  # family options
    #: demo extras, on the first site of the kind only
    seeds: tuple[str, ...] = ()  # seed ids whose texts are published here
    legacy_report: bool = False  # an extra 2018 report in the pre-2019 layout
    defect: bool = False  # one report whose 总计 does not add up
    interpretation: bool = False  # a 图解 page titled like a report
    offsite_report: bool = False  # a list item linking to a report on another origin
    slow: bool = False  # the slow URL
    #: --- issue-4 kinds ---
    news_family: str = ""  # family of news / bulk news columns (default: ``family``)
    ext: str = "html"  # extension of section index pages
    header_charset: str | None = None  # what Content-Type says (None: the real charset)
    meta_charset: str | None = None  # what list/section pages' <meta> says (None: real; "": no meta)
    article_meta_charset: str | None = None  # the same for article pages
    #: the anti-bot answer to every request: ruishu-412 | ruishu-200 | jiasule-521 | waf
    blocked: str | None = None
    attachments: bool = False  # reports published as attachments (builders.ATTACHMENT_PLAN, in order)
    download_report: bool = False  # one report as a Hanweb downfile.jsp PDF
    #: a second report column for the last department, its later API pages holding only old noise
    second_column: tuple[str, str] | None = None
    second_defects: dict[int, str] = field(
        default_factory=dict
    )  # PortalListPage.number (API pages) -> defect


@dataclass
class Site:
    """One simulated portal (one origin)."""

    index: int
    key: str  # e.g. "s00-city"
    profile: SiteProfile
    place: str  # 青川县
    publisher: str  # 青川县人民政府
    name: str  # 青川县人民政府门户网站
    domain: str  # what the SiteDomain meta says (the portal itself is served on 127.0.0.1)
    site_code: str  # 网站标识码
    org_code: str  # the organisation code in 索引号
    section_path: str
    section_name: str
    columns: list[Column]  # the 信息公开 section's own columns
    news: Column
    departments: list[Department] = field(default_factory=list)
    directory_path: str = ""  # 部门信息公开, when departments have sub-columns
    traps: list[Trap] = field(default_factory=list)
    #: --- bulk (TestPortal(bulk=N)) ---
    bulk_columns: list[Column] = field(default_factory=list)  # 要闻动态, 通知公告, 部门动态, 政策文件
    proactive_columns: list[Column] = field(default_factory=list)  # 法定主动公开内容 sub-columns
    sitemap_path: str = ""  # 网站地图
    apply_path: str = ""  # 依申请公开
    #: --- issue-4 kinds ---
    sid: str = ""  # gkmlpt site id
    xxe_probe_path: str = ""  # what the Hanweb XXE answer's external entity points at

    @property
    def kind(self) -> str:
        return self.profile.kind

    @property
    def charset(self) -> str:
        return self.profile.charset

    @property
    def header_charset(self) -> str:
        """The charset the Content-Type header declares (a lie on the mis-declared site)."""
        return self.profile.header_charset or self.profile.charset

    def meta_charset(self, article: bool = False) -> str:
        """The charset the pages' ``<meta>`` declares ("" for none)."""
        value = self.profile.article_meta_charset if article else self.profile.meta_charset
        return self.profile.charset if value is None else value

    @property
    def cms(self) -> str:
        return self.profile.cms

    @property
    def blocked(self) -> str | None:
        return self.profile.blocked

    def all_columns(self) -> list[Column]:
        return [
            *self.columns,
            *(c for d in self.departments for c in d.columns),
            self.news,
            *self.bulk_columns,
            *self.proactive_columns,
        ]

    def report_columns(self) -> list[Column]:
        return [c for c in self.all_columns() if c.role == "reports"]

    def articles(self) -> Iterator[tuple[Column, Article]]:
        for column in self.all_columns():
            for article in column.articles:
                yield column, article

    def reports(self) -> list[tuple[Column, Article]]:
        return [(c, a) for c, a in self.articles() if a.is_report]

    def index_number(self, article: Article) -> str:
        return f"{self.org_code}/{article.published[:4]}-{article.id % 100000:05d}"

    # --- ground truth ---------------------------------------------------------------
    # :mod:`.truth` reads this model, so it is imported when asked, not at the top.

    def expectation(self, base_url: str) -> dict[str, Any]:
        """What a crawl of this site should end with: ``ok``, or ``blocked`` and why."""
        from .truth import site_expectation

        return site_expectation(self, base_url)

    def report_truth(self, base_url: str) -> list[dict[str, Any]]:
        """One record per report of this site (see TestPortal.ground_truth); none when blocked."""
        from .truth import report_records

        return report_records(self, base_url)

    def noise_truth(self, base_url: str) -> list[dict[str, Any]]:
        """Every non-report URL the portal links, and the API answers broken on purpose."""
        from .truth import noise_records

        return noise_records(self, base_url)

    def minimum_requests(self) -> dict[str, int]:
        """Requests a crawler must make to get every report (see :func:`.truth.minimum_requests`)."""
        from .truth import minimum_requests

        return minimum_requests(self)
