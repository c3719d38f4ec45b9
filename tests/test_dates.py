import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi_tui.domain.dates import DateParseError, format_date, parse_date

MARCH_5 = dt.date(2024, 3, 5)


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-05",
        "2024-3-5",
        "20240305",
        "2024/3/5",
        "2024/03/05",
        "2024.3.5",
        "2024年3月5日",
        "2024年03月05日",
        "2024年3月5",  # 日 left off
        "２０２４－０３－０５",  # full-width digits and dash
        "２０２４年３月５日",
        "２０２４/３/５",
        "２０２４．３．５",
        "２０２４０３０５",
        "  2024-03-05  ",
        "2024 - 3 - 5",
        "2024 年 3 月 5 日",
        "\u30002024年3月5日\u3000",  # ideographic spaces around
    ],
)
def test_accepted_forms(text):
    assert parse_date(text) == MARCH_5


@pytest.mark.parametrize("text", ["2023-02-29", "2024-13-01", "2024-02-30", "20240431", "2024年0月1日", "2024/1/32", "2024-00-10"])
def test_impossible_dates(text):
    with pytest.raises(DateParseError) as info:
        parse_date(text)
    assert info.value.impossible is True
    assert info.value.text == text


def test_leap_day_is_a_date():
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "2024", "2024-03", "24-3-5", "2024-3-5-1", "2024--3-5", "202435", "2024030", "3/5/2024", "2024年3月5日早", "五月五日", "2024-03-05T10:00"],
)
def test_garbage_is_not_impossible(text):
    with pytest.raises(DateParseError) as info:
        parse_date(text)
    assert info.value.impossible is False


def test_error_is_a_value_error():
    assert issubclass(DateParseError, ValueError)


def test_format_date():
    assert format_date(None) == ""
    assert format_date(MARCH_5) == "2024-03-05"
    assert format_date("2024-03-05") == "2024-03-05"


@settings(deadline=None)  # no timing: the machine is shared
@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_iso_round_trip(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%Y%m%d")) == day


@settings(deadline=None)  # no timing: the machine is shared
@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_chinese_form_round_trip(day):
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == day
    assert parse_date(f"{day.year}/{day.month}/{day.day}") == day
