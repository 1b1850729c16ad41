"""``cqn ward list | add | alias | merge``."""

import datetime as dt
from typing import Annotated

import typer

from cqn_cli.cli.common import (
    AsOfOpt,
    Command,
    FormatOpt,
    OutputOpt,
    RequiredOnOpt,
    commands,
    parse_option_date,
    resolve_format,
    state,
    today,
)
from cqn_cli.i18n import t

app = commands()


@app.command("list", cls=Command, help=t("cmd.ward.list"))
def list_cmd(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli.render.output import Column, render_rows
    from cqn_cli.wards import list_wards

    rows = [
        {
            "id": r.ward.id,
            "code": r.ward.code,
            "name": r.ward.name,
            "district": r.ward.district,
            "province": r.ward.province,
            "valid_from": r.ward.valid_from,
            "valid_to": r.ward.valid_to,
            "successor_id": r.ward.successor_id,
            "successor": r.successor_name,
            "aliases": r.aliases,
            "people": r.people,
        }
        for r in list_wards(state(ctx).db(), as_of)
    ]
    columns = [
        Column("code", "col.code"),
        Column("name", "col.name"),
        Column("district", "col.district"),
        Column("valid_from", "col.valid_from", "date"),
        Column("valid_to", "col.valid_to", "date"),
        Column("successor", "col.successor"),
        Column("aliases", "col.aliases"),
        Column("people", "col.people", "int", "right"),
    ]
    params = {"as_of": as_of.isoformat() if as_of else None}
    render_rows(
        rows,
        columns,
        resolve_format(fmt),
        title=t("title.wards"),
        params=params,
        total={"count": len(rows)},
    )


@app.command("add", cls=Command, help=t("cmd.ward.add"))
def add_cmd(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help=t("arg.code"))],
    name: Annotated[str, typer.Argument(metavar="NAME", help=t("arg.name"))],
    valid_from: Annotated[
        dt.date | None,
        typer.Option("--from", parser=parse_option_date, metavar="DATE", help=t("opt.on")),
    ] = None,
    district: Annotated[str | None, typer.Option("--district", help=t("col.district"))] = None,
    province: Annotated[str | None, typer.Option("--province", help=t("col.province"))] = None,
) -> None:
    from cqn_cli.render.output import message, result_line
    from cqn_cli.wards import add_ward, sharing

    db = state(ctx).db()
    ward = add_ward(db, code, name, valid_from=valid_from, district=district, province=province)
    result_line(t("ward.added", ward=ward.name, code=ward.code))
    alike = sharing(db, ward)
    if alike:
        message(t("ward.shared", wards=", ".join(f"{w.name} ({w.code})" for w in alike)))


@app.command("alias", cls=Command, help=t("cmd.ward.alias"))
def alias_cmd(
    ctx: typer.Context,
    ward: Annotated[str, typer.Argument(metavar="WARD", help=t("arg.ward"))],
    alias: Annotated[str, typer.Argument(metavar="ALIAS", help=t("arg.alias"))],
    as_of: AsOfOpt = None,
) -> None:
    from cqn_cli.render.output import result_line
    from cqn_cli.wards import add_alias

    found = add_alias(state(ctx).db(), ward, alias, as_of or today())
    result_line(t("ward.alias_added", alias=alias, ward=found.name))


@app.command("merge", cls=Command, help=t("cmd.ward.merge"))
def merge_cmd(
    ctx: typer.Context,
    old: Annotated[list[str], typer.Argument(metavar="WARD…", help=t("arg.old_wards"))],
    into: Annotated[str, typer.Option("--into", metavar="WARD", help=t("arg.ward"))],
    on: RequiredOnOpt,
) -> None:
    from cqn_cli.render.output import result_line
    from cqn_cli.wards import merge_wards

    olds, new = merge_wards(state(ctx).db(), old, into, on)
    result_line(
        t(
            "ward.merged",
            old=", ".join(w.name for w in olds),
            new=new.name,
            date=on.strftime("%d/%m/%Y"),
        )
    )
