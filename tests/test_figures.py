"""``cqn stats …``: every figure of SPEC §4 on tiny datasets, worked out by hand.

Each test imports a few CSV files through the CLI (2019 ward names, ``--as-of
31/12/2019``), runs one ``stats`` command with ``--format json`` and compares
it with numbers counted by hand in the comments next to them. People are
referred to by name (unique in every dataset); Xuân Hà is ward 20209 on the
2019 map, Tam Thuận 20203.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, write_csv

ROSTER = "Họ và tên,Phường,Ngày đăng ký,Trạng thái,Ngày trạng thái\n"
GROUPS = "Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập,Ngày giải thể\n"
MEMBERS = "Họ và tên,Mã nhóm,Ngày tham gia,Ngày rời\n"
ATTENDANCE = "Mã cuộc họp,Ngày,Loại,Mã nhóm,Họ và tên,Trạng thái\n"
VISITS = "Họ và tên,Ngày,Lý do,Quà tặng\n"

XUAN_HA = {"ward_code": "20209", "ward": "Phường Xuân Hà"}
TAM_THUAN = {"ward_code": "20203", "ward": "Phường Tam Thuận"}
HOA_KHE = {"ward_code": "20225", "ward": "Phường Hòa Khê"}
THANH_KHE_DONG = {"ward_code": "20207", "ward": "Phường Thanh Khê Đông"}
THANH_KHE = {"ward_code": "20209", "ward": "Phường Thanh Khê"}  # since 01/07/2025


def load(cqn: Run, tmp_path: Path, **files: str) -> None:
    """Import the given files (roster, groups, members, attendance, visits), in that order."""
    for kind in ("roster", "groups", "members", "attendance", "visits"):
        if kind in files:
            path = write_csv(tmp_path / f"{kind}.csv", files[kind])
            r = cqn("import", kind, path, "--as-of", "31/12/2019")
            assert r.exit_code == 0, r.output


def stats(cqn: Run, *args: str) -> dict[str, Any]:
    r = cqn("stats", *args, "--format", "json")
    assert r.exit_code == 0, r.output
    doc: dict[str, Any] = json.loads(r.stdout)
    assert set(doc) == {"params", "rows", "total"}
    return doc


def pick(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """The rows cut down to ``keys`` (SPEC §5 lists the keys a row has at least)."""
    return [{k: row[k] for k in keys} for row in rows]


def by(rows: list[dict[str, Any]], key: str, *keys: str) -> dict[Any, dict[str, Any]]:
    """The rows indexed by ``key`` (no order is promised by SPEC), cut down to ``keys``."""
    out = {row[key]: {k: row[k] for k in keys} for row in rows}
    assert len(out) == len(rows), f"{key} repeated in {rows}"
    return out


# ---- gathering ---------------------------------------------------------------------------

# D = 31/12/2019. One person per edge case of "on roster at D" and "member at D".
GATHERING_ROSTER = (
    ROSTER
    + "Nguyễn Văn An,Xuân Hà,,,\n"  # registered_on empty: always on the roster
    + "Trần Văn Bình,Xuân Hà,31/12/2019,,\n"  # registered on D: on
    + "Lê Văn Cường,Xuân Hà,01/01/2020,,\n"  # registered after D: off
    + "Phạm Văn Dũng,Xuân Hà,,moved_out,31/12/2019\n"  # moved out on D: off
    + "Võ Văn Đạt,Xuân Hà,,deceased,01/06/2019\n"  # deceased before D: off
    + "Hồ Văn Giang,Xuân Hà,,deceased,01/01/2020\n"  # deceased after D: on
    + "Đỗ Văn Hải,Xuân Hà,,,\n"
    + "Bùi Văn Khánh,Xuân Hà,,,\n"
    + "Đặng Văn Lâm,Xuân Hà,,,\n"
    + "Ngô Văn Minh,Xuân Hà,,,\n"
    + "Dương Văn Nam,Xuân Hà,,,\n"
    + "Lý Văn Tùng,Xuân Hà,,moved_out,15/01/2020\n"  # moves out after D: on
    + "Phan Văn Vinh,Xuân Hà,,,\n"
    + "Mai Văn Phúc,Tam Thuận,,,\n"
    + "Tô Văn Quang,Tam Thuận,,,\n"
    + "Cao Văn Sơn,Tam Thuận,,,\n"
)
GATHERING_GROUPS = (
    GROUPS
    + "CLB1,CLB Xuân Hà 1,CLB,Xuân Hà,01/01/2018,\n"
    + "BLL1,BLL Xuân Hà,BLL,Xuân Hà,01/01/2018,\n"
    + "CLB2,CLB Xuân Hà 2,CLB,Xuân Hà,01/01/2020,\n"  # founded after D: does not exist
    + "CLB3,CLB Xuân Hà 3,CLB,Xuân Hà,01/01/2018,31/12/2019\n"  # dissolved on D: gone
    + "BLL2,BLL Xuân Hà 2,BLL,Xuân Hà,01/01/2018,01/01/2020\n"  # dissolved after D: exists
    + "CLB4,CLB Xuân Hà 4,CLB,Xuân Hà,31/12/2019,\n"  # founded on D: exists
    + "TT1,CLB Tam Thuận,CLB,Tam Thuận,01/01/2018,\n"
)
GATHERING_MEMBERS = (
    MEMBERS
    + "Nguyễn Văn An,CLB1,01/01/2019,\n"  # An is in two groups
    + "Nguyễn Văn An,BLL1,01/06/2018,\n"
    + "Trần Văn Bình,CLB1,31/12/2019,\n"  # joined on D: member
    + "Lê Văn Cường,CLB1,01/03/2019,\n"
    + "Phạm Văn Dũng,CLB1,01/03/2019,\n"
    + "Võ Văn Đạt,CLB1,01/03/2019,\n"
    + "Hồ Văn Giang,CLB1,01/03/2019,31/12/2019\n"  # left on D: not a member
    + "Đỗ Văn Hải,CLB1,01/03/2019,01/01/2020\n"  # left after D: member
    + "Bùi Văn Khánh,CLB2,01/01/2020,\n"
    + "Đặng Văn Lâm,CLB3,01/03/2019,\n"
    + "Ngô Văn Minh,BLL2,01/03/2019,\n"
    + "Lý Văn Tùng,CLB1,01/03/2019,\n"
    + "Phan Văn Vinh,CLB4,31/12/2019,\n"
    + "Mai Văn Phúc,TT1,01/03/2019,\n"
    + "Tô Văn Quang,TT1,01/03/2019,\n"
)


@pytest.fixture
def gathering_data(cqn: Run, tmp_path: Path) -> None:
    load(
        cqn,
        tmp_path,
        roster=GATHERING_ROSTER,
        groups=GATHERING_GROUPS,
        members=GATHERING_MEMBERS,
    )


def test_gathering_by_ward(cqn: Run, gathering_data: None) -> None:
    doc = stats(cqn, "gathering", "--as-of", "31/12/2019")
    assert doc["params"]["as_of"] == "2019-12-31"
    assert doc["params"]["map_date"] == "2019-12-31"  # default map date: the as-of date
    rows = by(doc["rows"], "ward_code", "ward_code", "ward", "on_roster", "gathered", "rate")
    assert rows == {
        # Xuân Hà on roster at D: An, Bình, Giang, Hải, Khánh, Lâm, Minh, Nam, Tùng,
        # Vinh = 10 (Cường registered after D, Dũng moved out on D, Đạt deceased before D).
        # Gathered: An (two groups, once), Bình (joined on D), Hải (left after D),
        # Minh (BLL2 dissolved after D), Tùng (moves out after D), Vinh (CLB4 founded
        # on D) = 6. Not: Giang (left on D), Khánh (CLB2 founded after D), Lâm (CLB3
        # dissolved on D), Nam (no group). 6/10.
        "20209": {**XUAN_HA, "on_roster": 10, "gathered": 6, "rate": 0.6},
        # Tam Thuận: Phúc, Quang, Sơn on roster; Phúc and Quang in TT1. 2/3 → 0.6667.
        "20203": {**TAM_THUAN, "on_roster": 3, "gathered": 2, "rate": 0.6667},
    }
    # 13 on roster, 8 gathered: 8/13 = 0.61538… → 0.6154.
    assert doc["total"] == {"on_roster": 13, "gathered": 8, "rate": 0.6154}


def test_gathering_by_group(cqn: Run, gathering_data: None) -> None:
    doc = stats(cqn, "gathering", "--as-of", "31/12/2019", "--by", "group")
    rows = by(doc["rows"], "group_code", "kind", "ward_code", "ward", "members")
    assert rows == {
        # CLB1 at D: An, Bình (joined on D), Hải (left after D), Tùng = 4; not Cường
        # (registered after D), Dũng, Đạt (off the roster), Giang (left on D).
        "CLB1": {"kind": "clb", **XUAN_HA, "members": 4},
        "BLL1": {"kind": "bll", **XUAN_HA, "members": 1},  # An
        "BLL2": {"kind": "bll", **XUAN_HA, "members": 1},  # Minh; dissolved after D
        "CLB4": {"kind": "clb", **XUAN_HA, "members": 1},  # Vinh; founded on D
        "TT1": {"kind": "clb", **TAM_THUAN, "members": 2},  # Phúc, Quang
        # CLB2 (founded after D) and CLB3 (dissolved on D) do not exist at D: no row.
    }
    assert {r["group"] for r in doc["rows"]} == {
        "CLB Xuân Hà 1",
        "BLL Xuân Hà",
        "BLL Xuân Hà 2",
        "CLB Xuân Hà 4",
        "CLB Tam Thuận",
    }
    # The rows add up to 9, but An is in CLB1 and BLL1: 8 people.
    assert doc["total"]["members"] == 8


def test_gathering_before_registration_and_after_the_groups_end(
    cqn: Run, gathering_data: None
) -> None:
    # D = 01/03/2020: Cường registered (01/01/2020) and in CLB1 → on roster, gathered;
    # Bình on, in CLB1; Giang deceased 01/01/2020 and Tùng moved out 15/01/2020 → off;
    # Hải left CLB1 on 01/01/2020 → not gathered; Khánh in CLB2 (founded 01/01/2020) →
    # gathered; Minh's BLL2 dissolved 01/01/2020 → not; Lâm's CLB3 gone → not; Vinh
    # still in CLB4. Xuân Hà on roster: An, Bình, Cường, Hải, Khánh, Lâm, Minh, Nam,
    # Vinh = 9; gathered: An, Bình, Cường, Khánh, Vinh = 5 → 0.5555… → 0.5556.
    doc = stats(cqn, "gathering", "--as-of", "01/03/2020", "--map-date", "31/12/2019")
    rows = by(doc["rows"], "ward_code", "on_roster", "gathered", "rate")
    assert rows["20209"] == {"on_roster": 9, "gathered": 5, "rate": 0.5556}
    assert rows["20203"] == {"on_roster": 3, "gathered": 2, "rate": 0.6667}


MAP_ROSTER = (
    ROSTER
    + "Nguyễn Văn Ánh,Hòa Khê,,,\n"
    + "Trần Văn Bảo,Hòa Khê,,,\n"
    + "Lê Văn Cảnh,Thanh Khê Đông,,,\n"
    + "Phạm Văn Duy,Thanh Khê Đông,,,\n"
    + "Võ Văn Đức,Thanh Khê Đông,,,\n"
)
MAP_GROUPS = GROUPS + "HK1,CLB Hòa Khê,CLB,Hòa Khê,01/01/2018,\n"
MAP_MEMBERS = MEMBERS + "Nguyễn Văn Ánh,HK1,01/01/2019,\n" + "Lê Văn Cảnh,HK1,01/01/2019,\n"


@pytest.fixture
def map_data(cqn: Run, tmp_path: Path) -> None:
    load(cqn, tmp_path, roster=MAP_ROSTER, groups=MAP_GROUPS, members=MAP_MEMBERS)


def test_gathering_on_the_2019_map(cqn: Run, map_data: None) -> None:
    # Ánh and Cảnh are in HK1 (a Hòa Khê club; Cảnh lives in Thanh Khê Đông: a person
    # counts under their own ward).
    for extra in ((), ("--map-date", "31/12/2019")):
        doc = stats(cqn, "gathering", "--as-of", "31/12/2019", *extra)
        rows = by(doc["rows"], "ward_code", "ward_code", "ward", "on_roster", "gathered", "rate")
        assert rows == {
            # Thanh Khê Đông: Cảnh, Duy, Đức; Cảnh gathered: 1/3 → 0.3333.
            "20207": {**THANH_KHE_DONG, "on_roster": 3, "gathered": 1, "rate": 0.3333},
            # Hòa Khê: Ánh, Bảo; Ánh gathered: 1/2.
            "20225": {**HOA_KHE, "on_roster": 2, "gathered": 1, "rate": 0.5},
        }
        # 5 on roster, 2 gathered: 0.4.
        assert doc["total"] == {"on_roster": 5, "gathered": 2, "rate": 0.4}


def test_gathering_on_todays_map(cqn: Run, map_data: None) -> None:
    # Hòa Khê went into Thanh Khê Đông on 01/01/2025, and Thanh Khê Đông into phường
    # Thanh Khê (20209) on 01/07/2025: the same five people, one ward, 2 of 5 gathered.
    one_ward = [{**THANH_KHE, "on_roster": 5, "gathered": 2, "rate": 0.4}]
    keys = ("ward_code", "ward", "on_roster", "gathered", "rate")
    for args in (
        ("--as-of", "01/01/2026"),  # map date defaults to the as-of date
        (),  # as of today, on today's map
        ("--as-of", "31/12/2019", "--map-date", "01/01/2026"),
    ):
        doc = stats(cqn, "gathering", *args)
        assert pick(doc["rows"], *keys) == one_ward, args
        assert doc["total"] == {"on_roster": 5, "gathered": 2, "rate": 0.4}
    # Between the two merges (map of 15/03/2025): everybody in Thanh Khê Đông.
    doc = stats(cqn, "gathering", "--as-of", "31/12/2019", "--map-date", "15/03/2025")
    assert doc["params"]["map_date"] == "2025-03-15"
    assert pick(doc["rows"], *keys) == [
        {**THANH_KHE_DONG, "on_roster": 5, "gathered": 2, "rate": 0.4}
    ]


def test_gathering_by_group_on_todays_map(cqn: Run, map_data: None) -> None:
    doc = stats(cqn, "gathering", "--as-of", "01/01/2026", "--by", "group")
    # HK1 (a Hòa Khê club) shown under phường Thanh Khê; Ánh and Cảnh.
    assert pick(doc["rows"], "group_code", "kind", "ward_code", "ward", "members") == [
        {"group_code": "HK1", "kind": "clb", **THANH_KHE, "members": 2}
    ]
    assert doc["total"]["members"] == 2


# ---- attendance --------------------------------------------------------------------------

ATT_ROSTER = (
    ROSTER
    + "Nguyễn Văn An,Xuân Hà,,,\n"
    + "Trần Văn Bình,Xuân Hà,,,\n"
    + "Lê Văn Cường,Xuân Hà,,,\n"
    + "Phạm Văn Dũng,Xuân Hà,,,\n"
    + "Hồ Văn Giang,Xuân Hà,,moved_out,01/04/2019\n"  # moved out before X2
    + "Đỗ Văn Hải,Xuân Hà,,,\n"  # never marked: absent wherever expected
    + "Bùi Văn Khánh,Tam Thuận,,,\n"
    + "Đặng Văn Lâm,Xuân Hà,,,\n"  # lives in Xuân Hà, member of a Tam Thuận board
    + "Ngô Văn Minh,Xuân Hà,,,\n"  # in no group: a guest
)
ATT_GROUPS = (
    GROUPS
    + "CLB1,CLB Xuân Hà,CLB,Xuân Hà,01/01/2018,\n"
    + "TTB,BLL Tam Thuận,BLL,Tam Thuận,01/01/2018,\n"
)
ATT_MEMBERS = (
    MEMBERS
    + "Nguyễn Văn An,CLB1,01/01/2019,\n"
    + "Trần Văn Bình,CLB1,01/01/2019,\n"
    + "Lê Văn Cường,CLB1,10/04/2019,\n"  # joins on the day of X2: expected at X2
    + "Phạm Văn Dũng,CLB1,01/01/2019,10/04/2019\n"  # leaves on the day of X2: not expected
    + "Hồ Văn Giang,CLB1,01/01/2019,\n"
    + "Đỗ Văn Hải,CLB1,01/01/2019,\n"
    + "Bùi Văn Khánh,TTB,01/01/2019,\n"
    + "Đặng Văn Lâm,TTB,01/01/2019,\n"
)
ATT_MARKS = (
    ATTENDANCE
    # X1 15/02 (Q1): expected An, Bình, Dũng, Giang, Hải = 5 (Cường not yet in);
    # present An, Dũng = 2; excused Bình = 1; Giang absent, Hải unmarked (absent).
    + "X1,15/02/2019,quarterly,CLB1,Nguyễn Văn An,present\n"
    + "X1,15/02/2019,quarterly,CLB1,Trần Văn Bình,excused\n"
    + "X1,15/02/2019,quarterly,CLB1,Phạm Văn Dũng,present\n"
    + "X1,15/02/2019,quarterly,CLB1,Hồ Văn Giang,absent\n"
    # X2 10/04 (Q2): expected An, Bình, Cường, Hải = 4 (Dũng left that day, Giang moved
    # out before); present An, Bình, Cường = 3; Dũng, Giang and Minh are guests.
    + "X2,10/04/2019,quarterly,CLB1,Nguyễn Văn An,present\n"
    + "X2,10/04/2019,quarterly,CLB1,Trần Văn Bình,present\n"
    + "X2,10/04/2019,quarterly,CLB1,Lê Văn Cường,present\n"
    + "X2,10/04/2019,quarterly,CLB1,Phạm Văn Dũng,present\n"
    + "X2,10/04/2019,quarterly,CLB1,Hồ Văn Giang,present\n"
    + "X2,10/04/2019,quarterly,CLB1,Ngô Văn Minh,present\n"
    # Y1 30/04 (Q2), the board: expected Khánh, Lâm = 2; both present.
    + "Y1,30/04/2019,gathering,TTB,Bùi Văn Khánh,present\n"
    + "Y1,30/04/2019,gathering,TTB,Đặng Văn Lâm,present\n"
    # X3 20/05 (Q2), other: expected An, Bình, Cường, Hải = 4; present Cường = 1;
    # excused An = 1.
    + "X3,20/05/2019,other,CLB1,Nguyễn Văn An,excused\n"
    + "X3,20/05/2019,other,CLB1,Lê Văn Cường,present\n"
    # X4 01/07 (first day of Q3): expected 4; present An = 1; Bình absent.
    + "X4,01/07/2019,quarterly,CLB1,Nguyễn Văn An,present\n"
    + "X4,01/07/2019,quarterly,CLB1,Trần Văn Bình,absent\n"
    # X5 30/09 (last day of Q3), review: expected 4; present Bình = 1; excused Cường = 1.
    + "X5,30/09/2019,review,CLB1,Trần Văn Bình,present\n"
    + "X5,30/09/2019,review,CLB1,Lê Văn Cường,excused\n"
)
ATT_KEYS = ("meetings", "expected", "present", "excused", "rate")


@pytest.fixture
def attendance_data(cqn: Run, tmp_path: Path) -> None:
    load(
        cqn,
        tmp_path,
        roster=ATT_ROSTER,
        groups=ATT_GROUPS,
        members=ATT_MEMBERS,
        attendance=ATT_MARKS,
    )


def test_attendance_by_ward(cqn: Run, attendance_data: None) -> None:
    doc = stats(cqn, "attendance", "--period", "2019", "--by", "ward")
    assert doc["params"]["from"] == "2019-01-01"
    assert doc["params"]["to"] == "2019-12-31"
    assert by(doc["rows"], "ward_code", "ward_code", "ward", *ATT_KEYS) == {
        # CLB1: X1..X5; expected 5+4+4+4+4 = 21; present 2+3+1+1+1 = 8;
        # excused 1+0+1+0+1 = 3; 8/21 = 0.38095… → 0.381.
        "20209": {**XUAN_HA, "meetings": 5, "expected": 21, "present": 8, "excused": 3,
                  "rate": 0.381},
        # The board's Y1 counts under the board's ward (Lâm lives in Xuân Hà): 2/2.
        "20203": {**TAM_THUAN, "meetings": 1, "expected": 2, "present": 2, "excused": 0,
                  "rate": 1.0},
    }  # fmt: skip
    # 6 meetings, 23 expected, 10 present, 3 excused: 10/23 = 0.43478… → 0.4348.
    assert doc["total"] == {
        "meetings": 6,
        "expected": 23,
        "present": 10,
        "excused": 3,
        "rate": 0.4348,
    }


def test_attendance_by_ward_on_todays_map(cqn: Run, attendance_data: None) -> None:
    # Both groups' wards are in phường Thanh Khê since 01/07/2025: one row, the total.
    doc = stats(cqn, "attendance", "--period", "2019", "--map-date", "01/01/2026")
    assert pick(doc["rows"], "ward_code", "ward", *ATT_KEYS) == [
        {**THANH_KHE, "meetings": 6, "expected": 23, "present": 10, "excused": 3,
         "rate": 0.4348}
    ]  # fmt: skip


def test_attendance_by_group(cqn: Run, attendance_data: None) -> None:
    doc = stats(cqn, "attendance", "--period", "2019", "--by", "group")
    assert by(doc["rows"], "group_code", "group", *ATT_KEYS) == {
        "CLB1": {"group": "CLB Xuân Hà", "meetings": 5, "expected": 21, "present": 8,
                 "excused": 3, "rate": 0.381},
        "TTB": {"group": "BLL Tam Thuận", "meetings": 1, "expected": 2, "present": 2,
                "excused": 0, "rate": 1.0},
    }  # fmt: skip


def test_attendance_by_quarter(cqn: Run, attendance_data: None) -> None:
    doc = stats(cqn, "attendance", "--period", "2019", "--by", "quarter")
    assert by(doc["rows"], "quarter", *ATT_KEYS) == {
        # X1: 5 expected, 2 present, 1 excused.
        "2019Q1": {"meetings": 1, "expected": 5, "present": 2, "excused": 1, "rate": 0.4},
        # X2 + Y1 + X3: 4+2+4 = 10 expected, 3+2+1 = 6 present, 1 excused.
        "2019Q2": {"meetings": 3, "expected": 10, "present": 6, "excused": 1, "rate": 0.6},
        # X4 (01/07) + X5 (30/09), by their dates: 8 expected, 2 present, 1 excused.
        "2019Q3": {"meetings": 2, "expected": 8, "present": 2, "excused": 1, "rate": 0.25},
    }
    assert doc["total"] == {
        "meetings": 6,
        "expected": 23,
        "present": 10,
        "excused": 3,
        "rate": 0.4348,
    }


def test_attendance_by_kind(cqn: Run, attendance_data: None) -> None:
    doc = stats(cqn, "attendance", "--period", "2019", "--by", "kind")
    assert by(doc["rows"], "kind", *ATT_KEYS) == {
        # X1, X2, X4: 5+4+4 = 13 expected, 2+3+1 = 6 present, 1 excused; 6/13 → 0.4615.
        "quarterly": {"meetings": 3, "expected": 13, "present": 6, "excused": 1,
                      "rate": 0.4615},
        "gathering": {"meetings": 1, "expected": 2, "present": 2, "excused": 0, "rate": 1.0},
        "review": {"meetings": 1, "expected": 4, "present": 1, "excused": 1, "rate": 0.25},
        "other": {"meetings": 1, "expected": 4, "present": 1, "excused": 1, "rate": 0.25},
    }  # fmt: skip


def test_attendance_of_a_quarter_and_of_a_month(cqn: Run, attendance_data: None) -> None:
    q2 = stats(cqn, "attendance", "--period", "2019Q2", "--by", "ward")
    assert q2["params"]["from"] == "2019-04-01"
    assert q2["params"]["to"] == "2019-06-30"
    assert by(q2["rows"], "ward_code", *ATT_KEYS) == {
        # X2 + X3: 8 expected, 3+1 = 4 present, 1 excused.
        "20209": {"meetings": 2, "expected": 8, "present": 4, "excused": 1, "rate": 0.5},
        "20203": {"meetings": 1, "expected": 2, "present": 2, "excused": 0, "rate": 1.0},
    }
    assert q2["total"] == {"meetings": 3, "expected": 10, "present": 6, "excused": 1, "rate": 0.6}

    may = stats(cqn, "attendance", "--period", "2019-05", "--by", "ward")
    assert (may["params"]["from"], may["params"]["to"]) == ("2019-05-01", "2019-05-31")
    # Only X3 (20/05).
    assert pick(may["rows"], "ward_code", *ATT_KEYS) == [
        {"ward_code": "20209", "meetings": 1, "expected": 4, "present": 1, "excused": 1,
         "rate": 0.25}
    ]  # fmt: skip
    assert may["total"] == {"meetings": 1, "expected": 4, "present": 1, "excused": 1, "rate": 0.25}


def test_attendance_of_a_period_cutting_quarters(cqn: Run, attendance_data: None) -> None:
    doc = stats(cqn, "attendance", "--from", "15/05/2019", "--to", "20/08/2019", "--by", "quarter")
    # Inside: X3 (20/05) and X4 (01/07); X2 (10/04), Y1 (30/04) and X5 (30/09) are not.
    assert by(doc["rows"], "quarter", *ATT_KEYS) == {
        "2019Q2": {"meetings": 1, "expected": 4, "present": 1, "excused": 1, "rate": 0.25},
        "2019Q3": {"meetings": 1, "expected": 4, "present": 1, "excused": 0, "rate": 0.25},
    }
    assert doc["total"] == {"meetings": 2, "expected": 8, "present": 2, "excused": 1, "rate": 0.25}


def test_meeting_tallies_agree_with_the_hand_count(cqn: Run, attendance_data: None) -> None:
    r = cqn("meeting", "list", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = by(json.loads(r.stdout)["rows"], "code", "expected", "present", "excused", "guests")
    assert rows["X1"] == {"expected": 5, "present": 2, "excused": 1, "guests": 0}
    # Dũng (left that day), Giang (moved out) and Minh (no group): three guests.
    assert rows["X2"] == {"expected": 4, "present": 3, "excused": 0, "guests": 3}


# ---- quarterly compliance ----------------------------------------------------------------

MEETINGS_GROUPS = (
    GROUPS
    + "C1,CLB một,CLB,Xuân Hà,01/01/2018,\n"
    + "C2,CLB hai,CLB,Xuân Hà,15/05/2019,\n"  # founded mid-Q2
    + "C3,CLB ba,CLB,Xuân Hà,01/01/2018,01/07/2019\n"  # dissolved on Q3's first day
    + "C4,CLB bốn,CLB,Tam Thuận,01/01/2018,\n"
    + "C5,CLB năm,CLB,Tam Thuận,21/08/2019,\n"  # founded in Q3, after 20/08
    + "B1,BLL một,BLL,Xuân Hà,01/01/2018,\n"  # a board: never listed
)
MEETINGS_MARKS = (
    ATTENDANCE
    + "C1-Q1,15/02/2019,quarterly,C1,Nguyễn Văn An,present\n"
    + "C1-Q2a,10/04/2019,quarterly,C1,Nguyễn Văn An,present\n"  # two in Q2: met once
    + "C1-Q2b,20/06/2019,quarterly,C1,Nguyễn Văn An,present\n"
    + "C1-R,15/08/2019,review,C1,Nguyễn Văn An,present\n"  # not quarterly: Q3 not met
    + "C1-Q4,10/11/2019,quarterly,C1,Nguyễn Văn An,present\n"
    + "C2-Q3,10/08/2019,quarterly,C2,Nguyễn Văn An,present\n"
    + "C3-Q1,20/03/2019,quarterly,C3,Nguyễn Văn An,present\n"
    + "C4-Q2,10/04/2019,quarterly,C4,Nguyễn Văn An,present\n"
    + "C4-Q3,25/09/2019,quarterly,C4,Nguyễn Văn An,present\n"
    + "C5-Q3,25/08/2019,quarterly,C5,Nguyễn Văn An,present\n"
    + "B1-Q1,15/02/2019,quarterly,B1,Nguyễn Văn An,present\n"
)
COMPLIANCE_KEYS = ("quarters", "quarters_met", "rate", "missed")


@pytest.fixture
def meetings_data(cqn: Run, tmp_path: Path) -> None:
    load(
        cqn,
        tmp_path,
        roster=ROSTER + "Nguyễn Văn An,Xuân Hà,,,\n",
        groups=MEETINGS_GROUPS,
        attendance=MEETINGS_MARKS,
    )


def test_quarterly_compliance_over_a_year(cqn: Run, meetings_data: None) -> None:
    doc = stats(cqn, "meetings", "--period", "2019")
    assert by(doc["rows"], "group_code", "group", *COMPLIANCE_KEYS) == {
        # C1: Q1 met, Q2 met (twice, once), Q3 only a review, Q4 met: 3/4.
        "C1": {"group": "CLB một", "quarters": 4, "quarters_met": 3, "rate": 0.75,
               "missed": ["2019Q3"]},
        # C2 founded 15/05: Q2, Q3, Q4 counted; only Q3 met: 1/3 → 0.3333.
        "C2": {"group": "CLB hai", "quarters": 3, "quarters_met": 1, "rate": 0.3333,
               "missed": ["2019Q2", "2019Q4"]},
        # C3 dissolved 01/07 (does not exist on 01/07): Q1, Q2 counted; Q1 met.
        "C3": {"group": "CLB ba", "quarters": 2, "quarters_met": 1, "rate": 0.5,
               "missed": ["2019Q2"]},
        # C4: Q2 and Q3 met.
        "C4": {"group": "CLB bốn", "quarters": 4, "quarters_met": 2, "rate": 0.5,
               "missed": ["2019Q1", "2019Q4"]},
        # C5 founded 21/08: Q3 (met on 25/08) and Q4.
        "C5": {"group": "CLB năm", "quarters": 2, "quarters_met": 1, "rate": 0.5,
               "missed": ["2019Q4"]},
        # B1 is a board: not listed although it held a quarterly meeting.
    }  # fmt: skip
    # 4+3+2+4+2 = 15 quarters, 3+1+1+2+1 = 8 met: 8/15 = 0.5333….
    total = doc["total"]
    assert (total["quarters"], total["quarters_met"], total["rate"]) == (15, 8, 0.5333)


def test_quarterly_compliance_of_a_period_cutting_quarters(cqn: Run, meetings_data: None) -> None:
    doc = stats(cqn, "meetings", "--from", "15/05/2019", "--to", "20/08/2019")
    # Overlaps: 2019Q2 → 15/05–30/06, 2019Q3 → 01/07–20/08.
    rows = by(doc["rows"], "group_code", *COMPLIANCE_KEYS)
    # C5 (founded 21/08, after the Q3 overlap) counts no quarter: not listed, or with 0.
    assert rows.pop("C5", {"quarters": 0})["quarters"] == 0
    assert rows == {
        # C1: Q2 met by 20/06 (10/04 is outside the overlap); Q3: only a review.
        "C1": {"quarters": 2, "quarters_met": 1, "rate": 0.5, "missed": ["2019Q3"]},
        # C2 exists from 15/05: Q2 counted, not met; Q3 met on 10/08.
        "C2": {"quarters": 2, "quarters_met": 1, "rate": 0.5, "missed": ["2019Q2"]},
        # C3: Q2 counted, no quarterly meeting; Q3 not counted (dissolved 01/07).
        "C3": {"quarters": 1, "quarters_met": 0, "rate": 0.0, "missed": ["2019Q2"]},
        # C4: 10/04 and 25/09 are in the quarters but outside the overlaps: neither met.
        "C4": {"quarters": 2, "quarters_met": 0, "rate": 0.0, "missed": ["2019Q2", "2019Q3"]},
    }
    # 7 quarters, 2 met: 2/7 = 0.28571… → 0.2857.
    total = doc["total"]
    assert (total["quarters"], total["quarters_met"], total["rate"]) == (7, 2, 0.2857)


# ---- gatherings (30/4 and 22/12) ---------------------------------------------------------

GATHERINGS_ROSTER = (
    ROSTER
    + "Nguyễn Văn An,Xuân Hà,,,\n"
    + "Trần Văn Bình,Xuân Hà,,,\n"
    + "Lê Văn Cường,Xuân Hà,,,\n"
    + "Phạm Văn Dũng,Xuân Hà,,,\n"
    + "Hồ Văn Giang,Xuân Hà,01/05/2019,,\n"  # on the roster from 01/05/2019
    + "Đỗ Văn Hải,Tam Thuận,,,\n"
    + "Bùi Văn Khánh,Tam Thuận,,,\n"
)
GATHERINGS_GROUPS = (
    GROUPS
    + "CLB1,CLB Xuân Hà,CLB,Xuân Hà,01/01/2018,\n"
    + "BLL1,BLL Xuân Hà,BLL,Xuân Hà,01/01/2018,\n"
    + "TTB,BLL Tam Thuận,BLL,Tam Thuận,01/01/2018,\n"
)
GATHERINGS_MARKS = (
    ATTENDANCE
    # 15/04/2019: 15 days before 30/4, counts.
    + "G1,15/04/2019,gathering,BLL1,Nguyễn Văn An,present\n"
    + "G1,15/04/2019,gathering,BLL1,Trần Văn Bình,present\n"
    + "G1,15/04/2019,gathering,BLL1,Lê Văn Cường,absent\n"
    # A club's gathering on the day counts too; An a second time is still one person;
    # Giang is not on the roster on 30/04.
    + "G2,30/04/2019,gathering,CLB1,Nguyễn Văn An,present\n"
    + "G2,30/04/2019,gathering,CLB1,Lê Văn Cường,excused\n"
    + "G2,30/04/2019,gathering,CLB1,Hồ Văn Giang,present\n"
    # 16/05/2019: 16 days after 30/4, does not count.
    + "G3,16/05/2019,gathering,CLB1,Phạm Văn Dũng,present\n"
    # A quarterly meeting near 30/4 is not a gathering.
    + "G4,01/05/2019,quarterly,TTB,Đỗ Văn Hải,present\n"
    + "G5,20/04/2019,gathering,TTB,Bùi Văn Khánh,present\n"
    # 06/01/2020: 15 days after 22/12/2019, counts.
    + "G6,06/01/2020,gathering,BLL1,Hồ Văn Giang,present\n"
    + "G6,06/01/2020,gathering,BLL1,Phạm Văn Dũng,present\n"
)
GATHERINGS_KEYS = ("ward_code", "ward", "year", "occasion", "on_roster", "present", "rate")
# 30/4/2019, Xuân Hà: on roster An, Bình, Cường, Dũng = 4 (Giang from 01/05);
# present An (G1, G2: once), Bình (G1) = 2; Cường absent/excused, Dũng only 16 days
# after, Giang not on roster → 2/4.
XH_30_4 = {**XUAN_HA, "year": 2019, "occasion": "30/4", "on_roster": 4, "present": 2, "rate": 0.5}
# Tam Thuận: Hải, Khánh; Khánh at G5; Hải only at a quarterly meeting → 1/2.
TT_30_4 = {**TAM_THUAN, "year": 2019, "occasion": "30/4", "on_roster": 2, "present": 1,
           "rate": 0.5}  # fmt: skip
# 22/12/2019, Xuân Hà: 5 on roster (Giang now on); Giang and Dũng at G6 → 2/5.
XH_22_12 = {**XUAN_HA, "year": 2019, "occasion": "22/12", "on_roster": 5, "present": 2,
            "rate": 0.4}  # fmt: skip
# Tam Thuận: nobody at a gathering near 22/12 → 0/2.
TT_22_12 = {**TAM_THUAN, "year": 2019, "occasion": "22/12", "on_roster": 2, "present": 0,
            "rate": 0.0}  # fmt: skip


@pytest.fixture
def gatherings_data(cqn: Run, tmp_path: Path) -> None:
    load(
        cqn,
        tmp_path,
        roster=GATHERINGS_ROSTER,
        groups=GATHERINGS_GROUPS,
        attendance=GATHERINGS_MARKS,
    )


def _occasion_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["year"], row["occasion"], row["ward_code"])


def test_gatherings_over_a_year(cqn: Run, gatherings_data: None) -> None:
    doc = stats(cqn, "gatherings", "--period", "2019")
    rows = sorted(pick(doc["rows"], *GATHERINGS_KEYS), key=_occasion_key)
    assert rows == sorted([XH_30_4, TT_30_4, XH_22_12, TT_22_12], key=_occasion_key)
    # 4+2+5+2 = 13 on roster, 2+1+2+0 = 5 present: 5/13 = 0.38461… → 0.3846.
    assert doc["total"] == {"on_roster": 13, "present": 5, "rate": 0.3846}


def test_gatherings_only_of_occasions_inside_the_period(cqn: Run, gatherings_data: None) -> None:
    q2 = stats(cqn, "gatherings", "--period", "2019Q2")  # 30/4 only
    assert sorted(pick(q2["rows"], *GATHERINGS_KEYS), key=_occasion_key) == sorted(
        [XH_30_4, TT_30_4], key=_occasion_key
    )
    assert q2["total"] == {"on_roster": 6, "present": 3, "rate": 0.5}
    # 01/05–31/12: 22/12 only; the 15-day window may reach past the period's end.
    late = stats(cqn, "gatherings", "--from", "01/05/2019", "--to", "31/12/2019")
    assert sorted(pick(late["rows"], *GATHERINGS_KEYS), key=_occasion_key) == sorted(
        [XH_22_12, TT_22_12], key=_occasion_key
    )
    # 01/05–30/11: no occasion at all.
    none = stats(cqn, "gatherings", "--from", "01/05/2019", "--to", "30/11/2019")
    assert none["rows"] == []
    assert none["total"]["on_roster"] == 0
    assert none["total"]["present"] == 0


# ---- visits ------------------------------------------------------------------------------

VISITS_ROSTER = (
    ROSTER
    + "Nguyễn Văn An,Xuân Hà,,,\n"
    + "Trần Văn Bình,Xuân Hà,,,\n"
    + "Lê Văn Cường,Tam Thuận,,,\n"
)
VISITS_FILE = (
    VISITS
    + "Nguyễn Văn An,10/03/2019,sick,500.000\n"
    + "Nguyễn Văn An,20/06/2019,hardship,1.000.000\n"
    + "Trần Văn Bình,15/07/2019,sick,\n"  # no gift: 0
    + "Lê Văn Cường,01/02/2019,bereavement,2.000.000\n"
    + "Lê Văn Cường,31/12/2019,other,300.000\n"  # on the period's last day: in
    + "Nguyễn Văn An,01/01/2020,sick,700.000\n"  # after the period
    + "Trần Văn Bình,31/12/2018,sick,100.000\n"  # before the period
)


@pytest.fixture
def visits_data(cqn: Run, tmp_path: Path) -> None:
    load(cqn, tmp_path, roster=VISITS_ROSTER, visits=VISITS_FILE)


def test_visits_by_ward(cqn: Run, visits_data: None) -> None:
    doc = stats(cqn, "visits", "--period", "2019", "--by", "ward")
    assert by(doc["rows"], "ward_code", "ward_code", "ward", "visits", "people", "gift_total") == {
        # An ×2 (500.000 + 1.000.000), Bình (no gift): 3 visits, 2 people, 1.500.000.
        "20209": {**XUAN_HA, "visits": 3, "people": 2, "gift_total": 1_500_000},
        # Cường ×2 (2.000.000 + 300.000).
        "20203": {**TAM_THUAN, "visits": 2, "people": 1, "gift_total": 2_300_000},
    }
    assert doc["total"] == {"visits": 5, "people": 3, "gift_total": 3_800_000}


def test_visits_by_reason(cqn: Run, visits_data: None) -> None:
    doc = stats(cqn, "visits", "--period", "2019", "--by", "reason")
    assert by(doc["rows"], "reason", "visits", "people", "gift_total") == {
        "sick": {"visits": 2, "people": 2, "gift_total": 500_000},  # An 10/03, Bình 15/07
        "hardship": {"visits": 1, "people": 1, "gift_total": 1_000_000},  # An
        "bereavement": {"visits": 1, "people": 1, "gift_total": 2_000_000},  # Cường
        "other": {"visits": 1, "people": 1, "gift_total": 300_000},  # Cường
    }
    # An is under sick and hardship, Cường under bereavement and other: 3 people.
    assert doc["total"] == {"visits": 5, "people": 3, "gift_total": 3_800_000}


def test_visits_on_todays_map(cqn: Run, visits_data: None) -> None:
    # Tam Thuận → Xuân Hà (01/01/2025) → phường Thanh Khê (01/07/2025): one ward.
    doc = stats(cqn, "visits", "--period", "2019", "--map-date", "01/01/2026")
    assert pick(doc["rows"], "ward_code", "ward", "visits", "people", "gift_total") == [
        {**THANH_KHE, "visits": 5, "people": 3, "gift_total": 3_800_000}
    ]


def test_visits_of_a_shorter_period(cqn: Run, visits_data: None) -> None:
    doc = stats(cqn, "visits", "--from", "01/01/2019", "--to", "20/06/2019")
    # An 10/03 and 20/06 (the last day is in); Cường 01/02.
    assert by(doc["rows"], "ward_code", "visits", "people", "gift_total") == {
        "20209": {"visits": 2, "people": 1, "gift_total": 1_500_000},
        "20203": {"visits": 1, "people": 1, "gift_total": 2_000_000},
    }
    assert doc["total"] == {"visits": 3, "people": 2, "gift_total": 3_500_000}


# ---- inactive members --------------------------------------------------------------------

INACTIVE_ROSTER = (
    ROSTER
    + "Nguyễn Văn An,Xuân Hà,,,\n"  # CQN000001
    + "Trần Văn Bình,Xuân Hà,,,\n"  # CQN000002
    + "Lê Văn Cường,Xuân Hà,,,\n"  # CQN000003
    + "Phạm Văn Dũng,Xuân Hà,,,\n"  # CQN000004
    + "Hồ Văn Giang,Xuân Hà,,,\n"  # CQN000005
    + "Đỗ Văn Hải,Xuân Hà,,,\n"  # CQN000006
    + "Bùi Văn Khánh,Xuân Hà,,,\n"  # CQN000007
)
INACTIVE_GROUPS = (
    GROUPS
    + "CLB1,CLB Xuân Hà,CLB,Xuân Hà,01/01/2018,\n"
    + "BLL1,BLL Xuân Hà,BLL,Xuân Hà,01/01/2018,\n"
)
INACTIVE_MEMBERS = (
    MEMBERS
    + "Nguyễn Văn An,CLB1,01/01/2019,\n"
    + "Trần Văn Bình,CLB1,01/01/2019,\n"
    + "Lê Văn Cường,CLB1,01/07/2019,\n"  # joins after M2
    + "Phạm Văn Dũng,CLB1,01/01/2019,\n"
    + "Hồ Văn Giang,CLB1,01/01/2019,\n"
    + "Hồ Văn Giang,BLL1,01/01/2019,\n"
    + "Đỗ Văn Hải,BLL1,01/01/2019,\n"
    + "Bùi Văn Khánh,CLB1,01/01/2019,20/11/2019\n"  # left before D = 30/11/2019
)
INACTIVE_MARKS = (
    ATTENDANCE
    # CLB1: M1 10/03, M2 10/06, M3 10/09 (review), M4 10/11; M5 10/12 is after D.
    + "M1,10/03/2019,quarterly,CLB1,Nguyễn Văn An,present\n"
    + "M1,10/03/2019,quarterly,CLB1,Trần Văn Bình,absent\n"
    + "M1,10/03/2019,quarterly,CLB1,Hồ Văn Giang,excused\n"
    + "M2,10/06/2019,quarterly,CLB1,Nguyễn Văn An,absent\n"
    + "M2,10/06/2019,quarterly,CLB1,Hồ Văn Giang,excused\n"
    + "M3,10/09/2019,review,CLB1,Nguyễn Văn An,excused\n"
    + "M3,10/09/2019,review,CLB1,Phạm Văn Dũng,present\n"
    + "M3,10/09/2019,review,CLB1,Hồ Văn Giang,excused\n"
    + "M4,10/11/2019,quarterly,CLB1,Hồ Văn Giang,excused\n"
    + "M5,10/12/2019,quarterly,CLB1,Nguyễn Văn An,present\n"
    # BLL1: two meetings only; Giang present at the first (not a CLB1 meeting).
    + "N1,01/10/2019,other,BLL1,Hồ Văn Giang,present\n"
    + "N1,01/10/2019,other,BLL1,Đỗ Văn Hải,absent\n"
    + "N2,05/11/2019,review,BLL1,Đỗ Văn Hải,absent\n"
)
INACTIVE_KEYS = ("person_id", "name", "group_code", "last_present")


@pytest.fixture
def inactive_data(cqn: Run, tmp_path: Path) -> None:
    load(
        cqn,
        tmp_path,
        roster=INACTIVE_ROSTER,
        groups=INACTIVE_GROUPS,
        members=INACTIVE_MEMBERS,
        attendance=INACTIVE_MARKS,
    )


def _inactive(cqn: Run, *args: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    doc = stats(cqn, "inactive", *args)
    rows = pick(doc["rows"], *INACTIVE_KEYS)
    return sorted(rows, key=lambda r: (r["group_code"], r["person_id"])), doc["total"]


def test_inactive_over_the_last_three_meetings(cqn: Run, inactive_data: None) -> None:
    rows, total = _inactive(cqn, "--as-of", "30/11/2019", "--last", "3")
    # CLB1's last 3 on or before D: M2, M3, M4 (M5 is after D).
    assert rows == [
        # An: absent, excused, unmarked; last present at M1 (M5 is after D).
        {"person_id": "CQN000001", "name": "Nguyễn Văn An", "group_code": "CLB1",
         "last_present": "2019-03-10"},
        # Bình: never present.
        {"person_id": "CQN000002", "name": "Trần Văn Bình", "group_code": "CLB1",
         "last_present": None},
        # Giang: excused at all three; present only at a BLL1 meeting → null.
        {"person_id": "CQN000005", "name": "Hồ Văn Giang", "group_code": "CLB1",
         "last_present": None},
        # Not: Cường (joined after M2), Dũng (present at M3), Khánh (not a member at D);
        # BLL1 has only two meetings, so Hải is not listed.
    ]  # fmt: skip
    assert total["inactive"] == 3


def test_inactive_over_the_last_two_meetings(cqn: Run, inactive_data: None) -> None:
    rows, total = _inactive(cqn, "--as-of", "30/11/2019", "--last", "2")
    # CLB1: M3, M4 — Cường is now expected at both. BLL1: N1, N2 — Hải absent at both,
    # Giang present at N1.
    assert rows == [
        {"person_id": "CQN000006", "name": "Đỗ Văn Hải", "group_code": "BLL1",
         "last_present": None},
        {"person_id": "CQN000001", "name": "Nguyễn Văn An", "group_code": "CLB1",
         "last_present": "2019-03-10"},
        {"person_id": "CQN000002", "name": "Trần Văn Bình", "group_code": "CLB1",
         "last_present": None},
        {"person_id": "CQN000003", "name": "Lê Văn Cường", "group_code": "CLB1",
         "last_present": None},
        {"person_id": "CQN000005", "name": "Hồ Văn Giang", "group_code": "CLB1",
         "last_present": None},
    ]  # fmt: skip
    assert total["inactive"] == 5


def test_inactive_by_default_over_four_meetings(cqn: Run, inactive_data: None) -> None:
    rows, _ = _inactive(cqn, "--as-of", "30/11/2019")
    # M1..M4: An was present at M1 and Cường joined after M1; Bình and Giang (excused
    # or absent at all four) remain. BLL1 has fewer than 4 meetings.
    assert [(r["name"], r["group_code"], r["last_present"]) for r in rows] == [
        ("Trần Văn Bình", "CLB1", None),
        ("Hồ Văn Giang", "CLB1", None),
    ]


def test_inactive_as_of_the_year_end(cqn: Run, inactive_data: None) -> None:
    rows, _ = _inactive(cqn, "--as-of", "31/12/2019", "--last", "3")
    # Now M5 is in: the last 3 are M3, M4, M5. An, present at M5, is no longer inactive;
    # Cường (joined 01/07) is expected at all three and never present; Bình and Giang
    # (unmarked at M5) stay.
    assert [(r["name"], r["last_present"]) for r in rows] == [
        ("Trần Văn Bình", None),
        ("Lê Văn Cường", None),
        ("Hồ Văn Giang", None),
    ]


# ---- profile of the gathered -------------------------------------------------------------

PROFILE_ROSTER = (
    "Họ và tên,Phường,Trạng thái,Ngày trạng thái,Đảng viên,Đoàn viên,DBĐV,Hội viên CCB\n"
    + "Nguyễn Văn An,Xuân Hà,,,x,,,x\n"
    + "Trần Văn Bình,Xuân Hà,,,,x,x,\n"
    + "Lê Văn Cường,Xuân Hà,,,x,x,x,x\n"  # only in a dissolved club: not gathered
    + "Phạm Văn Dũng,Xuân Hà,moved_out,01/06/2019,x,,,\n"  # off the roster
    + "Hồ Văn Giang,Xuân Hà,,,,,,x\n"
    + "Đỗ Văn Hải,Tam Thuận,,,x,,x,\n"
    + "Bùi Văn Khánh,Tam Thuận,,,x,x,x,x\n"  # left his club before D
)
PROFILE_GROUPS = (
    GROUPS
    + "CLB1,CLB Xuân Hà 1,CLB,Xuân Hà,01/01/2018,\n"
    + "CLB2,CLB Xuân Hà 2,CLB,Xuân Hà,01/01/2018,\n"
    + "BLL1,BLL Xuân Hà,BLL,Xuân Hà,01/01/2018,\n"
    + "CLB9,CLB Xuân Hà 9,CLB,Xuân Hà,01/01/2018,01/12/2019\n"  # dissolved before D
    + "TT1,CLB Tam Thuận,CLB,Tam Thuận,01/01/2018,\n"
    + "TT2,CLB Tam Thuận 2,CLB,Tam Thuận,01/01/2018,\n"  # nobody in it at D
    + "TTB,BLL Tam Thuận,BLL,Tam Thuận,01/01/2020,\n"  # founded after D
)
PROFILE_MEMBERS = (
    MEMBERS
    + "Nguyễn Văn An,CLB1,01/01/2019,\n"
    + "Trần Văn Bình,CLB1,01/01/2019,\n"
    + "Trần Văn Bình,BLL1,01/01/2019,\n"
    + "Lê Văn Cường,CLB9,01/01/2019,\n"
    + "Phạm Văn Dũng,CLB2,01/01/2019,\n"
    + "Hồ Văn Giang,CLB2,01/01/2019,\n"
    + "Đỗ Văn Hải,TT1,01/01/2019,\n"
    + "Bùi Văn Khánh,TT1,01/01/2019,01/12/2019\n"
    + "Bùi Văn Khánh,TT2,01/01/2019,01/06/2019\n"
    + "Bùi Văn Khánh,TTB,01/01/2020,\n"
)
PROFILE_KEYS = (
    "ward_code",
    "ward",
    "gathered",
    "party_members",
    "youth_union_members",
    "reservists",
    "ccb_members",
    "clubs",
    "boards",
    "smallest_group",
    "largest_group",
)


def test_profile_of_the_gathered(cqn: Run, tmp_path: Path) -> None:
    load(cqn, tmp_path, roster=PROFILE_ROSTER, groups=PROFILE_GROUPS, members=PROFILE_MEMBERS)
    doc = stats(cqn, "profile", "--as-of", "31/12/2019")
    assert by(doc["rows"], "ward_code", *PROFILE_KEYS) == {
        # Gathered: An, Bình (two groups, once), Giang = 3; party: An; youth union: Bình;
        # reservists: Bình; Hội CCB: An, Giang. Cường (CLB9 dissolved) and Dũng (moved
        # out) are not gathered, their flags not counted.
        # Groups at D: CLB1 (An, Bình) = 2, CLB2 (Giang; Dũng off roster) = 1,
        # BLL1 (Bình) = 1; CLB9 is gone → 2 clubs, 1 board, sizes 1 to 2.
        "20209": {**XUAN_HA, "gathered": 3, "party_members": 1, "youth_union_members": 1,
                  "reservists": 1, "ccb_members": 2, "clubs": 2, "boards": 1,
                  "smallest_group": 1, "largest_group": 2},
        # Gathered: Hải (party, reservist); Khánh left TT1 on 01/12 and TTB does not exist
        # yet. Groups: TT1 (Hải) = 1, TT2 (Khánh left 01/06) = 0; TTB founded after D.
        "20203": {**TAM_THUAN, "gathered": 1, "party_members": 1, "youth_union_members": 0,
                  "reservists": 1, "ccb_members": 0, "clubs": 2, "boards": 0,
                  "smallest_group": 0, "largest_group": 1},
    }  # fmt: skip
    total = doc["total"]
    assert {k: total[k] for k in PROFILE_KEYS[2:9]} == {
        "gathered": 4,
        "party_members": 2,
        "youth_union_members": 1,
        "reservists": 2,
        "ccb_members": 2,
        "clubs": 4,
        "boards": 1,
    }


# ---- usage errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("attendance", "--period", "2019Q5"),
        ("meetings", "--period", "2019-13"),
        ("visits", "--period", "last year"),
        ("attendance", "--period", "2019", "--from", "01/01/2019"),
        ("gatherings", "--period", "2019Q2", "--to", "30/06/2019"),
        ("gathering", "--as-of", "31/02/2019"),
        ("inactive", "--as-of", "yesterday"),
        ("profile", "--as-of", "2019-13-01"),
    ],
)
def test_usage_errors_exit_2(cqn: Run, args: tuple[str, ...]) -> None:
    r = cqn("stats", *args, "--format", "json")
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
