"""The bulk of a real portal: news, notices, policy files, 法定主动公开 sub-columns, a site map.

Real county portals have thousands of pages and the annual reports are a tiny share of them; a
crawler that walks everything pays for all of it. ``TestPortal(bulk=N)`` gives every site about N
extra pages reachable by links, none of them a report (some titles mention 年报 words, as real news
does). Titles and dates are drawn once per site from its own random stream; bodies are written on
request from the article id, so a large portal costs little memory.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

#: (key, name, directory under the site root or "{section}", noise kind, share of articles, page size)
NEWS_COLUMNS = (
    ("ywdt", "要闻动态", "/xwzx/ywdt/", "news", 0.32, 15),
    ("tzgg", "通知公告", "/xwzx/tzgg/", "notice", 0.18, 15),
    ("bmdt", "部门动态", "/xwzx/bmdt/", "news", 0.16, 15),
    ("zcwj", "政策文件", "{section}zcwj/", "policy", 0.14, 12),
)
#: 法定主动公开内容 sub-columns: (key, name, share, page size)
PROACTIVE_COLUMNS = (
    ("jgzn", "机构职能", 0.02, 10),
    ("ghjh", "规划计划", 0.03, 10),
    ("czyjs", "财政预决算", 0.05, 10),
    ("rsxx", "人事信息", 0.04, 10),
    ("zdxm", "重大建设项目", 0.03, 10),
    ("jyta", "建议提案办理", 0.03, 10),
)

_TITLES = {
    "ywdt": (
        "{place}召开{y}年第{q}季度经济运行分析会",
        "{place}开展安全生产隐患大排查大整治行动",
        "{place}推进乡村振兴重点工作现场会召开",
        "{place}召开{y}年度政府信息公开工作年度报告编制培训会",
        "{place}举办{y}年政务公开业务培训班",
        "{place}部署{y}年防汛防台工作",
        "{place}召开优化营商环境工作推进会",
        "{place}开展“{y}年政府开放日”活动",
        "{place}召开{y}年度政府信息公开工作年报审核会",
        "{place}召开第{n}次常务会议",
    ),
    "tzgg": (
        "关于{y}年春节放假安排的通知",
        "关于开展{y}年度政务公开工作考核的通知",
        "关于报送{y}年政府信息公开工作年度报告的通知",
        "{place}{y}年公开招聘事业单位工作人员公告",
        "关于{place}第{n}批拟命名示范村的公示",
        "关于征求《{place}城乡环境综合整治实施方案（征求意见稿）》意见的公告",
        "关于公布{y}年政府信息公开工作年度报告审核结果的通报",
        "{place}关于暂停办理不动产登记业务的通告",
    ),
    "bmdt": (
        "{dept}召开{y}年工作部署会",
        "{dept}开展政策宣传进社区活动",
        "{dept}完成{y}年度统计年报报送工作",
        "{dept}召开党风廉政建设工作会议",
        "{dept}组织开展业务技能培训",
        "{dept}赴{place}调研指导工作",
    ),
    "zcwj": (
        "{publisher}办公室关于印发{y}年政务公开工作要点的通知",
        "{publisher}关于印发《{place}促进民营经济发展若干措施》的通知",
        "{publisher}关于{y}年度法治政府建设情况的报告",
        "{publisher}办公室关于做好{y}年政府信息公开工作年度报告编制工作的通知",
        "{publisher}关于调整{place}最低生活保障标准的通知",
        "{publisher}办公室关于印发{place}突发事件总体应急预案的通知",
    ),
    "jgzn": ("{publisher}主要职责", "{publisher}领导分工", "{publisher}内设机构"),
    "ghjh": (
        "{place}国民经济和社会发展第十四个五年规划纲要",
        "{place}{y}年政府工作报告",
        "{place}{y}年国民经济和社会发展计划执行情况",
        "{place}国土空间总体规划（{y}—2035年）",
    ),
    "czyjs": (
        "{place}{y}年财政预算执行情况和{y1}年预算草案的报告",
        "{publisher}{y}年度部门预算",
        "{place}{y}年度财政决算",
        "{publisher}{y}年度部门决算",
        "{place}{y}年政府债务情况",
    ),
    "rsxx": (
        "{place}{y}年公开招聘事业单位工作人员拟聘用人员公示",
        "{publisher}关于{name}等同志职务任免的通知",
        "{place}{y}年度公务员考核优秀等次人员公示",
    ),
    "zdxm": (
        "{place}{y}年重大建设项目批准和实施情况",
        "{place}第{n}批重点项目招标结果公示",
        "{place}{y}年民生实事项目进展情况",
    ),
    "jyta": (
        "对{place}人大代表第{n}号建议的答复",
        "对政协{place}委员会第{n}号提案的答复",
        "{publisher}{y}年建议提案办理工作总结",
    ),
}

_NAMES = ("张伟", "王芳", "李强", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷")
_DEPTS = ("发展改革局", "财政局", "教育局", "民政局", "自然资源局", "农业农村局", "应急管理局", "卫生健康局")

_PARAGRAPHS = (
    "近日，{place}召开专题会议，研究部署相关重点工作。会议指出，要坚持以人民为中心的发展思想，"
    "统筹推进经济社会发展各项任务，确保全年目标任务圆满完成。",
    "会议要求，各单位要进一步提高政治站位，压紧压实工作责任，细化工作措施，加强协调配合，"
    "形成工作合力，推动各项工作落地见效。",
    "据了解，{y}年以来，{place}围绕中心、服务大局，聚焦群众急难愁盼问题，持续深化“放管服”改革，"
    "政务服务事项网上可办率达到98%以上。",
    "下一步，{place}将继续加强督促检查，建立工作台账，实行清单化管理、项目化推进，确保各项部署要求落到实处。",
    "各有关单位要严格按照时间节点要求报送材料，逾期未报送的将予以通报。联系电话：0000-12345678。",
    "本次活动共发放宣传资料{n}余份，现场解答群众咨询{q}0余人次，取得了良好的社会效果。",
)


@dataclass(frozen=True)
class BulkItem:
    """One generated article: which column, its title, date and noise kind."""

    column: str
    title: str
    published: str
    kind: str


def _pick(rng: random.Random, key: str, place: str, publisher: str, years: list[int]) -> str:
    year = rng.choice(years)
    return rng.choice(_TITLES[key]).format(
        place=place,
        publisher=publisher,
        y=year,
        y1=year + 1,
        q=rng.randint(1, 4),
        n=rng.randint(2, 60),
        name=rng.choice(_NAMES),
        dept=place + rng.choice(_DEPTS),
    )


def _date(rng: random.Random, years: list[int]) -> str:
    start = date(min(years), 1, 1)
    end = date(max(years) + 1, 12, 20)
    return (start + timedelta(days=rng.randint(0, (end - start).days))).isoformat()


def allocate(total_articles: int) -> dict[str, int]:
    """Articles per bulk column for ``total_articles`` (every column gets at least one)."""
    shares = {key: share for key, _n, _d, _k, share, _s in NEWS_COLUMNS}
    shares |= {key: share for key, _n, share, _s in PROACTIVE_COLUMNS}
    scale = sum(shares.values())
    return {key: max(1, round(total_articles * share / scale)) for key, share in shares.items()}


def plan_articles(
    target_pages: int, list_pages: Callable[[dict[str, int]], int], fixed_pages: int = 2
) -> dict[str, int]:
    """The smallest allocation whose articles + list pages + fixed pages reach ``target_pages``."""
    if target_pages <= 0:
        return {}
    articles = max(1, math.floor(target_pages * 0.8))
    while True:
        counts = allocate(articles)
        if sum(counts.values()) + list_pages(counts) + fixed_pages >= target_pages:
            return counts
        articles += 1


def generate(
    rng: random.Random, counts: dict[str, int], *, place: str, publisher: str, years: list[int]
) -> Iterator[BulkItem]:
    kinds = {key: kind for key, _n, _d, kind, _s, _p in NEWS_COLUMNS}
    for key, count in counts.items():
        kind = kinds.get(key, "proactive")
        for _ in range(count):
            yield BulkItem(key, _pick(rng, key, place, publisher, years), _date(rng, years), kind)


def article_text(article_id: int, place: str, year: int) -> str:
    """A body of three or four paragraphs, the same every time for the same article."""
    rng = random.Random(article_id)
    chosen = rng.sample(_PARAGRAPHS, k=rng.randint(3, 4))
    return "\n".join(
        p.format(place=place, y=year, n=rng.randint(100, 900), q=rng.randint(2, 9)) for p in chosen
    )
