"""Parsers of single values as ward clerks write them: yes/no, gender, CCCD, phone, status.

Ground floor: each parser takes the written text and returns the stored value,
or raises FieldProblem. They are shared by every import and by the commands
that take the same values as options.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from cqn_cli.errors import FieldProblem
from cqn_cli.text import fold

_TRUE = frozenset({"co", "x", "yes", "y", "1", "true", "dung", "v"})
_FALSE = frozenset({"khong", "", "no", "n", "0", "false", "sai", "k", "-"})


@lru_cache(maxsize=256)
def parse_bool(text: str) -> int:
    """``Có``/``Không``, ``x``/blank, ``yes``/``no``, ``1``/``0`` → 1 or 0."""
    key = fold(text)
    if key in _TRUE:
        return 1
    if key in _FALSE:
        return 0
    raise FieldProblem("value.bad_bool", value=text)


_GENDERS = {"nam": "male", "male": "male", "m": "male", "nu": "female", "female": "female"}
_GENDERS_EXACT = {"f": "female"}


@lru_cache(maxsize=256)
def parse_gender(text: str) -> str:
    """``Nam``/``Nữ`` (or ``male``/``female``) → ``male``/``female``."""
    key = fold(text)
    found = _GENDERS.get(key) or _GENDERS_EXACT.get(key)
    if found is None:
        raise FieldProblem("value.bad_gender", value=text)
    return found


_STATUS_WORDS = {
    "active": "active",
    "dang sinh hoat": "active",
    "sinh hoat": "active",
    "con sinh hoat": "active",
    "moved out": "moved_out",
    "chuyen di": "moved_out",
    "da chuyen di": "moved_out",
    "deceased": "deceased",
    "tu tran": "deceased",
    "da tu tran": "deceased",
    "da mat": "deceased",
    "mat": "deceased",
}


@lru_cache(maxsize=256)
def parse_status(text: str) -> str:
    """``active``/``moved_out``/``deceased`` or the Vietnamese words for them."""
    found = _STATUS_WORDS.get(fold(text).replace("_", " "))
    if found is None:
        raise FieldProblem("value.bad_status", value=text)
    return found


_DIGITS_SEP = re.compile(r"[\s.\-]")


# What cqn shows for a personal value without --reveal: ``0480******01``, ``******``.
_MASKED = re.compile(r"^\s*[0-9]*\*{3,}[0-9]*\s*$")


# A long number as Excel shows it in a General cell and saves it to CSV: 4,80751E+10.
_SCIENTIFIC = re.compile(r"^\s*\d[.,]\d*E\+?\d+\s*$", re.IGNORECASE)


def _not_a_number(text: str, key: str) -> FieldProblem:
    """Why ``text``, holding more than digits, is no national id or phone (``key``): the
    stars of a listing without --reveal (imported, they would replace the real value),
    Excel's exponent (the digits lost), or else ``key``. Asked only of a refused value:
    a good one costs nothing more."""
    if _MASKED.match(text):
        return FieldProblem("value.masked")
    if _SCIENTIFIC.match(text):
        return FieldProblem("value.scientific")
    return FieldProblem(key, value=mask_cccd_text(text))


def parse_notes(text: str) -> str:
    """Notes: any text, but not the stars that hide them."""
    if _MASKED.match(text):
        raise FieldProblem("value.masked_notes")
    return check_text(text)


def plain_cccd(text: str) -> bool:
    """Whether ``text`` is a citizen id as most are written: twelve digits and nothing
    else (``parse_cccd`` gives it back as it is, not padded)."""
    return len(text) == 12 and text.isdigit() and text.isascii()


def parse_cccd(text: str) -> tuple[str, bool]:
    """A 12-digit citizen id; returns (id, padded).

    Excel turns an id typed as a number into 11 digits (the leading zero of every
    province code below 100 is lost), or 10 for province codes 001–009: such an
    id gets its zeros back and ``padded`` is True so that the caller can warn.
    """
    if plain_cccd(text):
        return text, False
    digits = text.strip()
    if digits.endswith(".0"):  # a number cell exported as float; before "." goes as a separator
        digits = digits[:-2]
    digits = _DIGITS_SEP.sub("", digits)
    if not digits.isdigit() or not digits.isascii():
        raise _not_a_number(text, "value.bad_cccd")
    if len(digits) == 12:
        return digits, False
    if len(digits) == 11:
        return "0" + digits, True
    if len(digits) == 10 and digits[0] != "0":
        return "00" + digits, True
    raise FieldProblem("value.bad_cccd_length", value=mask_cccd_text(text), length=len(digits))


def mask_cccd_text(text: str) -> str:
    """Mask what looks like an id inside an error message (keep 4 first, 2 last)."""
    t = text.strip()
    if len(t) <= 6:
        return "*" * len(t)
    return t[:4] + "*" * (len(t) - 6) + t[-2:]


def cccd_contradictions(cccd: str, gender: str | None, birth: str | None) -> list[str]:
    """What the century/sex digit and the birth-year digits of an id contradict.

    Digit 4 encodes the century and sex (0/1: male/female born 1900–1999,
    2/3: 2000–2099, …), digits 5–6 the last two digits of the birth year.
    """
    found: list[str] = []
    code = int(cccd[3])
    century = 1900 + 100 * (code // 2)
    is_female = code % 2 == 1
    if gender is not None and (gender == "female") != is_female:
        found.append("gender")
    if birth:
        year = int(birth[:4])
        if century + int(cccd[4:6]) != year:
            found.append("birth_year")
    return found


# Mobile prefixes of 11-digit numbers retired in 2018, and their 10-digit form.
OLD_MOBILE_PREFIXES = {
    "0162": "032",
    "0163": "033",
    "0164": "034",
    "0165": "035",
    "0166": "036",
    "0167": "037",
    "0168": "038",
    "0169": "039",
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0186": "056",
    "0188": "058",
    "0199": "059",
}
_PHONE_CHARS = re.compile(r"[\s.\-()/]")
_MOBILE_STARTS = ("03", "05", "07", "08", "09")
_MOBILE = re.compile(rf"^(?:{'|'.join(_MOBILE_STARTS)})\d{{8}}$")
_LANDLINE = re.compile(r"^02\d{9}$")


def parse_phone(text: str) -> str:
    """Normalise a Vietnamese phone number to its national form.

    ``+84 905 123 456`` → ``0905123456``; ``01683 123 456`` → ``0383123456``;
    a number that lost its leading zero in Excel (``905123456``) gets it back.
    Mobile numbers have 10 digits, landlines 11 (``0236 3…``).
    """
    if len(text) == 10 and text[:2] in _MOBILE_STARTS and text.isdigit() and text.isascii():
        return text  # a mobile number as most are written
    raw = text.strip()
    if raw.endswith(".0"):  # a number cell exported as float; before "." goes as a separator
        raw = raw[:-2]
    raw = _PHONE_CHARS.sub("", raw)
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("0084"):
        raw = "0" + raw[4:]
    elif raw.startswith("84") and len(raw) in (11, 12):
        raw = "0" + raw[2:]
    if not raw.isdigit() or not raw.isascii():
        raise _not_a_number(text, "value.bad_phone")
    if not raw.startswith("0") and len(raw) in (9, 10):
        raw = "0" + raw
    if len(raw) == 11 and raw[:4] in OLD_MOBILE_PREFIXES:
        raw = OLD_MOBILE_PREFIXES[raw[:4]] + raw[4:]
    if _MOBILE.match(raw) or _LANDLINE.match(raw):
        return raw
    raise FieldProblem("value.bad_phone", value=mask_cccd_text(text))


# "=…", "+…", "@…", and "-…" unless it is a plain negative number or a dash before text.
_FORMULA = re.compile(r"^[=+@\t\r]|^-(?!\s|$|\d[\d.,]*(?:\s|$))")


def check_text(text: str) -> str:
    """Free text as stored: refuses spreadsheet formula payloads (``=HYPERLINK(…)``, ``+cmd``)."""
    if _FORMULA.match(text):
        raise FieldProblem("value.formula", value=text[:40])
    if "\x00" in text:
        raise FieldProblem("value.nul")
    if "\ufeff" in text:
        raise FieldProblem("value.bom")
    return text


def neutralise_formula(text: str) -> str:
    """For CSV/XLSX output: a cell that a spreadsheet would run as a formula gets a quote."""
    if text and text[0] in "=+-@\t\r'":  # and a leading quote, which readers drop
        return "'" + text
    return text


def _vocabulary(words: dict[str, str], key: str) -> Callable[[str], str]:
    """A parser for a small closed vocabulary, Vietnamese words with or without diacritics."""

    @lru_cache(maxsize=256)
    def parse(text: str) -> str:
        found = words.get(fold(text).replace("_", " ").strip(" .:"))
        if found is None:
            raise FieldProblem(key, value=text)
        return found

    return parse


parse_group_kind = _vocabulary(
    {
        "clb": "clb",
        "cau lac bo": "clb",
        "club": "clb",
        "bll": "bll",
        "ban lien lac": "bll",
        "board": "bll",
        "liaison board": "bll",
    },
    "value.bad_group_kind",
)

parse_meeting_kind = _vocabulary(
    {
        "quarterly": "quarterly",
        "hop quy": "quarterly",
        "sinh hoat quy": "quarterly",
        "hop dinh ky quy": "quarterly",
        "quy": "quarterly",
        "gathering": "gathering",
        "gap mat": "gathering",
        "gap mat truyen thong": "gathering",
        "review": "review",
        "so ket": "review",
        "tong ket": "review",
        "so ket tong ket": "review",
        "so ket/tong ket": "review",  # as cqn itself writes it
        "other": "other",
        "khac": "other",
    },
    "value.bad_meeting_kind",
)

parse_mark = _vocabulary(
    {
        "present": "present",
        "co mat": "present",
        "co": "present",
        "x": "present",
        "excused": "excused",
        "vang co phep": "excused",
        "co phep": "excused",
        "p": "excused",
        "absent": "absent",
        "vang": "absent",
        "vang khong phep": "absent",
        "khong phep": "absent",
        "v": "absent",
    },
    "value.bad_mark",
)

parse_reason = _vocabulary(
    {
        "sick": "sick",
        "om": "sick",
        "om dau": "sick",
        "hardship": "hardship",
        "hoan nan": "hardship",
        "kho khan": "hardship",
        "bereavement": "bereavement",
        "tang le": "bereavement",
        "hieu": "bereavement",
        "viec hieu": "bereavement",
        "tang le / hieu": "bereavement",
        "other": "other",
        "khac": "other",
    },
    "value.bad_reason",
)

MAX_GIFT = 50_000_000  # VND: a gift above this is a typing mistake, not a gift
_MONEY_UNIT = re.compile(r"\s*(?:vnđ|vnd|đồng|dong|đ|d)\.?\s*$", re.IGNORECASE)
_MONEY_SCALE = re.compile(r"\s*(triệu|trieu|tr|nghìn|nghin|ngàn|ngan|k)\.?\s*$", re.IGNORECASE)
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,\s])\d{3})?(?:\1\d{3})*$")


def parse_money(text: str) -> int:
    """A gift in VND as clerks write it: ``500000``, ``500.000``, ``500,000``, ``500.000đ``,
    ``1.000.000 VNĐ``, ``500k``, ``1,5 triệu``. VND has no decimals: ``1,5`` alone is refused."""
    raw = text.strip()
    scale = 1
    m = _MONEY_SCALE.search(raw)
    if m:
        word = fold(m.group(1))
        scale = 1_000_000 if word.startswith("tr") else 1000
        raw = raw[: m.start()]
    else:
        raw = _MONEY_UNIT.sub("", raw)
    raw = raw.strip()
    if len(raw) > 20:
        raise FieldProblem("value.bad_money", value=text[:40])
    if raw.startswith("-"):
        raise FieldProblem("value.negative_money", value=text)
    if scale > 1 and re.fullmatch(r"\d+(?:[.,]\d+)?", raw):
        amount = round(float(raw.replace(",", ".")) * scale)
    elif raw.isdigit() and raw.isascii():  # not ², ① or other digits int() refuses
        amount = int(raw) * scale
    elif _THOUSANDS.match(raw):
        amount = int(re.sub(r"[.,\s]", "", raw)) * scale
    else:
        raise FieldProblem("value.bad_money", value=text)
    if amount > MAX_GIFT:
        raise FieldProblem(
            "value.absurd_money", value=text, limit=f"{MAX_GIFT:,}".replace(",", ".")
        )
    return amount
