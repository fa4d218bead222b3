"""Guided-flow actions against a real app (guides + complaints routers) on a free port."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.guide_correct import ActionCorrectGuide
from actions.handoff import (
    ActionClarifyIntent,
    ActionHandoff,
    ActionHandoffPaused,
    ActionLeaveMessage,
    conversation,
    misunderstood_in_row,
)
from actions.leave_calculator import (
    ActionLeaveResult,
    ActionStartLeaveCalculator,
    ValidateLeaveCalculatorForm,
)
from actions.operator_guide import (
    ActionOperatorChecklist,
    ActionResendChecklist,
    ValidateOperatorGuideForm,
)
from tests.actions.conftest import ROOT, TOKEN, _free_port, stop

# The app's internal listener: guides, complaint filing and read, as the action server reaches them.
APP_CODE = """
import sys, uvicorn
uvicorn.run('api.main:internal_app', host='127.0.0.1', port=int(sys.argv[1]), log_level='warning')
"""


@pytest.fixture(scope="module")
def guides_url() -> Iterator[str]:
    """A real app process with a migrated throwaway SQLite database."""
    port = _free_port()
    workdir = Path(tempfile.mkdtemp(prefix="tuoyu-guides-"))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SERVICE_TOKEN": TOKEN,
        "HOTLINE": "12377",
        "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}",
    }
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run(
        [python, "-m", "api.cli", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    log = open(workdir / "app.log", "wb")  # noqa: SIM115 - lives as long as the process
    proc = subprocess.Popen(
        [python, "-c", APP_CODE, str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while True:
        try:
            urllib.request.urlopen(f"{url}/openapi.json", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((workdir / "app.log").read_text()) from None
            time.sleep(0.3)
    yield url
    stop(proc)


@pytest.fixture(autouse=True)
def _env(guides_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_INTERNAL_URL", guides_url)
    monkeypatch.setenv("SERVICE_TOKEN", TOKEN)
    monkeypatch.setenv("ACTION_APP_RETRIES", "0")
    monkeypatch.setenv("ACTION_APP_TIMEOUT_S", "60")  # cold models on a shared machine
    monkeypatch.setenv("HOTLINE", "12377")


def tracker(
    text: str,
    intent: str,
    *,
    slots: dict[str, Any] | None = None,
    events: list[dict] | None = None,
    entities: list[dict] | None = None,
    ranking: list[dict] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
        "entities": entities or [],
        "metadata": {"channel": "wechat"},
    }
    return Tracker(
        "guide-user-1",
        slots or {},
        latest,
        events or [],
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def custom(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


async def test_operator_form_reads_several_answers_at_once() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        "营利性的 租的小区一楼",
        "inform",
        slots={"requested_slot": "op_nature"},
        active_loop="operator_guide_form",
    )
    events = await ValidateOperatorGuideForm().get_extraction_events(dispatcher, t, {})
    assert slots_of(events) == {
        "op_nature": "for_profit",
        "op_premises": "rented",
        "op_location": "residential",
        # ages change nothing outside a kindergarten: the form will not ask them
        "op_needed": ["nature", "premises", "location", "services"],
    }


async def test_the_operator_form_asks_only_what_the_app_says_still_matters() -> None:
    t = tracker(
        "全日制",
        "inform",
        slots={"op_needed": ["nature", "premises", "location", "services"]},
        active_loop="operator_guide_form",
    )
    domain_slots = ["op_nature", "op_premises", "op_location", "op_services", "op_ages"]
    asked = await ValidateOperatorGuideForm().required_slots(
        domain_slots, CollectingDispatcher(), t, {}
    )
    assert asked == domain_slots[:4]


async def test_operator_form_button_value() -> None:
    t = tracker(
        '/inform{"guide_answer":"0-3"}',
        "inform",
        slots={"requested_slot": "op_ages"},
        entities=[{"entity": "guide_answer", "value": "0-3"}],
        active_loop="operator_guide_form",
    )
    events = await ValidateOperatorGuideForm().get_extraction_events(CollectingDispatcher(), t, {})
    assert slots_of(events)["op_ages"] == ["under_1", "age_1_2", "age_2_3"]


async def test_operator_form_steps_aside_for_a_policy_question() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        "保育员是不是要持证上岗啊",
        "ask_staff_qualification",
        slots={"requested_slot": "op_services"},
        active_loop="operator_guide_form",
    )
    assert await ValidateOperatorGuideForm().get_extraction_events(dispatcher, t, {}) == []
    assert dispatcher.messages == []


async def test_operator_form_unreadable_answer_is_asked_again() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        "emmm", "affirm", slots={"requested_slot": "op_premises"}, active_loop="operator_guide_form"
    )
    events = await ValidateOperatorGuideForm().get_extraction_events(dispatcher, t, {})
    assert slots_of(events) == {"op_premises": None}
    assert dispatcher.messages[0]["response"] == "utter_guide_not_understood"


async def test_checklist_is_sent_and_can_be_resent() -> None:
    dispatcher = CollectingDispatcher()
    slots = {
        "op_nature": "non_profit",
        "op_premises": "rented",
        "op_location": "residential",
        "op_services": ["half_day"],
        "op_ages": ["age_2_3"],
    }
    events = await ActionOperatorChecklist().run(dispatcher, tracker("", "inform", slots=slots), {})
    message = custom(dispatcher)[0]
    assert (
        message["kind"] == "form"
        and "区民政局" in message["text"]
        and "房屋租赁登记备案" in message["text"]
    )
    assert message["sources"]
    saved = slots_of(events)["op_checklist"]
    again = CollectingDispatcher()
    await ActionResendChecklist().run(
        again, tracker("再发一遍清单", "resend_checklist", slots={"op_checklist": saved}), {}
    )
    assert [(m["kind"], m["text"]) for m in custom(again)] == [("form", saved)]


async def test_leave_form_impossible_date_gets_a_question() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        "2月30号",
        "inform",
        slots={"requested_slot": "leave_date", "leave_event": "birth"},
        active_loop="leave_calculator_form",
    )
    events = await ValidateLeaveCalculatorForm().get_extraction_events(dispatcher, t, {})
    assert slots_of(events)["leave_date"] is None
    assert "2月没有30号" in custom(dispatcher)[0]["text"]


async def test_an_impossible_date_in_the_opening_message_is_explained() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("帮我算一下产假，娃是2月30号生的", "start_leave_calculator")
    events = slots_of(await ActionStartLeaveCalculator().run(dispatcher, t, {}))
    assert events.get("leave_date") is None
    assert any("2月没有30号" in m.get("text", "") for m in custom(dispatcher))


async def test_the_calculators_own_start_with_a_date_inside_the_form_is_an_answer() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        "帮我算 宝宝是3月6号出生的",
        "start_leave_calculator",
        slots={"requested_slot": "leave_date", "leave_event": "birth"},
        active_loop="leave_calculator_form",
    )
    events = await ValidateLeaveCalculatorForm().get_extraction_events(dispatcher, t, {})
    assert slots_of(events)["leave_date"].endswith("-03-06")


@pytest.mark.parametrize(
    ("form", "text", "slots", "cleared"),
    [
        (
            "leave_calculator_form",
            "预产期写错了",
            {"leave_event": "due", "leave_date": "2027-01-05", "requested_slot": "leave_delivery"},
            "leave_date",
        ),
        (
            "operator_guide_form",
            "场地那个选错了",
            {"op_nature": "for_profit", "op_premises": "rented", "requested_slot": "op_location"},
            "op_premises",
        ),
    ],
)
async def test_a_correction_inside_a_guide_clears_the_field_it_names(
    form: str, text: str, slots: dict[str, Any], cleared: str
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(text, "correct", slots=slots, active_loop=form)
    events = slots_of(await ActionCorrectGuide().run(dispatcher, t, {}))
    assert events == {cleared: None}
    assert "重新说一下" in custom(dispatcher)[0]["text"]


async def test_a_bare_correction_inside_a_guide_asks_which_answer() -> None:
    dispatcher = CollectingDispatcher()
    slots = {"op_nature": "for_profit", "requested_slot": "op_premises"}
    t = tracker("改一下", "correct", slots=slots, active_loop="operator_guide_form")
    assert slots_of(await ActionCorrectGuide().run(dispatcher, t, {})) == {}
    message = custom(dispatcher)[0]
    assert "改哪一项" in message["text"]
    assert [b["title"] for b in message["buttons"]] == ["修改机构性质"]


async def test_an_emergency_inside_a_guide_is_not_an_answer() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        "娃突然没气了 嘴唇发紫",
        "inform",
        slots={"requested_slot": "leave_delivery", "leave_event": "birth"},
        active_loop="leave_calculator_form",
    )
    events = await ValidateLeaveCalculatorForm().get_extraction_events(dispatcher, t, {})
    assert slots_of(events) == {"leave_delivery": None}
    assert "照顾好孩子" in custom(dispatcher)[0]["text"]


async def test_leave_form_needs_months_for_a_miscarriage() -> None:
    form = ValidateLeaveCalculatorForm()
    t = tracker("", "inform", slots={"leave_event": "miscarriage"})
    assert await form.required_slots([], CollectingDispatcher(), t, {}) == [
        "leave_event",
        "leave_months",
        "leave_date",
    ]


async def test_leave_result() -> None:
    dispatcher = CollectingDispatcher()
    slots = {
        "leave_event": "birth",
        "leave_date": "2026-12-01",
        "leave_delivery": "difficult",
        "leave_babies": "2",
    }
    await ActionLeaveResult().run(dispatcher, tracker("", "inform", slots=slots), {})
    text = custom(dispatcher)[0]["text"]
    assert "218 天" in text and "30 天" in text and "2027年7月6日" in text


def _bot(kind: str) -> dict[str, Any]:
    return {"event": "bot", "text": None, "data": {"custom": {"kind": kind, "text": "…"}}}


def test_misunderstood_in_row_counts_only_consecutive_misses() -> None:
    user = {"event": "user", "text": "?"}
    assert misunderstood_in_row([user, _bot("out_of_scope"), user]) == 1
    assert misunderstood_in_row([user, _bot("clarify"), user, _bot("answer"), user]) == 0
    assert misunderstood_in_row([user, _bot("clarify"), user, _bot("out_of_scope"), user]) == 2
    assert misunderstood_in_row([user]) == 0


async def test_clarify_asks_between_close_intents() -> None:
    dispatcher = CollectingDispatcher()
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.35},
        {"name": "ask_paternity_leave", "confidence": 0.33},
        {"name": "ask_maternity_leave", "confidence": 0.3},
    ]
    t = tracker(
        "那个假咋算",
        "nlu_fallback",
        ranking=ranking,
        events=[{"event": "user", "text": "那个假咋算"}],
    )
    events = await ActionClarifyIntent().run(dispatcher, t, {})
    message = custom(dispatcher)[0]
    assert message["kind"] == "clarify" and message["text"] == "您是想问："
    assert [b["payload"].split("{")[0] for b in message["buttons"]] == [
        "/ask_paternity_leave",
        "/ask_maternity_leave",
    ]
    assert slots_of(events) == {"misunderstandings": 1}


async def test_second_miss_in_a_row_hands_off() -> None:
    dispatcher = CollectingDispatcher()
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.35},
        {"name": "ask_paternity_leave", "confidence": 0.33},
        {"name": "ask_maternity_leave", "confidence": 0.3},
    ]
    history = [
        {"event": "user", "text": "啊"},
        _bot("clarify"),
        {"event": "user", "text": "那个假咋算"},
    ]
    events = await ActionClarifyIntent().run(
        dispatcher, tracker("那个假咋算", "nlu_fallback", ranking=ranking, events=history), {}
    )
    message = custom(dispatcher)[0]
    assert message["kind"] == "handoff" and "12377" in message["text"]
    assert [b["payload"] for b in message["buttons"]][:2] == ["/leave_message", "/continue_bot"]
    # an offer only: nothing pauses, the next message is answered as usual
    assert "handoff_active" not in slots_of(events)
    assert slots_of(events)["handoff_stage"] == "offered"


async def test_handoff_message_is_filed_with_the_conversation(guides_url: str) -> None:
    dispatcher = CollectingDispatcher()
    offer = await ActionHandoff().run(
        dispatcher, tracker("转人工", "human_handoff", active_loop="leave_calculator_form"), {}
    )
    assert custom(dispatcher)[0]["kind"] == "handoff"
    assert slots_of(offer)["handoff_stage"] == "offered" and "handoff_active" not in slots_of(offer)
    chose = CollectingDispatcher()
    paused = await ActionLeaveMessage().run(
        chose, tracker("我要留言", "leave_message", active_loop="leave_calculator_form"), {}
    )
    assert chose.messages[0]["response"] == "utter_handoff_ask_message"
    assert slots_of(paused)["handoff_active"] is True
    assert slots_of(paused)["handoff_stage"] == "await_message"
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in paused
    ]
    history = [
        {"event": "user", "text": "转人工", "timestamp": 1.0},
        {"event": "bot", "text": None, "data": {"custom": custom(dispatcher)[0]}},
        {"event": "user", "text": "托育补贴咋申请 我电话13812345678", "timestamp": 2.0},
    ]
    t = tracker(
        "托育补贴咋申请 我电话13812345678",
        "inform",
        slots={"handoff_active": True, "handoff_stage": "await_message"},
        events=history,
        entities=[{"entity": "phone", "value": "13812345678"}],
    )
    paused = CollectingDispatcher()
    events = await ActionHandoffPaused().run(paused, t, {})
    assert slots_of(events) == {"handoff_stage": "waiting"}
    saved = paused.messages[0]
    assert saved["response"] == "utter_handoff_saved" and saved["ticket"].startswith("TY")
    request = urllib.request.Request(
        f"{guides_url}/api/complaints/{saved['ticket']}",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    record = json.load(urllib.request.urlopen(request))
    assert record["kind"] == "handoff" and record["channel"] == "wechat"
    assert record["conversation"][0] == {"role": "user", "text": "转人工"}
    assert record["conversation"][-1]["text"].startswith("托育补贴咋申请")


async def test_paused_conversation_is_quiet_then_resumes() -> None:
    quiet = CollectingDispatcher()
    slots = {"handoff_active": True, "handoff_stage": "waiting"}
    assert (
        await ActionHandoffPaused().run(
            quiet, tracker("产假几天", "ask_maternity_leave", slots=slots), {}
        )
        == []
    )
    assert [m["response"] for m in quiet.messages] == ["utter_handoff_waiting"]
    resumed = CollectingDispatcher()
    events = await ActionHandoffPaused().run(
        resumed, tracker("继续问机器人", "continue_bot", slots=slots), {}
    )
    assert slots_of(events)["handoff_active"] is False
    assert resumed.messages[0]["response"] == "utter_handoff_resumed"


def test_conversation_keeps_user_and_bot_texts() -> None:
    events = [
        {"event": "user", "text": "你好"},
        {"event": "bot", "text": "您好！"},
        _bot("answer"),
        {"event": "action", "name": "x"},
    ]
    assert conversation(events) == [
        {"role": "user", "text": "你好"},
        {"role": "bot", "text": "您好！"},
        {"role": "bot", "text": "…"},
    ]


@pytest.mark.asyncio
async def test_one_who_question_about_a_step_is_answered_not_a_form(
    app_env, dispatcher, make_tracker
) -> None:
    """NLU took it for the operator guide, but it asks one step's department: answer, offer the checklist."""
    from actions.operator_guide import ActionStartOperatorGuide

    text = "托育园装修要报消防验收，这个归哪个部门管"
    events = await ActionStartOperatorGuide().run(
        dispatcher, make_tracker(text, "start_operator_guide"), {}
    )
    assert events == [{"event": "followup", "timestamp": None, "name": "action_listen"}]
    custom = dispatcher.messages[0]["custom"]
    assert custom["kind"] == "answer" and "住建" in custom["text"]
    assert custom["buttons"][0]["payload"] == "我想开一家托育机构，给我列开办清单"


async def test_no_message_resumes_the_bot_at_once() -> None:
    """「不用留言」 while the bot waits for the 留言: nothing is filed, the bot answers again."""
    slots = {"handoff_active": True, "handoff_stage": "await_message"}
    for text, intent in (("不用留言了", "deny"), ("继续问机器人", "continue_bot")):
        dispatcher = CollectingDispatcher()
        events = await ActionHandoffPaused().run(dispatcher, tracker(text, intent, slots=slots), {})
        assert dispatcher.messages[0]["response"] == "utter_handoff_resumed"
        assert slots_of(events)["handoff_active"] is False


async def test_continue_after_an_offer_only_clears_the_offer() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandoffPaused().run(
        dispatcher, tracker("不用留言", "continue_bot", slots={"handoff_stage": "offered"}), {}
    )
    assert dispatcher.messages[0]["response"] == "utter_continue_bot"
    assert slots_of(events) == {"handoff_stage": None}


async def test_a_wordless_message_is_not_understood_with_topics_then_a_person_offered() -> None:
    first = CollectingDispatcher()
    events = await ActionClarifyIntent().run(
        first, tracker("asdfgh", "gibberish", events=[{"event": "user", "text": "asdfgh"}]), {}
    )
    message = custom(first)[0]
    assert message["kind"] == "clarify" and "没看懂" in message["text"]
    assert len(message["buttons"]) >= 3 and slots_of(events) == {"misunderstandings": 1}
    history = [
        {"event": "user", "text": "asdfgh"},
        {"event": "bot", "text": None, "data": {"custom": message}},
        {"event": "user", "text": "🙂🙂"},
    ]
    second = CollectingDispatcher()
    events = await ActionClarifyIntent().run(second, tracker("🙂🙂", "greet", events=history), {})
    offer = custom(second)[0]
    assert offer["kind"] == "handoff" and "/leave_message" in str(offer["buttons"])
    assert "handoff_active" not in slots_of(events)
