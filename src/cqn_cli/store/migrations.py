"""The schema, as named, append-only, transactional migrations.

Never edit a migration that has shipped: add a new one. Identifiers are TEXT
(leading zeros survive), every column has an explicit type (STRICT tables).
"""

from __future__ import annotations

import csv
import io
from importlib import resources

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("cqn")


def _run(db: Database, script: str) -> None:
    """Run several statements inside the migration's transaction.

    (``executescript`` would commit first and break the transaction.)
    """
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations(name="0001_wards_people_imports")
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


@migrations(name="0002_seed_thanh_khe_wards")
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


@migrations(name="0003_thac_gian_2025_code_20218")
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


@migrations(name="0004_import_log_options")
def _import_log_options(db: Database) -> None:
    """The options that change what a file means (sheet, date, ward, mapping…) are logged:
    the same bytes read another way are another import."""
    db.execute("ALTER TABLE import_log ADD COLUMN options TEXT NOT NULL DEFAULT '{}'")
    db.execute("DROP INDEX import_log_sha")
    db.execute("CREATE INDEX import_log_sha ON import_log(kind, sha256, options)")


@migrations(name="0005_groups_memberships_meetings_visits")
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
