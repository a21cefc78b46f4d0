"""One crawl on many workers: a shared Redis frontier (scrapy-redis) and shared per-site state.

``gsspider crawl --redis URL …`` runs the spider in the *seed* role: its start requests go into the
shared frontier (scrapy-redis' priority queue and its ``RFPDupeFilter``), the sites of the crawl
into Redis, and it stops. ``gsspider worker --redis URL`` runs the same spider in the *worker*
role, on any machine: it takes requests from the frontier, stores into its own SQLite database
and puts what it finds back into the frontier. ``gsspider merge`` combines the databases
(:mod:`gsspider.merge`). See docs/distributed.md.

What scrapy-redis does not give, written here:

- **Leases** (:class:`LeasedQueue`): scrapy-redis pops requests destructively, so a worker killed
  with SIGKILL would lose what it had in flight. Here a pop moves the request into a lease
  (``<prefix>:leases``) with an expiry; the worker renews its leases while the requests run and
  acknowledges each one when Scrapy is done with it (response handled, items stored, new
  requests in the frontier). Every pop first returns expired leases to the frontier.
- **Scheduling in one step**: scrapy-redis marks a request seen (SADD) and then pushes it (ZADD);
  a worker killed between the two would leave it seen by every worker and in no frontier. Here
  one Lua script does both (:meth:`LeasedQueue.push`).
- **Shared per-site state** (:class:`RedisSiteBook`, :class:`SharedSiteState`): budgets,
  navigation counts, blocked sites, WAF hits, report and error counts live in one Redis hash per
  site; hosts admitted by navigation links or relocations in a list every worker replays.
- **Shared politeness** (:class:`SiteSlotMiddleware`): the site's delay (``DOWNLOAD_DELAY``) and
  concurrency (``CONCURRENT_REQUESTS_PER_DOMAIN``) hold across all workers, through a slot per
  host in Redis; the largest concurrency any host saw is kept in ``<prefix>:politeness:max``.
- **The end of a crawl**: a worker stops when the frontier is empty and no lease is left anywhere
  (another worker's request in flight may still add requests).

``RedisSpider`` is not used: it relies on ``start_requests``, which Scrapy 2.13 replaced by
``start()``; the seeding crawl is the ordinary spider in the seed role.
"""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import time
from dataclasses import asdict
from typing import Any

import redis
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base as _RedisQueue
from scrapy_redis.scheduler import Scheduler as _RedisScheduler
from twisted.internet import task

from gsspider import settings as defaults
from gsspider.scope import Admission, SiteBook, SiteState, host_port
from gsspider.sites import SiteEntry
from gsspider.spiders.reports import ReportsSpider

logger = logging.getLogger(__name__)

ROLE_SEED = "seed"
ROLE_WORKER = "worker"


def worker_id() -> str:
    """This worker's name in leases and slots: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30)


class Keys:
    """The Redis keys of one distributed crawl, under ``GSSPIDER_REDIS_PREFIX``."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.requests = f"{prefix}:requests"  # the frontier: scrapy-redis' priority queue (zset)
        self.dupefilter = f"{prefix}:dupefilter"  # scrapy-redis' RFPDupeFilter (set of fingerprints)
        self.leases = f"{prefix}:leases"  # lease id -> encoded request
        self.lease_scores = f"{prefix}:lease_scores"  # lease id -> its frontier score
        self.lease_expiry = f"{prefix}:lease_expiry"  # zset: lease id by expiry (ms)
        self.lease_counter = f"{prefix}:lease_counter"
        self.requeued = f"{prefix}:requeued"  # leases returned to the frontier (expired or given back)
        self.sites = f"{prefix}:sites"  # JSON list of the crawl's site entries
        self.seeded = f"{prefix}:seeded"  # set once every start request is in the frontier
        self.admissions = f"{prefix}:admissions"  # list of JSON admissions, replayed by every worker
        self.politeness_max = f"{prefix}:politeness:max"  # host -> most concurrent requests seen

    def site(self, url: str) -> str:
        return f"{self.prefix}:site:{url}"

    def visited(self, url: str) -> str:
        return f"{self.prefix}:visited:{url}"

    def slot(self, host: str) -> str:
        return f"{self.prefix}:slot:{host}"

    def slot_next(self, host: str) -> str:
        return f"{self.prefix}:slot_next:{host}"


def keys_of(settings) -> Keys:
    return Keys(settings.get("GSSPIDER_REDIS_PREFIX", defaults.GSSPIDER_REDIS_PREFIX))


def reset(server: redis.Redis, keys: Keys) -> int:
    """Delete every key of the crawl (a new seeding starts from nothing); the number deleted."""
    n = 0
    batch: list[bytes] = []
    for key in server.scan_iter(match=f"{keys.prefix}:*", count=1000):
        batch.append(key)
        if len(batch) >= 500:
            n += server.delete(*batch)
            batch = []
    if batch:
        n += server.delete(*batch)
    return n


#: The one download slot of a worker (Scrapy's own per-host slots would add their delay to the
#: shared one): no delay, the worker's whole concurrency; politeness is :class:`SiteSlotMiddleware`'s.
WORKER_SLOT = "gsspider-distributed"


def distributed_settings(url: str, role: str, concurrency: int = 16) -> dict[str, Any]:
    """The settings that turn a crawl into one seeding (``role`` "seed") or working ("worker") on the
    Redis frontier at ``url``; ``concurrency`` is the worker's ``CONCURRENT_REQUESTS``. The Redis
    keys follow ``GSSPIDER_REDIS_PREFIX``."""
    return {
        "DOWNLOAD_SLOTS": {WORKER_SLOT: {"concurrency": concurrency, "delay": 0, "randomize_delay": False}},
        # AutoThrottle would set one worker's delay from its own latencies: the shared slots decide.
        "AUTOTHROTTLE_ENABLED": False,
        "GSSPIDER_REDIS": url,
        "GSSPIDER_REDIS_ROLE": role,
        "REDIS_URL": url,
        "SCHEDULER": "gsspider.distributed.LeasedScheduler",
        "SCHEDULER_QUEUE_CLASS": "gsspider.distributed.LeasedQueue",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # the frontier outlives every worker
        # Workers have no browser: sites marked ``render`` are crawled plainly, said once by the seeder.
        "GSSPIDER_BROWSER": "off",
        "GSSPIDER_RENDER_UNAVAILABLE": "a distributed crawl does not render (gsspider worker has no browser)",
        "GSSPIDER_SITES": "",  # the sites come from Redis, never from a worker's local registry
    }


# --- the frontier with leases ---------------------------------------------------------------------

# Expired leases back to the frontier, then the best request leased to ARGV[1] for ARGV[2] ms.
_POP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local dead = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)
for _, id in ipairs(dead) do
  local data = redis.call('HGET', KEYS[2], id)
  if data then
    redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[3], id) or 0, data)
    redis.call('INCR', KEYS[6])
  end
  redis.call('HDEL', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[4], id)
end
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
local id = ARGV[1] .. '#' .. redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[2], id, top[1])
redis.call('HSET', KEYS[3], id, top[2])
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[2]), id)
return {id, top[1]}
"""

# Mark fingerprint ARGV[1] seen in KEYS[2] (unless ARGV[1] is empty: dont_filter) and, when it was
# new, put request ARGV[3] into the frontier KEYS[1] at score ARGV[2]: both or neither, so a worker
# killed while scheduling never leaves a request seen and nowhere. 1: scheduled; 0: a duplicate.
_ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
"""

# Renew the leases ARGV[2..] for ARGV[1] ms (only those still leased).
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i])
end
return #ARGV - 1
"""

# Give leases ARGV[1..] back to the frontier now (a worker shutting down with requests unfinished).
_GIVE_BACK = """
local n = 0
for i = 1, #ARGV do
  local data = redis.call('HGET', KEYS[2], ARGV[i])
  if data then
    redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[3], ARGV[i]) or 0, data)
    redis.call('INCR', KEYS[5])
    n = n + 1
  end
  redis.call('HDEL', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
  redis.call('ZREM', KEYS[4], ARGV[i])
end
return n
"""


class LeasedQueue(_RedisQueue):
    """scrapy-redis' priority queue (the same zset, score ``-priority``) whose pops are leases."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        self.keys = keys_of(spider.settings)
        self.holder = worker_id()
        self.lease_ms = int(
            1000 * spider.settings.getfloat("GSSPIDER_REDIS_LEASE", defaults.GSSPIDER_REDIS_LEASE)
        )
        self._enqueue = server.register_script(_ENQUEUE)
        self._pop = server.register_script(_POP)
        self._renew = server.register_script(_RENEW)
        self._give_back = server.register_script(_GIVE_BACK)

    def _lease_keys(self) -> list[str]:
        k = self.keys
        return [self.key, k.leases, k.lease_scores, k.lease_expiry, k.lease_counter, k.requeued]

    def __len__(self) -> int:
        return self.server.zcard(self.key)

    def push(self, request: Request, fingerprint: str = "") -> bool:
        """Put ``request`` into the frontier, and its ``fingerprint`` into the duplicate filter, in
        one step; False (nothing pushed) when the fingerprint was seen already. No fingerprint: the
        request is pushed unfiltered."""
        # Within one priority, a random order: ties of a sorted set go by the member's bytes, which
        # would hand a worker one site's requests in a row, all waiting for that site's slot.
        score = -request.priority + random.random() * 0.5
        keys = [self.key, self.keys.dupefilter]
        return bool(self._enqueue(keys=keys, args=[fingerprint, score, self._encode_request(request)]))

    def pop(self, timeout=0):
        leased = self.pop_leased()
        return leased[1] if leased else None

    def pop_leased(self) -> tuple[str, Request] | None:
        answer = self._pop(keys=self._lease_keys(), args=[self.holder, self.lease_ms])
        if not answer:
            return None
        lease_id, data = answer
        return lease_id.decode(), self._decode_request(data)

    def ack(self, lease_ids: list[str]) -> None:
        if not lease_ids:
            return
        k = self.keys
        pipe = self.server.pipeline(transaction=True)
        pipe.hdel(k.leases, *lease_ids)
        pipe.hdel(k.lease_scores, *lease_ids)
        pipe.zrem(k.lease_expiry, *lease_ids)
        pipe.execute()

    def renew(self, lease_ids: list[str]) -> None:
        if lease_ids:
            self._renew(keys=[self.keys.lease_expiry], args=[self.lease_ms, *lease_ids])

    def give_back(self, lease_ids: list[str]) -> int:
        if not lease_ids:
            return 0
        k = self.keys
        return int(
            self._give_back(
                keys=[self.key, k.leases, k.lease_scores, k.lease_expiry, k.requeued], args=lease_ids
            )
        )

    def outstanding(self) -> int:
        """Leases held by any worker (a dead worker's until they expire and go back)."""
        return self.server.hlen(self.keys.leases)


class LeasedScheduler(_RedisScheduler):
    """scrapy-redis' Scheduler on a :class:`LeasedQueue`: leases acknowledged when Scrapy is done.

    A request is done when it leaves the engine's in-progress set: its response (or failure) went
    through the spider, the items through the pipelines, the new requests into the frontier.
    """

    queue: LeasedQueue

    @classmethod
    def from_crawler(cls, crawler):
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        s = crawler.settings
        instance.role = s.get("GSSPIDER_REDIS_ROLE", defaults.GSSPIDER_REDIS_ROLE)
        instance.keys = keys = keys_of(s)
        # scrapy-redis' keys are named by the spider; here by the crawl's prefix.
        instance.queue_key = keys.requests
        instance.df = RFPDupeFilter(instance.server, key=keys.dupefilter, debug=s.getbool("DUPEFILTER_DEBUG"))
        instance.lease_seconds = s.getfloat("GSSPIDER_REDIS_LEASE", defaults.GSSPIDER_REDIS_LEASE)
        instance.mine = {}
        instance.renewer = None
        # The engine asks an idle scheduler again only on its heartbeat (5 s by default): a worker
        # waiting for other workers' requests should look at the frontier more often than that.
        crawler.engine._SLOT_HEARTBEAT_INTERVAL = min(crawler.engine._SLOT_HEARTBEAT_INTERVAL, 0.25)
        return instance

    def open(self, spider):
        super().open(spider)
        self.renewer = task.LoopingCall(self._renew)
        self.renewer.start(max(self.lease_seconds / 3, 0.1), now=False)

    def close(self, reason):
        if self.renewer is not None and self.renewer.running:
            self.renewer.stop()
        self._acknowledge()
        if self.mine:
            n = self.queue.give_back(list(self.mine))
            logger.info("%d unfinished requests given back to the frontier (%s)", n, reason)
            self.mine.clear()
        if self.role == ROLE_SEED and reason == "finished":
            self.server.set(self.keys.seeded, "1")
            logger.info("the crawl is seeded: %d requests in the frontier", len(self.queue))
        super().close(reason)

    def _in_progress(self) -> set[Request]:
        slot = getattr(self.crawler.engine, "_slot", None)
        return slot.inprogress if slot is not None else set()

    def _acknowledge(self) -> None:
        if not self.mine:
            return
        running = self._in_progress()
        done = [lease for lease, request in self.mine.items() if request not in running]
        self.queue.ack(done)
        for lease in done:
            del self.mine[lease]

    def _renew(self) -> None:
        try:
            self._acknowledge()
            self.queue.renew(list(self.mine))
        except redis.RedisError as exc:
            logger.warning("could not renew leases: %s", exc)

    def enqueue_request(self, request: Request) -> bool:
        # scrapy-redis asks the dupefilter (SADD), then pushes (ZADD): a worker killed between the
        # two leaves the request seen by every worker and in no frontier, lost. One script here.
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        if not self.queue.push(request, fingerprint):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        if self.role == ROLE_SEED:
            return None  # the seeding crawl only fills the frontier
        self._acknowledge()
        leased = self.queue.pop_leased()
        if leased is None:
            return None
        lease, request = leased
        self.mine[lease] = request
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        if self.role == ROLE_SEED:
            return False
        self._acknowledge()
        if not self.server.exists(self.keys.seeded):
            return True  # a worker started before the seeding waits for it
        return len(self.queue) > 0 or self.queue.outstanding() > 0


# --- shared per-site state -----------------------------------------------------------------------


class _Field:
    """A per-site field in the site's Redis hash once the state is bound (``_shared``), a plain
    attribute before."""

    local_default: object = None

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, state, owner=None):
        if state is None:
            return self
        shared = state.__dict__.get("_shared")
        if shared is None:
            return state.__dict__.get(self.name, self.local_default)
        return self.read(state, shared)

    def read(self, state, shared):
        raise NotImplementedError


class _Counter(_Field):
    """A per-site counter in the site's Redis hash; ``state.x += n`` is one HINCRBY of n.

    The getter reads the shared value and remembers it; the setter adds the difference from what
    was read, so increments by several workers are never lost. Before the state is bound to Redis
    (its dataclass ``__init__``) the value is kept locally.
    """

    local_default = 0

    def read(self, state, shared):
        value = int(shared.server.hget(shared.key, self.name) or 0)
        state.__dict__[f"_seen_{self.name}"] = value
        return value

    def __set__(self, state, value: int) -> None:
        shared = state.__dict__.get("_shared")
        if shared is None:
            state.__dict__[self.name] = value
            return
        delta = int(value) - state.__dict__.get(f"_seen_{self.name}", 0)
        if delta:
            state.__dict__[f"_seen_{self.name}"] = shared.server.hincrby(shared.key, self.name, delta)


class _Text(_Field):
    """A per-site text field (the blocking reason) in the site's Redis hash; None when unset."""

    def read(self, state, shared):
        value = shared.server.hget(shared.key, self.name)
        return value.decode() if value is not None else None

    def __set__(self, state, value: str | None) -> None:
        shared = state.__dict__.get("_shared")
        if shared is None:
            state.__dict__[self.name] = value
        elif value is None:
            shared.server.hdel(shared.key, self.name)
        else:
            shared.server.hset(shared.key, self.name, value)


class _Binding:
    def __init__(self, server: redis.Redis, key: str, visited_key: str) -> None:
        self.server = server
        self.key = key
        self.visited_key = visited_key


class SharedSiteState(SiteState):
    """A site's state with its counters and blocking reason in Redis, shared by every worker."""

    requests = _Counter()
    nav_pages = _Counter()
    reports = _Counter()
    errors = _Counter()
    waf_hits = _Counter()
    blocked = _Text()

    def bind(self, server: redis.Redis, keys: Keys) -> None:
        self.__dict__["_shared"] = _Binding(server, keys.site(self.entry.url), keys.visited(self.entry.url))

    def host_rows(self) -> list[dict[str, Any]]:
        shared = self.__dict__.get("_shared")
        if shared is not None:  # the hosts every worker visited, not only this one's
            if self.visited:
                shared.server.sadd(shared.visited_key, *sorted(self.visited))
            self.visited |= {h.decode() for h in shared.server.smembers(shared.visited_key)}
        return super().host_rows()


class RedisSiteBook(SiteBook):
    """The book of sites of a distributed crawl: states in Redis, admissions replayed from Redis.

    An admission (a host a navigation link or a relocation admitted) is pushed to a Redis list;
    a look-up that finds no site first replays the admissions other workers made since, so every
    worker answers :meth:`site_for` as one process would (admissions only ever add hosts that no
    site had, so a URL that has a site keeps it).
    """

    state_class = SharedSiteState

    def __init__(self, server: redis.Redis, keys: Keys, **kwargs) -> None:
        super().__init__(**kwargs)
        self.server = server
        self.keys = keys
        self._replayed = 0
        self._replaying = False

    def add(self, entry: SiteEntry) -> SiteState:
        state = super().add(entry)
        assert isinstance(state, SharedSiteState)
        state.bind(self.server, self.keys)
        return state

    def replay(self) -> bool:
        """Apply the admissions made since the last replay; whether any was new here."""
        if self._replaying:
            return False
        records = self.server.lrange(self.keys.admissions, self._replayed, -1)
        if not records:
            return False
        self._replaying = True
        applied = False
        try:
            for raw in records:
                self._replayed += 1
                rec = json.loads(raw)
                state = self.sites.get(rec["site"])
                if state is None:
                    continue
                if rec["kind"] == "link":
                    admitted = SiteBook.admit_link(
                        self, state, rec["url"], label=rec["label"], via=rec["via"]
                    )
                else:
                    admitted = SiteBook.admit_relocation(self, state, rec["url"], via=rec["via"])
                applied = applied or admitted is not None
        finally:
            self._replaying = False
        return applied

    def _publish(self, kind: str, state: SiteState, url: str, via: str, label: str = "") -> None:
        record = {"kind": kind, "site": state.entry.url, "url": url, "via": via, "label": label}
        self.server.rpush(self.keys.admissions, json.dumps(record, ensure_ascii=False))

    def site_for(self, url: str) -> SiteState | None:
        state = super().site_for(url)
        if state is None and not self._replaying and self.replay():
            state = super().site_for(url)
        return state

    def admit_link(self, state: SiteState, url: str, *, label: str, via: str) -> Admission | None:
        self.replay()
        admission = super().admit_link(state, url, label=label, via=via)
        if admission is not None and not self._replaying:
            self._publish("link", state, url, via, label)
        return admission

    def admit_relocation(self, state: SiteState, url: str, *, via: str) -> Admission | None:
        self.replay()
        admission = super().admit_relocation(state, url, via=via)
        if admission is not None and not self._replaying:
            self._publish("relocation", state, url, via)
        return admission


def _entry_from_json(data: dict[str, Any]) -> SiteEntry:
    return SiteEntry(**{k: v for k, v in data.items() if k in SiteEntry.__dataclass_fields__})


def shared_book(crawler, entries: list[SiteEntry]) -> RedisSiteBook:
    """The crawl's book in Redis. Seeding: the crawl's keys reset, ``entries`` published.
    A worker: the published entries (waiting for a seeding when there is none yet)."""
    s = crawler.settings
    server = connect(s.get("GSSPIDER_REDIS", defaults.GSSPIDER_REDIS))
    keys = keys_of(s)
    role = s.get("GSSPIDER_REDIS_ROLE", defaults.GSSPIDER_REDIS_ROLE)
    if role == ROLE_SEED:
        reset(server, keys)
        server.set(keys.sites, json.dumps([asdict(e) for e in entries], ensure_ascii=False))
    else:
        said = False
        while (raw := server.get(keys.sites)) is None:
            if not said:
                logger.warning("no crawl seeded on %s yet: waiting for gsspider crawl --redis", keys.prefix)
                said = True
            time.sleep(0.5)
        entries = [_entry_from_json(d) for d in json.loads(raw)]
    book = RedisSiteBook(server, keys)
    for entry in entries:
        book.add(entry)
    return book


class DistributedReportsSpider(ReportsSpider):
    """The reports spider, its book of sites shared in Redis; a worker starts nothing itself."""

    name = "reports"
    role: str

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        local = spider.book
        spider.book = shared_book(crawler, [state.entry for state in local])
        for state in local:  # further start pages of a portal (seeding only)
            shared = spider.book.get(state.entry.url)
            if shared is not None:
                shared.extra_starts = list(state.extra_starts)
        spider.role = crawler.settings.get("GSSPIDER_REDIS_ROLE", defaults.GSSPIDER_REDIS_ROLE)
        return spider

    async def start(self):
        if self.role != ROLE_SEED:
            return  # the seeding crawl put the start pages into the frontier
        async for item_or_request in super().start():
            yield item_or_request


# --- politeness across workers ----------------------------------------------------------------------

# Take a slot of host KEYS[1] for holder ARGV[1]: at most ARGV[2] holders, starts ARGV[3] ms apart,
# a holder expiring after ARGV[4] ms. 0: taken; > 0: ms to wait.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[2]) then return 20 end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nxt then return nxt - now end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[2], now + tonumber(ARGV[3]), 'PX', tonumber(ARGV[3]) + 1000)
end
local held = n + 1
local most = tonumber(redis.call('HGET', KEYS[3], ARGV[5]) or '0')
if held > most then redis.call('HSET', KEYS[3], ARGV[5], held) end
return 0
"""


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor

    await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))


class SiteSlotMiddleware:
    """Downloader middleware: a host's delay and concurrency hold across every worker.

    Before a request leaves for the network it takes one of the host's slots in Redis
    (``CONCURRENT_REQUESTS_PER_DOMAIN`` at once, starts ``DOWNLOAD_DELAY`` apart, cluster-wide)
    and gives it back with the response or the failure; a slot of a killed worker expires after
    ``DOWNLOAD_TIMEOUT`` and a margin. Off (NotConfigured) unless ``GSSPIDER_REDIS`` is set.
    Placed last before the downloader, so requests answered from the store never take a slot.
    """

    META = "gsspider_slot"

    def __init__(self, crawler) -> None:
        s = crawler.settings
        self.server = connect(s.get("GSSPIDER_REDIS", defaults.GSSPIDER_REDIS))
        self.keys = keys_of(s)
        self.concurrency = max(1, s.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.delay_ms = int(1000 * s.getfloat("DOWNLOAD_DELAY"))
        self.hold_ms = int(1000 * (s.getfloat("DOWNLOAD_TIMEOUT") + 30))
        self.stats = crawler.stats
        self.holder = worker_id()
        self.counter = 0
        self._acquire = self.server.register_script(_ACQUIRE)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("GSSPIDER_REDIS", defaults.GSSPIDER_REDIS):
            raise NotConfigured("not a distributed crawl (GSSPIDER_REDIS is empty)")
        return cls(crawler)

    async def process_request(self, request: Request, spider=None):
        host = host_port(request.url)
        self.counter += 1
        holder = f"{self.holder}#{self.counter}"
        keys = [self.keys.slot(host), self.keys.slot_next(host), self.keys.politeness_max]
        waited = 0.0
        while True:
            wait_ms = int(
                self._acquire(keys=keys, args=[holder, self.concurrency, self.delay_ms, self.hold_ms, host])
            )
            if wait_ms <= 0:
                break
            seconds = min(wait_ms, 1000) / 1000
            waited += seconds
            await _sleep(seconds)
        if waited:
            self.stats.inc_value("gsspider/distributed/slot_waits")
        request.meta[self.META] = (host, holder)
        # The host's delay and concurrency were just applied, across workers: the worker's own
        # download slot adds none of its own.
        request.meta["download_slot"] = WORKER_SLOT
        request.meta["autothrottle_dont_adjust_delay"] = True
        return None

    def _release(self, request: Request) -> None:
        taken = request.meta.pop(self.META, None)
        if taken is not None:
            host, holder = taken
            self.server.zrem(self.keys.slot(host), holder)

    def process_response(self, request: Request, response: Response, spider=None):
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception, spider=None):
        self._release(request)
        return None


def politeness_max(server: redis.Redis, keys: Keys) -> dict[str, int]:
    """The most concurrent requests each host had across all workers."""
    return {
        (k.decode() if isinstance(k, bytes) else k): int(v)
        for k, v in server.hgetall(keys.politeness_max).items()
    }
