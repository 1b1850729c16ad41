"""Files typed in the old TCVN3 and VNI fonts: refused with the option that reads them,
then read into the same people as the Unicode file."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from cqn_cli.cli.app import app

LEGACY = Path(__file__).resolve().parent / "data" / "legacy"
RUNNER = CliRunner()
KEPT = "full_name, birth_date, gender, national_id, ward_id, residential_group, address, phone"


def _run(db: Path, *args: Any) -> Any:
    result = RUNNER.invoke(app, ["--db", str(db), *map(str, args)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def _people(db: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT {KEPT} FROM person ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def unicode_people(tmp_path: Path) -> list[tuple[Any, ...]]:
    db = tmp_path / "unicode.db"
    _run(db, "init")
    assert _run(db, "import", "roster", LEGACY / "roster.csv").exit_code == 0
    people = _people(db)
    assert len(people) == 9
    return people


def _xlsx_from(csv_path: Path, out: Path) -> Path:
    """The workbook a legacy-font sheet is: Excel keeps the cells' characters (cp1252 view)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            ws.append(row)
    wb.save(out)
    return out


@pytest.mark.parametrize(
    ("name", "kind", "seen"),
    [
        ("roster-tcvn3.csv", "tcvn3", "Hä vµ tªn"),
        ("roster-vni.csv", "vni", "Hoï vaø teân"),
        ("roster-tcvn3-excel.csv", "tcvn3", "Hä vµ tªn"),
        ("roster-vni-excel.csv", "vni", "Hoï vaø teân"),
    ],
)
def test_legacy_file_is_refused_then_read_with_the_option(
    tmp_path: Path, unicode_people: list[tuple[Any, ...]], name: str, kind: str, seen: str
) -> None:
    db = tmp_path / "legacy.db"
    _run(db, "init")
    before = db.read_bytes()
    refused = _run(db, "import", "roster", LEGACY / name)
    assert refused.exit_code == 1
    said = refused.output
    assert f"{LEGACY / name}:1: " in said
    assert f"'{seen}' là 'Họ và tên'" in said and f"--legacy {kind}" in said
    assert db.read_bytes() == before  # nothing written
    assert _run(db, "import", "roster", LEGACY / name, "--legacy", kind).exit_code == 0
    assert _people(db) == unicode_people


@pytest.mark.parametrize(
    ("name", "kind"), [("roster-tcvn3-excel.csv", "tcvn3"), ("roster-vni-excel.csv", "vni")]
)
def test_legacy_xlsx_is_read_with_the_option(
    tmp_path: Path, unicode_people: list[tuple[Any, ...]], name: str, kind: str
) -> None:
    book = _xlsx_from(LEGACY / name, tmp_path / "ds.xlsx")
    db = tmp_path / "legacy.db"
    _run(db, "init")
    refused = _run(db, "import", "roster", book)
    assert refused.exit_code == 1 and f"--legacy {kind}" in refused.output
    assert _run(db, "import", "roster", book, "--legacy", kind).exit_code == 0
    assert _people(db) == unicode_people


def test_unicode_files_are_not_taken_for_legacy(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    _run(db, "init")
    sample = Path(__file__).resolve().parent.parent / "sample_data" / "roster"
    for path in sorted(sample.glob("*.csv")):
        result = _run(db, "import", "roster", path, "--dry-run")
        assert result.exit_code == 0, result.output
        assert "--legacy" not in result.output


def test_the_option_is_part_of_what_makes_an_import_the_same(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    _run(db, "init")
    assert _run(db, "import", "roster", LEGACY / "roster-vni.csv", "--legacy", "vni").exit_code == 0
    again = _run(db, "import", "roster", LEGACY / "roster-vni.csv", "--legacy", "vni")
    assert again.exit_code == 0 and "đã nhập" in again.output.lower()


@pytest.mark.parametrize(
    ("decoded", "meant"),
    [
        ("Phạm Thị ánh Tuyết", "Phạm Thị Ánh Tuyết"),  # between two capitalised words
        ("Lê Thị ý", "Lê Thị Ý"),  # last, after one
        ("Nguyễn Văn ước", "Nguyễn Văn ước"),  # TCVN3 has Ư: a lower-case ư was meant
        ("47 Ông ích Khiêm, tổ 8", "47 Ông Ích Khiêm, tổ 8"),  # after a comma: lower case
        ("Nhà ở tập thể", "Nhà ở tập thể"),  # before a lower-case word: lower case
        ("ánh", "ánh"),  # one word: nothing to go by
        ("Trần Văn đức", "Trần Văn đức"),  # TCVN3 has Đ: a lower-case đ was meant
    ],
)
def test_tcvn3_capitals_come_back_in_names(decoded: str, meant: str) -> None:
    from cqn_cli.legacy import capitalise_names

    assert capitalise_names(decoded) == meant


@pytest.mark.parametrize("kind", ["tcvn3", "vni"])
def test_the_option_on_a_unicode_file_is_refused_not_garbling_it(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "u.db"
    _run(db, "init")
    before = db.read_bytes()
    result = _run(db, "import", "roster", LEGACY / "roster.csv", "--legacy", kind)
    assert result.exit_code == 1
    assert f"đã là chữ Việt Unicode, không phải phông {kind}" in result.output
    assert db.read_bytes() == before


def test_the_option_for_the_other_font_is_refused_naming_the_right_one(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    _run(db, "init")
    result = _run(db, "import", "roster", LEGACY / "roster-vni.csv", "--legacy", "tcvn3")
    assert result.exit_code == 1 and "hãy dùng --legacy vni" in result.output
    assert _people(db) == []


def test_rows_pasted_under_a_unicode_header_are_read_with_the_option(
    tmp_path: Path, unicode_people: list[tuple[Any, ...]]
) -> None:
    """A template with a Unicode header, old VNI rows pasted under it: the option reads the
    rows (the header is Vietnamese either way) and refuses nothing."""
    vni = (LEGACY / "roster-vni.csv").read_bytes().split(b"\n")[1] + b"\n"  # one row only
    header = (LEGACY / "roster.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(header.encode("utf-8") + b"\n" + vni.decode("latin-1").encode("utf-8"))
    db = tmp_path / "m.db"
    _run(db, "init")
    # One old row is too little to tell the font by (its ward, garbled, is refused)…
    assert _run(db, "import", "roster", mixed).exit_code == 1
    # …but the header must not make the option refuse the file as "already Unicode".
    assert _run(db, "import", "roster", mixed, "--legacy", "vni").exit_code == 0
    assert _people(db) == unicode_people[:1]
