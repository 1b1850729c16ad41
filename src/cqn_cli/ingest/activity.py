"""Groups, memberships, attendance and visits: the loaders of the other four imports.

Each checks what protects the figures (SPEC §3, §4): a membership inside its
group's life, a meeting of a group that existed that day, one mark per person
per meeting, a meeting's rows agreeing on date, kind and group, no future
dates, no negative or absurd gift.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import sqlite3
from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from cqn_cli.dates import format_date, precision_prefix_compare
from cqn_cli.errors import FieldProblem, RowProblem
from cqn_cli.i18n import lang
from cqn_cli.ingest.fields import (
    ATTENDANCE,
    GROUPS,
    MEMBERS,
    PERSON_REF,
    VISITS,
    Field,
    HeaderMap,
)
from cqn_cli.ingest.read import Cell
from cqn_cli.ingest.rows import BATCH, LaterIndexes, RowLoader
from cqn_cli.people import PersonResolver, format_id, now_iso
from cqn_cli.store.db import Database, trigger_left_out
from cqn_cli.wards import WardIndex, check_default_ward


@dataclass
class Group:
    id: int
    code: str
    name: str
    kind: str
    ward_id: str
    founded_on: str | None
    dissolved_on: str | None

    def exists_on(self, iso: str) -> bool:
        """SPEC §4: ``founded_on`` ≤ D or empty, ``dissolved_on`` > D or empty."""
        return (self.founded_on is None or self.founded_on <= iso) and (
            self.dissolved_on is None or self.dissolved_on > iso
        )


class GroupIndex:
    """Every group by code (case-insensitive), in memory."""

    def __init__(self, db: Database) -> None:
        self.by_code: dict[str, Group] = {}
        for r in db.query("SELECT * FROM groups"):
            self.add(
                Group(
                    r["id"],
                    r["code"],
                    r["name"],
                    r["kind"],
                    r["ward_id"],
                    r["founded_on"],
                    r["dissolved_on"],
                )
            )
        row = db.execute("SELECT coalesce(max(id), 0) FROM groups").fetchone()
        self.next_id = int(row[0]) + 1
        self._misses: dict[str, FieldProblem] = {}

    def add(self, group: Group) -> None:
        self.by_code[group.code.casefold()] = group

    def get(self, code: str) -> Group | None:
        return self.by_code.get(code.casefold())

    def find(self, code: str) -> Group:
        """The group of that code, or FieldProblem with a "did you mean" (worked out once)."""
        group = self.get(code)
        if group is not None:
            return group
        known = self._misses.get(code.casefold())
        if known is None:
            known = self._miss(code)
            self._misses[code.casefold()] = known
        raise FieldProblem(known.key, **known.params)

    def _miss(self, code: str) -> FieldProblem:
        close = difflib.get_close_matches(code.casefold(), list(self.by_code), n=1, cutoff=0.6)
        if close:
            suggestion = self.by_code[close[0]].code
            return FieldProblem("ref.unknown_group_suggest", value=code, suggestion=suggestion)
        return FieldProblem("ref.unknown_group", value=code)


# The cells that name a person (``PersonResolver.resolve``).
_PERSON_REFERENCE = tuple(f.name for f in PERSON_REF)


class _ActivityLoader(RowLoader):
    """Shared by the loaders that name people and groups."""

    def start(self, header: HeaderMap, header_cells: Sequence[Cell], header_line: int) -> None:
        super().start(header, header_cells, header_line)
        self.wards = WardIndex(self.db)
        self.people = PersonResolver(self.db, self.as_of, self.wards, numbers_at_once=True)
        self.groups = GroupIndex(self.db)
        self._person_cache: dict[tuple[Any, ...], int] = {}

    def person(self, line: int, values: dict[str, Any]) -> tuple[int | None, list[RowProblem]]:
        """The person a row names, or the problem with the reference."""
        key = (
            values.get("national_id"),
            values.get("person_id"),
            values.get("full_name"),
            values.get("birth_date"),
            values.get("ward"),
        )
        cached = self._person_cache.get(key)
        if cached is not None:
            return cached, []
        try:
            pk = self.people.resolve(
                cccd=key[0], person_id=key[1], name=key[2], birth=key[3], ward=key[4]
            )
        except FieldProblem as p:
            if p.key.startswith(("file.unknown_ward", "file.ambiguous_ward")):
                col = self.col("phuong")  # the ward written is what is wrong
            else:
                col = next(
                    (
                        self.col(n)
                        for n in ("so_cccd", "ma_cqn", "ho_ten")
                        if self.col(n) and values.get(self.col(n).key)  # type: ignore[union-attr]
                    ),
                    None,
                )
            return None, [self.problem(line, col, None, p.key, **p.params)]
        self._person_cache[key] = pk
        return pk, []

    def person_and_group(
        self, line: int, cells: Sequence[Cell]
    ) -> tuple[dict[str, Any], int | None, Group | None, list[RowProblem]]:
        """A row parsed, with the person and the group (if any) it names, or the problems:
        all of them (a refused date does not hide an unknown person), except a reference
        whose own cells are refused."""
        values, problems = self.parse(line, cells)
        if not problems:  # the common row: nothing refused to step around
            pk, problems = self.person(line, values)
            group, more = self.group(line, values.get("group_code"))
            return values, pk, group, problems + more
        refused = {p.column for p in problems}
        pk = group = None
        if not self.among(refused, _PERSON_REFERENCE):
            pk, more = self.person(line, values)
            problems += more
        if not self.among(refused, ("ma_nhom",)):
            group, more = self.group(line, values.get("group_code"))
            problems += more
        return values, pk, group, problems

    def group(
        self, line: int, code: str | None, field: str = "ma_nhom"
    ) -> tuple[Group | None, list[RowProblem]]:
        if not code:
            return None, []
        try:
            return self.groups.find(code), []
        except FieldProblem as p:
            return None, [self.problem(line, self.col(field), code, p.key, **p.params)]


# ---- groups -------------------------------------------------------------------------


class GroupsLoader(_ActivityLoader):
    """``cqn import groups``: CLB and BLL by code, upserted."""

    fields: Sequence[Field] = GROUPS
    writes: tuple[str, ...] = ("groups",)
    needs_ward = True  # a person, a group: each in a ward

    def __init__(
        self, db: Database, *, as_of: dt.date, today: dt.date, default_ward: str | None
    ) -> None:
        super().__init__(db, as_of=as_of, today=today)
        self.default_ward = default_ward
        self._lines: dict[str, int] = {}  # code → line of this file

    def start(self, header: HeaderMap, header_cells: Sequence[Cell], header_line: int) -> None:
        super().start(header, header_cells, header_line)
        if self.default_ward:
            check_default_ward(self.wards, self.default_ward, self.as_of)

    def row(self, line: int, cells: Sequence[Cell]) -> list[RowProblem]:
        values, problems = self.parse(line, cells)
        refused = {p.column for p in problems}  # a bad date does not hide a bad ward
        ward_id, more = self.ward_of(line, values, refused)
        problems += more
        if problems or ward_id is None:
            return problems
        code = values["code"]
        if code.casefold() in self._lines:
            other = self._lines[code.casefold()]
            return [self.problem(line, self.col("ma_nhom"), code, "row.code_twice", other=other)]
        founded, dissolved = values.get("founded_on"), values.get("dissolved_on")
        if founded and dissolved and dissolved <= founded:
            col = self.col("ngay_giai_the")
            return [self.problem_in(line, cells, col, dissolved, "group.dissolved_before_founded")]
        self._lines[code.casefold()] = line
        held = self.groups.get(code)
        now = now_iso()
        if held is None:
            group = Group(
                self.groups.next_id,
                code,
                values["name"],
                values["kind"],
                ward_id,
                founded,
                dissolved,
            )
            self.groups.next_id += 1
            self.groups.add(group)
            self.db.execute(
                "INSERT INTO groups (id, code, name, kind, ward_id, founded_on, dissolved_on,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [group.id, code, group.name, group.kind, ward_id, founded, dissolved, now, now],
            )
            self.counts.inserted += 1
            return []
        # Blank dates leave what is held (SPEC: blank cells do not erase).
        new = (
            values["name"],
            values["kind"],
            ward_id,
            founded or held.founded_on,
            dissolved or held.dissolved_on,
        )
        old = (held.name, held.kind, held.ward_id, held.founded_on, held.dissolved_on)
        if new[3] and new[4] and new[4] <= new[3]:  # a blank cell kept the held date
            # The cell given is the one at odds with the date held.
            col = self.col("ngay_giai_the" if dissolved else "ngay_thanh_lap")
            key = "group.dissolved_before_founded"
            return [self.problem_in(line, cells, col, dissolved or founded, key)]
        if new == old:
            self.counts.unchanged += 1
            return []
        orphan = self._orphan(held.id, new[3], new[4])
        if orphan:
            key = f"group.would_orphan_{orphan[0]}"
            return [self.problem(line, self.col("ma_nhom"), code, key, date=orphan[1])]
        held.name, held.kind, held.ward_id, held.founded_on, held.dissolved_on = new
        self.db.execute(
            "UPDATE groups SET name = ?, kind = ?, ward_id = ?, founded_on = ?, dissolved_on = ?,"
            " updated_at = ? WHERE id = ?",
            [*new, now, held.id],
        )
        self.counts.updated += 1
        return []

    def _orphan(self, group_id: int, founded: str | None, dissolved: str | None) -> list[str]:
        """A membership or meeting already held that new dates would put outside the group's
        life: [kind, date], or [] if none."""
        row = self.db.execute(
            """
            SELECT 'membership', joined_on FROM membership
            WHERE group_id = :g AND ((:f IS NOT NULL AND joined_on < :f)
                                     OR (:d IS NOT NULL AND joined_on >= :d))
            UNION ALL
            SELECT 'meeting', date FROM meeting
            WHERE group_id = :g AND ((:f IS NOT NULL AND date < :f)
                                     OR (:d IS NOT NULL AND date >= :d))
            LIMIT 1
            """,
            {"g": group_id, "f": founded, "d": dissolved},
        ).fetchone()
        return list(row) if row else []


# ---- members ------------------------------------------------------------------------


class MembersLoader(_ActivityLoader):
    """``cqn import members``: who is in which group, from when to when, in which role."""

    fields: Sequence[Field] = MEMBERS
    writes: tuple[str, ...] = ("membership",)

    def start(self, header: HeaderMap, header_cells: Sequence[Cell], header_line: int) -> None:
        super().start(header, header_cells, header_line)
        # (person, group) → [(membership id or None, joined, left, line or None)]
        self.people.refuse_erased = False  # ending an erased person's membership is allowed
        self.spans: dict[tuple[int, int], list[tuple[int | None, str, str | None, int | None]]]
        self.spans = {}
        for mid, pid, gid, joined, left in self.db.execute(
            "SELECT id, person_id, group_id, joined_on, left_on FROM membership"
        ):
            self.spans.setdefault((pid, gid), []).append((mid, joined, left, None))

    def row(self, line: int, cells: Sequence[Cell]) -> list[RowProblem]:
        values, pk, group, problems = self.person_and_group(line, cells)
        if problems or pk is None or group is None:
            return problems
        joined, left, role = values["joined_on"], values.get("left_on"), values.get("role")
        col_joined, col_left = self.col("ngay_tham_gia"), self.col("ngay_roi")
        held = self.people.index.held(pk)
        birth = held.birth if held else None
        if birth and precision_prefix_compare(joined, birth) < 0:
            problems.append(
                self.problem_in(line, cells, col_joined, joined, "member.before_birth", date=birth)
            )
        if group.founded_on and joined < group.founded_on:
            problems.append(
                self.problem_in(
                    line, cells, col_joined, joined, "member.before_founding", date=group.founded_on
                )
            )
        if group.dissolved_on and joined >= group.dissolved_on:
            problems.append(
                self.problem_in(
                    line,
                    cells,
                    col_joined,
                    joined,
                    "member.after_dissolution",
                    date=group.dissolved_on,
                )
            )
        if left and left < joined:
            problems.append(
                self.problem_in(line, cells, col_left, left, "member.left_before_joined")
            )
        if problems:
            return problems
        spans = self.spans.setdefault((pk, group.id), [])
        same = next((s for s in spans if s[1] == joined), None)
        if same is None and self.people.erased(pk):  # new data (ending one held is not)
            return [self.problem(line, None, None, "ref.forgotten", id=format_id(pk))]
        if same is not None and same[3] is not None:
            return [self.problem(line, None, None, "row.member_twice", other=same[3])]
        end = left or (same[2] if same else None)
        for mid, other_joined, other_left, other_line in spans:
            if same is not None and mid == same[0]:
                continue
            if _overlap(joined, end, other_joined, other_left):
                if other_line is not None:  # a line of this file
                    key, other = "member.overlap_line", str(other_line)
                else:  # a membership already held, known by its joining date
                    key, other = "member.overlap", other_joined
                return [
                    self.problem_in(
                        line, cells, col_joined, joined, key, other=other, group=group.code
                    )
                ]
        if same is None:
            spans.append((None, joined, left, line))
            self.db.execute(
                "INSERT INTO membership (person_id, group_id, joined_on, left_on, role)"
                " VALUES (?, ?, ?, ?, ?)",
                [pk, group.id, joined, left, role],
            )
            self.counts.inserted += 1
            return []
        spans[spans.index(same)] = (same[0], joined, end, line)
        cursor = self.db.execute(
            "UPDATE membership SET left_on = coalesce(?1, left_on), role = coalesce(?2, role)"
            " WHERE id = ?3 AND (left_on IS NOT coalesce(?1, left_on)"
            " OR role IS NOT coalesce(?2, role))",
            [left, role, same[0]],
        )
        if cursor.rowcount:
            self.counts.updated += 1
        else:
            self.counts.unchanged += 1
        return []


def _overlap(a_from: str, a_to: str | None, b_from: str, b_to: str | None) -> bool:
    """Two membership spans [from, to) share a day."""
    return (b_to is None or a_from < b_to) and (a_to is None or b_from < a_to)


# ---- attendance ---------------------------------------------------------------------


# The cells of an attendance row that name its meeting (the rest name the person, and the mark).
_MEETING_CELLS = ("ma_hop", "ngay", "loai", "ma_nhom", "tieu_de")
# The new marks of one meeting with one status: the people's ids as a JSON array.
_MARKS_FROM_JSON = (
    "INSERT OR IGNORE INTO attendance (meeting_id, person_id, status)"
    " SELECT ?1, value, ?2 FROM json_each(?3)"
)
NEW_MARKS_BATCH = 20_000


def _cells_at(indexes: Sequence[int]) -> Callable[[Sequence[Cell]], Any]:
    """The cells of a row at ``indexes``, as one key (none: a file naming nobody, whose
    rows are all refused, so that key is never known good)."""
    return itemgetter(*indexes) if indexes else lambda cells: ()


class _Parts:
    """The different values of one part of a file's rows (a meeting's cells, a person's,
    a mark), numbered in the order first seen, alike by the process that reads the rows
    (``number``) and the one that takes them (``seen``): a row goes from one to the
    other as three numbers, a part's cells only the first time."""

    def __init__(self, indexes: Sequence[int]) -> None:
        self.indexes = indexes  # where the part's cells are in a row
        self.numbers: dict[Any, int] = {}  # reading: part → number
        self.parts: list[Any] = []  # taking: number → part
        self.good: list[Any] = []  # taking: number → what the part is, once known good

    def number(self, part: Any) -> Any:
        """The number of ``part`` if seen before, else the part itself (numbered now)."""
        n = self.numbers.get(part)
        if n is None:
            self.numbers[part] = len(self.numbers)
            return part
        return n

    def seen(self, sent: Any) -> int:
        """The number of what ``number`` sent."""
        if type(sent) is int:  # a part is cells (text) or a tuple of them, never a number
            return sent
        self.parts.append(sent)
        self.good.append(None)
        return len(self.parts) - 1

    def put(self, n: int, cells: list[Cell]) -> None:
        """Part ``n``'s cells in their places in ``cells``."""
        part = self.parts[n]
        one = len(self.indexes) == 1  # a key of one cell is the cell (``_cells_at``)
        for i, cell in zip(self.indexes, (part,) if one else part, strict=True):
            cells[i] = cell


class _Marked:
    """Person → the line of this file that marked them at one meeting. The marks of the
    meeting a file is at are in a small table; once it goes on to another, they are put
    away in two sorted arrays, 16 bytes a mark rather than a table's 70 or so with its
    numbers (a city's 2,000,000 marks: 135 MB of a 310 MB peak). A file whose rows go
    back and forth between meetings puts them away in ever larger batches (``settle``)."""

    __slots__ = ("lines", "people", "recent")
    SETTLED = 32  # marks in the small table before it is put away

    def __init__(self) -> None:
        self.recent: dict[int, int] = {}
        self.people = array("q")  # sorted
        self.lines = array("q")  # the line of each of ``people``

    def first(self, pk: int, line: int) -> int:
        """The line that marked ``pk`` here first: ``line`` if none did before (it does)."""
        people = self.people
        if people:
            i = bisect_left(people, pk)
            if i < len(people) and people[i] == pk:
                return self.lines[i]
        return self.recent.setdefault(pk, line)

    def settle(self) -> None:
        """The marks of the small table put away (the file has gone on to another
        meeting), once there are enough of them to be worth it: ``SETTLED``, and an
        eighth of those put away before, so that a file going back and forth between
        meetings (sorted by person) merges each meeting's marks a few dozen times in
        all, not once every ``SETTLED`` marks (a time that grew with the square)."""
        recent = self.recent
        if len(recent) < max(self.SETTLED, len(self.people) >> 3):
            return
        if self.people:
            merged = sorted([*zip(self.people, self.lines, strict=True), *recent.items()])
            people, lines = [p for p, _ in merged], [n for _, n in merged]
        else:
            people = sorted(recent)
            lines = list(map(recent.__getitem__, people))
        self.people, self.lines, self.recent = array("q", people), array("q", lines), {}


@dataclass
class _Meeting:
    id: int
    group_id: int
    date: str
    kind: str
    line: int | None  # first line of this file that named it; None if held before
    marked: _Marked = field(default_factory=_Marked)


class AttendanceLoader(_ActivityLoader):
    """``cqn import attendance``: one mark per person per meeting; meetings made on first sight."""

    fields: Sequence[Field] = ATTENDANCE
    writes: tuple[str, ...] = ("meeting", "attendance")
    checks_references = True  # every mark's meeting and person, at once in ``finish``

    def start(self, header: HeaderMap, header_cells: Sequence[Cell], header_line: int) -> None:
        super().start(header, header_cells, header_line)
        self.meetings: dict[str, _Meeting] = {}
        for mid, code, gid, date, kind in self.db.execute(
            "SELECT id, code, group_id, date, kind FROM meeting"
        ):
            self.meetings[code.casefold()] = _Meeting(mid, gid, date, kind, None)
        row = self.db.execute("SELECT coalesce(max(id), 0) FROM meeting").fetchone()
        self._next_meeting = int(row[0]) + 1
        self._new_meetings: list[tuple[Any, ...]] = []
        self._marks: list[tuple[int, int, str]] = []  # for meetings held before this file
        # For meetings this file made: (meeting, status) → people, and how many.
        self._new_marks: dict[tuple[int, str], list[int]] = {}
        self._new_count = 0
        self._queued = 0  # marks of either kind since the last flush
        # A file's rows repeat their meeting (code, date, kind, group, title) and their
        # people: the cells of a part once checked in a good row are known by the cells
        # themselves, and a row made only of known parts needs no parsing again. Every
        # check of a part depends on its cells alone (the people and groups do not change
        # during the import; a meeting agrees with itself), so the outcome is the same.
        at = {c.field.name: c.index for c in self.columns}
        meeting_part = [at[n] for n in _MEETING_CELLS if n in at]
        person_part = [i for n, i in at.items() if n not in _MEETING_CELLS and n != "trang_thai"]
        self._meeting_cells = _cells_at(meeting_part)
        self._person_cells = _cells_at(person_part)
        self._status_cell = at["trang_thai"]
        self._reach = max(at.values()) + 1  # a shorter row (a workbook's) goes the long way
        self._known_meetings: dict[Any, _Meeting] = {}
        self._known_people: dict[Any, int] = {}
        self._known_marks: dict[Cell, str] = {}
        self._marking: _Meeting | None = None  # the meeting of the last mark
        # Rows read by a second process (a big file): its parts, numbered (see ``take``).
        self._parts = (_Parts(meeting_part), _Parts(person_part), _Parts([self._status_cell]))
        # Past as many marks again as were held, the index by person is built once at the
        # end rather than grown mark by mark (random inserts, page after page).
        self._later = LaterIndexes(self.db, "attendance", ["attendance_person"])

    def row(self, line: int, cells: Sequence[Cell]) -> list[RowProblem]:
        if len(cells) >= self._reach:
            meeting = self._known_meetings.get(self._meeting_cells(cells))
            pk = self._known_people.get(self._person_cells(cells))
            status = self._known_marks.get(cells[self._status_cell])
            if meeting is not None and pk is not None and status is not None:
                return self._mark(line, meeting, pk, status)
        values, pk, group, problems = self.person_and_group(line, cells)
        if problems or group is None or pk is None:
            return problems + self._disagreeing(line, values, group)
        code, date, kind = values["meeting_code"], values["date"], values["kind"]
        meeting = self.meetings.get(code.casefold())
        if meeting is None:
            if not group.exists_on(date):
                col = self.col("ngay")
                return [
                    self.problem_in(
                        line,
                        cells,
                        col,
                        date,
                        "meeting.group_not_existing",
                        group=group.code,
                        founded=group.founded_on or "—",
                        dissolved=group.dissolved_on or "—",
                    )
                ]
            meeting = _Meeting(self._next_meeting, group.id, date, kind, line)
            self._next_meeting += 1
            self.meetings[code.casefold()] = meeting
            self._new_meetings.append((meeting.id, code, group.id, date, kind, values.get("title")))
        elif disagreeing := self._disagreeing(line, values, group):
            return disagreeing
        if len(cells) >= self._reach:  # every part of this row is now known good
            self._known_meetings[self._meeting_cells(cells)] = meeting
            self._known_people[self._person_cells(cells)] = pk
            self._known_marks[cells[self._status_cell]] = values["status"]
        return self._mark(line, meeting, pk, values["status"])

    # -- engine.PreparesApart: a big file's rows are read by a second process meanwhile,
    # which sends each as the numbers of its three parts (``_Parts``): a file of two
    # million marks names a few thousand meetings and people, and three marks.
    def prepares_apart(self) -> bool:
        return True

    def prepare(self, line: int, cells: Sequence[Cell]) -> Any:
        if len(cells) < self._reach:
            return list(cells)  # a short row: as it is, the long way
        meetings, people, marks = self._parts
        return (
            meetings.number(self._meeting_cells(cells)),
            people.number(self._person_cells(cells)),
            marks.number(cells[self._status_cell]),
        )

    def writes_while_read(self) -> None:
        pass  # its one index left out, as ever: this process is the slower of the two

    def prepare_many(self, rows: Sequence[tuple[int, Sequence[Cell]]]) -> list[Any]:
        return [self.prepare(line, cells) for line, cells in rows]

    def take(self, line: int, prepared: Any) -> list[RowProblem]:
        if type(prepared) is list:
            return self.row(line, prepared)
        meetings, people, marks = self._parts
        m, p, s = meetings.seen(prepared[0]), people.seen(prepared[1]), marks.seen(prepared[2])
        meeting, pk, status = meetings.good[m], people.good[p], marks.good[s]
        if meeting is not None and pk is not None and status is not None:
            return self._mark(line, meeting, pk, status)
        # A part not known good yet: the row's cells again (those of no field are not
        # read), the ordinary way, which knows the parts of a good row.
        cells: list[Cell] = [""] * self._reach
        for part, n in ((meetings, m), (people, p), (marks, s)):
            part.put(n, cells)
        problems = self.row(line, cells)
        if not problems:
            meetings.good[m] = self._known_meetings[meetings.parts[m]]
            people.good[p] = self._known_people[people.parts[p]]
            marks.good[s] = self._known_marks[marks.parts[s]]
        return problems

    def _disagreeing(
        self, line: int, values: dict[str, Any], group: Group | None
    ) -> list[RowProblem]:
        """A row whose meeting, as held or as a good row of this file made it, has another
        group, date or kind; a row refused for its person or mark is told so with the
        rest. (A refused row makes no meeting: with --skip-bad the good rows after it are
        imported.)"""
        code, date, kind = values.get("meeting_code"), values.get("date"), values.get("kind")
        held = self.meetings.get(code.casefold()) if code else None
        if group is None or held is None or date is None or kind is None:
            return []
        if (held.group_id, held.date, held.kind) == (group.id, date, kind):
            return []
        where = held.line if held.line is not None else "—"
        return [self.problem(line, self.col("ma_hop"), code, "meeting.disagrees", other=where)]

    def _mark(self, line: int, meeting: _Meeting, pk: int, status: str) -> list[RowProblem]:
        """One person's mark at a meeting, both known good: queued, unless marked already."""
        if meeting is not self._marking:  # the file has gone on to another meeting
            if self._marking is not None:
                self._marking.marked.settle()
            self._marking = meeting
        other = meeting.marked.first(pk, line)
        if other != line:
            return [self.problem(line, None, None, "row.marked_twice", other=other)]
        if meeting.line is None:
            self._marks.append((meeting.id, pk, status))
        else:  # a meeting this file made has no marks held: nothing to update
            people = self._new_marks.get((meeting.id, status))
            if people is None:
                people = self._new_marks[meeting.id, status] = []
            people.append(pk)
            self._new_count += 1
        self._queued += 1
        if self._queued >= BATCH:
            self._flush(all_marks=self._new_count >= NEW_MARKS_BATCH)
        return []

    def _flush(self, *, all_marks: bool = True) -> None:
        """What is queued written: the new meetings and the marks of held ones every
        ``BATCH`` marks, as ever (the audit trail gets its rows in the same order); the
        marks of new meetings, which it does not record, ``NEW_MARKS_BATCH`` at a time."""
        self._queued = 0
        conn = self.db.conn
        if self._new_meetings:
            conn.executemany(
                "INSERT INTO meeting (id, code, group_id, date, kind, title)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                self._new_meetings,
            )
            self._new_meetings.clear()
        if self._new_marks and all_marks:
            # The marks of a meeting this session made are part of its creation: the audit
            # trigger's WHEN passes over each of them, so it is left out while they go in,
            # as one statement over the batch (a third of the time of executemany's rows;
            # grouped by meeting and mark, the JSON is mostly the people's ids).
            self._later.before_writing()
            groups = [(m, status, json.dumps(ids)) for (m, status), ids in self._new_marks.items()]
            with trigger_left_out(self.db, "audit_attendance_insert"):
                inserted = conn.executemany(_MARKS_FROM_JSON, groups).rowcount
            self._later.written += inserted
            self.counts.inserted += inserted
            self.counts.unchanged += self._new_count - inserted  # 0: one mark a person
            self._new_marks.clear()
            self._new_count = 0
        if self._marks:
            # New marks are inserted; held ones updated only where the status changed.
            # (rowcount, not total_changes: the audit triggers' writes are not counted.)
            insert = (
                "INSERT OR IGNORE INTO attendance (meeting_id, person_id, status) VALUES (?, ?, ?)"
            )
            inserted = conn.executemany(insert, self._marks).rowcount
            updated = conn.executemany(
                "UPDATE attendance SET status = ?3 WHERE meeting_id = ?1 AND person_id = ?2"
                " AND status IS NOT ?3",
                self._marks,
            ).rowcount
            self.counts.inserted += inserted
            self.counts.updated += updated
            self.counts.unchanged += len(self._marks) - inserted - updated
            self._marks.clear()

    def finish(self) -> list[RowProblem]:
        self._flush()
        self._later.finish()
        # The foreign keys of every mark written, checked once for each meeting and person
        # this import found or made (both were read from the database or written before
        # their marks: this holds).
        meetings = [m.id for m in self.meetings.values()]
        people = set(self._person_cache.values())  # every person resolved (known ones too)
        missing = self.db.execute(
            "SELECT (SELECT count(*) FROM json_each(?1) WHERE value NOT IN"
            " (SELECT id FROM meeting)) + (SELECT count(*) FROM json_each(?2) WHERE value"
            " NOT IN (SELECT id FROM person))",
            [json.dumps(meetings), json.dumps(list(people))],
        ).fetchone()[0]
        if missing:
            raise sqlite3.IntegrityError("FOREIGN KEY constraint failed")
        return []


# ---- visits -------------------------------------------------------------------------


class VisitsLoader(_ActivityLoader):
    """``cqn import visits``: a visit is (person, date, reason, visiting group); upserted."""

    fields: Sequence[Field] = VISITS
    writes: tuple[str, ...] = ("visit",)

    def start(self, header: HeaderMap, header_cells: Sequence[Cell], header_line: int) -> None:
        super().start(header, header_cells, header_line)
        self._seen: dict[tuple[int, str, str, int], int] = {}  # identity → line

    def row(self, line: int, cells: Sequence[Cell]) -> list[RowProblem]:
        values, pk, group, problems = self.person_and_group(line, cells)
        if problems or pk is None:
            return problems
        date, reason = values["date"], values["reason"]
        held = self.people.index.held(pk)
        if held and held.birth and precision_prefix_compare(date, held.birth) < 0:
            return [self.problem_in(line, cells, self.col("ngay"), date, "visit.before_birth",
                                    date=format_date(held.birth, lang()))]  # fmt: skip
        if group is not None and not group.exists_on(date):  # who visited was not there yet
            col = self.col("ma_nhom")
            shown = format_date(date, lang())
            return [self.problem(line, col, group.code, "visit.group_not_existing", date=shown)]
        group_id = group.id if group is not None else None
        identity = (pk, date, reason, group_id or 0)
        other = self._seen.get(identity)
        if other is not None:
            return [self.problem(line, None, None, "row.visit_twice", other=other)]
        self._seen[identity] = line
        gift, notes = values.get("gift"), values.get("notes")
        conn = self.db.conn
        cursor = conn.execute(
            "INSERT OR IGNORE INTO visit (person_id, date, reason, gift, group_id, notes)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [pk, date, reason, gift, group_id, notes],
        )
        if cursor.rowcount > 0:
            self.counts.inserted += 1
            return []
        cursor = conn.execute(
            "UPDATE visit SET gift = coalesce(?1, gift), notes = coalesce(?2, notes)"
            " WHERE person_id = ?3 AND date = ?4 AND reason = ?5 AND ifnull(group_id, 0) = ?6"
            " AND (gift IS NOT coalesce(?1, gift) OR notes IS NOT coalesce(?2, notes))",
            [gift, notes, pk, date, reason, group_id or 0],
        )
        if cursor.rowcount:
            self.counts.updated += 1
        else:
            self.counts.unchanged += 1
        return []
