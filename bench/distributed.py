"""A distributed crawl of the bench portal: 1, 2 and 4 workers on one Redis, with a per-site delay.

    python bench/distributed.py [--sites 30] [--reports-per-site 10] [--delay 0.5] [--workers 1,2,4]

Every site keeps a realistic politeness delay (``DOWNLOAD_DELAY``, default 0.5 s) and its
concurrency (``CONCURRENT_REQUESTS_PER_DOMAIN``), shared by all workers through Redis. Prints, for
``gsspider crawl`` alone and for each number of workers: wall time (seeding to the last worker's
end), requests the portal answered, recall of the merged database against the portal's ground
truth, and the most concurrent requests one site saw — measured by the portal itself (a counter
around its request handler), and as the workers' Redis slots recorded it. Needs ``redis-server``
(``sh scripts/setup-dev.sh``); it is started here on a free 127.0.0.1 port and stopped after.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demoportal import TestPortal  # noqa: E402


class ConcurrencyProbe:
    """The most requests each portal site was answering at once (a counter around the handler)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: Counter[str] = Counter()
        self.most: Counter[str] = Counter()
        self.last: dict[str, float] = {}
        self.gaps: dict[str, float] = {}  # site -> shortest time between two request starts
        self._original = None

    def __enter__(self) -> ConcurrencyProbe:
        from demoportal import server

        original = server._Handler._answer
        self._original = original
        probe = self

        def answer(handler, *args, **kwargs):
            site = handler.server.base_url
            with probe.lock:
                probe.now[site] += 1
                probe.most[site] = max(probe.most[site], probe.now[site])
                at = time.monotonic()
                if site in probe.last:
                    probe.gaps[site] = min(probe.gaps.get(site, 1e9), at - probe.last[site])
                probe.last[site] = at
            try:
                return original(handler, *args, **kwargs)
            finally:
                with probe.lock:
                    probe.now[site] -= 1

        server._Handler._answer = answer  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        from demoportal import server

        server._Handler._answer = self._original  # type: ignore[method-assign]

    def reset(self) -> None:
        with self.lock:
            self.most.clear()
            self.last.clear()
            self.gaps.clear()

    def peak(self) -> int:
        with self.lock:
            return max(self.most.values(), default=0)

    def shortest_gap(self) -> float:
        """The shortest time between two request starts on one site (any site), seconds."""
        with self.lock:
            return min(self.gaps.values(), default=float("nan"))


def redis_command(binary: str, port: int, folder: Path) -> list[str]:
    """A throw-away redis-server: 127.0.0.1 only, no snapshots, no append-only file."""
    return [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(folder),
        "--save",
        "",
        "--appendonly",
        "no",
    ]


class RedisServer:
    """``redis-server`` on a free 127.0.0.1 port, no persistence, in a temporary directory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> RedisServer:
        import redis

        if shutil.which("redis-server") is None:
            raise SystemExit("bench/distributed.py needs redis-server (sh scripts/setup-dev.sh installs it)")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.folder.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            redis_command("redis-server", port, self.folder),
            stdout=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(self.url)
        for _ in range(200):
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        self.__exit__()
        raise SystemExit("redis-server did not start")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def gsspider(*args: str) -> list[str]:
    return [sys.executable, "-m", "gsspider", *args]


def setting_args(pairs: dict[str, str]) -> list[str]:
    out: list[str] = []
    for k, v in pairs.items():
        out += ["-s", f"{k}={v}"]
    return out


def run(cmd: list[str], timeout: float = 3600) -> None:
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} … failed ({proc.returncode}):\n{proc.stderr[-3000:]}")


def recall(db: Path, truth: set[str]) -> tuple[int, int]:
    con = sqlite3.connect(db)
    try:
        found = {r[0] for r in con.execute("SELECT url FROM reports WHERE is_report = 1")}
    finally:
        con.close()
    return len(found & truth), len(found - truth)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=30)
    ap.add_argument("--reports-per-site", type=int, default=10)
    ap.add_argument("--bulk", type=int, default=0, help="extra non-report pages per site")
    ap.add_argument("--delay", type=float, default=0.5, help="per-site delay between requests, seconds")
    ap.add_argument(
        "--per-site", type=int, default=4, help="per-site concurrency (CONCURRENT_REQUESTS_PER_DOMAIN)"
    )
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a setting for every crawl"
    )
    ap.add_argument(
        "--single",
        action="store_true",
        help="also time gsspider crawl alone; on the local portal every site is 127.0.0.1, which Scrapy's "
        "own per-host slots make one slot (one delay for all sites), so it is not a fair comparison",
    )
    args = ap.parse_args()
    counts = [int(n) for n in args.workers.split(",") if n.strip()]

    tmp = Path(tempfile.mkdtemp(prefix="gsspider-bench-distributed-"))
    try:
        with (
            TestPortal(n_sites=args.sites, reports_per_site=args.reports_per_site, bulk=args.bulk) as portal,
            ConcurrencyProbe() as probe,
            RedisServer(tmp / "redis") as server,
        ):
            urls = [s.base_url for s in portal.sites]
            truth = {t["url"] for t in portal.ground_truth() if t["expected_status"] == "parsed"}
            hosts = ",".join(urlsplit(u).netloc for u in urls)
            settings = {
                "GSSPIDER_ALLOW_PRIVATE_HOSTS": hosts,
                "DOWNLOAD_DELAY": str(args.delay),
                "CONCURRENT_REQUESTS_PER_DOMAIN": str(args.per_site),
                "AUTOTHROTTLE_ENABLED": "False",
                "LOG_LEVEL": "WARNING",
                "GSSPIDER_PROGRESS_INTERVAL": "0",
                **dict(pair.split("=", 1) for pair in args.set),
            }
            print(
                f"portal: {len(urls)} sites, {len(truth)} reports, bulk={args.bulk}; per-site delay "
                f"{args.delay} s, per-site concurrency {args.per_site}; {' '.join(args.set)}"
            )
            print(
                f"{'run':<22}{'wall s':>8}{'requests':>10}{'recall':>14}{'max/site (portal)':>19}{'(redis)':>9}"
                f"{'min gap s':>11}"
            )
            if args.single:
                probe.reset()
                n0 = len(portal.request_log)
                t0 = time.monotonic()
                db = tmp / "single.db"
                run(
                    gsspider("crawl", *urls, "--db", str(db), *setting_args(settings)),
                    timeout=3600,
                )
                wall = time.monotonic() - t0
                found, _ = recall(db, truth)
                print(
                    f"{'gsspider crawl (alone)':<22}{wall:>8.1f}{len(portal.request_log) - n0:>10}"
                    f"{f'{found}/{len(truth)}':>14}{probe.peak():>19}{'-':>9}{probe.shortest_gap():>11.3f}"
                )
            import redis

            client = redis.Redis.from_url(server.url)
            for n in counts:
                probe.reset()
                run_dir = tmp / f"w{n}"
                run_dir.mkdir()
                dbs = [run_dir / f"worker{i}.db" for i in range(n)]
                n0 = len(portal.request_log)
                t0 = time.monotonic()
                run(
                    gsspider(
                        "crawl",
                        *urls,
                        "--redis",
                        server.url,
                        "--db",
                        str(run_dir / "seed.db"),
                        *setting_args(settings),
                    ),
                    timeout=600,
                )
                workers = [
                    subprocess.Popen(
                        gsspider("worker", "--redis", server.url, "--db", str(db), *setting_args(settings)),
                        cwd=ROOT,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    for db in dbs
                ]
                for w in workers:
                    w.wait(timeout=3600)
                wall = time.monotonic() - t0
                requests = len(portal.request_log) - n0
                most_redis = max(
                    (int(v) for v in client.hgetall("gsspider:politeness:max").values()), default=0
                )
                merged = run_dir / "all.db"
                run(
                    gsspider("merge", str(run_dir / "seed.db"), *map(str, dbs), "--into", str(merged)),
                    timeout=600,
                )
                found, _ = recall(merged, truth)
                label = f"{n} worker{'s' if n > 1 else ''} (redis)"
                print(
                    f"{label:<22}{wall:>8.1f}{requests:>10}{f'{found}/{len(truth)}':>14}"
                    f"{probe.peak():>19}{most_redis:>9}{probe.shortest_gap():>11.3f}"
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
