"""gsspider's shared, framework-free report parser.

``parse_report(body, url=None, content_type=None, encoding=None) -> Report`` turns one annual
report (HTML page or fragment, extracted text, PDF layout text) into one checked record.
No scrapy, twisted or sqlite imports live under this package.
"""

from .constants import TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_KEYS
from .records import Cell, Check, Fact, Flag, Metadata, Report, Section

__version__ = "0.1.0"

__all__ = [
    "TABLE3_COLUMNS",
    "TABLE3_ROWS",
    "TABLE4_KEYS",
    "Cell",
    "Check",
    "Fact",
    "Flag",
    "Metadata",
    "Report",
    "Section",
    "__version__",
    "parse_report",
]


def parse_report(body, url=None, content_type=None, encoding=None):  # type: ignore[no-untyped-def]
    from .report import parse_report as _parse

    return _parse(body, url=url, content_type=content_type, encoding=encoding)
