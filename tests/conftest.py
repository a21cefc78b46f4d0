"""What many test modules share: the saved data, and crawls run as a user runs them.

A crawl runs ``python -m gsspider crawl`` in a subprocess, bounded in time, against servers on
127.0.0.1 that the tests start and stop. Tests that crawl (or serve) carry the ``crawl`` marker;
``python -m pytest -m "not crawl"`` is the fast lane.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from demoportal import TestPortal
    from demoportal.vhosts import VirtualHosts

ROOT = Path(__file__).resolve().parents[1]
#: The gsspider command as a subprocess runs it: this interpreter, the installed package.
GSSPIDER = [sys.executable, "-m", "gsspider"]
DATA = Path(__file__).parent / "data"
CRAWL_TIMEOUT = 180
#: Settings of a crawl of loopback servers: no politeness delay, no retries, quiet.
FAST_CRAWL = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_TIMEOUT": "5",
    "RETRY_TIMES": "0",
    "LOG_LEVEL": "WARNING",
    "GSSPIDER_PROGRESS_INTERVAL": "0",
}


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


def load_answers(folder: str) -> dict:
    return json.loads((DATA / folder / "answers.json").read_text(encoding="utf-8"))


def setting_args(settings: dict[str, str]) -> list[str]:
    out = []
    for k, v in settings.items():
        out += ["-s", f"{k}={v}"]
    return out


def local_settings(portal: TestPortal, **extra: str) -> list[str]:
    """``-s`` options for crawling the test portal: its hosts allowed, :data:`FAST_CRAWL`."""
    hosts = ",".join(urlsplit(s.base_url).netloc for s in portal.sites)
    return setting_args({"GSSPIDER_ALLOW_PRIVATE_HOSTS": hosts, **FAST_CRAWL, **extra})


def run(
    args: list[str], timeout: int = CRAWL_TIMEOUT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def crawl(
    portal: TestPortal, db: Path, urls: list[str] | None = None, **extra: str
) -> subprocess.CompletedProcess:
    urls = urls or [s.base_url for s in portal.sites]
    return run([*GSSPIDER, "crawl", *urls, "--db", str(db), *local_settings(portal, **extra)])


def crawl_via(proxy: VirtualHosts, db: Path, *urls: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Crawl named hosts through the loopback proxy (``http_proxy``), logging at INFO."""
    args = [*GSSPIDER, "crawl", *urls, "--db", str(db)]
    args += setting_args({**FAST_CRAWL, "LOG_LEVEL": "INFO"})
    return run(args, timeout=timeout, env=proxy.environ(dict(os.environ)))


def rows(db: Path, sql: str, params=()) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


@pytest.fixture(scope="session")
def demo_truth() -> list[dict]:
    """The demo portal's ground truth (``gsspider demo``'s portal: seed 0)."""
    from demoportal import TestPortal

    with TestPortal(seed=0) as portal:
        return portal.ground_truth()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo database exactly as a user makes it (``gsspider demo``), made once per test run;
    its output is ``demo.out`` beside it. Tests read it and derive from it; none changes its rows."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    proc = run([*GSSPIDER, "demo", "--db", str(db)])
    (db.parent / "demo.out").write_text(proc.stdout, encoding="utf-8")
    return db
