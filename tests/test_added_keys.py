"""Into an empty table, a row that no row before it can be the person or a namesake of
is not looked up (``people.AddedKeys``). For any file of a few people written many ways
(names and their tone placements, partial birth dates, national ids given, padded or
not, wards that are or are not one place on today's map), the import says and writes
the same with the filter as when every row is looked up, in batches of two rows so that
the database answers some lookups and the rows not yet written others."""

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
NAMES = ["Trần Văn Tâm", "Trần Văn Tám", "TRẦN VĂN TÂM", "Lê Văn Hoà", "Lê Văn Hòa"]
BIRTHS = ["", "1950", "03/1950", "12/03/1950", "14/03/1950", "1951"]
NUMBERS = ["", "048050000111", "048050000222", "048051000333", "48050000111"]
# Thạc Gián and Vĩnh Trung are one ward since 2025 (the reference's merges): one place
# on the map of 2025-08-01, two on that of 2024-01-01.
WARDS = ["Xuân Hà", "Tam Thuận", "Thanh Khê Đông", "Vĩnh Trung", "Thạc Gián"]
RANKS = ["", "Binh nhất", "Trung úy"]
TODAYS = [dt.date(2024, 1, 1), dt.date(2025, 8, 1)]

ROW = st.tuples(*(st.sampled_from(v) for v in (NAMES, BIRTHS, NUMBERS, WARDS, RANKS)))


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "cqn.db"
    open_db(path, create=True).close()
    return path


def outcome(empty_db: Path, folder: Path, rows: list[tuple[str, ...]], today: dt.date) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cqn.db"
    shutil.copy(empty_db, path)
    lines = [f"{n},{b},Nam,{c},{w},{r}" for n, b, c, w, r in rows]
    csv = write_csv(folder / "ds.csv", HEADER + "\n".join(lines) + "\n")
    rejects = folder / "rejects.csv"
    options = ImportOptions(
        as_of=dt.date(2019, 12, 31), today=today, skip_bad=True, rejects=rejects
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


def both_ways(empty_db: Path, tmp: Path, rows: list[tuple[str, ...]], today: dt.date) -> Any:
    """What the import says and writes with the filter, the same as when every row is
    looked up (a filter that says "maybe" to every row: each row, sent as the new row it
    would be, looked up as that row says), and as when every row is looked up as it was
    read (no filter at all, no new row made before the lookup)."""
    with_filter = outcome(empty_db, tmp / "filter", rows, today)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(people.AddedKeys, "taken", lambda self, cccd, name_key, birth: True)
        every_row = outcome(empty_db, tmp / "every", rows, today)
    real_start = loader.RosterLoader.start

    def unfiltered(self: loader.RosterLoader, *args: Any) -> None:
        real_start(self, *args)
        self._filters = False

    with pytest.MonkeyPatch.context() as m:
        m.setattr(loader.RosterLoader, "start", unfiltered)
        as_read = outcome(empty_db, tmp / "as-read", rows, today)
    assert with_filter == every_row == as_read
    return with_filter


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(ROW, min_size=1, max_size=10), today=st.sampled_from(TODAYS))
def test_rows_not_looked_up_are_said_and_written_as_if_they_were(
    rows: list[tuple[str, ...]], today: dt.date, empty_db: Path, tmp_path: Path
) -> None:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(loader, "BATCH", 2)
        both_ways(empty_db, tmp_path / str(id(rows)), rows, today)


# Each way a row may be a namesake of one taken before, the filter says "maybe": the
# warning is given (rows: name, birth, national id).
@pytest.mark.parametrize(
    "first, second",
    [
        (("1950", "048050000111"), ("", "048050000222")),  # born when, not said
        (("1950", ""), ("1951", "048051000333")),  # one without a number
        (("1950", "048050000111"), ("03/1950", "048050000222")),  # born that year
        (("", "048050000111"), ("1951", "048051000333")),  # one born when, not said
    ],
    ids=["birth unsaid", "no number", "same year", "birth unsaid before"],
)
def test_a_namesake_of_a_row_taken_before_is_warned_of(
    empty_db: Path, tmp_path: Path, first: tuple[str, str], second: tuple[str, str]
) -> None:
    rows = [("Trần Văn Tâm", *first, "Xuân Hà", ""), ("Trần Văn Tâm", *second, "Xuân Hà", "")]
    (counts, warnings), _, _ = both_ways(empty_db, tmp_path, rows, dt.date(2024, 1, 1))
    assert counts == (2, 2, 0, 0, 0)
    namesakes = [(w[0], w[3]["candidates"]) for w in warnings if w[2] == "warn.possible_duplicate"]
    assert namesakes == [(3, "CQN000001 Trần Văn Tâm")]


@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["next", "skip", "again", "back"]), st.integers(1, 3)),
        max_size=40,
    ),
    first=st.integers(1, 5),
)
def test_the_lines_of_an_empty_tables_people_are_kept_as_set(
    steps: list[tuple[str, int]], first: int
) -> None:
    """``LinesInOrder`` (the line that set each person, into an empty table: ids and
    lines growing together) answers as a plain table of them would, whatever order the
    ids come in: the next id (after rows that added nobody), one skipped, one set again,
    one before."""
    lines = loader.LinesInOrder()
    model: dict[int, int] = {}
    pk, line = first - 1, 1
    for what, n in steps:
        line += n
        if what == "next":
            pk += 1
        elif what == "skip":
            pk += n + 1
        elif what == "back" and pk > n:
            pk -= n
        lines.set(pk, line)
        model[pk] = line
        pk = max(model)
    for probe in range(pk + 3):
        assert lines.get(probe) == model.get(probe), probe


def test_people_added_are_made_held_only_when_asked_for(tmp_path: Path) -> None:
    """``PersonIndex.add_new`` on its own: the people added but not yet written are found
    by their number and their name as the database would find them, but what matching
    needs of one is made only for those asked for (once each); once written, none is
    pending."""
    db = open_db(tmp_path / "cqn.db", create=True)
    try:
        index = people.PersonIndex(db)
        rows = [
            [7, "tran van tam", "048050000111", "1950", "Trần Văn Tâm"],
            [8, "le van hoa", None, "1951", "Lê Văn Hoà"],
            [9, "tran van tam", "048050000222", None, "Trần Văn Tâm"],
        ]
        made: list[int] = []

        def held_of(row: list[Any]) -> people.Held:
            made.append(row[0])
            return people.Held(row[1], row[3], "tk-xuan-ha", row[2], row[4])

        index.add_new(rows, (0, 1, 2), held_of)
        assert made == []
        found = index.holder("048050000222")
        assert found == (
            9,
            people.Held("tran van tam", None, "tk-xuan-ha", "048050000222", "Trần Văn Tâm"),
        )
        assert index.holder("048050000333") is None  # nobody's, written or not
        pk, holder, named = index.lookup("048050000111", "tran van tam")
        assert (pk, [p for p, _ in named]) == (7, [7, 9])
        assert holder is not None and holder.birth == "1950"
        assert index.held(9) is found[1]  # the same one, made once
        assert sorted(made) == [7, 9]  # Lê Văn Hoà never asked for
        index.written()
        assert index.held(7) is None  # let go: asked of the database, which holds nobody here
    finally:
        db.close()
