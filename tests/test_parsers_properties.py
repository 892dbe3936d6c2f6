"""Property-based tests (hypothesis) of the parsers that take what people type or what a cell holds.

- ``assessment.scoring.parse_score``: any input gives a Decimal multiple of 0.5 in [0, max] (or None for
  blank) or a ScoreInputError with a Chinese message, never another exception.
- the ledger's money and date cells (``inspections.ledger.reader.parse_cell`` with the 罚款金额（元） and a date
  column): amounts with two places round-trip, negatives and garbage are refused with a message, and real dates
  round-trip in every form the import accepts.
- the GB 32100-2015 credit code (``inspections.validators``): the computed check character makes a valid code,
  and every single-character change of a valid code is refused.

No database: these are pure functions. Bounded so that the file runs in a few seconds.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assessment.scoring import ScoreInputError, parse_score
from inspections.ledger.layout import CASES, DISPATCHES
from inspections.ledger.reader import MONEY_MAX, CellError, parse_cell
from inspections.validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_character,
    credit_code_problem,
    normalize_credit_code,
    validate_credit_code,
)

BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHINESE = re.compile(r"[\u4e00-\u9fff]")
MONEY = next(c for c in CASES.columns if c.header == "罚款金额（元）")
DATE = next(c for c in DISPATCHES.columns if c.header == "出动日期")


def _is_chinese_message(text: str) -> bool:
    return bool(text) and CHINESE.search(text) is not None


# --- parse_score ----------------------------------------------------------------------------------------

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.from_regex(r"\s*[+-]?\d{0,4}(\.\d{0,3})?([eE][+-]?\d{1,4})?\s*", fullmatch=True),
    st.sampled_from(["NaN", "sNaN", "-Infinity", "1e999999999", "0.5e1", "５", "四", "1_0", "0x10", "1,5"]),
)


maxima = st.sampled_from([Decimal("2"), Decimal("5"), Decimal("7"), Decimal("10"), Decimal("12.5"), Decimal("100")])


@BOUNDED
@given(raw=anything, max_score=maxima)
@example(raw="1e999998", max_score=Decimal("5"))
@example(raw="sNaN", max_score=Decimal("5"))
@example(raw=Decimal("-0"), max_score=Decimal("5"))
def test_parse_score_returns_a_half_point_score_in_range_or_says_why_in_chinese(raw, max_score):
    try:
        score = parse_score(raw, max_score)
    except ScoreInputError as exc:
        assert _is_chinese_message(str(exc)), str(exc)
        return
    if score is None:
        assert raw is None or (isinstance(raw, str) and raw.strip() == "")
        return
    assert isinstance(score, Decimal) and score.is_finite()
    assert Decimal(0) <= score <= max_score
    assert (score * 2) % 1 == 0


@BOUNDED
@given(raw=st.sampled_from(["1e999999999", "-1e999999999", "1E+1000000", Decimal("9e999999"), "1e-999999999"]))
def test_parse_score_with_an_exponent_beyond_the_decimal_context_says_why(raw):
    """It raised decimal.Overflow (Decimal.normalize() in its message) until scoring.py refused such values."""
    try:
        parse_score(raw, Decimal("5"))
    except ScoreInputError as exc:
        assert _is_chinese_message(str(exc))
    else:
        raise AssertionError(f"{raw!r} accepted as a score")


@BOUNDED
@given(halves=st.integers(min_value=0, max_value=200), max_score=maxima)
def test_every_half_point_within_the_maximum_is_accepted_as_typed(halves, max_score):
    value = Decimal(halves) / 2
    for typed in (str(value), value, float(value), f" {value} "):
        if value <= max_score:
            assert parse_score(typed, max_score) == value
        else:
            try:
                parse_score(typed, max_score)
            except ScoreInputError as exc:
                assert "超过该指标满分" in str(exc)
            else:
                raise AssertionError(f"{typed!r} above {max_score} was accepted")


# --- the ledger's money (罚款金额（元）) ----------------------------------------------------------------------

amounts = st.decimals(min_value=Decimal("0"), max_value=MONEY_MAX, places=2, allow_nan=False, allow_infinity=False)


@BOUNDED
@given(amount=amounts, form=st.sampled_from(["text", "decimal", "grouped", "float"]))
def test_money_with_two_places_round_trips(amount, form):
    typed = {
        "text": str(amount),
        "decimal": amount,
        "grouped": f"{amount:,.2f}",
        "float": float(amount),
    }[form]
    if form == "float" and Decimal(repr(float(amount))) != amount:
        return  # the float nearest the amount is not the amount itself (above 2**53 cents): not a typed value
    parsed = parse_cell(MONEY, typed)
    assert parsed == amount and parsed.as_tuple().exponent == -2


@BOUNDED
@given(amount=st.decimals(max_value=Decimal("-0.01"), places=2, allow_nan=False, allow_infinity=False))
def test_a_negative_amount_is_refused_with_a_message(amount):
    for typed in (str(amount), amount, float(amount)):
        try:
            parse_cell(MONEY, typed)
        except CellError as exc:
            assert "不能为负数" in str(exc)
        else:
            raise AssertionError(f"{typed!r} accepted")


money_garbage = st.one_of(
    st.text(min_size=1, max_size=30).filter(lambda t: t.strip() != ""),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=True, allow_infinity=True),
)


@BOUNDED
@given(value=money_garbage)
@example(value="九十万")
@example(value="1e999999999")
@example(value="NaN")
@example(value="0.001")
def test_money_parsing_never_crashes(value):
    """Whatever a cell holds: a non-negative amount with two places, or a CellError with a Chinese message."""
    try:
        parsed = parse_cell(MONEY, value)
    except CellError as exc:
        assert _is_chinese_message(str(exc)), str(exc)
        return
    assert isinstance(parsed, Decimal) and parsed.is_finite()
    assert Decimal(0) <= parsed <= MONEY_MAX and parsed.as_tuple().exponent == -2


# --- the ledger's dates --------------------------------------------------------------------------------

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@BOUNDED
@given(day=days, form=st.sampled_from(["date", "datetime", "iso", "chinese", "slash", "dot", "spaced"]))
def test_real_dates_round_trip_in_every_accepted_form(day, form):
    typed = {
        "date": day,
        "datetime": datetime(day.year, day.month, day.day),
        "iso": day.isoformat(),
        "chinese": f"{day.year}年{day.month}月{day.day}日",
        "slash": f"{day.year}/{day.month}/{day.day}",
        "dot": f"{day.year}.{day.month:02d}.{day.day:02d}",
        "spaced": f" {day.year} 年 {day.month} 月 {day.day} 日 ",
    }[form]
    assert parse_cell(DATE, typed) == day


@BOUNDED
@given(day=st.dates().filter(lambda d: not 1990 <= d.year <= 2100), as_text=st.booleans())
def test_dates_outside_1990_to_2100_are_refused(day, as_text):
    typed = f"{day.year:04d}-{day.month:02d}-{day.day:02d}" if as_text else day
    try:
        parse_cell(DATE, typed)
    except CellError as exc:
        assert "年份不在1990—2100年之间" in str(exc) or "不是日期" in str(exc)
    else:
        raise AssertionError(f"{typed!r} accepted")


date_garbage = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.from_regex(r"\d{4}[-/.年]\d{1,3}[-/.月]\d{1,3}日?", fullmatch=True),
)


@BOUNDED
@given(value=date_garbage)
@example(value="2023-02-30")
@example(value="2023年13月1日")
@example(value="45000")
@example(value="上周三")
def test_date_parsing_returns_a_date_in_range_or_says_why(value):
    try:
        parsed = parse_cell(DATE, value)
    except CellError as exc:
        assert _is_chinese_message(str(exc)), str(exc)
        return
    assert isinstance(parsed, date) and 1990 <= parsed.year <= 2100
    assert isinstance(value, str)  # a bare number is never taken for a date (docs/records.md)


# --- credit codes (GB 32100-2015) --------------------------------------------------------------------------

prefixes = st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17)


@BOUNDED
@given(first17=prefixes)
def test_the_check_character_makes_a_valid_code(first17):
    code = first17 + credit_code_check_character(first17)
    assert credit_code_problem(code) is None
    validate_credit_code(code.lower())  # typed in lower case, it is the same code
    assert normalize_credit_code(f" {code[:9]} {code[9:].lower()} ") == code


@BOUNDED
@given(first17=prefixes, position=st.integers(min_value=0, max_value=17), data=st.data())
def test_any_single_character_change_of_a_valid_code_is_refused(first17, position, data):
    code = first17 + credit_code_check_character(first17)
    replacement = data.draw(
        st.one_of(
            st.sampled_from([c for c in CREDIT_CODE_ALPHABET if c != code[position]]),
            st.sampled_from("IOSVZ-_/*"),
            st.characters(exclude_characters=code[position] + CREDIT_CODE_ALPHABET.lower()),
        ).filter(lambda c: c.upper() != code[position] and not c.isspace())
    )
    changed = code[:position] + replacement + code[position + 1 :]
    problem = credit_code_problem(normalize_credit_code(changed))
    assert problem is not None and _is_chinese_message(problem), changed


@BOUNDED
@given(text=st.text(max_size=40))
def test_the_credit_code_check_never_crashes(text):
    problem = credit_code_problem(normalize_credit_code(text))
    assert problem is None or _is_chinese_message(problem)
    assert problem is None or len(problem) < 200  # a pasted paragraph is not repeated whole
