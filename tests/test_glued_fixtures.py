"""Reports of tests/data flattened as text tools flatten them (tests/data/glued/) read as their source.

Every table-3 cell a glued fixture gives must be the cell its source (the HTML page, the text, the
document) gives: a value, or None where the glued digits cannot be told apart. Never another
number, and never a number where the source has none. Floors pin how much each fixture recovers.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from parsers import parse_report
from parsers.constants import TABLE3_COLUMNS, TABLE4_KEYS

from .conftest import DATA

GLUED = DATA / "glued"
SHARED_PAGES = Path("/work/shared/real-pages")


def _flatten_module():
    spec = importlib.util.spec_from_file_location("glued_flatten", GLUED / "flatten.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


F = _flatten_module()
INDEX = json.loads((GLUED / "index.json").read_text(encoding="utf-8"))
FIXTURES = sorted(INDEX)

#: fixture -> table-3 cells that must come out exactly (measured; a drop is a regression).
FLOORS = {
    "gkmlpt-article": 182,
    "seed-000": 161,
    "seed-001": 161,
    "seed-003": 182,
    "seed-004": 161,
    "real-013": 63,
    "real-015": 147,
    "doc-report2024": 182,
    "doc-report2020_blanks": 95,
    "xlsx-report2024": 182,
    "xlsx-report2020_blanks": 95,
}


def _source_report(rel: str, kind: str):
    data = (DATA / rel).read_bytes()
    return parse_report(data, url=rel, content_type="text/html" if kind == "html" else None)


_SOURCES: dict[str, object] = {}


def source_report(rel: str, kind: str):
    if rel not in _SOURCES:
        _SOURCES[rel] = _source_report(rel, kind)
    return _SOURCES[rel]


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_is_its_source_flattened(name: str) -> None:
    entry = INDEX[name]
    stem = name.split(".")[0]
    assert F.SOURCES[stem][0] == entry["source"]
    assert (GLUED / name).read_bytes() == F.flatten(stem, entry["variant"]).encode("utf-8")


@pytest.mark.skipif(not SHARED_PAGES.is_dir(), reason="no /work/shared checkout")
@pytest.mark.parametrize("n", range(1, 8))
def test_shared_real_pages_are_the_pages_flattened_here(n: int) -> None:
    assert (SHARED_PAGES / f"{n:03d}.html").read_bytes() == (DATA / "pages" / f"{n:03d}.html").read_bytes()


@pytest.mark.parametrize("name", FIXTURES)
def test_glued_fixture_gives_the_source_table3_or_nulls(name: str) -> None:
    entry = INDEX[name]
    source = source_report(entry["source"], entry["kind"])
    glued = parse_report((GLUED / name).read_bytes())
    exact = 0
    for row, cells in source.table3.items():
        for col in TABLE3_COLUMNS:
            got, want = glued.table3[row][col], cells[col]
            assert got is None or got == want, (row, col, got, want)
            exact += got is not None
    for key in TABLE4_KEYS:
        got, want = glued.table4[key], source.table4[key]
        assert got is None or got == want, (key, got, want)
    assert exact >= FLOORS.get(name.split(".")[0], 0)
    if not source.has_table3:
        assert not glued.has_table3
    assert not glued.has_flag("parser_error")
