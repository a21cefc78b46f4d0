"""The SQLite store (sqlite-utils): schema as recorded migrations, upserts on stable keys.

Every number in ``cells`` traces back through ``reports`` (url, fetched_at, content_hash) to the
``pages`` row of the fetch that produced it. Re-running a crawl updates rows; it never adds
duplicates. WAL mode keeps the database readable while a crawl writes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from parsers.constants import TABLE3_ROWS
from parsers.records import Report

migrations = Migrations("gsspider")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db["sites"].create(
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
    db["pages"].create(
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
    db["reports"].create(
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
    db["cells"].create(
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
    db["checks"].create(
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
    db["crawl_errors"].create(
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
    db["reports"].enable_fts(
        ["title", "publisher", "text"], create_triggers=True, replace=True, tokenize="trigram"
    )
    db["reports"].create_index(["site"], if_not_exists=True)
    db["reports"].create_index(["report_year"], if_not_exists=True)
    db["pages"].create_index(["site"], if_not_exists=True)


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
) -> None:
    """Replace everything stored for ``url`` with this parse, in one transaction."""
    with db.conn:
        db["reports"].upsert(
            report_row(report, url=url, site=site, fetched_at=fetched_at, attachment_of=attachment_of),
            pk="url",
            alter=True,
        )
        db.execute("DELETE FROM cells WHERE report_url = ?", [url])
        db.execute("DELETE FROM checks WHERE report_url = ?", [url])
        cells = cell_rows(report, url)
        if cells:
            db["cells"].insert_all(
                cells, pk=("report_url", "table_name", "row_key", "column_key"), replace=True
            )
        checks = check_rows(report, url)
        if checks:
            db["checks"].insert_all(checks, pk=("report_url", "name", "scope"), replace=True)


def store_page(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    db["pages"].upsert(row, pk="url", alter=True)


def store_error(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    key = [row["url"], row["error"]]
    existing = db.execute("SELECT count FROM crawl_errors WHERE url = ? AND error = ?", key).fetchone()
    if existing:
        db.execute(
            "UPDATE crawl_errors SET last_seen = ?, message = ?, status = ?, count = count + 1 WHERE url = ? AND error = ?",
            [row["at"], row["message"], row.get("status"), *key],
        )
    else:
        db["crawl_errors"].insert(
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
    db["sites"].upsert(row, pk="url", alter=True)
