"""Attachment links and JS-bound viewers on report pages, as real CMS families print them."""

from __future__ import annotations

from parsel import Selector

from gsspider.attachments import find_attachments, frames, js_bound_viewer

BASE = "http://www.xx.gov.cn/xxgk/xxgknb/202503/t20250329_241005.html"


def _find(html: str):
    return find_attachments(Selector(text=html), BASE)


def test_trs_attachment_block():
    html = (
        '<div class="fj"><p>附件：</p><ul><li><a href="./P020250329002410055126.pdf" '
        'OLDSRC="/protect/P0202503/P020250329002410055126.pdf" title="XX镇2024年政府信息公开工作年度报告.pdf">'
        "XX镇2024年政府信息公开工作年度报告.pdf</a></li></ul></div>"
    )
    [att] = _find(html)
    assert att.url == "http://www.xx.gov.cn/xxgk/xxgknb/202503/P020250329002410055126.pdf"
    assert att.kind == "pdf"
    assert att.name.endswith("年度报告.pdf")


def test_hanweb_downfile_names_its_type_in_the_query():
    html = '<p>附件：<a href="/module/download/downfile.jsp?classid=0&amp;filename=7668d88a8929af50.pdf">报告.pdf</a></p>'
    [att] = _find(html)
    assert (
        att.url == "http://www.xx.gov.cn/module/download/downfile.jsp?classid=0&filename=7668d88a8929af50.pdf"
    )
    assert att.kind == "pdf"


def test_download_service_typed_by_link_text():
    html = '<a href="/attach/download.do?fileId=241010&amp;token=1046f61fa543f201">2024年年度报告.docx</a>'
    [att] = _find(html)
    assert att.kind == "docx" and "token=1046f61fa543f201" in att.url


def test_every_type_and_no_plain_pages():
    html = (
        "".join(
            f'<a href="/f/a.{ext}">a.{ext}</a>' for ext in ("pdf", "doc", "docx", "wps", "xls", "xlsx", "ofd")
        )
        + '<a href="/x/t1.html">页面</a><a href="/x/pdf.html">pdf说明</a><a href="javascript:void(0)">a.pdf</a>'
    )
    kinds = [a.kind for a in _find(html)]
    assert kinds == ["pdf", "doc", "docx", "wps", "xls", "xlsx", "ofd"]


def test_same_file_linked_twice_is_one_attachment():
    html = '<a href="./a.pdf">下载</a><a href="./a.pdf#page=2" title="a.pdf">a.pdf</a>'
    assert len(_find(html)) == 1


def test_js_bound_viewer():
    assert js_bound_viewer('<iframe src="/pdfjs/web/viewer.html?file={{qzbFile}}"></iframe>')
    assert js_bound_viewer("<script>src = '/pdfjs/web/viewer.html?file=' + data.fileUrl</script>")
    assert js_bound_viewer('<iframe src="/pdfjs/web/viewer.html?file=/files/a.pdf"></iframe>') is None
    assert js_bound_viewer("<p>正文</p>") is None


def test_documents_shown_in_frames():
    html = (
        '<iframe src="/files/report2024.pdf"></iframe>'
        '<iframe src="/pdfjs/web/viewer.html?file=/files/b.pdf"></iframe>'
        '<iframe src="/pdfjs/web/viewer.html?file={{qzbFile}}"></iframe>'
        '<embed src="c.docx"><iframe src="/list/frame.html"></iframe>'
    )
    urls = [a.url for a in _find(html)]
    assert urls == [
        "http://www.xx.gov.cn/files/report2024.pdf",
        "http://www.xx.gov.cn/files/b.pdf",
        "http://www.xx.gov.cn/xxgk/xxgknb/202503/c.docx",
    ]
    assert frames(Selector(text=html), BASE) == ["http://www.xx.gov.cn/list/frame.html"]
