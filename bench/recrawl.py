"""Re-crawl and season figures on the benchmark portal set.

    python bench/recrawl.py [--sites 50] [--reports-per-site 20] [--bulk 300] [--seed 0]

Crawls the portal into a fresh database (full crawl), crawls it again unchanged twice (reports
revalidated with conditional requests, ``GSSPIDER_FRESHNESS_DAYS=0``; and with the default
freshness, where stored reports are not requested at all), then runs a season crawl
(``--year`` = the newest report year) into a fresh database. For each it prints requests and bytes
from two sources: Scrapy's stats (``downloader/request_count``, ``downloader/response_bytes``:
headers + bodies as received, robots.txt included) and the portal's own log of answers (body bytes
sent). Then the WARC archive's size per report after each crawl, and ``gsspider reparse --all``
throughput over the full crawl's archive (median of ``--reparse-repeat`` runs). Targets: an unchanged re-crawl transfers <= 5% of the full crawl's bytes; a season crawl
issues <= 50% of a full crawl's requests.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crawl import bench_portal, run_worker  # noqa: E402


def _archive_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.glob("*.warc.gz"))


def _reparse(db: Path) -> tuple[int, float]:
    """(reports, seconds) of one ``reparse --all`` in this process (the parse and the store, timed)."""
    from gsspider import storage
    from gsspider.reparse import reparse

    handle = storage.open_db(db)
    try:
        outcome = reparse(handle, everything=True)
    finally:
        handle.close()
    return outcome.reparsed, outcome.seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=50)
    ap.add_argument("--reports-per-site", type=int, default=20)
    ap.add_argument("--bulk", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reparse-repeat", type=int, default=3, help="runs of reparse --all (median)")
    ap.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args()

    with bench_portal(args) as (portal, tmp):
        urls = [s.base_url for s in portal.sites]
        truth = portal.ground_truth()
        newest = max(t["report_year"] for t in truth)
        print(
            f"portal: {len(urls)} sites, {len(truth)} reports, bulk={args.bulk} non-report pages per site; "
            f"season year {newest} ({sum(1 for t in truth if t['report_year'] == newest)} reports)"
        )
        report_urls = {t["url"] for t in truth}
        results: dict[str, dict] = {}

        def measure(name: str, db: Path, pairs: list[str]) -> None:
            start = len(portal.transfers)
            stats = run_worker("gsspider", urls, tmp, [*args.set, *pairs], db=db, name=name)
            answers = portal.transfers[start:]
            results[name] = {
                "requests": stats.get("downloader/request_count", 0),
                "bytes": stats.get("downloader/response_bytes", 0),
                "portal_answers": len(answers),
                "portal_body_bytes": sum(size for *_, size in answers),
                "statuses": Counter(status for _, _, status, _ in answers),
                "report_bodies": sum(
                    1 for s, p, status, _ in answers if status == 200 and s + p in report_urls
                ),
                "elapsed": stats["elapsed"],
                "skipped": {
                    k.rsplit("/", 1)[-1]: v for k, v in stats.items() if k.startswith("gsspider/skipped/")
                },
            }

        full_db = tmp / "full.db"
        measure("full crawl", full_db, [])
        con = sqlite3.connect(full_db)
        found = {r[0] for r in con.execute("SELECT url FROM reports WHERE is_report = 1")}
        con.close()
        archive_sizes = [("full crawl", _archive_bytes(tmp / "warc"))]
        measure(
            "unchanged re-crawl, reports revalidated (freshness 0)", full_db, ["GSSPIDER_FRESHNESS_DAYS=0"]
        )
        archive_sizes.append(("+ re-crawl, freshness 0", _archive_bytes(tmp / "warc")))
        measure("unchanged re-crawl, default freshness (30 days)", full_db, [])
        archive_sizes.append(("+ re-crawl, default freshness", _archive_bytes(tmp / "warc")))
        reparse_runs = [_reparse(full_db) for _ in range(args.reparse_repeat)]
        season_db = tmp / "season" / "season.db"
        season_db.parent.mkdir()
        measure(
            f"season crawl --year {newest} (empty database)", season_db, [f"GSSPIDER_SEASON_YEAR={newest}"]
        )
        con = sqlite3.connect(season_db)
        season_found = {r[0] for r in con.execute("SELECT url FROM reports")}
        con.close()
        season_truth = {t["url"] for t in truth if t["report_year"] == newest}

        full = results["full crawl"]
        print(f"full crawl recall: {len(found & report_urls)}/{len(report_urls)}")
        print(
            f"\n{'':58} {'requests':>9} {'bytes (Scrapy)':>15} {'body bytes (portal)':>20} {'report bodies':>14}"
        )
        for name, r in results.items():
            print(
                f"{name:58} {r['requests']:>9} {r['bytes']:>15,} {r['portal_body_bytes']:>20,} {r['report_bodies']:>14}"
                f"   {r['elapsed']:.1f} s; answers {dict(sorted(r['statuses'].items()))}; skipped {r['skipped']}"
            )
        print("\ntargets")
        for name in list(results)[1:3]:
            r = results[name]
            ratio = r["bytes"] / max(full["bytes"], 1)
            body_ratio = r["portal_body_bytes"] / max(full["portal_body_bytes"], 1)
            mark = "met" if ratio <= 0.05 else "NOT met"
            print(
                f"  {name}: {ratio:.2%} of the full crawl's bytes (Scrapy stats; portal body bytes "
                f"{body_ratio:.2%}), {r['requests'] / max(full['requests'], 1):.0%} of its requests "
                f"-> <= 5% {mark}"
            )
        print("\narchive (WARC, gzip per record, beside the database)")
        for name, size in archive_sizes:
            print(f"  {name:32} {size:>13,} bytes = {size / max(len(found), 1):>9,.0f} bytes per report")
        print(f"  (the full crawl's response bodies as received: {full['bytes']:,} bytes, headers included)")
        rates = sorted(n / sec for n, sec in reparse_runs if sec)
        n = reparse_runs[0][0]
        print(
            f"reparse --all of the full crawl ({n} reports, from the archive, no network): median "
            f"{rates[len(rates) // 2]:.0f} reports/s over {len(rates)} runs ({', '.join(f'{r:.0f}' for r in rates)})"
        )
        season = results[f"season crawl --year {newest} (empty database)"]
        ratio = season["requests"] / max(full["requests"], 1)
        print(
            f"  season crawl: {ratio:.0%} of the full crawl's requests -> <= 50% {'met' if ratio <= 0.5 else 'NOT met'}; "
            f"found {len(season_found & season_truth)}/{len(season_truth)} reports on {newest}, "
            f"{len(season_found - season_truth)} on other years"
        )


if __name__ == "__main__":
    main()
