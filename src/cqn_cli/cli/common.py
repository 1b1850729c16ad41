"""What the command modules share: global state, the options defined once, opening the database."""

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer import _click as click
from typer.core import TyperCommand, TyperGroup

from cqn_cli.dates import parse_day
from cqn_cli.errors import FieldProblem
from cqn_cli.i18n import detect_lang, set_lang, t
from cqn_cli.text import closest

if TYPE_CHECKING:
    from cqn_cli.store.db import Database

# Help texts are built when the commands are declared: the language must be known then.
set_lang(detect_lang())

# The most a count option (``--last``, ``--limit``) takes: within SQLite's integers.
MAX_COUNT = 1_000_000


# Typer's own words in a help page, said in the clerk's language (line starts only).
_HELP_WORDS = (
    (re.compile(r"^Usage: ", re.MULTILINE), "help.usage"),
    (re.compile(r"^Options:$", re.MULTILINE), "help.options"),
    (re.compile(r"^Arguments:$", re.MULTILINE), "help.arguments"),
    (re.compile(r"^Commands:$", re.MULTILINE), "help.commands"),
    (re.compile(r"Show this message and exit\."), "help.help"),
    (re.compile(r"Install completion for the current shell\."), "help.install_completion"),
    (
        re.compile(
            r"Show completion for the current shell, to copy it or\s+customize the\s+installation\."
        ),
        "help.show_completion",
    ),
    (re.compile(r"\[required\]"), "help.required"),
    (re.compile(r"\[default: "), "help.default"),
)


# The types Typer shows beside an option, in Python's words (``<str>``, ``<list[str]>``):
# said as what the value is; an argument's named already (``FILE…``) are left out.
_HELP_TYPES = (
    (re.compile(r"(?<=^  [A-Z])[A-Z_…]* <[^>]+>( *)", re.MULTILINE), None),  # GROUP <str>
    (re.compile(r"<(?:list\[)?str\]?>( *)"), "help.type_text"),
    (re.compile(r"<int range>( *)"), "help.type_number"),
    (re.compile(r"<file>( *)"), "help.type_file"),
)


def _typed(name: str | None) -> Callable[[re.Match[str]], str]:
    """The replacement of a type in a help page, with the spaces after it, as wide as it
    was (the columns stay), a space kept before the help text that follows."""

    def said(found: re.Match[str]) -> str:
        whole, spaces = found.group(), found.group(1)
        # An argument: its name alone; an option's value: said as what it is.
        word = whole.split(" <")[0] if name is None else f"<{t(name)}>"
        return word.ljust(len(whole)) if len(word) < len(whole) else word + spaces[:1]

    return said


def translate_help(text: str) -> str:
    """A help page with Typer's English words in the chosen language."""
    from cqn_cli.i18n import lang

    for pattern, name in _HELP_TYPES:
        text = pattern.sub(_typed(name), text)
    # The usage line: {FILE…}... → FILE…, {PERSON} → PERSON (the arguments, named).
    usage, sep, rest = text.partition("\n")
    usage = re.sub(r"\{([^{}\s]+)\}", r"\1", usage).replace("…...", "…")
    text = usage + sep + rest
    if lang() == "en":
        return text
    for pattern, key in _HELP_WORDS:
        text = pattern.sub(t(key).replace("\\", "\\\\"), text)
    return text


class _InClerksLanguage(click.Command):
    """What Typer says of a command, in the clerk's language: its help page (see
    ``translate_help``), and a misused option said as this command's (Typer's parser does
    not say whose it was; ``app._usage_error`` words it)."""

    def get_help(self, ctx: click.Context) -> str:
        return translate_help(super().get_help(ctx))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise


class Command(_InClerksLanguage, TyperCommand):
    """A command of cqn."""


class Commands(_InClerksLanguage, TyperGroup):
    """A group of commands whose "no such command" is said in the clerk's language, with
    the closest commands offered (``cqn persn`` → ``person``)."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.UsageError:
            if not args or args[0] in self.commands:
                raise
            text = t("usage.no_such_command", command=args[0])
            close = closest(args[0], self.list_commands(ctx), n=3)
            if close:
                text += " " + t("usage.did_you_mean", value=", ".join(close))
            raise click.exceptions.UsageError(text, ctx) from None


def commands() -> typer.Typer:
    """A Typer app for a group of commands (``cqn person …``): help when called alone.
    Built into the root on first use (``app.GROUPS``), with the root's plain help."""
    return typer.Typer(cls=Commands, no_args_is_help=True, rich_markup_mode=None)


@dataclass
class State:
    db_path: Path | None = None
    command: str = "cqn"  # the command path, which the audit records for every change
    output: Path | None = None  # a listing's -o FILE
    _db: "Database | None" = None

    def path(self) -> Path:
        from cqn_cli.store.db import default_path

        return self.db_path or default_path()

    def db(self, *, create: bool = False, migrate: bool = True) -> "Database":
        """The database, opened (and migrated, unless told not to) once per command."""
        if self._db is None:
            import os

            from cqn_cli.store.db import open_db, set_command

            default = self.db_path is None and not os.environ.get("CQN_DB")
            self._db = open_db(self.path(), create=create, migrate=migrate, make_folder=default)
            set_command(self.command)
        return self._db

    def close(self) -> None:
        """Close the database (the last connection out folds the log back into the file)."""
        if self._db is not None:
            db, self._db = self._db, None
            with contextlib.suppress(Exception):
                db.close()


def state(ctx: click.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    # "cqn import roster", whatever name the program was started by (cqn, python -m cqn_cli…)
    names: list[str] = []
    node: click.Context = ctx
    while node.parent is not None:
        names.append(node.info_name or "")
        node = node.parent
    obj.command = " ".join(["cqn", *reversed(names)])
    return obj


# ---- shell completion (Typer's): ward names and group codes from the database -----------


def _held(ctx: click.Context, sql: str) -> list[str]:
    """Values read for completion; nothing at all if the database can't be read (completion
    must never print an error into the clerk's prompt). Opened immutable: no lock, and no
    ``-wal``/``-shm`` files left beside the database by a keystroke (what an import has
    not yet folded back into the file is not offered)."""
    import sqlite3

    from cqn_cli.store.db import default_path

    path = ctx.find_root().params.get("db") or default_path()
    try:
        uri = f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True)
        try:
            return [row[0] for row in conn.execute(sql) if row[0]]
        finally:
            conn.close()
    except (sqlite3.Error, OSError, ValueError):
        return []


def _starting(values: list[str], incomplete: str) -> list[str]:
    """Those starting as typed, ignoring case and diacritics ("tam" → "Tam Thuận")."""
    from cqn_cli.text import fold

    typed = fold(incomplete)
    return [v for v in values if fold(v).startswith(typed)]


def complete_ward(ctx: click.Context, incomplete: str) -> list[str]:
    """Ward names (also without "Phường") and codes held in the database."""
    held = _held(ctx, "SELECT name FROM ward UNION SELECT code FROM ward")
    short = [name.split(" ", 1)[1] for name in held if name.startswith("Phường ")]
    return _starting(sorted(set(held + short)), incomplete)


def complete_group(ctx: click.Context, incomplete: str) -> list[str]:
    """Group codes held in the database."""
    return _starting(_held(ctx, "SELECT code FROM groups ORDER BY code"), incomplete)


def parse_option_date(value: str) -> dt.date:
    """An option date (``dd/mm/yyyy`` or ISO); a bad one is a usage error (exit 2)."""
    try:
        return parse_day(value)
    except FieldProblem as p:
        # A partial date is not a day: said as such, not as a column's rule.
        key = "date.bad" if p.key == "date.partial_not_allowed" else p.key
        reason = t(key, **p.params)
        raise typer.BadParameter(t("usage.bad_date", value=value, reason=reason)) from None


def vocabulary(parse: Callable[[str], str], key: str) -> Callable[[str], str]:
    """An option parser for a closed vocabulary (Vietnamese words accepted); else exit 2."""

    def parser(text: str) -> str:
        try:
            return parse(text)
        except FieldProblem:
            raise typer.BadParameter(t(key)) from None

    return parser


def today() -> dt.date:
    return dt.date.today()


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


# What a file's suffix promises: a file so named is written in that format or not at all
# (Markdown in a ``.csv`` opens in Excel as one column of garbage). Other suffixes (none,
# ``.txt``) promise nothing: the command's default format.
_PROMISED = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".xlsx": "xlsx",
    ".xlsm": "xlsm",  # macro-enabled: Excel refuses a plain workbook so named
    ".xls": "xls",
    ".ods": "ods",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".doc": "doc",
}


def format_of_file(path: Path, offered: Iterable[str], default: str, *, option: bool = True) -> str:
    """The format ``-o path`` asks for by its suffix: one of ``offered``, else
    ``default`` when the suffix names no format; a format not offered is exit 2
    (``option``: the command has ``-f`` to choose one, which the message offers)."""
    from cqn_cli.errors import UsageError

    offered = [f for f in offered if f != "table"]
    promised = _PROMISED.get(path.suffix.lower())
    if promised is None:
        return default
    if promised not in offered:
        first = {f: s for s, f in reversed(_PROMISED.items())}  # .html, not .htm
        suffixes = ", ".join(first[f] for f in offered)
        key = "usage.suffix_not_offered" if option else "usage.suffix_not_written"
        raise UsageError(key, path=str(path), suffixes=suffixes)
    return promised


def resolve_format(fmt: Format | None) -> str:
    """The format of a listing: as asked, else from the ``-o`` file's suffix, else a table
    on a terminal and CSV off one. A table is for the screen; XLSX needs a file (``-o``)
    or a redirected stdout."""
    import sys

    from typer._click.globals import get_current_context

    from cqn_cli.errors import UsageError
    from cqn_cli.render import output as out

    target = state(get_current_context()).output
    if fmt is not None:
        chosen = fmt.value
    elif target is not None:
        chosen = format_of_file(target, Format, "csv")
    else:
        chosen = out.default_format()
    if target is not None:
        if chosen == "table":
            raise UsageError("usage.table_to_file")
        out.redirect(target)
    elif chosen == "xlsx" and sys.stdout.isatty():
        raise UsageError("usage.xlsx_needs_file")
    return chosen


def _remember_output(ctx: typer.Context, path: Path | None) -> Path | None:
    if path is not None:
        state(ctx).output = output_file(ctx, path)
    return path


FormatOpt = Annotated[Format | None, typer.Option("--format", "-f", help=t("opt.format"))]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        callback=_remember_output,
        metavar="FILE",
        help=t("opt.listing_output"),
    ),
]
RevealOpt = Annotated[bool, typer.Option("--reveal", help=t("opt.reveal"))]
AsOfOpt = Annotated[
    dt.date | None,
    typer.Option("--as-of", parser=parse_option_date, metavar="DATE", help=t("opt.as_of")),
]
OnOpt = Annotated[
    dt.date | None,
    typer.Option("--on", parser=parse_option_date, metavar="DATE", help=t("opt.on")),
]
RequiredOnOpt = Annotated[
    dt.date, typer.Option("--on", parser=parse_option_date, metavar="DATE", help=t("opt.on"))
]
WardOpt = Annotated[
    str | None,
    typer.Option("--ward", metavar="WARD", help=t("opt.ward"), autocompletion=complete_ward),
]
# The dates of a period, as every command that reads one takes them.
FromOpt = Annotated[
    dt.date | None,
    typer.Option("--from", parser=parse_option_date, metavar="DATE", help=t("opt.from")),
]
ToOpt = Annotated[
    dt.date | None,
    typer.Option("--to", parser=parse_option_date, metavar="DATE", help=t("opt.to")),
]
PeriodOpt = Annotated[
    str | None, typer.Option("--period", metavar="2019|2019Q2|2019-05", help=t("opt.period"))
]


def output_file(ctx: typer.Context, path: Path) -> Path:
    """An output file (``-o``, ``--rejects``, a backup) that is not the database itself."""
    from cqn_cli.errors import UsageError

    db = state(ctx).path().resolve()
    companions = {db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal", "-holder"))}
    if path.resolve() in companions:
        raise UsageError("usage.output_is_db", path=str(path))
    return path


def listing_dates(
    start: dt.date | None, end: dt.date | None, period: str | None
) -> tuple[dt.date | None, dt.date | None]:
    """The dates a listing is cut to: ``--period``'s, or ``--from``/``--to`` (either may
    be left out: no bound), not both; refused as ``stats`` refuses them (a period not
    begun, backwards)."""
    from cqn_cli.stats import given_period, refuse_unbegun

    chosen = given_period(start, end, period)
    if chosen is not None:
        start, end = chosen.start, chosen.end
    refuse_unbegun(start, end, chosen.label if chosen else None, today())
    return start, end
