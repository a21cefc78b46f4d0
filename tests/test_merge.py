"""``gsspider merge``: workers' databases into one, by the stable keys (gsspider/merge.py)."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from pathlib import Path

from demoportal import random_spec, render_report_page
from gsspider import storage
from gsspider.merge import merge
from parsers import parse_report
from tests.conftest import ROOT

SITE = "http://127.0.0.1:9/"


def report(seed: int, year: int = 2024):
    spec = random_spec(random.Random(seed), year=year, publisher="某某县人民政府")
    body = render_report_page(spec, site_name="某某县人民政府", column_name="政府信息公开年报").encode()
    return parse_report(
        body, url=SITE + f"r{seed}.html", content_type="text/html; charset=utf-8", encoding="utf-8"
    )


def worker_db(path: Path, reports: dict[str, tuple[int, str]], errors: list[tuple[str, str]] = ()) -> Path:
    """A worker's database: ``reports`` url -> (spec seed, fetch time); pages for them; errors."""
    db = storage.open_db(path)
    crawl = storage.start_crawl(db, {"urls": [SITE]})
    for url, (seed, at) in reports.items():
        storage.store_page(
            db,
            {"url": url, "site": SITE, "status": 200, "fetched_at": at, "kind": "report", "crawl_id": crawl},
        )
        storage.store_report(db, report(seed), url=url, site=SITE, fetched_at=at)
    for url, at in errors:
        storage.store_error(
            db, {"url": url, "site": SITE, "error": "http_404", "message": "404", "at": at, "status": 404}
        )
    storage.store_site(
        db, {"url": SITE, "status": "ok", "last_crawled": max(at for _, at in reports.values())}
    )
    db.close()
    return path


def q(path: Path, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_each_report_comes_whole_from_its_latest_fetch(tmp_path):
    a = worker_db(
        tmp_path / "a.db", {SITE + "1": (1, "2025-01-01T00:00:00"), SITE + "2": (2, "2025-01-01T00:00:00")}
    )
    # b fetched report 2 later, and its body had changed (another spec): b's version wins, whole.
    b = worker_db(
        tmp_path / "b.db", {SITE + "2": (3, "2025-02-01T00:00:00"), SITE + "3": (4, "2025-01-01T00:00:00")}
    )
    into = tmp_path / "all.db"
    merge([a, b], into)

    assert [r[0] for r in q(into, "SELECT url FROM reports ORDER BY url")] == [
        SITE + "1",
        SITE + "2",
        SITE + "3",
    ]
    for url, source in ((SITE + "1", a), (SITE + "2", b), (SITE + "3", b)):
        cells = (
            "SELECT table_name, row_key, column_key, value FROM cells WHERE report_url = ? ORDER BY 1, 2, 3"
        )
        assert q(into, cells, [url]) == q(source, cells, [url])
        assert q(into, cells, [url])  # the reports have cells at all
        checks = "SELECT name, scope, passed FROM checks WHERE report_url = ? ORDER BY 1, 2"
        assert q(into, checks, [url]) == q(source, checks, [url])
        hashes = "SELECT content_hash, fetched_at FROM reports WHERE url = ?"
        assert q(into, hashes, [url]) == q(source, hashes, [url])
    # The order of the sources does not matter.
    again = tmp_path / "again.db"
    merge([b, a], again)
    everything = "SELECT report_url, table_name, row_key, column_key, value FROM cells ORDER BY 1, 2, 3, 4"
    assert q(again, everything) == q(into, everything)
    # Full-text search follows the merged rows.
    assert q(into, "SELECT count(*) FROM reports_fts")[0][0] == 3


def test_merging_twice_changes_nothing_and_errors_add_up(tmp_path):
    a = worker_db(
        tmp_path / "a.db", {SITE + "1": (1, "2025-01-01T00:00:00")}, [(SITE + "x", "2025-01-01T00:00:00")]
    )
    b = worker_db(
        tmp_path / "b.db", {SITE + "2": (2, "2025-01-02T00:00:00")}, [(SITE + "x", "2025-01-03T00:00:00")]
    )
    into = tmp_path / "all.db"
    merge([a, b], into)
    tables = ("reports", "cells", "checks", "pages", "crawl_errors", "sites", "crawls")
    before = {t: q(into, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    error = q(into, "SELECT count, first_seen, last_seen FROM crawl_errors")
    assert error == [(2, "2025-01-01T00:00:00", "2025-01-03T00:00:00")]
    merge([b], into)
    after = {t: q(into, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    assert after == before
    assert before["crawls"] == 2 and before["sites"] == 1
    # The site row written last wins; pages point at their own database's crawl, renumbered.
    assert q(into, "SELECT last_crawled FROM sites") == [("2025-01-02T00:00:00",)]
    crawl_of = dict(q(into, "SELECT url, crawl_id FROM pages"))
    assert crawl_of[SITE + "1"] != crawl_of[SITE + "2"]
    assert {c for c in crawl_of.values()} == {r[0] for r in q(into, "SELECT id FROM crawls")}


def test_a_table_the_merge_does_not_know_is_upserted_on_its_key(tmp_path):
    a = worker_db(tmp_path / "a.db", {SITE + "1": (1, "2025-01-01T00:00:00")})
    con = sqlite3.connect(a)
    con.execute("CREATE TABLE archive (url TEXT PRIMARY KEY, warc TEXT)")
    con.execute("INSERT INTO archive VALUES (?, ?)", [SITE + "1", "a.warc.gz"])
    con.commit()
    con.close()
    into = tmp_path / "all.db"
    merge([a], into)
    merge([a], into)
    assert q(into, "SELECT url, warc FROM archive") == [(SITE + "1", "a.warc.gz")]


def test_the_command_refuses_a_missing_database(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "gsspider",
            "merge",
            str(tmp_path / "nope.db"),
            "--into",
            str(tmp_path / "x.db"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "no database at" in proc.stderr
    assert not (tmp_path / "x.db").exists()


def test_the_workers_archives_travel_with_their_rows(tmp_path):
    """Each worker's WARC files are copied beside the merged database: every merged page's record
    reads back (issue 12)."""
    from gsspider import archive

    sources = []
    for n in range(2):
        folder = tmp_path / f"w{n}"
        folder.mkdir()
        db = storage.open_db(folder / "worker.db")
        writer = archive.ArchiveWriter(folder / "warc")
        url = SITE + f"page{n}.html"
        body = f"<html>第{n}页</html>".encode()
        loc = writer.write(
            url=url,
            method="GET",
            request_headers=[],
            request_body=b"",
            status=200,
            headers=[("Content-Type", "text/html; charset=utf-8")],
            body=body,
        )
        writer.close()
        storage.store_page(
            db, {"url": url, "site": SITE, "status": 200, "fetched_at": "2025-03-01", **loc.columns()}
        )
        db.close()
        sources.append((folder / "worker.db", url, body))
    into = tmp_path / "all" / "all.db"
    into.parent.mkdir()
    merge([s for s, _, _ in sources], into)
    merge([s for s, _, _ in sources], into)  # twice: nothing copied again
    con = sqlite3.connect(into)
    for _, url, body in sources:
        assert archive.read_body(con, url) == body
    con.close()
    assert len(list((into.parent / "warc").glob("*.warc.gz"))) == 2  # one file per worker, copied once
    assert (into.parent / "warc" / archive.INDEX_NAME).exists()
