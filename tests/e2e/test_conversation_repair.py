"""Hand-off only on purpose, misunderstandings, out of scope and 「提交成功没有」 through POST /api/chat (real stack)."""

from __future__ import annotations

import re
import sqlite3
import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e

TICKET_RE = re.compile(r"TY\d{8}-\d{4}")
SMALLTALK_MARKS = (
    "您好！我是仁和区托育助手",
    "再见",
    "不客气",
    "我是仁和区托育助手，一个自动问答程序",
)


def _sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}"


def _say(stack: Stack, sender: str, text: str) -> dict[str, Any]:
    response = stack.chat(sender, text)
    assert response.status_code == 200, response.text
    return response.json()


def _text(body: dict[str, Any]) -> str:
    return "\n".join(m["text"] for m in body["messages"])


def _payloads(body: dict[str, Any]) -> list[str]:
    return [b["payload"] for m in body["messages"] for b in (m.get("buttons") or [])]


def _slots(stack: Stack, sender: str) -> dict[str, Any]:
    response = httpx.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"include_events": "NONE", "token": stack.rasa_token},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["slots"])


def _cases(stack: Stack, sender: str) -> list[sqlite3.Row]:
    with sqlite3.connect(stack.workdir / "tuoyu.db") as db:
        db.row_factory = sqlite3.Row
        return db.execute("SELECT * FROM complaints WHERE sender_id = ?", (sender,)).fetchall()


def test_an_offer_pauses_nothing_and_the_next_question_is_answered(stack: Stack) -> None:
    sender = _sender("offer")
    offer = _say(stack, sender, "转人工")
    assert offer["kind"] == "handoff" and "12345" in _text(offer)
    assert {"/leave_message", "/continue_bot"} <= set(_payloads(offer))
    body = _say(stack, sender, "男方陪产假有几天")
    assert body["kind"] == "answer" and "已收到您的留言" not in _text(body)
    assert any(m.get("sources") for m in body["messages"])
    assert _cases(stack, sender) == [] and not _slots(stack, sender)["handoff_active"]


def test_no_message_then_the_bot_answers_normally(stack: Stack) -> None:
    sender = _sender("nomsg")
    _say(stack, sender, "我想找工作人员")
    body = _say(stack, sender, "不用留言")
    assert "已转人工" not in _text(body) and body["kind"] != "handoff"
    body = _say(stack, sender, "产假一共多少天")
    assert body["kind"] == "answer" and "工作人员会联系您" not in _text(body)
    assert _cases(stack, sender) == []


def test_leaving_a_message_on_purpose_files_it_then_resume(stack: Stack) -> None:
    sender = _sender("msg")
    _say(stack, sender, "转人工")
    asked = _say(stack, sender, "/leave_message")
    assert asked["kind"] == "handoff" and "下一条消息" in _text(asked)
    assert _slots(stack, sender)["handoff_active"] is True
    saved = _say(stack, sender, "托育补贴怎么申请，请回电话13812345678")
    assert saved["kind"] == "handoff" and "已收到您的留言" in _text(saved)
    [case] = _cases(stack, sender)
    assert case["kind"] == "handoff" and case["text"].startswith("托育补贴怎么申请")
    quiet = _say(stack, sender, "产假多少天")
    assert quiet["kind"] == "handoff" and "继续问机器人" in _text(quiet)
    back = _say(stack, sender, "继续问机器人")
    assert "恢复" in _text(back)
    body = _say(stack, sender, "产假多少天")
    assert body["kind"] == "answer" and len(_cases(stack, sender)) == 1


def test_words_asking_to_leave_a_message_pause_and_continue_bot_cancels(stack: Stack) -> None:
    sender = _sender("words")
    asked = _say(stack, sender, "我想给工作人员留个言")
    assert "下一条消息" in _text(asked)
    body = _say(stack, sender, "继续问机器人")
    assert "恢复" in _text(body) and _cases(stack, sender) == []
    assert _say(stack, sender, "托班收多大的孩子")["kind"] == "answer"


def test_a_paused_conversation_still_gets_emergency_advice(stack: Stack) -> None:
    sender = _sender("urgent")
    _say(stack, sender, "/leave_message")
    body = _say(stack, sender, "孩子从床上掉下来 头着地了 现在叫他没反应")
    assert body["messages"][0]["text"].startswith("请立即拨打")
    assert "已收到您的留言" not in _text(body) and _cases(stack, sender) == []


@pytest.mark.parametrize("text", ["asdfgh", "？？？", "🙂", "jkjkjk"])
def test_a_message_without_words_is_not_understood_with_topics(stack: Stack, text: str) -> None:
    body = _say(stack, _sender("nowords"), text)
    assert body["kind"] == "clarify", body
    said = _text(body)
    assert "没看懂" in said and not any(mark in said for mark in SMALLTALK_MARKS)
    assert len(_payloads(body)) >= 3


def test_two_in_a_row_offer_a_person_without_pausing(stack: Stack) -> None:
    sender = _sender("twice")
    assert _say(stack, sender, "asdfgh")["kind"] == "clarify"
    second = _say(stack, sender, "？？？")
    assert second["kind"] == "handoff" and "/leave_message" in _payloads(second)
    assert not any(mark in _text(second) for mark in SMALLTALK_MARKS)
    assert not _slots(stack, sender)["handoff_active"]
    body = _say(stack, sender, "陪产假几天")
    assert body["kind"] == "answer" and _cases(stack, sender) == []


def test_a_request_outside_the_assistant_is_out_of_scope(stack: Stack) -> None:
    body = _say(stack, _sender("oos"), "你能帮我订机票吗")
    assert body["kind"] == "out_of_scope", body
    assert "自动问答程序" not in _text(body)


def _file_a_complaint(stack: Stack, sender: str) -> str:
    """Walk the complaint form with 「不清楚」/「不留」 until the summary, confirm, return the receipt."""
    body = _say(stack, sender, "我要投诉 星星点点托管班每个月多收500块伙食费 也不给收据")
    for _ in range(8):
        if "确认提交" in _payloads(body) or "确认提交" in _text(body):
            return _text(_say(stack, sender, "确认提交"))
        asked = body["messages"][-1]["text"] if body["messages"] else ""
        body = _say(stack, sender, "不留" if "电话" in asked else "不清楚")
    raise AssertionError(f"the form never reached its summary: {body}")


def test_did_it_go_through_reports_the_ticket_just_filed(stack: Stack) -> None:
    sender = _sender("filed")
    receipt = _file_a_complaint(stack, sender)
    ticket = TICKET_RE.search(receipt).group(0)
    assert "初步判断由" in receipt and "热线工作人员会核实" in receipt
    assert "牵头处理部门：" not in receipt
    body = _say(stack, sender, "提交成功没有")
    assert ticket in _text(body) and "没有待提交" not in _text(body)
