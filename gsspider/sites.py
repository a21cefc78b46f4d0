"""The site registry (``data/sites.csv``): portals to crawl, with per-site hints as data."""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

REGISTRY_FIELDS = ("url", "name", "family", "budget", "freshness_days", "render", "domains", "notes")
logger = logging.getLogger(__name__)

#: List-family hints the list readers know.
KNOWN_FAMILIES = ("trs", "paged", "hanweb", "trs_api", "gkmlpt")


@dataclass
class SiteEntry:
    url: str
    name: str = ""
    family: str = ""  # list-family hint: trs | hanweb | trs_api | gkmlpt | paged
    budget: int | None = None  # request budget for this site
    freshness_days: float | None = None  # report pages re-fetched after this many days
    render: bool = False  # needs a real browser
    domains: list[str] = field(default_factory=list)  # further hosts that belong to the portal
    notes: str = ""

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc.lower()


def normalise_url(url: str) -> str:
    url = url.strip()
    if not url:
        raise ValueError("empty URL")
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return url if parts.path else url + "/"


def load_registry(
    path: str | Path, *, strict: bool = False, problems: list[str] | None = None
) -> list[SiteEntry]:
    """The registry's portals. A bad row (not a URL, a budget that is not a number) is skipped with
    a warning, so one typo among thousands of portals does not stop a crawl; ``strict`` raises
    ``ValueError`` instead (for commands that rewrite the file)."""
    path = Path(path)
    if not path.exists():
        return []
    entries = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), start=2):
            url = (row.get("url") or "").strip()
            if not url or url.startswith("#"):
                continue
            try:
                entries.append(entry_from_row(row))
            except ValueError as exc:
                message = f"{path}:{lineno}: {exc}"
                if strict:
                    raise ValueError(message) from exc
                logger.warning("site registry: skipped %s", message)
                if problems is not None:
                    problems.append(message)
    return entries


def entry_from_row(row: dict[str, str]) -> SiteEntry:
    def num(name: str, cast=float):
        value = (row.get(name) or "").strip()
        if not value:
            return None
        try:
            return cast(value)
        except ValueError as exc:
            raise ValueError(f"{name} must be a number, not {value!r}") from exc

    return SiteEntry(
        url=normalise_url(row["url"]),
        name=(row.get("name") or "").strip(),
        family=(row.get("family") or "").strip(),
        budget=num("budget", int),
        freshness_days=num("freshness_days"),
        render=(row.get("render") or "").strip().lower() in ("1", "true", "yes", "y"),
        domains=[d.strip().lower() for d in (row.get("domains") or "").split(";") if d.strip()],
        notes=(row.get("notes") or "").strip(),
    )


def save_registry(path: str | Path, entries: list[SiteEntry]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=REGISTRY_FIELDS)
        writer.writeheader()
        for e in entries:
            row = {f.name: getattr(e, f.name) for f in fields(e)}
            row["domains"] = ";".join(e.domains)
            row["render"] = "1" if e.render else ""
            row["budget"] = "" if e.budget is None else e.budget
            row["freshness_days"] = "" if e.freshness_days is None else e.freshness_days
            writer.writerow(row)


def check_registry(path: str | Path) -> tuple[list[str], int]:
    """Every problem of a registry (bad rows, duplicate portals, unknown hints), and its row count.
    Reads the whole file even when rows are bad; thousands of rows take milliseconds."""
    path = Path(path)
    problems: list[str] = []
    if not path.exists():
        return [f"{path}: no such registry"], 0
    seen: dict[str, int] = {}
    count = 0
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [f for f in ("url",) if f not in (reader.fieldnames or [])]
        if missing:
            return [f"{path}: no 'url' column (columns: {', '.join(REGISTRY_FIELDS)})"], 0
        unknown = [f for f in reader.fieldnames or [] if f not in REGISTRY_FIELDS]
        if unknown:
            problems.append(f"{path}: unknown columns {', '.join(unknown)}")
        for lineno, row in enumerate(reader, start=2):
            url = (row.get("url") or "").strip()
            if not url or url.startswith("#"):
                continue
            count += 1
            try:
                entry = entry_from_row(row)
            except ValueError as exc:
                problems.append(f"line {lineno}: {exc}")
                continue
            key = entry.host
            if key in seen:
                problems.append(f"line {lineno}: duplicate of line {seen[key]}: {entry.url}")
            else:
                seen[key] = lineno
            if entry.family and entry.family not in KNOWN_FAMILIES:
                problems.append(f"line {lineno}: unknown family {entry.family!r}: {entry.url}")
            if entry.budget is not None and entry.budget <= 0:
                problems.append(f"line {lineno}: budget must be positive: {entry.url}")
            if entry.freshness_days is not None and entry.freshness_days < 0:
                problems.append(f"line {lineno}: freshness_days must be 0 or more: {entry.url}")
            render = (row.get("render") or "").strip().lower()
            if render not in ("", "0", "1", "true", "false", "yes", "no", "y", "n"):
                problems.append(f"line {lineno}: render must be 1 or empty, not {render!r}: {entry.url}")
    return problems, count
