import json
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.html import decode_html, find_content, html_to_text, normalise_encoding, parse_html

PAGES = Path(__file__).parent / "data" / "pages"
PAGE_IDS = sorted(p.stem for p in PAGES.glob("*.html"))


def load_page(page_id: str) -> tuple[lxml.html.HtmlElement, dict]:
    root = parse_html((PAGES / f"{page_id}.html").read_bytes())
    expected = json.loads((PAGES / f"{page_id}.expected.json").read_text(encoding="utf-8"))
    return root, expected


# --- decoding -----------------------------------------------------------------------

TEXT = "政府信息公开工作年度报告：二〇二一年，镕基"  # 镕 is in GBK but not GB2312


@pytest.mark.parametrize(
    ("body", "declared", "encoding"),
    [
        (f'<meta charset="gb2312"><p>{TEXT}</p>'.encode("gb18030"), None, "gb18030"),
        (f"<p>{TEXT}</p>".encode("gbk"), "gbk", "gb18030"),
        (f"<p>{TEXT}</p>".encode("gbk"), None, "gb18030"),
        # mis-declared: the header and the meta say GBK, the bytes are UTF-8
        (f'<meta charset="gb2312"><p>{TEXT}</p>'.encode(), "gbk", "utf-8"),
        (b"\xef\xbb\xbf" + f"<p>{TEXT}</p>".encode(), "gbk", "utf-8"),
        (b"\xff\xfe" + f"<p>{TEXT}</p>".encode("utf-16-le"), None, "utf-16-le"),
        (f"<p>{TEXT}</p>".encode("big5", errors="ignore"), "big5", "big5"),
    ],
)
def test_decode_html(body, declared, encoding):
    text, used = decode_html(body, declared)
    assert used == encoding
    assert "\ufeff" not in text
    assert "\ufffd" not in text
    if encoding != "big5":
        assert TEXT in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [("GB2312", "gb18030"), ("gbk", "gb18030"), ("x-gbk", "gb18030"), ("UTF8", "utf-8"), ("bogus", None)],
)
def test_normalise_encoding(name, expected):
    assert normalise_encoding(name) == expected


def test_title_before_meta_charset_needs_own_decoding():
    """libxml2 reads 005.html as Latin-1 (its <title> precedes <meta charset>): decode first."""
    body = (PAGES / "005.html").read_bytes()
    assert "习近平" not in lxml.html.fromstring(body).findtext(".//title")
    assert "习近平" in parse_html(body).findtext(".//title")


def test_stray_closing_html_keeps_the_rest_of_the_page():
    """003.html closes </html> after its header; libxml2 starts a second root for the article."""
    root = parse_html((PAGES / "003.html").read_bytes())
    assert "特别国债" in root.xpath("string()")


@pytest.mark.parametrize(
    "body", [b"", b"   ", b"<!-- only a comment -->", b"\x00\x01\x02", b'<?xml version="1.0"?><a/>']
)
def test_parse_html_never_fails(body):
    assert parse_html(body).tag == "html"


# --- the article container -------------------------------------------------------


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_find_content_holds_the_body_and_not_the_chrome(page_id):
    root, expected = load_page(page_id)
    content = find_content(root)
    text = html_to_text(content)
    page_text = html_to_text(root)
    for phrase in expected["body_phrases"]:
        assert phrase in text
    for phrase in expected["chrome_phrases"]:
        assert phrase in page_text, f"{phrase!r} is not chrome of this page"
        assert phrase not in text
    assert content is not root


def test_find_content_works_on_a_plain_lxml_root():
    """Callers may parse with lxml themselves, stray </html> and all."""
    text, _ = decode_html((PAGES / "003.html").read_bytes())
    content = find_content(lxml.html.document_fromstring(text))
    assert "特别国债" in content.xpath("string()")


def test_hanweb_markers_sharing_a_parent_with_chrome():
    root = parse_html(
        "<html><body><div><h1>标题</h1><p>来源：某某局</p>"
        "<!--ZJEG_RSS.content.begin--><p>正文第一段，政府信息公开工作。</p><p>正文第二段。</p>"
        "<!--ZJEG_RSS.content.end--><p>打印 关闭 网站地图 联系我们 版权所有 某某市人民政府</p></div></body></html>"
    )
    content = find_content(root)
    assert html_to_text(content) == "正文第一段，政府信息公开工作。\n正文第二段。"


def test_weak_container_names_need_text():
    """A class="content" page wrapper full of links must not beat the densest block."""
    links = "".join(f"<li><a href='/{i}'>栏目链接{i}</a></li>" for i in range(40))
    body = "".join(f"<p>第{i}段正文，内容较长，包含标点。政府信息公开。</p>" for i in range(10))
    root = parse_html(
        f"<html><body><div class='content'><ul>{links}</ul></div><div id='main'>{body}</div></body></html>"
    )
    assert find_content(root).get("id") == "main"


def test_density_fallback_widens_to_sibling_sections():
    sections = "".join(
        f"<div class='sec'><h3>{n}、标题</h3><p>{'本部分正文，包含标点。' * (5 + i)}</p></div>"
        for i, n in enumerate("一二三四五")
    )
    nav = "".join(f"<a href='/{i}'>导航{i}</a>" for i in range(30))
    root = parse_html(
        f"<html><body><div class='nav'>{nav}</div><div id='report'>{sections}</div></body></html>"
    )
    assert find_content(root).get("id") == "report"


def test_nothing_better_than_root():
    root = parse_html("<html><body></body></html>")
    assert find_content(root) is root


# --- plain text ------------------------------------------------------------------------


def test_html_to_text_blocks_rows_and_layout_cells():
    root = parse_html(
        "<html><head><title>t</title><style>p{}</style></head><body><div>甲<br>乙 <p>丙  丁</p>"
        "<table><tr><td>行</td><td></td><td><p>一</p><p>二</p></td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>"
        "<table><tr><td><table><tr><td>内</td><td>表</td></tr></table></td></tr></table>"
        "<script>var x = 1;</script>尾</div></body></html>"
    )
    assert html_to_text(root) == "甲\n乙\n丙 丁\n行 | | 一 二\n1 | 2 | 3\n内 | 表\n尾"


# --- never raise -----------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "<div>",
        "</div>",
        "<p>",
        "<td>",
        "<tr>",
        "<table>",
        "</table>",
        "<!--",
        "-->",
        "<!--ZJEG_RSS.content.begin-->",
        "<!--ZJEG_RSS.content.end-->",
        "<div class='TRS_Editor'>",
        "<div class='content'>",
        "<a href='x'>",
        "</a>",
        "<br>",
        "</html>",
        "<html>",
        "<title>",
        "</title>",
        "<script>",
        "正文，内容。",
        "http://x",
        "<td style='display:none'>",
    ]
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.one_of(
        st.binary(max_size=400), st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=40).map("".join)
    )
)
def test_content_functions_never_raise(body):
    root = parse_html(body)
    content = find_content(root)
    assert content is not None
    assert isinstance(html_to_text(content), str)
