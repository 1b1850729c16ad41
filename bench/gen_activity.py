"""Deterministic groups, members and attendance files for the people of gen_roster.py.

    python bench/gen_activity.py OUT_DIR [--people 100000] [--groups 500] [--marks 2000000]

Writes groups.csv (one board per ward, clubs for the rest), members.csv (each club
150–300 members of its ward, each board 40% of its ward) and attendance.csv
(meetings of the clubs every quarter and of the boards twice a year, back from
December 2019, one mark per member, until ``marks`` marks). People are referred to by
their CCCD, as a ward's sign-in sheet exported from Excel would.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_roster import WARDS  # noqa: E402
from gen_roster import generate as generate_roster  # noqa: E402

STATUSES = ["Có mặt"] * 15 + ["Vắng có phép"] * 2 + ["Vắng"] * 3


def generate(
    out: Path, people: int = 100_000, groups: int = 500, marks: int = 2_000_000, seed: int = 11
) -> dict[str, Path]:
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    roster = out / f"roster-{people}.csv"
    if not roster.exists():
        generate_roster(roster, people)
    with roster.open(encoding="utf-8", newline="") as f:
        ids = [row[3] for row in list(csv.reader(f))[1:]]

    def cccd_of(i: int) -> str:
        return ids[i]

    by_ward: dict[str, list[int]] = {}
    for i in range(people):
        by_ward.setdefault(WARDS[i % len(WARDS)], []).append(i)
    plan: list[tuple[str, str, str, list[int], dt.date]] = []  # code, kind, ward, members, founded
    for g in range(groups):
        ward = WARDS[g % len(WARDS)]
        pool = by_ward[ward]
        if g < len(WARDS):
            code, kind, size = f"{g:02d}-BLL", "BLL", len(pool) * 4 // 10
        else:
            code, kind, size = f"{g % len(WARDS):02d}-CLB{g:03d}", "CLB", rnd.randint(150, 300)
        founded = dt.date(rnd.randint(2005, 2009), rnd.randint(1, 12), 1)
        plan.append((code, kind, ward, sorted(rnd.sample(pool, min(size, len(pool)))), founded))

    paths = {name: out / f"{name}.csv" for name in ("groups", "members", "attendance")}
    with paths["groups"].open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Mã nhóm", "Tên nhóm", "Loại", "Phường", "Ngày thành lập"])
        for code, kind, ward, _, founded in plan:
            w.writerow([code, f"{kind} {code}", kind, ward, founded.strftime("%d/%m/%Y")])
    with paths["members"].open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Số CCCD", "Mã nhóm", "Ngày tham gia", "Chức vụ"])
        for code, _, _, members, founded in plan:
            for i in members:
                w.writerow([cccd_of(i), code, founded.strftime("%d/%m/%Y"), "Thành viên"])
    written = 0
    with paths["attendance"].open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Mã cuộc họp", "Ngày", "Loại", "Mã nhóm", "Số CCCD", "Trạng thái"])
        day = dt.date(2019, 12, 15)  # back from the last quarter of 2019, a quarter at a time
        while written < marks:
            for code, kind, _, members, _ in plan:
                if kind == "BLL" and day.month not in (6, 12):
                    continue
                meeting = f"{code}-{day.isoformat()}"
                when = day.strftime("%d/%m/%Y")
                what = "Họp quý" if kind == "CLB" else "Sơ kết"
                for i in members:
                    w.writerow([meeting, when, what, code, cccd_of(i), rnd.choice(STATUSES)])
                written += len(members)
                if written >= marks:
                    break
            day = (day.replace(day=1) - dt.timedelta(days=80)).replace(day=15)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--marks", type=int, default=2_000_000)
    args = parser.parse_args()
    print(generate(args.out, args.people, args.groups, args.marks))
