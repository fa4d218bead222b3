"""Leave arithmetic: every birth combination, miscarriage thresholds, parsing and the reply text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from knowledge.clock import fixed_today
from knowledge.leave import LeaveQuery, compute_leave, format_leave_reply, parse_leave_query

TODAY = dt.date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _before_the_2025_amendment() -> Iterator[None]:
    """These cases were written for a day under the 2021 rule (60/20); test_leave_versions covers the rest."""
    with fixed_today(TODAY):
        yield


@pytest.mark.parametrize(
    ("babies", "difficult", "mother"),
    [
        (1, False, 158),
        (1, True, 173),
        (2, False, 173),
        (2, True, 188),
        (3, False, 188),
        (3, True, 203),
        (4, False, 203),
    ],
)
def test_birth_leave_table(babies: int, difficult: bool, mother: int) -> None:
    result = compute_leave(
        birth_date=None, difficult=difficult, babies=babies, miscarriage_months=None
    )
    assert result.mother_days == mother
    assert result.father_days == 20
    assert sum(days for _, days in result.breakdown) == mother
    assert any("第七条" in r for r in result.rules_applied)
    assert any("四川省人口与计划生育条例" in r for r in result.rules_applied)
    assert any("难产" in r for r in result.rules_applied) is difficult
    assert any("多胞胎" in r for r in result.rules_applied) is (babies > 1)


@pytest.mark.parametrize(
    ("months", "days"),
    [(0.5, 15), (1.4, 15), (3.0, 15), (3.5, 15), (3.97, 15), (4.0, 42), (4.5, 42), (6.0, 42)],
)
def test_miscarriage_table(months: float, days: int) -> None:
    result = compute_leave(birth_date=None, difficult=False, babies=1, miscarriage_months=months)
    assert result.mother_days == days
    assert result.father_days is None  # the sources grant no 护理假 for a miscarriage
    assert result.miscarriage and len(result.rules_applied) == 1
    assert "60" not in result.basis


def test_last_day_counts_the_start_day() -> None:
    result = compute_leave(birth_date=dt.date(2025, 1, 1), difficult=False, babies=1)
    assert result.last_day == dt.date(2025, 1, 1) + dt.timedelta(days=157)
    assert result.father_last_day == dt.date(2025, 1, 20)


def test_babies_must_be_positive() -> None:
    with pytest.raises(ValueError):
        compute_leave(babies=0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我双胞胎产假多少天", {"babies": 2}),
        ("龍鳳胎能休幾天假", {"babies": 2}),
        ("三胞胎产假咋算", {"babies": 3}),
        ("要是生了四胞胎能休多久", {"babies": 4}),
        ("多胞胎产假怎么算", {"babies": None}),
        ("难产的话一共能休多少天", {"difficult": True, "asks_total": True}),
        ("难产+双胞胎总共多少天假", {"difficult": True, "babies": 2}),
        ("剖腹产产假总共几天", {"caesarean": True, "difficult": False}),
        ("顺产的产假一共多少天", {"vaginal": True}),
        (
            "孕6周流产了能休几天",
            {"miscarriage": True, "miscarriage_months": 1.4, "pregnancy_weeks": 6},
        ),
        ("怀孕3个月流产有几天假", {"miscarriage": True, "miscarriage_months": 3.0}),
        ("满4个月流产了休多久", {"miscarriage": True, "miscarriage_months": 4.0}),
        ("怀孕三个半月小产 假期多长", {"miscarriage": True, "miscarriage_months": 3.5}),
        ("胎停育了可以请几天假", {"miscarriage": True, "miscarriage_months": None}),
        ("2025年3月8日生的娃 产假休到哪天", {"birth_date": dt.date(2025, 3, 8)}),
        ("宝宝5月20号出生，产假一共到几号", {"birth_date": dt.date(2025, 5, 20)}),
    ],
)
def test_parse_leave_query(text: str, expected: dict) -> None:
    query = parse_leave_query(text, today=TODAY)
    assert query is not None
    for key, value in expected.items():
        assert getattr(query, key) == value, key


@pytest.mark.parametrize(
    "text",
    [
        "产假多少天",
        "双胞胎能一起上托班吗",
        "剖腹产后宝宝能送托吗",
        "宝宝3个月了去哪打疫苗",
        "托育机构一共有几家",
    ],
)
def test_parse_ignores_questions_without_arithmetic(text: str) -> None:
    assert parse_leave_query(text, today=TODAY) is None


def test_followup_assumes_leave_context() -> None:
    assert parse_leave_query("那双胞胎呢", today=TODAY) is None
    query = parse_leave_query("那双胞胎呢", assume_leave=True, today=TODAY)
    assert query is not None and query.babies == 2


@pytest.mark.parametrize(
    ("query", "must", "must_not"),
    [
        (LeaveQuery(), ["158 天", "20 天", "98 天", "60 天"], ["173"]),
        (LeaveQuery(difficult=True), ["173 天", "难产增加 15 天"], []),
        (LeaveQuery(babies=3, difficult=True), ["203 天", "多 2 个婴儿"], []),
        (LeaveQuery(babies=None), ["173 天", "188 天"], []),
        (LeaveQuery(caesarean=True), ["158 天", "剖腹产本身不等于难产"], ["173"]),
        (
            LeaveQuery(miscarriage=True, miscarriage_months=2.0),
            ["15 天"],
            ["42 天产假。依据", "护理假 20"],
        ),
        (LeaveQuery(miscarriage=True, miscarriage_months=4.0), ["42 天"], []),
        (LeaveQuery(miscarriage=True), ["15 天", "42 天"], []),
        (
            LeaveQuery(birth_date=dt.date(2025, 3, 1)),
            ["2025-03-01", "2025-08-05", "2025-03-20"],
            [],
        ),
    ],
)
def test_reply_text(query: LeaveQuery, must: list[str], must_not: list[str]) -> None:
    text, citations = format_leave_reply(query)
    for part in must:
        assert part in text
    for part in must_not:
        assert part not in text
    assert "区人力资源社会保障局" in text and "修订" in text
    assert citations


def test_weeks_near_threshold_add_a_caveat() -> None:
    text, _ = format_leave_reply(parse_leave_query("孕17周流产能休几天", today=TODAY))  # type: ignore[arg-type]
    assert "15 天" in text and "认定为准" in text
