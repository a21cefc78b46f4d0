"""Checks across a body's years, and how much of a report's narrative repeats the previous one.

* **Carry-over.** What a body carried into this year (table 3, 上年结转政府信息公开申请数量) is what it
  carried out of last year (结转下年度继续办理) — per applicant column. Each comparison is a row of
  ``checks`` with ``scope = 'cross_year'``, ``name = 'carry_over'``-style names per column
  (:data:`CHECK_NAME` + ``.`` + column), ``expected`` last year's 结转下年度, ``actual`` this year's
  上年结转, ``report_url`` this year's report and ``other_report_url`` last year's. ``passed`` is NULL
  when either cell is blank or missing (not computable, as for a report's own checks).
* **Narrative repeat.** The share of a report's narrative (its sentences outside the tables, by
  characters) that also appears in the same body's previous report, with numbers and years
  masked, so a copied report whose figures changed still counts as copied. Evaluators treat more
  than half (:data:`COPY_PASTE_SHARE`) as a copy-paste report.

Pure functions here; :func:`refresh` writes the results (it is called by
:func:`gsspider.research.refresh`).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

import sqlite_utils

from parsers.constants import TABLE3_COLUMNS

SCOPE = "cross_year"
CHECK_NAME = "carry_over"
#: Above this share of repeated narrative a report is called a copy of the previous one.
COPY_PASTE_SHARE = 0.5

_SENTENCE_RE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
_NUMBER_RE = re.compile(
    r"[0-9０-９]+(?:[.,][0-9]+)*|[〇零一二三四五六七八九十百千万两]+(?=年|件|个|条|项|次|人|%|％)"
)
_SPACE_RE = re.compile(r"\s+")
#: Sections whose text is the tables (table 2, 3, 4 as lines), not narrative.
TABLE_SECTIONS = frozenset({"proactive_disclosure", "applications", "reviews_litigation"})


def carry_checks(
    previous: dict[str, int | None] | None, current: dict[str, int | None] | None
) -> list[tuple[str, int | None, int | None, bool | None]]:
    """(column, last year's carried_forward, this year's carried_over, passed) per table-3 column
    either report has; None tables give nothing."""
    if not previous or not current:
        return []
    out = []
    for column in TABLE3_COLUMNS:
        if column not in previous and column not in current:
            continue
        before, now = previous.get(column), current.get(column)
        passed = None if before is None or now is None else before == now
        out.append((column, before, now, passed))
    return out


def sentences(text: str) -> list[str]:
    """Narrative sentences, numbers masked (#), whitespace gone; table lines and scraps dropped."""
    out = []
    for raw in _SENTENCE_RE.findall(text or ""):
        s = _SPACE_RE.sub("", raw)
        if len(s) < 8:
            continue
        digits = sum(ch.isdigit() for ch in s)
        if digits / len(s) > 0.3 or "|" in s:
            continue  # a table line read as text
        out.append(_NUMBER_RE.sub("#", s))
    return out


def narrative(report_text: str, sections_json: str | None) -> str:
    """The narrative of a stored report: its sections other than the tables' (the whole text when
    it has no sections)."""
    try:
        sections = json.loads(sections_json or "[]")
    except ValueError:
        sections = []
    kept = [s.get("text") or "" for s in sections if s.get("key") not in TABLE_SECTIONS]
    if not sections:
        return report_text or ""
    return "\n".join(kept)


def repeat_share(current: str, previous: str) -> float | None:
    """Share (0–1, by characters) of ``current``'s narrative sentences found in ``previous``'s;
    None when ``current`` has no narrative sentence."""
    now = sentences(current)
    if not now:
        return None
    before = set(sentences(previous))
    total = sum(len(s) for s in now)
    repeated = sum(len(s) for s in now if s in before)
    return round(repeated / total, 4)


def _primary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One report per body and year: the latest published edition (a corrected re-publication
    replaces the first)."""
    return max(rows, key=lambda r: (r["published_date"] or "", r["fetched_at"] or "", r["url"]))


def refresh(db: sqlite_utils.Database) -> dict[str, int]:
    """Recompute every body's cross-year checks and narrative repeat shares (idempotent)."""
    by_body: dict[int, dict[int, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for r in db.query(
        "SELECT url, body_id, report_year, published_date, fetched_at, text, sections FROM reports"
        " WHERE is_report = 1 AND body_id IS NOT NULL AND report_year IS NOT NULL"
    ):
        by_body[r["body_id"]][r["report_year"]].append(r)
    carry: dict[str, dict[str, dict[str, int | None]]] = defaultdict(lambda: defaultdict(dict))
    for c in db.query(
        "SELECT report_url, row_key, column_key, value FROM cells"
        " WHERE table_name = 'table3' AND row_key IN ('carried_over', 'carried_forward')"
    ):
        value = c["value"]
        carry[c["report_url"]][c["row_key"]][c["column_key"]] = None if value is None else int(value)
    checks: list[dict[str, Any]] = []
    repeats: list[tuple[Any, ...]] = []
    failed: dict[str, int] = defaultdict(int)
    for years in by_body.values():
        chosen = {year: _primary(rows) for year, rows in years.items()}
        for year, report in chosen.items():
            prev = chosen.get(year - 1)
            if prev is None:
                repeats.append((None, None, report["url"]))
                continue
            for column, before, now, passed in carry_checks(
                carry[prev["url"]].get("carried_forward"), carry[report["url"]].get("carried_over")
            ):
                checks.append(
                    {
                        "report_url": report["url"],
                        "name": f"{CHECK_NAME}.{column}",
                        "scope": SCOPE,
                        "expected": before,
                        "actual": now,
                        "passed": None if passed is None else int(passed),
                        "detail": f"{year} 上年结转 {_show(now)} vs {year - 1} 结转下年度 {_show(before)}",
                        "column_key": column,
                        "other_report_url": prev["url"],
                    }
                )
                if passed is False:
                    failed[report["url"]] += 1
            share = repeat_share(
                narrative(report["text"], report["sections"]), narrative(prev["text"], prev["sections"])
            )
            repeats.append((share, prev["url"], report["url"]))
    with db.atomic():
        db.execute("DELETE FROM checks WHERE scope = ?", [SCOPE])
        if checks:
            db.table("checks").insert_all(checks, pk=("report_url", "name", "scope"), replace=True)
        db.execute(
            "UPDATE reports SET narrative_repeat = NULL, narrative_previous = NULL, cross_year_failed = NULL"
        )
        db.conn.executemany(
            "UPDATE reports SET narrative_repeat = ?, narrative_previous = ? WHERE url = ?", repeats
        )
        db.conn.executemany(
            "UPDATE reports SET cross_year_failed = ? WHERE url = ?",
            [(n, url) for url, n in failed.items()],
        )
        db.execute(
            "UPDATE reports SET cross_year_failed = 0 WHERE cross_year_failed IS NULL AND url IN"
            " (SELECT report_url FROM checks WHERE scope = ?)",
            [SCOPE],
        )
    return {"checks": len(checks), "failed": sum(1 for c in checks if c["passed"] == 0)}


def _show(value: int | None) -> str:
    return "blank" if value is None else str(value)
