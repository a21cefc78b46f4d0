"""An HTML element as a line stream: text blocks as lines, table rows as lines of cells.

Tables are read from the DOM (one line per ``<tr>``, one cell per ``<td>/<th>``, blanks kept),
never from extracted plain text, which drops empty cells and so shifts columns. A table that
holds other tables is layout, and is walked as blocks.
"""

from __future__ import annotations

from typing import Any

from .stream import Line, split_text_line
from .values import is_blank

BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section table tbody thead tfoot tr td th ul center".split()
)
SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "iframe", "object", "select", "button"))


_CELL_BREAKS = frozenset(("br", "p", "div"))


def _tag(el) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _cell_text(cell) -> str:
    """The cell's text, whitespace collapsed; ``<br>``, ``<p>`` and ``<div>`` break words.

    A report's tables hold hundreds of cells and most are one text node, so that case is read
    without a walk. ``str.split()`` already splits on no-break and ideographic spaces.
    """
    if not len(cell):
        text = cell.text
        return " ".join(text.split()) if text else ""
    parts: list[str] = []
    append = parts.append
    for node in cell.iter():
        tag = node.tag
        if isinstance(tag, str):
            tag = tag.lower()
            if tag in SKIP_TAGS:
                continue  # its tail goes too; what it holds is still walked
            if node is not cell and tag in _CELL_BREAKS:
                append(" ")
            if node.text:
                append(node.text)
        if node is not cell and node.tail:
            append(node.tail)
    return " ".join("".join(parts).split())


def _table_rows(table, index: int) -> list[Line]:
    lines = []
    for tr in table.iter("tr"):
        # Rows of a nested table belong to that table.
        if next(tr.iterancestors("table"), None) is not table:
            continue
        cells: list[str] = []
        for td in tr:
            if _tag(td) not in ("td", "th"):
                continue
            text = _cell_text(td)
            colspan = td.get("colspan")
            if colspan is None:
                span = 1
            else:
                try:
                    span = max(1, min(int(colspan or 1), 50))
                except ValueError:
                    span = 1
            cells.append(text)
            if span > 1 and is_blank(text):
                cells.extend([""] * (span - 1))
        if any(cells):
            lines.append(Line(cells, blanks_meaningful=True, table=index))
    return lines


def element_to_lines(root) -> list[Line]:
    lines: list[Line] = []
    buf: list[str] = []
    tables = 0

    def flush() -> None:
        text = "".join(buf)
        buf.clear()
        for raw in text.split("\n"):
            raw = " ".join(raw.split())  # str.split() takes no-break and ideographic spaces too
            if raw:
                line = split_text_line(raw)
                if line is not None:
                    lines.append(line)

    # Iterative walk: arbitrary HTML may nest deeper than Python's recursion limit. An entry is
    # (element, None) when first met, (element, is_block) when it closes, so a closing element's
    # tag is not read again.
    stack: list[tuple[Any, bool | None]] = [(root, None)]
    while stack:
        el, block = stack.pop()
        if block is not None:
            if block:
                buf.append("\n")
            tail = el.tail
            if tail and el is not root:
                buf.append(tail)
            continue
        tag = el.tag
        if not isinstance(tag, str):
            # comments and processing instructions: only their tail is text
            tail = getattr(el, "tail", None)
            if tail and el is not root:
                buf.append(tail)
            continue
        tag = tag.lower()
        if tag in SKIP_TAGS:
            tail = el.tail
            if tail and el is not root:
                buf.append(tail)
            continue
        if tag == "table" and next(el.iterdescendants("table"), None) is None:
            buf.append("\n")
            flush()
            lines.extend(_table_rows(el, tables))
            tables += 1
            if el.tail and el is not root:
                buf.append(el.tail)
            continue
        block = tag in BLOCK_TAGS
        if block:
            buf.append("\n")
        if el.text:
            buf.append(el.text)
        stack.append((el, block))
        stack.extend((child, None) for child in reversed(el))
    buf.append("\n")
    flush()
    return lines
