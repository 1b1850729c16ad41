"""``cqn export people|groups|memberships|meetings|attendance|visits|wards``."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cqn_cli.cli.common import RevealOpt, format_of_file, output_file, state, today
from cqn_cli.i18n import fmt_int, lang, t


class Kind(StrEnum):
    people = "people"
    groups = "groups"
    memberships = "memberships"
    meetings = "meetings"
    attendance = "attendance"
    visits = "visits"
    wards = "wards"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def export_cmd(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Argument(metavar="KIND", help=t("arg.export_kind"))],
    fmt: Annotated[
        ExportFormat | None, typer.Option("--format", "-f", help=t("opt.export_format"))
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", dir_okay=False, help=t("opt.output")),
    ] = None,
    reveal: RevealOpt = False,
) -> None:
    from cqn_cli.atomic import write_atomically
    from cqn_cli.errors import UsageError
    from cqn_cli.exports import export_rows
    from cqn_cli.render import files
    from cqn_cli.render.output import wrote

    chosen = fmt.value if fmt else format_of_file(output, ExportFormat, "csv") if output else "csv"
    if chosen == "xlsx" and output is None and sys.stdout.isatty():  # a workbook on a screen
        raise UsageError("usage.xlsx_needs_output")
    columns, rows = export_rows(state(ctx).db(), kind.value, today=today(), reveal=reveal)
    if chosen == "json":
        data = files.to_json(rows, {"kind": kind.value, "reveal": reveal})
    elif chosen == "xlsx":
        data = files.to_xlsx(columns, rows, lang(), t(f"export.sheet.{kind.value}"))
    else:
        data = files.to_csv(columns, rows, lang(), bom=output is not None)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_atomically(output_file(ctx, output), data)
    wrote(t("export.written", path=str(output), count=fmt_int(len(rows))))
