import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.html import parse_html
from parsers.metadata import clean_title, read_meta_tags, read_metadata

DATA = Path(__file__).parent / "data"
PAGES = DATA / "pages"
PAGE_IDS = sorted(p.stem for p in PAGES.glob("*.html"))


def load(page_id: str):
    root = parse_html((PAGES / f"{page_id}.html").read_bytes())
    expected = json.loads((PAGES / f"{page_id}.expected.json").read_text(encoding="utf-8"))
    return root, expected


# --- the real pages -----------------------------------------------------------------


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_real_page_metadata(page_id):
    root, expected = load(page_id)
    md = read_metadata(root, url=expected["url"])
    assert {key: getattr(md, key) for key in expected["metadata"]} == expected["metadata"]
    assert {key: md.provenance.get(key) for key in expected["provenance"]} == expected["provenance"]


def test_trs_page_without_metas_or_url_reads_the_dom():
    """004.html has no ArticleTitle/PubDate: the heading and the 发布日期 block carry them."""
    root, _ = load("004")
    md = read_metadata(root)
    assert md.page_title == "天宫一号与神舟九号载人交会对接任务第二场新闻发布会"
    assert md.provenance["page_title"] == "dom:div"
    assert md.published_date == "2012-06-24"


def test_url_date_is_the_last_resort():
    md = read_metadata(
        parse_html("<html><head><title>某某通知_某某市人民政府</title></head></html>"),
        url="http://www.example.gov.cn/xxgk/202103/t20210305_123.html",
    )
    assert (md.page_title, md.published_date, md.provenance["published_date"]) == (
        "某某通知",
        "2021-03-05",
        "url",
    )


def test_fragment_title_is_ignored():
    root, _ = load("005")
    md = read_metadata(root)
    assert md.page_title == "习近平主持召开深入推进长三角一体化发展座谈会"
    md = read_metadata(
        parse_html(
            "<html><body><div><title>无标题文档</title><h1>某某区2020年政府信息公开工作年度报告</h1></div></body></html>"
        )
    )
    assert md.page_title == "某某区2020年政府信息公开工作年度报告"


def test_meta_tags_all_kept_in_extra():
    root, _ = load("001")
    md = read_metadata(root)
    assert md.extra["Maketime"] == "2019-03-22 12:28:37"
    assert md.extra["guid"] == "201930332664"
    assert md.extra["url"] == "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html"
    root, _ = load("003")
    assert read_meta_tags(root)["lastmodifiedtime"] == "2007-08-20-23:59:59"


def test_meta_names_are_case_insensitive_and_first_non_empty_wins():
    metas = read_meta_tags(
        parse_html(
            "<html><head><meta name='keywords' content=''><meta name='Keywords' content='年报'>"
            "<meta name='PUBDATE' content='2021-02-01 08:00'><meta name='ColumnName' content='栏目名称'></head></html>"
        )
    )
    assert metas == {"keywords": "年报", "PUBDATE": "2021-02-01 08:00", "ColumnName": "栏目名称"}
    md = read_metadata(
        parse_html(
            "<html><head><meta name='PUBDATE' content='2021-02-01 08:00'>"
            "<meta name='ColumnName' content='栏目名称'></head></html>"
        )
    )
    assert (md.published_date, md.published_time, md.column_name) == ("2021-02-01", "08:00", None)


# --- metadata blocks in the DOM ------------------------------------------------

BLOCK_TABLE = """<html><body><table class="xxgk">
<tr><td>索 引 号：</td><td>005283492/2021-00013</td><td>主题分类：</td><td>政务公开</td></tr>
<tr><td>发布机构：</td><td>上街区人民政府</td><td>成文日期：</td><td>二〇二一年一月二十九日</td></tr>
<tr><td>文　　号：</td><td>上政〔2021〕3号</td><td>发布日期：</td><td>2021-02-01</td></tr>
<tr><td>有效性：</td><td>有效</td></tr></table>
<div class="TRS_Editor"><p>来源：本报告根据条例编制，内容很长很长，这是一段正文而不是元数据的值。</p></div></body></html>"""
BLOCK_UL = """<html><body><ul class="info"><li><span>索引号：</span><span>11410000/2021-00013</span></li>
<li>发文机关：<b>河南省人民政府办公厅</b></li><li>发文字号：豫政办〔2021〕5号</li>
<li>成文日期：2021年01月28日</li><li>公开日期：2021年02月03日</li></ul></body></html>"""
BLOCK_DL = """<html><body><dl><dt>信息分类</dt><dd>年度报告</dd><dt>发布单位</dt><dd>某某市统计局</dd>
<dt>发布时间</dt><dd>2022/1/15 09:30</dd></dl></body></html>"""
BLOCK_SPANS = """<html><body><div class="meta">发布时间：2021-01-04 11:02 来源：厦门市同安区莲花镇人民政府 浏览次数：12</div>
<p>时间：2019年以来，我们开展了大量工作，这是正文的一句话，包含了冒号后的长文本，不应被当作发布时间读取。</p></body></html>"""
UNLABELLED_LIST = """<html><body><ul class="nav"><li>首页</li><li>政务公开</li><li>办事服务</li></ul>
<ul class="xxgk-info"><li>005283492/2021-00013</li><li>上街区人民政府</li><li>政务公开,年报</li>
<li>2021-02-01</li><li>2021-02-03</li></ul><h1>郑州市上街区人民政府2020年政府信息公开工作年度报告</h1></body></html>"""
RANKED = """<html><body><div>时间：2020-01-01</div><div>发布日期：2021-02-02</div></body></html>"""


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            BLOCK_TABLE,
            {
                "index_number": "005283492/2021-00013",
                "topic": "政务公开",
                "publisher": "上街区人民政府",
                "written_date": "2021-01-29",
                "document_number": "上政〔2021〕3号",
                "published_date": "2021-02-01",
                "validity": "有效",
                "source": None,
            },
        ),
        (
            BLOCK_UL,
            {
                "index_number": "11410000/2021-00013",
                "publisher": "河南省人民政府办公厅",
                "document_number": "豫政办〔2021〕5号",
                "written_date": "2021-01-28",
                "published_date": "2021-02-03",
            },
        ),
        (
            BLOCK_DL,
            {
                "topic": "年度报告",
                "publisher": "某某市统计局",
                "published_date": "2022-01-15",
                "published_time": "09:30",
            },
        ),
        (
            BLOCK_SPANS,
            {
                "published_date": "2021-01-04",
                "published_time": "11:02",
                "source": "厦门市同安区莲花镇人民政府",
            },
        ),
        (RANKED, {"published_date": "2021-02-02"}),
        (
            UNLABELLED_LIST,
            {
                "index_number": "005283492/2021-00013",
                "publisher": "上街区人民政府",
                "topic": "政务公开,年报",
                "written_date": "2021-02-01",
                "published_date": "2021-02-03",
            },
        ),
    ],
)
def test_metadata_blocks(html, expected):
    md = read_metadata(parse_html(html))
    assert {key: getattr(md, key) for key in expected} == expected
    assert all(
        origin.startswith(("block:", "dom:list"))
        for key, origin in md.provenance.items()
        if expected.get(key)
    )


# --- text-only input --------------------------------------------------------------


def seed(name: str) -> str:
    return next((DATA / "seeds").glob(f"{name}_*.txt")).read_text(encoding="utf-8")


def test_seed_004_unlabelled_leading_list():
    md = read_metadata(None, text=seed("004"))
    assert md.index_number == "005283492/2021-00013"
    assert md.publisher == "上街区人民政府"
    assert md.topic == "政务公开,年报"
    assert md.written_date == "2021-02-01"
    assert md.published_date == "2021-02-01"
    assert md.provenance["index_number"] == "text:list"


def test_seed_001_time_line():
    md = read_metadata(None, text=seed("001"))
    assert (md.published_date, md.published_time) == ("2021-01-04", "11:02")
    assert md.provenance["published_date"] == "text:时间"


@pytest.mark.parametrize("name", ["000", "002", "003"])
def test_seeds_without_metadata_give_none(name):
    md = read_metadata(None, text=seed(name))
    assert md.published_date is None and md.publisher is None and md.index_number is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "发布时间：2021-01-04  来源：某某县人民政府\n标题",
            {"published_date": "2021-01-04", "source": "某某县人民政府"},
        ),
        ("【发布日期】2020年3月5日\n正文", {"published_date": "2020-03-05"}),
        (
            "• 2021-02-01\n某某区2020年政府信息公开工作年度报告",
            {"published_date": None},
        ),  # one item is no list
        ("• 某某局\n• 2021-02-01\n报告正文", {"publisher": "某某局", "published_date": "2021-02-01"}),
        (
            "ZB0101/2021-00001\n某某局\n2021-02-01\n正文",
            {"index_number": "ZB0101/2021-00001", "publisher": "某某局"},
        ),
        ("某某局\n2021-02-01\n报告正文", {"publisher": None, "published_date": None}),  # no bullets, no index
        ("通知\n正文", {"publisher": None, "published_date": None}),
    ],
)
def test_text_fallbacks(text, expected):
    md = read_metadata(None, text=text)
    assert {key: getattr(md, key) for key in expected} == expected


# --- titles ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "site", "column", "expected"),
    [
        (
            "山西品牌丝路行（南美站）正式启动 - 山西省人民政府门户网站 ",
            None,
            None,
            "山西品牌丝路行（南美站）正式启动",
        ),
        (
            "天宫一号与神舟九号载人交会对接任务第二场新闻发布会_中国载人航天官方网站",
            None,
            None,
            "天宫一号与神舟九号载人交会对接任务第二场新闻发布会",
        ),
        (
            "习近平主持召开深入推进长三角一体化发展座谈会-中国科普网",
            None,
            None,
            "习近平主持召开深入推进长三角一体化发展座谈会",
        ),
        (
            "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007　年末国债余额限额的决议__2007年第23号国务院公报_中国政府网",
            None,
            "2007年第23号",
            "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007年末国债余额限额的决议",
        ),
        ("年度报告_通知公告_郑州市上街区人民政府", None, None, "年度报告"),
        ("关于印发办法的通知|市财政局", None, None, "关于印发办法的通知"),
        (
            "2020年政府信息公开工作年度报告_投资运行_浙江省发改",
            "浙江省发改",
            "投资运行",
            "2020年政府信息公开工作年度报告",
        ),
        ("1-10月德清县固定资产投资结构趋稳趋优", None, None, "1-10月德清县固定资产投资结构趋稳趋优"),
        ("2019-2020年某某县人民政府", None, None, "2019-2020年某某县人民政府"),
        ("京彩三农 - 助力北京美丽乡村建设", None, None, "京彩三农 - 助力北京美丽乡村建设"),
        ("中国（山西）－巴西双向经贸投资推介会", None, None, "中国（山西）－巴西双向经贸投资推介会"),
        ("房屋交易", None, None, "房屋交易"),
        ("", None, None, ""),
    ],
)
def test_clean_title(title, site, column, expected):
    assert clean_title(title, site, column) == expected


# --- never raise ------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "<title>",
        "</title>",
        "<meta name='PubDate' content='",
        "<meta name='ArticleTitle' content='",
        "'>",
        "<h1>",
        "<div class='title'>",
        "</div>",
        "<td>",
        "<li>",
        "发布日期：",
        "索引号",
        "来源：",
        "：",
        "2021-02-01 10:00",
        "二〇二一年一月十二日",
        "• ",
        "\n",
        "</html>",
        "<!--",
        "_某某市人民政府",
    ]
)
_DOCS = st.lists(st.one_of(_PIECES, st.text(max_size=15)), max_size=40).map("".join)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.one_of(st.binary(max_size=300), _DOCS),
    st.one_of(st.none(), st.text(max_size=60)),
    st.one_of(st.none(), _DOCS),
)
def test_read_metadata_never_raises(body, url, text):
    md = read_metadata(parse_html(body), url=url, text=text)
    assert set(md.provenance) <= set(vars(md))
    read_metadata(None, url=url, text=text)


@given(st.text(), st.one_of(st.none(), st.text(max_size=10)))
def test_clean_title_never_grows(title, site):
    assert len(clean_title(title, site)) <= len(title)
