"""Re-parsing without re-crawling (issue 12): ``gsspider reparse`` reads the archived bytes with the
installed parser, replaces each report's row, cells and checks, versions what changed (reason
re-parse), and makes no request; a re-crawl re-parses a report an older parser stored, even on a 304.

An older parser is simulated honestly: the stored rows are set back to what an older parser would
have left (an older ``parser_version``, other cell values, a document it could not read); the
installed parser must then give back exactly what the crawl stored from the same bytes."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from demoportal import TestPortal
from tests.conftest import GSSPIDER, crawl, rows, run

pytestmark = pytest.mark.crawl

CELLS = "SELECT report_url, table_name, row_key, column_key, value, raw FROM cells ORDER BY 1, 2, 3, 4"
CHECKS = "SELECT report_url, name, scope, passed, detail FROM checks ORDER BY 1, 2, 3"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A crawl of the portal (with attachments), the portal stopped before any test runs."""
    where = tmp_path_factory.mktemp("reparse")
    with TestPortal(n_sites=3, families=("attachments",), slow_seconds=0) as portal:
        crawl(portal, where / "c.db")
    return where / "c.db"


def _older_parser(db: Path, n: int = 4) -> list[str]:
    """Make ``n`` reports look stored by an older parser that read their table 3 differently."""
    con = sqlite3.connect(db)
    with con:
        urls = [
            u
            for (u,) in con.execute(
                "SELECT url FROM reports WHERE is_report = 1 AND url IN (SELECT report_url FROM cells"
                " WHERE table_name = 'table3' AND value > 0) ORDER BY url LIMIT ?",
                [n],
            )
        ]
        con.execute("UPDATE reports SET parser_version = '0.0.1'")
        marks = ",".join("?" * len(urls))
        con.execute(
            f"UPDATE cells SET value = value + 7 WHERE table_name = 'table3' AND value > 0 AND report_url IN ({marks})",
            urls,
        )
    con.close()
    return urls


def _copy(db: Path, to: Path) -> Path:
    to.mkdir()
    shutil.copy(db, to / db.name)
    shutil.copytree(db.parent / "warc", to / "warc")
    return to / db.name


def test_reparse_restores_what_the_parser_reads_and_versions_the_old_values(crawled, tmp_path):
    db = _copy(crawled, tmp_path / "w")
    want_cells, want_checks = rows(db, CELLS), rows(db, CHECKS)
    before = {(r["report_url"], r["row_key"], r["column_key"]): r["value"] for r in rows(db, CELLS)}
    changed = _older_parser(db)
    tampered = {(r["report_url"], r["row_key"], r["column_key"]): r["value"] for r in rows(db, CELLS)}
    assert tampered != before
    # the portal is stopped: any request would fail, and reparse makes none
    out = run([*GSSPIDER, "reparse", "--db", str(db)]).stdout
    assert f"changed          {len(changed)}" in out, out
    assert "re-parsed" in out and "reports/s" in out
    assert rows(db, CELLS) == want_cells
    assert rows(db, CHECKS) == want_checks
    versions = rows(db, "SELECT report_url, reason, changed_fields, old_cells FROM report_versions")
    assert sorted(v["report_url"] for v in versions) == sorted(changed)
    for v in versions:
        assert v["reason"] == "re-parse" and "cells" in json.loads(v["changed_fields"])
        kept = {
            (v["report_url"], c["row_key"], c["column_key"]): c["value"] for c in json.loads(v["old_cells"])
        }
        assert all(tampered[k] == value for k, value in kept.items())  # the earlier values, as they were
    from parsers import __version__

    assert {r["parser_version"] for r in rows(db, "SELECT parser_version FROM reports")} == {__version__}
    # a second run re-parses only the documents stored unreadable (an OCR engine or a library may
    # have been installed since), and changes nothing
    unread = rows(db, "SELECT count(*) AS n FROM reports WHERE is_report = 0")[0]["n"]
    again = run([*GSSPIDER, "reparse", "--db", str(db)]).stdout
    assert f"re-parsed        {unread} " in again and "changed          0" in again, again


def test_a_document_stored_unreadable_is_read_again(crawled, tmp_path):
    db = _copy(crawled, tmp_path / "u")
    con = sqlite3.connect(db)
    with con:
        (url,) = con.execute("SELECT url FROM reports WHERE is_report = 1 ORDER BY url LIMIT 1").fetchone()
        # as an older parser left a document it could not read: no cells, not a report
        con.execute("UPDATE reports SET is_report = 0 WHERE url = ?", [url])
        con.execute("DELETE FROM cells WHERE report_url = ?", [url])
    con.close()
    out = run([*GSSPIDER, "reparse", "--db", str(db)]).stdout
    assert "newly readable   1" in out, out
    assert rows(db, "SELECT is_report FROM reports WHERE url = ?", [url]) == [{"is_report": 1}]
    assert rows(db, "SELECT count(*) AS n FROM cells WHERE report_url = ?", [url])[0]["n"] > 0


def test_a_missing_archive_is_said_and_nothing_is_lost(crawled, tmp_path):
    db = _copy(crawled, tmp_path / "m")
    _older_parser(db)
    stored = rows(db, CELLS)
    for path in (db.parent / "warc").glob("*.warc.gz"):
        path.write_bytes(path.read_bytes()[:100])  # damaged beyond reading
    out = run([*GSSPIDER, "reparse", "--db", str(db)]).stdout
    assert "no archived record" in out and "re-parsed        0" in out, out
    assert rows(db, CELLS) == stored  # the stored values stand


def test_recrawl_reparses_an_old_parsers_report_even_on_a_304(tmp_path):
    db = tmp_path / "r.db"
    with TestPortal(n_sites=2, slow_seconds=0) as portal:
        crawl(portal, db)
        want = rows(db, CELLS)
        changed = _older_parser(db)
        proc = crawl(portal, db, GSSPIDER_FRESHNESS_DAYS="0", LOG_LEVEL="INFO")
    assert rows(db, CELLS) == want
    assert "recrawl/reparsed_from_archive" in proc.stderr or "recrawl/reparsed" in proc.stderr, proc.stderr[
        -2000:
    ]
    versions = rows(db, "SELECT report_url, reason FROM report_versions")
    assert sorted(v["report_url"] for v in versions) == sorted(changed)
    assert {v["reason"] for v in versions} == {"re-parse"}
