"""A roster row imported again that would change nothing is known by its digest and not
parsed (``RosterLoader._unchanged``). Each test runs the same steps twice, on two
databases: the ordinary way (the fast path switched off) and with it, and requires the
same outcome: counts, warnings, refusals and every person's data."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database

from conftest import spelled, write_csv
from cqn_cli.errors import ImportRefused
from cqn_cli.ingest.engine import ImportOptions, importer
from cqn_cli.ingest.roster import RosterLoader, edit_person
from cqn_cli.privacy import erase
from cqn_cli.store.db import open_db, write

HEADER = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường,Cấp bậc,Điện thoại,Ngày đăng ký\n"
ROWS = [
    "Nguyễn Thanh Nhân,16/05/1975,Nam,048075048089,Tam Thuận,Binh nhất,0906741853,",
    "Nguyễn Minh Phúc,10/04/1962,Nam,048062325446,Tam Thuận,Thượng sĩ,,",
    "Trần Thị Lan,02/03/1965,Nữ,048165000123,Xuân Hà,,0905111222,15/01/2019",
    "Lê Văn Tám,1950,Nam,,Xuân Hà,Trung úy,,",  # no citizen id: matched by name, always parsed
    "Phạm Văn Hùng,05/06/1970,Nam,048070111222,Thanh Khê Tây,Đại úy,,",
]
TODAY = dt.date(2026, 11, 25)

Step = Callable[[Database, Path], Any]


def roster(tmp: Path, name: str, rows: list[str]) -> Path:
    return write_csv(tmp / name, HEADER + "\n".join(rows) + "\n")


def imported(
    name: str, rows: list[str], *, as_of: str = "2024-01-01", today: dt.date = TODAY, **opts: Any
) -> Step:
    """A step: import these rows (``--force``); its counts and warnings, or its refusal."""

    def step(db: Database, tmp: Path) -> Any:
        path = roster(tmp, name, rows)
        options = ImportOptions(as_of=dt.date.fromisoformat(as_of), today=today, force=True, **opts)
        try:
            result = importer("roster")(db, path, options)
        except ImportRefused as refused:
            return ("refused", [(p.line, p.column, p.key) for p in refused.problems])
        c = result.counts
        return (
            (c.rows, c.inserted, c.updated, c.unchanged, c.rejected),
            [(w.line, w.key) for w in result.warnings],
        )

    return step


def outcome(tmp: Path, steps: list[Step]) -> tuple[list[Any], list[tuple[Any, ...]]]:
    tmp.mkdir()
    db = open_db(tmp / "cqn.db", create=True)
    try:
        results = [step(db, tmp) for step in steps]
        columns = [
            r[1]
            for r in db.execute("PRAGMA table_info(person)").fetchall()
            if r[1] not in ("created_at", "updated_at", "uid", "roster_digest")
        ]
        people = db.execute(f"SELECT {', '.join(columns)} FROM person ORDER BY id").fetchall()
        return results, people
    finally:
        db.close()


class Parses:
    """How many rows the roster loader parsed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        parse = RosterLoader.parse

        def counting(loader: RosterLoader, line: int, cells: Any) -> Any:
            self.count += 1
            return parse(loader, line, cells)

        monkeypatch.setattr(RosterLoader, "parse", counting)


def both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, steps: list[Step]
) -> tuple[list[Any], int]:
    """The steps' outcome, the same with the fast path and without; and how many rows the
    fast way parsed."""
    with monkeypatch.context() as m:
        m.setattr(RosterLoader, "_unchanged", lambda *_: False)
        ordinary = outcome(tmp_path / "ordinary", steps)
    parses = Parses(monkeypatch)
    fast = outcome(tmp_path / "fast", steps)
    assert fast == ordinary
    return fast[0], parses.count


def test_the_same_roster_again_is_not_parsed_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results, parsed = both_ways(
        tmp_path, monkeypatch, [imported("a.csv", ROWS), imported("a.csv", ROWS)]
    )
    assert results[1] == ((5, 0, 0, 5, 0), [])
    # First import: five rows; again: only the one without a citizen id.
    assert parsed == 5 + 1


def test_nothing_is_written_when_nothing_changes(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    db = open_db(tmp_path / "cqn.db", create=True)
    imported("a.csv", ROWS)(db, tmp_path)
    people = db.execute("SELECT * FROM person ORDER BY id").fetchall()
    audit = db.execute("SELECT count(*) FROM audit").fetchone()
    assert imported("a.csv", ROWS)(db, tmp_path)[0] == (5, 0, 0, 5, 0)
    assert db.execute("SELECT * FROM person ORDER BY id").fetchall() == people
    assert db.execute("SELECT count(*) FROM audit").fetchone() == audit
    digests = db.execute("SELECT national_id IS NULL, roster_digest FROM person").fetchall()
    assert all((digest is None) == no_id for no_id, digest in digests)


def test_a_person_changed_since_is_set_back_by_the_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def edit(db: Database, tmp: Path) -> Any:
        pk = db.execute("SELECT id FROM person WHERE national_id = '048062325446'").fetchone()[0]
        return edit_person(db, pk, {"rank": "Đại tá"}, today=TODAY)[0]

    results, parsed = both_ways(
        tmp_path,
        monkeypatch,
        [imported("a.csv", ROWS), edit, imported("a.csv", ROWS)],
    )
    assert results[1] is True
    assert results[2] == ((5, 0, 1, 4, 0), [])  # the rank typed in goes back to the file's
    assert parsed == 5 + 2  # the edited person and the one without a citizen id


def test_an_erased_person_is_not_taken_as_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forget(db: Database, tmp: Path) -> Any:
        pk = db.execute("SELECT id FROM person WHERE national_id = '048165000123'").fetchone()[0]
        with write(db):
            erase(db, pk, TODAY)
        return db.execute("SELECT roster_digest FROM person WHERE id = ?", [pk]).fetchone()

    results, _ = both_ways(
        tmp_path, monkeypatch, [imported("a.csv", ROWS), forget, imported("a.csv", ROWS)]
    )
    assert results[1] == (None,)


def test_changed_and_repeated_rows_go_the_ordinary_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = [ROWS[0].replace("Binh nhất", "Hạ sĩ"), *ROWS[1:], ROWS[1]]
    results, _ = both_ways(
        tmp_path,
        monkeypatch,
        [
            imported("a.csv", ROWS),
            imported("b.csv", changed),
            imported("b.csv", changed, skip_bad=True),
            imported("b.csv", changed, skip_bad=True),
        ],
    )
    assert results[1][0] == "refused"
    assert (7, 4, "row.cccd_duplicate_in_file") in results[1][1]
    assert results[2][0] == (6, 0, 1, 4, 1)
    assert results[3][0] == (6, 0, 0, 5, 1)  # the repeated row is refused again, not skipped


def test_a_row_with_a_warning_warns_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    padded = [ROWS[0].replace("048075048089", "48075048089"), *ROWS[1:]]
    results, parsed = both_ways(
        tmp_path, monkeypatch, [imported("a.csv", padded), imported("a.csv", padded)]
    )
    assert results[0][1] == results[1][1] == [(2, "warn.cccd_padded")]
    assert parsed == 5 + 2


def test_another_reading_of_the_file_goes_the_ordinary_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another ward for blank cells, or a date on the other side of a ward merge (1 July
    2025): the same cells may mean something else. Dates between the same merges read
    every ward alike (``--as-of`` left to default is today, every day)."""
    results, parsed = both_ways(
        tmp_path,
        monkeypatch,
        [
            imported("a.csv", ROWS),
            imported("a.csv", ROWS, as_of="2019-12-31"),
            imported("a.csv", ROWS, as_of="2025-08-01"),
            imported("a.csv", ROWS, as_of="2026-03-01"),
            imported("a.csv", ROWS, as_of="2026-03-01", ward="Xuân Hà"),
            imported("a.csv", ROWS, as_of="2026-03-01", ward="Xuân Hà"),
        ],
    )
    assert [r[0] for r in results[1:]] == [(5, 0, 0, 5, 0)] * 5
    assert parsed == 5 + 1 + 5 + 1 + 5 + 1


def test_a_day_before_the_digest_goes_the_ordinary_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A date of the row lies ahead of an earlier today: that is said, not skipped."""
    earlier = dt.date(2018, 6, 1)
    results, _ = both_ways(
        tmp_path,
        monkeypatch,
        [imported("a.csv", ROWS), imported("a.csv", ROWS, as_of="2018-01-01", today=earlier)],
    )
    assert results[1][0] == "refused"
    assert (4, 8, "date.future") in results[1][1]


cell = st.one_of(
    st.text(alphabet=st.sampled_from("a\x1d\x1e\x1f,;\"' 0[]"), max_size=4),
    st.integers(-3, 3),
    st.floats(allow_nan=False, width=16),
    st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2019, 1, 3)),
    st.none(),
)


@given(st.lists(cell, max_size=4), st.lists(cell, max_size=4))
def test_two_rows_have_one_digest_only_when_they_are_the_same_cells(
    a: list[Any], b: list[Any]
) -> None:
    loader = object.__new__(RosterLoader)
    loader._context = hashlib.blake2b(b"context", digest_size=16)
    same = [(type(x), str(x)) for x in a] == [(type(y), str(y)) for y in b]  # -0.0 is not 0.0
    assert (loader._digest(a) == loader._digest(b)) == same


def many(count: int) -> list[str]:
    """``count`` people, each with a citizen id that agrees with their birth and gender."""
    return [
        f"Người {spelled(i)},01/01/19{40 + i % 50},Nam,0480{40 + i % 50}{100000 + i},Tam Thuận,,,"
        for i in range(count)
    ]


def test_a_roster_again_reads_its_digests_ahead_in_the_order_of_the_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once two people asked for are one id apart, the next ones' digests are read at
    once: 30 rows imported again in their first order ask for each of the people by
    their number only once in five (four read ahead), in reverse order every time."""
    from cqn_cli import people

    monkeypatch.setattr(people, "DIGESTS_AHEAD", 4)
    rows = many(30)
    tmp_path.mkdir(exist_ok=True)
    db = open_db(tmp_path / "cqn.db", create=True)
    asked: list[str] = []
    try:
        assert imported("a.csv", rows)(db, tmp_path)[0] == (30, 30, 0, 0, 0)
        db.conn.set_trace_callback(asked.append)
        parses = Parses(monkeypatch)
        for again, one_by_one in ((rows, 6), (rows[::-1], 30)):
            asked.clear()
            assert imported("b.csv", again)(db, tmp_path)[0] == (30, 0, 0, 30, 0)
            assert parses.count == 0  # each known by its digest, read ahead or not
            asked_by_number = [q for q in asked if "digest FROM person WHERE national_id" in q]
            assert len(asked_by_number) == one_by_one
    finally:
        db.close()


@pytest.mark.parametrize("order", ["first", "reversed"])
def test_rows_changed_among_unchanged_ones_read_ahead_or_not_are_taken_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    """Rows changed among unchanged ones, written three at a time, in the order of the
    ids and in reverse, digests read ahead four at a time: the same outcome and the same
    people as with every row taken the ordinary way."""
    from cqn_cli import people
    from cqn_cli.ingest import roster as roster_module

    monkeypatch.setattr(people, "DIGESTS_AHEAD", 4)
    monkeypatch.setattr(roster_module, "BATCH", 3)
    rows = many(20)

    def phoned(phone: str) -> list[str]:  # a third of the people's phone numbers changed
        return [r.replace(",,,", f",{phone},,") if i % 3 == 1 else r for i, r in enumerate(rows)]

    def ordered(rows: list[str], first: bool) -> list[str]:
        return rows if first else rows[::-1]

    steps = [
        imported("a.csv", rows),
        imported("b.csv", ordered(phoned("0905000111"), order == "first")),
        imported("b.csv", ordered(phoned("0905000111"), order == "first")),
        imported("c.csv", ordered(phoned("0905000222"), order != "first")),
    ]
    results, _ = both_ways(tmp_path, monkeypatch, steps)
    assert [r[0] for r in results] == [
        (20, 20, 0, 0, 0),
        (20, 0, 7, 13, 0),
        (20, 0, 0, 20, 0),
        (20, 0, 7, 13, 0),
    ]


def test_digests_read_ahead_grow_while_the_file_goes_on_and_are_let_go_when_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``PersonIndex.digest_of`` on its own: people asked in the order of their ids are
    read ahead 2, 4, then 8 at a time; two by two with gaps between, 2 at a time; and
    once a batch is written (``written``) it answers what the database holds then."""
    from cqn_cli import people

    monkeypatch.setattr(people, "DIGESTS_FIRST", 2)
    monkeypatch.setattr(people, "DIGESTS_AHEAD", 8)
    tmp_path.mkdir(exist_ok=True)
    db = open_db(tmp_path / "cqn.db", create=True)
    try:
        assert imported("a.csv", many(40))(db, tmp_path)[0] == (40, 40, 0, 0, 0)
        held = db.execute("SELECT national_id, id, roster_digest FROM person ORDER BY id")
        numbers = {pk: (number, digest) for number, pk, digest in held.fetchall()}
        asked: list[str] = []
        db.conn.set_trace_callback(asked.append)

        def read_ahead(ids: list[int]) -> list[int]:
            """How many each read ahead was asked for, while ``ids`` are asked."""
            index = people.PersonIndex(db)
            asked.clear()
            for pk in ids:
                number, digest = numbers[pk]
                assert index.digest_of(number) == (pk, digest)
            return [int(q.rsplit(" ", 1)[1]) for q in asked if "LIMIT" in q]

        assert read_ahead(list(range(1, 41))) == [2, 4, 8, 8, 8, 8]
        assert read_ahead([1, 2, 10, 11, 20, 21, 30, 31]) == [2, 2, 2, 2]
        assert read_ahead([5, 3, 9, 7]) == []

        index = people.PersonIndex(db)
        first = [numbers[pk][0] for pk in range(1, 6)]
        assert [index.digest_of(n) for n in first[:2]] == [(1, numbers[1][1]), (2, numbers[2][1])]
        db.execute("UPDATE person SET roster_digest = 'changed ' || id")  # as a batch would
        index.written()
        assert [index.digest_of(n) for n in first[2:]] == [
            (pk, f"changed {pk}") for pk in (3, 4, 5)
        ]
    finally:
        db.close()
