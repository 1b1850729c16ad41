"""``cqn import groups|members|attendance|visits``: run through the CLI, checked in the database.

Every file is small and written here by hand, in the encoding and with the
separator a ward's office program would use; the expected values are worked
out in each test from the rows written above them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from typer.testing import CliRunner

from conftest import Run, calls_to, killed_at, write_csv
from cqn_cli.cli.app import app

Query = Callable[..., list[tuple[Any, ...]]]

AS_2019 = ("--as-of", "2019-12-31")
NEXT_YEAR = dt.date.today().year + 1

# Ids whose century/sex and year digits agree with the roster below (no warning in the way).
AN = "048052000101"  # male, 1952
BINH = "048160000202"  # female, 1960
DUNG = "048050000303"  # male, 1950

# The people of every test, CQN000001…CQN000006 in this order.
ROSTER = (
    "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường,Trạng thái,Ngày trạng thái\n"
    f"Nguyễn Văn An,15/03/1952,Nam,{AN},Xuân Hà,,\n"
    f"Trần Thị Bình,1960,Nữ,{BINH},Xuân Hà,,\n"
    "Lê Văn Cường,1948,Nam,,Xuân Hà,chuyển đi,01/06/2019\n"
    f"Phạm Văn Dũng,10/10/1950,Nam,{DUNG},Xuân Hà,,\n"
    "Võ Văn Em,1955,Nam,,An Khê,,\n"
    "Nguyễn Văn An,20/05/1958,Nam,,Xuân Hà,,\n"  # a namesake of CQN000001, same ward
)

# XH-CLB01 founded 01/01/2015, open; XH-BLL01 from 15/03/2016, dissolved 01/10/2019;
# AK-CLB01 from 01/01/2018.
GROUPS = (
    "Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập,Ngày giải thể\n"
    "XH-CLB01,CLB Cựu chiến binh tổ 5,CLB,Xuân Hà,01/01/2015,\n"
    "XH-BLL01,Ban liên lạc Trung đoàn 96,BLL,Xuân Hà,15/03/2016,01/10/2019\n"
    "AK-CLB01,CLB Cựu quân nhân An Khê,CLB,An Khê,01/01/2018,\n"
)

MEMBERS = (
    "Mã CQN,Mã nhóm,Ngày tham gia,Ngày rời,Chức vụ\n"
    "CQN000001,XH-CLB01,01/02/2015,,Chủ nhiệm\n"
    "CQN000002,XH-CLB01,01/03/2016,30/06/2019,\n"
    "CQN000003,XH-CLB01,01/01/2017,,\n"
    "CQN000004,XH-BLL01,01/01/2017,,Trưởng ban\n"
    "CQN000005,AK-CLB01,01/01/2018,,\n"
)

ATTENDANCE = (
    "Mã cuộc họp,Ngày họp,Loại,Mã nhóm,Mã CQN,Điểm danh\n"
    "XH1-2019Q1,15/03/2019,Họp quý,XH-CLB01,CQN000001,Có mặt\n"
    "XH1-2019Q1,15/03/2019,Họp quý,XH-CLB01,CQN000002,Vắng có phép\n"
    "XH1-2019Q1,15/03/2019,Họp quý,XH-CLB01,CQN000003,vắng\n"
    "BLL-3004,30/04/2019,gặp mặt,XH-BLL01,CQN000004,có mặt\n"
)

VISITS = (
    "Mã CQN,Ngày thăm,Lý do,Quà tặng,Mã nhóm,Ghi chú\n"
    "CQN000001,12/03/2019,ốm đau,500.000đ,XH-CLB01,Nằm viện\n"
    "CQN000005,20/08/2019,hoạn nạn,1.000.000,AK-CLB01,\n"
)


def snapshot(query: Query) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: what "nothing was written" is checked against."""
    tables = [r[0] for r in query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: query(f'SELECT * FROM "{t}" ORDER BY 1') for t in sorted(tables)}


def data_tables(query: Query) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but the import log (which records even a forced re-import)."""
    return {t: rows for t, rows in snapshot(query).items() if t != "import_log"}


def summary(rows: int, inserted: int, updated: int, unchanged: int, rejected: int) -> str:
    return (
        f"{rows} dòng — thêm {inserted}, cập nhật {updated}, "
        f"không đổi {unchanged}, loại {rejected}."
    )


def imported(cqn: Run, kind: str, path: Path, *opts: str) -> Any:
    r = cqn("import", kind, path, *opts)
    assert r.exit_code == 0, r.output
    return r


def setup(cqn: Run, query: Query, tmp_path: Path, *kinds: str) -> None:
    """The roster of this file, then the given imports in order (groups, members, …)."""
    imported(cqn, "roster", write_csv(tmp_path / "roster.csv", ROSTER), *AS_2019)
    assert query("SELECT id, full_name FROM person ORDER BY id") == [
        (1, "Nguyễn Văn An"),
        (2, "Trần Thị Bình"),
        (3, "Lê Văn Cường"),
        (4, "Phạm Văn Dũng"),
        (5, "Võ Văn Em"),
        (6, "Nguyễn Văn An"),
    ]
    texts = {"groups": GROUPS, "members": MEMBERS, "attendance": ATTENDANCE, "visits": VISITS}
    for kind in kinds:
        imported(cqn, kind, write_csv(tmp_path / f"setup-{kind}.csv", texts[kind]))


def groups(query: Query) -> list[tuple[Any, ...]]:
    return query(
        "SELECT code, name, kind, ward_id, founded_on, dissolved_on FROM groups ORDER BY id"
    )


def memberships(query: Query) -> list[tuple[Any, ...]]:
    return query(
        "SELECT ms.person_id, g.code, ms.joined_on, ms.left_on, ms.role"
        " FROM membership ms JOIN groups g ON g.id = ms.group_id ORDER BY ms.id"
    )


def meetings(query: Query) -> list[tuple[Any, ...]]:
    return query(
        "SELECT mt.code, mt.date, mt.kind, g.code, mt.title"
        " FROM meeting mt JOIN groups g ON g.id = mt.group_id ORDER BY mt.id"
    )


def marks(query: Query) -> list[tuple[Any, ...]]:
    return query(
        "SELECT mt.code, a.person_id, a.status FROM attendance a"
        " JOIN meeting mt ON mt.id = a.meeting_id ORDER BY mt.id, a.person_id"
    )


def visits(query: Query) -> list[tuple[Any, ...]]:
    return query(
        "SELECT v.person_id, v.date, v.reason, v.gift, g.code, v.notes"
        " FROM visit v LEFT JOIN groups g ON g.id = v.group_id ORDER BY v.id"
    )


def refused(cqn: Run, query: Query, kind: str, path: Path, *opts: str) -> list[str]:
    """Import a file that must be refused whole: exit 1, every table as it was; its lines."""
    before = snapshot(query)
    r = cqn("import", kind, path, *opts)
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert snapshot(query) == before
    return r.stderr.splitlines()


def read_rejects(path: Path, delimiter: str = ",") -> list[list[str]]:
    data = path.read_bytes()
    text = data[3:].decode("utf-8") if data.startswith(b"\xef\xbb\xbf") else data.decode()
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


# ---- groups -------------------------------------------------------------------------------


def test_groups_in_windows_1258_with_semicolons(cqn: Run, query: Query, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "nhom.csv",
        "Mã nhóm;Tên nhóm;Loại;Phường;Ngày thành lập;Ngày giải thể\n"
        "XH-CLB01;CLB Cựu chiến binh tổ 5;Câu lạc bộ;Xuân Hà;01/01/2015;\n"
        "XH-BLL01;Ban liên lạc Trung đoàn 96;Ban liên lạc;P. Xuân Hà;15-03-2016;01.10.2019\n"
        "AK-CLB01;CLB Hoà Bình;clb;20224;2018-01-01;\n"
        "TT-BLL02;BLL Sư đoàn 2;bll;Tam Thuận;;\n",
        encoding="cp1258",
        newline="\r\n",
    )
    r = imported(cqn, "groups", f, *AS_2019)
    assert summary(4, 4, 0, 0, 0) in r.stdout
    rows = groups(query)
    assert rows == [
        ("XH-CLB01", "CLB Cựu chiến binh tổ 5", "clb", "tk-xuan-ha", "2015-01-01", None),
        ("XH-BLL01", "Ban liên lạc Trung đoàn 96", "bll", "tk-xuan-ha", "2016-03-15", "2019-10-01"),
        ("AK-CLB01", "CLB Hoà Bình", "clb", "tk-an-khe", "2018-01-01", None),
        ("TT-BLL02", "BLL Sư đoàn 2", "bll", "tk-tam-thuan", None, None),
    ]
    assert all(unicodedata.is_normalized("NFC", row[1]) for row in rows)


def test_groups_headers_without_diacritics_and_in_english(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    a = write_csv(
        tmp_path / "a.csv",
        " MA NHOM ,ten nhom,loai,phuong,ngay thanh lap\nXH-CLB01,CLB tổ 5,CLB,Xuân Hà,01/01/2015\n",
    )
    b = write_csv(
        tmp_path / "b.csv",
        "code,name,kind,ward,founded_on,dissolved_on\n"
        "AK-BLL01,BLL An Khê,board,An Khê,2016-01-01,2019-01-01\n",
    )
    imported(cqn, "groups", a, *AS_2019)
    r = imported(cqn, "groups", b, *AS_2019)
    assert "không biết" not in r.stderr
    assert groups(query) == [
        ("XH-CLB01", "CLB tổ 5", "clb", "tk-xuan-ha", "2015-01-01", None),
        ("AK-BLL01", "BLL An Khê", "bll", "tk-an-khe", "2016-01-01", "2019-01-01"),
    ]


def test_groups_ward_option_fills_rows_without_a_ward(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    f = write_csv(
        tmp_path / "g.csv",
        "Mã nhóm,Tên nhóm,Loại\nAK-CLB01,CLB 1,CLB\nAK-CLB02,CLB 2,CLB\n",
    )
    imported(cqn, "groups", f, "--ward", "An Khê", *AS_2019)
    assert query("SELECT code, ward_id FROM groups ORDER BY id") == [
        ("AK-CLB01", "tk-an-khe"),
        ("AK-CLB02", "tk-an-khe"),
    ]


def test_groups_reimport_with_a_new_name_updates_and_blank_dates_are_kept(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path, "groups")
    f = write_csv(
        tmp_path / "v2.csv",
        "Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập,Ngày giải thể\n"
        "XH-CLB01,CLB CCB tổ 5 (mới),CLB,Xuân Hà,,\n"  # renamed; blank dates keep the held ones
        "xh-bll01,Ban liên lạc Trung đoàn 96,BLL,Xuân Hà,15/03/2016,01/10/2019\n",  # unchanged
    )
    r = imported(cqn, "groups", f, *AS_2019)
    assert summary(2, 0, 1, 1, 0) in r.stdout
    assert groups(query)[:2] == [
        ("XH-CLB01", "CLB CCB tổ 5 (mới)", "clb", "tk-xuan-ha", "2015-01-01", None),
        ("XH-BLL01", "Ban liên lạc Trung đoàn 96", "bll", "tk-xuan-ha", "2016-03-15", "2019-10-01"),
    ]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "XH-CLB09,CLB 9,Hội,Xuân Hà,01/01/2015,",
            "3:3 [Loại] 'Hội': loại nhóm phải là CLB hoặc BLL",
        ),
        (
            "XH-CLB09,CLB 9,CLB,Xuân Hà,01/01/2015,01/01/2015",
            "3:6 [Ngày giải thể] '01/01/2015': ngày giải thể không sau ngày thành lập",
        ),
        (
            "XH-CLB09,CLB 9,CLB,Xuan Haa,01/01/2015,",
            "3:4 [Phường] 'Xuan Haa': không có phường 'Xuan Haa'; có phải 'Xuân Hà'?",
        ),
        (
            "XH-CLB09,CLB 9,CLB,Xuân Hà,01/01/15,",
            "3:5 [Ngày thành lập] '01/01/15': năm chỉ có 2 chữ số",
        ),
        (
            f"XH-CLB09,CLB 9,CLB,Xuân Hà,01/01/{NEXT_YEAR},",
            f"3:5 [Ngày thành lập] '01/01/{NEXT_YEAR}': ngày trong tương lai",
        ),
        ("xh-clb01,CLB 9,CLB,Xuân Hà,,", "3:1 [Mã nhóm] 'xh-clb01': mã này đã có ở dòng 2"),
        (",CLB 9,CLB,Xuân Hà,,", "3:1 [Mã nhóm]: bắt buộc, đang để trống"),
    ],
)
def test_bad_group_rows_refuse_the_file(
    cqn: Run, query: Query, tmp_path: Path, row: str, expected: str
) -> None:
    f = write_csv(
        tmp_path / "g.csv",
        "Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập,Ngày giải thể\n"
        f"XH-CLB01,CLB tổ 5,CLB,Xuân Hà,01/01/2015,\n{row}\n",
    )
    lines = refused(cqn, query, "groups", f, *AS_2019)
    assert any(line.startswith(f"{f}:{expected}") for line in lines), lines
    assert lines[-1] == f"{f}: 1 dòng lỗi; không ghi gì."


def test_new_group_dates_leaving_a_membership_outside_are_refused(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """CQN000001 joined XH-CLB01 on 01/02/2015: founding it on 01/01/2016 is refused."""
    setup(cqn, query, tmp_path, "groups", "members")
    f = write_csv(
        tmp_path / "g.csv",
        "Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập,Ngày giải thể\n"
        "XH-CLB01,CLB Cựu chiến binh tổ 5,CLB,Xuân Hà,01/01/2016,\n",
    )
    lines = refused(cqn, query, "groups", f)
    assert (
        f"{f}:2:1 [Mã nhóm] 'XH-CLB01': ngày thành lập/giải thể mới để một thành viên"
        " (vào ngày 01/02/2015) nằm ngoài thời gian nhóm tồn tại"
    ) in lines
    # Dissolving it on the day someone joined is refused too (CQN000003 joined 01/01/2017).
    g = write_csv(
        tmp_path / "g2.csv",
        "Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập,Ngày giải thể\n"
        "XH-CLB01,CLB Cựu chiến binh tổ 5,CLB,Xuân Hà,01/01/2015,01/01/2017\n",
    )
    lines = refused(cqn, query, "groups", g)
    assert any("nằm ngoài thời gian nhóm tồn tại" in line for line in lines)


def test_new_group_dates_leaving_a_meeting_outside_are_refused_even_with_skip_bad(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """XH-BLL01 met on 30/04/2019: dissolving it on 30/04/2019 would orphan that meeting.

    With --skip-bad the row goes to the rejects file and the group keeps its dates;
    the good row of the same file is written.
    """
    setup(cqn, query, tmp_path, "groups", "members", "attendance")
    f = write_csv(
        tmp_path / "g.csv",
        "Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập,Ngày giải thể\n"
        "XH-BLL01,Ban liên lạc Trung đoàn 96,BLL,Xuân Hà,15/03/2016,30/04/2019\n"
        "XH-CLB02,CLB tổ 9,CLB,Xuân Hà,01/06/2019,\n",
    )
    expected = (
        f"{f}:2:1 [Mã nhóm] 'XH-BLL01': ngày thành lập/giải thể mới để một cuộc họp"
        " (ngày 30/04/2019) nằm ngoài thời gian nhóm tồn tại"
    )
    assert expected in refused(cqn, query, "groups", f)

    rejects = tmp_path / "rejects.csv"
    r = cqn("import", "groups", f, "--skip-bad", "--rejects", rejects)
    assert r.exit_code == 0, r.output
    assert summary(2, 1, 0, 0, 1) in r.stdout
    assert query("SELECT founded_on, dissolved_on FROM groups WHERE code = 'XH-BLL01'") == [
        ("2016-03-15", "2019-10-01")
    ]
    assert query("SELECT count(*) FROM groups WHERE code = 'XH-CLB02'") == [(1,)]
    table = read_rejects(rejects)
    assert [row[0] for row in table] == ["Mã nhóm", "XH-BLL01"]
    assert "cuộc họp (ngày 30/04/2019)" in table[1][-1]


def test_dissolution_before_the_held_founding_date_is_refused_with_its_line(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path, "groups")
    f = write_csv(
        tmp_path / "g.csv",
        "Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập,Ngày giải thể\n"
        "AK-CLB01,CLB Cựu quân nhân An Khê,CLB,An Khê,,01/01/2017\n",  # founded 01/01/2018
    )
    lines = refused(cqn, query, "groups", f)
    assert any(line.startswith(f"{f}:2:6 [Ngày giải thể] '01/01/2017'") for line in lines)
    # A founding date after the dissolution held (its cell blank) is told at the cell
    # given: the founding date, as written (XH-BLL01 dissolved 01/10/2019).
    g = write_csv(
        tmp_path / "g2.csv",
        "Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập,Ngày giải thể\n"
        "XH-BLL01,Ban liên lạc Trung đoàn 96,BLL,Xuân Hà,1/11/2019,\n",
    )
    lines = refused(cqn, query, "groups", g)
    assert lines[0] == (
        f"{g}:2:5 [Ngày thành lập] '1/11/2019': ngày giải thể không sau ngày thành lập"
    ), lines


# ---- members ------------------------------------------------------------------------------


def test_members_in_utf16_with_tabs_every_kind_of_person_reference(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path, "groups")
    header = ["Số CCCD", "Mã CQN", "Họ và tên", "Năm sinh", "Phường", "Mã nhóm", "Ngày vào"]
    rows = [
        [*header, "Ngày rời", "Chức vụ"],
        [AN, "", "", "", "", "XH-CLB01", "01/02/2015", "", "Chủ nhiệm"],
        ["", "CQN000002", "", "", "", "xh-clb01", "01/03/2016", "30/06/2019", ""],
        # Year only finds the full birth date held (10/10/1950); name in capitals.
        ["", "", "PHẠM VĂN DŨNG", "1950", "Xuân Hà", "XH-BLL01", "01/01/2017", "", "Trưởng ban"],
        # Birth date and ward tell the two Nguyễn Văn An of Xuân Hà apart.
        ["", "", "Nguyễn Văn An", "20/05/1958", "Xuân Hà", "XH-CLB01", "2018-01-01", "", ""],
        ["", "5", "", "", "", "AK-CLB01", "01/01/2018", "", "Thành viên"],
        # The same person in a second group, and back in the first after leaving it.
        ["", "CQN000002", "", "", "", "XH-CLB01", "30/06/2019", "", "Phó chủ nhiệm"],
    ]
    f = write_csv(
        tmp_path / "members.txt",
        "".join("\t".join(r) + "\n" for r in rows),
        encoding="utf-16-le",
        bom=True,
        newline="\r\n",
    )
    r = imported(cqn, "members", f)
    assert summary(6, 6, 0, 0, 0) in r.stdout
    assert memberships(query) == [
        (1, "XH-CLB01", "2015-02-01", None, "Chủ nhiệm"),
        (2, "XH-CLB01", "2016-03-01", "2019-06-30", None),
        (4, "XH-BLL01", "2017-01-01", None, "Trưởng ban"),
        (6, "XH-CLB01", "2018-01-01", None, None),
        (5, "AK-CLB01", "2018-01-01", None, "Thành viên"),
        (2, "XH-CLB01", "2019-06-30", None, "Phó chủ nhiệm"),
    ]


def test_members_in_xlsx_with_date_cells(cqn: Run, query: Query, tmp_path: Path) -> None:
    setup(cqn, query, tmp_path, "groups")
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỘI VIÊN CLB"])
    ws.append(["STT", "Số CCCD", "Mã nhóm", "Ngày tham gia", "Ngày rời", "Chức vụ"])
    ws.append([1, AN, "XH-CLB01", dt.datetime(2015, 2, 1), None, "Chủ nhiệm"])
    ws.append([2, int(DUNG), "XH-BLL01", "01/01/2017", dt.datetime(2019, 5, 1), None])
    f = tmp_path / "members.xlsx"
    wb.save(f)
    r = imported(cqn, "members", f)
    assert summary(2, 2, 0, 0, 0) in r.stdout
    assert memberships(query) == [
        (1, "XH-CLB01", "2015-02-01", None, "Chủ nhiệm"),
        (4, "XH-BLL01", "2017-01-01", "2019-05-01", None),
    ]


def test_members_reimport_closes_a_membership_and_sets_a_role(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path, "groups", "members")
    f = write_csv(
        tmp_path / "m2.csv",
        "Mã CQN,Mã nhóm,Ngày tham gia,Ngày rời,Chức vụ\n"
        "CQN000001,XH-CLB01,01/02/2015,,Chủ nhiệm\n"  # unchanged
        "CQN000003,XH-CLB01,01/01/2017,31/05/2019,\n"  # left
        "CQN000005,AK-CLB01,01/01/2018,,Phó chủ nhiệm\n"  # role set
        "CQN000006,XH-CLB01,01/01/2019,,\n",  # new
    )
    r = imported(cqn, "members", f)
    assert summary(4, 1, 2, 1, 0) in r.stdout
    assert memberships(query) == [
        (1, "XH-CLB01", "2015-02-01", None, "Chủ nhiệm"),
        (2, "XH-CLB01", "2016-03-01", "2019-06-30", None),
        (3, "XH-CLB01", "2017-01-01", "2019-05-31", None),
        (4, "XH-BLL01", "2017-01-01", None, "Trưởng ban"),
        (5, "AK-CLB01", "2018-01-01", None, "Phó chủ nhiệm"),
        (6, "XH-CLB01", "2019-01-01", None, None),
    ]


def test_unknown_and_ambiguous_people_are_refused_naming_line_and_candidates(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path, "groups")
    f = write_csv(
        tmp_path / "m.csv",
        "Số CCCD,Mã CQN,Họ và tên,Ngày sinh,Phường,Mã nhóm,Ngày tham gia\n"
        f"{AN},,,,,XH-CLB01,01/02/2015\n"  # good
        ",,Nguyễn Văn An,,Xuân Hà,XH-CLB01,01/02/2015\n"  # two of that name in Xuân Hà
        ",,Nguyễn Văn An,1952,An Khê,XH-CLB01,01/02/2015\n"  # none in An Khê
        ",,Nguyễn Văn Ba,1952,Xuân Hà,XH-CLB01,01/02/2015\n"
        "048052000199,,,,,XH-CLB01,01/02/2015\n"
        ",CQN000099,,,,XH-CLB01,01/02/2015\n"
        ",,,,,XH-CLB01,01/02/2015\n",
    )
    lines = refused(cqn, query, "members", f)
    assert (
        f"{f}:3:3 [Họ và tên]: khớp nhiều người: CQN000001 Nguyễn Văn An,"
        " CQN000006 Nguyễn Văn An; hãy ghi số CCCD hoặc mã CQN"
    ) in lines
    assert (
        f"{f}:4:3 [Họ và tên]: không tìm thấy 'Nguyễn Văn An' với ngày sinh và phường này"
    ) in lines
    assert f"{f}:5:3 [Họ và tên]: không có ai tên 'Nguyễn Văn Ba'" in lines
    assert f"{f}:6:1 [Số CCCD]: không có CQN nào mang số CCCD 0480******99" in lines
    assert f"{f}:7:2 [Mã CQN]: không có CQN mã CQN000099" in lines
    assert any(line.startswith(f"{f}:8") and "thiếu người" in line for line in lines)
    assert lines[-1] == f"{f}: 6 dòng lỗi; không ghi gì."
    assert "048052000199" not in "\n".join(lines)


def test_a_cccd_with_someone_elses_name_and_birth_date_is_refused(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path, "groups")
    f = write_csv(
        tmp_path / "m.csv",
        "Số CCCD,Họ và tên,Ngày sinh,Mã nhóm,Ngày tham gia\n"
        f"{AN},Trần Thị Bình,1960,XH-CLB01,01/02/2015\n",
    )
    lines = refused(cqn, query, "members", f)
    assert any(
        line.startswith(f"{f}:2:1 [Số CCCD]") and "CQN000001 Nguyễn Văn An" in line
        for line in lines
    ), lines


def test_reference_by_name_reads_the_ward_on_the_as_of_map(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """Two Nguyễn Văn Hùng born 1955: Hòa Khê and Xuân Hà are two wards in 2019, one today."""
    roster = write_csv(
        tmp_path / "r.csv",
        "Họ và tên,Năm sinh,Phường\nNguyễn Văn Hùng,1955,Hòa Khê\nNguyễn Văn Hùng,1955,Xuân Hà\n",
    )
    imported(cqn, "roster", roster, *AS_2019)
    imported(cqn, "groups", write_csv(tmp_path / "g.csv", GROUPS), *AS_2019)
    f = write_csv(
        tmp_path / "m.csv",
        "Họ và tên,Năm sinh,Phường,Mã nhóm,Ngày tham gia\n"
        "Nguyễn Văn Hùng,1955,Xuân Hà,XH-CLB01,01/01/2019\n",
    )
    lines = refused(cqn, query, "members", f)  # today's map: both in phường Thanh Khê
    assert any("khớp nhiều người" in line for line in lines)
    imported(cqn, "members", f, *AS_2019)
    assert memberships(query) == [(2, "XH-CLB01", "2019-01-01", None, None)]


def test_reference_by_name_in_a_2019_ward_finds_one_held_in_the_ward_it_became(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """Held in today's phường Thanh Khê (a roster typed without --as-of); a 2019 members
    file names him in Xuân Hà, which became part of it: him. Hòa Khê, in force beside
    Xuân Hà in 2019, is not where a 2019 person of Xuân Hà lives."""
    roster = write_csv(
        tmp_path / "r.csv",
        "Họ và tên,Năm sinh,Phường\nNguyễn Văn Hùng,1955,Thanh Khê\nTrần Văn Nam,1956,Hòa Khê\n",
    )
    imported(cqn, "roster", roster)
    imported(cqn, "groups", write_csv(tmp_path / "g.csv", GROUPS), *AS_2019)
    f = write_csv(
        tmp_path / "m.csv",
        "Họ và tên,Năm sinh,Phường,Mã nhóm,Ngày tham gia\n"
        "Nguyễn Văn Hùng,1955,Xuân Hà,XH-CLB01,01/01/2019\n",
    )
    imported(cqn, "members", f, *AS_2019)
    assert memberships(query) == [(1, "XH-CLB01", "2019-01-01", None, None)]
    other = write_csv(
        tmp_path / "m2.csv",
        "Họ và tên,Năm sinh,Phường,Mã nhóm,Ngày tham gia\n"
        "Trần Văn Nam,1956,Xuân Hà,XH-CLB01,01/01/2019\n",
    )
    lines = refused(cqn, query, "members", other, *AS_2019)
    assert any("Trần Văn Nam" in line for line in lines), lines


MEMBER_HEADER = "Mã CQN,Mã nhóm,Ngày tham gia,Ngày rời\n"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            ["CQN000001,XH-CLB01,31/12/2014,"],
            "2:3 [Ngày tham gia] '31/12/2014': tham gia trước ngày thành lập nhóm (01/01/2015)",
        ),
        (
            ["CQN000004,XH-BLL01,01/10/2019,"],
            "2:3 [Ngày tham gia] '01/10/2019': tham gia khi nhóm đã giải thể (01/10/2019)",
        ),
        (
            ["CQN000004,XH-BLL01,15/11/2019,"],
            "2:3 [Ngày tham gia] '15/11/2019': tham gia khi nhóm đã giải thể (01/10/2019)",
        ),
        (
            ["CQN000001,XH-CLB01,01/02/2016,31/01/2016"],
            "2:4 [Ngày rời] '31/01/2016': ngày rời trước ngày tham gia",
        ),
        (
            ["CQN000001,XH-CLB01,01/02/2015,31/12/2016", "CQN000001,XH-CLB01,01/06/2016,"],
            "3:3 [Ngày tham gia] '01/06/2016': trùng thời gian với một lần tham gia khác"
            " của người này trong nhóm XH-CLB01 (dòng 2)",
        ),
        (  # a date quoted as the file writes it: what the clerk can find in the sheet
            ["CQN000001,XH-CLB01,1/2/2016,31/1/2016"],
            "2:4 [Ngày rời] '31/1/2016': ngày rời trước ngày tham gia",
        ),
        (
            ["CQN000001,XH-CLB01,01/02/2015,", "CQN000001,XH-CLB01,01/02/2015,"],
            "3: cùng người, cùng nhóm, cùng ngày tham gia như dòng 2",
        ),
        (
            ["CQN000001,XH-CLB1,01/02/2015,"],
            "2:2 [Mã nhóm] 'XH-CLB1': không có nhóm mã 'XH-CLB1'; có phải 'XH-CLB01'?",
        ),
        (
            [f"CQN000001,XH-CLB01,01/02/{NEXT_YEAR},"],
            f"2:3 [Ngày tham gia] '01/02/{NEXT_YEAR}': ngày trong tương lai",
        ),
        (["CQN000001,XH-CLB01,,"], "2:3 [Ngày tham gia]: bắt buộc, đang để trống"),
    ],
)
def test_bad_membership_rows_refuse_the_file(
    cqn: Run, query: Query, tmp_path: Path, rows: list[str], expected: str
) -> None:
    setup(cqn, query, tmp_path, "groups")
    f = write_csv(
        tmp_path / "m.csv",
        MEMBER_HEADER + "".join(r + "\n" for r in rows) + "CQN000005,AK-CLB01,01/01/2018,\n",
    )
    lines = refused(cqn, query, "members", f)
    assert any(line.startswith(f"{f}:{expected}") for line in lines), lines
    assert lines[-1] == f"{f}: 1 dòng lỗi; không ghi gì."


def test_a_refused_date_is_quoted_as_the_file_writes_it_in_english_too(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """The dates of each kind of file, refused for what they say of a group or a person,
    are quoted as written (``31/12/2014``), not as read (``2014-12-31``), in either language.
    (The group's own dates in the reason are the program's: ISO in English.)"""
    setup(cqn, query, tmp_path, "groups")
    files = {
        "groups": "Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập,Ngày giải thể\n"
        "XH-CLB09,CLB 9,CLB,Xuân Hà,01/01/2015,31/12/2014\n",
        "members": MEMBER_HEADER + "CQN000001,XH-CLB01,31/12/2014,\n",
        "attendance": "Mã cuộc họp,Ngày họp,Loại,Mã nhóm,Mã CQN,Điểm danh\n"
        "H1,31/12/2014,Họp quý,XH-CLB01,CQN000001,có mặt\n",
        "visits": "Mã CQN,Ngày thăm,Lý do,Quà tặng,Mã nhóm,Ghi chú\n"
        "CQN000001,14/03/1952,ốm đau,,,\n",
    }
    expected = {
        "groups": "2:6 [Ngày giải thể] '31/12/2014': dissolved on or before the founding date",
        "members": "2:3 [Ngày tham gia] '31/12/2014': joined before the group was founded",
        "attendance": "2:2 [Ngày họp] '31/12/2014': group XH-CLB01 did not exist that day",
        "visits": "2:2 [Ngày thăm] '14/03/1952': a visit before the person was born",
    }
    for kind, text in files.items():
        f = write_csv(tmp_path / f"{kind}.csv", text)
        before = snapshot(query)
        r = cqn("import", kind, f, lang="en")
        assert r.exit_code == 1, r.output
        assert snapshot(query) == before
        assert r.stderr.startswith(f"{f}:{expected[kind]}"), r.stderr


def test_a_membership_overlapping_one_held_is_refused(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """CQN000002 was in XH-CLB01 from 01/03/2016 to 30/06/2019; CQN000001 is in it since 2015."""
    setup(cqn, query, tmp_path, "groups", "members")
    f = write_csv(
        tmp_path / "m.csv",
        MEMBER_HEADER + "CQN000002,XH-CLB01,01/01/2019,\n"
        "CQN000001,XH-CLB01,01/01/2019,\n"
        "CQN000002,XH-CLB01,01/01/2015,01/03/2016\n",  # ends the day the held one starts: fine
    )
    lines = refused(cqn, query, "members", f)
    assert (
        f"{f}:2:3 [Ngày tham gia] '01/01/2019': trùng thời gian với một lần tham gia khác"
        " của người này trong nhóm XH-CLB01 (01/03/2016)"
    ) in lines
    assert (
        f"{f}:3:3 [Ngày tham gia] '01/01/2019': trùng thời gian với một lần tham gia khác"
        " của người này trong nhóm XH-CLB01 (01/02/2015)"
    ) in lines
    assert lines[-1] == f"{f}: 2 dòng lỗi; không ghi gì."


def test_an_overlap_inside_one_file_names_the_other_line(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path, "groups")
    f = write_csv(
        tmp_path / "m.csv",
        MEMBER_HEADER
        + "CQN000005,AK-CLB01,01/02/2018,31/12/2018\nCQN000005,AK-CLB01,01/06/2018,\n",
    )
    lines = refused(cqn, query, "members", f)
    assert any(line.startswith(f"{f}:3:3") and "(dòng 2)" in line for line in lines), lines


def test_a_membership_update_that_would_overlap_a_later_one_is_refused(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path, "groups", "members")
    rejoin = write_csv(tmp_path / "m1.csv", MEMBER_HEADER + "CQN000002,XH-CLB01,01/01/2020,\n")
    imported(cqn, "members", rejoin)
    # Pushing the end of the 2016 membership past the 2020 one.
    f = write_csv(tmp_path / "m2.csv", MEMBER_HEADER + "CQN000002,XH-CLB01,01/03/2016,01/06/2020\n")
    lines = refused(cqn, query, "members", f)
    assert any("trùng thời gian" in line and line.startswith(f"{f}:2") for line in lines), lines


# ---- attendance ---------------------------------------------------------------------------


def test_attendance_in_xlsx_with_vietnamese_words(cqn: Run, query: Query, tmp_path: Path) -> None:
    setup(cqn, query, tmp_path, "groups", "members")
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã họp", "Ngày", "Loại cuộc họp", "Mã CLB", "Nội dung", "Trạng thái", "Số CCCD"])
    ws["H1"], ws["I1"], ws["J1"], ws["K1"] = "Mã CQN", "Họ tên", "Năm sinh", "Phường"
    q1 = dt.datetime(2019, 3, 15)
    rows: list[list[Any]] = [
        ["XH1-Q1", q1, "Họp quý", "XH-CLB01", "Họp quý I", "Có mặt", AN],
        ["XH1-Q1", q1, "hop quy", "XH-CLB01", None, "Vắng có phép", None, "CQN000002"],
        [
            "XH1-Q1",
            q1,
            "HỌP QUÝ",
            "XH-CLB01",
            None,
            "vang",
            None,
            None,
            "Lê Văn Cường",
            1948,
            "Xuân Hà",
        ],
        ["XH1-Q1", q1, "quarterly", "XH-CLB01", None, "co mat", None, 5],
        ["GM-3004", "30/04/2019", "gap mat", "XH-BLL01", "Gặp mặt 30/4", "x", int(DUNG)],
        ["TK-2019", "20/12/2019", "Tổng kết", "AK-CLB01", None, "P", None, "CQN000005"],
        ["SK-2019", "01/07/2019", "Sơ kết", "AK-CLB01", None, "absent", None, "CQN000005"],
        ["K-2019", "05/08/2019", "khác", "XH-CLB01", None, "present", None, "CQN000001"],
    ]
    for row in rows:
        ws.append(row)
    f = tmp_path / "diem-danh.xlsx"
    wb.save(f)
    r = imported(cqn, "attendance", f)
    assert summary(8, 8, 0, 0, 0) in r.stdout
    assert meetings(query) == [
        ("XH1-Q1", "2019-03-15", "quarterly", "XH-CLB01", "Họp quý I"),
        ("GM-3004", "2019-04-30", "gathering", "XH-BLL01", "Gặp mặt 30/4"),
        ("TK-2019", "2019-12-20", "review", "AK-CLB01", None),
        ("SK-2019", "2019-07-01", "review", "AK-CLB01", None),
        ("K-2019", "2019-08-05", "other", "XH-CLB01", None),
    ]
    assert marks(query) == [
        ("XH1-Q1", 1, "present"),
        ("XH1-Q1", 2, "excused"),
        ("XH1-Q1", 3, "absent"),
        ("XH1-Q1", 5, "present"),
        ("GM-3004", 4, "present"),
        ("TK-2019", 5, "excused"),
        ("SK-2019", 5, "absent"),
        ("K-2019", 1, "present"),
    ]


def test_attendance_accent_free_headers_and_a_second_sheet_updates_a_mark(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path, "groups", "members", "attendance")
    f = write_csv(
        tmp_path / "a2.csv",
        "ma hop,ngay hop,loai,ma nhom,ma cqn,diem danh\n"
        "XH1-2019Q1,15/03/2019,hop quy,XH-CLB01,CQN000003,co mat\n"  # was absent
        "xh1-2019q1,15/03/2019,Họp quý,xh-clb01,CQN000001,Có mặt\n"  # unchanged
        "XH1-2019Q2,20/06/2019,Họp quý,XH-CLB01,CQN000001,vắng có phép\n",  # new meeting
    )
    r = imported(cqn, "attendance", f)
    assert summary(3, 1, 1, 1, 0) in r.stdout
    assert meetings(query)[-1] == ("XH1-2019Q2", "2019-06-20", "quarterly", "XH-CLB01", None)
    assert marks(query) == [
        ("XH1-2019Q1", 1, "present"),
        ("XH1-2019Q1", 2, "excused"),
        ("XH1-2019Q1", 3, "present"),
        ("BLL-3004", 4, "present"),
        ("XH1-2019Q2", 1, "excused"),
    ]


ATT_HEADER = "Mã cuộc họp,Ngày họp,Loại,Mã nhóm,Mã CQN,Điểm danh\n"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (  # date
            [
                "H1,15/03/2019,Họp quý,XH-CLB01,CQN000001,có mặt",
                "H1,16/03/2019,Họp quý,XH-CLB01,CQN000002,có mặt",
            ],
            "3:1 [Mã cuộc họp] 'H1': cuộc họp này đã có với ngày, loại hoặc nhóm khác (dòng 2)",
        ),
        (  # kind
            [
                "H1,15/03/2019,Họp quý,XH-CLB01,CQN000001,có mặt",
                "H1,15/03/2019,gặp mặt,XH-CLB01,CQN000002,có mặt",
            ],
            "3:1 [Mã cuộc họp] 'H1': cuộc họp này đã có với ngày, loại hoặc nhóm khác (dòng 2)",
        ),
        (  # group
            [
                "H1,15/03/2019,Họp quý,XH-CLB01,CQN000001,có mặt",
                "H1,15/03/2019,Họp quý,XH-BLL01,CQN000004,có mặt",
            ],
            "3:1 [Mã cuộc họp] 'H1': cuộc họp này đã có với ngày, loại hoặc nhóm khác (dòng 2)",
        ),
        (
            [
                "H1,15/03/2019,Họp quý,XH-CLB01,CQN000001,có mặt",
                "H1,15/03/2019,Họp quý,XH-CLB01,CQN000001,vắng",
            ],
            "3: người này đã được điểm danh ở cuộc họp này (dòng 2)",
        ),
        (  # the same person, written two ways
            [
                "H1,15/03/2019,Họp quý,XH-CLB01,CQN000004,có mặt",
                "H1,15/03/2019,Họp quý,XH-CLB01,4,có mặt",
            ],
            "3: người này đã được điểm danh ở cuộc họp này (dòng 2)",
        ),
        (
            [f"H1,15/03/{NEXT_YEAR},Họp quý,XH-CLB01,CQN000001,có mặt"],
            f"2:2 [Ngày họp] '15/03/{NEXT_YEAR}': ngày trong tương lai",
        ),
        (
            ["H1,31/12/2014,Họp quý,XH-CLB01,CQN000001,có mặt"],
            "2:2 [Ngày họp] '31/12/2014': nhóm XH-CLB01 không tồn tại vào ngày này"
            " (thành lập 01/01/2015, giải thể —)",
        ),
        (
            ["H1,01/10/2019,gặp mặt,XH-BLL01,CQN000004,có mặt"],
            "2:2 [Ngày họp] '01/10/2019': nhóm XH-BLL01 không tồn tại vào ngày này"
            " (thành lập 15/03/2016, giải thể 01/10/2019)",
        ),
        (
            ["H1,22/12/2019,gặp mặt,XH-BLL01,CQN000004,có mặt"],
            "2:2 [Ngày họp] '22/12/2019': nhóm XH-BLL01 không tồn tại vào ngày này"
            " (thành lập 15/03/2016, giải thể 01/10/2019)",
        ),
        (
            ["H1,15/03/2019,Họp quý,XH-CLB1,CQN000001,có mặt"],
            "2:4 [Mã nhóm] 'XH-CLB1': không có nhóm mã 'XH-CLB1'; có phải 'XH-CLB01'?",
        ),
        (
            ["H1,15/03/2019,Họp tháng,XH-CLB01,CQN000001,có mặt"],
            "2:3 [Loại] 'Họp tháng': loại cuộc họp không biết",
        ),
        (
            ["H1,15/03/2019,Họp quý,XH-CLB01,CQN000001,đi muộn"],
            "2:6 [Điểm danh] 'đi muộn': điểm danh không biết",
        ),
        (
            ["H1,15/03/2019,Họp quý,XH-CLB01,CQN000099,có mặt"],
            "2:5 [Mã CQN]: không có CQN mã CQN000099",
        ),
    ],
)
def test_bad_attendance_rows_refuse_the_file(
    cqn: Run, query: Query, tmp_path: Path, rows: list[str], expected: str
) -> None:
    setup(cqn, query, tmp_path, "groups", "members")
    f = write_csv(
        tmp_path / "a.csv",
        ATT_HEADER + "".join(r + "\n" for r in rows) + "H9,01/06/2019,khác,AK-CLB01,5,có mặt\n",
    )
    lines = refused(cqn, query, "attendance", f)
    assert any(line.startswith(f"{f}:{expected}") for line in lines), lines
    assert lines[-1] == f"{f}: 1 dòng lỗi; không ghi gì."


def test_an_attendance_file_naming_nobody_is_refused_row_by_row(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """No column that names a person (a sheet cut short): each row says so, no crash."""
    setup(cqn, query, tmp_path, "groups", "members")
    f = write_csv(
        tmp_path / "a.csv",
        "Mã cuộc họp,Ngày họp,Loại,Mã nhóm,Điểm danh\n"
        "H1,15/03/2019,Họp quý,XH-CLB01,có mặt\nH1,15/03/2019,Họp quý,XH-CLB01,vắng\n",
    )
    lines = refused(cqn, query, "attendance", f)
    assert [s.split(":")[1] for s in lines[:-1]] == ["2", "3"]
    assert all("thiếu người" in s for s in lines[:-1]), lines
    assert lines[-1] == f"{f}: 2 dòng lỗi; không ghi gì."


def test_attendance_disagreeing_with_a_held_meeting_is_refused(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """XH1-2019Q1 is held as a quarterly meeting of XH-CLB01 on 15/03/2019."""
    setup(cqn, query, tmp_path, "groups", "members", "attendance")
    f = write_csv(
        tmp_path / "a.csv",
        ATT_HEADER + "XH1-2019Q1,15/03/2019,Họp quý,XH-CLB01,CQN000006,có mặt\n"  # agrees
        "XH1-2019Q1,16/03/2019,Họp quý,XH-CLB01,CQN000005,có mặt\n"
        "XH1-2019Q1,15/03/2019,Sơ kết,XH-CLB01,CQN000005,có mặt\n"
        "XH1-2019Q1,15/03/2019,Họp quý,AK-CLB01,CQN000005,có mặt\n",
    )
    lines = refused(cqn, query, "attendance", f)
    for line in (3, 4, 5):
        assert any(
            s.startswith(f"{f}:{line}:1 [Mã cuộc họp] 'XH1-2019Q1': cuộc họp này đã có")
            for s in lines
        ), lines
    assert lines[-1] == f"{f}: 3 dòng lỗi; không ghi gì."


def test_a_row_made_of_parts_already_checked_is_still_checked_whole(
    cqn: Run, query: Query, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows repeat their meeting and their people; a row whose every part was seen in a
    good row is not parsed again, and is refused all the same when it repeats a mark, or
    when its one new part is wrong."""
    from cqn_cli.ingest.rows import RowLoader

    setup(cqn, query, tmp_path, "groups", "members")
    parsed = calls_to(monkeypatch, lambda loader, line, cells: line, (RowLoader, "parse"))
    q1 = "H1,15/03/2019,Họp quý,XH-CLB01"
    f = write_csv(
        tmp_path / "a.csv",
        ATT_HEADER + f"{q1},CQN000001,có mặt\n"
        f"{q1},CQN000002,vắng\n"
        "H2,20/06/2019,Họp quý,XH-CLB01,CQN000001,vắng\n"
        f"{q1},CQN000001,có mặt\n"  # line 5: line 2 again, every part known
        f"{q1},CQN000002,đi muộn\n",  # line 6: the mark is the only new part
    )
    lines = refused(cqn, query, "attendance", f)
    assert f"{f}:5: người này đã được điểm danh ở cuộc họp này (dòng 2)" in lines
    assert any(s.startswith(f"{f}:6:6 [Điểm danh] 'đi muộn': điểm danh không biết") for s in lines)
    assert lines[-1] == f"{f}: 2 dòng lỗi; không ghi gì."
    assert parsed == [2, 3, 4, 6]  # line 5 was known whole


# Every kind of attendance row: marks of a new meeting (by id, by number), of a held one
# (changed, unchanged), a held meeting contradicted, a person marked twice, an unknown
# person twice, an unknown mark, a row too short, a meeting of a group dissolved by then,
# rows made only of parts known good and of parts known bad; and a column of no field
# whose cells differ row by row.
APART = (
    "Mã cuộc họp,Ngày họp,Loại,Mã nhóm,Mã CQN,Điểm danh,Ghi chú\n"
    "H1,15/03/2019,Họp quý,XH-CLB01,CQN000001,có mặt,a\n"
    "H1,15/03/2019,Họp quý,XH-CLB01,CQN000002,vắng,b\n"
    "XH1-2019Q1,15/03/2019,Họp quý,XH-CLB01,CQN000002,có mặt,c\n"
    "XH1-2019Q1,15/03/2019,Họp quý,XH-CLB01,CQN000003,vắng,d\n"
    "XH1-2019Q1,16/03/2019,Họp quý,XH-CLB01,CQN000006,có mặt,e\n"
    "H1,15/03/2019,Họp quý,XH-CLB01,CQN000001,vắng,f\n"
    "H1,15/03/2019,Họp quý,XH-CLB01,CQN000099,có mặt,g\n"
    "H2,20/06/2019,Họp quý,XH-CLB01,CQN000099,có mặt,h\n"
    "H2,20/06/2019,Họp quý,XH-CLB01,CQN000003,đi muộn,i\n"
    "H2,20/06/2019\n"
    "B9,15/11/2019,gặp mặt,XH-BLL01,CQN000004,có mặt,j\n"
    "B9,15/11/2019,gặp mặt,XH-BLL01,CQN000004,có mặt,k\n"
    "H2,20/06/2019,Họp quý,XH-CLB01,CQN000003,có mặt,l\n"
    "H2,20/06/2019,Họp quý,XH-CLB01,CQN000001,có mặt,m\n"
    f"H2,20/06/2019,Họp quý,XH-CLB01,{DUNG},vắng có phép,n\n"
    "H1,15/03/2019,Họp quý,XH-CLB01,CQN000003,có mặt,o\n"
)


@pytest.mark.parametrize("how", [(), ("--skip-bad", "--rejects", "REJECTS")], ids=["all", "skip"])
def test_a_big_attendance_file_read_by_a_second_process_says_and_writes_the_same(
    cqn: Run,
    query: Query,
    tmp_path: Path,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: tuple[str, ...],
) -> None:
    """Past ``APART_BYTES`` (here every file), the rows are read by a second process and
    sent as the numbers of their parts; what is said and written is the same as when
    they are read here."""
    import os
    import shutil
    import sys

    from cqn_cli.ingest import engine
    from cqn_cli.ingest.activity import AttendanceLoader

    if sys.platform != "linux":
        pytest.skip("a second process is forked on Linux only")
    setup(cqn, query, tmp_path, "groups", "members", "attendance")
    f = write_csv(tmp_path / "a.csv", APART)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    prepared_here = calls_to(monkeypatch, lambda *a: a[1], (AttendanceLoader, "prepare"))
    taken = calls_to(monkeypatch, lambda *a: a[1], (AttendanceLoader, "take"))
    outcome = {}
    for name, limit in (("apart", 0), ("here", 1 << 60)):
        monkeypatch.setattr(engine, "APART_BYTES", limit)
        (tmp_path / name).mkdir()
        db = tmp_path / name / "cqn.db"
        shutil.copy(db_path, db)
        rejects = tmp_path / name / "rejects.csv"  # named alike: said alike
        opts = [str(rejects) if o == "REJECTS" else o for o in how]
        r = CliRunner().invoke(app, ["--db", str(db), "import", "attendance", str(f), *opts])
        conn = sqlite3.connect(db)
        written = {
            t: conn.execute(sql).fetchall()
            for t, sql in (
                ("meeting", "SELECT * FROM meeting ORDER BY id"),
                ("attendance", "SELECT * FROM attendance ORDER BY meeting_id, person_id"),
                ("audit", "SELECT entity, entity_key, person_id, action, changes FROM audit"),
                ("log", "SELECT rows, inserted, updated, unchanged, rejected FROM import_log"),
            )
        }
        conn.close()
        said = r.stdout + r.stderr.replace(str(tmp_path / name), "…")
        outcome[name] = (r.exit_code, said, written, rejects.read_bytes() if how else None)
    assert outcome["apart"] == outcome["here"]
    assert prepared_here == []  # read over there
    assert 2 <= len(taken) <= 17 and taken == sorted(taken)  # and taken here
    code, said, written, rejected = outcome["apart"]
    assert code == (0 if how else 1)
    for line, what in (
        (6, "cuộc họp này đã có"),
        (7, "đã được điểm danh ở cuộc họp này (dòng 2)"),
        (8, "CQN000099"),
        (9, "CQN000099"),
        (10, "điểm danh không biết"),
        (11, "dòng có 2 ô"),
        (13, "XH-BLL01"),
        (16, DUNG[:4]),  # a national id in the column of ids
    ):
        assert f"{f}:{line}" in said or (rejected and f"dòng {line}:" in rejected.decode()), what
    if how:
        # Good: lines 2, 3, 14, 15 and 17 new marks, 4 a mark changed, 5 one unchanged.
        assert written["log"][-1] == (16, 5, 1, 1, 9)
        assert len(written["attendance"]) == 4 + 5  # the setup's marks and the new ones


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(1, 40)),  # (meeting, person) in file order
        max_size=300,
    ),
    st.integers(1, 40),
)
def test_the_marks_put_away_answer_as_a_table_of_every_mark_does(
    marks: list[tuple[int, int]], settled: int
) -> None:
    """Which line first marked a person at a meeting, whatever order a file's rows go
    in and however soon a meeting's marks are put away (``_Marked.SETTLED``)."""
    from cqn_cli.ingest import activity

    held = {m: activity._Marked() for m in range(4)}
    every: dict[tuple[int, int], int] = {}
    last = None
    with pytest.MonkeyPatch.context() as m:
        m.setattr(activity._Marked, "SETTLED", settled)
        for line, (meeting, pk) in enumerate(marks, start=2):
            if last is not None and meeting != last:
                held[last].settle()
            last = meeting
            assert held[meeting].first(pk, line) == every.setdefault((meeting, pk), line)
    people = [len(h.people) + len(h.recent) for h in held.values()]
    assert sum(people) == len(every)  # each mark kept once


def test_marks_of_meetings_taken_in_turn_are_merged_a_few_dozen_times_not_at_every_turn() -> None:
    """A file sorted by person (each person's meetings, one after the other) turns from
    one meeting to the next at every row: each meeting's marks are merged with those put
    away a number of times that grows with the logarithm of its size, not with it (a
    20,000-member group's six meetings took 11 s, not 1.4)."""
    from cqn_cli.ingest import activity

    meetings = [activity._Marked(), activity._Marked()]
    merges = 0
    line = 1
    for pk in range(1, 20_001):
        for marked in meetings:
            before = marked.people
            line += 1
            assert marked.first(pk, line) == line
            marked.settle()
            merges += marked.people is not before
    assert merges <= 2 * 60  # SETTLED, then each time an eighth more
    assert [m.first(7, 0) for m in meetings] == [14, 15]  # the lines that marked them


def test_marks_put_away_at_every_turn_say_and_write_the_same(
    cqn: Run, query: Query, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file going back and forth between meetings, each meeting's marks put away at
    every turn: the same marks said twice (with the line that marked them first), the
    same written, as when they stay in a table."""
    import shutil

    from cqn_cli.ingest import activity

    setup(cqn, query, tmp_path, "groups", "members", "attendance")
    f = write_csv(tmp_path / "a.csv", APART)
    outcome = {}
    for settled in (1, activity._Marked.SETTLED):
        monkeypatch.setattr(activity._Marked, "SETTLED", settled)
        db = tmp_path / f"{settled}.db"
        shutil.copy(db_path, db)
        r = CliRunner().invoke(app, ["--db", str(db), "import", "attendance", str(f)])
        outcome[settled] = (r.exit_code, r.stdout, r.stderr.replace(str(db), "…"))
    assert outcome[1] == outcome[activity._Marked.SETTLED]
    assert f"{f}:7: người này đã được điểm danh ở cuộc họp này (dòng 2)" in outcome[1][2]


def test_a_big_attendance_file_whose_second_process_is_killed_writes_nothing(
    cqn: Run, query: Query, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing
    import os
    import signal
    import sys

    from cqn_cli.ingest import engine
    from cqn_cli.ingest.activity import AttendanceLoader

    if sys.platform != "linux":
        pytest.skip("a second process is forked on Linux only")
    setup(cqn, query, tmp_path, "groups", "members")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(engine, "APART_BYTES", 0)
    killed_at(monkeypatch, AttendanceLoader, 5)
    before = snapshot(query)
    f = write_csv(tmp_path / "a.csv", APART)
    r = cqn("import", "attendance", f)
    assert r.exit_code == 128 + signal.SIGKILL
    assert r.stderr.splitlines()[-1] == (
        f"{f}: tiến trình thứ hai đọc tệp đã bị dừng (tín hiệu 9); không ghi gì."
    )
    assert multiprocessing.active_children() == []
    assert snapshot(query) == before


@pytest.mark.parametrize("after", [1, 10**9], ids=["one by one first", "all at once"])
def test_people_named_by_number_are_found_alike_one_by_one_or_all_at_once(
    cqn: Run, query: Query, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    """Past one number named for every NUMBERS_AFTER people held, an activity import reads
    who holds every number in one go instead of asking for each: the people found, and
    the numbers nobody holds, are the same either way."""
    from cqn_cli import people

    monkeypatch.setattr(people, "NUMBERS_AFTER", after)
    setup(cqn, query, tmp_path, "groups", "members")
    asked = calls_to(monkeypatch, lambda idx, number: number, (people.PersonIndex, "holder"))
    header = "Mã cuộc họp,Ngày họp,Loại,Mã nhóm,Số CCCD,Họ và tên,Điểm danh\n"
    q1 = "H1,15/03/2019,Họp quý,XH-CLB01"
    rows = f"{q1},{AN},,có mặt\n{q1},{BINH},,vắng\n{q1},{DUNG},Phạm Văn Dũng,có mặt\n"
    bad = write_csv(tmp_path / "bad.csv", header + rows + f"{q1},048052000199,,có mặt\n")
    lines = refused(cqn, query, "attendance", bad)
    assert lines[0] == f"{bad}:5:5 [Số CCCD]: không có CQN nào mang số CCCD 0480******99"
    assert lines[-1] == f"{bad}: 1 dòng lỗi; không ghi gì."
    # Six people held: at NUMBERS_AFTER = 1 the first six numbers are asked for one by
    # one, else none is; a number with a name to compare always is.
    assert asked == ([AN, BINH, DUNG, "048052000199"] if after == 1 else [DUNG])
    asked.clear()
    imported(cqn, "attendance", write_csv(tmp_path / "good.csv", header + rows))
    assert [m for m in marks(query) if m[0] == "H1"] == [
        ("H1", 1, "present"),
        ("H1", 2, "absent"),
        ("H1", 4, "present"),
    ]


def test_a_big_attendance_file_leaves_the_schema_and_the_audit_as_they_were(
    cqn: Run, query: Query, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The marks of meetings a file makes go in with the audit trigger left out (it passes
    over them anyway) and, past as many marks as were held, without the index by person,
    built again at the end: afterwards the schema is the same text, the marks of a held
    meeting are audited one by one as ever, and a file refused half way changes nothing."""
    from cqn_cli.ingest import activity, rows
    from cqn_cli.store import db as store

    setup(cqn, query, tmp_path, "groups", "members", "attendance")  # 4 marks held
    monkeypatch.setattr(activity, "BATCH", 2)
    monkeypatch.setattr(activity, "NEW_MARKS_BATCH", 2)
    monkeypatch.setattr(rows, "INDEX_LATER", 1)
    dropped = calls_to(
        monkeypatch, lambda db, kind, name: name, (store, "left_out"), (rows, "left_out")
    )
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    before = query(schema)
    new_rows = [
        f"{code},{day}/05/2019,Họp quý,XH-CLB01,CQN00000{pk},{mark}"
        for code, day in (("M1", "10"), ("M2", "20"), ("M3", "30"))
        for pk, mark in ((1, "có mặt"), (3, "vắng"))
    ]
    held = "XH1-2019Q1,15/03/2019,Họp quý,XH-CLB01,CQN000003,có mặt"  # was absent
    bad = write_csv(tmp_path / "bad.csv", ATT_HEADER + "".join(r + "\n" for r in new_rows)
                    + "M4,31/05/2019,Họp quý,XH-CLB01,CQN000099,có mặt\n")  # fmt: skip
    refused(cqn, query, "attendance", bad)
    assert "attendance_person" in dropped  # the refusal came after the index was left out
    assert query(schema) == before
    dropped.clear()
    good = write_csv(tmp_path / "a.csv", ATT_HEADER + "".join(r + "\n" for r in [*new_rows, held]))
    r = imported(cqn, "attendance", good)
    assert summary(7, 6, 1, 0, 0) in r.stdout
    assert "attendance_person" in dropped and "audit_attendance_insert" in dropped
    assert query(schema) == before
    assert query("PRAGMA integrity_check") == [("ok",)]
    assert marks(query)[-6:] == [
        (code, pk, status)
        for code in ("M1", "M2", "M3")
        for pk, status in ((1, "present"), (3, "absent"))
    ]
    plan = query("EXPLAIN QUERY PLAN SELECT meeting_id FROM attendance WHERE person_id = 3")
    assert any("attendance_person" in row[-1] for row in plan), plan
    audited = query(
        "SELECT a.entity_key, a.action FROM audit a JOIN audit_session s ON s.id = a.session_id"
        " WHERE a.entity = 'attendance' AND s.command LIKE '%a.csv'"
    )
    assert audited == [("XH1-2019Q1 CQN000003", "update")]


def test_the_audit_trail_gets_a_files_changes_in_the_order_of_its_batches(
    cqn: Run, query: Query, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New meetings and the marks of held ones are written every ``BATCH`` marks of
    either kind, as they always were (only the unaudited marks of new meetings wait for
    bigger batches): a change made in an earlier batch comes first in the trail."""
    from cqn_cli.ingest import activity

    setup(cqn, query, tmp_path, "groups", "members", "attendance")
    monkeypatch.setattr(activity, "BATCH", 3)
    q1 = "XH1-2019Q1,15/03/2019,Họp quý,XH-CLB01"
    f = write_csv(
        tmp_path / "a.csv",
        ATT_HEADER + "M1,10/05/2019,Họp quý,XH-CLB01,CQN000001,có mặt\n"
        "M1,10/05/2019,Họp quý,XH-CLB01,CQN000002,có mặt\n"
        f"{q1},CQN000001,vắng\n"  # the third mark: written with the first batch
        f"{q1},CQN000006,có mặt\n",  # a guest's new mark: with the last
    )
    imported(cqn, "attendance", f)
    audited = query(
        "SELECT a.entity, a.entity_key, a.action FROM audit a"
        " JOIN audit_session s ON s.id = a.session_id WHERE s.command LIKE '%a.csv' ORDER BY a.id"
    )
    assert audited == [
        ("meeting", "M1", "insert"),
        ("attendance", "XH1-2019Q1 CQN000001", "update"),
        ("attendance", "XH1-2019Q1 CQN000006", "insert"),
    ]


def test_marks_are_written_with_their_references_checked_at_once(
    cqn: Run, query: Query, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attendance import checks its marks' meetings and people itself, once each,
    with SQLite's foreign keys off for its transaction alone: a reference to nobody (here
    a resolver gone wrong) is refused all the same, and every other write of the
    connection has its foreign keys back."""
    import sqlite3

    from cqn_cli.ingest.engine import ImportOptions, ImportRefused, importer
    from cqn_cli.people import PersonResolver
    from cqn_cli.store.db import open_db

    setup(cqn, query, tmp_path, "groups", "members")
    options = ImportOptions(as_of=dt.date(2019, 12, 31), today=dt.date.today(), force=True)
    db = open_db(db_path)
    good = write_csv(tmp_path / "a.csv", ATTENDANCE)
    from cqn_cli.ingest.activity import AttendanceLoader
    from cqn_cli.store.db import IMPORT_CACHE, READ_CACHE, READ_MMAP

    def pages(db: Any) -> tuple[int, int]:
        (cache,), (mapped,) = (
            db.execute(f"PRAGMA {p}").fetchone() for p in ("cache_size", "mmap_size")
        )
        return cache, mapped

    # As SQLite was built: at most 2 GB where it maps files at all (0 where it does not).
    plain = sqlite3.connect(tmp_path / "plain.db")
    mapped = plain.execute(f"PRAGMA mmap_size = {READ_MMAP}").fetchone()
    plain.close()
    readers = (READ_CACHE, mapped[0] if mapped else 0)
    caches = calls_to(monkeypatch, lambda loader: pages(loader.db), (AttendanceLoader, "finish"))
    assert pages(db) == readers  # as every connection
    assert importer("attendance")(db, good, options).counts.inserted == 4
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    # The import's small page cache and no memory map while it ran, the readers' after it.
    assert caches == [(IMPORT_CACHE, 0)]
    assert pages(db) == readers
    with pytest.raises(ImportRefused):
        importer("attendance")(db, write_csv(tmp_path / "b.csv", ATT_HEADER + "H,x,y,z,1,P\n"),
                               options)  # fmt: skip
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert pages(db) == readers  # refused: the same again
    before = snapshot(query)
    monkeypatch.setattr(PersonResolver, "resolve", lambda self, **_: 999)
    wrong = write_csv(tmp_path / "c.csv", ATT_HEADER + "H2,20/06/2019,Họp quý,XH-CLB01,5,có mặt\n")
    with pytest.raises(sqlite3.IntegrityError):
        importer("attendance")(db, wrong, options)
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert snapshot(query) == before
    db.close()


# ---- visits -------------------------------------------------------------------------------


def test_visits_money_in_every_written_form(cqn: Run, query: Query, tmp_path: Path) -> None:
    setup(cqn, query, tmp_path, "groups")
    f = write_csv(
        tmp_path / "tham-hoi.csv",
        "Mã CQN,Ngày thăm,Lý do,Quà tặng,Mã nhóm,Ghi chú\n"
        "CQN000001,01/02/2019,ốm đau,500000,XH-CLB01,Nằm viện C17\n"
        "CQN000001,02/02/2019,Tang lễ,500.000,,\n"
        'CQN000001,03/02/2019,hoan nan,"500,000",,\n'
        "CQN000001,04/02/2019,khác,500.000đ,,\n"
        "CQN000001,05/02/2019,Hiếu,1.000.000 VNĐ,,\n"
        "CQN000001,06/02/2019,om dau,500k,,\n"
        'CQN000001,07/02/2019,Ốm,"1,5 triệu",,\n'
        "CQN000001,08/02/2019,Tang lễ / hiếu,500.000 VNĐ,,\n"
        "CQN000001,09/02/2019,Hoạn nạn,50.000.000,,\n"
        "CQN000001,10/02/2019,ốm đau,,XH-CLB01,\n"
        "CQN000004,11/02/2019,sick,0,XH-BLL01,\n"
        "CQN000004,12/02/2019,other,300 nghìn,,\n"
        "CQN000004,13/02/2019,hardship,200.000 đồng,,\n",
    )
    r = imported(cqn, "visits", f)
    assert summary(13, 13, 0, 0, 0) in r.stdout
    assert visits(query) == [
        (1, "2019-02-01", "sick", 500_000, "XH-CLB01", "Nằm viện C17"),
        (1, "2019-02-02", "bereavement", 500_000, None, None),
        (1, "2019-02-03", "hardship", 500_000, None, None),
        (1, "2019-02-04", "other", 500_000, None, None),
        (1, "2019-02-05", "bereavement", 1_000_000, None, None),
        (1, "2019-02-06", "sick", 500_000, None, None),
        (1, "2019-02-07", "sick", 1_500_000, None, None),
        (1, "2019-02-08", "bereavement", 500_000, None, None),
        (1, "2019-02-09", "hardship", 50_000_000, None, None),
        (1, "2019-02-10", "sick", None, "XH-CLB01", None),
        (4, "2019-02-11", "sick", 0, "XH-BLL01", None),
        (4, "2019-02-12", "other", 300_000, None, None),
        (4, "2019-02-13", "hardship", 200_000, None, None),
    ]
    assert query("SELECT DISTINCT typeof(gift) FROM visit WHERE gift IS NOT NULL") == [("integer",)]


def test_visits_in_windows_1258_with_semicolons(cqn: Run, query: Query, tmp_path: Path) -> None:
    setup(cqn, query, tmp_path, "groups")
    f = write_csv(
        tmp_path / "tham-hoi.csv",
        "Mã CQN;Ngày thăm;Lý do;Quà tặng;Mã nhóm;Ghi chú\n"
        "CQN000001;01/02/2019;ốm đau;500,000;XH-CLB01;Nằm viện, mổ mắt\n"
        "CQN000002;02/02/2019;Tang lễ;500.000đ;;Chồng mất\n"
        "CQN000005;03/02/2019;hoạn nạn;1.000.000 VNĐ;AK-CLB01;\n"
        "CQN000004;04/02/2019;Hiếu;500k;;\n",
        encoding="cp1258",
        newline="\r\n",
    )
    r = imported(cqn, "visits", f)
    assert summary(4, 4, 0, 0, 0) in r.stdout
    rows = visits(query)
    assert rows == [
        (1, "2019-02-01", "sick", 500_000, "XH-CLB01", "Nằm viện, mổ mắt"),
        (2, "2019-02-02", "bereavement", 500_000, None, "Chồng mất"),
        (5, "2019-02-03", "hardship", 1_000_000, "AK-CLB01", None),
        (4, "2019-02-04", "bereavement", 500_000, None, None),
    ]
    assert all(unicodedata.is_normalized("NFC", row[5]) for row in rows if row[5])


def test_money_words_with_tone_marks_in_a_windows_1258_file(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path)
    f = write_csv(
        tmp_path / "tham-hoi.csv",
        "Mã CQN;Ngày thăm;Lý do;Quà tặng\n"
        "CQN000001;01/02/2019;ốm đau;1,5 triệu\n"
        "CQN000001;02/02/2019;ốm đau;300 nghìn\n"
        "CQN000001;03/02/2019;ốm đau;200.000 đồng\n",
        encoding="cp1258",
    )
    r = cqn("import", "visits", f)
    assert r.exit_code == 0, r.output
    assert query("SELECT gift FROM visit ORDER BY date") == [(1_500_000,), (300_000,), (200_000,)]


def test_messages_about_a_windows_1258_file_are_in_nfc(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path)
    f = write_csv(
        tmp_path / "v.csv",
        "Mã CQN;Ngày thăm;Lý do;Quà tặng\nCQN000001;01/02/2019;đi chơi;500.000\n",
        encoding="cp1258",
    )
    r = cqn("import", "visits", f)
    assert r.exit_code == 1
    assert f"{f}:2:3 [Lý do] 'đi chơi': lý do không biết" in r.stderr


def test_visits_by_name_birth_and_ward_and_by_national_id(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path)
    f = write_csv(
        tmp_path / "v.csv",
        "Họ và tên,Ngày sinh,Phường,Số CCCD,Ngày,Lý do,Số tiền\n"
        "Võ Văn Em,1955,An Khê,,12/03/2019,ốm đau,300.000\n"
        "Nguyễn Văn An,1958,Xuân Hà,,13/03/2019,hoạn nạn,200.000\n"
        f",,,{BINH},14/03/2019,tang le,1 triệu\n",
    )
    imported(cqn, "visits", f)
    assert visits(query) == [
        (5, "2019-03-12", "sick", 300_000, None, None),
        (6, "2019-03-13", "hardship", 200_000, None, None),
        (2, "2019-03-14", "bereavement", 1_000_000, None, None),
    ]


def test_visit_reimport_with_a_gift_filled_in_updates_it(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path, "groups", "visits")
    f = write_csv(
        tmp_path / "v2.csv",
        "Mã CQN,Ngày thăm,Lý do,Quà tặng,Mã nhóm,Ghi chú\n"
        "CQN000001,12/03/2019,ốm đau,700.000đ,XH-CLB01,\n"  # gift corrected, notes kept
        "CQN000005,20/08/2019,hoạn nạn,1.000.000,AK-CLB01,\n",  # unchanged
    )
    r = imported(cqn, "visits", f)
    assert summary(2, 0, 1, 1, 0) in r.stdout
    assert visits(query) == [
        (1, "2019-03-12", "sick", 700_000, "XH-CLB01", "Nằm viện"),
        (5, "2019-08-20", "hardship", 1_000_000, "AK-CLB01", None),
    ]


VISIT_HEADER = "Mã CQN;Ngày thăm;Lý do;Quà tặng;Mã nhóm\n"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("CQN000001;12/03/2019;ốm đau;-500.000;", "2:4 [Quà tặng] '-500.000': số tiền âm"),
        (
            "CQN000001;12/03/2019;ốm đau;50.000.001;",
            "2:4 [Quà tặng] '50.000.001': số tiền quá lớn (trên 50.000.000 đồng)",
        ),
        (
            "CQN000001;12/03/2019;ốm đau;500.000.000đ;",
            "2:4 [Quà tặng] '500.000.000đ': số tiền quá lớn (trên 50.000.000 đồng)",
        ),
        (
            "CQN000001;12/03/2019;ốm đau;100 triệu;",
            "2:4 [Quà tặng] '100 triệu': số tiền quá lớn (trên 50.000.000 đồng)",
        ),
        (
            "CQN000001;12/03/2019;ốm đau;năm trăm nghìn;",
            "2:4 [Quà tặng] 'năm trăm nghìn': số tiền không hợp lệ",
        ),
        ("CQN000001;12/03/2019;ốm đau;1,5;", "2:4 [Quà tặng] '1,5': số tiền không hợp lệ"),
        (
            "CQN000001;12/03/2019;ốm đau;5.00.000;",
            "2:4 [Quà tặng] '5.00.000': số tiền không hợp lệ",
        ),
        (
            f"CQN000001;12/03/{NEXT_YEAR};ốm đau;500.000;",
            f"2:2 [Ngày thăm] '12/03/{NEXT_YEAR}': ngày trong tương lai",
        ),
        ("CQN000001;12/03/2019;đi chơi;500.000;", "2:3 [Lý do] 'đi chơi': lý do không biết"),
        (
            "CQN000001;12/03/2019;ốm đau;500.000;XH-CLB1",
            "2:5 [Mã nhóm] 'XH-CLB1': không có nhóm mã 'XH-CLB1'; có phải 'XH-CLB01'?",
        ),
        ("CQN000001;;ốm đau;500.000;", "2:2 [Ngày thăm]: bắt buộc, đang để trống"),
    ],
)
def test_bad_visit_rows_refuse_the_file(
    cqn: Run, query: Query, tmp_path: Path, row: str, expected: str
) -> None:
    setup(cqn, query, tmp_path, "groups")
    f = write_csv(
        tmp_path / "v.csv",
        VISIT_HEADER + row + "\nCQN000005;20/08/2019;hoạn nạn;1.000.000;AK-CLB01\n",
    )
    lines = refused(cqn, query, "visits", f)
    assert any(line.startswith(f"{f}:{expected}") for line in lines), lines
    assert lines[-1] == f"{f}: 1 dòng lỗi; không ghi gì."


def test_the_same_visit_twice_in_a_file_is_refused(cqn: Run, query: Query, tmp_path: Path) -> None:
    setup(cqn, query, tmp_path, "groups")
    g = write_csv(
        tmp_path / "v2.csv",
        "Số CCCD;Mã CQN;Ngày thăm;Lý do;Quà tặng;Mã nhóm\n"
        ";CQN000001;12/03/2019;ốm đau;500.000;XH-CLB01\n"
        f"{AN};;12/03/2019;om dau;300.000;xh-clb01\n"
        ";CQN000001;12/03/2019;ốm đau;300.000;\n",
    )
    lines = refused(cqn, query, "visits", g)
    assert f"{g}:3: cùng người, cùng ngày, cùng lý do, cùng nhóm như dòng 2" in lines
    assert lines[-1] == f"{g}: 1 dòng lỗi; không ghi gì."


# ---- every import: no-op, --force, --dry-run, --skip-bad ----------------------------------

# kind → (what must be there first, a good file, its data rows, a bad row to add)
KINDS: dict[str, tuple[tuple[str, ...], str, int, str]] = {
    "groups": ((), GROUPS, 3, "XH-CLB09,CLB 9,Hội,Xuân Hà,01/01/2015,"),
    "members": (("groups",), MEMBERS, 5, "CQN000001,XH-CLB01,01/01/2014,,"),
    "attendance": (
        ("groups", "members"),
        ATTENDANCE,
        4,
        "H9,01/01/2014,Họp quý,XH-CLB01,CQN000001,Có mặt",
    ),
    "visits": (("groups",), VISITS, 2, "CQN000001,12/03/2019,ốm đau,năm trăm,,"),
}


def table_of(kind: str) -> str:
    return {"groups": "groups", "members": "membership", "attendance": "attendance"}.get(
        kind, "visit"
    )


@pytest.mark.parametrize("kind", list(KINDS))
def test_reimport_is_a_noop_and_force_changes_nothing(
    cqn: Run, query: Query, tmp_path: Path, kind: str
) -> None:
    first, text, rows, _ = KINDS[kind]
    setup(cqn, query, tmp_path, *first)
    f = write_csv(tmp_path / f"{kind}.csv", text)
    r = imported(cqn, kind, f)
    assert summary(rows, rows, 0, 0, 0) in r.stdout
    assert query(f"SELECT count(*) FROM {table_of(kind)}") == [(rows,)]
    before = snapshot(query)

    again = imported(cqn, kind, f)
    assert "tệp giống hệt đã nhập" in again.stdout
    assert snapshot(query) == before  # not even a line in the import log

    forced = imported(cqn, kind, f, "--force")
    assert f"{f}: {summary(rows, 0, 0, rows, 0)}" in forced.stdout
    assert data_tables(query) == {t: v for t, v in before.items() if t != "import_log"}
    assert query(
        "SELECT kind, file_name, rows, inserted, updated, unchanged, rejected FROM import_log"
        " ORDER BY id DESC LIMIT 1"
    ) == [(kind, f.name, rows, 0, 0, rows, 0)]


@pytest.mark.parametrize("kind", list(KINDS))
def test_dry_run_counts_and_writes_nothing(
    cqn: Run, query: Query, tmp_path: Path, kind: str
) -> None:
    first, text, rows, _ = KINDS[kind]
    setup(cqn, query, tmp_path, *first)
    before = snapshot(query)
    f = write_csv(tmp_path / f"{kind}.csv", text)
    r = imported(cqn, kind, f, "--dry-run")
    assert (
        f"{f} (thử, không ghi): {rows} dòng — sẽ thêm {rows}, cập nhật 0, không đổi 0, loại 0."
        in r.stdout
    )
    assert snapshot(query) == before
    # Not "already imported" afterwards: the real import does it.
    real = imported(cqn, kind, f)
    assert summary(rows, rows, 0, 0, 0) in real.stdout


@pytest.mark.parametrize("kind", list(KINDS))
def test_skip_bad_writes_the_good_rows_and_rejects_the_bad_one(
    cqn: Run, query: Query, tmp_path: Path, kind: str
) -> None:
    first, text, rows, bad = KINDS[kind]
    setup(cqn, query, tmp_path, *first)
    header, *body = text.splitlines()
    f = write_csv(tmp_path / f"{kind}.csv", "\n".join([header, body[0], bad, *body[1:]]) + "\n")
    assert refused(cqn, query, kind, f)[-1] == f"{f}: 1 dòng lỗi; không ghi gì."

    rejects = tmp_path / "rejects.csv"
    r = cqn("import", kind, f, "--skip-bad", "--rejects", rejects)
    assert r.exit_code == 0, r.output
    assert summary(rows + 1, rows, 0, 0, 1) in r.stdout
    assert query(f"SELECT count(*) FROM {table_of(kind)}") == [(rows,)]
    table = read_rejects(rejects)
    assert table[0] == [*header.split(","), "Lý do"]
    assert [row[:-1] for row in table[1:]] == [bad.split(",")]
    assert query("SELECT rows, inserted, rejected FROM import_log ORDER BY id DESC LIMIT 1") == [
        (rows + 1, rows, 1)
    ]


def test_a_refused_first_row_does_not_make_its_meeting(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """A meeting's first row refused for its person (with another date, say: the person
    and the date typed on the wrong line) makes no meeting: with --skip-bad its good rows
    are imported, and that refused row is the one rejected; a refused row after the good
    ones is told both its mistakes."""
    setup(cqn, query, tmp_path, "groups", "members")
    header, *body = ATTENDANCE.splitlines()
    wrong = "XH1-2019Q1,16/03/2019,Họp quý,XH-CLB01,CQN000099,Có mặt"
    f = write_csv(tmp_path / "a.csv", "\n".join([header, wrong, *body[:3]]) + "\n")
    rejects = tmp_path / "rejects.csv"
    r = cqn("import", "attendance", f, "--skip-bad", "--rejects", rejects)
    assert r.exit_code == 0, r.output
    assert summary(4, 3, 0, 0, 1) in r.stdout
    assert query("SELECT code, date FROM meeting") == [("XH1-2019Q1", "2019-03-15")]
    assert [row[:-1] for row in read_rejects(rejects)[1:]] == [wrong.split(",")]
    after = write_csv(tmp_path / "b.csv", "\n".join([header, *body[:3], wrong]) + "\n")
    lines = refused(cqn, query, "attendance", after, "--force")
    assert [line.split(" ")[0] for line in lines[:-1]] == [f"{after}:5:1", f"{after}:5:5"]


def test_dry_run_of_a_refused_file_lists_the_problem(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    setup(cqn, query, tmp_path, "groups")
    f = write_csv(tmp_path / "m.csv", MEMBER_HEADER + "CQN000001,XH-CLB01,01/01/2014,\n")
    lines = refused(cqn, query, "members", f, "--dry-run")
    assert any(line.startswith(f"{f}:2:3 [Ngày tham gia] '01/01/2014'") for line in lines)


def test_every_bad_row_of_a_members_file_is_listed(cqn: Run, query: Query, tmp_path: Path) -> None:
    setup(cqn, query, tmp_path, "groups")
    f = write_csv(
        tmp_path / "m.csv",
        MEMBER_HEADER + "CQN000001,XH-CLB01,01/01/2014,\n"
        "CQN000002,XH-CLB01,01/03/2016,01/01/2016\n"
        "CQN000005,AK-CLB01,01/01/2018,\n"
        "CQN000004,XH-BLL01,02/10/2019,\n"
        "CQN000003,XH-CLB9,01/01/2017,\n",
    )
    lines = refused(cqn, query, "members", f)
    assert [line.split(" ")[0] for line in lines[:-1]] == [
        f"{f}:2:3",
        f"{f}:3:4",
        f"{f}:5:3",
        f"{f}:6:2",
    ]
    assert lines[-1] == f"{f}: 4 dòng lỗi; không ghi gì."


def test_map_option_maps_a_sheet_of_another_shape(cqn: Run, query: Query, tmp_path: Path) -> None:
    setup(cqn, query, tmp_path, "groups")
    f = write_csv(
        tmp_path / "m.csv",
        "Người,CLB,Từ ngày\nCQN000001,XH-CLB01,01/02/2015\n",
    )
    lines = refused(cqn, query, "members", f)
    assert any("thiếu cột bắt buộc 'ma_nhom'" in line for line in lines)
    imported(
        cqn,
        "members",
        f,
        "--map",
        "Người=ma_cqn",
        "--map",
        "CLB=ma_nhom",
        "--map",
        "Từ ngày=joined_on",
    )
    assert memberships(query) == [(1, "XH-CLB01", "2015-02-01", None, None)]
