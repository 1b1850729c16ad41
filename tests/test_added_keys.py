"""Into an empty table, a row that no row before it can be the person or a namesake of
is not looked up (``people.AddedKeys``). For any file of a few people written many ways
(names, partial birth dates, national ids given or not, wards of one place or another),
the import says and writes the same with the filter as with one that says "maybe" to
every row (8 bits: every row looked up), in batches of two rows so that the database
answers some lookups and the rows not yet written others."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write_csv
from cqn_cli import people
from cqn_cli.ingest import roster as loader
from cqn_cli.ingest.engine import ImportOptions, importer
from cqn_cli.store.db import open_db

HEADER = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường,Cấp bậc\n"
NAMES = ["Trần Văn Tâm", "Trần Văn Tám", "TRẦN VĂN TÂM", "Lê Văn An"]
BIRTHS = ["", "1950", "03/1950", "12/03/1950", "14/03/1950", "1951"]
NUMBERS = ["", "048050000111", "048050000222", "048051000333"]
WARDS = ["Xuân Hà", "Tam Thuận", "Thanh Khê Đông"]
RANKS = ["", "Binh nhất", "Trung úy"]

ROW = st.tuples(*(st.sampled_from(v) for v in (NAMES, BIRTHS, NUMBERS, WARDS, RANKS)))


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "cqn.db"
    open_db(path, create=True).close()
    return path


def outcome(empty_db: Path, folder: Path, rows: list[tuple[str, ...]]) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cqn.db"
    shutil.copy(empty_db, path)
    lines = [f"{n},{b},Nam,{c},{w},{r}" for n, b, c, w, r in rows]
    csv = write_csv(folder / "ds.csv", HEADER + "\n".join(lines) + "\n")
    rejects = folder / "rejects.csv"
    options = ImportOptions(
        as_of=dt.date(2019, 12, 31), today=dt.date(2024, 1, 1), skip_bad=True, rejects=rejects
    )
    db = open_db(path)
    try:
        result = importer("roster")(db, csv, options)
        c = result.counts
        said = (
            (c.rows, c.inserted, c.updated, c.unchanged, c.rejected),
            [(w.line, w.column, w.key, w.params) for w in result.warnings],
        )
        held = db.execute(
            "SELECT id, full_name, birth_date, national_id, ward_id, rank FROM person ORDER BY id"
        ).fetchall()
        refused = rejects.read_text(encoding="utf-8") if rejects.exists() else ""
        return said, held, refused
    finally:
        db.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(ROW, min_size=1, max_size=10))
def test_rows_not_looked_up_are_said_and_written_as_if_they_were(
    rows: list[tuple[str, ...]],
    empty_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(loader, "BATCH", 2)
    found = {}
    for bits in (people.AddedKeys.BITS, 8):
        with monkeypatch.context() as m:
            m.setattr(people.AddedKeys, "BITS", bits)
            m.setattr(people.AddedKeys, "_MASK", bits - 1)
            found[bits] = outcome(empty_db, tmp_path / f"{id(rows)}-{bits}", rows)
    assert found[people.AddedKeys.BITS] == found[8]
