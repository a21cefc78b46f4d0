"""Rebuild the fixtures in this folder (needs LibreOffice: ``soffice`` on the PATH).

Run from the repository root: ``python tests/data/documents/make.py``. The DOCX files come from the
test portal's builder (python-docx, tables as Word tables with merged cells); LibreOffice converts
them to Word 97-2003 ``.doc``. The spreadsheets: openpyxl writes a sheet with the title and tables 3
and 4 as merged-cell grids (numbers as numbers), which LibreOffice Calc re-saves as ``.xlsx`` and
converts to Excel 97-2003 ``.xls``. The spec of every report
is in ``specs.json`` (table 3 and 4 as published) so the tests compare against it.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from demoportal.attachments import _place, report_docx
from demoportal.render import ReportSpec, _table3_grid, _table4_grid, random_spec

HERE = Path(__file__).resolve().parent

#: name -> (seed, overrides for random_spec)
REPORTS = {
    "report2024": (15, {"publisher": "XX县", "year": 2024, "fullwidth": True}),
    "report2020_blanks": (33, {"publisher": "YY区", "year": 2020, "fullwidth": False, "blanks": 0.5}),
}


#: cp1252-only text, so the DOC holds it as one compressed (8-bit) piece
COMPRESSED_TEXT = "Plain ASCII report 2024, caf\u00e9 \u2013 ok"


def convert(source: Path, target_ext: str, out_dir: Path, *, infilter: str | None = None) -> Path:
    """One ``soffice --headless --convert-to`` run; returns the converted file."""
    command = ["soffice", "--headless", "--norestore"]
    if infilter:
        command += [f"--infilter={infilter}"]
    command += ["--convert-to", target_ext, "--outdir", str(out_dir), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return out_dir / (source.stem + "." + target_ext.split(":")[0])


def write_sheet(spec: ReportSpec, path: Path) -> None:
    """Title, the two headings, and tables 3 and 4 with their merged cells, on one sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "年报"
    sheet.append([spec.title])
    top = 2
    for heading, grid in (
        ("三、收到和处理政府信息公开申请情况", _table3_grid(spec)),
        ("四、政府信息公开行政复议、行政诉讼情况", _table4_grid(spec)),
    ):
        sheet.cell(top, 1, heading)
        top += 1
        for r, c, cell in _place(grid):
            text = cell.text
            sheet.cell(top + r, c + 1, int(text) if text.isdigit() else (text or None))
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(
                    start_row=top + r,
                    start_column=c + 1,
                    end_row=top + r + cell.rowspan - 1,
                    end_column=c + cell.colspan,
                )
        top += len(grid.rows) + 1
    book.save(path)


def main() -> None:
    specs = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, (seed, overrides) in REPORTS.items():
            options = dict(overrides)
            blanks = float(options.pop("blanks", 0.0))  # type: ignore[arg-type]
            spec = random_spec(random.Random(seed), blanks=blanks, **options)
            specs[name] = {"title": spec.title, "table3": spec.table3, "table4": spec.table4}
            docx_path = HERE / f"{name}.docx"
            docx_path.write_bytes(report_docx(spec))
            shutil.copy(convert(docx_path, "doc", work), HERE / f"{name}.doc")
            sheet = work / "source" / f"{name}_tables.xlsx"
            sheet.parent.mkdir(exist_ok=True)
            write_sheet(spec, sheet)
            for ext in ("xlsx", "xls"):
                shutil.copy(convert(sheet, ext, work), HERE / f"{name}_tables.{ext}")
    with tempfile.TemporaryDirectory() as tmp:  # 8-bit text: LibreOffice writes a compressed piece
        import docx

        source = Path(tmp) / "compressed_piece.docx"
        document = docx.Document()
        document.add_paragraph(COMPRESSED_TEXT)
        document.save(str(source))
        shutil.copy(convert(source, "doc", Path(tmp)), HERE / "compressed_piece.doc")
    (HERE / "specs.json").write_text(json.dumps(specs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
