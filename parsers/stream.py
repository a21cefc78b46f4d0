"""Every input form as one stream of lines of cells.

HTML tables become one line per ``<tr>`` (cells from the DOM, blanks kept), ``a | b | c`` text
becomes cells split on the bars, PDF layout text is split on runs of spaces, and one-cell-per-line
text stays one cell a line. The table readers then work on a single shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .values import is_value

_LAYOUT_SPLIT_RE = re.compile(r"\s{2,}|\t")
_NUMS_ONLY_RE = re.compile(r"^[\d\s,.+\-]+$")
_BULLET_RE = re.compile(r"^(?:[•·●◆■▪]\s*|[\-\*]\s+)")


@dataclass(slots=True)
class Line:
    cells: list[str]
    #: True where an empty cell is a real blank cell (HTML table cells, ``|`` rows); in layout
    #: and cell-per-line text, empty space carries no cell.
    blanks_meaningful: bool = False
    table: int | None = None  # index of the HTML table the row came from

    @property
    def text(self) -> str:
        """The non-empty cells joined by spaces (``filter`` spares the generator: this runs
        several times for every line of every report)."""
        return " ".join(filter(None, self.cells))


def split_text_line(raw: str) -> Line | None:
    line = raw.strip()
    if not line:
        return None
    if "|" in line:
        pipe_cells = [c.strip() for c in line.split("|")]
        if not any(pipe_cells):
            return None
        # Leading and trailing empty cells may be padding ("| a | b |", merged header cells) or
        # real blanks; the table readers trim them to the table's width, so all are kept here.
        return Line(pipe_cells, blanks_meaningful=True)
    line = _BULLET_RE.sub("", line)
    cells: list[str] = []
    for part in _LAYOUT_SPLIT_RE.split(line):
        part = part.strip()
        if not part:
            continue
        # "1 0 0 0" with single spaces is still several cells.
        if _NUMS_ONLY_RE.match(part) and " " in part:
            cells.extend(tok for tok in part.split() if tok)
        else:
            cells.append(part)
    return Line(cells) if cells else None


def text_to_lines(text: str) -> list[Line]:
    out = []
    for raw in text.splitlines():
        line = split_text_line(raw)
        if line is not None:
            out.append(line)
    return out


def detect_text_form(lines: Iterable[Line]) -> str:
    """pipe_rows | layout | cell_per_line, by which shape dominates the lines with values."""
    pipe = layout = single = 0
    for line in lines:
        if not any(is_value(c) for c in line.cells if c):
            continue
        if line.blanks_meaningful:
            pipe += 1
        elif len(line.cells) > 1:
            layout += 1
        else:
            single += 1
    if not (pipe or layout or single):
        return "plain"
    best = max((pipe, "pipe_rows"), (layout, "layout"), (single, "cell_per_line"))
    return best[1]
