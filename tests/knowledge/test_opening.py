"""The operator checklist builder: steps follow the answers, every clause is quoted verbatim from the plan."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from knowledge.opening import (
    OperatorAnswers,
    age_buckets,
    build_checklist,
    missing_questions,
    needed_questions,
    opening_book,
    parse_answers,
)
from knowledge.text import compact
from tests.canonical import CANONICAL_DEPARTMENTS

PLAN = (
    Path(__file__).resolve().parents[2]
    / "knowledge"
    / "data"
    / "sources"
    / "renhe-2020-128-infant-care-plan.txt"
)


def _ids(**answers: object) -> list[str]:
    base = {
        "nature": "for_profit",
        "premises": "rented",
        "location": "residential",
        "services": ["full_day"],
        "ages": ["age_2_3"],
    }
    base.update(answers)
    return [s.id for s in build_checklist(OperatorAnswers(**base)).steps]  # type: ignore[arg-type]


def test_every_quote_is_verbatim_in_the_plan() -> None:
    plan = compact(PLAN.read_text(encoding="utf-8"))
    book = opening_book()
    quotes = [c.quote for s in book.steps for c in s.citations] + [
        c.quote for n in book.notes for c in n.citations
    ]
    assert len(quotes) > 20
    missing = [q for q in quotes if compact(q) not in plan]
    assert missing == []


def test_departments_are_canonical() -> None:
    canonical = set(CANONICAL_DEPARTMENTS)
    for step in opening_book().steps:
        assert set(step.department.split("、")) <= canonical, step.id


def test_rented_flat_in_a_residential_area_for_profit() -> None:
    ids = _ids()
    assert (
        ids.index("house-safety")
        < ids.index("rental-registration")
        < ids.index("register-for-profit")
    )
    assert "property-coordination" in ids
    assert "register-non-profit" not in ids
    assert (
        "planning" not in ids and "project-filing" not in ids and "construction-permit" not in ids
    )


def test_non_profit_goes_to_civil_affairs() -> None:
    checklist = build_checklist(
        OperatorAnswers(
            nature="non_profit",
            premises="new_build",
            location="other",
            services=["half_day"],
            ages=["age_1_2"],
        )
    )
    ids = [s.id for s in checklist.steps]
    registration = next(s for s in checklist.steps if s.id == "register-non-profit")
    assert registration.department == "区民政局"
    assert "register-for-profit" not in ids
    assert ids[:3] == ["planning", "project-filing", "construction-permit"]
    assert "rental-registration" not in ids and "house-safety" not in ids
    assert "food-safety" not in ids


def test_kindergarten_class_gets_education_bureau_and_age_note() -> None:
    checklist = build_checklist(
        OperatorAnswers(
            nature="for_profit",
            premises="renovated",
            location="kindergarten",
            services=["full_day"],
            ages=["age_1_2", "age_2_3"],
        )
    )
    step = next(s for s in checklist.steps if s.id == "kindergarten-class")
    assert step.department == "区教育和体育局"
    assert checklist.notes and "2—3岁" in checklist.notes[0]
    older = build_checklist(
        OperatorAnswers(
            nature="for_profit",
            premises="renovated",
            location="kindergarten",
            services=["full_day"],
            ages=["age_2_3"],
        )
    )
    assert older.notes == []


@pytest.mark.parametrize(
    "combo",
    list(
        itertools.product(
            ["for_profit", "non_profit"],
            ["new_build", "renovated", "rented"],
            ["residential", "kindergarten", "other"],
        )
    ),
)
def test_every_combination_has_the_common_steps_in_order(combo: tuple[str, str, str]) -> None:
    nature, premises, location = combo
    checklist = build_checklist(
        OperatorAnswers(
            nature=nature,
            premises=premises,
            location=location,
            services=["hourly"],
            ages=["age_2_3"],
        )
    )
    ids = [s.id for s in checklist.steps]
    for common in (
        "fire-permit",
        "health-evaluation",
        "qualification-filing",
        "staff-certification",
        "safety",
        "tax",
    ):
        assert common in ids
    assert [s.number for s in checklist.steps] == list(range(1, len(ids) + 1))
    assert all(s.citations for s in checklist.steps)
    text = checklist.render()
    assert "持证上岗" in text and "第一责任人" in text and "人防、技防和物防" in text
    assert ("区民政局" in text) == (nature == "non_profit")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("营利性的 开公司", {"nature": "for_profit"}),
        ("非营利的，民非", {"nature": "non_profit"}),
        ("不赚钱 搞公益", {"nature": "non_profit"}),
        ("租的小区里面的房子", {"premises": "rented", "location": "residential"}),
        ("在幼儿园里开托班", {"location": "kindergarten"}),
        ("全日制和计时制都要", {"services": ["full_day", "hourly"]}),
        ("半天的", {"services": ["half_day"]}),
        ("0-3岁都收", {"ages": ["under_1", "age_1_2", "age_2_3"]}),
        ("2到3岁", {"ages": ["age_2_3"]}),
        ("for_profit", {"nature": "for_profit"}),
        ("額……還沒想好", {}),
    ],
)
def test_parse_answers(text: str, expected: dict[str, object]) -> None:
    assert parse_answers(text) == expected


def test_parse_only_one_question() -> None:
    assert parse_answers("租的小区里面的房子", only="premises") == {"premises": "rented"}


def test_missing_questions_in_order() -> None:
    assert [q.id for q in missing_questions({"premises": "rented"})] == [
        "nature",
        "location",
        "services",
        "ages",
    ]


# ---- negation, age ranges, questions that still matter -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("场地不是租的，是我们自己盖的新楼", {"premises": "new_build"}),
        ("不在居民小区 也不是幼儿园里", {"location": "other"}),
        ("我们不打算营利", {"nature": "non_profit"}),
        ("计时的不做 只做半天班", {"services": ["half_day"]}),
        ("不要全日制 就半日制和计时制", {"services": ["half_day", "hourly"]}),
    ],
)
def test_denied_options_are_not_answers(text: str, expected: dict[str, object]) -> None:
    assert parse_answers(text) == expected


def test_a_single_denial_among_three_options_answers_nothing() -> None:
    assert parse_answers("房子不是租的") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("收一岁半到三岁的娃", ["age_1_2", "age_2_3"]),
        ("6个月到2岁", ["under_1", "age_1_2"]),
        ("打算收18个月到36个月的", ["age_1_2", "age_2_3"]),
        ("两岁到三岁", ["age_2_3"]),
    ],
)
def test_age_ranges_cover_the_groups_they_span(text: str, expected: list[str]) -> None:
    assert age_buckets(text) == expected


def test_ages_are_asked_only_where_they_change_the_checklist() -> None:
    everything = ["nature", "premises", "location", "services", "ages"]
    assert needed_questions({}) == everything
    assert needed_questions({"location": "kindergarten"}) == everything
    assert "ages" not in needed_questions({"location": "residential"})
    assert "ages" not in needed_questions({"location": "other", "nature": "for_profit"})
