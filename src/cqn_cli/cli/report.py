"""``cqn report``: the review report, at the terminal or into a file (for cron)."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cqn_cli.cli.common import (
    FromOpt,
    PeriodOpt,
    ToOpt,
    format_of_file,
    output_file,
    state,
    today,
)
from cqn_cli.i18n import t


class ReportFormat(StrEnum):
    table = "table"
    md = "md"
    html = "html"
    xlsx = "xlsx"
    json = "json"


def report_cmd(
    ctx: typer.Context,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    period: PeriodOpt = None,
    fmt: Annotated[
        ReportFormat | None, typer.Option("--format", "-f", help=t("opt.report_format"))
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help=t("opt.output"))
    ] = None,
) -> None:
    from cqn_cli import report
    from cqn_cli.render.progress import working
    from cqn_cli.stats import choose_period

    chosen = choose_period(date_from, date_to, period, today())
    with working(t("progress.report")):
        built = report.build(state(ctx).db(), chosen)
    kind = fmt.value if fmt else (format_of_file(output, ReportFormat, "md") if output else "table")
    emit(built, kind, output_file(ctx, output) if output is not None else None)


def emit(built: object, kind: str, output: Path | None) -> None:
    """Render the report in ``kind``: to the terminal, stdout, or atomically into ``output``."""
    import json

    from cqn_cli.atomic import write_atomically
    from cqn_cli.render.output import wrote
    from cqn_cli.report import Report

    assert isinstance(built, Report)
    data: str | bytes
    if kind == "json":  # JSON needs none of the renderers (nor their imports)
        data = json.dumps(built.as_json(), ensure_ascii=False, indent=2) + "\n"
    else:
        from cqn_cli.render import documents

        if kind == "table":
            if output is None:
                from cqn_cli.render.output import stdout_console

                documents.to_console(built, stdout_console())
                return
            kind = "md"
        data = documents.RENDERERS[kind](built)
    if output is None:
        if isinstance(data, bytes):
            import sys

            sys.stdout.buffer.write(data)
        else:
            typer.echo(data, nl=False)
        return
    write_atomically(output, data.encode("utf-8") if isinstance(data, str) else data)
    wrote(t("report.written", path=output))
