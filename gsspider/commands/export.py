"""``gsspider export``: one table (or view) of the database as CSV or JSON Lines; or, with
``--panel``, the research panel (one row per report, every cell a column) as CSV, Parquet or
Stata .dta with its codebook beside it (gsspider.panel); or, with ``--wacz``, the crawl's WARC
archive as one WACZ package (py-wacz: the WARCs, a CDXJ index, the reports and home pages as its
pages list), for ReplayWeb.page, pywb and other web-archive tools."""

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
    if args.wacz:
        return run_wacz(args)
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


def wacz_inputs(db_path: str | Path, directory: str | Path | None = None) -> tuple[list[Path], list[dict]]:
    """The WARC files of a crawl (the archive directory's, and any other one its ``pages`` rows
    point at: a crawl replayed from another archive) and its pages list (home pages and reports:
    where a replay tool starts)."""
    import sqlite3

    from gsspider import archive

    where = Path(directory) if directory else archive.archive_dir(db_path)
    files = {p.resolve() for p in where.glob("*.warc.gz")}
    con = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        cols = {r[1] for r in con.execute("PRAGMA table_info(pages)")}
        pointed = (
            [r[0] for r in con.execute("SELECT DISTINCT warc_file FROM pages WHERE warc_file IS NOT NULL")]
            if "warc_file" in cols
            else []
        )
        pages = (
            []
            if not {"pages", "reports"} <= {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
            else [
                {"url": url, "title": title or url}
                for url, title in con.execute(
                    "SELECT DISTINCT coalesce(p.final_url, p.url), r.title FROM pages p LEFT JOIN reports r ON r.url = coalesce(p.final_url, p.url)"
                    " WHERE p.status = 200 AND (p.kind = 'home' OR r.url IS NOT NULL) ORDER BY 1"
                )
            ]
        )
    finally:
        con.close()
    for name in pointed:
        path = archive.resolve(where, name)
        if path.exists():
            files.add(path.resolve())
    return sorted(files), pages


def run_wacz(args: argparse.Namespace) -> int:
    """``--wacz OUT``: the archive packaged by py-wacz, then checked by its validator."""
    import contextlib
    import tempfile

    try:
        from wacz.main import main as wacz_main  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        print("gsspider export: --wacz needs the wacz package: pip install 'gsspider[wacz]'", file=sys.stderr)
        return 2
    files, pages = wacz_inputs(args.db, args.warc_dir)
    if not files:
        where = args.warc_dir or "warc/ beside the database"
        print(f"gsspider export: no WARC files in {where}: nothing to package", file=sys.stderr)
        return 2
    names = [f.name for f in files]
    if len(set(names)) < len(names):  # a WACZ keeps each under archive/<name>
        print("gsspider export: two WARC files of one name; --wacz cannot package both", file=sys.stderr)
        return 2
    out = Path(args.wacz)
    with tempfile.TemporaryDirectory() as scratch:
        listed = Path(scratch) / "pages.jsonl"
        with open(listed, "w", encoding="utf-8") as handle:
            handle.write(
                json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "gsspider crawl"}) + "\n"
            )
            for page in pages:
                handle.write(json.dumps(page, ensure_ascii=False) + "\n")
        # py-wacz talks on stdout; the command's own output is the one line below
        with contextlib.redirect_stdout(sys.stderr):
            made = wacz_main(["create", "-o", str(out), "-p", str(listed), *map(str, files)])
            valid = wacz_main(["validate", "-f", str(out)]) if made == 0 else 1
    if made != 0 or valid != 0:
        print(
            f"gsspider export: the WACZ package {out} could not be made or does not validate", file=sys.stderr
        )
        return 1
    size = sum(f.stat().st_size for f in files)
    print(
        f"wacz: {len(files)} WARC file(s) ({size} bytes), {len(pages)} pages -> {out} ({out.stat().st_size} bytes)"
    )
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
    p.add_argument(
        "--wacz",
        metavar="OUT.wacz",
        help="the crawl's WARC archive as one WACZ package (needs the wacz extra: pip install 'gsspider[wacz]')",
    )
    p.add_argument(
        "--warc-dir", metavar="DIR", help="the archive directory for --wacz (default: warc/ beside --db)"
    )
    p.add_argument("--db", default=settings.GSSPIDER_DB)
    p.set_defaults(func=run)
