"""What researchers take away (issue 13), derived from the stored reports in one step.

:func:`refresh` (idempotent, a fraction of a second on the demo database) assigns every report
its body (:mod:`gsspider.bodies`), marks late reports, recomputes the cross-year checks and the
narrative repeat shares (:mod:`gsspider.crossyear`) and stores the coverage matrix
(:mod:`gsspider.coverage`). The end-of-crawl summary, ``gsspider coverage``, ``gsspider export
--panel`` and ``gsspider serve`` call it, so what they show is never older than the reports.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from gsspider import bodies, coverage, crossyear


def refresh(db: sqlite_utils.Database, years: list[int] | None = None) -> dict[str, Any]:
    n_bodies = bodies.assign_bodies(db)
    with db.atomic():
        db.execute(
            "UPDATE reports SET late = CASE"
            " WHEN report_year IS NULL OR published_date IS NULL OR length(published_date) < 10 THEN NULL"
            " WHEN substr(published_date, 1, 10) > (report_year + 1) || '-' || ? THEN 1 ELSE 0 END",
            [coverage.DEADLINE],
        )
        db.execute(
            "UPDATE reports SET flag_codes = (SELECT json_group_array(json_extract(f.value, '$.code'))"
            " FROM json_each(CASE WHEN json_valid(reports.flags) THEN reports.flags ELSE '[]' END) f)"
        )
    cross = crossyear.refresh(db)
    cov = coverage.matrix(db, years)
    coverage.store(db, cov)
    return {"bodies": n_bodies, "cross_year": cross, "coverage": cov}
