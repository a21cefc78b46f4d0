"""Whole real reports against their hand-read answers (tests/data/*/answers.json)."""

from __future__ import annotations

import io
import json
import struct

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from parsers import parse_report
from parsers.constants import (
    FLAG_TABLE3_MISSING,
    FLAG_TABLE4_INCOMPLETE,
    TABLE4_KEYS,
    TEMPLATE_PRE_2019,
)

from .conftest import DATA, load_answers

SEEDS = load_answers("seeds")
REAL = load_answers("real-reports")
COLUMNS = {
    "applications_total_column": "total",
    "applications_natural_person": "natural_person",
    "applications_commercial": "commercial",
    "applications_legal_services": "legal_services",
}
CASES = [("seeds", n, a) for n, a in SEEDS.items()] + [("real-reports", n, a) for n, a in REAL.items()]


@pytest.fixture(scope="module")
def parsed():
    cache = {}

    def get(folder: str, name: str):
        if (folder, name) not in cache:
            cache[(folder, name)] = parse_report((DATA / folder / name).read_bytes())
        return cache[(folder, name)]

    return get


@pytest.mark.parametrize(("folder", "name", "answer"), CASES, ids=[c[1] for c in CASES])
def test_identity(parsed, folder, name, answer):
    r = parsed(folder, name)
    assert r.report_year == answer["report_year"]
    assert r.is_report
    expected_publisher = answer["publisher"].split(" (")[0]
    assert r.publisher == expected_publisher
    assert r.template == answer["template"].split(" ")[0]
    if answer.get("title"):
        assert r.title == answer["title"]


@pytest.mark.parametrize(("folder", "name", "answer"), CASES, ids=[c[1] for c in CASES])
def test_table3(parsed, folder, name, answer):
    r = parsed(folder, name)
    compared = 0
    for field, column in COLUMNS.items():
        for row, value in answer.get(field, {}).items():
            assert r.table3[row][column] == value, (row, column)
            compared += 1
    if answer["template"] != TEMPLATE_PRE_2019:
        assert compared >= 6
    if answer.get("identity_holds"):
        balance = [c for c in r.checks if c.name == "table3_balance"]
        assert balance and all(c.passed for c in balance)


@pytest.mark.parametrize(("folder", "name", "answer"), CASES, ids=[c[1] for c in CASES])
def test_table4(parsed, folder, name, answer):
    r = parsed(folder, name)
    expected = answer.get("reviews_litigation")
    if isinstance(expected, list):
        assert [r.table4[k] for k in TABLE4_KEYS] == expected


@pytest.mark.parametrize(("name", "answer"), list(SEEDS.items()), ids=list(SEEDS))
def test_table2(parsed, name, answer):
    r = parsed("seeds", name)
    for row, values in answer.get("active_disclosure", {}).items():
        facts = [f for f in r.table2 if f.row == row]
        assert len(facts) == len(values), row
        for fact, want in zip(facts, values, strict=True):
            assert fact.column is not None
            if isinstance(want, str):
                number = float(want.split()[0].replace("万元", ""))
                assert fact.value == pytest.approx(number)
                if "万元" in want:
                    assert fact.unit == "万元"
                else:
                    assert fact.unit is None
            else:
                assert fact.value == want


def test_seed_002_pre2019_invents_nothing(parsed):
    r = parsed("seeds", "002_2c7573db75c79bd6.txt")
    assert r.template == TEMPLATE_PRE_2019
    assert not r.has_table3 and not r.has_table4 and r.table2 == []
    assert r.has_flag(FLAG_TABLE3_MISSING)
    assert r.sections and r.sections[0].key == "overview"


def test_seed_004_table4_flagged_not_shifted(parsed):
    r = parsed("seeds", "004_d4f694ae76a36438.txt")
    assert r.has_flag(FLAG_TABLE4_INCOMPLETE)
    assert all(v is None for v in r.table4.values())
    flag = next(f for f in r.flags if f.code == FLAG_TABLE4_INCOMPLETE)
    assert "13 cells" in flag.message


def test_seed_004_metadata_block(parsed):
    m = parsed("seeds", "004_d4f694ae76a36438.txt").metadata
    want = SEEDS["004_d4f694ae76a36438.txt"]["metadata"]
    for key, value in want.items():
        assert getattr(m, key) == value, key


def test_seed_001_published(parsed):
    m = parsed("seeds", "001_e5f035dbe7594dbe.txt").metadata
    date, time = SEEDS["001_e5f035dbe7594dbe.txt"]["published"].split()
    assert (m.published_date, m.published_time) == (date, time)


def test_013_merged_table4_cells_resolved_by_identity(parsed):
    r = parsed("real-reports", "013.txt")
    assert r.table4["review_upheld"] == 72 and r.table4["review_corrected"] == 64
    assert r.has_flag("merged_digits_split")
    assert all(c.passed for c in r.checks if c.name == "table4_group_sum")


def test_sections_in_order(parsed):
    r = parsed("seeds", "003_5d8db5c6007b71c2.txt")
    assert [s.key for s in r.sections] == [
        "overview",
        "proactive_disclosure",
        "applications",
        "reviews_litigation",
        "problems",
        "other_matters",
    ]
    assert "存在" in r.sections[4].heading


def test_record_is_json_serialisable(parsed):
    r = parsed("seeds", "000_84d29601319eacdc.txt")
    data = json.loads(json.dumps(r.to_dict(), ensure_ascii=False))
    assert data["table3"]["new_received"]["total"] == 18
    assert len(data["table4"]) == 15
    assert {
        "title",
        "report_year",
        "publisher",
        "level",
        "template",
        "metadata",
        "table2",
        "checks",
        "flags",
    } <= set(data)


def test_html_body_text_comes_from_trafilatura(monkeypatch):
    """The body text of an HTML page is trafilatura's (guards against it silently returning None)."""
    import random

    import trafilatura

    from demoportal.render import random_spec, render_report_page

    results = []
    original = trafilatura.extract

    def spy(*args, **kwargs):
        out = original(*args, **kwargs)
        results.append(out)
        return out

    monkeypatch.setattr(trafilatura, "extract", spy)
    page = render_report_page(
        random_spec(random.Random(7)), cms="trs", site_name="某县人民政府", column_name="年报"
    )
    report = parse_report(page.encode("utf-8"))
    assert results and results[0]
    assert report.text == results[0]
    assert "总体情况" in report.text


def test_an_all_blank_row_is_blank_cells_not_a_missing_row():
    rows = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "(一)予以公开"]
    cells = ["<td>0</td>" * 7, "<td>0</td>" * 7, "<td></td>" * 7]
    html = (
        "<p>三、收到和处理政府信息公开申请情况</p><table>"
        + "".join(f"<tr><td>{label}</td>{tds}</tr>" for label, tds in zip(rows, cells, strict=True))
        + "</table>"
    )
    r = parse_report(html)
    assert r.table3["new_received"]["total"] == 0
    assert all(v is None for v in r.table3["granted"].values())
    blank = next(f for f in r.flags if f.code == "blank_cells")
    assert "granted.total" in blank.message
    missing = next(f for f in r.flags if f.code == "table3_incomplete")
    assert "granted" not in missing.message.split(": ", 1)[1].split(", ")


# --- Word 97-2003 binaries (.doc / .wps) and spreadsheets (.xlsx / .xls) ---------------------------
# Fixtures made by LibreOffice from the test portal's DOCX builder: tests/data/documents/README.md.

DOCUMENTS = DATA / "documents"
DOC_SPECS = json.loads((DOCUMENTS / "specs.json").read_text(encoding="utf-8"))


def _flag_codes(report) -> set[str]:
    return {f.code for f in report.flags}


def _assert_tables(report, spec) -> None:
    for row, columns in spec["table3"].items():
        for column, value in columns.items():
            assert report.table3[row][column] == value, (row, column)
    assert [report.table4[k] for k in TABLE4_KEYS] == [spec["table4"][k] for k in TABLE4_KEYS]


@pytest.mark.parametrize("name", sorted(DOC_SPECS))
def test_doc_reads_as_the_docx_it_was_made_from(name):
    from parsers.documents import extract_document, sniff_document

    doc_bytes = (DOCUMENTS / f"{name}.doc").read_bytes()
    docx_bytes = (DOCUMENTS / f"{name}.docx").read_bytes()
    assert sniff_document(doc_bytes) == "doc"
    doc = extract_document(doc_bytes, "doc")
    assert doc.flags == [] and doc.text == extract_document(docx_bytes, "docx").text
    r, rx = parse_report(doc_bytes), parse_report(docx_bytes)
    assert r.is_report and r.source_form == "doc" and r.title == DOC_SPECS[name]["title"]
    _assert_tables(r, DOC_SPECS[name])
    assert r.table3 == rx.table3 and r.table4 == rx.table4
    assert sorted(_flag_codes(r)) == sorted(_flag_codes(rx))


def test_doc_table_rows_keep_blank_cells_and_merged_labels():
    from parsers.documents import extract_document

    text = extract_document((DOCUMENTS / "report2020_blanks.doc").read_bytes(), "doc").text
    assert text is not None
    lines = text.splitlines()
    assert lines[0] == DOC_SPECS["report2020_blanks"]["title"]
    row = next(line for line in lines if "重复申请" in line)  # a row of the spec's blank cells
    values = DOC_SPECS["report2020_blanks"]["table3"]["not_processed_duplicate"]
    expected = ["—" if values[c] is None else str(values[c]) for c in values]
    assert row.split(" | ")[-7:-1] == expected[:-1] and row.endswith(f"{expected[-1]} |")
    assert row.startswith("三、本年度办理结果 | (五)不予处理 | 2.重复申请 | ")  # vertical merges repeated


def test_doc_compressed_piece_is_cp1252():
    from parsers.documents import extract_document

    doc = extract_document((DOCUMENTS / "compressed_piece.doc").read_bytes(), "doc")
    assert doc.flags == [] and doc.text == "Plain ASCII report 2024, caf\u00e9 \u2013 ok"


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("http://www.xx.gov.cn/xxgk/2024nb.wps", "application/octet-stream"),
        (None, "application/wps-office.wps"),
    ],
)
def test_wps_is_the_same_word_binary(url, content_type):
    data = (DOCUMENTS / "report2024.doc").read_bytes()
    r = parse_report(data, url=url, content_type=content_type)
    assert r.is_report and r.source_form == "wps"
    _assert_tables(r, DOC_SPECS["report2024"])


@pytest.mark.parametrize("name", sorted(DOC_SPECS))
@pytest.mark.parametrize("ext", ["xlsx", "xls"])
def test_spreadsheet_tables(name, ext):
    data = (DOCUMENTS / f"{name}_tables.{ext}").read_bytes()
    r = parse_report(data)
    assert r.is_report and r.source_form == ext and r.title == DOC_SPECS[name]["title"]
    _assert_tables(r, DOC_SPECS[name])


def test_spreadsheet_merged_cells_read_once_blanks_kept():
    from parsers.documents import extract_document

    text = extract_document((DOCUMENTS / "report2020_blanks_tables.xlsx").read_bytes(), "xlsx").text
    assert text is not None
    lines = text.splitlines()
    assert lines[:2] == [DOC_SPECS["report2020_blanks"]["title"], "三、收到和处理政府信息公开申请情况"]
    assert lines[3] == "自然人 | 法人或其他组织 | 总计 |"
    assert "2.重复申请 | — | — | 0 | 0 | 0 | 0 | — |" in lines
    assert text == extract_document((DOCUMENTS / "report2020_blanks_tables.xls").read_bytes(), "xls").text


# --- damaged and fake Word binaries: flagged, never raising ----------------------------------------


def _doc_bytes() -> bytearray:
    return bytearray((DOCUMENTS / "report2024.doc").read_bytes())


def _stream_offset(data: bytes, name: str) -> int:
    """Where the first sector of a (regular, >= 4096-byte) stream sits in the file."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(bytes(data))) as ole:
        entry = ole.direntries[ole._find(name)]
        return (entry.isectStart + 1) * ole.sectorsize


def _clx_offset(data: bytes) -> tuple[int, bytes]:
    """Where the Clx (piece table) sits in the file, and its bytes."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(bytes(data))) as ole:
        word = ole.openstream("WordDocument").read()
        table = ole.openstream("1Table").read()
    fc, lcb = struct.unpack_from("<II", word, 0x9A + 8 * 33)
    clx = table[fc : fc + lcb]
    assert bytes(data).count(clx) == 1
    return bytes(data).index(clx), clx


def _parse_flagged(data: bytes, **kw):
    r = parse_report(bytes(data), **kw)
    assert not r.is_report
    assert "parser_error" not in _flag_codes(r)
    return r


@pytest.mark.parametrize("kind", ["doc", "wps"])
@pytest.mark.parametrize("text", ["", "XX县2024年政府信息公开工作年度报告。" * 300])
def test_portal_fake_doc_and_wps_stay_unsupported(kind, text):
    from demoportal.attachments import ole_document

    data = ole_document("XX县2024年政府信息公开工作年度报告", text)
    r = _parse_flagged(data, url=f"http://x.gov.cn/a.{kind}")
    assert r.source_form == kind
    [flag] = r.flags
    assert flag.code == "unsupported_document" and "not a Word 97-2003 binary" in flag.message


@pytest.mark.parametrize("keep", [0.01, 0.2, 0.5, 0.8])
def test_truncated_doc_is_flagged(keep):
    data = _doc_bytes()
    r = _parse_flagged(data[: int(len(data) * keep)])
    assert _flag_codes(r) & {"unreadable_document", "unsupported_document"}


@pytest.mark.parametrize(
    ("garbage", "why"),
    [
        (lambda clx: b"\x07" + clx[1:], "no Pcdt"),
        (lambda clx: clx[:1] + struct.pack("<I", 4000) + clx[5:], "PlcPcd of 4000"),
        (lambda clx: clx[:1] + struct.pack("<I", 13) + clx[5:], "PlcPcd"),
        (lambda clx: clx[:5] + struct.pack("<II", 5, 1) + clx[13:], "ascend"),
        (lambda clx: clx[:5] + struct.pack("<II", 0, 0x3FFFFFF) + clx[13:], "more than the"),
        (lambda clx: clx[:15] + struct.pack("<I", 0x3FFFFF00) + clx[19:], "runs past"),
    ],
)
def test_doc_with_garbage_piece_table_is_unsupported(garbage, why):
    data = _doc_bytes()
    at, clx = _clx_offset(data)
    data[at : at + len(clx)] = garbage(clx)
    r = _parse_flagged(data)
    [flag] = r.flags
    assert flag.code == "unsupported_document" and why in flag.message, flag.message


def test_encrypted_doc_is_unreadable():
    data = _doc_bytes()
    fib = _stream_offset(data, "WordDocument")
    assert data[fib : fib + 2] == b"\xec\xa5"
    data[fib + 0x0B] |= 0x01  # fEncrypted: bit 8 of the flags word at 0x0A
    [flag] = _parse_flagged(data).flags
    assert flag.code == "unreadable_document" and "encrypted" in flag.message


def test_doc_past_the_text_guard_is_refused(monkeypatch):
    import parsers.documents as documents

    monkeypatch.setattr(documents, "MAX_WORD_CHARS", 1000)
    [flag] = _parse_flagged(_doc_bytes()).flags
    assert flag.code == "unreadable_document" and "refused" in flag.message


def test_word6_doc_is_unsupported():
    data = _doc_bytes()
    fib = _stream_offset(data, "WordDocument")
    data[fib + 2 : fib + 4] = struct.pack("<H", 0x0065)
    [flag] = _parse_flagged(data).flags
    assert flag.code == "unsupported_document" and "Word 6/95" in flag.message


def test_ole_without_word_or_workbook_stream_is_unsupported():
    from demoportal.attachments import ole_document

    data = bytearray(ole_document("标题", "正文"))
    name = "WordDocument".encode("utf-16-le")
    at = data.index(name)
    data[at : at + len(name)] = "Contents0000".encode("utf-16-le")
    r = _parse_flagged(data)
    [flag] = r.flags
    assert flag.code == "unsupported_document" and "Contents0000" in flag.message


def test_doc_fields_keep_their_result_and_rows_without_properties():
    """Field codes dropped, results kept; with no PAPX a lone cell mark after a cell ends the row."""
    from parsers.documents import _Paragraphs, _Piece, _TextBuilder

    class NoPapx(_Paragraphs):
        def __init__(self) -> None:
            self.pages = []

    builder = _TextBuilder(NoPapx())
    text = '见\x13 HYPERLINK "http://x.gov.cn" \x14网站\x15。\x0b第二行\r甲\x07乙\x07\x07丙\x07\x13 PAGE \x141\x15\x07\x07尾\r'
    builder.feed(_Piece(0, text, 0, 2))
    assert builder.text() == "见网站。\n第二行\n甲 | 乙 |\n丙 | 1 |\n尾"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(min_size=0, max_size=4096))
def test_random_bytes_after_an_ole_header_never_raise(tail):
    from parsers.documents import extract_document, sniff_document

    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + tail
    assume(b"%PDF-" not in data[:1024])  # that would be sniffed as a PDF
    kind = sniff_document(data)
    assert kind in ("ole", "doc", "xls")
    doc = extract_document(data, kind)
    assert doc.text is None and doc.flags


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 72703), st.integers(0, 255)), min_size=1, max_size=40))
def test_corrupted_doc_bytes_never_raise(edits):
    from parsers.documents import extract_document, sniff_document

    data = _doc_bytes()
    for at, value in edits:
        data[at % len(data)] = value
    kind = sniff_document(bytes(data))
    doc = extract_document(bytes(data), kind or "ole")
    assert doc.text is not None or doc.flags
    r = parse_report(bytes(data))
    assert "parser_error" not in _flag_codes(r)
