"""``cqn export KIND``: the data as files a clerk opens in Excel and ``cqn import`` reads back.

Each export has the columns of the import it feeds (SPEC §3), headed by the
field's Vietnamese name (English with ``--lang en``), so that export → import
gives back the same data. People are referred to by ``so_cccd`` and name +
birth date + ward, never by ``ma_cqn``: ids are not the same in another
database. Masked values (``--reveal`` not given) cannot be imported back. People
whose data was erased (``person forget``) are left out, with their memberships,
marks and visits: nothing is left to refer to them by.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cqn_cli.ingest.fields import ATTENDANCE, GROUPS, MEMBERS, PERSON_ID, ROSTER, VISITS, Field
from cqn_cli.people import MASKS, format_id, mask_value
from cqn_cli.store.db import Database
from cqn_cli.text import vn_name_sort_key

KINDS = ("people", "groups", "memberships", "meetings", "attendance", "visits", "wards")


@dataclass(frozen=True)
class ExportColumn:
    key: str  # JSON key (English)
    vi: str  # header in Vietnamese (an import alias)
    en: str  # header in English (an import alias too)
    kind: str = "text"  # text, date, partial_date, bool, int, money, and the vocabularies


def _from_field(f: Field, key: str | None = None) -> ExportColumn:
    kinds = {
        "partial_date": "partial_date",
        "date": "date",
        "bool": "bool",
        "gender": "gender",
        "status": "status",
        "group_kind": "group_kind",
        "meeting_kind": "meeting_kind",
        "mark": "mark",
        "reason": "reason",
        "money": "money",
    }
    return ExportColumn(key or f.english, f.aliases[0], f.english, kinds.get(f.kind, "text"))


def _columns(fields: Sequence[Field], skip: tuple[str, ...] = ("ma_cqn",)) -> list[ExportColumn]:
    return [_from_field(f) for f in fields if f.name not in skip]


# Read past by ``import roster`` (``RosterLoader.read_past``): ids are each database's own.
_PERSON_ID = _from_field(PERSON_ID, "id")
_REF = "p.national_id, p.full_name, p.birth_date, p.ward_id"  # a person reference


def _people(db: Database) -> list[dict[str, Any]]:
    from cqn_cli.people import PERSON_COLUMNS

    names = ", ".join(f"p.{c}" for c in PERSON_COLUMNS if c != "ward")
    sql = f"SELECT p.id, {names}, p.ward_id FROM person p WHERE p.forgotten_on IS NULL"
    rows = [dict(r) for r in db.query(sql)]
    rows.sort(key=lambda r: (vn_name_sort_key(r["full_name"]), r["id"]))
    for r in rows:
        r["id"] = format_id(r["id"])
    return rows


def _groups(db: Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT g.code, g.name, g.kind, g.ward_id, g.founded_on, g.dissolved_on"
            " FROM groups g ORDER BY g.code"
        )
    )


def _memberships(db: Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            f"SELECT {_REF}, g.code AS group_code, m.joined_on, m.left_on, m.role"
            " FROM membership m JOIN person p ON p.id = m.person_id"
            " JOIN groups g ON g.id = m.group_id WHERE p.forgotten_on IS NULL"
            " ORDER BY g.code, m.joined_on, p.id"
        )
    )


def _attendance(db: Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT m.code AS meeting_code, m.date, m.kind, g.code AS group_code, m.title,"
            f" {_REF}, a.status FROM attendance a JOIN meeting m ON m.id = a.meeting_id"
            " JOIN groups g ON g.id = m.group_id JOIN person p ON p.id = a.person_id"
            " WHERE p.forgotten_on IS NULL ORDER BY m.date, m.code, p.id"
        )
    )


def _visits(db: Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            f"SELECT {_REF}, v.date, v.reason, v.gift, g.code AS group_code, v.notes"
            " FROM visit v JOIN person p ON p.id = v.person_id"
            " LEFT JOIN groups g ON g.id = v.group_id WHERE p.forgotten_on IS NULL"
            " ORDER BY v.date, p.id"
        )
    )


def _meetings(db: Database) -> list[dict[str, Any]]:
    from cqn_cli.activity import meeting_rows

    return meeting_rows(db)


def _wards(db: Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT w.id, w.code, w.name, w.district, w.province, w.valid_from, w.valid_to,"
            " s.name AS successor FROM ward w LEFT JOIN ward s ON s.id = w.successor_id"
            " ORDER BY w.code, w.valid_from"
        )
    )


def columns_of(kind: str) -> list[ExportColumn]:
    if kind == "people":
        return [_PERSON_ID, *_columns(ROSTER)]
    if kind == "groups":
        return _columns(GROUPS)
    if kind == "memberships":
        return _columns(MEMBERS)
    if kind == "attendance":
        return _columns(ATTENDANCE)
    if kind == "visits":
        return _columns(VISITS)
    if kind == "meetings":
        return [
            ExportColumn("code", "Mã cuộc họp", "code"),
            ExportColumn("date", "Ngày", "date", "date"),
            ExportColumn("kind", "Loại", "kind", "meeting_kind"),
            ExportColumn("group_code", "Mã nhóm", "group_code"),
            ExportColumn("title", "Tiêu đề", "title"),
            *(
                ExportColumn(k, vi, k, "int")
                for k, vi in (
                    ("expected", "Phải dự"),
                    ("present", "Có mặt"),
                    ("excused", "Vắng có phép"),
                    ("absent", "Vắng"),
                    ("guests", "Khách"),
                )
            ),
        ]
    return [
        ExportColumn("id", "Mã nội bộ", "id"),
        ExportColumn("code", "Mã", "code"),
        ExportColumn("name", "Tên", "name"),
        ExportColumn("district", "Quận/huyện", "district"),
        ExportColumn("province", "Tỉnh/thành phố", "province"),
        ExportColumn("valid_from", "Từ ngày", "valid_from", "date"),
        ExportColumn("valid_to", "Đến ngày", "valid_to", "date"),
        ExportColumn("successor", "Nhập vào", "successor"),
    ]


_READERS = {
    "people": _people,
    "groups": _groups,
    "memberships": _memberships,
    "meetings": _meetings,
    "attendance": _attendance,
    "visits": _visits,
    "wards": _wards,
}


def export_rows(
    db: Database, kind: str, *, today: dt.date, reveal: bool = False
) -> tuple[list[ExportColumn], list[dict[str, Any]]]:
    """The columns and rows of one export, values as stored (ISO dates, vocabulary codes).

    A ward is written so that it reads back as the same ward (see ``WardIndex.reference``).
    """
    from cqn_cli.wards import WardIndex

    columns = columns_of(kind)
    keys = [c.key for c in columns]
    index = WardIndex(db) if "ward" in keys else None  # only exports that name a ward
    refs: dict[str, str] = {}
    rows = []
    for record in _READERS[kind](db):
        row = {k: record.get(k) for k in keys}
        ward_id = record.get("ward_id")
        if ward_id is not None and index is not None:
            if ward_id not in refs:
                refs[ward_id] = index.reference(ward_id, today)
            row["ward"] = refs[ward_id]
        if not reveal:
            for key in MASKS:
                if key in row:
                    row[key] = mask_value(key, row[key])
        for c in columns:
            if c.kind == "bool" and row[c.key] is not None:
                row[c.key] = bool(row[c.key])
        rows.append(row)
    return columns, rows
