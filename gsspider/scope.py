"""What belongs to a portal: the crawl-wide book of sites and the hosts each one admitted.

A real portal is rarely one host. Its 信息公开 platform sits on a sibling host of the same
government (``www.hefei.gov.cn`` → ``zwgk.hefei.gov.cn``), on a city-wide platform shared by many
bodies (``zfxxgk.beijing.gov.cn/110094/…`` for one bureau, other unit paths for the others), or
on a new host the old one redirects to. A URL belongs to a site when

1. its host is the site's own (the seed's host, registry ``domains``, a relocation target);
2. or it is on a host a navigation link of the site's own pages led to — a link whose label names
   政务公开 / 信息公开 / 年报 — and under the linked path (and the linked unit's query parameters,
   ``unitid=…``), so a crawl of one body does not wander through a whole city's platform;
3. or its host is under the site's registrable domain (the public suffix list: ``gov.cn`` is a
   public suffix, so ``zwgk.hefei.gov.cn`` and ``www.hefei.gov.cn`` share ``hefei.gov.cn``), which
   a site claims when its seed is that domain's main host (``hefei.gov.cn`` or ``www.hefei.gov.cn``).
   A department's site on a city's domain (``gjj.beijing.gov.cn``) does not claim the city.

Everything else is refused before any connection, at every hop, redirects included
(:class:`gsspider.middlewares.SiteScopeMiddleware`). The rules are checked in that order, so the
most specific wins when two sites of one crawl share a domain.

:class:`SiteBook` is the one owner of per-site crawl state (:class:`SiteState`): the spider
creates it, and every component reaches it through :func:`book_of` (``crawler.spider``), never
through a spider argument (Scrapy ≥ 2.13 passes ``spider`` only to methods that require it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import tldextract

from gsspider.sites import SiteEntry
from gsspider.vocab import SITE_BLOCKED, SITE_NO_REPORTS, SITE_OK

__all__ = ["SITE_BLOCKED", "SITE_NO_REPORTS", "SITE_OK", "SiteBook", "SiteState", "book_of"]

# No network at run time: the suffix list bundled with tldextract, no cache directory.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

#: Labels of navigation links that may admit another host (rule 2 above).
ADMITTING_LABEL_RE = re.compile("政务公开|信息公开|年报|年度报告")
#: Query parameters that name a body's unit on a shared platform (``unitid``, ``depCode``, ``siteId``…).
_UNIT_PARAM_RE = re.compile(r"^(unit|dep|dept|org|organ|site|area|code)_?(id|code|no)?$", re.I)
#: Seed hosts that stand for their whole registrable domain.
_MAIN_SUBDOMAINS = ("", "www")

#: Suffixes under which a navigation link or a relocation may admit another host: Chinese
#: government sites are required to live under ``gov.cn`` (setting ``GSSPIDER_ADMIT_SUFFIXES``).
DEFAULT_ADMIT_SUFFIXES = ("gov.cn",)
#: Hosts never admitted by a link, whatever its label: the State Council's portal, which county
#: pages link to as "国务院信息公开" and which holds no county's reports.
NEVER_ADMIT = frozenset({"www.gov.cn", "gov.cn"})

ADMIT_SEED = "seed"
ADMIT_REGISTRY = "registry"
ADMIT_DOMAIN = "registrable domain"
ADMIT_RELOCATION = "relocation"
ADMIT_NAV_LINK = "navigation link"


def host_port(url: str) -> str:
    """The URL's ``host[:port]``, lower-case, without user info."""
    return urlsplit(url).netloc.lower().rsplit("@", 1)[-1]


def bare_host(host: str) -> str:
    """``host[:port]`` without the port (IPv6 literals keep their brackets)."""
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """``zwgk.hefei.gov.cn`` → ``hefei.gov.cn``; "" for IP addresses, ``localhost`` and bare suffixes."""
    name = bare_host(host.lower())
    if not name or name.startswith("["):
        return ""
    parts = _EXTRACT(name)
    return parts.top_domain_under_public_suffix if parts.suffix and parts.domain else ""


def claimed_domain(host: str) -> str:
    """The registrable domain a seed on ``host`` claims ("" when it claims only its own host)."""
    domain = registrable_domain(host)
    if not domain:
        return ""
    sub = bare_host(host.lower())[: -len(domain)].rstrip(".")
    return domain if sub in _MAIN_SUBDOMAINS else ""


@dataclass(frozen=True, slots=True)
class Admission:
    """Why a host (or a part of it) belongs to a site."""

    host: str
    reason: str  # one of the ADMIT_* names
    via: str = ""  # the page (or redirect) that admitted it
    label: str = ""  # the navigation link's label
    prefix: str = "/"  # path prefix admitted (rule 2); "/" for a whole host
    params: tuple[tuple[str, str], ...] = ()  # unit query parameters the URL must carry

    def covers(self, path: str, query: str) -> bool:
        if not path.startswith(self.prefix):
            return False
        if not self.params:
            return True
        have = set(parse_qsl(query, keep_blank_values=True))
        return all(p in have for p in self.params)

    def as_row(self) -> dict[str, Any]:
        row: dict[str, Any] = {"host": self.host, "reason": self.reason}
        if self.via:
            row["via"] = self.via
        if self.label:
            row["label"] = self.label
        if self.prefix != "/" or self.params:
            row["prefix"] = self.prefix
        if self.params:
            row["params"] = dict(self.params)
        return row


def link_admission(url: str, *, label: str, via: str) -> Admission:
    """The part of ``url``'s host a navigation link admits: its directory, and its unit parameters."""
    parts = urlsplit(url)
    path = parts.path or "/"
    prefix = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
    params = tuple(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if _UNIT_PARAM_RE.match(k))
    )
    return Admission(host_port(url), ADMIT_NAV_LINK, via=via, label=label, prefix=prefix, params=params)


@dataclass
class SiteState:
    """One portal's state in one crawl: its entry, its counters, its budget use, its hosts."""

    entry: SiteEntry
    requests: int = 0
    nav_pages: int = 0
    reports: int = 0
    errors: int = 0
    blocked: str | None = None
    waf_hits: int = 0  # WAF block pages seen on report/attachment URLs (see the spider's _block_site)
    hosts: set[str] = field(default_factory=set)  # whole hosts (seed, registry, relocation)
    domain: str = ""  # the registrable domain the seed claims, or ""
    admissions: list[Admission] = field(default_factory=list)  # every host admitted, and why
    extra_starts: list[str] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)  # hosts the crawl asked something of

    @property
    def url(self) -> str:
        return self.entry.url

    def status(self) -> str:
        return SITE_BLOCKED if self.blocked else (SITE_OK if self.reports else SITE_NO_REPORTS)

    def host_rows(self) -> list[dict[str, Any]]:
        """The ``sites.hosts`` column: every admission, and for a domain the hosts visited under it."""
        rows = []
        for admission in self.admissions:
            row = admission.as_row()
            if admission.host.startswith("*."):
                suffix = admission.host[1:]
                row["visited"] = sorted(h for h in self.visited if bare_host(h).endswith(suffix))
            rows.append(row)
        return rows


class SiteBook:
    """The crawl-wide book of sites: look-ups by URL, admissions, the seeds' own hosts."""

    #: The class of the book's site states (a distributed crawl keeps them in Redis:
    #: :class:`gsspider.distributed.RedisSiteBook`).
    state_class: type[SiteState] = SiteState

    def __init__(self, admit_suffixes: tuple[str, ...] = DEFAULT_ADMIT_SUFFIXES) -> None:
        #: Other hosts (rules 2 and relocations) are admitted only under these suffixes.
        self.admit_suffixes = tuple(s.strip(".").lower() for s in admit_suffixes if s.strip("."))
        self.sites: dict[str, SiteState] = {}
        self.seed_hosts: set[str] = set()  # hosts of the seeds themselves (private addresses allowed)
        self._by_host: dict[str, SiteState] = {}
        self._by_domain: dict[str, SiteState] = {}  # bare domains admitting their subdomains
        self._by_link: dict[str, list[tuple[Admission, SiteState]]] = {}

    def __len__(self) -> int:
        return len(self.sites)

    def __iter__(self):
        return iter(self.sites.values())

    def get(self, site_url: str | None) -> SiteState | None:
        return self.sites.get(site_url or "")

    def add(self, entry: SiteEntry) -> SiteState:
        state = self.state_class(entry)
        self.sites[entry.url] = state
        self.seed_hosts.add(entry.host)
        self._admit_host(state, Admission(entry.host, ADMIT_SEED, via=entry.url))
        for domain in entry.domains:  # registry hosts; one without a port admits its subdomains too
            self.seed_hosts.add(domain)
            self._admit_host(state, Admission(domain, ADMIT_REGISTRY))
            if ":" not in domain:
                self._by_domain.setdefault(domain, state)
        claimed = claimed_domain(entry.host)
        if claimed and claimed not in self._by_domain:
            state.domain = claimed
            self._by_domain[claimed] = state
            state.admissions.append(Admission("*." + claimed, ADMIT_DOMAIN, via=entry.url))
        return state

    def _admit_host(self, state: SiteState, admission: Admission) -> None:
        state.hosts.add(admission.host)
        if self._by_host.setdefault(admission.host, state) is state:
            state.admissions.append(admission)

    # --- look-ups ----------------------------------------------------------------
    def site_for(self, url: str) -> SiteState | None:
        """The site a URL belongs to, or None (most specific rule first: host, linked path, domain)."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        host = parts.netloc.lower().rsplit("@", 1)[-1]
        state = self._by_host.get(host)
        if state is not None:
            return state
        for admission, owner in self._by_link.get(host, ()):
            if admission.covers(parts.path or "/", parts.query):
                return owner
        if self._by_domain:
            labels = bare_host(host).split(".")
            for i in range(len(labels) - 1):
                state = self._by_domain.get(".".join(labels[i:]))
                if state is not None:
                    return state
        return None

    def allows(self, state: SiteState, url: str) -> bool:
        return self.site_for(url) is state

    def knows_host(self, url: str) -> bool:
        """Some site has this host or a part of it (its robots.txt may be asked for)."""
        host = host_port(url)
        return host in self._by_link or self.site_for(url) is not None

    def is_core(self, state: SiteState, url: str) -> bool:
        """The URL is on the site's own hosts or domain, not only on a path a link admitted."""
        host = host_port(url)
        if host in state.hosts:
            return True
        return self.site_for(url) is state and not any(a.host == host for a, _ in self._by_link.get(host, ()))

    # --- admissions --------------------------------------------------------------
    def admissible(self, url: str) -> bool:
        """A host a link or a relocation may admit: a named host under an admitted suffix."""
        host = bare_host(host_port(url))
        if not host or host in NEVER_ADMIT or not registrable_domain(host):
            return False
        return any(host == s or host.endswith("." + s) for s in self.admit_suffixes)

    def admit_link(self, state: SiteState, url: str, *, label: str, via: str) -> Admission | None:
        """Admit the part of another host that a labelled navigation link of ``state`` leads to.

        Only links on the site's own hosts admit (a page reached through an admission cannot
        admit further), only with a label naming 政务公开 / 信息公开 / 年报. Returns the new
        admission, or None when the link admits nothing.
        """
        if not ADMITTING_LABEL_RE.search(label or "") or not self.is_core(state, via):
            return None
        if not self.admissible(url) or self.site_for(url) is not None:
            return None  # already some site's (its own, or another portal's of this crawl)
        admission = link_admission(url, label=label, via=via)
        if not admission.host or admission.host in self.seed_hosts:
            return None
        self._by_link.setdefault(admission.host, []).append((admission, state))
        # Longest prefix first: the most specific admission answers site_for.
        self._by_link[admission.host].sort(key=lambda pair: -len(pair[0].prefix))
        state.admissions.append(admission)
        return admission

    def admit_relocation(self, state: SiteState, url: str, *, via: str) -> Admission | None:
        """The seed's own start page redirected to ``url``'s host: the portal moved there."""
        host = host_port(url)
        if not host or host in self._by_host or not self.admissible(url):
            return None
        admission = Admission(host, ADMIT_RELOCATION, via=via)
        self._admit_host(state, admission)
        claimed = claimed_domain(host)
        if claimed and claimed not in self._by_domain:
            self._by_domain[claimed] = state
            state.admissions.append(Admission("*." + claimed, ADMIT_DOMAIN, via=url))
        return admission


def book_of(crawler: Any) -> SiteBook | None:
    """The crawl's book of sites (None for a spider that keeps none)."""
    book = getattr(crawler.spider, "book", None) if crawler is not None else None
    return book if isinstance(book, SiteBook) else None
