"""A portal whose report list exists only after JavaScript runs: found by the real spider when the
site registry marks it ``render`` (system Chromium through scrapy-playwright), missed without."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from demoportal import TestPortal
from gsspider import browser
from tests.conftest import GSSPIDER, local_settings, rows, run

pytestmark = [
    pytest.mark.crawl,  # runs a crawl or a server: not in the fast lane
    pytest.mark.skipif(
        browser.find_chromium() is None or bool(browser.missing_packages()),
        reason="needs Chromium and scrapy-playwright (scripts/setup-dev.sh installs them)",
    ),
]


@pytest.fixture(scope="module")
def portal():
    with TestPortal(n_sites=0, families=("render",), seed=0) as p:
        yield p


def _registry(path: Path, url: str, render: bool) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["url", "name", "family", "budget", "freshness_days", "render", "domains", "notes"])
        w.writerow([url, "js town", "", "", "", "1" if render else "0", "", ""])
    return path


def _crawl(portal, tmp_path: Path, render: bool) -> Path:

    db = tmp_path / f"render-{render}.db"
    reg = _registry(tmp_path / f"sites-{render}.csv", portal.sites[0].base_url + "/", render)
    run(
        [
            *GSSPIDER,
            "crawl",
            "--sites",
            str(reg),
            "--db",
            str(db),
            *local_settings(portal),
        ],
        timeout=150,
    )
    return db


def test_rendered_site_yields_every_report(portal, tmp_path):
    truth = {t["url"] for t in portal.ground_truth()}
    assert len(truth) >= 4
    db = _crawl(portal, tmp_path, render=True)
    stored = {r["url"] for r in rows(db, "SELECT url FROM reports WHERE is_report = 1")}
    assert stored == truth
    assert not rows(db, "SELECT * FROM crawl_errors WHERE error = 'browser_unavailable'")


def test_without_rendering_the_list_is_empty(portal, tmp_path):
    truth = {t["url"] for t in portal.ground_truth()}
    db = _crawl(portal, tmp_path, render=False)
    stored = {r["url"] for r in rows(db, "SELECT url FROM reports WHERE is_report = 1")}
    # Only the newest report, reachable by a redirecting 年报（旧版） link, is found without a browser.
    assert len(stored) <= 1 and stored <= truth
