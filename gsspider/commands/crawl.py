"""``gsspider crawl``: portals from their home pages (or the site registry) into SQLite.

Options become settings (``--year`` is ``GSSPIDER_SEASON_YEAR`` …), so ``scrapy crawl reports -s``
does the same; ``--resume`` also brings back what the interrupted crawl was asked. ``--from-warc
DIR`` crawls from an archive instead of the network (gsspider.replay); given no URL or registry, it
takes the seeds of the newest crawl of the one database beside DIR whose pages point into it.
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


def archive_seeds(directory: Path) -> tuple[Path, list[str], str | None] | None:
    """The seeds of the crawl that wrote the archive ``directory``: the newest crawl (its URLs and
    registry) of the one database beside it (``DIR/..``) whose ``pages`` rows point into it;
    None when there is no such database, or more than one."""
    import json
    import sqlite3

    names = {p.name for p in directory.glob("*.warc.gz")}
    owners = []
    for db in sorted(directory.resolve().parent.glob("*.db")):
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            try:
                files = {r[0] for r in con.execute("SELECT DISTINCT warc_file FROM pages")}
                if files & names:
                    owners.append((db, con.execute("SELECT args FROM crawls ORDER BY id DESC").fetchall()))
            finally:
                con.close()
        except sqlite3.Error:
            continue  # not a gsspider database (or one from before the archive)
    if len(owners) != 1:
        return None
    db, crawls = owners[0]
    for (raw,) in crawls:
        try:
            args = json.loads(raw or "{}")
        except ValueError:
            continue
        urls = args.get("urls") or []
        urls = urls.split(",") if isinstance(urls, str) else [str(u) for u in urls]
        sites = args.get("sites") or None
        if sites and not Path(sites).exists():
            sites = None
        if urls or sites:
            return db, urls, sites
    return None


def _from_warc(args: argparse.Namespace, overrides: dict[str, Any]) -> str | None:
    """Settings of a crawl from the archive ``args.from_warc`` (and its seeds when none are
    given); the refusal, or None."""
    directory = Path(args.from_warc)
    if not directory.is_dir() or not any(directory.glob("*.warc.gz")):
        return f"--from-warc: no WARC files (*.warc.gz) in {directory}"
    if getattr(args, "redis", None):
        return "--from-warc and --redis do not go together"
    overrides["GSSPIDER_FROM_WARC"] = str(directory.resolve())
    # No network, so no politeness to keep; a cache would answer instead of the archive.
    for name, value in (("DOWNLOAD_DELAY", 0), ("AUTOTHROTTLE_ENABLED", False), ("HTTPCACHE_ENABLED", False)):
        overrides.setdefault(name, value)
    if not args.urls and not args.sites:
        found = archive_seeds(directory)
        if found is not None:
            db, args.urls, args.sites = found
            print(
                f"gsspider crawl --from-warc: seeds of the newest crawl of {db}: "
                + ", ".join([*args.urls, *([args.sites] if args.sites else [])]),
                file=sys.stderr,
            )
        else:
            print(
                f"gsspider crawl --from-warc: no one database beside {directory} names the seeds; "
                "crawling the URLs or registry given (else the default registry)",
                file=sys.stderr,
            )
    if Path(args.db).exists():
        print(
            f"gsspider crawl --from-warc: {args.db} exists: what it stores makes this a re-crawl "
            "(a fresh --db reproduces the archived crawl)",
            file=sys.stderr,
        )
    return None


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
    if "gsspider/replay/indexed" in stats:
        print(
            f"from the archive: {stats.get('gsspider/replay/served', 0)} responses served, "
            f"{stats.get('gsspider/replay/not_archived', 0)} requests not in it (no request to the network)"
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
    if getattr(args, "from_warc", None):
        refusal = _from_warc(args, overrides)
        if refusal:
            print(f"gsspider crawl: {refusal}", file=sys.stderr)
            return 2
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
    p.add_argument(
        "--from-warc",
        metavar="DIR",
        help="crawl from the WARC archive DIR instead of the network (no request leaves the machine; "
        "with no URL or --sites, the seeds of the crawl that wrote it)",
    )
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy/gsspider setting")
    p.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    p.set_defaults(func=run)
