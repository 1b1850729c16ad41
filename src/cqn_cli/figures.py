"""The figures of SPEC §4, each defined once, in SQL over the database (set-based).

The building blocks are SQL conditions with the same words as the SPEC:
"on roster at D", "member at D", "group exists at D", "expected at a meeting".
Every listing and report that shows one of these figures gets it from here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from cqn_cli.store.db import Database

T = TypeVar("T")

# Parts of figures kept while ``reusing()`` is in force: a report asks for some twice per
# date (the groups' sizes: by group, then the profile's smallest and largest group; the
# gathered: by ward, then by group).
_REUSED: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("figures_reused", default=None)


@contextlib.contextmanager
def reusing() -> Iterator[None]:
    """Inside, a part asked for again with the same arguments is not computed again: for
    one reader that builds several figures from a database that does not change meanwhile
    (a report reads it in one transaction)."""
    token = _REUSED.set({})
    try:
        yield
    finally:
        _REUSED.reset(token)


def _reused(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for ``key`` earlier inside ``reusing()``. The value is
    shared: callers copy what they change."""
    memo = _REUSED.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


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


# The bounds of "member at D" and "on roster at D" for one membership, so that a meeting's
# expected members are a range test per (meeting, membership) instead of a person lookup
# per pair: ``start <= D < stop`` holds exactly when ``member_at(ms, D)`` and
# ``on_roster(p, D)`` both hold. ``start`` is the later of joining and registering (an
# unknown registration counts as always); ``stop`` the earlier of leaving and moving out or
# dying (the NOT NULL ``status`` and the CHECK that an exit has its date make it exact; an
# exit without a date would never be on the roster, and ``''`` is before every date).
_NEVER = "'9999-12-31'"
_WINDOW_START = "max(ms.joined_on, coalesce(p.registered_on, ''))"
_WINDOW_STOP = (
    f"min(coalesce(ms.left_on, {_NEVER}), CASE WHEN p.status IN ('moved_out', 'deceased')"
    f" THEN coalesce(p.status_since, '') ELSE {_NEVER} END)"
)


def _windows_cte(selected: str) -> str:
    """CTE ``windows(group_id, person_id, start, stop)``: each membership of a group of the
    meetings of CTE ``selected``, with the days it counts (see ``_WINDOW_START``)."""
    return f"""
    windows AS MATERIALIZED (
        SELECT ms.group_id, ms.person_id, {_WINDOW_START} AS start, {_WINDOW_STOP} AS stop
        FROM membership ms JOIN person p ON p.id = ms.person_id
        WHERE ms.group_id IN (SELECT group_id FROM {selected})
    )"""


def _expected_from_windows(selected: str) -> str:
    return f"""
    expected AS (
        SELECT DISTINCT s.id AS meeting_id, w.person_id
        FROM {selected} s
        CROSS JOIN windows w ON w.group_id = s.group_id AND w.start <= s.date AND w.stop > s.date
    )"""


def _expected_cte(selected: str) -> str:
    """CTE ``expected(meeting_id, person_id)``: members of the meeting's group on its date
    who are on the roster that day (SPEC §4), for the meetings of CTE ``selected``.

    A person with two overlapping memberships of the group is expected once."""
    return f"{_windows_cte(selected)},{_expected_from_windows(selected)}"


def _tally_ctes(selected: str) -> str:
    """CTE ``tally(meeting_id, expected, present, excused)`` for the meetings of
    ``selected``: the one definition of a meeting's attendance (SPEC §4). It counts the
    people of ``expected`` (each once) and, among them, those marked present or excused,
    one meeting at a time: the meetings are read by id through the sorted list of
    ``selected``'s ids, so that they come grouped already (no sort of a million pairs)."""
    return f"""{_windows_cte(selected)},
    tally AS (
        SELECT s.id AS meeting_id, count(DISTINCT w.person_id) AS expected,
               count(DISTINCT CASE WHEN a.status = 'present' THEN w.person_id END) AS present,
               count(DISTINCT CASE WHEN a.status = 'excused' THEN w.person_id END) AS excused
        FROM meeting s
        CROSS JOIN windows w ON w.group_id = s.group_id AND w.start <= s.date AND w.stop > s.date
        LEFT JOIN attendance a ON a.meeting_id = s.id AND a.person_id = w.person_id
        WHERE s.id IN (SELECT id FROM {selected})
        GROUP BY s.id
    )"""


def meeting_tallies_sql(where: str) -> str:
    """SQL: the meetings ``mt`` (of group ``g``) for which ``where`` holds, with
    ``expected``, ``present``, ``excused``, ``absent`` and ``guests`` (SPEC §4); ordered by
    date, group and code. ``meeting_tallies`` and the view ``meeting_attendance``."""
    return f"""
    WITH selected AS (
        SELECT mt.id, mt.group_id, mt.date FROM meeting mt JOIN groups g ON g.id = mt.group_id
        WHERE {where}
    ),
    {_tally_ctes("selected")},{_expected_from_windows("selected")},
    guests AS (
        SELECT a.meeting_id, count(*) AS guests
        FROM attendance a JOIN selected s ON s.id = a.meeting_id
        LEFT JOIN expected e ON e.meeting_id = a.meeting_id AND e.person_id = a.person_id
        WHERE e.person_id IS NULL
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

    An expected member with no mark is absent; a mark of anyone not expected that day
    makes them a guest, whatever it says (SPEC §4: "Marks recorded for others count as
    present guests")."""
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
    sql = meeting_tallies_sql(" AND ".join(where))
    return [dict(r) for r in db.query(sql, params)]


def meeting_marks(db: Database, meeting_code: str) -> list[dict[str, Any]]:
    """Everyone expected at a meeting (unmarked = absent) and every guest (anyone else
    marked), with their mark as recorded."""
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
    WHERE a.person_id NOT IN (SELECT person_id FROM expected)
    """
    return [dict(r) for r in db.query(sql, {"code": meeting_code})]


def members_of(g: str, d: str) -> str:
    """SQL: how many people on roster at ``d`` are members at ``d`` of group ``g`` (each
    once): the group's size (SPEC §4, gathering rate by group)."""
    # One group at a time: its memberships at d from the index ``membership_span``, each
    # person's roster dates from ``person_roster`` (neither reads a table row).
    return f"""(SELECT count(DISTINCT ms.person_id)
                FROM membership ms JOIN person p ON p.id = ms.person_id
                WHERE ms.group_id = {g}.id AND {member_at("ms", d)} AND {on_roster("p", d)})"""


def group_members_count(db: Database, day: dt.date) -> dict[int, int]:
    """Each group existing at ``day`` → its size then (``members_of``)."""
    sql = f"SELECT g.id, {members_of('g', ':d')} FROM groups g WHERE {group_exists('g', ':d')}"
    return dict(db.execute(sql, {"d": day.isoformat()}).fetchall())


# ---- periods and the ward map -----------------------------------------------------------


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarters_overlapping(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Each calendar quarter overlapping [start, end], with the overlap (SPEC §4)."""
    out: list[tuple[str, dt.date, dt.date]] = []
    year, q = start.year, (start.month - 1) // 3
    while True:
        q_start = dt.date(year, 3 * q + 1, 1)
        q_end = dt.date(year + (q == 3), (3 * q + 3) % 12 + 1, 1) - dt.timedelta(days=1)
        if q_start > end:
            return out
        out.append((f"{year}Q{q + 1}", max(start, q_start), min(end, q_end)))
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)


def rate(numerator: int, denominator: int) -> float:
    """A share in [0, 1], 4 places (SPEC §5); 0 when there is nothing to count."""
    return round(numerator / denominator, 4) if denominator else 0.0


def ward_map_ctes(map_date: str) -> str:
    """CTEs ``ward_chain`` and ``wmap(ward_id, map_id)``: every ward of the registry and
    the ward it had become by ``map_date`` (an SQL date expression), SPEC §4 ward map.

    The rule of ``WardIndex.on_map``: follow ``successor_id`` while the ward's
    ``valid_to`` is before the map date; a cycle typed by hand stops at the first ward
    seen twice (``path`` holds the wards seen, each between two char(31))."""
    return f"""
    ward_chain(ward_id, at_id, depth, path, looped) AS (
        SELECT id, id, 0, char(31) || id || char(31), 0 FROM ward
        UNION ALL
        SELECT c.ward_id, w.successor_id, c.depth + 1, c.path || w.successor_id || char(31),
               instr(c.path, char(31) || w.successor_id || char(31)) > 0
        FROM ward_chain c JOIN ward w ON w.id = c.at_id
        WHERE NOT c.looped AND w.successor_id IS NOT NULL AND w.successor_id <> ''
          AND w.valid_to < {map_date}
    ),
    wmap(ward_id, map_id) AS (
        SELECT ward_id, at_id FROM (
            SELECT ward_id, at_id,
                   row_number() OVER (PARTITION BY ward_id ORDER BY depth DESC) AS n
            FROM ward_chain)
        WHERE n = 1
    )"""


def _ceil_shift(s: int) -> int:
    """The least k with k * 2**s >= 625 * 2**52."""
    return -(-(625 << 52) >> s)


# For a tie k / 20000 (k odd): the shift s that puts k / 625 in [2**52, 2**53), so that
# (k << s) / 625 is the 53-bit significand of the float k / 625 before rounding.
_SHIFT = (
    "CASE "
    + " ".join(f"WHEN k >= {_ceil_shift(s)} THEN {s}" for s in range(48, 62))
    + " ELSE 62 END"
)


def rate_sql(num: str, den: str) -> str:
    """SQL: ``figures.rate(num, den)``, i.e. Python's ``round(num / den, 4)`` (0.0 when
    ``den`` is 0), for integer columns with 0 <= num <= den.

    q, r = divmod(num * 10000, den) and q or q + 1 is the nearest; only on a tie
    (2r = den, the share is k / 20000 with k = 2q + 1) does the float matter: Python
    rounds the float num / den, which is the tie itself when 625 divides k (half to
    even), else just above it (rounded up) or just below (down) as the float k / 625
    was rounded up or down to 53 bits."""
    return f"""CASE WHEN {den} > 0 THEN (
        SELECT (q + CASE WHEN 2 * r <> n THEN 2 * r > n
                         WHEN k % 625 = 0 THEN q % 2
                         ELSE 2 * ((k << {_SHIFT}) % 625) > 625 END) / 10000.0
        FROM (SELECT q, r, n, 2 * q + 1 AS k
              FROM (SELECT {num} * 10000 / {den} AS q, {num} * 10000 % {den} AS r, {den} AS n))
    ) ELSE 0.0 END"""


def _ward_targets(
    db: Database, map_date: dt.date
) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Each ward of the registry → the ward it had become by ``map_date`` (SPEC §4 ward
    map), and each mapped ward's (code, name)."""
    from cqn_cli.wards import WardIndex

    index = WardIndex(db)
    targets: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}
    for ward_id in sorted(index.wards):
        target = index.on_map(ward_id, map_date)
        targets[ward_id] = target.id
        names[target.id] = (target.code, target.name)
    return targets, names


def _ward_map(
    db: Database, map_date: dt.date
) -> tuple[str, dict[str, Any], dict[str, tuple[str, str]]]:
    """A ``wmap(ward_id, map_id)`` CTE for the map of ``map_date`` (``_ward_targets``), its
    named parameters, and each mapped ward's (code, name)."""
    targets, names = _ward_targets(db, map_date)
    params: dict[str, Any] = {}
    rows = []
    for i, (ward_id, map_id) in enumerate(targets.items()):
        params[f"w{i}"], params[f"m{i}"] = ward_id, map_id
        rows.append(f"(:w{i}, :m{i})")
    return f"wmap(ward_id, map_id) AS (VALUES {', '.join(rows)})", params, names


# ---- the figures of SPEC §4 ---------------------------------------------------------------


def _by_ward(names: dict[str, tuple[str, str]], map_id: str) -> dict[str, Any]:
    code, name = names[map_id]
    return {"ward_code": code, "ward": name}


def _ward_order(row: dict[str, Any]) -> tuple[str, str]:
    return (row.get("ward_code") or "", row.get("ward") or "")


def gathered_sql(d: str) -> str:
    """SQL: the ids of the people who are at ``d`` members of a group existing at ``d``
    (one row per such membership; on the roster or not)."""
    return (
        "SELECT ms.person_id FROM membership ms JOIN groups g ON g.id = ms.group_id"
        f" WHERE {member_at('ms', d)} AND {group_exists('g', d)}"
    )


def _roster_by_ward(d: str, flag: str) -> str:
    """SQL: per ward as the roster names it, the people on roster at ``d`` and how many of
    them satisfy the condition ``flag`` on ``p``. It reads the narrow covering index
    ``person_roster``, not the wide rows; a ward map is applied to its few rows after."""
    return f"""
        SELECT p.ward_id, count(*) AS n, coalesce(sum({flag}), 0) AS flagged
        FROM person p INDEXED BY person_roster
        WHERE {on_roster("p", d)}
        GROUP BY p.ward_id"""


def gathering_cte(d: str) -> str:
    """CTEs up to ``gathering(map_id, on_roster, gathered)``: per ward of the ``wmap`` CTE's
    map, the people on roster at ``d`` and those of them gathered at ``d`` (SPEC §4); and
    ``roster(id, map_id)``, ``gathered(person_id)`` for whoever needs the people."""
    return f"""
    roster AS (SELECT p.id, w.map_id FROM person p JOIN wmap w ON w.ward_id = p.ward_id
               WHERE {on_roster("p", d)}),
    gathered AS ({gathered_sql(d)}),
    gathering AS (
        SELECT w.map_id, sum(x.n) AS on_roster, sum(x.flagged) AS gathered
        FROM ({_roster_by_ward(d, "p.id IN (SELECT person_id FROM gathered)")}) x
        JOIN wmap w ON w.ward_id = x.ward_id
        GROUP BY w.map_id
    )"""


def _gathered_by_ward(db: Database, as_of: dt.date) -> list[tuple[str, int, int]]:
    """Per ward as the roster names it: the people on roster at D and those of them
    gathered at D (SPEC §4). The ``gathering`` CTE of the views, before the ward map."""

    def count() -> list[tuple[str, int, int]]:
        sql = _roster_by_ward(":d", f"p.id IN ({gathered_sql(':d')})")
        return db.execute(sql, {"d": as_of.isoformat()}).fetchall()

    return _reused(("gathered", as_of), count)


def gathering_by_ward(db: Database, as_of: dt.date, map_date: dt.date) -> list[dict[str, Any]]:
    """On roster and gathered at D per ward (the person's ward on the map of M)."""
    on_map, names = _ward_targets(db, map_date)
    totals: dict[str, tuple[int, int]] = {}
    for ward_id, n, g in _gathered_by_ward(db, as_of):
        map_id = on_map[ward_id]  # a roster's ward is in the registry (a foreign key)
        before = totals.get(map_id, (0, 0))
        totals[map_id] = (before[0] + n, before[1] + g)
    rows = [
        {**_by_ward(names, map_id), "on_roster": n, "gathered": g, "rate": rate(g, n)}
        for map_id, (n, g) in totals.items()
    ]
    return sorted(rows, key=_ward_order)


def gathering_by_group(db: Database, as_of: dt.date, map_date: dt.date) -> list[dict[str, Any]]:
    """Per group existing at D: the people on roster at D who are its members at D."""
    rows = _group_sizes(db, as_of, map_date)
    for r in rows:
        del r["map_id"]
    return rows


def group_sizes_cte(d: str) -> str:
    """CTE ``group_sizes(id, code, name, kind, map_id, members)``: each group existing at
    ``d``, its ward on the ``wmap`` CTE's map, and its size then (``members_of``)."""
    return f"""
    group_sizes AS (
        SELECT g.id, g.code, g.name, g.kind, w.map_id, {members_of("g", d)} AS members
        FROM groups g JOIN wmap w ON w.ward_id = g.ward_id
        WHERE {group_exists("g", d)}
    )"""


def _group_sizes(db: Database, as_of: dt.date, map_date: dt.date) -> list[dict[str, Any]]:
    """Each group existing at D with its ward on the map of M and its members (a copy)."""
    rows = _reused(("group_sizes", as_of, map_date), lambda: _sizes(db, as_of, map_date))
    return [dict(r) for r in rows]


def _sizes(db: Database, as_of: dt.date, map_date: dt.date) -> list[dict[str, Any]]:
    wmap, params, names = _ward_map(db, map_date)
    sql = f"WITH {wmap},{group_sizes_cte(':d')} SELECT code, name, kind, map_id, members"
    sql += " FROM group_sizes"
    rows = [
        {
            "group_code": code,
            "group": name,
            "kind": kind,
            **_by_ward(names, map_id),
            "members": members,
            "map_id": map_id,
        }
        for code, name, kind, map_id, members in db.execute(sql, {**params, "d": as_of.isoformat()})
    ]
    return sorted(rows, key=lambda r: (*_ward_order(r), r["kind"] != "clb", r["group_code"]))


def gathered_count(db: Database, as_of: dt.date) -> int:
    """People on roster at D who are members at D of a group existing at D, once each."""
    return sum(g for _, _, g in _gathered_by_ward(db, as_of))


def meetings_cte(start: str, end: str) -> str:
    """CTEs up to ``meetings(id, date, kind, group_id, group_code, group_name, map_id,
    expected, present, excused)``: each meeting dated in [start, end] with its group, the
    group's ward on the ``wmap`` CTE's map, and its tally (SPEC §4)."""
    return f"""
    selected AS (SELECT mt.id, mt.group_id, mt.date FROM meeting mt
                 WHERE mt.date BETWEEN {start} AND {end}),
    {_tally_ctes("selected")},
    meetings AS (
        SELECT mt.id, mt.date, mt.kind, g.id AS group_id, g.code AS group_code,
               g.name AS group_name, w.map_id, coalesce(t.expected, 0) AS expected,
               coalesce(t.present, 0) AS present, coalesce(t.excused, 0) AS excused
        FROM selected s JOIN meeting mt ON mt.id = s.id JOIN groups g ON g.id = mt.group_id
        JOIN wmap w ON w.ward_id = g.ward_id
        LEFT JOIN tally t ON t.meeting_id = s.id
    )"""


def attendance(
    db: Database, start: dt.date, end: dt.date, by: str, map_date: dt.date
) -> list[dict[str, Any]]:
    """Attendance rate of the meetings in [F, T]: Σ present among expected / Σ expected;
    excused shown on its own; by the group's ward, the group, the quarter or the kind."""
    return attendance_by(db, start, end, (by,), map_date)[by]


def attendance_by(
    db: Database, start: dt.date, end: dt.date, bys: tuple[str, ...], map_date: dt.date
) -> dict[str, list[dict[str, Any]]]:
    """``attendance`` grouped each way of ``bys``, from one pass over the meetings."""
    wmap, params, names = _ward_map(db, map_date)
    sql = f"""
    WITH {wmap},{meetings_cte(":f", ":t")}
    SELECT date, kind, group_code, group_name, map_id, expected, present, excused
    FROM meetings
    """
    args = {**params, "f": start.isoformat(), "t": end.isoformat()}
    meetings = db.execute(sql, args).fetchall()
    return {by: _bucket(meetings, by, names) for by in bys}


def _bucket(
    meetings: list[Any], by: str, names: dict[str, tuple[str, str]]
) -> list[dict[str, Any]]:
    buckets: dict[tuple[Any, ...], dict[str, Any]] = {}
    for date, kind, code, name, map_id, expected, present, excused in meetings:
        if by == "ward":
            key: tuple[Any, ...] = (map_id,)
            head = _by_ward(names, map_id)
        elif by == "group":
            key, head = (code,), {"group_code": code, "group": name}
        elif by == "quarter":
            quarter = quarter_of(dt.date.fromisoformat(date))
            key, head = (quarter,), {"quarter": quarter}
        else:
            key, head = (kind,), {"kind": kind}
        row = buckets.setdefault(
            key, {**head, "meetings": 0, "expected": 0, "present": 0, "excused": 0}
        )
        row["meetings"] += 1
        row["expected"] += expected
        row["present"] += present
        row["excused"] += excused
    rows = list(buckets.values())
    for row in rows:
        row["rate"] = rate(row["present"], row["expected"])
    order = {"ward": _ward_order, "group": lambda r: r["group_code"]}
    kinds = {"quarterly": 0, "gathering": 1, "review": 2, "other": 3}
    order["quarter"] = lambda r: r["quarter"]
    order["kind"] = lambda r: kinds[r["kind"]]
    return sorted(rows, key=order[by])


def quarterly_compliance(
    db: Database, start: dt.date, end: dt.date, map_date: dt.date
) -> list[dict[str, Any]]:
    """Clubs only: the quarters overlapping [F, T] in which the club existed on some day
    of the overlap, and those in which it held a quarterly meeting within the overlap."""
    wmap, params, names = _ward_map(db, map_date)
    quarters = quarters_overlapping(start, end)
    clubs = db.execute(
        f"WITH {wmap} SELECT g.id, g.code, g.name, w.map_id, g.founded_on, g.dissolved_on"
        " FROM groups g JOIN wmap w ON w.ward_id = g.ward_id WHERE g.kind = 'clb'",
        params,
    ).fetchall()
    held: dict[int, list[str]] = {}
    for gid, date in db.execute(
        "SELECT group_id, date FROM meeting WHERE kind = 'quarterly' AND date BETWEEN ? AND ?",
        [start.isoformat(), end.isoformat()],
    ):
        held.setdefault(gid, []).append(date)
    rows = []
    for gid, code, name, map_id, founded, dissolved in clubs:
        counted, met, missed = 0, 0, []
        for label, q_from, q_to in quarters:
            a, b = q_from.isoformat(), q_to.isoformat()
            if not ((founded is None or founded <= b) and (dissolved is None or dissolved > a)):
                continue
            counted += 1
            if any(a <= d <= b for d in held.get(gid, [])):
                met += 1
            else:
                missed.append(label)
        if counted:
            rows.append(
                {
                    "group_code": code,
                    "group": name,
                    **_by_ward(names, map_id),
                    "quarters": counted,
                    "quarters_met": met,
                    "rate": rate(met, counted),
                    "missed": missed,
                }
            )
    return sorted(rows, key=lambda r: (*_ward_order(r), r["group_code"]))


OCCASIONS = (("30/4", 4, 30), ("22/12", 12, 22))
GATHERING_WINDOW_DAYS = 15


def occasions_in(start: dt.date, end: dt.date) -> list[tuple[int, str, dt.date]]:
    """The 30/4 and 22/12 days falling in [F, T]."""
    out: list[tuple[int, str, dt.date]] = []
    for year in range(start.year, end.year + 1):
        for label, month, day in OCCASIONS:
            occasion = dt.date(year, month, day)
            if start <= occasion <= end:
                out.append((year, label, occasion))
    return out


def gatherings(
    db: Database, start: dt.date, end: dt.date, map_date: dt.date
) -> list[dict[str, Any]]:
    """Per ward and occasion O in [F, T]: on roster at O, and the distinct people on roster
    at O marked present at any gathering within 15 days of O, whoever held it."""
    wmap, params, names = _ward_map(db, map_date)
    rows = []
    for year, label, occasion in occasions_in(start, end):
        window = dt.timedelta(days=GATHERING_WINDOW_DAYS)
        came = (
            "SELECT a.person_id FROM attendance a JOIN meeting mt ON mt.id = a.meeting_id"
            " WHERE mt.kind = 'gathering' AND a.status = 'present' AND mt.date BETWEEN :a AND :b"
        )
        sql = f"""
        WITH {wmap}
        SELECT w.map_id, sum(x.n), sum(x.flagged)
        FROM ({_roster_by_ward(":o", f"p.id IN ({came})")}) x JOIN wmap w ON w.ward_id = x.ward_id
        GROUP BY w.map_id
        """
        args = {
            **params,
            "o": occasion.isoformat(),
            "a": (occasion - window).isoformat(),
            "b": (occasion + window).isoformat(),
        }
        for map_id, on_roster_n, present in db.execute(sql, args):
            rows.append(
                {
                    **_by_ward(names, map_id),
                    "year": year,
                    "occasion": label,
                    "on_roster": on_roster_n,
                    "present": present,
                    "rate": rate(present, on_roster_n),
                }
            )
    return sorted(rows, key=lambda r: (r["year"], r["occasion"] == "22/12", *_ward_order(r)))


def visits(
    db: Database, start: dt.date, end: dt.date, by: str, map_date: dt.date
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Visits in [F, T]: count, distinct people visited, total gift (VND), by the visited
    person's ward or by reason; and the same over all (people counted once)."""
    wmap, params, names = _ward_map(db, map_date)
    key = "w.map_id" if by == "ward" else "v.reason"
    base = f"""
    WITH {wmap}
    SELECT {{key}}, count(*), count(DISTINCT v.person_id), coalesce(sum(v.gift), 0)
    FROM visit v JOIN person p ON p.id = v.person_id JOIN wmap w ON w.ward_id = p.ward_id
    WHERE v.date BETWEEN :f AND :t
    """
    args = {**params, "f": start.isoformat(), "t": end.isoformat()}
    rows = []
    for k, count, people, gift in db.execute(base.format(key=key) + f" GROUP BY {key}", args):
        head = _by_ward(names, k) if by == "ward" else {"reason": k}
        rows.append({**head, "visits": count, "people": people, "gift_total": gift})
    _, count, people, gift = db.execute(base.format(key="NULL"), args).fetchone()
    total = {"visits": count, "people": people, "gift_total": gift}
    reasons = {"sick": 0, "hardship": 1, "bereavement": 2, "other": 3}
    if by == "ward":
        rows.sort(key=_ward_order)
    else:
        rows.sort(key=lambda r: reasons[r["reason"]])
    return rows, total


def inactive(db: Database, as_of: dt.date, last: int) -> list[dict[str, Any]]:
    """Members at D of a group who were expected at each of its last N meetings (any kind,
    on or before D) and present at none; a group with fewer than N such meetings has none."""
    # Candidates first (members at D who were present at none of the N meetings), then
    # the expensive part, "expected at each of the N", for those few only.
    sql = f"""
    WITH ranked AS (
        SELECT mt.id, mt.group_id, mt.date,
               row_number() OVER (PARTITION BY mt.group_id ORDER BY mt.date DESC, mt.id DESC) AS n
        FROM meeting mt WHERE mt.date <= :d
    ),
    chosen AS MATERIALIZED (
        SELECT id, group_id, date FROM ranked r
        WHERE n <= :last
          AND (SELECT count(*) FROM ranked r2 WHERE r2.group_id = r.group_id) >= :last
    ),
    candidates AS MATERIALIZED (
        SELECT DISTINCT ms.group_id, ms.person_id
        FROM membership ms
        WHERE ms.group_id IN (SELECT group_id FROM chosen) AND {member_at("ms", ":d")}
          AND NOT EXISTS (
              SELECT 1 FROM chosen c JOIN attendance a
                ON a.meeting_id = c.id AND a.person_id = ms.person_id
              WHERE c.group_id = ms.group_id AND a.status = 'present')
    ),
    expected_at AS (
        SELECT cd.group_id, cd.person_id, count(DISTINCT c.id) AS n
        FROM candidates cd
        JOIN chosen c ON c.group_id = cd.group_id
        JOIN person p ON p.id = cd.person_id
        WHERE {on_roster("p", "c.date")}
          AND EXISTS (SELECT 1 FROM membership m2
                      WHERE m2.group_id = cd.group_id AND m2.person_id = cd.person_id
                        AND {member_at("m2", "c.date")})
        GROUP BY cd.group_id, cd.person_id
    )
    SELECT e.person_id, p.full_name, g.code,
           (SELECT max(mt.date) FROM attendance a JOIN meeting mt ON mt.id = a.meeting_id
            WHERE a.person_id = e.person_id AND mt.group_id = e.group_id
              AND a.status = 'present' AND mt.date <= :d) AS last_present
    FROM expected_at e
    JOIN person p ON p.id = e.person_id JOIN groups g ON g.id = e.group_id
    WHERE e.n = :last
    """
    from cqn_cli.people import format_id
    from cqn_cli.text import vn_name_sort_key

    rows = [
        {"person_id": format_id(pk), "name": name, "group_code": code, "last_present": last_p}
        for pk, name, code, last_p in db.execute(sql, {"d": as_of.isoformat(), "last": last})
    ]
    return sorted(rows, key=lambda r: (r["group_code"], vn_name_sort_key(r["name"])))


def profile(db: Database, as_of: dt.date, map_date: dt.date) -> list[dict[str, Any]]:
    """Among the gathered at D, per ward: party, youth union, reservists, Hội CCB; and the
    CLB and BLL existing at D with their smallest and largest membership."""
    wmap, params, names = _ward_map(db, map_date)
    d = {"d": as_of.isoformat()}
    people_sql = f"""
    WITH {wmap}
    SELECT w.map_id, sum(x.n), sum(x.party), sum(x.youth), sum(x.reserve), sum(x.ccb)
    FROM (
        SELECT p.ward_id, count(*) AS n, coalesce(sum(p.party_member), 0) AS party,
               coalesce(sum(p.youth_union_member), 0) AS youth,
               coalesce(sum(p.reservist), 0) AS reserve,
               coalesce(sum(p.veterans_association_member), 0) AS ccb
        FROM person p
        WHERE p.id IN ({gathered_sql(":d")}) AND {on_roster("p", ":d")}
        GROUP BY p.ward_id
    ) x JOIN wmap w ON w.ward_id = x.ward_id
    GROUP BY w.map_id
    """
    rows: dict[str, dict[str, Any]] = {}

    def row(map_id: str) -> dict[str, Any]:
        return rows.setdefault(
            map_id,
            {
                **_by_ward(names, map_id),
                "gathered": 0,
                "party_members": 0,
                "youth_union_members": 0,
                "reservists": 0,
                "ccb_members": 0,
                "clubs": 0,
                "boards": 0,
                "smallest_group": None,
                "largest_group": None,
            },
        )

    for map_id, gathered, party, youth, reserve, ccb in db.execute(people_sql, {**params, **d}):
        r = row(map_id)
        r.update(
            gathered=gathered,
            party_members=party,
            youth_union_members=youth,
            reservists=reserve,
            ccb_members=ccb,
        )
    for group in _group_sizes(db, as_of, map_date):
        r = row(group["map_id"])
        r["clubs" if group["kind"] == "clb" else "boards"] += 1
        size = group["members"]
        smallest, largest = r["smallest_group"], r["largest_group"]
        r["smallest_group"] = size if smallest is None else min(smallest, size)
        r["largest_group"] = size if largest is None else max(largest, size)
    return sorted(rows.values(), key=_ward_order)
