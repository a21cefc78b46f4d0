"""``gsspider parse``: report files or URLs to JSON Lines (or a readable summary), no database."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from parsers import parse_report
from parsers.constants import UNREADABLE_FLAGS
from parsers.records import Report

#: Exit status when at least one input could not be read as a report.
EXIT_UNREADABLE = 2


def _read_input(source: str, timeout: float = 30.0) -> tuple[bytes, str | None, str | None]:
    """Bytes, url and content type of a path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        import urllib.request

        req = urllib.request.Request(source, headers={"User-Agent": "gsspider (+parse)"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.read(50 * 1024 * 1024), source, resp.headers.get("Content-Type")
    path = Path(source)
    return path.read_bytes(), None, None


def summarise(report: Report) -> str:
    out = [
        f"{report.title or '(no title)'}",
        f"  year {report.report_year}  publisher {report.publisher}  level {report.level}  "
        f"template {report.template} {report.templates}",
    ]
    md = report.metadata
    if md.index_number or md.published_date or md.publisher:
        out.append(f"  索引号 {md.index_number}  发布机构 {md.publisher}  发布日期 {md.published_date}")
    if report.has_table3:
        t = report.table3
        out.append(
            "  table 3 total: new {} carried {} processed {} forward {} (granted {}, partial {})".format(
                t["new_received"]["total"],
                t["carried_over"]["total"],
                t["total_processed"]["total"],
                t["carried_forward"]["total"],
                t["granted"]["total"],
                t["partially_granted"]["total"],
            )
        )
    if report.has_table4:
        out.append("  table 4: " + " ".join("-" if v is None else str(v) for v in report.table4.values()))
    passed = sum(1 for c in report.checks if c.passed)
    failed = [c for c in report.checks if c.passed is False]
    unknown = sum(1 for c in report.checks if c.passed is None)
    out.append(f"  checks: {passed} pass, {len(failed)} fail, {unknown} not computable")
    for c in failed[:10]:
        out.append(f"    FAIL {c.name} [{c.scope}]: expected {c.expected}, actual {c.actual}")
    for f in report.flags:
        out.append(f"  flag {f.code}: {f.message}")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    status = 0
    for source in args.inputs:
        try:
            data, url, ctype = _read_input(source)
        except (OSError, ValueError) as exc:
            print(f"gsspider parse: {source}: cannot read: {exc}", file=sys.stderr)
            status = EXIT_UNREADABLE
            continue
        report = parse_report(data, url=url or source, content_type=ctype)
        bad = [f for f in report.flags if f.code in UNREADABLE_FLAGS]
        if bad or not report.is_report:
            reasons = "; ".join(f.message for f in bad) or "not a report"
            print(f"gsspider parse: {source}: {reasons}", file=sys.stderr)
            status = EXIT_UNREADABLE
            if not report.is_report and args.format == "json" and not args.keep_unreadable:
                continue
        if args.format == "summary":
            print(f"== {source}")
            print(summarise(report))
        else:
            record = report.to_dict()
            record["source"] = source
            print(json.dumps(record, ensure_ascii=False))
    return status


def register(sub) -> None:
    p = sub.add_parser("parse", help="parse report files or URLs into JSON Lines (one record per input)")
    p.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
    p.add_argument("--format", choices=("json", "summary"), default="json")
    p.add_argument(
        "--keep-unreadable", action="store_true", help="also print records for inputs that are not reports"
    )
    p.set_defaults(func=run)
