"""The bad-input corpus (tests/data/bad): every file refused whole, clearly, and harmlessly.

Each row of ``tests/data/bad/MANIFEST.csv`` is one case: a file, the import it
goes through (``cqn import KIND FILE``, with the row's extra options), and where
and why it must be refused. Every case is run against a database that already
holds valid data (the roster, groups, members, attendance and visits of
``tests/data/bad-base``, plus a second "Tam Thuận" ward for the ambiguous-ward
case), through the real console entry point ``cqn_cli.cli.app:main`` with
``--lang en``, and must give:

* exit code 1, nothing on stdout, no "Traceback" anywhere;
* on stderr, a line ``FILE:LINE:COLUMN …`` (``FILE:LINE …`` where the manifest's
  column is empty, ``FILE: …`` where its line is empty too) holding the manifest's
  English fragment of the reason, and the verdict "nothing was written";
* the database file byte-for-byte as it was (see ``settled``).

Two files are made at test time rather than committed: a 10 MB cell and a
100,000-character note spread over 2,000 lines (``GENERATED``).

A case whose ``xfail`` column is filled is a bug the corpus found in the tool; it
is marked ``xfail(strict=True)`` with that text, so that the fix is noticed.
"""

from __future__ import annotations

import csv
import functools
import gc
import hashlib
import shlex
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from conftest import DATA, spelled
from cqn_cli.cli.app import app, main

BAD = DATA / "bad"
BASE = DATA / "bad-base"
MANIFEST = BAD / "MANIFEST.csv"
NOT_CASES = frozenset({"MANIFEST.csv", "README.md"})
KINDS = ("roster", "groups", "members", "attendance", "visits")

# What the tool says when a refused file wrote nothing (i18n "import.refused", English).
NOTHING_WRITTEN = "nothing was written."


@dataclass(frozen=True)
class Case:
    file: str
    kind: str
    options: tuple[str, ...]
    line: int | None  # 1-based line of the file (row of the sheet); None: the whole file
    column: int | None  # 1-based column; None: the row (or the file) as a whole
    fragment: str  # part of the English reason, on the same stderr line as the place
    what: str
    xfail: str  # empty, or the bug that makes this case fail today


def load_manifest() -> list[Case]:
    with MANIFEST.open(encoding="utf-8", newline="") as f:
        return [
            Case(
                file=row["file"],
                kind=row["kind"],
                options=tuple(shlex.split(row["options"])),
                line=int(row["line"]) if row["line"] else None,
                column=int(row["column"]) if row["column"] else None,
                fragment=row["fragment"],
                what=row["what"],
                xfail=row["xfail"],
            )
            for row in csv.DictReader(f)
        ]


CASES = load_manifest()

# ---- the two files made at test time ------------------------------------------------------

TEN_MB = 10 * 1024 * 1024


def ten_mb_field(path: Path) -> Path:
    """A roster whose line 3 holds one 10 MB name (no line break in it)."""
    with path.open("wb") as f:
        f.write(
            "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường,Điện thoại,Đảng viên,Trạng thái,"
            "Ngày trạng thái\nHoàng Văn Phúc,02/09/1956,Nam,,Xuân Hà,0905 123 456,x,,\n".encode()
        )
        f.write(b"A" * TEN_MB)
        f.write(",1950,Nam,,Xuân Hà,,,,\nĐặng Thị Hoa,1962,Nữ,,An Khê,,,,\n".encode())
    return path


def multiline_note(path: Path) -> Path:
    """Visits whose line 3 opens a quoted note of 2,000 lines × 60 characters (> 100,000)."""
    note = "\n".join(f"{i:04d} " + "ghi chú dài " * 5 for i in range(2000))
    path.write_bytes(
        (
            "Mã CQN,Ngày thăm,Lý do,Quà tặng,Mã nhóm,Ghi chú\n"
            "CQN000002,02/02/2019,hoạn nạn,300.000,XH-CLB01,\n"
            f'CQN000005,20/08/2019,hoạn nạn,500.000,,"{note}"\n'
            "CQN000004,21/08/2019,ốm đau,200.000,,\n"
        ).encode()
    )
    return path


GENERATED: dict[str, Callable[[Path], Path]] = {
    "roster-10mb-field.csv": ten_mb_field,
    "visits-200kb-multiline-note.csv": multiline_note,
}

# ---- the database: built once, copied per case, compared settled -------------------------


def settled(db: Path) -> tuple[str, str]:
    """The database as a later process would find it: (SQL dump, SHA-256 of the main file).

    The CLI runs in WAL mode: a write sits in ``-wal`` until a checkpoint, so the
    main file alone proves nothing while a ``-wal`` holds frames. The CLI's
    connection, left to the garbage collector in process, is collected first (as
    process exit would close it, checkpointing its WAL). Then a separate connection
    checkpoints with TRUNCATE (it must not be blocked) and closes; after that no
    ``-wal`` may hold anything, so the main file's bytes are the whole database and
    any committed write, even one that leaves the dump equal, changes its hash.
    """
    gc.collect()
    conn = sqlite3.connect(db)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, "the checkpoint was blocked: a connection still holds the database"
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, f"{wal} still holds frames"
    return dump, hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A database holding valid data of every kind, settled (no ``-wal``).

    While this module runs, what the process held before is frozen out of the
    garbage collector's sight (``gc.freeze``): each ``settled`` then collects only
    what the last command left, in a few milliseconds instead of fifty.
    """
    db = tmp_path_factory.mktemp("bad-input-base") / "cqn.db"
    runner = CliRunner()
    steps = [
        ["init"],
        # A second "Tam Thuận", in force in 2019 too: the ambiguous-ward case names it.
        [
            *("ward", "add", "39999", "Phường Tam Thuận"),
            *("--district", "Huyện Thử Nghiệm", "--from", "01/01/2000"),
        ],
        *(["import", kind, str(BASE / f"{kind}.csv"), "--as-of", "2019-12-31"] for kind in KINDS),
    ]
    for step in steps:
        r = runner.invoke(app, ["--db", str(db), *step])
        assert r.exit_code == 0 and r.exception is None, (step, r.output)
    conn = sqlite3.connect(db)
    try:
        counts = [
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("person", "groups", "membership", "meeting", "attendance", "visit")
        ]
        rejected = conn.execute("SELECT sum(rejected) FROM import_log").fetchone()[0]
    finally:
        conn.close()
    assert counts == [6, 3, 4, 2, 3, 1]
    assert rejected == 0
    settled(db)
    gc.freeze()
    try:
        yield db
    finally:
        gc.unfreeze()


BUILD_COMMAND = typer.main.get_command


@functools.cache
def click_command() -> object:
    return BUILD_COMMAND(app)


def run_main(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """``cqn ARGS`` through the console entry point, in this process; its exit code.

    ``main`` is what the installed ``cqn`` runs: the error boundary, and the crash
    handler that turns a bug into one line, a crash log (kept in ``tmp_path``
    here) and exit 70. Typer builds the Click command tree anew on every call
    (0.1 s); it is built once here and reused, nothing else is changed.
    """
    monkeypatch.setattr(
        typer.main, "get_command", lambda t: click_command() if t is app else BUILD_COMMAND(t)
    )
    monkeypatch.setattr(sys, "argv", ["cqn", *args])
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # Typer sets its own: put it back
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def place_of(path: Path, case: Case) -> str:
    """``FILE:LINE:COLUMN``, ``FILE:LINE`` or ``FILE``: how a message names the place."""
    where = str(path)
    if case.line is not None:
        where += f":{case.line}"
        if case.column is not None:
            where += f":{case.column}"
    return where


def at_place(stderr: str, where: str) -> list[str]:
    """The stderr lines about exactly that place: ``3:1`` is neither ``3:12`` nor ``3``."""
    found = []
    for line in stderr.splitlines():
        if line.startswith(where):
            rest = line[len(where) :]
            if rest.startswith((" ", ": ")):
                found.append(line)
    return found


# ---- the cases ----------------------------------------------------------------------------


def params() -> list[object]:
    return [
        pytest.param(
            case,
            id=case.file,
            marks=[pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else [],
        )
        for case in CASES
    ]


@pytest.mark.parametrize("case", params())
def test_bad_file_is_refused_clearly_and_changes_nothing(
    case: Case,
    base_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    make = GENERATED.get(case.file)
    path = make(tmp_path / case.file) if make else BAD / case.file
    db = tmp_path / "cqn.db"
    shutil.copyfile(base_db, db)
    before = settled(db)
    capfd.readouterr()

    code = run_main(
        tmp_path, monkeypatch, "--db", str(db), "--lang", "en", "import", case.kind, str(path),
        *case.options,
    )  # fmt: skip
    out, err = capfd.readouterr()
    after = settled(db)

    shown = f"{case.what}\n--- exit {code}; stdout:\n{out}--- stderr:\n{err}"
    assert "Traceback" not in out + err, shown
    assert code == 1, shown
    assert out == "", shown
    where = place_of(path, case)
    lines = at_place(err, where)
    assert lines, f"no message at {where}\n{shown}"
    assert any(case.fragment in line for line in lines), (
        f"no message at {where} says {case.fragment!r}\n{shown}"
    )
    assert err.rstrip("\n").endswith(NOTHING_WRITTEN), shown
    assert after[0] == before[0], "the database's content changed"
    assert after[1] == before[1], "the database file changed"


def import_copy(
    base_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    kind: str,
    path: Path,
) -> tuple[int, str]:
    """``cqn --lang en import KIND PATH --as-of 2019-12-31`` on a copy of the base
    database: the exit code and what went to stderr."""
    db = tmp_path / "cqn.db"
    shutil.copyfile(base_db, db)
    capfd.readouterr()
    code = run_main(
        tmp_path, monkeypatch, "--db", str(db), "--lang", "en", "import", kind, str(path),
        "--as-of", "2019-12-31",
    )  # fmt: skip
    return code, capfd.readouterr().err


def test_the_verdict_counts_bad_rows_not_problems(
    base_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """roster-bom-joined-files.csv has one bad row (line 4, the second file's header)."""
    path = BAD / "roster-bom-joined-files.csv"
    code, err = import_copy(base_db, tmp_path, monkeypatch, capfd, "roster", path)
    assert code == 1, err
    assert {line.split(" ")[0] for line in err.splitlines()[:-1]} >= {f"{path}:4:1"}, err
    assert err.splitlines()[-1] == f"{path}: 1 bad row(s); nothing was written.", err


@pytest.mark.parametrize(
    ("kind", "text", "places"),
    [
        (  # a two-digit year, a 5-digit CCCD and a mistyped ward, each at its column
            "roster",
            "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường\n"
            "Ngô Văn Tư,05/05/55,Nam,12345,Tam Thun\n",
            [(2, 2), (2, 4), (2, 5)],
        ),
        (  # a founding day that does not exist beside a ward that does not either
            "groups",
            "Mã nhóm,Tên nhóm,Loại,Phường,Ngày thành lập\n"
            "XH-CLB09,CLB mới,CLB,Xuân Haa,31/02/2019\n",
            [(2, 4), (2, 5)],
        ),
        (  # nobody holds that CCCD; the gift is negative; no such group
            "visits",
            "Số CCCD,Ngày thăm,Lý do,Quà tặng,Mã nhóm\n"
            "048099999999,20/08/2019,ốm đau,-5,XH-CLB99\n",
            [(2, 1), (2, 4), (2, 5)],
        ),
        (  # a mark that is not one, for nobody known, at a group that does not exist
            "attendance",
            "Mã cuộc họp,Ngày,Loại,Mã nhóm,Mã CQN,Trạng thái\n"
            "Q9,10/10/2019,họp quý,XH-CLB99,CQN009999,có lẽ\n",
            [(2, 4), (2, 5), (2, 6)],
        ),
        (  # a cell refused as read (a BOM inside) is not refused again for its digits
            "roster",
            "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường\n"
            "An,1950,Nam,\ufeff048095001234,Xuân Hà\n",
            [(2, 4)],
        ),
        (  # a gender that is none, and a death without its date: the check across fields
            "roster",  # is made on the cells that were read
            "Họ và tên,Phường,Giới tính,Trạng thái\nAn,Xuân Hà,Nữx,từ trần\n",
            [(2, 3), (2, 4)],
        ),
    ],
    ids=["roster", "groups", "visits", "attendance", "roster-once", "roster-across"],
)
def test_every_mistake_of_a_row_is_listed(
    kind: str,
    text: str,
    places: list[tuple[int, int]],
    base_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """A refused cell does not hide the row's other mistakes (the clerk fixes the row
    once, not once per mistake): each is a line of its own at its line and column."""
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    code, err = import_copy(base_db, tmp_path, monkeypatch, capfd, kind, path)
    assert code == 1, err
    said = sorted(line.split(" ")[0] for line in err.splitlines()[:-1])
    assert said == sorted(f"{path}:{line}:{column}" for line, column in places), err
    assert err.splitlines()[-1] == f"{path}: 1 bad row(s); nothing was written.", err


def test_every_bad_row_is_listed_however_many(
    base_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """SPEC §3: the command lists every bad row; 1,500 of them are 1,500 lines."""
    path = tmp_path / "many.csv"
    rows = "".join(f"Người Số {spelled(i)},1/2/55,Xuân Hà\n" for i in range(1500))
    path.write_text("Họ và tên,Ngày sinh,Phường\n" + rows, encoding="utf-8")
    code, err = import_copy(base_db, tmp_path, monkeypatch, capfd, "roster", path)
    lines = err.splitlines()
    assert code == 1
    assert [line.split(" ")[0] for line in lines[:-1]] == [f"{path}:{n}:2" for n in range(2, 1502)]
    assert lines[-1] == f"{path}: 1,500 bad row(s); nothing was written."


# ---- the comparison is not vacuous --------------------------------------------------------

GOOD_VISITS = (
    "Mã CQN,Ngày thăm,Lý do,Quà tặng,Mã nhóm,Ghi chú\nCQN000005,20/08/2019,hoạn nạn,500.000,,\n"
)


def test_settled_sees_a_committed_import(
    base_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The same harness, a good file: the dump and the file hash both move."""
    db = tmp_path / "cqn.db"
    shutil.copyfile(base_db, db)
    before = settled(db)
    good = tmp_path / "visits.csv"
    good.write_text(GOOD_VISITS, encoding="utf-8")
    code = run_main(tmp_path, monkeypatch, "--db", str(db), "import", "visits", str(good))
    assert code == 0, capfd.readouterr()
    after = settled(db)
    assert after[0] != before[0]
    assert after[1] != before[1]


def test_settled_sees_a_write_still_in_the_wal(base_db: Path, tmp_path: Path) -> None:
    """A committed write that sits in ``-wal`` leaves the main file as it was: hashing the
    main file alone would miss it; ``settled`` checkpoints it in first."""
    db = tmp_path / "cqn.db"
    shutil.copyfile(base_db, db)
    before = settled(db)
    writer = sqlite3.connect(db)
    try:
        assert writer.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE person SET notes = 'x' WHERE id = 1")
        writer.commit()
        assert db.with_name(db.name + "-wal").stat().st_size > 0
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before[1]  # main file: no trace
        after = settled(db)  # the writer is still open
    finally:
        writer.close()
    assert after[0] != before[0]
    assert after[1] != before[1]


# ---- the corpus itself --------------------------------------------------------------------


def corpus_files() -> list[str]:
    return sorted(p.name for p in BAD.iterdir() if p.is_file() and p.name not in NOT_CASES)


def test_the_corpus_holds_at_least_40_files() -> None:
    assert len(corpus_files()) >= 40
    assert len(CASES) >= 45


def test_manifest_and_corpus_agree() -> None:
    """Every committed file has exactly one case and every case has its file (or maker)."""
    named = [c.file for c in CASES]
    assert len(named) == len(set(named))
    assert sorted(set(named) - set(GENERATED)) == corpus_files()
    assert set(GENERATED) <= set(named)
    assert not set(GENERATED) & set(corpus_files())
    for c in CASES:
        assert c.kind in KINDS, c
        assert c.fragment, c
        assert c.column is None or c.line is not None, c


def test_every_import_kind_has_cases() -> None:
    per_kind = {kind: sum(c.kind == kind for c in CASES) for kind in KINDS}
    assert min(per_kind.values()) >= 5, per_kind
