"""Progress bars: on a terminal only (rows and rows/s); cron and pipes get nothing."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from itertools import islice, product
from pathlib import Path

import pytest

from conftest import run_in_pty
from cqn_cli.render import progress

FAMILIES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn"
MIDDLES = "Văn Thị Đức Hữu Minh Quốc Thanh Công Đình Xuân Ngọc Bảo Gia Hoài Kim Mạnh Quang"
GIVENS = "An Bình Cường Dũng Giang Hà Hải Hạnh Hiếu Hòa Hùng Huy Khang Khoa Lâm Linh Long Mai"


def _roster(path: Path, rows: int) -> Path:
    """A roster of ``rows`` different people (name and birth date) in one ward."""
    names = product(
        FAMILIES.split(), MIDDLES.split(), GIVENS.split(), ("1960", "1961", "1962", "1963")
    )
    lines = ["Họ và tên,Ngày sinh,Giới tính,Phường"]
    lines += [f"{f} {m} {g},01/01/{year},Nam,Tam Thuận" for f, m, g, year in islice(names, rows)]
    assert len(lines) == rows + 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cqn(*args: str) -> list[str]:
    return [sys.executable, "-m", "cqn_cli", *args]


# ``cqn`` with its bar shown from the first rows, not after ``progress.DELAY`` seconds: what
# is drawn must not depend on how fast this machine imports the file.
_AT_ONCE = (
    "import sys; from cqn_cli.render import progress; progress.DELAY = 0; "
    "from cqn_cli.entry import main; sys.argv[0] = 'cqn'; main()"
)


def _cqn_bar_at_once(*args: str) -> list[str]:
    return [sys.executable, "-c", _AT_ONCE, *args]


def test_only_a_terminal_gets_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    master, slave = pty.openpty()
    try:
        with os.fdopen(os.dup(slave), "w") as terminal:
            monkeypatch.setenv("TERM", "xterm")
            assert progress.on_terminal(terminal)
            monkeypatch.setenv("TERM", "dumb")
            assert not progress.on_terminal(terminal)
    finally:
        os.close(master)
        os.close(slave)
    assert not progress.on_terminal(io.StringIO())
    read, write = os.pipe()
    with os.fdopen(read) as r, os.fdopen(write, "w") as w:
        assert not progress.on_terminal(w)
        assert r is not None


def test_ticks_draw_nothing_off_a_terminal() -> None:
    stream = io.StringIO()
    with progress.RowProgress(stream) as bar:
        for rows in range(0, 50_000, 1000):
            bar.tick("ds.csv", rows)
    with progress.working("…", stream):
        pass
    assert stream.getvalue() == ""


@pytest.fixture
def big_roster(tmp_path: Path) -> Path:
    return _roster(tmp_path / "ds.csv", 20_000)


def test_import_shows_rows_and_rate_on_a_terminal(tmp_path: Path, big_roster: Path) -> None:
    db = tmp_path / "t.db"
    subprocess.run(_cqn("--db", str(db), "init"), check=True, capture_output=True)
    argv = _cqn_bar_at_once("--db", str(db), "import", "roster", str(big_roster))
    code, out, terminal = run_in_pty(argv)
    assert code == 0, terminal
    assert "dòng/giây" in terminal  # the bar: rows and rows per second
    assert str(big_roster) in terminal
    # The result itself is data on stdout, with the count in the Vietnamese style.
    assert "20.000 dòng" in out
    assert "dòng/giây" not in out and "\x1b[" not in out


def test_import_off_a_terminal_prints_no_progress(tmp_path: Path, big_roster: Path) -> None:
    db = tmp_path / "t.db"
    subprocess.run(_cqn("--db", str(db), "init"), check=True, capture_output=True)
    done = subprocess.run(
        _cqn_bar_at_once("--db", str(db), "import", "roster", str(big_roster)),
        capture_output=True,
        text=True,
        env={**os.environ, "TERM": "xterm"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "20.000 dòng" in done.stdout
    for stream in (done.stdout, done.stderr):
        assert "dòng/giây" not in stream
        assert "\x1b[" not in stream  # no cursor movement, no colour
