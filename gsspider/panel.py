"""The panel: one row per report (body × year), every table cell a column, with its codebook.

:func:`panel_rows` builds the rows from the database (``research.refresh`` first, so bodies, late
marks and cross-year checks are current); :func:`write_panel` writes them as CSV (the standard
library: counts as integers, blanks as empty fields), Parquet (pyarrow) or Stata .dta (pandas),
and the codebook beside them (``<out stem>.codebook.csv``). Counts are nullable integers in every
form (pandas ``Int64``, Parquet ``int64`` with nulls; Stata has no null integer, so a count
column with a missing value is a numeric one with Stata's missing ``.``); amounts
(万元) are floats; a blank cell is null, never 0; a cell printed 不适用 or / is null and named in
``not_applicable``. :func:`read_csv` loads a CSV panel back in pandas with the codebook's types.

pandas and pyarrow are the ``research`` extra (``pip install 'gsspider[research]'``); CSV needs
neither.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import sqlite_utils

from gsspider import codebook
from gsspider.crossyear import SCOPE as CROSS_YEAR

FORMATS = ("csv", "parquet", "dta")


def panel_rows(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """One dict per report read as a report, keyed by :func:`codebook.columns` names."""
    cols = codebook.columns()
    names = [c.name for c in cols]
    kinds = {c.name: c.type for c in cols}
    bodies = {b["id"]: b for b in db.query("SELECT * FROM bodies")}
    cells: dict[str, dict[str, Any]] = defaultdict(dict)
    marks: dict[str, list[str]] = defaultdict(list)
    for c in db.query(
        "SELECT report_url, table_name, row_key, column_key, value, mark FROM cells"
        " WHERE table_name IN ('table2', 'table3', 'table4')"
    ):
        if c["table_name"] == "table3":
            name: str | None = codebook.table3_column(c["row_key"], c["column_key"])
        elif c["table_name"] == "table4":
            name = codebook.table4_column(c["row_key"])
        else:
            name = codebook.table2_column(c["row_key"], c["column_key"])
        if name is None or name not in kinds or name in cells[c["report_url"]]:
            continue
        cells[c["report_url"]][name] = _typed(c["value"], kinds[name])
        if c["mark"] == "not_applicable":
            marks[c["report_url"]].append(name)
    checks: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in db.query("SELECT report_url, scope, passed, count(*) AS n FROM checks GROUP BY 1, 2, 3"):
        if c["scope"] == CROSS_YEAR:
            if c["passed"] == 0:
                checks[c["report_url"]]["cross_year_failed"] += c["n"]
            continue
        key = {1: "checks_passed", 0: "checks_failed"}.get(c["passed"], "checks_unknown")
        checks[c["report_url"]][key] += c["n"]
    editions: dict[tuple[Any, Any], int] = defaultdict(int)
    reports = list(
        db.query(
            "SELECT * FROM reports WHERE is_report = 1 ORDER BY body_id, report_year, published_date, url"
        )
    )
    for r in reports:
        editions[(r["body_id"], r["report_year"])] += 1
    out = []
    for r in reports:
        body = bodies.get(r["body_id"]) or {}
        try:
            flags = ";".join(f.get("code", "") for f in json.loads(r["flags"] or "[]"))
        except ValueError:
            flags = ""
        row: dict[str, Any] = dict.fromkeys(names)
        row.update(
            {
                "body_id": r["body_id"],
                "body": body.get("name"),
                "publisher": r["publisher"],
                "region": body.get("region") or r["region"],
                "region_code": body.get("region_code") or r["region_code"],
                "level": body.get("level") or r["level"],
                "site": r["site"],
                "year": r["report_year"],
                "template": r["template"],
                "published_date": r["published_date"],
                "late": r["late"],
                "edition": editions[(r["body_id"], r["report_year"])],
                "url": r["url"],
                "content_hash": r["content_hash"],
                "fetched_at": r["fetched_at"],
                "narrative_repeat": r["narrative_repeat"],
                "not_applicable": ";".join(marks.get(r["url"], [])) or None,
                "flags": flags or None,
                "checks_passed": 0,
                "checks_failed": 0,
                "checks_unknown": 0,
                "cross_year_failed": 0 if r["cross_year_failed"] is not None else None,
            }
        )
        row.update(checks.get(r["url"], {}))
        row.update(cells.get(r["url"], {}))
        out.append(row)
    return out


def _typed(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == codebook.AMOUNT:
        return float(value)
    if kind in (codebook.COUNT, codebook.INT, codebook.FLAG):
        return int(value) if float(value).is_integer() else float(value)
    return value


def codebook_path(out: Path) -> Path:
    return out.with_name(out.stem + ".codebook.csv")


def write_codebook(path: Path) -> None:
    cols = codebook.columns()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(cols[0].as_row()))
        writer.writeheader()
        for c in cols:
            writer.writerow(c.as_row())


def _write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    names = [c.name for c in codebook.columns()]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=names)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def dataframe(rows: list[dict[str, Any]]) -> Any:
    """The panel as a pandas DataFrame with the codebook's dtypes (Int64 counts, float amounts)."""
    import pandas as pd

    cols = codebook.columns()
    frame = pd.DataFrame(rows, columns=[c.name for c in cols])
    for c in cols:
        dtype = _dtype(c.type)
        if dtype == "Int64":
            numbers = pd.to_numeric(frame[c.name], errors="coerce")
            whole = bool((numbers.dropna() % 1 == 0).all())
            # a count printed with a fraction (a misprint) keeps it: the column is then float
            frame[c.name] = numbers.astype("Int64" if whole else "float64")
        else:
            frame[c.name] = frame[c.name].astype(dtype)
    return frame


def _dtype(kind: str) -> str:
    return {
        codebook.COUNT: "Int64",
        codebook.INT: "Int64",
        codebook.FLAG: "Int64",
        codebook.AMOUNT: "float64",
        codebook.SHARE: "float64",
    }.get(kind, "string")


def read_csv(path: str | Path) -> Any:
    """A CSV panel loaded in pandas with the types its codebook gives (Int64 counts, nulls kept)."""
    import pandas as pd

    cols = codebook.columns()
    return pd.read_csv(
        path, dtype={c.name: _dtype(c.type) for c in cols}, keep_default_na=False, na_values=[""]
    )


def write_panel(rows: list[dict[str, Any]], out: Path, fmt: str) -> list[Path]:
    """Write the panel and its codebook; returns the paths written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        _write_csv(rows, out)
    elif fmt == "parquet":
        dataframe(rows).to_parquet(out, engine="pyarrow", index=False)
    elif fmt == "dta":
        _write_dta(rows, out)
    else:
        raise ValueError(f"unknown panel format {fmt!r}; expected one of {FORMATS}")
    book = codebook_path(out)
    write_codebook(book)
    return [out, book]


def _write_dta(rows: list[dict[str, Any]], out: Path) -> None:
    cols = codebook.columns()
    frame = dataframe(rows)
    # Stata: names of at most 32 characters (the codebook's short names), labels of at most 80.
    frame = frame.rename(columns={c.name: c.short for c in cols})
    for c in cols:
        if _dtype(c.type) == "string":
            frame[c.short] = frame[c.short].astype(object).where(frame[c.short].notna(), "")
    labels = {c.short: c.label_en[:80] for c in cols}
    frame.to_stata(out, write_index=False, version=118, variable_labels=labels)
