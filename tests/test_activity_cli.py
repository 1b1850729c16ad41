"""``cqn group …``, ``cqn meeting …``, ``cqn visit …``: typed as a clerk would, checked in the
database and in the JSON output.

Each test builds its own small ward: the roster below, groups added by command, memberships
joined by command or imported. Every figure asserted is worked out by hand from them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, write_csv

Query = Callable[..., list[tuple[Any, ...]]]

NEXT_YEAR = dt.date.today().year + 1

AN = "048052000101"  # CQN000001, male, 1952
BINH = "048160000202"  # CQN000002, female, 1960
DUNG = "048050000303"  # CQN000004, male, 1950

ROSTER = (
    "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường,Trạng thái,Ngày trạng thái\n"
    f"Nguyễn Văn An,15/03/1952,Nam,{AN},Xuân Hà,,\n"  # 1
    f"Trần Thị Bình,1960,Nữ,{BINH},Xuân Hà,,\n"  # 2
    "Lê Văn Cường,1948,Nam,,Xuân Hà,chuyển đi,01/06/2019\n"  # 3 moves out on 01/06/2019
    f"Phạm Văn Dũng,10/10/1950,Nam,{DUNG},Xuân Hà,,\n"  # 4
    "Võ Văn Em,1955,Nam,,An Khê,,\n"  # 5
    "Đỗ Văn Giang,1951,Nam,,Xuân Hà,,\n"  # 6
    "Hồ Văn Hùng,1953,Nam,,Xuân Hà,,\n"  # 7
    "Bùi Văn Khánh,1954,Nam,,Xuân Hà,,\n"  # 8
)

# Who is in which group, when (imported by most tests, joined by command in some):
#   XH-CLB01 (founded 01/01/2015): An from 01/02/2015 (chủ nhiệm); Bình 01/03/2016–30/06/2019;
#     Cường from 01/01/2017 (moves out 01/06/2019); Dũng from 01/09/2019 (phó chủ nhiệm);
#     Giang 01/01/2018–01/09/2019; Hùng and Khánh from 01/01/2018.
#   XH-BLL01 (15/03/2016–01/10/2019): An and Dũng from 01/01/2017.
#   AK-CLB01 (founded 01/01/2018): Em from 01/01/2018.
MEMBERS = (
    "Mã CQN,Mã nhóm,Ngày tham gia,Ngày rời,Chức vụ\n"
    "CQN000001,XH-CLB01,01/02/2015,,Chủ nhiệm\n"
    "CQN000002,XH-CLB01,01/03/2016,30/06/2019,\n"
    "CQN000003,XH-CLB01,01/01/2017,,\n"
    "CQN000004,XH-CLB01,01/09/2019,,Phó chủ nhiệm\n"
    "CQN000006,XH-CLB01,01/01/2018,01/09/2019,\n"
    "CQN000007,XH-CLB01,01/01/2018,,\n"
    "CQN000008,XH-CLB01,01/01/2018,,\n"
    "CQN000001,XH-BLL01,01/01/2017,,\n"
    "CQN000004,XH-BLL01,01/01/2017,,Trưởng ban\n"
    "CQN000005,AK-CLB01,01/01/2018,,\n"
)


def ok(cqn: Run, *args: str) -> Any:
    r = cqn(*args)
    assert r.exit_code == 0, r.output
    return r


def as_json(cqn: Run, *args: str) -> Any:
    return json.loads(ok(cqn, *args, "--format", "json").stdout)


def snapshot(query: Query) -> dict[str, list[tuple[Any, ...]]]:
    tables = [r[0] for r in query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: query(f'SELECT * FROM "{t}" ORDER BY 1') for t in sorted(tables)}


def refused(cqn: Run, query: Query, *args: str, code: int = 1) -> str:
    """A command the data refuses: its exit code, nothing written; its stderr."""
    before = snapshot(query)
    r = cqn(*args)
    assert r.exit_code == code, r.output
    assert snapshot(query) == before
    return str(r.stderr)


def roster(cqn: Run, query: Query, tmp_path: Path) -> None:
    ok(cqn, "import", "roster", write_csv(tmp_path / "roster.csv", ROSTER), "--as-of", "2019-12-31")
    assert [r[0] for r in query("SELECT full_name FROM person ORDER BY id")] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Văn Dũng",
        "Võ Văn Em",
        "Đỗ Văn Giang",
        "Hồ Văn Hùng",
        "Bùi Văn Khánh",
    ]


def add_groups(cqn: Run) -> None:
    ok(cqn, "group", "add", "XH-CLB01", "--name", "CLB Cựu chiến binh tổ 5", "--kind", "CLB",
       "--ward", "Xuân Hà", "--founded", "01/01/2015")  # fmt: skip
    ok(cqn, "group", "add", "XH-BLL01", "--name", "Ban liên lạc Trung đoàn 96", "--kind",
       "Ban liên lạc", "--ward", "Xuân Hà", "--founded", "15/03/2016", "--dissolved",
       "01/10/2019")  # fmt: skip
    ok(cqn, "group", "add", "AK-CLB01", "--name", "CLB An Khê", "--kind", "câu lạc bộ",
       "--ward", "An Khê", "--founded", "2018-01-01")  # fmt: skip


def ward(cqn: Run, query: Query, tmp_path: Path, *, members: bool = True) -> None:
    """The roster, the three groups and (unless told) the memberships above."""
    roster(cqn, query, tmp_path)
    add_groups(cqn)
    if members:
        ok(cqn, "import", "members", write_csv(tmp_path / "members.csv", MEMBERS))


def memberships(query: Query) -> list[tuple[Any, ...]]:
    return query(
        "SELECT ms.person_id, g.code, ms.joined_on, ms.left_on, ms.role"
        " FROM membership ms JOIN groups g ON g.id = ms.group_id ORDER BY ms.id"
    )


# ---- group add / list / show ----------------------------------------------------------------


def test_group_add_writes_the_group(cqn: Run, query: Query, tmp_path: Path) -> None:
    add_groups(cqn)
    assert query(
        "SELECT code, name, kind, ward_id, founded_on, dissolved_on FROM groups ORDER BY id"
    ) == [
        ("XH-CLB01", "CLB Cựu chiến binh tổ 5", "clb", "tk-xuan-ha", "2015-01-01", None),
        ("XH-BLL01", "Ban liên lạc Trung đoàn 96", "bll", "tk-xuan-ha", "2016-03-15", "2019-10-01"),
        # Typed today, "An Khê" is today's ward (20305), not the 2019 one of the same name.
        ("AK-CLB01", "CLB An Khê", "clb", "dn-an-khe", "2018-01-01", None),
    ]


@pytest.mark.parametrize("code", ["XH-CLB01", "xh-clb01"])
def test_group_add_with_a_code_held_is_refused(cqn: Run, query: Query, code: str) -> None:
    add_groups(cqn)
    err = refused(
        cqn, query, "group", "add", code, "--name", "Khác", "--kind", "BLL", "--ward", "An Khê"
    )
    assert f"Đã có nhóm mã '{code}'." in err
    assert query("SELECT name FROM groups WHERE code = 'XH-CLB01'") == [
        ("CLB Cựu chiến binh tổ 5",)
    ]


def test_group_add_checks_its_values(cqn: Run, query: Query) -> None:
    err = refused(cqn, query, "group", "add", "XH-CLB02", "--name", "CLB 2", "--kind", "CLB",
                  "--ward", "Xuân Hà", "--founded", "01/01/2019", "--dissolved", "01/01/2018",
                  code=1)  # fmt: skip
    assert "[--dissolved] '01/01/2018': ngày giải thể không sau ngày thành lập" in err
    err = refused(cqn, query, "group", "add", "XH-CLB02", "--name", "CLB 2", "--kind", "Hội",
                  "--ward", "Xuân Hà", code=2)  # fmt: skip
    assert "CLB hoặc BLL" in err
    err = refused(cqn, query, "group", "add", "XH-CLB02", "--name", "CLB 2", "--kind", "CLB",
                  "--ward", "Xuan Haa")  # fmt: skip
    assert "có phải 'Xuân Hà'" in err


def group_members(cqn: Run, *opts: str) -> dict[str, int]:
    doc = as_json(cqn, "group", "list", *opts)
    return {row["code"]: row["members"] for row in doc["rows"]}


def test_group_list_json_rows(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    doc = as_json(cqn, "group", "list", "--as-of", "15/07/2019")
    # Ward 20209 (Xuân Hà) before 20305 (An Khê); clubs before boards.
    assert doc["rows"] == [
        {
            "code": "XH-CLB01",
            "name": "CLB Cựu chiến binh tổ 5",
            "kind": "clb",
            "ward_code": "20209",
            "ward": "Phường Xuân Hà",
            "founded_on": "2015-01-01",
            "dissolved_on": None,
            "members": 4,  # An, Giang, Hùng, Khánh (Bình left, Cường moved out, Dũng not yet)
        },
        {
            "code": "XH-BLL01",
            "name": "Ban liên lạc Trung đoàn 96",
            "kind": "bll",
            "ward_code": "20209",
            "ward": "Phường Xuân Hà",
            "founded_on": "2016-03-15",
            "dissolved_on": "2019-10-01",
            "members": 2,  # An, Dũng
        },
        {
            "code": "AK-CLB01",
            "name": "CLB An Khê",
            "kind": "clb",
            "ward_code": "20305",
            "ward": "Phường An Khê",
            "founded_on": "2018-01-01",
            "dissolved_on": None,
            "members": 1,  # Em
        },
    ]
    assert doc["params"]["as_of"] == "2019-07-15"
    assert doc["total"]["members"] == 7


# Members per group as of a date, worked out from MEMBERS and the roster.
MEMBERS_AS_OF = {
    # Only An, in the only group founded by then.
    "01/01/2016": {"XH-CLB01": 1, "XH-BLL01": 0, "AK-CLB01": 0},
    # Cường still on the roster (moves out 01/06), Bình still in (leaves 30/06).
    "31/05/2019": {"XH-CLB01": 6, "XH-BLL01": 2, "AK-CLB01": 1},
    "01/06/2019": {"XH-CLB01": 5, "XH-BLL01": 2, "AK-CLB01": 1},
    "29/06/2019": {"XH-CLB01": 5, "XH-BLL01": 2, "AK-CLB01": 1},
    "30/06/2019": {"XH-CLB01": 4, "XH-BLL01": 2, "AK-CLB01": 1},
    # Dũng joins and Giang leaves on 01/09: one in, one out.
    "31/08/2019": {"XH-CLB01": 4, "XH-BLL01": 2, "AK-CLB01": 1},
    "01/09/2019": {"XH-CLB01": 4, "XH-BLL01": 2, "AK-CLB01": 1},
    # The board is dissolved on 01/10: nobody is a member of it that day.
    "30/09/2019": {"XH-CLB01": 4, "XH-BLL01": 2, "AK-CLB01": 1},
    "01/10/2019": {"XH-CLB01": 4, "XH-BLL01": 0, "AK-CLB01": 1},
}


def test_group_list_members_as_of(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    got = {day: group_members(cqn, "--as-of", day) for day in MEMBERS_AS_OF}
    assert got == MEMBERS_AS_OF


def test_group_list_members_default_to_today(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    doc = as_json(cqn, "group", "list")
    assert doc["params"]["as_of"] == dt.date.today().isoformat()
    # Today: An, Dũng, Hùng, Khánh in the club; the board is dissolved.
    assert {r["code"]: r["members"] for r in doc["rows"]} == {
        "XH-CLB01": 4,
        "XH-BLL01": 0,
        "AK-CLB01": 1,
    }


def test_group_list_filters(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    assert list(group_members(cqn, "--ward", "An Khê")) == ["AK-CLB01"]
    assert list(group_members(cqn, "--ward", "Xuân Hà")) == ["XH-CLB01", "XH-BLL01"]
    assert list(group_members(cqn, "--kind", "BLL")) == ["XH-BLL01"]
    assert list(group_members(cqn, "--kind", "Câu lạc bộ")) == ["XH-CLB01", "AK-CLB01"]
    assert group_members(cqn, "--kind", "clb", "--ward", "Xuân Hà", "--as-of", "2019-05-31") == {
        "XH-CLB01": 6
    }
    assert cqn("group", "list", "--kind", "Hội").exit_code == 2


def test_a_ward_filter_names_the_ward_of_the_listings_date(sample_db: Path) -> None:
    # "Xuân Hà" is the 2019 ward in 2019, and since 2025 the larger ward of that name
    # (with Tam Thuận): a listing reads the name, and the map, at its own date, as stats.
    from typer.testing import CliRunner

    from cqn_cli.cli.app import app

    def rows(*args: str) -> list[dict[str, Any]]:
        r = CliRunner().invoke(app, ["--db", str(sample_db), *args, "-f", "json"])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)["rows"]  # type: ignore[no-any-return]

    clubs = ("group", "list", "--ward", "Xuân Hà", "--kind", "CLB")
    then = [g["code"] for g in rows(*clubs, "--as-of", "31/12/2019")]
    assert then == ["XH-CLB01", "XH-CLB02", "XH-CLB03"]
    now = {g["code"][:2] for g in rows(*clubs)}
    assert now == {"TT", "XH"}
    visits = rows("visit", "list", "--period", "2019", "--ward", "Xuân Hà")
    (by_ward,) = [
        w
        for w in rows("stats", "visits", "--period", "2019", "--by", "ward")
        if w["ward"] == "Phường Xuân Hà"
    ]
    assert len(visits) == by_ward["visits"]
    assert len({v["person_id"] for v in visits}) == by_ward["people"]
    assert sum(v["gift"] or 0 for v in visits) == by_ward["gift_total"]


def test_group_list_csv_has_the_keys_as_header(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    out = ok(cqn, "group", "list", "--format", "csv", "--as-of", "2019-07-15").stdout
    lines = out.splitlines()
    # The keys of the JSON rows (SPEC §5 group rows), ward_code included.
    assert lines[0] == "code,name,kind,ward_code,ward,founded_on,dissolved_on,members"
    assert lines[1] == "XH-CLB01,CLB Cựu chiến binh tổ 5,clb,20209,Phường Xuân Hà,2015-01-01,,4"
    doc = as_json(cqn, "group", "list", "--as-of", "2019-07-15")
    assert lines[0].split(",") == list(doc["rows"][0])


def test_group_show_lists_current_members_with_roles_and_joining_dates(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    ward(cqn, query, tmp_path)
    doc = as_json(cqn, "group", "show", "xh-clb01")
    assert doc["code"] == "XH-CLB01"
    assert doc["members"] == 4
    # Today: Bình and Giang have left, Cường moved out; the chairman first, then his deputy.
    assert doc["member_list"] == [
        {"person_id": "CQN000001", "name": "Nguyễn Văn An", "role": "Chủ nhiệm",
         "joined_on": "2015-02-01"},
        {"person_id": "CQN000004", "name": "Phạm Văn Dũng", "role": "Phó chủ nhiệm",
         "joined_on": "2019-09-01"},
        {"person_id": "CQN000007", "name": "Hồ Văn Hùng", "role": None,
         "joined_on": "2018-01-01"},
        {"person_id": "CQN000008", "name": "Bùi Văn Khánh", "role": None,
         "joined_on": "2018-01-01"},
    ]  # fmt: skip
    table = ok(cqn, "group", "show", "XH-CLB01", "--format", "table").stdout
    assert "Chủ nhiệm" in table and "01/02/2015" in table
    # As CSV, one table a script reads: the members, with the JSON's keys.
    rows = list(
        csv.DictReader(io.StringIO(ok(cqn, "group", "show", "XH-CLB01", "-f", "csv").stdout))
    )
    assert [(r["person_id"], r["role"], r["joined_on"]) for r in rows] == [
        (m["person_id"], m["role"] or "", m["joined_on"]) for m in doc["member_list"]
    ]


def test_group_show_of_an_unknown_group(cqn: Run, query: Query) -> None:
    assert "Không có nhóm mã 'XH-CLB09'." in refused(cqn, query, "group", "show", "XH-CLB09")


def test_group_show_of_a_dissolved_group_lists_nobody(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    ward(cqn, query, tmp_path)
    doc = as_json(cqn, "group", "show", "XH-BLL01")
    assert doc["members"] == 0
    assert doc["member_list"] == []


# ---- group join / leave -----------------------------------------------------------------------


def test_group_join_and_leave_with_every_kind_of_person_reference(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    ward(cqn, query, tmp_path, members=False)
    ok(cqn, "group", "join", "XH-CLB01", "CQN000001", "--on", "01/02/2015", "--role", "Chủ nhiệm")
    ok(cqn, "group", "join", "XH-CLB01", BINH, "--on", "2016-03-01")
    ok(cqn, "group", "join", "xh-clb01", "Lê Văn Cường, 1948, Xuân Hà", "--on", "01/01/2017")
    # Year only finds the full birth date held (10/10/1950).
    ok(cqn, "group", "join", "XH-BLL01", "Phạm Văn Dũng, 1950, Xuân Hà", "--on", "01/01/2017")
    ok(cqn, "group", "join", "AK-CLB01", "5", "--on", "01/01/2018")
    r = ok(cqn, "group", "leave", "XH-CLB01", "048 160 000 202", "--on", "30/06/2019")
    assert "CQN000002 Trần Thị Bình rời XH-CLB01 từ 30/06/2019." in r.stdout
    assert BINH not in r.output
    assert memberships(query) == [
        (1, "XH-CLB01", "2015-02-01", None, "Chủ nhiệm"),
        (2, "XH-CLB01", "2016-03-01", "2019-06-30", None),
        (3, "XH-CLB01", "2017-01-01", None, None),
        (4, "XH-BLL01", "2017-01-01", None, None),
        (5, "AK-CLB01", "2018-01-01", None, None),
    ]
    # Back in the club on the day after leaving it: a second membership.
    ok(cqn, "group", "join", "XH-CLB01", "CQN000002", "--on", "01/07/2019")
    assert memberships(query)[-1] == (2, "XH-CLB01", "2019-07-01", None, None)


def test_group_join_is_checked_like_an_imported_membership(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    ward(cqn, query, tmp_path)
    err = refused(cqn, query, "group", "join", "XH-CLB01", "CQN000005", "--on", "31/12/2014")
    assert "[--on] '31/12/2014': tham gia trước ngày thành lập nhóm (01/01/2015)" in err
    err = refused(cqn, query, "group", "join", "XH-BLL01", "CQN000005", "--on", "01/10/2019")
    assert "tham gia khi nhóm đã giải thể (01/10/2019)" in err
    # An is in the club since 2015: joining again overlaps.
    err = refused(cqn, query, "group", "join", "XH-CLB01", "CQN000001", "--on", "01/01/2019")
    assert "trùng thời gian với một lần tham gia khác" in err
    err = refused(cqn, query, "group", "join", "XH-CLB1", "CQN000005", "--on", "01/01/2019")
    assert "có phải 'XH-CLB01'?" in err
    err = refused(cqn, query, "group", "join", "XH-CLB01", "CQN000099", "--on", "01/01/2019")
    assert "không có CQN mã CQN000099" in err
    err = refused(cqn, query, "group", "join", "XH-CLB01", "Nguyễn Văn Ba", "--on", "01/01/2019")
    assert err.splitlines()[0] == "không có ai tên 'Nguyễn Văn Ba'"  # no "[PERSON]" before it
    refused(cqn, query, "group", "join", "XH-CLB01", "CQN000005", "--on", f"01/01/{NEXT_YEAR}",
            code=2)  # fmt: skip


def test_group_join_with_an_ambiguous_name_names_the_candidates(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    roster(cqn, query, tmp_path)
    add_groups(cqn)
    more = write_csv(
        tmp_path / "more.csv", "Họ và tên,Năm sinh,Phường\nNguyễn Văn An,1958,Xuân Hà\n"
    )
    ok(cqn, "import", "roster", more, "--as-of", "2019-12-31")
    err = refused(cqn, query, "group", "join", "XH-CLB01", "Nguyễn Văn An", "--on", "01/01/2019")
    assert "khớp nhiều người: CQN000001 Nguyễn Văn An, CQN000009 Nguyễn Văn An" in err
    ok(cqn, "group", "join", "XH-CLB01", "Nguyễn Văn An, 1958, Xuân Hà", "--on", "01/01/2019")
    assert memberships(query) == [(9, "XH-CLB01", "2019-01-01", None, None)]


def test_leaving_a_group_one_is_not_a_member_of_is_refused(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    ward(cqn, query, tmp_path)
    # Em was never in the club; Bình left it on 30/06/2019; Dũng joins only on 01/09/2019.
    for person, on in (("CQN000005", "01/01/2019"), (BINH, "01/07/2019"), (DUNG, "31/08/2019")):
        err = refused(cqn, query, "group", "leave", "XH-CLB01", person, "--on", on)
        assert "không phải thành viên XH-CLB01 vào ngày đó." in err
    # A mistyped code: the closest held codes are offered, the nearest first.
    assert "Không có nhóm mã 'XH-CLB09'; có phải: XH-CLB01" in refused(
        cqn, query, "group", "leave", "XH-CLB09", "CQN000001", "--on", "01/01/2019"
    )
    assert "không có CQN mã CQN000099" in refused(
        cqn, query, "group", "leave", "XH-CLB01", "CQN000099", "--on", "01/01/2019"
    )


def test_leaving_on_a_future_date_is_refused(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    refused(cqn, query, "group", "leave", "XH-CLB01", "CQN000001", "--on", f"01/01/{NEXT_YEAR}",
            code=2)  # fmt: skip


# ---- meeting record / list / show -------------------------------------------------------------

# The club's meeting of 01/09/2019, by hand:
#   expected (members that day, on the roster): An, Dũng (joins that day), Hùng, Khánh = 4
#   not expected: Bình (left 30/06), Cường (moved out 01/06), Giang (leaves that day)
#   marks: An, Dũng present; Hùng excused; Khánh unmarked → absent;
#          Cường, Em (never a member), Giang present, Bình excused → 4 guests (SPEC §4:
#          "Marks recorded for others count as present guests", whatever they say).
SEPT = {
    "code": "XH-CLB01-20190901",
    "date": "2019-09-01",
    "kind": "quarterly",
    "group_code": "XH-CLB01",
    "title": "Họp quý III",
    "expected": 4,
    "present": 2,
    "excused": 1,
    "absent": 1,
    "guests": 4,
}


def record_september(cqn: Run) -> Any:
    return ok(cqn, "meeting", "record", "XH-CLB01", "--on", "01/09/2019", "--kind", "Họp quý",
              "--title", "Họp quý III",
              "--present", "CQN000001",
              "--present", "Phạm Văn Dũng, 10/10/1950, Xuân Hà",
              "--excused", "CQN000007",
              "--present", "Lê Văn Cường, 1948, Xuân Hà",
              "--present", "Võ Văn Em, 1955, An Khê",
              "--present", "CQN000006",
              "--excused", BINH)  # fmt: skip


# The club's meeting of 15/05/2019, from a sign-in sheet of one reference per line:
#   expected: An, Bình, Cường (moves out only on 01/06), Giang, Hùng, Khánh = 6
#   sheet: An, Bình, Giang present; Dũng present but joins only on 01/09 → guest;
#   Cường absent (marked), Hùng excused, Khánh unmarked → absent 2.
MAY = {
    "code": "XH-CLB01-20190515",
    "date": "2019-05-15",
    "kind": "quarterly",
    "group_code": "XH-CLB01",
    "title": None,
    "expected": 6,
    "present": 3,
    "excused": 1,
    "absent": 2,
    "guests": 1,
}


def record_may(cqn: Run, tmp_path: Path, encoding: str = "utf-8") -> Any:
    sheet = write_csv(
        tmp_path / "ky-ten.txt",
        f"CQN000001\n{BINH}\n\nĐỗ Văn Giang, 1951, Xuân Hà\nCQN000004\n",
        encoding=encoding,
        bom=encoding == "utf-16-le",
        newline="\r\n",
    )
    return ok(cqn, "meeting", "record", "XH-CLB01", "--on", "15/05/2019", "--kind", "hop quy",
              "--present-file", sheet, "--absent", "Lê Văn Cường, 1948",
              "--excused", "CQN000007")  # fmt: skip


# The gathering of 22/12/2019 from a CSV sign-in sheet with a CCCD column:
#   expected: An, Dũng, Hùng, Khánh = 4; present An, Dũng; absent Hùng, Khánh.
DEC = {
    "code": "XH-CLB01-20191222",
    "date": "2019-12-22",
    "kind": "gathering",
    "group_code": "XH-CLB01",
    "title": None,
    "expected": 4,
    "present": 2,
    "excused": 0,
    "absent": 2,
    "guests": 0,
}


def record_december(cqn: Run, tmp_path: Path) -> Any:
    sheet = write_csv(
        tmp_path / "ky-ten.csv",
        f"STT,Họ và tên,Số CCCD,Ký tên\n1,Nguyễn Văn An,{AN},x\n2,Phạm Văn Dũng,{DUNG},x\n",
        bom=True,
    )
    return ok(cqn, "meeting", "record", "XH-CLB01", "--on", "22/12/2019", "--kind", "gặp mặt",
              "--present-file", sheet)  # fmt: skip


def test_meeting_record_prints_the_tally(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    r = record_september(cqn)
    assert r.stdout.strip() == (
        "Cuộc họp XH-CLB01-20190901: dự kiến 4, có mặt 2, vắng có phép 1, vắng 1, khách 4."
    )
    assert query(
        "SELECT mt.code, mt.date, mt.kind, mt.title, a.person_id, a.status FROM attendance a"
        " JOIN meeting mt ON mt.id = a.meeting_id ORDER BY a.person_id"
    ) == [
        ("XH-CLB01-20190901", "2019-09-01", "quarterly", "Họp quý III", 1, "present"),
        ("XH-CLB01-20190901", "2019-09-01", "quarterly", "Họp quý III", 2, "excused"),
        ("XH-CLB01-20190901", "2019-09-01", "quarterly", "Họp quý III", 3, "present"),
        ("XH-CLB01-20190901", "2019-09-01", "quarterly", "Họp quý III", 4, "present"),
        ("XH-CLB01-20190901", "2019-09-01", "quarterly", "Họp quý III", 5, "present"),
        ("XH-CLB01-20190901", "2019-09-01", "quarterly", "Họp quý III", 6, "present"),
        ("XH-CLB01-20190901", "2019-09-01", "quarterly", "Họp quý III", 7, "excused"),
    ]


def test_meeting_record_from_a_plain_sign_in_sheet(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    r = record_may(cqn, tmp_path)
    assert r.stdout.strip() == (
        "Cuộc họp XH-CLB01-20190515: dự kiến 6, có mặt 3, vắng có phép 1, vắng 2, khách 1."
    )
    assert query("SELECT person_id, status FROM attendance ORDER BY person_id") == [
        (1, "present"),
        (2, "present"),
        (3, "absent"),
        (4, "present"),
        (6, "present"),
        (7, "excused"),
    ]


def test_meeting_record_from_a_csv_sign_in_sheet(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    r = record_december(cqn, tmp_path)
    assert r.stdout.strip() == (
        "Cuộc họp XH-CLB01-20191222: dự kiến 4, có mặt 2, vắng có phép 0, vắng 2, khách 0."
    )
    assert query("SELECT person_id, status FROM attendance ORDER BY person_id") == [
        (1, "present"),
        (4, "present"),
    ]


def test_a_workbook_sign_in_sheet_under_its_title_rows(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """A sheet as a ward prints it: a title, a blank row, then its header (STT, name,
    national id): found as an import finds its header; the row numbers are not people."""
    from openpyxl import Workbook

    ward(cqn, query, tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["Danh sách ký tên gặp mặt 22/12/2019"])
    ws.append([])
    ws.append(["STT", "Họ và tên", "Số CCCD", "Ký tên"])
    ws.append([1, "Nguyễn Văn An", AN, "x"])
    ws.append([2, "Phạm Văn Dũng", DUNG, "x"])
    sheet = tmp_path / "ky-ten.xlsx"
    wb.save(sheet)
    r = ok(cqn, "meeting", "record", "XH-CLB01", "--on", "22/12/2019", "--kind", "gặp mặt",
           "--present-file", sheet)  # fmt: skip
    assert "dự kiến 4, có mặt 2, vắng có phép 0, vắng 2, khách 0." in r.stdout
    assert query("SELECT person_id, status FROM attendance ORDER BY person_id") == [
        (1, "present"),
        (4, "present"),
    ]


def test_a_sign_in_list_of_bare_numbers_is_refused_not_taken_for_ids(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """One person a line: "1", "2" are a list's row numbers far more often than ids
    (CQN000001): refused, each line said, nothing written. ``CQN000004`` is an id."""
    ward(cqn, query, tmp_path)
    sheet = write_csv(tmp_path / "ky-ten.txt", "1\n2\nCQN000004\n")
    r = cqn("meeting", "record", "XH-CLB01", "--on", "22/12/2019", "--kind", "gặp mặt",
            "--present-file", sheet, lang="en")  # fmt: skip
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"{sheet}:{n}:1 '{n}': a bare number: write a cqn id as CQN000012, a national id"
        " with its 12 digits (is this a row number?)"
        for n in (1, 2)
    ] + [f"{sheet}: 2 bad row(s); nothing was written."]
    assert query("SELECT count(*) FROM meeting") == [(0,)]


def test_meeting_record_again_updates_the_marks_of_the_same_meeting(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    ward(cqn, query, tmp_path)
    record_december(cqn, tmp_path)
    r = ok(cqn, "meeting", "record", "XH-CLB01", "--on", "22/12/2019", "--kind", "gathering",
           "--present", "CQN000008", "--excused", "CQN000007")  # fmt: skip
    assert "dự kiến 4, có mặt 3, vắng có phép 1, vắng 0, khách 0." in r.stdout
    assert query("SELECT count(*) FROM meeting") == [(1,)]
    # Another kind the same day is another meeting.
    r = ok(cqn, "meeting", "record", "XH-CLB01", "--on", "22/12/2019", "--kind", "tổng kết",
           "--present", "CQN000001")  # fmt: skip
    assert query("SELECT code, kind FROM meeting ORDER BY id") == [
        ("XH-CLB01-20191222", "gathering"),
        ("XH-CLB01-20191222-review", "review"),
    ]


def test_a_meeting_imported_under_its_own_code_is_recorded_by_hand_not_made_twice(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    ward(cqn, query, tmp_path)
    sheet = (
        "Mã cuộc họp,Ngày,Loại,Mã nhóm,Tiêu đề,Mã CQN,Trạng thái\n"
        "Q1-XH,16/03/2019,họp quý,XH-CLB01,Họp quý I/2019,CQN000001,có mặt\n"
    )
    ok(cqn, "import", "attendance", write_csv(tmp_path / "q1.csv", sheet))
    # The club's quarterly meeting of that day is the one held: marked, its title corrected.
    r = ok(cqn, "meeting", "record", "XH-CLB01", "--on", "16/03/2019", "--kind", "quarterly",
           "--title", "Sinh hoạt quý I năm 2019", "--present", "CQN000008")  # fmt: skip
    assert "Cuộc họp Q1-XH đã có từ trước: thêm 1 điểm danh, sửa 0, không đổi 0." in r.stdout
    said = (
        "--title: tiêu đề cuộc họp Q1-XH đổi từ 'Họp quý I/2019' thành 'Sinh hoạt quý I năm 2019'."
    )
    assert r.stderr.strip() == said
    assert query("SELECT code, title FROM meeting") == [("Q1-XH", "Sinh hoạt quý I năm 2019")]
    assert query("SELECT count(*) FROM attendance") == [(2,)]
    # A file's title is the meeting's when the file makes it; a held meeting keeps its own.
    other_title = write_csv(tmp_path / "q1b.csv", sheet.replace("Họp quý I/2019", "Họp quý I"))
    ok(cqn, "import", "attendance", other_title)
    assert query("SELECT title FROM meeting") == [("Sinh hoạt quý I năm 2019",)]
    # Two of that kind that day: which one is asked for, nothing written.
    other = sheet.replace("Q1-XH", "Q1-XH-B").replace("CQN000001", "CQN000008")
    ok(cqn, "import", "attendance", write_csv(tmp_path / "q1c.csv", other))
    before = snapshot(query)
    two = cqn("meeting", "record", "XH-CLB01", "--on", "16/03/2019", "--kind", "quarterly",
              "--present", "CQN000002")  # fmt: skip
    assert two.exit_code == 2 and "(Q1-XH, Q1-XH-B): chọn một bằng --code" in two.stderr
    assert snapshot(query) == before


def test_what_is_recorded_again_is_said_as_held_not_as_new(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    ward(cqn, query, tmp_path, members=False)
    join = ("group", "join", "XH-CLB01", "CQN000001", "--on", "01/02/2015")
    assert ok(cqn, *join).stdout.strip() == "CQN000001 tham gia XH-CLB01 từ 01/02/2015."
    before = snapshot(query)
    again = ok(cqn, *join).stdout.strip()
    assert again == "CQN000001 đã là thành viên XH-CLB01 từ 01/02/2015; không đổi gì."
    assert snapshot(query) == before
    role = ok(cqn, *join, "--role", "Chủ nhiệm").stdout.strip()
    assert role == "CQN000001 đã là thành viên XH-CLB01 từ 01/02/2015; đã cập nhật chức vụ."
    assert query("SELECT role FROM membership") == [("Chủ nhiệm",)]

    meeting = ("meeting", "record", "XH-CLB01", "--on", "15/03/2019", "--kind", "họp quý")
    first = ok(cqn, *meeting, "--present", "CQN000001").stdout
    assert "đã có từ trước" not in first
    again = ok(cqn, *meeting, "--present", "CQN000001", "--excused", "CQN000002").stdout
    assert again.splitlines()[0] == (
        "Cuộc họp XH-CLB01-20190315 đã có từ trước: thêm 1 điểm danh, sửa 0, không đổi 1."
    )
    assert query("SELECT count(*) FROM meeting") == [(1,)]

    visit = ("visit", "record", "CQN000001", "--on", "12/03/2019", "--reason", "ốm đau")
    assert ok(cqn, *visit, "--gift", "500000").stdout.strip() == (
        "Đã ghi lần thăm CQN000001 ngày 12/03/2019."
    )
    assert ok(cqn, *visit, "--gift", "500000").stdout.strip() == (
        "Lần thăm CQN000001 ngày 12/03/2019 đã có, y như vậy; không đổi gì."
    )
    assert "đã cập nhật quà tặng" in ok(cqn, *visit, "--gift", "600000").stdout
    assert query("SELECT gift FROM visit") == [(600_000,)]


def test_a_person_not_found_is_said_where_given_and_who_they_might_be(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    ward(cqn, query, tmp_path)
    sheet = tmp_path / "ky-ten.txt"
    sheet.write_text(
        "Nguyễn Văn An, 1952\nPham Van Dung\nBùi Văn Khánh, 1960\nĐỗ Văn Giang, 02/1950\n",
        encoding="utf-8",
    )
    err = refused(cqn, query, "meeting", "record", "XH-CLB01", "--kind", "họp quý",
                  "--on", "15/03/2019", "--present-file", sheet,
                  "--excused", "Nguyễn Văn An", "--absent", "Hồ Văn Hùng, , An Khê")  # fmt: skip
    assert err.splitlines() == [
        # Written without its accents: who it might be is said, not taken.
        f"[{sheet}:2]: không có ai tên 'Pham Van Dung'; có phải CQN000004 Phạm Văn Dũng?",
        f"[{sheet}:3]: không ai tên 'Bùi Văn Khánh' có ngày sinh 1960",
        f"[{sheet}:4]: không ai tên 'Đỗ Văn Giang' có ngày sinh 02/1950",
        f"[--excused Nguyễn Văn An]: người này đã được điểm danh ở {sheet}:1",
        "[--absent Hồ Văn Hùng, , An Khê]: không ai tên 'Hồ Văn Hùng' ở Phường An Khê",
        "5 giá trị bị từ chối; không ghi gì.",
    ]


def test_meeting_record_refusals_write_nothing(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    base = ("meeting", "record", "XH-CLB01", "--kind", "họp quý")
    err = refused(cqn, query, *base, "--on", "31/12/2014", "--present", "CQN000001")
    assert "nhóm XH-CLB01 không tồn tại vào ngày này (thành lập 01/01/2015, giải thể —)" in err
    err = refused(cqn, query, "meeting", "record", "XH-BLL01", "--kind", "gặp mặt",
                  "--on", "01/10/2019", "--present", "CQN000001")  # fmt: skip
    assert "nhóm XH-BLL01 không tồn tại vào ngày này" in err
    err = refused(cqn, query, *base, "--on", "15/03/2019", "--present", "CQN000001",
                  "--present", "CQN000099")  # fmt: skip
    assert "không có CQN mã CQN000099" in err
    # The same person twice, once by id and once by national id.
    err = refused(cqn, query, *base, "--on", "15/03/2019", "--present", "CQN000001",
                  "--excused", AN)  # fmt: skip
    assert "[--excused 0480******01]: người này đã được điểm danh ở --present CQN000001" in err
    err = refused(cqn, query, *base, "--on", "15/03/2019")
    assert "Chưa có ai được điểm danh" in err
    refused(cqn, query, *base, "--on", f"15/03/{NEXT_YEAR}", "--present", "CQN000001", code=2)
    refused(cqn, query, "meeting", "record", "XH-CLB01", "--kind", "họp tháng",
            "--on", "15/03/2019", "--present", "CQN000001", code=2)  # fmt: skip
    err = refused(cqn, query, "meeting", "record", "XH-CLB09", "--kind", "họp quý",
                  "--on", "15/03/2019", "--present", "CQN000001")  # fmt: skip
    assert "Không có nhóm mã 'XH-CLB09'; có phải: XH-CLB01" in err


def test_meeting_list_json_rows_worked_by_hand(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    record_september(cqn)
    record_may(cqn, tmp_path)
    record_december(cqn, tmp_path)
    # The board's gathering of 30/04/2019: An and Dũng expected; An present, Dũng unmarked.
    ok(cqn, "meeting", "record", "XH-BLL01", "--on", "30/04/2019", "--kind", "gap mat",
       "--code", "BLL-3004", "--present", AN)  # fmt: skip
    board = {
        "code": "BLL-3004",
        "date": "2019-04-30",
        "kind": "gathering",
        "group_code": "XH-BLL01",
        "title": None,
        "expected": 2,
        "present": 1,
        "excused": 0,
        "absent": 1,
        "guests": 0,
    }
    doc = as_json(cqn, "meeting", "list")
    assert doc["rows"] == [board, MAY, SEPT, DEC]
    assert doc["total"] == {
        "meetings": 4,
        "expected": 2 + 6 + 4 + 4,
        "present": 1 + 3 + 2 + 2,
        "excused": 0 + 1 + 1 + 0,
        "absent": 1 + 2 + 1 + 2,
        "guests": 0 + 1 + 4 + 0,
    }
    assert as_json(cqn, "meeting", "list", "--group", "XH-BLL01")["rows"] == [board]
    got = as_json(cqn, "meeting", "list", "--from", "01/05/2019", "--to", "30/09/2019")
    assert [r["code"] for r in got["rows"]] == [MAY["code"], SEPT["code"]]
    got = as_json(cqn, "meeting", "list", "--kind", "gặp mặt")
    assert [r["code"] for r in got["rows"]] == ["BLL-3004", DEC["code"]]


def test_meeting_list_of_imported_attendance(cqn: Run, query: Query, tmp_path: Path) -> None:
    """The same figures whichever way the marks came in."""
    ward(cqn, query, tmp_path)
    f = write_csv(
        tmp_path / "a.csv",
        "Mã cuộc họp\tNgày\tLoại\tMã nhóm\tTiêu đề\tMã CQN\tĐiểm danh\n"
        + "".join(
            f"Q3\t01/09/2019\tHọp quý\tXH-CLB01\tHọp quý III\t{pid}\t{mark}\n"
            for pid, mark in (
                ("CQN000001", "Có mặt"),
                ("CQN000004", "có mặt"),
                ("CQN000007", "Vắng có phép"),
                ("CQN000003", "có mặt"),
                ("CQN000005", "x"),
                ("CQN000006", "có mặt"),
                ("CQN000002", "vắng có phép"),
            )
        ),
        encoding="utf-16-le",
        bom=True,
    )
    ok(cqn, "import", "attendance", f)
    assert as_json(cqn, "meeting", "list")["rows"] == [{**SEPT, "code": "Q3"}]


def test_meeting_show_lists_every_expected_member_and_the_guests(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    ward(cqn, query, tmp_path)
    record_september(cqn)
    doc = as_json(cqn, "meeting", "show", "xh-clb01-20190901")
    assert {k: v for k, v in doc.items() if k != "marks"} == SEPT
    # Expected members first (Khánh unmarked: absent), then the guests; by given name.
    assert doc["marks"] == [
        {"person_id": "CQN000001", "name": "Nguyễn Văn An", "status": "present", "expected": True},
        {"person_id": "CQN000004", "name": "Phạm Văn Dũng", "status": "present", "expected": True},
        {"person_id": "CQN000007", "name": "Hồ Văn Hùng", "status": "excused", "expected": True},
        {"person_id": "CQN000008", "name": "Bùi Văn Khánh", "status": "absent", "expected": True},
        {"person_id": "CQN000002", "name": "Trần Thị Bình", "status": "excused", "expected": False},
        {"person_id": "CQN000003", "name": "Lê Văn Cường", "status": "present", "expected": False},
        {"person_id": "CQN000005", "name": "Võ Văn Em", "status": "present", "expected": False},
        {"person_id": "CQN000006", "name": "Đỗ Văn Giang", "status": "present", "expected": False},
    ]
    table = ok(cqn, "meeting", "show", "XH-CLB01-20190901", "--format", "table").stdout
    assert "Bùi Văn Khánh" in table
    assert "Trần Thị Bình" in table  # excused, not a member that day: a guest, as marked


def test_meeting_show_of_an_unknown_meeting(cqn: Run, query: Query) -> None:
    assert "Không có cuộc họp mã 'NOPE'." in refused(cqn, query, "meeting", "show", "NOPE")


# ---- visit record / list ----------------------------------------------------------------------


def record_visits(cqn: Run) -> None:
    ok(cqn, "visit", "record", "CQN000001", "--on", "12/03/2019", "--reason", "ốm đau",
       "--gift", "500.000đ", "--group", "XH-CLB01", "--notes", "Nằm viện, tiểu đường")  # fmt: skip
    ok(cqn, "visit", "record", "Võ Văn Em, 1955, An Khê", "--on", "20/08/2019",
       "--reason", "hoan nan", "--gift", "1,5 triệu")  # fmt: skip
    ok(cqn, "visit", "record", BINH, "--on", "2020-01-05", "--reason", "Tang lễ",
       "--gift", "1.000.000 VNĐ", "--group", "xh-clb01")  # fmt: skip
    ok(cqn, "visit", "record", "CQN000003", "--on", "01/07/2018", "--reason", "khác")


def test_visit_record_writes_the_visits(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    record_visits(cqn)
    assert query(
        "SELECT v.person_id, v.date, v.reason, v.gift, g.code, v.notes FROM visit v"
        " LEFT JOIN groups g ON g.id = v.group_id ORDER BY v.id"
    ) == [
        (1, "2019-03-12", "sick", 500_000, "XH-CLB01", "Nằm viện, tiểu đường"),
        (5, "2019-08-20", "hardship", 1_500_000, None, None),
        (2, "2020-01-05", "bereavement", 1_000_000, "XH-CLB01", None),
        (3, "2018-07-01", "other", None, None, None),
    ]


def test_visit_record_refusals_write_nothing(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    base = ("visit", "record", "CQN000001", "--reason", "ốm đau")
    for gift in ("-500.000", "50.000.001", "năm trăm"):
        refused(cqn, query, *base, "--on", "12/03/2019", "--gift", gift, code=2)
    refused(cqn, query, *base, "--on", f"12/03/{NEXT_YEAR}", code=2)
    refused(cqn, query, "visit", "record", "CQN000001", "--on", "12/03/2019",
            "--reason", "đi chơi", code=2)  # fmt: skip
    err = refused(cqn, query, *base, "--on", "12/03/2019", "--group", "XH-CLB1")
    assert "có phải 'XH-CLB01'?" in err
    assert "không có CQN mã CQN000099" in refused(
        cqn, query, "visit", "record", "CQN000099", "--on", "12/03/2019", "--reason", "ốm đau"
    )
    # A visit before the person was born, or by a group not yet founded (or dissolved).
    assert query("SELECT birth_date FROM person WHERE id = 1") == [("1952-03-15",)]
    early = refused(cqn, query, *base, "--on", "01/01/1940")
    assert "thăm trước ngày sinh của người đó (15/03/1952)" in early
    for on, group in (("12/03/2014", "XH-CLB01"), ("02/10/2019", "XH-BLL01")):
        err = refused(cqn, query, *base, "--on", on, "--group", group)
        assert f"nhóm chưa thành lập hoặc đã giải thể ngày thăm ({on})" in err


def test_the_lists_take_a_period_as_the_stats_do(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    record_visits(cqn)
    for listing in (("visit", "list"), ("meeting", "list")):
        by_period = as_json(cqn, *listing, "--period", "2019")
        by_dates = as_json(cqn, *listing, "--from", "01/01/2019", "--to", "31/12/2019")
        assert by_period == by_dates
        assert (by_period["params"]["from"], by_period["params"]["to"]) == (
            "2019-01-01",
            "2019-12-31",
        )
        both = cqn(*listing, "--period", "2019", "--to", "31/12/2019")
        assert both.exit_code == 2
    dates = [r["date"] for r in as_json(cqn, "visit", "list", "--period", "2019Q1")["rows"]]
    assert dates == ["2019-03-12"]


def test_visit_list_json_rows_with_notes_masked(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    record_visits(cqn)
    doc = as_json(cqn, "visit", "list")
    notes = "Nằm viện, tiểu đường"
    assert doc["rows"] == [
        {"person_id": "CQN000003", "name": "Lê Văn Cường", "date": "2018-07-01",
         "reason": "other", "gift": None, "group_code": None, "notes": None},
        {"person_id": "CQN000001", "name": "Nguyễn Văn An", "date": "2019-03-12",
         "reason": "sick", "gift": 500_000, "group_code": "XH-CLB01", "notes": "******"},
        {"person_id": "CQN000005", "name": "Võ Văn Em", "date": "2019-08-20",
         "reason": "hardship", "gift": 1_500_000, "group_code": None, "notes": None},
        {"person_id": "CQN000002", "name": "Trần Thị Bình", "date": "2020-01-05",
         "reason": "bereavement", "gift": 1_000_000, "group_code": "XH-CLB01", "notes": None},
    ]  # fmt: skip
    assert doc["total"] == {"visits": 4, "people": 4, "gift_total": 3_000_000}
    assert "tiểu đường" not in ok(cqn, "visit", "list", "--format", "table").stdout
    assert "tiểu đường" not in ok(cqn, "visit", "list", "--format", "csv").stdout
    revealed = as_json(cqn, "visit", "list", "--reveal")
    assert revealed["rows"][1]["notes"] == notes


def test_a_days_visits_are_listed_by_name_the_vietnamese_way(
    cqn: Run, query: Query, tmp_path: Path
) -> None:
    """By given name first (SPEC §5), not by the code points of the whole name, which put
    Bùi first and Đỗ last."""
    ward(cqn, query, tmp_path)
    for pk in ("CQN000008", "CQN000006", "CQN000004", "CQN000002", "CQN000001"):
        ok(cqn, "visit", "record", pk, "--on", "15/05/2019", "--reason", "ốm đau")
    names = [r["name"] for r in as_json(cqn, "visit", "list", "--period", "2019Q2")["rows"]]
    assert names == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Phạm Văn Dũng",
        "Đỗ Văn Giang",
        "Bùi Văn Khánh",
    ]


def test_visit_list_filters(cqn: Run, query: Query, tmp_path: Path) -> None:
    ward(cqn, query, tmp_path)
    record_visits(cqn)

    def people(*opts: str) -> list[str]:
        return [r["person_id"] for r in as_json(cqn, "visit", "list", *opts)["rows"]]

    assert people("--from", "01/01/2019", "--to", "31/12/2019") == ["CQN000001", "CQN000005"]
    # Both ends included.
    assert people("--from", "12/03/2019", "--to", "20/08/2019") == ["CQN000001", "CQN000005"]
    assert people("--from", "2019-03-13") == ["CQN000005", "CQN000002"]
    assert people("--to", "2019-03-11") == ["CQN000003"]
    assert people("--ward", "An Khê") == ["CQN000005"]
    assert people("--ward", "Xuân Hà") == ["CQN000003", "CQN000001", "CQN000002"]
    assert people("--ward", "Xuân Hà", "--from", "01/01/2019", "--to", "31/12/2019") == [
        "CQN000001"
    ]
    doc = as_json(cqn, "visit", "list", "--from", "01/01/2019", "--to", "31/12/2019")
    assert doc["total"] == {"visits": 2, "people": 2, "gift_total": 2_000_000}
    assert cqn("visit", "list", "--from", "31/02/2019").exit_code == 2
