"""The articles a simulated site publishes: its reports, the demo's one-off documents, and the
notices, statistics, accounts, guides and news that sit beside them.

Each function draws from the ``rng`` it is given, in a fixed order: the same draws give the same
site. Ids come from the site's ``ids`` counter.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from .model import Article, Column, SiteProfile
from .render import random_spec
from .seeds import seed_truth

OFFSITE_REPORT_URL = "http://www.example.gov.cn/zwgk/ndbg/{year}/report.html"

_TITLE_PATTERNS = (
    "{p}{y}年政府信息公开工作年度报告",
    "{p}{y}年政府信息公开工作年度报告",
    "{p}{y}年度政府信息公开工作年度报告",
    "{p}{y}年政府信息公开工作年报",
)


def report_article(
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


def demo_extras(
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
        main.articles.append(report_article(next(ids), rng, publisher, 2018, profile))
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


def column_noise(
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


#: The section's fixed documents: title, publication day (of the oldest year), body.
_FIXED_DOCUMENTS = {
    "guide": (
        "{p}政府信息公开指南",
        "06-18",
        "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制{p}政府信息公开指南。\n"
        "一、主动公开。公开范围、公开形式和公开时限。\n"
        "二、依申请公开。受理机构：办公室；申请方式：当面申请、信函申请、网络申请。\n"
        "三、监督和救济。公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。",
    ),
    "rules": (
        "{p}政府信息公开保密审查制度",
        "07-02",
        "第一条 为规范政府信息公开保密审查工作，制定本制度。\n第二条 政府信息公开前，应当依照有关法律法规进行保密审查。",
    ),
}


def fixed_article(kind: str, article_id: int, publisher: str, years: list[int]) -> Article:
    """The section's 政府信息公开指南 (``guide``) or 保密审查制度 (``rules``)."""
    title, day, text = _FIXED_DOCUMENTS[kind]
    return Article(
        id=article_id,
        title=title.format(p=publisher),
        published=f"{years[-1]}-{day}",
        kind=kind,
        text=text.format(p=publisher),
    )


def proactive_articles(
    ids: Iterator[int], rng: random.Random, publisher: str, years: list[int]
) -> list[Article]:
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


def news_articles(ids: Iterator[int], rng: random.Random, place: str, years: list[int]) -> list[Article]:
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


def old_noise(
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
