"""Shared fixtures: a private data directory per test, a fresh database, a CLI runner."""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cqn_cli import i18n
from cqn_cli.cli.app import app

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_data"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test touches the user's data directory, and each starts in Vietnamese."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CQN_DB", raising=False)
    monkeypatch.delenv("CQN_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    i18n.set_lang("vi")
    yield
    i18n.set_lang("vi")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cqn.db"


Run = Callable[..., Any]


@pytest.fixture
def cqn(db_path: Path) -> Run:
    """``cqn("import", "roster", f)`` runs the CLI on the test's database; ``init`` done first."""
    runner = CliRunner()
    first = runner.invoke(app, ["--db", str(db_path), "init"])
    assert first.exit_code == 0, first.output

    def run(*args: str, lang: str | None = None, input: str | None = None) -> Any:
        argv = ["--db", str(db_path)]
        if lang:
            argv += ["--lang", lang]
        result = runner.invoke(app, [*argv, *map(str, args)], input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return run


@pytest.fixture
def query(db_path: Path) -> Callable[..., list[tuple[Any, ...]]]:
    """Read the test database directly (what a command wrote, not what it printed)."""

    def q(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(db_path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    return q


_SPOKEN = ("Không", "Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín")


def spelled(n: int) -> str:
    """A number as words, for names that must differ (a name holds no digit): 12 → "Một Hai"."""
    return " ".join(_SPOKEN[int(d)] for d in str(n))


def write_csv(
    path: Path, text: str, *, encoding: str = "utf-8", bom: bool = False, newline: str = "\n"
) -> Path:
    """Write a CSV as an office program would: chosen encoding, BOM and line ends."""
    body = text.replace("\n", newline)
    if encoding == "cp1258":
        from cqn_cli.text import encode_cp1258

        data = encode_cp1258(body)
    else:
        data = body.encode(encoding)
    if bom:
        data = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe"}[encoding] + data
    path.write_bytes(data)
    return path


def calls_to(
    monkeypatch: pytest.MonkeyPatch, pick: Callable[..., Any], *places: tuple[Any, str]
) -> list[Any]:
    """Each call of the function at each (module or class, name): ``pick(*its arguments)``
    recorded in the list returned, then the function called as ever."""
    seen: list[Any] = []
    for owner, name in places:
        real = getattr(owner, name)

        def recorded(*args: Any, _real: Callable[..., Any] = real, **kwargs: Any) -> Any:
            seen.append(pick(*args))
            return _real(*args, **kwargs)

        monkeypatch.setattr(owner, name, recorded)
    return seen


def killed_at(monkeypatch: pytest.MonkeyPatch, loader: type, line: int) -> None:
    """``loader.prepare_many`` kills the process that runs it (SIGKILL) when given
    ``line``: the second process of a big import, killed by hand or by the system short
    of memory."""
    import signal

    real = loader.prepare_many  # type: ignore[attr-defined]

    def prepare_many(self: Any, rows: list[tuple[int, Any]]) -> Any:
        if any(at == line for at, _ in rows):
            os.kill(os.getpid(), signal.SIGKILL)  # in the child: this is the child
        return real(self, rows)

    monkeypatch.setattr(loader, "prepare_many", prepare_many)


def file_digest(path: Path) -> bytes:
    import hashlib

    return hashlib.sha256(path.read_bytes()).digest()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding ``sample_data/``, loaded once for the whole run: read it, or copy
    it before changing anything."""
    from cqn_cli.demo import load_sample, sample_files
    from cqn_cli.store.db import open_db

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    assert CliRunner().invoke(app, ["--db", str(path), "init"]).exit_code == 0
    db = open_db(path)
    for _ in load_sample(db, sample_files(SAMPLE)):
        pass
    db.close()
    return path


def run_in_pty(argv: list[str]) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal and stdout on a pipe: (exit, stdout, terminal)."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "120"}
    proc = subprocess.Popen(argv, stdin=slave, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    return proc.wait(), out, seen.decode(errors="replace")
