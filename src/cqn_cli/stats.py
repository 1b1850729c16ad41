"""The ``stats`` tables: a figure of ``figures`` with its parameters, rows and total.

Each function returns a ``StatTable`` (the JSON shape of SPEC §5); ``report``
assembles the review report from the same functions.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from cqn_cli import figures
from cqn_cli.dates import MAX_YEAR, MIN_YEAR
from cqn_cli.errors import UsageError
from cqn_cli.store.db import Database


@dataclass
class StatTable:
    params: dict[str, Any]
    rows: list[dict[str, Any]]
    total: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"params": self.params, "rows": self.rows, "total": self.total}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str | None = None  # "2019", "2019Q2", "2019-05" when given as --period

    def params(self) -> dict[str, Any]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "period": self.label}

    def previous(self) -> Period:
        """The period of equal length just before this one: a year before a year, a
        quarter before a quarter, a month before a month; whole months given by dates
        (01/01–30/06) the same number of months before; else the same number of days.
        A period so long that the one before it would begin before year 1 (``--from
        01/01/1900 --to 31/12/9019``, a year mistyped) has none: a usage error."""
        try:
            return self._previous()
        except (ValueError, OverflowError):  # before dt.date.min
            shown = self.label or f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"
            raise UsageError("usage.no_previous_period", period=shown) from None

    def _previous(self) -> Period:
        from dateutil.relativedelta import relativedelta

        if self.label is not None:
            months = {4: 12, 6: 3, 7: 1}[len(self.label)]
            start = self.start - relativedelta(months=months)
            return period_of(self.label_of(start, months), checked=False)  # 1899 for 1900
        end = self.start - dt.timedelta(days=1)
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        if self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1:
            # Whole months (01/01–30/06: a half-year): the months just before.
            return Period(self.start - relativedelta(months=months), end)
        length = self.end - self.start
        return Period(end - length, end)

    @staticmethod
    def label_of(start: dt.date, months: int) -> str:
        if months == 12:
            return f"{start.year}"
        if months == 3:
            return f"{start.year}Q{(start.month - 1) // 3 + 1}"
        return f"{start.year}-{start.month:02d}"


_PERIOD = re.compile(r"^(\d{4})(?:[Qq]([1-4])|-(\d{1,2}))?$")


def period_of(text: str, *, checked: bool = True) -> Period:
    """``2019``, ``2019Q2`` or ``2019-05`` as a period; anything else is a usage error,
    and so is a year the options do not take (unless not ``checked``: a period worked
    out from one that was)."""
    m = _PERIOD.match(text.strip())
    if not m:
        raise UsageError("usage.bad_period", value=text)
    year = int(m.group(1))
    if checked and not MIN_YEAR <= year <= MAX_YEAR:
        raise UsageError("usage.period_year", value=text)
    if m.group(2):
        q = int(m.group(2))
        start = dt.date(year, 3 * q - 2, 1)
        end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
        return Period(start, end, f"{year}Q{q}")
    if m.group(3):
        month = int(m.group(3))
        if not 1 <= month <= 12:
            raise UsageError("usage.bad_period", value=text)
        start = dt.date(year, month, 1)
        end = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        return Period(start, end, f"{year}-{month:02d}")
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}")


def given_period(start: dt.date | None, end: dt.date | None, period: str | None) -> Period | None:
    """``--period``'s period (not beside ``--from``/``--to``), or None when not given."""
    if period is None:
        return None
    if start is not None or end is not None:
        raise UsageError("usage.period_and_dates")
    return period_of(period)


def choose_period(
    start: dt.date | None, end: dt.date | None, period: str | None, today: dt.date
) -> Period:
    """``--period`` or ``--from/--to``; default: this year. Either end may be left out:
    ``--to`` alone runs from the first of January of its year (``--to 30/06/2019`` is
    the first half of 2019, not every quarter since 1900), ``--from`` alone to today."""
    given = given_period(start, end, period)
    if given is not None:
        chosen = given
    elif start is None and end is None:
        return period_of(str(today.year))
    else:
        refuse_unbegun(start, end, None, today)
        end = end or today
        chosen = Period(start or dt.date(end.year, 1, 1), end)
    refuse_unbegun(chosen.start, chosen.end, chosen.label, today)
    return chosen


def refuse_unbegun(
    start: dt.date | None, end: dt.date | None, label: str | None, today: dt.date
) -> None:
    """A period that ends before it starts, or starts after today (nothing held can be in
    it: a mistyped year, 2030 for 2020), is a wrong command line; ``--from`` alone after
    today is said as such. Either end may be open."""
    if start is not None and end is not None and end < start:
        raise UsageError("usage.period_backwards")
    if start is None or start <= today:
        return
    if end is None and label is None:
        raise UsageError("usage.from_after_today", date=start.strftime("%d/%m/%Y"))
    shown = label or f"{start:%d/%m/%Y}–{end:%d/%m/%Y}"
    raise UsageError("usage.period_in_future", period=shown)


def _map(map_date: dt.date | None, default: dt.date) -> dt.date:
    return map_date or default


def gathering(db: Database, as_of: dt.date, by: str, map_date: dt.date | None) -> StatTable:
    m = _map(map_date, as_of)
    params = {"as_of": as_of.isoformat(), "by": by, "map_date": m.isoformat()}
    if by == "group":
        rows = figures.gathering_by_group(db, as_of, m)
        # Each person once, whatever the number of groups they are in.
        return StatTable(params, rows, {"members": figures.gathered_count(db, as_of)})
    rows = figures.gathering_by_ward(db, as_of, m)
    on_roster = sum(r["on_roster"] for r in rows)
    gathered = sum(r["gathered"] for r in rows)
    total = {
        "on_roster": on_roster,
        "gathered": gathered,
        "rate": figures.rate(gathered, on_roster),
    }
    return StatTable(params, rows, total)


def attendance(db: Database, period: Period, by: str, map_date: dt.date | None) -> StatTable:
    return attendance_by(db, period, (by,), _map(map_date, period.end))[by]


def attendance_by(
    db: Database, period: Period, bys: tuple[str, ...], map_date: dt.date
) -> dict[str, StatTable]:
    """The attendance tables of ``period``, one per ``--by`` of ``bys``, from one pass
    over its meetings (the report shows two)."""
    tables = {}
    for by, rows in figures.attendance_by(db, period.start, period.end, bys, map_date).items():
        keys = ("meetings", "expected", "present", "excused")
        total: dict[str, Any] = {k: sum(r[k] for r in rows) for k in keys}
        total["rate"] = figures.rate(total["present"], total["expected"])
        params = {**period.params(), "by": by, "map_date": map_date.isoformat()}
        tables[by] = StatTable(params, rows, total)
    return tables


def meetings(db: Database, period: Period, map_date: dt.date | None) -> StatTable:
    m = _map(map_date, period.end)
    rows = figures.quarterly_compliance(db, period.start, period.end, m)
    quarters = sum(r["quarters"] for r in rows)
    met = sum(r["quarters_met"] for r in rows)
    total = {
        "groups": len(rows),
        "quarters": quarters,
        "quarters_met": met,
        "rate": figures.rate(met, quarters),
    }
    return StatTable({**period.params(), "map_date": m.isoformat()}, rows, total)


def gatherings(db: Database, period: Period, map_date: dt.date | None) -> StatTable:
    m = _map(map_date, period.end)
    rows = figures.gatherings(db, period.start, period.end, m)
    on_roster = sum(r["on_roster"] for r in rows)
    present = sum(r["present"] for r in rows)
    total = {"on_roster": on_roster, "present": present, "rate": figures.rate(present, on_roster)}
    return StatTable({**period.params(), "map_date": m.isoformat()}, rows, total)


def visits(db: Database, period: Period, by: str, map_date: dt.date | None) -> StatTable:
    m = _map(map_date, period.end)
    rows, total = figures.visits(db, period.start, period.end, by, m)
    return StatTable({**period.params(), "by": by, "map_date": m.isoformat()}, rows, total)


def inactive(db: Database, as_of: dt.date, last: int) -> StatTable:
    if last < 1:
        raise UsageError("usage.bad_last", value=last)
    rows = figures.inactive(db, as_of, last)
    total = {"inactive": len(rows), "people": len({r["person_id"] for r in rows})}
    return StatTable({"as_of": as_of.isoformat(), "last": last}, rows, total)


PROFILE_SUMS = ("gathered", "party_members", "youth_union_members", "reservists", "ccb_members")


def profile(db: Database, as_of: dt.date, map_date: dt.date | None) -> StatTable:
    m = _map(map_date, as_of)
    rows = figures.profile(db, as_of, m)
    total: dict[str, Any] = {k: sum(r[k] for r in rows) for k in (*PROFILE_SUMS, "clubs", "boards")}
    smallest = [r["smallest_group"] for r in rows if r["smallest_group"] is not None]
    largest = [r["largest_group"] for r in rows if r["largest_group"] is not None]
    total["smallest_group"] = min(smallest) if smallest else None
    total["largest_group"] = max(largest) if largest else None
    return StatTable({"as_of": as_of.isoformat(), "map_date": m.isoformat()}, rows, total)
