"""``gsspider merge``: the databases of a distributed crawl's workers into one.

Each worker of a distributed crawl writes its own SQLite database (one writer each, no locking
across machines); the tables are keyed on stable keys (a page's and a report's URL, a cell's
report, table, row and column, an error's URL and kind), so combining them is an upsert per key:

- ``reports``: the latest fetch of a URL wins (``fetched_at``), and its ``cells`` and ``checks``
  come with it from the same database: a report is never a mix of two fetches.
- ``pages``: the latest fetch wins; its ``crawl_id`` is renumbered with the ``crawls`` rows, which
  are all kept (one per worker and seeding).
- ``crawl_errors``: one row per URL and kind, counts added, first and last seen widened.
- ``sites``: the row written last (``last_crawled``) wins — every worker writes the crawl-wide
  counts it reads from Redis when it stops, so the last one has them all.
- ``report_versions``: every superseded version, once.
- any other table: rows upserted on its primary key (a later database replaces an earlier one),
  or, without one, added when not already present.

The WARC archive beside each source (``warc/``) is copied beside the target first (files of the same
name are the same crawl's), so every merged ``pages`` row's record is on disk. Merging the same
database twice changes nothing; the target's schema is the current one
(:func:`gsspider.storage.open_db`), and so is each source's before it is read.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from gsspider import archive, storage

#: Tables merged by their own rules, in this order (reports before their cells and checks).
_SPECIAL = ("crawls", "reports", "cells", "checks", "pages", "crawl_errors", "sites", "report_versions")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[tuple[str, str, int]]:
    """(name, declared type, position in the primary key) of the table's columns."""
    return [(r[1], r[2], r[5]) for r in conn.execute(f"PRAGMA {schema}.table_info({_q(table)})")]


def _tables(conn: sqlite3.Connection, schema: str) -> list[str]:
    rows = conn.execute(f"SELECT name, sql FROM {schema}.sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    out = []
    for name, _ in rows:
        if name.startswith(("sqlite_", "_sqlite_")) or name in virtual:
            continue
        if any(name.startswith(v + "_") for v in virtual):
            continue  # full-text shadow tables: kept by the target's own triggers
        out.append(name)
    return out


def _prepare(conn: sqlite3.Connection, table: str) -> list[str] | None:
    """The columns to copy (the source's, added to the target when missing); None if the target
    has no such table (it is created like the source's)."""
    src = _columns(conn, "src", table)
    main = {c[0] for c in _columns(conn, "main", table)}
    if not main:
        sql = conn.execute("SELECT sql FROM src.sqlite_master WHERE type = 'table' AND name = ?", [table])
        conn.execute(sql.fetchone()[0])
        main = {c[0] for c in src}
    for name, kind, _ in src:
        if name not in main:
            conn.execute(f"ALTER TABLE main.{_q(table)} ADD COLUMN {_q(name)} {kind}")
    return [c[0] for c in src]


def _upsert(
    conn: sqlite3.Connection,
    table: str,
    cols: list[str],
    pk: list[str],
    *,
    when: str = "",
    select: dict[str, str] | None = None,
) -> int:
    """Rows of src.table into main.table on ``pk``; an existing row is replaced only ``when``."""
    select = select or {}
    names = ", ".join(_q(c) for c in cols)
    values = ", ".join(select.get(c, f"s.{_q(c)}") for c in cols)
    updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in cols if c not in pk)
    conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    where = f" WHERE {when}" if when and updates else ""
    before = conn.total_changes
    conn.execute(
        f"INSERT INTO main.{_q(table)} AS old ({names}) SELECT {values} FROM src.{_q(table)} AS s WHERE true "
        f"ON CONFLICT ({', '.join(_q(c) for c in pk)}) {conflict}{where}"
    )
    return conn.total_changes - before


def _merge_crawls(conn: sqlite3.Connection, cols: list[str]) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.crawl_map")
    conn.execute("CREATE TEMP TABLE crawl_map (old INTEGER PRIMARY KEY, new INTEGER)")
    rest = [c for c in cols if c != "id"]
    names = ", ".join(_q(c) for c in rest)
    for row in conn.execute(f"SELECT id, {names} FROM src.crawls ORDER BY id").fetchall():
        same = conn.execute(
            f"SELECT id FROM main.crawls WHERE {' AND '.join(f'{_q(c)} IS ?' for c in rest)}", row[1:]
        ).fetchone()
        if same is None:
            cur = conn.execute(
                f"INSERT INTO main.crawls ({names}) VALUES ({', '.join('?' for _ in rest)})", row[1:]
            )
            same = (cur.lastrowid,)
        conn.execute("INSERT INTO temp.crawl_map VALUES (?, ?)", [row[0], same[0]])


def _merge_reports(conn: sqlite3.Connection, cols: list[str], counts: dict[str, int]) -> None:
    counts["reports"] = _upsert(
        conn,
        "reports",
        cols,
        ["url"],
        when="coalesce(excluded.fetched_at, '') > coalesce(old.fetched_at, '')",
    )
    # The source's cells and checks go with the reports whose row is now the source's.
    conn.execute("DROP TABLE IF EXISTS temp.won")
    conn.execute(
        "CREATE TEMP TABLE won AS SELECT s.url FROM src.reports s JOIN main.reports m ON m.url = s.url "
        "AND m.fetched_at IS s.fetched_at AND m.content_hash IS s.content_hash"
    )
    for table in ("cells", "checks"):
        if not _columns(conn, "src", table):
            continue
        tcols = _prepare(conn, table) or []
        names = ", ".join(_q(c) for c in tcols)
        conn.execute(f"DELETE FROM main.{table} WHERE report_url IN (SELECT url FROM temp.won)")
        before = conn.total_changes
        conn.execute(
            f"INSERT OR REPLACE INTO main.{table} ({names}) SELECT {names} FROM src.{table} "
            "WHERE report_url IN (SELECT url FROM temp.won)"
        )
        counts[table] = conn.total_changes - before


def _merge_errors(conn: sqlite3.Connection, cols: list[str]) -> int:
    before = conn.total_changes
    names = ", ".join(_q(c) for c in cols)
    combine = {
        "count": "coalesce(old.count, 0) + coalesce(excluded.count, 0)",
        "first_seen": "min(coalesce(old.first_seen, excluded.first_seen), coalesce(excluded.first_seen, old.first_seen))",
        "last_seen": "max(coalesce(old.last_seen, ''), coalesce(excluded.last_seen, ''))",
    }
    later = "coalesce(excluded.last_seen, '') > coalesce(old.last_seen, '')"
    updates = ", ".join(
        f"{_q(c)} = {combine.get(c, f'CASE WHEN {later} THEN excluded.{_q(c)} ELSE old.{_q(c)} END')}"
        for c in cols
        if c not in ("url", "error")
    )
    conn.execute(
        f"INSERT INTO main.crawl_errors AS old ({names}) SELECT {names} FROM src.crawl_errors WHERE true "
        f"ON CONFLICT (url, error) DO UPDATE SET {updates}"
    )
    return conn.total_changes - before


def _merge_versions(conn: sqlite3.Connection, cols: list[str]) -> int:
    rest = [c for c in cols if c != "id"]
    names = ", ".join(_q(c) for c in rest)
    before = conn.total_changes
    conn.execute(
        f"INSERT INTO main.report_versions ({names}) SELECT {', '.join('s.' + _q(c) for c in rest)} "
        "FROM src.report_versions s WHERE NOT EXISTS (SELECT 1 FROM main.report_versions m "
        "WHERE m.report_url IS s.report_url AND m.content_hash IS s.content_hash "
        "AND m.superseded_at IS s.superseded_at)"
    )
    return conn.total_changes - before


def _merge_other(conn: sqlite3.Connection, table: str, cols: list[str]) -> int:
    pk = [c[0] for c in sorted(_columns(conn, "src", table), key=lambda c: c[2]) if c[2]]
    if pk:
        return _upsert(conn, table, cols, pk)
    names = ", ".join(_q(c) for c in cols)
    before = conn.total_changes
    conn.execute(
        f"INSERT INTO main.{_q(table)} ({names}) SELECT {names} FROM src.{_q(table)} "
        f"EXCEPT SELECT {names} FROM main.{_q(table)}"
    )
    return conn.total_changes - before


def merge_one(db, source: str | Path) -> dict[str, int]:
    """Merge the database at ``source`` into ``db`` (an open sqlite-utils Database), in one
    transaction; rows written per table."""
    storage.open_db(source).close()  # the source's schema brought to the current one
    conn: sqlite3.Connection = db.conn
    if conn.in_transaction:
        conn.commit()
    conn.execute("ATTACH DATABASE ? AS src", [str(source)])
    counts: dict[str, int] = {}
    try:
        conn.execute("BEGIN")
        tables = _tables(conn, "src")
        ordered = [t for t in _SPECIAL if t in tables] + [t for t in tables if t not in _SPECIAL]
        for table in ordered:
            if table in ("cells", "checks"):
                continue  # with their reports
            cols = _prepare(conn, table) or []
            if table == "crawls":
                _merge_crawls(conn, cols)
            elif table == "reports":
                _merge_reports(conn, cols, counts)
            elif table == "pages":
                select = {"crawl_id": "(SELECT new FROM temp.crawl_map WHERE old = s.crawl_id)"}
                if "crawls" not in tables:
                    select = {}
                counts[table] = _upsert(
                    conn,
                    table,
                    cols,
                    ["url"],
                    when="coalesce(excluded.fetched_at, '') > coalesce(old.fetched_at, '')",
                    select=select,
                )
            elif table == "crawl_errors":
                counts[table] = _merge_errors(conn, cols)
            elif table == "sites":
                counts[table] = _upsert(
                    conn,
                    table,
                    cols,
                    ["url"],
                    when="coalesce(excluded.last_crawled, '') >= coalesce(old.last_crawled, '')",
                )
            elif table == "report_versions":
                counts[table] = _merge_versions(conn, cols)
            else:
                counts[table] = _merge_other(conn, table, cols)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("DETACH DATABASE src")
    return counts


def merge(sources: list[str | Path], into: str | Path) -> dict[str, Any]:
    """Merge every database of ``sources`` into ``into`` (created when missing), then derive what is
    derived from the merged reports (:func:`gsspider.research.refresh`)."""
    db = storage.open_db(into)
    out: dict[str, Any] = {}
    try:
        for source in sources:
            # the WARC files first, then the rows that point at them
            files, size = archive.copy_archive(archive.archive_dir(source), archive.archive_dir(into))
            out[str(source)] = merge_one(db, source)
            if files:
                out[str(source)]["warc files"] = files
                out[str(source)]["warc bytes"] = size
        # What is derived from the store (bodies, late marks, cross-year checks, coverage) was
        # computed by each worker on its share of the reports: derived again from all of them.
        from gsspider import research

        research.refresh(db)
    finally:
        db.close()
    return out
