"""Which readings of table 3's rows survive the identities between rows.

Each row of table 3 comes with its candidate readings (every cut of its digits that keeps the
row's own identity, see :mod:`parsers.glued_split`). The identities between rows are linear, one
per column: the balance ``new_received + carried_over - total_processed - carried_forward = 0`` and
the result sum ``granted + ... + other - total_processed = 0``. :func:`solve` walks the rows that
still have several candidates, cheapest first, and cuts a branch as soon as some identity can no
longer be met by the rows left (their smallest and largest values bound what they can add). It
returns every surviving combination, or None when there are too many to tell apart or the walk
ran over its budget: "unknown", never a choice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .glued_split import Budget

#: Nodes one solve may visit, and surviving combinations it may keep.
SOLVE_BUDGET = 30_000
MAX_SOLUTIONS = 64

Candidate = tuple[int | None, ...]


@dataclass(frozen=True)
class Identity:
    """``sum(coef * row[column] for row, coef in terms) == 0``; a blank cell counts as 0."""

    name: str  # a constants.CHECK_* name
    scope: str  # the column key
    column: int
    terms: tuple[tuple[str, int], ...]

    @property
    def rows(self) -> tuple[str, ...]:
        return tuple(r for r, _ in self.terms)

    def holds(self, cells: Mapping[str, Candidate]) -> bool:
        return sum(c * (cells[r][self.column] or 0) for r, c in self.terms) == 0


class _OverBudget(Exception):
    pass


def solve(
    candidates: Mapping[str, Sequence[Candidate]],
    identities: Sequence[Identity],
    *,
    budget: Budget | None = None,
    limit: int = MAX_SOLUTIONS,
) -> list[dict[str, Candidate]] | None:
    """Every choice of one candidate per row that meets all ``identities`` (None: unknown).

    Rows an identity names must all be in ``candidates``; a row with no candidate makes the
    problem unsolvable (an empty list). The walk draws on the document's ``budget``.
    """
    if any(not c for c in candidates.values()):
        return []
    fixed = {r: c[0] for r, c in candidates.items() if len(c) == 1}
    free = sorted((r for r, c in candidates.items() if len(c) > 1), key=lambda r: len(candidates[r]))
    order = {r: i for i, r in enumerate(free)}
    # Per identity: the fixed rows' sum, and for each free row from position i on, the smallest
    # and largest sum the rows still open can add.
    state = []
    for ident in identities:
        base = sum(c * (fixed[r][ident.column] or 0) for r, c in ident.terms if r in fixed)
        open_terms = sorted(((order[r], c) for r, c in ident.terms if r in order), reverse=True)
        lo = [0] * (len(free) + 1)
        hi = [0] * (len(free) + 1)
        for i in range(len(free) - 1, -1, -1):
            lo[i], hi[i] = lo[i + 1], hi[i + 1]
            for pos, coef in open_terms:
                if pos == i:
                    values = [coef * (c[ident.column] or 0) for c in candidates[free[i]]]
                    lo[i] += min(values)
                    hi[i] += max(values)
        coefs = dict(open_terms)
        state.append((ident, base, lo, hi, coefs))
    out: list[dict[str, Candidate]] = []
    chosen: dict[str, Candidate] = {}
    sums = [s[1] for s in state]
    start = SOLVE_BUDGET if budget is None else min(SOLVE_BUDGET, budget.left)
    left = [start]

    def walk(i: int) -> None:
        left[0] -= 1
        if left[0] < 0:
            raise _OverBudget
        for k, (_ident, _base, lo, hi, _coefs) in enumerate(state):
            if not lo[i] <= -sums[k] <= hi[i]:
                return
        if i == len(free):
            out.append({**fixed, **chosen})
            if len(out) > limit:
                raise _OverBudget
            return
        row = free[i]
        for cand in candidates[row]:
            deltas = [(k, s[4][i] * (cand[s[0].column] or 0)) for k, s in enumerate(state) if i in s[4]]
            for k, d in deltas:
                sums[k] += d
            chosen[row] = cand
            walk(i + 1)
            for k, d in deltas:
                sums[k] -= d
        chosen.pop(row, None)

    try:
        walk(0)
    except _OverBudget:
        return None
    finally:
        if budget is not None:
            budget.left -= start - max(left[0], 0)
    return out
