"""Dates as clerks write them: day first, four-digit years, partial where allowed.

A date is held as an ISO string of its own precision: ``1975``, ``1975-03`` or
``1975-03-12``; a birth year is never invented into 1 January.

Ground floor: imports only ``errors``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cqn_cli.errors import FieldProblem

_SEP = r"[/\-.]"
_DAY_FIRST = re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_MONTH_YEAR = re.compile(rf"^(\d{{1,2}}){_SEP}(\d+)$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d+)$")

# Day 0 of Excel's count of days (a date cell saved as its number: 27459 is 06/03/1975,
# 10000 is 18/05/1927).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_DAY = re.compile(r"^[1-9][0-9]{4}$", re.ASCII)
MIN_YEAR = 1900
# The last year an option date or period may name: what is computed around it (a
# quarter's end, 15 days past 22/12, the period after) stays within Python's calendar.
MAX_YEAR = 9998


def _check_year(text: str, year_text: str) -> int:
    if len(year_text) != 4:
        raise FieldProblem("date.two_digit_year" if len(year_text) <= 2 else "date.bad", value=text)
    year = int(year_text)
    if year < MIN_YEAR:
        raise FieldProblem("date.too_old", value=text)
    return year


def _full(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise FieldProblem("date.no_such_day", value=text) from None


class ShownDate(dt.date):
    """A workbook's date cell that the sheet shows only to its month or year (``shown``),
    holding the first day of it: ``03/1975`` or ``1975`` typed into Excel. A column that
    allows a partial date reads it as that month or year; any other refuses it, as it
    refuses ``03/1975`` typed in a CSV (no day is invented). Written as the sheet shows
    it."""

    shown: str  # "month" or "year"

    def __new__(cls, day: dt.date, shown: str) -> ShownDate:
        made = super().__new__(cls, day.year, day.month, day.day)
        made.shown = shown
        return made

    def __eq__(self, other: object) -> bool:  # not the same cell as the bare day
        return isinstance(other, ShownDate) and other.shown == self.shown and super().__eq__(other)

    def __hash__(self) -> int:
        return hash((super().__hash__(), self.shown))

    def __reduce__(self) -> tuple[Any, ...]:  # pickled to the process that reads rows
        return (ShownDate, (dt.date(self.year, self.month, self.day), self.shown))

    def __str__(self) -> str:
        return f"{self.year:04d}" if self.shown == "year" else f"{self.month:02d}/{self.year:04d}"


def parse_date(value: object, *, today: dt.date, partial: bool = False) -> str:
    """Parse a written date; return its ISO form (of its own precision when partial).

    Raises FieldProblem for anything else: unknown form, two-digit year, a day
    that does not exist, a date in the future, a partial date where a full day
    is required.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value > today:
            raise FieldProblem("date.future", value=value.isoformat())
        if isinstance(value, ShownDate):
            if not partial:
                raise FieldProblem("date.partial_not_allowed", value=str(value))
            return f"{value.year:04d}" if value.shown == "year" else value.isoformat()[:7]
        return value.isoformat()
    text = str(value).strip()
    m = _DAY_FIRST.match(text)
    if m:
        year = _check_year(text, m.group(3))
        day = _full(text, year, int(m.group(2)), int(m.group(1)))
    else:
        m = _ISO.match(text)
        if m:
            year = _check_year(text, m.group(1))
            day = _full(text, year, int(m.group(2)), int(m.group(3)))
        else:
            return _parse_partial(text, today=today, partial=partial)
    if day > today:
        raise FieldProblem("date.future", value=text)
    return day.isoformat()


def _parse_partial(text: str, *, today: dt.date, partial: bool) -> str:
    m = _MONTH_YEAR.match(text) or _ISO_MONTH.match(text)
    if m:
        if m.re is _ISO_MONTH:
            year_text, month_text = m.group(1), m.group(2)
        else:
            month_text, year_text = m.group(1), m.group(2)
        if not partial:
            raise FieldProblem("date.partial_not_allowed", value=text)
        year = _check_year(text, year_text)
        month = int(month_text)
        if not 1 <= month <= 12:
            raise FieldProblem("date.no_such_day", value=text)
        if (year, month) > (today.year, today.month):
            raise FieldProblem("date.future", value=text)
        return f"{year:04d}-{month:02d}"
    if _EXCEL_DAY.match(text):  # a day as Excel counts them, not one to come
        day = _EXCEL_EPOCH + dt.timedelta(days=int(text))
        if day <= today:
            raise FieldProblem("date.excel_serial", value=text, day=f"{day:%d/%m/%Y}")
    m = _YEAR.match(text)
    if m:
        if not partial:
            raise FieldProblem("date.partial_not_allowed", value=text)
        year = _check_year(text, m.group(1))
        if year > today.year:
            raise FieldProblem("date.future", value=text)
        return f"{year:04d}"
    raise FieldProblem("date.bad", value=text)


def parse_day(value: object) -> dt.date:
    """A full day (``dd/mm/yyyy`` or ISO) as a ``date``; future days allowed.

    For command-line options such as ``--as-of`` and ``--on``.
    """
    if isinstance(value, dt.date):
        return value
    try:
        day = dt.date.fromisoformat(parse_date(value, today=dt.date.max))
    except FieldProblem as p:
        if p.key == "date.excel_serial":  # typed, not a workbook's: a date that is not one
            raise FieldProblem("date.bad", value=str(value)) from None
        raise
    if day.year > MAX_YEAR:
        raise FieldProblem("date.too_far", value=str(value))
    return day


def precision_prefix_compare(a: str, b: str) -> int:
    """Compare two partial ISO dates on their common precision: -1, 0 or 1."""
    n = min(len(a), len(b))
    x, y = a[:n], b[:n]
    return (x > y) - (x < y)


def format_date(iso: str | None, lang: str) -> str:
    """ISO (possibly partial) → ``dd/mm/yyyy`` / ``mm/yyyy`` / ``yyyy`` in Vietnamese output."""
    if not iso:
        return ""
    if lang != "vi":
        return iso
    parts = iso.split("-")
    return "/".join(reversed(parts))
