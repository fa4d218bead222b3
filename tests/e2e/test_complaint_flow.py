"""The complaint conversation end to end through /api/chat: file, cancel, correct, urgent, app down, status."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.e2e.stack import Stack
from tests.e2e.talk import TICKET_RE, new_sender, say, stored, texts

pytestmark = pytest.mark.e2e

PIN_RE = re.compile(r"查询码：(\d{6})")
FEES = "投诉一下 金苹果托育园每个月另外收600块材料费 报名的时候一个字都没提"


def to_summary(
    stack: Stack,
    sender: str,
    *,
    opening: str = FEES,
    place: str = "平地镇",
    phone: str = "13881234567",
) -> dict[str, Any]:
    """Open a complaint whose text names the institution, answer the rest, return the summary turn."""
    first = say(stack, sender, opening)
    assert first["kind"] == "form", first
    assert "乡镇" in texts(first)  # institution came from triage, place is asked next
    assert "什么时候" in texts(say(stack, sender, place))
    ask_phone = say(stack, sender, "这学期开学以后一直这样")
    assert "保密" in texts(ask_phone) and "不留" in texts(ask_phone)
    summary = say(stack, sender, phone)
    assert summary["kind"] == "form"
    return summary


def test_a_fee_complaint_is_filed_with_ticket_department_reply_time_and_pin(stack: Stack) -> None:
    sender = new_sender()
    summary = to_summary(stack, sender)
    text = texts(summary)
    assert "金苹果托育园" in text and "平地镇" in text and "13881234567" in text
    assert [b["title"] for b in summary["messages"][-1]["buttons"]] == ["确认提交", "修改", "取消"]
    assert stored(stack, sender) == []  # nothing is filed before the user confirms

    done = say(stack, sender, "确认提交")
    assert done["kind"] == "answer"
    receipt = texts(done)
    ticket = TICKET_RE.search(receipt).group(0)
    assert PIN_RE.search(receipt) and "手机号后 4 位" in receipt
    assert "区市场监管局" in receipt and "个工作日内答复" in receipt
    [row] = stored(stack, sender)
    assert row["ticket"] == ticket and row["text"] == FEES
    assert (
        row["institution"] == "金苹果托育园"
        and row["place"] == "平地镇"
        and row["phone"] == "13881234567"
    )


def test_stopping_in_the_middle_stores_nothing(stack: Stack) -> None:
    sender = new_sender()
    ask = say(stack, sender, "我要投诉")
    assert ask["kind"] == "form" and "发生了什么" in texts(ask)
    assert "哪家" in texts(say(stack, sender, "托管班老师天天迟到 八点半了门都还没开 娃在门口等"))
    stop = say(stack, sender, "算了 不投诉了")
    assert stop["kind"] == "form" and "已取消" in texts(stop)
    assert stored(stack, sender) == []
    after = say(stack, sender, "确认提交")  # a late confirmation files nothing either
    assert not TICKET_RE.search(texts(after))
    assert stored(stack, sender) == []


def test_a_field_corrected_at_the_summary_is_asked_again(stack: Stack) -> None:
    sender = new_sender()
    to_summary(stack, sender)
    again = say(stack, sender, "修改地址")
    assert again["kind"] == "form" and "地点" in texts(again) and "乡镇" in texts(again)
    summary = texts(say(stack, sender, "同德镇"))
    assert "同德镇" in summary and "平地镇" not in summary
    done = say(stack, sender, "确认提交")
    assert TICKET_RE.search(texts(done))
    [row] = stored(stack, sender)
    assert row["place"] == "同德镇"


def test_an_urgent_complaint_gets_110_120_advice_first_and_is_filed_urgent(stack: Stack) -> None:
    sender = new_sender()
    first = say(stack, sender, "我要投诉 托育园老师打娃 我家娃接回来脸上还有巴掌印")
    messages = [m["text"] for m in first["messages"]]
    assert "110" in messages[0]  # the safety layer's advice (or the form's urgent line) comes first
    assert any("哪家" in m for m in messages[1:])  # the form goes on after the advice
    say(stack, sender, "不知道")
    say(stack, sender, "仁和镇")
    say(stack, sender, "昨天下午")
    summary = texts(say(stack, sender, "不留"))
    assert "紧急" in summary and "不留" in summary
    done = say(stack, sender, "确认提交")
    assert done["kind"] == "answer"
    assert "110" in done["messages"][0]["text"] and TICKET_RE.search(done["messages"][-1]["text"])
    [row] = stored(stack, sender)
    assert row["urgency"] == "urgent" and row["lead_department"] == "市公安局仁和区分局"
    assert row["institution"] is None and row["phone"] is None


def test_app_down_at_submit_is_told_honestly_and_a_retry_files_one_case(stack: Stack) -> None:
    sender = new_sender()
    to_summary(stack, sender, phone="不留")
    stack.stop("app")
    try:
        # the gateway is the app, so while it is down the confirmation goes to Rasa directly
        raw = httpx.post(
            f"http://127.0.0.1:{stack.rasa_port}/webhooks/rest/webhook",
            json={"sender": sender, "message": "确认提交"},
            timeout=60,
        ).json()
    finally:
        stack.start("app")
        stack.wait_ready()
    said = "\n".join(m.get("text", "") for m in raw)
    assert "提交没有成功" in said and "重新提交" in said and "12345" in said
    assert not TICKET_RE.search(said)
    assert {"kind": "error"} in [m.get("custom") for m in raw]
    assert stored(stack, sender) == []

    retry = say(stack, sender, "重新提交")
    assert retry["kind"] == "answer"
    ticket = TICKET_RE.search(texts(retry)).group(0)
    again = say(stack, sender, "重新提交")
    assert not TICKET_RE.search(texts(again)) or ticket in texts(again)
    [row] = stored(stack, sender)
    assert row["ticket"] == ticket and row["text"] == FEES


@pytest.mark.parametrize("verifier", ["pin", "last4"])
def test_status_lookup_with_the_pin_or_phone_ending(stack: Stack, verifier: str) -> None:
    sender = new_sender()
    to_summary(stack, sender, phone="13881239876")
    receipt = texts(say(stack, sender, "确认提交"))
    ticket, pin = TICKET_RE.search(receipt).group(0), PIN_RE.search(receipt).group(1)

    ask = say(stack, sender, f"查询投诉 {ticket}")
    assert ask["kind"] == "form" and "查询码" in texts(ask)
    status = say(stack, sender, pin if verifier == "pin" else "9876")
    assert status["kind"] == "form"
    assert (
        ticket in texts(status)
        and "当前状态：待派单" in texts(status)
        and "提交时间" in texts(status)
    )

    wrong = say(stack, sender, f"查一下工单 {ticket}")
    assert "查询码" in texts(wrong)
    assert "没有查到" in texts(say(stack, sender, "000000" if pin != "000000" else "111111"))
