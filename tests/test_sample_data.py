"""The committed sample data is what the generator makes, and the demo loads all of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO, SAMPLE, Run


def test_generator_reproduces_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_sample_data.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    committed = sorted(p.name for p in (SAMPLE / "roster").iterdir())
    assert sorted(p.name for p in (tmp_path / "roster").iterdir()) == committed
    for name in committed:
        assert (tmp_path / "roster" / name).read_bytes() == (
            SAMPLE / "roster" / name
        ).read_bytes(), name


def test_demo_loads_every_sample_roster_once(cqn: Run, query) -> None:  # type: ignore[no-untyped-def]
    first = cqn("demo", "--data", SAMPLE)
    assert first.exit_code == 0, first.output
    # Ten files, one per 2019 ward, each imported once and logged with its hash.
    assert query("SELECT count(*), count(DISTINCT sha256) FROM import_log") == [(10, 10)]
    per_ward = dict(query("SELECT ward_id, count(*) FROM person GROUP BY ward_id"))
    assert set(per_ward) == {
        "tk-tam-thuan",
        "tk-thanh-khe-tay",
        "tk-thanh-khe-dong",
        "tk-xuan-ha",
        "tk-tan-chinh",
        "tk-chinh-gian",
        "tk-vinh-trung",
        "tk-thac-gian",
        "tk-an-khe",
        "tk-hoa-khe",
    }
    logged = dict(query("SELECT file_name, inserted FROM import_log"))
    assert sum(logged.values()) == sum(per_ward.values())
    # The printed table rolls the 2019 wards up onto today's map: Thanh Khê and An Khê.
    assert "Phường Thanh Khê" in first.stdout and "20305" in first.stdout
    before = query("SELECT * FROM person ORDER BY id")
    again = cqn("demo", "--data", SAMPLE)
    assert again.exit_code == 0
    assert query("SELECT count(*) FROM import_log") == [(10,)]
    assert query("SELECT * FROM person ORDER BY id") == before
