"""Reporting bodies (gsspider.bodies): one identity across years, normalised names, aliases for a
renamed body, stable ids, a body for a site that gave no report."""

from __future__ import annotations

import pytest

from gsspider import bodies, storage


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("临白县教育局", "临白县教育局"),
        (" 临白县 教育局 ", "临白县教育局"),
        ("臨白縣教育局", "临白县教育局"),  # Traditional
        ("中共临白县委员会办公室", "临白县委员会办公室"),
        ("临白县教育局（本级）", "临白县教育局"),
        ("临白县教育局（本级）", "临白县教育局"),  # full-width brackets
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_name(name, key):
    assert bodies.normalise_name(name) == key


def _db(tmp_path):
    db = storage.open_db(tmp_path / "b.db")
    rows = [
        ("http://a/1", "http://a/", "临白县卫生和计划生育委员会", 2018, 1),
        ("http://a/2", "http://a/", "临白县卫生健康委员会", 2019, 1),
        ("http://a/3", "http://a/", "临白县卫生健康委员会 ", 2020, 1),
        ("http://a/4", "http://a/", "臨白縣衛生健康委員會", 2021, 1),
        ("http://a/5", "http://a/", None, None, 0),  # a scan: body and year from its title
    ]
    for url, site, publisher, year, is_report in rows:
        db.table("reports").insert(
            {
                "url": url,
                "site": site,
                "publisher": publisher,
                "report_year": year,
                "is_report": is_report,
                "level": "department" if publisher else "unknown",
                "title": "临白县卫生健康委员会2022年政府信息公开工作年度报告" if not publisher else None,
                "flags": '[{"code": "needs_ocr"}]' if not is_report else "[]",
            }
        )
    db.table("sites").insert_all(
        [
            {"url": "http://a/", "name": "临白县", "status": "ok"},
            {"url": "http://b/", "name": "某镇", "status": "blocked"},
        ]
    )
    return db


def test_one_body_across_years_and_spellings(tmp_path):
    db = _db(tmp_path)
    bodies.assign_bodies(db)
    by_url = {r["url"]: r["body_id"] for r in db.query("SELECT url, body_id FROM reports")}
    assert by_url["http://a/2"] == by_url["http://a/3"] == by_url["http://a/4"] == by_url["http://a/5"]
    assert by_url["http://a/1"] != by_url["http://a/2"]  # renamed: two bodies until joined
    names = {r["key"]: r for r in db.query("SELECT * FROM bodies")}
    assert names["临白县卫生健康委员会"]["first_year"] == 2019
    assert names["临白县卫生健康委员会"]["last_year"] == 2022  # the scan's year, from its title
    assert names["临白县卫生健康委员会"]["reports"] == 3
    # the blocked site that gave nothing still has a body (a coverage row)
    assert names["site:http://b/"]["name"] == "某镇"


def test_alias_joins_a_renamed_body_and_ids_stay(tmp_path):
    db = _db(tmp_path)
    bodies.assign_bodies(db)
    before = {r["key"]: r["id"] for r in db.query("SELECT key, id FROM bodies")}
    bodies.add_alias(db, "临白县卫生和计划生育委员会", "临白县卫生健康委员会", note="2019 机构改革")
    bodies.assign_bodies(db)
    after = {r["key"]: r["id"] for r in db.query("SELECT key, id FROM bodies")}
    assert "临白县卫生和计划生育委员会" not in after
    assert after["临白县卫生健康委员会"] == before["临白县卫生健康委员会"]
    ids = {r["body_id"] for r in db.query("SELECT body_id FROM reports")}
    assert ids == {before["临白县卫生健康委员会"]}
    body = next(db.query("SELECT * FROM bodies WHERE key = '临白县卫生健康委员会'"))
    assert body["first_year"] == 2018 and body["reports"] == 4
    assert body["name"] == "臨白縣衛生健康委員會"  # the newest spelling names it
    assert "临白县卫生和计划生育委员会" in body["names"]
    with pytest.raises(ValueError):
        bodies.add_alias(db, "同名", "同名")
