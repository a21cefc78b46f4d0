"""Decoding, parsing and body-finding for HTML article pages.

Body-text extraction (trafilatura) costs 35-60 ms on a whole portal page, most of it spent on
navigation and footers. :func:`find_content` narrows the page to the article container first,
cheaply (well under 1 ms on the 413 KB 004.html, about 2 ms when no known container exists):
known CMS containers in one pass over the elements, else a text-density pick.
"""

from __future__ import annotations

import codecs
import copy
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import lxml.html
from lxml import etree

__all__ = [
    "Page",
    "decode_html",
    "find_content",
    "html_to_text",
    "iter_page",
    "normalise_encoding",
    "parse_html",
    "scan_page",
]

# --- decoding ------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
#: GBK and GB2312 are subsets of GB18030; decoding with the superset avoids errors on the
#: characters portals use but the declared charset lacks (rare names, 〇 in dates...).
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "gb_2312-80", "euc-cn", "hz-gb-2312"}


def normalise_encoding(name: str | None) -> str | None:
    """Python codec name for a declared charset, with the GB family widened to GB18030."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return "gb18030" if codec in _GB_FAMILY else codec


def _try(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        text = body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return None if "\ufffd" in text else text


def decode_html(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode page bytes; return (text, codec used).

    Portals often declare ``gb2312`` while serving UTF-8, or declare nothing. Valid UTF-8 with
    non-ASCII bytes is practically never legacy Chinese text, so strict UTF-8 is believed over a
    declaration; the declaration (HTTP header, then ``<meta>``) decides among legacy charsets.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace"), encoding
    text = _try(body, "utf-8")
    if text is not None:
        return text, "utf-8"
    meta = _META_CHARSET.search(body[:8192])
    candidates: list[str | None] = [normalise_encoding(declared)]
    if meta:
        candidates.append(normalise_encoding(meta.group(1).decode("ascii", "ignore")))
    candidates.append("gb18030")
    for candidate in candidates:
        decoded = _try(body, candidate)
        if decoded is not None and candidate:
            return decoded, candidate
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body[:200_000]).best()
    except Exception:  # a detector failure must not lose the page
        best = None
    encoding = normalise_encoding(best.encoding if best else None) or "gb18030"
    return body.decode(encoding, errors="replace"), encoding


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_CHARS = "".join(map(chr, (*range(9), 11, 12, *range(14, 32), 127)))
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def parse_html(body: bytes | str, declared: str | None = None) -> lxml.html.HtmlElement:
    """Parse a page into an ``<html>`` element; never raises, even on empty or binary input.

    Bytes are decoded here rather than by libxml2, which reads a page as Latin-1 when its
    ``<title>`` comes before the ``<meta charset>``.
    """
    text = decode_html(body, declared)[0] if isinstance(body, bytes) else body
    # Control characters are not XML-compatible: lxml refuses them when text is moved around.
    # Pages rarely hold any: 29 substring tests take half the time of the regex's pass over a page.
    if any(c in text for c in _CONTROL_CHARS):
        text = _CONTROL.sub("", text)
    text = _XML_DECL.sub("", text, count=1)
    # A plain etree parser: lxml.html's per-element Python class lookup cost ~1 ms a page, and
    # nothing here needs HtmlElement's methods.
    try:
        root = etree.fromstring(text, _PARSER) if text.strip() else None
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return etree.fromstring("<html><body></body></html>", _PARSER)
    _merge_second_html(root)
    return root


_PARSER = etree.HTMLParser(remove_blank_text=False, collect_ids=False, huge_tree=True)


def _merge_second_html(root: lxml.html.HtmlElement) -> None:
    """Move what libxml2 put after a stray ``</html>`` back into ``<body>``, so that consumers
    that only walk ``root`` (trafilatura, ``root.iter()``) see the whole page."""
    strays = [s for s in root.itersiblings() if isinstance(s.tag, str)]
    if not strays:
        return
    body = root.find("body")
    if body is None:
        body = root.makeelement("body", {})
        root.append(body)
    for stray in strays:
        if stray.tag != "html":
            body.append(stray)
            continue
        for child in list(stray):
            if child.tag in ("head", "body"):
                if child.text and child.text.strip():
                    _append_text(body, child.text)
                for grandchild in list(child):
                    body.append(grandchild)
            else:
                body.append(child)


def _append_text(parent: etree._Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


# --- finding the article container ----------------------------------------------

# (kind, value, strong) in order of trust. Strong containers are CMS body wrappers, accepted
# whenever they hold anything; weak ones are generic names also used for page wrappers, so they
# must hold real text and few links. "marker" is Hanweb's ZJEG_RSS comment pair.
_CONTAINERS: tuple[tuple[str, str, bool], ...] = (
    ("class", "TRS_Editor", True),
    ("marker", "ZJEG_RSS.content.begin", True),
    ("id", "zoom", True),
    ("id", "Zoom", True),
    ("class", "pages_content", True),
    ("id", "UCAP-CONTENT", True),
    ("class", "TRS_UEDITOR", True),
    ("class", "article-content", False),
    ("class", "main-txt", False),
    ("class", "content", False),
    ("id", "content", False),
    ("class", "view", False),
    ("class", "detail", False),
    ("class", "article", False),
)
_MARKER_RANK = 1
_BY_CLASS = {v: i for i, (kind, v, _) in enumerate(_CONTAINERS) if kind == "class"}
_BY_ID = {v: i for i, (kind, v, _) in enumerate(_CONTAINERS) if kind == "id"}
_MARKER = _CONTAINERS[_MARKER_RANK][1]


def _tops(root: etree._Element) -> list[etree._Element]:
    """The top-level nodes of the page ``root`` belongs to, or just ``root`` below the top.

    libxml2 answers a stray ``</html>`` mid-page (003.html) by starting a second top-level
    ``<html>``; a plain ``root.iter()`` would miss the whole article.
    """
    if root.getparent() is not None:
        return [root]
    return [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]


def iter_page(root: etree._Element, *tags: str) -> Iterator[etree._Element]:
    """Every node of the page ``root`` belongs to (see :func:`_tops`), comments included, or
    only the ``tags`` given: the filtering then happens in lxml's C loop, so only the matching
    nodes ever become Python objects."""
    for top in _tops(root):
        yield from top.iter(*tags)


_HEADINGS = frozenset(("h1", "h2", "h3"))

#: (node, tag, class, id); tag, class and id are None for a comment or processing instruction.
Marked = tuple[etree._Element, str | None, str | None, str | None]


@dataclass(frozen=True)
class Page:
    """A parsed page walked once, for every reader that picks nodes by name.

    Reading a node's tag or attribute from Python costs about 0.1 µs, and a report page has
    about a thousand nodes: the container search and the title search each used to walk them
    all. ``marked`` holds, in document order, the few nodes either of them looks at: elements
    with a class or an id, headings ``h1``-``h3``, and comments and processing instructions
    (Hanweb's body marker). ``nodes`` holds every node; keeping it alive also keeps every
    element proxy alive, so later walks (``iterwalk``, ``getparent``) reuse them.
    """

    root: etree._Element
    nodes: list[etree._Element]
    marked: list[Marked]


def scan_page(root: etree._Element) -> Page:
    """Walk the page's nodes once; see :class:`Page`."""
    nodes: list[etree._Element] = []
    for top in _tops(root):  # extend() straight from lxml's iterator: no generator in between
        nodes.extend(top.iter())
    marked: list[Marked] = []
    for node in nodes:
        tag = node.tag
        if tag.__class__ is not str:
            marked.append((node, None, None, None))
            continue
        classes, ident = node.get("class"), node.get("id")
        if classes or ident or tag in _HEADINGS:
            marked.append((node, tag, classes, ident))  # type: ignore[arg-type]
    return Page(root, nodes, marked)


def _candidates(marked: list[Marked]) -> Iterator[tuple[int, etree._Element]]:
    """(rank, node) for every known container, in document order.

    A Python loop beats one XPath of ``contains(concat(...))`` tests here by about five times,
    and :func:`scan_page` has already left out the nodes with neither a class nor an id.
    """
    for node, tag, classes, ident in marked:
        if tag is None:
            if node.text and _MARKER in node.text:
                yield _MARKER_RANK, node
            continue
        rank = _BY_ID.get(ident, len(_CONTAINERS)) if ident else len(_CONTAINERS)
        if classes:
            for c in classes.split():
                rank = min(rank, _BY_CLASS.get(c, rank))
        if rank < len(_CONTAINERS):
            yield rank, node


_TEXT_LEN = etree.XPath("string-length(normalize-space(string(.)))")
_LINKS = etree.XPath(".//a")
_MIN_WEAK_TEXT = 30


def _text_len(el: etree._Element) -> int:
    return int(_TEXT_LEN(el))


def _link_density(el: etree._Element, total: int) -> float:
    return sum(_text_len(a) for a in _LINKS(el)) / total if total else 1.0


def _hanweb_content(begin: etree._Element) -> etree._Element | None:
    """What lies between the ZJEG_RSS begin/end comments of Hanweb pages."""
    parent = begin.getparent()
    if parent is None:
        return None
    wrapper = parent.makeelement("div", {"class": "hanweb-content"})
    wrapper.text = begin.tail
    for sibling in begin.itersiblings():
        if not isinstance(sibling.tag, str) and "ZJEG_RSS.content.end" in (sibling.text or ""):
            break
        wrapper.append(copy.deepcopy(sibling))
    else:
        return parent  # no end marker beside the begin marker: the parent holds the body
    # Usually the markers wrap all of the parent's content: then return the real, in-tree element.
    return parent if _text_len(parent) - _text_len(wrapper) < 20 else wrapper


def _known_container(marked: list[Marked]) -> etree._Element | None:
    best: tuple[int, int, etree._Element] | None = None
    for rank, node in _candidates(marked):
        if best is not None and rank > best[0]:
            continue
        el = node if isinstance(node.tag, str) else _hanweb_content(node)
        if el is None:
            continue
        total = _text_len(el)
        if _CONTAINERS[rank][2]:
            if not total and el.find(".//img") is None and el.find(".//a") is None:
                continue
        elif total < _MIN_WEAK_TEXT or _link_density(el, total) > 0.5:
            continue
        if best is None or (rank, -total) < best[:2]:
            best = (rank, -total, el)
    return best[2] if best else None


_SKIP = frozenset({"script", "style", "noscript", "option", "select", "textarea", "title", "button", "head"})
_INLINE = frozenset(
    {"a", "span", "font", "strong", "b", "em", "i", "u", "sup", "sub", "small", "big", "label", "s", "strike"}
    | {"code", "abbr", "cite", "q", "mark", "img", "nobr", "o:p"}
)
_URL_TEXT = re.compile(r"\s*(?:https?://|www\.)", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)


def _densest(elements: list[etree._Element]) -> etree._Element | None:
    """Readability's idea, cut down: text scores its block, the block's parent and (half) its
    grandparent; link text scores negatively, so navigation lists sink. The winner is then
    widened while it holds under half of its parent's text, so a body split over sibling
    blocks (report sections, several data tables) comes back whole."""
    scores: dict[etree._Element, float] = {}
    own: dict[etree._Element, float] = {}  # non-link text weight held directly
    for el in elements:
        for text, holder in ((el.text if el.tag.__class__ is str else None, el), (el.tail, None)):
            if not text or not (text := text.strip()):
                continue
            if holder is None and (holder := el.getparent()) is None:
                continue
            is_link = False
            while holder.tag in _INLINE and (parent := holder.getparent()) is not None:
                is_link = is_link or holder.tag == "a"
                holder = parent
            if holder.tag in _SKIP or _HIDDEN.search(holder.get("style") or ""):
                continue  # script text, or a display:none list of links
            weight = float(len(text) + 3 * (text.count("，") + text.count("。") + text.count(",")))
            if is_link or _URL_TEXT.match(text):
                weight = -weight
            else:
                own[holder] = own.get(holder, 0.0) + weight
            scores[holder] = scores.get(holder, 0.0) + weight
            if (up := holder.getparent()) is not None:
                scores[up] = scores.get(up, 0.0) + weight
                if (up := up.getparent()) is not None:
                    scores[up] = scores.get(up, 0.0) + weight / 2
    if not scores:
        return None
    best, score = max(scores.items(), key=lambda kv: kv[1])
    if score <= 0:
        return None
    # Widen: each ancestor's held text is the child's plus its other children's, so the walk to
    # <body> visits every element at most once.
    held = best_held = sum(own.get(el, 0.0) for el in best.iter())
    node = best
    while (parent := node.getparent()) is not None and parent.tag not in ("body", "html"):
        held += own.get(parent, 0.0) + sum(
            own.get(el, 0.0) for child in parent if child is not node for el in child.iter()
        )
        if best_held < held / 2:
            best, best_held = parent, held
        node = parent
    return best


def find_content(root: etree._Element, page: Page | None = None) -> etree._Element:
    """The element holding the article body; ``root`` itself when nothing is better.

    ``page`` is ``scan_page(root)`` when the caller has it (it is shared with the metadata
    reader). The Hanweb body may come back as a detached ``<div>`` holding copies of the nodes
    between its markers, when those share their parent with other material.
    """
    try:
        page = page if page is not None else scan_page(root)
        found = _known_container(page.marked)
        if found is None:
            found = _densest(page.nodes)
    except (ValueError, TypeError, etree.XPathError):
        found = None
    return found if found is not None else root


# --- plain text --------------------------------------------------------------------

_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol p pre "
    "section table tbody tfoot thead tr ul".split()
)
_WS = re.compile(r"[\s\xa0\u3000]+")
_SPACES = re.compile(r" {2,}")
_CELL = "\x1f"


def _lines(parts: Iterable[str]) -> str:
    out: list[str] = []
    for raw in "".join(parts).split("\n"):
        line = _SPACES.sub(" ", raw)
        if _CELL in line:
            cells = [c.strip() for c in line.split(_CELL)]
            line = _SPACES.sub(" ", " | ".join(cells[1:] if not cells[0] else cells))
        if line.strip("| "):
            out.append(line.strip())
    return "\n".join(out)


def html_to_text(element: etree._Element) -> str:
    """Plain text with one line per block and table rows as ``cell | cell``.

    A fallback when trafilatura is too slow or drops a table; the row form matches what the
    report parser reads from pipe-joined text. Inside a cell, blocks only add spaces, so a row
    stays on one line; a cell holding a table is page layout and reads as a block instead.
    """
    parts: list[str] = []
    cells = 0  # how many data cells enclose the current node
    # (node, kind): kind is None when the node is first met, else what to close.
    stack: list[tuple[etree._Element, str | None]] = [(element, None)]
    while stack:
        node, kind = stack.pop()
        if kind is not None:
            if kind == "cell":
                cells -= 1
            elif kind == "block":
                parts.append(" " if cells else "\n")
            if node is not element and node.tail:
                parts.append(_WS.sub(" ", node.tail))
            continue
        tag = node.tag if isinstance(node.tag, str) else None
        if tag is None or tag in _SKIP:
            if node is not element and node.tail:
                parts.append(_WS.sub(" ", node.tail))
            continue
        if tag in ("td", "th") and node.find(".//table") is None:
            kind = "cell"
            parts.append(" " if cells else _CELL)
            cells += 1
        elif tag in _BLOCKS or tag in ("td", "th", "br"):
            kind = "block"
            parts.append(" " if cells else "\n")
        else:
            kind = "inline"
        if node.text and tag != "br":
            parts.append(_WS.sub(" ", node.text))
        stack.append((node, kind))
        stack.extend((child, None) for child in reversed(node))
    return _lines(parts)
