"""A first roster's rows are prepared a batch at a time, a column at a time, by the
process that reads them (``RosterLoader.prepare_many``, ``RowLoader.parse_many``): for
any batch of rows, good, refused or odd, and whatever earlier batches taught the
columns' remembered answers, each row is prepared as ``prepare`` prepares it alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cqn_cli.ingest import roster
from cqn_cli.ingest.fields import ROSTER, map_header
from cqn_cli.ingest.roster import RosterLoader
from cqn_cli.store import db as store
from cqn_cli.store.db import Database, open_db

HEADER = [
    "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Phường", "Tổ dân phố", "Địa chỉ",
    "Điện thoại", "Ngày nhập ngũ", "Ngày xuất ngũ", "Cấp bậc", "Đơn vị", "Đảng viên",
    "Đoàn viên", "Dự bị động viên", "Hội viên CCB", "Ngày đăng ký", "Trạng thái",
    "Ngày trạng thái", "Ghi chú",
]  # fmt: skip
NAME = ["Trần Văn Tâm", "Lê  Văn Hoà", "Lê Văn Hòa", "", "  ", "Tổng cộng: 3", "=A1", "Trần V?n"]
PARTIAL = ["", "1950", "03/1950", "12/03/1950", "31/02/1950", "50", "1890", "abc"]
GENDER = ["", "Nam", "Nữ", "nu", "x"]
CCCD = ["", "048050000111", "048150000222", "48050000111", "12ab", "0480500001111"]
WARD = ["", "Xuân Hà", "Tam Thuận", "Vĩnh Trung", "Không Có"]
TEXT = ["", "Tổ 5", "=cmd", "-cmd", "-5", "- a", "@x", " +x", "K12/3 Hà Huy Tập", "a\x00b"]
PHONE = ["", "0905123456", "+84 905 123 456", "01683123456", "12", "09o5123456"]
BOOL = ["", "x", "X", "có", "không", "?"]
DAY = ["", "01/01/2019", "15/06/2018", "2019", "32/01/2019"]
STATUS = ["", "đang sinh hoạt", "chuyển đi", "từ trần", "zz"]
NOTES = ["", "ghi chú", "****", "=x"]
COLUMNS = [NAME, PARTIAL, GENDER, CCCD, WARD, TEXT, TEXT, PHONE, PARTIAL, PARTIAL, TEXT, TEXT]
COLUMNS += [BOOL, BOOL, BOOL, BOOL, DAY, STATUS, DAY, NOTES]


def cell(samples: list[str]) -> st.SearchStrategy[str]:
    """Mostly the column's own kind of value (repeated, as a column's are), at times
    anything at all: a byte-order mark, a NUL, spaces, text not in NFC."""
    return st.one_of(st.sampled_from(samples), st.sampled_from(samples), st.text(max_size=5))


ROW = st.tuples(*(cell(samples) for samples in COLUMNS)).map(list)
# Now and then a row a cell short or long, or the header's width.
WIDTH = st.sampled_from([len(HEADER)] * 8 + [len(HEADER) - 1, len(HEADER) + 1])


@st.composite
def batch(draw: st.DrawFn) -> list[list[str]]:
    rows = draw(st.lists(ROW, min_size=1, max_size=12))
    for row in rows:
        width = draw(WIDTH)
        row[:] = row[:width] + [""] * (width - len(row))
    return rows


# A column parsed a cell at a time (one of its cells refused): its empty cells are still
# what an empty cell is (no notes), not what an empty text is parsed to.
NOTES_REFUSED = [[["Trần Văn Tâm"] + [""] * 19, ["Trần Văn Tâm"] + [""] * 18 + ["****"]]]


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "cqn.db"
    open_db(path, create=True).close()
    return path


# A file without the citizen id and ward columns, imported without --ward (every row's
# ward missing: refused), or with it.
SHORT = [i for i, h in enumerate(HEADER) if h not in ("Số CCCD", "Phường")]
LAYOUTS = [(None, "Xuân Hà"), (SHORT, None), (SHORT, "Tam Thuận")]


def started(db: Database, header: list[str], ward: str | None) -> RosterLoader:
    today = dt.date(2025, 8, 1)
    loader = RosterLoader(db, as_of=dt.date(2019, 12, 31), today=today, default_ward=ward)
    loader.start(map_header(header, ROSTER, {}, 1), header, 1)
    return loader


def two_loaders(
    path: Path, columns: list[int] | None = None, ward: str | None = "Xuân Hà"
) -> Iterator[tuple[RosterLoader, RosterLoader]]:
    """Two loaders started alike, of a file of the header's ``columns`` (all if None):
    the same moment stamped on the rows they make."""
    header = HEADER if columns is None else [HEADER[i] for i in columns]
    db = open_db(path)
    store.begin(db)  # what ``start`` changes (a trigger left out) is undone
    try:
        with pytest.MonkeyPatch.context() as m:
            m.setattr(roster, "now_iso", lambda: "2025-08-01T08:00:00+00:00")
            loaders = started(db, header, ward), started(db, header, ward)
        yield loaders
    finally:
        store.rollback(db)
        db.close()


def numbered(batches: list[list[list[str]]]) -> list[list[tuple[int, list[str]]]]:
    line = 1
    out = []
    for rows in batches:
        out.append([(line := line + 1, row) for row in rows])
    return out


# Rows with nothing to say: each someone new (into an empty table), their cells good and
# agreeing (the citizen id's year and sex with the birth date and gender).
GOOD = [
    ["Trần Văn Tâm", "12/03/1950", "Nam", "048050000111", "Xuân Hà", "Tổ 5", "K12/3 Hà Huy Tập",
     "0905123456", "1970", "1975", "Trung sĩ", "", "x", "", "X", "", "01/01/2019", "", "", ""],
    ["Lê Thị Hoa", "1951", "Nữ", "048151000222", "Tam Thuận", "", "", "", "", "", "", "", "",
     "", "", "", "", "đang sinh hoạt", "", "ghi chú"],
    ["Lê Văn Hòa", "03/1950", "", "", "", "", "", "", "03/1970", "1970", "", "", "", "", "",
     "", "", "", "", ""],
]  # fmt: skip
# Good rows; then the first again, a row with something to say (the third's number cut
# short), and the second and third again.
NEW_AND_ODD = [GOOD + GOOD[:1] + [[*GOOD[2][:3], "48050000111", *GOOD[2][4:]]] + GOOD[1:]]

# Batches of rows, each test on its own loaders of the one empty database.
batches_of_rows = given(st.lists(batch(), min_size=1, max_size=4))
many_batches = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def keys_taken(loader: RosterLoader) -> list[bytearray] | None:
    """The bits of every row's keys ``loader`` has taken (``AddedKeys``), if any."""
    return None if loader._added is None else loader._added._sets


@many_batches
@given(st.lists(batch(), min_size=1, max_size=4), st.sampled_from(LAYOUTS))
@example(NOTES_REFUSED, LAYOUTS[0])
@example(NEW_AND_ODD, LAYOUTS[0])
def test_a_batch_is_prepared_as_each_of_its_rows_alone(
    empty_db: Path, batches: list[list[list[str]]], layout: tuple[list[int] | None, str | None]
) -> None:
    """Whatever the file's columns and --ward; and with the same keys taken by then
    (``AddedKeys``: each good row's, and no other's; the answers, which depend on the
    rows before, are in what each row is prepared to)."""
    columns, ward = layout
    for many, one in two_loaders(empty_db, columns, ward):
        for numbered_rows in numbered(batches):
            rows = [
                (
                    line,
                    cells if columns is None else [c for i, c in enumerate(cells) if i in columns],
                )
                for line, cells in numbered_rows
            ]
            expected = [one.prepare(line, cells) for line, cells in rows]
            assert many.prepare_many(rows) == expected
            assert keys_taken(many) == keys_taken(one)


@many_batches
@batches_of_rows
@example(NOTES_REFUSED)
def test_parse_many_gives_the_values_of_parse_or_leaves_the_row_to_it(
    empty_db: Path, batches: list[list[list[str]]]
) -> None:
    """A row ``parse`` finds no problem in has its values; one it refuses has none. A
    batch all plain (as wide as the header, no byte-order mark) has every good row's
    values; another leaves all its rows to ``parse``."""
    for many, one in two_loaders(empty_db):
        for rows in numbered(batches):
            found = many.parse_many([cells for _, cells in rows])
            plain = all(len(c) >= len(HEADER) and "\ufeff" not in "".join(c) for _, c in rows)
            for (line, cells), values in zip(rows, found, strict=True):
                expected, problems = one.parse(line, cells)
                if not plain or problems:
                    assert values is None
                else:
                    assert values == expected


def test_a_batch_of_new_people_is_made_a_column_at_a_time(
    empty_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows each someone new with nothing to say are made into the rows that add them
    without being checked one by one; a row that may be someone a row before added
    (``AddedKeys``: the same again), or has something to say (a citizen id Excel cut
    short), goes the long way, in its place, and says so."""
    checked: list[int] = []
    real = RosterLoader._checked

    def spied(loader: RosterLoader, line: int, *args: Any) -> Any:
        checked.append(line)
        return real(loader, line, *args)

    monkeypatch.setattr(RosterLoader, "_checked", spied)
    for many, _ in two_loaders(empty_db):
        rows = numbered(NEW_AND_ODD)[0]
        prepared = many.prepare_many(rows)
        assert [type(p) for p in prepared] == [list] * 3 + [tuple] * 4
        assert checked == [5, 6, 7, 8]  # each again, and the number cut short
        assert [p[-1] for p in prepared[3:]] == [True] * 4  # each may be someone taken
        warnings = prepared[4][0][1]  # type: ignore[index]
        assert warnings == [("so_cccd", "warn.cccd_padded")]
        row = prepared[0]
        at = roster._INSERT_COLUMNS.index
        assert row[at("name_key")] == "trân1 văn tâm"
        assert row[at("ward")] == "tk-xuan-ha"
        assert row[at("national_id")] == "048050000111"
        assert row[at("birth_date")] == "1950-03-12"
        assert (row[at("party_member")], row[at("youth_union_member")]) == (1, 0)
        assert row[at("reservist")] == 1
        assert row[at("status")] == "active"
        assert row[at("roster_digest")].startswith("2025-08-01 ")  # the day, the digest
        third = prepared[2]
        assert third[at("national_id")] is None and third[at("roster_digest")] is None
        assert third[at("ward")] == "tk-xuan-ha"  # --ward, the file's cell empty


def test_a_column_remembers_what_its_cells_were_parsed_to(empty_db: Path) -> None:
    """A date seen in one batch is looked up in the next, not parsed again; an empty cell
    is what the column's empty value is (a yes/no: no) without parsing at all."""
    from cqn_cli.ingest import fields

    calls: list[Any] = []
    real = fields.parse_date

    def counted(value: Any, **kwargs: Any) -> str:
        calls.append(value)
        return real(value, **kwargs)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(fields, "parse_date", counted)
        for many, _ in two_loaders(empty_db):
            row = ["Trần Văn Tâm", "12/03/1950"] + [""] * (len(HEADER) - 2)
            first = many.parse_many([row, row])
            second = many.parse_many([row])
    assert calls == ["12/03/1950"]
    assert first[0] == second[0]
    assert second[0] is not None
    assert second[0]["birth_date"] == "1950-03-12"
    assert second[0]["party_member"] == 0  # an empty yes/no is a no
    assert second[0]["enlisted_on"] is None


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["text", "person_name", "cccd", "ward", "person_id"]),
    st.lists(cell(NAME + TEXT + CCCD + ["-", "+", "@", "\t=x", "Lê Văn 5", "a/b"]), max_size=6),
)
@example("text", ["Tổ 5", "-cmd"])
@example("text", ["-", "- a", "Tổ 5"])
@example("text", ["Tổ 5", "a\x00b"])
@example("person_name", ["Lê Văn Tâm", "  "])
@example("person_name", ["Lê Văn Tâm", "Lê/Văn"])
def test_a_column_parsed_whole_is_each_cell_parsed_alone(kind: str, cells: list[str]) -> None:
    """A column parser answers for a whole column only if ``parser_for`` takes each of
    its cells (none refused), and answers what it gives each (an empty cell aside: it
    is not parsed, but is what an empty cell is)."""
    from cqn_cli.errors import FieldProblem
    from cqn_cli.ingest.fields import column_parser_for, parser_for

    whole = column_parser_for(kind)
    assert whole is not None
    found = whole(cells)
    parse = parser_for(kind, dt.date(2025, 8, 1))
    for i, c in enumerate(cells):
        if c == "":
            continue
        try:
            alone = parse(c)
        except FieldProblem:
            assert found is None, (c, cells)
            continue
        if found is not None:
            assert found[i] == alone
