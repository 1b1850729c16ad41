"""The SQL views named for the figures (``store/views.py``, migration 0008).

Each view is read with plain ``sqlite3`` (as a Datasette or sqlite3 user would) and
compared with the ``figures`` function it is named for: on the sample data, as of the
real today and as of pinned days (SQLite's ``date('now', 'localtime')`` is replaced on
the reading connection), and on a small database whose numbers are worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cqn_cli import figures
from cqn_cli.cli.app import app
from cqn_cli.store.db import open_db
from cqn_cli.store.views import VIEWS, create_views, rate_sql
from cqn_cli.wards import WardIndex

Rows = list[dict[str, Any]]

PINNED = [
    dt.date(2019, 12, 31),  # the sample's own date, on the 2019 map (10 wards)
    dt.date(2025, 3, 15),  # the 2025 map (6 wards)
    dt.date(2025, 9, 1),  # the map since 01/07/2025 (Thanh Khê, An Khê)
]
PERSONAL = ("national_id", "phone", "address", "notes", "birth_date")


def _pinned_date(day: dt.date) -> Callable[[str, str], str]:
    """``date('now', 'localtime')`` as of ``day``; the views call ``date`` in no other way."""

    def date(value: str, modifier: str) -> str:
        assert (value, modifier) == ("now", "localtime"), (value, modifier)
        return day.isoformat()

    return date


def read_view(path: Path, name: str, today: dt.date | None = None) -> Rows:
    """``SELECT * FROM name`` on a fresh connection; as of ``today`` when given."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        if today is not None:
            conn.create_function("date", 2, _pinned_date(today))
        return [dict(r) for r in conn.execute(f"SELECT * FROM {name}")]
    finally:
        conn.close()


def drop(rows: Rows, *keys: str) -> Rows:
    return [{k: v for k, v in r.items() if k not in keys} for r in rows]


def renamed(rows: Rows, **names: str) -> Rows:
    """Figure rows with their keys renamed as the views name them (``ward`` → ``ward_name``)."""
    return [{names.get(k, k): v for k, v in r.items()} for r in rows]


def year_of(day: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def figure_rows(path: Path, day: dt.date) -> dict[str, Rows]:
    """What each view should hold as of ``day``, from ``figures`` (view columns that only
    repeat the date or the ward's id are left out: see ``view_rows``)."""
    db = open_db(path)
    try:
        start, end = year_of(day)
        index = WardIndex(db)
        ward_map = []
        for ward_id in sorted(index.wards):
            ward, target = index.wards[ward_id], index.on_map(ward_id, day)
            ward_map.append(
                {
                    "ward_id": ward_id,
                    "ward_code": ward.code,
                    "ward_name": ward.name,
                    "map_ward_id": target.id,
                    "map_ward_code": target.code,
                    "map_ward_name": target.name,
                }
            )
        return {
            "meeting_attendance": renamed(figures.meeting_tallies(db), code="meeting_code"),
            "ward_map_today": ward_map,
            "gathering_by_ward": renamed(figures.gathering_by_ward(db, day, day), ward="ward_name"),
            "gathering_by_group": renamed(
                figures.gathering_by_group(db, day, day), group="group_name", ward="ward_name"
            ),
            "attendance_by_group": renamed(
                figures.attendance(db, start, end, "group", day), group="group_name"
            ),
            "attendance_by_ward": renamed(
                figures.attendance(db, start, end, "ward", day), ward="ward_name"
            ),
        }
    finally:
        db.close()


def view_rows(path: Path, day: dt.date | None) -> dict[str, Rows]:
    """Each view's rows (as of ``day``, else the real today), checking and then leaving
    out the columns that only repeat the date (``as_of``, ``year``) or the ward's id."""
    as_of = day or dt.date.today()
    out = {name: read_view(path, name, day) for name in VIEWS}
    ward_map = {r["ward_id"]: r for r in out["ward_map_today"]}
    map_ids = {r["map_ward_id"] for r in ward_map.values()}
    for name in ("gathering_by_ward", "gathering_by_group"):
        assert {r["as_of"] for r in out[name]} <= {as_of.isoformat()}
        out[name] = drop(out[name], "as_of")
    for name in ("attendance_by_group", "attendance_by_ward"):
        assert {r["year"] for r in out[name]} <= {as_of.year}
        out[name] = drop(out[name], "year")
    for name in ("gathering_by_ward", "gathering_by_group", "attendance_by_ward"):
        for r in out[name]:  # the ward of the map of today, named by its own code and name
            assert r["ward_id"] in map_ids
            assert (ward_map[r["ward_id"]]["ward_code"], ward_map[r["ward_id"]]["ward_name"]) == (
                r["ward_code"],
                r["ward_name"],
            )
        out[name] = drop(out[name], "ward_id")
    return out


def check_people(path: Path, day: dt.date | None, views: dict[str, Rows]) -> None:
    """``people_on_roster`` per ward adds up to ``gathering_by_ward``; the people are those
    ``figures.on_roster`` keeps."""
    as_of = day or dt.date.today()
    people = read_view(path, "people_on_roster", day)
    per_ward: dict[str, dict[str, Any]] = {}
    for p in people:
        w = per_ward.setdefault(
            p["ward_code"], {"ward_code": p["ward_code"], "ward_name": p["ward_name"], "n": 0}
        )
        w["n"] += 1
        w["gathered"] = w.get("gathered", 0) + p["gathered"]
    assert sorted(per_ward.values(), key=lambda w: (w["ward_code"], w["ward_name"])) == [
        {"ward_code": r["ward_code"], "ward_name": r["ward_name"], "n": r["on_roster"],
         "gathered": r["gathered"]}
        for r in views["gathering_by_ward"]
    ]  # fmt: skip
    db = open_db(path)
    try:
        ids = [
            f"CQN{pk:06d}"
            for (pk,) in db.execute(
                f"SELECT p.id FROM person p WHERE {figures.on_roster('p', ':d')} ORDER BY p.id",
                {"d": as_of.isoformat()},
            )
        ]
        assert sum(p["gathered"] for p in people) == figures.gathered_count(db, as_of)
    finally:
        db.close()
    assert [p["person_id"] for p in people] == ids


# ---- the sample data ----------------------------------------------------------------------


@pytest.mark.parametrize("day", [None, *PINNED], ids=["today", *map(str, PINNED)])
def test_every_view_equals_its_figure_on_the_sample(sample_db: Path, day: dt.date | None) -> None:
    views = view_rows(sample_db, day)
    expected = figure_rows(sample_db, day or dt.date.today())
    assert set(views) == set(VIEWS)
    for name, rows in expected.items():
        assert views[name] == rows, name  # the same rows in the same order
    check_people(sample_db, day, views)
    assert len(views["meeting_attendance"]) == 350
    assert len(views["ward_map_today"]) == 12
    if day == dt.date(2019, 12, 31):  # the sample's year: every figure has rows to compare
        assert all(views[name] for name in VIEWS)
        assert len(views["gathering_by_ward"]) == 10


def test_views_are_made_by_migration_0008_with_their_meaning_in_their_text(
    sample_db: Path,
) -> None:
    conn = sqlite3.connect(sample_db)
    try:
        made = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'"))
        applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    finally:
        conn.close()
    assert "0008_figure_views" in applied
    assert set(made) == set(VIEWS)
    for name, sql in made.items():
        assert sql == f"CREATE VIEW {name} AS\n{VIEWS[name]}"
        assert sql.splitlines()[1].startswith(f"-- {name}: ")


def test_create_views_again_changes_nothing(sample_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(sample_db, copy)
    db = open_db(copy)

    def schema() -> list[tuple[Any, ...]]:
        return db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY 1, 2").fetchall()

    before = schema()
    create_views(db)
    db.conn.commit()
    assert schema() == before
    db.close()


def test_a_database_migrated_from_0007_gets_the_views_and_db_check_passes(
    tmp_path: Path,
) -> None:
    from sqlite_utils import Database

    from cqn_cli.store.migrations import migration_set

    path = tmp_path / "old.db"
    old = Database(path)
    migration_set().apply(old, stop_before="0008_figure_views")  # a database made before 0008
    old.close()
    runner = CliRunner()
    r = runner.invoke(app, ["--db", str(path), "--lang", "en", "db", "migrate"])
    assert r.exit_code == 0, r.output
    assert "0008_figure_views" in r.stdout
    assert read_view(path, "gathering_by_ward") == []  # there, and empty: nobody on roster
    r = runner.invoke(app, ["--db", str(path), "db", "check", "-f", "json"])
    assert r.exit_code == 0, r.output


def test_db_check_and_backup_are_content_with_the_views(sample_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["--db", str(sample_db), "db", "check"])
    assert r.exit_code == 0, r.output
    copy = tmp_path / "backup.db"
    r = runner.invoke(app, ["--db", str(sample_db), "db", "backup", str(copy)])
    assert r.exit_code == 0, r.output
    assert read_view(copy, "gathering_by_ward") == read_view(sample_db, "gathering_by_ward")


# ---- personal data ------------------------------------------------------------------------


def _code_of(sql: str) -> str:
    """A view's SQL without its comments."""
    return "\n".join(line.split("--")[0] for line in sql.splitlines())


def test_no_view_shows_personal_data(sample_db: Path) -> None:
    conn = sqlite3.connect(sample_db)
    try:
        for name in VIEWS:
            columns = {r[1] for r in conn.execute(f"PRAGMA table_info({name})")}
            assert not columns & set(PERSONAL), name
            code = _code_of(VIEWS[name])
            assert not [word for word in PERSONAL if word in code], name
        held = {
            value
            for column in ("national_id", "phone", "address", "notes")
            for (value,) in conn.execute(f"SELECT {column} FROM person WHERE {column} <> ''")
        }
        held |= {v for (v,) in conn.execute("SELECT notes FROM visit WHERE notes <> ''")}
    finally:
        conn.close()
    assert len(held) > 3000  # the sample does hold them
    for day in (None, dt.date(2019, 12, 31)):
        for name in VIEWS:
            shown = {v for row in read_view(sample_db, name, day) for v in row.values()}
            assert not shown & held, name


def test_an_erased_person_is_counted_but_not_named(sample_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(sample_db, copy)
    before = read_view(copy, "gathering_by_ward")
    conn = sqlite3.connect(copy)
    with conn:  # what ``cqn person forget`` leaves (personal fields erased)
        conn.execute(
            "UPDATE person SET full_name = '', national_id = NULL, phone = NULL,"
            " address = NULL, birth_date = NULL, forgotten_on = '2026-01-01' WHERE id = 1"
        )
    conn.close()
    people = {p["person_id"]: p for p in read_view(copy, "people_on_roster")}
    assert people["CQN000001"]["name"] is None
    assert read_view(copy, "gathering_by_ward") == before


# ---- the sqlite3 command ------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="no sqlite3 command")
def test_the_sqlite3_command_reads_the_views(sample_db: Path) -> None:
    """The two queries of the README, run by the ``sqlite3`` command itself."""

    def sqlite3_cli(sql: str) -> list[list[str]]:
        done = subprocess.run(
            ["sqlite3", "-readonly", str(sample_db), sql],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=True,
        )
        assert done.stderr == ""
        return [line.split("|") for line in done.stdout.splitlines()]

    wards = sqlite3_cli("SELECT ward_name, on_roster, gathered, rate FROM gathering_by_ward;")
    assert wards == [
        [r["ward_name"], str(r["on_roster"]), str(r["gathered"]), str(r["rate"])]
        for r in read_view(sample_db, "gathering_by_ward")
    ]
    assert [w[0] for w in wards] == ["Phường Thanh Khê", "Phường An Khê"]
    meetings = sqlite3_cli(
        "SELECT meeting_code, date, expected, present, excused, absent, guests"
        " FROM meeting_attendance WHERE group_code = 'XH-CLB01' ORDER BY date DESC LIMIT 4;"
    )
    db = open_db(sample_db)
    tallies = figures.meeting_tallies(db, group_code="XH-CLB01")[::-1][:4]
    db.close()
    assert len(meetings) == 4
    assert meetings == [
        [str(t[k]) for k in ("code", "date", "expected", "present", "excused", "absent", "guests")]
        for t in tallies
    ]


# ---- a small database, worked out by hand -------------------------------------------------

# Wards on the 2025 map: Tam Thuận → Xuân Hà (20209); Vĩnh Trung → Thạc Gián (20221);
# from 01/07/2025 all of them → Thanh Khê (20209).
PEOPLE = [  # (name, ward, registered_on, status, status_since): ids 1..8
    ("An", "tk-tam-thuan", None, "active", None),  # a merged ward
    ("Bình", "tk-xuan-ha", None, "active", None),  # two overlapping memberships
    ("Cường", "tk-xuan-ha", None, "moved_out", "2025-02-01"),  # moved out
    ("Dũng", "tk-xuan-ha", "2025-03-01", "active", None),  # in no group; a guest
    ("Em", "tk-vinh-trung", None, "active", None),  # a merged ward
    ("Phúc", "tk-thac-gian", None, "active", None),  # left his club on 20/01/2025
    ("Giang", "tk-thac-gian", None, "deceased", "2024-12-01"),
    ("Hà", "tk-xuan-ha", "2025-04-01", "active", None),  # registered later
]
GROUPS = [  # (code, name, kind, ward, founded_on, dissolved_on): ids 1..3
    ("XH-CLB", "CLB Xuân Hà", "clb", "tk-xuan-ha", "2015-01-01", None),
    ("TT-BLL", "BLL Tam Thuận", "bll", "tk-tam-thuan", "2010-01-01", "2025-03-01"),
    ("TG-CLB", "CLB Thạc Gián", "clb", "tk-vinh-trung", "2015-01-01", None),
]
MEMBERSHIPS = [  # (person, group, joined_on, left_on)
    (1, 1, "2024-01-01", None),
    (1, 2, "2012-01-01", None),
    (2, 1, "2020-01-01", "2025-12-31"),
    (2, 1, "2024-06-01", None),  # overlaps the one above all through 2025
    (3, 1, "2020-01-01", None),
    (5, 3, "2019-01-01", None),
    (6, 3, "2019-01-01", "2025-01-20"),
    (7, 3, "2019-01-01", None),
]
MEETINGS = [  # (code, group, date, kind): ids 1..6
    ("TT-M1", 2, "2024-12-20", "review"),
    ("XH-Q1", 1, "2025-01-10", "quarterly"),
    ("TG-Q1", 3, "2025-01-15", "quarterly"),
    ("TT-M2", 2, "2025-02-01", "other"),
    ("XH-Q2", 1, "2025-03-10", "quarterly"),
    ("XH-G", 1, "2025-04-25", "gathering"),
]
MARKS = [  # (meeting, person, status)
    (1, 1, "present"),
    (2, 1, "present"),
    (2, 2, "excused"),
    (2, 4, "present"),  # Dũng: not a member, a guest
    (3, 5, "absent"),
    (3, 6, "present"),
    (5, 1, "present"),
    (5, 2, "present"),
    (5, 3, "present"),  # Cường, moved out on 01/02: a guest
    (6, 1, "present"),
    (6, 8, "excused"),  # Hà, not a member, excused: a guest all the same (SPEC §4)
]


@pytest.fixture
def hand_db(tmp_path: Path) -> Path:
    path = tmp_path / "hand.db"
    db = open_db(path, create=True)
    stamp = "2025-01-01T00:00:00"
    for i, (name, ward, registered, status, since) in enumerate(PEOPLE, start=1):
        db.execute(
            "INSERT INTO person (full_name, name_key, search_key, ward_id, registered_on,"
            " status, status_since, national_id, phone, address, notes, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [name, name, name, ward, registered, status, since, f"0480520001{i:02d}",
             f"090512340{i}", f"{i} Lê Duẩn", f"ghi chú {i}", stamp, stamp],
        )  # fmt: skip
    for code, name, kind, ward, founded, dissolved in GROUPS:
        db.execute(
            "INSERT INTO groups (code, name, kind, ward_id, founded_on, dissolved_on,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [code, name, kind, ward, founded, dissolved, stamp, stamp],
        )
    db.conn.executemany(
        "INSERT INTO membership (person_id, group_id, joined_on, left_on) VALUES (?, ?, ?, ?)",
        MEMBERSHIPS,
    )
    db.conn.executemany(
        "INSERT INTO meeting (code, group_id, date, kind) VALUES (?, ?, ?, ?)", MEETINGS
    )
    db.conn.executemany(
        "INSERT INTO attendance (meeting_id, person_id, status) VALUES (?, ?, ?)", MARKS
    )
    db.conn.commit()
    db.close()
    return path


XUAN_HA = {"ward_code": "20209", "ward_name": "Phường Xuân Hà"}
THAC_GIAN_2025 = {"ward_code": "20221", "ward_name": "Phường Thạc Gián"}  # with Vĩnh Trung
THANH_KHE = {"ward_code": "20209", "ward_name": "Phường Thanh Khê"}


def tally(code: str, date: str, kind: str, group: str, *counts: int) -> dict[str, Any]:
    expected, present, excused, absent, guests = counts
    return {"meeting_code": code, "date": date, "kind": kind, "group_code": group,
            "title": None, "expected": expected, "present": present, "excused": excused,
            "absent": absent, "guests": guests}  # fmt: skip


def test_meeting_attendance_by_hand(hand_db: Path) -> None:
    assert read_view(hand_db, "meeting_attendance") == [
        tally("TT-M1", "2024-12-20", "review", "TT-BLL", 1, 1, 0, 0, 0),  # An
        # An, Bình (once, two memberships), Cường (still on the roster): Dũng a guest
        tally("XH-Q1", "2025-01-10", "quarterly", "XH-CLB", 3, 1, 1, 1, 1),
        tally("TG-Q1", "2025-01-15", "quarterly", "TG-CLB", 2, 1, 0, 1, 0),  # not Giang
        tally("TT-M2", "2025-02-01", "other", "TT-BLL", 1, 0, 0, 1, 0),  # An, no mark
        tally("XH-Q2", "2025-03-10", "quarterly", "XH-CLB", 2, 2, 0, 0, 1),  # Cường a guest
        tally("XH-G", "2025-04-25", "gathering", "XH-CLB", 2, 1, 0, 1, 1),  # Hà a guest
    ]
    db = open_db(hand_db)
    assert drop(read_view(hand_db, "meeting_attendance"), "meeting_code") == drop(
        figures.meeting_tallies(db), "code"
    )
    db.close()


def test_views_by_hand_on_the_2025_map(hand_db: Path) -> None:
    day = dt.date(2025, 3, 15)
    views = view_rows(hand_db, day)
    # On roster: An, Bình, Dũng (Cường moved out, Hà registered later) | Em, Phúc (Giang
    # deceased). Gathered: An, Bình | Em (Phúc left on 20/01).
    assert views["gathering_by_ward"] == [
        {**XUAN_HA, "on_roster": 3, "gathered": 2, "rate": 0.6667},
        {**THAC_GIAN_2025, "on_roster": 2, "gathered": 1, "rate": 0.5},
    ]
    # TT-BLL was dissolved on 01/03; Bình counts once in XH-CLB.
    assert views["gathering_by_group"] == [
        {"group_code": "XH-CLB", "group_name": "CLB Xuân Hà", "kind": "clb", **XUAN_HA,
         "members": 2},
        {"group_code": "TG-CLB", "group_name": "CLB Thạc Gián", "kind": "clb",
         **THAC_GIAN_2025, "members": 1},
    ]  # fmt: skip
    # 2025, the whole year: XH-Q1 3/1/1, XH-Q2 2/2/0, XH-G (25/04, after today) 2/1/0.
    assert views["attendance_by_group"] == [
        {"group_code": "TG-CLB", "group_name": "CLB Thạc Gián", "meetings": 1, "expected": 2,
         "present": 1, "excused": 0, "rate": 0.5},
        {"group_code": "TT-BLL", "group_name": "BLL Tam Thuận", "meetings": 1, "expected": 1,
         "present": 0, "excused": 0, "rate": 0.0},
        {"group_code": "XH-CLB", "group_name": "CLB Xuân Hà", "meetings": 3, "expected": 7,
         "present": 4, "excused": 1, "rate": 0.5714},
    ]  # fmt: skip
    # Tam Thuận's board counts under Xuân Hà: XH-CLB + TT-M2.
    assert views["attendance_by_ward"] == [
        {**XUAN_HA, "meetings": 4, "expected": 8, "present": 4, "excused": 1, "rate": 0.5},
        {**THAC_GIAN_2025, "meetings": 1, "expected": 2, "present": 1, "excused": 0,
         "rate": 0.5},
    ]  # fmt: skip
    people = read_view(hand_db, "people_on_roster", day)
    assert [(p["person_id"], p["name"], p["ward_id"], p["gathered"]) for p in people] == [
        ("CQN000001", "An", "tk-xuan-ha", 1),
        ("CQN000002", "Bình", "tk-xuan-ha", 1),
        ("CQN000004", "Dũng", "tk-xuan-ha", 0),
        ("CQN000005", "Em", "tk-thac-gian", 1),
        ("CQN000006", "Phúc", "tk-thac-gian", 0),
    ]
    mapped = {r["ward_id"]: r["map_ward_id"] for r in views["ward_map_today"]}
    assert mapped["tk-tam-thuan"] == "tk-xuan-ha"
    assert mapped["tk-vinh-trung"] == mapped["tk-thac-gian"] == "tk-thac-gian"
    assert mapped["dn-thanh-khe"] == "dn-thanh-khe"
    for name, rows in figure_rows(hand_db, day).items():
        assert views[name] == rows, name


@pytest.mark.parametrize("day", [dt.date(2025, 9, 1), None], ids=["2025-09-01", "today"])
def test_views_by_hand_on_the_map_since_july_2025(hand_db: Path, day: dt.date | None) -> None:
    views = view_rows(hand_db, day)
    # Everyone is in Thanh Khê now. On roster: An, Bình, Dũng, Hà, Em, Phúc; gathered: An,
    # Bình, Em.
    assert views["gathering_by_ward"] == [{**THANH_KHE, "on_roster": 6, "gathered": 3, "rate": 0.5}]
    assert [(g["group_code"], g["members"]) for g in views["gathering_by_group"]] == [
        ("TG-CLB", 1),
        ("XH-CLB", 2),
    ]
    if day is not None:  # 2025: every meeting of the year but TT-M1 (2024), all in Thanh Khê
        assert views["attendance_by_ward"] == [
            {**THANH_KHE, "meetings": 5, "expected": 10, "present": 5, "excused": 1,
             "rate": 0.5}
        ]  # fmt: skip
    for name, rows in figure_rows(hand_db, day or dt.date.today()).items():
        assert views[name] == rows, name
    check_people(hand_db, day, views)


def test_ward_map_stops_at_a_cycle_as_on_map_does(hand_db: Path) -> None:
    conn = sqlite3.connect(hand_db)
    with conn:  # typed by hand: a → b → c → b, and s → s, all ended in 2020
        for ward in ("x-a", "x-b", "x-c", "x-s"):
            conn.execute(
                "INSERT INTO ward (id, code, name, valid_to) VALUES (?, '9', ?, '2020-01-01')",
                [ward, ward],
            )
        for ward, successor in (("x-a", "x-b"), ("x-b", "x-c"), ("x-c", "x-b"), ("x-s", "x-s")):
            conn.execute("UPDATE ward SET successor_id = ? WHERE id = ?", [successor, ward])
    conn.close()
    for day in (dt.date(2019, 6, 1), dt.date(2025, 3, 15), None):
        mapped = {r["ward_id"]: r["map_ward_id"] for r in read_view(hand_db, "ward_map_today", day)}
        assert mapped == {
            r["ward_id"]: r["map_ward_id"]
            for r in figure_rows(hand_db, day or dt.date.today())["ward_map_today"]
        }
        if day != dt.date(2019, 6, 1):
            assert (mapped["x-a"], mapped["x-b"], mapped["x-c"], mapped["x-s"]) == (
                "x-b",
                "x-b",
                "x-c",
                "x-s",
            )


# ---- the rate -----------------------------------------------------------------------------


def test_the_rate_is_rounded_as_python_rounds_it() -> None:
    """``rate_sql`` is ``figures.rate`` (Python's round), ties included, where SQLite's
    round() is not (1/32 = 0.03125: SQLite 0.0313, Python 0.0312)."""
    conn = sqlite3.connect(":memory:")
    assert conn.execute("SELECT round(1 / 32.0, 4)").fetchone()[0] != figures.rate(1, 32)
    n = 400
    every = f"""
    WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < {n})
    SELECT a.i, b.i FROM k a JOIN k b ON a.i <= b.i
    """
    ties = [(k * m, 20000 * m) for k in range(1, 20000, 2) for m in (1, 3)]  # every tie
    large = [(g, d) for d in (32 * 625, 99_999, 1_000_000) for g in range(0, d + 1, d // 97 or 1)]
    pairs = conn.execute(every).fetchall() + ties + large
    conn.execute("CREATE TEMP TABLE pair (num INTEGER, den INTEGER)")
    conn.executemany("INSERT INTO pair VALUES (?, ?)", pairs)
    got = conn.execute(f"SELECT num, den, {rate_sql('num', 'den')} FROM pair").fetchall()
    wrong = [(g, d, r) for g, d, r in got if r != figures.rate(g, d) or not isinstance(r, float)]
    assert wrong == []
    assert len(got) > 90_000
