"""Cutting glued digit runs back into cells, bounded by the identities the tables promise.

A run of digits such as ``21710000218`` is read as a sequence of *blocks*: a table-3 row is one
block of seven cells whose last cell is the sum of the other six, table 4 is three blocks of five
(four outcomes and their total). Within a block the total is chosen first (where the block ends,
how many digits the total has), then the parts are cut left to right with what they still have
to sum to as a bound: a part above it, a stretch too short to reach it or too long for cells no
larger than it, ends the branch. Cuts of a stretch are remembered, and every search draws on a
step budget (one run's, and the document's :class:`Budget`). A row of real numbers takes tens to
a few thousand steps where enumerating every cut would take up to C(n-1, 6). The line readers'
merged-cell repair (:func:`resolve_cut`) uses the same search.

Digits the text kept apart (a space, a line break) are *groups*: no cell spans two groups. A cell
never has a leading zero (``0`` alone is a cell, ``05`` is not). An explicit blank mark (``—``,
``/``) is a group of its own and one cell, read as None and counted as 0 by an identity.

Nothing here prefers one reading to another: callers get every reading, or ``None`` when the
search ran over its budget, which means "unknown", never "no reading".
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

#: Search steps one run may take before it is given up as unknown, and one document's tables.
#: A report of real numbers takes a few hundred; a table of random five-digit numbers runs out.
NODE_BUDGET = 20_000
DOCUMENT_BUDGET = 400_000
#: Readings kept at most; more means "too many to tell apart", reported as ``None``.
MAX_READINGS = 256

Reading = tuple[int | None, ...]
BLANK = ""  # the group standing for an explicit blank mark


class Run(NamedTuple):
    """The digits printed for one row (or for table 4), as the text kept them apart.

    Named tuples (this and :class:`Block`): they key every cache here, and hash in C."""

    groups: tuple[str, ...]  # digit strings, or BLANK for an explicit blank mark

    @property
    def raw(self) -> str:
        return " ".join(g or "—" for g in self.groups)

    @property
    def digits(self) -> int:
        return sum(len(g) for g in self.groups)


class Block(NamedTuple):
    size: int
    summed: bool  # the last cell is the sum of the others


def summed_blocks(size: int, count: int = 1) -> tuple[Block, ...]:
    return (Block(size, True),) * count


def free_blocks(size: int) -> tuple[Block, ...]:
    return (Block(size, False),)


class _OverBudget(Exception):
    pass


#: 10**k for every length a run can have (a run is a table row or table 4: far below this).
_POW10 = [10**k for k in range(400)]
_BLANK_MARK = "_"  # a blank group in the flattened run: a cell of its own, value None


class _Search:
    """Blocks are read one after another, each block's readings from a given position found once.
    Within a summed block the total is chosen first (where the block ends, how long its total
    is), then the parts are cut with their sum bounded by it."""

    def __init__(self, run: Run, blocks: Sequence[Block], limit: int, budget: int, longest: int) -> None:
        self.s = "".join(g or _BLANK_MARK for g in run.groups)
        self.n = n = len(self.s)
        self.blocks = list(blocks)
        self.cells_after = [sum(b.size for b in self.blocks[i + 1 :]) for i in range(len(self.blocks))]
        self.limit = limit
        self.longest = longest
        self.budget = budget
        self.out: list[Reading] = []
        self.cuts: dict[tuple[int, int, int, int | None], tuple[Reading, ...]] = {}
        self.memo: dict[tuple[int, int], list[tuple[int, Reading]]] = {}
        # next_cut[i]: the first group end after position i; a cell starting at i ends there at
        # the latest, so every group end is a cut.
        ends: set[int] = set()
        pos = 0
        for g in run.groups:
            pos += len(g) or 1
            ends.add(pos)
        self.next_cut = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            self.next_cut[i] = i + 1 if i + 1 in ends else self.next_cut[i + 1]

    def search(self) -> list[Reading] | None:
        if not self.s or not self.blocks or self.n > len(_POW10) - 2:
            return []
        try:
            self._chain(0, 0, ())
        except _OverBudget:
            return None
        return self.out

    def _tick(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise _OverBudget

    def _cell(self, i: int, j: int) -> tuple[bool, int | None]:
        """(s[i:j] can be one cell, its value): inside one group, a lone blank mark or zero."""
        if j > self.next_cut[i] or j <= i or j - i > self.longest:
            return False, None
        head = self.s[i]
        if head == _BLANK_MARK:
            return j == i + 1, None
        if head == "0" and j > i + 1:
            return False, None
        return True, int(self.s[i:j])

    def _chain(self, start: int, bi: int, prefix: Reading) -> None:
        if bi == len(self.blocks):
            if start == self.n:
                self.out.append(prefix)
                if len(self.out) > self.limit:
                    raise _OverBudget
            return
        for end, cells in self._block(start, bi):
            self._chain(end, bi + 1, prefix + cells)

    def _block(self, start: int, bi: int) -> list[tuple[int, Reading]]:
        """(end, cells) of every reading of block ``bi`` that starts at ``start``."""
        key = (start, bi)
        if key in self.memo:
            return self.memo[key]
        found: list[tuple[int, Reading]] = []
        block = self.blocks[bi]
        last = bi == len(self.blocks) - 1
        ends = [self.n] if last else range(start + block.size, self.n - self.cells_after[bi] + 1)
        for end in ends:
            if not block.summed:
                found.extend((end, cells) for cells in self._cut(start, end, block.size, None))
                continue
            parts = block.size - 1
            for t in range(1, min(end - start - parts, self.longest) + 1):
                self._tick()
                tstart = end - t
                ok, total = self._cell(tstart, end)
                if not ok:
                    continue
                target = total or 0
                span = tstart - start
                # Each part is at most the total (so at most t digits); the parts' sum has at most
                # one digit more than the longest part can have.
                if span > parts * t or len(str(target)) > span - parts + 2:
                    continue
                found.extend((end, (*cells, total)) for cells in self._cut(start, tstart, parts, target))
        self.memo[key] = found
        return found

    def _cut(self, i: int, j: int, cells: int, target: int | None) -> tuple[Reading, ...]:
        """Every cut of s[i:j] into ``cells`` cells (summing to ``target`` unless it is None).

        Remembered by (i, j, cells, target): the same stretch is asked for again and again."""
        key = (i, j, cells, target)
        known = self.cuts.get(key)
        if known is not None:
            return known
        out: list[Reading] = []
        if cells == 0:
            if i == j and not target:
                out.append(())
        elif j - i >= cells:
            first = j if cells == 1 else i + 1
            for k in range(first, min(self.next_cut[i], j - cells + 1) + 1):
                self._tick()
                ok, value = self._cell(i, k)
                if not ok:
                    break
                rest = None
                if target is not None:
                    rest = target - (value or 0)
                    if rest < 0:
                        break
                    left, room = cells - 1, j - k
                    # What is left must be cut into ``left`` cells, none above ``rest``: none
                    # longer than ``rest`` (so some cell of at least room/left digits is at most
                    # ``rest``), and together at most one cell of all but left-1 digits plus
                    # left-1 small ones.
                    if rest == 0:
                        if room != left:
                            continue
                    elif (
                        left == 0
                        or rest < _POW10[-(-room // left) - 1]
                        or rest >= _POW10[room - left + 1] + 10 * left
                    ):
                        continue
                out.extend((value, *tail) for tail in self._cut(k, j, cells - 1, rest))
                if len(out) > self.limit:
                    raise _OverBudget
        found = tuple(out)
        self.cuts[key] = found
        return found


class Budget:
    """Search steps left for one document: every run's search draws on it, so a report of huge
    or random numbers costs a bounded time, its last rows read as unknown."""

    def __init__(self, steps: int = DOCUMENT_BUDGET) -> None:
        self.left = steps


#: Finished searches, by run and blocks: reports print the same rows over and over ("0000000").
_FOUND: dict[tuple[Run, tuple[Block, ...], int, int | None], tuple[Reading, ...]] = {}
_FOUND_MAX = 16384


def readings(
    run: Run,
    blocks: Sequence[Block],
    *,
    limit: int = MAX_READINGS,
    budget: Budget | None = None,
    longest: int | None = None,
) -> list[Reading] | None:
    """Every reading of ``run`` as ``blocks`` with their identities kept, or None: too many to
    know, or the search ran out of ``budget`` (at most NODE_BUDGET steps for one run). No cell
    is longer than ``longest`` digits, where given."""
    key = (run, tuple(blocks), limit, longest)
    hit = _FOUND.get(key)
    if hit is not None:
        return list(hit)
    steps = NODE_BUDGET if budget is None else min(NODE_BUDGET, budget.left)
    search = _Search(run, blocks, limit, steps, longest or max(1, run.digits))
    found = search.search()
    if budget is not None:
        budget.left -= steps - max(search.budget, 0)
    if found is None:
        return None
    if len(_FOUND) >= _FOUND_MAX:
        _FOUND.clear()
    _FOUND[key] = tuple(found)
    return found


@lru_cache(maxsize=16384)
def count_cuts(run: Run, cells: int, longest: int | None = None) -> int:
    """How many ways ``run`` cuts into ``cells`` cells (none longer than ``longest`` digits) with no
    identity asked: counted, not searched."""
    chars = sum(len(g) or 1 for g in run.groups)
    if chars <= cells:  # fewer characters than cells, or one cell each: no search
        return int(chars == cells)
    ways = {0: 1}
    for group in run.groups:
        per = _group_ways(group, cells, longest or len(group) or 1)
        nxt: dict[int, int] = {}
        for have, w in ways.items():
            for more, v in per.items():
                if have + more <= cells:
                    nxt[have + more] = nxt.get(have + more, 0) + w * v
        ways = nxt
    return ways.get(cells, 0)


@lru_cache(maxsize=16384)
def _group_ways(group: str, cap: int, longest: int) -> dict[int, int]:
    """cells (up to ``cap``) -> ways one group cuts into that many cells without leading zeros."""
    if group == BLANK:
        return {1: 1}
    n = len(group)
    table: list[dict[int, int]] = [{} for _ in range(n + 1)]
    table[n] = {0: 1}
    for i in range(n - 1, -1, -1):
        acc: dict[int, int] = {}
        for j in [i + 1] if group[i] == "0" else range(i + 1, min(n, i + longest) + 1):
            for c, w in table[j].items():
                if c < cap:
                    acc[c + 1] = acc.get(c + 1, 0) + w
        table[i] = acc
    return table[0]


def resolve_cut(tokens: Sequence[str], blocks: Sequence[Block]) -> tuple[Reading | None, int]:
    """(the one reading of digit ``tokens`` that keeps every block's identity or None, how many
    do: 0, 1, or 2 for "several or too many to know"). The line readers' merged-cell repair."""
    if not tokens or not all(t.isdigit() for t in tokens):
        return None, 0
    found = readings(Run(tuple(tokens)), blocks, limit=1)
    if found is None:
        return None, 2
    return (found[0], 1) if found else (None, 0)
