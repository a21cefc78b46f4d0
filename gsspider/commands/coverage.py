"""``gsspider coverage``: the matrix of bodies × years (found, late, unreadable, missing, site
blocked, not checked) with totals per year and per level, as a table, CSV or one HTML page."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from gsspider import settings


def parse_years(text: str | None) -> list[int] | None:
    """'2019-2025' → 2019 … 2025; '2023' → [2023]; '2019,2021' → both. None: the stored years."""
    if not text:
        return None
    years: set[int] = set()
    for part in text.split(","):
        m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", part)
        if not m:
            raise ValueError(f"not a year or range of years: {part!r}")
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first or last - first > 100:
            raise ValueError(f"not a range of years: {part!r}")
        years.update(range(first, last + 1))
    return sorted(years)


def run(args: argparse.Namespace) -> int:
    from gsspider import coverage, research, storage

    if not Path(args.db).exists():
        print(f"gsspider coverage: no database at {args.db}", file=sys.stderr)
        return 2
    try:
        years = parse_years(args.years)
    except ValueError as exc:
        print(f"gsspider coverage: --years: {exc}", file=sys.stderr)
        return 2
    db = storage.open_db(args.db)
    try:
        cov = research.refresh(db, years)["coverage"]
    finally:
        db.close()
    if not cov.years:
        print("gsspider coverage: no report with a year in the database", file=sys.stderr)
        return 1
    text = {"table": coverage.to_text, "csv": coverage.to_csv, "html": coverage.to_html}[args.format](cov)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        print(f"coverage: {len(cov.rows)} bodies × {len(cov.years)} years -> {args.out}", file=sys.stderr)
    else:
        print(text)
    return 0


def register(sub) -> None:
    p = sub.add_parser("coverage", help="which reports exist and which are missing: bodies × years")
    p.add_argument("--db", default=settings.GSSPIDER_DB)
    p.add_argument("--years", help="years to show, e.g. 2019-2025 (default: the stored years)")
    p.add_argument("--format", choices=("table", "csv", "html"), default="table")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.set_defaults(func=run)
