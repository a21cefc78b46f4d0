import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.dates import date_from_url, parse_date, parse_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024/3/5", "2024-03-05"),
        ("2024.03.05", "2024-03-05"),
        ("2024年3月5日", "2024-03-05"),
        ("2024 年 3 月 5 日", "2024-03-05"),
        ("2024年03月05日 10:31", "2024-03-05"),
        ("２０２４年３月５日", "2024-03-05"),
        ("２０２４－０３－０５", "2024-03-05"),
        ("二〇二四年三月五日", "2024-03-05"),
        ("二○二一年一月十二日", "2021-01-12"),
        ("二零二一年十二月三十一日", "2021-12-31"),
        ("二O二O年十月二十日", "2020-10-20"),
        ("20240305", "2024-03-05"),
        ("发布日期：2016-11-22", "2016-11-22"),
        ("时间:2021-01-04 11:02", "2021-01-04"),
        ("2024-02-29", "2024-02-29"),
        ("成文日期：2021年1月5号", "2021-01-05"),
        # impossible or not a date at all
        ("2024-13-01", None),
        ("2023-02-30", None),
        ("2023-02-29", None),
        ("2024年3-5", None),
        ("2024-03/05", None),
        ("2024年3月", None),
        ("0371-68937967", None),
        ("005283492/2021-00013", None),
        ("1.1:50.3:48.6", None),
        ("99999999", None),
        ("1850-01-01", None),
        ("二〇二四年十三月五日", None),
        ("", None),
        ("住宅", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-11-22 09:53", ("2016-11-22", "09:53")),
        ("2024年03月05日 10:31", ("2024-03-05", "10:31")),
        ("2019年9月18日10时31分", ("2019-09-18", "10:31")),
        ("2007-08-20-23:59:59", ("2007-08-20", "23:59")),
        ("2023-12-01T08:05:00+08:00", ("2023-12-01", "08:05")),
        ("2021-01-04 9:2", ("2021-01-04", "09:02")),
        ("2021-01-04", ("2021-01-04", None)),
        ("2021-01-04 25:00", ("2021-01-04", None)),
        ("2021-01-04 10:60", ("2021-01-04", None)),
        ("2021-01-04 浏览次数：12", ("2021-01-04", None)),
        ("10:31", (None, None)),
        (None, (None, None)),
    ],
)
def test_parse_datetime(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml", "2019-09-18"),
        ("./t20190918_693227.shtml", "2019-09-18"),
        ("http://www.cmse.gov.cn/ztbd/xwfbh/201206/t20120624_43188.html", "2012-06-24"),
        ("http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html", "2016-11-22"),
        ("http://www.zzsj.gov.cn/art/2021/1/4/art_123_456.html", "2021-01-04"),
        ("http://www.kepu.gov.cn/politics/2023-12/01/content_1755244.html", "2023-12-01"),
        ("http://www.gov.cn/zhengce/content/2021-03/05/content_5590000.htm", "2021-03-05"),
        ("http://example.gov.cn/20210305/abc.html", "2021-03-05"),
        ("http://example.gov.cn/xxgk/202103/05/abc.html", "2021-03-05"),
        # a folder naming only a month is not a date; impossible dates are ids
        ("http://example.gov.cn/xxgk/202103/index.html", None),
        ("http://example.gov.cn/art/2021/2/30/art_1_2.html", None),
        ("http://example.gov.cn/t20211340_1.html", None),
        ("http://example.gov.cn/col/1234/5/6/index.html", None),
        ("http://example.gov.cn/a.html?d=t20210305_1", None),
        ("http://bjjs.zjw.beijing.gov.cn/eportal/ui?pageId=307749", None),
        (None, None),
        ("", None),
    ],
)
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


_CN = "〇一二三四五六七八九"


def _cn_year(year: int) -> str:
    return "".join(_CN[int(d)] for d in str(year))


def _cn_small(n: int) -> str:
    tens, units = divmod(n, 10)
    if not tens:
        return _CN[units]
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[units] if units else "")


@given(st.dates(min_value=dt.date(1949, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_written_form_round_trips(day):
    iso = day.isoformat()
    forms = [
        iso,
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y%m%d}",
        f"{day.year}年{day.month}月{day.day}日".translate(
            str.maketrans("0123456789", "０１２３４５６７８９")
        ),
        f"{_cn_year(day.year)}年{_cn_small(day.month)}月{_cn_small(day.day)}日",
    ]
    for form in forms:
        assert parse_date(form) == iso, form


@given(st.text())
def test_any_text_gives_none_or_a_real_date(text):
    date, time = parse_datetime(text)
    if date is not None:
        assert dt.date.fromisoformat(date).isoformat() == date
    if time is not None:
        assert date is not None
        hours, minutes = map(int, time.split(":"))
        assert 0 <= hours < 24 and 0 <= minutes < 60


@given(st.text())
def test_any_url_gives_none_or_a_real_date(url):
    date = date_from_url(url)
    assert date is None or dt.date.fromisoformat(date).year >= 1995


# --- one reader: list rows, season crawls and the parser read a date alike -----------------------
# Before issue 10 the list readers and the season filter each had a regex of their own that read
# neither full-width digits nor numerals, and took 2024-02-30 or 2024年3-5 for dates.
LIST_DATE_FORMS = [
    ("2025-03-05", "2025-03-05"),
    ("2025-03-05 10:31:00", "2025-03-05"),
    ("2025/3/5", "2025-03-05"),
    ("２０２５年３月５日", "2025-03-05"),
    ("二〇二五年三月五日", "2025-03-05"),
    ("[2025.03.05]", "2025-03-05"),
    ("2025-02-30", None),
    ("2025年3-5", None),
    ("浏览次数：1234", None),
]


@pytest.mark.parametrize(("text", "expected"), LIST_DATE_FORMS)
def test_list_rows_and_season_read_dates_as_the_parser_does(text, expected):
    from parsel import Selector

    from gsspider.listreaders.base import generic_items
    from gsspider.season import Season, as_date

    html = (
        f'<ul><li><a href="/art/1.html">XX县2024年政府信息公开工作年度报告</a><span>{text}</span></li></ul>'
    )
    (item,) = generic_items(Selector(text=html), "http://h.test/list.html")
    assert item.date == parse_date(text) == expected
    listed = as_date(item.date)
    assert listed == (dt.date.fromisoformat(expected) if expected else None)
    # a season crawl stops paging once a list is older than the season: it must see the date
    if expected:
        assert not Season(year=2025).keeps_entry(item.title, listed)
        assert Season(year=2024).keeps_entry(item.title, listed)


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("青川县2023年政府信息公开工作年度报告", 2023),
        ("二〇二三年度政府信息公开工作年度报告", 2023),
        ("二O二三年度政府信息公开工作年度报告", 2023),
        ("２０２３年度政府信息公开工作年度报告", 2023),
        ("2023 年度XX镇政府信息公开工作年度报告", 2023),
        ("政府信息公开工作年度报告", None),
        ("", None),
    ],
)
def test_one_year_reading_for_report_and_list_titles(title, year):
    from gsspider.season import Season
    from parsers.identity import find_year, year_in_title

    assert year_in_title(title) == year
    assert find_year(title, "", None) == year
    assert Season(year=2023).keeps_entry(title, None)
    assert Season(year=2024).keeps_entry(title, None) is (year is None)
