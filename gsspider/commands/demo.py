"""``gsspider demo``: start the bundled test portal, crawl it into SQLite, compare with its truth.

The only module of :mod:`gsspider` that imports the test portal (:mod:`demoportal`).
"""

from __future__ import annotations

import argparse
import sys

from gsspider import settings


def run(args: argparse.Namespace) -> int:
    from demoportal import TestPortal
    from gsspider import storage
    from gsspider.runner import run_crawl
    from gsspider.summary import format_summary, summary

    with TestPortal(seed=args.seed) as portal:
        urls = [site.base_url for site in portal.sites]
        hosts = [u.split("//", 1)[1].rstrip("/") for u in urls]
        print(f"demo portal: {len(urls)} sites on 127.0.0.1; crawling into {args.db}", file=sys.stderr)
        overrides = {
            "GSSPIDER_ALLOW_PRIVATE_HOSTS": hosts,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_TIMEOUT": 5,
            "LOG_LEVEL": "WARNING" if not args.verbose else "INFO",
            "GSSPIDER_PROGRESS_INTERVAL": 2.0,
        }
        stats = run_crawl(urls, db=args.db, settings=overrides)
        truth = portal.ground_truth()
    print(format_summary(summary(args.db)))
    db = storage.open_db(args.db)
    # only this run's portal (a reused database also holds earlier demo runs, on other ports)
    bases = tuple(u.rstrip("/") + "/" for u in urls)
    found = {
        r["url"]
        for r in db.query("SELECT url FROM reports WHERE is_report = 1")
        if r["url"].startswith(bases)
    }
    db.close()
    expected = {t["url"] for t in truth}
    print(
        f"ground truth: {len(expected)} reports; found {len(expected & found)}; "
        f"missed {len(expected - found)}; extra {len(found - expected)}; "
        f"requests {stats.get('downloader/request_count', 0)}"
    )
    print(
        f"next: gsspider coverage --db {args.db}   # which reports exist, per body and year\n"
        f"      gsspider export --panel --format parquet --db {args.db} --out panel.parquet\n"
        f"      gsspider serve --db {args.db}   # browse it in Datasette"
    )
    return 0 if expected <= found else 1


def register(sub) -> None:
    p = sub.add_parser("demo", help="start the bundled test portal, crawl it into SQLite, print a summary")
    p.add_argument(
        "--db", default=settings.GSSPIDER_DB, help=f"SQLite database (default {settings.GSSPIDER_DB})"
    )
    p.add_argument("--seed", type=int, default=0, help="portal generation seed")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=run)
