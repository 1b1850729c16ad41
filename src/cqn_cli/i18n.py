"""The one message catalogue: every text a user reads, in Vietnamese and in English.

Ground floor. ``t(key, **params)`` formats the message in the current language
(``vi`` by default; ``--lang en`` or ``CQN_LANG=en`` switch to English).
"""

from __future__ import annotations

import errno
import os
import re
import sys
from typing import Any

LANGS = ("vi", "en")

_current: str | None = None


def detect_lang(argv: list[str] | None = None) -> str:
    """The language asked for: ``--lang`` on the command line, else ``$CQN_LANG``, else vi.

    Read once at start-up so that help texts, built when the commands are
    declared, are in the right language too.
    """
    args = sys.argv[1:] if argv is None else argv
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1] if args[i + 1] in LANGS else "vi"
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in LANGS else "vi"
    # A locale's name says its language first (``en_US.UTF-8``); anything else: vi.
    env = os.environ.get("CQN_LANG", "").strip().lower()[:2]
    return env if env in LANGS else "vi"


def set_lang(lang: str) -> None:
    global _current  # noqa: PLW0603 - the language is process-wide by nature
    _current = lang if lang in LANGS else "vi"


def lang() -> str:
    if _current is None:
        set_lang(detect_lang())
    assert _current is not None
    return _current


def has_message(key: str) -> bool:
    return key in MESSAGES


def t(key: str, **params: Any) -> str:
    """The message ``key`` in the current language, formatted with ``params``."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry[0] if lang() == "vi" else entry[1]
    if params:
        for name in _COUNTS.intersection(params):  # 16491 → 16.491 (SPEC §5)
            value = params[name]
            if isinstance(value, int) and not isinstance(value, bool):
                params[name] = fmt_int(value)
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


# Parameters that are always counts, written the clerk's way wherever a message says
# one (``count`` of rows, files, warnings, conflicts…); a year, a line, an id is not.
_COUNTS = frozenset({"count"})


def fmt_pct(share: float) -> str:
    """``0.8826`` → ``88,26%`` in Vietnamese, ``88.26%`` in English."""
    text = f"{share * 100:.2f}%"
    return text.replace(".", ",") if lang() == "vi" else text


def fmt_share(part: int, whole: int, share: float) -> str:
    """``2.023/2.292 (88,26%)``: a figure as the report shows a share."""
    return f"{fmt_int(part)}/{fmt_int(whole)} ({fmt_pct(share)})"


def fmt_int(n: int) -> str:
    """``2023`` → ``2.023`` in Vietnamese, ``2,023`` in English."""
    s = f"{n:,}"
    return s.replace(",", ".") if lang() == "vi" else s


# key: (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # ---- application, help ------------------------------------------------
    "app.help": (
        "cqn — quản lý danh sách cựu quân nhân (CQN), CLB, BLL, sinh hoạt và báo cáo sơ kết.",
        "cqn — roster of former military personnel (CQN), clubs, boards, meetings and reports.",
    ),
    "app.epilog": (
        "Bắt đầu: cqn init, rồi cqn import roster DANH_SACH.csv. Xem README.md.",
        "Start with: cqn init, then cqn import roster ROSTER.csv. See README.md.",
    ),
    "opt.db": (
        "Tệp cơ sở dữ liệu (mặc định: $CQN_DB, hoặc thư mục dữ liệu người dùng).",
        "Database file (default: $CQN_DB, else the user data directory).",
    ),
    "opt.lang": ("Ngôn ngữ hiển thị: vi hoặc en.", "Language of messages: vi or en."),
    "opt.version": ("In phiên bản rồi thoát.", "Print the version and exit."),
    "opt.format": (
        "Định dạng: table, csv, json hoặc xlsx (mặc định: theo đuôi tệp -o; table trên màn"
        " hình, csv khi chuyển hướng).",
        "Output format: table, csv, json or xlsx (default: the -o file's suffix; table on a"
        " terminal, csv otherwise).",
    ),
    "opt.reveal": (
        "Hiện đầy đủ số CCCD và điện thoại (mặc định che bớt).",
        "Show national ids and phone numbers in full (masked by default).",
    ),
    "opt.as_of": (
        "Ngày tham chiếu (dd/mm/yyyy hoặc yyyy-mm-dd); mặc định hôm nay.",
        "Reference date (dd/mm/yyyy or yyyy-mm-dd); default today.",
    ),
    "opt.ward": ("Phường (tên, bí danh hoặc mã).", "Ward (name, alias or code)."),
    "opt.status": (
        "Trạng thái: active, moved_out, deceased.",
        "Status: active, moved_out, deceased.",
    ),
    "opt.encoding": (
        "Bắt buộc bảng mã (utf-8, utf-16, cp1258…); mặc định tự nhận.",
        "Force the encoding (utf-8, utf-16, cp1258…); detected by default.",
    ),
    "opt.delimiter": (
        "Bắt buộc dấu phân cách (',', ';', 'tab'); mặc định tự nhận.",
        "Force the separator (',', ';', 'tab'); detected by default.",
    ),
    "opt.sheet": ("Trang tính của tệp .xlsx (mặc định: trang đầu).", "Sheet of an .xlsx file."),
    "opt.map": (
        "Ánh xạ cột 'Tiêu đề=trường' (lặp lại được), ví dụ 'Họ tên đầy đủ=ho_ten'.",
        "Map a header 'Header=field' (repeatable), e.g. 'Full name=ho_ten'.",
    ),
    "opt.skip_bad": (
        "Ghi các dòng hợp lệ, bỏ qua dòng lỗi (cần --rejects).",
        "Write the good rows and skip the bad ones (needs --rejects).",
    ),
    "opt.warnings_file": (
        "Tệp ghi mọi cảnh báo (có thể trùng người, số CCCD thêm số 0…): CSV, hoặc .xlsx.",
        "File receiving every warning (possible duplicates, padded CCCDs…): CSV, or .xlsx.",
    ),
    "opt.rejects": (
        "Tệp ghi các dòng lỗi kèm cột lý do (cùng định dạng tệp nhập).",
        "File receiving the bad rows with a reason column (same format as the input).",
    ),
    "opt.dry_run": (
        "Chỉ kiểm tra và cho biết sẽ thay đổi gì; không ghi gì.",
        "Validate and show what would change; write nothing.",
    ),
    "opt.force": (
        "Nhập lại cả khi tệp giống hệt một tệp đã nhập.",
        "Import even if a byte-identical file was imported before.",
    ),
    "opt.import_as_of": (
        "Ngày đọc tên phường trong tệp (mặc định hôm nay): tên phường năm 2019 đọc theo bản đồ 2019.",
        "Date at which ward names in the file are read (default today): 2019 names at a 2019 date.",
    ),
    "opt.import_ward": (
        "Phường của mọi dòng không ghi phường.",
        "Ward of every row that names none.",
    ),
    "opt.on": ("Ngày (dd/mm/yyyy).", "Date (dd/mm/yyyy)."),
    "opt.data_dir": ("Thư mục dữ liệu mẫu.", "Sample data directory."),
    # ---- command help -----------------------------------------------------
    "cmd.init": (
        "Tạo hoặc nâng cấp cơ sở dữ liệu.\n\nVí dụ: cqn --db quan.db init",
        "Create or upgrade the database.\n\nExample: cqn --db district.db init",
    ),
    "cmd.demo": (
        "Nạp dữ liệu mẫu (sample_data/) vào cơ sở dữ liệu và in báo cáo sơ kết năm 2019.\n\n"
        "Ví dụ: cqn --db demo.db demo",
        "Load sample_data/ into the database and print the review report of 2019.\n\n"
        "Example: cqn --db demo.db demo",
    ),
    "grp.ward": ("Danh mục phường: xem, thêm, bí danh, sáp nhập.", "Ward registry."),
    "grp.import": ("Nhập tệp CSV/XLSX từ các phường.", "Import CSV/XLSX files from the wards."),
    "grp.person": ("Danh sách CQN: xem, tìm, thêm, sửa.", "People on the roster."),
    "cmd.ward.list": (
        "Liệt kê các phường (có hiệu lực vào một ngày với --as-of).\n\n"
        "Ví dụ: cqn ward list --as-of 31/12/2019",
        "List wards (those in force on a date with --as-of).\n\n"
        "Example: cqn ward list --as-of 2019-12-31",
    ),
    "cmd.ward.add": (
        "Thêm một phường vào danh mục.\n\nVí dụ: cqn ward add 20299 'Phường Mới' --from 01/01/2026",
        "Add a ward to the registry.\n\nExample: cqn ward add 20299 'New Ward' --from 2026-01-01",
    ),
    "cmd.ward.alias": (
        "Thêm bí danh (cách viết khác) cho một phường.\n\n"
        "Ví dụ: cqn ward alias 'Thanh Khê Đông' TKĐ --as-of 2019-12-31",
        "Add an alias (another spelling) for a ward.\n\n"
        "Example: cqn ward alias 'Thanh Khê Đông' TKD --as-of 2019-12-31",
    ),
    "cmd.ward.merge": (
        "Sáp nhập các phường cũ vào một phường mới từ một ngày.\n\n"
        "Ví dụ: cqn ward merge 'Hòa Khê' 'Tam Thuận' --into 'Thanh Khê Đông' --on 01/01/2025",
        "Merge old wards into a new one from a date.\n\n"
        "Example: cqn ward merge 'Hoa Khe' 'Tam Thuan' --into 'Thanh Khe Dong' --on 2025-01-01",
    ),
    "cmd.import.roster": (
        "Nhập danh sách CQN từ tệp CSV/XLSX (một hoặc nhiều tệp, mỗi tệp nhập trọn vẹn hoặc không).\n\n"
        "Ví dụ: cqn import roster xuan-ha.csv --as-of 31/12/2019",
        "Import rosters from CSV/XLSX files (each file all or nothing).\n\n"
        "Example: cqn import roster xuan-ha.csv --as-of 2019-12-31",
    ),
    "cmd.import.groups": (
        "Nhập danh sách CLB, BLL (mã nhóm, tên, loại, phường, ngày thành lập, giải thể).\n\n"
        "Ví dụ: cqn import groups nhom.csv --as-of 31/12/2019",
        "Import clubs and boards (code, name, kind, ward, founded, dissolved).\n\n"
        "Example: cqn import groups groups.csv --as-of 2019-12-31",
    ),
    "cmd.import.members": (
        "Nhập thành viên các nhóm (người, mã nhóm, ngày tham gia, ngày rời, chức vụ).\n\n"
        "Ví dụ: cqn import members thanh-vien.csv",
        "Import memberships (person, group code, joined, left, role).\n\n"
        "Example: cqn import members members.csv",
    ),
    "cmd.import.attendance": (
        "Nhập điểm danh các cuộc họp (mã cuộc họp, ngày, loại, nhóm, người, trạng thái).\n\n"
        "Ví dụ: cqn import attendance diem-danh-2019.csv",
        "Import attendance (meeting code, date, kind, group, person, mark).\n\n"
        "Example: cqn import attendance attendance-2019.csv",
    ),
    "cmd.import.visits": (
        "Nhập các lần thăm hỏi (người, ngày, lý do, quà tặng, nhóm, ghi chú).\n\n"
        "Ví dụ: cqn import visits tham-hoi.csv",
        "Import visits (person, date, reason, gift, group, notes).\n\n"
        "Example: cqn import visits visits.csv",
    ),
    "cmd.person.list": (
        "Liệt kê CQN (mọi trạng thái, trừ khi lọc theo --status/--ward).\n\n"
        "Ví dụ: cqn person list --ward 'Xuân Hà' --status active",
        "List people (any status unless --status/--ward filter).\n\n"
        "Example: cqn person list --ward 'Xuan Ha' --status active",
    ),
    "cmd.person.search": (
        "Tìm theo tên, không phân biệt dấu và hoa thường.\n\nVí dụ: cqn person search 'nguyen van an'",
        "Search by name, ignoring diacritics and case.\n\nExample: cqn person search 'nguyen van an'",
    ),
    "cmd.person.show": (
        "Xem đầy đủ một CQN.\n\nVí dụ: cqn person show CQN000012",
        "Show one person.\n\nExample: cqn person show CQN000012",
    ),
    "cmd.person.add": (
        "Thêm một CQN.\n\n"
        "Ví dụ: cqn person add --full-name 'Nguyễn Văn An' --birth-date 1955 --ward 'Xuân Hà'",
        "Add a person.\n\n"
        "Example: cqn person add --full-name 'Nguyen Van An' --birth-date 1955 --ward 'Xuan Ha'",
    ),
    "cmd.person.edit": (
        "Sửa thông tin một CQN (chỉ các trường được nêu).\n\n"
        "Ví dụ: cqn person edit CQN000012 --phone '0905 123 456'",
        "Edit a person (only the fields given).\n\n"
        "Example: cqn person edit CQN000012 --phone '0905 123 456'",
    ),
    "cmd.person.status": (
        "Đổi trạng thái: chuyển đi (moved_out), từ trần (deceased), đang sinh hoạt (active).\n\n"
        "Ví dụ: cqn person status CQN000012 moved_out --on 15/06/2019",
        "Change status: moved_out, deceased or active.\n\n"
        "Example: cqn person status CQN000012 moved_out --on 2019-06-15",
    ),
    "arg.files": ("Tệp CSV/TXT/XLSX.", "CSV/TXT/XLSX files."),
    "arg.person": (
        "Mã CQN (ví dụ CQN000012) hoặc số CCCD.",
        "Person id (e.g. CQN000012) or national id.",
    ),
    "arg.text": ("Đoạn tên cần tìm.", "Text to search for."),
    "arg.ward": ("Phường (tên, bí danh hoặc mã).", "Ward (name, alias or code)."),
    "arg.old_wards": ("Các phường cũ.", "The old wards."),
    "arg.code": ("Mã đơn vị hành chính.", "Official ward code."),
    "arg.name": ("Tên phường.", "Ward name."),
    "arg.alias": ("Bí danh.", "Alias."),
    "arg.new_status": ("Trạng thái mới.", "New status."),
    # ---- errors: database -------------------------------------------------
    "db.no_folder": (
        "Không có thư mục {path}: hãy kiểm tra lại --db (hoặc CQN_DB), hay tạo thư mục trước.",
        "No such folder: {path}; check --db (or CQN_DB), or make the folder first.",
    ),
    "db.missing": (
        "Chưa có cơ sở dữ liệu {path}: hãy chạy 'cqn init' trước.",
        "No database at {path}: run 'cqn init' first.",
    ),
    "db.missing_folder": (
        "Chưa có cơ sở dữ liệu {path}, cũng không có thư mục {folder}: hãy kiểm tra lại --db"
        " (hoặc CQN_DB).",
        "No database at {path}, nor a folder {folder}: check --db (or CQN_DB).",
    ),
    "db.cannot_create": (
        "Không tạo được cơ sở dữ liệu {path}: {reason}",
        "Cannot create the database {path}: {reason}",
    ),
    "db.cannot_open": (
        "Không mở được cơ sở dữ liệu {path}: {reason}",
        "Cannot open the database {path}: {reason}",
    ),
    "db.locked": (
        "Cơ sở dữ liệu {path} đang bị một tiến trình khác ghi quá {seconds} giây; hãy thử lại sau.",
        "The database {path} was held by another process for over {seconds} s; try again later.",
    ),
    "db.locked_by": (
        "Cơ sở dữ liệu {path} đang được '{command}' (tiến trình {pid}) ghi từ {since};"
        " đã chờ {seconds} giây. Hãy thử lại khi lệnh đó xong.",
        "The database {path} is held by '{command}' (process {pid}) since {since};"
        " waited {seconds} s. Try again when it has finished.",
    ),
    "db.corrupt": (
        "Tệp {path} không phải cơ sở dữ liệu hợp lệ hoặc đã hỏng.",
        "{path} is not a valid database or is damaged.",
    ),
    "db.not_cqn": (
        "{path} chưa phải cơ sở dữ liệu cqn: hãy chạy 'cqn init' trước.",
        "{path} is not a cqn database yet: run 'cqn init' first.",
    ),
    "db.not_cqn_other": (
        "{path} là một cơ sở dữ liệu khác, không phải của cqn; cqn không ghi vào đó.",
        "{path} is another application's database, not cqn's; cqn will not write to it.",
    ),
    "db.newer_schema": (
        "Cơ sở dữ liệu do phiên bản cqn mới hơn tạo ({names}); hãy nâng cấp cqn.",
        "The database was made by a newer cqn ({names}); upgrade cqn.",
    ),
    "db.initialised": (
        "Cơ sở dữ liệu sẵn sàng: {path} ({migrations} bước lược đồ).",
        "Database ready: {path} ({migrations} schema steps).",
    ),
    # ---- errors: usage ----------------------------------------------------
    "usage.no_such_option": ("không có tùy chọn {option}.", "no such option {option}."),
    "usage.global_first": (
        "{option} là tùy chọn chung, đặt ngay sau cqn: cqn {option} … <lệnh>.",
        "{option} is a global option: put it right after cqn: cqn {option} … <command>.",
    ),
    "usage.no_such_command": ("không có lệnh '{command}'.", "no such command '{command}'."),
    "legacy.tcvn3": ("phông TCVN3 (ABC, .VnTime)", "the TCVN3 (ABC, .VnTime) font encoding"),
    "legacy.vni": ("phông VNI (VNI-Times)", "the VNI (VNI-Times) font encoding"),
    "file.legacy_text": (
        "tệp được gõ bằng {font}: '{seen}' là '{fixed}'; hãy nhập lại với --legacy {kind}.",
        "the file was typed in {font}: '{seen}' is '{fixed}'; import it with --legacy {kind}.",
    ),
    "file.double_utf8": (
        "chữ Việt của tệp đã bị hỏng (UTF-8 bị đọc như Windows-1252 rồi lưu lại): '{seen}'"
        " là '{fixed}'; hãy xuất lại từ tệp gốc dưới dạng CSV UTF-8.",
        "the file's Vietnamese letters were garbled (UTF-8 read as Windows-1252 and saved"
        " again): '{seen}' is '{fixed}'; export it again from the original as CSV UTF-8.",
    ),
    "value.not_a_person_name": (
        "tên người không có chữ số, ':' hay '/': đây có phải dòng tổng cộng, ngày tháng hay"
        " chữ ký cuối bảng?",
        "a person's name has no digits, ':' or '/': is this the sheet's total, date or"
        " signature line?",
    ),
    "value.lost_letters": (
        "có '?' thay cho chữ bị mất khi tệp được lưu bằng bảng mã không có chữ Việt;"
        " hãy lưu lại tệp gốc dưới dạng CSV UTF-8",
        "holds '?' where letters were lost when the file was saved in a code page without"
        " Vietnamese letters; save the original again as CSV UTF-8",
    ),
    "file.legacy_other": (
        "tệp này trông như gõ bằng {font}, không phải {kind}: hãy dùng --legacy {other}.",
        "this file looks typed in {font}, not {kind}: use --legacy {other}.",
    ),
    "file.not_legacy": (
        "tệp này đã là chữ Việt Unicode, không phải phông {kind}: hãy nhập mà không có --legacy.",
        "this file is already Unicode Vietnamese, not {kind}: import it without --legacy.",
    ),
    "opt.legacy": (
        "Tệp gõ bằng phông cũ: tcvn3 (ABC, .VnTime) hoặc vni (VNI-Times); chuyển sang Unicode.",
        "The file was typed in an old font: tcvn3 (ABC, .VnTime) or vni (VNI-Times);"
        " convert it to Unicode.",
    ),
    "listing.written": ("Đã ghi {path}.", "Wrote {path}."),
    "opt.listing_output": (
        "Ghi vào tệp (.xlsx, .csv hoặc .json theo đuôi tệp) thay vì in ra màn hình.",
        "Write to a file (.xlsx, .csv or .json, by its suffix) instead of the screen.",
    ),
    "usage.table_to_file": (
        "Bảng chỉ để xem trên màn hình; ghi tệp thì chọn -f xlsx, csv hoặc json.",
        "A table is for the screen; to write a file choose -f xlsx, csv or json.",
    ),
    "usage.suffix_not_offered": (
        "Lệnh này không ghi được dạng tệp mà tên {path} chỉ ra; đặt tên tệp đuôi {suffixes}"
        " hoặc chọn -f.",
        "This command does not write the kind of file {path} is named for; name it"
        " {suffixes}, or choose -f.",
    ),
    "usage.suffix_not_written": (
        "Không ghi được dạng tệp mà tên {path} chỉ ra; đặt tên tệp đuôi {suffixes}.",
        "The kind of file {path} is named for is not written; name it {suffixes}.",
    ),
    "usage.warnings_is_rejects": (
        "--warnings và --rejects phải là hai tệp khác nhau.",
        "--warnings and --rejects must be two different files.",
    ),
    "usage.xlsx_needs_file": (
        "Tệp XLSX cần nơi ghi: thêm -o TỆP.xlsx.",
        "An XLSX workbook needs somewhere to go: add -o FILE.xlsx.",
    ),
    "progress.rows": ("{rows} dòng · {rate} dòng/giây", "{rows} rows · {rate} rows/s"),
    "progress.report": ("Đang tính số liệu…", "Computing the figures…"),
    "help.type_text": ("chữ", "text"),
    "help.type_number": ("số", "number"),
    "help.type_file": ("tệp", "file"),
    "help.usage": ("Cách dùng: ", "Usage: "),
    "help.options": ("Tùy chọn:", "Options:"),
    "help.arguments": ("Đối số:", "Arguments:"),
    "help.commands": ("Lệnh:", "Commands:"),
    "help.help": ("In phần hướng dẫn này rồi thoát.", "Show this message and exit."),
    "help.install_completion": (
        "Cài gợi ý lệnh (phím Tab) cho shell đang dùng.",
        "Install completion for the current shell.",
    ),
    "help.show_completion": (
        "In đoạn mã gợi ý lệnh của shell đang dùng, để chép hoặc sửa.",
        "Show completion for the current shell, to copy it or customize the installation.",
    ),
    "help.required": ("[bắt buộc]", "[required]"),
    "help.default": ("[mặc định: ", "[default: "),
    "map.setup": ("Bắt đầu", "Set up"),
    "map.import": ("Nhập tệp Excel/CSV của các phường", "Import the wards' Excel/CSV files"),
    "map.record": ("Ghi chép hằng ngày", "Keep the records"),
    "map.figures": ("Số liệu và báo cáo sơ kết", "Figures and the review report"),
    "map.data": ("Giữ dữ liệu", "Look after the data"),
    "map.examples": (
        "Ví dụ: cqn import roster danh-sach.xlsx · cqn report --period 2025 -o bao-cao.xlsx",
        "For example: cqn import roster roster.xlsx · cqn report --period 2025 -o report.xlsx",
    ),
    "map.more": (
        "Chi tiết từng lệnh: cqn LỆNH --help (vd. cqn import roster --help).",
        "Each command's details: cqn COMMAND --help (e.g. cqn import roster --help).",
    ),
    "usage.did_you_mean": ("Có phải: {value}?", "Did you mean: {value}?"),
    "usage.missing": ("thiếu {param}.", "missing {param}."),
    "usage.bad_value": (
        "giá trị không hợp lệ cho {param}: {reason}",
        "invalid value for {param}: {reason}",
    ),
    "usage.one_of": (
        "'{value}' không phải một trong: {choices}.",
        "'{value}' is not one of: {choices}.",
    ),
    "usage.whole_number_between": (
        "'{value}' không phải một số nguyên từ {min} đến {max}.",
        "'{value}' is not a whole number from {min} to {max}.",
    ),
    "usage.path_missing": ("không có {path}.", "{path} does not exist."),
    "usage.path_directory": (
        "{path} là một thư mục, cần một tệp.",
        "{path} is a folder, not a file.",
    ),
    "usage.path_unreadable": ("không đọc được {path}.", "{path} cannot be read."),
    "usage.needs_value": ("{option} cần một giá trị.", "{option} needs a value."),
    "usage.takes_no_value": (
        "{option} không nhận giá trị (chỉ viết {option}).",
        "{option} takes no value (write {option} alone).",
    ),
    "usage.extra_args": ("thừa trong lệnh: {args}.", "not expected here: {args}."),
    "usage.see_help": ("xem '{command} --help'.", "see '{command} --help'."),
    "usage.bad_date": (
        "'{value}': {reason}.",
        "'{value}': {reason}.",
    ),
    "usage.bad_map": (
        "--map phải có dạng 'Tiêu đề=trường': '{value}'.",
        "--map must read 'Header=field': '{value}'.",
    ),
    "usage.map_twice": (
        "--map gán cột '{header}' cho hai trường, {first} và {second}: một cột chỉ là một trường.",
        "--map gives the column '{header}' two fields, {first} and {second}: a column is one"
        " field.",
    ),
    "usage.unknown_field": (
        "Không có trường '{value}'. Các trường: {fields}.",
        "No field '{value}'. Fields: {fields}.",
    ),
    "usage.skip_bad_needs_rejects": (
        "--skip-bad cần --rejects TỆP để ghi các dòng bị loại.",
        "--skip-bad needs --rejects FILE to keep the rejected rows.",
    ),
    "usage.rejects_needs_skip_bad": (
        "--rejects chỉ dùng với --skip-bad: không có nó, một dòng lỗi thì cả tệp không"
        " được ghi (và không có dòng nào bị loại riêng).",
        "--rejects goes with --skip-bad: without it, one bad row and nothing is written"
        " (no row is rejected on its own).",
    ),
    "usage.rejects_one_file": (
        "--rejects chỉ dùng khi nhập một tệp.",
        "--rejects works with one input file at a time.",
    ),
    "usage.no_sheet": (
        "Không có trang tính '{sheet}'; các trang: {sheets}.",
        "No sheet '{sheet}'; the sheets are: {sheets}.",
    ),
    "usage.rejects_is_input": (
        "{option} không được trùng tệp đang nhập.",
        "{option} must not be the file being imported.",
    ),
    "usage.rejects_bad_path": (
        "Không ghi được tệp {option} {path}: thư mục không có, hoặc đó là một thư mục.",
        "Cannot write {option} {path}: no such directory, or it is a directory.",
    ),
    "usage.bad_ward": ("--ward: {reason}", "--ward: {reason}"),
    "usage.bad_delimiter": (
        "Dấu phân cách phải là một ký tự hoặc 'tab': '{value}'.",
        "The separator must be one character or 'tab': '{value}'.",
    ),
    "usage.bad_encoding": ("Bảng mã không biết: '{value}'.", "Unknown encoding: '{value}'."),
    "usage.cannot_write": (
        "Không ghi được {path}: {reason}.",
        "Cannot write {path}: {reason}.",
    ),
    "stdout": ("đầu ra chuẩn", "standard output"),
    "usage.output_is_db": (
        "{path} là chính tệp cơ sở dữ liệu (hoặc tệp đi kèm); hãy chọn tệp khác.",
        "{path} is the database itself (or one of its files); choose another file.",
    ),
    "usage.nothing_to_edit": ("Không có gì để sửa.", "Nothing to edit."),
    "usage.search_too_long": (
        "Chuỗi tìm dài {length} ký tự: quá dài cho một họ tên, mã hay số (tối đa {most}).",
        "The search text is {length} characters long: too long for a name, an id or a number"
        " (at most {most}).",
    ),
    "usage.nothing_to_search": (
        "Không có gì để tìm: hãy gõ một phần họ tên, mã CQN, số CCCD hoặc số điện thoại"
        " (để xem mọi người: cqn person list).",
        "Nothing to search for: give part of a name, a person id, a national id or a phone"
        " (everybody: cqn person list).",
    ),
    "usage.status_needs_date": (
        "Trạng thái {status} cần ngày bắt đầu (--on dd/mm/yyyy).",
        "Status {status} needs a date (--on).",
    ),
    # ---- errors: not found ------------------------------------------------
    "person.not_found": ("Không có CQN {value}.", "No person {value}."),
    "person.bad_id": (
        "Mã CQN không hợp lệ: '{value}' (ví dụ CQN000012).",
        "Invalid person id: '{value}' (e.g. CQN000012).",
    ),
    "ward.not_found": ("Không có phường '{value}'.", "No ward '{value}'."),
    "ward.not_found_suggest": (
        "Không có phường '{value}'; có phải '{suggestion}'?",
        "No ward '{value}'; did you mean '{suggestion}'?",
    ),
    "ward.ambiguous": (
        "Tên phường '{value}' không rõ: {candidates}.",
        "Ward '{value}' is ambiguous: {candidates}.",
    ),
    "ward.exists": (
        "Đã có phường mã {value} đang hiệu lực.",
        "A ward {value} is already in force.",
    ),
    "ward.shared": (
        "Lưu ý: {wards} cũng mang tên hoặc mã này và còn hiệu lực; cho đến khi sáp nhập"
        " vào phường mới (cqn ward merge …) hoặc hết hiệu lực, tên/mã này không đọc được"
        " ở những ngày cả hai còn hiệu lực.",
        "Note: {wards} also bear this name or code and are still in force; until they are"
        " merged into the new ward (cqn ward merge …) or end, the name or code cannot be"
        " read on a day both are in force.",
    ),
    "ward.alias_taken": (
        "Bí danh '{alias}' trùng tên phường khác ({wards}); không thêm.",
        "Alias '{alias}' is another ward's name ({wards}); not added.",
    ),
    "ward.alias_added": (
        "Đã thêm bí danh '{alias}' cho {ward}.",
        "Alias '{alias}' added to {ward}.",
    ),
    "ward.added": ("Đã thêm {ward} ({code}).", "Added {ward} ({code})."),
    "ward.merged": (
        "Đã sáp nhập {old} vào {new} từ {date}.",
        "Merged {old} into {new} from {date}.",
    ),
    "ward.merge_not_yet": (
        "{ward} chưa có hiệu lực trước ngày {date}, không thể sáp nhập.",
        "{ward} is not yet in force before {date}; it cannot be merged.",
    ),
    "ward.merge_target_not_yet": (
        "{ward} chưa có hiệu lực ngày {date}.",
        "{ward} is not yet in force on {date}.",
    ),
    "ward.merge_target_ended": (
        "{ward} đã hết hiệu lực trước ngày {date}.",
        "{ward} is no longer in force on {date}.",
    ),
    "ward.already_merged": (
        "{ward} đã sáp nhập vào {into} (hết hiệu lực ngày {date}); không sửa lại lịch sử.",
        "{ward} was already merged into {into} (in force until {date}); history is not rewritten.",
    ),
    "ward.merge_loop": (
        "Sáp nhập {ward} vào {into} tạo vòng lặp: {into} đã là (hoặc sẽ thuộc) {ward}.",
        "Merging {ward} into {into} makes a loop: {into} already becomes {ward}.",
    ),
    "ward.merge_into_self": (
        "Không thể sáp nhập {ward} vào chính nó.",
        "Cannot merge {ward} into itself.",
    ),
    # ---- import -----------------------------------------------------------
    "import.reader_stopped": (
        "{path}: tiến trình thứ hai đọc tệp đã bị dừng (tín hiệu {signal}); không ghi gì.",
        "{path}: the second process reading the file was stopped (signal {signal});"
        " nothing was written.",
    ),
    "import.refused": (
        "{path}: {count} dòng lỗi; không ghi gì.",
        "{path}: {count} bad row(s); nothing was written.",
    ),
    "import.some_refused": (
        "{refused}/{files} tệp bị từ chối (không ghi gì của các tệp đó); các tệp khác đã nhập"
        " như từng dòng trên ghi.",
        "{refused} of {files} files refused (nothing of them written); the others were"
        " imported as their lines above say.",
    ),
    "import.file_refused": (
        "{path}: tệp bị từ chối; không ghi gì.",
        "{path}: the file is refused; nothing was written.",
    ),
    "options.refused": (
        "{count} giá trị bị từ chối; không ghi gì.",
        "{count} value(s) refused; nothing was written.",
    ),
    "import.already": (
        "{path}: tệp giống hệt đã nhập lúc {when}; không có gì thay đổi (dùng --force để nhập lại).",
        "{path}: identical file already imported at {when}; nothing changed (--force to redo).",
    ),
    "import.summary": (
        "{path}: {rows} dòng — thêm {inserted}, cập nhật {updated}, không đổi {unchanged}, loại {rejected}.",
        "{path}: {rows} rows — {inserted} inserted, {updated} updated, {unchanged} unchanged, "
        "{rejected} rejected.",
    ),
    "import.dry_run": (
        "{path} (thử, không ghi): {rows} dòng — sẽ thêm {inserted}, cập nhật {updated}, "
        "không đổi {unchanged}, loại {rejected}.",
        "{path} (dry run, nothing written): {rows} rows — would insert {inserted}, "
        "update {updated}, leave {unchanged} unchanged, reject {rejected}.",
    ),
    "import.rejects_written": (
        "Các dòng bị loại đã ghi vào {path}.",
        "Rejected rows written to {path}.",
    ),
    "import.header_skipped": (
        "{path}: bỏ qua {count} dòng tiêu đề phía trên dòng tên cột.",
        "{path}: skipped {count} title rows above the header.",
    ),
    "warn.hidden_rows": (
        "{where}: {count} dòng bị ẩn trong Excel vẫn được đọc như các dòng khác (dòng"
        " {lines}): ẩn đi, chúng vẫn nằm trong tệp; muốn bỏ thì xoá chúng khỏi tệp.",
        "{where}: {count} rows hidden in Excel are read like the others (rows {lines}):"
        " hidden, they are still in the file; to leave them out, delete them from it.",
    ),
    "warn.ids_not_read": (
        "{where}: cột này không được đọc: một người được nhận ra theo số CCCD, hoặc theo họ"
        " tên, ngày sinh và phường; một dòng đổi họ tên mà không có CCCD là một người mới"
        " (đổi tên một người: cqn person edit).",
        "{where}: this column is not read: a person is known by their CCCD, or by name,"
        " birth date and ward; a row whose name changed and that has no CCCD is someone new"
        " (to rename a person: cqn person edit).",
    ),
    "warn.unknown_columns": (
        "{path}: bỏ qua các cột không biết: {columns}.",
        "{path}: ignored unknown columns: {columns}.",
    ),
    "warn.cccd_padded": (
        "{where}: số CCCD mất số 0 đầu (Excel coi nó là một số); đã thêm lại.",
        "{where}: the id had lost its leading zeros (Excel took it for a number); they were"
        " put back.",
    ),
    "warn.cccd_gender": (
        "{where}: chữ số thế kỷ/giới tính của CCCD không khớp giới tính.",
        "{where}: the id's century/sex digit contradicts the gender.",
    ),
    "warn.cccd_birth_year": (
        "{where}: năm sinh trong CCCD không khớp ngày sinh.",
        "{where}: the birth year in the id contradicts the birth date.",
    ),
    "warn.meeting_retitled": (
        "{where}: tiêu đề cuộc họp {code} đổi từ '{old}' thành '{new}'.",
        "{where}: the title of meeting {code} changed from '{old}' to '{new}'.",
    ),
    "warn.possible_duplicate": (
        "{where}: có thể trùng với {candidates} (cùng họ tên, cùng phường trên bản đồ hiện nay); "
        "dòng này là một người mới.",
        "{where}: possible duplicate of {candidates} (same name, same ward on today's map); "
        "this row is a new person.",
    ),
    "warn.renamed": (
        "{where}: đổi họ tên '{old}' thành '{new}' theo số CCCD; hãy kiểm tra lại số.",
        "{where}: name changed from '{old}' to '{new}' by the national id; check the number.",
    ),
    "warn.more": ("… và {count} cảnh báo khác.", "… and {count} more warnings."),
    "warn.more_hint": (
        "… và {count} cảnh báo khác (ghi đủ ra tệp: --warnings TỆP).",
        "… and {count} more warnings (all of them to a file: --warnings FILE).",
    ),
    "warn.more_in_file": (
        "… và {count} cảnh báo khác, có đủ trong {path}.",
        "… and {count} more warnings, all of them in {path}.",
    ),
    # ---- reasons (row problems) ---------------------------------------------
    "date.bad": (
        "không phải ngày (viết dd/mm/yyyy)",
        "not a date (write dd/mm/yyyy)",
    ),
    "date.excel_serial": (
        "đây là số ngày của Excel ({day}), không phải ngày: hãy định dạng cột là ngày"
        " dd/mm/yyyy trong Excel rồi lưu lại",
        "Excel's number of a day ({day}), not a date: format the column as a date"
        " dd/mm/yyyy in Excel and save again",
    ),
    "date.two_digit_year": (
        "năm chỉ có 2 chữ số: hãy viết năm đủ 4 chữ số",
        "two-digit year: write the year in full",
    ),
    "date.too_old": ("năm trước 1900", "year before 1900"),
    "date.too_far": ("năm sau 9998", "year after 9998"),
    "date.no_such_day": ("ngày không tồn tại", "no such day"),
    "date.future": ("ngày trong tương lai", "date in the future"),
    "date.partial_not_allowed": (
        "cột này cần ngày đầy đủ dd/mm/yyyy",
        "this column needs a full date dd/mm/yyyy",
    ),
    "value.bad_bool": ("không phải Có/Không", "not yes/no"),
    "value.bad_gender": ("giới tính phải là Nam hoặc Nữ", "gender must be Nam/Nữ (male/female)"),
    "value.bad_status": (
        "trạng thái không biết (đang sinh hoạt, chuyển đi, từ trần)",
        "unknown status (active, moved_out, deceased)",
    ),
    "value.masked_notes": (
        "chỉ có dấu *, như ghi chú bị che trong danh sách hay tệp xuất không có --reveal:"
        " hãy xuất lại với --reveal (một ghi chú thật cần có chữ)",
        "stars only, as notes are masked in a listing or export without --reveal: export"
        " again with --reveal (real notes need some words)",
    ),
    "value.scientific": (
        "Excel đã ghi số này dạng lũy thừa (E+) và làm mất các chữ số: hãy định dạng cột"
        " là Văn bản (Text) trong Excel và nhập lại số đầy đủ",
        "Excel wrote this number with an exponent (E+) and lost its digits: format the"
        " column as Text in Excel and type the full number again",
    ),
    "value.bad_cccd": ("số CCCD phải gồm 12 chữ số", "the national id must have 12 digits"),
    "value.bad_cccd_length": (
        "số CCCD có {length} chữ số, cần 12",
        "the national id has {length} digits, 12 needed",
    ),
    "value.bad_group_kind": ("loại nhóm phải là CLB hoặc BLL", "group kind must be CLB or BLL"),
    "value.bad_meeting_kind": (
        "loại cuộc họp không biết (họp quý, gặp mặt, sơ kết, tổng kết, khác)",
        "unknown meeting kind (quarterly, gathering, review, other)",
    ),
    "value.bad_mark": (
        "điểm danh không biết (có mặt, vắng có phép, vắng)",
        "unknown mark (present, excused, absent)",
    ),
    "value.bad_reason": (
        "lý do không biết (ốm đau, hoạn nạn, tang lễ / hiếu, khác)",
        "unknown reason (sick, hardship, bereavement, other)",
    ),
    "value.bad_money": (
        "số tiền không hợp lệ (ví dụ 500.000 hoặc 500.000đ)",
        "not an amount of money (e.g. 500.000 or 500.000đ)",
    ),
    "value.negative_money": ("số tiền âm", "negative amount"),
    "value.absurd_money": (
        "số tiền quá lớn (trên {limit} đồng)",
        "amount too large (over {limit} VND)",
    ),
    "value.bad_phone": ("số điện thoại không hợp lệ", "invalid phone number"),
    "value.masked": (
        "giá trị đã bị che (danh sách hay tệp xuất không có --reveal): hãy xuất lại với --reveal",
        "a masked value (a file listed or exported without --reveal): export again with --reveal",
    ),
    "value.formula": (
        "giá trị trông như công thức bảng tính, bị từ chối",
        "looks like a spreadsheet formula; refused",
    ),
    "value.nul": ("chứa ký tự NUL", "contains a NUL character"),
    "value.bom": (
        "chứa dấu BOM giữa tệp (hai tệp bị ghép vào nhau?)",
        "contains a byte-order mark mid-file (two files joined?)",
    ),
    "ward.bad_code": ("Mã phường phải là chữ số: '{value}'.", "A ward code is digits: '{value}'."),
    "value.required": ("bắt buộc, đang để trống", "required but empty"),
    "row.status_date_required": (
        "trạng thái {status} cần ngày trạng thái",
        "status {status} needs a status date",
    ),
    "row.discharge_before_enlist": (
        "ngày xuất ngũ trước ngày nhập ngũ",
        "discharged before enlisting",
    ),
    "row.enlist_before_birth": ("nhập ngũ trước ngày sinh", "enlisted before birth"),
    "row.against_held": (
        "{reason}, với những gì đang lưu về {person}",
        "{reason}, with what is held of {person}",
    ),
    "row.status_before_birth": ("ngày trạng thái trước ngày sinh", "status date before birth"),
    "row.status_before_registered": (
        "ngày trạng thái không sau ngày đăng ký vào danh sách",
        "status date not after the day the person entered the roster",
    ),
    "person.status_before_registered": (
        "Ngày {date} không sau ngày {id} vào danh sách ({registered}).",
        "{date} is not after {id} entered the roster ({registered}).",
    ),
    "person.status_before_birth": (
        "Ngày {date} trước ngày sinh của {id} {name}.",
        "{date} is before the birth date of {id} {name}.",
    ),
    "person.status_in_future": ("Ngày {date} ở tương lai.", "{date} is in the future."),
    "ward.empty": (
        "Tên hoặc bí danh phường không được để trống.",
        "A ward name or alias cannot be empty.",
    ),
    "row.field_count": (
        "dòng có {found} ô, tiêu đề có {expected}",
        "row has {found} fields, the header has {expected}",
    ),
    "row.cccd_duplicate_in_file": (
        "số CCCD trùng với dòng {other} của cùng tệp",
        "same national id as line {other} of this file",
    ),
    "row.person_changed_in_file": (
        "là người mà dòng {other} vừa đổi họ tên hoặc phường; nếu là người khác, hãy ghi số CCCD",
        "the person whose name or ward line {other} has just changed; if this is someone"
        " else, give their national id",
    ),
    "row.person_duplicate_in_file": (
        "trùng người ở dòng {other} (cùng họ tên, ngày sinh, phường)",
        "same person as line {other} (name, birth date, ward)",
    ),
    "row.cccd_conflict": (
        "số CCCD {cccd} đã thuộc về {person_id} {name} (tên và ngày sinh khác): có thể gõ nhầm số",
        "national id {cccd} already belongs to {person_id} {name} (other name and birth "
        "date): probably a mistyped number",
    ),
    "row.ambiguous_person": (
        "khớp nhiều người: {candidates}; hãy ghi số CCCD",
        "matches several people: {candidates}; give the national id",
    ),
    "ref.unknown_cccd": (
        "không có CQN nào mang số CCCD {value}",
        "nobody holds national id {value}",
    ),
    "ref.disagrees": (
        "số CCCD thuộc về {person}, khác họ tên và ngày sinh trên dòng này",
        "the national id belongs to {person}, whose name and birth date differ from this row",
    ),
    "ref.bare_number": (
        "một số trơn: mã CQN viết CQN000012, số CCCD viết đủ 12 chữ số (đây là số thứ tự?)",
        "a bare number: write a cqn id as CQN000012, a national id with its 12 digits"
        " (is this a row number?)",
    ),
    "ref.unknown_id": ("không có CQN mã {value}", "no person with id {value}"),
    "ref.id_disagrees": (
        "số CCCD thuộc về {person}, không phải người có mã CQN trên dòng này",
        "the national id belongs to {person}, not to the person of this row's cqn id",
    ),
    "ref.forgotten": (
        "dữ liệu cá nhân của {id} đã bị xoá; không ghi thêm gì cho người này",
        "the personal data of {id} was erased; nothing more is recorded for them",
    ),
    "ref.missing": (
        "thiếu người: ghi số CCCD, mã CQN, hoặc họ tên + ngày sinh + phường",
        "no person given: write the national id, the person id, or name + birth date + ward",
    ),
    "ref.unknown_person": (
        "không tìm thấy '{value}' với ngày sinh và phường này",
        "nobody called '{value}' with this birth date and ward",
    ),
    "ref.unknown_person_birth": (
        "không ai tên '{value}' có ngày sinh {birth}",
        "nobody called '{value}' was born on {birth}",
    ),
    "ref.unknown_person_ward": (
        "không ai tên '{value}' ở {ward}",
        "nobody called '{value}' lives in {ward}",
    ),
    "ref.unknown_name": ("không có ai tên '{value}'", "nobody is called '{value}'"),
    "ref.unknown_name_suggest": (
        "không có ai tên '{value}'; có phải {suggestion}?",
        "nobody is called '{value}'; did you mean {suggestion}?",
    ),
    "ref.ambiguous": (
        "khớp nhiều người: {candidates}; hãy ghi số CCCD hoặc mã CQN",
        "matches several people: {candidates}; give the national id or the person id",
    ),
    "ref.unknown_group": ("không có nhóm mã '{value}'", "no group with code '{value}'"),
    "ref.unknown_group_suggest": (
        "không có nhóm mã '{value}'; có phải '{suggestion}'?",
        "no group with code '{value}'; did you mean '{suggestion}'?",
    ),
    "row.code_twice": ("mã này đã có ở dòng {other} của cùng tệp", "same code as line {other}"),
    "group.dissolved_before_founded": (
        "ngày giải thể không sau ngày thành lập",
        "dissolved on or before the founding date",
    ),
    "group.would_orphan_membership": (
        "ngày thành lập/giải thể mới để một thành viên (vào ngày {date}) nằm ngoài thời gian nhóm tồn tại",
        "the new founding/dissolution dates leave a membership (joined {date}) outside the group's life",
    ),
    "group.would_orphan_meeting": (
        "ngày thành lập/giải thể mới để một cuộc họp (ngày {date}) nằm ngoài thời gian nhóm tồn tại",
        "the new founding/dissolution dates leave a meeting ({date}) outside the group's life",
    ),
    "visit.before_birth": (
        "thăm trước ngày sinh của người đó ({date})",
        "a visit before the person was born ({date})",
    ),
    "visit.group_not_existing": (
        "nhóm chưa thành lập hoặc đã giải thể ngày thăm ({date})",
        "the group did not exist on the day of the visit ({date})",
    ),
    "member.before_birth": (
        "tham gia trước ngày sinh của người đó ({date})",
        "joined before the person was born ({date})",
    ),
    "member.before_founding": (
        "tham gia trước ngày thành lập nhóm ({date})",
        "joined before the group was founded ({date})",
    ),
    "member.after_dissolution": (
        "tham gia khi nhóm đã giải thể ({date})",
        "joined after the group was dissolved ({date})",
    ),
    "member.left_before_joined": ("ngày rời trước ngày tham gia", "left before joining"),
    "row.member_twice": (
        "cùng người, cùng nhóm, cùng ngày tham gia như dòng {other}",
        "same person, group and joining date as line {other}",
    ),
    "member.overlap_line": (
        "trùng thời gian với một lần tham gia khác của người này trong nhóm {group} (dòng {other})",
        "overlaps another membership of this person in {group} (line {other})",
    ),
    "member.overlap": (
        "trùng thời gian với một lần tham gia khác của người này trong nhóm {group} ({other})",
        "overlaps another membership of this person in {group} ({other})",
    ),
    "meeting.several_that_day": (
        "{group} có nhiều cuộc họp loại này trong ngày đó ({codes}): chọn một bằng --code.",
        "{group} held several meetings of this kind that day ({codes}): choose one with --code.",
    ),
    "meeting.group_not_existing": (
        "nhóm {group} không tồn tại vào ngày này (thành lập {founded}, giải thể {dissolved})",
        "group {group} did not exist that day (founded {founded}, dissolved {dissolved})",
    ),
    "meeting.disagrees": (
        "cuộc họp này đã có với ngày, loại hoặc nhóm khác (dòng {other})",
        "this meeting is already known with another date, kind or group (line {other})",
    ),
    "meeting.marked_twice": (
        "người này đã được điểm danh ở {other}",
        "this person is already marked by {other}",
    ),
    "row.marked_twice": (
        "người này đã được điểm danh ở cuộc họp này (dòng {other})",
        "this person is already marked at this meeting (line {other})",
    ),
    "row.visit_twice": (
        "cùng người, cùng ngày, cùng lý do, cùng nhóm như dòng {other}",
        "same person, date, reason and group as line {other}",
    ),
    "file.missing_column": (
        "thiếu cột bắt buộc '{field}' ({aliases})",
        "missing required column '{field}' ({aliases})",
    ),
    "file.other_sheets": (
        "đã đọc trang tính đầu tiên '{first}'; sổ còn các trang: {sheets}; chọn trang có"
        " danh sách bằng --sheet 'Tên trang'",
        "read the first sheet, '{first}'; the workbook also has: {sheets}; choose the one"
        " with the list with --sheet 'Sheet name'",
    ),
    "file.missing_ward": (
        "thiếu cột '{field}' ({aliases}): mỗi dòng cần một phường; nếu cả tệp cùng một"
        " phường, ghi --ward 'Tên phường'",
        "missing column '{field}' ({aliases}): every row needs a ward; if the whole file"
        " is one ward, give --ward 'Ward name'",
    ),
    "file.missing_ward_among": (
        "thiếu cột '{field}' ({aliases}): mỗi dòng cần một phường; các cột không nhận ra:"
        " {unknown}; chỉ cột nào là phường bằng --map 'Tiêu đề={field}', hoặc nếu cả tệp"
        " cùng một phường, ghi --ward 'Tên phường'",
        "missing column '{field}' ({aliases}): every row needs a ward; columns not"
        " recognised: {unknown}; say which is the ward with --map 'Header={field}', or if"
        " the whole file is one ward, give --ward 'Ward name'",
    ),
    "file.missing_column_among": (
        "thiếu cột bắt buộc '{field}' ({aliases}); các cột không nhận ra: {unknown};"
        " chỉ cột nào là '{field}' bằng --map 'Tiêu đề={field}'",
        "missing required column '{field}' ({aliases}); columns not recognised: {unknown};"
        " say which is '{field}' with --map 'Header={field}'",
    ),
    "file.lost_letters": (
        "dòng tiêu đề có '?' thay cho chữ bị mất ({seen}): tệp đã được lưu bằng bảng mã"
        " không có chữ Việt; hãy lưu lại tệp gốc dưới dạng CSV UTF-8",
        "the header holds '?' where letters were lost ({seen}): the file was saved in a"
        " code page without Vietnamese letters; save the original again as CSV UTF-8",
    ),
    "file.duplicate_column": (
        "cột '{header}' trùng trường '{field}' với cột {other}",
        "column '{header}' maps to '{field}' like column {other}",
    ),
    "file.empty": ("tệp rỗng, không có dòng tiêu đề", "the file is empty: no header"),
    "file.no_rows": ("tệp chỉ có tiêu đề, không có dòng dữ liệu", "header only, no data rows"),
    "file.not_found": ("không có tệp", "no such file"),
    "file.unreadable": ("không đọc được tệp: {reason}", "cannot read the file: {reason}"),
    "file.csv_error": ("lỗi định dạng CSV: {reason}", "malformed CSV: {reason}"),
    "csv.unclosed_quote": (
        "một dấu ngoặc kép mở ở dòng này không bao giờ được đóng",
        "a quote opened on this line is never closed",
    ),
    "csv.after_quote": (
        "sau dấu ngoặc kép đóng phải là dấu phân cách hoặc hết dòng",
        "a closing quote must be followed by the separator or the end of the line",
    ),
    "file.nul": ("tệp chứa ký tự NUL (không phải văn bản CSV?)", "NUL byte (not a CSV text file?)"),
    "file.decode": (
        "không giải mã được theo bảng mã {encoding} (byte {offset})",
        "cannot be decoded as {encoding} (byte {offset})",
    ),
    "file.field_too_large": (
        "ô quá lớn (trên {limit} ký tự)",
        "field too large (over {limit} chars)",
    ),
    "file.old_xls": (
        "đây là sổ Excel 97-2003 (.xls): hãy mở trong Excel và lưu thành .xlsx hoặc CSV UTF-8",
        "an Excel 97-2003 workbook (.xls): open it in Excel and save it as .xlsx or CSV UTF-8",
    ),
    "file.not_xlsx": (
        "tên là .xlsx nhưng không phải sổ Excel (bị cắt, hỏng hoặc là tệp khác đổi tên)",
        "named .xlsx but not an Excel workbook (cut short, damaged, or another file renamed)",
    ),
    "file.bad_xlsx": (
        "không đọc được sổ Excel này (hỏng hoặc bị cắt): hãy mở trong Excel và lưu lại",
        "cannot read this Excel workbook (damaged or cut short): open it in Excel and save"
        " it again",
    ),
    "file.uncomputed_formula": (
        "ô {cell} có công thức chưa được tính ra giá trị (tệp do một chương trình ghi,"
        " chưa từng mở và lưu bằng Excel): hãy mở tệp bằng Excel hoặc LibreOffice, lưu"
        " lại rồi nhập lại",
        "cell {cell} holds a formula whose value was never computed (the file was written"
        " by a program and never saved by a spreadsheet): open it in Excel or LibreOffice,"
        " save it, and import it again",
    ),
    "file.unknown_ward": ("không có phường '{value}'", "no ward '{value}'"),
    "file.unknown_ward_suggest": (
        "không có phường '{value}'; có phải '{suggestion}'?",
        "no ward '{value}'; did you mean '{suggestion}'?",
    ),
    "file.ambiguous_ward": ("tên phường không rõ: {candidates}", "ambiguous ward: {candidates}"),
    # ---- groups, meetings, visits -----------------------------------------
    "group.not_found": ("Không có nhóm mã '{value}'.", "No group '{value}'."),
    "group.not_found_suggest": (
        "Không có nhóm mã '{value}'; có phải: {suggestion}?",
        "No group '{value}'; did you mean: {suggestion}?",
    ),
    "group.exists": ("Đã có nhóm mã '{value}'.", "Group '{value}' already exists."),
    "group.not_a_member": (
        "{person} không phải thành viên {group} vào ngày đó.",
        "{person} is not a member of {group} on that day.",
    ),
    "group.added": ("Đã thêm nhóm {code} — {name}.", "Added group {code} — {name}."),
    "group.joined": ("{person} tham gia {group} từ {date}.", "{person} joined {group} on {date}."),
    "group.already_joined": (
        "{person} đã là thành viên {group} từ {date}; không đổi gì.",
        "{person} has been a member of {group} since {date}; nothing changed.",
    ),
    "group.join_updated": (
        "{person} đã là thành viên {group} từ {date}; đã cập nhật chức vụ.",
        "{person} has been a member of {group} since {date}; their role is updated.",
    ),
    "group.left": ("{person} rời {group} từ {date}.", "{person} left {group} on {date}."),
    "meeting.not_found": ("Không có cuộc họp mã '{value}'.", "No meeting '{value}'."),
    "meeting.not_found_suggest": (
        "Không có cuộc họp mã '{value}'; có phải: {suggestion}?",
        "No meeting '{value}'; did you mean: {suggestion}?",
    ),
    "meeting.no_marks": (
        "Chưa có ai được điểm danh: dùng --present, --excused, --absent hoặc --present-file.",
        "Nobody marked: use --present, --excused, --absent or --present-file.",
    ),
    "meeting.recorded_again": (
        "Cuộc họp {code} đã có từ trước: thêm {inserted} điểm danh, sửa {updated},"
        " không đổi {unchanged}.",
        "Meeting {code} is recorded already: {inserted} mark(s) added, {updated} changed,"
        " {unchanged} unchanged.",
    ),
    "meeting.recorded": (
        "Cuộc họp {code}: dự kiến {expected}, có mặt {present}, vắng có phép {excused}, "
        "vắng {absent}, khách {guests}.",
        "Meeting {code}: expected {expected}, present {present}, excused {excused}, "
        "absent {absent}, guests {guests}.",
    ),
    "visit.recorded": (
        "Đã ghi lần thăm {person} ngày {date}.",
        "Visit to {person} on {date} recorded.",
    ),
    "visit.already_recorded": (
        "Lần thăm {person} ngày {date} đã có, y như vậy; không đổi gì.",
        "The visit to {person} on {date} is recorded already, as given; nothing changed.",
    ),
    "visit.updated": (
        "Lần thăm {person} ngày {date} đã có; đã cập nhật quà tặng, nhóm hoặc ghi chú.",
        "The visit to {person} on {date} is recorded already; its gift, group or notes"
        " are updated.",
    ),
    # ---- stats --------------------------------------------------------------
    "grp.stats": ("Các số liệu của báo cáo (SPEC §4).", "The figures of the report."),
    "opt.map_date": (
        "Bản đồ phường của ngày này (mặc định: ngày tính hoặc cuối kỳ).",
        "Ward map of this date (default: the as-of date or the period's end).",
    ),
    "opt.period": ("Kỳ: 2019, 2019Q2 hoặc 2019-05.", "Period: 2019, 2019Q2 or 2019-05."),
    "opt.by": ("Nhóm theo.", "Group by."),
    "opt.last": ("Số cuộc họp gần nhất xét (mặc định 4).", "How many last meetings (default 4)."),
    "usage.bad_period": (
        "Kỳ không hợp lệ: '{value}' (viết 2019, 2019Q2 hoặc 2019-05).",
        "Invalid period: '{value}' (write 2019, 2019Q2 or 2019-05).",
    ),
    "usage.period_year": (
        "Kỳ không hợp lệ: '{value}': năm phải từ 1900 đến 9998.",
        "Invalid period: '{value}': the year must be from 1900 to 9998.",
    ),
    "usage.period_and_dates": (
        "Dùng --period hoặc --from/--to, không dùng cả hai.",
        "Use --period or --from/--to, not both.",
    ),
    "usage.no_previous_period": (
        "Kỳ {period} quá dài: kỳ trước nó, để so sánh trong báo cáo, sẽ bắt đầu trước năm 1"
        " (gõ nhầm năm?).",
        "The period {period} is too long: the period before it, which the report compares"
        " it with, would begin before year 1 (a year mistyped?).",
    ),
    "usage.period_backwards": ("--to trước --from.", "--to is before --from."),
    "usage.period_in_future": (
        "Kỳ {period} chưa bắt đầu: chưa có gì để tính.",
        "The period {period} has not begun: there is nothing to count yet.",
    ),
    "usage.from_after_today": (
        "--from {date} là sau hôm nay: kỳ này chưa bắt đầu, chưa có gì để tính.",
        "--from {date} is after today: the period has not begun, there is nothing to count yet.",
    ),
    "usage.bad_last": ("--last phải từ 1 trở lên: {value}.", "--last must be 1 or more: {value}."),
    "col.rate": ("Tỷ lệ", "Rate"),
    "col.gathered": ("Đã tập hợp", "Gathered"),
    "col.quarter": ("Quý", "Quarter"),
    "col.meetings": ("Số cuộc họp", "Meetings"),
    "col.quarters": ("Số quý", "Quarters"),
    "col.quarters_met": ("Quý có họp", "Quarters met"),
    "col.missed": ("Quý không họp", "Missed"),
    "col.year": ("Năm", "Year"),
    "col.occasion": ("Dịp", "Occasion"),
    "col.visits": ("Lượt thăm", "Visits"),
    "col.people_visited": ("Số người được thăm", "People visited"),
    "col.gift_total": ("Tổng quà", "Gifts"),
    "col.last_present": ("Lần có mặt cuối", "Last present"),
    "col.clubs": ("Số CLB", "Clubs"),
    "col.boards": ("Số BLL", "Boards"),
    "col.smallest_group": ("Nhóm ít nhất", "Smallest"),
    "col.largest_group": ("Nhóm đông nhất", "Largest"),
    "title.gathering": ("Tập hợp CQN ngày {date}", "Gathering at {date}"),
    "title.attendance": ("Tỷ lệ dự họp {start}–{end}", "Attendance {start}–{end}"),
    "title.meetings_compliance": (
        "Sinh hoạt định kỳ hàng quý của các CLB {start}–{end}",
        "Quarterly meetings of the clubs {start}–{end}",
    ),
    "title.gatherings": (
        "Gặp mặt 30/4 và 22/12 ({start}–{end})",
        "30/4 and 22/12 gatherings ({start}–{end})",
    ),
    "title.visits_stats": ("Thăm hỏi {start}–{end}", "Visits {start}–{end}"),
    "title.inactive": (
        "Thành viên không dự {last} cuộc họp gần nhất (ngày {date})",
        "Members absent from the last {last} meetings (at {date})",
    ),
    "title.profile": ("Thành phần CQN đã tập hợp ngày {date}", "Profile of the gathered at {date}"),
    "cmd.stats.gathering": (
        "Số CQN trong danh sách và đã tập hợp vào CLB/BLL, theo phường hoặc theo nhóm.\n\n"
        "Ví dụ: cqn stats gathering --as-of 31/12/2019 --by ward --map-date 31/12/2019",
        "People on the roster and gathered into clubs/boards, by ward or by group.\n\n"
        "Example: cqn stats gathering --as-of 2019-12-31 --by group",
    ),
    "cmd.stats.attendance": (
        "Tỷ lệ dự họp (có mặt / dự kiến) theo phường, nhóm, quý hoặc loại.\n\n"
        "Ví dụ: cqn stats attendance --period 2019 --by quarter",
        "Attendance rate (present / expected) by ward, group, quarter or kind.\n\n"
        "Example: cqn stats attendance --period 2019 --by quarter",
    ),
    "cmd.stats.meetings": (
        "CLB có họp mỗi quý không: số quý, số quý có họp, các quý bỏ họp.\n\n"
        "Ví dụ: cqn stats meetings --period 2019",
        "Quarterly compliance of the clubs: quarters counted, met, missed.\n\n"
        "Example: cqn stats meetings --period 2019",
    ),
    "cmd.stats.gatherings": (
        "Gặp mặt 30/4 và 22/12 theo phường (trong vòng 15 ngày).\n\n"
        "Ví dụ: cqn stats gatherings --period 2019",
        "The 30/4 and 22/12 gatherings by ward (within 15 days).\n\n"
        "Example: cqn stats gatherings --period 2019",
    ),
    "cmd.stats.visits": (
        "Thăm hỏi: số lượt, số người, tổng quà, theo phường hoặc lý do.\n\n"
        "Ví dụ: cqn stats visits --period 2019 --by reason",
        "Visits: count, people, gifts, by ward or reason.\n\n"
        "Example: cqn stats visits --period 2019 --by reason",
    ),
    "cmd.stats.inactive": (
        "Thành viên được mời cả N cuộc họp gần nhất của nhóm mà không dự lần nào.\n\n"
        "Ví dụ: cqn stats inactive --as-of 31/12/2019 --last 4",
        "Members expected at each of their group's last N meetings and present at none.\n\n"
        "Example: cqn stats inactive --as-of 2019-12-31 --last 4",
    ),
    "cmd.stats.profile": (
        "Thành phần CQN đã tập hợp (đảng viên, đoàn viên, DBĐV, hội viên CCB) và CLB/BLL theo phường.\n\n"
        "Ví dụ: cqn stats profile --as-of 31/12/2019",
        "Profile of the gathered (party, youth union, reservists, CCB) and groups per ward.\n\n"
        "Example: cqn stats profile --as-of 2019-12-31",
    ),
    # ---- report -------------------------------------------------------------
    "report.lang": ("vi", "en"),
    "report.title": (
        "Báo cáo sơ kết công tác tập hợp cựu quân nhân ({start} – {end})",
        "Review report on gathering former military personnel ({start} – {end})",
    ),
    # The report's sheets in a workbook (at most 31 characters, none of []:*?/\).
    "sheet.gathering": ("1. Tập hợp", "1. Gathering"),
    "sheet.profile": ("2. Thành phần", "2. Profile"),
    "sheet.groups": ("3. CLB, BLL", "3. Clubs and boards"),
    "sheet.meetings": ("4. Sinh hoạt quý", "4. Quarterly meetings"),
    "sheet.attendance_by_quarter": ("5. Dự họp theo quý", "5. Attendance by quarter"),
    "sheet.attendance_by_kind": ("6. Dự họp theo loại", "6. Attendance by kind"),
    "sheet.gatherings": ("7. Gặp mặt", "7. Gatherings"),
    "sheet.visits_by_ward": ("8. Thăm hỏi theo phường", "8. Visits by ward"),
    "sheet.visits_by_reason": ("9. Thăm hỏi theo lý do", "9. Visits by reason"),
    "sheet.inactive": ("Phụ lục - không dự họp", "Appendix - inactive members"),
    "report.gathering": (
        "1. Cựu quân nhân trong danh sách và đã tập hợp vào CLB, BLL (theo phường)",
        "1. People on the roster and gathered into clubs and boards (by ward)",
    ),
    "report.profile": (
        "2. Thành phần CQN đã tập hợp",
        "2. Profile of the gathered",
    ),
    "report.groups": (
        "3. Các CLB, BLL và số thành viên",
        "3. Clubs and boards with their members",
    ),
    "report.meetings": (
        "4. Sinh hoạt định kỳ hàng quý của các CLB (các quý không họp)",
        "4. Quarterly meetings of the clubs (quarters missed)",
    ),
    "report.attendance_by_quarter": ("5. Tỷ lệ dự họp theo quý", "5. Attendance by quarter"),
    "report.attendance_by_kind": (
        "6. Tỷ lệ dự họp theo loại cuộc họp",
        "6. Attendance by kind of meeting",
    ),
    "report.gatherings": ("7. Gặp mặt 30/4 và 22/12", "7. The 30/4 and 22/12 gatherings"),
    "report.visits_by_ward": (
        "8. Thăm hỏi ốm đau, hoạn nạn theo phường",
        "8. Visits to the sick and those in hardship, by ward",
    ),
    "report.visits_by_reason": ("9. Thăm hỏi theo lý do", "9. Visits by reason"),
    "report.inactive": (
        "Phụ lục: thành viên không dự 4 cuộc họp gần nhất của nhóm",
        "Appendix: members absent from their group's last 4 meetings",
    ),
    "report.versus": ("{now} (kỳ trước: {before})", "{now} (previous period: {before})"),
    "report.visits_total": (
        "{visits} lượt thăm, {people} người, tổng quà {gift} đ",
        "{visits} visits, {people} people, gifts {gift} VND",
    ),
    "report.inactive_total": ("{count} thành viên", "{count} members"),
    "report.groups_total": ("{members} người tham gia", "{members} people in groups"),
    "report.profile_total": (
        "{gathered} người đã tập hợp; {clubs} CLB, {boards} BLL",
        "{gathered} gathered; {clubs} clubs, {boards} boards",
    ),
    "report.written": ("Đã ghi báo cáo vào {path}.", "Report written to {path}."),
    "col.gathered_share": ("Đã tập hợp / trong danh sách", "Gathered / on roster"),
    "col.present_share": ("Có mặt / trong danh sách", "Present / on roster"),
    "col.bar": ("Biểu đồ", "Chart"),
    "cmd.report": (
        "Báo cáo sơ kết của một kỳ (bảng, md, html, xlsx, json), so với kỳ trước.\n\n"
        "Ví dụ: cqn report --period 2019 -o bao-cao-2019.html",
        "The review report of a period (table, md, html, xlsx, json), beside the previous one.\n\n"
        "Example: cqn report --period 2019 -o report-2019.html",
    ),
    "opt.report_format": (
        "Định dạng: table, md, html, xlsx, json (mặc định theo đuôi tệp -o, hoặc table).",
        "Format: table, md, html, xlsx, json (default: from the -o extension, else table).",
    ),
    "opt.output": (
        "Ghi vào tệp (ghi nguyên khối: tệp cũ giữ nguyên nếu có lỗi).",
        "Write to a file (atomically: the old file stays if anything fails).",
    ),
    # ---- people -----------------------------------------------------------
    "person.added": ("Đã thêm {id} {name}.", "Added {id} {name}."),
    "person.updated": ("Đã cập nhật {id} {name}.", "Updated {id} {name}."),
    "person.unchanged": ("{id} {name}: không có gì thay đổi.", "{id} {name}: nothing changed."),
    "person.status_set_undated": (
        "{id} {name}: trạng thái {status}.",
        "{id} {name}: status {status}.",
    ),
    "warn.back_on_roster_row": (
        "{where}: {id} trở lại 'đang sinh hoạt' (đã chuyển đi/mất từ {left}); chỉ lưu một"
        " trạng thái, nên số liệu các kỳ đã qua tính người này như chưa từng rời danh sách.",
        "{where}: {id} is back to 'active' (moved out or died on {left}); one status is"
        " held, so past periods' figures count them as never off the roster.",
    ),
    "warn.back_on_roster": (
        "Lưu ý: chỉ lưu một trạng thái, không lưu lịch sử; từ nay {id} được tính là có"
        " trong danh sách cả trước và sau {left} (ngày chuyển đi/mất cũ; còn trong"
        " 'cqn audit list'), nên số liệu của các kỳ đã qua có thể thay đổi.",
        "Note: one status is held, not its history; {id} now counts as on the roster"
        " before and after {left} (the old date, kept in 'cqn audit list'), so the"
        " figures of past periods may change.",
    ),
    "person.status_set": (
        "{id} {name}: trạng thái {status} từ {date}.",
        "{id} {name}: status {status} since {date}.",
    ),
    "person.cccd_taken": (
        "Số CCCD {cccd} đã thuộc về {person_id} {name}.",
        "National id {cccd} already belongs to {person_id} {name}.",
    ),
    "person.duplicate": (
        "Đã có {person_id} {name} cùng họ tên, ngày sinh và phường.",
        "{person_id} {name} has the same name, birth date and ward.",
    ),
    "person.none_found": ("Không tìm thấy ai.", "Nobody found."),
    # ---- column headings --------------------------------------------------
    "col.id": ("Mã CQN", "Id"),
    "col.full_name": ("Họ và tên", "Full name"),
    "col.birth_date": ("Ngày sinh", "Birth date"),
    "col.gender": ("Giới tính", "Gender"),
    "col.national_id": ("Số CCCD", "National id"),
    "col.ward": ("Phường", "Ward"),
    "col.ward_code": ("Mã phường", "Ward code"),
    "col.residential_group": ("Tổ dân phố", "Residential group"),
    "col.address": ("Địa chỉ", "Address"),
    "col.phone": ("Điện thoại", "Phone"),
    "col.enlisted_on": ("Nhập ngũ", "Enlisted"),
    "col.discharged_on": ("Xuất ngũ", "Discharged"),
    "col.rank": ("Cấp bậc", "Rank"),
    "col.unit": ("Đơn vị", "Unit"),
    "col.party_member": ("Đảng viên", "Party member"),
    "col.youth_union_member": ("Đoàn viên", "Youth union"),
    "col.reservist": ("DBĐV", "Reservist"),
    "col.veterans_association_member": ("Hội viên CCB", "Veterans assoc."),
    "col.registered_on": ("Ngày đăng ký", "Registered"),
    "col.status": ("Trạng thái", "Status"),
    "col.status_since": ("Ngày trạng thái", "Status since"),
    "col.notes": ("Ghi chú", "Notes"),
    "col.code": ("Mã", "Code"),
    "col.name": ("Tên", "Name"),
    "col.district": ("Quận", "District"),
    "col.province": ("Tỉnh, thành phố", "Province or city"),
    "col.valid_from": ("Hiệu lực từ", "Valid from"),
    "col.valid_to": ("Hiệu lực đến", "Valid to"),
    "col.successor": ("Sáp nhập vào", "Merged into"),
    "col.aliases": ("Bí danh", "Aliases"),
    "col.people": ("Số người (mọi trạng thái)", "People (any status)"),
    "col.on_roster": ("Đang trong danh sách", "On the roster"),
    "rejects.line": ("dòng {line}", "line {line}"),
    "col.reason": ("Lý do", "Reason"),
    "col.warnings": ("Cảnh báo", "Warnings"),
    "title.people": ("Danh sách CQN ({count} người)", "People ({count})"),
    "title.wards": ("Danh mục phường", "Wards"),
    "title.roster_by_ward": (
        "Danh sách CQN theo phường (bản đồ ngày {date})",
        "Roster per ward (ward map of {date})",
    ),
    "title.total": ("Tổng cộng", "Total"),
    "gender.male": ("Nam", "male"),
    "gender.female": ("Nữ", "female"),
    "group_kind.clb": ("CLB", "club"),
    "group_kind.bll": ("BLL", "board"),
    "meeting_kind.quarterly": ("họp quý", "quarterly"),
    "meeting_kind.gathering": ("gặp mặt", "gathering"),
    "meeting_kind.review": ("sơ kết/tổng kết", "review"),
    "meeting_kind.other": ("khác", "other"),
    "mark.present": ("có mặt", "present"),
    "mark.excused": ("vắng có phép", "excused"),
    "mark.absent": ("vắng", "absent"),
    "reason.sick": ("ốm đau", "sick"),
    "reason.hardship": ("hoạn nạn", "hardship"),
    "reason.bereavement": ("tang lễ / hiếu", "bereavement"),
    "reason.other": ("khác", "other"),
    "col.kind": ("Loại", "Kind"),
    "col.founded_on": ("Thành lập", "Founded"),
    "col.dissolved_on": ("Giải thể", "Dissolved"),
    "col.members": ("Thành viên", "Members"),
    "col.role": ("Chức vụ", "Role"),
    "col.joined_on": ("Ngày tham gia", "Joined"),
    "col.left_on": ("Ngày rời", "Left"),
    "col.date": ("Ngày", "Date"),
    "col.group": ("Nhóm", "Group"),
    "col.title": ("Tiêu đề", "Title"),
    "col.expected": ("Dự kiến", "Expected"),
    "col.present": ("Có mặt", "Present"),
    "col.excused": ("Vắng có phép", "Excused"),
    "col.absent": ("Vắng", "Absent"),
    "col.guests": ("Khách", "Guests"),
    "col.mark": ("Điểm danh", "Mark"),
    "col.expected_member": ("Thành viên", "Member"),
    "col.reason_visit": ("Lý do", "Reason"),
    "col.gift": ("Quà tặng", "Gift"),
    "title.groups": ("Các CLB, BLL ({count})", "Clubs and boards ({count})"),
    "title.members": ("Thành viên hiện nay ({count})", "Current members ({count})"),
    "title.meetings": ("Các cuộc họp ({count})", "Meetings ({count})"),
    "title.marks": ("Điểm danh ({count})", "Marks ({count})"),
    "title.visits": ("Các lần thăm hỏi ({count})", "Visits ({count})"),
    "grp.group": ("CLB, BLL và thành viên.", "Clubs, boards and their members."),
    "grp.meeting": ("Các cuộc họp và điểm danh.", "Meetings and attendance."),
    "grp.visit": ("Thăm hỏi ốm đau, hoạn nạn.", "Visits to the sick and those in hardship."),
    "arg.group": ("Mã nhóm (CLB/BLL).", "Group code (club/board)."),
    "arg.group_code": ("Mã nhóm mới.", "Code of the new group."),
    "arg.person_ref": (
        "Người: mã CQN, số CCCD, hoặc 'Họ tên, ngày sinh, phường'.",
        "Person: id, national id, or 'Full name, birth date, ward'.",
    ),
    "opt.from": ("Từ ngày (dd/mm/yyyy).", "From (dd/mm/yyyy)."),
    "opt.to": ("Đến ngày (dd/mm/yyyy).", "To (dd/mm/yyyy)."),
    "opt.group_kind": ("Loại nhóm: CLB hoặc BLL.", "Group kind: CLB or BLL."),
    "opt.meeting_kind": (
        "Loại: họp quý, gặp mặt, sơ kết/tổng kết, khác (quarterly, gathering, review, other).",
        "Kind: quarterly, gathering, review, other (or the Vietnamese words).",
    ),
    "opt.present": ("Người có mặt (lặp lại được).", "Present (repeatable)."),
    "opt.excused": ("Người vắng có phép (lặp lại được).", "Excused (repeatable)."),
    "opt.absent": ("Người vắng (lặp lại được).", "Absent (repeatable)."),
    "opt.present_file": (
        "Sổ ký tên: mỗi dòng một người, hoặc tệp CSV/XLSX có cột CCCD / họ tên.",
        "Sign-in sheet: one person per line, or a CSV/XLSX with id or name columns.",
    ),
    "opt.meeting_code": ("Mã cuộc họp.", "Meeting code."),
    "opt.reason": (
        "Lý do: ốm đau, hoạn nạn, tang lễ, khác.",
        "Reason: sick, hardship, bereavement, other.",
    ),
    "opt.gift": ("Quà tặng, ví dụ 500.000đ.", "Gift, e.g. 500.000đ."),
    "cmd.group.list": (
        "Liệt kê CLB, BLL với số thành viên.\n\nVí dụ: cqn group list --ward 'Xuân Hà' --kind CLB",
        "List clubs and boards with their members.\n\nExample: cqn group list --kind CLB",
    ),
    "cmd.group.show": (
        "Xem một nhóm và thành viên hiện nay.\n\nVí dụ: cqn group show XH-CLB01",
        "Show a group and its current members.\n\nExample: cqn group show XH-CLB01",
    ),
    "cmd.group.add": (
        "Thêm một CLB hoặc BLL.\n\nVí dụ: cqn group add XH-CLB03 --name 'CLB tổ 9' --kind CLB "
        "--ward 'Xuân Hà' --founded 01/01/2019",
        "Add a club or board.\n\nExample: cqn group add XH-CLB03 --name 'Club 9' --kind CLB "
        "--ward 'Xuan Ha' --founded 2019-01-01",
    ),
    "cmd.group.join": (
        "Ghi một người tham gia nhóm từ một ngày.\n\n"
        "Ví dụ: cqn group join XH-CLB01 CQN000012 --on 01/03/2019 --role 'Thành viên'",
        "A person joins a group on a date.\n\n"
        "Example: cqn group join XH-CLB01 CQN000012 --on 2019-03-01 --role member",
    ),
    "cmd.group.leave": (
        "Ghi một người rời nhóm từ một ngày.\n\nVí dụ: cqn group leave XH-CLB01 CQN000012 --on 30/06/2019",
        "A person leaves a group on a date.\n\nExample: cqn group leave XH-CLB01 CQN000012 --on 2019-06-30",
    ),
    "cmd.meeting.record": (
        "Ghi một cuộc họp và điểm danh.\n\nVí dụ: cqn meeting record XH-CLB01 --on 15/06/2019 "
        "--kind 'họp quý' --present CQN000012 --excused 048052000101 --present-file ky-ten.txt",
        "Record a meeting and its attendance.\n\nExample: cqn meeting record XH-CLB01 --on 2019-06-15 "
        "--kind quarterly --present CQN000012 --excused 048052000101 --present-file sign-in.txt",
    ),
    "cmd.meeting.list": (
        "Liệt kê các cuộc họp với số dự kiến, có mặt, vắng, khách.\n\n"
        "Ví dụ: cqn meeting list --group XH-CLB01 --from 01/01/2019 --to 31/12/2019",
        "List meetings with expected, present, excused, absent, guests.\n\n"
        "Example: cqn meeting list --group XH-CLB01 --from 2019-01-01 --to 2019-12-31",
    ),
    "cmd.meeting.show": (
        "Xem một cuộc họp: mọi thành viên dự kiến (chưa điểm danh là vắng) và khách.\n\n"
        "Ví dụ: cqn meeting show XH-CLB01-20190615",
        "Show a meeting: every expected member (unmarked = absent) and the guests.\n\n"
        "Example: cqn meeting show XH-CLB01-20190615",
    ),
    "cmd.visit.record": (
        "Ghi một lần thăm hỏi.\n\nVí dụ: cqn visit record CQN000012 --on 12/03/2019 "
        "--reason 'ốm đau' --gift 500.000đ --group XH-CLB01",
        "Record a visit.\n\nExample: cqn visit record CQN000012 --on 2019-03-12 "
        "--reason sick --gift 500000 --group XH-CLB01",
    ),
    "cmd.visit.list": (
        "Liệt kê các lần thăm hỏi (ghi chú sức khỏe che bớt trừ khi --reveal).\n\n"
        "Ví dụ: cqn visit list --from 01/01/2019 --to 31/12/2019 --ward 'Xuân Hà'",
        "List visits (health notes masked unless --reveal).\n\n"
        "Example: cqn visit list --from 2019-01-01 --to 2019-12-31",
    ),
    "value.money": ("{amount} đ", "{amount} VND"),
    "value.yes": ("Có", "yes"),
    "value.no": ("Không", "no"),
    "status.active": ("đang sinh hoạt", "active"),
    "status.moved_out": ("chuyển đi", "moved out"),
    "status.deceased": ("từ trần", "deceased"),
    # ---- personal data, audit ---------------------------------------------
    "grp.audit": (
        "Nhật ký thay đổi: ai sửa gì, khi nào.",
        "The audit trail: who changed what, when.",
    ),
    "cmd.audit.list": (
        "Liệt kê các thay đổi, mới nhất trước: lúc nào, lệnh nào, cái gì, cũ → mới.\n\n"
        "Ví dụ: cqn audit list --person CQN000012 --since 01/01/2026",
        "List changes, newest first: when, which command, what, old → new.\n\n"
        "Example: cqn audit list --person CQN000012 --since 2026-01-01",
    ),
    "cmd.person.consent": (
        "Ghi nhận người đó đồng ý (hoặc rút lại đồng ý) xử lý dữ liệu cá nhân, ngày và mục đích.\n\n"
        "Ví dụ: cqn person consent CQN000012 --on 05/01/2026 --purpose 'Quản lý hội viên'",
        "Record that a person gave (or withdrew) consent to processing, with date and purpose.\n\n"
        "Example: cqn person consent CQN000012 --on 2026-01-05 --purpose 'Membership roster'",
    ),
    "cmd.person.export": (
        "Toàn bộ dữ liệu đang lưu về một người (JSON): hồ sơ, nhóm, điểm danh, thăm hỏi,"
        " nhật ký thay đổi.\n\n"
        "Ví dụ: cqn person export CQN000012 --reveal -o CQN000012.json",
        "Everything held on one person (JSON): record, groups, marks, visits, audit trail.\n\n"
        "Example: cqn person export CQN000012 --reveal -o CQN000012.json",
    ),
    "cmd.person.forget": (
        "Xoá dữ liệu cá nhân của một người (không hoàn tác được); các số đếm ẩn danh giữ"
        " nguyên.\n\n"
        "Ví dụ: cqn person forget CQN000012 --yes",
        "Erase a person's personal data (cannot be undone); anonymous counts stay.\n\n"
        "Example: cqn person forget CQN000012 --yes",
    ),
    "opt.consent": ("Đồng ý (mặc định) hoặc rút lại.", "Consent given (default) or withdrawn."),
    "opt.purpose": ("Mục đích xử lý dữ liệu.", "Purpose of the processing."),
    "opt.yes": ("Không hỏi lại.", "Do not ask for confirmation."),
    "opt.audit_person": ("Chỉ các thay đổi về người này.", "Only changes about this person."),
    "opt.since": ("Chỉ từ ngày này.", "Only from this date on."),
    "opt.limit": ("Số dòng tối đa.", "At most this many rows."),
    "written": ("Đã ghi {path}.", "Wrote {path}."),
    "usage.forget_needs_yes": (
        "Xoá dữ liệu cá nhân không hoàn tác được: thêm --yes khi chạy không có người xác nhận.",
        "Erasure cannot be undone: add --yes when nobody is there to confirm.",
    ),
    "person.forget_confirm": (
        "Xoá vĩnh viễn dữ liệu cá nhân của {person}?",
        "Erase the personal data of {person} for good?",
    ),
    "person.forgotten_done": (
        "Đã xoá dữ liệu cá nhân của {id}; các số đếm vẫn giữ.",
        "Erased the personal data of {id}; the counts are kept.",
    ),
    "person.forget_log_busy": (
        "Một lệnh khác đang đọc cơ sở dữ liệu: bản cũ của các giá trị đã xoá còn trong nhật ký"
        " ghi (-wal) cho tới lần ghi sau khi lệnh đó xong.",
        "Another command is reading the database: old copies of the erased values stay in the"
        " write-ahead log (-wal) until the next write after it finishes.",
    ),
    "person.already_forgotten": (
        "Dữ liệu cá nhân của {id} đã được xoá từ trước.",
        "The personal data of {id} was already erased.",
    ),
    "person.forgotten": (
        "Dữ liệu cá nhân của {id} đã bị xoá; không ghi thêm gì cho người này.",
        "The personal data of {id} was erased; nothing more is recorded for them.",
    ),
    "consent.before_held": (
        "{id} có ghi nhận đồng ý/rút đồng ý ngày {held}; ngày {date} sớm hơn nên không thay"
        " được ghi nhận đó.",
        "{id} has consent given or withdrawn on {held}; {date} is earlier, so it cannot"
        " replace it.",
    ),
    "consent.in_future": (
        "Ngày đồng ý {date} ở tương lai.",
        "Consent date {date} is in the future.",
    ),
    "consent.given": ("{id}: đồng ý từ {date}.", "{id}: consent given on {date}."),
    "consent.withdrawn": ("{id}: rút lại đồng ý từ {date}.", "{id}: consent withdrawn on {date}."),
    "audit.erased": ("(đã xoá)", "(erased)"),
    "audit.outside": ("(ngoài cqn)", "(outside cqn)"),
    "audit.insert": ("thêm", "added"),
    "audit.update": ("sửa", "changed"),
    "audit.delete": ("xoá", "removed"),
    "title.audit": ("Nhật ký thay đổi ({count} dòng)", "Audit trail ({count} rows)"),
    "col.audit_id": ("Số", "No."),
    "col.at": ("Lúc", "At"),
    "col.command": ("Lệnh", "Command"),
    "col.entity": ("Bảng", "Table"),
    "col.key": ("Đối tượng", "Record"),
    "col.action": ("Việc", "Action"),
    "col.changes": ("Thay đổi", "Changes"),
    "col.consent": ("Đồng ý xử lý dữ liệu", "Consent"),
    "col.consent_on": ("Ngày đồng ý", "Consent date"),
    "col.consent_purpose": ("Mục đích", "Purpose"),
    "col.forgotten_on": ("Ngày xoá dữ liệu", "Erased on"),
    # ---- db maintenance, merge --------------------------------------------
    "grp.db": (
        "Giữ tệp dữ liệu: sao lưu, kiểm tra, nâng cấp, gộp dữ liệu các phường.",
        "Look after the database: backup, check, upgrade, merge the wards' databases.",
    ),
    "cmd.db.backup": (
        "Sao lưu cơ sở dữ liệu vào một tệp (an toàn cả khi đang có người ghi; kiểm tra bản"
        " sao sau khi ghi).\n\n"
        "Ví dụ: cqn db backup sao-luu/cqn-2026-11-25.db",
        "Back the database up to a file (safe while others write; the copy is verified).\n\n"
        "Example: cqn db backup backups/cqn-2026-11-25.db",
    ),
    "cmd.db.check": (
        "Kiểm tra tính toàn vẹn, khoá ngoại, phiên bản lược đồ và dữ liệu mồ côi; có vấn đề"
        " thì thoát mã 1.\n\n"
        "Ví dụ: cqn db check",
        "Check integrity, foreign keys, schema version and orphans; exit 1 on a problem.\n\n"
        "Example: cqn db check",
    ),
    "cmd.db.migrate": (
        "Nâng cấp lược đồ cơ sở dữ liệu lên phiên bản cqn này.\n\n"
        "Ví dụ: cqn --db phuong-xuan-ha.db db migrate",
        "Upgrade the database schema to this version of cqn.\n\n"
        "Example: cqn --db xuan-ha.db db migrate",
    ),
    "cmd.db.merge": (
        "Gộp cơ sở dữ liệu của các phường vào cơ sở dữ liệu của quận: người theo số CCCD"
        " hoặc họ tên + ngày sinh + phường, nhóm và cuộc họp theo mã. Dữ liệu khác nhau"
        " được liệt kê và không ghi gì, trừ khi có --prefer.\n\n"
        "Ví dụ: cqn db merge xuan-ha.db tam-thuan.db --prefer theirs",
        "Merge the wards' databases into the district one: people by national id or name +"
        " birth date + ward, groups and meetings by code. Conflicts are listed and nothing"
        " is written unless --prefer.\n\n"
        "Example: cqn db merge xuan-ha.db tam-thuan.db --prefer theirs",
    ),
    "arg.backup_file": ("Tệp sao lưu.", "The backup file."),
    "arg.merge_files": ("Cơ sở dữ liệu cqn của các phường.", "The wards' cqn databases."),
    "opt.prefer": (
        "Khi hai bên khác nhau: giữ của mình (ours) hay lấy của tệp gộp vào (theirs).",
        "On a conflict: keep ours, or take theirs (the merged file's).",
    ),
    "db.backup_no_folder": ("Không có thư mục {path}.", "No such folder: {path}."),
    "db.backup_not_file": (
        "{path} không phải là một tệp (mà là thiết bị hay đường ống); hãy chọn một tệp.",
        "{path} is not a file (a device or a pipe); choose a file.",
    ),
    "db.backup_failed": (
        "Bản sao lưu không khớp với cơ sở dữ liệu ({reason}); không ghi gì.",
        "The backup did not verify ({reason}); nothing was written.",
    ),
    "db.backup_source_damaged": (
        "Cơ sở dữ liệu {path} bị hỏng ({reason}): bản sao lưu cũng sẽ hỏng, nên không ghi gì."
        " Hãy chép nguyên tệp (và tệp -wal bên cạnh) trước khi làm gì khác, rồi dùng bản sao"
        " lưu gần nhất.",
        "The database {path} is damaged ({reason}): a backup would be damaged too, so nothing"
        " was written. Copy the file as it is (and its -wal beside it) before anything else,"
        " then use the latest backup.",
    ),
    "db.backup_done": (
        "Đã sao lưu vào {path}: {tables} bảng, {rows} dòng, đã kiểm tra.",
        "Backed up to {path}: {tables} tables, {rows} rows, verified.",
    ),
    "db.check_ok": (
        "Cơ sở dữ liệu tốt: {checks} phép kiểm tra đều đạt (lược đồ {schema}).",
        "The database is sound: all {checks} checks passed (schema {schema}).",
    ),
    "db.check_failed": (
        "Cơ sở dữ liệu có {count} vấn đề (xem ở trên).",
        "The database has {count} problem(s) (listed above).",
    ),
    "db.migrated": (
        "Đã nâng cấp lược đồ: {names} (nay là {schema}).",
        "Schema upgraded: {names} (now {schema}).",
    ),
    "db.twins": (
        "Lưu ý: {count} nhóm người không thể phân biệt khi nhập (cùng họ tên, phường và ngày"
        " sinh, một người không có CCCD): {twins}. Mỗi nhóm có thể là một người được nhập"
        " hai lần (xem bằng cqn person show; cqn db check liệt kê chúng).",
        "Note: {count} set(s) of people an import cannot tell apart (same name, ward and"
        " birth date, one without a CCCD): {twins}. Each may be one person imported twice"
        " (look with cqn person show; cqn db check lists them).",
    ),
    "db.up_to_date": (
        "Lược đồ đã là mới nhất ({schema}).",
        "The schema is up to date ({schema}).",
    ),
    "title.db_check": ("Kiểm tra cơ sở dữ liệu", "Database check"),
    "col.check": ("Kiểm tra", "Check"),
    "col.count": ("Số lỗi", "Count"),
    "col.examples": ("Ví dụ", "Examples"),
    "merge.conflicts": (
        "{count} chỗ hai bên khác nhau; không ghi gì. Chọn --prefer ours hoặc --prefer theirs.",
        "{count} conflict(s); nothing was written. Choose --prefer ours or --prefer theirs.",
    ),
    "merge.fatal": (
        "{count} chỗ hai bên khác nhau; không ghi gì. Có chỗ --prefer không giải quyết"
        " được: hãy sửa trước khi gộp.",
        "{count} conflict(s); nothing was written. Some cannot be settled by --prefer:"
        " fix them before merging.",
    ),
    "merge.conflict": (
        "{file}: {entity} {record} (bên kia {theirs_key}) — {field}: của mình {ours}, bên kia {theirs}.",
        "{file}: {entity} {record} (theirs {theirs_key}) — {field}: ours {ours}, theirs {theirs}.",
    ),
    "merge.ambiguous": (
        "{file}: {theirs} khớp với nhiều người ({ours}); hãy sửa trước khi gộp.",
        "{file}: {theirs} matches several people ({ours}); resolve it before merging.",
    ),
    "merge.cccd_conflict": (
        "{file}: {theirs} có cùng số CCCD với {ours} nhưng khác cả họ tên lẫn ngày sinh"
        " (có lẽ số bị gõ nhầm); hãy sửa trước khi gộp.",
        "{file}: {theirs} has the national id of {ours} but another name and birth date"
        " (a mistyped number?); fix it before merging.",
    ),
    "merge.rule_merged": (
        "{entity} {record}, {detail}: gộp lại thì {reason}; hãy sửa trước khi gộp.",
        "{entity} {record}, {detail}: merged, {reason}; fix it before merging.",
    ),
    "merge.ward_differs": (
        "{file}: {theirs} bên kia mang cùng mã nội bộ với {ours} bên này nhưng không phải"
        " một phường; hãy sửa trước khi gộp.",
        "{file}: {theirs} there has the inner id of {ours} here but is not the same ward;"
        " fix it before merging.",
    ),
    "merge.ward_code_clash": (
        "{file}: {theirs} bên kia mang mã của {ours} bên này trong cùng thời gian hiệu lực;"
        " hãy sửa trước khi gộp.",
        "{file}: {theirs} there bears the code of {ours} here while both are in force;"
        " fix it before merging.",
    ),
    "merge.from": ("từ {date}", "from {date}"),
    "merge.ward_merged_apart": (
        "{file}: {ward} bên này đã nhập vào {ours}, bên kia vào {theirs}; hãy sửa trước khi gộp.",
        "{file}: {ward} was merged into {ours} here and into {theirs} there;"
        " fix it before merging.",
    ),
    "merge.recoded": (
        "{file}: {entity} {theirs} bên kia không phải {entity} {theirs} bên này (mỗi phường tự"
        " đặt mã): giữ riêng với mã {ours}.",
        "{file}: {entity} {theirs} there is not {entity} {theirs} here (each ward sets its own"
        " codes): kept apart as {ours}.",
    ),
    "merge.twice": ("{path} được nêu hai lần.", "{path} is given twice."),
    "merge.rule": (
        "{file}: {entity} {record}: gộp lại thì sai quy tắc ({reason}); hãy sửa trước khi gộp.",
        "{file}: {entity} {record}: merged, it would break a rule ({reason}); fix it first.",
    ),
    "entity.person": ("người", "person"),
    "entity.group": ("nhóm", "group"),
    "entity.membership": ("thành viên", "membership"),
    "entity.meeting": ("cuộc họp", "meeting"),
    "entity.attendance": ("điểm danh", "mark"),
    "entity.visit": ("thăm hỏi", "visit"),
    "entity.ward": ("phường", "ward"),
    "entity.ward_alias": ("tên khác của phường", "ward alias"),
    "entity.groups": ("nhóm", "group"),
    "merge.kept_ours": ("Giữ của mình.", "Kept ours."),
    "merge.kept_theirs": ("Lấy bên kia.", "Took theirs."),
    "merge.missing": ("Không có tệp {path}.", "No such file: {path}."),
    "merge.folder": (
        "{path} là một thư mục; hãy nêu tệp cơ sở dữ liệu của phường.",
        "{path} is a folder; name the ward's database file.",
    ),
    "merge.itself": (
        "{path} là chính cơ sở dữ liệu đang dùng.",
        "{path} is the database being merged into.",
    ),
    "merge.older_schema": (
        "{path} có lược đồ cũ hơn: chạy 'cqn --db {path} db migrate' trước.",
        "{path} has an older schema: run 'cqn --db {path} db migrate' first.",
    ),
    "merge.summary": (
        "{entity}: thêm {inserted}, cập nhật {updated}, không đổi {unchanged}.",
        "{entity}: inserted {inserted}, updated {updated}, unchanged {unchanged}.",
    ),
    "merge.erased_added": (
        "{file}: {theirs} đã bị xoá dữ liệu cá nhân ở tệp đó, nên được thêm thành {ours}"
        " (không còn gì để nhận ra họ): nếu ở đây đã có người này từ một tệp khác, hãy xoá"
        " cả ở đó ('cqn person forget'), kẻo bị đếm hai lần.",
        "{file}: {theirs} had their personal data erased there, so was added as {ours}"
        " (nothing is left to recognise them by): if this database holds them from another"
        " file, erase them there too ('cqn person forget'), or they are counted twice.",
    ),
    "merge.done": ("Đã gộp {files}.", "Merged {files}."),
    # ---- export -------------------------------------------------------------
    "cmd.export": (
        "Xuất dữ liệu ra tệp CSV (mở được bằng Excel), XLSX hoặc JSON; tệp CSV/XLSX nhập"
        " lại được bằng 'cqn import'. Số CCCD, điện thoại, ghi chú được che trừ khi có"
        " --reveal.\n\n"
        "Ví dụ: cqn export people -o danh-sach.xlsx",
        "Export data as CSV (opens in Excel), XLSX or JSON; CSV and XLSX files can be read"
        " back by 'cqn import'. National ids, phones and notes are masked unless"
        " --reveal.\n\n"
        "Example: cqn export people -o people.xlsx",
    ),
    "arg.export_kind": (
        "people, groups, memberships, meetings, attendance, visits hoặc wards.",
        "people, groups, memberships, meetings, attendance, visits or wards.",
    ),
    "opt.export_format": (
        "csv, json hoặc xlsx (mặc định theo đuôi tệp -o, hoặc csv).",
        "csv, json or xlsx (default: from the -o extension, else csv).",
    ),
    "usage.xlsx_needs_output": (
        "Tệp XLSX không hiện được trên màn hình: thêm -o TỆP.xlsx, hoặc chuyển sang tệp (> TỆP.xlsx).",
        "An XLSX workbook cannot be shown on a terminal: add -o FILE.xlsx, or redirect (> FILE.xlsx).",
    ),
    "export.written": ("Đã ghi {count} dòng vào {path}.", "Wrote {count} rows to {path}."),
    "export.sheet.people": ("Danh sách CQN", "People"),
    "export.sheet.groups": ("Nhóm", "Groups"),
    "export.sheet.memberships": ("Thành viên", "Memberships"),
    "export.sheet.meetings": ("Cuộc họp", "Meetings"),
    "export.sheet.attendance": ("Điểm danh", "Attendance"),
    "export.sheet.visits": ("Thăm hỏi", "Visits"),
    "export.sheet.wards": ("Phường", "Wards"),
    # ---- crash ------------------------------------------------------------
    "crash": (
        "Lỗi nội bộ của cqn ({kind}). Nhật ký lỗi (không chứa dữ liệu cá nhân): {path}",
        "Internal error in cqn ({kind}). Crash log (holds no personal data): {path}",
    ),
    "interrupted": ("Đã dừng; không ghi gì dở dang.", "Interrupted; nothing half-written."),
    "demo.missing": (
        "Không thấy thư mục dữ liệu mẫu {path}; hãy chạy trong thư mục mã nguồn.",
        "No sample data at {path}; run from the source checkout.",
    ),
}


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


# What the system said of a file, in the clerk's language: the errors a clerk meets
# (anything else keeps the system's own words).
_OS_REASONS = {
    errno.ENOENT: ("không có tệp hay thư mục đó", "no such file or folder"),
    errno.EACCES: ("không có quyền", "permission denied"),
    errno.EPERM: ("không được phép", "not permitted"),
    errno.ENOSPC: ("ổ đĩa đã đầy", "the disk is full"),
    errno.EDQUOT: ("đã hết hạn mức ổ đĩa", "the disk quota is used up"),
    errno.EROFS: ("ổ đĩa chỉ đọc", "the disk is read-only"),
    errno.EISDIR: ("là một thư mục", "it is a folder"),
    errno.ENOTDIR: (
        "một phần của đường dẫn không phải thư mục",
        "part of the path is not a folder",
    ),
    errno.ENAMETOOLONG: ("tên quá dài", "the name is too long"),
    errno.EIO: ("lỗi đọc ghi của ổ đĩa", "the disk failed to read or write"),
    errno.EBUSY: ("tệp đang bận", "the file is busy"),
}


def os_reason(exc: OSError) -> str:
    """Why the system refused, as the clerk reads it."""
    known = _OS_REASONS.get(exc.errno or 0)
    if known is None:
        return exc.strerror or str(exc)
    return known[0] if lang() == "vi" else known[1]


def show_value(value: Any) -> Any:
    """A value as the user reads it in a message: ISO days as dd/mm/yyyy in Vietnamese;
    line breaks and control characters escaped (one line per error, no terminal tricks);
    long values cut."""
    if not isinstance(value, str):
        return value
    if _ISO_DAY.match(value) and lang() == "vi":
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    if _ISO_MONTH.match(value) and lang() == "vi":
        year, month = value.split("-")
        return f"{month}/{year}"
    shown = _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], value)
    return shown if len(shown) <= 80 else shown[:77] + "…"


def describe_problem(path: str, problem: Any, *, with_path: bool = True) -> str:
    """One line for a refused value: ``file:line:column [Header] 'value': reason``."""
    reason = t(problem.key, **{k: show_value(v) for k, v in problem.params.items()})
    if not with_path:
        where = ""
    elif problem.column is not None:
        where = f"{path}:{problem.line}:{problem.column}"
    elif problem.line:
        where = f"{path}:{problem.line}"
    else:  # about the whole file
        where = path
    if problem.header:
        where = f"{where} [{problem.header}]".strip()
    if problem.value not in (None, ""):
        where = f"{where} '{show_value(problem.value)}'".strip()
    return f"{where}: {reason}" if where else reason
