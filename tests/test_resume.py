"""Crash test: crawls killed with SIGKILL at random moments, resumed with ``--resume``, end equal to an
uninterrupted crawl. And the database stays readable while a crawl writes to it (WAL).

Everything runs against a local TestPortal on 127.0.0.1, each crawl in a subprocess, bounded in time.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from demoportal import TestPortal
from tests.conftest import ROOT, local_settings

pytestmark = pytest.mark.crawl  # runs a crawl or a server: not in the fast lane

#: A slow-ish portal so that kills land mid-crawl: one download slot (every site is 127.0.0.1), a
#: small delay between requests.
SLOW = {"DOWNLOAD_DELAY": "0.02", "CONCURRENT_REQUESTS": "4", "CONCURRENT_REQUESTS_PER_DOMAIN": "4"}
RUNS = 3
RUN_TIMEOUT = 60


def crawl_cmd(portal: TestPortal, db: Path, *extra: str) -> list[str]:
    urls = [s.base_url for s in portal.sites]
    return [
        sys.executable,
        "-m",
        "gsspider",
        "crawl",
        *urls,
        "--db",
        str(db),
        *local_settings(portal, **SLOW),
        *extra,
    ]


def run_to_end(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-3000:]


def kill_after(cmd: list[str], delay: float) -> bool:
    """Start the crawl, SIGKILL it after ``delay`` seconds; True if it was still running."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay)
        return False  # finished before the kill
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        return True


def query(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def snapshot(db: Path) -> dict[str, object]:
    return {
        "reports": sorted(
            query(db, "SELECT url, site, report_year, publisher, title, content_hash, template FROM reports")
        ),
        "cells": sorted(query(db, "SELECT report_url, table_name, row_key, column_key, value FROM cells")),
        "checks": sorted(query(db, "SELECT report_url, name, scope, expected, actual, passed FROM checks")),
    }


def assert_sound(db: Path) -> None:
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    for table, key in (
        ("reports", "url"),
        ("cells", "report_url, table_name, row_key, column_key"),
        ("checks", "report_url, name, scope"),
        ("pages", "url"),
    ):
        dupes = query(db, f"SELECT {key}, count(*) FROM {table} GROUP BY {key} HAVING count(*) > 1")
        assert not dupes, (table, dupes[:3])
    # every stored report has its cells (committed with the report row, in one transaction)
    bare = query(
        db,
        "SELECT url FROM reports r WHERE r.template IN ('2019', '2021')"
        " AND NOT EXISTS (SELECT 1 FROM cells c WHERE c.report_url = r.url)",
    )
    assert not bare, bare[:3]


def assert_archived(db: Path) -> None:
    """Every fetched page's row points at a WARC record that is on disk and matches its digest (the
    record is written before the row; a killed crawl's torn last record is never pointed at)."""
    from gsspider import archive

    con = sqlite3.connect(db)
    try:
        pages = con.execute("SELECT url, warc_file, warc_digest FROM pages WHERE status = 200").fetchall()
        assert pages
        unpointed = [url for url, file, _ in pages if not file]
        assert not unpointed, unpointed[:3]
        for url, _, digest in pages:
            stored = archive.stored_response(con, url)
            assert stored is not None and stored.digest == digest, url
    finally:
        con.close()
    # a page fetched again after the kill is a revisit of the record the killed crawl wrote (by the
    # archive's index, or reconciled from the files), never a second copy of the same bytes
    responses = [(e.url, e.digest) for e in archive.scan(db.parent / "warc") if e.rec_type == "response"]
    copies = [key for key in set(responses) if responses.count(key) > 1]
    assert not copies, copies[:3]


@pytest.fixture(scope="module")
def portal():
    with TestPortal(seed=0, slow_seconds=0) as p:
        yield p


@pytest.fixture(scope="module")
def reference(portal, tmp_path_factory):
    db = tmp_path_factory.mktemp("reference") / "ref.db"
    started = time.monotonic()
    run_to_end(crawl_cmd(portal, db))
    return db, time.monotonic() - started


def test_sigkill_at_random_moments_then_resume_equals_uninterrupted(portal, reference, tmp_path):
    ref_db, ref_seconds = reference
    expected = snapshot(ref_db)
    truth = {t["url"] for t in portal.ground_truth()}
    assert {r[0] for r in expected["reports"]} >= truth
    rng = random.Random(20250101)
    killed_mid_crawl = 0
    for run in range(RUNS):
        (tmp_path / f"run{run}").mkdir()
        db = tmp_path / f"run{run}" / "killed.db"  # its own archive beside it
        cmd = crawl_cmd(portal, db)
        # Scrapy takes ~1 s to start; kill anywhere from start-up to near the end of a crawl.
        if kill_after(cmd, rng.uniform(0.3, max(1.0, ref_seconds * 0.9))):
            killed_mid_crawl += 1
            assert_sound(db) if db.exists() else None
            stored_before = {r[0] for r in query(db, "SELECT url FROM reports")} if db.exists() else set()
            log_start = len(portal.transfers)
            # A second kill, of the resumed crawl, on some runs.
            if run % 2 == 1 and kill_after([*cmd, "--resume"], rng.uniform(0.5, max(1.0, ref_seconds * 0.7))):
                assert_sound(db)
            run_to_end([*cmd, "--resume"])
            refetched = {
                site + path for site, path, status, _ in portal.transfers[log_start:] if status == 200
            } & stored_before
            assert not refetched, f"run {run}: stored reports fetched again: {sorted(refetched)[:3]}"
        else:
            run_to_end([*cmd, "--resume"])  # finished before the kill: resume is a no-op crawl
        assert_sound(db)
        assert_archived(db)
        got = snapshot(db)
        assert got["reports"] == expected["reports"], f"run {run}"
        assert got["cells"] == expected["cells"], f"run {run}"
        assert got["checks"] == expected["checks"], f"run {run}"
        finished = query(db, "SELECT count(*) FROM crawls WHERE finished IS NULL")
        assert finished == [(0,)], f"run {run}: a crawl is left unfinished"
    assert killed_mid_crawl >= 2, "the kills should land mid-crawl"


def test_sigint_then_resume(portal, reference, tmp_path):
    """Ctrl-C: Scrapy closes gracefully ("shutdown"); the crawl stays resumable and ends complete."""
    ref_db, _ = reference
    db = tmp_path / "sigint.db"
    cmd = crawl_cmd(portal, db)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + RUN_TIMEOUT
    while proc.poll() is None and time.monotonic() < deadline:  # interrupt once reports are coming in
        if db.exists():
            try:
                if query(db, "SELECT count(*) FROM reports")[0][0] >= 10:
                    break
            except sqlite3.OperationalError:
                pass
        time.sleep(0.05)
    assert proc.poll() is None, "the crawl ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    assert query(db, "SELECT status FROM crawls") == [("shutdown",)]
    # a bare --resume takes the interrupted crawl's URLs from the database
    run_to_end(
        [
            sys.executable,
            "-m",
            "gsspider",
            "crawl",
            "--resume",
            "--db",
            str(db),
            *local_settings(portal, **SLOW),
        ]
    )
    assert_sound(db)
    assert snapshot(db) == snapshot(ref_db)
    assert query(db, "SELECT count(*), sum(finished IS NOT NULL), max(resumed) FROM crawls") == [(1, 1, 1)]


def test_database_readable_while_a_crawl_writes(portal, tmp_path):
    db = tmp_path / "live.db"
    proc = subprocess.Popen(
        crawl_cmd(portal, db), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    reads, seen, errors = 0, set(), []
    deadline = time.monotonic() + RUN_TIMEOUT
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if db.exists():
                try:
                    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1.0)
                    try:
                        seen.add(con.execute("SELECT count(*) FROM pages").fetchone()[0])
                        con.execute("SELECT count(*) FROM cells").fetchone()
                        reads += 1
                    finally:
                        con.close()
                except sqlite3.OperationalError as exc:
                    if "no such table" not in str(exc):  # the schema is being created
                        errors.append(str(exc))
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
    assert proc.returncode == 0, proc.stderr.read()[-2000:] if proc.stderr else ""
    assert not errors, errors[:3]
    assert reads > 5 and len(seen) > 2, (reads, sorted(seen))  # read while it grew
    assert query(db, "PRAGMA journal_mode") == [("wal",)]
