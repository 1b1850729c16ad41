"""The one place that opens the database: path, file mode, pragmas, migrations."""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from cqn_cli.errors import DatabaseError

DEFAULT_BUSY_TIMEOUT_S = 15.0


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


def _create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # whatever the umask said


def open_db(path: Path, *, create: bool = False) -> Database:
    """Open (and with ``create`` make) the database, migrated to the current schema.

    SQLite creates the ``-wal`` and ``-shm`` files with the main file's mode, so
    they are private too.
    """
    from cqn_cli.store.migrations import migrations

    if not path.exists():
        if not create:
            raise DatabaseError("db.missing", path=str(path))
        try:
            _create_private_file(path)
        except FileExistsError:
            pass
        except OSError as exc:
            raise DatabaseError("db.cannot_create", path=str(path), reason=exc.strerror) from None
    if create:
        with contextlib.suppress(OSError):  # init makes an existing file private too
            os.chmod(path, 0o600)
    timeout = busy_timeout()
    try:
        conn = sqlite3.connect(str(path), timeout=timeout)
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        ours = (
            Migrations.migrations_table in tables
            and conn.execute(
                f"SELECT 1 FROM {Migrations.migrations_table} WHERE migration_set = ?",
                [migrations.name],
            ).fetchone()
        )
        if not ours and (tables or not create):
            # Not ours (or not made yet): never write cqn's tables into another database.
            conn.close()
            key = "db.not_cqn_other" if tables else "db.not_cqn"
            raise DatabaseError(key, path=str(path))
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = Database(conn, execute_plugins=False)
        _migrate(db, migrations)
    except sqlite3.DatabaseError as exc:
        error = classify(exc, path)
        if error is None:
            raise
        raise error from None
    return db


def _migrate(db: Database, migrations: Migrations) -> None:
    known = {m.name for m in migrations._migrations}
    applied = {m.name for m in migrations.applied(db)}
    if applied - known:
        raise DatabaseError("db.newer_schema", names=", ".join(sorted(applied - known)))
    if not migrations.pending(db):
        return
    # One process migrates; another arriving at the same time waits, then finds nothing to do.
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


@contextlib.contextmanager
def write(db: Database) -> Iterator[Database]:
    """A write transaction that takes the write lock first (BEGIN IMMEDIATE).

    Taking it up front lets SQLite wait out another writer for the busy
    timeout; a read transaction that later tries to write would fail at once.
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


def schema_version(db: Database) -> list[str]:
    from cqn_cli.store.migrations import migrations

    return [m.name for m in migrations.applied(db)]


def classify(exc: sqlite3.DatabaseError, path: Path | None = None) -> DatabaseError | None:
    """Turn SQLite's errors about the file itself into our exit-3 error; None for the rest."""
    text = str(exc).lower()
    where = str(path) if path else ""
    if "locked" in text or "busy" in text:
        return DatabaseError("db.locked", path=where, seconds=busy_timeout())
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseError("db.corrupt", path=where)
    if any(w in text for w in ("readonly", "unable to open", "disk i/o", "disk is full")):
        return DatabaseError("db.cannot_open", path=where, reason=str(exc))
    return None
