"""Text out of attachment documents (PDF, DOCX, DOC/WPS, XLSX/XLS), with the guards that bad files need.

PDF text comes from pdfplumber in layout mode, so table cells stay apart (runs of spaces) and
the layout-text reader of :mod:`parsers.tables` applies. DOCX tables are read from their XML
grid as ``|`` rows, keeping blank cells. Word 97-2003 binaries (.doc, and .wps files saved in the
same format) are opened with olefile and read by the [MS-DOC] piece table, tables again as ``|``
rows. Spreadsheets (openpyxl for .xlsx, xlrd for .xls) give one ``|`` row per sheet row. Files
that are not what they claim are flagged ``unsupported_document``; broken, encrypted or
oversized ones ``unreadable_document``. Nothing here raises on bad bytes.
"""

from __future__ import annotations

import bisect
import io
import itertools
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .constants import FLAG_IMAGE_ONLY, FLAG_NEEDS_OCR, FLAG_UNREADABLE_DOCUMENT, FLAG_UNSUPPORTED_DOCUMENT

MAX_PDF_PAGES = 200
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200


@dataclass
class Document:
    kind: str
    text: str | None
    flags: list[tuple[str, str]] = field(default_factory=list)
    pages: int | None = None


def sniff_document(data: bytes, content_type: str | None = None, url: str | None = None) -> str | None:
    """The document kind from the bytes: pdf, docx, xlsx, zip, doc, wps, xls, ole, or None (not one).

    OLE2 files are told apart by their streams (``WordDocument``: doc, or wps when the URL or the
    content type says so; ``Workbook``/``Book``: xls); ``ole`` when the directory cannot be read.
    """
    head = data[:8]
    if head.startswith(b"%PDF") or data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(data, content_type, url)
    return None


def _sniff_ole(data: bytes, content_type: str | None, url: str | None) -> str:
    try:
        with _open_ole(data) as ole:
            if ole.exists("WordDocument"):
                hints = f"{content_type or ''} {(url or '').split('?')[0]}".lower()
                return "wps" if ".wps" in hints or "wps" in (content_type or "").lower() else "doc"
            if ole.exists("Workbook") or ole.exists("Book"):
                return "xls"
    except Exception:
        pass
    return "ole"


def extract_document(data: bytes, kind: str) -> Document:
    """The text of a document of a sniffed ``kind``, or None and flags saying why not."""
    try:
        if kind == "pdf":
            return _pdf(data)
        if kind == "docx":
            return _docx(data)
        if kind == "xlsx":
            return _xlsx(data)
        if kind in ("doc", "wps", "xls", "ole"):
            return _ole(data, kind)
    except Exception as exc:
        return Document(
            kind, None, [(FLAG_UNREADABLE_DOCUMENT, f"{kind} could not be read: {type(exc).__name__}: {exc}")]
        )
    return Document(kind, None, [(FLAG_UNSUPPORTED_DOCUMENT, f"{kind} documents are not read")])


def _pdf(data: bytes) -> Document:
    import pdfplumber

    texts: list[str] = []
    images = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = pdf.pages[:MAX_PDF_PAGES]
        for page in pages:
            images += len(page.images)
            texts.append(page.extract_text(layout=True, x_density=4, y_density=13) or "")
        n = len(pdf.pages)
    text = "\n".join(t.rstrip() for t in texts)
    doc = Document("pdf", text, pages=n)
    if len("".join(text.split())) < 20 * max(1, min(n, 3)):
        doc.flags.append(
            (FLAG_IMAGE_ONLY, f"PDF of {n} page(s) with {images} image(s) carries no text layer")
        )
        doc.flags.append((FLAG_NEEDS_OCR, "the report is a scan: its numbers need OCR"))
        doc.text = None
    if n > MAX_PDF_PAGES:
        doc.flags.append((FLAG_UNREADABLE_DOCUMENT, f"only the first {MAX_PDF_PAGES} of {n} pages were read"))
    return doc


def _zip_bomb(data: bytes, kind: str) -> Document | None:
    """An unreadable ``kind`` document where the zip would expand past the limits, else None."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        total = sum(i.file_size for i in zf.infolist())
    if total > MAX_UNZIPPED_BYTES or total > MAX_ZIP_RATIO * max(len(data), 1):
        message = f"{kind.upper()} expands to {total} bytes: refused as a zip bomb"
        return Document(kind, None, [(FLAG_UNREADABLE_DOCUMENT, message)])
    return None


def _docx(data: bytes) -> Document:
    refused = _zip_bomb(data, "docx")
    if refused is not None:
        return refused
    import docx  # python-docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells = []
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat; keep one
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()) or "—")  # keep blanks as cells
                lines.append(" | ".join(cells) + " |")
    return Document("docx", "\n".join(lines))


# --- Word 97-2003 binary (.doc, and .wps saved in the same format) ------------------------------
#
# A .doc is an OLE2 compound file. Its ``WordDocument`` stream opens with the FIB (file information
# block) that says where everything is; the text itself sits in that stream in "pieces" listed by
# the piece table (Clx -> Pcdt -> PlcPcd) in the ``1Table`` or ``0Table`` stream. Paragraph
# properties (in a table? the end of a table row?) sit in 512-byte PAPX FKP pages of the
# ``WordDocument`` stream, indexed from the table stream by PlcBtePapx. All offsets are [MS-DOC].

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_OLE_STREAM_BYTES = 128 * 1024 * 1024
MAX_WORD_PIECES = 100_000
MAX_WORD_CHARS = 10_000_000
MAX_FIELD_DEPTH = 64

_FIB_IDENT = 0xA5EC
_FIB_MIN_NFIB = 0x00C1  # Word 97; Word 6/95 files (nFib < 0xC1) have another FIB
_FIB_FLAG_ENCRYPTED = 0x0100
_FIB_FLAG_WHICH_TABLE = 0x0200
_FIB_FLAG_OBFUSCATED = 0x8000
_FIB_CSW = 0x000E  # 16-bit words in FibRgW97
_FIB_CSLW = 0x0016  # 32-bit words in FibRgLw97
_FIB_MIN_FCLCB = 0x005D  # (fc, lcb) pairs in FibRgFcLcb97
_FCLCB_PLCF_BTE_PAPX = 13  # index of (fcPlcfBtePapx, lcbPlcfBtePapx)
_FCLCB_CLX = 33  # index of (fcClx, lcbClx)

_SPRM_P_F_IN_TABLE = 0x2416
_SPRM_P_F_TTP = 0x2417
_SPRM_P_ITAP = 0x6649
_SPRM_P_HUGE_PAPX = 0x6646
_SPRM_P_CHG_TABS = 0xC615
_SPRM_T_DEF_TABLE = 0xD608
_SPRM_T_VERT_MERGE = 0xD62B
_SPRA_SIZES = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # operand bytes by spra; 6 is variable

# Compressed (8-bit) text is cp1252 where cp1252 defines the byte, the byte's own code point where not.
_CP1252 = "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(256))


class _NotWordBinary(ValueError):
    """The bytes fail a structural check of [MS-DOC]: not (or no longer) a Word binary file."""


class _Refused(ValueError):
    """A Word binary file that is read no further: encrypted, or past a size guard."""


@dataclass(frozen=True)
class _Fib:
    """What the FIB says: table stream name, main-text length, and the structures used here."""

    table_stream: str
    ccp_text: int
    clx: tuple[int, int]  # (fc, lcb) in the table stream
    bte_papx: tuple[int, int]


@dataclass(frozen=True)
class _Piece:
    """A run of characters ``[cp, cp + len(text))`` stored at byte ``offset``, ``width`` bytes each."""

    cp: int
    text: str
    offset: int
    width: int


@dataclass
class _ParaProps:
    """The paragraph properties this reader needs: in a table, table-row end, and the row's cells."""

    in_table: bool = False
    row_end: bool = False
    #: per cell of the row (from the row end's sprmTDefTable): (left edge, vertMerge, horzMerge)
    cells: list[tuple[int, int, int]] = field(default_factory=list)


def _u16(data: bytes, pos: int) -> int:
    return int.from_bytes(data[pos : pos + 2], "little")


def _u32(data: bytes, pos: int) -> int:
    return int.from_bytes(data[pos : pos + 4], "little")


def _read_fib(word: bytes) -> _Fib:
    """Check and read the FIB at the start of the ``WordDocument`` stream.

    FibBase (32 bytes: wIdent 0xA5EC, nFib, flags at 0x0A with fEncrypted and fWhichTblStm), then
    csw=14 16-bit words, cslw=22 32-bit words (ccpText is the fourth), cbRgFcLcb pairs of 32-bit
    (fc, lcb). An encrypted file keeps the first 68 bytes in clear, so csw/cslw are checked before
    fEncrypted and the rest after it.
    """
    if len(word) < 0x44:
        raise _NotWordBinary(f"its WordDocument stream has {len(word)} bytes, too short for a FIB")
    ident, nfib, flags = _u16(word, 0), _u16(word, 2), _u16(word, 0x0A)
    if ident != _FIB_IDENT:
        raise _NotWordBinary(f"FIB wIdent is 0x{ident:04X}, not 0xA5EC")
    if nfib < _FIB_MIN_NFIB:
        raise _NotWordBinary(f"FIB nFib 0x{nfib:04X} is a Word 6/95 file, older than Word 97")
    csw, cslw = _u16(word, 0x20), _u16(word, 0x3E)
    if csw != _FIB_CSW or cslw != _FIB_CSLW:
        raise _NotWordBinary(f"FIB counts csw={csw}, cslw={cslw} are not Word 97's 14 and 22")
    if flags & _FIB_FLAG_ENCRYPTED:
        how = "XOR-obfuscated" if flags & _FIB_FLAG_OBFUSCATED else "encrypted"
        raise _Refused(f"the Word document is {how} (password-protected): its text cannot be read")
    pairs = _u16(word, 0x98)
    if pairs < _FIB_MIN_FCLCB or len(word) < 0x9A + 8 * pairs:
        raise _NotWordBinary(f"FIB has {pairs} fc/lcb pairs in a {len(word)}-byte stream")
    ccp_text = int.from_bytes(word[0x4C:0x50], "little", signed=True)
    if ccp_text < 0:
        raise _NotWordBinary(f"FIB ccpText is negative ({ccp_text})")

    def pair(index: int) -> tuple[int, int]:
        return _u32(word, 0x9A + 8 * index), _u32(word, 0x9E + 8 * index)

    table = "1Table" if flags & _FIB_FLAG_WHICH_TABLE else "0Table"
    return _Fib(table, ccp_text, pair(_FCLCB_CLX), pair(_FCLCB_PLCF_BTE_PAPX))


def _piece_table(table: bytes, fib: _Fib) -> tuple[list[int], list[int]]:
    """The PlcPcd of the Clx: n+1 character positions and n raw 32-bit FcCompressed values.

    The Clx is zero or more Prc (0x01, int16 size, sprms) then one Pcdt (0x02, uint32 lcb, PlcPcd);
    PlcPcd is (n+1) uint32 CPs then n 8-byte PCDs whose bytes 2-5 are the piece's fc.
    """
    fc, lcb = fib.clx
    if lcb == 0 or fc + lcb > len(table):
        raise _NotWordBinary(
            f"its piece table (Clx at {fc}, {lcb} bytes) is outside the {len(table)}-byte table stream"
        )
    clx = table[fc : fc + lcb]
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: skip its property modifiers
        size = int.from_bytes(clx[pos + 1 : pos + 3], "little", signed=True)
        if size < 0:
            raise _NotWordBinary("its Clx has a Prc of negative size")
        pos += 3 + size
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        raise _NotWordBinary("its Clx holds no Pcdt (piece table)")
    size = _u32(clx, pos + 1)
    plc = clx[pos + 5 : pos + 5 + size]
    if len(plc) != size or size < 16 or (size - 4) % 12:
        raise _NotWordBinary(f"its PlcPcd of {size} bytes is not (n+1) CPs and n 8-byte PCDs")
    count = (size - 4) // 12
    if count > MAX_WORD_PIECES:
        raise _Refused(f"its piece table lists {count} pieces (more than {MAX_WORD_PIECES}): refused")
    cps = list(struct.unpack_from(f"<{count + 1}I", plc))
    fcs = [_u32(plc, 4 * (count + 1) + 8 * i + 2) for i in range(count)]
    if cps[0] != 0 or any(b < a for a, b in itertools.pairwise(cps)):
        raise _NotWordBinary("its piece table's character positions do not start at 0 and ascend")
    return cps, fcs


def _pieces(word: bytes, table: bytes, fib: _Fib) -> list[_Piece]:
    """The main document's text as pieces (CP 0 to ccpText), each decoded one character per CP.

    Bit 30 of a piece's fc (fCompressed) means 8-bit cp1252 at byte fc/2; otherwise UTF-16LE at fc.
    UTF-16 code units stay one ``str`` character each (surrogates unpaired) so CPs map to offsets.
    """
    cps, fcs = _piece_table(table, fib)
    end = fib.ccp_text
    if end > cps[-1]:
        raise _NotWordBinary(f"FIB ccpText {end} is past the piece table's last CP {cps[-1]}")
    if cps[-1] > len(word):
        raise _NotWordBinary(
            f"its pieces claim {cps[-1]} characters, more than the {len(word)}-byte stream holds"
        )
    if cps[-1] > MAX_WORD_CHARS:
        raise _Refused(f"the document claims {cps[-1]} characters (more than {MAX_WORD_CHARS}): refused")
    pieces = []
    for index, raw_fc in enumerate(fcs):
        start, stop = cps[index], min(cps[index + 1], end)
        if start >= stop:
            continue
        if raw_fc & 0x80000000:
            raise _NotWordBinary(f"piece {index} has the reserved high bit of its fc set")
        compressed = bool(raw_fc & 0x40000000)
        fc = raw_fc & 0x3FFFFFFF
        width, offset = (1, fc // 2) if compressed else (2, fc)
        raw = word[offset : offset + (stop - start) * width]
        if len(raw) != (stop - start) * width:
            raise _NotWordBinary(f"piece {index} (at byte {offset}) runs past the end of the stream")
        if compressed:
            text = raw.decode("latin-1").translate(_CP1252_TABLE)
        else:
            text = "".join(map(chr, struct.unpack(f"<{len(raw) // 2}H", raw)))
        pieces.append(_Piece(start, text, offset, width))
    return pieces


_CP1252_TABLE = {i: ch for i, ch in enumerate(_CP1252) if chr(i) != ch}


def _sprms(grpprl: bytes) -> Iterator[tuple[int, bytes]]:
    """(sprm, operand) pairs of a property-modifier list; stops at anything it cannot size.

    A sprm is a uint16 whose top three bits (spra) give the operand size; spra 6 is variable: a size
    byte first, except sprmTDefTable (uint16 size + 1) and sprmPChgTabs (255 = complex, not needed).
    """
    pos = 0
    while pos + 2 <= len(grpprl):
        sprm = _u16(grpprl, pos)
        pos += 2
        spra = sprm >> 13
        if spra != 6:
            size = _SPRA_SIZES[spra]
        elif sprm == _SPRM_T_DEF_TABLE:
            if pos + 2 > len(grpprl):
                return
            size, pos = max(_u16(grpprl, pos) - 1, 0), pos + 2
        elif pos < len(grpprl) and not (sprm == _SPRM_P_CHG_TABS and grpprl[pos] == 255):
            size, pos = grpprl[pos], pos + 1
        else:
            return
        if pos + size > len(grpprl):
            return
        yield sprm, grpprl[pos : pos + size]
        pos += size


def _table_cells(operand: bytes) -> list[tuple[int, int, int]]:
    """Cells of a row from a sprmTDefTable operand: itcMac, (itcMac+1) int16 cell edges, TC80s.

    Each 20-byte TC80 starts with TCGRF: bits 0-1 horzMerge (2, 3: covered by the cell to the
    left), bits 5-6 vertMerge (1: covered by the cell above).
    """
    if not operand:
        return []
    count = operand[0]
    edges = [int.from_bytes(operand[1 + 2 * i : 3 + 2 * i], "little", signed=True) for i in range(count + 1)]
    base = 1 + 2 * (count + 1)
    cells = []
    for i in range(count):
        flags = _u16(operand, base + 20 * i) if base + 20 * i + 2 <= len(operand) else 0
        cells.append((edges[i] if i < len(edges) else i, (flags >> 5) & 3, flags & 3))
    return cells


class _Paragraphs:
    """Paragraph properties by the stream offset of a paragraph mark, from the PAPX FKP pages.

    PlcBtePapx (table stream): (n+1) uint32 fcs then n uint32 page numbers. Each FKP page (512
    bytes at pn*512 of ``WordDocument``): crun+1 uint32 fcs, crun 13-byte BxPap (first byte: word
    offset of the PapxInFkp), crun in the last byte. PapxInFkp: cb, or 0 then cb', then istd and
    sprms. Any part that does not fit is read as "no properties" (the heuristic then applies).
    """

    def __init__(self, word: bytes, table: bytes, fib: _Fib, data_stream: bytes) -> None:
        self.word, self.data_stream = word, data_stream
        self.pages: list[tuple[int, int, int]] = []  # (first fc, limit fc, page number)
        self.cache: dict[int, list[tuple[int, _ParaProps]] | None] = {}
        fc, lcb = fib.bte_papx
        if lcb < 12 or (lcb - 4) % 8 or fc + lcb > len(table):
            return
        count = (lcb - 4) // 8
        fcs = struct.unpack_from(f"<{count + 1}I", table, fc)
        pns = struct.unpack_from(f"<{count}I", table, fc + 4 * (count + 1))
        self.pages = [(fcs[i], fcs[i + 1], pns[i] & 0x3FFFFF) for i in range(count)]

    @property
    def known(self) -> bool:
        return bool(self.pages)

    def at(self, fc: int) -> _ParaProps:
        """The properties of the paragraph whose mark is at byte ``fc``."""
        index = bisect.bisect_right(self.pages, (fc, float("inf"))) - 1
        if index < 0 or not self.pages[index][0] <= fc < self.pages[index][1]:
            return _ParaProps()
        runs = self._page(self.pages[index][2])
        if not runs:
            return _ParaProps()
        position = bisect.bisect_right([start for start, _ in runs], fc) - 1
        return runs[position][1] if position >= 0 else _ParaProps()

    def _page(self, pn: int) -> list[tuple[int, _ParaProps]] | None:
        if pn not in self.cache:
            self.cache[pn] = self._read_page(self.word[pn * 512 : pn * 512 + 512])
        return self.cache[pn]

    def _read_page(self, page: bytes) -> list[tuple[int, _ParaProps]] | None:
        if len(page) < 512:
            return None
        crun = page[511]
        if not crun or 4 * (crun + 1) + 13 * crun > 511:
            return None
        fcs = struct.unpack_from(f"<{crun + 1}I", page)
        runs = []
        for i in range(crun):
            offset = 2 * page[4 * (crun + 1) + 13 * i]
            runs.append((fcs[i], self._props(page, offset) if offset else _ParaProps()))
        return runs

    def _props(self, page: bytes, offset: int) -> _ParaProps:
        cb = page[offset] if offset < 512 else 0
        if cb:
            grp = page[offset + 1 : offset + 2 * cb]
        else:
            size = page[offset + 1] if offset + 1 < 512 else 0
            grp = page[offset + 2 : offset + 2 + 2 * size]
        props = _ParaProps()
        for sprm, operand in _sprms(grp[2:]):  # after the uint16 istd
            if sprm == _SPRM_P_HUGE_PAPX and len(operand) == 4:
                at = _u32(operand, 0)
                size = _u16(self.data_stream, at)
                self._apply(props, self.data_stream[at + 2 : at + 2 + size])
            else:
                self._apply(props, b"", sprm, operand)
        return props

    def _apply(self, props: _ParaProps, grpprl: bytes, sprm: int = 0, operand: bytes = b"") -> None:
        items = list(_sprms(grpprl)) if grpprl else [(sprm, operand)]
        for sprm, operand in items:
            if sprm == _SPRM_P_F_IN_TABLE:
                props.in_table = operand[:1] == b"\x01"
            elif sprm == _SPRM_P_ITAP:
                props.in_table = props.in_table or _u32(operand, 0) > 0
            elif sprm == _SPRM_P_F_TTP:
                props.row_end = operand[:1] == b"\x01"
            elif sprm == _SPRM_T_DEF_TABLE:
                props.cells = _table_cells(operand)
            elif sprm == _SPRM_T_VERT_MERGE and len(operand) >= 2 and operand[0] < len(props.cells):
                left, _, horizontal = props.cells[operand[0]]
                props.cells[operand[0]] = (left, operand[1] & 3, horizontal)


_CONTROL_RE = re.compile(r"[\x00-\x1f]")
_DROPPED = {"\x01", "\x02", "\x03", "\x04", "\x05", "\x08", "\x1f"}  # objects, notes, soft hyphen


class _TextBuilder:
    """Lines of the document out of its characters: paragraphs as lines, table rows as ``|`` rows.

    ``\\r`` ends a paragraph, ``\\x07`` ends a table cell or (when its paragraph is the row's TTP)
    the row, ``\\x0b`` is a line break, ``\\x0c`` a page break; a field ``\\x13 code \\x14 result
    \\x15`` keeps its result. Within a cell, paragraphs and breaks become spaces, like ``_docx``.
    """

    def __init__(self, paragraphs: _Paragraphs) -> None:
        self.paragraphs = paragraphs
        self.lines: list[str] = []
        self.current: list[str] = []  # the paragraph being read
        self.cell: list[str] = []  # earlier paragraphs of the table cell being read
        self.row: list[str] = []  # finished cells of the row being read
        self.fields: list[bool] = []  # open fields: True while in the field code (dropped)
        self.above: dict[int, str] = {}  # text of the cell starting at each left edge, last row
        self.previous_mark = ""  # the last paragraph-ending character read

    def feed(self, piece: _Piece) -> None:
        text, pos = piece.text, 0
        for match in _CONTROL_RE.finditer(text):
            self._add(text[pos : match.start()])
            pos = match.end()
            self._control(match.group(), piece.offset + match.start() * piece.width)
        self._add(text[pos:])

    def _add(self, text: str) -> None:
        if text and not any(self.fields):
            self.current.append(text)

    def _control(self, char: str, fc: int) -> None:
        if char == "\x13":
            if len(self.fields) < MAX_FIELD_DEPTH:
                self.fields.append(True)
        elif char == "\x14":
            if self.fields:
                self.fields[-1] = False
        elif char == "\x15":
            if self.fields:
                self.fields.pop()
        elif char == "\t":
            self._add("\t")
        elif char == "\x0b":
            self._add("\n")
        elif char == "\x1e":
            self._add("-")  # non-breaking hyphen
        elif char == "\x0c":
            self._add("\n")  # page or section break inside a paragraph
        elif char == "\r":
            self._paragraph_end(self.paragraphs.at(fc).in_table)
        elif char == "\x07":
            self._cell_mark(fc)
        elif char not in _DROPPED:
            self._add(" ")

    def _paragraph_end(self, in_table: bool) -> None:
        text = "".join(self.current)
        self.current = []
        if in_table:
            self.cell.append(text)
        else:
            self._flush_row()
            self.above = {}
            self.lines.append(text.rstrip())
        self.previous_mark = "\r"

    def _cell_mark(self, fc: int) -> None:
        text = " ".join(" ".join([*self.cell, "".join(self.current)]).split())
        self.current, self.cell = [], []
        props = self.paragraphs.at(fc) if self.paragraphs.known else None
        if props is not None:
            row_end = props.row_end
        else:  # no paragraph properties: a mark alone right after a cell mark ends the row
            row_end = not text and self.previous_mark == "\x07" and bool(self.row)
        if row_end:
            self._end_row(props.cells if props else [])
        else:
            self.row.append(text)
        self.previous_mark = "\x07"

    def _end_row(self, cells: list[tuple[int, int, int]]) -> None:
        """Close the row; merged cells come out as ``_docx`` gives them (vertical: the text above)."""
        texts = []
        above: dict[int, str] = {}
        for index, text in enumerate(self.row):
            left, vertical, horizontal = cells[index] if index < len(cells) else (None, 0, 0)
            if horizontal in (2, 3) and not text:
                continue
            if vertical == 1 and not text and left is not None:
                text = self.above.get(left, "")
            if left is not None:
                above[left] = text
            texts.append(text or "—")
        self.above = above
        self.row = []
        if texts:
            self.lines.append(" | ".join(texts) + " |")

    def _flush_row(self) -> None:
        """A row left open (no row-end mark before ordinary text): keep its cells."""
        if self.row:
            self._end_row([])

    def text(self) -> str:
        if self.current or self.cell:
            self._paragraph_end(bool(self.cell))
        self._flush_row()
        joined = "\n".join(self.lines)
        # UTF-16 surrogate pairs were kept as two characters: join them now.
        return joined.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _ole_stream(ole: Any, name: str, limit: int) -> bytes:
    """One stream's bytes, refused past ``limit`` (the directory states sizes before any read)."""
    size = ole.get_size(name)
    if size > min(limit, MAX_OLE_STREAM_BYTES):
        raise _Refused(f"its {name} stream claims {size} bytes, more than the file could hold: refused")
    return bytes(ole.openstream(name).read())


def _open_ole(data: bytes) -> Any:
    import olefile

    return olefile.OleFileIO(io.BytesIO(data))


def _ole(data: bytes, kind: str) -> Document:
    """An OLE2 compound file: Word binary (.doc/.wps) or Excel 97-2003 (.xls); anything else flagged."""
    try:
        ole = _open_ole(data)
    except Exception as exc:
        return Document(
            kind, None, [(FLAG_UNREADABLE_DOCUMENT, f"{kind}: not a readable OLE2 compound file ({exc})")]
        )
    with ole:
        if ole.exists("WordDocument"):
            return _word_binary(ole, data, kind)
        if ole.exists("Workbook") or ole.exists("Book"):
            return _xls(data, "xls")
        names = ", ".join("/".join(entry).strip("\x01\x05") for entry in ole.listdir()[:8]) or "none"
        return Document(
            kind,
            None,
            [
                (
                    FLAG_UNSUPPORTED_DOCUMENT,
                    f"OLE2 file with neither a WordDocument nor a Workbook stream (streams: {names})",
                )
            ],
        )


def _word_binary(ole: Any, data: bytes, kind: str) -> Document:
    """A .doc/.wps: text through the FIB and piece table; flags for what fails the checks."""
    try:
        word = _ole_stream(ole, "WordDocument", len(data))
        fib = _read_fib(word)
        if not ole.exists(fib.table_stream):
            raise _NotWordBinary(f"the FIB names a {fib.table_stream} stream the file does not have")
        table = _ole_stream(ole, fib.table_stream, len(data))
        data_stream = _ole_stream(ole, "Data", len(data)) if ole.exists("Data") else b""
        pieces = _pieces(word, table, fib)
        builder = _TextBuilder(_Paragraphs(word, table, fib, data_stream))
        for piece in pieces:
            builder.feed(piece)
        return Document(kind, builder.text())
    except _NotWordBinary as exc:
        return Document(
            kind,
            None,
            [
                (
                    FLAG_UNSUPPORTED_DOCUMENT,
                    f"{kind}: has a WordDocument stream but is not a Word 97-2003 binary: {exc}",
                )
            ],
        )
    except _Refused as exc:
        return Document(kind, None, [(FLAG_UNREADABLE_DOCUMENT, f"{kind}: {exc}")])


# --- spreadsheets (.xlsx, .xls) -------------------------------------------------------------------

MAX_SHEET_CELLS = 2_000_000


def _sheet_lines(rows: list[list[str]], covered: set[tuple[int, int]]) -> list[str]:
    """A sheet's rows as text: ``|`` rows for table rows, plain lines for one-cell rows (titles).

    ``rows`` hold cell texts ("" for blank); ``covered`` the (row, column) positions that a merged
    range covers beyond its top-left cell (read once, so left out). A row with one text in its first
    cell is a line, unless table rows sit right above and below it (a row of blanks keeps its
    cells). Table rows of one block are padded with blanks (``—``) to the block's width.
    """
    cells = [[(c, text) for c, text in enumerate(row) if (r, c) not in covered] for r, row in enumerate(rows)]
    filled = [[c for c, text in row if text] for row in cells]
    kinds = ["blank" if not f else "line" if f == [0] else "table" for f in filled]
    for r, kind in enumerate(kinds):
        if kind == "line" and 0 < r < len(kinds) - 1 and kinds[r - 1] == kinds[r + 1] == "table":
            kinds[r] = "inner"
    lines: list[str] = []
    r = 0
    while r < len(rows):
        if kinds[r] == "line":
            lines.append(rows[r][0])
        elif kinds[r] in ("table", "inner"):
            block = r
            while block < len(rows) and kinds[block] in ("table", "inner"):
                block += 1
            width = max(max(filled[i]) for i in range(r, block)) + 1
            for i in range(r, block):
                texts = [text or "—" for c, text in cells[i] if c < width]
                lines.append(" | ".join(texts) + " |")
            r = block
            continue
        r += 1
    return lines


def _cell_text(value: object) -> str:
    """A cell value as printed: whole floats without ``.0``, blanks as ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _xlsx(data: bytes) -> Document:
    """An .xlsx through openpyxl (read-only, cached values); merged ranges from the sheet XML."""
    refused = _zip_bomb(data, "xlsx")
    if refused is not None:
        return refused
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines: list[str] = []
    budget = MAX_SHEET_CELLS
    try:
        for sheet in book.worksheets:
            rows: list[list[str]] = []
            for row in sheet.iter_rows(values_only=True):
                budget -= len(row)
                if budget < 0:
                    return Document(
                        "xlsx",
                        None,
                        [(FLAG_UNREADABLE_DOCUMENT, f"XLSX has more than {MAX_SHEET_CELLS} cells: refused")],
                    )
                rows.append([_cell_text(v) for v in row])
            lines.extend(_sheet_lines(rows, _xlsx_covered(data, sheet)))
    finally:
        book.close()
    return Document("xlsx", "\n".join(lines))


def _xlsx_covered(data: bytes, sheet: Any) -> set[tuple[int, int]]:
    """Cells covered by merged ranges (``<mergeCell ref="A1:C3"/>``) of a read-only sheet."""
    from defusedxml.ElementTree import fromstring
    from openpyxl.utils.cell import range_boundaries

    name = getattr(sheet, "_worksheet_path", None) or ""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            root = fromstring(zf.read(name.lstrip("/")))
        except KeyError:
            return set()
    covered: set[tuple[int, int]] = set()
    for merge in root.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"):
        min_col, min_row, max_col, max_row = range_boundaries(merge.get("ref", ""))
        if (max_row - min_row + 1) * (max_col - min_col + 1) > MAX_SHEET_CELLS:
            continue
        for r in range(min_row - 1, max_row):
            for c in range(min_col - 1, max_col):
                if (r, c) != (min_row - 1, min_col - 1):
                    covered.add((r, c))
    return covered


def _xls(data: bytes, kind: str) -> Document:
    """An Excel 97-2003 .xls through xlrd (merged ranges need ``formatting_info``)."""
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    lines: list[str] = []
    budget = MAX_SHEET_CELLS
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            budget -= sheet.nrows * sheet.ncols
            if budget < 0:
                return Document(
                    kind,
                    None,
                    [(FLAG_UNREADABLE_DOCUMENT, f"XLS has more than {MAX_SHEET_CELLS} cells: refused")],
                )
            covered = {
                (r, c)
                for r0, r1, c0, c1 in sheet.merged_cells
                for r in range(r0, min(r1, sheet.nrows))
                for c in range(c0, min(c1, sheet.ncols))
                if (r, c) != (r0, c0)
            }
            rows = [[_cell_text(v) for v in sheet.row_values(r)] for r in range(sheet.nrows)]
            lines.extend(_sheet_lines(rows, covered))
    finally:
        book.release_resources()
    return Document(kind, "\n".join(lines))
