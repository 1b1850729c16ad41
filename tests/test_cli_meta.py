"""The CLI as a whole: help everywhere, both languages, the error boundary, the crash log."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import string
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer import _click as click
from typer.core import TyperGroup
from typer.main import get_command
from typer.testing import CliRunner

from cqn_cli import __version__
from cqn_cli.cli import app as app_module
from cqn_cli.cli.app import app
from cqn_cli.i18n import MESSAGES


def _commands() -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []

    def walk(cmd: object, path: tuple[str, ...]) -> None:
        # As the user reaches them: the root builds a group when it is first asked for.
        if isinstance(cmd, TyperGroup):
            ctx = click.Context(cmd)
            for name in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, name), (*path, name))
        else:
            found.append(path)

    walk(get_command(app), ())
    return found


COMMANDS = _commands()


def test_the_commands_of_this_issue_are_registered() -> None:
    for expected in [
        ("init",),
        ("demo",),
        ("ward", "list"),
        ("ward", "add"),
        ("ward", "alias"),
        ("ward", "merge"),
        ("import", "roster"),
        ("person", "list"),
        ("person", "search"),
        ("person", "show"),
        ("person", "add"),
        ("person", "edit"),
        ("person", "status"),
    ]:
        assert expected in COMMANDS


@pytest.mark.parametrize("lang,example", [("vi", "Ví dụ"), ("en", "Example")])
@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(
    path: tuple[str, ...], lang: str, example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Help texts are fixed when the commands are declared; check them in a fresh process.
    out = subprocess.run(
        [sys.executable, "-m", "cqn_cli", "--lang", lang, *path, "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"},
    )
    assert out.returncode == 0, out.stderr
    assert example in out.stdout
    assert "cqn" in out.stdout
    # Values are said as what they are, not as Python's types (<str>, <list[Path]>…).
    python_types = re.findall(r"<[^>]*(?:str|Path|int|list\[)[^>]*>|\{\w+…?\}", out.stdout)
    assert python_types == []


@pytest.mark.parametrize(
    ("env", "argv", "chosen"),
    [
        ("en", [], "en"),
        ("en_US.UTF-8", [], "en"),
        ("VI_VN", [], "vi"),
        ("fr", [], "vi"),
        ("", [], "vi"),
        ("en", ["--lang", "vi"], "vi"),  # the command line wins
    ],
)
def test_the_language_from_cqn_lang_or_the_command_line(
    monkeypatch: pytest.MonkeyPatch, env: str, argv: list[str], chosen: str
) -> None:
    from cqn_cli.i18n import detect_lang

    monkeypatch.setenv("CQN_LANG", env)
    assert detect_lang(argv) == chosen


def test_catalogue_has_both_languages_with_the_same_placeholders() -> None:
    fmt = string.Formatter()
    for key, (vi, en) in MESSAGES.items():
        assert vi.strip() and en.strip(), key
        fields_vi = {f for _, f, _, _ in fmt.parse(vi) if f}
        fields_en = {f for _, f, _, _ in fmt.parse(en) if f}
        assert fields_vi == fields_en, key


def test_a_count_in_a_message_is_written_the_clerks_way() -> None:
    from cqn_cli import i18n

    assert i18n.t("warn.more", count=16491) == "… và 16.491 cảnh báo khác."
    assert i18n.t("import.refused", path="ds.csv", count=1200) == (
        "ds.csv: 1.200 dòng lỗi; không ghi gì."
    )
    # A line number is no count: "dòng 12345", as the file:line of every error line.
    assert "12345" in i18n.t("row.cccd_duplicate_in_file", other=12345)
    i18n.set_lang("en")
    assert i18n.t("warn.more", count=16491) == "… and 16,491 more warnings."


def test_every_message_key_used_in_the_code_exists() -> None:
    src = Path(__file__).resolve().parent.parent / "src" / "cqn_cli"
    pattern = re.compile(
        r"""(?:\bt|Error|Problem|Refused|NotFound|_problem|_warn|RowProblem)\(\s*"""
        r"""(?:[^"()]*?,\s*)*"([a-z_]+\.[a-z_.]+)\"""",
    )
    used: set[str] = set()
    for path in src.rglob("*.py"):
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the pattern found nothing: it is broken"
    missing = sorted(k for k in used if k not in MESSAGES and not k.startswith("cqn_cli."))
    assert missing == []


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"cqn {__version__}"


def test_bare_cqn_prints_the_map_of_commands() -> None:
    result = CliRunner().invoke(app, [])
    assert "import" in result.output and "person" in result.output


def test_unknown_option_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "x.db"), "init", "--nope"])
    assert result.exit_code == 2


def test_a_bug_prints_one_line_and_a_crash_log_without_personal_data(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    secret = "Nguyễn Văn Bí Mật 001175001289"

    def broken() -> None:
        raise RuntimeError(secret)

    monkeypatch.setattr(sys, "argv", ["cqn", "init"])
    broken_app = typer.Typer()
    broken_app.callback()(lambda: None)
    broken_app.command("init")(broken)
    monkeypatch.setattr(app_module, "app", broken_app)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(SystemExit) as exit_info:
        app_module.main()
    assert exit_info.value.code == 70
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and secret not in err
    logs = list(tmp_path.glob("cqn-crash-*.log"))
    assert len(logs) == 1
    log = logs[0].read_text(encoding="utf-8")
    assert "RuntimeError" in log and "broken" in log
    assert secret not in log and "001175001289" not in log
    assert str(logs[0]) in err


@pytest.mark.parametrize("argv", [["--help"], ["person", "--help"], ["person", "list", "--help"]])
def test_help_pages_are_all_in_the_chosen_language(argv: list[str]) -> None:
    vi = CliRunner().invoke(app, argv, prog_name="cqn").output
    assert vi.startswith("Cách dùng: cqn")
    assert "Tùy chọn:" in vi and "In phần hướng dẫn này rồi thoát." in vi
    for english in ("Usage:", "Options:", "Commands:", "Show this message"):
        assert english not in vi
    en = CliRunner().invoke(app, ["--lang", "en", *argv], prog_name="cqn").output
    assert en.startswith("Usage: cqn") and "Show this message and exit." in en


def test_a_command_builds_its_own_group_only() -> None:
    """Start-up: ``cqn person …`` imports the person commands, not the other groups'."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(*sorted(m for m in sys.modules"
        " if m.startswith('cqn_cli.cli.')), file=sys.stderr))\n"
        "sys.argv = ['cqn', '--lang', 'en', 'person', '--help']\n"
        "from cqn_cli.entry import main\n"
        "main()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "search" in out.stdout and "list" in out.stdout
    loaded = set(out.stderr.split())
    assert "cqn_cli.cli.people" in loaded
    assert not loaded & {"cqn_cli.cli.activity", "cqn_cli.cli.imports", "cqn_cli.cli.stats"}


@pytest.mark.parametrize(
    ("argv", "vi", "en"),
    [
        (
            ["export", "roster"],
            "'roster' không phải một trong: people, groups, memberships, meetings,",
            "'roster' is not one of: people, groups, memberships, meetings,",
        ),
        (
            ["stats", "attendance", "--by", "phuong"],
            "'phuong' không phải một trong: ward, group, quarter, kind.",
            "'phuong' is not one of: ward, group, quarter, kind.",
        ),
        (
            ["audit", "list", "--limit", "0"],
            "'0' không phải một số nguyên từ 1 đến 1.000.000.",
            "'0' is not a whole number from 1 to 1,000,000.",
        ),
        (
            ["stats", "inactive", "--last", "bốn"],
            "'bốn' không phải một số nguyên từ 1 đến 1.000.000.",
            "'bốn' is not a whole number from 1 to 1,000,000.",
        ),
        (  # past SQLite's integers: was a crash
            ["stats", "inactive", "--last", "100000000000000000000"],
            "'100000000000000000000' không phải một số nguyên từ 1 đến 1.000.000.",
            "'100000000000000000000' is not a whole number from 1 to 1,000,000.",
        ),
        (
            ["import", "roster", "{tmp}/danh-sách.csv"],
            "không có '{tmp}/danh-sách.csv'.",
            "'{tmp}/danh-sách.csv' does not exist.",
        ),
        (
            ["report", "-o", "{tmp}"],
            "'{tmp}' là một thư mục, cần một tệp.",
            "'{tmp}' is a folder, not a file.",
        ),
        (  # a name with an apostrophe is written in double quotes
            ["import", "roster", "{tmp}/it's.csv"],
            'không có "{tmp}/it\'s.csv".',
            '"{tmp}/it\'s.csv" does not exist.',
        ),
        (
            ["export", "people", "-o", "{tmp}"],
            "'{tmp}' là một thư mục, cần một tệp.",
            "'{tmp}' is a folder, not a file.",
        ),
        (
            ["db", "backup", "{tmp}"],
            "cqn db backup: giá trị không hợp lệ cho 'FILE': '{tmp}' là một thư mục",
            "cqn db backup: invalid value for 'FILE': '{tmp}' is a folder, not a file.",
        ),
        (
            ["stats", "inactive", "--last"],
            "cqn stats inactive: --last cần một giá trị.",
            "cqn stats inactive: --last needs a value.",
        ),
        (
            ["person", "list", "--reveal=yes"],
            "cqn person list: --reveal không nhận giá trị (chỉ viết --reveal).",
            "cqn person list: --reveal takes no value (write --reveal alone).",
        ),
        (
            ["person", "list", "Xuân", "Hà"],
            "cqn person list: thừa trong lệnh: Xuân Hà.",
            "cqn person list: not expected here: Xuân Hà.",
        ),
        (  # a day that does not exist is said so, not "write dd/mm/yyyy"
            ["stats", "gathering", "--as-of", "31/02/2019"],
            "'31/02/2019': ngày không tồn tại.",
            "'31/02/2019': no such day.",
        ),
        (
            ["stats", "attendance", "--from", "1/1/1800"],
            "'1/1/1800': năm trước 1900.",
            "'1/1/1800': year before 1900.",
        ),
        (  # a year at the end of the calendar: its last quarter would end past it
            ["stats", "meetings", "--from", "01/01/9999", "--to", "31/12/9999"],
            "'01/01/9999': năm sau 9998.",
            "'01/01/9999': year after 9998.",
        ),
        (
            ["stats", "gatherings", "--period", "9999"],
            "Kỳ không hợp lệ: '9999': năm phải từ 1900 đến 9998.",
            "Invalid period: '9999': the year must be from 1900 to 9998.",
        ),
        (
            ["report", "--period", "0001Q1"],
            "Kỳ không hợp lệ: '0001Q1': năm phải từ 1900 đến 9998.",
            "Invalid period: '0001Q1': the year must be from 1900 to 9998.",
        ),
        (
            ["stats", "inactive", "--as-of", "2019"],
            "'2019': không phải ngày (viết dd/mm/yyyy).",
            "'2019': not a date (write dd/mm/yyyy).",
        ),
    ],
)
def test_a_refused_value_is_said_in_the_chosen_language(
    tmp_path: Path, argv: list[str], vi: str, en: str
) -> None:
    """Typer refuses paths, choices, numbers and misused options in English (its "file
    'x' does not exist.", "Option '--last' requires an argument.", pydantic's "Value
    error, …"): the clerk reads them in Vietnamese, with the value and what would do,
    as said by the command they were given to."""
    db = ["--db", str(tmp_path / "cqn.db")]
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    vi, en = vi.replace("{tmp}", str(tmp_path)), en.replace("{tmp}", str(tmp_path))
    for lang, said in (("vi", vi), ("en", en)):
        r = CliRunner().invoke(app, ["--lang", lang, *db, *argv], prog_name="cqn")
        assert r.exit_code == 2
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and said in lines[0], r.stderr
        assert not [w for w in ("Value error", "Input should") if w in r.stderr], r.stderr
        if lang == "vi":  # none of Typer's English words either
            typer_words = ("does not", "is a ", "requires", "Got ", "not one of")
            assert not [w for w in typer_words if w in r.stderr], r.stderr


def test_a_language_not_offered_is_named(tmp_path: Path) -> None:
    """``--lang fr``: said (in the default language, none other having been chosen) with
    the value refused and the ones offered."""
    r = CliRunner().invoke(app, ["--lang", "fr", "person", "list"], prog_name="cqn")
    assert r.exit_code == 2
    assert r.stderr == (
        "cqn: giá trị không hợp lệ cho '--lang': 'fr' không phải một trong: vi, en."
        " — xem 'cqn --help'.\n"
    )


_LOADED = (
    "import atexit, sys\n"
    "heavy = ('openpyxl', 'rich', 'cqn_cli.render.documents', 'sqlite_utils', 'dateutil')\n"
    "atexit.register(lambda: print(*sorted(h for h in heavy if h in sys.modules),"
    " file=sys.stderr))\n"
    "sys.argv = ['cqn', *sys.argv[1:]]\n"
    "from cqn_cli.entry import main\n"
    "main()\n"
)


@pytest.mark.parametrize(
    ("argv", "heavy"),
    [
        (["person", "list"], set()),
        (["stats", "gathering", "--as-of", "31/12/2019"], set()),
        (["report", "--period", "2019", "-f", "json"], {"dateutil"}),  # the period before
        (["export", "people", "-f", "csv"], set()),
        (["report", "--period", "2019", "-f", "md"], {"cqn_cli.render.documents", "dateutil"}),
        (["export", "people", "-f", "xlsx", "-o", "{tmp}/people.xlsx"], {"openpyxl"}),
    ],
)
def test_heavy_modules_are_imported_only_by_the_commands_that_use_them(
    sample_db: Path, tmp_path: Path, argv: list[str], heavy: set[str]
) -> None:
    """Off a terminal nothing draws with Rich; only a workbook needs openpyxl, only a
    rendered report its renderers; sqlite-utils only a database to migrate."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    command = [sys.executable, "-c", _LOADED, "--db", str(sample_db), *args]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert set(out.stderr.split()) == heavy


def test_sqlite_utils_is_imported_to_migrate_only(tmp_path: Path) -> None:
    """Making the schema hands the migrations to sqlite-utils; a command on a database
    already migrated opens it without importing sqlite-utils (a quarter of start-up)."""
    db = tmp_path / "new.db"

    def loaded(*argv: str) -> set[str]:
        command = [sys.executable, "-c", _LOADED, "--db", str(db), *argv]
        out = subprocess.run(command, capture_output=True, text=True, check=False)
        assert out.returncode == 0, out.stderr
        return set(out.stderr.split())

    assert "sqlite_utils" in loaded("init")
    assert "sqlite_utils" not in loaded("person", "list")
    assert "sqlite_utils" not in loaded("ward", "list")


_FULL = Path("/dev/full")  # a device on which every write fails: the disk is full


@pytest.mark.skipif(not _FULL.is_char_device(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "argv",
    [
        ["person", "list", "-f", "csv"],  # written as it goes
        ["stats", "gathering", "-f", "json"],  # written at the end
    ],
)
def test_output_to_a_full_disk_is_said_and_is_not_exit_0(tmp_path: Path, argv: list[str]) -> None:
    db = tmp_path / "cqn.db"
    subprocess.run([sys.executable, "-m", "cqn_cli", "--db", str(db), "init"], check=True)
    with _FULL.open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "cqn_cli", "--db", str(db), "--lang", "en", *argv],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2
    assert done.stderr.strip() == "Cannot write standard output: the disk is full."


def test_an_output_file_that_is_a_pipe_is_written_not_replaced(tmp_path: Path) -> None:
    """A named pipe (as a device would be) is written as it is, not replaced by a file
    renamed over it; a backup, which must be a file, refuses it before copying."""
    import os
    import threading

    db = tmp_path / "cqn.db"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(db), "init"]).exit_code == 0
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()))
    reader.start()
    result = runner.invoke(app, ["--db", str(db), "report", "-f", "json", "-o", str(pipe)])
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert json.loads(got[0])["params"]["period"] == str(dt.date.today().year)
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # still the pipe
    result = runner.invoke(app, ["--db", str(db), "--lang", "en", "db", "backup", str(pipe)])
    assert result.exit_code == 2
    assert f"{pipe} is not a file (a device or a pipe); choose a file." in result.output
    assert stat.S_ISFIFO(pipe.stat().st_mode)


@pytest.mark.skipif(
    not _FULL.is_char_device() or os.geteuid() == 0,  # root could replace it if this broke
    reason="needs /dev/full, and not as root",
)
def test_an_output_file_on_a_full_disk_is_said(tmp_path: Path) -> None:
    db = tmp_path / "cqn.db"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(db), "init"]).exit_code == 0
    result = runner.invoke(app, ["--db", str(db), "--lang", "en", "report", "-o", str(_FULL)])
    assert result.exit_code == 2
    assert f"Cannot write {_FULL}: the disk is full." in result.output
    assert _FULL.is_char_device()


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="needs /dev/stdout")
def test_an_output_file_that_is_standard_output_goes_where_the_shell_sent_it(
    tmp_path: Path,
) -> None:
    """``-o /dev/stdout >> log``: the report is added to the log, which keeps what it held
    (a file renamed over what /dev/stdout names would have replaced it)."""
    db = tmp_path / "cqn.db"
    subprocess.run([sys.executable, "-m", "cqn_cli", "--db", str(db), "init"], check=True)
    log = tmp_path / "log.md"
    log.write_text("what the log held\n", encoding="utf-8")
    with log.open("ab") as out:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "cqn_cli",
                "--db",
                str(db),
                "report",
                "-f",
                "md",
                "-o",
                "/dev/stdout",
            ],
            stdout=out,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("what the log held\n# Báo cáo sơ kết")
