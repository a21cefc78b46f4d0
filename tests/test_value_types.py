"""Value types in SQLite (issue 13): counts INTEGER, amounts with their decimals, blanks NULL with
mark 'blank', 不适用 and / NULL with mark 'not_applicable'; the REAL counts of an older database
become INTEGER through the migration."""

from __future__ import annotations

import random
import sqlite3

import sqlite_utils

from demoportal import random_spec, render_report_page
from gsspider import storage
from parsers import parse_report


def _report(blank: str, seed: int = 3):
    spec = random_spec(random.Random(seed), publisher="临白县财政局", year=2023, blanks=1.0)
    page = render_report_page(spec, site_name="临白县人民政府", column_name="年报", blank=blank)
    return spec, parse_report(page.encode("utf-8"), url="http://127.0.0.1/r.html")


def _store(tmp_path, report, name="v.db"):
    db = storage.open_db(tmp_path / name)
    storage.store_report(db, report, url="http://127.0.0.1/r.html", site="http://127.0.0.1/", fetched_at="t")
    return db


def test_counts_are_integers_blanks_null_with_their_mark(tmp_path):
    spec, report = _report("&nbsp;")
    db = _store(tmp_path, report)
    types = {
        r["t"]
        for r in db.query("SELECT typeof(value) AS t FROM cells WHERE table_name IN ('table3', 'table4')")
    }
    assert types <= {"integer", "null"} and "integer" in types
    blanks = list(db.query("SELECT * FROM cells WHERE table_name = 'table3' AND value IS NULL"))
    expected_blanks = [(r, c) for r, cols in spec.table3.items() for c, v in cols.items() if v is None]
    assert expected_blanks, "the spec must leave some zero cells blank"
    assert {(b["row_key"], b["column_key"]) for b in blanks} == set(expected_blanks)
    assert {b["mark"] for b in blanks} == {"blank"}
    # a filled cell: its exact integer, never a float
    row = db.execute(
        "SELECT value, typeof(value) FROM cells WHERE table_name = 'table3' AND row_key = 'new_received'"
        " AND column_key = 'total'"
    ).fetchone()
    assert row == (spec.table3["new_received"]["total"], "integer")


def test_not_applicable_keeps_its_mark(tmp_path):
    for blank in ("不适用", "/"):
        spec, report = _report(blank)
        assert report.table3["new_received"]["total"] == spec.table3["new_received"]["total"]
        db = _store(tmp_path, report, name=f"na{ord(blank[0])}.db")
        marks = {
            r["mark"]
            for r in db.query("SELECT mark FROM cells WHERE table_name = 'table3' AND value IS NULL")
        }
        assert marks == {"not_applicable"}, blank
        assert not list(db.query("SELECT 1 FROM cells WHERE value = 0 AND raw = ?", [blank]))


def test_amounts_keep_their_decimals(tmp_path):
    for seed in range(40):
        _spec, report = _report("&nbsp;", seed)
        amount = next((f for f in report.table2 if f.value is not None and f.value != int(f.value)), None)
        if amount is not None:
            break
    assert amount is not None, "no table-2 amount with decimals in 40 reports"
    db = _store(tmp_path, report)
    value, kind = db.execute(
        "SELECT value, typeof(value) FROM cells WHERE table_name = 'table2' AND row_key = ? AND column_key = ?",
        [amount.row, amount.column],
    ).fetchone()
    assert kind == "real" and value == amount.value


def test_migration_turns_stored_real_counts_into_integers(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    for step in (
        storage.m001_initial,
        storage.m002_recrawl,
        storage.m003_report_editions,
        storage.m004_site_hosts,
    ):
        step(old)
    old.table("cells").insert_all(
        [
            {
                "report_url": "u",
                "table_name": "table3",
                "row_key": "granted",
                "column_key": "total",
                "value": 2.0,
                "raw": "2",
            },
            {
                "report_url": "u",
                "table_name": "table3",
                "row_key": "granted",
                "column_key": "research",
                "value": None,
                "raw": "不适用",
            },
            {
                "report_url": "u",
                "table_name": "table3",
                "row_key": "granted",
                "column_key": "commercial",
                "value": None,
                "raw": "",
            },
            {
                "report_url": "u",
                "table_name": "table2",
                "row_key": "政府集中采购",
                "column_key": "采购总金额",
                "value": 12.5,
                "raw": "12.5万元",
            },
        ]
    )
    assert old.execute("SELECT typeof(value) FROM cells WHERE column_key = 'total'").fetchone()[0] == "real"
    old.close()
    db = storage.open_db(path)
    got = {
        r[0]: r[1:] for r in db.execute("SELECT column_key, value, typeof(value), mark FROM cells").fetchall()
    }
    assert got["total"] == (2, "integer", None)
    assert got["research"] == (None, "null", "not_applicable")
    assert got["commercial"] == (None, "null", "blank")
    assert got["采购总金额"] == (12.5, "real", None)
    con = sqlite3.connect(path)
    assert "INTEGER" in con.execute("SELECT sql FROM sqlite_master WHERE name = 'cells'").fetchone()[0]
    con.close()
