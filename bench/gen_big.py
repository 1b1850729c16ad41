"""A city-scale database for timing the figures: 100,000 people, 500 groups, ~2,000,000 marks.

The people come through `cqn import roster` (the 100,000-row CSV of gen_roster.py);
groups, memberships, meetings and marks are written straight into the tables
(deterministically) — this measures the figures, not the imports.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_roster import generate  # noqa: E402


def build(db_path: Path, people: int = 100_000, groups: int = 500, seed: int = 7) -> None:
    cqn = str(Path(sys.executable).parent / "cqn")
    roster = HERE / "data" / f"roster-{people}.csv"
    roster.parent.mkdir(exist_ok=True)
    if not roster.exists():
        generate(roster, people)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    subprocess.run([cqn, "--db", str(db_path), "init"], check=True, capture_output=True)
    subprocess.run(
        [cqn, "--db", str(db_path), "import", "roster", str(roster), "--as-of", "2019-12-31"],
        check=True,
        capture_output=True,
    )
    rnd = random.Random(seed)
    conn = sqlite3.connect(db_path)
    wards = [r[0] for r in conn.execute("SELECT DISTINCT ward_id FROM person ORDER BY 1")]
    by_ward: dict[str, list[int]] = {}
    for pk, ward in conn.execute("SELECT id, ward_id FROM person"):
        by_ward.setdefault(ward, []).append(pk)
    now = "2019-12-31T00:00:00+00:00"
    group_rows, member_rows, meeting_rows, mark_rows = [], [], [], []
    meeting_id = 0
    for gid in range(1, groups + 1):
        ward = wards[gid % len(wards)]
        kind = "bll" if gid <= len(wards) else "clb"
        founded = f"{rnd.randint(2008, 2017)}-{rnd.randint(1, 12):02d}-01"
        group_rows.append((gid, f"G{gid:04d}", f"Nhóm {gid}", kind, ward, founded, None, now, now))
        pool = by_ward[ward]
        size = len(pool) * 8 // 10 if kind == "bll" else rnd.randint(150, 300)
        members = rnd.sample(pool, min(size, len(pool)))
        for pk in members:
            member_rows.append((pk, gid, founded, None, "Thành viên"))
        day = dt.date(2010, 1, 15)
        while day <= dt.date(2019, 12, 15):
            if day.isoformat() >= founded:
                meeting_id += 1
                kind_m = "quarterly" if kind == "clb" else "review"
                meeting_rows.append(
                    (meeting_id, f"M{meeting_id:06d}", gid, day.isoformat(), kind_m, None)
                )
                for pk in members:
                    r = rnd.random()
                    if r < 0.75:
                        mark_rows.append((meeting_id, pk, "present"))
                    elif r < 0.85:
                        mark_rows.append((meeting_id, pk, "excused"))
            day += dt.timedelta(days=91 if kind == "clb" else 182)
    with conn:
        conn.executemany("INSERT INTO groups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", group_rows)
        conn.executemany(
            "INSERT INTO membership (person_id, group_id, joined_on, left_on, role)"
            " VALUES (?, ?, ?, ?, ?)",
            member_rows,
        )
        conn.executemany("INSERT INTO meeting VALUES (?, ?, ?, ?, ?, ?)", meeting_rows)
        conn.executemany("INSERT INTO attendance VALUES (?, ?, ?)", mark_rows)
    conn.execute("ANALYZE")
    conn.close()
    print(
        f"{people:,} people, {len(group_rows)} groups, {len(member_rows):,} memberships,"
        f" {len(meeting_rows):,} meetings, {len(mark_rows):,} marks"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", type=Path)
    args = parser.parse_args()
    build(args.db)
