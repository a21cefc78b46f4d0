"""Sub-commands beyond ``parse``: crawl, demo, export, sites."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

DEFAULT_DB = "data/gsspider.db"
DEFAULT_SITES = "data/sites.csv"
EXPORT_TABLES = (
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


def _settings_pairs(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise SystemExit(f"gsspider: -s takes NAME=VALUE, not {pair!r}")
        k, v = pair.split("=", 1)
        out[k.strip()] = v
    return out


def cmd_crawl(args: argparse.Namespace) -> int:
    from gsspider.crawl import format_summary, run_crawl, summary
    from gsspider.recrawl import as_date

    urls = list(args.urls or [])
    overrides = _settings_pairs(args.set)
    year, since = args.year, args.since
    if args.resume:
        overrides["GSSPIDER_RESUME"] = True
        previous = _unfinished(args.db)
        if previous is None:
            print(
                f"gsspider crawl --resume: no unfinished crawl in {args.db}; starting a new one",
                file=sys.stderr,
            )
        else:
            # Resume what was asked: the interrupted crawl's URLs, registry, season and freshness
            # interval (what the command line gives now wins).
            before = previous.get("args") or {}
            if not urls and not args.sites:
                saved = before.get("urls") or []
                urls = saved.split(",") if isinstance(saved, str) else list(saved)
                args.sites = before.get("sites")
            year = year or before.get("season_year")
            since = since or before.get("since")
            if (
                args.freshness_days is None
                and "GSSPIDER_FRESHNESS_DAYS" not in overrides
                and before.get("freshness_days") is not None
            ):
                try:
                    overrides["GSSPIDER_FRESHNESS_DAYS"] = float(before["freshness_days"])
                except (TypeError, ValueError):
                    pass  # a damaged record: the default applies
            print(
                f"gsspider crawl: resuming crawl {previous['id']} of {previous['started']}", file=sys.stderr
            )
    sites = args.sites or (None if urls else DEFAULT_SITES)
    if sites and not Path(sites).exists():
        print(f"gsspider crawl: no site registry at {sites}", file=sys.stderr)
        return 2
    if year is not None:
        try:
            year = int(year)
        except (TypeError, ValueError):
            print(f"gsspider crawl: --year takes a year like 2024, not {year!r}", file=sys.stderr)
            return 2
        if not 1990 <= year <= 2100:
            print(f"gsspider crawl: --year {year} is not a plausible report year", file=sys.stderr)
            return 2
        overrides["GSSPIDER_SEASON_YEAR"] = year
    if since:
        since_date = as_date(since)
        if since_date is None:
            print(f"gsspider crawl: --since takes a date YYYY-MM-DD, not {since!r}", file=sys.stderr)
            return 2
        overrides["GSSPIDER_SINCE"] = since_date.isoformat()
    if args.freshness_days is not None:
        if args.freshness_days < 0:
            print("gsspider crawl: --freshness-days must be 0 or more", file=sys.stderr)
            return 2
        overrides["GSSPIDER_FRESHNESS_DAYS"] = args.freshness_days
    if args.budget:
        overrides["GSSPIDER_SITE_BUDGET"] = args.budget
    if args.quiet:
        overrides.setdefault("LOG_LEVEL", "WARNING")
    try:
        stats = run_crawl(urls, db=args.db, sites=sites, settings=overrides)
    except ValueError as exc:  # a bad registry row, a bad setting
        print(f"gsspider crawl: {exc}", file=sys.stderr)
        return 2
    print(format_summary(summary(args.db, season=year)))
    skipped = sum(v for k, v in stats.items() if k.startswith("gsspider/skipped/"))
    print(
        f"requests: {stats.get('downloader/request_count', 0)}, "
        f"bytes: {stats.get('downloader/response_bytes', 0)}, "
        f"not modified: {stats.get('gsspider/recrawl/not_modified', 0)}, "
        f"skipped: {skipped}, finish: {stats.get('finish_reason')}"
    )
    if stats.get("finish_reason") not in (None, "finished"):
        print(
            f"gsspider crawl: interrupted; continue with: gsspider crawl --resume --db {args.db}",
            file=sys.stderr,
        )
    return 0


def _unfinished(db_path: str) -> dict | None:
    from gsspider import storage

    if not Path(db_path).exists():
        return None
    db = storage.open_db(db_path)
    try:
        return storage.unfinished_crawl(db)
    finally:
        db.close()


def cmd_demo(args: argparse.Namespace) -> int:
    from demoportal import TestPortal
    from gsspider.crawl import format_summary, run_crawl, summary

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
    data = summary(args.db)
    print(format_summary(data))
    found = set()
    from gsspider import storage

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
    return 0 if expected <= found else 1


def cmd_export(args: argparse.Namespace) -> int:
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


def cmd_sites(args: argparse.Namespace) -> int:
    from gsspider.sites import (
        KNOWN_FAMILIES,
        SiteEntry,
        check_registry,
        load_registry,
        normalise_url,
        save_registry,
    )

    if args.action == "check":
        problems, count = check_registry(args.sites)
        for problem in problems:
            print(problem)
        print(f"{count} sites, {len(problems)} problems")
        return 1 if problems else 0
    problems: list[str] = []
    try:
        # add rewrites the file: it must not drop rows it cannot read
        entries = load_registry(args.sites, strict=args.action == "add", problems=problems)
    except ValueError as exc:
        print(
            f"gsspider sites: {exc}; fix it first (gsspider sites check lists every problem)", file=sys.stderr
        )
        return 2
    for problem in problems:
        print(f"gsspider sites: skipped {problem}", file=sys.stderr)
    if args.action == "list":
        for e in entries:
            hints = ", ".join(
                f"{k}={v}"
                for k, v in (
                    ("family", e.family),
                    ("budget", e.budget),
                    ("freshness_days", e.freshness_days),
                    ("render", e.render or None),
                    ("domains", ";".join(e.domains)),
                )
                if v
            )
            print(f"{e.url}\t{e.name}\t{hints}")
        print(f"{len(entries)} sites in {args.sites}", file=sys.stderr)
        return 0
    if args.action == "add":
        if not args.urls:
            print("gsspider sites add: give at least one URL", file=sys.stderr)
            return 2
        if args.family and args.family not in KNOWN_FAMILIES:
            print(
                f"gsspider sites add: unknown family {args.family!r} (known: {', '.join(KNOWN_FAMILIES)})",
                file=sys.stderr,
            )
            return 2
        for name, value in (("--budget", args.budget), ("--freshness-days", args.freshness_days)):
            if value is not None and value < 0:
                print(f"gsspider sites add: {name} must be 0 or more", file=sys.stderr)
                return 2
        known = {e.url for e in entries}
        added = 0
        for url in args.urls:
            try:
                url = normalise_url(url)
            except ValueError as exc:
                print(f"gsspider sites add: {exc}; skipped", file=sys.stderr)
                continue
            if url in known:
                continue
            entries.append(
                SiteEntry(
                    url=url,
                    name=args.name or "",
                    family=args.family or "",
                    budget=args.budget,
                    freshness_days=args.freshness_days,
                    render=args.render,
                )
            )
            known.add(url)
            added += 1
        save_registry(args.sites, entries)
        print(f"added {added}; {len(entries)} sites in {args.sites}")
        return 0
    return 2


def register(sub) -> None:
    p = sub.add_parser("crawl", help="crawl portals from their home pages into SQLite")
    p.add_argument("urls", nargs="*", metavar="URL")
    p.add_argument("--sites", help=f"site registry CSV (default {DEFAULT_SITES} when no URL is given)")
    p.add_argument("--db", default=DEFAULT_DB, help=f"SQLite database (default {DEFAULT_DB})")
    p.add_argument("--budget", type=int, help="most requests per site")
    p.add_argument(
        "--year", type=int, help="report season: only reports on this year (lists paged back to it)"
    )
    p.add_argument("--since", metavar="DATE", help="only entries published on or after DATE (YYYY-MM-DD)")
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the newest unfinished (killed, interrupted) crawl of --db without refetching what it stored",
    )
    p.add_argument(
        "--freshness-days",
        type=float,
        metavar="N",
        help="stored report pages validated within N days are not requested (0: revalidate all; default 30)",
    )
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy/gsspider setting")
    p.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("demo", help="start the bundled test portal, crawl it into SQLite, print a summary")
    p.add_argument("--db", default=DEFAULT_DB, help=f"SQLite database (default {DEFAULT_DB})")
    p.add_argument("--seed", type=int, default=0, help="portal generation seed")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("export", help="export a table as CSV or JSON Lines")
    p.add_argument("--table", choices=EXPORT_TABLES, default="reports")
    p.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--db", default=DEFAULT_DB)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("sites", help="manage the site registry")
    p.add_argument("action", choices=("add", "list", "check"))
    p.add_argument("urls", nargs="*", metavar="URL")
    p.add_argument("--sites", default=DEFAULT_SITES)
    p.add_argument("--name")
    p.add_argument("--family")
    p.add_argument("--budget", type=int)
    p.add_argument(
        "--freshness-days", type=float, metavar="N", help="re-fetch this site's report pages after N days"
    )
    p.add_argument("--render", action="store_true")
    p.set_defaults(func=cmd_sites)
