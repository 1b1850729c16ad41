"""``cqn import roster``: run through the CLI, checked through the database.

Every input file is small and written here by hand, in the encoding a ward's
office program would use; the expected figures are worked out in each test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import stat
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from conftest import SAMPLE, Run, calls_to, file_digest, killed_at, spelled, write_csv
from cqn_cli.cli.app import app
from cqn_cli.text import encode_cp1258

Query = Callable[..., list[tuple[Any, ...]]]

AS_2019 = ("--as-of", "2019-12-31")

# The sample rosters (sample_data/README.md): data rows per file and the 2019 ward each names.
SAMPLE_FILES = {
    "01-tam-thuan.csv": (158, "tk-tam-thuan"),
    "02-thanh-khe-tay.csv": (146, "tk-thanh-khe-tay"),
    "03-thanh-khe-dong.csv": (167, "tk-thanh-khe-dong"),
    "04-xuan-ha.txt": (151, "tk-xuan-ha"),
    "05-tan-chinh.xlsx": (136, "tk-tan-chinh"),
    "06-chinh-gian.csv": (162, "tk-chinh-gian"),
    "07-vinh-trung.csv": (124, "tk-vinh-trung"),
    "08-thac-gian.csv": (153, "tk-thac-gian"),
    "09-an-khe.csv": (178, "tk-an-khe"),
    "10-hoa-khe.csv": (137, "tk-hoa-khe"),
}

# Two people whose ids agree with their gender and birth year (no warning to get in the way).
AN_CCCD = "048052000101"  # male, born 1952
BINH_CCCD = "048160000202"  # female, born 1960


def data_rows(path: Path) -> int:
    """Rows below the header, counted here independently of the importer."""
    if path.suffix == ".xlsx":
        ws = load_workbook(path, read_only=True).worksheets[0]
        filled = [r for r in ws.iter_rows(values_only=True) if any(v not in (None, "") for v in r)]
        header = next(i for i, r in enumerate(filled) if "Họ và tên" in r)
        return len(filled) - header - 1
    raw = path.read_bytes()
    if raw.startswith(b"\xff\xfe"):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1258")
    first = text.splitlines()[0]
    sep = max(",;\t", key=first.count)
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if any(r)]
    return len(rows) - 1


def people(query: Query) -> list[tuple[Any, ...]]:
    return query("SELECT * FROM person ORDER BY id")


def snapshot(query: Query) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: what "nothing was written" is checked against."""
    tables = [r[0] for r in query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: query(f'SELECT * FROM "{t}" ORDER BY 1') for t in sorted(tables)}


def summary(rows: int, inserted: int, updated: int, unchanged: int, rejected: int) -> str:
    return (
        f"{rows} dòng — thêm {inserted}, cập nhật {updated}, "
        f"không đổi {unchanged}, loại {rejected}."
    )


def log_counts(query: Query) -> list[tuple[Any, ...]]:
    return query(
        "SELECT file_name, rows, inserted, updated, unchanged, rejected FROM import_log ORDER BY id"
    )


# ---- the sample rosters -------------------------------------------------------------------


def test_every_sample_file_imports_and_reimporting_changes_nothing(cqn: Run, query: Query) -> None:
    files = sorted((SAMPLE / "roster").iterdir())
    assert [f.name for f in files] == list(SAMPLE_FILES)
    assert [data_rows(f) for f in files] == [rows for rows, _ in SAMPLE_FILES.values()]
    r = cqn("import", "roster", *files, *AS_2019)
    assert r.exit_code == 0, r.output
    # One log line per file, every data row inserted, nothing refused.
    assert log_counts(query) == [
        (name, rows, rows, 0, 0, 0) for name, (rows, _) in SAMPLE_FILES.items()
    ]
    # Each file's people are in that file's 2019 ward.
    by_ward = dict(query("SELECT ward_id, count(*) FROM person GROUP BY ward_id"))
    assert by_ward == {ward: rows for rows, ward in SAMPLE_FILES.values()}
    assert query("SELECT count(*) FROM person") == [(1512,)]
    before = people(query)

    again = cqn("import", "roster", *files, *AS_2019)
    assert again.exit_code == 0, again.output
    assert again.stdout.count("tệp giống hệt đã nhập") == len(files)
    assert len(log_counts(query)) == len(files)  # a no-op is not logged as a new import
    assert people(query) == before

    forced = cqn("import", "roster", *files, *AS_2019, "--force")
    assert forced.exit_code == 0, forced.output
    for name, (rows, _) in SAMPLE_FILES.items():
        assert f"{name}: {summary(rows, 0, 0, rows, 0)}" in forced.stdout
    assert log_counts(query)[len(files) :] == [
        (name, rows, 0, 0, rows, 0) for name, (rows, _) in SAMPLE_FILES.items()
    ]
    assert people(query) == before  # not even updated_at moved


def test_sample_values_are_normalised(cqn: Run, query: Query) -> None:
    """Spot checks of what the sample files' particular spellings become."""
    names = ["01-tam-thuan.csv", "03-thanh-khe-dong.csv", "08-thac-gian.csv"]
    r = cqn("import", "roster", *(SAMPLE / "roster" / n for n in names), *AS_2019)
    assert r.exit_code == 0, r.output
    # 01: "01633 059 469" (a retired 11-digit prefix) → 10 digits; flags "x" / blank.
    assert query(
        "SELECT phone, party_member, veterans_association_member FROM person"
        " WHERE national_id = '048062325446'"
    ) == [("0333059469", 1, 1)]
    # 03 (Windows-1258, decomposed tones): "+84 905 596 728", name stored NFC.
    row = query("SELECT full_name, phone FROM person WHERE national_id = '048053674728'")
    assert row == [("Phạm Văn Tâm", "0905596728")]
    assert unicodedata.is_normalized("NFC", row[0][0])
    # 08: the STT column is no field; "chuyển đi" with its date.
    assert query(
        "SELECT status, status_since, discharged_on FROM person WHERE national_id = '048040336939'"
    ) == [("moved_out", "2019-08-08", "1964-12-01")]
    assert "STT" not in r.stderr


# ---- headers ----------------------------------------------------------------------------


def test_headers_in_odd_case_spaces_and_without_diacritics(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    f = write_csv(
        tmp_path / "r.csv",
        "  HỌ VÀ TÊN ,ngay sinh,Gioi Tinh, so cccd ,PHUONG,to dan pho,SĐT,dbđv\n"
        f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,Tổ 5,0905 123 456,x\n",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    assert "không biết" not in r.stderr
    assert query(
        "SELECT full_name, birth_date, gender, national_id, ward_id, residential_group, phone,"
        " reservist FROM person"
    ) == [("Nguyễn Văn An", "1952-03-15", "male", AN_CCCD, "tk-xuan-ha", "Tổ 5", "0905123456", 1)]


def test_english_headers(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "r.csv",
        "full_name;birth_date;gender;ward;party_member;status;status_since;notes\n"
        "Trần Thị Bình;1960;female;Xuân Hà;yes;deceased;2019-05-02;Liệt sĩ\n",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    assert query(
        "SELECT full_name, birth_date, gender, ward_id, party_member, status, status_since,"
        " notes FROM person"
    ) == [("Trần Thị Bình", "1960", "female", "tk-xuan-ha", 1, "deceased", "2019-05-02", "Liệt sĩ")]


def test_map_option_maps_other_headers(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "r.csv",
        "Tên đầy đủ,Năm sinh,Nơi ở\nNguyễn Văn An,1952,Xuân Hà\n",
    )
    refused = cqn("import", "roster", f, *AS_2019)
    assert refused.exit_code == 1
    assert "thiếu cột bắt buộc 'ho_ten'" in refused.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]

    r = cqn("import", "roster", f, *AS_2019, "--map", "Tên đầy đủ=ho_ten", "--map", "noi o=ward")
    assert r.exit_code == 0, r.output
    assert query("SELECT full_name, birth_date, ward_id FROM person") == [
        ("Nguyễn Văn An", "1952", "tk-xuan-ha")
    ]
    assert "không biết" not in r.stderr


def test_map_option_to_an_unknown_field_is_a_usage_error(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    f = write_csv(tmp_path / "r.csv", "Tên,Phường\nNguyễn Văn An,Xuân Hà\n")
    r = cqn("import", "roster", f, "--map", "Tên=nickname")
    assert r.exit_code == 2
    assert "nickname" in r.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_unknown_columns_are_warned_once_and_stt_is_ignored(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    f = write_csv(
        tmp_path / "r.csv",
        "STT,Họ và tên,Biệt danh,Phường,Quê quán\n"
        "1,Nguyễn Văn An,Út,Xuân Hà,Quảng Nam\n"
        "2,Trần Thị Bình,Hai,Xuân Hà,Huế\n"
        "3,Lê Văn Cường,Ba,Tam Thuận,Huế\n",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    warnings = [line for line in r.stderr.splitlines() if "cột không biết" in line]
    assert len(warnings) == 1
    assert "Biệt danh" in warnings[0]
    assert "Quê quán" in warnings[0]
    assert "STT" not in r.stderr
    # Nothing of the unknown columns is kept anywhere.
    dump = repr(snapshot(query))
    for kept_nowhere in ("Út", "Quảng Nam", "Biệt danh"):
        assert kept_nowhere not in dump
    assert query("SELECT count(*) FROM person") == [(3,)]


def test_title_rows_above_the_header_in_csv(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "r.csv",
        "DANH SÁCH CỰU QUÂN NHÂN PHƯỜNG XUÂN HÀ,,\n"
        "\n"
        "(kèm theo công văn số 12/CV),,\n"
        "Họ và tên,Ngày sinh,Phường\n"
        "Nguyễn Văn An,15/03/1952,Xuân Hà\n"
        "Trần Thị Bình,1960,Xuân Hà\n",
        encoding="utf-8",
        bom=True,
        newline="\r\n",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    assert "bỏ qua 2 dòng tiêu đề" in r.stderr
    assert summary(2, 2, 0, 0, 0) in r.stdout
    assert query("SELECT full_name, birth_date FROM person ORDER BY id") == [
        ("Nguyễn Văn An", "1952-03-15"),
        ("Trần Thị Bình", "1960"),
    ]


def test_title_row_above_the_header_in_xlsx(cqn: Run, query: Query, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CQN PHƯỜNG TÂN CHÍNH"])
    ws.append([])
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Phường", "Nhập ngũ", "Đảng viên"])
    ws.append([1, "Nguyễn Văn An", dt.datetime(1952, 3, 15), AN_CCCD, "Tân Chính", "03/1972", "x"])
    ws.append([2, "Trần Thị Bình", "1960", BINH_CCCD, "Tân Chính", 1978, None])
    f = tmp_path / "r.xlsx"
    wb.save(f)
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    assert "bỏ qua 1 dòng tiêu đề" in r.stderr  # the empty row is no row
    assert query(
        "SELECT full_name, birth_date, national_id, ward_id, enlisted_on, party_member"
        " FROM person ORDER BY id"
    ) == [
        ("Nguyễn Văn An", "1952-03-15", AN_CCCD, "tk-tan-chinh", "1972-03", 1),
        ("Trần Thị Bình", "1960", BINH_CCCD, "tk-tan-chinh", "1978", 0),
    ]


def test_rows_hidden_in_excel_are_imported_and_said(
    cqn: Run, query: Query, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clerk may hide rows in Excel (people gone, a filter left on): hidden, they are
    still in the file, read like the others, and the import says which; a hidden row
    above the header, or an empty one, is no row of data and is not counted."""
    from cqn_cli.ingest import engine

    monkeypatch.setattr(engine, "HIDDEN_SHOWN", 2)
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CQN PHƯỜNG TÂN CHÍNH"])
    ws.append(["Họ và tên", "Ngày sinh", "Phường"])
    for i in range(1, 7):
        ws.append([f"Người {spelled(i)}", 1950 + i, "Tân Chính"])
    ws.append([])
    for row in (1, 4, 5, 7, 9):  # the title, three people, the empty row
        ws.row_dimensions[row].hidden = True
    f = tmp_path / "r.xlsx"
    wb.save(f)
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    assert query("SELECT count(*) FROM person") == [(6,)]
    warned = [line for line in r.stderr.splitlines() if "ẩn" in line]
    assert warned == [
        f"{f}:4: 3 dòng bị ẩn trong Excel vẫn được đọc như các dòng khác (dòng 4, 5…):"
        " ẩn đi, chúng vẫn nằm trong tệp; muốn bỏ thì xoá chúng khỏi tệp."
    ]
    shown = tmp_path / "shown.xlsx"
    for row in (1, 4, 5, 7, 9):
        ws.row_dimensions[row].hidden = False
    wb.save(shown)
    r = cqn("import", "roster", shown, *AS_2019, "--dry-run")
    assert r.exit_code == 0 and "ẩn" not in r.output


def _piped(path: Path, data: bytes) -> Path:
    """A named pipe at ``path`` that gives ``data`` once, as ``<(…)`` or ``/dev/stdin`` do."""
    import os
    import threading

    os.mkfifo(path)

    def give() -> None:
        with path.open("wb") as pipe:
            pipe.write(data)

    threading.Thread(target=give, daemon=True).start()
    return path


def test_a_file_given_through_a_pipe_is_read_like_the_file(
    cqn: Run, query: Query, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    copies = tmp_path / "tmp"
    copies.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(copies))
    # A pipe can be read once; an import reads its file more than once (hash, encoding,
    # rows), so it reads a private copy, and says what it says of the pipe as named.
    text = "Họ và tên,Ngày sinh,Phường\nNguyễn Văn An,1952,Xuân Hà\nLê Thị Ba,1960,Xuân Hà\n"
    cp1258 = encode_cp1258(text)  # as Excel saves "CSV" on a Vietnamese Windows
    r = cqn("import", "roster", _piped(tmp_path / "ds", cp1258), *AS_2019)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"{tmp_path / 'ds'}: 2 dòng — thêm 2,")
    assert query("SELECT full_name FROM person ORDER BY id") == [("Nguyễn Văn An",), ("Lê Thị Ba",)]
    assert query("SELECT file_name, rows FROM import_log") == [("ds", 2)]
    again = cqn("import", "roster", _piped(tmp_path / "again", cp1258), *AS_2019)
    assert "tệp giống hệt đã nhập" in again.stdout  # the same bytes, known by their hash
    bad_text = "Họ và tên,Ngày sinh,Phường\nA B,31/02/1950,Xuân Hà\n"
    bad = _piped(tmp_path / "bad", bad_text.encode())
    refused = cqn("import", "roster", bad)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        f"{bad}:2:2 [Ngày sinh] '31/02/1950': ngày không tồn tại",
        f"{bad}: 1 dòng lỗi; không ghi gì.",
    ]
    book = Workbook()
    book.active.append(["Họ và tên", "Ngày sinh", "Phường"])
    book.active.append(["Trần Văn Cả", "1949", "Xuân Hà"])
    data = io.BytesIO()
    book.save(data)
    assert cqn("import", "roster", _piped(tmp_path / "book", data.getvalue())).exit_code == 0
    assert query("SELECT count(*) FROM person") == [(3,)]
    assert not list(copies.iterdir())  # no copy left behind
    # Nowhere to keep the copy: the command line is what cannot run (exit 2), one line.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    nowhere = cqn("import", "roster", _piped(tmp_path / "late", cp1258))
    assert nowhere.exit_code == 2
    assert nowhere.stderr.startswith(f"Không ghi được {tmp_path / 'gone'}: ")
    assert len(nowhere.stderr.splitlines()) == 1


def test_the_same_file_imported_twice_at_once_is_imported_once(
    cqn: Run, query: Query, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two imports of one file at once: the second waits for the write lock while the
    first imports; under the lock it finds the file imported and is the no-op it would
    have been after, not a second import of every row."""
    from cqn_cli.ingest import engine

    f = roster(tmp_path, "r.csv", f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,")
    assert cqn("import", "roster", f, *AS_2019).exit_code == 0
    asked = []
    before_lock = engine.previous_import

    def not_yet_then_known(*args: Any) -> str | None:  # the first import still running
        asked.append(args)
        return None if len(asked) == 1 else before_lock(*args)

    monkeypatch.setattr(engine, "previous_import", not_yet_then_known)
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    assert "tệp giống hệt đã nhập" in r.stdout and len(asked) == 2
    assert query("SELECT count(*) FROM import_log") == [(1,)]


def test_the_sheet_is_named_as_the_clerk_writes_it_and_a_first_sheet_of_notes_is_said(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    wb = Workbook()
    wb.active.title = "Hướng dẫn"
    wb.active.append(["Điền danh sách ở trang sau"])
    listed = wb.create_sheet("DS Tam Thuận 2019")
    listed.append(["Họ và tên", "Năm sinh", "Phường"])
    listed.append(["Lê Văn Tư", 1950, "Tam Thuận"])
    f = tmp_path / "ds.xlsx"
    wb.save(f)
    r = cqn("import", "roster", f, *AS_2019, lang="en")
    assert r.exit_code == 1
    assert (
        f"{f}: read the first sheet, 'Hướng dẫn'; the workbook also has: DS Tam Thuận 2019;"
        " choose the one with the list with --sheet 'Sheet name'"
    ) in r.stderr.splitlines()
    # Without its case and accents, or its letters composed another way, it is that sheet.
    typed = unicodedata.normalize("NFD", "ds tam thuận 2019")
    assert cqn("import", "roster", f, *AS_2019, "--sheet", typed).exit_code == 0
    assert query("SELECT full_name FROM person") == [("Lê Văn Tư",)]
    missing = cqn("import", "roster", f, *AS_2019, "--sheet", "DS 2020", lang="en")
    assert missing.exit_code == 2
    assert "No sheet 'DS 2020'; the sheets are: Hướng dẫn, DS Tam Thuận 2019." in missing.stderr


def test_a_sheets_total_and_signature_lines_are_no_people(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Năm sinh", "Phường"])
    ws.append(["Nguyễn Văn An", 1952, "Tân Chính"])
    ws.append(["Tổng cộng: 1 người"])
    ws.append(["Đà Nẵng, ngày 31/12/2019"])
    f = tmp_path / "ds.xlsx"
    wb.save(f)
    r = cqn("import", "roster", f, *AS_2019, "--ward", "Tân Chính", lang="en")
    assert r.exit_code == 1
    reason = (
        "a person's name has no digits, ':' or '/': is this the sheet's total, date or"
        " signature line?"
    )
    assert f"{f}:3:1 [Họ và tên] 'Tổng cộng: 1 người': {reason}" in r.stderr
    assert f"{f}:4:1 [Họ và tên] 'Đà Nẵng, ngày 31/12/2019': {reason}" in r.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_the_rejects_of_a_workbook_keep_its_cells_as_they_were(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """A refused row of a workbook goes to the rejects workbook with its dates as dates,
    shown as the sheet showed them, and its numbers as numbers: fixed and imported
    again, it reads the same; its reason says the line it came from."""
    wb = Workbook()
    ws = wb.active
    ws.title = "DS Xuân Hà"
    ws.append(["Họ và tên", "Ngày sinh", "Phường", "Nhập ngũ", "Ngày đăng ký"])
    ws.append(["Nguyễn Văn An", dt.datetime(1952, 3, 15), "Xuân Hà", None, None])
    ws.append(["Trần Văn Bình", dt.datetime(1955, 6, 1), "Xuan Haa", dt.datetime(1972, 3, 1),
               dt.datetime(2015, 1, 2)])  # fmt: skip
    ws["D3"].number_format = "mm/yyyy"  # 03/1972 typed: a month
    source = tmp_path / "r.xlsx"
    wb.save(source)
    rejects = tmp_path / "loi.xlsx"
    r = cqn("import", "roster", source, *AS_2019, "--skip-bad", "--rejects", rejects)
    assert r.exit_code == 0, r.output
    sheet = load_workbook(rejects).active
    assert sheet.title == "DS Xuân Hà"
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Họ và tên", "Ngày sinh", "Phường", "Nhập ngũ", "Ngày đăng ký", "Lý do"]
    assert rows[1][:5] == [
        "Trần Văn Bình",
        dt.datetime(1955, 6, 1),
        "Xuan Haa",
        dt.datetime(1972, 3, 1),
        dt.datetime(2015, 1, 2),
    ]
    assert [sheet.cell(2, c).number_format for c in (2, 4, 5)] == [
        "dd/mm/yyyy",
        "mm/yyyy",
        "dd/mm/yyyy",
    ]
    assert rows[1][5].startswith("dòng 3: [Phường] 'Xuan Haa': không có phường")
    # Fixed, it goes in as the first file would have had it.
    sheet.cell(2, 3).value = "Xuân Hà"
    sheet.delete_cols(6)
    fixed = tmp_path / "sua.xlsx"
    sheet.parent.save(fixed)
    assert cqn("import", "roster", fixed, *AS_2019).exit_code == 0
    assert query("SELECT birth_date, enlisted_on, registered_on FROM person WHERE id = 2") == [
        ("1955-06-01", "1972-03", "2015-01-02")
    ]


# ---- dates ----------------------------------------------------------------------------


def test_partial_dates_keep_their_precision(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "r.csv",
        "Họ và tên,Năm sinh,Nhập ngũ,Xuất ngũ,Phường,Ngày đăng ký\n"
        "Nguyễn Văn An,1952,03/1972,3-1976,Xuân Hà,\n"
        "Trần Văn Hai,5/1/1950,1968-02,1975,Xuân Hà,01.02.2015\n",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    assert query(
        "SELECT birth_date, enlisted_on, discharged_on, registered_on FROM person ORDER BY id"
    ) == [
        ("1952", "1972-03", "1976-03", None),
        ("1950-01-05", "1968-02", "1975", "2015-02-01"),
    ]


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("Ngày sinh", "15/03/52", "năm chỉ có 2 chữ số"),
        ("Ngày sinh", "52", "năm chỉ có 2 chữ số"),
        ("Ngày sinh", "31/02/2019", "ngày không tồn tại"),
        ("Ngày sinh", f"01/01/{dt.date.today().year + 1}", "ngày trong tương lai"),
        ("Ngày sinh", str(dt.date.today().year + 1), "ngày trong tương lai"),
        ("Ngày đăng ký", "2015", "cột này cần ngày đầy đủ"),
        ("Ngày sinh", "1952/03/15", "không phải ngày"),
    ],
)
def test_bad_dates_are_refused(
    cqn: Run, query: Query, tmp_path: Path, header: str, value: str, reason: str
) -> None:
    f = write_csv(
        tmp_path / "r.csv",
        f"Họ và tên,Phường,{header}\n"
        f"Nguyễn Văn An,Xuân Hà,05/01/1950\n"
        f"Trần Văn Hai,Xuân Hà,{value}\n",
    )
    r = cqn("import", "roster", f)
    assert r.exit_code == 1
    assert f"{f}:3:3 [{header}] '{value}': {reason}" in r.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_discharge_before_enlistment_is_refused(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "r.csv",
        "Họ và tên,Phường,Nhập ngũ,Xuất ngũ\nNguyễn Văn An,Xuân Hà,03/1972,1970\n",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 1
    assert f"{f}:2:4 [Xuất ngũ] '1970': ngày xuất ngũ trước ngày nhập ngũ" in r.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]


# ---- identity ---------------------------------------------------------------------------

HEADER = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường,Điện thoại\n"


def roster(tmp_path: Path, name: str, *rows: str) -> Path:
    return write_csv(tmp_path / name, HEADER + "".join(r + "\n" for r in rows))


def test_a_row_that_brings_someone_back_on_the_roster_says_so(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    head = "Họ và tên,Ngày sinh,Số CCCD,Phường,Trạng thái,Ngày trạng thái\n"
    first = write_csv(tmp_path / "a.csv", head + f"Nguyễn Văn An,1952,{AN_CCCD},Xuân Hà,"
                      "chuyển đi,15/06/2019\n")  # fmt: skip
    assert cqn("import", "roster", first, *AS_2019).exit_code == 0
    back = write_csv(tmp_path / "b.csv", head + f"Nguyễn Văn An,1952,{AN_CCCD},Xuân Hà,"
                     "đang sinh hoạt,\n")  # fmt: skip
    r = cqn("import", "roster", back, *AS_2019, lang="en")
    assert r.exit_code == 0, r.output
    assert f"{back}:2:5 [Trạng thái]: CQN000001 is back to 'active' (moved out or died on" in (
        r.stderr
    )
    # Active, and no date of the spell away kept beside it.
    assert query("SELECT status, status_since FROM person") == [("active", None)]
    # The same file again: nothing to say, nothing changed.
    again = cqn("import", "roster", back, *AS_2019, "--force", lang="en")
    assert again.exit_code == 0 and "back to 'active'" not in again.stderr


def test_reimport_with_a_changed_phone_updates_that_person(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    first = roster(
        tmp_path,
        "v1.csv",
        f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,0905123456",
        f"Trần Thị Bình,1960,Nữ,{BINH_CCCD},Xuân Hà,0914000111",
    )
    assert cqn("import", "roster", first, *AS_2019).exit_code == 0
    ids = query("SELECT id FROM person ORDER BY id")
    second = roster(
        tmp_path,
        "v2.csv",
        f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,+84 935 777 888",
        f"Trần Thị Bình,1960,Nữ,{BINH_CCCD},Xuân Hà,0914000111",
    )
    r = cqn("import", "roster", second, *AS_2019)
    assert r.exit_code == 0, r.output
    assert summary(2, 0, 1, 1, 0) in r.stdout
    assert query("SELECT id FROM person ORDER BY id") == ids
    assert query("SELECT national_id, phone FROM person ORDER BY id") == [
        (AN_CCCD, "0935777888"),
        (BINH_CCCD, "0914000111"),
    ]
    assert log_counts(query)[-1] == ("v2.csv", 2, 0, 1, 1, 0)


def test_cccd_held_by_someone_else_is_refused_naming_them(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    first = roster(tmp_path, "v1.csv", f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,")
    assert cqn("import", "roster", first, *AS_2019).exit_code == 0
    (pk,) = query("SELECT id FROM person")[0]
    before = snapshot(query)
    other = roster(tmp_path, "v2.csv", f"Lê Văn Cường,1948,Nam,{AN_CCCD},Xuân Hà,")
    r = cqn("import", "roster", other, *AS_2019)
    assert r.exit_code == 1
    assert f"{other}:2:4 [Số CCCD]" in r.stderr
    assert f"CQN{pk:06d} Nguyễn Văn An" in r.stderr
    assert "0480******01" in r.stderr
    assert AN_CCCD not in r.stderr
    assert snapshot(query) == before


def test_same_cccd_with_a_corrected_name_and_same_birth_date_updates(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    first = roster(tmp_path, "v1.csv", f"Nguyễn Văn Ann,15/03/1952,Nam,{AN_CCCD},Xuân Hà,")
    assert cqn("import", "roster", first, *AS_2019).exit_code == 0
    fixed = roster(tmp_path, "v2.csv", f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,")
    r = cqn("import", "roster", fixed, *AS_2019)
    assert r.exit_code == 0, r.output
    assert summary(1, 0, 1, 0, 0) in r.stdout
    assert query("SELECT full_name, national_id FROM person") == [("Nguyễn Văn An", AN_CCCD)]


def test_same_cccd_same_name_corrected_birth_date_updates(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    first = roster(tmp_path, "v1.csv", f"Nguyễn Văn An,1952,Nam,{AN_CCCD},Xuân Hà,")
    assert cqn("import", "roster", first, *AS_2019).exit_code == 0
    fixed = roster(tmp_path, "v2.csv", f"Nguyễn Văn An,15/03/1953,Nam,{AN_CCCD},Xuân Hà,")
    r = cqn("import", "roster", fixed, *AS_2019)
    assert r.exit_code == 0, r.output
    assert query("SELECT count(*), max(birth_date) FROM person") == [(1, "1953-03-15")]


def test_row_without_cccd_matches_name_birth_date_and_ward(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    first = roster(tmp_path, "v1.csv", "Nguyễn Văn An,15/03/1952,Nam,,Xuân Hà,")
    assert cqn("import", "roster", first, *AS_2019).exit_code == 0
    # The same person, the name typed with stray spaces and in capitals.
    again = roster(tmp_path, "v2.csv", "  NGUYỄN  VĂN AN ,15/03/1952,Nam,,Xuân Hà,0905123456")
    r = cqn("import", "roster", again, *AS_2019)
    assert r.exit_code == 0, r.output
    assert summary(1, 0, 1, 0, 0) in r.stdout
    assert query("SELECT count(*), max(phone) FROM person") == [(1, "0905123456")]


def test_same_name_in_another_ward_is_another_person(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    f = roster(
        tmp_path,
        "r.csv",
        "Nguyễn Văn An,15/03/1952,Nam,,Xuân Hà,",
        "Nguyễn Văn An,15/03/1952,Nam,,An Khê,",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    # Xuân Hà and An Khê are still two wards today (Thanh Khê, An Khê): nothing to report.
    assert "có thể trùng" not in r.stderr
    assert query("SELECT ward_id FROM person ORDER BY id") == [("tk-xuan-ha",), ("tk-an-khe",)]


def test_namesake_with_another_birth_date_is_inserted_with_a_warning(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    first = roster(tmp_path, "v1.csv", "Nguyễn Văn An,15/03/1952,Nam,,Xuân Hà,")
    assert cqn("import", "roster", first, *AS_2019).exit_code == 0
    (pk,) = query("SELECT id FROM person")[0]
    second = roster(tmp_path, "v2.csv", "Nguyễn Văn An,1958,Nam,,Xuân Hà,")
    r = cqn("import", "roster", second, *AS_2019)
    assert r.exit_code == 0, r.output
    assert summary(1, 1, 0, 0, 0) in r.stdout
    warning = [line for line in r.stderr.splitlines() if "có thể trùng" in line]
    assert len(warning) == 1
    assert warning[0].startswith(f"{second}:2")
    assert f"CQN{pk:06d} Nguyễn Văn An" in warning[0]
    assert query("SELECT birth_date FROM person ORDER BY id") == [("1952-03-15",), ("1958",)]


def test_a_name_written_with_the_latin_eth_is_the_person_written_with_d(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """Bùi Văn Ðức, with U+00D0 (the look-alike of Đ that text pasted from a web page
    carries), is Bùi Văn Đức: a later roster's row with the same
    birth year and ward is him, a namesake born another year is warned of, and a search
    without accents finds him."""
    eth = "Bùi Văn \u00d0ức"
    first = roster(tmp_path, "v1.csv", f"{eth},1950,Nam,,Xuân Hà,")
    assert cqn("import", "roster", first, *AS_2019).exit_code == 0
    (pk,) = query("SELECT id FROM person")[0]
    found = cqn("person", "search", "bui van duc", "-f", "csv")
    assert [line.split(",")[0] for line in found.stdout.splitlines()[1:]] == [f"CQN{pk:06d}"]
    second = roster(
        tmp_path, "v2.csv", "Bùi Văn Đức,1950,Nam,,Xuân Hà,\nBùi Văn Đức,1951,Nam,,Xuân Hà,"
    )
    r = cqn("import", "roster", second, *AS_2019)
    assert r.exit_code == 0, r.output
    assert summary(2, 1, 1, 0, 0) in r.stdout  # the name as the new file writes it
    warning = [line for line in r.stderr.splitlines() if "có thể trùng" in line]
    assert len(warning) == 1 and warning[0].startswith(f"{second}:3")
    assert f"CQN{pk:06d} Bùi Văn Đức" in warning[0]
    assert query("SELECT id, full_name, birth_date FROM person ORDER BY id") == [
        (pk, "Bùi Văn Đức", "1950"),
        (pk + 1, "Bùi Văn Đức", "1951"),
    ]


def test_a_namesake_with_another_number_is_a_possible_duplicate_only_if_born_alike(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    # Two numbers are two people (SPEC §3: a row with so_cccd is the person with that
    # number), unless born alike (one number mistyped?); a namesake without a number
    # may still be the same person.
    f = roster(
        tmp_path,
        "r.csv",
        "Lê Văn Thịnh,16/04/1957,Nam,048057674795,Xuân Hà,",
        "Lê Văn Thịnh,06/08/1944,Nam,048044785023,Xuân Hà,",
        "Lê Văn Thịnh,1950,Nam,,Xuân Hà,",
        "Lê Văn Thịnh,1960,Nam,048060000001,Xuân Hà,",
        "Lê Văn Thịnh,16/04/1957,Nam,048057674759,Xuân Hà,",  # line 2's, two digits swapped?
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    warned = [line for line in r.stderr.splitlines() if "có thể trùng" in line]
    assert [w.split(": ", 1)[0] for w in warned] == [f"{f}:4", f"{f}:5", f"{f}:6"]
    assert "có thể trùng với CQN000001 Lê Văn Thịnh, CQN000003 Lê Văn Thịnh (" in warned[2]
    assert "CQN000001 Lê Văn Thịnh, CQN000002 Lê Văn Thịnh (" in warned[0]  # no number
    assert "với CQN000003 Lê Văn Thịnh (" in warned[1]  # the only one without a number
    assert query("SELECT count(*) FROM person") == [(5,)]
    # The same, read from the database: a newcomer with a number is warned of the one
    # namesake held without one (and of those born his year); the same man born 1950,
    # now with his number, is him.
    later = roster(
        tmp_path,
        "later.csv",
        "Lê Văn Thịnh,02/02/1962,Nam,048062000002,Xuân Hà,",
        "Lê Văn Thịnh,1950,Nam,048050000009,Xuân Hà,",
        "Lê Văn Thịnh,1944,Nam,048044785032,Xuân Hà,",
    )
    r = cqn("import", "roster", later, *AS_2019)
    assert r.exit_code == 0, r.output
    warned = [line for line in r.stderr.splitlines() if "có thể trùng" in line]
    assert [w.split(": ", 1)[0] for w in warned] == [f"{later}:2", f"{later}:4"]
    assert "có thể trùng với CQN000003 Lê Văn Thịnh (" in warned[0]
    assert "có thể trùng với CQN000002 Lê Văn Thịnh (" in warned[1]  # born 06/08/1944
    assert query("SELECT id, national_id FROM person WHERE id IN (3, 6)") == [
        (3, "048050000009"),
        (6, "048062000002"),
    ]


def test_person_first_without_cccd_then_with_it_gets_the_number(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    first = roster(tmp_path, "v1.csv", "Nguyễn Văn An,15/03/1952,Nam,,Xuân Hà,0905123456")
    assert cqn("import", "roster", first, *AS_2019).exit_code == 0
    ids = query("SELECT id FROM person")
    second = roster(tmp_path, "v2.csv", f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,")
    r = cqn("import", "roster", second, *AS_2019)
    assert r.exit_code == 0, r.output
    assert summary(1, 0, 1, 0, 0) in r.stdout
    assert query("SELECT id FROM person") == ids
    # The number filled in; the phone, empty in the new file, kept.
    assert query("SELECT national_id, phone FROM person") == [(AN_CCCD, "0905123456")]


def test_duplicate_cccd_inside_one_file_names_the_other_line(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    f = roster(
        tmp_path,
        "r.csv",
        f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,",
        f"Trần Thị Bình,1960,Nữ,{BINH_CCCD},Xuân Hà,",
        f"Lê Văn Cường,1948,Nam,{AN_CCCD},Xuân Hà,",
        f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 1
    assert f"{f}:4:4 [Số CCCD]: số CCCD trùng với dòng 2 của cùng tệp" in r.stderr
    assert f"{f}:5:4 [Số CCCD]: số CCCD trùng với dòng 2 của cùng tệp" in r.stderr
    assert "CQN0" not in r.stderr  # nobody of this file exists yet to be named
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_same_person_twice_without_cccd_in_one_file_is_refused(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    f = roster(
        tmp_path,
        "r.csv",
        "Nguyễn Văn An,15/03/1952,Nam,,Xuân Hà,",
        "Nguyễn Văn An,15/03/1952,Nam,,Xuân Hà,0905123456",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 1
    assert f"{f}:3: trùng người ở dòng 2" in r.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_name_matching_ignores_tone_placement_and_unicode_form(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    # Old tone placement "Hoà", precomposed (NFC).
    first = roster(tmp_path, "v1.csv", "Trần Văn Hoà,1950,Nam,,Hòa Khê,")
    assert cqn("import", "roster", first, *AS_2019).exit_code == 0
    # New placement "Hòa", decomposed (NFD), ward written the old way too.
    nfd = unicodedata.normalize("NFD", "Trần Văn Hòa,1950,Nam,,Hoà Khê,0905123456")
    second = roster(tmp_path, "v2.csv", nfd)
    r = cqn("import", "roster", second, *AS_2019)
    assert r.exit_code == 0, r.output
    assert summary(1, 0, 1, 0, 0) in r.stdout
    rows = query("SELECT full_name, ward_id, phone FROM person")
    assert rows == [("Trần Văn Hòa", "tk-hoa-khe", "0905123456")]
    assert unicodedata.is_normalized("NFC", rows[0][0])


def test_cccd_typed_as_a_number_gets_its_leading_zero_back(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    f = roster(tmp_path, "r.csv", f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD[1:]},Xuân Hà,")
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    assert "mất số 0 đầu" in r.stderr
    assert query("SELECT national_id FROM person") == [(AN_CCCD,)]


def test_bad_cccd_is_refused_and_masked(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = roster(tmp_path, "r.csv", "Nguyễn Văn An,15/03/1952,Nam,0480520001,Xuân Hà,")
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 1
    assert f"{f}:2:4 [Số CCCD] '0480****01': số CCCD có 10 chữ số, cần 12" in r.stderr
    assert "0480520001" not in r.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]


# ---- all or nothing -------------------------------------------------------------------------


def test_one_bad_row_writes_nothing(cqn: Run, query: Query, tmp_path: Path) -> None:
    good = roster(tmp_path, "good.csv", f"Trần Thị Bình,1960,Nữ,{BINH_CCCD},Xuân Hà,0914000111")
    assert cqn("import", "roster", good, *AS_2019).exit_code == 0
    before = snapshot(query)
    bad = roster(
        tmp_path,
        "bad.csv",
        f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,",
        f"Trần Thị Bình,1960,Nữ,{BINH_CCCD},Xuân Hà,0935000222",  # an update, also not written
        "Lê Văn Cường,31/02/1948,Nam,,Xuân Hà,",
    )
    r = cqn("import", "roster", bad, *AS_2019)
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert f"{bad}:4:2 [Ngày sinh] '31/02/1948': ngày không tồn tại" in lines
    assert lines[-1] == f"{bad}: 1 dòng lỗi; không ghi gì."
    assert r.stdout == ""
    assert snapshot(query) == before


def test_every_bad_row_is_listed(cqn: Run, query: Query, tmp_path: Path) -> None:
    bad = roster(
        tmp_path,
        "bad.csv",
        "Nguyễn Văn An,15/03/1952,Nam,,Xuân Hà,",
        "Lê Văn Cường,1948,Nữ giới,,Xuân Hà,",
        "Phạm Văn Dũng,1/1/49,Nam,,Xuân Hà,",
        "Võ Văn Em,1950,Nam,,Xuan Haa,",
        "Đỗ Văn Phúc,1951,Nam,,Xuân Hà,12345",
        "Hồ Văn Giang,1952,Nam,,,",
    )
    r = cqn("import", "roster", bad, *AS_2019)
    assert r.exit_code == 1
    for expected in (
        f"{bad}:3:3 [Giới tính] 'Nữ giới': giới tính phải là Nam hoặc Nữ",
        f"{bad}:4:2 [Ngày sinh] '1/1/49': năm chỉ có 2 chữ số",
        f"{bad}:5:5 [Phường] 'Xuan Haa': không có phường 'Xuan Haa'; có phải 'Xuân Hà'?",
        f"{bad}:6:6 [Điện thoại] '*****': số điện thoại không hợp lệ",
        f"{bad}:7:5 [Phường]: bắt buộc, đang để trống",
    ):
        assert expected in r.stderr
    assert r.stderr.splitlines()[-1] == f"{bad}: 5 dòng lỗi; không ghi gì."
    assert query("SELECT count(*) FROM person") == [(0,)]
    assert query("SELECT count(*) FROM import_log") == [(0,)]


def test_row_with_too_many_fields_is_refused(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "r.csv",
        "Họ và tên,Phường\nNguyễn Văn An,Xuân Hà\nTrần Thị Bình,Xuân Hà,thừa\n",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 1
    assert f"{f}:3: dòng có 3 ô, tiêu đề có 2" in r.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]


# ---- --skip-bad --rejects ----------------------------------------------------------------


def test_skip_bad_writes_good_rows_and_rejects_in_cp1258_with_semicolons(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    f = write_csv(
        tmp_path / "in.csv",
        "Họ và tên;Ngày sinh;Giới tính;Phường\n"
        "Nguyễn Văn An;15/03/1952;Nam;Xuân Hà\n"
        "Trần Thị Bình;31/02/1960;Nữ;Xuân Hà\n"
        "Lê Văn Cường;1948;Nam;Xuan Haa\n"
        "Phạm Thị Dung;1955;Nữ;Tam Thuận\n",
        encoding="cp1258",
        newline="\r\n",
    )
    rejects = tmp_path / "rejects.csv"
    r = cqn("import", "roster", f, *AS_2019, "--skip-bad", "--rejects", rejects)
    assert r.exit_code == 0, r.output
    assert summary(4, 2, 0, 0, 2) in r.stdout
    assert query("SELECT full_name, ward_id FROM person ORDER BY id") == [
        ("Nguyễn Văn An", "tk-xuan-ha"),
        ("Phạm Thị Dung", "tk-tam-thuan"),
    ]
    assert log_counts(query) == [("in.csv", 4, 2, 0, 0, 2)]

    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    data = rejects.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # not UTF-8: Windows-1258, like the input
    text = unicodedata.normalize("NFC", data.decode("cp1258"))
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0] == ["Họ và tên", "Ngày sinh", "Giới tính", "Phường", "Lý do"]
    assert [row[:4] for row in table[1:]] == [
        ["Trần Thị Bình", "31/02/1960", "Nữ", "Xuân Hà"],
        ["Lê Văn Cường", "1948", "Nam", "Xuan Haa"],
    ]
    assert table[1][4].startswith("dòng 3: ") and "ngày không tồn tại" in table[1][4]
    assert table[2][4].startswith("dòng 4: ") and "có phải 'Xuân Hà'" in table[2][4]


def test_skip_bad_rejects_in_utf8_with_commas(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "in.csv",
        "Họ và tên,Năm sinh,Phường,Ghi chú\n"
        "Nguyễn Văn An,1952,Xuân Hà,\n"
        'Trần Thị Bình,52,Xuân Hà,"Tổ 3, khối 2"\n',
        bom=True,
    )
    rejects = tmp_path / "out" / "rejects.csv"
    rejects.parent.mkdir()
    r = cqn("import", "roster", f, *AS_2019, "--skip-bad", "--rejects", rejects)
    assert r.exit_code == 0, r.output
    assert query("SELECT full_name FROM person") == [("Nguyễn Văn An",)]
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    data = rejects.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data[3:].decode("utf-8")), delimiter=","))
    assert table[0] == ["Họ và tên", "Năm sinh", "Phường", "Ghi chú", "Lý do"]
    assert len(table) == 2
    assert table[1][:4] == ["Trần Thị Bình", "52", "Xuân Hà", "Tổ 3, khối 2"]
    assert "năm chỉ có 2 chữ số" in table[1][4]


def test_skip_bad_with_not_one_good_row_is_refused_and_writes_the_rejects(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """Every row rejected: nothing to write, so exit 1 as a refused file (a cron job must
    not read it as done), each bad row said, the rejects written to be corrected, no
    import recorded (the same bytes import once fixed). A file of no rows likewise."""
    f = write_csv(
        tmp_path / "in.csv",
        "Họ và tên,Năm sinh,Phường\nNguyễn Văn An,52,Xuân Hà\nTrần Văn Bình,1950,Nowhere\n",
    )
    rejects = tmp_path / "rejects.csv"
    r = cqn("import", "roster", f, *AS_2019, "--skip-bad", "--rejects", rejects, lang="en")
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert [line.split(" ")[0] for line in lines[:2]] == [f"{f}:2:2", f"{f}:3:3"]
    assert lines[2:] == [
        f"{f}: 2 bad row(s); nothing was written.",
        f"Rejected rows written to {rejects}.",
    ]
    table = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8"))))
    assert [row[:3] for row in table[1:]] == [
        ["Nguyễn Văn An", "52", "Xuân Hà"],
        ["Trần Văn Bình", "1950", "Nowhere"],
    ]
    assert query("SELECT count(*) FROM person") == [(0,)]
    assert query("SELECT count(*) FROM import_log") == [(0,)]
    # A dry run says the same, and writes no rejects.
    rejects.unlink()
    dry = cqn("import", "roster", f, *AS_2019, "--skip-bad", "--rejects", rejects, "--dry-run")
    assert dry.exit_code == 1 and not rejects.exists()
    empty = write_csv(tmp_path / "empty.csv", "Họ và tên,Năm sinh,Phường\n")
    none = cqn("import", "roster", empty, *AS_2019, "--skip-bad", "--rejects", rejects)
    assert none.exit_code == 1 and not rejects.exists()
    assert query("SELECT count(*) FROM import_log") == [(0,)]


def test_a_rejected_row_gets_its_reason_not_its_warnings(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """With --skip-bad, a rejected row's warnings (a national id that lost its leading
    zero) are not said beside its reason: it was not imported; a good row's still are."""
    f = write_csv(
        tmp_path / "in.csv",
        "Họ và tên,Năm sinh,Giới tính,Số CCCD,Phường,Nhập ngũ,Xuất ngũ\n"
        "Nguyễn Văn An,1952,Nam,48052000101,Xuân Hà,,\n"
        "Trần Thị Bình,1960,Nữ,48160000202,Nowhere,,\n"  # no such ward
        "Lê Văn Cường,1960,Nam,48060000303,Xuân Hà,1980,1975\n",  # discharged before
    )
    rejects = tmp_path / "rejects.csv"
    r = cqn("import", "roster", f, *AS_2019, "--skip-bad", "--rejects", rejects)
    assert r.exit_code == 0, r.output
    padded = [line for line in r.stderr.splitlines() if "mất số 0 đầu" in line]
    assert padded == [
        f"{f}:2:4 [Số CCCD]: số CCCD mất số 0 đầu (Excel coi nó là một số); đã thêm lại."
    ]
    assert query("SELECT national_id FROM person") == [(AN_CCCD,)]


def test_the_warnings_said_and_counted_are_the_imported_rows_only(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """More rejected rows with a warning than are kept in full (``WARNINGS_DETAILED``),
    then good rows with one: those said, and the number of the rest, are the good rows'
    alone, not what the rejected ones took of the room or the count."""
    from cqn_cli.ingest.rows import WARNINGS_DETAILED

    bad, good = WARNINGS_DETAILED + 100, 200
    lines = ["Họ và tên,Năm sinh,Giới tính,Số CCCD,Phường"]

    def name(i: int) -> str:  # a name of its own for each row (no digits in a name)
        return "Người " + "".join(chr(ord("A") + int(d)) for d in f"{i:04d}").capitalize()

    lines += [f"{name(i)},1950,Nam,4805000{i:04d},Nowhere" for i in range(bad)]
    lines += [f"{name(i)},1950,Nam,4805001{i:04d},Xuân Hà" for i in range(good)]
    f = write_csv(tmp_path / "many.csv", "\n".join(lines) + "\n")
    rejects = tmp_path / "rejects.csv"
    r = cqn("import", "roster", f, *AS_2019, "--skip-bad", "--rejects", rejects, lang="en")
    assert r.exit_code == 0, r.output
    said = [line for line in r.stderr.splitlines() if "leading zeros" in line]
    assert said and all(int(line.split(":")[1]) > bad + 1 for line in said)  # good rows'
    more = next(line for line in r.stderr.splitlines() if line.startswith("… and "))
    assert int(more.split()[2]) + len(said) == good
    assert query("SELECT count(*) FROM person") == [(good,)]


def test_a_big_import_redoes_the_statistics_of_the_tables_it_wrote_only(
    cqn: Run, query: Query, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``ANALYZE_AFTER`` rows written, the planner's statistics of the person table
    (and the audit trail) are redone, and of a table that had none; another table's are
    left as they were (a city's two million marks would take 0.3 s to weigh again)."""
    from cqn_cli.ingest import engine

    monkeypatch.setattr(engine, "ANALYZE_AFTER", 3)
    with sqlite3.connect(db_path) as conn:  # what a table not written keeps
        conn.execute("ANALYZE")
        conn.execute("INSERT INTO sqlite_stat1 VALUES ('attendance', 'attendance_person', '7 1')")
        conn.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'ward'")  # never weighed: now
    f = roster(
        tmp_path,
        "r.csv",
        "Nguyễn Văn An,15/03/1952,Nam,,Xuân Hà,",
        "Trần Văn Bình,1950,Nam,,Xuân Hà,",
        "Lê Văn Cường,1948,Nam,,Tam Thuận,",
    )
    assert cqn("import", "roster", f, *AS_2019).exit_code == 0
    stats = dict(query("SELECT idx, stat FROM sqlite_stat1 WHERE tbl IN ('person', 'attendance')"))
    assert stats["person_ward"] == "3 2"  # three people, in two wards: 1.5 a ward, rounded up
    assert stats["attendance_person"] == "7 1"
    wards = query("SELECT count(*) FROM ward")[0][0]
    assert (f"{wards} 1",) in query(
        "SELECT stat FROM sqlite_stat1 WHERE idx = 'sqlite_autoindex_ward_1'"
    )
    audit = dict(query("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'audit'"))
    assert audit["audit_person"] == "3 1"  # the three people's insert rows


def test_the_reason_of_a_short_row_is_under_its_heading(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """A row cut short (a workbook drops empty cells at a row's end; a CSV one field
    short) still has its reason in the reason column, not in a data column that the
    fixed file would read back as data."""
    f = write_csv(
        tmp_path / "in.csv",
        "Họ và tên,Phường,Ghi chú\nNguyễn Văn An,Xuân Hà,\nTrần Văn Bình,Nowhere\n",
    )
    rejects = tmp_path / "rejects.csv"
    r = cqn("import", "roster", f, *AS_2019, "--skip-bad", "--rejects", rejects)
    assert r.exit_code == 0, r.output
    table = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8")), delimiter=","))
    assert table[0] == ["Họ và tên", "Phường", "Ghi chú", "Lý do"]
    assert table[1][:3] == ["Trần Văn Bình", "Nowhere", ""]
    assert len(table[1]) == 4 and "2" in table[1][3]


def test_skip_bad_without_rejects_is_a_usage_error(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = roster(tmp_path, "r.csv", "Nguyễn Văn An,15/03/1952,Nam,,Xuân Hà,")
    r = cqn("import", "roster", f, *AS_2019, "--skip-bad")
    assert r.exit_code == 2
    assert "--rejects" in r.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_rejects_without_skip_bad_is_a_usage_error(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = roster(tmp_path, "r.csv", "Nguyễn Văn An,31/02/1952,Nam,,Xuân Hà,")
    rejects = tmp_path / "loi.csv"
    r = cqn("import", "roster", f, *AS_2019, "--rejects", rejects, lang="en")
    assert r.exit_code == 2
    assert r.stderr.strip() == (
        "--rejects goes with --skip-bad: without it, one bad row and nothing is written"
        " (no row is rejected on its own)."
    )
    assert not rejects.exists()
    assert query("SELECT count(*) FROM person") == [(0,)]


# ---- --dry-run ---------------------------------------------------------------------------


def test_dry_run_counts_and_writes_nothing(cqn: Run, query: Query, tmp_path: Path) -> None:
    first = roster(
        tmp_path,
        "v1.csv",
        f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,0905123456",
        f"Trần Thị Bình,1960,Nữ,{BINH_CCCD},Xuân Hà,",
    )
    assert cqn("import", "roster", first, *AS_2019).exit_code == 0
    before = snapshot(query)
    second = roster(
        tmp_path,
        "v2.csv",
        f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,0935777888",  # updated
        f"Trần Thị Bình,1960,Nữ,{BINH_CCCD},Xuân Hà,",  # unchanged
        "Lê Văn Cường,1948,Nam,,Xuân Hà,",  # inserted
    )
    r = cqn("import", "roster", second, *AS_2019, "--dry-run")
    assert r.exit_code == 0, r.output
    assert "(thử, không ghi): 3 dòng — sẽ thêm 1, cập nhật 1, không đổi 1, loại 0." in r.stdout
    assert snapshot(query) == before  # no person, no import log

    real = cqn("import", "roster", second, *AS_2019)
    assert real.exit_code == 0, real.output
    assert "giống hệt" not in real.stdout
    assert summary(3, 1, 1, 1, 0) in real.stdout
    assert query("SELECT count(*) FROM person") == [(3,)]
    assert query("SELECT phone FROM person WHERE national_id = ?", (AN_CCCD,)) == [("0935777888",)]


def test_dry_run_with_skip_bad_counts_the_rejected(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = roster(
        tmp_path,
        "r.csv",
        "Nguyễn Văn An,15/03/1952,Nam,,Xuân Hà,",
        "Lê Văn Cường,1948,Nam,,Nowhere,",
    )
    rejects = tmp_path / "rejects.csv"
    r = cqn("import", "roster", f, *AS_2019, "--dry-run", "--skip-bad", "--rejects", rejects)
    assert r.exit_code == 0, r.output
    assert "sẽ thêm 1, cập nhật 0, không đổi 0, loại 1." in r.stdout
    assert query("SELECT count(*) FROM person") == [(0,)]
    assert query("SELECT count(*) FROM import_log") == [(0,)]


def test_dry_run_of_a_bad_file_lists_the_problems(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = roster(tmp_path, "r.csv", "Nguyễn Văn An,31/02/1952,Nam,,Xuân Hà,")
    r = cqn("import", "roster", f, *AS_2019, "--dry-run")
    assert r.exit_code == 1
    assert f"{f}:2:2 [Ngày sinh] '31/02/1952': ngày không tồn tại" in r.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]


# ---- wards --------------------------------------------------------------------------------


def test_ward_option_fills_rows_without_a_ward(cqn: Run, query: Query, tmp_path: Path) -> None:
    no_column = write_csv(tmp_path / "a.csv", "Họ và tên,Năm sinh\nNguyễn Văn An,1952\n")
    r = cqn("import", "roster", no_column, *AS_2019, "--ward", "Xuân Hà")
    assert r.exit_code == 0, r.output
    some_empty = write_csv(
        tmp_path / "b.csv",
        "Họ và tên,Năm sinh,Phường\nTrần Thị Bình,1960,\nLê Văn Cường,1948,Tam Thuận\n",
    )
    r = cqn("import", "roster", some_empty, *AS_2019, "--ward", "20203")
    assert r.exit_code == 0, r.output
    assert query("SELECT full_name, ward_id FROM person ORDER BY id") == [
        ("Nguyễn Văn An", "tk-xuan-ha"),
        ("Trần Thị Bình", "tk-tam-thuan"),
        ("Lê Văn Cường", "tk-tam-thuan"),
    ]


def test_row_without_a_ward_and_no_ward_option_is_refused(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    f = write_csv(tmp_path / "a.csv", "Họ và tên,Năm sinh\nNguyễn Văn An,1952\n")
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [  # once for the file, not once for each row
        f"{f}:1: thiếu cột 'phuong' (Phường, ward): mỗi dòng cần một phường; nếu cả tệp"
        " cùng một phường, ghi --ward 'Tên phường'",
        f"{f}: tệp bị từ chối; không ghi gì.",
    ]
    assert query("SELECT count(*) FROM person") == [(0,)]
    # With --ward, the file is that ward's.
    assert cqn("import", "roster", f, *AS_2019, "--ward", "Xuân Hà").exit_code == 0
    assert query("SELECT ward_id FROM person") == [("tk-xuan-ha",)]
    # A ward column under a heading not known: named, with the --map that reads it.
    khu = write_csv(tmp_path / "k.csv", "Họ và tên,Năm sinh,Khu\nTrần Văn Ba,1950,Tam Thuận\n")
    r = cqn("import", "roster", khu, *AS_2019, lang="en")
    assert r.exit_code == 1
    assert "columns not recognised: Khu; say which is the ward with --map 'Header=phuong'" in (
        r.stderr
    )
    assert cqn("import", "roster", khu, *AS_2019, "--map", "Khu=phuong").exit_code == 0
    assert query("SELECT ward_id FROM person WHERE full_name = 'Trần Văn Ba'") == [
        ("tk-tam-thuan",)
    ]


def ward_of_import(
    cqn: Run, query: Query, tmp_path: Path, ward: str, *opts: str
) -> tuple[Any, ...]:
    f = write_csv(tmp_path / "w.csv", f"Họ và tên,Phường\nNguyễn Văn An,{ward}\n")
    r = cqn("import", "roster", f, *opts)
    assert r.exit_code == 0, r.output
    return query("SELECT w.id, w.code, w.name FROM person p JOIN ward w ON w.id = p.ward_id")[0]


@pytest.mark.parametrize(
    ("written", "as_of", "expected"),
    [
        ("An Khê", "2019-12-31", ("tk-an-khe", "20224", "Phường An Khê")),
        ("An Khê", None, ("dn-an-khe", "20305", "Phường An Khê")),
        ("an khe", "30/06/2025", ("tk-an-khe", "20224", "Phường An Khê")),
        ("An Khê", "01/07/2025", ("dn-an-khe", "20305", "Phường An Khê")),
        # Not in force today: the latest ward that bore the name.
        ("Xuân Hà", None, ("tk-xuan-ha", "20209", "Phường Xuân Hà")),
        ("20209", "2019-12-31", ("tk-xuan-ha", "20209", "Phường Xuân Hà")),
        ("20209", None, ("dn-thanh-khe", "20209", "Phường Thanh Khê")),
        ("20218", "2019-12-31", ("tk-vinh-trung", "20218", "Phường Vĩnh Trung")),
        ("Hoa Khe", "2019-12-31", ("tk-hoa-khe", "20225", "Phường Hòa Khê")),
        ("Phường Hoà Khê", "2019-12-31", ("tk-hoa-khe", "20225", "Phường Hòa Khê")),
        (
            "P. Thanh Khê Đông",
            "2019-12-31",
            ("tk-thanh-khe-dong", "20207", "Phường Thanh Khê Đông"),
        ),
        ("THANH KHÊ", None, ("dn-thanh-khe", "20209", "Phường Thanh Khê")),
    ],
)
def test_ward_written_in_a_file_is_read_at_the_import_date(
    cqn: Run,
    query: Query,
    tmp_path: Path,
    written: str,
    as_of: str | None,
    expected: tuple[str, str, str],
) -> None:
    opts = ("--as-of", as_of) if as_of else ()
    assert ward_of_import(cqn, query, tmp_path, written, *opts) == expected


@pytest.mark.parametrize(
    ("as_of", "ward_id"),
    [
        ("2024-12-31", "tk-vinh-trung"),  # Vĩnh Trung's code, its last day
        ("2025-01-01", "tk-thac-gian"),  # the enlarged Thạc Gián's from its first day…
        ("2025-06-30", "tk-thac-gian"),  # …to its last
        ("2025-07-01", "tk-thac-gian"),  # nobody's since: the latest that bore it
    ],
)
def test_code_20218_in_the_first_half_of_2025_is_thac_gian(
    cqn: Run, query: Query, tmp_path: Path, as_of: str, ward_id: str
) -> None:
    """The reference's trap: 20218 was Vĩnh Trung until 31/12/2024 and is the enlarged
    Thạc Gián from 01/01/2025, which the shipped registry holds as Thạc Gián (20221)."""
    got, _, _ = ward_of_import(cqn, query, tmp_path, "20218", "--as-of", as_of)
    assert got == ward_id


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (None, "không có phường 'Xuan Haa'; có phải 'Xuân Hà'?"),
        ("en", "no ward 'Xuan Haa'; did you mean 'Xuân Hà'?"),
    ],
)
def test_near_miss_ward_gets_did_you_mean(
    cqn: Run, query: Query, tmp_path: Path, lang: str | None, expected: str
) -> None:
    f = write_csv(tmp_path / "w.csv", "Họ và tên,Phường\nNguyễn Văn An,Xuan Haa\n")
    r = cqn("import", "roster", f, *AS_2019, lang=lang)
    assert r.exit_code == 1
    assert f"{f}:2:2 [Phường] 'Xuan Haa': {expected}" in r.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_ward_far_from_any_name_is_refused_without_suggestion(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    f = write_csv(tmp_path / "w.csv", "Họ và tên,Phường\nNguyễn Văn An,Bến Nghé\n")
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 1
    assert "không có phường 'Bến Nghé'" in r.stderr
    assert "có phải" not in r.stderr


# ---- status -----------------------------------------------------------------------------


def test_status_other_than_active_needs_its_date(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "s.csv",
        "Họ và tên,Phường,Trạng thái,Ngày trạng thái\n"
        "Nguyễn Văn An,Xuân Hà,đang sinh hoạt,\n"
        "Trần Văn Hai,Xuân Hà,chuyển đi,\n",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 1
    assert f"{f}:3:4 [Ngày trạng thái]: trạng thái chuyển đi cần ngày trạng thái" in r.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_vietnamese_status_words(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "s.csv",
        "Họ và tên,Phường,Trạng thái,Ngày trạng thái\n"
        "Nguyễn Văn An,Xuân Hà,,\n"
        "Trần Văn Hai,Xuân Hà,Chuyển đi,14/11/2019\n"
        "Lê Văn Ba,Xuân Hà,đã mất,02.05.2019\n",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    assert query("SELECT status, status_since FROM person ORDER BY id") == [
        ("active", None),
        ("moved_out", "2019-11-14"),
        ("deceased", "2019-05-02"),
    ]


# ---- exit codes -------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["31/02/2019", "2019-13-01", "12/31/19", "hôm qua"])
def test_bad_as_of_is_a_usage_error(cqn: Run, query: Query, tmp_path: Path, bad: str) -> None:
    f = write_csv(tmp_path / "r.csv", "Họ và tên,Phường\nNguyễn Văn An,Xuân Hà\n")
    r = cqn("import", "roster", f, "--as-of", bad)
    assert r.exit_code == 2
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_missing_input_file_is_a_command_line_error(cqn: Run, query: Query, tmp_path: Path) -> None:
    r = cqn("import", "roster", tmp_path / "nope.csv")
    assert r.exit_code == 2
    assert "nope.csv" in r.stderr
    assert query("SELECT count(*) FROM import_log") == [(0,)]


def test_database_that_is_not_sqlite_exits_3_with_one_line(tmp_path: Path) -> None:
    db = tmp_path / "garbage.db"
    db.write_bytes(b"This is a spreadsheet, not a database.\n" * 200)
    digest = file_digest(db)
    f = write_csv(tmp_path / "r.csv", "Họ và tên,Phường\nNguyễn Văn An,Xuân Hà\n")
    r = CliRunner().invoke(app, ["--db", str(db), "import", "roster", str(f)])
    assert r.exit_code == 3
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1
    assert str(db) in lines[0]
    assert "Traceback" not in r.output
    assert file_digest(db) == digest  # left as it was


def test_file_with_rejected_rows_can_be_imported_again_once_fixed_elsewhere(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """Skipped rows are not "already imported": the same bytes later bring them in."""
    f = write_csv(
        tmp_path / "in.csv", "Họ và tên,Phường\nNguyễn Văn An,Xuân Hà\nTrần Văn Bình,XH\n"
    )
    rejects = tmp_path / "rejects.csv"
    r = cqn("import", "roster", f, *AS_2019, "--skip-bad", "--rejects", rejects)
    assert r.exit_code == 0, r.output
    assert query("SELECT count(*) FROM person") == [(1,)]
    assert cqn("ward", "alias", "Xuân Hà", "XH", *AS_2019).exit_code == 0
    again = cqn("import", "roster", f, *AS_2019)
    assert again.exit_code == 0, again.output
    assert query("SELECT full_name, ward_id FROM person ORDER BY id") == [
        ("Nguyễn Văn An", "tk-xuan-ha"),
        ("Trần Văn Bình", "tk-xuan-ha"),
    ]


def test_same_roster_sent_again_on_todays_map_matches_everybody(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """A 2019 roster re-sent in 2026 names "An Khê", now ward 20305: same people, no duplicates."""
    sample = SAMPLE / "roster" / "09-an-khe.csv"
    assert cqn("import", "roster", sample, *AS_2019).exit_code == 0
    # Everything but the digest of the row that last set each person (read on another map now).
    held = "SELECT * FROM person ORDER BY id"
    before = [row[:-1] for row in query(held)]
    assert query("SELECT name FROM pragma_table_info('person') ORDER BY cid DESC LIMIT 1") == [
        ("roster_digest",)
    ]
    without_cccd = query("SELECT count(*) FROM person WHERE national_id IS NULL")[0][0]
    assert without_cccd > 0
    again = cqn("import", "roster", sample, "--force")  # read on today's map
    assert again.exit_code == 0, again.output
    assert "thêm 0," in again.stdout
    # Nobody added, nobody moved to the new ward: the 2019 ward is the finer one.
    assert [row[:-1] for row in query(held)] == before
    assert query("SELECT DISTINCT ward_id FROM person") == [("tk-an-khe",)]


def test_roster_typed_on_todays_map_then_sent_dated_2019_matches_everybody(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """The other way round: imported first without --as-of (An Khê read as today's 20305),
    then corrected with --as-of 2019: the same people, now in the finer 2019 ward."""
    sample = SAMPLE / "roster" / "09-an-khe.csv"
    rows = SAMPLE_FILES["09-an-khe.csv"][0]
    assert cqn("import", "roster", sample).exit_code == 0
    assert query("SELECT DISTINCT ward_id FROM person") == [("dn-an-khe",)]
    without_cccd = query("SELECT count(*) FROM person WHERE national_id IS NULL")[0][0]
    assert without_cccd > 0  # those matched by name, birth date and ward
    again = cqn("import", "roster", sample, *AS_2019)
    assert again.exit_code == 0, again.output
    assert f"thêm 0, cập nhật {rows}," in again.stdout
    assert "có thể trùng" not in again.stderr
    assert query("SELECT count(*), count(DISTINCT ward_id), min(ward_id) FROM person") == [
        (rows, 1, "tk-an-khe")
    ]
    # And sent once more on today's map: nobody changes, the finer ward is kept.
    third = cqn("import", "roster", sample, "--force")
    assert third.exit_code == 0, third.output
    assert f"thêm 0, cập nhật 0, không đổi {rows}," in third.stdout
    assert query("SELECT DISTINCT ward_id FROM person") == [("tk-an-khe",)]


def test_a_2019_row_is_the_person_held_in_the_ward_it_became_part_of(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """Held in today's phường Thanh Khê; a 2019 file names him in Hòa Khê, which became
    part of it: the same man, moved into the finer ward. Two namesakes in two 2019 wards
    that both became part of it cannot both be him: the second is refused, pointing to
    the first (a national id would tell them apart), and nothing is written."""
    now = write_csv(
        tmp_path / "now.csv", "Họ và tên,Ngày sinh,Phường\nNguyễn Văn Hùng,1955,Thanh Khê\n"
    )
    assert cqn("import", "roster", now).exit_code == 0
    assert query("SELECT id, ward_id FROM person") == [(1, "dn-thanh-khe")]
    two = write_csv(
        tmp_path / "two.csv",
        "Họ và tên,Ngày sinh,Phường\n"
        "Nguyễn Văn Hùng,1955,Hòa Khê\n"
        "Nguyễn Văn Hùng,1955,Thanh Khê Đông\n",
    )
    refused = cqn("import", "roster", two, *AS_2019)
    assert refused.exit_code == 1
    assert f"{two}:3: là người mà dòng 2 vừa đổi họ tên hoặc phường" in refused.stderr
    assert query("SELECT id, ward_id FROM person") == [(1, "dn-thanh-khe")]
    one = write_csv(
        tmp_path / "one.csv", "Họ và tên,Ngày sinh,Phường\nNguyễn Văn Hùng,1955,Hòa Khê\n"
    )
    r = cqn("import", "roster", one, *AS_2019)
    assert r.exit_code == 0, r.output
    assert "thêm 0, cập nhật 1," in r.stdout
    assert query("SELECT id, ward_id FROM person") == [(1, "tk-hoa-khe")]


def test_two_2019_namesakes_with_their_numbers_are_the_held_man_and_someone_new(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """As above, the second row with a national id (the first with one or none): the
    first is the man held (no number yet: his arrives now, or not), the second, of a
    number, someone else, though a namesake of who the first row changed. Without a
    number, the second may be him: refused, as above."""
    held = "Họ và tên,Ngày sinh,Phường\nNguyễn Văn Hùng,1955,Thanh Khê\n"
    first, second = "048055000101", "048055000202"
    for i, numbers in enumerate(((first, second), ("", second), (first, ""))):
        db = ("--db", str(tmp_path / f"{i}.db"))
        assert cqn(*db, "init").exit_code == 0
        assert cqn(*db, "import", "roster", write_csv(tmp_path / "now.csv", held)).exit_code == 0
        two = write_csv(
            tmp_path / f"two-{i}.csv",
            "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường\n"
            f"Nguyễn Văn Hùng,1955,Nam,{numbers[0]},Hòa Khê\n"
            f"Nguyễn Văn Hùng,1955,Nam,{numbers[1]},Thanh Khê Đông\n",
        )
        r = cqn(*db, "import", "roster", two, *AS_2019)
        if numbers[1] == "":  # the second, with no number, may be the man the first changed
            assert r.exit_code == 1, r.output
            continue
        assert r.exit_code == 0, r.output
        assert "thêm 1, cập nhật 1," in r.stdout
        people = sqlite3.connect(tmp_path / f"{i}.db").execute(
            "SELECT id, ward_id, national_id FROM person ORDER BY id"
        )
        assert people.fetchall() == [
            (1, "tk-hoa-khe", numbers[0] or None),
            (2, "tk-thanh-khe-dong", second),
        ]


def test_a_number_written_in_the_ward_its_holders_became_part_of_keeps_the_finer(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """Held by national id in Hòa Khê (2019). A 2019 row of that number written in
    today's Thanh Khê (in force only from 01/07/2025, which Hòa Khê became part of) is
    him where he was: the finer ward is kept. Written in Thanh Khê Đông, a ward of its
    own in 2019 (Hòa Khê joined it only in 2025), he moved: the row's ward is taken."""
    header = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường\n"
    row = "Nguyễn Văn Hùng,1955,Nam,048055000101,{}\n"
    for i, (ward, held) in enumerate(
        (
            ("Hòa Khê", "tk-hoa-khe"),
            ("Thanh Khê", "tk-hoa-khe"),
            ("Thanh Khê Đông", "tk-thanh-khe-dong"),
        )
    ):
        f = write_csv(tmp_path / f"{i}.csv", header + row.format(ward))
        r = cqn("import", "roster", f, *AS_2019)
        assert r.exit_code == 0, r.output
        assert query("SELECT id, ward_id FROM person") == [(1, held)], ward


def test_namesakes_of_two_2019_wards_merged_later_stay_two_people(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    f = write_csv(
        tmp_path / "two.csv",
        "Họ và tên,Ngày sinh,Phường\n"
        "Nguyễn Văn Hùng,1955,Hòa Khê\n"
        "Nguyễn Văn Hùng,1955,Thanh Khê Đông\n",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 0, r.output
    assert query("SELECT ward_id FROM person ORDER BY id") == [
        ("tk-hoa-khe",),
        ("tk-thanh-khe-dong",),
    ]
    # On today's map both are phường Thanh Khê: the second is reported as a possible duplicate.
    assert "có thể trùng" in r.stderr


def test_same_bytes_read_another_way_are_another_import(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """One workbook, one sheet per ward: each --sheet is its own import, not a no-op."""
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    first.title = "Xuân Hà"
    first.append(["Họ và tên", "Ngày sinh"])
    first.append(["Nguyễn Văn An", "1952"])
    second = wb.create_sheet("An Khê")
    second.append(["Họ và tên", "Ngày sinh"])
    second.append(["Trần Văn Bình", "1960"])
    book = tmp_path / "wards.xlsx"
    wb.save(book)
    a = cqn("import", "roster", book, "--sheet", "Xuân Hà", "--ward", "Xuân Hà", *AS_2019)
    b = cqn("import", "roster", book, "--sheet", "An Khê", "--ward", "An Khê", *AS_2019)
    assert (a.exit_code, b.exit_code) == (0, 0), b.output
    assert query("SELECT full_name, ward_id FROM person ORDER BY id") == [
        ("Nguyễn Văn An", "tk-xuan-ha"),
        ("Trần Văn Bình", "tk-an-khe"),
    ]
    # The very same command again is the no-op.
    again = cqn("import", "roster", book, "--sheet", "An Khê", "--ward", "An Khê", *AS_2019)
    assert "giống hệt" in again.stdout
    assert query("SELECT count(*) FROM import_log") == [(2,)]


def test_a_status_date_before_birth_is_refused(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "s.csv",
        "Họ và tên,Ngày sinh,Phường,Trạng thái,Ngày trạng thái\n"
        "Nguyễn Văn An,1950,Xuân Hà,đã mất,01/01/1940\n",
    )
    r = cqn("import", "roster", f, *AS_2019)
    assert r.exit_code == 1
    assert f"{f}:2:5 [Ngày trạng thái] '01/01/1940': ngày trạng thái trước ngày sinh" in r.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_of_several_files_each_stands_alone_and_exit_1_says_one_was_refused(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    a = write_csv(tmp_path / "a.csv", "Họ và tên,Năm sinh,Phường\nNguyễn Văn An,1952,Xuân Hà\n")
    b = write_csv(tmp_path / "b.csv", "Họ và tên,Năm sinh,Phường\nLê Văn Tư,31/02/1950,Xuân Hà\n")
    r = cqn("import", "roster", a, b, *AS_2019)
    assert r.exit_code == 1  # like cp with several files: the others done, the failure said
    assert query("SELECT full_name FROM person") == [("Nguyễn Văn An",)]
    assert query("SELECT file_name FROM import_log") == [("a.csv",)]
    assert r.stderr.splitlines()[-1] == (
        "1/2 tệp bị từ chối (không ghi gì của các tệp đó); các tệp khác đã nhập"
        " như từng dòng trên ghi."
    )
    alone = cqn("import", "roster", b, *AS_2019)  # one file: its own line says it all
    assert alone.exit_code == 1 and "tệp bị từ chối (" not in alone.stderr


def test_dry_run_over_several_files_sees_the_earlier_ones_and_writes_nothing(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    a = write_csv(tmp_path / "a.csv", "Họ và tên,Năm sinh,Phường\nNguyễn Văn An,1952,Xuân Hà\n")
    b = write_csv(
        tmp_path / "b.csv",
        "Họ và tên,Năm sinh,Phường\nNguyễn Văn An,1952,Xuân Hà\nLê Văn Tư,31/02/1950,Xuân Hà\n",
    )
    c = write_csv(tmp_path / "c.csv", "Họ và tên,Năm sinh,Phường\nTrần Văn Ba,1953,Xuân Hà\n")
    r = cqn("import", "roster", a, b, c, *AS_2019, "--dry-run")
    assert r.exit_code == 1  # b is refused
    lines = r.stdout.splitlines()
    assert "sẽ thêm 1, cập nhật 0, không đổi 0" in lines[0]  # a
    assert str(b) in r.stderr and "31/02/1950" in r.stderr
    assert "sẽ thêm 1, cập nhật 0, không đổi 0" in lines[1]  # c, after the refused b
    assert query("SELECT count(*) FROM person") == [(0,)]
    assert query("SELECT count(*) FROM import_log") == [(0,)]
    # Without b's bad row, b's An is seen as a's An: unchanged, not a second person.
    b.write_text("Họ và tên,Năm sinh,Phường\nNguyễn Văn An,1952,Xuân Hà\n", encoding="utf-8")
    again = cqn("import", "roster", a, b, *AS_2019, "--dry-run")
    assert "sẽ thêm 0, cập nhật 0, không đổi 1" in again.stdout.splitlines()[1]
    assert query("SELECT count(*) FROM person") == [(0,)]


def _others(n: int) -> str:
    """``n`` rows of different people (name and birth date) in another ward."""
    middles, givens = ("Văn", "Đức", "Minh", "Quốc", "Hữu"), ("An", "Bình", "Cường", "Dũng", "Hải")
    people = [(m, g, day) for m in middles for g in givens for day in range(1, 366)]
    born = [dt.date(1950, 1, 1) + dt.timedelta(days=d) for _, _, d in people[:n]]
    return "".join(
        f"Lê {m} {g},{day:%d/%m/%Y},Nam,,Xuân Hà\n"
        for (m, g, _), day in zip(people[:n], born, strict=True)
    )


@pytest.mark.parametrize("between", [0, 2500])  # 2500 rows: the change is written meanwhile
@pytest.mark.parametrize(
    "change",
    [
        "Trần Thị Bính,01/02/1965,Nữ,048165000123,An Khê",  # renamed
        "Trần Thị Bình,01/02/1965,Nữ,048165000123,Chính Gián",  # moved
    ],
)
def test_a_person_renamed_or_moved_by_a_row_is_still_them_later_in_the_file(
    cqn: Run, query: Any, tmp_path: Path, change: str, between: int
) -> None:
    """Row 2 renames (or moves) a held person by their CCCD; a later row written as they
    were held, without CCCD, is the same person again: refused, not a second person."""
    head = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường\n"
    held = "Trần Thị Bình,01/02/1965,Nữ,048165000123,An Khê\n"
    base = write_csv(tmp_path / "base.csv", head + held)
    assert cqn("import", "roster", base, "--as-of", "31/12/2019").exit_code == 0
    again = "Trần Thị Bình,01/02/1965,Nữ,,An Khê\n"
    path = write_csv(tmp_path / "ds.csv", head + change + "\n" + _others(between) + again)
    before = query("SELECT id, full_name, ward_id FROM person")
    r = cqn("import", "roster", path, "--as-of", "31/12/2019")
    assert r.exit_code == 1
    assert f"ds.csv:{3 + between}: là người mà dòng 2 vừa đổi họ tên hoặc phường" in r.output
    assert query("SELECT id, full_name, ward_id FROM person") == before  # nothing written


def test_someone_new_under_a_name_the_file_just_changed_is_added_without_a_false_warning(
    cqn: Run, query: Any, tmp_path: Path
) -> None:
    """Row 2 renames Bình (by CCCD) to Bính; row 3 is another Bình with her own CCCD: a
    new person, and no "possible duplicate" of Bính, who no longer bears the name."""
    head = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường\n"
    base = write_csv(
        tmp_path / "base.csv", head + "Trần Thị Bình,01/02/1965,Nữ,048165000123,An Khê\n"
    )
    assert cqn("import", "roster", base, "--as-of", "31/12/2019").exit_code == 0
    rows = (
        "Trần Thị Bính,01/02/1965,Nữ,048165000123,An Khê\n"
        "Trần Thị Bình,01/02/1965,Nữ,048165000999,An Khê\n"
    )
    r = cqn(
        "import", "roster", write_csv(tmp_path / "ds.csv", head + rows), "--as-of", "31/12/2019"
    )
    assert r.exit_code == 0, r.output
    assert "có thể trùng" not in r.output
    held = query("SELECT full_name, national_id FROM person ORDER BY id")
    assert held == [("Trần Thị Bính", "048165000123"), ("Trần Thị Bình", "048165000999")]


# ---- a big first import: rows read and checked by a second process ------------------------

# Rows of every kind an import says something about, in one file: good ones, a namesake
# (warned), a number typed short (warned), one that disagrees with the gender (warned), a
# ward nobody knows, a bad date, a number twice, a row too long, a status without its
# date, an empty row, a person twice without a number.
MIXED = (
    "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường,Trạng thái,Ngày trạng thái\n"
    f"Nguyễn Văn An,15/03/1952,Nam,{AN_CCCD},Xuân Hà,,\n"
    f"Trần Thị Bình,1960,Nữ,{BINH_CCCD},Xuân Hà,,\n"
    "Nguyễn Văn An,20/05/1958,Nam,,Xuân Hà,,\n"
    "Lê Văn Cường,1950,Nam,48050000303,An Khê,,\n"
    "Phạm Thị Dung,1955,Nữ,048055000404,An Khê,,\n"
    "Võ Văn Em,1956,Nam,,Xuân Hòa Bình,,\n"
    "Đỗ Văn Phúc,31/02/1957,Nam,,An Khê,,\n"
    f"Hồ Văn Giang,1958,Nam,{AN_CCCD},An Khê,,\n"
    "Lý Văn Hải,1959,Nam,,An Khê,,,thừa\n"
    "Mai Văn Ích,1961,Nam,,An Khê,chuyển đi,\n"
    ",,,,,,\n"
    "Ngô Văn Khánh,1962,Nam,,Thạc Gián,,\n"
    "Ngô Văn Khánh,1962,Nam,,Thạc Gián,,\n"
)


# Who is who in an import into an empty table: namesakes with and without numbers,
# a number twice, a person twice, one name for two numbered people and a third without.
FIRST_IMPORT = MIXED + (
    "Trần Văn Tâm,1950,Nam,048050000111,Xuân Hà,,\n"
    "Trần Văn Tâm,1950,Nam,048050000222,Xuân Hà,,\n"
    "Trần Văn Tâm,1950,Nam,,Xuân Hà,,\n"
    "Trần Văn Tâm,1951,Nam,,Xuân Hà,,\n"
    "Trần Văn Tâm,1952,Nam,048052000333,Xuân Hà,,\n"
    "Trần Văn Tám,1950,Nam,048050000222,Xuân Hà,,\n"
    "Trần Văn Tâm,1951,Nam,,Xuân Hà,,\n"
    "Nguyễn Văn An,20/05/1958,Nam,048058000777,Thanh Khê Đông,,\n"
    "Nguyễn Văn An,1949,Nam,,Tam Thuận,,\n"
    "Trần Văn Tâm,03/1950,Nam,048050000999,Xuân Hà,,\n"
)


@pytest.mark.parametrize("where", ["here", "apart"])
def test_an_import_into_an_empty_table_asks_only_what_someone_added_may_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, where: str
) -> None:
    """Into an empty table everyone held is someone this import added: a row that none
    of the rows before it can be the person or a namesake of (``people.AddedKeys``) is
    not looked up at all. Said and written the same as when every row is looked up (a
    filter that says "maybe" to every row), batches written every three rows so that
    the database answers; the rows checked in this process or in a second one."""
    from cqn_cli import people
    from cqn_cli.ingest import roster as loader

    parsed_here = request.getfixturevalue("apart") if where == "apart" else None
    monkeypatch.setattr(loader, "BATCH", 3)
    f = write_csv(tmp_path / "ds.csv", FIRST_IMPORT)
    outcome, asked = {}, {}
    for way in ("filter", "every row"):
        if way == "every row":
            monkeypatch.setattr(people.AddedKeys, "taken", lambda self, *keys: True)
        queries = calls_to(monkeypatch, lambda *a: a, (people, "_lookup_sql"))
        outcome[way] = skipping_bad(tmp_path, way, f)
        asked[way] = len(queries)
    assert outcome["every row"] == outcome["filter"]
    code, stdout, stderr, _, rejected = outcome["every row"]
    assert code == 0 and "22 dòng — thêm 13, cập nhật 0, không đổi 0, loại 9." in stdout
    warned = {w.split(":")[1]: w for w in stderr.splitlines() if w.startswith(f"{f}:")}
    assert "CQN000007 Trần Văn Tâm, CQN000008 Trần Văn Tâm (cùng họ tên" in warned["18"]
    assert "có thể trùng với CQN000009 Trần Văn Tâm (" in warned["19"]  # the one unnumbered
    assert "có thể trùng với CQN000003 Nguyễn Văn An (" in warned["22"]  # Thanh Khê today
    # Another number, born as they were (1950): a mistyped number? Not 1952's.
    three = "CQN000007 Trần Văn Tâm, CQN000008 Trần Văn Tâm, CQN000009 Trần Văn Tâm ("
    assert three in warned["24"]
    assert "dòng 17: khớp nhiều người: CQN000007 Trần Văn Tâm, CQN000008 Trần Văn Tâm" in rejected
    assert "dòng 20: [Số CCCD]: số CCCD trùng với dòng 16 của cùng tệp" in rejected
    assert "dòng 21: trùng người ở dòng 18" in rejected
    assert asked["every row"] > asked["filter"] > 0, asked  # the database asked less, not never
    assert parsed_here in (None, [])  # apart: every row read by the other process


@pytest.mark.parametrize("where", ["here", "apart"])
def test_a_first_import_without_its_index_on_names_finds_whom_it_wrote_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, where: str
) -> None:
    """Into an empty table the index on names is left out until the import's end, and
    the people written are found by the ids it kept under their names: said, refused and
    written exactly as with the index grown row by row, and as when the table outgrows
    ``SORT_LIMIT`` halfway (the index built then, and asked from then on). Batches of
    three rows, so that most people are asked of the database, not of those pending."""
    from cqn_cli import people
    from cqn_cli.ingest import roster as loader
    from cqn_cli.ingest import rows as rows_module

    if where == "apart":
        request.getfixturevalue("apart")
    monkeypatch.setattr(loader, "BATCH", 3)
    monkeypatch.setattr(people.AddedKeys, "taken", lambda self, *keys: True)  # all asked
    f = write_csv(tmp_path / "ds.csv", FIRST_IMPORT)
    outcome, asked, left = {}, {}, {}
    for way in ("grown", "left out", "built halfway"):
        with monkeypatch.context() as m:
            if way == "grown":
                m.setattr(people.PersonIndex, "keep_names", lambda self: None)
                m.setattr(loader, "_BY_NAME", "no_such_index")
            if way == "built halfway":
                m.setattr(loader, "SORT_LIMIT", 5)  # built with the third batch
            queries = calls_to(m, lambda *a: a, (people, "_lookup_sql"))
            left[way] = calls_to(m, lambda db, kind, name: name, (rows_module, "left_out"))
            outcome[way] = skipping_bad(tmp_path, way, f)
            asked[way] = [by_ids for _, _, *by_ids in queries]
            conn = sqlite3.connect(tmp_path / f"{way}.db")
            index = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'person_identity'")
            assert index.fetchone() is not None, way  # there after it, whichever way
            conn.close()
    assert outcome["left out"] == outcome["grown"] == outcome["built halfway"]
    assert outcome["grown"][0] == 0
    assert "person_identity" not in left["grown"]
    assert "person_identity" in left["left out"] and "person_identity" in left["built halfway"]
    assert asked["grown"] and not any(by in ([True], (True,)) for by in asked["grown"])
    assert asked["left out"] and all(by in ([True], (True,)) for by in asked["left out"])
    halfway = [by in ([True], (True,)) for by in asked["built halfway"]]
    assert True in halfway and False in halfway  # by ids, then by the index once built
    assert halfway.index(False) > halfway.count(True) - 1  # no turning back


def skipping_bad(tmp_path: Path, name: str, f: Path) -> tuple[Any, ...]:
    """``f`` imported with ``--skip-bad`` into ``NAME.db`` (rejects in ``NAME.csv``):
    its exit code, what it said, what it wrote and what it rejected."""
    db, rejects = tmp_path / f"{name}.db", tmp_path / f"{name}.csv"
    r = import_on(db, "roster", f, *AS_2019, "--skip-bad", "--rejects", rejects)
    return (
        r.exit_code,
        r.stdout,
        r.stderr.replace(str(rejects), "…"),
        written(db),
        rejects.read_text(encoding="utf-8"),
    )


def import_on(db: Path, *args: Any) -> Any:
    """``cqn --db DB import …`` on a database of its own (``init`` first)."""
    runner = CliRunner()
    if not db.exists():
        assert runner.invoke(app, ["--db", str(db), "init"]).exit_code == 0
    return runner.invoke(app, ["--db", str(db), "import", *map(str, args)])


def written(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What an import wrote, but for what differs by nature from one import to another
    (the uid of a person, the time of day)."""
    conn = sqlite3.connect(db)
    try:
        return {
            "person": conn.execute(
                "SELECT id, full_name, birth_date, gender, national_id, ward_id, status,"
                " status_since, roster_digest IS NOT NULL FROM person ORDER BY id"
            ).fetchall(),
            "audit": conn.execute(
                "SELECT entity, entity_key, person_id, action, changes FROM audit ORDER BY id"
            ).fetchall(),
            "log": conn.execute(
                "SELECT rows, inserted, updated, rejected FROM import_log"
            ).fetchall(),
        }
    finally:
        conn.close()


@pytest.fixture
def apart(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Any roster file is read and checked by a second process (on two cores, as forked
    here); the lines parsed in this one are listed."""
    return read_apart(monkeypatch)


def read_apart(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """See ``apart``."""
    import os

    from cqn_cli.ingest import engine
    from cqn_cli.ingest.rows import RowLoader

    if sys.platform != "linux":
        pytest.skip("a second process is forked on Linux only")
    monkeypatch.setattr(engine, "APART_BYTES", 0)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    return calls_to(monkeypatch, lambda loader, line, cells: line, (RowLoader, "parse"))


def test_the_pipe_between_the_two_processes_holds_a_megabyte_where_linux_allows(
    apart: list[int],
) -> None:
    import fcntl
    import multiprocessing

    from cqn_cli.ingest import engine

    receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
    with receiving, sending:
        size = getattr(fcntl, "F_GETPIPE_SZ", 1032)
        assert fcntl.fcntl(sending.fileno(), size) < engine.PIPE_BYTES  # 64 KiB at first
        engine._widen(sending)
        if int(Path("/proc/sys/fs/pipe-max-size").read_text()) >= engine.PIPE_BYTES:
            assert fcntl.fcntl(sending.fileno(), size) == engine.PIPE_BYTES


def test_rows_go_between_the_processes_by_marshal_and_anything_else_by_pickle() -> None:
    from cqn_cli.errors import RowProblem
    from cqn_cli.ingest import engine

    plain = [(2, [], [None, None, "lê văn an", "Lê Văn An", 1950, 0, 1.5, True]), None]
    refused = [(3, [RowProblem(3, 1, "x", "ABC", "row.cccd_bad", {"n": 1})], None)]
    for batch, how in ((plain, b"M"), (refused, b"P"), (("error", ValueError("x")), b"P")):
        packed = engine._packed(batch)
        assert packed[:1] == how
        back = engine._unpacked(packed)
        assert repr(back) == repr(batch)  # an exception is equal only to itself


@pytest.mark.parametrize("how", [(), ("--skip-bad", "--rejects", "REJECTS")], ids=["all", "skip"])
def test_a_big_first_import_checked_by_a_second_process_says_and_writes_the_same(
    tmp_path: Path, apart: list[int], monkeypatch: pytest.MonkeyPatch, how: tuple[str, ...]
) -> None:
    from cqn_cli.ingest import engine

    f = write_csv(tmp_path / "ds.csv", MIXED)
    outcome = {}
    for name in ("apart", "here"):
        if name == "here":
            monkeypatch.setattr(engine, "APART_BYTES", 1 << 60)
        (tmp_path / name).mkdir()
        rejects = tmp_path / name / "rejects.csv"  # named alike: said alike
        opts = [str(rejects) if o == "REJECTS" else o for o in how]
        r = import_on(tmp_path / name / "a.db", "roster", f, *AS_2019, *opts)
        outcome[name] = (
            r.exit_code,
            r.stdout,
            r.stderr.replace(str(tmp_path / name), "…"),
            written(tmp_path / name / "a.db"),
            rejects.read_bytes() if rejects.exists() else None,
        )
        if name == "apart":
            assert apart == []  # every row was parsed in the other process
    assert outcome["apart"] == outcome["here"]
    code, stdout, stderr, db, rejected = outcome["apart"]
    assert code == (0 if how else 1)
    said = (stdout + stderr).splitlines()
    problems = [
        (7, "không có phường 'Xuân Hòa Bình'"),
        (8, "ngày không tồn tại"),
        (9, "trùng với dòng 2"),
        (10, "dòng có 8 ô, tiêu đề có 7"),
        (11, "cần ngày trạng thái"),
        (14, "trùng người ở dòng 13"),
    ]
    warnings = [(4, "có thể trùng với CQN000001"), (5, "đã thêm lại"), (6, "không khớp giới tính")]
    for line, what in warnings + problems if how else problems:
        assert any(s.startswith(f"{f}:{line}") and what in s for s in said) or (
            how and (line, what) in problems and what in rejected.decode("utf-8")
        ), what
    if how:
        assert db["log"] == [(12, 6, 0, 6)]
        assert [p[1] for p in db["person"]] == [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Nguyễn Văn An",
            "Lê Văn Cường",
            "Phạm Thị Dung",
            "Ngô Văn Khánh",
        ]
    else:
        assert db["person"] == [] and db["log"] == []


@pytest.mark.parametrize("where", ["here", "apart"])
def test_a_first_import_grows_its_indexes_as_it_writes_while_a_second_process_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Read here, a first roster leaves the indexes it does not look people up by out,
    and builds them whole at its end; read by a second process, it grows them as it
    writes (while it waits for rows: at its end it would not). Either way the index on
    names is left out (into an empty table, the import knows by name whom it wrote),
    and the same indexes are there after it."""
    from cqn_cli.ingest import rows as rows_module

    if where == "apart":
        read_apart(monkeypatch)
    left = calls_to(monkeypatch, lambda db, kind, name: name, (rows_module, "left_out"))
    lines = "".join(f"Người {spelled(i)},1950,Nam,,Xuân Hà,,\n" for i in range(1, 40))
    f = write_csv(tmp_path / "ds.csv", MIXED.splitlines()[0] + "\n" + lines)
    assert import_on(tmp_path / "a.db", "roster", f, *AS_2019).exit_code == 0
    assert left == (
        ["person_identity"]
        if where == "apart"
        else ["person_roster", "person_ward", "person_uid", "person_identity"]
    )
    conn = sqlite3.connect(tmp_path / "a.db")
    try:
        indexes = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'person'"
            " AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
        count = conn.execute("SELECT count(*) FROM person").fetchone()[0]
    finally:
        conn.close()
    assert [i[0] for i in indexes] == [
        "person_identity", "person_roster", "person_uid", "person_ward"
    ]  # fmt: skip
    assert count == 39


def test_a_file_unreadable_halfway_is_refused_alike_by_a_second_process(
    tmp_path: Path, apart: list[int]
) -> None:
    rows = "".join(f"Người {spelled(i)},1950,Nam,,Xuân Hà,,\n" for i in range(1, 6))
    f = write_csv(tmp_path / "ds.csv", MIXED.splitlines()[0] + "\n" + rows + 'Sai,"1950\n')
    r = import_on(tmp_path / "a.db", "roster", f, *AS_2019)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0].startswith(f"{f}:7:")
    assert written(tmp_path / "a.db")["person"] == []
    assert apart == []  # the refusal came from the other process


def test_an_import_interrupted_leaves_no_second_process_behind(
    tmp_path: Path, apart: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    from cqn_cli.ingest.roster import RosterLoader

    def interrupted(loader: Any, line: int, checked: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(RosterLoader, "take", interrupted)
    rows = "".join(f"Người {spelled(i)},1950,Nam,,Xuân Hà,,\n" for i in range(1, 3000))
    f = write_csv(tmp_path / "ds.csv", MIXED.splitlines()[0] + "\n" + rows)
    r = import_on(tmp_path / "a.db", "roster", f, *AS_2019)
    assert r.exit_code != 0
    assert multiprocessing.active_children() == []
    assert written(tmp_path / "a.db")["person"] == []


def test_an_import_that_may_know_rows_again_reads_them_itself(
    tmp_path: Path, apart: list[int]
) -> None:
    """Once the roster holds rows imported before, an unchanged row is known from its
    digest and not read at all: no second process reads every row instead."""
    f = write_csv(tmp_path / "ds.csv", MIXED.splitlines()[0] + "\n" + MIXED.splitlines()[1] + "\n")
    assert import_on(tmp_path / "a.db", "roster", f, *AS_2019).exit_code == 0
    assert apart == []
    assert (
        import_on(
            tmp_path / "a.db",
            "roster",
            write_csv(tmp_path / "b.csv", MIXED),
            *AS_2019,
            "--skip-bad",
            "--rejects",
            tmp_path / "r.csv",
        ).exit_code
        == 0
    )
    assert apart == [3, 4, 5, 6, 7, 8, 9, 11, 13, 14]  # line 2 known unchanged; 10 too long


class _Unsendable(Exception):
    def __init__(self, what: str, detail: int) -> None:  # pickled as (what,): lost
        super().__init__(what)
        self.detail = detail


@pytest.mark.parametrize("fault", [ValueError("boom"), _Unsendable("boom", 7)])
def test_a_fault_while_preparing_rows_apart_stops_the_import_as_it_would_here(
    tmp_path: Path, apart: list[int], monkeypatch: pytest.MonkeyPatch, fault: Exception
) -> None:
    """The rows sent before the fault are taken; the fault is raised after them; nothing
    is written."""
    import multiprocessing

    from cqn_cli.ingest import engine, roster
    from cqn_cli.ingest.roster import RosterLoader

    monkeypatch.setattr(engine, "PREPARED_BATCH", 2)  # rows 2-3, 4-5 (the fault), 6-7, …
    real = roster.name_keys

    def failing(name: str) -> Any:  # of every row, however its batch is prepared
        if name == f"Người {spelled(4)}":  # line 5
            raise fault
        return real(name)

    monkeypatch.setattr(roster, "name_keys", failing)
    taken = calls_to(monkeypatch, lambda loader, line, checked: line, (RosterLoader, "take"))
    rows = "".join(f"Người {spelled(i)},1950,Nam,,Xuân Hà,,\n" for i in range(1, 9))
    f = write_csv(tmp_path / "ds.csv", MIXED.splitlines()[0] + "\n" + rows)
    r = import_on(tmp_path / "a.db", "roster", f, *AS_2019)
    assert r.exit_code != 0
    assert "boom" in r.output or "boom" in repr(r.exception)
    assert taken == [2, 3]  # the rows sent before it, and no other
    assert multiprocessing.active_children() == []
    assert written(tmp_path / "a.db")["person"] == []


@pytest.mark.parametrize("two_processes", [False, True])
def test_a_person_added_against_the_tables_checks_refuses_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_processes: bool
) -> None:
    """The people an import adds are weighed against the person table's CHECK
    constraints once they are all in, not one by one: a row made against them (which
    only a bug could make, each value being checked) is found there all the same, and
    the import writes nothing, as when SQLite refused it at once."""
    from cqn_cli.ingest import roster

    if two_processes:
        read_apart(monkeypatch)
    real = roster.RosterLoader._add  # every row added, however it was prepared
    gender_at = roster._INSERT_COLUMNS.index("gender")

    def against_checks(loader: Any, line: int, row: list[Any]) -> Any:
        if row[roster._SEARCH_KEY_AT] == "nguoi bon":
            row[gender_at] = "nam"  # neither 'male' nor 'female'
        return real(loader, line, row)

    monkeypatch.setattr(roster.RosterLoader, "_add", against_checks)
    rows = "".join(f"Người {spelled(i)},1950,Nam,,Xuân Hà,,\n" for i in range(1, 9))
    f = write_csv(tmp_path / "ds.csv", MIXED.splitlines()[0] + "\n" + rows)
    r = import_on(tmp_path / "a.db", "roster", f, *AS_2019)
    assert isinstance(r.exception, sqlite3.IntegrityError)
    assert str(r.exception) == "CHECK constraint failed: CQN000004"
    assert written(tmp_path / "a.db") == written_before(tmp_path)
    # The checks are weighed row by row again after it: the next import, into the same
    # database with nothing held, adds the eight people.
    monkeypatch.setattr(roster.RosterLoader, "_add", real)
    assert import_on(tmp_path / "a.db", "roster", f, *AS_2019).exit_code == 0
    assert len(written(tmp_path / "a.db")["person"]) == 8


def written_before(tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """``written`` of a database only initialised."""
    assert CliRunner().invoke(app, ["--db", str(tmp_path / "empty.db"), "init"]).exit_code == 0
    return written(tmp_path / "empty.db")


def test_a_second_process_killed_stops_the_import_saying_so(
    tmp_path: Path, apart: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed (by hand, or by the system short of memory): the import says so, writes
    nothing, and exits as a shell reports a command killed by that signal."""
    import multiprocessing
    import signal

    from cqn_cli.ingest.roster import RosterLoader

    killed_at(monkeypatch, RosterLoader, 5)
    rows = "".join(f"Người {spelled(i)},1950,Nam,,Xuân Hà,,\n" for i in range(1, 9))
    f = write_csv(tmp_path / "ds.csv", MIXED.splitlines()[0] + "\n" + rows)
    r = import_on(tmp_path / "a.db", "roster", f, *AS_2019)
    assert r.exit_code == 128 + signal.SIGKILL
    assert r.stderr.splitlines()[-1] == (
        f"{f}: tiến trình thứ hai đọc tệp đã bị dừng (tín hiệu 9); không ghi gì."
    )
    assert multiprocessing.active_children() == []
    assert written(tmp_path / "a.db")["person"] == []


@pytest.mark.skipif(sys.platform != "linux", reason="a second process on Linux only")
def test_the_second_process_ends_when_the_import_is_killed(tmp_path: Path) -> None:
    """The import killed outright (no clean-up of its own): its second process finds
    the pipe closed and ends, instead of waiting forever beside the files it holds."""
    import os
    import signal
    import subprocess
    import time

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: no second process")
    rows = "".join(
        f"Người {spelled(i)},1950,Nam,,Xuân Hà,Tổ {i % 50},Ghi chú dài {i}\n" for i in range(60_000)
    )
    f = write_csv(
        tmp_path / "ds.csv",
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường,Tổ dân phố,Ghi chú\n" + rows,
    )
    assert f.stat().st_size >= (1 << 20)
    db = tmp_path / "a.db"
    assert CliRunner().invoke(app, ["--db", str(db), "init"]).exit_code == 0
    parent = subprocess.Popen(
        [sys.executable, "-m", "cqn_cli", "--db", str(db), "import", "roster", str(f), *AS_2019],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: list[int] = []
    deadline = time.monotonic() + 20
    while not children and time.monotonic() < deadline and parent.poll() is None:
        time.sleep(0.02)
        try:
            with open(f"/proc/{parent.pid}/task/{parent.pid}/children") as listed:
                children = [int(pid) for pid in listed.read().split()]
        except OSError:
            break
    assert children, "no second process seen"
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{children[0]}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    state = Path(f"/proc/{children[0]}/stat")
    assert not state.exists() or state.read_text().split()[2] == "Z", "still running"


def test_an_update_is_checked_with_what_is_held_and_keeps_its_precision(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """A row that updates a person is checked as the person will be: a discharge before
    the enlistment held (which the row leaves blank) is refused, nothing written; a
    birth date given less precisely (1955) than held (12/03/1955) keeps the held one."""
    head = "Họ và tên,Ngày sinh,Số CCCD,Phường"
    first = write_csv(
        tmp_path / "a.csv", f"{head},Ngày nhập ngũ\nAn,12/03/1955,048055000123,Xuân Hà,1975\n"
    )
    assert cqn("import", "roster", first, *AS_2019).exit_code == 0
    before = query("SELECT * FROM person")
    early = write_csv(
        tmp_path / "b.csv", f"{head},Ngày xuất ngũ\nAn,1955,048055000123,Xuân Hà,1970\n"
    )
    r = cqn("import", "roster", early, *AS_2019, lang="en")
    assert r.exit_code == 1
    assert (
        "b.csv:2:5 [Ngày xuất ngũ] '1970': discharged before enlisting, with what is held of"
        in r.stderr
    )
    assert query("SELECT * FROM person") == before
    later = write_csv(
        tmp_path / "c.csv", f"{head},Ngày xuất ngũ\nAn,1955,048055000123,Xuân Hà,1979\n"
    )
    assert cqn("import", "roster", later, *AS_2019).exit_code == 0
    assert query("SELECT birth_date, enlisted_on, discharged_on FROM person") == [
        ("1955-03-12", "1975", "1979")
    ]
    # A date the row gives less precisely than held (1979 for 01/06/1979) is quoted as
    # the row wrote it, not as the day held that it keeps.
    day = write_csv(
        tmp_path / "d.csv", f"{head},Ngày xuất ngũ\nAn,,048055000123,Xuân Hà,01/06/1979\n"
    )
    assert cqn("import", "roster", day, *AS_2019).exit_code == 0
    crossing = write_csv(
        tmp_path / "d2.csv",
        f"{head},Ngày nhập ngũ,Ngày xuất ngũ\nAn,,048055000123,Xuân Hà,01/08/1979,1979\n",
    )
    r = cqn("import", "roster", crossing, *AS_2019, lang="en")
    assert r.exit_code == 1
    assert "d2.csv:2:6 [Ngày xuất ngũ] '1979': discharged before enlisting" in r.stderr
    # Said at the row's own cell, the held one being the other side.
    born = write_csv(tmp_path / "e.csv", f"{head}\nAn,1980,048055000123,Xuân Hà\n")
    r = cqn("import", "roster", born, *AS_2019, lang="en")
    assert r.exit_code == 1
    assert "e.csv:2:2 [Ngày sinh] '1980': enlisted before birth, with what is held of" in r.stderr
    # A contradiction all held (from before these checks) does not stop an update of
    # something else.
    conn = sqlite3.connect(tmp_path / "cqn.db")
    with conn:
        conn.execute("UPDATE person SET discharged_on = '1970'")
    conn.close()
    died = write_csv(
        tmp_path / "f.csv",
        f"{head},Trạng thái,Ngày trạng thái\nAn,,048055000123,Xuân Hà,từ trần,02/09/2019\n",
    )
    assert cqn("import", "roster", died, *AS_2019).exit_code == 0
    assert query("SELECT status, discharged_on FROM person") == [("deceased", "1970")]


def test_every_warning_goes_to_the_warnings_file(cqn: Run, query: Query, tmp_path: Path) -> None:
    """The terminal shows the first 50 warnings; ``--warnings FILE`` holds all of them
    (each possible duplicate named), a row each with its line, as CSV or XLSX."""
    names = [f"Người Số {spelled(i)}" for i in range(60)]
    held = write_csv(tmp_path / "a.csv", "Họ và tên,Ngày sinh,Phường\n"
                     + "".join(f"{n},1950,Xuân Hà\n" for n in names))  # fmt: skip
    assert cqn("import", "roster", held, *AS_2019).exit_code == 0
    again = write_csv(tmp_path / "b.csv", "Họ và tên,Ngày sinh,Phường\n"
                      + "".join(f"{n},1951,Xuân Hà\n" for n in names))  # fmt: skip
    target = tmp_path / "canh-bao.csv"
    refused = cqn("import", "roster", again, *AS_2019, "--warnings", tmp_path / "c.md")
    assert refused.exit_code == 2 and query("SELECT count(*) FROM person") == [(60,)]
    r = cqn("import", "roster", again, *AS_2019, "--warnings", target, lang="en")
    assert r.exit_code == 0, r.output
    assert f"… and 10 more warnings, all of them in {target}." in r.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [int(row["Line"]) for row in rows] == list(range(2, 62))
    assert all("possible duplicate" in row["Warning"] or "may be" in row["Warning"] for row in rows)
    for row, name in zip(rows, names, strict=True):
        assert name in row["Warning"]
        # Where it is, in its columns; the warning says what it is.
        assert row["Warning"].startswith("possible duplicate of CQN")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    # The same file again imports nothing: the warnings of the run that did stay.
    before = target.read_bytes()
    assert cqn("import", "roster", again, *AS_2019, "--warnings", target).exit_code == 0
    assert target.read_bytes() == before
    # The rejects and the warnings are two files.
    both = ("--skip-bad", "--rejects", target, "--warnings", target, "--force")
    assert cqn("import", "roster", again, *AS_2019, *both).exit_code == 2
    book = tmp_path / "canh-bao.xlsx"
    third = write_csv(tmp_path / "d.csv", "Họ và tên,Ngày sinh,Phường\n"
                      + "".join(f"{n},1952,Xuân Hà\n" for n in names))  # fmt: skip
    assert cqn("import", "roster", third, *AS_2019, "--warnings", book, lang="vi").exit_code == 0
    sheet = load_workbook(book).active
    assert sheet.max_row == 61 and sheet.cell(1, 5).value == "Cảnh báo"
    # Without the option, the terminal says which one would write them all.
    fourth = write_csv(tmp_path / "e.csv", "Họ và tên,Ngày sinh,Phường\n"
                       + "".join(f"{n},1953,Xuân Hà\n" for n in names))  # fmt: skip
    r = cqn("import", "roster", fourth, *AS_2019, lang="en")
    assert "… and 10 more warnings (all of them to a file: --warnings FILE)." in r.stderr
