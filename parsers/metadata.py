"""What an article page says about its document: title, dates, publisher, index number.

Sources are read from the most to the least deliberate: the national guideline ``<meta>`` set
(written by the CMS from its database), the visible metadata block of 信息公开 directory pages,
the loose labelled lines and unlabelled lists left when a page survives only as text, and last
the date CMSs put in article URLs. Each field keeps the first source that gave it, and
:attr:`Metadata.provenance` records which one, so a reviewer can tell a meta-tag date from a
URL-derived one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import etree

from .dates import date_from_url, parse_datetime
from .html import Marked, Page, find_content, iter_page, scan_page
from .records import Metadata

__all__ = ["clean_title", "read_meta_tags", "read_metadata", "read_page_title"]

_WS = re.compile(r"[\s\xa0\u3000]+")

# --- meta tags -------------------------------------------------------------------

#: Guideline and CMS meta names (lower-cased) -> (field, rank); a lower rank wins.
_META_FIELDS: dict[str, tuple[str, int]] = {
    "articletitle": ("page_title", 0),
    "pubdate": ("published", 0),
    "firstpublishedtime": ("published", 1),
    "publishdate": ("published", 1),
    "sitename": ("site_name", 0),
    "columnname": ("column_name", 0),
    "lanmu": ("column_name", 1),  # gov.cn's pinyin for 栏目
    "contentsource": ("source", 0),
    "keywords": ("keywords", 0),
}
#: Template text a CMS printed instead of a value ("栏目名称" = "column name").
_PLACEHOLDERS = frozenset(
    {"栏目名称", "标题", "文章标题", "站点名称", "网站名称", "来源", "无", "null", "none"}
)
#: gov.cn stamps date-only items 23:59:59; a CMS default of midnight is no time either.
_PLACEHOLDER_TIME = re.compile(r"(?:23:59:59|00:00:00)\s*$")
_TEMPLATE_TAG = re.compile(r"\$\{|\$\[|\{\{|<\$|\$[A-Za-z]")


def _usable(value: str | None) -> bool:
    if not value:
        return False
    return value.lower() not in _PLACEHOLDERS and not _TEMPLATE_TAG.search(value)


def read_meta_tags(root: etree._Element | None) -> dict[str, str]:
    """Every ``<meta name=... content=...>`` of the page, name -> content, whitespace collapsed.

    Names keep their spelling; a name seen again in another case (``keywords``/``Keywords``) only
    replaces an empty value, since portals repeat the guideline set after their own.
    """
    metas: dict[str, str] = {}
    if root is None:
        return metas
    seen: dict[str, str] = {}  # lower-case name -> the spelling kept
    for meta in root.iter("meta"):
        name, content = meta.get("name"), meta.get("content")
        if not name or content is None:
            continue
        name, content = name.strip(), _WS.sub(" ", content).strip()
        key = seen.setdefault(name.lower(), name)
        if not metas.get(key):
            metas[key] = content
    return metas


# --- titles ----------------------------------------------------------------------

_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]"
_CJK_SPACE = re.compile(rf"(?<={_CJK}) (?=[\d\u2e80-\u9fff\uf900-\uffef])|(?<=\d) (?={_CJK})")
_TITLE_SEP = re.compile(r"\s*(?:_+|[|｜]|\s[-—–－]+\s|[-—–－]{1,2})\s*")
_SITE_ENDINGS = (
    "网",
    "网站",
    "门户",
    "政府",
    "官网",
    "平台",
    "之窗",
    "在线",
    "委员会",
    "办公室",
    "办公厅",
    "局",
    "委",
    "厅",
)
_GENERIC_TITLES = frozenset({"无标题文档", "无标题", "untitled", "document", "新建网页1", "首页", "index"})


def _squash(s: str) -> str:
    """Collapse whitespace, and drop it between Chinese characters (or one and a digit), where it
    is only layout: 调整2007　年末 -> 调整2007年末; 京彩三农 - 助力 keeps its spaces."""
    return _CJK_SPACE.sub("", _WS.sub(" ", s).strip())


def _looks_like_site(segment: str, known: set[str]) -> bool:
    segment = _squash(segment)
    if segment in known:
        return True
    return len(segment) <= 30 and not re.search(r"\d", segment) and segment.endswith(_SITE_ENDINGS)


def clean_title(title: str, site_name: str | None = None, column_name: str | None = None) -> str:
    """The document title inside a ``<title>`` such as "标题_栏目_站名" or "标题 - 站名".

    Trailing segments go when they are the known site or column name, or look like a site or
    an office (end in 网/政府/门户网站/局/委员会..., no digits). Once a site name has gone, an
    underscore suffix left over is the column ("标题_栏目").
    """
    text = _WS.sub(" ", title or "").strip()
    known = {_squash(n) for n in (site_name, column_name) if n}
    stripped = False
    while True:
        seps = list(_TITLE_SEP.finditer(text))
        if not seps:
            break
        last = seps[-1]
        head, tail = text[: last.start()], text[last.end() :]
        if not head.strip():
            break
        if tail.strip() and not _looks_like_site(tail, known):
            break
        text, stripped = head, stripped or bool(tail.strip())
    if stripped and "_" in text and len(first := text.split("_", 1)[0].strip()) >= 4:
        text = first
    return _squash(text)


def read_page_title(root: etree._Element | None) -> str | None:
    """The title a page gives itself: its ``ArticleTitle`` meta, else its ``<title>`` without the
    site and column names. Headings in the body are not read (they may be a list's, or a
    sidebar's): this is the page's own word for what it is, as :func:`read_metadata` reads it."""
    metas = {name.lower(): value for name, value in read_meta_tags(root).items() if _usable(value)}
    if "articletitle" in metas:
        return metas["articletitle"]
    head = _head_title(root) if root is not None else None
    return clean_title(head, metas.get("sitename"), metas.get("columnname")) if head else None


def _text_of(el: etree._Element, limit: int = 400) -> str | None:
    """The element's text, or None past ``limit`` characters (a container, not a heading)."""
    pieces, size = [], 0
    for piece in el.itertext():
        size += len(piece)
        if size > limit:
            return None
        pieces.append(piece)
    return _squash(" ".join(pieces))


def _compact(s: str) -> str:
    return _WS.sub("", s)


def _head_title(root: etree._Element) -> str | None:
    """The page's own ``<title>``. Titles of included fragments land in ``<body>``
    (005: ``无标题文档``); they count only when the head has none, and generic ones never."""
    titles = list(iter_page(root, "title"))
    titles.sort(key=lambda el: el.getparent() is None or el.getparent().tag != "head")
    for el in titles:
        text = _text_of(el)
        if text and _compact(text).lower() not in _GENERIC_TITLES:
            return text
    return None


_TITLE_TAGS = ("h1", "h2", "h3")


def _title_candidates(marked: list[Marked]) -> Iterator[etree._Element]:
    """Headings and elements whose class or id says title, in document order.

    Only :attr:`Page.marked` nodes can be either, so the page's other nodes are never looked at.
    """
    for el, tag, classes, ident in marked:
        if tag is None or tag in ("title", "meta", "script", "style", "head"):
            continue
        names = f"{classes or ''} {ident or ''}".lower()
        if tag in _TITLE_TAGS or "title" in names:
            yield el
            if "title" in names:  # <div class="detil-new-title"><div>标题</div><ul>日期...</ul>
                yield from (c for c in el if isinstance(c.tag, str))


def _dom_title(marked: list[Marked], head: str | None) -> tuple[str, etree._Element] | None:
    """A heading that agrees with the ``<title>``: it holds the full title even where the
    ``<title>`` carries suffixes, and agreement keeps logos and sidebar headings out."""
    reference = _compact(head) if head else ""
    best: tuple[int, str, etree._Element] | None = None
    for el in _title_candidates(marked):
        text = _text_of(el)
        c = _compact(text or "")
        if not text or not 4 <= len(c) <= 150:
            continue
        if not reference:
            if el.tag == "h1":
                return text, el
            continue
        truncated = reference.rstrip(".…")
        if (
            c == reference
            or (c in reference and len(c) >= 0.6 * len(reference))
            or (truncated != reference and c.startswith(truncated) and len(c) <= 2 * len(truncated))
        ):
            distance = abs(len(reference) - len(c))
            if best is None or distance < best[0]:
                best = (distance, text, el)
    return (best[1], best[2]) if best else None


# --- labelled values -----------------------------------------------------------

#: label -> (field, rank). "published"/"written" hold (date, time) pairs.
_LABELS: dict[str, tuple[str, int]] = {
    "索引号": ("index_number", 0),
    "发布机构": ("publisher", 0),
    "发文机关": ("publisher", 0),
    "发布单位": ("publisher", 0),
    "发文单位": ("publisher", 1),
    "主题分类": ("topic", 0),
    "信息分类": ("topic", 0),
    "主题词": ("topic", 1),
    "成文日期": ("written", 0),
    "生成日期": ("written", 1),
    "发布日期": ("published", 0),
    "公开日期": ("published", 0),
    "发布时间": ("published", 0),
    "公开时间": ("published", 0),
    "发文日期": ("published", 1),
    "时间": ("published", 2),
    "日期": ("published", 2),
    "文号": ("document_number", 0),
    "发文字号": ("document_number", 0),
    "有效性": ("validity", 0),
    "信息来源": ("source", 0),
    "文章来源": ("source", 0),
    "稿件来源": ("source", 0),
    "来源": ("source", 1),
}
# Longest first, so 发文字号 is not read as 文号, nor 发布时间 as 时间; spaces may split a label.
_LABEL_ALT = "|".join(r"\s*".join(map(re.escape, label)) for label in sorted(_LABELS, key=len, reverse=True))
_LABEL_START = re.compile(rf"^[\s【\[（(]*(?P<label>{_LABEL_ALT})\s*(?:[】\]）)]\s*[:：]?\s*|[:：]\s*|\s+|$)")
_NEXT_LABEL = re.compile(rf"[\s【\[（(]*(?P<label>{_LABEL_ALT})\s*[】\]）)]?\s*[:：]")
_LABEL_LIKE = re.compile(r"^\S{1,8}\s*[:：]")
#: A labelled line longer than this is prose that happens to start with a label word.
_MAX_SEGMENT = 120
#: Longest plausible value per field; anything longer is prose that follows a label word.
_MAX_VALUE = {"published": 40, "written": 40, "index_number": 50, "validity": 10, "source": 30}
_SENTENCE = re.compile(r"[。！？!?；]|，.*，")
#: An unknown label ("浏览次数：", "作者：") ends the value before it.
_UNKNOWN_LABEL = re.compile(r"\s+[\u4e00-\u9fff]{2,8}\s*[:：]")
_INDEX_NUMBER = re.compile(r"^[\w\-.〔〕\[\]()（）]{2,40}/\s*\d{4}\s*[-—－]\s*\d+$|^[A-Za-z0-9\-./]{6,40}$")
_DATE_ONLY = re.compile(r"^[\d\s年月日号时分秒:：/.\-－〇○零一二三四五六七八九十０-９]+$")

Add = Callable[..., None]  # add(field, value, origin, rank=0)


def _accept(field: str, value: str) -> object | None:
    """The value in the field's form, or None when it cannot be one (a sentence, a header)."""
    value = _UNKNOWN_LABEL.split(value, maxsplit=1)[0]
    value = _squash(value).strip(" |丨;；,，")
    if not value or _LABEL_LIKE.match(value) or len(value) > _MAX_VALUE.get(field, 40):
        return None
    if field in ("published", "written"):
        date, time = parse_datetime(value)
        return (date, time) if date else None
    if _SENTENCE.search(value) or not _usable(value):
        return None
    if field == "index_number":
        return value if _INDEX_NUMBER.match(value) else None
    return value


def _read_labelled(segment: str, next_segment: str | None, origin: str, add: Add) -> bool:
    """Read "label：value" pairs from one segment; a bare label at the end takes the next segment.

    Returns True when the next segment was used up as a value.
    """
    if len(segment) > _MAX_SEGMENT or not (m := _LABEL_START.match(segment)):
        return False
    pairs: list[tuple[str, str]] = []
    label, rest = m["label"], segment[m.end() :]
    while nxt := _NEXT_LABEL.search(rest):
        pairs.append((label, rest[: nxt.start()]))
        label, rest = nxt["label"], rest[nxt.end() :]
    pairs.append((label, rest))
    used_next = False
    for i, (label, value) in enumerate(pairs):
        field, rank = _LABELS[_compact(label)]
        borrow = i == len(pairs) - 1 and not value.strip() and next_segment is not None
        accepted = _accept(field, next_segment if borrow else value)  # type: ignore[arg-type]
        if accepted is not None:
            add(field, accepted, f"{origin}:{_compact(label)}", rank)
            used_next = borrow
    return used_next


# --- unlabelled lists (seed 004) ------------------------------------------------

#: Organisation code / year - serial, as the 索引号 of directory pages: 005283492/2021-00013.
_INDEX_SHAPE = re.compile(r"^[\w\-.]{4,40}/\d{4}\s*[-—－]\s*\d+$")
_BULLET = re.compile(r"^[\s•·●▪◆◇■□○\-*]+")
_ORG = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,30}(?:政府|局|委|办|委员会|办公室|办公厅|中心|厅|院|署|处|所|站|队|街道|办事处|镇|乡|管委会|公司)$"
)
_TOPIC = re.compile(r"^[\u4e00-\u9fff]{2,10}(?:\s*[,，、;；/]\s*[\u4e00-\u9fff]{2,10})*$")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,15}\s*[〔\[（(【]\s*\d{4}\s*[〕\]）)】]\s*\d+\s*号$")
_VALIDITY = re.compile(r"^(?:有效|失效|废止|已废止|已失效|部分失效|现行有效)$")


def _shape(value: str) -> tuple[str, object] | None:
    if _INDEX_SHAPE.match(value):
        return "index_number", value
    if _DATE_ONLY.match(value):
        date, time = parse_datetime(value)
        return ("date", (date, time)) if date else None
    if _DOC_NUMBER.match(value):
        return "document_number", value
    if _VALIDITY.match(value):
        return "validity", value
    if _ORG.match(value):
        return "publisher", value
    if _TOPIC.match(value):
        return "topic", value
    return None


def _read_unlabelled_list(lines: list[str], add: Add, origin: str = "text:list") -> None:
    """Metadata printed as a bare list before the title, recognised by the shape of each value.

    Only a run of at least two recognised lines counts, and only when every line is bulleted or
    the run holds an index number, so a title and a date line are left alone. Of two dates the
    first is 成文日期 and the second 发布日期, the order of the directory template; a single
    date is taken as 发布日期.
    """
    found: list[tuple[str, object]] = []
    bulleted = bool(lines) and _BULLET.match(lines[0]) is not None
    for line in lines[:12]:
        value = _BULLET.sub("", line).strip()
        shape = _shape(value)
        if shape is None or (bulleted and value == line.strip()):
            break  # a bulleted list ends at its first unbulleted line
        found.append(shape)
    kinds = [kind for kind, _ in found]
    if len(found) < 2 or not (bulleted or "index_number" in kinds) or set(kinds) == {"date"}:
        return
    dates = [shaped for kind, shaped in found if kind == "date"]
    if len(dates) >= 2:
        add("written", dates[0], origin)
        add("published", dates[1], origin)
    elif dates:
        add("published", dates[0], origin)
    for kind, shaped in found:
        if kind != "date":
            add(kind, shaped, origin)


def _read_text(text: str, add: Add) -> None:
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line][:40]  # metadata heads the page; the rest is document
    for line in lines:
        _read_labelled(line, None, "text", add)
    _read_unlabelled_list(lines, add)


# --- the DOM metadata block ----------------------------------------------------

_SKIP_TEXT = frozenset({"script", "style", "title", "option", "select", "textarea", "noscript", "head"})


_DATA_TABLE_CELLS = 60


def _is_data_table(table: etree._Element) -> bool:
    """More cells than any metadata block has (a block is a dozen label/value pairs)."""
    for n, _ in enumerate(table.iter("td", "th"), start=1):
        if n > _DATA_TABLE_CELLS:
            return True
    return False


def _segments(root: etree._Element) -> list[tuple[str, etree._Element]]:
    """Visible text pieces in document order, each with the element holding it.

    Spaces are kept: in "来源：某局 浏览次数：12" they are what ends the value. The walk runs
    once per page over every node outside the skipped subtrees, so each event does as little
    as it can: one tag read, no tail read while inside ``<head>``, a script or a form control.
    """
    out: list[tuple[str, etree._Element]] = []
    append = out.append
    tops = [root] if root.getparent() is not None else [root, *root.itersiblings()]
    for top in tops:
        if not isinstance(top.tag, str):
            continue
        skipping = 0
        walker = etree.iterwalk(top, events=("start", "end", "comment", "pi"))
        for event, el in walker:
            if event == "start":
                tag = el.tag
                if tag in _SKIP_TEXT:
                    skipping += 1
                    continue
                if (tag == "table" and _is_data_table(el)) or (tag in ("ul", "ol") and len(el) > 20):
                    # A report's statistics tables and a portal's menus hold hundreds of cells, no
                    # metadata. The tail is read here and again at the skipped element's "end".
                    walker.skip_subtree()
                else:
                    # " ".join(s.split()) is _WS.sub(" ", s).strip(): both split on str.isspace().
                    if not skipping and (text := el.text) and (text := " ".join(text.split())):
                        append((text, el))
                    continue
            elif event == "end" and el.tag in _SKIP_TEXT:
                skipping -= 1
            # The tail follows the element's end, or the comment (001: 信息来源：<!--x-->省发改委).
            if skipping or not (tail := el.tail) or not (tail := " ".join(tail.split())):
                continue
            if (parent := el.getparent()) is not None:
                append((tail, parent))
    return out


def _read_dom_list(root: etree._Element, add: Add) -> None:
    """The unlabelled list of seed 004 as HTML: ``<li>`` items whose labels were images or CSS.

    Navigation menus are lists of short words too, so only a list holding an index number
    counts.
    """
    for el in iter_page(root, "ul", "ol"):
        # An index number has a "/": a list without one anywhere (a menu) needs no item read.
        if len(el) > 12 or "/" not in "".join(el.itertext()):
            continue
        items = [text for li in el if li.tag == "li" and (text := _text_of(li, 60))]
        if any(_INDEX_SHAPE.match(item) for item in items):
            _read_unlabelled_list([f"• {item}" for item in items], add, "dom:list")
            return


def _inside(el: etree._Element, ancestor: etree._Element) -> bool:
    while el is not None:
        if el is ancestor:
            return True
        el = el.getparent()
    return False


def _read_dom(
    page: Page, title_el: etree._Element | None, found: _Found, content: etree._Element | None
) -> None:
    """The labelled block, an unlabelled list, else a lone date between the title and the body.

    ``content`` is ``find_content`` of the page when the caller already has it.
    """
    root = page.root
    segments = _segments(root)
    skip = False
    for i, (text, _) in enumerate(segments):
        if skip:
            skip = False
            continue
        if len(text) > _MAX_SEGMENT or not _LABEL_START.match(text):
            continue  # _read_labelled's own first test, here to spare most segments the call
        nxt = segments[i + 1][0] if i + 1 < len(segments) else None
        skip = _read_labelled(text, nxt, "block", found.add)
    found.stage = 3
    _read_dom_list(root, found.add)
    # A date standing alone between the title and the body (005: <li>2023-12-01 14:43</li>).
    # Not worth a body search when a labelled date with its time is already in hand.
    if any(value[1] for value, _ in found.ordered("published")):  # type: ignore[index]
        return
    if content is None:
        content = find_content(root, page)
    if content is root or content.getparent() is None:
        return
    start = 0
    if title_el is not None:
        start = next((i + 1 for i, (_, el) in enumerate(segments) if _inside(el, title_el)), 0)
    for text, el in segments[start:]:
        if _inside(el, content):
            break
        if _DATE_ONLY.match(text) and len(text) >= 8:
            date, time = parse_datetime(text)
            if date:
                found.add("published", (date, time), "dom:date")
                break


# --- assembling ------------------------------------------------------------------


class _Found:
    """Candidate values per field, ordered by (stage, rank, arrival): the source's trust, then
    the label's (发布日期 before 时间), then document order."""

    def __init__(self) -> None:
        self.stage = 0
        self._seq = 0
        self.values: dict[str, list[tuple[tuple[int, int, int], object, str]]] = {}

    def add(self, field: str, value: object, origin: str, rank: int = 0) -> None:
        self._seq += 1
        self.values.setdefault(field, []).append(((self.stage, rank, self._seq), value, origin))

    def ordered(self, field: str) -> list[tuple[object, str]]:
        return [
            (value, origin) for _, value, origin in sorted(self.values.get(field, []), key=lambda v: v[0])
        ]

    def first(self, field: str) -> str | None:
        values = self.ordered(field)
        return str(values[0][0]) if values else None


def read_metadata(
    root: etree._Element | None,
    url: str | None = None,
    text: str | None = None,
    *,
    page: Page | None = None,
    content: etree._Element | None = None,
) -> Metadata:
    """Fill :class:`Metadata` from the page tree, its text, and its URL; never raises on odd input.

    ``root`` is the whole page (``parsers.html.parse_html``), or None when only text survives.
    A caller that has already walked the page for its body passes ``page``
    (``parsers.html.scan_page(root)``) and ``content`` (``find_content(root, page)``), so
    neither is done twice.
    Stages, most trusted first: 0 meta tags, 1 titles, 2 labelled block, 3 an unlabelled
    ``<li>`` list or a lone date between title and body, 4 text lines and lists, 5 the URL.
    """
    found = _Found()
    metas = read_meta_tags(root)
    for name, value in metas.items():
        field, rank = _META_FIELDS.get(name.lower(), ("", 0))
        if not field or not _usable(value):
            continue
        if field == "published":
            date, time = parse_datetime(value)
            if _PLACEHOLDER_TIME.search(value):
                time = None
            if date:
                found.add(field, (date, time), f"meta:{name}", rank)
        else:
            found.add(field, value, f"meta:{name}", rank)

    if root is not None:
        found.stage = 1
        page = page if page is not None else scan_page(root)
        head = _head_title(root)
        cleaned = clean_title(head, found.first("site_name"), found.first("column_name")) if head else None
        dom = _dom_title(page.marked, cleaned)
        if dom:
            found.add("page_title", dom[0], f"dom:{dom[1].tag}")
        if cleaned:
            found.add("page_title", cleaned, "title", 1)
        found.stage = 2
        _read_dom(page, dom[1] if dom else None, found, content)
    if text:
        found.stage = 4
        _read_text(text, found.add)

    found.stage = 5
    meta_url = next((v for k, v in metas.items() if k.lower() == "url"), None)
    for candidate, origin in ((url, "url"), (meta_url, "meta:Url")):
        if date := date_from_url(candidate):
            found.add("published", (date, None), origin)
            break
    return _assemble(found, metas)


def _assemble(found: _Found, metas: dict[str, str]) -> Metadata:
    md = Metadata(extra=dict(metas))
    for field in found.values:
        values = found.ordered(field)
        value, origin = values[0]
        if field not in ("published", "written"):
            setattr(md, field, value)
            md.provenance[field] = origin
            continue
        date = value[0]  # type: ignore[index]
        setattr(md, f"{field}_date", date)
        md.provenance[f"{field}_date"] = origin
        if field == "published":
            # A date-only source is completed by a later one giving the same day a time.
            timed = next(((v, o) for v, o in values if v[0] == date and v[1]), None)  # type: ignore[index]
            if timed:
                md.published_time = timed[0][1]  # type: ignore[index]
                md.provenance["published_time"] = timed[1]
    return md
