"""Rows → a Rich table, CSV or JSON (``{"params", "rows", "total"}``); messages → stderr.

The one place that decides how data looks. Data goes to stdout, messages to
stderr; off a terminal there is no colour and the width is fixed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cqn_cli.dates import format_date
from cqn_cli.errors import CqnError, ImportRefused, OptionsRefused
from cqn_cli.i18n import describe_problem, fmt_int, fmt_pct, has_message, lang, t
from cqn_cli.values import neutralise_formula

if TYPE_CHECKING:  # Rich is imported by what draws on a terminal: CSV and JSON never need it
    from rich.console import Console

FORMATS = ("table", "csv", "json", "xlsx")
_NO_WRAP = frozenset({"id", "code", "ward_code", "national_id", "phone", "person_id"})
PLAIN_WIDTH = 160
WIDE = 120  # below this many columns, optional columns are left out of tables


def _console(stream: Any) -> Console:
    from rich.console import Console

    tty = stream.isatty()
    width = None if tty else int(os.environ.get("COLUMNS", PLAIN_WIDTH))
    return Console(
        file=stream,
        highlight=False,
        no_color=not tty or "NO_COLOR" in os.environ,
        force_terminal=False if not tty else None,
        width=width,
        soft_wrap=False,
        emoji=False,
    )


# Where a listing goes instead of stdout (``-o FILE``); the CLI sets it for one command.
_target: list[Path] = []


def redirect(path: Path | None) -> None:
    """Send the next listings to ``path`` (written atomically, mode 0600), or to stdout."""
    _target.clear()
    if path is not None:
        _target.append(path)


def _emit(data: bytes) -> None:
    """A listing rendered as a file's bytes: to the ``-o`` file, else to stdout."""
    if _target:
        from cqn_cli.atomic import write_atomically

        write_atomically(_target[0], data)
        wrote(t("listing.written", path=_target[0]))
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _listing_xlsx(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None
) -> bytes:
    from cqn_cli.exports import ExportColumn
    from cqn_cli.render.files import to_xlsx

    heads = [ExportColumn(c.key, t(c.title), t(c.title), c.kind) for c in columns]
    return to_xlsx(heads, rows, lang(), title or "cqn")


def stdout_console() -> Console:
    return _console(sys.stdout)


def default_format() -> str:
    return "table" if sys.stdout.isatty() else "csv"


@dataclass(frozen=True)
class Column:
    key: str  # the JSON / CSV key
    title: str  # catalogue key of the table heading
    kind: str = "text"  # text, date, bool, int, status, gender
    justify: str = "left"
    optional: bool = False  # left out of a table on a narrow terminal


def local_time(stamp: str, *, seconds: bool = False) -> str:
    """An ISO time as the clerk reads it: local, ``dd/mm/yyyy HH:MM`` in Vietnamese."""
    try:
        moment = dt.datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    shape = "%d/%m/%Y %H:%M" if lang() == "vi" else "%Y-%m-%d %H:%M"
    return moment.strftime(shape + (":%S" if seconds else ""))


def human(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "date":
        return format_date(str(value), lang())
    if kind == "moment":
        return local_time(str(value), seconds=True)
    if kind == "bool":
        return t("value.yes") if value else t("value.no")
    if kind == "int":
        return fmt_int(int(value))
    if kind == "status":
        return t(f"status.{value}")
    if kind in ("gender", "group_kind", "meeting_kind", "mark", "reason"):
        return t(f"{kind}.{value}")
    if kind == "money":
        return t("value.money", amount=fmt_int(int(value)))
    if kind == "rate":
        return fmt_pct(float(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# How a stored value is said to the clerk (a conflict of a merge, a change in the audit
# trail): as they read it elsewhere, statuses, marks, kinds and yes/no in words, dates as
# dates, a ward by its name.
_SAID_AS = {
    "status": "status",
    "gender": "gender",
    "kind": "group_kind",
    "reason": "reason",
    "consent": "bool",
    "party_member": "bool",
    "youth_union_member": "bool",
    "reservist": "bool",
    "veterans_association_member": "bool",
    "gift": "money",
}
_WORDS = ("status", "gender", "group_kind", "meeting_kind", "mark", "reason")


def said_value(entity: str, field: str, value: Any, wards: Mapping[str, str]) -> str | None:
    """``value`` (not None) of ``field`` of an ``entity`` (``attendance``, ``meeting``,
    ``person``…) as the clerk reads it elsewhere, or None when it is said as it is (a
    name, a masked number, or a value no word is known for: written outside cqn)."""
    if field == "ward_id":
        return wards.get(str(value))
    kind = _SAID_AS.get(field)
    if entity == "attendance" and field == "status":
        kind = "mark"
    elif entity == "meeting" and field == "kind":
        kind = "meeting_kind"
    elif field.endswith(("_on", "_date")) or field in ("date", "status_since"):
        kind = "date"
    if kind is None or (kind in _WORDS and not has_message(f"{kind}.{value}")):
        return None
    if kind == "money" and not isinstance(value, int):
        return None
    return human(value, kind)


def _csv_value(value: Any) -> str:
    if type(value) is str:  # most cells, so tested first
        return neutralise_formula(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):  # an audit row's changes: as JSON shows them
        return neutralise_formula(json.dumps(value, ensure_ascii=False))
    return neutralise_formula(str(value))


def render_rows(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    fmt: str,
    *,
    title: str | None = None,
    params: dict[str, Any] | None = None,
    total: dict[str, Any] | None = None,
    write: Callable[[str], object] | None = None,
    total_row: bool = False,
) -> None:
    """Print ``rows`` in ``fmt``: JSON and CSV carry every key (a script reads the same
    fields from either), the table and XLSX the ``columns``, under their headings in the
    clerk's language."""
    out = write or sys.stdout.write
    if fmt == "xlsx":
        _emit(_listing_xlsx(rows, columns, title))
        return
    if fmt == "json":
        doc = {"params": params or {}, "rows": list(rows), "total": total or {}}
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        if _target:
            _emit(text.encode("utf-8"))
        else:
            out(text)
        return
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n" if _target else "\n")
        keys = list(dict.fromkeys(k for row in rows for k in row)) or [c.key for c in columns]
        writer.writerow(keys)
        writer.writerows([_csv_value(row.get(k)) for k in keys] for row in rows)
        if _target:  # a file gets the BOM that tells Excel it is UTF-8
            _emit(buf.getvalue().encode("utf-8-sig"))
        else:  # stdout stays plain for scripts
            out(buf.getvalue())
        return
    console = stdout_console()
    if console.width < WIDE:
        columns = [c for c in columns if not c.optional]
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold", title_justify="left")
    for c in columns:
        # Ids, codes, dates and numbers are never cut; names and addresses wrap instead.
        keep = c.kind in ("date", "int", "status", "gender") or c.key in _NO_WRAP
        table.add_column(t(c.title), justify=c.justify, no_wrap=keep)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*(human(row.get(c.key), c.kind) for c in columns))
    if total_row and total:
        first = columns[0].key
        cells = [
            t("title.total") if c.key == first else human(total.get(c.key), c.kind) for c in columns
        ]
        table.add_section()
        table.add_row(*cells, style="bold")
    console.print(table)


def render_record(record: dict[str, Any], columns: Sequence[Column], fmt: str) -> None:
    """One object: JSON as it is, CSV or XLSX as one row, a two-column table otherwise."""
    if fmt == "json":
        text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        if _target:
            _emit(text.encode("utf-8"))
        else:
            sys.stdout.write(text)
        return
    if fmt in ("csv", "xlsx"):
        render_rows([record], columns, fmt)
        return
    from rich.table import Table

    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for c in columns:
        table.add_row(t(c.title), human(record.get(c.key), c.kind))
    stdout_console().print(table)


def message(text: str) -> None:
    """A message for the user (not data): one line on stderr, never wrapped."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def wrote(text: str) -> None:
    """That a file was written (``-o``): said to a clerk at a terminal, on stderr; off a
    terminal (cron, a script) the exit code says it, and cron mails nothing."""
    if sys.stderr.isatty():
        message(text)


def result_line(text: str) -> None:
    """The outcome of a command (e.g. an import summary): one line on stdout."""
    sys.stdout.write(text + "\n")


def report_error(exc: CqnError) -> None:
    """An error as the user reads it: one line per refused value, then the verdict."""
    if isinstance(exc, ImportRefused):
        for problem in exc.problems:  # every one (SPEC §3), however many
            message(describe_problem(exc.path, problem))
    if isinstance(exc, OptionsRefused):
        for problem in exc.problems:
            message(describe_problem("", problem, with_path=False))
    message(t(exc.key, **exc.params))
