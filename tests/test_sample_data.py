"""The committed sample data is what the generator makes, and the demo loads all of it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO, SAMPLE, Run


def _files(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != "README.md"
    )


def test_generator_reproduces_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_sample_data.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    committed = _files(SAMPLE)
    assert _files(tmp_path) == committed
    assert len(committed) == 41  # 10 rosters, groups, 10 × members, attendance, visits
    for name in committed:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_demo_loads_every_sample_file_once(cqn: Run, query) -> None:  # type: ignore[no-untyped-def]
    first = cqn("demo", "--data", SAMPLE)
    assert first.exit_code == 0, first.output
    # Every file imported once, logged with its hash, nothing rejected.
    assert query("SELECT kind, count(*) FROM import_log GROUP BY kind ORDER BY kind") == [
        ("attendance", 10),
        ("groups", 1),
        ("members", 10),
        ("roster", 10),
        ("visits", 10),
    ]
    assert query("SELECT sum(rejected) FROM import_log") == [(0,)]
    per_ward = dict(query("SELECT ward_id, count(*) FROM person GROUP BY ward_id"))
    assert len(per_ward) == 10 and all(w.startswith("tk-") for w in per_ward)
    inserted = dict(query("SELECT kind, sum(inserted) FROM import_log GROUP BY kind"))
    assert inserted["roster"] == sum(per_ward.values())
    assert inserted["groups"] == query("SELECT count(*) FROM groups")[0][0] == 50
    assert inserted["members"] == query("SELECT count(*) FROM membership")[0][0]
    assert inserted["attendance"] == query("SELECT count(*) FROM attendance")[0][0]
    assert inserted["visits"] == query("SELECT count(*) FROM visit")[0][0]
    # The printed table rolls the 2019 wards up onto today's map: Thanh Khê and An Khê.
    assert "Phường Thanh Khê" in first.stdout and "20305" in first.stdout
    tables = ("person", "groups", "membership", "meeting", "attendance", "visit")
    before = {t: query(f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
    again = cqn("demo", "--data", SAMPLE)
    assert again.exit_code == 0
    assert query("SELECT count(*) FROM import_log") == [(41,)]
    assert {t: query(f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables} == before


def test_sample_meeting_figures_agree_with_an_independent_count(cqn: Run, query) -> None:  # type: ignore[no-untyped-def]
    """The tallies of `meeting list` against a count made here in Python from the tables."""
    assert cqn("demo", "--data", SAMPLE).exit_code == 0
    doc = json.loads(cqn("meeting", "list", "-f", "json").stdout)
    people = {
        pk: (reg, status, since)
        for pk, reg, status, since in query(
            "SELECT id, registered_on, status, status_since FROM person"
        )
    }

    def on_roster(pk: int, day: str) -> bool:
        reg, status, since = people[pk]
        gone = status in ("moved_out", "deceased") and since <= day
        return (reg is None or reg <= day) and not gone

    memberships = query("SELECT person_id, group_id, joined_on, left_on FROM membership")
    marks: dict[int, dict[int, str]] = {}
    for mid, pid, status in query("SELECT meeting_id, person_id, status FROM attendance"):
        marks.setdefault(mid, {})[pid] = status
    expected_total = present_total = guests_total = 0
    for mid, gid, day in query("SELECT id, group_id, date FROM meeting"):
        expected = {
            pid
            for pid, g, joined, left in memberships
            if g == gid and joined <= day and (left is None or left > day) and on_roster(pid, day)
        }
        got = marks.get(mid, {})
        expected_total += len(expected)
        present_total += sum(1 for p in expected if got.get(p) == "present")
        guests_total += sum(1 for p in got if p not in expected)  # any mark of another
    assert doc["total"]["expected"] == expected_total
    assert doc["total"]["present"] == present_total
    assert doc["total"]["guests"] == guests_total
    assert doc["total"]["meetings"] == 350


def test_every_sample_file_forced_in_again_changes_nothing(cqn: Run, query) -> None:  # type: ignore[no-untyped-def]
    assert cqn("demo", "--data", SAMPLE).exit_code == 0
    tables = ("person", "groups", "membership", "meeting", "attendance", "visit")
    before = {t: query(f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
    for kind, path in [
        ("roster", SAMPLE / "roster" / "05-tan-chinh.xlsx"),
        ("groups", SAMPLE / "groups.csv"),
        ("members", SAMPLE / "members" / "03-thanh-khe-dong.csv"),
        ("members", SAMPLE / "members" / "05-tan-chinh.xlsx"),
        ("attendance", SAMPLE / "attendance" / "08-thac-gian.csv"),
        ("visits", SAMPLE / "visits" / "04-xuan-ha.csv"),
    ]:
        r = cqn("import", kind, path, "--as-of", "2019-12-31", "--force")
        assert r.exit_code == 0, r.output
        assert "thêm 0, cập nhật 0," in r.stdout, (path, r.stdout)
    assert {t: query(f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables} == before


def test_demo_without_the_sample_makes_no_database(tmp_path: Path) -> None:
    """Run outside the source checkout: a missing input (exit 2), said before a database
    is made, so nothing is left behind."""
    from typer.testing import CliRunner

    from cqn_cli.cli.app import app

    db = tmp_path / "demo.db"
    r = CliRunner().invoke(app, ["--db", str(db), "demo", "--data", str(tmp_path / "none")])
    assert r.exit_code == 2
    assert "sample" in r.stderr or "mẫu" in r.stderr
    assert not db.exists()
