"""``gsspider crawl``: portals from their home pages (or the site registry) into SQLite.

Options become settings (``--year`` is ``GSSPIDER_SEASON_YEAR`` …), so ``scrapy crawl reports -s``
does the same; ``--resume`` also brings back what the interrupted crawl was asked.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gsspider import settings


def _settings_pairs(pairs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise SystemExit(f"gsspider: -s takes NAME=VALUE, not {pair!r}")
        k, v = pair.split("=", 1)
        out[k.strip()] = v
    return out


def _unfinished(db_path: str) -> dict | None:
    from gsspider import storage

    if not Path(db_path).exists():
        return None
    db = storage.open_db(db_path)
    try:
        return storage.unfinished_crawl(db)
    finally:
        db.close()


def _resume(args: argparse.Namespace, overrides: dict[str, Any]) -> None:
    """Bring back the interrupted crawl's URLs, registry, season and freshness interval into
    ``args`` / ``overrides``; what the command line gives now wins."""
    overrides["GSSPIDER_RESUME"] = True
    previous = _unfinished(args.db)
    if previous is None:
        print(
            f"gsspider crawl --resume: no unfinished crawl in {args.db}; starting a new one", file=sys.stderr
        )
        return
    before = previous.get("args") or {}
    if not args.urls and not args.sites:
        saved = before.get("urls") or []
        args.urls = saved.split(",") if isinstance(saved, str) else list(saved)
        args.sites = before.get("sites")
    args.year = args.year or before.get("season_year")
    args.since = args.since or before.get("since")
    if (
        args.freshness_days is None
        and "GSSPIDER_FRESHNESS_DAYS" not in overrides
        and before.get("freshness_days") is not None
    ):
        try:
            overrides["GSSPIDER_FRESHNESS_DAYS"] = float(before["freshness_days"])
        except (TypeError, ValueError):
            pass  # a damaged record: the default applies
    print(f"gsspider crawl: resuming crawl {previous['id']} of {previous['started']}", file=sys.stderr)


def _option_settings(args: argparse.Namespace, overrides: dict[str, Any]) -> str | None:
    """Turn --year, --since, --freshness-days, --budget and -q into settings; the refusal of a bad
    value, or None."""
    from gsspider.season import as_date

    if args.year is not None:
        try:
            args.year = int(args.year)
        except (TypeError, ValueError):
            return f"--year takes a year like 2024, not {args.year!r}"
        if not 1990 <= args.year <= 2100:
            return f"--year {args.year} is not a plausible report year"
        overrides["GSSPIDER_SEASON_YEAR"] = args.year
    if args.since:
        since = as_date(args.since)
        if since is None:
            return f"--since takes a date YYYY-MM-DD, not {args.since!r}"
        overrides["GSSPIDER_SINCE"] = since.isoformat()
    if args.freshness_days is not None:
        if args.freshness_days < 0:
            return "--freshness-days must be 0 or more"
        overrides["GSSPIDER_FRESHNESS_DAYS"] = args.freshness_days
    if args.budget:
        overrides["GSSPIDER_SITE_BUDGET"] = args.budget
    if args.quiet:
        overrides.setdefault("LOG_LEVEL", "WARNING")
    return None


def _print_outcome(args: argparse.Namespace, stats: dict[str, Any]) -> None:
    from gsspider.summary import format_summary, summary

    print(format_summary(summary(args.db, season=args.year)))
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


def run(args: argparse.Namespace) -> int:
    from gsspider import runner

    args.urls = list(args.urls or [])
    overrides = _settings_pairs(args.set)
    if args.resume:
        _resume(args, overrides)
    sites = args.sites or (None if args.urls else settings.GSSPIDER_SITES)
    if sites and not Path(sites).exists():
        print(f"gsspider crawl: no site registry at {sites}", file=sys.stderr)
        return 2
    refusal = _option_settings(args, overrides)
    if refusal:
        print(f"gsspider crawl: {refusal}", file=sys.stderr)
        return 2
    if getattr(args, "redis", None):
        from gsspider.commands.worker import seed

        return seed(args, sites, overrides)
    try:
        stats = runner.run_crawl(args.urls, db=args.db, sites=sites, settings=overrides)
    except ValueError as exc:  # a bad registry row, a bad setting
        print(f"gsspider crawl: {exc}", file=sys.stderr)
        return 2
    _print_outcome(args, stats)
    return 0


def register(sub) -> None:
    default_db, default_sites = settings.GSSPIDER_DB, settings.GSSPIDER_SITES
    p = sub.add_parser("crawl", help="crawl portals from their home pages into SQLite")
    p.add_argument("urls", nargs="*", metavar="URL")
    p.add_argument("--sites", help=f"site registry CSV (default {default_sites} when no URL is given)")
    p.add_argument("--db", default=default_db, help=f"SQLite database (default {default_db})")
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
        help="stored report pages validated within N days are not requested "
        f"(0: revalidate all; default {settings.GSSPIDER_FRESHNESS_DAYS:g})",
    )
    p.add_argument(
        "--redis",
        metavar="URL",
        help="distributed crawl: put the sites into the shared frontier at redis://HOST:PORT/N and stop "
        "(gsspider worker crawls them; see docs/distributed.md)",
    )
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy/gsspider setting")
    p.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    p.set_defaults(func=run)
