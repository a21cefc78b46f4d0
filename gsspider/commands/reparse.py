"""``gsspider reparse``: the parser run again over the archived bytes, no request made
(:mod:`gsspider.reparse`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from gsspider import settings


def run(args: argparse.Namespace) -> int:
    from gsspider import archive, storage
    from gsspider.reparse import CHANGED, NEWLY_READABLE, NO_RECORD, UNCHANGED, reparse
    from parsers import __version__ as parser_version

    if not Path(args.db).exists():
        print(f"gsspider reparse: no database at {args.db}", file=sys.stderr)
        return 2
    directory = Path(args.warc_dir) if args.warc_dir else archive.archive_dir(args.db)
    if not directory.is_dir():
        print(
            f"gsspider reparse: no WARC archive at {directory} (crawled with GSSPIDER_WARC off, or "
            "elsewhere: --warc-dir)",
            file=sys.stderr,
        )
        return 2
    last = [0.0]

    def progress(done: int, total: int, outcome) -> None:
        now = time.monotonic()
        if done == total or now - last[0] >= args.progress:
            last[0] = now
            print(
                f"reparse: {done}/{total} reports, {outcome.counts[CHANGED]} changed,"
                f" {outcome.counts[NEWLY_READABLE]} newly readable",
                file=sys.stderr,
            )

    db = storage.open_db(args.db)
    try:
        outcome = reparse(db, everything=args.all, directory=directory, progress=progress)
    finally:
        db.close()
    counts = outcome.counts
    rate = outcome.reparsed / outcome.seconds if outcome.seconds else 0.0
    which = (
        "every stored report"
        if args.all
        else f"reports stored by a parser older than {parser_version}, and unreadable ones"
    )
    print(f"reparse ({which}) with parser {parser_version}:")
    print(f"  re-parsed        {outcome.reparsed}  ({rate:.0f} reports/s)")
    print(f"  changed          {counts[CHANGED]}  (earlier values in report_versions, reason re-parse)")
    print(f"  newly readable   {counts[NEWLY_READABLE]}")
    print(f"  unchanged        {counts[UNCHANGED]}")
    if counts[NO_RECORD]:
        print(f"  no archived record {counts[NO_RECORD]}  (e.g. {outcome.missing[0]}): re-crawl to read them")
    if counts["failed"]:
        print(f"  failed           {counts['failed']}  (see the log)")
    return 1 if counts["failed"] else 0


def register(sub) -> None:
    p = sub.add_parser(
        "reparse", help="parse the archived bytes again with the installed parser (no network)"
    )
    p.add_argument(
        "--db", default=settings.GSSPIDER_DB, help=f"the database (default {settings.GSSPIDER_DB})"
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every stored report")
    which.add_argument(
        "--older-than-parser",
        action="store_true",
        help="reports a parser older than the installed one stored, and listed documents stored unreadable (the default)",
    )
    p.add_argument("--warc-dir", help="the WARC archive (default: warc/ beside the database)")
    p.add_argument(
        "--progress", type=float, default=2.0, metavar="SECONDS", help="seconds between progress lines"
    )
    p.set_defaults(func=run)
