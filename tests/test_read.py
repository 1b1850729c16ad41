"""``ingest.read``: files as Excel and LibreOffice write them, and the ones we refuse.

SPEC §3 "Input files": UTF-8 with or without BOM, UTF-16 (Excel "Unicode text"),
Windows-1258; comma, semicolon or tab; detected, or forced with --encoding /
--delimiter; ``.xlsx`` read directly. Every refusal names the file line.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from conftest import SAMPLE, Run, write_csv
from cqn_cli.dates import ShownDate, parse_date
from cqn_cli.errors import FieldProblem, ImportRefused, RowProblem, UsageError
from cqn_cli.i18n import t
from cqn_cli.ingest.read import FIELD_LIMIT, Cell, Source, detect, rows
from cqn_cli.text import encode_cp1258

ROSTER_TEXT = (
    "Họ và tên,Ngày sinh,Phường,Ghi chú\n"
    "Nguyễn Thị Thuý,12/03/1955,Xuân Hà,Đảng viên\n"
    "Trần Quốc Hưng,1960,Thạc Gián,ốm đau\n"
)
ROSTER_ROWS: list[tuple[int, list[Cell]]] = [
    (1, ["Họ và tên", "Ngày sinh", "Phường", "Ghi chú"]),
    (2, ["Nguyễn Thị Thuý", "12/03/1955", "Xuân Hà", "Đảng viên"]),
    (3, ["Trần Quốc Hưng", "1960", "Thạc Gián", "ốm đau"]),
]


def read(path: Path, **kw: Any) -> list[tuple[int, list[Cell]]]:
    return list(rows(detect(path, **kw)))


def refused(path: Path, **kw: Any) -> RowProblem:
    """The one problem of a file refused by detect or rows."""
    with pytest.raises(ImportRefused) as info:
        read(path, **kw)
    assert info.value.path == str(path)
    assert len(info.value.problems) == 1
    return info.value.problems[0]


def as_nfc(got: list[tuple[int, list[Cell]]]) -> list[tuple[int, list[Cell]]]:
    return [(n, [unicodedata.normalize("NFC", str(c)) for c in cells]) for n, cells in got]


# --- encodings ------------------------------------------------------------------------


def test_utf8_without_bom(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.csv", ROSTER_TEXT)
    src = detect(f)
    assert (src.kind, src.encoding, src.bom, src.delimiter) == ("csv", "utf-8", False, ",")
    assert list(rows(src)) == ROSTER_ROWS


def test_utf8_with_bom_crlf_excel_csv_utf8(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.csv", ROSTER_TEXT, bom=True, newline="\r\n")
    assert f.read_bytes().startswith(codecs.BOM_UTF8)
    src = detect(f)
    assert (src.encoding, src.bom, src.delimiter) == ("utf-8", True, ",")
    got = list(rows(src))
    assert got == ROSTER_ROWS  # no "\ufeff" glued to the first header, no "\r" left
    assert got[0][1][0] == "Họ và tên"


def test_utf16_le_bom_tab_crlf_excel_unicode_text(tmp_path: Path) -> None:
    text = ROSTER_TEXT.replace(",", "\t")
    f = write_csv(tmp_path / "r.txt", text, encoding="utf-16-le", bom=True, newline="\r\n")
    assert f.read_bytes()[:2] == codecs.BOM_UTF16_LE
    src = detect(f)
    assert (src.encoding, src.bom, src.delimiter) == ("utf-16-le", True, "\t")
    assert list(rows(src)) == ROSTER_ROWS


def test_utf16_le_without_bom(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.txt", ROSTER_TEXT.replace(",", "\t"), encoding="utf-16-le")
    assert f.read_bytes()[:2] != codecs.BOM_UTF16_LE
    src = detect(f)
    assert (src.encoding, src.bom, src.delimiter) == ("utf-16-le", False, "\t")
    assert list(rows(src)) == ROSTER_ROWS


def test_utf16_be_with_and_without_bom(tmp_path: Path) -> None:
    body = ROSTER_TEXT.encode("utf-16-be")
    with_bom = tmp_path / "a.txt"
    with_bom.write_bytes(codecs.BOM_UTF16_BE + body)
    without = tmp_path / "b.txt"
    without.write_bytes(body)
    assert (detect(with_bom).encoding, detect(with_bom).bom) == ("utf-16-be", True)
    assert (detect(without).encoding, detect(without).bom) == ("utf-16-be", False)
    assert read(with_bom) == read(without) == ROSTER_ROWS


def test_windows_1258_semicolons_decomposed_tones(tmp_path: Path) -> None:
    text = ROSTER_TEXT.replace(",", ";")
    f = write_csv(tmp_path / "r.csv", text, encoding="cp1258", newline="\r\n")
    data = f.read_bytes()
    assert data == encode_cp1258(text.replace("\n", "\r\n"))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"Thi\xf2" in data  # "Thị": i + combining dot below (0xF2), as Windows writes it
    src = detect(f)
    assert (src.encoding, src.bom, src.delimiter) == ("cp1258", False, ";")
    got = list(rows(src))
    # The bytes are decomposed; every cell comes out in NFC (SPEC §3), as typed.
    assert got[1][1][0] == "Nguyễn Thị Thuý"
    assert unicodedata.is_normalized("NFC", str(got[1][1][0]))
    assert got == ROSTER_ROWS


def test_windows_1258_ascii_only_is_read_as_utf8_identically(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.csv", "ho_ten;nam\nNguyen Van An;1955\n", encoding="cp1258")
    assert detect(f).encoding == "utf-8"
    assert read(f) == [(1, ["ho_ten", "nam"]), (2, ["Nguyen Van An", "1955"])]


def test_utf8_bom_with_a_bad_byte_is_refused_not_guessed(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(codecs.BOM_UTF8 + b"a,b\n1,2\n3,\xf2\n")
    p = refused(f)
    assert (p.line, p.key, p.params["encoding"]) == (3, "file.decode", "utf-8")


def test_undecodable_even_as_windows_1258(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(b"a,b\n1,2\n3,4\n5,\x81\n")  # 0x81: invalid UTF-8, undefined in cp1258
    p = refused(f)
    assert (p.line, p.key, p.params["encoding"]) == (4, "file.decode", "cp1258")


# --- forcing --------------------------------------------------------------------------


def test_forced_encoding_overrides_detection(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.csv", "tên,ghi chú\nAn,đã\n")
    assert detect(f).encoding == "utf-8"
    src = detect(f, encoding="windows-1258")
    assert src.encoding == "cp1258"
    got = read(f, encoding="cp1258")
    assert got[1][1][1] == "đã".encode().decode("cp1258")  # mojibake, as asked


@pytest.mark.parametrize(
    ("alias", "codec"),
    [
        ("UTF8", "utf-8"),
        ("utf_16_le", "utf-16-le"),
        ("UTF-16LE", "utf-16-le"),
        ("CP1258", "cp1258"),
    ],
)
def test_forced_encoding_names_are_codec_aliases(alias: str, codec: str, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.csv", "a,b\n1,2\n", encoding=codec)
    assert detect(f, encoding=alias).encoding == codec
    assert read(f, encoding=alias) == [(1, ["a", "b"]), (2, ["1", "2"])]


@pytest.mark.parametrize("forced", ["utf-8", "utf-8-sig", "utf8"])
def test_forced_utf8_skips_the_bom(forced: str, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.csv", ROSTER_TEXT, bom=True)
    assert read(f, encoding=forced) == ROSTER_ROWS


@pytest.mark.parametrize("forced", ["utf-16-le", "utf-16le", "utf-16"])
def test_forced_utf16_skips_the_bom(forced: str, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.txt", ROSTER_TEXT, encoding="utf-16-le", bom=True)
    got = read(f, encoding=forced)
    assert got == ROSTER_ROWS
    assert "\ufeff" not in str(got[0][1][0])


def test_forced_encoding_that_does_not_decode_names_the_line(tmp_path: Path) -> None:
    text = "Họ tên;Phường\nAn;Xuân Hà\nBình;Thạc Gián\n"
    f = write_csv(tmp_path / "r.csv", text, encoding="cp1258")
    assert detect(f).encoding == "cp1258"
    p = refused(f, encoding="utf-8")  # "Họ" on line 1 already: o + 0xF2
    assert (p.line, p.key, p.params["encoding"]) == (1, "file.decode", "utf-8")
    f2 = tmp_path / "r2.csv"
    f2.write_bytes(b"a;b\nAn;1\nBinh;2\n" + encode_cp1258("Hưng;3\n"))
    p2 = refused(f2, encoding="utf-8")
    assert (p2.line, p2.key) == (4, "file.decode")
    assert p2.params["offset"] == len(b"a;b\nAn;1\nBinh;2\nH")


def test_forced_delimiter_overrides_detection(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.csv", "a;b,c;d\n1;2,3;4\n")
    assert detect(f).delimiter == ";"
    assert read(f, delimiter=",") == [(1, ["a;b", "c;d"]), (2, ["1;2", "3;4"])]
    assert read(f, delimiter="\t") == [(1, ["a;b,c;d"]), (2, ["1;2,3;4"])]


# --- separators and quoting -----------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separator_detected(sep: str, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.csv", ROSTER_TEXT.replace(",", sep))
    assert detect(f).delimiter == sep
    assert read(f) == ROSTER_ROWS


def test_semicolon_file_whose_addresses_hold_commas(tmp_path: Path) -> None:
    """More commas than semicolons on a line must not make it a comma file."""
    text = "Họ và tên;Địa chỉ\nAn;Số 12, đường Lê Lợi, tổ 3, P. Xuân Hà\nBình;K20, Hải Phòng\n"
    f = write_csv(tmp_path / "r.csv", text, encoding="cp1258")
    assert detect(f).delimiter == ";"
    assert as_nfc(read(f)) == [
        (1, ["Họ và tên", "Địa chỉ"]),
        (2, ["An", "Số 12, đường Lê Lợi, tổ 3, P. Xuân Hà"]),
        (3, ["Bình", "K20, Hải Phòng"]),
    ]


def test_tab_file_with_unquoted_commas(tmp_path: Path) -> None:
    """Excel's "Unicode text" does not quote commas."""
    text = (
        "Họ và tên\tĐơn vị\nAn\tSư đoàn 315, Quân khu 5, Đà Nẵng\nBình\tLữ đoàn 83, QC Hải quân\n"
    )
    f = write_csv(tmp_path / "r.txt", text, encoding="utf-16-le", bom=True)
    assert detect(f).delimiter == "\t"
    assert read(f)[1] == (2, ["An", "Sư đoàn 315, Quân khu 5, Đà Nẵng"])


def test_comma_file_with_quoted_semicolons(tmp_path: Path) -> None:
    text = 'a,b,c\n1,"x;y;z;w",3\n4,"p;q;r;s",6\n'
    f = write_csv(tmp_path / "r.csv", text)
    assert detect(f).delimiter == ","
    assert read(f)[1] == (2, ["1", "x;y;z;w", "3"])


def test_single_column_defaults_to_comma(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.csv", "Họ và tên\nAn\nBình\n")
    assert detect(f).delimiter == ","
    assert read(f) == [(1, ["Họ và tên"]), (2, ["An"]), (3, ["Bình"])]


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_quoted_fields(sep: str, tmp_path: Path) -> None:
    lines = [
        ["Họ và tên", "Địa chỉ", "Ghi chú"],
        ["An", f"12 Lê Lợi{sep} tổ 3", 'nói "khoẻ"'],
        ["Bình", "dòng một\ndòng hai", '""'],
        ["Chi", "  có khoảng trắng  ", ""],
    ]
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(lines)
    f = tmp_path / "r.csv"
    f.write_bytes(buf.getvalue().encode("utf-8"))
    assert detect(f).delimiter == sep
    assert read(f) == [
        (1, ["Họ và tên", "Địa chỉ", "Ghi chú"]),
        (2, ["An", f"12 Lê Lợi{sep} tổ 3", 'nói "khoẻ"']),
        (3, ["Bình", "dòng một\ndòng hai", '""']),
        (5, ["Chi", "có khoảng trắng", ""]),  # stripped; the row starts on line 5
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_numbers_after_multiline_cells(newline: str, tmp_path: Path) -> None:
    text = (
        "Họ và tên,Ghi chú\n"  # 1
        'An,"ốm\nnặng"\n'  # 2-3
        "Bình,khoẻ\n"  # 4
        "\n"  # 5: empty, skipped
        ",\n"  # 6: only separators, skipped
        'Chi,"một\n\nhai\nba"\n'  # 7-10
        "Dũng,x\n"  # 11
    )
    f = write_csv(tmp_path / "r.csv", text, newline=newline)
    assert read(f) == [
        (1, ["Họ và tên", "Ghi chú"]),
        (2, ["An", "ốm\nnặng"]),
        (4, ["Bình", "khoẻ"]),
        (7, ["Chi", "một\n\nhai\nba"]),
        (11, ["Dũng", "x"]),
    ]


def test_no_final_newline_and_ragged_rows(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(b"a,b,c\n1,2\n3,4,5,6")
    assert read(f) == [(1, ["a", "b", "c"]), (2, ["1", "2"]), (3, ["3", "4", "5", "6"])]


def test_empty_file_has_no_rows(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(b"")
    src = detect(f)
    assert src.sha256 == hashlib.sha256(b"").hexdigest()
    assert list(rows(src)) == []


def test_sha256_of_the_bytes(tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", ROSTER_TEXT)
    b = write_csv(tmp_path / "b.csv", ROSTER_TEXT)
    c = write_csv(tmp_path / "c.csv", ROSTER_TEXT, newline="\r\n")
    assert detect(a).sha256 == hashlib.sha256(a.read_bytes()).hexdigest()
    assert detect(a).sha256 == detect(b).sha256
    assert detect(a).sha256 != detect(c).sha256
    assert isinstance(detect(a), Source)


# --- refusals -------------------------------------------------------------------------


def test_not_found(tmp_path: Path) -> None:
    p = refused(tmp_path / "missing.csv")
    assert (p.line, p.key) == (0, "file.not_found")


def test_a_directory_is_unreadable(tmp_path: Path) -> None:
    p = refused(tmp_path)
    assert p.key == "file.unreadable"


def test_nul_byte(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(b"a,b\n1,2\n3,x\x00y\n4,5\n")
    p = refused(f)
    assert (p.line, p.key) == (3, "file.nul")


def test_nul_byte_inside_a_multiline_cell_names_its_own_line(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(b'a,b\r\n1,2\r\n3,"x\r\ny\r\nz\x00"\r\n')
    p = refused(f)
    assert (p.line, p.key) == (5, "file.nul")


def test_nul_in_utf16(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.txt", "a\tb\n1\t2\n3\t\x00\n", encoding="utf-16-le", bom=True)
    p = refused(f)
    assert (p.line, p.key) == (3, "file.nul")


def test_field_over_the_limit(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(b"a,b\n1,2\n3," + b"x" * (FIELD_LIMIT + 1) + b"\n")
    p = refused(f)
    assert (p.line, p.key, p.params) == (3, "file.field_too_large", {"limit": 100_000})


def test_field_at_the_limit_is_read(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(b"a,b\n3," + "ệ".encode() * FIELD_LIMIT + b"\n")
    got = read(f)
    assert got[1][0] == 2
    assert got[1][1][1] == "ệ" * FIELD_LIMIT


def test_unterminated_quote_at_end_of_file(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(b'a,b\n1,2\n3,"abc\n')
    p = refused(f)
    assert (p.line, p.key) == (3, "file.csv_error")
    # In the clerk's language, not Python's csv module's ("unexpected end of data").
    assert p.params["reason"] == t("csv.unclosed_quote") != "unexpected end of data"


def test_unterminated_quote_names_the_line_it_opens_on(tmp_path: Path) -> None:
    """It swallows the rest of the file; the clerk must look where it opened."""
    f = tmp_path / "r.csv"
    f.write_bytes(b'a,b\n1,2\n3,"abc\n4,5\n6,7\n8,9\n')
    p = refused(f)
    assert (p.line, p.key) == (3, "file.csv_error")


def test_text_after_a_closing_quote(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(b'a,b\n1,2\n3,"x"y\n')
    p = refused(f)
    assert (p.line, p.key) == (3, "file.csv_error")
    assert p.params["reason"] == t("csv.after_quote")  # not "',' expected after '\"'"


def test_rows_before_a_refusal_are_yielded_first(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(b'a,b\n1,2\n3,"x"y\n')
    it = rows(detect(f))
    assert next(it) == (1, ["a", "b"])
    assert next(it) == (2, ["1", "2"])
    with pytest.raises(ImportRefused):
        next(it)


# --- round trip (property) ------------------------------------------------------------

_VI = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
# A leading apostrophe is the spreadsheet's text mark, dropped on reading (tested below).
_CELL = st.text(alphabet=_VI + "0123456789 ,;\t\"'.-/\n", max_size=12).filter(
    lambda c: not c.strip().startswith("'")
)
_TABLE = st.lists(st.lists(_CELL, min_size=1, max_size=5), min_size=1, max_size=8)
_FORMATS = [
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("cp1258", b""),
]


@settings(deadline=None, max_examples=150)
@given(
    table=_TABLE,
    fmt=st.sampled_from(_FORMATS),
    sep=st.sampled_from([",", ";", "\t"]),
    terminator=st.sampled_from(["\n", "\r\n"]),
)
def test_round_trip_through_csv_writer(
    table: list[list[str]],
    fmt: tuple[str, bytes],
    sep: str,
    terminator: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    encoding, bom = fmt
    expected: list[tuple[int, list[Cell]]] = []
    chunks = []
    line = 1
    for cells in table:
        buf = io.StringIO()
        csv.writer(buf, delimiter=sep, lineterminator=terminator).writerow(cells)
        chunks.append(buf.getvalue())
        stripped: list[Cell] = [c.strip() for c in cells]
        if any(stripped):
            expected.append((line, stripped))
        line += buf.getvalue().count("\n")
    text = "".join(chunks)
    data = encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    f = tmp_path_factory.mktemp("round_trip") / "t.csv"
    f.write_bytes(bom + data)
    src = detect(f, delimiter=sep)  # the encoding is detected; sniffing random text is not
    assert src.encoding in (encoding, "utf-8")  # ASCII-only cp1258 is UTF-8 too
    assert src.bom == bool(bom)
    assert as_nfc(list(rows(src))) == expected


def _outcome(path: Path) -> list[tuple[int, list[Cell]]] | tuple[int, str]:
    """The rows of a file, or the line and reason it is refused at."""
    try:
        return read(path, encoding="utf-8", delimiter=",")
    except ImportRefused as refusal:
        return refusal.problems[0].line, refusal.problems[0].key


def _as_read(text: str) -> list[tuple[int, list[Cell]]] | tuple[int, str]:
    """What SPEC §3 makes of ``text``, row by row: a NUL refuses the file at its line; a
    row of nothing but spaces is passed over; each cell has its line breaks as "\\n", its
    tone marks in NFC, its spaces stripped and a leading apostrophe dropped."""
    got: list[tuple[int, list[Cell]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        raw = "".join(cells)
        if "\x00" in raw:
            before = raw[: raw.index("\x00")].replace("\r\n", "\n").replace("\r", "\n")
            return start + before.count("\n"), "file.nul"
        if not raw.strip():
            continue
        row: list[Cell] = []
        for written in cells:
            lines = written.replace("\r\n", "\n").replace("\r", "\n")
            cell = unicodedata.normalize("NFC", lines).strip()
            row.append(cell[1:].lstrip() if cell.startswith("'") else cell)
        got.append((start, row))
    return got


# Cells with what a row is looked at closely for: NUL, a spreadsheet's apostrophe, tone
# marks typed apart (NFC), line breaks of every kind, and spaces to strip.
_ODD_CELL = st.text(alphabet="aễe\u0301 '\"\r\n,\x00", max_size=6)
_ODD_ROW = st.tuples(
    st.lists(_ODD_CELL, min_size=1, max_size=4), st.sampled_from(["\n", "\r\n", "\r"])
)


@settings(deadline=None, max_examples=300)
@given(
    table=st.lists(_ODD_ROW, min_size=1, max_size=10),
    block=st.sampled_from([1, 2, 3, 5, 8, 13, 40, 1 << 16]),
)
def test_a_file_is_read_alike_in_blocks_of_any_size(
    table: list[tuple[list[str], str]], block: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The reader takes a file a block of lines at a time and looks closely only at the
    rows of blocks that need it: in blocks of one character, of a few lines, or one for
    the whole file, it reads the rows, their line numbers and its refusals alike."""
    from unittest import mock

    from cqn_cli.ingest import read as reader

    text = ""
    for cells, terminator in table:
        buf = io.StringIO()
        csv.writer(buf, lineterminator=terminator).writerow(cells)
        text += buf.getvalue()
    f = tmp_path_factory.mktemp("blocks") / "t.csv"
    f.write_bytes(text.encode("utf-8"))
    with mock.patch.object(reader, "BLOCK", block):
        assert _outcome(f) == _as_read(text)


# --- .xlsx ----------------------------------------------------------------------------


def make_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws["A1"] = "DANH SÁCH CỰU QUÂN NHÂN PHƯỜNG TÂN CHÍNH"  # title row
    # row 2 left empty
    ws.append([])
    ws.append(["Họ và tên", "Ngày sinh", "Số CCCD", "Điện thoại", "Năm", "Tỷ lệ", "Đảng viên"])
    ws.append(["  Nguyễn Văn An ", dt.date(1955, 3, 12), "048055001234", 905123456, 1955.0, 2.5])
    ws.append([None, dt.datetime(1960, 1, 2, 0, 0), 48160001234, None, 1960, None, True])
    ws.append([])  # row 6 empty
    ws.append(["Trần Thị Bình", "03/1972", None, None, None, None, False])
    other = wb.create_sheet("Khác")
    other["B2"] = "ở trang khác"
    wb.save(path)
    return path


def test_xlsx_detected_by_content(tmp_path: Path) -> None:
    src = detect(make_workbook(tmp_path / "r.xlsx"))
    assert src.kind == "xlsx"
    assert src.encoding is None
    assert src.sheet is None


def test_xlsx_rows(tmp_path: Path) -> None:
    got = read(make_workbook(tmp_path / "r.xlsx"))
    assert got == [
        (1, ["DANH SÁCH CỰU QUÂN NHÂN PHƯỜNG TÂN CHÍNH"]),  # trailing empty cells trimmed
        (3, ["Họ và tên", "Ngày sinh", "Số CCCD", "Điện thoại", "Năm", "Tỷ lệ", "Đảng viên"]),
        (4, ["Nguyễn Văn An", dt.date(1955, 3, 12), "048055001234", "905123456", "1955", "2.5"]),
        (5, ["", dt.date(1960, 1, 2), "48160001234", "", "1960", "", "1"]),
        (7, ["Trần Thị Bình", "03/1972", "", "", "", "", "0"]),
    ]
    date_cell = got[2][1][1]
    assert type(date_cell) is dt.date  # a date, not a datetime
    assert type(got[3][1][1]) is dt.date


MARCH = dt.date(1975, 3, 1)
JANUARY = dt.date(1975, 1, 1)


@pytest.mark.parametrize(
    ("stored", "number_format", "cell"),
    [
        (JANUARY, "yyyy", ShownDate(JANUARY, "year")),  # 1975 typed, shown as a year
        (MARCH, "mm/yyyy", ShownDate(MARCH, "month")),  # 03/1975 typed: Excel's format
        (MARCH, "mmm-yy", ShownDate(MARCH, "month")),
        (MARCH, "mmmm yyyy", ShownDate(MARCH, "month")),
        (JANUARY, '"năm "yyyy', ShownDate(JANUARY, "year")),  # the literal is no letter
        (MARCH, "yyyy", MARCH),  # not the first of a year: typed as a day
        (dt.date(1975, 3, 15), "mm/yyyy", dt.date(1975, 3, 15)),  # nor of a month
        (MARCH, "dd/mm/yyyy", MARCH),  # a day shown: a day
        (MARCH, "[$-42A]dd/mm/yyyy;@", MARCH),
        (MARCH, "yyyy-mm-dd", MARCH),
        (MARCH, "yyyy h:mm", MARCH),  # a time shown: its m is minutes
        (MARCH, "m/d/yy h:mm", MARCH),
    ],
)
def test_a_date_cell_is_as_precise_as_the_sheet_shows_it(
    tmp_path: Path, stored: dt.date, number_format: str, cell: dt.date
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Ngày nhập ngũ"])
    ws.append([dt.datetime(stored.year, stored.month, stored.day)])
    ws["A2"].number_format = number_format
    wb.save(tmp_path / "d.xlsx")
    [(_, [got])] = read(tmp_path / "d.xlsx")[1:]
    assert got == cell and type(got) is type(cell)
    # A column of partial dates reads it at that precision; any other refuses it, as it
    # refuses 03/1975 or 1975 typed in a CSV (no day is invented).
    today = dt.date(2026, 1, 1)
    if isinstance(cell, ShownDate):
        held = {"year": "1975", "month": "1975-03"}[cell.shown]
        assert parse_date(got, today=today, partial=True) == held
        with pytest.raises(FieldProblem) as refused:
            parse_date(got, today=today)
        assert refused.value.key == "date.partial_not_allowed"
        assert refused.value.params["value"] == {"year": "1975", "month": "03/1975"}[cell.shown]
    else:
        assert parse_date(got, today=today, partial=True) == parse_date(got, today=today)


def test_xlsx_sheet_chosen(tmp_path: Path) -> None:
    f = make_workbook(tmp_path / "r.xlsx")
    src = detect(f, sheet="Khác")
    assert src.sheet == "Khác"
    assert list(rows(src)) == [(2, ["", "ở trang khác"])]
    assert read(f, sheet="Danh sách")[0][0] == 1


def test_xlsx_missing_sheet_is_a_command_line_error_naming_the_sheets(tmp_path: Path) -> None:
    src = detect(make_workbook(tmp_path / "r.xlsx"), sheet="Không có")
    with pytest.raises(UsageError) as info:
        list(rows(src))
    assert info.value.key == "usage.no_sheet"
    assert info.value.params["sheet"] == "Không có"


def test_leading_apostrophe_is_the_text_mark_and_is_dropped(tmp_path: Path) -> None:
    """What a spreadsheet (or our own CSV output) writes before 0905… or +84…."""
    f = tmp_path / "a.csv"
    f.write_text("a,b,c\n'0905123456,'+84 905 123 456,it's\n", encoding="utf-8")
    assert list(rows(detect(f))) == [
        (1, ["a", "b", "c"]),
        (2, ["0905123456", "+84 905 123 456", "it's"]),
    ]


@pytest.mark.parametrize("name", ["r.csv", "r", "r.XLSX"])
def test_xlsx_whatever_its_name(name: str, tmp_path: Path) -> None:
    f = make_workbook(tmp_path / "x.xlsx").rename(tmp_path / name)
    assert detect(f).kind == "xlsx"
    assert read(f)[1][1][0] == "Họ và tên"


def test_truncated_xlsx(tmp_path: Path) -> None:
    f = make_workbook(tmp_path / "r.xlsx")
    f.write_bytes(f.read_bytes()[:2000])
    p = refused(f)
    assert p.key == "file.bad_xlsx"


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    f = tmp_path / "r.xlsx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("a.txt", "không phải bảng tính")
    p = refused(f)
    assert p.key == "file.bad_xlsx"


def formula_workbook(path: Path, cached: dict[str, str] | None = None) -> Path:
    """A roster whose C3 is a formula (its birth date, worked out), as openpyxl writes
    one: with no value; ``cached``: the sheet's XML changed as a spreadsheet saves it
    (each string replaced), its values there."""
    import zipfile

    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH"])
    ws.append(["Họ và tên", "Năm", "Ngày sinh"])
    ws.append(["Nguyễn Văn An", 1955, '=TEXT(DATE(B3,3,12),"dd/mm/yyyy")'])
    wb.save(path)
    if cached:
        with zipfile.ZipFile(path) as z:
            parts = {name: z.read(name) for name in z.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
        for old, new in cached.items():
            assert old in sheet
            sheet = sheet.replace(old, new)
        parts["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
        with zipfile.ZipFile(path, "w") as z:
            for name, data in parts.items():
                z.writestr(name, data)
    return path


def test_a_formula_never_computed_refuses_the_workbook_at_its_cell(tmp_path: Path) -> None:
    p = refused(formula_workbook(tmp_path / "r.xlsx"))
    assert (p.line, p.column, p.key, p.params) == (3, 3, "file.uncomputed_formula", {"cell": "C3"})
    assert "C3" in t(p.key, **p.params) and "Excel" in t(p.key, **p.params)


@pytest.mark.parametrize(
    "written",
    [
        "<f>",  # no value at all
        '<f t="shared" ref="C3:C3" si="0">',  # a formula shared with others
    ],
    ids=["none", "shared"],
)
def test_a_formula_with_no_value_element_is_refused_too(tmp_path: Path, written: str) -> None:
    f = formula_workbook(tmp_path / "r.xlsx", {"<v />": "", "<f>": written})
    assert refused(f).params == {"cell": "C3"}


def test_a_cell_named_against_the_rules_refuses_the_workbook(tmp_path: Path) -> None:
    f = formula_workbook(tmp_path / "r.xlsx", {'<c r="A3"': '<c r="3A"'})
    assert refused(f).key == "file.bad_xlsx"


def test_formulas_with_their_values_are_read_as_those_values(tmp_path: Path) -> None:
    # As Excel saves them: the value beside the formula (an empty text is a value too).
    text = '<c r="C3" t="str"><f>'
    saved = {'<c r="C3"><f>': text, "<v />": "<v>12/03/1955</v>"}
    f = formula_workbook(tmp_path / "r.xlsx", saved)
    assert read(f)[2] == (3, ["Nguyễn Văn An", "1955", "12/03/1955"])
    empty = formula_workbook(tmp_path / "e.xlsx", {'<c r="C3"><f>': text, "<v />": "<v></v>"})
    assert read(empty)[2] == (3, ["Nguyễn Văn An", "1955"])  # its trailing empty cell gone


@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=30), st.integers(1, 64))
@settings(max_examples=60, deadline=None)
def test_a_sheet_is_glanced_at_alike_whatever_the_size_of_its_chunks(
    rows: list[tuple[bool, bool]], chunk: int
) -> None:
    """Its formulas and hidden rows found alike, read a megabyte at a time or a few
    bytes, tags and all cut anywhere; namespaced tags (``<x:row>``) too."""
    import contextlib
    import io as stdio

    from cqn_cli.ingest import read as reader

    parts = ['<x:worksheet xmlns:x="s"><x:sheetData>']
    for n, (hidden, formula) in enumerate(rows, start=1):
        attrs = f' r="{n}" spans="1:2"' + (' hidden="1"' if hidden else "")
        cell = "<x:f>A1*2</x:f><x:v>2</x:v>" if formula else "<x:v>1</x:v>"
        parts.append(f'<x:row{attrs}><x:c r="A{n}">{cell}</x:c></x:row>')
    parts.append("</x:sheetData></x:worksheet>")
    xml = "".join(parts).encode()

    def opened() -> Any:
        return contextlib.closing(stdio.BytesIO(xml))

    expected = (any(f for _, f in rows), frozenset(n for n, (h, _) in enumerate(rows, 1) if h))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(reader, "CHUNK", chunk)
        assert reader._glance(opened) == expected


# --- the sample rosters (sample_data/README.md) ---------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "encoding", "bom", "delimiter", "people"),
    [
        ("01-tam-thuan.csv", "csv", "utf-8", True, ",", 158),
        ("02-thanh-khe-tay.csv", "csv", "utf-8", False, ",", 146),
        ("03-thanh-khe-dong.csv", "csv", "cp1258", False, ";", 167),
        ("04-xuan-ha.txt", "csv", "utf-16-le", True, "\t", 151),
        ("05-tan-chinh.xlsx", "xlsx", None, False, ",", 136),
        ("06-chinh-gian.csv", "csv", "utf-8", False, ",", 162),
        ("07-vinh-trung.csv", "csv", "utf-8", False, ";", 124),
        ("08-thac-gian.csv", "csv", "utf-8", True, ",", 153),
        ("09-an-khe.csv", "csv", "utf-8", False, ",", 178),
        ("10-hoa-khe.csv", "csv", "utf-8", False, ",", 137),
    ],
)
def test_sample_rosters(
    name: str, kind: str, encoding: str | None, bom: bool, delimiter: str, people: int
) -> None:
    src = detect(SAMPLE / "roster" / name)
    assert (src.kind, src.encoding, src.bom) == (kind, encoding, bom)
    if kind == "csv":
        assert src.delimiter == delimiter
    got = list(rows(src))
    header_at = 3 if kind == "xlsx" else 1  # the xlsx has a title on row 1
    header_index = [n for n, _ in got].index(header_at)
    header, body = got[header_index][1], got[header_index + 1 :]
    assert len(body) == people
    assert all(len(cells) <= len(header) for _, cells in body)
    assert not any("\ufeff" in str(c) for c in header)


# --- through the CLI ------------------------------------------------------------------


def test_cli_windows_1258_roster_stored_in_nfc(cqn: Run, query: Any, tmp_path: Path) -> None:
    text = "Họ tên;Năm sinh;Phường\nNguyễn Thị Thuý;1955;Xuân Hà\nTrần Văn Hoà;03/1960;Xuân Hà\n"
    f = write_csv(tmp_path / "r.csv", text, encoding="cp1258", newline="\r\n")
    r = cqn("import", "roster", f, "--as-of", "2019-12-31")
    assert r.exit_code == 0, r.output
    stored = sorted(query("SELECT full_name, birth_date FROM person"))
    assert stored == [("Nguyễn Thị Thuý", "1955"), ("Trần Văn Hoà", "1960-03")]
    assert all(unicodedata.is_normalized("NFC", name) for name, _ in stored)


def test_cli_excel_unicode_text_roster(cqn: Run, query: Any, tmp_path: Path) -> None:
    text = "Họ và tên\tNgày sinh\tPhường\nLê Văn Ân\t2/3/1958\tXuân Hà\n"
    f = write_csv(tmp_path / "r.txt", text, encoding="utf-16-le", bom=True, newline="\r\n")
    r = cqn("import", "roster", f, "--as-of", "2019-12-31")
    assert r.exit_code == 0, r.output
    assert query("SELECT full_name, birth_date FROM person") == [("Lê Văn Ân", "1958-03-02")]


def test_cli_reports_the_physical_line_after_a_multiline_cell(
    cqn: Run, query: Any, tmp_path: Path
) -> None:
    text = (
        "Họ và tên,Ngày sinh,Phường,Ghi chú\n"
        'Nguyễn Văn An,1955,Xuân Hà,"dòng một\ndòng hai"\n'
        "Trần Văn Bình,12/03/75,Xuân Hà,\n"
    )
    f = write_csv(tmp_path / "r.csv", text)
    r = cqn("import", "roster", f, "--as-of", "2019-12-31", lang="en")
    assert r.exit_code == 1
    assert f"{f}:4:2 [Ngày sinh]" in r.output
    assert "two-digit year" in r.output
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_cli_nul_byte_refused(cqn: Run, query: Any, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes("Họ và tên,Phường\nAn,Xuân Hà\nBình\x00,Xuân Hà\n".encode())
    r = cqn("import", "roster", f, "--as-of", "2019-12-31", lang="en")
    assert r.exit_code == 1
    assert f"{f}:3: NUL byte" in r.output
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_a_csv_named_xlsx_is_read_as_csv_and_anything_else_is_no_workbook(
    tmp_path: Path,
) -> None:
    """A CSV renamed .xlsx (it happens) is read as what it is; a file with bytes no text
    has (a PDF renamed) is said to be no workbook, not refused for an encoding."""
    f = tmp_path / "ds.xlsx"
    f.write_text("Họ và tên,Phường\nNguyễn Văn An,Xuân Hà\n", encoding="utf-8")
    assert read(f) == [(1, ["Họ và tên", "Phường"]), (2, ["Nguyễn Văn An", "Xuân Hà"])]
    f.write_bytes(b"%PDF-1.4\n\x00\x01\x02 binary")
    assert refused(f).key == "file.not_xlsx"
    f.write_bytes(codecs.BOM_UTF16_LE + "Họ và tên\tPhường\r\nAn\tXuân Hà\r\n".encode("utf-16-le"))
    assert read(f) == [(1, ["Họ và tên", "Phường"]), (2, ["An", "Xuân Hà"])]  # Unicode text
    f.write_bytes(b"caf\xe9 \x81\x8d\x8f\x90\x9d" * 4)  # no text in any encoding tried
    assert refused(f).key == "file.not_xlsx"
