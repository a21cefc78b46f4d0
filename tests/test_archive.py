"""The WARC archive (issue 12): every stored page reads back from its record, byte-identical to
what the portal serves; standard tools (warcio) read every file; a truncated record is never a body;
a re-crawl writes revisits, not second copies."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from demoportal import TestPortal
from gsspider import archive
from tests.conftest import crawl, rows

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def portal():
    # the demo's kinds of site, and the families with attachments, POST list APIs and other machinery
    with TestPortal(n_sites=6, families=("attachments", "trs_api", "gkmlpt", "hanweb"), slow_seconds=0) as p:
        yield p


@pytest.fixture(scope="module")
def crawled(portal, tmp_path_factory):
    db = tmp_path_factory.mktemp("archive") / "a.db"
    crawl(portal, db)
    return db


def _requests(directory: Path) -> dict[str, tuple[str, bytes, list[tuple[str, str]]]]:
    """Each response record's request (method, body, headers), by the response's record id."""
    out = {}
    for path in sorted(directory.glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "request":
                    method = record.http_headers.protocol  # the request line's first word
                    out[record.rec_headers.get_header("WARC-Concurrent-To")] = (
                        method,
                        record.content_stream().read(),
                        list(record.http_headers.headers),
                    )
    return out


_NOT_REPEATED = {"accept-encoding", "if-none-match", "if-modified-since", "content-length"}


def _record_id(directory: Path, file: str, offset: int) -> str:
    with open(directory / file, "rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle)))
        return record.rec_headers.get_header("WARC-Record-ID")


def test_every_page_reads_back_byte_identical_to_the_portal(portal, crawled):
    directory = Path(crawled).parent / "warc"
    pages = rows(
        crawled,
        "SELECT url, final_url, kind, content_hash, warc_file, warc_offset FROM pages WHERE status = 200",
    )
    kinds = {p["kind"] for p in pages}
    assert {"home", "section", "column", "list", "api", "report", "attachment"} <= kinds, kinds
    files = rows(crawled, "SELECT url FROM reports WHERE attachment_of IS NOT NULL")
    assert files and {f["url"] for f in files} <= {p["final_url"] or p["url"] for p in pages}
    assert all(p["warc_file"] for p in pages), [p["url"] for p in pages if not p["warc_file"]][:5]
    requests = _requests(directory)
    con = sqlite3.connect(crawled)
    compared = {}
    once = 0
    for page in pages:
        stored = archive.stored_response(con, page["url"])
        assert stored is not None, page["url"]
        method, body, headers = requests[_record_id(directory, page["warc_file"], page["warc_offset"])]
        asked = urllib.request.Request(
            page["final_url"] or page["url"],
            data=body if method == "POST" else None,
            method=method,
            # as the crawl asked (its cookies, Referer, X-Requested-With), unconditionally, unencoded
            headers={k: v for k, v in headers if k.lower() not in _NOT_REPEATED},
        )
        try:
            with urllib.request.urlopen(asked, timeout=5) as answer:
                served = answer.read()
        except urllib.error.HTTPError as refused:
            # a one-time download token (the portal's expiring links) answers only the first GET:
            # those bytes are checked against the hash the crawl took of the body it parsed
            assert "下载链接已失效" in refused.read().decode("utf-8"), page["url"]
            once += 1
            assert hashlib.sha256(stored.body).hexdigest() == page["content_hash"], page["url"]
            continue
        assert stored.body == served, page["url"]
        compared[page["kind"]] = compared.get(page["kind"], 0) + 1
    # every kind of page the crawl stored was compared, a POST list API among them when there is one
    assert set(compared) == kinds
    assert once < compared["attachment"]
    reports = rows(crawled, "SELECT url FROM reports")
    assert reports
    for r in reports:
        assert archive.read_body(con, r["url"]) is not None, r["url"]


def test_warcio_reads_every_file_as_request_response_pairs(crawled):
    files = sorted((Path(crawled).parent / "warc").glob("*.warc.gz"))
    assert files
    responses, requests = set(), set()
    for path in files:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "request":
                    requests.add(record.rec_headers.get_header("WARC-Concurrent-To"))
                elif record.rec_type in ("response", "revisit"):
                    responses.add(record.rec_headers.get_header("WARC-Record-ID"))
    assert responses and responses == requests
    # warcio's own checker recomputes every record's block and payload digests
    check = subprocess.run(
        [sys.executable, "-c", "from warcio.cli import main; main()", "check", "-v", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    assert "digest pass" in check.stdout and "digest fail" not in check.stdout


def test_recrawl_writes_no_second_copy(portal, tmp_path):
    db = tmp_path / "r.db"
    first = crawl(portal, db)
    directory = tmp_path / "warc"
    # the crawl's summary says what the archive holds and costs
    assert re.search(
        r"archive: [\d.]+ MB in 1 WARC file .* [\d.]+ KB per report; \d+ pages point into it", first.stdout
    ), first.stdout[:600]
    before = [e for e in archive.scan(directory) if e.rec_type == "response"]
    crawl(portal, db, GSSPIDER_FRESHNESS_DAYS="0")
    after = list(archive.scan(directory))
    responses = [e for e in after if e.rec_type == "response"]
    revisits = [e for e in after if e.rec_type == "revisit"]
    # the second crawl revalidated everything: 304s write nothing, a body served again unchanged
    # (no validators) is a revisit; only a body that changed is a second response record
    urls_before = {e.url for e in before}
    second = [e for e in responses[len(before) :] if e.url in urls_before]
    changed = {e.url for e in second}
    digests = {(e.url, e.digest) for e in before}
    assert all((e.url, e.digest) not in digests for e in second), changed
    assert revisits or len(responses) == len(before)
    # every pages row still points at a record that exists and matches its digest
    con = sqlite3.connect(db)
    for (url,) in con.execute("SELECT url FROM pages WHERE warc_file IS NOT NULL"):
        assert archive.stored_response(con, url) is not None, url


def _page(writer: archive.ArchiveWriter, url: str, body: bytes) -> archive.Location:
    return writer.write(
        url=url,
        method="GET",
        request_headers=[],
        request_body=b"",
        status=200,
        headers=[("Content-Type", "text/html")],
        body=body,
    )


def test_truncated_record_is_not_a_body(tmp_path):
    writer = archive.ArchiveWriter(tmp_path)
    first = _page(writer, "http://x.invalid/a", b"<html>hello</html>")
    last = _page(writer, "http://x.invalid/b", b"<html>" + b"x" * 5000 + b"</html>")
    writer.close()
    path = tmp_path / first.file
    loaded = archive.load(path, first.offset, first.length)
    assert loaded is not None and loaded.body == b"<html>hello</html>" and loaded.status == 200
    data = path.read_bytes()
    path.write_bytes(data[: last.offset + last.length // 2])  # a crawl killed mid-write
    assert archive.load(path, last.offset, last.length) is None
    assert archive.load(path, first.offset, first.length) is not None
    found = list(archive.scan(tmp_path))
    assert [e.url for e in found if e.rec_type == "response"] == ["http://x.invalid/a"]


def test_a_gzip_body_is_archived_as_sent_and_read_decoded(tmp_path):
    import gzip

    writer = archive.ArchiveWriter(tmp_path)
    raw = gzip.compress("<html>年报</html>".encode())
    loc = writer.write(
        url="http://x.invalid/z",
        method="GET",
        request_headers=[("Accept-Encoding", "gzip")],
        request_body=b"",
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
        body=raw,
    )
    writer.close()
    stored = archive.load(tmp_path / loc.file, loc.offset, loc.length, loc.digest)
    assert stored is not None
    assert stored.raw == raw and loc.digest == archive.payload_digest(raw)
    assert stored.body == "<html>年报</html>".encode()
