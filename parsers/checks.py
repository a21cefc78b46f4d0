"""The identities the report tables promise, computed on the numbers as published.

A failing check is recorded and shown; no value is ever changed to make a check pass.
A check whose cells are blank or missing is recorded as not computable (``passed=None``).
"""

from __future__ import annotations

from .constants import (
    CHECK_TABLE3_BALANCE,
    CHECK_TABLE3_COLUMN_SUM,
    CHECK_TABLE3_RESULT_SUM,
    CHECK_TABLE4_GROUP_SUM,
    TABLE3_COLUMNS,
    TABLE3_PART_COLUMNS,
    TABLE3_RESULT_ROWS,
    TABLE3_ROWS_SINGLE_OTHER,
    TABLE3_ROWS_THREE_OTHER,
    TABLE4_GROUPS,
    TABLE4_OUTCOMES,
)
from .records import Check

Table3 = dict[str, dict[str, int | None]]


def _sum(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _check(name: str, scope: str, expected: int | None, actual: int | None, detail: str) -> Check:
    passed = None if expected is None or actual is None else expected == actual
    return Check(name, scope, expected, actual, passed, detail)


def table3_checks(t: Table3, three_other_rows: bool) -> list[Check]:
    out: list[Check] = []
    if not any(v is not None for row in t.values() for v in row.values()):
        return out
    g = lambda r, c: t.get(r, {}).get(c)  # noqa: E731
    for col in TABLE3_COLUMNS:
        out.append(
            _check(
                CHECK_TABLE3_BALANCE,
                col,
                _sum([g("new_received", col), g("carried_over", col)]),
                _sum([g("total_processed", col), g("carried_forward", col)]),
                "new_received + carried_over == total_processed + carried_forward",
            )
        )
    rows = TABLE3_ROWS_THREE_OTHER if three_other_rows else TABLE3_ROWS_SINGLE_OTHER
    for row in rows:
        out.append(
            _check(
                CHECK_TABLE3_COLUMN_SUM,
                row,
                g(row, "total"),
                _sum([g(row, c) for c in TABLE3_PART_COLUMNS]),
                "natural_person + five organisation columns == total",
            )
        )
    for col in TABLE3_COLUMNS:
        out.append(
            _check(
                CHECK_TABLE3_RESULT_SUM,
                col,
                g("total_processed", col),
                _sum([g(r, col) for r in TABLE3_RESULT_ROWS]),
                "sum of result rows (一)…(六) == (七)总计",
            )
        )
    return out


def table4_checks(t: dict[str, int | None]) -> list[Check]:
    if not any(v is not None for v in t.values()):
        return []
    out = []
    for group in TABLE4_GROUPS:
        parts = [t.get(f"{group}_{o}") for o in TABLE4_OUTCOMES[:4]]
        out.append(
            _check(
                CHECK_TABLE4_GROUP_SUM,
                group,
                t.get(f"{group}_total"),
                _sum(parts),
                "upheld + corrected + other + pending == total",
            )
        )
    return out
