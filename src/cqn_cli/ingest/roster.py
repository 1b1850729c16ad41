"""The roster: rows of people checked, matched to who is already held, and upserted.

Identity (SPEC §3): a row with ``so_cccd`` is the person with that number —
unless both name and birth date differ from what is held, a conflict; a row
without it is matched on (name, birth date, ward); a namesake in the same ward
with another birth date is reported as a possible duplicate, never merged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import secrets
import sqlite3
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import astuple
from operator import itemgetter
from typing import Any, NamedTuple

from cqn_cli.dates import format_date
from cqn_cli.errors import DataError, FieldProblem, OptionsRefused, RowProblem
from cqn_cli.i18n import lang, t
from cqn_cli.ingest.engine import Warning
from cqn_cli.ingest.fields import PERSON_ID, ROSTER, Field, HeaderMap, by_header, parser_for
from cqn_cli.ingest.read import Cell
from cqn_cli.ingest.rows import BATCH, LaterIndexes, RowLoader, shown_value, values_of
from cqn_cli.people import (
    BOOL_COLUMNS,
    PERSON_COLUMNS,
    AddedKeys,
    Held,
    PersonIndex,
    compatible_dates,
    format_id,
    name_keys,
    now_iso,
)
from cqn_cli.store.db import Database, checks_left_out, first_broken, left_out, write
from cqn_cli.store.migrations import audit_inserted
from cqn_cli.values import cccd_contradictions, mask_cccd_text, parse_cccd, plain_cccd
from cqn_cli.wards import WardIndex, check_default_ward

_INSERT_COLUMNS = (
    "id",
    "uid",
    "name_key",
    "search_key",
    *PERSON_COLUMNS,
    "created_at",
    "updated_at",
    "roster_digest",
)


def _db(column: str) -> str:
    """The database column of a person field (the ward is held by id)."""
    return "ward_id" if column == "ward" else column


# A new person's row (``_INSERT_COLUMNS``), as written.
_INSERT_SQL = (
    f"INSERT INTO person ({', '.join(map(_db, _INSERT_COLUMNS))})"
    f" VALUES ({', '.join('?' for _ in _INSERT_COLUMNS)})"
)

_LATER_INDEXES = ("person_roster", "person_ward", "person_uid")
# Into an empty table, the index on names too (grown row by row, a quarter of SQLite's
# time writing a first roster; built at the end, a third of that): nobody held is anyone
# but whom the import wrote, and those it knows by their names meanwhile
# (``PersonIndex.keep_names``).
_BY_NAME = "person_identity"
# People: past this, those indexes are grown (see ``LaterIndexes``). The sort holds an
# index whole: at 250,000 a 1,000,000-row import peaked 11 MB higher (81 MB, not 70).
SORT_LIMIT = 100_000
_AUDIT_INSERTS = audit_inserted("person", "R.id BETWEEN ?1 AND ?2")

# Part of every roster digest (see ``RosterLoader._unchanged``): bump it when what a row
# means changes (parsing, identity, the upsert), so that no digest written by an older
# reading is taken for "this row changes nothing".
DIGEST_VERSION = "1"


# What ``RosterLoader._checked`` makes of a row (see there).
_Checked = tuple[
    list[RowProblem],
    list[tuple[str, str]],
    dict[str, Any],
    str | None,
    str | None,
    tuple[str, str],
]
# What ``RosterLoader._prepared`` makes of a row: the row that adds them (``_new_row``),
# or ``_Checked`` and whether the row may be someone a lookup finds (``_taken``).
_Prepared = tuple[_Checked, bool] | list[Any]
# Where a new person's row (``_INSERT_COLUMNS``) holds its name keys, number, birth date,
# and the first of the roster's columns.
_NAME_KEY_AT, _SEARCH_KEY_AT, _CCCD_AT, _BIRTH_AT, _PERSON_AT = (
    _INSERT_COLUMNS.index(c)
    for c in ("name_key", "search_key", "national_id", "birth_date", PERSON_COLUMNS[0])
)
# What ``Held`` keeps of a new person, from their row (``_INSERT_COLUMNS``).
_HELD = itemgetter(
    *(
        _INSERT_COLUMNS.index(c)
        for c in ("name_key", "birth_date", "ward", "national_id", "full_name")
    )
)
# Where a new person's row holds their id, name key and national id (``add_new``).
_ADDED_AT = (0, _NAME_KEY_AT, _CCCD_AT)


def _held(row: Sequence[Any]) -> Held:
    """What ``Held`` keeps of a new person, from their row."""
    return Held(*_HELD(row))


_DEFAULTS: list[tuple[int, Any]] = [(_INSERT_COLUMNS.index(c), 0) for c in BOOL_COLUMNS]
_DEFAULTS.append((_INSERT_COLUMNS.index("status"), "active"))
# The same, of a person's fields alone (``PERSON_COLUMNS``), and where the ward and the
# citizen id are among them.
_PERSON_DEFAULTS = [(at - _PERSON_AT, default) for at, default in _DEFAULTS]
_WARD_IN_PERSON, _CCCD_IN_PERSON = map(PERSON_COLUMNS.index, ("ward", "national_id"))


class LineOf:
    """Person id → the line of this file that set them: four bytes per id, not a dict
    entry, so a million-row roster stays small."""

    def __init__(self) -> None:
        self._lines = array("I")

    def get(self, pk: int) -> int | None:
        return (self._lines[pk] or None) if pk < len(self._lines) else None

    def set(self, pk: int, line: int) -> None:
        if pk >= len(self._lines):
            grow = max(pk + 1 - len(self._lines), len(self._lines), 1024)
            self._lines.frombytes(bytes(grow * self._lines.itemsize))
        self._lines[pk] = line


class LinesInOrder(LineOf):
    """``LineOf`` for an import into an empty table, whose every person is new: each is
    the next id, set by a later line than the one before, so that ``line - id`` changes
    only where a row added nobody, and those places are all it keeps (at a million
    people, a few hundred numbers rather than 4 MB). An id set out of that order is
    kept as ``LineOf`` keeps it."""

    def __init__(self) -> None:
        super().__init__()
        self._ids = array("q")  # where line - id changes: from this id on …
        self._offsets = array("q")  # … line - id is this
        self._last = 0  # the last id set in order
        self._top = 0  # the highest id set at all

    def get(self, pk: int) -> int | None:
        found = super().get(pk)  # set out of order (set again, say): that line
        if found is None and self._ids and self._ids[0] <= pk <= self._last:
            return pk + self._offsets[bisect_right(self._ids, pk) - 1]
        return found

    def set(self, pk: int, line: int) -> None:
        in_order = pk > self._top and (not self._ids or pk == self._last + 1)
        self._top = max(self._top, pk)
        if not in_order:
            super().set(pk, line)
            return
        offset = line - pk
        if not self._offsets or self._offsets[-1] != offset:
            self._ids.append(pk)
            self._offsets.append(offset)
        self._last = pk


class RosterLoader(RowLoader):
    """Loader of ``cqn import roster`` (see ``engine.Loader``)."""

    fields: Sequence[Field] = ROSTER
    needs_ward = True  # a person, a group: each in a ward
    writes: tuple[str, ...] = ("person",)
    # The id column ``export people`` writes first: the database gives its own ids, so a
    # roster exported from one database imports into another without a word about it
    # (into a database that holds people, a word: see ``start``).
    read_past = frozenset(by_header((PERSON_ID,)))

    def __init__(
        self,
        db: Database,
        *,
        as_of: dt.date,
        today: dt.date,
        default_ward: str | None,
        insert_only: bool = False,
    ) -> None:
        super().__init__(db, as_of=as_of, today=today)
        self.insert_only = insert_only
        self.default_ward = default_ward
        self._inserts: list[list[Any]] = []
        self._updates: list[tuple[Any, ...]] = []
        self._touched: LineOf = LineOf()  # person id → line of this file that set it
        self._digest_updates: list[tuple[str | None, int]] = []
        self._returned: list[tuple[int]] = []  # back on the roster with no date: none kept
        self._wards_near: dict[str, frozenset[str]] = {}
        self._added: AddedKeys | None = None  # made by the first row into an empty table
        self._known = 0  # of ``_inserts``, those ``self.people`` knows (``_known_added``)
        self._first_added: int | None = None  # the id of the first person added

    # -- engine protocol --------------------------------------------------------
    def start(self, header: HeaderMap, header_cells: Sequence[Cell], header_line: int) -> None:
        super().start(header, header_cells, header_line)
        self.wards = WardIndex(self.db)
        self.people = PersonIndex(self.db)
        if self.people.empty_at_start:
            self._touched = LinesInOrder()
        else:
            self._ids_not_read(header, header_line)
        # Not the indexes an import looks people up by (national ids; names, unless the
        # table is empty: see ``_BY_NAME``): the others.
        later: tuple[str, ...] = _LATER_INDEXES
        if self.people.empty_at_start:
            self.people.keep_names()
            later += (_BY_NAME,)
        self._later = LaterIndexes(self.db, "person", later, sort_limit=SORT_LIMIT)
        # Into an empty table, rows are cleared of a lookup by ``AddedKeys`` (see ``_taken``).
        self._filters = self.people.empty_at_start and not self.insert_only
        # Audited as the trigger would, but a batch at once (see ``_flush``): the trigger
        # is left out until ``finish`` (once: each drop makes every statement prepared
        # again); a refused import's rollback brings it back with the rest.
        self._audit_back = left_out(self.db, "trigger", "audit_person_insert")
        # Namesakes are looked for on today's map, wider than the file's.
        self.people.index_places(lambda w: self.wards.on_map(w, self.today).id)
        if self.default_ward:
            check_default_ward(self.wards, self.default_ward, self.as_of)
        self._cccd_column = self.col("so_cccd")
        present = [c.key for c in self.columns if c.field.name != "so_cccd"]
        if "ward" not in present:
            present.append("ward")
        self._present = present
        sets = ", ".join(f"{_db(c)} = coalesce(?{i + 1}, {_db(c)})" for i, c in enumerate(present))
        n = len(present)
        changed = " OR ".join(
            f"{_db(c)} IS NOT coalesce(?{i + 1}, {_db(c)})" for i, c in enumerate(present)
        )
        self._update_sql = (
            f"UPDATE person SET {sets}, name_key = ?{n + 1}, search_key = ?{n + 2},"
            f" national_id = coalesce(?{n + 3}, national_id), updated_at = ?{n + 4}"
            f" WHERE id = ?{n + 5} AND ({changed}"
            f" OR national_id IS NOT coalesce(?{n + 3}, national_id))"
        )
        self._now = now_iso()
        self._matched = 0
        self._uid_prefix = secrets.token_hex(10)
        self._today_iso = self.today.isoformat()
        # Digests only where a row can be known again: by its citizen id, in an import.
        self._context: hashlib.blake2b | None = None
        self._digests_held = False
        if not self.insert_only:
            self._context = self._digest_context(header_cells)
            # A first import has no row to know again: it does not look for one row by row.
            held = "SELECT 1 FROM person WHERE roster_digest IS NOT NULL LIMIT 1"
            self._digests_held = self.db.execute(held).fetchone() is not None

    def _ids_not_read(self, header: HeaderMap, header_line: int) -> None:
        """Said of a file with the id column (``read_past``) into a database that holds
        people: its ids are not how a row finds its person, so a row renamed in a
        spreadsheet (``export people``, edited, imported back) without its CCCD is someone
        new, not the person its id names."""
        for i, text in header.passed[:1]:
            self.warnings.append(Warning(header_line, i + 1, text, "warn.ids_not_read", {}))

    def row(self, line: int, cells: Sequence[Cell]) -> list[RowProblem]:
        raw_cccd, digest = self._cccd_and_digest(cells)
        if raw_cccd and digest and self._digests_held and self._unchanged(line, raw_cccd, digest):
            return []
        return self.take(line, self._prepared(self._checked(line, cells, raw_cccd, digest)))

    # -- engine.PreparesApart: a first import's rows are read and checked by a second
    # process meanwhile (none can be one imported before, which would need no reading).
    def prepares_apart(self) -> bool:
        return not self._digests_held and not self.insert_only

    def writes_while_read(self) -> None:
        # Its indexes grown as it writes, not left out and built at its end: their cost
        # is hidden in the time this process waits for rows (at its end, it is not).
        # But the index on names (into an empty table): it costs more than the reading
        # leaves time for.
        later = (_BY_NAME,) if self.people.keeps_names else ()
        self._later = LaterIndexes(self.db, "person", later, sort_limit=SORT_LIMIT)

    def prepare(self, line: int, cells: Sequence[Cell]) -> _Prepared:
        return self._prepared(self._checked(line, cells, *self._cccd_and_digest(cells)))

    def prepare_many(self, rows: Sequence[tuple[int, Sequence[Cell]]]) -> list[_Prepared]:
        batch = [cells for _, cells in rows]
        found = self.parse_columns(batch)
        if found is None:
            return [self.prepare(line, cells) for line, cells in rows]
        if not self._filters:
            parsed = values_of(*found, len(rows))
            return [
                self._prepared(self._checked(line, cells, *self._cccd_and_digest(cells), values))
                for (line, cells), values in zip(rows, parsed, strict=True)
            ]
        columns, bad = found
        prepared: list[_Prepared] = []
        taken = self._taken
        for i, ((line, cells), row) in enumerate(
            zip(rows, self._new_rows(batch, columns, bad), strict=True)
        ):
            if row is not None and not taken(row[_CCCD_AT], row[_NAME_KEY_AT], row[_BIRTH_AT]):
                prepared.append(row)  # someone new, nobody to warn of (most rows)
                continue
            # The long way, in the order of the file (whether a row is taken depends on
            # every row before it): a row that may be someone held, or has something
            # to say.
            values = None if i in bad else {k: c[i] for k, c in columns.items()}
            checked = self._checked(line, cells, *self._cccd_and_digest(cells), values)
            prepared.append(self._prepared(checked, True if row is not None else None))
        return prepared

    def _new_rows(
        self, batch: list[Sequence[Cell]], columns: dict[str, list[Any]], bad: set[int]
    ) -> list[list[Any] | None]:
        """Of a batch into an empty table (its ``columns``, the rows ``bad`` left to
        ``parse``: see ``parse_columns``), each row that is someone new with nothing to
        say, as ``_prepared`` makes it (``_new_row``), made a column at a time: the rest
        of a row's work is done once for the batch, not once a row. None for any other
        row: it goes the long way (``_checked``), which says what it has to say."""
        count = len(batch)
        nothing: list[Any] = [None] * count
        # Its ward, as ``ward_of`` reads it (a name that is none: the long way says so).
        default = self.default_ward
        written = [w or default for w in columns.get("ward", nothing)]
        for name in set(written):
            if name:
                with contextlib.suppress(FieldProblem):
                    self.ward_named(name)
        wards = list(map(self._ward_ids.get, written))
        # Its citizen id: as most are written (``plain_cccd``), or none.
        at = None if self._cccd_column is None else self._cccd_column.index
        raws = [""] * count if at is None else [str(cells[at]) for cells in batch]
        person = [columns.get(c, nothing) for c in PERSON_COLUMNS]
        person[_WARD_IN_PERSON] = wards
        person[_CCCD_IN_PERSON] = [r or None for r in raws]
        for at_column, default_value in _PERSON_DEFAULTS:  # as ``_new_row`` puts them in
            person[at_column] = [default_value if v is None else v for v in person[at_column]]
        genders, births = columns.get("gender", nothing), columns.get("birth_date", nothing)
        crossing = zip(*(columns.get(c, nothing) for c in CROSSED), strict=True)
        names = columns.get("full_name", nothing)
        context = self._context
        now, today = self._now, self._today_iso
        new: list[list[Any] | None] = []
        for i, (cells, values, raw, gender, birth, across, name) in enumerate(
            zip(
                batch,
                zip(*person, strict=True),
                raws,
                genders,
                births,
                crossing,
                names,
                strict=True,
            )
        ):
            if (
                i in bad
                or values[_WARD_IN_PERSON] is None
                or (
                    raw != ""
                    and not (plain_cccd(raw) and not cccd_contradictions(raw, gender, birth))
                )
                or crossed(*across)
            ):
                new.append(None)
                continue
            stored = None if raw == "" or context is None else f"{today} {self._digest(cells)}"
            new.append([None, None, *name_keys(name), *values, now, now, stored])
        return new

    def take(self, line: int, prepared: _Prepared) -> list[RowProblem]:
        if isinstance(prepared, list):  # someone new, with nothing to say (``_prepared``)
            return self._add(line, prepared)
        (problems, warnings, values, cccd, stored, keys), taken = prepared
        for name, key in warnings:
            self.warn(line, self.col(name), key)
        if problems:
            return problems
        if not taken:
            return self._add(line, self._new_row(values, keys, stored))
        return self._identify_and_queue(line, values, cccd, stored, keys)

    def _prepared(self, checked: _Checked, taken: bool | None = None) -> _Prepared:
        """A row ``_checked``, as ``take`` takes it, with whether it may be someone a
        lookup finds (``_taken``, asked here unless ``taken`` says: rows are prepared in
        the order of the file, where it is asked of each good row once). Into an empty
        table, a good row with nothing to say that nobody before it can be is the row
        that adds them (most rows of a first roster: all that is sent of them from the
        process that reads them)."""
        problems, warnings, values, cccd, stored, keys = checked
        if problems:
            return checked, False
        if taken is None:
            taken = self._taken(cccd, keys[0], values.get("birth_date"))
        if taken or warnings or not self._filters:
            return checked, taken
        return self._new_row(values, keys, stored)

    def _taken(self, cccd: str | None, name_key: str, birth: str | None) -> bool:
        """Whether a good row, in the order of the file, may be someone a lookup finds.
        Into an empty table, a row that no row before it can be the person or a
        namesake of is someone new, with nobody to warn of (``AddedKeys``); any other
        is looked up (`person add`'s one row too)."""
        if not self._filters:
            return True
        if self._added is None:
            self._added = AddedKeys()
        return self._added.taken(cccd, name_key, birth)

    def finish(self) -> list[RowProblem]:
        self._flush()
        if self._first_added is not None:
            # The table's constraints, over the people added, at once (a bug, if broken).
            broken = first_broken(self.db, "person", f"id >= {self._first_added:d}")
            if broken is not None:
                raise sqlite3.IntegrityError(f"CHECK constraint failed: {format_id(broken)}")
        self._later.finish()
        self.people.names_indexed()
        if self._audit_back is not None:
            self._audit_back()
        return []

    # -- a row imported before ---------------------------------------------------------
    def _digest_context(self, header_cells: Sequence[Cell]) -> hashlib.blake2b:
        """What, besides its cells, decides what a row means: the reading of the file (its
        header and the options) and the ward registry that names its wards (as this import
        holds it in ``self.wards``)."""
        registry: list[Any] = [
            [*astuple(w), sorted(self.wards.aliases.get(w.id, ()))]
            for w in self.wards.wards.values()
        ]
        registry.append(sorted(self.wards.dated_codes.items()))
        columns = sorted((c.index, c.field.name) for c in self.columns)
        context: list[Any] = [DIGEST_VERSION, self._epoch(), self.default_ward, columns]
        context += [[str(c) for c in header_cells], registry]
        return hashlib.blake2b(json.dumps(context, default=str).encode(), digest_size=16)

    def _epoch(self) -> list[Any]:
        """``--as-of`` as far as it matters: a row's wards are read by comparing it with the
        registry's dates (``valid_from``, ``valid_to``) and nothing else, so two dates that
        compare alike with each of them read every row alike (without ``--as-of`` the date
        is today, which should not make each day's import a new reading)."""
        wards = self.wards.wards.values()
        borne = [span for spans in self.wards.dated_codes.values() for span in spans]
        dates = sorted(
            {d for w in wards for d in (w.valid_from, w.valid_to) if d}
            | {d for _, start, end in borne for d in (start, end) if d}
        )
        day = self.as_of.isoformat()
        return [sum(d < day for d in dates), day if day in dates else None]

    def _digest(self, cells: Sequence[Cell]) -> str:
        """The row in the context of this import, as ``person.roster_digest`` keeps it."""
        assert self._context is not None
        h = self._context.copy()
        try:  # the cells as they are, when that cannot be read two ways
            text = "\x1d" + "\x1f".join(cells)  # type: ignore[arg-type]
            plain = text.count("\x1f") == len(cells) - 1
        except TypeError:  # a workbook's numbers and dates
            plain = False
        if not plain:
            typed = [
                c if isinstance(c, str) else [type(c).__name__, str(c), getattr(c, "shown", None)]
                for c in cells
            ]
            text = "\x1e" + json.dumps(typed, ensure_ascii=False)
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _unchanged(self, line: int, raw_cccd: str, digest: str) -> bool:
        """Whether this row is the one that last set or matched the holder of its citizen
        id, who has not changed since (the stored digest is cleared by any other change),
        read the same way, on a day no earlier: then importing it again finds the same
        person by the same id and changes nothing, and it need not be parsed. The row
        is counted unchanged. Any doubt goes the ordinary way."""
        try:
            cccd, padded = parse_cccd(raw_cccd)
        except FieldProblem:
            return False
        self._known_added()
        found = None if padded else self.people.digest_of(cccd)
        if found is None:
            return False
        pk, stored = found
        if stored is None or stored[11:] != digest or stored[:10] > self._today_iso:
            return False
        if self._touched.get(pk) is not None:  # twice in this file: said the ordinary way
            return False
        self._touched.set(pk, line)
        self._matched += 1
        return True

    # -- the work -----------------------------------------------------------------
    def _cccd_and_digest(self, cells: Sequence[Cell]) -> tuple[str | None, str | None]:
        """A row's national id as written, and its digest (see ``_digest``) if it has one."""
        col = self._cccd_column
        if col is None or col.index >= len(cells) or cells[col.index] == "":
            return None, None
        raw = str(cells[col.index])
        return raw, None if self._context is None else self._digest(cells)

    def _checked(
        self,
        line: int,
        cells: Sequence[Cell],
        raw_cccd: str | None,
        digest: str | None,
        parsed: dict[str, Any] | None = None,
    ) -> _Checked:
        """A row on its own (reading nothing of the database, changing nothing): its
        problems, its warnings (field, reason), its values, its national id, the digest
        to store, its name keys. ``parsed``: its values, if ``parse_many`` found them."""
        values, problems = (parsed, []) if parsed is not None else self.parse(line, cells)
        # A refused cell does not hide the row's other mistakes: the ward and the citizen
        # id are looked at all the same (the checks across fields need every field).
        refused = {p.column for p in problems} if problems else set()
        warnings: list[tuple[str, str]] = []
        ward_id, more = self.ward_of(line, values, refused)
        problems += more
        if ward_id is not None:
            values["ward"] = ward_id
        # Citizen id, unless its cell was refused already (a byte-order mark in it, say).
        cccd: str | None = None
        if raw_cccd is not None and not (refused and self.among(refused, ("so_cccd",))):
            try:
                cccd, padded = parse_cccd(raw_cccd)
            except FieldProblem as p:
                shown = mask_cccd_text(raw_cccd)
                problems.append(self.problem(line, self._cccd_column, shown, p.key, **p.params))
            else:
                if padded:
                    warnings.append(("so_cccd", "warn.cccd_padded"))
                    digest = None  # said again each time the row is imported
                for what in cccd_contradictions(
                    cccd, values.get("gender"), values.get("birth_date")
                ):
                    warnings.append(("so_cccd", f"warn.cccd_{what}"))
                    digest = None
        if refused:
            # And the checks across fields that the refused cells leave whole (each needs
            # both its dates; a status needs its date unless that date was refused).
            since_refused = self.among(refused, ("ngay_trang_thai",))
            problems += [
                p
                for p in self._cross_checks(line, values, cells)
                if not (since_refused and p.key == "row.status_date_required")
            ]
            return problems, [], values, None, None, ("", "")
        values["national_id"] = cccd
        problems.extend(self._cross_checks(line, values, cells))
        stored = None if digest is None else f"{self._today_iso} {digest}"
        return problems, warnings, values, cccd, stored, name_keys(values["full_name"])

    def _cross_checks(
        self, line: int, values: dict[str, Any], cells: Sequence[Cell] = ()
    ) -> list[RowProblem]:
        """``cross_problems`` at their cells, each value as the row wrote it when the
        row's ``cells`` are given (``01/1970``, not ``1970-01``)."""
        found = []
        for name, value, key, params, _ in cross_problems(values):
            col = self.col(name)
            written = self.as_written(cells, col, value)
            found.append(self.problem(line, col or self.col("trang_thai"), written, key, **params))
        return found

    def _identify_and_queue(
        self,
        line: int,
        values: dict[str, Any],
        cccd: str | None,
        digest: str | None,
        keys: tuple[str, str],
    ) -> list[RowProblem]:
        self._known_added()
        idx = self.people
        name = values["full_name"]
        name_key, search_key = keys
        birth, ward_id = values.get("birth_date"), values["ward"]
        pk: int | None = None
        held: Held | None = None
        by_cccd = False
        found, holder, named = idx.lookup(cccd, name_key, self._places(ward_id), birth)
        if found is not None and holder is not None:
            pk, by_cccd, held = found, True, holder
            earlier = self._touched.get(pk)
            if earlier is not None:  # earlier in this file: say so, not "held by" a new id
                col = self.col("so_cccd")
                return [self.problem(line, col, None, "row.cccd_duplicate_in_file", other=earlier)]
            if held.name_key != name_key and not compatible_dates(held.birth, birth):
                return [
                    self.problem(
                        line,
                        self.col("so_cccd"),
                        None,
                        "row.cccd_conflict",
                        cccd=mask_cccd_text(cccd or ""),
                        person_id=format_id(pk),
                        name=idx.name_of(pk, held),
                    )
                ]
        else:
            # One place: the same ward on the map of the file's date, or a ward of a
            # later map and one that became part of it (either way round: a roster
            # typed on today's map, then sent again dated 2019).
            candidates = idx.natural(
                named, birth, lambda w: self.wards.one_place(w, ward_id, self.as_of)
            )
            if cccd is not None:  # a known person whose number arrives only now; not
                # who a row before changed (taken by it: a number is someone else)
                candidates = [
                    (c, h)
                    for c, h in candidates
                    if h.national_id is None and not idx.is_former(c, h)
                ]
            if len(candidates) > 1:
                listed = ", ".join(idx.label(c, h) for c, h in candidates)
                return [self.problem(line, None, None, "row.ambiguous_person", candidates=listed)]
            if candidates:
                pk, held = candidates[0]
        if pk is not None and self.insert_only:
            key = "person.cccd_taken" if by_cccd else "person.duplicate"
            return [
                self.problem(
                    line,
                    None,
                    None,
                    key,
                    person_id=format_id(pk),
                    name=idx.name_of(pk, held),
                    cccd=mask_cccd_text(cccd or ""),
                )
            ]
        if pk is not None:
            earlier = self._touched.get(pk)
            if earlier is not None:
                key = "row.cccd_duplicate_in_file" if by_cccd else "row.person_duplicate_in_file"
                if held is not None and idx.is_former(pk, held):  # as they were before
                    key = "row.person_changed_in_file"
                col = self.col("so_cccd") if by_cccd else None
                return [self.problem(line, col, None, key, other=earlier)]

        if pk is None or held is None:
            # Warn on today's map, wider than the file's: who might be the same person.
            # Who is held under this name now (not what this file renamed someone from),
            # and not known by another national id than this row's (someone else) unless
            # born as this row says (the same man, one of the numbers mistyped?).
            current = [
                (c, h)
                for c, h in named
                if not idx.is_former(c, h)
                and (cccd is None or h.national_id is None or compatible_dates(h.birth, birth))
            ]
            namesakes = idx.namesakes(current, ward_id)
            if namesakes:
                # Past the warnings kept in full, the names are not worth looking up.
                kept = self.keeps_warnings()
                listed = ", ".join(idx.label(c, h) for c, h in namesakes[:5]) if kept else ""
                self.warn(line, None, "warn.possible_duplicate", candidates=listed)
            return self._add(line, self._new_row(values, keys, digest))
        if held.ward_id != ward_id and self.wards.rolls_into(held.ward_id, ward_id, self.as_of):
            # The file names the ward that the held one became: keep the finer, older
            # ward, which rolls up to the same place on today's map and to the right
            # one on the map of its own time. (The other way round, the file's finer
            # ward replaces the held one.)
            values["ward"] = ward_id = held.ward_id
        if by_cccd and held.name_key != name_key:
            # Allowed (SPEC §3: only name AND birth date differing is a conflict), but said.
            old = idx.name_of(pk, held)
            self.warn(line, self.col("ho_ten"), "warn.renamed", old=old, new=name)
        against = self._against_held(line, pk, held, values)
        if against:
            return against
        birth = values.get("birth_date")  # as precise as what was held
        row = [values.get(c) for c in self._present]
        row += (name_key, search_key, cccd, self._now, pk)
        self._updates.append(tuple(row))
        self._digest_updates.append((digest, pk))
        self._matched += 1
        # What the update will hold, for the rows after this one (a later row with this
        # number, or under the new name, is this person).
        now = Held(
            name_key,
            birth if birth is not None else held.birth,
            ward_id,
            cccd if cccd is not None else held.national_id,
            name,
        )
        idx.add(pk, now, former=held)
        return self._queued(pk, line)

    def _new_row(
        self, values: dict[str, Any], keys: tuple[str, str], digest: str | None
    ) -> list[Any]:
        """A new person's row (``_INSERT_COLUMNS``), but for the id and uid (``_add``)."""
        row = [None, None, *keys, *map(values.get, PERSON_COLUMNS)]
        row += (self._now, self._now, digest)
        for at, default in _DEFAULTS:  # a yes/no nobody recorded is a no (x/blank)
            if row[at] is None:
                row[at] = default
        return row

    def _add(self, line: int, row: list[Any]) -> list[RowProblem]:
        """Queue ``row`` (``_new_row``) as a new person."""
        pk = self.people.allocate()
        # Who they are in every database (db merge): unique to this import, then the id
        # (in order, so the index takes them at one place instead of all over).
        row[0], row[1] = pk, f"{self._uid_prefix}{pk:012x}"
        self._inserts.append(row)
        self.counts.inserted += 1
        return self._queued(pk, line)

    def _known_added(self) -> None:
        """The people queued to be added, known to ``self.people`` (before it is asked:
        only then, most rows of a first roster are never looked up). Not written then
        and there: the more people a first roster has, the more of its rows are asked
        of (one in thirteen at 300,000), and each write costs on its own."""
        inserts = self._inserts
        if self._known < len(inserts):
            self.people.add_new(inserts[self._known :], _ADDED_AT, _held)
            self._known = len(inserts)

    def _queued(self, pk: int, line: int) -> list[RowProblem]:
        """``pk`` is set by ``line``; the batch written once full."""
        self._touched.set(pk, line)
        if len(self._inserts) + len(self._updates) >= BATCH:
            self._flush()
        return []

    def _against_held(
        self, line: int, pk: int, held: Held, values: dict[str, Any]
    ) -> list[RowProblem]:
        """A row that updates ``pk``, with what is held of them: a date the row gives less
        precisely than the one held (1955 for 12/03/1955) keeps the held one (as a blank
        cell does), and the checks across fields hold for the person as they will be
        (a discharge the row gives before an enlistment it leaves as held is refused).
        A row that gives none of those dates but the birth date held (the phone changed,
        say) changes nothing there, and reads nothing."""
        birth = values.get("birth_date")
        if (birth is None or (held.birth is not None and held.birth.startswith(birth))) and all(
            values.get(name) is None for name in _HELD_DATES[1:]
        ):
            if birth is not None:
                values["birth_date"] = held.birth  # as precise as held
            return []
        row = self.db.execute(
            f"SELECT {', '.join(_HELD_DATES)} FROM person WHERE id = ?", [pk]
        ).fetchone()
        merged = dict(zip(_HELD_DATES, row, strict=True))
        if values.get("status") == "active" and merged["status"] != "active":
            # Back on the roster: one status is held, not its history (said, as `person
            # status` says it); the date of the one left goes with it unless the row
            # gives the day of the return.
            left = format_date(merged["status_since"], lang())
            self.warn(line, self.col("trang_thai"), "warn.back_on_roster_row",
                      id=format_id(pk), left=left)  # fmt: skip
            if values.get("status_since") is None:
                self._returned.append((pk,))
        said = dict(values)  # what the row wrote (a date it gives less precisely, held)
        for name in _PARTIAL_DATES:
            new, old = values.get(name), merged[name]
            if new and old and len(old) > len(new) and old.startswith(new):
                values[name] = old
        for name in _HELD_DATES:
            if values.get(name) is not None:
                merged[name] = values[name]
        problems = []
        for p in cross_problems(merged):
            # Said at the cell of the row that meets what is held (the other is held); a
            # contradiction all of whose sides are held (kept from before these checks)
            # is not this row's doing.
            given = next(
                (f for f in (p.field, p.other) if values.get(_ENGLISH[f]) is not None), None
            )
            if given is None:
                continue
            reason = t(p.key, **p.params)
            person = self.people.label(pk, held)
            value = said[_ENGLISH[given]]
            col = self.col(given) or self.col("trang_thai")
            problems.append(
                self.problem(line, col, value, "row.against_held", reason=reason, person=person)
            )
        return problems

    def _places(self, ward_id: str) -> frozenset[str]:
        """The wards a person of ``ward_id`` may be matched or warned about in: one place
        on the file's map (matching: see ``WardIndex.one_place``) or on today's
        (namesakes)."""
        found = self._wards_near.get(ward_id)
        if found is None:
            wards = self.wards.wards
            found = frozenset(
                w
                for w in wards
                if self.wards.one_place(w, ward_id, self.as_of)
                or self.wards.same_place(w, ward_id, self.today)
            )
            self._wards_near[ward_id] = found
        return found

    def _flush(self) -> None:
        conn = self.db.conn
        people = self.people
        written: list[tuple[int, str]] = []  # (id, name key) of those added, if asked
        if self._inserts:
            self._later.before_writing()
            if people.keeps_names:
                if self._later.leaving_out:
                    written = [(row[0], row[_NAME_KEY_AT]) for row in self._inserts]
                else:  # the index on names built (a city-sized import): it answers
                    people.names_indexed()
            with checks_left_out(self.db):  # each row's values checked: see ``finish``
                conn.executemany(_INSERT_SQL, self._inserts)
            if self._first_added is None:
                self._first_added = self._inserts[0][0]
            if self._audit_back is not None:
                # Audited as the trigger would, but for the batch at once (a third of the
                # inserts' time row by row): its ids are this import's, one after the other.
                conn.execute(_AUDIT_INSERTS, [self._inserts[0][0], self._inserts[-1][0]])
            self._later.written += len(self._inserts)
            self._inserts.clear()
            self._known = 0
        if self._updates:
            cursor = conn.executemany(self._update_sql, self._updates)
            self.counts.updated += max(cursor.rowcount, 0)
            self._updates.clear()
            # Back on the roster with no date given: the date of the spell away goes
            # (before the digests, which a later change would clear: the trigger).
            conn.executemany(
                "UPDATE person SET status_since = NULL WHERE id = ? AND status = 'active'",
                self._returned,
            )
            self._returned.clear()
            # After the updates, whose change of a person clears the digest it had.
            conn.executemany(
                "UPDATE person SET roster_digest = ?1 WHERE id = ?2 AND roster_digest IS NOT ?1",
                self._digest_updates,
            )
            self._digest_updates.clear()
        people.written(written)
        self.counts.unchanged = self._matched - self.counts.updated


# What an update is checked against, of what is held of the person (``_against_held``).
_HELD_DATES = (
    "birth_date",
    "enlisted_on",
    "discharged_on",
    "status",
    "status_since",
    "registered_on",
)
_PARTIAL_DATES = ("birth_date", "enlisted_on", "discharged_on")
_ENGLISH = {f.name: f.english for f in ROSTER}


class Across(NamedTuple):
    """A check across two fields of one person that fails: said at ``field`` (with its
    ``value``), the other field of the two being ``other``."""

    field: str
    value: str | None
    key: str
    params: dict[str, Any]
    other: str


def cross_problems(values: dict[str, Any]) -> list[Across]:
    """Checks across the fields of one person."""
    return crossed(*map(values.get, CROSSED))


# The fields that ``crossed`` takes, in its order.
CROSSED = ("status", "status_since", "enlisted_on", "discharged_on", "birth_date", "registered_on")


def crossed(
    status: str | None,
    since: str | None,
    enlisted: str | None,
    discharged: str | None,
    birth: str | None,
    registered: str | None,
) -> list[Across]:
    """``cross_problems`` of a person's fields ``CROSSED`` (a batch's columns of them)."""
    found: list[Across] = []
    if status in ("moved_out", "deceased") and not since:
        params = {"status": t(f"status.{status}")}
        found.append(
            Across("ngay_trang_thai", None, "row.status_date_required", params, "trang_thai")
        )
    # Each ``precision_prefix_compare(a, b) < 0`` written out (it runs for every row):
    # ``a[:len(b)] < b[:len(a)]`` compares the two on their common precision.
    if enlisted and discharged and discharged[: len(enlisted)] < enlisted[: len(discharged)]:
        found.append(
            Across("ngay_xuat_ngu", discharged, "row.discharge_before_enlist", {}, "ngay_nhap_ngu")
        )
    if enlisted and birth and enlisted[: len(birth)] < birth[: len(enlisted)]:
        found.append(Across("ngay_nhap_ngu", enlisted, "row.enlist_before_birth", {}, "ngay_sinh"))
    if since and birth and since[: len(birth)] < birth[: len(since)]:
        found.append(Across("ngay_trang_thai", since, "row.status_before_birth", {}, "ngay_sinh"))
    if since and registered and status in ("moved_out", "deceased") and since <= registered:
        # Gone before they came: on the roster on no day at all (SPEC §4).
        found.append(
            Across("ngay_trang_thai", since, "row.status_before_registered", {}, "ngay_dang_ky")
        )
    return found


# ---- by hand: person add / person edit ------------------------------------------


def _option_name(field: Field) -> str:
    return "--" + field.english.replace("_", "-")


def add_person(db: Database, raw: dict[str, str], *, today: dt.date) -> tuple[int, list[Warning]]:
    """``cqn person add``: one new person from option values keyed by English field name.

    The same parsing, checks and identity rules as a roster row; a person who
    is already held (same id, or same name, birth date and ward) is refused.
    """
    fields = [f for f in ROSTER if f.english in raw]
    header_cells = [_option_name(f) for f in fields]
    header = HeaderMap({f.name: i for i, f in enumerate(fields)}, [], [])
    loader = RosterLoader(db, as_of=today, today=today, default_ward=None, insert_only=True)
    with write(db):
        loader.start(header, header_cells, 0)
        if "ho_ten" not in header.columns:
            problems = [RowProblem(0, None, "--full-name", None, "value.required")]
        else:
            problems = loader.row(1, [raw[f.english] for f in fields])
        if problems:
            raise OptionsRefused(problems)
        pk = loader.people.next_id - 1
        loader.finish()
    return pk, loader.warnings


def edit_person(
    db: Database, pk: int, raw: dict[str, str], *, today: dt.date
) -> tuple[bool, list[Warning]]:
    """``cqn person edit``: set the given fields (an empty value clears one).

    Returns whether anything changed, and the same warnings an import would give.
    A person whose data was erased (``person forget``) is not given new data.
    """
    forgotten = db.execute("SELECT forgotten_on FROM person WHERE id = ?", [pk]).fetchone()
    if forgotten and forgotten[0]:
        raise DataError("person.forgotten", id=format_id(pk))
    by_english = {f.english: f for f in ROSTER}
    problems: list[RowProblem] = []
    warnings: list[Warning] = []
    values: dict[str, Any] = {}
    for name, text in raw.items():
        field = by_english[name]
        try:
            if text.strip() == "":
                if field.required or name in ("full_name", "ward"):
                    raise FieldProblem("value.required")
                values[name] = None
            elif field.kind == "cccd":
                values[name], padded = parse_cccd(text)
                if padded:
                    warnings.append(Warning(None, None, _option_name(field), "warn.cccd_padded"))
            elif field.kind == "ward":
                values[name] = WardIndex(db).resolve(text, today).id
            else:
                values[name] = parser_for(field.kind, today)(text)
        except FieldProblem as p:
            shown = shown_value(field.name, text)
            problems.append(RowProblem(0, None, _option_name(field), shown, p.key, p.params))
    if problems:
        raise OptionsRefused(problems)
    current = db.execute("SELECT * FROM person WHERE id = ?", [pk]).fetchone()
    columns = [d[0] for d in db.execute("SELECT * FROM person LIMIT 0").description]
    record = dict(zip(columns, current, strict=True))
    record["ward"] = record["ward_id"]
    merged = {**record, **values}
    if values.get("national_id"):
        for what in cccd_contradictions(
            values["national_id"], merged.get("gender"), merged.get("birth_date")
        ):
            warnings.append(Warning(None, None, "--national-id", f"warn.cccd_{what}"))
    for name, value, key, params, other in cross_problems(merged):
        # Said at the option given that meets what is held; a contradiction all of whose
        # sides are held (kept from before a check) is not this edit's doing.
        given = next((f for f in (name, other) if _ENGLISH[f] in values), None)
        if given is None:
            continue
        at = values[_ENGLISH[given]] if given != name else value
        problems.append(RowProblem(0, None, _option_name(_by_name(given)), at, key, params))
    cccd = values.get("national_id")
    if cccd:
        holder = db.execute(
            "SELECT id, full_name FROM person WHERE national_id = ? AND id != ?", [cccd, pk]
        ).fetchone()
        if holder:
            problems.append(
                RowProblem(
                    0,
                    None,
                    "--national-id",
                    None,
                    "person.cccd_taken",
                    {
                        "cccd": mask_cccd_text(cccd),
                        "person_id": format_id(holder[0]),
                        "name": holder[1],
                    },
                )
            )
    # What identity an edit changes (a national id cleared included): checked against the
    # others held; an edit leaving it as it is is not refused for a twin held before.
    identity: list[str] = [
        name
        for name in ("full_name", "birth_date", "ward")
        if name in values and values[name] != record[_db(name)]
    ]
    if "national_id" in values and values["national_id"] is None and record["national_id"]:
        identity.append("national_id")  # a number cleared: told apart by it no more
    twin = _held_twin(db, pk, merged, today) if identity else None
    if twin is not None:  # what `person add` refuses, an edit does not make either
        option = _option_name(by_english[identity[0]])
        said = {"person_id": format_id(twin[0]), "name": twin[1]}
        problems.append(RowProblem(0, None, option, None, "person.duplicate", said))
    if problems:
        raise OptionsRefused(problems)
    assignments = {_db(name): value for name, value in values.items()}
    if "full_name" in values:
        assignments["name_key"], assignments["search_key"] = name_keys(values["full_name"])
    changed = any(record[_db(name)] != value for name, value in values.items())
    if changed:
        sets = ", ".join(f"{column} = ?" for column in assignments)
        with write(db):
            db.execute(
                f"UPDATE person SET {sets}, updated_at = ? WHERE id = ?",
                [*assignments.values(), now_iso(), pk],
            )
    return changed, warnings


def _held_twin(
    db: Database, pk: int, person: dict[str, Any], today: dt.date
) -> tuple[int, str] | None:
    """Another person held with ``person``'s name, birth date and ward (the same place on
    today's map), whom an import would take a row of ``person`` for: not one known by
    another number than theirs (two numbers are two people)."""
    rows = db.execute(
        "SELECT id, full_name, ward_id, national_id FROM person WHERE name_key = ?"
        " AND birth_date IS ? AND id != ? AND forgotten_on IS NULL ORDER BY id",
        [name_keys(person["full_name"])[0], person["birth_date"], pk],
    ).fetchall()
    wards = WardIndex(db)
    for other, name, ward, number in rows:
        if not (number and person["national_id"]) and wards.same_place(ward, person["ward"], today):
            return other, name
    return None


def _by_name(name: str) -> Field:
    return next(f for f in ROSTER if f.name == name)
