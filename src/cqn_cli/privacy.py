"""Personal data (SPEC §7): the audit trail, consent, one person's data, and erasure.

Every change reaches the ``audit`` table through triggers (migration 0006), so
no code path can forget it; this module reads it back and does the two things
the Personal Data Protection Law asks of us: give a person all that is held on
them, and erase it while the anonymous counts stay right.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cqn_cli.dates import format_date
from cqn_cli.errors import DataError, UsageError
from cqn_cli.i18n import lang
from cqn_cli.people import (
    format_id,
    get_record,
    mask_value,
    now_iso,
    refuse_before_birth,
    to_row,
)
from cqn_cli.store.db import Database, write

ERASED = "<erased>"  # what an erased value reads as in the audit trail

# Personal fields erased by ``forget``. Kept: the ward, the roster dates and
# status and the yes/no memberships, which the figures count, and the consent
# given (the lawful basis of what was held).
FORGOTTEN_COLUMNS = (
    "full_name",
    "birth_date",
    "gender",
    "national_id",
    "residential_group",
    "address",
    "phone",
    "enlisted_on",
    "discharged_on",
    "rank",
    "unit",
    "notes",
)


def _mask_value(field: str, value: Any, reveal: bool) -> Any:
    return value if reveal or value == ERASED else mask_value(field, value)


def audit_rows(
    db: Database,
    *,
    person: str | None = None,
    since: dt.date | None = None,
    limit: int | None = None,
    reveal: bool = False,
) -> list[dict[str, Any]]:
    """The audit trail, newest first: when, which command, what, old → new."""
    where, params = [], {}
    if person is not None:
        where.append("a.person_id = :person")
        params["person"] = get_record(db, person)["id"]
    if since is not None:
        where.append("coalesce(s.started_at, a.at) >= :since")
        params["since"] = since.isoformat()
    sql = (
        "SELECT a.id, coalesce(s.started_at, a.at), s.command, a.entity, a.entity_key,"
        " a.person_id, a.action, a.changes"
        " FROM audit a LEFT JOIN audit_session s ON s.id = a.session_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY a.id DESC"
        + (" LIMIT :limit" if limit else "")
    )
    if limit:
        params["limit"] = limit
    rows = []
    for pk, at, command, entity, key, person_id, action, changes in db.execute(sql, params):
        decoded = json.loads(changes) if changes else {}
        shown: dict[str, Any] = {}
        for field, value in decoded.items():
            if action == "update":
                shown[field] = [_mask_value(field, v, reveal) for v in value]
            else:
                shown[field] = _mask_value(field, value, reveal)
        rows.append(
            {
                "id": pk,
                "at": at,
                "command": command,  # None: changed by another program (sqlite3…)
                "entity": entity,
                "key": key,
                "person_id": format_id(person_id) if person_id is not None else None,
                "action": action,
                "changes": shown,
            }
        )
    return rows


def set_consent(
    db: Database, person: str, *, given: bool, on: dt.date, purpose: str | None
) -> dict[str, Any]:
    """Record that a person gave (or withdrew) consent on ``on``, for ``purpose``."""
    record = get_record(db, person)
    if record["forgotten_on"]:
        raise DataError("person.forgotten", id=format_id(record["id"]))
    if on > dt.date.today():
        raise UsageError("consent.in_future", date=on.strftime("%d/%m/%Y"))  # --on: exit 2
    refuse_before_birth(record, on)  # as `person status`
    held = record["consent_on"]
    if held and on.isoformat() < held:  # one state is held: what replaces it comes after
        shown = {"date": format_date(on.isoformat(), lang()), "held": format_date(held, lang())}
        raise DataError("consent.before_held", id=format_id(record["id"]), **shown)
    with write(db):
        db.execute(
            "UPDATE person SET consent = ?, consent_on = ?,"
            " consent_purpose = coalesce(?, consent_purpose), updated_at = ? WHERE id = ?",
            [int(given), on.isoformat(), purpose, now_iso(), record["id"]],
        )
    return get_record(db, str(record["id"]))


def export_person(db: Database, person: str, *, reveal: bool = False) -> dict[str, Any]:
    """Everything held on one person: their person row (SPEC §5) with consent, then
    their groups, marks, visits and audit trail."""
    record = get_record(db, person)
    pk = record["id"]
    memberships = [
        {"group_code": code, "group": name, "joined_on": joined, "left_on": left, "role": role}
        for code, name, joined, left, role in db.execute(
            "SELECT g.code, g.name, m.joined_on, m.left_on, m.role FROM membership m"
            " JOIN groups g ON g.id = m.group_id WHERE m.person_id = ?"
            " ORDER BY m.joined_on, g.code",
            [pk],
        )
    ]
    marks = [
        {"meeting_code": code, "date": date, "kind": kind, "group_code": group, "status": status}
        for code, date, kind, group, status in db.execute(
            "SELECT m.code, m.date, m.kind, g.code, a.status FROM attendance a"
            " JOIN meeting m ON m.id = a.meeting_id JOIN groups g ON g.id = m.group_id"
            " WHERE a.person_id = ? ORDER BY m.date, m.code",
            [pk],
        )
    ]
    visits = [
        {
            "date": date,
            "reason": reason,
            "gift": gift,
            "group_code": group,
            "notes": notes if reveal else mask_value("notes", notes),
        }
        for date, reason, gift, group, notes in db.execute(
            "SELECT v.date, v.reason, v.gift, g.code, v.notes FROM visit v"
            " LEFT JOIN groups g ON g.id = v.group_id WHERE v.person_id = ? ORDER BY v.date",
            [pk],
        )
    ]
    return {
        **person_row(record, reveal=reveal),  # the person row of SPEC §5, then the rest
        "memberships": memberships,
        "attendance": marks,
        "visits": visits,
        "audit": audit_rows(db, person=str(pk), reveal=reveal),
    }


def person_row(record: dict[str, Any], *, reveal: bool) -> dict[str, Any]:
    """``to_row`` plus the consent a person gave and when their data was erased."""
    row = to_row(record, reveal=reveal)
    row["consent"] = None if record["consent"] is None else bool(record["consent"])
    row["consent_on"] = record["consent_on"]
    row["consent_purpose"] = record["consent_purpose"]
    row["forgotten_on"] = record["forgotten_on"]
    return row


def forget_person(db: Database, person: str, *, today: dt.date) -> tuple[int, bool, bool]:
    """Erase a person's personal fields; keep the row so that every count stays right.

    The person keeps their id, ward, roster dates, status, yes/no memberships,
    groups, marks and visits (without notes, which may be health data). The
    audit trail keeps that the erasure happened, and forgets the values it had
    recorded. Returns (id, whether anything was erased, whether the old values are
    also gone from the write-ahead log — not while another command still reads them).
    """
    record = get_record(db, person)
    pk = record["id"]
    held = [record[c] for c in FORGOTTEN_COLUMNS if c != "full_name"] + [
        record["full_name"] or None
    ]
    notes = db.execute(
        "SELECT 1 FROM visit WHERE person_id = ? AND notes IS NOT NULL LIMIT 1", [pk]
    ).fetchone()
    if record["forgotten_on"] and all(v is None for v in held) and notes is None:
        return pk, False, True  # erased already, and nothing came back since (notes included)
    # Freed bytes are zeroed, not left in the file's free pages for a hex editor to find.
    db.execute("PRAGMA secure_delete = ON")
    with write(db):
        erase(db, pk, today)
    # And the old pages leave the write-ahead log, unless a reader still needs them: then
    # they stay until it finishes (the next write folds them back); no long wait for that.
    db.execute("PRAGMA busy_timeout = 1000")
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return pk, True, not busy


def erase(db: Database, pk: int, today: dt.date) -> None:
    """The erasure itself, inside the caller's write transaction (forget, db merge)."""
    sets = ", ".join(f"{c} = NULL" for c in FORGOTTEN_COLUMNS if c != "full_name")
    db.execute(
        f"UPDATE person SET full_name = '', name_key = '', search_key = '', {sets},"
        " forgotten_on = coalesce(forgotten_on, ?), updated_at = ? WHERE id = ?",
        [today.isoformat(), now_iso(), pk],
    )
    db.execute("UPDATE visit SET notes = NULL WHERE person_id = ?", [pk])
    _scrub_audit(db, pk)


def _scrub_audit(db: Database, pk: int) -> None:
    """Replace every personal value the audit holds about a person by ``ERASED``."""
    personal = set(FORGOTTEN_COLUMNS)
    updates = []
    for audit_id, entity, changes in db.execute(
        "SELECT id, entity, changes FROM audit WHERE person_id = ? AND changes IS NOT NULL"
        " AND entity IN ('person', 'visit')",
        [pk],
    ).fetchall():
        fields = personal if entity == "person" else {"notes"}
        decoded = json.loads(changes)
        scrubbed = {
            k: (([ERASED, ERASED] if isinstance(v, list) else ERASED) if k in fields else v)
            for k, v in decoded.items()
        }
        if scrubbed != decoded:
            updates.append((json.dumps(scrubbed, ensure_ascii=False), audit_id))
    # Rewriting the trail is not itself a change to audit.
    db.conn.executemany("UPDATE audit SET changes = ? WHERE id = ?", updates)
