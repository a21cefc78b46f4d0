"""Reading tables 2, 3 and 4 out of a line stream (see :mod:`parsers.stream`)."""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, field

from .constants import (
    FLAG_BLANK_CELLS,
    FLAG_MERGED_DIGITS_SPLIT,
    FLAG_TABLE2_ROW_INCOMPLETE,
    FLAG_TABLE3_INCOMPLETE,
    FLAG_TABLE3_ROW_AMBIGUOUS,
    FLAG_TABLE3_ROW_DUPLICATE,
    FLAG_TABLE3_ROW_INCOMPLETE,
    FLAG_TABLE4_AMBIGUOUS,
    FLAG_TABLE4_INCOMPLETE,
    TABLE2_COLUMNS,
    TABLE2_ITEMS,
    TABLE3_COLUMNS,
    TABLE3_OTHER_2021,
    TABLE3_ROWS_SINGLE_OTHER,
    TABLE3_ROWS_THREE_OTHER,
    TABLE4_KEYS,
    TEMPLATE_2019,
    TEMPLATE_2021,
)
from .glued_split import resolve_cut, summed_blocks
from .labels import match_section_heading, match_table2_row, match_table3_row
from .records import Cell, Fact, Flag
from .stream import Line
from .text import key_form
from .values import CellValue, clean_cell, parse_value

N3 = len(TABLE3_COLUMNS)
N4 = len(TABLE4_KEYS)


# --- regions -------------------------------------------------------------------
@dataclass
class Regions:
    table2: tuple[int, int] | None = None
    table3: tuple[int, int] | None = None
    table4: tuple[int, int] | None = None


def _line_key(line: Line) -> str:
    return key_form(line.text)


def find_regions(lines: list[Line]) -> Regions:
    """Where each table's lines are, from the section headings, else from table vocabulary."""
    heads: dict[str, int] = {}
    last_order = 0
    for i, line in enumerate(lines):
        first = next((c for c in line.cells if c), "")
        hit = match_section_heading(first) or (
            match_section_heading(line.text) if len(line.cells) > 1 else None
        )
        if hit and hit[2] > last_order and hit[0] not in heads:
            heads[hit[0]] = i
            last_order = hit[2]
    n = len(lines)

    def first_index(pred, start: int = 0, stop: int | None = None) -> int | None:
        for i in range(start, n if stop is None else stop):
            if pred(_line_key(lines[i])):
                return i
        return None

    t3_start = heads.get("applications")
    if t3_start is None:
        t3_start = first_index(lambda k: "申请人情况" in k or "本年新收" in k)
    t4_start = heads.get("reviews_litigation")
    if t4_start is None and t3_start is not None:
        t4_start = first_index(lambda k: "行政复议" in k and ("行政诉讼" in k or len(k) < 8), t3_start + 1)
    t5 = heads.get("problems") or heads.get("other_matters")
    regions = Regions()
    t2_start = heads.get("proactive_disclosure")
    if t2_start is None:
        t2_start = first_index(lambda k: k.startswith("第二十条") or k == "信息内容")
    if t2_start is not None:
        end = t3_start if t3_start is not None and t3_start > t2_start else (t4_start or t5 or n)
        regions.table2 = (t2_start, end)
    if t3_start is not None:
        end = (
            t4_start if t4_start is not None and t4_start > t3_start else (t5 if t5 and t5 > t3_start else n)
        )
        regions.table3 = (t3_start, end)
    if t4_start is not None:
        end = t5 if t5 is not None and t5 > t4_start else min(n, t4_start + 80)
        regions.table4 = (t4_start, end)
    return regions


# --- splitting a line into labels and values --------------------------------
@dataclass
class _Row:
    index: int  # line index
    labels: list[str]
    values: list[CellValue]
    key: str | None = None


def fit_width(values: list[CellValue], width: int) -> list[CellValue]:
    """Trim blank padding (trailing first, then leading) from a run wider than its table."""
    values = list(values)
    while len(values) > width and values[-1].blank:
        values.pop()
    while len(values) > width and values[0].blank:
        values.pop(0)
    return values


def _split_line(line: Line) -> tuple[list[str], list[CellValue]]:
    """Label cells, and the value cells that follow the last label."""
    labels: list[str] = []
    values: list[CellValue] = []
    for cell in line.cells:
        v = parse_value(cell)
        if v is None and cell.strip():
            labels.append(cell)
            values = []  # values before a label are not this row's cells
        elif v is not None:
            if v.blank and not line.blanks_meaningful and not cell.strip():
                continue  # empty space in layout text is no cell; an explicit "—" is one
            values.append(v)
    if values and not labels and all(v.blank and not v.raw.strip() for v in values):
        # A row of nothing but empty cells carries no reading (e.g. the lost table of seed 002);
        # under a row label, or as explicit marks ("—", "/"), they are blank cells.
        values = []
    return labels, values


# --- table 3 -------------------------------------------------------------------
@dataclass
class Table3Result:
    table: dict[str, dict[str, int | None]]
    cells: list[Cell] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    three_other_rows: bool = False
    found: bool = False


def read_table3(lines: list[Line], region: tuple[int, int] | None) -> Table3Result:
    table: dict[str, dict[str, int | None]] = {}
    result = Table3Result(table=table)
    if region is None:
        return result
    start, end = region
    label_rows: list[_Row] = []  # lines with a row key and no values
    runs: list[_Row] = []  # value runs, with the key of their own line if any
    prev_value_only = False
    for i in range(start + 1, end):
        line = lines[i]
        labels, values = _split_line(line)
        key = None
        for lab in labels:
            key = match_table3_row(lab) or key
        if values:
            if key is None and not labels and prev_value_only and not line.blanks_meaningful:
                runs[-1].values.extend(values)  # one cell per line: keep collecting
            else:
                runs.append(_Row(i, labels, values, key))
            prev_value_only = not labels
        else:
            prev_value_only = False
            if key is not None:
                label_rows.append(_Row(i, labels, [], key))
    if not runs:
        return result
    # Runs of 14, 21... values with no label between them are several rows.
    split_runs: list[_Row] = []
    for run in runs:
        if len(run.values) > N3 and len(run.values) % N3 == 0 and run.key is None:
            for j in range(0, len(run.values), N3):
                split_runs.append(_Row(run.index, [], run.values[j : j + N3], None))
        else:
            split_runs.append(run)
    runs = split_runs

    seen_keys = {r.key for r in label_rows} | {r.key for r in runs if r.key}
    three = any(k in seen_keys for k in TABLE3_OTHER_2021)
    result.three_other_rows = three
    order = TABLE3_ROWS_THREE_OTHER if three else TABLE3_ROWS_SINGLE_OTHER
    if three:
        # "(六)其他处理" is then a group header, not a row.
        label_rows = [r for r in label_rows if r.key != "other"]
        for r in runs:
            if r.key == "other":
                r.key = None
    assigned = _assign_runs(runs, label_rows, order)
    if assigned is None:
        return result
    result.found = True
    taken: dict[str, _Row] = {}
    for run, key in assigned:
        if key is None:
            continue
        if key in taken:
            result.flags.append(
                Flag(FLAG_TABLE3_ROW_DUPLICATE, f"row {key} appears twice; the first is kept", key)
            )
            continue
        taken[key] = run
    blanks: list[str] = []
    for key in order:
        row = table.setdefault(key, dict.fromkeys(TABLE3_COLUMNS))
        found_run = taken.get(key)
        if found_run is None:
            continue
        values = fit_width(found_run.values, N3)
        if len(values) != N3:
            tokens = [clean_cell(v.raw) for v in values]
            reading, count = resolve_cut(tokens, summed_blocks(N3)) if len(values) < N3 else (None, 0)
            raw = " ".join(tokens)
            if reading is not None:
                result.flags.append(
                    Flag(FLAG_MERGED_DIGITS_SPLIT, f"table 3 row {key}: '{raw}' read as {list(reading)}", key)
                )
                for col, val in zip(TABLE3_COLUMNS, reading, strict=True):
                    row[col] = val
                    result.cells.append(Cell("table3", key, col, val, raw, f"split from '{raw}'"))
                continue
            code = FLAG_TABLE3_ROW_AMBIGUOUS if count > 1 else FLAG_TABLE3_ROW_INCOMPLETE
            result.flags.append(
                Flag(code, f"table 3 row {key} has {len(values)} cells, expected {N3}: '{raw}'", key)
            )
            continue
        for col, v in zip(TABLE3_COLUMNS, values, strict=True):
            row[col] = int(v.value) if isinstance(v.value, (int, float)) and not v.blank else None
            note = None
            if v.blank:
                note = "blank"
                blanks.append(f"{key}.{col}")
            elif isinstance(v.value, float) and not v.value.is_integer():
                note = "not an integer"
                row[col] = None
            result.cells.append(Cell("table3", key, col, row[col], clean_cell(v.raw), note))
    finish_table3(result, order, blanks, taken)
    return result


def finish_table3(
    result: Table3Result, order: Sequence[str], blanks: list[str], found: Container[str]
) -> None:
    """What every table-3 reader does last: the 2021 ``other`` row as the sum of its three rows,
    the blank cells and the rows not found flagged."""
    table = result.table
    if result.three_other_rows:
        # "other" is the sum of the three 2021 rows, where all are known.
        other = table.setdefault("other", dict.fromkeys(TABLE3_COLUMNS))
        for col in TABLE3_COLUMNS:
            parts = [table.get(k, {}).get(col) for k in TABLE3_OTHER_2021]
            other[col] = sum(p for p in parts if p is not None) if all(p is not None for p in parts) else None
    if blanks:
        result.flags.append(
            Flag(
                FLAG_BLANK_CELLS,
                f"{len(blanks)} blank table-3 cells kept as null: {', '.join(blanks[:20])}",
                "table3",
            )
        )
    missing = [k for k in order if k not in found]
    if missing:
        result.flags.append(
            Flag(FLAG_TABLE3_INCOMPLETE, f"table 3 rows not found: {', '.join(missing)}", "table3")
        )


def _assign_runs(
    runs: list[_Row], label_rows: list[_Row], order: tuple[str, ...]
) -> list[tuple[_Row, str | None]] | None:
    """Give each run of values its row key.

    A run printed on the same line as its label is anchored. When the number of runs equals the
    number of rows and every anchored run sits at its row's position, rows are taken in printed
    order (this reads PDF layout text, where numbers land before or after their label). Otherwise
    an unanchored run takes the adjacent label (preceding first) that keeps the row order.
    """
    if not runs:
        return None
    rank = {k: i for i, k in enumerate(order)}
    if len(runs) == len(order) and all(r.key is None or r.key == order[i] for i, r in enumerate(runs)):
        return [(r, order[i]) for i, r in enumerate(runs)]
    used: set[int] = set()
    out: list[tuple[_Row, str | None]] = []
    last_rank = -1
    for idx, run in enumerate(runs):
        if run.key is not None:
            out.append((run, run.key))
            last_rank = max(last_rank, rank.get(run.key, last_rank))
            continue
        prev_index = runs[idx - 1].index if idx > 0 else -1
        next_index = runs[idx + 1].index if idx + 1 < len(runs) else 1 << 30
        before = [r for r in label_rows if prev_index < r.index < run.index and id(r) not in used]
        after = [r for r in label_rows if run.index < r.index < next_index and id(r) not in used]
        choice = None
        for cand in ([before[-1]] if before else []) + ([after[0]] if after else []):
            if rank.get(cand.key or "", -1) > last_rank:
                choice = cand
                break
        if choice is None:
            out.append((run, None))
            continue
        used.add(id(choice))
        out.append((run, choice.key))
        last_rank = rank.get(choice.key or "", last_rank)
    return out


# --- table 4 -------------------------------------------------------------------
@dataclass
class Table4Result:
    table: dict[str, int | None]
    cells: list[Cell] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    found: bool = False


def read_table4(lines: list[Line], region: tuple[int, int] | None) -> Table4Result:
    table: dict[str, int | None] = dict.fromkeys(TABLE4_KEYS)
    result = Table4Result(table=table)
    if region is None:
        return result
    start, end = region
    values: list[CellValue] = []
    for i in range(start + 1, end):
        line = lines[i]
        if match_section_heading(line.text):
            break
        labels, vals = _split_line(line)
        if vals and any(not v.blank or v.raw.strip() for v in vals):
            if labels and any(len(key_form(lab)) > 30 for lab in labels):
                continue  # a sentence with numbers in it, not a table row
            values.extend(vals)
    values = fit_width(values, N4)
    if not values:
        return result
    result.found = True
    tokens = [clean_cell(v.raw) for v in values]
    raw = " ".join(tokens)
    if len(values) == N4:
        blanks = []
        for key, v in zip(TABLE4_KEYS, values, strict=True):
            val = int(v.value) if isinstance(v.value, (int, float)) and not v.blank else None
            table[key] = val
            if v.blank:
                blanks.append(key)
            result.cells.append(
                Cell("table4", key, "value", val, clean_cell(v.raw), "blank" if v.blank else None)
            )
        if blanks:
            result.flags.append(
                Flag(
                    FLAG_BLANK_CELLS,
                    f"{len(blanks)} blank table-4 cells kept as null: {', '.join(blanks)}",
                    "table4",
                )
            )
        return result
    if len(values) < N4:
        reading, count = resolve_cut(tokens, summed_blocks(5, 3))
        if reading is not None:
            result.flags.append(
                Flag(FLAG_MERGED_DIGITS_SPLIT, f"table 4: '{raw}' read as {list(reading)}", "table4")
            )
            for key, val in zip(TABLE4_KEYS, reading, strict=True):
                table[key] = val
                result.cells.append(Cell("table4", key, "value", val, raw, f"split from '{raw}'"))
            return result
        if count > 1:
            result.flags.append(
                Flag(
                    FLAG_TABLE4_AMBIGUOUS,
                    f"table 4 has {len(values)} cells with several readings: '{raw}'",
                    "table4",
                )
            )
            return result
    result.flags.append(
        Flag(
            FLAG_TABLE4_INCOMPLETE,
            f"table 4 has {len(values)} cells, expected {N4}; left unread: '{raw}'",
            "table4",
        )
    )
    return result


# --- table 2 -------------------------------------------------------------------
@dataclass
class Table2Result:
    facts: list[Fact] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    template: str | None = None
    found: bool = False


_T2_2021_WORDS = ("制发", "废止", "现行有效", "本年处理决定", "收费金额")
_T2_2019_WORDS = ("新制作", "新公开", "对外公开总数", "上一年项目", "采购项目", "本年增减")


def detect_table2_template(lines: list[Line], region: tuple[int, int]) -> str | None:
    text = "".join(_line_key(lines[i]) for i in range(*region))
    n21 = sum(text.count(w) for w in _T2_2021_WORDS)
    n19 = sum(text.count(w) for w in _T2_2019_WORDS)
    if n21 == n19 == 0:
        return None
    return TEMPLATE_2021 if n21 > n19 else TEMPLATE_2019


def read_table2(lines: list[Line], region: tuple[int, int] | None) -> Table2Result:
    result = Table2Result()
    if region is None:
        return result
    start, end = region
    template = detect_table2_template(lines, region)
    result.template = template
    rows: list[tuple[str, list[CellValue], int]] = []
    current: tuple[str, list[CellValue], int] | None = None
    money_unit: str | None = None
    for i in range(start + 1, end):
        line = lines[i]
        labels, values = _split_line(line)
        row_name = None
        for lab in labels:
            row_name = match_table2_row(lab) or row_name
            k = key_form(lab)
            if ("采购总金额" in k or "收费金额" in k) and "万元" in k:
                money_unit = "万元"
        if row_name:
            current = (row_name, list(values), i)
            rows.append(current)
        elif labels:
            current = None  # a header or heading ends the row's cells
        elif values and current is not None:
            current[1].extend(values)
    if not rows:
        return result
    result.found = True
    for name, raw_values, _ in rows:
        values, columns = _fit_table2_row(template, name, raw_values)
        if columns is None:
            raw = " ".join(clean_cell(v.raw) for v in values)
            result.flags.append(
                Flag(FLAG_TABLE2_ROW_INCOMPLETE, f"table 2 row {name} has {len(values)} cells: '{raw}'", name)
            )
            for v in values:
                result.facts.append(
                    Fact(TABLE2_ITEMS.get(name), name, None, v.value, clean_cell(v.raw), v.unit)
                )
            continue
        for col, v in zip(columns, values, strict=True):
            unit = v.unit
            if unit is None and ("金额" in col) and money_unit:
                unit = money_unit
            if unit is None and col.endswith("收费金额"):
                unit = "万元"
            result.facts.append(Fact(TABLE2_ITEMS.get(name), name, col, v.value, clean_cell(v.raw), unit))
    return result


def _fit_table2_row(
    template: str | None, name: str, values: list[CellValue]
) -> tuple[list[CellValue], tuple[str, ...] | None]:
    """The row's cells and column labels: the detected template's layout first (blank padding
    trimmed), else the other template's where the cell count fits it (real reports mix them)."""
    preferred = [template] if template else []
    for tpl in dict.fromkeys([*preferred, TEMPLATE_2019, TEMPLATE_2021]):
        cols = TABLE2_COLUMNS[tpl]
        key = (
            name
            if name in cols
            else {"规范性文件": "行政规范性文件", "行政规范性文件": "规范性文件"}.get(name, name)
        )
        if key not in cols:
            continue
        fitted = fit_width(values, len(cols[key]))
        if len(fitted) == len(cols[key]):
            return fitted, cols[key]
    return values, None
