"""What every import shares: detect, find the header, validate every row, write all or nothing.

A loader (one per kind of file) turns a row into problems or queued writes;
the engine owns the transaction, the import log, ``--dry-run``, ``--skip-bad``
with its rejects file, and the no-op on a byte-identical file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import sqlite3
import warnings
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cqn_cli.errors import ImportRefused, RowProblem, Stopped
from cqn_cli.i18n import t
from cqn_cli.ingest import read
from cqn_cli.ingest.fields import Field, HeaderMap, looks_like_header, map_header
from cqn_cli.ingest.read import Cell, Source
from cqn_cli.store import db as store
from cqn_cli.store.db import Database
from cqn_cli.text import lost_letters

HEADER_SEARCH_ROWS = 10
HIDDEN_SHOWN = 10  # the hidden rows of a workbook named in its warning; the rest counted
ANALYZE_AFTER = 10_000  # rows written by one import before the planner's statistics are redone


@dataclass(frozen=True)
class ImportOptions:
    as_of: dt.date
    today: dt.date
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_map: dict[str, str] = field(default_factory=dict)  # from --map, already parsed
    skip_bad: bool = False
    rejects: Path | None = None
    dry_run: bool = False
    force: bool = False
    ward: str | None = None  # --ward: the ward of rows that name none
    as_of_given: bool = True  # False when --as-of was left to default to today
    legacy: str | None = None  # --legacy tcvn3|vni: the file was typed in an old font
    all_warnings: bool = False  # --warnings FILE: every warning kept to be written there


@dataclass(frozen=True)
class Warning:
    line: int | None
    column: int | None
    header: str | None
    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Counts:
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings_not_kept: int = 0  # counted, not held: no one reads the millionth warning


@dataclass
class ImportResult:
    path: str
    kind: str
    sha256: str
    counts: Counts
    warnings: list[Warning]
    dry_run: bool
    already_imported_at: str | None = None  # set when the file was a no-op
    rejects_path: str | None = None
    skipped_title_rows: int = 0


class Loader(Protocol):
    """One kind of file: checks rows and queues their writes inside the engine's transaction."""

    fields: Sequence[Field]
    warnings: list[Warning]
    all_warnings: bool  # keep every warning in full (else the first ones; the rest counted)
    counts: Counts
    # True: every reference the loader writes is one it found in the database or wrote
    # itself in this transaction, and ``finish`` checks them all at once; SQLite's
    # foreign keys are then not weighed row by row (a fifth of a big import's time).
    checks_references: bool
    # True: every row needs a ward (its cell, else ``--ward``): without either, the file
    # is refused once for the missing column, not row by row.
    needs_ward: bool
    # The tables its rows are written to (the audit trail besides): their statistics are
    # redone after a big import, not every table's (a city's two million marks: 0.3 s).
    writes: tuple[str, ...]
    # Headers (as ``fields.header_key`` makes them) that this kind of file may carry and
    # that mean nothing to it: read past without the warning of an unknown column.
    read_past: frozenset[str]

    def start(self, header: HeaderMap, header_cells: Sequence[Cell], header_line: int) -> None:
        """Called once, inside the transaction, before the first row."""

    def row(self, line: int, cells: Sequence[Cell]) -> list[RowProblem]:
        """Check one data row; queue its writes if it is good; return its problems."""
        ...

    def finish(self) -> list[RowProblem]:
        """Flush queued writes; return problems only visible once all rows are seen.

        Such a problem refuses the whole file, even with ``--skip-bad``: the rows
        it involves may already be written inside the transaction.
        """
        ...


class PreparesApart(Loader, Protocol):
    """A loader whose rows can be prepared (read, parsed, checked on their own) in a
    second process while this one matches and writes them: ``row(line, cells)`` is then
    ``take(line, prepare(line, cells))``."""

    def prepares_apart(self) -> bool:
        """Whether this import's rows may be prepared apart (asked after ``start``)."""
        ...

    def prepare(self, line: int, cells: Sequence[Cell]) -> Any:
        """What a row is on its own: reads no database, changes nothing this process
        holds; its answer is pickled. The rows come to ``take`` in the order they came
        here: what repeats may be sent once and then named (see ``activity._Parts``)."""
        ...

    def writes_while_read(self) -> None:
        """Told when this import's rows are prepared apart, before the first comes: this
        process, which writes them, may wait for them meanwhile."""

    def prepare_many(self, rows: Sequence[tuple[int, Sequence[Cell]]]) -> list[Any]:
        """``prepare`` of each (line, cells), in order: as many at once as are sent."""
        ...

    def take(self, line: int, prepared: Any) -> list[RowProblem]:
        """``row`` for a prepared row."""
        ...


# A file this big, of a loader that ``PreparesApart``, is read and prepared by a second
# process (from the ``fork`` of this one, where the system has it, and with two cores).
APART_BYTES = 1 << 20
PREPARED_BATCH = 500  # rows sent from one process to the other at once


def _apart(loader: Loader, src: Source) -> PreparesApart | None:
    """``loader``, if this file's rows are to be prepared in a second process."""
    prepares = getattr(loader, "prepares_apart", None)
    if prepares is None or src.kind != "csv" or src.path.stat().st_size < APART_BYTES:
        return None
    import multiprocessing
    import os
    import sys

    if sys.platform != "linux" or len(os.sched_getaffinity(0)) < 2:  # the cores it may use
        return None
    if "fork" not in multiprocessing.get_all_start_methods() or not prepares():
        return None
    loader.writes_while_read()  # type: ignore[attr-defined]  # it has (see above)
    return loader  # type: ignore[return-value]  # it has prepare and take (see above)


def _field_count(line: int, cells: Sequence[Cell], width: int, strict: bool) -> list[RowProblem]:
    """The problem of a row of more or fewer cells than the header has, if any."""
    found = len(cells)
    if (found > width and any(c != "" for c in cells[width:])) or (strict and found < width):
        return [
            RowProblem(
                line, None, None, None, "row.field_count", {"found": found, "expected": width}
            )
        ]
    return []


def prepared_apart(
    data: Iterator[tuple[int, list[Cell]]],
    loader: PreparesApart,
    width: int,
    strict: bool,
    path: str,
) -> Generator[tuple[int, list[RowProblem], Any], None, None]:
    """The rows of ``data`` as (line, problem of its width, ``loader.prepare``), read and
    prepared by a child process: a ``fork`` of this one, which goes on reading where
    this one stopped, touches no database and ends with the last row, or with what
    stopped it (raised here after the rows before it: a file unreadable past a line,
    after the rows read; a fault in preparing, after the batches before the one it
    stopped). If this process dies, the child
    finds the pipe closed and ends; if the child is killed, ``Stopped`` is raised."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    _widen(sending)
    child = context.Process(
        target=_prepare, args=(receiving, sending, data, loader, width, strict), daemon=True
    )
    # What both hold is shared until one writes to it: the collector, looking through
    # every object, would write to them all (and each process copy them all).
    gc.freeze()
    try:
        with warnings.catch_warnings():
            # Python 3.12+ warns of a fork beside other threads (a terminal's progress
            # bar has one): the child takes none of their locks, it prints nothing.
            warnings.filterwarnings("ignore", "This process .* is multi-threaded")
            child.start()
    finally:
        gc.unfreeze()
    sending.close()
    close = getattr(data, "close", None)
    if close is not None:
        close()  # this process reads no more of the file (the child goes on)
    try:
        while True:
            try:
                sent = _unpacked(receiving.recv_bytes())
            except EOFError:  # gone without a word: killed (by hand, or short of memory)
                child.join()
                signal = -child.exitcode if child.exitcode and child.exitcode < 0 else 0
                raise Stopped("import.reader_stopped", signal, path=path) from None
            if isinstance(sent, list):
                yield from sent
                continue
            if sent is None:
                return
            if sent[0] == "refused":
                raise ImportRefused(sent[1], sent[2])
            raise sent[1]
    finally:
        receiving.close()
        if child.is_alive():  # this import stopped first (refused, interrupted)
            child.terminate()
        child.join()


# What the pipe between the two processes holds (Linux's most for any user, unless its
# administrator lowered it): with its first 64 KiB, each process waited a third of the
# import's time for the other, the child for room to send, the parent for rows.
PIPE_BYTES = 1 << 20


def _widen(connection: Any) -> None:
    """Give the pipe under ``connection`` room for ``PIPE_BYTES`` where the system allows."""
    import fcntl

    grow = getattr(fcntl, "F_SETPIPE_SZ", None)
    if grow is not None:
        with contextlib.suppress(OSError):  # a lower limit set by the administrator
            fcntl.fcntl(connection.fileno(), grow, PIPE_BYTES)


def _prepare(
    receiving: Any,
    sending: Any,
    data: Iterator[tuple[int, list[Cell]]],
    loader: PreparesApart,
    width: int,
    strict: bool,
) -> None:
    """The child of ``prepared_apart``."""
    import signal

    # Ended by the parent with SIGTERM when it stops first: ended there and then, not by
    # the parent's own way of stopping (``cli.app.Terminated``), which it inherited.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    receiving.close()  # the parent's end: once the parent is gone, a send fails
    try:
        while True:
            rows, stop = _read_some(data, PREPARED_BATCH)
            try:
                batch = _prepared_batch(loader, rows, width, strict)
            except Exception as exc:  # a fault: raised over there after the rows sent
                batch, stop = [], ("error", _portable(exc))
            sending.send_bytes(_packed(batch))
            if stop is not _MORE:
                sending.send_bytes(_packed(stop))
                return
    except (OSError, KeyboardInterrupt):  # the parent is gone, or going
        pass
    finally:
        sending.close()


_MORE = object()  # of ``_read_some``: the rows go on


def _packed(sent: Any) -> bytes:
    """What the child sends, as bytes: by ``marshal`` when it holds only Python's own
    values (the rows of a first roster: lists of strings, numbers and None), else by
    ``pickle`` (a row's problems, a fault). Both ends are one Python (a fork). On the
    batches of a 100,000-row first roster, marshal took 0.12 s where pickle took 0.18 s
    to write them, and 0.25 s where 0.36 s to read them back (in the process that
    writes): some 0.16 s of CPU in all, too little to show in the import's time beside
    the machine's own noise."""
    import marshal

    try:
        return b"M" + marshal.dumps(sent)
    except ValueError:  # an object of its own class
        import pickle

        return b"P" + pickle.dumps(sent, pickle.HIGHEST_PROTOCOL)


def _unpacked(data: bytes) -> Any:
    """What ``_packed`` made ``data`` of."""
    import marshal
    import pickle

    body = memoryview(data)[1:]
    return marshal.loads(body) if data[:1] == b"M" else pickle.loads(body)


def _read_some(data: Iterator[tuple[int, list[Cell]]], most: int) -> tuple[list[Any], Any]:
    """The next rows of ``data``, up to ``most``, and what follows them: ``_MORE``, None
    (the end) or what stopped the reading (sent as it is: see ``prepared_apart``)."""
    rows: list[tuple[int, list[Cell]]] = []
    try:
        for row in data:
            rows.append(row)
            if len(rows) >= most:
                return rows, _MORE
    except ImportRefused as refused:  # the file, unreadable past the rows read
        return rows, ("refused", refused.path, refused.problems)
    except Exception as exc:
        return rows, ("error", _portable(exc))
    return rows, None


def _prepared_batch(
    loader: PreparesApart, rows: list[tuple[int, list[Cell]]], width: int, strict: bool
) -> list[tuple[int, list[RowProblem], Any]]:
    """Each row as (line, problem of its width, ``loader.prepare`` unless it has one)."""
    problems = [
        len(cells) != width and _field_count(line, cells, width, strict) for line, cells in rows
    ]
    ready = [row for row, p in zip(rows, problems, strict=True) if not p]
    prepared = iter(loader.prepare_many(ready))
    return [
        (line, p or [], None if p else next(prepared))
        for (line, _), p in zip(rows, problems, strict=True)
    ]


def _portable(exc: Exception) -> Exception:
    """``exc`` if it survives being sent to another process, else what it says."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(repr(exc))
    return exc


def _find_header(
    src: Source, loader: Loader, extra: dict[str, str]
) -> tuple[int, list[Cell], Iterator[tuple[int, list[Cell]]], int]:
    """The header row (skipping title rows above it) and an iterator over the data rows."""
    it = read.rows(src)
    seen: list[tuple[int, list[Cell]]] = []
    for line, cells in it:
        seen.append((line, cells))
        if looks_like_header(cells, loader.fields, extra):
            return line, cells, it, len(seen) - 1
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if not seen:
        raise ImportRefused(str(src.path), [RowProblem(1, None, None, None, "file.empty")])
    # No recognisable header near the top: take the first row and let the
    # missing-column check say what is wrong.
    first_line, first = seen[0]

    def rest() -> Iterator[tuple[int, list[Cell]]]:
        yield from seen[1:]
        yield from it

    return first_line, first, rest(), 0


LEGACY_SAMPLE_ROWS = 200


def _raw_sample(src: Source) -> list[tuple[int, str]]:
    """Cells beyond ASCII of the first rows, as the file reads without ``--legacy``."""
    from dataclasses import replace
    from itertools import islice

    raw = replace(src, legacy=None)
    bytewise = src.legacy is not None and src.legacy[1] == "bytes"
    return [
        (line, c.encode("latin-1").decode("cp1258", "replace") if bytewise else c)
        for line, cells in islice(read.rows(raw), LEGACY_SAMPLE_ROWS)
        for c in cells
        if isinstance(c, str) and not c.isascii()
    ]


def _check_legacy(src: Source, asked: str | None) -> None:
    """Without ``--legacy``: a file typed in an old font (TCVN3 "NguyÔn", VNI "Nguyeãn")
    is refused, with an example and the option that reads it, before any garbled name is
    stored. With it: a file that is plainly not in that font is refused rather than
    garbled (one that reads as Unicode Vietnamese, or as the other font)."""
    from cqn_cli import legacy

    sample = _raw_sample(src)
    if not sample:
        return
    kind = legacy.detect(c for _, c in sample)
    line = sample[0][0]
    if asked is not None:
        if kind is not None and kind != asked:
            params = {"kind": asked, "other": kind, "font": t(f"legacy.{kind}")}
            problem = RowProblem(line, None, None, None, "file.legacy_other", params)
            raise ImportRefused(str(src.path), [problem])
        if kind is None and legacy.reads_as_unicode((c for _, c in sample), asked):
            problem = RowProblem(line, None, None, None, "file.not_legacy", {"kind": asked})
            raise ImportRefused(str(src.path), [problem])
        return
    if kind is None:
        for line, cell in sample:  # Unicode garbled another way: UTF-8 read as 8-bit
            fixed = legacy.undo_double_utf8(cell)
            if fixed is not None:
                params = {"seen": cell, "fixed": fixed}
                problem = RowProblem(line, None, None, None, "file.double_utf8", params)
                raise ImportRefused(str(src.path), [problem])
        return
    through = "cp1258" if src.encoding == "cp1258" else "cp1252"
    for line, cell in sample:
        fixed = legacy.repair(cell, kind, through)
        if fixed != cell:
            params = {"font": t(f"legacy.{kind}"), "kind": kind, "seen": cell, "fixed": fixed}
            raise ImportRefused(
                str(src.path), [RowProblem(line, None, None, None, "file.legacy_text", params)]
            )


def _missing_columns(
    header: HeaderMap, fields: Sequence[Field], line: int, *, ward_needed: bool = False
) -> list[RowProblem]:
    """A required column the header does not name; with the headers it holds that name
    nothing (and ``--map``), or the letters its code page lost (``H? v� t�n``).
    ``ward_needed``: every row needs a ward and no ``--ward`` gives one: the ward column
    is required too (said once, not as an empty cell on every row)."""
    missing = [f for f in fields if f.required and f.name not in header.columns]
    if ward_needed and "phuong" not in header.columns:
        missing += [f for f in fields if f.name == "phuong"]
    unknown = ", ".join(header.unknown)
    if missing and any(lost_letters(h, asks=True) for h in header.unknown):
        return [RowProblem(line, None, None, None, "file.lost_letters", {"seen": unknown})]
    problems = []
    for f in missing:
        key = "file.missing_column_among" if unknown else "file.missing_column"
        if f.name == "phuong":
            key = "file.missing_ward_among" if unknown else "file.missing_ward"
        params = {"field": f.name, "aliases": ", ".join(f.aliases), "unknown": unknown}
        problems.append(RowProblem(line, None, None, None, key, params))
    return problems


def options_fingerprint(options: ImportOptions) -> str:
    """What, besides the bytes, decides what a file means: the same bytes read with
    another sheet, date, ward or mapping are another import."""
    return json.dumps(
        {
            # A defaulted date is "today" every day: the same file tomorrow is the same import.
            "as_of": options.as_of.isoformat() if options.as_of_given else None,
            "sheet": options.sheet,
            "ward": options.ward,
            "map": sorted(options.header_map.items()),
            "encoding": options.encoding,
            "delimiter": options.delimiter,
            "legacy": options.legacy,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def previous_import(db: Database, kind: str, sha256: str, options: str) -> str | None:
    """When this file was last imported cleanly (no rejected row) the same way, if ever."""
    row = db.execute(
        "SELECT imported_at FROM import_log WHERE kind = ? AND sha256 = ? AND options = ?"
        " AND rejected = 0 ORDER BY id DESC LIMIT 1",
        [kind, sha256, options],
    ).fetchone()
    return str(row[0]) if row else None


# Told every this many rows how far an import has come (a progress bar on a terminal).
TICK_EVERY = 1000
Tick = Callable[[str, int], None]


class Importer(Protocol):
    def __call__(
        self, db: Database, path: Path, options: ImportOptions, tick: Tick | None = None
    ) -> ImportResult: ...


def run_import(
    db: Database,
    path: Path,
    kind: str,
    loader: Loader,
    options: ImportOptions,
    tick: Tick | None = None,
    shown: Path | None = None,
) -> ImportResult:
    """Import one file through ``loader``: all or nothing unless ``skip_bad``. ``tick``,
    if given, hears (file, rows read) every ``TICK_EVERY`` rows. ``shown``: the file as
    the user named it, when ``path`` is a copy of it (see ``read.regular_file``)."""
    src = read.detect(
        path,
        encoding=options.encoding,
        delimiter=options.delimiter,
        sheet=options.sheet,
        legacy=options.legacy,
    )
    shown = shown or path
    display = str(shown)
    result = ImportResult(
        display, kind, src.sha256, loader.counts, loader.warnings, options.dry_run
    )
    fingerprint = options_fingerprint(options)
    if not options.force:
        when = previous_import(db, kind, src.sha256, fingerprint)
        if when is not None:
            result.already_imported_at = when
            return result

    _check_legacy(src, options.legacy)
    header_line, header_cells, data, skipped = _find_header(src, loader, options.header_map)
    result.skipped_title_rows = skipped
    header = map_header(
        header_cells, loader.fields, options.header_map, header_line, loader.read_past
    )
    ward_needed = loader.needs_ward and not options.ward
    problems = header.problems + _missing_columns(
        header, loader.fields, header_line, ward_needed=ward_needed
    )
    if header.unknown:
        loader.warnings.append(
            Warning(
                header_line,
                None,
                None,
                "warn.unknown_columns",
                {"columns": ", ".join(header.unknown)},
            )
        )
    if problems:
        if src.kind == "xlsx" and options.sheet is None:  # the first sheet: the one meant?
            sheets = read.sheet_names(src.path)
            if len(sheets) > 1:
                problems.append(
                    RowProblem(0, None, None, None, "file.other_sheets",
                               {"first": sheets[0], "sheets": ", ".join(sheets[1:])})
                )  # fmt: skip
        raise ImportRefused(display, problems)
    width = len(header_cells)
    strict_width = src.kind == "csv"

    conn = db.conn
    # Inside a caller's transaction (a dry run over several files) this file is a
    # savepoint: undone alone if refused, kept for the next files' checks if not.
    nested = conn.in_transaction
    if nested:
        conn.execute("SAVEPOINT import_file")
    else:
        store.begin(db, shown.name, foreign_keys=not loader.checks_references)
    committed = False
    try:
        if not options.force and not nested:
            # Asked again under the write lock: an import of the same file that ran
            # meanwhile (two at once, the other first) has made this one a no-op.
            when = previous_import(db, kind, src.sha256, fingerprint)
            if when is not None:
                result.already_imported_at = when
                return result
        store.pages_for_import(db)  # restored below
        loader.start(header, header_cells, header_line)
        bad_lines: dict[int, str] = {}
        counts, warnings = loader.counts, loader.warnings
        # Each row as (line, the problem of its width if any, what ``check`` takes).
        checked: Generator[tuple[int, list[RowProblem], Any], None, None]
        check: Callable[[int, Any], list[RowProblem]]
        apart = _apart(loader, src)
        if apart is None:
            checked = (
                (line, _field_count(line, cells, width, strict_width) if len(cells) != width
                 else [], cells)
                for line, cells in data
            )  # fmt: skip
            check = loader.row
        else:  # read and prepared by a second process meanwhile
            checked = prepared_apart(data, apart, width, strict_width, display)
            check = apart.take
        # With --skip-bad, a rejected row's warnings are dropped (its reason is what it
        # needs): those it was given, kept or counted, are undone.
        skip = options.skip_bad
        kept = counted = 0
        hidden, hidden_read = src.hidden_rows, []
        with contextlib.closing(checked):  # stopped: the second process ends at once
            for line, width_problems, row in checked:
                counts.rows += 1
                if hidden and line in hidden:
                    hidden_read.append(line)
                if tick is not None and not counts.rows % TICK_EVERY:
                    tick(display, counts.rows)
                if skip:
                    kept, counted = len(warnings), counts.warnings_not_kept
                row_problems = width_problems or check(line, row)
                if row_problems:
                    problems.extend(row_problems)
                    bad_lines.setdefault(line, row_problems[0].key)
                    if skip:
                        del warnings[kept:]
                        counts.warnings_not_kept = counted
        if not counts.rows:
            problems.append(RowProblem(header_line, None, None, None, "file.no_rows"))
        if hidden_read:  # said once, of the file: the first of them, how many, which
            named = ", ".join(map(str, hidden_read[:HIDDEN_SHOWN]))
            more = "…" if len(hidden_read) > HIDDEN_SHOWN else ""
            params = {"count": len(hidden_read), "lines": named + more}
            warnings.append(Warning(hidden_read[0], None, None, "warn.hidden_rows", params))
        late = loader.finish()
        problems.extend(late)
        # A problem seen only once every row is in involves rows already written:
        # it refuses the whole file, --skip-bad or not. So does --skip-bad with not one
        # good row: nothing would be written, and a script must not take it for done.
        every_row = len(bad_lines) == counts.rows
        if problems and (late or not options.skip_bad or every_row):
            ordered = sorted(problems, key=lambda p: (p.line, p.column or 0))
            refused = ImportRefused(display, ordered, rows=counts.rows > 0)
            if options.skip_bad and not late and bad_lines and not options.dry_run:
                refused.rejects_path = _write_rejects(src, options, header_line, problems)
            raise refused
        loader.counts.rejected = len(bad_lines)
        if options.dry_run:
            if nested:
                conn.execute("RELEASE import_file")
                committed = True
            return result
        if options.skip_bad and bad_lines:
            result.rejects_path = _write_rejects(src, options, header_line, problems)
        c = loader.counts
        conn.execute(
            "INSERT INTO import_log (kind, file_name, sha256, as_of, rows, inserted, updated,"
            " unchanged, rejected, imported_at, options) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                kind,
                shown.name,
                src.sha256,
                options.as_of.isoformat(),
                c.rows,
                c.inserted,
                c.updated,
                c.unchanged,
                c.rejected,
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                fingerprint,
            ],
        )
        if nested:
            conn.execute("RELEASE import_file")
        else:
            store.commit(db)
            if c.inserted + c.updated >= ANALYZE_AFTER:
                store.optimize(db, loader.writes)
        committed = True
        return result
    finally:
        if not committed:
            with contextlib.suppress(sqlite3.Error):
                if nested:
                    conn.execute("ROLLBACK TO import_file")
                    conn.execute("RELEASE import_file")
                else:
                    store.rollback(db)
        with contextlib.suppress(sqlite3.Error):
            store.pages_for_reading(db)


def _write_rejects(
    src: Source, options: ImportOptions, header_line: int, problems: list[RowProblem]
) -> str | None:
    """``--rejects FILE`` written with the rows refused (see ``rejects``), if given."""
    if options.rejects is None:
        return None
    from cqn_cli.ingest.rejects import write_rejects

    write_rejects(src, options.rejects, header_line, problems)
    return str(options.rejects)


def import_files(
    db: Database,
    paths: Sequence[Path],
    importer: Importer,
    options: ImportOptions,
    tick: Tick | None = None,
) -> Iterator[ImportResult | ImportRefused]:
    """Import files one after the other, each all or nothing; yield each outcome.

    A dry run over several files checks each against the database as the
    earlier ones would have left it (same ids, duplicates across files seen),
    then undoes everything.
    """
    outer = options.dry_run and len(paths) > 1
    if outer:
        store.begin(db)
    try:
        for path in paths:
            try:
                yield importer(db, path, options, tick)
            except ImportRefused as refused:
                yield refused
    finally:
        if outer:
            store.rollback(db)


def importer(kind: str) -> Importer:
    """``cqn import KIND FILE``: one file of that kind, all or nothing unless ``skip_bad``."""

    def run(
        db: Database, path: Path, options: ImportOptions, tick: Tick | None = None
    ) -> ImportResult:
        from cqn_cli.ingest import activity
        from cqn_cli.ingest.roster import RosterLoader

        loader: Loader
        as_of, today = options.as_of, options.today
        if kind == "roster":
            loader = RosterLoader(db, as_of=as_of, today=today, default_ward=options.ward)
        elif kind == "groups":
            loader = activity.GroupsLoader(db, as_of=as_of, today=today, default_ward=options.ward)
        elif kind == "members":
            loader = activity.MembersLoader(db, as_of=as_of, today=today)
        elif kind == "attendance":
            loader = activity.AttendanceLoader(db, as_of=as_of, today=today)
        else:
            loader = activity.VisitsLoader(db, as_of=as_of, today=today)
        loader.all_warnings = options.all_warnings
        with read.regular_file(path) as readable:
            try:
                return run_import(db, readable, kind, loader, options, tick, shown=path)
            except ImportRefused as refused:
                if readable != path:  # said of the file named, not of its copy
                    refused.named(str(path))
                raise

    return run
