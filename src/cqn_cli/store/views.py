"""SQL views named for the figures of SPEC §4, for whoever reads the database with
``sqlite3`` or Datasette instead of ``cqn stats``.

A view takes no parameters, so each one is read *as of today* (``date('now',
'localtime')``, the computer's local date) on *today's ward map*; the attendance views
cover the current calendar year (1 January to 31 December of today's year, including
meetings dated later this year). For any other date, period or map use ``cqn stats``.

Each view is built here from the SQL building blocks of ``cqn_cli.figures`` (on roster,
member at, group exists, a meeting's tally), so that a figure keeps one definition; the
tests check every view against the figure it is named for. Two things are written here
in SQL that ``figures`` does in Python, because a view cannot call Python:

- the ward map (``ward_map_ctes``): ``figures._ward_map`` lists each ward's target as
  VALUES computed by ``WardIndex.on_map``; a view follows ``successor_id`` with a
  recursive CTE, the same rule, guarded against a cycle the same way;
- the rate (``rate_sql``): ``figures.rate`` is Python's ``round(n / d, 4)``; SQLite's
  ``round()`` differs from it on ties (1/32 = 0.03125 is 0.0313 in SQLite, 0.0312 in
  Python), so the rate is rounded with integers exactly as Python rounds the float.

No view shows a person's national_id, phone, address, birth date or notes (SPEC §7):
people are shown by their cqn id (CQN000123) and name only.

**Migrations.** Migration ``0008_figure_views`` calls ``create_views``. A migration is
frozen once shipped, but it calls this module: a new database gets the views as they
are defined here now (SQLite does not check a view's tables when it is created). After
changing a view, add a new migration that calls ``create_views(db)`` again, so that
existing databases get the change. A migration that rebuilds a table a view reads
(sqlite-utils ``transform``), renames it or drops one of its columns must call
``drop_views(db)`` first and ``create_views(db)`` at its end: SQLite refuses ``ALTER
TABLE … RENAME`` and ``DROP COLUMN`` while a view names a missing table or column.
"""

from __future__ import annotations

from cqn_cli.figures import (
    gathering_cte,
    group_sizes_cte,
    meeting_tallies_sql,
    meetings_cte,
    rate_sql,
    ward_map_ctes,
)
from cqn_cli.store.db import Database

TODAY = "date('now', 'localtime')"

# "today", computed once per query (``now`` could otherwise move on at midnight mid-query).
_TODAY_CTE = f"today(d) AS MATERIALIZED (SELECT {TODAY})"

_D = "(SELECT d FROM today)"
_WMAP = ward_map_ctes(_D)


def _view(meaning: str, select: str) -> str:
    """A view's text: its meaning as SQL comment lines (SQLite keeps them in the view's
    text in sqlite_master, shown by ``.schema``), then its SELECT."""
    comment = "".join(f"-- {line}".rstrip() + "\n" for line in meaning.strip().splitlines())
    return comment + select.strip()


# ---- the views ------------------------------------------------------------------------


def _meeting_attendance() -> str:
    # figures.meeting_tallies with no filter.
    return _view(
        """
meeting_attendance: one row per meeting (SPEC §4 "expected at a meeting"), as
`cqn meeting list` counts it.
  expected: members of the meeting's group on the meeting date who were on the roster
            that day (a person with overlapping memberships counts once);
  present, excused: expected members marked so; absent = expected - present - excused
            (an expected member with no mark is absent);
  guests:   people marked (present, excused or absent) who were not expected; SPEC §4
            counts marks recorded for others as present guests (not in any rate).
""",
        f"""SELECT code AS meeting_code, date, kind, group_code, title,
           expected, present, excused, absent, guests
    FROM ({meeting_tallies_sql("1 = 1")})
""",
    )


def _ward_map_today() -> str:
    return _view(
        """
ward_map_today: every ward of the registry (ward_id, as written on a roster of any
year) and the ward it has become on today's map (map_ward_id): follow successor_id
while the ward's valid_to is before today (SPEC §4 ward map). The figure views count
a person or group under map_ward_id.
""",
        f"""WITH RECURSIVE {_TODAY_CTE},{_WMAP}
    SELECT m.ward_id, w.code AS ward_code, w.name AS ward_name,
           m.map_id AS map_ward_id, mw.code AS map_ward_code, mw.name AS map_ward_name
    FROM wmap m JOIN ward w ON w.id = m.ward_id JOIN ward mw ON mw.id = m.map_id
    ORDER BY m.ward_id
""",
    )


def _gathering_by_ward() -> str:
    # figures.gathering_by_ward(db, today, today).
    return _view(
        """
gathering_by_ward: per ward of today's map (SPEC §4 "gathering rate"), as of today:
  on_roster: people on the roster today;
  gathered:  of them, those who are today a member of at least one group (CLB or BLL)
             that exists today;
  rate:      gathered / on_roster, 4 places (0 when nobody is on the roster).
A person counts under their ward as rolled up to today's map (see ward_map_today).
""",
        f"""WITH RECURSIVE {_TODAY_CTE},{_WMAP},{gathering_cte(_D)}
    SELECT (SELECT d FROM today) AS as_of, c.map_id AS ward_id, w.code AS ward_code,
           w.name AS ward_name, c.on_roster, c.gathered,
           {rate_sql("c.gathered", "c.on_roster")} AS rate
    FROM gathering c JOIN ward w ON w.id = c.map_id
    ORDER BY w.code, w.name
""",
    )


def _gathering_by_group() -> str:
    # figures.gathering_by_group(db, today, today).
    return _view(
        """
gathering_by_group: per group (CLB or BLL) that exists today (founded on or before today
or unknown, not dissolved on or before today), as of today (SPEC §4):
  members: people on the roster today who are members of the group today, each once.
The group's ward is shown on today's map. A person in two groups counts in both here;
gathering_by_ward counts each person once.
""",
        f"""WITH RECURSIVE {_TODAY_CTE},{_WMAP},{group_sizes_cte(_D)}
    SELECT (SELECT d FROM today) AS as_of, g.code AS group_code, g.name AS group_name, g.kind,
           g.map_id AS ward_id, mw.code AS ward_code, mw.name AS ward_name, g.members
    FROM group_sizes g JOIN ward mw ON mw.id = g.map_id
    ORDER BY mw.code, mw.name, g.kind <> 'clb', g.code COLLATE BINARY
""",
    )


def _meetings_this_year() -> str:
    """CTEs up to ``meetings``: each meeting dated in today's calendar year with its group,
    the group's ward on today's map and its tally (as ``figures.attendance``)."""
    start, end = (
        "substr((SELECT d FROM today), 1, 4) || '-01-01'",
        "substr((SELECT d FROM today), 1, 4) || '-12-31'",
    )
    return f"""WITH RECURSIVE {_TODAY_CTE},{_WMAP},{meetings_cte(start, end)}"""


_ATTENDANCE_COLUMNS = """
  meetings: the meetings (any kind) dated this year;
  expected: the sum over those meetings of the members expected (members of the group
            on the meeting date who were on the roster that day);
  present, excused: of them, those marked present / excused (no mark = absent);
  rate:     present / expected, 4 places (0 when nobody was expected). Guests are not
            counted anywhere here.
"""


def _attendance_by_group() -> str:
    # figures.attendance(db, 1 Jan, 31 Dec, "group", today).
    return _view(
        """
attendance_by_group: per group that held a meeting this calendar year (1 January to
31 December of today's year, later meetings of the year included), SPEC §4
"attendance rate":"""
        + _ATTENDANCE_COLUMNS,
        f"""{_meetings_this_year()},
    counted AS (
        SELECT group_code, group_name, count(*) AS meetings, sum(expected) AS expected,
               sum(present) AS present, sum(excused) AS excused
        FROM meetings GROUP BY group_id
    )
    SELECT CAST(substr((SELECT d FROM today), 1, 4) AS INTEGER) AS year,
           c.group_code, c.group_name, c.meetings, c.expected, c.present, c.excused,
           {rate_sql("c.present", "c.expected")} AS rate
    FROM counted c
    ORDER BY c.group_code COLLATE BINARY
""",
    )


def _attendance_by_ward() -> str:
    # figures.attendance(db, 1 Jan, 31 Dec, "ward", today).
    return _view(
        """
attendance_by_ward: per ward of today's map, the meetings of this calendar year (1
January to 31 December of today's year) of the groups of the ward: a meeting counts
under its group's ward, rolled up to today's map (SPEC §4 "attendance rate"):"""
        + _ATTENDANCE_COLUMNS,
        f"""{_meetings_this_year()},
    counted AS (
        SELECT map_id, count(*) AS meetings, sum(expected) AS expected,
               sum(present) AS present, sum(excused) AS excused
        FROM meetings GROUP BY map_id
    )
    SELECT CAST(substr((SELECT d FROM today), 1, 4) AS INTEGER) AS year,
           c.map_id AS ward_id, w.code AS ward_code, w.name AS ward_name,
           c.meetings, c.expected, c.present, c.excused,
           {rate_sql("c.present", "c.expected")} AS rate
    FROM counted c JOIN ward w ON w.id = c.map_id
    ORDER BY w.code, w.name
""",
    )


def _people_on_roster() -> str:
    return _view(
        """
people_on_roster: the people on the roster today (SPEC §4: registered on or before
today or date unknown, and not moved out or deceased on or before today):
  person_id: the cqn id (CQN000123); name (NULL once the person's data was erased);
  ward: their ward on today's map; gathered: 1 if today a member of a group that exists
  today, else 0. No national id, phone, address, birth date or notes (personal data).
""",
        f"""WITH RECURSIVE {_TODAY_CTE},{_WMAP},{gathering_cte(_D)}
    SELECT printf('CQN%06d', p.id) AS person_id,
           CASE WHEN p.forgotten_on IS NULL THEN p.full_name END AS name,
           r.map_id AS ward_id, mw.code AS ward_code, mw.name AS ward_name,
           r.id IN (SELECT person_id FROM gathered) AS gathered
    FROM roster r JOIN person p ON p.id = r.id
    JOIN ward mw ON mw.id = r.map_id
    ORDER BY p.id
""",
    )


VIEWS: dict[str, str] = {
    "meeting_attendance": _meeting_attendance(),
    "ward_map_today": _ward_map_today(),
    "gathering_by_ward": _gathering_by_ward(),
    "gathering_by_group": _gathering_by_group(),
    "attendance_by_group": _attendance_by_group(),
    "attendance_by_ward": _attendance_by_ward(),
    "people_on_roster": _people_on_roster(),
}
"""Each view's name and its SELECT (with its meaning in a leading SQL comment)."""


def drop_views(db: Database) -> None:
    """Drop the views of ``VIEWS`` (those that exist)."""
    for name in VIEWS:
        db.execute(f"DROP VIEW IF EXISTS {name}")


def create_views(db: Database) -> None:
    """Drop and re-create every view of ``VIEWS``, in the caller's transaction."""
    drop_views(db)
    for name, select in VIEWS.items():
        db.execute(f"CREATE VIEW {name} AS\n{select}")
