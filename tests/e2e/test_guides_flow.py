"""Guided flows through POST /api/chat on the real stack: operator checklist, leave calculator, hand-off."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import httpx

from tests.e2e.stack import SERVICE_TOKEN, Stack


def _say(stack: Stack, sender: str, text: str) -> dict:
    response = stack.chat(sender, text)
    assert response.status_code == 200, response.text
    return response.json()


def _text(body: dict) -> str:
    return "\n".join(m["text"] for m in body["messages"])


def _sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def test_operator_guide_with_side_question_correction_and_resend(stack: Stack) -> None:
    sender = _sender("op")
    body = _say(stack, sender, "我想开一家托育机构")
    assert body["kind"] == "form" and "1/5" in _text(body)
    body = _say(stack, sender, '/inform{"guide_answer":"for_profit"}')
    assert body["kind"] == "form" and "2/5" in _text(body)
    body = _say(stack, sender, "保育员是不是都要持证上岗？")
    assert any(m.get("sources") for m in body["messages"]), body
    assert "2/5" in body["messages"][-1]["text"]
    body = _say(stack, sender, "租的房子，在小区里面")
    assert "4/5" in _text(body), body
    body = _say(stack, sender, "不对 我们是非营利的")
    assert "4/5" in _text(body), body
    # outside a kindergarten the children's ages change nothing, so the checklist follows the services
    body = _say(stack, sender, '/inform{"guide_answer":"full_day"}')
    assert "5/5" not in _text(body)
    checklist = body["messages"][-1]["text"]
    assert body["kind"] == "form"
    assert "区民政局" in checklist and "房屋租赁登记备案" in checklist and "持证上岗" in checklist
    assert "区市场监管局负责营利性" not in checklist
    assert body["messages"][-1]["sources"]
    body = _say(stack, sender, "再发一遍清单")
    assert body["kind"] == "form" and body["messages"][-1]["text"] == checklist


def test_a_kindergarten_class_is_still_asked_the_ages(stack: Stack) -> None:
    sender = _sender("op-kg")
    _say(stack, sender, "我想开一家托育机构")
    _say(stack, sender, '/inform{"guide_answer":"non_profit"}')
    body = _say(stack, sender, "在我们幼儿园里办托班 房子是改造的")
    assert "4/5" in _text(body), body
    body = _say(stack, sender, "半日制")
    assert "5/5" in _text(body), body
    body = _say(stack, sender, "一岁半到三岁")
    assert "区教育和体育局" in body["messages"][-1]["text"]


def test_operator_guide_cancel(stack: Stack) -> None:
    sender = _sender("op-cancel")
    assert _say(stack, sender, "我想开一家托育机构")["kind"] == "form"
    body = _say(stack, sender, "算了")
    assert body["kind"] == "form" and "已经退出" in _text(body)
    body = _say(stack, sender, "男方护理假几天")
    assert body["kind"] == "answer"


def test_leave_calculator_with_an_impossible_date(stack: Stack) -> None:
    sender = _sender("leave")
    body = _say(stack, sender, "帮我算产假")
    assert body["kind"] == "form"
    body = _say(stack, sender, '/inform{"guide_answer":"birth"}')
    assert "哪天出生" in _text(body)
    body = _say(stack, sender, "2月30号")
    assert body["kind"] == "form" and "2月没有30号" in _text(body)
    body = _say(stack, sender, "昨天")
    assert "顺产" in _text(body)
    body = _say(stack, sender, '/inform{"guide_answer":"normal"}')
    assert "几个宝宝" in _text(body)
    body = _say(stack, sender, '/inform{"guide_answer":"1"}')
    result = body["messages"][-1]["text"]
    born = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date() - dt.timedelta(days=1)
    last = born + dt.timedelta(days=187)  # born after 2025-11-28: 98 + 90 days
    assert body["kind"] == "form"
    assert (
        "188 天" in result
        and "30 天" in result
        and f"{last.year}年{last.month}月{last.day}日" in result
    )
    assert "人力资源社会保障局" in result


def test_handoff_message_quiet_then_staff_release(stack: Stack) -> None:
    sender = _sender("handoff")
    body = _say(stack, sender, "转人工")
    assert body["kind"] == "handoff" and "12345" in _text(body)
    body = _say(stack, sender, "/leave_message")
    assert body["kind"] == "handoff"
    body = _say(stack, sender, "我想问问托育补贴怎么申请 电话13812345678")
    assert body["kind"] == "handoff" and "已收到您的留言" in _text(body)
    body = _say(stack, sender, "产假多少天")
    assert (
        body["kind"] == "handoff" and len(body["messages"]) == 1 and "继续问机器人" in _text(body)
    )
    token = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    public = httpx.post(f"{stack.url}/api/internal/handoff/{sender}/release", headers=token)
    assert public.status_code == 404  # internal routes are not on the public port
    denied = httpx.post(f"{stack.internal_url}/api/internal/handoff/{sender}/release", timeout=10)
    assert denied.status_code == 401
    released = httpx.post(
        f"{stack.internal_url}/api/internal/handoff/{sender}/release",
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        timeout=10,
    )
    assert released.status_code == 200, released.text
    body = _say(stack, sender, "产假多少天")
    assert body["kind"] != "handoff"


def test_two_misunderstandings_offer_a_person_and_the_bot_goes_on(stack: Stack) -> None:
    sender = _sender("miss")
    first = _say(stack, sender, "/nlu_fallback")
    assert first["kind"] in ("clarify", "out_of_scope")
    second = _say(stack, sender, "/nlu_fallback")
    assert second["kind"] == "handoff" and "12345" in _text(second)
    body = _say(stack, sender, "/deny")
    assert body["kind"] != "handoff" and "请直接提问" in _text(body)
    body = _say(stack, sender, '/ask_paternity_leave{"entry_id":"paternity-leave"}')
    assert body["kind"] == "answer" and "20" in _text(body)


def test_a_leave_question_with_the_birth_date_is_answered_at_once_then_refined(
    stack: Stack,
) -> None:
    sender = _sender("leave-at-once")
    first = _say(stack, sender, "帮我算一下产假 孩子是今年2月14号生的")
    text = _text(first)
    year = dt.datetime.now(ZoneInfo("Asia/Shanghai")).year
    assert "188 天" in text and f"{year}年2月14日" in text, text  # no question in between
    assert "难产或多胞胎" in text
    refined = _text(_say(stack, sender, "改一下 难产"))
    assert "203 天" in refined, refined


def test_a_question_right_after_the_leave_result_is_answered_not_taken_as_a_correction(
    stack: Stack,
) -> None:
    sender = _sender("leave-then-question")
    _say(stack, sender, "帮我算一下产假 孩子是今年2月14号生的")
    then = _say(stack, sender, "那男方有几天")
    assert then["kind"] == "answer" and any(m.get("sources") for m in then["messages"]), then
    assert "改哪一项" not in _text(then)
