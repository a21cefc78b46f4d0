"""``parse_report``: one annual report, any form, into one checked :class:`Report`."""

from __future__ import annotations

import functools
import hashlib
import re

from . import __version__
from .checks import table3_checks, table4_checks
from .constants import (
    FLAG_BINARY_INPUT,
    FLAG_CHECKS_FAILED,
    FLAG_EMPTY_DOCUMENT,
    FLAG_IMAGE_ONLY,
    FLAG_NEEDS_OCR,
    FLAG_NOT_A_REPORT,
    FLAG_PARSER_ERROR,
    FLAG_TABLE2_MISSING,
    FLAG_TABLE3_MISSING,
    FLAG_TABLE3_SINGLE_OTHER_ROW,
    FLAG_TABLE4_MISSING,
    TEMPLATE_2019,
    TEMPLATE_2021,
    TEMPLATE_NONE,
    TEMPLATE_PRE_2019,
)
from .identity import (
    cn_year_to_digits,
    find_title,
    find_year,
    is_notice_title,
    level_of,
    looks_like_report_title,
    publisher_from_text,
    publisher_from_title,
    qualify_publisher,
    region_of,
)
from .labels import match_any_heading
from .records import Metadata, Report, Section
from .stream import Line, detect_text_form, text_to_lines
from .tables import find_regions, read_table2, read_table3, read_table4
from .text import document_key_form, normalize_text

_HTML_SNIFF_RE = re.compile(
    r"<\s*(html|body|table|tr|td|p|div|br|span|meta|head|title|section|article)\b", re.I
)
_PRE2019_MARKERS = (
    "政府信息公开情况统计",
    "主动公开政府信息数",
    "收到申请公开事项",
    "回应公众关注热点",
    "依申请公开政府信息情况",
)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_SNIFF_RE.search(text[:5000]))


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def is_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control > len(sample) * 0.05


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Plain-text bytes to str: declared charset when it decodes cleanly, BOM, UTF-8, GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), "utf-16"
    candidates = [c for c in (declared, "utf-8", "gb18030") if c]
    for enc in candidates:
        try:
            return data.decode(_canonical(enc)), _canonical(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best), best.encoding
    except Exception:
        pass
    return data.decode("utf-8", "replace"), "utf-8"


def _canonical(enc: str) -> str:
    e = enc.strip().lower()
    return "gb18030" if e in ("gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936", "gb18030") else e


def _declared_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([\w\-]+)", content_type, re.I)
    return m.group(1) if m else None


def parse_report(
    body: bytes | str, url: str | None = None, content_type: str | None = None, encoding: str | None = None
) -> Report:
    """Parse one report. Never raises: what could not be read is said in ``report.flags``."""
    report = Report(url=url, parser_version=__version__)
    try:
        _parse(report, body, url, content_type, encoding)
    except Exception as exc:
        report.flag(FLAG_PARSER_ERROR, f"parser failed: {type(exc).__name__}: {exc}")
        report.is_report = False
    return report


def _parse(
    report: Report, body: bytes | str, url: str | None, content_type: str | None, encoding: str | None
) -> None:
    if isinstance(body, (bytes, bytearray, memoryview)):
        data = bytes(body)
        report.content_hash = hashlib.sha256(data).hexdigest()
        if not data.strip():
            _empty(report)
            return
        from .documents import extract_document, sniff_document

        kind = sniff_document(data, content_type, url)
        if kind is not None:
            doc = extract_document(data, kind)
            report.source_form = kind
            for code, message in doc.flags:
                report.flag(code, message)
            if doc.text is None:
                report.is_report = False
                return
            _parse_text(report, doc.text, Metadata(), form=kind)
            return
        if is_binary(data):
            report.flag(FLAG_BINARY_INPUT, "input is binary data, not a report page or text")
            report.is_report = False
            return
        declared = encoding or _declared_charset(content_type)
        head = data[:4000].decode("ascii", "ignore")
        if (content_type and "html" in content_type.lower()) or looks_like_html(head):
            from .html import decode_html

            text, report.encoding = decode_html(data, declared)
            _parse_html(report, text, url)
        else:
            text, report.encoding = decode_text(data, declared)
            _parse_text(report, text, None, url=url)
        return
    text = str(body)
    report.content_hash = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if not text.strip():
        _empty(report)
        return
    if (content_type and "html" in content_type.lower()) or looks_like_html(text):
        _parse_html(report, text, url)
    else:
        _parse_text(report, text, None, url=url)


def _empty(report: Report) -> None:
    report.flag(FLAG_EMPTY_DOCUMENT, "the document is empty")
    report.is_report = False


def _parse_html(report: Report, text: str, url: str | None) -> None:
    from .html import find_content, parse_html, scan_page
    from .htmlstream import element_to_lines
    from .metadata import read_metadata

    root = parse_html(text)
    # One walk of the page's nodes serves both the body search and the metadata reader, which
    # also reuses the body container (it looks for a lone date just above it).
    page = scan_page(root)
    container = find_content(root, page)
    metadata = read_metadata(root, url=url, page=page, content=container)
    # A container inside a table (the densest <tbody> of a fragment) would lose the table's rows.
    for anc in [container, *container.iterancestors()]:
        if isinstance(anc.tag, str) and anc.tag.lower() == "table":
            container = anc.getparent() if anc.getparent() is not None else anc
    lines = element_to_lines(container)
    body_text = _body_text(container, lines)
    if not any(line.cells for line in lines):
        images = container.xpath(".//img")
        if images:
            report.flag(FLAG_IMAGE_ONLY, f"the page body holds {len(images)} image(s) and no text")
            report.flag(FLAG_NEEDS_OCR, "the report is an image: its numbers need OCR")
            report.is_report = bool(metadata.page_title and looks_like_report_title(metadata.page_title))
            report.metadata = metadata
            report.title = metadata.page_title
            return
    report.source_form = "html"
    _fill(report, lines, body_text, metadata, form="html")


def _body_text(container, lines: list[Line]) -> str:
    """The narrative body text: trafilatura on the narrowed container, tables left out.

    Tables are read from the DOM into structured cells; asking trafilatura to render them as
    well triples its cost (about 12 ms against 4 ms a page here) for text nobody reads as prose.
    Where trafilatura keeps less than half of the page's own non-table text, that text is used.
    """
    own = "\n".join(line.text for line in lines if line.table is None)
    # The tables are already read; dropping them (their tails stay) spares trafilatura the walk.
    for table in container.xpath(".//table[not(ancestor::table)]"):
        parent = table.getparent()
        if parent is not None and not table.xpath(".//table"):
            _drop_keep_tail(table, parent)
    try:
        import lxml.html
        import trafilatura
        from lxml import etree

        # trafilatura wants lxml.html elements; the page was parsed with the plain (faster)
        # parser, so the small, table-free container is handed over re-parsed.
        subtree = lxml.html.fromstring(
            etree.tostring(container, encoding="unicode"), parser=_handoff_parser()
        )
        extracted = trafilatura.extract(subtree, options=_body_options())
    except Exception:  # trafilatura is best effort; the line text is the fallback
        extracted = None
    if extracted and len(extracted) >= 0.5 * len(own):
        return extracted
    return own


@functools.cache
def _body_options():
    """trafilatura's options for the body text, built once, not per page.

    ``trafilatura.extract`` otherwise builds them from its keyword arguments on every call,
    reading seven settings out of its ConfigParser (about 0.1 ms a page). They are what the
    keywords ``include_tables=False, include_comments=False, favor_recall=True,
    deduplicate=False, fast=True`` give; trafilatura copies them before it changes any.
    """
    from trafilatura.settings import Extractor

    return Extractor(fast=True, recall=True, comments=False, tables=False, dedup=False)


@functools.cache
def _handoff_parser():
    """The parser for the container handed to trafilatura: every element an ``HtmlElement``.

    trafilatura accepts nothing else, but needs none of the form classes that ``lxml.html``'s
    own parser picks per tag with a Python callback, run for every element proxy created, the
    many that trafilatura walks and copies included (about 0.1 ms a page). lxml's C-level
    default lookup gives the same ``HtmlElement``, ``HtmlComment``... classes without it.
    """
    import lxml.html
    from lxml import etree

    parser = etree.HTMLParser()
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


def _drop_keep_tail(el, parent) -> None:
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _parse_text(
    report: Report, text: str, metadata: Metadata | None, form: str | None = None, url: str | None = None
) -> None:
    from .metadata import read_metadata

    lines = text_to_lines(text)
    if metadata is None or not any(vars(metadata).values()):
        metadata = read_metadata(None, url=url, text=text)
    report.source_form = form or detect_text_form(lines)
    _fill(report, lines, text.strip(), metadata, form=report.source_form)


def _fill(report: Report, lines: list[Line], body_text: str, metadata: Metadata, form: str) -> None:
    report.metadata = metadata
    report.text = body_text
    norm_lines = [normalize_text(line.text) for line in lines]
    norm_text = "\n".join(norm_lines)
    if not norm_text.strip():
        _empty(report)
        return

    # identity
    title = find_title(norm_lines, normalize_text(metadata.page_title) if metadata.page_title else None)
    report.title = title or metadata.page_title
    report.report_year = find_year(title, norm_text, metadata.published_date)
    report.sections = _sections(lines)
    regions = find_regions(lines)
    t2 = read_table2(lines, regions.table2)
    t3 = read_table3(lines, regions.table3)
    t4 = read_table4(lines, regions.table4)
    # Row labels running straight into digits ("…申请数量21710000218"): the cells were glued
    # together, and the line readers would take such digits for a few large cells.
    from .glued import read_glued

    glued = read_glued(norm_text, normalized=True, raw=None if form == "html" else body_text)
    if glued is not None:
        t3 = glued.table3
        t2 = glued.table2 if glued.table2.found else t2
        t4 = glued.table4 if glued.table4.found else t4
        if form != "html":
            report.source_form = form = "glued"
    key_text = document_key_form(norm_text[:30000])
    pre2019 = not t3.found and any(m in key_text for m in _PRE2019_MARKERS)

    publisher = publisher_from_title(title) if title else None
    if publisher:
        publisher = qualify_publisher(publisher, norm_text)
    elif pre2019 or t3.found or t4.found:
        # No title line: the place the report keeps naming at its own scope (全市 → XX市).
        publisher = publisher_from_text(norm_text)
    report.publisher = publisher
    report.region = region_of(publisher)
    report.level = level_of(publisher)

    if t3.three_other_rows:
        t3_template = TEMPLATE_2021
    elif t3.found:
        t3_template = t2.template or TEMPLATE_2019
        if t3_template == TEMPLATE_2021:
            report.flag(FLAG_TABLE3_SINGLE_OTHER_ROW, "2021 layout with a single (六)其他处理 row", "table3")
    else:
        t3_template = TEMPLATE_PRE_2019 if pre2019 else TEMPLATE_NONE
    if t2.found and t2.template:
        t2_template = t2.template
    else:
        t2_template = TEMPLATE_PRE_2019 if pre2019 else TEMPLATE_NONE
    if t2_template not in (TEMPLATE_NONE, TEMPLATE_PRE_2019):
        template = t2_template
    elif t3_template not in (TEMPLATE_NONE, TEMPLATE_PRE_2019):
        template = t3_template
    elif t4.found:
        template = TEMPLATE_2019
    elif pre2019:
        template = TEMPLATE_PRE_2019
    else:
        template = TEMPLATE_NONE
    t4_template = template if t4.found else (TEMPLATE_PRE_2019 if pre2019 else TEMPLATE_NONE)
    report.template = template
    report.templates = {"table2": t2_template, "table3": t3_template, "table4": t4_template}

    report.table2 = t2.facts
    for key, row in t3.table.items():
        report.table3[key] = row
    report.table4 = t4.table
    report.cells = t3.cells + t4.cells
    report.flags.extend(t2.flags + t3.flags + t4.flags)
    why = "the pre-2019 layout has no such table" if pre2019 else "not found in the document"
    if not t2.found:
        report.flag(FLAG_TABLE2_MISSING, f"table 2 (主动公开) {why}", "table2")
    if not t3.found:
        report.flag(FLAG_TABLE3_MISSING, f"table 3 (申请情况) {why}", "table3")
    if not t4.found:
        report.flag(FLAG_TABLE4_MISSING, f"table 4 (复议诉讼) {why}", "table4")

    report.checks = table3_checks(report.table3, t3.three_other_rows) + table4_checks(report.table4)
    if glued is not None:
        from .glued import merge_failed_checks

        report.checks = merge_failed_checks(report.checks, glued.failed)
    failed = [c for c in report.checks if c.passed is False]
    if failed:
        names = sorted({f"{c.name}:{c.scope}" for c in failed})
        report.flag(FLAG_CHECKS_FAILED, f"{len(failed)} checks fail: {', '.join(names[:12])}")

    # is it a report at all?
    titled = bool(
        title
        and looks_like_report_title(title)
        and report.report_year
        and str(report.report_year) in cn_year_to_digits(title)
    )
    structured = t3.found or t4.found or len({s.key for s in report.sections} - {"unknown"}) >= 4
    notice = bool(title and is_notice_title(title))
    report.is_report = (titled or structured or pre2019) and not (notice and not structured)
    if not report.is_report:
        report.flag(FLAG_NOT_A_REPORT, f"not an annual report (title: {title or metadata.page_title or '-'})")


def _sections(lines: list[Line]) -> list[Section]:
    sections: list[Section] = []
    last_order = 0
    current: Section | None = None
    body: list[str] = []
    for line in lines:
        text = line.text
        first = next((c for c in line.cells if c), "")
        hit = match_any_heading(first) if line.table is None else None
        if hit and hit[2] > last_order:
            if current is not None:
                current.text = "\n".join(body).strip()
                sections.append(current)
            key, numeral, order = hit
            current = Section(key=key, number=numeral, heading=first.strip(), text="")
            body = []
            last_order = order
            continue
        if current is not None:
            body.append(" | ".join(line.cells) if line.blanks_meaningful else text)
    if current is not None:
        current.text = "\n".join(body).strip()
        sections.append(current)
    return sections
