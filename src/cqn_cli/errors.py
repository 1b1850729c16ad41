"""The exception family: each carries its exit code and a message key of the catalogue.

Ground floor. Library code raises these and never prints or exits; the CLI's
error boundary turns them into one line on stderr and the exit code of SPEC §6.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_DATABASE = 3


class CqnError(Exception):
    """A failure the user can act on. ``key`` names a message in the catalogue."""

    exit_code = EXIT_DATA

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class DataError(CqnError):
    """The data was refused; nothing was written (exit 1)."""


class NotFound(DataError):
    """A person, group, ward… named on the command line does not exist (exit 1)."""


class UsageError(CqnError):
    """The command line was wrong (exit 2)."""

    exit_code = EXIT_USAGE


class DatabaseError(CqnError):
    """The database can't be used: locked, corrupt, newer schema (exit 3)."""

    exit_code = EXIT_DATABASE


class Stopped(CqnError):
    """A process of the command was stopped from outside (killed by hand, or by the
    system short of memory); nothing was written. Exits as a shell reports a command
    killed by that signal: 128 and its number."""

    def __init__(self, key: str, signal: int, **params: Any) -> None:
        super().__init__(key, signal=signal, **params)
        self.exit_code = 128 + signal if signal > 0 else EXIT_DATA


class FieldProblem(Exception):
    """A value that a parser refuses: ``key`` and ``params`` describe the reason."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class RowProblem:
    """One refused value of an input file: where it is and why."""

    line: int
    column: int | None  # 1-based column number in the file, None for the whole row
    header: str | None  # the header as written in the file
    value: str | None  # the value as written (already masked where personal)
    key: str  # reason, a catalogue key
    params: dict[str, Any] = field(default_factory=dict)


class ImportRefused(DataError):
    """An import refused because of bad rows; ``problems`` lists every one."""

    def __init__(self, path: str, problems: list[RowProblem], *, rows: bool = False) -> None:
        # ``rows``: refused for its rows, counted (a row with three bad cells is one bad
        # row); else for what it is (its header, its format, bytes that do not read).
        if rows:
            super().__init__("import.refused", path=path, count=len({p.line for p in problems}))
        else:
            super().__init__("import.file_refused", path=path)
        self.path = path
        self.problems = problems
        self.rejects_path: str | None = None  # ``--rejects`` written all the same

    def named(self, path: str) -> None:
        """Said of the file as the user named it (a copy of it was read)."""
        self.path = self.params["path"] = path


class OptionsRefused(DataError):
    """Values given as command options refused; ``problems`` name the options.

    A value that does not parse (a bad date in an option) is a wrong command
    line, exit 2; a good value that the data refuses (a person already held)
    is exit 1.
    """

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("options.refused", count=len(problems))
        self.problems = problems
        if all(p.key.startswith(("date.", "value.")) for p in problems):
            self.exit_code = EXIT_USAGE
