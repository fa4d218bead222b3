"""Forms that understand what is said to them, end to end through /api/chat (issue 11).

An opener without details, a side question inside the form, a cancel, a correction, a value for another
field, and an impossible date typed into the leave calculator.
"""

from __future__ import annotations

import unicodedata

import pytest

from tests.e2e.stack import Stack
from tests.e2e.talk import TICKET_RE, last, new_sender, say, stored, texts

pytestmark = pytest.mark.e2e

STORY = "午睡的时候老师把孩子们反锁在屋里自己出去买菜了，回来快一个钟头"
# what is shown and filed: the app normalises every message (NFKC: the full-width comma becomes ",")
FILED_STORY = unicodedata.normalize("NFKC", STORY)


def test_an_opener_without_details_asks_what_happened_and_is_never_the_story(stack: Stack) -> None:
    sender = new_sender()
    first = say(stack, sender, "想举报我们镇上一个托管班")
    assert first["kind"] == "form" and "发生了什么" in last(first)
    again = say(stack, sender, "我要投诉")
    assert "发生了什么" in last(again) and "已记下" not in texts(again)
    told = say(stack, sender, STORY)
    assert "已记下" in texts(told) and "哪家" in last(told)
    say(stack, sender, "不知道")
    say(stack, sender, "布德镇")
    say(stack, sender, "上周二中午")
    summary = texts(say(stack, sender, "不留"))
    assert f"事情经过：{FILED_STORY}" in summary
    assert "我要投诉" not in summary and "举报" not in summary
    done = say(stack, sender, "确认提交")
    assert TICKET_RE.search(texts(done))
    [row] = stored(stack, sender)
    assert row["text"] == FILED_STORY and row["place"] == "布德镇" and row["institution"] is None


def test_a_side_question_inside_the_form_is_answered_then_the_question_again(
    stack: Stack,
) -> None:
    sender = new_sender()
    say(stack, sender, "我要投诉")
    say(stack, sender, STORY)
    asked = say(stack, sender, "不知道")
    assert "乡镇" in last(asked)
    side = say(stack, sender, "等等，我先问一句：男方陪产假一共能休几天？")
    assert any(m.get("sources") for m in side["messages"]), side
    assert "护理假" in texts(side) or "陪产假" in texts(side)
    assert "乡镇" in last(side)  # the pending question again
    assert stored(stack, sender) == []


def test_cancel_inside_the_form_files_and_keeps_nothing(stack: Stack) -> None:
    sender = new_sender()
    say(stack, sender, "我要投诉")
    say(stack, sender, STORY)
    stop = say(stack, sender, "不投诉了")
    assert "已取消" in texts(stop)
    assert stored(stack, sender) == []


def test_a_correction_reasks_the_field_it_names(stack: Stack) -> None:
    sender = new_sender()
    say(stack, sender, "我要投诉")
    say(stack, sender, STORY)
    say(stack, sender, "不知道")
    say(stack, sender, "平地镇")
    ask_phone = say(stack, sender, "昨天中午")
    assert "电话" in last(ask_phone)
    fix = say(stack, sender, "地点说错了")
    assert "地点" in texts(fix) and "乡镇" in last(fix)
    after = say(stack, sender, "金江镇")
    assert "电话" in last(after)  # back to the question that was pending
    summary = texts(say(stack, sender, "不留"))
    assert "地点：金江镇" in summary and "平地镇" not in summary


def test_a_value_for_another_field_goes_to_that_field(stack: Stack) -> None:
    sender = new_sender()
    say(stack, sender, "我要投诉")
    say(stack, sender, STORY)
    ask_place = say(stack, sender, "不知道")  # institution unknown for now
    assert "乡镇" in last(ask_place)
    moved = say(stack, sender, "小熊猫托管班")
    assert "机构名称「小熊猫托管班」" in texts(moved) and "乡镇" in last(moved)
    say(stack, sender, "福田镇")
    say(stack, sender, "上个月")
    summary = texts(say(stack, sender, "不留"))
    assert "机构：小熊猫托管班" in summary and "地点：福田镇" in summary
    done = say(stack, sender, "确认提交")
    assert TICKET_RE.search(texts(done))
    [row] = stored(stack, sender)
    assert row["institution"] == "小熊猫托管班" and row["place"] == "福田镇"


def test_an_impossible_date_typed_into_the_calculator_is_answered_with_why(stack: Stack) -> None:
    sender = new_sender()
    first = say(stack, sender, "帮我算算产假休到哪天")
    assert first["kind"] == "form", first
    if "哪天" not in last(first):  # the calculator asked whether the baby is born yet
        say(stack, sender, "已经生了")
    asked = say(stack, sender, "2月30号")
    assert "2月没有30号" in texts(asked), asked  # said why, not a silent restart
    assert "哪天出生" in last(asked)  # and the date is asked again
    ok = say(stack, sender, "2月28号")
    assert "2月没有30号" not in texts(ok) and "顺产" in last(ok), ok


def test_a_correction_at_the_summary_with_the_new_value_shows_the_summary_again(
    stack: Stack,
) -> None:
    sender = new_sender()
    say(stack, sender, "我要投诉")
    say(stack, sender, STORY)
    say(stack, sender, "小海豚托育园")
    say(stack, sender, "平地镇")
    say(stack, sender, "昨天中午")
    first = texts(say(stack, sender, "不留"))
    assert "机构：小海豚托育园" in first
    fixed = texts(say(stack, sender, "机构名字写错了 是小海星 海星的星"))
    assert "小海星" in fixed and "机构：小海星" in fixed, fixed  # no question in between
    done = say(stack, sender, "确认提交")
    assert TICKET_RE.search(texts(done))
    [row] = stored(stack, sender)
    assert row["institution"] == "小海星"
