"""What every loader does with a row: parse each mapped column, name each problem's place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, Any

from cqn_cli.errors import FieldProblem, RowProblem
from cqn_cli.ingest.engine import Counts, Warning
from cqn_cli.ingest.fields import (
    Answers,
    ColumnParser,
    Field,
    HeaderMap,
    column_parser_for,
    empty_value,
    parser_for,
    remembers,
)
from cqn_cli.ingest.read import Cell
from cqn_cli.store.db import Database, left_out, sorted_on_disk
from cqn_cli.text import HIDDEN
from cqn_cli.values import mask_cccd_text

if TYPE_CHECKING:
    from cqn_cli.wards import WardIndex

BATCH = 2000
# Rows written by one import before it may build some indexes afresh at its end.
INDEX_LATER = 50_000
WARNINGS_DETAILED = 1000  # warnings kept in full; later ones are only counted (imports.py
# shows 50 and the number of the rest)


def shown_value(field: str, raw: str) -> str:
    """A refused value of ``field`` as an error line may show it: a national id or phone
    masked (``0480******45``), notes (which may be health data) hidden whole."""
    if field in ("so_cccd", "dien_thoai"):
        return mask_cccd_text(raw)
    return HIDDEN if field == "ghi_chu" and raw.strip() else raw


@dataclass(frozen=True)
class Column:
    index: int
    field: Field
    header: str
    parse: Callable[[Cell], object]
    # What ``parse`` keeps of its answers (see ``fields.remembers``), and what an empty
    # cell is, unless the field is required: what ``parse_many`` looks a cell up in.
    answers: Answers | None = None
    whole: ColumnParser | None = None  # ``parse`` of a whole column (``column_parser_for``)

    @property
    def key(self) -> str:
        return self.field.english


class RowLoader:
    """The shared half of a loader (see ``engine.Loader``): columns, parsing, problems."""

    fields: Sequence[Field] = ()
    checks_references = False  # see ``engine.Loader``
    needs_ward = False  # see ``engine.Loader``
    writes: tuple[str, ...] = ()  # see ``engine.Loader``
    read_past: frozenset[str] = frozenset()  # see ``engine.Loader``
    # Of a loader whose rows name a ward (``ward_of``): the registry, set in ``start``,
    # and ``--ward``.
    wards: WardIndex
    default_ward: str | None = None

    def __init__(self, db: Database, *, as_of: dt.date, today: dt.date) -> None:
        self.db = db
        self.as_of = as_of
        self.today = today
        self.warnings: list[Warning] = []
        self.counts = Counts()
        self._ward_ids: dict[str | None, str] = {}  # ward written → id (see ``ward_of``)

    def start(self, header: HeaderMap, header_cells: Sequence[Cell], header_line: int) -> None:
        by_name = {f.name: f for f in self.fields}
        self.columns = []
        for name, i in header.columns.items():
            field = by_name[name]
            answers: Answers | None = None
            if remembers(field.kind):
                # An empty cell there too (``parse`` is never asked of one).
                answers = {} if field.required else {"": empty_value(field)}
            parse = parser_for(field.kind, self.today, answers)
            whole = column_parser_for(field.kind)
            self.columns.append(Column(i, field, str(header_cells[i]), parse, answers, whole))
        self._by_name = {c.field.name: c for c in self.columns}
        # (index, key, parse, value of an empty cell, whether the field is required, column)
        self._plan = [
            (
                c.index,
                c.key,
                c.parse,
                None if c.field.required else empty_value(c.field),
                c.field.required,
                c,
            )
            for c in self.columns
        ]
        self._last_index = max((c.index for c in self.columns), default=-1)

    def parse(self, line: int, cells: Sequence[Cell]) -> tuple[dict[str, Any], list[RowProblem]]:
        """Every mapped cell parsed (keyed by the field's English name), or the problems."""
        problems: list[RowProblem] = []
        values: dict[str, Any] = {}
        width = len(cells)
        try:
            joined = "".join(cells)  # type: ignore[arg-type]  # one look for the whole row
        except TypeError:  # a workbook's date cells
            joined = "".join(map(str, cells))
        bom = "\ufeff" in joined  # two files joined: refused in whichever column it is
        if not bom and width > self._last_index:
            # The common row: every mapped cell there, none to refuse for what it holds.
            try:
                for index, key, parse, empty, required, _ in self._plan:
                    raw = cells[index]
                    if raw != "":
                        values[key] = parse(raw)
                    elif required:
                        raise FieldProblem("value.required")
                    else:
                        values[key] = empty
                return values, problems
            except FieldProblem:
                values.clear()  # the long way below names every problem of the row
        for index, key, parse, empty, required, col in self._plan:
            raw = cells[index] if index < width else ""
            try:
                if bom and isinstance(raw, str) and "\ufeff" in raw:
                    raise FieldProblem("value.bom")
                if raw != "":
                    values[key] = parse(raw)
                elif not required:
                    values[key] = empty
                else:
                    raise FieldProblem("value.required")
            except FieldProblem as p:
                shown = shown_value(col.field.name, str(raw))
                problems.append(RowProblem(line, index + 1, col.header, shown, p.key, p.params))
        return values, problems

    def parse_many(self, rows: Sequence[Sequence[Cell]]) -> list[dict[str, Any] | None]:
        """``parse`` of each of ``rows``: its values when it has no problem, else None (to
        be parsed by ``parse``, which names its problems). Read a column at a time, the
        repeated values of a column looked up all at once; the same values as ``parse``
        (a row it cannot be sure of, it leaves to ``parse``)."""
        found = self.parse_columns(rows)
        if found is None:
            return [None] * len(rows)
        return values_of(*found, len(rows))

    def parse_columns(
        self, rows: Sequence[Sequence[Cell]]
    ) -> tuple[dict[str, list[Any]], set[int]] | None:
        """``parse_many``'s work before it makes a row's values of it: each mapped field's
        column of values (by its English name), and the rows to be left to ``parse``
        (their values in the columns are not theirs). None: every row is (a row with a
        cell missing, a byte-order mark, a workbook's date cells)."""
        count = len(rows)
        try:
            joined = "".join(map("".join, rows))  # type: ignore[arg-type]
        except TypeError:  # a workbook's date cells: the long way
            return None
        if "\ufeff" in joined or min(map(len, rows), default=0) <= self._last_index:
            return None  # a byte-order mark, or a cell missing: the long way
        columns = list(zip(*rows, strict=False))  # as wide as the narrowest: every mapped cell
        bad: set[int] = set()
        parsed: dict[str, list[Any]] = {}
        for index, key, parse, empty, required, col in self._plan:
            cells = columns[index]
            answers = col.answers
            if answers is not None:
                found = list(map(answers.get, cells, repeat(_UNSEEN, count)))
                if _UNSEEN in found:
                    _parse_each(found, cells, parse, empty, required, bad)
            else:
                whole = None if col.whole is None else col.whole(cells)
                if whole is None:
                    try:
                        found = [parse(c) if c != "" else empty for c in cells]
                    except FieldProblem:
                        found = [_UNSEEN] * count
                        _parse_each(found, cells, parse, empty, required, bad)
                elif "" in cells:  # what an empty cell is, not what it is parsed to
                    found = [empty if c == "" else v for c, v in zip(cells, whole, strict=True)]
                else:
                    found = whole
                if required and "" in cells:
                    bad.update(i for i, c in enumerate(cells) if c == "")
            parsed[key] = found
        return parsed, bad

    def col(self, name: str) -> Column | None:
        """The column of a field (by canonical name), if the file has it."""
        return self._by_name.get(name)

    def among(self, columns: set[int | None], fields: Sequence[str]) -> bool:
        """Whether any of ``fields`` is in one of ``columns`` (1-based) of the file: a cell
        refused already, not to be looked at again."""
        if not columns:  # the common row: nothing refused
            return False
        return any(c is not None and c.index + 1 in columns for c in map(self.col, fields))

    def ward_of(
        self, line: int, values: dict[str, Any], refused: set[int | None]
    ) -> tuple[str | None, list[RowProblem]]:
        """The ward a row names (its cell, else ``--ward``) as read on the import's date
        in ``self.wards``, or the problem; nothing when its cell was refused already."""
        if refused and self.among(refused, ("phuong",)):
            return None, []
        written = values.get("ward") or self.default_ward
        found = self._ward_ids.get(written)  # a column of a few names, over and over
        if found is not None:
            return found, []
        col = self.col("phuong")
        if not written:
            return None, [self.problem(line, col, None, "value.required")]
        try:
            return self.ward_named(written), []
        except FieldProblem as p:
            return None, [self.problem(line, col, written, p.key, **p.params)]

    def ward_named(self, written: str) -> str:
        """The id of the ward ``written`` names (see ``ward_of``), remembered; or the
        ``FieldProblem`` of a name that is none."""
        found = self._ward_ids.get(written)
        if found is None:
            found = self._ward_ids[written] = self.wards.resolve(written, self.as_of).id
        return found

    def problem(
        self, line: int, col: Column | None, value: str | None, key: str, /, **params: Any
    ) -> RowProblem:
        if col is None:
            return RowProblem(line, None, None, value, key, params)
        return RowProblem(line, col.index + 1, col.header, value, key, params)

    def as_written(
        self, cells: Sequence[Cell], col: Column | None, value: str | None
    ) -> str | None:
        """``value``, read from ``col`` of a row's ``cells``, as the row writes it (the
        ``01/02/2015`` the clerk can find in the sheet, not the ``2015-02-01`` read; a
        national id or phone masked, as ``shown_value`` shows a refused cell): what a
        problem of that cell quotes. ``value`` itself where the row has no such cell."""
        if col is None or value is None or col.index >= len(cells):
            return value
        return shown_value(col.field.name, str(cells[col.index]))

    def problem_in(
        self,
        line: int,
        cells: Sequence[Cell],
        col: Column | None,
        value: str | None,
        key: str,
        /,
        **params: Any,
    ) -> RowProblem:
        """``problem`` of ``value``, read from ``col`` of the row's ``cells``, quoting the
        cell as the row writes it (``as_written``)."""
        return self.problem(line, col, self.as_written(cells, col, value), key, **params)

    all_warnings = False  # every warning kept in full (--warnings FILE)

    def keeps_warnings(self) -> bool:
        """Whether a new warning is still kept in full (else ``warn`` only counts it)."""
        return self.all_warnings or len(self.warnings) < WARNINGS_DETAILED

    def warn(self, line: int, col: Column | None, key: str, **params: Any) -> None:
        if not self.keeps_warnings():
            self.counts.warnings_not_kept += 1
            return
        self.warnings.append(
            Warning(line, col.index + 1 if col else None, col.header if col else None, key, params)
        )

    def finish(self) -> list[RowProblem]:
        return []


_UNSEEN = object()  # of ``parse_many``: a cell not parsed yet


def values_of(
    columns: dict[str, list[Any]], bad: set[int], count: int
) -> list[dict[str, Any] | None]:
    """Each row's values, of the ``count`` rows whose columns ``parse_columns`` read;
    None for a row it left to ``parse``."""
    if not columns:
        return [{} for _ in range(count)]
    keys = list(columns)
    values: list[dict[str, Any] | None] = [
        dict(zip(keys, v, strict=True)) for v in zip(*columns.values(), strict=True)
    ]
    for i in bad:
        values[i] = None
    return values


def _parse_each(
    found: list[Any],
    cells: Sequence[Cell],
    parse: Callable[[Cell], object],
    empty: object,
    required: bool,
    bad: set[int],
) -> None:
    """``found`` completed where it is ``_UNSEEN``: each of those ``cells`` parsed, an
    empty one ``empty`` (a required one empty, or one refused, adds its row to
    ``bad``)."""
    for i, cell in enumerate(cells):
        if found[i] is not _UNSEEN:
            continue
        if cell == "":
            if required:
                bad.add(i)
            found[i] = empty
            continue
        try:
            found[i] = parse(cell)
        except FieldProblem:
            bad.add(i)


class LaterIndexes:
    """Indexes of ``table`` that a big import builds once rather than grows row by row:
    once it has written as many rows as the table held when it began (and at least
    ``INDEX_LATER``, unless the table was empty: a first import, from its first batch),
    they are left out (``store.db.left_out``) and built again in
    ``finish``. An index built over a whole table at once is several times cheaper than
    one grown by random inserts; nothing the import reads goes through them.

    ``sort_limit``: the sort that builds them holds the whole index in memory (as the
    temporary store is); past that many rows in the table they are built there and then,
    and grown as usual after, so that a city-sized import's memory stays flat."""

    def __init__(
        self, db: Database, table: str, names: Sequence[str], *, sort_limit: int | None = None
    ) -> None:
        self.db = db
        self.table = table
        self.names = names
        self.written = 0
        self.sort_limit = sort_limit
        self._held: int | None = None  # rows there before the import, once it matters
        self._empty: bool | None = None  # whether there were none (asked before writing)
        self._put_back: list[Callable[[], None]] | None = None
        self._built = False

    def before_writing(self) -> None:
        """Called before each batch is written."""
        if self._put_back is not None:
            if self._past_limit():
                self.finish()
            return
        if self._built:
            return
        if self._empty is None:  # asked once, before the first batch: one row is enough
            some = self.db.execute(f"SELECT 1 FROM {self.table} LIMIT 1").fetchone()
            self._empty = some is None
        if self._empty:
            self._held = 0  # a first import: left out from its first batch
        elif self.written < INDEX_LATER:
            return
        if self._held is None:  # counted once, not by every small import (`person add`)
            total = self.db.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]
            self._held = max(total - self.written, 0)
        if self.written >= self._held and not self._past_limit():
            left = (left_out(self.db, "index", name) for name in self.names)
            self._put_back = [put_back for put_back in left if put_back is not None]

    @property
    def leaving_out(self) -> bool:
        """Whether the indexes are left out now (to be built in ``finish``)."""
        return self._put_back is not None

    def _past_limit(self) -> bool:
        held = self._held or 0
        return self.sort_limit is not None and held + self.written >= self.sort_limit

    def finish(self) -> None:
        """Build the indexes left out, if any (then, and from then on, they are grown)."""
        if self._put_back is None:
            return
        with sorted_on_disk(self.db):
            for put_back in self._put_back:
                put_back()
        self._put_back = None
        self._built = True
