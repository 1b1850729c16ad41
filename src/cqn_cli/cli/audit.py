"""``cqn audit list``: who changed what, when, old → new."""

import datetime as dt
from typing import Annotated, Any

import typer

from cqn_cli.cli.common import (
    MAX_COUNT,
    Command,
    FormatOpt,
    OutputOpt,
    RevealOpt,
    commands,
    parse_option_date,
    resolve_format,
    state,
)
from cqn_cli.i18n import t

app = commands()


def _changes_text(row: dict[str, Any], wards: dict[str, str]) -> str:
    """``Điện thoại: 0905… → 0912…; Trạng thái: đang sinh hoạt → từ trần`` for a table or
    workbook cell: the values as the clerk reads them elsewhere (``wards``: each ward's
    name by its id)."""
    from cqn_cli.privacy import ERASED
    from cqn_cli.render.output import said_value

    def shown(value: Any) -> str:
        if value is None:
            return "∅"
        if value == ERASED:
            return t("audit.erased")
        said = said_value(row["entity"], field, value, wards)
        return str(value) if said is None else said

    parts = []
    for field, value in row["changes"].items():
        title = field_title(field)
        if row["action"] == "update":
            parts.append(f"{title}: {shown(value[0])} → {shown(value[1])}")
        else:
            parts.append(f"{title}: {shown(value)}")
    return "; ".join(parts)


def field_title(column: str) -> str:
    """A column as the clerk calls it (``phone`` → Điện thoại), else as it is named."""
    from cqn_cli.i18n import has_message

    key = "col." + column.removesuffix("_id") if column.endswith("_id") else "col." + column
    if column == "national_id":
        key = "col.national_id"
    return t(key) if has_message(key) else column


@app.command("list", cls=Command, help=t("cmd.audit.list"))
def list_cmd(
    ctx: typer.Context,
    person: Annotated[
        str | None, typer.Option("--person", metavar="ID", help=t("opt.audit_person"))
    ] = None,
    since: Annotated[
        dt.date | None,
        typer.Option("--since", parser=parse_option_date, metavar="DATE", help=t("opt.since")),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_COUNT, help=t("opt.limit"))] = 100,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
    reveal: RevealOpt = False,
) -> None:
    from cqn_cli.privacy import audit_rows
    from cqn_cli.render.output import Column, render_rows

    rows = audit_rows(state(ctx).db(), person=person, since=since, limit=limit, reveal=reveal)
    chosen = resolve_format(fmt)
    if chosen in ("table", "xlsx"):  # for reading; JSON and CSV keep the stored words
        from cqn_cli.wards import ward_names

        wards = ward_names(state(ctx).db())
        for row in rows:
            row["changes"] = _changes_text(row, wards)
            row["entity"] = t(f"entity.{row['entity']}")
            row["command"] = row["command"] or t("audit.outside")
            row["action"] = t(f"audit.{row['action']}")
    render_rows(
        rows,
        [
            Column("id", "col.audit_id", "int", "right"),
            Column("at", "col.at", "moment"),
            Column("command", "col.command"),
            Column("entity", "col.entity"),
            Column("key", "col.key"),
            Column("person_id", "col.id", optional=True),
            Column("action", "col.action"),
            Column("changes", "col.changes"),
        ],
        chosen,
        title=t("title.audit", count=len(rows)),
        params={"person": person, "since": since.isoformat() if since else None, "limit": limit},
        total={"count": len(rows)},
    )
