"""Generate the sample rosters of the ten 2019 wards of quận Thanh Khê, Đà Nẵng.

Usage:
    python scripts/gen_sample_data.py [--out sample_data] [--edge-cases]
    python scripts/gen_sample_data.py [--out sample_data] --check

The output is deterministic: every random choice comes from a `random.Random`
seeded with a fixed string, nothing depends on the current date, and the
xlsx file gets fixed metadata and zip timestamps. Running the script twice gives
byte-identical files.

The people are invented. Each ward file is written the way a real ward clerk
would send it from Excel or LibreOffice: different encodings (UTF-8 with and
without BOM, UTF-16 "Unicode text", Windows-1258), separators, header spellings
(SPEC section 3 aliases), date and boolean styles, and ward name spellings.

For the same people it also writes the groups (groups.csv), memberships
(members/), meetings with their attendance marks (attendance/) and visits
(visits/) of 2018-2019, with the deliberate edge cases sample_data/README.md
lists; `--edge-cases` prints where each one is (file:line). These come from
random streams of their own, so the roster files do not depend on them.

`--check` re-reads the files (detecting encoding and separator, or with
openpyxl for the xlsx files) and asserts row counts, CCCD uniqueness and the
SPEC section 3 value rules; then that every person reference of the other files
resolves to exactly one roster person, every group code exists, memberships and
meetings lie inside their group's life, nobody off the roster is marked (but the
one deliberate case), and the edge cases are there. It writes nothing.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import itertools
import random
import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

SEED = "cqn-sample-data-2019"
LAST_DAY = dt.date(2019, 12, 31)
REGISTRATION_START = dt.date(2015, 1, 1)
STATUS_START = dt.date(2016, 1, 1)
XLSX_TIMESTAMP = dt.datetime(2019, 12, 20, 8, 30, 0)
ZIP_TIMESTAMP = (2019, 12, 20, 8, 30, 0)
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "sample_data"

# The roster fields of SPEC section 3, in canonical order.
FIELDS: tuple[str, ...] = (
    "ho_ten",
    "ngay_sinh",
    "gioi_tinh",
    "so_cccd",
    "phuong",
    "to_dan_pho",
    "dia_chi",
    "dien_thoai",
    "ngay_nhap_ngu",
    "ngay_xuat_ngu",
    "cap_bac",
    "don_vi",
    "dang_vien",
    "doan_vien",
    "du_bi_dong_vien",
    "hoi_vien_ccb",
    "ngay_dang_ky",
    "trang_thai",
    "ngay_trang_thai",
    "ghi_chu",
)

# Header names accepted by SPEC section 3 (canonical name first).
ALIASES: dict[str, tuple[str, ...]] = {
    "ho_ten": ("ho_ten", "Họ và tên", "Họ tên", "full_name"),
    "ngay_sinh": ("ngay_sinh", "Ngày sinh", "Năm sinh", "birth_date"),
    "gioi_tinh": ("gioi_tinh", "Giới tính", "gender"),
    "so_cccd": ("so_cccd", "Số CCCD", "CCCD", "Số định danh", "national_id"),
    "phuong": ("phuong", "Phường", "ward"),
    "to_dan_pho": ("to_dan_pho", "Tổ dân phố", "Tổ", "residential_group"),
    "dia_chi": ("dia_chi", "Địa chỉ", "address"),
    "dien_thoai": ("dien_thoai", "Điện thoại", "SĐT", "Số điện thoại", "phone"),
    "ngay_nhap_ngu": ("ngay_nhap_ngu", "Ngày nhập ngũ", "Nhập ngũ", "enlisted_on"),
    "ngay_xuat_ngu": ("ngay_xuat_ngu", "Ngày xuất ngũ", "Xuất ngũ", "discharged_on"),
    "cap_bac": ("cap_bac", "Cấp bậc", "rank"),
    "don_vi": ("don_vi", "Đơn vị", "unit"),
    "dang_vien": ("dang_vien", "Đảng viên", "party_member"),
    "doan_vien": ("doan_vien", "Đoàn viên", "youth_union_member"),
    "du_bi_dong_vien": ("du_bi_dong_vien", "Dự bị động viên", "DBĐV", "reservist"),
    "hoi_vien_ccb": ("hoi_vien_ccb", "Hội viên CCB", "veterans_association_member"),
    "ngay_dang_ky": ("ngay_dang_ky", "Ngày đăng ký", "registered_on"),
    "trang_thai": ("trang_thai", "Trạng thái", "status"),
    "ngay_trang_thai": ("ngay_trang_thai", "Ngày trạng thái", "status_since"),
    "ghi_chu": ("ghi_chu", "Ghi chú", "notes"),
}

PARTIAL_DATE_FIELDS = frozenset({"ngay_sinh", "ngay_nhap_ngu", "ngay_xuat_ngu"})
FULL_DATE_FIELDS = frozenset({"ngay_dang_ky", "ngay_trang_thai"})
BOOL_FIELDS = ("dang_vien", "doan_vien", "du_bi_dong_vien", "hoi_vien_ccb")

# --------------------------------------------------------------------------- names

FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 35),
    ("Trần", 10),
    ("Lê", 9),
    ("Phạm", 5),
    ("Huỳnh", 5),
    ("Phan", 5),
    ("Võ", 5),
    ("Hoàng", 3),
    ("Hồ", 3),
    ("Trương", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Ngô", 2),
    ("Vũ", 1.5),
    ("Đinh", 1.5),
    ("Mai", 1.5),
    ("Dương", 1),
    ("Lý", 1),
    ("Đoàn", 1),
    ("Lương", 0.5),
)
MALE_MIDDLE_NAMES: tuple[tuple[str, float], ...] = (
    ("Đức", 6),
    ("Hữu", 7),
    ("Ngọc", 5),
    ("Minh", 5),
    ("Quang", 5),
    ("Công", 6),
    ("Thanh", 5),
    ("Xuân", 4),
    ("Đình", 5),
    ("Tấn", 5),
    ("Bá", 3),
    ("Quốc", 3),
    ("Thành", 3),
    ("Trọng", 3),
    ("Viết", 2),
    ("Duy", 2),
    ("Hoàng", 2),
    ("Anh", 2),
)
YOUNG_EXTRA_MIDDLE = ("Hoàng", "Minh", "Ngọc", "Quốc", "Thanh", "Anh", "Gia", "Đăng")
MALE_GIVEN_NAMES = (
    "An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Sơn", "Tuấn", "Thắng", "Long",
    "Hòa", "Thủy", "Lợi", "Phúc", "Khánh", "Quý", "Minh", "Nam", "Trung", "Hưng",
    "Thành", "Tâm", "Đức", "Vinh", "Tùng", "Lâm", "Hiếu", "Phong", "Toàn", "Thanh",
    "Tài", "Nghĩa", "Chiến", "Thịnh", "Việt", "Kiên", "Huy", "Thuận", "Tín", "Châu",
    "Lộc", "Phước", "Tân", "Hiệp", "Quang", "Sang", "Hậu", "Lực", "Nhân", "Khoa",
)  # fmt: skip
OLD_MALE_GIVEN_NAMES = ("Ba", "Tư", "Sáu", "Bảy", "Mười", "Cư", "Lành", "Thạnh", "Xuân", "Hóa")
YOUNG_MALE_GIVEN_NAMES = ("Nhật", "Phát", "Bảo", "Quân", "Trí", "Đạt", "Duy", "Vũ", "Thái")
FEMALE_GIVEN_NAMES = (
    "Thủy", "Hoa", "Lan", "Hương", "Hằng", "Mai", "Nga", "Hạnh", "Liên", "Thu",
    "Hiền", "Hồng", "Loan", "Tuyết", "Thúy", "Hòa", "Sen", "Nhung", "Vân", "Yến",
)  # fmt: skip
NICKNAMES = ("Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám")

# --------------------------------------------------------------------------- military

RANKS_SHORT = (
    ("Binh nhì", 8),
    ("Binh nhất", 30),
    ("Hạ sĩ", 30),
    ("Trung sĩ", 20),
    ("Thượng sĩ", 12),
)
RANKS_MEDIUM = (
    ("Hạ sĩ", 8),
    ("Trung sĩ", 22),
    ("Thượng sĩ", 25),
    ("Thiếu úy", 20),
    ("Trung úy", 17),
    ("Thượng úy", 8),
)
RANKS_LONG = (
    ("Thượng sĩ", 8),
    ("Thiếu úy", 14),
    ("Trung úy", 25),
    ("Thượng úy", 25),
    ("Đại úy", 17),
    ("Thiếu tá", 8),
    ("Trung tá", 3),
)
OFFICER_RANKS = frozenset({"Thiếu úy", "Trung úy", "Thượng úy", "Đại úy", "Thiếu tá", "Trung tá"})
UNITS_WAR = (
    "Sư đoàn 2, Quân khu 5",
    "Sư đoàn 3, Quân khu 5",
    "Sư đoàn 304",
    "Sư đoàn 324",
    "Đoàn 559 (Bộ đội Trường Sơn)",
    "Tỉnh đội Quảng Đà",
    "Đặc khu Quảng Đà",
    "Trung đoàn 1, Sư đoàn 2",
)
UNITS_1976_1990 = (
    "Sư đoàn 2, Quân khu 5",
    "Sư đoàn 307, Quân khu 5",
    "Sư đoàn 315, Quân khu 5",
    "Mặt trận 579, Quân khu 5",
    "Sư đoàn 372, Quân chủng Phòng không - Không quân",
    "Lữ đoàn 172, Quân chủng Hải quân",
    "Vùng 3 Hải quân",
    "Bộ CHQS tỉnh Quảng Nam - Đà Nẵng",
    "Trung đoàn 143",
    "Bệnh viện 17, Quân khu 5",
)
UNITS_RECENT = (
    "Sư đoàn 2, Quân khu 5",
    "Sư đoàn 315, Quân khu 5",
    "Lữ đoàn 172, Quân chủng Hải quân",
    "Vùng 3 Hải quân",
    "Sư đoàn 372, Quân chủng Phòng không - Không quân",
    "Trung đoàn 143",
    "Bộ CHQS TP Đà Nẵng",
    "Bộ đội Biên phòng TP Đà Nẵng",
    "Lữ đoàn 83 Công binh, Quân chủng Hải quân",
    "Trường Quân sự Quân khu 5",
    "Bệnh viện 17, Quân khu 5",
)

NOTES_WAR = (
    "Thương binh 4/4",
    "Thương binh 3/4",
    "Bệnh binh 2/3",
    "Nhiễm chất độc da cam",
    "Huân chương Kháng chiến hạng Nhì",
    "Tham gia chiến dịch Hồ Chí Minh",
    "Thương binh 4/4, hoàn cảnh khó khăn",
)
NOTES_1976_1990 = (
    "Làm nhiệm vụ quốc tế tại Campuchia",
    "Bảo vệ biên giới phía Bắc",
    "Thương binh 4/4",
    "Tham gia chiến trường K",
)
NOTES_ANY = (
    "Hoàn cảnh khó khăn",
    "Hộ nghèo",
    "Đau ốm thường xuyên",
    "Con liệt sĩ",
    "Chuyển đến từ Quảng Nam",
    "Gia đình chính sách",
)
NOTES_MOVED = (
    "Chuyển vào TP Hồ Chí Minh",
    "Chuyển về quê Quảng Nam",
    "Chuyển sang quận Liên Chiểu",
    "Chuyển ra Hà Nội ở với con",
)

# --------------------------------------------------------------------------- phones

MOBILE_PREFIXES = (
    ("0905", 14), ("0935", 10), ("0906", 5), ("0936", 4), ("0901", 3), ("0898", 2),
    ("0975", 4), ("0978", 3), ("0988", 3), ("0983", 2), ("0868", 2), ("0334", 2),
    ("0362", 2), ("0389", 2), ("0914", 4), ("0915", 3), ("0946", 2), ("0888", 2),
    ("0777", 2), ("0763", 1), ("0799", 1), ("0823", 1),
)  # fmt: skip
# Mobile prefixes retired in 2018 (11-digit numbers), as people still wrote them.
OLD_MOBILE_PREFIXES = ("0168", "0169", "0167", "0163", "0121", "0122", "0126", "0123", "0127")

# --------------------------------------------------------------------------- text helpers

TONE_MARKS = frozenset({"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"})


def to_cp1258(text: str) -> bytes:
    """Encode text as Windows-1258 writes Vietnamese: tone marks as combining characters.

    Each letter is decomposed; its base is recomposed with its non-tone marks
    (breve, circumflex, horn) when cp1258 has that letter (ă, â, ê, ô, ơ, ư...);
    the five tone marks stay as combining characters (U+0300, U+0301, U+0303,
    U+0309, U+0323). Raises ValueError if the bytes do not decode back to the text.
    """
    clusters: list[list[str]] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and clusters:
            clusters[-1].append(char)
        else:
            clusters.append([char])
    parts: list[str] = []
    for base, *marks in clusters:
        shape = [m for m in marks if m not in TONE_MARKS]
        tones = [m for m in marks if m in TONE_MARKS]
        letter = unicodedata.normalize("NFC", base + "".join(shape))
        try:
            letter.encode("cp1258")
        except UnicodeEncodeError:
            letter = base + "".join(shape)
        parts.append(letter + "".join(tones))
    data = "".join(parts).encode("cp1258")
    back = unicodedata.normalize("NFC", data.decode("cp1258"))
    if back != unicodedata.normalize("NFC", text):
        raise ValueError(f"cp1258 round trip failed for {text!r}")
    return data


def _old_tone_endings() -> dict[str, str]:
    """Map new tone placement endings (hòa, thủy) to the old ones (hoà, thuỷ)."""
    endings: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in TONE_MARKS:
            new = unicodedata.normalize("NFC", first + tone) + second
            old = first + unicodedata.normalize("NFC", second + tone)
            endings[new] = old
    return endings


OLD_TONE_ENDINGS = _old_tone_endings()
NEW_TONE_ENDINGS = {old: new for new, old in OLD_TONE_ENDINGS.items()}


def _retone(word: str, endings: Mapping[str, str]) -> str:
    for before, after in endings.items():
        is_qu = before[0] == "u" and word[:-2].lower().endswith("q")
        if word.endswith(before) and not is_qu:
            return word[:-2] + after
    return word


def old_tone_placement(text: str) -> str:
    """Rewrite words with the old tone placement: Hòa -> Hoà, Thủy -> Thuỷ."""
    return " ".join(_retone(word, OLD_TONE_ENDINGS) for word in text.split(" "))


def new_tone_placement(text: str) -> str:
    """Inverse of old_tone_placement, for comparing names."""
    return " ".join(_retone(word, NEW_TONE_ENDINGS) for word in text.split(" "))


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics (đ -> d)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def header_key(text: str) -> str:
    """Case-, space- and diacritics-insensitive form of a header (SPEC section 3)."""
    return " ".join(strip_diacritics(unicodedata.normalize("NFC", text)).casefold().split())


def name_key(text: str) -> str:
    """Form of a name used to compare people: NFC, spaces collapsed, new tone placement."""
    collapsed = " ".join(unicodedata.normalize("NFC", text).split())
    return new_tone_placement(collapsed).casefold()


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class PDate:
    """A possibly partial date: a year, a month of a year, or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def of(cls, day: dt.date) -> PDate:
        return cls(day.year, day.month, day.day)

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        if self.day is not None and self.month is not None:
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    def truncated(self, precision: str) -> PDate:
        if precision == "year":
            return PDate(self.year)
        if precision == "month":
            return PDate(self.year, self.month)
        return self


Status = Literal["active", "moved_out", "deceased"]


@dataclass
class Person:
    name: str
    female: bool
    birth: PDate
    cccd: str
    group: int
    address: str
    phone: str
    enlisted: PDate
    discharged: PDate
    rank: str
    unit: str
    party: bool
    youth: bool
    reservist: bool
    ccb: bool
    registered: dt.date | None
    status: Status
    status_since: dt.date | None
    note: str


T = TypeVar("T")


def weighted(rng: random.Random, items: Sequence[tuple[T, float]]) -> T:
    """Pick one item of (value, weight) pairs."""
    values = [v for v, _ in items]
    weights = [w for _, w in items]
    return rng.choices(values, weights=weights)[0]


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


class PersonFactory:
    """Draws plausible people for one ward."""

    def __init__(
        self,
        rng: random.Random,
        *,
        streets: Sequence[str],
        groups: int,
        no_cccd_share: float,
        year_only_births: float,
        with_status: bool,
        used_cccd: set[str],
    ) -> None:
        self.rng = rng
        self.streets = streets
        self.groups = groups
        self.no_cccd_share = no_cccd_share
        self.year_only_births = year_only_births
        self.with_status = with_status
        self.used_cccd = used_cccd

    # -- names

    def birth_year(self) -> int:
        low, high = weighted(
            self.rng,
            (
                ((1940, 1949), 14),
                ((1950, 1957), 22),
                ((1958, 1965), 20),
                ((1966, 1975), 14),
                ((1976, 1989), 14),
                # Born 2000 at the latest: enlisted at 17 or more, 2 years of service,
                # discharged by 2019.
                ((1990, 2000), 16),
            ),
        )
        return self.rng.randint(low, high)

    def name(self, female: bool, year: int) -> str:
        rng = self.rng
        family = weighted(rng, FAMILY_NAMES)
        if female:
            middle = "Thị" if rng.random() < 0.93 else "Ngọc"
            return f"{family} {middle} {rng.choice(FEMALE_GIVEN_NAMES)}"
        van_weight = 55.0 if year < 1960 else 40.0 if year < 1980 else 18.0
        middle = weighted(rng, (("Văn", van_weight), *MALE_MIDDLE_NAMES))
        if year >= 1985 and rng.random() < 0.12:
            second = rng.choice([m for m in YOUNG_EXTRA_MIDDLE if m != middle])
            middle = f"{middle} {second}"
        pool: tuple[str, ...] = MALE_GIVEN_NAMES
        if year < 1960:
            pool += OLD_MALE_GIVEN_NAMES
        elif year >= 1985:
            pool += YOUNG_MALE_GIVEN_NAMES
        return f"{family} {middle} {rng.choice(pool)}"

    # -- numbers

    def cccd(self, female: bool, year: int) -> str:
        century = 0 if year < 2000 else 2
        sex_digit = century + (1 if female else 0)
        while True:
            number = f"048{sex_digit}{year % 100:02d}{self.rng.randrange(10**6):06d}"
            if number not in self.used_cccd:
                self.used_cccd.add(number)
                return number

    def phone(self, year: int) -> str:
        rng = self.rng
        if rng.random() < (0.25 if year < 1955 else 0.08):
            return ""
        kind = rng.random()
        if year < 1960 and kind < 0.04:
            # Đà Nẵng landline (area code 0236 since 2017).
            digits = f"3{rng.randrange(10**6):06d}"
            return f"0236 {digits[:4]} {digits[4:]}"
        if kind < 0.16:
            number = rng.choice(OLD_MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
            if rng.random() < 0.6:
                return f"{number[:5]} {number[5:8]} {number[8:]}"
            return number
        number = weighted(rng, MOBILE_PREFIXES) + f"{rng.randrange(10**6):06d}"
        style = rng.random()
        if style < 0.35:
            return number
        if style < 0.65:
            return f"{number[:4]} {number[4:7]} {number[7:]}"
        if style < 0.85:
            return f"{number[:4]}.{number[4:7]}.{number[7:]}"
        if style < 0.95:
            return f"+84 {number[1:4]} {number[4:7]} {number[7:]}"
        return f"+84{number[1:]}"

    def address(self) -> str:
        rng = self.rng
        if rng.random() < 0.05:
            return ""
        street = rng.choice(self.streets)
        shape = rng.random()
        if shape < 0.45:
            return f"K{rng.randint(1, 480)}/{rng.randint(1, 60)} {street}"
        if shape < 0.55:
            return f"K{rng.randint(1, 480)}/{rng.randint(1, 40)}/{rng.randint(1, 20)} {street}"
        return f"{rng.randint(1, 650)} {street}"

    # -- dates

    def birth(self, year: int) -> PDate:
        share_year_only = 0.22 if year < 1955 else 0.10 if year < 1970 else 0.03
        share_year_only += self.year_only_births
        if self.rng.random() < share_year_only:
            return PDate(year)
        return PDate.of(random_day(self.rng, dt.date(year, 1, 1), dt.date(year, 12, 31)))

    def service(self, birth: PDate, female: bool) -> tuple[PDate, PDate, int]:
        """Enlistment, discharge and years of service."""
        rng = self.rng
        year = birth.year
        if year <= 1957:
            age = weighted(rng, ((17, 10), (18, 25), (19, 22), (20, 18), (21, 12), (22, 8)))
        else:
            ages = ((17, 3), (18, 30), (19, 22), (20, 16), (21, 10), (22, 8), (23, 5), (24, 4))
            age = weighted(rng, (*ages, (25, 2)))
        # Two years of service at least, discharged by 2019.
        age = min(age, 2017 - year)
        start_year = year + age
        if start_year <= 1975:
            spans = (8, 10, 12, 14, 14, 14, 10, 9, 9)
        elif start_year <= 1990:
            spans = (20, 20, 15, 12, 9, 8, 6, 5, 5)
        else:
            spans = (70, 10, 5, 4, 3, 3, 2, 2, 1)
        if female:
            spans = (*spans[:5], 0, 0, 0, 0)
        years = weighted(rng, tuple(zip(range(2, 11), spans, strict=True)))
        years = min(years, 2019 - start_year)
        if start_year >= 1991:
            month = weighted(rng, ((2, 40), (3, 30), (8, 10), (9, 10), (rng.randint(1, 12), 10)))
        else:
            month = rng.randint(1, 12)
        enlisted = dt.date(start_year, month, rng.randint(1, 28))
        if birth.day is not None and birth.month is not None:
            # Not before the 17th birthday.
            day17 = dt.date(start_year, birth.month, min(birth.day, 28))
            if enlisted <= day17:
                later = day17 + dt.timedelta(days=rng.randint(10, 60))
                enlisted = min(later, dt.date(start_year, 12, 28))
        end_month = min(12, enlisted.month + rng.randint(0, 3))
        discharged = dt.date(start_year + years, end_month, rng.randint(1, 28))
        if start_year <= 1975:
            shares = (("day", 45), ("month", 45), ("year", 10))
        elif start_year <= 1990:
            shares = (("day", 65), ("month", 32), ("year", 3))
        else:
            shares = (("day", 85), ("month", 14), ("year", 1))
        first = weighted(rng, shares)
        second = first if rng.random() < 0.8 else weighted(rng, shares)
        return (
            PDate.of(enlisted).truncated(first),
            PDate.of(discharged).truncated(second),
            years,
        )

    # -- the person

    def person(self, forced_name: str | None = None, forced_female: bool | None = None) -> Person:
        rng = self.rng
        female = rng.random() < 0.06 if forced_female is None else forced_female
        year = self.birth_year()
        if female:
            year = max(year, 1945)
        birth = self.birth(year)
        name = forced_name or self.name(female, year)
        enlisted, discharged, years = self.service(birth, female)
        start = enlisted.year

        rank_table = RANKS_SHORT if years <= 3 else RANKS_MEDIUM if years <= 6 else RANKS_LONG
        rank = "" if rng.random() < 0.05 else weighted(rng, rank_table)
        unit_pool: tuple[str, ...]
        if start <= 1975:
            unit_pool = UNITS_WAR
        elif start <= 1990:
            unit_pool = UNITS_1976_1990
        else:
            unit_pool = UNITS_RECENT
        unit = "" if rng.random() < 0.04 else rng.choice(unit_pool)

        officer = rank in OFFICER_RANKS
        party = rng.random() < (0.8 if officer else 0.35 if year < 1960 else 0.15)
        # Youth union and reserve duty are for younger people only.
        youth_share = 0.65 if year >= 1989 else 0.2 if year >= 1985 else 0.0
        youth = rng.random() < youth_share
        reservist_share = 0.55 if year >= 1975 else 0.15 if year >= 1970 else 0.0
        reservist = rng.random() < reservist_share
        ccb = rng.random() < (0.8 if start <= 1989 else 0.05)

        out_of_army = discharged.last_day()
        registered: dt.date | None = None
        if out_of_army >= REGISTRATION_START and rng.random() < 0.85:
            registered = min(LAST_DAY, out_of_army + dt.timedelta(days=rng.randint(5, 90)))
        elif rng.random() < 0.25:
            registered = random_day(rng, REGISTRATION_START, LAST_DAY)

        status: Status = "active"
        status_since: dt.date | None = None
        if self.with_status:
            death = 0.10 if year < 1950 else 0.05 if year < 1960 else 0.01
            move = 0.05 if year >= 1985 else 0.025
            draw = rng.random()
            earliest = max(
                STATUS_START,
                (registered or STATUS_START) + dt.timedelta(days=30),
                out_of_army + dt.timedelta(days=30),
            )
            if draw < death + move and earliest < LAST_DAY:
                status = "deceased" if draw < death else "moved_out"
                status_since = random_day(rng, earliest, LAST_DAY)

        no_cccd = self.no_cccd_share * (4 if status == "deceased" else 1)
        cccd = "" if rng.random() < no_cccd else self.cccd(female, year)

        note = ""
        if status == "moved_out" and rng.random() < 0.6:
            note = rng.choice(NOTES_MOVED)
        elif rng.random() < 0.09:
            pool: tuple[str, ...] = NOTES_ANY
            if start <= 1975:
                pool += NOTES_WAR * 2
            elif start <= 1990:
                pool += NOTES_1976_1990 * 2
            note = rng.choice(pool)
        elif rng.random() < 0.01:
            note = f'Thường gọi "{rng.choice(NICKNAMES)}"'
        if not cccd and not note and rng.random() < 0.3:
            note = "Chưa có CCCD"

        return Person(
            name=name,
            female=female,
            birth=birth,
            cccd=cccd,
            group=rng.randint(1, self.groups),
            address=self.address(),
            phone=self.phone(year),
            enlisted=enlisted,
            discharged=discharged,
            rank=rank,
            unit=unit,
            party=party,
            youth=youth,
            reservist=reservist,
            ccb=ccb,
            registered=registered,
            status=status,
            status_since=status_since,
            note=note,
        )


def make_people(ward: Ward, used_cccd: set[str]) -> list[Person]:
    """The people of one ward: unique by (name, birth date), with a few namesakes."""
    rng = random.Random(f"{SEED}/{ward.slug}")
    factory = PersonFactory(
        rng,
        streets=ward.streets,
        groups=rng.randint(30, 70),
        no_cccd_share=ward.no_cccd_share,
        year_only_births=ward.year_only_births,
        with_status="trang_thai" in ward.style.fields,
        used_cccd=used_cccd,
    )
    namesakes = rng.randint(2, 3)
    people: list[Person] = []
    births: dict[str, list[int]] = {}

    def add(person: Person, at: int) -> bool:
        # Namesakes are kept at least two birth years apart, so that no pair of
        # rows looks like one person typed twice.
        key = name_key(person.name)
        if any(abs(year - person.birth.year) < 2 for year in births.get(key, [])):
            used_cccd.discard(person.cccd)
            return False
        births.setdefault(key, []).append(person.birth.year)
        people.insert(at, person)
        return True

    while len(people) < ward.count - namesakes:
        add(factory.person(), len(people))
    taken: set[str] = set()
    while len(people) < ward.count:
        model = rng.choice(people)
        if model.name in taken:
            continue
        twin = factory.person(model.name, model.female)
        if add(twin, rng.randrange(len(people))):
            taken.add(model.name)
    return people


# --------------------------------------------------------------------------- file styles

DateStyle = Literal["dmy", "dmy_short", "dmy_mixed", "iso", "dash_dot", "excel"]
NameStyle = Literal["nfc", "some_nfd", "old_tone"]


@dataclass(frozen=True)
class FileStyle:
    """How one ward clerk writes the roster."""

    headers: tuple[tuple[str, str], ...]  # (field, header) in column order
    encoding: Literal["utf-8", "utf-8-sig", "cp1258", "utf-16", "xlsx"]
    delimiter: str = ","
    newline: str = "\r\n"
    row_numbers: bool = False
    dates: DateStyle = "dmy"
    bools: tuple[str, str] = ("x", "")
    genders: tuple[str, str] = ("Nam", "Nữ")
    statuses: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            "active": ("",),
            "moved_out": ("chuyển đi",),
            "deceased": ("từ trần", "đã mất"),
        }
    )
    group_format: str = "Tổ {n}"
    names: NameStyle = "nfc"
    stray_spaces: float = 0.0
    sort_by_group: bool = True
    title: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for f, _ in self.headers)


@dataclass(frozen=True)
class Ward:
    number: int
    slug: str
    name: str  # official 2019 name
    written: str  # how this clerk writes it in the ward column
    count: int
    streets: tuple[str, ...]
    style: FileStyle
    suffix: str = "csv"
    no_cccd_share: float = 0.05
    year_only_births: float = 0.0  # extra share of birth dates written as a year only

    @property
    def filename(self) -> str:
        return f"{self.number:02d}-{self.slug}.{self.suffix}"


def headers(names: Iterable[str], fields: Sequence[str] = FIELDS) -> tuple[tuple[str, str], ...]:
    names = tuple(names)
    assert len(names) == len(fields)
    return tuple(zip(fields, names, strict=True))


VI_HEADERS = (
    "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Phường", "Tổ dân phố", "Địa chỉ",
    "Điện thoại", "Ngày nhập ngũ", "Ngày xuất ngũ", "Cấp bậc", "Đơn vị", "Đảng viên",
    "Đoàn viên", "Dự bị động viên", "Hội viên CCB", "Ngày đăng ký", "Trạng thái",
    "Ngày trạng thái", "Ghi chú",
)  # fmt: skip
ALIAS_HEADERS = (
    "Họ tên", "Năm sinh", "Giới tính", "CCCD", "Phường", "Tổ", "Địa chỉ", "SĐT", "Nhập ngũ",
    "Xuất ngũ", "Cấp bậc", "Đơn vị", "Đảng viên", "Đoàn viên", "DBĐV", "Hội viên CCB",
    "Ngày đăng ký", "Trạng thái", "Ngày trạng thái", "Ghi chú",
)  # fmt: skip
XUAN_HA_HEADERS = (
    "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Phường", "Tổ dân phố", "Địa chỉ",
    "Số điện thoại", "Ngày nhập ngũ", "Ngày xuất ngũ", "Cấp bậc", "Đơn vị", "Đảng viên",
    "Đoàn viên", "Dự bị động viên", "Hội viên CCB", "Ngày đăng ký", "Trạng thái",
    "Ngày trạng thái", "Ghi chú",
)  # fmt: skip
ENGLISH_HEADERS = (
    "full_name", "birth_date", "gender", "national_id", "ward", "residential_group", "address",
    "phone", "enlisted_on", "discharged_on", "rank", "unit", "party_member",
    "youth_union_member", "reservist", "veterans_association_member", "registered_on",
    "status", "status_since", "notes",
)  # fmt: skip
ODD_CASE_HEADERS = (
    " HỌ VÀ TÊN ", "ngày sinh", "Giới Tính ", " số cccd", "PHƯỜNG", "tổ dân phố ", " Địa Chỉ",
    "ĐIỆN THOẠI", "Ngày Nhập Ngũ", "ngày xuất ngũ ", "CẤP BẬC", " đơn vị ", "Đảng Viên",
    "ĐOÀN VIÊN ", "dự bị động viên", " Hội Viên CCB", "ngày đăng ký", "TRẠNG THÁI",
    " ngày trạng thái ", "Ghi Chú",
)  # fmt: skip
AN_KHE_FIELDS = (
    "ho_ten", "ngay_sinh", "gioi_tinh", "so_cccd", "phuong", "to_dan_pho", "dia_chi",
    "dien_thoai", "dang_vien", "hoi_vien_ccb",
)  # fmt: skip
AN_KHE_HEADERS = (
    "Họ và tên", "Ngày sinh", "Giới tính", "CCCD", "Phường", "Tổ", "Địa chỉ", "Số điện thoại",
    "Đảng viên", "Hội viên CCB",
)  # fmt: skip
HOA_KHE_FIELDS = (
    "ho_ten", "gioi_tinh", "ngay_sinh", "phuong", "to_dan_pho", "dia_chi", "so_cccd",
    "dien_thoai", "ngay_nhap_ngu", "ngay_xuat_ngu", "cap_bac", "don_vi", "dang_vien",
    "doan_vien", "du_bi_dong_vien", "hoi_vien_ccb", "ngay_dang_ky", "trang_thai",
    "ngay_trang_thai", "ghi_chu",
)  # fmt: skip
HOA_KHE_HEADERS = (
    "Họ và tên", "Giới tính", "Ngày sinh", "Phường", "Tổ", "Địa chỉ", "CCCD", "Điện thoại",
    "Ngày nhập ngũ", "Ngày xuất ngũ", "Cấp bậc", "Đơn vị", "Đảng viên", "Đoàn viên",
    "Dự bị động viên", "Hội viên CCB", "Ngày đăng ký", "Trạng thái", "Ngày trạng thái",
    "Ghi chú",
)  # fmt: skip

WARDS: tuple[Ward, ...] = (
    Ward(
        1,
        "tam-thuan",
        "Tam Thuận",
        "Phường Tam Thuận",
        158,
        ("Trần Cao Vân", "Nguyễn Tất Thành", "Hà Huy Tập", "Phan Thanh", "Lê Độ"),
        FileStyle(
            headers(VI_HEADERS),
            "utf-8-sig",
            statuses={"active": ("",), "moved_out": ("Chuyển đi",), "deceased": ("Từ trần",)},
            stray_spaces=0.03,
        ),
    ),
    Ward(
        2,
        "thanh-khe-tay",
        "Thanh Khê Tây",
        "Thanh Khê Tây",
        146,
        ("Dũng Sĩ Thanh Khê", "Nguyễn Tất Thành", "Trần Cao Vân", "Hà Huy Tập", "Nguyễn Đức Trung"),
        FileStyle(
            headers(FIELDS),
            "utf-8",
            newline="\n",
            bools=("1", "0"),
            statuses={
                "active": ("đang sinh hoạt",),
                "moved_out": ("chuyển đi",),
                "deceased": ("đã mất",),
            },
            sort_by_group=False,
        ),
    ),
    Ward(
        3,
        "thanh-khe-dong",
        "Thanh Khê Đông",
        "P. Thanh Khê Đông",
        167,
        ("Trần Cao Vân", "Nguyễn Tất Thành", "Lê Độ", "Đặng Thai Mai", "Hà Huy Tập"),
        FileStyle(headers(ALIAS_HEADERS), "cp1258", delimiter=";", group_format="{n}"),
        year_only_births=0.25,
    ),
    Ward(
        4,
        "xuan-ha",
        "Xuân Hà",
        "Xuân Hà",
        151,
        ("Hà Huy Tập", "Trần Cao Vân", "Đỗ Quang", "Lý Thái Tổ", "Huỳnh Ngọc Huệ"),
        FileStyle(
            headers(XUAN_HA_HEADERS),
            "utf-16",
            delimiter="\t",
            dates="dmy_short",
            bools=("Có", "Không"),
            statuses={
                "active": ("đang sinh hoạt", ""),
                "moved_out": ("chuyển đi",),
                "deceased": ("từ trần",),
            },
        ),
        suffix="txt",
    ),
    Ward(
        5,
        "tan-chinh",
        "Tân Chính",
        "Tân Chính",
        136,
        ("Lê Duẩn", "Hải Phòng", "Ông Ích Khiêm", "Hoàng Hoa Thám", "Lê Độ"),
        FileStyle(
            headers(VI_HEADERS),
            "xlsx",
            dates="excel",
            title="DANH SÁCH CỰU QUÂN NHÂN PHƯỜNG TÂN CHÍNH",
        ),
        suffix="xlsx",
    ),
    Ward(
        6,
        "chinh-gian",
        "Chính Gián",
        "Chinh Gian",
        162,
        ("Lê Duẩn", "Điện Biên Phủ", "Lê Độ", "Thái Thị Bôi", "Chu Văn An", "Hoàng Hoa Thám"),
        FileStyle(
            headers(strip_diacritics(h) for h in VI_HEADERS),
            "utf-8",
            newline="\n",
            sort_by_group=False,
        ),
    ),
    Ward(
        7,
        "vinh-trung",
        "Vĩnh Trung",
        "Vĩnh Trung",
        124,
        ("Hàm Nghi", "Lê Đình Lý", "Đỗ Quang", "Hải Phòng", "Nguyễn Văn Linh"),
        FileStyle(
            headers(ENGLISH_HEADERS),
            "utf-8",
            delimiter=";",
            newline="\n",
            dates="iso",
            bools=("yes", "no"),
            genders=("male", "female"),
            statuses={
                "active": ("active",),
                "moved_out": ("moved_out",),
                "deceased": ("deceased",),
            },
            sort_by_group=False,
        ),
    ),
    Ward(
        8,
        "thac-gian",
        "Thạc Gián",
        "Thạc Gián",
        153,
        ("Nguyễn Văn Linh", "Hàm Nghi", "Lê Đình Lý", "Huỳnh Ngọc Huệ", "Điện Biên Phủ"),
        FileStyle(
            headers(ODD_CASE_HEADERS),
            "utf-8-sig",
            row_numbers=True,
            dates="dmy_mixed",
            bools=("Có", "Không"),
            statuses={
                "active": ("đang sinh hoạt",),
                "moved_out": ("chuyển đi",),
                "deceased": ("từ trần", "đã mất"),
            },
            names="some_nfd",
        ),
    ),
    Ward(
        9,
        "an-khe",
        "An Khê",
        "An Khê",
        178,
        ("Trường Chinh", "Điện Biên Phủ", "Hà Huy Tập", "Tôn Thất Đạm", "Nguyễn Phước Nguyên"),
        FileStyle(
            headers(AN_KHE_HEADERS, AN_KHE_FIELDS),
            "utf-8",
            dates="dmy_short",
            sort_by_group=False,
        ),
        no_cccd_share=0.15,
    ),
    Ward(
        10,
        "hoa-khe",
        "Hòa Khê",
        "Hoà Khê",
        137,
        ("Hà Huy Tập", "Điện Biên Phủ", "Thái Thị Bôi", "Trần Xuân Lê", "Nguyễn Tri Phương"),
        FileStyle(
            headers(HOA_KHE_HEADERS, HOA_KHE_FIELDS),
            "utf-8",
            dates="dash_dot",
            bools=("Có", "Không"),
            names="old_tone",
            stray_spaces=0.03,
        ),
    ),
)

# --------------------------------------------------------------------------- rendering

Cell = str | dt.date


def format_date(day: dt.date, style: DateStyle, rng: random.Random) -> Cell:
    if style == "excel":
        return day
    if style == "iso":
        return day.isoformat()
    if style == "dmy_short" or (style == "dmy_mixed" and rng.random() < 0.3):
        return f"{day.day}/{day.month}/{day.year}"
    if style == "dash_dot":
        separator = weighted(rng, (("-", 55), (".", 35), ("/", 10)))
        return f"{day.day:02d}{separator}{day.month:02d}{separator}{day.year}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def format_pdate(value: PDate, style: DateStyle, rng: random.Random) -> Cell:
    if value.month is None:
        return str(value.year)
    if value.day is None:
        return f"{value.month:02d}/{value.year}"
    return format_date(value.first_day(), style, rng)


def format_name(name: str, style: FileStyle, rng: random.Random) -> str:
    if style.names == "old_tone":
        name = old_tone_placement(name)
    if style.names == "some_nfd" and rng.random() < 0.3:
        name = unicodedata.normalize("NFD", name)
    if rng.random() < style.stray_spaces:
        words = name.split(" ")
        at = rng.randrange(len(words))
        name = " ".join(words[:at]) + "  " + " ".join(words[at:]) if at else name + " "
    return name


def render_row(person: Person, ward: Ward, rng: random.Random) -> dict[str, Cell]:
    style = ward.style
    yes, no = style.bools

    def flag(value: bool) -> str:
        return yes if value else no

    def optional_date(value: dt.date | None) -> Cell:
        return "" if value is None else format_date(value, style.dates, rng)

    return {
        "ho_ten": format_name(person.name, style, rng),
        "ngay_sinh": format_pdate(person.birth, style.dates, rng),
        "gioi_tinh": style.genders[1] if person.female else style.genders[0],
        "so_cccd": person.cccd,
        "phuong": ward.written,
        "to_dan_pho": style.group_format.format(n=person.group),
        "dia_chi": person.address,
        "dien_thoai": person.phone,
        "ngay_nhap_ngu": format_pdate(person.enlisted, style.dates, rng),
        "ngay_xuat_ngu": format_pdate(person.discharged, style.dates, rng),
        "cap_bac": person.rank,
        "don_vi": person.unit,
        "dang_vien": flag(person.party),
        "doan_vien": flag(person.youth),
        "du_bi_dong_vien": flag(person.reservist),
        "hoi_vien_ccb": flag(person.ccb),
        "ngay_dang_ky": optional_date(person.registered),
        "trang_thai": rng.choice(style.statuses[person.status]),
        "ngay_trang_thai": optional_date(person.status_since),
        "ghi_chu": person.note,
    }


def table(ward: Ward, people: Sequence[Person]) -> tuple[list[str], list[list[Cell]], list[Person]]:
    """Header, rows and people of a ward file, in the clerk's column and row order."""
    rng = random.Random(f"{SEED}/{ward.slug}/render")
    style = ward.style
    if style.sort_by_group:
        people = sorted(people, key=lambda p: p.group)
    header = [h for _, h in style.headers]
    rows: list[list[Cell]] = []
    for number, person in enumerate(people, start=1):
        values = render_row(person, ward, rng)
        row: list[Cell] = [values[f] for f in style.fields]
        if style.row_numbers:
            row.insert(0, str(number))
        rows.append(row)
    if style.row_numbers:
        header.insert(0, "STT")
    return header, rows, list(people)


def csv_bytes(ward: Ward, header: list[str], rows: list[list[Cell]]) -> bytes:
    style = ward.style
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator=style.newline)
    writer.writerow(header)
    for row in rows:
        writer.writerow([str(c) for c in row])
    text = buffer.getvalue()
    if style.encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if style.encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if style.encoding == "cp1258":
        return to_cp1258(text)
    return text.encode("utf-8")


def xlsx_bytes(ward: Ward, header: list[str], rows: list[list[Cell]]) -> bytes:
    text_fields = ("so_cccd", "dien_thoai", "to_dan_pho", *PARTIAL_DATE_FIELDS)
    text_columns = {ward.style.fields.index(f) for f in text_fields}
    named = {"ho_ten": 26, "dia_chi": 28, "don_vi": 40, "ghi_chu": 30, "so_cccd": 15}
    widths = {i: named.get(name, 13) for i, name in enumerate(ward.style.fields)}
    creator = f"UBND phường {ward.name}"
    return sheet_bytes(
        ward.style.title, "Danh sách CQN", header, rows, text_columns, widths, creator
    )


def sheet_bytes(
    title: str,
    sheet: str,
    header: list[str],
    rows: list[list[Cell]],
    text_columns: set[int],
    widths: Mapping[int, float],
    creator: str,
) -> bytes:
    """An xlsx file as a clerk makes it: a title on row 1, the header on row 3, then
    the rows; full dates are date cells, the text columns are text cells."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    for column, name in enumerate(header, start=1):
        ws.cell(row=3, column=column, value=name).font = Font(bold=True)
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row):
            cell = ws.cell(row=r, column=c + 1, value=value if value != "" else None)
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
            elif c in text_columns:
                cell.number_format = "@"
    for index, width in sorted(widths.items()):
        letter = ws.cell(row=3, column=index + 1).column_letter
        ws.column_dimensions[letter].width = width
    wb.properties.creator = creator
    wb.properties.lastModifiedBy = creator
    wb.properties.created = XLSX_TIMESTAMP
    wb.properties.modified = XLSX_TIMESTAMP
    raw = io.BytesIO()
    wb.save(raw)
    return deterministic_zip(raw.getvalue())


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite an xlsx with fixed entry timestamps and a fixed modified date.

    openpyxl stamps docProps/core.xml with the time of saving and the zip
    entries with the current local time; both are replaced.
    """
    stamp = XLSX_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, content)
    return out.getvalue()


# --------------------------------------------------------------------------- activity
#
# Groups, memberships, meetings with their attendance marks, and visits, made for the
# people of the rosters. Each stream has its own random.Random seeded apart from the
# roster streams, so the roster files do not change when this part does.

ACTIVITY_START = dt.date(2018, 1, 1)
BEFORE_ACTIVITY = dt.date(2017, 12, 31)
ONE_DAY = dt.timedelta(days=1)
WARD_CODES: dict[int, str] = {
    1: "TT",
    2: "TKT",
    3: "TKD",
    4: "XH",
    5: "TC",
    6: "CG",
    7: "VT",
    8: "TG",
    9: "AK",
    10: "HK",
}
CLUB_COUNTS: dict[int, int] = {1: 4, 2: 4, 3: 5, 4: 3, 5: 4, 6: 4, 7: 3, 8: 4, 9: 5, 10: 4}

# The deliberate edge cases, keyed by (ward number, club number); club 0 is the BLL.
LATE_FOUNDED: dict[tuple[int, int], dt.date] = {
    (2, 4): dt.date(2018, 5, 15),  # first quarterly meeting on its founding day
    (9, 5): dt.date(2018, 10, 1),  # misses the quarter it was founded in
}
FOUNDING_DAY_MEETING = (2, 4)
MISSES_FIRST_QUARTER = (9, 5)
DISSOLVED: dict[tuple[int, int], dt.date] = {(6, 2): dt.date(2019, 6, 30)}
NO_FOUNDING_DATE = ((1, 3), (4, 0), (10, 2))
DOUBLE_QUARTERS: dict[tuple[int, int], tuple[int, int]] = {(3, 2): (2018, 3), (10, 1): (2019, 1)}
REJOIN_WARDS = (1, 5, 10)
# Gatherings held away from the usual ±10 days: (ward, year, month of the occasion).
ODD_GATHERINGS: dict[tuple[int, int, int], dt.date] = {
    (4, 2019, 4): dt.date(2019, 4, 15),  # 15 days before 30/04/2019: counts
    (7, 2018, 4): dt.date(2018, 4, 14),  # 16 days before 30/04/2018: counts for nothing
}
# The 22/12/2019 gathering of Thạc Gián is held by its club 1, not by its BLL.
CLUB_GATHERING = (8, 1, 2019)
OTHER_MEETING_WARDS = (1, 3, 6, 9, 10)
# Guests from a neighbouring ward: (ward of the meeting, ward of the guest).
CROSS_WARD_GUESTS = ((1, 2), (3, 4), (6, 5), (9, 8))
# A guest from Thanh Khê Tây at the 22/12/2018 gathering of Tam Thuận.
GATHERING_GUEST = (1, 2, 2018)

QUARTERLY = "Họp quý"
GATHERING = "Gặp mặt"
MID_YEAR_REVIEW = "Sơ kết"
YEAR_END_REVIEW = "Tổng kết"
OTHER_MEETING = "Khác"
MEETING_KINDS = (QUARTERLY, GATHERING, MID_YEAR_REVIEW, YEAR_END_REVIEW, OTHER_MEETING)
PRESENT = "Có mặt"
EXCUSED = "Vắng có phép"
ABSENT = "Vắng"
MARK_WORDS = (PRESENT, EXCUSED, ABSENT)
CHAIR = "Chủ nhiệm"
VICE_CHAIR = "Phó chủ nhiệm"
BOARD_HEAD = "Trưởng ban"
MEMBER = "Thành viên"
ROLES = (CHAIR, VICE_CHAIR, BOARD_HEAD, MEMBER)
SICK = "Ốm đau"
HARDSHIP = "Hoạn nạn"
BEREAVEMENT = "Tang lễ"
OTHER_REASON = "Khác"
REASONS = (SICK, HARDSHIP, BEREAVEMENT, OTHER_REASON)
ROMAN = ("", "I", "II", "III", "IV")
OCCASIONS = ((4, 30), (12, 22))
YEARS = (2018, 2019)
QUARTERS = tuple((year, quarter) for year in YEARS for quarter in (1, 2, 3, 4))

GROUP_HEADER = ("Mã nhóm", "Tên nhóm", "Loại", "Phường", "Ngày thành lập", "Ngày giải thể")
REFERENCE_HEADER = ("Số CCCD", "Họ và tên", "Ngày sinh", "Phường")
MEMBER_HEADER = (*REFERENCE_HEADER, "Mã nhóm", "Ngày tham gia", "Ngày rời", "Chức vụ")
ATTENDANCE_HEADER = (
    "Mã cuộc họp",
    "Ngày",
    "Loại",
    "Mã nhóm",
    "Tiêu đề",
    *REFERENCE_HEADER,
    "Trạng thái",
)
VISIT_HEADER = (*REFERENCE_HEADER, "Ngày", "Lý do", "Quà tặng", "Mã nhóm", "Ghi chú")

OTHER_TITLES = (
    "Tham quan Khu di tích lịch sử Nước Oa",
    "Hội thao truyền thống cựu quân nhân",
    "Giao lưu với Đoàn thanh niên phường",
    "Dâng hương Nghĩa trang liệt sĩ thành phố",
    "Học tập chuyên đề Nghị quyết",
)
GIFTS: dict[str, tuple[tuple[int, float], ...]] = {
    SICK: ((300_000, 3), (500_000, 5), (1_000_000, 1)),
    HARDSHIP: ((500_000, 3), (1_000_000, 4), (2_000_000, 1)),
    BEREAVEMENT: ((500_000, 3), (1_000_000, 2)),
    OTHER_REASON: ((200_000, 2), (300_000, 3), (500_000, 1)),
}
VISIT_NOTES: dict[str, tuple[str, ...]] = {
    SICK: (
        "Nằm viện Đà Nẵng",
        "Nằm viện C17",
        "Mổ mắt",
        "Điều trị tại Bệnh viện Đà Nẵng",
        "Ốm nặng tại nhà",
        "",
    ),
    HARDSHIP: ("Hỗ trợ sửa nhà", "Nhà bị ngập sau bão", "Gia đình khó khăn", "Tai nạn giao thông"),
    OTHER_REASON: ("Thăm hỏi gia đình chính sách", ""),
}


def visit_note(rng: random.Random, person: Person, reason: str, day: dt.date) -> str:
    if reason == BEREAVEMENT:
        spouse = "Chồng mất" if person.female else "Vợ mất"
        parents = ("Mẹ mất", "Bố mất") if person.birth.year >= 1955 else ("Anh trai mất",)
        pool: tuple[str, ...] = (*parents, spouse)
        return rng.choice(pool)
    if reason == OTHER_REASON and day.month <= 2:
        return "Thăm hỏi dịp Tết"
    if reason == OTHER_REASON and day.month == 7:
        return "Thăm hỏi nhân ngày 27/7"
    return rng.choice(VISIT_NOTES[reason])


GIFT_STYLES = ("plain", "dot", "comma", "dot_d", "dot_vnd", "dot_space_d")


def fmt_day(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    following = dt.date(year + quarter // 4, 3 * quarter % 12 + 1, 1)
    return start, following - ONE_DAY


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def mid_quarter_day(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    """A day of [lo, hi], in the middle month of a quarter when [lo, hi] reaches one."""
    windows: list[tuple[dt.date, dt.date]] = []
    for year in range(lo.year, hi.year + 1):
        for quarter in (1, 2, 3, 4):
            start = max(lo, dt.date(year, 3 * quarter - 1, 5))
            end = min(hi, dt.date(year, 3 * quarter - 1, 25))
            if start <= end:
                windows.append((start, end))
    if not windows:
        return random_day(rng, lo, hi)
    return random_day(rng, *rng.choice(windows))


@dataclass(eq=False)
class Entry:
    """One roster row: the person and how the ward clerk wrote their name and birth date."""

    ward: Ward
    index: int  # 0 for the first data row of the roster file
    person: Person
    name: str
    birth: Cell

    @property
    def line(self) -> int:
        return self.index + (4 if self.ward.suffix == "xlsx" else 2)

    @property
    def where(self) -> str:
        return f"roster/{self.ward.filename}:{self.line}"

    @property
    def registered(self) -> dt.date | None:
        """The registration date the roster file shows."""
        return self.person.registered if "ngay_dang_ky" in self.ward.style.fields else None

    @property
    def gone(self) -> dt.date | None:
        """The day the person moved out or died, as the roster file shows."""
        if "trang_thai" not in self.ward.style.fields or self.person.status == "active":
            return None
        return self.person.status_since

    def on_roster(self, day: dt.date) -> bool:
        registered, gone = self.registered, self.gone
        return (registered is None or registered <= day) and (gone is None or gone > day)

    @property
    def free_from(self) -> dt.date:
        """The first day this person can join a group: out of the army and registered."""
        out_of_army = self.person.discharged.last_day() + ONE_DAY
        return max(out_of_army, self.person.registered or out_of_army)


@dataclass(eq=False)
class Group:
    ward: Ward
    number: int  # 0 for the BLL
    founded: dt.date | None
    dissolved: dt.date | None
    since: dt.date  # founded, or the day an undated group is taken to have begun
    tos: tuple[int, int]  # the residential groups (tổ) a club gathers

    @property
    def kind(self) -> str:
        return "BLL" if self.number == 0 else "CLB"

    @property
    def code(self) -> str:
        prefix = WARD_CODES[self.ward.number]
        return f"{prefix}-BLL" if self.number == 0 else f"{prefix}-CLB{self.number:02d}"

    @property
    def name(self) -> str:
        if self.number == 0:
            return f"Ban liên lạc CQN phường {self.ward.name}"
        return f"CLB Cựu quân nhân tổ {self.tos[0]}–{self.tos[1]} {self.ward.name}"

    @property
    def last_day(self) -> dt.date:
        """The last day the group exists in the sample period."""
        return LAST_DAY if self.dissolved is None else min(LAST_DAY, self.dissolved - ONE_DAY)

    def exists(self, day: dt.date) -> bool:
        return (self.founded is None or self.founded <= day) and (
            self.dissolved is None or self.dissolved > day
        )


@dataclass(eq=False)
class Membership:
    entry: Entry
    group: Group
    joined: dt.date
    left: dt.date | None = None
    role: str = MEMBER
    line: int = 0

    def covers(self, day: dt.date) -> bool:
        return self.joined <= day and (self.left is None or self.left > day)


@dataclass(eq=False)
class Mark:
    entry: Entry
    status: str
    line: int = 0


@dataclass(eq=False)
class Meeting:
    code: str
    day: dt.date
    kind: str
    group: Group
    title: str
    marks: list[Mark] = field(default_factory=list)
    missing: list[Entry] = field(default_factory=list)  # expected, not on the sheet

    def marked(self, entry: Entry) -> bool:
        return any(m.entry is entry for m in self.marks)


@dataclass(eq=False)
class Visit:
    entry: Entry
    day: dt.date
    reason: str
    gift: int | None
    gift_text: str
    group: Group | None
    note: str
    line: int = 0


@dataclass
class WardActivity:
    ward: Ward
    entries: list[Entry]
    groups: list[Group]
    meetings: list[Meeting] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)

    def members_on(self, group: Group, day: dt.date) -> list[Membership]:
        return [m for m in self.memberships if m.group is group and m.covers(day)]

    def expected(self, meeting: Meeting) -> list[Entry]:
        """Members of the meeting's group that day who are on the roster (SPEC section 4)."""
        found = [m.entry for m in self.members_on(meeting.group, meeting.day)]
        unique = {e.index: e for e in found if e.on_roster(meeting.day)}
        return [unique[i] for i in sorted(unique)]


def make_groups(ward: Ward, entries: Sequence[Entry]) -> list[Group]:
    """The ward's BLL and clubs; each club gathers a run of residential groups (tổ)."""
    rng = random.Random(f"{SEED}/{ward.slug}/groups")
    tos = max(e.person.group for e in entries)
    founded = random_day(rng, dt.date(2010, 1, 1), dt.date(2012, 12, 31))
    bll_founded = None if (ward.number, 0) in NO_FOUNDING_DATE else founded
    groups = [Group(ward, 0, bll_founded, None, founded, (1, tos))]
    count = CLUB_COUNTS[ward.number]
    cuts = [round(tos * k / count) + rng.randint(-2, 2) for k in range(1, count)]
    starts = [1, *(c + 1 for c in cuts)]
    ends = [*cuts, tos]
    for number in range(1, count + 1):
        key = (ward.number, number)
        drawn = random_day(rng, dt.date(2011, 1, 1), dt.date(2016, 12, 31))
        day = LATE_FOUNDED.get(key, drawn)
        groups.append(
            Group(
                ward,
                number,
                None if key in NO_FOUNDING_DATE else day,
                DISSOLVED.get(key),
                day,
                (starts[number - 1], ends[number - 1]),
            )
        )
    return groups


def quarterly_day(rng: random.Random, lo: dt.date, hi: dt.date, quarter_start: dt.date) -> dt.date:
    """A club's meeting day: in the second half of the quarter when it can be."""
    start = max(lo, quarter_start + dt.timedelta(days=40))
    end = min(hi, quarter_start + dt.timedelta(days=85))
    if start <= end:
        return random_day(rng, start, end)
    return random_day(rng, lo, hi)


def counted_quarters(club: Group) -> list[tuple[int, int, dt.date, dt.date]]:
    """The quarters of 2018-2019 in which the club existed, with the days it did."""
    counted: list[tuple[int, int, dt.date, dt.date]] = []
    for year, quarter in QUARTERS:
        start, end = quarter_bounds(year, quarter)
        lo = max(start, club.founded or start)
        hi = min(end, club.last_day)
        if lo <= hi:
            counted.append((year, quarter, lo, hi))
    return counted


def make_meetings(ward: Ward, groups: Sequence[Group]) -> list[Meeting]:
    """The meetings of 2018 and 2019 (no attendance yet)."""
    rng = random.Random(f"{SEED}/{ward.slug}/meetings")
    meetings: list[Meeting] = []
    bll, clubs = groups[0], groups[1:]
    for club in clubs:
        key = (ward.number, club.number)
        counted = counted_quarters(club)
        keep = {k for k, (y, q, _, _) in enumerate(counted) if (y, q) == DOUBLE_QUARTERS.get(key)}
        if key == FOUNDING_DAY_MEETING:
            keep.add(0)
        if key in DISSOLVED:
            keep.add(len(counted) - 1)
        skips = weighted(rng, ((0, 42), (1, 18), (2, 22), (3, 18)))
        choices = [k for k in range(len(counted)) if k not in keep]
        skipped = set(rng.sample(choices, min(skips, len(choices) - 1)))
        if key == MISSES_FIRST_QUARTER:
            skipped.add(0)
        for k, (year, quarter, lo, hi) in enumerate(counted):
            if k in skipped:
                continue
            start, _ = quarter_bounds(year, quarter)
            if key == FOUNDING_DAY_MEETING and k == 0:
                day = club.since
            elif key in DISSOLVED and k == len(counted) - 1:
                day = hi  # the last meeting, the day before the club is dissolved
            else:
                day = quarterly_day(rng, lo, hi, start)
            title = f"Sinh hoạt quý {ROMAN[quarter]}/{year}"
            code = f"{club.code}-{year}Q{quarter}"
            first = Meeting(code, day, QUARTERLY, club, title)
            meetings.append(first)
            if DOUBLE_QUARTERS.get(key) == (year, quarter):
                later = [
                    lo + dt.timedelta(days=n)
                    for n in range((hi - lo).days + 1)
                    if abs((lo + dt.timedelta(days=n) - day).days) >= 20
                ]
                second = rng.choice(later)
                # The earlier of the two keeps the quarter's code.
                first.day, second = min(day, second), max(day, second)
                meetings.append(Meeting(f"{code}-2", second, QUARTERLY, club, f"{title} (lần 2)"))
    for year in YEARS:
        mid = random_day(rng, dt.date(year, 6, 10), dt.date(year, 7, 20))
        title = f"Sơ kết 6 tháng đầu năm {year}"
        meetings.append(Meeting(f"{bll.code}-SK-{year}", mid, MID_YEAR_REVIEW, bll, title))
        gathering_days: list[dt.date] = []
        for month, day_of_month in OCCASIONS:
            occasion = dt.date(year, month, day_of_month)
            offset = rng.randint(-8, 1) if month == 4 else rng.randint(-6, 3)
            day = ODD_GATHERINGS.get((ward.number, year, month), occasion + offset * ONE_DAY)
            holder = bll
            if (ward.number, year, month) == (CLUB_GATHERING[0], CLUB_GATHERING[2], 12):
                holder = groups[CLUB_GATHERING[1]]
            if month == 4:
                title = (
                    f"Gặp mặt kỷ niệm {year - 1975} năm Ngày Giải phóng miền Nam, "
                    "thống nhất đất nước (30/4)"
                )
            else:
                title = f"Gặp mặt kỷ niệm {year - 1944} năm Ngày thành lập QĐND Việt Nam (22/12)"
            code = f"{holder.code}-GM-{year}-{month:02d}"
            meetings.append(Meeting(code, day, GATHERING, holder, title))
            gathering_days.append(day)
        end = random_day(rng, dt.date(year, 12, 5), dt.date(year, 12, 30))
        while end in gathering_days:
            end -= ONE_DAY
        title = f"Tổng kết công tác năm {year}"
        meetings.append(Meeting(f"{bll.code}-TK-{year}", end, YEAR_END_REVIEW, bll, title))
    if ward.number in OTHER_MEETING_WARDS:
        group = rng.choice(list(groups))
        day = random_day(rng, max(ACTIVITY_START, group.since), group.last_day)
        code = f"{group.code}-K-{day.year}-{day.month:02d}"
        meetings.append(Meeting(code, day, OTHER_MEETING, group, rng.choice(OTHER_TITLES)))
    meetings.sort(key=lambda m: (m.day, m.code))
    return meetings


def make_memberships(activity: WardActivity) -> None:
    """Who is in which group, from when to when, with which role."""
    ward, entries, groups = activity.ward, activity.entries, activity.groups
    rng = random.Random(f"{SEED}/{ward.slug}/members")
    bll, clubs = groups[0], groups[1:]
    meeting_days = {
        g.code: sorted({m.day for m in activity.meetings if m.group is g}) for g in groups
    }

    def window(entry: Entry, group: Group) -> tuple[dt.date, dt.date] | None:
        lo = max(group.since, entry.free_from)
        hi = group.last_day
        if entry.person.status != "active" and entry.person.status_since is not None:
            hi = min(hi, entry.person.status_since - ONE_DAY)
        return (lo, hi) if lo <= hi else None

    count = len(entries)
    able = [e.index for e in entries if window(e, bll) is not None]
    outside = set(rng.sample(able, round(0.11 * count)))
    gathered = [i for i in able if i not in outside]
    share = rng.uniform(0.74, 0.86)
    in_bll = set(rng.sample(gathered, min(len(gathered), round(share * count))))
    clubs_of: dict[int, list[Group]] = {i: [] for i in gathered}
    size = {c.code: 0 for c in clubs}

    def join(i: int, club: Group) -> None:
        clubs_of[i].append(club)
        size[club.code] += 1

    def at_home(i: int, club: Group) -> bool:
        return club.tos[0] <= entries[i].person.group <= club.tos[1]

    # Everybody gathered outside the BLL is in a club, of their tổ when it can be.
    for i in gathered:
        if i in in_bll:
            continue
        fits = [c for c in clubs if window(entries[i], c) is not None]
        home = [c for c in fits if at_home(i, c)]
        if home or fits:
            join(i, rng.choice(home or fits))
    for club in clubs:
        late = club.since.year >= 2018
        target = rng.randint(15, 20) if late else rng.randint(18, 34)
        pool = [
            i
            for i in gathered
            if i in in_bll
            and at_home(i, club)
            and window(entries[i], club) is not None
            and club not in clubs_of[i]
        ]
        for i in rng.sample(pool, min(len(pool), max(0, target - size[club.code]))):
            join(i, club)
        if size[club.code] < 15:
            others = [
                i
                for i in gathered
                if i in in_bll and window(entries[i], club) is not None and not clubs_of[i]
            ]
            for i in rng.sample(others, min(len(others), 15 - size[club.code])):
                join(i, club)
    # A few people are in two clubs.
    for i in gathered:
        if clubs_of[i] and rng.random() < 0.06:
            fits = [
                c
                for c in clubs
                if c not in clubs_of[i] and size[c.code] < 38 and window(entries[i], c)
            ]
            if fits:
                join(i, rng.choice(fits))

    def join_date(entry: Entry, group: Group) -> dt.date:
        found = window(entry, group)
        assert found is not None
        lo, hi = found
        if lo == group.since and rng.random() < 0.6:
            return lo  # a founding member
        late_lo = max(lo, ACTIVITY_START)
        if late_lo <= hi and (rng.random() < 0.15 or lo > BEFORE_ACTIVITY):
            days = [d for d in meeting_days[group.code] if late_lo <= d <= hi]
            if days and rng.random() < 0.1:
                return rng.choice(days)
            return mid_quarter_day(rng, late_lo, hi)
        return random_day(rng, lo, min(hi, BEFORE_ACTIVITY))

    memberships: list[Membership] = []
    for group in groups:
        for i in gathered:
            if (group is bll and i in in_bll) or group in clubs_of[i]:
                memberships.append(Membership(entries[i], group, join_date(entries[i], group)))
    # Roles: the longest-standing active members lead.
    for group in groups:
        ms = [m for m in memberships if m.group is group and m.entry.person.status == "active"]
        ms.sort(key=lambda m: (m.joined, m.entry.index))
        leaders = rng.sample(ms[:6], 2)
        if group is bll:
            leaders[0].role = BOARD_HEAD
        else:
            leaders[0].role, leaders[1].role = CHAIR, VICE_CHAIR
    # Leaving: on the day of moving out or death for some, by choice for a few.
    for m in memberships:
        person = m.entry.person
        if person.status != "active" and person.status_since is not None:
            if rng.random() < 0.5:
                m.left = person.status_since
        elif m.role == MEMBER and rng.random() < (0.03 if m.group is bll else 0.06):
            lo = max(m.joined + ONE_DAY, ACTIVITY_START)
            hi = m.group.last_day
            if lo <= hi:
                days = [d for d in meeting_days[m.group.code] if lo <= d <= hi]
                if days and rng.random() < 0.35:
                    m.left = rng.choice(days)
                else:
                    m.left = mid_quarter_day(rng, lo, hi)
        if m.group.dissolved is not None and (m.left is None or m.left > m.group.dissolved):
            m.left = m.group.dissolved
    # Left and joined again later.
    if ward.number in REJOIN_WARDS:
        candidates = [
            m
            for m in memberships
            if m.group is not bll
            and m.group.dissolved is None
            and m.role == MEMBER
            and m.left is None
            and m.joined <= dt.date(2017, 6, 30)
            and m.entry.person.status == "active"
        ]
        first = rng.choice(candidates)
        first.left = mid_quarter_day(rng, dt.date(2018, 2, 1), dt.date(2018, 9, 30))
        again = mid_quarter_day(rng, first.left + dt.timedelta(days=120), dt.date(2019, 10, 31))
        memberships.insert(
            memberships.index(first) + 1, Membership(first.entry, first.group, again)
        )
    activity.memberships = memberships


def draw_mark(rng: random.Random, habit: float) -> str:
    draw = rng.random()
    if draw < habit:
        return PRESENT
    return EXCUSED if draw < habit + (1 - habit) * 0.5 else ABSENT


def make_marks(activity: WardActivity) -> None:
    """One mark per expected member (a few left off some sheets), and some guests."""
    ward, entries = activity.ward, activity.entries
    rng = random.Random(f"{SEED}/{ward.slug}/attendance")
    habits = [0.12 if rng.random() < 0.06 else rng.uniform(0.7, 0.96) for _ in entries]
    for meeting in activity.meetings:
        day = meeting.day
        expected = activity.expected(meeting)
        members = activity.members_on(meeting.group, day)
        joiners = {m.entry.index for m in members if m.joined == day}
        if len(expected) > 8 and rng.random() < 0.10:
            pool = [e for e in expected if e.index not in joiners]
            meeting.missing = rng.sample(pool, rng.randint(1, 3))
        for entry in expected:
            if any(entry is e for e in meeting.missing):
                continue
            status = PRESENT if entry.index in joiners else draw_mark(rng, habits[entry.index])
            meeting.marks.append(Mark(entry, status))
        member_indexes = {m.entry.index for m in members}
        # Some who left the group that very day still came: guests, by SPEC section 4.
        for m in activity.memberships:
            if (
                m.group is meeting.group
                and m.left == day
                and m.entry.on_roster(day)
                and m.entry.index not in member_indexes
                and not meeting.marked(m.entry)
                and rng.random() < 0.5
            ):
                meeting.marks.append(Mark(m.entry, PRESENT))
        club_gathering = meeting.kind == GATHERING and meeting.group.kind == "CLB"
        if club_gathering or rng.random() < 0.12:
            pool = [
                e
                for e in entries
                if e.on_roster(day) and e.index not in member_indexes and not meeting.marked(e)
            ]
            # Everybody is asked to a gathering; a club only holds it.
            count = round(0.55 * len(pool)) if club_gathering else min(len(pool), rng.randint(1, 2))
            for entry in sorted(rng.sample(pool, count), key=lambda e: e.index):
                meeting.marks.append(Mark(entry, PRESENT))


def add_district_marks(activities: Sequence[WardActivity]) -> None:
    """Guests from other wards, and the one person marked after moving out."""
    rng = random.Random(f"{SEED}/guests")
    by_number = {a.ward.number: a for a in activities}
    for host, home in CROSS_WARD_GUESTS:
        meetings = [m for m in by_number[host].meetings if m.kind in (QUARTERLY, OTHER_MEETING)]
        meeting = rng.choice(meetings)
        pool = [e for e in by_number[home].entries if e.person.cccd and e.on_roster(meeting.day)]
        meeting.marks.append(Mark(rng.choice(pool), PRESENT))
    host, home, year = GATHERING_GUEST
    occasion = dt.date(year, 12, 22)
    meeting = next(
        m
        for m in by_number[host].meetings
        if m.kind == GATHERING and m.day.year == year and m.day.month == 12
    )
    near = [
        m
        for m in by_number[home].meetings
        if m.kind == GATHERING and abs((m.day - occasion).days) <= 15
    ]
    came = {k.entry.index for m in near for k in m.marks if k.status == PRESENT}
    pool = [
        e
        for e in by_number[home].entries
        if e.on_roster(meeting.day) and e.on_roster(occasion) and e.index not in came
    ]
    meeting.marks.append(Mark(rng.choice(pool), PRESENT))
    # One person marked present at their club after moving out (a clerk's slip).
    for activity in activities:
        for m in activity.memberships:
            gone = m.entry.gone
            if (
                m.group.kind == "CLB"
                and m.left is None
                and m.entry.person.status == "moved_out"
                and gone is not None
                and gone >= ACTIVITY_START
            ):
                later = [
                    x
                    for x in activity.meetings
                    if x.group is m.group and x.kind == QUARTERLY and x.day > gone
                ]
                if later:
                    later[0].marks.append(Mark(m.entry, PRESENT))
                    return
    raise AssertionError("nobody to mark after moving out")


def gift_text(amount: int, style: str) -> str:
    dotted = f"{amount:,}".replace(",", ".")
    return {
        "plain": str(amount),
        "dot": dotted,
        "comma": f"{amount:,}",
        "dot_d": f"{dotted}đ",
        "dot_vnd": f"{dotted} VNĐ",
        "dot_space_d": f"{dotted} đ",
    }[style]


def make_visits(activity: WardActivity, *, visit_the_deceased: bool) -> bool:
    """Visits of 2018 and 2019; return True if one went to a funeral of a roster person."""
    ward, entries = activity.ward, activity.entries
    rng = random.Random(f"{SEED}/{ward.slug}/visits")
    count = rng.randint(5, 20)
    visits: list[Visit] = []
    seen: set[tuple[int, dt.date, str]] = set()

    def visitor(entry: Entry, day: dt.date) -> Group | None:
        draw = rng.random()
        groups = [m.group for m in activity.memberships if m.entry is entry and m.covers(day)]
        if groups and draw < 0.85:
            clubs = [g for g in groups if g.kind == "CLB"]
            return rng.choice(clubs or groups)
        if draw < 0.9:
            return activity.groups[0]
        return None

    def add(entry: Entry, day: dt.date, reason: str, note: str | None = None) -> None:
        key = (entry.index, day, reason)
        if key in seen:
            return
        seen.add(key)
        gift: int | None = None
        text = ""
        if rng.random() < 0.85:
            gift = weighted(rng, GIFTS[reason])
            text = gift_text(gift, rng.choice(GIFT_STYLES))
        chosen = visit_note(rng, entry.person, reason, day) if note is None else note
        visits.append(Visit(entry, day, reason, gift, text, visitor(entry, day), chosen))

    funeral = False
    if visit_the_deceased:
        dead = [
            e
            for e in entries
            if e.person.status == "deceased" and e.gone is not None and e.gone >= ACTIVITY_START
        ]
        if dead:
            entry = rng.choice(dead)
            assert entry.gone is not None
            add(entry, min(LAST_DAY, entry.gone + ONE_DAY), BEREAVEMENT, "Viếng tang")
            funeral = True
    while len(visits) < count:
        entry = rng.choice(entries)
        start = max(ACTIVITY_START, entry.registered or ACTIVITY_START)
        end = LAST_DAY if entry.gone is None else min(LAST_DAY, entry.gone - ONE_DAY)
        if start > end:
            continue
        reason = weighted(rng, ((SICK, 50), (HARDSHIP, 20), (BEREAVEMENT, 15), (OTHER_REASON, 15)))
        day = random_day(rng, start, end)
        add(entry, day, reason)
        if rng.random() < 0.08 and len(visits) < count:
            # Visited again the same year.
            again = random_day(
                rng, max(start, dt.date(day.year, 1, 1)), min(end, dt.date(day.year, 12, 31))
            )
            if again != day:
                add(entry, again, weighted(rng, ((SICK, 3), (HARDSHIP, 1))))
    visits.sort(key=lambda v: (v.day, v.entry.index))
    activity.visits = visits
    return funeral


def make_activity(rosters: Sequence[tuple[Ward, list[Entry]]]) -> list[WardActivity]:
    activities: list[WardActivity] = []
    for ward, entries in rosters:
        groups = make_groups(ward, entries)
        activity = WardActivity(ward, entries, groups, make_meetings(ward, groups))
        make_memberships(activity)
        make_marks(activity)
        activities.append(activity)
    add_district_marks(activities)
    funeral_pending = True
    for activity in activities:
        if make_visits(activity, visit_the_deceased=funeral_pending):
            funeral_pending = False
    return activities


# --------------------------------------------------------------------------- activity files


def encode_csv(rows: Iterable[Sequence[str]], encoding: str, delimiter: str = ",") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "cp1258":
        return to_cp1258(text)
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("utf-8")


def as_text(value: Cell) -> str:
    return fmt_day(value) if isinstance(value, dt.date) else value


def reference(entry: Entry, rng: random.Random, cells: bool = False) -> list[Cell]:
    """Số CCCD, Họ và tên, Ngày sinh, Phường: the number when there is one, with what
    clerks add; name, birth date and ward written as in the roster otherwise."""
    birth = entry.birth if cells else as_text(entry.birth)
    if not entry.person.cccd:
        return ["", entry.name, birth, entry.ward.written]
    return [
        entry.person.cccd,
        entry.name,
        birth if rng.random() < 0.8 else "",
        entry.ward.written if rng.random() < 0.9 else "",
    ]


def activity_path(folder: str, ward: Ward, suffix: str = "csv") -> str:
    return f"{folder}/{ward.number:02d}-{ward.slug}.{suffix}"


def write_groups(out: Path, activities: Sequence[WardActivity]) -> None:
    rows: list[list[str]] = [list(GROUP_HEADER)]
    for activity in activities:
        for g in activity.groups:
            founded = "" if g.founded is None else fmt_day(g.founded)
            dissolved = "" if g.dissolved is None else fmt_day(g.dissolved)
            rows.append([g.code, g.name, g.kind, g.ward.name, founded, dissolved])
    (out / "groups.csv").write_bytes(encode_csv(rows, "utf-8-sig"))


def group_line(activities: Sequence[WardActivity], group: Group) -> int:
    line = 2
    for activity in activities:
        for g in activity.groups:
            if g is group:
                return line
            line += 1
    raise AssertionError(group.code)


MEMBERS_XLSX_TITLE = "DANH SÁCH THÀNH VIÊN CLB, BLL CỰU QUÂN NHÂN PHƯỜNG {}"


def write_members(out: Path, activity: WardActivity) -> str:
    ward = activity.ward
    rng = random.Random(f"{SEED}/{ward.slug}/members/render")
    xlsx = ward.style.encoding == "xlsx"
    rows: list[list[Cell]] = []
    for number, m in enumerate(activity.memberships):
        m.line = number + (4 if xlsx else 2)
        ref = reference(m.entry, rng, cells=xlsx)
        joined: Cell = m.joined if xlsx else fmt_day(m.joined)
        left: Cell = "" if m.left is None else m.left if xlsx else fmt_day(m.left)
        rows.append([*ref, m.group.code, joined, left, m.role])
    if xlsx:
        name = activity_path("members", ward, "xlsx")
        title = MEMBERS_XLSX_TITLE.format(ward.name.upper())
        data = sheet_bytes(
            title,
            "Thành viên",
            list(MEMBER_HEADER),
            rows,
            text_columns={0, 2},
            widths={0: 15, 1: 26, 2: 12, 3: 13, 4: 12, 5: 13, 6: 13, 7: 15},
            creator=f"UBND phường {ward.name}",
        )
    else:
        name = activity_path("members", ward)
        cp1258 = ward.style.encoding == "cp1258"
        table_rows = [list(MEMBER_HEADER), *([as_text(c) for c in r] for r in rows)]
        data = encode_csv(table_rows, "cp1258" if cp1258 else "utf-8-sig", ";" if cp1258 else ",")
    (out / name).write_bytes(data)
    return name


def write_attendance(out: Path, activity: WardActivity) -> str:
    ward = activity.ward
    rng = random.Random(f"{SEED}/{ward.slug}/attendance/render")
    rows: list[list[str]] = [list(ATTENDANCE_HEADER)]
    for meeting in activity.meetings:
        head = [meeting.code, fmt_day(meeting.day), meeting.kind, meeting.group.code, meeting.title]
        for mark in meeting.marks:
            mark.line = len(rows) + 1
            ref = [as_text(c) for c in reference(mark.entry, rng)]
            rows.append([*head, *ref, mark.status])
    name = activity_path("attendance", ward)
    (out / name).write_bytes(encode_csv(rows, "utf-8-sig"))
    return name


def write_visits(out: Path, activity: WardActivity) -> str:
    ward = activity.ward
    rng = random.Random(f"{SEED}/{ward.slug}/visits/render")
    rows: list[list[str]] = [list(VISIT_HEADER)]
    for visit in activity.visits:
        visit.line = len(rows) + 1
        ref = [as_text(c) for c in reference(visit.entry, rng)]
        group = "" if visit.group is None else visit.group.code
        rows.append([*ref, fmt_day(visit.day), visit.reason, visit.gift_text, group, visit.note])
    name = activity_path("visits", ward)
    (out / name).write_bytes(encode_csv(rows, "utf-8-sig"))
    return name


def write_activity(out: Path, activities: Sequence[WardActivity]) -> None:
    for folder in ("members", "attendance", "visits"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    write_groups(out, activities)
    for activity in activities:
        write_members(out, activity)
        write_attendance(out, activity)
        write_visits(out, activity)


def generate(out: Path) -> tuple[list[tuple[Ward, int, int]], list[WardActivity]]:
    """Write the ward rosters under out/roster and the activity files beside them.

    Return (ward, rows, rows without CCCD) per roster file, and the activity.
    """
    target = out / "roster"
    target.mkdir(parents=True, exist_ok=True)
    used_cccd: set[str] = set()
    summary = []
    rosters: list[tuple[Ward, list[Entry]]] = []
    for ward in WARDS:
        people = make_people(ward, used_cccd)
        header, rows, ordered = table(ward, people)
        if ward.style.encoding == "xlsx":
            data = xlsx_bytes(ward, header, rows)
        else:
            data = csv_bytes(ward, header, rows)
        (target / ward.filename).write_bytes(data)
        summary.append((ward, len(rows), sum(1 for p in people if not p.cccd)))
        offset = 1 if ward.style.row_numbers else 0
        name_at = ward.style.fields.index("ho_ten") + offset
        birth_at = ward.style.fields.index("ngay_sinh") + offset
        entries = [
            Entry(ward, i, person, str(row[name_at]), row[birth_at])
            for i, (person, row) in enumerate(zip(ordered, rows, strict=True))
        ]
        rosters.append((ward, entries))
    activities = make_activity(rosters)
    write_activity(out, activities)
    return summary, activities


# --------------------------------------------------------------------------- edge cases


def inactive_members(activity: WardActivity, day: dt.date, last: int = 4) -> list[str]:
    """SPEC section 4 inactive members at a day: expected at the group's last meetings,
    present at none."""
    found: list[str] = []
    for group in activity.groups:
        held = [m for m in activity.meetings if m.group is group and m.day <= day][-last:]
        if len(held) < last:
            continue
        for m in activity.members_on(group, day):
            if all(
                any(e is m.entry for e in activity.expected(x))
                and not any(k.entry is m.entry and k.status == PRESENT for k in x.marks)
                for x in held
            ):
                found.append(f"{group.code} {m.entry.where}")
    return found


def edge_cases(activities: Sequence[WardActivity]) -> list[str]:
    """Where the deliberate edge cases of sample_data/README.md are, as file:line."""
    notes: list[str] = []

    def add(text: str) -> None:
        notes.append(text)

    def mark_at(activity: WardActivity, meeting: Meeting, entry: Entry) -> str:
        name = activity_path("attendance", activity.ward)
        line = next(k.line for k in meeting.marks if k.entry is entry)
        return f"{name}:{line}"

    def first_line(activity: WardActivity, meeting: Meeting) -> str:
        name = activity_path("attendance", activity.ward)
        return f"{name}:{meeting.marks[0].line}-{meeting.marks[-1].line}"

    def members_file(activity: WardActivity) -> str:
        suffix = "xlsx" if activity.ward.style.encoding == "xlsx" else "csv"
        return activity_path("members", activity.ward, suffix)

    for activity in activities:
        for group in activity.groups:
            where = f"groups.csv:{group_line(activities, group)}"
            if group.founded is None:
                add(f"{where} {group.code} has no founding date")
            elif group.founded.year >= 2018:
                add(f"{where} {group.code} founded {fmt_day(group.founded)}")
            if group.dissolved is not None:
                add(f"{where} {group.code} dissolved {fmt_day(group.dissolved)}")
    for activity in activities:
        for group in activity.groups[1:]:
            held = {
                quarter_of(m.day)
                for m in activity.meetings
                if m.group is group and m.kind == QUARTERLY
            }
            missed = [f"{y}Q{q}" for y, q, _, _ in counted_quarters(group) if (y, q) not in held]
            if missed:
                add(f"skipped: {group.code} {' '.join(missed)}")
    for activity in activities:
        for meeting in activity.meetings:
            group = meeting.group
            if meeting.code.endswith("-2"):
                add(f"{first_line(activity, meeting)} {meeting.code}: a second quarterly meeting")
            if meeting.kind == QUARTERLY and meeting.day == group.founded:
                add(f"{first_line(activity, meeting)} {meeting.code}: on the founding day")
            if group.dissolved is not None and meeting.day == group.dissolved - ONE_DAY:
                add(f"{first_line(activity, meeting)} {meeting.code}: the day before dissolution")
            if meeting.kind == GATHERING:
                occasion = min(
                    (dt.date(meeting.day.year, m, d) for m, d in OCCASIONS),
                    key=lambda o: abs((meeting.day - o).days),
                )
                days = (meeting.day - occasion).days
                if abs(days) > 10 or group.kind == "CLB":
                    add(
                        f"{first_line(activity, meeting)} {meeting.code} on "
                        f"{fmt_day(meeting.day)}: {days:+d} days from {fmt_day(occasion)}, "
                        f"held by {group.kind}"
                    )
            if meeting.missing:
                missing = ", ".join(e.where for e in meeting.missing)
                add(f"{first_line(activity, meeting)} {meeting.code}: not on the sheet {missing}")
            expected = activity.expected(meeting)
            guests = [k for k in meeting.marks if not any(k.entry is e for e in expected)]
            if meeting.kind == GATHERING and group.kind == "CLB":
                add(
                    f"attendance/{activity.ward.filename.split('.')[0]}.csv:"
                    f"{guests[0].line}-{guests[-1].line} {meeting.code}: {len(guests)} guests, "
                    "people of the ward outside the club"
                )
                continue
            for mark in guests:
                entry = mark.entry
                kind = "guest"
                if entry.ward is not activity.ward:
                    kind = f"guest from {entry.ward.name}"
                elif not entry.on_roster(meeting.day):
                    kind = f"marked after moving out on {fmt_day(entry.gone or LAST_DAY)}"
                elif any(
                    m.entry is entry and m.group is group and m.left == meeting.day
                    for m in activity.memberships
                ):
                    kind = "guest: left the group that day"
                add(f"{mark_at(activity, meeting, entry)} {meeting.code} {kind} ({entry.where})")
    left_when_gone: list[str] = []
    stayed: list[str] = []
    for activity in activities:
        held_on = {
            g.code: {m.day: m for m in activity.meetings if m.group is g} for g in activity.groups
        }
        name = members_file(activity)
        seen: dict[tuple[int, str], Membership] = {}
        for m in activity.memberships:
            at = held_on[m.group.code]
            if m.joined in at and m.joined != m.group.since:
                meeting = at[m.joined]
                add(
                    f"{name}:{m.line} joined {m.group.code} on the day of {meeting.code} "
                    f"(marked {mark_at(activity, meeting, m.entry)})"
                )
            if m.left in at:
                add(f"{name}:{m.line} left {m.group.code} on the day of {at[m.left].code}")
            gone = m.entry.gone
            if gone is not None and m.left == gone:
                left_when_gone.append(f"{name}:{m.line}")
            elif gone is not None and m.left is None:
                stayed.append(f"{name}:{m.line}")
            key = (m.entry.index, m.group.code)
            if key in seen:
                add(f"{name}:{seen[key].line} and {name}:{m.line}: left and joined again")
            seen[key] = m
    add(f"left on the day of moving out or death: {len(left_when_gone)}, e.g. {left_when_gone[:3]}")
    add(f"still members after moving out or death: {len(stayed)}, e.g. {stayed[:3]}")
    for activity in activities:
        name = activity_path("visits", activity.ward)
        by_year: dict[tuple[int, int], list[Visit]] = {}
        for visit in activity.visits:
            by_year.setdefault((visit.entry.index, visit.day.year), []).append(visit)
            if not visit.entry.on_roster(visit.day):
                add(f"{name}:{visit.line} visit after the person died ({visit.entry.where})")
        for visits in by_year.values():
            if len(visits) > 1:
                lines = " and ".join(str(v.line) for v in visits)
                add(f"{name}:{lines} the same person {len(visits)} times in {visits[0].day.year}")
    for activity in activities:
        for found in inactive_members(activity, LAST_DAY):
            add(f"inactive at 31/12/2019: {found}")
    return notes


# --------------------------------------------------------------------------- check

FULL_DATE_PATTERNS = (
    re.compile(r"(?P<d>\d{1,2})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"),
)
MONTH_PATTERN = re.compile(r"(?P<m>\d{2})/(?P<y>\d{4})")
YEAR_PATTERN = re.compile(r"(?P<y>\d{4})")
BOOL_WORDS = frozenset({"có", "không", "x", "", "yes", "no", "1", "0"})
GENDER_WORDS = {"nam": False, "male": False, "nữ": True, "female": True}
STATUS_WORDS = {
    "": "active",
    "active": "active",
    "đang sinh hoạt": "active",
    "moved_out": "moved_out",
    "chuyển đi": "moved_out",
    "deceased": "deceased",
    "từ trần": "deceased",
    "đã mất": "deceased",
}


class CheckError(Exception):
    """A generated file breaks a rule."""


def parse_date(value: Cell, partial: bool) -> PDate | None:
    """Parse a cell as SPEC section 3 allows; None for an empty cell."""
    if isinstance(value, dt.datetime):
        return PDate.of(value.date())
    if isinstance(value, dt.date):
        return PDate.of(value)
    text = value.strip()
    if not text:
        return None
    for pattern in FULL_DATE_PATTERNS:
        if match := pattern.fullmatch(text):
            day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            return PDate.of(day)
    if partial and (match := MONTH_PATTERN.fullmatch(text)):
        month = int(match["m"])
        if not 1 <= month <= 12:
            raise CheckError(f"bad month in {text!r}")
        return PDate(int(match["y"]), month)
    if partial and (match := YEAR_PATTERN.fullmatch(text)):
        return PDate(int(match["y"]))
    raise CheckError(f"not a date: {text!r}")


def read_table(path: Path) -> tuple[str, str, list[str], list[list[Cell]]]:
    """Encoding, separator, header and rows of a ward file."""
    if path.suffix == ".xlsx":
        wb = load_workbook(path, read_only=True)
        ws = wb.worksheets[0]
        values = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
        header = [str(v) for v in values[2]]
        rows: list[list[Cell]] = []
        for raw in values[3:]:
            row: list[Cell] = []
            for v in raw:
                if v is None:
                    row.append("")
                elif isinstance(v, dt.date | str):
                    row.append(v)
                else:
                    raise CheckError(f"{path.name}: unexpected cell {v!r}")
            rows.append(row)
        return "xlsx", "", header, rows
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith(b"\xff\xfe"):
        encoding = "utf-16"
    else:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1258"
    text = unicodedata.normalize("NFC", data.decode(encoding))
    first_line = text.splitlines()[0]
    delimiter = max(",;\t", key=first_line.count)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return encoding, delimiter, records[0], [list(r) for r in records[1:]]


def header_fields(header: Sequence[str]) -> dict[str, int]:
    """Map fields to column indexes through the SPEC aliases; unknown columns are skipped."""
    lookup = {header_key(alias): f for f, aliases in ALIASES.items() for alias in aliases}
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        found = lookup.get(header_key(name))
        if found is None:
            continue
        if found in columns:
            raise CheckError(f"two columns for {found}")
        columns[found] = index
    return columns


def check_row(values: Mapping[str, Cell], used: dict[str, str], where: str) -> bool:
    """Assert the SPEC section 3 rules on one row; return True if it has a CCCD."""

    def text(name: str) -> str:
        value = values.get(name, "")
        if isinstance(value, dt.date):
            raise CheckError(f"{where}: {name} is a date cell")
        return unicodedata.normalize("NFC", value).strip()

    def require(condition: bool, message: str) -> None:
        if not condition:
            raise CheckError(f"{where}: {message}")

    name = " ".join(text("ho_ten").split())
    require(bool(name), "empty name")
    require(bool(text("phuong")), "empty ward")
    female = GENDER_WORDS.get(text("gioi_tinh").casefold())
    require(female is not None, f"bad gender {text('gioi_tinh')!r}")
    dates: dict[str, PDate | None] = {}
    for name_of_field in PARTIAL_DATE_FIELDS | FULL_DATE_FIELDS:
        if name_of_field not in values:
            continue
        parsed = parse_date(values[name_of_field], name_of_field in PARTIAL_DATE_FIELDS)
        dates[name_of_field] = parsed
        if parsed is not None:
            require(parsed.last_day() <= LAST_DAY, f"{name_of_field} after 2019")
            require(parsed.year >= 1900, f"{name_of_field} year {parsed.year}")
    birth = dates.get("ngay_sinh")
    require(birth is not None, "no birth date")
    assert birth is not None
    require(1940 <= birth.year <= 2000, f"birth year {birth.year}")
    enlisted, discharged = dates.get("ngay_nhap_ngu"), dates.get("ngay_xuat_ngu")
    if enlisted is not None and discharged is not None:
        require(discharged.first_day() > enlisted.last_day(), "discharged before enlisted")
        require(2 <= discharged.year - enlisted.year <= 10, "service length")
    if enlisted is not None:
        require(17 <= enlisted.year - birth.year <= 25, "enlistment age")
    for flag in BOOL_FIELDS:
        if flag in values:
            require(text(flag).casefold() in BOOL_WORDS, f"bad boolean {text(flag)!r}")
    status = STATUS_WORDS.get(text("trang_thai").casefold())
    require(status is not None, f"bad status {text('trang_thai')!r}")
    since = dates.get("ngay_trang_thai")
    require((status == "active") == (since is None), "status date and status disagree")
    if since is not None:
        require(since.year >= 2016, "status date before 2016")
    registered = dates.get("ngay_dang_ky")
    if registered is not None:
        require(2015 <= registered.year <= 2019, "registration year")
    cccd = text("so_cccd")
    if not cccd:
        return False
    require(re.fullmatch(r"048\d{9}", cccd) is not None, f"bad CCCD {cccd!r}")
    require(cccd not in used, f"CCCD also in {used.get(cccd)}")
    used[cccd] = where
    expected_digit = (0 if birth.year < 2000 else 2) + (1 if female else 0)
    require(int(cccd[3]) == expected_digit, "CCCD sex/century digit")
    require(cccd[4:6] == f"{birth.year % 100:02d}", "CCCD birth year digits")
    return True


def check(out: Path) -> tuple[list[tuple[Ward, str, str, int, int]], list[Known]]:
    """Re-read every ward file and assert the rules; return a summary and the people."""
    used: dict[str, str] = {}
    summary = []
    people: list[Known] = []
    for ward in WARDS:
        path = out / "roster" / ward.filename
        encoding, delimiter, header, rows = read_table(path)
        columns = header_fields(header)
        if set(columns) != set(ward.style.fields):
            raise CheckError(f"{path.name}: columns {sorted(columns)}")
        if len(rows) != ward.count:
            raise CheckError(f"{path.name}: {len(rows)} rows, expected {ward.count}")
        names: dict[str, list[PDate]] = {}
        with_cccd = 0
        for number, row in enumerate(rows, start=2 if encoding != "xlsx" else 4):
            where = f"{path.name}:{number}"
            if len(row) != len(header):
                raise CheckError(f"{where}: {len(row)} cells")
            values = {f: row[i] for f, i in columns.items()}
            with_cccd += check_row(values, used, where)
            key_name = name_key(str(values["ho_ten"]))
            birth = parse_date(values["ngay_sinh"], True)
            assert birth is not None
            registered = parse_date(values.get("ngay_dang_ky", ""), False)
            since = parse_date(values.get("ngay_trang_thai", ""), False)
            status = STATUS_WORDS[str(values.get("trang_thai", "")).strip().casefold()]
            people.append(
                Known(
                    ward.number,
                    f"roster/{where}",
                    str(values.get("so_cccd", "")).strip(),
                    key_name,
                    birth,
                    None if registered is None else registered.first_day(),
                    None if since is None else since.first_day(),
                    status,
                )
            )
            if any(abs(birth.year - other.year) < 2 for other in names.get(key_name, [])):
                raise CheckError(f"{where}: a namesake born within a year of this row")
            names.setdefault(key_name, []).append(birth)
        if not any(len(births) > 1 for births in names.values()):
            raise CheckError(f"{path.name}: no namesakes")
        summary.append((ward, encoding, delimiter, len(rows), len(rows) - with_cccd))
    return summary, people


# --------------------------------------------------------------------------- check: activity


@dataclass(eq=False)
class Known:
    """A person as a roster file gives them."""

    ward: int
    where: str
    cccd: str
    name: str  # name_key
    birth: PDate
    registered: dt.date | None
    gone: dt.date | None
    status: str

    def on_roster(self, day: dt.date) -> bool:
        return (self.registered is None or self.registered <= day) and (
            self.gone is None or self.gone > day
        )


@dataclass
class KnownGroup:
    code: str
    kind: str
    ward: int
    founded: dt.date | None
    dissolved: dt.date | None
    where: str

    def exists(self, day: dt.date) -> bool:
        return (self.founded is None or self.founded <= day) and (
            self.dissolved is None or self.dissolved > day
        )


@dataclass
class KnownMembership:
    person: Known
    group: str
    joined: dt.date
    left: dt.date | None
    role: str
    where: str

    def covers(self, day: dt.date) -> bool:
        return self.joined <= day and (self.left is None or self.left > day)


@dataclass
class KnownMeeting:
    code: str
    day: dt.date
    kind: str
    group: str
    title: str
    where: str
    marks: dict[int, tuple[Known, str, str]] = field(default_factory=dict)  # id(person)


class Roster:
    """Who the roster files hold, to resolve the person references of the other files."""

    def __init__(self, people: Sequence[Known]) -> None:
        self.by_cccd = {p.cccd: p for p in people if p.cccd}
        self.by_name: dict[tuple[int, str, PDate], list[Known]] = {}
        for p in people:
            self.by_name.setdefault((p.ward, p.name, p.birth), []).append(p)
        self.wards: dict[str, int] = {}
        for w in WARDS:
            for text in (w.name, w.written, f"Phường {w.name}", f"P. {w.name}"):
                self.wards[header_key(text)] = w.number
        self.count = {w.number: sum(1 for p in people if p.ward == w.number) for w in WARDS}

    def ward(self, text: str, where: str) -> int:
        found = self.wards.get(header_key(text))
        if found is None:
            raise CheckError(f"{where}: unknown ward {text!r}")
        return found

    def resolve(self, cells: Sequence[Cell], where: str) -> Known:
        """The one roster person a reference (Số CCCD, name, birth, ward) names."""
        cccd, name, birth, ward = cells
        if isinstance(cccd, dt.date) or isinstance(name, dt.date) or isinstance(ward, dt.date):
            raise CheckError(f"{where}: a date cell in a person reference")
        born = parse_date(birth, True)
        ward_number = self.ward(ward, where) if ward.strip() else None
        if cccd.strip():
            person = self.by_cccd.get(cccd.strip())
            if person is None:
                raise CheckError(f"{where}: no roster person with CCCD {cccd}")
            if name.strip() and name_key(name) != person.name:
                raise CheckError(f"{where}: name {name!r} is not {person.where}")
            if born is not None and born != person.birth:
                raise CheckError(f"{where}: birth date {birth!r} is not {person.where}")
            if ward_number is not None and ward_number != person.ward:
                raise CheckError(f"{where}: ward {ward!r} is not {person.where}")
            return person
        if not name.strip() or born is None or ward_number is None:
            raise CheckError(f"{where}: no CCCD, and name, birth date or ward missing")
        found = self.by_name.get((ward_number, name_key(name), born), [])
        if len(found) != 1:
            raise CheckError(f"{where}: {len(found)} roster people match {name!r} {birth!r}")
        return found[0]


def strict_day(value: Cell, where: str, *, optional: bool = False) -> dt.date | None:
    """A full date written dd/mm/yyyy (or a date cell), not after 31/12/2019."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif not value.strip() and optional:
        return None
    elif match := re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", value):
        day = dt.date(int(match[3]), int(match[2]), int(match[1]))
    else:
        raise CheckError(f"{where}: not a dd/mm/yyyy date: {value!r}")
    if day > LAST_DAY:
        raise CheckError(f"{where}: {fmt_day(day)} is after 31/12/2019")
    return day


def required_day(value: Cell, where: str) -> dt.date:
    day = strict_day(value, where)
    assert day is not None
    return day


def text_cell(value: Cell, where: str) -> str:
    if isinstance(value, dt.date):
        raise CheckError(f"{where}: unexpected date cell")
    return unicodedata.normalize("NFC", value).strip()


def read_activity_table(
    path: Path, header: Sequence[str], encoding: str, delimiter: str
) -> list[tuple[str, list[Cell]]]:
    """Rows of an activity file, each with its file:line, after checking the format."""
    found_encoding, found_delimiter, found_header, rows = read_table(path)
    if (found_encoding, found_delimiter) != (encoding, delimiter):
        raise CheckError(f"{path.name}: {found_encoding} {found_delimiter!r}")
    if [h.strip() for h in found_header] != list(header):
        raise CheckError(f"{path.name}: header {found_header}")
    first = 4 if encoding == "xlsx" else 2
    out: list[tuple[str, list[Cell]]] = []
    for number, row in enumerate(rows, start=first):
        where = f"{path.parent.name}/{path.name}:{number}"
        if len(row) != len(header):
            raise CheckError(f"{where}: {len(row)} cells")
        out.append((where, row))
    return out


def check_groups(out: Path, roster: Roster) -> dict[str, KnownGroup]:
    groups: dict[str, KnownGroup] = {}
    for where, row in read_activity_table(out / "groups.csv", GROUP_HEADER, "utf-8-sig", ","):
        code, name, kind, ward, founded_cell, dissolved_cell = (text_cell(c, where) for c in row)
        if not re.fullmatch(r"[A-Z]{2,3}-(BLL|CLB\d{2})", code) or code in groups:
            raise CheckError(f"{where}: bad or repeated code {code!r}")
        if kind not in ("CLB", "BLL") or not code.split("-")[1].startswith(kind) or not name:
            raise CheckError(f"{where}: kind {kind!r} or name {name!r}")
        founded = strict_day(founded_cell, where, optional=True)
        dissolved = strict_day(dissolved_cell, where, optional=True)
        if founded is not None and dissolved is not None and dissolved <= founded:
            raise CheckError(f"{where}: dissolved before founded")
        number = roster.ward(ward, where)
        if not code.startswith(WARD_CODES[number] + "-"):
            raise CheckError(f"{where}: code {code} in ward {ward}")
        groups[code] = KnownGroup(code, kind, number, founded, dissolved, where)
    for w in WARDS:
        kinds = [g.kind for g in groups.values() if g.ward == w.number]
        if kinds.count("BLL") != 1 or not 3 <= kinds.count("CLB") <= 5:
            raise CheckError(f"groups.csv: ward {w.name} has {kinds}")
    founded_2018 = sorted(
        g.founded for g in groups.values() if g.founded and g.founded.year == 2018
    )
    if founded_2018 != [dt.date(2018, 5, 15), dt.date(2018, 10, 1)]:
        raise CheckError(f"groups.csv: clubs founded in 2018: {founded_2018}")
    if [g.dissolved for g in groups.values() if g.dissolved] != [dt.date(2019, 6, 30)]:
        raise CheckError("groups.csv: expected one club dissolved on 30/06/2019")
    if not any(g.founded is None for g in groups.values()):
        raise CheckError("groups.csv: no group without a founding date")
    return groups


def check_members(
    out: Path, roster: Roster, groups: Mapping[str, KnownGroup]
) -> list[KnownMembership]:
    memberships: list[KnownMembership] = []
    for w in WARDS:
        if w.style.encoding == "xlsx":
            path, encoding, delimiter = out / activity_path("members", w, "xlsx"), "xlsx", ""
        elif w.style.encoding == "cp1258":
            path, encoding, delimiter = out / activity_path("members", w), "cp1258", ";"
        else:
            path, encoding, delimiter = out / activity_path("members", w), "utf-8-sig", ","
        for where, row in read_activity_table(path, MEMBER_HEADER, encoding, delimiter):
            person = roster.resolve(row[:4], where)
            code = text_cell(row[4], where)
            group = groups.get(code)
            if group is None or group.ward != w.number or person.ward != w.number:
                raise CheckError(f"{where}: group {code!r} is not of this ward")
            joined = required_day(row[5], where)
            left = strict_day(row[6], where, optional=True)
            role = text_cell(row[7], where)
            if role not in ROLES:
                raise CheckError(f"{where}: role {role!r}")
            if group.founded is not None and joined < group.founded:
                raise CheckError(f"{where}: joined before the group was founded")
            if group.dissolved is not None and (
                joined >= group.dissolved or left is None or left > group.dissolved
            ):
                raise CheckError(f"{where}: membership outlives the group")
            if left is not None and left <= joined:
                raise CheckError(f"{where}: left on or before joining")
            if person.registered is not None and joined < person.registered:
                raise CheckError(f"{where}: joined before entering the roster")
            if person.gone is not None and joined >= person.gone:
                raise CheckError(f"{where}: joined after moving out or dying")
            memberships.append(KnownMembership(person, code, joined, left, role, where))
    spans: dict[tuple[int, str], list[KnownMembership]] = {}
    for m in memberships:
        spans.setdefault((id(m.person), m.group), []).append(m)
    rejoins = 0
    for ms in spans.values():
        ms.sort(key=lambda m: m.joined)
        for before, after in itertools.pairwise(ms):
            if before.left is None or before.left >= after.joined:
                raise CheckError(f"{after.where}: overlaps {before.where}")
        rejoins += len(ms) - 1
    if not 2 <= rejoins <= 3:
        raise CheckError(f"members: {rejoins} re-joins")
    for code, group in groups.items():
        ms = [m for m in memberships if m.group == code]
        people = {id(m.person) for m in ms}
        roles = sorted(m.role for m in ms if m.role != MEMBER)
        if group.kind == "CLB":
            if roles != sorted([CHAIR, VICE_CHAIR]) or not 15 <= len(people) <= 40:
                raise CheckError(f"members: {code} has {len(people)} people, roles {roles}")
        elif roles != [BOARD_HEAD] or not 0.70 <= len(people) / roster.count[group.ward] <= 0.90:
            raise CheckError(f"members: {code} has {len(people)} people, roles {roles}")
    grouped = len({id(m.person) for m in memberships})
    total = sum(roster.count.values())
    if not 0.08 <= 1 - grouped / total <= 0.16:
        raise CheckError(f"members: {total - grouped} of {total} people in no group")
    return memberships


def occasion_offset(day: dt.date) -> tuple[dt.date, int]:
    """The nearest 30/4 or 22/12 occasion, and how many days away the day is from it."""
    occasions = [dt.date(y, m, d) for y in (day.year - 1, day.year) for m, d in OCCASIONS]
    nearest = min(occasions, key=lambda o: abs((day - o).days))
    return nearest, (day - nearest).days


def check_attendance(
    out: Path,
    roster: Roster,
    groups: Mapping[str, KnownGroup],
    memberships: Sequence[KnownMembership],
) -> dict[str, KnownMeeting]:
    meetings: dict[str, KnownMeeting] = {}
    for w in WARDS:
        path = out / activity_path("attendance", w)
        for where, row in read_activity_table(path, ATTENDANCE_HEADER, "utf-8-sig", ","):
            code, _, kind, group_code, title = (text_cell(c, where) for c in row[:5])
            day = required_day(row[1], where)
            status = text_cell(row[9], where)
            meeting = meetings.get(code)
            if meeting is None:
                meeting = KnownMeeting(code, day, kind, group_code, title, where)
                meetings[code] = meeting
            elif not meeting.where.startswith(f"attendance/{path.name}:"):
                raise CheckError(f"{where}: meeting {code} also in {meeting.where}")
            if (meeting.day, meeting.kind, meeting.group, meeting.title) != (
                day,
                kind,
                group_code,
                title,
            ):
                raise CheckError(f"{where}: disagrees with {meeting.where}")
            group = groups.get(group_code)
            if group is None or group.ward != w.number or not group.exists(day):
                raise CheckError(f"{where}: group {group_code!r} is not there that day")
            if kind not in MEETING_KINDS or status not in MARK_WORDS:
                raise CheckError(f"{where}: kind {kind!r} or status {status!r}")
            if day < ACTIVITY_START:
                raise CheckError(f"{where}: meeting before 2018")
            person = roster.resolve(row[5:9], where)
            if id(person) in meeting.marks:
                raise CheckError(f"{where}: marked twice at {code}")
            meeting.marks[id(person)] = (person, status, where)
    for meeting in meetings.values():
        where = meeting.where
        if meeting.kind == QUARTERLY and groups[meeting.group].kind != "CLB":
            raise CheckError(f"{where}: a quarterly meeting of a BLL")
        if meeting.kind == GATHERING and abs(occasion_offset(meeting.day)[1]) > 16:
            raise CheckError(f"{where}: a gathering far from 30/4 and 22/12")
        if meeting.kind == MID_YEAR_REVIEW and meeting.day.month not in (6, 7):
            raise CheckError(f"{where}: a mid-year review outside June and July")
        if meeting.kind == YEAR_END_REVIEW and meeting.day.month != 12:
            raise CheckError(f"{where}: a year-end review outside December")
        expected = {
            id(m.person)
            for m in memberships
            if m.group == meeting.group
            and m.covers(meeting.day)
            and m.person.on_roster(meeting.day)
        }
        for key, (_, status, mark_where) in meeting.marks.items():
            if key not in expected and status != PRESENT:
                raise CheckError(f"{mark_where}: a guest marked {status!r}")
    return meetings


def check_visits(
    out: Path, roster: Roster, groups: Mapping[str, KnownGroup]
) -> tuple[int, list[int]]:
    """Check the visit files; return the number of visits and the gifts."""
    gifts: list[int] = []
    visits = 0
    twice = 0
    for w in WARDS:
        path = out / activity_path("visits", w)
        rows = read_activity_table(path, VISIT_HEADER, "utf-8-sig", ",")
        if not 5 <= len(rows) <= 20:
            raise CheckError(f"{path.name}: {len(rows)} visits")
        visits += len(rows)
        seen: set[tuple[int, dt.date, str]] = set()
        years: dict[tuple[int, int], int] = {}
        for where, row in rows:
            person = roster.resolve(row[:4], where)
            day = required_day(row[4], where)
            reason, gift, group_code, _ = (text_cell(c, where) for c in row[5:])
            if person.ward != w.number or day < ACTIVITY_START or reason not in REASONS:
                raise CheckError(f"{where}: ward, date or reason")
            if (id(person), day, reason) in seen:
                raise CheckError(f"{where}: the same visit twice")
            seen.add((id(person), day, reason))
            years[id(person), day.year] = years.get((id(person), day.year), 0) + 1
            if group_code and (group_code not in groups or groups[group_code].ward != w.number):
                raise CheckError(f"{where}: group {group_code!r}")
            if gift:
                match = re.fullmatch(r"(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})*|\d+) ?(đ|VNĐ)?", gift)
                if match is None:
                    raise CheckError(f"{where}: gift {gift!r}")
                gifts.append(int(re.sub(r"[.,]", "", match[1])))
        twice += sum(1 for n in years.values() if n > 1)
    if twice == 0:
        raise CheckError("visits: nobody visited twice in a year")
    return visits, gifts


def check_edge_cases(
    roster: Roster,
    groups: Mapping[str, KnownGroup],
    memberships: Sequence[KnownMembership],
    meetings: Mapping[str, KnownMeeting],
) -> list[str]:
    """Assert the deliberate edge cases of sample_data/README.md are there; summarise."""
    problems: list[str] = []
    by_group: dict[str, list[KnownMeeting]] = {}
    for meeting in meetings.values():
        by_group.setdefault(meeting.group, []).append(meeting)
    days_of = {code: {m.day for m in ms} for code, ms in by_group.items()}
    joins = sum(1 for m in memberships if m.joined in days_of.get(m.group, set()))
    leaves = sum(1 for m in memberships if m.left in days_of.get(m.group, set()))
    if joins < 3 or leaves < 3:
        problems.append(f"{joins} joins and {leaves} leaves on a meeting day")
    # Quarterly compliance over 2018-2019.
    counted = met = doubles = 0
    for code, group in groups.items():
        if group.kind != "CLB":
            continue
        held = [m.day for m in by_group.get(code, []) if m.kind == QUARTERLY]
        for year, quarter in QUARTERS:
            start, end = quarter_bounds(year, quarter)
            if any(group.exists(start + n * ONE_DAY) for n in range((end - start).days + 1)):
                counted += 1
                inside = sum(1 for d in held if start <= d <= end)
                met += inside > 0
                doubles += inside > 1
    if not 0.10 <= 1 - met / counted <= 0.20 or doubles < 2:
        problems.append(f"{counted - met} of {counted} club-quarters skipped, {doubles} doubles")
    # Gatherings.
    offsets = [(m, occasion_offset(m.day)) for m in meetings.values() if m.kind == GATHERING]
    far = sorted(abs(off) for _, (_, off) in offsets if abs(off) > 10)
    if far != [15, 16]:
        problems.append(f"gatherings more than 10 days away: {far}")
    if sum(1 for m, _ in offsets if groups[m.group].kind == "CLB") != 1:
        problems.append("expected one gathering held by a club")
    for w in WARDS:
        for year in YEARS:
            for month, day_of_month in OCCASIONS:
                occasion = dt.date(year, month, day_of_month)
                if not any(
                    groups[m.group].ward == w.number and o == occasion for m, (o, _) in offsets
                ):
                    problems.append(f"{w.name} has no gathering for {fmt_day(occasion)}")
    # Marks: guests, people off the roster, sheets missing expected members.
    guests = cross_ward = off_roster = sheets_short = 0
    for meeting in meetings.values():
        expected = {
            id(m.person)
            for m in memberships
            if m.group == meeting.group
            and m.covers(meeting.day)
            and m.person.on_roster(meeting.day)
        }
        ward = groups[meeting.group].ward
        for key, (person, _, _) in meeting.marks.items():
            if key not in expected:
                guests += 1
                cross_ward += person.ward != ward
                off_roster += not person.on_roster(meeting.day)
        sheets_short += bool(expected - set(meeting.marks))
    if off_roster != 1:
        problems.append(f"{off_roster} marks of people off the roster, expected 1")
    if cross_ward < 4:
        problems.append(f"{cross_ward} guests from another ward")
    if not 0.05 <= sheets_short / len(meetings) <= 0.15:
        problems.append(f"{sheets_short} of {len(meetings)} sheets miss expected members")
    if problems:
        raise CheckError("; ".join(problems))
    return [
        f"club-quarters counted {counted}, met {met}, skipped {counted - met}, "
        f"with two meetings {doubles}",
        f"joins on a meeting day {joins}, leaves on a meeting day {leaves}",
        f"guests {guests} (from another ward {cross_ward}, off the roster {off_roster}); "
        f"sheets missing expected members {sheets_short}",
    ]


def check_activity(out: Path, people: Sequence[Known]) -> list[str]:
    """Check groups, members, attendance and visits against the roster; return a summary."""
    roster = Roster(people)
    groups = check_groups(out, roster)
    memberships = check_members(out, roster, groups)
    meetings = check_attendance(out, roster, groups, memberships)
    visits, gifts = check_visits(out, roster, groups)
    kinds = {k: sum(1 for m in meetings.values() if m.kind == k) for k in MEETING_KINDS}
    marks = [status for m in meetings.values() for _, status, _ in m.marks.values()]
    statuses = {s: marks.count(s) for s in MARK_WORDS}
    clubs = sum(1 for g in groups.values() if g.kind == "CLB")
    grouped = len({id(m.person) for m in memberships})
    total = sum(roster.count.values())
    expected = present = 0
    for meeting in meetings.values():
        for m in memberships:
            if (
                m.group == meeting.group
                and m.covers(meeting.day)
                and m.person.on_roster(meeting.day)
            ):
                expected += 1
                mark = meeting.marks.get(id(m.person))
                present += mark is not None and mark[1] == PRESENT
    return [
        f"groups {len(groups)} (CLB {clubs}, BLL {len(groups) - clubs}), "
        f"memberships {len(memberships)}, people in no group {total - grouped} of {total}",
        "meetings " + ", ".join(f"{k} {n}" for k, n in kinds.items()) + f" (total {len(meetings)})",
        "marks " + ", ".join(f"{k} {n}" for k, n in statuses.items()) + f" (total {len(marks)})",
        f"attendance rate, all meetings: {present}/{expected} ({present / expected:.2%})",
        f"visits {visits} ({len(gifts)} with a gift), gifts total {sum(gifts):,} VND",
        *check_edge_cases(roster, groups, memberships, meetings),
    ]


# --------------------------------------------------------------------------- CLI

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "": "-"}


def print_summary(
    rows: Iterable[tuple[str, str, str, int, int]], out: Callable[[str], None]
) -> None:
    total = without = 0
    for filename, encoding, delimiter, count, missing in rows:
        out(f"{filename:24} {encoding:10} {delimiter:10} {count:5} rows {missing:4} without CCCD")
        total += count
        without += missing
    out(f"{'total':24} {'':10} {'':10} {total:5} rows {without:4} without CCCD")


def delimiter_of(ward: Ward) -> str:
    return "" if ward.style.encoding == "xlsx" else ward.style.delimiter


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--check", action="store_true", help="check the files, write nothing")
    parser.add_argument(
        "--edge-cases",
        action="store_true",
        help="after writing, list where the deliberate edge cases are (file:line)",
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    if args.check:
        try:
            checked, people = check(out)
            activity = check_activity(out, people)
        except (CheckError, OSError) as error:
            print(f"check failed: {error}", file=sys.stderr)
            return 1
        print_summary(
            ((w.filename, e, DELIMITER_NAMES[d], n, m) for w, e, d, n, m in checked), print
        )
        for line in activity:
            print(line)
        print("check passed")
        return 0
    written, activities = generate(out)
    print_summary(
        (
            (w.filename, w.style.encoding, DELIMITER_NAMES[delimiter_of(w)], n, m)
            for w, n, m in written
        ),
        print,
    )
    if args.edge_cases:
        for note in edge_cases(activities):
            print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
