"""Crawl a generated portal set and compare with the minimum requests and a breadth-first baseline.

    python bench/crawl.py [--sites 50] [--reports-per-site 20] [--seed 0] [--families all] [--no-baseline]

Prints requests issued vs. the minimum needed (home + section + navigation + list pages + report
pages), recall against the portal's ground truth, pages/s and peak memory, for gsspider and for a
plain breadth-first Scrapy CrawlSpider over the same sites. ``--families`` adds the issue-4 portal
kinds (Hanweb, TRS 动静结合, gkmlpt, attachment-only reports, blocked sites; default: all of them);
their reports that cannot be parsed (scans, DOC/WPS, broken files, JS-bound viewers) count as
found when they are stored with their flags or recorded in crawl_errors.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demoportal import TestPortal  # noqa: E402


def run_worker(
    kind: str, urls: list[str], tmp: Path, extra: list[str], db: Path | None = None, name: str | None = None
) -> dict:
    """Crawl ``urls`` with ``bench/_worker.py`` (gsspider or the baseline) in a subprocess; its stats.

    The database is ``db`` (default ``tmp/<kind>.db``), the stats file ``tmp/<name or kind>.json``.
    """
    tmp.mkdir(exist_ok=True)
    urls_file = tmp / "urls.txt"
    urls_file.write_text("\n".join(urls))
    db = db or tmp / f"{kind}.db"
    stats = tmp / f"{name or kind}.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "_worker.py"),
            kind,
            str(urls_file),
            str(db),
            str(stats),
            *extra,
        ],
        check=True,
        timeout=3600,
    )
    data = json.loads(stats.read_text())
    data["db"] = str(db)
    return data


@contextmanager
def bench_portal(args: argparse.Namespace, **options: Any) -> Iterator[tuple[TestPortal, Path]]:
    """The bench portal the command line describes (--sites, --reports-per-site, --seed, --bulk),
    with no slow page, and a temporary directory for the crawl's files."""
    with (
        TestPortal(
            n_sites=args.sites,
            reports_per_site=args.reports_per_site,
            seed=args.seed,
            slow_seconds=0.0,
            bulk=args.bulk,
            **options,
        ) as portal,
        tempfile.TemporaryDirectory() as tmpdir,
    ):
        yield portal, Path(tmpdir)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=50)
    ap.add_argument("--reports-per-site", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--bulk", type=int, default=1000, help="extra non-report pages per site (real portals have thousands)"
    )
    ap.add_argument(
        "--families",
        default="all",
        help="issue-4 site kinds added to the set: all, none, or a comma list of hanweb,trs_api,gkmlpt,attachments,blocked",
    )
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument(
        "--baseline-sites",
        type=int,
        default=10,
        help="sites the breadth-first baseline crawls to completion (it fetches every page, so all 50 "
        "take long); gsspider is crawled again on the same sites for the comparison",
    )
    ap.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args()

    with bench_portal(args, families=_families(args.families)) as (portal, tmp):
        urls = [s.base_url for s in portal.sites]
        truth = {t["url"] for t in portal.ground_truth() if t["expected_status"] == "parsed"}
        unread = {t["url"] for t in portal.ground_truth() if t["expected_status"] != "parsed"}
        minimum = sum(v["total"] for k, v in portal.minimum_requests().items() if isinstance(v, dict))
        families: dict[str, int] = {}
        for s in portal.sites:
            families[s.kind] = families.get(s.kind, 0) + 1
        print(
            f"portal: bulk={args.bulk} non-report pages per site; {len(urls)} sites ({', '.join(f'{k} {v}' for k, v in sorted(families.items()))}), "
            f"{len(truth)} reports, minimum requests {minimum}"
        )

        ours = run_worker("gsspider", urls, tmp, args.set)
        con = sqlite3.connect(ours["db"])
        found = {r[0] for r in con.execute("SELECT url FROM reports WHERE is_report = 1")}
        recorded = {r[0] for r in con.execute("SELECT url FROM reports UNION SELECT url FROM crawl_errors")}
        blocked = con.execute("SELECT count(*) FROM sites WHERE status = 'blocked'").fetchone()[0]
        con.close()
        req = ours.get("downloader/request_count", 0)
        robots = ours.get("robotstxt/request_count", 0)
        pages = ours.get("response_received_count", 0)
        print("\ngsspider (generic spider, scored links, list readers)")
        print(
            f"  requests        {req} (incl. {robots} robots.txt)  = {req / minimum:.2f}x minimum "
            f"({(req - robots) / minimum:.2f}x without robots.txt)"
        )
        print(
            f"  recall          {len(found & truth)}/{len(truth)} = {len(found & truth) / len(truth):.1%}; "
            f"non-reports stored: {len(found - truth)}"
        )
        if unread:
            print(
                f"  unreadable      {len(unread & recorded)}/{len(unread)} listed reports that cannot be parsed "
                f"(scans, DOC/WPS, broken or oversized files, JS-bound) stored with flags or as crawl errors"
            )
        if blocked:
            print(f"  blocked sites   {blocked} reported as blocked with their reason")
        print(f"  pages/s         {pages / ours['elapsed']:.1f}  ({pages} pages in {ours['elapsed']:.1f} s)")
        print(f"  peak memory     {ours['maxrss_kb'] / 1024:.0f} MiB (max RSS of the crawl process)")

        if not args.no_baseline:
            subset = urls[: args.baseline_sites]
            sub_truth = {
                t["url"]
                for t in portal.ground_truth()
                if t["site_url"].rstrip("/") in {u.rstrip("/") for u in subset}
            }
            ours_sub = run_worker("gsspider", subset, tmp / "sub", args.set)
            base = run_worker("baseline", subset, tmp, args.set)
            fetched = set(base.get("fetched_urls", []))
            oreq = ours_sub.get("downloader/request_count", 0)
            breq = base.get("downloader/request_count", 0)
            bpages = base.get("response_received_count", 0)
            print(
                f"\nbaseline (breadth-first CrawlSpider, every in-site link) on the first {len(subset)} sites, "
                f"{len(sub_truth)} reports"
            )
            print(
                f"  requests        {breq}; gsspider on the same sites: {oreq} -> {breq / max(oreq, 1):.1f}x fewer"
            )
            print(
                f"  recall          {len(fetched & sub_truth)}/{len(sub_truth)} = "
                f"{len(fetched & sub_truth) / max(len(sub_truth), 1):.1%} (report pages it fetched at all)"
            )
            print(
                f"  pages/s         {bpages / base['elapsed']:.1f}  ({bpages} pages in {base['elapsed']:.1f} s)"
            )
            print(f"  peak memory     {base['maxrss_kb'] / 1024:.0f} MiB")


def _families(value: str) -> tuple[str, ...] | str:
    if value in ("", "none"):
        return ()
    if value == "all":
        return "all"
    return tuple(v.strip() for v in value.split(",") if v.strip())


if __name__ == "__main__":
    main()
