"""Reporting bodies: one stable identity per body across years (the ``bodies`` table).

A body is keyed by its normalised name (:func:`normalise_name`: half-width, Simplified, no spaces
or punctuation, no leading 中共 / trailing brackets), so the same 财政局 reporting in 2019 and 2024
is one body whatever its report pages print around the name. A body that renamed itself (机构改革:
卫生和计划生育委员会 → 卫生健康委员会) is joined by hand through ``body_aliases`` (alias key → the
body it is one with): :func:`add_alias`, ``gsspider bodies alias OLD NEW``.

A report with no publisher is the body of its site (key ``site:<url>``), named after the site; a
site that was crawled but gave no report (blocked, nothing found) also has that body, so coverage
has a row for it. Region and level come from the body's reports (the most frequent value); the
division code (``region_code``) is kept where the reports give one — the parser reads none from the
page today, so it is NULL unless it is set by hand (``gsspider bodies set-code``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from typing import Any

import sqlite_utils

from parsers.identity import level_of, publisher_from_title, region_of, year_in_title
from parsers.text import to_simplified

_STRIP_RE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff·•,，.。、:：;；\"'“”‘’<>《》〈〉\-－—_|｜/／]+")
_BRACKET_TAIL_RE = re.compile(r"[（(][^（）()]*[）)]$")
SITE_KEY_PREFIX = "site:"


def normalise_name(name: str | None) -> str:
    """The key form of a body's name: '中共 临白县 教育局（本级）' → '临白县教育局'."""
    if not name:
        return ""
    s = to_simplified(unicodedata.normalize("NFKC", name))
    s = _STRIP_RE.sub("", s)
    s = _BRACKET_TAIL_RE.sub("", s)
    s = re.sub(r"^(中国共产党|中共)", "", s)
    return s


def site_key(site_url: str) -> str:
    return SITE_KEY_PREFIX + site_url


def body_key(publisher: str | None, site: str | None) -> str:
    key = normalise_name(publisher)
    return key if key else site_key(site or "")


def body_of_unread(title: str | None) -> str | None:
    """The body an unreadable listed report names in its title ('临白县教育局2023年…' → 临白县教育局)."""
    return publisher_from_title(title or "") if title else None


def year_of(row: dict[str, Any]) -> int | None:
    """A stored report's year: its own, or the one its title names (an unreadable report)."""
    if row.get("report_year"):
        return int(row["report_year"])
    return year_in_title(row.get("title"))


def aliases(db: sqlite_utils.Database) -> dict[str, str]:
    if not db.table("body_aliases").exists():
        return {}
    return {r["alias_key"]: r["body_key"] for r in db.query("SELECT alias_key, body_key FROM body_aliases")}


def add_alias(db: sqlite_utils.Database, alias: str, body: str, note: str = "") -> tuple[str, str]:
    """Join the body named ``alias`` (an earlier or later name) to the body named ``body``."""
    alias_key, target = normalise_name(alias), normalise_name(body)
    if not alias_key or not target or alias_key == target:
        raise ValueError("an alias joins two different, non-empty names")
    known = aliases(db)
    target = known.get(target, target)
    db.table("body_aliases").upsert(
        {"alias_key": alias_key, "alias": alias, "body_key": target, "note": note}, pk="alias_key"
    )
    # Aliases that pointed at the old name now point at the body it joins.
    db.execute("UPDATE body_aliases SET body_key = ? WHERE body_key = ?", [target, alias_key])
    return alias_key, target


def assign_bodies(db: sqlite_utils.Database) -> int:
    """(Re)build ``bodies`` from the reports and sites and point every report at its body.

    Body ids are stable: an existing body keeps its id (looked up by key); new bodies get new ids.
    Returns the number of bodies."""
    joined = aliases(db)
    reports = list(
        db.query(
            "SELECT url, site, title, publisher, region, region_code, level, report_year, is_report"
            " FROM reports"
        )
    )
    sites = {r["url"]: r for r in db.query("SELECT url, name, status FROM sites")}
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    report_body: dict[str, str] = {}
    for r in reports:
        publisher = r["publisher"] if r["is_report"] else (r["publisher"] or body_of_unread(r["title"]))
        key = body_key(publisher, r["site"])
        key = joined.get(key, key)
        members[key].append({**r, "publisher": publisher})
        report_body[r["url"]] = key
    for url in sites:
        if not any(m["site"] == url for ms in members.values() for m in ms):
            members.setdefault(site_key(url), [])
    existing = {r["key"]: r for r in db.query("SELECT * FROM bodies")}
    next_id = max((r["id"] for r in existing.values()), default=0) + 1
    rows = []
    for key, ms in sorted(members.items()):
        old = existing.get(key)
        if old is None:
            body_id, next_id = next_id, next_id + 1
        else:
            body_id = old["id"]
        rows.append(_body_row(body_id, key, ms, sites, old))
    with db.atomic():
        if rows:
            db.table("bodies").upsert_all(rows, pk="id")
        gone = set(existing) - set(members)
        for key in gone:
            db.execute("DELETE FROM bodies WHERE key = ?", [key])
        ids = {r["key"]: r["id"] for r in rows}
        db.conn.executemany(
            "UPDATE reports SET body_id = ? WHERE url = ?",
            [(ids[key], url) for url, key in report_body.items()],
        )
    return len(rows)


def _most(values: list[Any]) -> Any:
    found = Counter(v for v in values if v)
    return found.most_common(1)[0][0] if found else None


def _body_row(
    body_id: int,
    key: str,
    members: list[dict[str, Any]],
    sites: dict[str, dict[str, Any]],
    old: dict[str, Any] | None,
) -> dict[str, Any]:
    read = [m for m in members if m["is_report"]] or members
    names = Counter(m["publisher"] for m in read if m["publisher"])
    site = _most([m["site"] for m in read])
    if key.startswith(SITE_KEY_PREFIX):
        site = key[len(SITE_KEY_PREFIX) :]
        name = (sites.get(site) or {}).get("name") or site
    else:
        # the newest spelling names the body
        newest = sorted(
            (m for m in read if m["publisher"]), key=lambda m: m["report_year"] or 0, reverse=True
        )
        name = newest[0]["publisher"] if newest else names.most_common(1)[0][0]
    years = [y for y in (year_of(m) for m in members) if y]
    level = _most([m["level"] for m in read if m["level"] != "unknown"])
    if level is None and not key.startswith(SITE_KEY_PREFIX):
        level = level_of(name)
    return {
        "id": body_id,
        "key": key,
        "name": name,
        "names": "；".join(sorted(names)) or None,
        "region": _most([m["region"] for m in read]) or (None if site == name else region_of(name)),
        "region_code": (old or {}).get("region_code") or _most([m["region_code"] for m in read]),
        "level": level or "unknown",
        "site": site,
        "first_year": min(years) if years else None,
        "last_year": max(years) if years else None,
        "reports": sum(1 for m in members if m["is_report"]),
    }
