"""``cqn import roster FILE…`` (and, later, groups, members, attendance, visits)."""

import datetime as dt
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cqn_cli.cli.common import (
    Command,
    commands,
    complete_ward,
    format_of_file,
    output_file,
    parse_option_date,
    state,
    today,
)
from cqn_cli.errors import EXIT_DATA, ImportRefused, UsageError
from cqn_cli.i18n import fmt_int, t

if TYPE_CHECKING:
    from cqn_cli.ingest.engine import ImportOptions, ImportResult, Warning

app = commands()

MAX_WARNINGS_SHOWN = 50

FilesArg = Annotated[
    list[Path],
    typer.Argument(
        help=t("arg.files"), exists=True, dir_okay=False, readable=True, metavar="FILE…"
    ),
]
EncodingOpt = Annotated[str | None, typer.Option("--encoding", help=t("opt.encoding"))]


class Legacy(StrEnum):
    tcvn3 = "tcvn3"
    vni = "vni"


LegacyOpt = Annotated[Legacy | None, typer.Option("--legacy", help=t("opt.legacy"))]
DelimiterOpt = Annotated[str | None, typer.Option("--delimiter", help=t("opt.delimiter"))]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help=t("opt.sheet"))]
MapOpt = Annotated[list[str] | None, typer.Option("--map", help=t("opt.map"))]
SkipBadOpt = Annotated[bool, typer.Option("--skip-bad", help=t("opt.skip_bad"))]
RejectsOpt = Annotated[
    Path | None, typer.Option("--rejects", metavar="FILE", help=t("opt.rejects"))
]
WarningsOpt = Annotated[
    Path | None, typer.Option("--warnings", metavar="FILE", help=t("opt.warnings_file"))
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help=t("opt.dry_run"))]
ForceOpt = Annotated[bool, typer.Option("--force", help=t("opt.force"))]
ImportAsOfOpt = Annotated[
    dt.date | None,
    typer.Option("--as-of", parser=parse_option_date, metavar="DATE", help=t("opt.import_as_of")),
]


def build_options(kind: str, params: Mapping[str, Any]) -> "ImportOptions":
    """Check the options every import shares (as the command parsed them) and gather them."""
    import codecs

    from cqn_cli.ingest.engine import ImportOptions
    from cqn_cli.ingest.fields import FIELDS_OF, parse_map_options

    files: list[Path] = params["files"]
    rejects: Path | None = params.get("rejects")
    delimiter: str | None = params.get("delimiter")
    encoding: str | None = params.get("encoding")
    if params.get("skip_bad") and rejects is None:
        raise UsageError("usage.skip_bad_needs_rejects")
    if rejects is not None and not params.get("skip_bad"):  # all or nothing: none to keep
        raise UsageError("usage.rejects_needs_skip_bad")
    if rejects is not None and len(files) > 1:
        raise UsageError("usage.rejects_one_file")
    if rejects is not None:
        _check_output("--rejects", rejects, files)
    warnings_file: Path | None = params.get("warnings")
    if warnings_file is not None:
        _check_output("--warnings", warnings_file, files)
        format_of_file(warnings_file, ("csv", "xlsx"), "csv", option=False)
    if (
        warnings_file is not None
        and rejects is not None
        and warnings_file.resolve() == rejects.resolve()
    ):
        raise UsageError("usage.warnings_is_rejects")
    if delimiter is not None:
        delimiter = "\t" if delimiter.lower() in ("tab", "\\t") else delimiter
        if len(delimiter) != 1 or delimiter.isalnum() or delimiter in "\"'\r\n ":
            raise UsageError("usage.bad_delimiter", value=delimiter)
    if encoding is not None:
        try:
            text_encoding = codecs.lookup(encoding)._is_text_encoding
        except LookupError:
            text_encoding = False
        if not text_encoding:  # rot13, base64…: codecs, but not the encoding of a text file
            raise UsageError("usage.bad_encoding", value=encoding)
    day = today()
    return ImportOptions(
        as_of=params.get("as_of") or day,
        as_of_given=params.get("as_of") is not None,
        today=day,
        encoding=encoding,
        delimiter=delimiter,
        sheet=params.get("sheet"),
        header_map=parse_map_options(params.get("maps") or [], FIELDS_OF[kind]),
        skip_bad=bool(params.get("skip_bad")),
        rejects=rejects,
        dry_run=bool(params.get("dry_run")),
        force=bool(params.get("force")),
        ward=params.get("ward"),
        legacy=params["legacy"].value if params.get("legacy") else None,
        all_warnings=params.get("warnings") is not None,
    )


def _check_output(option: str, path: Path, files: list[Path]) -> None:
    """A file an import writes beside its work (``--rejects``, ``--warnings``): not one of
    its inputs, and somewhere a file can be written; else exit 2 before importing."""
    if any(path.resolve() == f.resolve() for f in files):
        raise UsageError("usage.rejects_is_input", option=option)
    if path.is_dir() or not path.resolve().parent.is_dir():
        raise UsageError("usage.rejects_bad_path", option=option, path=str(path))


def warning_text(path: str, w: "Warning", *, placed: bool = False) -> str:
    """A warning as the clerk reads it: ``file:line:column [Header]: …``; ``placed``: in
    the file of warnings, whose columns say where (a warning of the file as a whole
    keeps its file name)."""
    if placed and w.line is not None:
        return t(w.key, where="", path=path, **w.params).removeprefix(": ")
    if w.line is None:
        where = path
    elif w.column is None:
        where = f"{path}:{w.line}"
    else:
        where = f"{path}:{w.line}:{w.column} [{w.header}]"
    return t(w.key, where=where, path=path, **w.params)


def print_result(
    result: "ImportResult",
    max_warnings: int = MAX_WARNINGS_SHOWN,
    *,
    written_to: Path | None = None,
    hint: bool = False,
) -> None:
    """One file's outcome: its first warnings, how many more (and where they all are,
    ``written_to``, or with ``hint`` the option that would write them), its counts."""
    from cqn_cli.render.output import local_time, message, result_line

    if result.already_imported_at is not None:
        when = local_time(result.already_imported_at)
        result_line(t("import.already", path=result.path, when=when))
        return
    if result.skipped_title_rows:
        message(t("import.header_skipped", path=result.path, count=result.skipped_title_rows))
    for w in result.warnings[:max_warnings]:
        message(warning_text(result.path, w))
    total = len(result.warnings) + result.counts.warnings_not_kept
    if total > max_warnings:
        more = total - max_warnings
        if written_to is not None:
            message(t("warn.more_in_file", count=more, path=str(written_to)))
        else:
            message(t("warn.more_hint" if hint else "warn.more", count=more))
    c = result.counts
    counts = {
        "path": result.path,
        "rows": fmt_int(c.rows),
        "inserted": fmt_int(c.inserted),
        "updated": fmt_int(c.updated),
        "unchanged": fmt_int(c.unchanged),
        "rejected": fmt_int(c.rejected),
    }
    result_line(t("import.dry_run" if result.dry_run else "import.summary", **counts))
    if result.rejects_path:
        message(t("import.rejects_written", path=result.rejects_path))


def _run(ctx: typer.Context, kind: str) -> None:
    """Import each file (each all or nothing), report each, exit 1 if any was refused
    (and say so once more at the end when others were imported)."""
    from cqn_cli.ingest.engine import import_files, importer
    from cqn_cli.render.output import report_error
    from cqn_cli.render.progress import RowProgress

    options = build_options(kind, ctx.params)
    warnings_file: Path | None = ctx.params.get("warnings")
    for written in (options.rejects, warnings_file):
        if written is not None:  # not the database either
            output_file(ctx, written)
    failed = 0
    files, db = ctx.params["files"], state(ctx).db()
    warned: list[ImportResult] = []
    with RowProgress() as bar:  # on a terminal only
        for outcome in import_files(db, files, importer(kind), options, bar.tick):
            bar.stop()
            if isinstance(outcome, ImportRefused):  # each file stands alone: report, go on
                report_error(outcome)
                if outcome.rejects_path is not None:  # --skip-bad, and not one good row
                    from cqn_cli.render.output import message

                    message(t("import.rejects_written", path=outcome.rejects_path))
                failed += 1
            else:
                print_result(outcome, written_to=warnings_file, hint=True)
                warned.append(outcome)
    # A run that imported nothing (a file already imported, or refused) leaves the file
    # of an earlier run alone.
    if warnings_file is not None and any(r.already_imported_at is None for r in warned):
        write_warnings(warnings_file, warned)
    if failed:
        if failed < len(files) and not options.dry_run:  # exit 1, yet some were written
            from cqn_cli.render.output import message

            message(t("import.some_refused", refused=failed, files=len(files)))
        raise typer.Exit(EXIT_DATA)


_WARNING_COLUMNS = (
    ("file", "Tệp", "File"),
    ("line", "Dòng", "Line"),
    ("column", "Cột", "Column"),
    ("header", "Tiêu đề", "Header"),
    ("warning", "Cảnh báo", "Warning"),
)


def write_warnings(target: Path, results: "list[ImportResult]") -> None:
    """Every warning of the files imported (``--warnings FILE``), a row each: the file,
    line, column and heading, and what the warning says (its place in those columns); CSV for Excel,
    or XLSX by the name's suffix. Written atomically, mode 0600, even when empty."""
    from cqn_cli.atomic import write_atomically
    from cqn_cli.exports import ExportColumn
    from cqn_cli.i18n import lang
    from cqn_cli.render import files

    rows = [
        {
            "file": result.path,
            "line": w.line,
            "column": w.column,
            "header": w.header,
            "warning": warning_text(result.path, w, placed=True),
        }
        for result in results
        for w in result.warnings
    ]
    columns = [ExportColumn(key, vi, en, "int" if key in ("line", "column") else "text")
               for key, vi, en in _WARNING_COLUMNS]  # fmt: skip
    kind = format_of_file(target, ("csv", "xlsx"), "csv", option=False)
    data = (
        files.to_xlsx(columns, rows, lang(), t("col.warnings"))
        if kind == "xlsx"
        else files.to_csv(columns, rows, lang())
    )
    write_atomically(target, data)


WardDefaultOpt = Annotated[
    str | None,
    typer.Option("--ward", metavar="WARD", help=t("opt.import_ward"), autocompletion=complete_ward),
]


def _command(kind: str) -> Callable[..., None]:
    """The command ``cqn import KIND``: the options every import shares, and ``--ward``
    for the files that name a ward (roster, groups). Each reads ``ctx.params``."""
    if kind in ("roster", "groups"):

        def with_ward(
            ctx: typer.Context,
            files: FilesArg,
            as_of: ImportAsOfOpt = None,
            ward: WardDefaultOpt = None,
            encoding: EncodingOpt = None,
            legacy: LegacyOpt = None,
            delimiter: DelimiterOpt = None,
            sheet: SheetOpt = None,
            maps: MapOpt = None,
            skip_bad: SkipBadOpt = False,
            rejects: RejectsOpt = None,
            warnings: WarningsOpt = None,
            dry_run: DryRunOpt = False,
            force: ForceOpt = False,
        ) -> None:
            _run(ctx, kind)

        return with_ward

    def without_ward(
        ctx: typer.Context,
        files: FilesArg,
        as_of: ImportAsOfOpt = None,
        encoding: EncodingOpt = None,
        legacy: LegacyOpt = None,
        delimiter: DelimiterOpt = None,
        sheet: SheetOpt = None,
        maps: MapOpt = None,
        skip_bad: SkipBadOpt = False,
        rejects: RejectsOpt = None,
        warnings: WarningsOpt = None,
        dry_run: DryRunOpt = False,
        force: ForceOpt = False,
    ) -> None:
        _run(ctx, kind)

    return without_ward


for _kind in ("roster", "groups", "members", "attendance", "visits"):
    app.command(_kind, cls=Command, help=t(f"cmd.import.{_kind}"))(_command(_kind))
