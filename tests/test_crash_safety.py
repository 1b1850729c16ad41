"""An import killed at any moment (SIGKILL, real processes) leaves the database as it was
before the import or as the finished import leaves it: never anything in between.

The kill moments are spread over the whole run, measured first: while Python starts, while
the rows are checked, while the transaction's pages go to the WAL, after the commit while
the process closes the database. Besides the kills at random moments, two kinds are aimed:
at the first WAL frame (pages being written, nothing committed) and right after the commit
becomes visible to a reader (committed, not yet checkpointed, process still alive).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SAMPLE

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL"
)

SEED = 20190430
NEW_PEOPLE = 3000
UPDATED_PEOPLE = 100  # rows of the prepared roster sent again with another address and phone
TIME_KILLS = 16  # one at a random moment in each sixteenth of the measured duration
PROCESS_TIMEOUT = 60  # no process of this test may outlive this, whatever happens
PRIOR_ROSTER = SAMPLE / "roster" / "01-tam-thuan.csv"
# Columns that legitimately differ between two runs of the same import: wall-clock times
# (created_at, updated_at, imported_at, the audit session's started_at…) and a new
# person's random uid. Nothing else.
VOLATILE = re.compile(r"(^|_)at$|^uid$")

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Minh", "Quốc", "Thanh", "Đức", "Hữu", "Ngọc", "Bá", "Công"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Lâm", "Nam", "Phúc", "Sơn"]
WARDS = ["Phường Thanh Khê Tây", "Phường Xuân Hà", "Phường An Khê", "Phường Hòa Khê"]
HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Phường",
    "Tổ dân phố",
    "Địa chỉ",
    "Điện thoại",
    "Ghi chú",
]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CQN_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    env["COLUMNS"] = "200"
    return env


def _cqn(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "cqn_cli", "--db", str(db), "--lang", "en", *args]


def _run(tmp_path: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _cqn(db, *args),
        env=_env(tmp_path),
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
    )


def _big_roster(path: Path) -> Path:
    """Deterministic: NEW_PEOPLE new people, and UPDATED_PEOPLE already held, changed."""
    rng = random.Random(SEED)
    with PRIOR_ROSTER.open(encoding="utf-8-sig", newline="") as f:
        prior = list(csv.DictReader(f))
    held = {r["Số CCCD"] for r in prior}
    rows = [
        [
            r["Họ và tên"],
            r["Ngày sinh"],
            r["Giới tính"],
            r["Số CCCD"],
            r["Phường"],
            r["Tổ dân phố"],
            f"{rng.randint(1, 999)} Đường Mới",
            f"0905{rng.randint(0, 999_999):06d}",
            "địa chỉ mới",
        ]
        for r in prior[:UPDATED_PEOPLE]
    ]
    for i in range(NEW_PEOPLE):
        year = rng.randint(1940, 1999)
        male = rng.random() < 0.8
        national_id = f"048{0 if male else 1}{year % 100:02d}{900_000 + i:06d}"
        assert national_id not in held
        name = (
            f"{FAMILY[i % 11]} {MIDDLE[i // 11 % 9]} {GIVEN[i // 99 % 11]} {GIVEN[i // 1089 % 11]}"
        )
        rows.append(
            [
                name,
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
                "Nam" if male else "Nữ",
                national_id,
                WARDS[i % len(WARDS)],
                f"Tổ {rng.randint(1, 40)}",
                f"{rng.randint(1, 500)} Hà Huy Tập",
                f"09{rng.randint(0, 99_999_999):08d}",
                "",
            ]
        )
    rng.shuffle(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


State = dict[str, tuple[int, str]]


def _logical_state(db: Path) -> State:
    """Row count and digest of every row of every user table (volatile columns left out),
    and the schema. Opening the file recovers its WAL, as any next command would."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        schema = conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        state: State = {
            "(schema)": (len(schema), hashlib.sha256(repr(schema).encode()).hexdigest())
        }
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND substr(name, 1, 7) != 'sqlite_' ORDER BY name"
            )
        ]
        for table in tables:
            columns = [
                r[1]
                for r in conn.execute(f'PRAGMA table_info("{table}")')
                if not VOLATILE.search(r[1])
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            order = ", ".join(str(i + 1) for i in range(len(columns)))
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(f'SELECT {listed} FROM "{table}" ORDER BY {order}'):
                digest.update(repr(row).encode())
                count += 1
            state[table] = (count, digest.hexdigest())
        return state
    finally:
        conn.close()


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def _differences(state: State, other: State) -> list[str]:
    return [
        f"{t}: {state.get(t, (None,))[0]} rows vs {other.get(t, (None,))[0]}"
        for t in sorted(set(state) | set(other))
        if state.get(t) != other.get(t)
    ]


def _wal_size(db: Path) -> int:
    try:
        return os.path.getsize(f"{db}-wal")
    except OSError:
        return -1


@dataclass
class Kill:
    index: int
    aim: str  # "time" (a delay), "first-frame" (WAL being written), "committed" (visible)
    delay: float  # seconds after start when the signal went (or was due)
    killed: bool  # False if the import had already finished
    wal_at_kill: int  # WAL size just before the signal: > 32 means pages were being written
    returncode: int
    outcome: str  # "before" or "after"
    db: Path
    saved: Path  # the files as the kill left them, untouched, for the re-run


@dataclass
class Prepared:
    db: Path
    roster: Path
    as_of: str
    before: State
    after: State
    duration: float
    log_rows_before: int


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    """A database holding one ward's roster, a 3,100-row roster for it, and both states."""
    tmp = tmp_path_factory.mktemp("crash")
    db = tmp / "prepared.db"
    as_of = dt.date.today().isoformat()  # fixed once: every run is the same import
    for args in (("init",), ("import", "roster", str(PRIOR_ROSTER))):
        done = _run(tmp, db, *args)
        assert done.returncode == 0, done.stderr
    assert not Path(f"{db}-wal").exists()  # closed cleanly: the one file is the whole state
    roster = _big_roster(tmp / "big-roster.csv")

    snapshot = tmp / "before" / "cqn.db"
    snapshot.parent.mkdir()
    shutil.copy(db, snapshot)
    before = _logical_state(snapshot)

    # The import run to completion twice, on two copies: the same state both times (the
    # digest leaves out exactly what differs between runs), and the shorter of the two
    # durations is the one the kills are spread over.
    durations, afters = [], []
    for run in ("after", "after-again"):
        reference = tmp / run / "cqn.db"
        reference.parent.mkdir()
        shutil.copy(db, reference)
        start = time.monotonic()
        done = _run(tmp, reference, "import", "roster", str(roster), "--as-of", as_of)
        durations.append(time.monotonic() - start)
        assert done.returncode == 0, done.stderr
        afters.append(_logical_state(reference))
    after = afters[0]
    assert afters[1] == after, _differences(afters[1], after)
    conn = sqlite3.connect(reference)
    try:  # it both inserted and updated
        log = conn.execute("SELECT inserted, updated FROM import_log ORDER BY id DESC").fetchone()
    finally:
        conn.close()
    assert log == (NEW_PEOPLE, UPDATED_PEOPLE)
    assert after["person"][0] == before["person"][0] + NEW_PEOPLE
    assert after["import_log"][0] == before["import_log"][0] + 1
    assert before != after
    return Prepared(db, roster, as_of, before, after, min(durations), before["import_log"][0])


def _kill_once(prepared: Prepared, workdir: Path, index: int, aim: str, delay: float) -> Kill:
    workdir.mkdir()
    db = workdir / "cqn.db"
    shutil.copy(prepared.db, db)
    with (workdir / "out.txt").open("w") as out, (workdir / "err.txt").open("w") as err:
        start = time.monotonic()
        proc = subprocess.Popen(
            _cqn(db, "import", "roster", str(prepared.roster), "--as-of", prepared.as_of),
            env=_env(workdir),
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
    reader = None
    try:
        deadline = start + PROCESS_TIMEOUT
        if aim == "time":
            time.sleep(max(0.0, start + delay - time.monotonic()))
        elif aim == "first-frame":
            while proc.poll() is None and _wal_size(db) <= 32 and time.monotonic() < deadline:
                time.sleep(0.0002)
            time.sleep(delay)
        else:  # "committed": a reader sees the import's log row, the process still runs
            reader = sqlite3.connect(db, isolation_level=None, timeout=0)
            while proc.poll() is None and time.monotonic() < deadline:
                try:
                    rows = reader.execute("SELECT count(*) FROM import_log").fetchone()[0]
                except sqlite3.OperationalError:  # busy for a moment (recovery, checkpoint)
                    rows = prepared.log_rows_before
                if rows > prepared.log_rows_before:
                    break
                time.sleep(0.0002)
        wal = _wal_size(db)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        sent = time.monotonic() - start
        returncode = proc.wait(timeout=PROCESS_TIMEOUT)
        # Not killed if it had finished, or was already exiting when the signal went.
        killed = returncode == -signal.SIGKILL
        # The files exactly as the kill left them (WAL, shm, holder note), copied before any
        # connection of ours closes (closing the last one would checkpoint the WAL): one copy
        # to inspect, one for the re-run. Each is opened first by a fresh process/connection.
        for copy in ("inspect", "saved"):
            (workdir / copy).mkdir()
            for leftover in workdir.glob("cqn.db*"):
                shutil.copy(leftover, workdir / copy / leftover.name)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if reader is not None:
            reader.close()
    db, saved = workdir / "inspect" / "cqn.db", workdir / "saved"

    integrity = _integrity(db)
    assert integrity == "ok", f"kill {index} ({aim}, {sent:.3f} s): integrity_check: {integrity}"
    state = _logical_state(db)
    if state == prepared.before:
        outcome = "before"
    elif state == prepared.after:
        outcome = "after"
    else:
        pytest.fail(
            f"kill {index} ({aim}, {sent:.3f} s after start, WAL {wal} bytes) left a state"
            " that is neither before nor after the import: before → "
            f"{_differences(state, prepared.before)}; after → "
            f"{_differences(state, prepared.after)}"
        )
    if not killed:  # finished first: it must have finished well
        assert returncode == 0, (workdir / "err.txt").read_text()
        assert outcome == "after"
    return Kill(index, aim, sent, killed, wal, returncode, outcome, db, saved)


def test_import_killed_at_any_moment_leaves_before_or_after(
    prepared: Prepared, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    d = prepared.duration
    plan: list[tuple[str, float]] = [("time", 0.0)]  # before Python has even started
    # One random moment in each slice of the measured duration, the last slice included.
    plan += [("time", d * (i + rng.random()) / TIME_KILLS) for i in range(TIME_KILLS)]
    plan += [("time", d * f) for f in (0.95, 0.98, 1.0)]  # near the end
    # Aimed: while the transaction's pages are going to the WAL, 0 to 2 ms into it …
    plan += [("first-frame", s) for s in (0.0, 0.0, 0.001, 0.002)]
    # … and just after the commit, while the process still closes the database.
    plan += [("committed", 0.0)] * 2

    kills = [
        _kill_once(prepared, tmp_path / f"kill{i:02d}", i, aim, delay)
        for i, (aim, delay) in enumerate(plan)
    ]

    landed = [k for k in kills if k.killed]
    summary = (
        f"import alone: {d:.3f} s; {len(kills)} runs, {len(landed)} killed"
        f" ({len(kills) - len(landed)} had finished); killed before any page was written:"
        f" {sum(k.outcome == 'before' and k.wal_at_kill <= 32 for k in landed)}, while pages"
        f" were being written: {sum(k.outcome == 'before' and k.wal_at_kill > 32 for k in landed)},"
        f" after the commit: {sum(k.outcome == 'after' for k in landed)}\n"
        + "\n".join(
            f"  #{k.index:02d} {k.aim:<11} {k.delay:6.3f} s  WAL {k.wal_at_kill:>8}"
            f"  rc {k.returncode:>3}  {k.outcome}"
            for k in kills
        )
    )
    print(summary)
    assert len(kills) >= 20
    # Kills landed on both sides of the commit (every state was already checked to be one
    # of the two), and some while nothing at all had been written.
    assert any(k.outcome == "before" and k.wal_at_kill <= 32 for k in landed), summary
    assert any(k.outcome == "before" for k in landed if k.aim == "first-frame"), summary
    assert any(k.outcome == "after" for k in landed), summary
    # The kills at random moments landed over the run, not all bunched at its start.
    timed = sorted(k.delay for k in landed if k.aim == "time")
    assert timed[0] < d * 0.1 and timed[-1] > d * 0.5, summary

    # Running the import again on what a kill left gives the finished import's state:
    # after a kill before anything was written, while pages were being written, after commit.
    chosen = {
        "nothing written": next(
            (k for k in landed if k.outcome == "before" and k.wal_at_kill <= 32), None
        ),
        "pages written": next(
            (k for k in landed if k.outcome == "before" and k.wal_at_kill > 32), None
        ),
        "committed": next((k for k in landed if k.outcome == "after"), None),
    }
    for label, kill in chosen.items():
        if kill is None:
            continue
        again = kill.saved / "cqn.db"
        done = _run(
            kill.saved, again, "import", "roster", str(prepared.roster), "--as-of", prepared.as_of
        )
        assert done.returncode == 0, (label, done.stderr)
        assert "Traceback" not in done.stderr
        assert _integrity(again) == "ok", label
        assert _logical_state(again) == prepared.after, (
            label,
            _differences(_logical_state(again), prepared.after),
        )


def test_an_import_stopped_by_sigterm_says_so_and_writes_nothing(
    prepared: Prepared, tmp_path: Path
) -> None:
    """SIGTERM (a cron timeout, systemd) stops an import as Ctrl-C does: one line, exit
    128 + the signal, the transaction rolled back and the holder note taken away."""
    db = tmp_path / "cqn.db"
    shutil.copy(prepared.db, db)
    proc = subprocess.Popen(
        _cqn(db, "import", "roster", str(prepared.roster), "--as-of", prepared.as_of),
        env=_env(tmp_path),
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(prepared.duration * 0.4)  # under way, well before its end
    if proc.poll() is not None:
        pytest.skip("the import finished before it could be stopped")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=PROCESS_TIMEOUT)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert err.strip().splitlines()[-1:] == ["Interrupted; nothing half-written."], (out, err)
    assert "Traceback" not in err
    assert not Path(f"{db}-holder").exists()
    assert _integrity(db) == "ok"
    assert _logical_state(db) == prepared.before
