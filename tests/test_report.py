"""The review report in every format, its figures those of `stats`, written atomically."""

from __future__ import annotations

import datetime as dt
import json
import stat
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from conftest import SAMPLE, Run, run_in_pty


@pytest.fixture
def loaded(cqn: Run) -> Run:
    assert cqn("demo", "--data", SAMPLE).exit_code == 0
    return cqn


def _stats(cqn: Run, *args: str) -> dict[str, Any]:
    r = cqn("stats", *args, "-f", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def test_json_report_holds_the_stats_tables_and_the_previous_year(loaded: Run) -> None:
    r = loaded("report", "--period", "2019", "-f", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["params"]["previous"] == {"from": "2018-01-01", "to": "2018-12-31", "period": "2018"}
    sections = doc["sections"]
    gathering = _stats(loaded, "gathering", "--as-of", "2019-12-31", "--map-date", "2019-12-31")
    assert {k: sections["gathering"][k] for k in ("params", "rows", "total")} == gathering
    previous = _stats(loaded, "gathering", "--as-of", "2018-12-31", "--map-date", "2019-12-31")
    assert sections["gathering"]["previous"]["total"] == previous["total"]
    meetings = _stats(loaded, "meetings", "--period", "2019")
    assert sections["meetings"]["rows"] == meetings["rows"]
    by_quarter = _stats(loaded, "attendance", "--period", "2019", "--by", "quarter")
    assert sections["attendance_by_quarter"]["total"] == by_quarter["total"]
    gatherings = _stats(loaded, "gatherings", "--period", "2019")
    assert sections["gatherings"]["rows"] == gatherings["rows"]
    visits = _stats(loaded, "visits", "--period", "2019", "--by", "reason")
    assert sections["visits_by_reason"]["total"] == visits["total"]
    inactive = _stats(loaded, "inactive", "--as-of", "2019-12-31")
    assert sections["inactive"]["rows"] == inactive["rows"]
    # 2017 holds no data: the previous period of 2018 is left out, not shown as zeros.
    r2018 = json.loads(loaded("report", "--period", "2018", "-f", "json").stdout)
    assert r2018["sections"]["attendance_by_kind"]["previous"] is None


def test_markdown_report_reads_as_a_document(loaded: Run, tmp_path: Path) -> None:
    out = tmp_path / "bao-cao.md"
    r = loaded("report", "--period", "2019", "-o", out)
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith(
        "# Báo cáo sơ kết công tác tập hợp cựu quân nhân (01/01/2019 – 31/12/2019)"
    )
    gathering = _stats(loaded, "gathering", "--as-of", "2019-12-31")
    total = gathering["total"]
    # The share as the report shows it, Vietnamese number style: 1.258/1.437 (87,54%).
    vi = lambda n: f"{n:,}".replace(",", ".")  # noqa: E731
    pct = f"{total['rate'] * 100:.2f}%".replace(".", ",")
    assert f"{vi(total['gathered'])}/{vi(total['on_roster'])} ({pct})" in text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert len(headings) == 10
    tables = [line for line in text.splitlines() if line.startswith("| Mã phường |")]
    assert tables, "the ward tables have Vietnamese headings"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # The profile lists, per ward, the clubs and boards with their smallest and largest
    # membership (SPEC §4, "what district reports list"), as `stats profile` counts them.
    profile = [line for line in tables if "Đảng viên" in line]
    assert profile == [
        "| Mã phường | Phường | Đã tập hợp | Đảng viên | Đoàn viên | DBĐV | Hội viên CCB"
        " | Số CLB | Số BLL | Nhóm ít nhất | Nhóm đông nhất |"
    ]
    lines = text.splitlines()
    at = lines.index(profile[0]) + 2
    for row in _stats(loaded, "profile", "--as-of", "2019-12-31")["rows"]:
        keys = ("gathered", "party_members", "youth_union_members", "reservists")
        keys += ("ccb_members", "clubs", "boards", "smallest_group", "largest_group")
        cells = [row["ward_code"], row["ward"], *(vi(row[k]) for k in keys)]
        assert lines[at] == "| " + " | ".join(cells) + " |"
        at += 1


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables = 0
        self.svg = 0
        self.rects = 0
        self.headings: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tables += tag == "table"
        self.svg += tag == "svg"
        self.rects += tag == "rect"
        self._in_h2 = tag == "h2"

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.headings.append(data)
            self._in_h2 = False


def test_html_report_is_one_standalone_printable_page(loaded: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert loaded("report", "--period", "2019", "-o", out, lang="en").exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert (
        "@page { size: A4" in text and "<script" not in text and "http" not in text.split("<svg")[0]
    )
    parsed = _Tables()
    parsed.feed(text)
    assert parsed.tables == 10 and parsed.svg == 1
    wards = _stats(loaded, "gathering", "--as-of", "2019-12-31")["rows"]
    assert parsed.rects == len(wards) == 10  # one bar per ward
    assert parsed.headings[0].startswith("1. People on the roster")


def test_xlsx_report_has_one_sheet_per_section_with_numbers_as_numbers(
    loaded: Run, tmp_path: Path
) -> None:
    out = tmp_path / "report.xlsx"
    assert loaded("report", "--period", "2019", "-o", out).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["1. Tập hợp", "2. Thành phần", "3. CLB, BLL"]  # the clerk's
    assert len(wb.sheetnames) == 10
    ws = wb["1. Tập hợp"]
    header = [c.value for c in ws[4]]
    assert header[-3:] == ["Đang trong danh sách", "Đã tập hợp", "Tỷ lệ"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    gathering = _stats(loaded, "gathering", "--as-of", "2019-12-31")["rows"]
    assert [r[-3:] for r in rows] == [[g["on_roster"], g["gathered"], g["rate"]] for g in gathering]
    assert all(isinstance(r[-1], float) and isinstance(r[-2], int) for r in rows)
    assert ws.cell(row=5, column=len(header)).number_format == "0.00%"
    assert ws.freeze_panes == "A5"
    # The year of a gathering is a number, the last day present a date, a ward code text.
    years = [r[1] for r in wb["7. Gặp mặt"].iter_rows(min_row=5, values_only=True)]
    assert years and set(years) == {2019}
    inactive = wb[wb.sheetnames[-1]]
    last = [row[3] for row in inactive.iter_rows(min_row=5)]
    assert last and all(isinstance(c.value, dt.datetime) for c in last if c.value is not None)
    assert {c.number_format for c in last if c.value is not None} == {"DD/MM/YYYY"}
    assert rows[0][0] == gathering[0]["ward_code"] and isinstance(rows[0][0], str)


def test_format_follows_the_extension_unless_told(loaded: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert loaded("report", "--period", "2019Q2", "-o", out, "-f", "md").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# ")


def test_a_failed_report_leaves_the_previous_file(
    loaded: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "monthly.html"
    assert loaded("report", "--period", "2019-11", "-o", out).exit_code == 0
    before = out.read_bytes()
    from cqn_cli.render import documents

    def broken(report: object) -> str:
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(documents.RENDERERS, "html", broken)
    with pytest.raises(RuntimeError):
        loaded("report", "--period", "2019-12", "-o", out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".monthly")] == []


def test_terminal_report_off_a_tty_has_no_colour(loaded: Run) -> None:
    r = loaded("report", "--period", "2019")
    assert r.exit_code == 0
    assert "\x1b[" not in r.stdout
    assert "1.258/1.437 (87,54%)" in r.stdout
    en = loaded("report", "--period", "2019", lang="en")
    assert "1,258/1,437 (87.54%)" in en.stdout


def test_a_listing_of_a_group_nobody_holds_is_refused_with_the_closest_codes(
    loaded: Run,
) -> None:
    for listing in (("meeting", "list"), ("visit", "list")):
        r = loaded(*listing, "--group", "XH-CLB1", "--period", "2019", "-f", "csv")
        assert r.exit_code == 1 and r.stdout == ""  # not an empty list: a typo
        assert r.stderr.startswith("Không có nhóm mã 'XH-CLB1'; có phải: XH-CLB01")
        typed = loaded(*listing, "--group", "xh-clb01", "--period", "2019", "-f", "json")
        exact = loaded(*listing, "--group", "XH-CLB01", "--period", "2019", "-f", "json")
        assert json.loads(typed.stdout)["rows"] == json.loads(exact.stdout)["rows"] != []


@pytest.mark.parametrize(
    ("command", "empty", "full"),
    [
        (("gatherings",), ("--from", "01/05/2019", "--to", "21/12/2019"), ("--period", "2019")),
        (("visits",), ("--period", "2005"), ("--period", "2019")),
        (("visits", "--by", "reason"), ("--period", "2005"), ("--period", "2019")),
        (("attendance",), ("--period", "2005"), ("--period", "2019")),
        (("attendance", "--by", "kind"), ("--period", "2005"), ("--period", "2019")),
        (("inactive",), ("--as-of", "01/01/2005"), ("--as-of", "31/12/2019")),
    ],
)
def test_an_empty_result_as_csv_has_the_header_of_a_full_one(
    loaded: Run, command: tuple[str, ...], empty: tuple[str, ...], full: tuple[str, ...]
) -> None:
    none = loaded("stats", *command, *empty, "-f", "csv")
    assert none.exit_code == 0, none.output
    assert len(none.stdout.splitlines()) == 1  # the header alone
    rows = _stats(loaded, *command, *full)["rows"]
    assert rows and none.stdout.splitlines()[0] == ",".join(rows[0])


def test_money_is_written_in_the_readers_language(loaded: Run) -> None:
    first = _stats(loaded, "visits", "--period", "2019", "--by", "ward")["rows"][0]
    gift = first["gift_total"]
    vi = loaded("report", "--period", "2019", "-f", "md").stdout
    en = loaded("report", "--period", "2019", "-f", "md", lang="en").stdout
    assert (
        f"| {first['ward']} | {first['visits']} | {first['people']} | {gift:,} đ |".replace(
            ",", "."
        )
        in vi
    )
    assert f"| {first['visits']} | {first['people']} | {gift:,} VND |" in en
    assert " đ |" not in en and " đ (" not in en


def test_a_written_file_is_said_only_to_a_terminal(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "bao-cao.html"
    argv = [sys.executable, "-m", "cqn_cli", "--db", str(sample_db)]
    argv += ["report", "--period", "2019", "-o", str(out)]
    # Off a terminal (cron) the exit code says it: nothing printed, so cron mails nothing.
    quiet = subprocess.run(argv, check=False, capture_output=True, stdin=subprocess.DEVNULL)
    assert quiet.returncode == 0 and out.stat().st_size > 0
    assert quiet.stdout == quiet.stderr == b""
    # At a terminal the clerk is told where it went, on stderr: stdout stays the data's.
    code, stdout, terminal = run_in_pty(argv)
    assert code == 0 and stdout == ""
    assert f"Đã ghi báo cáo vào {out}." in terminal


def test_a_listing_written_to_a_file_says_nothing_off_a_terminal(
    loaded: Run, tmp_path: Path
) -> None:
    for args in (("export", "groups"), ("group", "list", "-f", "csv")):
        r = loaded(*args, "-o", tmp_path / "nhom.csv")
        assert r.exit_code == 0 and r.stdout == r.stderr == ""
        assert (tmp_path / "nhom.csv").read_text(encoding="utf-8-sig").count("\n") == 51


def test_period_errors_are_exit_2(loaded: Run) -> None:
    assert loaded("report", "--period", "2019Q5").exit_code == 2
    assert loaded("report", "--period", "2019", "--from", "01/01/2019").exit_code == 2
    assert loaded("report", "--from", "01/01/2030").exit_code == 2  # ends today: backwards
    # A period that has not begun holds nothing: a mistyped year is said, not counted.
    future = loaded("report", "--period", "2030", lang="en")
    assert future.exit_code == 2
    assert future.stderr.strip() == (
        "The period 2030 has not begun: there is nothing to count yet."
    )
    r = loaded("stats", "meetings", "--from", "01/01/2030", "--to", "31/03/2030", lang="en")
    assert r.exit_code == 2
    assert "The period 01/01/2030–31/03/2030 has not begun" in r.stderr
    # The lists of meetings and visits refuse a period as the figures do (not an empty list).
    for listing in (("meeting", "list"), ("visit", "list")):
        whens = (["--period", "2030"], ["--from", "01/01/2019", "--to", "01/01/2018"])
        whens += (["--from", "01/01/2030"],)
        said = [loaded(*listing, *when, lang="en") for when in whens]
        assert [r.exit_code for r in said] == [2, 2, 2]
        assert said[0].stderr == future.stderr
        assert said[1].stderr.strip() == "--to is before --from."
        assert "01/01/2030 is after today" in said[2].stderr
        assert loaded(*listing, "--from", "01/01/2019", "-f", "json").exit_code == 0
    # The first years taken: the period before 1900 is worked out, not refused.
    for edge in ("1900", "1900Q1", "1900-01"):
        r = loaded("report", "--period", edge, "-f", "json")
        assert r.exit_code == 0, (edge, r.output)
    # A period so long that the one before it would begin before year 1 (a year
    # mistyped: 9019 for 2019) is said in one line, not a crash; a long one is reported.
    for start, end in (("01/01/2019", "31/12/9019"), ("01/01/1900", "31/12/9998")):
        r = loaded("report", "--from", start, "--to", end, lang="en")
        assert r.exit_code == 2, r.output
        assert r.stdout == ""
        assert r.stderr.strip() == (
            f"The period {start}–{end} is too long: the period before it, which the report"
            " compares it with, would begin before year 1 (a year mistyped?)."
        )
    r = loaded("report", "--from", "01/01/1900", "--to", "31/12/2019", "-f", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["params"]["previous"]["from"] == "1780-01-01"


@pytest.mark.parametrize("edge", ["9998", "9998Q4", "9998-12"])
def test_the_last_year_taken_stays_in_the_calendar(loaded: Run, db_path: Path, edge: str) -> None:
    """What is counted around 9998 (the last quarter, 15 days past 22/12) is reckoned
    without a date past the calendar (a report of the library, as cqn would in 9998)."""
    from cqn_cli import report
    from cqn_cli.stats import period_of
    from cqn_cli.store.db import open_db

    db = open_db(db_path)
    try:
        built = report.build(db, period_of(edge))
    finally:
        db.close()
    assert built.period == period_of(edge)
    assert {"gathering", "attendance_by_quarter", "gatherings"} <= {s.key for s in built.sections}


def test_an_open_end_of_a_period() -> None:
    """``--to`` alone: from the first of January of its year (the first half of 2019,
    not every quarter since 1900); ``--from`` alone: to today; neither: this year."""

    from cqn_cli.errors import UsageError
    from cqn_cli.stats import Period, choose_period

    today = dt.date(2026, 12, 7)
    half = choose_period(None, dt.date(2019, 6, 30), None, today)
    assert half == Period(dt.date(2019, 1, 1), dt.date(2019, 6, 30))
    since = choose_period(dt.date(2019, 3, 1), None, None, today)
    assert since == Period(dt.date(2019, 3, 1), today)
    with pytest.raises(UsageError) as later:  # said as such, not as "--to before --from"
        choose_period(dt.date(2027, 1, 1), None, None, today)
    assert later.value.key == "usage.from_after_today"
    # The period before: whole months by months (the half-year before a half-year, the
    # quarter before a quarter given by dates), else as many days.
    assert half.previous() == Period(dt.date(2018, 7, 1), dt.date(2018, 12, 31))
    quarter = Period(dt.date(2019, 1, 1), dt.date(2019, 3, 31))
    assert quarter.previous() == Period(dt.date(2018, 10, 1), dt.date(2018, 12, 31))
    days = Period(dt.date(2019, 1, 10), dt.date(2019, 1, 19))
    assert days.previous() == Period(dt.date(2018, 12, 31), dt.date(2019, 1, 9))
    assert choose_period(None, None, None, today) == Period(
        dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026"
    )


def test_the_report_is_one_view_of_the_database(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change committed by another process while the report is being built (cron beside
    the clerk) is in none of its sections: they all count the same people."""
    import shutil
    import sqlite3

    from cqn_cli import report as report_module
    from cqn_cli import stats as stats_module
    from cqn_cli.stats import period_of
    from cqn_cli.store.db import open_db

    path = tmp_path / "cqn.db"
    shutil.copy(sample_db, path)
    db = open_db(path)
    gathered_person = db.execute(
        "SELECT ms.person_id FROM membership ms WHERE ms.left_on IS NULL LIMIT 1"
    ).fetchone()[0]
    profile = stats_module.profile

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        other = sqlite3.connect(path)
        with other:
            other.execute(
                "UPDATE person SET status = 'deceased', status_since = '2019-01-02' WHERE id = ?",
                [gathered_person],
            )
        other.close()
        return profile(*args, **kwargs)

    monkeypatch.setattr(stats_module, "profile", meanwhile)
    built = report_module.build(db, period_of("2019"))
    gathering = built.section("gathering").table.total["gathered"]
    assert built.section("profile").table.total["gathered"] == gathering
    # Outside the report the change is there: one fewer gathered at the end of 2019.
    after = stats_module.gathering(db, period_of("2019").end, "ward", None).total["gathered"]
    assert after == gathering - 1
    db.close()


def test_both_periods_read_side_by_side_are_the_report_read_in_turn(sample_db: Path) -> None:
    """The two periods are read on two connections at once; the report is the one read
    on one connection, period after period, to the last figure."""
    from cqn_cli import report as report_module
    from cqn_cli.stats import period_of
    from cqn_cli.store.db import open_db

    db = open_db(sample_db)
    for label in ("2019", "2019Q3", "2020-01"):
        side_by_side = report_module.build(db, period_of(label)).as_json()
        in_turn = report_module.build(db, period_of(label), parallel=False).as_json()
        assert side_by_side == in_turn
    assert not db.conn.in_transaction
    db.close()


def _people(db: Any) -> int:
    return int(db.execute("SELECT count(*) FROM person").fetchone()[0])


def test_side_by_side_reads_share_one_view_while_another_process_writes(
    sample_db: Path, tmp_path: Path
) -> None:
    """A person added by another connection after the two reads began is seen by neither,
    though the second reader looks only after that write was committed."""
    import shutil
    import sqlite3
    import threading

    from cqn_cli.store.db import in_parallel, open_db

    path = tmp_path / "cqn.db"
    shutil.copy(sample_db, path)
    db = open_db(path)
    before = _people(db)
    committed = threading.Event()
    seen: dict[str, Any] = {}

    def first(on: Any) -> int:
        seen["first"] = (threading.get_ident(), on)
        writer = sqlite3.connect(path)
        with writer:
            writer.execute(
                "INSERT INTO person (full_name, name_key, search_key, ward_id, created_at,"
                " updated_at) SELECT 'Người Mới', 'nguoi moi', 'nguoi moi', ward_id, 'x', 'x'"
                " FROM person LIMIT 1"
            )
        writer.close()
        committed.set()
        return _people(on)

    def second(on: Any) -> int:
        seen["second"] = (threading.get_ident(), on)
        assert committed.wait(10)
        return _people(on)

    assert in_parallel(db, first, second) == (before, before)
    assert seen["first"][0] != seen["second"][0]  # two threads
    assert seen["first"][1] is db and seen["second"][1] is not db  # two connections
    assert _people(db) == before + 1  # the write is there once the reads are over
    db.close()


def test_with_a_writer_at_work_the_periods_are_read_in_turn(sample_db: Path) -> None:
    """While another connection holds the write lock (an import), the second view cannot
    be lined up with the first: both are read on the one connection, at once, no wait."""
    import sqlite3
    import threading

    from cqn_cli.store.db import in_parallel, open_db

    db = open_db(sample_db)
    importer = sqlite3.connect(sample_db, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")
    try:
        threads, connections = set(), []

        def read(on: Any) -> int:
            threads.add(threading.get_ident())
            connections.append(on)
            return _people(on)

        n = _people(db)
        assert in_parallel(db, read, read) == (n, n)
        assert threads == {threading.get_ident()}
        assert connections == [db, db]
    finally:
        importer.rollback()
        importer.close()
    assert not db.conn.in_transaction
    db.close()


def test_a_failure_of_the_second_reader_is_raised_to_the_caller(sample_db: Path) -> None:
    from cqn_cli.errors import UsageError
    from cqn_cli.store.db import in_parallel, open_db

    db = open_db(sample_db)

    def fails(on: Any) -> int:
        raise UsageError("usage.bad_period", value="x")

    with pytest.raises(UsageError):
        in_parallel(db, _people, fails)
    assert not db.conn.in_transaction
    assert _people(db) > 0  # the connection is still usable
    db.close()


def test_a_report_cell_a_spreadsheet_would_run_is_kept_as_text() -> None:
    """A name someone wrote as a formula (``=HYPERLINK(…)``) reaches the workbook as text,
    as the exports write it; numbers, years and days stay numbers and dates."""
    from cqn_cli.render.documents import _xlsx_value

    assert _xlsx_value('=HYPERLINK("http://x","y")', "text") == '\'=HYPERLINK("http://x","y")'
    assert _xlsx_value(["@SUM(1)", "An"], "text") == "'@SUM(1), An"
    assert _xlsx_value(2019, "text") == 2019
    assert _xlsx_value("2018-12-23", "date") == dt.date(2018, 12, 23)
    assert _xlsx_value("Nguyễn Văn An", "text") == "Nguyễn Văn An"
