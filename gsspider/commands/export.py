"""``gsspider export``: one table (or view) of the database as CSV or JSON Lines."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from gsspider import settings

TABLES = (
    "reports",
    "cells",
    "checks",
    "pages",
    "crawl_errors",
    "sites",
    "report_versions",
    "report_editions",  # a view: reports re-published at a new URL (same site, publisher, year)
    "crawls",
)


def run(args: argparse.Namespace) -> int:
    from gsspider import storage

    if not Path(args.db).exists():
        print(f"gsspider export: no database at {args.db}", file=sys.stderr)
        return 2
    db = storage.open_db(args.db)
    source = db.view(args.table) if args.table in db.view_names() else db[args.table]
    # Binary columns (pages.body: the stored page bodies a re-crawl answers 304s with) stay out.
    columns = [c.name for c in source.columns if c.type.upper() != "BLOB"] if source.exists() else []
    rows = source.rows_where(select=", ".join(f"[{c}]" for c in columns)) if columns else iter(())
    out = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout
    try:
        if args.format == "jsonl":
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        else:
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
    finally:
        if args.out:
            out.close()
        db.close()
    return 0


def register(sub) -> None:
    p = sub.add_parser("export", help="export a table as CSV or JSON Lines")
    p.add_argument("--table", choices=TABLES, default="reports")
    p.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--db", default=settings.GSSPIDER_DB)
    p.set_defaults(func=run)
