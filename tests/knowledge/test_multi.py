"""Several questions in one message are split, each answered with its own citation, in one reply."""

from __future__ import annotations

import pytest

from knowledge.answer import answer
from knowledge.multi import MAX_QUESTIONS, split_questions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("育儿假几天？托育补贴怎么领？", ["育儿假几天？", "托育补贴怎么领？"]),
        ("我在仁和上班。护理假有多少天", ["我在仁和上班。护理假有多少天"]),
        ("我老婆上个月生的，产假一共多少天", ["我老婆上个月生的，产假一共多少天"]),
        ("难产多几天？双胞胎呢？", ["难产多几天？", "双胞胎呢？"]),
        ("托育机构谁来管？", ["托育机构谁来管？"]),
    ],
)
def test_split_keeps_context_and_cuts_at_question_ends(text: str, expected: list[str]) -> None:
    assert split_questions(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "麻烦问几件事：一是生育津贴谁发，二是护理假有没有工资，三是托育点收不收两岁的",
            ["麻烦问几件事：生育津贴谁发", "护理假有没有工资", "托育点收不收两岁的"],
        ),
        ("1、产假怎么算 2、托育补贴咋申请", ["产假怎么算", "托育补贴咋申请"]),
        ("（1）育儿假几天（2）陪产假几天", ["育儿假几天", "陪产假几天"]),
        ("第一，托班收费谁管；第二，投诉打哪个电话", ["托班收费谁管", "投诉打哪个电话"]),
        ("①备案要啥材料②消防找谁", ["备案要啥材料", "消防找谁"]),
        ("首先问下难产假，其次想问多胞胎", ["问下难产假", "想问多胞胎"]),
    ],
)
def test_numbered_items_are_each_a_question(text: str, expected: list[str]) -> None:
    assert split_questions(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "第一胎产假多少，第二胎也一样吗",  # 第一胎 numbers a child, not an item
        "补贴是1.5万还是2.5万",
        "一是一二是二，产假到底几天",  # a single 一是 after the start is no list of items
    ],
)
def test_numbers_that_are_not_a_list_do_not_cut(text: str) -> None:
    assert len(split_questions(text)) == 1


def test_three_questions_get_three_cited_parts_in_one_reply() -> None:
    result = answer(text="男方护理假有几天？育儿假一年几天？幼儿园托班收多大的娃？")
    assert result.kind == "answer"
    assert len(result.parts) == 3
    assert [p.entry_ids[0] for p in result.parts] == [
        "paternity-leave",
        "parental-leave",
        "toban-kindergarten",
    ]
    for part in result.parts:
        assert part.kind == "answer" and part.sources and part.question
        assert part.text in result.text
    assert result.sources == [s for p in result.parts for s in p.sources]


def test_more_than_three_questions_answers_three_and_says_so() -> None:
    text = "陪产假几天？育儿假几天？托班几岁上？托育机构谁监管？"
    result = answer(text=text)
    assert len(split_questions(text)) == 4
    assert len(result.parts) == MAX_QUESTIONS
    assert f"最多回答{MAX_QUESTIONS}个问题" in result.text


def test_a_second_elliptical_question_follows_the_first() -> None:
    result = answer(text="剖腹产算不算难产？那双胞胎的产假呢？")
    assert result.parts[0].entry_ids[0] == "caesarean-leave"
    assert "multiple-birth" in result.parts[1].entry_ids[0]
