"""``cqn export``: files Excel opens, that ``cqn import`` reads back to the same data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cqn_cli.cli.app import app

RUNNER = CliRunner()
REPO = Path(__file__).resolve().parent.parent
IMPORT_OF = {  # export kind → the import that reads it, in the order they must run
    "people": "roster",
    "groups": "groups",
    "memberships": "members",
    "attendance": "attendance",
    "visits": "visits",
}
PERSON = "p.full_name, p.birth_date, p.ward_id, p.national_id"  # who someone is, in any db


def cqn(db: Path, *args: Any) -> Any:
    r = RUNNER.invoke(app, ["--db", str(db), *map(str, args)])
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    assert r.exit_code == 0, r.output
    return r


def logical(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything held, with the database's own ids replaced by what they stand for."""
    queries = {
        "person": "SELECT full_name, name_key, search_key, birth_date, gender, national_id,"
        " ward_id, residential_group, address, phone, enlisted_on, discharged_on, rank, unit,"
        " party_member, youth_union_member, reservist, veterans_association_member,"
        " registered_on, status, status_since, notes FROM person",
        "groups": "SELECT code, name, kind, ward_id, founded_on, dissolved_on FROM groups",
        "membership": f"SELECT {PERSON}, g.code, m.joined_on, m.left_on, m.role FROM membership m"
        " JOIN person p ON p.id = m.person_id JOIN groups g ON g.id = m.group_id",
        "meeting": "SELECT m.code, g.code, m.date, m.kind, m.title FROM meeting m"
        " JOIN groups g ON g.id = m.group_id",
        "attendance": f"SELECT m.code, {PERSON}, a.status FROM attendance a"
        " JOIN meeting m ON m.id = a.meeting_id JOIN person p ON p.id = a.person_id",
        "visit": f"SELECT {PERSON}, v.date, v.reason, v.gift, g.code, v.notes FROM visit v"
        " JOIN person p ON p.id = v.person_id LEFT JOIN groups g ON g.id = v.group_id",
    }
    conn = sqlite3.connect(db)
    try:
        return {
            name: sorted(conn.execute(sql).fetchall(), key=repr) for name, sql in queries.items()
        }
    finally:
        conn.close()


@pytest.mark.parametrize(("suffix", "lang"), [(".csv", "vi"), (".xlsx", "en"), (".csv", "en")])
def test_export_then_import_gives_back_the_same_data(
    sample_db: Path, tmp_path: Path, suffix: str, lang: str
) -> None:
    fresh = tmp_path / "fresh.db"
    cqn(fresh, "init")
    for kind, importer in IMPORT_OF.items():
        f = tmp_path / f"{kind}{suffix}"
        cqn(sample_db, "--lang", lang, "export", kind, "--reveal", "-o", f)
        imported = cqn(fresh, "--lang", lang, "import", importer, f)
        # Every column is one the import reads (the people's ids too: read past, and into
        # a database without people, without a word).
        for said in ("bỏ qua các cột", "ignored unknown columns", "không được đọc", "not read"):
            assert said not in imported.stderr
    before, after = logical(sample_db), logical(fresh)
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}
    assert after == before


def test_people_exported_edited_and_imported_back_are_told_their_ids_are_not_read(
    tmp_path: Path,
) -> None:
    """Into the database they came from, a roster with the export's id column is told
    once, at that column, that the ids are not read: a name corrected in the spreadsheet,
    without a CCCD, is someone new (SPEC §3 identity), as the note says."""
    db = tmp_path / "x.db"
    cqn(db, "init")
    f = tmp_path / "r.csv"
    f.write_text(
        "Họ và tên,Ngày sinh,Phường\nLê Văn Hùng,1952,Xuân Hà\nTrần Văn Bình,1955,Xuân Hà\n",
        encoding="utf-8",
    )
    cqn(db, "import", "roster", f)
    out = tmp_path / "people.csv"
    cqn(db, "export", "people", "--reveal", "-o", out)
    edited = out.read_text(encoding="utf-8-sig").replace("Lê Văn Hùng", "Lê Văn Hưng")
    out.write_text(edited, encoding="utf-8-sig")
    r = cqn(db, "--lang", "en", "import", "roster", out)
    notes = [line for line in r.stderr.splitlines() if "not read" in line]
    assert notes == [
        f"{out}:1:1 [Mã CQN]: this column is not read: a person is known by their CCCD, or by"
        " name, birth date and ward; a row whose name changed and that has no CCCD is someone"
        " new (to rename a person: cqn person edit)."
    ]
    assert "1 inserted, 0 updated, 1 unchanged" in r.stdout
    conn = sqlite3.connect(db)
    names = [n for (n,) in conn.execute("SELECT full_name FROM person ORDER BY id")]
    conn.close()
    assert names == ["Lê Văn Hùng", "Trần Văn Bình", "Lê Văn Hưng"]


def test_csv_export_is_excel_ready_and_masked_unless_revealed(
    sample_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "people.csv"
    r = cqn(sample_db, "export", "people", "-o", out)
    assert r.exit_code == 0 and r.stdout == ""  # said only at a terminal
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the accents right
    piped = cqn(sample_db, "export", "people").stdout_bytes  # for a script: no BOM
    assert piped == raw.removeprefix(b"\xef\xbb\xbf")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 1512
    assert list(rows[0])[:3] == ["Mã CQN", "Họ và tên", "Ngày sinh"]
    ids = [r["Số CCCD"] for r in rows if r["Số CCCD"]]
    assert ids and all("******" in i for i in ids)
    phones = [r["Điện thoại"] for r in rows if r["Điện thoại"]]
    assert phones and all("*" in p for p in phones)
    # Vietnamese name order: by given name first.
    from cqn_cli.text import vn_name_sort_key

    names = [r["Họ và tên"] for r in rows]
    assert names == sorted(names, key=vn_name_sort_key)
    conn = sqlite3.connect(sample_db)
    held = {r[0] for r in conn.execute("SELECT national_id FROM person WHERE national_id > ''")}
    conn.close()
    revealed = cqn(sample_db, "export", "people", "--reveal").stdout
    assert len(held & set(revealed.replace(",", "\n").splitlines())) == len(held)


def test_an_xlsx_export_goes_to_stdout_off_a_terminal_and_is_refused_on_one(
    sample_db: Path, tmp_path: Path
) -> None:
    """``cqn export people -f xlsx > ds.xlsx`` (cron, a script) writes the workbook, masked,
    as ``meeting list -f xlsx > …`` does; on a terminal it is refused, exit 2."""
    import os
    import pty
    import subprocess
    import sys

    from openpyxl import load_workbook

    piped = RUNNER.invoke(app, ["--db", str(sample_db), "export", "people", "-f", "xlsx"])
    assert piped.exit_code == 0, piped.output
    book = tmp_path / "people.xlsx"
    book.write_bytes(piped.stdout_bytes)
    sheet = load_workbook(book).active
    heads = [c.value for c in sheet[1]]
    ids = [row[heads.index("Số CCCD")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sheet.max_row == 1 + 1512
    assert [i for i in ids if i] and all("******" in i for i in ids if i)
    screen, terminal = pty.openpty()
    argv = [
        sys.executable,
        "-m",
        "cqn_cli",
        "--db",
        str(sample_db),
        "export",
        "people",
        "-f",
        "xlsx",
    ]
    proc = subprocess.run(argv, stdout=terminal, stderr=subprocess.PIPE, check=False)
    os.close(terminal)
    os.close(screen)
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == (
        "Tệp XLSX không hiện được trên màn hình: thêm -o TỆP.xlsx, hoặc chuyển sang tệp"
        " (> TỆP.xlsx)."
    )


def test_formula_payloads_are_neutralised_in_csv_and_xlsx(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    db = tmp_path / "x.db"
    cqn(db, "init")
    f = tmp_path / "r.csv"
    f.write_text("Họ và tên,Ngày sinh,Phường\nNguyễn Văn An,1952,Xuân Hà\n", encoding="utf-8")
    cqn(db, "import", "roster", f)
    conn = sqlite3.connect(db)  # what another program could have written
    with conn:
        conn.execute("UPDATE person SET notes = '=HYPERLINK(\"http://x\",\"y\")', rank = '@SUM(1)'")
    conn.close()
    text = cqn(db, "export", "people", "--reveal").stdout
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["Ghi chú"] == '\'=HYPERLINK("http://x","y")'
    assert row["Cấp bậc"] == "'@SUM(1)"
    out = tmp_path / "p.xlsx"
    cqn(db, "export", "people", "--reveal", "-o", out)
    ws = load_workbook(out).active
    heads = [c.value for c in ws[1]]
    cells = dict(zip(heads, ws[2], strict=True))
    assert cells["Ghi chú"].data_type == "s"
    assert cells["Ghi chú"].value.startswith("'=")
    assert cells["Cấp bậc"].value == "'@SUM(1)"


def test_xlsx_has_a_frozen_bold_header_widths_numbers_and_dates(
    sample_db: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "visits.xlsx"
    cqn(sample_db, "export", "visits", "-o", out)
    ws = load_workbook(out).active
    assert ws.title == "Thăm hỏi"
    assert ws.freeze_panes == "A2"
    assert all(c.font.bold for c in ws[1])
    heads = [c.value for c in ws[1]]
    assert heads == ["Số CCCD", "Họ và tên", "Ngày sinh", "Phường", "Ngày", "Lý do", "Quà tặng",
                     "Mã nhóm", "Ghi chú"]  # fmt: skip
    first = [c.value for c in ws[2]]
    assert isinstance(first[4], dt.datetime)  # a real date, shown dd/mm/yyyy
    assert ws.cell(row=2, column=5).number_format == "DD/MM/YYYY"
    gifts = [r[6].value for r in ws.iter_rows(min_row=2) if r[6].value is not None]
    assert gifts and all(isinstance(g, int) for g in gifts)
    assert ws.column_dimensions["B"].width >= len("Nguyễn Văn A")
    assert ws.max_row == 1 + 121


def test_json_export_is_one_object(sample_db: Path) -> None:
    doc = json.loads(cqn(sample_db, "export", "groups", "-f", "json").stdout)
    assert set(doc) == {"params", "rows", "total"}
    assert doc["total"] == {"count": 50}
    assert set(doc["rows"][0]) == {"code", "name", "kind", "ward", "founded_on", "dissolved_on"}
