"""The csv-spectrum acceptance files (github.com/max-mapper/csv-spectrum) through our reader.

Each ``csvs/NAME.csv`` is read with ``detect`` + ``rows`` and compared with
``json/NAME.json``, the records keyed by header that any correct CSV reader gives.

Two known defects of the copy (tests/data/csv-spectrum, from shared/reference) are handled in the
open rather than papered over:

* the ``*_crlf.csv`` files lost their CRs: they hold LF line endings only (asserted
  below, so that a repaired copy is noticed). ``test_real_crlf_version`` rebuilds the
  CRLF files the upstream project meant and reads those too. Our reader stores a
  line break inside a cell as ``"\\n"`` (SPEC: one form for every line ending), so
  the expected ``"\\r\\n"`` of ``newlines_crlf.json`` is compared as ``"\\n"``.
* ``location_coordinates.json`` holds a different "Contact Phone Number"
  (1234567890) than its CSV (2095257564): an upstream error. That field is compared
  with what the CSV bytes hold; every other field with the JSON.

Our ``rows`` also strips cells and skips rows that are entirely empty;
``test_no_spectrum_file_relies_on_whitespace_or_empty_rows`` checks that no expected
record depends on either, so that the comparison below can be exact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cqn_cli.ingest.read import detect, rows

# A copy of the suite (BSD-2-Clause, max-mapper/csv-spectrum) as given in shared/reference/.
SPECTRUM = Path(__file__).resolve().parent / "data" / "csv-spectrum"
CSVS = SPECTRUM / "csvs"
JSONS = SPECTRUM / "json"

NAMES = [
    "comma_in_quotes",
    "empty",
    "empty_crlf",
    "escaped_quotes",
    "json",
    "location_coordinates",
    "newlines",
    "newlines_crlf",
    "quotes_and_newlines",
    "simple",
    "simple_crlf",
    "utf8",
]
CRLF_NAMES = [n for n in NAMES if n.endswith("_crlf")]

# The upstream error in location_coordinates.json (see the module docstring).
PHONE = "Contact Phone Number"
JSON_PHONE = "1234567890"
CSV_PHONE = "2095257564"


def load_expected(name: str) -> list[dict[str, str]]:
    """The JSON records; a bare object (location_coordinates.json) is one record."""
    data = json.loads((JSONS / f"{name}.json").read_text(encoding="utf-8"))
    return data if isinstance(data, list) else [data]


def normalise_breaks(records: list[dict[str, str]]) -> list[dict[str, str]]:
    """Line breaks inside cells as our reader stores them: ``\\r\\n`` → ``\\n``."""
    return [{k: v.replace("\r\n", "\n") for k, v in r.items()} for r in records]


def read_records(path: Path) -> tuple[list[str], list[dict[str, str]], list[int]]:
    """(header, records keyed by header, line numbers of the records) as our reader gives."""
    src = detect(path)
    assert src.kind == "csv"
    assert src.encoding == "utf-8"
    assert src.delimiter == ","
    assert not src.bom
    got = list(rows(src))
    assert got, f"{path.name}: no rows"
    (header_line, header), *body = got
    assert header_line == 1
    assert all(isinstance(c, str) for _, cells in got for c in cells)
    header_text = [str(c) for c in header]
    records = [dict(zip(header_text, map(str, cells), strict=True)) for _, cells in body]
    return header_text, records, [line for line, _ in body]


def test_the_copy_holds_exactly_the_files_we_name() -> None:
    assert sorted(p.stem for p in CSVS.glob("*.csv")) == NAMES
    assert sorted(p.stem for p in JSONS.glob("*.json")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_no_spectrum_file_relies_on_whitespace_or_empty_rows(name: str) -> None:
    for record in load_expected(name):
        for key, value in record.items():
            assert key == key.strip()
            assert value == value.strip(), (name, key, value)
        assert any(record.values()), (name, record)  # a blank row would be skipped by us


@pytest.mark.parametrize("name", NAMES)
def test_spectrum_file_reads_as_its_json(name: str) -> None:
    header, records, lines = read_records(CSVS / f"{name}.csv")
    expected = normalise_breaks(load_expected(name))
    if name == "location_coordinates":
        # Upstream error: the JSON has another phone number than the CSV. Take the
        # number from the CSV bytes themselves, and keep the JSON for the rest.
        second_line = (CSVS / f"{name}.csv").read_bytes().split(b"\n")[1]
        assert second_line.split(b",")[0] == CSV_PHONE.encode()
        assert [r[PHONE] for r in expected] == [JSON_PHONE]
        expected = [{**r, PHONE: CSV_PHONE} for r in expected]
    assert header == list(expected[0])
    assert records == expected
    assert lines == sorted(set(lines))  # strictly increasing physical line numbers
    assert lines[0] == 2


def test_utf8_cell_decoded() -> None:
    _, records, _ = read_records(CSVS / "utf8.csv")
    assert records[-1]["c"] == "\u02a4"


@pytest.mark.parametrize("name", ["newlines", "newlines_crlf"])
def test_line_numbers_after_a_cell_spanning_two_lines(name: str) -> None:
    _, records, lines = read_records(CSVS / f"{name}.csv")
    assert lines == [2, 3, 5]  # the cell opened on line 3 ends on line 4
    assert records[1]["a"] == "Once upon \na time"


def test_line_numbers_after_a_cell_spanning_three_lines() -> None:
    _, records, lines = read_records(CSVS / "quotes_and_newlines.csv")
    assert lines == [2, 5]
    assert records[0]["b"] == 'ha \n"ha" \nha'


@pytest.mark.parametrize("name", CRLF_NAMES)
def test_crlf_copies_lost_their_crs(name: str) -> None:
    """Documents the defect of this copy; fails (rightly) once the copy is repaired."""
    data = (CSVS / f"{name}.csv").read_bytes()
    assert b"\r" not in data
    assert b"\n" in data


@pytest.mark.parametrize("name", CRLF_NAMES)
def test_real_crlf_version(name: str, tmp_path: Path) -> None:
    """The CRLF files as upstream meant them, CRs inside quoted cells included."""
    lf = (CSVS / f"{name}.csv").read_bytes()
    crlf = tmp_path / f"{name}.csv"
    crlf.write_bytes(lf.replace(b"\n", b"\r\n"))
    raw_expected = load_expected(name)
    if name == "newlines_crlf":
        assert raw_expected[1]["a"] == "Once upon \r\na time"  # what upstream expects
    header, records, lines = read_records(crlf)
    assert header == list(raw_expected[0])
    assert records == normalise_breaks(raw_expected)
    assert (header, records, lines) == read_records(CSVS / f"{name}.csv")
