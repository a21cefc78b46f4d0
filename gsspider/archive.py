"""The WARC archive of a crawl (issue 12): every response as a WARC/1.1 ``response`` record and the
``request`` record that asked for it (linked by ``WARC-Concurrent-To``; the request record keeps
the method, headers and body, so a POST list API can be told apart), gzip per record (warcio), in
size-rotated files beside the database (``<db dir>/warc/``, ``GSSPIDER_WARC_DIR``).

Where the bytes are: a ``pages`` row's ``warc_file`` (a name inside the archive directory, or an
absolute path for a crawl replayed from another archive), ``warc_offset`` and ``warc_length`` (of
the gzip member of the response record) and ``warc_digest`` (the record's ``WARC-Payload-Digest``,
``sha1:`` base32, of the payload as sent). :func:`load` is one seek and one read; it checks the
digest, so a truncated or damaged record is never read as a body.

Written by :class:`ArchiveMiddleware`, a downloader middleware next to the downloader (before
HttpCompressionMiddleware decodes), so a record holds the bytes and headers as the server sent
them. A record is written and flushed before the rest of the engine sees its response, so a
database row never points at a record that is not on disk. A body the archive already holds for
the URL (same payload digest) is written as a ``revisit`` record, never a second copy; a 304
writes nothing (the stored record stands).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import logging
import os
import secrets
import shutil
import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from gsspider import settings as defaults

logger = logging.getLogger(__name__)

#: ``request.meta`` key: the record a response was written to (or, replayed, read from).
META_LOCATION = "gsspider_warc"
#: One JSON line per record written (url, status, file, offset, length, digest, date), beside the
#: WARC files: the next crawl knows which bodies are archived without reading the archive.
INDEX_NAME = "gsspider-index.jsonl"


@dataclass(frozen=True)
class Location:
    """Where one response record is: ``file`` (relative to the archive directory, or absolute)."""

    file: str
    offset: int
    length: int
    digest: str
    date: str

    def columns(self) -> dict[str, Any]:
        """The ``pages`` columns that point at this record."""
        return {
            "warc_file": self.file,
            "warc_offset": self.offset,
            "warc_length": self.length,
            "warc_digest": self.digest,
        }


@dataclass(frozen=True)
class Stored:
    """A response read back from its record: the status, headers and payload as the server sent them."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    raw: bytes  # the payload as sent (still content-encoded)
    digest: str

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def body(self) -> bytes:
        """The payload with any ``Content-Encoding`` undone (what the parser reads)."""
        return decode_content(self.raw, self.header("Content-Encoding"))


@dataclass(frozen=True)
class Entry:
    """One complete record of an archive file, as :func:`scan` finds it."""

    file: str
    offset: int
    length: int
    rec_type: str  # response, revisit, request
    url: str
    record_id: str
    concurrent_to: str | None
    digest: str | None
    date: str
    refers_to: str | None = None  # a revisit's WARC-Refers-To-Target-URI
    key: str | None = None  # a request record's record_key (method, URL, body)


def record_key(method: str, url: str, body: bytes = b"") -> str:
    """What tells one request's response from another's: the URL of a GET, else method, URL and
    the body's SHA-1 (one POST list API answers each page's form differently)."""
    if method.upper() == "GET" and not body:
        return url
    return f"{method.upper()} {url} {hashlib.sha1(body).hexdigest()}"


def payload_digest(body: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def decode_content(raw: bytes, encoding: str | None) -> bytes:
    """``raw`` with its Content-Encoding (gzip, deflate, br) undone; unchanged when it cannot be."""
    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    body = raw
    for coding in reversed(codings):
        try:
            if coding in ("gzip", "x-gzip"):
                body = gzip.decompress(body)
            elif coding == "deflate":
                try:
                    body = zlib.decompress(body)
                except zlib.error:
                    body = zlib.decompress(body, -15)
            elif coding == "br":
                import brotli  # type: ignore[import-not-found,import-untyped,unused-ignore]

                body = brotli.decompress(body)
        except Exception:  # a body that does not decode is kept as sent
            return body
    return body


def archive_dir(db_path: str | Path, setting: str | None = None) -> Path:
    """The archive directory: the setting when given, else ``warc/`` beside the database."""
    if setting:
        return Path(setting)
    return Path(db_path).resolve().parent / "warc"


def db_archive_dir(db: Any) -> Path:
    """The default archive directory of an open database (``warc/`` beside its file)."""
    conn = getattr(db, "conn", db)
    main = [r[2] for r in conn.execute("PRAGMA database_list").fetchall() if r[1] == "main"]
    return archive_dir(main[0] if main and main[0] else ".")


def _header_pairs(headers: Any) -> list[tuple[str, str]]:
    """Scrapy ``Headers`` as (name, value) pairs, one per value (Set-Cookie stays apart)."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


class ArchiveWriter:
    """Appends gzip-per-record WARC records to ``gsspider-<time>-<pid>-<random>-<n>.warc.gz``, rotating past ``maxsize``."""

    def __init__(self, directory: str | Path, maxsize: int = defaults.GSSPIDER_WARC_MAXSIZE):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.maxsize = maxsize
        # time, process and a random part: two writers (workers on one disk, crawls in one
        # process) never name a file alike
        self.stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S") + f"-{os.getpid()}-{secrets.token_hex(3)}"
        self.serial = 0
        self.handle: Any = None
        self.name = ""
        self.bytes_written = 0
        self.records = 0
        self.revisits = 0
        self.index: Any = None

    def _file(self) -> Any:
        if self.handle is None or self.handle.tell() >= self.maxsize:
            if self.handle is not None:
                self.handle.close()
            self.serial += 1
            self.name = f"gsspider-{self.stamp}-{self.serial:05d}.warc.gz"
            self.handle = open(self.directory / self.name, "ab")
        return self.handle

    def _append(self, records: list[Any]) -> list[tuple[int, int]]:
        handle = self._file()
        spans = []
        for record in records:
            buf = io.BytesIO()
            WARCWriter(buf, gzip=True, warc_version="WARC/1.1").write_record(record)
            blob = buf.getvalue()
            offset = handle.tell()
            handle.write(blob)
            spans.append((offset, len(blob)))
            self.bytes_written += len(blob)
        handle.flush()  # on disk (the OS's) before any row points at it
        return spans

    def write(
        self,
        *,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        previous: Location | None = None,
        previous_url: str | None = None,
    ) -> Location:
        """Write a response + request pair (a ``revisit`` instead of the response when ``previous``
        holds the same payload digest); returns where the body's record is (the earlier one for a
        revisit)."""
        writer = WARCWriter(io.BytesIO(), gzip=True, warc_version="WARC/1.1")
        date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        digest = payload_digest(body)
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol="HTTP/1.1")
        revisit = previous is not None and previous.digest == digest
        if revisit:
            assert previous is not None
            response = writer.create_revisit_record(
                url,
                digest=digest,
                refers_to_uri=previous_url or url,
                refers_to_date=previous.date,
                http_headers=http_headers,
            )
            response.rec_headers.replace_header("WARC-Date", date)
        else:
            response = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date, "WARC-Payload-Digest": digest},
            )
        target = url.split("#")[0].split("://", 1)[-1]
        path = "/" + target.split("/", 1)[1] if "/" in target else "/"
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(request_body),
            length=len(request_body),
            http_headers=StatusAndHeaders(f"{method} {path} HTTP/1.1", request_headers, is_http_request=True),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        (offset, length), _ = self._append([response, request])
        self.records += 1
        if revisit:
            assert previous is not None
            self.revisits += 1
            found = previous
        else:
            found = Location(self.name, offset, length, digest, date)
        self._index(record_key(method, url, request_body), url, status, found)
        return found

    def _index(self, key: str, url: str, status: int, location: Location) -> None:
        """One line of :data:`INDEX_NAME` per record: the body ``key`` asked for is at ``location``."""
        if self.index is None:
            self.index = open(self.directory / INDEX_NAME, "a", encoding="utf-8")
        line = {"key": key, "url": url, "status": status, **asdict(location)}
        self.index.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.index.flush()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        if self.index is not None:
            self.index.close()
            self.index = None


def indexed_locations(directory: str | Path) -> dict[str, Location]:
    """The latest record of each URL by the archive's index (every record written, robots.txt and
    redirects included); a torn last line of a killed crawl is skipped."""
    path = Path(directory) / INDEX_NAME
    found: dict[str, Location] = {}
    try:
        handle = open(path, encoding="utf-8")
    except OSError:
        return found
    with handle:
        for line in handle:
            try:
                entry = json.loads(line)
                found[entry.get("key") or entry["url"]] = Location(
                    entry["file"], int(entry["offset"]), int(entry["length"]), entry["digest"], entry["date"]
                )
            except (ValueError, KeyError, TypeError):
                continue
    return found


def http_of(record: Any) -> tuple[int, list[tuple[str, str]]]:
    """A response or revisit record's HTTP status (0 when unreadable) and header pairs."""
    http = record.http_headers
    if http is None:
        return 0, []
    try:
        status = int(http.get_statuscode())
    except (TypeError, ValueError):
        status = 0
    return status, [(str(k), str(v)) for k, v in http.headers]


def record_at(path: str | Path, offset: int, length: int) -> Any:
    """The one record at ``offset`` (one seek, one read of ``length`` bytes), a warcio record whose
    payload is still to be read; OSError or ValueError when the file or the record is missing or cut
    short, warcio's own errors when it is damaged."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        blob = handle.read(length)
    if len(blob) < length:
        raise ValueError(f"record at {path}:{offset} cut short ({len(blob)} of {length} bytes)")
    for record in ArchiveIterator(io.BytesIO(blob)):
        return record
    raise ValueError(f"no record at {path}:{offset}")


def load(path: str | Path, offset: int, length: int, digest: str | None = None) -> Stored | None:
    """The response record at ``offset`` (:func:`record_at`), its payload checked against its
    ``WARC-Payload-Digest`` (and ``digest`` when given); None for a missing, truncated or damaged
    record, never a partial body."""
    try:
        record = record_at(path, offset, length)
        if record.rec_type != "response":
            return None
        raw = record.raw_stream.read()
        stated = record.rec_headers.get_header("WARC-Payload-Digest")
        found = payload_digest(raw)
        if found != stated or (digest and found != digest):
            return None
        status, headers = http_of(record)
        return Stored(
            url=record.rec_headers.get_header("WARC-Target-URI"),
            status=status,
            headers=headers,
            raw=raw,
            digest=found,
        )
    except Exception:  # a missing file, a broken gzip member or header is a missing body, not a crash
        return None


def resolve(directory: str | Path, file: str) -> Path:
    """A ``warc_file`` value as a path (an absolute one stands; a name is inside ``directory``)."""
    return Path(directory) / file


def stored_response(db: Any, url: str, directory: str | Path | None = None) -> Stored | None:
    """The archived response of ``url``'s ``pages`` row (by the asked URL or the final one); None
    when there is none, or its record is missing or does not match the row's digest."""
    conn = getattr(db, "conn", db)
    row = conn.execute(
        "SELECT warc_file, warc_offset, warc_length, warc_digest FROM pages"
        " WHERE (url = ? OR final_url = ?) AND warc_file IS NOT NULL ORDER BY url = ? DESC LIMIT 1",
        [url, url, url],
    ).fetchone()
    if not row:
        return None
    where = db_archive_dir(db) if directory is None else Path(directory)
    return load(resolve(where, row[0]), int(row[1]), int(row[2]), row[3])


def read_body(db: Any, url: str, directory: str | Path | None = None) -> bytes | None:
    """The archived body of ``url`` (Content-Encoding undone), or None."""
    stored = stored_response(db, url, directory)
    return None if stored is None else stored.body


def scan(directory: str | Path, files: list[Path] | None = None) -> Iterator[Entry]:
    """Every complete record of the archive's files, in file order. A record whose payload does
    not match its digest, or a truncated tail (a killed crawl), ends that file's scan with a
    warning: it is skipped, never read as a body."""
    paths = files if files is not None else sorted(Path(directory).glob("*.warc.gz"))
    for path in paths:
        try:
            handle = open(path, "rb")
        except OSError as exc:
            logger.warning("archive %s: %s", path, exc)
            continue
        with handle:
            iterator = ArchiveIterator(handle)
            try:
                for record in iterator:
                    h = record.rec_headers
                    raw = record.raw_stream.read()
                    digest = h.get_header("WARC-Payload-Digest")
                    if record.rec_type == "response" and payload_digest(raw) != digest:
                        raise ValueError("payload does not match its digest (truncated)")
                    if record.rec_type == "request" and len(raw) != int(
                        h.get_header("Content-Length") or 0
                    ) - (record.http_headers.total_len if record.http_headers else 0):
                        raise ValueError("request record truncated")
                    key = None
                    if record.rec_type == "request":
                        # warcio keeps a request line's method where a status line keeps its protocol
                        method = (record.http_headers.protocol if record.http_headers else "") or "GET"
                        key = record_key(method, h.get_header("WARC-Target-URI") or "", raw)
                    iterator.read_to_end(record)
                    yield Entry(
                        file=path.name if Path(path).parent == Path(directory) else str(path),
                        offset=iterator.get_record_offset(),
                        length=iterator.get_record_length(),
                        rec_type=record.rec_type,
                        url=h.get_header("WARC-Target-URI") or "",
                        record_id=h.get_header("WARC-Record-ID") or "",
                        concurrent_to=h.get_header("WARC-Concurrent-To"),
                        digest=digest,
                        date=h.get_header("WARC-Date") or "",
                        refers_to=h.get_header("WARC-Refers-To-Target-URI"),
                        key=key,
                    )
            except Exception as exc:  # a truncated or broken tail
                logger.warning(
                    "archive %s ends in a truncated or broken record: skipped (%s)", path.name, exc
                )


def copy_archive(source: str | Path, target: str | Path) -> tuple[int, int]:
    """The WARC files (and index lines) of ``source`` into ``target``, for ``gsspider merge``: the
    merged rows name the same files. Files already in ``target`` are kept; returns (files, bytes)."""
    source, target = Path(source), Path(target)
    if not source.is_dir() or source.resolve() == target.resolve():
        return 0, 0
    target.mkdir(parents=True, exist_ok=True)
    copied = size = 0
    for path in sorted(source.glob("*.warc.gz")):
        dest = target / path.name
        if dest.exists() and dest.stat().st_size >= path.stat().st_size:
            continue
        shutil.copyfile(path, dest)
        copied += 1
        size += path.stat().st_size
    index = source / INDEX_NAME
    if copied and index.exists():
        with open(target / INDEX_NAME, "a", encoding="utf-8") as out:
            out.write(index.read_text(encoding="utf-8"))
    return copied, size


def unreferenced(directory: str | Path, known: dict[str, Location], since: float = 0.0) -> list[Entry]:
    """Complete response records of the files written since ``since`` (a POSIX time) that ``known``
    (the archive's index) lacks (a crawl killed between a record and its index line);
    a truncated tail is skipped by :func:`scan`."""
    referenced = {(loc.file, loc.offset) for loc in known.values()}
    files = [p for p in sorted(Path(directory).glob("*.warc.gz")) if p.stat().st_mtime >= since]
    return [
        e for e in scan(directory, files) if e.rec_type == "response" and (e.file, e.offset) not in referenced
    ]


def _unfinished_since(db_path: str | Path) -> float:
    """When the newest unfinished crawl of ``db_path`` started (POSIX time; 0 when unknown)."""
    try:
        con = sqlite3.connect(db_path)
        try:
            row = con.execute(
                "SELECT started FROM crawls WHERE finished IS NULL ORDER BY id DESC LIMIT 1"
            ).fetchone()
        finally:
            con.close()
        when = datetime.fromisoformat(row[0]) if row and row[0] else None
    except (sqlite3.Error, ValueError):
        return 0.0
    if when is None:
        return 0.0
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp() - 1.0


class ArchiveMiddleware:
    """Downloader middleware: writes each response's records before the rest of the engine sees
    it, and leaves where in ``request.meta[META_LOCATION]`` (the ``pages`` row takes it from there)."""

    def __init__(self, writer: ArchiveWriter | None, stats: Any = None):
        self.writer = writer
        self.stats = stats
        #: The record of each request key's latest body (from the archive's index, then this crawl).
        self.known: dict[str, Location] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchiveMiddleware:
        settings = crawler.settings
        db_path = settings.get("GSSPIDER_DB", defaults.GSSPIDER_DB)
        writer = None
        if settings.getbool("GSSPIDER_WARC", defaults.GSSPIDER_WARC) and settings.getbool(
            "GSSPIDER_SQLITE_ENABLED", defaults.GSSPIDER_SQLITE_ENABLED
        ):
            directory = archive_dir(db_path, settings.get("GSSPIDER_WARC_DIR", defaults.GSSPIDER_WARC_DIR))
            writer = ArchiveWriter(
                directory, settings.getint("GSSPIDER_WARC_MAXSIZE", defaults.GSSPIDER_WARC_MAXSIZE)
            )
        mw = cls(writer, crawler.stats)
        if writer is not None:
            # every record written (merged archives' too) is in the index: the pages rows add nothing
            mw.known.update(indexed_locations(writer.directory))
            if settings.getbool("GSSPIDER_RESUME", defaults.GSSPIDER_RESUME):
                mw.reconcile(db_path)
        from scrapy import signals

        crawler.signals.connect(mw.spider_closed, signals.spider_closed)
        return mw

    def reconcile(self, db_path: str | Path) -> int:
        """Resume: records of the killed crawl that no row points at are made known, so their
        bodies fetched again are written as revisits, not second copies. Returns how many."""
        assert self.writer is not None
        orphans = unreferenced(self.writer.directory, self.known, _unfinished_since(db_path))
        for entry in orphans:
            if entry.digest:
                self.known.setdefault(
                    entry.url, Location(entry.file, entry.offset, entry.length, entry.digest, entry.date)
                )
        if orphans:
            logger.info(
                "archive: %d record(s) of the interrupted crawl had no row yet; reconciled", len(orphans)
            )
        if self.stats is not None:
            self.stats.set_value("gsspider/warc/reconciled", len(orphans))
        return len(orphans)

    def spider_closed(self, spider: Any = None) -> None:
        if self.writer is None:
            return
        if self.stats is not None:
            self.stats.set_value("gsspider/warc/bytes", self.writer.bytes_written)
            self.stats.set_value("gsspider/warc/records", self.writer.records)
            self.stats.set_value("gsspider/warc/revisits", self.writer.revisits)
        self.writer.close()

    def process_request(self, request: Any, spider: Any = None) -> None:
        # A redirect's request copies the meta of the one it replaces: each response says its own record.
        request.meta.pop(META_LOCATION, None)

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        replayed = request.meta.get(META_LOCATION)
        if isinstance(replayed, Location):
            self.known[record_key(request.method, response.url, request.body or b"")] = replayed
            return response
        if self.writer is None or response.status == 304 or request.meta.get("playwright"):
            # A 304 writes nothing (the stored record stands); a browser-rendered DOM is not what
            # the server sent.
            return response
        key = record_key(request.method, response.url, request.body or b"")
        try:
            location = self.writer.write(
                url=response.url,
                method=request.method,
                request_headers=_header_pairs(request.headers),
                request_body=request.body or b"",
                status=response.status,
                headers=_header_pairs(response.headers),
                body=response.body,
                previous=self.known.get(key),
            )
        except OSError as exc:
            logger.error("archive: could not write %s: %s", response.url, exc)
            if self.stats is not None:
                self.stats.inc_value("gsspider/warc/write_errors")
            return response
        self.known[key] = location
        request.meta[META_LOCATION] = location
        return response


def location_fields(meta: dict[str, Any]) -> dict[str, Any]:
    """The ``pages`` columns pointing at the record of the response whose meta this is."""
    loc = meta.get(META_LOCATION)
    return loc.columns() if isinstance(loc, Location) else {}
