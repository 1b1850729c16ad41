"""``cqn db backup | check | migrate | merge``, checked in the database files themselves."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import spelled, write_csv
from cqn_cli.cli.app import app

RUNNER = CliRunner()


def cqn(db: Path, *args: Any) -> Any:
    r = RUNNER.invoke(app, ["--db", str(db), *map(str, args)])
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r


def ok(db: Path, *args: Any) -> Any:
    r = cqn(db, *args)
    assert r.exit_code == 0, r.output
    return r


def rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    tables = [r[0] for r in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: rows(db, f'SELECT * FROM "{t}" ORDER BY 1') for t in sorted(tables)}


ROSTER_HEAD = "Họ và tên,Ngày sinh,Số CCCD,Phường,Điện thoại,Cấp bậc,Ngày đăng ký\n"


def ward_db(tmp_path: Path, name: str, roster: str, meetings: str = "") -> Path:
    """A ward clerk's database: a roster, the club XH-CLB01 and its members, meetings."""
    db = tmp_path / f"{name}.db"
    ok(db, "init")
    ok(db, "import", "roster", write_csv(tmp_path / f"{name}-r.csv", ROSTER_HEAD + roster))
    groups = (
        "Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập\nXH-CLB01,CLB tổ 5,CLB,Xuân Hà,01/01/2010\n"
    )
    ok(db, "import", "groups", write_csv(tmp_path / f"{name}-g.csv", groups))
    members = "Mã nhóm,Họ và tên,Ngày sinh,Phường,Ngày tham gia\n" + "".join(
        f"XH-CLB01,{line.split(',')[0]},{line.split(',')[1]},Xuân Hà,01/01/2015\n"
        for line in roster.splitlines()
    )
    ok(db, "import", "members", write_csv(tmp_path / f"{name}-m.csv", members))
    if meetings:
        head = "Mã cuộc họp,Ngày,Loại,Mã nhóm,Họ và tên,Ngày sinh,Phường,Trạng thái\n"
        ok(db, "import", "attendance", write_csv(tmp_path / f"{name}-a.csv", head + meetings))
    return db


AN = "Nguyễn Văn An,1952,048052000101,Xuân Hà,0905123456,,01/01/2015\n"
BINH = "Trần Văn Bình,1955,,Xuân Hà,,Trung úy,01/01/2015\n"
CUONG = "Lê Văn Cường,1949,,Xuân Hà,,,01/01/2015\n"
DUNG = "Phạm Văn Dũng,1950,048050000404,Xuân Hà,,,01/01/2015\n"


@pytest.fixture
def district(tmp_path: Path) -> Path:
    db = tmp_path / "district.db"
    ok(db, "init")
    return db


# ---- backup ------------------------------------------------------------------------------


def test_backup_is_private_verified_and_a_working_database(tmp_path: Path, district: Path) -> None:
    source = ward_db(tmp_path, "xh", AN + BINH)
    target = tmp_path / "backups" / "xh.db"
    target.parent.mkdir()
    r = ok(source, "db", "backup", target)
    assert r.stdout == r.stderr == ""  # off a terminal (cron's nightly copy): nothing said
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not Path(str(target) + "-wal").exists()
    assert rows(target, "PRAGMA journal_mode") == [("delete",)]
    assert snapshot(target) == snapshot(source)
    assert [p.name for p in target.parent.iterdir()] == ["xh.db"]  # no temp file left
    ok(target, "db", "check")


def test_backup_while_another_process_writes_copies_the_committed_state(
    tmp_path: Path,
) -> None:
    source = ward_db(tmp_path, "xh", AN + BINH)
    before = snapshot(source)
    writer = sqlite3.connect(source, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE person SET rank = 'Đại tá'")  # not committed during the backup
    try:
        ok(source, "db", "backup", tmp_path / "copy.db")
    finally:
        writer.commit()
        writer.close()
    assert snapshot(tmp_path / "copy.db") == before
    assert rows(source, "SELECT DISTINCT rank FROM person") == [("Đại tá",)]


def test_backup_onto_itself_is_refused(tmp_path: Path, district: Path) -> None:
    r = cqn(district, "db", "backup", district)
    assert r.exit_code == 2
    r = cqn(district, "db", "backup", tmp_path / "no" / "such" / "x.db")
    assert r.exit_code == 2


def test_a_backup_of_a_damaged_database_says_the_database_is_damaged(tmp_path: Path) -> None:
    """SQLite's backup copies pages as they are: a damaged page makes a copy that does
    not verify. Said of the database (with what to do), not of the backup; no file."""
    from cqn_cli.i18n import MESSAGES

    source = ward_db(tmp_path, "xh", "".join(f"Người {spelled(i)},1950,,Xuân Hà,,,\n"
                                             for i in range(1, 400)))  # fmt: skip
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    said = []
    for page in range(pages, 1, -1):  # a page the backup reads and the opening does not
        damaged = tmp_path / f"d{page}.db"
        data = bytearray(source.read_bytes())
        data[4096 * (page - 1) + 200 : 4096 * (page - 1) + 1700] = b"\xff" * 1500
        damaged.write_bytes(bytes(data))
        (tmp_path / "b.db").unlink(missing_ok=True)  # of a page no table uses: copied
        r = cqn(damaged, "--lang", "en", "db", "backup", tmp_path / "b.db")
        if r.exit_code != 0:
            said.append(r.stderr)
            assert r.exit_code == 3 and not (tmp_path / "b.db").exists()
        if len(said) >= 3:
            break
    assert said
    assert MESSAGES["db.backup_failed"][1].split(" (")[0] not in "".join(said)
    assert any(
        line.startswith(f"The database {tmp_path / 'd'}")
        and "is damaged (" in line
        and line.endswith("then use the latest backup.")
        for line in "".join(said).splitlines()
    ), said


# ---- check -------------------------------------------------------------------------------


def test_check_passes_on_a_sound_database(tmp_path: Path) -> None:
    db = ward_db(tmp_path, "xh", AN + BINH, "M1,15/03/2019,quarterly,XH-CLB01,Trần Văn Bình,1955,"
                 "Xuân Hà,present\n")  # fmt: skip
    r = ok(db, "db", "check")
    assert "đều đạt" in r.stdout
    doc = json.loads(ok(db, "db", "check", "-f", "json").stdout)
    assert doc["rows"] == [] and doc["total"]["problems"] == 0


def test_check_lists_orphans_and_broken_keys_and_exits_1(tmp_path: Path) -> None:
    db = ward_db(tmp_path, "xh", AN + BINH)
    conn = sqlite3.connect(db)  # another program, foreign keys off
    with conn:
        conn.execute(
            "INSERT INTO attendance (meeting_id, person_id, status) VALUES (99, 1, 'present')"
        )
        conn.execute("UPDATE person SET forgotten_on = '2026-01-01' WHERE id = 2")
    conn.close()
    r = cqn(db, "--lang", "en", "db", "check", "-f", "csv")
    assert r.exit_code == 1
    found = {line.split(",")[0]: line for line in r.stdout.splitlines()[1:]}
    assert set(found) == {
        "foreign_key.attendance->meeting",
        "attendance.meeting",
        "person.forgotten",
    }
    assert found["person.forgotten"].split(",")[1:] == ["1", "2"]
    assert "3 problem(s)" in r.stderr
    # The marks have no rowid: the broken key is counted, with no "None" for an example.
    assert found["foreign_key.attendance->meeting"].split(",")[1:] == ["1", ""]


def test_check_finds_stale_name_keys_and_people_an_import_cannot_tell_apart(
    tmp_path: Path,
) -> None:
    """A name changed by another program without its keys is missed by search and import;
    two people of one name, ward and birth date, one without a CCCD, are matched both by a
    row without one (refused). Namesakes born apart, or both with a CCCD, are two people."""
    db = tmp_path / "x.db"
    ok(db, "init")
    head = "Họ và tên,Ngày sinh,Số CCCD,Phường\n"
    f = write_csv(
        tmp_path / "r.csv",
        head + "Lê Văn An,1950,,Xuân Hà\n"  # 1
        "Lê Văn An,1951,,Xuân Hà\n"  # 2: born another year
        "Trần Văn Bình,1955,048055000123,Xuân Hà\n"  # 3
        "Trần Văn Bình,1955,048055000456,Xuân Hà\n"  # 4: another number, another man
        "Võ Văn Cường,1960,,Xuân Hà\n",  # 5
    )
    ok(db, "import", "roster", f, "--as-of", "2019-12-31")
    assert "đều đạt" in ok(db, "db", "check").stdout
    conn = sqlite3.connect(db)
    with conn:  # another program: 2 born as 1 was; 5 renamed, its keys left as they were
        conn.execute("UPDATE person SET birth_date = '1950' WHERE id = 2")
        conn.execute("UPDATE person SET full_name = 'Võ Văn Cương' WHERE id = 5")
    conn.close()
    r = cqn(db, "--lang", "en", "db", "check", "-f", "csv")
    assert r.exit_code == 1
    found = {line.split(",")[0]: line.split(",")[1:] for line in r.stdout.splitlines()[1:]}
    assert found == {
        "keys.person.name": ["1", "CQN000005"],
        "person.twins": ["1", "CQN000001 = CQN000002"],
    }


def test_check_finds_values_another_program_wrote(tmp_path: Path) -> None:
    db = ward_db(tmp_path, "xh", AN + BINH)
    conn = sqlite3.connect(db)
    with conn:  # what cqn writes passes: a month of birth, a landline of 11 digits
        conn.execute("UPDATE person SET birth_date = '1975-03', phone = '02363812345',"
                     " registered_on = '2016-02-29' WHERE id = 2")  # fmt: skip
    assert cqn(db, "db", "check").exit_code == 0
    with conn:  # a hand edit: what cqn would never write
        conn.execute("UPDATE person SET birth_date = 'garbage', registered_on = '2019-02-30',"
                     " national_id = '12345' WHERE id = 1")  # fmt: skip
        conn.execute(
            "UPDATE person SET birth_date = '1975-13', phone = '+84905123456' WHERE id = 2"
        )
        conn.execute("UPDATE membership SET joined_on = '01/02/2015'")
        conn.execute("UPDATE person SET notes = '******' WHERE id = 1")  # an old round trip
    conn.close()
    r = cqn(db, "--lang", "en", "db", "check", "-f", "json")
    assert r.exit_code == 1
    found = {row["check"]: (row["count"], row["examples"]) for row in json.loads(r.stdout)["rows"]}
    assert found == {
        "value.person.birth_date": (2, "CQN000001, CQN000002"),
        "value.person.registered_on": (1, "CQN000001"),
        "value.person.national_id": (1, "CQN000001"),
        "value.person.phone": (1, "CQN000002"),
        "value.membership.joined_on": (2, "1, 2"),
        "value.person.notes": (1, "CQN000001"),
    }
    assert "12345" not in r.stdout and "0905" not in r.stdout  # ids named, values not


# ---- migrate -----------------------------------------------------------------------------


def test_migrate_brings_an_old_database_forward_once(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from cqn_cli.store.migrations import migration_set, names

    db_path = tmp_path / "old.db"
    old = Database(db_path)
    migration_set().apply(old, stop_before=names()[5])  # the first five
    old.close()
    r = ok(db_path, "--lang", "en", "db", "migrate")
    assert "0006_audit_consent" in r.stdout
    assert {r[0] for r in rows(db_path, "SELECT name FROM sqlite_master")} >= {
        "audit",
        "audit_session",
    }
    again = ok(db_path, "--lang", "en", "db", "migrate")
    assert "up to date" in again.stdout


def before_0014(tmp_path: Path, second: str, *edits: str) -> Path:
    """A database as a cqn before 0014 left it: Bùi Văn Ðức (U+00D0), 1950, Xuân Hà, then
    ``second`` (a roster row), held under the keys that cqn made of the Eth as it is
    (``bui1 văn ðưc4``, ``bui van ðuc``), with ``edits`` made; 0014 not applied."""
    db = tmp_path / "old.db"
    ok(db, "init")
    held = write_csv(
        tmp_path / "a.csv", f"Họ và tên,Ngày sinh,Phường\nBùi Văn \u00d0ức,1950,Xuân Hà\n{second}\n"
    )
    ok(db, "import", "roster", held, "--as-of", "2019-12-31")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "UPDATE person SET name_key = 'bui1 văn ðưc4', search_key = 'bui van ðuc' WHERE id = 1"
        )
        for edit in edits:
            conn.execute(edit)
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0014_names_with_eth'")
    conn.close()
    return db


def test_migrate_gives_names_written_with_the_latin_eth_the_keys_of_d(tmp_path: Path) -> None:
    """A database of a cqn before 0014 holds Bùi Văn Ðức (U+00D0) under the keys that cqn
    made of the letter as it is (``bui1 văn ðưc4``, ``bui van ðuc``): migrated, he has the
    keys of Đức, so a roster writing Đức finds him rather than adding him again; a name
    without the Eth keeps its keys untouched."""
    db = before_0014(
        tmp_path,
        "Lê Văn Đạt,1952,Xuân Hà",
        "UPDATE person SET roster_digest = 'x' WHERE id = 1",
        "UPDATE person SET name_key = 'kept', search_key = 'kept', roster_digest = 'y'"
        " WHERE id = 2",
    )
    migrated = ok(db, "--lang", "en", "db", "migrate")
    assert migrated.stdout.splitlines() == [
        "Schema upgraded: 0014_names_with_eth (now 0014_names_with_eth)."
    ]
    assert migrated.stderr == ""  # nobody it made one with another
    assert rows(db, "SELECT id, name_key, search_key, roster_digest FROM person ORDER BY id") == [
        (1, "bui1 văn đưc4", "bui van duc", None),
        (2, "kept", "kept", "y"),
    ]
    again = write_csv(tmp_path / "b.csv", "Họ và tên,Ngày sinh,Phường\nBùi Văn Đức,1950,Xuân Hà\n")
    r = ok(db, "--lang", "en", "import", "roster", again, "--as-of", "2019-12-31")
    assert "0 inserted, 1 updated" in r.stdout
    assert rows(db, "SELECT count(*) FROM person") == [(2,)]


def test_migrate_names_the_people_its_keys_make_twins(tmp_path: Path) -> None:
    """A cqn before 0014 added Bùi Văn Đức, 1950, Xuân Hà beside the Bùi Văn Ðức (U+00D0)
    it held: migrated, the two have one key, and `db migrate` and `db check` name them."""
    # The second born as the first: the old cqn took the two names for two people.
    db = before_0014(
        tmp_path, "Bùi Văn Đức,1951,Xuân Hà", "UPDATE person SET birth_date = '1950' WHERE id = 2"
    )
    migrated = ok(db, "--lang", "en", "db", "migrate")
    assert migrated.stdout.splitlines() == [
        "Schema upgraded: 0014_names_with_eth (now 0014_names_with_eth)."
    ]
    assert migrated.stderr.startswith(
        "Note: 1 set(s) of people an import cannot tell apart (same name, ward and birth"
        " date, one without a CCCD): CQN000001 = CQN000002."
    )
    r = cqn(db, "--lang", "en", "db", "check", "-f", "csv")
    assert r.exit_code == 1
    assert r.stdout.splitlines()[1:] == ["person.twins,1,CQN000001 = CQN000002"]


def test_a_database_of_a_newer_cqn_is_refused_with_exit_3(district: Path) -> None:
    conn = sqlite3.connect(district)
    with conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('cqn', '9999_future', '2030-01-01')"
        )
    conn.close()
    for command in (("db", "migrate"), ("db", "check"), ("person", "list")):
        r = cqn(district, *command)
        assert r.exit_code == 3, command
        assert "9999_future" in r.stderr


# ---- merge -------------------------------------------------------------------------------


def test_merge_consolidates_wards_matching_people_groups_and_meetings(
    tmp_path: Path, district: Path
) -> None:
    one = ward_db(tmp_path, "one", AN + BINH, "M1,15/03/2019,quarterly,XH-CLB01,Nguyễn Văn An,1952,"
                  "Xuân Hà,present\n")  # fmt: skip
    # The same An (same CCCD, a phone the first lacks), the same Bình (name, birth, ward),
    # and Cường who is new; M1 again with Bình's mark, and a new meeting M2.
    two = ward_db(
        tmp_path,
        "two",
        AN.replace("0905123456", "") + BINH + CUONG,
        "M1,15/03/2019,quarterly,XH-CLB01,Trần Văn Bình,1955,Xuân Hà,excused\n"
        "M2,20/06/2019,quarterly,XH-CLB01,Lê Văn Cường,1949,Xuân Hà,present\n",
    )
    ok(district, "db", "merge", one, two)
    people = rows(district, "SELECT full_name, national_id, phone FROM person ORDER BY id")
    assert people == [
        ("Nguyễn Văn An", "048052000101", "0905123456"),
        ("Trần Văn Bình", None, None),
        ("Lê Văn Cường", None, None),
    ]
    assert rows(district, "SELECT code FROM groups") == [("XH-CLB01",)]
    assert rows(district, "SELECT count(*) FROM membership") == [(3,)]
    marks = rows(
        district,
        "SELECT m.code, p.full_name, a.status FROM attendance a JOIN meeting m ON m.id ="
        " a.meeting_id JOIN person p ON p.id = a.person_id ORDER BY m.code, p.id",
    )
    assert marks == [
        ("M1", "Nguyễn Văn An", "present"),
        ("M1", "Trần Văn Bình", "excused"),
        ("M2", "Lê Văn Cường", "present"),
    ]
    # Merging again changes nothing; the merge is audited under its own command.
    before = snapshot(district)
    ok(district, "db", "merge", one, two)
    assert snapshot(district) == before
    commands = {r[0] for r in rows(district, "SELECT command FROM audit_session")}
    assert "cqn db merge one.db two.db" in commands


def test_conflicts_are_listed_and_nothing_written_unless_a_side_is_preferred(
    tmp_path: Path, district: Path
) -> None:
    one = ward_db(tmp_path, "one", AN + BINH)
    two = ward_db(tmp_path, "two", AN.replace("0905123456", "0912000111") + DUNG)
    three = ward_db(tmp_path, "three", BINH.replace("Trung úy", "Đại úy"))
    ok(district, "db", "merge", one)
    before = snapshot(district)
    # two.db conflicts (An's phone); three.db conflicts (Bình's rank): all refused, Dũng too.
    r = cqn(district, "--lang", "en", "db", "merge", two, three)
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert (
        "two.db: person CQN000001 (theirs CQN000001) — Phone: ours 0905****56, theirs 0912****11."
        in lines
    )
    assert (
        "three.db: person CQN000002 (theirs CQN000001) — Rank: ours Trung úy, theirs Đại úy."
        in lines
    )
    assert lines[-1].startswith("2 conflict(s); nothing was written.")
    assert "0912000111" not in r.stderr
    assert snapshot(district) == before
    # Two numbers masked alike can't be told apart: --reveal says them in full.
    revealed = cqn(district, "--lang", "en", "db", "merge", two, three, "--reveal")
    assert revealed.exit_code == 1
    assert (
        "two.db: person CQN000001 (theirs CQN000001) — Phone: ours 0905123456, theirs 0912000111."
        in revealed.stderr.splitlines()
    )
    assert snapshot(district) == before

    ok(district, "db", "merge", two, three, "--prefer", "ours")
    assert rows(district, "SELECT phone, rank FROM person WHERE id IN (1, 2) ORDER BY id") == [
        ("0905123456", None),
        (None, "Trung úy"),
    ]
    assert rows(district, "SELECT full_name FROM person WHERE id = 3") == [("Phạm Văn Dũng",)]
    ok(district, "db", "merge", two, three, "--prefer", "theirs")
    assert rows(district, "SELECT phone, rank FROM person WHERE id IN (1, 2) ORDER BY id") == [
        ("0912000111", None),
        (None, "Đại úy"),
    ]


def club_db(tmp_path: Path, name: str, ward: str, club: str, people: list[str], day: str) -> Path:
    """A ward's database: ``people`` (names, born 1950) in ``ward``, all in a club coded
    CLB01 named ``club`` since 2015, and its meeting Q1-2019 on ``day``: the first present,
    the others absent."""
    db = tmp_path / f"{name}.db"
    ok(db, "init")
    roster = "Họ và tên,Ngày sinh,Phường\n" + "".join(f"{p},1950,{ward}\n" for p in people)
    ok(
        db,
        "import",
        "roster",
        write_csv(tmp_path / f"{name}-r.csv", roster),
        "--as-of",
        "2019-12-31",
    )
    groups = f"Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập\nCLB01,{club},CLB,{ward},01/01/2015\n"
    ok(
        db,
        "import",
        "groups",
        write_csv(tmp_path / f"{name}-g.csv", groups),
        "--as-of",
        "2019-12-31",
    )
    members = "Mã nhóm,Họ và tên,Ngày sinh,Phường,Ngày tham gia\n" + "".join(
        f"CLB01,{p},1950,{ward},01/01/2015\n" for p in people
    )
    ok(db, "import", "members", write_csv(tmp_path / f"{name}-m.csv", members))
    marks = "Mã cuộc họp,Ngày,Loại,Mã nhóm,Họ và tên,Ngày sinh,Phường,Trạng thái\n" + "".join(
        f"Q1-2019,{day},quarterly,CLB01,{p},1950,{ward},{'present' if i == 0 else 'absent'}\n"
        for i, p in enumerate(people)
    )
    ok(db, "import", "attendance", write_csv(tmp_path / f"{name}-a.csv", marks))
    return db


def test_merge_keeps_apart_the_clubs_and_meetings_two_wards_coded_alike(
    tmp_path: Path, district: Path
) -> None:
    """Codes are each ward's own: Tam Thuận's CLB01 and Xuân Hà's CLB01 are two clubs, and
    their meetings Q1-2019 two meetings (merged by code alone, one ward's club and meeting
    went to the other, its members made guests). Kept apart under a code of their own,
    said; merged again, nothing changes. The same club written again in the ward its own
    became (Tam Thuận is part of Xuân Hà since 2025), under its name, is that club."""
    tam = club_db(tmp_path, "tt", "Tam Thuận", "CLB Tam Thuận 1", ["Lê Văn A", "Lê Văn B"],
                  "15/03/2019")  # fmt: skip
    xuan = club_db(tmp_path, "xh", "Xuân Hà", "CLB Xuân Hà 1",
                   ["Võ Văn C", "Võ Văn D", "Võ Văn E"], "20/03/2019")  # fmt: skip
    r = ok(district, "--lang", "en", "db", "merge", tam, xuan)
    assert r.stderr.splitlines() == [
        "xh.db: group CLB01 there is not group CLB01 here (each ward sets its own codes):"
        " kept apart as CLB01@20209.",
        "xh.db: meeting Q1-2019 there is not meeting Q1-2019 here (each ward sets its own"
        " codes): kept apart as Q1-2019@CLB01@20209.",
    ]
    groups = "SELECT g.code, g.ward_id, count(ms.id) FROM groups g JOIN membership ms"
    groups += " ON ms.group_id = g.id GROUP BY g.id ORDER BY g.code"
    assert rows(district, groups) == [
        ("CLB01", "tk-tam-thuan", 2),
        ("CLB01@20209", "tk-xuan-ha", 3),
    ]
    marks = (
        "SELECT m.code, m.date, g.code, count(*), sum(a.status = 'present') FROM meeting m"
        " JOIN groups g ON g.id = m.group_id JOIN attendance a ON a.meeting_id = m.id"
        " GROUP BY m.id ORDER BY m.code"
    )
    expected = [
        ("Q1-2019", "2019-03-15", "CLB01", 2, 1),
        ("Q1-2019@CLB01@20209", "2019-03-20", "CLB01@20209", 3, 1),
    ]
    assert rows(district, marks) == expected
    before = snapshot(district)
    again = ok(district, "--lang", "en", "db", "merge", tam, xuan)
    assert "group: inserted 0, updated 0, unchanged 2." in again.stdout
    assert "meeting: inserted 0, updated 0, unchanged 2." in again.stdout
    after = snapshot(district)
    assert {t: v for t, v in after.items() if not t.startswith("audit")} == {
        t: v for t, v in before.items() if not t.startswith("audit")
    }
    # Tam Thuận's club written again in Xuân Hà, under its own name: the same club, whose
    # ward the two sides tell apart (a conflict to settle, not a club kept apart).
    moved = club_db(tmp_path, "later", "Xuân Hà", "CLB Tam Thuận 1", ["Lê Văn A", "Lê Văn B"],
                    "15/03/2019")  # fmt: skip
    r = cqn(district, "--lang", "en", "db", "merge", moved)
    assert r.exit_code == 1
    assert "kept apart" not in r.stderr
    assert "later.db: group CLB01 (theirs CLB01) — " in r.stderr


def test_merge_refuses_itself_a_missing_file_and_an_older_schema(
    tmp_path: Path, district: Path
) -> None:
    assert cqn(district, "db", "merge", district).exit_code == 2
    assert cqn(district, "db", "merge", tmp_path / "nope.db").exit_code == 2
    folder = cqn(district, "db", "merge", tmp_path)  # a folder: no "disk I/O error", exit 3
    said = f"{tmp_path} là một thư mục; hãy nêu tệp cơ sở dữ liệu của phường.\n"
    assert folder.exit_code == 2 and folder.stderr == said
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    r = cqn(district, "--lang", "en", "db", "merge", other)
    assert r.exit_code == 3 and "not cqn's" in r.stderr, r.stderr
    # Not SQLite at all (a mistyped name, a damaged copy): said so, not "another program's".
    junk = tmp_path / "junk.db"
    junk.write_bytes(bytes(range(256)) * 16)
    r = cqn(district, "--lang", "en", "db", "merge", junk)
    assert r.exit_code == 3 and "not a valid database or is damaged" in r.stderr, r.stderr


# ---- what a careless hand, a crash or another program can do ----------------------------


def test_erasure_in_a_ward_reaches_the_district_and_merging_again_changes_nothing(
    tmp_path: Path, district: Path
) -> None:
    ward = ward_db(tmp_path, "xh", AN + BINH)
    ok(district, "db", "merge", ward)
    ok(ward, "person", "forget", "CQN000001", "--yes")
    ok(district, "db", "merge", ward)
    assert rows(district, "SELECT count(*) FROM person") == [(2,)]
    assert rows(district, "SELECT full_name, national_id, phone FROM person WHERE id = 1") == [
        ("", None, None)
    ]
    before = snapshot(district)
    ok(district, "db", "merge", ward)
    ok(district, "db", "merge", ward, "--prefer", "theirs")
    assert snapshot(district) == before
    raw = (
        district.read_bytes() + Path(f"{district}-wal").read_bytes()
        if Path(f"{district}-wal").exists()
        else district.read_bytes()
    )
    assert b"048052000101" not in raw


def test_a_record_erased_in_one_ward_file_and_held_from_another_is_said_not_matched(
    tmp_path: Path, district: Path
) -> None:
    """Two ward files that imported the same man on their own (two records): one erases
    him. Nothing is left to recognise the erased record by, so the district adds it as
    someone else, and says so, naming the ids to look at (or he is counted twice)."""
    one = ward_db(tmp_path, "one", AN + BINH)
    two = ward_db(tmp_path, "two", AN)
    ok(two, "person", "forget", "CQN000001", "--yes")
    r = ok(district, "--lang", "en", "db", "merge", one, two)
    assert rows(district, "SELECT id, full_name FROM person ORDER BY id") == [
        (1, "Nguyễn Văn An"),
        (2, "Trần Văn Bình"),
        (3, ""),
    ]
    said = [line for line in r.stderr.splitlines() if "erased" in line]
    assert said == [
        f"{two.name}: CQN000001 had their personal data erased there, so was added as CQN000003"
        " (nothing is left to recognise them by): if this database holds them from another"
        " file, erase them there too ('cqn person forget'), or they are counted twice."
    ]
    # Merged again: the record is the one added (by its origin), nothing said.
    again = ok(district, "db", "merge", two)
    assert "cqn person forget" not in again.stderr


def test_a_merge_that_would_break_a_rule_is_a_conflict_not_a_crash(
    tmp_path: Path, district: Path
) -> None:
    ours = ward_db(tmp_path, "ours", AN)  # XH-CLB01 founded 01/01/2010, never dissolved
    theirs = ward_db(tmp_path, "theirs", AN)
    conn = sqlite3.connect(ours)
    with conn:  # ours: founding date unknown, dissolved 2020
        conn.execute("UPDATE groups SET founded_on = NULL, dissolved_on = '2020-01-01'")
    conn.close()
    conn = sqlite3.connect(theirs)
    with conn:  # theirs: founded 2021 (filled in here: after the dissolution), still open
        conn.execute("UPDATE groups SET founded_on = '2021-01-01', dissolved_on = NULL")
    conn.close()
    before = snapshot(ours)
    for extra in ((), ("--prefer", "ours")):
        r = cqn(ours, "--lang", "en", "db", "merge", theirs, *extra)
        assert r.exit_code == 1, r.output
        assert "group XH-CLB01: merged, it would break a rule" in r.stderr
    # Theirs taken whole: founded 2021, open; An, a member since 2015, would be outside.
    r = cqn(ours, "--lang", "en", "db", "merge", theirs, "--prefer", "theirs")
    assert r.exit_code == 1, r.output
    assert "leave a membership (joined 2015-01-01) outside the group's life" in r.stderr
    assert snapshot(ours) == before


def test_a_date_one_side_leaves_open_is_a_conflict_and_what_it_would_orphan_is_refused(
    tmp_path: Path, district: Path
) -> None:
    """None is a value where it means "still open": a group not dissolved, a membership
    not ended. The other side's date is a conflict, not a gap to fill; and merged, the
    records it would leave outside the group's life are refused as an import refuses them."""
    ours = ward_db(tmp_path, "ours", AN)  # XH-CLB01 founded 2010, open; An joined 2015
    theirs = ward_db(tmp_path, "theirs", AN)
    conn = sqlite3.connect(theirs)
    with conn:
        conn.execute("UPDATE groups SET dissolved_on = '2012-01-01'")
    conn.close()
    before = snapshot(ours)
    r = cqn(ours, "--lang", "en", "db", "merge", theirs)
    assert r.exit_code == 1
    assert "Dissolved: ours ∅, theirs 2012-01-01." in r.stderr
    # Ours kept: open, as it was.
    ok(ours, "db", "merge", theirs, "--prefer", "ours")
    assert rows(ours, "SELECT dissolved_on FROM groups") == [(None,)]
    # Theirs taken: the group would end in 2012, before An joined in 2015: refused.
    r = cqn(ours, "--lang", "en", "db", "merge", theirs, "--prefer", "theirs")
    assert r.exit_code == 1
    assert (
        "group XH-CLB01, CQN000001 2015-01-01: merged, the new founding/dissolution dates"
        " leave a membership (joined 2015-01-01) outside the group's life; fix it before"
        " merging."
    ) in r.stderr
    assert rows(ours, "SELECT dissolved_on FROM groups") == [(None,)]
    assert snapshot(ours)["membership"] == before["membership"]
    # The same file given twice is said, not merged twice.
    twice = cqn(ours, "--lang", "en", "db", "merge", theirs, theirs)
    assert twice.exit_code == 2 and "is given twice" in twice.stderr


def test_a_membership_or_mark_in_conflict_names_each_side_by_its_own_id(
    tmp_path: Path, district: Path
) -> None:
    """An is CQN000001 here and CQN000002 in the ward's file (Bình came first there): a
    membership ended only there and a mark that differs name him by each side's id."""
    meeting = "M1,15/03/2019,quarterly,XH-CLB01,Nguyễn Văn An,1952,Xuân Hà,{}\n"
    ours = ward_db(tmp_path, "ours", AN, meeting.format("present"))
    theirs = ward_db(tmp_path, "theirs", BINH + AN, meeting.format("absent"))
    ok(theirs, "group", "leave", "XH-CLB01", "CQN000002", "--on", "01/06/2019")
    r = cqn(ours, "--lang", "en", "db", "merge", theirs)
    assert r.exit_code == 1
    said = [line for line in r.stderr.splitlines() if "(theirs " in line]
    assert said == [
        f"{theirs.name}: membership CQN000001 2015-01-01 (theirs CQN000002 2015-01-01) —"
        " Left: ours ∅, theirs 2019-06-01.",
        f"{theirs.name}: mark M1 CQN000001 (theirs M1 CQN000002) —"
        " Status: ours present, theirs absent.",
    ], r.stderr


def test_conflicts_are_said_as_the_clerk_reads_values_and_a_finer_date_is_no_conflict(
    tmp_path: Path, district: Path
) -> None:
    ours = ward_db(tmp_path, "ours", AN)  # An: born 1952, Xuân Hà, party member, active
    theirs = ward_db(tmp_path, "theirs", AN)
    conn = sqlite3.connect(theirs)
    with conn:
        conn.execute("UPDATE person SET birth_date = '1952-03-15', ward_id = 'tk-tam-thuan',"
                     " status = 'moved_out', status_since = '2019-06-15'")  # fmt: skip
    conn.close()
    r = cqn(ours, "db", "merge", theirs)
    assert r.exit_code == 1
    lines = [line.split(" — ")[1] for line in r.stderr.splitlines()[:-1]]
    assert lines == [
        "Phường: của mình Phường Xuân Hà, bên kia Phường Tam Thuận.",
        "Trạng thái: của mình đang sinh hoạt, bên kia chuyển đi.",
        "Ngày trạng thái: của mình ∅, bên kia 15/06/2019.",
    ]  # and 1952 against 15/03/1952 is the same birth date, more precisely said
    ok(ours, "db", "merge", theirs, "--prefer", "ours")
    assert rows(ours, "SELECT birth_date, ward_id, status FROM person") == [
        ("1952-03-15", "tk-xuan-ha", "active")
    ]


def test_a_national_id_on_another_name_and_birth_date_is_refused_whatever_is_preferred(
    tmp_path: Path, district: Path
) -> None:
    ours = ward_db(tmp_path, "ours", AN)
    theirs = ward_db(tmp_path, "theirs", AN)
    conn = sqlite3.connect(theirs)
    with conn:  # their record: An's number on somebody else (a typing mistake)
        conn.execute("UPDATE person SET full_name = 'Lê Văn Khác', name_key = 'le van khac',"
                     " birth_date = '1975-02-02'")  # fmt: skip
    conn.close()
    before = snapshot(ours)
    for extra in ((), ("--prefer", "theirs")):
        r = cqn(ours, "--lang", "en", "db", "merge", theirs, *extra)
        assert r.exit_code == 1
        assert "has the national id of CQN000001 but another name and birth date" in r.stderr
    assert snapshot(ours) == before


def test_a_ward_merged_on_one_side_is_merged_in_the_district_and_two_wards_of_one_name_clash(
    tmp_path: Path,
) -> None:
    district, ward = tmp_path / "district.db", tmp_path / "w.db"
    ok(district, "init")
    ok(ward, "init")
    ok(ward, "ward", "add", "20299", "Phường Mới", "--from", "01/01/2026")
    ok(ward, "ward", "merge", "Thanh Khê", "An Khê", "--into", "Phường Mới", "--on", "01/01/2026")
    ok(district, "db", "merge", ward)
    # The merge's end and successor both: on the map of 2026 the old wards are the new one.
    merged = "SELECT valid_to, successor_id FROM ward WHERE id IN ('dn-thanh-khe', 'dn-an-khe')"
    assert rows(district, merged) == rows(ward, merged) == [("2025-12-31", "w-moi")] * 2
    ok(district, "db", "check")
    # Merged into another ward on the other side: said, nothing written.
    other = tmp_path / "other.db"
    ok(other, "init")
    ok(other, "ward", "add", "20298", "Phường Khác", "--from", "01/03/2026")
    ok(other, "ward", "add", "20299", "Phường Mới", "--from", "01/01/2026")
    ok(other, "ward", "merge", "Thanh Khê", "--into", "Phường Khác", "--on", "01/03/2026")
    before = snapshot(district)
    r = cqn(district, "db", "merge", other)
    assert r.exit_code == 1 and snapshot(district) == before
    said = "Phường Thanh Khê bên này đã nhập vào Phường Mới (từ 01/01/2026), bên kia vào"
    assert f"{said} Phường Khác (từ 01/03/2026)" in r.stderr
    # A ward added by hand under the same name elsewhere (its inner id comes from the name),
    # with another code and day, is another ward: refused whatever is preferred.
    again = tmp_path / "again.db"
    ok(again, "init")
    ok(again, "ward", "add", "20300", "Phường Mới", "--from", "01/11/2025")
    r = cqn(district, "db", "merge", again, "--prefer", "theirs")
    assert r.exit_code == 1 and snapshot(district) == before
    assert "Phường Mới (20300, 01/11/2025) bên kia mang cùng mã nội bộ với Phường Mới" in r.stderr
    assert "--prefer không giải quyết được" in r.stderr
    # Another ward bearing one of ours' codes while both are in force: refused too.
    code = tmp_path / "code.db"
    ok(code, "init")
    ok(code, "ward", "add", "20299", "Phường Khác Tên", "--from", "01/06/2026")
    r = cqn(district, "db", "merge", code)
    assert r.exit_code == 1 and snapshot(district) == before
    assert "Phường Khác Tên (20299, 01/06/2026) bên kia mang mã của Phường Mới" in r.stderr


def test_outputs_never_overwrite_the_database_and_bad_paths_are_usage_errors(
    tmp_path: Path, district: Path
) -> None:
    before = district.read_bytes()
    for command in (
        ("export", "people", "-o", district),
        ("report", "--period", "2019", "-o", district),
        ("export", "wards", "-o", f"{district}-wal"),
        ("db", "backup", district),
    ):
        r = cqn(district, *command)
        assert r.exit_code == 2, (command, r.output)
    assert district.read_bytes() == before
    for command in (
        ("export", "groups", "-o", tmp_path / "no" / "such.csv"),
        ("export", "groups", "-o", tmp_path),
        ("db", "backup", tmp_path),
    ):
        r = cqn(district, "--lang", "en", *command)
        assert r.exit_code == 2, (command, r.output)
        assert "Traceback" not in r.output


def test_a_session_left_open_by_another_program_does_not_block_writes(
    tmp_path: Path,
) -> None:
    db = ward_db(tmp_path, "xh", AN)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO audit_session (command, started_at, open) VALUES ('hand', '2026', 1)"
        )
    conn.close()
    ok(db, "person", "edit", "CQN000001", "--rank", "Đại úy")
    assert rows(db, "SELECT count(*) FROM audit_session WHERE open = 1") == [(0,)]
    assert not Path(f"{db}-holder").exists()
    ok(db, "db", "check")


def test_check_changes_nothing_even_on_an_old_schema(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from cqn_cli.store.migrations import migration_set, names

    db_path = tmp_path / "old.db"
    old = Database(db_path)
    migration_set().apply(old, stop_before=names()[5])  # the first five
    old.close()
    before = snapshot(db_path)
    r = cqn(db_path, "--lang", "en", "db", "check", "-f", "csv")
    assert r.exit_code == 1
    pending = len(names()) - 5
    assert r.stdout.splitlines()[1].startswith(f'schema,{pending},"0006_audit_consent, 0007')
    assert snapshot(db_path) == before  # not migrated behind the user's back
