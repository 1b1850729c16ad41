"""What the clerk meets first: the map of commands, "did you mean", shell completion,
Vietnamese number style in tables and Vietnamese name order in every list of people."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer import _click as click
from typer.main import get_command
from typer.testing import CliRunner

from conftest import Run, write_csv
from cqn_cli.cli.app import TASKS, app
from cqn_cli.cli.common import complete_group, complete_ward
from cqn_cli.i18n import MESSAGES

Query = Callable[..., list[tuple[Any, ...]]]

ROOT = get_command(app)
ROOT_CTX = click.Context(ROOT)
# Every top-level command, the groups built as a user's first call to each would build them.
TOP_COMMANDS: dict[str, Any] = {
    n: ROOT.get_command(ROOT_CTX, n)  # type: ignore[attr-defined]
    for n in ROOT.list_commands(ROOT_CTX)  # type: ignore[attr-defined]
}
LANG_INDEX = {"vi": 0, "en": 1}


def _run_program(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real program in a fresh process (help texts are fixed at start-up)."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv[0] = 'cqn'; from cqn_cli.entry import main; main()",
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "COLUMNS": "200", **(env or {})},
    )


# ---- the sample data, loaded once per module and copied for each test ----------------------


@pytest.fixture
def sample(sample_db: Path, db_path: Path) -> Run:
    """Like ``cqn``, on a private copy of the database the demo loaded."""
    shutil.copy(sample_db, db_path)
    runner = CliRunner()

    def run(*args: str, lang: str | None = None) -> Any:
        argv = ["--db", str(db_path)]
        if lang:
            argv += ["--lang", lang]
        result = runner.invoke(app, [*argv, *map(str, args)])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return run


# ---- 1. the map of commands -----------------------------------------------------------------


def _parse_map(text: str) -> dict[str, list[tuple[str, str]]]:
    """Title → [(command, what it lists)] of the map ``cqn`` prints."""
    lines = text.splitlines()
    assert lines[1] == ""
    body = lines[2 : lines.index("", 2)]
    tasks: dict[str, list[tuple[str, str]]] = {}
    title = None
    for line in body:
        if line.startswith("  cqn "):
            assert title is not None, line
            name, _, what = line[len("  cqn ") :].partition(" ")
            tasks[title].append((name, what.strip()))
        else:
            title = line
            assert title not in tasks, title
            tasks[title] = []
    return tasks


def test_every_top_level_command_is_in_exactly_one_task() -> None:
    listed = [name for _, names in TASKS for name in names]
    assert len(listed) == len(set(listed)), "a command is in two tasks"
    assert sorted(listed) == sorted(TOP_COMMANDS)
    assert len(TASKS) == len({title for title, _ in TASKS})


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_cqn_alone_prints_the_map_by_task(lang: str) -> None:
    argv = [] if lang == "vi" else ["--lang", "en"]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    tasks = _parse_map(result.stdout)
    i = LANG_INDEX[lang]
    assert list(tasks) == [MESSAGES[key][i] for key, _ in TASKS]
    other = MESSAGES[TASKS[0][0]][1 - i]
    assert other not in result.stdout
    for key, names in TASKS:
        assert [name for name, _ in tasks[MESSAGES[key][i]]] == list(names)
    for shown in tasks.values():
        for name, what in shown:
            command = TOP_COMMANDS[name]
            subs = getattr(command, "commands", None)
            if subs:
                assert what.split(" · ") == list(subs), name
            else:
                assert what, name


def test_cqn_with_global_options_only_prints_the_map(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "none.db")])
    assert result.exit_code == 0, result.output
    assert list(_parse_map(result.stdout)) == [MESSAGES[key][0] for key, _ in TASKS]
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_real_program_prints_the_map_in_one_language(lang: str) -> None:
    out = _run_program("--lang", lang)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    i = LANG_INDEX[lang]
    tasks = _parse_map(out.stdout)
    assert list(tasks) == [MESSAGES[key][i] for key, _ in TASKS]
    assert out.stdout.splitlines()[0] == MESSAGES["app.help"][i]
    for shown in tasks.values():
        for name, what in shown:
            if not getattr(TOP_COMMANDS[name], "commands", None):
                # A plain command is described by the start of its help, in that language.
                assert what and MESSAGES[f"cmd.{name}"][i].startswith(what), (name, what)


# ---- 2. "did you mean" on mistyped commands ---------------------------------------------------


def test_mistyped_command_suggests_in_vietnamese(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "x.db"), "persn", "list"])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "không có lệnh 'persn'" in lines[0]
    assert "Có phải: person?" in lines[0]
    assert "Traceback" not in result.output


def test_mistyped_sub_command_suggests_in_english(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["--db", str(tmp_path / "x.db"), "--lang", "en", "stats", "atendance"]
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert " stats: no such command 'atendance'." in lines[0]
    assert "Did you mean: attendance?" in lines[0]
    assert "không" not in lines[0]


def test_a_command_like_nothing_held_offers_nothing() -> None:
    result = CliRunner().invoke(app, ["zzzzzz"])
    assert result.exit_code == 2
    assert "không có lệnh 'zzzzzz'" in result.stderr
    assert "Có phải" not in result.stderr


def test_mistyped_command_in_the_real_program_is_one_line_without_traceback() -> None:
    out = _run_program("persn", "list")
    assert out.returncode == 2
    assert out.stdout == ""
    assert len(out.stderr.splitlines()) == 1
    assert "không có lệnh 'persn'" in out.stderr and "person" in out.stderr
    assert "Traceback" not in out.stderr


# ---- 3. "did you mean" on codes, wards and names ----------------------------------------------


def _suggestions(line: str, marker: str) -> list[str]:
    """The values offered after ``marker`` up to the closing question mark."""
    assert marker in line, line
    return line.split(marker, 1)[1].strip().rstrip("?").split(", ")


@pytest.mark.parametrize("typo", ["TT-CBL01", "tt-clb01x", "TT-CLB1"])
def test_group_show_with_a_typo_offers_the_code(sample: Run, query: Query, typo: str) -> None:
    held = {code for (code,) in query("SELECT code FROM groups")}
    assert "TT-CLB01" in held and typo not in held
    result = sample("group", "show", typo)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"Không có nhóm mã '{typo}'" in result.stderr
    offered = _suggestions(result.stderr, "có phải:")
    assert offered[0] == "TT-CLB01"
    assert set(offered) <= held


def test_group_show_with_a_typo_in_english(sample: Run) -> None:
    result = sample("group", "show", "TT-CBL01", lang="en")
    assert result.exit_code == 1
    assert "No group 'TT-CBL01'" in result.stderr
    assert _suggestions(result.stderr, "did you mean:")[0] == "TT-CLB01"


def test_group_show_with_nothing_close_offers_nothing(sample: Run) -> None:
    result = sample("group", "show", "QQQQQQQQQQ")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Không có nhóm mã 'QQQQQQQQQQ'."


@pytest.mark.parametrize("typo", ["TT-CLB01-2O18Q1", "TT-CLB01-2018Q1x", "tt-clb01-2018-q1"])
def test_meeting_show_with_a_typo_offers_the_code(sample: Run, query: Query, typo: str) -> None:
    held = {code for (code,) in query("SELECT code FROM meeting")}
    assert "TT-CLB01-2018Q1" in held and typo not in held
    result = sample("meeting", "show", typo)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"Không có cuộc họp mã '{typo}'" in result.stderr
    offered = _suggestions(result.stderr, "có phải:")
    assert offered[0] == "TT-CLB01-2018Q1"
    assert set(offered) <= held


@pytest.mark.parametrize(
    "lang,expected",
    [
        ("vi", "Không có phường 'Tam Thun'; có phải 'Tam Thuận'?"),
        ("en", "No ward 'Tam Thun'; did you mean 'Tam Thuận'?"),
    ],
)
def test_person_list_with_a_mistyped_ward_offers_the_ward(
    sample: Run, lang: str, expected: str
) -> None:
    result = sample("person", "list", "--ward", "Tam Thun", "-f", "csv", lang=lang)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == expected


def test_search_finding_nobody_offers_close_given_names(sample: Run, query: Query) -> None:
    words = {w for (name,) in query("SELECT full_name FROM person") for w in name.split()}
    assert "Xuân" in words and "Xuann" not in words
    result = sample("person", "search", "Xuann", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["rows"] == []
    line = result.stderr.strip()
    assert line.startswith("Không tìm thấy ai. Có phải:")
    offered = _suggestions(line, "Có phải:")
    assert offered[0] == "Xuân"
    assert set(offered) <= words
    # What is offered does find somebody.
    found = sample("person", "search", offered[0], "-f", "json")
    assert json.loads(found.stdout)["rows"]


def test_search_of_a_whole_name_offers_whole_held_names(sample: Run, query: Query) -> None:
    names = {name for (name,) in query("SELECT full_name FROM person")}
    assert "Nguyễn Văn Xuân" in names
    result = sample("person", "search", "Nguyen Van Xuaan", "-f", "json", lang="en")
    assert result.exit_code == 0
    offered = _suggestions(result.stderr, "Did you mean:")
    assert offered[0] == "Nguyễn Văn Xuân"
    assert set(offered) <= names


@pytest.mark.parametrize("text", ["048052000109", "0480", "CQN999999"])
def test_search_by_number_or_id_offers_nothing(sample: Run, text: str) -> None:
    result = sample("person", "search", text, "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["rows"] == []
    assert result.stderr == "Không tìm thấy ai.\n"


# ---- 4. shell completion ----------------------------------------------------------------------


def _context(db: Path | None) -> click.Context:
    ctx = click.Context(ROOT)
    ctx.params = {"db": db, "lang": None, "version": False}
    return ctx


def test_complete_ward_ignores_case_and_diacritics(sample_db: Path) -> None:
    ctx = _context(sample_db)
    assert complete_ward(ctx, "Tam") == ["Tam Thuận"]
    assert complete_ward(ctx, "tam thuan") == ["Tam Thuận"]
    assert complete_ward(ctx, "TAM THUẬN") == ["Tam Thuận"]
    assert set(complete_ward(ctx, "thanh khe")) == {"Thanh Khê", "Thanh Khê Tây", "Thanh Khê Đông"}
    assert complete_ward(ctx, "THANH KHÊ đ") == ["Thanh Khê Đông"]
    assert complete_ward(ctx, "vinh") == ["Vĩnh Trung"]
    assert complete_ward(ctx, "Khê") == []  # a start, not a part
    assert complete_ward(ctx, "zz") == []


def test_complete_ward_offers_full_names_short_names_and_codes(sample_db: Path) -> None:
    conn = sqlite3.connect(sample_db)
    try:
        names = {n for (n,) in conn.execute("SELECT name FROM ward")}
        codes = {c for (c,) in conn.execute("SELECT code FROM ward")}
    finally:
        conn.close()
    assert all(n.startswith("Phường ") for n in names)
    short = {n.removeprefix("Phường ") for n in names}
    everything = complete_ward(_context(sample_db), "")
    assert len(everything) == len(set(everything))
    assert set(everything) == names | short | codes
    assert set(complete_ward(_context(sample_db), "phuong t")) == {
        n for n in names if n.startswith("Phường T")
    }
    assert set(complete_ward(_context(sample_db), "2022")) == {c for c in codes if c[:4] == "2022"}


def test_complete_group_filters_codes_by_their_start(sample_db: Path) -> None:
    conn = sqlite3.connect(sample_db)
    try:
        codes = [c for (c,) in conn.execute("SELECT code FROM groups")]
    finally:
        conn.close()
    ctx = _context(sample_db)
    assert sorted(complete_group(ctx, "")) == sorted(codes)
    tt = ["TT-BLL", "TT-CLB01", "TT-CLB02", "TT-CLB03", "TT-CLB04"]
    assert sorted(c for c in codes if c.startswith("TT-")) == tt
    assert complete_group(ctx, "TT-") == tt
    assert complete_group(ctx, "tt-clb") == tt[1:]
    assert complete_group(ctx, "TKT-CLB0") == [c for c in sorted(codes) if c[:8] == "TKT-CLB0"]
    assert complete_group(ctx, "QQ") == []


def test_completion_without_a_database_is_silent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing" / "cqn.db"
    assert complete_ward(_context(missing), "") == []
    assert complete_group(_context(missing), "") == []
    # No --db: the default database (the test's empty data directory) is not there either.
    assert complete_ward(_context(None), "T") == []
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("not a database\n", encoding="utf-8")
    assert complete_group(_context(not_a_db), "") == []
    assert capsys.readouterr() == ("", "")
    assert not missing.exists() and not missing.parent.exists()


def _complete(words: str, cword: int) -> subprocess.CompletedProcess[str]:
    return _run_program(
        env={"_CQN_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    )


def test_real_completion_of_wards_and_groups(sample_db: Path) -> None:
    out = _complete(f"cqn --db {sample_db} person list --ward Tam", 6)
    assert (out.returncode, out.stdout.splitlines(), out.stderr) == (0, ["Tam Thuận"], "")
    out = _complete(f"cqn --db {sample_db} person list --ward Thanh", 6)
    assert sorted(out.stdout.splitlines()) == ["Thanh Khê", "Thanh Khê Tây", "Thanh Khê Đông"]
    out = _complete(f"cqn --db {sample_db} group show TT-C", 5)
    assert out.stdout.splitlines() == ["TT-CLB01", "TT-CLB02", "TT-CLB03", "TT-CLB04"]
    out = _complete(f"cqn --db {sample_db} group join TKT-B", 5)
    assert out.stdout.splitlines() == ["TKT-BLL"]


def test_real_completion_without_a_database_prints_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    for words, cword in [
        (f"cqn --db {missing} person list --ward T", 6),
        (f"cqn --db {missing} group show T", 5),
    ]:
        out = _complete(words, cword)
        assert (out.returncode, out.stdout.strip(), out.stderr) == (0, "", "")
    assert not missing.exists()


# ---- 5. Vietnamese number style ---------------------------------------------------------------


def _int(n: int, lang: str) -> str:
    grouped = f"{n:,}"
    return grouped.replace(",", ".") if lang == "vi" else grouped


def _pct(rate: float, lang: str) -> str:
    percent = f"{Decimal(str(rate)) * 100:.2f}"
    return (percent.replace(".", ",") if lang == "vi" else percent) + "%"


def _table_rows(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines() if "│" in line]


@pytest.mark.parametrize("lang,total", [("vi", "Tổng cộng"), ("en", "Total")])
def test_stats_table_numbers_in_the_clerks_style(sample: Run, lang: str, total: str) -> None:
    args = ("stats", "gathering", "--as-of", "31/12/2019", "--map-date", "31/12/2019")
    doc = json.loads(sample(*args, "-f", "json", lang=lang).stdout)
    assert doc["total"]["on_roster"] >= 1000  # the thousands separator is really exercised
    result = sample(*args, "-f", "table", lang=lang)
    assert result.exit_code == 0, result.output
    rows = {cells[0]: cells for cells in _table_rows(result.stdout)}
    assert len(doc["rows"]) >= 2
    for row in doc["rows"]:
        assert rows[row["ward_code"]] == [
            row["ward_code"],
            row["ward"],
            _int(row["on_roster"], lang),
            _int(row["gathered"], lang),
            _pct(row["rate"], lang),
        ]
    assert rows[total] == [
        total,
        "",
        _int(doc["total"]["on_roster"], lang),
        _int(doc["total"]["gathered"], lang),
        _pct(doc["total"]["rate"], lang),
    ]
    # Hand check of the two styles on one value.
    assert (_int(1437, "vi"), _int(1437, "en")) == ("1.437", "1,437")
    assert (_pct(0.8826, "vi"), _pct(0.8826, "en")) == ("88,26%", "88.26%")


def test_stats_csv_keeps_plain_numbers(sample: Run) -> None:
    args = ("stats", "gathering", "--as-of", "31/12/2019", "--map-date", "31/12/2019")
    doc = json.loads(sample(*args, "-f", "json").stdout)
    rows = list(csv.DictReader(io.StringIO(sample(*args, "-f", "csv").stdout)))
    assert [
        (r["ward_code"], int(r["on_roster"]), int(r["gathered"]), float(r["rate"])) for r in rows
    ] == [(r["ward_code"], r["on_roster"], r["gathered"], r["rate"]) for r in doc["rows"]]


# ---- 6. Vietnamese name order -----------------------------------------------------------------

# By given name, then middle name, then family name; a < ă < â, d < đ, o < ô < ơ, u < ư;
# tones none < huyền < hỏi < ngã < sắc < nặng; letters before tones (Hạ < Hải).
CLERK_ORDER = [
    "Trần Thị An",
    "Lê Văn An",
    "Nguyễn Văn An",
    "Phạm Văn Anh",
    "Hồ Thị Ăn",
    "Dương Văn Ân",
    "Đỗ Văn Ân",
    "Bùi Thị Dung",
    "Đặng Văn Dũng",
    "Hoàng Văn Đức",
    "Ngô Thị Hà",
    "Lý Thị Hả",
    "Đinh Thị Há",
    "Dương Thị Hạ",
    "Phan Văn Hải",
    "Mai Văn On",
    "Cao Văn Ôn",
    "Tạ Văn Ơn",
    "Vũ Thị Thu",
    "Lương Thị Thư",
]

# The same people, in the order of the ward's file.
SHUFFLED = [
    "Lương Thị Thư",
    "Hoàng Văn Đức",
    "Ngô Thị Hà",
    "Tạ Văn Ơn",
    "Nguyễn Văn An",
    "Đỗ Văn Ân",
    "Dương Thị Hạ",
    "Bùi Thị Dung",
    "Mai Văn On",
    "Đinh Thị Há",
    "Phạm Văn Anh",
    "Trần Thị An",
    "Vũ Thị Thu",
    "Cao Văn Ôn",
    "Lý Thị Hả",
    "Hồ Thị Ăn",
    "Dương Văn Ân",
    "Đặng Văn Dũng",
    "Phan Văn Hải",
    "Lê Văn An",
]


@pytest.fixture
def clerk_roster(cqn: Run, query: Query, tmp_path: Path) -> dict[str, str]:
    """Import the twenty people of Tam Thuận; return name → id."""
    assert sorted(SHUFFLED) == sorted(CLERK_ORDER) and SHUFFLED != CLERK_ORDER
    lines = ["Họ và tên,Ngày sinh,Giới tính,Phường"]
    for i, name in enumerate(SHUFFLED, start=1):
        gender = "Nữ" if " Thị " in name else "Nam"
        lines.append(f"{name},{i:02d}/03/{1945 + i},{gender},Tam Thuận")
    f = write_csv(tmp_path / "tam-thuan.csv", "\n".join(lines) + "\n")
    r = cqn("import", "roster", f, "--as-of", "31/12/2019")
    assert r.exit_code == 0, r.output
    held = {name: f"CQN{pk:06d}" for pk, name in query("SELECT id, full_name FROM person")}
    assert set(held) == set(CLERK_ORDER)
    return held


def test_person_list_csv_is_in_clerk_order(cqn: Run, clerk_roster: dict[str, str]) -> None:
    r = cqn("person", "list", "-f", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["full_name"] for row in rows] == CLERK_ORDER
    assert [row["id"] for row in rows] == [clerk_roster[n] for n in CLERK_ORDER]


def test_person_list_table_and_by_ward_are_in_clerk_order(
    cqn: Run, clerk_roster: dict[str, str]
) -> None:
    r = cqn("person", "list", "-f", "table")
    assert r.exit_code == 0, r.output
    shown = [c for cells in _table_rows(r.stdout) for c in cells if c in clerk_roster]
    assert shown == CLERK_ORDER
    r = cqn("person", "list", "--ward", "Tam Thuận", "-f", "json")
    assert [row["full_name"] for row in json.loads(r.stdout)["rows"]] == CLERK_ORDER


@pytest.mark.parametrize("text,middle", [("Thị", " Thị "), ("van", " Văn ")])
def test_person_search_is_in_clerk_order(
    cqn: Run, clerk_roster: dict[str, str], text: str, middle: str
) -> None:
    r = cqn("person", "search", text, "-f", "csv")
    assert r.exit_code == 0, r.output
    expected = [n for n in CLERK_ORDER if middle in n]
    assert len(expected) >= 9
    assert [row["full_name"] for row in csv.DictReader(io.StringIO(r.stdout))] == expected


def test_export_people_csv_is_in_clerk_order(
    cqn: Run, clerk_roster: dict[str, str], tmp_path: Path
) -> None:
    r = cqn("export", "people")
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.stdout.removeprefix("\ufeff"))))
    column = rows[0].index("Họ và tên")
    assert [row[column] for row in rows[1:]] == CLERK_ORDER

    out = tmp_path / "people.csv"
    assert cqn("export", "people", "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[rows[0].index("Họ và tên")] for row in rows[1:]] == CLERK_ORDER


def test_group_show_lists_members_in_clerk_order(cqn: Run, clerk_roster: dict[str, str]) -> None:
    add = cqn(
        "group",
        "add",
        "TT-CLB09",
        "--name",
        "CLB thử",
        "--kind",
        "CLB",
        "--ward",
        "Tam Thuận",
        "--founded",
        "01/01/2019",
    )
    assert add.exit_code == 0, add.output
    for name in reversed(SHUFFLED):
        joined = cqn("group", "join", "TT-CLB09", clerk_roster[name], "--on", "01/03/2019")
        assert joined.exit_code == 0, joined.output

    doc = json.loads(cqn("group", "show", "TT-CLB09", "-f", "json").stdout)
    assert doc["members"] == len(CLERK_ORDER)
    assert [m["name"] for m in doc["member_list"]] == CLERK_ORDER
    assert [m["person_id"] for m in doc["member_list"]] == [clerk_roster[n] for n in CLERK_ORDER]

    text = cqn("group", "show", "TT-CLB09", "-f", "csv").stdout
    members = text[text.index("person_id,") :]
    assert [r["name"] for r in csv.DictReader(io.StringIO(members))] == CLERK_ORDER

    table = cqn("group", "show", "TT-CLB09", "-f", "table").stdout
    shown = [c for cells in _table_rows(table) for c in cells if c in clerk_roster]
    assert shown == CLERK_ORDER
