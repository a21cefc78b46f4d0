"""A deterministic corpus of annual-report documents for benchmarks.

``build_corpus(n=1000, seed=0)`` returns ``n`` documents as ``(name, body bytes, content type)``:

* about 84 % whole article pages from :func:`demoportal.render.render_report_page` — 2019,
  2021 and a few pre-2019 layouts; tables as HTML (``&nbsp;`` or empty blanks, Word-style cell
  markup) or as pipe / one-cell-per-line text in ``<pre>``/``<p>``; TRS and plain CMS bodies;
  UTF-8 and GBK. Each page is brought to a size drawn from 25-95 KB, the range of real report
  pages, with more narrative paragraphs from the seeds and with the chrome real portals carry
  (menus, side lists of related links, link groups, inline CSS and scripts);
* about 15 % extracted-text reports (pipe rows, one cell per line), UTF-8 or GB18030;
* every real text in ``tests/data/seeds/`` and ``tests/data/real-reports/``, byte for byte.

Everything is a function of ``seed``: no clock, no global randomness.
"""

from __future__ import annotations

import random
from pathlib import Path

from demoportal.render import (
    PageChrome,
    ReportSpec,
    place_of,
    random_spec,
    render_report_page,
    render_report_text,
)
from demoportal.seeds import adapt_paragraph, narrative_pools

ROOT = Path(__file__).resolve().parents[1]
REAL_TEXT_DIRS = (ROOT / "tests" / "data" / "seeds", ROOT / "tests" / "data" / "real-reports")

#: Share of generated documents that are extracted text rather than HTML pages.
TEXT_SHARE = 0.15
#: Size range of a real report page, bytes.
PAGE_BYTES = (25_000, 95_000)

Doc = tuple[str, bytes, str]

_BODY_FORMS = (("html", 70), ("pipe-pre", 10), ("pipe-p", 10), ("lines-p", 10))
_PLACES = "青川临江东岭南浦西陵北屏清源云溪白石丰宁安平永和长乐新桥石门"
_PUBLISHERS = (
    "县人民政府",
    "市人民政府",
    "区人民政府",
    "镇人民政府",
    "街道办事处",
    "县财政局",
    "市教育局",
    "县卫生健康局",
)
_COLUMNS = ("政府信息公开年报", "政府信息公开工作年度报告", "信息公开年报", "年度报告")
_TOPICS = (
    "关于印发{y}年政务公开工作要点的通知",
    "{p}{y}年国民经济和社会发展统计公报",
    "{p}召开{y}年第{n}次常务会议",
    "{p}关于开展安全生产大检查的通知",
    "{y}年{m}月份重点项目建设进展情况",
    "{p}{y}年度部门预算公开",
    "关于{y}年度行政执法情况的公示",
    "{p}举行优化营商环境新闻发布会",
    "{p}扎实推进乡村振兴工作",
    "关于公开征求《{p}城乡规划(草案)》意见的公告",
    "{p}{y}年度重大行政决策事项目录",
    "政策解读:{p}促进民营经济发展若干措施",
    "{p}开展“双随机、一公开”联合抽查",
    "{y}年{m}月{p}空气质量状况",
)
_NAV = (
    "首页",
    "走进{p}",
    "政务公开",
    "政务服务",
    "互动交流",
    "专题专栏",
    "数据发布",
    "政策文件",
    "政策解读",
    "新闻发布会",
    "部门动态",
    "乡镇动态",
    "通知公告",
    "人事信息",
    "财政信息",
    "统计信息",
    "规划计划",
    "应急管理",
    "建议提案办理",
    "重点领域信息公开",
    "政府信息公开指南",
    "政府信息公开制度",
    "依申请公开",
)
_LINK_GROUPS = ("中央政府网站", "省级政府网站", "市县政府网站", "部门网站", "新闻媒体", "便民服务")


def build_corpus(n: int = 1000, seed: int = 0) -> list[Doc]:
    """``n`` documents (at least the real texts), deterministic in ``seed``."""
    rng = random.Random(seed)
    real = _real_texts()
    generated = max(0, n - len(real))
    n_text = round(generated * TEXT_SHARE)
    kinds = ["text"] * n_text + ["page"] * (generated - n_text)
    rng.shuffle(kinds)
    docs: list[Doc] = []
    for index, kind in enumerate(kinds):
        docs.append(_text_doc(rng, index) if kind == "text" else _page_doc(rng, index))
    return docs + real


# --- the pieces -----------------------------------------------------------------------------------


def _real_texts() -> list[Doc]:
    out = []
    for folder in REAL_TEXT_DIRS:
        for path in sorted(folder.glob("*.txt")):
            out.append((f"real-{folder.name}-{path.name}", path.read_bytes(), "text/plain"))
    return out


def _spec(rng: random.Random) -> ReportSpec:
    place = "".join(rng.sample(_PLACES, 2))
    year = rng.choice((2017, 2018) if rng.random() < 0.05 else (2019, 2020, 2021, 2022, 2023, 2024))
    spec = random_spec(
        rng,
        year=year,
        publisher=place + rng.choice(_PUBLISHERS),
        blanks=rng.choice((0.0, 0.0, 0.2, 0.6)),
        defect="total_mismatch" if rng.random() < 0.1 else None,
    )
    # Real reports run to 6-25 KB of text; random_spec writes only a few paragraphs.
    pools = narrative_pools()
    where = place_of(spec.publisher)
    extra = rng.choices(pools["overview"], k=rng.randint(0, 14))
    spec.paragraphs += [adapt_paragraph(s, p, year=spec.year, place=where) for s, p in extra]
    extra = rng.choices(pools["problems"], k=rng.randint(0, 5))
    spec.problems += [adapt_paragraph(s, p, year=spec.year, place=where) for s, p in extra]
    return spec


def _text_doc(rng: random.Random, index: int) -> Doc:
    spec = _spec(rng)
    form = rng.choice(("pipe", "lines"))
    encoding = "gb18030" if rng.random() < 0.2 else "utf-8"
    body = render_report_text(spec, form).encode(encoding, "xmlcharrefreplace")
    ctype = rng.choice(("text/plain", f"text/plain; charset={encoding}"))
    return f"{index:05d}-text-{form}-{spec.template}-{encoding}.txt", body, ctype


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _page_doc(rng: random.Random, index: int) -> Doc:
    spec = _spec(rng)
    place = place_of(spec.publisher)
    charset = "gbk" if rng.random() < 0.25 else "utf-8"
    body_form = _weighted(rng, _BODY_FORMS)
    cms = rng.choice(("trs", "plain"))
    domain = f"www.{rng.choice('abcdefghjkmnpqrstwxyz')}{rng.randint(10, 999)}.gov.cn"
    column = rng.choice(_COLUMNS)
    chrome = PageChrome(
        site_name=f"{place}人民政府",
        site_domain=domain,
        site_code=f"{rng.randint(1000, 9999)}{rng.randint(100000, 999999)}",
        nav=tuple((f"/col/col{rng.randint(1000, 99999)}/index.html", t.format(p=place)) for t in _NAV),
        breadcrumb=(("/zwgk/index.html", "政务公开"), ("/zwgk/xxgknb/index.html", column)),
        footer_org=f"{place}人民政府办公室",
        charset=charset,
    )
    published = spec.published.replace("-", "")
    url = f"http://{domain}/zwgk/xxgknb/{published[:6]}/t{published}_{rng.randint(100000, 9999999)}.html"
    page = render_report_page(
        spec,
        cms=cms,
        site_name=chrome.site_name,
        column_name=column,
        url=url,
        index_number=f"{rng.randint(10**8, 10**9 - 1)}/{spec.year + 1}-{rng.randint(1, 99999):05d}",
        extra_meta=rng.random() < 0.8,
        metadata_block=rng.random() < 0.7,
        body_form=body_form,
        blank=rng.choice(("&nbsp;", "")),
        word_style=rng.random() < 0.4,
        chrome=chrome,
    )
    target = rng.randint(*PAGE_BYTES)
    page = _pad(rng, page, place, spec.year, charset, target)
    ctype = rng.choice(("text/html", f"text/html; charset={charset}"))
    name = f"{index:05d}-page-{body_form}-{cms}-{spec.template}-{charset}.html"
    return name, page.encode(charset, "xmlcharrefreplace"), ctype


# --- page chrome ------------------------------------------------------------------------------------


def _title(rng: random.Random, place: str, year: int) -> str:
    return rng.choice(_TOPICS).format(p=place, y=year, n=rng.randint(1, 30), m=rng.randint(1, 12))


def _date(rng: random.Random, year: int) -> str:
    return f"{year + rng.choice((0, 1))}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _link_list(rng: random.Random, place: str, year: int, heading: str, items: int) -> str:
    lis = "".join(
        f'<li><a href="/xwdt/{rng.randint(100000, 999999)}.html" target="_blank" '
        f'title="{(t := _title(rng, place, year))}">{t}</a><span class="date">{_date(rng, year)}</span></li>'
        for _ in range(items)
    )
    return (
        f'<div class="side-box"><div class="side-title"><h3>{heading}</h3>'
        f'<a class="more" href="/xwdt/index.html">更多&gt;&gt;</a></div><ul class="side-list">{lis}</ul></div>'
    )


def _mega_menu(rng: random.Random, place: str) -> str:
    cols = []
    for name in rng.sample(_NAV, 8):
        links = "".join(
            f'<dd><a href="/col/col{rng.randint(1000, 99999)}/index.html">{t.format(p=place)}</a></dd>'
            for t in rng.sample(_NAV, 10)
        )
        cols.append(f"<dl><dt>{name.format(p=place)}</dt>{links}</dl>")
    return f'<div class="sub-nav" style="display:none">{"".join(cols)}</div>'


def _link_groups(rng: random.Random, place: str) -> str:
    groups = []
    for name in _LINK_GROUPS:
        options = "".join(
            f'<option value="http://www.{rng.randint(1, 999)}.gov.cn/">{place}{rng.choice(_NAV).format(p="")}</option>'
            for _ in range(12)
        )
        groups.append(f'<select onchange="window.open(this.value)"><option>{name}</option>{options}</select>')
    return f'<div class="links">{"".join(groups)}</div>'


def _style(rng: random.Random) -> str:
    rules = "\n".join(
        f".c{rng.randint(0, 99999)} .n{i} {{margin:{rng.randint(0, 20)}px {rng.randint(0, 20)}px;"
        f"font-size:{rng.randint(12, 18)}px;color:#{rng.randint(0, 0xFFFFFF):06x};line-height:{rng.randint(18, 32)}px}}"
        for i in range(40)
    )
    return f'<style type="text/css">\n{rules}\n</style>'


def _script(rng: random.Random) -> str:
    body = "\n".join(
        f'  $(".tab{i}").hover(function(){{ $(this).addClass("on").siblings().removeClass("on");'
        f' $(".box{i}").eq($(this).index()).show().siblings().hide(); }});'
        for i in range(rng.randint(10, 30))
    )
    return (
        '<script type="text/javascript">\n$(function(){\n'
        + body
        + f'\n}});\nvar _hmt = _hmt || []; var siteId = "{rng.randint(10**9, 10**10)}";\n'
        "function doZoom(size){ document.getElementById('zoom').style.fontSize = size + 'px'; }\n</script>"
    )


def _insert(page: str, marker: str, block: str, before: bool = True) -> str:
    at = page.find(marker)
    if at < 0:  # the renderer changed its markup: put the block at the end of the page
        return page + block
    return (
        page[:at] + block + page[at:]
        if before
        else page[: at + len(marker)] + block + page[at + len(marker) :]
    )


def _pad(rng: random.Random, page: str, place: str, year: int, charset: str, target: int) -> str:
    """Add page chrome in realistic places until the encoded page reaches ``target`` bytes."""
    size = len(page.encode(charset, "xmlcharrefreplace"))
    if size >= target:
        return page
    makers = (
        ("</head>", lambda: _style(rng)),
        ("</head>", lambda: _script(rng)),
        (
            '<div class="footer">',
            lambda: _link_list(rng, place, year, rng.choice(("相关链接", "热点信息", "最新公开")), 12),
        ),
        ('<div class="position">', lambda: _mega_menu(rng, place)),
        ('<div class="footer">', lambda: _link_groups(rng, place)),
        ("</body>", lambda: _script(rng)),
    )
    i = 0
    while size < target:
        marker, make = makers[i % len(makers)]
        block = make() + "\n"
        grow = len(block.encode(charset, "xmlcharrefreplace"))
        i += 1
        if size + grow > target and size >= PAGE_BYTES[0]:
            break  # close enough: stay inside the real range rather than overshoot it
        size += grow
        page = _insert(page, marker, block)
    return page


if __name__ == "__main__":
    corpus = build_corpus()
    sizes = [len(body) for _, body, _ in corpus]
    print(f"{len(corpus)} documents, {sum(sizes) / 1e6:.1f} MB, {min(sizes)}-{max(sizes)} bytes")
