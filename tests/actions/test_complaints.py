"""Complaint-flow actions against the real app: slot validation, triage and urgent advice, filing, retries."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import requests
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint_shapes as cw
from actions.complaint_status import (
    ActionCheckComplaintStatus,
    ActionReportLastTicket,
    ValidateComplaintStatusForm,
    status_text,
)
from actions.complaint_submit import ActionCancelComplaint, ActionSubmitComplaint
from actions.complaints import (
    ActionAskComplaintConfirm,
    ActionCorrectComplaint,
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


async def read(
    text: str,
    intent: str,
    slot: str | None,
    domain: dict,
    *,
    slots: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Run the form's validation on one message (slot None: the message that opens the form)."""
    dispatcher = CollectingDispatcher()
    state = {**(slots or {}), "requested_slot": slot}
    events = await ValidateComplaintForm().run(
        dispatcher,
        tracker(text, intent, slots=state, active_loop="complaint_form" if slot else None),
        domain,
    )
    return slot_events(events), shown(dispatcher), events


async def test_a_descriptive_trigger_message_fills_the_text_whole(
    app_env: str, engine_domain: dict
) -> None:
    events, said, _ = await read(FEES, "file_complaint", None, engine_domain)
    assert events["complaint_text"] == FEES
    assert (
        isinstance(events["complaint_triage"], dict) and events["complaint_triage"]["departments"]
    )
    assert events.get("complaint_institution") and "小太阳" in events["complaint_institution"]
    assert [m["kind"] for m in said] == ["form"] and "已记下" in said[0]["text"]


@pytest.mark.parametrize(
    "text", ["我要投诉", "投诉！", "我想举报一下", "你好 我要投诉", "想举报我们镇上那个托管班"]
)
async def test_a_bare_trigger_leaves_the_text_to_be_asked(
    text: str, app_env: str, engine_domain: dict
) -> None:
    events, said, _ = await read(text, "file_complaint", None, engine_domain)
    assert events.get("complaint_text") is None
    assert said == []  # the form's own question follows: what happened


async def test_an_opener_naming_the_institution_keeps_only_the_name(
    app_env: str, engine_domain: dict
) -> None:
    events, _, _ = await read("我要投诉彩虹糖托育中心", "file_complaint", None, engine_domain)
    assert events.get("complaint_text") is None
    assert events["complaint_institution"] == "彩虹糖托育中心"


async def test_the_opener_again_is_not_the_story(app_env: str, engine_domain: dict) -> None:
    events, said, _ = await read("我要投诉", "file_complaint", "complaint_text", engine_domain)
    assert events == {"complaint_text": None}
    assert "发生了什么" in said[0]["text"]


# ---- what happened + triage ---------------------------------------------------------------------------


async def test_urgent_complaint_gets_110_120_advice_before_anything_else(
    app_env: str, engine_domain: dict
) -> None:
    events, said, _ = await read(ABUSE, "inform", "complaint_text", engine_domain)
    assert events["complaint_text"] == ABUSE
    assert events["complaint_urgency"] == "urgent"
    assert said[0]["response"] == "utter_complaint_urgent"


async def test_routine_complaint_gets_no_urgent_advice(app_env: str, engine_domain: dict) -> None:
    events, said, _ = await read(FEES, "inform", "complaint_text", engine_domain)
    assert events["complaint_urgency"] != "urgent"
    assert all(m["response"] is None for m in said)


async def test_app_down_keeps_nothing_and_says_so(app_down_env: str, engine_domain: dict) -> None:
    events, said, _ = await read(FEES, "inform", "complaint_text", engine_domain)
    assert events == {"complaint_text": None}
    assert said[0]["kind"] == "error"


@pytest.mark.parametrize("text", ["嗯", "  "])
async def test_too_short_text_is_asked_again(text: str, app_env: str, engine_domain: dict) -> None:
    events, said, _ = await read(text, "inform", "complaint_text", engine_domain)
    assert events == {"complaint_text": None}
    assert said and said[0]["kind"] == "form"


async def test_a_side_question_makes_the_form_step_aside(app_env: str, engine_domain: dict) -> None:
    text = "稍等 男方护理假一共多少天"
    _, said, events = await read(text, "ask_paternity_leave", "complaint_place", engine_domain)
    assert events == [] and said == []  # rejected: the rules answer, then the form asks again


@pytest.mark.parametrize(("text", "intent"), [("算了不弄了", "stop"), ("地点说错了", "correct")])
async def test_cancel_and_a_bare_correction_are_left_to_the_rules(
    text: str, intent: str, app_env: str, engine_domain: dict
) -> None:
    _, _, events = await read(text, intent, "complaint_phone", engine_domain)
    assert events == []


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
async def test_institution_accepts_a_name_or_dont_know(
    answer: str, expected: str, app_env: str, engine_domain: dict
) -> None:
    events, _, _ = await read(answer, "inform", "complaint_institution", engine_domain)
    assert events == {"complaint_institution": expected}


async def test_empty_answer_is_asked_again(app_env: str, engine_domain: dict) -> None:
    events, said, _ = await read("   ", "inform", "complaint_place", engine_domain)
    assert events == {"complaint_place": None}
    assert "没收到" in said[0]["text"]


@pytest.mark.parametrize(
    ("slot", "answer"),
    [
        ("complaint_place", "大河中路街道 攀枝花大道旁边的小区"),
        ("complaint_when", "上周四下午接娃的时候"),
    ],
)
async def test_place_and_when_keep_the_users_words(
    slot: str, answer: str, app_env: str, engine_domain: dict
) -> None:
    events, _, _ = await read(answer, "inform", slot, engine_domain)
    assert events == {slot: answer}


@pytest.mark.parametrize(
    ("asked", "answer", "goes_to"),
    [
        ("complaint_place", "彩虹糖托育中心", "complaint_institution"),
        ("complaint_institution", "同德镇", "complaint_place"),
        ("complaint_phone", "从上个月开始就这样", "complaint_when"),
    ],
)
async def test_a_value_for_another_field_goes_there_and_the_question_is_asked_again(
    asked: str, answer: str, goes_to: str, app_env: str, engine_domain: dict
) -> None:
    events, said, _ = await read(answer, "inform", asked, engine_domain)
    assert events[goes_to] and events[asked] is None
    assert "记下了" in said[0]["text"]


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
async def test_phone_accepts_mobile_landline_or_none(
    answer: str, expected: str, app_env: str, engine_domain: dict
) -> None:
    events, _, _ = await read(answer, "inform", "complaint_phone", engine_domain)
    assert events == {"complaint_phone": expected}


@pytest.mark.parametrize("answer", ["12345", "1234567890123", "21234567890"])
async def test_wrong_phone_is_explained_and_asked_again(
    answer: str, app_env: str, engine_domain: dict
) -> None:
    events, said, _ = await read(answer, "inform", "complaint_phone", engine_domain)
    assert events == {"complaint_phone": None}
    assert "号码好像不对" in said[0]["text"]


# ---- summary: confirm, correct, cancel -------------------------------------------------------------------


async def test_summary_lists_every_field_with_three_buttons(app_env: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAskComplaintConfirm().run(
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
    assert slot_events(events)["complaint_shown"]


@pytest.mark.parametrize(
    ("answer", "intent", "expected"),
    [
        ("确认提交", "affirm", {"complaint_confirm": "yes", "complaint_edit": None}),
        ("没问题 提交吧", "affirm", {"complaint_confirm": "yes", "complaint_edit": None}),
        ("不对", "deny", {"complaint_confirm": None, "complaint_edit": "ask"}),
    ],
)
async def test_summary_replies(
    answer: str, intent: str, expected: dict, app_env: str, engine_domain: dict
) -> None:
    slots = filled(complaint_confirm=None)
    events, _, _ = await read(answer, intent, "complaint_confirm", engine_domain, slots=slots)
    assert events == expected


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
async def test_naming_a_field_clears_it_so_the_form_asks_again(
    answer: str, field: str, app_env: str
) -> None:
    dispatcher = CollectingDispatcher()
    slots = {**filled(complaint_confirm=None), "requested_slot": "complaint_confirm"}
    events = slot_events(
        await ActionCorrectComplaint().run(
            dispatcher, tracker(answer, "correct", slots=slots, active_loop="complaint_form"), {}
        )
    )
    assert events[field] is None and events["complaint_confirm"] is None
    assert "重新说一下" in shown(dispatcher)[0]["text"]


async def test_a_new_number_in_the_correction_is_taken_at_once(
    app_env: str, engine_domain: dict
) -> None:
    text = "电话写错了 是13900001111"
    slots = filled(complaint_confirm=None)
    events, said, _ = await read(text, "correct", "complaint_confirm", engine_domain, slots=slots)
    assert events["complaint_phone"] == "13900001111" and events["complaint_confirm"] is None
    assert "改成" in said[0]["text"]


async def test_after_asking_which_field_a_bare_field_name_is_enough(
    app_env: str, engine_domain: dict
) -> None:
    slots = filled(complaint_confirm=None, complaint_edit="ask")
    events, _, _ = await read("地址", "inform", "complaint_confirm", engine_domain, slots=slots)
    assert events["complaint_place"] is None
    dispatcher = CollectingDispatcher()
    await ActionAskComplaintConfirm().run(dispatcher, tracker(slots=slots), {})
    message = dispatcher.messages[0]["custom"]
    assert "改哪一项" in message["text"] and "修改地点" in [b["title"] for b in message["buttons"]]


async def test_cancel_drops_every_slot_and_the_form() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCancelComplaint().run(
        dispatcher, tracker("算了", "stop", slots=filled()), {}
    )
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    slots = slot_events(events)
    assert slots.pop("complaint_cancelled") is True
    assert all(value is None for value in slots.values())
    assert shown(dispatcher)[0]["response"] == "utter_complaint_cancelled"


async def test_asking_whether_it_went_through_after_a_cancel_says_nothing_was_filed() -> None:
    dispatcher = CollectingDispatcher()
    asked = tracker("是不是已经交了", "ask_submitted", slots={"complaint_cancelled": True})
    await ActionReportLastTicket().run(dispatcher, asked, {})
    assert shown(dispatcher)[0]["response"] == "utter_complaint_was_cancelled"


async def test_starting_again_forgets_the_cancel() -> None:
    events = await ActionStartComplaint().run(
        CollectingDispatcher(),
        tracker("我要投诉", "file_complaint", slots={"complaint_cancelled": True}),
        {},
    )
    assert slot_events(events).get("complaint_cancelled", "unset") is None


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
