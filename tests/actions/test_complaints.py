"""Complaint-flow actions against the real app: slot validation, triage and urgent advice, filing, retries."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import requests
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint_words as cw
from actions.complaint_status import (
    ActionCheckComplaintStatus,
    ValidateComplaintStatusForm,
    status_text,
)
from actions.complaint_submit import ActionCancelComplaint, ActionSubmitComplaint
from actions.complaints import (
    ActionAskComplaintConfirm,
    ActionStartComplaint,
    ValidateComplaintForm,
)
from tests.actions.conftest import TOKEN

TICKET_RE = re.compile(r"TY\d{8}-\d{4}")
FEES = "我要投诉，小太阳托育园每个月都多收400块兴趣班的钱，报名时候根本没讲过，问了也不退"
ABUSE = "投诉 我家娃在托育园被老师打了 脸上有巴掌印 胳膊也青一块"


def tracker(
    text: str = "",
    intent: str = "inform",
    *,
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
    events: list[dict[str, Any]] | None = None,
    sender: str = "test-user",
) -> Tracker:
    """A tracker whose latest user message is `text`; `events` default to just that message."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    user = {"event": "user", "text": text, "parse_data": latest, "metadata": {"channel": "wechat"}}
    return Tracker(
        sender,
        dict(slots or {}),
        latest,
        events if events is not None else [user],
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def shown(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """Each message as (response name or custom kind, text)."""
    return [
        {
            "response": m.get("response"),
            "kind": (m.get("custom") or {}).get("kind"),
            "text": (m.get("custom") or {}).get("text") or m.get("text") or "",
        }
        for m in dispatcher.messages
    ]


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def filled(**overrides: Any) -> dict[str, Any]:
    """Slots of a confirmed, complete complaint with a fresh idempotency key."""
    slots = {
        "complaint_text": "托育园每月多收300元材料费，入园合同里没有写",
        "complaint_institution": "小星星托育园",
        "complaint_place": "仁和区平地镇",
        "complaint_when": "这学期开始",
        "complaint_phone": "13981234567",
        "complaint_confirm": "yes",
        "complaint_key": uuid.uuid4().hex,
        "complaint_channel": "wechat",
    }
    slots.update(overrides)
    return slots


# ---- start and the triggering message ---------------------------------------------------------------


async def test_start_makes_a_new_key_and_clears_the_last_complaint() -> None:
    old = tracker(
        "我要投诉", "file_complaint", slots={"complaint_text": "旧的", "complaint_key": "old-key"}
    )
    events = slot_events(await ActionStartComplaint().run(CollectingDispatcher(), old, {}))
    assert events["complaint_text"] is None
    assert events["complaint_key"] not in (None, "old-key") and len(events["complaint_key"]) == 32
    assert events["complaint_channel"] == "wechat"


async def test_a_descriptive_trigger_message_fills_the_text_whole(
    app_env: str, engine_domain: dict
) -> None:
    dispatcher = CollectingDispatcher()
    events = slot_events(
        await ValidateComplaintForm().run(
            dispatcher, tracker(FEES, "file_complaint"), engine_domain
        )
    )
    assert events["complaint_text"] == FEES
    assert (
        isinstance(events["complaint_triage"], dict) and events["complaint_triage"]["departments"]
    )
    assert events.get("complaint_institution") and "小太阳" in events["complaint_institution"]
    assert [m["response"] for m in shown(dispatcher)] == ["utter_complaint_noted"]


@pytest.mark.parametrize("text", ["我要投诉", "投诉！", "我想举报一下", "你好 我要投诉"])
async def test_a_bare_trigger_leaves_the_text_to_be_asked(text: str, engine_domain: dict) -> None:
    events = slot_events(
        await ValidateComplaintForm().run(
            CollectingDispatcher(), tracker(text, "file_complaint"), engine_domain
        )
    )
    assert events.get("complaint_text") is None


async def test_the_trigger_is_not_reread_once_the_form_runs(engine_domain: dict) -> None:
    form = ValidateComplaintForm()
    running = tracker(FEES, "file_complaint", active_loop="complaint_form")
    assert await form.extract_complaint_text(CollectingDispatcher(), running, engine_domain) == {}


# ---- what happened + triage ---------------------------------------------------------------------------


async def test_urgent_complaint_gets_110_120_advice_before_anything_else(app_env: str) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateComplaintForm().validate_complaint_text(
        ABUSE, dispatcher, tracker(ABUSE), {}
    )
    assert result["complaint_text"] == ABUSE
    assert result["complaint_urgency"] == "urgent"
    assert [m["response"] for m in shown(dispatcher)] == ["utter_complaint_urgent"]


async def test_routine_complaint_gets_no_urgent_advice(app_env: str) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateComplaintForm().validate_complaint_text(
        FEES, dispatcher, tracker(FEES), {}
    )
    assert result["complaint_urgency"] != "urgent"
    assert dispatcher.messages == []


async def test_triage_down_still_takes_the_text(app_down_env: str) -> None:
    result = await ValidateComplaintForm().validate_complaint_text(
        FEES, CollectingDispatcher(), tracker(FEES), {}
    )
    assert result == {"complaint_text": FEES, "complaint_triage": None}


@pytest.mark.parametrize("text", ["嗯", "  ", "投诉"])
async def test_too_short_text_is_asked_again(text: str) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateComplaintForm().validate_complaint_text(
        text, dispatcher, tracker(text), {}
    )
    assert result == {"complaint_text": None}
    assert shown(dispatcher)[0]["response"] == "utter_complaint_text_too_short"


# ---- institution, place, when ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("不知道", cw.UNKNOWN),
        ("不晓得叫啥", cw.UNKNOWN),
        ("记不清了", cw.UNKNOWN),
        ("阳光宝贝托育中心", "阳光宝贝托育中心"),
        ("  金太阳托管班 ", "金太阳托管班"),
    ],
)
async def test_institution_accepts_a_name_or_dont_know(answer: str, expected: str) -> None:
    result = await ValidateComplaintForm().validate_complaint_institution(
        answer, CollectingDispatcher(), tracker(answer), {}
    )
    assert result == {"complaint_institution": expected}


async def test_empty_answer_is_asked_again() -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateComplaintForm().validate_complaint_place(
        "   ", dispatcher, tracker("   "), {}
    )
    assert result == {"complaint_place": None}
    assert shown(dispatcher)[0]["response"] == "utter_complaint_answer_empty"


@pytest.mark.parametrize(
    ("slot", "answer"),
    [
        ("complaint_place", "大河中路街道 攀枝花大道旁边的小区"),
        ("complaint_when", "上周四下午接娃的时候"),
    ],
)
async def test_place_and_when_keep_the_users_words(slot: str, answer: str) -> None:
    form = ValidateComplaintForm()
    result = await getattr(form, f"validate_{slot}")(
        answer, CollectingDispatcher(), tracker(answer), {}
    )
    assert result == {slot: answer}


# ---- phone -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("13812345678", "13812345678"),
        ("我电话 138-1234-5678 白天打", "13812345678"),
        ("+86 139 8000 1234", "13980001234"),
        ("座机0812-3351234", "08123351234"),
        ("不留", cw.NO_PHONE),
        ("不想留 匿名吧", cw.NO_PHONE),
    ],
)
async def test_phone_accepts_mobile_landline_or_none(answer: str, expected: str) -> None:
    result = await ValidateComplaintForm().validate_complaint_phone(
        answer, CollectingDispatcher(), tracker(answer), {}
    )
    assert result == {"complaint_phone": expected}


@pytest.mark.parametrize("answer", ["12345", "1234567890123", "21234567890", "电话是多少来着"])
async def test_wrong_phone_is_explained_and_asked_again(answer: str) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateComplaintForm().validate_complaint_phone(
        answer, dispatcher, tracker(answer), {}
    )
    assert result == {"complaint_phone": None}
    assert shown(dispatcher)[0]["response"] == "utter_complaint_phone_invalid"


# ---- summary: confirm, correct, cancel -------------------------------------------------------------------


async def test_summary_lists_every_field_with_three_buttons() -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskComplaintConfirm().run(
        dispatcher, tracker(slots=filled(complaint_phone=cw.NO_PHONE)), {}
    )
    message = dispatcher.messages[0]["custom"]
    assert message["kind"] == "form"
    assert (
        "小星星托育园" in message["text"]
        and "平地镇" in message["text"]
        and "不留" in message["text"]
    )
    assert [b["title"] for b in message["buttons"]] == ["确认提交", "修改", "取消"]


@pytest.mark.parametrize(
    ("answer", "intent", "expected"),
    [
        ("确认提交", "affirm", {"complaint_confirm": "yes", "complaint_edit": None}),
        ("没问题 提交吧", "affirm", {"complaint_confirm": "yes", "complaint_edit": None}),
        ("修改", "correct", {"complaint_confirm": None, "complaint_edit": "ask"}),
        ("不对", "deny", {"complaint_confirm": None, "complaint_edit": "ask"}),
        ("取消", "deny", {"complaint_confirm": "cancel", "complaint_edit": None}),
    ],
)
async def test_summary_replies(answer: str, intent: str, expected: dict) -> None:
    result = await ValidateComplaintForm().validate_complaint_confirm(
        answer, CollectingDispatcher(), tracker(answer, intent, slots=filled()), {}
    )
    assert result == expected


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ("修改地址", "complaint_place"),
        ("电话写错了", "complaint_phone"),
        ("时间不对 改一下", "complaint_when"),
        ("机构名字写错了", "complaint_institution"),
        ("投诉内容我要补充修改一下", "complaint_text"),
    ],
)
async def test_naming_a_field_clears_it_so_the_form_asks_again(answer: str, field: str) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateComplaintForm().validate_complaint_confirm(
        answer, dispatcher, tracker(answer, "correct", slots=filled()), {}
    )
    assert result[field] is None and result["complaint_confirm"] is None
    assert shown(dispatcher)[0]["response"] == "utter_complaint_edit_field"


async def test_a_new_number_in_the_correction_is_taken_at_once() -> None:
    text = "电话写错了 是13900001111"
    result = await ValidateComplaintForm().validate_complaint_confirm(
        text, CollectingDispatcher(), tracker(text, "correct", slots=filled()), {}
    )
    assert result["complaint_phone"] == "13900001111" and result["complaint_confirm"] is None


async def test_after_asking_which_field_a_bare_field_name_is_enough() -> None:
    slots = filled(complaint_confirm=None, complaint_edit="ask")
    result = await ValidateComplaintForm().validate_complaint_confirm(
        "地址", CollectingDispatcher(), tracker("地址", "inform", slots=slots), {}
    )
    assert result["complaint_place"] is None
    dispatcher = CollectingDispatcher()
    await ActionAskComplaintConfirm().run(dispatcher, tracker(slots=slots), {})
    assert dispatcher.messages[0]["custom"]["text"] == "您想改哪一项？"


async def test_cancel_drops_every_slot_and_the_form() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCancelComplaint().run(
        dispatcher, tracker("算了", "stop", slots=filled()), {}
    )
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    assert all(value is None for value in slot_events(events).values())
    assert shown(dispatcher)[0]["response"] == "utter_complaint_cancelled"


# ---- submission ------------------------------------------------------------------------------------------


def record(app_url: str, ticket: str) -> requests.Response:
    return requests.get(
        f"{app_url}/api/complaints/{ticket}",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )


async def test_submit_reports_ticket_department_reply_time_and_pin(app_env: str) -> None:
    dispatcher = CollectingDispatcher()
    sender = f"s-{uuid.uuid4().hex[:8]}"
    events = await ActionSubmitComplaint().run(
        dispatcher, tracker("确认提交", "affirm", slots=filled(), sender=sender), {}
    )
    [message] = [m["custom"] for m in dispatcher.messages]
    assert message["kind"] == "answer"
    ticket = TICKET_RE.search(message["text"]).group(0)
    assert re.search(r"查询码：\d{6}", message["text"]) and "手机号后 4 位" in message["text"]
    assert (
        re.search(r"初步判断由区\S+办理，热线工作人员会核实", message["text"])
        and "个工作日内答复" in message["text"]
    )
    slots = slot_events(events)
    assert slots["complaint_ticket"] == ticket and slots["complaint_key"] is None
    stored = record(app_env, ticket).json()
    assert stored["sender_id"] == sender and stored["channel"] == "wechat"
    assert stored["institution"] == "小星星托育园" and stored["confidential"] is True


async def test_retry_with_the_same_key_gives_the_same_ticket(app_env: str) -> None:
    slots = filled()
    first, second = CollectingDispatcher(), CollectingDispatcher()
    await ActionSubmitComplaint().run(first, tracker(slots=slots), {})
    await ActionSubmitComplaint().run(second, tracker(slots=slots), {})
    one = TICKET_RE.search(first.messages[0]["custom"]["text"]).group(0)
    two = TICKET_RE.search(second.messages[0]["custom"]["text"]).group(0)
    assert one == two
    assert "查询码：" not in second.messages[0]["custom"]["text"]  # the PIN is shown once only


async def test_unknown_and_no_phone_markers_are_sent_as_not_given(app_env: str) -> None:
    slots = filled(complaint_institution=cw.UNKNOWN, complaint_phone=cw.NO_PHONE)
    dispatcher = CollectingDispatcher()
    await ActionSubmitComplaint().run(dispatcher, tracker(slots=slots), {})
    text = dispatcher.messages[0]["custom"]["text"]
    stored = record(app_env, TICKET_RE.search(text).group(0)).json()
    assert stored["institution"] is None and stored["phone"] is None
    assert "手机号后 4 位" not in text


async def test_urgent_case_is_filed_urgent_with_advice_first(app_env: str) -> None:
    triage = requests.post(
        f"{app_env}/api/triage",
        json={"text": ABUSE},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    ).json()
    slots = filled(
        complaint_text=ABUSE, complaint_triage=triage, complaint_urgency=triage["urgency"]
    )
    dispatcher = CollectingDispatcher()
    await ActionSubmitComplaint().run(dispatcher, tracker(slots=slots), {})
    assert [m["response"] for m in shown(dispatcher)] == ["utter_complaint_urgent", None]
    ticket = TICKET_RE.search(dispatcher.messages[1]["custom"]["text"]).group(0)
    stored = record(app_env, ticket).json()
    assert stored["urgency"] == "urgent" and stored["lead_department"] == "市公安局仁和区分局"


async def test_app_down_is_told_honestly_and_no_ticket_is_claimed(app_down_env: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitComplaint().run(dispatcher, tracker(slots=filled()), {})
    [message] = shown(dispatcher)
    assert message["response"] == "utter_complaint_submit_failed"
    assert dispatcher.messages[0]["hotline"] == "12345"
    assert not TICKET_RE.search(str(dispatcher.messages))
    assert events == []  # slots and the idempotency key stay for 「重新提交」


async def test_retry_after_the_app_comes_back_files_exactly_one_case(
    app_url: str, monkeypatch: pytest.MonkeyPatch, app_down_env: str
) -> None:
    slots = filled()
    down = CollectingDispatcher()
    await ActionSubmitComplaint().run(down, tracker(slots=slots), {})
    assert shown(down)[0]["response"] == "utter_complaint_submit_failed"
    monkeypatch.setenv("APP_INTERNAL_URL", app_url)
    tickets = []
    for _ in range(2):
        dispatcher = CollectingDispatcher()
        await ActionSubmitComplaint().run(
            dispatcher, tracker("重新提交", "retry_submit", slots=slots), {}
        )
        tickets.append(TICKET_RE.search(dispatcher.messages[0]["custom"]["text"]).group(0))
    assert tickets[0] == tickets[1]
    assert record(app_url, tickets[0]).json()["text"] == slots["complaint_text"]


async def test_nothing_to_retry_says_so(app_env: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionSubmitComplaint().run(dispatcher, tracker("重新提交", "retry_submit"), {})
    assert shown(dispatcher)[0]["response"] == "utter_complaint_nothing_pending"


# ---- status lookup ---------------------------------------------------------------------------------------


@pytest.fixture
def filed_case(app_env: str) -> dict[str, str]:
    """A case filed straight through the app API, with its PIN."""
    response = requests.post(
        f"{app_env}/api/complaints",
        json={
            "text": "托管班把娃一个人留在教室里睡觉，老师都出去了",
            "phone": "13698761234",
            "channel": "web",
            "sender_id": "status-test",
            "kind": "complaint",
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_ticket_in_the_request_is_read_at_form_start(engine_domain: dict) -> None:
    text = "查询投诉 ty20261128 0042"
    events = slot_events(
        await ValidateComplaintStatusForm().run(
            CollectingDispatcher(), tracker(text, "check_complaint_status"), engine_domain
        )
    )
    assert events["status_ticket"] == "TY20261128-0042"


@pytest.mark.parametrize(
    ("answer", "expected"), [("TY20261128-0042", "TY20261128-0042"), ("单号忘了", None)]
)
async def test_ticket_validation(answer: str, expected: str | None) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateComplaintStatusForm().validate_status_ticket(
        answer, dispatcher, tracker(answer), {}
    )
    assert result == {"status_ticket": expected}
    assert bool(dispatcher.messages) is (expected is None)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("123456", "123456"),
        ("尾号 1234", "1234"),
        ("12", None),
        ("407 193", "407193"),
        ("查询码是 407193", "407193"),
    ],
)
async def test_verifier_validation(answer: str, expected: str | None) -> None:
    result = await ValidateComplaintStatusForm().validate_status_verifier(
        answer, CollectingDispatcher(), tracker(answer), {}
    )
    assert result == {"status_verifier": expected}


@pytest.mark.parametrize("which", ["pin", "last4"])
async def test_status_with_pin_or_phone_last4(filed_case: dict[str, str], which: str) -> None:
    verifier = filed_case["pin"] if which == "pin" else "1234"
    dispatcher = CollectingDispatcher()
    slots = {"status_ticket": filed_case["ticket"], "status_verifier": verifier}
    events = await ActionCheckComplaintStatus().run(dispatcher, tracker(slots=slots), {})
    message = dispatcher.messages[0]["custom"]
    assert message["kind"] == "form"
    assert filed_case["ticket"] in message["text"] and filed_case["state"] in message["text"]
    assert re.search(r"提交时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}", message["text"])
    assert all(value is None for value in slot_events(events).values())


def test_status_text_shows_the_result_with_its_local_date() -> None:
    found = {
        "ticket": "TY20261128-0042",
        "state": "已办结",
        "created_at": "2026-11-28T02:00:00Z",
        "updated_at": "2026-11-30T17:30:00Z",
        "result": "园方已按未入托天数退费，家长可到前台领取收据",
        "result_at": "2026-11-30T17:30:00Z",  # 12-01 01:30 in Beijing
    }
    text = status_text(found)
    assert (
        text.splitlines()[-1]
        == "办理结果（2026-12-01）：园方已按未入托天数退费，家长可到前台领取收据"
    )
    assert "办理结果" not in status_text({**found, "result": None, "result_at": None})


async def test_wrong_verifier_finds_nothing(filed_case: dict[str, str]) -> None:
    wrong = "000000" if filed_case["pin"] != "000000" else "111111"
    dispatcher = CollectingDispatcher()
    slots = {"status_ticket": filed_case["ticket"], "status_verifier": wrong}
    await ActionCheckComplaintStatus().run(dispatcher, tracker(slots=slots), {})
    assert shown(dispatcher)[0]["response"] == "utter_status_not_found"


async def test_a_locked_ticket_says_so_in_chinese(filed_case: dict[str, str]) -> None:
    """The chat flow goes through the app's limits: after 5 wrong verifiers the ticket is locked."""
    for i in range(5):
        wrong = f"{(int(filed_case['pin']) + 1 + i) % 10**6:06d}"
        slots = {"status_ticket": filed_case["ticket"], "status_verifier": wrong}
        await ActionCheckComplaintStatus().run(CollectingDispatcher(), tracker(slots=slots), {})
    dispatcher = CollectingDispatcher()
    slots = {"status_ticket": filed_case["ticket"], "status_verifier": filed_case["pin"]}
    await ActionCheckComplaintStatus().run(dispatcher, tracker(slots=slots), {})
    message = dispatcher.messages[0]["custom"]
    assert "锁定" in message["text"] and filed_case["state"] not in message["text"]


async def test_status_with_the_app_down_is_an_error(app_down_env: str) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"status_ticket": "TY20261128-0042", "status_verifier": "123456"}
    await ActionCheckComplaintStatus().run(dispatcher, tracker(slots=slots), {})
    assert shown(dispatcher)[0]["response"] == "utter_status_failed"


@pytest.mark.asyncio
async def test_a_question_about_where_it_goes_is_answered_not_filed(
    app_env, dispatcher, make_tracker
) -> None:
    """NLU took it for a complaint, but it only asks which department: answer, offer filing, no form."""
    from actions.complaints import ActionStartComplaint

    text = "托育点在公交站台上贴满了招生小广告，这种情况一般归哪个部门管"
    events = await ActionStartComplaint().run(dispatcher, make_tracker(text, "file_complaint"), {})
    assert events == [{"event": "followup", "timestamp": None, "name": "action_listen"}]
    custom = dispatcher.messages[0]["custom"]
    assert custom["kind"] == "answer" and "综合执法" in custom["text"]
    assert custom["buttons"][0]["payload"].startswith("我要投诉：")


@pytest.mark.asyncio
async def test_an_explicit_complaint_still_starts_the_form(
    app_env, dispatcher, make_tracker
) -> None:
    from actions.complaints import ActionStartComplaint

    text = "我要投诉！托育园乱收材料费，这种该找谁"
    events = await ActionStartComplaint().run(dispatcher, make_tracker(text, "file_complaint"), {})
    assert not dispatcher.messages
    assert any(
        isinstance(e, dict) and e.get("name") == "complaint_key" and e.get("value") for e in events
    )
