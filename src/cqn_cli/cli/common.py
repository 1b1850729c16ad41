"""What the command modules share: global state, the options defined once, opening the database."""

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer import _click as click

from cqn_cli.dates import parse_day
from cqn_cli.errors import FieldProblem
from cqn_cli.i18n import detect_lang, set_lang, t

if TYPE_CHECKING:
    from sqlite_utils import Database

# Help texts are built when the commands are declared: the language must be known then.
set_lang(detect_lang())


@dataclass
class State:
    db_path: Path | None = None
    command: str = "cqn"  # the command path, which the audit records for every change
    _db: "Database | None" = None

    def path(self) -> Path:
        from cqn_cli.store.db import default_path

        return self.db_path or default_path()

    def db(self, *, create: bool = False, migrate: bool = True) -> "Database":
        """The database, opened (and migrated, unless told not to) once per command."""
        if self._db is None:
            from cqn_cli.store.db import open_db, set_command

            self._db = open_db(self.path(), create=create, migrate=migrate)
            set_command(self.command)
        return self._db

    def close(self) -> None:
        """Close the database (the last connection out folds the log back into the file)."""
        if self._db is not None:
            db, self._db = self._db, None
            with contextlib.suppress(Exception):
                db.close()


def state(ctx: typer.Context) -> State:
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


def parse_option_date(value: str) -> dt.date:
    """An option date (``dd/mm/yyyy`` or ISO); a bad one is a usage error (exit 2)."""
    try:
        return parse_day(value)
    except FieldProblem:
        raise typer.BadParameter(t("usage.bad_date", value=value)) from None


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


def resolve_format(fmt: Format | None) -> str:
    from cqn_cli.render.output import default_format

    return fmt.value if fmt is not None else default_format()


FormatOpt = Annotated[Format | None, typer.Option("--format", "-f", help=t("opt.format"))]
RevealOpt = Annotated[bool, typer.Option("--reveal", help=t("opt.reveal"))]
AsOfOpt = Annotated[
    dt.date | None,
    typer.Option("--as-of", parser=parse_option_date, metavar="DATE", help=t("opt.as_of")),
]
OnOpt = Annotated[
    dt.date | None,
    typer.Option("--on", parser=parse_option_date, metavar="DATE", help=t("opt.on")),
]
WardOpt = Annotated[str | None, typer.Option("--ward", help=t("opt.ward"))]


def output_file(ctx: typer.Context, path: Path) -> Path:
    """An output file (``-o``, ``--rejects``, a backup) that is not the database itself."""
    from cqn_cli.errors import UsageError

    db = state(ctx).path().resolve()
    companions = {db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal", "-holder"))}
    if path.resolve() in companions:
        raise UsageError("usage.output_is_db", path=str(path))
    return path
