"""Every listing and ``stats`` command writes a file Excel opens: ``-o FILE`` or ``-f xlsx``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
from typer.testing import CliRunner

from cqn_cli.cli.app import app

RUNNER = CliRunner()
REPO = Path(__file__).resolve().parent.parent


def cqn(db: Path, *args: Any, code: int = 0) -> Any:
    r = RUNNER.invoke(app, ["--db", str(db), *map(str, args)])
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    assert r.exit_code == code, r.output
    return r


def _sheet(path: Path) -> Any:
    return openpyxl.load_workbook(path).active


def _json(db: Path, *args: str) -> dict[str, Any]:
    return json.loads(cqn(db, *args, "-f", "json").stdout)  # type: ignore[no-any-return]


def test_person_list_as_xlsx_has_the_rows_in_order_real_dates_and_a_frozen_header(
    sample_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ds.xlsx"
    said = cqn(sample_db, "person", "list", "--ward", "Tam Thuận", "-o", out)
    assert said.exit_code == 0 and said.output == ""  # said only at a terminal
    listed = _json(sample_db, "person", "list", "--ward", "Tam Thuận")["rows"]
    ws = _sheet(out)
    assert ws.freeze_panes == "A2"
    heads = [c.value for c in ws[1]]
    assert heads[:4] == ["Mã CQN", "Mã phường", "Họ và tên", "Ngày sinh"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [p["id"] for p in listed]  # same people, same order
    assert [r[2] for r in rows] == [p["full_name"] for p in listed]
    full_dates = [(r[3], p["birth_date"]) for r, p in zip(rows, listed, strict=True)]
    for cell, iso in full_dates:
        if iso and len(iso) == 10:  # a whole date is a date cell; a year alone stays text
            assert cell.date() == dt.date.fromisoformat(iso)
    ids = heads.index("Số CCCD")
    assert all("*" in (r[ids] or "*") for r in rows)  # national ids masked, as on screen


def test_stats_as_xlsx_numbers_are_numbers_and_rates_percentages(
    sample_db: Path, tmp_path: Path
) -> None:
    args = ("stats", "gathering", "--as-of", "31/12/2019")
    cqn(sample_db, *args, "-o", tmp_path / "g.xlsx")
    doc = _json(sample_db, *args)
    ws = _sheet(tmp_path / "g.xlsx")
    heads = [c.value for c in ws[1]]
    assert heads == ["Mã phường", "Phường", "Đang trong danh sách", "Đã tập hợp", "Tỷ lệ"]
    got = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    want = [
        [r["ward_code"], r["ward"], r["on_roster"], r["gathered"], r["rate"]] for r in doc["rows"]
    ]
    assert got == want
    assert all(isinstance(r[2], int) and isinstance(r[4], float) for r in got)
    assert ws.cell(row=2, column=5).number_format == "0.00%"


def test_xlsx_to_stdout_when_it_is_not_a_terminal(sample_db: Path, tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["--db", str(sample_db), "group", "list", "-f", "xlsx"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "from-stdout.xlsx"
    path.write_bytes(result.stdout_bytes)
    codes = [r[0] for r in _sheet(path).iter_rows(min_row=2, values_only=True)]
    assert codes == [g["code"] for g in _json(sample_db, "group", "list")["rows"]]


def test_csv_and_json_files_match_what_is_printed(sample_db: Path, tmp_path: Path) -> None:
    cqn(sample_db, "stats", "visits", "--period", "2019", "-o", tmp_path / "v.csv")
    printed = cqn(sample_db, "stats", "visits", "--period", "2019", "-f", "csv").stdout
    data = (tmp_path / "v.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as "this is UTF-8"
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == list(csv.reader(io.StringIO(printed)))
    cqn(sample_db, "ward", "list", "-o", tmp_path / "w.json")
    assert json.loads((tmp_path / "w.json").read_text(encoding="utf-8")) == _json(
        sample_db, "ward", "list"
    )


def test_group_show_to_a_file_holds_the_members(sample_db: Path, tmp_path: Path) -> None:
    code = _json(sample_db, "group", "list")["rows"][0]["code"]
    cqn(sample_db, "group", "show", code, "-o", tmp_path / "m.xlsx")
    members = json.loads(cqn(sample_db, "group", "show", code, "-f", "json").stdout)
    ids = [r[0] for r in _sheet(tmp_path / "m.xlsx").iter_rows(min_row=2, values_only=True)]
    assert ids == [m["person_id"] for m in members["member_list"]]


def test_a_table_cannot_go_to_a_file_nor_a_listing_onto_the_database(
    sample_db: Path, tmp_path: Path
) -> None:
    before = sample_db.read_bytes()
    r = cqn(sample_db, "person", "list", "-f", "table", "-o", tmp_path / "x.txt", code=2)
    assert "-f xlsx, csv hoặc json" in r.output
    assert not (tmp_path / "x.txt").exists()
    r = cqn(sample_db, "person", "list", "-o", sample_db, code=2)
    assert sample_db.read_bytes() == before


def test_listing_xlsx_reads_back_into_a_new_database(sample_db: Path, tmp_path: Path) -> None:
    """The clerk's round trip: a ward's list as XLSX (ids revealed), imported elsewhere."""
    out = tmp_path / "tt.xlsx"
    cqn(sample_db, "person", "list", "--ward", "Tam Thuận", "--reveal", "-o", out)
    fresh = tmp_path / "fresh.db"
    cqn(fresh, "init")
    cqn(fresh, "import", "roster", out)
    keys = ("full_name", "birth_date", "gender", "national_id", "phone", "address", "status")
    before = _json(sample_db, "person", "list", "--ward", "Tam Thuận", "--reveal")["rows"]
    after = _json(fresh, "person", "list", "--reveal")["rows"]
    assert [[p[k] for k in keys] for p in after] == [[p[k] for k in keys] for p in before]


def test_a_file_is_written_in_the_format_its_name_promises_or_not_at_all(
    sample_db: Path, tmp_path: Path
) -> None:
    """``-o x.md`` for a listing, ``-o x.csv`` for the report: formats the command does
    not write. Refused (exit 2, no file) rather than CSV in a .md or Markdown in a .csv;
    a name that promises nothing (``.txt``, none) gets the command's own default."""
    for args, name in (
        (("group", "list"), "nhom.md"),
        (("person", "list"), "ds.xls"),
        (("report", "--period", "2019"), "bao-cao.csv"),
        (("report", "--period", "2019"), "bao-cao.pdf"),
        (("export", "people"), "nguoi.md"),
        (("person", "list"), "ds.xlsm"),  # Excel will not open a plain workbook so named
    ):
        r = cqn(sample_db, *args, "-o", tmp_path / name, code=2)
        assert "-f" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert not (tmp_path / name).exists()
    cqn(sample_db, "group", "list", "-o", tmp_path / "nhom.txt")
    printed = cqn(sample_db, "group", "list", "-f", "csv").stdout
    assert (tmp_path / "nhom.txt").read_text(encoding="utf-8-sig") == printed
    cqn(sample_db, "report", "--period", "2019", "-o", tmp_path / "bao-cao")
    assert (tmp_path / "bao-cao").read_text(encoding="utf-8").startswith("# ")
    # -f says what the name does not: it wins.
    cqn(sample_db, "report", "--period", "2019", "-f", "md", "-o", tmp_path / "r.csv")
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").startswith("# ")


def test_a_file_that_cannot_be_written_is_said_in_the_clerks_language(
    sample_db: Path, tmp_path: Path
) -> None:
    """The system's reason ("No such file or directory") in the chosen language."""
    target = tmp_path / "khong-co" / "nhom.csv"
    r = cqn(sample_db, "group", "list", "-o", target, code=2)
    assert r.stderr.strip() == f"Không ghi được {target}: không có tệp hay thư mục đó."
    report = target.with_suffix(".md")
    r = RUNNER.invoke(app, ["--lang", "en", "--db", str(sample_db), "report", "-o", report])
    assert r.exit_code == 2
    assert r.stderr.strip() == f"Cannot write {report}: no such file or folder."
