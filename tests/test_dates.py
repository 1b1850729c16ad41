"""``dates``: day-first dates, four-digit years, partial dates where the column allows.

SPEC §3: ``dd/mm/yyyy``, ``d/m/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, ISO
``yyyy-mm-dd``, and where allowed ``mm/yyyy`` and ``yyyy``; a two-digit year and a
future date are errors; partial dates keep their precision.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cqn_cli.dates import format_date, parse_date, parse_day, precision_prefix_compare
from cqn_cli.errors import FieldProblem

TODAY = dt.date(2024, 6, 15)


def problem(value: object, *, partial: bool = False, today: dt.date = TODAY) -> str:
    with pytest.raises(FieldProblem) as info:
        parse_date(value, today=today, partial=partial)
    return info.value.key


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("12/03/1975", "1975-03-12"),
        ("2/3/1975", "1975-03-02"),
        ("02/3/1975", "1975-03-02"),
        ("12-03-1975", "1975-03-12"),
        ("12.03.1975", "1975-03-12"),
        ("1975-03-12", "1975-03-12"),
        ("1975-3-2", "1975-03-02"),
        ("  12/03/1975 ", "1975-03-12"),
        ("29/02/2000", "2000-02-29"),
        ("31/12/1900", "1900-12-31"),
        ("01/01/1900", "1900-01-01"),
        ("15/06/2024", "2024-06-15"),  # today itself is not the future
        ("1975-03-12 00:00:00", "1975-03-12"),  # how some exports write a date cell
        ("1975-03-12T00:00", "1975-03-12"),
    ],
)
@pytest.mark.parametrize("partial", [False, True])
def test_full_dates(text: str, iso: str, partial: bool) -> None:
    assert parse_date(text, today=TODAY, partial=partial) == iso


def test_day_first_always() -> None:
    assert parse_date("03/12/1975", today=TODAY) == "1975-12-03"
    assert problem("12/13/1975") == "date.no_such_day"  # no month 13: not read month first


@pytest.mark.parametrize(
    ("text", "iso"),
    [("03/1975", "1975-03"), ("3/1975", "1975-03"), ("1975-03", "1975-03"), ("1975", "1975")],
)
def test_partial_dates_keep_their_precision(text: str, iso: str) -> None:
    assert parse_date(text, today=TODAY, partial=True) == iso
    assert problem(text) == "date.partial_not_allowed"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("31/02/2019", "date.no_such_day"),
        ("29/02/2019", "date.no_such_day"),
        ("31/04/2020", "date.no_such_day"),
        ("00/01/1975", "date.no_such_day"),
        ("1975-02-30", "date.no_such_day"),
        ("12/03/75", "date.two_digit_year"),
        ("12-03-75", "date.two_digit_year"),
        ("1/1/5", "date.two_digit_year"),
        ("12/3/175", "date.bad"),
        ("12/03/01975", "date.bad"),
        ("12/03/1899", "date.too_old"),
        ("16/06/2024", "date.future"),
        ("2024-12-31", "date.future"),
        ("1975/03/12", "date.bad"),
        ("12 03 1975", "date.bad"),
        ("1975-03-12 10:30", "date.bad"),
        ("12/03/1975.", "date.bad"),
        ("27459", "date.excel_serial"),  # a date cell saved as Excel's number of the day
        ("ngày 12 tháng 3", "date.bad"),
        ("", "date.bad"),
    ],
)
@pytest.mark.parametrize("partial", [False, True])
def test_refused_dates(text: str, key: str, partial: bool) -> None:
    assert problem(text, partial=partial) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("13/1975", "date.no_such_day"),
        ("00/1975", "date.no_such_day"),
        ("3/75", "date.two_digit_year"),
        ("75", "date.two_digit_year"),
        ("175", "date.bad"),
        ("01975", "date.bad"),
        ("1899", "date.too_old"),
        ("07/2024", "date.future"),
        ("2025", "date.future"),
    ],
)
def test_refused_partial_dates(text: str, key: str) -> None:
    assert problem(text, partial=True) == key


def test_partial_dates_in_the_current_month_or_year_are_not_future() -> None:
    assert parse_date("06/2024", today=TODAY, partial=True) == "2024-06"
    assert parse_date("2024", today=TODAY, partial=True) == "2024"


def test_problem_carries_the_value() -> None:
    with pytest.raises(FieldProblem) as info:
        parse_date(" 31/02/2019 ", today=TODAY)
    assert info.value.params == {"value": "31/02/2019"}


def test_date_cells_from_xlsx() -> None:
    assert parse_date(dt.date(1975, 3, 12), today=TODAY) == "1975-03-12"
    assert parse_date(dt.datetime(1975, 3, 12, 0, 0), today=TODAY) == "1975-03-12"
    assert problem(dt.date(2024, 6, 16)) == "date.future"
    assert problem(dt.datetime(2030, 1, 1)) == "date.future"


def test_today_moves_the_future() -> None:
    assert problem("01/01/2020", today=dt.date(2019, 12, 31)) == "date.future"
    assert parse_date("01/01/2020", today=dt.date(2020, 1, 1)) == "2020-01-01"


def test_parse_day() -> None:
    assert parse_day("12/03/2099") == dt.date(2099, 3, 12)  # options may name the future
    assert parse_day("2019-12-31") == dt.date(2019, 12, 31)
    assert parse_day(dt.date(2000, 1, 1)) == dt.date(2000, 1, 1)
    with pytest.raises(FieldProblem) as info:
        parse_day("1975")
    assert info.value.key == "date.partial_not_allowed"
    with pytest.raises(FieldProblem):
        parse_day("31/02/2019")


def test_format_date() -> None:
    assert format_date("1975-03-12", "vi") == "12/03/1975"
    assert format_date("1975-03", "vi") == "03/1975"
    assert format_date("1975", "vi") == "1975"
    assert format_date("1975-03-12", "en") == "1975-03-12"
    assert format_date(None, "vi") == ""


def test_precision_prefix_compare() -> None:
    assert precision_prefix_compare("1975", "1975-03-12") == 0
    assert precision_prefix_compare("1975-03", "1975-04-01") == -1
    assert precision_prefix_compare("1976", "1975-12-31") == 1


# --- properties -----------------------------------------------------------------------

_DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)


def _forms(d: dt.date) -> list[str]:
    return [
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.day}/{d.month}/{d.year}",
        f"{d.day:02d}-{d.month:02d}-{d.year}",
        f"{d.day:02d}.{d.month:02d}.{d.year}",
        d.isoformat(),
    ]


@given(_DAYS, st.booleans())
def test_every_accepted_form_parses_back(d: dt.date, partial: bool) -> None:
    for text in _forms(d):
        assert parse_date(text, today=TODAY, partial=partial) == d.isoformat(), text


@given(st.dates(min_value=TODAY + dt.timedelta(days=1)))
def test_every_future_day_is_refused(d: dt.date) -> None:
    for text in _forms(d):
        assert problem(text, partial=True) == "date.future"


@given(st.integers(1900, TODAY.year), st.integers(1, 12))
def test_partial_forms_parse_back(year: int, month: int) -> None:
    if (year, month) > (TODAY.year, TODAY.month):
        assert problem(f"{month:02d}/{year}", partial=True) == "date.future"
        return
    assert parse_date(f"{month:02d}/{year}", today=TODAY, partial=True) == f"{year}-{month:02d}"
    assert parse_date(f"{month}/{year}", today=TODAY, partial=True) == f"{year}-{month:02d}"
    assert parse_date(f"{year}-{month:02d}", today=TODAY, partial=True) == f"{year}-{month:02d}"
    assert parse_date(str(year), today=TODAY, partial=True) == str(year)


@given(_DAYS)
def test_two_digit_years_are_always_refused(d: dt.date) -> None:
    text = f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}"
    assert problem(text, partial=True) == "date.two_digit_year"


_DATEISH = st.text(alphabet="0123456789/-.: T", max_size=20)


@given(st.one_of(st.text(max_size=30), _DATEISH), st.booleans())
@example("¹²³⁴⁵", True)  # digits to str.isdigit, not to int()
@example("٢٧٤٥٩", False)  # Arabic-Indic digits
def test_never_raises_anything_but_field_problem(text: str, partial: bool) -> None:
    try:
        result = parse_date(text, today=TODAY, partial=partial)
    except FieldProblem as exc:
        assert exc.key.startswith("date.")
        return
    # Whatever is accepted is an ISO date of some precision, not after today.
    assert len(result) in (4, 7, 10)
    day = dt.date.fromisoformat(result + "-01-01"[len(result) - 4 :])
    assert dt.date(1900, 1, 1) <= day <= TODAY
    if not partial:
        assert len(result) == 10


def test_an_excel_day_number_is_said_with_its_day() -> None:
    with pytest.raises(FieldProblem) as info:
        parse_date("27459", today=dt.date(2026, 12, 7), partial=True)
    assert info.value.params == {"value": "27459", "day": "06/03/1975"}
    # A number that would be a day to come is no date of Excel's, nor any date.
    assert problem("99999", partial=True) == "date.bad"
    # Typed as an option, it is a date that is not one.
    with pytest.raises(FieldProblem) as typed:
        parse_day("27459")
    assert typed.value.key == "date.bad"
