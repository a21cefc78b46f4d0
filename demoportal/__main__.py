"""``python -m demoportal [--sites N] [--seed S] [--bulk N] [--families all]``: serve the test
portal until Ctrl-C."""

from __future__ import annotations

import argparse
import time

from .kinds import ALL_FAMILIES
from .server import TestPortal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demoportal", description="Serve the simulated government portals on 127.0.0.1."
    )
    parser.add_argument("--sites", type=int, default=6, help="number of sites (default: 6, the demo set)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated content (default: 0)")
    parser.add_argument(
        "--reports-per-site",
        type=int,
        default=None,
        help="generated reports per site (default: per site kind)",
    )
    parser.add_argument(
        "--slow-seconds", type=float, default=3.0, help="delay of the slow URL; 0 leaves it out"
    )
    parser.add_argument("--bulk", type=int, default=0, help="extra non-report pages per site (default: 0)")
    parser.add_argument(
        "--families",
        default="",
        help=f"comma-separated site groups to add after the demo kinds: {', '.join(ALL_FAMILIES)} or all",
    )
    args = parser.parse_args(argv)

    with TestPortal(
        n_sites=args.sites,
        seed=args.seed,
        reports_per_site=args.reports_per_site,
        slow_seconds=args.slow_seconds,
        bulk=args.bulk,
        families=[name for name in args.families.split(",") if name],
    ) as portal:
        minimum = portal.minimum_requests()
        for running in portal.sites:
            site = running.site
            blocked = f"  blocked: {site.blocked}" if site.blocked else ""
            print(
                f"{running.base_url}/  {site.kind:<15} {site.name}  "
                f"reports={len(site.report_truth(running.base_url))} "
                f"minimum_requests={minimum[running.base_url + '/']['total']}{blocked}",
                flush=True,
            )
        print(
            f"{len(portal.ground_truth())} reports on {len(portal.sites)} sites. Ctrl-C to stop.", flush=True
        )
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            print("stopping", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
