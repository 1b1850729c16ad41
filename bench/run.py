"""Benchmarks: every target of issue 6 beside its anchor, measured in the same run. Not a test.

    make bench            # or: .venv/bin/python bench/run.py [--quick]

Builds (once, deterministically, into bench/data/) a 100,000-row roster, 500
groups with their members and 2,000,000 attendance marks, and a 1,000,000-row
roster; then times cqn beside sqlite-utils (CLI and library) and plain
``sqlite3.executemany``, the report beside its own SQL run directly, every
``stats`` command, peak memory, and start-up beside a minimal Typer app.
Prints one table and writes it to bench/results.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from gen_activity import generate as generate_activity  # noqa: E402
from gen_roster import generate as generate_roster  # noqa: E402


@dataclass
class Row:
    what: str
    seconds: float
    rows: int | None = None
    ratio: str = ""
    target: str = ""
    met: bool | str | None = None  # a str: each part of a target said apart
    peak_mb: float | None = None
    cpu: float | None = None  # seconds of CPU, user and system, of all its processes


def both(cli: bool, library: bool) -> bool | str:
    """Met, or which half of a "× CLI, × library" target is."""
    if cli == library:
        return cli
    return f"CLI {'yes' if cli else '**no**'}, library {'yes' if library else '**no**'}"


def _bin(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name) or name


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CQN_")}
    env["CQN_LANG"] = "en"
    return env


_PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True,"
    " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
    " u = resource.getrusage(resource.RUSAGE_CHILDREN);"
    " print(u.ru_maxrss, u.ru_utime + u.ru_stime)"
)

# The CPU time of the last measurement (``run``, ``timed``), and the peak resident memory
# of its biggest process (``run``): kept with the fastest run of each by ``best_in_turn``
# (in ``BEST_CPU``, ``BEST_PEAK``). On two cores, no run can take less time than half the
# CPU time it needs.
LAST = {"cpu": 0.0, "peak": 0.0}
BEST_CPU: dict[str, float] = {}
BEST_PEAK: dict[str, float] = {}


def run(cmd: list[str]) -> tuple[float, float]:
    """Run a command to completion: (seconds, peak resident memory in MB). Its CPU time,
    of every process under it that it waited for, is kept as the last (``LAST``)."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, *cmd], check=True, capture_output=True, text=True, env=_env()
    )
    seconds = time.perf_counter() - start
    peak, LAST["cpu"] = map(float, out.stdout.strip().splitlines()[-1].split())
    LAST["peak"] = peak / 1024
    return seconds, LAST["peak"]


def _tree(pid: int) -> list[int]:
    """A process and every process under it."""
    found, todo = [], [pid]
    while todo:
        here = todo.pop()
        found.append(here)
        try:
            for task in os.listdir(f"/proc/{here}/task"):
                with open(f"/proc/{here}/task/{task}/children") as f:
                    todo += [int(child) for child in f.read().split()]
        except OSError:  # gone meanwhile
            pass
    return found


def _pss_kb(pid: int) -> int:
    """A process's proportional set size: its own memory, and its share of what it shares."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0


def run_all_memory(cmd: list[str]) -> tuple[float, float]:
    """``run``, but the peak is of all the command's processes together (an import may
    prepare its rows in a second one): the sum of their proportional set sizes, sampled
    every 20 ms. Where the system does not tell them (no /proc), ``run``."""
    if not Path("/proc/self/smaps_rollup").exists():
        return run(cmd)
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    peak = 0
    while child.poll() is None:
        peak = max(peak, sum(_pss_kb(pid) for pid in _tree(child.pid)))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, cmd)
    return seconds, peak / 1024


def _cpu_here() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def timed(fn: Callable[[], object]) -> float:
    """Seconds ``fn`` takes in this process (its CPU time kept as the last: ``run``)."""
    cpu = _cpu_here()
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    LAST["cpu"], LAST["peak"] = _cpu_here() - cpu, 0.0
    return seconds


# Each import, ours and each peer's, is run this many times, all of them in turn (a busy
# moment of the machine falls on each alike), and the fastest run of each is kept.
IMPORT_ROUNDS = 3
# The attendance imports twice each: their four take more than half of the whole run (the
# sqlite-utils CLI alone 33–63 s a run), and a third round made `make bench` take 11 min
# 38 s where the machine ran slowly (run 24; the issue asks under 10). Their ratio is not
# near its target (3.7×–4.6× the CLI in runs 22–27, where 3× is asked).
MARKS_ROUNDS = 2
# The report and each stats command: the median of this many runs. Of three, a busy
# moment of the machine on two decided: in run 28 `stats attendance --period 2019 --by
# quarter` took 1.21 s and the same tally without `--by quarter` 0.80 s.
SHORT_RUNS = 5


def best_in_turn(rounds: int, *runs: Callable[[int], float]) -> list[float]:
    """Each of ``runs`` (told the round, to write files of its own) once a round, in
    turn: the fastest of each."""
    best = [float("inf")] * len(runs)
    for i in range(rounds):
        for j, measure in enumerate(runs):
            quiet()
            seconds = measure(i)
            if seconds < best[j]:
                best[j] = seconds
                BEST_CPU[measure.__name__] = LAST["cpu"]
                BEST_PEAK[measure.__name__] = LAST["peak"]
    return best


def quiet() -> None:
    """Let what the run before wrote reach the disk first, not during the next run (the
    system writes it back in the background, on one of the two cores: a 100,000-row
    roster import, busy on both, took 7 % longer after another import than alone)."""
    if hasattr(os, "sync"):
        os.sync()


def dropping(db: Path, seconds: float) -> float:
    """``seconds``, once the database a run wrote is gone (room on the disk)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return seconds


def best_of(n: int, cmd: list[str]) -> float:
    """The median of ``n`` runs of a short command (start-up is noisy)."""
    return side_by_side(n, cmd)[0]


def side_by_side(n: int, *cmds: list[str]) -> list[float]:
    """The median of ``n`` runs of each short command, run in turn (start-up is noisy, and
    the machine's load drifts: a comparison takes both under the same load)."""
    times: list[list[float]] = [[] for _ in cmds]
    for _ in range(n):
        for cmd, taken in zip(cmds, times, strict=True):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=_env())
            taken.append(time.perf_counter() - start)
    return [statistics.median(taken) for taken in times]


def cqn(db: Path, *args: str) -> list[str]:
    return [_bin("cqn"), "--db", str(db), *args]


def fresh(work: Path, name: str) -> Path:
    db = work / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    subprocess.run(cqn(db, "init"), check=True, capture_output=True)
    quiet()
    return db


# ---- the peers -------------------------------------------------------------------------


def sqlite_utils_library(db: Path, csv_path: Path, pk: str | None) -> None:
    """The sqlite-utils library's bare insert: one transaction, WAL, no validation."""
    from sqlite_utils import Database

    target = Database(db)
    target.enable_wal()
    with csv_path.open(encoding="utf-8", newline="") as f, target.conn:
        rows = csv.DictReader(f)
        target.table("t").insert_all(rows, pk=pk, batch_size=5000)


def plain_executemany(db: Path, csv_path: Path, keyed: bool) -> None:
    """Python's sqlite3.executemany of the parsed CSV, nothing else."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    with csv_path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        cols = ", ".join(f'"c{i}" TEXT' for i in range(len(header)))
        key = ", PRIMARY KEY (c0, c4)" if keyed else ""
        if keyed and len(header) < 5:
            key = ", PRIMARY KEY (c0)"
        conn.execute(f"CREATE TABLE t ({cols}{key})")
        marks = ", ".join("?" for _ in header)
        with conn:
            conn.executemany(f"INSERT OR IGNORE INTO t VALUES ({marks})", reader)
    conn.close()


def written_alone(db: Path, rows: list[tuple[object, ...]]) -> None:
    """What SQLite alone does of a roster import: its rows, prepared beforehand, written
    by its statements into its database (its pragmas and foreign keys, the person table
    with its indexes, batches of ``rows.BATCH`` with their audit rows, the checks once
    at the end, the audit trigger put back, then the commit and ``ANALYZE``). No
    reading, parsing or identity: the floor that any Python of the import's own comes
    on top of."""
    from cqn_cli.ingest import roster as loader
    from cqn_cli.ingest.rows import BATCH
    from cqn_cli.store import db as store

    target = store.open_db(db)
    conn = target.conn
    store.begin(target, "bench")  # its ward checked as a reference, as the import's is
    store.pages_for_import(target)
    put_back = store.left_out(target, "trigger", "audit_person_insert")
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        with store.checks_left_out(target):
            conn.executemany(loader._INSERT_SQL, batch)
        conn.execute(loader._AUDIT_INSERTS, [batch[0][0], batch[-1][0]])
    assert store.first_broken(target, "person") is None
    if put_back is not None:
        put_back()
    store.commit(target)
    store.optimize(target, loader.RosterLoader.writes)  # as the import does
    target.close()


# The roster import as `cqn` runs it (start-up, the header, a second process that reads
# and checks the rows), but each row dropped where it would be written: what the import's
# reading alone takes, the floor that its writing comes beside (on a second core) or after.
_READ_ALONE = (
    "import sys; from cqn_cli.ingest.roster import RosterLoader;"
    " RosterLoader.take = lambda self, line, prepared: [];"
    " from cqn_cli.entry import main; sys.argv[0] = 'cqn'; main()"
)


def read_alone(db: Path, *args: str) -> list[str]:
    """``cqn(db, *args)`` with the roster's rows read and checked, none taken (see above)."""
    return [sys.executable, "-c", _READ_ALONE, "--db", str(db), *args]


# ---- start-up --------------------------------------------------------------------------

_MINIMAL = """
import typer
app = typer.Typer()
def version(value: bool):
    if value:
        print("0")
        raise typer.Exit()
@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=version, is_eager=True)):
    pass
{commands}
app()
"""


def minimal_app(path: Path, commands: int) -> Path:
    body = "\n".join(
        f"@app.command('c{i}')\ndef c{i}(x: str = typer.Option('', help='x')):\n    print(x)\n"
        for i in range(commands)
    )
    path.write_text(_MINIMAL.format(commands=body), encoding="utf-8")
    return path


def one_ward(roster: Path) -> tuple[str, int]:
    """The ward of the roster's first row, and how many rows name it."""
    with roster.open(encoding="utf-8-sig", newline="") as f:
        rows = csv.DictReader(f)
        wards = [row["Phường"] for row in rows]
    return wards[0], wards.count(wards[0])


def count_commands() -> int:
    """The commands a user can run (the root builds its groups when first asked for)."""
    from typer._click import Context
    from typer.core import TyperGroup
    from typer.main import get_command

    from cqn_cli.cli.app import app

    def leaves(command: object) -> int:
        if not isinstance(command, TyperGroup):
            return 1
        ctx = Context(command)
        return sum(leaves(command.get_command(ctx, n)) for n in command.list_commands(ctx))

    return leaves(get_command(app))


# ---- the report beside its own SQL -----------------------------------------------------


def report_sql(db_path: Path) -> tuple[float, float, int]:
    """(report built in-process, its statements replayed on sqlite3 one after the other,
    statements). The statements are those of the report read on one connection, period
    after period (the two periods side by side would trace only one connection's)."""
    from cqn_cli import report
    from cqn_cli.stats import period_of
    from cqn_cli.store.db import open_db

    db = open_db(db_path)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    report.build(db, period_of("2019"), parallel=False)
    db.conn.set_trace_callback(None)
    built = timed(lambda: report.build(db, period_of("2019")))
    db.close()
    conn = sqlite3.connect(db_path)

    def replay() -> None:
        for sql in statements:
            conn.execute(sql).fetchall()

    replayed = timed(replay)
    conn.close()
    return built, replayed, len(statements)


# ---- the run ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 1,000,000-row roster")
    args = parser.parse_args()
    data = HERE / "data"
    data.mkdir(exist_ok=True)
    print("Preparing data in bench/data/ (once)…", flush=True)
    roster = data / "roster-100000.csv"
    if not roster.exists():
        generate_roster(roster, 100_000)
    files = {n: data / f"{n}.csv" for n in ("groups", "members", "attendance")}
    if not all(p.exists() for p in files.values()):
        files = generate_activity(data)
    small, huge = data / "roster-10000.csv", data / "roster-1000000.csv"
    if not small.exists():
        generate_roster(small, 10_000)
    if not args.quick and not huge.exists():
        generate_roster(huge, 1_000_000)
    marks = sum(1 for _ in files["attendance"].open(encoding="utf-8")) - 1
    # Every `cqn` measured runs as `pip install` leaves a package, byte-compiled, as its
    # peers installed by pip do. (An editable install is not, and with
    # PYTHONDONTWRITEBYTECODE set every run would compile the package again.)
    compiled = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    source = str(REPO / "src" / "cqn_cli")
    subprocess.run([sys.executable, "-m", "compileall", "-q", source], check=True, env=compiled)
    results: list[Row] = []

    def add(row: Row) -> None:
        results.append(row)
        rate = f"{row.rows / row.seconds:,.0f} rows/s" if row.rows else ""
        print(f"  {row.what}: {row.seconds * 1000:,.0f} ms {rate} {row.ratio}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # -- roster, 100,000 rows
        print(f"Roster import, 100,000 rows (best of {IMPORT_ROUNDS}, in turn)", flush=True)

        def roster_cli(i: int) -> float:
            out = work / f"cli-{i}.db"
            cmd = ["insert", str(out), "roster", str(roster), "--csv", "--pk", "Số CCCD"]
            return dropping(out, run([_bin("sqlite-utils"), *cmd, "--no-detect-types"])[0])

        def roster_lib(i: int) -> float:
            out = work / f"lib-{i}.db"
            return dropping(out, timed(lambda: sqlite_utils_library(out, roster, "Số CCCD")))

        def roster_raw(i: int) -> float:
            out = work / f"raw-{i}.db"
            return dropping(out, timed(lambda: plain_executemany(out, roster, keyed=False)))

        importing = ("import", "roster", str(roster), "--as-of", "2019-12-31")

        def roster_cqn(i: int) -> float:
            db = fresh(work, f"roster-{i}.db")
            return run(cqn(db, *importing))[0]

        def roster_again(i: int) -> float:  # into the database of ``roster_cqn(i)``
            db = work / f"roster-{i}.db"
            return dropping(db, run(cqn(db, *importing, "--force"))[0])

        # The rows an import writes, as it writes them (read back from one import).
        from cqn_cli.ingest.roster import _INSERT_COLUMNS, _db

        rows_db = fresh(work, "rows.db")
        run(cqn(rows_db, *importing))
        conn = sqlite3.connect(rows_db)
        names = ", ".join(map(_db, _INSERT_COLUMNS))
        prepared = conn.execute(f"SELECT {names} FROM person ORDER BY id").fetchall()
        conn.close()
        dropping(rows_db, 0)

        def roster_floor(i: int) -> float:
            db = fresh(work, f"floor-{i}.db")
            return dropping(db, timed(lambda: written_alone(db, prepared)))

        def roster_read(i: int) -> float:
            db = fresh(work, f"read-{i}.db")
            seconds = run(read_alone(db, *importing))[0]
            conn = sqlite3.connect(db)  # every row read, none written
            read, written = conn.execute(
                "SELECT (SELECT sum(rows) FROM import_log), (SELECT count(*) FROM person)"
            ).fetchone()
            conn.close()
            assert (read, written) == (100_000, 0), (read, written)
            return dropping(db, seconds)

        runs = (roster_cli, roster_lib, roster_raw, roster_cqn, roster_again, roster_floor)
        t_cli, t_lib, t_raw, t_cqn, t_again, t_floor, t_read = best_in_turn(
            IMPORT_ROUNDS, *runs, roster_read
        )
        prepared.clear()
        cpu = BEST_CPU
        add(
            Row(
                "sqlite-utils insert --csv --pk so_cccd --no-detect-types (CLI)",
                t_cli,
                100_000,
                cpu=cpu["roster_cli"],
            )
        )
        add(
            Row(
                "sqlite-utils library, one transaction, WAL, no validation",
                t_lib,
                100_000,
                cpu=cpu["roster_lib"],
            )
        )
        add(Row("sqlite3.executemany, no parsing", t_raw, 100_000, cpu=cpu["roster_raw"]))
        # On two cores, the import takes at least half its CPU time: 2.5× the CLI's speed
        # asks of it no more CPU than this, all of it on both cores at once.
        most_cpu = 2 * t_cli / 2.5
        add(
            Row(
                "cqn import roster (every check, identity, upsert, audit)",
                t_cqn,
                100_000,
                f"{t_cli / t_cqn:.2f}× CLI, {t_lib / t_cqn:.2f}× library;"
                f" its CPU {cpu['roster_cqn']:.1f} s, where 2.5× the CLI on two cores"
                f" allows at most {most_cpu:.1f} s",
                "≥ 2.5× CLI, ≥ 0.6× library",
                both(t_cli / t_cqn >= 2.5, t_lib / t_cqn >= 0.6),
                cpu=cpu["roster_cqn"],
            )
        )
        add(
            Row(
                "its rows written by SQLite alone (prepared; its statements, no Python a row)",
                t_floor,
                100_000,
                f"{t_cli / t_floor:.2f}× CLI: the most any import into this schema reaches",
                cpu=cpu["roster_floor"],
            )
        )
        add(
            Row(
                "its rows read and checked alone (the import, each row dropped unwritten)",
                t_read,
                100_000,
                f"{t_cli / t_read:.2f}× CLI: the most the import's reading allows",
                cpu=cpu["roster_read"],
            )
        )
        add(
            Row(
                "cqn import roster again, all rows unchanged (--force)",
                t_again,
                100_000,
                f"{t_cqn / t_again:.2f}× faster than first",
                "≥ 2× faster",
                t_cqn / t_again >= 2,
                cpu=cpu["roster_again"],
            )
        )

        # -- attendance, 2,000,000 marks
        print(f"Attendance import, {marks:,} marks (best of {MARKS_ROUNDS}, in turn)", flush=True)
        held = fresh(work, "held.db")  # the people, groups and members the marks name
        for kind in ("roster", "groups", "members"):
            path = roster if kind == "roster" else files[kind]
            subprocess.run(
                cqn(held, "import", kind, str(path), "--as-of", "2019-12-31"),
                check=True,
                capture_output=True,
            )
        big = work / "big.db"

        def attendance_cli(i: int) -> float:
            out = work / f"cli-a-{i}.db"
            cmd = ["insert", str(out), "attendance", str(files["attendance"]), "--csv"]
            return dropping(out, run([_bin("sqlite-utils"), *cmd, "--no-detect-types"])[0])

        def attendance_lib(i: int) -> float:
            out = work / f"lib-a-{i}.db"
            return dropping(
                out, timed(lambda: sqlite_utils_library(out, files["attendance"], None))
            )

        def attendance_raw(i: int) -> float:
            out = work / f"raw-a-{i}.db"
            return dropping(
                out, timed(lambda: plain_executemany(out, files["attendance"], keyed=True))
            )

        def attendance_cqn(i: int) -> float:  # the last round's database is the one kept
            dropping(big, 0)
            source, copy = sqlite3.connect(held), sqlite3.connect(big)
            source.backup(copy)
            source.close()
            copy.close()
            return run(cqn(big, "import", "attendance", str(files["attendance"])))[0]

        t_cli, t_lib, t_raw, t_cqn = best_in_turn(
            MARKS_ROUNDS, attendance_cli, attendance_lib, attendance_raw, attendance_cqn
        )
        add(
            Row(
                "sqlite-utils insert --csv --no-detect-types (CLI)",
                t_cli,
                marks,
                cpu=cpu["attendance_cli"],
            )
        )
        add(Row("sqlite-utils library, one transaction", t_lib, marks, cpu=cpu["attendance_lib"]))
        add(Row("sqlite3.executemany into a keyed table", t_raw, marks, cpu=cpu["attendance_raw"]))
        add(
            Row(
                "cqn import attendance (references resolved, every check)",
                t_cqn,
                marks,
                f"{t_cli / t_cqn:.2f}× CLI, {t_lib / t_cqn:.2f}× library",
                "≥ 3× CLI, ≥ 0.75× library",
                both(t_cli / t_cqn >= 3, t_lib / t_cqn >= 0.75),
                cpu=cpu["attendance_cqn"],
                peak_mb=BEST_PEAK["attendance_cqn"],
            )
        )

        # -- the report and the stats at city scale
        print("Report and stats: 100,000 people, 500 groups, 2,000,000 marks", flush=True)
        # A short command: the median of a few runs (one run alone may meet a cold cache).
        t_report = best_of(SHORT_RUNS, cqn(big, "report", "--period", "2019", "-f", "json"))
        built, replayed, statements = report_sql(big)
        add(
            Row(
                "cqn report --period 2019 (process)",
                t_report,
                None,
                f"{t_report / replayed:.2f}× its {statements} statements run directly",
                "< 2 s, ≤ 3× the SQL",
                t_report < 2 and t_report / replayed <= 3,
            )
        )
        add(Row(f"the report's {statements} statements, replayed on sqlite3 in turn", replayed))
        add(Row("the report built in-process, both periods side by side (no start-up)", built))
        for name, extra in (
            ("gathering", ()),
            ("gathering", ("--by", "group")),
            ("attendance", ("--period", "2019")),
            ("attendance", ("--period", "2019", "--by", "quarter")),
            ("meetings", ("--period", "2019")),
            ("gatherings", ("--period", "2019")),
            ("visits", ("--period", "2019")),
            ("inactive", ()),
            ("profile", ()),
        ):
            t = best_of(SHORT_RUNS, cqn(big, "stats", name, *extra, "-f", "json"))
            label = " ".join(("cqn stats", name, *extra))
            add(Row(label, t, None, "", "< 1 s", t < 1))

        # -- memory: the importer streams
        print("Peak memory of a roster import", flush=True)
        db = fresh(work, "mem-small.db")
        t_small, peak_small = run_all_memory(cqn(db, "import", "roster", str(small)))
        add(Row("cqn import roster, 10,000 rows", t_small, 10_000, peak_mb=peak_small))
        if not args.quick:
            db = fresh(work, "mem-huge.db")
            t_huge, peak_huge = run_all_memory(cqn(db, "import", "roster", str(huge)))
            add(
                Row(
                    "cqn import roster, 1,000,000 rows",
                    t_huge,
                    1_000_000,
                    f"{peak_huge / peak_small:.2f}× the peak of 10,000",
                    "≤ 1.5×",
                    peak_huge / peak_small <= 1.5,
                    peak_huge,
                )
            )

        # -- start-up
        print("Start-up", flush=True)
        n = count_commands()
        minimal = minimal_app(work / "minimal.py", n)
        small_db = fresh(work, "startup.db")
        subprocess.run(
            cqn(small_db, "import", "roster", str(small)), check=True, capture_output=True
        )
        py = sys.executable
        ward, listed = one_ward(small)
        pairs = (
            ("--help", [py, str(minimal), "--help"], cqn(small_db, "--help"), 1.2),
            ("--version", [py, str(minimal), "--version"], [_bin("cqn"), "--version"], 1.2),
            (
                f"person list --ward (a ward: {listed:,} people) vs a no-op command",
                [py, str(minimal), "c0"],
                cqn(small_db, "person", "list", "--ward", ward),
                1.5,
            ),
        )
        for what, base_cmd, cqn_cmd, limit in pairs:
            base, mine = side_by_side(15, base_cmd, cqn_cmd)
            add(Row(f"minimal Typer app ({n} commands) {what.split(' vs ')[-1]}", base))
            add(
                Row(
                    f"cqn {what.split(' vs ')[0]}",
                    mine,
                    None,
                    f"{mine / base:.2f}× the minimal app",
                    f"≤ {limit}×",
                    mine / base <= limit,
                )
            )
        python_pass = best_of(7, [py, "-c", "pass"])
        add(Row("python -c pass", python_pass))

    write(results)


def write(results: list[Row]) -> None:
    lines = [
        f"# Benchmark results — {dt.date.today().isoformat()}",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()},"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}."
        " Every ratio is measured in the same run (`make bench`). Each import at city"
        f" scale, ours and its peers', the fastest of {IMPORT_ROUNDS} runs in turn (of"
        f" the attendance, {MARKS_ROUNDS}), each once what the run before wrote has"
        " reached the disk (`sync`); the"
        " memory imports, and the report replayed or built in-process, one run each; the"
        f" `cqn report` and `cqn stats` commands the median of {SHORT_RUNS} runs, start-up"
        " of 15 (in turn with the minimal app's). Peak MB: of the roster's memory imports, all of"
        " an import's processes together, the sum of their proportional set sizes,"
        " sampled every 20 ms; of the attendance import, the peak resident size of its"
        " biggest process (the one that writes). CPU s: the CPU"
        " time of the run kept (user and system, every process of it; on two cores a run"
        " takes at least half of it). `cqn` runs"
        " byte-compiled, as `pip install` leaves a package (and its peers).",
        "",
        "| measurement | ms | rows/s | CPU s | peak MB | ratio | target | met |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- | :---: |",
    ]
    for r in results:
        rate = f"{r.rows / r.seconds:,.0f}" if r.rows else ""
        peak = f"{r.peak_mb:,.0f}" if r.peak_mb else ""
        cpu = f"{r.cpu:.2f}" if r.cpu is not None else ""
        if isinstance(r.met, str):
            met = r.met
        else:
            met = "" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(
            f"| {r.what} | {r.seconds * 1000:,.0f} | {rate} | {cpu} | {peak} | {r.ratio}"
            f" | {r.target} | {met} |"
        )
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    (HERE / "results.md").write_text(text, encoding="utf-8")
    (HERE / "data" / "results.json").write_text(
        json.dumps([r.__dict__ for r in results], indent=2), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
