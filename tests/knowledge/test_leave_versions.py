"""Leave by birth date over the table of current-rules-2026.md: every combination, boundary days, replies."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from knowledge.answer import answer
from knowledge.clock import fixed_today
from knowledge.leave import compute_leave, format_leave_reply, leave_rules, parse_leave_query
from knowledge.loader import load_knowledge

D = dt.date
# (birth date, Sichuan extension, 男方护理假, 育儿假 per parent a year, third-child option, version)
TABLE = [
    (D(2016, 1, 1), 60, 20, None, None, "sc-pfp-2016"),
    (D(2019, 6, 15), 60, 20, None, None, "sc-pfp-2016"),
    (D(2021, 9, 28), 60, 20, None, None, "sc-pfp-2016"),
    (D(2021, 9, 29), 60, 20, 10, None, "sc-pfp-2021"),
    (D(2023, 3, 3), 60, 20, 10, None, "sc-pfp-2021"),
    (D(2025, 11, 27), 60, 20, 10, None, "sc-pfp-2021"),
    (D(2025, 11, 28), 90, 30, 10, 30, "sc-pfp-2025"),
    (D(2027, 4, 1), 90, 30, 10, 30, "sc-pfp-2025"),
]


@pytest.mark.parametrize(
    ("row", "babies", "difficult"),
    list(itertools.product(TABLE, [1, 2, 3, 4], [False, True])),
)
def test_every_combination_by_birth_date(row: tuple, babies: int, difficult: bool) -> None:
    day, extension, father, parental, third, version = row
    result = compute_leave(birth_date=day, difficult=difficult, babies=babies)
    expected = 98 + 15 * difficult + 15 * (babies - 1) + extension
    assert result.mother_days == expected
    assert result.father_days == father
    assert result.parental_days == parental
    assert result.third_child_days == third
    assert result.version == version
    assert sum(days for _, days in result.breakdown) == expected  # third child never added silently
    assert result.last_day == day + dt.timedelta(days=expected - 1)
    assert result.citations[0].doc == ("renhe-2020-128" if version == "sc-pfp-2016" else version)


@pytest.mark.parametrize(("months", "days"), [(1.0, 15), (3.9, 15), (4.0, 42), (7.0, 42)])
@pytest.mark.parametrize("day", [D(2021, 9, 28), D(2025, 11, 28)])
def test_miscarriage_is_national_only_on_any_date(months: float, days: int, day: dt.date) -> None:
    result = compute_leave(birth_date=day, miscarriage_months=months)
    assert result.mother_days == days and result.father_days is None


def test_no_date_uses_today() -> None:
    with fixed_today(D(2026, 12, 1)):
        assert compute_leave().mother_days == 188
    with fixed_today(D(2024, 1, 1)):
        assert compute_leave().mother_days == 158
    assert compute_leave(on=D(2025, 11, 27)).father_days == 20


TODAY = D(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "must", "must_not"),
    [
        (
            "老大是2021年9月28日生的，当时产假算下来多少天",
            ["158 天", "2016年修订"],
            ["育儿假", "188"],
        ),
        ("我家是2021年9月29号出生，我老公陪产假几天", ["20 天", "2021年9月29日起施行"], ["30 天"]),
        ("2025.11.27出生的宝宝产假多久", ["158 天"], ["合计 188"]),
        ("宝宝2025年11月28日出生 男方护理假几天", ["30 天", "2025年11月28日起施行"], []),
        ("闺女前年冬天出生的 那会儿产假一共几天", ["158 天"], []),
        ("预产期在后年开春，生育假总共多少天", ["188 天", "预产期"], []),
        ("孩子24年8月份出生，护理假是几天", ["20 天"], ["30 天"]),
        ("我们打算明年要孩子，三孩的话产假能多几天", ["申请", "用人单位同意", "不会自动加上"], []),
        ("产假到底一共有几天", ["188 天", "2025年11月28日前出生的，按原规定延长生育假 60 天"], []),
        ("25年11月份生的，生育假合计几天", ["要看具体出生日期", "188 天", "158 天"], []),
    ],
)
def test_reply_uses_the_rule_of_the_date_given_in_passing(
    text: str, must: list[str], must_not: list[str]
) -> None:
    query = parse_leave_query(text, today=TODAY)
    assert query is not None, text
    with fixed_today(TODAY):
        reply, cites = format_leave_reply(query)
    for part in must:
        assert part in reply, (text, part)
    for part in must_not:
        assert part not in reply, (text, part)
    assert cites


def test_mother_on_leave_at_the_change_gets_the_hedge() -> None:
    query = parse_leave_query("2025年10月20日生的娃，产假能不能按新规延长", today=TODAY)
    assert query is not None
    reply, _ = format_leave_reply(query, today=TODAY)
    assert "没有查到明确规定" in reply and "区卫生健康局" in reply
    early = parse_leave_query("2025年1月2日生的娃 产假几天", today=TODAY)
    assert early is not None and "没有查到明确规定" not in format_leave_reply(early, today=TODAY)[0]


def test_follow_up_keeps_the_date_rule() -> None:
    with fixed_today(TODAY):
        first = answer(text="二〇二五年十二月五日生的，产假加起来多少天")
        assert "188 天" in first.text
        second = answer(text="那如果是难产呢", context={"topic": first.topic})
    assert "203 天" in second.text


def test_follow_up_without_a_date_keeps_the_birth_date_of_the_question() -> None:
    with fixed_today(TODAY):
        first = answer(text="老二2023年5月8日出生，那时候产假一共几天")
        assert "158 天" in first.text and first.topic and first.topic.endswith("@2023-05-08")
        second = answer(text="要是双胞胎呢", context={"topic": first.topic})
        assert "173 天" in second.text and "2021年9月29日起施行" in second.text
        fresh = answer(text="要是双胞胎呢", context={"topic": "maternity-leave-total"})
    assert "203 天" in fresh.text


def test_other_leave_kinds_go_to_their_entries() -> None:
    assert parse_leave_query("孩子前年出生，育儿假每年几天", today=TODAY) is None
    assert parse_leave_query("明年结婚 婚假有几天", today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "total", "bound"),
    [
        ("2025年11月28号之前出生的宝宝，妈妈产假一共多少天", "158", "before"),
        ("娃是2025年11月28日以前生的，生育假按哪个标准", "158", "before"),
        ("2025年11月28日以后生的娃产假多少天", "188", "after"),
        ("2026年1月起出生的孩子，生育假有几天", "188", "after"),
    ],
)
def test_a_date_that_limits_the_birth_applies_the_rule_on_that_side(
    text: str, total: str, bound: str
) -> None:
    with fixed_today(D(2026, 12, 1)):
        query = parse_leave_query(text)
        assert query is not None and query.bound == bound and query.birth_date is None
        reply, _ = format_leave_reply(query)
    assert f"女方合计 {total} 天" in reply
    assert ("及以前" if bound == "before" else "及以后") in reply


def test_a_later_milestone_is_not_a_limit_of_the_birth_date() -> None:
    with fixed_today(D(2026, 12, 1)):
        query = parse_leave_query("2026年3月5号生的，满月后还能休产假吗")
    assert query is not None and query.bound == "" and query.birth_date == D(2026, 3, 5)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("宝宝是2019年6月出生的，当时产假一共多少天", "leave-births-before-2025-11-28"),
        ("2024年3月10号生的老二，爸爸陪产假几天", "leave-births-before-2025-11-28"),
        ("2026年4月1日生的，产假一共几天", "maternity-leave-total"),
        ("媳妇2026年5月生的，当爸爸的陪产假有几天", "paternity-leave"),
        ("2026年2月生的双胞胎 产假一共多少天", "multiple-birth-leave"),
        ("流产了男方有假吗", "miscarriage-leave"),
    ],
)
def test_a_calculation_names_the_rule_and_the_question_it_answered(text: str, first: str) -> None:
    with fixed_today(D(2026, 12, 1)):
        result = answer(text=text)
    assert result.kind == "answer" and result.entry_ids[0] == first


def test_every_rule_version_names_an_entry_that_exists() -> None:
    kb = load_knowledge()
    named = [v.entry for v in leave_rules().provincial if v.entry]
    assert named and all(kb.entry(e) is not None for e in named)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("maternity leave days for a baby born on 5 May 2026", D(2026, 5, 5)),
        ("baby born May 5th, 2026, how long is maternity leave", D(2026, 5, 5)),
        ("paternity leave, son born on the 3rd of June 2025", D(2025, 6, 3)),
    ],
)
def test_an_english_day_is_a_birth_date(text: str, day: dt.date) -> None:
    query = parse_leave_query(text, today=TODAY)
    assert query is not None and query.birth_date == day


def test_an_impossible_english_day_falls_back_to_its_month() -> None:
    query = parse_leave_query("born 31 February 2026, maternity leave?", today=TODAY)
    assert query is not None and query.birth_date is None
    assert (query.birth_from, query.birth_to) == (D(2026, 2, 1), D(2026, 2, 28))
