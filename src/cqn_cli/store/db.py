"""The one place that opens the database: path, file mode, pragmas, migrations."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import math
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from cqn_cli.errors import DatabaseError, UsageError
from cqn_cli.i18n import os_reason

DEFAULT_BUSY_TIMEOUT_S = 15.0


# Page cache, in KiB (negative, as SQLite takes it): a report re-reads the same pages from
# statement to statement; 64 MiB holds what the figures read of a city-sized database.
READ_CACHE = -65536
# An import's: it adds to most of its indexes in order (ids) or builds them at its end
# (``ingest.rows.LaterIndexes``), and what it looks up is near what it just wrote. A
# small cache costs a 100,000-row roster import some 5 % of its time (a million-row one
# 12 %) and keeps its memory flat: a million rows peak within 1.5× of 10,000 (bench/).
IMPORT_CACHE = -4096
# Bytes of the database file SQLite reads through a memory map rather than by copying
# each page in (the most: SQLite caps it as it was built). A report over a city-sized
# database reads some hundred MB of pages it does not hold yet: 1.6 s where 1.8 s (the
# median of ten in turn), its system time halved. Not while importing
# (``pages_for_import``): the pages an import reads would count as its memory (a
# million people's file is some 600 MB).
READ_MMAP = 1 << 30


def pages_for_import(db: Database) -> None:
    """An import's page cache and no memory map (see above), until ``pages_for_reading``."""
    db.conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE}")
    db.conn.execute("PRAGMA mmap_size = 0")


def pages_for_reading(db: Database) -> None:
    """Every connection's page cache and memory map (see above)."""
    db.conn.execute(f"PRAGMA cache_size = {READ_CACHE}")
    db.conn.execute(f"PRAGMA mmap_size = {READ_MMAP}")


class Database:
    """An open database: its ``sqlite3`` connection, with ``execute`` and ``query`` as
    sqlite-utils' ``Database`` has them: a write statement run outside a transaction is
    committed at once (or rolled back when it fails), and ``query`` gives each row as a
    dict. sqlite-utils itself is imported only to migrate (``_migrate``): some 30 ms,
    a quarter of Typer's own start-up, that a command which reads need not pay."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
    ) -> sqlite3.Cursor:
        conn = self.conn
        open_already = conn.in_transaction
        if open_already:
            return conn.execute(sql, parameters)
        try:
            cursor = conn.execute(sql, parameters)  # a write begins a transaction (sqlite3)
        except Exception:
            if conn.in_transaction:
                conn.rollback()
            raise
        if conn.in_transaction and cursor.description is None and not _controls(sql):
            conn.commit()
        return cursor

    def query(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
    ) -> Iterator[dict[str, Any]]:
        cursor = self.execute(sql, parameters)
        if cursor.description is None:
            raise ValueError("query() is for statements that return rows: use execute()")
        keys = _distinct([d[0] for d in cursor.description])
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    def close(self) -> None:
        self.conn.close()


def _distinct(keys: list[str]) -> list[str]:
    """Column names made distinct as sqlite-utils makes them: a later ``name`` becomes
    ``name_2`` (``name_3``…), skipping a name another column has."""
    taken = set(keys)
    if len(taken) == len(keys):
        return keys
    out: list[str] = []
    for key in keys:
        name = key
        n = 2
        while name in out:
            while f"{key}_{n}" in taken:
                n += 1
            name = f"{key}_{n}"
            taken.add(name)
        out.append(name)
    return out


def _controls(sql: str) -> bool:
    """Whether ``sql`` is a statement of transaction control (``BEGIN``, ``SAVEPOINT``…),
    as cqn writes them: the keyword first."""
    words = sql.split(None, 1)
    return bool(words) and words[0].upper().rstrip(";") in _CONTROL


_CONTROL = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})


def default_path() -> Path:
    """``$CQN_DB``, else the user data directory (XDG on Linux, %LOCALAPPDATA% on Windows)."""
    env = os.environ.get("CQN_DB")
    if env:
        return Path(env)
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "cqn" / "cqn.db"


def busy_timeout() -> float:
    raw = os.environ.get("CQN_BUSY_TIMEOUT")
    try:
        value = float(raw) if raw else DEFAULT_BUSY_TIMEOUT_S
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT_S
    return value if math.isfinite(value) and 0 <= value <= 3600 else DEFAULT_BUSY_TIMEOUT_S


def _create_private_file(path: Path, make_folder: bool) -> None:
    """Create an empty database file readable by its owner only (mode 0600); its folder
    too, if ``make_folder`` (the default place, under the user's data folder): a folder
    named by hand that does not exist is a typing mistake, not one to make."""
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    elif not path.parent.is_dir():
        raise UsageError("db.no_folder", path=str(path.parent))
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # whatever the umask said


def open_db(
    path: Path,
    *,
    create: bool = False,
    migrate: bool = True,
    handed_over: bool = False,
    make_folder: bool = False,
) -> Database:
    """Open (and with ``create`` make) the database, migrated to the current schema.
    ``handed_over``: the connection may be used by another thread than this one (one at a
    time: see ``in_parallel``).

    SQLite creates the ``-wal`` and ``-shm`` files with the main file's mode, so
    they are private too.
    """
    from cqn_cli.store import migrations

    if not path.exists():
        if not create:
            folder = path.absolute().parent
            if not folder.is_dir():  # a mistyped --db: ``cqn init`` would not make it either
                raise DatabaseError("db.missing_folder", path=str(path), folder=str(folder))
            raise DatabaseError("db.missing", path=str(path))
        try:
            _create_private_file(path, make_folder)
        except FileExistsError:
            pass
        except OSError as exc:
            raise DatabaseError("db.cannot_create", path=str(path), reason=os_reason(exc)) from None
    if create:
        with contextlib.suppress(OSError):  # init makes an existing file private too
            os.chmod(path, 0o600)
    timeout = busy_timeout()
    try:
        conn = sqlite3.connect(str(path), timeout=timeout, check_same_thread=not handed_over)
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        applied = applied_names(conn) if migrations.TABLE in tables else []
        if not applied and (tables or not create):
            # Not ours (or not made yet): never write cqn's tables into another database.
            conn.close()
            key = "db.not_cqn_other" if tables else "db.not_cqn"
            raise DatabaseError(key, path=str(path))
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")  # statement journals (triggers) in memory
        conn.execute("PRAGMA foreign_keys = ON")
        # As sqlite-utils has it, and the triggers were written for: a trigger's own
        # writes fire triggers too (the roster digest cleared by any other change).
        conn.execute("PRAGMA recursive_triggers = ON")
        db = Database(conn)
        pages_for_reading(db)
        _refuse_newer(applied)
        if migrate and _pending(applied):
            _migrate(db)
    except sqlite3.DatabaseError as exc:
        error = classify(exc, path)
        if error is None:
            raise
        raise error from None
    return db


def _refuse_newer(applied: list[str]) -> None:
    from cqn_cli.store import migrations

    newer = set(applied) - set(migrations.names())
    if newer:
        raise DatabaseError("db.newer_schema", names=", ".join(sorted(newer)))


def apply_migrations(db: Database) -> None:
    """``cqn db migrate``: what opening does unless asked not to."""
    try:
        _migrate(db)
    except sqlite3.DatabaseError as exc:
        error = classify(exc, db_file(db))
        if error is None:
            raise
        raise error from None


@contextlib.contextmanager
def reading(db: Database) -> Iterator[None]:
    """Several reads as one view of the database: a report built while another process
    imports sees the database as it was before that import or after it, never between.
    Inside a transaction already, that transaction is the view."""
    if db.conn.in_transaction:
        yield
        return
    db.conn.execute("BEGIN")
    try:
        yield
    finally:
        db.conn.rollback()


def left_out(db: Database, kind: str, name: str) -> Callable[[], None] | None:
    """Inside the caller's write transaction: the index or trigger ``name`` dropped for a
    bulk write; returns what creates it again exactly as it was (a no-op if it is there),
    or None if there was none to leave out.

    A trigger whose WHEN is false for every row of the write costs a third of its time
    to weigh row by row; an index built once over a table is several times cheaper than
    one grown by a million random inserts. No other connection sees the object missing:
    they read the last commit, and the write lock is this one's. If the transaction is
    undone (a refused file, a full disk), the object is back with it."""
    conn = db.conn
    if not conn.in_transaction:
        raise RuntimeError("left_out() outside a write transaction")
    found = "SELECT sql FROM sqlite_master WHERE type = ? AND name = ?"
    row = conn.execute(found, [kind, name]).fetchone()
    if row is None:
        return None
    conn.execute(f'DROP {"INDEX" if kind == "index" else "TRIGGER"} "{name}"')

    def put_back() -> None:
        if conn.in_transaction and conn.execute(found, [kind, name]).fetchone() is None:
            conn.execute(row[0])

    return put_back


@contextlib.contextmanager
def sorted_on_disk(db: Database) -> Iterator[None]:
    """Inside the ``with`` block, a sort too big for the page cache (an index built
    over a whole table) goes on in files of its own, not all in memory as the temporary
    store is kept (for the statement journals of triggers): building the index of two
    million marks by person took 92 MB more at its peak. SQLite removes each such file
    from the directory as it opens it: nothing of it is left behind, or seen meanwhile."""
    conn = db.conn
    conn.execute("PRAGMA temp_store = FILE")
    try:
        yield
    finally:
        conn.execute("PRAGMA temp_store = MEMORY")


@contextlib.contextmanager
def trigger_left_out(db: Database, name: str) -> Iterator[bool]:
    """``left_out`` for the statements of a ``with`` block: the trigger ``name`` is back
    after it, however it ends; gives whether there was one to leave out (a trigger
    dropped by hand is not stood in for)."""
    put_back = left_out(db, "trigger", name)
    try:
        yield put_back is not None
    finally:
        if put_back is not None:
            put_back()


def check_constraints(db: Database, table: str) -> list[str]:
    """The CHECK constraints of ``table``, its columns' and its own, each expression as
    its schema writes it (the columns added later included)."""
    row = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
    ).fetchone()
    if row is None:
        raise LookupError(f"no table {table!r}")
    return checks_in(row[0])


_SPACE = " \t\n\f\r"  # what SQLite's tokenizer takes for whitespace, and nothing else


def _word_char(ch: str) -> bool:
    """A character SQLite's tokenizer reads as part of a word (an identifier)."""
    return ch.isalnum() or ch in "_$" or ord(ch) > 127


def _skipped(sql: str, i: int) -> int:
    """From ``i``: past a quoted name or string, or a comment, if one starts there."""
    ch = sql[i]
    if ch in "'\"`[":
        close = "]" if ch == "[" else ch
        i = sql.find(close, i + 1)
        while close != "]" and i != -1 and sql.startswith(close * 2, i):
            i = sql.find(close, i + 2)  # a quote doubled inside the quotes
        return len(sql) if i == -1 else i + 1
    if sql.startswith("--", i) or sql.startswith("/*", i):
        end = sql.find("\n" if ch == "-" else "*/", i + 2)
        return len(sql) if end == -1 else end + (1 if ch == "-" else 2)
    return i


def checks_in(sql: str) -> list[str]:
    """The expressions of the CHECK constraints of one ``CREATE TABLE`` statement, as
    written between their parentheses (comments included, a comment to the end of
    its line with the line's end, as SQL must go on after it): the word CHECK where
    SQLite reads it (outside quotes and comments, not within a longer word), then,
    past whitespace and comments, what its parentheses hold."""
    found: list[str] = []
    i, n = 0, len(sql)
    depth, start = 0, -1  # inside a CHECK: how deep in its parentheses, from where
    while i < n:
        after = _skipped(sql, i)
        if after != i:
            i = after
            continue
        ch = sql[i]
        if depth:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if not depth:
                found.append(sql[start:i])
        elif (
            sql[i : i + 5].upper() == "CHECK"
            and not (i and _word_char(sql[i - 1]))
            and not (i + 5 < n and _word_char(sql[i + 5]))
        ):
            j = i + 5
            while j < n and (sql[j] in _SPACE or sql.startswith(("--", "/*"), j)):
                j = j + 1 if sql[j] in _SPACE else _skipped(sql, j)
            if j < n and sql[j] == "(":
                depth, start, i = 1, j + 1, j
        i += 1
    return found


@contextlib.contextmanager
def checks_left_out(db: Database) -> Iterator[None]:
    """For a bulk write, inside the caller's transaction, of rows the caller made from
    values it checked itself: the rows written in the ``with`` block are not weighed
    against their tables' CHECK constraints one by one (a sixth of SQLite's work on a
    person's row). The caller looks at them all at once when they are in
    (``first_broken``)."""
    conn = db.conn
    if not conn.in_transaction:
        raise RuntimeError("checks_left_out() outside a write transaction")
    conn.execute("PRAGMA ignore_check_constraints = 1")
    try:
        yield
    finally:
        conn.execute("PRAGMA ignore_check_constraints = 0")


def first_broken(db: Database, table: str, where: str = "1") -> int | None:
    """The first row of ``table`` (its rowid) that breaks one of the table's CHECK
    constraints, among those ``where`` names; None if none does."""
    broken = " OR ".join(f"NOT ({c})" for c in check_constraints(db, table))
    if not broken:
        return None
    sql = f'SELECT rowid FROM "{table}" WHERE ({where}) AND ({broken}) ORDER BY rowid LIMIT 1'
    row = db.execute(sql).fetchone()
    return None if row is None else int(row[0])


A = TypeVar("A")
B = TypeVar("B")


def in_parallel(
    db: Database,
    first: Callable[[Database], A],
    second: Callable[[Database], B],
    *,
    side_by_side: bool = True,
) -> tuple[A, B]:
    """``first(db)`` and ``second(…)`` as one view of the database (as ``reading``): on
    two connections, each in a thread of its own (SQLite runs them on both cores; a
    report's two periods take half the time), when a second connection can be given the
    very view of the first (``_second_view``); else, or without ``side_by_side``, one
    after the other on ``db``."""
    other = _second_view(db) if side_by_side else None
    if other is None:
        with reading(db):
            return first(db), second(db)
    done: list[B] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            done.append(second(other))
        except BaseException as exc:  # said by the thread that waits for it
            failed.append(exc)

    worker = threading.Thread(target=contextvars.copy_context().run, args=(run,), daemon=True)
    try:
        worker.start()
        result = first(db)
        worker.join()
    finally:
        if worker.is_alive():  # interrupted or failed: do not leave the other query running
            other.conn.interrupt()
            worker.join()
        db.conn.rollback()
        other.close()
    if failed:
        raise failed[0]
    return result, done[0]


def _second_view(db: Database) -> Database | None:
    """A second connection to ``db``'s file with the very view of the database that
    ``db`` now begins to read (both read transactions are begun while no writer can
    commit: a third connection holds the write lock meanwhile, for a moment); None when
    that cannot be had at once (a writer is at work, a database in memory, ``db`` already
    in a transaction, a platform without threads for SQLite). ``db`` must have no query
    still being read: an unfinished statement holds the view it began with."""
    path = db_file(db)
    if path is None or db.conn.in_transaction or not sqlite3.threadsafety:
        return None
    try:
        other = open_db(path, migrate=False, handed_over=True)
    except (DatabaseError, sqlite3.Error):
        return None
    try:
        lock = sqlite3.connect(str(path), timeout=0, isolation_level=None)
    except sqlite3.Error:
        other.close()
        return None
    try:
        lock.execute("BEGIN IMMEDIATE")  # refused at once while a writer holds it
    except sqlite3.Error:
        lock.close()
        other.close()
        return None
    try:
        for conn in (db.conn, other.conn):
            conn.execute("BEGIN")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the view is taken
    except BaseException:
        db.conn.rollback()
        other.close()
        raise
    finally:
        lock.rollback()
        lock.close()
    return other


def pending(db: Database) -> list[str]:
    """The migrations not yet applied to ``db``, in order."""
    return _pending(schema_version(db))


def _pending(applied: list[str]) -> list[str]:
    from cqn_cli.store import migrations

    done = set(applied)
    return [name for name in migrations.names() if name not in done]


def _migrate(db: Database) -> None:
    if not pending(db):
        return
    import sqlite_utils

    from cqn_cli.store.migrations import migration_set

    # One process migrates; another arriving at the same time waits, then finds nothing to do.
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        migration_set().apply(sqlite_utils.Database(db.conn, execute_plugins=False))
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


# Which command the audit attributes changes to; the CLI sets it (``cqn import roster``…).
_command = "cqn"


def set_command(command: str) -> None:
    global _command  # noqa: PLW0603 - one command per process
    _command = command


def db_file(db: Database) -> Path | None:
    """The main file of an open database (None in memory)."""
    row = db.conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None


def holder_note(path: Path) -> Path:
    """The note a writer leaves beside the database while it holds the write lock."""
    return path.with_name(path.name + "-holder")


def _leave_note(db: Database, detail: str) -> None:
    path = db_file(db)
    if path is None:
        return
    note = {
        "pid": os.getpid(),
        "command": detail,
        "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    final = holder_note(path)
    draft = final.with_name(f"{final.name}.{os.getpid()}")
    # Written aside, then renamed over: a waiting writer reads a whole note or none,
    # never one still empty (stopped, or slow, between creating and writing it).
    try:
        fd = os.open(draft, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(note, out)
        os.replace(draft, final)
    except OSError:  # the note helps a waiting user; it is not the lock
        with contextlib.suppress(OSError):  # a draft left behind, if any
            draft.unlink()


def _remove_note(db: Database) -> None:
    """Remove our note (only ours: the next writer may already have left its own)."""
    path = db_file(db)
    if path is None:
        return
    note = holder_note(path)
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        if int(json.loads(note.read_text(encoding="utf-8"))["pid"]) == os.getpid():
            note.unlink()


def who_holds(path: Path) -> dict[str, Any] | None:
    """The cqn command holding the write lock on ``path``, if its note is fresh."""
    try:
        note = json.loads(holder_note(path).read_text(encoding="utf-8"))
        pid = int(note["pid"])
        if pid != os.getpid():
            os.kill(pid, 0)  # raises if that process is gone: a stale note
        return {"pid": pid, "command": str(note["command"]), "since": str(note["since"])}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def locked_error(path: Path | None) -> DatabaseError:
    """Exit 3 for a database held past the busy timeout, naming the holder when known."""
    where = str(path) if path else ""
    holder = who_holds(path) if path else None
    seconds = f"{busy_timeout():g}"
    if holder is not None:
        return DatabaseError("db.locked_by", path=where, seconds=seconds, **holder)
    return DatabaseError("db.locked", path=where, seconds=seconds)


def begin(db: Database, detail: str | None = None, *, foreign_keys: bool = True) -> None:
    """Take the write lock (waiting up to the busy timeout) and open an audit session.

    Taking it up front lets SQLite wait out another writer; a read transaction
    that later tried to write would fail at once. ``foreign_keys=False``: the caller
    checks every reference it writes itself (SQLite switches them only between
    transactions; ``commit`` and ``rollback`` switch them on again).
    """
    if not foreign_keys:
        db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except BaseException as exc:  # Ctrl-C while waiting, a file that is no database…
        _foreign_keys_on(db)
        text = str(exc).lower()
        if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
            raise locked_error(db_file(db)) from None
        raise
    command = f"{_command} {detail}" if detail else _command
    try:
        _leave_note(db, command)
        open_audit_session(db.conn, command)
    except BaseException:
        rollback(db)
        raise


def open_audit_session(conn: sqlite3.Connection, command: str) -> None:
    """Inside a write transaction: the changes from now on are ``command``'s in the audit
    trail. A session still open can only be a leftover of another program's hand edit
    (the write lock is ours): it is closed rather than refuse every write from now on."""
    conn.execute("UPDATE audit_session SET open = 0 WHERE open = 1")
    conn.execute(
        "INSERT INTO audit_session (command, started_at, open, audit_mark, meeting_mark)"
        " VALUES (?, ?, 1, (SELECT coalesce(max(id), 0) FROM audit),"
        " (SELECT coalesce(max(id), 0) FROM meeting))",
        [command, dt.datetime.now().astimezone().isoformat(timespec="seconds")],
    )


def commit(db: Database) -> None:
    """Close the audit session (dropped if nothing changed) and commit."""
    conn = db.conn
    conn.execute(
        "DELETE FROM audit_session WHERE open = 1 AND NOT EXISTS"
        " (SELECT 1 FROM audit WHERE id > audit_session.audit_mark)"
    )
    conn.execute("UPDATE audit_session SET open = 0 WHERE open = 1")
    conn.commit()
    _foreign_keys_on(db)
    _remove_note(db)


def _foreign_keys_on(db: Database) -> None:
    """As every connection has them (``open_db``), whatever ``begin`` was asked."""
    with contextlib.suppress(sqlite3.Error):  # a connection gone needs no pragma
        db.conn.execute("PRAGMA foreign_keys = ON")


def optimize(db: Database, tables: Sequence[str]) -> None:
    """After a big write: refresh the statistics SQLite's query planner uses, of
    ``tables`` (those written), of the audit trail (every write adds to it) and of any
    table that has none yet; of every table if none has any (the whole database: a
    third of a second on 2 million marks; sampling them instead gives worse plans)."""
    with contextlib.suppress(sqlite3.Error):  # a busy reader is no reason to fail an import
        stats = "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
        if db.execute(stats).fetchone() is None:
            db.execute("ANALYZE")
            return
        unweighed = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
            " AND name NOT IN (SELECT tbl FROM sqlite_stat1)"
        ).fetchall()
        for table in dict.fromkeys([*tables, "audit", *(name for (name,) in unweighed)]):
            db.execute(f'ANALYZE "{table}"')


def rollback(db: Database) -> None:
    try:
        db.conn.rollback()
    finally:
        _foreign_keys_on(db)
        _remove_note(db)


@contextlib.contextmanager
def write(db: Database, detail: str | None = None) -> Iterator[Database]:
    """One write transaction: all of it or none of it, audited as one session."""
    begin(db, detail)
    try:
        yield db
    except BaseException:
        rollback(db)
        raise
    commit(db)


def schema_version(db: Database) -> list[str]:
    """The migrations applied to ``db``, in the order they were (as sqlite-utils records
    them)."""
    from cqn_cli.store import migrations

    table = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [migrations.TABLE]
    ).fetchone()
    return [] if table is None else applied_names(db.conn)


def applied_names(conn: sqlite3.Connection) -> list[str]:
    """The migrations recorded in the cqn database of ``conn``, in the order they were
    applied; an error from SQLite where there is no record of migrations at all."""
    from cqn_cli.store import migrations

    sql = f"SELECT name FROM {migrations.TABLE} WHERE migration_set = ? ORDER BY rowid"
    return [name for (name,) in conn.execute(sql, [migrations.SET])]


def classify(exc: sqlite3.DatabaseError, path: Path | None = None) -> DatabaseError | None:
    """Turn SQLite's errors about the file itself into our exit-3 error; None for the rest."""
    text = str(exc).lower()
    where = str(path) if path else ""
    if "locked" in text or "busy" in text:
        return locked_error(path)
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseError("db.corrupt", path=where)
    if any(w in text for w in ("readonly", "unable to open", "disk i/o", "disk is full")):
        return DatabaseError("db.cannot_open", path=where, reason=str(exc))
    return None
