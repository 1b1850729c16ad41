"""The district review report ("báo cáo sơ kết"): sections assembled from ``stats``.

No figure is computed here: each section is one ``stats`` table for the period,
beside the same table for the previous period of equal length where it has data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from cqn_cli import figures, stats
from cqn_cli.stats import Period, StatTable


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


def build(db: Database, period: Period) -> Report:
    """Every section of the review report for ``period`` (ward map of its end), read as
    one view of the database."""
    from cqn_cli.store.db import reading

    with reading(db), figures.reusing():
        return _build(db, period)


def _build(db: Database, period: Period) -> Report:
    previous = period.previous()
    end = period.end

    def pair(key: str, make: Any) -> Section:
        current = make(period)
        before = make(previous)
        return Section(key, current, before if _has_data(before) else None)

    both = ("quarter", "kind")
    over = stats.attendance_over(db, [period, previous], both, end)
    attendance = dict(zip((period, previous), over, strict=True))

    sections = [
        pair("gathering", lambda p: stats.gathering(db, p.end, "ward", end)),
        pair("profile", lambda p: stats.profile(db, p.end, end)),
        pair("groups", lambda p: stats.gathering(db, p.end, "group", end)),
        pair("meetings", lambda p: stats.meetings(db, p, end)),
        pair("attendance_by_quarter", lambda p: attendance[p]["quarter"]),
        pair("attendance_by_kind", lambda p: attendance[p]["kind"]),
        pair("gatherings", lambda p: stats.gatherings(db, p, end)),
        pair("visits_by_ward", lambda p: stats.visits(db, p, "ward", end)),
        pair("visits_by_reason", lambda p: stats.visits(db, p, "reason", end)),
        pair("inactive", lambda p: stats.inactive(db, p.end, 4)),
    ]
    return Report(period, previous, sections)
