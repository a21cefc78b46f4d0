"""Re-crawls and seasons against the local test portal (127.0.0.1 only, bounded in time): conditional
requests, report versions, ``--year`` / ``--since``, the year summary, the site registry at scale."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from demoportal import TestPortal
from gsspider import storage
from gsspider.season import Season, as_date
from gsspider.sites import SiteEntry, check_registry, load_registry, save_registry
from gsspider.summary import summary, year_coverage
from parsers.identity import year_in_title
from tests.conftest import GSSPIDER, ROOT, local_settings, rows, run


def crawl(portal: TestPortal, db: Path, *extra: str) -> list[tuple[str, str, int, int]]:
    """Crawl every site of the portal into ``db``; the portal's answers to this crawl."""
    start = len(portal.transfers)
    urls = [s.base_url for s in portal.sites]
    run([*GSSPIDER, "crawl", *urls, "--db", str(db), *local_settings(portal), *extra])
    return portal.transfers[start:]


def report_answers(portal: TestPortal, answers) -> dict[str, list[int]]:
    truth = {t["url"] for t in portal.ground_truth()}
    out: dict[str, list[int]] = {}
    for site, path, status, _size in answers:
        if site + path in truth:
            out.setdefault(site + path, []).append(status)
    return out


@pytest.fixture(scope="module")
def portal():
    with TestPortal(seed=0, slow_seconds=0) as p:
        yield p


@pytest.fixture(scope="module")
def full(portal, tmp_path_factory):
    db = tmp_path_factory.mktemp("full") / "full.db"
    answers = crawl(portal, db)
    return db, answers


# --- the portal answers like a real server ------------------------------------------------------


@pytest.mark.crawl
def test_portal_answers_conditional_requests(portal):
    url = portal.ground_truth()[0]["url"]
    with urllib.request.urlopen(url, timeout=5) as resp:
        body, etag, modified = resp.read(), resp.headers["ETag"], resp.headers["Last-Modified"]
    assert etag and modified and body
    for headers in (
        {"If-None-Match": etag},
        {"If-Modified-Since": modified},
        {"If-None-Match": f'"x", {etag}'},
    ):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5)
        assert err.value.code == 304, headers
    # a validator that does not match gets the body; If-None-Match decides over If-Modified-Since
    stale = {"If-None-Match": '"0"', "If-Modified-Since": modified}
    with urllib.request.urlopen(urllib.request.Request(url, headers=stale), timeout=5) as resp:
        assert resp.status == 200 and resp.read() == body


def test_portal_edit_and_add_change_bytes_and_truth():
    with TestPortal(seed=3, n_sites=2, slow_seconds=0) as p:
        t = next(t for t in p.ground_truth() if t["table3"] and t["source"] == "rendered")
        with urllib.request.urlopen(t["url"], timeout=5) as resp:
            etag = resp.headers["ETag"]
        new = p.edit_report(t["url"], 5)
        assert new["table3"]["new_received"]["total"] == t["table3"]["new_received"]["total"] + 5
        assert new["identities_hold"] == t["identities_hold"]
        with urllib.request.urlopen(
            urllib.request.Request(t["url"], headers={"If-None-Match": etag}), timeout=5
        ) as r:
            assert r.status == 200 and r.headers["ETag"] != etag
        added = p.add_report(0, 2025)
        assert added["report_year"] == 2025 and added in p.ground_truth()
        with urllib.request.urlopen(added["url"], timeout=5) as resp:
            assert resp.status == 200
        with pytest.raises(KeyError):
            p.edit_report(p.sites[0].base_url + "/no/such/report.html")


# --- re-crawls ---------------------------------------------------------------------------------------


@pytest.mark.crawl
def test_unchanged_recrawl_downloads_no_report_body(portal, full, tmp_path):
    full_db, full_answers = full
    db = tmp_path / "again.db"
    db.write_bytes(full_db.read_bytes())
    before = {t: rows(db, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in ("reports", "cells", "checks")}
    # every report revalidated: all 304
    answers = crawl(portal, db, "--freshness-days", "0")
    statuses = report_answers(portal, answers)
    assert statuses, "reports were revalidated"
    assert all(set(s) == {304} for s in statuses.values()), {
        u: s for u, s in statuses.items() if 304 not in s
    }
    # default freshness: stored reports are not requested at all
    answers = crawl(portal, db)
    assert report_answers(portal, answers) == {}
    full_bytes = sum(size for *_, size in full_answers)
    again_bytes = sum(size for *_, size in answers)
    assert again_bytes <= 0.05 * full_bytes, (again_bytes, full_bytes)
    after = {t: rows(db, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in ("reports", "cells", "checks")}
    assert after == before
    assert rows(db, "SELECT count(*) AS n FROM report_versions")[0]["n"] == 0
    sites = rows(db, "SELECT url, status FROM sites")
    assert sites and all(s["status"] == "ok" for s in sites)  # unchanged reports still count


@pytest.mark.crawl
def test_added_and_edited_reports_are_found_and_versioned(tmp_path):
    with TestPortal(seed=1, n_sites=3, slow_seconds=0) as p:
        db = tmp_path / "edits.db"
        crawl(p, db)
        edited = next(t for t in p.ground_truth() if t["table3"] and t["source"] == "rendered")
        old_hash = rows(db, "SELECT content_hash FROM reports WHERE url = ?", (edited["url"],))[0][
            "content_hash"
        ]
        new_truth = p.edit_report(edited["url"], 7)
        added = p.add_report(2, 2025)
        # lists are always revalidated: the new report is found even within the freshness interval
        crawl(p, db)
        assert rows(db, "SELECT report_year FROM reports WHERE url = ?", (added["url"],)) == [
            {"report_year": 2025}
        ]
        assert rows(db, "SELECT count(*) AS n FROM report_versions")[0]["n"] == 0  # not revalidated yet
        # revalidating the reports finds the edit
        answers = crawl(p, db, "--freshness-days", "0")
        statuses = report_answers(p, answers)
        assert statuses[edited["url"]] == [200]
        assert sum(1 for s in statuses.values() if s == [200]) == 1, "only the edited report is downloaded"
        versions = rows(db, "SELECT * FROM report_versions")
        assert len(versions) == 1
        v = versions[0]
        assert v["report_url"] == edited["url"] and v["content_hash"] == old_hash and v["version"] == 1
        assert v["new_content_hash"] != old_hash and v["superseded_at"] >= v["fetched_at"]
        changed = {(c["row"], c["column"]): (c["old"], c["new"]) for c in json.loads(v["changed_cells"])}
        total = edited["table3"]["new_received"]["total"]
        assert changed[("new_received", "total")] == (total, total + 7)
        assert "cells" in json.loads(v["changed_fields"])
        assert json.loads(v["old_cells"]) and json.loads(v["old_report"])["content_hash"] == old_hash
        stored = rows(
            db,
            "SELECT value FROM cells WHERE report_url = ? AND table_name = 'table3' AND row_key = 'new_received'"
            " AND column_key = 'total'",
            (edited["url"],),
        )
        assert stored == [{"value": new_truth["table3"]["new_received"]["total"]}]
        assert rows(db, "SELECT version FROM reports WHERE url = ?", (edited["url"],)) == [{"version": 2}]
        # a further unchanged re-crawl keeps exactly one earlier version
        crawl(p, db, "--freshness-days", "0")
        assert rows(db, "SELECT count(*) AS n FROM report_versions")[0]["n"] == 1
        # the versions export
        out = tmp_path / "versions.jsonl"
        run(
            [
                *GSSPIDER,
                "export",
                "--table",
                "report_versions",
                "--format",
                "jsonl",
                "--out",
                str(out),
                "--db",
                str(db),
            ]
        )
        exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [e["report_url"] for e in exported] == [edited["url"]]
        assert (
            "earlier versions kept"
            in subprocess.run(
                [
                    sys.executable,
                    "-c",
                    f"from gsspider.summary import summary, format_summary; print(format_summary(summary({str(db)!r})))",
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout
        )


# --- seasons ---------------------------------------------------------------------------------------


@pytest.mark.crawl
def test_year_finds_exactly_that_years_reports(portal, full, tmp_path):
    _full_db, full_answers = full
    year = 2022
    db = tmp_path / "season.db"
    answers = crawl(portal, db, "--year", str(year))
    truth = {t["url"] for t in portal.ground_truth() if t["report_year"] == year}
    found = {r["url"] for r in rows(db, "SELECT url FROM reports")}
    assert found == truth
    assert len(answers) < 0.7 * len(full_answers), (len(answers), len(full_answers))
    # the summary names the year asked for: nothing else is missing in a season crawl's span
    data = summary(db, season=year)
    for s in data["sites"].values():
        assert s["years_present"] == [year] and s["years_missing"] == []


@pytest.mark.crawl
def test_since_keeps_recent_entries_only(portal, full, tmp_path):
    db = tmp_path / "since.db"
    since = "2024-01-01"
    answers = crawl(portal, db, "--since", since)
    truth = portal.ground_truth()
    expected = {t["url"] for t in truth if t["published"] >= since}
    found = {r["url"] for r in rows(db, "SELECT url FROM reports")}
    assert expected <= found
    assert not {t["url"] for t in truth if t["published"] < "2023-06-01"} & found
    assert len(answers) < len(full[1])


@pytest.mark.crawl
def test_bad_season_options_are_refused_clearly(portal, tmp_path):
    db = tmp_path / "bad.db"
    for args, message in (
        (["--since", "yesterday"], "--since"),
        (["--year", "1066"], "--year"),
        (["--freshness-days", "-1"], "--freshness-days"),
    ):
        proc = subprocess.run(
            [*GSSPIDER, "crawl", portal.sites[0].base_url, "--db", str(db), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_season_rules():
    assert year_in_title("青川县2023年政府信息公开工作年度报告") == 2023
    assert year_in_title("二〇二三年度政府信息公开工作年度报告") == 2023
    assert year_in_title("政府信息公开工作年度报告") is None
    s = Season(year=2024)
    assert s.keeps_entry("XX县2024年政府信息公开工作年度报告", date(2025, 1, 20))
    assert not s.keeps_entry("XX县2023年政府信息公开工作年度报告", date(2024, 1, 20))
    assert not s.keeps_entry("XX县2023年政府信息公开工作年度报告", date(2025, 1, 20))  # late, other year
    assert s.keeps_entry("政府信息公开工作年度报告", date(2025, 2, 1))  # no year named: by date
    assert s.keeps_entry("政府信息公开工作年度报告", date(2024, 12, 20))
    assert not s.keeps_entry("政府信息公开工作年度报告", date(2024, 11, 30))
    assert s.keeps_entry("政府信息公开工作年度报告", None)
    assert s.keeps_report_year(2024) and not s.keeps_report_year(2023)
    since = Season(since=date(2024, 6, 1))
    assert since.keeps_entry("XX县2019年政府信息公开工作年度报告", date(2024, 6, 1))
    assert not since.keeps_entry("XX县2023年政府信息公开工作年度报告", date(2024, 3, 1))
    assert as_date("2025-03-15 09:30:00") == date(2025, 3, 15) and as_date("2025年3月5日") == date(2025, 3, 5)
    assert as_date("2025-02-30") is None and as_date(None) is None


def test_year_coverage():
    assert year_coverage({2019, 2020, 2022}) == ([2019, 2020, 2022], [2021])
    assert year_coverage({2021, 2022}, season=2024) == ([2021, 2022], [2023, 2024])
    assert year_coverage(set(), season=2024) == ([], [2024])
    assert year_coverage(set()) == ([], [])


def test_summary_lists_missing_years(tmp_path):
    db = storage.open_db(tmp_path / "s.db")
    for url, year in (("http://a/1", 2019), ("http://a/2", 2021), ("http://b/1", 2023)):
        db["reports"].insert({"url": url, "site": url.rsplit("/", 1)[0], "report_year": year, "is_report": 1})
    db.close()
    data = summary(tmp_path / "s.db", season=2024)
    assert data["sites"]["http://a"]["years_missing"] == [2020, 2022, 2023, 2024]
    assert data["sites"]["http://b"]["years_present"] == [2023]
    assert data["sites"]["http://b"]["years_missing"] == [2024]


# --- the registry at scale ---------------------------------------------------------------------------


def test_sites_registry_with_thousands_of_portals(tmp_path):
    path = tmp_path / "sites.csv"
    families = ("trs", "paged", "hanweb", "trs_api", "gkmlpt", "")
    entries = [
        SiteEntry(
            url=f"http://www.county{i:04d}.gov.cn/",
            name=f"县{i}",
            family=families[i % len(families)],
            budget=500 + i % 7,
            freshness_days=float(i % 30) if i % 3 else None,
            render=i % 50 == 0,
        )
        for i in range(3000)
    ]
    save_registry(path, entries)
    assert load_registry(path) == entries
    assert check_registry(path) == ([], 3000)
    cli = [*GSSPIDER, "sites"]
    proc = subprocess.run(
        [*cli, "list", "--sites", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 3000
    assert "freshness_days=1.0" in proc.stdout and "render=True" in proc.stdout
    proc = subprocess.run(
        [
            *cli,
            "add",
            "www.new.gov.cn",
            "www.county0001.gov.cn",
            "--family",
            "trs",
            "--freshness-days",
            "7",
            "--sites",
            str(path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and "added 1; 3001 sites" in proc.stdout
    assert load_registry(path)[-1].freshness_days == 7.0
    proc = subprocess.run(
        [*cli, "add", "x", "--family", "nope", "--sites", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "unknown family" in proc.stderr
    # bad rows are all reported by check, and do not crash list
    with path.open("a", encoding="utf-8") as fh:
        fh.write(
            "http://www.county0002.gov.cn/,dup,,,,,,\nhttp://www.bad.gov.cn/,bad,,many,,,,\n"
            "ftp://x/,bad,,,,,,\nhttp://www.neg.gov.cn/,neg,,,-3,,,\n"
        )
    problems, count = check_registry(path)
    assert count == 3005 and len(problems) == 4, problems
    proc = subprocess.run(
        [*cli, "check", "--sites", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1 and "duplicate" in proc.stdout and "budget must be a number" in proc.stdout
    proc = subprocess.run(
        [*cli, "list", "--sites", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stderr and "sites.csv:3004" in proc.stderr
    assert len(proc.stdout.splitlines()) == 3003  # the readable rows (check flags the duplicate)
    proc = subprocess.run(
        [*cli, "add", "www.other.gov.cn", "--sites", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "fix it first" in proc.stderr
    assert "www.bad.gov.cn" in path.read_text(encoding="utf-8")  # nothing dropped


@pytest.mark.crawl
def test_registry_freshness_overrides_the_default(portal, full, tmp_path):
    """A site whose registry row says freshness_days=0 gets its reports revalidated; the others not."""
    full_db, _ = full
    db = tmp_path / "reg.db"
    db.write_bytes(full_db.read_bytes())
    first = portal.sites[0]
    registry = tmp_path / "sites.csv"
    save_registry(
        registry,
        [SiteEntry(url=s.base_url + "/", freshness_days=0.0 if s is first else None) for s in portal.sites],
    )
    start = len(portal.transfers)
    run(
        [
            *GSSPIDER,
            "crawl",
            "--sites",
            str(registry),
            "--db",
            str(db),
            *local_settings(portal),
        ]
    )
    statuses = report_answers(portal, portal.transfers[start:])
    assert statuses and all(url.startswith(first.base_url + "/") for url in statuses)
    assert all(s == [304] for s in statuses.values())


@pytest.mark.crawl
def test_wal_and_schema(full):
    db, _ = full
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"report_versions", "crawls"} <= tables
        assert con.execute("SELECT count(*) FROM crawls WHERE finished IS NOT NULL").fetchone()[0] == 1
        # list and navigation pages keep their bodies (for 304 answers), reports do not
        kinds = dict(
            con.execute(
                "SELECT kind, sum(body IS NOT NULL) FROM pages WHERE status = 200 GROUP BY kind"
            ).fetchall()
        )
        assert kinds.get("list", 0) > 0 and kinds.get("home", 0) > 0
        assert (
            con.execute(
                "SELECT count(*) FROM pages p JOIN reports r ON r.url = p.url WHERE p.body IS NOT NULL"
            ).fetchone()[0]
            == 0
        )
    finally:
        con.close()


@pytest.mark.crawl
def test_damaged_stored_bodies_are_fetched_again_not_trusted(portal, full, tmp_path):
    """A stored list/nav body that does not decompress, or whose bytes are not its hash, is not used
    to answer a 304: the page is fetched again, and nothing behind it is lost."""
    full_db, _ = full
    db = tmp_path / "damaged.db"
    db.write_bytes(full_db.read_bytes())
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE pages SET body = x'00ff00' WHERE kind = 'list'")
        con.execute(
            "UPDATE pages SET body = ? WHERE kind = 'home'", (storage.compress(b"<html>not it</html>"),)
        )
        damaged = {
            r[0]
            for r in con.execute("SELECT url FROM pages WHERE kind IN ('list', 'home') AND body IS NOT NULL")
        }
    con.close()
    assert damaged
    answers = crawl(portal, db, "--freshness-days", "0")
    fetched = {site + path for site, path, status, _ in answers if status == 200}
    assert damaged <= fetched
    statuses = report_answers(portal, answers)
    assert {u for u, s in statuses.items() if 304 in s} == {t["url"] for t in portal.ground_truth()}
    assert rows(db, "SELECT count(*) AS n FROM report_versions")[0]["n"] == 0


@pytest.mark.crawl
def test_report_editions_and_exports_without_binary_columns(full, tmp_path):
    """A corrected report re-published at a new URL: same site, publisher and year, numbered in
    publication order by the report_editions view; every table exports (page bodies stay out)."""
    full_db, _ = full
    db_path = tmp_path / "editions.db"
    db_path.write_bytes(full_db.read_bytes())
    db = storage.open_db(db_path)
    original = next(
        db.query("SELECT * FROM reports WHERE is_report = 1 AND published_date IS NOT NULL LIMIT 1")
    )
    corrected = dict(original, url=original["url"] + "?corrected", title=original["title"] + "（更正）")
    corrected["published_date"] = "2099-01-01"
    db["reports"].insert(corrected)
    db.close()
    out = tmp_path / "editions.jsonl"
    run(
        [
            *GSSPIDER,
            "export",
            "--table",
            "report_editions",
            "--format",
            "jsonl",
            "--out",
            str(out),
            "--db",
            str(db_path),
        ]
    )
    editions = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    mine = [
        e
        for e in editions
        if e["publisher"] == original["publisher"] and e["report_year"] == original["report_year"]
    ]
    assert [(e["url"], e["edition"], e["editions"]) for e in mine][-2:] == [
        (original["url"], len(mine) - 1, len(mine)),
        (corrected["url"], len(mine), len(mine)),
    ]
    for table in ("pages", "crawls", "report_versions", "sites"):
        for fmt in ("csv", "jsonl"):
            proc = run(
                [
                    *GSSPIDER,
                    "export",
                    "--table",
                    table,
                    "--format",
                    fmt,
                    "--db",
                    str(db_path),
                ]
            )
            assert "Traceback" not in proc.stderr
    header = run([*GSSPIDER, "export", "--table", "pages", "--db", str(db_path)]).stdout
    assert "validated_at" in header.splitlines()[0] and ",body," not in header.splitlines()[0]
