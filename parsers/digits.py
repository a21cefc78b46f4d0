"""Recovering cells glued together by text extraction ("7264" = 72, 64).

When a row has fewer numbers than cells, every way of cutting the digit runs back into the
expected number of cells is tried, and the table's own identity decides. Exactly one passing
reading is taken (and flagged); none or several stay unresolved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

MAX_CANDIDATES = 20000


def _cuts(token: str, parts: int) -> Iterator[list[str]]:
    """Every way to cut a digit string into ``parts`` numbers without leading zeros."""
    if parts == 1:
        if len(token) == 1 or token[0] != "0":
            yield [token]
        return
    for i in range(1, len(token) - parts + 2):
        head = token[:i]
        if len(head) > 1 and head[0] == "0":
            break
        for rest in _cuts(token[i:], parts - 1):
            yield [head, *rest]


def _distributions(lengths: Sequence[int], extra: int) -> Iterator[list[int]]:
    """Ways to give ``extra`` additional cells to tokens (a token of length L takes at most L-1)."""
    if not lengths:
        if extra == 0:
            yield []
        return
    first, rest = lengths[0], lengths[1:]
    for k in range(min(extra, first - 1) + 1):
        for tail in _distributions(rest, extra - k):
            yield [k, *tail]


def _expand(tokens: Sequence[str], dist: Sequence[int], i: int) -> Iterator[list[str]]:
    if i == len(tokens):
        yield []
        return
    for cut in _cuts(tokens[i], dist[i] + 1):
        for rest in _expand(tokens, dist, i + 1):
            yield cut + rest


def split_readings(tokens: Sequence[str], n_cells: int) -> Iterator[list[int]]:
    """All readings of digit ``tokens`` as exactly ``n_cells`` integers."""
    if not tokens or not all(t.isdigit() for t in tokens):
        return
    extra = n_cells - len(tokens)
    if extra < 0:
        return
    produced = 0
    for dist in _distributions([len(t) for t in tokens], extra):
        for parts in _expand(tokens, dist, 0):
            produced += 1
            if produced > MAX_CANDIDATES:
                return
            yield [int(p) for p in parts]


def resolve_split(
    tokens: Sequence[str], n_cells: int, identity: Callable[[list[int]], bool]
) -> tuple[list[int] | None, int]:
    """(the one reading that satisfies ``identity`` or None, how many readings satisfied it)."""
    found: list[list[int]] = []
    for reading in split_readings(tokens, n_cells):
        if identity(reading):
            found.append(reading)
            if len(found) > 1:
                return None, len(found)
    return (found[0], 1) if found else (None, 0)
