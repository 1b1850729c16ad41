"""``cqn stats gathering | attendance | meetings | gatherings | visits | inactive | profile``."""

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from cqn_cli.cli.common import (
    MAX_COUNT,
    AsOfOpt,
    Command,
    FormatOpt,
    FromOpt,
    OutputOpt,
    PeriodOpt,
    ToOpt,
    commands,
    parse_option_date,
    resolve_format,
    state,
    today,
)
from cqn_cli.i18n import t

if TYPE_CHECKING:
    from cqn_cli.render.output import Column
    from cqn_cli.stats import Period, StatTable

app = commands()

MapDate = Annotated[
    dt.date | None,
    typer.Option("--map-date", parser=parse_option_date, metavar="DATE", help=t("opt.map_date")),
]


class GatheringBy(StrEnum):
    ward = "ward"
    group = "group"


class AttendanceBy(StrEnum):
    ward = "ward"
    group = "group"
    quarter = "quarter"
    kind = "kind"


class VisitsBy(StrEnum):
    ward = "ward"
    reason = "reason"


def _period(start: dt.date | None, end: dt.date | None, period: str | None) -> "Period":
    from cqn_cli.stats import choose_period

    return choose_period(start, end, period, today())


def _show(table: "StatTable", columns: "list[Column]", fmt: FormatOpt, title: str) -> None:
    from cqn_cli.render.output import render_rows

    render_rows(
        table.rows,
        columns,
        resolve_format(fmt),
        title=title,
        params=table.params,
        total=table.total,
        total_row=True,
    )


def _ward_columns() -> "list[Column]":
    from cqn_cli.render.output import Column

    return [Column("ward_code", "col.ward_code"), Column("ward", "col.ward")]


def _count(key: str, title: str) -> "Column":
    from cqn_cli.render.output import Column

    return Column(key, title, "int", "right")


def _rate() -> "Column":
    from cqn_cli.render.output import Column

    return Column("rate", "col.rate", "rate", "right")


@app.command("gathering", cls=Command, help=t("cmd.stats.gathering"))
def gathering_cmd(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    by: Annotated[GatheringBy, typer.Option("--by", help=t("opt.by"))] = GatheringBy.ward,
    map_date: MapDate = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli import stats
    from cqn_cli.render.output import Column

    day = as_of or today()
    table = stats.gathering(state(ctx).db(), day, by.value, map_date)
    if by is GatheringBy.group:
        columns = [
            Column("group_code", "col.code"),
            Column("group", "col.group"),
            Column("kind", "col.kind", "group_kind"),
            *_ward_columns(),
            _count("members", "col.members"),
        ]
    else:
        columns = [
            *_ward_columns(),
            _count("on_roster", "col.on_roster"),
            _count("gathered", "col.gathered"),
            _rate(),
        ]
    _show(table, columns, fmt, t("title.gathering", date=day.strftime("%d/%m/%Y")))


@app.command("attendance", cls=Command, help=t("cmd.stats.attendance"))
def attendance_cmd(
    ctx: typer.Context,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    period: PeriodOpt = None,
    by: Annotated[AttendanceBy, typer.Option("--by", help=t("opt.by"))] = AttendanceBy.ward,
    map_date: MapDate = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli import stats
    from cqn_cli.render.output import Column

    chosen = _period(date_from, date_to, period)
    table = stats.attendance(state(ctx).db(), chosen, by.value, map_date)
    heads = {
        AttendanceBy.ward: _ward_columns(),
        AttendanceBy.group: [Column("group_code", "col.code"), Column("group", "col.group")],
        AttendanceBy.quarter: [Column("quarter", "col.quarter")],
        AttendanceBy.kind: [Column("kind", "col.kind", "meeting_kind")],
    }[by]
    columns = [
        *heads,
        _count("meetings", "col.meetings"),
        _count("expected", "col.expected"),
        _count("present", "col.present"),
        _count("excused", "col.excused"),
        _rate(),
    ]
    _show(table, columns, fmt, t("title.attendance", **_span(chosen)))


def _span(period: "Period") -> dict[str, str]:
    return {"start": period.start.strftime("%d/%m/%Y"), "end": period.end.strftime("%d/%m/%Y")}


@app.command("meetings", cls=Command, help=t("cmd.stats.meetings"))
def meetings_cmd(
    ctx: typer.Context,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    period: PeriodOpt = None,
    map_date: MapDate = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli import stats
    from cqn_cli.render.output import Column

    chosen = _period(date_from, date_to, period)
    table = stats.meetings(state(ctx).db(), chosen, map_date)
    columns = [
        Column("group_code", "col.code"),
        Column("group", "col.group"),
        Column("ward", "col.ward", optional=True),
        _count("quarters", "col.quarters"),
        _count("quarters_met", "col.quarters_met"),
        _rate(),
        Column("missed", "col.missed"),
    ]
    _show(table, columns, fmt, t("title.meetings_compliance", **_span(chosen)))


@app.command("gatherings", cls=Command, help=t("cmd.stats.gatherings"))
def gatherings_cmd(
    ctx: typer.Context,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    period: PeriodOpt = None,
    map_date: MapDate = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli import stats
    from cqn_cli.render.output import Column

    chosen = _period(date_from, date_to, period)
    table = stats.gatherings(state(ctx).db(), chosen, map_date)
    columns = [  # in the order of SPEC §5's keys, which an empty CSV's header keeps too
        *_ward_columns(),
        Column("year", "col.year"),
        Column("occasion", "col.occasion"),
        _count("on_roster", "col.on_roster"),
        _count("present", "col.present"),
        _rate(),
    ]
    _show(table, columns, fmt, t("title.gatherings", **_span(chosen)))


@app.command("visits", cls=Command, help=t("cmd.stats.visits"))
def visits_cmd(
    ctx: typer.Context,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    period: PeriodOpt = None,
    by: Annotated[VisitsBy, typer.Option("--by", help=t("opt.by"))] = VisitsBy.ward,
    map_date: MapDate = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli import stats
    from cqn_cli.render.output import Column

    chosen = _period(date_from, date_to, period)
    table = stats.visits(state(ctx).db(), chosen, by.value, map_date)
    head = (
        _ward_columns() if by is VisitsBy.ward else [Column("reason", "col.reason_visit", "reason")]
    )
    columns = [
        *head,
        _count("visits", "col.visits"),
        _count("people", "col.people_visited"),
        Column("gift_total", "col.gift_total", "money", "right"),
    ]
    _show(table, columns, fmt, t("title.visits_stats", **_span(chosen)))


@app.command("inactive", cls=Command, help=t("cmd.stats.inactive"))
def inactive_cmd(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    last: Annotated[int, typer.Option("--last", min=1, max=MAX_COUNT, help=t("opt.last"))] = 4,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli import stats
    from cqn_cli.render.output import Column

    day = as_of or today()
    table = stats.inactive(state(ctx).db(), day, last)
    columns = [
        Column("person_id", "col.id"),
        Column("name", "col.full_name"),
        Column("group_code", "col.group"),
        Column("last_present", "col.last_present", "date"),
    ]
    _show(table, columns, fmt, t("title.inactive", last=last, date=day.strftime("%d/%m/%Y")))


@app.command("profile", cls=Command, help=t("cmd.stats.profile"))
def profile_cmd(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    map_date: MapDate = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli import stats

    day = as_of or today()
    table = stats.profile(state(ctx).db(), day, map_date)
    columns = [
        *_ward_columns(),
        _count("gathered", "col.gathered"),
        _count("party_members", "col.party_member"),
        _count("youth_union_members", "col.youth_union_member"),
        _count("reservists", "col.reservist"),
        _count("ccb_members", "col.veterans_association_member"),
        _count("clubs", "col.clubs"),
        _count("boards", "col.boards"),
        _count("smallest_group", "col.smallest_group"),
        _count("largest_group", "col.largest_group"),
    ]
    _show(table, columns, fmt, t("title.profile", date=day.strftime("%d/%m/%Y")))
