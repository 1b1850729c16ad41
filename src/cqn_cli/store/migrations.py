"""The schema, as named, append-only, transactional migrations.

Never edit a migration that has shipped: add a new one. Identifiers are TEXT
(leading zeros survive), every column has an explicit type (STRICT tables).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

from cqn_cli.store.db import Database, open_audit_session

if TYPE_CHECKING:
    import sqlite_utils
    from sqlite_utils.migrations import Migrations

SET = "cqn"  # the migration set, in sqlite-utils' table ``_sqlite_migrations``
TABLE = "_sqlite_migrations"

# Each migration by name, in order. Known without importing sqlite-utils (opening the
# database only compares names); ``migration_set`` hands them to sqlite-utils to apply.
MIGRATIONS: list[tuple[str, Callable[[Database], None]]] = []


def migration(name: str) -> Callable[[Callable[[Database], None]], Callable[[Database], None]]:
    def register(fn: Callable[[Database], None]) -> Callable[[Database], None]:
        assert all(n != name for n, _ in MIGRATIONS), name
        MIGRATIONS.append((name, fn))
        return fn

    return register


def names() -> list[str]:
    """The names of every migration, in order."""
    return [name for name, _ in MIGRATIONS]


def migration_set() -> Migrations:
    """The migrations as sqlite-utils' ``Migrations``, which applies them (each in a
    savepoint of the caller's transaction, recorded in ``_sqlite_migrations``)."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(SET)
    for name, fn in MIGRATIONS:
        migrations(name=name)(_on_our_handle(fn))
    return migrations


def _on_our_handle(
    fn: Callable[[Database], None],
) -> Callable[[sqlite_utils.Database], None]:
    def step(db: sqlite_utils.Database) -> None:
        fn(Database(db.conn))

    return step


def _run(db: Database, script: str) -> None:
    """Run several statements inside the migration's transaction.

    (``executescript`` would commit first and break the transaction.)
    """
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migration("0001_wards_people_imports")
def _initial(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE ward (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            district TEXT,
            province TEXT,
            valid_from TEXT,
            valid_to TEXT,
            successor_id TEXT REFERENCES ward(id)
        ) STRICT;
        CREATE INDEX ward_code ON ward(code);

        CREATE TABLE ward_alias (
            ward_id TEXT NOT NULL REFERENCES ward(id),
            alias TEXT NOT NULL,
            PRIMARY KEY (ward_id, alias)
        ) STRICT;

        CREATE TABLE person (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            full_name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            search_key TEXT NOT NULL,
            birth_date TEXT,
            gender TEXT CHECK (gender IN ('male', 'female')),
            national_id TEXT UNIQUE,
            ward_id TEXT NOT NULL REFERENCES ward(id),
            residential_group TEXT,
            address TEXT,
            phone TEXT,
            enlisted_on TEXT,
            discharged_on TEXT,
            rank TEXT,
            unit TEXT,
            party_member INTEGER CHECK (party_member IN (0, 1)),
            youth_union_member INTEGER CHECK (youth_union_member IN (0, 1)),
            reservist INTEGER CHECK (reservist IN (0, 1)),
            veterans_association_member INTEGER CHECK (veterans_association_member IN (0, 1)),
            registered_on TEXT,
            status TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'moved_out', 'deceased')),
            status_since TEXT,
            notes TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (status = 'active' OR status_since IS NOT NULL)
        ) STRICT;
        CREATE INDEX person_name_ward ON person(name_key, ward_id);
        CREATE INDEX person_ward ON person(ward_id);

        CREATE TABLE import_log (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            as_of TEXT,
            rows INTEGER NOT NULL,
            inserted INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            unchanged INTEGER NOT NULL,
            rejected INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX import_log_sha ON import_log(kind, sha256);
        """,
    )


@migration("0002_seed_thanh_khe_wards")
def _seed_wards(db: Database) -> None:
    text = resources.files("cqn_cli").joinpath("data/wards-thanh-khe.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    # Insert first without successors (they reference rows further down), then link.
    db.conn.executemany(
        "INSERT INTO ward (id, code, name, district, province, valid_from, valid_to)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r["id"],
                r["code"],
                r["name"],
                r["district"] or None,
                r["province"] or None,
                r["valid_from"] or None,
                r["valid_to"] or None,
            )
            for r in rows
        ],
    )
    db.conn.executemany(
        "UPDATE ward SET successor_id = ? WHERE id = ?",
        [(r["successor_id"], r["id"]) for r in rows if r["successor_id"]],
    )


@migration("0003_thac_gian_2025_code_20218")
def _thac_gian_2025(db: Database) -> None:
    """The enlarged Thạc Gián of 01/01/2025 bears Vĩnh Trung's code 20218, not 20221.

    A code belongs to a ward for a time: the registry keys wards by id, so the
    enlarged ward (Thạc Gián + Vĩnh Trung, 01/01/2025–30/06/2025) is a ward of
    its own, successor of both, with its own code.
    """
    db.execute(
        "INSERT INTO ward (id, code, name, district, province, valid_from, valid_to, successor_id)"
        " VALUES ('tk-thac-gian-2025', '20218', 'Phường Thạc Gián', 'Quận Thanh Khê',"
        " 'Thành phố Đà Nẵng', '2025-01-01', '2025-06-30', 'dn-thanh-khe')"
    )
    db.execute(
        "UPDATE ward SET valid_to = '2024-12-31', successor_id = 'tk-thac-gian-2025'"
        " WHERE id IN ('tk-thac-gian', 'tk-vinh-trung')"
    )


@migration("0004_import_log_options")
def _import_log_options(db: Database) -> None:
    """The options that change what a file means (sheet, date, ward, mapping…) are logged:
    the same bytes read another way are another import."""
    db.execute("ALTER TABLE import_log ADD COLUMN options TEXT NOT NULL DEFAULT '{}'")
    db.execute("DROP INDEX import_log_sha")
    db.execute("CREATE INDEX import_log_sha ON import_log(kind, sha256, options)")


@migration("0005_groups_memberships_meetings_visits")
def _activity(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE groups (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('clb', 'bll')),
            ward_id TEXT NOT NULL REFERENCES ward(id),
            founded_on TEXT,
            dissolved_on TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (dissolved_on IS NULL OR founded_on IS NULL OR dissolved_on > founded_on)
        ) STRICT;
        CREATE INDEX groups_ward ON groups(ward_id);

        CREATE TABLE membership (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id),
            group_id INTEGER NOT NULL REFERENCES groups(id),
            joined_on TEXT NOT NULL,
            left_on TEXT,
            role TEXT,
            CHECK (left_on IS NULL OR left_on >= joined_on),
            UNIQUE (person_id, group_id, joined_on)
        ) STRICT;
        CREATE INDEX membership_group ON membership(group_id, joined_on);

        CREATE TABLE meeting (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE COLLATE NOCASE,
            group_id INTEGER NOT NULL REFERENCES groups(id),
            date TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('quarterly', 'gathering', 'review', 'other')),
            title TEXT
        ) STRICT;
        CREATE INDEX meeting_group_date ON meeting(group_id, date);
        CREATE INDEX meeting_kind_date ON meeting(kind, date);

        CREATE TABLE attendance (
            meeting_id INTEGER NOT NULL REFERENCES meeting(id),
            person_id INTEGER NOT NULL REFERENCES person(id),
            status TEXT NOT NULL CHECK (status IN ('present', 'excused', 'absent')),
            PRIMARY KEY (meeting_id, person_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX attendance_person ON attendance(person_id);

        CREATE TABLE visit (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id),
            date TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (reason IN ('sick', 'hardship', 'bereavement', 'other')),
            gift INTEGER CHECK (gift IS NULL OR gift >= 0),
            group_id INTEGER REFERENCES groups(id),
            notes TEXT
        ) STRICT;
        CREATE UNIQUE INDEX visit_identity ON visit(person_id, date, reason, ifnull(group_id, 0));
        CREATE INDEX visit_date ON visit(date);
        """,
    )


# The columns each audited table reports, frozen as they were when 0006 shipped.
_AUDITED: dict[str, tuple[str, ...]] = {
    "ward": ("code", "name", "district", "province", "valid_from", "valid_to", "successor_id"),
    "ward_alias": ("ward_id", "alias"),
    "person": (
        "full_name",
        "birth_date",
        "gender",
        "national_id",
        "ward_id",
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
        "consent",
        "consent_on",
        "consent_purpose",
        "forgotten_on",
    ),
    "groups": ("code", "name", "kind", "ward_id", "founded_on", "dissolved_on"),
    "membership": ("person_id", "group_id", "joined_on", "left_on", "role"),
    "meeting": ("code", "group_id", "date", "kind", "title"),
    "attendance": ("meeting_id", "person_id", "status"),
    "visit": ("person_id", "date", "reason", "gift", "group_id", "notes"),
}

# How an audit row names what changed (R is OLD or NEW), and the person it concerns.
_AUDIT_KEY: dict[str, tuple[str, str]] = {
    "ward": ("R.id", "NULL"),
    "ward_alias": ("R.ward_id || ': ' || R.alias", "NULL"),
    "person": ("printf('CQN%06d', R.id)", "R.id"),
    "groups": ("R.code", "NULL"),
    "membership": (
        "printf('CQN%06d', R.person_id) || ' @ '"
        " || (SELECT code FROM groups WHERE id = R.group_id) || ' ' || R.joined_on",
        "R.person_id",
    ),
    "meeting": ("R.code", "NULL"),
    "attendance": (
        "(SELECT code FROM meeting WHERE id = R.meeting_id)"
        " || ' ' || printf('CQN%06d', R.person_id)",
        "R.person_id",
    ),
    "visit": (
        "printf('CQN%06d', R.person_id) || ' ' || R.date || ' ' || R.reason",
        "R.person_id",
    ),
}

_SESSION = "(SELECT id FROM audit_session WHERE open = 1)"


def _audit_row(table: str, action: str, row: str, changes: str) -> str:
    """The audit row an ``action`` on ``row`` (NEW, OLD, or an alias) of ``table`` writes."""
    key, person = _AUDIT_KEY[table]
    return (
        "INSERT INTO audit (session_id, entity, entity_key, person_id, action, changes,"
        f" at) SELECT s, '{table}', {key.replace('R.', row + '.')},"
        f" {person.replace('R.', row + '.')}, '{action}', {changes},"
        " CASE WHEN s IS NULL THEN strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') END"
        f" FROM (SELECT {_SESSION} AS s)"
    )


def audit_inserted(table: str, where: str) -> str:
    """What ``audit_{table}_insert`` writes, for every row ``R`` of ``table`` that ``where``
    names, at once and in the order of their rowids: for a bulk insert made with that
    trigger left out (``store.db.left_out``). Built from the same parts as the trigger."""
    return (
        f"{_audit_row(table, 'insert', 'R', 'NULL')}, {table} AS R WHERE {where} ORDER BY R.rowid"
    )


def _audit_triggers(table: str) -> list[str]:
    """Three triggers that write every change of ``table`` to ``audit``.

    An insert records only what was added (its values are in the row itself:
    the audit repeats no personal value it need not); an update records each
    changed column, old → new; a delete records the values that went.
    """
    columns = _AUDITED[table]

    def insert(action: str, row: str, changes: str, when: str = "") -> str:
        return (
            f"CREATE TRIGGER audit_{table}_{action} AFTER {action.upper()} ON {table}{when}"
            f" BEGIN {_audit_row(table, action, row, changes)}; END"
        )

    pairs = " UNION ALL ".join(f"SELECT '{c}' AS k, OLD.{c} AS o, NEW.{c} AS n" for c in columns)
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    old_values = "json_object(" + ", ".join(f"'{c}', OLD.{c}" for c in columns) + ")"
    # Marks written with a new meeting are part of its creation; later ones are audited one
    # by one. A meeting is new when its id is above the highest one the session began with.
    when = (
        " WHEN NEW.meeting_id <= coalesce((SELECT meeting_mark FROM audit_session"
        " WHERE open = 1), NEW.meeting_id)"
        if table == "attendance"
        else ""
    )
    return [
        insert("insert", "NEW", "NULL", when),
        insert(
            "update",
            "NEW",
            f"(SELECT json_group_object(k, json_array(o, n)) FROM ({pairs}) WHERE o IS NOT n)",
            f" WHEN {changed}",
        ),
        insert("delete", "OLD", old_values),
    ]


@migration("0006_audit_consent")
def _audit_consent(db: Database) -> None:
    """Every change is audited (what, old → new, when, which command); a person
    carries consent (flag, date, purpose) and the date their data was erased."""
    _run(
        db,
        """
        ALTER TABLE person ADD COLUMN consent INTEGER CHECK (consent IN (0, 1));
        ALTER TABLE person ADD COLUMN consent_on TEXT;
        ALTER TABLE person ADD COLUMN consent_purpose TEXT;
        ALTER TABLE person ADD COLUMN forgotten_on TEXT;
        -- Who a person is across databases (db merge), even once their data is erased.
        ALTER TABLE person ADD COLUMN uid TEXT;
        UPDATE person SET uid = lower(hex(randomblob(16)));
        CREATE UNIQUE INDEX person_uid ON person(uid);

        CREATE TABLE audit_session (
            id INTEGER PRIMARY KEY,
            command TEXT NOT NULL,
            started_at TEXT NOT NULL,
            open INTEGER NOT NULL DEFAULT 1 CHECK (open IN (0, 1)),
            audit_mark INTEGER NOT NULL DEFAULT 0,  -- the last audit row before the session
            meeting_mark INTEGER NOT NULL DEFAULT 0  -- the last meeting before the session
        ) STRICT;
        CREATE UNIQUE INDEX audit_session_open ON audit_session(open) WHERE open = 1;

        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            session_id INTEGER REFERENCES audit_session(id),
            entity TEXT NOT NULL,
            entity_key TEXT,
            person_id INTEGER,
            action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
            changes TEXT,
            at TEXT  -- when, for a change made outside cqn (a session has its own time)
        ) STRICT;
        CREATE INDEX audit_person ON audit(person_id) WHERE person_id IS NOT NULL;
        """,
    )
    for table in _AUDITED:
        for statement in _audit_triggers(table):
            db.execute(statement)


@migration("0007_figure_indexes")
def _figure_indexes(db: Database) -> None:
    """Covering indexes for the figures (SPEC §4): who was a member of a group on a day,
    and who was on the roster, answered from the index alone."""
    _run(
        db,
        """
        CREATE INDEX membership_span ON membership(group_id, joined_on, left_on, person_id);
        CREATE INDEX person_roster ON person(id, registered_on, status, status_since, ward_id);
        """,
    )


@migration("0008_figure_views")
def _figure_views(db: Database) -> None:
    """Views named for the figures (meeting_attendance, gathering_by_ward…), for reading the
    database with sqlite3 or Datasette. They are defined in ``store.views``: a later change
    of a view is a new migration that calls ``create_views`` again."""
    from cqn_cli.store.views import create_views

    create_views(db)


@migration("0009_identity_index")
def _identity_index(db: Database) -> None:
    """Who an imported row may be, answered from one index: the people of a name in some
    wards, with their birth dates and national ids (a common name has hundreds of holders
    in a city; reading each one's row was most of a big import's time)."""
    _run(
        db,
        """
        DROP INDEX person_name_ward;
        CREATE INDEX person_identity ON person(name_key, ward_id, birth_date, national_id);
        """,
    )


@migration("0010_views_from_the_roster_index")
def _views_again(db: Database) -> None:
    """The figure views again: ``gathering_by_ward`` and ``people_on_roster`` now count the
    roster from the narrow index ``person_roster`` (same figures, a fraction of the time)."""
    from cqn_cli.store.views import create_views

    create_views(db)


@migration("0011_roster_digest")
def _roster_digest(db: Database) -> None:
    """``person.roster_digest``: which roster row (in which reading of it) last set or
    matched this person, so that importing that row again can be seen to change nothing
    without parsing it (``ingest.roster``). Any update of the person that does not set a
    new digest clears it, whatever it changes (columns added later included): the digest
    never speaks for data it did not produce. ``person forget`` clears it with the rest."""
    _run(
        db,
        """
        ALTER TABLE person ADD COLUMN roster_digest TEXT;
        CREATE TRIGGER person_roster_digest_stale AFTER UPDATE ON person
        WHEN NEW.roster_digest IS NOT NULL AND NEW.roster_digest IS OLD.roster_digest
        BEGIN UPDATE person SET roster_digest = NULL WHERE id = NEW.id; END;
        """,
    )


@migration("0012_guests_of_any_mark")
def _guests_of_any_mark(db: Database) -> None:
    """The figure views again: ``meeting_attendance.guests`` counts every mark of someone
    not expected, whatever it says (SPEC §4 "Marks recorded for others count as present
    guests"); it counted only the marks "present"."""
    from cqn_cli.store.views import create_views

    create_views(db)


@migration("0013_thac_gian_one_ward")
def _thac_gian_one_ward(db: Database) -> None:
    """Thạc Gián is one ward until 30/06/2025, as the shipped registry has it (SPEC §4:
    "The registry ships the Thanh Khê lineage"), undoing 0003: Vĩnh Trung merged into it
    on 01/01/2025. The enlarged ward's official code, 20218 (Vĩnh Trung's before), is a
    code it bore for a time (table ``ward_dated_code``): a file of the first half of 2025 that
    writes 20218 means Thạc Gián; one of 2019, Vĩnh Trung.

    What 0003's ward held (people, groups, aliases, a ward merged into it by hand) moves
    to Thạc Gián: on a map of 2019 they are counted under Thạc Gián (20221), not under
    a second "Phường Thạc Gián" bearing Vĩnh Trung's code."""
    _run(
        db,
        """
        CREATE TABLE ward_dated_code (
            code TEXT NOT NULL,
            ward_id TEXT NOT NULL REFERENCES ward(id),
            valid_from TEXT,
            valid_to TEXT,
            PRIMARY KEY (code, ward_id)
        ) STRICT
        """,
    )
    old, kept = "tk-thac-gian-2025", "tk-thac-gian"
    enlarged = db.execute("SELECT valid_to, successor_id FROM ward WHERE id = ?", [old]).fetchone()
    if enlarged is None or db.execute("SELECT 1 FROM ward WHERE id = ?", [kept]).fetchone() is None:
        return  # a registry edited by hand beyond recognition: left as it is
    open_audit_session(db.conn, "cqn: 0013_thac_gian_one_ward")  # not a hand edit
    db.execute("UPDATE ward SET valid_to = ?, successor_id = ? WHERE id = ?", [*enlarged, kept])
    # Every reference to the ward of 0003, whatever table holds it.
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for fk in db.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
            if fk[2] == "ward" and fk[4] in ("id", None):
                column = fk[3]
                if table == "ward_alias":  # an alias both had is kept once
                    db.execute(
                        "DELETE FROM ward_alias WHERE ward_id = ? AND alias IN"
                        " (SELECT alias FROM ward_alias WHERE ward_id = ?)",
                        [old, kept],
                    )
                db.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" = ?', [kept, old])
    db.execute("DELETE FROM ward WHERE id = ?", [old])
    db.execute(
        "INSERT INTO ward_dated_code (code, ward_id, valid_from, valid_to)"
        " VALUES ('20218', ?, '2025-01-01', ?)",
        [kept, enlarged[0]],
    )
    db.execute("UPDATE audit_session SET open = 0 WHERE open = 1")


@migration("0014_names_with_eth")
def _names_with_eth(db: Database) -> None:
    """The keys of every name written with the Latin Eth (``Ð``/``ð``) again: matched,
    searched and sorted as the ``Đ``/``đ`` it looks like since (``cqn_cli.text``). Held
    under their old keys, such people were not found by a row or a search that writes
    ``Đ``: a roster imported again would have added them a second time. Only the keys
    change (the name stays as written, nothing audited); the person's roster digest goes
    with it, so that their row, imported again, is read again."""
    from cqn_cli.text import match_and_fold

    held = db.execute("SELECT id, full_name FROM person WHERE full_name GLOB '*[Ðð]*'")
    for pk, name in held.fetchall():
        db.execute(
            "UPDATE person SET name_key = ?, search_key = ? WHERE id = ?",
            [*match_and_fold(name), pk],
        )
