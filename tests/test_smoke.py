from pathlib import Path

from conftest import Run


def test_init_and_import_one_row(cqn: Run, tmp_path: Path, query) -> None:
    f = tmp_path / "r.csv"
    f.write_text("Họ và tên,Ngày sinh,Phường\nNguyễn Văn An,1955,Xuân Hà\n", encoding="utf-8")
    r = cqn("import", "roster", f, "--as-of", "2019-12-31")
    assert r.exit_code == 0, r.output
    assert query("SELECT full_name, birth_date, ward_id FROM person") == [
        ("Nguyễn Văn An", "1955", "tk-xuan-ha")
    ]
