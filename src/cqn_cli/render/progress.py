"""Progress on the terminal for work that takes more than a moment: rows and rows/s.

Shown on stderr, and only when stderr is a terminal that can redraw a line: cron,
pipes and redirections get nothing at all, so logs and report files stay clean.
Nothing appears for work that finishes within ``DELAY`` seconds.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any

from cqn_cli.i18n import fmt_int, t

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

DELAY = 0.5  # seconds of work before a bar appears


def on_terminal(stream: Any = None) -> bool:
    """True if progress may be drawn on ``stream`` (stderr): a terminal, not a dumb one."""
    stream = sys.stderr if stream is None else stream
    try:
        tty = bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
    return tty and os.environ.get("TERM", "") != "dumb"


@contextmanager
def working(what: str, stream: Any = None) -> Iterator[None]:
    """A spinner with ``what`` while the block runs, on a terminal only (e.g. the report)."""
    stream = sys.stderr if stream is None else stream
    if not on_terminal(stream):
        yield
        return
    from rich.console import Console

    with Console(file=stream, highlight=False, emoji=False).status(what):
        yield


class RowProgress:
    """``with RowProgress() as bar: … bar.tick(name, rows)``: one line per file or task,
    with the rows done so far and the rows per second; transient (gone when done)."""

    def __init__(self, stream: Any = None) -> None:
        self._stream = sys.stderr if stream is None else stream
        self._active = on_terminal(self._stream)
        self._started = time.monotonic()
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RowProgress:
        self._started = time.monotonic()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def tick(self, what: str, rows: int) -> None:
        """``rows`` of ``what`` done so far."""
        if not self._active:
            return
        if self._progress is None:
            if time.monotonic() - self._started < DELAY:
                return
            self._progress = self._start()
        task = self._tasks.get(what)
        if task is None:
            task = self._tasks[what] = self._progress.add_task(what, total=None)
        self._progress.update(task, completed=rows)

    def stop(self) -> None:
        """Take the bar away (before printing a result under it)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
            self._tasks.clear()
        self._started = time.monotonic()

    def _start(self) -> Progress:
        from rich.console import Console
        from rich.progress import (
            Progress,
            ProgressColumn,
            SpinnerColumn,
            Task,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.text import Text

        class Counts(ProgressColumn):
            """Rows done and rows per second, in the clerk's number style (2.023 dòng)."""

            def render(self, task: Task) -> Text:
                done, speed = fmt_int(int(task.completed)), fmt_int(int(task.speed or 0))
                return Text(t("progress.rows", rows=done, rate=speed))

        console = Console(file=self._stream, highlight=False, emoji=False)
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            Counts(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        progress.start()
        return progress
