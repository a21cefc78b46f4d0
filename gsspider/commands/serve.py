"""``gsspider serve``: the database in Datasette, with descriptions, facets, full-text search and
canned queries (gsspider.datasette). Runs until interrupted (Ctrl-C)."""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from gsspider import settings


def prepare(db_path: str) -> dict:
    """Refresh what is derived (bodies, coverage, cross-year checks) and build the metadata."""
    from gsspider import research, storage
    from gsspider.datasette import metadata

    db = storage.open_db(db_path)
    try:
        cov = research.refresh(db)["coverage"]
    finally:
        db.close()
    return metadata(Path(db_path).stem, cov)


def command(db_path: str, metadata_path: str, host: str, port: int, open_browser: bool = False) -> list[str]:
    args = [sys.executable, "-m", "datasette", "serve", db_path, "--metadata", metadata_path]
    args += ["--host", host, "--port", str(port), "--setting", "facet_time_limit_ms", "500"]
    args += ["--setting", "sql_time_limit_ms", "5000"]
    return args + (["--open"] if open_browser else [])


def run(args: argparse.Namespace) -> int:
    if not Path(args.db).exists():
        print(f"gsspider serve: no database at {args.db}", file=sys.stderr)
        return 2
    meta = prepare(args.db)
    with tempfile.TemporaryDirectory(prefix="gsspider-serve-") as tmp:
        path = Path(tmp) / "metadata.json"
        path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        name = Path(args.db).stem
        print(f"serving {args.db} at http://{args.host}:{args.port}/{name} (Ctrl-C to stop)", file=sys.stderr)
        proc = subprocess.Popen(command(args.db, str(path), args.host, args.port, args.open))

        def stop(signum, frame):  # a SIGTERM stops Datasette too, never leaves it running alone
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            return 130


def register(sub) -> None:
    p = sub.add_parser("serve", help="browse the database in Datasette (facets, search, canned queries)")
    p.add_argument("--db", default=settings.GSSPIDER_DB)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--open", action="store_true", help="open it in the web browser")
    p.set_defaults(func=run)
