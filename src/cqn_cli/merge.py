"""``cqn db merge FILE…``: the ward clerks' databases consolidated into the district one.

People are matched by ``so_cccd``, else by name + birth date + ward; groups and
meetings by code; memberships, marks and visits by what identifies them. A
value one side lacks is filled in (but see ``OPEN_FIELDS``); the same record
holding different values on the two sides is a conflict. Conflicts refuse the whole merge unless
``--prefer ours|theirs`` says which side wins. All files go in one
transaction: all of them or none.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cqn_cli.errors import CqnError, DatabaseError, UsageError
from cqn_cli.people import (
    PERSON_COLUMNS,
    compatible_dates,
    format_id,
    mask_value,
    name_keys,
    now_iso,
)
from cqn_cli.store.db import (
    Database,
    applied_names,
    classify,
    commit,
    db_file,
    rollback,
    schema_version,
)
from cqn_cli.store.db import begin as begin_write
from cqn_cli.text import match_key

# The columns compared for each kind of record (identity columns excluded).
PERSON_FIELDS = (
    *("ward_id" if c == "ward" else c for c in PERSON_COLUMNS),
    "consent",
    "consent_on",
    "consent_purpose",
)
GROUP_FIELDS = ("name", "kind", "ward_id", "founded_on", "dissolved_on")
# Where "none" is a value, not a gap: still open (a group not dissolved, a membership not
# ended, a person on the roster since ever). One side's date against the other's none is
# a conflict, not a gap to fill: filled in, it would change the figures without a word.
OPEN_FIELDS = frozenset({"dissolved_on", "left_on", "registered_on", "status_since"})
# Dates that may be a year or a month: one side's day within the other's year is the
# same date, more precisely said (as an import keeps the more precise).
PARTIAL_FIELDS = frozenset({"birth_date", "enlisted_on", "discharged_on"})
# Conflicts that no side can settle: refused whatever --prefer says.
FATAL = frozenset({"identity", "rule", "cccd", "ward", "ward_code", "ward_merge"})


@dataclass(frozen=True)
class Conflict:
    file: str
    entity: str
    key: str  # ours
    theirs_key: str
    field: str
    ours: Any
    theirs: Any

    def shown(self, value: Any) -> str:
        return "∅" if value is None else str(mask_value(self.field, value))


@dataclass
class Tally:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class MergeResult:
    files: list[str]
    counts: dict[str, Tally] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    prefer: str | None = None
    # Records erased in a ward's file that matched no record here (file, their id, ours):
    # nothing is left to tell whether the district holds that person from another file.
    erased_added: list[tuple[str, str, str]] = field(default_factory=list)
    # Groups and meetings of a file whose code names another one here (another ward's
    # club, another group's meeting: codes are each ward's own), kept apart under a code
    # of their own: (file, entity, their code, the code here).
    recoded: list[tuple[str, str, str, str]] = field(default_factory=list)


class MergeConflicts(CqnError):
    """Same records, different data, and no ``--prefer``: nothing was written."""

    exit_code = 1

    def __init__(self, conflicts: list[Conflict], *, fatal: bool = False) -> None:
        # Fatal: some no --prefer settles (said so, not offered the choice).
        super().__init__("merge.fatal" if fatal else "merge.conflicts", count=len(conflicts))
        self.conflicts = conflicts


def _open_theirs(path: Path, ours: list[str]) -> sqlite3.Connection:
    """Another cqn database, read only, of the same schema as ours."""
    if not path.exists():
        raise UsageError("merge.missing", path=str(path))
    if path.is_dir():  # SQLite would say "disk I/O error"
        raise UsageError("merge.folder", path=str(path))
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        names = applied_names(conn)
    except sqlite3.DatabaseError as exc:  # not SQLite, damaged, or another program's
        raise classify(exc, path) or DatabaseError("db.not_cqn_other", path=str(path)) from None
    if sorted(names) != sorted(ours):
        conn.close()
        newer = sorted(set(names) - set(ours))
        if newer:
            raise DatabaseError("db.newer_schema", names=", ".join(newer))
        raise DatabaseError("merge.older_schema", path=str(path))
    return conn


class _Merger:
    def __init__(self, db: Database, prefer: str | None, result: MergeResult) -> None:
        self.db = db
        self.prefer = prefer
        self.result = result
        self.now = now_iso()
        self._columns: dict[str, list[str]] = {}

    def tally(self, entity: str) -> Tally:
        return self.result.counts.setdefault(entity, Tally())

    def reconcile(
        self,
        file: str,
        entity: str,
        keys: tuple[str, str],
        ours: dict[str, Any],
        theirs: dict[str, Any],
        fields: Sequence[str],
    ) -> dict[str, Any]:
        """The values to write over ``ours``: gaps filled, conflicts settled or listed."""
        changes: dict[str, Any] = {}
        for name in fields:
            mine, other = ours[name], theirs[name]
            if mine == other or (other is None and name not in OPEN_FIELDS):
                continue
            if mine is None and name not in OPEN_FIELDS:
                changes[name] = other
                continue
            if name in PARTIAL_FIELDS and mine and other and other.startswith(mine):
                changes[name] = other  # 1952 here, 01/03/1952 there: the day, as filled in
                continue
            if name in PARTIAL_FIELDS and mine and other and mine.startswith(other):
                continue  # the more precise is ours already
            self.result.conflicts.append(Conflict(file, entity, *keys, name, mine, other))
            if self.prefer == "theirs":
                changes[name] = other
        tally = self.tally(entity)
        if changes:
            tally.updated += 1
        else:
            tally.unchanged += 1
        return changes

    def update(
        self, table: str, where: dict[str, Any], changes: dict[str, Any], file: str, key: str
    ) -> None:
        if not changes:
            return
        sets = ", ".join(f"{k} = :set_{k}" for k in changes)
        cond = " AND ".join(f"{k} = :where_{k}" for k in where)
        params = {f"set_{k}": v for k, v in changes.items()}
        params.update({f"where_{k}": v for k, v in where.items()})
        try:
            self.db.execute(f"UPDATE {table} SET {sets} WHERE {cond}", params)
        except sqlite3.IntegrityError as exc:  # e.g. dissolved before founded, once merged
            self.broken(file, table, key, exc)

    def insert(self, table: str, values: dict[str, Any], file: str, key: str) -> int:
        names = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        try:
            cursor = self.db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)
        except sqlite3.IntegrityError as exc:
            self.broken(file, table, key, exc)
            return 0
        self.tally(table if table != "groups" else "group").inserted += 1
        return int(cursor.lastrowid or 0)

    def broken(self, file: str, table: str, key: str, exc: sqlite3.IntegrityError) -> None:
        """A record the two sides would make break a rule: a conflict no side can settle."""
        entity = "group" if table == "groups" else table
        self.result.conflicts.append(Conflict(file, entity, key, key, "rule", None, str(exc)))

    # ---- each kind of record ---------------------------------------------------------

    def merge_file(self, file: str, theirs: sqlite3.Connection) -> None:
        self.wards(file, theirs)
        people = self.people(file, theirs)
        groups = self.groups(file, theirs)
        self.memberships(file, theirs, people, groups)
        meetings = self.meetings(file, theirs, groups)
        self.attendance(file, theirs, people, meetings)
        self.visits(file, theirs, people, groups)

    def wards(self, file: str, theirs: sqlite3.Connection) -> None:
        """Wards added by hand on either side; the official ones are the same everywhere.
        A ward both hold under one id is one ward only if its code, name and start agree
        (a hand-made id comes from the name: two wards of one name are not one); a
        ward merged on one side only (``ward merge``: its end and successor) is merged
        here too; merged into two different wards, or on two days, it is a conflict."""
        rows = theirs.execute("SELECT * FROM ward ORDER BY id").fetchall()
        successors = []
        for r in rows:
            ours = self.db.execute("SELECT * FROM ward WHERE id = ?", [r["id"]]).fetchone()
            if ours is None:
                # Another ward here bearing its code on a day it is in force is a clash: a
                # file naming the code would be read as neither.
                clash = self.db.execute(
                    "SELECT * FROM ward WHERE code = ? AND coalesce(valid_from, '') <= ?"
                    " AND coalesce(valid_to, '9999') >= ?",
                    [r["code"], r["valid_to"] or "9999", r["valid_from"] or ""],
                ).fetchone()
                if clash is not None:
                    said = (_ward_said(self._row("ward", clash)), _ward_said(r))
                    self.result.conflicts.append(
                        Conflict(file, "ward", *said, "ward_code", None, None)
                    )
                    continue
                names = ("id", "code", "name", "district", "province", "valid_from", "valid_to")
                self.db.execute(
                    f"INSERT INTO ward ({', '.join(names)}) VALUES ({', '.join('?' * 7)})",
                    [r[n] for n in names],
                )
                successors.append(r)
                continue
            mine = self._row("ward", ours)
            merged = (mine["successor_id"], mine["valid_to"])
            if any(mine[n] != r[n] for n in ("code", "name", "valid_from")):
                said = (_ward_said(mine), _ward_said(r))
                self.result.conflicts.append(Conflict(file, "ward", *said, "ward", None, None))
            elif merged == (None, None):
                successors.append(r)
            elif r["successor_id"] and (r["successor_id"], r["valid_to"]) != merged:
                into = self.db.execute(
                    "SELECT name FROM ward WHERE id = ?", [mine["successor_id"]]
                ).fetchone()
                other = {w["id"]: w["name"] for w in rows}.get(r["successor_id"])
                self.result.conflicts.append(
                    Conflict(file, "ward", mine["name"], r["name"], "ward_merge",
                             (into[0] if into else mine["successor_id"], mine["valid_to"]),
                             (other or r["successor_id"], r["valid_to"]))
                )  # fmt: skip
        for r in successors:  # once every ward they name is here
            if r["successor_id"]:
                self.db.execute(
                    "UPDATE ward SET successor_id = ?, valid_to = ? WHERE id = ?",
                    [r["successor_id"], r["valid_to"], r["id"]],
                )
        for r in theirs.execute("SELECT ward_id, alias FROM ward_alias"):
            self.db.execute(
                "INSERT OR IGNORE INTO ward_alias (ward_id, alias) VALUES (?, ?)", list(r)
            )

    def _match_person(self, r: sqlite3.Row) -> list[dict[str, Any]]:
        # The same record, however it changed since (erased, renamed, given a CCCD)…
        found = self.db.execute("SELECT * FROM person WHERE uid = ?", [r["uid"]]).fetchall()
        if found:
            return [self._row("person", f) for f in found]
        # …else the same person recorded on both sides.
        if r["national_id"]:
            found = self.db.execute(
                "SELECT * FROM person WHERE national_id = ?", [r["national_id"]]
            ).fetchall()
            if found:
                return [self._row("person", f) for f in found]
        if not r["name_key"]:  # erased: nothing left to recognise them by
            return []
        rows = self.db.execute(
            "SELECT * FROM person WHERE name_key = ? AND birth_date IS ? AND ward_id = ?"
            " AND (national_id IS NULL OR ? IS NULL)",
            [r["name_key"], r["birth_date"], r["ward_id"], r["national_id"]],
        ).fetchall()
        return [self._row("person", f) for f in rows]

    def _row(self, table: str, values: tuple[Any, ...]) -> dict[str, Any]:
        if table not in self._columns:
            info = self.db.execute(f"PRAGMA table_info({table})").fetchall()
            self._columns[table] = [d[1] for d in info]
        return dict(zip(self._columns[table], values, strict=True))

    def people(self, file: str, theirs: sqlite3.Connection) -> dict[int, int]:
        ids: dict[int, int] = {}
        for r in theirs.execute("SELECT * FROM person ORDER BY id"):
            theirs_row = dict(r)
            key = format_id(r["id"])
            matches = self._match_person(r)
            if len(matches) > 1:
                labels = ", ".join(format_id(m["id"]) for m in matches)
                self.result.conflicts.append(
                    Conflict(file, "person", labels, key, "identity", None, None)
                )
                continue
            if matches:
                ours = matches[0]
                if _another_person(ours, theirs_row):
                    self.result.conflicts.append(
                        Conflict(file, "person", format_id(ours["id"]), key, "cccd", None, None)
                    )
                    continue
                ids[r["id"]] = ours["id"]
                if ours["forgotten_on"] or r["forgotten_on"]:
                    # Erased on either side: erased in the district, never filled in again.
                    if not ours["forgotten_on"]:
                        from cqn_cli.privacy import erase

                        erase(self.db, ours["id"], dt.date.fromisoformat(r["forgotten_on"]))
                        self.tally("person").updated += 1
                    else:
                        self.tally("person").unchanged += 1
                    continue
                changes = self.reconcile(
                    file, "person", (format_id(ours["id"]), key), ours, theirs_row, PERSON_FIELDS
                )
                if "full_name" in changes:
                    changes["name_key"], changes["search_key"] = name_keys(changes["full_name"])
                if changes:
                    changes["updated_at"] = self.now
                self.update("person", {"id": ours["id"]}, changes, file, format_id(ours["id"]))
                continue
            values = {k: theirs_row[k] for k in (*PERSON_FIELDS, "forgotten_on", "uid")}
            values["name_key"], values["search_key"] = r["name_key"], r["search_key"]
            values["created_at"] = values["updated_at"] = self.now
            ids[r["id"]] = self.insert("person", values, file, format_id(r["id"]))
            if r["forgotten_on"]:
                self.result.erased_added.append((file, key, format_id(ids[r["id"]])))
        return ids

    def outside_groups(self) -> None:
        """Memberships and meetings that the merged groups' dates leave outside their
        group's life (a dissolution date from one side, meetings from the other): what
        an import refuses, refused here too."""
        from cqn_cli.figures import group_exists
        from cqn_cli.i18n import t

        for kind, code, record, day in self.db.execute(
            f"""
            SELECT 'membership', g.code, printf('CQN%06d', ms.person_id) || ' ' || ms.joined_on,
                   ms.joined_on
            FROM membership ms JOIN groups g ON g.id = ms.group_id
            WHERE NOT {group_exists("g", "ms.joined_on")}
            UNION ALL
            SELECT 'meeting', g.code, m.code, m.date
            FROM meeting m JOIN groups g ON g.id = m.group_id
            WHERE NOT {group_exists("g", "m.date")}
            """
        ):
            reason = t(f"group.would_orphan_{kind}", date=day)
            self.result.conflicts.append(Conflict("", "group", code, record, "rule", None, reason))

    def _same_group(self, ours: dict[str, Any], theirs: sqlite3.Row) -> bool:
        """Whether the other side's group of a code held here is the group held: of the same
        ward, or of a ward that one of the two became, under the same name (a club written
        again on a later map). Another ward's club of that code is another club: codes are
        each ward's own (``CLB01``), even in two wards merged into one later."""
        if ours["ward_id"] == theirs["ward_id"]:
            return True
        if match_key(ours["name"]) != match_key(theirs["name"]):
            return False
        return theirs["ward_id"] in self._became(ours["ward_id"]) or ours[
            "ward_id"
        ] in self._became(theirs["ward_id"])

    def _became(self, ward_id: str) -> set[str]:
        """The wards ``ward_id`` became, one merge after another."""
        rows = self.db.execute(
            "WITH RECURSIVE became(id) AS (SELECT successor_id FROM ward WHERE id = ?"
            " UNION SELECT w.successor_id FROM ward w JOIN became b ON w.id = b.id)"
            " SELECT id FROM became WHERE id IS NOT NULL",
            [ward_id],
        )
        return {r[0] for r in rows}

    def _by_code(self, table: str, code: str) -> dict[str, Any] | None:
        """The record of ``table`` (groups, meetings) of ``code`` here, if any."""
        found = self.db.execute(f"SELECT * FROM {table} WHERE code = ?", [code]).fetchone()
        return None if found is None else self._row(table, found)

    def groups(self, file: str, theirs: sqlite3.Connection) -> dict[int, int]:
        ids: dict[int, int] = {}
        for r in theirs.execute("SELECT * FROM groups ORDER BY id"):
            code, found = r["code"], self._by_code("groups", r["code"])
            if found is not None and not self._same_group(found, r):
                # Another ward's club of that code: kept apart under the code and its ward's,
                # where a merge before may have put it already.
                ward = self.db.execute("SELECT code FROM ward WHERE id = ?", [r["ward_id"]])
                code = f"{code}@{(ward.fetchone() or [None])[0] or r['ward_id']}"
                found = self._by_code("groups", code)
                self.result.recoded.append((file, "group", r["code"], code))
            if found is None:
                values = {k: r[k] for k in GROUP_FIELDS} | {"code": code}
                values["created_at"] = values["updated_at"] = self.now
                ids[r["id"]] = self.insert("groups", values, file, code)
                continue
            ours = found
            changes = self.reconcile(
                file, "group", (ours["code"], r["code"]), ours, dict(r), GROUP_FIELDS
            )
            if changes:
                changes["updated_at"] = self.now
            self.update("groups", {"id": ours["id"]}, changes, file, ours["code"])
            ids[r["id"]] = ours["id"]
        return ids

    def memberships(
        self, file: str, theirs: sqlite3.Connection, people: dict[int, int], groups: dict[int, int]
    ) -> None:
        for r in theirs.execute("SELECT * FROM membership ORDER BY id"):
            if r["person_id"] not in people:
                continue  # an ambiguous person, already listed as a conflict
            pk, group = people[r["person_id"]], groups[r["group_id"]]
            found = self.db.execute(
                "SELECT * FROM membership WHERE person_id = ? AND group_id = ? AND joined_on = ?",
                [pk, group, r["joined_on"]],
            ).fetchone()
            if found is None:
                self.insert(
                    "membership",
                    {
                        "person_id": pk,
                        "group_id": group,
                        "joined_on": r["joined_on"],
                        "left_on": r["left_on"],
                        "role": r["role"],
                    },
                    file,
                    f"{format_id(pk)} {r['joined_on']}",
                )
                continue
            ours = self._row("membership", found)
            key = f"{format_id(pk)} {r['joined_on']}"
            theirs_key = f"{format_id(r['person_id'])} {r['joined_on']}"  # their own id
            changes = self.reconcile(
                file, "membership", (key, theirs_key), ours, dict(r), ("left_on", "role")
            )
            self.update("membership", {"id": ours["id"]}, changes, file, key)

    def meetings(
        self, file: str, theirs: sqlite3.Connection, groups: dict[int, int]
    ) -> dict[int, int]:
        ids: dict[int, int] = {}
        for r in theirs.execute("SELECT * FROM meeting ORDER BY id"):
            group = groups[r["group_id"]]
            theirs_row = dict(r) | {"group_id": group}
            code, found = r["code"], self._by_code("meeting", r["code"])
            if found is not None and found["group_id"] != group:
                # Another group's meeting of that code: kept apart under the code and its
                # group's (the group not written, a conflict said: under its number).
                held = self.db.execute("SELECT code FROM groups WHERE id = ?", [group])
                code = f"{code}@{(held.fetchone() or [group])[0]}"
                found = self._by_code("meeting", code)
                self.result.recoded.append((file, "meeting", r["code"], code))
            if found is None:
                values = {k: theirs_row[k] for k in ("group_id", "date", "kind", "title")}
                ids[r["id"]] = self.insert("meeting", values | {"code": code}, file, code)
                continue
            ours = found
            changes = self.reconcile(
                file,
                "meeting",
                (ours["code"], r["code"]),
                ours,
                theirs_row,
                ("group_id", "date", "kind", "title"),
            )
            self.update("meeting", {"id": ours["id"]}, changes, file, ours["code"])
            ids[r["id"]] = ours["id"]
        return ids

    def attendance(
        self,
        file: str,
        theirs: sqlite3.Connection,
        people: dict[int, int],
        meetings: dict[int, int],
    ) -> None:
        for meeting_id, person_id, status in theirs.execute(
            "SELECT meeting_id, person_id, status FROM attendance ORDER BY meeting_id, person_id"
        ):
            if person_id not in people:
                continue
            meeting, pk = meetings[meeting_id], people[person_id]
            found = self.db.execute(
                "SELECT status FROM attendance WHERE meeting_id = ? AND person_id = ?",
                [meeting, pk],
            ).fetchone()
            if found is None:
                mark = {"meeting_id": meeting, "person_id": pk, "status": status}
                self.insert("attendance", mark, file, format_id(pk))
                continue
            code = self.db.execute("SELECT code FROM meeting WHERE id = ?", [meeting]).fetchone()
            key = f"{code[0]} {format_id(pk)}"
            changes = self.reconcile(
                file,
                "attendance",
                (key, f"{code[0]} {format_id(person_id)}"),  # the person by their own id there
                {"status": found[0]},
                {"status": status},
                ("status",),
            )
            self.update("attendance", {"meeting_id": meeting, "person_id": pk}, changes, file, key)

    def visits(
        self, file: str, theirs: sqlite3.Connection, people: dict[int, int], groups: dict[int, int]
    ) -> None:
        for r in theirs.execute("SELECT * FROM visit ORDER BY id"):
            if r["person_id"] not in people:
                continue
            pk = people[r["person_id"]]
            group = groups[r["group_id"]] if r["group_id"] is not None else None
            found = self.db.execute(
                "SELECT * FROM visit WHERE person_id = ? AND date = ? AND reason = ?"
                " AND ifnull(group_id, 0) = ?",
                [pk, r["date"], r["reason"], group or 0],
            ).fetchone()
            if found is None:
                self.insert(
                    "visit",
                    {
                        "person_id": pk,
                        "date": r["date"],
                        "reason": r["reason"],
                        "gift": r["gift"],
                        "group_id": group,
                        "notes": r["notes"],
                    },
                    file,
                    f"{format_id(pk)} {r['date']} {r['reason']}",
                )
                continue
            ours = self._row("visit", found)
            key = f"{format_id(pk)} {r['date']} {r['reason']}"
            changes = self.reconcile(file, "visit", (key, key), ours, dict(r), ("gift", "notes"))
            self.update("visit", {"id": ours["id"]}, changes, file, key)


def _ward_said(ward: Any) -> str:
    """A ward as a conflict shows it: its name, code and first day."""
    from cqn_cli.dates import format_date
    from cqn_cli.i18n import lang

    since = format_date(ward["valid_from"], lang()) if ward["valid_from"] else "∅"
    return f"{ward['name']} ({ward['code']}, {since})"


def _another_person(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Two records matched by their national id that are not one person by SPEC §3: the
    name and the birth date both differ (a mistyped number, as an import refuses it)."""
    if ours["uid"] == theirs["uid"] or ours["forgotten_on"] or theirs["forgotten_on"]:
        return False
    if not ours["national_id"] or ours["national_id"] != theirs["national_id"]:
        return False
    return ours["name_key"] != theirs["name_key"] and not compatible_dates(
        ours["birth_date"], theirs["birth_date"]
    )


def merge(db: Database, paths: Sequence[Path], *, prefer: str | None = None) -> MergeResult:
    """Merge every file into ``db`` in one transaction; conflicts refuse all unless ``prefer``."""
    ours = schema_version(db)
    here = db_file(db)
    seen: set[Path] = set()
    for path in paths:
        if here is not None and path.resolve() == here.resolve():
            raise UsageError("merge.itself", path=str(path))
        if path.resolve() in seen:  # its conflicts would be said twice, its rows met twice
            raise UsageError("merge.twice", path=str(path))
        seen.add(path.resolve())
    result = MergeResult([str(p) for p in paths], prefer=prefer)
    merger = _Merger(db, prefer, result)
    db.execute("PRAGMA secure_delete = ON")  # a person erased on a ward's side is erased here
    begin_write(db, " ".join(p.name for p in paths))
    try:
        for path in paths:
            theirs = _open_theirs(path, ours)
            try:
                theirs.execute("BEGIN")  # one snapshot of their file, however it changes
                merger.merge_file(path.name, theirs)
            finally:
                theirs.close()
        merger.outside_groups()
        fatal = [c for c in result.conflicts if c.field in FATAL]
        if fatal or (result.conflicts and prefer is None):
            raise MergeConflicts(result.conflicts, fatal=bool(fatal))
    except BaseException:
        rollback(db)
        raise
    commit(db)
    return result
