"""``gsspider export``: one table (or view) of the database as CSV or JSON Lines; or, with
``--panel``, the research panel (one row per report, every cell a column) as CSV, Parquet or
Stata .dta with its codebook beside it (gsspider.panel)."""

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
    if args.panel:
        return run_panel(args)
    if args.format not in TABLE_FORMATS:
        print(f"gsspider export: --format {args.format} is for --panel only", file=sys.stderr)
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


TABLE_FORMATS = ("csv", "jsonl")


def run_panel(args: argparse.Namespace) -> int:
    from gsspider import panel, research, storage

    fmt = args.format if args.format != "jsonl" else "csv"
    out = Path(args.out) if args.out else Path(args.db).with_name(f"panel.{fmt}")
    db = storage.open_db(args.db)
    try:
        research.refresh(db)
        rows = panel.panel_rows(db)
    finally:
        db.close()
    try:
        written = panel.write_panel(rows, out, fmt)
    except ImportError as exc:
        print(
            f"gsspider export: --format {fmt} needs {exc.name}: pip install 'gsspider[research]'",
            file=sys.stderr,
        )
        return 2
    print(f"panel: {len(rows)} reports × {len(panel.codebook.columns())} columns -> {written[0]}")
    print(f"codebook -> {written[1]}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("export", help="export a table as CSV or JSON Lines, or the panel (--panel)")
    p.add_argument("--table", choices=TABLES, default="reports")
    p.add_argument(
        "--panel",
        action="store_true",
        help="the research panel: one row per report, every table cell a column, and its codebook",
    )
    p.add_argument(
        "--format",
        choices=(*TABLE_FORMATS, "parquet", "dta"),
        default="csv",
        help="csv or jsonl for a table; csv, parquet or dta (Stata) for --panel",
    )
    p.add_argument(
        "--out", help="file to write (default: standard output; --panel: panel.<format> beside the db)"
    )
    p.add_argument("--db", default=settings.GSSPIDER_DB)
    p.set_defaults(func=run)
