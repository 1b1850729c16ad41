"""``text``: NFC, matching keys, accent folding, Vietnamese sorting, masking, Windows-1258.

SPEC §3: all text is normalised to NFC; when matching names the old and new tone
placements (``Hoà``/``Hòa``, ``Thuý``/``Thúy``) are the same; headers are matched
case-insensitively, with or without diacritics, surrounding spaces ignored.
"""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cqn_cli.errors import UsageError
from cqn_cli.ingest.fields import ROSTER, header_key, map_header, parse_map_options
from cqn_cli.text import (
    encode_cp1258,
    fold,
    lost_letters,
    mask,
    match_and_fold,
    match_key,
    nfc,
    vn_name_sort_key,
)

TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # none huyền hỏi ngã sắc nặng
VOWELS = "aăâeêioôơuưy"
CONSONANTS = "bcdđghklmnpqrstvx"
VI_LOWER = sorted(
    {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} | set(CONSONANTS)
)
VI_LETTERS = VI_LOWER + [c.upper() for c in VI_LOWER]
assert len(VI_LETTERS) == 2 * (12 * 6 + 17)

vi_text = st.text(alphabet=[*VI_LETTERS, " "], max_size=40)
vi_words = st.lists(st.text(alphabet=VI_LETTERS, min_size=1, max_size=7), min_size=1, max_size=4)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- nfc ------------------------------------------------------------------------------


def test_nfc_composes_and_collapses_whitespace() -> None:
    assert nfc(nfd("  Nguyễn   Thị\tThuý \n")) == "Nguyễn Thị Thuý"
    assert unicodedata.is_normalized("NFC", nfc(nfd("Đặng Ước")))
    assert nfc("Nguyen  Van An ") == "Nguyen Van An"


def test_nfc_keeps_the_tone_placement_as_written() -> None:
    assert nfc("Hoà") == "Hoà"
    assert nfc("Hòa") == "Hòa"
    assert nfc("Hoà") != nfc("Hòa")


# --- match_key ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hoà", "Hòa"),
        ("Thuý", "Thúy"),
        ("Thuỷ", "Thủy"),
        ("Khoẻ", "Khỏe"),
        ("Hoạ", "Họa"),
        ("Trần Văn Hoà", "Trần Văn Hòa"),
        ("Nguyễn Thị Thuý", "NGUYỄN THỊ THÚY"),
        ("  Lê   Văn Ân ", "lê văn ân"),
    ],
)
def test_match_key_same_name(a: str, b: str) -> None:
    assert match_key(a) == match_key(b)
    assert match_key(nfd(a)) == match_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hoa", "Hoà"),
        ("Hòa", "Hóa"),
        ("Thủy", "Thúy"),
        ("Thu", "Thư"),
        ("Dung", "Đung"),
        ("An", "Ân"),
        ("Lê Văn An", "Lê An"),
    ],
)
def test_match_key_different_names(a: str, b: str) -> None:
    assert match_key(a) != match_key(b)


_ONSETS = ["", "h", "kh", "th", "qu", "ng", "t", "x", "l"]
_GLIDES = ["oa", "oe", "uy"]


@given(st.sampled_from(_ONSETS), st.sampled_from(_GLIDES), st.sampled_from(TONES[1:]))
def test_old_and_new_tone_placement_match(onset: str, glide: str, tone: str) -> None:
    old = unicodedata.normalize("NFC", onset + glide + tone)  # hoà, thuý
    new = unicodedata.normalize("NFC", onset + glide[0] + tone + glide[1])  # hòa, thúy
    assert old != new
    assert match_key(old) == match_key(new)
    assert match_key(old.title()) == match_key(new)


@given(st.one_of(st.text(max_size=30), vi_text))
def test_match_key_idempotent(text: str) -> None:
    assert match_key(match_key(text)) == match_key(text)


@given(st.one_of(st.text(max_size=30), vi_text))
def test_match_key_ignores_decomposition(text: str) -> None:
    assert match_key(nfd(text)) == match_key(text)
    assert match_key(unicodedata.normalize("NFC", text)) == match_key(text)


# --- fold -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đặng Văn Ơn", "dang van on"),
        ("ĐỖ THỊ ƯỚC", "do thi uoc"),
        ("Ngày sinh", "ngay sinh"),
        ("  Số  CCCD ", "so cccd"),
        ("Dự bị động viên", "du bi dong vien"),
        ("Nguyen Van An", "nguyen van an"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert fold(nfd(text)) == folded


@given(vi_text)
def test_fold_of_vietnamese_is_ascii(text: str) -> None:
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert len(folded) <= len(text)


@given(st.one_of(st.text(max_size=30), vi_text))
def test_fold_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert fold(nfd(text)) == fold(text)


@given(vi_text)
def test_fold_agrees_with_match_key(text: str) -> None:
    """Two spellings with one match key are one folded text (never the other way round)."""
    assert fold(match_key(text).translate(str.maketrans("", "", "12345"))) == fold(text)


@given(vi_text)
def test_the_latin_eth_is_read_as_the_letter_d_it_looks_like(text: str) -> None:
    """``Ð``/``ð`` (U+00D0/U+00F0, the look-alike of ``Đ`` that pasted web text carries)
    give the keys and the order of ``Đ``/``đ``; a plain ``D`` for ``Đ`` gives other keys
    (the test could fail)."""
    eth = text.replace("Đ", "\u00d0").replace("đ", "\u00f0")
    assert match_key(eth) == match_key(text)
    assert fold(eth) == fold(text)
    assert match_and_fold(eth) == match_and_fold(text)
    assert vn_name_sort_key(eth)[:1] == vn_name_sort_key(text)[:1]
    if "đ" in text.lower():
        assert match_key(text.replace("Đ", "D").replace("đ", "d")) != match_key(text)


def test_a_name_with_the_latin_eth_sorts_as_the_vietnamese_d() -> None:
    shuffled = ["Bùi Văn Yên", "Bùi Văn \u00d0ức", "Bùi Văn Em", "Bùi Văn Dũng"]
    assert sorted(shuffled, key=vn_name_sort_key) == [
        "Bùi Văn Dũng",
        "Bùi Văn \u00d0ức",
        "Bùi Văn Em",
        "Bùi Văn Yên",
    ]


# --- header matching (rests on fold) --------------------------------------------------


def test_every_roster_header_matches_in_every_writing() -> None:
    for field in ROSTER:
        for written in (field.name, *field.aliases):
            for variant in (written, written.upper(), f"  {written} ", fold(written), nfd(written)):
                got = map_header([variant], ROSTER, {}, 1)
                assert got.columns == {field.name: 0}, (field.name, variant)
                assert got.unknown == []


def test_header_key() -> None:
    assert header_key("  Họ Và Tên ") == header_key("ho va ten") == "ho va ten"
    assert header_key("ho_ten") == "ho ten"
    assert header_key("SĐT") == "sdt"


def test_map_header_unknown_ignored_and_duplicate() -> None:
    header = ["STT", "HỌ VÀ TÊN", "Ngay sinh", "Cột lạ", "", "SĐT", "Họ tên"]
    got = map_header(header, ROSTER, {}, 3)
    assert got.columns == {"ho_ten": 1, "ngay_sinh": 2, "dien_thoai": 5}
    assert got.unknown == ["Cột lạ"]  # "STT" means nothing and is not even reported
    [problem] = got.problems
    assert (problem.line, problem.column, problem.key) == (3, 7, "file.duplicate_column")
    assert problem.params == {"header": "Họ tên", "field": "ho_ten", "other": 2}


def test_map_options() -> None:
    extra = parse_map_options(["Tên đầy đủ=ho_ten", " Số ĐT = Điện thoại "], ROSTER)
    assert extra == {"ten day du": "ho_ten", "so dt": "dien_thoai"}
    got = map_header(["TÊN ĐẦY ĐỦ", "số đt"], ROSTER, extra, 1)
    assert got.columns == {"ho_ten": 0, "dien_thoai": 1}
    with pytest.raises(UsageError) as info:
        parse_map_options(["Tên=không_có"], ROSTER)
    assert info.value.key == "usage.unknown_field"
    for bad in ("ho_ten", "=ho_ten", "Tên="):
        with pytest.raises(UsageError) as info:
            parse_map_options([bad], ROSTER)
        assert info.value.key == "usage.bad_map"
    # One column given two fields is refused (the last would win silently); given one
    # field twice, in two writings of the header, it is that field.
    with pytest.raises(UsageError) as info:
        parse_map_options(["Tên=ho_ten", "TÊN=dia_chi"], ROSTER)
    assert info.value.key == "usage.map_twice"
    assert info.value.params == {"header": "TÊN", "first": "ho_ten", "second": "dia_chi"}
    assert parse_map_options(["Tên=ho_ten", " tên =Họ và tên"], ROSTER) == {"ten": "ho_ten"}


# --- mask -----------------------------------------------------------------------------


def test_mask() -> None:
    assert mask("001175001289") == "0011******89"
    assert mask("0905123456") == "0905****56"
    assert mask("1234567") == "1234*67"
    assert mask("123456") == "******"
    assert mask("") == ""
    assert mask(None) is None
    assert mask("0905123456", keep_start=0, keep_end=3) == "*******456"


# --- Windows-1258 ---------------------------------------------------------------------


def test_encode_cp1258_writes_tones_as_combining_bytes() -> None:
    assert encode_cp1258("Thị") == b"Thi\xf2"  # dot below 0xF2
    assert encode_cp1258("Hằng") == b"H\xe3\xccng"  # ă 0xE3 + grave 0xCC
    assert encode_cp1258("Đặng") == b"\xd0\xe3\xf2ng"
    assert encode_cp1258("Ước") == b"\xdd\xf5\xecc"  # Ư, ơ, acute 0xEC
    assert encode_cp1258("ễ") == b"\xea\xde"  # ê + tilde 0xDE
    assert encode_cp1258("An") == b"An"


@given(vi_text)
def test_encode_cp1258_round_trips(text: str) -> None:
    data = encode_cp1258(text)
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == unicodedata.normalize("NFC", text)


@given(st.text(alphabet=[*VI_LETTERS, *" 0123456789,.;:/-()'\"\t\n"], max_size=40))
def test_encode_cp1258_round_trips_with_punctuation_and_nfd(text: str) -> None:
    for written in (text, nfd(text)):
        assert nfc(encode_cp1258(written).decode("cp1258")) == nfc(text)


# --- Vietnamese sorting ---------------------------------------------------------------

# Sorted by hand the way a ward clerk expects: by given name (the last word) first;
# letters in the order a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y;
# a word's letters before its tone; tones none < huyền < hỏi < ngã < sắc < nặng;
# then the other words (only ties that middle-then-family and family-then-middle
# orders agree on are used).
CLERK_ORDER = [
    "Nguyễn Văn An",
    "Trần Văn An",  # same given and middle name: family n < t
    "Phạm Tuấn Anh",  # An < Anh: a prefix first
    "Võ Thị Ánh",  # same letters: no tone < sắc
    "Lê Văn Ân",  # a < â, whatever the tones
    "Hồ Thị Bé",
    "Đặng Văn Bền",  # e < ê
    "Mai Thị Bích",  # ê < i
    "Dương Văn Dũng",
    "Đỗ Văn Dũng",  # family d < đ
    "Phan Duy",  # dung < duy: n < y; a two-word name
    "Bùi Tiến Đạt",  # d < đ
    "Ngô Minh Đức",  # a < ư
    "Lê Thị Hà",
    "Lê Văn Hà",  # same given and family name: middle t < v
    "Trương Văn Hải",  # ha < hai, though huyền < hỏi says nothing here
    "Châu Thị Hằng",  # a < ă
    "Âu Thị Hân",  # ă < â
    "Hoàng Văn Hậu",  # n < u
    "Phùng Thị Lan",
    "Lý Văn Long",  # a < o
    "Cao Văn Lộc",  # o < ô
    "Tạ Văn Lợi",  # ô < ơ
    "Kiều Thị Thu",
    "Vũ Văn Thuận",  # thu < thuân: a prefix first
    "Đinh Thị Thuy",  # â < y
    "Huỳnh Thị Thùy",  # huyền
    "La Thị Thủy",  # hỏi
    "Mạc Thị Thũy",  # ngã
    "Quách Thị Thúy",  # sắc
    "Triệu Thị Thụy",  # nặng
    "Ưng Thị Thư",  # u < ư
    "Khổng Thị Yến",
]


def test_clerk_order_is_not_code_point_order() -> None:
    """The list would catch a key that sorts by code points (ú < ủ, Đ/ư after z…)."""
    naive = sorted(CLERK_ORDER, key=lambda n: (n.split()[-1], n))
    assert naive != CLERK_ORDER
    assert sorted(CLERK_ORDER) != CLERK_ORDER


@pytest.mark.parametrize("seed", range(8))
def test_vn_name_sort_key_gives_the_clerk_order(seed: int) -> None:
    names = CLERK_ORDER[:]
    random.Random(seed).shuffle(names)
    assert sorted(names, key=vn_name_sort_key) == CLERK_ORDER


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Huỳnh Thị Thùy", nfd("Huỳnh Thị Thùy")),
        ("Quách Thị Thúy", "Quách Thị Thuý"),  # old tone placement
        ("Lê Văn Hà", "LÊ VĂN HÀ"),
        ("Lê Văn Hà", " Lê  Văn Hà "),
    ],
)
def test_vn_name_sort_key_same_place(a: str, b: str) -> None:
    assert vn_name_sort_key(a)[0] == vn_name_sort_key(b)[0]


def test_vn_name_sort_key_edge_cases() -> None:
    assert vn_name_sort_key("") == ()
    assert vn_name_sort_key("   ") == ()
    assert sorted(["Bình", "An"], key=vn_name_sort_key) == ["An", "Bình"]


@given(st.lists(vi_words.map(" ".join), min_size=2, max_size=6))
def test_vn_name_sort_key_is_a_total_order(names: list[str]) -> None:
    once = sorted(names, key=vn_name_sort_key)
    assert sorted(once, key=vn_name_sort_key) == once
    rotated = names[1:] + names[:1]
    assert sorted(rotated, key=vn_name_sort_key) == once


@given(
    st.text(
        alphabet=st.sampled_from("aăâeêioôơuưyđĐ ÀÁẢÃẠàáảãạ\u0300\u0301\u0303 \tNguyễnVănAn"),
        max_size=40,
    )
)
def test_match_and_fold_is_both_keys_at_once(text: str) -> None:
    """``match_and_fold`` (what an import stores beside each name) reads the words once and
    gives what ``match_key`` and ``fold`` give one by one."""
    assert match_and_fold(text) == (match_key(text), fold(text))


@pytest.mark.parametrize(
    ("text", "lost", "as_a_question"),
    [
        ("Nguy?n V?n An", True, True),  # saved as Windows-1252
        ("Lê Minh V?", True, False),  # a name never ends in a question
        ("Ph??ng", True, True),
        ("H? và tên", True, True),
        ("S? CCCD", True, True),
        ("Tr\ufffdn", True, True),  # read as UTF-8 when it was not
        ("Còn sống?", True, False),  # a header may ask a question
        ("Đã mất ?", False, False),
        ("Nguyễn Văn An", False, False),
        ("", False, False),
    ],
)
def test_lost_letters(text: str, lost: bool, as_a_question: bool) -> None:
    """In a name every ``?`` after a letter is a lost letter; a header's last may ask."""
    assert lost_letters(text) is lost
    assert lost_letters(text, asks=True) is as_a_question
