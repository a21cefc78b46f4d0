"""Text out of attachment documents (PDF, DOCX), with the guards that bad files need.

PDF text comes from pdfplumber in layout mode, so table cells stay apart (runs of spaces) and
the layout-text reader of :mod:`parsers.tables` applies. DOCX tables are read from their XML
grid as ``|`` rows, keeping blank cells. OLE files (DOC, WPS, XLS) are recognised and flagged.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

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
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    return None


def extract_document(data: bytes, kind: str) -> Document:
    try:
        if kind == "pdf":
            return _pdf(data)
        if kind == "docx":
            return _docx(data)
    except Exception as exc:
        return Document(
            kind, None, [(FLAG_UNREADABLE_DOCUMENT, f"{kind} could not be read: {type(exc).__name__}: {exc}")]
        )
    return Document(
        kind,
        None,
        [(FLAG_UNSUPPORTED_DOCUMENT, f"{kind} documents are not read yet (DOC/WPS/XLS need conversion)")],
    )


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


def _docx(data: bytes) -> Document:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        total = sum(i.file_size for i in zf.infolist())
        if total > MAX_UNZIPPED_BYTES or total > MAX_ZIP_RATIO * max(len(data), 1):
            return Document(
                "docx",
                None,
                [(FLAG_UNREADABLE_DOCUMENT, f"DOCX expands to {total} bytes: refused as a zip bomb")],
            )
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
