"""Attachment files as portals publish them: text PDF, DOCX, DOC/WPS, scans, and broken ones.

Everything is built from a :class:`.render.ReportSpec` (or a title) with the standard library only,
deterministically (no clock, no randomness beyond the arguments), so the same portal serves the same
bytes on every run:

* :func:`report_pdf`: a text PDF laid out like a Word export: title, paragraphs, and the tables as
  ruled grids whose cells sit at fixed x positions; long labels wrap inside their cells, the
  ``三、本年度办理结果`` column is one character per line, pages carry ``- N -`` footers. The font is the
  PDF standard CJK font STSong-Light (Adobe-GB1, ``UniGB-UCS2-H``), which needs no embedded font
  file; extractors map its CIDs back to Unicode through the Adobe-GB1 tables (no ``/ToUnicode``,
  as iText-made PDFs have none either).
* :func:`image_pdf`: a scan: one grey image per page and no text at all.
* :func:`truncated_pdf`: a text PDF cut inside the content stream that holds table 3 (no xref,
  no ``%%EOF``).
* :func:`report_docx`: a real DOCX (python-docx) with the tables as Word tables, merged cells and all.
* :func:`ole_document`: a minimal valid OLE2 compound file (what ``.doc`` and ``.wps`` files are) with
  a ``WordDocument`` stream; its text is not meant to be extracted.
* :func:`zip_bomb_docx`: a small DOCX whose ``word/document.xml`` inflates to hundreds of MiB.
* :func:`png_image`: a greyscale PNG of a "scanned page" for 图片版 pages.
* :func:`oversized_chunks`: the body of a file larger than any sane download limit, streamed.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from .render import ReportSpec, _Cell, _Grid, report_blocks

# --- a minimal PDF writer ---------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = 595.0, 842.0  # A4 in points
_MARGIN_X, _MARGIN_TOP, _MARGIN_BOTTOM = 72.0, 72.0, 80.0

_FONT_OBJECTS = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
    b" /DescendantFonts [{cid} 0 R] >>",
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
    b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >>"
    b" /FontDescriptor {descriptor} 0 R /DW 1000 /W [1 95 500] >>",
    b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
    b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
)


def _stream(data: bytes, extra: bytes = b"", compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


@dataclass
class PdfPage:
    """One page: its content stream (PDF operators) and the images it draws."""

    content: bytes
    images: tuple[tuple[int, int, bytes], ...] = ()  # (width, height, 8-bit grey pixels)


def write_pdf(pages: list[PdfPage], *, title: str = "", with_font: bool = True) -> tuple[bytes, list[int]]:
    """The PDF file, and where each page's content stream starts in it (for cutting one open)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    font = 0
    if with_font:
        font, cid, descriptor = len(objects) + 1, len(objects) + 2, len(objects) + 3
        add(_FONT_OBJECTS[0].replace(b"{cid}", b"%d" % cid))
        add(_FONT_OBJECTS[1].replace(b"{descriptor}", b"%d" % descriptor))
        add(_FONT_OBJECTS[2])
    info = add(
        b"<< /Producer (gsspider test portal) /Title <%s> >>"
        % (b"FEFF" + title.encode("utf-16-be").hex().upper().encode())
    )
    kids: list[int] = []
    content_objects: list[int] = []
    for page in pages:
        xobjects = []
        for number, (width, height, pixels) in enumerate(page.images, start=1):
            image = add(
                _stream(
                    pixels,
                    b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
                    b" /BitsPerComponent 8" % (width, height),
                )
            )
            xobjects.append(b"/Im%d %d 0 R" % (number, image))
        content = add(_stream(page.content))
        content_objects.append(content)
        resources = b"/Font << /F1 %d 0 R >>" % font if with_font else b""
        if xobjects:
            resources += b" /XObject << " + b" ".join(xobjects) + b" >>"
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources << %s >> /Contents %d 0 R >>"
                % (pages_obj, PAGE_WIDTH, PAGE_HEIGHT, resources, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    starts = [offsets[obj - 1] for obj in content_objects]
    return bytes(out), starts


# --- text layout ----------------------------------------------------------------------------


def text_width(text: str, size: float) -> float:
    """Advance width in points: ASCII is half an em in STSong-Light (``/W [1 95 500]``), the rest one em."""
    return sum(0.5 if ord(char) < 128 else 1.0 for char in text) * size


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy line breaking by character, as Word breaks CJK text."""
    lines, line, used = [], "", 0.0
    for char in text:
        advance = text_width(char, size)
        if line and used + advance > width + 0.01:
            lines.append(line)
            line, used = "", 0.0
        line += char
        used += advance
    if line or not lines:
        lines.append(line)
    return lines


def _hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


class _Layout:
    """Pages of PDF operators filled top to bottom."""

    def __init__(self) -> None:
        self.pages: list[list[str]] = []
        self.y = 0.0
        self.new_page()

    @property
    def ops(self) -> list[str]:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(["0.5 w"])
        self.y = PAGE_HEIGHT - _MARGIN_TOP

    def room(self) -> float:
        return self.y - _MARGIN_BOTTOM

    def ensure(self, height: float) -> None:
        if height > self.room():
            self.new_page()

    def text(self, x: float, baseline: float, size: float, text: str) -> None:
        if text:
            self.ops.append(f"BT /F1 {size:g} Tf 1 0 0 1 {x:.2f} {baseline:.2f} Tm <{_hex(text)}> Tj ET")

    def rect(self, x: float, y: float, width: float, height: float) -> None:
        self.ops.append(f"{x:.2f} {y:.2f} {width:.2f} {height:.2f} re S")

    def paragraph(self, text: str, size: float, *, indent: bool = True, center: bool = False) -> None:
        width = PAGE_WIDTH - 2 * _MARGIN_X
        leading = size * 1.75
        first = ("\u3000\u3000" if indent else "") + text
        for line in wrap(first, width, size):
            self.ensure(leading)
            self.y -= leading
            x = _MARGIN_X + (width - text_width(line, size)) / 2 if center else _MARGIN_X
            self.text(x, self.y + size * 0.3, size, line)

    def content(self) -> list[bytes]:
        out = []
        for number, ops in enumerate(self.pages, start=1):
            footer = f"- {number} -"
            x = (PAGE_WIDTH - text_width(footer, 9)) / 2
            ops = [*ops, f"BT /F1 9 Tf 1 0 0 1 {x:.2f} 40 Tm <{_hex(footer)}> Tj ET"]
            out.append("\n".join(ops).encode("ascii"))
        return out


#: Relative column widths per table (the printed share of the text width).
_COLUMN_WEIGHTS = {
    "table3": (1.1, 4.6, 9.2, 2.6, 2.6, 2.6, 2.6, 2.6, 2.6, 2.6),
    "table4": (1,) * 15,
    "table2": (3.2, 2.2, 2.2, 2.2),
    "legacy-stats": (6.0, 1.2, 1.6),
}
_TABLE_FONT = {"table3": 7.0, "table4": 7.0, "table2": 8.5, "legacy-stats": 8.5}
_CELL_PAD = 2.0


def _place(grid: _Grid) -> list[tuple[int, int, _Cell]]:
    """(row, column, cell) of every cell, columns found as HTML does (skipping rowspans from above)."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return placed


def _table(layout: _Layout, grid: _Grid) -> None:
    size = _TABLE_FONT.get(grid.name, 8.0)
    leading = size * 1.35
    weights = _COLUMN_WEIGHTS.get(grid.name, (1,) * grid.width)
    total_width = PAGE_WIDTH - 2 * _MARGIN_X
    widths = [total_width * w / sum(weights) for w in weights]
    lefts = [_MARGIN_X + sum(widths[:i]) for i in range(len(widths))]
    placed = _place(grid)
    lines: dict[int, list[str]] = {}
    heights = [leading + 2 * _CELL_PAD] * len(grid.rows)
    for index, (r, c, cell) in enumerate(placed):
        width = sum(widths[c : c + cell.colspan]) - 2 * _CELL_PAD
        lines[index] = wrap(cell.text, width, size) if cell.text else [""]
        if cell.rowspan == 1:
            heights[r] = max(heights[r], len(lines[index]) * leading + 2 * _CELL_PAD)
    for index, (r, _c, cell) in enumerate(placed):  # spanning cells: grow the last row if needed
        if cell.rowspan > 1:
            need = len(lines[index]) * leading + 2 * _CELL_PAD
            have = sum(heights[r : r + cell.rowspan])
            if need > have:
                heights[r + cell.rowspan - 1] += need - have
    if sum(heights) <= PAGE_HEIGHT - _MARGIN_TOP - _MARGIN_BOTTOM:
        layout.ensure(sum(heights) + 6)
    layout.y -= 6
    # Rows go where they fit; a spanning cell is ruled per page and its text printed where it starts.
    tops: list[tuple[int, float]] = []  # (page index, top y) per row
    for height in heights:
        layout.ensure(height)
        tops.append((len(layout.pages) - 1, layout.y))
        layout.y -= height
    for index, (r, c, cell) in enumerate(placed):
        x, width = lefts[c], sum(widths[c : c + cell.colspan])
        rows = range(r, min(r + cell.rowspan, len(heights)))
        by_page: dict[int, list[int]] = {}
        for row in rows:
            by_page.setdefault(tops[row][0], []).append(row)
        for page, page_rows in by_page.items():
            top = tops[page_rows[0]][1]
            bottom = tops[page_rows[-1]][1] - heights[page_rows[-1]]
            layout.pages[page].append(f"{x:.2f} {bottom:.2f} {width:.2f} {top - bottom:.2f} re S")
        page, top = tops[r]
        last = max(row for row in rows if tops[row][0] == page)
        bottom = tops[last][1] - heights[last]
        block = len(lines[index]) * leading
        first_baseline = top - (top - bottom - block) / 2 - leading + (leading - size) / 2 + size * 0.12
        for number, line in enumerate(lines[index]):
            line_x = x + (width - text_width(line, size)) / 2
            baseline = first_baseline - number * leading
            if line:
                layout.pages[page].append(
                    f"BT /F1 {size:g} Tf 1 0 0 1 {line_x:.2f} {baseline:.2f} Tm <{_hex(line)}> Tj ET"
                )


def report_pdf_pages(spec: ReportSpec) -> list[bytes]:
    """Content streams of the report's pages."""
    layout = _Layout()
    for kind, content in report_blocks(spec):
        if isinstance(content, _Grid):
            _table(layout, content)
        elif kind == "title":
            layout.paragraph(content, 16, indent=False, center=True)
            layout.y -= 8
        elif kind == "heading":
            layout.paragraph(content, 11, indent=False)
        else:
            layout.paragraph(content, 10.5)
    return layout.content()


def report_pdf(spec: ReportSpec) -> bytes:
    """The report as a text PDF (tables ruled, numbers at their column positions)."""
    return write_pdf([PdfPage(c) for c in report_pdf_pages(spec)], title=spec.title)[0]


def truncated_pdf(spec: ReportSpec) -> bytes:
    """The report's PDF cut halfway through the compressed content stream that prints table 3."""
    contents = report_pdf_pages(spec)
    data, starts = write_pdf([PdfPage(c) for c in contents], title=spec.title)
    marker = _hex("(七)总计" if not spec.fullwidth else "（七）总计").encode()
    page = next((i for i, c in enumerate(contents) if marker in c), len(contents) // 2)
    stream_start = data.index(b"stream\n", starts[page]) + len(b"stream\n")
    stream_end = data.index(b"\nendstream", stream_start)
    return data[: stream_start + (stream_end - stream_start) // 2]


def _scan_pixels(width: int, height: int, seed: int) -> bytes:
    """A grey page with dark bars where lines of text would be: what a scanner gives, no text layer."""
    white = b"\xf4" * width
    rows = []
    for y in range(height):
        band = (y // 9) % 3
        if 60 <= y < height - 60 and band != 2 and ((y // 27) * 7 + seed) % 11 != 0:
            margin = 50 + ((y // 27) * 13 + seed) % 40
            rows.append(b"\xf4" * margin + b"\x30" * (width - 2 * margin) + b"\xf4" * margin)
        else:
            rows.append(white)
    return b"".join(rows)


def image_pdf(title: str, pages: int = 2, seed: int = 0) -> bytes:
    """An image-only PDF: each page one greyscale scan, no fonts, no text."""
    width, height = 420, 594
    out = []
    for number in range(pages):
        content = f"q {PAGE_WIDTH - 40:.0f} 0 0 {PAGE_HEIGHT - 40:.0f} 20 20 cm /Im1 Do Q".encode()
        out.append(PdfPage(content, images=((width, height, _scan_pixels(width, height, seed + number)),)))
    return write_pdf(out, title=title, with_font=False)[0]


# --- PNG ---------------------------------------------------------------------------------------


def png_image(width: int = 420, height: int = 594, seed: int = 0) -> bytes:
    """A greyscale PNG of a scanned page (what 图片版 reports show instead of text)."""
    pixels = _scan_pixels(width, height, seed)
    raw = b"".join(b"\x00" + pixels[y * width : (y + 1) * width] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# --- DOCX ---------------------------------------------------------------------------------------

_FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _repack(data: bytes) -> bytes:
    """The same zip with fixed timestamps, so the bytes do not depend on when they were made."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def report_docx(spec: ReportSpec) -> bytes:
    """The report as a Word document: paragraphs, and tables as Word tables with merged cells."""
    import docx  # python-docx: a project dependency, imported only when a DOCX is served
    from docx.shared import Pt

    document = docx.Document()
    document.core_properties.title = spec.title
    document.core_properties.author = spec.publisher
    for kind, content in report_blocks(spec):
        if isinstance(content, _Grid):
            table = document.add_table(rows=len(content.rows), cols=content.width)
            table.style = "Table Grid"
            for r, c, cell in _place(content):
                target = table.cell(r, c)
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
                target.text = cell.text
        elif kind == "title":
            paragraph = document.add_paragraph()
            run = paragraph.add_run(content)
            run.font.size = Pt(16)
        elif kind == "heading":
            document.add_paragraph(content)
        else:
            document.add_paragraph("\u3000\u3000" + content)
    year, month, day = (int(part) for part in spec.published.split("-"))
    stamp = datetime(year, month, day, 9, 30)
    document.core_properties.created = document.core_properties.modified = stamp
    document.core_properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _repack(buffer.getvalue())


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def _zip_entry(name: str, data_crc: int, compressed: bytes, size: int, offset: int) -> tuple[bytes, bytes]:
    """Local header + data, and the central directory record, for one deflated entry."""
    encoded = name.encode()
    dos_time, dos_date = 0, (2024 - 1980) << 9 | 1 << 5 | 1
    local = (
        struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            8,
            dos_time,
            dos_date,
            data_crc,
            len(compressed),
            size,
            len(encoded),
            0,
        )
        + encoded
        + compressed
    )
    central = (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            dos_time,
            dos_date,
            data_crc,
            len(compressed),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + encoded
    )
    return local, central


@cache
def zip_bomb_docx(inflated_mib: int = 512) -> bytes:
    """A DOCX of a few hundred KiB whose ``word/document.xml`` inflates to ``inflated_mib`` MiB.

    The sizes in its headers are honest, so a reader can refuse it before inflating anything. Built
    from one deflated MiB of spaces repeated (each piece ends on a full flush, so the copies chain
    into one valid deflate stream) instead of compressing the whole thing.
    """
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
        b"<w:r><w:t>"
    )
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    block = b" " * (1 << 20)
    pieces = []
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    pieces.append(compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH))
    repeat = zlib.compressobj(9, zlib.DEFLATED, -15)
    block_deflated = repeat.compress(block) + repeat.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    for _ in range(inflated_mib):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    ending = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = pieces[0] + block_deflated * inflated_mib + ending.compress(tail) + ending.flush()
    size = len(head) + len(block) * inflated_mib + len(tail)
    entries = [
        ("[Content_Types].xml", _DOCX_TYPES.encode()),
        ("_rels/.rels", _DOCX_RELS.encode()),
    ]
    out, directory = bytearray(), bytearray()
    for name, data in entries:
        deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = deflater.compress(data) + deflater.flush()
        local, central = _zip_entry(name, zlib.crc32(data), packed, len(data), len(out))
        out += local
        directory += central
    local, central = _zip_entry("word/document.xml", crc, compressed, size, len(out))
    out += local
    directory += central
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 3, 3, len(directory), len(out), 0)
    return bytes(out + directory + end)


# --- OLE2 (DOC, WPS) ------------------------------------------------------------------------------

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _directory_entry(name: str, kind: int, start: int, size: int, child: int = _FREE) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", _FREE, _FREE, child)
        + b"\0" * 16  # CLSID
        + struct.pack("<I", 0)  # state bits
        + b"\0" * 16  # times
        + struct.pack("<IIi", start, size, 0)
    )


def ole_document(title: str, text: str = "") -> bytes:
    """A minimal valid OLE2 compound file with one ``WordDocument`` stream (a .doc / .wps file).

    The stream opens with the Word FIB magic and holds the text as UTF-16; it is not a real Word
    binary document, so no converter will make sense of it: the crawler must report it, not read it.
    """
    body = struct.pack("<HH", 0xA5EC, 0x00C1) + (title + "\r" + text).encode("utf-16-le")
    size = max(4096, -(-len(body) // 512) * 512)  # >= the mini-stream cutoff: regular sectors only
    stream = body.ljust(size, b"\0")
    data_sectors = size // 512
    fat = [_FAT, _END] + [2 + i + 1 for i in range(data_sectors - 1)] + [_END]
    fat += [_FREE] * (128 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)  # DIFAT[0]: the FAT is sector 0
        + struct.pack("<I", _FREE) * 108
    )
    directory = (
        _directory_entry("Root Entry", 5, _END, 0, child=1)
        + _directory_entry("WordDocument", 2, 2, len(body))
        + b"\0" * 128 * 2
    )
    return header + struct.pack("<128I", *fat) + directory + stream


# --- oversized ------------------------------------------------------------------------------------

OVERSIZED_BYTES = 80 * 1024 * 1024  # more than any sane per-file limit (64 MiB)


def oversized_chunks(total: int = OVERSIZED_BYTES, chunk: int = 1 << 16) -> Iterator[bytes]:
    """The body of a huge "PDF", produced lazily: a header, then filler."""
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n% scanned at 600 dpi\n"
    yield head
    sent = len(head)
    filler = b"0" * chunk
    while sent < total:
        piece = filler[: min(chunk, total - sent)]
        sent += len(piece)
        yield piece
