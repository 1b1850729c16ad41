"""The district review report ("báo cáo sơ kết"): sections assembled from ``stats``.

No figure is computed here: each section is one ``stats`` table for the period,
beside the same table for the previous period of equal length where it has data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cqn_cli import figures, stats
from cqn_cli.stats import Period, StatTable
from cqn_cli.store.db import Database


@dataclass
class Section:
    key: str  # also the JSON key and the XLSX sheet
    table: StatTable
    previous: StatTable | None  # the previous period, when it has data

    def as_json(self) -> dict[str, Any]:
        out = self.table.as_json()
        out["previous"] = self.previous.as_json() if self.previous is not None else None
        return out


@dataclass
class Report:
    period: Period
    previous_period: Period
    sections: list[Section]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def as_json(self) -> dict[str, Any]:
        return {
            "params": {
                **self.period.params(),
                "previous": self.previous_period.params(),
            },
            "sections": {s.key: s.as_json() for s in self.sections},
        }


def _has_data(table: StatTable) -> bool:
    return any(
        value for key, value in table.total.items() if isinstance(value, int) and key != "last"
    )


def build(db: Database, period: Period, *, parallel: bool = True) -> Report:
    """Every section of the review report for ``period`` (ward map of its end), beside
    the same for the previous period, read as one view of the database: the two periods
    side by side on two connections where that view can be shared (``in_parallel``),
    else one after the other."""
    from cqn_cli.store.db import in_parallel

    previous = period.previous()

    def tables(p: Period) -> Callable[[Database], dict[str, StatTable]]:
        return lambda on: _tables(on, p, period.end)

    current, before = in_parallel(db, tables(period), tables(previous), side_by_side=parallel)
    sections = [
        Section(key, table, before[key] if _has_data(before[key]) else None)
        for key, table in current.items()
    ]
    return Report(period, previous, sections)


def _tables(db: Database, p: Period, end: dt.date) -> dict[str, StatTable]:
    """The report's tables for period ``p``, in the order of its sections, on the ward map
    of ``end`` (the report's period's end, for both periods)."""
    with figures.reusing():
        attendance = stats.attendance_by(db, p, ("quarter", "kind"), end)
        return {
            "gathering": stats.gathering(db, p.end, "ward", end),
            "profile": stats.profile(db, p.end, end),
            "groups": stats.gathering(db, p.end, "group", end),
            "meetings": stats.meetings(db, p, end),
            "attendance_by_quarter": attendance["quarter"],
            "attendance_by_kind": attendance["kind"],
            "gatherings": stats.gatherings(db, p, end),
            "visits_by_ward": stats.visits(db, p, "ward", end),
            "visits_by_reason": stats.visits(db, p, "reason", end),
            "inactive": stats.inactive(db, p.end, 4),
        }
