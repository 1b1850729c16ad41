"""Generate the sample rosters of the ten 2019 wards of quận Thanh Khê, Đà Nẵng.

Usage:
    python scripts/gen_sample_data.py [--out sample_data]
    python scripts/gen_sample_data.py [--out sample_data] --check

The output is deterministic: every random choice comes from a `random.Random`
seeded with a fixed string, nothing depends on the current date, and the
xlsx file gets fixed metadata and zip timestamps. Running the script twice gives
byte-identical files.

The people are invented. Each ward file is written the way a real ward clerk
would send it from Excel or LibreOffice: different encodings (UTF-8 with and
without BOM, UTF-16 "Unicode text", Windows-1258), separators, header spellings
(SPEC section 3 aliases), date and boolean styles, and ward name spellings.

`--check` re-reads the files (detecting encoding and separator, or with
openpyxl for the xlsx file) and asserts row counts, CCCD uniqueness and the
SPEC section 3 value rules. It writes nothing.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
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


def table(ward: Ward, people: Sequence[Person]) -> tuple[list[str], list[list[Cell]]]:
    """Header and rows of a ward file, in the clerk's column order."""
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
    return header, rows


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
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Danh sách CQN"
    ws.cell(row=1, column=1, value=ward.style.title).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    for column, name in enumerate(header, start=1):
        ws.cell(row=3, column=column, value=name).font = Font(bold=True)
    text_fields = ("so_cccd", "dien_thoai", "to_dan_pho", *PARTIAL_DATE_FIELDS)
    text_columns = {ward.style.fields.index(f) for f in text_fields}
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row):
            cell = ws.cell(row=r, column=c + 1, value=value if value != "" else None)
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
            elif c in text_columns:
                cell.number_format = "@"
    widths = {"ho_ten": 26, "dia_chi": 28, "don_vi": 40, "ghi_chu": 30, "so_cccd": 15}
    for column, name in enumerate(ward.style.fields, start=1):
        letter = ws.cell(row=3, column=column).column_letter
        ws.column_dimensions[letter].width = widths.get(name, 13)
    wb.properties.creator = f"UBND phường {ward.name}"
    wb.properties.lastModifiedBy = f"UBND phường {ward.name}"
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


def generate(out: Path) -> list[tuple[Ward, int, int]]:
    """Write the ward files under out/roster; return (ward, rows, rows without CCCD)."""
    target = out / "roster"
    target.mkdir(parents=True, exist_ok=True)
    used_cccd: set[str] = set()
    summary = []
    for ward in WARDS:
        people = make_people(ward, used_cccd)
        header, rows = table(ward, people)
        if ward.style.encoding == "xlsx":
            data = xlsx_bytes(ward, header, rows)
        else:
            data = csv_bytes(ward, header, rows)
        (target / ward.filename).write_bytes(data)
        summary.append((ward, len(rows), sum(1 for p in people if not p.cccd)))
    return summary


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


def check(out: Path) -> list[tuple[Ward, str, str, int, int]]:
    """Re-read every ward file and assert the rules; return a summary."""
    used: dict[str, str] = {}
    summary = []
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
            if any(abs(birth.year - other.year) < 2 for other in names.get(key_name, [])):
                raise CheckError(f"{where}: a namesake born within a year of this row")
            names.setdefault(key_name, []).append(birth)
        if not any(len(births) > 1 for births in names.values()):
            raise CheckError(f"{path.name}: no namesakes")
        summary.append((ward, encoding, delimiter, len(rows), len(rows) - with_cccd))
    return summary


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
    args = parser.parse_args(argv)
    out: Path = args.out
    if args.check:
        try:
            checked = check(out)
        except (CheckError, OSError) as error:
            print(f"check failed: {error}", file=sys.stderr)
            return 1
        print_summary(
            ((w.filename, e, DELIMITER_NAMES[d], n, m) for w, e, d, n, m in checked), print
        )
        print("check passed")
        return 0
    written = generate(out)
    print_summary(
        (
            (w.filename, w.style.encoding, DELIMITER_NAMES[delimiter_of(w)], n, m)
            for w, n, m in written
        ),
        print,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
