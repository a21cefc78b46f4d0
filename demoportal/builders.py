"""Building the simulated portals: a seed in, a deterministic list of :class:`~.model.Site` out.

:func:`build_sites` is the entry point. One site is built in parts (:func:`_build_site`): the
信息公开 section's own columns, the report columns (the site's, its departments', a second one),
the reports and what sits beside them, the news column, the list sizes of script-driven columns,
the section's address, attachments and traps. Columns are made per list family
(:class:`_ColumnMaker`): the dynamic families number their columns and carry their API options.
With ``bulk``, :func:`_add_bulk` adds the non-report mass of a real portal (:mod:`.bulk`).

Every draw comes from a seeded stream in a fixed order, so the same arguments always give the same
sites; the issue-4 kinds draw from a stream of their own, so the demo kinds stay as they were.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterator, Sequence, Set
from dataclasses import dataclass
from typing import Any

from parsers.constants import TABLE3_PART_COLUMNS

from . import bulk as B
from .articles import (
    column_noise,
    demo_extras,
    fixed_article,
    news_articles,
    old_noise,
    proactive_articles,
    report_article,
)
from .families import FAMILIES
from .kinds import ALL_FAMILIES, FAMILY_GROUPS, KIND_CYCLE, PROFILES
from .model import Article, Column, Department, PortalAttachment, Site, SiteProfile, Trap
from .render import ReportSpec

DEFAULT_YEARS = tuple(range(2019, 2025))

#: Where every random stream of a portal is named from. Changing it changes every generated site.
_STREAM = "gsspider-portal"

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

    ``n_sites`` sites cycle through the demo kinds (:data:`.kinds.KIND_CYCLE`); then each group named
    in ``families`` (keys of :data:`.kinds.FAMILY_GROUPS`, or "all") adds its sites, one per kind.
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
        rng = random.Random(f"{_STREAM}/{seed}/{index}")
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
            xrng=random.Random(f"{_STREAM}/{seed}/{index}/{kind}"),
        )
        if bulk > 0 and not site.blocked:
            _add_bulk(
                site, bulk, random.Random(f"{_STREAM}/{seed}/{index}/bulk"), sorted(years, reverse=True)
            )
        sites.append(site)
    return sites


# --- columns, per list family ----------------------------------------------------------------


class _Codes:
    """Numeric column ids (Hanweb columnid, TRS chnlid, gkmlpt columnId) for one site."""

    def __init__(self, rng: random.Random, start: int) -> None:
        self._next = itertools.count(start + rng.randint(1, 900) * 7)

    def __call__(self) -> int:
        return next(self._next)


@dataclass
class _ColumnMaker:
    """Makes the columns of one site. The dynamic families (Hanweb, TRS API, gkmlpt) give each
    column a numeric id and their API options; static ones share the site's family options."""

    family: str  # the site's own list family
    options: dict[str, Any]  # its family options, shared by its static columns
    codes: _Codes
    webid: int  # Hanweb
    site_name: str  # Hanweb
    sid: str  # gkmlpt
    hanweb_per_page: int | None = None  # items per Hanweb list page (None: the column's page_size)

    def __call__(
        self,
        key: str,
        name: str,
        directory: str,
        role: str,
        owner: str,
        page_size: int = 10,
        family: str | None = None,
    ) -> Column:
        family = family or self.family
        build = _FAMILY_COLUMNS.get(family, _static_column)
        return build(self, Column(key, name, directory, family, page_size, role, owner=owner))


def _hanweb_column(make: _ColumnMaker, column: Column) -> Column:
    """Hanweb: ``/col/col{columnid}/``, its jpage dataproxy parameters."""
    code = make.codes()
    column.path = f"/col/col{code}/"
    column.options = {
        "code": code,
        "unitid": code % 100000 + 1000,
        "webid": make.webid,
        "webname": make.site_name,
    }
    column.options |= {"per_page": make.hanweb_per_page or column.page_size, "group_size": 3}
    return column


def _trs_api_column(make: _ColumnMaker, column: Column) -> Column:
    """TRS 动静结合: the site's options, the column's ``chnlid`` and page size."""
    column.options = dict(make.options) | {"chnlid": make.codes(), "page_size": column.page_size}
    return column


def _gkmlpt_column(make: _ColumnMaker, column: Column) -> Column:
    """gkmlpt: every column under ``/gkmlpt/``, told apart by its ``columnId`` (and the site's ``sid``)."""
    column.path = "/gkmlpt/"
    column.options = dict(make.options) | {
        "code": make.codes(),
        "sid": make.sid,
        "page_size": column.page_size,
    }
    return column


def _static_column(make: _ColumnMaker, column: Column) -> Column:
    """TRS, paged, jsrender: the site's family options, none for a static family beside a dynamic
    one (gkmlpt sites' news)."""
    column.options = make.options if column.family == make.family else {}
    return column


_FAMILY_COLUMNS: dict[str, Callable[[_ColumnMaker, Column], Column]] = {
    "hanweb": _hanweb_column,
    "trs_api": _trs_api_column,
    "gkmlpt": _gkmlpt_column,
}

#: Where each dynamic family's column ids start (the site's own columns, then its bulk columns).
_CODE_STARTS = {"hanweb": 1228990000, "trs_api": 40000, "gkmlpt": 2700}
_BULK_CODE_STARTS = {"hanweb": 1229500000, "trs_api": 60000, "gkmlpt": 5800}


def _place_articles(columns: Sequence[Column]) -> None:
    """Newest first, and every article given its URL by its column's family."""
    for column in columns:
        column.articles.sort(key=lambda a: (a.published, a.id), reverse=True)
        FAMILIES[column.family].assign_paths(column)


# --- one site --------------------------------------------------------------------------------


@dataclass
class _Draft:
    """What the parts of one site are built from."""

    profile: SiteProfile
    place: str  # 青川县
    publisher: str  # 青川县人民政府
    years: list[int]  # newest first
    rng: random.Random  # the demo kinds' draws
    xrng: random.Random  # the issue-4 kinds' own draws
    ids: Iterator[int]  # article ids
    make: _ColumnMaker


@dataclass
class _ReportColumns:
    """The columns a site's reports are listed in, and which body's reports go where."""

    main: Column  # the site's own report column
    second: Column | None  # a second column of the last department's (Hanweb, TRS API)
    departments: list[Department]  # departments' own sub-columns
    targets: dict[str, Column]  # body -> its column


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
    xrng = xrng or random.Random(f"{index}/{profile.kind}")
    draft = _Draft(profile, place, publisher, years, rng, xrng, ids, _column_maker(profile, xrng, publisher))

    columns = _section_columns(draft)
    bodies = _department_bodies(profile, place, years, reports_per_site)
    reports = _report_columns(draft, bodies)
    columns += [reports.main] if reports.second is None else [reports.main, reports.second]
    _publish_reports(draft, reports, _report_plan([publisher, *bodies], years, reports_per_site), extras)
    news = draft.make("news", "新闻动态", "/xwdt/", "news", publisher, 10, profile.news_family or None)
    news.articles = news_articles(ids, rng, place, years)
    _size_dynamic_lists(draft, reports)
    _place_articles([*columns, *(c for d in reports.departments for c in d.columns), news])

    site = Site(
        index=index,
        key=f"s{index:02d}-{profile.kind}",
        profile=profile,
        place=place,
        publisher=publisher,
        name=draft.make.site_name,
        domain=f"www.site{index:02d}.gov.test",
        site_code=f"{rng.randint(1000, 9999)}{rng.randint(100000, 999999)}",
        org_code=f"{rng.randint(10000000, 99999999)}{rng.randint(0, 9)}",
        section_path=_section_path(draft),
        section_name=profile.section[1],
        columns=columns,
        news=news,
        departments=reports.departments,
        directory_path=f"{profile.section[0]}bmxxgk/index.html" if reports.departments else "",
        sid=draft.make.sid,
        xxe_probe_path="/xxe/probe.dtd" if "xxe" in profile.second_defects.values() else "",
    )
    if profile.attachments:
        _attach(site, reports.main, xrng)
    if profile.download_report:
        _hanweb_download(site, reports.main, xrng)
    site.traps = _traps(site, slow_seconds if (extras and profile.slow) else 0.0)
    return site


def _column_maker(profile: SiteProfile, xrng: random.Random, publisher: str) -> _ColumnMaker:
    """The site's column maker; its ids, gkmlpt ``sid`` and Hanweb ``webid`` are the first xrng draws."""
    codes = _Codes(xrng, _CODE_STARTS.get(profile.family, 0))
    sid = f"{xrng.randint(440000, 449999)}" if profile.family == "gkmlpt" else ""
    webid = xrng.randint(2, 400)
    site_name = publisher + profile.site_suffix
    return _ColumnMaker(
        profile.family, dict(profile.options), codes, webid, site_name, sid, hanweb_per_page=15
    )


def _section_columns(draft: _Draft) -> list[Column]:
    """The 信息公开 section's guide, rules and 法定主动公开内容 columns, with their articles."""
    section_dir, make, publisher = draft.profile.section[0], draft.make, draft.publisher
    guide = make("guide", "政府信息公开指南", f"{section_dir}zfxxgkzn/", "guide", publisher)
    rules = make("rules", "政府信息公开制度", f"{section_dir}zfxxgkzd/", "rules", publisher)
    proactive = make("proactive", "法定主动公开内容", f"{section_dir}fdzdgknr/", "proactive", publisher)
    guide.articles = [fixed_article("guide", next(draft.ids), publisher, draft.years)]
    rules.articles = [fixed_article("rules", next(draft.ids), publisher, draft.years)]
    proactive.articles = proactive_articles(draft.ids, draft.rng, publisher, draft.years)
    return [guide, rules, proactive]


def _report_columns(draft: _Draft, bodies: list[str]) -> _ReportColumns:
    """The site's report column; departments' sub-columns (if the kind has them); a second column
    for the last department (if the kind has one). Department reports go to the site's column else."""
    profile, make, publisher = draft.profile, draft.make, draft.publisher
    section_dir = profile.section[0]
    report_key, report_name = profile.report_column
    main = make(
        "reports", report_name, f"{section_dir}{report_key}/", "reports", publisher, profile.page_size
    )
    targets = dict.fromkeys([publisher, *bodies], main)
    departments: list[Department] = []
    if profile.department_columns:
        for number, body in enumerate(bodies, start=1):
            directory = f"{section_dir}bmxxgk/bm{number:02d}/zfxxgknb/"
            sub = make("reports", "政府信息公开年报", directory, "reports", body, 4)
            departments.append(Department(body, [sub]))
            targets[body] = sub
    second = None
    if profile.second_column and bodies:
        second_key, second_name = profile.second_column
        second = make("reports", second_name, f"{section_dir}{second_key}/", "reports", bodies[-1], 10)
        targets[bodies[-1]] = second
    return _ReportColumns(main, second, departments, targets)


def _publish_reports(
    draft: _Draft, reports: _ReportColumns, plan: list[tuple[str, int]], extras: bool
) -> None:
    """Every planned report in its body's column, the demo's one-off documents, and in every report
    column the notices, statistics and accounts that sit beside reports."""
    profile, publisher, years, rng = draft.profile, draft.publisher, draft.years, draft.rng
    # The demo's defective report: one of the site's own, its 总计 off by a few.
    defective = (publisher, years[min(2, len(years) - 1)]) if extras and profile.defect else None
    plants = _research_plants(reports, publisher, years) if extras and profile.defect else {}
    made: dict[str, list[Article]] = {}
    for body, year in plan:
        defect = "total_mismatch" if (body, year) == defective else None
        plant = plants.get((body, year))
        article = report_article(next(draft.ids), rng, body, year, profile, defect=defect)
        if plant == "missing":
            continue  # drawn all the same, so every other report stays as it was
        if plant == "late":
            article.published = f"{year + 1}-05-18"
            assert article.spec is not None
            article.spec.published = article.published
        reports.targets[body].articles.append(article)
        made.setdefault(body, []).append(article)
    for body, articles in made.items():
        planted = {y for (b, y), kind in plants.items() if b == body and kind == "cross_year"}
        chain_carry_over(articles, mismatch=planted)
    if extras:
        demo_extras(reports.main, draft.ids, rng, profile, publisher, years)
    for target in {id(c): c for c in reports.targets.values()}.values():
        target.articles += column_noise(draft.ids, rng, target.owner, draft.place, years)


def _research_plants(reports: _ReportColumns, publisher: str, years: list[int]) -> dict[tuple[str, int], str]:
    """What the demo county plants for coverage and cross-year checks (issue 13): its newest
    report carries over 2 more than the year before carried forward (``cross_year``), its first
    department skips a year (``missing``) and its second publishes after 31 March (``late``)."""
    bodies = [b for b in reports.targets if b != publisher]
    plants = {(publisher, years[0]): "cross_year"}
    if len(years) > 3 and bodies:
        plants[(bodies[0], years[3])] = "missing"
    if len(years) > 1 and len(bodies) > 1:
        plants[(bodies[1], years[1])] = "late"
    return plants


def chain_carry_over(articles: list[Article], mismatch: Set[int] = frozenset()) -> None:
    """Make one body's reports agree across years, as real ones do: each year's 上年结转 is the
    previous year's 结转下年度 (per applicant column), the year's own identities kept (新收 takes the
    difference; where it cannot, 予以公开 and (七)总计 do). A year in ``mismatch`` then carries over
    2 more in the 自然人 column (its own identities still hold): the planted cross-year mismatch."""
    by_year = {a.spec.year: a.spec for a in articles if a.spec is not None and a.spec.table3}
    for year in sorted(by_year):
        table3, prev = by_year[year].table3, by_year.get(year - 1)
        if prev is None:
            continue
        before = {row: _parts(table3, row) for row in _SHIFTED_ROWS}
        for column in TABLE3_PART_COLUMNS:
            want = prev.table3["carried_forward"].get(column) or 0
            want += 2 if (year in mismatch and column == "natural_person") else 0
            have = table3["carried_over"].get(column) or 0
            if want != have:
                _shift_carry_over(table3, column, want - have)
        for row in _SHIFTED_ROWS:
            change = _parts(table3, row) - before[row]
            if change:  # the 总计 column moves with its parts (a planted 总计 defect stays)
                table3[row]["total"] = (table3[row].get("total") or 0) + change


_SHIFTED_ROWS = ("new_received", "carried_over", "granted", "total_processed")


def _parts(table3: dict[str, dict[str, int | None]], row: str) -> int:
    return sum(table3[row].get(c) or 0 for c in TABLE3_PART_COLUMNS)


def _shift_carry_over(table3: dict[str, dict[str, int | None]], column: str, delta: int) -> None:
    table3["carried_over"][column] = (table3["carried_over"].get(column) or 0) + delta
    new = (table3["new_received"].get(column) or 0) - delta
    if new >= 0:
        table3["new_received"][column] = new
        return
    table3["new_received"][column] = 0
    for row in ("granted", "total_processed"):
        table3[row][column] = (table3[row].get(column) or 0) - new


def _size_dynamic_lists(draft: _Draft, reports: _ReportColumns) -> None:
    """List sizes of the script-driven report columns; the second column gets a long tail of old
    noise, its recent items all in the first answer."""
    second = reports.second
    if second is not None:
        recent = len(second.articles)
        second.articles += old_noise(draft.ids, draft.xrng, second.owner, draft.place, draft.years, count=20)
        _size_dynamic(second, first=recent, defects=draft.profile.second_defects)
    if draft.profile.family in ("hanweb", "trs_api"):
        _size_dynamic(reports.main)


def _section_path(draft: _Draft) -> str:
    """Where the site's 信息公开 section is (a Hanweb section is a column of its own)."""
    family = draft.profile.family
    if family == "hanweb":
        return f"/col/col{draft.make.codes()}/index.html"
    if family == "gkmlpt":
        return "/gkmlpt/index"
    return f"{draft.profile.section[0]}index{_ext(draft.profile)}"


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


# --- attachment-only reports -----------------------------------------------------------------

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
            article.attachment = PortalAttachment(kind, images[0], "", images[1:])
            article.title += "（图片版）"
            if article.spec is not None:
                article.spec.title = article.title
        elif kind == "expiring_pdf":
            token = f"{rng.getrandbits(64):016x}"
            path = f"/attach/download.do?fileId={article.id}&token={token}"
            article.attachment = PortalAttachment(kind, path, article.title + ".pdf")
        else:
            ext = _EXTENSIONS[kind]
            article.attachment = PortalAttachment(kind, f"{directory}{stem}.{ext}", f"{article.title}.{ext}")


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
    article.attachment = PortalAttachment(
        "pdf", f"/module/download/downfile.jsp?classid=0&filename={name}.pdf", article.title + ".pdf"
    )


# --- bulk ------------------------------------------------------------------------------------


def _add_bulk(site: Site, target: int, rng: random.Random, years: list[int]) -> None:
    """About ``target`` extra pages: news-type columns, 法定主动公开 sub-columns, a site map, 依申请公开."""
    profile = site.profile
    section_dir = profile.section[0]
    news_family = profile.news_family or profile.family
    proactive_parent = next(c for c in site.columns if c.role == "proactive")
    make = _ColumnMaker(
        profile.family,
        dict(profile.options),
        _Codes(rng, _BULK_CODE_STARTS.get(profile.family, 0)),
        webid=next((c.options["webid"] for c in site.columns if "webid" in c.options), 1),
        site_name=site.name,
        sid=site.sid,
    )
    specs = [
        (key, name, directory.replace("{section}", section_dir), "news", size, news_family)
        for key, name, directory, _kind, _share, size in B.NEWS_COLUMNS
    ] + [
        (key, name, f"{proactive_parent.path}{key}/", "proactive", size, profile.family)
        for key, name, _share, size in B.PROACTIVE_COLUMNS
    ]
    columns = {
        key: make(key, name, directory, role, site.publisher, size, family)
        for key, name, directory, role, size, family in specs
    }

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
    _place_articles(list(columns.values()))
    site.bulk_columns = [c for c in columns.values() if c.role == "news"]
    site.proactive_columns = [c for c in columns.values() if c.role == "proactive"]
    site.sitemap_path = "/wzdt/index.html"
    site.apply_path = f"{section_dir}ysqgk/index.html" if profile.family != "gkmlpt" else "/ysqgk/index.html"
