"""A child in danger, typed in any state of a real conversation: advice first, the state kept."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e

CHOKING = "等一下 娃娃吃葡萄噎住了 脸都憋红了 咳不出来"


def _sender() -> str:
    return f"sf-{uuid.uuid4().hex[:12]}"


def _say(stack: Stack, sender: str, text: str) -> dict[str, Any]:
    response = stack.chat(sender, text)
    assert response.status_code == 200, response.text
    return response.json()


def _text(body: dict[str, Any]) -> str:
    return "\n".join(m["text"] for m in body["messages"])


def _tracker(stack: Stack, sender: str) -> dict[str, Any]:
    response = httpx.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"include_events": "NONE", "token": stack.rasa_token},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_emergency_inside_a_complaint_form_is_advised_and_the_form_waits(stack: Stack) -> None:
    sender = _sender()
    assert _say(stack, sender, "我要投诉")["kind"] == "form"
    asked = _say(stack, sender, "托育园的饭菜经常是凉的 娃中午都吃不饱")
    assert asked["kind"] == "form" and "哪家" in _text(asked)
    before = _tracker(stack, sender)["slots"]
    body = _say(stack, sender, CHOKING)
    assert body["emergency"] == "medical" and body["messages"][0]["urgent"] is True
    assert body["messages"][0]["text"].startswith("请立即拨打 120")
    after = _tracker(stack, sender)
    assert after["active_loop"]["name"] == "complaint_form"
    assert after["slots"]["requested_slot"] == before["requested_slot"] == "complaint_institution"
    assert after["slots"]["complaint_institution"] is None  # not taken as the institution's name
    nxt = _say(stack, sender, "小橡果托育园")
    assert nxt["kind"] == "form" and _tracker(stack, sender)["slots"]["complaint_institution"]


def test_emergency_during_a_handoff_is_advised_and_not_filed_as_a_message(stack: Stack) -> None:
    sender = _sender()
    assert _say(stack, sender, "转人工")["kind"] == "handoff"
    assert _say(stack, sender, "/leave_message")["kind"] == "handoff"  # the family chose a 留言
    body = _say(stack, sender, "孩子从床上掉下来 头着地了 现在叫他没反应")
    assert "120" in body["messages"][0]["text"]
    assert "已收到您的留言" not in _text(body)
    assert _tracker(stack, sender)["slots"]["handoff_stage"] == "await_message"


def test_a_complaint_that_starts_with_the_danger_goes_on_as_a_complaint(stack: Stack) -> None:
    sender = _sender()
    body = _say(stack, sender, "我要投诉 托育园老师现在正在打我儿子 我在监控里看到的")
    assert body["messages"][0]["text"].startswith("请立即拨打 110")
    assert body["kind"] == "form"
    assert _tracker(stack, sender)["active_loop"]["name"] == "complaint_form"


def test_policy_question_after_an_emergency_is_answered(stack: Stack) -> None:
    sender = _sender()
    _say(stack, sender, "屋里一股煤气味 很冲 娃还在睡觉")
    body = _say(stack, sender, "男方护理假有几天")
    assert body["kind"] == "answer" and "emergency" not in body
