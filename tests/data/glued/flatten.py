"""Glued-cell fixtures: the reports of ``tests/data`` flattened as text tools flatten them.

Run from the repository root: ``python tests/data/glued/flatten.py`` rewrites the ``*.txt`` files
here and ``index.json``. ``tests/test_glued_fixtures.py`` flattens the sources again and fails if
a saved fixture no longer matches, so the files are what they say they are.

- HTML pages: lxml's ``text_content()`` of the whole page, which joins the cells of a table row
  with nothing between them (``rows``), and the same with every line break taken out
  (``oneline``: the whole report on one line, as copy and paste and some crawlers keep it).
- Text reports (seeds, PDF layout text, the text of the DOCX/XLSX documents): every line with the
  separators between its cells (`` | ``, runs of spaces) taken out (``rows``), and ``oneline``.
  Where a text has one cell a line, only ``oneline`` glues anything.

``/work/shared/real-pages`` holds the same bytes as ``tests/data/pages`` (they are compared in the
test when that folder exists), so a fresh clone has every source.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
ROOT = DATA.parent.parent

#: fixture stem -> (source path below tests/data, kind)
SOURCES = {
    "gkmlpt-article": ("lists/gkmlpt-article.html", "html"),
    **{f"page-{n:03d}": (f"pages/{n:03d}.html", "html") for n in range(1, 8)},
    "seed-000": ("seeds/000_84d29601319eacdc.txt", "text"),
    "seed-001": ("seeds/001_e5f035dbe7594dbe.txt", "text"),
    "seed-002": ("seeds/002_2c7573db75c79bd6.txt", "text"),
    "seed-003": ("seeds/003_5d8db5c6007b71c2.txt", "text"),
    "seed-004": ("seeds/004_d4f694ae76a36438.txt", "text"),
    "real-013": ("real-reports/013.txt", "text"),
    "real-014": ("real-reports/014.txt", "text"),
    "real-015": ("real-reports/015.txt", "text"),
    "doc-report2024": ("documents/report2024.docx", "document"),
    "doc-report2020_blanks": ("documents/report2020_blanks.docx", "document"),
    "xlsx-report2024": ("documents/report2024_tables.xlsx", "document"),
    "xlsx-report2020_blanks": ("documents/report2020_blanks_tables.xlsx", "document"),
}
VARIANTS = ("rows", "oneline")

_CELL_GAPS = re.compile(r"\s*\|\s*|\s{2,}|(?<=\d)\s(?=\d)")


def source_text(stem: str) -> str:
    """The source's text as a text tool gives it (before any gluing of its lines)."""
    rel, kind = SOURCES[stem]
    data = (DATA / rel).read_bytes()
    if kind == "html":
        import lxml.html

        from parsers.html import decode_html

        text, _ = decode_html(data, None)
        return lxml.html.fromstring(text).text_content()
    if kind == "document":
        from parsers.documents import extract_document, sniff_document

        doc = extract_document(data, sniff_document(data, None, rel))
        return doc.text or ""
    return data.decode("utf-8")


def glue_rows(text: str, kind: str) -> str:
    """Cells of a line joined with nothing between them (text_content already did it for HTML)."""
    if kind == "html":
        return text
    return "\n".join(_CELL_GAPS.sub("", line).strip() for line in text.splitlines())


def flatten(stem: str, variant: str) -> str:
    _rel, kind = SOURCES[stem]
    rows = glue_rows(source_text(stem), kind)
    if variant == "rows":
        return rows
    return "".join(rows.splitlines())


def fixture_path(stem: str, variant: str) -> Path:
    return HERE / f"{stem}.{variant}.txt"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    index = {}
    for stem, (rel, kind) in SOURCES.items():
        for variant in VARIANTS:
            text = flatten(stem, variant)
            path = fixture_path(stem, variant)
            path.write_bytes(text.encode("utf-8"))
            index[path.name] = {"source": rel, "kind": kind, "variant": variant}
    (HERE / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
