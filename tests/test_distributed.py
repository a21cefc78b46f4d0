"""A distributed crawl end to end: the test portal crawled by several workers on one real Redis.

Redis is Debian's ``redis-server`` (``scripts/setup-dev.sh`` installs it), started by the tests on
a free 127.0.0.1 port with a temporary directory and no persistence, stopped after. The workers
and the seeding crawl are ``python -m gsspider`` subprocesses, bounded in time; the merged
database must equal what ``gsspider crawl`` alone stores: the same reports, cells and checks.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import redis
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from bench.distributed import ConcurrencyProbe, redis_command
from demoportal import TestPortal
from gsspider.distributed import ROLE_WORKER, LeasedScheduler, distributed_settings, reset
from tests.conftest import ROOT, crawl, local_settings, run
from tests.test_resume import query, snapshot

pytestmark = pytest.mark.crawl

REDIS_SERVER = os.environ.get("GSSPIDER_REDIS_SERVER", "redis-server")
WORKER_TIMEOUT = 150
#: Polite enough that the crawl lasts a few seconds and a kill lands mid-crawl; short leases so a
#: killed worker's requests come back quickly.
DISTRIBUTED = {"GSSPIDER_REDIS_LEASE": "3", "CONCURRENT_REQUESTS_PER_DOMAIN": "2", "DOWNLOAD_DELAY": "0.02"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    """A real Redis server of this test alone: 127.0.0.1, a free port, no persistence."""
    if shutil.which(REDIS_SERVER) is None:
        pytest.skip(
            f"{REDIS_SERVER} is not installed (sh scripts/setup-dev.sh installs Debian's redis-server)"
        )
    port = free_port()
    folder = tmp_path / "redis"
    folder.mkdir()
    proc = subprocess.Popen(
        redis_command(REDIS_SERVER, port, folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def gsspider(*args: str) -> list[str]:
    return [sys.executable, "-m", "gsspider", *args]


def start_worker(portal: TestPortal, url: str, db: Path) -> subprocess.Popen:
    cmd = gsspider("worker", "--redis", url, "--db", str(db), *local_settings(portal, **DISTRIBUTED))
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def seed(portal: TestPortal, url: str, db: Path) -> subprocess.CompletedProcess:
    urls = [s.base_url for s in portal.sites]
    return run(
        gsspider("crawl", *urls, "--redis", url, "--db", str(db), *local_settings(portal, **DISTRIBUTED))
    )


def finish(workers: list[subprocess.Popen]) -> list[str]:
    outs = []
    deadline = time.monotonic() + WORKER_TIMEOUT
    for proc in workers:
        try:
            out, err = proc.communicate(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for p in workers:
                p.kill()
            raise
        assert proc.returncode == 0, err[-3000:]
        outs.append(out)
    return outs


def merge(dbs: list[Path], into: Path) -> None:
    run(gsspider("merge", *[str(d) for d in dbs if d.exists()], "--into", str(into)))


def report_fetches(portal: TestPortal, since: int) -> Counter:
    """How often each ground-truth report URL was requested after request ``since`` of the log."""
    wanted = {urlsplit(r["url"]).path for r in portal.ground_truth()}
    log = portal.request_log[since:]
    return Counter(r.site + r.path for r in log if r.method == "GET" and urlsplit(r.path).path in wanted)


def sites_of(db: Path) -> list[tuple]:
    return sorted(query(db, "SELECT url, status, reports FROM sites"))


def scheduler_on(url: str) -> LeasedScheduler:
    """A worker's scheduler on the Redis at ``url``, outside a crawl (an engine with no requests)."""
    crawler = get_crawler(Spider, distributed_settings(url, ROLE_WORKER))
    crawler.engine = SimpleNamespace(_SLOT_HEARTBEAT_INTERVAL=5.0, _slot=None)
    scheduler = LeasedScheduler.from_crawler(crawler)
    scheduler.open(Spider("reports", settings=crawler.settings))
    return scheduler


def dying_before(send, n: int):
    """``send`` (a Redis client's execute_command) that fails from its ``n``-th command on."""
    sent = 0

    def execute(*args, **kwargs):
        nonlocal sent
        if sent >= n:
            raise redis.ConnectionError(f"the worker died before command {n}")
        sent += 1
        return send(*args, **kwargs)

    return execute


def test_a_request_is_seen_only_once_it_is_in_the_frontier(redis_url):
    """A worker that dies while scheduling a request (its Redis connection cut before its n-th
    command, for every n) leaves the request either seen and in the frontier, or neither: never seen
    by every worker and in no frontier, which loses it for good."""
    scheduler = scheduler_on(redis_url)
    server, keys = scheduler.server, scheduler.keys
    send = server.execute_command
    try:
        for cut in range(4):
            reset(server, keys)
            request = Request(f"http://127.0.0.1/report/{cut}.html")
            server.execute_command = dying_before(send, cut)
            try:
                scheduled = scheduler.enqueue_request(request)
            except redis.ConnectionError:
                scheduled = None
            finally:
                server.execute_command = send
            seen = server.sismember(keys.dupefilter, scheduler.df.request_fingerprint(request))
            frontier = server.zcard(keys.requests)
            assert bool(seen) == bool(frontier), (cut, scheduled, seen, frontier)
            if scheduled:
                assert frontier == 1
        # Once in the frontier a request is a duplicate; a dont_filter one goes in all the same.
        assert not scheduler.enqueue_request(Request("http://127.0.0.1/report/3.html"))
        assert scheduler.enqueue_request(Request("http://127.0.0.1/report/3.html", dont_filter=True))
        assert server.zcard(keys.requests) == 2
    finally:
        scheduler.close("finished")


def test_three_workers_store_what_one_crawl_stores(tmp_path, redis_url):
    with TestPortal() as portal, ConcurrencyProbe() as probe:
        single = tmp_path / "single.db"
        crawl(portal, single)
        n0 = len(portal.request_log)
        probe.reset()
        dbs = [tmp_path / f"w{i}.db" for i in range(3)]
        # Workers first: they wait for the seeding.
        workers = [start_worker(portal, redis_url, db) for db in dbs]
        seeded = seed(portal, redis_url, tmp_path / "seed.db")
        assert "start requests in the frontier" in seeded.stdout
        outs = finish(workers)
        fetches = report_fetches(portal, n0)
        truth = portal.ground_truth()
        hosts = {urlsplit(s.base_url).netloc for s in portal.sites}
    merged = tmp_path / "all.db"
    merge([tmp_path / "seed.db", *dbs], merged)

    assert snapshot(merged) == snapshot(single)
    assert len(snapshot(merged)["reports"]) >= len(truth) > 0
    assert sites_of(merged) == sites_of(single)
    # Every report fetched once across the workers, and the work was shared.
    assert sorted(set(fetches.values())) == [1], [u for u, n in fetches.items() if n > 1]
    assert len(fetches) == len(truth)
    worked = [query(db, "SELECT count(*) FROM pages")[0][0] for db in dbs]
    assert sum(1 for n in worked if n > 0) >= 2, worked
    # Politeness across workers: never more at once on one host than the site's concurrency, as
    # the portal saw it (requests it was answering at once) and as the workers' slots recorded it.
    per_site = int(DISTRIBUTED["CONCURRENT_REQUESTS_PER_DOMAIN"])
    assert 1 <= probe.peak() <= per_site, probe.most
    client = redis.Redis.from_url(redis_url)
    most = {k.decode(): int(v) for k, v in client.hgetall("gsspider:politeness:max").items()}
    assert set(most) == hosts and max(most.values()) <= per_site
    assert all("finish: finished" in out for out in outs), outs


def test_a_worker_killed_mid_crawl_loses_nothing(tmp_path, redis_url):
    with TestPortal() as portal:
        single = tmp_path / "single.db"
        crawl(portal, single)
        n0 = len(portal.request_log)
        dbs = [tmp_path / f"w{i}.db" for i in range(4)]
        seed(portal, redis_url, tmp_path / "seed.db")
        client = redis.Redis.from_url(redis_url)
        victim = start_worker(portal, redis_url, dbs[0])

        def leases_of_victim() -> int:
            owner = f":{victim.pid}"
            return sum(1 for k in client.hkeys("gsspider:leases") if k.decode().split("#")[0].endswith(owner))

        # The victim starts first and the others once it holds a lease (a worker slower to start
        # than the others could otherwise find the crawl done); it is killed while it holds leases
        # (requests in flight) after some work is done.
        held = 0
        workers = [victim]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            mine = leases_of_victim()
            if mine and len(workers) == 1:
                workers += [start_worker(portal, redis_url, db) for db in dbs[1:3]]
            if mine and len(portal.request_log) - n0 > 15:
                held = mine
                break
            time.sleep(0.01)
        assert held, "the worker never held a lease"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        # What it held when it died (it may have leased more since it was looked at); a lease lives
        # on for at least two thirds of GSSPIDER_REDIS_LEASE after its last renewal.
        held = leases_of_victim()
        workers.append(start_worker(portal, redis_url, dbs[3]))  # a fresh one joins
        finish(workers[1:])
        fetches = report_fetches(portal, n0)
        truth = portal.ground_truth()
        requeued = int(client.get("gsspider:requeued") or 0)
        leases_left = client.hlen("gsspider:leases")
        frontier_left = client.zcard("gsspider:requests")
    merged = tmp_path / "all.db"
    merge([tmp_path / "seed.db", *dbs], merged)

    assert requeued >= held > 0  # the killed worker's requests came back to the frontier
    assert leases_left == 0 and frontier_left == 0
    assert snapshot(merged) == snapshot(single)
    assert len(fetches) == len(truth)  # every report fetched, at least once
    # Fetched again only what the killed worker had in flight.
    assert sum(n - 1 for n in fetches.values()) <= held
