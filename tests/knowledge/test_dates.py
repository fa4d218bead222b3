"""Chinese date parsing as people type dates on WeChat, against a fixed today."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.dates import parse_date

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "prefer", "expected"),
    [
        ("明年3月5号", "nearest", dt.date(2027, 3, 5)),
        ("2026年12月1日", "nearest", dt.date(2026, 12, 1)),
        ("2026-12-01生的", "past", dt.date(2026, 12, 1)),
        ("12/1", "future", dt.date(2026, 12, 1)),
        ("12/1", "past", dt.date(2025, 12, 1)),
        ("3.5", "future", dt.date(2027, 3, 5)),
        ("3.5", "past", dt.date(2026, 3, 5)),
        ("娃是昨天生的", "past", dt.date(2026, 11, 27)),
        ("前天剖的", "past", dt.date(2026, 11, 26)),
        ("下个月初", "future", dt.date(2026, 12, 1)),
        ("预产期下个月底", "future", dt.date(2026, 12, 31)),
        ("下月15号", "future", dt.date(2026, 12, 15)),
        ("上个月20号生的", "past", dt.date(2026, 10, 20)),
        ("三天前", "past", dt.date(2026, 11, 25)),
        ("十二月一號", "future", dt.date(2026, 12, 1)),
        ("去年十月三号", "nearest", dt.date(2025, 10, 3)),
        ("2月中旬", "future", dt.date(2027, 2, 15)),
        ("预产期是１月８号", "future", dt.date(2027, 1, 8)),
        ("11月28号今天刚生", "past", dt.date(2026, 11, 28)),
    ],
)
def test_dates_people_write(text: str, prefer: str, expected: dt.date) -> None:
    result = parse_date(text, today=TODAY, prefer=prefer)  # type: ignore[arg-type]
    assert result.error is None
    assert result.value == expected


@pytest.mark.parametrize("text", ["2月30号", "2027年2月29日", "13月1号", "4/31", "6月31日生的"])
def test_impossible_dates_get_a_question_back(text: str) -> None:
    result = parse_date(text, today=TODAY)
    assert result.value is None
    assert result.error and "哪一天" in result.error


def test_leap_day_exists_in_leap_years() -> None:
    assert parse_date("2028年2月29日", today=TODAY).value == dt.date(2028, 2, 29)


@pytest.mark.parametrize("text", ["还没生", "顺产", "双胞胎", "不知道啊"])
def test_no_date_is_no_date(text: str) -> None:
    result = parse_date(text, today=TODAY)
    assert result.value is None and result.error is None
