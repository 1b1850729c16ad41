"""SPEC §7: the audit trail, consent, ``person export``, ``person forget``, in the database."""

from __future__ import annotations

import json
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, calls_to, write_csv

Query = Callable[..., list[tuple[Any, ...]]]

AN_CCCD = "048052000101"
AN_PHONE = "0905123456"
AN_ADDRESS = "K12/4 Hà Huy Tập"
ROSTER = (
    "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường,Địa chỉ,Điện thoại,Đảng viên,Ngày đăng ký\n"
    f"Nguyễn Văn An,1952,Nam,{AN_CCCD},Xuân Hà,{AN_ADDRESS},{AN_PHONE},x,01/01/2015\n"
    "Trần Thị Bình,15/03/1960,Nữ,048160000202,Xuân Hà,,0912000111,,01/01/2015\n"
    "Lê Văn Cường,1949,Nam,,Xuân Hà,,,x,01/01/2015\n"
)
NOTES = "Mổ tim tại Bệnh viện C"


def ok(cqn: Run, *args: str) -> Any:
    r = cqn(*args)
    assert r.exit_code == 0, r.output
    return r


def audit(cqn: Run, *args: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(ok(cqn, "audit", "list", *args, "-f", "json").stdout)[
        "rows"
    ]
    return rows


@pytest.fixture
def held(cqn: Run, tmp_path: Path) -> None:
    """Three people, a club with two members, a meeting, and a visit with health notes."""
    ok(cqn, "import", "roster", write_csv(tmp_path / "r.csv", ROSTER), "--as-of", "2019-12-31")
    ok(cqn, "group", "add", "XH-CLB01", "--name", "CLB tổ 5", "--kind", "clb", "--ward", "Xuân Hà",
       "--founded", "01/01/2015")  # fmt: skip
    ok(cqn, "group", "join", "XH-CLB01", "CQN000001", "--on", "01/01/2016")
    ok(cqn, "group", "join", "XH-CLB01", "CQN000002", "--on", "01/01/2016")
    ok(cqn, "meeting", "record", "XH-CLB01", "--on", "01/09/2019", "--kind", "quarterly",
       "--present", "CQN000001", "--excused", "CQN000002")  # fmt: skip
    ok(cqn, "visit", "record", "CQN000001", "--on", "12/03/2019", "--reason", "sick",
       "--gift", "500000", "--notes", NOTES)  # fmt: skip


# ---- the audit trail ------------------------------------------------------------------


def test_every_write_command_is_audited_with_its_command(cqn: Run, held: None) -> None:
    rows = audit(cqn, "--limit", "1000")
    seen = {(r["command"], r["entity"], r["action"]) for r in rows}
    assert ("cqn import roster r.csv", "person", "insert") in seen
    assert ("cqn group add", "groups", "insert") in seen
    assert ("cqn group join", "membership", "insert") in seen
    assert ("cqn meeting record", "meeting", "insert") in seen
    assert ("cqn visit record", "visit", "insert") in seen
    people = sorted(r["key"] for r in rows if r["entity"] == "person")
    assert people == ["CQN000001", "CQN000002", "CQN000003"]
    # An insert names what was added without copying its values.
    assert all(r["changes"] == {} for r in rows if r["action"] == "insert")


def test_the_audit_trail_as_csv_has_the_same_columns_empty_or_not(cqn: Run, held: None) -> None:
    some = ok(cqn, "audit", "list", "--limit", "1", "-f", "csv").stdout.splitlines()[0]
    none = ok(cqn, "audit", "list", "--since", "01/01/2100", "-f", "csv").stdout.splitlines()
    assert none == [some] == ["id,at,command,entity,key,person_id,action,changes"]


def test_the_audit_table_says_when_in_the_clerks_local_time(cqn: Run, held: None) -> None:
    import datetime as dt

    (row,) = audit(cqn, "--limit", "1")
    local = dt.datetime.fromisoformat(row["at"]).astimezone()
    table = ok(cqn, "audit", "list", "--limit", "1", "-f", "table").stdout
    assert local.strftime("%d/%m/%Y %H:%M:%S") in table  # whole, not cut to 2026-12-07T1…
    english = cqn("audit", "list", "--limit", "1", "-f", "table", lang="en").stdout
    assert local.strftime("%Y-%m-%d %H:%M:%S") in english


def test_the_audit_table_says_values_as_the_clerk_reads_them(cqn: Run, held: None) -> None:
    """A status, a date, a ward, a mark: in words and the clerk's dates, as elsewhere
    (the JSON and CSV keep the stored words, for scripts)."""
    ok(cqn, "person", "status", "CQN000002", "deceased", "--on", "01/12/2019")
    ok(cqn, "person", "edit", "CQN000002", "--ward", "Tam Thuận")
    table = ok(cqn, "audit", "list", "--person", "CQN000002", "-f", "table").stdout
    flat = " ".join(table.replace("│", " ").split())  # the cell wraps: its words, in order
    assert "Trạng thái: đang sinh hoạt → từ trần" in flat
    assert "Ngày trạng thái: ∅ → 01/12/2019" in flat
    assert "Phường: Phường Xuân Hà → Phường Tam Thuận" in flat
    stored = audit(cqn, "--person", "CQN000002")
    assert any(r["changes"].get("status") == ["active", "deceased"] for r in stored)


def test_people_imported_in_batches_are_audited_as_the_trigger_audits_one(
    cqn: Run, query: Query, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import writes its people's audit rows a batch at once, with the row trigger left
    out: the same rows, in the same order, as the trigger writes for a person added by
    another program. Into an empty table, the indexes it does not look people up by (and
    the one on names) are built at the end. Afterwards the schema is as it was, to the
    letter."""
    from cqn_cli.ingest import roster, rows

    monkeypatch.setattr(roster, "BATCH", 2)  # two batches: ids 1-2, then 3
    dropped = calls_to(monkeypatch, lambda db, kind, name: name, (rows, "left_out"))
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    before = query(schema)
    ok(cqn, "import", "roster", write_csv(tmp_path / "r.csv", ROSTER), "--as-of", "2019-12-31")
    assert dropped == ["person_roster", "person_ward", "person_uid", "person_identity"]
    assert query(schema) == before
    assert query("PRAGMA integrity_check") == [("ok",)]
    [(session,)] = query("SELECT id FROM audit_session WHERE command = 'cqn import roster r.csv'")
    conn = sqlite3.connect(db_path)
    with conn:  # another program: the trigger itself writes the row
        conn.execute(
            "INSERT INTO person (full_name, name_key, search_key, ward_id, created_at,"
            " updated_at) VALUES ('Võ Văn Em', 'vo van em', 'vo van em', 'tk-xuan-ha', 'x', 'x')"
        )
    conn.close()
    rows = query(
        "SELECT session_id, entity, entity_key, person_id, action, changes, at IS NULL"
        " FROM audit WHERE entity = 'person' ORDER BY id"
    )
    assert rows == [
        (session, "person", "CQN000001", 1, "insert", None, 1),
        (session, "person", "CQN000002", 2, "insert", None, 1),
        (session, "person", "CQN000003", 3, "insert", None, 1),
        (None, "person", "CQN000004", 4, "insert", None, 0),  # outside cqn: its own time
    ]


def test_an_import_audits_nothing_the_trigger_would_not(
    cqn: Run, query: Query, tmp_path: Path, db_path: Path
) -> None:
    """The people of an import are audited a batch at once only in the trigger's stead:
    with the trigger dropped by hand, no audit row for them, as before."""
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_person_insert")
    conn.close()
    ok(cqn, "import", "roster", write_csv(tmp_path / "r.csv", ROSTER), "--as-of", "2019-12-31")
    assert query("SELECT count(*) FROM person") == [(3,)]
    assert query("SELECT count(*) FROM audit WHERE entity = 'person'") == [(0,)]


def test_an_edit_records_old_and_new_values_masked_unless_revealed(cqn: Run, held: None) -> None:
    ok(cqn, "person", "edit", "CQN000001", "--phone", "0912345678", "--rank", "Trung úy")
    [row] = audit(cqn, "--limit", "1")
    assert row["command"] == "cqn person edit"
    assert (row["entity"], row["key"], row["action"]) == ("person", "CQN000001", "update")
    assert row["changes"] == {"phone": ["0905****56", "0912****78"], "rank": [None, "Trung úy"]}
    [revealed] = audit(cqn, "--limit", "1", "--reveal")
    assert revealed["changes"]["phone"] == [AN_PHONE, "0912345678"]


def test_a_status_change_and_a_mark_change_are_audited(
    cqn: Run, held: None, query: Query, tmp_path: Path
) -> None:
    ok(cqn, "person", "status", "CQN000003", "deceased", "--on", "02/02/2020")
    [row] = audit(cqn, "--limit", "1", "--person", "CQN000003")
    assert row["changes"] == {
        "status": ["active", "deceased"],
        "status_since": [None, "2020-02-02"],
    }
    # A mark written with its meeting is part of the meeting's creation: not repeated.
    assert not [r for r in audit(cqn, "--limit", "1000") if r["entity"] == "attendance"]
    [(code,)] = query("SELECT code FROM meeting")
    sheet = write_csv(
        tmp_path / "a.csv",
        "Mã cuộc họp,Ngày,Loại,Mã nhóm,Mã CQN,Trạng thái\n"
        f"{code},01/09/2019,quarterly,XH-CLB01,CQN000002,present\n",
    )
    ok(cqn, "import", "attendance", sheet)
    [mark] = audit(cqn, "--limit", "1")
    assert (mark["entity"], mark["key"], mark["person_id"]) == (
        "attendance",
        f"{code} CQN000002",
        "CQN000002",
    )
    assert mark["changes"] == {"status": ["excused", "present"]}


def test_a_refused_or_unchanged_command_leaves_no_trace(
    cqn: Run, held: None, query: Query, tmp_path: Path
) -> None:
    before = query("SELECT count(*) FROM audit_session")[0][0]
    f = write_csv(tmp_path / "r.csv", ROSTER)
    ok(cqn, "import", "roster", f, "--as-of", "2019-12-31")  # byte-identical: a no-op
    ok(cqn, "import", "roster", f, "--as-of", "2019-12-31", "--force")  # nothing changes
    bad = write_csv(tmp_path / "bad.csv", "Họ và tên,Ngày sinh,Phường\nAn,31/02/2019,Xuân Hà\n")
    assert cqn("import", "roster", bad).exit_code == 1
    assert query("SELECT count(*) FROM audit_session")[0][0] == before
    assert query("SELECT count(*) FROM audit_session WHERE open = 1")[0][0] == 0


def test_a_change_made_by_another_program_is_audited_too(
    cqn: Run, held: None, db_path: Path
) -> None:
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE person SET rank = 'Đại úy' WHERE id = 3")
    conn.close()
    [row] = audit(cqn, "--limit", "1")
    assert row["command"] is None
    assert row["changes"] == {"rank": [None, "Đại úy"]}
    table = ok(cqn, "audit", "list", "--limit", "1", "-f", "table").stdout
    assert "(ngoài cqn)" in table and "Cấp bậc: ∅ → Đại úy" in table
    # CSV, for scripts, keeps the stored words and the changes as JSON has them.
    csv_text = ok(cqn, "audit", "list", "--limit", "1", "-f", "csv").stdout
    assert ',person,CQN000003,CQN000003,update,"{""rank"": [null, ""Đại úy""]}"' in csv_text
    assert row["at"]  # a change outside cqn has no session: the trigger gives its time


# ---- consent and export -----------------------------------------------------------------


def test_consent_is_recorded_shown_and_audited(cqn: Run, held: None) -> None:
    ok(cqn, "person", "consent", "CQN000002", "--on", "05/01/2026", "--purpose", "Quản lý hội viên")
    shown = json.loads(ok(cqn, "person", "export", "CQN000002").stdout)
    assert (shown["consent"], shown["consent_on"], shown["consent_purpose"]) == (
        True,
        "2026-01-05",
        "Quản lý hội viên",
    )
    ok(cqn, "person", "consent", "CQN000002", "--withdrawn", "--on", "06/01/2026")
    table = ok(cqn, "person", "show", "CQN000002", "-f", "table").stdout
    assert "Đồng ý xử lý dữ liệu" in table and "06/01/2026" in table
    shown = json.loads(ok(cqn, "person", "export", "CQN000002").stdout)
    assert (shown["consent"], shown["consent_on"], shown["consent_purpose"]) == (
        False,
        "2026-01-06",
        "Quản lý hội viên",
    )
    [row] = audit(cqn, "--limit", "1")
    assert row["changes"] == {"consent": [1, 0], "consent_on": ["2026-01-05", "2026-01-06"]}
    # One state is held, not a history: what replaces it cannot be dated before it.
    early = cqn("person", "consent", "CQN000002", "--on", "01/01/2020")
    assert early.exit_code == 1
    assert "ngày 06/01/2026; ngày 01/01/2020 sớm hơn" in early.stderr
    assert json.loads(ok(cqn, "person", "export", "CQN000002").stdout)["consent"] is False


def test_consent_in_the_future_is_refused(cqn: Run, held: None, query: Query) -> None:
    r = cqn("person", "consent", "CQN000002", "--on", "01/01/2999")
    assert r.exit_code == 2  # a bad date in an option, as every command's --on
    assert query("SELECT consent FROM person WHERE id = 2") == [(None,)]
    # Nor before they were born (Bình, 15/03/1960), as a status is not.
    r = cqn("person", "consent", "CQN000002", "--on", "01/01/1950", lang="en")
    assert r.exit_code == 1
    assert "01/01/1950 is before the birth date of CQN000002" in r.stderr
    assert query("SELECT consent FROM person WHERE id = 2") == [(None,)]


def test_export_holds_everything_on_one_person_masked_unless_revealed(
    cqn: Run, held: None, tmp_path: Path
) -> None:
    data = json.loads(ok(cqn, "person", "export", "CQN000001").stdout)
    assert list(data)[:3] == ["id", "ward_code", "full_name"]
    assert list(data)[-8:] == [
        "consent",
        "consent_on",
        "consent_purpose",
        "forgotten_on",
        "memberships",
        "attendance",
        "visits",
        "audit",
    ]
    assert data["full_name"] == "Nguyễn Văn An"
    assert data["national_id"] == "0480******01"
    assert data["phone"] == "0905****56"
    assert [m["group_code"] for m in data["memberships"]] == ["XH-CLB01"]
    assert [(a["date"], a["status"]) for a in data["attendance"]] == [("2019-09-01", "present")]
    assert [(v["date"], v["gift"]) for v in data["visits"]] == [("2019-03-12", 500000)]
    assert NOTES not in json.dumps(data, ensure_ascii=False)
    assert {r["entity"] for r in data["audit"]} == {"person", "membership", "visit"}

    out = tmp_path / "an.json"
    ok(cqn, "person", "export", "CQN000001", "--reveal", "-o", out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    revealed = json.loads(out.read_text(encoding="utf-8"))
    assert revealed["national_id"] == AN_CCCD
    assert revealed["visits"][0]["notes"] == NOTES


# ---- forget ---------------------------------------------------------------------------


def _figures(cqn: Run) -> Any:
    gathering = json.loads(
        ok(cqn, "stats", "gathering", "--as-of", "2019-12-31", "-f", "json").stdout
    )
    profile = json.loads(ok(cqn, "stats", "profile", "--as-of", "2019-12-31", "-f", "json").stdout)
    attendance = json.loads(ok(cqn, "stats", "attendance", "--period", "2019", "-f", "json").stdout)
    visits = json.loads(ok(cqn, "stats", "visits", "--period", "2019", "-f", "json").stdout)
    return [doc["total"] for doc in (gathering, profile, attendance, visits)]


def test_person_export_writes_json_only_and_refuses_a_name_promising_another_format(
    cqn: Run, held: None, tmp_path: Path
) -> None:
    for name in ("an.xlsx", "an.csv"):
        r = cqn("person", "export", "CQN000001", "-o", tmp_path / name)
        assert r.exit_code == 2 and not (tmp_path / name).exists()
        assert "đặt tên tệp đuôi .json" in r.stderr
    ok(cqn, "person", "export", "CQN000001", "-o", tmp_path / "an.json")
    assert json.loads((tmp_path / "an.json").read_text(encoding="utf-8"))["id"] == "CQN000001"


def test_forget_erases_personal_fields_everywhere_but_keeps_the_counts(
    cqn: Run, held: None, query: Query, db_path: Path
) -> None:
    ok(cqn, "person", "edit", "CQN000001", "--notes", "Thương binh 2/4")  # into the audit too
    before = _figures(cqn)
    r = ok(cqn, "person", "forget", "CQN000001", "--yes")
    assert "CQN000001" in r.stdout
    assert _figures(cqn) == before
    row = query(
        "SELECT full_name, birth_date, gender, national_id, address, phone, notes, ward_id,"
        " party_member, registered_on, forgotten_on FROM person WHERE id = 1"
    )[0]
    assert row[:7] == ("", None, None, None, None, None, None)
    assert row[7:10] == ("tk-xuan-ha", 1, "2015-01-01")
    assert row[10] is not None
    assert query("SELECT gift, notes FROM visit WHERE person_id = 1") == [(500000, None)]
    # Nowhere in the file: not in a table, not in the audit, not in a free page or the log.
    for suffix in ("", "-wal"):
        path = Path(str(db_path) + suffix)
        raw = path.read_bytes() if path.exists() else b""
        for secret in (AN_CCCD, AN_PHONE, AN_ADDRESS, "Nguyễn Văn An", NOTES, "Thương binh"):
            assert secret.encode() not in raw, (suffix, secret)
    # The erasure itself is audited, without the values it erased.
    trail = audit(cqn, "--limit", "2", "--person", "CQN000001", "--reveal")
    assert [(r["command"], r["entity"]) for r in trail] == [
        ("cqn person forget", "visit"),
        ("cqn person forget", "person"),
    ]
    assert trail[0]["changes"] == {"notes": ["<erased>", "<erased>"]}
    assert trail[1]["changes"]["national_id"] == ["<erased>", "<erased>"]
    assert trail[1]["changes"]["forgotten_on"][0] is None


def test_an_erased_person_is_listed_last_and_said_erased_on_screen(
    cqn: Run, held: None, query: Query
) -> None:
    """Still on the roster (the figures count them), but with no name: the listing puts
    them after the named, by id, and the screen says "(erased)", not a blank; a file
    holds what is held (an empty name)."""
    named = query("SELECT count(*) FROM person WHERE full_name != ''")[0][0]
    assert named >= 2
    ok(cqn, "person", "forget", "CQN000001", "--yes")
    rows = json.loads(ok(cqn, "person", "list", "-f", "json").stdout)["rows"]
    assert [r["id"] for r in rows].index("CQN000001") == len(rows) - 1 == named - 1
    # Their status may still change (the figures count it): said without a name.
    said = ok(cqn, "person", "status", "CQN000001", "deceased", "--on", "01/12/2019").stdout
    assert said.strip() == "CQN000001 (đã xoá): trạng thái từ trần từ 01/12/2019."
    assert rows[-1]["full_name"] == ""
    table = cqn("person", "list", "-f", "table", lang="en")
    assert table.exit_code == 0, table.output
    last = [line for line in table.stdout.splitlines() if "CQN" in line][-1]
    assert "CQN000001" in last and "(erased)" in last


def test_forget_twice_says_so_and_needs_yes_off_a_terminal(
    cqn: Run, held: None, query: Query
) -> None:
    r = cqn("person", "forget", "CQN000002")
    assert r.exit_code == 2
    assert "--yes" in r.stderr
    assert query("SELECT full_name FROM person WHERE id = 2") == [("Trần Thị Bình",)]
    ok(cqn, "person", "forget", "CQN000002", "--yes")
    again = ok(cqn, "person", "forget", "CQN000002", "--yes")
    assert "từ trước" in again.stdout
    refused = cqn("person", "consent", "CQN000002")
    assert refused.exit_code == 1


def test_an_erased_person_is_not_given_data_again_and_is_left_out_of_exports(
    cqn: Run, held: None, query: Query, tmp_path: Path
) -> None:
    ok(cqn, "person", "forget", "CQN000001", "--yes")
    r = cqn("person", "edit", "CQN000001", "--full-name", "Lại Có Tên", "--phone", "0905999888")
    assert r.exit_code == 1
    assert query("SELECT full_name, phone FROM person WHERE id = 1") == [("", None)]
    people = ok(cqn, "export", "people", "--reveal").stdout
    assert "CQN000001" not in people and "CQN000002" in people
    visits = ok(cqn, "export", "visits", "--reveal").stdout
    assert len(visits.strip().splitlines()) == 1  # the header: An's visit went with him
    # No new visit (its notes may be health data), mark or membership by his id either.
    before = [query(f"SELECT count(*) FROM {t}") for t in ("visit", "attendance", "membership")]
    erased = "dữ liệu cá nhân của CQN000001 đã bị xoá; không ghi thêm gì cho người này"
    visit = cqn("visit", "record", "CQN000001", "--on", "12/04/2020", "--reason", "sick",
                "--notes", "Ung thư")  # fmt: skip
    joined = cqn("group", "join", "XH-CLB01", "CQN000001", "--on", "01/03/2020")
    marked = cqn("meeting", "record", "XH-CLB01", "--on", "02/09/2019", "--kind", "quarterly",
                 "--present", "CQN000001")  # fmt: skip
    f = write_csv(tmp_path / "v.csv", "Mã CQN,Ngày,Lý do,Ghi chú\nCQN000001,12/04/2019,ốm đau,x\n")
    imported = cqn("import", "visits", f)
    for r in (visit, joined, marked, imported):
        assert r.exit_code == 1 and erased in r.stderr, r.output
    after = [query(f"SELECT count(*) FROM {t}") for t in ("visit", "attendance", "membership")]
    assert after == before
    # Ending what is held of him records nothing new: his club membership can be closed.
    ok(cqn, "group", "leave", "XH-CLB01", "CQN000001", "--on", "01/03/2020")
    assert query("SELECT left_on FROM membership WHERE person_id = 1") == [("2020-03-01",)]


def test_a_masked_export_imported_again_changes_nothing(
    cqn: Run, held: None, query: Query, tmp_path: Path
) -> None:
    ok(cqn, "person", "edit", "CQN000002", "--notes", "Thương binh 3/4", "--phone", "0905123456")
    # Said with the person as given, never their number in full.
    visit = ("visit", "record", "048052000101", "--on", "01/02/2019", "--reason", "ốm đau")
    assert "0480******01" in ok(cqn, *visit).stdout
    again = ok(cqn, *visit).stdout
    assert "0480******01" in again and "048052000101" not in again
    people, visits = tmp_path / "people.csv", tmp_path / "visits.csv"
    ok(cqn, "export", "people", "-o", str(people))  # without --reveal: the stars
    ok(cqn, "export", "visits", "-o", str(visits))
    before = query("SELECT id, national_id, phone, notes FROM person ORDER BY id")
    r = cqn("import", "roster", people, "--force")
    assert r.exit_code == 1
    masked = (
        "giá trị đã bị che (danh sách hay tệp xuất không có --reveal): hãy xuất lại với --reveal"
    )
    notes = (
        "chỉ có dấu *, như ghi chú bị che trong danh sách hay tệp xuất không có --reveal:"
        " hãy xuất lại với --reveal (một ghi chú thật cần có chữ)"
    )
    assert f"{people}:3:21 [Ghi chú] '******': {notes}" in r.stderr.splitlines()
    assert f"{people}:3:9 [Điện thoại] '0905****56': {masked}" in r.stderr.splitlines()
    # With --skip-bad, only the rows that hide nothing go in: the stars never do.
    rejects = tmp_path / "rejects.csv"
    r = cqn("import", "roster", people, "--skip-bad", "--rejects", rejects, "--force")
    assert r.exit_code == 0
    assert query("SELECT id, national_id, phone, notes FROM person ORDER BY id") == before
    r = cqn("import", "visits", visits, "--force")
    assert r.exit_code == 1 and f"[Ghi chú] '******': {notes}" in r.stderr
    assert query("SELECT notes FROM visit ORDER BY id") == [(NOTES,), (None,)]


def test_notes_in_person_rows_are_masked_unless_revealed(cqn: Run, held: None) -> None:
    ok(cqn, "person", "edit", "CQN000002", "--notes", "Thương binh 3/4")
    shown = json.loads(ok(cqn, "person", "show", "CQN000002", "-f", "json").stdout)
    assert shown["notes"] == "******"  # as long whatever they say
    revealed = json.loads(ok(cqn, "person", "show", "CQN000002", "-f", "json", "--reveal").stdout)
    assert revealed["notes"] == "Thương binh 3/4"


def test_refused_notes_are_hidden_in_the_error_lines(
    cqn: Run, held: None, tmp_path: Path, query: Query
) -> None:
    # Notes may be health data: an error line (which cron mails) names the cell, not them.
    roster = write_csv(
        tmp_path / "n.csv",
        "Họ và tên,Ngày sinh,Phường,Ghi chú,Điện thoại\n"
        "Lê Văn Ba,1962,Xuân Hà,=Ung thư phổi,0905\n"
        "Lê Văn Bốn,1963,Xuân Hà,+ HIV,\n",
    )
    visits = write_csv(
        tmp_path / "v.csv",
        f"Số CCCD,Ngày,Lý do,Ghi chú\n{AN_CCCD},12/04/2019,ốm đau,=Ung thư phổi\n",
    )
    for kind, path, lines in (("roster", roster, 3), ("visits", visits, 1)):
        r = cqn("import", kind, path)
        assert r.exit_code == 1
        said = r.stderr.splitlines()
        assert len(said) == lines + 1, r.stderr
        assert "Ung thư" not in r.stderr and "HIV" not in r.stderr
        assert f"{path}:2:4 [Ghi chú] '******': " in said[0]
    assert "'0905': " not in cqn("import", "roster", roster).stderr  # a phone masked as before
    by_hand = cqn("visit", "record", "CQN000001", "--on", "12/04/2019", "--reason", "sick",
                  "--notes", "@Ung thư")  # fmt: skip
    assert by_hand.exit_code == 2 and "Ung thư" not in by_hand.stderr  # a bad option value
    assert "'******'" in by_hand.stderr
    assert query("SELECT count(*) FROM visit") == [(1,)]


def test_forgetting_again_erases_notes_recorded_after_the_first_time(
    cqn: Run, held: None, query: Query, db_path: Path
) -> None:
    ok(cqn, "person", "forget", "CQN000001", "--yes")
    # cqn records nothing more for him; another program writing the file might.
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "INSERT INTO visit (person_id, date, reason, notes)"
            " VALUES (1, '2019-10-01', 'sick', 'Nằm viện')"
        )
    conn.close()
    again = ok(cqn, "person", "forget", "CQN000001", "--yes")
    assert "từ trước" not in again.stdout
    assert query("SELECT count(*) FROM visit WHERE person_id = 1 AND notes IS NOT NULL") == [(0,)]
