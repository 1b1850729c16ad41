"""The root of the CLI: composes the command groups, the global options and the error boundary."""

import contextlib
import errno
import importlib
import re
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer._click import exceptions as click_exceptions

from cqn_cli import __version__
from cqn_cli.cli import export, report
from cqn_cli.cli.common import Command, Commands, State, state, today
from cqn_cli.errors import EXIT_DATABASE, EXIT_USAGE, CqnError
from cqn_cli.i18n import LANGS, fmt_int, os_reason, set_lang, t


class Terminated(BaseException):
    """SIGTERM (a cron timeout, systemd stopping a job, ``kill``): stopped as Ctrl-C
    stops a command, its transaction rolled back and its notes taken away, then exit
    128 + 15. Not a KeyboardInterrupt, which Typer would answer with exit 130."""

    signal = signal.SIGTERM


def _terminated(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the stopping is not stopped
    raise Terminated()


def _hint(exc: click_exceptions.BadParameter) -> str:
    """The option or argument a bad value was given for, as the user typed it."""
    if exc.param_hint is not None:
        hints = [exc.param_hint] if isinstance(exc.param_hint, str) else list(exc.param_hint)
        return " / ".join(hints)
    return exc.param.get_error_hint() if exc.param is not None else ""


# Typer's refusals of the paths cqn takes (``exists``, ``dir_okay=False``, ``readable``),
# in English: "file 'x' is a directory."
_PATH_REFUSED = re.compile(
    r"^(?:file|path) (?P<path>(?P<q>['\"]).*(?P=q))"  # a repr: "it's.csv" in double quotes
    r" (?P<why>does not exist|is a directory|is not readable)\.$"
)
_PATH_REASONS = {
    "does not exist": "missing",
    "is a directory": "directory",
    "is not readable": "unreadable",
}


def _reason(exc: click_exceptions.BadParameter) -> str:
    """Why a value was refused. Typer refuses paths, choices and numbers with reasons in
    English (its own "file 'x' does not exist.", pydantic's "Value error, 'x' is not one
    of …", "Input should be a valid integer"): those are said in the chosen language,
    from what the parameter takes. Our own reasons (dates, phone numbers…) are said as
    they are."""
    path = _PATH_REFUSED.match(exc.message)
    if path:
        return t(f"usage.path_{_PATH_REASONS[path['why']]}", path=path["path"])
    desc = getattr(exc.param, "type_descriptor", None)
    cause = exc.__cause__
    if desc is None or type(cause).__name__ != "ValidationError":
        return exc.message
    errors = cause.errors()  # type: ignore[union-attr]
    value = errors[0].get("input", "") if errors else ""
    if desc.choices:
        choices = ", ".join(str(getattr(c, "value", c)) for c in desc.choices)
        return t("usage.one_of", value=value, choices=choices)
    info = desc.parameter_info
    if desc.annotation is int and info.min is not None and info.max is not None:  # counts
        return t("usage.whole_number_between", value=value, min=info.min, max=fmt_int(info.max))
    return exc.message


def _misuse(exc: click_exceptions.UsageError) -> str:
    """Typer's parser's own words on a misused option or a word too many, in the chosen
    language: "Option '--last' requires an argument.", "… does not take a value.",
    "Got unexpected extra argument(s) (x)"."""
    text = exc.format_message()
    if isinstance(exc, click_exceptions.BadOptionUsage):
        if text.endswith(" requires an argument."):
            return t("usage.needs_value", option=exc.option_name)
        if text.endswith(" does not take a value."):
            return t("usage.takes_no_value", option=exc.option_name)
    extra = re.match(r"^Got unexpected extra argument\(s\) \((.*)\)$", text, re.DOTALL)
    if extra:
        return t("usage.extra_args", args=extra.group(1))
    return text


def _usage_error(exc: click_exceptions.UsageError) -> NoReturn:
    """A wrong command line: one line in the chosen language, exit 2 (help stays help)."""
    from cqn_cli.render.output import message

    where = exc.ctx.command_path if exc.ctx is not None else "cqn"
    if exc.ctx is not None and exc.ctx.parent is None and _no_command(exc):
        typer.echo(command_map(exc.ctx))
        raise typer.Exit(0)
    if isinstance(exc, click_exceptions.NoArgsIsHelpError):
        raise exc
    if isinstance(exc, click_exceptions.NoSuchOption):
        text = t("usage.no_such_option", option=exc.option_name)
        if exc.option_name in ("--db", "--lang", "--version") and where != "cqn":
            text += " " + t("usage.global_first", option=exc.option_name)
        elif exc.possibilities:
            text += " " + t("usage.did_you_mean", value=", ".join(sorted(exc.possibilities)))
    elif isinstance(exc, click_exceptions.MissingParameter):
        text = t("usage.missing", param=_hint(exc))
    elif isinstance(exc, click_exceptions.BadParameter):
        text = t("usage.bad_value", param=_hint(exc), reason=_reason(exc))
    else:
        text = _misuse(exc)
    message(f"{where}: {text} — {t('usage.see_help', command=where)}")
    raise typer.Exit(EXIT_USAGE)


def _no_command(exc: click_exceptions.UsageError) -> bool:
    """``cqn`` alone, or with global options only."""
    return isinstance(exc, click_exceptions.NoArgsIsHelpError) or exc.message == "Missing command."


# The map that ``cqn`` alone prints: the commands grouped by what a clerk is doing.
TASKS = (
    ("map.setup", ("init", "ward", "demo")),
    ("map.import", ("import",)),
    ("map.record", ("person", "group", "meeting", "visit")),
    ("map.figures", ("stats", "report")),
    ("map.data", ("export", "db", "audit")),
)


def command_map(ctx: Any) -> str:
    """A short map of the commands by task; each group lists its sub-commands."""
    root = ctx.command
    lines = [t("app.help"), ""]
    for title, names in TASKS:
        lines.append(t(title))
        for name in names:
            command = root.get_command(ctx, name)
            if isinstance(command, Commands):
                what = " · ".join(command.list_commands(ctx))
            else:
                what = re.split(r"[.;](?:\s|$)", command.help or "")[0].strip()
            lines.append(f"  {'cqn ' + name:<12} {what}")
    lines += ["", t("map.examples"), t("map.more")]
    return "\n".join(lines)


# The groups of commands, in the order help lists them: name → (module of ``cqn_cli.cli``,
# its Typer app, help). A group's module is imported, and its commands built, when the
# group is first asked for (Click's lazy group): ``cqn person list`` builds ``person``
# alone; ``cqn --help`` and ``cqn`` alone build them all.
GROUPS: dict[str, tuple[str, str, str]] = {
    "ward": ("wards", "app", "grp.ward"),
    "import": ("imports", "app", "grp.import"),
    "person": ("people", "app", "grp.person"),
    "group": ("activity", "group_app", "grp.group"),
    "meeting": ("activity", "meeting_app", "grp.meeting"),
    "visit": ("activity", "visit_app", "grp.visit"),
    "stats": ("stats", "app", "grp.stats"),
    "audit": ("audit", "app", "grp.audit"),
    "db": ("db", "app", "grp.db"),
}


class CqnGroup(Commands):
    """The error boundary: every command runs inside it, ``CliRunner`` included.

    Our own exceptions become one line and their exit code; SQLite's "locked",
    "corrupt" and "not a database" become exit 3. Anything else is a bug and
    goes on to ``main``'s crash log.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return [*(c for c in self.commands if c not in GROUPS), *GROUPS]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name in GROUPS and name not in self.commands:
            module, attribute, help_key = GROUPS[name]
            commands = getattr(importlib.import_module(f"cqn_cli.cli.{module}"), attribute)
            group = typer.main.get_group(commands)
            group.name, group.help = name, t(help_key)
            self.add_command(group, name)
        return super().get_command(ctx, name)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except click_exceptions.UsageError as exc:
            _usage_error(exc)

    def invoke(self, ctx: Any) -> Any:
        try:
            return self._invoke(ctx)
        finally:
            from cqn_cli.render.output import redirect

            redirect(None)
            root = ctx.find_root().obj
            if isinstance(root, State):
                root.close()

    def _invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except click_exceptions.UsageError as exc:
            _usage_error(exc)
        except (KeyboardInterrupt, Terminated) as exc:  # Ctrl-C, or SIGTERM
            from cqn_cli.render.output import message

            message(t("interrupted"))  # every write is one transaction, rolled back
            raise typer.Exit(128 + getattr(exc, "signal", signal.SIGINT)) from None
        except CqnError as exc:
            from cqn_cli.render.output import report_error

            report_error(exc)
            raise typer.Exit(exc.exit_code) from None
        except sqlite3.DatabaseError as exc:
            from cqn_cli.store.db import classify

            root = ctx.find_root().obj
            error = classify(exc, root.path() if isinstance(root, State) else None)
            if error is None:
                raise
            from cqn_cli.render.output import report_error

            report_error(error)
            raise typer.Exit(EXIT_DATABASE) from None


app = typer.Typer(
    cls=CqnGroup,
    help=t("app.help"),
    epilog=t("app.epilog"),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("report", cls=Command, help=t("cmd.report"))(report.report_cmd)
app.command("export", cls=Command, help=t("cmd.export"))(export.export_cmd)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cqn {__version__}")
        raise typer.Exit()


def _lang(value: str | None) -> str | None:
    if value is not None and value not in LANGS:
        raise typer.BadParameter(t("usage.one_of", value=value, choices=", ".join(LANGS)))
    if value is not None:  # now, for what is said before any command runs (cqn --lang en)
        set_lang(value)
    return value


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option("--db", metavar="PATH", dir_okay=False, help=t("opt.db"), show_default=False),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", metavar="vi|en", callback=_lang, is_eager=True, help=t("opt.lang")),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=t("opt.version")),
    ] = False,
) -> None:
    if lang is not None:
        set_lang(lang)
    state(ctx).db_path = db


@app.command("init", cls=Command, help=t("cmd.init"))
def init(ctx: typer.Context) -> None:
    from cqn_cli.render.output import result_line
    from cqn_cli.store.db import schema_version

    st = state(ctx)
    db = st.db(create=True)
    result_line(t("db.initialised", path=st.path(), migrations=len(schema_version(db))))


@app.command("demo", cls=Command, help=t("cmd.demo"))
def demo(
    ctx: typer.Context,
    data: Annotated[Path, typer.Option("--data", help=t("opt.data_dir"))] = Path("sample_data"),
) -> None:
    from cqn_cli import report
    from cqn_cli.cli.imports import print_result
    from cqn_cli.cli.people import print_roster_by_ward
    from cqn_cli.cli.report import emit
    from cqn_cli.demo import SAMPLE_PERIOD, load_sample, sample_files

    files = sample_files(data)  # no sample: said before a database is made
    db = state(ctx).db(create=True)
    for result in load_sample(db, files):
        print_result(result, max_warnings=2)
    # The sample's year, then where its people are on today's ward map.
    emit(report.build(db, SAMPLE_PERIOD), "table", None)
    print_roster_by_ward(db, today())


def _crash_log() -> Path:
    """Write the traceback (frames only: no message, no locals, no data) to a private file."""
    import os
    import tempfile
    import traceback

    exc_type, _, tb = sys.exc_info()
    frames = traceback.format_tb(tb)
    fd, name = tempfile.mkstemp(prefix="cqn-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"cqn {__version__} python {sys.version.split()[0]}\n")
        f.write(f"argv: {' '.join(sys.argv[1:2])} …\n")
        f.write("".join(frames))
        f.write(f"{exc_type.__name__ if exc_type else 'Error'}\n")
    return Path(name)


# What writing the output may meet: its reader gone (``cqn … | head``), or its disk full.
_OUTPUT_ERRORS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _output_failed(exc: OSError) -> NoReturn:
    """Standard output could not be written: said in one line (exit 2, as an ``-o`` file
    that cannot be written); nothing is said when its reader has gone (exit 1, as Typer
    does when that happens during a command)."""
    import os

    # Nothing more goes to it, not even Python's last flush at exit.
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if exc.errno == errno.EPIPE:
        sys.exit(1)
    sys.stderr.write(t("usage.cannot_write", path=t("stdout"), reason=os_reason(exc)) + "\n")
    sys.exit(EXIT_USAGE)


def main() -> None:
    """Console entry point: the app, plus the last resort for bugs."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        try:
            app()
        finally:  # what is still buffered, now: a full disk is said, not lost at exit
            sys.stdout.flush()
    except (KeyboardInterrupt, Terminated) as exc:  # outside a command: nothing half-written
        sys.stderr.write(t("interrupted") + "\n")
        sys.exit(128 + getattr(exc, "signal", signal.SIGINT))
    except Exception as exc:
        if isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRORS:
            _output_failed(exc)
        # A bug: never a traceback for the user.
        path = _crash_log()
        sys.stderr.write(t("crash", kind=type(exc).__name__, path=path) + "\n")
        sys.exit(70)
