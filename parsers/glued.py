"""Tables 2-4 from text whose table cells were glued together.

``textContent``, copy and paste from a browser and some PDF extractors join a table's cells with
nothing between them; a whole report can arrive as one line::

    一、本年新收政府信息公开申请数量21710000218二、上年结转政府信息公开申请数量0000000三、本年度办理结果（一）予以公开…

The text is cut into tokens (digit runs, spaces, text). A table-3 row is a text token naming the
row (the keywords of :mod:`parsers.labels`, so labels broken by stray spaces still match) and the
digits right after it; a sub-row's numbering glued onto the previous row's digits
(``…00000002.其他法律…``) is taken off again. Each row's digits are cut into seven cells by
:mod:`parsers.glued_split` (every cut that keeps the row's own identity), the rows' candidates are
then narrowed by the identities between rows (:mod:`parsers.glued_solve`: each column's balance,
result rows summing to (七)总计). A cell is given a value only where every surviving reading
agrees on it; anything else stays None and is flagged. Nothing is chosen by preference.

Where the document's own numbers break an identity under every possible cut, that identity is
recorded as a failed check (it fails whatever the cells are), it is not used to cut, and a row
whose reading rests on its own identity alone is then no longer trusted unless the identities
between rows confirm it (see :func:`_confirm`): in a table that does not add up, a cut that
happens to add up proves little.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from .constants import (
    CHECK_TABLE3_BALANCE,
    CHECK_TABLE3_COLUMN_SUM,
    CHECK_TABLE3_RESULT_SUM,
    CHECK_TABLE4_GROUP_SUM,
    FLAG_GLUED_CELLS,
    FLAG_GLUED_UNORDERED,
    FLAG_MERGED_DIGITS_SPLIT,
    FLAG_TABLE2_ROW_AMBIGUOUS,
    FLAG_TABLE3_ROW_AMBIGUOUS,
    FLAG_TABLE3_ROW_DUPLICATE,
    FLAG_TABLE3_ROW_INCOMPLETE,
    FLAG_TABLE4_AMBIGUOUS,
    FLAG_TABLE4_INCOMPLETE,
    TABLE2_COLUMNS,
    TABLE2_ITEMS,
    TABLE3_COLUMNS,
    TABLE3_DENIED,
    TABLE3_NOT_PROCESSED,
    TABLE3_OTHER_2021,
    TABLE3_ROWS_SINGLE_OTHER,
    TABLE3_ROWS_THREE_OTHER,
    TABLE3_UNABLE,
    TABLE4_GROUPS,
    TABLE4_KEYS,
    TEMPLATE_2019,
    TEMPLATE_2021,
)
from .glued_solve import Identity, solve
from .glued_split import BLANK, Block, Budget, Run, count_cuts, free_blocks, readings, summed_blocks
from .labels import TABLE2_ROW_LABELS, TABLE3_ROW_KEYWORDS
from .records import Cell, Check, Fact, Flag
from .stream import Line
from .tables import Table2Result, Table3Result, Table4Result, detect_table2_template, finish_table3
from .text import _t2s, key_form, normalize_text

N3 = len(TABLE3_COLUMNS)
N4 = len(TABLE4_KEYS)
#: A row that breaks its own identity whatever the cut is still read from the identities between
#: rows, if its digits cut into at most this many readings at all.
MAX_FREE_READINGS = 64
#: No table-3/4 cell is read as more than six digits: a body receives nowhere near a million
#: applications a year, and the bound keeps the search small where digits run long.
LONGEST = 6

NUM, SPACE, TEXT, MARK = "num", "space", "text", "mark"
_WORD = r"[^\d\s—―─\-/]+"
_MARKS = r"[—―─\-/]+"
#: A word that is not a blank mark of its own ("无", "空" between digits are blank cells).
_TEXT_WORD = rf"(?!(?:无|空)(?!{_WORD})){_WORD}"
_TOKEN_RE = re.compile(
    # Text, with the spaces or marks between its words: one text token.
    rf"(?P<{TEXT}>{_TEXT_WORD}(?:(?:\s+|{_MARKS}){_TEXT_WORD})*)"
    rf"|(?P<{NUM}>\d+)|(?P<{SPACE}>\s+)|(?P<{MARK}>{_MARKS}|{_WORD})"
)
_DASHES = "—―─-"
#: What ends a sub-row's numbering ("2." "2、" "2)"): the digit before it is no cell.
_NUMBERING_ENDS = (".", "、", ")", ",")
#: Readings of one row's blank marks tried at most ("——" is one blank cell or two).
MAX_MARK_VARIANTS = 32


class Token(NamedTuple):
    """One piece of the text (a named tuple: a report has hundreds, made fast)."""

    kind: str  # NUM | SPACE | TEXT | MARK (explicit blank marks: —, /, 无)
    text: str
    key: str = ""  # key form of a TEXT token
    #: MARK: how many blank cells the marks can stand for ("——" is one blank or two).
    cells: tuple[int, ...] = ()


@lru_cache(maxsize=1024)
def _mark_cells(mark: str) -> tuple[int, ...]:
    """Blank cells a run of marks can be: a slash is one, a run of k dashes k/2 (rounded up) to k."""
    lo = hi = 0
    for m in re.finditer(f"[{_DASHES}]+|[^{_DASHES}]", mark):
        k = len(m.group())
        if m.group()[0] in _DASHES:
            lo, hi = lo + (k + 1) // 2, hi + k
        else:
            lo, hi = lo + 1, hi + 1
    return tuple(range(lo, hi + 1))


def tokenize(text: str, *, normalized: bool = False) -> list[Token]:
    """Digit runs, spaces, blank marks and text, in order; normalised (half-width, Simplified).

    Spaces and marks between two pieces of text belong to the text ("社会公益 组织", "本年增/减"):
    label matching ignores them, and only digits are kept apart by a space. One regular
    expression finds each such stretch of text whole, so the loop below runs once a token.
    """
    out: list[Token] = []
    append = out.append
    for m in _TOKEN_RE.finditer(text if normalized else normalize_text(text)):
        kind = m.lastgroup
        piece = m.group()
        if kind == TEXT:
            append(Token(TEXT, piece, key_form(piece)))
        elif kind == NUM or kind == SPACE:
            append(Token(kind, piece))
        else:  # MARK, or a word that is a blank mark of its own (无, 空)
            append(Token(MARK, piece, cells=_mark_cells(piece)))
    return out


# --- table 3 rows in the token stream ------------------------------------------------------------

#: Sub-rows and the number printed before their label (1.属于国家秘密 …).
_SUB_ROW_NUMBER = {
    row: str(i + 1)
    for group in (TABLE3_DENIED, TABLE3_UNABLE, TABLE3_NOT_PROCESSED, TABLE3_OTHER_2021)
    for i, row in enumerate(group)
}
_RESULT_ROWS = frozenset((*TABLE3_ROWS_THREE_OTHER[2:-2], "other"))
_TOTAL = "total_processed"
_PLAIN_TOTAL = "?total"  # "总计" alone: (七)总计 after result rows, a column header before them
_PLAIN_OTHER = "?other"  # "其他" alone: 3.其他 after 2.逾期未缴费, a column header elsewhere


@lru_cache(maxsize=4096)
def _row_hits(key: str) -> tuple[tuple[int, str], ...]:
    """(position, row key) of every table-3 row label named in a text token's key form.

    One label can hold several keywords of its row ("信访举报投诉类申请"); they count once. Where
    keywords of two rows overlap, the row listed first in ``TABLE3_ROW_KEYWORDS`` wins, as in
    :func:`parsers.labels.match_table3_row`.
    """
    spans: list[tuple[int, int, str]] = []
    for row, words in TABLE3_ROW_KEYWORDS:
        for word in words:
            start = key.find(word)
            while start >= 0:
                end = start + len(word)
                if not any(s < end and start < e for s, e, _ in spans):
                    spans.append((start, end, row))
                start = key.find(word, end)
    for m in re.finditer("七总计|总计", key):
        if not any(s < m.end() and m.start() < e for s, e, _ in spans):
            spans.append((m.start(), m.end(), _TOTAL if m.group().startswith("七") else _PLAIN_TOTAL))
    if key == "其他":
        spans.append((0, 2, _PLAIN_OTHER))
    spans.sort()
    hits: list[tuple[int, str]] = []
    for start, _end, row in spans:
        if not hits or hits[-1][1] != row:
            hits.append((start, row))
    return tuple(hits)


@dataclass
class GluedRow:
    key: str
    runs: tuple[Run, ...]  # readings of the printed digits and marks (see _run_variants)
    token: int  # index of the label's token
    raw: str = ""  # the run as printed
    overflows: bool = False  # more digits than one row: a row's worth, then more


Item = str | tuple[int, ...]  # a digit group, or the blank-cell counts a mark can stand for


#: k spaces between digits on one line: a mere break, or blank cells (``&nbsp;`` reads as a
#: space): none, one, or k of them.


def _run_after(tokens: Sequence[Token], i: int) -> tuple[list[Item], int]:
    """Digit groups, marks and gaps from token ``i`` on, and the index of the token ending them."""
    items: list[Item] = []
    while i < len(tokens) and tokens[i].kind != TEXT:
        tok = tokens[i]
        if tok.kind == NUM:
            items.append(tok.text)
        elif tok.kind == MARK:
            items.append(tok.cells)
        else:
            # Spaces before a line's end or after a line's start: a break, or blank cells.
            lines = tok.text.split("\n")
            before, after = len(lines[0]), len(lines[-1]) if len(lines) > 1 else 0
            if before + after and not (items and _is_gap(items[-1])):
                items.append(tuple(sorted({0, 1, before, after, before + after})))
        i += 1
    return items, i


def _is_gap(item: Item) -> bool:
    return isinstance(item, tuple) and item[0] == 0


def _run_variants(items: Sequence[Item]) -> tuple[Run, ...] | None:
    """Every reading of the marks (and spaces) as blank cells; None: too many to try.

    Where spaces as blanks would give too many readings, spaces are only breaks: a row printed
    with a space between every cell ("217 1 0 0 0 0 218") needs no other reading.
    """
    for gaps in (True, False):
        variants: list[tuple[str, ...]] = [()]
        for item in items:
            if isinstance(item, str):
                variants = [(*v, item) for v in variants]
                continue
            counts = item if gaps or not _is_gap(item) else (0,)
            variants = [(*v, *(BLANK,) * n) for v in variants for n in counts]
            if len(variants) > MAX_MARK_VARIANTS:
                break
        else:
            return tuple(Run(v) for v in variants)
    return None


def find_table3_rows(tokens: Sequence[Token], start: int, stop: int) -> tuple[list[GluedRow], bool]:
    """The table-3 rows between tokens ``start`` and ``stop`` in printed order, and whether
    digits stand where no row label precedes them (the text is not in label-then-digits order,
    as PDF layout text often is: then no digit can be given to a row with any confidence)."""
    marks: list[tuple[int, str]] = []
    for i in range(start, stop):
        tok = tokens[i]
        if tok.kind == TEXT:
            marks.extend((i, row) for _pos, row in _row_hits(tok.key))
    rows: list[GluedRow] = []
    consumed: set[int] = set()
    seen_result = False
    for n, (i, row) in enumerate(marks):
        if row == _PLAIN_TOTAL:
            if not seen_result:
                continue
            row = _TOTAL
        if row == _PLAIN_OTHER:
            previous = [r.key for r in rows if r.key != "other"]
            if not previous or previous[-1] != "other_no_fee":
                continue
            row = "other_misc"
        seen_result = seen_result or row in _RESULT_ROWS
        if n + 1 < len(marks) and marks[n + 1][0] == i:
            rows.append(GluedRow(row, (), i))  # another label follows in the same token: no digits
            continue
        items, end = _run_after(tokens, i + 1)
        consumed.update(range(i + 1, end))
        raw = "".join(tokens[k].text for k in range(i + 1, end)).strip()
        runs = _numbering_variants(items, tokens, end, stop)
        rows.append(GluedRow(row, runs, i, raw, _overflows(runs)))
    disorder = any(r.overflows for r in rows) or _orphans(
        tokens, marks[0][0] if marks else stop, stop, consumed
    )
    return rows, disorder


def _overflows(runs: Sequence[Run]) -> bool:
    """A row's worth of cells, then more digits: the rest belongs to some other row."""
    if not runs or any(count_cuts(r, N3, LONGEST) for r in runs):
        return False
    return any(count_cuts(Run(r.groups[:k]), N3, LONGEST) for r in runs for k in range(1, len(r.groups)))


def _orphans(tokens: Sequence[Token], start: int, stop: int, consumed: set[int]) -> bool:
    """Digits that no row label precedes, enough for a row (a page number "-3-" is not)."""
    i = start
    while i < stop:
        if tokens[i].kind == TEXT or i in consumed:
            i += 1
            continue
        items, end = _run_after(tokens, i)
        nxt = tokens[end].text if end < len(tokens) else ""
        if items and isinstance(items[-1], str) and nxt.startswith(_NUMBERING_ENDS):
            items = [*items[:-1], items[-1][:-1]] if len(items[-1]) > 1 else items[:-1]
        runs = _run_variants([it for it in items if it != ""]) or ()
        if any(count_cuts(r, N3, LONGEST) for r in runs):
            return True
        i = max(end, i + 1)
    return False


def _numbering_variants(items: list[Item], tokens: Sequence[Token], end: int, stop: int) -> tuple[Run, ...]:
    """The row's readings, without the next sub-row's number where it was glued onto the digits.

    An empty tuple is a row with nothing printed; None from the marks (too many readings) is
    given as an empty run, which cuts no way.
    """
    if items and isinstance(items[-1], str) and end < stop:
        nxt = tokens[end]
        following = [row for _pos, row in _row_hits(nxt.key)]
        # "其他" alone may be 3.其他, the last of the 2021 其他处理 rows.
        nxt_row = (
            "other_misc" if following and following[0] == _PLAIN_OTHER else following[0] if following else ""
        )
        number = _SUB_ROW_NUMBER.get(nxt_row)
        last = items[-1]
        if nxt.text.startswith(_NUMBERING_ENDS):
            # "…00000002.其他法律…": the digit before the stop is the number, whatever it reads.
            items = [*items[:-1], last[:-1]] if len(last) > 1 else items[:-1]
        elif number and last.endswith(number) and len(last) > len(number):
            # "…00000002其他法律…": a cell or the next row's number; the identities decide.
            cut = _run_variants([*items[:-1], last[: -len(number)]]) or ()
            whole = _run_variants(items) or ()
            return (*cut, *whole) if cut and whole else (Run(()),)
    if not items:
        return ()
    return _run_variants(items) or (Run(()),)


def _table3_span(tokens: Sequence[Token]) -> tuple[int, int] | None:
    """Token indexes where table 3 starts (its first row label) and ends (table 4's heading)."""
    first = None
    for i, tok in enumerate(tokens):
        if tok.kind != TEXT:
            continue
        rows = [row for _p, row in _row_hits(tok.key)]
        if "new_received" in rows or "申请人情况" in tok.key:
            items, _ = _run_after(tokens, i + 1)
            if first is None:
                first = i
            # A sentence "本年新收政府信息公开申请18件" is no table row; a row has 7 cells.
            if any(count_cuts(r, N3, LONGEST) for r in _run_variants(items) or ()) or "申请人情况" in tok.key:
                first = i
                break
    if first is None:
        return None
    stop = len(tokens)
    past_forward = False
    for i in range(first + 1, len(tokens)):
        tok = tokens[i]
        if tok.kind != TEXT:
            continue
        if "carried_forward" in (row for _p, row in _row_hits(tok.key)):
            past_forward = True
            continue
        if past_forward or ("行政复议" in tok.key and "行政诉讼" in tok.key):
            stop = i
            break
    return first, stop


# --- the identities ---------------------------------------------------------------------------


def _identities(order: Sequence[str], three: bool) -> list[Identity]:
    results = [r for r in order if r in _RESULT_ROWS and (r != "other" or not three)]
    out = []
    for c, col in enumerate(TABLE3_COLUMNS):
        balance = (("new_received", 1), ("carried_over", 1), (_TOTAL, -1), ("carried_forward", -1))
        out.append(Identity(CHECK_TABLE3_BALANCE, col, c, balance))
        out.append(Identity(CHECK_TABLE3_RESULT_SUM, col, c, (*((r, 1) for r in results), (_TOTAL, -1))))
    return out


@dataclass
class _RowState:
    key: str
    raw: str
    candidates: list[tuple[int | None, ...]] | None  # None: unknown (too many, or no digits fit)
    cuts: int = 0  # ways the digits cut into seven cells, no identity asked
    forced: bool = False  # the digits cut only one way at all
    self_broken: bool = False  # no cut keeps the row's own identity
    blank: bool = False  # no digits at all: every cell blank
    runs: tuple[Run, ...] = ()  # the readings of the printed digits and marks
    unconfirmed: bool = False  # a cut of its own, unconfirmed in a table that does not add up


def _row_state(row: GluedRow, budget: Budget) -> _RowState:
    state = _cut_row(row, budget)
    state.runs = row.runs
    return state


def _cut_row(row: GluedRow, budget: Budget) -> _RowState:
    if not row.runs:
        return _RowState(row.key, "", [(None,) * N3], cuts=1, forced=True, blank=True)
    cuts = sum(count_cuts(run, N3, LONGEST) for run in row.runs)
    if cuts == 0:
        return _RowState(row.key, row.raw, None)
    if cuts == 1:
        # One cut at all (most rows of small numbers: a digit a cell): no search for the cuts
        # that add up, only whether this one does.
        only = _only_cut(row.runs, budget)
        if only is None:
            return _RowState(row.key, row.raw, None, cuts)
        adds_up = sum(v or 0 for v in only[:-1]) == (only[-1] or 0)
        return _RowState(row.key, row.raw, [only], cuts, forced=True, self_broken=not adds_up)
    kept = _union(row.runs, summed_blocks(N3), budget)
    if kept is None:
        return _RowState(row.key, row.raw, None, cuts)
    if kept and cuts > 1:
        return _RowState(row.key, row.raw, kept, cuts)
    if cuts > MAX_FREE_READINGS:
        return _RowState(row.key, row.raw, None, cuts, self_broken=True)
    # One cut at all, or none that adds up: every cut, for the identities between rows to judge.
    free = _union(row.runs, free_blocks(N3), budget)
    return _RowState(row.key, row.raw, free, cuts, forced=cuts == 1, self_broken=not kept)


def _only_cut(runs: Sequence[Run], budget: Budget) -> tuple[int | None, ...] | None:
    """The one cut of a row whose digits cut into seven cells one way only (None: over budget)."""
    for run in runs:
        if count_cuts(run, N3, LONGEST) != 1:
            continue
        if sum(len(g) or 1 for g in run.groups) == N3:  # a digit (or a blank mark) a cell
            return tuple(None if g == BLANK else int(d) for g in run.groups for d in g or "_")
        found = readings(run, free_blocks(N3), budget=budget, longest=LONGEST)
        return found[0] if found else None
    return None


@dataclass
class GluedTables:
    table2: Table2Result
    table3: Table3Result
    table4: Table4Result
    #: Checks the document fails whatever its glued cells are (so they hold although cells are null).
    failed: list[Check] = field(default_factory=list)


def read_table3(
    tokens: Sequence[Token], span: tuple[int, int], budget: Budget
) -> tuple[Table3Result, list[Check], int]:
    """Table 3 from the tokens of ``span``; also the checks known to fail, and the token ending it."""
    table: dict[str, dict[str, int | None]] = {}
    result = Table3Result(table=table)
    found, disorder = find_table3_rows(tokens, *span)
    end = span[1]
    if not found:
        return result, [], end
    keys = {r.key for r in found}
    three = any(k in keys for k in TABLE3_OTHER_2021)
    result.three_other_rows = three
    order = TABLE3_ROWS_THREE_OTHER if three else TABLE3_ROWS_SINGLE_OTHER
    rows: dict[str, GluedRow] = {}
    for row in found:
        if row.key == "other" and three:
            continue  # (六)其他处理 heads the three 2021 rows
        if row.key in rows:
            result.flags.append(
                Flag(FLAG_TABLE3_ROW_DUPLICATE, f"row {row.key} appears twice; the first is kept", row.key)
            )
            continue
        rows[row.key] = row
    if len(rows) < 3:
        return result, [], end
    result.found = True
    if disorder:
        for key in order:
            table[key] = dict.fromkeys(TABLE3_COLUMNS)
        result.flags.append(
            Flag(
                FLAG_GLUED_UNORDERED,
                "table 3: digits stand where no row label precedes them (text not in label-then-digits "
                "order, e.g. PDF layout): no row's cells can be told; left null",
                "table3",
            )
        )
        return result, [], end
    states = {key: _row_state(row, budget) for key, row in rows.items() if key in order}
    failed: list[Check] = []
    for st in states.values():
        if st.self_broken:
            failed.append(
                Check(
                    CHECK_TABLE3_COLUMN_SUM,
                    st.key,
                    None,
                    None,
                    False,
                    f"no cut of '{st.raw}' into {N3} cells has natural_person + five organisation columns == total",
                )
            )
    values, ambiguous, dropped = _narrow(states, order, three, budget)
    failed.extend(dropped)
    _fill_table3(result, order, rows, states, values, ambiguous)
    return result, failed, end


def _narrow(
    states: dict[str, _RowState], order: Sequence[str], three: bool, budget: Budget
) -> tuple[dict[str, tuple[int | None, ...] | None], set[str], list[Check]]:
    """Each row's reading (None where unknown), the rows left ambiguous, checks that must fail."""
    known = {k: s.candidates for k, s in states.items() if s.candidates}
    idents = [i for i in _identities(order, three) if all(r in known for r in i.rows)]
    failed: list[Check] = []
    solutions = solve(known, idents, budget=budget)
    # Trust a row's own identity alone only in a table that holds together: every identity met
    # by some reading, no row broken under every cut, and no row too short for seven cells (a
    # sign that empty cells vanished from the text, which can leave a wrong cut adding up).
    reliable = bool(solutions) and not any(
        s.self_broken or (s.cuts == 0 and not s.blank) for s in states.values()
    )
    if solutions == []:
        # Some identity cannot hold: those that fail on their own fail whatever the cells are.
        broken = [i for i in idents if solve(known, [i], budget=budget) == []]
        for ident in broken:
            if _fails_every_cut(ident, states, budget):
                failed.append(
                    Check(
                        ident.name,
                        ident.scope,
                        None,
                        None,
                        False,
                        "fails for every cut of the glued digits into cells",
                    )
                )
        idents = [i for i in idents if i not in broken]
        solutions = solve(known, idents, budget=budget) if broken else []
    values: dict[str, tuple[int | None, ...] | None] = dict.fromkeys(states)
    ambiguous = {k for k, s in states.items() if s.candidates is None}
    for key, cands in known.items():
        seen = {sol[key] for sol in solutions} if solutions else set(cands)
        if len(seen) == 1:
            values[key] = next(iter(seen))
        else:
            # Cells every surviving reading agrees on are known; the others stay None.
            values[key] = tuple(col[0] if len(set(col)) == 1 else None for col in zip(*seen, strict=True))
            ambiguous.add(key)
    if not reliable:
        _confirm(states, values, ambiguous, idents)
    return values, ambiguous, failed


def _fails_every_cut(ident: Identity, states: dict[str, _RowState], budget: Budget) -> bool:
    """The identity fails for every cut of its rows' digits, not only for the cuts that keep each
    row's own identity (a row the document got wrong may have none but wrong ones): only then is
    its failure the document's. Rows with too many cuts to try leave it unsaid."""
    every: dict[str, list[tuple[int | None, ...]]] = {}
    for row in ident.rows:
        st = states[row]
        if st.blank or st.forced:
            every[row] = st.candidates or []
            continue
        if st.cuts > MAX_FREE_READINGS:
            return False
        cuts = _union(st.runs, free_blocks(N3), budget)
        if not cuts:
            return False
        every[row] = cuts
    return solve(every, [ident], budget=budget) == []


def _confirm(
    states: dict[str, _RowState],
    values: dict[str, tuple[int | None, ...] | None],
    ambiguous: set[str],
    idents: Sequence[Identity],
) -> None:
    """In a table that breaks an identity, keep a row's cut only where the digits force it or
    the identities between rows confirm it: six of its seven cells sit in an identity that holds
    with every cell in it read (the seventh then follows from the digits). Emptying a row can
    leave others unconfirmed, so this runs until nothing changes."""
    changed = True
    while changed:
        changed = False
        full = {k: v for k, v in values.items() if v is not None and k not in ambiguous}
        holding = [i for i in idents if all(r in full for r in i.rows) and i.holds(full)]
        for key, value in values.items():
            st = states[key]
            if value is None or (st.forced and not st.self_broken):
                continue
            if len({i.column for i in holding if key in i.rows}) < N3 - 1:
                values[key] = None
                ambiguous.add(key)
                st.unconfirmed = changed = True


def _fill_table3(
    result: Table3Result,
    order: Sequence[str],
    rows: dict[str, GluedRow],
    states: dict[str, _RowState],
    values: dict[str, tuple[int | None, ...] | None],
    ambiguous: set[str],
) -> None:
    table = result.table
    blanks: list[str] = []
    for key in order:
        row = table.setdefault(key, dict.fromkeys(TABLE3_COLUMNS))
        st = states.get(key)
        if st is None:
            continue
        value = values.get(key)
        if st.blank:
            blanks.extend(f"{key}.{c}" for c in TABLE3_COLUMNS)
            for col in TABLE3_COLUMNS:
                result.cells.append(Cell("table3", key, col, None, "", "blank"))
            continue
        if key in ambiguous or value is None:
            if st.cuts == 0:
                code, why = (
                    FLAG_TABLE3_ROW_INCOMPLETE,
                    f"its digits '{st.raw}' do not make {N3} cells; left null",
                )
            elif st.unconfirmed:
                why = (
                    f"'{st.raw}' adds up, but no identity between rows confirms it in a table that breaks one"
                )
                code, why = FLAG_TABLE3_ROW_AMBIGUOUS, why + "; left null"
            elif st.candidates is None:
                code, why = FLAG_TABLE3_ROW_AMBIGUOUS, f"'{st.raw}' has too many readings to try; left null"
            else:
                why = f"'{st.raw}' has several readings the identities allow; left null where they differ"
                code = FLAG_TABLE3_ROW_AMBIGUOUS
            result.flags.append(Flag(code, f"table 3 row {key}: {why}", key))
        if value is None:
            continue
        split = f"split from '{st.raw}'"
        for col, val in zip(TABLE3_COLUMNS, value, strict=True):
            row[col] = val
            note: str | None = split
            if val is None:
                note = None if key in ambiguous else "blank"
                if note:
                    blanks.append(f"{key}.{col}")
            result.cells.append(Cell("table3", key, col, val, st.raw, note))
        if key not in ambiguous and len(rows[key].runs) + len(rows[key].runs[0].groups) != 1 + N3:
            result.flags.append(
                Flag(FLAG_MERGED_DIGITS_SPLIT, f"table 3 row {key}: '{st.raw}' read as {list(value)}", key)
            )
    finish_table3(result, order, blanks, states)


# --- table 4 -------------------------------------------------------------------------------------

_T4_HEADER_WORDS = ("结果维持", "结果纠正", "尚未审结", "复议后起诉")


def _table4_runs(tokens: Sequence[Token], start: int) -> tuple[tuple[Run, ...], str] | None:
    """Readings of the digits after table 4's header (found from token ``start`` on), and the
    digits as printed; None where no header is followed by digits."""
    header = False
    for i in range(start, len(tokens)):
        tok = tokens[i]
        if tok.kind == TEXT:
            if any(w in tok.key for w in _T4_HEADER_WORDS):
                header = True
            elif header:
                return None  # header, then other text before any digit: no values printed
            continue
        if tok.kind != TEXT and header:
            items, end = _run_after(tokens, i)
            if all(_is_gap(it) for it in items):  # only spaces: the digits come after them
                if end < len(tokens) and tokens[end].kind == TEXT:
                    return None
                continue
            raw = "".join(t.text for t in tokens[i:end]).strip()
            return _run_variants(items) or (Run(()),), raw
    return None


def read_table4(tokens: Sequence[Token], start: int, budget: Budget) -> tuple[Table4Result, list[Check]]:
    """Table 4: its 15 cells from one run of digits, cut so that each group adds up."""
    table: dict[str, int | None] = dict.fromkeys(TABLE4_KEYS)
    result = Table4Result(table=table)
    found_run = _table4_runs(tokens, start)
    if found_run is None:
        return result, []
    runs, raw = found_run
    result.found = True
    failed: list[Check] = []
    cuts = sum(count_cuts(run, N4, LONGEST) for run in runs)
    if cuts == 0:
        result.flags.append(
            Flag(
                FLAG_TABLE4_INCOMPLETE,
                f"table 4's digits '{raw}' do not make {N4} cells; left unread",
                "table4",
            )
        )
        return result, []
    # Even digits that cut one way only must add up: cells left empty vanish from glued text,
    # and fifteen digits can be fourteen cells, one of two digits.
    found = _union(runs, summed_blocks(5, 3), budget)
    if found == []:
        # The groups that fail whatever the cut: those checks fail. The cells are then left
        # null: with an identity gone, a cut that adds up elsewhere proves little.
        free = Block(5, False)
        for g, group in enumerate(TABLE4_GROUPS):
            if _union(runs, [Block(5, True) if k == g else free for k in range(3)], budget) == []:
                failed.append(
                    Check(
                        CHECK_TABLE4_GROUP_SUM,
                        group,
                        None,
                        None,
                        False,
                        "fails for every cut of the glued digits into cells",
                    )
                )
    if not found:
        why = (
            "too many readings to tell apart" if found is None else "no reading in which every group adds up"
        )
        result.flags.append(Flag(FLAG_TABLE4_AMBIGUOUS, f"table 4: '{raw}': {why}; left null", "table4"))
        return result, failed
    agreed = [col[0] if len(set(col)) == 1 else None for col in zip(*found, strict=True)]
    for key, val in zip(TABLE4_KEYS, agreed, strict=True):
        table[key] = val
        result.cells.append(Cell("table4", key, "value", val, raw, f"split from '{raw}'"))
    if len(found) > 1:
        unknown = [k for k, v in zip(TABLE4_KEYS, agreed, strict=True) if v is None]
        result.flags.append(
            Flag(
                FLAG_TABLE4_AMBIGUOUS,
                f"table 4: '{raw}' has {len(found)} readings in which every group adds up; "
                f"left null where they differ: {', '.join(unknown)}",
                "table4",
            )
        )
    elif len(runs[0].groups) != N4:
        result.flags.append(Flag(FLAG_MERGED_DIGITS_SPLIT, f"table 4: '{raw}' read as {agreed}", "table4"))
    return result, failed


def _union(
    runs: Sequence[Run], blocks: Sequence[Block], budget: Budget
) -> list[tuple[int | None, ...]] | None:
    """Every reading of any of ``runs`` (None: one of them has too many to know)."""
    out: list[tuple[int | None, ...]] = []
    for run in runs:
        got = readings(run, blocks, budget=budget, longest=LONGEST)
        if got is None:
            return None
        out.extend(got)
    return list(dict.fromkeys(out))


# --- table 2 -------------------------------------------------------------------------------------

_T2_SIGNS = {"增": 1, "+": 1, "增加": 1, "减": -1, "-": -1, "减少": -1}
_T2_UNITS = ("万元", "亿元", "元")


@lru_cache(maxsize=4096)
def _table2_row_at_end(key: str) -> str | None:
    """The table-2 row whose label ends a text token ("信息内容…现行有效件数规章" -> 规章)."""
    for name in TABLE2_ROW_LABELS:  # longest first where one label ends another
        if key.endswith(name):
            return name
    return None


def read_table2(tokens: Sequence[Token], start: int, stop: int, budget: Budget) -> Table2Result:
    """Table 2's rows between tokens ``start`` and ``stop``: a cell is read where the digits
    allow one cut only (table 2 promises no identity to cut by); other rows are flagged."""
    result = Table2Result()
    heads = [i for i in range(start, stop) if tokens[i].kind == TEXT and "第二十条" in tokens[i].key]
    if not heads:
        return result
    lines = [Line([tokens[i].text]) for i in range(heads[0], stop) if tokens[i].kind == TEXT]
    template = detect_table2_template(lines, (0, len(lines)))
    result.template = template
    i = heads[0]
    while i < stop:
        tok = tokens[i]
        name = _table2_row_at_end(tok.key) if tok.kind == TEXT else None
        i += 1
        if name is None:
            continue
        result.found = True
        pieces, i = _table2_pieces(tokens, i, stop)
        _read_table2_row(result, template, name, pieces, budget)
    return result


def _table2_pieces(tokens: Sequence[Token], i: int, stop: int) -> tuple[list[tuple[int, str, str]], int]:
    """(sign, digits, fraction) groups of one table-2 row, and the token after them."""
    pieces: list[tuple[int, str, str]] = []
    sign = 1
    while i < stop:
        tok = tokens[i]
        if tok.kind == NUM:
            pieces.append((sign, tok.text, ""))
            sign = 1
        elif tok.kind in (TEXT, MARK) and tok.text.strip() in _T2_SIGNS:
            sign = _T2_SIGNS[tok.text.strip()]
        elif tok.kind == TEXT and tok.text == "." and pieces and i + 1 < stop and tokens[i + 1].kind == NUM:
            s, digits, _ = pieces[-1]
            pieces[-1] = (s, digits, tokens[i + 1].text)
            i += 1
        elif tok.kind == TEXT and tok.text in _T2_UNITS:
            pass
        elif tok.kind == TEXT:
            break
        i += 1
    return pieces, i


def _read_table2_row(
    result: Table2Result, template: str | None, name: str, pieces: list[tuple[int, str, str]], budget: Budget
) -> None:
    item = TABLE2_ITEMS.get(name)
    raw = " ".join(("-" if s < 0 else "") + d + (f".{f}" if f else "") for s, d, f in pieces)
    layouts = [template] if template else []
    for tpl in dict.fromkeys([*layouts, TEMPLATE_2019, TEMPLATE_2021]):
        columns = TABLE2_COLUMNS[tpl].get(name)
        if columns is None:
            continue
        run = Run(tuple(d for _s, d, _f in pieces))
        if count_cuts(run, len(columns)) == 0:
            continue
        found = readings(run, free_blocks(len(columns)), limit=1, budget=budget)
        if found:  # one cut only: a sign and a fraction belong to the first and last cell of a group
            values = _table2_values(found[0], pieces)
            for col, val in zip(columns, values, strict=True):
                result.facts.append(Fact(item, name, col, val, raw))
            return
        result.flags.append(
            Flag(
                FLAG_TABLE2_ROW_AMBIGUOUS,
                f"table 2 row {name}: '{raw}' cuts into {len(columns)} cells several ways; left null",
                name,
            )
        )
        for col in columns:
            result.facts.append(Fact(item, name, col, None, raw))
        return
    result.flags.append(
        Flag(FLAG_TABLE2_ROW_AMBIGUOUS, f"table 2 row {name}: '{raw}' fits none of its layouts", name)
    )


def _table2_values(
    cells: tuple[int | None, ...], pieces: list[tuple[int, str, str]]
) -> list[int | float | None]:
    """The cut's cells with each group's sign on its first cell and fraction on its last."""
    out: list[int | float | None] = []
    k = 0
    for sign, digits, fraction in pieces:
        width = 0
        used = 0
        while used < len(digits):
            used += len(str(cells[k + width]))
            width += 1
        group = list(cells[k : k + width])
        values: list[int | float | None] = [v for v in group]
        if fraction and values:
            values[-1] = float(f"{values[-1]}.{fraction}")
        if sign < 0 and values and values[0] is not None:
            values[0] = -values[0]
        out.extend(values)
        k += width
    return out


# --- the whole report ------------------------------------------------------------------------------


def looks_glued(text: str, *, normalized: bool = False) -> bool:
    """Two table-3 row labels run straight into digits: the text is worth reading as glued."""
    return _first_glued_row(text if normalized else normalize_text(text)) is not None


#: A row label, the rest of its label, then digits and blank marks enough for a row's seven cells.
#: (Spaces may stand between cells: an &nbsp; blank cell reads as one.)
_GLUED_ROW_RE = re.compile(r"(?:本年新收|上年结转|予以公开|结转下年)[\u4e00-\u9fff]{0,12}[\d—/-][\d—/ -]{6,}")
#: Where the tables are read, around the first glued row: table 2 before it, table 4 after.
_BEFORE, _AFTER = 8000, 20000


#: The same in a document's own text, where blank cells are still non-breaking spaces, which may
#: also open the row (no layout text puts them there).
_NBSP_ROW_RE = re.compile(
    r"(?:本年新收|上年结转|予以公开|结转下年)[\u4e00-\u9fff]{0,12}[\d\xa0—/-]*\xa0[\d\xa0—/-]*\d"
)


#: Where a row label with its digits starts, for the stretch to read (any spaces between).
_ROW_START_RE = re.compile(r"(?:本年新收|上年结转|予以公开|结转下年)[\u4e00-\u9fff]{0,12} *[\d—/-]")


def _first_glued_row(text: str, pattern: re.Pattern[str] = _GLUED_ROW_RE) -> int | None:
    hits = pattern.finditer(text)
    first = next(hits, None)
    return first.start() if first is not None and next(hits, None) is not None else None


#: The characters that make report text not NFKC-normal, by far the most common, and their
#: NFKC form (full-width punctuation, ideographic and non-breaking spaces).
_COMMON_WIDE = {ch: unicodedata.normalize("NFKC", ch) for ch in "：（），；\u3000\xa0"}


def _normalize_document(text: str) -> str:
    """:func:`parsers.text.normalize_text` of a whole document, the same string, faster.

    NFKC walks every character in Python's slow path once one is not normal (in a report, the
    full-width colons and brackets of every label); replaced first with what NFKC makes of them
    (each its own compatibility decomposition, so the result is the same), the rest of a report
    is usually normal already and NFKC is not needed at all. Not cached: a document is new.
    """
    if not unicodedata.is_normalized("NFKC", text):
        for wide, narrow in _COMMON_WIDE.items():
            if wide in text:
                text = text.replace(wide, narrow)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    return _t2s(text)


def read_glued(text: str, *, normalized: bool = False, raw: str | None = None) -> GluedTables | None:
    """Tables 2-4 of a glued report, or None when the text holds no glued table 3.

    ``normalized``: the text already went through :func:`parsers.text.normalize_text`. ``raw``:
    the document's own text, where ``text`` was rebuilt from lines and lost runs of spaces (three
    ``&nbsp;`` between digits are three blank cells); it is read instead once ``text`` looks glued.
    """
    if not normalized:
        text = normalize_text(text)
    first = _first_glued_row(text)
    if first is None and (raw is None or _first_glued_row(raw, _NBSP_ROW_RE) is None):
        return None
    if raw is not None:
        text = _normalize_document(raw)
        row = _ROW_START_RE.search(text)
        if row is None:
            return None
        first = row.start()
    if first is None:
        return None
    # Only the stretch that can hold the tables is cut into tokens, not the narrative around it.
    anchor = text.find("第二十条", max(0, first - _BEFORE), first)
    start = anchor if anchor >= 0 else max(0, first - 1000)
    # Section five's heading closes table 4; "存在的主要问题" is not a table label.
    stop = text.find("存在的主要问题", first, first + _AFTER)
    tokens = tokenize(text[start : stop if stop >= 0 else first + _AFTER], normalized=True)
    span = _table3_span(tokens)
    if span is None:
        return None
    budget = Budget()
    t3, failed, end = read_table3(tokens, span, budget)
    if not t3.found:
        return None
    t2 = read_table2(tokens, 0, span[0], budget)
    t4, failed4 = read_table4(tokens, end, budget)
    t3.flags.insert(
        0, Flag(FLAG_GLUED_CELLS, "tables read from text whose cells were glued together", "table3")
    )
    return GluedTables(t2, t3, t4, failed + failed4)


def merge_failed_checks(checks: list[Check], failed: Sequence[Check]) -> list[Check]:
    """The computed checks, where one could not be computed (a cell null) but is known to fail
    whatever the glued cells are, replaced by that failure; known failures of a table with no
    computed check added."""
    known = {(c.name, c.scope): c for c in failed}
    out = []
    for check in checks:
        hit = known.pop((check.name, check.scope), None)
        out.append(hit if hit is not None and check.passed is None else check)
    # Tables with no cell read get no computed checks at all: their known failures still count.
    return out + list(known.values())
