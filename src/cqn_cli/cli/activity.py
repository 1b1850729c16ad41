"""``cqn group …``, ``cqn meeting …``, ``cqn visit …``."""

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cqn_cli import values
from cqn_cli.cli.common import (
    AsOfOpt,
    Command,
    FormatOpt,
    FromOpt,
    OutputOpt,
    PeriodOpt,
    RequiredOnOpt,
    RevealOpt,
    ToOpt,
    WardOpt,
    commands,
    complete_group,
    complete_ward,
    listing_dates,
    resolve_format,
    state,
    today,
    vocabulary,
)
from cqn_cli.i18n import fmt_int, t

if TYPE_CHECKING:
    from cqn_cli.activity import Recorded
    from cqn_cli.render.output import Column

group_app = commands()
meeting_app = commands()
visit_app = commands()

GroupArg = Annotated[
    str, typer.Argument(help=t("arg.group"), metavar="GROUP", autocompletion=complete_group)
]
GroupOpt = Annotated[
    str | None,
    typer.Option("--group", metavar="GROUP", help=t("arg.group"), autocompletion=complete_group),
]
PersonArg = Annotated[str, typer.Argument(help=t("arg.person_ref"), metavar="PERSON")]
_group_kind = vocabulary(values.parse_group_kind, "value.bad_group_kind")
_meeting_kind = vocabulary(values.parse_meeting_kind, "value.bad_meeting_kind")
_reason = vocabulary(values.parse_reason, "value.bad_reason")
GroupKindOpt = Annotated[
    str | None,
    typer.Option("--kind", parser=_group_kind, metavar="CLB|BLL", help=t("opt.group_kind")),
]


def _ward_ids(ctx: typer.Context, ward: str | None, day: dt.date) -> list[str] | None:
    """The wards whose people a ``--ward`` filter takes in (through merges), the ward
    named and the map both read at ``day`` (the listing's date: "Xuân Hà" in 2019 is the
    ward of 2019, not the larger one that bears the name since 2025), as ``stats`` does."""
    if ward is None:
        return None
    from cqn_cli.wards import WardIndex, resolve_or_fail, wards_within

    db = state(ctx).db()
    found = resolve_or_fail(db, ward, day)
    return wards_within(WardIndex(db), found, day)


def _warnings(warnings: list[Any]) -> None:
    from cqn_cli.render.output import message

    for w in warnings:
        message(t(w.key, where=w.header or "cqn", **w.params))


def _group_columns() -> "list[Column]":
    from cqn_cli.render.output import Column

    return [
        Column("code", "col.code"),
        Column("name", "col.name"),
        Column("kind", "col.kind", "group_kind"),
        Column("ward", "col.ward"),
        Column("founded_on", "col.founded_on", "date"),
        Column("dissolved_on", "col.dissolved_on", "date", optional=True),
        Column("members", "col.members", "int", "right"),
    ]


# ---- group --------------------------------------------------------------------------------


@group_app.command("list", cls=Command, help=t("cmd.group.list"))
def group_list(
    ctx: typer.Context,
    ward: WardOpt = None,
    kind: GroupKindOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli.activity import group_rows
    from cqn_cli.render.output import render_rows

    day = as_of or today()
    rows = group_rows(
        state(ctx).db(),
        day=day,
        ward_ids=_ward_ids(ctx, ward, day),
        kind=kind,
    )
    params = {"ward": ward, "kind": kind, "as_of": day.isoformat()}
    total = {"count": len(rows), "members": sum(r["members"] for r in rows)}
    render_rows(
        rows,
        _group_columns(),
        resolve_format(fmt),
        title=t("title.groups", count=len(rows)),
        params=params,
        total=total,
    )


@group_app.command("show", cls=Command, help=t("cmd.group.show"))
def group_show(
    ctx: typer.Context,
    code: GroupArg,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli.activity import show_group
    from cqn_cli.render.output import Column, render_record, render_rows

    group = show_group(state(ctx).db(), code, today())
    chosen = resolve_format(fmt)
    if chosen == "json":
        render_record(group, [], "json")
        return
    members = group.pop("member_list")
    if state(ctx).output is None and chosen == "table":  # CSV, a file: the list alone
        render_record(group, _group_columns(), chosen)
    render_rows(
        members,
        [
            Column("person_id", "col.id"),
            Column("name", "col.full_name"),
            Column("role", "col.role"),
            Column("joined_on", "col.joined_on", "date"),
        ],
        chosen,
        title=t("title.members", count=len(members)),
    )


@group_app.command("add", cls=Command, help=t("cmd.group.add"))
def group_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=t("arg.group_code"), metavar="CODE")],
    name: Annotated[str, typer.Option("--name", help=t("col.name"))],
    kind: Annotated[
        str, typer.Option("--kind", parser=_group_kind, metavar="CLB|BLL", help=t("opt.group_kind"))
    ],
    ward: Annotated[
        str,
        typer.Option("--ward", metavar="WARD", help=t("opt.ward"), autocompletion=complete_ward),
    ],
    founded: Annotated[str | None, typer.Option("--founded", help=t("col.founded_on"))] = None,
    dissolved: Annotated[
        str | None, typer.Option("--dissolved", help=t("col.dissolved_on"))
    ] = None,
) -> None:
    from cqn_cli.activity import add_group
    from cqn_cli.render.output import result_line

    values = {"ma_nhom": code, "ten_nhom": name, "loai": kind, "phuong": ward}
    if founded:
        values["ngay_thanh_lap"] = founded
    if dissolved:
        values["ngay_giai_the"] = dissolved
    _warnings(add_group(state(ctx).db(), values, today=today()).warnings)
    result_line(t("group.added", code=code, name=name))


@group_app.command("join", cls=Command, help=t("cmd.group.join"))
def group_join(
    ctx: typer.Context,
    code: GroupArg,
    person: PersonArg,
    on: RequiredOnOpt,
    role: Annotated[str | None, typer.Option("--role", help=t("col.role"))] = None,
) -> None:
    from cqn_cli.activity import join_group
    from cqn_cli.people import masked_query
    from cqn_cli.render.output import result_line

    done = join_group(state(ctx).db(), code, person, on, role, today=today())
    _warnings(done.warnings)
    key = _outcome(done, "group.joined", "group.already_joined", "group.join_updated")
    said = {"person": masked_query(person), "group": code, "date": on.strftime("%d/%m/%Y")}
    result_line(t(key, **said))


def _outcome(done: "Recorded", new: str, held: str, updated: str) -> str:
    """What a command typed by hand did, as the key of its message: recorded anew, held
    as given already (nothing changed), or held and updated (a role, a gift…)."""
    if done.changed_nothing:
        return held
    return updated if done.counts.updated else new


@group_app.command("leave", cls=Command, help=t("cmd.group.leave"))
def group_leave(ctx: typer.Context, code: GroupArg, person: PersonArg, on: RequiredOnOpt) -> None:
    from cqn_cli.activity import leave_group
    from cqn_cli.render.output import result_line

    label = leave_group(state(ctx).db(), code, person, on, today=today())
    result_line(t("group.left", person=label, group=code, date=on.strftime("%d/%m/%Y")))


# ---- meeting ------------------------------------------------------------------------------


def _meeting_columns() -> "list[Column]":
    from cqn_cli.render.output import Column

    return [
        Column("code", "col.code"),
        Column("date", "col.date", "date"),
        Column("kind", "col.kind", "meeting_kind"),
        Column("group_code", "col.group"),
        Column("title", "col.title", optional=True),
        Column("expected", "col.expected", "int", "right"),
        Column("present", "col.present", "int", "right"),
        Column("excused", "col.excused", "int", "right"),
        Column("absent", "col.absent", "int", "right"),
        Column("guests", "col.guests", "int", "right"),
    ]


@meeting_app.command("record", cls=Command, help=t("cmd.meeting.record"))
def meeting_record(
    ctx: typer.Context,
    group: GroupArg,
    on: RequiredOnOpt,
    kind: Annotated[
        str,
        typer.Option("--kind", parser=_meeting_kind, metavar="KIND", help=t("opt.meeting_kind")),
    ],
    present: Annotated[
        list[str] | None, typer.Option("--present", metavar="PERSON", help=t("opt.present"))
    ] = None,
    excused: Annotated[
        list[str] | None, typer.Option("--excused", metavar="PERSON", help=t("opt.excused"))
    ] = None,
    absent: Annotated[
        list[str] | None, typer.Option("--absent", metavar="PERSON", help=t("opt.absent"))
    ] = None,
    present_file: Annotated[
        Path | None,
        typer.Option("--present-file", exists=True, dir_okay=False, help=t("opt.present_file")),
    ] = None,
    code: Annotated[str | None, typer.Option("--code", help=t("opt.meeting_code"))] = None,
    title: Annotated[str | None, typer.Option("--title", help=t("col.title"))] = None,
) -> None:
    from cqn_cli.activity import person_reference, read_sign_in_sheet, record_meeting
    from cqn_cli.activity import show_meeting as load_meeting
    from cqn_cli.people import masked_query
    from cqn_cli.render.output import result_line

    def given(option: str, refs: list[str] | None, mark: str) -> list[Any]:
        """Each person of ``option`` with their mark and, for messages, where they were
        given (a national id masked)."""
        return [(person_reference(r), mark, f"{option} {masked_query(r)}") for r in refs or ()]

    marks = given("--present", present, "present")
    if present_file is not None:
        sheet = read_sign_in_sheet(present_file)
        marks += [(ref, "present", f"{present_file}:{line}") for line, ref in sheet]
    marks += given("--excused", excused, "excused") + given("--absent", absent, "absent")
    db = state(ctx).db()
    meeting_code, done = record_meeting(
        db, group, on=on, kind=kind, code=code, title=title, marks=marks, today=today()
    )
    _warnings(done.warnings)
    if done.existed:  # marks added to a meeting held before: what changed is said
        c = done.counts
        said = {"inserted": c.inserted, "updated": c.updated, "unchanged": c.unchanged}
        result_line(t("meeting.recorded_again", code=meeting_code, **said))
    tally = load_meeting(db, meeting_code)
    result_line(t("meeting.recorded", **{k: tally[k] for k in _TALLY_KEYS}))


_TALLY_KEYS = ("code", "expected", "present", "excused", "absent", "guests")


@meeting_app.command("list", cls=Command, help=t("cmd.meeting.list"))
def meeting_list(
    ctx: typer.Context,
    group: GroupOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    period: PeriodOpt = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", parser=_meeting_kind, metavar="KIND", help=t("opt.meeting_kind")),
    ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli.activity import meeting_rows
    from cqn_cli.render.output import render_rows

    chosen_kind = kind
    date_from, date_to = listing_dates(date_from, date_to, period)
    rows = meeting_rows(
        state(ctx).db(), group_code=group, date_from=date_from, date_to=date_to, kind=chosen_kind
    )
    params = {
        "group": group,
        "from": date_from.isoformat() if date_from else None,
        "to": date_to.isoformat() if date_to else None,
        "kind": chosen_kind,
    }
    total = {k: sum(r[k] for r in rows) for k in _TALLY_KEYS[1:]}
    total["meetings"] = len(rows)
    render_rows(
        rows,
        _meeting_columns(),
        resolve_format(fmt),
        title=t("title.meetings", count=fmt_int(len(rows))),
        params=params,
        total=total,
    )


@meeting_app.command("show", cls=Command, help=t("cmd.meeting.show"))
def meeting_show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=t("opt.meeting_code"), metavar="CODE")],
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli.activity import show_meeting
    from cqn_cli.render.output import Column, render_record, render_rows

    meeting = show_meeting(state(ctx).db(), code)
    chosen = resolve_format(fmt)
    if chosen == "json":
        render_record(meeting, [], "json")
        return
    marks = meeting.pop("marks")
    if state(ctx).output is None and chosen == "table":  # CSV, a file: the list alone
        render_record(meeting, _meeting_columns(), chosen)
    render_rows(
        marks,
        [
            Column("person_id", "col.id"),
            Column("name", "col.full_name"),
            Column("status", "col.mark", "mark"),
            Column("expected", "col.expected_member", "bool"),
        ],
        chosen,
        title=t("title.marks", count=len(marks)),
    )


# ---- visit --------------------------------------------------------------------------------


@visit_app.command("record", cls=Command, help=t("cmd.visit.record"))
def visit_record(
    ctx: typer.Context,
    person: PersonArg,
    on: RequiredOnOpt,
    reason: Annotated[
        str, typer.Option("--reason", parser=_reason, metavar="REASON", help=t("opt.reason"))
    ],
    gift: Annotated[str | None, typer.Option("--gift", help=t("opt.gift"))] = None,
    group: GroupOpt = None,
    notes: Annotated[str | None, typer.Option("--notes", help=t("col.notes"))] = None,
) -> None:
    from cqn_cli.activity import record_visit
    from cqn_cli.people import masked_query
    from cqn_cli.render.output import result_line

    done = record_visit(
        state(ctx).db(),
        person,
        on=on,
        reason=reason,
        gift=gift,
        group=group,
        notes=notes,
        today=today(),
    )
    _warnings(done.warnings)
    key = _outcome(done, "visit.recorded", "visit.already_recorded", "visit.updated")
    result_line(t(key, person=masked_query(person), date=on.strftime("%d/%m/%Y")))


@visit_app.command("list", cls=Command, help=t("cmd.visit.list"))
def visit_list(
    ctx: typer.Context,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    period: PeriodOpt = None,
    ward: WardOpt = None,
    group: GroupOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
    reveal: RevealOpt = False,
) -> None:
    from cqn_cli.activity import visit_rows
    from cqn_cli.render.output import Column, render_rows

    date_from, date_to = listing_dates(date_from, date_to, period)
    rows = visit_rows(
        state(ctx).db(),
        date_from=date_from,
        date_to=date_to,
        ward_ids=_ward_ids(ctx, ward, min(date_to or today(), today())),
        group_code=group,
        reveal=reveal,
    )
    columns = [
        Column("person_id", "col.id"),
        Column("name", "col.full_name"),
        Column("date", "col.date", "date"),
        Column("reason", "col.reason_visit", "reason"),
        Column("gift", "col.gift", "money", "right"),
        Column("group_code", "col.group"),
        Column("notes", "col.notes", optional=True),
    ]
    params = {
        "from": date_from.isoformat() if date_from else None,
        "to": date_to.isoformat() if date_to else None,
        "ward": ward,
        "group": group,
    }
    total = {
        "visits": len(rows),
        "people": len({r["person_id"] for r in rows}),
        "gift_total": sum(r["gift"] or 0 for r in rows),
    }
    render_rows(
        rows,
        columns,
        resolve_format(fmt),
        title=t("title.visits", count=len(rows)),
        params=params,
        total=total,
    )
