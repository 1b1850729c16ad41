"""Benchmarks: each measurement beside its baseline, in the same run. Not a test.

    make bench            # or: .venv/bin/python bench/run.py [--rows N]

Prints a table (rows/s, ms, ratio to the baseline) and writes it to bench/results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from gen_roster import generate  # noqa: E402


def _bin(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name) or name


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def cqn_import(db: Path, files: list[Path], *extra: str) -> None:
    run([_bin("cqn"), "--db", str(db), "import", "roster", *map(str, files), *extra])


def fresh_db(work: Path, name: str) -> Path:
    db = work / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    run([_bin("cqn"), "--db", str(db), "init"])
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    data = HERE / "data"
    data.mkdir(exist_ok=True)
    big = data / f"roster-{args.rows}.csv"
    if not big.exists():
        generate(big, args.rows)
    sample = sorted((REPO / "sample_data" / "roster").iterdir())
    sample_rows = 1512
    results: list[tuple[str, float, int, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = fresh_db(work, "sample.db")
        t = timed(lambda: cqn_import(db, sample, "--as-of", "2019-12-31"))
        results.append(
            ("cqn import roster: the 10 sample files (process included)", t, sample_rows, "")
        )

        peer = work / "peer.db"
        t_peer = timed(
            lambda: run(
                [
                    _bin("sqlite-utils"),
                    "insert",
                    str(peer),
                    "roster",
                    str(big),
                    "--csv",
                    "--pk",
                    "Số CCCD",
                    "--no-detect-types",
                ]
            )
        )
        results.append(
            (
                "baseline: sqlite-utils insert --csv --pk --no-detect-types",
                t_peer,
                args.rows,
                "1.00×",
            )
        )
        db = fresh_db(work, "big.db")
        t = timed(lambda: cqn_import(db, [big], "--as-of", "2019-12-31"))
        results.append(
            (
                f"cqn import roster: {args.rows:,} rows, first import",
                t,
                args.rows,
                f"{t_peer / t:.2f}×",
            )
        )
        t2 = timed(lambda: cqn_import(db, [big], "--as-of", "2019-12-31", "--force"))
        results.append(
            (
                f"cqn import roster: {args.rows:,} rows, all unchanged (--force)",
                t2,
                args.rows,
                f"{t / t2:.2f}× first",
            )
        )
        t3 = timed(lambda: cqn_import(db, [big], "--as-of", "2019-12-31"))
        results.append(
            (
                "cqn import roster: byte-identical file (no-op)",
                t3,
                args.rows,
                f"{t / t3:.2f}× first",
            )
        )

    lines = [
        f"# Benchmark results — {dt.date.today().isoformat()}",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        "",
        "| measurement | ms | rows/s | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, seconds, rows, ratio in results:
        lines.append(f"| {name} | {seconds * 1000:,.0f} | {rows / seconds:,.0f} | {ratio} |")
    text = "\n".join(lines) + "\n"
    print(text)
    (HERE / "results.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
