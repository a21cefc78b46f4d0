"""Replay (issue 12): ``gsspider crawl --from-warc`` answers the same spider from the archive, with
the portal stopped, and stores what the crawl that wrote the archive stored; the index keys POSTs
by their body, resolves revisits and skips a truncated record."""

from __future__ import annotations

import gzip
import io
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.http import Request
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from demoportal import TestPortal
from gsspider import archive, replay
from gsspider.vocab import ERROR_DNS, ERROR_NOT_ARCHIVED, ERROR_TIMEOUT, ERROR_TOO_LARGE
from tests.conftest import GSSPIDER, ROOT, crawl, local_settings, rows, run

API = "http://127.0.0.1:1/module/web/jpage/dataproxy.jsp"


# --- the index, on an archive written here with warcio ---------------------------------------
def _pair(
    out: io.BufferedWriter,
    url: str,
    body: bytes,
    *,
    method: str = "GET",
    form: bytes = b"",
    headers: list[tuple[str, str]] | None = None,
    revisit_of: tuple[str, str] | None = None,
) -> str:
    """Append a response (or a revisit of ``(url, date)``) and its request record; the record id."""
    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    http = StatusAndHeaders("200 OK", headers or [("Content-Type", "text/html")], protocol="HTTP/1.1")
    if revisit_of:
        response = writer.create_revisit_record(
            url,
            digest=archive.payload_digest(body),
            refers_to_uri=revisit_of[0],
            refers_to_date=revisit_of[1],
            http_headers=http,
        )
    else:
        response = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={"WARC-Payload-Digest": archive.payload_digest(body)},
        )
    request = writer.create_warc_record(
        url,
        "request",
        payload=io.BytesIO(form),
        length=len(form),
        http_headers=StatusAndHeaders(f"{method} /x HTTP/1.1", [("Host", "127.0.0.1")], is_http_request=True),
        warc_headers_dict={"WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")},
    )
    writer.write_record(response)
    writer.write_record(request)
    return response.rec_headers.get_header("WARC-Date")


@pytest.fixture
def handmade(tmp_path) -> Path:
    directory = tmp_path / "warc"
    directory.mkdir()
    with open(directory / "a.warc.gz", "wb") as out:
        _pair(out, API, b"<datastore>page 1</datastore>", method="POST", form=b"startrecord=1&endrecord=15")
        _pair(out, API, b"<datastore>page 2</datastore>", method="POST", form=b"startrecord=16&endrecord=30")
        date = _pair(out, "http://127.0.0.1:1/a.html", b"<html>first</html>")
        _pair(
            out, "http://127.0.0.1:1/robots.txt", b"User-agent: *\n", headers=[("Content-Type", "text/plain")]
        )
    with open(directory / "b.warc.gz", "wb") as out:
        # the same body again, fetched later: a revisit with headers of its own
        _pair(
            out,
            "http://127.0.0.1:1/a.html",
            b"<html>first</html>",
            headers=[("Content-Type", "text/html"), ("ETag", '"v2"')],
            revisit_of=("http://127.0.0.1:1/a.html", date),
        )
        # a revisit whose original is not in the archive
        _pair(
            out,
            "http://127.0.0.1:1/gone.html",
            b"elsewhere",
            revisit_of=("http://127.0.0.1:1/gone.html", date),
        )
        # a killed crawl's last record, cut short
        buf = io.BytesIO()
        _pair(buf, "http://127.0.0.1:1/cut.html", b"<html>" + b"x" * 5000 + b"</html>")  # type: ignore[arg-type]
        out.write(buf.getvalue()[: len(buf.getvalue()) // 3])
    return directory


def test_two_posts_to_one_url_are_served_apart(handmade):
    index = replay.ArchiveIndex.build(handmade)
    first = index.response(Request(API, method="POST", body=b"startrecord=1&endrecord=15"))
    second = index.response(Request(API, method="POST", body=b"startrecord=16&endrecord=30"))
    assert first is not None and second is not None
    assert first.body == b"<datastore>page 1</datastore>"
    assert second.body == b"<datastore>page 2</datastore>"
    assert index.response(Request(API, method="POST", body=b"startrecord=31&endrecord=45")) is None
    assert index.response(Request(API)) is None  # a GET of the API was never archived
    assert "warc" in first.flags
    assert isinstance(first.meta[archive.META_LOCATION], archive.Location)


def test_a_revisit_is_served_with_the_body_it_refers_to(handmade):
    index = replay.ArchiveIndex.build(handmade)
    response = index.response(Request("http://127.0.0.1:1/a.html"))
    assert response is not None
    assert response.body == b"<html>first</html>"
    assert response.headers.get("ETag") == b'"v2"'  # the revisit's own headers
    loc = response.meta[archive.META_LOCATION]
    assert Path(loc.file) == (handmade / "a.warc.gz").resolve()  # the record holding the body
    stored = archive.load(loc.file, loc.offset, loc.length, loc.digest)
    assert stored is not None and stored.body == b"<html>first</html>"
    assert index.unresolved == 1
    assert index.response(Request("http://127.0.0.1:1/gone.html")) is None


def test_a_truncated_last_record_is_skipped(handmade):
    index = replay.ArchiveIndex.build(handmade)
    assert index.response(Request("http://127.0.0.1:1/cut.html")) is None
    assert set(index.entries) == {
        archive.record_key("POST", API, b"startrecord=1&endrecord=15"),
        archive.record_key("POST", API, b"startrecord=16&endrecord=30"),
        archive.record_key("GET", "http://127.0.0.1:1/a.html"),
        archive.record_key("GET", "http://127.0.0.1:1/robots.txt"),
    }


class _Stats:
    def __init__(self):
        self.values: dict[str, int] = {}

    def inc_value(self, key, count=1):
        self.values[key] = self.values.get(key, 0) + count


def test_a_request_not_in_the_archive_fails_naming_its_url(handmade):
    mw = replay.ReplayMiddleware(replay.ArchiveIndex.build(handmade), _Stats())
    assert mw.process_request(Request("http://127.0.0.1:1/robots.txt")).body == b"User-agent: *\n"
    with pytest.raises(replay.NotArchived, match=r"GET http://127\.0\.0\.1:1/nowhere\.html"):
        mw.process_request(Request("http://127.0.0.1:1/nowhere.html"))
    assert mw.stats.values == {"gsspider/replay/served": 1, "gsspider/replay/not_archived": 1}


def test_gzip_payload_is_served_as_sent(tmp_path):
    """The payload keeps its Content-Encoding: HttpCompressionMiddleware decodes it, as from the network."""
    directory = tmp_path / "warc"
    directory.mkdir()
    raw = gzip.compress("<html>年报</html>".encode())
    with open(directory / "g.warc.gz", "wb") as out:
        _pair(
            out,
            "http://127.0.0.1:1/z.html",
            raw,
            headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        )
    response = replay.ArchiveIndex.build(directory).response(Request("http://127.0.0.1:1/z.html"))
    assert response is not None and response.body == raw
    assert response.headers.get("Content-Encoding") == b"gzip"


def test_from_warc_without_warc_files_is_refused(tmp_path):
    args = [*GSSPIDER, "crawl", "--from-warc", str(tmp_path), "--db", str(tmp_path / "n.db")]
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert f"no WARC files (*.warc.gz) in {tmp_path}" in proc.stderr
    assert not (tmp_path / "n.db").exists()


# --- a crawl of the demo portal, replayed with the portal stopped ------------------------------
#: Columns that differ between two crawls of the same bytes: when, which crawl, where the record is named from.
VOLATILE = {"fetched_at", "crawl_id", "validated_at", "first_seen", "last_seen", "warc_file"}
TABLES = ("reports", "cells", "checks", "pages", "crawl_errors", "report_versions")


def _content(db: Path, table: str, where: str = "1", params: list | None = None) -> list[tuple]:
    """The table's rows (sorted) without the columns two crawls of the same bytes differ in."""
    con = sqlite3.connect(db)
    try:
        columns = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] not in VOLATILE]
        assert columns, table
        listed = ", ".join(f"[{c}]" for c in columns)
        found = con.execute(f"SELECT {listed} FROM {table} WHERE {where}", params or []).fetchall()
        return sorted(found, key=lambda r: tuple(map(repr, r)))
    finally:
        con.close()


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """A crawl of the demo portal (every list family: Hanweb's POST dataproxy, TRS and gkmlpt APIs,
    attachments, an anti-bot site) into a database and its archive; the portal stopped after."""
    db = tmp_path_factory.mktemp("replay") / "crawled.db"
    with TestPortal(
        n_sites=6, families=("hanweb", "trs_api", "gkmlpt", "attachments", "blocked"), slow_seconds=0
    ) as portal:
        crawl(portal, db)
        urls = [s.base_url for s in portal.sites]
        settings = local_settings(portal)
        posts = len(portal.request_bodies)
    return db, urls, settings, posts


@pytest.mark.crawl
def test_replay_stores_what_the_crawl_stored_with_the_portal_stopped(archived, tmp_path):
    db, urls, settings, posts = archived
    assert posts >= 2  # the archive holds POSTs of one API URL with different bodies
    directory = db.parent / "warc"
    replayed = tmp_path / "new.db"
    proc = run([*GSSPIDER, "crawl", *urls, "--from-warc", str(directory), "--db", str(replayed), *settings])
    served = re.search(r"from the archive: (\d+) responses served, (\d+) requests not in it", proc.stdout)
    requests = re.search(r"requests: (\d+),", proc.stdout)
    assert served and requests, proc.stdout
    # A download that failed (too large, timed out) left no record: replayed, it is not_archived.
    lost = rows(
        db,
        "SELECT url FROM crawl_errors WHERE error IN (?, ?, ?)",
        [ERROR_TOO_LARGE, ERROR_TIMEOUT, ERROR_DNS],
    )
    assert lost  # the attachments family's 80 MB PDF, cancelled at the 32 MiB limit
    missing = rows(replayed, "SELECT url FROM crawl_errors WHERE error = ?", [ERROR_NOT_ARCHIVED])
    assert sorted(m["url"] for m in missing) == sorted(r["url"] for r in lost)
    # Every other request the engine made was answered from the archive (the portal is gone: one
    # that went to the network would be a connection error in crawl_errors, compared below).
    assert int(served.group(2)) == len(lost)
    assert int(served.group(1)) + len(lost) == int(requests.group(1)) > 0
    assert rows(replayed, "SELECT count(*) n FROM reports")[0]["n"] > 50
    for table in TABLES:
        if table in ("crawl_errors", "pages"):
            continue
        assert _content(replayed, table) == _content(db, table), table
    # pages is one row per URL: of several POSTs to one list-API URL the row keeps whichever
    # answer finished last, which differs between two runs; the rest must be the same
    assert _content(replayed, "pages", "kind != 'api'") == _content(db, "pages", "kind != 'api'")
    api = "SELECT DISTINCT url FROM pages WHERE kind = 'api' ORDER BY 1"
    assert rows(replayed, api) == rows(db, api)
    failed = "error NOT IN (?, ?, ?, ?)"
    kinds = [ERROR_NOT_ARCHIVED, ERROR_TOO_LARGE, ERROR_TIMEOUT, ERROR_DNS]
    assert _content(replayed, "crawl_errors", failed, kinds) == _content(db, "crawl_errors", failed, kinds)
    # each replayed page points at the very record it was served from, in the source archive
    before = {
        (r["url"], r["warc_offset"]): archive.resolve(directory, r["warc_file"]).resolve()
        for r in rows(
            db, "SELECT url, warc_file, warc_offset FROM pages WHERE warc_file IS NOT NULL AND kind != 'api'"
        )
    }
    after = {
        (r["url"], r["warc_offset"]): Path(r["warc_file"])
        for r in rows(
            replayed,
            "SELECT url, warc_file, warc_offset FROM pages WHERE warc_file IS NOT NULL AND kind != 'api'",
        )
    }
    assert after == before and after
    # replay wrote no record of its own
    assert not list((tmp_path / "warc").glob("*.warc.gz"))


@pytest.mark.crawl
def test_replay_takes_the_seeds_of_the_crawl_that_wrote_the_archive(archived, tmp_path):
    db, _, settings, _ = archived
    replayed = tmp_path / "seeded.db"
    proc = run([*GSSPIDER, "crawl", "--from-warc", str(db.parent / "warc"), "--db", str(replayed), *settings])
    assert f"seeds of the newest crawl of {db}" in proc.stderr
    assert _content(replayed, "reports") == _content(db, "reports")


@pytest.mark.crawl
def test_a_page_not_in_the_archive_is_an_error_not_a_fetch(archived, tmp_path):
    db, urls, settings, _ = archived
    replayed = tmp_path / "more.db"
    extra = "http://127.0.0.1:9/"  # not archived (and nothing listens there)
    proc = run(
        [
            *GSSPIDER,
            "crawl",
            urls[0],
            extra,
            "--from-warc",
            str(db.parent / "warc"),
            "--db",
            str(replayed),
            *settings,
        ]
    )
    missing = rows(replayed, "SELECT url, message FROM crawl_errors WHERE error = ?", [ERROR_NOT_ARCHIVED])
    assert [m["url"] for m in missing] == [extra], missing
    assert extra in missing[0]["message"]
    assert re.search(r"from the archive: \d+ responses served, [1-9]\d* requests not in it", proc.stdout)


def test_a_record_over_the_download_limit_is_refused_as_the_network_would(handmade):
    from scrapy.exceptions import DownloadCancelledError

    mw = replay.ReplayMiddleware(replay.ArchiveIndex.build(handmade), _Stats(), maxsize=10)
    request = Request("http://127.0.0.1:1/a.html")
    with pytest.raises(DownloadCancelledError, match="max size"):
        mw.process_request(request)
    assert archive.META_LOCATION not in request.meta
    request = Request("http://127.0.0.1:1/a.html", meta={"download_maxsize": 0})  # 0: no limit
    assert mw.process_request(request).body == b"<html>first</html>"


# --- the archive as a WACZ package ------------------------------------------------------------
@pytest.mark.crawl
def test_export_wacz_packages_the_archive_and_validates(archived, tmp_path):
    import hashlib
    import json
    import zipfile

    db, _, _, _ = archived
    out = tmp_path / "crawl.wacz"
    proc = run([*GSSPIDER, "export", "--wacz", str(out), "--db", str(db)])
    assert re.search(r"wacz: 1 WARC file\(s\) \(\d+ bytes\), \d+ pages -> ", proc.stdout), proc.stdout
    # the package's own validator, run apart
    check = run([sys.executable, "-m", "wacz", "validate", "-f", str(out)])
    assert "Validation succeeded" in check.stdout
    warcs = sorted((db.parent / "warc").glob("*.warc.gz"))
    with zipfile.ZipFile(out) as package:
        names = set(package.namelist())
        assert {f"archive/{w.name}" for w in warcs} | {"datapackage.json", "indexes/index.cdx.gz"} <= names
        for w in warcs:  # byte-identical copies
            assert package.read(f"archive/{w.name}") == w.read_bytes()
        described = {r["path"]: r for r in json.loads(package.read("datapackage.json"))["resources"]}
        for w in warcs:
            assert (
                described[f"archive/{w.name}"]["hash"]
                == "sha256:" + hashlib.sha256(w.read_bytes()).hexdigest()
            )
        listed = [json.loads(line) for line in package.read("pages/pages.jsonl").decode().splitlines()[1:]]
    reports = {r["url"] for r in rows(db, "SELECT url FROM reports")}
    homes = {r["url"] for r in rows(db, "SELECT url FROM pages WHERE kind = 'home' AND status = 200")}
    assert {p["url"] for p in listed} == reports | homes


def test_export_wacz_without_an_archive_is_refused(tmp_path):
    db = tmp_path / "empty.db"
    sqlite3.connect(db).execute("CREATE TABLE pages (url TEXT)").connection.close()
    args = [*GSSPIDER, "export", "--wacz", str(tmp_path / "x.wacz"), "--db", str(db)]
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "no WARC files" in proc.stderr
    assert not (tmp_path / "x.wacz").exists()
