"""Columns of the input files: canonical names, aliases, and how each value is parsed."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from cqn_cli.dates import parse_date
from cqn_cli.errors import FieldProblem, RowProblem, UsageError
from cqn_cli.ingest.read import Cell
from cqn_cli.text import fold, lost_letters, nfc
from cqn_cli.values import (
    check_text,
    parse_bool,
    parse_gender,
    parse_group_kind,
    parse_mark,
    parse_meeting_kind,
    parse_money,
    parse_notes,
    parse_phone,
    parse_reason,
    parse_status,
)

# How a value is parsed: "text", "notes", "name", "person_name", "date", "partial_date",
# "bool", "gender", "phone", "status", "cccd" (kept as text here, checked by the
# importer), "ward" (idem).
Kind = str


@dataclass(frozen=True)
class Field:
    name: str  # canonical (Vietnamese, snake_case), the first header name of SPEC §3
    aliases: tuple[str, ...]
    kind: Kind = "text"
    required: bool = False

    @property
    def english(self) -> str:
        """The English alias (the last one of SPEC §3): the JSON key of SPEC §5."""
        return self.aliases[-1]


ROSTER: tuple[Field, ...] = (
    Field("ho_ten", ("Họ và tên", "Họ tên", "full_name"), "person_name", required=True),
    Field("ngay_sinh", ("Ngày sinh", "Năm sinh", "birth_date"), "partial_date"),
    Field("gioi_tinh", ("Giới tính", "gender"), "gender"),
    Field("so_cccd", ("Số CCCD", "CCCD", "Số định danh", "national_id"), "cccd"),
    Field("phuong", ("Phường", "ward"), "ward"),
    Field("to_dan_pho", ("Tổ dân phố", "Tổ", "residential_group")),
    Field("dia_chi", ("Địa chỉ", "address")),
    Field("dien_thoai", ("Điện thoại", "SĐT", "Số điện thoại", "phone"), "phone"),
    Field("ngay_nhap_ngu", ("Ngày nhập ngũ", "Nhập ngũ", "enlisted_on"), "partial_date"),
    Field("ngay_xuat_ngu", ("Ngày xuất ngũ", "Xuất ngũ", "discharged_on"), "partial_date"),
    Field("cap_bac", ("Cấp bậc", "rank")),
    Field("don_vi", ("Đơn vị", "unit")),
    Field("dang_vien", ("Đảng viên", "party_member"), "bool"),
    Field("doan_vien", ("Đoàn viên", "youth_union_member"), "bool"),
    Field("du_bi_dong_vien", ("Dự bị động viên", "DBĐV", "reservist"), "bool"),
    Field("hoi_vien_ccb", ("Hội viên CCB", "veterans_association_member"), "bool"),
    Field("ngay_dang_ky", ("Ngày đăng ký", "registered_on"), "date"),
    Field("trang_thai", ("Trạng thái", "status"), "status"),
    Field("ngay_trang_thai", ("Ngày trạng thái", "status_since"), "date"),
    Field("ghi_chu", ("Ghi chú", "notes"), "notes"),
)

# A person reference (SPEC §3): so_cccd; or ma_cqn; or ho_ten + ngay_sinh + phuong.
_BY_NAME = {f.name: f for f in ROSTER}
PERSON_ID = Field("ma_cqn", ("Mã CQN", "person_id"), "person_id")
PERSON_REF: tuple[Field, ...] = (
    _BY_NAME["so_cccd"],
    PERSON_ID,
    Field("ho_ten", _BY_NAME["ho_ten"].aliases, "name"),
    _BY_NAME["ngay_sinh"],
    _BY_NAME["phuong"],
)
GROUP_CODE = Field("ma_nhom", ("Mã nhóm", "Mã CLB", "group_code"), "code", required=True)

GROUPS: tuple[Field, ...] = (
    Field("ma_nhom", ("Mã nhóm", "Mã CLB", "code"), "code", required=True),
    Field("ten_nhom", ("Tên nhóm", "Tên CLB", "name"), "name", required=True),
    Field("loai", ("Loại", "Loại nhóm", "kind"), "group_kind", required=True),
    Field("phuong", ("Phường", "ward"), "ward"),
    Field("ngay_thanh_lap", ("Ngày thành lập", "founded_on"), "date"),
    Field("ngay_giai_the", ("Ngày giải thể", "dissolved_on"), "date"),
)

MEMBERS: tuple[Field, ...] = (
    *PERSON_REF,
    GROUP_CODE,
    Field("ngay_tham_gia", ("Ngày tham gia", "Ngày vào", "joined_on"), "date", required=True),
    Field("ngay_roi", ("Ngày rời", "Ngày ra", "left_on"), "date"),
    Field("chuc_vu", ("Chức vụ", "role"), "text"),
)

ATTENDANCE: tuple[Field, ...] = (
    Field("ma_hop", ("Mã cuộc họp", "Mã họp", "meeting_code"), "code", required=True),
    Field("ngay", ("Ngày", "Ngày họp", "date"), "date", required=True),
    Field("loai", ("Loại", "Loại cuộc họp", "kind"), "meeting_kind", required=True),
    GROUP_CODE,
    Field("tieu_de", ("Tiêu đề", "Nội dung", "title"), "text"),
    *PERSON_REF,
    Field("trang_thai", ("Trạng thái", "Điểm danh", "status"), "mark", required=True),
)

VISITS: tuple[Field, ...] = (
    *PERSON_REF,
    Field("ngay", ("Ngày", "Ngày thăm", "date"), "date", required=True),
    Field("ly_do", ("Lý do", "reason"), "reason", required=True),
    Field("qua_tang", ("Quà tặng", "Tiền quà", "Số tiền", "gift"), "money"),
    Field("ma_nhom", ("Mã nhóm", "Mã CLB", "group_code"), "code"),
    Field("ghi_chu", ("Ghi chú", "notes"), "notes"),
)

FIELDS_OF = {
    "roster": ROSTER,
    "groups": GROUPS,
    "members": MEMBERS,
    "attendance": ATTENDANCE,
    "visits": VISITS,
}

# Row-number columns that spreadsheets carry and that mean nothing: not even a warning.
IGNORED_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu"})


def header_key(text: str) -> str:
    return fold(text).replace("_", " ").strip()


def by_header(fields: Sequence[Field]) -> dict[str, str]:
    """{header key: canonical field name} of every name and alias of ``fields``."""
    known = {header_key(f.name): f.name for f in fields}
    known.update({header_key(a): f.name for f in fields for a in f.aliases})
    return known


def parse_map_options(options: Sequence[str], fields: Sequence[Field]) -> dict[str, str]:
    """``--map 'Header=field'`` options → {header key: canonical field name}."""
    by_any = by_header(fields)
    mapping: dict[str, str] = {}
    for option in options:
        header, sep, target = option.partition("=")
        if not sep or not header.strip() or not target.strip():
            raise UsageError("usage.bad_map", value=option)
        field_name = by_any.get(header_key(target))
        if field_name is None:
            names = ", ".join(f.name for f in fields)
            raise UsageError("usage.unknown_field", value=target.strip(), fields=names)
        key = header_key(header)
        if mapping.get(key, field_name) != field_name:  # one column, two fields: which?
            raise UsageError(
                "usage.map_twice", header=header.strip(), first=mapping[key], second=field_name
            )
        mapping[key] = field_name
    return mapping


@dataclass
class HeaderMap:
    columns: dict[str, int]  # canonical field → 0-based column index
    unknown: list[str]  # headers as written that map to nothing
    problems: list[RowProblem]
    # The columns read past (``map_header``'s ``read_past``): (0-based index, as written).
    passed: list[tuple[int, str]] = field(default_factory=list)


def map_header(
    header: Sequence[Cell],
    fields: Sequence[Field],
    extra: dict[str, str],
    line: int,
    read_past: frozenset[str] = frozenset(),
) -> HeaderMap:
    """Which column holds which of ``fields`` (``extra``: ``--map``'s headers); the headers
    that map to none, but for row numbers (``IGNORED_HEADERS``) and ``read_past``."""
    known = by_header(fields)
    known.update(extra)
    columns: dict[str, int] = {}
    unknown: list[str] = []
    passed: list[tuple[int, str]] = []
    problems: list[RowProblem] = []
    for i, cell in enumerate(header):
        text = str(cell).strip()
        key = header_key(text)
        if not key:
            continue
        name = known.get(key)
        if name is None:
            if key in read_past:
                passed.append((i, text))
            elif key not in IGNORED_HEADERS:
                unknown.append(text)
            continue
        if name in columns:
            problems.append(
                RowProblem(
                    line,
                    i + 1,
                    text,
                    None,
                    "file.duplicate_column",
                    {"header": text, "field": name, "other": columns[name] + 1},
                )
            )
            continue
        columns[name] = i
    return HeaderMap(columns, unknown, problems, passed)


def looks_like_header(
    cells: Sequence[Cell], fields: Sequence[Field], extra: dict[str, str]
) -> bool:
    """True if the row names the first required field (lets us skip title rows above it)."""
    required = {f.name for f in fields if f.required}
    mapped = map_header(cells, fields, extra, 0).columns
    return bool(required & set(mapped))


_VOCABULARIES: dict[str, Callable[[str], str]] = {
    "group_kind": parse_group_kind,
    "meeting_kind": parse_meeting_kind,
    "mark": parse_mark,
    "reason": parse_reason,
}


REMEMBERED = 20_000  # answers a column keeps (~3 MB): a file of all-different dates streams
Answers = dict[Cell, object]  # what a column's cells were parsed to (see ``parser_for``)


def _remembering(parse: Callable[[Cell], object], seen: Answers) -> Callable[[Cell], object]:
    """``parse`` with its answers kept in ``seen``: a column of dates repeats the same few
    thousand values over a whole file. Only successes are kept (a refusal is raised
    afresh)."""

    def parse_once(value: Cell) -> object:
        try:
            return seen[value]
        except KeyError:
            pass
        result = parse(value)
        if len(seen) < REMEMBERED:
            seen[value] = result
        return result

    return parse_once


def parser_for(kind: Kind, today: dt.date, seen: Answers | None = None) -> Callable[[Cell], object]:
    """The function turning one non-empty cell into its stored value.

    Columns whose values repeat down a file (dates, yes/no, the vocabularies, group
    and meeting codes) remember their answers (in ``seen``, if given: see
    ``remembers``); names, addresses and phones do not.
    """
    parse = _unremembered(kind)
    if parse is not None:
        return parse
    return _remembering(_repeating_parser(kind, today), {} if seen is None else seen)


def remembers(kind: Kind) -> bool:
    """Whether ``parser_for(kind, …)`` keeps its answers."""
    return _unremembered(kind) is None


def _unremembered(kind: Kind) -> Callable[[Cell], object] | None:
    """The parser of a kind whose values seldom repeat (kept by nobody), if it is one."""
    if kind in ("cccd", "ward", "person_id"):
        return lambda v: str(v).strip()
    if kind == "name":
        return _name
    if kind == "person_name":
        return _person_name
    if kind == "phone":
        return lambda v: parse_phone(str(v))
    if kind == "money":
        return lambda v: parse_money(str(v))
    if kind == "text":
        return lambda v: check_text(unicodedata.normalize("NFC", str(v)).strip())
    if kind == "notes":  # hidden in listings: the stars are refused
        return lambda v: parse_notes(unicodedata.normalize("NFC", str(v)).strip())
    return None


# A column of text whose cells are all plain: what ``parser_for`` gives each, found by
# functions the interpreter runs on the whole column at once (see ``column_parser_for``).
ColumnParser = Callable[[Sequence[str]], "list[Any] | None"]
_NFC = partial(unicodedata.normalize, "NFC")
# What a plain column has in none of its cells, each cell after a "\x1f": a NUL, a
# byte-order mark, and at a cell's start what a formula may start with (a "-" but on
# its own or before a space, as "-" and "- a" are often written). More than
# ``check_text`` refuses ("-5" is text): such a column is read a cell at a time. (Two
# searches: one for a character, one after each "\x1f", each three times as quick as
# the two in one.)
_NOT_PLAIN = re.compile(r"[\x00\ufeff]")
_NOT_PLAIN_START = re.compile(r"\x1f(?:[=+@\t\r]|-(?!\s|$))")
# And a name column: more than ``_name`` and ``_person_name`` refuse (``lost_letters``,
# ``_NOT_A_NAME``, an empty name).
_NOT_PLAIN_NAME = re.compile(r"[\x00\ufeff?\ufffd0-9:/]")
_NOT_PLAIN_NAME_START = re.compile(r"\x1f(?:[=+@\t\r-]|\x1f|$)")


def _plain_text(cells: Sequence[str]) -> list[str] | None:
    """``text`` of each of ``cells``, or None if one may be refused."""
    values = list(map(str.strip, map(_NFC, cells)))
    joined = "\x1f" + "\x1f".join(values)
    return None if _NOT_PLAIN.search(joined) or _NOT_PLAIN_START.search(joined) else values


def _plain_names(cells: Sequence[str]) -> list[str] | None:
    """``person_name`` of each of ``cells``, or None if one may be refused."""
    values = list(map(" ".join, map(str.split, map(_NFC, cells))))
    joined = "\x1f" + "\x1f".join(values)
    if _NOT_PLAIN_NAME.search(joined) or _NOT_PLAIN_NAME_START.search(joined):
        return None
    return values


def column_parser_for(kind: Kind) -> ColumnParser | None:
    """What ``parser_for(kind, …)`` gives each of a column's cells (all text, none
    empty), for the whole column at once, or None when the column may hold a cell
    that it refuses (then each is parsed alone); for the kinds that have one."""
    if kind in ("cccd", "ward", "person_id"):
        return lambda cells: list(map(str.strip, cells))
    if kind == "text":
        return _plain_text
    if kind == "person_name":
        return _plain_names
    return None


def _repeating_parser(kind: Kind, today: dt.date) -> Callable[[Cell], object]:
    if kind == "partial_date":
        return lambda v: parse_date(v, today=today, partial=True)
    if kind == "date":
        return lambda v: parse_date(v, today=today, partial=False)
    if kind == "bool":
        return lambda v: parse_bool(str(v))
    if kind == "gender":
        return lambda v: parse_gender(str(v))
    if kind == "status":
        return lambda v: parse_status(str(v))
    if kind == "code":
        return lambda v: check_text(nfc(str(v)))
    if kind in _VOCABULARIES:
        vocabulary = _VOCABULARIES[kind]
        return lambda v: vocabulary(str(v))
    raise ValueError(f"no parser for {kind!r}")


def _name(value: Cell) -> str:
    name = nfc(str(value))
    if not name:
        raise FieldProblem("value.required")
    if lost_letters(name):  # letters a code page could not hold
        raise FieldProblem("value.lost_letters")
    return check_text(name)


# What no person's name holds, but a sheet's last rows do: "Tổng cộng: 3 người",
# "Người lập biểu", "Đà Nẵng, ngày 31/12/2019".
_NOT_A_NAME = re.compile(r"[0-9:/]")


def _person_name(value: Cell) -> str:
    name = _name(value)
    if _NOT_A_NAME.search(name):
        raise FieldProblem("value.not_a_person_name")
    return name


def empty_value(field: Field) -> object:
    """What an empty cell means: ``no`` for yes/no columns (x/blank), else unknown."""
    if field.required:
        raise FieldProblem("value.required")
    return 0 if field.kind == "bool" else None
