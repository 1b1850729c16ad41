"""The figures of SPEC §4, each defined once, in SQL over the database (set-based).

The building blocks are SQL conditions with the same words as the SPEC:
"on roster at D", "member at D", "group exists at D", "expected at a meeting".
Every listing and report that shows one of these figures gets it from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlite_utils import Database


def on_roster(p: str, d: str) -> str:
    """SQL: person ``p`` is on the roster at date expression ``d`` (SPEC §4)."""
    return (
        f"(({p}.registered_on IS NULL OR {p}.registered_on <= {d})"
        f" AND NOT ({p}.status IN ('moved_out', 'deceased') AND {p}.status_since <= {d}))"
    )


def member_at(m: str, d: str) -> str:
    """SQL: membership ``m`` holds at ``d``: joined on or before, not yet left."""
    return f"({m}.joined_on <= {d} AND ({m}.left_on IS NULL OR {m}.left_on > {d}))"


def group_exists(g: str, d: str) -> str:
    """SQL: group ``g`` exists at ``d``: founded on or before (or unknown), not yet dissolved."""
    return (
        f"(({g}.founded_on IS NULL OR {g}.founded_on <= {d})"
        f" AND ({g}.dissolved_on IS NULL OR {g}.dissolved_on > {d}))"
    )


def _expected_cte(selected: str) -> str:
    """CTE ``expected(meeting_id, person_id)``: members of the meeting's group on its date
    who are on the roster that day (SPEC §4), for the meetings of CTE ``selected``."""
    return f"""
    expected AS (
        SELECT DISTINCT s.id AS meeting_id, ms.person_id
        FROM {selected} s
        JOIN membership ms ON ms.group_id = s.group_id AND {member_at("ms", "s.date")}
        JOIN person p ON p.id = ms.person_id
        WHERE {on_roster("p", "s.date")}
    )"""


def meeting_tallies(
    db: Database,
    *,
    code: str | None = None,
    group_code: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    kind: str | None = None,
) -> list[dict[str, Any]]:
    """Meetings with ``expected``, ``present``, ``excused``, ``absent`` and ``guests``.

    An expected member with no mark is absent; marks of people not expected that
    day, when present, are guests (SPEC §4).
    """
    where, params = ["1 = 1"], {}
    if code is not None:
        where.append("mt.code = :code")
        params["code"] = code
    if group_code is not None:
        where.append("g.code = :group")
        params["group"] = group_code
    if date_from is not None:
        where.append("mt.date >= :from")
        params["from"] = date_from.isoformat()
    if date_to is not None:
        where.append("mt.date <= :to")
        params["to"] = date_to.isoformat()
    if kind is not None:
        where.append("mt.kind = :kind")
        params["kind"] = kind
    sql = f"""
    WITH selected AS (
        SELECT mt.id, mt.group_id, mt.date FROM meeting mt JOIN groups g ON g.id = mt.group_id
        WHERE {" AND ".join(where)}
    ),
    {_expected_cte("selected")},
    tally AS (
        SELECT e.meeting_id, count(*) AS expected,
               coalesce(sum(a.status = 'present'), 0) AS present,
               coalesce(sum(a.status = 'excused'), 0) AS excused
        FROM expected e
        LEFT JOIN attendance a ON a.meeting_id = e.meeting_id AND a.person_id = e.person_id
        GROUP BY e.meeting_id
    ),
    guests AS (
        SELECT a.meeting_id, count(*) AS guests
        FROM attendance a JOIN selected s ON s.id = a.meeting_id
        LEFT JOIN expected e ON e.meeting_id = a.meeting_id AND e.person_id = a.person_id
        WHERE e.person_id IS NULL AND a.status = 'present'
        GROUP BY a.meeting_id
    )
    SELECT mt.code, mt.date, mt.kind, g.code AS group_code, mt.title,
           coalesce(t.expected, 0) AS expected, coalesce(t.present, 0) AS present,
           coalesce(t.excused, 0) AS excused,
           coalesce(t.expected, 0) - coalesce(t.present, 0) - coalesce(t.excused, 0) AS absent,
           coalesce(gu.guests, 0) AS guests
    FROM selected s
    JOIN meeting mt ON mt.id = s.id
    JOIN groups g ON g.id = mt.group_id
    LEFT JOIN tally t ON t.meeting_id = s.id
    LEFT JOIN guests gu ON gu.meeting_id = s.id
    ORDER BY mt.date, g.code, mt.code
    """
    return [dict(r) for r in db.query(sql, params)]


def meeting_marks(db: Database, meeting_code: str) -> list[dict[str, Any]]:
    """Everyone expected at a meeting (unmarked = absent) and every guest, with their mark."""
    sql = f"""
    WITH selected AS (SELECT id, group_id, date FROM meeting WHERE code = :code),
    {_expected_cte("selected")}
    SELECT e.person_id, p.full_name AS name, coalesce(a.status, 'absent') AS status,
           1 AS expected
    FROM expected e
    JOIN person p ON p.id = e.person_id
    LEFT JOIN attendance a ON a.meeting_id = e.meeting_id AND a.person_id = e.person_id
    UNION ALL
    SELECT a.person_id, p.full_name, a.status, 0
    FROM attendance a JOIN selected s ON s.id = a.meeting_id
    JOIN person p ON p.id = a.person_id
    WHERE a.status = 'present' AND a.person_id NOT IN (SELECT person_id FROM expected)
    """
    return [dict(r) for r in db.query(sql, {"code": meeting_code})]


def group_members_count(db: Database, day: dt.date) -> dict[int, int]:
    """Per group: people on the roster at ``day`` who are members at ``day`` of the group,
    which exists at ``day`` (SPEC §4, gathering rate by group)."""
    sql = f"""
    SELECT g.id, count(DISTINCT ms.person_id)
    FROM groups g
    JOIN membership ms ON ms.group_id = g.id AND {member_at("ms", ":d")}
    JOIN person p ON p.id = ms.person_id
    WHERE {group_exists("g", ":d")} AND {on_roster("p", ":d")}
    GROUP BY g.id
    """
    return dict(db.execute(sql, {"d": day.isoformat()}).fetchall())
