"""``cqn person list | search | show | add | edit | status | consent | export | forget``."""

import datetime as dt
import sys
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cqn_cli.cli.common import (
    Command,
    FormatOpt,
    OnOpt,
    OutputOpt,
    RevealOpt,
    WardOpt,
    commands,
    complete_ward,
    format_of_file,
    output_file,
    resolve_format,
    state,
    today,
)
from cqn_cli.i18n import t

if TYPE_CHECKING:
    from cqn_cli.render.output import Column
    from cqn_cli.store.db import Database

app = commands()

# The person of a command that takes one: a cqn id, or a national id (never a name).
PersonIdArg = Annotated[str, typer.Argument(metavar="PERSON", help=t("arg.person"))]


class Status(StrEnum):  # for --status filters
    active = "active"
    moved_out = "moved_out"
    deceased = "deceased"


def _list_columns() -> "list[Column]":
    from cqn_cli.render.output import Column

    return [
        Column("id", "col.id"),
        Column("full_name", "col.full_name"),
        Column("birth_date", "col.birth_date", "date"),
        Column("gender", "col.gender", "gender", optional=True),
        Column("national_id", "col.national_id", optional=True),
        Column("ward", "col.ward"),
        Column("residential_group", "col.residential_group", optional=True),
        Column("phone", "col.phone", optional=True),
        Column("status", "col.status", "status"),
    ]


def _all_columns() -> "list[Column]":
    from cqn_cli.people import PERSON_COLUMNS
    from cqn_cli.render.output import Column

    kinds = {
        "birth_date": "date",
        "enlisted_on": "date",
        "discharged_on": "date",
        "registered_on": "date",
        "status_since": "date",
        "gender": "gender",
        "status": "status",
        "party_member": "bool",
        "youth_union_member": "bool",
        "reservist": "bool",
        "veterans_association_member": "bool",
    }
    return [
        Column("id", "col.id"),
        Column("ward_code", "col.ward_code"),
        *(Column(c, f"col.{c}", kinds.get(c, "text")) for c in PERSON_COLUMNS),
    ]


def _print_people(rows: list[dict[str, Any]], fmt: FormatOpt, params: dict[str, Any]) -> None:
    from cqn_cli.render.output import render_rows

    chosen = resolve_format(fmt)
    # Files get every field (they import back); the screen gets the columns that fit.
    columns = _all_columns() if chosen in ("csv", "xlsx") else _list_columns()
    if chosen == "table":  # an erased person has no name: said so, not a blank
        shown = t("audit.erased")
        rows = [{**r, "full_name": shown} if r["full_name"] == "" else r for r in rows]
    render_rows(
        rows,
        columns,
        chosen,
        title=t("title.people", count=len(rows)),
        params=params,
        total={"count": len(rows)},
    )


@app.command("list", cls=Command, help=t("cmd.person.list"))
def list_cmd(
    ctx: typer.Context,
    ward: WardOpt = None,
    status: Annotated[Status | None, typer.Option("--status", help=t("opt.status"))] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
    reveal: RevealOpt = False,
) -> None:
    from cqn_cli.people import list_people
    from cqn_cli.wards import WardIndex, resolve_or_fail, wards_within

    db = state(ctx).db()
    ward_ids = None
    if ward is not None:
        found = resolve_or_fail(db, ward, today())
        ward_ids = wards_within(WardIndex(db), found, today())
    rows = list_people(
        db, ward_ids=ward_ids, status=status.value if status else None, reveal=reveal
    )
    params = {"ward": ward, "status": status.value if status else None}
    _print_people(rows, fmt, params)


@app.command("search", cls=Command, help=t("cmd.person.search"))
def search_cmd(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="TEXT", help=t("arg.text"))],
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
    reveal: RevealOpt = False,
) -> None:
    from cqn_cli.people import masked_query, search_people, similar_names
    from cqn_cli.render.output import message

    db = state(ctx).db()
    rows = search_people(db, text, reveal=reveal)
    if not rows:
        close = similar_names(db, text)
        said = t("person.none_found")
        message(f"{said} {t('usage.did_you_mean', value=', '.join(close))}" if close else said)
    _print_people(rows, fmt, {"text": text if reveal else masked_query(text)})


@app.command("show", cls=Command, help=t("cmd.person.show"))
def show_cmd(
    ctx: typer.Context,
    person: PersonIdArg,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
    reveal: RevealOpt = False,
) -> None:
    from cqn_cli.people import get_record, to_row
    from cqn_cli.privacy import person_row
    from cqn_cli.render.output import Column, render_record

    chosen = resolve_format(fmt)
    held = get_record(state(ctx).db(), person)
    if chosen in ("json", "csv"):  # for scripts: exactly the person row of SPEC §5
        render_record(to_row(held, reveal=reveal), _all_columns(), chosen)
        return
    record = person_row(held, reveal=reveal)
    columns = [
        *_all_columns(),
        Column("consent", "col.consent", "bool"),
        Column("consent_on", "col.consent_on", "date"),
        Column("consent_purpose", "col.consent_purpose"),
        Column("forgotten_on", "col.forgotten_on", "date"),
    ]
    render_record(record, columns, chosen)


def _print_warnings(warnings: list[Any]) -> None:
    """Warnings of a hand edit, named by the option they are about."""
    from cqn_cli.render.output import message

    for w in warnings:
        message(t(w.key, where=w.header or "cqn", **w.params))


def _field_options(given: dict[str, Any]) -> dict[str, str]:
    """The roster fields given as options (by their English names), as text for the parsers."""
    from cqn_cli.people import PERSON_COLUMNS

    out: dict[str, str] = {}
    for name, value in given.items():
        if value is None or name not in PERSON_COLUMNS:
            continue
        if isinstance(value, bool):
            out[name] = "1" if value else "0"
        else:
            out[name] = str(value.value if isinstance(value, Enum) else value)
    return out


@app.command("add", cls=Command, help=t("cmd.person.add"))
def add_cmd(
    ctx: typer.Context,
    full_name: Annotated[str, typer.Option("--full-name", help=t("col.full_name"))],
    ward: Annotated[
        str,
        typer.Option("--ward", metavar="WARD", help=t("opt.ward"), autocompletion=complete_ward),
    ],
    birth_date: Annotated[str | None, typer.Option(help=t("col.birth_date"))] = None,
    gender: Annotated[str | None, typer.Option(help=t("col.gender"))] = None,
    national_id: Annotated[str | None, typer.Option(help=t("col.national_id"))] = None,
    residential_group: Annotated[str | None, typer.Option(help=t("col.residential_group"))] = None,
    address: Annotated[str | None, typer.Option(help=t("col.address"))] = None,
    phone: Annotated[str | None, typer.Option(help=t("col.phone"))] = None,
    enlisted_on: Annotated[str | None, typer.Option(help=t("col.enlisted_on"))] = None,
    discharged_on: Annotated[str | None, typer.Option(help=t("col.discharged_on"))] = None,
    rank: Annotated[str | None, typer.Option(help=t("col.rank"))] = None,
    unit: Annotated[str | None, typer.Option(help=t("col.unit"))] = None,
    party_member: Annotated[bool | None, typer.Option(help=t("col.party_member"))] = None,
    youth_union_member: Annotated[
        bool | None, typer.Option(help=t("col.youth_union_member"))
    ] = None,
    reservist: Annotated[bool | None, typer.Option(help=t("col.reservist"))] = None,
    veterans_association_member: Annotated[
        bool | None, typer.Option(help=t("col.veterans_association_member"))
    ] = None,
    registered_on: Annotated[str | None, typer.Option(help=t("col.registered_on"))] = None,
    notes: Annotated[str | None, typer.Option(help=t("col.notes"))] = None,
) -> None:
    from cqn_cli.ingest.roster import add_person
    from cqn_cli.people import format_id
    from cqn_cli.render.output import result_line
    from cqn_cli.text import nfc

    raw = _field_options(ctx.params)
    pk, warnings = add_person(state(ctx).db(), raw, today=today())
    _print_warnings(warnings)
    result_line(t("person.added", id=format_id(pk), name=nfc(full_name)))


@app.command("edit", cls=Command, help=t("cmd.person.edit"))
def edit_cmd(
    ctx: typer.Context,
    person: PersonIdArg,
    full_name: Annotated[str | None, typer.Option(help=t("col.full_name"))] = None,
    birth_date: Annotated[str | None, typer.Option(help=t("col.birth_date"))] = None,
    gender: Annotated[str | None, typer.Option(help=t("col.gender"))] = None,
    national_id: Annotated[str | None, typer.Option(help=t("col.national_id"))] = None,
    ward: Annotated[
        str | None,
        typer.Option(metavar="WARD", help=t("col.ward"), autocompletion=complete_ward),
    ] = None,
    residential_group: Annotated[str | None, typer.Option(help=t("col.residential_group"))] = None,
    address: Annotated[str | None, typer.Option(help=t("col.address"))] = None,
    phone: Annotated[str | None, typer.Option(help=t("col.phone"))] = None,
    enlisted_on: Annotated[str | None, typer.Option(help=t("col.enlisted_on"))] = None,
    discharged_on: Annotated[str | None, typer.Option(help=t("col.discharged_on"))] = None,
    rank: Annotated[str | None, typer.Option(help=t("col.rank"))] = None,
    unit: Annotated[str | None, typer.Option(help=t("col.unit"))] = None,
    party_member: Annotated[bool | None, typer.Option(help=t("col.party_member"))] = None,
    youth_union_member: Annotated[
        bool | None, typer.Option(help=t("col.youth_union_member"))
    ] = None,
    reservist: Annotated[bool | None, typer.Option(help=t("col.reservist"))] = None,
    veterans_association_member: Annotated[
        bool | None, typer.Option(help=t("col.veterans_association_member"))
    ] = None,
    registered_on: Annotated[str | None, typer.Option(help=t("col.registered_on"))] = None,
    notes: Annotated[str | None, typer.Option(help=t("col.notes"))] = None,
) -> None:
    from cqn_cli.errors import UsageError
    from cqn_cli.ingest.roster import edit_person
    from cqn_cli.people import format_id, get_record
    from cqn_cli.render.output import result_line

    raw = _field_options(ctx.params)
    if not raw:
        raise UsageError("usage.nothing_to_edit")
    db = state(ctx).db()
    record = get_record(db, person)
    changed, warnings = edit_person(db, record["id"], raw, today=today())
    _print_warnings(warnings)
    name = raw.get("full_name", record["full_name"])
    key = "person.updated" if changed else "person.unchanged"
    result_line(t(key, id=format_id(record["id"]), name=name))


def _parse_status(text: str) -> str:
    """``moved_out`` or ``chuyển đi``, ``deceased`` or ``từ trần``…; else exit 2."""
    from cqn_cli.errors import FieldProblem
    from cqn_cli.values import parse_status

    try:
        return parse_status(text)
    except FieldProblem:
        raise typer.BadParameter(t("value.bad_status")) from None


@app.command("status", cls=Command, help=t("cmd.person.status"))
def status_cmd(
    ctx: typer.Context,
    person: PersonIdArg,
    new_status: Annotated[
        str,
        typer.Argument(help=t("arg.new_status"), metavar="STATUS", parser=_parse_status),
    ],
    on: OnOpt = None,
) -> None:
    from cqn_cli.people import set_status
    from cqn_cli.render.output import message, result_line

    row, before = set_status(state(ctx).db(), person, new_status, on)
    name = row["full_name"] or t("audit.erased")  # erased (``person forget``): no name
    words = {"id": row["id"], "name": name, "status": t(f"status.{new_status}")}
    if on is None:
        result_line(t("person.status_set_undated", **words))
    else:
        result_line(t("person.status_set", date=on.strftime("%d/%m/%Y"), **words))
    if new_status == "active" and before["status"] != "active":
        # One status is held, not its history: the spell away is gone from the figures.
        left = dt.date.fromisoformat(before["status_since"]).strftime("%d/%m/%Y")
        message(t("warn.back_on_roster", id=row["id"], left=left))


def print_roster_by_ward(db: "Database", map_date: dt.date | None = None) -> None:
    """The demo's table: people on the roster per ward, on the ward map of ``map_date``."""
    from cqn_cli.people import roster_by_ward
    from cqn_cli.render.output import Column, render_rows

    day = map_date or today()
    rows = roster_by_ward(db, day)
    columns = [
        Column("ward_code", "col.ward_code"),
        Column("ward", "col.ward"),
        Column("people", "col.people", "int", "right"),
        Column("on_roster", "col.on_roster", "int", "right"),
    ]
    render_rows(
        rows,
        columns,
        "table",
        title=t("title.roster_by_ward", date=day.strftime("%d/%m/%Y")),
    )


@app.command("consent", cls=Command, help=t("cmd.person.consent"))
def consent_cmd(
    ctx: typer.Context,
    person: PersonIdArg,
    given: Annotated[bool, typer.Option("--given/--withdrawn", help=t("opt.consent"))] = True,
    on: OnOpt = None,
    purpose: Annotated[str | None, typer.Option("--purpose", help=t("opt.purpose"))] = None,
) -> None:
    from cqn_cli.people import format_id
    from cqn_cli.privacy import set_consent
    from cqn_cli.render.output import result_line
    from cqn_cli.text import nfc

    day = on or today()
    record = set_consent(
        state(ctx).db(), person, given=given, on=day, purpose=nfc(purpose) if purpose else None
    )
    key = "consent.given" if given else "consent.withdrawn"
    result_line(t(key, id=format_id(record["id"]), date=day.strftime("%d/%m/%Y")))


@app.command("export", cls=Command, help=t("cmd.person.export"))
def export_cmd(
    ctx: typer.Context,
    person: PersonIdArg,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", dir_okay=False, help=t("opt.output")),
    ] = None,
    reveal: RevealOpt = False,
) -> None:
    import json

    from cqn_cli.atomic import write_atomically
    from cqn_cli.privacy import export_person
    from cqn_cli.render.output import wrote

    if output is not None:  # JSON only: a name promising another format is refused first
        format_of_file(output, ["json"], "json", option=False)
    data = export_person(state(ctx).db(), person, reveal=reveal)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    write_atomically(output_file(ctx, output), text.encode("utf-8"))
    wrote(t("written", path=str(output)))


@app.command("forget", cls=Command, help=t("cmd.person.forget"))
def forget_cmd(
    ctx: typer.Context,
    person: PersonIdArg,
    yes: Annotated[bool, typer.Option("--yes", help=t("opt.yes"))] = False,
) -> None:
    from cqn_cli.errors import UsageError
    from cqn_cli.people import format_id, get_record
    from cqn_cli.privacy import forget_person
    from cqn_cli.render.output import result_line

    db = state(ctx).db()
    record = get_record(db, person)
    label = f"{format_id(record['id'])} {record['full_name']}".strip()
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("usage.forget_needs_yes")
        if not typer.confirm(t("person.forget_confirm", person=label), default=False):
            raise typer.Exit(1)
    pk, erased, folded = forget_person(db, str(record["id"]), today=today())
    key = "person.forgotten_done" if erased else "person.already_forgotten"
    result_line(t(key, id=format_id(pk)))
    if not folded:
        from cqn_cli.render.output import message

        message(t("person.forget_log_busy"))
