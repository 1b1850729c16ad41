"""``cqn db backup | check | migrate | merge``."""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cqn_cli.cli.common import (
    Command,
    FormatOpt,
    OutputOpt,
    RevealOpt,
    commands,
    output_file,
    resolve_format,
    state,
)
from cqn_cli.i18n import fmt_int, t

if TYPE_CHECKING:
    from cqn_cli.merge import Conflict
    from cqn_cli.store.db import Database

app = commands()


class Prefer(StrEnum):
    ours = "ours"
    theirs = "theirs"


@app.command("backup", cls=Command, help=t("cmd.db.backup"))
def backup_cmd(
    ctx: typer.Context,
    target: Annotated[
        Path, typer.Argument(metavar="FILE", dir_okay=False, help=t("arg.backup_file"))
    ],
) -> None:
    from cqn_cli.render.output import wrote
    from cqn_cli.store.maintenance import backup

    done = backup(state(ctx).db(), output_file(ctx, target))
    wrote(t("db.backup_done", path=done["path"], rows=fmt_int(done["rows"]), tables=done["tables"]))


@app.command("check", cls=Command, help=t("cmd.db.check"))
def check_cmd(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    output: OutputOpt = None,  # read by resolve_format (see OutputOpt)
) -> None:
    from cqn_cli.render.output import Column, message, render_rows, result_line
    from cqn_cli.store.maintenance import check

    problems, summary = check(state(ctx).db(migrate=False))  # a check changes nothing
    chosen = resolve_format(fmt)
    rows = [
        {"check": p.check, "count": p.count, "examples": ", ".join(p.examples)} for p in problems
    ]
    if chosen == "json" or rows or state(ctx).output is not None:  # a file is always written
        render_rows(
            rows,
            [
                Column("check", "col.check"),
                Column("count", "col.count", "int", "right"),
                Column("examples", "col.examples"),
            ],
            chosen,
            title=t("title.db_check"),
            params={"db": str(state(ctx).path())},
            total=summary,
        )
    if problems:
        message(t("db.check_failed", count=len(problems)))
        raise typer.Exit(1)
    if chosen != "json":
        result_line(t("db.check_ok", checks=summary["checks"], schema=summary["schema"]))


@app.command("migrate", cls=Command, help=t("cmd.db.migrate"))
def migrate_cmd(ctx: typer.Context) -> None:
    from cqn_cli.render.output import message, result_line
    from cqn_cli.store.maintenance import migrate

    applied, schema, twins = migrate(state(ctx).path())
    if applied:
        result_line(t("db.migrated", names=", ".join(applied), schema=schema[-1]))
    else:
        result_line(t("db.up_to_date", schema=schema[-1]))
    if twins:
        message(t("db.twins", count=len(twins), twins="; ".join(twins)))


@app.command("merge", cls=Command, help=t("cmd.db.merge"))
def merge_cmd(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="FILE…", help=t("arg.merge_files"))],
    prefer: Annotated[Prefer | None, typer.Option("--prefer", help=t("opt.prefer"))] = None,
    reveal: RevealOpt = False,
) -> None:
    from cqn_cli.merge import MergeConflicts, merge
    from cqn_cli.render.output import message, result_line

    db = state(ctx).db()
    try:
        result = merge(db, files, prefer=prefer.value if prefer else None)
    except MergeConflicts as refused:
        for line in _conflict_lines(db, refused.conflicts, reveal):
            message(line)
        raise
    for line in _conflict_lines(db, result.conflicts, reveal):
        message(line + " " + t(f"merge.kept_{result.prefer}"))
    for file, theirs, ours in result.erased_added:
        message(t("merge.erased_added", file=file, theirs=theirs, ours=ours))
    for file, entity, theirs, ours in result.recoded:
        message(t("merge.recoded", file=file, entity=t(f"entity.{entity}"), theirs=theirs,
                  ours=ours))  # fmt: skip
    for entity, tally in sorted(result.counts.items()):
        result_line(
            t(
                "merge.summary",
                entity=t(f"entity.{entity}"),
                inserted=fmt_int(tally.inserted),
                updated=fmt_int(tally.updated),
                unchanged=fmt_int(tally.unchanged),
            )
        )
    result_line(t("merge.done", files=", ".join(result.files)))


def _conflict_lines(db: "Database", conflicts: "list[Conflict]", reveal: bool) -> list[str]:
    """The conflicts, said (the wards' names read once, and only if there are any);
    ``reveal``: national ids and phones in full (two masked alike can't be told apart)."""
    if not conflicts:
        return []
    from cqn_cli.wards import ward_names

    wards = ward_names(db)
    return [_conflict_line(c, wards, reveal) for c in conflicts]


def _conflict_line(c: object, wards: dict[str, str], reveal: bool) -> str:
    """One conflict, said; ``wards``: each ward's name by its id."""
    from cqn_cli.cli.audit import field_title
    from cqn_cli.merge import Conflict

    assert isinstance(c, Conflict)
    if c.field == "identity":
        return t("merge.ambiguous", file=c.file, theirs=c.theirs_key, ours=c.key)
    if c.field == "ward":
        return t("merge.ward_differs", file=c.file, ours=c.key, theirs=c.theirs_key)
    if c.field == "ward_code":
        return t("merge.ward_code_clash", file=c.file, ours=c.key, theirs=c.theirs_key)
    if c.field == "ward_merge":  # (successor's name, last day) on each side
        import datetime as dt

        from cqn_cli.render.output import human

        def merged(name: str, last: str | None) -> str:  # as `ward merge --on` said it
            on = dt.date.fromisoformat(last) + dt.timedelta(days=1) if last else None
            return f"{name} ({t('merge.from', date=human(on.isoformat(), 'date'))})" if on else name

        ours, theirs = merged(*c.ours), merged(*c.theirs)
        return t("merge.ward_merged_apart", file=c.file, ward=c.key, ours=ours, theirs=theirs)
    if c.field == "cccd":
        return t("merge.cccd_conflict", file=c.file, theirs=c.theirs_key, ours=c.key)
    if c.field == "rule" and not c.file:  # of the records merged, whichever side they came from
        return t("merge.rule_merged", entity=t(f"entity.{c.entity}"), record=c.key,
                 detail=c.theirs_key, reason=str(c.theirs))  # fmt: skip
    if c.field == "rule":
        return t("merge.rule", file=c.file, entity=t(f"entity.{c.entity}"), record=c.key,
                 reason=str(c.theirs))  # fmt: skip
    return t(
        "merge.conflict",
        file=c.file,
        entity=t(f"entity.{c.entity}"),
        record=c.key,
        theirs_key=c.theirs_key,
        field=field_title(c.field),
        ours=_said(c, c.ours, wards, reveal),
        theirs=_said(c, c.theirs, wards, reveal),
    )


def _said(c: "Conflict", value: object, wards: dict[str, str], reveal: bool) -> str:
    """A value in conflict as the clerk reads it elsewhere, personal values masked
    unless ``reveal``."""
    from cqn_cli.render.output import said_value

    if value is None:
        return c.shown(value)
    said = said_value(c.entity, c.field, value, wards)
    if said is not None:
        return said
    return str(value) if reveal else c.shown(value)
