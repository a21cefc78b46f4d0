"""The panel export (gsspider export --panel): Parquet and CSV load back in pandas with integer
dtypes for counts and nulls where cells were blank, equal to the portal's ground truth; the
codebook beside it; Stata .dta readable."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from gsspider import codebook, panel
from tests.conftest import GSSPIDER, run

pytestmark = pytest.mark.crawl  # runs a crawl or a server: not in the fast lane


@pytest.fixture(scope="module")
def truth(demo_truth):
    return demo_truth


def _check_frame(frame: pd.DataFrame, truth) -> None:
    by_key = {(t["publisher"], t["report_year"]): t for t in truth}
    assert len(frame) == len(truth)
    counts = [c.name for c in codebook.columns() if c.type == codebook.COUNT and c.name.startswith("t3_")]
    for name in counts:
        assert str(frame[name].dtype) == "Int64", name
    assert str(frame["year"].dtype) == "Int64" and str(frame["late"].dtype) == "Int64"
    blanks = filled = 0
    for _, row in frame.iterrows():
        t = by_key[(row["publisher"], row["year"])]
        if not t["table3"]:
            assert pd.isna(row["t3_new_received_total"])  # pre-2019: no table 3
            continue
        for table_row, cols in t["table3"].items():
            for col, value in cols.items():
                got = row[codebook.table3_column(table_row, col)]
                if value is None:
                    assert pd.isna(got), (row["url"], table_row, col)  # blank: null, never 0
                    blanks += 1
                else:
                    assert got == value and isinstance(got, int | type(got)), (row["url"], table_row, col)
                    filled += 1
        for key, value in (t["table4"] or {}).items():
            got = row[codebook.table4_column(key)]
            assert pd.isna(got) if value is None else got == value
    assert blanks > 20 and filled > 1000
    late = frame[frame["late"] == 1]
    assert len(late) == 1 and late.iloc[0]["published_date"] > f"{late.iloc[0]['year'] + 1}-03-31"
    assert frame["cross_year_failed"].sum() == 2  # the planted mismatch: 自然人 and 总计
    amounts = [c.name for c in codebook.columns() if c.type == codebook.AMOUNT]
    assert all(str(frame[a].dtype) == "float64" for a in amounts)
    assert (frame["t2_cg_amt"].dropna() % 1 != 0).any()  # amounts keep their decimals


def test_panel_parquet_and_csv_load_back_typed(demo_db, truth, tmp_path):
    out = tmp_path / "panel.parquet"
    run([*GSSPIDER, "export", "--panel", "--format", "parquet", "--db", str(demo_db), "--out", str(out)])
    _check_frame(pd.read_parquet(out), truth)
    book = out.with_name("panel.codebook.csv")
    entries = list(csv.DictReader(book.open(encoding="utf-8")))
    assert [e["name"] for e in entries] == list(pd.read_parquet(out).columns)
    one = next(e for e in entries if e["name"] == "t3_carried_over_natural_person")
    assert (
        one["label_zh"].startswith("表三 上年结转")
        and one["unit"] == "件"
        and one["source"] == "table3/carried_over/natural_person"
    )
    assert all(len(e["short"]) <= 32 for e in entries)

    out_csv = tmp_path / "panel.csv"
    run([*GSSPIDER, "export", "--panel", "--db", str(demo_db), "--out", str(out_csv)])
    _check_frame(panel.read_csv(out_csv), truth)
    # a plain pandas read (no codebook) sees integers, not 2.0, wherever a count column is filled
    plain = pd.read_csv(out_csv, dtype_backend="numpy_nullable")
    assert str(plain["t3_new_received_total"].dtype) == "Int64"
    header = out_csv.read_text(encoding="utf-8").splitlines()[1]
    assert ".0," not in header


def test_panel_stata(demo_db, tmp_path):
    out = tmp_path / "panel.dta"
    run([*GSSPIDER, "export", "--panel", "--format", "dta", "--db", str(demo_db), "--out", str(out)])
    frame = pd.read_stata(out)
    short = {c.name: c.short for c in codebook.columns()}
    assert len(frame) > 70 and short["t3_new_received_total"] in frame.columns
    assert (frame[short["t3_new_received_total"]].dropna() % 1 == 0).all()
