"""``gsspider merge A.db B.db … --into all.db``: workers' databases into one (:mod:`gsspider.merge`)."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from gsspider.merge import merge

    into = Path(args.into).resolve()
    sources: list[str | Path] = []
    for name in args.databases:
        path = Path(name)
        if not path.is_file():
            print(f"gsspider merge: no database at {name}", file=sys.stderr)
            return 2
        if path.resolve() == into:
            continue  # merging a database into itself changes nothing
        sources.append(path)
    try:
        counts = merge(sources, args.into)
    except sqlite3.DatabaseError as exc:
        print(f"gsspider merge: {exc}", file=sys.stderr)
        return 2
    for source, rows in counts.items():
        written = ", ".join(f"{t} {n}" for t, n in rows.items() if n)
        print(f"{source}: {written or 'nothing new'}")
    print(f"merged {len(sources)} databases into {args.into}")
    # What `gsspider crawl` prints at its end, for the merged crawl (merge derived it already).
    from gsspider.summary import format_summary, summary

    print(format_summary(summary(args.into, derive=False)))
    return 0


def register(sub) -> None:
    p = sub.add_parser("merge", help="combine the databases of a distributed crawl's workers")
    p.add_argument("databases", nargs="+", metavar="DB")
    p.add_argument("--into", required=True, metavar="DB", help="the combined database (created when missing)")
    p.set_defaults(func=run)
