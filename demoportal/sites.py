"""The simulated portals as data: sites, columns, list pages, articles and traps.

Nothing here speaks HTTP. :func:`build_sites` turns a seed into a deterministic list of
:class:`Site` objects; :mod:`.pages` turns a site into responses per path; :mod:`.server` serves them.
A new kind of portal is a new :class:`SiteProfile` (and, for a new list mechanism, a new family in
:mod:`.families`), not a change to the server. Beside the six demo kinds (:data:`KIND_CYCLE`) there
are the issue-4 kinds (:data:`FAMILY_GROUPS`: Hanweb, TRS API, gkmlpt, attachment-only reports,
blocked and mis-declared sites) and, with ``bulk``, the non-report mass of a real portal (:mod:`.bulk`).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from parsers.constants import TEMPLATE_PRE_2019

from . import bulk as B
from .families import FAMILIES, ListPage
from .render import ReportSpec, random_spec, table_problems
from .seeds import seed_truth

DEFAULT_YEARS = tuple(range(2019, 2025))

#: Off-site origins linked from every portal. Nothing listens on port 1; example.gov.cn is not ours.
OFFSITE_LINKS = (
    ("http://www.example.gov.cn/", "中国政府网"),
    ("http://127.0.0.1:1/zwgk/index.html", "上级政府信息公开平台"),
)
OFFSITE_REPORT_URL = "http://www.example.gov.cn/zwgk/ndbg/{year}/report.html"


# --- the model -------------------------------------------------------------------------


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
    attachment: Attachment | None = None
    bulk: bool = False  # a bulk page: its body is written on request (bulk.article_text)

    @property
    def is_report(self) -> bool:
        return self.kind == "report"


@dataclass
class Attachment:
    """How an attachment-only report is published; see :data:`ATTACHMENT_KINDS`."""

    kind: str
    path: str = ""  # request target of the file (image pages: of the first image)
    filename: str = ""  # the link text / download name
    extra_paths: tuple[str, ...] = ()  # further images of a 图片版 page


#: Attachment kinds: the file format, what a crawler should end with, the flags it should report
#: (parser vocabulary where one exists), the obstacle on the way, and whether the report itself is
#: the file (False: the report is the HTML page, as for 图片版 and JS-bound viewers).
ATTACHMENT_KINDS: dict[str, dict[str, Any]] = {
    "pdf": {"format": "pdf", "status": "parsed", "flags": (), "obstacle": None, "file": True},
    "docx": {"format": "docx", "status": "parsed", "flags": (), "obstacle": None, "file": True},
    "doc": {
        "format": "doc",
        "status": "unsupported",
        "flags": ("unsupported_document",),
        "obstacle": None,
        "file": True,
    },
    "wps": {
        "format": "wps",
        "status": "unsupported",
        "flags": ("unsupported_document",),
        "obstacle": None,
        "file": True,
    },
    "image_pdf": {
        "format": "image_pdf",
        "status": "needs_ocr",
        "flags": ("needs_ocr", "image_only"),
        "obstacle": None,
        "file": True,
    },
    "image_html": {
        "format": "image_html",
        "status": "needs_ocr",
        "flags": ("needs_ocr",),
        "obstacle": None,
        "file": False,
    },
    "js_bound": {
        "format": "pdf",
        "status": "flagged",
        "flags": ("js_bound_attachment",),
        "obstacle": "js_bound",
        "file": False,
    },
    "expiring_pdf": {
        "format": "pdf",
        "status": "parsed",
        "flags": (),
        "obstacle": "expiring_link",
        "file": True,
    },
    "oversized": {
        "format": "pdf",
        "status": "error",
        "flags": ("too_large",),
        "obstacle": "oversized",
        "file": True,
    },
    "truncated_pdf": {
        "format": "pdf",
        "status": "error",
        "flags": ("unreadable_document",),
        "obstacle": "truncated",
        "file": True,
    },
    "zip_bomb": {
        "format": "docx",
        "status": "error",
        "flags": ("unreadable_document",),
        "obstacle": "zip_bomb",
        "file": True,
    },
}
#: Kinds whose table 3 a crawler can read from the file.
READABLE_ATTACHMENTS = ("pdf", "docx", "expiring_pdf")


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
    _pages: list[ListPage] | None = field(default=None, repr=False, compare=False)
    _positions: dict[int, int] | None = field(default=None, repr=False, compare=False)

    def pages(self) -> list[ListPage]:
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
    charset: str
    section: tuple[str, str]  # (directory, anchor text of the 政府信息公开 link)
    report_column: tuple[str, str]  # (directory key, column name)
    page_size: int
    departments: int  # bodies besides the site's own that publish reports here
    department_columns: bool  # departments get their own sub-columns (else they share the column)
    department_names: tuple[str, ...]
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
    attachments: bool = False  # reports published as attachments (ATTACHMENT_KINDS, in order)
    download_report: bool = False  # one report as a Hanweb downfile.jsp PDF
    #: a second report column for the last department, its later API pages holding only old noise
    second_column: tuple[str, str] | None = None
    second_defects: dict[int, str] = field(default_factory=dict)  # ListPage.number (API pages) -> defect


_CITY_DEPARTMENTS = (
    "财政局",
    "教育局",
    "卫生健康委员会",
    "自然资源和规划局",
    "生态环境局",
    "交通运输局",
    "民政局",
    "人力资源和社会保障局",
    "市场监督管理局",
    "住房和城乡建设局",
)
_TOWN_DEPARTMENTS = ("财政所", "社会事务办公室", "综合行政执法队", "便民服务中心", "农业农村办公室", "司法所")

PROFILES = {
    "city": SiteProfile(
        kind="city",
        level="city",
        place_suffix="市",
        publisher_suffix="人民政府",
        site_suffix="门户网站",
        family="paged",
        cms="plain",
        charset="utf-8",
        section=("/xxgk/", "政府信息公开"),
        report_column=("ndbg", "政府信息公开年报"),
        page_size=6,
        departments=3,
        department_columns=False,
        department_names=_CITY_DEPARTMENTS,
        options={"list_file": "list.html", "article": "content_{id}.html"},
        seeds=(
            "000_84d29601319eacdc",
            "001_e5f035dbe7594dbe",
            "002_2c7573db75c79bd6",
            "003_5d8db5c6007b71c2",
            "004_d4f694ae76a36438",
        ),
        offsite_report=True,
    ),
    "county": SiteProfile(
        kind="county",
        level="county",
        place_suffix="县",
        publisher_suffix="人民政府",
        site_suffix="门户网站",
        family="trs",
        cms="trs",
        charset="utf-8",
        section=("/zwgk/", "政务公开"),
        report_column=("zfxxgknb", "年度报告"),
        page_size=5,
        departments=2,
        department_columns=True,
        department_names=_CITY_DEPARTMENTS,
        options={"pager": "literal"},
        legacy_report=True,
        defect=True,
        interpretation=True,
    ),
    "town": SiteProfile(
        kind="town",
        level="town",
        place_suffix="镇",
        publisher_suffix="人民政府",
        site_suffix="网站",
        family="trs",
        cms="trs",
        charset="utf-8",
        section=("/zwgk/", "信息公开"),
        report_column=("xxgknb", "信息公开年报"),
        page_size=4,
        departments=0,
        department_columns=False,
        department_names=_TOWN_DEPARTMENTS,
        options={"pager": "variable"},
        slow=True,
    ),
    "town-legacy": SiteProfile(
        kind="town-legacy",
        level="town",
        place_suffix="镇",
        publisher_suffix="人民政府",
        site_suffix="网站",
        family="paged",
        cms="plain",
        charset="gbk",
        section=("/gk/", "政务公开"),
        report_column=("nb", "政务公开年报"),
        page_size=5,
        departments=0,
        department_columns=False,
        department_names=_TOWN_DEPARTMENTS,
        options={"list_file": "list.asp", "article": "show.asp?id={id}"},
    ),
    "town-plain": SiteProfile(
        kind="town-plain",
        level="town",
        place_suffix="镇",
        publisher_suffix="人民政府",
        site_suffix="网站",
        family="paged",
        cms="plain",
        charset="utf-8",
        section=("/xxgk/", "政府信息公开"),
        report_column=("zfxxgknb", "政府信息公开年报"),
        page_size=8,
        departments=0,
        department_columns=False,
        department_names=_TOWN_DEPARTMENTS,
        options={"list_file": "list.html", "article": "detail_{id}.html"},
    ),
    "street": SiteProfile(
        kind="street",
        level="street",
        place_suffix="街道",
        publisher_suffix="办事处",
        site_suffix="网站",
        family="trs",
        cms="trs",
        charset="utf-8",
        section=("/zwgk/", "政府信息公开"),
        report_column=("gknb", "政府信息公开年报"),
        page_size=4,
        departments=1,
        department_columns=False,
        department_names=_TOWN_DEPARTMENTS,
        options={"pager": "variable"},
    ),
}
#: The demo set, in order; larger portals cycle through it (extras only on the first of each).
KIND_CYCLE = ("city", "county", "town", "town-legacy", "town-plain", "street")

_BLOCKED_BASE: dict[str, Any] = {
    "level": "city",
    "place_suffix": "市",
    "publisher_suffix": "人民政府",
    "site_suffix": "门户网站",
    "family": "trs",
    "cms": "trs",
    "charset": "utf-8",
    "section": ("/zwgk/", "政府信息公开"),
    "report_column": ("ndbg", "政府信息公开年报"),
    "page_size": 10,
    "departments": 0,
    "department_columns": False,
    "department_names": _CITY_DEPARTMENTS,
}

#: Issue-4 kinds: dynamic list families, attachment-only reports, blocked and mis-declared sites.
PROFILES.update(
    {
        "hanweb": SiteProfile(
            kind="hanweb",
            level="county",
            place_suffix="县",
            publisher_suffix="人民政府",
            site_suffix="门户网站",
            family="hanweb",
            cms="hanweb",
            charset="utf-8",
            section=("/col/", "政府信息公开"),
            report_column=("ndbg", "政府信息公开年报"),
            page_size=0,  # per_page / group_size are chosen from the column's length
            departments=3,
            department_columns=False,
            department_names=_CITY_DEPARTMENTS,
            second_column=("bmnb", "部门政府信息公开年报"),
            second_defects={1: "invalid_xml", 2: "xxe"},
            download_report=True,
        ),
        "trs-api": SiteProfile(
            kind="trs-api",
            level="county",
            place_suffix="县",
            publisher_suffix="人民政府",
            site_suffix="门户网站",
            family="trs_api",
            cms="trs",
            charset="utf-8",
            section=("/zwgk/zfxxgkzl/", "政府信息公开"),
            report_column=("gkndbg", "政府信息公开年度报告"),
            page_size=10,
            departments=3,
            department_columns=False,
            department_names=_CITY_DEPARTMENTS,
            options={"ext": "htm", "page_size": 10},
            ext="htm",
            second_column=("bmgkndbg", "部门政府信息公开年度报告"),
            second_defects={1: "invalid_json"},
        ),
        "gkmlpt": SiteProfile(
            kind="gkmlpt",
            level="district",
            place_suffix="区",
            publisher_suffix="人民政府",
            site_suffix="门户网站",
            family="gkmlpt",
            cms="plain",
            charset="utf-8",
            section=("/gkmlpt/", "政府信息公开"),
            report_column=("ndbg", "政府信息公开年报"),
            page_size=10,
            departments=2,
            department_columns=False,
            department_names=_CITY_DEPARTMENTS,
            news_family="trs",
            options={"page_size": 10},
        ),
        "attachments": SiteProfile(
            kind="attachments",
            level="town",
            place_suffix="镇",
            publisher_suffix="人民政府",
            site_suffix="网站",
            family="trs",
            cms="trs",
            charset="utf-8",
            section=("/xxgk/", "政府信息公开"),
            report_column=("xxgknb", "政府信息公开年报"),
            page_size=6,
            departments=2,
            department_columns=False,
            department_names=_TOWN_DEPARTMENTS,
            options={"pager": "variable"},
            attachments=True,
        ),
        "ruishu-412": SiteProfile(kind="ruishu-412", blocked="ruishu-412", **_BLOCKED_BASE),
        "ruishu-200": SiteProfile(kind="ruishu-200", blocked="ruishu-200", **_BLOCKED_BASE),
        "jiasule-521": SiteProfile(kind="jiasule-521", blocked="jiasule-521", **_BLOCKED_BASE),
        "waf-403": SiteProfile(kind="waf-403", blocked="waf", **_BLOCKED_BASE),
        "gbk-misdeclared": SiteProfile(
            kind="gbk-misdeclared",
            level="town",
            place_suffix="镇",
            publisher_suffix="人民政府",
            site_suffix="网站",
            family="paged",
            cms="plain",
            charset="gbk",
            section=("/xxgk/", "政务公开"),
            report_column=("nb", "政务公开年报"),
            page_size=5,
            departments=0,
            department_columns=False,
            department_names=_TOWN_DEPARTMENTS,
            options={"list_file": "list.html", "article": "info_{id}.html"},
            header_charset="utf-8",
            meta_charset="gb2312",
            article_meta_charset="",
        ),
        #: A town site whose report column is built only by JavaScript: found only when rendered.
        "render": SiteProfile(
            kind="render",
            level="town",
            place_suffix="镇",
            publisher_suffix="人民政府",
            site_suffix="网站",
            family="jsrender",
            cms="plain",
            charset="utf-8",
            section=("/xxgk/", "政府信息公开"),
            report_column=("jsnb", "政府信息公开年报"),
            page_size=4,
            departments=0,
            department_columns=False,
            department_names=_TOWN_DEPARTMENTS,
            options={"list_file": "list.html", "article": "detail_{id}.html"},
            news_family="paged",
        ),
    }
)

#: What ``TestPortal(families=…)`` adds after the demo cycle: group name -> site kinds, one site each.
FAMILY_GROUPS: dict[str, tuple[str, ...]] = {
    "hanweb": ("hanweb",),
    "trs_api": ("trs-api",),
    "gkmlpt": ("gkmlpt",),
    "attachments": ("attachments",),
    "blocked": ("ruishu-412", "ruishu-200", "jiasule-521", "waf-403", "gbk-misdeclared"),
    #: needs a browser (registry ``render``): not in ALL_FAMILIES, whose sites a plain crawl must finish
    "render": ("render",),
}
ALL_FAMILIES = tuple(g for g in FAMILY_GROUPS if g != "render")


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

    def expectation(self, base_url: str) -> dict[str, Any]:
        """What a crawl of this site should end with: ``ok``, or ``blocked`` and why."""
        return {
            "site_url": base_url + "/",
            "key": self.key,
            "kind": self.kind,
            "family": self.profile.family,
            "level": self.profile.level,
            "charset": self.charset,
            "header_charset": self.header_charset,
            "expected_status": "blocked" if self.blocked else "ok",
            "reason": self.blocked,
        }

    def report_truth(self, base_url: str) -> list[dict[str, Any]]:
        """One record per report of this site (see TestPortal.ground_truth); none when blocked."""
        if self.blocked:
            return []
        out = []
        obstacle = "misdeclared_charset" if self.profile.header_charset else None
        for column, article in self.reports():
            record = {
                "site_url": base_url + "/",
                "url": base_url + article.path,
                "kind": "report",
                "title": article.title,
                "published": article.published,
                "column": column.name,
                "form": article.body_form,
                **_report_facts(article),
                "format": "html",
                "attachment_of": None,
                "expected_status": "parsed",
                "expected_flags": [],
                "obstacle": obstacle,
            }
            attachment = article.attachment
            if attachment is not None:
                traits = ATTACHMENT_KINDS[attachment.kind]
                record["form"] = record["format"] = traits["format"]
                record["expected_status"] = traits["status"]
                record["expected_flags"] = list(traits["flags"])
                record["obstacle"] = traits["obstacle"]
                if traits["file"]:
                    record["url"] = base_url + attachment.path
                    record["attachment_of"] = base_url + article.path
                else:
                    record["attachment_url"] = base_url + attachment.path if attachment.path else None
                if attachment.kind not in READABLE_ATTACHMENTS:
                    record["table3"] = record["table4"] = record["identities_hold"] = None
            out.append(record)
        return out

    def noise_truth(self, base_url: str) -> list[dict[str, Any]]:
        """Every non-report URL the portal links (other articles, bulk pages, traps, off-site links),
        and the API answers that are broken on purpose (with method and form)."""
        if self.blocked:
            return []
        site_url = base_url + "/"
        malformed = {t.path for t in self.traps if t.kind == "malformed"}
        out = []
        for column, article in self.articles():
            if article.is_report:
                continue
            url = article.href or base_url + article.path
            kind = "malformed" if column.role == "news" and article.path in malformed else article.kind
            out.append({"site_url": site_url, "url": url, "title": article.title, "kind": kind})
        for trap in self.traps:
            if trap.kind != "malformed":
                out.append(
                    {"site_url": site_url, "url": base_url + trap.path, "title": trap.text, "kind": trap.kind}
                )
        for href, text in OFFSITE_LINKS:
            out.append({"site_url": site_url, "url": href, "title": text, "kind": "offsite"})
        if self.sitemap_path:
            out.append(
                {
                    "site_url": site_url,
                    "url": base_url + self.sitemap_path,
                    "title": "网站地图",
                    "kind": "sitemap",
                }
            )
        if self.apply_path:
            out.append(
                {
                    "site_url": site_url,
                    "url": base_url + self.apply_path,
                    "title": "依申请公开",
                    "kind": "apply",
                }
            )
        for column in self.all_columns():
            for page in column.pages():
                if page.defect:
                    out.append(
                        {
                            "site_url": site_url,
                            "url": base_url + page.path,
                            "title": f"{column.name} API page {page.number + 1}",
                            "kind": "malformed_json" if page.defect == "invalid_json" else page.defect,
                            "method": page.method,
                            "form": dict(page.form),
                        }
                    )
        if self.xxe_probe_path:
            out.append(
                {
                    "site_url": site_url,
                    "url": base_url + self.xxe_probe_path,
                    "title": "external entity target (must never be requested)",
                    "kind": "xxe_probe",
                }
            )
        for _column, article in self.reports():
            if article.attachment is not None and article.attachment.kind == "js_bound":
                out.append(
                    {
                        "site_url": site_url,
                        "url": base_url + "/pdfjs/web/viewer.html?file={{qzbFile}}",
                        "title": "PDF viewer (file bound by JS)",
                        "kind": "viewer",
                    }
                )
        return out

    def minimum_requests(self) -> dict[str, int]:
        """Requests a crawler must make to get every report: home + section + navigation + static
        list pages + API/POST list calls + report pages + attachment downloads (1 when blocked)."""
        if self.blocked:
            return {
                "home": 1,
                "section": 0,
                "navigation": 0,
                "list_pages": 0,
                "api_requests": 0,
                "report_pages": 0,
                "attachments": 0,
                "total": 1,
            }
        report_columns = self.report_columns()
        pages = [page for c in report_columns for page in c.pages()]
        reports = self.reports()
        counts = {
            "home": 1,
            "section": 1,
            "navigation": 1 if self.directory_path else 0,
            "list_pages": sum(1 for page in pages if page.kind == "static"),
            "api_requests": sum(1 for page in pages if page.kind == "api"),
            "report_pages": len(reports),
            "attachments": sum(
                1
                for _, a in reports
                if a.attachment is not None and ATTACHMENT_KINDS[a.attachment.kind]["file"]
            ),
        }
        counts["total"] = sum(counts.values())
        return counts


def _report_facts(article: Article) -> dict[str, Any]:
    if article.seed_id is not None:
        truth = seed_truth()[article.seed_id]
        return {
            "report_year": truth["report_year"],
            "publisher": truth["publisher"],
            "template": truth["template"],
            "table3": truth["table3"],
            "table4": truth["table4"],
            "identities_hold": None
            if truth["table3"] is None
            else not table_problems(truth["table3"], truth["table4"] or {}, truth["template"]),
            "source": f"seed:{article.seed_id}",
        }
    spec = article.spec
    assert spec is not None
    pre2019 = spec.template == TEMPLATE_PRE_2019
    return {
        "report_year": spec.year,
        "publisher": spec.publisher,
        "template": spec.template,
        "table3": None if pre2019 else {row: dict(spec.table3[row]) for row in spec.table3_rows},
        "table4": None if pre2019 else dict(spec.table4),
        "identities_hold": None if pre2019 else not table_problems(spec.table3, spec.table4, spec.template),
        "source": "rendered",
    }


# --- building ------------------------------------------------------------------------------

_NAME_CHARS = (
    "青川临江东岭南浦西陵北屏清源云溪白石丰宁安平永和长乐新桥石门金山玉泉龙潭凤阳桃花梅岭柳湾松林竹溪"
)


class _Names:
    """Unique two-character place names, drawn in a fixed order from the portal's seed."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def draw(self) -> str:
        while True:
            name = self._rng.choice(_NAME_CHARS) + self._rng.choice(_NAME_CHARS)
            if name[0] != name[1] and name not in self._used:
                self._used.add(name)
                return name


def build_sites(
    *,
    seed: int = 0,
    n_sites: int = len(KIND_CYCLE),
    years: Sequence[int] = DEFAULT_YEARS,
    reports_per_site: int | None = None,
    slow_seconds: float = 3.0,
    families: Sequence[str] = (),
    bulk: int = 0,
) -> list[Site]:
    """The portal's sites for ``seed``: the same arguments always give the same sites, paths and numbers.

    ``n_sites`` sites cycle through the demo kinds (:data:`KIND_CYCLE`); then each group named in
    ``families`` (keys of :data:`FAMILY_GROUPS`, or "all") adds its sites, one per kind.
    ``reports_per_site`` fixes how many generated reports each site lists (bench sets); by default a
    site lists one report per year for its own body and each department. ``slow_seconds`` <= 0
    leaves the slow URL out. ``bulk`` gives every (unblocked) site about that many extra pages.
    """
    names_given = (families,) if isinstance(families, str) else tuple(families)
    groups = list(ALL_FAMILIES) if "all" in names_given else list(names_given)
    unknown = [g for g in groups if g not in FAMILY_GROUPS]
    if unknown:
        raise ValueError(f"unknown families {unknown}; expected some of {ALL_FAMILIES}")
    kinds = [KIND_CYCLE[index % len(KIND_CYCLE)] for index in range(n_sites)]
    kinds += [kind for group in groups for kind in FAMILY_GROUPS[group]]
    names = _Names(random.Random(seed))
    sites = []
    for index, kind in enumerate(kinds):
        rng = random.Random(f"gsspider-portal/{seed}/{index}")
        demo = index < n_sites
        site = _build_site(
            index,
            PROFILES[kind],
            rng,
            names.draw(),
            years=sorted(years, reverse=True),
            reports_per_site=reports_per_site,
            extras=demo and index < len(KIND_CYCLE),
            slow_seconds=slow_seconds,
            xrng=random.Random(f"gsspider-portal/{seed}/{index}/{kind}"),
        )
        if bulk > 0 and not site.blocked:
            _add_bulk(
                site, bulk, random.Random(f"gsspider-portal/{seed}/{index}/bulk"), sorted(years, reverse=True)
            )
        sites.append(site)
    return sites


class _Codes:
    """Numeric column ids (Hanweb columnid, TRS chnlid, gkmlpt columnId) for one site."""

    def __init__(self, rng: random.Random, start: int) -> None:
        self._next = itertools.count(start + rng.randint(1, 900) * 7)

    def __call__(self) -> int:
        return next(self._next)


def _build_site(
    index: int,
    profile: SiteProfile,
    rng: random.Random,
    name: str,
    *,
    years: list[int],
    reports_per_site: int | None,
    extras: bool,
    slow_seconds: float,
    xrng: random.Random | None = None,
) -> Site:
    place = name + profile.place_suffix
    publisher = place + profile.publisher_suffix
    ids = itertools.count(rng.randint(100, 899) * 1000 + 1)
    section_dir, section_name = profile.section
    family = profile.family
    options = dict(profile.options)
    # Draws for the issue-4 kinds come from their own stream, so the demo kinds stay as they were.
    xrng = xrng or random.Random(f"{index}/{profile.kind}")
    codes = _Codes(xrng, {"hanweb": 1228990000, "trs_api": 40000, "gkmlpt": 2700}.get(family, 0))
    sid = f"{xrng.randint(440000, 449999)}" if family == "gkmlpt" else ""
    webid = xrng.randint(2, 400)
    site_name = publisher + profile.site_suffix

    def column(
        key: str,
        name: str,
        directory: str,
        role: str,
        owner: str,
        page_size: int = 10,
        column_family: str | None = None,
    ) -> Column:
        fam = column_family or family
        if fam == "hanweb":
            code = codes()
            opts = {"code": code, "unitid": code % 100000 + 1000, "webid": webid, "webname": site_name}
            opts |= {"per_page": 15, "group_size": 3}
            return Column(key, name, f"/col/col{code}/", fam, page_size, role, owner=owner, options=opts)
        if fam == "trs_api":
            opts = dict(options) | {"chnlid": codes()}
            return Column(key, name, directory, fam, page_size, role, owner=owner, options=opts)
        if fam == "gkmlpt":
            opts = dict(options) | {"code": codes(), "sid": sid}
            return Column(key, name, "/gkmlpt/", fam, page_size, role, owner=owner, options=opts)
        if fam != family:  # a static family beside a dynamic one (gkmlpt sites' news)
            return Column(key, name, directory, fam, page_size, role, owner=owner, options={})
        return Column(key, name, directory, family, page_size, role, owner=owner, options=options)

    columns = [
        column("guide", "政府信息公开指南", f"{section_dir}zfxxgkzn/", "guide", publisher),
        column("rules", "政府信息公开制度", f"{section_dir}zfxxgkzd/", "rules", publisher),
        column("proactive", "法定主动公开内容", f"{section_dir}fdzdgknr/", "proactive", publisher),
    ]
    columns[0].articles = [_guide(next(ids), publisher, years)]
    columns[1].articles = [_rules(next(ids), publisher, years)]
    columns[2].articles = _proactive(ids, rng, publisher, years)

    report_key, report_name = profile.report_column
    main = column(
        "reports", report_name, f"{section_dir}{report_key}/", "reports", publisher, profile.page_size
    )
    columns.append(main)

    department_bodies = _department_bodies(profile, place, years, reports_per_site)
    plan = _report_plan([publisher, *department_bodies], years, reports_per_site)
    departments: list[Department] = []
    targets: dict[str, Column] = dict.fromkeys([publisher, *department_bodies], main)
    if profile.department_columns:
        for number, body in enumerate(department_bodies, start=1):
            sub = column(
                "reports",
                "政府信息公开年报",
                f"{section_dir}bmxxgk/bm{number:02d}/zfxxgknb/",
                "reports",
                body,
                4,
            )
            departments.append(Department(body, [sub]))
            targets[body] = sub
    second = None
    if profile.second_column and department_bodies:
        second_key, second_name = profile.second_column
        second = column(
            "reports", second_name, f"{section_dir}{second_key}/", "reports", department_bodies[-1], 10
        )
        columns.append(second)
        targets[department_bodies[-1]] = second

    # The demo's defective report: one of the site's own, its 总计 off by a few.
    defective = (publisher, years[min(2, len(years) - 1)]) if extras and profile.defect else None
    for body, year in plan:
        defect = "total_mismatch" if (body, year) == defective else None
        targets[body].articles.append(_report(next(ids), rng, body, year, profile, defect=defect))
    if extras:
        _add_extras(main, ids, rng, profile, publisher, years)
    for target in {id(c): c for c in targets.values()}.values():
        target.articles += _column_noise(ids, rng, target.owner, place, years)

    news = column("news", "新闻动态", "/xwdt/", "news", publisher, 10, profile.news_family or None)
    news.articles = _news(ids, rng, place, years)

    if second is not None:
        recent = len(second.articles)
        second.articles += _old_noise(ids, xrng, second.owner, place, years, count=20)
        _size_dynamic(second, first=recent, defects=profile.second_defects)
    if family in ("hanweb", "trs_api"):
        _size_dynamic(main)

    for col in [*columns, *(c for d in departments for c in d.columns), news]:
        col.articles.sort(key=lambda a: (a.published, a.id), reverse=True)
        FAMILIES[col.family].assign_paths(col)

    if family == "hanweb":
        section_path = f"/col/col{codes()}/index.html"
    elif family == "gkmlpt":
        section_path = "/gkmlpt/index"
    else:
        section_path = f"{section_dir}index{_ext(profile)}"
    site = Site(
        index=index,
        key=f"s{index:02d}-{profile.kind}",
        profile=profile,
        place=place,
        publisher=publisher,
        name=site_name,
        domain=f"www.site{index:02d}.gov.test",
        site_code=f"{rng.randint(1000, 9999)}{rng.randint(100000, 999999)}",
        org_code=f"{rng.randint(10000000, 99999999)}{rng.randint(0, 9)}",
        section_path=section_path,
        section_name=section_name,
        columns=columns,
        news=news,
        departments=departments,
        directory_path=f"{section_dir}bmxxgk/index.html" if departments else "",
        sid=sid,
        xxe_probe_path="/xxe/probe.dtd" if "xxe" in profile.second_defects.values() else "",
    )
    if profile.attachments:
        _attach(site, main, xrng)
    if profile.download_report:
        _hanweb_download(site, main, xrng)
    site.traps = _traps(site, slow_seconds if (extras and profile.slow) else 0.0)
    return site


def _size_dynamic(column: Column, first: int | None = None, defects: dict[int, str] | None = None) -> None:
    """Page sizes of a script-driven column: Hanweb groups small enough for >= 3 dataproxy calls
    (or, for a column with old noise, a first group that holds all ``first`` recent items)."""
    total = len(column.articles)
    if column.family == "hanweb":
        if first is not None:
            column.options["per_page"] = max(2, math.ceil(first / 2))
        else:
            column.options["per_page"] = max(1, min(15, total // 8))
        column.options["group_size"] = 2
    elif column.family == "trs_api" and first is not None:
        column.options["page_size"] = max(10, first)
    if defects:
        column.options["defects"] = dict(defects)


def _old_noise(
    ids: Iterator[int], rng: random.Random, owner: str, place: str, years: list[int], count: int
) -> list[Article]:
    """Old notices and statistics from before the oldest report: the tail of a long column."""
    oldest = min(years)
    out = []
    for number in range(count):
        year = oldest - 2 - number % 4
        if number % 2:
            title, kind = f"关于做好{year}年政府信息公开工作年度报告编制发布工作的通知", "notice"
        else:
            title, kind = f"{owner}{year}年度统计年报（第{number // 2 + 1}期）", "statistics"
        out.append(
            Article(
                id=next(ids),
                title=title,
                published=_day(year + 1, 1 + number % 11, 3, rng, 20),
                kind=kind,
                text=f"{place}{year}年相关工作情况通报。",
            )
        )
    return out


#: The attachment kinds an attachments site publishes, in order (one report each).
ATTACHMENT_PLAN = (
    "pdf",
    "docx",
    "doc",
    "wps",
    "image_pdf",
    "image_html",
    "js_bound",
    "expiring_pdf",
    "oversized",
    "truncated_pdf",
    "zip_bomb",
    "pdf",
    "docx",
)
_EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "doc": "doc",
    "wps": "wps",
    "image_pdf": "pdf",
    "js_bound": "pdf",
    "oversized": "pdf",
    "truncated_pdf": "pdf",
    "zip_bomb": "docx",
}


def _as_document(spec: ReportSpec) -> None:
    """What a report published as a file looks like: full-width labels (Word), every cell filled in
    (the PDF layout has no way to show an empty cell that a text extractor keeps)."""
    spec.fullwidth = True
    for row in spec.table3.values():
        for column, value in row.items():
            if value is None:
                row[column] = 0
    for key, value in spec.table4.items():
        if value is None:
            spec.table4[key] = 0


def _attach(site: Site, column: Column, rng: random.Random) -> None:
    """Turn the column's reports into attachment-only ones, one per kind of :data:`ATTACHMENT_PLAN`."""
    reports = [a for a in column.articles if a.is_report]
    order = list(range(len(reports)))
    rng.shuffle(order)
    for kind, position in zip(ATTACHMENT_PLAN, order, strict=False):
        article = reports[position]
        if article.spec is not None:
            _as_document(article.spec)
        directory = article.path.rsplit("/", 1)[0] + "/"
        day = article.published.replace("-", "")
        stem = f"P0{day}{article.id:08d}{rng.randint(100000, 999999)}"
        if kind == "image_html":
            images = tuple(f"{directory}W0{day}{article.id:08d}{n}.png" for n in (1, 2))
            article.attachment = Attachment(kind, images[0], "", images[1:])
            article.title += "（图片版）"
            if article.spec is not None:
                article.spec.title = article.title
        elif kind == "expiring_pdf":
            token = f"{rng.getrandbits(64):016x}"
            path = f"/attach/download.do?fileId={article.id}&token={token}"
            article.attachment = Attachment(kind, path, article.title + ".pdf")
        else:
            ext = _EXTENSIONS[kind]
            article.attachment = Attachment(kind, f"{directory}{stem}.{ext}", f"{article.title}.{ext}")


def _hanweb_download(site: Site, column: Column, rng: random.Random) -> None:
    """One Hanweb report published as a PDF behind ``downfile.jsp`` (its oldest own report)."""
    own = [
        a
        for a in column.articles
        if a.is_report and a.spec is not None and a.spec.publisher == site.publisher
    ]
    if not own:
        return
    article = own[-1]
    assert article.spec is not None
    _as_document(article.spec)
    name = f"{rng.getrandbits(128):032x}"
    article.attachment = Attachment(
        "pdf", f"/module/download/downfile.jsp?classid=0&filename={name}.pdf", article.title + ".pdf"
    )


def _add_bulk(site: Site, target: int, rng: random.Random, years: list[int]) -> None:
    """About ``target`` extra pages: news-type columns, 法定主动公开 sub-columns, a site map, 依申请公开."""
    profile = site.profile
    section_dir = profile.section[0]
    news_family = profile.news_family or profile.family
    proactive_family = profile.family
    options = dict(profile.options)
    codes = _Codes(rng, {"hanweb": 1229500000, "trs_api": 60000, "gkmlpt": 5800}.get(profile.family, 0))
    proactive_parent = next(c for c in site.columns if c.role == "proactive")
    webid = next((c.options["webid"] for c in site.columns if "webid" in c.options), 1)

    def make(key: str, name: str, directory: str, role: str, size: int, fam: str) -> Column:
        if fam == "hanweb":
            code = codes()
            opts = {"code": code, "unitid": code % 100000 + 1000, "webid": webid, "webname": site.name}
            opts |= {"per_page": size, "group_size": 3}
            return Column(key, name, f"/col/col{code}/", fam, size, role, owner=site.publisher, options=opts)
        if fam == "trs_api":
            opts = dict(options) | {"chnlid": codes(), "page_size": size}
            return Column(key, name, directory, fam, size, role, owner=site.publisher, options=opts)
        if fam == "gkmlpt":
            opts = {"code": codes(), "sid": site.sid, "page_size": size}
            return Column(key, name, "/gkmlpt/", fam, size, role, owner=site.publisher, options=opts)
        opts = options if fam == profile.family else {}
        return Column(key, name, directory, fam, size, role, owner=site.publisher, options=opts)

    specs = [
        (key, name, directory.replace("{section}", section_dir), "news", size, news_family)
        for key, name, directory, _kind, _share, size in B.NEWS_COLUMNS
    ] + [
        (key, name, f"{proactive_parent.path}{key}/", "proactive", size, proactive_family)
        for key, name, _share, size in B.PROACTIVE_COLUMNS
    ]
    columns = {spec[0]: make(*spec) for spec in specs}

    def static_pages(counts: dict[str, int]) -> int:
        total = 0
        for key, count in counts.items():
            col = columns[key]
            if col.family == "gkmlpt":
                continue
            if col.family in ("hanweb", "trs_api"):
                total += 1
            else:
                total += max(1, math.ceil(count / col.page_size))
        return total

    counts = B.plan_articles(target, static_pages)
    ids = itertools.count(1_000_001)
    for item in B.generate(rng, counts, place=site.place, publisher=site.publisher, years=years):
        columns[item.column].articles.append(
            Article(id=next(ids), title=item.title, published=item.published, kind=item.kind, bulk=True)
        )
    for col in columns.values():
        col.options = dict(col.options) | {"related": True}
        col.articles.sort(key=lambda a: (a.published, a.id), reverse=True)
        FAMILIES[col.family].assign_paths(col)
    site.bulk_columns = [c for c in columns.values() if c.role == "news"]
    site.proactive_columns = [c for c in columns.values() if c.role == "proactive"]
    site.sitemap_path = "/wzdt/index.html"
    site.apply_path = f"{section_dir}ysqgk/index.html" if profile.family != "gkmlpt" else "/ysqgk/index.html"


def _ext(profile: SiteProfile) -> str:
    return ".asp" if profile.options.get("list_file", "").endswith(".asp") else ".html"


def _department_bodies(
    profile: SiteProfile, place: str, years: list[int], reports_per_site: int | None
) -> list[str]:
    count = profile.departments
    if reports_per_site is not None:
        count = max(0, -(-reports_per_site // max(len(years), 1)) - 1)
    names = itertools.cycle(profile.department_names)
    bodies = []
    for number in range(count):
        name = next(names)
        bodies.append(f"{place}{name}" + ("" if number < len(profile.department_names) else str(number)))
    return bodies


def _report_plan(bodies: list[str], years: list[int], reports_per_site: int | None) -> list[tuple[str, int]]:
    """(body, year) of every generated report: every body every year, or the first ``reports_per_site``."""
    plan = [(body, year) for body in bodies for year in years]
    return plan if reports_per_site is None else plan[:reports_per_site]


_TITLE_PATTERNS = (
    "{p}{y}年政府信息公开工作年度报告",
    "{p}{y}年政府信息公开工作年度报告",
    "{p}{y}年度政府信息公开工作年度报告",
    "{p}{y}年政府信息公开工作年报",
)


def _report(
    article_id: int, rng: random.Random, body: str, year: int, profile: SiteProfile, **kw: Any
) -> Article:
    title = rng.choice(_TITLE_PATTERNS).format(p=body, y=year)
    spec = random_spec(rng, publisher=body, year=year, blanks=0.5 if rng.random() < 0.15 else 0.0, **kw)
    spec.title = title
    form = rng.choices(("html", "pipe-pre", "pipe-p", "lines-p"), weights=(7, 1, 1, 1))[0]
    return Article(
        id=article_id,
        title=title,
        published=spec.published,
        kind="report",
        spec=spec,
        body_form=form,
        extra_meta=profile.cms == "trs" or rng.random() < 0.5,
        metadata_block=profile.cms == "plain" or rng.random() < 0.5,
        blank=rng.choice(("&nbsp;", "")),
        word_style=rng.random() < 0.3,
    )


def _add_extras(
    main: Column,
    ids: Iterator[int],
    rng: random.Random,
    profile: SiteProfile,
    publisher: str,
    years: list[int],
) -> None:
    """The demo set's one-off documents: seed texts, a pre-2019 report, look-alikes."""
    for seed_id in profile.seeds:
        truth = seed_truth()[seed_id]
        main.articles.append(
            Article(
                id=next(ids),
                title=truth["title"],
                published=truth["published"],
                kind="report",
                seed_id=seed_id,
                body_form="seed-p",
                metadata_block=False,
            )
        )
    if profile.legacy_report:
        main.articles.append(_report(next(ids), rng, publisher, 2018, profile))
    if profile.interpretation:
        year = years[0]
        main.articles.append(
            Article(
                id=next(ids),
                title=f"图解：{publisher}{year}年政府信息公开工作年度报告",
                published=f"{year + 1}-03-31",
                kind="interpretation",
                text=f"为便于公众理解，现将{publisher}{year}年政府信息公开工作年度报告以图解形式解读如下。\n"
                "（图解内容略）详细数据请查阅年度报告全文。",
            )
        )
    if profile.offsite_report:
        year = years[1] if len(years) > 1 else years[0]
        main.articles.append(
            Article(
                id=next(ids),
                title=f"省人民政府{year}年政府信息公开工作年度报告",
                published=f"{year + 1}-03-30",
                kind="offsite",
                href=OFFSITE_REPORT_URL.format(year=year),
            )
        )


def _day(year: int, month: int, day: int, rng: random.Random, spread: int = 20) -> str:
    return (date(year, month, day) + timedelta(days=rng.randint(0, spread))).isoformat()


def _column_noise(
    ids: Iterator[int], rng: random.Random, owner: str, place: str, years: list[int]
) -> list[Article]:
    """Things a 年报 column holds that are not reports: notices, 统计年报, 决算."""
    newest = years[0]
    stats_year = rng.choice(years)
    accounts_year = rng.choice(years)
    return [
        Article(
            id=next(ids),
            title=f"关于做好{newest}年政府信息公开工作年度报告编制发布工作的通知",
            published=_day(newest + 1, 1, 3, rng, 5),
            kind="notice",
            text=_NOTICE.format(place=place, y=newest, y1=newest + 1),
        ),
        Article(
            id=next(ids),
            title=f"{place}{stats_year}年统计年报",
            published=_day(stats_year + 1, 4, 10, rng),
            kind="statistics",
            text=f"{place}{stats_year}年国民经济和社会发展主要统计指标如下。",
            table=(
                ("指标", "单位", "数值"),
                ("地区生产总值", "亿元", f"{rng.randint(50, 900)}.{rng.randint(0, 9)}"),
                ("一般公共预算收入", "亿元", f"{rng.randint(5, 90)}.{rng.randint(0, 9)}"),
                ("社会消费品零售总额", "亿元", f"{rng.randint(20, 400)}.{rng.randint(0, 9)}"),
                ("年末户籍人口", "万人", f"{rng.randint(3, 120)}.{rng.randint(0, 9)}"),
            ),
        ),
        Article(
            id=next(ids),
            title=f"{owner}{accounts_year}年度部门决算",
            published=_day(accounts_year + 1, 8, 1, rng),
            kind="final_accounts",
            text=f"根据预算法和有关规定，现将{owner}{accounts_year}年度部门决算公开如下。",
            table=(
                ("项目", "决算数(万元)"),
                ("一般公共预算财政拨款收入", f"{rng.randint(500, 90000)}.{rng.randint(10, 99)}"),
                ("政府性基金预算财政拨款收入", f"{rng.randint(0, 9000)}.{rng.randint(10, 99)}"),
                ("本年支出合计", f"{rng.randint(500, 99000)}.{rng.randint(10, 99)}"),
            ),
        ),
    ]


_NOTICE = (
    "各乡镇人民政府、街道办事处，{place}政府各部门：\n"
    "根据《中华人民共和国政府信息公开条例》和政府信息公开工作年度报告格式的有关要求，"
    "现就做好{y}年政府信息公开工作年度报告编制发布工作通知如下：\n"
    "一、各单位应于{y1}年1月31日前在本单位政府信息公开专栏公布{y}年政府信息公开工作年度报告。\n"
    "二、年度报告应严格按照格式要求编制，确保数据准确、勾稽关系正确。\n"
    "三、请各单位将年度报告电子版报送{place}政务公开办公室。"
)


def _guide(article_id: int, publisher: str, years: list[int]) -> Article:
    return Article(
        id=article_id,
        title=f"{publisher}政府信息公开指南",
        published=f"{years[-1]}-06-18",
        kind="guide",
        text=(
            f"为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制{publisher}政府信息公开指南。\n"
            "一、主动公开。公开范围、公开形式和公开时限。\n"
            "二、依申请公开。受理机构：办公室；申请方式：当面申请、信函申请、网络申请。\n"
            "三、监督和救济。公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。"
        ),
    )


def _rules(article_id: int, publisher: str, years: list[int]) -> Article:
    return Article(
        id=article_id,
        title=f"{publisher}政府信息公开保密审查制度",
        published=f"{years[-1]}-07-02",
        kind="rules",
        text="第一条 为规范政府信息公开保密审查工作，制定本制度。\n第二条 政府信息公开前，应当依照有关法律法规进行保密审查。",
    )


def _proactive(ids: Iterator[int], rng: random.Random, publisher: str, years: list[int]) -> list[Article]:
    year = rng.choice(years)
    return [
        Article(
            id=next(ids),
            title=f"{publisher}机构职能",
            published=f"{years[-1]}-05-20",
            kind="proactive",
            text=f"{publisher}是本级国家行政机关，负责执行本级人民代表大会的决议和上级国家行政机关的决定和命令。",
        ),
        Article(
            id=next(ids),
            title=f"{publisher}{year}年财政预算公开",
            published=_day(year, 2, 1, rng),
            kind="proactive",
            text=f"现将{publisher}{year}年财政预算公开如下。",
            table=(("项目", "预算数(万元)"), ("一般公共预算支出", f"{rng.randint(1000, 90000)}")),
        ),
    ]


_NEWS_TITLES = (
    "{place}召开{y}年政务公开工作推进会",
    "{place}开展“政府开放日”活动",
    "{place}举办政府信息公开业务培训",
    "{place}召开{y}年度政府信息公开工作年度报告编制培训会",
    "{place}推进基层政务公开标准化规范化建设",
)


def _news(ids: Iterator[int], rng: random.Random, place: str, years: list[int]) -> list[Article]:
    out = []
    for pattern in _NEWS_TITLES:
        year = rng.choice(years)
        out.append(
            Article(
                id=next(ids),
                title=pattern.format(place=place, y=year),
                published=_day(year + 1, 3, 1, rng, 200),
                kind="news",
                text=f"近日，{place}围绕政务公开重点工作进行部署。会议要求，各单位要进一步提高认识，压实责任，"
                "推动政务公开工作提质增效。",
            )
        )
    return out


def _traps(site: Site, slow_seconds: float) -> list[Trap]:
    reports = site.reports()
    newest = max((a for _, a in reports), key=lambda a: (a.published, a.id)) if reports else None
    ext = _ext(site.profile)
    traps = [
        Trap("not_found", f"/lmzl/old{ext}", "历史栏目"),
        Trap("server_error", "/search/search.jsp?keyword=report", "站内搜索"),
        Trap("redirect_loop", "/loop/a.html", "互动交流", target="/loop/b.html"),
        Trap("soft_404", "/zt/2019/index.html", "专题专栏"),
        Trap("robots_disallowed", "/admin/login.html", "后台管理"),
        Trap("malformed", site.news.articles[-1].path, site.news.articles[-1].title),
    ]
    if newest is not None:
        traps.insert(2, Trap("redirect", "/old/ndbg.html", "年报（旧版）", target=newest.path))
    if slow_seconds > 0:
        traps.append(Trap("slow", "/slow/index.html", "视频直播", delay=slow_seconds))
    return traps
