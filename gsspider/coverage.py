"""Coverage: which reports exist and which are missing — every body × every year.

Each cell is one of :data:`gsspider.vocab.COVERAGE_STATUSES`:

* ``found`` — a report read as one (its latest edition when re-published), published by the
  deadline (31 March of the next year; undated counts as found, said in ``detail``);
* ``late`` — found, published after the deadline;
* ``unreadable`` — listed and stored, but not read as a report (a scan, a DOC, a broken file);
  its body and year are read from its title when it has no publisher;
* ``site blocked`` — nothing found and the site answered with an anti-bot challenge;
* ``not checked`` — nothing found and the site was not crawled after the year ended (a report
  on year Y can only exist from 1 January Y+1), or never crawled;
* ``missing`` — nothing found although the site was crawled after the year ended.

:func:`matrix` computes it, :func:`store` writes the ``coverage`` table (Datasette's canned
query reads it), :func:`to_text`, :func:`to_csv` and :func:`to_html` present it. The HTML form is
one self-contained page: the matrix, totals per year and per level, and two small inline-SVG
charts per year (reports found vs expected; share of found reports passing their checks).
"""

from __future__ import annotations

import csv
import html
import io
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from gsspider import vocab
from gsspider.bodies import year_of

#: Reports are due by this day of the year after the one they report on.
DEADLINE = "03-31"
SYMBOLS = {
    vocab.COVERAGE_FOUND: "●",
    vocab.COVERAGE_LATE: "L",
    vocab.COVERAGE_UNREADABLE: "?",
    vocab.COVERAGE_MISSING: "✗",
    vocab.COVERAGE_BLOCKED: "B",
    vocab.COVERAGE_NOT_CHECKED: "·",
}
COLOURS = {
    vocab.COVERAGE_FOUND: "#2e7d32",
    vocab.COVERAGE_LATE: "#f9a825",
    vocab.COVERAGE_UNREADABLE: "#8e24aa",
    vocab.COVERAGE_MISSING: "#c62828",
    vocab.COVERAGE_BLOCKED: "#424242",
    vocab.COVERAGE_NOT_CHECKED: "#bdbdbd",
}
#: The totals under the matrix (text and HTML alike): label, key of :meth:`Coverage.totals`.
TOTAL_ROWS = (
    ("found (incl. late)", "present"),
    ("expected", "expected"),
    ("late", vocab.COVERAGE_LATE),
    ("unreadable", vocab.COVERAGE_UNREADABLE),
    ("missing", vocab.COVERAGE_MISSING),
    ("site blocked", vocab.COVERAGE_BLOCKED),
    ("not checked", vocab.COVERAGE_NOT_CHECKED),
    ("passing checks", "passing"),
)


def is_late(report_year: int | None, published_date: str | None) -> bool | None:
    """Published after 31 March of the next year; None when either date is unknown."""
    if not report_year or not published_date or len(published_date) < 10:
        return None
    return published_date[:10] > f"{report_year + 1}-{DEADLINE}"


@dataclass
class Cell:
    status: str
    report_url: str | None = None
    published_date: str | None = None
    detail: str = ""
    passing: bool | None = None  # found reports: no failing check, own or cross-year


@dataclass
class Row:
    body_id: int
    name: str
    level: str
    region: str | None
    site: str | None
    cells: dict[int, Cell] = field(default_factory=dict)


@dataclass
class Coverage:
    years: list[int]
    rows: list[Row]

    def totals(self) -> dict[int, dict[str, int]]:
        """Per year: each status's count, ``expected`` (cells not ``not checked``) and ``passing``."""
        out: dict[int, dict[str, int]] = {}
        for year in self.years:
            counts = {s: 0 for s in vocab.COVERAGE_STATUSES}
            passing = 0
            for row in self.rows:
                cell = row.cells[year]
                counts[cell.status] += 1
                passing += bool(cell.passing)
            present = sum(counts[s] for s in vocab.COVERAGE_PRESENT)
            expected = len(self.rows) - counts[vocab.COVERAGE_NOT_CHECKED]
            out[year] = {**counts, "present": present, "expected": expected, "passing": passing}
        return out

    def by_level(self) -> dict[str, dict[int, tuple[int, int]]]:
        """Per level, per year: (reports present, cells expected)."""
        out: dict[str, dict[int, list[int]]] = defaultdict(lambda: {y: [0, 0] for y in self.years})
        for row in self.rows:
            for year, cell in row.cells.items():
                if cell.status != vocab.COVERAGE_NOT_CHECKED:
                    out[row.level][year][1] += 1
                if cell.status in vocab.COVERAGE_PRESENT:
                    out[row.level][year][0] += 1
        return {lvl: {y: (v[0], v[1]) for y, v in years.items()} for lvl, years in sorted(out.items())}

    def status(self, body_id: int, year: int) -> str:
        for row in self.rows:
            if row.body_id == body_id:
                return row.cells[year].status
        raise KeyError(body_id)


def stored_years(db: sqlite_utils.Database) -> list[int]:
    found = db.execute(
        "SELECT min(report_year), max(report_year) FROM reports WHERE is_report = 1"
    ).fetchone()
    if not found or found[0] is None:
        return []
    return list(range(int(found[0]), int(found[1]) + 1))


def _crawled_until(db: sqlite_utils.Database) -> dict[str, str]:
    """Per site, the last time it was crawled (sites.last_crawled, else its newest page)."""
    out: dict[str, str] = {}
    for r in db.query("SELECT site, max(fetched_at) AS at FROM pages GROUP BY site"):
        if r["site"] and r["at"]:
            out[r["site"]] = r["at"]
    for r in db.query("SELECT url, last_crawled FROM sites"):
        if r["last_crawled"] and r["last_crawled"] > out.get(r["url"], ""):
            out[r["url"]] = r["last_crawled"]
    return out


def matrix(db: sqlite_utils.Database, years: list[int] | None = None) -> Coverage:
    """The coverage matrix of the database's bodies (see gsspider.bodies) over ``years`` (default:
    the oldest to the newest year any report is on)."""
    years = years or stored_years(db)
    status_of = {r["url"]: r["status"] for r in db.query("SELECT url, status FROM sites")}
    crawled = _crawled_until(db)
    reports: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    unread: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for r in db.query(
        "SELECT url, body_id, title, report_year, is_report, published_date, fetched_at, flags,"
        " checks_failed, cross_year_failed FROM reports WHERE body_id IS NOT NULL"
    ):
        year = year_of(r)
        if year is None:
            continue
        if r["is_report"]:
            reports[(r["body_id"], year)].append(r)
        elif r["flags"] and r["flags"] != "[]":
            unread[(r["body_id"], year)].append(r)
    rows = []
    for b in db.query("SELECT id, name, level, region, site FROM bodies ORDER BY site, level, name, id"):
        row = Row(b["id"], b["name"], b["level"] or "unknown", b["region"], b["site"])
        for year in years:
            row.cells[year] = _cell(
                reports.get((b["id"], year)),
                unread.get((b["id"], year)),
                status_of.get(b["site"]),
                crawled.get(b["site"]),
                year,
            )
        rows.append(row)
    return Coverage(list(years), rows)


def _cell(
    found: list[dict[str, Any]] | None,
    unread: list[dict[str, Any]] | None,
    site_status: str | None,
    crawled_at: str | None,
    year: int,
) -> Cell:
    if found:
        best = max(found, key=lambda r: (r["published_date"] or "", r["fetched_at"] or "", r["url"]))
        late = is_late(year, best["published_date"])
        status = vocab.COVERAGE_LATE if late else vocab.COVERAGE_FOUND
        detail = "" if late is not None else "publication date unknown"
        if len(found) > 1:
            detail = (detail + "; " if detail else "") + f"{len(found)} editions"
        passing = not best["checks_failed"] and not best["cross_year_failed"]
        if best["cross_year_failed"]:
            detail = (
                detail + "; " if detail else ""
            ) + "cross-year mismatch (上年结转 ≠ last year's 结转下年度)"
        if best["checks_failed"]:
            detail = (detail + "; " if detail else "") + f"{best['checks_failed']} checks failed"
        return Cell(status, best["url"], best["published_date"], detail, passing)
    if unread:
        first = unread[0]
        return Cell(vocab.COVERAGE_UNREADABLE, first["url"], first["published_date"], first["flags"] or "")
    if site_status == vocab.SITE_BLOCKED:
        return Cell(vocab.COVERAGE_BLOCKED)
    if not crawled_at or crawled_at[:10] < f"{year + 1}-01-01":
        return Cell(vocab.COVERAGE_NOT_CHECKED, detail=f"last crawled {crawled_at or 'never'}")
    return Cell(vocab.COVERAGE_MISSING)


def store(db: sqlite_utils.Database, cov: Coverage) -> int:
    """Replace the ``coverage`` table with this matrix."""
    rows = [
        {
            "body_id": row.body_id,
            "year": year,
            "status": cell.status,
            "report_url": cell.report_url,
            "published_date": cell.published_date,
            "detail": cell.detail or None,
        }
        for row in cov.rows
        for year, cell in row.cells.items()
    ]
    with db.atomic():
        db.execute("DELETE FROM coverage")
        if rows:
            db.table("coverage").insert_all(rows, pk=("body_id", "year"))
    return len(rows)


# --- presenting it ---------------------------------------------------------------------------


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))


def to_text(cov: Coverage) -> str:
    """The matrix as a terminal table: one symbol per cell, totals per year and per level."""
    name_w = max([_width(r.name) for r in cov.rows] + [8])
    level_w = max([len(r.level) for r in cov.rows] + [5])
    head = _pad("body", name_w) + "  " + _pad("level", level_w) + "  " + "  ".join(f"{y}" for y in cov.years)
    lines = [head]
    for row in cov.rows:
        marks = "  ".join(f"{SYMBOLS[row.cells[y].status]:^4}" for y in cov.years)
        lines.append(_pad(row.name, name_w) + "  " + _pad(row.level, level_w) + "  " + marks)
    totals = cov.totals()
    lines.append("")
    label_w = name_w + level_w + 2
    for label, key in TOTAL_ROWS:
        lines.append(_pad(label, label_w) + "  " + "  ".join(f"{totals[y][key]:^4}" for y in cov.years))
    lines.append("")
    for level, years in cov.by_level().items():
        cells = "  ".join(f"{f'{years[y][0]}/{years[y][1]}':^4}" for y in cov.years)
        lines.append(_pad(f"{level} found/expected", label_w) + "  " + cells)
    lines.append("")
    lines.append("  ".join(f"{SYMBOLS[s]} {s}" for s in vocab.COVERAGE_STATUSES))
    return "\n".join(line.rstrip() for line in lines)


def to_csv(cov: Coverage) -> str:
    """One row per body, one column per year holding the cell's status."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["body_id", "body", "level", "region", "site", *cov.years])
    for row in cov.rows:
        writer.writerow(
            [row.body_id, row.name, row.level, row.region or "", row.site or ""]
            + [row.cells[y].status for y in cov.years]
        )
    return out.getvalue()


def chart_svg(cov: Coverage, *, width: int = 420, height: int = 150) -> str:
    """Two small bar charts side by side as one inline SVG: per year, reports found (incl. late)
    against expected; and the share of found reports passing their checks."""
    totals = cov.totals()
    years = cov.years
    if not years:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'
    top, bottom, left = 22, 22, 30
    plot_h = height - top - bottom
    slot = (width / 2 - left - 10) / len(years)
    biggest = max([t["expected"] for t in totals.values()] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="coverage per year" '
        'font-family="sans-serif" font-size="10">',
        f'<text x="{left}" y="12" font-weight="bold">found / expected</text>',
        f'<text x="{width / 2 + left}" y="12" font-weight="bold">share passing checks</text>',
    ]
    for i, year in enumerate(years):
        t = totals[year]
        x = left + i * slot
        exp_h = plot_h * t["expected"] / biggest
        got_h = plot_h * t["present"] / biggest
        y0 = top + plot_h
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{y0 - exp_h:.1f}" width="{slot - 4:.1f}" height="{exp_h:.1f}" '
            f'fill="#e0e0e0"><title>{year}: expected {t["expected"]}</title></rect>'
        )
        parts.append(
            f'<rect x="{x + 2 + slot * 0.2:.1f}" y="{y0 - got_h:.1f}" width="{slot * 0.6 - 4:.1f}" '
            f'height="{got_h:.1f}" fill="{COLOURS[vocab.COVERAGE_FOUND]}">'
            f"<title>{year}: found {t['present']} of {t['expected']}</title></rect>"
        )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{height - 8}" text-anchor="middle">{year % 100:02d}</text>'
        )
        share = t["passing"] / t["present"] if t["present"] else 0.0
        x2 = width / 2 + left + i * slot
        share_h = plot_h * share
        parts.append(
            f'<rect x="{x2 + 2:.1f}" y="{y0 - plot_h:.1f}" width="{slot - 4:.1f}" height="{plot_h:.1f}" '
            'fill="#f5f5f5"></rect>'
        )
        parts.append(
            f'<rect x="{x2 + 2:.1f}" y="{y0 - share_h:.1f}" width="{slot - 4:.1f}" height="{share_h:.1f}" '
            f'fill="#1565c0"><title>{year}: {t["passing"]} of {t["present"]} pass '
            f"({share:.0%})</title></rect>"
        )
        parts.append(
            f'<text x="{x2 + slot / 2:.1f}" y="{height - 8}" text-anchor="middle">{year % 100:02d}</text>'
        )
    parts.append(f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{biggest}</text>')
    parts.append(f'<text x="{width / 2 + left - 4}" y="{top + 4}" text-anchor="end">100%</text>')
    parts.append("</svg>")
    return "".join(parts)


def to_html(cov: Coverage, *, title: str = "Coverage: reports per body and year") -> str:
    """One self-contained page (no external file): charts, the matrix, totals per year and level."""
    esc = html.escape
    totals = cov.totals()
    head = "".join(f"<th>{y}</th>" for y in cov.years)
    body_rows = []
    for row in cov.rows:
        cells = []
        for year in cov.years:
            cell = row.cells[year]
            tip = esc(f"{row.name} {year}: {cell.status}" + (f" — {cell.detail}" if cell.detail else ""))
            mark = esc(SYMBOLS[cell.status])
            if cell.report_url:
                mark = f'<a href="{esc(cell.report_url)}">{mark}</a>'
            cls = cell.status.replace(" ", "-") + (" failing" if cell.passing is False else "")
            cells.append(f'<td class="{cls}" title="{tip}">{mark}</td>')
        body_rows.append(
            f"<tr><th scope=row>{esc(row.name)}</th><td>{esc(row.level)}</td>{''.join(cells)}</tr>"
        )
    total_rows = []
    for label, key in TOTAL_ROWS:
        tds = "".join(f"<td>{totals[y][key]}</td>" for y in cov.years)
        total_rows.append(f"<tr><th scope=row colspan=2>{esc(label)}</th>{tds}</tr>")
    level_rows = []
    for level, years in cov.by_level().items():
        tds = "".join(f"<td>{years[y][0]}/{years[y][1]}</td>" for y in cov.years)
        level_rows.append(f"<tr><th scope=row colspan=2>{esc(level)}</th>{tds}</tr>")
    legend = " ".join(
        f'<span class="{s.replace(" ", "-")} key">{esc(SYMBOLS[s])}</span> {esc(s)}'
        for s in vocab.COVERAGE_STATUSES
    )
    styles = "".join(
        f"td.{s.replace(' ', '-')}, span.{s.replace(' ', '-')}{{background:{c};color:#fff}}"
        for s, c in COLOURS.items()
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
body{{font-family:sans-serif;margin:1.5em;color:#212121}}
table{{border-collapse:collapse;margin:1em 0}}
th,td{{border:1px solid #ddd;padding:2px 6px;text-align:center;font-size:13px}}
th[scope=row]{{text-align:left;font-weight:normal}}
td a{{color:inherit;text-decoration:none}}
span.key{{display:inline-block;width:1.4em;text-align:center}}
td.failing{{outline:2px solid #1565c0;outline-offset:-3px}}
{styles}
</style></head><body>
<h1>{esc(title)}</h1>
<p>{len(cov.rows)} bodies × {len(cov.years)} years. Reports are due by 31 March of the next year;
a report published later is <b>late</b>. {legend}; a blue frame: a check fails (its own or
cross-year; hover for which).</p>
{chart_svg(cov)}
<h2>Per body</h2>
<table><thead><tr><th>body</th><th>level</th>{head}</tr></thead>
<tbody>{"".join(body_rows)}</tbody></table>
<h2>Totals per year</h2>
<table><thead><tr><th colspan=2></th>{head}</tr></thead><tbody>{"".join(total_rows)}</tbody></table>
<h2>Found / expected per level</h2>
<table><thead><tr><th colspan=2></th>{head}</tr></thead><tbody>{"".join(level_rows)}</tbody></table>
</body></html>
"""
