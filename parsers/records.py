"""Typed records the parser returns. JSON-serialisable through :meth:`Report.to_dict`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .constants import TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_KEYS, TEMPLATE_NONE

Number = int | float


@dataclass
class Metadata:
    """What the page says about the document (guideline metas, metadata block, URL)."""

    index_number: str | None = None  # 索引号
    publisher: str | None = None  # 发布机构
    topic: str | None = None  # 主题分类 / 信息分类
    written_date: str | None = None  # 成文日期, ISO
    published_date: str | None = None  # 发布日期 / 公开日期, ISO date
    published_time: str | None = None  # "HH:MM" where the page gives one
    document_number: str | None = None  # 文号
    validity: str | None = None  # 有效性
    site_name: str | None = None
    column_name: str | None = None
    source: str | None = None  # ContentSource / 来源
    keywords: str | None = None
    page_title: str | None = None
    #: Every other guideline / CMS meta tag, name -> content.
    extra: dict[str, str] = field(default_factory=dict)
    #: Where each field came from ("meta:PubDate", "block", "url", "text"...).
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass
class Section:
    key: str  # one of constants.SECTION_KEYS, or "unknown"
    number: str  # 一 ... 六 as printed
    heading: str
    text: str


@dataclass
class Fact:
    """One table-2 cell."""

    item: str | None  # "20(1)" ...
    row: str  # row label as normalised, e.g. 行政许可
    column: str | None  # column label, None when the row's cell count did not fit
    value: Number | None
    raw: str
    unit: str | None = None


@dataclass
class Cell:
    """One table-3/4 cell with its raw text and how it was read."""

    table: str  # "table3" | "table4"
    row: str
    column: str
    value: int | None
    raw: str
    note: str | None = None  # e.g. "blank", "split from '7264'"


@dataclass
class Check:
    name: str  # constants.CHECKS
    scope: str  # column key, row key or table-4 group
    expected: Number | None
    actual: Number | None
    passed: bool | None  # None: not computable (a cell is blank or missing)
    detail: str = ""


@dataclass
class Flag:
    code: str  # constants.FLAG_*
    message: str
    scope: str | None = None


def empty_table3() -> dict[str, dict[str, int | None]]:
    return {row: dict.fromkeys(TABLE3_COLUMNS) for row in TABLE3_ROWS}


def empty_table4() -> dict[str, int | None]:
    return dict.fromkeys(TABLE4_KEYS)


@dataclass
class Report:
    title: str | None = None
    report_year: int | None = None
    publisher: str | None = None
    region: str | None = None
    region_code: str | None = None
    level: str = "unknown"
    template: str = TEMPLATE_NONE
    templates: dict[str, str] = field(default_factory=dict)  # per table
    metadata: Metadata = field(default_factory=Metadata)
    text: str = ""
    sections: list[Section] = field(default_factory=list)
    table2: list[Fact] = field(default_factory=list)
    table3: dict[str, dict[str, int | None]] = field(default_factory=empty_table3)
    table4: dict[str, int | None] = field(default_factory=empty_table4)
    cells: list[Cell] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    is_report: bool = True
    url: str | None = None
    source_form: str | None = None  # html | pipe_rows | cell_per_line | layout | mixed
    encoding: str | None = None
    content_hash: str | None = None  # sha256 of the input bytes
    parser_version: str = ""

    # --- conveniences -----------------------------------------------------
    def flag(self, code: str, message: str, scope: str | None = None) -> None:
        self.flags.append(Flag(code, message, scope))

    def has_flag(self, code: str) -> bool:
        return any(f.code == code for f in self.flags)

    @property
    def flag_codes(self) -> list[str]:
        return [f.code for f in self.flags]

    @property
    def has_table3(self) -> bool:
        return any(v is not None for row in self.table3.values() for v in row.values())

    @property
    def has_table4(self) -> bool:
        return any(v is not None for v in self.table4.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
