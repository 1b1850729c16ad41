"""The database file: creation, mode, pragmas, migrations, refusal of what we can't use."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from cqn_cli.cli.app import app
from cqn_cli.errors import DatabaseError
from cqn_cli.store.db import (
    begin,
    commit,
    default_path,
    left_out,
    open_db,
    rollback,
    schema_version,
)
from cqn_cli.store.migrations import migration_set

ALL_MIGRATIONS = [m.name for m in migration_set().pending(Database(memory=True))]


def test_new_database_is_private_and_fully_migrated(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "cqn.db"
    db = open_db(path, create=True, make_folder=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert schema_version(db) == ALL_MIGRATIONS
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    # Every table is STRICT: a text in an integer column is refused, ids stay text.
    strict = {r[0] for r in db.execute("SELECT name FROM pragma_table_list WHERE strict = 1")}
    assert {"ward", "person", "import_log", "ward_alias"} <= strict
    # The seeded registry is the shipped one (shared/reference/wards-thanh-khe.csv, kept
    # in the package), row for row; the enlarged Thạc Gián's code of 2025, 20218, is a
    # code Thạc Gián bore for a time.
    assert registry(db) == shipped_registry()
    assert db.execute("SELECT * FROM ward_dated_code").fetchall() == [
        ("20218", "tk-thac-gian", "2025-01-01", "2025-06-30")
    ]
    # The -wal file SQLite made is private too.
    wal = Path(str(path) + "-wal")
    if wal.exists():
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    db.close()


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "cqn.db"
    open_db(path, create=True).close()
    db = open_db(path)
    names = schema_version(db)
    assert names == ALL_MIGRATIONS


def test_first_schema_migrates_forward(tmp_path: Path) -> None:
    """A database stopped after the first migration is brought up to date on open."""
    path = tmp_path / "old.db"
    old = Database(path)
    migration_set().apply(old, stop_before="0002_seed_thanh_khe_wards")
    assert old.execute("SELECT count(*) FROM ward").fetchone()[0] == 0
    old.close()
    db = open_db(path)
    assert registry(db) == shipped_registry()


def registry(db: Any) -> list[tuple[str | None, ...]]:
    sql = f"SELECT {', '.join(_WARD_COLUMNS)} FROM ward ORDER BY id"
    return [tuple(r) for r in db.execute(sql)]


_WARD_COLUMNS = ("id", "code", "name", "district", "province", "valid_from", "valid_to",
                 "successor_id")  # fmt: skip


def shipped_registry() -> list[tuple[str | None, ...]]:
    text = (Path(__file__).resolve().parents[1] / "src/cqn_cli/data/wards-thanh-khe.csv").read_text(
        encoding="utf-8"
    )
    rows = [tuple(r[c] or None for c in _WARD_COLUMNS) for r in csv.DictReader(io.StringIO(text))]
    return sorted(rows, key=lambda r: str(r[0]))


def test_the_thac_gian_of_2025_becomes_thac_gian(tmp_path: Path) -> None:
    """A database made before 0013 held the enlarged Thạc Gián of 2025 as a ward of its
    own (0003): its people, groups and aliases are Thạc Gián's after it, and the
    registry is the shipped one."""
    path = tmp_path / "old.db"
    old = Database(path)
    migration_set().apply(old, stop_before="0013_thac_gian_one_ward")
    stamp = "2025-03-01T00:00:00"
    old.execute(
        "INSERT INTO person (full_name, name_key, search_key, ward_id, created_at, updated_at)"
        " VALUES ('An', 'an', 'an', 'tk-thac-gian-2025', ?, ?)",
        [stamp, stamp],
    )
    old.execute(
        "INSERT INTO groups (code, name, kind, ward_id, created_at, updated_at)"
        " VALUES ('TG', 'CLB', 'clb', 'tk-thac-gian-2025', ?, ?)",
        [stamp, stamp],
    )
    old.execute("INSERT INTO ward_alias VALUES ('tk-thac-gian-2025', 'TG mở rộng')")
    old.execute("INSERT INTO ward_alias VALUES ('tk-thac-gian-2025', 'TG')")
    old.execute("INSERT INTO ward_alias VALUES ('tk-thac-gian', 'TG')")
    old.conn.commit()
    old.close()
    db = open_db(path)
    assert registry(db) == shipped_registry()
    assert db.execute("SELECT ward_id FROM person").fetchall() == [("tk-thac-gian",)]
    assert db.execute("SELECT ward_id FROM groups").fetchall() == [("tk-thac-gian",)]
    aliases = db.execute("SELECT ward_id, alias FROM ward_alias ORDER BY alias").fetchall()
    assert aliases == [("tk-thac-gian", "TG"), ("tk-thac-gian", "TG mở rộng")]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    # Audited as the migration's work, not as a hand edit outside cqn.
    commands = db.execute(
        "SELECT DISTINCT s.command FROM audit a JOIN audit_session s ON s.id = a.session_id"
        " WHERE a.entity_key LIKE 'tk-%' OR a.entity = 'person'"
    ).fetchall()
    assert commands == [("cqn: 0013_thac_gian_one_ward",)]
    unattributed = "SELECT count(*) FROM audit WHERE session_id IS NULL AND action != 'insert'"
    assert db.execute(unattributed).fetchone() == (0,)  # (the inserts are this test's own)
    assert db.execute("SELECT count(*) FROM audit_session WHERE open = 1").fetchone() == (0,)


def test_missing_database_is_not_created_by_other_commands(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    with pytest.raises(DatabaseError) as info:
        open_db(path)
    assert info.value.key == "db.missing"
    assert not path.exists()
    result = CliRunner().invoke(app, ["--db", str(path), "person", "list"])
    assert result.exit_code == 3
    assert "cqn init" in result.stderr
    assert not path.exists()
    # In a folder that is not there either, `cqn init` would not help: said so.
    astray = tmp_path / "nowhere" / "x.db"
    result = CliRunner().invoke(app, ["--db", str(astray), "--lang", "en", "person", "list"])
    assert result.exit_code == 3
    assert result.stderr == (
        f"No database at {astray}, nor a folder {astray.parent}: check --db (or CQN_DB).\n"
    )
    assert not astray.parent.exists()


def test_newer_schema_is_refused_with_exit_3(tmp_path: Path) -> None:
    path = tmp_path / "cqn.db"
    open_db(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('cqn', '9999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    result = CliRunner().invoke(app, ["--db", str(path), "ward", "list"])
    assert result.exit_code == 3
    assert "9999_from_the_future" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_not_a_database_is_exit_3(tmp_path: Path) -> None:
    path = tmp_path / "cqn.db"
    path.write_bytes(b"this is not sqlite" * 100)
    result = CliRunner().invoke(app, ["--db", str(path), "ward", "list"])
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_default_path_follows_cqn_db_then_xdg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CQN_DB", str(tmp_path / "env.db"))
    assert default_path() == tmp_path / "env.db"
    monkeypatch.delenv("CQN_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "cqn" / "cqn.db"
    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "xdg" / "cqn" / "cqn.db").exists()
    assert stat.S_IMODE(os.stat(tmp_path / "xdg" / "cqn").st_mode) == 0o700


@pytest.mark.parametrize("by", ["--db", "CQN_DB"])
def test_a_database_in_a_folder_that_does_not_exist_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    # The default place's folder is made; one typed by hand is a mistake, not one to make.
    path = tmp_path / "nha" / "cqn.db"
    argv = ["--lang", "en", "init"]
    if by == "--db":
        argv = ["--db", str(path), *argv]
    else:
        monkeypatch.setenv("CQN_DB", str(path))
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"No such folder: {path.parent}; check --db (or CQN_DB), or make the folder first."
    )
    assert not path.parent.exists()


def test_other_sqlite_files_are_never_written(tmp_path: Path) -> None:
    """A mistyped --db pointing at another program's database is refused, not "migrated"."""
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE foo (x)")
    conn.commit()
    conn.close()
    for args in (["person", "list"], ["init"]):
        result = CliRunner().invoke(app, ["--db", str(other), *args])
        assert result.exit_code == 3
    names = {r[0] for r in sqlite3.connect(other).execute("SELECT name FROM sqlite_master")}
    assert names == {"foo"}
    empty = tmp_path / "empty.db"
    empty.touch(mode=0o644)
    assert CliRunner().invoke(app, ["--db", str(empty), "person", "list"]).exit_code == 3
    assert CliRunner().invoke(app, ["--db", str(empty), "init"]).exit_code == 0
    assert stat.S_IMODE(empty.stat().st_mode) == 0o600


def test_a_writer_waits_for_another_within_the_busy_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """person add behind another process's write transaction waits, then succeeds."""
    import threading

    path = tmp_path / "cqn.db"
    open_db(path, create=True).close()
    holder = sqlite3.connect(path, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, holder.commit)
    release.start()
    monkeypatch.setenv("CQN_BUSY_TIMEOUT", "10")
    result = CliRunner().invoke(
        app, ["--db", str(path), "person", "add", "--full-name", "Lê Văn Tám", "--ward", "20224"]
    )
    release.join()
    assert result.exit_code == 0, result.output
    assert sqlite3.connect(path).execute("SELECT count(*) FROM person").fetchone() == (1,)


def test_past_the_busy_timeout_exit_3_says_the_database_is_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cqn.db"
    open_db(path, create=True).close()
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    monkeypatch.setenv("CQN_BUSY_TIMEOUT", "0.2")
    try:
        result = CliRunner().invoke(
            app, ["--db", str(path), "ward", "alias", "Xuân Hà", "XH", "--as-of", "2019-12-31"]
        )
    finally:
        holder.rollback()
    assert result.exit_code == 3
    assert "tiến trình khác" in result.stderr


def test_the_holder_note_is_whole_while_the_lock_is_held_and_gone_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A waiting writer reads the note whole (written aside and renamed over, never seen
    empty) and names the holder; nothing is left beside the database afterwards."""
    import json

    from cqn_cli.store import db as store

    path = tmp_path / "cqn.db"
    db = open_db(path, create=True)
    seen_while_writing: list[bool] = []
    dump = json.dump

    def watched(note: Any, out: Any) -> None:  # the note's name, before its text is there
        seen_while_writing.append(Path(f"{path}-holder").exists())
        dump(note, out)

    monkeypatch.setattr(store.json, "dump", watched)
    store.set_command("cqn import roster big.csv")
    store.begin(db)
    monkeypatch.undo()
    assert seen_while_writing == [False]
    try:
        note = json.loads(Path(f"{path}-holder").read_text(encoding="utf-8"))
        assert note["pid"] == os.getpid()
        assert note["command"] == "cqn import roster big.csv"
        assert sorted(p.name for p in tmp_path.iterdir() if "holder" in p.name) == ["cqn.db-holder"]
        monkeypatch.setenv("CQN_BUSY_TIMEOUT", "0.2")
        result = CliRunner().invoke(
            app, ["--db", str(path), "--lang", "en", "ward", "alias", "Xuân Hà", "XH"]
        )
    finally:
        store.rollback(db)
    assert result.exit_code == 3
    assert "'cqn import roster big.csv'" in result.stderr, result.stderr
    assert not [p for p in tmp_path.iterdir() if "holder" in p.name]


def test_a_write_outside_a_transaction_is_committed_as_sqlite_utils_would(
    tmp_path: Path,
) -> None:
    """The database handle reads ``execute`` as sqlite-utils does: a write outside a
    transaction is committed at once, a failed one leaves no transaction behind, a
    ``BEGIN`` stays open, and ``query`` gives dicts."""
    path = tmp_path / "cqn.db"
    db = open_db(path, create=True)
    db.execute("INSERT INTO ward (id, code, name) VALUES ('x', '1', 'X')")
    assert not db.conn.in_transaction
    other = sqlite3.connect(path)
    assert other.execute("SELECT name FROM ward WHERE id = 'x'").fetchone() == ("X",)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO ward (id, code, name) VALUES ('x', '2', 'Y')")
    assert not db.conn.in_transaction
    db.execute("BEGIN")
    db.execute("UPDATE ward SET name = 'Z' WHERE id = 'x'")
    assert db.conn.in_transaction  # left to the caller's COMMIT or ROLLBACK
    db.conn.rollback()
    assert list(db.query("SELECT id, name FROM ward WHERE id = ?", ["x"])) == [
        {"id": "x", "name": "X"}
    ]
    assert db.execute("PRAGMA recursive_triggers").fetchone()[0] == 1  # as the triggers expect
    # A column named twice is renamed, not lost; a statement without rows is refused.
    assert list(db.query("SELECT 1 AS a, 2 AS a, 3 AS a_2, 4 AS a")) == [
        {"a": 1, "a_3": 2, "a_2": 3, "a_4": 4}
    ]
    with pytest.raises(ValueError):
        db.query("UPDATE ward SET name = name WHERE 0")
    other.close()
    db.close()


def test_an_index_or_trigger_left_out_for_a_bulk_write_comes_back_as_it_was(
    tmp_path: Path,
) -> None:
    """``left_out`` drops a schema object inside the write transaction and gives back
    what creates it again, from its own text; another connection never sees it missing,
    and a transaction undone brings it back by itself."""
    path = tmp_path / "cqn.db"
    db = open_db(path, create=True)
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    before = db.execute(schema).fetchall()
    with pytest.raises(RuntimeError):
        left_out(db, "index", "attendance_person")  # outside a write transaction
    other = sqlite3.connect(path)
    begin(db)
    put_index_back = left_out(db, "index", "attendance_person")
    put_trigger_back = left_out(db, "trigger", "audit_attendance_insert")
    assert put_index_back is not None and put_trigger_back is not None
    names = {name for _, name, _ in db.execute(schema)}
    assert "attendance_person" not in names and "audit_attendance_insert" not in names
    assert other.execute(schema).fetchall() == before  # the last commit, whole
    put_trigger_back()
    put_index_back()
    put_index_back()  # there already: nothing to do
    commit(db)
    assert db.execute(schema).fetchall() == before
    begin(db)
    assert left_out(db, "index", "no_such_index") is None  # nothing to leave out
    left_out(db, "index", "attendance_person")
    rollback(db)
    assert db.execute(schema).fetchall() == before == other.execute(schema).fetchall()
    other.close()
    db.close()


def test_indexes_built_later_are_built_at_once_past_the_sort_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``LaterIndexes``: left out once an import has written as many rows as were held
    (and ``INDEX_LATER``, unless the table was empty); built there and then when the
    table reaches ``sort_limit`` rows, and never left out again; built by ``finish``
    otherwise."""
    from cqn_cli.ingest import rows

    monkeypatch.setattr(rows, "INDEX_LATER", 2)
    db = open_db(tmp_path / "cqn.db", create=True)

    def there(name: str = "attendance_person") -> bool:
        sql = "SELECT 1 FROM sqlite_master WHERE name = ?"
        return db.execute(sql, [name]).fetchone() is not None

    begin(db)
    db.execute("CREATE TABLE held (x)")
    db.execute("CREATE INDEX held_x ON held (x)")
    db.execute("INSERT INTO held VALUES (1)")  # one row there before the import
    written = rows.LaterIndexes(db, "held", ["held_x"])
    written.written = 1
    db.execute("INSERT INTO held VALUES (2)")
    written.before_writing()
    assert there("held_x")  # fewer rows than INDEX_LATER
    written.written = 2
    written.before_writing()
    assert not there("held_x")
    written.finish()
    assert there("held_x")
    rollback(db)
    begin(db)
    later = rows.LaterIndexes(db, "attendance", ["attendance_person"], sort_limit=5)
    later.written = 1
    later.before_writing()
    assert not there()  # an empty table: left out from the first batch
    later.written = 5
    later.before_writing()
    assert there()  # built at the limit
    later.written = 6
    later.before_writing()
    later.finish()
    assert there()
    rollback(db)
    begin(db)
    unlimited = rows.LaterIndexes(db, "attendance", ["attendance_person"])
    unlimited.written = 10**9
    unlimited.before_writing()
    assert not there()
    unlimited.finish()
    assert there()
    rollback(db)
    db.close()


def test_indexes_built_later_are_sorted_in_files_not_in_memory(tmp_path: Path) -> None:
    """The sort that builds an index left out goes on in temporary files (SQLite's own,
    gone from the directory as soon as opened), not in memory where the temporary store
    is otherwise kept: a city's marks took 92 MB more at their peak. After it, and if
    it fails, the temporary store is in memory again."""
    from cqn_cli.ingest import rows

    db = open_db(tmp_path / "cqn.db", create=True)
    said: list[str] = []
    begin(db)
    later = rows.LaterIndexes(db, "attendance", ["attendance_person"])
    later.before_writing()  # an empty table: left out
    db.conn.set_trace_callback(said.append)
    later.finish()
    db.conn.set_trace_callback(None)
    made = [n for n, sql in enumerate(said) if sql.startswith("CREATE INDEX attendance_person")]
    files, memory = said.index("PRAGMA temp_store = FILE"), said.index("PRAGMA temp_store = MEMORY")
    assert len(made) == 1 and files < made[0] < memory
    assert db.execute("PRAGMA temp_store").fetchone()[0] == 2  # memory
    rollback(db)
    begin(db)
    broken = rows.LaterIndexes(db, "attendance", ["attendance_person"])
    broken.before_writing()
    db.execute("CREATE INDEX attendance_person ON attendance (status)")  # in its way
    broken._put_back = [lambda: db.execute("CREATE INDEX attendance_person ON attendance (x)")]
    with pytest.raises(sqlite3.OperationalError):
        broken.finish()
    assert db.execute("PRAGMA temp_store").fetchone()[0] == 2
    rollback(db)
    db.close()


def test_foreign_keys_come_back_on_when_a_transaction_cannot_begin(tmp_path: Path) -> None:
    """``begin(foreign_keys=False)`` switches them off for its transaction only: if that
    transaction never begins (Ctrl-C while waiting for the lock, a file that is no
    database), they are on again for whatever the connection does next."""
    from cqn_cli.store.db import Database

    db = open_db(tmp_path / "cqn.db", create=True)

    class Interrupted:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self._conn = conn

        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
            if sql == "BEGIN IMMEDIATE":
                raise KeyboardInterrupt
            return self._conn.execute(sql, *args)

        def __getattr__(self, name: str) -> object:
            return getattr(self._conn, name)

    with pytest.raises(KeyboardInterrupt):
        begin(Database(Interrupted(db.conn)), foreign_keys=False)  # type: ignore[arg-type]
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert not db.conn.in_transaction
    db.close()
