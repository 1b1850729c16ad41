"""``cqn ward list | add | alias | merge``, and what they change for imports and the ward map."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from conftest import Run, spelled, write_csv
from cqn_cli.wards import WardIndex

Query = Callable[..., list[tuple[Any, ...]]]

WARDS_2019 = {
    "tk-tam-thuan",
    "tk-thanh-khe-tay",
    "tk-thanh-khe-dong",
    "tk-xuan-ha",
    "tk-tan-chinh",
    "tk-chinh-gian",
    "tk-vinh-trung",
    "tk-thac-gian",
    "tk-an-khe",
    "tk-hoa-khe",
}
# From 01/01/2025: Hòa Khê, Tam Thuận, Vĩnh Trung and Tân Chính merged away (Vĩnh Trung
# into Thạc Gián, which bore its code 20218 until 30/06/2025).
WARDS_2025 = WARDS_2019 - {"tk-hoa-khe", "tk-tam-thuan", "tk-vinh-trung", "tk-tan-chinh"}
# From 01/07/2025: the two wards of Đà Nẵng.
WARDS_NOW = {"dn-thanh-khe", "dn-an-khe"}


def ward_rows(cqn: Run, *args: str) -> dict[str, Any]:
    r = cqn("ward", "list", "-f", "json", *args)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert set(doc) == {"params", "rows", "total"}
    assert doc["total"] == {"count": len(doc["rows"])}
    return doc


def ward_ids(cqn: Run, *args: str) -> set[str]:
    return {row["id"] for row in ward_rows(cqn, *args)["rows"]}


def import_one(cqn: Run, tmp_path: Path, ward: str, as_of: str, name: str = "Nguyễn Văn An") -> Any:
    f = write_csv(tmp_path / f"{as_of}.csv", f"Họ và tên,Phường\n{name},{ward}\n")
    return cqn("import", "roster", f, "--as-of", as_of)


def imported_ward(cqn: Run, query: Query, tmp_path: Path, ward: str, as_of: str) -> str:
    """Import one new person with ``ward`` written at ``as_of``; the ward id they were given."""
    name = f"Người Số {spelled(len(query('SELECT id FROM person')) + 1)}"
    r = import_one(cqn, tmp_path, ward, as_of, name)
    assert r.exit_code == 0, r.output
    (ward_id,) = query("SELECT ward_id FROM person WHERE full_name = ?", (name,))[0]
    return str(ward_id)


# ---- ward list -------------------------------------------------------------------------------


def test_list_shows_the_twelve_seeded_wards(cqn: Run) -> None:
    doc = ward_rows(cqn)
    assert doc["params"] == {"as_of": None}
    assert {r["id"] for r in doc["rows"]} == WARDS_2019 | WARDS_2025 | WARDS_NOW
    assert doc["total"] == {"count": 12}
    hoa_khe = next(r for r in doc["rows"] if r["id"] == "tk-hoa-khe")
    assert hoa_khe == {
        "id": "tk-hoa-khe",
        "code": "20225",
        "name": "Phường Hòa Khê",
        "district": "Quận Thanh Khê",
        "province": "Thành phố Đà Nẵng",
        "valid_from": None,
        "valid_to": "2024-12-31",
        "successor_id": "tk-thanh-khe-dong",
        "successor": "Phường Thanh Khê Đông",
        "aliases": [],
        "people": 0,
    }


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2019-12-31", WARDS_2019),
        ("31/12/2024", WARDS_2019),
        ("2025-01-01", WARDS_2025),
        ("2025-03-01", WARDS_2025),
        ("30/06/2025", WARDS_2025),
        ("2025-07-01", WARDS_NOW),
        (dt.date.today().isoformat(), WARDS_NOW),
    ],
)
def test_list_as_of_a_date_shows_the_wards_in_force(
    cqn: Run, as_of: str, expected: set[str]
) -> None:
    assert len(expected) in (10, 6, 2)
    assert ward_ids(cqn, "--as-of", as_of) == expected


def test_list_counts_the_people_held_in_each_ward(cqn: Run, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "r.csv",
        "Họ và tên,Năm sinh,Phường\n"
        "Nguyễn Văn An,1952,Xuân Hà\n"
        "Trần Thị Bình,1960,Xuân Hà\n"
        "Lê Văn Cường,1948,Hòa Khê\n",
    )
    assert cqn("import", "roster", f, "--as-of", "2019-12-31").exit_code == 0
    people = {r["id"]: r["people"] for r in ward_rows(cqn)["rows"]}
    assert people["tk-xuan-ha"] == 2
    assert people["tk-hoa-khe"] == 1
    assert sum(people.values()) == 3


def test_list_with_a_bad_date_is_a_usage_error(cqn: Run) -> None:
    assert cqn("ward", "list", "--as-of", "31/12/19").exit_code == 2


# ---- ward alias -------------------------------------------------------------------------------


def test_alias_then_import_a_file_using_it(cqn: Run, query: Query, tmp_path: Path) -> None:
    before = import_one(cqn, tmp_path, "TKĐ", "2019-12-31")
    assert before.exit_code == 1
    assert "không có phường 'TKĐ'" in before.stderr

    r = cqn("ward", "alias", "Thanh Khê Đông", "TKĐ", "--as-of", "2019-12-31")
    assert r.exit_code == 0, r.output
    assert query("SELECT ward_id, alias FROM ward_alias") == [("tk-thanh-khe-dong", "TKĐ")]
    aliases = {row["id"]: row["aliases"] for row in ward_rows(cqn)["rows"]}
    assert aliases["tk-thanh-khe-dong"] == ["TKĐ"]

    f = write_csv(
        tmp_path / "r.csv",
        "Họ và tên,Phường\nNguyễn Văn An,TKĐ\nTrần Thị Bình,tkđ\nLê Văn Cường,P. TKD\n",
    )
    r = cqn("import", "roster", f, "--as-of", "2019-12-31")
    assert r.exit_code == 0, r.output
    assert query("SELECT ward_id FROM person") == [("tk-thanh-khe-dong",)] * 3


def test_alias_is_kept_once(cqn: Run, query: Query) -> None:
    for _ in range(2):
        assert cqn("ward", "alias", "20207", "TKĐ", "--as-of", "2019-12-31").exit_code == 0
    assert query("SELECT ward_id, alias FROM ward_alias") == [("tk-thanh-khe-dong", "TKĐ")]


def test_alias_of_an_unknown_ward_is_refused(cqn: Run, query: Query) -> None:
    r = cqn("ward", "alias", "Bến Nghé", "BN")
    assert r.exit_code == 1
    assert "Bến Nghé" in r.stderr
    assert query("SELECT count(*) FROM ward_alias") == [(0,)]


def test_alias_that_is_another_wards_name_is_refused(cqn: Run, query: Query) -> None:
    r = cqn("ward", "alias", "Thanh Khê Đông", "Xuân Hà", "--as-of", "2019-12-31")
    assert r.exit_code == 1
    assert query("SELECT count(*) FROM ward_alias") == [(0,)]


# ---- ward add and merge -----------------------------------------------------------------------


def test_add_a_ward(cqn: Run, query: Query) -> None:
    r = cqn("ward", "add", "20501", "Phường Hòa Bình", "--from", "01/01/2030")
    assert r.exit_code == 0, r.output
    assert query(
        "SELECT code, name, valid_from, valid_to, successor_id FROM ward WHERE code = '20501'"
    ) == [("20501", "Phường Hòa Bình", "2030-01-01", None, None)]
    assert query("SELECT count(*) FROM ward") == [(13,)]
    assert "w-hoa-binh" in ward_ids(cqn, "--as-of", "2030-01-01")
    assert "w-hoa-binh" not in ward_ids(cqn, "--as-of", "2029-12-31")


@pytest.mark.parametrize(
    "args",
    [
        ("2O5O1", "Phường Hòa Bình"),  # letters O in the code
        ("20305", "Phường Mới", "--from", "2030-01-01"),  # An Khê's code, still in force
        ("20218", "Phường Mới", "--from", "2025-03-01"),  # the enlarged Thạc Gián's then
    ],
)
def test_add_refusals(cqn: Run, query: Query, args: tuple[str, ...]) -> None:
    r = cqn("ward", "add", *args)
    assert r.exit_code == 1
    assert query("SELECT count(*) FROM ward") == [(12,)]


def test_a_ward_of_a_name_of_its_own_is_added_without_a_word(cqn: Run) -> None:
    alone = cqn("ward", "add", "20502", "Phường Hòa Bình", "--from", "2030-01-01")
    assert alone.exit_code == 0 and alone.stderr == ""
    # A name that ended before (Hòa Khê, merged away at the end of 2024) is free again.
    reused = cqn("ward", "add", "20503", "Phường Hòa Khê", "--from", "2030-01-01")
    assert reused.exit_code == 0 and reused.stderr == ""
    # Without --from a ward is in force always: beside every ward of its name not ended.
    always = cqn("ward", "add", "20504", "Xuân Hà")
    assert always.stderr.startswith("Lưu ý: Phường Xuân Hà (20209) cũng mang tên hoặc mã")


def test_merge_then_the_old_name_is_read_by_date(cqn: Run, query: Query, tmp_path: Path) -> None:
    """A new "An Khê" from 2030, as the real one of 01/07/2025: the name read at a date."""
    added = cqn("ward", "add", "20501", "Phường An Khê", "--from", "2030-01-01")
    assert added.exit_code == 0
    # Said at once: until the old one is merged into it, the name is read by neither.
    assert added.stderr.startswith("Lưu ý: Phường An Khê (20305) cũng mang tên hoặc mã này")
    (new_id,) = query("SELECT id FROM ward WHERE code = '20501'")[0]

    # Before the merge both "An Khê" are in force in 2030: the name can't be read.
    ambiguous = import_one(cqn, tmp_path, "An Khê", "2030-06-01")
    assert ambiguous.exit_code == 1
    assert "tên phường không rõ" in ambiguous.stderr
    assert query("SELECT count(*) FROM person") == [(0,)]

    r = cqn("ward", "merge", "An Khê", "--into", "20501", "--on", "01/01/2030")
    assert r.exit_code == 0, r.output
    assert "từ 01/01/2030" in r.stdout
    assert query("SELECT valid_to, successor_id FROM ward WHERE id = 'dn-an-khe'") == [
        ("2029-12-31", new_id)
    ]
    # Nobody else changed.
    assert query("SELECT count(*) FROM ward WHERE successor_id = ?", (new_id,)) == [(1,)]

    assert imported_ward(cqn, query, tmp_path, "An Khê", "2019-12-31") == "tk-an-khe"
    assert imported_ward(cqn, query, tmp_path, "An Khê", "2029-12-31") == "dn-an-khe"
    assert imported_ward(cqn, query, tmp_path, "An Khê", "2030-01-01") == new_id
    assert ward_ids(cqn, "--as-of", "2029-12-31") == WARDS_NOW
    assert ward_ids(cqn, "--as-of", "2030-01-01") == {"dn-thanh-khe", new_id}


def test_merge_moves_the_old_wards_on_the_ward_map(cqn: Run, query: Query, db_path: Path) -> None:
    assert cqn("ward", "add", "20501", "Phường Hòa Bình", "--from", "2030-01-01").exit_code == 0
    r = cqn("ward", "merge", "Thanh Khê", "An Khê", "--into", "Hòa Bình", "--on", "2030-01-01")
    assert r.exit_code == 0, r.output
    assert query(
        "SELECT id, valid_to, successor_id FROM ward WHERE successor_id = 'w-hoa-binh' ORDER BY id"
    ) == [("dn-an-khe", "2029-12-31", "w-hoa-binh"), ("dn-thanh-khe", "2029-12-31", "w-hoa-binh")]
    index = WardIndex(Database(db_path))
    # A 2019 ward follows its chain: Tam Thuận → Xuân Hà → Thanh Khê → Hòa Bình.
    assert index.on_map("tk-tam-thuan", dt.date(2019, 12, 31)).id == "tk-tam-thuan"
    assert index.on_map("tk-tam-thuan", dt.date(2025, 3, 1)).id == "tk-xuan-ha"
    assert index.on_map("tk-tam-thuan", dt.date(2029, 12, 31)).id == "dn-thanh-khe"
    assert index.on_map("tk-tam-thuan", dt.date(2030, 1, 1)).id == "w-hoa-binh"
    assert index.on_map("tk-an-khe", dt.date(2030, 1, 1)).id == "w-hoa-binh"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        # Tam Thuận ended on 31/12/2024: on 31/12/2025 there is nothing left to merge.
        (("Tam Thuận", "--into", "Xuân Hà", "--on", "2026-01-01"), 1),
        (("Thanh Khê", "--into", "Thanh Khê", "--on", "2030-01-01"), 1),
        (("Bến Nghé", "--into", "Thanh Khê", "--on", "2030-01-01"), 1),
        (("Thanh Khê", "--into", "An Khê", "--on", "1/1/30"), 2),
        (("Thanh Khê", "--into", "An Khê"), 2),
    ],
)
def test_merge_refusals_change_nothing(
    cqn: Run, query: Query, args: tuple[str, ...], code: int
) -> None:
    before = query("SELECT * FROM ward ORDER BY id")
    r = cqn("ward", "merge", *args)
    assert r.exit_code == code
    assert r.stderr
    assert query("SELECT * FROM ward ORDER BY id") == before


def test_merge_of_a_ward_not_in_force_says_why(cqn: Run) -> None:
    r = cqn("ward", "merge", "Tam Thuận", "--into", "Xuân Hà", "--on", "2026-01-01")
    assert r.exit_code == 1
    assert "Phường Xuân Hà đã hết hiệu lực trước ngày 01/01/2026" in r.stderr


def test_merge_never_rewrites_history_nor_makes_a_loop(cqn: Run, query: Query) -> None:
    # Xuân Hà already became phường Thanh Khê on 01/07/2025: it does not merge again.
    r = cqn("ward", "merge", "Xuân Hà", "--into", "Tam Thuận", "--on", "01/01/2019")
    assert r.exit_code == 1
    assert "đã sáp nhập vào Phường Thanh Khê" in r.stderr
    # A new ward that Thanh Khê merges into cannot then merge into Thanh Khê.
    assert cqn("ward", "add", "20999", "Phường Mới", "--from", "01/01/2030").exit_code == 0
    assert cqn("ward", "merge", "Thanh Khê", "--into", "Mới", "--on", "01/01/2030").exit_code == 0
    loop = cqn("ward", "merge", "Mới", "--into", "Thanh Khê", "--on", "01/01/2031")
    assert loop.exit_code == 1
    assert query("SELECT valid_to, successor_id FROM ward WHERE id = 'tk-xuan-ha'") == [
        ("2025-06-30", "dn-thanh-khe")
    ]
    assert query("SELECT valid_to, successor_id FROM ward WHERE id = 'w-moi'") == [(None, None)]


def test_empty_ward_names_and_aliases_are_refused(cqn: Run, query: Query) -> None:
    assert cqn("ward", "add", "20400", "  ").exit_code == 1
    assert cqn("ward", "add", "20400", "Phường ").exit_code == 1
    assert cqn("ward", "alias", "An Khê", " ").exit_code == 1
    assert query("SELECT count(*) FROM ward_alias") == [(0,)]
    assert query("SELECT count(*) FROM ward WHERE code = '20400'") == [(0,)]
