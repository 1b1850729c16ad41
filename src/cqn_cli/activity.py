"""Groups, memberships, meetings and visits as a clerk records them by hand.

What is typed at the terminal goes through the same loaders, checks and
identity rules as the imported files: one set of rules, whichever way in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cqn_cli import figures
from cqn_cli.errors import (
    DataError,
    FieldProblem,
    ImportRefused,
    NotFound,
    OptionsRefused,
    RowProblem,
    UsageError,
)
from cqn_cli.ingest import activity as loaders
from cqn_cli.ingest.engine import Counts, Loader, Warning
from cqn_cli.ingest.fields import HeaderMap, header_key
from cqn_cli.people import format_id
from cqn_cli.store.db import Database, write
from cqn_cli.text import closest, mask, vn_name_sort_key


@dataclasses.dataclass(frozen=True)
class Recorded:
    """What a command typed by hand did: the loader's warnings, and its counts (a row
    already held as given is ``unchanged``: said so, not as new)."""

    warnings: list[Warning]
    counts: Counts
    existed: bool = False  # a meeting: held before this command (its marks were added to)

    @property
    def changed_nothing(self) -> bool:
        return not (self.counts.inserted or self.counts.updated)


def _by_hand(
    db: Database,
    loader: Loader,
    rows: Sequence[dict[str, str]],
    option_of: dict[str, str],
    sources: Sequence[str] | None = None,
    then: Callable[[], None] | None = None,
) -> Recorded:
    """Feed rows keyed by canonical field name to a loader, in one write transaction.

    ``option_of`` names the command option each field came from, for messages; the
    person's fields are ``PERSON``: where each row's person was given (``sources``,
    ``--present`` or a sign-in sheet's ``file:line``), else the reference itself, which
    the message quotes. Any problem refuses everything (OptionsRefused); ``then``, if
    given, writes in the same transaction once every row is good.
    """
    names = sorted({name for row in rows for name in row})
    header = HeaderMap({name: i for i, name in enumerate(names)}, [], [])
    cells = [option_of.get(name, name) for name in names]
    with write(db):
        loader.start(header, cells, 0)
        problems: list[RowProblem] = []
        for i, row in enumerate(rows, start=1):
            problems += loader.row(i, [row.get(name, "") for name in names])
        problems += loader.finish()
        if problems:
            raise OptionsRefused([_as_option(p, sources) for p in problems])
        if then is not None:
            then()
    return Recorded(loader.warnings, loader.counts)


def _as_option(problem: RowProblem, sources: Sequence[str] | None) -> RowProblem:
    header, key, params = problem.header, problem.key, problem.params
    if header == _PERSON and sources is None:
        header = None
    elif header in (_PERSON, None) and sources is not None:  # the person, or the whole mark
        header = sources[problem.line - 1]
    if key == "row.marked_twice" and sources is not None:  # the other row, as it was given
        key, params = "meeting.marked_twice", {"other": sources[params["other"] - 1]}
    return RowProblem(0, None, header, problem.value, key, params)


def person_reference(text: str) -> dict[str, str]:
    """A person named on the command line: ``CQN000012``, a national id, or
    ``Họ tên[, ngày sinh[, phường]]``."""
    value = text.strip()
    digits = _number_in(value)
    if digits.isdigit() and len(digits) in (11, 12):
        return {"so_cccd": digits}
    if value.upper().startswith("CQN") or value.isdigit():
        return {"ma_cqn": value}
    parts = [p.strip() for p in value.split(",")]
    ref = {"ho_ten": parts[0]}
    if len(parts) > 1 and parts[1]:
        ref["ngay_sinh"] = parts[1]
    if len(parts) > 2 and parts[2]:
        ref["phuong"] = ", ".join(parts[2:])
    return ref


def _loader_args(today: dt.date) -> dict[str, Any]:
    return {"as_of": today, "today": today}


# ---- groups -----------------------------------------------------------------------------


def group_rows(
    db: Database, *, day: dt.date, ward_ids: list[str] | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Groups as SPEC §5 shows them, with ``members`` on ``day``."""
    where, params = [], []
    if ward_ids is not None:
        where.append(f"g.ward_id IN ({', '.join('?' for _ in ward_ids)})")
        params.extend(ward_ids)
    if kind is not None:
        where.append("g.kind = ?")
        params.append(kind)
    sql = (
        "SELECT g.id, g.code, g.name, g.kind, w.code AS ward_code, w.name AS ward,"
        " g.founded_on, g.dissolved_on FROM groups g JOIN ward w ON w.id = g.ward_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY w.code, g.kind DESC, g.code"
    )
    sizes = figures.group_members_count(db, day)
    rows = []
    for r in db.query(sql, params):
        row = dict(r)
        row["members"] = sizes.get(row.pop("id"), 0)
        rows.append(row)
    return rows


def _not_found(db: Database, table: str, code: str, key: str) -> NotFound:
    """No group (or meeting) with that code: the closest codes held are offered."""
    close = closest(code, [r[0] for r in db.execute(f"SELECT code FROM {table}")], n=3)
    if close:
        return NotFound(key + "_suggest", value=code, suggestion=", ".join(close))
    return NotFound(key, value=code)


def _no_group(db: Database, code: str) -> NotFound:
    return _not_found(db, "groups", code, "group.not_found")


def show_group(db: Database, code: str, day: dt.date) -> dict[str, Any]:
    """One group and its members on ``day`` (on the roster), with roles and joining dates."""
    found = [r for r in group_rows(db, day=day) if r["code"].casefold() == code.casefold()]
    if not found:
        raise _no_group(db, code)
    group = found[0]
    sql = f"""
    SELECT ms.person_id, p.full_name AS name, ms.role, ms.joined_on
    FROM membership ms JOIN groups g ON g.id = ms.group_id JOIN person p ON p.id = ms.person_id
    WHERE g.code = :code AND {figures.member_at("ms", ":d")} AND {figures.on_roster("p", ":d")}
      AND {figures.group_exists("g", ":d")}
    """
    members = [dict(r) for r in db.query(sql, {"code": group["code"], "d": day.isoformat()})]
    members.sort(key=lambda m: (_role_rank(m["role"]), vn_name_sort_key(m["name"])))
    for m in members:
        m["person_id"] = format_id(m["person_id"])
    return {**group, "member_list": members}


def _role_rank(role: str | None) -> int:
    key = header_key(role or "")
    for rank, word in enumerate(("chu nhiem", "truong ban", "pho chu nhiem", "pho truong ban")):
        if key == word:
            return rank
    return 9


def add_group(db: Database, values: dict[str, str], *, today: dt.date) -> Recorded:
    """``cqn group add``: the checks of ``import groups`` for one group."""
    if loaders.GroupIndex(db).get(values["ma_nhom"]) is not None:
        raise DataError("group.exists", value=values["ma_nhom"])
    loader = loaders.GroupsLoader(db, default_ward=None, **_loader_args(today))
    options = {
        "ma_nhom": "CODE",
        "ten_nhom": "--name",
        "loai": "--kind",
        "phuong": "--ward",
        "ngay_thanh_lap": "--founded",
        "ngay_giai_the": "--dissolved",
    }
    return _by_hand(db, loader, [values], options)


def join_group(
    db: Database, code: str, person: str, on: dt.date, role: str | None, *, today: dt.date
) -> Recorded:
    """``cqn group join``: the checks of ``import members`` for one membership."""
    row = {**person_reference(person), "ma_nhom": code, "ngay_tham_gia": on.isoformat()}
    if role:
        row["chuc_vu"] = role
    loader = loaders.MembersLoader(db, **_loader_args(today))
    options = {"ma_nhom": "GROUP", "ngay_tham_gia": "--on", "chuc_vu": "--role"}
    return _by_hand(db, loader, [row], {**options, **_PERSON_OPTION})


_PERSON = "PERSON"  # see ``_by_hand``
_PERSON_OPTION = dict.fromkeys(("so_cccd", "ma_cqn", "ho_ten", "ngay_sinh", "phuong"), _PERSON)


def leave_group(db: Database, code: str, person: str, on: dt.date, *, today: dt.date) -> str:
    """``cqn group leave``: end the membership that holds on ``on``; returns the person's label."""
    from cqn_cli.people import PersonResolver

    resolver = PersonResolver(db, today)
    resolver.refuse_erased = False  # ending what is held of them records nothing new
    ref = person_reference(person)
    try:
        pk = resolver.resolve(
            cccd=ref.get("so_cccd"),
            person_id=ref.get("ma_cqn"),
            name=ref.get("ho_ten"),
            birth=_birth(ref.get("ngay_sinh"), today),
            ward=ref.get("phuong"),
        )
    except FieldProblem as p:
        raise OptionsRefused([RowProblem(0, None, None, None, p.key, p.params)]) from None
    group = loaders.GroupIndex(db).get(code)
    if group is None:
        raise _no_group(db, code)
    if on > today:  # a bad date in an option: exit 2, as for every other option date
        raise UsageError("person.status_in_future", date=on.strftime("%d/%m/%Y"))
    iso = on.isoformat()
    row = db.execute(
        f"SELECT id, joined_on FROM membership ms WHERE person_id = ? AND group_id = ?"
        f" AND {figures.member_at('ms', '?')}",
        [pk, group.id, iso, iso],
    ).fetchone()
    if row is None:
        raise DataError("group.not_a_member", person=resolver.index.label(pk), group=group.code)
    with write(db):
        db.execute("UPDATE membership SET left_on = ? WHERE id = ?", [iso, row[0]])
    return resolver.index.label(pk)


def _birth(text: str | None, today: dt.date) -> str | None:
    from cqn_cli.dates import parse_date

    return parse_date(text, today=today, partial=True) if text else None


# ---- meetings ---------------------------------------------------------------------------


def read_sign_in_sheet(path: Path) -> list[tuple[int, dict[str, str]]]:
    """A sign-in sheet: a CSV/XLSX with person-reference columns (under title rows, as
    an import finds its header), or one reference per line; each person with the line
    of the file that names them. A line of a bare number (a row's number, "STT") is
    refused: an id is written ``CQN000012``, a national id with its 12 digits."""
    from cqn_cli.ingest import read
    from cqn_cli.ingest.engine import HEADER_SEARCH_ROWS
    from cqn_cli.ingest.fields import PERSON_REF, map_header

    src = read.detect(path)
    rows = list(read.rows(src))
    for at, (header_line, header) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapped = map_header(header, PERSON_REF, {}, header_line).columns
        if mapped:
            kept = list(mapped.items())
            return [
                (line, {name: str(cells[i]) for name, i in kept if i < len(cells) and cells[i]})
                for line, cells in rows[at + 1 :]
            ]
    if src.kind == "csv":
        text = path.read_bytes().decode(src.encoding or "utf-8", errors="replace")
        lines = io.StringIO(text.lstrip("\ufeff")).read().splitlines()
        named = [(n, line.strip()) for n, line in enumerate(lines, 1) if line.strip()]
    else:
        named = [(line, str(cells[0]).strip()) for line, cells in rows if cells and cells[0]]
    bare = [(n, value) for n, value in named if _bare_number(value)]
    if bare:
        problems = [RowProblem(n, 1, None, value, "ref.bare_number") for n, value in bare]
        raise ImportRefused(str(path), problems, rows=True)
    return [(n, person_reference(value)) for n, value in named]


def _number_in(value: str) -> str:
    """``value`` without the spaces and dots a number is written with (``048 052.000``)."""
    return value.replace(" ", "").replace(".", "")


def _bare_number(value: str) -> bool:
    """A number too short to be a national id, without ``CQN`` before it."""
    digits = _number_in(value)
    return digits.isdigit() and len(digits) < 11


def record_meeting(
    db: Database,
    group_code: str,
    *,
    on: dt.date,
    kind: str,
    code: str | None,
    title: str | None,
    marks: Sequence[tuple[dict[str, str], str, str]],
    today: dt.date,
) -> tuple[str, Recorded]:
    """``cqn meeting record``: a meeting and its marks (person, mark, where it was given:
    ``--present``, ``ky-ten.txt:3``), checked as ``import attendance``."""
    group = loaders.GroupIndex(db).get(group_code)
    if group is None:
        raise _no_group(db, group_code)
    if code is None:
        # The group's meeting of that day and kind, if one is held (imported under its
        # own code, say): its marks are added to, not a second meeting made that day.
        same = db.execute(
            "SELECT code FROM meeting WHERE group_id = ? AND date = ? AND kind = ? ORDER BY id",
            [group.id, on.isoformat(), kind],
        ).fetchall()
        if len(same) > 1:
            codes = ", ".join(c for (c,) in same)
            raise UsageError("meeting.several_that_day", group=group.code, codes=codes)
        code = same[0][0] if same else f"{group.code}-{on:%Y%m%d}"
        held = db.execute(
            "SELECT kind FROM meeting WHERE code = ? COLLATE NOCASE", [code]
        ).fetchone()
        if held is not None and held[0] != kind:
            code = f"{code}-{kind}"
    base = {"ma_hop": code, "ngay": on.isoformat(), "loai": kind, "ma_nhom": group.code}
    if title:
        base["tieu_de"] = title
    rows = [{**base, **ref, "trang_thai": status} for ref, status, _ in marks]
    if not rows:
        raise DataError("meeting.no_marks")
    loader = loaders.AttendanceLoader(db, **_loader_args(today))
    options = {"ngay": "--on", "loai": "--kind", "ma_hop": "--code", "trang_thai": "--present"}
    options["tieu_de"] = "--title"
    options |= {**_PERSON_OPTION, "ma_nhom": "GROUP"}
    existed = db.execute("SELECT title FROM meeting WHERE code = ? COLLATE NOCASE", [code])
    held = existed.fetchone()
    retitle = held is not None and bool(title) and title != held[0]  # given anew: corrected

    def retitled() -> None:
        db.execute("UPDATE meeting SET title = ? WHERE code = ? COLLATE NOCASE", [title, code])

    sources = [source for _, _, source in marks]
    recorded = _by_hand(db, loader, rows, options, sources, retitled if retitle else None)
    if retitle:
        said = {"code": code, "old": held[0] or "—", "new": title}
        warning = Warning(None, None, "--title", "warn.meeting_retitled", said)
        recorded = dataclasses.replace(recorded, warnings=[*recorded.warnings, warning])
    return code, dataclasses.replace(recorded, existed=held is not None)


def held_group_code(db: Database, code: str) -> str:
    """A group code a listing is filtered by, as held (``xh-clb01`` is XH-CLB01); one
    nobody holds is NotFound with the closest codes, not an empty list."""
    group = loaders.GroupIndex(db).get(code)
    if group is None:
        raise _no_group(db, code)
    return group.code


def meeting_rows(db: Database, **filters: Any) -> list[dict[str, Any]]:
    """Meetings as SPEC §5 shows them (``code``, ``date``, ``kind``, …, ``guests``)."""
    if filters.get("group_code") is not None:
        filters["group_code"] = held_group_code(db, filters["group_code"])
    return figures.meeting_tallies(db, **filters)


def show_meeting(db: Database, code: str) -> dict[str, Any]:
    found = figures.meeting_tallies(db, code=code)
    if not found:
        held = db.execute("SELECT code FROM meeting WHERE code = ? COLLATE NOCASE", [code])
        row = held.fetchone()
        found = figures.meeting_tallies(db, code=row[0]) if row else []
    if not found:
        raise _not_found(db, "meeting", code, "meeting.not_found")
    meeting = found[0]
    marks = figures.meeting_marks(db, meeting["code"])
    marks.sort(key=lambda m: (not m["expected"], vn_name_sort_key(m["name"])))
    for m in marks:
        m["person_id"] = format_id(m["person_id"])
        m["expected"] = bool(m["expected"])
    return {**meeting, "marks": marks}


# ---- visits -----------------------------------------------------------------------------


def record_visit(
    db: Database,
    person: str,
    *,
    on: dt.date,
    reason: str,
    gift: str | None,
    group: str | None,
    notes: str | None,
    today: dt.date,
) -> Recorded:
    """``cqn visit record``: one visit, checked as ``import visits``."""
    row = {**person_reference(person), "ngay": on.isoformat(), "ly_do": reason}
    for name, value in (("qua_tang", gift), ("ma_nhom", group), ("ghi_chu", notes)):
        if value:
            row[name] = value
    loader = loaders.VisitsLoader(db, **_loader_args(today))
    options = {
        "ngay": "--on",
        "ly_do": "--reason",
        "qua_tang": "--gift",
        "ma_nhom": "--group",
        "ghi_chu": "--notes",
    }
    return _by_hand(db, loader, [row], {**options, **_PERSON_OPTION})


def visit_rows(
    db: Database,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    ward_ids: list[str] | None = None,
    group_code: str | None = None,
    reveal: bool = False,
) -> list[dict[str, Any]]:
    """Visits as SPEC §5 shows them. Notes may hold health data: masked unless ``reveal``."""
    where, params = ["1 = 1"], []
    if date_from is not None:
        where.append("v.date >= ?")
        params.append(date_from.isoformat())
    if date_to is not None:
        where.append("v.date <= ?")
        params.append(date_to.isoformat())
    if ward_ids is not None:
        where.append(f"p.ward_id IN ({', '.join('?' for _ in ward_ids)})")
        params.extend(ward_ids)
    if group_code is not None:
        group_code = held_group_code(db, group_code)
        where.append("g.code = ? COLLATE NOCASE")
        params.append(group_code)
    sql = (
        "SELECT v.person_id, p.full_name AS name, v.date, v.reason, v.gift,"
        " g.code AS group_code, v.notes FROM visit v JOIN person p ON p.id = v.person_id"
        " LEFT JOIN groups g ON g.id = v.group_id WHERE "
        + " AND ".join(where)
        + " ORDER BY v.date, v.id"
    )
    rows = [dict(r) for r in db.query(sql, params)]
    # A day's visits by name, the Vietnamese way (SPEC §5), not by code points.
    rows.sort(key=lambda r: (r["date"], vn_name_sort_key(r["name"])))
    for r in rows:
        r["person_id"] = format_id(r["person_id"])
        if not reveal and r["notes"]:
            r["notes"] = mask(r["notes"], 0, 0)
    return rows
