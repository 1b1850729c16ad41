"""``cqn db backup | check | migrate``: keeping the one file healthy."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cqn_cli.errors import DatabaseError, UsageError
from cqn_cli.i18n import os_reason
from cqn_cli.store.db import Database, applied_names, pending, schema_version

# Relations checked row by row even where a foreign key declares them: a file
# edited by another program with foreign keys off breaks them silently.
_ORPHANS: tuple[tuple[str, str], ...] = (
    ("person.ward", "SELECT id FROM person WHERE ward_id NOT IN (SELECT id FROM ward)"),
    (
        "ward.successor",
        "SELECT id FROM ward WHERE successor_id IS NOT NULL"
        " AND successor_id NOT IN (SELECT id FROM ward)",
    ),
    ("ward_alias.ward", "SELECT alias FROM ward_alias WHERE ward_id NOT IN (SELECT id FROM ward)"),
    (
        "ward_dated_code.ward",
        "SELECT code FROM ward_dated_code WHERE ward_id NOT IN (SELECT id FROM ward)",
    ),
    ("groups.ward", "SELECT code FROM groups WHERE ward_id NOT IN (SELECT id FROM ward)"),
    (
        "membership.person",
        "SELECT id FROM membership WHERE person_id NOT IN (SELECT id FROM person)",
    ),
    ("membership.group", "SELECT id FROM membership WHERE group_id NOT IN (SELECT id FROM groups)"),
    ("meeting.group", "SELECT code FROM meeting WHERE group_id NOT IN (SELECT id FROM groups)"),
    (
        "attendance.meeting",
        "SELECT meeting_id || '/' || person_id FROM attendance"
        " WHERE meeting_id NOT IN (SELECT id FROM meeting)",
    ),
    (
        "attendance.person",
        "SELECT meeting_id || '/' || person_id FROM attendance"
        " WHERE person_id NOT IN (SELECT id FROM person)",
    ),
    ("visit.person", "SELECT id FROM visit WHERE person_id NOT IN (SELECT id FROM person)"),
    (
        "visit.group",
        "SELECT id FROM visit WHERE group_id IS NOT NULL"
        " AND group_id NOT IN (SELECT id FROM groups)",
    ),
    (
        "audit.session",
        "SELECT id FROM audit WHERE session_id IS NOT NULL"
        " AND session_id NOT IN (SELECT id FROM audit_session)",
    ),
    ("audit_session.open", "SELECT id FROM audit_session WHERE open = 1"),
    (
        "person.forgotten",  # erased, yet holding personal data again
        "SELECT id FROM person WHERE forgotten_on IS NOT NULL AND (full_name != ''"
        " OR national_id IS NOT NULL OR phone IS NOT NULL OR address IS NOT NULL"
        " OR birth_date IS NOT NULL)",
    ),
)


def _not_a_day(column: str) -> str:
    """``column`` holds something else than a day of the calendar (yyyy-mm-dd)."""
    return f"{column} IS NOT NULL AND date({column}, '+0 days') IS NOT {column}"


def _not_a_partial_day(column: str) -> str:
    """``column`` holds something else than a year, a month or a day (1975, 1975-03…)."""
    year = "[0-9][0-9][0-9][0-9]"
    return (
        f"{column} IS NOT NULL AND NOT ({column} GLOB '{year}'"
        f" OR ({column} GLOB '{year}-[01][0-9]' AND substr({column}, 6) BETWEEN '01' AND '12')"
        f" OR date({column}, '+0 days') IS {column})"
    )


# Values as cqn writes them, checked because another program may have written others
# (a figure compares dates as text: 'garbage' in registered_on is "after" every day).
# Each names its rows by id, never by the value, which may be personal.
_VALUES: tuple[tuple[str, str], ...] = (
    *(
        (
            f"value.person.{c}",
            f"SELECT printf('CQN%06d', id) FROM person WHERE {_not_a_partial_day(c)}",
        )
        for c in ("birth_date", "enlisted_on", "discharged_on")
    ),
    *(
        (f"value.person.{c}", f"SELECT printf('CQN%06d', id) FROM person WHERE {_not_a_day(c)}")
        for c in ("registered_on", "status_since", "consent_on", "forgotten_on")
    ),
    # Looser than ``values.parse_cccd`` and ``parse_phone``: what none of cqn's parsers
    # could have written (a national id is 12 digits; a phone 10 or 11 from 0).
    (
        "value.person.national_id",
        "SELECT printf('CQN%06d', id) FROM person WHERE national_id IS NOT NULL"
        " AND (length(national_id) != 12 OR national_id GLOB '*[^0-9]*')",
    ),
    (
        "value.person.phone",
        "SELECT printf('CQN%06d', id) FROM person WHERE phone IS NOT NULL"
        " AND (length(phone) NOT IN (10, 11) OR phone GLOB '*[^0-9]*' OR phone NOT GLOB '0*')",
    ),
    # Notes that are the stars of a listing made without --reveal, imported back before
    # cqn refused them: the real notes were lost there (see the audit trail for them).
    (
        "value.person.notes",
        "SELECT printf('CQN%06d', id) FROM person WHERE length(notes) >= 3"
        " AND notes NOT GLOB '*[^*]*'",
    ),
    (
        "value.visit.notes",
        "SELECT id FROM visit WHERE length(notes) >= 3 AND notes NOT GLOB '*[^*]*'",
    ),
    *(
        (f"value.{table}.{c}", f"SELECT {key} FROM {table} WHERE {_not_a_day(c)}")
        for table, key, c in (
            ("groups", "code", "founded_on"),
            ("groups", "code", "dissolved_on"),
            ("membership", "id", "joined_on"),
            ("membership", "id", "left_on"),
            ("meeting", "code", "date"),
            ("visit", "id", "date"),
        )
    ),
)
_SHOWN = 5  # examples named per problem

# People an import cannot tell apart: one name (its key), ward and birth date, one of
# them without a national id, neither erased. A row without a CCCD that names them is
# refused as matching both; cqn never adds such a twin (the row is the person held), but
# another program can, and so could a cqn before 0014 under two spellings of one name
# (``Ð``/``Đ``), which that migration's keys make one.
_TWINS = (
    "SELECT group_concat(printf('CQN%06d', id), ' = ') FROM person"
    " WHERE forgotten_on IS NULL GROUP BY name_key, ward_id, birth_date"
    " HAVING count(*) > 1 AND count(*) > count(national_id)"
)


def twins(db: Database) -> list[str]:
    """The people (``_TWINS``) an import cannot tell apart, each set as its ids."""
    return [str(r[0]) for r in db.conn.execute(_TWINS)]


def stale_name_keys(db: Database) -> list[str]:
    """The people whose stored name keys are not those of their name (a name changed by
    another program, keys changed by a cqn that did not give them again): a search, an
    import or a person reference by name misses them."""
    from cqn_cli.text import match_and_fold

    held = db.conn.execute(
        "SELECT printf('CQN%06d', id), full_name, name_key, search_key FROM person"
        " WHERE forgotten_on IS NULL"
    )
    return [pk for pk, name, *keys in held if match_and_fold(name) != tuple(keys)]


@dataclass
class Problem:
    check: str
    count: int
    examples: list[str] = field(default_factory=list)


def check(db: Database) -> tuple[list[Problem], dict[str, Any]]:
    """Integrity, foreign keys, schema version and orphans; (problems, what was checked)."""
    from cqn_cli.store.migrations import names

    conn = db.conn
    problems: list[Problem] = []
    integrity = [" ".join(str(r[0]).split()) for r in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        # A damaged file: the other checks would only stumble on the same damage.
        problems.append(Problem("integrity", len(integrity), integrity[:_SHOWN]))
        return problems, {"schema": None, "checks": 1, "problems": len(problems)}
    fk: dict[str, list[str]] = {}
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        # A table without rowids (the marks) has no number to show: counted, not named.
        fk.setdefault(f"foreign_key.{table}->{parent}", []).append(
            "" if rowid is None else str(rowid)
        )
    problems += [
        Problem(name, len(rows), [r for r in rows if r][:_SHOWN])
        for name, rows in sorted(fk.items())
    ]
    applied = schema_version(db)
    expected = names()
    if applied != expected:
        # Not migrated yet (`cqn db migrate`): the orphan checks assume this version's tables.
        missing = [m for m in expected if m not in applied]
        problems.append(Problem("schema", len(missing), missing[:_SHOWN]))
        return problems, {"schema": applied[-1] if applied else None, "checks": 3,
                          "problems": len(problems)}  # fmt: skip
    found = [(name, [str(r[0]) for r in conn.execute(sql)]) for name, sql in (*_ORPHANS, *_VALUES)]
    found += [("keys.person.name", stale_name_keys(db)), ("person.twins", twins(db))]
    problems += [Problem(name, len(rows), rows[:_SHOWN]) for name, rows in found if rows]
    summary = {
        "schema": applied[-1] if applied else None,
        "checks": 3 + len(found),
        "problems": len(problems),
    }
    return problems, summary


def backup(db: Database, target: Path) -> dict[str, Any]:
    """Copy the database to ``target`` with SQLite's online backup, safe while others write.

    The copy is written beside the target (mode 0600), made a self-contained
    single file, checked (integrity, same schema, same row counts as the
    snapshot it copied), then renamed into place: a failed backup leaves any
    previous one untouched.
    """
    target = target.resolve()  # not the database itself: cli.common.output_file sees to it
    if not target.parent.is_dir() or target.is_dir():
        raise UsageError("db.backup_no_folder", path=str(target.parent))
    if target.exists() and not target.is_file():  # a device: the rename would replace it
        raise UsageError("db.backup_not_file", path=str(target))
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError("usage.cannot_write", path=str(target), reason=os_reason(exc)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o600)
    try:
        dest = sqlite3.connect(tmp_name)
        try:
            # One read transaction over the source: the copy and its counts are one snapshot.
            db.conn.execute("BEGIN")
            try:
                counts = _counts(db.conn)
                db.conn.backup(dest)
            finally:
                db.conn.rollback()
            dest.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            try:
                verified = _verify(dest, counts, schema_version(db))
            except DatabaseError:
                _refuse_damaged(db)  # the copy is as the database is: said of the database
                raise
        finally:
            dest.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError("usage.cannot_write", path=str(target), reason=os_reason(exc)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {"path": str(target), "bytes": target.stat().st_size, **verified}


def _refuse_damaged(db: Database) -> None:
    """A backup that did not verify because the database itself is damaged (SQLite's
    backup copies its pages as they are): said of the database, with what to do."""
    from cqn_cli.store.db import db_file

    try:
        found = [r[0] for r in db.conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        found = [str(exc)]
    if found != ["ok"]:
        reason = "; ".join(" ".join(str(i).split()) for i in found[:3])
        raise DatabaseError("db.backup_source_damaged", path=str(db_file(db) or ""), reason=reason)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}


def _verify(dest: sqlite3.Connection, counts: dict[str, int], schema: list[str]) -> dict[str, Any]:
    integrity = [r[0] for r in dest.execute("PRAGMA integrity_check")]
    copied = _counts(dest)
    applied = applied_names(dest)
    if integrity != ["ok"] or copied != counts or sorted(applied) != sorted(schema):
        reason = "; ".join(" ".join(str(i).split()) for i in integrity[:3])
        raise DatabaseError("db.backup_failed", reason=reason)
    return {"tables": len(copied), "rows": sum(copied.values()), "integrity": "ok"}


def migrate(path: Path) -> tuple[list[str], list[str], list[str]]:
    """Bring the database up to this version's schema; (applied now, all applied, and, if
    any was applied, the ``twins`` it holds: a migration that gives keys again may make
    two spellings of one person one)."""
    from cqn_cli.store.db import open_db

    db = open_db(path, migrate=False)
    try:
        before = pending(db)
        from cqn_cli.store.db import apply_migrations

        apply_migrations(db)
        return before, schema_version(db), twins(db) if before else []
    finally:
        with contextlib.suppress(sqlite3.Error):
            db.conn.close()
