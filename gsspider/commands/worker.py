"""``gsspider worker``: one worker of a distributed crawl; and the seeding ``gsspider crawl --redis``.

Any number of workers, on any machines, crawl one frontier in Redis; each stores into its own
SQLite database (``gsspider merge`` combines them). See docs/distributed.md.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path
from typing import Any

from gsspider import settings


def _redis_reachable(url: str) -> str | None:
    """Why the Redis server at ``url`` cannot be used, or None."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5).ping()
    except (redis.RedisError, ValueError) as exc:
        return f"no Redis server at {url}: {exc}"
    return None


def seed(args: argparse.Namespace, sites: str | None, overrides: dict[str, Any]) -> int:
    """``gsspider crawl --redis URL …``: the crawl's sites and start requests into the frontier."""
    from gsspider import distributed, runner

    if args.resume:
        print(
            "gsspider crawl: --resume does not apply to --redis: the frontier in Redis keeps the "
            "crawl's place; start workers again to continue",
            file=sys.stderr,
        )
        return 2
    problem = _redis_reachable(args.redis)
    if problem:
        print(f"gsspider crawl: {problem}", file=sys.stderr)
        return 2
    overrides = {**overrides, **distributed.distributed_settings(args.redis, distributed.ROLE_SEED)}
    try:
        stats = runner.run_crawl(
            args.urls,
            db=args.db,
            sites=sites,
            settings=overrides,
            spider=distributed.DistributedReportsSpider,
        )
    except ValueError as exc:
        print(f"gsspider crawl: {exc}", file=sys.stderr)
        return 2
    server = distributed.connect(args.redis)
    keys = distributed.keys_of(runner.make_settings(**overrides))
    queued = server.zcard(keys.requests)
    print(
        f"seeded {args.redis} ({keys.prefix}): {queued} start requests in the frontier "
        f"({stats.get('finish_reason')}); crawl it with: gsspider worker --redis {args.redis}"
    )
    return 0 if server.exists(keys.seeded) else 1


def default_db() -> str:
    """``data/worker-<host>-<pid>.db`` next to the default database: one per worker."""
    base = Path(settings.GSSPIDER_DB)
    return str(base.with_name(f"worker-{socket.gethostname()}-{os.getpid()}.db"))


def run(args: argparse.Namespace) -> int:
    from gsspider import distributed, runner
    from gsspider.commands.crawl import _settings_pairs

    overrides = _settings_pairs(args.set)
    if args.quiet:
        overrides.setdefault("LOG_LEVEL", "WARNING")
    problem = _redis_reachable(args.redis)
    if problem:
        print(f"gsspider worker: {problem}", file=sys.stderr)
        return 2
    concurrency = runner.make_settings(**overrides).getint("CONCURRENT_REQUESTS")
    overrides.update(distributed.distributed_settings(args.redis, distributed.ROLE_WORKER, concurrency))
    db = args.db or default_db()
    try:
        stats = runner.run_crawl(None, db=db, settings=overrides, spider=distributed.DistributedReportsSpider)
    except ValueError as exc:
        print(f"gsspider worker: {exc}", file=sys.stderr)
        return 2
    server = distributed.connect(args.redis)
    keys = distributed.keys_of(runner.make_settings(**overrides))
    most = distributed.politeness_max(server, keys)
    print(
        f"worker {distributed.worker_id()} into {db}: requests: {stats.get('downloader/request_count', 0)}, "
        f"reports: {stats.get('gsspider/reports', 0)}, leases returned to the frontier (crawl-wide): "
        f"{int(server.get(keys.requeued) or 0)}, most concurrent requests on one host: "
        f"{max(most.values(), default=0)}, finish: {stats.get('finish_reason')}"
    )
    return 0


def register(sub) -> None:
    p = sub.add_parser("worker", help="crawl from a distributed crawl's shared frontier (Redis)")
    p.add_argument("--redis", required=True, metavar="URL", help="the frontier: redis://HOST:PORT/N")
    p.add_argument("--db", help="this worker's SQLite database (default data/worker-<host>-<pid>.db)")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy/gsspider setting")
    p.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    p.set_defaults(func=run)
