"""Bytes → rows: encodings, separators, quoting and ``.xlsx``, streamed.

A file is read twice: once in binary to hash it (SHA-256 for the import log) and
to settle its encoding, once to stream its rows. Nothing holds the whole file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import errno
import hashlib
import io
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cqn_cli.dates import ShownDate
from cqn_cli.errors import ImportRefused, RowProblem, UsageError
from cqn_cli.i18n import os_reason, t
from cqn_cli.text import fold

CHUNK = 1 << 20
# Characters of a CSV file read at once (see ``_Blocks``): more is no faster, and each
# is held several times over while its lines are split.
BLOCK = 1 << 16
FIELD_LIMIT = 100_000  # characters in one cell; a bigger one is refused, not read
_SEPARATORS = (",", ";", "\t")

Cell = str | dt.date


@dataclass
class Source:
    """An input file as detected: how to read it and its fingerprint."""

    path: Path
    sha256: str
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None  # Python codec name, for csv
    bom: bool = False
    delimiter: str = ","
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    # --legacy: (tcvn3|vni, how): "bytes" for an 8-bit file, read byte for byte and each
    # cell decoded; "cp1252" for text already Unicode through Windows-1252 (Excel's).
    legacy: tuple[str, str] | None = None
    # A workbook's rows hidden in Excel, by number: known once its rows are read.
    hidden_rows: frozenset[int] = frozenset()

    @property
    def name(self) -> str:
        return str(self.path)


@contextlib.contextmanager
def regular_file(path: Path) -> Iterator[Path]:
    """``path``, or, for a pipe (``/dev/stdin``, ``<(…)``), which can be read only once,
    a private copy of all it gives: an import reads its file more than once (its hash,
    its encoding, its rows). The copy (mode 0600, in a folder of this process's own)
    is removed at the end."""
    try:
        mode = path.stat().st_mode
    except OSError:  # gone, or unreadable: ``detect`` says so
        mode = stat.S_IFREG
    if not stat.S_ISFIFO(mode) and not stat.S_ISCHR(mode):
        yield path
        return
    import tempfile  # a pipe's import only

    with contextlib.ExitStack() as stack:
        try:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="cqn-"))
            copy = Path(folder) / f"pipe{path.suffix}"
            kept = stack.enter_context(
                os.fdopen(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb", 0)
            )
        except OSError as exc:  # no room, or no right, in the temporary folder: exit 2
            where = tempfile.gettempdir()
            raise UsageError("usage.cannot_write", path=where, reason=os_reason(exc)) from None
        try:
            given = stack.enter_context(path.open("rb"))
        except OSError as exc:
            raise _refuse(path, 0, "file.unreadable", reason=os_reason(exc)) from None
        while True:
            try:
                chunk = given.read(CHUNK)
            except OSError as exc:
                raise _refuse(path, 0, "file.unreadable", reason=os_reason(exc)) from None
            if not chunk:
                break
            try:
                view = memoryview(chunk)
                while view:  # a write may take part of it (a disk nearly full)
                    taken = kept.write(view)
                    if not taken:
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                    view = view[taken:]
            except OSError as exc:  # a full disk: said of the copy, not of the pipe
                reason = os_reason(exc)
                raise UsageError("usage.cannot_write", path=str(copy), reason=reason) from None
        yield copy


def _refuse(path: Path, line: int, key: str, **params: object) -> ImportRefused:
    return ImportRefused(str(path), [RowProblem(line, None, None, None, key, dict(params))])


def _line_at(path: Path, offset: int) -> int:
    """1-based line number of a byte offset (for decoding errors)."""
    line = 1
    with path.open("rb") as f:
        remaining = offset
        while remaining > 0:
            chunk = f.read(min(CHUNK, remaining))
            if not chunk:
                break
            line += chunk.count(b"\n")
            remaining -= len(chunk)
    return line


def _decodes(path: Path, encoding: str, skip: int) -> int | None:
    """None if the whole file decodes in ``encoding``, else the offset of the first bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    with path.open("rb") as f:
        f.seek(skip)
        offset = skip
        while True:
            chunk = f.read(CHUNK)
            final = not chunk
            try:
                decoder.decode(chunk, final=final)
            except UnicodeError as exc:  # "utf-16" without a BOM fails without a position
                return offset + int(getattr(exc, "start", 0))
            if final:
                return None
            offset += len(chunk)


def _utf16_without_bom(head: bytes) -> str | None:
    if len(head) < 4:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return None


def _hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def detect(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    legacy: str | None = None,
) -> Source:
    """Look at a file: its hash, whether it is ``.xlsx``, its encoding and separator;
    with ``legacy``, how its cells are turned from that old font encoding into Unicode."""
    try:
        with path.open("rb") as f:
            head = f.read(65536)
        digest = _hash(path)
    except FileNotFoundError:
        raise _refuse(path, 0, "file.not_found") from None
    except OSError as exc:
        raise _refuse(path, 0, "file.unreadable", reason=os_reason(exc)) from None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: Excel 97-2003
        raise _refuse(path, 0, "file.old_xls")
    # Named .xlsx without being one: a CSV renamed is read as one; anything else is not
    # text, and is said to be no workbook rather than an encoding's failure.
    named_xlsx = path.suffix.lower() in (".xlsx", ".xlsm") and not head.startswith(b"PK")
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_without_bom(head)
    if named_xlsx and b"\x00" in head and not utf16:
        raise _refuse(path, 0, "file.not_xlsx")
    if head.startswith(b"PK\x03\x04"):
        xlsx = Source(path=path, sha256=digest, kind="xlsx", sheet=sheet)
        xlsx.legacy = (legacy, "cp1252") if legacy else None
        return xlsx
    src = Source(path=path, sha256=digest, kind="csv")
    skip = 0
    if encoding:
        src.encoding = codecs.lookup(encoding).name
        if src.encoding in ("utf-8", "utf-8-sig") and head.startswith(codecs.BOM_UTF8):
            src.encoding, src.bom, skip = "utf-8", True, 3
        elif (src.encoding, head[:2]) in (
            ("utf-16-le", codecs.BOM_UTF16_LE),
            ("utf-16-be", codecs.BOM_UTF16_BE),
        ):
            src.bom, skip = True, 2  # else the BOM would stick to the first header
    elif head.startswith(codecs.BOM_UTF8):
        src.encoding, src.bom, skip = "utf-8", True, 3
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        le = head.startswith(codecs.BOM_UTF16_LE)
        src.encoding, src.bom, skip = ("utf-16-le" if le else "utf-16-be"), True, 2
    else:
        src.encoding = _utf16_without_bom(head) or "utf-8"
    bad = _decodes(path, src.encoding, skip)
    eight_bit = not src.encoding.startswith(("utf-8", "utf-16", "utf_"))
    if bad is not None and not encoding and src.encoding == "utf-8" and not src.bom:
        # Not UTF-8: the 8-bit encoding of Vietnamese Windows (or an old font's bytes).
        src.encoding, eight_bit = "cp1258", True
        bad = None if legacy else _decodes(path, "cp1258", 0)
    if legacy:
        src.legacy = (legacy, "bytes" if eight_bit else "cp1252")
        if eight_bit:
            src.encoding = "latin-1"  # byte for byte: each cell is decoded from its bytes
    if bad is not None and named_xlsx:
        raise _refuse(path, 0, "file.not_xlsx")
    if bad is not None:
        raise _refuse(path, _line_at(path, bad), "file.decode", encoding=src.encoding, offset=bad)
    src.delimiter = delimiter or _sniff_delimiter(_decoded_head(head, src, skip))
    return src


def _decoded_head(head: bytes, src: Source, skip: int) -> str:
    assert src.encoding is not None
    decoder = codecs.getincrementaldecoder(src.encoding)("replace")
    return decoder.decode(head[skip:], final=False)


def _sniff_delimiter(text: str) -> str:
    """The separator that splits most of the first lines the same number of times.

    Counted outside quotes. Consistency, not the biggest count: a semicolon file
    whose addresses hold commas (``Số 12, đường Lê Lợi, tổ 3``) is still a
    semicolon file. On a tie, the bigger count; then comma.
    """
    best, best_score = ",", (0, 0)
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    for sep in _SEPARATORS:
        counts: dict[int, int] = {}
        for line in lines:
            in_quotes, n = False, 0
            for ch in line:
                if ch == '"':
                    in_quotes = not in_quotes
                elif ch == sep and not in_quotes:
                    n += 1
            if n:
                counts[n] = counts.get(n, 0) + 1
        if counts:
            score = max((lines_, n) for n, lines_ in counts.items())
            if score > best_score:
                best, best_score = sep, score
    return best


def rows(src: Source) -> Iterator[tuple[int, list[Cell]]]:
    """Every non-empty row as (line number, cells); cells stripped, newlines as ``\\n``.

    Raises ImportRefused at the line where the file stops being readable CSV.
    """
    found = _xlsx_rows(src) if src.kind == "xlsx" else _csv_rows(src)
    # Handed on as they are: a generator around another costs a step for every row.
    return found if src.legacy is None else _from_legacy(found, src.legacy)


def _from_legacy(
    found: Iterator[tuple[int, list[Cell]]], legacy_font: tuple[str, str]
) -> Iterator[tuple[int, list[Cell]]]:
    """The rows of a file typed in an old font (``--legacy``), in Unicode."""
    from cqn_cli import legacy

    kind, how = legacy_font

    def convert(cell: Cell) -> Cell:
        if not isinstance(cell, str) or cell.isascii():
            return cell
        if how == "bytes":
            text = legacy.decode(cell.encode("latin-1"), kind)
        else:
            text = legacy.repair(cell, kind, how)
        return legacy.capitalise_names(text) if kind == "tcvn3" else text

    for line, cells in found:
        yield line, [convert(c) for c in cells]


class _Blocks:
    """The lines of a text, read ``BLOCK`` characters at a time, each block ending at a
    line's end; ``odd_to``: the last line (1 = the first) of the latest block holding
    anything that a row must be looked at closely for (``_plain``); 0 while none has.

    A row of one line after ``odd_to`` needs only its cells stripped."""

    def __init__(self, text: io.TextIOBase) -> None:
        self.text = text
        self.odd_to = 0

    def __iter__(self) -> Iterator[str]:
        rest: list[str] = []  # read since the last line break (a long line: many reads)
        lines = 0
        while True:
            chunk = self.text.read(BLOCK)
            if not chunk:
                block = "".join(rest)
                rest = []
            else:
                # After the last line break, not after a "\r" that may come before "\n"
                # (a "\r" left at the end of ``rest`` is joined to this chunk's "\n").
                end = max(chunk.rfind("\n"), chunk.rfind("\r", 0, -1)) + 1
                if not end:
                    rest.append(chunk)
                    continue
                block = "".join([*rest, chunk[:end]])
                rest = [chunk[end:]]
            if block:
                split = list(io.StringIO(block, newline=""))  # split as the file would be
                lines += len(split)
                if not _plain(block):
                    self.odd_to = lines
                yield from split
            elif not chunk:
                return


def _plain(text: str) -> bool:
    """Whether the whole lines ``text`` hold nothing that a row of one line is looked at
    closely for: no NUL, no apostrophe, nothing to put in NFC (a line break is a starter:
    lines each in NFC are in NFC together). A carriage return is only ever in a cell of
    a row of several lines."""
    return (
        "\x00" not in text
        and "'" not in text
        and (text.isascii() or unicodedata.is_normalized("NFC", text))
    )


def _csv_rows(src: Source) -> Iterator[tuple[int, list[Cell]]]:
    assert src.encoding is not None
    csv.field_size_limit(FIELD_LIMIT)
    with src.path.open("rb") as raw:
        if src.bom:
            raw.read(3 if src.encoding == "utf-8" else 2)
        text = io.TextIOWrapper(raw, encoding=src.encoding, newline="")
        blocks = _Blocks(text)
        reader = csv.reader(blocks, delimiter=src.delimiter, strict=True)
        line = 1
        try:
            for cells in reader:
                start, line = line, reader.line_num + 1
                if line - start == 1 and start > blocks.odd_to:  # the common case
                    stripped: list[Cell] = list(map(str.strip, cells))
                    if any(stripped):
                        yield start, stripped
                    continue
                # One look at the whole row, not one per cell (a starter between the
                # cells: no mark composes across them; "\x1f" is a space to isspace()).
                joined = "\x1f".join(cells)
                if "\x00" in joined:  # csv accepts NUL since Python 3.11
                    raise _refuse(src.path, _nul_line(start, cells), "file.nul")
                if not joined or joined.isspace():
                    continue
                if "\r" in joined or not _plain(joined):
                    yield start, [_clean(c) for c in cells]
                else:
                    yield start, [c.strip() for c in cells]
        except csv.Error as exc:
            message = str(exc)
            if "NUL" in message:
                raise _refuse(src.path, reader.line_num, "file.nul") from None
            if "field larger" in message:
                key, params = "file.field_too_large", {"limit": FIELD_LIMIT}
                # The row where the cell starts, not where the reader gave up.
                raise _refuse(src.path, line, key, **params) from None
            # A quote never closed swallows the rest of the file: point at its row.
            unclosed = "unexpected end of data" in message
            at = line if unclosed else reader.line_num
            if unclosed or "expected after" in message:  # csv's words, said in the clerk's
                message = t("csv.unclosed_quote" if unclosed else "csv.after_quote")
            raise _refuse(src.path, at, "file.csv_error", reason=message) from None


def _nul_line(start: int, cells: list[str]) -> int:
    """The physical line of the first NUL of a row starting at ``start``."""
    text = "".join(cells)
    before = text[: text.index("\x00")]
    return start + before.count("\n") + before.count("\r") - before.count("\r\n")


def _clean(cell: str) -> str:
    """Line breaks as ``\n``, spaces stripped, and a leading apostrophe dropped: it is the
    spreadsheet's "this is text" mark (``'0905…``) and what our own CSV output puts
    before a cell that a spreadsheet would run as a formula."""
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    if not cell.isascii() and not unicodedata.is_normalized("NFC", cell):
        cell = unicodedata.normalize("NFC", cell)  # Windows-1258 gives decomposed tone marks
    cell = cell.strip()
    return cell[1:].lstrip() if cell.startswith("'") else cell


def _xlsx_cell(value: object, number_format: str = "General") -> Cell:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return _shown_precision(day, number_format)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return _clean(str(value))


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _shown_precision(day: dt.date, number_format: str) -> Cell:
    """A date cell as precise as the sheet shows it: Excel stores ``03/1975`` typed in a
    cell as 01/03/1975 shown ``mm/yyyy``, and ``1975`` formatted as a year as 01/01/1975:
    a ``ShownDate``, which a column of partial dates reads as that month or year. A day
    other than the first (15/03/1975 shown ``mm/yyyy``) was typed as a day: it stays one,
    as does a format showing a time (its ``m`` is minutes)."""
    shown = _FORMAT_LITERALS.sub("", number_format.lower())
    if "d" in shown or "y" not in shown or "h" in shown or "s" in shown or day.day != 1:
        return day
    if "m" in shown:
        return ShownDate(day, "month")
    return ShownDate(day, "year") if day.month == 1 else day


def _broken_workbook_errors() -> tuple[type[BaseException], ...]:
    """What openpyxl raises on a damaged workbook (a zip, but not a good one): a bad zip,
    corrupt compressed data, a truncated member, broken XML, a missing part."""
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    from openpyxl.utils.exceptions import CellCoordinatesException, InvalidFileException

    return (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        IndexError,
        KeyError,
        ValueError,
        OSError,
        ParseError,
        InvalidFileException,
        CellCoordinatesException,  # a cell named against the rules (<c r="2B">)
    )


def sheet_names(path: Path) -> list[str]:
    """The sheets of a workbook, in their order (none if it does not open)."""
    from openpyxl import load_workbook

    try:
        with path.open("rb") as raw:
            wb = load_workbook(raw, read_only=True)
            try:
                return list(wb.sheetnames)
            finally:
                wb.close()
    except _broken_workbook_errors():
        return []


def sheet_named(wanted: str, sheets: Sequence[str]) -> str:
    """The sheet ``--sheet`` names: as written, else the one sheet whose name reads the
    same without case, accents or their encoding ("ds tam thuan 2019" for "DS Tam Thuận
    2019"); anything else is a usage error naming the sheets."""
    if wanted in sheets:
        return wanted
    alike = [name for name in sheets if fold(name) == fold(wanted)]
    if len(alike) == 1:
        return alike[0]
    raise UsageError("usage.no_sheet", sheet=wanted, sheets=", ".join(sheets))


# In a sheet's XML: the start of a formula (``<f>``, ``<f t="shared" …/>``, ``<x:f>``),
# and a row's opening tag, hidden or not, with its number.
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*)>")
_HIDDEN = re.compile(rb'\shidden="(?:1|true)"')
_ROW_NUMBER = re.compile(rb'\sr="([0-9]+)"')


def _glance(opened: Callable[[], Any]) -> tuple[bool, frozenset[int]]:
    """One quick pass over a sheet's XML (``opened()``): whether it holds any formula, and
    the numbers of its hidden rows."""
    formulas = False
    hidden: set[int] = set()
    with opened() as source:
        rest = b""
        while chunk := source.read(CHUNK):
            text = rest + chunk
            cut = text.rfind(b"<")  # a tag cut short by the chunk: read with the next
            if cut == -1 or text.find(b">", cut) != -1:
                cut = len(text)
            whole, rest = text[:cut], text[cut:]
            formulas = formulas or _FORMULA.search(whole) is not None
            for attributes in _ROW_TAG.findall(whole):
                if _HIDDEN.search(attributes):
                    number = _ROW_NUMBER.search(attributes)
                    if number:
                        hidden.add(int(number.group(1)))
    return formulas, frozenset(hidden)


def _uncomputed_formula(opened: Callable[[], Any]) -> tuple[int, int, str] | None:
    """The first cell of a sheet (``opened()``, its XML) that holds a formula with no
    value (its row, column, and name: 7, 3, "C7"): a workbook written by a program that
    writes formulas and leaves them to the spreadsheet to compute (openpyxl, say), never
    opened and saved by one. Read for its values, such a cell is empty, and the value
    the clerk sees in Excel would go missing without a word. (Asked of a sheet with a
    formula: Excel saves every formula with its value, and most sheets have none.)"""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import (
        column_index_from_string,
        coordinate_from_string,
        get_column_letter,
    )

    row = column = 0
    with opened() as source:
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag.rpartition("}")[2]  # without its namespace
            if event == "start":
                if tag == "row":
                    row, column = int(element.get("r") or row + 1), 0
                elif tag == "c":
                    ref = element.get("r")
                    if ref:
                        letters, row = coordinate_from_string(ref)
                        column = column_index_from_string(letters)
                    else:  # a cell of no name: the one after the last
                        column += 1
            elif tag == "c":
                parts = {child.tag.rpartition("}")[2]: child for child in element}
                value = parts.get("v")
                # No value, or an empty one (openpyxl writes ``<v/>``), which only a text
                # result may be (Excel: ``t="str"``, an empty text).
                empty = value is None or (not value.text and element.get("t") != "str")
                if "f" in parts and empty and "is" not in parts:
                    return row, column, f"{get_column_letter(column)}{row}"
            elif tag == "row":
                element.clear()  # a sheet of any size, a row at a time
    return None


def _xlsx_rows(src: Source) -> Iterator[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook

    broken = _broken_workbook_errors()
    raw = src.path.open("rb")  # a file object: openpyxl checks the extension of a path
    try:
        wb = load_workbook(raw, read_only=True, data_only=True)
    except broken:
        raw.close()
        raise _refuse(src.path, 0, "file.bad_xlsx") from None
    number = 0
    try:
        if src.sheet is not None:
            ws = wb[sheet_named(src.sheet, wb.sheetnames)]
        else:
            ws = wb.worksheets[0]
        opened = getattr(ws, "_get_source", None)  # openpyxl's own way to the sheet's XML
        if opened is not None:  # (another version of openpyxl: not looked at)
            formulas, src.hidden_rows = _glance(opened)
            uncomputed = _uncomputed_formula(opened) if formulas else None
            if uncomputed is not None:
                line, column, cell = uncomputed
                key = "file.uncomputed_formula"
                problem = RowProblem(line, column, None, None, key, {"cell": cell})
                raise ImportRefused(str(src.path), [problem])
        for number, row in enumerate(ws.iter_rows(), start=1):
            cells = [_xlsx_cell(c.value, getattr(c, "number_format", "General")) for c in row]
            while cells and cells[-1] == "":
                cells.pop()
            if cells:
                yield number, cells
    except broken:
        raise _refuse(src.path, number + 1, "file.bad_xlsx") from None
    finally:
        wb.close()
        raw.close()
