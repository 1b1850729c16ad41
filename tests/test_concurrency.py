"""Several cqn processes on one database file at once (real processes, no TTY).

Two writers and a reader run together: a large roster import, a loop of small writes
(meeting record, group add, person add) and a loop of reports. Every process exits 0 and
every row sent arrives. Then the busy timeout: a writer that can't get the write lock
waits about $CQN_BUSY_TIMEOUT seconds, then exits 3 with one line on stderr.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import SAMPLE, spelled

SEED = 20191222
NEW_PEOPLE = 3000
HOLDER_PEOPLE = 1500  # enough to hold the write lock for a while
PROCESS_TIMEOUT = 60  # no process of this file may outlive this, whatever happens
MIN_WRITES, MAX_WRITES = 6, 15  # the small-writes loop: at least, and at most
MIN_READS, MAX_READS = 2, 10
PRIOR_ROSTER = SAMPLE / "roster" / "01-tam-thuan.csv"
GROUPS = SAMPLE / "groups.csv"
MEETING_GROUP = "TT-CLB01"
HELD_IDS_SQL = "SELECT national_id FROM person WHERE national_id NOT NULL ORDER BY id"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Minh", "Quốc", "Thanh", "Đức", "Hữu", "Ngọc", "Bá", "Công"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Lâm", "Nam", "Phúc", "Sơn"]
WARDS = ["Phường Thanh Khê Tây", "Phường Xuân Hà", "Phường An Khê", "Phường Hòa Khê"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CQN_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    env["COLUMNS"] = "200"
    env.update(extra)
    return env


def _cqn(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "cqn_cli", "--db", str(db), "--lang", "en", *args]


def _run(tmp_path: Path, db: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _cqn(db, *args),
        env=_env(tmp_path, **env),
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
    )


def _start(tmp_path: Path, db: Path, name: str, *args: str) -> subprocess.Popen[bytes]:
    """A process whose output goes to files (a pipe nobody reads could block it)."""
    with (tmp_path / f"{name}.out").open("w") as out, (tmp_path / f"{name}.err").open("w") as err:
        return subprocess.Popen(
            _cqn(db, *args),
            env=_env(tmp_path),
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )


def _roster(path: Path, count: int, first_serial: int) -> set[str]:
    """Write ``count`` new people (deterministic); return their national ids."""
    rng = random.Random(SEED + first_serial)
    ids: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Phường", "Địa chỉ"])
        for i in range(count):
            year = rng.randint(1940, 1999)
            male = rng.random() < 0.8
            national_id = f"048{0 if male else 1}{year % 100:02d}{first_serial + i:06d}"
            ids.add(national_id)
            writer.writerow(
                [
                    f"{FAMILY[i % 11]} {MIDDLE[i // 11 % 9]} {GIVEN[i // 99 % 11]}"
                    f" {GIVEN[i // 1089 % 11]}",
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
                    "Nam" if male else "Nữ",
                    national_id,
                    WARDS[i % len(WARDS)],
                    f"{rng.randint(1, 500)} Hà Huy Tập",
                ]
            )
    assert len(ids) == count
    return ids


def _query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the groups and one ward's roster (158 people), made once."""
    tmp = tmp_path_factory.mktemp("template")
    db = tmp / "cqn.db"
    for args in (
        ("init",),
        ("import", "groups", str(GROUPS)),
        ("import", "roster", str(PRIOR_ROSTER)),
    ):
        done = _run(tmp, db, *args)
        assert done.returncode == 0, done.stderr
    assert not Path(f"{db}-wal").exists()  # closed cleanly: the one file is the whole state
    return db


@pytest.fixture
def prepared(template: Path, tmp_path: Path) -> Path:
    """A copy of the template for one test."""
    db = tmp_path / "cqn.db"
    shutil.copy(template, db)
    return db


@dataclass
class Sent:
    """What the small-writes loop asked for, to compare with what arrived."""

    meetings: dict[str, list[str]] = field(default_factory=dict)  # code → national ids present
    groups: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)


def _small_write(i: int, held_ids: list[str], sent: Sent) -> tuple[str, ...]:
    """The i-th command of the small-writes loop: a meeting, a group or a person, in turn."""
    if i % 3 == 0:
        code = f"CONC-{i:02d}"
        present = [held_ids[(2 * i) % len(held_ids)], held_ids[(2 * i + 1) % len(held_ids)]]
        sent.meetings[code] = present
        marks = [a for n in present for a in ("--present", n)]
        return ("meeting", "record", MEETING_GROUP, "--on", "15/06/2019", "--kind", "other",
                "--code", code, *marks)  # fmt: skip
    if i % 3 == 1:
        code = f"XH-CONC{i:02d}"
        sent.groups.append(code)
        return ("group", "add", code, "--name", f"CLB thử {i}", "--kind", "CLB",
                "--ward", "Xuân Hà", "--founded", "01/01/2019")  # fmt: skip
    name = f"Tạ Văn Đồng Thời {spelled(i)}"
    sent.people.append(name)
    return ("person", "add", "--full-name", name, "--ward", "Xuân Hà", "--birth-date", "1960")


def test_two_writers_and_a_reader_at_once(prepared: Path, tmp_path: Path) -> None:
    db = prepared
    roster = tmp_path / "big-roster.csv"
    new_ids = _roster(roster, NEW_PEOPLE, 800_000)
    people_before = _query(db, "SELECT count(*) FROM person")[0][0]
    groups_before = _query(db, "SELECT count(*) FROM groups")[0][0]
    held_ids = [str(r[0]) for r in _query(db, HELD_IDS_SQL)]
    sent = Sent()
    ran: dict[str, tuple[int, float, float]] = {}  # output name → exit code, start, end

    # The import, and beside it one small write and one report at a time, each loop
    # starting its next command as soon as the previous one ends while the import runs.
    t0 = time.monotonic()
    running = {"import": (_start(tmp_path, db, "import", "import", "roster", str(roster)), t0)}
    writes = reads = 0
    deadline = t0 + PROCESS_TIMEOUT
    try:
        while True:
            for name, (proc, began) in list(running.items()):
                if proc.poll() is not None:
                    ran[name] = (proc.returncode, began - t0, time.monotonic() - t0)
                    del running[name]
            import_running = "import" in running
            busy = {name.rstrip("0123456789") for name in running}
            if (
                "write" not in busy
                and writes < MAX_WRITES
                and (import_running or writes < MIN_WRITES)
            ):
                name = f"write{writes:02d}"
                args = _small_write(writes, held_ids, sent)
                running[name] = (_start(tmp_path, db, name, *args), time.monotonic())
                writes += 1
            if (
                "read" not in busy
                and reads < MAX_READS
                and (import_running or "write" in busy or reads < MIN_READS)
            ):
                name = f"read{reads:02d}"
                args = (
                    ("report", "--period", "2019", "-f", "json")
                    if reads % 2 == 0
                    else ("stats", "gathering", "-f", "json")
                )
                running[name] = (_start(tmp_path, db, name, *args), time.monotonic())
                reads += 1
            if not running:
                break
            assert time.monotonic() < deadline, f"still running: {sorted(running)}"
            time.sleep(0.005)
    finally:
        for proc, _ in running.values():
            proc.kill()
            proc.wait()

    def output(name: str, suffix: str) -> str:
        return (tmp_path / f"{name}.{suffix}").read_text(encoding="utf-8")

    assert len(ran) == 1 + writes + reads
    for name, (code, _, _) in ran.items():
        assert code == 0, (name, output(name, "err"))
        assert "Traceback" not in output(name, "err"), name
    _, import_start, import_end = ran["import"]
    beside = [
        name for name, (_, began, ended) in ran.items()
        if name != "import" and began < import_end and ended > import_start
    ]  # fmt: skip
    print(
        f"import {import_end - import_start:.2f} s; {writes} small writes, {reads} reads;"
        f" running while the import ran: {', '.join(beside)}"
    )
    # The first write and the first read started with the import (by construction).
    assert {"write00", "read00"} <= set(beside), beside
    for i in range(reads):  # a report read while others write is still whole JSON
        assert isinstance(json.loads(output(f"read{i:02d}", "out")), dict)

    # Every row sent arrived.
    assert _query(db, "PRAGMA integrity_check") == [("ok",)]
    assert _query(db, "SELECT count(*) FROM person")[0][0] == (
        people_before + NEW_PEOPLE + len(sent.people)
    )
    ids = {r[0] for r in _query(db, HELD_IDS_SQL)}
    assert ids == set(held_ids) | new_ids
    assert _query(db, "SELECT kind, rows, inserted FROM import_log ORDER BY id") == [
        ("groups", 50, 50),
        ("roster", 158, 158),
        ("roster", NEW_PEOPLE, NEW_PEOPLE),
    ]
    added = [r[0] for r in _query(db, "SELECT full_name FROM person WHERE full_name LIKE 'Tạ %'")]
    assert sorted(added) == sorted(sent.people)
    assert _query(db, "SELECT count(*) FROM groups")[0][0] == groups_before + len(sent.groups)
    codes_held = {r[0] for r in _query(db, "SELECT code FROM groups WHERE code LIKE 'XH-CONC%'")}
    assert codes_held == set(sent.groups)
    marks = _query(
        db,
        "SELECT m.code, p.national_id FROM meeting m JOIN attendance a ON a.meeting_id = m.id"
        " JOIN person p ON p.id = a.person_id WHERE a.status = 'present'",
    )
    arrived: dict[str, list[str]] = {}
    for code, national_id in marks:
        arrived.setdefault(str(code), []).append(str(national_id))
    assert {c: sorted(v) for c, v in arrived.items()} == {
        c: sorted(v) for c, v in sent.meetings.items()
    }


def _one_line_locked(result: subprocess.CompletedProcess[str], db: Path) -> str:
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(db) in lines[0]
    return lines[0]


def test_writer_waits_the_busy_timeout_then_exits_3(prepared: Path, tmp_path: Path) -> None:
    """The write lock held by another connection: the command waits, then says so."""
    db = prepared
    people_before = _query(db, "SELECT count(*) FROM person")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        start = time.monotonic()
        result = _run(
            tmp_path, db, "person", "add", "--full-name", "Lê Văn Chờ", "--ward", "Xuân Hà",
            CQN_BUSY_TIMEOUT="1",
        )  # fmt: skip
        elapsed = time.monotonic() - start
    finally:
        holder.rollback()
        holder.close()
    line = _one_line_locked(result, db)
    assert "held" in line, line
    assert elapsed >= 0.8, f"gave up after {elapsed:.2f} s: it did not wait"
    assert result.stdout == ""
    assert _query(db, "SELECT count(*) FROM person") == people_before
    # The holder here is not a cqn command: there is no one to name.


def _holds_write_lock(db: Path) -> bool:
    probe = sqlite3.connect(db, isolation_level=None, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc) or "busy" in str(exc), exc
        return True
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGSTOP/SIGCONT")
def test_writer_blocked_by_a_cqn_import_exits_3_and_the_import_still_completes(
    template: Path, prepared: Path, tmp_path: Path
) -> None:
    """A cqn import holds the write lock (stopped mid-transaction with SIGSTOP): another
    cqn write gives up after the timeout with exit 3; the import, resumed, completes."""
    roster = tmp_path / "holder-roster.csv"
    _roster(roster, HOLDER_PEOPLE, 700_000)
    db, holder = prepared, None
    for attempt in range(3):  # the import might commit between the probe and the stop
        if attempt:  # a fresh copy of the template
            db = tmp_path / f"retry{attempt}.db"
            shutil.copy(template, db)
        people_before = _query(db, "SELECT count(*) FROM person")[0][0]
        holder = _start(tmp_path, db, "holder", "import", "roster", str(roster))
        deadline = time.monotonic() + PROCESS_TIMEOUT
        stopped = False
        while not stopped and holder.poll() is None and time.monotonic() < deadline:
            # Holding the lock, and past leaving its note (a few microseconds later).
            if _holds_write_lock(db) and Path(f"{db}-holder").exists():
                holder.send_signal(signal.SIGSTOP)
                stopped = True
            else:
                time.sleep(0.002)
        if stopped and _holds_write_lock(db):
            break  # stopped while holding the lock
        holder.send_signal(signal.SIGCONT)
        assert holder.wait(timeout=PROCESS_TIMEOUT) == 0, (tmp_path / "holder.err").read_text()
        holder = None
    assert holder is not None, "the import never held the write lock long enough to stop it"
    try:
        start = time.monotonic()
        result = _run(
            tmp_path, db, "group", "add", "XH-CHO", "--name", "CLB chờ", "--kind", "CLB",
            "--ward", "Xuân Hà", CQN_BUSY_TIMEOUT="1",
        )  # fmt: skip
        elapsed = time.monotonic() - start
    finally:
        holder.send_signal(signal.SIGCONT)
        try:
            holder_code = holder.wait(timeout=PROCESS_TIMEOUT)
        finally:
            if holder.poll() is None:
                holder.kill()
                holder.wait()
    line = _one_line_locked(result, db)
    assert elapsed >= 0.8, f"gave up after {elapsed:.2f} s: it did not wait"
    # The message says who holds the database: the holding command and its process.
    assert "'cqn import roster holder-roster.csv'" in line, line
    assert str(holder.pid) in line, line
    assert holder_code == 0, (tmp_path / "holder.err").read_text()
    assert _query(db, "SELECT count(*) FROM person")[0][0] == people_before + HOLDER_PEOPLE
    assert _query(db, "SELECT count(*) FROM groups WHERE code = 'XH-CHO'") == [(0,)]
