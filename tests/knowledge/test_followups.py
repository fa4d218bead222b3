"""Follow-ups that only make sense with the previous turn are read against its topic (context["topic"])."""

from __future__ import annotations

import pytest

from knowledge.answer import answer
from knowledge.opening import OVERVIEW_ENTRY, START_GUIDE, opening_book


@pytest.mark.parametrize(
    ("previous", "text", "expected"),
    [
        ("maternity-leave-total", "那男方呢？", "paternity-leave"),
        ("paternity-leave", "那女方能休多久", "maternity-leave-total"),
        ("open-for-profit-registration", "要是不以赚钱为目的呢", "open-nonprofit-registration"),
        ("complain-fees", "那饭菜不干净呢", "complain-food"),
        pytest.param(
            "staff-certificates",
            "那这个归哪个部门管",
            "staff-qualification-dept",
            marks=pytest.mark.xfail(
                strict=False,
                reason="known weakness (stop 24 note): the previous entry is ruled out, and the reading with it "
                "ranks the lead-department entry above 人社局's qualification entry",
            ),
        ),
    ],
)
def test_followups_are_read_against_the_previous_topic(
    previous: str, text: str, expected: str
) -> None:
    result = answer(text=text, context={"topic": previous})
    assert result.kind == "answer", (text, result.kind)
    assert result.entry_ids == [expected], (text, result.entry_ids)


def test_a_caesarean_followup_after_leave_is_about_caesarean_leave() -> None:
    result = answer(text="要是顺产变剖宫产呢", context={"topic": "maternity-leave-total"})
    # the caesarean-leave entry, or the calculation again with its caesarean caveat: either answers it
    assert result.kind == "answer"
    assert result.entry_ids == ["caesarean-leave"] or "剖腹产本身不等于难产" in result.text


def test_a_message_that_stands_on_its_own_ignores_the_previous_topic() -> None:
    alone = answer(text="托育机构的保育员要持证上岗吗")
    after = answer(text="托育机构的保育员要持证上岗吗", context={"topic": "paternity-leave"})
    assert after.entry_ids == alone.entry_ids


def test_the_same_followup_without_a_topic_is_not_answered_as_that_topic() -> None:
    result = answer(text="那男方呢？")
    assert result.entry_ids != ["paternity-leave"] or result.kind != "answer"


@pytest.mark.parametrize(
    "text", ["想开个托育园，都要去哪些部门办手续", "开一家托儿所需要找哪几个单位"]
)
def test_overview_questions_get_every_step_in_order_and_the_checklist_button(text: str) -> None:
    result = answer(text=text)
    assert result.kind == "answer" and result.entry_ids == [OVERVIEW_ENTRY], result.entry_ids
    departments = [step.department for step in opening_book().steps]
    positions = [result.text.find(f"{i}. {d}") for i, d in enumerate(departments, start=1)]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert START_GUIDE in result.buttons and result.sources


# ---- a leave result followed by a fact the calculation uses -------------------------------------------


def test_facts_after_a_dated_result_are_computed_with_that_date() -> None:
    got = answer(
        text="龙凤胎加难产的话天数是多少", context={"topic": "maternity-leave-total@2026-06-10"}
    )
    assert got.kind == "answer" and "218" in got.text and "2026年6月10日" in got.text


def test_a_bare_day_after_a_dated_result_is_read_next_to_that_date() -> None:
    got = answer(
        text="我嫂子是26号生的 她有几天", context={"topic": "maternity-leave-total@2025-11-28"}
    )
    assert got.kind == "answer" and "158" in got.text and "2025年11月26日" in got.text


def test_a_miscarriage_follow_up_stays_a_miscarriage() -> None:
    got = answer(text="如果是怀孕六个月呢", context={"topic": "miscarriage-leave"})
    assert got.kind == "answer" and "42" in got.text


def test_a_question_without_a_fact_after_a_result_is_not_recomputed() -> None:
    got = answer(text="休假期间工资照发吗", context={"topic": "maternity-leave-total@2026-06-10"})
    assert "2026年6月10日" not in got.text


@pytest.mark.parametrize("text", ["工资照发吗", "那男方呢"])
def test_after_a_miscarriage_answer_other_questions_are_not_the_miscarriage_rule(text: str) -> None:
    got = answer(text=text, context={"topic": "miscarriage-leave"})
    assert got.topic != "miscarriage-leave"


@pytest.mark.parametrize(
    ("previous", "text", "expected"),
    [
        (
            "parental-leave",
            "大的两岁小的刚满月 这个假是按娃儿个数算的吗",
            "parental-leave-counting",
        ),
        ("parental-leave", "要是两个宝都没满三岁，天数会翻倍不", "parental-leave-counting"),
    ],
)
def test_a_message_leaning_on_the_last_answer_is_read_with_it(
    previous: str, text: str, expected: str
) -> None:
    """No 那…/…呢, but alone it is a close call that the previous topic settles."""
    result = answer(text=text, context={"topic": previous})
    assert result.kind == "answer" and result.entry_ids == [expected], (text, result.entry_ids)


@pytest.mark.parametrize(
    ("previous", "text", "expected"),
    [
        ("complain-fees", "托班一般收多大的孩子", "toban-kindergarten"),
        ("open-fire-permit", "陪产假有几天", "paternity-leave"),
    ],
)
def test_a_clear_question_keeps_its_own_reading_after_an_unrelated_topic(
    previous: str, text: str, expected: str
) -> None:
    after = answer(text=text, context={"topic": previous})
    assert after.kind == "answer" and after.entry_ids[:1] == [expected], (text, after.entry_ids)
