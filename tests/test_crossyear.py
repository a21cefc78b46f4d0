"""Cross-year checks and narrative repeats (gsspider.crossyear), as pure functions and stored."""

from __future__ import annotations

from gsspider import crossyear, research, storage


def test_carry_checks_per_column():
    prev = {"natural_person": 3, "commercial": 0, "research": None, "total": 3}
    now = {"natural_person": 3, "commercial": 1, "research": 0, "total": 4}
    got = {c: (b, a, p) for c, b, a, p in crossyear.carry_checks(prev, now)}
    assert got["natural_person"] == (3, 3, True)
    assert got["commercial"] == (0, 1, False)
    assert got["research"] == (None, 0, None)  # blank: not computable, never read as 0
    assert got["total"] == (3, 4, False)
    assert crossyear.carry_checks(None, now) == []


def test_repeat_share_masks_numbers():
    last = "本年度，我县共收到政府信息公开申请12件，全部按时答复。我们将继续加强平台建设，提升公开质量。"
    copied = "本年度，我县共收到政府信息公开申请35件，全部按时答复。我们将继续加强平台建设，提升公开质量。"
    fresh = "今年重点推进基层政务公开标准化规范化工作，编制了事项目录。问题在于人员力量不足，培训不够。"
    assert crossyear.repeat_share(copied, last) == 1.0
    assert crossyear.repeat_share(fresh, last) == 0.0
    half = crossyear.repeat_share(copied.split("。")[0] + "。" + fresh, last)
    assert 0.0 < half < 1.0
    assert crossyear.repeat_share("", last) is None
    # table lines read as text are not narrative
    assert crossyear.sentences("| 12 | 3 | 0 | 0 | 1 | 16 |") == []


def _report(
    db,
    url,
    year,
    carried_over,
    carried_forward,
    text="本年度工作平稳推进，公开质量持续提升，群众满意度提高。",
):
    db.table("reports").insert(
        {
            "url": url,
            "site": "http://s/",
            "publisher": "某县财政局",
            "report_year": year,
            "is_report": 1,
            "level": "department",
            "text": text,
            "sections": "[]",
            "published_date": f"{year + 1}-02-01",
        }
    )
    for row, value in (("carried_over", carried_over), ("carried_forward", carried_forward)):
        db.table("cells").insert(
            {
                "report_url": url,
                "table_name": "table3",
                "row_key": row,
                "column_key": "natural_person",
                "value": value,
                "raw": "" if value is None else str(value),
            }
        )


def test_stored_cross_year_checks(tmp_path):
    db = storage.open_db(tmp_path / "x.db")
    _report(db, "http://s/2021", 2021, 0, 4)
    _report(db, "http://s/2022", 2022, 4, 2)  # agrees with 2021
    _report(
        db, "http://s/2023", 2023, 5, 0, text="全新的叙述文字，与去年完全不同，讲述了新的工作重点。"
    )  # 5 ≠ 2
    _report(db, "http://s/2025", 2025, 1, 0)  # 2024 missing: nothing to compare
    research.refresh(db)
    checks = {
        r["report_url"]: r
        for r in db.query("SELECT * FROM checks WHERE scope = 'cross_year' AND column_key = 'natural_person'")
    }
    assert set(checks) == {"http://s/2022", "http://s/2023"}
    assert checks["http://s/2022"]["passed"] == 1
    bad = checks["http://s/2023"]
    assert (bad["passed"], bad["expected"], bad["actual"], bad["other_report_url"]) == (
        0,
        2,
        5,
        "http://s/2022",
    )
    reports = {r["url"]: r for r in db.query("SELECT * FROM reports")}
    assert reports["http://s/2023"]["cross_year_failed"] == 1
    assert reports["http://s/2022"]["cross_year_failed"] == 0
    assert reports["http://s/2022"]["narrative_repeat"] == 1.0
    assert reports["http://s/2023"]["narrative_repeat"] == 0.0
    assert reports["http://s/2021"]["narrative_repeat"] is None
    research.refresh(db)  # idempotent
    assert db.execute("SELECT count(*) FROM checks WHERE scope = 'cross_year'").fetchone()[0] == 2
