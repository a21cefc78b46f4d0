"""Datasette metadata for ``gsspider serve``: descriptions of tables and columns (with units and
sources), facets, and the canned queries (coverage matrix, failing checks, cross-year mismatches,
the panel); the coverage chart (gsspider.coverage.chart_svg) as the database's description.

:func:`metadata` builds it for one database (the coverage matrix's year columns are the stored
years); ``gsspider serve`` writes it to a JSON file beside a temporary copy and starts Datasette.
"""

from __future__ import annotations

from typing import Any

from gsspider.coverage import Coverage, chart_svg

TABLES: dict[str, dict[str, Any]] = {
    "reports": {
        "description": "One row per report (政府信息公开工作年度报告) found: its body, year, template, "
        "publication date, the page URL it came from (with fetch time and sha256 of its bytes), flags, "
        "checks failed, and what issue 13 derives (late, narrative repeat share, cross-year failures). "
        "Full-text search covers title, publisher and text.",
        "label_column": "title",
        "facets": ["report_year", "level", "template", "site", "late", {"array": "flag_codes"}],
        "sort_desc": "report_year",
        "columns": {
            "url": "The report's page (or file) URL — where every number of this row comes from",
            "report_year": "Year reported on (报告年度)",
            "publisher": "Publisher as printed (发布机构)",
            "level": "province / city / county / district / town / street / department",
            "template": "Layout of the tables: 2019, 2021, pre-2019 or none (from the labels, not the year)",
            "published_date": "Publication date (发布日期), ISO",
            "late": "1: published after 31 March of the next year (the legal deadline)",
            "checks_failed": "How many of the report's own checks (勾稽 balance, sums) fail",
            "cross_year_failed": "Table-3 columns whose 上年结转 differs from last year's 结转下年度",
            "narrative_repeat": "Share (0–1) of the narrative repeated from the body's previous report; above 0.5 reads as copy-paste",
            "narrative_previous": "The previous report compared with",
            "body_id": "The reporting body (bodies.id)",
            "content_hash": "sha256 of the report's bytes",
            "fetched_at": "When it was fetched (UTC)",
            "flags": "What could not be read, as JSON (code, message, scope)",
            "flag_codes": "The flags' codes (a facet)",
            "is_report": "1: read as a report; 0: listed but not readable (see flags)",
        },
    },
    "cells": {
        "description": "Every cell of tables 2–4 in long form. Counts are integers; amounts (万元) keep "
        "their decimals; a blank cell is NULL (mark 'blank'), never 0; 不适用 or / is NULL with mark "
        "'not_applicable'. raw is the cell's text as printed.",
        "facets": ["table_name", "row_key", "column_key", "mark", "unit"],
        "columns": {
            "value": "The number (件 for counts; unit column for money, 万元)",
            "raw": "The cell's text as printed",
            "unit": "Unit printed with the value (万元, 元 …) where there was one",
            "mark": "blank / not_applicable where the cell held no value",
            "note": "How the cell was read (e.g. split from glued digits)",
        },
    },
    "checks": {
        "description": "The checks the tables promise, per report: table-3 balance and sums, table-4 group "
        "sums, and (scope cross_year) this year's 上年结转 against last year's 结转下年度. passed is NULL "
        "when a cell is blank (not computable).",
        "facets": ["name", "scope", "passed"],
        "columns": {
            "expected": "What the identity says the cell should be (cross_year: last year's 结转下年度)",
            "actual": "What the report prints (cross_year: this year's 上年结转)",
            "other_report_url": "cross_year: last year's report",
            "column_key": "cross_year: the table-3 applicant column",
        },
    },
    "bodies": {
        "description": "Reporting bodies: one identity across years (name normalised; body_aliases joins "
        "a renamed body by hand). region_code is the administrative division code where known.",
        "facets": ["level", "site"],
        "label_column": "name",
    },
    "coverage": {
        "description": "Every body × year: found, late (after 31 March of the next year), unreadable "
        "(listed, not read), missing, site blocked, not checked (site not crawled after the year ended).",
        "facets": ["status", "year"],
    },
    "sites": {
        "description": "Sites crawled: status (ok, no_reports, blocked and why), pages, reports, errors.",
        "facets": ["status", "family"],
    },
    "pages": {
        "description": "Every fetch: URL, status, time, bytes, content hash, validators.",
        "facets": ["status", "kind", "site"],
    },
    "crawl_errors": {
        "description": "What went wrong where: HTTP errors, timeouts, blocked sites, unreadable "
        "documents, offsite links …",
        "facets": ["error", "site"],
    },
    "report_versions": {
        "description": "Superseded versions of reports whose body changed: old hash, what changed."
    },
    "crawls": {"description": "One row per crawl (for --resume)."},
}


def _coverage_sql(years: list[int]) -> str:
    cols = ",\n  ".join(f'max(CASE WHEN c.year = {y} THEN c.status END) AS "{y}"' for y in years)
    return (
        "SELECT b.id AS body_id, b.name AS body, b.level, b.site,\n  "
        + (cols + ",\n  " if cols else "")
        + "sum(c.status IN ('found', 'late')) AS found, sum(c.status = 'late') AS late,\n"
        "  sum(c.status = 'missing') AS missing\n"
        "FROM bodies b JOIN coverage c ON c.body_id = b.id\n"
        "WHERE (:level = '' OR b.level = :level)\n"
        "GROUP BY b.id ORDER BY b.site, b.level, b.name"
    )


QUERIES: dict[str, dict[str, Any]] = {
    "failing_checks": {
        "title": "Reports with failing checks",
        "description": "Each failing check of a report's own tables, with what it expected and found.",
        "sql": (
            "SELECT r.url, r.publisher, r.report_year, r.template, c.name, c.scope, c.expected, c.actual,"
            " c.detail\nFROM checks c JOIN reports r ON r.url = c.report_url\n"
            "WHERE c.passed = 0 AND c.scope != 'cross_year'\nORDER BY r.publisher, r.report_year, c.name"
        ),
    },
    "cross_year_mismatches": {
        "title": "Cross-year mismatches",
        "description": "This year's 上年结转 against last year's 结转下年度, per table-3 column, where they differ.",
        "sql": (
            "SELECT b.name AS body, r.report_year, c.column_key, c.expected AS last_year_carried_forward,"
            " c.actual AS this_year_carried_over, c.report_url, c.other_report_url\n"
            "FROM checks c JOIN reports r ON r.url = c.report_url LEFT JOIN bodies b ON b.id = r.body_id\n"
            "WHERE c.scope = 'cross_year' AND c.passed = 0\nORDER BY b.name, r.report_year, c.column_key"
        ),
    },
    "panel": {
        "title": "Panel (totals)",
        "description": "One row per report with table 3's 总计 column and table 4's totals; the full panel "
        "(every cell) is `gsspider export --panel`.",
        "sql": (
            "SELECT r.body_id, b.name AS body, b.level, r.report_year AS year, r.template, r.published_date,"
            " r.late, r.url,\n"
            + ",\n".join(
                f"  max(CASE WHEN x.table_name = '{t}' AND x.row_key = '{row}' AND x.column_key = '{col}'"
                f" THEN x.value END) AS {name}"
                for t, row, col, name in (
                    ("table3", "new_received", "total", "t3_new_received"),
                    ("table3", "carried_over", "total", "t3_carried_over"),
                    ("table3", "granted", "total", "t3_granted"),
                    ("table3", "total_processed", "total", "t3_total_processed"),
                    ("table3", "carried_forward", "total", "t3_carried_forward"),
                    ("table4", "review_total", "value", "t4_review_total"),
                    ("table4", "litigation_direct_total", "value", "t4_litigation_direct_total"),
                    ("table4", "litigation_after_review_total", "value", "t4_litigation_after_review_total"),
                )
            )
            + ",\n  r.checks_failed, r.cross_year_failed, r.narrative_repeat\n"
            "FROM reports r LEFT JOIN bodies b ON b.id = r.body_id LEFT JOIN cells x ON x.report_url = r.url\n"
            "WHERE r.is_report = 1\nGROUP BY r.url ORDER BY b.name, r.report_year"
        ),
    },
}


def metadata(database: str, cov: Coverage) -> dict[str, Any]:
    """Datasette metadata for the database named ``database`` (its file stem)."""
    queries = {
        "coverage_matrix": {
            "title": "Coverage matrix",
            "description": "Every body × year; level may be left empty (all levels).",
            "sql": _coverage_sql(cov.years),
            "params": ["level"],
        },
        **QUERIES,
    }
    tables = {name: {k: v for k, v in spec.items()} for name, spec in TABLES.items()}
    return {
        "title": "gsspider: government information disclosure annual reports",
        "description_html": (
            "<p>政府信息公开工作年度报告 found, parsed and checked by gsspider. Per year: reports found vs "
            "expected, and the share passing their checks.</p>" + chart_svg(cov)
        ),
        "source": "gsspider",
        "databases": {
            database: {
                "description_html": "<p>Per year: reports found vs expected; share passing checks.</p>"
                + chart_svg(cov),
                "tables": tables,
                "queries": queries,
            }
        },
    }
