"""The SQLite store (sqlite-utils): schema as recorded migrations, upserts on stable keys.

Every number in ``cells`` traces back through ``reports`` (url, fetched_at, content_hash) to the
``pages`` row of the fetch that produced it. Re-running a crawl updates rows; it never adds
duplicates. WAL mode keeps the database readable while a crawl writes.
"""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from parsers.constants import TABLE3_ROWS
from parsers.records import Report
from parsers.values import clean_cell

migrations = Migrations("gsspider")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("sites").create(
        {
            "url": str,
            "name": str,
            "family": str,
            "status": str,
            "reason": str,
            "last_crawled": str,
            "pages": int,
            "reports": int,
            "errors": int,
        },
        pk="url",
        if_not_exists=True,
    )
    db.table("pages").create(
        {
            "url": str,
            "site": str,
            "status": int,
            "fetched_at": str,
            "bytes": int,
            "content_hash": str,
            "content_type": str,
            "kind": str,
            "etag": str,
            "last_modified": str,
            "final_url": str,
            "referer": str,
        },
        pk="url",
        if_not_exists=True,
    )
    db.table("reports").create(
        {
            "url": str,
            "site": str,
            "title": str,
            "report_year": int,
            "publisher": str,
            "region": str,
            "region_code": str,
            "level": str,
            "template": str,
            "templates": str,
            "index_number": str,
            "issuing_body": str,
            "written_date": str,
            "published_date": str,
            "document_number": str,
            "text": str,
            "sections": str,
            "metadata": str,
            "flags": str,
            "checks_failed": int,
            "is_report": int,
            "content_hash": str,
            "fetched_at": str,
            "parser_version": str,
            "source_form": str,
            "encoding": str,
            "attachment_of": str,
        },
        pk="url",
        if_not_exists=True,
    )
    db.table("cells").create(
        {
            "report_url": str,
            "table_name": str,
            "row_key": str,
            "column_key": str,
            "value": float,
            "raw": str,
            "unit": str,
            "note": str,
        },
        pk=("report_url", "table_name", "row_key", "column_key"),
        if_not_exists=True,
    )
    db.table("checks").create(
        {
            "report_url": str,
            "name": str,
            "scope": str,
            "expected": float,
            "actual": float,
            "passed": int,
            "detail": str,
        },
        pk=("report_url", "name", "scope"),
        if_not_exists=True,
    )
    db.table("crawl_errors").create(
        {
            "url": str,
            "site": str,
            "error": str,
            "message": str,
            "status": int,
            "first_seen": str,
            "last_seen": str,
            "count": int,
        },
        pk=("url", "error"),
        if_not_exists=True,
    )
    # trigram: Chinese has no spaces, so word tokenizers see a whole sentence as one token.
    db.table("reports").enable_fts(
        ["title", "publisher", "text"], create_triggers=True, replace=True, tokenize="trigram"
    )
    db.table("reports").create_index(["site"], if_not_exists=True)
    db.table("reports").create_index(["report_year"], if_not_exists=True)
    db.table("pages").create_index(["site"], if_not_exists=True)


@migrations()
def m002_recrawl(db: sqlite_utils.Database) -> None:
    """Re-crawls (stored bodies of nav/list pages, validation times), report versions, crawls."""
    pages = db.table("pages")
    for name, kind in (("body", bytes), ("crawl_id", int), ("validated_at", str)):
        if name not in pages.columns_dict:
            pages.add_column(name, kind)
    if "version" not in db.table("reports").columns_dict:
        db.table("reports").add_column("version", int)
    db.table("report_versions").create(
        {
            "id": int,
            "report_url": str,
            "version": int,  # the superseded version's number (1 = first stored)
            "content_hash": str,  # of the superseded body
            "fetched_at": str,  # when the superseded body was fetched
            "superseded_at": str,  # when the new body was fetched
            "new_content_hash": str,
            "changed_fields": str,  # JSON list of report fields that differ
            "changed_cells": str,  # JSON list of {table, row, column, old, new}
            "old_cells": str,  # JSON list of the superseded cells
            "old_report": str,  # JSON of the superseded reports row
        },
        pk="id",
        if_not_exists=True,
    )
    db.table("report_versions").create_index(["report_url"], if_not_exists=True)
    db.table("crawls").create(
        {"id": int, "started": str, "finished": str, "status": str, "args": str, "resumed": int},
        pk="id",
        if_not_exists=True,
    )
    db.table("pages").create_index(["crawl_id"], if_not_exists=True)


@migrations()
def m003_report_editions(db: sqlite_utils.Database) -> None:
    """A body that re-publishes a corrected report at a new URL: both are reports of the same
    publisher and year on the same site; the view numbers them in publication order."""
    db.execute("DROP VIEW IF EXISTS report_editions")
    db.execute(
        """CREATE VIEW report_editions AS
        SELECT site, publisher, report_year,
               row_number() OVER w AS edition,
               count(*) OVER (PARTITION BY site, publisher, report_year) AS editions,
               url, title, published_date, fetched_at, content_hash, version
        FROM reports
        WHERE is_report = 1 AND publisher IS NOT NULL AND report_year IS NOT NULL
          AND (site, publisher, report_year) IN (
              SELECT site, publisher, report_year FROM reports WHERE is_report = 1
              GROUP BY site, publisher, report_year HAVING count(*) > 1)
        WINDOW w AS (PARTITION BY site, publisher, report_year
                     ORDER BY coalesce(published_date, fetched_at), fetched_at, url)"""
    )


@migrations()
def m004_site_hosts(db: sqlite_utils.Database) -> None:
    """The hosts each site was crawled on, and why each belongs to it (JSON list: host, reason —
    seed / registry / registrable domain / relocation / navigation link — and for a navigation
    link the page, its label and the admitted path)."""
    if "hosts" not in db.table("sites").columns_dict:
        db.table("sites").add_column("hosts", str)


@migrations()
def m006_bodies(db: sqlite_utils.Database) -> None:
    """Issue 13: one identity per reporting body across years (``bodies``; ``body_aliases`` joins a
    renamed body by hand), what is derived per report (its body, the late mark, the share of its
    narrative repeated from the body's previous report, cross-year check failures), the other
    report of a cross-year check, and the stored coverage matrix (gsspider.research.refresh)."""
    db.table("bodies").create(
        {
            "id": int,
            "key": str,  # gsspider.bodies.normalise_name of the name, or site:<url>
            "name": str,
            "names": str,  # every spelling its reports used, joined by ；
            "region": str,
            "region_code": str,  # the administrative division code, where known
            "level": str,
            "site": str,
            "first_year": int,
            "last_year": int,
            "reports": int,
        },
        pk="id",
        if_not_exists=True,
    )
    db.table("bodies").create_index(["key"], unique=True, if_not_exists=True)
    db.table("body_aliases").create(
        {"alias_key": str, "alias": str, "body_key": str, "note": str}, pk="alias_key", if_not_exists=True
    )
    reports = db.table("reports")
    for name, kind in (
        ("body_id", int),
        ("late", int),
        ("narrative_repeat", float),
        ("narrative_previous", str),
        ("cross_year_failed", int),
        ("flag_codes", str),  # JSON list of the flags' codes (a facet in Datasette)
    ):
        if name not in reports.columns_dict:
            reports.add_column(name, kind)
    reports.create_index(["body_id"], if_not_exists=True)
    checks = db.table("checks")
    for name in ("column_key", "other_report_url"):
        if name not in checks.columns_dict:
            checks.add_column(name, str)
    db.table("coverage").create(
        {"body_id": int, "year": int, "status": str, "report_url": str, "published_date": str, "detail": str},
        pk=("body_id", "year"),
        if_not_exists=True,
    )


@migrations()
def m007_value_types(db: sqlite_utils.Database) -> None:
    """Issue 13: counts are INTEGER (they were REAL: ``2.0``). A column of INTEGER affinity keeps a
    fraction (收费金额 12.5 万元) as REAL, NULL as NULL and text as text; ``cells.mark`` says what a
    cell without a value held: ``blank`` or ``not_applicable`` (不适用, /)."""
    db.table("cells").transform(types={"value": int})
    db.table("checks").transform(types={"expected": int, "actual": int})
    if "mark" not in db.table("cells").columns_dict:
        db.table("cells").add_column("mark", str)
    db.execute(
        "UPDATE cells SET mark = CASE WHEN trim(raw) IN ('不适用', '不涉及', '/', '／', '\\')"
        " THEN 'not_applicable' ELSE 'blank' END WHERE value IS NULL AND raw IS NOT NULL"
    )


@migrations()
def m008_archive(db: sqlite_utils.Database) -> None:
    """Issue 12: each page's WARC record (file in the archive directory, offset and length of its
    gzip member, payload digest); see gsspider/archive.py."""
    pages = db.table("pages")
    for name, kind in (("warc_file", str), ("warc_offset", int), ("warc_length", int), ("warc_digest", str)):
        if name not in pages.columns_dict:
            pages.add_column(name, kind)
    # Why a version was superseded: re-fetch (the page's bytes changed) or re-parse (a newer parser
    # read the same bytes differently); NULL for versions kept before this column.
    versions = db.table("report_versions")
    if versions.exists() and "reason" not in versions.columns_dict:
        versions.add_column("reason", str)


#: ``report_versions.reason`` of a version superseded by a newer parser reading the same bytes.
REASON_REPARSE = "re-parse"

#: Fields compared between versions of a report (not bookkeeping like fetched_at or the hash).
VERSION_FIELDS = (
    "title",
    "report_year",
    "publisher",
    "region",
    "level",
    "template",
    "index_number",
    "issuing_body",
    "written_date",
    "published_date",
    "document_number",
    "text",
    "sections",
    "flags",
    "checks_failed",
    "is_report",
    "source_form",
    "encoding",
    "attachment_of",
)
#: Page bodies bigger than this are not kept for 304 answers (they are fetched again instead).
BODY_MAX = 2 * 1024 * 1024


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def open_db(path: str | Path) -> sqlite_utils.Database:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=10000")
    migrations.apply(db)
    return db


def report_row(
    report: Report, *, url: str, site: str, fetched_at: str, attachment_of: str | None = None
) -> dict[str, Any]:
    md = report.metadata
    return {
        "url": url,
        "site": site,
        "title": report.title,
        "report_year": report.report_year,
        "publisher": report.publisher,
        "region": report.region,
        "region_code": report.region_code,
        "level": report.level,
        "template": report.template,
        "templates": json.dumps(report.templates, ensure_ascii=False),
        "index_number": md.index_number,
        "issuing_body": md.publisher,
        "written_date": md.written_date,
        "published_date": md.published_date,
        "document_number": md.document_number,
        "text": report.text,
        "sections": json.dumps([vars(s) for s in report.sections], ensure_ascii=False),
        "metadata": json.dumps(vars(md), ensure_ascii=False, default=str),
        "flags": json.dumps([vars(f) for f in report.flags], ensure_ascii=False),
        "checks_failed": sum(1 for c in report.checks if c.passed is False),
        "is_report": int(report.is_report),
        "content_hash": report.content_hash,
        "fetched_at": fetched_at,
        "parser_version": report.parser_version,
        "source_form": report.source_form,
        "encoding": report.encoding,
        "attachment_of": attachment_of,
    }


#: What a cell printed instead of a value when the question does not apply (不适用): kept apart from
#: a blank cell (``cells.mark``), and both apart from 0.
NOT_APPLICABLE_MARKS = frozenset({"不适用", "不涉及", "/", "／", "\\"})


def cell_mark(value: Any, raw: str | None) -> str | None:
    """``cells.mark``: None for a value, ``not_applicable`` for 不适用 or /, ``blank`` otherwise."""
    if value is not None or raw is None:
        return None
    return "not_applicable" if clean_cell(raw) in NOT_APPLICABLE_MARKS else "blank"


def cell_rows(report: Report, url: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    detail = {(c.table, c.row, c.column): c for c in report.cells}
    for row_key in TABLE3_ROWS:
        for col, value in report.table3.get(row_key, {}).items():
            c = detail.get(("table3", row_key, col))
            if value is None and c is None:
                continue
            rows.append(
                {
                    "report_url": url,
                    "table_name": "table3",
                    "row_key": row_key,
                    "column_key": col,
                    "value": value,
                    "raw": c.raw if c else None,
                    "unit": None,
                    "note": c.note
                    if c
                    else ("derived: sum of the three (六) rows" if row_key == "other" else None),
                }
            )
    for key, value in report.table4.items():
        c = detail.get(("table4", key, "value"))
        if value is None and c is None:
            continue
        rows.append(
            {
                "report_url": url,
                "table_name": "table4",
                "row_key": key,
                "column_key": "value",
                "value": value,
                "raw": c.raw if c else None,
                "unit": None,
                "note": c.note if c else None,
            }
        )
    seen: dict[tuple[str, str], int] = {}
    for fact in report.table2:
        col = fact.column or "?"
        n = seen.get((fact.row, col), 0)
        seen[(fact.row, col)] = n + 1
        rows.append(
            {
                "report_url": url,
                "table_name": "table2",
                "row_key": fact.row,
                "column_key": col if n == 0 else f"{col}#{n + 1}",
                "value": fact.value,
                "raw": fact.raw,
                "unit": fact.unit,
                "note": fact.item,
            }
        )
    for row in rows:
        row["mark"] = cell_mark(row["value"], row["raw"])
    return rows


def check_rows(report: Report, url: str) -> list[dict[str, Any]]:
    return [
        {
            "report_url": url,
            "name": c.name,
            "scope": c.scope,
            "expected": c.expected,
            "actual": c.actual,
            "passed": None if c.passed is None else int(c.passed),
            "detail": c.detail,
        }
        for c in report.checks
    ]


def store_report(
    db: sqlite_utils.Database,
    report: Report,
    *,
    url: str,
    site: str,
    fetched_at: str,
    attachment_of: str | None = None,
    reason: str | None = None,
) -> None:
    """Replace everything stored for ``url`` with this parse, in ONE transaction (report row,
    cells, checks, and the superseded version when the body changed): a crawl killed at any moment
    leaves either the old report or the new one, never a mix.

    A body whose hash differs from the stored one keeps the stored report as a row of
    ``report_versions`` (its hash, fetch time, cells, and what changed) when the report itself
    changed (a field of :data:`VERSION_FIELDS` or a cell); a body whose bytes changed but whose
    report did not (a visit counter, a CSRF token) only updates the row in place: same version,
    new hash and fetch time.

    ``reason`` ``"re-parse"``: the same bytes read again by a newer parser (``gsspider reparse``, a
    re-crawl of a report stored by an older parser); a report whose values change keeps its
    previous values as a version with that reason."""
    row = report_row(report, url=url, site=site, fetched_at=fetched_at, attachment_of=attachment_of)
    cells = cell_rows(report, url)
    checks = check_rows(report, url)
    with db.atomic():
        old = _one(db, "SELECT * FROM reports WHERE url = ?", [url])
        row["version"] = (old.get("version") or 1) if old else 1
        if (
            reason is None
            and old
            and old.get("content_hash") == row["content_hash"]
            and old.get("parser_version") != row["parser_version"]
        ):
            reason = REASON_REPARSE  # the same bytes, read by another parser (a re-crawl from the archive)
        if old and (old.get("content_hash") != row["content_hash"] or reason is not None):
            # Bytes change on every fetch of some pages (visit counters, CSRF tokens): only a
            # change of the report itself makes a new version; otherwise the row is updated in
            # place (hash, fetch time).
            change = _changes(db, old, row, cells)
            if change is not None:
                row["version"] += 1
                _keep_version(db, old, row, *change, reason=reason or "re-fetch")
        db.table("reports").upsert(row, pk="url", alter=True)
        db.execute("DELETE FROM cells WHERE report_url = ?", [url])
        db.execute("DELETE FROM checks WHERE report_url = ?", [url])
        if cells:
            db.table("cells").insert_all(
                cells, pk=("report_url", "table_name", "row_key", "column_key"), replace=True
            )
        if checks:
            db.table("checks").insert_all(checks, pk=("report_url", "name", "scope"), replace=True)
        # The parse is stored: the raw body is no longer needed to answer a 304.
        db.execute("UPDATE pages SET body = NULL WHERE url = ? AND body IS NOT NULL", [url])


def _one(db: sqlite_utils.Database, sql: str, params: list[Any]) -> dict[str, Any] | None:
    cursor = db.execute(sql, params)
    found = cursor.fetchone()
    if found is None:
        return None
    return dict(zip([d[0] for d in cursor.description], found, strict=True))


def _changes(
    db: sqlite_utils.Database, old: dict[str, Any], new: dict[str, Any], new_cells: list[dict[str, Any]]
) -> tuple[list[str], list[dict[str, Any]], list[dict[str, Any]]] | None:
    """(changed fields, changed cells, the stored cells) between the stored report ``old`` and the
    new parse, or None when only bookkeeping (hash, fetch time, …) differs."""
    old_cells = [
        dict(r)
        for r in db.query(
            "SELECT table_name, row_key, column_key, value, raw FROM cells WHERE report_url = ?",
            [old["url"]],
        )
    ]

    def number(value: Any) -> Any:
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    before = {(c["table_name"], c["row_key"], c["column_key"]): number(c["value"]) for c in old_cells}
    after = {(c["table_name"], c["row_key"], c["column_key"]): number(c["value"]) for c in new_cells}
    changed_cells = [
        {"table": k[0], "row": k[1], "column": k[2], "old": before.get(k), "new": after.get(k)}
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    ]
    changed_fields = [f for f in VERSION_FIELDS if old.get(f) != new.get(f)]
    if not changed_fields and not changed_cells:
        return None
    if changed_cells:
        changed_fields.append("cells")
    return changed_fields, changed_cells, old_cells


def _keep_version(
    db: sqlite_utils.Database,
    old: dict[str, Any],
    new: dict[str, Any],
    changed_fields: list[str],
    changed_cells: list[dict[str, Any]],
    old_cells: list[dict[str, Any]],
    *,
    reason: str,
) -> None:
    url = old["url"]
    db.table("report_versions").insert(
        {
            "report_url": url,
            "version": old.get("version") or 1,
            "content_hash": old.get("content_hash"),
            "fetched_at": old.get("fetched_at"),
            "superseded_at": now() if reason == REASON_REPARSE else new.get("fetched_at"),
            "new_content_hash": new.get("content_hash"),
            "changed_fields": json.dumps(changed_fields),
            "changed_cells": json.dumps(changed_cells, ensure_ascii=False),
            "old_cells": json.dumps(old_cells, ensure_ascii=False),
            "old_report": json.dumps(old, ensure_ascii=False, default=str),
            "reason": reason,
        },
        pk="id",
    )


def store_page(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    db.table("pages").upsert(row, pk="url", alter=True)


def store_error(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    key = [row["url"], row["error"]]
    existing = db.execute("SELECT count FROM crawl_errors WHERE url = ? AND error = ?", key).fetchone()
    if existing:
        db.execute(
            "UPDATE crawl_errors SET last_seen = ?, message = ?, status = ?, count = count + 1 WHERE url = ? AND error = ?",
            [row["at"], row["message"], row.get("status"), *key],
        )
    else:
        db.table("crawl_errors").insert(
            {
                "url": row["url"],
                "site": row["site"],
                "error": row["error"],
                "message": row["message"],
                "status": row.get("status"),
                "first_seen": row["at"],
                "last_seen": row["at"],
                "count": 1,
            }
        )


def store_site(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    db.table("sites").upsert(row, pk="url", alter=True)


# --- re-crawls and resumes ----------------------------------------------------------------


def compress(body: bytes) -> bytes:
    return zlib.compress(body, 6)


def decompress(blob: bytes | None) -> bytes | None:
    if blob is None:
        return None
    try:
        return zlib.decompress(blob)
    except zlib.error:
        return None


def stored_page(db: sqlite_utils.Database, url: str) -> dict[str, Any] | None:
    """What is stored for ``url``: its pages row and, when a report was stored from it, that
    report's hash (``report_hash``) and whether it read as a report (``report_is_report``: 1, or 0
    for a listed document stored unreadable)."""
    return _one(
        db,
        "SELECT p.url, p.status, p.content_hash, p.content_type, p.etag, p.last_modified, p.final_url,"
        " p.fetched_at, p.validated_at, p.crawl_id, p.kind, p.body, r.content_hash AS report_hash,"
        " p.warc_file, p.warc_offset, p.warc_length, p.warc_digest, r.parser_version AS report_parser_version,"
        " r.is_report AS report_is_report"
        " FROM pages p LEFT JOIN reports r ON r.url = coalesce(p.final_url, p.url) WHERE p.url = ?",
        [url],
    )


def mark_page(db: sqlite_utils.Database, url: str, **fields: Any) -> None:
    """Insert or update a pages row with these columns only (one statement, committed)."""
    fields["url"] = url
    names = list(fields)
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != "url")
    db.execute(
        f"INSERT INTO pages ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        f" ON CONFLICT(url) DO UPDATE SET {updates}",
        [fields[n] for n in names],
    )


def start_crawl(db: sqlite_utils.Database, args: dict[str, Any]) -> int:
    with db.atomic():
        db.table("crawls").insert(
            {
                "started": now(),
                "status": "running",
                "args": json.dumps(args, ensure_ascii=False),
                "resumed": 0,
            },
            pk="id",
        )
        return int(db.execute("SELECT max(id) FROM crawls").fetchone()[0])


def unfinished_crawl(db: sqlite_utils.Database) -> dict[str, Any] | None:
    """The newest crawl that did not finish (killed, interrupted), with its args decoded."""
    if not db.table("crawls").exists():
        return None
    row = _one(db, "SELECT * FROM crawls WHERE finished IS NULL ORDER BY id DESC LIMIT 1", [])
    if row is not None:
        try:
            row["args"] = json.loads(row.get("args") or "{}")
        except ValueError:
            row["args"] = {}
    return row


def resume_crawl(db: sqlite_utils.Database, crawl_id: int) -> None:
    db.execute(
        "UPDATE crawls SET status = 'running', resumed = coalesce(resumed, 0) + 1 WHERE id = ?", [crawl_id]
    )


def finish_crawl(db: sqlite_utils.Database, crawl_id: int, reason: str) -> None:
    """A crawl that ended by itself is finished; an interrupted one stays resumable."""
    if reason == "finished":
        db.execute("UPDATE crawls SET finished = ?, status = 'finished' WHERE id = ?", [now(), crawl_id])
    else:
        db.execute("UPDATE crawls SET status = ? WHERE id = ?", [reason, crawl_id])
