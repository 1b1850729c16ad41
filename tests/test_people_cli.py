"""``cqn person list | search | show | add | edit | status``: the CLI, checked in the database."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, write_csv
from cqn_cli.text import fold

Query = Callable[..., list[tuple[Any, ...]]]

PERSON_KEYS = [
    "id",
    "ward_code",
    "full_name",
    "birth_date",
    "gender",
    "national_id",
    "ward",
    "residential_group",
    "address",
    "phone",
    "enlisted_on",
    "discharged_on",
    "rank",
    "unit",
    "party_member",
    "youth_union_member",
    "reservist",
    "veterans_association_member",
    "registered_on",
    "status",
    "status_since",
    "notes",
]
BOOL_KEYS = ("party_member", "youth_union_member", "reservist", "veterans_association_member")

AN_CCCD = "048052000101"  # male, born 1952
AN_TRAN_CCCD = "048160000202"  # female, born 1960

# Ten people written with 2019 ward names, in file order (ids CQN000001…CQN000010).
ROSTER = (
    "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường,Tổ dân phố,Điện thoại,Nhập ngũ,"
    "Đảng viên,Đoàn viên,DBĐV,Hội viên CCB,Trạng thái,Ngày trạng thái\n"
    f"Nguyễn Văn An,1952,Nam,{AN_CCCD},Xuân Hà,Tổ 5,0905123456,03/1972,x,,,x,,\n"
    "Nguyễn Văn Anh,1958,Nam,,Xuân Hà,Tổ 6,0168 312 3456,,,,,,,\n"
    f"Trần Thị An,15/03/1960,Nữ,{AN_TRAN_CCCD},Xuân Hà,,,,,,x,,,\n"
    "Lê Văn Ân,1949,Nam,,Xuân Hà,,,,,,,,,\n"
    "Phạm Văn Đức,1950,Nam,,Tam Thuận,,,,,,,,,\n"
    "Hoàng Văn Dũng,1951,Nam,,Tam Thuận,,,,,,,,,\n"
    "Võ Thị Ánh,1962,Nữ,,Xuân Hà,,,,,x,,,,\n"
    "Đỗ Văn Bình,1955,Nam,,Xuân Hà,,,,,,,,chuyển đi,14/11/2019\n"
    "Bùi Thị Hạ,1963,Nữ,,Xuân Hà,,,,,,,,,\n"
    "Vũ Thị Hà,1964,Nữ,,Xuân Hà,,,,,,,,,\n"
)

# By given name (last word), then middle names, then family name; a < ă < â, d < đ,
# tones none < huyền < hỏi < ngã < sắc < nặng.
VIETNAMESE_ORDER = [
    "Trần Thị An",
    "Nguyễn Văn An",
    "Nguyễn Văn Anh",
    "Võ Thị Ánh",
    "Lê Văn Ân",
    "Đỗ Văn Bình",
    "Hoàng Văn Dũng",
    "Phạm Văn Đức",
    "Vũ Thị Hà",
    "Bùi Thị Hạ",
]


@pytest.fixture
def roster(cqn: Run, query: Query, tmp_path: Path) -> dict[str, str]:
    """Import the ten people; return name → id."""
    f = write_csv(tmp_path / "roster.csv", ROSTER)
    r = cqn("import", "roster", f, "--as-of", "2019-12-31")
    assert r.exit_code == 0, r.output
    return {name: f"CQN{pk:06d}" for pk, name in query("SELECT id, full_name FROM person")}


def as_json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def person_row(query: Query, pk: str) -> dict[str, Any]:
    rows = query("SELECT * FROM person WHERE id = ?", (int(pk[3:]),))
    names = [r[1] for r in query("PRAGMA table_info(person)")]
    return dict(zip(names, rows[0], strict=True))


# ---- person list ---------------------------------------------------------------------------


def test_list_json_shape_and_person_keys(cqn: Run, roster: dict[str, str]) -> None:
    doc = as_json(cqn("person", "list", "--format", "json"))
    assert set(doc) == {"params", "rows", "total"}
    assert doc["total"] == {"count": 10}
    assert len(doc["rows"]) == 10
    for row in doc["rows"]:
        assert list(row) == PERSON_KEYS
        for key in BOOL_KEYS:  # every flag column is in the file: true/false, never null
            assert row[key] in (True, False)
    an = next(r for r in doc["rows"] if r["full_name"] == "Nguyễn Văn An")
    assert an == {
        "id": roster["Nguyễn Văn An"],
        "ward_code": "20209",
        "full_name": "Nguyễn Văn An",
        "birth_date": "1952",
        "gender": "male",
        "national_id": "0480******01",
        "ward": "Phường Xuân Hà",
        "residential_group": "Tổ 5",
        "address": None,
        "phone": "0905****56",
        "enlisted_on": "1972-03",
        "discharged_on": None,
        "rank": None,
        "unit": None,
        "party_member": True,
        "youth_union_member": False,
        "reservist": False,
        "veterans_association_member": True,
        "registered_on": None,
        "status": "active",
        "status_since": None,
        "notes": None,
    }
    tran = next(r for r in doc["rows"] if r["full_name"] == "Trần Thị An")
    assert (tran["birth_date"], tran["gender"], tran["reservist"]) == ("1960-03-15", "female", True)
    binh = next(r for r in doc["rows"] if r["full_name"] == "Đỗ Văn Bình")
    assert (binh["status"], binh["status_since"]) == ("moved_out", "2019-11-14")


def test_list_is_in_vietnamese_name_order(cqn: Run, roster: dict[str, str]) -> None:
    doc = as_json(cqn("person", "list", "-f", "json"))
    assert [r["full_name"] for r in doc["rows"]] == VIETNAMESE_ORDER


def test_list_filters_by_ward_and_status(cqn: Run, roster: dict[str, str]) -> None:
    tam_thuan = as_json(cqn("person", "list", "--ward", "Tam Thuận", "-f", "json"))
    assert [r["full_name"] for r in tam_thuan["rows"]] == ["Hoàng Văn Dũng", "Phạm Văn Đức"]
    assert {r["ward_code"] for r in tam_thuan["rows"]} == {"20203"}
    assert tam_thuan["total"] == {"count": 2}
    assert tam_thuan["params"] == {"ward": "Tam Thuận", "status": None}

    moved = as_json(cqn("person", "list", "--status", "moved_out", "-f", "json"))
    assert [r["full_name"] for r in moved["rows"]] == ["Đỗ Văn Bình"]
    assert moved["params"] == {"ward": None, "status": "moved_out"}

    # Tam Thuận was merged into Xuân Hà on 01/01/2025: the filter follows the merge.
    both = as_json(cqn("person", "list", "--ward", "Xuan Ha", "--status", "active", "-f", "json"))
    assert [r["full_name"] for r in both["rows"]] == [
        n for n in VIETNAMESE_ORDER if n != "Đỗ Văn Bình"
    ]
    assert both["total"] == {"count": 9}


def test_list_by_todays_ward_gathers_the_old_wards(cqn: Run, roster: dict[str, str]) -> None:
    # Xuân Hà and Tam Thuận are both part of phường Thanh Khê since 01/07/2025.
    thanh_khe = as_json(cqn("person", "list", "--ward", "Thanh Khê", "-f", "json"))
    assert thanh_khe["total"] == {"count": 10}
    an_khe = as_json(cqn("person", "list", "--ward", "An Khê", "-f", "json"))
    assert an_khe["rows"] == []
    assert an_khe["total"] == {"count": 0}


def test_list_with_an_unknown_status_is_a_usage_error(cqn: Run, roster: dict[str, str]) -> None:
    r = cqn("person", "list", "--status", "gone")
    assert r.exit_code == 2


def test_list_with_an_unknown_ward_is_refused(cqn: Run, roster: dict[str, str]) -> None:
    r = cqn("person", "list", "--ward", "Xuan Haa")
    assert r.exit_code == 1
    assert "có phải 'Xuân Hà'" in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_national_id_and_phone_are_masked_unless_revealed(
    cqn: Run, roster: dict[str, str], fmt: str
) -> None:
    masked = cqn("person", "list", "-f", fmt)
    assert masked.exit_code == 0, masked.output
    for hidden in (AN_CCCD, "0905123456", AN_TRAN_CCCD, "0383123456"):
        assert hidden not in masked.stdout
    for shown in ("0480******01", "0905****56", "0481******02", "0383****56"):
        assert shown in masked.stdout

    revealed = cqn("person", "list", "-f", fmt, "--reveal")
    assert revealed.exit_code == 0, revealed.output
    for shown in (AN_CCCD, "0905123456", AN_TRAN_CCCD, "0383123456"):
        assert shown in revealed.stdout
    assert "******" not in revealed.stdout


def test_csv_list_has_every_person_key(cqn: Run, roster: dict[str, str]) -> None:
    r = cqn("person", "list", "-f", "csv")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].split(",") == PERSON_KEYS
    assert len(lines) == 11
    an = next(line for line in lines if "Nguyễn Văn An," in line).split(",")
    record = dict(zip(PERSON_KEYS, an, strict=True))
    assert record["party_member"] == "true"
    assert record["youth_union_member"] == "false"
    assert record["birth_date"] == "1952"


# ---- person search ---------------------------------------------------------------------------


def test_search_ignores_case_and_diacritics(cqn: Run, roster: dict[str, str]) -> None:
    # A substring search: "nguyen van an" is also the start of "Nguyễn Văn Anh".
    for text in ("nguyen van an", "NGUYỄN VĂN AN", "Nguyen  Van An"):
        doc = as_json(cqn("person", "search", text, "-f", "json"))
        assert [r["full_name"] for r in doc["rows"]] == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
        assert doc["rows"][0]["id"] == roster["Nguyễn Văn An"]
        assert doc["rows"][0]["national_id"] == "0480******01"


def test_search_without_accents_finds_every_spelling(cqn: Run, roster: dict[str, str]) -> None:
    doc = as_json(cqn("person", "search", "van an", "-f", "json"))
    # "Văn Ân" folds to "van an" too: a clerk typing without accents means any of them.
    assert [r["full_name"] for r in doc["rows"]] == [
        "Nguyễn Văn An",
        "Nguyễn Văn Anh",
        "Lê Văn Ân",
    ]


def test_search_for_nothing_is_refused_not_everybody(cqn: Run, roster: dict[str, str]) -> None:
    for text in ("", "   ", "-", ".,"):
        r = cqn("person", "search", text, "-f", "csv")
        assert r.exit_code == 2 and r.stdout == ""  # a script's empty variable: no roster
        assert r.stderr.startswith("Không có gì để tìm")
    assert len(cqn("person", "search", "an", "-f", "csv").stdout.splitlines()) > 1
    # A text longer than any name or number (a file pasted by mistake): refused, exit 2,
    # not SQLite's "pattern too complex" as a crash; the longest taken still searches.
    for length in (201, 50_001):
        r = cqn("person", "search", "a" * length, "-f", "csv", lang="en")
        assert (r.exit_code, r.stdout) == (2, "")
        assert r.stderr.startswith(f"The search text is {length} characters long")
    assert cqn("person", "search", "a" * 200, "-f", "csv").exit_code == 0


def test_search_by_id_and_nobody_found(cqn: Run, roster: dict[str, str]) -> None:
    pk = roster["Phạm Văn Đức"]
    doc = as_json(cqn("person", "search", pk, "-f", "json"))
    assert [r["full_name"] for r in doc["rows"]] == ["Phạm Văn Đức"]

    none = cqn("person", "search", "Trương Vô Kỵ", "-f", "json")
    assert none.exit_code == 0
    assert json.loads(none.stdout)["rows"] == []
    assert "Không tìm thấy ai" in none.stderr


# ---- person show ---------------------------------------------------------------------------


def test_show_is_one_json_object(cqn: Run, roster: dict[str, str]) -> None:
    pk = roster["Trần Thị An"]
    doc = as_json(cqn("person", "show", pk, "-f", "json"))
    assert list(doc) == PERSON_KEYS
    assert doc["id"] == pk
    assert doc["full_name"] == "Trần Thị An"
    assert doc["national_id"] == "0481******02"
    revealed = as_json(cqn("person", "show", pk.lower(), "-f", "json", "--reveal"))
    assert revealed["national_id"] == AN_TRAN_CCCD
    # The bare number is the same person.
    assert as_json(cqn("person", "show", str(int(pk[3:])), "-f", "json")) == doc


def test_show_unknown_or_malformed_id_is_refused(cqn: Run, roster: dict[str, str]) -> None:
    missing = cqn("person", "show", "CQN000999")
    assert missing.exit_code == 1
    assert "CQN000999" in missing.stderr
    malformed = cqn("person", "show", "Nguyễn Văn An")
    assert malformed.exit_code == 2  # not an id at all: the command line is wrong
    assert "Mã CQN không hợp lệ" in malformed.stderr
    # The same for --person of the audit trail.
    assert cqn("audit", "list", "--person", "Nguyễn Văn An").exit_code == 2


# ---- person add ------------------------------------------------------------------------------


def test_add_writes_the_person(cqn: Run, query: Query, roster: dict[str, str]) -> None:
    r = cqn(
        "person",
        "add",
        "--full-name",
        "Lê  Văn Cường ",
        "--ward",
        "Tam Thuận",
        "--birth-date",
        "03/1948",
        "--gender",
        "Nam",
        "--national-id",
        "048048000303",
        "--phone",
        "+84 905 111 222",
        "--enlisted-on",
        "1966",
        "--party-member",
        "--no-reservist",
        "--notes",
        "Thương binh 2/4",
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Đã thêm CQN000011 Lê")
    row = person_row(query, "CQN000011")
    assert len(row["uid"]) == 32  # who they are in every database (db merge)
    assert row["roster_digest"] is None  # typed in, not a roster row
    kept = ("created_at", "updated_at", "uid", "roster_digest")
    assert {k: row[k] for k in row if k not in kept} == {
        "id": 11,
        "full_name": "Lê Văn Cường",
        "name_key": row["name_key"],
        "search_key": "le van cuong",
        "birth_date": "1948-03",
        "gender": "male",
        "national_id": "048048000303",
        "ward_id": "tk-tam-thuan",
        "residential_group": None,
        "address": None,
        "phone": "0905111222",
        "enlisted_on": "1966",
        "discharged_on": None,
        "rank": None,
        "unit": None,
        "party_member": 1,
        "youth_union_member": 0,
        "reservist": 0,
        "veterans_association_member": 0,
        "registered_on": None,
        "status": "active",
        "status_since": None,
        "notes": "Thương binh 2/4",
        "consent": None,
        "consent_on": None,
        "consent_purpose": None,
        "forgotten_on": None,
    }


def test_add_of_someone_already_held_is_refused(
    cqn: Run, query: Query, roster: dict[str, str]
) -> None:
    before = query("SELECT * FROM person ORDER BY id")
    same = cqn(
        "person",
        "add",
        "--full-name",
        "Phạm Văn Đức",
        "--birth-date",
        "1950",
        "--ward",
        "Tam Thuận",
    )
    assert same.exit_code == 1
    assert f"{roster['Phạm Văn Đức']} Phạm Văn Đức" in same.stderr
    taken = cqn(
        "person",
        "add",
        "--full-name",
        "Lê Văn Cường",
        "--ward",
        "Xuân Hà",
        "--national-id",
        AN_CCCD,
    )
    assert taken.exit_code == 1
    assert f"0480******01 đã thuộc về {roster['Nguyễn Văn An']} Nguyễn Văn An" in taken.stderr
    assert AN_CCCD not in taken.stderr
    assert query("SELECT * FROM person ORDER BY id") == before


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        ("--birth-date", "31/02/1950", "ngày không tồn tại"),
        ("--enlisted-on", "1/1/72", "năm chỉ có 2 chữ số"),
        ("--registered-on", "2015", "cột này cần ngày đầy đủ"),
        ("--phone", "12345", "số điện thoại không hợp lệ"),
        ("--gender", "khác", "giới tính phải là Nam hoặc Nữ"),
    ],
)
def test_add_with_a_bad_value_names_the_option(
    cqn: Run, query: Query, roster: dict[str, str], option: str, value: str, reason: str
) -> None:
    r = cqn("person", "add", "--full-name", "Lê Văn Cường", "--ward", "Xuân Hà", option, value)
    assert r.exit_code == 2  # SPEC §6: a bad value in an option is a wrong command line
    assert f"[{option}]" in r.stderr
    assert reason in r.stderr
    assert query("SELECT count(*) FROM person") == [(10,)]


def test_add_without_a_name_is_a_usage_error(cqn: Run, query: Query) -> None:
    r = cqn("person", "add", "--ward", "Xuân Hà")
    assert r.exit_code == 2
    assert query("SELECT count(*) FROM person") == [(0,)]


# ---- person edit -----------------------------------------------------------------------------


def test_edit_changes_only_the_given_fields(cqn: Run, query: Query, roster: dict[str, str]) -> None:
    pk = roster["Nguyễn Văn An"]
    before = person_row(query, pk)
    others = query("SELECT * FROM person WHERE id != ? ORDER BY id", (int(pk[3:]),))
    r = cqn("person", "edit", pk, "--phone", "0935 000 111", "--rank", "Thượng úy")
    assert r.exit_code == 0, r.output
    assert f"Đã cập nhật {pk} Nguyễn Văn An" in r.stdout
    after = person_row(query, pk)
    changed = {k for k in after if after[k] != before[k]}
    # An edit is not the roster row: the row's digest no longer speaks for the person.
    assert before["roster_digest"] is not None and after["roster_digest"] is None
    assert changed - {"updated_at"} == {"phone", "rank", "roster_digest"}
    assert (after["phone"], after["rank"]) == ("0935000111", "Thượng úy")
    assert query("SELECT * FROM person WHERE id != ? ORDER BY id", (int(pk[3:]),)) == others


def test_edit_clears_a_field_with_an_empty_value(
    cqn: Run, query: Query, roster: dict[str, str]
) -> None:
    pk = roster["Nguyễn Văn An"]
    r = cqn("person", "edit", pk, "--residential-group", "", "--no-party-member")
    assert r.exit_code == 0, r.output
    row = person_row(query, pk)
    assert (row["residential_group"], row["party_member"]) == (None, 0)


def test_edit_name_and_ward(cqn: Run, query: Query, roster: dict[str, str]) -> None:
    pk = roster["Lê Văn Ân"]
    r = cqn("person", "edit", pk, "--full-name", "Lê Văn Ấn", "--ward", "Tam Thuận")
    assert r.exit_code == 0, r.output
    row = person_row(query, pk)
    assert (row["full_name"], row["search_key"], row["ward_id"]) == (
        "Lê Văn Ấn",
        "le van an",
        "tk-tam-thuan",
    )


def test_edit_with_the_same_values_changes_nothing(
    cqn: Run, query: Query, roster: dict[str, str]
) -> None:
    pk = roster["Nguyễn Văn An"]
    before = person_row(query, pk)
    r = cqn("person", "edit", pk, "--phone", "0905123456", "--birth-date", "1952")
    assert r.exit_code == 0, r.output
    assert "không có gì thay đổi" in r.stdout
    assert person_row(query, pk) == before


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--full-name", ""), 2),  # required: a wrong command line
        (("--birth-date", "1/1/52"), 2),
        (("--national-id", AN_TRAN_CCCD), 1),  # held by Trần Thị An
        (("--ward", "Nowhere"), 1),
        ((), 2),  # nothing to edit
    ],
)
def test_edit_refusals_write_nothing(
    cqn: Run, query: Query, roster: dict[str, str], args: tuple[str, ...], code: int
) -> None:
    before = query("SELECT * FROM person ORDER BY id")
    r = cqn("person", "edit", roster["Nguyễn Văn An"], *args)
    assert r.exit_code == code
    assert r.stderr
    assert query("SELECT * FROM person ORDER BY id") == before


def test_edit_cannot_take_someone_elses_cccd_masked(cqn: Run, roster: dict[str, str]) -> None:
    r = cqn("person", "edit", roster["Nguyễn Văn An"], "--national-id", AN_TRAN_CCCD)
    assert f"0481******02 đã thuộc về {roster['Trần Thị An']} Trần Thị An" in r.stderr
    assert AN_TRAN_CCCD not in r.stderr


def test_edit_does_not_make_the_twin_that_add_refuses(
    cqn: Run, query: Query, roster: dict[str, str]
) -> None:
    # Anh becomes An born 1952 in Xuân Hà: the man An already is (an import would take
    # a row of either for both, SPEC §3). Refused, naming him; nothing written.
    anh, an = roster["Nguyễn Văn Anh"], roster["Nguyễn Văn An"]
    r = cqn("person", "edit", anh, "--full-name", "NGUYỄN VĂN AN", "--birth-date", "1952")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[-2:] == [
        f"[--full-name]: Đã có {an} Nguyễn Văn An cùng họ tên, ngày sinh và phường.",
        "1 giá trị bị từ chối; không ghi gì.",  # refused, not "invalid": it is valid
    ]
    assert person_row(query, anh)["full_name"] == "Nguyễn Văn Anh"
    # Born another year, or in another ward (Tam Thuận), he is someone else: allowed.
    assert cqn("person", "edit", anh, "--full-name", "Nguyễn Văn An").exit_code == 0
    ward = cqn("person", "edit", roster["Lê Văn Ân"], "--ward", "Tam Thuận", "--full-name",
               "Phạm Văn Đức", "--birth-date", "1951")  # fmt: skip
    assert ward.exit_code == 0, ward.output
    # With a number of his own, An (who has another) is not his twin: two numbers.
    numbered = cqn("person", "edit", anh, "--birth-date", "1952", "--national-id", "048052000999")
    assert numbered.exit_code == 0, numbered.output
    # …until that number is cleared: then he is.
    cleared = cqn("person", "edit", anh, "--national-id", "")
    assert cleared.exit_code == 1 and "[--national-id]: Đã có" in cleared.stderr
    # An edit that leaves name, birth date and ward as they are is not refused for a twin.
    assert cqn("person", "edit", anh, "--phone", "0905000111").exit_code == 0


# ---- person status ---------------------------------------------------------------------------


def test_status_moved_out_on_a_date(cqn: Run, query: Query, roster: dict[str, str]) -> None:
    pk = roster["Nguyễn Văn An"]
    r = cqn("person", "status", pk, "moved_out", "--on", "15/06/2020")
    assert r.exit_code == 0, r.output
    assert "chuyển đi từ 15/06/2020" in r.stdout
    row = person_row(query, pk)
    assert (row["status"], row["status_since"]) == ("moved_out", "2020-06-15")

    back = cqn("person", "status", pk, "active", lang="en")
    assert back.exit_code == 0, back.output
    row = person_row(query, pk)
    assert (row["status"], row["status_since"]) == ("active", None)
    # One status is held: that the spell away leaves the past figures is said.
    assert back.stderr.strip() == (
        f"Note: one status is held, not its history; {pk} now counts as on the roster"
        " before and after 15/06/2020 (the old date, kept in 'cqn audit list'), so the"
        " figures of past periods may change."
    )
    again = cqn("person", "status", pk, "active", lang="en")  # active already: nothing to say
    assert again.exit_code == 0 and again.stderr == ""


def test_status_deceased_with_an_iso_date(cqn: Run, query: Query, roster: dict[str, str]) -> None:
    pk = roster["Lê Văn Ân"]
    assert cqn("person", "status", pk, "deceased", "--on", "2021-04-30").exit_code == 0
    row = person_row(query, pk)
    assert (row["status"], row["status_since"]) == ("deceased", "2021-04-30")


@pytest.mark.parametrize(
    "args",
    [
        ("moved_out",),  # no --on: the command line is incomplete (exit 2)
        ("deceased", "--on", "31/02/2021"),
        ("gone", "--on", "2021-01-01"),
    ],
)
def test_status_usage_errors_write_nothing(
    cqn: Run, query: Query, roster: dict[str, str], args: tuple[str, ...]
) -> None:
    before = query("SELECT * FROM person ORDER BY id")
    r = cqn("person", "status", roster["Nguyễn Văn An"], *args)
    assert r.exit_code == 2
    assert query("SELECT * FROM person ORDER BY id") == before


def test_gone_before_entering_the_roster_is_refused(
    cqn: Run, query: Query, roster: dict[str, str], tmp_path: Path
) -> None:
    # Registered on 19/02/2019, moved out on 01/01/2018: on the roster on no day at all.
    pk = roster["Nguyễn Văn An"]
    ok = cqn("person", "edit", pk, "--registered-on", "19/02/2019")
    assert ok.exit_code == 0, ok.output
    before = query("SELECT * FROM person ORDER BY id")
    r = cqn("person", "status", pk, "moved_out", "--on", "01/01/2018")
    assert r.exit_code == 1
    assert r.stderr.strip() == f"Ngày 01/01/2018 không sau ngày {pk} vào danh sách (19/02/2019)."
    # A row saying so of a person held, or of itself, is refused the same.
    head = "Họ và tên,Ngày sinh,Phường,Trạng thái,Ngày trạng thái"
    held = write_csv(
        tmp_path / "held.csv",
        f"Số CCCD,{head}\n{AN_CCCD},Nguyễn Văn An,1952,Xuân Hà,chuyển đi,01/01/2018\n",
    )
    row = write_csv(
        tmp_path / "row.csv",
        f"Ngày đăng ký,{head}\n19/02/2019,Lê Văn Mới,1950,Xuân Hà,từ trần,01/01/2018\n",
    )
    for f in (held, row):
        refused = cqn("import", "roster", f, "--as-of", "2019-12-31")
        assert refused.exit_code == 1
        assert "ngày trạng thái không sau ngày đăng ký vào danh sách" in refused.stderr
    assert query("SELECT * FROM person ORDER BY id") == before
    # The day they came too (on the roster no day); the day after is recorded.
    assert cqn("person", "status", pk, "moved_out", "--on", "19/02/2019").exit_code == 1
    assert cqn("person", "status", pk, "moved_out", "--on", "20/02/2019").exit_code == 0
    # A contradiction held from before the check (another program wrote it) does not
    # block an edit of something else; an edit that meets it is refused at its option.
    db = sqlite3.connect(tmp_path / "cqn.db")
    with db:
        db.execute("UPDATE person SET registered_on = '2019-05-01' WHERE id = ?", [int(pk[3:])])
    db.close()
    assert cqn("person", "edit", pk, "--phone", "0905111222").exit_code == 0
    later = cqn("person", "edit", pk, "--registered-on", "01/06/2019")
    assert (
        later.exit_code == 1 and "[--registered-on] '01/06/2019': ngày trạng thái" in later.stderr
    )


def test_status_needs_date_message(cqn: Run, roster: dict[str, str]) -> None:
    r = cqn("person", "status", roster["Nguyễn Văn An"], "moved_out")
    assert r.stderr.strip() == "Trạng thái chuyển đi cần ngày bắt đầu (--on dd/mm/yyyy)."


def test_status_of_an_unknown_person_is_refused(cqn: Run, query: Query) -> None:
    r = cqn("person", "status", "CQN000042", "deceased", "--on", "2021-01-01")
    assert r.exit_code == 1
    assert "CQN000042" in r.stderr


def test_search_matches_the_start_of_words_not_their_middle(
    cqn: Run, roster: dict[str, str]
) -> None:
    names = [r["full_name"] for r in as_json(cqn("person", "search", "an", "-f", "json"))["rows"]]
    assert "Nguyễn Văn An" in names and "Nguyễn Văn Anh" in names
    assert all(any(word.startswith("an") for word in fold(name).split()) for name in names), names


def test_a_national_id_typed_on_the_command_line_finds_its_holder_and_is_not_echoed(
    cqn: Run, roster: dict[str, str]
) -> None:
    shown = as_json(cqn("person", "show", AN_CCCD, "-f", "json"))
    assert (shown["id"], shown["national_id"]) == (roster["Nguyễn Văn An"], "0480******01")
    found = as_json(cqn("person", "search", AN_CCCD, "-f", "json"))
    assert [r["id"] for r in found["rows"]] == [shown["id"]]
    assert found["params"] == {"text": "0480******01"}
    missing = cqn("person", "show", "048099999999")
    assert missing.exit_code == 1
    assert "048099999999" not in missing.stderr and "0480******99" in missing.stderr
    # Typed as Excel shows it, its leading zero lost: the same number, as an import reads it.
    lost = as_json(cqn("person", "show", AN_CCCD[1:], "-f", "json"))
    assert lost["id"] == shown["id"]


def test_status_dates_in_the_future_or_before_birth_are_refused(
    cqn: Run, query: Query, roster: dict[str, str]
) -> None:
    pk = roster["Nguyễn Văn An"]  # born 1952
    before = query("SELECT status, status_since FROM person")
    future = cqn("person", "status", pk, "deceased", "--on", "01/01/2099")
    unborn = cqn("person", "status", pk, "từ trần", "--on", "01/01/1950")
    # A day to come is a bad date in an option (exit 2, as every command's --on); a day
    # before their birth is refused by what is held of them (exit 1).
    assert (future.exit_code, unborn.exit_code) == (2, 1)
    assert "tương lai" in future.stderr and "trước ngày sinh" in unborn.stderr
    assert query("SELECT status, status_since FROM person") == before
    # The Vietnamese word works as the status argument.
    ok = cqn("person", "status", pk, "từ trần", "--on", "02/09/2019")
    assert ok.exit_code == 0, ok.output
    assert "từ trần" in ok.stdout
    assert query("SELECT status, status_since FROM person WHERE full_name = 'Nguyễn Văn An'") == [
        ("deceased", "2019-09-02")
    ]


def test_a_name_of_spaces_is_no_name(cqn: Run, query: Query) -> None:
    r = cqn("person", "add", "--full-name", "   ", "--ward", "An Khê")
    assert r.exit_code == 2
    assert query("SELECT count(*) FROM person") == [(0,)]


def test_table_on_a_narrow_terminal_keeps_ids_and_dates_whole(
    cqn: Run, roster: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = cqn("person", "list", "-f", "table").stdout
    assert all(len(line) <= 80 for line in out.splitlines())
    assert roster["Nguyễn Văn An"] in out and "…" not in out
    assert "Số CCCD" not in out  # optional columns left out below 120 columns
    monkeypatch.setenv("COLUMNS", "160")
    assert "Số CCCD" in cqn("person", "list", "-f", "table").stdout


def test_by_hand_the_same_warnings_as_an_import(
    cqn: Run, query: Query, roster: dict[str, str]
) -> None:
    namesake = cqn(
        "person", "add", "--full-name", "Nguyễn Văn An", "--birth-date", "1960", "--ward", "Xuân Hà"
    )
    assert namesake.exit_code == 0, namesake.output
    assert "có thể trùng với " + roster["Nguyễn Văn An"] in namesake.stderr
    pk = roster["Lê Văn Ân"]
    padded = cqn("person", "edit", pk, "--national-id", "48049000123")
    assert padded.exit_code == 0, padded.output
    assert "--national-id: số CCCD mất số 0 đầu" in padded.stderr
    assert query("SELECT national_id FROM person WHERE full_name = 'Lê Văn Ân'") == [
        ("048049000123",)
    ]


def test_edit_cannot_clear_the_ward(cqn: Run, query: Query, roster: dict[str, str]) -> None:
    before = query("SELECT * FROM person ORDER BY id")
    r = cqn("person", "edit", roster["Nguyễn Văn An"], "--ward", "")
    assert r.exit_code == 2
    assert "[--ward]" in r.stderr
    assert query("SELECT * FROM person ORDER BY id") == before
