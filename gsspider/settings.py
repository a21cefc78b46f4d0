"""Scrapy settings for gsspider. Every ``GSSPIDER_*`` setting is documented in docs/settings.md.

Politeness first (robots.txt obeyed, a delay and per-site concurrency: see docs/settings.md for
the values and why they differ from Scrapy's defaults); override them per run with ``-s NAME=VALUE``
or, from the ``gsspider`` command, with its options.
"""

BOT_NAME = "gsspider"
SPIDER_MODULES = ["gsspider.spiders"]
NEWSPIDER_MODULE = "gsspider.spiders"

USER_AGENT = "gsspider/0.1 (+https://example.invalid/gsspider; government disclosure report research)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
# A spider's own 404/500 responses are recorded (pages, crawl_errors), so let them through.
HTTPERROR_ALLOW_ALL = False

DOWNLOADER_MIDDLEWARES = {
    "gsspider.middlewares.SiteScopeMiddleware": 50,
    "gsspider.middlewares.RedirectLoopMiddleware": 650,
    # Conditional requests, freshness, resume: after decompression (590), before retries (550).
    "gsspider.recrawl.RecrawlMiddleware": 580,
    # A distributed crawl's per-site delay and concurrency, shared by all workers (off without GSSPIDER_REDIS).
    "gsspider.distributed.SiteSlotMiddleware": 950,
    # The WARC archive: next to the downloader, so it keeps the bytes as sent (before decompression at 590).
    "gsspider.archive.ArchiveMiddleware": 899,
    # Replay (GSSPIDER_FROM_WARC): answers from the archive, after the writer so it writes nothing.
    "gsspider.replay.ReplayMiddleware": 990,
}
SPIDER_MIDDLEWARES = {
    "gsspider.season.SeasonMiddleware": 550,  # --year / --since (off unless set)
    # Outermost of the project's: a callback's exception becomes a crawl_errors row.
    "gsspider.middlewares.CallbackErrorMiddleware": 40,
}
ITEM_PIPELINES = {
    "gsspider.pipelines.SQLitePipeline": 300,
}
EXTENSIONS = {
    "gsspider.extensions.CrawlProgress": 500,
}

# --- gsspider ------------------------------------------------------------------
#: SQLite database the pipeline writes to.
GSSPIDER_DB = "data/gsspider.db"
#: Store into SQLite at all (False: items only go to feeds / other pipelines).
GSSPIDER_SQLITE_ENABLED = True
#: Most requests one site may take in one crawl (home, navigation, lists, reports).
GSSPIDER_SITE_BUDGET = 2000
#: Most navigation pages (not list pages, not reports) a site may take while searching for its 年报 column.
GSSPIDER_NAV_BUDGET = 40
#: Deepest navigation hop from a home page before list pages are reached.
GSSPIDER_MAX_NAV_DEPTH = 4
#: Hosts (host or host:port) that may be requested although they are private or loopback
#: addresses; seeds on such hosts add themselves. Off-site links never reach these.
GSSPIDER_ALLOW_PRIVATE_HOSTS: list[str] = []
#: Seconds between progress lines on stderr (0: off).
GSSPIDER_PROGRESS_INTERVAL = 10.0
#: Largest attachment (PDF/DOC/DOCX/WPS/XLS) downloaded, in bytes; a bigger one is a ``too_large`` crawl error.
GSSPIDER_ATTACHMENT_MAXSIZE = 32 * 1024 * 1024
#: Most API requests (Hanweb dataproxy, TRS JSON, gkmlpt) one list page may ask for.
GSSPIDER_MAX_API_REQUESTS = 200
#: Rendering through the system Chromium (scrapy-playwright) for registry sites marked ``render``:
#: "auto" turns it on when a site of the crawl needs it, "off" never.
GSSPIDER_BROWSER = "auto"
#: Set by crawl set-up when a site needs a browser that cannot be had (the reason); read by the spider.
GSSPIDER_RENDER_UNAVAILABLE = ""
#: Site registry CSV used when a crawl names no URLs.
GSSPIDER_SITES = "data/sites.csv"
#: Re-crawls: days a stored report page counts as fresh (not requested again); a registry
#: ``freshness_days`` overrides it per site; 0 revalidates every report on every crawl.
GSSPIDER_FRESHNESS_DAYS = 30.0
#: Send If-None-Match / If-Modified-Since for stored pages (304: answered from the store).
GSSPIDER_CONDITIONAL_REQUESTS = True
#: Largest page body kept (zlib) to answer a 304 of a navigation or list page, in bytes.
GSSPIDER_STORE_BODY_MAX = 2 * 1024 * 1024
#: Continue the newest unfinished crawl of GSSPIDER_DB (``gsspider crawl --resume``).
GSSPIDER_RESUME = False
#: Report season: only reports on this year (``--year``); 0 or None: every year.
GSSPIDER_SEASON_YEAR = None
#: Only entries published on or after this date, YYYY-MM-DD (``--since``); None: no limit.
GSSPIDER_SINCE = None
#: Distributed crawl (``gsspider crawl --redis`` / ``gsspider worker --redis``): the Redis URL of
#: the shared frontier, duplicate filter and per-site state; "" crawls in this process alone.
GSSPIDER_REDIS = ""
#: "seed" (put the sites into the shared frontier, then stop) or "worker" (crawl from it); set by the commands.
GSSPIDER_REDIS_ROLE = "worker"
#: Prefix of every Redis key of a distributed crawl (two crawls on one Redis need two prefixes).
GSSPIDER_REDIS_PREFIX = "gsspider"
#: Seconds a worker's in-flight request stays leased without renewal; a killed worker's requests
#: go back to the frontier after this long (renewed every third of it while they run).
GSSPIDER_REDIS_LEASE = 60.0
#: Keep a WARC archive of every response (request + response records, gzip per record).
GSSPIDER_WARC = True
#: Directory of the WARC files; "" is ``warc/`` beside GSSPIDER_DB.
GSSPIDER_WARC_DIR = ""
#: A WARC file is closed and the next one started once it is this big, in bytes.
GSSPIDER_WARC_MAXSIZE = 256 * 1024 * 1024
#: Crawl from this WARC archive directory instead of the network (``gsspider crawl --from-warc``);
#: "" crawls the network.
GSSPIDER_FROM_WARC = ""
