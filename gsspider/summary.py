"""What a database holds, per site and in all: reports by year, years missing, errors, site status.

``gsspider crawl`` and ``gsspider demo`` print it after a crawl.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from gsspider import archive, storage
from gsspider.scope import SITE_BLOCKED


def year_coverage(found: set[int], season: int | None = None) -> tuple[list[int], list[int]]:
    """Years present, and years missing between the oldest and newest found (and the season asked
    for, when there is one)."""
    present = sorted(y for y in found if y is not None)
    span = [*present, *([season] if season else [])]
    if not span:
        return [], []
    missing = [y for y in range(min(span), max(span) + 1) if y not in found]
    return present, missing


def summary(
    db_path: str | Path,
    season: int | None = None,
    warc_dir: str | Path | None = None,
    *,
    derive: bool = True,
) -> dict[str, Any]:
    """Per site: reports by year, years present and missing, errors, status; the whole store's
    totals; the WARC archive's size (``warc_dir``, default ``warc/`` beside the database).
    ``derive``: refresh what is derived from the stored reports first (off where the caller just
    did, as :func:`gsspider.merge.merge`)."""
    db = storage.open_db(db_path)
    out: dict[str, Any] = {"sites": {}}
    per_site: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"years": defaultdict(int), "reports": 0, "unread": 0, "errors": {}}
    )
    for row in db.query(
        "SELECT site, report_year, count(*) AS n FROM reports WHERE is_report = 1 GROUP BY site, report_year"
    ):
        s = per_site[row["site"]]
        s["years"][row["report_year"]] += row["n"]
        s["reports"] += row["n"]
    # Listed reports stored but not read as reports (scans, DOC/WPS that could not be read,
    # broken files, JS-bound viewers): is_report = 0 with a flag saying why.
    for row in db.query(
        "SELECT site, count(*) AS n FROM reports WHERE is_report = 0 AND flags IS NOT NULL AND flags != '[]'"
        " GROUP BY site"
    ):
        per_site[row["site"]]["unread"] = row["n"]
    for row in db.query("SELECT site, error, count(*) AS n FROM crawl_errors GROUP BY site, error"):
        per_site[row["site"]]["errors"][row["error"]] = row["n"]
    if db["sites"].exists():
        for row in db["sites"].rows:
            s = per_site[row["url"]]
            s["status"] = row.get("status")
            s["reason"] = row.get("reason")
            s["pages"] = row.get("pages")
    for site, s in sorted(per_site.items()):
        present, missing = year_coverage(set(s["years"]), season)
        out["sites"][site] = {
            "status": s.get("status"),
            "reason": s.get("reason"),
            "reports": s["reports"],
            "unread": s["unread"],
            "years": dict(sorted((k, v) for k, v in s["years"].items() if k is not None)),
            "years_present": present,
            "years_missing": missing,
            "errors": s["errors"],
            "pages": s.get("pages"),
        }
    out["reports"] = sum(s["reports"] for s in out["sites"].values())
    out["checks_failed_reports"] = db.execute(
        "SELECT count(*) FROM reports WHERE checks_failed > 0"
    ).fetchone()[0]
    out["versions"] = db.execute("SELECT count(*) FROM report_versions").fetchone()[0]
    out["season"] = season
    # Bodies, late marks, cross-year checks and coverage, derived from what is stored (issue 13).
    if derive:
        from gsspider import research

        research.refresh(db)
    out["cross_year_mismatches"] = [
        dict(r)
        for r in db.query(
            "SELECT b.name AS body, r.report_year AS year, c.column_key AS column, c.expected, c.actual"
            " FROM checks c JOIN reports r ON r.url = c.report_url LEFT JOIN bodies b ON b.id = r.body_id"
            " WHERE c.scope = 'cross_year' AND c.passed = 0 AND c.column_key != 'total'"
            " ORDER BY b.name, r.report_year, c.column_key"
        )
    ]
    out["late_reports"] = db.execute(
        "SELECT count(*) FROM reports WHERE is_report = 1 AND late = 1"
    ).fetchone()[0]
    out["archive"] = _archive_use(db, Path(warc_dir) if warc_dir else archive.archive_dir(db_path))
    db.close()
    return out


def _archive_use(db: Any, directory: Path) -> dict[str, Any] | None:
    """The archive's files and bytes, and how many stored pages point into it (None: no archive)."""
    files = sorted(directory.glob("*.warc.gz")) if directory.is_dir() else []
    if not files:
        return None
    pointed = db.execute("SELECT count(*) FROM pages WHERE warc_file IS NOT NULL").fetchone()[0]
    return {
        "dir": str(directory),
        "files": len(files),
        "bytes": sum(f.stat().st_size for f in files),
        "pages": pointed,
    }


def format_summary(data: dict[str, Any]) -> str:
    head = f"{data['reports']} reports stored ({data['checks_failed_reports']} with failing checks"
    if data.get("versions"):
        head += f"; {data['versions']} earlier versions kept"
    lines = [head + ")"]
    use = data.get("archive")
    if use:
        per = use["bytes"] / data["reports"] if data["reports"] else 0
        lines.append(
            f"  archive: {use['bytes'] / 1e6:.1f} MB in {use['files']} WARC file{'s' if use['files'] != 1 else ''}"
            f" ({use['dir']}), {per / 1e3:.1f} KB per report; {use['pages']} pages point into it"
        )
    mismatches = data.get("cross_year_mismatches") or []
    if mismatches or data.get("late_reports"):
        shown = "; ".join(
            f"{m['body']} {m['year']} {m['column']}: 上年结转 {m['actual']} vs {m['year'] - 1} 结转下年度 {m['expected']}"
            for m in mismatches[:5]
        )
        more = f" (+{len(mismatches) - 5} more)" if len(mismatches) > 5 else ""
        lines.append(
            f"  cross-year mismatches: {len(mismatches)}{': ' + shown if shown else ''}{more};"
            f" late reports: {data.get('late_reports', 0)}"
        )
    for site, s in data["sites"].items():
        years = ", ".join(f"{y}: {n}" for y, n in s["years"].items()) or "-"
        status = s["status"] or "?"
        if status == SITE_BLOCKED:
            status = f"BLOCKED ({s['reason']})"
        errors = ", ".join(f"{k} ×{v}" for k, v in s["errors"].items()) or "none"
        missing = ", ".join(str(y) for y in s.get("years_missing", [])) or "none"
        if s["status"] == SITE_BLOCKED and not s["reports"]:
            missing = "unknown (blocked)"
        unread = f"  not readable {s['unread']}" if s.get("unread") else ""
        lines.append(
            f"  {site}  [{status}]  reports {s['reports']}{unread}  by year: {years}  missing years: {missing}  "
            f"errors: {errors}"
        )
    return "\n".join(lines)
